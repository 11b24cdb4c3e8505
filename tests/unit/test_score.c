/* test_score.c -- the scoring policy of SPEC sections 2 and 3: raw scores, ceilings, pass marks, bands. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exam.h"
#include "why.h"

/* Parses an exam of `kind` with `extra` fields; the test fails when it is
 * rejected. Caller frees with bank_exam_free(). */
static bank_exam *exam(const char *kind, const char *extra)
{
    char json[4096], why[WHY_SIZE] = "";
    bank_err err;
    snprintf(json, sizeof json,
             "{\"id\":\"e\",\"title\":\"Ujian\",\"kind\":\"%s\",\"minutes\":60,%s%s"
             "\"quotas\":{\"s1a\":7,\"s1b\":7,\"s2\":6}}",
             kind, extra, *extra ? "," : "");
    bank_exam *e = bank_exam_parse(json, strlen(json), &err, why);
    if (!e) fail_msg("rejected: %s: %s", why, json);
    return e;
}

/* Judges `raw` on `attempt`; the test fails unless it is accepted. */
static bank_score judge(const bank_exam *e, int attempt, int raw)
{
    bank_score s;
    char why[WHY_SIZE] = "";
    bank_err err = bank_exam_judge(e, attempt, raw, &s, why);
    if (err != BANK_OK) fail_msg("attempt %d raw %d refused: %s", attempt, raw, why);
    return s;
}

#define BAND_TEST(score, id, en)                                                    \
    static void test_band_boundary_##score##_is_##id(void **state)                 \
    {                                                                               \
        (void)state;                                                                \
        assert_string_equal(bank_band(score), BAND_ID_##id);                        \
        assert_string_equal(bank_band_en(score), en);                               \
    }
#define BAND_ID_sangat_memuaskan "Sangat memuaskan"
#define BAND_ID_memuaskan "Memuaskan"
#define BAND_ID_cukup_memuaskan "Cukup memuaskan"
#define BAND_ID_kurang_memuaskan "Kurang memuaskan"
#define BAND_ID_tidak_memuaskan "Tidak memuaskan"

BAND_TEST(0, tidak_memuaskan, "very unsatisfactory")
BAND_TEST(6000, tidak_memuaskan, "very unsatisfactory")
BAND_TEST(6001, kurang_memuaskan, "unsatisfactory")
BAND_TEST(7000, kurang_memuaskan, "unsatisfactory")
BAND_TEST(7001, cukup_memuaskan, "fairly satisfactory")
BAND_TEST(8000, cukup_memuaskan, "fairly satisfactory")
BAND_TEST(8001, memuaskan, "satisfactory")
BAND_TEST(9000, memuaskan, "satisfactory")
BAND_TEST(9001, sangat_memuaskan, "very satisfactory")
BAND_TEST(10000, sangat_memuaskan, "very satisfactory")

static void test_band_outside_the_scale_clamps(void **state)
{
    (void)state;
    assert_string_equal(bank_band(-1), "Tidak memuaskan");
    assert_string_equal(bank_band(INT_MIN), "Tidak memuaskan");
    assert_string_equal(bank_band(10001), "Sangat memuaskan");
    assert_string_equal(bank_band_en(INT_MAX), "very satisfactory");
}

static void test_ceiling_attempts_1_to_3_allow_10000(void **state)
{
    (void)state;
    bank_exam *e = exam("academic", "");
    assert_int_equal(bank_exam_ceiling(e, 1), 10000);
    assert_int_equal(bank_exam_ceiling(e, 3), 10000);
    assert_int_equal(judge(e, 3, 10000).awarded, 10000);
    bank_exam_free(e);
}

static void test_ceiling_attempts_4_and_5_cap_at_9001(void **state)
{
    (void)state;
    bank_exam *e = exam("academic", "");
    assert_int_equal(bank_exam_ceiling(e, 4), 9001);
    assert_int_equal(bank_exam_ceiling(e, 5), 9001);
    bank_score s = judge(e, 4, 9500);
    assert_int_equal(s.raw, 9500);
    assert_int_equal(s.ceiling, 9001);
    assert_int_equal(s.awarded, 9001);
    assert_string_equal(s.band, "Sangat memuaskan");
    bank_exam_free(e);
}

static void test_ceiling_attempt_6_caps_at_8000(void **state)
{
    (void)state;
    bank_exam *e = exam("academic", "");
    assert_int_equal(bank_exam_ceiling(e, 5), 9001);
    assert_int_equal(bank_exam_ceiling(e, 6), 8000);
    assert_int_equal(judge(e, 6, 9500).awarded, 8000);
    assert_string_equal(judge(e, 6, 9500).band, "Cukup memuaskan");
    bank_exam_free(e);
}

static void test_ceiling_attempt_7_caps_at_7001(void **state)
{
    (void)state;
    bank_exam *e = exam("academic", "");
    assert_int_equal(bank_exam_ceiling(e, 6), 8000);
    assert_int_equal(bank_exam_ceiling(e, 7), 7001);
    assert_int_equal(bank_exam_ceiling(e, 100), 7001);
    assert_int_equal(judge(e, 100, 10000).awarded, 7001);
    bank_exam_free(e);
}

static void test_ceiling_attempt_0_is_not_covered(void **state)
{
    (void)state;
    bank_exam *e = exam("academic", "");
    assert_int_equal(bank_exam_ceiling(e, 0), -1);
    bank_score s;
    char why[WHY_SIZE];
    assert_int_equal(bank_exam_judge(e, 0, 5000, &s, why), BANK_EINVAL);
    assert_non_null(strstr(why, "attempt 0"));
    bank_exam_free(e);
}

static void test_attempt_7_raw_9500_is_awarded_exactly_7001_and_passes(void **state)
{
    (void)state;
    bank_exam *e = exam("academic", "");
    bank_score s = judge(e, 7, 9500);
    assert_int_equal(s.raw, 9500);
    assert_int_equal(s.ceiling, 7001);
    assert_int_equal(s.awarded, 7001);
    assert_true(s.passed);
    assert_string_equal(s.band, "Cukup memuaskan");
    s = judge(e, 7, 7000);  /* below the pass mark the ceiling changes nothing */
    assert_int_equal(s.awarded, 7000);
    assert_false(s.passed);
    bank_exam_free(e);
}

static void test_academic_pass_mark_7001_passes_7000_fails(void **state)
{
    (void)state;
    bank_exam *e = exam("academic", "");
    assert_false(judge(e, 1, 7000).passed);
    assert_true(judge(e, 1, 7001).passed);
    bank_exam_free(e);
}

static void test_quiz_pass_mark_7000_passes_6999_fails(void **state)
{
    (void)state;
    bank_exam *e = exam("quiz", "");
    assert_true(judge(e, 1, 7000).passed);
    assert_false(judge(e, 1, 6999).passed);
    assert_string_equal(judge(e, 1, 7000).band, "Kurang memuaskan");
    bank_exam_free(e);
}

static void test_rpl_pass_mark_8500_passes_8499_fails(void **state)
{
    (void)state;
    bank_exam *e = exam("rpl", "");
    assert_false(judge(e, 1, 8499).passed);
    assert_true(judge(e, 1, 8500).passed);
    bank_exam_free(e);
}

static void test_competency_pass_mark_is_set_per_exam(void **state)
{
    (void)state;
    bank_exam *e = exam("competency", "");
    assert_false(judge(e, 1, 7000).passed);
    assert_true(judge(e, 1, 7001).passed);
    bank_exam_free(e);
    e = exam("competency", "\"pass_mark\":7500");
    assert_false(judge(e, 1, 7499).passed);
    assert_true(judge(e, 3, 7500).passed);
    bank_exam_free(e);
}

static void expect_no_attempt(const bank_exam *e, int attempt, const char *needle)
{
    bank_score s;
    char why[WHY_SIZE] = "";
    assert_int_equal(bank_exam_judge(e, attempt, 9000, &s, why), BANK_EATTEMPTS);
    if (!strstr(why, needle)) fail_msg("why \"%s\" lacks \"%s\"", why, needle);
}

static void test_quiz_attempt_6_is_beyond_max_attempts(void **state)
{
    (void)state;
    bank_exam *e = exam("quiz", "");
    assert_true(judge(e, 5, 9000).passed);
    expect_no_attempt(e, 6, "attempt 6 is beyond the 5 allowed by quiz exam \"e\"");
    bank_exam_free(e);
}

static void test_rpl_has_exactly_one_attempt(void **state)
{
    (void)state;
    bank_exam *e = exam("rpl", "");
    assert_true(judge(e, 1, 9000).passed);
    expect_no_attempt(e, 2, "attempt 2 is beyond the 1 allowed by rpl exam");
    bank_exam_free(e);
}

static void test_competency_attempt_4_is_beyond_max_attempts(void **state)
{
    (void)state;
    bank_exam *e = exam("competency", "");
    judge(e, 3, 8000);
    expect_no_attempt(e, 4, "attempt 4 is beyond the 3 allowed");
    bank_exam_free(e);
    e = exam("competency", "\"max_attempts\":1");
    expect_no_attempt(e, 2, "attempt 2 is beyond the 1 allowed");
    bank_exam_free(e);
}

static void test_academic_attempts_are_unlimited_by_default(void **state)
{
    (void)state;
    bank_exam *e = exam("academic", "");
    assert_int_equal(judge(e, 1000, 8000).awarded, 7001);
    assert_int_equal(judge(e, INT_MAX, 8000).awarded, 7001);
    bank_exam_free(e);
    e = exam("academic", "\"max_attempts\":4,\"ceilings\":[[1,2,10000],[3,4,9001]]");
    assert_int_equal(judge(e, 4, 9999).awarded, 9001);
    expect_no_attempt(e, 5, "attempt 5 is beyond the 4 allowed by academic exam");
    bank_exam_free(e);
}

static void test_custom_ceiling_table_is_honoured_by_judge(void **state)
{
    (void)state;
    bank_exam *e = exam("academic", "\"ceilings\":[[1,1,10000],[2,null,6000]],\"pass_mark\":5000");
    bank_score s = judge(e, 1, 9000);
    assert_int_equal(s.awarded, 9000);
    s = judge(e, 2, 9000);
    assert_int_equal(s.ceiling, 6000);
    assert_int_equal(s.awarded, 6000);
    assert_true(s.passed);
    assert_string_equal(s.band, "Tidak memuaskan");
    bank_exam_free(e);
}

static void test_judge_refuses_raw_outside_0_to_10000(void **state)
{
    (void)state;
    bank_exam *e = exam("quiz", "");
    bank_score s;
    char why[WHY_SIZE];
    assert_int_equal(bank_exam_judge(e, 1, 10001, &s, why), BANK_EINVAL);
    assert_non_null(strstr(why, "raw score 10001"));
    assert_int_equal(bank_exam_judge(e, 1, -1, &s, NULL), BANK_EINVAL);
    assert_int_equal(bank_exam_judge(NULL, 1, 0, &s, NULL), BANK_EINVAL);
    assert_int_equal(bank_exam_judge(e, 1, 0, NULL, NULL), BANK_EINVAL);
    assert_int_equal(judge(e, 1, 0).awarded, 0);
    assert_int_equal(judge(e, 1, 10000).awarded, 10000);
    bank_exam_free(e);
}

static void test_raw_score_rounds_half_up_to_hundredths(void **state)
{
    (void)state;
    assert_int_equal(bank_raw_score(2, 3), 6667);   /* 66.666... */
    assert_int_equal(bank_raw_score(1, 3), 3333);   /* 33.333... */
    assert_int_equal(bank_raw_score(1, 8), 1250);
    assert_int_equal(bank_raw_score(7, 8), 8750);
    assert_int_equal(bank_raw_score(1, 16), 625);   /* 6.25 exactly */
    assert_int_equal(bank_raw_score(1, 32), 313);   /* 3.125 -> 3.13 */
    assert_int_equal(bank_raw_score(3, 32), 938);   /* 9.375 -> 9.38 */
    assert_int_equal(bank_raw_score(31, 32), 9688); /* 96.875 -> 96.88 */
    assert_int_equal(bank_raw_score(1, 20000), 1);  /* 0.005 -> 0.01 */
    assert_int_equal(bank_raw_score(1, 20001), 0);  /* 0.0049997 -> 0.00 */
    assert_int_equal(bank_raw_score(0, 5), 0);
    assert_int_equal(bank_raw_score(5, 5), 10000);
}

static void test_raw_score_never_overflows_and_refuses_nonsense(void **state)
{
    (void)state;
    assert_int_equal(bank_raw_score(LLONG_MAX, LLONG_MAX), 10000);
    assert_int_equal(bank_raw_score(LLONG_MAX / 2, LLONG_MAX), 5000);
    assert_int_equal(bank_raw_score(LLONG_MAX - 1, LLONG_MAX), 10000);
    assert_int_equal(bank_raw_score(1, 0), -1);
    assert_int_equal(bank_raw_score(0, 0), -1);
    assert_int_equal(bank_raw_score(-1, 5), -1);
    assert_int_equal(bank_raw_score(6, 5), -1);
    assert_int_equal(bank_raw_score(1, -5), -1);
}

static void test_form_score_without_sections_weights_every_item(void **state)
{
    (void)state;
    bank_exam *e = exam("quiz", "");
    score_line lines[] = {
        {"s1a", 1, true}, {"s1b", 2, false}, {"s2", 3, true}, {"other", 2, false}};
    assert_int_equal(exam_raw_score(e, lines, 4), 5000);   /* 4 of 8 */
    assert_int_equal(exam_raw_score(e, lines, 3), 6667);   /* 4 of 6 */
    assert_int_equal(exam_raw_score(e, lines, 1), 10000);
    assert_int_equal(exam_raw_score(e, lines, 0), -1);     /* no weight at all */
    score_line zero[] = {{"s1a", 0, true}};
    assert_int_equal(exam_raw_score(e, zero, 1), -1);
    score_line negative[] = {{"s1a", -1, true}, {"s2", 2, true}};
    assert_int_equal(exam_raw_score(e, negative, 2), -1);
    assert_int_equal(exam_raw_score(NULL, lines, 1), -1);
    assert_int_equal(exam_raw_score(e, NULL, 1), -1);
    bank_exam_free(e);
}

#define SECTIONS_70_30                                                           \
    "\"sections\":[{\"id\":\"substansi-1\",\"share\":7000,\"topics\":[\"s1a\",\"s1b\"]}," \
    "{\"id\":\"substansi-2\",\"share\":3000,\"topics\":[\"s2\"]}]"

static void test_sections_70_30_all_of_substance_1_right_gives_7000(void **state)
{
    (void)state;
    bank_exam *e = exam("academic", SECTIONS_70_30);
    score_line lines[] = {{"s1a", 1, true}, {"s1b", 5, true}, {"s2", 1, false}, {"s2", 9, false}};
    assert_int_equal(exam_raw_score(e, lines, 4), 7000);
    for (size_t i = 0; i < 4; i++) lines[i].correct = !lines[i].correct;
    assert_int_equal(exam_raw_score(e, lines, 4), 3000);
    for (size_t i = 0; i < 4; i++) lines[i].correct = true;
    assert_int_equal(exam_raw_score(e, lines, 4), 10000);
    lines[0].correct = false;  /* 70 x 5/6 + 30 = 88.333... */
    assert_int_equal(exam_raw_score(e, lines, 4), 8833);
    bank_exam_free(e);
}

static void test_sections_are_summed_exactly_and_rounded_once(void **state)
{
    (void)state;
    bank_exam *e = exam("academic", "\"sections\":[{\"id\":\"a\",\"share\":5000,\"topics\":"
                                    "[\"s1a\",\"s1b\"]},{\"id\":\"b\",\"share\":5000,"
                                    "\"topics\":[\"s2\"]}]");
    /* 50 x 1/3 + 50 x 1/3 = 33.333: rounding each section first would give 33.34 */
    score_line thirds[] = {{"s1a", 1, true}, {"s1a", 2, false}, {"s2", 1, true}, {"s2", 2, false}};
    assert_int_equal(exam_raw_score(e, thirds, 4), 3333);
    /* 50 x 1/16 = 3.125 exactly: half-up gives 3.13 */
    score_line sixteenth[] = {{"s1a", 1, true}, {"s1b", 15, false}, {"s2", 7, false}};
    assert_int_equal(exam_raw_score(e, sixteenth, 3), 313);
    /* 50 x 1/32 + 50 x 1/32 = 3.125 exactly, from two fractions */
    score_line halves[] = {{"s1a", 1, true}, {"s1b", 31, false}, {"s2", 1, true}, {"s2", 31, false}};
    assert_int_equal(exam_raw_score(e, halves, 4), 313);
    bank_exam_free(e);
}

static void test_sections_refuse_lines_outside_them(void **state)
{
    (void)state;
    bank_exam *e = exam("academic", SECTIONS_70_30);
    score_line stray[] = {{"s1a", 1, true}, {"s2", 1, true}, {"unknown", 1, true}};
    assert_int_equal(exam_raw_score(e, stray, 3), -1);
    score_line untitled[] = {{"s1a", 1, true}, {"s2", 1, true}, {NULL, 1, true}};
    assert_int_equal(exam_raw_score(e, untitled, 3), -1);
    score_line only_one[] = {{"s1a", 1, true}, {"s1b", 1, true}};  /* substance 2 missing */
    assert_int_equal(exam_raw_score(e, only_one, 2), -1);
    score_line weightless[] = {{"s1a", 1, true}, {"s2", 0, true}};
    assert_int_equal(exam_raw_score(e, weightless, 2), -1);
    assert_int_equal(exam_raw_score(e, NULL, 0), -1);
    bank_exam_free(e);
}

/* Exact reference for small totals: floor((sum share*cw*L/tw + L/2) / L). */
static int reference(const int *share, const int *cw, const int *tw, int n)
{
    long long lcm = 1;
    for (int s = 0; s < n; s++) {
        long long a = lcm, b = tw[s];
        while (b) { long long t = a % b; a = b; b = t; }
        lcm = lcm / a * tw[s];
    }
    long long num = 0;
    for (int s = 0; s < n; s++) num += (long long)share[s] * cw[s] * (lcm / tw[s]);
    return (int)((2 * num + lcm) / (2 * lcm));
}

static void test_sections_match_an_exact_reference_for_small_forms(void **state)
{
    (void)state;
    bank_exam *e = exam("academic", "\"sections\":[{\"id\":\"a\",\"share\":3333,\"topics\":[\"s1a\"]},"
                                    "{\"id\":\"b\",\"share\":3333,\"topics\":[\"s1b\"]},"
                                    "{\"id\":\"c\",\"share\":3334,\"topics\":[\"s2\"]}]");
    static const char *const topics[] = {"s1a", "s1b", "s2"};
    const int share[] = {3333, 3333, 3334};
    int checked = 0;
    for (int t0 = 1; t0 <= 9; t0++)
        for (int t1 = 1; t1 <= 8; t1++)
            for (int t2 = 1; t2 <= 7; t2++)
                for (int c0 = 0; c0 <= t0; c0++)
                    for (int c1 = 0; c1 <= t1; c1 += 2)
                        for (int c2 = 0; c2 <= t2; c2 += 3) {
                            int tw[3] = {t0, t1, t2}, cw[3] = {c0, c1, c2};
                            score_line lines[6];
                            for (int s = 0; s < 3; s++) {
                                lines[2 * s] = (score_line){topics[s], cw[s], true};
                                lines[2 * s + 1] = (score_line){topics[s], tw[s] - cw[s], false};
                            }
                            assert_int_equal(exam_raw_score(e, lines, 6),
                                             reference(share, cw, tw, 3));
                            checked++;
                        }
    assert_true(checked > 10000);
    bank_exam_free(e);
}

static void test_sections_with_1000_items_of_weight_1000_do_not_overflow(void **state)
{
    (void)state;
    /* eight sections whose totals are distinct primes near 125000: their
     * product is about 6e40, beyond 128 bits */
    static const int primes[8] = {124991, 124987, 124981, 124979, 124951, 124919, 124909, 124907};
    char extra[2048] = "\"sections\":[", quotas[512] = "";
    for (int s = 0; s < 8; s++) {
        snprintf(extra + strlen(extra), sizeof extra - strlen(extra),
                 "%s{\"id\":\"s%d\",\"share\":1250,\"topics\":[\"t%d\"]}", s ? "," : "", s, s);
        snprintf(quotas + strlen(quotas), sizeof quotas - strlen(quotas), "%s\"t%d\":125",
                 s ? "," : "", s);
    }
    strcat(extra, "]");
    char json[4096], why[WHY_SIZE];
    bank_err err;
    snprintf(json, sizeof json,
             "{\"id\":\"big\",\"title\":\"T\",\"kind\":\"academic\",\"minutes\":60,%s,"
             "\"quotas\":{%s}}", extra, quotas);
    bank_exam *e = bank_exam_parse(json, strlen(json), &err, why);
    if (!e) fail_msg("%s", why);
    assert_int_equal(bank_exam_form_size(e), 1000);
    static score_line lines[1000];
    static const char *const names[8] = {"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"};
    for (int s = 0; s < 8; s++) {
        int right = (37 * s + 11) % 125;
        for (int i = 0; i < 125; i++)
            lines[s * 125 + i] = (score_line){names[s], i < 124 ? 1000 : primes[s] - 124000,
                                              i < right};
    }
    assert_int_equal(exam_raw_score(e, lines, 1000), 4992);  /* 49.9192... (Python Fraction) */
    for (int i = 0; i < 1000; i++) lines[i].correct = true;
    assert_int_equal(exam_raw_score(e, lines, 1000), 10000);
    for (int i = 0; i < 1000; i++) lines[i].correct = false;
    assert_int_equal(exam_raw_score(e, lines, 1000), 0);
    bank_exam_free(e);
}

static void test_answer_is_correct_only_when_the_sets_are_equal(void **state)
{
    (void)state;
    assert_true(bank_answer_correct("B", "B"));
    assert_true(bank_answer_correct("B", "b"));
    assert_false(bank_answer_correct("B", "C"));
    assert_true(bank_answer_correct("AC", "CA"));
    assert_true(bank_answer_correct("AC", "ca"));
    assert_true(bank_answer_correct("AC", "AAC"));  /* duplicates ignored */
    assert_false(bank_answer_correct("AC", "A"));   /* a subset is wrong */
    assert_false(bank_answer_correct("AC", "ACD")); /* a superset is wrong */
    assert_true(bank_answer_correct("ABCDE", "EDCBA"));
}

static void test_unanswered_and_unkeyed_items_are_never_correct(void **state)
{
    (void)state;
    assert_false(bank_answer_correct("A", ""));
    assert_false(bank_answer_correct("A", NULL));
    assert_false(bank_answer_correct("", ""));
    assert_false(bank_answer_correct("", "A"));
    assert_false(bank_answer_correct(NULL, "A"));
    assert_false(bank_answer_correct("A", "A "));
    assert_false(bank_answer_correct("A", "1"));
    assert_false(bank_answer_correct("A,C", "AC"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_band_boundary_0_is_tidak_memuaskan),
        cmocka_unit_test(test_band_boundary_6000_is_tidak_memuaskan),
        cmocka_unit_test(test_band_boundary_6001_is_kurang_memuaskan),
        cmocka_unit_test(test_band_boundary_7000_is_kurang_memuaskan),
        cmocka_unit_test(test_band_boundary_7001_is_cukup_memuaskan),
        cmocka_unit_test(test_band_boundary_8000_is_cukup_memuaskan),
        cmocka_unit_test(test_band_boundary_8001_is_memuaskan),
        cmocka_unit_test(test_band_boundary_9000_is_memuaskan),
        cmocka_unit_test(test_band_boundary_9001_is_sangat_memuaskan),
        cmocka_unit_test(test_band_boundary_10000_is_sangat_memuaskan),
        cmocka_unit_test(test_band_outside_the_scale_clamps),
        cmocka_unit_test(test_ceiling_attempts_1_to_3_allow_10000),
        cmocka_unit_test(test_ceiling_attempts_4_and_5_cap_at_9001),
        cmocka_unit_test(test_ceiling_attempt_6_caps_at_8000),
        cmocka_unit_test(test_ceiling_attempt_7_caps_at_7001),
        cmocka_unit_test(test_ceiling_attempt_0_is_not_covered),
        cmocka_unit_test(test_attempt_7_raw_9500_is_awarded_exactly_7001_and_passes),
        cmocka_unit_test(test_academic_pass_mark_7001_passes_7000_fails),
        cmocka_unit_test(test_quiz_pass_mark_7000_passes_6999_fails),
        cmocka_unit_test(test_rpl_pass_mark_8500_passes_8499_fails),
        cmocka_unit_test(test_competency_pass_mark_is_set_per_exam),
        cmocka_unit_test(test_quiz_attempt_6_is_beyond_max_attempts),
        cmocka_unit_test(test_rpl_has_exactly_one_attempt),
        cmocka_unit_test(test_competency_attempt_4_is_beyond_max_attempts),
        cmocka_unit_test(test_academic_attempts_are_unlimited_by_default),
        cmocka_unit_test(test_custom_ceiling_table_is_honoured_by_judge),
        cmocka_unit_test(test_judge_refuses_raw_outside_0_to_10000),
        cmocka_unit_test(test_raw_score_rounds_half_up_to_hundredths),
        cmocka_unit_test(test_raw_score_never_overflows_and_refuses_nonsense),
        cmocka_unit_test(test_form_score_without_sections_weights_every_item),
        cmocka_unit_test(test_sections_70_30_all_of_substance_1_right_gives_7000),
        cmocka_unit_test(test_sections_are_summed_exactly_and_rounded_once),
        cmocka_unit_test(test_sections_refuse_lines_outside_them),
        cmocka_unit_test(test_sections_match_an_exact_reference_for_small_forms),
        cmocka_unit_test(test_sections_with_1000_items_of_weight_1000_do_not_overflow),
        cmocka_unit_test(test_answer_is_correct_only_when_the_sets_are_equal),
        cmocka_unit_test(test_unanswered_and_unkeyed_items_are_never_correct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
