/* store_sqlite_lease.c -- the SQLite store's leases (which seat holds an attempt) and session options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "why.h"

#define Q(n) "?" #n

/* Copies row 0 of r (kiosk, seat, since_ms) into *held; 0, or -1 with why. */
static int lease_row(sqlite_rows *r, store_lease *held, char *why)
{
    const char *k = STORE_CELL_TEXT(r, 0, 0), *seat = STORE_CELL_TEXT(r, 0, 1);
    if (!k || !seat || strlen(k) >= sizeof held->kiosk || strlen(seat) >= sizeof held->seat)
        return why_set(why, "a lease in the store is damaged");
    snprintf(held->kiosk, sizeof held->kiosk, "%s", k);
    snprintf(held->seat, sizeof held->seat, "%s", seat);
    held->since_ms = STORE_CELL_NUM(r, 0, 2);
    return 0;
}

int sqlite_lease_take(store *s, const char *session_id, const char *nip, int attempt,
                      const char *kiosk, const char *seat, int64_t now_ms, store_lease *held,
                      char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r = {0}, h = {0};
    if (sqlite_begin(ss, true, why)) return -1;
    int rc = sqlite_select(ss, &r, "taking the lease", why, STORE_SQL_LEASE_TAKE(Q), "ttittl",
                           session_id, nip, attempt, kiosk, seat, now_ms);
    if (!rc)
        rc = sqlite_select(ss, &h, "reading the lease", why, STORE_SQL_LEASE_GET(Q), "tti",
                           session_id, nip, attempt);
    if (!rc && h.n != 1) rc = why_set(why, "the lease vanished while taken");
    if (!rc) rc = lease_row(&h, held, why);
    if (!rc) rc = r.n == 1;
    sqlite_rows_free(&r);
    sqlite_rows_free(&h);
    return sqlite_end(ss, true, rc, why);
}

int sqlite_lease_get(store *s, const char *session_id, const char *nip, int attempt,
                     store_lease *held, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r = {0};
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "reading the lease", why, STORE_SQL_LEASE_GET(Q), "tti",
                           session_id, nip, attempt);
    rc = sqlite_end(ss, false, rc, why);
    if (!rc && r.n == 1) rc = lease_row(&r, held, why) ? -1 : 1;
    sqlite_rows_free(&r);
    return rc;
}

int sqlite_lease_drop(store *s, const char *session_id, const char *nip, int attempt, int *n,
                      char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r = {0};
    if (sqlite_begin(ss, true, why)) return -1;
    int rc = sqlite_select(ss, &r, "releasing the lease", why, STORE_SQL_LEASE_DROP(Q), "tti",
                           session_id, nip, attempt);
    *n = rc ? 0 : (int)r.n;
    sqlite_rows_free(&r);
    return sqlite_end(ss, true, rc, why);
}

int sqlite_lease_move(store *s, const char *session_id, const char *nip, const char *kiosk,
                      const char *seat, int64_t now_ms, int *n, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r = {0};
    if (sqlite_begin(ss, true, why)) return -1;
    int rc = sqlite_select(ss, &r, "moving the lease", why, STORE_SQL_LEASE_MOVE(Q), "ttttl",
                           session_id, nip, kiosk, seat, now_ms);
    *n = rc ? 0 : (int)r.n;
    sqlite_rows_free(&r);
    return sqlite_end(ss, true, rc, why);
}

int sqlite_session_opt_set(store *s, const char *session_id, const char *name,
                           const char *value, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    if (sqlite_begin(ss, true, why)) return -1;
    int rc = sqlite_exec(ss, "setting the session option", why, STORE_SQL_OPT_SET(Q), "ttt",
                         session_id, name, value);
    return sqlite_end(ss, true, rc, why);
}

int sqlite_session_opt_get(store *s, const char *session_id, const char *name, char *value,
                           size_t cap, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r = {0};
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "reading the session option", why, STORE_SQL_OPT_GET(Q), "tt",
                           session_id, name);
    rc = sqlite_end(ss, false, rc, why);
    if (!rc && r.n == 1) {
        const char *v = STORE_CELL_TEXT(&r, 0, 0);
        rc = v && strlen(v) < cap ? 1 : why_set(why, "session option %s is too long", name);
        if (rc == 1) memcpy(value, v, strlen(v) + 1);
    }
    sqlite_rows_free(&r);
    return rc;
}
