/* store_sqlite.c -- the SQLite store backend: the file, its schema version, banks, sessions, kiosks, results. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store_int.h"
#include "why.h"

#define STORE_SQLITE_VERSION 4      /* schema written and read by this core */
#define STORE_SQLITE_KEY "kisi-core-schema"
#define Q(n) "?" #n  /* parameter n of the shared SQL (store_int.h) */

/* Results carry the exam's kind and programme (from the bank the core
 * verified them with); sessions do not (store_session_put has only the
 * exam id). So the `exams` table learns each exam's kind and programme from
 * every result stored (kept or evidence), and store_programme_quizzes reads
 * it: a quiz is known to the core once any participant's result of it has
 * arrived. */
static const char STORE_SQLITE_TABLES[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value NOT NULL);"
    "CREATE TABLE banks(id TEXT PRIMARY KEY, bank_path TEXT NOT NULL, pass_path TEXT NOT NULL);"
    "CREATE TABLE sessions(id TEXT PRIMARY KEY, bank_id TEXT NOT NULL, exam_id TEXT NOT NULL,"
    " path TEXT NOT NULL);"
    "CREATE TABLE kiosks(pub TEXT PRIMARY KEY, name TEXT NOT NULL, state TEXT NOT NULL"
    " CHECK (state IN ('pending', 'approved', 'revoked')), enrolled_ms INTEGER NOT NULL);"
    "CREATE TABLE results(id INTEGER PRIMARY KEY, session_id TEXT NOT NULL,"
    " exam_id TEXT NOT NULL, programme TEXT NOT NULL, exam_kind TEXT NOT NULL,"
    " nip TEXT NOT NULL, attempt INTEGER NOT NULL, raw INTEGER NOT NULL,"
    " awarded INTEGER NOT NULL, passed INTEGER NOT NULL, digest TEXT NOT NULL,"
    " json TEXT NOT NULL, sig TEXT NOT NULL, kiosk TEXT NOT NULL, received_ms INTEGER NOT NULL,"
    " UNIQUE (exam_id, nip, attempt));"
    "CREATE INDEX results_session ON results(session_id, nip, attempt);"
    "CREATE INDEX results_passed ON results(nip, exam_id, passed);"
    "CREATE TABLE evidence(id INTEGER PRIMARY KEY, session_id TEXT NOT NULL,"
    " exam_id TEXT NOT NULL, programme TEXT NOT NULL, exam_kind TEXT NOT NULL,"
    " nip TEXT NOT NULL, attempt INTEGER NOT NULL, raw INTEGER NOT NULL,"
    " awarded INTEGER NOT NULL, passed INTEGER NOT NULL, digest TEXT NOT NULL,"
    " json TEXT NOT NULL, sig TEXT NOT NULL, kiosk TEXT NOT NULL, received_ms INTEGER NOT NULL,"
    " UNIQUE (exam_id, nip, attempt, digest));"
    "CREATE TABLE exams(id TEXT PRIMARY KEY, kind TEXT NOT NULL, programme TEXT NOT NULL);"
    "CREATE INDEX exams_programme ON exams(programme, kind);"
    "CREATE TABLE cohorts(id TEXT PRIMARY KEY, definition TEXT NOT NULL);"
    "CREATE TABLE aspects(cohort_id TEXT NOT NULL REFERENCES cohorts(id), nip TEXT NOT NULL,"
    " row_json TEXT NOT NULL, PRIMARY KEY (cohort_id, nip));"
    "CREATE TABLE recaps(cohort_id TEXT NOT NULL REFERENCES cohorts(id), run INTEGER NOT NULL,"
    " created_ms INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (cohort_id, run));";

/* Added by schema 2: what was refused, and results waiting for their kiosk. */
static const char STORE_SQLITE_TABLES_2[] =
    "CREATE TABLE refusals(id INTEGER PRIMARY KEY, kiosk TEXT NOT NULL,"
    " session_id TEXT NOT NULL, exam_id TEXT NOT NULL, nip TEXT NOT NULL,"
    " attempt INTEGER NOT NULL, digest TEXT NOT NULL, code TEXT NOT NULL, reason TEXT NOT NULL,"
    " first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL, times INTEGER NOT NULL,"
    " UNIQUE (digest, code));"
    "CREATE INDEX refusals_session ON refusals(session_id);"
    "CREATE TABLE pending(id INTEGER PRIMARY KEY, kiosk TEXT NOT NULL, session_id TEXT NOT NULL,"
    " exam_id TEXT NOT NULL, nip TEXT NOT NULL, attempt INTEGER NOT NULL, digest TEXT NOT NULL,"
    " json TEXT NOT NULL, sig TEXT NOT NULL, received_ms INTEGER NOT NULL,"
    " UNIQUE (kiosk, digest));";

/* Schema 3: banks and sessions are kept as bytes, no longer as paths of
 * copies beside the store; the paths a store of schema 2 held wait in
 * legacy_files until the core reads them in. The core key's identity. */
static const char STORE_SQLITE_TABLES_3[] =
    "CREATE TABLE legacy_files(kind TEXT NOT NULL, id TEXT NOT NULL, bank_id TEXT NOT NULL,"
    " exam_id TEXT NOT NULL, path TEXT NOT NULL, pass_path TEXT NOT NULL,"
    " PRIMARY KEY (kind, id));"
    "INSERT INTO legacy_files SELECT 'bank', id, '', '', bank_path, pass_path FROM banks;"
    "INSERT INTO legacy_files SELECT 'session', id, bank_id, exam_id, path, '' FROM sessions;"
    "DROP TABLE banks;"
    "DROP TABLE sessions;"
    "CREATE TABLE banks(id TEXT PRIMARY KEY, file BLOB NOT NULL, digest TEXT NOT NULL,"
    " pass_box BLOB NOT NULL);"
    "CREATE TABLE sessions(id TEXT PRIMARY KEY, bank_id TEXT NOT NULL, exam_id TEXT NOT NULL,"
    " file BLOB NOT NULL, digest TEXT NOT NULL);"
    "CREATE TABLE core_key(one INTEGER PRIMARY KEY CHECK (one = 1), key_id TEXT NOT NULL);";

/* Schema 4: the exam room. Each module's tables in a block of its own; an upgrade
 * from 3 makes those missing. */
static const char STORE_SQLITE_TABLES_4[] =
    /* lease (core/lease.c): the seat holding each attempt; options of a session;
     * attempts with two different results, and how the operator resolved them */
    "CREATE TABLE IF NOT EXISTS leases(session_id TEXT NOT NULL, nip TEXT NOT NULL, attempt INTEGER NOT NULL,"
    " kiosk TEXT NOT NULL, seat TEXT NOT NULL, since_ms INTEGER NOT NULL,"
    " PRIMARY KEY (session_id, nip, attempt));"
    "CREATE TABLE IF NOT EXISTS session_opts(session_id TEXT NOT NULL, name TEXT NOT NULL,"
    " value TEXT NOT NULL, PRIMARY KEY (session_id, name));"
    "CREATE TABLE IF NOT EXISTS disputes(exam_id TEXT NOT NULL, nip TEXT NOT NULL, attempt INTEGER NOT NULL,"
    " opened_ms INTEGER NOT NULL, keep_digest TEXT NOT NULL DEFAULT '',"
    " resolved_by TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '',"
    " resolved_ms INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (exam_id, nip, attempt));"
    /* forward.c: results forwarded to an upstream core, with its signed receipt */
    "CREATE TABLE IF NOT EXISTS forwards(digest TEXT NOT NULL, upstream TEXT NOT NULL, receipt TEXT NOT NULL,"
    " forwarded_ms INTEGER NOT NULL, PRIMARY KEY (digest, upstream));"
    /* room log (core/roomlog.c): each kiosk's last state and the commands waiting
     * for it, so that a core restarted has the room as it was, and the room log
     * with the core's and the kiosk's clocks */
    "CREATE TABLE IF NOT EXISTS room_seats(kiosk TEXT PRIMARY KEY, seat TEXT NOT NULL,"
    " session TEXT NOT NULL, seq INTEGER NOT NULL, seen_ms INTEGER NOT NULL,"
    " cmd_seq INTEGER NOT NULL, state TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS room_commands(kiosk TEXT NOT NULL, seq INTEGER NOT NULL,"
    " kind TEXT NOT NULL, json TEXT NOT NULL, queued_ms INTEGER NOT NULL,"
    " PRIMARY KEY (kiosk, seq));"
    "CREATE TABLE IF NOT EXISTS room_log(id INTEGER PRIMARY KEY, session TEXT NOT NULL,"
    " kiosk TEXT NOT NULL, seat TEXT NOT NULL, nip TEXT NOT NULL, core_ms INTEGER NOT NULL,"
    " kiosk_ms INTEGER NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL,"
    " actor TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS room_log_kiosk ON room_log(kiosk, id);"
    "CREATE INDEX IF NOT EXISTS room_log_session ON room_log(session, id);"
    /* rivals kept as evidence by an earlier core are disputes from now on */
    "INSERT OR IGNORE INTO disputes (exam_id, nip, attempt, opened_ms) SELECT exam_id, nip, attempt,"
    " MIN(received_ms) FROM evidence GROUP BY exam_id, nip, attempt;"
    /* replica (core/jstore.c): every journal event of an attempt as a kiosk pushed it */
    "CREATE TABLE IF NOT EXISTS replica(attempt TEXT NOT NULL, seq INTEGER NOT NULL,"
    " session_id TEXT NOT NULL, kind INTEGER NOT NULL, wall_ms INTEGER NOT NULL,"
    " used_ms INTEGER NOT NULL, payload TEXT NOT NULL, hash TEXT NOT NULL,"
    " kiosk TEXT NOT NULL, received_ms INTEGER NOT NULL, PRIMARY KEY (attempt, seq));"
    "CREATE INDEX IF NOT EXISTS replica_session ON replica(session_id);";

/* Copies src into dst (cap bytes); -1 with why when it does not fit. */
static int sqlite_copy(char *dst, size_t cap, const char *src, const char *what, char *why)
{
    size_t n = strlen(src ? src : "");
    if (n >= cap) {
        why_set(why, "%s is longer than %zu bytes", what, cap - 1);
        return -1;
    }
    memcpy(dst, src ? src : "", n + 1);
    return 0;
}

/* Creates the tables of a new file, or checks the schema version of an
 * existing one; 0, or -1 with why. */
static int sqlite_schema(sqlite_store *ss, const char *path, char *why)
{
    char what[WHY_SIZE];
    snprintf(what, sizeof what, "store %.200s", path);
    if (sqlite_begin(ss, true, why)) return -1;
    sqlite_rows r = {0};
    int rc = sqlite_select(ss, &r, what, why,
                           "SELECT COUNT(*), COALESCE(SUM(type = 'table' AND name = 'meta'), 0)"
                           " FROM sqlite_master", "");
    if (!rc && STORE_CELL_NUM(&r, 0, 0) == 0) {
        int e = sqlite3_exec(ss->writer.db, STORE_SQLITE_TABLES, NULL, NULL, NULL);
        if (e == SQLITE_OK) e = sqlite3_exec(ss->writer.db, STORE_SQLITE_TABLES_2, NULL, NULL, NULL);
        if (e == SQLITE_OK) e = sqlite3_exec(ss->writer.db, STORE_SQLITE_TABLES_3, NULL, NULL, NULL);
        if (e == SQLITE_OK) e = sqlite3_exec(ss->writer.db, STORE_SQLITE_TABLES_4, NULL, NULL, NULL);
        rc = e == SQLITE_OK ? sqlite_exec(ss, what, why, "INSERT INTO meta VALUES (?1, ?2)", "ti",
                                          STORE_SQLITE_KEY, STORE_SQLITE_VERSION)
                            : sqlite_fail(ss, e, what, why);
    } else if (!rc) {
        bool meta = STORE_CELL_NUM(&r, 0, 1) > 0;
        sqlite_rows_free(&r);
        if (meta)
            rc = sqlite_select(ss, &r, what, why, "SELECT value FROM meta WHERE key = ?1", "t",
                               STORE_SQLITE_KEY);
        long long v = r.n == 1 ? STORE_CELL_NUM(&r, 0, 0) : 0;
        if (!rc && r.n != 1) {
            why_set(why, "%s is not a Kisi core store (it holds other tables)", what);
            rc = -1;
        } else if (!rc && v > STORE_SQLITE_VERSION) {
            why_set(why, "%s was written by a newer Kisi core (schema %lld; this core reads up "
                           "to %d): upgrade the core", what, v, STORE_SQLITE_VERSION);
            rc = -1;
        } else if (!rc && v < 1) {
            why_set(why, "%s has a damaged schema version", what);
            rc = -1;
        } else if (!rc && v < STORE_SQLITE_VERSION) {
            /* an older store gains the tables of the schemas after its own */
            int e = v < 2 ? sqlite3_exec(ss->writer.db, STORE_SQLITE_TABLES_2, NULL, NULL, NULL)
                          : SQLITE_OK;
            if (e == SQLITE_OK && v < 3)
                e = sqlite3_exec(ss->writer.db, STORE_SQLITE_TABLES_3, NULL, NULL, NULL);
            if (e == SQLITE_OK) e = sqlite3_exec(ss->writer.db, STORE_SQLITE_TABLES_4, NULL, NULL, NULL);
            rc = e == SQLITE_OK ? sqlite_exec(ss, what, why, "UPDATE meta SET value = ?2"
                                              " WHERE key = ?1", "ti", STORE_SQLITE_KEY,
                                              STORE_SQLITE_VERSION)
                                : sqlite_fail(ss, e, what, why);
        }
    }
    sqlite_rows_free(&r);
    return sqlite_end(ss, true, rc, why);
}

/* Frees the handle. */
static void sqlite_close_store(store *s)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_readers_close(ss);
    sqlite_conn_close(&ss->writer);
    pthread_mutex_destroy(&ss->mu);
    pthread_mutex_destroy(&ss->pool_mu);
    pthread_cond_destroy(&ss->pool_cv);
    pthread_mutex_destroy(&ss->q_mu);
    pthread_cond_destroy(&ss->q_cv);
    pthread_cond_destroy(&ss->q_full);
    free(ss);
}

/* Waits for this process's turn to set up the store file at `path`: an
 * exclusive flock(2) on its folder. Returns the folder's descriptor (close
 * it to end the turn), or -1 with why. */
static int store_sqlite_turn(const char *path, char *why)
{
    char dir[sizeof ((sqlite_store *)0)->path];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == dir) dir[1] = 0;
    else *slash = 0;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        why_set(why, "cannot create the store %.200s: %s", path, strerror(errno));
        return -1;
    }
    while (flock(fd, LOCK_EX) != 0) {
        if (errno == EINTR) continue;
        why_set(why, "cannot lock the folder of the store %.200s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* Caller frees with store_close(). */
static store *store_sqlite_open(const char *path, char *why)
{
    if (!path[0]) {
        why_set(why, "no store file given: use sqlite:PATH");
        return NULL;
    }
    sqlite_store *ss = calloc(1, sizeof *ss);
    if (!ss) {
        why_set(why, "out of memory");
        return NULL;
    }
    if (strlen(path) >= sizeof ss->path) {
        why_set(why, "the store path is too long");
        free(ss);
        return NULL;
    }
    /* cores that start at once on one file take turns to switch it to WAL and
     * to write or check its schema: two connections promoting their read
     * locks at once make SQLite answer "busy" at once, without waiting. The
     * turn is a flock(2) on the file's folder: a descriptor of the file itself
     * must never be closed beside SQLite's, which would drop its locks. */
    int turn = store_sqlite_turn(path, why);
    if (turn < 0) {
        free(ss);
        return NULL;
    }
    /* create the file ourselves so it is 0600; SQLite gives its -wal and
     * -shm files the same permissions */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) close(fd);
    else if (errno != EEXIST) {
        why_set(why, "cannot create the store %.200s: %s", path, strerror(errno));
        close(turn);
        free(ss);
        return NULL;
    }
    ss->base.ops = &STORE_SQLITE_OPS;
    snprintf(ss->path, sizeof ss->path, "%s", path);
    pthread_mutex_init(&ss->mu, NULL);
    pthread_mutex_init(&ss->pool_mu, NULL);
    pthread_cond_init(&ss->pool_cv, NULL);
    pthread_mutex_init(&ss->q_mu, NULL);
    pthread_cond_init(&ss->q_cv, NULL);
    pthread_cond_init(&ss->q_full, NULL);
    ss->q_tail = &ss->q_head;
    char what[WHY_SIZE];
    snprintf(what, sizeof what, "store %.200s", path);
    int rc = sqlite_conn_open(&ss->writer, path, true, why);
    if (!rc) {
        /* readers open their own connections: WAL lets them read while the
         * writer commits */
        char *mode = NULL;
        sqlite3_stmt *st = NULL;
        int e = sqlite3_prepare_v2(ss->writer.db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
        if (e == SQLITE_OK && (e = sqlite3_step(st)) == SQLITE_ROW) {
            const unsigned char *m = sqlite3_column_text(st, 0);
            mode = strdup(m ? (const char *)m : "");
            e = SQLITE_OK;
        }
        sqlite3_finalize(st);
        if (e != SQLITE_OK && e != SQLITE_DONE) {
            rc = sqlite_fail(ss, e, what, why);
        } else if (!mode || strcmp(mode, "wal") != 0) {
            why_set(why, "%s: the file system does not allow write-ahead logging", what);
            rc = -1;
        }
        free(mode);
    }
    if (!rc) rc = sqlite_schema(ss, path, why);
    close(turn); /* and with it the turn */
    if (rc != 0) {
        sqlite_close_store(&ss->base);
        return NULL;
    }
    return &ss->base;
}

/* The handle behind s. */
static sqlite_store *sqlite_of(store *s)
{
    return (sqlite_store *)s;
}

/* Copies the bytes of cell (r, c) into *out (malloc'd); -1 with why. */
static int sqlite_blob_take(sqlite_rows *rows, size_t c, store_blob *out, char *why)
{
    out->len = STORE_CELL_SIZE(rows, 0, c);
    out->data = (unsigned char *)STORE_CELL_TEXT(rows, 0, c);
    STORE_CELL_TEXT(rows, 0, c) = NULL; /* now the caller's */
    if (out->data) return 0;
    why_set(why, "the store holds no bytes for this file");
    return -1;
}

/* Ends the write of a bank or session put (rc so far): the file an earlier
 * core kept for it, if any, is forgotten in the same transaction. */
static int sqlite_put_end(sqlite_store *ss, int rc, const char *kind, const char *id, char *why)
{
    if (!rc)
        rc = sqlite_exec(ss, "forgetting the file of an earlier core", why,
                         "DELETE FROM legacy_files WHERE kind = ?1 AND id = ?2", "tt", kind, id);
    return sqlite_end(ss, true, rc, why);
}

static int sqlite_bank_put(store *s, const char *bank_id, const void *bank, size_t bank_len,
                           const char *digest, const void *pass_box, size_t box_len, char *why)
{
    sqlite_store *ss = sqlite_of(s);
    if (sqlite_begin(ss, true, why)) return -1;
    int rc = sqlite_exec(ss, "recording the bank", why,
                         "INSERT INTO banks (id, file, digest, pass_box) VALUES (?1, ?2, ?3, ?4)"
                         " ON CONFLICT (id) DO UPDATE SET file = excluded.file,"
                         " digest = excluded.digest, pass_box = excluded.pass_box",
                         "tbtb", bank_id, bank, bank_len, digest, pass_box, box_len);
    return sqlite_put_end(ss, rc, "bank", bank_id, why);
}

static int sqlite_bank_get(store *s, const char *bank_id, store_blob *bank, char *digest,
                           store_blob *pass_box, char *why)
{
    sqlite_store *ss = sqlite_of(s);
    sqlite_rows r;
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "reading the bank", why,
                           "SELECT file, digest, pass_box FROM banks WHERE id = ?1", "t", bank_id);
    sqlite_end(ss, false, rc, why);
    if (!rc && r.n == 1) {
        rc = sqlite_copy(digest, 65, STORE_CELL_TEXT(&r, 0, 1), "the bank's digest", why) ||
                     sqlite_blob_take(&r, 0, bank, why) || sqlite_blob_take(&r, 2, pass_box, why)
                 ? -1
                 : 1;
    }
    sqlite_rows_free(&r);
    return rc;
}

static int sqlite_legacy_each(store *s, int (*fn)(const store_legacy *l, void *arg), void *arg,
                              char *why)
{
    sqlite_store *ss = sqlite_of(s);
    sqlite_rows r;
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "reading the files of an earlier core", why,
                           "SELECT kind, id, bank_id, exam_id, path, pass_path FROM legacy_files"
                           " ORDER BY kind, id", "");
    sqlite_end(ss, false, rc, why);
    for (size_t i = 0; !rc && i < r.n; i++) {
        store_legacy l = {STORE_CELL_TEXT(&r, i, 0), STORE_CELL_TEXT(&r, i, 1),
                          STORE_CELL_TEXT(&r, i, 2), STORE_CELL_TEXT(&r, i, 3),
                          STORE_CELL_TEXT(&r, i, 4), STORE_CELL_TEXT(&r, i, 5)};
        if ((rc = fn(&l, arg)) != 0) why_set(why, STORE_STOPPED);
    }
    sqlite_rows_free(&r);
    return rc;
}

static int sqlite_sessions_each(store *s,
                                int (*fn)(const char *session_id, const char *exam_id, void *arg),
                                void *arg, char *why)
{
    sqlite_store *ss = sqlite_of(s);
    sqlite_rows r;
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "reading the sessions", why,
                           "SELECT id, exam_id FROM sessions ORDER BY id", "");
    sqlite_end(ss, false, rc, why);
    for (size_t i = 0; !rc && i < r.n; i++)
        if ((rc = fn(STORE_CELL_TEXT(&r, i, 0), STORE_CELL_TEXT(&r, i, 1), arg)) != 0)
            why_set(why, STORE_STOPPED);
    sqlite_rows_free(&r);
    return rc;
}

static int sqlite_key_claim(store *s, const char *mine, char *recorded, char *why)
{
    sqlite_store *ss = sqlite_of(s);
    sqlite_rows r = {0};
    if (sqlite_begin(ss, true, why)) return -1;
    int rc = sqlite_exec(ss, "recording the core key", why,
                         "INSERT INTO core_key (one, key_id) VALUES (1, ?1)"
                         " ON CONFLICT (one) DO NOTHING", "t", mine);
    if (!rc)
        rc = sqlite_select(ss, &r, "reading the core key", why,
                           "SELECT key_id FROM core_key WHERE one = 1", "");
    if (!rc && r.n != 1) {
        why_set(why, "the store has no core key recorded");
        rc = -1;
    }
    if (!rc) rc = sqlite_copy(recorded, 65, STORE_CELL_TEXT(&r, 0, 0), "the core key's identity", why);
    sqlite_rows_free(&r);
    return sqlite_end(ss, true, rc, why);
}

/* Records an exam's kind and programme inside the caller's transaction. */
static int note_exam(sqlite_store *ss, const char *exam_id, const char *kind,
                     const char *programme, char *why)
{
    return sqlite_exec(ss, "recording the exam", why,
                       "INSERT INTO exams (id, kind, programme) VALUES (?1, ?2, ?3)"
                       " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind,"
                       " programme = excluded.programme"
                       " WHERE kind <> excluded.kind OR programme <> excluded.programme",
                       "ttt", exam_id, kind, programme);
}

static int sqlite_exam_note(store *s, const char *exam_id, const char *kind,
                            const char *programme, char *why)
{
    sqlite_store *ss = sqlite_of(s);
    if (sqlite_begin(ss, true, why)) return -1;
    return sqlite_end(ss, true, note_exam(ss, exam_id, kind, programme, why), why);
}

static int sqlite_session_put(store *s, const char *session_id, const char *bank_id,
                              const char *exam_id, const void *file, size_t len,
                              const char *digest, char *why)
{
    sqlite_store *ss = sqlite_of(s);
    if (sqlite_begin(ss, true, why)) return -1;
    int rc = sqlite_exec(ss, "recording the session", why,
                         "INSERT INTO sessions (id, bank_id, exam_id, file, digest)"
                         " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET"
                         " bank_id = excluded.bank_id, exam_id = excluded.exam_id,"
                         " file = excluded.file, digest = excluded.digest",
                         "tttbt", session_id, bank_id, exam_id, file, len, digest);
    return sqlite_put_end(ss, rc, "session", session_id, why);
}

static int sqlite_session_get(store *s, const char *session_id, char *bank_id, char *exam_id,
                              store_blob *file, char *digest, char *why)
{
    sqlite_store *ss = sqlite_of(s);
    sqlite_rows r;
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "reading the session", why,
                           "SELECT bank_id, exam_id, digest, file FROM sessions WHERE id = ?1",
                           "t", session_id);
    sqlite_end(ss, false, rc, why);
    if (!rc && r.n == 1)
        rc = sqlite_copy(bank_id, 33, STORE_CELL_TEXT(&r, 0, 0), "the bank id", why) ||
                     sqlite_copy(exam_id, 65, STORE_CELL_TEXT(&r, 0, 1), "the exam id", why) ||
                     sqlite_copy(digest, 65, STORE_CELL_TEXT(&r, 0, 2), "the session's digest", why) ||
                     sqlite_blob_take(&r, 3, file, why)
                 ? -1
                 : 1;
    sqlite_rows_free(&r);
    return rc;
}

/* A key already known keeps its name, state and enrolment time: a revoked
 * kiosk cannot enrol itself back to pending. */
static int sqlite_kiosk_enrol(store *s, const char *pub, const char *name, int64_t now_ms,
                              char *why)
{
    sqlite_store *ss = sqlite_of(s);
    if (sqlite_begin(ss, true, why)) return -1;
    int rc = sqlite_exec(ss, "enrolling the kiosk", why,
                         "INSERT INTO kiosks (pub, name, state, enrolled_ms)"
                         " VALUES (?1, ?2, 'pending', ?3) ON CONFLICT (pub) DO NOTHING",
                         "ttl", pub, name, now_ms);
    return sqlite_end(ss, true, rc, why);
}

static int sqlite_kiosk_state(store *s, const char *pub, char *state, char *why)
{
    sqlite_store *ss = sqlite_of(s);
    sqlite_rows r;
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "reading the kiosk", why,
                           "SELECT state FROM kiosks WHERE pub = ?1", "t", pub);
    sqlite_end(ss, false, rc, why);
    if (!rc && r.n == 1) rc = sqlite_copy(state, 16, STORE_CELL_TEXT(&r, 0, 0), "the kiosk state", why) ? -1 : 1;
    sqlite_rows_free(&r);
    return rc;
}

static int sqlite_kiosk_set(store *s, const char *prefix, const char *state, char *why)
{
    sqlite_store *ss = sqlite_of(s);
    if (sqlite_begin(ss, true, why)) return -1;
    sqlite_rows r;
    int rc = sqlite_select(ss, &r, "finding the kiosk", why,
                           "SELECT pub FROM kiosks WHERE substr(pub, 1, length(?1)) = ?1", "t",
                           prefix);
    if (!rc && r.n == 0) {
        why_set(why, "no kiosk has a key starting with %s", prefix);
        rc = -1;
    } else if (!rc && r.n > 1) {
        why_set(why, "%zu kiosk keys start with %s (ambiguous): give more digits", r.n, prefix);
        rc = -1;
    } else if (!rc) {
        rc = sqlite_exec(ss, "setting the kiosk state", why,
                         "UPDATE kiosks SET state = ?2 WHERE pub = ?1", "tt",
                         STORE_CELL_TEXT(&r, 0, 0), state);
    }
    sqlite_rows_free(&r);
    return sqlite_end(ss, true, rc, why);
}

static int sqlite_kiosk_each(store *s,
                             int (*fn)(const char *pub, const char *name, const char *state,
                                       int64_t enrolled_ms, void *arg),
                             void *arg, char *why)
{
    sqlite_store *ss = sqlite_of(s);
    sqlite_rows r;
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "listing the kiosks", why,
                           "SELECT pub, name, state, enrolled_ms FROM kiosks"
                           " ORDER BY enrolled_ms, pub", "");
    sqlite_end(ss, false, rc, why);
    for (size_t i = 0; !rc && i < r.n; i++)
        if ((rc = fn(STORE_CELL_TEXT(&r, i, 0), STORE_CELL_TEXT(&r, i, 1), STORE_CELL_TEXT(&r, i, 2),
                     STORE_CELL_NUM(&r, i, 3), arg)) != 0)
            why_set(why, STORE_STOPPED);
    sqlite_rows_free(&r);
    return rc;
}

/* Runs `sql`, an INSERT of the 14 result columns (into results, or into
 * evidence where a copy already held is skipped), with the values of r. */
static int sqlite_insert_result(sqlite_store *ss, const char *sql, const store_result *r,
                                char *why)
{
    return sqlite_exec(ss, "storing the result", why, sql, "tttttiiiittttl", r->session_id,
                       r->exam_id, r->programme, r->exam_kind, r->nip, r->attempt, r->raw,
                       r->awarded, (int)r->passed, r->digest, r->json, r->sig, r->kiosk,
                       r->received_ms);
}

/* Stores one result inside a grouped write (see sqlite_result_put). */
static int put_result(sqlite_store *ss, const void *arg, char *why)
{
    const store_result *r = arg;
    sqlite_rows held, used = {0};
    int rc = sqlite_select(ss, &held, "storing the result", why,
                           "SELECT digest FROM results WHERE exam_id = ?1 AND nip = ?2"
                           " AND attempt = ?3", "tti", r->exam_id, r->nip, r->attempt);
    /* the attempt limit is checked here, in the transaction that stores:
     * two uploads at once cannot both take the last attempt */
    if (!rc && held.n == 0 && r->max_attempts > 0)
        rc = sqlite_select(ss, &used, "counting attempts", why,
                           "SELECT COUNT(*), COALESCE(MAX(attempt), 0) FROM results"
                           " WHERE exam_id = ?1 AND nip = ?2", "tt", r->exam_id, r->nip);
    if (!rc && held.n == 0 && r->max_attempts > 0 &&
        store_beyond_limit(r, STORE_CELL_NUM(&used, 0, 0), STORE_CELL_NUM(&used, 0, 1)))
        rc = STORE_TOO_MANY;
    /* the exam's kind and programme, written when they are new or changed:
     * a repeated upload writes nothing */
    if (!rc && held.n == 0 && r->exam_kind[0])
        rc = note_exam(ss, r->exam_id, r->exam_kind, r->programme, why);
    if (!rc && held.n == 0)
        rc = sqlite_insert_result(ss, "INSERT INTO results (" STORE_SQLITE_RESULT_COLS ") VALUES"
                                      " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                                  r, why) ? -1 : STORE_NEW;
    else if (!rc && strcmp(STORE_CELL_TEXT(&held, 0, 0), r->digest) == 0)
        rc = STORE_SAME;
    else if (!rc)  /* kept as evidence; the attempt disputed until the operator chooses */
        rc = sqlite_insert_result(ss, "INSERT INTO evidence (" STORE_SQLITE_RESULT_COLS ") VALUES"
                                      " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
                                      " ON CONFLICT (exam_id, nip, attempt, digest) DO NOTHING",
                                  r, why) ||
                     sqlite_exec(ss, "opening the dispute", why, STORE_SQL_DISPUTE_OPEN(Q), "ttil",
                                 r->exam_id, r->nip, r->attempt, r->received_ms)
                 ? -1
                 : STORE_CONFLICT;
    sqlite_rows_free(&held);
    sqlite_rows_free(&used);
    return rc;
}

/* Results arriving together share one commit: many kiosks upload at the
 * end of a sitting, and the sync of the file is the slow part. */
static int sqlite_result_put(store *s, const store_result *r, char *why)
{
    sqlite_store *ss = sqlite_of(s);
    /* a result already held as it is (a retried upload) is answered from a
     * reading connection, without waiting for a write */
    sqlite_rows held;
    int rc = sqlite_begin(ss, false, why);
    if (!rc)
        rc = sqlite_select(ss, &held, "storing the result", why,
                           "SELECT 1 FROM results WHERE exam_id = ?1 AND nip = ?2"
                           " AND attempt = ?3 AND digest = ?4",
                           "ttit", r->exam_id, r->nip, r->attempt, r->digest);
    rc = sqlite_end(ss, false, rc, why);
    bool same = !rc && held.n == 1;
    sqlite_rows_free(&held);
    if (rc) return -1;
    return same ? STORE_SAME : sqlite_write_grouped(ss, put_result, r, why);
}

const struct store_ops STORE_SQLITE_OPS = {
    .name = "sqlite",
    .open = store_sqlite_open,
    .close = sqlite_close_store,
    .bank_put = sqlite_bank_put,
    .bank_get = sqlite_bank_get,
    .session_put = sqlite_session_put,
    .exam_note = sqlite_exam_note,
    .session_get = sqlite_session_get,
    .legacy_each = sqlite_legacy_each,
    .sessions_each = sqlite_sessions_each,
    .key_claim = sqlite_key_claim,
    .kiosk_enrol = sqlite_kiosk_enrol,
    .kiosk_state = sqlite_kiosk_state,
    .kiosk_set = sqlite_kiosk_set,
    .kiosk_expire = sqlite_kiosk_expire,
    .kiosk_each = sqlite_kiosk_each,
    .result_put = sqlite_result_put,
    .attempts = sqlite_attempts,
    .quizzes_passed = sqlite_quizzes_passed,
    .programme_quizzes = sqlite_programme_quizzes,
    .history = sqlite_history,
    .results_of_session = sqlite_results_of_session,
    .results_of_exam = sqlite_results_of_exam,
    .best = sqlite_best,
    .cohort_put = sqlite_cohort_put,
    .cohort_get = sqlite_cohort_get,
    .aspects_put = sqlite_aspects_put,
    .aspects_each = sqlite_aspects_each,
    .refusal_put = sqlite_refusal_put,
    .pending_put = sqlite_pending_put,
    .pending_each = sqlite_pending_each,
    .pending_drop = sqlite_pending_drop,
    .pending_refuse = sqlite_pending_refuse,
    .uploads_each = sqlite_uploads_each,
    .recap_add = sqlite_recap_add,
    .recap_get = sqlite_recap_get,
    .lease_take = sqlite_lease_take,
    .lease_get = sqlite_lease_get,
    .lease_drop = sqlite_lease_drop,
    .lease_move = sqlite_lease_move,
    .session_opt_set = sqlite_session_opt_set,
    .session_opt_get = sqlite_session_opt_get,
    .session_each = sqlite_session_each,
    .forward_each = sqlite_forward_each,
    .forward_mark = sqlite_forward_mark,
    .forward_count = sqlite_forward_count,
    .dispute_each = sqlite_dispute_each,
    .dispute_records = sqlite_dispute_records,
    .dispute_resolve = sqlite_dispute_resolve,
    .replica_put = sqlite_replica_put,
    .replica_get = sqlite_replica_get,
    .room_write = sqlite_room_write,
    .room_load = sqlite_room_load,
    .room_log_each = sqlite_room_log_each,
};
