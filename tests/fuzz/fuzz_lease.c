/* fuzz_lease.c -- libFuzzer target: a kiosk's lease request at the core (lease_request), sent
 * with a forged signature, then signed by approved kiosk A, then by approved kiosk B: an
 * answer is signed for exactly the request, and B never takes an attempt A holds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz_core.h"
#include "lease.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1800000000000LL
#define REPLICA 7   /* the events the core claims to hold of any attempt */

/* Kiosk B, a second seat of the room. */
static const char SEAT_B_KEY[] = "-----BEGIN PRIVATE KEY-----\n"
                                 "MC4CAQAwBQYDK2VwBCIEICzSmwPiupWApZA5KjbFO5wUIUwufAgSPaWsr6Wq0Jp1\n"
                                 "-----END PRIVATE KEY-----\n";

static bank_signer *seat_b;

static void stop(void)
{
    bank_signer_free(seat_b);
}

static long long replica(void *arg, const char *session, const char *nip, int attempt)
{
    (void)arg, (void)session, (void)nip, (void)attempt;
    return REPLICA;
}

/* Checks what any answer to `body` from `who` must satisfy; aborts otherwise. */
static void check(const lease_answer *a, const char *body, size_t len, const char *who)
{
    if (a->status != 200 && a->status != 400 && a->status != 401 && a->status != 403 &&
        a->status != 500)
        abort();
    if (!a->code[0] || !a->reason[0] || !memchr(a->reason, 0, sizeof a->reason)) abort();
    if ((a->status == 200) != (a->json != NULL)) abort();
    if (!a->json) return;
    /* the answer names the request and is signed by the core over PROTO_LEASE_TEXT */
    json_t *q = json_loadb(body, len, 0, NULL), *o = json_loads(a->json, 0, NULL);
    const char *status = json_string_value(json_object_get(o, "status")),
               *holder = json_string_value(json_object_get(o, "holder")),
               *sig = json_string_value(json_object_get(o, "sig"));
    char text[1024];
    int n = status && holder ? snprintf(text, sizeof text, PROTO_LEASE_TEXT, PROTO_LEASE_VERSION,
                                        who, (long long)json_integer_value(json_object_get(q, "seq")),
                                        json_string_value(json_object_get(q, "session")),
                                        json_string_value(json_object_get(q, "nip")),
                                        (int)json_integer_value(json_object_get(q, "attempt")),
                                        status, holder,
                                        json_is_true(json_object_get(o, "authorise")) ? 1 : 0,
                                        (long long)REPLICA)
                             : -1;
    if (n < 0 || (size_t)n >= sizeof text || !sig || !holder[0] ||
        strlen(holder) > PROTO_LEASE_SEAT_MAX ||
        json_integer_value(json_object_get(o, "replica")) != REPLICA ||
        a->granted != (strcmp(status, "granted") == 0) ||
        bank_sig_verify(core_signer_pub(core_ctx_signer(ctx)), text, (size_t)n, sig) != BANK_OK)
        abort();
    json_decref(o);
    json_decref(q);
}

/* Asks for the lease of `body` as `k` (NULL: with a forged signature of kiosk A). */
static void ask(const char *body, size_t len, const bank_signer *k, lease_answer *a)
{
    const char *pub = bank_signer_pub(k ? k : kiosk);
    char sig[129];
    memset(sig, 'a', 128);
    sig[128] = 0;
    if (k && bank_signer_sign(k, body, len, sig) != BANK_OK) abort();
    lease_request(st, core_ctx_signer(ctx), body, len, pub, sig, NOW, replica, NULL, a);
    check(a, body, len, pub);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ctx) {
        fuzz_core_setup();
        seat_b = fuzz_core_kiosk(SEAT_B_KEY, "seat-b");
        fuzz_core_stop = stop;
    }
    const char *body = (const char *)data;
    lease_answer a, b;
    ask(body, size, NULL, &a);
    if (a.status == 200) abort();   /* a forged signature never passes */
    free(a.json);
    ask(body, size, kiosk, &a);
    /* the attempt A took is refused to B, naming a holder */
    ask(body, size, seat_b, &b);
    if (a.granted && (b.status != 200 || b.granted)) abort();
    free(a.json);
    free(b.json);
    return 0;
}
