/* store_pg_replica.c -- the PostgreSQL store's replica of the kiosks' journals: events kept once by seq, forks refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store_int.h"
#include "why.h"

#define D(n) "$" #n

/* Cores sharing the database take turns per attempt: an advisory lock on its name. */
int pg_replica_put(store *s, const char *session_id, const char *attempt, const char *kiosk,
                   const char *prev, const jchain_event *ev, size_t n, int64_t now_ms,
                   int64_t *have, int64_t *at, char *why)
{
    const char *what = "keeping the replica";
    pg_tx tx;
    if (pg_begin((pg_store *)s, true, &tx, why)) return -1;
    int rc = pg_done(pg_run(&tx, what, why,
                            "SELECT pg_advisory_xact_lock(hashtextextended('replica/' || $1, 0))",
                            "t", attempt));
    PGresult *res = rc ? NULL : pg_run(&tx, what, why, STORE_SQL_REPLICA_HAVE(D), "t", attempt);
    if (!rc && !res) rc = -1;
    *have = res && PQntuples(res) ? pg_num(res, 0, 0) : 0;
    PQclear(res);
    int64_t first = n ? ev[0].seq : *have + 1, last = n ? ev[n - 1].seq : 0;
    if (!rc && first > *have + 1) rc = STORE_REPLICA_GAP;
    int64_t lo = first > 1 ? first - 1 : 1, hi = last < *have ? last : *have;
    if (!rc && n && lo <= hi) {
        res = pg_run(&tx, what, why, STORE_SQL_REPLICA_LINKS(D), "tll", attempt, lo, hi);
        if (!res) rc = -1;
        else if (PQntuples(res) != hi - lo + 1) *at = lo;
        for (int i = 0; res && !*at && i < PQntuples(res); i++)
            if (store_replica_differs(pg_num(res, i, 0), PQgetvalue(res, i, 1), prev, ev, n))
                *at = pg_num(res, i, 0);
        if (!rc && *at) rc = STORE_REPLICA_FORK;
        PQclear(res);
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (ev[i].seq > *have)
            rc = pg_done(pg_run(&tx, what, why, STORE_SQL_REPLICA_ADD(D), "tltllltttl", attempt,
                                ev[i].seq, session_id, ev[i].kind, ev[i].wall_ms,
                                ev[i].used_ms, ev[i].payload, ev[i].hash, kiosk, now_ms));
    if (rc == 0 && last > *have) *have = last;
    return pg_end(&tx, rc, why);
}

/* Caller frees *out with jchain_free(). */
int pg_replica_get(store *s, const char *attempt, int64_t from, size_t max, jchain_event **out,
                   size_t *n, int64_t *have, char *kiosk, char *why)
{
    const char *what = "reading the replica";
    pg_tx tx;
    if (pg_begin((pg_store *)s, false, &tx, why)) return -1;
    PGresult *h = pg_run(&tx, what, why, STORE_SQL_REPLICA_HAVE(D), "t", attempt);
    PGresult *r = h && max ? pg_run(&tx, what, why, STORE_SQL_REPLICA_GET(D), "tll", attempt,
                                    from, (int64_t)max)
                           : NULL;
    int rc = pg_end(&tx, h && (r || !max) ? 0 : -1, why);
    if (!rc && PQntuples(h)) {
        *have = pg_num(h, 0, 0);
        snprintf(kiosk, 65, "%s", PQgetvalue(h, 0, 1));
    }
    int count = r ? PQntuples(r) : 0;
    jchain_event *ev = !rc && count ? calloc((size_t)count, sizeof *ev) : NULL;
    if (!rc && count && !ev) rc = why_set(why, "out of memory");
    for (int i = 0; ev && i < count; i++) {
        ev[i] = (jchain_event){pg_num(r, i, 0), pg_num(r, i, 1), pg_num(r, i, 2),
                               pg_num(r, i, 3), strdup(PQgetvalue(r, i, 4)), ""};
        snprintf(ev[i].hash, sizeof ev[i].hash, "%s", PQgetvalue(r, i, 5));
        if (!ev[i].payload) rc = why_set(why, "out of memory");
    }
    if (ev && rc) jchain_free(ev, (size_t)count);
    else if (ev) {
        *out = ev;
        *n = (size_t)count;
    }
    PQclear(h);
    PQclear(r);
    return rc;
}
