/* decide.c -- the operator approves or revokes a kiosk: its waiting results are then stored or refused. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "hex.h"
#include "ingest_int.h"
#include "kcode.h"
#include "log.h"
#include "why.h"

/* Finds the full key of the one kiosk whose key starts with prefix. */
typedef struct find {
    const char *prefix;
    char pub[65];
} find;

static int find_kiosk(const char *pub, const char *name, const char *state, int64_t enrolled_ms,
                      void *arg)
{
    (void)name, (void)state, (void)enrolled_ms;
    find *f = arg;
    if (strncasecmp(pub, f->prefix, strlen(f->prefix)) == 0) snprintf(f->pub, sizeof f->pub, "%s", pub);
    return 0;
}

/* The kiosks named by a code or a key prefix. */
typedef struct match {
    char code[KCODE_SIZE];  /* "" when id is no code */
    char prefix[65];        /* "" when id is no key prefix */
    void (*fn)(const char *, const char *, const char *, int64_t, void *);
    void *arg;
    int n;
} match;

static int match_kiosk(const char *pub, const char *name, const char *state, int64_t enrolled_ms,
                       void *arg)
{
    match *m = arg;
    char code[KCODE_SIZE];
    bool hit = m->prefix[0] && strncmp(pub, m->prefix, strlen(m->prefix)) == 0;
    if (!hit && m->code[0] && kcode_of(pub, code) == 0) hit = strcmp(code, m->code) == 0;
    if (!hit) return 0;
    m->n++;
    if (m->fn) m->fn(pub, name, state, enrolled_ms, m->arg);
    return 0;
}

int core_kiosk_match(store *st, const char *id,
                     void (*fn)(const char *pub, const char *name, const char *state,
                                int64_t enrolled_ms, void *arg),
                     void *arg, char *why)
{
    match m = {.fn = fn, .arg = arg};
    size_t n = id ? strlen(id) : 0;
    if (n >= 8 && n <= 64) {
        for (size_t i = 0; i < n; i++) m.prefix[i] = (char)tolower((unsigned char)id[i]);
        if (!hex_valid(m.prefix, n)) m.prefix[0] = 0;
    }
    if (kcode_parse(id, m.code) != 0) m.code[0] = 0;
    if (!m.prefix[0] && !m.code[0])
        return why_set(why, "a kiosk is named by its approval code (XXXX-XXXX, as its screen "
                            "shows) or 8 to 64 hex digits of its key, not '%.70s'", id ? id : "");
    if (store_kiosk_each(st, match_kiosk, &m, why) != 0) return -1;
    return m.n;
}

/* Checks and stores (or refuses) the waiting results, one by one. */
typedef struct drain {
    core_ctx *c;
    int64_t now_ms;
    int stored, refused;
} drain;

static int store_waiting(const store_pending *p, void *arg)
{
    drain *d = arg;
    char kiosk[65], hex[129], why[WHY_SIZE] = "";
    ingest_outcome out;
    if (core_sig_parse(p->sig, strlen(p->sig), kiosk, hex) != 0) {
        snprintf(kiosk, sizeof kiosk, "%s", p->kiosk);
        hex[0] = 0;
    }
    core_ingest(d->c, p->json, strlen(p->json), kiosk, hex, d->now_ms, &out);
    if (out.status >= 500) return 0; /* the store failed: it stays waiting */
    if (out.status < 300) d->stored++;
    else d->refused++;
    if (store_pending_drop(d->c->st, p->kiosk, p->digest, why) != 0)
        core_log(CORE_LOG_ERR, "waiting result not forgotten: %s", why);
    return 0;
}

int core_kiosk_decide(store *st, core_ctx *c, const char *prefix, const char *state,
                      int64_t now_ms, int *stored, int *refused, char *why)
{
    *stored = *refused = 0;
    bool approve = state && strcmp(state, "approved") == 0;
    if (approve && (!c || c->st != st)) {
        why_set(why, "approving a kiosk needs the core's banks (its context over this store)");
        return -1;
    }
    if (store_kiosk_set(st, prefix, state, why) != 0) return -1;
    find f = {prefix, ""};
    if (store_kiosk_each(st, find_kiosk, &f, why) != 0) return -1;
    core_log(CORE_LOG_INFO, "kiosk %s: kiosk=%s", state, f.pub);
    if (approve) {
        drain d = {c, now_ms, 0, 0};
        int rc = store_pending_each(st, f.pub, store_waiting, &d, why);
        *stored = d.stored;
        *refused = d.refused;
        return rc;
    }
    if (strcmp(state, "revoked") != 0) return 0;
    int rc = store_pending_refuse(st, f.pub, "kiosk-revoked",
                                  "its kiosk was revoked while the result waited for approval",
                                  now_ms, refused, why);
    if (!rc && *refused)
        core_log(CORE_LOG_WARNING, "waiting results refused: kiosk=%s count=%d "
                 "reason=\"its kiosk was revoked\"", f.pub, *refused);
    return rc;
}
