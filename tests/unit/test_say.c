/* test_say.c -- what read aloud speaks for each screen and event, in Indonesian and English. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "say.h"
#include "texts.h"
#include "why.h"

#define NITEMS 12
#define OUT 16384

static bool answered[NITEMS], flags[NITEMS];
static char out[OUT];

static texts *load(const char *lang)
{
    char why[WHY_SIZE] = "";
    const char *d = getenv("KISI_STRINGS_DIR");
    texts *s = texts_load(d && *d ? d : "assets/strings", lang, why);
    if (!s) fail_msg("%s: %s", lang, why);
    return s;
}

/* A view of screen `scr` as the app gives it: item 3 of 12 with option B chosen,
 * 8 answered, items 3 and 10 flagged, 61 min 5 s left. */
static app_view sample(screen scr)
{
    app_view v;
    memset(&v, 0, sizeof v);
    for (int i = 0; i < NITEMS; i++) {
        answered[i] = i % 3 != 0;
        flags[i] = i == 2 || i == 9;
    }
    v.scr = scr;
    v.msg = "";
    v.cause = "";
    v.nip = "199105";
    v.pin_len = 4;
    v.token = "YCU";
    v.code = "1234";
    v.tries_left = 2;
    v.name = "Putri Ayu Lestari";
    v.exam_title = "Evaluasi Akademik";
    v.exam_kind = "kind.academic";
    v.nitems = NITEMS;
    v.minutes = 90;
    v.attempt = 4;
    v.ceiling = 9001;
    v.pass_mark = 7001;
    v.cur = 2;
    v.stem = "Kearifan lokal berperan karena";
    v.noptions = 4;
    v.options[0] = "alasan menolak";
    v.options[1] = "nilai masyarakat setempat";
    v.options[2] = "keunggulan daerah";
    v.options[3] = "peraturan nasional";
    v.chosen[1] = true;
    v.flagged = true;
    v.answered = answered;
    v.flags = flags;
    v.remaining_ms = 61 * 60000 + 5000;
    v.score = (bank_score){9350, 9001, 9001, true, "Sangat memuaskan"};
    v.band_en = "very satisfactory";
    v.aloud = true;
    return v;
}

/* Fails unless `needle` occurs in `hay` after byte `from`; returns where it ends. */
static size_t has_at(const char *hay, const char *needle, size_t from)
{
    const char *p = strstr(hay + from, needle);
    if (!p) fail_msg("\"%s\" not spoken (after byte %zu) in: %s", needle, from, hay);
    return (size_t)(p - hay) + strlen(needle);
}

static void has(const char *hay, const char *needle)
{
    has_at(hay, needle, 0);
}

static void lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle)) fail_msg("\"%s\" spoken in: %s", needle, hay);
}

static void test_the_item_is_its_number_stem_how_to_answer_then_each_option_with_its_letter(void **state)
{
    (void)state;
    app_view v = sample(SCR_EXAM);
    texts *en = load("en"), *id = load("id");
    say_item(en, &v, out, sizeof out);
    size_t at = has_at(out, "Question 3 of 12.", 0);
    at = has_at(out, "Flagged for review.", at);
    at = has_at(out, "Kearifan lokal berperan karena.", at);
    at = has_at(out, "Choose one answer (A–D).", at);
    at = has_at(out, "A: alasan menolak.", at);
    at = has_at(out, "B: nilai masyarakat setempat. chosen.", at);
    at = has_at(out, "C: keunggulan daerah.", at);
    has_at(out, "D: peraturan nasional.", at);
    say_item(id, &v, out, sizeof out);
    at = has_at(out, "Soal 3 dari 12", 0);
    at = has_at(out, "Kearifan lokal", at);
    has_at(out, "B: nilai masyarakat setempat. dipilih.", at);
    /* the exam screen is its item */
    char item[OUT];
    say_item(id, &v, item, sizeof item);
    say_screen(id, &v, out, sizeof out);
    assert_string_equal(out, item);
    texts_free(en);
    texts_free(id);
}

static void test_multiple_response_and_true_false_items_say_how_to_answer(void **state)
{
    (void)state;
    app_view v = sample(SCR_EXAM);
    texts *en = load("en");
    v.multi = true;
    say_item(en, &v, out, sizeof out);
    has(out, "Choose every correct answer (A–D; one or more).");
    v.multi = false;
    v.truefalse = true;
    v.noptions = 2;
    say_item(en, &v, out, sizeof out);
    has(out, "Choose one: true or false (A–B).");
    lacks(out, "C:");
    texts_free(en);
}

static void test_an_option_is_its_letter_text_and_whether_it_is_chosen(void **state)
{
    (void)state;
    app_view v = sample(SCR_EXAM);
    texts *en = load("en"), *id = load("id");
    say_option(en, &v, 1, out, sizeof out);
    assert_string_equal(out, "B: nilai masyarakat setempat. chosen.");
    say_option(id, &v, 2, out, sizeof out);
    assert_string_equal(out, "C: keunggulan daerah.");
    assert_int_equal(say_option(en, &v, 4, out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_int_equal(say_option(en, &v, -1, out, sizeof out), 0);
    texts_free(en);
    texts_free(id);
}

static void test_time_left_in_minutes_and_seconds_as_the_clock_shows_it(void **state)
{
    (void)state;
    app_view v = sample(SCR_EXAM);
    texts *en = load("en"), *id = load("id");
    say_time(en, &v, out, sizeof out);
    assert_string_equal(out, "Time left: 61 minutes 5 seconds.");
    v.remaining_ms = 59001;  /* the clock shows 1:00 */
    say_time(id, &v, out, sizeof out);
    assert_string_equal(out, "Sisa waktu: 1 menit 0 detik.");
    texts_free(en);
    texts_free(id);
}

static void test_unanswered_count(void **state)
{
    (void)state;
    app_view v = sample(SCR_EXAM);
    texts *en = load("en"), *id = load("id");
    say_unanswered(en, &v, out, sizeof out);
    assert_string_equal(out, "Questions still unanswered: 4.");
    say_unanswered(id, &v, out, sizeof out);
    has(out, "4");
    texts_free(en);
    texts_free(id);
}

static void test_instructions_speak_the_ceiling_and_pass_mark_in_the_screens_number_format(void **state)
{
    (void)state;
    app_view v = sample(SCR_INSTRUCTIONS);
    texts *en = load("en"), *id = load("id");
    say_screen(en, &v, out, sizeof out);
    size_t at = has_at(out, "Exam Instructions.", 0);
    at = has_at(out, "Evaluasi Akademik.", at);
    at = has_at(out, "Participant: Putri Ayu Lestari.", at);
    at = has_at(out, "Exam type: Academic evaluation.", at);
    at = has_at(out, "Questions: 12 questions.", at);
    at = has_at(out, "Time: 90 minutes.", at);
    at = has_at(out, "Highest score that can be awarded: 90.01.", at);
    at = has_at(out, "Pass mark: 70.01.", at);
    has_at(out, "Start the Exam (Enter)", at);
    say_screen(id, &v, out, sizeof out);
    has(out, ": 90,01.");
    has(out, ": 70,01.");
    v.ceiling = 0;  /* no ceiling: not shown, not spoken */
    say_screen(en, &v, out, sizeof out);
    lacks(out, "Highest score");
    v.minutes = 100;  /* extra time the roster grants is said as the screen shows it */
    v.extra_minutes = 10;
    say_screen(en, &v, out, sizeof out);
    has(out, "Time: 100 minutes (including 10 extra minutes).");
    say_screen(id, &v, out, sizeof out);
    has(out, "100 menit (termasuk 10 menit tambahan)");
    texts_free(en);
    texts_free(id);
}

static void test_result_speaks_scores_ceiling_pass_mark_and_outcome(void **state)
{
    (void)state;
    app_view v = sample(SCR_RESULT);
    texts *en = load("en"), *id = load("id");
    say_screen(en, &v, out, sizeof out);
    size_t at = has_at(out, "Exam Result.", 0);
    at = has_at(out, "Raw score: 93.50.", at);
    at = has_at(out, "Score ceiling of this attempt: 90.01.", at);
    at = has_at(out, "Pass mark: 70.01.", at);
    at = has_at(out, "Awarded score: 90.01.", at);
    at = has_at(out, "Very satisfactory (Sangat memuaskan)", at);
    at = has_at(out, "Your raw score 93.50 is above the ceiling of attempt 4 (90.01)", at);
    has_at(out, "PASSED.", at);
    v.score = (bank_score){5000, 9001, 5000, false, "Kurang"};
    say_screen(id, &v, out, sizeof out);
    has(out, "50,00");
    has(out, texts_get(id, "result.failed"));
    texts_free(en);
    texts_free(id);
}

static void test_identify_spells_the_nip_and_never_the_pin(void **state)
{
    (void)state;
    app_view v = sample(SCR_IDENTIFY);
    v.msg = "identify.wrongpin";
    texts *en = load("en"), *id = load("id");
    say_screen(en, &v, out, sizeof out);
    size_t at = has_at(out, "Participant Identification.", 0);
    at = has_at(out, "NIP: 1 9 9 1 0 5.", at);
    at = has_at(out, "PIN: 4 characters typed.", at);
    at = has_at(out, "Wrong PIN. Please try again.", at);
    has_at(out, "PIN tries left: 2.", at);
    say_screen(id, &v, out, sizeof out);
    has(out, "4 karakter diketik");
    texts_free(en);
    texts_free(id);
}

static void test_codes_are_counted_never_spoken(void **state)
{
    (void)state;
    texts *en = load("en");
    app_view v = sample(SCR_LOCKED);
    v.msg = "locked.hint";
    say_screen(en, &v, out, sizeof out);
    has(out, "Seat Locked.");
    has(out, "Proctor code: 4 characters typed.");
    lacks(out, "1234");
    v = sample(SCR_PROCTOR);
    v.msg = "proctor.wrong";
    say_screen(en, &v, out, sizeof out);
    has(out, "Proctor Code.");
    has(out, "Wrong proctor code.");
    lacks(out, "1234");
    texts_free(en);
}

static void test_wait_review_confirm_timeout_and_error_screens(void **state)
{
    (void)state;
    texts *en = load("en");
    app_view v = sample(SCR_WAIT);
    say_screen(en, &v, out, sizeof out);
    has(out, "Welcome, Putri Ayu Lestari.");
    has(out, "Session token: Y C U.");
    v = sample(SCR_REVIEW);
    say_screen(en, &v, out, sizeof out);
    size_t at = has_at(out, "Review Your Answers.", 0);
    at = has_at(out, "Not answered: 1, 4, 7, 10.", at);
    has_at(out, "Flagged for review: 3, 10.", at);
    for (int i = 0; i < NITEMS; i++) answered[i] = true;
    say_screen(en, &v, out, sizeof out);
    has(out, "Not answered: None.");
    v = sample(SCR_CONFIRM);
    say_screen(en, &v, out, sizeof out);
    at = has_at(out, "Submit Your Answers?", 0);
    at = has_at(out, "Questions still unanswered: 4.", at);
    has_at(out, "No, go back.", at);
    v.confirm_focus = 1;
    say_focus(en, &v, out, sizeof out);
    assert_string_equal(out, "Yes, submit.");
    v = sample(SCR_TIMEOUT);
    say_screen(en, &v, out, sizeof out);
    has(out, "Time Is Up.");
    has(out, "8 of 12 questions answered.");
    v = sample(SCR_ERROR);
    v.msg = "start.tampered";
    v.cause = "cause.changed";
    v.subject = "item a1-001";
    say_screen(en, &v, out, sizeof out);
    has(out, "The Exam Cannot Continue.");
    has(out, "Changed after sealing: item a1-001.");
    has(out, "Please call the proctor.");
    texts_free(en);
}

static void test_countdown_warnings_are_the_screens_warning_text(void **state)
{
    (void)state;
    texts *en = load("en"), *id = load("id");
    app_view v = sample(SCR_EXAM);
    v.remaining_ms = 4 * 60000 + 30000;
    v.warning = 5;
    say_warning(en, &v, out, sizeof out);
    assert_string_equal(out, "4 min 30 s left. Check your answers.");
    v.remaining_ms = 42000;
    v.warning = 1;
    say_warning(id, &v, out, sizeof out);
    has(out, "42");
    v.warning = 0;
    assert_int_equal(say_warning(en, &v, out, sizeof out), 0);
    texts_free(en);
    texts_free(id);
}

/* say_change from view `was` to view `now` into out. */
static const char *change(const texts *s, const app_view *was, const app_view *now)
{
    say_seen seen;
    say_seen_take(&seen, was);
    say_change(s, &seen, now, out, sizeof out);
    return out;
}

static void test_every_message_that_appears_is_spoken(void **state)
{
    (void)state;
    static const char *const keys[] = {"exam.saved", "exam.cleared", "journal.error",
                                       "identify.badnip", "identify.unknown", "identify.done",
                                       "wait.wrongtoken", "wait.resume", "proctor.wrong"};
    const char *langs[] = {"id", "en"};
    for (int l = 0; l < 2; l++) {
        texts *s = load(langs[l]);
        for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
            app_view was = sample(SCR_EXAM), now = was;
            now.msg = keys[i];
            change(s, &was, &now);
            has(out, texts_get(s, keys[i]));
        }
        texts_free(s);
    }
}

static void test_changes_speak_the_new_screen_item_answer_flag_focus_and_warning(void **state)
{
    (void)state;
    texts *en = load("en");
    app_view was = sample(SCR_INSTRUCTIONS), now = sample(SCR_EXAM);
    change(en, &was, &now);
    has(out, "Question 3 of 12.");
    was = sample(SCR_EXAM);
    now = was;
    now.cur = 3;
    change(en, &was, &now);
    has(out, "Question 4 of 12.");
    /* an answer saved: the message and the letters now chosen */
    was = sample(SCR_EXAM);
    was.msg = "exam.saved";
    now = was;
    now.chosen[1] = false;
    now.chosen[3] = true;
    change(en, &was, &now);
    assert_string_equal(out, "Saved. Your answer: D.");
    now = was;
    now.flagged = false;
    change(en, &was, &now);
    assert_string_equal(out, "Flag removed.");
    was = sample(SCR_CONFIRM);
    now = was;
    now.confirm_focus = 1;
    change(en, &was, &now);
    assert_string_equal(out, "Yes, submit.");
    was = sample(SCR_EXAM);
    now = was;
    now.warning = 5;
    now.remaining_ms = 5 * 60000;
    change(en, &was, &now);
    assert_string_equal(out, "5 min 0 s left. Check your answers.");
    /* nothing changed: nothing said */
    assert_string_equal(change(en, &was, &was), "");
    texts_free(en);
}

static void test_typed_nip_digits_and_token_letters_are_echoed_pin_digits_are_not(void **state)
{
    (void)state;
    texts *en = load("en");
    app_view was = sample(SCR_IDENTIFY), now = was;
    was.field = now.field = 0;
    now.nip = "1991052";
    assert_string_equal(change(en, &was, &now), "2");
    was.field = now.field = 1;
    was.nip = now.nip;
    now.pin_len = 5;
    assert_string_equal(change(en, &was, &now), "");
    was = sample(SCR_WAIT);
    now = was;
    now.token = "YCUK";
    assert_string_equal(change(en, &was, &now), "K");
    texts_free(en);
}

static void test_nothing_is_spoken_while_read_aloud_is_off_and_turning_it_on_says_so(void **state)
{
    (void)state;
    texts *en = load("en"), *id = load("id");
    app_view was = sample(SCR_INSTRUCTIONS), now = sample(SCR_EXAM);
    was.aloud = now.aloud = false;
    assert_string_equal(change(en, &was, &now), "");
    was = sample(SCR_IDENTIFY);
    was.aloud = false;
    now = was;
    now.aloud = true;
    now.msg = "aloud.on";
    change(en, &was, &now);
    has(out, "Read aloud is on. F2 reads the screen");
    change(id, &was, &now);
    has(out, "Bacakan suara aktif.");
    /* off: the message is shown, not spoken */
    was = now;
    now.aloud = false;
    now.msg = "aloud.off";
    assert_string_equal(change(en, &was, &now), "");
    /* the next participant: off */
    was = sample(SCR_RESULT);
    now = sample(SCR_IDENTIFY);
    now.seat = was.seat + 1;
    now.aloud = false;
    assert_string_equal(change(en, &was, &now), "");
    texts_free(en);
    texts_free(id);
}

static void test_every_screen_speaks_only_translated_text_in_both_languages(void **state)
{
    (void)state;
    const char *langs[] = {"id", "en"};
    for (int l = 0; l < 2; l++) {
        texts *s = load(langs[l]);
        for (int scr = SCR_ERROR; scr < SCREEN_COUNT; scr++) {
            app_view v = sample((screen)scr);
            if (scr == SCR_ERROR) v.msg = "start.nobank";
            size_t n = say_screen(s, &v, out, sizeof out);
            if (n < 20) fail_msg("%s: screen %d says only \"%s\"", langs[l], scr, out);
            assert_int_equal(n, strlen(out));
            lacks(out, "{1}");
            for (size_t k = 0; k < texts_count(s); k++) {  /* a missing text shows as its key */
                const char *key = texts_key(s, k);
                if (strchr(key, '.') && strstr(out, key) && !strstr(texts_get(s, key), key))
                    fail_msg("%s: screen %d speaks the key %s", langs[l], scr, key);
            }
        }
        texts_free(s);
    }
}

static void test_the_proctors_commands_are_spoken_with_their_screens(void **state)
{
    (void)state;
    texts *en = load("en"), *id = load("id");
    /* a notice in the footer: spoken when it comes, also the same one again */
    app_view was = sample(SCR_EXAM), now = was;
    now.notice_key = "room.extend";
    now.notice = "10";
    now.notices = was.notices + 1;
    assert_string_equal(change(en, &was, &now), "The proctor gave you 10 more minutes.");
    change(id, &was, &now);
    has(out, "Pengawas menambah waktu Anda 10 menit.");
    was = now;
    now.notices++;
    assert_string_equal(change(en, &was, &now), "The proctor gave you 10 more minutes.");
    assert_string_equal(change(en, &now, &now), "");
    /* the paused screen: why, and the time left */
    was = sample(SCR_EXAM);
    now = sample(SCR_PAUSED);
    now.reason = "power cut in row B";
    change(en, &was, &now);
    has(out, "Exam Paused");
    has(out, "The proctor's reason: power cut in row B");
    has(out, "61");
    /* moved: the seat; locked: the code counted, never spoken */
    now = sample(SCR_MOVED);
    now.moved_to = "B07";
    change(id, &was, &now);
    has(out, "Pengawas memindahkan Anda ke kursi B07.");
    now = sample(SCR_SEAT_LOCKED);
    change(en, &was, &now);
    has(out, "Seat Locked by the Proctor");
    lacks(out, "1234");
    now = sample(SCR_AUTHORISE);
    change(en, &was, &now);
    has(out, "Waiting for the proctor");
    has(out, "Pass mark");
    texts_free(en);
    texts_free(id);
}

static void test_a_short_buffer_is_cut_at_a_character_boundary(void **state)
{
    (void)state;
    texts *en = load("en");
    app_view v = sample(SCR_EXAM);
    v.stem = "\xE2\x80\xA6\xE2\x80\xA6\xE2\x80\xA6\xE2\x80\xA6";  /* four ellipses */
    for (size_t cap = 1; cap < 40; cap++) {
        char small[40];
        size_t n = say_item(en, &v, small, cap);
        assert_true(n < cap);
        assert_int_equal(strlen(small), n);
        /* never half a character at the end */
        size_t k = n;
        while (k && ((unsigned char)small[k - 1] & 0xC0) == 0x80) k--;
        if (k && (unsigned char)small[k - 1] >= 0xC0) assert_int_equal(n - k + 1, 3);
    }
    assert_int_equal(say_item(en, &v, out, 0), 0);
    texts_free(en);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_item_is_its_number_stem_how_to_answer_then_each_option_with_its_letter),
        cmocka_unit_test(test_multiple_response_and_true_false_items_say_how_to_answer),
        cmocka_unit_test(test_an_option_is_its_letter_text_and_whether_it_is_chosen),
        cmocka_unit_test(test_time_left_in_minutes_and_seconds_as_the_clock_shows_it),
        cmocka_unit_test(test_unanswered_count),
        cmocka_unit_test(test_instructions_speak_the_ceiling_and_pass_mark_in_the_screens_number_format),
        cmocka_unit_test(test_result_speaks_scores_ceiling_pass_mark_and_outcome),
        cmocka_unit_test(test_identify_spells_the_nip_and_never_the_pin),
        cmocka_unit_test(test_codes_are_counted_never_spoken),
        cmocka_unit_test(test_wait_review_confirm_timeout_and_error_screens),
        cmocka_unit_test(test_countdown_warnings_are_the_screens_warning_text),
        cmocka_unit_test(test_every_message_that_appears_is_spoken),
        cmocka_unit_test(test_changes_speak_the_new_screen_item_answer_flag_focus_and_warning),
        cmocka_unit_test(test_typed_nip_digits_and_token_letters_are_echoed_pin_digits_are_not),
        cmocka_unit_test(test_nothing_is_spoken_while_read_aloud_is_off_and_turning_it_on_says_so),
        cmocka_unit_test(test_every_screen_speaks_only_translated_text_in_both_languages),
        cmocka_unit_test(test_the_proctors_commands_are_spoken_with_their_screens),
        cmocka_unit_test(test_a_short_buffer_is_cut_at_a_character_boundary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
