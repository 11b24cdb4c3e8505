/* journal_replica.c -- the journal's side of the replica: events taken from the core, all or nothing; a read-only view for the replica's thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "bank.h"
#include "journal.h"
#include "journal_int.h"
#include "why.h"

int64_t journal_held(journal *j, const char *attempt, char *why)
{
    if (!j) return why_set(why, "journal: not open");
    if (journal_attempt_ok(attempt, why)) return -1;
    sqlite3_bind_text(j->last, 1, attempt, -1, SQLITE_STATIC);
    int rc = sqlite3_step(j->last);
    int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(j->last, 0) : 0;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) n = jdb_fail(j, why, "counting the events");
    sqlite3_reset(j->last);
    sqlite3_clear_bindings(j->last);
    return n;
}

int64_t journal_held_all(const journal *j)
{
    return j ? j->nevents : 0;
}

/* Checks the events the journal holds of `attempt` (in an open
 * transaction) against ev: they must be its first ones, link for link.
 * *held gets how many; 0, or -1 with why. */
static int held_agree(journal *j, const char *attempt, const jchain_event *ev, size_t n,
                      int64_t *held, char *why)
{
    sqlite3_stmt *st = NULL;
    *held = 0;
    if (sqlite3_prepare_v2(j->db, "SELECT seq, hash FROM events WHERE attempt = ? ORDER BY seq",
                           -1, &st, NULL) != SQLITE_OK)
        return jdb_fail(j, why, "prepare");
    sqlite3_bind_text(st, 1, attempt, -1, SQLITE_STATIC);
    int rc, ret = 0;
    while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(st, 0);
        const char *hash = (const char *)sqlite3_column_text(st, 1);
        if (seq != *held + 1 || (size_t)seq > n || !hash || strcmp(hash, ev[seq - 1].hash) != 0)
            ret = why_set(why, "journal: attempt %s: event %lld here is not the core's: the "
                               "journal is kept as it is", attempt, (long long)seq);
        else
            *held = seq;
    }
    if (ret == 0 && rc != SQLITE_DONE) ret = jdb_fail(j, why, "reading the attempt");
    sqlite3_finalize(st);
    return ret;
}

int journal_import(journal *j, const char *attempt, const jchain_event *ev, size_t n,
                   char *why)
{
    if (!j) return why_set(why, "journal: not open");
    if (journal_attempt_ok(attempt, why) || journal_key_ok(j, attempt, why)) return -1;
    if (n == 0) return 0;
    if (!ev) return why_set(why, "journal: no events to take");
    for (size_t i = 0; i < n; i++)
        if (!journal_kind_ok(ev[i].kind))
            return why_set(why, "journal: event %lld of the core is of an unknown kind %lld",
                           (long long)ev[i].seq, (long long)ev[i].kind);
    char cw[WHY_SIZE] = "";
    if (jchain_check(j->key, "", ev, n, cw) != 0)
        return why_set(why, "journal: attempt %s from the core: %s", attempt, cw);
    if (jdb_step(j->begin) != 0) return jdb_fail(j, why, "begin");
    int64_t held = 0;
    int ret = held_agree(j, attempt, ev, n, &held, why);
    for (size_t i = (size_t)held; ret == 0 && i < n; i++) {
        sqlite3_bind_text(j->insert, 1, attempt, -1, SQLITE_STATIC);
        sqlite3_bind_int64(j->insert, 2, ev[i].seq);
        sqlite3_bind_int64(j->insert, 3, ev[i].kind);
        sqlite3_bind_int64(j->insert, 4, ev[i].wall_ms);
        sqlite3_bind_int64(j->insert, 5, ev[i].used_ms);
        sqlite3_bind_text(j->insert, 6, ev[i].payload, -1, SQLITE_STATIC);
        sqlite3_bind_text(j->insert, 7, ev[i].hash, 64, SQLITE_STATIC);
        if (jdb_step(j->insert) != 0) ret = jdb_fail(j, why, "insert");
        sqlite3_clear_bindings(j->insert);
    }
    if (ret == 0 && jdb_step(j->commit) != 0) ret = jdb_fail(j, why, "commit");
    if (ret != 0) {
        if (!sqlite3_get_autocommit(j->db)) jdb_step(j->rollback);
        return -1;
    }
    j->nevents += (int64_t)n - held;
    if (j->markfd >= 0 && (int64_t)n > held) jmark_write(j->markfd, j->nevents, ev[n - 1].hash);
    return (int)((int64_t)n - held);
}

/* ---- a read-only view for another thread ---- */

struct journal_reader {
    sqlite3 *db;
};

/* Caller closes with journal_reader_close(). */
journal_reader *journal_reader_open(const char *path, char *why)
{
    journal_reader *r = calloc(1, sizeof *r);
    if (!r) {
        why_set(why, "journal: out of memory");
        return NULL;
    }
    /* read-write for WAL's shared memory, but it only ever reads */
    if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        bank_db_harden(r->db) != BANK_OK ||
        sqlite3_exec(r->db, "PRAGMA query_only = 1", NULL, NULL, NULL) != SQLITE_OK) {
        why_set(why, "journal: %s: %s", path, r->db ? sqlite3_errmsg(r->db) : "out of memory");
        journal_reader_close(r);
        return NULL;
    }
    sqlite3_busy_timeout(r->db, 5000);
    return r;
}

void journal_reader_close(journal_reader *r)
{
    if (!r) return;
    sqlite3_close(r->db);
    free(r);
}

int journal_reader_heads(journal_reader *r, const char *prefix,
                         int (*fn)(const char *attempt, int64_t last, void *arg), void *arg,
                         char *why)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(r->db,
                           "SELECT attempt, MAX(seq) FROM events WHERE substr(attempt, 1, ?1) = ?2"
                           " GROUP BY attempt ORDER BY MAX(rowid)",
                           -1, &st, NULL) != SQLITE_OK)
        return why_set(why, "journal: %s", sqlite3_errmsg(r->db));
    sqlite3_bind_int(st, 1, (int)strlen(prefix));
    sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *a = (const char *)sqlite3_column_text(st, 0);
        if (a && fn(a, sqlite3_column_int64(st, 1), arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    int ret = rc == SQLITE_DONE ? 0 : why_set(why, "journal: %s", sqlite3_errmsg(r->db));
    sqlite3_finalize(st);
    return ret;
}

/* Caller frees *out with jchain_free(). */
int journal_reader_events(journal_reader *r, const char *attempt, int64_t after, size_t max,
                          size_t max_bytes, jchain_event **out, size_t *n, char *why)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(r->db,
                           "SELECT seq, kind, wall_ms, used_ms, payload, hash FROM events"
                           " WHERE attempt = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
                           -1, &st, NULL) != SQLITE_OK)
        return why_set(why, "journal: %s", sqlite3_errmsg(r->db));
    sqlite3_bind_text(st, 1, attempt, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, after);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
    jchain_event *ev = max ? calloc(max, sizeof *ev) : NULL;
    size_t k = 0, bytes = 0;
    int rc = ev ? SQLITE_OK : SQLITE_NOMEM;
    while (ev && k < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(st, 4);
        const char *h = (const char *)sqlite3_column_text(st, 5);
        size_t len = p ? strlen(p) : 0;
        if (k > 0 && bytes + len > max_bytes) break;
        ev[k] = (jchain_event){sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1),
                               sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
                               strdup(p ? p : "{}"), ""};
        snprintf(ev[k].hash, sizeof ev[k].hash, "%s", h ? h : "");
        bytes += len;
        if (!ev[k++].payload) rc = SQLITE_NOMEM;
        if (rc == SQLITE_NOMEM) break;
    }
    int ret = rc == SQLITE_NOMEM ? why_set(why, "journal: out of memory")
              : rc == SQLITE_ROW || rc == SQLITE_DONE || rc == SQLITE_OK
                  ? 0
                  : why_set(why, "journal: %s", sqlite3_errmsg(r->db));
    sqlite3_finalize(st);
    if (ret) {
        jchain_free(ev, k);
        return -1;
    }
    *out = ev;
    *n = k;
    return 0;
}
