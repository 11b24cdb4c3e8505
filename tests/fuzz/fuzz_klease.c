/* fuzz_klease.c -- libFuzzer target: the kiosk's check of the core's answer to its lease
 * request (klease_check), for one fixed request, with a core key pinned. An answer whose
 * "sig" is "SIGN" is signed by that core key first, so that inputs reach the checks past
 * the signature. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz_key.h"
#include "klease.h"
#include "proto.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the request this kiosk made, which an answer must name */
#define KIOSK "d4e7a135e0e6a177ace1e42b59d84d259bd8be71f6e0092d77b521ba9ce1b5c0"
#define SEQ 1767225600000LL
#define SESSION "0123456789abcdef0123456789abcdef"
#define NIP "199001012020121001"
#define ATTEMPT 1

static bank_signer *core;

/* The text the core signs for the answer o (its members as they are). */
static int signed_text(json_t *o, char *msg, size_t cap)
{
    const char *kiosk = json_string_value(json_object_get(o, "kiosk")),
               *sid = json_string_value(json_object_get(o, "session")),
               *nip = json_string_value(json_object_get(o, "nip")),
               *status = json_string_value(json_object_get(o, "status")),
               *holder = json_string_value(json_object_get(o, "holder"));
    json_t *seq = json_object_get(o, "seq"), *at = json_object_get(o, "attempt"),
           *au = json_object_get(o, "authorise"), *rep = json_object_get(o, "replica");
    if (!kiosk || !sid || !nip || !status || !holder || !json_is_integer(seq) ||
        !json_is_integer(at) || !json_is_integer(rep))
        return -1;
    int n = snprintf(msg, cap, PROTO_LEASE_TEXT, PROTO_LEASE_VERSION, kiosk,
                     (long long)json_integer_value(seq), sid, nip, (int)json_integer_value(at),
                     status, holder, json_is_true(au) ? 1 : 0,
                     (long long)json_integer_value(rep));
    return n > 0 && (size_t)n < cap ? n : -1;
}

/* Checks one verdict; aborts when it breaks a rule. */
static void check(const char *text, size_t len)
{
    klease_answer a;
    char why[WHY_SIZE] = "";
    if (klease_check(text, len, bank_signer_pub(core), KIOSK, SEQ, SESSION, NIP, ATTEMPT, &a,
                     why) != 0) {
        if (!why[0]) abort();   /* a refusal always says why */
        return;
    }
    if ((a.out != KLEASE_HELD && a.out != KLEASE_REFUSED) || strlen(a.holder) >= sizeof a.holder ||
        text_has_control(a.holder))
        abort();
    /* only an answer signed by the pinned key, for exactly this request, passes */
    char msg[1024];
    json_t *o = json_loadb(text, len, 0, NULL);
    int n = signed_text(o, msg, sizeof msg);
    const char *sig = json_string_value(json_object_get(o, "sig"));
    const char *status = json_string_value(json_object_get(o, "status"));
    if (n < 0 || !sig || strcmp(json_string_value(json_object_get(o, "kiosk")), KIOSK) != 0 ||
        json_integer_value(json_object_get(o, "seq")) != SEQ ||
        strcmp(json_string_value(json_object_get(o, "session")), SESSION) != 0 ||
        strcmp(json_string_value(json_object_get(o, "nip")), NIP) != 0 ||
        json_integer_value(json_object_get(o, "attempt")) != ATTEMPT ||
        strcmp(json_string_value(json_object_get(o, "holder")), a.holder) != 0 ||
        (a.out == KLEASE_HELD) != (strcmp(status, "granted") == 0) ||
        a.replica != json_integer_value(json_object_get(o, "replica")) ||
        bank_sig_verify(bank_signer_pub(core), msg, (size_t)n, sig) != BANK_OK)
        abort();
    json_decref(o);
    /* the same answer does not hold for a later request of the same kiosk */
    if (klease_check(text, len, bank_signer_pub(core), KIOSK, SEQ + 1, SESSION, NIP, ATTEMPT, &a,
                     why) == 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!core) core = fuzz_key_signer();
    check((const char *)data, size);
    json_t *o = json_loadb((const char *)data, size, 0, NULL);
    const char *s = json_string_value(json_object_get(o, "sig"));
    char msg[1024], sig[129];
    int n;
    if (s && strcmp(s, "SIGN") == 0 && (n = signed_text(o, msg, sizeof msg)) > 0 &&
        bank_signer_sign(core, msg, (size_t)n, sig) == BANK_OK) {
        json_object_set_new(o, "sig", json_string(sig));
        char *body = json_dumps(o, JSON_COMPACT);
        if (body) check(body, strlen(body));
        free(body);
    }
    json_decref(o);
    return 0;
}
