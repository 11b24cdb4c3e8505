/* store_pg_upload.c -- the PostgreSQL store's record of what arrived: refusals, results waiting for their kiosk's approval, the uploads list. */
#include <stdio.h>
#include <stdlib.h>

#include <libpq-fe.h>

#include "num.h"
#include "store_int.h"
#include "why.h"

#define D(n) "$" #n

int pg_refusal_put(store *s, const store_refusal *r, char *why)
{
    return pg_done(pg_once((pg_store *)s, "recording the refusal", why,
                           STORE_SQL_REFUSAL_PUT(D), "ttttitttl", r->kiosk, r->session_id,
                           r->exam_id, r->nip, r->attempt, r->digest, r->code, r->reason,
                           r->received_ms));
}

int pg_pending_put(store *s, const store_pending *p, char *why)
{
    return pg_done(pg_once((pg_store *)s, "keeping the waiting result", why,
                           STORE_SQL_PENDING_PUT(D), "ttttitttl", p->kiosk, p->session_id,
                           p->exam_id, p->nip, p->attempt, p->digest, p->json, p->sig,
                           p->received_ms));
}

int pg_pending_each(store *s, const char *kiosk, int (*fn)(const store_pending *p, void *arg),
                    void *arg, char *why)
{
    PGresult *res = pg_once((pg_store *)s, "reading the waiting results", why,
                            STORE_SQL_PENDING_EACH(D), "t", kiosk);
    int rc = res ? 0 : -1;
    for (int i = 0; !rc && i < PQntuples(res); i++) {
        int att;
        if ((rc = pg_int(res, i, 4, 1, STORE_ATTEMPT_MAX, "an attempt", &att, why))) break;
        store_pending p = {PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
                           PQgetvalue(res, i, 3), att, PQgetvalue(res, i, 5),
                           PQgetvalue(res, i, 6), PQgetvalue(res, i, 7), pg_num(res, i, 8)};
        if ((rc = fn(&p, arg)) != 0) why_set(why, STORE_STOPPED);
    }
    PQclear(res);
    return rc;
}

int pg_pending_drop(store *s, const char *kiosk, const char *digest, char *why)
{
    return pg_done(pg_once((pg_store *)s, "forgetting the waiting result", why,
                           STORE_SQL_PENDING_DROP(D), "tt", kiosk, digest));
}

int pg_kiosk_expire(store *s, int64_t before_ms, int *forgotten, char *why)
{
    PGresult *res = pg_once((pg_store *)s, "forgetting the expired enrolments", why,
                            "DELETE" STORE_SQL_KIOSK_EXPIRED(D), "l", before_ms);
    int count = res ? atoi(PQcmdTuples(res)) : 0;
    int rc = pg_done(res);
    if (!rc) *forgotten = count;
    return rc;
}

/* The kiosk's row is locked first: a result parked at that moment by
 * another core waits, and is refused with the rest or after them. */
int pg_pending_refuse(store *s, const char *kiosk, const char *code, const char *reason,
                      int64_t now_ms, int *n, char *why)
{
    const char *what = "refusing the waiting results";
    pg_tx tx;
    if (pg_begin((pg_store *)s, true, &tx, why)) return -1;
    int rc = pg_done(pg_run(&tx, what, why, "SELECT 1 FROM kiosks WHERE pub = $1 FOR UPDATE",
                            "t", kiosk));
    if (!rc)
        rc = pg_done(pg_run(&tx, what, why, STORE_SQL_PENDING_REFUSE(D), "tttl", kiosk, code,
                            reason, now_ms));
    PGresult *res = rc ? NULL : pg_run(&tx, what, why, "DELETE FROM pending WHERE kiosk = $1",
                                       "t", kiosk);
    int count = 0;
    if (res && !num_text_int(PQcmdTuples(res), 0, STORE_COUNT_MAX, &count)) count = 0;
    rc = pg_end(&tx, rc ? rc : pg_done(res), why);
    if (!rc) *n = count;
    return rc;
}

int pg_uploads_each(store *s, const char *session_id,
                    int (*fn)(const store_upload *u, void *arg), void *arg, char *why)
{
    PGresult *res = pg_once((pg_store *)s, "listing the results", why, STORE_SQL_UPLOADS(D),
                            "t", session_id);
    int rc = res ? 0 : -1;
    for (int i = 0; !rc && i < PQntuples(res); i++) {
        int att, times;
        if ((rc = pg_int(res, i, 6, 0, STORE_ATTEMPT_MAX, "an attempt", &att, why)) ||
            (rc = pg_int(res, i, 10, 0, STORE_COUNT_MAX, "an arrival count", &times, why)))
            break;
        store_upload u = {PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
                          PQgetvalue(res, i, 3), PQgetvalue(res, i, 4), PQgetvalue(res, i, 5),
                          att, PQgetvalue(res, i, 7), PQgetvalue(res, i, 8),
                          pg_num(res, i, 9), times};
        if ((rc = fn(&u, arg)) != 0) why_set(why, STORE_STOPPED);
    }
    PQclear(res);
    return rc;
}
