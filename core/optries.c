/* optries.c -- per-address back-off and a global ceiling on failed operator-token tries. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "optries.h"

#define FORGET_MS (15 * 60 * 1000) /* an address with no failure for this long starts afresh */
#define WINDOW_MS 60000            /* the global ceiling's window */

typedef struct entry {
    bool used;
    unsigned char addr[16];
    unsigned fails;
    int64_t last_ms;   /* the last failure */
    int64_t until_ms;  /* no try is checked before */
} entry;

struct optries {
    pthread_mutex_t mu;
    int64_t window_ms; /* start of the global window */
    unsigned window_fails;
    entry e[OPTRIES_ADDRESSES];
};

/* The entry of key, or NULL (caller holds t->mu). */
static entry *find(optries *t, const unsigned char key[16])
{
    for (size_t i = 0; i < OPTRIES_ADDRESSES; i++)
        if (t->e[i].used && memcmp(t->e[i].addr, key, 16) == 0) return &t->e[i];
    return NULL;
}

/* Seconds from now until `until`, rounded up. */
static unsigned secs_until(int64_t until, int64_t now)
{
    return until > now ? (unsigned)((until - now + 999) / 1000) : 0;
}

optries *optries_new(void)
{
    optries *t = calloc(1, sizeof *t);
    if (t) pthread_mutex_init(&t->mu, NULL);
    return t;
}

void optries_free(optries *t)
{
    if (!t) return;
    pthread_mutex_destroy(&t->mu);
    free(t);
}

unsigned optries_wait(optries *t, const struct sockaddr *sa, int64_t now_ms)
{
    unsigned char key[16];
    gate_addr_key(sa, key);
    pthread_mutex_lock(&t->mu);
    unsigned w = 0;
    if (now_ms - t->window_ms < WINDOW_MS && t->window_fails >= OPTRIES_GLOBAL)
        w = secs_until(t->window_ms + WINDOW_MS, now_ms);
    entry *e = find(t, key);
    if (e && secs_until(e->until_ms, now_ms) > w) w = secs_until(e->until_ms, now_ms);
    pthread_mutex_unlock(&t->mu);
    return w;
}

unsigned optries_failed(optries *t, const struct sockaddr *sa, int64_t now_ms)
{
    unsigned char key[16];
    gate_addr_key(sa, key);
    pthread_mutex_lock(&t->mu);
    if (now_ms - t->window_ms >= WINDOW_MS) {
        t->window_ms = now_ms;
        t->window_fails = 0;
    }
    t->window_fails++;
    entry *e = find(t, key);
    if (!e) { /* a free entry, else the one whose last failure is oldest */
        e = &t->e[0];
        for (size_t i = 0; i < OPTRIES_ADDRESSES && e->used; i++)
            if (!t->e[i].used || t->e[i].last_ms < e->last_ms) e = &t->e[i];
        *e = (entry){.used = true};
        memcpy(e->addr, key, 16);
    }
    if (now_ms - e->last_ms > FORGET_MS) e->fails = 0;
    e->fails++;
    e->last_ms = now_ms;
    if (e->fails > OPTRIES_FREE) {
        unsigned n = e->fails - OPTRIES_FREE - 1;
        int64_t secs = n >= 9 ? OPTRIES_WAIT_MAX : (int64_t)1 << n;
        if (secs > OPTRIES_WAIT_MAX) secs = OPTRIES_WAIT_MAX;
        e->until_ms = now_ms + secs * 1000;
    }
    pthread_mutex_unlock(&t->mu);
    return optries_wait(t, sa, now_ms);
}

void optries_passed(optries *t, const struct sockaddr *sa)
{
    unsigned char key[16];
    gate_addr_key(sa, key);
    pthread_mutex_lock(&t->mu);
    entry *e = find(t, key);
    if (e) memset(e, 0, sizeof *e);
    pthread_mutex_unlock(&t->mu);
}
