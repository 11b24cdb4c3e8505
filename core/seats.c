/* seats.c -- each kiosk's last signed state in memory, and the signed commands waiting for it. */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "clk.h"
#include "bank.h"
#include "hex.h"
#include "proto.h"
#include "roomlog.h"
#include "sbuf.h"
#include "seats_int.h"
#include "text.h"

/* The screens a kiosk may be on (state "screen"; "" before its first). */
static const char *const screens[] = {
    "",         "identify", "locked",   "wait",  "instructions", "exam",   "review",   "confirm",
    "result",   "proctor",  "timeout", "error",      "damage", "paused",   "seat-locked",
    "authorise", "released", "moved", "ended"};
/* The states of a seat's lease (state "lease"). */
static const char *const leases[] = {"", "held", "offline", "refused"};

static void seats_tick(void *arg);
static int seats_load(seats *r, char *why);

seats *seats_new(store *st, const core_signer *signer, char *why)
{
    seats *r = calloc(1, sizeof *r);
    if (!r) {
        why_set(why, "seats: out of memory");
        return NULL;
    }
    pthread_mutex_init(&r->mu, NULL);
    clk_cond_init(&r->changed);
    r->gen = 1;
    r->st = st;
    r->signer = signer;
    /* the room as it was before a restart, then kept as it changes */
    if (seats_load(r, why) || !(r->log = roomlog_new(st, why))) {
        seats_free(r);
        return NULL;
    }
    roomlog_on_tick(r->log, seats_tick, r);
    return r;
}

roomlog *seats_roomlog(seats *r)
{
    return r->log;
}

void seats_free(seats *r)
{
    if (!r) return;
    roomlog_free(r->log); /* its last tick keeps the seats changed since the one before */
    for (size_t i = 0; i < r->n; i++) {
        for (int q = 0; q < r->seats[i]->nq; q++) free(r->seats[i]->queue[q]);
        free(r->seats[i]->state);
        free(r->seats[i]);
    }
    free(r->seats);
    free(r->index);
    pthread_cond_destroy(&r->changed);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

/* The hash of a kiosk key: its first 16 hex digits (keys are random). */
static size_t key_hash(const char *kiosk)
{
    size_t h = 0;
    for (int i = 0; i < 16; i++) {
        char c = kiosk[i];
        h = h << 4 | (size_t)(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return h;
}

seat *seats_find(seats *r, const char *kiosk)
{
    if (!r->slots) return NULL;
    for (size_t i = key_hash(kiosk) & (r->slots - 1);; i = (i + 1) & (r->slots - 1)) {
        if (!r->index[i]) return NULL;
        seat *s = r->seats[r->index[i] - 1];
        if (strcmp(s->kiosk, kiosk) == 0) return s;
    }
}

/* Puts seat number i (0-based) into the index. Under r->mu. */
static void index_put(seats *r, size_t i)
{
    size_t at = key_hash(r->seats[i]->kiosk) & (r->slots - 1);
    while (r->index[at]) at = (at + 1) & (r->slots - 1);
    r->index[at] = i + 1;
}

/* The seat of kiosk, made when missing. NULL when out of memory. Under r->mu. */
static seat *seat_get(seats *r, const char *kiosk)
{
    seat *s = seats_find(r, kiosk);
    if (s) return s;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        seat **p = realloc(r->seats, cap * sizeof *p);
        if (!p) return NULL;
        r->seats = p;
        r->cap = cap;
    }
    if ((r->n + 1) * 2 > r->slots) {
        size_t slots = r->slots ? r->slots * 2 : 128;
        size_t *ix = calloc(slots, sizeof *ix);
        if (!ix) return NULL;
        free(r->index);
        r->index = ix;
        r->slots = slots;
        for (size_t i = 0; i < r->n; i++) index_put(r, i);
    }
    s = calloc(1, sizeof *s);
    if (!s) return NULL;
    memcpy(s->kiosk, kiosk, 65);
    r->seats[r->n] = s;
    index_put(r, r->n++);
    return s;
}

static void answer_set(seats_answer *a, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    a->status = status;
    snprintf(a->code, sizeof a->code, "%s", code);
    va_start(ap, fmt);
    vsnprintf(a->reason, sizeof a->reason, fmt, ap);
    va_end(ap);
}

/* True when o[name] is a string of at most max bytes and no control character. */
static bool field_text(json_t *o, const char *name, size_t max)
{
    const char *v = json_string_value(json_object_get(o, name));
    return v && strlen(v) <= max && !text_has_control(v);
}

/* True when o[name] is an integer from 0 up. */
static bool field_count(json_t *o, const char *name)
{
    json_t *v = json_object_get(o, name);
    return json_is_integer(v) && json_integer_value(v) >= 0;
}

/* True when o[name] is one of the n texts of set. */
static bool field_in(json_t *o, const char *name, const char *const *set, size_t n)
{
    const char *v = json_string_value(json_object_get(o, name));
    for (size_t i = 0; v && i < n; i++)
        if (strcmp(v, set[i]) == 0) return true;
    return false;
}

/* Checks the fields of a state body; 0, or -1 with the first fault in a. */
static int state_check(json_t *o, seats_answer *a)
{
    static const char *texts[] = {"seat", "screen", "nip", "delivery", "program", "session"};
    static const char *counts[] = {"seq", "attempt", "answered", "flagged", "total",
                                   "left_ms", "incidents", "outbox", "ack", "jseq"};
    if (!json_is_object(o)) {
        answer_set(a, 400, "malformed", "a state is a JSON object");
        return -1;
    }
    json_t *v = json_object_get(o, "version");
    if (!json_is_integer(v) || json_integer_value(v) < 1) {
        answer_set(a, 400, "malformed", "a state needs its \"version\"");
        return -1;
    }
    if (json_integer_value(v) != PROTO_STATE_VERSION) {
        answer_set(a, 400, "unsupported-version",
                   "state version %lld, this core reads %d only: upgrade the %s",
                   (long long)json_integer_value(v), PROTO_STATE_VERSION,
                   json_integer_value(v) < PROTO_STATE_VERSION ? "kiosk" : "core");
        return -1;
    }
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        if (!field_text(o, texts[i], LABEL_MAX)) {
            answer_set(a, 400, "malformed", "\"%s\" must be text of at most %d bytes",
                       texts[i], LABEL_MAX);
            return -1;
        }
    if (!field_text(o, "name", NAME_MAX_)) {
        answer_set(a, 400, "malformed", "\"name\" must be text of at most %d bytes", NAME_MAX_);
        return -1;
    }
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++)
        if (!field_count(o, counts[i])) {
            answer_set(a, 400, "malformed", "\"%s\" must be a whole number from 0", counts[i]);
            return -1;
        }
    if (!field_in(o, "screen", screens, sizeof screens / sizeof *screens)) {
        answer_set(a, 400, "malformed", "\"screen\" %.32s is not a screen of the kiosk",
                   json_string_value(json_object_get(o, "screen")));
        return -1;
    }
    if (!field_in(o, "lease", leases, sizeof leases / sizeof *leases)) {
        answer_set(a, 400, "malformed",
                   "\"lease\" must be \"\", \"held\", \"offline\" or \"refused\"");
        return -1;
    }
    if (json_integer_value(json_object_get(o, "seq")) < 1) {
        answer_set(a, 400, "malformed", "\"seq\" starts at 1");
        return -1;
    }
    return 0;
}

/* 0 when the kiosk is approved (the store read at most every
 * SEATS_APPROVAL_TTL_MS); else -1 with the refusal in a. */
static int approved(seats *r, const char *kiosk, int64_t now_ms, seats_answer *a)
{
    pthread_mutex_lock(&r->mu);
    seat *s = seats_find(r, kiosk);
    bool fresh = s && s->approved_until > now_ms;
    pthread_mutex_unlock(&r->mu);
    if (fresh) return 0;
    char state[16] = "", why[WHY_SIZE] = "";
    int known = store_kiosk_state(r->st, kiosk, state, why);
    if (known < 0) {
        answer_set(a, 500, "server-error", "%s", why);
        return -1;
    }
    if (known == 0) {
        answer_set(a, 403, "unknown-kiosk", "kiosk %.16s is not enrolled", kiosk);
        return -1;
    }
    if (strcmp(state, "approved") != 0) {
        answer_set(a, 403, "kiosk-not-approved", "kiosk %.16s is %s, not approved", kiosk,
                   state);
        return -1;
    }
    return 1;
}

/* Drops the commands numbered up to ack, in the room log and its store
 * too; kiosk_ms is the time of the state that acknowledged them. Under r->mu. */
static void queue_ack(seats *r, seat *s, long long ack, long long kiosk_ms)
{
    int k = 0;
    for (int q = 0; q < s->nq; q++) {
        if (s->qseq[q] <= ack) {
            char detail[64];
            snprintf(detail, sizeof detail, "{\"cmd\":%lld,\"kind\":\"%s\"}", s->qseq[q],
                     s->qkind[q]);
            roomlog_add(r->log, s->facts.session, s->kiosk, s->label, s->facts.nip, kiosk_ms,
                        ROOMLOG_DONE, detail, "kiosk");
            free(s->queue[q]);
            continue;
        }
        s->qseq[k] = s->qseq[q];
        memcpy(s->qkind[k], s->qkind[q], sizeof s->qkind[k]);
        s->queue[k++] = s->queue[q];
    }
    if (k < s->nq)
        roomlog_keep_command(r->log, &(store_room_cmd){s->kiosk, ack, "", NULL, 0});
    s->nq = k;
}

/* Logs what a state taken (seq, facts, seat label) changed on seat s, before
 * s takes it, and marks the seat to be kept. Under r->mu. */
static void state_logged(seats *r, seat *s, const roomlog_facts *facts, const char *label,
                         long long seq, int64_t now_ms)
{
    if (s->offline) {
        char detail[48];
        snprintf(detail, sizeof detail, "{\"away_ms\":%lld}", (long long)(now_ms - s->seen_ms));
        roomlog_add(r->log, facts->session, s->kiosk, label, facts->nip, seq, ROOMLOG_ONLINE,
                    detail, "kiosk");
        s->offline = false;
    }
    roomlog_changes(r->log, s->kiosk, label, seq, s->state ? &s->facts : NULL, facts);
    s->facts = *facts;
    s->dirty = true;
}

/* The answer to a state taken: {"seq", "commands": [...]}. Under r->mu. */
static char *answer_json(const seat *s)
{
    sbuf b;
    sbuf_init(&b, 0);
    sbuf_printf(&b, "{\"commands\":[");
    for (int q = 0; q < s->nq; q++) sbuf_printf(&b, "%s%s", q ? "," : "", s->queue[q]);
    sbuf_printf(&b, "],\"seq\":%lld}", s->seq);
    return sbuf_take(&b, NULL);
}

/* What seats_state keeps of a state's fields besides its body. */
typedef struct state_fields {
    long long seq, ack;
    char label[LABEL_MAX + 1], session[LABEL_MAX + 1], nip[LABEL_MAX + 1];
    char screen[LABEL_MAX + 1], lease[LEASE_MAX + 1];
    int incidents, outbox;
} state_fields;

/* The fields of a checked state o into f. */
static void fields_read(json_t *o, state_fields *f)
{
    f->seq = (long long)json_integer_value(json_object_get(o, "seq"));
    f->ack = (long long)json_integer_value(json_object_get(o, "ack"));
    snprintf(f->label, sizeof f->label, "%s", json_string_value(json_object_get(o, "seat")));
    snprintf(f->session, sizeof f->session, "%s",
             json_string_value(json_object_get(o, "session")));
    snprintf(f->nip, sizeof f->nip, "%s", json_string_value(json_object_get(o, "nip")));
    snprintf(f->screen, sizeof f->screen, "%s", json_string_value(json_object_get(o, "screen")));
    snprintf(f->lease, sizeof f->lease, "%s", json_string_value(json_object_get(o, "lease")));
    json_int_t inc = json_integer_value(json_object_get(o, "incidents")),
               out = json_integer_value(json_object_get(o, "outbox"));
    f->incidents = inc > 1000000 ? 1000000 : (int)inc;
    f->outbox = out > 1000000 ? 1000000 : (int)out;
}

/* Copies what seat s keeps of a state's fields f, its label apart. Under r->mu. */
static void fields_take(seat *s, const state_fields *f)
{
    memcpy(s->session, f->session, sizeof f->session);
    memcpy(s->nip, f->nip, sizeof f->nip);
    memcpy(s->screen, f->screen, sizeof f->screen);
    memcpy(s->lease, f->lease, sizeof f->lease);
    s->incidents = f->incidents;
    s->outbox = f->outbox;
}

void seats_state(seats *r, const char *body, size_t len, const char *kiosk, const char *sig,
                int64_t now_ms, seats_answer *a)
{
    memset(a, 0, sizeof *a);
    if (!body || len == 0 || len > PROTO_STATE_MAX)
        return answer_set(a, 400, "malformed", "a state is 1 to %d bytes", PROTO_STATE_MAX);
    if (!kiosk || !sig || !hex_valid(kiosk, 64) || !hex_valid(sig, 128))
        return answer_set(a, 400, "malformed", "a state needs the kiosk key (64 hex) and its "
                          "signature of the body (128 hex)");
    if (bank_sig_verify(kiosk, body, len, sig) != BANK_OK)
        return answer_set(a, 401, "bad-signature", "the signature does not match the state");
    int ok = approved(r, kiosk, now_ms, a);
    if (ok < 0) return;
    json_error_t je;
    json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
    if (state_check(o, a)) {
        json_decref(o);
        return;
    }
    state_fields f;
    fields_read(o, &f);
    roomlog_facts facts;
    roomlog_facts_of(o, &facts);
    json_decref(o);
    char *copy = malloc(len + 1);
    if (!copy) return answer_set(a, 500, "server-error", "out of memory");
    memcpy(copy, body, len);
    copy[len] = 0;
    pthread_mutex_lock(&r->mu);
    seat *s = seat_get(r, kiosk);
    if (!s) {
        pthread_mutex_unlock(&r->mu);
        free(copy);
        return answer_set(a, 500, "server-error", "out of memory");
    }
    if (ok == 1) s->approved_until = now_ms + SEATS_APPROVAL_TTL_MS;
    if (f.seq <= s->seq) {
        long long last = a->last = s->seq;
        pthread_mutex_unlock(&r->mu);
        free(copy);
        return answer_set(a, 409, "replayed", "state %lld is not after the last taken (%lld)",
                          f.seq, last);
    }
    state_logged(r, s, &facts, f.label, f.seq, now_ms);
    s->seq = f.seq;
    s->seen_ms = now_ms;
    free(s->state);
    s->state = copy;
    memcpy(s->label, f.label, sizeof f.label);
    fields_take(s, &f);
    queue_ack(r, s, f.ack, f.seq);
    seats_changed(r);
    a->json = answer_json(s);
    pthread_mutex_unlock(&r->mu);
    if (!a->json) return answer_set(a, 500, "server-error", "out of memory");
    answer_set(a, 200, "taken", "state %lld taken", f.seq);
}

/* The seat named by who (a key or a seat label; of a label, the one last
 * seen, of `session` before any other), or NULL. Under r->mu. */
static seat *seat_named(seats *r, const char *who, const char *session)
{
    if (hex_valid(who, 64)) return seats_find(r, who);
    seat *best = NULL;
    for (size_t i = 0; i < r->n; i++) {
        seat *s = r->seats[i];
        if (strcmp(s->label, who) != 0) continue;
        bool mine = session && strcmp(s->session, session) == 0,
             best_mine = best && session && strcmp(best->session, session) == 0;
        if (!best || (mine && !best_mine) || (mine == best_mine && s->seen_ms > best->seen_ms))
            best = s;
    }
    return best;
}

int seats_lookup(seats *r, const char *who, const char *session, seats_who *out)
{
    memset(out, 0, sizeof *out);
    if (!who) return 0;
    pthread_mutex_lock(&r->mu);
    seat *s = seat_named(r, who, session);
    if (s) {
        memcpy(out->kiosk, s->kiosk, sizeof out->kiosk);
        snprintf(out->seat, sizeof out->seat, "%s", s->label);
        snprintf(out->session, sizeof out->session, "%s", s->session);
        snprintf(out->nip, sizeof out->nip, "%s", s->nip);
    }
    pthread_mutex_unlock(&r->mu);
    return s != NULL;
}

/* Logs command number seq of kind (cmd its signed JSON) queued for seat s
 * at the request of actor, under its kind with detail d (taken; "cmd" is
 * added), and gives it to the room log to keep. Under r->mu. */
static void queue_logged(seats *r, seat *s, long long seq, const char *kind, const char *cmd,
                         json_t *d, const char *actor, int64_t now_ms)
{
    json_object_set_new(d, "cmd", json_integer(seq));
    char *detail = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(d);
    roomlog_add(r->log, s->facts.session, s->kiosk, s->label, s->facts.nip, 0, kind, detail,
                actor);
    free(detail);
    roomlog_keep_command(r->log, &(store_room_cmd){s->kiosk, seq, kind, cmd, now_ms});
    s->dirty = true;
}

/* The detail of command c for the room log (nip: whom it is for). */
static json_t *command_detail(const seats_cmd *c, const char *nip)
{
    json_t *d = json_pack("{s:s, s:s}", "text", c->text ? c->text : "", "nip", nip);
    if (d && c->minutes) json_object_set_new(d, "minutes", json_integer(c->minutes));
    if (d && c->seat && *c->seat) json_object_set_new(d, "to", json_string(c->seat));
    return d;
}

/* Queues command c on seat s, signed. 0, or -1 with why and *status. Under r->mu. */
static int queue_on(seats *r, seat *s, const seats_cmd *c, int64_t now_ms, int *status,
                    char *why)
{
    if (s->nq == SEATS_QUEUE_MAX) {
        *status = 409;
        return why_set(why, "seat %s has %d commands waiting already", s->label,
                       SEATS_QUEUE_MAX);
    }
    /* numbers from the wall clock: above those given before a restart */
    long long seq = s->cmd_seq + 1 > now_ms ? s->cmd_seq + 1 : now_ms;
    char *cmd = seats_cmd_sign(r->signer, s->kiosk, seq, c, c->nip ? c->nip : s->nip, now_ms,
                               why);
    if (!cmd) {
        *status = 500;
        return -1;
    }
    s->cmd_seq = seq;
    s->qseq[s->nq] = seq;
    snprintf(s->qkind[s->nq], sizeof s->qkind[s->nq], "%s", c->kind);
    queue_logged(r, s, seq, c->kind, cmd, command_detail(c, c->nip ? c->nip : s->nip),
                 c->actor ? c->actor : "operator", now_ms);
    s->queue[s->nq++] = cmd;
    return 0;
}

int seats_command(seats *r, const char *who, const seats_cmd *c, int64_t now_ms, int *status,
                  char *why)
{
    *status = 400;
    if (seats_cmd_check(c, why)) return -1;
    if (!who && !c->session) return why_set(why, "name the seat (its label) or the kiosk (its key)");
    if (who && !*who) return why_set(why, "name the seat (its label) or the kiosk (its key)");
    int queued = 0, rc = 0;
    pthread_mutex_lock(&r->mu);
    if (!who) {
        char w[WHY_SIZE];
        int st = 0;
        for (size_t i = 0; i < r->n; i++)
            if (strcmp(r->seats[i]->session, c->session) == 0 &&
                queue_on(r, r->seats[i], c, now_ms, &st, w) == 0)
                queued++;
        *status = 202;
    } else {
        seat *s = seat_named(r, who, c->session);
        if (!s) {
            *status = 404;
            rc = why_set(why, "no seat %.64s has sent its state to this core", who);
        } else if (c->session && strcmp(s->session, c->session) != 0) {
            *status = 403;
            rc = why_set(why, "seat %s belongs to another session", s->label);
        } else if ((rc = queue_on(r, s, c, now_ms, status, why)) == 0) {
            *status = 202;
            queued = 1;
        }
    }
    if (queued) seats_changed(r);
    pthread_mutex_unlock(&r->mu);
    return rc ? rc : queued;
}

int seats_message(seats *r, const char *who, const char *text, int64_t now_ms, int *status,
                 char *why)
{
    seats_cmd c = {.kind = "message", .nip = "", .text = text ? text : "", .actor = "operator"};
    return seats_command(r, who, &c, now_ms, status, why) < 0 ? -1 : 0;
}

/* The writing thread's tick: seats silent for ROOMLOG_OFFLINE_MS are
 * logged offline, and the seats changed since the last tick are given to
 * the room log to keep (while its queue is short: with the store down they
 * wait here, only their last state kept). */
static void seats_tick(void *arg)
{
    seats *r = arg;
    int64_t now = roomlog_now(r->log);
    bool keep = roomlog_backlog(r->log) < ROOMLOG_QUEUE_MAX / 2;
    pthread_mutex_lock(&r->mu);
    for (size_t i = 0; i < r->n; i++) {
        seat *s = r->seats[i];
        if (!s->offline && s->state && now - s->seen_ms > ROOMLOG_OFFLINE_MS) {
            char detail[48];
            snprintf(detail, sizeof detail, "{\"seen\":%lld}", (long long)s->seen_ms);
            roomlog_add(r->log, s->facts.session, s->kiosk, s->label, s->facts.nip, 0,
                        ROOMLOG_OFFLINE, detail, "core");
            s->offline = true;
        }
        if (keep && s->dirty && s->state &&
            roomlog_keep_seat(r->log, &(store_room_seat){s->kiosk, s->label, s->facts.session,
                                                         s->seq, s->seen_ms, s->cmd_seq,
                                                         s->state}) == 0)
            s->dirty = false;
    }
    pthread_mutex_unlock(&r->mu);
}

/* Takes one seat kept in the store back into the room. */
static int load_seat(const store_room_seat *x, void *arg)
{
    seats *r = arg;
    json_t *o = json_loads(x->state, 0, NULL);
    char *copy = strdup(x->state);
    seat *s = hex_valid(x->kiosk, 64) && copy ? seat_get(r, x->kiosk) : NULL;
    if (s) {
        snprintf(s->label, sizeof s->label, "%s", x->seat);
        s->seq = x->seq;
        s->seen_ms = x->seen_ms;
        s->cmd_seq = x->cmd_seq;
        free(s->state);
        s->state = copy;
        roomlog_facts_of(o, &s->facts);
        if (json_is_object(o)) {
            state_fields f;
            fields_read(o, &f);
            fields_take(s, &f);
        }
    } else {
        free(copy);
    }
    json_decref(o);
    return s || !hex_valid(x->kiosk, 64) ? 0 : -1;
}

/* Takes one command still waiting back into its seat's queue. */
static int load_command(const store_room_cmd *x, void *arg)
{
    seats *r = arg;
    seat *s = hex_valid(x->kiosk, 64) ? seats_find(r, x->kiosk) : NULL;
    if (!s || s->nq == SEATS_QUEUE_MAX) return 0;
    char *copy = strdup(x->json);
    if (!copy) return -1;
    snprintf(s->qkind[s->nq], sizeof s->qkind[s->nq], "%s", x->kind);
    s->qseq[s->nq] = x->seq;
    s->queue[s->nq++] = copy;
    if (x->seq > s->cmd_seq) s->cmd_seq = x->seq;
    return 0;
}

/* Reads the room kept in the store: seats with their last state and
 * sequence numbers (so a state replayed is refused after a restart too),
 * and the commands not yet acknowledged, with their numbers. */
static int seats_load(seats *r, char *why)
{
    char w[WHY_SIZE] = "";
    if (store_room_load(r->st, load_seat, load_command, r, w) == 0) return 0;
    return why_set(why, "cannot read the room kept in the store: %s",
                   strcmp(w, "stopped by the caller") ? w : "out of memory");
}
