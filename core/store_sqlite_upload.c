/* store_sqlite_upload.c -- the SQLite store's record of what arrived: refusals, results waiting for their kiosk's approval, the uploads list. */
#include <stdio.h>
#include <stdlib.h>

#include "store_int.h"
#include "why.h"

#define Q(n) "?" #n

int sqlite_refusal_put(store *s, const store_refusal *r, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    if (sqlite_begin(ss, true, why)) return -1;
    int rc = sqlite_exec(ss, "recording the refusal", why, STORE_SQL_REFUSAL_PUT(Q), "ttttitttl",
                         r->kiosk, r->session_id, r->exam_id, r->nip, r->attempt, r->digest,
                         r->code, r->reason, r->received_ms);
    return sqlite_end(ss, true, rc, why);
}

int sqlite_pending_put(store *s, const store_pending *p, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    if (sqlite_begin(ss, true, why)) return -1;
    int rc = sqlite_exec(ss, "keeping the waiting result", why, STORE_SQL_PENDING_PUT(Q),
                         "ttttitttl", p->kiosk, p->session_id, p->exam_id, p->nip, p->attempt,
                         p->digest, p->json, p->sig, p->received_ms);
    return sqlite_end(ss, true, rc, why);
}

int sqlite_pending_each(store *s, const char *kiosk,
                        int (*fn)(const store_pending *p, void *arg), void *arg, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r;
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "reading the waiting results", why,
                           STORE_SQL_PENDING_EACH(Q), "t", kiosk);
    sqlite_end(ss, false, rc, why);
    for (size_t i = 0; !rc && i < r.n; i++) {
        int att;
        if ((rc = STORE_CELL_INT(&r, i, 4, 1, STORE_ATTEMPT_MAX, "an attempt", &att, why))) break;
        store_pending p = {STORE_CELL_TEXT(&r, i, 0), STORE_CELL_TEXT(&r, i, 1),
                           STORE_CELL_TEXT(&r, i, 2), STORE_CELL_TEXT(&r, i, 3),
                           att, STORE_CELL_TEXT(&r, i, 5),
                           STORE_CELL_TEXT(&r, i, 6), STORE_CELL_TEXT(&r, i, 7),
                           STORE_CELL_NUM(&r, i, 8)};
        if ((rc = fn(&p, arg)) != 0) why_set(why, STORE_STOPPED);
    }
    sqlite_rows_free(&r);
    return rc;
}

int sqlite_pending_drop(store *s, const char *kiosk, const char *digest, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    if (sqlite_begin(ss, true, why)) return -1;
    int rc = sqlite_exec(ss, "forgetting the waiting result", why, STORE_SQL_PENDING_DROP(Q),
                         "tt", kiosk, digest);
    return sqlite_end(ss, true, rc, why);
}

int sqlite_kiosk_expire(store *s, int64_t before_ms, int *forgotten, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    const char *what = "forgetting the expired enrolments";
    sqlite_rows r = {0};
    if (sqlite_begin(ss, true, why)) return -1;
    int rc = sqlite_select(ss, &r, what, why, "SELECT COUNT(*)" STORE_SQL_KIOSK_EXPIRED(Q), "l",
                           before_ms);
    int count = rc ? 0 : (int)STORE_CELL_NUM(&r, 0, 0);
    sqlite_rows_free(&r);
    if (!rc && count)
        rc = sqlite_exec(ss, what, why, "DELETE" STORE_SQL_KIOSK_EXPIRED(Q), "l", before_ms);
    rc = sqlite_end(ss, true, rc, why);
    if (!rc) *forgotten = count;
    return rc;
}

int sqlite_pending_refuse(store *s, const char *kiosk, const char *code, const char *reason,
                          int64_t now_ms, int *n, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    const char *what = "refusing the waiting results";
    sqlite_rows r = {0};
    if (sqlite_begin(ss, true, why)) return -1;
    int rc = sqlite_select(ss, &r, what, why, "SELECT COUNT(*) FROM pending WHERE kiosk = ?1",
                           "t", kiosk);
    int count = 0;
    if (!rc) rc = STORE_CELL_INT(&r, 0, 0, 0, STORE_COUNT_MAX, "a count", &count, why);
    sqlite_rows_free(&r);
    if (!rc && count)
        rc = sqlite_exec(ss, what, why, STORE_SQL_PENDING_REFUSE(Q), "tttl", kiosk, code, reason,
                         now_ms);
    if (!rc && count)
        rc = sqlite_exec(ss, what, why, "DELETE FROM pending WHERE kiosk = ?1", "t", kiosk);
    rc = sqlite_end(ss, true, rc, why);
    if (!rc) *n = count;
    return rc;
}

int sqlite_uploads_each(store *s, const char *session_id,
                        int (*fn)(const store_upload *u, void *arg), void *arg, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r;
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "listing the results", why, STORE_SQL_UPLOADS(Q), "t",
                           session_id);
    sqlite_end(ss, false, rc, why);
    for (size_t i = 0; !rc && i < r.n; i++) {
        int att, times;
        if ((rc = STORE_CELL_INT(&r, i, 6, 0, STORE_ATTEMPT_MAX, "an attempt", &att, why)) ||
            (rc = STORE_CELL_INT(&r, i, 10, 0, STORE_COUNT_MAX, "an arrival count", &times, why)))
            break;
        store_upload u = {STORE_CELL_TEXT(&r, i, 0), STORE_CELL_TEXT(&r, i, 1),
                          STORE_CELL_TEXT(&r, i, 2), STORE_CELL_TEXT(&r, i, 3),
                          STORE_CELL_TEXT(&r, i, 4), STORE_CELL_TEXT(&r, i, 5),
                          att, STORE_CELL_TEXT(&r, i, 7),
                          STORE_CELL_TEXT(&r, i, 8), STORE_CELL_NUM(&r, i, 9), times};
        if ((rc = fn(&u, arg)) != 0) why_set(why, STORE_STOPPED);
    }
    sqlite_rows_free(&r);
    return rc;
}
