/* lease.c -- one seat per attempt: the lease table through the store, and the signed answer to a kiosk asking. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bank.h"
#include "hex.h"
#include "lease.h"
#include "proto.h"
#include "text.h"

/* True when s is 1..max bytes of UTF-8 with no control character. */
static bool lease_text(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    return n > 0 && n <= max && !text_has_control(s) && text_utf8_valid(s, n);
}

int lease_grant_sign(const core_signer *s, lease_grant *g, char *why)
{
    char text[1024];
    if (!hex_valid(g->kiosk, 64) || !lease_text(g->session, 64) || !lease_text(g->nip, 64) ||
        !lease_text(g->status, sizeof g->status - 1) ||
        (g->holder[0] && !lease_text(g->holder, PROTO_LEASE_SEAT_MAX)))
        return why_set(why, "a lease answer needs a kiosk key, a session, a NIP and a status");
    int n = snprintf(text, sizeof text, PROTO_LEASE_TEXT, g->version, g->kiosk, g->seq,
                     g->session, g->nip, g->attempt, g->status, g->holder, g->authorise ? 1 : 0,
                     g->replica);
    if (n < 0 || (size_t)n >= sizeof text) return why_set(why, "a lease answer too long");
    return core_signer_sign(s, text, (size_t)n, g->sig, why);
}

char *lease_grant_json(const lease_grant *g)
{
    json_t *o = json_pack("{s:i, s:s, s:I, s:s, s:s, s:i, s:s, s:s, s:b, s:I, s:s}", "version",
                          g->version, "kiosk", g->kiosk, "seq", (json_int_t)g->seq, "session",
                          g->session, "nip", g->nip, "attempt", g->attempt, "status", g->status,
                          "holder", g->holder, "authorise", g->authorise, "replica",
                          (json_int_t)g->replica, "sig", g->sig);
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return text;
}

int lease_take(store *st, const char *session, const char *nip, int attempt, const char *kiosk,
               const char *seat, int64_t now_ms, store_lease *holder, char *why)
{
    return store_lease_take(st, session, nip, attempt, kiosk, seat, now_ms, holder, why);
}

int lease_release(store *st, const char *session, const char *nip, int attempt, int *n,
                  char *why)
{
    return store_lease_drop(st, session, nip, attempt, n, why);
}

int lease_move(store *st, const char *session, const char *nip, const char *to_kiosk,
               const char *to_seat, int64_t now_ms, int *n, char *why)
{
    return store_lease_move(st, session, nip, to_kiosk ? to_kiosk : "", to_seat ? to_seat : "",
                            now_ms, n, why);
}

int lease_holder(store *st, const char *session, const char *nip, int attempt,
                 store_lease *holder, char *why)
{
    return store_lease_get(st, session, nip, attempt, holder, why);
}

int lease_authorise_set(store *st, const char *session, bool on, char *why)
{
    return store_session_opt_set(st, session, LEASE_OPT_AUTHORISE, on ? "on" : "off", why);
}

int lease_authorise_get(store *st, const char *session, bool *on, char *why)
{
    char v[8];
    int rc = store_session_opt_get(st, session, LEASE_OPT_AUTHORISE, v, sizeof v, why);
    *on = rc == 1 && strcmp(v, "on") == 0;
    return rc < 0 ? -1 : 0;
}

/* Sets the status, code and reason of a. */
static void answer_set(lease_answer *a, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    a->status = status;
    snprintf(a->code, sizeof a->code, "%s", code);
    va_start(ap, fmt);
    vsnprintf(a->reason, sizeof a->reason, fmt, ap);
    va_end(ap);
}

/* 0 when kiosk is enrolled and approved; else -1 with the refusal in a. */
static int kiosk_approved(store *st, const char *kiosk, lease_answer *a)
{
    char state[16] = "", why[WHY_SIZE] = "";
    int known = store_kiosk_state(st, kiosk, state, why);
    if (known < 0) answer_set(a, 500, "server-error", "%s", why);
    else if (known == 0) answer_set(a, 403, "unknown-kiosk", "kiosk %.16s is not enrolled", kiosk);
    else if (strcmp(state, "approved") != 0)
        answer_set(a, 403, "kiosk-not-approved", "kiosk %.16s is %s, not approved", kiosk, state);
    else return 0;
    return -1;
}

/* Reads the request's fields into g (and the seat into seat); 0, or -1 with the fault in a. */
static int request_read(json_t *o, lease_grant *g, char *seat, lease_answer *a)
{
    json_t *v = json_object_get(o, "version"), *q = json_object_get(o, "seq"),
           *at = json_object_get(o, "attempt");
    const char *sid = json_string_value(json_object_get(o, "session")),
               *nip = json_string_value(json_object_get(o, "nip")),
               *st = json_string_value(json_object_get(o, "seat"));
    if (!json_is_object(o) || !json_is_integer(v) || json_integer_value(v) < 1) {
        answer_set(a, 400, "malformed", "a lease request is a JSON object with its \"version\"");
        return -1;
    }
    if (json_integer_value(v) != PROTO_LEASE_VERSION) {
        answer_set(a, 400, "unsupported-version", "lease request version %lld; this core reads %d",
                   (long long)json_integer_value(v), PROTO_LEASE_VERSION);
        return -1;
    }
    if (!json_is_integer(q) || json_integer_value(q) < 1 || !lease_text(sid, 64) ||
        !lease_text(nip, 64) || !json_is_integer(at) || json_integer_value(at) < 1 ||
        json_integer_value(at) > 100000 || !st ||
        (*st && !lease_text(st, PROTO_LEASE_SEAT_MAX))) {
        answer_set(a, 400, "malformed", "a lease request needs \"seq\" (from 1), \"session\", "
                   "\"nip\" (1 to 64 bytes), \"attempt\" (from 1) and \"seat\" (up to %d bytes)",
                   PROTO_LEASE_SEAT_MAX);
        return -1;
    }
    g->seq = (long long)json_integer_value(q);
    g->attempt = (int)json_integer_value(at);
    snprintf(g->session, sizeof g->session, "%s", sid);
    snprintf(g->nip, sizeof g->nip, "%s", nip);
    snprintf(seat, PROTO_LEASE_SEAT_MAX + 1, "%s", st);
    return 0;
}

void lease_request(store *st, const core_signer *signer, const char *body, size_t len,
                   const char *kiosk, const char *sig, int64_t now_ms, lease_replica_fn replica,
                   void *arg, lease_answer *a)
{
    memset(a, 0, sizeof *a);
    if (!body || len == 0 || len > PROTO_STATE_MAX)
        return answer_set(a, 400, "malformed", "a lease request is 1 to %d bytes",
                          PROTO_STATE_MAX);
    if (!kiosk || !sig || !hex_valid(kiosk, 64) || !hex_valid(sig, 128))
        return answer_set(a, 400, "malformed", "a lease request needs the kiosk key (64 hex) "
                          "and its signature of the body (128 hex)");
    if (bank_sig_verify(kiosk, body, len, sig) != BANK_OK)
        return answer_set(a, 401, "bad-signature", "the signature does not match the request");
    if (kiosk_approved(st, kiosk, a)) return;
    lease_grant g = {.version = PROTO_LEASE_VERSION};
    char seat[PROTO_LEASE_SEAT_MAX + 1] = "", why[WHY_SIZE] = "";
    json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
    int rc = request_read(o, &g, seat, a);
    json_decref(o);
    if (rc) return;
    memcpy(g.kiosk, kiosk, 65);
    /* a kiosk without a seat label is named by its key */
    if (!*seat) snprintf(seat, sizeof seat, "%.8s", kiosk);
    store_lease h;
    int took = lease_take(st, g.session, g.nip, g.attempt, kiosk, seat, now_ms, &h, why);
    if (took < 0 || lease_authorise_get(st, g.session, &g.authorise, why))
        return answer_set(a, 500, "server-error", "%s", why);
    snprintf(g.status, sizeof g.status, "%s", took ? "granted" : "refused");
    snprintf(g.holder, sizeof g.holder, "%s", h.seat);
    g.replica = replica ? replica(arg, g.session, g.nip, g.attempt) : 0;
    if (lease_grant_sign(signer, &g, why)) return answer_set(a, 500, "server-error", "%s", why);
    a->json = lease_grant_json(&g);
    if (!a->json) return answer_set(a, 500, "server-error", "out of memory");
    a->granted = took == 1;
    answer_set(a, 200, took ? "granted" : "refused", "attempt %d of %.64s: %s (holder %s)",
               g.attempt, g.nip, g.status, g.holder);
}
