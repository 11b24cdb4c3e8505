/* fuzz_jpush.c -- libFuzzer target: a kiosk's journal push and fetch at the core (jstore), sent
 * once with a forged signature and once signed by the approved fuzz kiosk, so that inputs
 * reach the field, gap and chain checks past the signature. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz_core.h"
#include "jstore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1800000000000LL

static jstore *js;

static void stop(void)
{
    jstore_free(js);
}

/* Checks what any answer must satisfy; aborts otherwise. */
static void check(const jstore_answer *a)
{
    static const int ok[] = {200, 400, 401, 403, 404, 409, 413, 500};
    int known = 0;
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) known |= a->status == ok[i];
    if (!known || !a->code[0] || !memchr(a->reason, 0, sizeof a->reason)) abort();
    if (a->status == 200 && !a->json) abort();
    if (a->json) {
        json_t *o = json_loads(a->json, 0, NULL);
        if (!json_is_integer(json_object_get(o, "have"))) abort();
        json_decref(o);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ctx) {
        fuzz_core_setup();
        js = jstore_new(ctx, NULL, NULL);
        if (!js) abort();
        fuzz_core_stop = stop;
    }
    const char *body = (const char *)data, *pub = bank_signer_pub(kiosk);
    char sig[129];
    jstore_answer a;
    memset(sig, 'a', 128);
    sig[128] = 0;
    jstore_push(js, body, size, pub, sig, NOW, &a);
    check(&a);
    if (a.status == 200) abort();   /* a forged signature never passes */
    free(a.json);
    if (bank_signer_sign(kiosk, body, size, sig) != BANK_OK) return 0;
    jstore_push(js, body, size, pub, sig, NOW, &a);
    check(&a);
    free(a.json);
    jstore_fetch(js, body, size, pub, sig, NOW, &a);
    check(&a);
    free(a.json);
    return 0;
}
