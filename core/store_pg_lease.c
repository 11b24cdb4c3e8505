/* store_pg_lease.c -- the PostgreSQL store's leases (which seat holds an attempt), session options and disputed attempts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store_int.h"
#include "why.h"

#define D(n) "$" #n

/* Copies row 0 of res (kiosk, seat, since_ms) into *held; 0, or -1 with why. */
static int lease_row(PGresult *res, store_lease *held, char *why)
{
    const char *k = PQgetvalue(res, 0, 0), *seat = PQgetvalue(res, 0, 1);
    if (strlen(k) >= sizeof held->kiosk || strlen(seat) >= sizeof held->seat)
        return why_set(why, "a lease in the store is damaged");
    snprintf(held->kiosk, sizeof held->kiosk, "%s", k);
    snprintf(held->seat, sizeof held->seat, "%s", seat);
    held->since_ms = pg_num(res, 0, 2);
    return 0;
}

int pg_lease_take(store *s, const char *session_id, const char *nip, int attempt,
                  const char *kiosk, const char *seat, int64_t now_ms, store_lease *held,
                  char *why)
{
    pg_tx tx;
    if (pg_begin((pg_store *)s, true, &tx, why)) return -1;
    PGresult *t = pg_run(&tx, "taking the lease", why, STORE_SQL_LEASE_TAKE(D), "ttittl",
                         session_id, nip, attempt, kiosk, seat, now_ms);
    PGresult *h = t ? pg_run(&tx, "reading the lease", why, STORE_SQL_LEASE_GET(D), "tti",
                             session_id, nip, attempt)
                    : NULL;
    int rc = -1;
    if (h && PQntuples(h) != 1) why_set(why, "the lease vanished while taken");
    else if (h && lease_row(h, held, why) == 0) rc = PQntuples(t) == 1;
    PQclear(t);
    PQclear(h);
    return pg_end(&tx, rc, why);
}

int pg_lease_get(store *s, const char *session_id, const char *nip, int attempt,
                 store_lease *held, char *why)
{
    PGresult *res = pg_once((pg_store *)s, "reading the lease", why, STORE_SQL_LEASE_GET(D),
                            "tti", session_id, nip, attempt);
    int rc = !res ? -1 : PQntuples(res) == 1;
    if (rc == 1 && lease_row(res, held, why)) rc = -1;
    PQclear(res);
    return rc;
}

/* The rows a write returned into *n; 0, or -1 when it failed. */
static int pg_count(PGresult *res, int *n)
{
    *n = res ? PQntuples(res) : 0;
    return pg_done(res);
}

int pg_lease_drop(store *s, const char *session_id, const char *nip, int attempt, int *n,
                  char *why)
{
    return pg_count(pg_once((pg_store *)s, "releasing the lease", why, STORE_SQL_LEASE_DROP(D),
                            "tti", session_id, nip, attempt), n);
}

int pg_lease_move(store *s, const char *session_id, const char *nip, const char *kiosk,
                  const char *seat, int64_t now_ms, int *n, char *why)
{
    return pg_count(pg_once((pg_store *)s, "moving the lease", why, STORE_SQL_LEASE_MOVE(D),
                            "ttttl", session_id, nip, kiosk, seat, now_ms), n);
}

int pg_session_opt_set(store *s, const char *session_id, const char *name, const char *value,
                       char *why)
{
    return pg_done(pg_once((pg_store *)s, "setting the session option", why, STORE_SQL_OPT_SET(D),
                           "ttt", session_id, name, value));
}

int pg_session_opt_get(store *s, const char *session_id, const char *name, char *value,
                       size_t cap, char *why)
{
    PGresult *res = pg_once((pg_store *)s, "reading the session option", why,
                            STORE_SQL_OPT_GET(D), "tt", session_id, name);
    int rc = !res ? -1 : PQntuples(res) == 1;
    if (rc == 1) {
        const char *v = PQgetvalue(res, 0, 0);
        if (strlen(v) < cap) memcpy(value, v, strlen(v) + 1);
        else rc = why_set(why, "session option %s is too long", name);
    }
    PQclear(res);
    return rc;
}

int pg_dispute_each(store *s, const char *exam_id, int (*fn)(const store_dispute *d, void *arg),
                    void *arg, char *why)
{
    PGresult *res = pg_once((pg_store *)s, "reading the disputes", why,
                            STORE_SQL_DISPUTE_EACH(D), "t", exam_id);
    int rc = res ? 0 : -1;
    for (int i = 0; !rc && i < PQntuples(res); i++) {
        int att;
        if ((rc = pg_int(res, i, 2, 1, STORE_ATTEMPT_MAX, "an attempt", &att, why))) break;
        store_dispute d = {PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), att, pg_num(res, i, 3),
                           PQgetvalue(res, i, 4), PQgetvalue(res, i, 5), PQgetvalue(res, i, 6),
                           pg_num(res, i, 7)};
        if ((rc = fn(&d, arg)) != 0) why_set(why, STORE_STOPPED);
    }
    PQclear(res);
    return rc;
}

int pg_dispute_records(store *s, const char *exam_id, const char *nip, int attempt,
                       int (*fn)(const store_dispute_record *r, void *arg), void *arg, char *why)
{
    PGresult *res = pg_once((pg_store *)s, "reading the disputed records", why,
                            STORE_SQL_DISPUTE_RECORDS(D), "tti", exam_id, nip, attempt);
    int rc = res ? 0 : -1;
    for (int i = 0; !rc && i < PQntuples(res); i++) {
        int awarded;
        if ((rc = pg_int(res, i, 5, 0, STORE_SCORE_MAX, "a score", &awarded, why))) break;
        store_dispute_record d = {PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
                                  PQgetvalue(res, i, 2), PQgetvalue(res, i, 3), pg_num(res, i, 4),
                                  awarded, pg_num(res, i, 6) != 0};
        if ((rc = fn(&d, arg)) != 0) why_set(why, STORE_STOPPED);
    }
    PQclear(res);
    return rc;
}

int pg_dispute_resolve(store *s, const char *exam_id, const char *nip, int attempt,
                       const char *prefix, const char *by, const char *reason, int64_t now_ms,
                       char *kept, char *why)
{
    pg_tx tx;
    if (pg_begin((pg_store *)s, true, &tx, why)) return -1;
    PGresult *m = pg_run(&tx, "resolving the dispute", why, STORE_SQL_DISPUTE_MATCH(D), "ttit",
                         exam_id, nip, attempt, prefix);
    const char *digest = m && PQntuples(m) == 1 ? PQgetvalue(m, 0, 0) : "";
    PGresult *u = m ? pg_run(&tx, "resolving the dispute", why, STORE_SQL_DISPUTE_RESOLVE(D),
                             "ttitttl", exam_id, nip, attempt, digest, by, reason, now_ms)
                    : NULL;
    int rc = !u ? -1 : store_dispute_choice(exam_id, nip, attempt, prefix, (size_t)PQntuples(u),
                                           (size_t)PQntuples(m), why);
    if (!rc) snprintf(kept, 65, "%s", digest);
    PQclear(m);
    PQclear(u);
    return pg_end(&tx, rc, why);
}
