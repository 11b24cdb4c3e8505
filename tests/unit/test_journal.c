/* test_journal.c -- kiosk journal: durability, hash chain, validation, resuming, crash safety. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "fixture.h"
#include "journal.h"

#define ATT "s1/199001012015031001"
#define ATT2 "s1/199202022016042002"
#define CRASH_ATT "crash/199001012015031001"

/* A fresh journal in a fresh folder. */
typedef struct fx {
    char *dir;
    journal *j;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f) return -1;
    f->dir = fx_tmpdir();
    char why[256] = "";
    f->j = journal_open(fx_path(f->dir, "journal.db"), why);
    if (!f->j) {
        fprintf(stderr, "journal_open: %s\n", why);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    journal_close(f->j);
    fx_rmdir(f->dir);
    free(f);
    return 0;
}

/* Appends one event; the test fails when it is refused. */
static void append(journal *j, const char *att, jkind kind, int64_t used, const char *payload)
{
    char why[256] = "";
    if (journal_append(j, att, kind, 1700000000000 + used, used, payload, why) != 0)
        fail_msg("append %s refused: %s", payload, why);
}

/* Collected events of a replay. */
typedef struct seen {
    int n, stop_after;
    int64_t seq[64];
    int kind[64];
    char payload[64][64];
    char hash[64][65];
} seen;

static int collect(const jevent *e, void *arg)
{
    seen *s = arg;
    if (s->n < 64) {
        s->seq[s->n] = e->seq;
        s->kind[s->n] = (int)e->kind;
        snprintf(s->payload[s->n], 64, "%s", e->payload);
        snprintf(s->hash[s->n], 65, "%s", e->hash);
    }
    s->n++;
    return s->stop_after && s->n >= s->stop_after;
}

/* Runs SQL on the journal file through a separate connection. */
static void sql(const char *dir, const char *text)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(fx_path(dir, "journal.db"), &db), SQLITE_OK);
    char *err = NULL;
    if (sqlite3_exec(db, text, NULL, NULL, &err) != SQLITE_OK) fail_msg("%s: %s", text, err);
    sqlite3_close(db);
}

/* The chain hash computed independently of journal.c. */
static void expect_hash(const char *prev_hex, int64_t seq, int kind, int64_t wall, int64_t used,
                        const char *payload, char out[65])
{
    unsigned char buf[32 + 32 + 256] = {0}, md[32];
    for (int i = 0; prev_hex && i < 32; i++) {
        unsigned v;
        sscanf(prev_hex + 2 * i, "%2x", &v);
        buf[i] = (unsigned char)v;
    }
    int64_t nums[4] = {seq, kind, wall, used};
    for (int k = 0; k < 4; k++)
        for (int b = 0; b < 8; b++)
            buf[32 + 8 * k + b] = (unsigned char)((uint64_t)nums[k] >> (56 - 8 * b));
    size_t len = strlen(payload);
    memcpy(buf + 64, payload, len);
    unsigned mdlen = 0;
    assert_int_equal(EVP_Digest(buf, 64 + len, md, &mdlen, EVP_sha256(), NULL), 1);
    for (int i = 0; i < 32; i++) sprintf(out + 2 * i, "%02x", md[i]);
}

static void test_new_journal_file_is_private_and_uses_wal(void **state)
{
    fx *f = *state;
    struct stat st;
    assert_int_equal(stat(fx_path(f->dir, "journal.db"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    append(f->j, ATT, J_TICK, 0, "{}");
    assert_int_equal(stat(fx_path(f->dir, "journal.db-wal"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_answer_is_on_disk_when_append_returns(void **state)
{
    fx *f = *state;
    append(f->j, ATT, J_ANSWER, 1234, "{\"i\":3,\"v\":\"AC\"}");
    /* another connection (as a restarted kiosk would) sees the committed row at once */
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open(fx_path(f->dir, "journal.db"), &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT seq, kind, used_ms, payload FROM events "
                                            "WHERE attempt = '" ATT "'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 1);
    assert_int_equal(sqlite3_column_int(st, 1), J_ANSWER);
    assert_int_equal(sqlite3_column_int(st, 2), 1234);
    assert_string_equal((const char *)sqlite3_column_text(st, 3), "{\"i\":3,\"v\":\"AC\"}");
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void test_chain_hash_follows_the_documented_definition(void **state)
{
    fx *f = *state;
    append(f->j, ATT, J_NAV, 10, "{\"i\":1}");
    append(f->j, ATT, J_FLAG, 20, "{\"i\":1,\"v\":1}");
    char h1[65], h2[65], head[65];
    expect_hash(NULL, 1, J_NAV, 1700000000010, 10, "{\"i\":1}", h1);
    expect_hash(h1, 2, J_FLAG, 1700000000020, 20, "{\"i\":1,\"v\":1}", h2);
    seen s = {0};
    assert_int_equal(journal_replay(f->j, ATT, collect, &s, NULL), 0);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.hash[0], h1);
    assert_string_equal(s.hash[1], h2);
    assert_int_equal(journal_head(f->j, ATT, head, NULL), 0);
    assert_string_equal(head, h2);
}

static void test_replay_returns_events_in_order_with_their_fields(void **state)
{
    fx *f = *state;
    append(f->j, ATT, J_TICK, 0, "{}");
    append(f->j, ATT, J_ANSWER, 5, "{\"i\":0,\"v\":\"B\"}");
    append(f->j, ATT, J_SUBMIT, 9, "{\"why\":\"participant\"}");
    seen s = {0};
    assert_int_equal(journal_replay(f->j, ATT, collect, &s, NULL), 0);
    assert_int_equal(s.n, 3);
    for (int i = 0; i < 3; i++) assert_int_equal(s.seq[i], i + 1);
    assert_int_equal(s.kind[1], J_ANSWER);
    assert_string_equal(s.payload[1], "{\"i\":0,\"v\":\"B\"}");
}

static void test_replay_stops_when_the_callback_says_so(void **state)
{
    fx *f = *state;
    for (int i = 0; i < 5; i++) append(f->j, ATT, J_TICK, i, "{}");
    seen s = {.stop_after = 2};
    assert_int_equal(journal_replay(f->j, ATT, collect, &s, NULL), 0);
    assert_int_equal(s.n, 2);
}

static void test_attempts_have_separate_chains(void **state)
{
    fx *f = *state;
    append(f->j, ATT, J_TICK, 0, "{}");
    append(f->j, ATT2, J_TICK, 0, "{}");
    append(f->j, ATT, J_TICK, 1, "{}");
    seen a = {0}, b = {0};
    assert_int_equal(journal_replay(f->j, ATT, collect, &a, NULL), 0);
    assert_int_equal(journal_replay(f->j, ATT2, collect, &b, NULL), 0);
    assert_int_equal(a.n, 2);
    assert_int_equal(b.n, 1);
    assert_int_equal(b.seq[0], 1);
    assert_string_equal(a.hash[0], b.hash[0]); /* same content, same start: same hash */
    char none[65] = "x";
    assert_int_equal(journal_head(f->j, "s1/nobody", none, NULL), 0);
    assert_string_equal(none, "");
}

static void test_modified_event_breaks_the_chain(void **state)
{
    fx *f = *state;
    append(f->j, ATT, J_ANSWER, 1, "{\"i\":0,\"v\":\"A\"}");
    append(f->j, ATT, J_ANSWER, 2, "{\"i\":1,\"v\":\"B\"}");
    append(f->j, ATT, J_ANSWER, 3, "{\"i\":2,\"v\":\"C\"}");
    sql(f->dir, "UPDATE events SET payload = '{\"i\":1,\"v\":\"D\"}' WHERE seq = 2");
    char why[256] = "";
    seen s = {0};
    assert_int_equal(journal_replay(f->j, ATT, collect, &s, why), -1);
    assert_non_null(strstr(why, "seq 2"));
    assert_int_equal(s.n, 1); /* nothing from the bad event on is handed out */
}

static void test_changed_time_breaks_the_chain(void **state)
{
    fx *f = *state;
    append(f->j, ATT, J_TICK, 1000, "{}");
    append(f->j, ATT, J_TICK, 2000, "{}");
    sql(f->dir, "UPDATE events SET used_ms = 10 WHERE seq = 2");
    char why[256] = "";
    seen s = {0};
    assert_int_equal(journal_replay(f->j, ATT, collect, &s, why), -1);
    assert_non_null(strstr(why, "seq 2"));
}

static void test_removed_event_breaks_the_chain(void **state)
{
    fx *f = *state;
    for (int i = 0; i < 4; i++) append(f->j, ATT, J_TICK, i, "{}");
    sql(f->dir, "DELETE FROM events WHERE seq = 3");
    char why[256] = "";
    seen s = {0};
    assert_int_equal(journal_replay(f->j, ATT, collect, &s, why), -1);
    assert_non_null(strstr(why, "seq 3"));
}

static void test_payload_must_be_a_json_object_in_utf8_of_at_most_1mb(void **state)
{
    fx *f = *state;
    char why[256];
    const char *bad[] = {"", "{", "[1,2]", "\"text\"", "{\"a\":1}x", "{\"a\":\"\xc3\x28\"}",
                         "{\"a\":\"\xff\"}", "{\"a\":1,\"a\":2}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        why[0] = 0;
        assert_int_equal(journal_append(f->j, ATT, J_TICK, 1, 1, bad[i], why), -1);
        assert_true(why[0] != 0);
    }
    assert_int_equal(journal_append(f->j, ATT, J_TICK, 1, 1, NULL, why), -1);
    size_t big = (1 << 20) + 1;
    char *p = malloc(big + 1);
    assert_non_null(p);
    memset(p, ' ', big);
    p[0] = '{';
    p[big - 1] = '}';
    p[big] = 0;
    assert_int_equal(journal_append(f->j, ATT, J_TICK, 1, 1, p, why), -1);
    assert_non_null(strstr(why, "1 MB"));
    p[big - 2] = '}';
    p[big - 1] = 0; /* exactly 1 MB is fine */
    assert_int_equal(journal_append(f->j, ATT, J_TICK, 1, 1, p, why), 0);
    free(p);
    append(f->j, ATT, J_INCIDENT, 2, "{\"what\":\"layar berubah \xe2\x9c\x93\"}");
    seen s = {0};
    assert_int_equal(journal_replay(f->j, ATT, collect, &s, NULL), 0);
    assert_int_equal(s.n, 2); /* refused payloads left nothing behind */
}

static void test_bad_kind_attempt_or_time_is_refused(void **state)
{
    fx *f = *state;
    char why[256];
    assert_int_equal(journal_append(f->j, ATT, (jkind)0, 1, 1, "{}", why), -1);
    assert_int_equal(journal_append(f->j, ATT, (jkind)10, 1, 1, "{}", why), -1);
    assert_int_equal(journal_append(f->j, "", J_TICK, 1, 1, "{}", why), -1);
    assert_int_equal(journal_append(f->j, NULL, J_TICK, 1, 1, "{}", why), -1);
    assert_int_equal(journal_append(f->j, "a b", J_TICK, 1, 1, "{}", why), -1);
    assert_int_equal(journal_append(f->j, ATT, J_TICK, 1, -1, "{}", why), -1);
    assert_int_equal(journal_append(f->j, ATT, J_TICK, -1, 1, "{}", why), -1);
    char head[65];
    assert_int_equal(journal_head(f->j, ATT, head, NULL), 0);
    assert_string_equal(head, "");
}

static void test_unfinished_attempt_is_the_newest_begun_without_a_result(void **state)
{
    fx *f = *state;
    char att[128], why[256];
    assert_int_equal(journal_unfinished(f->j, att, sizeof att, why), 0);
    append(f->j, ATT, J_BEGIN, 0, "{}");
    append(f->j, ATT, J_SUBMIT, 5, "{\"why\":\"timeout\"}");
    /* submitted, but the power went before the result was written */
    assert_int_equal(journal_unfinished(f->j, att, sizeof att, why), 1);
    assert_string_equal(att, ATT);
    append(f->j, ATT, J_RESULT, 5, "{\"file\":\"x\"}");
    assert_int_equal(journal_unfinished(f->j, att, sizeof att, why), 0);
    append(f->j, ATT2, J_BEGIN, 0, "{}");
    append(f->j, ATT2, J_ANSWER, 1, "{\"i\":0,\"v\":\"A\"}");
    assert_int_equal(journal_unfinished(f->j, att, sizeof att, why), 1);
    assert_string_equal(att, ATT2);
    char small[4];
    assert_int_equal(journal_unfinished(f->j, small, sizeof small, why), -1);
    assert_int_equal(journal_is_submitted(f->j, ATT, why), 1);
    assert_int_equal(journal_is_submitted(f->j, ATT2, why), 0);
    assert_int_equal(journal_is_submitted(f->j, "s9/unknown", why), 0);
}

static void test_reopened_journal_continues_the_chain(void **state)
{
    fx *f = *state;
    append(f->j, ATT, J_BEGIN, 0, "{}");
    append(f->j, ATT, J_ANSWER, 3, "{\"i\":0,\"v\":\"A\"}");
    journal_close(f->j);
    char why[256] = "";
    f->j = journal_open(fx_path(f->dir, "journal.db"), why);
    assert_non_null(f->j);
    append(f->j, ATT, J_RESUME, 3, "{\"down_ms\":60000}");
    seen s = {0};
    assert_int_equal(journal_replay(f->j, ATT, collect, &s, why), 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.seq[2], 3);
}

/* The journal of f, closed, with its format version set to `value`, is
 * refused as newer than this code reads. */
static void refused_as_newer(fx *f, const char *value)
{
    journal_close(f->j);
    f->j = NULL;
    char q[128], why[256] = "";
    snprintf(q, sizeof q, "UPDATE meta SET value = '%s' WHERE key = 'format'", value);
    sql(f->dir, q);
    assert_null(journal_open(fx_path(f->dir, "journal.db"), why));
    assert_non_null(strstr(why, "newer"));
}

static void test_newer_format_version_is_refused(void **state)
{
    refused_as_newer(*state, "2");
}

static void test_format_version_out_of_range_is_not_cut_to_fit(void **state)
{
    refused_as_newer(*state, "4294967297"); /* 2^32 + 1: an int cast makes it format 1 */
}

static void test_other_files_are_not_taken_for_a_journal(void **state)
{
    fx *f = *state;
    char why[256] = "";
    FILE *fp = fopen(fx_path(f->dir, "junk"), "w");
    assert_non_null(fp);
    for (int i = 0; i < 200; i++) fputs("this is not a database at all\n", fp);
    fclose(fp);
    assert_null(journal_open(fx_path(f->dir, "junk"), why));
    assert_true(why[0] != 0);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(fx_path(f->dir, "other.db"), &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE items(id TEXT)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    why[0] = 0;
    assert_null(journal_open(fx_path(f->dir, "other.db"), why));
    assert_non_null(strstr(why, "not a kiosk journal"));
    assert_null(journal_open(fx_path(f->dir, "no/such/folder/j.db"), why));
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ------------------------------------------------------------------ */
/* Crash safety: a writer process killed with SIGKILL at random moments */

/* Child mode: appends n events to DIR/journal.db, printing each seq once
 * journal_append has returned. Returns the exit status. */
static int writer(const char *dir, long n)
{
    char why[256] = "", path[4096];
    snprintf(path, sizeof path, "%s/journal.db", dir);
    journal *j = journal_open(path, why);
    if (!j) {
        fprintf(stderr, "writer: %s\n", why);
        return 1;
    }
    seen s = {0};
    if (journal_replay(j, CRASH_ATT, collect, &s, why) != 0) {
        fprintf(stderr, "writer: %s\n", why);
        return 1;
    }
    for (long k = 1; k <= n; k++) {
        long long seq = s.n + k;
        char payload[64];
        snprintf(payload, sizeof payload, "{\"n\":%lld}", seq);
        if (journal_append(j, CRASH_ATT, J_ANSWER, 1700000000000 + seq, seq, payload, why)) {
            fprintf(stderr, "writer: %s\n", why);
            return 1;
        }
        printf("%lld\n", seq);
        fflush(stdout);
    }
    journal_close(j);
    return 0;
}

/* Checks every event against its acknowledgement: the chain verifies, seqs
 * run 1..n and each payload names its seq. */
static int check_one(const jevent *e, void *arg)
{
    int64_t *n = arg;
    char want[64];
    snprintf(want, sizeof want, "{\"n\":%lld}", (long long)e->seq);
    if (strcmp(e->payload, want) != 0) return 1;
    *n = e->seq;
    return 0;
}

/* Returns the number of events, or -1 (with a message) when the journal
 * is broken or lacks an acknowledged seq. */
static long check(const char *dir, const char *acked)
{
    char why[256] = "", path[4096];
    snprintf(path, sizeof path, "%s/journal.db", dir);
    journal *j = journal_open(path, why);
    if (!j) {
        fprintf(stderr, "check: reopen: %s\n", why);
        return -1;
    }
    int64_t n = 0, max = 0;
    int rc = journal_replay(j, CRASH_ATT, check_one, &n, why);
    journal_close(j);
    if (rc != 0) {
        fprintf(stderr, "check: %s\n", why);
        return -1;
    }
    FILE *fp = fopen(acked, "r");
    char line[64];
    while (fp && fgets(line, sizeof line, fp))
        if (strchr(line, '\n') && atoll(line) > max) max = atoll(line);
    if (fp) fclose(fp);
    if (max > n) {
        fprintf(stderr, "check: seq %lld was acknowledged but the journal ends at %lld\n",
                (long long)max, (long long)n);
        return -1;
    }
    return (long)n;
}

static void test_killed_writer_loses_no_acknowledged_event(void **state)
{
    fx *f = *state;
    char acked[4096];
    snprintf(acked, sizeof acked, "%s", fx_path(f->dir, "acked"));
    srand((unsigned)(now_ns() ^ getpid()));
    long total = 0;
    for (int round = 0; round < 20; round++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            int fd = open(acked, O_WRONLY | O_CREAT | O_APPEND, 0600);
            if (fd < 0 || dup2(fd, 1) < 0) _exit(2);
            execl("/proc/self/exe", "test_journal", "--writer", f->dir, "1000000", (char *)NULL);
            _exit(3);
        }
        usleep((useconds_t)(20000 + rand() % 130000));
        kill(pid, SIGKILL);
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
            fail_msg("writer ended by itself (status %d) in round %d", status, round);
        total = check(f->dir, acked);
        if (total < 0) fail_msg("round %d: the journal lost or broke an acknowledged event", round);
    }
    print_message("%ld events acknowledged across 20 kills, none lost\n", total);
    assert_true(total > 0);
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--writer") == 0) return writer(argv[2], atol(argv[3]));
    if (argc == 4 && strcmp(argv[1], "--check") == 0) {
        long n = check(argv[2], argv[3]);
        if (n < 0) return 1;
        printf("%ld events, chain verified, every acknowledged seq present\n", n);
        return 0;
    }
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_new_journal_file_is_private_and_uses_wal),
        T(test_answer_is_on_disk_when_append_returns),
        T(test_chain_hash_follows_the_documented_definition),
        T(test_replay_returns_events_in_order_with_their_fields),
        T(test_replay_stops_when_the_callback_says_so),
        T(test_attempts_have_separate_chains),
        T(test_modified_event_breaks_the_chain),
        T(test_changed_time_breaks_the_chain),
        T(test_removed_event_breaks_the_chain),
        T(test_payload_must_be_a_json_object_in_utf8_of_at_most_1mb),
        T(test_bad_kind_attempt_or_time_is_refused),
        T(test_unfinished_attempt_is_the_newest_begun_without_a_result),
        T(test_reopened_journal_continues_the_chain),
        T(test_newer_format_version_is_refused),
        T(test_format_version_out_of_range_is_not_cut_to_fit),
        T(test_other_files_are_not_taken_for_a_journal),
        T(test_killed_writer_loses_no_acknowledged_event),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
