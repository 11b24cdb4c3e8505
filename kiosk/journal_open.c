/* journal_open.c -- opening the kiosk's journal: the file, its schema and format, its integrity, mark and owner. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "bank.h"
#include "journal.h"
#include "journal_int.h"
#include "num.h"
#include "secmem.h"
#include "why.h"

static const char *const schema =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS events(attempt TEXT NOT NULL, seq INTEGER NOT NULL,"
    " kind INTEGER NOT NULL, wall_ms INTEGER NOT NULL, used_ms INTEGER NOT NULL,"
    " payload TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY(attempt, seq));";

/* Reason for the last SQLite failure on `db`. */
int jdb_fail(journal *j, char *why, const char *what)
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
        return jdb_fail(j, why, "prepare");
    return 0;
}

/* Runs a statement that returns no rows, then resets it. */
int jdb_step(sqlite3_stmt *st)
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

/* Checks the meta table of an existing journal: its kind and format.
 * Returns 0, or -1 with why set and j->damage said. */
static int check_meta(journal *j, const char *path, char *why)
{
    char kind[64] = "", format[32] = "";
    long long fmt = 0;
    if (meta_get(j, "kind", kind, sizeof kind) != 1 || strcmp(kind, JOURNAL_KIND) != 0) {
        j->damage = JD_UNREADABLE;
        return why_set(why, "journal: %s is not a kiosk journal", path);
    }
    j->damage = JD_FORMAT;
    if (meta_get(j, "format", format, sizeof format) != 1 ||
        !num_text(format, 1, NUM_MAX, &fmt)) {
        j->damage = JD_UNREADABLE;
        return why_set(why, "journal: %s has no valid format version", path);
    }
    if (fmt > JOURNAL_FORMAT)
        return why_set(why, "journal: %s has format version %s, newer than %d: update the kiosk",
                       path, format, JOURNAL_FORMAT);
    if (fmt < JOURNAL_FORMAT)
        return why_set(why, "journal: %s has format version %s of an earlier kiosk, whose chain "
                            "has no key; this kiosk reads version %d only: set the file aside",
                       path, format, JOURNAL_FORMAT);
    j->damage = JD_NONE;
    return 0;
}

/* Creates the tables of a new journal (never where its mark says events
 * were committed), or checks that an existing file is a journal of a
 * format this code reads. Returns 0 or -1 with why set. */
static int setup_schema(journal *j, const char *path, char *why)
{
    if (sqlite3_exec(j->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return jdb_fail(j, why, path);
    sqlite3_stmt *st = NULL;
    int ntables = -1;
    if (sqlite3_prepare_v2(j->db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        ntables = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    int rc = -1;
    if (ntables < 0) {
        jdb_fail(j, why, path);
    } else if (ntables == 0 && j->marked > 0) {
        j->damage = JD_LOST;
        why_set(why, "journal: %s holds no event, but its mark says %lld were committed", path,
                (long long)j->marked);
    } else if (ntables == 0) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "INSERT INTO meta VALUES('kind', '%s'); INSERT INTO meta VALUES('format', '%d');",
                 JOURNAL_KIND, JOURNAL_FORMAT);
        if (sqlite3_exec(j->db, schema, NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(j->db, sql, NULL, NULL, NULL) != SQLITE_OK)
            jdb_fail(j, why, "creating the tables");
        else
            rc = 0;
    } else if (check_meta(j, path, why) != 0) {
        /* why and j->damage say what */
    } else if (bank_db_check(j->db, path, "journal", schema, why) != BANK_OK) {
        j->damage = JD_UNREADABLE;  /* not the schema this kiosk writes: why says what */
    } else if (sqlite3_exec(j->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        jdb_fail(j, why, path);
    } else {
        rc = 0;
    }
    if (sqlite3_exec(j->db, rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK &&
        rc == 0)
        rc = jdb_fail(j, why, "commit");
    return rc;
}

/* Checks the file's integrity, its events against the mark and its owner
 * (recorded when the journal has none); then brings the mark up to date.
 * Returns 0, or -1 with why set and j->damage said. */
static int check_file(journal *j, const char *path, const char *owner, const char *mhead,
                      char *why)
{
    sqlite3_stmt *st = NULL;
    char head[65] = "", ok[16] = "";
    if (sqlite3_prepare_v2(j->db, "PRAGMA quick_check(1)", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        snprintf(ok, sizeof ok, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    st = NULL;
    int counted = sqlite3_prepare_v2(j->db,
                                     "SELECT count(*), (SELECT hash FROM events ORDER BY rowid "
                                     "DESC LIMIT 1) FROM events",
                                     -1, &st, NULL) == SQLITE_OK &&
                  sqlite3_step(st) == SQLITE_ROW;
    if (counted) {
        j->nevents = sqlite3_column_int64(st, 0);
        const char *h = (const char *)sqlite3_column_text(st, 1);
        snprintf(head, sizeof head, "%s", h ? h : "");
    }
    sqlite3_finalize(st);
    if (strcmp(ok, "ok") != 0 || !counted) {
        j->damage = JD_UNREADABLE;
        return why_set(why, "journal: %s fails its integrity check: %s", path,
                       ok[0] ? ok : sqlite3_errmsg(j->db));
    }
    if (j->marked >= 0 && j->nevents < j->marked) {
        j->damage = JD_LOST;
        return why_set(why, "journal: %s holds %lld events, but its mark says %lld were committed",
                       path, (long long)j->nevents, (long long)j->marked);
    }
    if (j->marked >= 0 && j->nevents == j->marked && strcmp(head, mhead) != 0) {
        j->damage = JD_REPLACED;
        return why_set(why, "journal: %s is not the journal its mark was written for", path);
    }
    char kiosk[80] = "";
    int had = meta_get(j, "kiosk", kiosk, sizeof kiosk);
    if (owner && had == 1 && strcmp(kiosk, owner) != 0) {
        j->damage = JD_OTHERKIOSK;
        return why_set(why, "journal: %s was written by kiosk %.16s, not this one (%.16s)", path,
                       kiosk, owner);
    }
    if (owner && had == 0) {
        sqlite3_stmt *ins = NULL;
        int rc = sqlite3_prepare_v2(j->db, "INSERT INTO meta VALUES('kiosk', ?)", -1, &ins, NULL);
        if (rc == SQLITE_OK) sqlite3_bind_text(ins, 1, owner, -1, SQLITE_STATIC);
        rc = rc == SQLITE_OK ? sqlite3_step(ins) : rc;
        sqlite3_finalize(ins);
        if (rc != SQLITE_DONE) return jdb_fail(j, why, "recording the kiosk");
    }
    j->markfd = jmark_open(j->path_mark);
    if (j->markfd < 0 || (j->nevents != j->marked && jmark_write(j->markfd, j->nevents, head)))
        return why_set(why, "journal: cannot write %s: %s", j->path_mark, strerror(errno));
    return 0;
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
            return jdb_fail(j, why, path);
        why_set(why, "journal: %s cannot use write-ahead logging", path);
        return -1;
    }
    if (sqlite3_exec(j->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK)
        return jdb_fail(j, why, path);
    return 0;
}

/* Caller closes with journal_close(). */
journal *journal_open(const char *path, char *why)
{
    return journal_open_as(path, NULL, NULL, why);
}

/* Caller closes with journal_close(). */
journal *journal_open_as(const char *path, const char *owner, jdamage *damage, char *why)
{
    jdamage none;
    if (!damage) damage = &none;
    *damage = JD_NONE;
    if (!path || !*path) {
        why_set(why, "journal: no path given");
        return NULL;
    }
    journal *j = calloc(1, sizeof *j);
    if (!j) {
        why_set(why, "journal: out of memory");
        return NULL;
    }
    j->markfd = -1;
    j->marked = -1;
    char mhead[65] = "";
    snprintf(j->path_mark, sizeof j->path_mark, "%s.mark", path);
    if (jmark_read(j->path_mark, &j->marked, mhead) != 1) j->marked = -1;  /* see journal.h */
    struct stat sb;
    int found = stat(path, &sb) == 0;
    bool missing = !found && errno == ENOENT, existed = found && sb.st_size > 0;
    if (missing && j->marked > 0) {
        j->damage = JD_LOST;
        why_set(why, "journal: %s is missing, but its mark says %lld events were committed", path,
                (long long)j->marked);
        goto fail;
    }
    if (create_private(path, why) != 0) goto fail;
    EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    j->mac = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
    EVP_MAC_free(hmac);
    j->key = secmem_alloc(JOURNAL_KEY);
    if (!j->mac || !j->key) {
        why_set(why, "journal: cannot set up HMAC-SHA256");
        goto fail;
    }
    if (sqlite3_open_v2(path, &j->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        jdb_fail(j, why, path);
        goto damaged;
    }
    if (bank_db_harden(j->db) != BANK_OK) { /* a file on disk is hostile until checked */
        why_set(why, "journal: %s: out of memory", path);
        goto fail;
    }
    sqlite3_extended_result_codes(j->db, 1);
    sqlite3_busy_timeout(j->db, 5000);
    if (setup_pragmas(j, path, why) || setup_schema(j, path, why) ||
        check_file(j, path, owner, mhead, why))
        goto damaged;
    if (prep(j, &j->begin, "BEGIN IMMEDIATE", why) || prep(j, &j->commit, "COMMIT", why) ||
        prep(j, &j->rollback, "ROLLBACK", why) ||
        prep(j, &j->last,
             "SELECT seq, hash FROM events WHERE attempt = ? ORDER BY seq DESC LIMIT 1", why) ||
        prep(j, &j->insert, "INSERT INTO events VALUES(?, ?, ?, ?, ?, ?, ?)", why) ||
        prep(j, &j->submitted, "SELECT 1 FROM events WHERE attempt = ? AND kind = 8 LIMIT 1",
             why) ||
        prep(j, &j->unfinished,
             "SELECT attempt FROM events AS b WHERE kind = 1 AND NOT EXISTS (SELECT 1 FROM "
             "events AS s WHERE s.attempt = b.attempt AND s.kind = 9) AND (SELECT kind FROM "
             "events AS l WHERE l.attempt = b.attempt ORDER BY seq DESC LIMIT 1) NOT IN "
             "(16, 17) ORDER BY rowid DESC LIMIT 1",
             why))
        goto damaged;
    return j;
damaged:
    /* a file that held something and cannot be used as a journal is damaged */
    if (j->damage == JD_NONE && existed) j->damage = JD_UNREADABLE;
fail:
    *damage = j->damage;
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
    if (j->markfd >= 0) close(j->markfd);
    EVP_MAC_CTX_free(j->mac);
    secmem_free(j->key, JOURNAL_KEY);
    free(j);
}
