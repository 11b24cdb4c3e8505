/* store_int.h -- inside the store: the backend operations table and the SQLite and PostgreSQL
 * backends' shared helpers. Only core/store*.c include this; handlers use store.h. */
#ifndef KISI_STORE_INT_H
#define KISI_STORE_INT_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>

#include "store.h"

/* One backend: a function per store.h operation, same meaning and return
 * values. store.c has already checked the arguments (non-NULL strings, kiosk
 * states, prefix digits, JSON texts, attempt >= 1) before calling these. */
struct store_ops {
    const char *name; /* "sqlite", "postgres" */
    /* Opens the backend named by arg (the path, or the whole URL); the
     * handle's ops are set by store.c. NULL with why. */
    store *(*open)(const char *arg, char *why);
    void (*close)(store *s);
    /* digest: hex SHA-256 of the bank's or session's bytes, computed by
     * store.c at put and checked by it after get (65 bytes) */
    int (*bank_put)(store *s, const char *bank_id, const void *bank, size_t bank_len,
                    const char *digest, const void *pass_box, size_t box_len, char *why);
    int (*bank_get)(store *s, const char *bank_id, store_blob *bank, char *digest,
                    store_blob *pass_box, char *why);
    int (*session_put)(store *s, const char *session_id, const char *bank_id,
                       const char *exam_id, const void *file, size_t len, const char *digest,
                       char *why);
    int (*session_get)(store *s, const char *session_id, char *bank_id, char *exam_id,
                       store_blob *file, char *digest, char *why);
    int (*legacy_each)(store *s, int (*fn)(const store_legacy *l, void *arg), void *arg,
                       char *why);
    int (*sessions_each)(store *s,
                         int (*fn)(const char *session_id, const char *exam_id, void *arg),
                         void *arg, char *why);
    int (*key_claim)(store *s, const char *mine, char *recorded, char *why);
    int (*exam_note)(store *s, const char *exam_id, const char *kind, const char *programme,
                     char *why);
    int (*kiosk_enrol)(store *s, const char *pub, const char *name, int64_t now_ms, char *why);
    int (*kiosk_state)(store *s, const char *pub, char *state, char *why);
    int (*kiosk_set)(store *s, const char *prefix, const char *state, char *why);
    int (*kiosk_expire)(store *s, int64_t before_ms, int *forgotten, char *why);
    int (*kiosk_each)(store *s,
                      int (*fn)(const char *pub, const char *name, const char *state,
                                int64_t enrolled_ms, void *arg),
                      void *arg, char *why);
    int (*result_put)(store *s, const store_result *r, char *why);
    int (*attempts)(store *s, const char *exam_id, const char *nip, int *count, int *highest,
                    char *why);
    int (*quizzes_passed)(store *s, const char *nip, const char *const *quiz_ids, size_t n,
                          char *missing, size_t cap, char *why);
    int (*programme_quizzes)(store *s, const char *programme, char ***ids, size_t *n, char *why);
    int (*history)(store *s, const char *exam_id, int (*fn)(const char *form_json, void *arg),
                   void *arg, char *why);
    int (*results_of_exam)(store *s, const char *exam_id,
                           int (*fn)(const store_result *r, void *arg), void *arg, char *why);
    int (*results_of_session)(store *s, const char *session_id,
                              int (*fn)(const store_result *r, void *arg), void *arg,
                              char *why);
    int (*best)(store *s, const char *exam_id, const char *nip, int *awarded, bool *passed,
                int *disputes, store_acc *acc, char *why);
    int (*refusal_put)(store *s, const store_refusal *r, char *why);
    int (*pending_put)(store *s, const store_pending *p, char *why);
    int (*pending_each)(store *s, const char *kiosk,
                        int (*fn)(const store_pending *p, void *arg), void *arg, char *why);
    int (*pending_drop)(store *s, const char *kiosk, const char *digest, char *why);
    int (*pending_refuse)(store *s, const char *kiosk, const char *code, const char *reason,
                          int64_t now_ms, int *n, char *why);
    int (*uploads_each)(store *s, const char *session_id,
                        int (*fn)(const store_upload *u, void *arg), void *arg, char *why);
    int (*cohort_put)(store *s, const char *cohort_id, const char *definition_json, char *why);
    int (*cohort_get)(store *s, const char *cohort_id, char **definition_json, char *why);
    int (*aspects_put)(store *s, const char *cohort_id, const char *nip, const char *row_json,
                       char *why);
    int (*aspects_each)(store *s, const char *cohort_id,
                        int (*fn)(const char *nip, const char *row_json, void *arg), void *arg,
                        char *why);
    int (*recap_add)(store *s, const char *cohort_id, const char *recap_json, int64_t now_ms,
                     int *run, char *why);
    int (*recap_get)(store *s, const char *cohort_id, int run, char **recap_json, int *run_out,
                     char *why);
    /* leases and session options (store_*_lease.c) */
    int (*lease_take)(store *s, const char *session_id, const char *nip, int attempt,
                      const char *kiosk, const char *seat, int64_t now_ms, store_lease *held,
                      char *why);
    int (*lease_get)(store *s, const char *session_id, const char *nip, int attempt,
                     store_lease *held, char *why);
    int (*lease_drop)(store *s, const char *session_id, const char *nip, int attempt, int *n,
                      char *why);
    int (*lease_move)(store *s, const char *session_id, const char *nip, const char *kiosk,
                      const char *seat, int64_t now_ms, int *n, char *why);
    int (*session_opt_set)(store *s, const char *session_id, const char *name,
                           const char *value, char *why);
    int (*session_opt_get)(store *s, const char *session_id, const char *name, char *value,
                           size_t cap, char *why);
    /* forwarding to an upstream core, the room's offer (store_*_fwd.c) */
    int (*session_each)(store *s, int (*fn)(const store_held *h, void *arg),
                        void *arg, char *why);
    int (*forward_each)(store *s, const char *upstream, int max,
                        int (*fn)(const store_result *r, const char *kiosk_name, void *arg),
                        void *arg, char *why);
    int (*forward_mark)(store *s, const char *digest, const char *upstream, const char *receipt,
                        int64_t now_ms, char *why);
    int (*forward_count)(store *s, const char *upstream, int *done, int *todo, char *why);
    int (*dispute_each)(store *s, const char *exam_id,
                        int (*fn)(const store_dispute *d, void *arg), void *arg, char *why);
    int (*dispute_records)(store *s, const char *exam_id, const char *nip, int attempt,
                           int (*fn)(const store_dispute_record *r, void *arg), void *arg,
                           char *why);
    int (*dispute_resolve)(store *s, const char *exam_id, const char *nip, int attempt,
                           const char *prefix, const char *by, const char *reason,
                           int64_t now_ms, char *kept, char *why);
    /* replica (schema 4) */
    int (*replica_put)(store *s, const char *session_id, const char *attempt, const char *kiosk,
                       const char *prev, const jchain_event *ev, size_t n, int64_t now_ms,
                       int64_t *have, int64_t *at, char *why);
    int (*replica_get)(store *s, const char *attempt, int64_t from, size_t max,
                       jchain_event **out, size_t *n, int64_t *have, char *kiosk, char *why);
    /* the exam room (store_*_room.c) */
    int (*room_write)(store *s, const store_room_batch *b, char *why);
    int (*room_load)(store *s, int (*seat_fn)(const store_room_seat *seat, void *arg),
                     int (*cmd_fn)(const store_room_cmd *cmd, void *arg), void *arg, char *why);
    int (*room_log_each)(store *s, const char *session, const char *kiosk, size_t last,
                         int (*fn)(const store_room_entry *e, void *arg), void *arg, char *why);
};

/* Every backend's handle starts with this, so store.c can dispatch. */
struct store {
    const struct store_ops *ops;
};

/* Callbacks of the *_each functions run after the backend has read the rows
 * and released its lock, so fn may call the store again. A non-zero return
 * from fn stops the walk: the function then returns that value and says
 * "stopped by the caller" in why. */
#define STORE_STOPPED "stopped by the caller"

/* Ranges of the numbers the store gives back: a value outside was never
 * written by a core (the database was changed by hand, or is damaged) and
 * is refused, never cut to fit an int. */
#define STORE_ATTEMPT_MAX 100000  /* attempts (0 in a refusal: the record gave none) */
#define STORE_SCORE_MAX 10000     /* scores in hundredths */
#define STORE_COUNT_MAX 2147483647 /* counts, run numbers */

/* x into *out when lo <= x <= hi: 0; else -1 with why naming `what`. */
int store_int_of(long long x, int lo, int hi, const char *what, int *out, char *why);

/* The attempt limit of store_result_put, for every backend: true when a new
 * attempt r->attempt is beyond r->max_attempts, given the `count` attempts
 * of that exam and NIP stored already and the `highest` of their numbers.
 * (A session made without the core's history may number an attempt the
 * participant no longer has: the stored count decides.) */
bool store_beyond_limit(const store_result *r, long long count, long long highest);

/* Backends: SQLite's open takes the path, PostgreSQL's the whole postgres://
 * or postgresql:// URL (libpq's connection string). */
extern const struct store_ops STORE_SQLITE_OPS;
extern const struct store_ops STORE_PG_OPS;

/* Opens a store with the backend `ops` (store_open picks it by URL); a
 * table without open or close is refused before anything is opened.
 * Caller frees with store_close(); NULL with why. */
store *store_open_ops(const struct store_ops *ops, const char *arg, char *why);

/* ------------------------------------------------------------------ */
/* Shared by store_sqlite.c and store_sqlite_cohort.c.                 */

struct sqlite3;
struct sqlite3_stmt;

#define SQLITE_STMTS_MAX 48  /* prepared statements kept per connection */
#define SQLITE_READERS_MAX 8 /* reading connections kept open */
#define SQLITE_GROUP_MIN 16      /* a grouped write starts at once with this many callers */
#define SQLITE_GROUP_WAIT_US 2000 /* else after waiting this long for more to join */

/* One connection and its prepared statements (store_sqlite_conn.c). */
typedef struct sqlite_conn {
    struct sqlite3 *db;
    struct {
        const char *sql;
        struct sqlite3_stmt *st;
    } stmts[SQLITE_STMTS_MAX];
    size_t nstmts;
    struct sqlite3_stmt *spare; /* a statement beyond the cache, finalized after use */
    struct sqlite_conn *next;   /* in the free list of readers */
} sqlite_conn;

/* The handle. Writes go through `writer` under `mu`, one transaction at a
 * time; reads take a connection of their own from the pool, so that they
 * never wait for a commit (the file is in WAL mode). */
typedef struct sqlite_store {
    store base;
    char path[4096];
    sqlite_conn writer;
    pthread_mutex_t mu;
    pthread_mutex_t pool_mu;
    pthread_cond_t pool_cv;
    sqlite_conn *readers[SQLITE_READERS_MAX];
    size_t nreaders;
    sqlite_conn *free_readers;
    /* grouped writes: queued jobs and whether a caller is running a group */
    pthread_mutex_t q_mu;
    pthread_cond_t q_cv;   /* a group is done */
    pthread_cond_t q_full; /* SQLITE_GROUP_MIN jobs wait */
    struct sqlite_job *q_head, **q_tail;
    size_t q_len;
    bool q_leading;
} sqlite_store;

/* Opens one connection to the file at path (the writer: synchronous FULL,
 * foreign keys; a reader: query only); 0, or -1 with why. */
int sqlite_conn_open(sqlite_conn *c, const char *path, bool write, char *why);
void sqlite_conn_close(sqlite_conn *c);
void sqlite_readers_close(sqlite_store *ss);
/* Says what failed in one line and returns -1. */
int sqlite_fail(sqlite_store *ss, int rc, const char *what, char *why);

/* Work done inside a grouped write (between begin and end); returns >= 0
 * on success, -1 with why. */
typedef int (*sqlite_job_fn)(sqlite_store *ss, const void *arg, char *why);
/* Runs fn(ss, arg) in a write transaction shared with the callers that
 * queue while one commit is under way: one sync for all of them. A
 * savepoint keeps each call's changes its own (a failing call undoes only
 * itself). Returns fn's value once committed, or -1 with why. */
int sqlite_write_grouped(sqlite_store *ss, sqlite_job_fn fn, const void *arg, char *why);

/* Rows read by sqlite_select(): ncol cells a row, each as text (NULL for an
 * SQL NULL; a BLOB's bytes, NUL-terminated), its length in bytes, and as an
 * integer. Free with sqlite_rows_free(). */
typedef struct sqlite_rows {
    size_t n, ncol;
    char **text;
    size_t *size;
    long long *num;
} sqlite_rows;

#define STORE_CELL_TEXT(rows, r, c) ((rows)->text[(r) * (rows)->ncol + (c)])
#define STORE_CELL_NUM(rows, r, c) ((rows)->num[(r) * (rows)->ncol + (c)])
#define STORE_CELL_SIZE(rows, r, c) ((rows)->size[(r) * (rows)->ncol + (c)])
/* store_int_of of a cell's number: 0, or -1 with why. */
#define STORE_CELL_INT(rows, r, c, lo, hi, what, out, why) \
    store_int_of(STORE_CELL_NUM(rows, r, c), lo, hi, what, out, why)

/* Takes a reading connection, or with write the writer's lock and begins
 * an IMMEDIATE transaction; the calling thread holds it until sqlite_end.
 * 0, or -1 with why (nothing is then held). */
int sqlite_begin(sqlite_store *ss, bool write, char *why);
/* Commits (rc >= 0) or rolls back (rc < 0) a write, releases the lock and
 * returns rc, or -1 with why when the commit fails. */
int sqlite_end(sqlite_store *ss, bool write, int rc, char *why);

/* Parameters are bound from `fmt`, one letter each: 't' const char *
 * (NULL binds SQL NULL), 'i' int, 'l' int64_t, 'b' a BLOB given as two
 * arguments, const void * and size_t. Call between begin and end.
 * `what` names the operation in error texts. */

/* Runs one statement that returns no rows; 0, or -1 with why. */
int sqlite_exec(sqlite_store *ss, const char *what, char *why, const char *sql, const char *fmt,
                ...);
/* Runs one query and copies all its rows into *rows (caller frees with
 * sqlite_rows_free(), also on error); 0, or -1 with why. */
int sqlite_select(sqlite_store *ss, sqlite_rows *rows, const char *what, char *why,
                  const char *sql, const char *fmt, ...);
void sqlite_rows_free(sqlite_rows *rows);

/* True when the link `held` of seq does not agree with the push: prev for
 * the seq before ev[0], else the event's own hash (a seq beyond ev differs). */
bool store_replica_differs(int64_t seq, const char *held, const char *prev,
                           const jchain_event *ev, size_t n);

/* The replica's SQL for both backends, parameters spelled P(n). */
#define STORE_SQL_REPLICA_HAVE(P)                                                          \
    "SELECT seq, kiosk FROM replica WHERE attempt = " P(1) " ORDER BY seq DESC LIMIT 1"
/* the links of seqs P(2)..P(3) */
#define STORE_SQL_REPLICA_LINKS(P)                                                         \
    "SELECT seq, hash FROM replica WHERE attempt = " P(1) " AND seq BETWEEN " P(2) " AND "  \
    P(3) " ORDER BY seq"
#define STORE_SQL_REPLICA_ADD(P)                                                           \
    "INSERT INTO replica (attempt, seq, session_id, kind, wall_ms, used_ms, payload, hash,"  \
    " kiosk, received_ms) VALUES (" P(1) ", " P(2) ", " P(3) ", " P(4) ", " P(5) ", " P(6)  \
    ", " P(7) ", " P(8) ", " P(9) ", " P(10) ")"
/* at most P(3) events from seq P(2) */
#define STORE_SQL_REPLICA_GET(P)                                                           \
    "SELECT seq, kind, wall_ms, used_ms, payload, hash FROM replica WHERE attempt = " P(1)  \
    " AND seq >= " P(2) " ORDER BY seq LIMIT " P(3)

/* The columns of the results and evidence tables, in store_result order. */
#define STORE_SQLITE_RESULT_COLS                                                           \
    "session_id, exam_id, programme, exam_kind, nip, attempt, raw, awarded, passed, digest," \
    " json, sig, kiosk, received_ms"

/* SQL both backends run for refusals, waiting results and the uploads
 * list, with their parameters spelled P(n): ?n for SQLite, $n for PostgreSQL. */
#define STORE_SQL_REFUSAL_PUT(P)                                                          \
    "INSERT INTO refusals (kiosk, session_id, exam_id, nip, attempt, digest, code, reason," \
    " first_ms, last_ms, times) VALUES (" P(1) ", " P(2) ", " P(3) ", " P(4) ", " P(5) ", " \
    P(6) ", " P(7) ", " P(8) ", " P(9) ", " P(9) ", 1) ON CONFLICT (digest, code) DO UPDATE" \
    " SET last_ms = excluded.last_ms, reason = excluded.reason, times = refusals.times + 1"
#define STORE_SQL_PENDING_PUT(P)                                                          \
    "INSERT INTO pending (kiosk, session_id, exam_id, nip, attempt, digest, json, sig,"   \
    " received_ms) VALUES (" P(1) ", " P(2) ", " P(3) ", " P(4) ", " P(5) ", " P(6) ", "   \
    P(7) ", " P(8) ", " P(9) ") ON CONFLICT (kiosk, digest) DO NOTHING"
#define STORE_SQL_PENDING_EACH(P)                                                         \
    "SELECT kiosk, session_id, exam_id, nip, attempt, digest, json, sig, received_ms"     \
    " FROM pending WHERE kiosk = " P(1) " ORDER BY received_ms, id"
#define STORE_SQL_PENDING_DROP(P)                                                         \
    "DELETE FROM pending WHERE kiosk = " P(1) " AND digest = " P(2)
/* forgets pending kiosks enrolled before P(1) with no result waiting */
#define STORE_SQL_KIOSK_EXPIRED(P)                                                        \
    " FROM kiosks WHERE state = 'pending' AND enrolled_ms < " P(1)                        \
    " AND NOT EXISTS (SELECT 1 FROM pending p WHERE p.kiosk = kiosks.pub)"
/* moves a kiosk's waiting results to the refusals: P(2) code, P(3) reason, P(4) now */
#define STORE_SQL_PENDING_REFUSE(P)                                                       \
    "INSERT INTO refusals (kiosk, session_id, exam_id, nip, attempt, digest, code, reason," \
    " first_ms, last_ms, times) SELECT kiosk, session_id, exam_id, nip, attempt, digest, " \
    P(2) ", " P(3) ", received_ms, " P(4) ", 1 FROM pending WHERE kiosk = " P(1)          \
    " ON CONFLICT (digest, code) DO UPDATE SET last_ms = excluded.last_ms,"               \
    " reason = excluded.reason, times = refusals.times + 1"
/* The best score of exam E and NIP N among the records counted (an open
 * dispute's attempt left out, a resolved one's kept record in), and the
 * disputes still open. */
/* A(k): the backend's integer of the result record's accommodations.k (true = 1, a
 * number as it is, absent = NULL); the SQL of store_best(). */
#define STORE_SQL_BEST(E, N, A)                                                           \
    "SELECT COUNT(*), COALESCE(MAX(awarded), 0), COALESCE(MAX(passed), 0),"               \
    " (SELECT COUNT(*) FROM disputes WHERE exam_id = " E " AND nip = " N                 \
    " AND keep_digest = ''),"                                                             \
    " COALESCE(MAX(" A("read_aloud") "), 0), COALESCE(MAX(" A("extra_minutes") "), 0)"   \
    " FROM " STORE_SQL_COUNTED(E, N)
#define STORE_SQLITE_ACC(k) "json_extract(json, '$.accommodations." k "')"
#define STORE_PG_ACC(k)                                                                   \
    "(CASE jsonb_typeof(json::jsonb #> '{accommodations," k "}')"                          \
    " WHEN 'boolean' THEN ((json::jsonb #>> '{accommodations," k "}') = 'true')::int"      \
    " WHEN 'number' THEN (json::jsonb #>> '{accommodations," k "}')::int END)"
/* P(1) the session, '' for all */
#define STORE_SQL_UPLOADS_WHERE(P) " WHERE " P(1) " = '' OR session_id = " P(1)
#define STORE_SQL_UPLOADS(P)                                                              \
    "SELECT u.state, u.kiosk, COALESCE(k.name, ''), u.session_id, u.exam_id, u.nip,"      \
    " u.attempt, u.code, u.reason, u.at, u.times FROM ("                                  \
    "SELECT 'stored' AS state, kiosk, session_id, exam_id, nip, attempt, '' AS code,"     \
    " '' AS reason, received_ms AS at, 1 AS times, 0 AS rank FROM results" STORE_SQL_UPLOADS_WHERE(P) \
    " UNION ALL SELECT 'evidence', kiosk, session_id, exam_id, nip, attempt, 'conflict',"  \
    " 'another result holds this attempt: kept as evidence', received_ms, 1, 1 FROM evidence" \
    STORE_SQL_UPLOADS_WHERE(P) " UNION ALL SELECT 'refused', kiosk, session_id, exam_id,"  \
    " nip, attempt, code, reason, last_ms, times, 2 FROM refusals" STORE_SQL_UPLOADS_WHERE(P) \
    " UNION ALL SELECT 'waiting', kiosk, session_id, exam_id, nip, attempt,"              \
    " 'kiosk-pending', 'waits at the core until its kiosk is approved', received_ms, 1, 3"   \
    " FROM pending" STORE_SQL_UPLOADS_WHERE(P) ") u LEFT JOIN kiosks k ON k.pub = u.kiosk" \
    " ORDER BY u.at, u.session_id, u.nip, u.attempt, u.rank"

/* Leases: P(1) session, P(2) nip, P(3) attempt, P(4) kiosk, P(5) seat, P(6) now.
 * Taken when none holds it, the kiosk holds it, or it was moved to the seat;
 * a row comes back only then. */
#define STORE_SQL_LEASE_TAKE(P)                                                           \
    "INSERT INTO leases (session_id, nip, attempt, kiosk, seat, since_ms) VALUES (" P(1)  \
    ", " P(2) ", " P(3) ", " P(4) ", " P(5) ", " P(6) ") ON CONFLICT (session_id, nip,"     \
    " attempt) DO UPDATE SET kiosk = excluded.kiosk, seat = excluded.seat, since_ms ="     \
    " CASE WHEN leases.kiosk = excluded.kiosk THEN leases.since_ms ELSE excluded.since_ms" \
    " END WHERE leases.kiosk = excluded.kiosk OR (leases.kiosk = '' AND leases.seat ="     \
    " excluded.seat) RETURNING kiosk"
#define STORE_SQL_LEASE_GET(P)                                                            \
    "SELECT kiosk, seat, since_ms FROM leases WHERE session_id = " P(1) " AND nip = " P(2) \
    " AND attempt = " P(3)
/* P(3) the attempt, -1 for all */
#define STORE_SQL_LEASE_DROP(P)                                                           \
    "DELETE FROM leases WHERE session_id = " P(1) " AND nip = " P(2) " AND (" P(3)         \
    " = -1 OR attempt = " P(3) ") RETURNING 1"
#define STORE_SQL_LEASE_MOVE(P)                                                           \
    "UPDATE leases SET kiosk = " P(3) ", seat = " P(4) ", since_ms = " P(5)                \
    " WHERE session_id = " P(1) " AND nip = " P(2) " RETURNING 1"
#define STORE_SQL_OPT_SET(P)                                                              \
    "INSERT INTO session_opts (session_id, name, value) VALUES (" P(1) ", " P(2) ", " P(3) \
    ") ON CONFLICT (session_id, name) DO UPDATE SET value = excluded.value"
#define STORE_SQL_OPT_GET(P)                                                              \
    "SELECT value FROM session_opts WHERE session_id = " P(1) " AND name = " P(2)

/* Disputes: P(1) exam, P(2) nip, P(3) attempt. */
#define STORE_SQL_DISPUTE_OPEN(P)                                                         \
    "INSERT INTO disputes (exam_id, nip, attempt, opened_ms) VALUES (" P(1) ", " P(2) ", "  \
    P(3) ", " P(4) ") ON CONFLICT (exam_id, nip, attempt) DO NOTHING"
/* P(1) the exam, '' for all */
#define STORE_SQL_DISPUTE_EACH(P)                                                         \
    "SELECT exam_id, nip, attempt, opened_ms, keep_digest, resolved_by, reason, resolved_ms" \
    " FROM disputes WHERE " P(1) " = '' OR exam_id = " P(1) " ORDER BY exam_id, nip, attempt"
#define STORE_SQL_DISPUTE_RECORDS(P)                                                      \
    "SELECT state, digest, kiosk, session_id, received_ms, awarded, passed FROM ("        \
    "SELECT 'stored' AS state, digest, kiosk, session_id, received_ms, awarded, passed,"  \
    " 0 AS rank FROM results WHERE exam_id = " P(1) " AND nip = " P(2) " AND attempt = "   \
    P(3) " UNION ALL SELECT 'evidence', digest, kiosk, session_id, received_ms, awarded,"   \
    " passed, 1 FROM evidence WHERE exam_id = " P(1) " AND nip = " P(2) " AND attempt = "  \
    P(3) ") r ORDER BY rank, received_ms, digest"
/* the digests of the attempt's records starting with P(4) */
#define STORE_SQL_DISPUTE_MATCH(P)                                                        \
    "SELECT digest FROM results WHERE exam_id = " P(1) " AND nip = " P(2) " AND attempt = " \
    P(3) " AND substr(digest, 1, length(" P(4) ")) = " P(4) " UNION SELECT digest FROM"     \
    " evidence WHERE exam_id = " P(1) " AND nip = " P(2) " AND attempt = " P(3)             \
    " AND substr(digest, 1, length(" P(4) ")) = " P(4)
#define STORE_SQL_DISPUTE_RESOLVE(P)                                                      \
    "UPDATE disputes SET keep_digest = " P(4) ", resolved_by = " P(5) ", reason = " P(6)    \
    ", resolved_ms = " P(7) " WHERE exam_id = " P(1) " AND nip = " P(2) " AND attempt = "   \
    P(3) " RETURNING 1"
/* The records a recap counts of exam E and NIP N: an attempt without a
 * dispute, or the record the operator kept; an open dispute's none. */
#define STORE_SQL_COUNTED(E, N)                                                           \
    "(SELECT awarded, passed, json FROM results r WHERE exam_id = " E " AND nip = " N     \
    " AND NOT EXISTS (SELECT 1 FROM disputes d WHERE d.exam_id = r.exam_id AND d.nip ="    \
    " r.nip AND d.attempt = r.attempt AND d.keep_digest <> r.digest) UNION ALL SELECT"     \
    " awarded, passed, json FROM evidence v WHERE exam_id = " E " AND nip = " N           \
    " AND EXISTS (SELECT 1 FROM disputes d WHERE d.exam_id = v.exam_id AND d.nip = v.nip"  \
    " AND d.attempt = v.attempt AND d.keep_digest = v.digest)) c"

/* The outcome of resolving a dispute, for both backends: `disputes` rows
 * of the attempt updated, `matches` records starting with prefix. 0 when
 * both are 1; else -1 with why (the transaction is then rolled back). */
int store_dispute_choice(const char *exam_id, const char *nip, int attempt, const char *prefix,
                         size_t disputes, size_t matches, char *why);

int sqlite_lease_take(store *s, const char *session_id, const char *nip, int attempt,
                      const char *kiosk, const char *seat, int64_t now_ms, store_lease *held,
                      char *why);
int sqlite_lease_get(store *s, const char *session_id, const char *nip, int attempt,
                     store_lease *held, char *why);
int sqlite_lease_drop(store *s, const char *session_id, const char *nip, int attempt, int *n,
                      char *why);
int sqlite_lease_move(store *s, const char *session_id, const char *nip, const char *kiosk,
                      const char *seat, int64_t now_ms, int *n, char *why);
int sqlite_session_opt_set(store *s, const char *session_id, const char *name,
                           const char *value, char *why);
int sqlite_session_opt_get(store *s, const char *session_id, const char *name, char *value,
                           size_t cap, char *why);
int sqlite_dispute_each(store *s, const char *exam_id,
                        int (*fn)(const store_dispute *d, void *arg), void *arg, char *why);
int sqlite_dispute_records(store *s, const char *exam_id, const char *nip, int attempt,
                           int (*fn)(const store_dispute_record *r, void *arg), void *arg, char *why);
int sqlite_dispute_resolve(store *s, const char *exam_id, const char *nip, int attempt,
                           const char *prefix, const char *by, const char *reason, int64_t now_ms,
                           char *kept, char *why);

/* A row of STORE_SQLITE_RESULT_COLS (row i of r) as a result, its strings
 * borrowed from r; its numbers range-checked: 0, or -1 with why. */
int sqlite_result_row(const sqlite_rows *r, size_t i, store_result *res, char *why);
/* Reading results back, cohorts, aspects and recap runs (store_sqlite_cohort.c). */
int sqlite_attempts(store *s, const char *exam_id, const char *nip, int *count, int *highest,
                    char *why);
int sqlite_quizzes_passed(store *s, const char *nip, const char *const *quiz_ids, size_t n,
                          char *missing, size_t cap, char *why);
int sqlite_programme_quizzes(store *s, const char *programme, char ***ids, size_t *n,
                             char *why);
int sqlite_history(store *s, const char *exam_id, int (*fn)(const char *form_json, void *arg),
                   void *arg, char *why);
int sqlite_results_of_session(store *s, const char *session_id,
                              int (*fn)(const store_result *r, void *arg), void *arg,
                              char *why);
int sqlite_results_of_exam(store *s, const char *exam_id,
                           int (*fn)(const store_result *r, void *arg), void *arg, char *why);
int sqlite_best(store *s, const char *exam_id, const char *nip, int *awarded, bool *passed,
                int *disputes, store_acc *acc, char *why);
/* Refusals, waiting results and the uploads list (store_sqlite_upload.c). */
int sqlite_refusal_put(store *s, const store_refusal *r, char *why);
int sqlite_pending_put(store *s, const store_pending *p, char *why);
int sqlite_pending_each(store *s, const char *kiosk, int (*fn)(const store_pending *p, void *arg),
                     void *arg, char *why);
int sqlite_kiosk_expire(store *s, int64_t before_ms, int *forgotten, char *why);
int sqlite_pending_drop(store *s, const char *kiosk, const char *digest, char *why);
int sqlite_pending_refuse(store *s, const char *kiosk, const char *code, const char *reason,
                       int64_t now_ms, int *n, char *why);
int sqlite_uploads_each(store *s, const char *session_id,
                     int (*fn)(const store_upload *u, void *arg), void *arg, char *why);
int sqlite_cohort_put(store *s, const char *cohort_id, const char *definition_json, char *why);
int sqlite_cohort_get(store *s, const char *cohort_id, char **definition_json, char *why);
int sqlite_aspects_put(store *s, const char *cohort_id, const char *nip, const char *row_json,
                       char *why);
int sqlite_aspects_each(store *s, const char *cohort_id,
                        int (*fn)(const char *nip, const char *row_json, void *arg), void *arg,
                        char *why);
int sqlite_recap_add(store *s, const char *cohort_id, const char *recap_json, int64_t now_ms,
                     int *run, char *why);
int sqlite_recap_get(store *s, const char *cohort_id, int run, char **recap_json, int *run_out,
                     char *why);
/* The replica of the kiosks' journals (store_sqlite_replica.c). */
int sqlite_replica_put(store *s, const char *session_id, const char *attempt, const char *kiosk,
                       const char *prev, const jchain_event *ev, size_t n, int64_t now_ms,
                       int64_t *have, int64_t *at, char *why);
int sqlite_replica_get(store *s, const char *attempt, int64_t from, size_t max,
                       jchain_event **out, size_t *n, int64_t *have, char *kiosk, char *why);

/* The exam room, SQL of both backends (store_sqlite_room.c, store_pg_room.c). */
#define STORE_SQL_ROOM_SEAT_PUT(P)                                                        \
    "INSERT INTO room_seats (kiosk, seat, session, seq, seen_ms, cmd_seq, state) VALUES ("  \
    P(1) ", " P(2) ", " P(3) ", " P(4) ", " P(5) ", " P(6) ", " P(7) ") ON CONFLICT (kiosk)" \
    " DO UPDATE SET seat = excluded.seat, session = excluded.session, seq = excluded.seq,"  \
    " seen_ms = excluded.seen_ms, cmd_seq = excluded.cmd_seq, state = excluded.state"
#define STORE_SQL_ROOM_CMD_PUT(P)                                                         \
    "INSERT INTO room_commands (kiosk, seq, kind, json, queued_ms) VALUES (" P(1) ", "     \
    P(2) ", " P(3) ", " P(4) ", " P(5) ") ON CONFLICT (kiosk, seq) DO NOTHING"
#define STORE_SQL_ROOM_CMD_ACK(P) \
    "DELETE FROM room_commands WHERE kiosk = " P(1) " AND seq <= " P(2)
#define STORE_SQL_ROOM_LOG_PUT(P)                                                         \
    "INSERT INTO room_log (session, kiosk, seat, nip, core_ms, kiosk_ms, kind, detail,"    \
    " actor) VALUES (" P(1) ", " P(2) ", " P(3) ", " P(4) ", " P(5) ", " P(6) ", " P(7)    \
    ", " P(8) ", " P(9) ")"
#define STORE_SQL_ROOM_SEATS                                                              \
    "SELECT kiosk, seat, session, seq, seen_ms, cmd_seq, state FROM room_seats ORDER BY kiosk"
#define STORE_SQL_ROOM_CMDS                                                               \
    "SELECT kiosk, seq, kind, json, queued_ms FROM room_commands ORDER BY kiosk, seq"
/* the last P(3) entries of kiosk P(1) (and session P(2) unless ''), or of session P(2) */
#define STORE_SQL_ROOM_LOG_COLS \
    "id, session, kiosk, seat, nip, core_ms, kiosk_ms, kind, detail, actor"
#define STORE_SQL_ROOM_LOG_OF_KIOSK(P)                                                    \
    "SELECT * FROM (SELECT " STORE_SQL_ROOM_LOG_COLS " FROM room_log WHERE kiosk = " P(1)  \
    " AND (" P(2) " = '' OR session = " P(2) ") ORDER BY id DESC LIMIT " P(3) ") t ORDER BY id"
#define STORE_SQL_ROOM_LOG_OF_SESSION(P)                                                  \
    "SELECT * FROM (SELECT " STORE_SQL_ROOM_LOG_COLS " FROM room_log WHERE session = " P(2) \
    " AND " P(1) " = '' ORDER BY id DESC LIMIT " P(3) ") t ORDER BY id"
int sqlite_room_write(store *s, const store_room_batch *b, char *why);
int sqlite_room_load(store *s, int (*seat_fn)(const store_room_seat *seat, void *arg),
                     int (*cmd_fn)(const store_room_cmd *cmd, void *arg), void *arg, char *why);
int sqlite_room_log_each(store *s, const char *session, const char *kiosk, size_t last,
                         int (*fn)(const store_room_entry *e, void *arg), void *arg, char *why);

/* ------------------------------------------------------------------ */
/* Shared by store_pg.c, store_pg_cohort.c and store_pg_conn.c.        */

struct pg_conn;   /* libpq's PGconn */
struct pg_result; /* libpq's PGresult */

#define PG_CONNS_MAX 8 /* connections kept open, each used by one thread at a time */

/* The handle: a pool of connections opened on first need. */
typedef struct pg_store {
    store base;
    char *conninfo;  /* the URL as given (it may hold a password): wiped at close */
    char label[192]; /* "the PostgreSQL database DB on HOST:PORT", for messages */
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a connection was given back or a slot freed */
    struct pg_conn *idle[PG_CONNS_MAX];
    size_t nidle, nopen; /* idle ones, and all open or being opened */
} pg_store;

/* One operation's connection, taken from the pool by pg_begin. */
typedef struct pg_tx {
    pg_store *ps;
    struct pg_conn *c;
    bool write;  /* a transaction is open on c */
    bool used;   /* a statement ran: a lost connection is no longer retried */
    bool binary; /* results come in binary (a bytea's bytes as they are) */
} pg_tx;

/* Fills ps->conninfo and ps->label from url and starts an empty pool;
 * 0, or -1 with why (the URL is never quoted in it). pg_pool_free() undoes
 * it, also after a failure. */
int pg_pool_init(pg_store *ps, const char *url, char *why);
void pg_pool_free(pg_store *ps);

/* Takes a connection (waiting while PG_CONNS_MAX are busy) and, with write,
 * begins a transaction; 0, or -1 with why (nothing is then held). */
int pg_begin(pg_store *ps, bool write, pg_tx *tx, char *why);
/* Commits (rc >= 0) or rolls back (rc < 0) a write, gives the connection
 * back and returns rc, or -1 with why when the commit fails. */
int pg_end(pg_tx *tx, int rc, char *why);

/* Runs one statement between pg_begin and pg_end with its parameters bound
 * from `fmt`, one letter each: 't' const char * (NULL binds SQL NULL), 'i'
 * int, 'l' int64_t, 'b' bytes sent in binary, given as two arguments, const
 * void * and size_t. `what` names the operation in error texts. Returns the
 * result (caller frees with PQclear), or NULL with why. */
struct pg_result *pg_run(pg_tx *tx, const char *what, char *why, const char *sql,
                         const char *fmt, ...);
/* The same on a connection of its own, for an operation of one statement. */
struct pg_result *pg_once(pg_store *ps, const char *what, char *why, const char *sql,
                          const char *fmt, ...);
/* Frees the result of a statement whose rows are not needed: 0 when it
 * ran (res not NULL), -1 when it failed (why already says so). */
int pg_done(struct pg_result *res);
/* Cell (row, col) of a result as an integer (0 for NULL or text). */
long long pg_num(const struct pg_result *r, int row, int col);
/* The cell as an int within [lo, hi] (whole decimal text): 0, or -1 with why
 * naming `what`. */
int pg_int(const struct pg_result *r, int row, int col, int lo, int hi, const char *what, int *out,
           char *why);

/* Leases and session options (store_pg_lease.c). */
int pg_lease_take(store *s, const char *session_id, const char *nip, int attempt,
                  const char *kiosk, const char *seat, int64_t now_ms, store_lease *held,
                  char *why);
int pg_lease_get(store *s, const char *session_id, const char *nip, int attempt,
                 store_lease *held, char *why);
int pg_lease_drop(store *s, const char *session_id, const char *nip, int attempt, int *n,
                  char *why);
int pg_lease_move(store *s, const char *session_id, const char *nip, const char *kiosk,
                  const char *seat, int64_t now_ms, int *n, char *why);
int pg_session_opt_set(store *s, const char *session_id, const char *name, const char *value,
                       char *why);
int pg_session_opt_get(store *s, const char *session_id, const char *name, char *value,
                       size_t cap, char *why);
int pg_dispute_each(store *s, const char *exam_id,
                    int (*fn)(const store_dispute *d, void *arg), void *arg, char *why);
int pg_dispute_records(store *s, const char *exam_id, const char *nip, int attempt,
                       int (*fn)(const store_dispute_record *r, void *arg), void *arg, char *why);
int pg_dispute_resolve(store *s, const char *exam_id, const char *nip, int attempt,
                       const char *prefix, const char *by, const char *reason, int64_t now_ms,
                       char *kept, char *why);

/* The same of row i of a PostgreSQL result (store_pg_cohort.c). */
int pg_result_row(const struct pg_result *res, int i, store_result *r, char *why);
/* Reading results back, cohorts, aspects and recap runs (store_pg_cohort.c). */
int pg_attempts(store *s, const char *exam_id, const char *nip, int *count, int *highest,
                char *why);
int pg_quizzes_passed(store *s, const char *nip, const char *const *quiz_ids, size_t n,
                      char *missing, size_t cap, char *why);
int pg_programme_quizzes(store *s, const char *programme, char ***ids, size_t *n, char *why);
int pg_history(store *s, const char *exam_id, int (*fn)(const char *form_json, void *arg),
               void *arg, char *why);
int pg_results_of_session(store *s, const char *session_id,
                          int (*fn)(const store_result *r, void *arg), void *arg, char *why);
int pg_results_of_exam(store *s, const char *exam_id,
                       int (*fn)(const store_result *r, void *arg), void *arg, char *why);
int pg_best(store *s, const char *exam_id, const char *nip, int *awarded, bool *passed,
            int *disputes, store_acc *acc, char *why);
/* Refusals, waiting results and the uploads list (store_pg_upload.c). */
int pg_refusal_put(store *s, const store_refusal *r, char *why);
int pg_pending_put(store *s, const store_pending *p, char *why);
int pg_pending_each(store *s, const char *kiosk, int (*fn)(const store_pending *p, void *arg),
                 void *arg, char *why);
int pg_kiosk_expire(store *s, int64_t before_ms, int *forgotten, char *why);
int pg_pending_drop(store *s, const char *kiosk, const char *digest, char *why);
int pg_pending_refuse(store *s, const char *kiosk, const char *code, const char *reason,
                   int64_t now_ms, int *n, char *why);
int pg_uploads_each(store *s, const char *session_id,
                 int (*fn)(const store_upload *u, void *arg), void *arg, char *why);
int pg_cohort_put(store *s, const char *cohort_id, const char *definition_json, char *why);
int pg_cohort_get(store *s, const char *cohort_id, char **definition_json, char *why);
int pg_aspects_put(store *s, const char *cohort_id, const char *nip, const char *row_json,
                   char *why);
int pg_aspects_each(store *s, const char *cohort_id,
                    int (*fn)(const char *nip, const char *row_json, void *arg), void *arg,
                    char *why);
int pg_recap_add(store *s, const char *cohort_id, const char *recap_json, int64_t now_ms,
                 int *run, char *why);
int pg_recap_get(store *s, const char *cohort_id, int run, char **recap_json, int *run_out,
                 char *why);
/* The replica of the kiosks' journals (store_pg_replica.c). */
int pg_replica_put(store *s, const char *session_id, const char *attempt, const char *kiosk,
                   const char *prev, const jchain_event *ev, size_t n, int64_t now_ms,
                   int64_t *have, int64_t *at, char *why);
int pg_replica_get(store *s, const char *attempt, int64_t from, size_t max, jchain_event **out,
                   size_t *n, int64_t *have, char *kiosk, char *why);
/* The exam room (store_pg_room.c). */
int pg_room_write(store *s, const store_room_batch *b, char *why);
int pg_room_load(store *s, int (*seat_fn)(const store_room_seat *seat, void *arg),
                 int (*cmd_fn)(const store_room_cmd *cmd, void *arg), void *arg, char *why);
int pg_room_log_each(store *s, const char *session, const char *kiosk, size_t last,
                     int (*fn)(const store_room_entry *e, void *arg), void *arg, char *why);

/* ------------------------------------------------------------------ */
/* Forwarding and the offer (store_sqlite_fwd.c, store_pg_fwd.c).      */

/* SQL both backends run, parameters spelled P(n) as above. */
#define STORE_SQL_SESSION_EACH                                                            \
    "SELECT s.id, s.bank_id, s.exam_id, s.digest, COALESCE(b.digest, '') FROM sessions s" \
    " LEFT JOIN banks b ON b.id = s.bank_id ORDER BY s.id"
/* P(1) the upstream key, '' for every result; P(2) at most so many (-1: all) */
#define STORE_SQL_FORWARD_EACH(P)                                                         \
    "SELECT r.session_id, r.exam_id, r.programme, r.exam_kind, r.nip, r.attempt, r.raw,"  \
    " r.awarded, r.passed, r.digest, r.json, r.sig, r.kiosk, r.received_ms,"             \
    " COALESCE(k.name, '') FROM results r LEFT JOIN kiosks k ON k.pub = r.kiosk"        \
    " WHERE " P(1) " = '' OR NOT EXISTS (SELECT 1 FROM forwards f WHERE f.digest ="     \
    " r.digest AND f.upstream = " P(1) ") ORDER BY r.id LIMIT " P(2)
#define STORE_SQL_FORWARD_MARK(P)                                                         \
    "INSERT INTO forwards (digest, upstream, receipt, forwarded_ms) VALUES (" P(1) ", "   \
    P(2) ", " P(3) ", " P(4) ") ON CONFLICT (digest, upstream) DO NOTHING"
#define STORE_SQL_FORWARD_COUNT(P)                                                        \
    "SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM forwards f WHERE"     \
    " f.digest = r.digest AND f.upstream = " P(1) ") THEN 1 ELSE 0 END), 0) FROM results r"

int sqlite_session_each(store *s, int (*fn)(const store_held *h, void *arg),
                        void *arg, char *why);
int sqlite_forward_each(store *s, const char *upstream, int max,
                        int (*fn)(const store_result *r, const char *kiosk_name, void *arg),
                        void *arg, char *why);
int sqlite_forward_mark(store *s, const char *digest, const char *upstream, const char *receipt,
                        int64_t now_ms, char *why);
int sqlite_forward_count(store *s, const char *upstream, int *done, int *todo, char *why);
int pg_session_each(store *s, int (*fn)(const store_held *h, void *arg),
                    void *arg, char *why);
int pg_forward_each(store *s, const char *upstream, int max,
                    int (*fn)(const store_result *r, const char *kiosk_name, void *arg),
                    void *arg, char *why);
int pg_forward_mark(store *s, const char *digest, const char *upstream, const char *receipt,
                    int64_t now_ms, char *why);
int pg_forward_count(store *s, const char *upstream, int *done, int *todo, char *why);

#endif
