/* test_app.c -- the kiosk's screen state machine, driven by actions without a display. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "room.h"

static void test_starts_on_identify_for_a_sealed_bank(void **state)
{
    room *r = *state;
    assert_int_equal(app_view_get(r->a)->scr, SCR_IDENTIFY);
    assert_int_equal(app_wake_ms(r->a), -1); /* idle: no timer */
}

/* Runs sql on the sealed bank behind the seal's back. */
static void edit_bank(room *r, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(r->cfg.bank_path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* Changes item t0-003 of the sealed bank behind the seal's back. */
static void tamper_item(room *r)
{
    edit_bank(r, "UPDATE items SET weight = 5 WHERE id = 't0-003'");
}

static void test_tampered_bank_shows_a_proctor_message(void **state)
{
    room *r = *state;
    app_free(r->a);
    tamper_item(r);
    r->a = app_new(&r->cfg);
    const app_view *v = app_view_get(r->a);
    assert_int_equal(v->scr, SCR_ERROR);
    assert_string_equal(v->msg, "start.tampered");
    assert_non_null(strstr(v->detail, "t0-003"));
    char *log = kiosk_log(r);   /* the proctor's message is in the log too */
    assert_non_null(strstr(log, " error start.tampered: "));
    assert_non_null(strstr(log, "t0-003"));
    free(log);
}

static void test_bank_with_a_partial_pool_index_shows_a_proctor_message(void **state)
{
    room *r = *state;
    app_free(r->a);
    edit_bank(r, "DROP INDEX items_pool; CREATE INDEX items_pool ON"
                 " items(topic, draft, rank) WHERE difficulty <= 2");
    r->a = app_new(&r->cfg);
    const app_view *v = app_view_get(r->a);
    assert_int_equal(v->scr, SCR_ERROR);
    assert_string_equal(v->msg, "start.tampered");
    assert_non_null(strstr(v->detail, "index items_pool changed"));
}

/* Restarts the app of r and returns its start-up error screen's message. */
static const char *restart_error(room *r)
{
    app_free(r->a);
    r->a = app_new(&r->cfg);
    assert_non_null(r->a);
    const app_view *v = app_view_get(r->a);
    assert_int_equal(v->scr, SCR_ERROR);
    assert_non_null(v->detail);
    assert_true(v->detail[0] != 0);
    return v->msg;
}

static void test_damaged_signing_key_has_its_own_start_message(void **state)
{
    room *r = *state;
    char key[4200];
    snprintf(key, sizeof key, "%s/kiosk.key", r->cfg.state_dir);
    FILE *f = fopen(key, "w");  /* made at the first start; now damaged */
    assert_non_null(f);
    fputs("not a key\n", f);
    fclose(f);
    assert_string_equal(restart_error(r), "start.nokey");
}

static void test_uploader_failure_has_its_own_start_message(void **state)
{
    room *r = *state;
    r->cfg.core_url = "ftp://core.example";
    const char *msg = restart_error(r);
    r->cfg.core_url = NULL;
    assert_string_equal(msg, "start.noupload");
    assert_non_null(strstr(app_view_get(r->a)->detail, "core URL"));
}

static void test_unwritable_state_folder_has_its_own_start_message(void **state)
{
    room *r = *state;
    const char *keep = r->cfg.state_dir;
    r->cfg.state_dir = fx_path(r->dir, "bank.bank");  /* a file, not a folder */
    const char *msg = restart_error(r);
    r->cfg.state_dir = keep;
    assert_string_equal(msg, "start.nostate");
}

static void test_bad_and_unknown_nip_are_refused(void **state)
{
    room *r = *state;
    act(r->a, ACT_TEXT, 0, "12345");
    const app_view *v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_IDENTIFY);
    assert_string_equal(v->msg, "identify.badnip");
    for (int i = 0; i < 5; i++) act(r->a, ACT_BACKSPACE, 0, NULL);
    act(r->a, ACT_TEXT, 0, "199901012024011999");
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_string_equal(v->msg, "identify.unknown");
    assert_int_equal(v->field, 0);
}

static void test_three_wrong_pins_lock_the_seat_until_the_proctor_code(void **state)
{
    room *r = *state;
    /* the verifiers are keyed with the session's key: a PIN typed before
     * the token is held, and checked once the token has opened the session */
    const app_view *v = identify(r->a, 1, "9999999999");
    assert_int_equal(v->scr, SCR_WAIT);
    assert_int_equal(v->pin_len, 10);
    act(r->a, ACT_TEXT, 0, r->token);
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_IDENTIFY);
    assert_string_equal(v->msg, "identify.wrongpin");
    assert_int_equal(v->tries_left, 2);
    assert_int_equal(v->field, 1);
    assert_int_equal(v->pin_len, 0);
    act(r->a, ACT_TEXT, 0, "8888888888");
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_string_equal(v->msg, "identify.wrongpin"); /* now checked at once */
    assert_int_equal(v->tries_left, 1);
    act(r->a, ACT_TEXT, 0, "7777777777");
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_LOCKED);
    act(r->a, ACT_TEXT, 0, "1234567890"); /* the PIN is no proctor code */
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_LOCKED);
    assert_string_equal(v->msg, "proctor.wrong");
    act(r->a, ACT_TEXT, 0, r->token);     /* nor is the token the room hears */
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_LOCKED);
    assert_string_equal(v->msg, "proctor.wrong");
    act(r->a, ACT_TEXT, 0, r->proctor);
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_IDENTIFY);
    assert_int_equal(v->tries_left, 3);
    act(r->a, ACT_TEXT, 0, "1234567890");
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_INSTRUCTIONS);
}

static void test_escape_from_the_token_forgets_the_pin_held(void **state)
{
    room *r = *state;
    const app_view *v = identify(r->a, 1, "1234567890");
    assert_int_equal(v->scr, SCR_WAIT);
    v = act(r->a, ACT_ESCAPE, 0, NULL);
    assert_int_equal(v->scr, SCR_IDENTIFY);
    assert_int_equal(v->pin_len, 0);
    assert_int_equal(v->field, 0);
}

static void test_wrong_token_then_instructions_show_the_exam_facts(void **state)
{
    room *r = *state;
    const app_view *v = identify(r->a, 0, "1234567890");
    assert_int_equal(v->scr, SCR_WAIT);
    act(r->a, ACT_TEXT, 0, "ACDEFHJKLM");
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_WAIT);
    assert_string_equal(v->msg, "wait.wrongtoken");
    act(r->a, ACT_TEXT, 0, r->token);
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_INSTRUCTIONS);
    assert_string_equal(v->exam_title, "Kuis Akuntabel");
    assert_string_equal(v->exam_kind, "kind.quiz");
    assert_int_equal(v->nitems, 5);
    assert_int_equal(v->minutes, 10);
    assert_int_equal(v->attempt, 1);
    assert_int_equal(v->ceiling, 10000);
    assert_int_equal(v->pass_mark, 7000);
    assert_string_equal(v->name, "Peserta 0");
}

/* Original letter shown at display place k of the current item. */
static bool chosen_any(const app_view *v)
{
    for (int k = 0; k < v->noptions; k++)
        if (v->chosen[k]) return true;
    return false;
}

static void test_answers_flags_and_place_survive_a_restart(void **state)
{
    room *r = *state;
    const app_view *v = to_exam(r, 2);
    assert_int_equal(v->scr, SCR_EXAM);
    assert_int_equal(v->remaining_ms, 600000);
    act(r->a, ACT_OPTION, 2, NULL);
    fake_now += 30000;
    act(r->a, ACT_TICK, 0, NULL);
    act(r->a, ACT_OPTION, 1, NULL); /* changed her mind */
    act(r->a, ACT_NEXT, 0, NULL);
    act(r->a, ACT_FLAG, 0, NULL);
    act(r->a, ACT_GOTO, 3, NULL);
    v = act(r->a, ACT_OPTION, 0, NULL);
    assert_true(v->answered[0] && !v->answered[1] && v->answered[3]);
    assert_true(v->flags[1]);
    /* the power goes: nothing but the journal survives; 5 minutes pass */
    app_free(r->a);
    fake_now += 300000;
    r->a = app_new(&r->cfg);
    v = app_view_get(r->a);
    assert_int_equal(v->scr, SCR_WAIT);
    assert_string_equal(v->msg, "wait.resume");
    /* focus lost and a close attempt while waiting: held, no time charged */
    act(r->a, ACT_FOCUS_LOST, 0, NULL);
    act(r->a, ACT_QUIT, 0, NULL);
    act(r->a, ACT_ESCAPE, 0, NULL);
    act(r->a, ACT_TEXT, 0, r->token);
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_EXAM);
    assert_int_equal(v->cur, 3);
    assert_true(v->answered[0] && !v->answered[1] && v->answered[3] && !v->answered[4]);
    assert_true(v->flags[1] && !v->flags[0]);
    assert_true(v->chosen[0]);
    assert_int_equal(v->remaining_ms, 570000); /* only the 30 s before the cut count */
    act(r->a, ACT_GOTO, 0, NULL);
    v = app_view_get(r->a);
    assert_true(v->chosen[1] && !v->chosen[2]);
    assert_true(chosen_any(v));
}

/* Reads the single result record in state/outbox; caller decrefs. */
static json_t *read_result(room *r)
{
    char cmd[4300], name[512] = "";
    snprintf(cmd, sizeof cmd, "ls '%s/state/outbox' | grep 'json$'", r->dir);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    if (!fgets(name, sizeof name, p)) name[0] = 0;
    pclose(p);
    name[strcspn(name, "\n")] = 0;
    assert_true(name[0] != 0);
    char path[4600];
    snprintf(path, sizeof path, "%s/state/outbox/%s", r->dir, name);
    json_error_t je;
    json_t *o = json_load_file(path, 0, &je);
    if (!o) fail_msg("%s: %s", path, je.text);
    return o;
}

static void test_confirmation_needs_an_explicit_yes(void **state)
{
    room *r = *state;
    to_exam(r, 0);
    const app_view *v = act(r->a, ACT_SUBMIT, 0, NULL);
    assert_int_equal(v->scr, SCR_CONFIRM);
    assert_int_equal(v->confirm_focus, 0);
    v = act(r->a, ACT_ENTER, 0, NULL); /* Enter on the default "No" */
    assert_int_equal(v->scr, SCR_EXAM);
    act(r->a, ACT_REVIEW, 0, NULL);
    v = act(r->a, ACT_SUBMIT, 0, NULL);
    assert_int_equal(v->scr, SCR_CONFIRM);
    act(r->a, ACT_TAB, 0, NULL);
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_RESULT);
    assert_int_equal(v->score.raw, 0);
    assert_false(v->score.passed);
    assert_string_equal(v->score.band, "Tidak memuaskan");
    assert_int_equal(v->queued, 1);
    json_t *o = read_result(r);
    assert_string_equal(json_string_value(json_object_get(o, "submitted")), "participant");
    json_decref(o);
}

static void test_time_out_submits_what_was_answered(void **state)
{
    room *r = *state;
    to_exam(r, 1);
    act(r->a, ACT_OPTION, 0, NULL);
    fake_now += 299000;
    const app_view *v = act(r->a, ACT_TICK, 0, NULL);
    assert_int_equal(v->warning, 0);
    fake_now += 2000;
    v = act(r->a, ACT_TICK, 0, NULL);
    assert_int_equal(v->warning, 5);
    fake_now += 240000;
    v = act(r->a, ACT_TICK, 0, NULL);
    assert_int_equal(v->warning, 1);
    assert_int_equal(v->scr, SCR_EXAM);
    fake_now += 60000;
    v = act(r->a, ACT_TICK, 0, NULL);
    assert_int_equal(v->scr, SCR_TIMEOUT);  /* said on screen before the result */
    assert_int_equal(app_wake_ms(r->a), -1);
    v = act(r->a, ACT_OPTION, 1, NULL);      /* a key meant for the item does nothing */
    assert_int_equal(v->scr, SCR_TIMEOUT);
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_RESULT);
    json_t *o = read_result(r);
    assert_string_equal(json_string_value(json_object_get(o, "submitted")), "timeout");
    json_t *answers = json_object_get(o, "answers");
    assert_int_equal(json_array_size(answers), 5);
    int given = 0;
    size_t i;
    json_t *x;
    json_array_foreach(answers, i, x) given += json_string_length(json_object_get(x, "v")) > 0;
    assert_int_equal(given, 1);
    json_decref(o);
}

static void test_result_score_equals_bank_score(void **state)
{
    room *r = *state;
    const app_view *v = to_exam(r, 0);
    for (int i = 0; i < v->nitems; i++) {
        act(r->a, ACT_OPTION, i % 3, NULL);
        act(r->a, ACT_NEXT, 0, NULL);
    }
    act(r->a, ACT_SUBMIT, 0, NULL);
    v = act(r->a, ACT_YES, 0, NULL);
    assert_int_equal(v->scr, SCR_RESULT);
    json_t *o = read_result(r);
    char *form = json_dumps(json_object_get(o, "form"), JSON_COMPACT), why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    bank_form *f = bank_form_parse(form, strlen(form), &e, why);
    assert_non_null(f);
    bank_answer ans[16];
    size_t n = 0, i;
    json_t *x;
    json_array_foreach(json_object_get(o, "answers"), i, x) {
        ans[n].item_id = json_string_value(json_object_get(x, "id"));
        ans[n++].letters = json_string_value(json_object_get(x, "v"));
    }
    bank *b = bank_open(r->cfg.bank_path, false, &e, why);
    assert_int_equal(bank_unlock(b, FX_PASS, strlen(FX_PASS), why), BANK_OK);
    bank_score sc;
    assert_int_equal(bank_form_score(b, f, ans, n, &sc, why), BANK_OK);
    json_t *s = json_object_get(o, "score");
    assert_int_equal(json_integer_value(json_object_get(s, "raw")), sc.raw);
    assert_int_equal(json_integer_value(json_object_get(s, "awarded")), sc.awarded);
    assert_int_equal(v->score.raw, sc.raw);
    bank_close(b);
    bank_form_free(f);
    free(form);
    json_decref(o);
}

static void test_a_submitted_participant_cannot_sit_again(void **state)
{
    room *r = *state;
    to_exam(r, 2);
    act(r->a, ACT_SUBMIT, 0, NULL);
    act(r->a, ACT_YES, 0, NULL);
    const app_view *v = act(r->a, ACT_NEXT_SEAT, 0, NULL);
    assert_int_equal(v->scr, SCR_IDENTIFY);
    v = identify(r->a, 2, "1234567890");
    assert_int_equal(v->scr, SCR_IDENTIFY);
    assert_string_equal(v->msg, "identify.done");
    /* the next participant goes straight to instructions: the room is open */
    for (int i = 0; i < 18; i++) act(r->a, ACT_BACKSPACE, 0, NULL);
    act(r->a, ACT_ESCAPE, 0, NULL);
    v = identify(r->a, 1, "1234567890");
    assert_int_equal(v->scr, SCR_INSTRUCTIONS);
}

static void test_quitting_needs_the_proctor_code_and_is_an_incident(void **state)
{
    room *r = *state;
    to_exam(r, 0);
    const app_view *v = act(r->a, ACT_QUIT, 0, NULL);
    assert_int_equal(v->scr, SCR_PROCTOR);
    v = act(r->a, ACT_ESCAPE, 0, NULL);
    assert_int_equal(v->scr, SCR_EXAM);
    act(r->a, ACT_FOCUS_LOST, 0, NULL);
    act(r->a, ACT_QUIT, 0, NULL);
    act(r->a, ACT_TEXT, 0, "WRONG");
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_false(app_should_quit(r->a));
    act(r->a, ACT_ESCAPE, 0, NULL);
    act(r->a, ACT_SUBMIT, 0, NULL);
    act(r->a, ACT_YES, 0, NULL);
    json_t *o = read_result(r);
    json_t *inc = json_object_get(o, "incidents");
    assert_int_equal(json_array_size(inc), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(inc, 0), "what")),
                        "quit-attempt");
    assert_string_equal(json_string_value(json_object_get(json_array_get(inc, 1), "what")),
                        "focus-lost");
    json_decref(o);
    act(r->a, ACT_QUIT, 0, NULL);
    act(r->a, ACT_TEXT, 0, r->token);     /* the token is no proctor code */
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_false(app_should_quit(r->a));
    assert_string_equal(v->msg, "proctor.wrong");
    act(r->a, ACT_TEXT, 0, r->proctor);
    act(r->a, ACT_ENTER, 0, NULL);
    assert_true(app_should_quit(r->a));
}

static void test_the_proctor_code_closes_a_kiosk_no_token_has_opened(void **state)
{
    room *r = *state;
    /* before any participant's token the session is locked: the code is
     * checked against the copy of the session secret sealed under it */
    const app_view *v = act(r->a, ACT_QUIT, 0, NULL);
    assert_int_equal(v->scr, SCR_PROCTOR);
    act(r->a, ACT_TEXT, 0, r->token);
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_false(app_should_quit(r->a));
    assert_string_equal(v->msg, "proctor.wrong");
    char typed[BANK_PROCTOR_LEN + 4];
    bank_proctor_format(r->proctor, typed);   /* as printed, in groups with dashes */
    for (char *p = typed; *p; p++)            /* and in lower case */
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    act(r->a, ACT_TEXT, 0, typed);
    act(r->a, ACT_ENTER, 0, NULL);
    assert_true(app_should_quit(r->a));
}

static void test_read_aloud_is_the_participants_accommodation_recorded_in_the_result(void **state)
{
    room *r = *state;
    /* no audio device: the screen says so, read aloud stays off */
    const app_view *v = act(r->a, ACT_ALOUD, 0, NULL);
    assert_false(v->aloud);
    assert_string_equal(v->msg, "aloud.noaudio");
    v = act(r->a, ACT_ALOUD, 1, NULL);
    assert_true(v->aloud);
    assert_string_equal(v->msg, "aloud.on");
    v = identify(r->a, 1, "1234567890");
    act(r->a, ACT_TEXT, 0, r->token);
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_INSTRUCTIONS);
    assert_true(v->aloud);
    v = act(r->a, ACT_START, 0, NULL);
    assert_int_equal(v->scr, SCR_EXAM);
    /* once the attempt runs, F1 changes nothing: the journal holds the setting */
    assert_false(app_handle(r->a, &(action){.kind = ACT_ALOUD, .index = 1}));
    assert_true(app_view_get(r->a)->aloud);
    /* a restart keeps it: the journal's chain (and so its setting) is read once the
     * proctor's token gives its key */
    app_free(r->a);
    r->a = app_new(&r->cfg);
    act(r->a, ACT_TEXT, 0, r->token);
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_EXAM);
    assert_true(v->aloud);
    act(r->a, ACT_SUBMIT, 0, NULL);
    v = act(r->a, ACT_YES, 0, NULL);
    assert_int_equal(v->scr, SCR_RESULT);
    json_t *o = read_result(r);
    json_t *acc = json_object_get(o, "accommodations");
    assert_true(json_is_true(json_object_get(acc, "read_aloud")));
    assert_int_equal(json_integer_value(json_object_get(acc, "extra_minutes")), 0);
    json_decref(o);
    /* the next participant starts without it */
    v = act(r->a, ACT_NEXT_SEAT, 0, NULL);
    assert_int_equal(v->scr, SCR_IDENTIFY);
    assert_false(v->aloud);
}

static void test_extra_minutes_from_the_roster_lengthen_the_participants_time(void **state)
{
    room *r = *state;
    char why[WHY_SIZE] = "", roster[256];
    bank_err e = BANK_OK;
    bank *b = bank_open(r->cfg.bank_path, false, &e, why);
    assert_non_null(b);
    assert_int_equal(bank_unlock(b, FX_PASS, strlen(FX_PASS), why), BANK_OK);
    snprintf(roster, sizeof roster, "nip,name,pin,extra_minutes\n%s,A,1234567890,15\n", fx_nip(0));
    snprintf(roster + strlen(roster), sizeof roster - strlen(roster), "%s,B,1234567890,\n", fx_nip(1));
    bank_session_spec spec = {.exam_id = "q", .roster_csv = roster, .roster_len = strlen(roster)};
    const char *path = fx_path(r->dir, "x.session");
    if (bank_session_create(b, &spec, path, r->token, why)) fail_msg("session: %s", why);
    bank_close(b);
    app_free(r->a);
    free((char *)r->cfg.session_path);
    r->cfg.session_path = strdup(path);
    r->a = app_new(&r->cfg);
    const app_view *v = identify(r->a, 0, "1234567890");
    act(r->a, ACT_TEXT, 0, r->token);
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_INSTRUCTIONS);
    assert_int_equal(v->minutes, 25);  /* the exam's 10 and 15 extra */
    assert_int_equal(v->extra_minutes, 15);
    v = act(r->a, ACT_START, 0, NULL);
    assert_int_equal(v->remaining_ms, 25 * 60000);
    /* the limit holds through a restart: it is in the journal */
    app_free(r->a);
    fake_now += 11 * 60000;
    r->a = app_new(&r->cfg);
    act(r->a, ACT_TEXT, 0, r->token);
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_EXAM);
    assert_int_equal(v->remaining_ms, 25 * 60000);  /* time does not run while the kiosk is down */
    act(r->a, ACT_SUBMIT, 0, NULL);
    v = act(r->a, ACT_YES, 0, NULL);
    assert_int_equal(v->scr, SCR_RESULT);
    json_t *o = read_result(r);
    json_t *acc = json_object_get(o, "accommodations");
    assert_int_equal(json_integer_value(json_object_get(acc, "extra_minutes")), 15);
    assert_true(json_is_false(json_object_get(acc, "read_aloud")));
    json_decref(o);
    /* the next participant has the exam's time */
    act(r->a, ACT_NEXT_SEAT, 0, NULL);
    identify(r->a, 1, "1234567890");
    v = app_view_get(r->a);
    assert_int_equal(v->scr, SCR_INSTRUCTIONS);
    assert_int_equal(v->minutes, 10);
    assert_int_equal(v->extra_minutes, 0);
}

static void test_a_time_out_on_review_or_confirm_says_so_before_the_result(void **state)
{
    room *r = *state;
    for (size_t who = 0; who < 2; who++) {
        to_exam(r, who);
        act(r->a, ACT_OPTION, 0, NULL);
        const app_view *v = act(r->a, who == 0 ? ACT_REVIEW : ACT_SUBMIT, 0, NULL);
        assert_int_equal(v->scr, who == 0 ? SCR_REVIEW : SCR_CONFIRM);
        fake_now += 300000;
        v = act(r->a, ACT_TICK, 0, NULL);
        assert_int_equal(v->scr, who == 0 ? SCR_REVIEW : SCR_CONFIRM);
        assert_int_equal(v->remaining_ms, 300000);  /* the clock shown there runs */
        assert_int_equal(v->warning, 5);
        fake_now += 300000;
        v = act(r->a, ACT_TICK, 0, NULL);
        assert_int_equal(v->scr, SCR_TIMEOUT);
        v = act(r->a, ACT_YES, 0, NULL);
        assert_int_equal(v->scr, SCR_RESULT);
        act(r->a, ACT_NEXT_SEAT, 0, NULL);
    }
}

static void test_wake_up_is_the_earliest_of_the_clock_and_the_refresh(void **state)
{
    room *r = *state;
    app_free(r->a);
    /* a result waits for a core that cannot be reached */
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/state/outbox' && echo '{}' > '%s/state/outbox/x.json'",
             r->dir, r->dir);
    assert_int_equal(system(cmd), 0);
    r->cfg.core_url = "http://127.0.0.1:9";
    r->a = app_new(&r->cfg);
    r->cfg.core_url = NULL;
    const app_view *v = app_view_get(r->a);
    assert_int_equal(v->scr, SCR_IDENTIFY);
    assert_int_equal(v->queued, 1);
    assert_int_equal(app_wake_ms(r->a), 1000);  /* only the look for the proctor's commands */
    to_exam(r, 0);
    fake_now += 400;
    assert_int_equal(app_wake_ms(r->a), 600);   /* the next second of the clock */
    screen on[] = {SCR_REVIEW, SCR_CONFIRM};
    for (int k = 0; k < 2; k++) {
        v = act(r->a, on[k] == SCR_REVIEW ? ACT_REVIEW : ACT_SUBMIT, 0, NULL);
        assert_int_equal(v->scr, on[k]);
        int wake = app_wake_ms(r->a);
        assert_true(wake >= 0 && wake <= 1000);
        act(r->a, ACT_ESCAPE, 0, NULL);
    }
    /* the last 300 ms of the attempt: woken at the limit, not later */
    fake_now += 600000 - 400 - 300;
    assert_int_equal(app_wake_ms(r->a), 300);
    fake_now += 300;
    assert_int_equal(app_wake_ms(r->a), 0);
}

static void test_no_answer_is_taken_after_the_time_limit(void **state)
{
    room *r = *state;
    to_exam(r, 1);
    act(r->a, ACT_OPTION, 0, NULL);
    act(r->a, ACT_NEXT, 0, NULL);
    /* the limit passes before any tick: the next key is too late */
    fake_now += 600000;
    const app_view *v = act(r->a, ACT_OPTION, 1, NULL);
    assert_int_equal(v->scr, SCR_TIMEOUT);
    assert_int_equal(events_of_kind(r, 1, 2 /* J_ANSWER */), 1);
    assert_int_equal(events_of_kind(r, 1, 4 /* J_NAV */), 1);
    act(r->a, ACT_ENTER, 0, NULL);
    json_t *o = read_result(r);
    assert_string_equal(json_string_value(json_object_get(o, "submitted")), "timeout");
    int given = 0;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(o, "answers"), i, x)
        given += json_string_length(json_object_get(x, "v")) > 0;
    assert_int_equal(given, 1);
    json_decref(o);
}

static void test_a_one_answer_choice_can_be_cleared(void **state)
{
    room *r = *state;
    const app_view *v = to_exam(r, 0);
    v = act(r->a, ACT_CLEAR, 0, NULL);  /* nothing to clear: nothing journalled */
    assert_int_equal(events_of_kind(r, 0, 2), 0);
    act(r->a, ACT_OPTION, 2, NULL);
    v = act(r->a, ACT_CLEAR, 0, NULL);
    assert_false(chosen_any(v));
    assert_false(v->answered[0]);
    assert_string_equal(v->msg, "exam.cleared");
    assert_int_equal(events_of_kind(r, 0, 2), 2);  /* the answer, then the clear */
    /* the clear survives a restart */
    app_free(r->a);
    r->a = app_new(&r->cfg);
    act(r->a, ACT_TEXT, 0, r->token);
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_EXAM);
    assert_false(v->answered[0]);
    assert_false(chosen_any(v));
}

static void test_start_errors_name_a_localized_cause(void **state)
{
    room *r = *state;
    app_free(r->a);
    char *missing = strdup(fx_path(r->dir, "no-such.bank"));
    app_config cfg = r->cfg;
    cfg.bank_path = missing;
    r->a = app_new(&cfg);
    const app_view *v = app_view_get(r->a);
    assert_int_equal(v->scr, SCR_ERROR);
    assert_string_equal(v->msg, "start.nobank");
    assert_string_equal(v->cause, "cause.missing");
    assert_non_null(strstr(v->subject, "no-such.bank"));
    app_free(r->a);
    free(missing);
    tamper_item(r);
    r->a = app_new(&r->cfg);
    v = app_view_get(r->a);
    assert_string_equal(v->msg, "start.tampered");
    assert_string_equal(v->cause, "cause.changed");
    assert_non_null(strstr(v->subject, "t0-003"));
    assert_null(strstr(v->subject, "sealing"));  /* the part, not the English sentence */
}

static void test_incidents_stay_with_the_participant_they_happened_to(void **state)
{
    room *r = *state;
    to_exam(r, 0);
    act(r->a, ACT_SUBMIT, 0, NULL);
    const app_view *v = act(r->a, ACT_YES, 0, NULL);
    assert_int_equal(v->scr, SCR_RESULT);
    unsigned seat = v->seat;
    /* on her result screen: still hers */
    act(r->a, ACT_FOCUS_LOST, 0, NULL);
    assert_int_equal(events_of_kind(r, 0, 5 /* J_INCIDENT */), 1);
    v = act(r->a, ACT_NEXT_SEAT, 0, NULL);
    assert_int_equal(v->seat, seat + 1);  /* the seat passed on: the look resets */
    /* before anyone has signed in: nobody's */
    act(r->a, ACT_DISPLAY, 0, NULL);
    /* the next participant, signed in, loses focus on the instructions: his */
    identify(r->a, 1, "1234567890");
    act(r->a, ACT_FOCUS_LOST, 0, NULL);
    act(r->a, ACT_START, 0, NULL);
    assert_int_equal(events_of_kind(r, 0, 5), 1);
    assert_int_equal(events_of_kind(r, 1, 5), 1);
    act(r->a, ACT_SUBMIT, 0, NULL);
    act(r->a, ACT_YES, 0, NULL);
    act(r->a, ACT_NEXT_SEAT, 0, NULL);
    /* three wrong PINs for participant 2, then participant 2 sits: the lock is hers */
    identify(r->a, 2, "9999");
    act(r->a, ACT_TEXT, 0, "9999");
    act(r->a, ACT_ENTER, 0, NULL);
    act(r->a, ACT_TEXT, 0, "9999");
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_LOCKED);
    act(r->a, ACT_TEXT, 0, r->proctor);
    act(r->a, ACT_ENTER, 0, NULL);
    act(r->a, ACT_TEXT, 0, "1234567890");
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_INSTRUCTIONS);
    act(r->a, ACT_START, 0, NULL);
    assert_int_equal(events_of_kind(r, 2, 5), 1);
    assert_int_equal(events_of_kind(r, 1, 5), 1);
    assert_int_equal(events_of_kind(r, 0, 5), 1);
}

static void test_multi_answer_toggles_a_set(void **state)
{
    room *r = *state;
    const app_view *v = to_exam(r, 1);
    act(r->a, ACT_OPTION, 0, NULL);
    v = act(r->a, ACT_OPTION, 1, NULL);
    /* the fixture's items are single-answer: the second choice replaces the first */
    assert_false(v->multi);
    assert_false(v->chosen[0]);
    assert_true(v->chosen[1]);
    v = act(r->a, ACT_OPTION, 9, NULL); /* no such option: ignored */
    assert_true(v->chosen[1]);
}

/* True when `secret` stands in `text` as a word of its own (letters and
 * digits around it make another word), in any case. */
static bool has_word(const char *text, const char *secret)
{
    size_t n = strlen(secret);
    for (const char *p = text; *p; p++) {
        size_t k = 0;
        while (k < n && p[k] && tolower((unsigned char)p[k]) == tolower((unsigned char)secret[k]))
            k++;
        bool left = p == text || !isalnum((unsigned char)p[-1]);
        if (k == n && left && !isalnum((unsigned char)p[n])) return true;
    }
    return false;
}

static void test_the_log_has_one_line_per_event_and_never_a_pin_token_or_code(void **state)
{
    room *r = *state;
    identify(r->a, 1, "9753197531");      /* a wrong PIN, checked after the token */
    act(r->a, ACT_TEXT, 0, "ACDEFHJKLM"); /* a wrong token, then the right one */
    act(r->a, ACT_ENTER, 0, NULL);
    act(r->a, ACT_TEXT, 0, r->token);
    act(r->a, ACT_ENTER, 0, NULL);
    act(r->a, ACT_TEXT, 0, "1234567890"); /* the right PIN */
    act(r->a, ACT_ENTER, 0, NULL);
    act(r->a, ACT_START, 0, NULL);
    act(r->a, ACT_SUBMIT, 0, NULL);
    act(r->a, ACT_YES, 0, NULL);
    assert_int_equal(app_view_get(r->a)->scr, SCR_RESULT);
    act(r->a, ACT_QUIT, 0, NULL);
    act(r->a, ACT_TEXT, 0, "QWERTY7");     /* a wrong proctor code */
    act(r->a, ACT_ENTER, 0, NULL);
    app_free(r->a);                        /* "stop" */
    r->a = NULL;
    char *log = kiosk_log(r);
    char want[200];
    const char *events[] = {" start kiosk ", " pin-wrong NIP ", " identified NIP ",
                            " token-wrong session ", " session-unlocked session ",
                            " attempt-started ", " attempt-submitted ", " result-stored ",
                            " proctor-code-wrong quit", " stop "};
    for (size_t i = 0; i < sizeof events / sizeof *events; i++)
        if (!strstr(log, events[i])) fail_msg("kiosk.log lacks '%s':\n%s", events[i], log);
    snprintf(want, sizeof want, " identified NIP %s\n", fx_nip(1));
    assert_non_null(strstr(log, want));
    snprintf(want, sizeof want, "core none (results stay on this PC)");
    assert_non_null(strstr(log, want));
    const char *secrets[] = {"9753197531", "1234567890", "ACDEFHJKLM", r->token, "QWERTY7", FX_PASS};
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
        if (has_word(log, secrets[i])) fail_msg("kiosk.log holds '%s':\n%s", secrets[i], log);
    for (const char *line = log; *line; line = strchr(line, '\n') + 1) {
        assert_non_null(strchr(line, '\n'));   /* whole lines only */
        assert_true(strlen(line) > 21 && line[4] == '-' && line[10] == 'T' && line[19] == 'Z');
    }
    free(log);
    r->a = app_new(&r->cfg);   /* for the teardown */
}

static void test_without_a_core_the_view_says_results_stay_on_this_pc(void **state)
{
    room *r = *state;
    const app_view *v = app_view_get(r->a);
    assert_int_equal(v->delivery.state, UPLOADER_OFF);
    assert_int_equal(strlen(v->delivery.kiosk), UPLOADER_KIOSK_ID);
    assert_int_equal(v->queued, 0);
    to_exam(r, 0);
    act(r->a, ACT_SUBMIT, 0, NULL);
    v = act(r->a, ACT_YES, 0, NULL);
    assert_int_equal(v->queued, 1);
    assert_int_equal(v->delivery.queued, 1);
    assert_int_equal(v->delivery.state, UPLOADER_OFF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_starts_on_identify_for_a_sealed_bank, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tampered_bank_shows_a_proctor_message, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bank_with_a_partial_pool_index_shows_a_proctor_message,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_signing_key_has_its_own_start_message, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_uploader_failure_has_its_own_start_message, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_state_folder_has_its_own_start_message,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_and_unknown_nip_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escape_from_the_token_forgets_the_pin_held, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_three_wrong_pins_lock_the_seat_until_the_proctor_code,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_token_then_instructions_show_the_exam_facts,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_answers_flags_and_place_survive_a_restart, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_confirmation_needs_an_explicit_yes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_time_out_submits_what_was_answered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_result_score_equals_bank_score, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_submitted_participant_cannot_sit_again, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_the_proctor_code_closes_a_kiosk_no_token_has_opened,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_quitting_needs_the_proctor_code_and_is_an_incident,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_multi_answer_toggles_a_set, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_read_aloud_is_the_participants_accommodation_recorded_in_the_result, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_extra_minutes_from_the_roster_lengthen_the_participants_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_time_out_on_review_or_confirm_says_so_before_the_result,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_wake_up_is_the_earliest_of_the_clock_and_the_refresh,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_answer_is_taken_after_the_time_limit, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_one_answer_choice_can_be_cleared, setup, teardown),
        cmocka_unit_test_setup_teardown(test_start_errors_name_a_localized_cause, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incidents_stay_with_the_participant_they_happened_to,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_the_log_has_one_line_per_event_and_never_a_pin_token_or_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_without_a_core_the_view_says_results_stay_on_this_pc,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
