/* store_sqlite_fwd.c -- the SQLite store's part of the room: the sessions it offers, the results forwarded upstream. */
#include <stdio.h>
#include <stdlib.h>

#include "store_int.h"
#include "why.h"

#define Q(n) "?" #n

int sqlite_session_each(store *s, int (*fn)(const store_held *h, void *arg),
                        void *arg, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r;
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "listing the sessions", why, STORE_SQL_SESSION_EACH, "");
    sqlite_end(ss, false, rc, why);
    for (size_t i = 0; !rc && i < r.n; i++) {
        store_held h = {STORE_CELL_TEXT(&r, i, 0), STORE_CELL_TEXT(&r, i, 1),
                        STORE_CELL_TEXT(&r, i, 2), STORE_CELL_TEXT(&r, i, 3),
                        STORE_CELL_TEXT(&r, i, 4)};
        if ((rc = fn(&h, arg)) != 0) why_set(why, STORE_STOPPED);
    }
    sqlite_rows_free(&r);
    return rc;
}

int sqlite_forward_each(store *s, const char *upstream, int max,
                        int (*fn)(const store_result *r, const char *kiosk_name, void *arg),
                        void *arg, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r;
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "reading the results to forward", why,
                           STORE_SQL_FORWARD_EACH(Q), "ti", upstream ? upstream : "",
                           max > 0 ? max : -1);
    sqlite_end(ss, false, rc, why);
    for (size_t i = 0; !rc && i < r.n; i++) {
        store_result res;
        if ((rc = sqlite_result_row(&r, i, &res, why))) break;
        const char *name = STORE_CELL_TEXT(&r, i, 14);
        if ((rc = fn(&res, name ? name : "", arg)) != 0) why_set(why, STORE_STOPPED);
    }
    sqlite_rows_free(&r);
    return rc;
}

int sqlite_forward_mark(store *s, const char *digest, const char *upstream, const char *receipt,
                        int64_t now_ms, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    if (sqlite_begin(ss, true, why)) return -1;
    int rc = sqlite_exec(ss, "marking the result forwarded", why, STORE_SQL_FORWARD_MARK(Q),
                         "tttl", digest, upstream, receipt, now_ms);
    return sqlite_end(ss, true, rc, why);
}

int sqlite_forward_count(store *s, const char *upstream, int *done, int *todo, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r;
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "counting the results forwarded", why,
                           STORE_SQL_FORWARD_COUNT(Q), "t", upstream);
    sqlite_end(ss, false, rc, why);
    int all = 0;
    if (!rc) rc = STORE_CELL_INT(&r, 0, 0, 0, STORE_COUNT_MAX, "a count", &all, why);
    if (!rc) rc = STORE_CELL_INT(&r, 0, 1, 0, all, "a count", done, why);
    if (!rc) *todo = all - *done;
    sqlite_rows_free(&r);
    return rc;
}
