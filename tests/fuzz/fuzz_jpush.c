/* fuzz_jpush.c -- libFuzzer target: a kiosk's journal push and fetch at the core (jstore), sent
 * once with a forged signature and once signed by the approved fuzz kiosk, the core holding
 * the known-answer session. An event whose "hash" is "LINK" is linked in the attempt's chain
 * first (fuzz_chain.h; the first after the event the core holds before it), so that inputs
 * reach past the chain's check. A push kept is kept once (sent again: the same answer), and
 * a fetch of the attempt from its first event gives events that continue its chain. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "fuzz_chain.h"
#include "fuzz_core.h"
#include "jstore.h"
#include "proto.h"

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
    static const int ok[] = {200, 400, 401, 403, 404, 409, 413};
    int known = 0;
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) known |= a->status == ok[i];
    if (!known || !a->code[0] || !memchr(a->reason, 0, sizeof a->reason) ||
        (a->status != 200 && !a->reason[0]))   /* a refusal says why */
        abort();
    if (a->status == 200 && !a->json) abort();
    if (a->json) {
        json_t *o = json_loads(a->json, 0, NULL);
        if (!json_is_integer(json_object_get(o, "have"))) abort();
        json_decref(o);
    }
}

/* Sends len bytes of body as a push or a fetch of the fuzz kiosk, signed
 * (forged: by no one); the answer, checked, into *a. */
static void send_one(bool push, const char *body, size_t len, bool forged, jstore_answer *a)
{
    const char *pub = bank_signer_pub(kiosk);
    char sig[129];
    memset(sig, 'a', 128);
    sig[128] = 0;
    if (!forged && bank_signer_sign(kiosk, body, len, sig) != BANK_OK) abort();
    if (push) jstore_push(js, body, len, pub, sig, NOW, a);
    else jstore_fetch(js, body, len, pub, sig, NOW, a);
    check(a);
    if (forged && a->status == 200) abort();   /* a forged signature never passes */
}

/* Links the events of push o marked "LINK" in the chain of its attempt; true when one was. */
static bool link_push(json_t *o)
{
    const char *sid = json_string_value(json_object_get(o, "session")),
               *att = json_string_value(json_object_get(o, "attempt"));
    json_t *evs = json_object_get(o, "events"),
           *seq = json_object_get(json_array_get(evs, 0), "seq");
    unsigned char key[JCHAIN_KEY], prev[32] = {0};
    char why[WHY_SIZE] = "";
    if (!sid || !att || !json_is_integer(seq) || core_journal_key(ctx, sid, att, key, why) != 1)
        return false;
    if (json_integer_value(seq) > 1) {
        jchain_event *p = NULL;
        size_t pn = 0;
        int64_t have = 0;
        if (store_replica_get(st, att, json_integer_value(seq) - 1, 1, &p, &pn, &have, NULL,
                              why) == 0 &&
            pn == 1)
            hex_decode(p[0].hash, prev, sizeof prev);
        jchain_free(p, pn);
    }
    bool linked = fuzz_chain_link(evs, key, prev);
    OPENSSL_cleanse(key, sizeof key);
    return linked;
}

/* Fetches the attempt of push o from its first event: all the core holds
 * (have) or a bounded part, continuing the attempt's chain. */
static void fetch_back(json_t *o, long long have)
{
    const char *sid = json_string_value(json_object_get(o, "session")),
               *att = json_string_value(json_object_get(o, "attempt"));
    json_t *q = json_pack("{s:i, s:I, s:s, s:s, s:i}", "version", PROTO_REPLICA_VERSION, "seq",
                          (json_int_t)NOW, "session", sid, "attempt", att, "from", 1);
    char *body = q ? json_dumps(q, JSON_COMPACT) : NULL, why[WHY_SIZE] = "";
    unsigned char key[JCHAIN_KEY];
    jstore_answer a;
    if (!body) abort();
    send_one(false, body, strlen(body), false, &a);
    json_t *r = a.status == 200 ? json_loads(a.json, 0, NULL) : NULL;
    jchain_event *ev = NULL;
    size_t n = 0;
    if (a.status != 200 || json_integer_value(json_object_get(r, "have")) != have ||
        jchain_parse(json_object_get(r, "events"), JCHAIN_BATCH, &ev, &n, why) != 0 || n == 0 ||
        core_journal_key(ctx, sid, att, key, why) != 1 || jchain_check(key, "", ev, n, why) != 0)
        abort();
    OPENSSL_cleanse(key, sizeof key);
    jchain_free(ev, n);
    json_decref(r);
    json_decref(q);
    free(a.json);
    free(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ctx) {
        fuzz_core_setup();
        fuzz_core_kat();
        js = jstore_new(ctx, NULL, NULL);
        if (!js) abort();
        fuzz_core_stop = stop;
    }
    json_t *o = json_loadb((const char *)data, size, 0, NULL);
    char *linked = o && link_push(o) ? json_dumps(o, JSON_COMPACT) : NULL;
    const char *body = linked ? linked : (const char *)data;
    size_t len = linked ? strlen(linked) : size;
    jstore_answer a, b;
    send_one(true, body, len, true, &a);
    free(a.json);
    send_one(true, body, len, false, &a);
    if (a.status == 200) {
        /* kept once: the same push again finds them held, and they come back */
        json_t *r = json_loads(a.json, 0, NULL);
        long long have = json_integer_value(json_object_get(r, "have"));
        json_decref(r);
        send_one(true, body, len, false, &b);
        if (b.status != 200 || strcmp(a.json, b.json) != 0) abort();
        free(b.json);
        if (have > 0) fetch_back(o, have);
    }
    free(a.json);
    /* the same body as a fetch */
    send_one(false, body, len, false, &a);
    free(a.json);
    free(linked);
    json_decref(o);
    return 0;
}
