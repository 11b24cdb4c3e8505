/* fuzz_upstream.c -- libFuzzer target: a room core's check of the central core's answer to a
 * forwarded result (forward_receipt_check), for one fixed result, with the upstream's key
 * pinned. An answer whose receipt's "sig" is "SIGN" has it signed by that key first, so that
 * inputs reach the checks past the signature. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bank.h"
#include "forward.h"
#include "proto.h"
#include "signer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the result the room core forwarded, and the kiosk that signed it */
#define DIGEST "d4c89ca8012c4cd13bbe787ffee2ba5b97a6172f1acd8c0d3a3c9e5e6a0d1a2b"
#define KIOSK "ef22ee5c077bac8090bd4ee613a2210fc4cb42095af3f85f74f67a26090cad7b"

static core_signer *upstream;

static void done(void)
{
    core_signer_free(upstream);
}

/* The text the upstream signs for receipt r (its members as they are); -1 when one lacks. */
static int signed_text(json_t *r, char *msg, size_t cap)
{
    const char *res = json_string_value(json_object_get(r, "result")),
               *kiosk = json_string_value(json_object_get(r, "kiosk")),
               *status = json_string_value(json_object_get(r, "status"));
    json_t *v = json_object_get(r, "version"), *t = json_object_get(r, "time");
    if (!res || !kiosk || !status || !json_is_integer(v) || !json_is_integer(t)) return -1;
    int n = snprintf(msg, cap, PROTO_RECEIPT_TEXT, (int)json_integer_value(v), res, kiosk, status,
                     (long long)json_integer_value(t));
    return n > 0 && (size_t)n < cap ? n : -1;
}

/* Checks one verdict; aborts when it breaks a rule. */
static void check(const char *text, size_t len)
{
    char why[WHY_SIZE] = "", *receipt = (char *)"unset";
    const char *pub = core_signer_pub(upstream);
    if (forward_receipt_check(text, len, pub, DIGEST, KIOSK, &receipt, why) != 0) {
        if (!why[0] || receipt) abort();   /* a refusal says why and keeps nothing */
        return;
    }
    /* kept: a receipt of the pinned key for exactly this result, as it was signed */
    char msg[512];
    json_t *r = receipt ? json_loads(receipt, 0, NULL) : NULL;
    const char *status = json_string_value(json_object_get(r, "status")),
               *sig = json_string_value(json_object_get(r, "sig"));
    int n = signed_text(r, msg, sizeof msg);
    if (n < 0 || !sig || !status || (strcmp(status, "stored") && strcmp(status, "duplicate")) ||
        json_integer_value(json_object_get(r, "version")) != PROTO_RECEIPT_VERSION ||
        strcmp(json_string_value(json_object_get(r, "result")), DIGEST) != 0 ||
        strcmp(json_string_value(json_object_get(r, "kiosk")), KIOSK) != 0 ||
        bank_sig_verify(pub, msg, (size_t)n, sig) != BANK_OK)
        abort();
    json_decref(r);
    free(receipt);
    /* and never for another result */
    receipt = NULL;
    if (forward_receipt_check(text, len, pub, KIOSK, KIOSK, &receipt, why) == 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!upstream) {
        unsigned char key[32];
        char why[WHY_SIZE] = "";
        memset(key, 0x5a, sizeof key);
        if (!(upstream = core_signer_new(key, why))) abort();
        atexit(done);
    }
    check((const char *)data, size);
    json_t *o = json_loadb((const char *)data, size, 0, NULL), *r = json_object_get(o, "receipt");
    const char *s = json_string_value(json_object_get(r, "sig"));
    char msg[512], sig[129], why[WHY_SIZE];
    int n;
    if (s && strcmp(s, "SIGN") == 0 && (n = signed_text(r, msg, sizeof msg)) > 0 &&
        core_signer_sign(upstream, msg, (size_t)n, sig, why) == 0) {
        json_object_set_new(r, "sig", json_string(sig));
        if (json_is_string(json_object_get(r, "core")) &&
            strcmp(json_string_value(json_object_get(r, "core")), "UPSTREAM") == 0)
            json_object_set_new(r, "core", json_string(core_signer_pub(upstream)));
        char *body = json_dumps(o, JSON_COMPACT);
        if (body) check(body, strlen(body));
        free(body);
    }
    json_decref(o);
    return 0;
}
