/* enrol.c -- kiosks enrol over the network: a challenge, proof of the key, limits. */
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "bank.h"
#include "enrol.h"
#include "hex.h"
#include "log.h"
#include "proto.h"
#include "text.h"

#define ADDRS_MAX 1024           /* addresses whose bucket is remembered */
#define ADDR_LEN 64
#define CLOCK_SKEW_MS 60000      /* a challenge of another core may be this far ahead */

/* A bucket as the time it is full again (GCRA): a token is there when
 * full_at - now <= (burst - 1) * every. */
typedef struct bucket {
    char addr[ADDR_LEN];
    int64_t full_at;
} bucket;

struct enrol_guard {
    core_ctx *c;                 /* borrowed */
    enrol_limits lim;
    pthread_mutex_t mu;          /* guards the buckets, and new enrolments one at a time */
    bucket all;
    bucket addrs[ADDRS_MAX];
    size_t naddrs;
};

void enrol_limits_default(enrol_limits *lim)
{
    *lim = (enrol_limits){4, 60000, 64, 1000, 512, 24 * 3600 * 1000LL, 5 * 60000};
}

enrol_guard *enrol_guard_new(core_ctx *c, const enrol_limits *lim, char *why)
{
    enrol_guard *g = calloc(1, sizeof *g);
    if (!g) {
        why_set(why, "out of memory");
        return NULL;
    }
    g->c = c;
    if (lim) g->lim = *lim;
    else enrol_limits_default(&g->lim);
    pthread_mutex_init(&g->mu, NULL);
    return g;
}

void enrol_guard_free(enrol_guard *g)
{
    if (!g) return;
    pthread_mutex_destroy(&g->mu);
    free(g);
}

/* The MAC of a challenge's "TIME-NONCE" as 32 hex digits into mac. */
static void challenge_mac(const enrol_guard *g, const char *head, size_t n, char mac[33])
{
    unsigned char m[32];
    char text[ENROL_CHALLENGE_SIZE + 16];
    int len = snprintf(text, sizeof text, "kisi-challenge\n%.*s", (int)n, head);
    core_signer_mac(core_ctx_signer(g->c), text, (size_t)len, m);
    hex_encode(m, 16, mac);
}

void enrol_challenge(enrol_guard *g, int64_t now_ms, char out[ENROL_CHALLENGE_SIZE])
{
    unsigned char nonce[8] = {0};
    char hex[17], mac[33];
    if (RAND_bytes(nonce, sizeof nonce) != 1) nonce[0] ^= 1; /* still unique enough: MAC'd time */
    hex_encode(nonce, sizeof nonce, hex);
    int n = snprintf(out, ENROL_CHALLENGE_SIZE, "%" PRId64 "-%s", now_ms, hex);
    challenge_mac(g, out, (size_t)n, mac);
    snprintf(out + n, ENROL_CHALLENGE_SIZE - (size_t)n, "-%s", mac);
}

/* A refusal: status, code and the reason (why.h's convention). */
static void answer(enrol_answer *out, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    why_vset(out->reason, fmt, ap);
    va_end(ap);
    snprintf(out->code, sizeof out->code, "%s", code);
    out->status = status;
}

/* 0 when ch is a challenge of this core's key, fresh at now_ms; else sets out. */
static int challenge_check(const enrol_guard *g, const char *ch, int64_t now_ms, enrol_answer *out)
{
    const char *d1 = ch ? strchr(ch, '-') : NULL, *d2 = d1 ? strchr(d1 + 1, '-') : NULL;
    char mac[33];
    size_t tn = d1 ? (size_t)(d1 - ch) : 0;
    if (!d2 || tn < 1 || tn > 18 || strspn(ch, "0123456789") != tn || d2 - d1 != 17 ||
        !hex_valid(d2 + 1, 32)) {
        answer(out, 400, "bad-challenge", "the challenge is not one this core gives");
        return -1;
    }
    challenge_mac(g, ch, (size_t)(d2 - ch), mac);
    int64_t t = strtoll(ch, NULL, 10);
    if (CRYPTO_memcmp(mac, d2 + 1, 32) != 0)
        answer(out, 401, "bad-challenge",
               "the challenge was not given by a core of this key: ask " PROTO_PATH_CHALLENGE);
    else if (t > now_ms + CLOCK_SKEW_MS || now_ms - t > g->lim.challenge_ttl_ms)
        answer(out, 401, "stale-challenge",
               "the challenge has expired: ask " PROTO_PATH_CHALLENGE " again");
    else
        return 0;
    return -1;
}

/* Takes a token of b (burst, one more every `every`); false when none. */
static bool take(bucket *b, int burst, int64_t every, int64_t now_ms)
{
    int64_t start = b->full_at > now_ms ? b->full_at : now_ms;
    if (start - now_ms > (int64_t)(burst - 1) * every) return false;
    b->full_at = start + every;
    return true;
}

/* The bucket of addr, made (or taken from the fullest address) when new.
 * Call with g->mu held. */
static bucket *addr_bucket(enrol_guard *g, const char *addr, int64_t now_ms)
{
    size_t i, oldest = 0;
    for (i = 0; i < g->naddrs; i++) {
        if (strncmp(g->addrs[i].addr, addr, ADDR_LEN - 1) == 0) return &g->addrs[i];
        if (g->addrs[i].full_at < g->addrs[oldest].full_at) oldest = i;
    }
    bucket *b = g->naddrs < ADDRS_MAX ? &g->addrs[g->naddrs++] : &g->addrs[oldest];
    snprintf(b->addr, sizeof b->addr, "%s", addr);
    b->full_at = now_ms;
    return b;
}

/* Counts the pending kiosks into arg. */
static int count_pending(const char *pub, const char *name, const char *state,
                         int64_t enrolled_ms, void *arg)
{
    (void)pub, (void)name, (void)enrolled_ms;
    *(int *)arg += strcmp(state, "pending") == 0;
    return 0;
}

/* A new kiosk: the limits, the expiry of old requests, the bound, then
 * the enrolment. Call with g->mu held. */
static void enrol_new(enrol_guard *g, const char *pub, const char *name, const char *addr,
                      int64_t now_ms, enrol_answer *out)
{
    char why[WHY_SIZE] = "", shown[TEXT_ESCAPED(ADDR_LEN)];
    store *st = core_ctx_store(g->c);
    const enrol_limits *l = &g->lim;
    bucket *b = addr_bucket(g, addr, now_ms), was = *b;
    int forgotten = 0, pending = 0;
    if (!take(b, l->addr_burst, l->addr_every_ms, now_ms)) {
        core_log(CORE_LOG_WARNING, "enrolment refused: rate-limited address=%s",
                 text_escape(addr, shown, sizeof shown));
        answer(out, 429, "rate-limited", "too many new kiosks from %s: one more every %lld s",
               shown, (long long)(l->addr_every_ms / 1000));
    } else if (!take(&g->all, l->all_burst, l->all_every_ms, now_ms)) {
        *b = was;
        core_log(CORE_LOG_WARNING, "enrolment refused: rate-limited (all addresses)");
        answer(out, 429, "rate-limited", "too many new kiosks at once: try again later");
    } else if (store_kiosk_expire(st, now_ms - l->pending_ttl_ms, &forgotten, why) != 0 ||
               store_kiosk_each(st, count_pending, &pending, why) != 0) {
        answer(out, 500, "server-error", "%s", why);
    } else if (pending >= l->pending_max) {
        answer(out, 503, "enrolment-full",
               "%d kiosks already wait for approval: the operator approves or revokes them "
               "(core kiosk list) before more can enrol", pending);
    } else if (core_kiosk_enrol(g->c, pub, name, now_ms, why) != 0) {
        answer(out, 500, "server-error", "%s", why);
    } else {
        out->status = 202;
        snprintf(out->state, sizeof out->state, "pending");
    }
    if (forgotten)
        core_log(CORE_LOG_INFO, "kiosks forgotten: count=%d reason=\"pending for more than %lld h"
                 "\"", forgotten, (long long)(l->pending_ttl_ms / 3600000));
}

void enrol_request(enrol_guard *g, const char *body, size_t len, const char *addr,
                   int64_t now_ms, enrol_answer *out)
{
    memset(out, 0, sizeof *out);
    json_t *o = body && len ? json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    json_t *ver = json_object_get(o, "version");
    const char *pub = json_string_value(json_object_get(o, "pub"));
    const char *name = json_string_value(json_object_get(o, "name"));
    const char *core = json_string_value(json_object_get(o, "core"));
    const char *ch = json_string_value(json_object_get(o, "challenge"));
    const char *sig = json_string_value(json_object_get(o, "sig"));
    const char *mine = core_signer_pub(core_ctx_signer(g->c));
    char text[512], why[WHY_SIZE] = "";
    if (!json_is_object(o) || !hex_valid(pub, 64))
        answer(out, 400, "malformed", "the body must be a JSON object with \"pub\": the kiosk "
               "key, 64 lower-case hex digits");
    else if (!ch || !sig || !core || !ver)
        answer(out, 401, "proof-required", "an enrolment must be signed by the key it enrols "
               "(version %d): update the kiosk", PROTO_ENROL_VERSION);
    else if (!json_is_integer(ver) || json_integer_value(ver) != PROTO_ENROL_VERSION)
        answer(out, 400, "malformed", "enrolment version %s, this core reads %d",
               json_is_integer(ver) ? "other" : "missing", PROTO_ENROL_VERSION);
    else if (!name || strlen(name) > ENROL_NAME_MAX)
        answer(out, 400, "bad-name", "\"name\" must be one line of at most %d bytes",
               ENROL_NAME_MAX);
    else if (strcmp(core, mine) != 0)
        answer(out, 400, "wrong-core", "this request was signed for another core (%.16s), this "
               "is %.16s", core, mine);
    else if (challenge_check(g, ch, now_ms, out) != 0)
        ;
    else if (snprintf(text, sizeof text, PROTO_ENROL_TEXT, PROTO_ENROL_VERSION, core, ch, pub,
                      name) >= (int)sizeof text ||
             bank_sig_verify(pub, text, strlen(text), sig) != BANK_OK)
        answer(out, 403, "bad-proof", "the signature is not the kiosk key's over this request");
    else if (name[0] && !text_name_ok(name, ENROL_NAME_MAX))
        answer(out, 400, "bad-name", "the kiosk name holds a control or direction character: "
               "give it a plain one-line name");
    else {
        int known = store_kiosk_state(core_ctx_store(g->c), pub, out->state, why);
        if (known < 0) answer(out, 500, "server-error", "%s", why);
        else if (known == 1) out->status = 200;
        else {
            pthread_mutex_lock(&g->mu);
            enrol_new(g, pub, name, addr ? addr : "", now_ms, out);
            pthread_mutex_unlock(&g->mu);
        }
    }
    json_decref(o);
}

void enrol_admit(enrol_guard *g, const char *pub, const char *name, const char *addr,
                 int64_t now_ms, enrol_answer *out)
{
    memset(out, 0, sizeof *out);
    char why[WHY_SIZE] = "";
    int known = store_kiosk_state(core_ctx_store(g->c), pub, out->state, why);
    if (known < 0) {
        answer(out, 500, "server-error", "%s", why);
    } else if (known == 1) {
        out->status = 200;
    } else {
        pthread_mutex_lock(&g->mu);
        enrol_new(g, pub, name, addr ? addr : "", now_ms, out);
        pthread_mutex_unlock(&g->mu);
    }
}

