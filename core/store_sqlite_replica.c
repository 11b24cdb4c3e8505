/* store_sqlite_replica.c -- the SQLite store's replica of the kiosks' journals: events kept once by seq, forks refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "why.h"

#define Q(n) "?" #n

/* The first seq of rows r (seq, hash) whose link is not the one pushed; 0 when all agree. */
static int64_t sqlite_replica_differs(const sqlite_rows *r, const char *prev,
                                      const jchain_event *ev, size_t n)
{
    for (size_t i = 0; i < r->n; i++)
        if (store_replica_differs(STORE_CELL_NUM(r, i, 0), STORE_CELL_TEXT(r, i, 1), prev, ev,
                                  n))
            return STORE_CELL_NUM(r, i, 0);
    return 0;
}

int sqlite_replica_put(store *s, const char *session_id, const char *attempt, const char *kiosk,
                       const char *prev, const jchain_event *ev, size_t n, int64_t now_ms,
                       int64_t *have, int64_t *at, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    const char *what = "keeping the replica";
    sqlite_rows r = {0};
    if (sqlite_begin(ss, true, why)) return -1;
    int rc = sqlite_select(ss, &r, what, why, STORE_SQL_REPLICA_HAVE(Q), "t", attempt);
    *have = !rc && r.n ? STORE_CELL_NUM(&r, 0, 0) : 0;
    sqlite_rows_free(&r);
    int64_t first = n ? ev[0].seq : *have + 1, last = n ? ev[n - 1].seq : 0;
    if (!rc && first > *have + 1) rc = STORE_REPLICA_GAP;
    if (!rc && n) {
        int64_t lo = first > 1 ? first - 1 : 1, hi = last < *have ? last : *have;
        if (lo <= hi) {
            rc = sqlite_select(ss, &r, what, why, STORE_SQL_REPLICA_LINKS(Q), "tll", attempt,
                               lo, hi);
            if (!rc && (int64_t)r.n != hi - lo + 1) *at = lo;
            else if (!rc) *at = sqlite_replica_differs(&r, prev, ev, n);
            if (!rc && *at) rc = STORE_REPLICA_FORK;
            sqlite_rows_free(&r);
        }
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (ev[i].seq > *have)
            rc = sqlite_exec(ss, what, why, STORE_SQL_REPLICA_ADD(Q), "tltllltttl", attempt,
                             ev[i].seq, session_id, ev[i].kind, ev[i].wall_ms, ev[i].used_ms,
                             ev[i].payload, ev[i].hash, kiosk, now_ms);
    if (rc == 0 && last > *have) *have = last;
    return sqlite_end(ss, true, rc, why);
}

/* Caller frees *out with jchain_free(). */
int sqlite_replica_get(store *s, const char *attempt, int64_t from, size_t max,
                       jchain_event **out, size_t *n, int64_t *have, char *kiosk, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    const char *what = "reading the replica";
    sqlite_rows h = {0}, r = {0};
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &h, what, why, STORE_SQL_REPLICA_HAVE(Q), "t", attempt);
    if (!rc && max)
        rc = sqlite_select(ss, &r, what, why, STORE_SQL_REPLICA_GET(Q), "tll", attempt, from,
                           (int64_t)max);
    rc = sqlite_end(ss, false, rc, why);
    if (!rc && h.n) {
        *have = STORE_CELL_NUM(&h, 0, 0);
        snprintf(kiosk, 65, "%s", STORE_CELL_TEXT(&h, 0, 1) ? STORE_CELL_TEXT(&h, 0, 1) : "");
    }
    jchain_event *ev = !rc && r.n ? calloc(r.n, sizeof *ev) : NULL;
    if (!rc && r.n && !ev) rc = why_set(why, "out of memory");
    for (size_t i = 0; ev && i < r.n; i++) {
        ev[i] = (jchain_event){STORE_CELL_NUM(&r, i, 0), STORE_CELL_NUM(&r, i, 1),
                               STORE_CELL_NUM(&r, i, 2), STORE_CELL_NUM(&r, i, 3),
                               STORE_CELL_TEXT(&r, i, 4), ""};
        STORE_CELL_TEXT(&r, i, 4) = NULL; /* now the event's */
        snprintf(ev[i].hash, sizeof ev[i].hash, "%s",
                 STORE_CELL_TEXT(&r, i, 5) ? STORE_CELL_TEXT(&r, i, 5) : "");
    }
    if (ev) {
        *out = ev;
        *n = r.n;
    }
    sqlite_rows_free(&h);
    sqlite_rows_free(&r);
    return rc;
}
