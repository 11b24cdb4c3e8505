/* proctor.c -- the proctor's sign-in: the session's proctor code tried at the core, cookies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "bank.h"
#include "hex.h"
#include "ingest_int.h"
#include "proctor_int.h"

proctor *proctor_new(core_ctx *c, seats *r, char *why)
{
    proctor *p = calloc(1, sizeof *p);
    if (!p) {
        why_set(why, "proctor: out of memory");
        return NULL;
    }
    p->c = c;
    p->r = r;
    pthread_mutex_init(&p->mu, NULL);
    return p;
}

void proctor_free(proctor *p)
{
    if (!p) return;
    OPENSSL_cleanse(p->cookies, sizeof p->cookies);
    for (size_t i = 0; i < PROCTOR_RESULTS_CACHE; i++) free(p->results[i].v);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

/* The session ids a sign-in tries, at most PROCTOR_TRY_SESSIONS of them. */
typedef struct tries {
    char id[PROCTOR_TRY_SESSIONS][33];
    size_t n;
} tries;

/* Adds session id to t once (ids of more than 32 bytes, or "", are left out). */
static int try_add(tries *t, const char *id)
{
    if (!id[0] || strlen(id) > 32) return 0;
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->id[i], id) == 0) return 0;
    if (t->n == PROCTOR_TRY_SESSIONS) return 1;  /* full: stop */
    snprintf(t->id[t->n++], sizeof t->id[0], "%s", id);
    return 0;
}

static int try_seat(const seats_view *v, void *arg)
{
    return try_add(arg, v->session);
}

static int try_stored(const char *session_id, const char *exam_id, void *arg)
{
    (void)exam_id;
    return try_add(arg, session_id);
}

/* 1 when code opens stored session id (who filled), 0 when not or when the
 * session cannot be opened. */
static int try_one(core_ctx *c, const char *id, const char *code, size_t len, proctor_who *who)
{
    char why[WHY_SIZE] = "";
    bool unknown = false;
    int ok = 0;
    pthread_mutex_lock(&c->mu);
    open_session *os = keep_session(c, id, &unknown, why);
    if (os && bank_session_check_proctor(os->s, code, len, why) == BANK_OK) {
        snprintf(who->session, sizeof who->session, "%s", id);
        snprintf(who->exam, sizeof who->exam, "%s", bank_session_exam_id(os->s));
        ok = 1;
    }
    pthread_mutex_unlock(&c->mu);
    return ok;
}

/* A slot for a new cookie: a free or expired one, else the one expiring
 * first. Under p->mu. */
static proctor_cookie *cookie_slot(proctor *p, int64_t now_ms)
{
    proctor_cookie *at = &p->cookies[0];
    for (size_t i = 0; i < PROCTOR_COOKIES_MAX; i++) {
        proctor_cookie *k = &p->cookies[i];
        if (!k->used || k->who.expires_ms <= now_ms) return k;
        if (k->who.expires_ms < at->who.expires_ms) at = k;
    }
    return at;
}

int proctor_login(proctor *p, const char *code, size_t len, const char *session, int64_t now_ms,
                  char cookie[65], proctor_who *who, char *why)
{
    tries *t = calloc(1, sizeof *t);
    if (!t) return why_set(why, "out of memory");
    if (session && *session) {
        try_add(t, session);
    } else {
        seats_each(p->r, NULL, try_seat, t);   /* the sessions of the room first */
        char w[WHY_SIZE] = "";
        if (store_sessions_each(core_ctx_store(p->c), try_stored, t, w) < 0 &&
            t->n < PROCTOR_TRY_SESSIONS) {
            free(t);
            return why_set(why, "%s", w);
        }
    }
    memset(who, 0, sizeof *who);
    int ok = 0;
    for (size_t i = 0; !ok && code && len <= 64 && i < t->n; i++)
        ok = try_one(p->c, t->id[i], code, len, who);
    free(t);
    if (!ok) return 0;
    unsigned char raw[32];
    if (RAND_bytes(raw, sizeof raw) != 1) return why_set(why, "no random numbers for a cookie");
    hex_encode(raw, sizeof raw, cookie);
    OPENSSL_cleanse(raw, sizeof raw);
    who->expires_ms = now_ms + PROCTOR_COOKIE_MS;
    pthread_mutex_lock(&p->mu);
    proctor_cookie *k = cookie_slot(p, now_ms);
    OPENSSL_cleanse(k, sizeof *k);
    k->used = true;
    memcpy(k->hex, cookie, 65);
    k->who = *who;
    pthread_mutex_unlock(&p->mu);
    return 1;
}

/* The live cookie equal to hex, or NULL. Under p->mu. */
static proctor_cookie *cookie_find(proctor *p, const char *hex)
{
    if (!hex || !hex_valid(hex, 64)) return NULL;
    proctor_cookie *found = NULL;
    for (size_t i = 0; i < PROCTOR_COOKIES_MAX; i++)
        if (p->cookies[i].used && CRYPTO_memcmp(p->cookies[i].hex, hex, 64) == 0)
            found = &p->cookies[i];
    return found;
}

int proctor_check(proctor *p, const char *cookie, int64_t now_ms, proctor_who *who)
{
    pthread_mutex_lock(&p->mu);
    proctor_cookie *k = cookie_find(p, cookie);
    if (k && k->who.expires_ms <= now_ms) {
        OPENSSL_cleanse(k, sizeof *k);
        k = NULL;
    }
    if (k) *who = k->who;
    pthread_mutex_unlock(&p->mu);
    return k != NULL;
}

void proctor_logout(proctor *p, const char *cookie)
{
    pthread_mutex_lock(&p->mu);
    proctor_cookie *k = cookie_find(p, cookie);
    if (k) OPENSSL_cleanse(k, sizeof *k);
    pthread_mutex_unlock(&p->mu);
}
