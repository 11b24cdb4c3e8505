/* test_store_group.c -- the SQLite store's grouped writes: every caller's work committed, a
 * failing caller undoing only itself, readers never blocked by a commit under way. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixture.h"
#include "store_int.h"
#include "why.h"

#define THREADS 16
#define ROUNDS 25

/* A store in a fresh folder; *dir is removed with fx_rmdir(). */
static sqlite_store *open_in(char **dir)
{
    char why[WHY_SIZE] = "", url[4200];
    *dir = fx_tmpdir();
    snprintf(url, sizeof url, "sqlite:%s", fx_path(*dir, "core.db"));
    store *s = store_open(url, why);
    if (!s) fail_msg("store_open: %s", why);
    return (sqlite_store *)s;
}

/* Inserts the meta row named by arg; a name already there fails (the key is
 * the table's primary key). */
static int put_meta(sqlite_store *ss, const void *arg, char *why)
{
    return sqlite_exec(ss, "test row", why, "INSERT INTO meta (key, value) VALUES (?1, 1)", "t",
                       (const char *)arg);
}

/* The number of meta rows whose key starts with prefix. */
static long long meta_rows(sqlite_store *ss, const char *prefix)
{
    char why[WHY_SIZE] = "";
    sqlite_rows r;
    assert_int_equal(sqlite_begin(ss, false, why), 0);
    int rc = sqlite_select(ss, &r, "counting", why,
                           "SELECT COUNT(*) FROM meta WHERE substr(key, 1, length(?1)) = ?1", "t",
                           prefix);
    assert_int_equal(sqlite_end(ss, false, rc, why), 0);
    long long n = STORE_CELL_NUM(&r, 0, 0);
    sqlite_rows_free(&r);
    return n;
}

typedef struct writer {
    sqlite_store *ss;
    int id, stored, refused;
} writer;

/* Writes ROUNDS rows of its own and, every fifth round, one row that
 * another writer also writes (only the first of them can succeed). */
static void *write_rows(void *arg)
{
    writer *w = arg;
    char key[64], why[WHY_SIZE];
    for (int r = 0; r < ROUNDS; r++) {
        snprintf(key, sizeof key, "own-%02d-%03d", w->id, r);
        if (sqlite_write_grouped(w->ss, put_meta, key, why) == 0) w->stored++;
        if (r % 5) continue;
        snprintf(key, sizeof key, "shared-%03d", r);
        if (sqlite_write_grouped(w->ss, put_meta, key, why) == 0) w->stored++;
        else if (strstr(why, "UNIQUE")) w->refused++;
    }
    return NULL;
}

static void test_every_caller_is_committed_and_a_failure_undoes_only_itself(void **state)
{
    (void)state;
    char *dir;
    sqlite_store *ss = open_in(&dir);
    pthread_t t[THREADS];
    writer w[THREADS];
    int started = 0;
    for (; started < THREADS; started++) {
        w[started] = (writer){ss, started, 0, 0};
        if (pthread_create(&t[started], NULL, write_rows, &w[started]) != 0) break;
    }
    int stored = 0, refused = 0;
    for (int i = 0; i < started; i++) { /* every thread joined before any check */
        pthread_join(t[i], NULL);
        stored += w[i].stored;
        refused += w[i].refused;
    }
    assert_int_equal(started, THREADS);
    /* every own row, and each shared row exactly once */
    int shared = (ROUNDS + 4) / 5;
    assert_int_equal(meta_rows(ss, "own-"), THREADS * ROUNDS);
    assert_int_equal(meta_rows(ss, "shared-"), shared);
    assert_int_equal(stored, THREADS * ROUNDS + shared);
    assert_int_equal(refused, (THREADS - 1) * shared);
    store_close(&ss->base);
    fx_rmdir(dir);
}

/* Holds the writer (as a commit under way does) until told to go. */
typedef struct gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int inside, go;
} gate;

static gate g_gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};

static int slow_job(sqlite_store *ss, const void *arg, char *why)
{
    pthread_mutex_lock(&g_gate.mu);
    g_gate.inside = 1;
    pthread_cond_broadcast(&g_gate.cv);
    while (!g_gate.go) pthread_cond_wait(&g_gate.cv, &g_gate.mu);
    pthread_mutex_unlock(&g_gate.mu);
    return put_meta(ss, arg, why);
}

typedef struct slow {
    sqlite_store *ss;
    int rc;
} slow;

static void *run_slow(void *arg)
{
    slow *s = arg;
    char why[WHY_SIZE];
    s->rc = sqlite_write_grouped(s->ss, slow_job, "slow-row", why);
    return NULL;
}

typedef struct reader {
    sqlite_store *ss;
    long long rows;
    int done;
} reader;

/* Counts the slow rows, then says it is done. */
static void *read_rows(void *arg)
{
    reader *r = arg;
    long long n = meta_rows(r->ss, "slow-");
    pthread_mutex_lock(&g_gate.mu);
    r->rows = n;
    r->done = 1;
    pthread_cond_broadcast(&g_gate.cv);
    pthread_mutex_unlock(&g_gate.mu);
    return NULL;
}

static void test_reading_does_not_wait_for_a_write_under_way(void **state)
{
    (void)state;
    char *dir;
    sqlite_store *ss = open_in(&dir);
    slow s = {ss, -1};
    reader r = {ss, -1, 0};
    pthread_t tw, tr;
    assert_int_equal(pthread_create(&tw, NULL, run_slow, &s), 0);
    pthread_mutex_lock(&g_gate.mu);
    while (!g_gate.inside) pthread_cond_wait(&g_gate.cv, &g_gate.mu);
    pthread_mutex_unlock(&g_gate.mu);
    /* the write transaction is open and held until the read has answered,
     * and the read does not see the row that is not committed yet. A read
     * that waited for the writer would wait forever: after 5 minutes (no
     * measure of speed, only a way to fail instead of hang) the write is let
     * go and the test fails. */
    if (pthread_create(&tr, NULL, read_rows, &r) != 0) {
        pthread_mutex_lock(&g_gate.mu);
        g_gate.go = 1;
        pthread_cond_broadcast(&g_gate.cv);
        pthread_mutex_unlock(&g_gate.mu);
        pthread_join(tw, NULL);
        fail_msg("cannot start the reading thread");
    }
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 300;
    pthread_mutex_lock(&g_gate.mu);
    while (!r.done && pthread_cond_timedwait(&g_gate.cv, &g_gate.mu, &until) == 0) {
    }
    int answered = r.done;
    g_gate.go = 1;
    pthread_cond_broadcast(&g_gate.cv);
    pthread_mutex_unlock(&g_gate.mu);
    pthread_join(tw, NULL);
    pthread_join(tr, NULL);
    assert_true(answered);
    assert_int_equal(r.rows, 0);
    assert_int_equal(s.rc, 0);
    assert_int_equal(meta_rows(ss, "slow-"), 1);
    store_close(&ss->base);
    fx_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_caller_is_committed_and_a_failure_undoes_only_itself),
        cmocka_unit_test(test_reading_does_not_wait_for_a_write_under_way),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
