/* test_sitting.c -- the attempt model: what each event does, and rebuilding it after a restart. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fixture.h"
#include "journal.h"
#include "sitting.h"

#define NIP "199001012015031001"
#define FORM                                                                              \
    "{\"exam\":\"quiz\",\"session\":\"s1\",\"participant\":\"" NIP "\",\"attempt\":2,"   \
    "\"items\":[{\"id\":\"t0-000\",\"topic\":\"t0\",\"options\":[\"B\",\"A\",\"D\",\"C\"]}," \
    "{\"id\":\"t0-001\",\"topic\":\"t0\",\"options\":[\"A\",\"B\"]},"                    \
    "{\"id\":\"t1-000\",\"topic\":\"t1\",\"options\":[\"E\",\"D\",\"C\",\"B\",\"A\"]}]}"
#define BEGIN "{\"form\":" FORM ",\"name\":\"Siti Rahayu\",\"minutes\":30}"
#define WALL0 1700000000000

/* Applies one event; returns what sitting_apply returned. */
static int ev(sitting *s, jkind kind, int64_t used, const char *payload, char *why)
{
    jevent e = {.seq = 0, .kind = kind, .wall_ms = WALL0 + used, .used_ms = used,
                .payload = payload, .hash = ""};
    return sitting_apply(s, &e, why);
}

/* Applies one event that must fit. */
static void ok(sitting *s, jkind kind, int64_t used, const char *payload)
{
    char why[256] = "";
    if (ev(s, kind, used, payload, why) != 0) fail_msg("%s refused: %s", payload, why);
}

/* Applies one event that must be refused with a reason. */
static void refused(sitting *s, jkind kind, const char *payload)
{
    char why[256] = "";
    if (ev(s, kind, s->used_ms, payload, why) == 0) fail_msg("%s was accepted", payload);
    assert_true(why[0] != 0);
}

static void test_begin_sets_form_name_arrays_and_time_limit(void **state)
{
    (void)state;
    sitting s = {0};
    ok(&s, J_BEGIN, 0, BEGIN);
    assert_non_null(s.form);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.name, "Siti Rahayu");
    assert_int_equal(s.limit_ms, 30 * 60000);
    assert_int_equal(sitting_remaining(&s), 30 * 60000);
    assert_string_equal(bank_form_participant(s.form), NIP);
    assert_int_equal(bank_form_attempt(s.form), 2);
    for (size_t i = 0; i < s.n; i++) {
        assert_string_equal(s.answer[i], "");
        assert_int_equal(s.answer_ms[i], -1);
        assert_false(s.flag[i]);
    }
    assert_int_equal(sitting_answered(&s), 0);
    assert_int_equal(s.last_wall_ms, WALL0);
    sitting_clear(&s);
    assert_null(s.form);
}

static void test_begin_needs_a_valid_form_name_and_minutes(void **state)
{
    (void)state;
    sitting s = {0};
    refused(&s, J_BEGIN, "{\"form\":" FORM ",\"name\":\"A\"}");
    refused(&s, J_BEGIN, "{\"form\":" FORM ",\"minutes\":30}");
    refused(&s, J_BEGIN, "{\"form\":" FORM ",\"name\":\"A\",\"minutes\":0}");
    refused(&s, J_BEGIN, "{\"form\":{\"exam\":\"q\"},\"name\":\"A\",\"minutes\":30}");
    refused(&s, J_BEGIN, "{\"form\":\"text\",\"name\":\"A\",\"minutes\":30}");
    refused(&s, J_BEGIN, "not json");
    assert_null(s.form);
    ok(&s, J_BEGIN, 0, BEGIN);
    refused(&s, J_BEGIN, BEGIN); /* one attempt begins once */
    sitting_clear(&s);
}

static void test_long_name_is_cut_on_a_character_boundary(void **state)
{
    (void)state;
    char payload[4096], name[400] = "";
    for (int i = 0; i < 100; i++) strcat(name, "\xc3\xa9"); /* é, two bytes */
    snprintf(payload, sizeof payload, "{\"form\":%s,\"name\":\"%s\",\"minutes\":5}", FORM, name);
    sitting s = {0};
    ok(&s, J_BEGIN, 0, payload);
    assert_int_equal(strlen(s.name), 126); /* 63 whole characters */
    sitting_clear(&s);
}

static void test_event_before_begin_is_refused(void **state)
{
    (void)state;
    sitting s = {0};
    refused(&s, J_ANSWER, "{\"i\":0,\"v\":\"A\"}");
    refused(&s, J_TICK, "{}");
    refused(&s, J_SUBMIT, "{\"why\":\"participant\"}");
    assert_int_equal(s.used_ms, 0);
}

static void test_answer_letters_are_normalised_sorted_uppercase(void **state)
{
    (void)state;
    sitting s = {0};
    ok(&s, J_BEGIN, 0, BEGIN);
    ok(&s, J_ANSWER, 100, "{\"i\":2,\"v\":\"eCa\"}");
    assert_string_equal(s.answer[2], "ACE");
    ok(&s, J_ANSWER, 200, "{\"i\":0,\"v\":\"d\"}");
    assert_string_equal(s.answer[0], "D");
    assert_int_equal(sitting_answered(&s), 2);
    sitting_clear(&s);
}

static void test_answer_outside_the_item_options_is_refused(void **state)
{
    (void)state;
    sitting s = {0};
    ok(&s, J_BEGIN, 0, BEGIN);
    refused(&s, J_ANSWER, "{\"i\":1,\"v\":\"C\"}"); /* two options only */
    refused(&s, J_ANSWER, "{\"i\":0,\"v\":\"E\"}");
    refused(&s, J_ANSWER, "{\"i\":0,\"v\":\"AA\"}");
    refused(&s, J_ANSWER, "{\"i\":0,\"v\":\"1\"}");
    refused(&s, J_ANSWER, "{\"i\":0,\"v\":\"A \"}");
    refused(&s, J_ANSWER, "{\"i\":3,\"v\":\"A\"}");
    refused(&s, J_ANSWER, "{\"i\":-1,\"v\":\"A\"}");
    refused(&s, J_ANSWER, "{\"i\":0}");
    refused(&s, J_ANSWER, "{\"i\":\"0\",\"v\":\"A\"}");
    refused(&s, J_ANSWER, "{\"i\":0,\"v\":1}");
    assert_int_equal(sitting_answered(&s), 0);
    sitting_clear(&s);
}

static void test_empty_answer_clears_and_records_when(void **state)
{
    (void)state;
    sitting s = {0};
    ok(&s, J_BEGIN, 0, BEGIN);
    ok(&s, J_ANSWER, 4000, "{\"i\":1,\"v\":\"B\"}");
    assert_int_equal(s.answer_ms[1], 4000);
    ok(&s, J_ANSWER, 9000, "{\"i\":1,\"v\":\"\"}");
    assert_string_equal(s.answer[1], "");
    assert_int_equal(s.answer_ms[1], 9000);
    assert_int_equal(sitting_answered(&s), 0);
    sitting_clear(&s);
}

static void test_flag_and_navigation(void **state)
{
    (void)state;
    sitting s = {0};
    ok(&s, J_BEGIN, 0, BEGIN);
    ok(&s, J_FLAG, 1, "{\"i\":2,\"v\":1}");
    ok(&s, J_FLAG, 2, "{\"i\":0,\"v\":true}");
    assert_int_equal(sitting_flagged(&s), 2);
    ok(&s, J_FLAG, 3, "{\"i\":2,\"v\":0}");
    assert_false(s.flag[2]);
    refused(&s, J_FLAG, "{\"i\":1,\"v\":2}");
    ok(&s, J_NAV, 4, "{\"i\":2}");
    assert_int_equal(s.cur, 2);
    refused(&s, J_NAV, "{\"i\":3}");
    assert_int_equal(s.cur, 2);
    sitting_clear(&s);
}

static void test_every_event_carries_the_time_used_and_the_wall_clock(void **state)
{
    (void)state;
    sitting s = {0};
    ok(&s, J_BEGIN, 0, BEGIN);
    ok(&s, J_TICK, 15000, "{}");
    assert_int_equal(s.used_ms, 15000);
    assert_int_equal(s.last_wall_ms, WALL0 + 15000);
    assert_int_equal(sitting_remaining(&s), 30 * 60000 - 15000);
    refused(&s, J_TICK, "[]");
    assert_int_equal(s.used_ms, 15000); /* a refused event changes nothing */
    sitting_clear(&s);
}

static void test_down_time_is_not_charged(void **state)
{
    (void)state;
    sitting s = {0};
    ok(&s, J_BEGIN, 0, BEGIN);
    ok(&s, J_ANSWER, 60000, "{\"i\":0,\"v\":\"A\"}");
    /* the power failed for five minutes: the kiosk resumes with the same time used */
    jevent e = {.kind = J_RESUME, .wall_ms = WALL0 + 60000 + 300000, .used_ms = 60000,
                .payload = "{\"down_ms\":300000}"};
    assert_int_equal(sitting_apply(&s, &e, NULL), 0);
    assert_int_equal(s.down_ms, 300000);
    assert_int_equal(s.used_ms, 60000);
    assert_int_equal(sitting_remaining(&s), 30 * 60000 - 60000);
    ok(&s, J_RESUME, 60000, "{\"down_ms\":1000}");
    assert_int_equal(s.down_ms, 301000);
    refused(&s, J_RESUME, "{\"down_ms\":-5}");
    refused(&s, J_RESUME, "{}");
    sitting_clear(&s);
}

static void test_remaining_time_never_goes_below_zero(void **state)
{
    (void)state;
    sitting s = {0};
    assert_int_equal(sitting_remaining(&s), 0);
    ok(&s, J_BEGIN, 0, BEGIN);
    ok(&s, J_TICK, 30 * 60000 + 2500, "{}");
    assert_int_equal(sitting_remaining(&s), 0);
    sitting_clear(&s);
}

static void test_no_answer_flag_or_move_at_or_after_the_time_limit(void **state)
{
    (void)state;
    sitting s = {0};
    char why[256] = "";
    ok(&s, J_BEGIN, 0, BEGIN);
    ok(&s, J_ANSWER, 30 * 60000 - 1, "{\"i\":0,\"v\":\"A\"}");
    assert_int_equal(ev(&s, J_ANSWER, 30 * 60000, "{\"i\":1,\"v\":\"B\"}", why), -1);
    assert_non_null(strstr(why, "time limit"));
    assert_string_equal(s.answer[1], "");
    assert_int_equal(ev(&s, J_FLAG, 30 * 60000 + 5, "{\"i\":1,\"v\":1}", why), -1);
    assert_int_equal(ev(&s, J_NAV, 30 * 60000 + 5, "{\"i\":1}", why), -1);
    assert_false(s.flag[1]);
    assert_int_equal(s.cur, 0);
    assert_false(sitting_in_time(&s, J_ANSWER, 30 * 60000));
    assert_true(sitting_in_time(&s, J_SUBMIT, 30 * 60000 + 5));
    ok(&s, J_INCIDENT, 30 * 60000 + 5, "{\"what\":\"focus-lost\"}");
    ok(&s, J_SUBMIT, 30 * 60000 + 5, "{\"why\":\"timeout\"}");
    sitting_clear(&s);
}

static void test_only_result_and_incidents_follow_the_submission(void **state)
{
    (void)state;
    sitting s = {0};
    ok(&s, J_BEGIN, 0, BEGIN);
    refused(&s, J_RESULT, "{\"file\":\"x.json\"}"); /* no result before submitting */
    refused(&s, J_SUBMIT, "{\"why\":\"bored\"}");
    ok(&s, J_SUBMIT, 500, "{\"why\":\"timeout\"}");
    assert_true(s.submitted);
    assert_string_equal(s.submit_why, "timeout");
    refused(&s, J_ANSWER, "{\"i\":0,\"v\":\"A\"}");
    refused(&s, J_FLAG, "{\"i\":0,\"v\":1}");
    refused(&s, J_NAV, "{\"i\":0}");
    refused(&s, J_TICK, "{}");
    refused(&s, J_RESUME, "{\"down_ms\":1}");
    refused(&s, J_SUBMIT, "{\"why\":\"participant\"}");
    ok(&s, J_INCIDENT, 500, "{\"what\":\"quit-attempt\"}");
    assert_false(s.has_result);
    ok(&s, J_RESULT, 500, "{\"file\":\"s1-" NIP "-2.json\"}");
    assert_true(s.has_result);
    sitting_clear(&s);
}

static void test_only_the_first_256_incidents_are_kept(void **state)
{
    (void)state;
    sitting s = {0};
    ok(&s, J_BEGIN, 0, BEGIN);
    for (int i = 0; i < 300; i++)
        ok(&s, J_INCIDENT, i, i == 0 ? "{\"what\":\"focus-lost-and-a-very-long-reason-indeed\"}"
                                     : "{\"what\":\"display-changed\"}");
    assert_int_equal(s.nincidents, SITTING_MAX_INCIDENTS);
    assert_int_equal(strlen(s.incidents[0].what), 31);
    assert_int_equal(s.incidents[0].wall_ms, WALL0);
    assert_int_equal(s.incidents[255].wall_ms, WALL0 + 255);
    assert_int_equal(s.used_ms, 299);
    refused(&s, J_INCIDENT, "{}");
    sitting_clear(&s);
}

/* Sets a test chain key (the same for every attempt) for `att`. */
static void jkey(journal *j, const char *att)
{
    static const unsigned char key[JOURNAL_KEY] = {7, 7, 7};
    assert_int_equal(journal_set_key(j, att, key, NULL), 0);
}

/* Appends to the journal; fails the test when refused. */
static void jput(journal *j, const char *att, jkind kind, int64_t used, const char *payload)
{
    char why[256] = "";
    jkey(j, att);
    if (journal_append(j, att, kind, WALL0 + used, used, payload, why) != 0)
        fail_msg("append refused: %s", why);
}

static void test_replay_rebuilds_answers_flags_and_position(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[256] = "";
    const char *att = "s1/" NIP;
    journal *j = journal_open(fx_path(dir, "journal.db"), why);
    assert_non_null(j);
    jput(j, att, J_BEGIN, 0, BEGIN);
    jput(j, att, J_NAV, 1000, "{\"i\":1}");
    jput(j, att, J_ANSWER, 2000, "{\"i\":1,\"v\":\"b\"}");
    jput(j, att, J_FLAG, 2500, "{\"i\":1,\"v\":1}");
    jput(j, att, J_NAV, 3000, "{\"i\":2}");
    jput(j, att, J_ANSWER, 4000, "{\"i\":2,\"v\":\"DB\"}");
    jput(j, att, J_INCIDENT, 4100, "{\"what\":\"focus-lost\"}");
    jput(j, att, J_RESUME, 4100, "{\"down_ms\":120000}");
    jput(j, att, J_TICK, 9000, "{}");
    journal_close(j);

    /* a restarted kiosk */
    j = journal_open(fx_path(dir, "journal.db"), why);
    assert_non_null(j);
    char resume[128];
    assert_int_equal(journal_unfinished(j, resume, sizeof resume, why), 1);
    jkey(j, resume);
    sitting s = {0};
    assert_int_equal(sitting_load(&s, j, resume, why), 0);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.answer[0], "");
    assert_string_equal(s.answer[1], "B");
    assert_string_equal(s.answer[2], "BD");
    assert_int_equal(s.answer_ms[1], 2000);
    assert_int_equal(s.answer_ms[2], 4000);
    assert_true(s.flag[1]);
    assert_int_equal(sitting_flagged(&s), 1);
    assert_int_equal(s.cur, 2);
    assert_int_equal(s.nincidents, 1);
    assert_string_equal(s.incidents[0].what, "focus-lost");
    assert_int_equal(s.down_ms, 120000);
    assert_int_equal(s.used_ms, 9000);
    assert_int_equal(sitting_remaining(&s), 30 * 60000 - 9000);
    /* loading again gives the same state, without leaking the first one */
    assert_int_equal(sitting_load(&s, j, resume, why), 0);
    assert_int_equal(sitting_answered(&s), 2);
    sitting_clear(&s);
    journal_close(j);
    fx_rmdir(dir);
}

/* Applies one event at wall time WALL0 + wall charging `used`; must fit. */
static void ok_at(sitting *s, jkind kind, int64_t wall, int64_t used, const char *payload)
{
    char why[256] = "";
    jevent e = {.kind = kind, .wall_ms = WALL0 + wall, .used_ms = used, .payload = payload,
                .hash = ""};
    if (sitting_apply(s, &e, why) != 0) fail_msg("%s refused: %s", payload, why);
}

/* The same, refused. */
static void refused_at(sitting *s, jkind kind, int64_t wall, int64_t used, const char *payload)
{
    char why[256] = "";
    jevent e = {.kind = kind, .wall_ms = WALL0 + wall, .used_ms = used, .payload = payload,
                .hash = ""};
    if (sitting_apply(s, &e, why) == 0) fail_msg("%s was accepted", payload);
    assert_true(why[0] != 0);
}

static void test_an_extension_lengthens_the_limit_by_its_minutes(void **state)
{
    (void)state;
    sitting s = {0};
    ok(&s, J_BEGIN, 0, BEGIN);
    ok(&s, J_EXTEND, 60000, "{\"minutes\":10,\"reason\":\"listrik\",\"cmd\":7}");
    ok(&s, J_EXTEND, 70000, "{\"minutes\":5,\"reason\":\"\",\"cmd\":8}");
    assert_int_equal(s.extended_minutes, 15);
    assert_int_equal(s.limit_ms, 45 * 60000);
    assert_int_equal(sitting_remaining(&s), 45 * 60000 - 70000);
    /* an answer after the first 30 minutes is in time now */
    ok(&s, J_ANSWER, 31 * 60000, "{\"i\":0,\"v\":\"A\"}");
    refused(&s, J_EXTEND, "{\"minutes\":0,\"reason\":\"\",\"cmd\":9}");
    refused(&s, J_EXTEND, "{\"minutes\":121,\"reason\":\"\",\"cmd\":9}");
    refused(&s, J_EXTEND, "{\"minutes\":5,\"reason\":\"\"}");
    assert_int_equal(s.extended_minutes, 15);
    sitting_clear(&s);
}

static void test_paused_or_locked_time_is_not_charged(void **state)
{
    (void)state;
    sitting s = {0};
    ok_at(&s, J_BEGIN, 0, 0, BEGIN);
    ok_at(&s, J_ANSWER, 60000, 60000, "{\"i\":0,\"v\":\"A\"}");
    ok_at(&s, J_PAUSE, 90000, 90000, "{\"cmd\":3,\"reason\":\"listrik\"}");
    assert_true(s.paused && sitting_stopped(&s));
    /* ten minutes pass on the wall: nothing is charged, nothing changes */
    refused_at(&s, J_TICK, 300000, 95000, "{}");
    refused_at(&s, J_ANSWER, 300000, 90000, "{\"i\":1,\"v\":\"A\"}");
    refused_at(&s, J_NAV, 300000, 90000, "{\"i\":1}");
    ok_at(&s, J_TICK, 300000, 90000, "{}");
    /* locked on top of the pause, then the pause lifted: still held */
    ok_at(&s, J_LOCK, 400000, 90000, "{\"cmd\":4,\"reason\":\"\"}");
    ok_at(&s, J_CONTINUE, 500000, 90000, "{\"cmd\":5}");
    assert_true(!s.paused && s.locked && sitting_stopped(&s));
    refused_at(&s, J_UNLOCK, 600000, 90000, "{\"cmd\":6,\"by\":\"someone\"}");
    ok_at(&s, J_UNLOCK, 690000, 90000, "{\"cmd\":0,\"by\":\"code\"}");
    assert_false(sitting_stopped(&s));
    assert_int_equal(s.stopped_ms, 600000);  /* from 90 s to 690 s on the wall */
    ok_at(&s, J_ANSWER, 700000, 100000, "{\"i\":1,\"v\":\"B\"}");
    assert_int_equal(sitting_remaining(&s), 30 * 60000 - 100000);
    /* the submission ends a hold too, and counts it */
    ok_at(&s, J_PAUSE, 710000, 110000, "{\"cmd\":7,\"reason\":\"\"}");
    ok_at(&s, J_SUBMIT, 770000, 110000, "{\"why\":\"proctor\"}");
    assert_false(sitting_stopped(&s));
    assert_int_equal(s.stopped_ms, 660000);
    assert_string_equal(s.submit_why, "proctor");
    assert_int_equal(s.submit_used_ms, 110000);
    sitting_clear(&s);
}

static void test_a_released_attempt_takes_no_answer_until_taken_up_again(void **state)
{
    (void)state;
    sitting s = {0};
    ok(&s, J_BEGIN, 0, BEGIN);
    ok(&s, J_AUTHORISED, 0, "{\"cmd\":12}");
    assert_true(s.authorised);
    ok(&s, J_MOVED, 1000, "{\"cmd\":13,\"to\":\"B07\"}");
    assert_true(s.released);
    assert_string_equal(s.moved_to, "B07");
    refused(&s, J_ANSWER, "{\"i\":0,\"v\":\"A\"}");
    refused(&s, J_MOVED, "{\"cmd\":14}");               /* a move names its seat */
    ok(&s, J_ARRIVED, 1000, "{\"from\":\"A03\"}");
    assert_false(s.released);
    ok(&s, J_RELEASE, 2000, "{\"cmd\":15}");
    ok(&s, J_RESUME, 2000, "{\"down_ms\":60000}");
    assert_false(s.released);
    assert_string_equal(s.moved_to, "");
    ok(&s, J_LEASE, 2000, "{\"state\":\"offline\"}");
    ok(&s, J_ANSWER, 3000, "{\"i\":0,\"v\":\"A\"}");
    assert_int_equal(s.last_seq, 8);
    sitting_clear(&s);
}

static void test_replay_of_holds_and_extensions_gives_the_same_clock(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[256] = "";
    const char *att = "s1/" NIP;
    journal *j = journal_open(fx_path(dir, "journal.db"), why);
    assert_non_null(j);
    jkey(j, att);
    struct { jkind k; int64_t wall, used; const char *p; } evs[] = {
        {J_BEGIN, 0, 0, BEGIN},
        {J_EXTEND, 1000, 1000, "{\"minutes\":20,\"reason\":\"x\",\"cmd\":1}"},
        {J_PAUSE, 2000, 2000, "{\"cmd\":2,\"reason\":\"y\"}"},
        {J_CONTINUE, 902000, 2000, "{\"cmd\":3}"},
        {J_LOCK, 903000, 3000, "{\"cmd\":4,\"reason\":\"\"}"},
    };
    sitting live = {0};
    for (size_t i = 0; i < sizeof evs / sizeof *evs; i++) {
        assert_int_equal(journal_append(j, att, evs[i].k, WALL0 + evs[i].wall, evs[i].used,
                                        evs[i].p, why), 0);
        ok_at(&live, evs[i].k, evs[i].wall, evs[i].used, evs[i].p);
    }
    sitting s = {0};
    assert_int_equal(sitting_load(&s, j, att, why), 0);
    assert_int_equal(s.limit_ms, live.limit_ms);
    assert_int_equal(s.limit_ms, 50 * 60000);
    assert_int_equal(sitting_remaining(&s), sitting_remaining(&live));
    assert_int_equal(s.stopped_ms, 900000);
    assert_true(s.locked && !s.paused);
    assert_int_equal(s.last_seq, 5);
    /* an attempt whose last event is a release is not one to resume at start */
    char resume[128] = "";
    assert_int_equal(journal_unfinished(j, resume, sizeof resume, why), 1);
    if (journal_append(j, att, J_RELEASE, WALL0 + 904000, 3000, "{\"cmd\":5}", why) != 0)
        fail_msg("%s", why);
    assert_int_equal(journal_unfinished(j, resume, sizeof resume, why), 0);
    sitting_clear(&s);
    sitting_clear(&live);
    journal_close(j);
    fx_rmdir(dir);
}

static void test_load_names_the_event_that_does_not_fit_or_was_changed(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[256] = "";
    journal *j = journal_open(fx_path(dir, "journal.db"), why);
    assert_non_null(j);
    jput(j, "a/1", J_BEGIN, 0, BEGIN);
    jput(j, "a/1", J_ANSWER, 10, "{\"i\":7,\"v\":\"A\"}");
    sitting s = {0};
    jkey(j, "a/1");
    assert_int_equal(sitting_load(&s, j, "a/1", why), -1);
    assert_non_null(strstr(why, "seq 2"));
    assert_null(s.form); /* nothing half-loaded */
    assert_int_equal(sitting_load(&s, j, "a/none", why), -1);

    jput(j, "a/2", J_BEGIN, 0, BEGIN);
    jput(j, "a/2", J_ANSWER, 10, "{\"i\":0,\"v\":\"A\"}");
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(fx_path(dir, "journal.db"), &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE events SET payload = '{\"i\":0,\"v\":\"C\"}' "
                                      "WHERE attempt = 'a/2' AND seq = 2",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    jkey(j, "a/2");
    assert_int_equal(sitting_load(&s, j, "a/2", why), -1);
    assert_non_null(strstr(why, "seq 2"));
    assert_null(s.form);
    journal_close(j);
    fx_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_begin_sets_form_name_arrays_and_time_limit),
        cmocka_unit_test(test_begin_needs_a_valid_form_name_and_minutes),
        cmocka_unit_test(test_long_name_is_cut_on_a_character_boundary),
        cmocka_unit_test(test_event_before_begin_is_refused),
        cmocka_unit_test(test_answer_letters_are_normalised_sorted_uppercase),
        cmocka_unit_test(test_answer_outside_the_item_options_is_refused),
        cmocka_unit_test(test_empty_answer_clears_and_records_when),
        cmocka_unit_test(test_flag_and_navigation),
        cmocka_unit_test(test_every_event_carries_the_time_used_and_the_wall_clock),
        cmocka_unit_test(test_down_time_is_not_charged),
        cmocka_unit_test(test_remaining_time_never_goes_below_zero),
        cmocka_unit_test(test_no_answer_flag_or_move_at_or_after_the_time_limit),
        cmocka_unit_test(test_only_result_and_incidents_follow_the_submission),
        cmocka_unit_test(test_only_the_first_256_incidents_are_kept),
        cmocka_unit_test(test_replay_rebuilds_answers_flags_and_position),
        cmocka_unit_test(test_load_names_the_event_that_does_not_fit_or_was_changed),
        cmocka_unit_test(test_an_extension_lengthens_the_limit_by_its_minutes),
        cmocka_unit_test(test_paused_or_locked_time_is_not_charged),
        cmocka_unit_test(test_a_released_attempt_takes_no_answer_until_taken_up_again),
        cmocka_unit_test(test_replay_of_holds_and_extensions_gives_the_same_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
