/* seats.c -- each kiosk's last signed state in memory, and the signed commands waiting for it. */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bank.h"
#include "hex.h"
#include "proto.h"
#include "sbuf.h"
#include "seats.h"
#include "text.h"

#define LABEL_MAX 32  /* bytes of a seat label, a screen, a program version */

typedef struct seat {
    char kiosk[65];
    char label[LABEL_MAX + 1];
    long long seq;            /* the last state's sequence number taken */
    int64_t seen_ms;          /* when it was taken (core clock) */
    int64_t approved_until;   /* approval read from the store, trusted until then */
    char *state;              /* the last state's body, as signed */
    long long cmd_seq;        /* the last command number given to this kiosk */
    int nq;
    long long qseq[SEATS_QUEUE_MAX];
    char *queue[SEATS_QUEUE_MAX]; /* signed commands not yet acknowledged, as JSON */
} seat;

struct seats {
    pthread_mutex_t mu;
    store *st;                /* borrowed */
    const core_signer *signer; /* borrowed */
    seat **seats;             /* in order of first state */
    size_t n, cap;
    size_t *index;            /* open addressing over seats: slot holds i + 1, 0 empty */
    size_t slots;             /* a power of two, at least twice n */
};

seats *seats_new(store *st, const core_signer *signer, char *why)
{
    seats *r = calloc(1, sizeof *r);
    if (!r) {
        why_set(why, "seats: out of memory");
        return NULL;
    }
    pthread_mutex_init(&r->mu, NULL);
    r->st = st;
    r->signer = signer;
    return r;
}

void seats_free(seats *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) {
        for (int q = 0; q < r->seats[i]->nq; q++) free(r->seats[i]->queue[q]);
        free(r->seats[i]->state);
        free(r->seats[i]);
    }
    free(r->seats);
    free(r->index);
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

/* The seat of kiosk, or NULL. Under r->mu. */
static seat *seat_find(seats *r, const char *kiosk)
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
    seat *s = seat_find(r, kiosk);
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

/* Checks the fields of a state body; 0, or -1 with the first fault in a. */
static int state_check(json_t *o, seats_answer *a)
{
    static const char *texts[] = {"seat", "screen", "nip", "delivery", "program"};
    static const char *counts[] = {"seq", "attempt", "answered", "flagged", "total",
                                   "left_ms", "incidents", "outbox", "ack"};
    if (!json_is_object(o)) {
        answer_set(a, 400, "malformed", "a state is a JSON object");
        return -1;
    }
    json_t *v = json_object_get(o, "version");
    if (!json_is_integer(v) || json_integer_value(v) < 1) {
        answer_set(a, 400, "malformed", "a state needs its \"version\"");
        return -1;
    }
    if (json_integer_value(v) > PROTO_STATE_VERSION) {
        answer_set(a, 400, "unsupported-version",
                   "state version %lld is newer than this core reads (%d): upgrade the core",
                   (long long)json_integer_value(v), PROTO_STATE_VERSION);
        return -1;
    }
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        if (!field_text(o, texts[i], LABEL_MAX)) {
            answer_set(a, 400, "malformed", "\"%s\" must be text of at most %d bytes",
                       texts[i], LABEL_MAX);
            return -1;
        }
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++)
        if (!field_count(o, counts[i])) {
            answer_set(a, 400, "malformed", "\"%s\" must be a whole number from 0", counts[i]);
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
    seat *s = seat_find(r, kiosk);
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

/* Drops the commands numbered up to ack. Under r->mu. */
static void queue_ack(seat *s, long long ack)
{
    int k = 0;
    for (int q = 0; q < s->nq; q++) {
        if (s->qseq[q] <= ack) {
            free(s->queue[q]);
            continue;
        }
        s->qseq[k] = s->qseq[q];
        s->queue[k++] = s->queue[q];
    }
    s->nq = k;
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
    long long seq = (long long)json_integer_value(json_object_get(o, "seq"));
    long long ack = (long long)json_integer_value(json_object_get(o, "ack"));
    char label[LABEL_MAX + 1];
    snprintf(label, sizeof label, "%s", json_string_value(json_object_get(o, "seat")));
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
    if (seq <= s->seq) {
        long long last = a->last = s->seq;
        pthread_mutex_unlock(&r->mu);
        free(copy);
        return answer_set(a, 409, "replayed", "state %lld is not after the last taken (%lld)",
                          seq, last);
    }
    s->seq = seq;
    s->seen_ms = now_ms;
    free(s->state);
    s->state = copy;
    memcpy(s->label, label, sizeof label);
    queue_ack(s, ack);
    a->json = answer_json(s);
    pthread_mutex_unlock(&r->mu);
    if (!a->json) return answer_set(a, 500, "server-error", "out of memory");
    answer_set(a, 200, "taken", "state %lld taken", seq);
}

/* The seat named by who (a key or a seat label), or NULL. Under r->mu. */
static seat *seat_named(seats *r, const char *who)
{
    if (hex_valid(who, 64)) return seat_find(r, who);
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->seats[i]->label, who) == 0) return r->seats[i];
    return NULL;
}

/* The command numbered seq of kind with text for kiosk, signed, as JSON.
 * NULL with why. */
static char *command_sign(seats *r, const char *kiosk, long long seq, const char *kind,
                          const char *text, int64_t now_ms, char *why)
{
    char msg[512 + PROTO_COMMAND_TEXT_MAX], sig[129];
    int n = snprintf(msg, sizeof msg, PROTO_COMMAND_TEXT, PROTO_COMMAND_VERSION, kiosk, seq,
                     kind, (long long)now_ms, text);
    if (n < 0 || (size_t)n >= sizeof msg) {
        why_set(why, "a command longer than %zu bytes", sizeof msg);
        return NULL;
    }
    if (core_signer_sign(r->signer, msg, (size_t)n, sig, why)) return NULL;
    json_t *o = json_pack("{s:i, s:s, s:I, s:s, s:I, s:s, s:s}", "version",
                          PROTO_COMMAND_VERSION, "kiosk", kiosk, "seq", (json_int_t)seq, "kind",
                          kind, "time", (json_int_t)now_ms, "text", text, "sig", sig);
    char *out = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    if (!out) why_set(why, "out of memory");
    return out;
}

int seats_message(seats *r, const char *who, const char *text, int64_t now_ms, int *status,
                 char *why)
{
    *status = 400;
    if (!who || !*who) return why_set(why, "name the seat (its label) or the kiosk (its key)");
    if (!text || !*text || strlen(text) > PROTO_COMMAND_TEXT_MAX || text_has_control(text) ||
        !text_utf8_valid(text, strlen(text)))
        return why_set(why, "a message is one line of 1 to %d bytes of UTF-8",
                       PROTO_COMMAND_TEXT_MAX);
    pthread_mutex_lock(&r->mu);
    seat *s = seat_named(r, who);
    int rc = -1;
    char *cmd = NULL;
    if (!s) {
        *status = 404;
        why_set(why, "no seat %.64s has sent its state to this core", who);
    } else if (s->nq == SEATS_QUEUE_MAX) {
        *status = 409;
        why_set(why, "seat %s has %d commands waiting already", s->label, SEATS_QUEUE_MAX);
    } else {
        /* numbers from the wall clock: above those given before a restart */
        long long seq = s->cmd_seq + 1 > now_ms ? s->cmd_seq + 1 : now_ms;
        cmd = command_sign(r, s->kiosk, seq, "message", text, now_ms, why);
        if (!cmd) {
            *status = 500;
        } else {
            s->cmd_seq = seq;
            s->qseq[s->nq] = seq;
            s->queue[s->nq++] = cmd;
            *status = 202;
            rc = 0;
        }
    }
    pthread_mutex_unlock(&r->mu);
    return rc;
}

static int by_label(const void *x, const void *y)
{
    const seat *a = *(seat *const *)x, *b = *(seat *const *)y;
    int c = strcmp(a->label, b->label);
    return c ? c : strcmp(a->kiosk, b->kiosk);
}

char *seats_json(seats *r, int64_t now_ms)
{
    json_t *list = json_array();
    pthread_mutex_lock(&r->mu);
    seat **v = r->n ? malloc(r->n * sizeof *v) : NULL;
    size_t n = v ? r->n : 0;
    if (v) memcpy(v, r->seats, n * sizeof *v);
    if (n) qsort(v, n, sizeof *v, by_label);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:I, s:o, s:i}", "kiosk", v[i]->kiosk, "seat",
                             v[i]->label, "seen", (json_int_t)v[i]->seen_ms, "state",
                             json_loads(v[i]->state, 0, NULL), "queued", v[i]->nq));
    pthread_mutex_unlock(&r->mu);
    free(v);
    json_t *o = json_pack("{s:I, s:o}", "now", (json_int_t)now_ms, "seats", list);
    char *out = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return out;
}
