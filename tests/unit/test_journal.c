/* test_journal.c -- kiosk journal: durability, keyed hash chain, validation, resuming, crash safety. */
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
#include "journal_int.h"

#define ATT "s1/199001012015031001"
#define ATT2 "s1/199202022016042002"
#define CRASH_ATT "crash/199001012015031001"

/* The test key of an attempt's chain: SHA-256 of its name (the kiosk's
 * comes from the session, see bank_session_journal_key). */
static void key_of(const char *att, unsigned char key[JOURNAL_KEY])
{
    unsigned mdlen = 0;
    if (EVP_Digest(att, strlen(att), key, &mdlen, EVP_sha256(), NULL) != 1) abort();
}

/* Sets the chain key of `att` in j; 0 or -1. */
static int use(journal *j, const char *att)
{
    unsigned char key[JOURNAL_KEY];
    key_of(att, key);
    return journal_set_key(j, att, key, NULL);
}

/* journal_replay() of `att` under its test key. */
static int replay(journal *j, const char *att, int (*fn)(const jevent *, void *), void *arg,
                  char *why)
{
    if (use(j, att) != 0) return -1;
    return journal_replay(j, att, fn, arg, why);
}

/* A fresh journal in a fresh folder, the key of ATT set. */
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
    if (use(f->j, ATT) != 0) return -1;
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
    if (use(j, att) != 0 ||
        journal_append(j, att, kind, 1700000000000 + used, used, payload, why) != 0)
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

/* The chain link computed independently of journal.c: HMAC-SHA256 under
 * the attempt's key, or plain SHA-256 (the unkeyed chain of format 1) when
 * att is NULL. */
static void expect_hash(const char *att, const char *prev_hex, int64_t seq, int kind, int64_t wall,
                        int64_t used, const char *payload, char out[65])
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
    if (att) {
        unsigned char key[JOURNAL_KEY];
        size_t maclen = 0;
        key_of(att, key);
        assert_non_null(EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, sizeof key, buf,
                                  64 + len, md, sizeof md, &maclen));
        assert_int_equal(maclen, 32);
    } else {
        assert_int_equal(EVP_Digest(buf, 64 + len, md, &mdlen, EVP_sha256(), NULL), 1);
    }
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
    expect_hash(ATT, NULL, 1, J_NAV, 1700000000010, 10, "{\"i\":1}", h1);
    expect_hash(ATT, h1, 2, J_FLAG, 1700000000020, 20, "{\"i\":1,\"v\":1}", h2);
    seen s = {0};
    assert_int_equal(replay(f->j, ATT, collect, &s, NULL), 0);
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
    assert_int_equal(replay(f->j, ATT, collect, &s, NULL), 0);
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
    assert_int_equal(replay(f->j, ATT, collect, &s, NULL), 0);
    assert_int_equal(s.n, 2);
}

static void test_attempts_have_separate_chains(void **state)
{
    fx *f = *state;
    append(f->j, ATT, J_TICK, 0, "{}");
    append(f->j, ATT2, J_TICK, 0, "{}");
    append(f->j, ATT, J_TICK, 1, "{}");
    seen a = {0}, b = {0};
    assert_int_equal(replay(f->j, ATT, collect, &a, NULL), 0);
    assert_int_equal(replay(f->j, ATT2, collect, &b, NULL), 0);
    assert_int_equal(a.n, 2);
    assert_int_equal(b.n, 1);
    assert_int_equal(b.seq[0], 1);
    /* same content, same start, another attempt's key: another link */
    assert_string_not_equal(a.hash[0], b.hash[0]);
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
    assert_int_equal(replay(f->j, ATT, collect, &s, why), -1);
    assert_non_null(strstr(why, "seq 2"));
    assert_int_equal(s.n, 1); /* nothing from the bad event on is handed out */
}

static void test_an_edit_with_the_chain_made_again_without_the_key_is_detected(void **state)
{
    fx *f = *state;
    append(f->j, ATT, J_ANSWER, 1, "{\"i\":0,\"v\":\"A\"}");
    append(f->j, ATT, J_ANSWER, 2, "{\"i\":1,\"v\":\"B\"}");
    /* the answer of seq 2 edited and its link made again as an unkeyed
     * chain (format 1) and as one under another attempt's key */
    char prev[65], link[65], q[512];
    seen s = {0};
    assert_int_equal(replay(f->j, ATT, collect, &s, NULL), 0);
    snprintf(prev, sizeof prev, "%s", s.hash[0]);
    const char *keys[] = {NULL, ATT2};
    for (int k = 0; k < 2; k++) {
        expect_hash(keys[k], prev, 2, J_ANSWER, 1700000000002, 2, "{\"i\":1,\"v\":\"D\"}", link);
        snprintf(q, sizeof q,
                 "UPDATE events SET payload = '{\"i\":1,\"v\":\"D\"}', hash = '%s' WHERE seq = 2",
                 link);
        sql(f->dir, q);
        char why[256] = "";
        seen t = {0};
        assert_int_equal(replay(f->j, ATT, collect, &t, why), -1);
        assert_non_null(strstr(why, "seq 2"));
        assert_int_equal(t.n, 1);
    }
}

static void test_an_attempt_is_written_and_read_only_under_its_own_key(void **state)
{
    fx *f = *state;
    char why[256] = "";
    append(f->j, ATT, J_TICK, 1, "{}");
    /* the key set is ATT's: another attempt is refused until its key is set */
    assert_int_equal(journal_append(f->j, ATT2, J_TICK, 1, 1, "{}", why), -1);
    assert_non_null(strstr(why, "key"));
    seen s = {0};
    assert_int_equal(journal_replay(f->j, ATT2, collect, &s, why), -1);
    journal_forget_key(f->j);
    assert_int_equal(journal_append(f->j, ATT, J_TICK, 2, 2, "{}", why), -1);
    assert_int_equal(journal_replay(f->j, ATT, collect, &s, why), -1);
    /* the right attempt under a wrong key: the chain does not verify */
    unsigned char wrong[JOURNAL_KEY] = {1};
    assert_int_equal(journal_set_key(f->j, ATT, wrong, why), 0);
    assert_int_equal(journal_replay(f->j, ATT, collect, &s, why), -1);
    assert_non_null(strstr(why, "seq 1"));
}

static void test_changed_time_breaks_the_chain(void **state)
{
    fx *f = *state;
    append(f->j, ATT, J_TICK, 1000, "{}");
    append(f->j, ATT, J_TICK, 2000, "{}");
    sql(f->dir, "UPDATE events SET used_ms = 10 WHERE seq = 2");
    char why[256] = "";
    seen s = {0};
    assert_int_equal(replay(f->j, ATT, collect, &s, why), -1);
    assert_non_null(strstr(why, "seq 2"));
}

static void test_removed_event_breaks_the_chain(void **state)
{
    fx *f = *state;
    for (int i = 0; i < 4; i++) append(f->j, ATT, J_TICK, i, "{}");
    sql(f->dir, "DELETE FROM events WHERE seq = 3");
    char why[256] = "";
    seen s = {0};
    assert_int_equal(replay(f->j, ATT, collect, &s, why), -1);
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
    assert_int_equal(replay(f->j, ATT, collect, &s, NULL), 0);
    assert_int_equal(s.n, 2); /* refused payloads left nothing behind */
}

static void test_bad_kind_attempt_or_time_is_refused(void **state)
{
    fx *f = *state;
    char why[256];
    assert_int_equal(journal_append(f->j, ATT, (jkind)0, 1, 1, "{}", why), -1);
    assert_int_equal(journal_append(f->j, ATT, (jkind)(J_LEASE + 1), 1, 1, "{}", why), -1);
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
    assert_int_equal(replay(f->j, ATT, collect, &s, why), 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.seq[2], 3);
}

static void test_a_mark_one_event_behind_is_accepted_and_brought_up_to_date(void **state)
{
    fx *f = *state;
    append(f->j, ATT, J_TICK, 1, "{}");
    append(f->j, ATT, J_TICK, 2, "{}");
    char head[65] = "", mhead[65] = "", why[256] = "";
    assert_int_equal(journal_head(f->j, ATT, head, NULL), 0);
    journal_close(f->j);
    /* a power cut between the commit and the mark's update */
    int fd = jmark_open(fx_path(f->dir, "journal.db.mark"));
    assert_true(fd >= 0);
    assert_int_equal(jmark_write(fd, 1, "-"), 0);
    close(fd);
    jdamage d = JD_UNREADABLE;
    f->j = journal_open_as(fx_path(f->dir, "journal.db"), "k1", &d, why);
    assert_non_null(f->j);
    assert_int_equal(d, JD_NONE);
    int64_t n = 0;
    assert_int_equal(jmark_read(fx_path(f->dir, "journal.db.mark"), &n, mhead), 1);
    assert_int_equal(n, 2);
    assert_string_equal(mhead, head);
}

static void test_fewer_events_than_the_mark_or_another_file_is_refused(void **state)
{
    fx *f = *state;
    append(f->j, ATT, J_TICK, 1, "{}");
    append(f->j, ATT, J_TICK, 2, "{}");
    journal_close(f->j);
    f->j = NULL;
    char why[256] = "";
    jdamage d = JD_NONE;
    sql(f->dir, "DELETE FROM events WHERE seq = 2");
    assert_null(journal_open_as(fx_path(f->dir, "journal.db"), NULL, &d, why));
    assert_int_equal(d, JD_LOST);
    assert_non_null(strstr(why, "holds 1 events, but its mark says 2"));
    sql(f->dir, "INSERT INTO events VALUES('x/1', 1, 7, 1, 1, '{}', 'ab')");
    assert_null(journal_open_as(fx_path(f->dir, "journal.db"), NULL, &d, why));
    assert_int_equal(d, JD_REPLACED);
    /* the owner: recorded in a journal that has none, then checked */
    assert_int_equal(unlink(fx_path(f->dir, "journal.db.mark")), 0);
    journal *j = journal_open_as(fx_path(f->dir, "journal.db"), "kiosk-a", &d, why);
    assert_non_null(j);
    journal_close(j);
    assert_null(journal_open_as(fx_path(f->dir, "journal.db"), "kiosk-b", &d, why));
    assert_int_equal(d, JD_OTHERKIOSK);
    /* a damaged mark counts as none: the file is taken as it is */
    FILE *fp = fopen(fx_path(f->dir, "journal.db.mark"), "w");
    assert_non_null(fp);
    fputs("junk\n", fp);
    fclose(fp);
    f->j = journal_open_as(fx_path(f->dir, "journal.db"), "kiosk-a", &d, why);
    assert_non_null(f->j);
}

static void test_a_journal_set_aside_is_moved_whole_never_deleted(void **state)
{
    fx *f = *state;
    append(f->j, ATT, J_ANSWER, 1, "{\"i\":0,\"v\":\"A\"}");
    journal_close(f->j);
    f->j = NULL;
    jinspect in;
    assert_int_equal(journal_inspect(fx_path(f->dir, "journal.db"), &in), 0);
    assert_int_equal(in.readable, 1);
    assert_int_equal(in.answers, 1);
    assert_int_equal(in.recorded, 1);
    assert_string_equal(in.last_attempt, ATT);
    char kept[4096], why[256] = "", into[4200];
    snprintf(into, sizeof into, "%s", fx_path(f->dir, "damaged"));
    assert_int_equal(journal_set_aside(fx_path(f->dir, "journal.db"), into, kept, sizeof kept, why), 0);
    assert_int_equal(access(fx_path(f->dir, "journal.db"), F_OK), -1);
    assert_int_equal(access(fx_path(f->dir, "journal.db.mark"), F_OK), -1);
    assert_int_equal(access(fx_path(kept, "journal.db"), F_OK), 0);
    assert_int_equal(access(fx_path(kept, "journal.db.mark"), F_OK), 0);
}

static void test_another_format_version_is_refused_clearly(void **state)
{
    fx *f = *state;
    journal_close(f->j);
    f->j = NULL;
    /* a newer kiosk's, and the unkeyed chain of format 1 */
    static const struct {
        const char *sql, *says[2];
    } cases[] = {
        {"UPDATE meta SET value = '3' WHERE key = 'format'", {"newer", "update the kiosk"}},
        /* 2^32 + 2: an int cast would make it this kiosk's format 2 */
        {"UPDATE meta SET value = '4294967298' WHERE key = 'format'", {"newer", "update the kiosk"}},
        {"UPDATE meta SET value = '1' WHERE key = 'format'",
         {"format version 1 of an earlier kiosk", "no key"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sql(f->dir, cases[i].sql);
        char why[256] = "";
        jdamage d = JD_NONE;
        assert_null(journal_open_as(fx_path(f->dir, "journal.db"), NULL, &d, why));
        assert_int_equal(d, JD_FORMAT);
        for (int k = 0; k < 2; k++) assert_non_null(strstr(why, cases[i].says[k]));
    }
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
    if (replay(j, CRASH_ATT, collect, &s, why) != 0) {
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
    int rc = replay(j, CRASH_ATT, check_one, &n, why);
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
        T(test_an_edit_with_the_chain_made_again_without_the_key_is_detected),
        T(test_an_attempt_is_written_and_read_only_under_its_own_key),
        T(test_changed_time_breaks_the_chain),
        T(test_removed_event_breaks_the_chain),
        T(test_payload_must_be_a_json_object_in_utf8_of_at_most_1mb),
        T(test_bad_kind_attempt_or_time_is_refused),
        T(test_unfinished_attempt_is_the_newest_begun_without_a_result),
        T(test_reopened_journal_continues_the_chain),
        T(test_a_mark_one_event_behind_is_accepted_and_brought_up_to_date),
        T(test_fewer_events_than_the_mark_or_another_file_is_refused),
        T(test_a_journal_set_aside_is_moved_whole_never_deleted),
        T(test_another_format_version_is_refused_clearly),
        T(test_other_files_are_not_taken_for_a_journal),
        T(test_killed_writer_loses_no_acknowledged_event),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
