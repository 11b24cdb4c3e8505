/* test_store_core.c -- the grading core's store contract: results kept once, evidence, history, kiosks,
 * cohorts, recap runs, schema, threads; on SQLite, or on the PostgreSQL database named by
 * KISI_TEST_STORE_URL (emptied before each test), plus each backend's own checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "fixture.h"
#include "store_int.h"
#include "why.h"

#define NIP_A "199001012020121001"
#define NIP_B "199202022020122002"
#define KEY_1 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define KEY_2 "0123456789abcdef" "1111111111111111" "1111111111111111" "1111111111111111"
#define KEY_3 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

/* The PostgreSQL database under test, or NULL for SQLite files. */
static const char *pg_url;

/* Runs SQL on the PostgreSQL database behind the store's back; the first
 * column of the first row as an integer (0 when none). */
static long long pg_sql(const char *sql)
{
    PGconn *c = PQconnectdb(pg_url);
    if (PQstatus(c) != CONNECTION_OK) fail_msg("%s", PQerrorMessage(c));
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    PGresult *res = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) fail_msg("%s: %s", sql, PQerrorMessage(c));
    long long v = st == PGRES_TUPLES_OK && PQntuples(res) ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
    PQclear(res);
    PQfinish(c);
    return v;
}

/* The URL of the store of dir (static buffer). */
static const char *url_of(const char *dir)
{
    static char url[4200];
    if (pg_url) return pg_url;
    snprintf(url, sizeof url, "sqlite:%s", fx_path(dir, "core.db"));
    return url;
}

/* A fresh folder (and, on PostgreSQL, an emptied database) for a store
 * not yet opened; the caller removes it with fx_rmdir(). */
static char *fresh(void)
{
    if (pg_url) pg_sql("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
    return fx_tmpdir();
}

/* A new store in a fresh folder; *dir is removed with fx_rmdir(). */
static store *open_in(char **dir)
{
    char why[WHY_SIZE] = "";
    *dir = fresh();
    store *s = store_open(url_of(*dir), why);
    if (!s) fail_msg("store_open: %s", why);
    return s;
}

/* Reopens the store of dir. */
static store *reopen(const char *dir, char *why)
{
    return store_open(url_of(dir), why);
}

/* Runs SQL on the store behind its back; returns the first column of the
 * first row as an integer (0 when none). */
static long long raw_sql(const char *dir, const char *sql)
{
    if (pg_url) return pg_sql(sql);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open(fx_path(dir, "core.db"), &db), SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    long long v = 0;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE) fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* A result record (json, 1024 bytes) with its form, and the store_result for it. */
typedef struct sample {
    char json[1024];
    char digest[65];
    store_result r;
} sample;

static void sample_make(sample *x, const char *session, const char *exam, const char *kind,
                        const char *nip, int attempt, int awarded, const char *digest_char)
{
    snprintf(x->json, sizeof x->json,
             "{\"kind\":\"kisi-result\",\"exam\":\"%s\",\"participant\":\"%s\",\"attempt\":%d,"
             "\"form\":{\"exam\":\"%s\",\"participant\":\"%s\",\"attempt\":%d,"
             "\"items\":[{\"id\":\"t0-00%d\",\"topic\":\"t0\",\"options\":[\"B\",\"A\"]}]},"
             "\"answers\":[],\"score\":{\"awarded\":%d}}",
             exam, nip, attempt, exam, nip, attempt, attempt, awarded);
    memset(x->digest, digest_char[0], 64);
    x->digest[64] = 0;
    store_result r = {session, exam, "latsar", kind, nip, attempt, awarded, awarded,
                      awarded >= 7001, x->digest, x->json, "{\"kiosk\":\"k\",\"sig\":\"00\"}",
                      KEY_1, 1000 + attempt, 0};
    x->r = r;
}

/* Puts a sample and returns the outcome. */
static int put(store *s, const char *session, const char *exam, const char *kind,
               const char *nip, int attempt, int awarded, const char *digest_char)
{
    sample x;
    char why[WHY_SIZE] = "";
    sample_make(&x, session, exam, kind, nip, attempt, awarded, digest_char);
    int rc = store_result_put(s, &x.r, why);
    if (rc < 0) fail_msg("store_result_put: %s", why);
    return rc;
}

/* len bytes of every value, NULs included, varied by seed. Caller frees. */
static unsigned char *bytes_of(size_t len, unsigned seed)
{
    unsigned char *b = malloc(len);
    assert_non_null(b);
    for (size_t i = 0; i < len; i++) b[i] = (unsigned char)((i * 131u + seed) % 256u);
    return b;
}

/* True when the blob holds exactly len bytes of data. */
static bool blob_is(const store_blob *b, const unsigned char *data, size_t len)
{
    return b->data && b->len == len && memcmp(b->data, data, len) == 0;
}

static void test_store_keeps_its_rows_when_reopened(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "";
    size_t big = (size_t)3 << 20; /* beyond any single page or message buffer */
    unsigned char *bk = bytes_of(big, 7), *box = bytes_of(60, 1), *other = bytes_of(4096, 9);
    store_blob file, pass;
    store *s = open_in(&dir);
    assert_int_equal(store_bank_put(s, "b1", bk, big, box, 60, why), 0);
    store_close(s);
    assert_int_equal(raw_sql(dir, "SELECT COUNT(*) FROM banks"), 1);
    s = reopen(dir, why);
    assert_non_null(s);
    assert_int_equal(store_bank_get(s, "b1", &file, &pass, why), 1);
    assert_true(blob_is(&file, bk, big));
    assert_true(blob_is(&pass, box, 60));
    store_blob_free(&file);
    store_blob_free(&pass);
    assert_int_equal(store_bank_get(s, "b2", &file, &pass, why), 0);
    assert_null(file.data);
    /* a new copy of a known bk replaces the first */
    assert_int_equal(store_bank_put(s, "b1", other, 4096, box, 30, why), 0);
    assert_int_equal(store_bank_get(s, "b1", &file, &pass, why), 1);
    assert_true(blob_is(&file, other, 4096));
    assert_true(blob_is(&pass, box, 30));
    store_blob_free(&file);
    store_blob_free(&pass);
    assert_int_equal(raw_sql(dir, "SELECT COUNT(*) FROM banks"), 1);
    /* nothing empty is kept */
    assert_int_equal(store_bank_put(s, "b3", bk, 0, box, 60, why), -1);
    assert_non_null(strstr(why, "empty"));
    assert_int_equal(store_bank_put(s, "b3", bk, 10, NULL, 0, why), -1);
    store_close(s);
    free(bk);
    free(box);
    free(other);
    fx_rmdir(dir);
}

static void test_bank_or_session_bytes_changed_in_the_store_are_refused(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", bid[33], exam[65];
    unsigned char *bk = bytes_of(5000, 3), *sess = bytes_of(700, 5);
    store_blob file, pass;
    store *s = open_in(&dir);
    assert_int_equal(store_bank_put(s, "b1", bk, 5000, bk, 40, why), 0);
    assert_int_equal(store_session_put(s, "s1", "b1", "akad", sess, 700, why), 0);
    raw_sql(dir, pg_url ? "UPDATE banks SET file = substring(file from 2)"
                        : "UPDATE banks SET file = substr(file, 2)");
    raw_sql(dir, pg_url ? "UPDATE sessions SET file = file || '\\x00'::bytea"
                        : "UPDATE sessions SET file = file || X'00'");
    assert_int_equal(store_bank_get(s, "b1", &file, &pass, why), -1);
    assert_non_null(strstr(why, "bank b1 in the store is damaged"));
    assert_null(file.data);
    assert_null(pass.data);
    assert_int_equal(store_session_get(s, "s1", bid, exam, &file, why), -1);
    assert_non_null(strstr(why, "session s1 in the store is damaged"));
    assert_null(file.data);
    store_close(s);
    free(bk);
    free(sess);
    fx_rmdir(dir);
}

static void test_sqlite_file_is_private_and_in_wal_mode(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "";
    store *s = open_in(&dir);
    assert_int_equal(store_bank_put(s, "b1", "bank", 4, "pass", 4, why), 0);
    store_close(s);
    struct stat st;
    assert_int_equal(stat(fx_path(dir, "core.db"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(raw_sql(dir, "SELECT COUNT(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), 1);
    fx_rmdir(dir);
}

static void test_session_is_found_by_id(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", bid[33], exam[65];
    unsigned char *one = bytes_of(100000, 11), *two = bytes_of(5, 0);
    store_blob file;
    store *s = open_in(&dir);
    assert_int_equal(store_session_put(s, "s1", "b1", "quiz-1", one, 100000, why), 0);
    assert_int_equal(store_session_get(s, "s1", bid, exam, &file, why), 1);
    assert_string_equal(bid, "b1");
    assert_string_equal(exam, "quiz-1");
    assert_true(blob_is(&file, one, 100000));
    store_blob_free(&file);
    assert_int_equal(store_session_get(s, "s2", bid, exam, &file, why), 0);
    assert_int_equal(store_session_put(s, "s1", "b2", "quiz-2", two, 5, why), 0);
    assert_int_equal(store_session_get(s, "s1", bid, exam, &file, why), 1);
    assert_string_equal(bid, "b2");
    assert_true(blob_is(&file, two, 5));
    store_blob_free(&file);
    /* ids longer than libbank's are refused before they are stored */
    assert_int_equal(store_session_put(s, "s3", "b123456789012345678901234567890123", "q", two, 5,
                                       why), -1);
    assert_int_equal(store_session_put(s, "s3", "b1", "q", two, 0, why), -1);
    store_close(s);
    free(one);
    free(two);
    fx_rmdir(dir);
}

/* Appends "id:exam;" to the buffer at arg. */
static int list_session(const char *session_id, const char *exam_id, void *arg)
{
    size_t n = strlen(arg);
    snprintf((char *)arg + n, 256 - n, "%s:%s;", session_id, exam_id);
    return 0;
}

static int stop_at_first(const char *session_id, const char *exam_id, void *arg)
{
    (void)session_id, (void)exam_id;
    ++*(int *)arg;
    return 1;
}

static void test_sessions_are_listed_by_id(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", seen[256] = "";
    store *s = open_in(&dir);
    assert_int_equal(store_sessions_each(s, list_session, seen, why), 0);
    assert_string_equal(seen, "");
    assert_int_equal(store_session_put(s, "s2", "b1", "quiz-2", "two", 3, why), 0);
    assert_int_equal(store_session_put(s, "s1", "b1", "quiz-1", "one", 3, why), 0);
    assert_int_equal(store_sessions_each(s, list_session, seen, why), 0);
    assert_string_equal(seen, "s1:quiz-1;s2:quiz-2;");
    int calls = 0;
    assert_int_not_equal(store_sessions_each(s, stop_at_first, &calls, why), 0);
    assert_int_equal(calls, 1);
    store_close(s);
    fx_rmdir(dir);
}

static void test_core_key_is_the_first_one_claimed(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", got[65];
    store *s = open_in(&dir);
    assert_int_equal(store_key_claim(s, "0123456789abcdef", got, why), 0);
    assert_string_equal(got, "0123456789abcdef");
    store_close(s);
    s = reopen(dir, why);
    assert_non_null(s);
    assert_int_equal(store_key_claim(s, "fedcba9876543210", got, why), 0);
    assert_string_equal(got, "0123456789abcdef");
    assert_int_equal(store_key_claim(s, "", got, why), -1);
    store_close(s);
    fx_rmdir(dir);
}

/* The schema version this core writes. */
#define SCHEMA_NOW 4

/* Makes the closed store of dir one of schema 3: without the exam room's tables. */
static void back_to_schema_3(const char *dir)
{
    raw_sql(dir, "DROP TABLE leases");
    raw_sql(dir, "DROP TABLE session_opts");
    raw_sql(dir, "DROP TABLE disputes");
    /* forwards (core/forward.c) */
    raw_sql(dir, "DROP TABLE forwards");
    /* replica (core/jstore.c) */
    raw_sql(dir, "DROP TABLE replica");
    /* room log (core/roomlog.c) */
    raw_sql(dir, "DROP TABLE room_seats");
    raw_sql(dir, "DROP TABLE room_commands");
    raw_sql(dir, "DROP TABLE room_log");
    raw_sql(dir, "UPDATE meta SET value = 3 WHERE key = 'kisi-core-schema'");
}

/* Makes the closed store of dir one of schema 2: banks and sessions by path. */
static void back_to_schema_2(const char *dir)
{
    back_to_schema_3(dir);
    raw_sql(dir, "DROP TABLE banks");
    raw_sql(dir, "DROP TABLE sessions");
    raw_sql(dir, "DROP TABLE legacy_files");
    raw_sql(dir, "DROP TABLE core_key");
    raw_sql(dir, "CREATE TABLE banks(id TEXT PRIMARY KEY, bank_path TEXT NOT NULL,"
                 " pass_path TEXT NOT NULL)");
    raw_sql(dir, "CREATE TABLE sessions(id TEXT PRIMARY KEY, bank_id TEXT NOT NULL,"
                 " exam_id TEXT NOT NULL, path TEXT NOT NULL)");
    raw_sql(dir, "UPDATE meta SET value = 2 WHERE key = 'kisi-core-schema'");
}

/* Collects "kind id bank exam path pass|" of the files an earlier core kept. */
static int add_legacy(const store_legacy *l, void *arg)
{
    char *out = arg;
    size_t n = strlen(out);
    snprintf(out + n, 1024 - n, "%s %s %s %s %s %s|", l->kind, l->id, l->bank_id, l->exam_id,
             l->path, l->pass_path);
    return 0;
}

static void test_store_of_schema_2_lists_the_files_it_kept_until_they_are_read_in(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", out[1024] = "";
    store_close(open_in(&dir));
    back_to_schema_2(dir);
    raw_sql(dir, "INSERT INTO banks VALUES ('b1', '/d/banks/b1.bank', '/d/banks/b1.pass')");
    raw_sql(dir, "INSERT INTO sessions VALUES ('s1', 'b1', 'akad', '/d/sessions/s1.session')");
    store *s = reopen(dir, why);
    if (!s) fail_msg("reopen: %s", why);
    assert_int_equal(raw_sql(dir, "SELECT value FROM meta WHERE key = 'kisi-core-schema'"),
                     SCHEMA_NOW);
    assert_int_equal(store_legacy_each(s, add_legacy, out, why), 0);
    assert_string_equal(out, "bank b1   /d/banks/b1.bank /d/banks/b1.pass|"
                             "session s1 b1 akad /d/sessions/s1.session |");
    /* a bank or session read in (or added again) is no longer listed */
    assert_int_equal(store_bank_put(s, "b1", "bank", 4, "box", 3, why), 0);
    out[0] = 0;
    assert_int_equal(store_legacy_each(s, add_legacy, out, why), 0);
    assert_string_equal(out, "session s1 b1 akad /d/sessions/s1.session |");
    assert_int_equal(store_session_put(s, "s1", "b1", "akad", "sess", 4, why), 0);
    out[0] = 0;
    assert_int_equal(store_legacy_each(s, add_legacy, out, why), 0);
    assert_string_equal(out, "");
    store_close(s);
    fx_rmdir(dir);
}

static void test_kiosk_enrols_pending_and_keeps_its_state_on_re_enrolment(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", st[16];
    store *s = open_in(&dir);
    assert_int_equal(store_kiosk_state(s, KEY_1, st, why), 0);
    assert_int_equal(store_kiosk_enrol(s, KEY_1, "lab 1", 10, why), 0);
    assert_int_equal(store_kiosk_state(s, KEY_1, st, why), 1);
    assert_string_equal(st, "pending");
    assert_int_equal(store_kiosk_set(s, "01234567", "revoked", why), 0);
    assert_int_equal(store_kiosk_enrol(s, KEY_1, "lab 1 again", 20, why), 0);
    assert_int_equal(store_kiosk_state(s, KEY_1, st, why), 1);
    assert_string_equal(st, "revoked");
    assert_int_equal(store_kiosk_enrol(s, "xyz", "bad", 30, why), -1);
    assert_int_equal(store_kiosk_set(s, "01234567", "banned", why), -1);
    assert_non_null(strstr(why, "pending, approved, revoked"));
    store_close(s);
    fx_rmdir(dir);
}

static void test_pending_kiosks_expire_unless_approved_or_results_wait_for_them(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", st[16];
    store *s = open_in(&dir);
    int n = -1;
    assert_int_equal(store_kiosk_enrol(s, KEY_1, "old", 10, why), 0);
    assert_int_equal(store_kiosk_enrol(s, KEY_2, "approved", 20, why), 0);
    assert_int_equal(store_kiosk_enrol(s, KEY_3, "with a waiting result", 30, why), 0);
    assert_int_equal(store_kiosk_set(s, KEY_2, "approved", why), 0);
    store_pending p = {KEY_3, "s1", "akad", NIP_A, 1, "d1", "{}", "{\"sig\":1}", 30};
    assert_int_equal(store_pending_put(s, &p, why), 0);
    assert_int_equal(store_kiosk_expire(s, 10, &n, why), 0);   /* enrolled at 10: not before */
    assert_int_equal(n, 0);
    assert_int_equal(store_kiosk_expire(s, 100, &n, why), 0);
    assert_int_equal(n, 1);
    assert_int_equal(store_kiosk_state(s, KEY_1, st, why), 0);
    assert_int_equal(store_kiosk_state(s, KEY_2, st, why), 1);
    assert_int_equal(store_kiosk_state(s, KEY_3, st, why), 1);
    assert_string_equal(st, "pending");
    store_close(s);
    fx_rmdir(dir);
}

static void test_kiosk_prefix_must_be_unique(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", st[16];
    store *s = open_in(&dir);
    assert_int_equal(store_kiosk_enrol(s, KEY_1, "lab 1", 10, why), 0);
    assert_int_equal(store_kiosk_enrol(s, KEY_2, "lab 2", 11, why), 0);
    assert_int_equal(store_kiosk_enrol(s, KEY_3, "lab 3", 12, why), 0);
    assert_int_equal(store_kiosk_set(s, "0123456789abcdef", "approved", why), -1);
    assert_non_null(strstr(why, "ambiguous"));
    assert_int_equal(store_kiosk_set(s, "aaaaaaaa", "approved", why), -1);
    assert_non_null(strstr(why, "no kiosk"));
    assert_int_equal(store_kiosk_set(s, "fedcba9", "approved", why), -1); /* 7 digits */
    assert_int_equal(store_kiosk_set(s, "0123456789ABCDEF0", "approved", why), 0);
    assert_int_equal(store_kiosk_state(s, KEY_1, st, why), 1);
    assert_string_equal(st, "approved");
    assert_int_equal(store_kiosk_state(s, KEY_2, st, why), 1);
    assert_string_equal(st, "pending");
    assert_int_equal(store_kiosk_set(s, "fedcba98", "approved", why), 0);
    assert_int_equal(store_kiosk_state(s, KEY_3, st, why), 1);
    assert_string_equal(st, "approved");
    store_close(s);
    fx_rmdir(dir);
}

/* Counts kiosks; when arg is a store, asks it for each kiosk's state again. */
static int count_kiosk(const char *pub, const char *name, const char *st, int64_t ms, void *arg)
{
    int *n = arg;
    (void)name;
    (void)ms;
    assert_int_equal(strlen(pub), 64);
    assert_string_equal(st, "pending");
    return ++*n == 2 ? 7 : 0;
}

/* Asks the store again from inside a walk. */
static int reenter(const char *pub, const char *name, const char *st, int64_t ms, void *arg)
{
    char again[16], why[WHY_SIZE];
    (void)name;
    (void)ms;
    assert_int_equal(store_kiosk_state(arg, pub, again, why), 1);
    assert_string_equal(again, st);
    return 0;
}

static void test_walk_stops_when_asked_and_may_call_the_store(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "";
    store *s = open_in(&dir);
    assert_int_equal(store_kiosk_enrol(s, KEY_1, "lab 1", 10, why), 0);
    assert_int_equal(store_kiosk_enrol(s, KEY_2, "lab 2", 11, why), 0);
    assert_int_equal(store_kiosk_enrol(s, KEY_3, "lab 3", 12, why), 0);
    int n = 0;
    assert_int_equal(store_kiosk_each(s, count_kiosk, &n, why), 7);
    assert_int_equal(n, 2);
    assert_int_equal(store_kiosk_each(s, reenter, s, why), 0);
    store_close(s);
    fx_rmdir(dir);
}

static void test_result_is_stored_exactly_once(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "";
    store *s = open_in(&dir);
    assert_int_equal(put(s, "s1", "akad", "academic", NIP_A, 1, 8000, "a"), STORE_NEW);
    assert_int_equal(put(s, "s1", "akad", "academic", NIP_A, 1, 8000, "a"), STORE_SAME);
    int count = -1, highest = -1;
    assert_int_equal(store_attempts(s, "akad", NIP_A, &count, &highest, why), 0);
    assert_int_equal(count, 1);
    assert_int_equal(highest, 1);
    store_close(s);
    assert_int_equal(raw_sql(dir, "SELECT COUNT(*) FROM results"), 1);
    assert_int_equal(raw_sql(dir, "SELECT COUNT(*) FROM evidence"), 0);
    fx_rmdir(dir);
}

/* Copies the digest of the first result seen into arg (65 bytes). */
static int first_digest(const store_result *r, void *arg)
{
    snprintf(arg, 65, "%s", r->digest);
    return 0;
}

/* Collects "exam nip attempt keep by|" of each dispute into arg (1024 bytes). */
static int add_dispute(const store_dispute *d, void *arg)
{
    char *out = arg;
    size_t n = strlen(out);
    snprintf(out + n, 1024 - n, "%s %s %d %.1s %s|", d->exam_id, d->nip, d->attempt,
             d->keep_digest[0] ? d->keep_digest : "-", d->by[0] ? d->by : "-");
    return 0;
}

/* Collects "state digest-char awarded|" of each record into arg (1024 bytes). */
static int add_record(const store_dispute_record *r, void *arg)
{
    char *out = arg;
    size_t n = strlen(out);
    snprintf(out + n, 1024 - n, "%s %.1s %d|", r->state, r->digest, r->awarded);
    return 0;
}

static void test_conflicting_result_is_kept_as_evidence_and_the_attempt_disputed(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", held[65] = "", list[1024] = "", kept[65] = "";
    store *s = open_in(&dir);
    assert_int_equal(put(s, "s1", "akad", "academic", NIP_A, 1, 8000, "a"), STORE_NEW);
    assert_int_equal(put(s, "s1", "akad", "academic", NIP_A, 1, 9500, "b"), STORE_CONFLICT);
    assert_int_equal(put(s, "s1", "akad", "academic", NIP_A, 1, 9500, "b"), STORE_CONFLICT);
    assert_int_equal(store_results_of_session(s, "s1", first_digest, held, why), 0);
    assert_int_equal(held[0], 'a');
    int awarded = 0, disputes = -1;
    bool passed = false;
    /* disputed: neither record counts, the attempt is left out */
    assert_int_equal(store_best(s, "akad", NIP_A, &awarded, &passed, &disputes, NULL, why), 0);
    assert_int_equal(disputes, 1);
    assert_int_equal(store_dispute_each(s, "", add_dispute, list, why), 0);
    assert_string_equal(list, "akad " NIP_A " 1 - -|");
    list[0] = 0;
    assert_int_equal(store_dispute_records(s, "akad", NIP_A, 1, add_record, list, why), 0);
    assert_string_equal(list, "stored a 8000|evidence b 9500|");
    /* the operator keeps one: by a digest prefix naming exactly one record of the attempt */
    assert_int_equal(store_dispute_resolve(s, "akad", NIP_A, 1, "cccccccc", "Rina", "kiosk log",
                                           50, kept, why), -1);
    assert_non_null(strstr(why, "no record"));
    assert_int_equal(store_dispute_resolve(s, "akad", NIP_A, 2, "bbbbbbbb", "Rina", "kiosk log",
                                           50, kept, why), -1);
    assert_non_null(strstr(why, "not disputed"));
    assert_int_equal(store_dispute_resolve(s, "akad", NIP_A, 1, "bbbb", "Rina", "x", 50, kept, why),
                     -1);
    assert_int_equal(store_dispute_resolve(s, "akad", NIP_A, 1, "bbbbbbbb", "", "x", 50, kept, why),
                     -1);
    assert_int_equal(store_dispute_resolve(s, "akad", NIP_A, 1, "bbbbbbbb", "Rina",
                                           "the second seat's journal is the true one", 50, kept,
                                           why), 0);
    assert_int_equal(kept[0], 'b');
    assert_int_equal(store_best(s, "akad", NIP_A, &awarded, &passed, &disputes, NULL, why), 1);
    assert_int_equal(awarded, 9500);
    assert_int_equal(disputes, 0);
    list[0] = 0;
    assert_int_equal(store_dispute_each(s, "akad", add_dispute, list, why), 0);
    assert_string_equal(list, "akad " NIP_A " 1 b Rina|");
    /* the operator may choose again: the first record now */
    assert_int_equal(store_dispute_resolve(s, "akad", NIP_A, 1, "aaaaaaaa", "Budi", "audit", 60,
                                           kept, why), 0);
    assert_int_equal(store_best(s, "akad", NIP_A, &awarded, &passed, &disputes, NULL, why), 1);
    assert_int_equal(awarded, 8000);
    assert_int_equal(store_best(s, "akad", NIP_B, &awarded, &passed, &disputes, NULL, why), 0);
    assert_int_equal(disputes, 0);
    store_close(s);
    assert_int_equal(raw_sql(dir, "SELECT COUNT(*) FROM results"), 1);
    assert_int_equal(raw_sql(dir, "SELECT COUNT(*) FROM evidence"), 1);
    assert_int_equal(raw_sql(dir, "SELECT awarded FROM evidence"), 9500);
    fx_rmdir(dir);
}

/* Puts a sample whose record carries `acc` as its accommodations (a JSON object). */
static void put_acc(store *s, const char *nip, int attempt, const char *digest_char,
                    const char *acc)
{
    sample x;
    char why[WHY_SIZE] = "";
    sample_make(&x, "s1", "akad", "academic", nip, attempt, 7000 + attempt, digest_char);
    size_t n = strlen(x.json);
    snprintf(x.json + n - 1, sizeof x.json - n + 1, ",\"accommodations\":%s}", acc);
    if (store_result_put(s, &x.r, why) < 0) fail_msg("store_result_put: %s", why);
}

static void test_best_gives_the_accommodations_the_results_record(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "";
    store *s = open_in(&dir);
    put_acc(s, NIP_A, 1, "a", "{\"extra_minutes\":15,\"read_aloud\":false}");
    put_acc(s, NIP_A, 2, "b", "{\"extra_minutes\":0,\"read_aloud\":true}");
    put(s, "s1", "akad", "academic", NIP_B, 1, 9000, "c");  /* a record of version 1 */
    int awarded = 0;
    bool passed = false;
    store_acc acc = {false, -1};
    assert_int_equal(store_best(s, "akad", NIP_A, &awarded, &passed, NULL, &acc, why), 1);
    assert_true(acc.read_aloud);
    assert_int_equal(acc.extra_minutes, 15);
    acc = (store_acc){true, -1};
    assert_int_equal(store_best(s, "akad", NIP_B, &awarded, &passed, NULL, &acc, why), 1);
    assert_false(acc.read_aloud);
    assert_int_equal(acc.extra_minutes, 0);
    store_close(s);
    fx_rmdir(dir);
}

static void test_attempts_count_and_best_score(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "";
    store *s = open_in(&dir);
    int count = -1, highest = -1, awarded = -1;
    bool passed = true;
    assert_int_equal(store_attempts(s, "akad", NIP_A, &count, &highest, why), 0);
    assert_int_equal(count, 0);
    assert_int_equal(highest, 0);
    assert_int_equal(store_best(s, "akad", NIP_A, &awarded, &passed, NULL, NULL, why), 0);
    put(s, "s1", "akad", "academic", NIP_A, 1, 6000, "a");
    put(s, "s2", "akad", "academic", NIP_A, 2, 7500, "b");
    put(s, "s3", "akad", "academic", NIP_A, 4, 6500, "c");
    put(s, "s3", "akad", "academic", NIP_B, 1, 9000, "d");
    assert_int_equal(store_attempts(s, "akad", NIP_A, &count, &highest, why), 0);
    assert_int_equal(count, 3);
    assert_int_equal(highest, 4);
    assert_int_equal(store_best(s, "akad", NIP_A, &awarded, &passed, NULL, NULL, why), 1);
    assert_int_equal(awarded, 7500);
    assert_true(passed);
    store_close(s);
    fx_rmdir(dir);
}

/* Puts with the exam's attempt limit and returns the outcome. */
static int put_limited(store *s, const char *nip, int attempt, int max, const char *digest_char)
{
    sample x;
    char why[WHY_SIZE] = "";
    sample_make(&x, "s1", "kuis", "quiz", nip, attempt, 8000, digest_char);
    x.r.max_attempts = max;
    int rc = store_result_put(s, &x.r, why);
    if (rc < 0) fail_msg("store_result_put: %s", why);
    return rc;
}

static void test_attempt_limit_is_checked_where_the_result_is_stored(void **state)
{
    (void)state;
    char *dir;
    store *s = open_in(&dir);
    assert_int_equal(put_limited(s, NIP_A, 1, 2, "a"), STORE_NEW);
    assert_int_equal(put_limited(s, NIP_A, 3, 2, "c"), STORE_TOO_MANY); /* beyond the limit */
    assert_int_equal(put_limited(s, NIP_A, 2, 2, "b"), STORE_NEW);
    assert_int_equal(put_limited(s, NIP_A, 2, 2, "b"), STORE_SAME);     /* a retry still answers */
    assert_int_equal(put_limited(s, NIP_A, 2, 2, "x"), STORE_CONFLICT); /* and a twin is evidence */
    assert_int_equal(put_limited(s, NIP_B, 1, 2, "d"), STORE_NEW);      /* counted per person */
    store_close(s);
    assert_int_equal(raw_sql(dir, "SELECT COUNT(*) FROM results"), 3);
    assert_int_equal(raw_sql(dir, "SELECT COUNT(*) FROM evidence"), 1);
    fx_rmdir(dir);
}

static void test_quizzes_of_a_programme_are_known_from_their_sessions(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", **ids = NULL;
    size_t n = 0;
    store *s = open_in(&dir);
    assert_int_equal(store_exam_note(s, "quiz-x", "quiz", "latsar-2026", why), 0);
    assert_int_equal(store_exam_note(s, "akademik", "academic", "latsar-2026", why), 0);
    assert_int_equal(store_exam_note(s, "quiz-y", "quiz", "other", why), 0);
    assert_int_equal(store_programme_quizzes(s, "latsar-2026", &ids, &n, why), 0);
    assert_int_equal(n, 1);
    assert_string_equal(ids[0], "quiz-x");
    char missing[64] = "";
    assert_int_equal(store_quizzes_passed(s, NIP_A, (const char *const *)ids, n, missing,
                                          sizeof missing, why), 0);
    assert_string_equal(missing, "quiz-x");
    for (size_t i = 0; i < n; i++) free(ids[i]);
    free(ids);
    store_close(s);
    fx_rmdir(dir);
}

static void test_quiz_gate_names_the_first_quiz_not_passed(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", missing[64] = "";
    store *s = open_in(&dir);
    put(s, "s1", "quiz-1", "quiz", NIP_A, 1, 8000, "a");
    put(s, "s2", "quiz-2", "quiz", NIP_A, 1, 5000, "b");
    put(s, "s2", "quiz-2", "quiz", NIP_B, 1, 9000, "c");
    put(s, "s4", "akad", "academic", NIP_A, 1, 9000, "d");
    char **ids = NULL;
    size_t n = 0;
    assert_int_equal(store_programme_quizzes(s, "latsar", &ids, &n, why), 0);
    assert_int_equal(n, 2);
    assert_string_equal(ids[0], "quiz-1");
    assert_string_equal(ids[1], "quiz-2");
    assert_int_equal(store_quizzes_passed(s, NIP_A, (const char *const *)ids, n, missing,
                                          sizeof missing, why), 0);
    assert_string_equal(missing, "quiz-2");
    assert_int_equal(store_quizzes_passed(s, NIP_B, (const char *const *)ids, n, missing,
                                          sizeof missing, why), 0);
    assert_string_equal(missing, "quiz-1");
    put(s, "s3", "quiz-2", "quiz", NIP_A, 2, 7500, "e");
    assert_int_equal(store_quizzes_passed(s, NIP_A, (const char *const *)ids, n, missing,
                                          sizeof missing, why), 1);
    for (size_t i = 0; i < n; i++) free(ids[i]);
    free(ids);
    assert_int_equal(store_programme_quizzes(s, "smart", &ids, &n, why), 0);
    assert_int_equal(n, 0);
    free(ids);
    store_close(s);
    fx_rmdir(dir);
}

/* Appends each form and a newline to the string buffer arg (4096 bytes). */
static int add_form(const char *form, void *arg)
{
    char *buf = arg;
    size_t len = strlen(buf);
    snprintf(buf + len, 4096 - len, "%s\n", form);
    return 0;
}

static void test_history_lists_forms_by_participant_and_attempt(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", buf[4096] = "";
    store *s = open_in(&dir);
    put(s, "s2", "akad", "academic", NIP_B, 1, 8000, "a");
    put(s, "s3", "akad", "academic", NIP_A, 2, 8000, "b");
    put(s, "s1", "akad", "academic", NIP_A, 1, 6000, "c");
    put(s, "s1", "other", "academic", NIP_A, 1, 6000, "d");
    assert_int_equal(store_history(s, "akad", add_form, buf, why), 0);
    const char *want =
        "{\"exam\":\"akad\",\"participant\":\"" NIP_A "\",\"attempt\":1,\"items\":[{\"id\":"
        "\"t0-001\",\"topic\":\"t0\",\"options\":[\"B\",\"A\"]}]}\n"
        "{\"exam\":\"akad\",\"participant\":\"" NIP_A "\",\"attempt\":2,\"items\":[{\"id\":"
        "\"t0-002\",\"topic\":\"t0\",\"options\":[\"B\",\"A\"]}]}\n"
        "{\"exam\":\"akad\",\"participant\":\"" NIP_B "\",\"attempt\":1,\"items\":[{\"id\":"
        "\"t0-001\",\"topic\":\"t0\",\"options\":[\"B\",\"A\"]}]}\n";
    assert_string_equal(buf, want);
    buf[0] = 0;
    assert_int_equal(store_history(s, "none", add_form, buf, why), 0);
    assert_string_equal(buf, "");
    store_close(s);
    fx_rmdir(dir);
}

/* Notes each result of the room as "nip/attempt/awarded/passed;". */
static int note_result(const store_result *r, void *arg)
{
    char *buf = arg;
    size_t len = strlen(buf);
    assert_non_null(strstr(r->json, "\"form\""));
    assert_string_equal(r->kiosk, KEY_1);
    assert_string_equal(r->programme, "latsar");
    snprintf(buf + len, 512 - len, "%s/%d/%d/%d;", r->nip + 14, r->attempt, r->awarded,
             r->passed);
    return 0;
}

static void test_room_lists_the_results_of_its_session(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", buf[512] = "";
    store *s = open_in(&dir);
    put(s, "room", "akad", "academic", NIP_B, 1, 8000, "a");
    put(s, "room", "akad", "academic", NIP_A, 3, 6000, "b");
    put(s, "elsewhere", "akad", "academic", NIP_A, 1, 6000, "c");
    assert_int_equal(store_results_of_session(s, "room", note_result, buf, why), 0);
    assert_string_equal(buf, "1001/3/6000/0;2002/1/8000/1;");
    store_close(s);
    fx_rmdir(dir);
}

static void test_results_of_an_exam_span_its_sessions_by_nip_and_attempt(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", buf[512] = "";
    store *s = open_in(&dir);
    put(s, "room", "akad", "academic", NIP_B, 1, 8000, "a");
    put(s, "remedial", "akad", "academic", NIP_A, 2, 6000, "b");
    put(s, "room", "akad", "academic", NIP_A, 1, 5000, "c");
    put(s, "room", "other", "academic", NIP_A, 1, 9000, "d");
    assert_int_equal(store_results_of_exam(s, "akad", note_result, buf, why), 0);
    assert_string_equal(buf, "1001/1/5000/0;1001/2/6000/0;2002/1/8000/1;");
    buf[0] = 0;
    assert_int_equal(store_results_of_exam(s, "none", note_result, buf, why), 0);
    assert_string_equal(buf, "");
    store_close(s);
    fx_rmdir(dir);
}

/* Notes each aspect row as "nip=row;". */
static int note_row(const char *nip, const char *row, void *arg)
{
    char *buf = arg;
    size_t len = strlen(buf);
    snprintf(buf + len, 512 - len, "%s=%s;", nip + 14, row);
    return 0;
}

static void test_aspect_rows_replace_earlier_rows_of_a_known_cohort(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", buf[512] = "", *def = NULL;
    store *s = open_in(&dir);
    assert_int_equal(store_cohort_get(s, "latsar-1", &def, why), 0);
    assert_int_equal(store_aspects_put(s, "latsar-1", NIP_A, "{\"pktbt\":8000}", why), -1);
    assert_non_null(strstr(why, "not known"));
    assert_int_equal(store_cohort_put(s, "latsar-1", "{\"name\":\"Angkatan I\"}", why), 0);
    assert_int_equal(store_cohort_put(s, "latsar-1", "{\"name\":\"Angkatan 1\"}", why), 0);
    assert_int_equal(store_cohort_put(s, "latsar-1", "{\"name\":", why), -1);
    assert_non_null(strstr(why, "not JSON"));
    assert_int_equal(store_cohort_get(s, "latsar-1", &def, why), 1);
    assert_string_equal(def, "{\"name\":\"Angkatan 1\"}");
    free(def);
    assert_int_equal(store_aspects_put(s, "latsar-1", NIP_B, "{\"pktbt\":7000}", why), 0);
    assert_int_equal(store_aspects_put(s, "latsar-1", NIP_A, "{\"pktbt\":8000}", why), 0);
    assert_int_equal(store_aspects_put(s, "latsar-1", NIP_A, "{\"pktbt\":8500}", why), 0);
    assert_int_equal(store_aspects_each(s, "latsar-1", note_row, buf, why), 0);
    assert_string_equal(buf, "1001={\"pktbt\":8500};2002={\"pktbt\":7000};");
    store_close(s);
    fx_rmdir(dir);
}

static void test_recap_rerun_is_kept_beside_the_first(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", *json = NULL;
    store *s = open_in(&dir);
    int run = 0, got = 0;
    assert_int_equal(store_recap_add(s, "latsar-1", "{\"run\":\"first\"}", 100, &run, why), -1);
    assert_int_equal(store_cohort_put(s, "latsar-1", "{}", why), 0);
    assert_int_equal(store_cohort_put(s, "latsar-2", "{}", why), 0);
    assert_int_equal(store_recap_get(s, "latsar-1", 0, &json, &got, why), 0);
    assert_int_equal(store_recap_add(s, "latsar-1", "{\"run\":\"first\"}", 100, &run, why), 0);
    assert_int_equal(run, 1);
    assert_int_equal(store_recap_add(s, "latsar-2", "{\"run\":\"other\"}", 150, &run, why), 0);
    assert_int_equal(run, 1);
    assert_int_equal(store_recap_add(s, "latsar-1", "{\"run\":\"second\"}", 200, &run, why), 0);
    assert_int_equal(run, 2);
    assert_int_equal(store_recap_get(s, "latsar-1", 0, &json, &got, why), 1);
    assert_int_equal(got, 2);
    assert_string_equal(json, "{\"run\":\"second\"}");
    free(json);
    assert_int_equal(store_recap_get(s, "latsar-1", 1, &json, &got, why), 1);
    assert_int_equal(got, 1);
    assert_string_equal(json, "{\"run\":\"first\"}");
    free(json);
    assert_int_equal(store_recap_get(s, "latsar-1", 3, &json, &got, why), 0);
    assert_int_equal(store_recap_get(s, "latsar-1", -1, &json, &got, why), -1);
    store_close(s);
    fx_rmdir(dir);
}

/* One core recording recap runs: RUNS_EACH records through its handle. */
#define RECORDERS 6
#define RUNS_EACH 4

typedef struct recorder {
    store *s;
    int runs[RUNS_EACH];
    int failed;
    char why[WHY_SIZE];
} recorder;

static void *record_runs(void *arg)
{
    recorder *r = arg;
    for (int i = 0; i < RUNS_EACH; i++)
        if (store_recap_add(r->s, "latsar-1", "{\"participants\":[]}", 100 + i, &r->runs[i],
                            r->why) != 0)
            r->failed++;
    return NULL;
}

static void test_recap_runs_recorded_at_once_by_several_cores_are_numbered_once(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "";
    store *one = open_in(&dir);
    assert_int_equal(store_cohort_put(one, "latsar-1", "{}", why), 0);
    store *two = reopen(dir, why);
    assert_non_null(two);
    pthread_t t[RECORDERS];
    recorder r[RECORDERS];
    int started = 0, failed = 0;
    for (int i = 0; i < RECORDERS; i++) {
        memset(&r[i], 0, sizeof r[i]);
        r[i].s = i % 2 ? two : one;
        if (pthread_create(&t[i], NULL, record_runs, &r[i]) == 0) started++;
        else break;
    }
    /* every thread is joined before anything is checked */
    bool seen[RECORDERS * RUNS_EACH + 1] = {false};
    int dup = 0, bad = 0;
    for (int i = 0; i < started; i++) {
        pthread_join(t[i], NULL);
        failed += r[i].failed;
        for (int k = 0; k < RUNS_EACH - r[i].failed; k++) {
            int n = r[i].runs[k];
            if (n < 1 || n > RECORDERS * RUNS_EACH) bad++;
            else if (seen[n]) dup++;
            else seen[n] = true;
        }
    }
    store_close(two);
    long long rows = raw_sql(dir, "SELECT COUNT(DISTINCT run) FROM recaps WHERE cohort_id = 'latsar-1'");
    store_close(one);
    fx_rmdir(dir);
    assert_int_equal(started, RECORDERS);
    if (failed) fail_msg("%d recordings failed: %s", failed, r[0].why[0] ? r[0].why : r[1].why);
    assert_int_equal(bad, 0);
    assert_int_equal(dup, 0);
    assert_int_equal(rows, RECORDERS * RUNS_EACH);
}

static void test_newer_schema_is_refused(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "";
    store_close(open_in(&dir));
    raw_sql(dir, "UPDATE meta SET value = 99 WHERE key = 'kisi-core-schema'");
    assert_null(reopen(dir, why));
    assert_non_null(strstr(why, "newer"));
    assert_non_null(strstr(why, "99"));
    fx_rmdir(dir);
}

static void test_store_holding_other_tables_is_refused(void **state)
{
    (void)state;
    char *dir = fresh(), why[WHY_SIZE] = "";
    raw_sql(dir, "CREATE TABLE items(id TEXT)");
    assert_null(reopen(dir, why));
    assert_non_null(strstr(why, "not a Kisi core store"));
    raw_sql(dir, "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
    assert_null(reopen(dir, why));
    assert_non_null(strstr(why, "not a Kisi core store"));
    fx_rmdir(dir);
}

static void test_sqlite_file_that_is_no_database_is_refused(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "", url[4200];
    FILE *f = fopen(fx_path(dir, "core.db"), "w");
    assert_non_null(f);
    fputs("this is a text file, long enough to be no database header at all.....\n", f);
    fclose(f);
    assert_null(reopen(dir, why));
    assert_non_null(strstr(why, "not an SQLite file"));
    snprintf(url, sizeof url, "sqlite:%s", fx_path(dir, "missing/core.db"));
    assert_null(store_open(url, why));
    assert_non_null(strstr(why, "cannot create"));
    fx_rmdir(dir);
}

static void test_store_url_names_a_known_backend(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "";
    assert_null(store_open("mysql://kisi:secret@db.example/kisi", why));
    assert_non_null(strstr(why, "unknown store URL scheme \"mysql:\""));
    assert_null(strstr(why, "secret"));
    assert_null(store_open("core.db", why));
    assert_non_null(strstr(why, "no scheme"));
    assert_null(store_open("sqlite:", why));
    assert_null(store_open(NULL, why));
    assert_int_equal(store_kiosk_set(NULL, "01234567", "approved", why), -1);
    assert_non_null(strstr(why, "not open"));
}

/* store_open(url) fails with one line that holds `want` and not "secret". */
static void refused_in_one_line(const char *url, const char *want)
{
    char why[WHY_SIZE] = "";
    assert_null(store_open(url, why));
    if (!strstr(why, want)) fail_msg("%s: \"%s\" does not say %s", url, why, want);
    assert_null(strstr(why, "secret"));
    assert_null(strchr(why, '\n'));
}

static void test_postgres_url_that_fails_says_why_in_one_line_without_the_password(void **state)
{
    (void)state;
    refused_in_one_line("postgres://kisi:secret@127.0.0.1:1/kisi", "Connection refused");
    refused_in_one_line("postgresql://kisi:secret@127.0.0.1:1/kisi?connect_timeout=5",
                        "the PostgreSQL database kisi on 127.0.0.1:1");
    refused_in_one_line("postgres://kisi:se%zzcret@127.0.0.1/kisi", "URL is not valid");
    refused_in_one_line("postgres://kisi:secret@[::1/kisi", "URL is not valid");
    refused_in_one_line("postgres://127.0.0.1:1/kisi?password=secret&bogus=secret", "not valid");
}

enum { THREADS = 4, PUTS = 25 };

typedef struct worker {
    store *s;
    int id;
    int stored;
} worker;

/* Puts PUTS results of its own participant, each twice. */
static void *work(void *arg)
{
    worker *w = arg;
    char nip[19], why[WHY_SIZE];
    snprintf(nip, sizeof nip, "19900101202012%04d", w->id);
    for (int a = 1; a <= PUTS; a++) {
        sample x;
        sample_make(&x, "room", "akad", "academic", nip, a, 5000 + a, "a");
        if (store_result_put(w->s, &x.r, why) == STORE_NEW) w->stored++;
        if (store_result_put(w->s, &x.r, why) != STORE_SAME) w->stored = -1000;
        int count = 0, highest = 0;
        if (store_attempts(w->s, "akad", nip, &count, &highest, why) != 0 || highest != a)
            w->stored = -1000;
    }
    return NULL;
}

static void test_concurrent_puts_from_threads_are_safe(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "";
    store *one = open_in(&dir), *two = reopen(dir, why);
    assert_non_null(two);
    pthread_t t[THREADS];
    worker w[THREADS];
    int started = 0;
    for (; started < THREADS; started++) {
        w[started] = (worker){started % 2 ? two : one, started, 0};
        if (pthread_create(&t[started], NULL, work, &w[started]) != 0) break;
    }
    /* every thread is joined before anything is checked: a failed check
     * leaves this frame, and a thread still running would write into it */
    for (int i = 0; i < started; i++) pthread_join(t[i], NULL);
    assert_int_equal(started, THREADS);
    for (int i = 0; i < THREADS; i++) assert_int_equal(w[i].stored, PUTS);
    store_close(one);
    store_close(two);
    assert_int_equal(raw_sql(dir, "SELECT COUNT(*) FROM results"), THREADS * PUTS);
    fx_rmdir(dir);
}

enum { RACERS = 12 }; /* more than a PostgreSQL store keeps connections */

typedef struct racer {
    store *s;
    const store_result *r;
    int got;
} racer;

/* Puts r->r once; the outcome in got. */
static void *race(void *arg)
{
    racer *r = arg;
    char why[WHY_SIZE] = "";
    r->got = store_result_put(r->s, r->r, why);
    return NULL;
}

/* Puts RACERS results at once through two handles of one store (two cores
 * on one database): samples[i % nsamples] by racer i. Counts the outcomes
 * into got[STORE_TOO_MANY + 1]. */
static void race_puts(const char *dir, store *one, const sample *samples, int nsamples,
                      int got[STORE_TOO_MANY + 1])
{
    char why[WHY_SIZE] = "";
    store *two = reopen(dir, why);
    assert_non_null(two);
    pthread_t t[RACERS];
    racer r[RACERS];
    int started = 0;
    for (; started < RACERS; started++) {
        r[started] = (racer){started % 2 ? two : one, &samples[started % nsamples].r, -1};
        if (pthread_create(&t[started], NULL, race, &r[started]) != 0) break;
    }
    for (int i = 0; i < started; i++) pthread_join(t[i], NULL); /* before any check */
    store_close(two);
    assert_int_equal(started, RACERS);
    memset(got, 0, sizeof(int) * (STORE_TOO_MANY + 1));
    for (int i = 0; i < RACERS; i++) {
        assert_in_range(r[i].got, STORE_NEW, STORE_TOO_MANY);
        got[r[i].got]++;
    }
}

static void test_one_new_result_put_at_once_by_many_is_stored_once(void **state)
{
    (void)state;
    char *dir;
    int got[STORE_TOO_MANY + 1];
    store *s = open_in(&dir);
    sample x;
    sample_make(&x, "s1", "akad", "academic", NIP_A, 1, 8000, "a");
    race_puts(dir, s, &x, 1, got);
    assert_int_equal(got[STORE_NEW], 1);
    assert_int_equal(got[STORE_SAME], RACERS - 1);
    store_close(s);
    assert_int_equal(raw_sql(dir, "SELECT COUNT(*) FROM results"), 1);
    assert_int_equal(raw_sql(dir, "SELECT COUNT(*) FROM evidence"), 0);
    fx_rmdir(dir);
}

static void test_rival_results_put_at_once_keep_the_first_and_the_rest_as_evidence(void **state)
{
    (void)state;
    char *dir;
    int got[STORE_TOO_MANY + 1];
    store *s = open_in(&dir);
    sample x[3];
    sample_make(&x[0], "s1", "kuis", "quiz", NIP_A, 2, 8000, "a");
    sample_make(&x[1], "s1", "kuis", "quiz", NIP_A, 2, 8100, "b");
    sample_make(&x[2], "s1", "kuis", "quiz", NIP_A, 2, 8200, "c");
    for (int i = 0; i < 3; i++) x[i].r.max_attempts = 2;
    race_puts(dir, s, x, 3, got);
    assert_int_equal(got[STORE_NEW], 1);
    assert_int_equal(got[STORE_CONFLICT] + got[STORE_SAME], RACERS - 1);
    assert_int_equal(got[STORE_TOO_MANY], 0);
    store_close(s);
    assert_int_equal(raw_sql(dir, "SELECT COUNT(*) FROM results"), 1);
    assert_int_equal(raw_sql(dir, "SELECT COUNT(*) FROM evidence"), 2);
    fx_rmdir(dir);
}

/* One kiosk asking for a lease while others ask for it too. */
typedef struct taker {
    store *s;
    char kiosk[65], seat[8];
    int rc;
    char why[WHY_SIZE];
} taker;

static void *take_lease(void *arg)
{
    taker *t = arg;
    store_lease h;
    t->rc = store_lease_take(t->s, "s1", NIP_A, 1, t->kiosk, t->seat, 10, &h, t->why);
    return NULL;
}

static void test_lease_asked_for_at_once_by_many_seats_goes_to_one(void **state)
{
    (void)state;
    enum { SEATS = 8 };
    char *dir, why[WHY_SIZE] = "";
    store *s = open_in(&dir);
    pthread_t th[SEATS];
    taker t[SEATS];
    int started = 0, granted = 0, refused = 0;
    for (; started < SEATS; started++) {
        t[started] = (taker){.s = s, .rc = -2};
        for (int c = 0; c < 64; c++) t[started].kiosk[c] = "0123456789abcdef"[(c + started) % 16];
        snprintf(t[started].seat, sizeof t[started].seat, "A%02d", started);
        if (pthread_create(&th[started], NULL, take_lease, &t[started]) != 0) break;
    }
    for (int i = 0; i < started; i++) pthread_join(th[i], NULL); /* before any check */
    assert_int_equal(started, SEATS);
    for (int i = 0; i < SEATS; i++) {
        if (t[i].rc < 0) fail_msg("seat %d: %s", i, t[i].why);
        granted += t[i].rc == 1;
        refused += t[i].rc == 0;
    }
    assert_int_equal(granted, 1);
    assert_int_equal(refused, SEATS - 1);
    /* the holder is the one granted; released, the next asking takes it */
    store_lease h;
    int winner = 0, n = 0;
    while (t[winner].rc != 1) winner++;
    assert_int_equal(store_lease_get(s, "s1", NIP_A, 1, &h, why), 1);
    assert_string_equal(h.kiosk, t[winner].kiosk);
    assert_string_equal(h.seat, t[winner].seat);
    assert_int_equal(store_lease_drop(s, "s1", NIP_A, -1, &n, why), 0);
    assert_int_equal(n, 1);
    int next = (winner + 1) % SEATS;
    assert_int_equal(store_lease_take(s, "s1", NIP_A, 1, t[next].kiosk, "B07", 20, &h, why), 1);
    /* moved to a seat label, taken by the kiosk that asks from there */
    assert_int_equal(store_lease_move(s, "s1", NIP_A, "", "C03", 30, &n, why), 0);
    assert_int_equal(n, 1);
    assert_int_equal(store_lease_take(s, "s1", NIP_A, 1, t[next].kiosk, "B07", 40, &h, why), 0);
    assert_string_equal(h.seat, "C03");
    assert_int_equal(store_lease_take(s, "s1", NIP_A, 1, t[winner].kiosk, "C03", 50, &h, why), 1);
    /* session options replace their value */
    char v[8];
    assert_int_equal(store_session_opt_get(s, "s1", "authorise-start", v, sizeof v, why), 0);
    assert_int_equal(store_session_opt_set(s, "s1", "authorise-start", "on", why), 0);
    assert_int_equal(store_session_opt_set(s, "s1", "authorise-start", "off", why), 0);
    assert_int_equal(store_session_opt_get(s, "s1", "authorise-start", v, sizeof v, why), 1);
    assert_string_equal(v, "off");
    store_close(s);
    fx_rmdir(dir);
}

typedef struct opener {
    const char *url;
    char why[WHY_SIZE];
    bool ok;
} opener;

/* Opens and closes the store at url. */
static void *open_close(void *arg)
{
    opener *o = arg;
    store *s = store_open(o->url, o->why);
    o->ok = s != NULL;
    store_close(s);
    return NULL;
}

/* Two connections that switch a new file to WAL at once can make SQLite
 * answer "busy" at once, without waiting: about one round in a hundred
 * failed so before the cores took turns at the start (flock). */
static void test_cores_starting_at_once_on_a_new_store_all_open_it(void **state)
{
    (void)state;
    enum { ROUNDS = 48, CORES = 8 };
    for (int round = 0; round < ROUNDS; round++) {
        char *dir = fresh();
        pthread_t t[CORES];
        opener o[CORES];
        int started = 0;
        /* one copy for every thread: url_of rewrites its static buffer at each call,
         * which a thread already started may be reading */
        char url[4200];
        snprintf(url, sizeof url, "%s", url_of(dir));
        for (; started < CORES; started++) {
            o[started] = (opener){url, "", false};
            if (pthread_create(&t[started], NULL, open_close, &o[started]) != 0) break;
        }
        for (int i = 0; i < started; i++) pthread_join(t[i], NULL); /* before any check */
        assert_int_equal(started, CORES);
        for (int i = 0; i < CORES; i++)
            if (!o[i].ok) fail_msg("round %d, core %d: %s", round, i, o[i].why);
        assert_int_equal(raw_sql(dir, "SELECT COUNT(*) FROM meta"), 1);
        fx_rmdir(dir);
    }
}

/* "postgres://USER:secret@HOST:PORT/DB" for the server under test. */
static const char *pg_url_as(const char *user)
{
    static char url[512];
    PGconn *c = PQconnectdb(pg_url);
    if (PQstatus(c) != CONNECTION_OK) fail_msg("%s", PQerrorMessage(c));
    snprintf(url, sizeof url, "postgres://%s:secret@%s:%s/%s", user, PQhost(c), PQport(c),
             PQdb(c));
    PQfinish(c);
    return url;
}

static void test_postgres_role_or_database_unknown_says_so_in_one_line(void **state)
{
    (void)state;
    refused_in_one_line(pg_url_as("nobody"), "role \"nobody\" does not exist");
    char url[600];
    snprintf(url, sizeof url, "%s-none", pg_url_as("kisi"));
    refused_in_one_line(url, "does not exist");
}

static void test_postgres_connections_cut_by_the_server_are_opened_again(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", st[16];
    store *s = open_in(&dir);
    assert_int_equal(store_kiosk_enrol(s, KEY_1, "lab 1", 10, why), 0);
    /* the server ends every connection of the store, as on a restart */
    assert_true(raw_sql(dir, "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
                             " WHERE application_name = 'kisi-core'") >= 1);
    assert_int_equal(store_kiosk_state(s, KEY_1, st, why), 1);
    assert_string_equal(st, "pending");
    raw_sql(dir, "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
                 " WHERE application_name = 'kisi-core'");
    assert_int_equal(put(s, "s1", "akad", "academic", NIP_A, 1, 8000, "a"), STORE_NEW);
    store_close(s);
    fx_rmdir(dir);
}

/* Appends "nip;" to the string buffer arg (512 bytes). */
static int note_nip(const char *nip, const char *row, void *arg)
{
    char *buf = arg;
    size_t len = strlen(buf);
    (void)row;
    snprintf(buf + len, 512 - len, "%s;", nip);
    return 0;
}

static void test_text_is_ordered_byte_by_byte_whatever_the_locale(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", buf[512] = "";
    store *s = open_in(&dir);
    assert_int_equal(store_cohort_put(s, "c", "{}", why), 0);
    const char *nips[] = {"b-2", "B-1", "a_3", "A 4", "a-5"};
    for (int i = 0; i < 5; i++) assert_int_equal(store_aspects_put(s, "c", nips[i], "{}", why), 0);
    assert_int_equal(store_aspects_each(s, "c", note_nip, buf, why), 0);
    assert_string_equal(buf, "A 4;B-1;a-5;a_3;b-2;");
    store_close(s);
    fx_rmdir(dir);
}

/* Collects the uploads list as "state code session nip attempt times kiosk-name" lines. */
static int add_upload(const store_upload *u, void *arg)
{
    char *out = arg;
    size_t n = strlen(out);
    snprintf(out + n, 2048 - n, "%s %s %s %.6s %d %d %s|", u->state, u->code[0] ? u->code : "-",
             u->session_id, u->nip, u->attempt, u->times, u->kiosk_name[0] ? u->kiosk_name : "-");
    return 0;
}

static void test_uploads_list_what_arrived_and_what_became_of_it(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", out[2048] = "";
    store *s = open_in(&dir);
    assert_int_equal(store_kiosk_enrol(s, KEY_1, "lab 1", 5, why), 0);
    assert_int_equal(put(s, "s1", "akad", "academic", NIP_A, 1, 8000, "a"), STORE_NEW);
    assert_int_equal(put(s, "s1", "akad", "academic", NIP_A, 1, 5000, "b"), STORE_CONFLICT);
    assert_int_equal(put(s, "s2", "akad", "academic", NIP_B, 1, 8000, "c"), STORE_NEW);
    store_refusal r = {KEY_3, "s1", "akad", NIP_B, 1, "dddd", "form-mismatch",
                       "the form is not the one the session derives", 5000};
    assert_int_equal(store_refusal_put(s, &r, why), 0);
    /* the same upload refused again is counted, not listed twice */
    r.received_ms = 6000;
    assert_int_equal(store_refusal_put(s, &r, why), 0);
    store_refusal bad = {NULL, NULL, NULL, NULL, 0, "eeee", "bad-signature", "no", 7000};
    assert_int_equal(store_refusal_put(s, &bad, why), 0);
    assert_int_equal(store_uploads_each(s, "s1", add_upload, out, why), 0);
    assert_string_equal(out, "stored - s1 199001 1 1 lab 1|evidence conflict s1 199001 1 1 lab 1|"
                             "refused form-mismatch s1 199202 1 2 -|");
    out[0] = 0;
    assert_int_equal(store_uploads_each(s, NULL, add_upload, out, why), 0);
    assert_string_equal(out, "stored - s1 199001 1 1 lab 1|evidence conflict s1 199001 1 1 lab 1|"
                             "stored - s2 199202 1 1 lab 1|refused form-mismatch s1 199202 1 2 -|"
                             "refused bad-signature   0 1 -|");
    store_close(s);
    fx_rmdir(dir);
}

/* Collects the digests of waiting results. */
static int add_pending(const store_pending *p, void *arg)
{
    char *out = arg;
    size_t n = strlen(out);
    snprintf(out + n, 256 - n, "%s:%s:%d|", p->digest, p->nip, p->attempt);
    return 0;
}

static void test_waiting_results_are_kept_once_and_refused_together(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", out[256] = "", list[2048] = "";
    store *s = open_in(&dir);
    store_pending p = {KEY_1, "s1", "akad", NIP_A, 1, "d1", "{}", "{\"sig\":1}", 10};
    assert_int_equal(store_pending_put(s, &p, why), 0);
    assert_int_equal(store_pending_put(s, &p, why), 0);
    p.digest = "d2", p.nip = NIP_B, p.received_ms = 20;
    assert_int_equal(store_pending_put(s, &p, why), 0);
    p.kiosk = KEY_3, p.digest = "d3";
    assert_int_equal(store_pending_put(s, &p, why), 0);
    assert_int_equal(store_pending_each(s, KEY_1, add_pending, out, why), 0);
    assert_string_equal(out, "d1:" NIP_A ":1|d2:" NIP_B ":1|");
    assert_int_equal(store_uploads_each(s, "s1", add_upload, list, why), 0);
    assert_string_equal(list, "waiting kiosk-pending s1 199001 1 1 -|"
                              "waiting kiosk-pending s1 199202 1 1 -|"
                              "waiting kiosk-pending s1 199202 1 1 -|");
    assert_int_equal(store_pending_drop(s, KEY_1, "d1", why), 0);
    int n = -1;
    assert_int_equal(store_pending_refuse(s, KEY_1, "kiosk-revoked", "its kiosk was revoked", 30,
                                          &n, why), 0);
    assert_int_equal(n, 1);
    out[0] = 0;
    assert_int_equal(store_pending_each(s, KEY_1, add_pending, out, why), 0);
    assert_string_equal(out, "");
    list[0] = 0;
    assert_int_equal(store_uploads_each(s, "s1", add_upload, list, why), 0);
    assert_string_equal(list, "waiting kiosk-pending s1 199202 1 1 -|"
                              "refused kiosk-revoked s1 199202 1 1 -|");
    assert_int_equal(store_pending_refuse(s, KEY_1, "kiosk-revoked", "again", 40, &n, why), 0);
    assert_int_equal(n, 0);
    store_close(s);
    fx_rmdir(dir);
}

static void test_store_of_schema_3_gains_the_lease_tables_and_keeps_its_results(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", out[2048] = "";
    store *s = open_in(&dir);
    store_refusal r = {KEY_3, "s1", "akad", NIP_B, 1, "dddd", "malformed", "no", 5000};
    assert_int_equal(store_refusal_put(s, &r, why), 0);
    /* a rival an earlier core kept as evidence: disputed from the upgrade on */
    assert_int_equal(put(s, "s1", "akad", "academic", NIP_A, 1, 8000, "a"), STORE_NEW);
    assert_int_equal(put(s, "s1", "akad", "academic", NIP_A, 1, 9500, "b"), STORE_CONFLICT);
    store_close(s);
    back_to_schema_3(dir);
    s = reopen(dir, why);
    if (!s) fail_msg("reopen: %s", why);
    assert_int_equal(raw_sql(dir, "SELECT value FROM meta WHERE key = 'kisi-core-schema'"),
                     SCHEMA_NOW);
    assert_int_equal(store_uploads_each(s, "", add_upload, out, why), 0);
    assert_string_equal(out, "stored - s1 199001 1 1 -|evidence conflict s1 199001 1 1 -|"
                             "refused malformed s1 199202 1 1 -|");
    int awarded = 0, disputes = 0;
    bool passed = false;
    assert_int_equal(store_best(s, "akad", NIP_A, &awarded, &passed, &disputes, NULL, why), 0);
    assert_int_equal(disputes, 1);
    store_lease h;
    assert_int_equal(store_lease_take(s, "s1", NIP_B, 1, KEY_3, "A01", 1, &h, why), 1);
    assert_int_equal(store_session_opt_set(s, "s1", "authorise-start", "on", why), 0);
    store_close(s);
    fx_rmdir(dir);
}

static void test_store_of_schema_1_gains_the_tables_of_schemas_2_to_4(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", out[2048] = "";
    store_close(open_in(&dir));
    back_to_schema_2(dir);
    raw_sql(dir, "DROP TABLE refusals");
    raw_sql(dir, "DROP TABLE pending");
    raw_sql(dir, "UPDATE meta SET value = 1 WHERE key = 'kisi-core-schema'");
    store *s = reopen(dir, why);
    if (!s) fail_msg("reopen: %s", why);
    assert_int_equal(raw_sql(dir, "SELECT value FROM meta WHERE key = 'kisi-core-schema'"),
                     SCHEMA_NOW);
    store_refusal r = {KEY_3, "s1", "akad", NIP_B, 1, "dddd", "malformed", "no", 5000};
    assert_int_equal(store_refusal_put(s, &r, why), 0);
    assert_int_equal(store_uploads_each(s, "", add_upload, out, why), 0);
    assert_string_equal(out, "refused malformed s1 199202 1 1 -|");
    store_close(s);
    fx_rmdir(dir);
}

static void test_store_of_schema_3_gains_the_replica_and_keeps_its_banks(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "";
    store *s = open_in(&dir);
    assert_int_equal(store_bank_put(s, "b1", "bank", 4, "box", 3, why), 0);
    store_close(s);
    back_to_schema_3(dir);
    s = reopen(dir, why);
    if (!s) fail_msg("reopen: %s", why);
    assert_int_equal(raw_sql(dir, "SELECT value FROM meta WHERE key = 'kisi-core-schema'"), 4);
    assert_int_equal(raw_sql(dir, "SELECT COUNT(*) FROM banks"), 1);
    jchain_event ev = {1, 1, 10, 0, (char *)"{}", ""};
    memset(ev.hash, 'a', 64);
    int64_t have = 0, at = 0;
    assert_int_equal(store_replica_put(s, "s1", "s1/1", "k", "", &ev, 1, 5, &have, &at, why),
                     STORE_REPLICA_KEPT);
    assert_int_equal(have, 1);
    store_close(s);
    fx_rmdir(dir);
}

/* n events of an attempt from seq `first`, each link made of `mark` (not a real chain:
 * the store keeps and compares what it is given). */
static void replica_events(jchain_event *ev, int64_t first, size_t n, char mark)
{
    for (size_t i = 0; i < n; i++) {
        ev[i] = (jchain_event){first + (int64_t)i, 2, 1000 + (int64_t)i, 10 * (int64_t)i,
                               (char *)"{\"i\":0,\"v\":\"A\"}", ""};
        memset(ev[i].hash, mark, 64);
        ev[i].hash[0] = (char)('0' + (first + (int64_t)i) % 10);
    }
}

static void test_replica_keeps_events_once_by_seq_and_refuses_a_gap_or_a_fork(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", kiosk[65] = "";
    store *s = open_in(&dir);
    jchain_event ev[6], other[2];
    replica_events(ev, 1, 6, 'a');
    int64_t have = -1, at = -1;
    assert_int_equal(store_replica_put(s, "s1", "s1/" NIP_A, KEY_1, "", ev, 3, 10, &have, &at,
                                       why), STORE_REPLICA_KEPT);
    assert_int_equal(have, 3);
    /* again, and overlapping: the same events change nothing */
    assert_int_equal(store_replica_put(s, "s1", "s1/" NIP_A, KEY_1, "", ev, 3, 11, &have, &at,
                                       why), STORE_REPLICA_KEPT);
    assert_int_equal(store_replica_put(s, "s1", "s1/" NIP_A, KEY_2, ev[0].hash, ev + 1, 4, 12,
                                       &have, &at, why), STORE_REPLICA_KEPT);
    assert_int_equal(have, 5);
    /* the next one, after the link held before it */
    assert_int_equal(store_replica_put(s, "s1", "s1/" NIP_A, KEY_1, ev[4].hash, ev + 5, 1, 13,
                                       &have, &at, why), STORE_REPLICA_KEPT);
    /* beyond what is held */
    jchain_event gap[1];
    replica_events(gap, 8, 1, 'a');
    assert_int_equal(store_replica_put(s, "s1", "s1/" NIP_A, KEY_1, "x", gap, 1, 13, &have, &at,
                                       why), STORE_REPLICA_GAP);
    assert_int_equal(have, 6);
    /* another event at a held seq, or after another link: a fork, nothing kept */
    replica_events(other, 4, 2, 'b');
    assert_int_equal(store_replica_put(s, "s1", "s1/" NIP_A, KEY_3, ev[2].hash, other, 2, 14,
                                       &have, &at, why), STORE_REPLICA_FORK);
    assert_int_equal(at, 4);
    replica_events(other, 7, 1, 'b');
    assert_int_equal(store_replica_put(s, "s1", "s1/" NIP_A, KEY_3, other[0].hash, other, 1, 14,
                                       &have, &at, why), STORE_REPLICA_FORK);
    assert_int_equal(at, 6);
    assert_int_equal(have, 6);
    /* read back from seq 2, at most 3; who sent the last; another attempt holds none */
    jchain_event *got = NULL;
    size_t n = 0;
    assert_int_equal(store_replica_get(s, "s1/" NIP_A, 2, 3, &got, &n, &have, kiosk, why), 0);
    assert_int_equal(n, 3);
    assert_int_equal(have, 6);
    assert_string_equal(kiosk, KEY_1);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(got[i].seq, (int64_t)i + 2);
        assert_int_equal(got[i].kind, 2);
        assert_int_equal(got[i].wall_ms, 1001 + (int64_t)i);
        assert_int_equal(got[i].used_ms, 10 * ((int64_t)i + 1));
        assert_string_equal(got[i].payload, ev[i + 1].payload);
        assert_string_equal(got[i].hash, ev[i + 1].hash);
    }
    jchain_free(got, n);
    assert_int_equal(store_replica_get(s, "s1/" NIP_B, 1, 64, &got, &n, &have, kiosk, why), 0);
    assert_int_equal(n, 0);
    assert_int_equal(have, 0);
    assert_string_equal(kiosk, "");
    store_close(s);
    fx_rmdir(dir);
}

static void test_store_of_schema_3_gains_the_room_tables(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "";
    store_close(open_in(&dir));
    back_to_schema_3(dir);
    store *s = reopen(dir, why);
    if (!s) fail_msg("reopen: %s", why);
    assert_int_equal(raw_sql(dir, "SELECT value FROM meta WHERE key = 'kisi-core-schema'"),
                     SCHEMA_NOW);
    store_room_entry e = {0, "s1", KEY_1, "A01", NIP_A, 5000, 4000, "arrived", "{}", "kiosk"};
    store_room_batch b = {.log = &e, .nlog = 1};
    assert_int_equal(store_room_write(s, &b, why), 0);
    assert_int_equal(raw_sql(dir, "SELECT COUNT(*) FROM room_log"), 1);
    store_close(s);
    fx_rmdir(dir);
}

/* A backend table that could not close what it opens: counts its opens. */
static int fake_opens;

static store *fake_open(const char *arg, char *why)
{
    (void)arg, (void)why;
    fake_opens++;
    return calloc(1, sizeof(store));
}

static void test_backend_without_operations_is_refused_before_it_opens(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "";
    static const struct store_ops no_close = {.name = "fake", .open = fake_open};
    fake_opens = 0;
    assert_null(store_open_ops(&no_close, "x", why));
    assert_non_null(strstr(why, "has no operations"));
    assert_null(store_open_ops(NULL, "x", why));
    assert_int_equal(fake_opens, 0);
    /* a handle opened through a full table always carries it */
    char *dir = fresh();
    store *s = store_open_ops(&STORE_SQLITE_OPS, fx_path(dir, "core.db"), why);
    assert_non_null(s);
    assert_ptr_equal(s->ops, &STORE_SQLITE_OPS);
    store_close(s);
    fx_rmdir(dir);
}

/* A read whose connection cannot be had says why the store cannot be read,
 * not that no connection was held. */
static void test_sqlite_read_that_cannot_open_a_connection_says_why(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", *text = NULL, **ids = NULL;
    store *s = open_in(&dir);
    int count = 7, highest = 7, awarded = 0;
    bool passed = false;
    size_t n = 0;
    /* the writer is open; readers open on first need: take their file away */
    const char *names[] = {"core.db", "core.db-wal", "core.db-shm"};
    for (size_t i = 0; i < 3; i++) unlink(fx_path(dir, names[i]));
    const char *quiz[] = {"quiz-1"};
    assert_int_equal(store_attempts(s, "akad", NIP_A, &count, &highest, why), -1);
    assert_non_null(strstr(why, "cannot be opened"));
    assert_int_equal(count, 0);
    assert_int_equal(highest, 0);
    why[0] = 0;
    assert_int_equal(store_quizzes_passed(s, NIP_A, quiz, 1, NULL, 0, why), -1);
    assert_non_null(strstr(why, "cannot be opened"));
    why[0] = 0;
    assert_int_equal(store_programme_quizzes(s, "latsar", &ids, &n, why), -1);
    assert_non_null(strstr(why, "cannot be opened"));
    why[0] = 0;
    assert_int_equal(store_best(s, "akad", NIP_A, &awarded, &passed, NULL, NULL, why), -1);
    assert_non_null(strstr(why, "cannot be opened"));
    why[0] = 0;
    assert_int_equal(store_cohort_get(s, "c1", &text, why), -1);
    assert_non_null(strstr(why, "cannot be opened"));
    assert_null(text);
    store_close(s);
    fx_rmdir(dir);
}

int main(void)
{
    pg_url = getenv("KISI_TEST_STORE_URL");
    if (pg_url && !*pg_url) pg_url = NULL;
    if (pg_url && strncmp(pg_url, "postgres://", 11) != 0 && strncmp(pg_url, "postgresql://", 13) != 0) {
        fprintf(stderr, "KISI_TEST_STORE_URL names no PostgreSQL database: %.12s...\n", pg_url);
        return 1;
    }
    const struct CMUnitTest contract[] = {
        cmocka_unit_test(test_store_keeps_its_rows_when_reopened),
        cmocka_unit_test(test_session_is_found_by_id),
        cmocka_unit_test(test_sessions_are_listed_by_id),
        cmocka_unit_test(test_kiosk_enrols_pending_and_keeps_its_state_on_re_enrolment),
        cmocka_unit_test(test_kiosk_prefix_must_be_unique),
        cmocka_unit_test(test_pending_kiosks_expire_unless_approved_or_results_wait_for_them),
        cmocka_unit_test(test_walk_stops_when_asked_and_may_call_the_store),
        cmocka_unit_test(test_result_is_stored_exactly_once),
        cmocka_unit_test(test_conflicting_result_is_kept_as_evidence_and_the_attempt_disputed),
        cmocka_unit_test(test_best_gives_the_accommodations_the_results_record),
        cmocka_unit_test(test_attempts_count_and_best_score),
        cmocka_unit_test(test_attempt_limit_is_checked_where_the_result_is_stored),
        cmocka_unit_test(test_quizzes_of_a_programme_are_known_from_their_sessions),
        cmocka_unit_test(test_quiz_gate_names_the_first_quiz_not_passed),
        cmocka_unit_test(test_history_lists_forms_by_participant_and_attempt),
        cmocka_unit_test(test_room_lists_the_results_of_its_session),
        cmocka_unit_test(test_results_of_an_exam_span_its_sessions_by_nip_and_attempt),
        cmocka_unit_test(test_aspect_rows_replace_earlier_rows_of_a_known_cohort),
        cmocka_unit_test(test_recap_rerun_is_kept_beside_the_first),
        cmocka_unit_test(test_recap_runs_recorded_at_once_by_several_cores_are_numbered_once),
        cmocka_unit_test(test_uploads_list_what_arrived_and_what_became_of_it),
        cmocka_unit_test(test_waiting_results_are_kept_once_and_refused_together),
        cmocka_unit_test(test_store_of_schema_1_gains_the_tables_of_schemas_2_to_4),
        cmocka_unit_test(test_store_of_schema_3_gains_the_lease_tables_and_keeps_its_results),
        cmocka_unit_test(test_store_of_schema_3_gains_the_replica_and_keeps_its_banks),
        cmocka_unit_test(test_replica_keeps_events_once_by_seq_and_refuses_a_gap_or_a_fork),
        cmocka_unit_test(test_store_of_schema_2_lists_the_files_it_kept_until_they_are_read_in),
        cmocka_unit_test(test_store_of_schema_3_gains_the_room_tables),
        cmocka_unit_test(test_bank_or_session_bytes_changed_in_the_store_are_refused),
        cmocka_unit_test(test_core_key_is_the_first_one_claimed),
        cmocka_unit_test(test_newer_schema_is_refused),
        cmocka_unit_test(test_store_holding_other_tables_is_refused),
        cmocka_unit_test(test_store_url_names_a_known_backend),
        cmocka_unit_test(test_postgres_url_that_fails_says_why_in_one_line_without_the_password),
        cmocka_unit_test(test_concurrent_puts_from_threads_are_safe),
        cmocka_unit_test(test_one_new_result_put_at_once_by_many_is_stored_once),
        cmocka_unit_test(test_rival_results_put_at_once_keep_the_first_and_the_rest_as_evidence),
        cmocka_unit_test(test_lease_asked_for_at_once_by_many_seats_goes_to_one),
        cmocka_unit_test(test_cores_starting_at_once_on_a_new_store_all_open_it),
        cmocka_unit_test(test_text_is_ordered_byte_by_byte_whatever_the_locale),
    };
    /* each backend's own checks: the one under test runs all of its own */
    const struct CMUnitTest sqlite_own[] = {
        cmocka_unit_test(test_sqlite_file_is_private_and_in_wal_mode),
        cmocka_unit_test(test_sqlite_file_that_is_no_database_is_refused),
        cmocka_unit_test(test_backend_without_operations_is_refused_before_it_opens),
        cmocka_unit_test(test_sqlite_read_that_cannot_open_a_connection_says_why),
    };
    const struct CMUnitTest postgres_own[] = {
        cmocka_unit_test(test_postgres_role_or_database_unknown_says_so_in_one_line),
        cmocka_unit_test(test_postgres_connections_cut_by_the_server_are_opened_again),
    };
    int failed = pg_url ? cmocka_run_group_tests_name("store contract on PostgreSQL", contract, NULL, NULL)
                        : cmocka_run_group_tests_name("store contract on SQLite", contract, NULL, NULL);
    failed += pg_url ? cmocka_run_group_tests_name("PostgreSQL store", postgres_own, NULL, NULL)
                     : cmocka_run_group_tests_name("SQLite store", sqlite_own, NULL, NULL);
    return failed;
}
