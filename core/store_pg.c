/* store_pg.c -- the PostgreSQL store backend: the schema and its version, banks, sessions, kiosks, results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store_int.h"
#include "why.h"

#define STORE_PG_VERSION 4 /* schema written and read by this core */
#define STORE_PG_KEY "kisi-core-schema"
#define D(n) "$" #n  /* parameter n of the shared SQL (store_int.h) */

/* The tables of store_sqlite.c. Keys and the columns results are ordered
 * by compare byte by byte (COLLATE "C"), as SQLite does, whatever the
 * database's locale. Run one by one, each an idempotent statement. */
static const char *const STORE_PG_TABLES[] = {
    "CREATE TABLE IF NOT EXISTS meta(key TEXT COLLATE \"C\" PRIMARY KEY, value BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS banks(id TEXT COLLATE \"C\" PRIMARY KEY,"
    " bank_path TEXT NOT NULL, pass_path TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sessions(id TEXT COLLATE \"C\" PRIMARY KEY,"
    " bank_id TEXT NOT NULL, exam_id TEXT NOT NULL, path TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS kiosks(pub TEXT COLLATE \"C\" PRIMARY KEY, name TEXT NOT NULL,"
    " state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'revoked')),"
    " enrolled_ms BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS results(id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " session_id TEXT COLLATE \"C\" NOT NULL, exam_id TEXT COLLATE \"C\" NOT NULL,"
    " programme TEXT NOT NULL, exam_kind TEXT NOT NULL, nip TEXT COLLATE \"C\" NOT NULL,"
    " attempt INTEGER NOT NULL, raw INTEGER NOT NULL, awarded INTEGER NOT NULL,"
    " passed INTEGER NOT NULL, digest TEXT NOT NULL, json TEXT NOT NULL, sig TEXT NOT NULL,"
    " kiosk TEXT NOT NULL, received_ms BIGINT NOT NULL, UNIQUE (exam_id, nip, attempt))",
    "CREATE INDEX IF NOT EXISTS results_session ON results(session_id, nip, attempt)",
    "CREATE INDEX IF NOT EXISTS results_passed ON results(nip, exam_id, passed)",
    "CREATE TABLE IF NOT EXISTS evidence(id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " session_id TEXT COLLATE \"C\" NOT NULL, exam_id TEXT COLLATE \"C\" NOT NULL,"
    " programme TEXT NOT NULL, exam_kind TEXT NOT NULL, nip TEXT COLLATE \"C\" NOT NULL,"
    " attempt INTEGER NOT NULL, raw INTEGER NOT NULL, awarded INTEGER NOT NULL,"
    " passed INTEGER NOT NULL, digest TEXT NOT NULL, json TEXT NOT NULL, sig TEXT NOT NULL,"
    " kiosk TEXT NOT NULL, received_ms BIGINT NOT NULL, UNIQUE (exam_id, nip, attempt, digest))",
    "CREATE TABLE IF NOT EXISTS exams(id TEXT COLLATE \"C\" PRIMARY KEY, kind TEXT NOT NULL,"
    " programme TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS exams_programme ON exams(programme, kind)",
    "CREATE TABLE IF NOT EXISTS cohorts(id TEXT COLLATE \"C\" PRIMARY KEY,"
    " definition TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS aspects(cohort_id TEXT COLLATE \"C\" NOT NULL"
    " REFERENCES cohorts(id), nip TEXT COLLATE \"C\" NOT NULL, row_json TEXT NOT NULL,"
    " PRIMARY KEY (cohort_id, nip))",
    "CREATE TABLE IF NOT EXISTS recaps(cohort_id TEXT COLLATE \"C\" NOT NULL"
    " REFERENCES cohorts(id), run INTEGER NOT NULL, created_ms BIGINT NOT NULL,"
    " json TEXT NOT NULL, PRIMARY KEY (cohort_id, run))",
};

/* Added by schema 2: what was refused, and results waiting for their kiosk. */
static const char *const STORE_PG_TABLES_2[] = {
    "CREATE TABLE IF NOT EXISTS refusals(id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " kiosk TEXT COLLATE \"C\" NOT NULL, session_id TEXT COLLATE \"C\" NOT NULL,"
    " exam_id TEXT COLLATE \"C\" NOT NULL, nip TEXT COLLATE \"C\" NOT NULL,"
    " attempt INTEGER NOT NULL, digest TEXT COLLATE \"C\" NOT NULL, code TEXT NOT NULL,"
    " reason TEXT NOT NULL, first_ms BIGINT NOT NULL, last_ms BIGINT NOT NULL,"
    " times INTEGER NOT NULL, UNIQUE (digest, code))",
    "CREATE INDEX IF NOT EXISTS refusals_session ON refusals(session_id)",
    "CREATE TABLE IF NOT EXISTS pending(id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " kiosk TEXT COLLATE \"C\" NOT NULL, session_id TEXT COLLATE \"C\" NOT NULL,"
    " exam_id TEXT COLLATE \"C\" NOT NULL, nip TEXT COLLATE \"C\" NOT NULL,"
    " attempt INTEGER NOT NULL, digest TEXT COLLATE \"C\" NOT NULL, json TEXT NOT NULL,"
    " sig TEXT NOT NULL, received_ms BIGINT NOT NULL, UNIQUE (kiosk, digest))",
};

/* Schema 3 (store_sqlite.c says why): banks and sessions as bytes; the
 * paths of schema 2 wait in legacy_files. Run in the schema transaction
 * of a store older than 3. */
static const char *const STORE_PG_TABLES_3[] = {
    "CREATE TABLE legacy_files(kind TEXT COLLATE \"C\" NOT NULL, id TEXT COLLATE \"C\" NOT NULL,"
    " bank_id TEXT NOT NULL, exam_id TEXT NOT NULL, path TEXT NOT NULL, pass_path TEXT NOT NULL,"
    " PRIMARY KEY (kind, id))",
    "INSERT INTO legacy_files SELECT 'bank', id, '', '', bank_path, pass_path FROM banks",
    "INSERT INTO legacy_files SELECT 'session', id, bank_id, exam_id, path, '' FROM sessions",
    "DROP TABLE banks",
    "DROP TABLE sessions",
    "CREATE TABLE banks(id TEXT COLLATE \"C\" PRIMARY KEY, file BYTEA NOT NULL,"
    " digest TEXT NOT NULL, pass_box BYTEA NOT NULL)",
    "CREATE TABLE sessions(id TEXT COLLATE \"C\" PRIMARY KEY, bank_id TEXT NOT NULL,"
    " exam_id TEXT NOT NULL, file BYTEA NOT NULL, digest TEXT NOT NULL)",
    "CREATE TABLE core_key(one INTEGER PRIMARY KEY CHECK (one = 1), key_id TEXT NOT NULL)",
};

/* Schema 4: the exam room (issue 11). Each module's tables in a block of its own. */
static const char *const STORE_PG_TABLES_4[] = {
    /* lease (core/lease.c): the seat holding each attempt; options of a session;
     * attempts with two different results, and how the operator resolved them */
    "CREATE TABLE IF NOT EXISTS leases(session_id TEXT COLLATE \"C\" NOT NULL,"
    " nip TEXT COLLATE \"C\" NOT NULL, attempt INTEGER NOT NULL, kiosk TEXT NOT NULL,"
    " seat TEXT NOT NULL, since_ms BIGINT NOT NULL, PRIMARY KEY (session_id, nip, attempt))",
    "CREATE TABLE IF NOT EXISTS session_opts(session_id TEXT COLLATE \"C\" NOT NULL,"
    " name TEXT COLLATE \"C\" NOT NULL, value TEXT NOT NULL, PRIMARY KEY (session_id, name))",
    "CREATE TABLE IF NOT EXISTS disputes(exam_id TEXT COLLATE \"C\" NOT NULL,"
    " nip TEXT COLLATE \"C\" NOT NULL, attempt INTEGER NOT NULL, opened_ms BIGINT NOT NULL,"
    " keep_digest TEXT NOT NULL DEFAULT '', resolved_by TEXT NOT NULL DEFAULT '',"
    " reason TEXT NOT NULL DEFAULT '', resolved_ms BIGINT NOT NULL DEFAULT 0,"
    " PRIMARY KEY (exam_id, nip, attempt))",
    /* forward.c: results forwarded to an upstream core, with its signed receipt */
    "CREATE TABLE IF NOT EXISTS forwards(digest TEXT COLLATE \"C\" NOT NULL,"
    " upstream TEXT COLLATE \"C\" NOT NULL, receipt TEXT NOT NULL, forwarded_ms BIGINT NOT NULL,"
    " PRIMARY KEY (digest, upstream))",
    /* room log (core/roomlog.c, store_sqlite.c says why): the exam room's seats,
     * waiting commands and log */
    "CREATE TABLE IF NOT EXISTS room_seats(kiosk TEXT COLLATE \"C\" PRIMARY KEY,"
    " seat TEXT COLLATE \"C\" NOT NULL, session TEXT COLLATE \"C\" NOT NULL,"
    " seq BIGINT NOT NULL, seen_ms BIGINT NOT NULL, cmd_seq BIGINT NOT NULL,"
    " state TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS room_commands(kiosk TEXT COLLATE \"C\" NOT NULL,"
    " seq BIGINT NOT NULL, kind TEXT NOT NULL, json TEXT NOT NULL, queued_ms BIGINT NOT NULL,"
    " PRIMARY KEY (kiosk, seq))",
    "CREATE TABLE IF NOT EXISTS room_log(id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " session TEXT COLLATE \"C\" NOT NULL, kiosk TEXT COLLATE \"C\" NOT NULL,"
    " seat TEXT COLLATE \"C\" NOT NULL, nip TEXT COLLATE \"C\" NOT NULL,"
    " core_ms BIGINT NOT NULL, kiosk_ms BIGINT NOT NULL, kind TEXT NOT NULL,"
    " detail TEXT NOT NULL, actor TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS room_log_kiosk ON room_log(kiosk, id)",
    "CREATE INDEX IF NOT EXISTS room_log_session ON room_log(session, id)",
    /* rivals kept as evidence by an earlier core are disputes from now on */
    "INSERT INTO disputes (exam_id, nip, attempt, opened_ms) SELECT exam_id, nip, attempt,"
    " MIN(received_ms) FROM evidence GROUP BY exam_id, nip, attempt ON CONFLICT DO NOTHING",
    /* replica (core/jstore.c): every journal event of an attempt as a kiosk pushed it */
    "CREATE TABLE IF NOT EXISTS replica(attempt TEXT COLLATE \"C\" NOT NULL,"
    " seq BIGINT NOT NULL, session_id TEXT COLLATE \"C\" NOT NULL, kind INTEGER NOT NULL,"
    " wall_ms BIGINT NOT NULL, used_ms BIGINT NOT NULL, payload TEXT NOT NULL,"
    " hash TEXT NOT NULL, kiosk TEXT NOT NULL, received_ms BIGINT NOT NULL,"
    " PRIMARY KEY (attempt, seq))",
    "CREATE INDEX IF NOT EXISTS replica_session ON replica(session_id)",
};

/* The handle behind s. */
static pg_store *pg_of(store *s)
{
    return (pg_store *)s;
}

/* Checks the version of a store already there, in the schema transaction:
 * 0 for an empty schema (to be created), else the version found (below
 * STORE_PG_VERSION: to be upgraded); -1 with why for a store this core
 * cannot read. */
static int pg_schema_check(pg_tx *tx, char *why)
{
    const char *what = tx->ps->label;
    PGresult *r = pg_run(tx, what, why,
                         "SELECT COUNT(*), COUNT(*) FILTER (WHERE tablename = 'meta')"
                         " FROM pg_tables WHERE schemaname = current_schema()", "");
    if (!r) return -1;
    long long tables = pg_num(r, 0, 0), meta = pg_num(r, 0, 1);
    PQclear(r);
    if (tables == 0) return 0;
    r = meta ? pg_run(tx, what, why, "SELECT value FROM meta WHERE key = $1", "t", STORE_PG_KEY)
             : NULL;
    if (meta && !r) return -1;
    long long v = r && PQntuples(r) == 1 ? pg_num(r, 0, 0) : 0;
    int rc = -1;
    if (!r || PQntuples(r) != 1)
        why_set(why, "%s is not a Kisi core store (it holds other tables)", what);
    else if (v > STORE_PG_VERSION)
        why_set(why, "%s was written by a newer Kisi core (schema %lld; this core reads up "
                       "to %d): upgrade the core", what, v, STORE_PG_VERSION);
    else if (v < 1)
        why_set(why, "%s has a damaged schema version", what);
    else
        rc = (int)v;
    PQclear(r);
    return rc;
}

/* Creates the tables on first use or checks the schema version, under a
 * transaction-wide advisory lock: several cores starting at once on a new
 * database create it once. A store already there is only read (creating
 * an index, even one that exists, would hold up the writes of other
 * cores). 0, or -1 with why. */
static int pg_schema(pg_store *ps, char *why)
{
    pg_tx tx;
    if (pg_begin(ps, true, &tx, why)) return -1;
    int rc = pg_done(pg_run(&tx, ps->label, why,
                            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", "t",
                            STORE_PG_KEY));
    int v = rc ? -1 : pg_schema_check(&tx, why);
    rc = v < 0 ? -1 : 0;
    /* each step brings a store of the versions before it up to its own */
    static const struct {
        int below;
        const char *const *sql;
        size_t n;
    } steps[] = {
        {1, STORE_PG_TABLES, sizeof STORE_PG_TABLES / sizeof STORE_PG_TABLES[0]},
        {2, STORE_PG_TABLES_2, sizeof STORE_PG_TABLES_2 / sizeof STORE_PG_TABLES_2[0]},
        {3, STORE_PG_TABLES_3, sizeof STORE_PG_TABLES_3 / sizeof STORE_PG_TABLES_3[0]},
        {4, STORE_PG_TABLES_4, sizeof STORE_PG_TABLES_4 / sizeof STORE_PG_TABLES_4[0]},
    };
    for (size_t k = 0; !rc && k < sizeof steps / sizeof steps[0]; k++)
        for (size_t i = 0; !rc && v < steps[k].below && i < steps[k].n; i++)
            if (pg_done(pg_run(&tx, ps->label, why, steps[k].sql[i], ""))) rc = -1;
    if (!rc && v < STORE_PG_VERSION)
        rc = pg_done(pg_run(&tx, ps->label, why,
                            "INSERT INTO meta (key, value) VALUES ($1, $2)"
                            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            "ti", STORE_PG_KEY, STORE_PG_VERSION));
    return pg_end(&tx, rc, why);
}

/* Frees the handle and closes its connections. */
static void pg_close_store(store *s)
{
    pg_store *ps = pg_of(s);
    pg_pool_free(ps);
    free(ps);
}

/* Caller frees with store_close(). */
static store *store_pg_open(const char *url, char *why)
{
    pg_store *ps = calloc(1, sizeof *ps);
    if (!ps) {
        why_set(why, "out of memory");
        return NULL;
    }
    ps->base.ops = &STORE_PG_OPS;
    if (pg_pool_init(ps, url, why) != 0 || pg_schema(ps, why) != 0) {
        pg_close_store(&ps->base);
        return NULL;
    }
    return &ps->base;
}

/* Copies src into dst (cap bytes); -1 with why when it does not fit. */
static int pg_copy(char *dst, size_t cap, const char *src, const char *what, char *why)
{
    if ((size_t)snprintf(dst, cap, "%s", src) < cap) return 0;
    why_set(why, "%s is longer than %zu bytes", what, cap - 1);
    return -1;
}

/* Reads one row of `ncol` text cells into outs (cap bytes each, named by
 * names for errors); 1 found, 0 none, -1 with why. */
static int pg_read_row(store *s, const char *what, char *why, const char *sql, const char *key,
                       size_t ncol, char *const *outs, const char *const *names, size_t cap)
{
    PGresult *res = pg_once(pg_of(s), what, why, sql, "t", key);
    int rc = !res ? -1 : PQntuples(res) == 1;
    for (size_t i = 0; rc == 1 && i < ncol; i++)
        if (pg_copy(outs[i], cap, PQgetvalue(res, 0, (int)i), names[i], why)) rc = -1;
    PQclear(res);
    return rc;
}

/* A bank or session put is one statement that also forgets the file an
 * earlier core kept for it: `kind` and the id ($1) name it. */
#define PG_FORGET(kind) "WITH f AS (DELETE FROM legacy_files WHERE kind = '" kind "' AND id = $1) "

static int pg_bank_put(store *s, const char *bank_id, const void *bank, size_t bank_len,
                       const char *digest, const void *pass_box, size_t box_len, char *why)
{
    return pg_done(pg_once(pg_of(s), "recording the bank", why,
                           PG_FORGET("bank") "INSERT INTO banks (id, file, digest, pass_box)"
                           " VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET"
                           " file = excluded.file, digest = excluded.digest,"
                           " pass_box = excluded.pass_box",
                           "tbtb", bank_id, bank, bank_len, digest, pass_box, box_len));
}

/* Copies cell (0, col) of a binary result into *out (malloc'd); -1 with why. */
static int pg_blob_take(PGresult *res, int col, store_blob *out, char *why)
{
    size_t n = (size_t)PQgetlength(res, 0, col);
    out->data = malloc(n + 1);
    if (!out->data) {
        why_set(why, "out of memory");
        return -1;
    }
    memcpy(out->data, PQgetvalue(res, 0, col), n);
    out->data[n] = 0;
    out->len = n;
    return 0;
}

/* Runs the one-row query sql with the text parameter key, its results in
 * binary (bytea as bytes, text as text); 1 found, 0 none, NULL res on error. */
static PGresult *pg_read_binary(store *s, const char *what, char *why, const char *sql,
                                const char *key)
{
    pg_tx tx;
    if (pg_begin(pg_of(s), false, &tx, why)) return NULL;
    tx.binary = true;
    PGresult *res = pg_run(&tx, what, why, sql, "t", key);
    pg_end(&tx, 0, why);
    return res;
}

static int pg_bank_get(store *s, const char *bank_id, store_blob *bank, char *digest,
                       store_blob *pass_box, char *why)
{
    PGresult *res = pg_read_binary(s, "reading the bank", why,
                                   "SELECT file, digest, pass_box FROM banks WHERE id = $1",
                                   bank_id);
    int rc = !res ? -1 : PQntuples(res) == 1;
    if (rc == 1 && (pg_copy(digest, 65, PQgetvalue(res, 0, 1), "the bank's digest", why) ||
                    pg_blob_take(res, 0, bank, why) || pg_blob_take(res, 2, pass_box, why)))
        rc = -1;
    PQclear(res);
    return rc;
}

static int pg_legacy_each(store *s, int (*fn)(const store_legacy *l, void *arg), void *arg,
                          char *why)
{
    PGresult *res = pg_once(pg_of(s), "reading the files of an earlier core", why,
                            "SELECT kind, id, bank_id, exam_id, path, pass_path FROM legacy_files"
                            " ORDER BY kind, id", "");
    int rc = res ? 0 : -1;
    for (int i = 0; !rc && i < PQntuples(res); i++) {
        store_legacy l = {PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
                          PQgetvalue(res, i, 3), PQgetvalue(res, i, 4), PQgetvalue(res, i, 5)};
        if ((rc = fn(&l, arg)) != 0) why_set(why, STORE_STOPPED);
    }
    PQclear(res);
    return rc;
}

static int pg_sessions_each(store *s,
                            int (*fn)(const char *session_id, const char *exam_id, void *arg),
                            void *arg, char *why)
{
    PGresult *res = pg_once(pg_of(s), "reading the sessions", why,
                            "SELECT id, exam_id FROM sessions ORDER BY id", "");
    int rc = res ? 0 : -1;
    for (int i = 0; !rc && i < PQntuples(res); i++)
        if ((rc = fn(PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), arg)) != 0)
            why_set(why, STORE_STOPPED);
    PQclear(res);
    return rc;
}

/* One statement: records mine when no key is recorded, and reads the one recorded. */
static int pg_key_claim(store *s, const char *mine, char *recorded, char *why)
{
    pg_tx tx;
    if (pg_begin(pg_of(s), true, &tx, why)) return -1;
    int rc = pg_done(pg_run(&tx, "recording the core key", why,
                            "INSERT INTO core_key (one, key_id) VALUES (1, $1)"
                            " ON CONFLICT (one) DO NOTHING", "t", mine));
    PGresult *res = rc ? NULL : pg_run(&tx, "reading the core key", why,
                                       "SELECT key_id FROM core_key WHERE one = 1", "");
    if (res && PQntuples(res) != 1) why_set(why, "the store has no core key recorded");
    rc = !res || PQntuples(res) != 1 ? -1
         : pg_copy(recorded, 65, PQgetvalue(res, 0, 0), "the core key's identity", why);
    PQclear(res);
    return pg_end(&tx, rc, why);
}

/* Records an exam's kind and programme (rewritten only when they change). */
static const char PG_NOTE_EXAM[] =
    "INSERT INTO exams (id, kind, programme) VALUES ($1, $2, $3)"
    " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, programme = excluded.programme"
    " WHERE exams.kind <> excluded.kind OR exams.programme <> excluded.programme";

static int pg_exam_note(store *s, const char *exam_id, const char *kind, const char *programme,
                        char *why)
{
    return pg_done(pg_once(pg_of(s), "recording the exam", why, PG_NOTE_EXAM, "ttt", exam_id, kind,
                           programme));
}

static int pg_session_put(store *s, const char *session_id, const char *bank_id,
                          const char *exam_id, const void *file, size_t len, const char *digest,
                          char *why)
{
    return pg_done(pg_once(pg_of(s), "recording the session", why,
                           PG_FORGET("session") "INSERT INTO sessions (id, bank_id, exam_id, file,"
                           " digest) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET"
                           " bank_id = excluded.bank_id, exam_id = excluded.exam_id,"
                           " file = excluded.file, digest = excluded.digest",
                           "tttbt", session_id, bank_id, exam_id, file, len, digest));
}

static int pg_session_get(store *s, const char *session_id, char *bank_id, char *exam_id,
                          store_blob *file, char *digest, char *why)
{
    PGresult *res = pg_read_binary(s, "reading the session", why,
                                   "SELECT bank_id, exam_id, digest, file FROM sessions"
                                   " WHERE id = $1", session_id);
    int rc = !res ? -1 : PQntuples(res) == 1;
    if (rc == 1 && (pg_copy(bank_id, 33, PQgetvalue(res, 0, 0), "the bank id", why) ||
                    pg_copy(exam_id, 65, PQgetvalue(res, 0, 1), "the exam id", why) ||
                    pg_copy(digest, 65, PQgetvalue(res, 0, 2), "the session's digest", why) ||
                    pg_blob_take(res, 3, file, why)))
        rc = -1;
    PQclear(res);
    return rc;
}

/* A key already known keeps its name, state and enrolment time: a revoked
 * kiosk cannot enrol itself back to pending. */
static int pg_kiosk_enrol(store *s, const char *pub, const char *name, int64_t now_ms, char *why)
{
    return pg_done(pg_once(pg_of(s), "enrolling the kiosk", why,
                           "INSERT INTO kiosks (pub, name, state, enrolled_ms)"
                           " VALUES ($1, $2, 'pending', $3) ON CONFLICT (pub) DO NOTHING",
                           "ttl", pub, name, now_ms));
}

static int pg_kiosk_state(store *s, const char *pub, char *state, char *why)
{
    char *const outs[] = {state};
    const char *const names[] = {"the kiosk state"};
    return pg_read_row(s, "reading the kiosk", why, "SELECT state FROM kiosks WHERE pub = $1",
                       pub, 1, outs, names, 16);
}

/* One statement finds the kiosks whose key starts with prefix and sets
 * the state only when there is exactly one. */
static int pg_kiosk_set(store *s, const char *prefix, const char *state, char *why)
{
    PGresult *res = pg_once(pg_of(s), "setting the kiosk state", why,
                            "WITH m AS (SELECT pub FROM kiosks WHERE left(pub, length($1)) = $1),"
                            " u AS (UPDATE kiosks SET state = $2 WHERE pub IN (SELECT pub FROM m)"
                            " AND (SELECT COUNT(*) FROM m) = 1 RETURNING 1)"
                            " SELECT (SELECT COUNT(*) FROM m), (SELECT COUNT(*) FROM u)",
                            "tt", prefix, state);
    long long found = res ? pg_num(res, 0, 0) : 0;
    PQclear(res);
    if (!res) return -1;
    if (found == 0) why_set(why, "no kiosk has a key starting with %s", prefix);
    else if (found > 1)
        why_set(why, "%lld kiosk keys start with %s (ambiguous): give more digits", found,
                  prefix);
    return found == 1 ? 0 : -1;
}

static int pg_kiosk_each(store *s,
                         int (*fn)(const char *pub, const char *name, const char *state,
                                   int64_t enrolled_ms, void *arg),
                         void *arg, char *why)
{
    PGresult *res = pg_once(pg_of(s), "listing the kiosks", why,
                            "SELECT pub, name, state, enrolled_ms FROM kiosks"
                            " ORDER BY enrolled_ms, pub", "");
    int rc = res ? 0 : -1;
    for (int i = 0; !rc && i < PQntuples(res); i++)
        if ((rc = fn(PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
                     pg_num(res, i, 3), arg)) != 0)
            why_set(why, STORE_STOPPED);
    PQclear(res);
    return rc;
}

/* Runs `sql`, an INSERT of the 14 result columns (into results, or into
 * evidence where a copy already held is skipped), with the values of r. */
static int pg_insert_result(pg_tx *tx, const char *sql, const store_result *r, char *why)
{
    return pg_done(pg_run(tx, "storing the result", why, sql, "tttttiiiittttl", r->session_id,
                          r->exam_id, r->programme, r->exam_kind, r->nip, r->attempt, r->raw,
                          r->awarded, (int)r->passed, r->digest, r->json, r->sig, r->kiosk,
                          r->received_ms));
}

#define PG_RESULT_VALUES " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"

/* Decides and stores inside the transaction of tx, holding the advisory
 * lock of (exam, nip): another core's put of the same participant waits
 * here, so the attempt count, the duplicate check and the insert are one. */
static int pg_put_locked(pg_tx *tx, const store_result *r, char *why)
{
    int err = pg_done(pg_run(tx, "storing the result", why,
                             "SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 0))",
                             "tt", r->exam_id, r->nip));
    PGresult *now = err ? NULL
                        : pg_run(tx, "storing the result", why,
                                 "SELECT (SELECT digest FROM results WHERE exam_id = $1"
                                 " AND nip = $2 AND attempt = $3), COUNT(*),"
                                 " COALESCE(MAX(attempt), 0) FROM results"
                                 " WHERE exam_id = $1 AND nip = $2",
                                 "tti", r->exam_id, r->nip, r->attempt);
    if (!now) return -1;
    bool held = !PQgetisnull(now, 0, 0);
    bool same = held && strcmp(PQgetvalue(now, 0, 0), r->digest) == 0;
    long long count = pg_num(now, 0, 1), highest = pg_num(now, 0, 2);
    PQclear(now);
    if (same) return STORE_SAME;
    if (held)  /* kept as evidence; the attempt disputed until the operator chooses */
        return pg_insert_result(tx, "INSERT INTO evidence (" STORE_SQLITE_RESULT_COLS ")"
                                    PG_RESULT_VALUES
                                    " ON CONFLICT (exam_id, nip, attempt, digest) DO NOTHING",
                                r, why) ||
                       pg_done(pg_run(tx, "opening the dispute", why, STORE_SQL_DISPUTE_OPEN(D),
                                      "ttil", r->exam_id, r->nip, r->attempt, r->received_ms))
                   ? -1
                   : STORE_CONFLICT;
    /* the attempt limit, counted under the lock: two uploads at once cannot
     * both take the last attempt */
    if (store_beyond_limit(r, count, highest)) return STORE_TOO_MANY;
    if (r->exam_kind[0] && pg_done(pg_run(tx, "recording the exam", why, PG_NOTE_EXAM, "ttt",
                                          r->exam_id, r->exam_kind, r->programme)))
        return -1;
    return pg_insert_result(tx, "INSERT INTO results (" STORE_SQLITE_RESULT_COLS ")"
                                PG_RESULT_VALUES, r, why) ? -1 : STORE_NEW;
}

static int pg_result_put(store *s, const store_result *r, char *why)
{
    pg_tx tx;
    if (pg_begin(pg_of(s), true, &tx, why)) return -1;
    return pg_end(&tx, pg_put_locked(&tx, r, why), why);
}

const struct store_ops STORE_PG_OPS = {
    .name = "postgres",
    .open = store_pg_open,
    .close = pg_close_store,
    .bank_put = pg_bank_put,
    .bank_get = pg_bank_get,
    .session_put = pg_session_put,
    .exam_note = pg_exam_note,
    .session_get = pg_session_get,
    .legacy_each = pg_legacy_each,
    .sessions_each = pg_sessions_each,
    .key_claim = pg_key_claim,
    .kiosk_enrol = pg_kiosk_enrol,
    .kiosk_state = pg_kiosk_state,
    .kiosk_set = pg_kiosk_set,
    .kiosk_expire = pg_kiosk_expire,
    .kiosk_each = pg_kiosk_each,
    .result_put = pg_result_put,
    .attempts = pg_attempts,
    .quizzes_passed = pg_quizzes_passed,
    .programme_quizzes = pg_programme_quizzes,
    .history = pg_history,
    .results_of_session = pg_results_of_session,
    .results_of_exam = pg_results_of_exam,
    .best = pg_best,
    .cohort_put = pg_cohort_put,
    .cohort_get = pg_cohort_get,
    .aspects_put = pg_aspects_put,
    .aspects_each = pg_aspects_each,
    .refusal_put = pg_refusal_put,
    .pending_put = pg_pending_put,
    .pending_each = pg_pending_each,
    .pending_drop = pg_pending_drop,
    .pending_refuse = pg_pending_refuse,
    .uploads_each = pg_uploads_each,
    .recap_add = pg_recap_add,
    .recap_get = pg_recap_get,
    .lease_take = pg_lease_take,
    .lease_get = pg_lease_get,
    .lease_drop = pg_lease_drop,
    .lease_move = pg_lease_move,
    .session_opt_set = pg_session_opt_set,
    .session_opt_get = pg_session_opt_get,
    .session_each = pg_session_each,
    .forward_each = pg_forward_each,
    .forward_mark = pg_forward_mark,
    .forward_count = pg_forward_count,
    .dispute_each = pg_dispute_each,
    .dispute_records = pg_dispute_records,
    .dispute_resolve = pg_dispute_resolve,
    .replica_put = pg_replica_put,
    .replica_get = pg_replica_get,
    .room_write = pg_room_write,
    .room_load = pg_room_load,
    .room_log_each = pg_room_log_each,
};
