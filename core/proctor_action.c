/* proctor_action.c -- the proctor's actions: signed commands for one seat or all seats of the
 * session, and for a release or a move the participant's lease (lease.h) first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lease.h"
#include "proctor_int.h"
#include "proto.h"

/* The command kind of a proctor's action, or NULL when none. */
static const char *kind_of(const char *action)
{
    static const char *const same[] = {"extend", "pause",   "resume", "authorise", "lock",
                                       "unlock", "release", "end",    "message"};
    if (!action) return NULL;
    if (strcmp(action, "move") == 0) return "move-out";
    for (size_t i = 0; i < sizeof same / sizeof *same; i++)
        if (strcmp(action, same[i]) == 0) return same[i];
    return NULL;
}

/* The code of an HTTP status of seats_command. */
static const char *code_of(int status)
{
    return status == 202   ? "queued"
           : status == 403 ? "other-session"
           : status == 404 ? "unknown-seat"
           : status == 409 ? "queue-full"
           : status == 500 ? "server-error"
                           : "malformed";
}

/* A release or a move of the participant at seat w: the lease first (all
 * their attempts of the session released, or moved to seat c->seat: to the
 * kiosk seen there, else to whichever asks from that label), then the
 * command for that participant. As seats_command; code (32 bytes) gets the
 * refusal's code when this refuses itself. */
static int lease_then_command(proctor *p, const seats_who *w, seats_cmd *c, int64_t now_ms,
                              int *status, char *code, char *why)
{
    store *st = core_ctx_store(p->c);
    int n = 0;
    c->nip = w->nip;
    if (w->nip[0] && strcmp(c->kind, "release") == 0) {
        if (lease_release(st, w->session, w->nip, -1, &n, why)) {
            *status = 500;
            return -1;
        }
    } else if (strcmp(c->kind, "move-out") == 0) {
        seats_who to;
        if (!w->nip[0]) {
            *status = 409;
            snprintf(code, 32, "no-participant");
            return why_set(why, "nobody sits at seat %s to move", w->seat);
        }
        if (!seats_lookup(p->r, c->seat, w->session, &to) || strcmp(to.session, w->session) != 0)
            to.kiosk[0] = 0;   /* not seen there yet: the kiosk that asks from that seat */
        if (strcmp(to.kiosk, w->kiosk) == 0) {
            *status = 400;
            snprintf(code, 32, "malformed");
            return why_set(why, "seat %s is where %s sits already", c->seat, w->nip);
        }
        if (lease_move(st, w->session, w->nip, to.kiosk, c->seat, now_ms, &n, why)) {
            *status = 500;
            return -1;
        }
    }
    return seats_command(p->r, w->kiosk, c, now_ms, status, why);
}

/* The seats of one session, copied. */
typedef struct whos {
    seats_who *v;
    size_t n, cap;
    bool failed;
} whos;

static int who_add(const seats_view *v, void *arg)
{
    whos *t = arg;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        seats_who *n = realloc(t->v, cap * sizeof *n);
        if (!n) {
            t->failed = true;
            return 1;
        }
        t->v = n;
        t->cap = cap;
    }
    seats_who *w = &t->v[t->n++];
    snprintf(w->kiosk, sizeof w->kiosk, "%s", v->kiosk);
    snprintf(w->seat, sizeof w->seat, "%s", v->seat);
    snprintf(w->session, sizeof w->session, "%s", v->session);
    snprintf(w->nip, sizeof w->nip, "%s", v->nip);
    return 0;
}

/* A release of every seat of the session: the queued ones counted. */
static int release_all(proctor *p, seats_cmd *c, int64_t now_ms, int *status, char *why)
{
    whos t = {0};
    seats_each(p->r, c->session, who_add, &t);
    int queued = 0;
    *status = t.failed ? 500 : 202;
    if (t.failed) why_set(why, "out of memory");
    for (size_t i = 0; !t.failed && i < t.n; i++) {
        int st = 0;
        char w[WHY_SIZE], k[32];
        if (lease_then_command(p, &t.v[i], c, now_ms, &st, k, w) > 0) queued++;
    }
    free(t.v);
    return t.failed ? -1 : queued;
}

int proctor_action(proctor *p, const proctor_who *who, const char *body, size_t len,
                   int64_t now_ms, int *status, char *code, char *why)
{
    *status = 400;
    snprintf(code, 32, "malformed");
    json_t *o = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, NULL);
    const char *action = json_string_value(json_object_get(o, "kind")),
               *seat = json_string_value(json_object_get(o, "seat")),
               *reason = json_string_value(json_object_get(o, "reason")),
               *text = json_string_value(json_object_get(o, "text")),
               *to = json_string_value(json_object_get(o, "to"));
    json_t *min = json_object_get(o, "minutes");
    bool all = json_is_true(json_object_get(o, "all"));
    const char *kind = kind_of(action);
    int rc = -1;
    if (!json_is_object(o))
        why_set(why, "an action is a JSON object {\"kind\", \"seat\" or \"all\", ...}");
    else if (!kind)
        why_set(why, "unknown action \"%.20s\"", action ? action : "");
    else if (all == (seat != NULL))
        why_set(why, "name one seat (\"seat\") or all of them (\"all\": true)");
    else if (all && strcmp(kind, "move-out") == 0)
        why_set(why, "a move is of one seat");
    else if (min && (!json_is_integer(min) || json_integer_value(min) < 0 ||
                     json_integer_value(min) > PROTO_EXTEND_MAX))
        why_set(why, "extend by 1 to %d minutes", PROTO_EXTEND_MAX);
    else {
        bool message = strcmp(kind, "message") == 0, leased = strcmp(kind, "release") == 0 ||
                                                           strcmp(kind, "move-out") == 0;
        seats_cmd c = {.kind = kind,
                       .nip = strcmp(kind, "extend") == 0 ? NULL : "", /* NULL: the seat's */
                       .minutes = min ? (int)json_integer_value(min) : 0,
                       .seat = strcmp(kind, "move-out") == 0 ? to : NULL,
                       .text = message ? (text ? text : reason) : reason,
                       .session = who->session,
                       .actor = "proctor"};
        seats_who w;
        code[0] = 0;
        if (seats_cmd_check(&c, why)) {
            *status = 400;
        } else if (!leased) {
            rc = seats_command(p->r, all ? NULL : seat, &c, now_ms, status, why);
        } else if (all) {
            rc = release_all(p, &c, now_ms, status, why);
        } else if (!seats_lookup(p->r, seat, who->session, &w)) {
            *status = 404;
            why_set(why, "no seat %.64s has sent its state to this core", seat);
        } else if (strcmp(w.session, who->session) != 0) {
            *status = 403;
            why_set(why, "seat %s belongs to another session", w.seat);
        } else {
            rc = lease_then_command(p, &w, &c, now_ms, status, code, why);
        }
        if (!code[0]) snprintf(code, 32, "%s", code_of(*status));
    }
    json_decref(o);
    return rc;
}
