/* journal.c -- the kiosk's durable, hash-chained event journal (SQLite, WAL, synchronous=FULL). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <sqlite3.h>

#include "journal.h"
#include "bank.h"
#include "hex.h"
#include "num.h"
#include "why.h"

#define JOURNAL_FORMAT 1              /* format version this code writes */
#define JOURNAL_KIND "kisi-journal"   /* meta 'kind' of a journal file */
#define JOURNAL_MAX_PAYLOAD (1 << 20) /* 1 MB */
#define JOURNAL_MAX_ATTEMPT 256       /* bytes of an attempt name */

struct journal {
    sqlite3 *db;
    sqlite3_stmt *begin, *commit, *rollback; /* transaction control */
    sqlite3_stmt *last;                      /* seq and hash of the newest event */
    sqlite3_stmt *insert;
    sqlite3_stmt *submitted;                 /* does the attempt hold a J_SUBMIT */
    sqlite3_stmt *unfinished;                /* newest attempt with J_BEGIN, no J_RESULT */
    EVP_MD_CTX *md;
};

static const char *const schema =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS events(attempt TEXT NOT NULL, seq INTEGER NOT NULL,"
    " kind INTEGER NOT NULL, wall_ms INTEGER NOT NULL, used_ms INTEGER NOT NULL,"
    " payload TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY(attempt, seq));";

/* Reason for the last SQLite failure on `db`. */
static int dbfail(journal *j, char *why, const char *what)
{
    why_set(why, "journal: %s: %s", what, j->db ? sqlite3_errmsg(j->db) : "no database");
    return -1;
}

/* Creates `path` with mode 0600 when it does not exist, and makes the new
 * directory entry durable. Returns 0 or -1 with why set. */
static int create_private(const char *path, char *why)
{
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return 0;
        why_set(why, "journal: cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    int rc = fsync(fd);
    close(fd);
    char *dir = strdup(path);
    if (!dir) {
        why_set(why, "journal: out of memory");
        return -1;
    }
    char *slash = strrchr(dir, '/');
    if (slash == dir) slash[1] = 0;
    else if (slash) *slash = 0;
    int dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        if (fsync(dfd) != 0) rc = -1;
        close(dfd);
    }
    free(dir);
    if (rc != 0) {
        why_set(why, "journal: cannot sync %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Prepares one statement into *st; returns 0 or -1 with why set. */
static int prep(journal *j, sqlite3_stmt **st, const char *sql, char *why)
{
    if (sqlite3_prepare_v3(j->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
        return dbfail(j, why, "prepare");
    return 0;
}

/* Runs a statement that returns no rows, then resets it. */
static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Reads a text value of the meta table into out (cap bytes); 1 found, 0 none, -1 error. */
static int meta_get(journal *j, const char *key, char *out, size_t cap)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(j->db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL))
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        snprintf(out, cap, "%s", v ? v : "");
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = -1;
    }
    sqlite3_finalize(st);
    return found;
}

/* Creates the tables of a new journal, or checks that an existing file is a
 * journal of a format this code reads. Returns 0 or -1 with why set. */
static int setup_schema(journal *j, const char *path, char *why)
{
    if (sqlite3_exec(j->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return dbfail(j, why, path);
    sqlite3_stmt *st = NULL;
    int ntables = -1;
    if (sqlite3_prepare_v2(j->db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        ntables = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    char kind[64] = "", format[32] = "";
    long long fmt = 0;
    int rc = -1;
    if (ntables < 0) {
        dbfail(j, why, path);
    } else if (ntables == 0) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "INSERT INTO meta VALUES('kind', '%s'); INSERT INTO meta VALUES('format', '%d');",
                 JOURNAL_KIND, JOURNAL_FORMAT);
        if (sqlite3_exec(j->db, schema, NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(j->db, sql, NULL, NULL, NULL) != SQLITE_OK)
            dbfail(j, why, "creating the tables");
        else
            rc = 0;
    } else if (meta_get(j, "kind", kind, sizeof kind) != 1 || strcmp(kind, JOURNAL_KIND) != 0) {
        why_set(why, "journal: %s is not a kiosk journal", path);
    } else if (meta_get(j, "format", format, sizeof format) != 1 ||
               !num_text(format, 1, NUM_MAX, &fmt)) {
        why_set(why, "journal: %s has no valid format version", path);
    } else if (fmt > JOURNAL_FORMAT) {
        why_set(why, "journal: %s has format version %s, newer than %d: update the kiosk", path,
             format, JOURNAL_FORMAT);
    } else if (bank_db_check(j->db, path, "journal", schema, why) != BANK_OK) {
        /* why says what */
    } else if (sqlite3_exec(j->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        dbfail(j, why, path);
    } else {
        rc = 0;
    }
    if (sqlite3_exec(j->db, rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK &&
        rc == 0)
        rc = dbfail(j, why, "commit");
    return rc;
}

/* Sets WAL mode and full synchronisation; returns 0 or -1 with why set. */
static int setup_pragmas(journal *j, const char *path, char *why)
{
    sqlite3_stmt *st = NULL;
    int wal = 0;
    if (sqlite3_prepare_v2(j->db, "PRAGMA journal_mode=WAL", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const char *m = (const char *)sqlite3_column_text(st, 0);
        wal = m && strcmp(m, "wal") == 0;
    }
    sqlite3_finalize(st);
    if (!wal) {
        if (sqlite3_errcode(j->db) != SQLITE_OK && sqlite3_errcode(j->db) != SQLITE_DONE &&
            sqlite3_errcode(j->db) != SQLITE_ROW)
            return dbfail(j, why, path);
        why_set(why, "journal: %s cannot use write-ahead logging", path);
        return -1;
    }
    if (sqlite3_exec(j->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK)
        return dbfail(j, why, path);
    return 0;
}

/* Caller closes with journal_close(). */
journal *journal_open(const char *path, char *why)
{
    if (!path || !*path) {
        why_set(why, "journal: no path given");
        return NULL;
    }
    if (create_private(path, why) != 0) return NULL;
    journal *j = calloc(1, sizeof *j);
    if (!j) {
        why_set(why, "journal: out of memory");
        return NULL;
    }
    j->md = EVP_MD_CTX_new();
    if (!j->md) {
        why_set(why, "journal: cannot set up SHA-256");
        goto fail;
    }
    if (sqlite3_open_v2(path, &j->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        dbfail(j, why, path);
        goto fail;
    }
    if (bank_db_harden(j->db) != BANK_OK) { /* a file on disk is hostile until checked */
        why_set(why, "journal: %s: out of memory", path);
        goto fail;
    }
    sqlite3_extended_result_codes(j->db, 1);
    sqlite3_busy_timeout(j->db, 5000);
    if (setup_pragmas(j, path, why) || setup_schema(j, path, why) ||
        prep(j, &j->begin, "BEGIN IMMEDIATE", why) || prep(j, &j->commit, "COMMIT", why) ||
        prep(j, &j->rollback, "ROLLBACK", why) ||
        prep(j, &j->last,
             "SELECT seq, hash FROM events WHERE attempt = ? ORDER BY seq DESC LIMIT 1", why) ||
        prep(j, &j->insert, "INSERT INTO events VALUES(?, ?, ?, ?, ?, ?, ?)", why) ||
        prep(j, &j->submitted, "SELECT 1 FROM events WHERE attempt = ? AND kind = 8 LIMIT 1",
             why) ||
        prep(j, &j->unfinished,
             "SELECT attempt FROM events AS b WHERE kind = 1 AND NOT EXISTS (SELECT 1 FROM "
             "events AS s WHERE s.attempt = b.attempt AND s.kind = 9) ORDER BY rowid DESC "
             "LIMIT 1",
             why))
        goto fail;
    return j;
fail:
    journal_close(j);
    return NULL;
}

/* Finalizes the statements and closes the file; NULL is a no-op. */
void journal_close(journal *j)
{
    if (!j) return;
    sqlite3_finalize(j->begin);
    sqlite3_finalize(j->commit);
    sqlite3_finalize(j->rollback);
    sqlite3_finalize(j->last);
    sqlite3_finalize(j->insert);
    sqlite3_finalize(j->submitted);
    sqlite3_finalize(j->unfinished);
    sqlite3_close(j->db);
    EVP_MD_CTX_free(j->md);
    free(j);
}

/* Checks an attempt name: 1..JOURNAL_MAX_ATTEMPT-1 printable ASCII bytes. */
static int attempt_ok(const char *attempt, char *why)
{
    size_t n = attempt ? strlen(attempt) : 0;
    if (n == 0 || n >= JOURNAL_MAX_ATTEMPT) {
        why_set(why, "journal: attempt name missing or too long");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (attempt[i] < 0x21 || attempt[i] > 0x7e) {
            why_set(why, "journal: attempt name holds a space or control character");
            return -1;
        }
    return 0;
}

/* Checks a payload: a JSON object in valid UTF-8 of at most 1 MB. */
static int payload_ok(const char *payload, char *why)
{
    if (!payload) {
        why_set(why, "journal: no payload");
        return -1;
    }
    size_t len = strnlen(payload, (size_t)JOURNAL_MAX_PAYLOAD + 1);
    if (len > JOURNAL_MAX_PAYLOAD) {
        why_set(why, "journal: payload larger than 1 MB");
        return -1;
    }
    json_error_t err;
    json_t *o = json_loadb(payload, len, JSON_REJECT_DUPLICATES, &err);
    int ok = json_is_object(o);
    json_decref(o);
    if (!ok) {
        why_set(why, "journal: payload is not a JSON object: %s", o ? "other value" : err.text);
        return -1;
    }
    return 0;
}

/* Reads the newest seq and hash of `attempt` (seq 0 and zero hash when none).
 * The statement is reset before returning. Returns 0 or -1 with why set. */
static int last_event(journal *j, const char *attempt, int64_t *seq, unsigned char prev[32],
                      char *why)
{
    sqlite3_bind_text(j->last, 1, attempt, -1, SQLITE_STATIC);
    int rc = sqlite3_step(j->last), ret = 0;
    *seq = 0;
    memset(prev, 0, 32);
    if (rc == SQLITE_ROW) {
        *seq = sqlite3_column_int64(j->last, 0);
        const char *h = (const char *)sqlite3_column_text(j->last, 1);
        if (!hex_valid(h, 64) || hex_decode(h, prev, 32) != 0) {
            why_set(why, "journal: attempt %s: stored hash of seq %lld is malformed", attempt,
                 (long long)*seq);
            ret = -1;
        }
    } else if (rc != SQLITE_DONE) {
        ret = dbfail(j, why, "reading the last event");
    }
    sqlite3_reset(j->last);
    sqlite3_clear_bindings(j->last);
    return ret;
}

int journal_append(journal *j, const char *attempt, jkind kind, int64_t wall_ms,
                   int64_t used_ms, const char *payload, char *why)
{
    if (!j) {
        why_set(why, "journal: not open");
        return -1;
    }
    if (attempt_ok(attempt, why) || payload_ok(payload, why)) return -1;
    if ((int)kind < J_BEGIN || (int)kind > J_RESULT) {
        why_set(why, "journal: unknown event kind %d", (int)kind);
        return -1;
    }
    if (wall_ms < 0 || used_ms < 0) {
        why_set(why, "journal: negative time");
        return -1;
    }
    if (step_done(j->begin) != 0) return dbfail(j, why, "begin");
    int64_t seq;
    unsigned char prev[32];
    char hex[65];
    size_t len = strlen(payload);
    if (last_event(j, attempt, &seq, prev, why) != 0) goto fail;
    seq++;
    if (journal_chain_hash(j->md, prev, seq, kind, wall_ms, used_ms, payload, len, hex) != 0) {
        why_set(why, "journal: SHA-256 failed");
        goto fail;
    }
    sqlite3_bind_text(j->insert, 1, attempt, -1, SQLITE_STATIC);
    sqlite3_bind_int64(j->insert, 2, seq);
    sqlite3_bind_int(j->insert, 3, (int)kind);
    sqlite3_bind_int64(j->insert, 4, wall_ms);
    sqlite3_bind_int64(j->insert, 5, used_ms);
    sqlite3_bind_text(j->insert, 6, payload, (int)len, SQLITE_STATIC);
    sqlite3_bind_text(j->insert, 7, hex, 64, SQLITE_STATIC);
    int rc = step_done(j->insert);
    sqlite3_clear_bindings(j->insert);
    if (rc != 0) {
        dbfail(j, why, "insert");
        goto fail;
    }
    if (step_done(j->commit) != 0) {
        dbfail(j, why, "commit");
        goto fail;
    }
    return 0;
fail:
    if (!sqlite3_get_autocommit(j->db)) step_done(j->rollback);
    return -1;
}

int journal_replay(journal *j, const char *attempt, int (*fn)(const jevent *, void *),
                   void *arg, char *why)
{
    if (!j || !fn) {
        why_set(why, "journal: not open");
        return -1;
    }
    if (attempt_ok(attempt, why)) return -1;
    /* prepared per call, so that fn may use the other journal functions */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(j->db,
                           "SELECT seq, kind, wall_ms, used_ms, payload, hash FROM events "
                           "WHERE attempt = ? ORDER BY seq",
                           -1, &st, NULL) != SQLITE_OK)
        return dbfail(j, why, "prepare");
    sqlite3_bind_text(st, 1, attempt, -1, SQLITE_TRANSIENT);
    unsigned char prev[32] = {0};
    int64_t want = 1;
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        jevent e = {
            .seq = sqlite3_column_int64(st, 0),
            .kind = (jkind)sqlite3_column_int(st, 1),
            .wall_ms = sqlite3_column_int64(st, 2),
            .used_ms = sqlite3_column_int64(st, 3),
        };
        const unsigned char *payload = sqlite3_column_text(st, 4);
        size_t len = (size_t)sqlite3_column_bytes(st, 4);
        e.payload = (const char *)payload;
        e.hash = (const char *)sqlite3_column_text(st, 5);
        char hex[65];
        if (e.seq != want) {
            why_set(why, "journal: attempt %s: seq %lld is missing: the chain is broken", attempt,
                 (long long)want);
            ret = -1;
            break;
        }
        if (!payload || !e.hash ||
            journal_chain_hash(j->md, prev, e.seq, sqlite3_column_int64(st, 1), e.wall_ms,
                               e.used_ms, payload, len, hex) != 0 ||
            strcmp(hex, e.hash) != 0 || hex_decode(e.hash, prev, 32) != 0) {
            why_set(why, "journal: attempt %s: seq %lld does not match its hash: the chain is broken",
                 attempt, (long long)e.seq);
            ret = -1;
            break;
        }
        want++;
        if (fn(&e, arg) != 0) break;
    }
    if (ret == 0 && rc != SQLITE_ROW && rc != SQLITE_DONE) ret = dbfail(j, why, "replay");
    sqlite3_finalize(st);
    return ret;
}

int journal_head(journal *j, const char *attempt, char hex[65], char *why)
{
    hex[0] = 0;
    if (!j) {
        why_set(why, "journal: not open");
        return -1;
    }
    if (attempt_ok(attempt, why)) return -1;
    sqlite3_bind_text(j->last, 1, attempt, -1, SQLITE_STATIC);
    int rc = sqlite3_step(j->last), ret = 0;
    if (rc == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(j->last, 1);
        snprintf(hex, 65, "%s", h ? h : "");
    } else if (rc != SQLITE_DONE) {
        ret = dbfail(j, why, "reading the head");
    }
    sqlite3_reset(j->last);
    sqlite3_clear_bindings(j->last);
    return ret;
}

int journal_unfinished(journal *j, char *attempt, size_t cap, char *why)
{
    if (!j || !attempt || cap == 0) {
        why_set(why, "journal: not open");
        return -1;
    }
    attempt[0] = 0;
    int rc = sqlite3_step(j->unfinished), ret = 0;
    if (rc == SQLITE_ROW) {
        const char *a = (const char *)sqlite3_column_text(j->unfinished, 0);
        if (!a || strlen(a) >= cap) {
            why_set(why, "journal: unfinished attempt name does not fit");
            ret = -1;
        } else {
            memcpy(attempt, a, strlen(a) + 1);
            ret = 1;
        }
    } else if (rc != SQLITE_DONE) {
        ret = dbfail(j, why, "looking for an unfinished attempt");
    }
    sqlite3_reset(j->unfinished);
    return ret;
}

int journal_is_submitted(journal *j, const char *attempt, char *why)
{
    if (!j) {
        why_set(why, "journal: not open");
        return -1;
    }
    if (attempt_ok(attempt, why)) return -1;
    sqlite3_bind_text(j->submitted, 1, attempt, -1, SQLITE_STATIC);
    int rc = sqlite3_step(j->submitted), ret;
    if (rc == SQLITE_ROW) ret = 1;
    else if (rc == SQLITE_DONE) ret = 0;
    else ret = dbfail(j, why, "reading the attempt");
    sqlite3_reset(j->submitted);
    sqlite3_clear_bindings(j->submitted);
    return ret;
}
