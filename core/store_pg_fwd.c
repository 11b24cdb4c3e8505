/* store_pg_fwd.c -- the PostgreSQL store's part of the room: the sessions it offers, the results forwarded upstream. */
#include <stdio.h>
#include <stdlib.h>

#include <libpq-fe.h>

#include "store_int.h"
#include "why.h"

#define D(n) "$" #n

int pg_session_each(store *s, int (*fn)(const store_held *h, void *arg),
                    void *arg, char *why)
{
    PGresult *res = pg_once((pg_store *)s, "listing the sessions", why, STORE_SQL_SESSION_EACH, "");
    int rc = res ? 0 : -1;
    for (int i = 0; !rc && i < PQntuples(res); i++) {
        store_held h = {PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
                        PQgetvalue(res, i, 3), PQgetvalue(res, i, 4)};
        if ((rc = fn(&h, arg)) != 0) why_set(why, STORE_STOPPED);
    }
    PQclear(res);
    return rc;
}

int pg_forward_each(store *s, const char *upstream, int max,
                    int (*fn)(const store_result *r, const char *kiosk_name, void *arg),
                    void *arg, char *why)
{
    char limit[16];
    snprintf(limit, sizeof limit, "%d", max);
    /* LIMIT NULL is no limit */
    PGresult *res = pg_once((pg_store *)s, "reading the results to forward", why,
                            STORE_SQL_FORWARD_EACH(D), "tt", upstream ? upstream : "",
                            max > 0 ? limit : NULL);
    int rc = res ? 0 : -1;
    for (int i = 0; !rc && i < PQntuples(res); i++) {
        store_result r;
        if ((rc = pg_result_row(res, i, &r, why))) break;
        if ((rc = fn(&r, PQgetvalue(res, i, 14), arg)) != 0) why_set(why, STORE_STOPPED);
    }
    PQclear(res);
    return rc;
}

int pg_forward_mark(store *s, const char *digest, const char *upstream, const char *receipt,
                    int64_t now_ms, char *why)
{
    return pg_done(pg_once((pg_store *)s, "marking the result forwarded", why,
                           STORE_SQL_FORWARD_MARK(D), "tttl", digest, upstream, receipt, now_ms));
}

int pg_forward_count(store *s, const char *upstream, int *done, int *todo, char *why)
{
    PGresult *res = pg_once((pg_store *)s, "counting the results forwarded", why,
                            STORE_SQL_FORWARD_COUNT(D), "t", upstream);
    int all = 0;
    int rc = res ? pg_int(res, 0, 0, 0, STORE_COUNT_MAX, "a count", &all, why) : -1;
    if (!rc) rc = pg_int(res, 0, 1, 0, all, "a count", done, why);
    if (!rc) *todo = all - *done;
    PQclear(res);
    return rc;
}
