/* jstore.c -- the core's replica of the kiosks' journals: pushes checked and kept, fetched by the lease's holder. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "bank.h"
#include "hex.h"
#include "jchain.h"
#include "lease.h"
#include "log.h"
#include "proto.h"
#include "jstore.h"
#include "text.h"

#define ID_MAX 32      /* bytes of a session id */
#define ATTEMPT_MAX 96 /* bytes of "SESSION/NIP" */
#define FETCH_BYTES (1 << 20) /* payload bytes of one fetched answer (one event at least) */

struct jstore {
    core_ctx *c;       /* borrowed */
    store *st;         /* c's */
    jstore_config cfg;
};

jstore *jstore_new(core_ctx *c, const jstore_config *cfg, char *why)
{
    jstore *r = calloc(1, sizeof *r);
    if (!r) {
        why_set(why, "jstore: out of memory");
        return NULL;
    }
    r->c = c;
    r->st = core_ctx_store(c);
    if (cfg) r->cfg = *cfg;
    return r;
}

void jstore_free(jstore *r)
{
    free(r);
}

static void answer_set(jstore_answer *a, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    a->status = status;
    snprintf(a->code, sizeof a->code, "%s", code);
    va_start(ap, fmt);
    vsnprintf(a->reason, sizeof a->reason, fmt, ap);
    va_end(ap);
}

/* A request's common part. */
typedef struct request {
    json_t *o;                    /* the body */
    const char *session, *attempt, *nip;
} request;

/* Checks size, signature, approval and the common fields of a push or a
 * fetch; 0 with q filled (q->o to be freed), or -1 with the refusal in a. */
static int request_open(jstore *r, const char *body, size_t len, const char *kiosk,
                        const char *sig, request *q, jstore_answer *a)
{
    memset(q, 0, sizeof *q);
    char state[16] = "", why[WHY_SIZE] = "";
    if (!body || len == 0) {
        answer_set(a, 400, "malformed", "the body must be a JSON object");
        return -1;
    }
    if (len > JCHAIN_BODY_MAX) {
        answer_set(a, 413, "too-large", "a journal message is at most %d bytes", JCHAIN_BODY_MAX);
        return -1;
    }
    if (!hex_valid(kiosk, 64) || !hex_valid(sig, 128)) {
        answer_set(a, 400, "malformed", "the headers " PROTO_HEADER_KIOSK " (64 hex) and "
                   PROTO_HEADER_SIGNATURE " (128 hex) are required");
        return -1;
    }
    if (bank_sig_verify(kiosk, body, len, sig) != BANK_OK) {
        answer_set(a, 401, "bad-signature", "the signature does not match the body");
        return -1;
    }
    int known = store_kiosk_state(r->st, kiosk, state, why);
    if (known < 0) {
        answer_set(a, 500, "server-error", "%s", why);
        return -1;
    }
    if (known == 0 || strcmp(state, "approved") != 0) {
        answer_set(a, 403, known ? "kiosk-not-approved" : "unknown-kiosk", "kiosk %.16s is %s",
                   kiosk, known ? state : "not enrolled");
        return -1;
    }
    q->o = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *v = json_object_get(q->o, "version"), *seq = json_object_get(q->o, "seq");
    q->session = json_string_value(json_object_get(q->o, "session"));
    q->attempt = json_string_value(json_object_get(q->o, "attempt"));
    size_t sl = q->session ? strlen(q->session) : 0;
    if (!json_is_object(q->o) || !json_is_integer(v) || !json_is_integer(seq)) {
        answer_set(a, 400, "malformed", "a journal message is {version, seq, session, attempt, ...}");
    } else if (json_integer_value(v) != PROTO_REPLICA_VERSION) {
        answer_set(a, 400, "unsupported-version", "journal message version %lld, this core "
                   "reads %d", (long long)json_integer_value(v), PROTO_REPLICA_VERSION);
    } else if (sl == 0 || sl > ID_MAX || !q->attempt || strlen(q->attempt) >= ATTEMPT_MAX ||
               strncmp(q->attempt, q->session, sl) != 0 || q->attempt[sl] != '/' ||
               !q->attempt[sl + 1] || text_has_control(q->attempt) || strchr(q->session, '/') ||
               strchr(q->attempt + sl + 1, '/')) {
        answer_set(a, 400, "malformed", "\"attempt\" is \"SESSION/NIP\" of its \"session\"");
    } else {
        q->nip = q->attempt + sl + 1;
        return 0;
    }
    json_decref(q->o);
    q->o = NULL;
    return -1;
}

/* {"have": N} or a 409 body, as the answer's json. */
static void answer_have(jstore_answer *a, int status, const char *code, int64_t have,
                        int64_t at)
{
    json_t *o = status == 200 ? json_pack("{s:I}", "have", (json_int_t)have)
                : at ? json_pack("{s:s, s:s, s:I, s:I}", "error", code, "reason", a->reason,
                                 "have", (json_int_t)have, "at", (json_int_t)at)
                     : json_pack("{s:s, s:s, s:I}", "error", code, "reason", a->reason, "have",
                                 (json_int_t)have);
    a->status = status;
    snprintf(a->code, sizeof a->code, "%s", code);
    a->json = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    if (!a->json) answer_set(a, 500, "server-error", "out of memory");
}

/* Checks ev[0..n) against the chain of q's attempt after the link held
 * before ev[0] (into prev); 0, or -1 with the refusal in a (a gap: *gap). */
static int chain_ok(jstore *r, const request *q, const jchain_event *ev, size_t n,
                    char prev[65], int64_t *have, jstore_answer *a)
{
    char why[WHY_SIZE] = "";
    unsigned char key[JCHAIN_KEY];
    prev[0] = 0;
    if (ev[0].seq > 1) {
        jchain_event *p = NULL;
        size_t pn = 0;
        if (store_replica_get(r->st, q->attempt, ev[0].seq - 1, 1, &p, &pn, have, NULL, why)) {
            answer_set(a, 500, "server-error", "%s", why);
            return -1;
        }
        if (pn == 1 && p[0].seq == ev[0].seq - 1) snprintf(prev, 65, "%s", p[0].hash);
        jchain_free(p, pn);
        if (!prev[0]) {
            answer_set(a, 409, "gap", "the core holds %lld events of %s: send from %lld",
                       (long long)*have, q->attempt, (long long)*have + 1);
            return -1;
        }
    }
    int found = core_journal_key(r->c, q->session, q->attempt, key, why);
    int rc = found == 1 ? jchain_check(key, prev, ev, n, why) : -1;
    OPENSSL_cleanse(key, sizeof key);
    if (found < 0) answer_set(a, 500, "server-error", "%s", why);
    else if (found == 0) answer_set(a, 404, "unknown-session", "%s", why);
    else if (rc) answer_set(a, 400, "broken-chain", "%s", why);
    return rc;
}

void jstore_push(jstore *r, const char *body, size_t len, const char *kiosk, const char *sig,
                 int64_t now_ms, jstore_answer *a)
{
    memset(a, 0, sizeof *a);
    request q;
    if (request_open(r, body, len, kiosk, sig, &q, a)) return;
    char why[WHY_SIZE] = "", prev[65] = "";
    jchain_event *ev = NULL;
    size_t n = 0;
    int64_t have = 0, at = 0;
    if (jchain_parse(json_object_get(q.o, "events"), JCHAIN_BATCH, &ev, &n, why)) {
        answer_set(a, 400, "malformed", "%s", why);
    } else if (n == 0) {
        if (store_replica_get(r->st, q.attempt, 1, 0, &ev, &n, &have, NULL, why))
            answer_set(a, 500, "server-error", "%s", why);
        else answer_have(a, 200, "held", have, 0);
    } else if (chain_ok(r, &q, ev, n, prev, &have, a) == 0) {
        int out = store_replica_put(r->st, q.session, q.attempt, kiosk, prev, ev, n, now_ms,
                                    &have, &at, why);
        if (out < 0) {
            answer_set(a, 500, "server-error", "%s", why);
        } else if (out == STORE_REPLICA_GAP) {
            answer_set(a, 409, "gap", "the core holds %lld events of %s: send from %lld",
                       (long long)have, q.attempt, (long long)have + 1);
            answer_have(a, 409, "gap", have, 0);
        } else if (out == STORE_REPLICA_FORK) {
            answer_set(a, 409, "fork", "event %lld of %s differs from the one held: the "
                       "journals of two seats disagree", (long long)at, q.attempt);
            answer_have(a, 409, "fork", have, at);
            core_log(CORE_LOG_WARNING, "replica: fork of %s at event %lld, pushed by kiosk %.16s",
                     q.attempt, (long long)at, kiosk);
            if (r->cfg.note) {
                json_t *d = json_pack("{s:s, s:I, s:I}", "attempt", q.attempt, "at",
                                      (json_int_t)at, "have", (json_int_t)have);
                char *detail = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
                json_decref(d);
                r->cfg.note(r->cfg.note_arg, q.session, kiosk, q.nip, "fork", detail);
                free(detail);
            }
        } else {
            answer_have(a, 200, "kept", have, 0);
        }
    } else if (a->status == 409) {
        answer_have(a, 409, "gap", have, 0);
    }
    jchain_free(ev, n);
    json_decref(q.o);
}

/* 1 when `kiosk` may fetch q's attempt: it holds the attempt's lease, or
 * no one does (a kiosk that takes none); 0 when another kiosk holds it
 * (its seat into holder); -1 with why. */
static int holds(jstore *r, const request *q, const char *kiosk, char *holder, size_t cap,
                 char *why)
{
    int attempt = -1;
    store_lease l;
    int known = core_session_attempt(r->c, q->session, q->nip, &attempt, why);
    if (known <= 0) return known < 0 ? -1 : 1; /* nothing to hand over: the fetch finds none */
    int held = lease_holder(r->st, q->session, q->nip, attempt, &l, why);
    if (held <= 0) return held < 0 ? -1 : 1;
    if (strcmp(l.kiosk, kiosk) == 0) return 1;
    snprintf(holder, cap, "%s", l.seat[0] ? l.seat : l.kiosk);
    return 0;
}

void jstore_fetch(jstore *r, const char *body, size_t len, const char *kiosk,
                  const char *sig, int64_t now_ms, jstore_answer *a)
{
    (void)now_ms;
    memset(a, 0, sizeof *a);
    request q;
    if (request_open(r, body, len, kiosk, sig, &q, a)) return;
    char why[WHY_SIZE] = "", holder[80] = "", last[65] = "";
    json_t *from = json_object_get(q.o, "from");
    jchain_event *ev = NULL;
    size_t n = 0;
    int64_t have = 0;
    int held = 1;
    if (!json_is_integer(from) || json_integer_value(from) < 1) {
        answer_set(a, 400, "malformed", "\"from\" is the first seq wanted, from 1");
    } else if ((held = holds(r, &q, kiosk, holder, sizeof holder, why)) != 1) {
        if (held < 0) answer_set(a, 500, "server-error", "%s", why);
        else answer_set(a, 403, "not-holder", "NIP %s is held by seat %s: ask the proctor to "
                        "move it", q.nip, holder[0] ? holder : "another seat");
    } else if (store_replica_get(r->st, q.attempt, (int64_t)json_integer_value(from),
                                 JCHAIN_BATCH, &ev, &n, &have, last, why)) {
        answer_set(a, 500, "server-error", "%s", why);
    } else {
        /* a bounded answer: the kiosk asks again from the next seq */
        size_t keep = 0, bytes = 0;
        while (keep < n && (keep == 0 || bytes + strlen(ev[keep].payload) <= FETCH_BYTES))
            bytes += strlen(ev[keep++].payload);
        json_t *o = json_pack("{s:s, s:I, s:s, s:o*}", "attempt", q.attempt, "have",
                              (json_int_t)have, "kiosk", last, "events", jchain_json(ev, keep));
        a->json = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        json_decref(o);
        if (a->json) answer_set(a, 200, "sent", "%zu events of %s", keep, q.attempt);
        else answer_set(a, 500, "server-error", "out of memory");
    }
    jchain_free(ev, n);
    json_decref(q.o);
}

int jstore_held(store *st, const char *attempt, int64_t *have, char *why)
{
    jchain_event *ev = NULL;
    size_t n = 0;
    int rc = store_replica_get(st, attempt, 1, 0, &ev, &n, have, NULL, why);
    jchain_free(ev, n);
    return rc;
}

long long jstore_lease_count(void *arg, const char *session, const char *nip, int attempt)
{
    (void)attempt;  /* a journal names an attempt "SESSION/NIP" */
    char name[ATTEMPT_MAX];
    int64_t have = 0;
    if ((size_t)snprintf(name, sizeof name, "%s/%s", session, nip) >= sizeof name ||
        jstore_held(arg, name, &have, NULL) != 0)
        return 0;
    return have;
}
