/* fuzz_state.c -- libFuzzer target: a kiosk's room state at the core (seats_state), sent
 * once with a forged signature and once signed by the approved fuzz kiosk, so that inputs
 * reach the checks past the signature; a message waits for the kiosk in every answer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz_core.h"
#include "seats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1800000000000LL

static seats *rm;

static void stop(void)
{
    seats_free(rm);
}

/* Checks what any answer must satisfy; aborts otherwise. */
static void check(const seats_answer *a)
{
    if (a->status != 200 && a->status != 400 && a->status != 401 && a->status != 403 &&
        a->status != 409 && a->status != 500)
        abort();
    if (!a->code[0] || !a->reason[0] || !memchr(a->reason, 0, sizeof a->reason)) abort();
    if ((a->status == 200) != (a->json != NULL)) abort();
    if (a->json) {
        json_t *o = json_loads(a->json, 0, NULL);
        if (!json_is_array(json_object_get(o, "commands")) ||
            !json_is_integer(json_object_get(o, "seq")))
            abort();
        json_decref(o);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ctx) {
        fuzz_core_setup();
        rm = seats_new(st, core_ctx_signer(ctx), NULL);
        if (!rm) abort();
        fuzz_core_stop = stop;
    }
    const char *body = (const char *)data, *pub = bank_signer_pub(kiosk);
    char sig[129];
    seats_answer a;
    memset(sig, 'a', 128);
    sig[128] = 0;
    seats_state(rm, body, size, pub, sig, NOW, &a);
    check(&a);
    if (a.status == 200) abort();   /* a forged signature never passes */
    free(a.json);
    if (bank_signer_sign(kiosk, body, size, sig) != BANK_OK) return 0;
    seats_state(rm, body, size, pub, sig, NOW, &a);
    check(&a);
    free(a.json);
    if (a.status == 200) {
        /* the seat is known now: a message waits for it in the next answers */
        int status = 0;
        char why[WHY_SIZE];
        seats_message(rm, pub, "fuzz", NOW, &status, why);
    }
    return 0;
}
