/* seats_view.c -- the room seen from outside: its JSON, each seat, waiting for changes. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "clk.h"
#include "hex.h"
#include "seats_int.h"

void seats_changed(seats *r)
{
    r->gen++;
    pthread_cond_broadcast(&r->changed);
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

int seats_each(seats *r, const char *session, int (*fn)(const seats_view *v, void *arg),
               void *arg)
{
    int rc = 0;
    pthread_mutex_lock(&r->mu);
    for (size_t i = 0; !rc && i < r->n; i++) {
        const seat *s = r->seats[i];
        if (session && strcmp(s->session, session) != 0) continue;
        seats_view v = {s->kiosk, s->label,     s->session,   s->nip,    s->screen, s->lease,
                        s->state, s->seen_ms,  s->incidents, s->outbox, s->nq};
        rc = fn(&v, arg);
    }
    pthread_mutex_unlock(&r->mu);
    return rc;
}

void seats_touch(seats *r)
{
    pthread_mutex_lock(&r->mu);
    seats_changed(r);
    pthread_mutex_unlock(&r->mu);
}

int seats_wait(seats *r, uint64_t *gen, int64_t wait_ms)
{
    struct timespec until = clk_mono_at(clk_mono_ms() + wait_ms);
    pthread_mutex_lock(&r->mu);
    int e = 0;
    while (!r->halted && r->gen == *gen && e != ETIMEDOUT)
        e = pthread_cond_timedwait(&r->changed, &r->mu, &until);
    int rc = r->halted ? -1 : r->gen != *gen;
    *gen = r->gen;
    pthread_mutex_unlock(&r->mu);
    return rc;
}

void seats_halt(seats *r)
{
    pthread_mutex_lock(&r->mu);
    r->halted = true;
    pthread_cond_broadcast(&r->changed);
    pthread_mutex_unlock(&r->mu);
}
