/* test_seat.c -- the kiosk never bricks a seat and never resumes silently wrong: a finish
 * made again after a crash, a different result already in the outbox. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "journal.h"
#include "journal_int.h"
#include "room.h"
#include "secmem.h"
#include "throttle.h"

static const char *crash_point;  /* where the app stops as if killed; NULL = nowhere */

static int crash_hook(const char *point)
{
    return crash_point && strcmp(point, crash_point) == 0;
}

/* Copies file `name` from folder `from` into folder `to`. */
static void copy_file(const char *from, const char *to, const char *name)
{
    char src[4200], dst[4200], *data = NULL;
    size_t len = 0;
    snprintf(src, sizeof src, "%s/%s", from, name);
    snprintf(dst, sizeof dst, "%s/%s", to, name);
    assert_int_equal(bank_file_read(src, 1 << 20, &data, &len, NULL), BANK_OK);
    assert_int_equal(bank_file_write_atomic(dst, data, len, 0600, NULL), BANK_OK);
    free(data);
}

/* The outbox name of participant 0's first attempt, "<session>-<nip>-1". */
static void result_name(room *r, char *name, size_t cap)
{
    char bank_id[33], sid[33], exam[65], why[WHY_SIZE];
    assert_int_equal(bank_session_info(r->cfg.session_path, bank_id, sid, exam, why), BANK_OK);
    snprintf(name, cap, "%s-%s-1", sid, fx_nip(0));
}

/* STATE/outbox/NAME.EXT of folder `state` (caller frees); NULL when missing. */
static char *outbox_file(room *r, const char *state, const char *ext)
{
    char name[128], path[4300], *data = NULL;
    size_t len = 0;
    result_name(r, name, sizeof name);
    snprintf(path, sizeof path, "%s/outbox/%s.%s", state, name, ext);
    return bank_file_read(path, 1 << 20, &data, &len, NULL) == BANK_OK ? data : NULL;
}

/* A fresh state folder `state` holding the kiosk key of the room's first
 * start, and an app on it that stops at `point`. */
static void start_in(room *r, app_config *cfg, const char *state, const char *point)
{
    app_free(r->a);
    assert_int_equal(mkdir(state, 0700), 0);
    copy_file(r->cfg.state_dir, state, "kiosk.key");
    copy_file(r->cfg.state_dir, state, "kiosk.pub");
    *cfg = r->cfg;
    cfg->state_dir = state;
    cfg->crash_at = crash_hook;
    crash_point = point;
    r->a = app_new(cfg);
    assert_int_equal(app_view_get(r->a)->scr, SCR_IDENTIFY);
}

/* Participant 0 answers two items and submits, always at the same times. */
static const app_view *sit(room *r)
{
    fake_now = 1700000000000;
    to_exam(r, 0);
    fake_now += 5000;
    act(r->a, ACT_OPTION, 1, NULL);
    fake_now += 5000;
    act(r->a, ACT_NEXT, 0, NULL);
    act(r->a, ACT_OPTION, 0, NULL);
    fake_now += 5000;
    act(r->a, ACT_SUBMIT, 0, NULL);
    return act(r->a, ACT_YES, 0, NULL);
}

/* After a stop: the kiosk restarts two minutes later and the proctor's
 * token resumes the submitted attempt, which finishes. */
static const app_view *restart_and_resume(room *r, const app_config *cfg)
{
    app_free(r->a);
    crash_point = NULL;
    fake_now += 120000;
    r->a = app_new(cfg);
    const app_view *v = app_view_get(r->a);
    assert_int_equal(v->scr, SCR_WAIT);
    assert_string_equal(v->msg, "wait.resume");
    act(r->a, ACT_TEXT, 0, r->token);
    return act(r->a, ACT_ENTER, 0, NULL);
}

static void test_a_finish_made_again_after_a_kill_writes_the_same_bytes(void **state)
{
    room *r = *state;
    app_config cfg;
    start_in(r, &cfg, fx_path(r->dir, "ref"), NULL);
    assert_int_equal(sit(r)->scr, SCR_RESULT);
    char *json = outbox_file(r, cfg.state_dir, "json"), *sig = outbox_file(r, cfg.state_dir, "sig");
    assert_non_null(json);
    assert_non_null(sig);
    /* killed after the submission, after the result was stored, and between
     * the signature and the record (the record removed by hand) */
    static const struct {
        const char *dir, *point;
        bool drop_record;
    } kills[] = {{"k1", "submitted", false}, {"k2", "stored", false}, {"k3", "stored", true}};
    for (size_t k = 0; k < sizeof kills / sizeof kills[0]; k++) {
        char dir[4200];
        snprintf(dir, sizeof dir, "%s", fx_path(r->dir, kills[k].dir));
        start_in(r, &cfg, dir, kills[k].point);
        assert_int_not_equal(sit(r)->scr, SCR_RESULT);  /* stopped before the result */
        if (kills[k].drop_record) {
            char name[128], path[4400];
            result_name(r, name, sizeof name);
            snprintf(path, sizeof path, "%s/outbox/%s.json", dir, name);
            assert_int_equal(unlink(path), 0);
        }
        const app_view *v = restart_and_resume(r, &cfg);
        assert_int_equal(v->scr, SCR_RESULT);
        assert_string_equal(v->msg, "");
        char *j2 = outbox_file(r, dir, "json"), *s2 = outbox_file(r, dir, "sig");
        assert_non_null(j2);
        assert_non_null(s2);
        assert_string_equal(j2, json);
        assert_string_equal(s2, sig);
        free(j2);
        free(s2);
        /* the seat carries on */
        assert_int_equal(act(r->a, ACT_NEXT_SEAT, 0, NULL)->scr, SCR_IDENTIFY);
    }
    free(json);
    free(sig);
}

static void test_a_different_result_in_the_outbox_is_kept_aside_and_the_seat_carries_on(void **state)
{
    room *r = *state;
    app_config cfg;
    const char *dir = strdup(fx_path(r->dir, "other"));
    start_in(r, &cfg, dir, "submitted");
    sit(r);
    char name[128], path[4300];
    result_name(r, name, sizeof name);
    snprintf(path, sizeof path, "%s/outbox", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/outbox/%s.json", dir, name);
    static const char other[] = "{\"kind\":\"kisi-result\",\"other\":true}";
    assert_int_equal(bank_file_write_atomic(path, other, strlen(other), 0600, NULL), BANK_OK);
    const app_view *v = restart_and_resume(r, &cfg);
    assert_int_equal(v->scr, SCR_RESULT);
    assert_string_equal(v->msg, "result.conflict");  /* said to the proctor */
    char *mine = outbox_file(r, dir, "json"), *kept = NULL;
    assert_non_null(mine);
    assert_null(strstr(mine, "\"other\""));
    size_t len = 0;
    snprintf(path, sizeof path, "%s/conflict/%s.1.json", dir, name);
    assert_int_equal(bank_file_read(path, 1 << 20, &kept, &len, NULL), BANK_OK);
    assert_string_equal(kept, other);  /* never deleted */
    assert_int_equal(act(r->a, ACT_NEXT_SEAT, 0, NULL)->scr, SCR_IDENTIFY);
    free(mine);
    free(kept);
    free((char *)dir);
}

/* Types a token on the wait screen and presses Enter. */
static const app_view *token(room *r, const char *t)
{
    act(r->a, ACT_TEXT, 0, t);
    return act(r->a, ACT_ENTER, 0, NULL);
}

static void test_wrong_tokens_cost_a_growing_wait_that_a_restart_keeps(void **state)
{
    room *r = *state;
    fake_now = 1700000000000;
    assert_int_equal(identify(r->a, 0, "1234567890")->scr, SCR_WAIT);
    const char *wrong = "AAAAAAAAAA";
    for (int i = 0; i < THROTTLE_FREE; i++) {  /* the first wrong tries cost nothing */
        const app_view *v = token(r, wrong);
        assert_string_equal(v->msg, "wait.wrongtoken");
        assert_int_equal(v->wait_s, 0);
    }
    const app_view *v = token(r, wrong);
    assert_int_equal(v->scr, SCR_WAIT);
    assert_string_equal(v->msg, "throttle.wait");
    assert_int_equal(v->wait_s, THROTTLE_FIRST_MS / 1000);
    assert_true(app_wake_ms(r->a) > 0 && app_wake_ms(r->a) <= 1000);  /* the countdown runs */
    /* while it runs, even the right token is not tried */
    v = token(r, r->token);
    assert_int_equal(v->scr, SCR_WAIT);
    assert_int_equal(v->wait_s, THROTTLE_FIRST_MS / 1000);
    fake_now += 2000;
    v = act(r->a, ACT_TICK, 0, NULL);
    assert_int_equal(v->wait_s, THROTTLE_FIRST_MS / 1000 - 2);
    fake_now += THROTTLE_FIRST_MS;
    v = act(r->a, ACT_TICK, 0, NULL);
    assert_int_equal(v->wait_s, 0);
    v = token(r, wrong);  /* the next wrong one doubles the wait */
    assert_int_equal(v->wait_s, 2 * THROTTLE_FIRST_MS / 1000);
    char *log = kiosk_log(r);
    assert_non_null(strstr(log, " token-throttled "));
    assert_null(strstr(log, wrong));
    free(log);
    /* a restart does not reset it */
    app_free(r->a);
    r->a = app_new(&r->cfg);
    v = identify(r->a, 0, "1234567890");
    assert_int_equal(v->scr, SCR_WAIT);
    v = token(r, r->token);
    assert_int_equal(v->scr, SCR_WAIT);
    assert_int_equal(v->wait_s, 2 * THROTTLE_FIRST_MS / 1000);
    /* after the wait the right token goes in, and the count starts again */
    fake_now += 2 * THROTTLE_FIRST_MS;
    act(r->a, ACT_TICK, 0, NULL);
    assert_int_equal(token(r, r->token)->scr, SCR_INSTRUCTIONS);
    char path[4200], *text = NULL;
    size_t len = 0;
    snprintf(path, sizeof path, "%s/token-tries", r->cfg.state_dir);
    assert_int_equal(bank_file_read(path, 256, &text, &len, NULL), BANK_OK);
    assert_string_equal(text, "kisi-throttle 1 0 0\n");
    free(text);
}

static void test_the_wait_is_capped_and_a_damaged_count_is_not_a_fresh_one(void **state)
{
    room *r = *state;
    throttle t;
    char path[4200], why[WHY_SIZE] = "";
    snprintf(path, sizeof path, "%s/tries", r->dir);
    assert_int_equal(throttle_load(&t, path, 1000, why), 0);
    int64_t last = 0;
    for (int i = 0; i < 40; i++) last = throttle_fail(&t, 1000, why);
    assert_int_equal(last, THROTTLE_MAX_MS);
    /* a clock set back does not make the wait longer than the cap */
    assert_int_equal(throttle_wait_ms(&t, 0), THROTTLE_MAX_MS);
    assert_int_equal(bank_file_write_atomic(path, "junk", 4, 0600, NULL), BANK_OK);
    assert_int_equal(throttle_load(&t, path, 1000, why), -1);
    assert_non_null(strstr(why, "damaged"));
    assert_true(throttle_wait_ms(&t, 1000) > 0);
}

/* ------------------------------------------------------------------ */
/* A damaged journal is shown to the proctor, never started over silently */

/* Participant 0 begins and answers two items; the app is left running. */
static void answer_two(room *r)
{
    fake_now = 1700000000000;
    to_exam(r, 0);
    act(r->a, ACT_OPTION, 1, NULL);
    act(r->a, ACT_NEXT, 0, NULL);
    act(r->a, ACT_OPTION, 0, NULL);
}

/* STATE/NAME of the room (static rotating buffer). */
static const char *state_file(room *r, const char *name)
{
    return fx_path(r->cfg.state_dir, name);
}

/* Restarts the app; returns its view, which must be the damage screen
 * with a message (never the identify screen: nothing starts over). */
static const app_view *restart_damaged(room *r)
{
    app_free(r->a);
    r->a = app_new(&r->cfg);
    const app_view *v = app_view_get(r->a);
    assert_int_equal(v->scr, SCR_DAMAGE);
    assert_true(v->dmg_kept && strstr(v->dmg_kept, "/damaged"));
    return v;
}

/* The proctor code (here the token) sets the journal aside: the kiosk goes
 * on with a new journal, the damaged file is kept with the bytes `before`. */
static void set_aside(room *r, const char *before, size_t len)
{
    act(r->a, ACT_TEXT, 0, "WRONGCODE");
    const app_view *v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_DAMAGE);
    assert_string_equal(v->msg, "proctor.wrong");
    act(r->a, ACT_TEXT, 0, r->proctor);
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_IDENTIFY);
    char *log = kiosk_log(r);
    assert_non_null(strstr(log, " journal-damaged "));
    assert_non_null(strstr(log, " journal-set-aside "));
    free(log);
    DIR *d = opendir(state_file(r, "damaged"));
    assert_non_null(d);
    struct dirent *e;
    char kept[4400] = "";
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            snprintf(kept, sizeof kept, "%s/damaged/%s/journal.db", r->cfg.state_dir, e->d_name);
    closedir(d);
    char *data = NULL;
    size_t n = 0;
    assert_int_equal(bank_file_read(kept, 1 << 24, &data, &n, NULL), BANK_OK);
    if (before) {
        assert_int_equal(n, len);
        assert_memory_equal(data, before, len);
    }
    free(data);
    /* a new journal: the participant can begin again */
    assert_int_equal(to_exam(r, 1)->scr, SCR_EXAM);
}

/* The whole of STATE/journal.db (caller frees). */
static char *journal_bytes(room *r, size_t *len)
{
    char *data = NULL;
    assert_int_equal(bank_file_read(state_file(r, "journal.db"), 1 << 24, &data, len, NULL),
                     BANK_OK);
    return data;
}

/* answer_two(), then the kiosk stops (the last close folds the WAL into
 * the file); returns the journal's bytes (caller frees), their length in *len. */
static char *answer_two_and_stop(room *r, size_t *len)
{
    answer_two(r);
    app_free(r->a);
    r->a = NULL;
    return journal_bytes(r, len);
}

static void test_a_journal_with_4_kib_overwritten_is_shown_with_what_it_holds(void **state)
{
    room *r = *state;
    size_t len = 0;
    char *data = answer_two_and_stop(r, &len);
    assert_true(len >= 3 * 4096);
    memset(data + 4096, 0xa5, 4096);
    assert_int_equal(bank_file_write_atomic(state_file(r, "journal.db"), data, len, 0600, NULL),
                     BANK_OK);
    r->a = app_new(&r->cfg);
    const app_view *v = restart_damaged(r);
    assert_string_equal(v->msg, "damage.unreadable");
    assert_int_equal(v->dmg_recorded, 4);  /* begin, answer, move, answer */
    assert_true(v->dmg_readable <= 4);
    set_aside(r, data, len);
    free(data);
}

static void test_a_journal_whose_wal_was_deleted_is_shown_as_lost_answers(void **state)
{
    room *r = *state;
    answer_two(r);
    /* the main file as it is on disk while the kiosk runs: what is left when
     * the power goes and the WAL beside it is deleted */
    size_t len = 0;
    char *data = journal_bytes(r, &len);
    app_free(r->a);
    r->a = NULL;
    assert_int_equal(bank_file_write_atomic(state_file(r, "journal.db"), data, len, 0600, NULL),
                     BANK_OK);
    unlink(state_file(r, "journal.db-wal"));
    unlink(state_file(r, "journal.db-shm"));
    r->a = app_new(&r->cfg);
    const app_view *v = restart_damaged(r);
    assert_string_equal(v->msg, "damage.lost");
    assert_int_equal(v->dmg_recorded, 4);
    assert_true(v->dmg_readable < 4);
    set_aside(r, NULL, 0);
    free(data);
}

static void test_a_truncated_or_missing_journal_is_shown_never_made_anew(void **state)
{
    room *r = *state;
    size_t len = 0;
    char *data = answer_two_and_stop(r, &len);
    assert_int_equal(truncate(state_file(r, "journal.db"), (off_t)(len / 2)), 0);
    r->a = app_new(&r->cfg);
    const app_view *v = restart_damaged(r);
    assert_true(strcmp(v->msg, "damage.unreadable") == 0 || strcmp(v->msg, "damage.lost") == 0);
    /* cut to nothing, or gone: not taken for a new journal either */
    assert_int_equal(truncate(state_file(r, "journal.db"), 0), 0);
    assert_string_equal(restart_damaged(r)->msg, "damage.lost");
    assert_int_equal(unlink(state_file(r, "journal.db")), 0);
    assert_string_equal(restart_damaged(r)->msg, "damage.lost");
    assert_int_equal(access(state_file(r, "journal.db"), F_OK), -1);
    free(data);
}

static void test_a_journal_from_another_kiosk_is_shown(void **state)
{
    room *r = *state;
    size_t len = 0;
    free(answer_two_and_stop(r, &len));
    /* another kiosk's state folder: its own key, this kiosk's journal */
    char other[4200];
    snprintf(other, sizeof other, "%s", fx_path(r->dir, "other"));
    assert_int_equal(mkdir(other, 0700), 0);
    copy_file(r->cfg.state_dir, other, "journal.db");
    copy_file(r->cfg.state_dir, other, "journal.db.mark");
    const char *mine = r->cfg.state_dir;
    r->cfg.state_dir = other;
    r->a = app_new(&r->cfg);
    const app_view *v = app_view_get(r->a);
    int scr = v->scr;
    const char *msg = v->msg;
    r->cfg.state_dir = mine;
    assert_int_equal(scr, SCR_DAMAGE);
    assert_string_equal(msg, "damage.otherkiosk");
}

/* Rewrites the journal as one without the attempt's key would: the first
 * answer changed to `v` and every link from it made again under another
 * key, the mark too. */
static void forge(room *r, const char *v)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(state_file(r, "journal.db"), &db), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT rowid, seq, kind, wall_ms, used_ms, payload "
                                            "FROM events ORDER BY seq", -1, &st, NULL),
                     SQLITE_OK);
    EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(m);
    unsigned char key[JOURNAL_KEY] = {0x42}, prev[32] = {0};
    char link[65] = "", q[8192];
    bool edited = false;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(st, 5);
        char payload[4096];
        snprintf(payload, sizeof payload, "%s", p);
        if (!edited && sqlite3_column_int(st, 2) == J_ANSWER) {
            snprintf(payload, sizeof payload, "{\"i\":0,\"v\":\"%s\"}", v);
            edited = true;
        }
        assert_int_equal(journal_chain_mac(ctx, key, prev, sqlite3_column_int64(st, 1),
                                           sqlite3_column_int64(st, 2),
                                           sqlite3_column_int64(st, 3),
                                           sqlite3_column_int64(st, 4), payload, strlen(payload),
                                           link),
                         0);
        for (int i = 0; i < 32; i++) sscanf(link + 2 * i, "%2hhx", &prev[i]);
        char *sql = sqlite3_mprintf("UPDATE events SET payload = %Q, hash = %Q WHERE rowid = %lld",
                                    payload, link, (long long)sqlite3_column_int64(st, 0));
        snprintf(q, sizeof q, "%s", sql);
        sqlite3_free(sql);
        assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(m);
    int fd = jmark_open(state_file(r, "journal.db.mark"));
    assert_true(fd >= 0);
    assert_int_equal(jmark_write(fd, 4, link), 0);
    close(fd);
}

static void test_an_answer_edited_with_the_chain_made_again_is_shown_at_the_token(void **state)
{
    room *r = *state;
    size_t len = 0;
    free(answer_two_and_stop(r, &len));
    forge(r, "D");
    r->a = app_new(&r->cfg);
    const app_view *v = app_view_get(r->a);
    assert_int_equal(v->scr, SCR_WAIT);  /* the chain needs the token's key */
    act(r->a, ACT_TEXT, 0, r->token);
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_DAMAGE);
    assert_string_equal(v->msg, "damage.edited");
    assert_int_equal(v->dmg_readable, 0);  /* the first link already fails */
    assert_string_equal(v->dmg_last, fx_nip(0));
    set_aside(r, NULL, 0);
}

/* ------------------------------------------------------------------ */
/* Secrets and decrypted items do not outlive the seat                  */

static struct {
    int item, items, token, pin, code;
    bool not_zero;  /* a buffer told as wiped held a non-zero byte */
} wipes;

static void count_wipe(const char *what, const void *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (((const unsigned char *)p)[i]) wipes.not_zero = true;
    if (strcmp(what, "item") == 0) wipes.item++;
    else if (strcmp(what, "items") == 0) wipes.items++;
    else if (strcmp(what, "token") == 0) wipes.token++;
    else if (strcmp(what, "pin") == 0) wipes.pin++;
    else if (strcmp(what, "code") == 0) wipes.code++;
}

static void test_items_token_and_pin_are_wiped_at_the_hand_over(void **state)
{
    room *r = *state;
    app_free(r->a);
    r->cfg.wiped = count_wipe;
    r->a = app_new(&r->cfg);
    to_exam(r, 0);
    int nitems = app_view_get(r->a)->nitems;
    act(r->a, ACT_OPTION, 0, NULL);
    act(r->a, ACT_SUBMIT, 0, NULL);
    assert_int_equal(act(r->a, ACT_YES, 0, NULL)->scr, SCR_RESULT);
    memset(&wipes, 0, sizeof wipes);
    assert_int_equal(act(r->a, ACT_NEXT_SEAT, 0, NULL)->scr, SCR_IDENTIFY);
    r->cfg.wiped = NULL;
    assert_false(wipes.not_zero);
    /* each item's stem, topic and options, then the array; the typed secrets */
    assert_true(wipes.item >= 3 * nitems);
    assert_int_equal(wipes.items, 1);
    assert_int_equal(wipes.token, 1);
    assert_int_equal(wipes.pin, 1);
    assert_int_equal(wipes.code, 1);
}

static void test_the_process_is_kept_out_of_core_dumps(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit rl;
        int ok = secmem_protect_process() == 0 && prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0 &&
                 getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 0 && rl.rlim_max == 0;
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_locked_memory_fails_soft_and_starts_zeroed(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit none = {0, 0};
        int ok = setrlimit(RLIMIT_MEMLOCK, &none) == 0;
        unsigned char *p = secmem_alloc(100);  /* no lock allowed: memory all the same */
        ok = ok && p && (!secmem_locked(p) || geteuid() == 0);  /* root may lock anyway */
        for (int i = 0; ok && i < 100; i++) ok = p[i] == 0;
        secmem_free(p, 100);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    unsigned char *q = secmem_alloc(5000);
    assert_non_null(q);
    assert_int_equal((uintptr_t)q % (uintptr_t)sysconf(_SC_PAGESIZE), 0);
    memset(q, 0x5a, 5000);
    secmem_free(q, 5000);
}

static void test_a_seat_locked_by_wrong_pins_stays_locked_across_a_restart(void **state)
{
    room *r = *state;
    /* the first PIN is checked after the token, the next ones at once */
    assert_int_equal(identify(r->a, 0, "9999999999")->scr, SCR_WAIT);
    act(r->a, ACT_TEXT, 0, r->token);
    assert_int_equal(act(r->a, ACT_ENTER, 0, NULL)->scr, SCR_IDENTIFY);
    for (int i = 0; i < 2; i++) {
        act(r->a, ACT_TEXT, 0, "9999999999");
        act(r->a, ACT_ENTER, 0, NULL);
    }
    assert_int_equal(app_view_get(r->a)->scr, SCR_LOCKED);
    app_free(r->a);  /* switched off and on: no three more tries */
    r->a = app_new(&r->cfg);
    const app_view *v = app_view_get(r->a);
    assert_int_equal(v->scr, SCR_LOCKED);
    act(r->a, ACT_TEXT, 0, r->token);  /* the token the room hears is no proctor code */
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_LOCKED);
    act(r->a, ACT_TEXT, 0, r->proctor);
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_IDENTIFY);
    assert_string_equal(v->nip, fx_nip(0));  /* as before: the PIN box waits */
    app_free(r->a);
    r->a = app_new(&r->cfg);
    assert_int_equal(app_view_get(r->a)->scr, SCR_IDENTIFY);
}

static void test_an_unfinished_attempt_of_another_session_is_shown(void **state)
{
    room *r = *state;
    answer_two(r);
    app_free(r->a);
    r->a = NULL;
    /* the next day: the kiosk is started with another session of the same bank */
    bank_err e = BANK_OK;
    char why[WHY_SIZE] = "", token[BANK_TOKEN_LEN + 1];
    bank *b = bank_open(r->cfg.bank_path, true, &e, why);
    assert_non_null(b);
    assert_int_equal(bank_unlock(b, FX_PASS, strlen(FX_PASS), why), BANK_OK);
    fx_session(b, "q", 3, NULL, fx_path(r->dir, "next.session"), token);
    bank_close(b);
    const char *first = r->cfg.session_path;
    r->cfg.session_path = fx_path(r->dir, "next.session");
    r->a = app_new(&r->cfg);
    const app_view *v = app_view_get(r->a);
    int scr = v->scr;
    const char *msg = v->msg;
    long long answers = v->dmg_answers;
    r->cfg.session_path = first;
    assert_int_equal(scr, SCR_DAMAGE);
    assert_string_equal(msg, "damage.othersession");
    assert_int_equal(answers, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_a_finish_made_again_after_a_kill_writes_the_same_bytes),
        T(test_a_different_result_in_the_outbox_is_kept_aside_and_the_seat_carries_on),
        T(test_wrong_tokens_cost_a_growing_wait_that_a_restart_keeps),
        T(test_the_wait_is_capped_and_a_damaged_count_is_not_a_fresh_one),
        T(test_a_journal_with_4_kib_overwritten_is_shown_with_what_it_holds),
        T(test_a_journal_whose_wal_was_deleted_is_shown_as_lost_answers),
        T(test_a_truncated_or_missing_journal_is_shown_never_made_anew),
        T(test_a_journal_from_another_kiosk_is_shown),
        T(test_an_unfinished_attempt_of_another_session_is_shown),
        T(test_an_answer_edited_with_the_chain_made_again_is_shown_at_the_token),
        T(test_items_token_and_pin_are_wiped_at_the_hand_over),
        T(test_the_process_is_kept_out_of_core_dumps),
        T(test_locked_memory_fails_soft_and_starts_zeroed),
        T(test_a_seat_locked_by_wrong_pins_stays_locked_across_a_restart),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
