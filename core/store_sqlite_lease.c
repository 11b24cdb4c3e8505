/* store_sqlite_lease.c -- the SQLite store's leases (which seat holds an attempt), session options and disputed attempts. */
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

int sqlite_dispute_each(store *s, const char *exam_id,
                        int (*fn)(const store_dispute *d, void *arg), void *arg, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r = {0};
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "reading the disputes", why, STORE_SQL_DISPUTE_EACH(Q), "t",
                           exam_id);
    rc = sqlite_end(ss, false, rc, why);
    for (size_t i = 0; !rc && i < r.n; i++) {
        int att;
        if ((rc = STORE_CELL_INT(&r, i, 2, 1, STORE_ATTEMPT_MAX, "an attempt", &att, why))) break;
        store_dispute d = {STORE_CELL_TEXT(&r, i, 0), STORE_CELL_TEXT(&r, i, 1), att,
                           STORE_CELL_NUM(&r, i, 3), STORE_CELL_TEXT(&r, i, 4),
                           STORE_CELL_TEXT(&r, i, 5), STORE_CELL_TEXT(&r, i, 6),
                           STORE_CELL_NUM(&r, i, 7)};
        if ((rc = fn(&d, arg)) != 0) why_set(why, STORE_STOPPED);
    }
    sqlite_rows_free(&r);
    return rc;
}

int sqlite_dispute_records(store *s, const char *exam_id, const char *nip, int attempt,
                           int (*fn)(const store_dispute_record *r, void *arg), void *arg,
                           char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r = {0};
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "reading the disputed records", why,
                           STORE_SQL_DISPUTE_RECORDS(Q), "tti", exam_id, nip, attempt);
    rc = sqlite_end(ss, false, rc, why);
    for (size_t i = 0; !rc && i < r.n; i++) {
        int awarded;
        if ((rc = STORE_CELL_INT(&r, i, 5, 0, STORE_SCORE_MAX, "a score", &awarded, why))) break;
        store_dispute_record d = {STORE_CELL_TEXT(&r, i, 0), STORE_CELL_TEXT(&r, i, 1),
                                  STORE_CELL_TEXT(&r, i, 2), STORE_CELL_TEXT(&r, i, 3),
                                  STORE_CELL_NUM(&r, i, 4), awarded, STORE_CELL_NUM(&r, i, 6) != 0};
        if ((rc = fn(&d, arg)) != 0) why_set(why, STORE_STOPPED);
    }
    sqlite_rows_free(&r);
    return rc;
}

int sqlite_dispute_resolve(store *s, const char *exam_id, const char *nip, int attempt,
                           const char *prefix, const char *by, const char *reason, int64_t now_ms,
                           char *kept, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows m = {0}, u = {0};
    if (sqlite_begin(ss, true, why)) return -1;
    int rc = sqlite_select(ss, &m, "resolving the dispute", why, STORE_SQL_DISPUTE_MATCH(Q),
                           "ttit", exam_id, nip, attempt, prefix);
    const char *digest = !rc && m.n == 1 ? STORE_CELL_TEXT(&m, 0, 0) : "";
    if (!rc)  /* set when the dispute exists, so that its absence is said first */
        rc = sqlite_select(ss, &u, "resolving the dispute", why, STORE_SQL_DISPUTE_RESOLVE(Q),
                           "ttitttl", exam_id, nip, attempt, digest, by, reason, now_ms);
    if (!rc) rc = store_dispute_choice(exam_id, nip, attempt, prefix, u.n, m.n, why);
    if (!rc) snprintf(kept, 65, "%s", digest);
    sqlite_rows_free(&m);
    sqlite_rows_free(&u);
    return sqlite_end(ss, true, rc, why);
}
