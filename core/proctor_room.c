/* proctor_room.c -- the room as the proctor of one session sees it, and its live stream. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "clk.h"
#include "proctor_int.h"
#include "proto.h"

/* ---- result counts, read from the store at most every PROCTOR_RESULTS_MS ---- */

static int count_upload(const store_upload *u, void *arg)
{
    proctor_results *c = arg;
    proctor_count *k = NULL;
    for (size_t i = 0; !k && i < c->n; i++)
        if (strcmp(c->v[i].kiosk, u->kiosk) == 0) k = &c->v[i];
    if (!k) {
        if (c->n == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 64;
            proctor_count *v = realloc(c->v, cap * sizeof *v);
            if (!v) return -1;
            c->v = v;
            c->cap = cap;
        }
        k = &c->v[c->n++];
        memset(k, 0, sizeof *k);
        snprintf(k->kiosk, sizeof k->kiosk, "%s", u->kiosk);
    }
    if (strcmp(u->state, "stored") == 0 || strcmp(u->state, "evidence") == 0) k->sent++;
    else if (strcmp(u->state, "refused") == 0) k->refused++;
    else k->waiting++;
    return 0;
}

/* The counts of session into out (caller frees out->v): from the cache
 * when fresh, else read again. 0, or -1 when the store fails. */
static int results_of(proctor *p, const char *session, int64_t now_ms, proctor_results *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&p->mu);
    proctor_results *at = NULL;
    for (size_t i = 0; !at && i < PROCTOR_RESULTS_CACHE; i++)
        if (p->results[i].read_ms && strcmp(p->results[i].session, session) == 0)
            at = &p->results[i];
    bool fresh = at && now_ms - at->read_ms < PROCTOR_RESULTS_MS && now_ms >= at->read_ms;
    if (fresh && at->n && (out->v = malloc(at->n * sizeof *out->v))) {
        memcpy(out->v, at->v, at->n * sizeof *out->v);
        out->n = out->cap = at->n;
    }
    pthread_mutex_unlock(&p->mu);
    if (fresh && (out->v || !at->n)) return 0;
    char why[WHY_SIZE] = "";
    if (store_uploads_each(core_ctx_store(p->c), session, count_upload, out, why) != 0) {
        free(out->v);
        memset(out, 0, sizeof *out);
        return -1;
    }
    proctor_count *copy = out->n ? malloc(out->n * sizeof *copy) : NULL;
    if (out->n && !copy) return 0;   /* answered, not kept */
    if (copy) memcpy(copy, out->v, out->n * sizeof *copy);
    pthread_mutex_lock(&p->mu);
    if (!at) {
        at = &p->results[0];
        for (size_t i = 1; i < PROCTOR_RESULTS_CACHE; i++)
            if (p->results[i].read_ms < at->read_ms) at = &p->results[i];
    }
    free(at->v);
    snprintf(at->session, sizeof at->session, "%s", session);
    at->v = copy;
    at->n = at->cap = out->n;
    at->read_ms = now_ms;
    pthread_mutex_unlock(&p->mu);
    return 0;
}

/* ---- the room ---- */

/* One seat of the proctor's room, copied out of the seats' lock. */
typedef struct row {
    char kiosk[65], seat[33], lease[17];
    json_t *state;
    json_t *attention;
    int64_t seen_ms;
    int queued, outbox;
    int sent, refused, waiting; /* results of this kiosk in the session */
} row;

typedef struct rows {
    row *v;
    size_t n, cap;
    int64_t now_ms;
    bool failed;
} rows;

/* What needs the proctor's eye about seat v: a JSON array of words. */
static json_t *attention_of(const seats_view *v, int64_t now_ms)
{
    json_t *a = json_array();
    if (now_ms - v->seen_ms > PROCTOR_OFFLINE_MS) json_array_append_new(a, json_string("offline"));
    if (strcmp(v->screen, "seat-locked") == 0) json_array_append_new(a, json_string("locked"));
    if (strcmp(v->screen, "locked") == 0) json_array_append_new(a, json_string("pin-locked"));
    if (strcmp(v->screen, "error") == 0) json_array_append_new(a, json_string("error"));
    if (strcmp(v->screen, "damage") == 0) json_array_append_new(a, json_string("damage"));
    if (v->incidents > 0) json_array_append_new(a, json_string("incident"));
    if (strcmp(v->lease, "refused") == 0) json_array_append_new(a, json_string("lease-refused"));
    return a;
}

static int row_add(const seats_view *v, void *arg)
{
    rows *t = arg;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        row *n = realloc(t->v, cap * sizeof *n);
        if (!n) {
            t->failed = true;
            return 1;
        }
        t->v = n;
        t->cap = cap;
    }
    row *r = &t->v[t->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->kiosk, sizeof r->kiosk, "%s", v->kiosk);
    snprintf(r->seat, sizeof r->seat, "%s", v->seat);
    snprintf(r->lease, sizeof r->lease, "%s", v->lease);
    r->state = json_loads(v->state, 0, NULL);
    r->attention = attention_of(v, t->now_ms);
    r->seen_ms = v->seen_ms;
    r->queued = v->queued;
    r->outbox = v->outbox;
    return 0;
}

/* Attention first, then by seat label, then by key. */
static int by_attention(const void *x, const void *y)
{
    const row *a = x, *b = y;
    bool ax = json_array_size(a->attention) > 0, bx = json_array_size(b->attention) > 0;
    if (ax != bx) return ax ? -1 : 1;
    int c = strcmp(a->seat, b->seat);
    return c ? c : strcmp(a->kiosk, b->kiosk);
}

char *proctor_room_json(proctor *p, const proctor_who *who, int64_t now_ms)
{
    proctor_results res;
    if (results_of(p, who->session, now_ms, &res)) return NULL;
    rows t = {.now_ms = now_ms};
    seats_each(p->r, who->session, row_add, &t);
    json_t *list = t.failed ? NULL : json_array();
    for (size_t i = 0; i < t.n; i++) {
        row *r = &t.v[i];
        r->waiting = r->outbox;
        for (size_t k = 0; k < res.n; k++)
            if (strcmp(res.v[k].kiosk, r->kiosk) == 0) {
                r->sent = res.v[k].sent;
                r->refused = res.v[k].refused;
                r->waiting += res.v[k].waiting;
            }
        if (r->refused) json_array_append_new(r->attention, json_string("refused"));
    }
    if (t.n) qsort(t.v, t.n, sizeof *t.v, by_attention);
    for (size_t i = 0; i < t.n; i++) {
        row *r = &t.v[i];
        if (list)
            json_array_append_new(
                list, json_pack("{s:s, s:s, s:I, s:i, s:O, s:O, s:s, s:{s:i, s:i, s:i}}",
                                "kiosk", r->kiosk, "seat", r->seat, "seen",
                                (json_int_t)r->seen_ms, "queued", r->queued, "state",
                                r->state ? r->state : json_null(), "attention", r->attention,
                                "lease", r->lease, "results", "waiting", r->waiting, "sent",
                                r->sent, "refused", r->refused));
        json_decref(r->state);
        json_decref(r->attention);
    }
    free(t.v);
    free(res.v);
    json_t *o = list ? json_pack("{s:I, s:s, s:s, s:o}", "now", (json_int_t)now_ms, "session",
                                 who->session, "exam", who->exam, "seats", list)
                     : NULL;
    char *out = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return out;
}

/* ---- the live stream ---- */

struct proctor_stream {
    proctor *p;
    char cookie[65];
    proctor_who who;
    uint64_t gen;           /* the room's change counter at the last event */
    bool started;
    int offline;            /* seats offline at the last event */
    int64_t sent_ms, wrote_ms; /* monotonic: the last event, the last bytes */
    char *pend;             /* bytes not yet handed out */
    size_t plen, poff;
    int64_t keepalive_ms;
    bool (*alive)(void *arg);
    void *arg;
};

proctor_stream *proctor_stream_begin(proctor *p, const char *cookie, const proctor_who *who,
                                     int64_t keepalive_ms, bool (*alive)(void *arg), void *arg)
{
    proctor_stream *s = NULL;
    pthread_mutex_lock(&p->mu);
    if (p->streams < PROCTOR_STREAMS_MAX && (s = calloc(1, sizeof *s))) p->streams++;
    pthread_mutex_unlock(&p->mu);
    if (!s) return NULL;
    s->p = p;
    snprintf(s->cookie, sizeof s->cookie, "%s", cookie);
    s->who = *who;
    s->keepalive_ms = keepalive_ms > 0 && keepalive_ms < PROCTOR_KEEPALIVE_MS
                          ? keepalive_ms
                          : PROCTOR_KEEPALIVE_MS;
    s->alive = alive;
    s->arg = arg;
    return s;
}

void proctor_stream_end(proctor_stream *s)
{
    if (!s) return;
    pthread_mutex_lock(&s->p->mu);
    s->p->streams--;
    pthread_mutex_unlock(&s->p->mu);
    free(s->pend);
    OPENSSL_cleanse(s->cookie, sizeof s->cookie);
    free(s);
}

typedef struct offline_count {
    int64_t now_ms;
    int n;
} offline_count;

static int count_offline(const seats_view *v, void *arg)
{
    offline_count *c = arg;
    if (c->now_ms - v->seen_ms > PROCTOR_OFFLINE_MS) c->n++;
    return 0;
}

/* Seats of the stream's session offline now. */
static int offline_now(proctor_stream *s)
{
    offline_count c = {clk_wall_ms(), 0};
    seats_each(s->p->r, s->who.session, count_offline, &c);
    return c.n;
}

/* Hands out up to cap bytes of s->pend. */
static size_t pend_out(proctor_stream *s, char *buf, size_t cap)
{
    size_t n = s->plen - s->poff < cap ? s->plen - s->poff : cap;
    memcpy(buf, s->pend + s->poff, n);
    s->poff += n;
    if (s->poff == s->plen) {
        free(s->pend);
        s->pend = NULL;
        s->plen = s->poff = 0;
    }
    s->wrote_ms = clk_mono_ms();
    return n;
}

/* Makes the next room event s->pend; false when out of memory or the store failed. */
static bool room_event(proctor_stream *s)
{
    s->offline = offline_now(s);
    char *json = proctor_room_json(s->p, &s->who, clk_wall_ms());
    if (!json) return false;
    size_t n = strlen(json) + 32;
    s->pend = malloc(n);
    if (s->pend) s->plen = (size_t)snprintf(s->pend, n, "event: room\ndata: %s\n\n", json);
    s->poff = 0;
    free(json);
    s->sent_ms = clk_mono_ms();
    return s->pend != NULL;
}

size_t proctor_stream_read(proctor_stream *s, char *buf, size_t cap)
{
    if (s->pend) return pend_out(s, buf, cap);
    for (;;) {
        proctor_who who;
        if (!proctor_check(s->p, s->cookie, clk_wall_ms(), &who)) return 0;
        if (!s->started) {
            s->started = true;
            seats_wait(s->p->r, &s->gen, 0);   /* the change counter now */
            return room_event(s) ? pend_out(s, buf, cap) : 0;
        }
        int64_t quiet = s->keepalive_ms - (clk_mono_ms() - s->wrote_ms);
        if (quiet <= 0) {
            s->wrote_ms = clk_mono_ms();
            return (size_t)snprintf(buf, cap, ": keep-alive\n\n");
        }
        int w = seats_wait(s->p->r, &s->gen, quiet < 1000 ? quiet : 1000);
        if (w < 0 || (s->alive && !s->alive(s->arg))) return 0;
        if (w == 0 && offline_now(s) == s->offline) continue;
        /* coalesced: no two events closer than PROCTOR_STREAM_GAP_MS */
        for (int64_t gap; (gap = PROCTOR_STREAM_GAP_MS - (clk_mono_ms() - s->sent_ms)) > 0;)
            if (seats_wait(s->p->r, &s->gen, gap) < 0) return 0;
        return room_event(s) ? pend_out(s, buf, cap) : 0;
    }
}
