/* test_recap.c -- the cohort recap of SPEC sections 3, 5 and 6: trophies, aspects, bands, outcomes, I/O. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "csv.h"
#include "recap.h"
#include "recap_io.h"
#include "why.h"

#define DATA "tests/data/recap/"  /* relative to the repository root */

/* A participant whose every part is `v` (hundredths), present every day. */
static recap_input all(int v)
{
    recap_input in;
    memset(&in, 0, sizeof in);
    snprintf(in.nip, sizeof in.nip, "199503122021031001");
    snprintf(in.name, sizeof in.name, "Andi Pratama");
    in.behaviour_institution = in.behaviour_agency = v;
    in.academic_self_paced = in.academic_distance = v;
    in.actualisation_design = in.actualisation_implementation = in.pktbt = v;
    in.absent_sessions = in.absent_jp = in.absent_days = in.trophies = RECAP_NONE;
    return in;
}

static recap_row run(const recap_input *in)
{
    recap_row r;
    recap_compute(in, &r);
    return r;
}

#define assert_outcome(row, o, text)                 \
    do {                                             \
        assert_int_equal((row).outcome, (o));        \
        assert_string_equal((row).rule, (text));     \
    } while (0)

/* ------------------------------------------------------------------ */
/* Trophies (SPEC 6)                                                   */

static void test_trophies_27_are_not_passed(void **s) { (void)s; assert_int_equal(recap_trophy_score(27), -1); }
static void test_trophies_28_give_7001(void **s) { (void)s; assert_int_equal(recap_trophy_score(28), 7001); }
static void test_trophies_29_give_8000(void **s) { (void)s; assert_int_equal(recap_trophy_score(29), 8000); }
static void test_trophies_30_give_9000(void **s) { (void)s; assert_int_equal(recap_trophy_score(30), 9000); }
static void test_trophies_31_give_9000(void **s) { (void)s; assert_int_equal(recap_trophy_score(31), 9000); }
static void test_trophies_40_give_9500(void **s) { (void)s; assert_int_equal(recap_trophy_score(40), 9500); }
static void test_trophies_41_give_9500(void **s) { (void)s; assert_int_equal(recap_trophy_score(41), 9500); }
static void test_trophies_50_give_10000(void **s) { (void)s; assert_int_equal(recap_trophy_score(50), 10000); }
static void test_trophies_51_are_invalid(void **s) { (void)s; assert_int_equal(recap_trophy_score(51), -1); }

static void test_trophies_0_and_negative_are_not_passed(void **s)
{
    (void)s;
    assert_int_equal(recap_trophy_score(0), -1);
    assert_int_equal(recap_trophy_score(-1), -1);
}

static void test_trophies_step_500_ninths_rounded_half_up_inside_a_range(void **s)
{
    (void)s;
    static const int want41[] = {9500, 9556, 9611, 9667, 9722, 9778, 9833, 9889, 9944, 10000};
    for (int k = 0; k < 10; k++) {
        assert_int_equal(recap_trophy_score(41 + k), want41[k]);
        assert_int_equal(recap_trophy_score(31 + k), want41[k] - 500);
    }
}

static void test_trophies_stand_in_for_missing_behaviour(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.behaviour_institution = RECAP_NONE;
    in.trophies = 45;
    recap_row r = run(&in);
    assert_int_equal(r.behaviour_institution, 9722);
    assert_int_equal(r.attitude, 9148);  /* (10 x 9722 + 5 x 8000) / 15 = 9148.0 */
    assert_int_equal(r.outcome, RECAP_PASSED);
}

static void test_given_behaviour_wins_over_trophies(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.trophies = 50;
    assert_int_equal(run(&in).behaviour_institution, 8000);
}

static void test_trophies_28_with_agency_65_fail_on_attitude(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.behaviour_institution = RECAP_NONE;
    in.trophies = 28;
    in.behaviour_agency = 6500;
    recap_row r = run(&in);
    assert_int_equal(r.attitude, 6834);  /* (70010 + 32500) / 15 = 6834.0 */
    assert_outcome(r, RECAP_FAILED,
                   "failed: attitude 68.34 is kurang memuaskan, behaviour needs at least 70.01");
}

static void test_trophies_27_fail_even_with_a_behaviour_score(void **s)
{
    (void)s;
    recap_input in = all(8500);
    in.trophies = 27;
    assert_outcome(run(&in), RECAP_FAILED, "failed: 27 trophies, fewer than the 28 required");
}

static void test_trophies_27_without_behaviour_score_fail_not_incomplete(void **s)
{
    (void)s;
    recap_input in = all(8500);
    in.behaviour_institution = RECAP_NONE;
    in.trophies = 27;
    recap_row r = run(&in);
    assert_outcome(r, RECAP_FAILED, "failed: 27 trophies, fewer than the 28 required");
    assert_int_equal(r.attitude, RECAP_NONE);
    assert_int_equal(r.final, RECAP_NONE);
}

static void test_trophies_above_50_are_incomplete(void **s)
{
    (void)s;
    recap_input in = all(8500);
    in.behaviour_institution = RECAP_NONE;
    in.trophies = 51;
    assert_outcome(run(&in), RECAP_INCOMPLETE,
                   "incomplete: 51 trophies, more than the 50 that can be earned");
}

/* ------------------------------------------------------------------ */
/* Weights and rounding (SPEC 5)                                       */

static void test_attitude_weighs_institution_10_agency_5(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.behaviour_institution = 8550;
    assert_int_equal(run(&in).attitude, 8367);  /* 125500 / 15 = 8366.67 */
    in.behaviour_institution = 9000, in.behaviour_agency = 6000;
    assert_int_equal(run(&in).attitude, 8000);
}

static void test_academic_weighs_self_paced_and_distance_equally(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.academic_self_paced = 8240, in.academic_distance = 7860;
    assert_int_equal(run(&in).academic, 8050);
}

static void test_actualisation_weighs_design_20_implementation_30(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.actualisation_design = 6600, in.actualisation_implementation = 7000;
    assert_int_equal(run(&in).actualisation, 6840);
    in.actualisation_design = 10000, in.actualisation_implementation = 0;
    assert_int_equal(run(&in).actualisation, 4000);
}

static void test_academic_7000_5_rounds_half_up_to_7001_and_passes(void **s)
{
    (void)s;
    recap_input in = all(7800);
    in.academic_self_paced = 7001, in.academic_distance = 7000;
    recap_row r = run(&in);
    assert_int_equal(r.academic, 7001);
    assert_int_equal(r.outcome, RECAP_PASSED);
    in.academic_self_paced = 7000, in.academic_distance = 6999;
    r = run(&in);
    assert_int_equal(r.academic, 7000);
    assert_outcome(r, RECAP_DEFERRED, "deferred: academic 70.00 is kurang memuaskan");
}

static void test_final_weighs_15_20_50_15(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.behaviour_institution = in.behaviour_agency = 10000;  /* attitude 100 */
    in.pktbt = 7100;
    /* (15 x 10000 + 20 x 8000 + 50 x 8000 + 15 x 7100) / 100 = 8165 */
    assert_int_equal(run(&in).final, 8165);
}

static void test_final_is_computed_from_the_rounded_aspects(void **s)
{
    (void)s;
    recap_input in = all(0);
    in.behaviour_institution = 8163, in.behaviour_agency = 7808;    /* 8044.67 -> 8045 */
    in.academic_self_paced = 8308, in.academic_distance = 8833;     /* 8570.5 -> 8571 */
    in.actualisation_design = 7598, in.actualisation_implementation = 7648;  /* 7628 */
    in.pktbt = 8597;
    recap_row r = run(&in);
    assert_int_equal(r.attitude, 8045);
    assert_int_equal(r.academic, 8571);
    assert_int_equal(r.actualisation, 7628);
    /* 802450 / 100 = 8024.5 -> 8025; the unrounded aspects would give 8024.35 */
    assert_int_equal(r.final, 8025);
}

/* ------------------------------------------------------------------ */
/* Bands and outcomes at every boundary (SPEC 3, 5)                    */

/* Every part `v`: every aspect and the final score are exactly v. */
#define BOUNDARY_TEST(v, band, outcome, rule)                                          \
    static void test_all_scores_##v##_are_##band(void **s)                             \
    {                                                                                  \
        (void)s;                                                                       \
        recap_input in = all(v);                                                       \
        recap_row r = run(&in);                                                        \
        assert_int_equal(r.attitude, v);                                               \
        assert_int_equal(r.academic, v);                                               \
        assert_int_equal(r.actualisation, v);                                          \
        assert_int_equal(r.final, v);                                                  \
        char *j = recap_json("c", 1, &in, &r, 1);                                      \
        assert_non_null(j);                                                            \
        json_t *o = json_loads(j, 0, NULL);                                            \
        json_t *b = json_object_get(json_array_get(json_object_get(o, "participants"), 0), \
                                    "bands");                                          \
        const char *keys[] = {"attitude", "academic", "actualisation", "pktbt", "final"}; \
        for (int k = 0; k < 5; k++)                                                    \
            assert_string_equal(json_string_value(json_object_get(b, keys[k])),        \
                                BAND_##band);                                          \
        json_decref(o);                                                                \
        free(j);                                                                       \
        assert_outcome(r, outcome, rule);                                              \
    }
#define BAND_tidak_memuaskan "Tidak memuaskan"
#define BAND_kurang_memuaskan "Kurang memuaskan"
#define BAND_cukup_memuaskan "Cukup memuaskan"
#define BAND_memuaskan "Memuaskan"
#define BAND_sangat_memuaskan "Sangat memuaskan"

BOUNDARY_TEST(6000, tidak_memuaskan, RECAP_FAILED, "failed: attitude 60.00 is tidak memuaskan")
BOUNDARY_TEST(6001, kurang_memuaskan, RECAP_FAILED,
              "failed: attitude 60.01 is kurang memuaskan, behaviour needs at least 70.01")
BOUNDARY_TEST(7000, kurang_memuaskan, RECAP_FAILED,
              "failed: attitude 70.00 is kurang memuaskan, behaviour needs at least 70.01")
BOUNDARY_TEST(7001, cukup_memuaskan, RECAP_PASSED, "passed: every aspect at least 70.01, final 70.01")
BOUNDARY_TEST(8000, cukup_memuaskan, RECAP_PASSED, "passed: every aspect at least 70.01, final 80.00")
BOUNDARY_TEST(8001, memuaskan, RECAP_PASSED, "passed: every aspect at least 70.01, final 80.01")
BOUNDARY_TEST(9000, memuaskan, RECAP_PASSED, "passed: every aspect at least 70.01, final 90.00")
BOUNDARY_TEST(9001, sangat_memuaskan, RECAP_PASSED, "passed: every aspect at least 70.01, final 90.01")
BOUNDARY_TEST(10000, sangat_memuaskan, RECAP_PASSED,
              "passed: every aspect at least 70.01, final 100.00")

static void test_behaviour_kurang_memuaskan_fails_not_defers(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.behaviour_institution = 7000, in.behaviour_agency = 7000;
    assert_outcome(run(&in), RECAP_FAILED,
                   "failed: attitude 70.00 is kurang memuaskan, behaviour needs at least 70.01");
}

static void test_attitude_tidak_memuaskan_fails(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.behaviour_institution = 5800;
    in.behaviour_agency = 6000;
    assert_outcome(run(&in), RECAP_FAILED, "failed: attitude 58.67 is tidak memuaskan");
}

static void test_academic_tidak_memuaskan_fails(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.academic_self_paced = 5500, in.academic_distance = 6200;
    assert_outcome(run(&in), RECAP_FAILED, "failed: academic 58.50 is tidak memuaskan");
}

static void test_actualisation_tidak_memuaskan_fails(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.actualisation_design = 6000, in.actualisation_implementation = 6000;
    assert_outcome(run(&in), RECAP_FAILED, "failed: actualisation 60.00 is tidak memuaskan");
}

static void test_pktbt_6000_tidak_memuaskan_fails_6001_defers(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.pktbt = 6000;
    assert_outcome(run(&in), RECAP_FAILED, "failed: pktbt 60.00 is tidak memuaskan");
    in.pktbt = 6001;
    assert_outcome(run(&in), RECAP_DEFERRED, "deferred: pktbt 60.01 is kurang memuaskan");
}

static void test_academic_kurang_memuaskan_defers(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.academic_self_paced = in.academic_distance = 7000;
    assert_outcome(run(&in), RECAP_DEFERRED, "deferred: academic 70.00 is kurang memuaskan");
}

static void test_actualisation_kurang_memuaskan_defers(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.actualisation_design = 6600, in.actualisation_implementation = 7000;
    assert_outcome(run(&in), RECAP_DEFERRED, "deferred: actualisation 68.40 is kurang memuaskan");
}

static void test_pktbt_kurang_memuaskan_defers_7001_passes(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.pktbt = 7000;
    assert_outcome(run(&in), RECAP_DEFERRED, "deferred: pktbt 70.00 is kurang memuaskan");
    in.pktbt = 7001;
    assert_int_equal(run(&in).outcome, RECAP_PASSED);
}

static void test_tidak_memuaskan_outranks_kurang_memuaskan(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.academic_self_paced = in.academic_distance = 6500;
    in.pktbt = 5500;
    assert_outcome(run(&in), RECAP_FAILED, "failed: pktbt 55.00 is tidak memuaskan");
}

static void test_absent_seven_sessions_fails_six_passes(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.absent_sessions = 7;
    assert_outcome(run(&in), RECAP_FAILED, "failed: absent 7 sessions, more than 6");
    in.absent_sessions = 6;
    assert_int_equal(run(&in).outcome, RECAP_PASSED);
}

static void test_absent_19_jp_fails_18_passes(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.absent_jp = 19;
    assert_outcome(run(&in), RECAP_FAILED, "failed: absent 19 JP, more than 18");
    in.absent_jp = 18;
    assert_int_equal(run(&in).outcome, RECAP_PASSED);
}

static void test_absent_three_days_fails(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.absent_days = 3;
    assert_outcome(run(&in), RECAP_FAILED, "failed: absent 3 days, more than 2");
    in.absent_days = 2;
    assert_int_equal(run(&in).outcome, RECAP_PASSED);
}

static void test_absences_fail_even_when_an_aspect_would_defer(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.pktbt = 6500;
    in.absent_days = 3;
    assert_outcome(run(&in), RECAP_FAILED, "failed: absent 3 days, more than 2");
}

static void test_rpl_exempt_gives_certificate_without_training(void **s)
{
    (void)s;
    recap_input in = all(RECAP_NONE);
    in.rpl_exempt = true;
    recap_row r = run(&in);
    assert_outcome(r, RECAP_EXEMPT,
                   "exempt: passed the RPL pre-test: certificate without training");
    assert_int_equal(r.final, RECAP_NONE);
}

static void test_missing_pktbt_is_incomplete_naming_it(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.pktbt = RECAP_NONE;
    in.absent_days = 5;  /* a missing score is reported first */
    recap_row r = run(&in);
    assert_outcome(r, RECAP_INCOMPLETE, "incomplete: missing pktbt");
    assert_int_equal(r.pktbt, RECAP_NONE);
    assert_int_equal(r.final, RECAP_NONE);
    assert_int_equal(r.attitude, 8000);
}

static void test_missing_behaviour_without_trophies_is_incomplete(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.behaviour_institution = RECAP_NONE;
    assert_outcome(run(&in), RECAP_INCOMPLETE,
                   "incomplete: missing behaviour_institution or trophies");
}

static void test_every_score_missing_is_named_within_the_rule(void **s)
{
    (void)s;
    recap_input in = all(RECAP_NONE);
    recap_row r = run(&in);
    assert_outcome(r, RECAP_INCOMPLETE,
                   "incomplete: missing behaviour_institution or trophies, behaviour_agency, "
                   "academic_self_paced, academic_distance, actualisation_design and 2 more");
    in.behaviour_institution = 8000;  /* six missing: all are named */
    assert_outcome(run(&in), RECAP_INCOMPLETE,
                   "incomplete: missing behaviour_agency, academic_self_paced, academic_distance, "
                   "actualisation_design, actualisation_implementation, pktbt");
}

static void test_score_outside_0_to_100_is_incomplete(void **s)
{
    (void)s;
    recap_input in = all(8000);
    in.pktbt = 10001;
    assert_outcome(run(&in), RECAP_INCOMPLETE, "incomplete: pktbt 100.01 is outside 0.00-100.00");
    in.pktbt = -250;
    assert_outcome(run(&in), RECAP_INCOMPLETE, "incomplete: pktbt -2.50 is outside 0.00-100.00");
    in.pktbt = 8000;
    in.absent_jp = -3;
    assert_outcome(run(&in), RECAP_INCOMPLETE, "incomplete: absent_jp -3 is negative");
}

static void test_outcome_names_are_indonesian(void **s)
{
    (void)s;
    assert_string_equal(recap_outcome_name(RECAP_PASSED), "lulus");
    assert_string_equal(recap_outcome_name(RECAP_DEFERRED), "ditunda");
    assert_string_equal(recap_outcome_name(RECAP_FAILED), "tidak lulus");
    assert_string_equal(recap_outcome_name(RECAP_EXEMPT), "dibebaskan (RPL)");
    assert_string_equal(recap_outcome_name(RECAP_INCOMPLETE), "belum lengkap");
}

/* ------------------------------------------------------------------ */
/* The aspects CSV                                                     */

#define HEAD "nip,behaviour_institution,behaviour_agency,actualisation_design," \
             "actualisation_implementation,pktbt,absent_sessions,absent_jp,absent_days,trophies\n"
#define NIP1 "199503122021031001"
#define NIP2 "199807242021032002"

/* Parses `csv`; the test fails unless it is accepted. Caller frees. */
static recap_input *parse_ok(const char *csv, size_t *n)
{
    recap_input *rows = NULL;
    char why[WHY_SIZE] = "";
    if (recap_parse_aspects_csv(csv, strlen(csv), &rows, n, why) != 0)
        fail_msg("refused: %s", why);
    return rows;
}

/* Parses `csv`, expects a refusal whose reason is `want`. */
static void parse_refused(const char *csv, const char *want)
{
    recap_input *rows = (recap_input *)1;
    size_t n = 99;
    char why[WHY_SIZE] = "";
    assert_int_equal(recap_parse_aspects_csv(csv, strlen(csv), &rows, &n, why), -1);
    assert_null(rows);
    assert_int_equal(n, 0);
    assert_string_equal(why, want);
}

static void test_csv_scores_with_dot_comma_or_whole_become_hundredths(void **s)
{
    (void)s;
    size_t n;
    recap_input *r = parse_ok(HEAD NIP1 ",85.5,\"85,50\",85,100,0.5,1,3,0,44\n", &n);
    assert_int_equal(n, 1);
    assert_string_equal(r[0].nip, NIP1);
    assert_int_equal(r[0].behaviour_institution, 8550);
    assert_int_equal(r[0].behaviour_agency, 8550);
    assert_int_equal(r[0].actualisation_design, 8500);
    assert_int_equal(r[0].actualisation_implementation, 10000);
    assert_int_equal(r[0].pktbt, 50);
    assert_int_equal(r[0].absent_sessions, 1);
    assert_int_equal(r[0].absent_jp, 3);
    assert_int_equal(r[0].absent_days, 0);
    assert_int_equal(r[0].trophies, 44);
    assert_int_equal(r[0].academic_self_paced, RECAP_NONE);
    assert_string_equal(r[0].name, "");
    assert_false(r[0].rpl_exempt);
    free(r);
}

static void test_csv_columns_in_any_order_and_case_all_but_nip_optional(void **s)
{
    (void)s;
    size_t n;
    recap_input *r = parse_ok("PKTBT, Trophies ,NIP\r\n80,30," NIP1 "\r\n,," NIP2 "\r\n", &n);
    assert_int_equal(n, 2);
    assert_int_equal(r[0].pktbt, 8000);
    assert_int_equal(r[0].trophies, 30);
    assert_int_equal(r[0].behaviour_institution, RECAP_NONE);
    assert_int_equal(r[1].pktbt, RECAP_NONE);
    assert_int_equal(r[1].trophies, RECAP_NONE);
    assert_string_equal(r[1].nip, NIP2);
    free(r);
}

static void test_csv_empty_cell_is_not_given(void **s)
{
    (void)s;
    size_t n;
    recap_input *r = parse_ok(HEAD NIP1 ",,80,,,,,,,\n", &n);
    assert_int_equal(r[0].behaviour_institution, RECAP_NONE);
    assert_int_equal(r[0].behaviour_agency, 8000);
    assert_int_equal(r[0].absent_days, RECAP_NONE);
    free(r);
}

static void test_csv_refuses_scores_outside_0_to_100_or_with_three_decimals(void **s)
{
    (void)s;
    parse_refused("nip,pktbt\n" NIP1 ",100.01\n",
                  "line 2: pktbt '100.01' is not a score from 0 to 100 with at most two decimals");
    parse_refused("nip,pktbt\n" NIP1 ",-1\n",
                  "line 2: pktbt '-1' is not a score from 0 to 100 with at most two decimals");
    parse_refused("nip,pktbt\n" NIP1 ",85.555\n",
                  "line 2: pktbt '85.555' is not a score from 0 to 100 with at most two decimals");
    parse_refused("nip,pktbt\n" NIP1 ",8O\n",
                  "line 2: pktbt '8O' is not a score from 0 to 100 with at most two decimals");
    parse_refused("nip,pktbt\n" NIP1 ",85.\n",
                  "line 2: pktbt '85.' is not a score from 0 to 100 with at most two decimals");
}

static void test_csv_refuses_counts_that_are_not_whole_numbers(void **s)
{
    (void)s;
    parse_refused("nip,absent_days\n" NIP1 ",1.5\n",
                  "line 2: absent_days '1.5' is not a whole number of at least 0");
    parse_refused("nip,absent_jp\n" NIP1 ",-2\n",
                  "line 2: absent_jp '-2' is not a whole number of at least 0");
    parse_refused("nip,trophies\n" NIP1 ",51\n",
                  "line 2: 51 trophies, more than the 50 that can be earned");
}

static void test_csv_refuses_bad_and_duplicate_nips(void **s)
{
    (void)s;
    parse_refused("nip,pktbt\n12345,80\n", "line 2: '12345' is not a valid 18-digit NIP");
    parse_refused("nip,pktbt\n" NIP1 ",80\n" NIP2 ",80\n" NIP1 ",70\n",
                  "line 4: NIP " NIP1 " appears twice (also on line 2)");
}

static void test_csv_refuses_unknown_repeated_or_missing_columns(void **s)
{
    (void)s;
    parse_refused("nip,pktb\n" NIP1 ",80\n", "line 1: unknown column 'pktb'");
    parse_refused("nip,pktbt,PKTBT\n" NIP1 ",80,80\n", "line 1: column 'pktbt' appears twice");
    parse_refused("pktbt\n80\n", "line 1: the header has no nip column");
    parse_refused("nip,pktbt\n" NIP1 ",80,1\n", "line 2: 3 fields, but the header has 2");
}

static void test_csv_refuses_empty_input_and_header_only(void **s)
{
    (void)s;
    parse_refused("", "line 1: empty file: expected a header row naming nip and the scores");
    parse_refused("nip,pktbt\n", "line 2: no participant rows after the header");
    parse_refused("nip,pktbt\n\"" NIP1 ",80\n", "line 2: quoted field is never closed");
}

/* ------------------------------------------------------------------ */
/* The recap as JSON and CSV                                           */

static void test_json_has_hundredths_bands_outcome_rule_and_summary(void **s)
{
    (void)s;
    recap_input in[3] = {all(8000), all(8000), all(8000)};
    snprintf(in[1].nip, sizeof in[1].nip, NIP2);
    in[1].pktbt = RECAP_NONE;
    in[2].rpl_exempt = true;
    recap_row rows[3];
    for (int i = 0; i < 3; i++) recap_compute(&in[i], &rows[i]);
    char *j = recap_json("latsar-2024-01", 2, in, rows, 3);
    assert_non_null(j);
    json_error_t err;
    json_t *o = json_loads(j, 0, &err);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "cohort")), "latsar-2024-01");
    assert_int_equal(json_integer_value(json_object_get(o, "run")), 2);
    json_t *p = json_array_get(json_object_get(o, "participants"), 0);
    assert_string_equal(json_string_value(json_object_get(p, "nip")), NIP1);
    assert_string_equal(json_string_value(json_object_get(p, "name")), "Andi Pratama");
    assert_int_equal(json_integer_value(json_object_get(p, "final")), 8000);
    assert_int_equal(json_integer_value(json_object_get(p, "behaviour_institution")), 8000);
    assert_string_equal(json_string_value(json_object_get(json_object_get(p, "bands"), "final")),
                        "Cukup memuaskan");
    assert_string_equal(json_string_value(json_object_get(p, "outcome")), "lulus");
    assert_string_equal(json_string_value(json_object_get(p, "rule")),
                        "passed: every aspect at least 70.01, final 80.00");
    json_t *q = json_array_get(json_object_get(o, "participants"), 1);
    assert_true(json_is_null(json_object_get(q, "pktbt")));
    assert_true(json_is_null(json_object_get(q, "final")));
    assert_true(json_is_null(json_object_get(json_object_get(q, "bands"), "final")));
    assert_string_equal(json_string_value(json_object_get(q, "outcome")), "belum lengkap");
    json_t *sum = json_object_get(o, "summary");
    assert_int_equal(json_integer_value(json_object_get(sum, "lulus")), 1);
    assert_int_equal(json_integer_value(json_object_get(sum, "ditunda")), 0);
    assert_int_equal(json_integer_value(json_object_get(sum, "tidak lulus")), 0);
    assert_int_equal(json_integer_value(json_object_get(sum, "dibebaskan (RPL)")), 1);
    assert_int_equal(json_integer_value(json_object_get(sum, "belum lengkap")), 1);
    json_decref(o);
    free(j);
}

static void test_disputed_exam_leaves_the_outcome_incomplete_and_says_why(void **s)
{
    (void)s;
    recap_input in = all(8000);
    recap_row row;
    recap_compute(&in, &row);
    assert_int_equal(row.outcome, RECAP_PASSED);
    /* the same scores, an attempt of the distance exam disputed: no outcome yet */
    in.disputed = RECAP_DISPUTED_DISTANCE;
    recap_compute(&in, &row);
    assert_int_equal(row.outcome, RECAP_INCOMPLETE);
    assert_non_null(strstr(row.rule, "disputed distance"));
    assert_non_null(strstr(row.rule, "core dispute resolve"));
    /* an RPL pass disputed exempts nobody */
    in = all(8000);
    in.rpl_exempt = true;
    in.disputed = RECAP_DISPUTED_RPL;
    recap_compute(&in, &row);
    assert_int_equal(row.outcome, RECAP_INCOMPLETE);
}

static void test_csv_prints_decimals_quotes_rules_and_defuses_formulas(void **s)
{
    (void)s;
    recap_input in[2] = {all(8000), all(8000)};
    in[0].actualisation_design = 6600, in[0].actualisation_implementation = 7000;
    in[0].absent_days = 3;
    snprintf(in[1].nip, sizeof in[1].nip, NIP2);
    snprintf(in[1].name, sizeof in[1].name, "=1+1, \"x\"");
    in[1].pktbt = RECAP_NONE;
    in[1].academic_distance = 7525;
    in[1].disputed = RECAP_DISPUTED_SELF_PACED | RECAP_DISPUTED_RPL;
    in[1].read_aloud = true;
    in[1].extra_minutes = 15;
    recap_row rows[2];
    for (int i = 0; i < 2; i++) recap_compute(&in[i], &rows[i]);
    char *c = recap_csv("c1", 1, in, rows, 2);
    assert_non_null(c);
    assert_string_equal(
        c,
        "cohort,run,nip,name,behaviour_institution,attitude,academic,actualisation,pktbt,final,"
        "attitude_band,academic_band,actualisation_band,pktbt_band,final_band,outcome,rule,"
        "academic_self_paced,academic_distance,disputed,read_aloud,extra_minutes\n"
        "c1,1," NIP1 ",Andi Pratama,80.00,80.00,80.00,68.40,80.00,74.20,Cukup memuaskan,"
        "Cukup memuaskan,Kurang memuaskan,Cukup memuaskan,Cukup memuaskan,tidak lulus,"
        "\"failed: absent 3 days, more than 2\",80.00,80.00,,,\n"
        "c1,1," NIP2 ",\"'=1+1, \"\"x\"\"\",80.00,80.00,77.63,80.00,,,Cukup memuaskan,"
        "Cukup memuaskan,Cukup memuaskan,,,belum lengkap,\"incomplete: disputed self_paced, rpl "
        "(two different results of one attempt): left out until core dispute resolve keeps "
        "one\",80.00,75.25,self_paced rpl,yes,15\n");
    free(c);
}

static void test_preview_has_no_run_and_the_csv_of_its_json_is_its_csv(void **s)
{
    (void)s;
    recap_input in[2] = {all(8000), all(7000)};
    snprintf(in[1].nip, sizeof in[1].nip, NIP2);
    in[1].academic_self_paced = RECAP_NONE;
    in[1].disputed = RECAP_DISPUTED_DISTANCE;
    in[1].read_aloud = true;
    in[1].extra_minutes = 20;
    recap_row rows[2];
    for (int i = 0; i < 2; i++) recap_compute(&in[i], &rows[i]);
    char *j = recap_json("c1", 0, in, rows, 2), why[WHY_SIZE] = "";
    assert_non_null(j);
    json_t *o = json_loads(j, 0, NULL);
    assert_true(json_is_null(json_object_get(o, "run")));
    assert_true(json_is_true(json_object_get(o, "preview")));
    json_t *q = json_array_get(json_object_get(o, "participants"), 1);
    assert_true(json_is_null(json_object_get(q, "academic_self_paced")));
    assert_int_equal(json_integer_value(json_object_get(q, "academic_distance")), 7000);
    assert_string_equal(json_string_value(json_array_get(json_object_get(q, "disputed"), 0)),
                        "distance");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "summary"), "disputed")),
                     1);
    json_t *acc = json_object_get(q, "accommodations");
    assert_true(json_is_true(json_object_get(acc, "read_aloud")));
    assert_int_equal(json_integer_value(json_object_get(acc, "extra_minutes")), 20);
    acc = json_object_get(json_array_get(json_object_get(o, "participants"), 0), "accommodations");
    assert_true(json_is_false(json_object_get(acc, "read_aloud")));
    assert_int_equal(json_integer_value(json_object_get(acc, "extra_minutes")), 0);
    json_decref(o);
    char *direct = recap_csv("c1", 0, in, rows, 2), *via = recap_csv_of_json(j, why);
    assert_non_null(via);
    assert_string_equal(via, direct);
    assert_non_null(strstr(direct, "\nc1,preview," NIP1 ","));
    assert_null(recap_csv_of_json("{\"participants\":3}", why));
    assert_non_null(strstr(why, "cannot be read"));
    free(direct);
    free(via);
    free(j);
}

static void test_aspect_row_keeps_the_given_numbers_by_column_name(void **s)
{
    (void)s;
    recap_input in, back;
    recap_input_init(&in, NIP1, "Andi");
    in.pktbt = 8550, in.trophies = 42, in.absent_days = 0;
    char *row = recap_aspects_json(&in);
    assert_non_null(row);
    assert_string_equal(row, "{\"absent_days\":0,\"pktbt\":8550,\"trophies\":42}");
    recap_input_init(&back, NIP1, "Andi");
    assert_int_equal(recap_aspects_from_json(&back, row, NULL), 0);
    assert_memory_equal(&back, &in, sizeof in);
    free(row);
}

/* ------------------------------------------------------------------ */
/* The hand-worked 40-participant cohort                               */

/* Reads a whole file; caller frees. Fails the test when it cannot. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* "83.67" -> 8367, "" -> RECAP_NONE (the fixture's own reading, not the product's). */
static int fixture_score(const char *s)
{
    int whole, frac;
    if (!*s) return RECAP_NONE;
    if (sscanf(s, "%d.%2d", &whole, &frac) != 2 || strlen(strchr(s, '.')) != 3)
        fail_msg("bad score '%s' in the expected file", s);
    return whole * 100 + frac;
}

static recap_input *cohort40(size_t *n)
{
    size_t len;
    char *csv = slurp(DATA "cohort40-aspects.csv", &len);
    recap_input *rows = NULL;
    char why[WHY_SIZE] = "";
    if (recap_parse_aspects_csv(csv, len, &rows, n, why) != 0) fail_msg("refused: %s", why);
    free(csv);
    assert_int_equal(*n, 40);
    return rows;
}

static void test_cohort40_matches_the_hand_worked_expected_file(void **s)
{
    (void)s;
    size_t n, len, nf;
    recap_input *in = cohort40(&n);
    char *text = slurp(DATA "cohort40-expected.csv", &len);
    csv_reader rd;
    csv_init(&rd, text, len);
    char **f, why[WHY_SIZE] = "";
    assert_int_equal(csv_next(&rd, &f, &nf, why), 1);  /* header */
    assert_int_equal(nf, 10);
    size_t i = 0;
    int counts[5] = {0};
    while (csv_next(&rd, &f, &nf, why) == 1) {
        assert_true(i < n);
        assert_int_equal(nf, 10);
        recap_row r = run(&in[i]);
        const char *who = in[i].name;
        assert_string_equal(in[i].nip, f[0]);
        if (r.behaviour_institution != fixture_score(f[1])) fail_msg("%s: behaviour", who);
        if (r.attitude != fixture_score(f[2])) fail_msg("%s: attitude %d, want %s", who, r.attitude, f[2]);
        if (r.academic != fixture_score(f[3])) fail_msg("%s: academic %d, want %s", who, r.academic, f[3]);
        if (r.actualisation != fixture_score(f[4]))
            fail_msg("%s: actualisation %d, want %s", who, r.actualisation, f[4]);
        if (r.pktbt != fixture_score(f[5])) fail_msg("%s: pktbt %d, want %s", who, r.pktbt, f[5]);
        if (r.final != fixture_score(f[6])) fail_msg("%s: final %d, want %s", who, r.final, f[6]);
        assert_string_equal(r.final == RECAP_NONE ? "" : bank_band(r.final), f[7]);
        assert_string_equal(recap_outcome_name(r.outcome), f[8]);
        assert_string_equal(r.rule, f[9]);
        counts[r.outcome]++;
        i++;
    }
    assert_int_equal(i, 40);
    assert_int_equal(counts[RECAP_PASSED], 18);
    assert_int_equal(counts[RECAP_DEFERRED], 6);
    assert_int_equal(counts[RECAP_FAILED], 13);
    assert_int_equal(counts[RECAP_INCOMPLETE], 3);
    csv_free(&rd);
    free(text);
    free(in);
}

static void test_cohort40_rpl_exempt_participant_is_dibebaskan(void **s)
{
    (void)s;
    size_t n;
    recap_input *in = cohort40(&n);
    in[0].rpl_exempt = true;  /* the core knows it from the RPL pre-test */
    recap_row rows[40];
    for (size_t i = 0; i < n; i++) recap_compute(&in[i], &rows[i]);
    assert_outcome(rows[0], RECAP_EXEMPT,
                   "exempt: passed the RPL pre-test: certificate without training");
    char *j = recap_json("latsar-2024-angkatan-1", 1, in, rows, n);
    assert_non_null(j);
    json_t *o = json_loads(j, 0, NULL);
    json_t *sum = json_object_get(o, "summary");
    assert_int_equal(json_integer_value(json_object_get(sum, "lulus")), 17);
    assert_int_equal(json_integer_value(json_object_get(sum, "ditunda")), 6);
    assert_int_equal(json_integer_value(json_object_get(sum, "tidak lulus")), 13);
    assert_int_equal(json_integer_value(json_object_get(sum, "dibebaskan (RPL)")), 1);
    assert_int_equal(json_integer_value(json_object_get(sum, "belum lengkap")), 3);
    assert_int_equal(json_array_size(json_object_get(o, "participants")), 40);
    json_decref(o);
    free(j);
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trophies_27_are_not_passed),
        cmocka_unit_test(test_trophies_28_give_7001),
        cmocka_unit_test(test_trophies_29_give_8000),
        cmocka_unit_test(test_trophies_30_give_9000),
        cmocka_unit_test(test_trophies_31_give_9000),
        cmocka_unit_test(test_trophies_40_give_9500),
        cmocka_unit_test(test_trophies_41_give_9500),
        cmocka_unit_test(test_trophies_50_give_10000),
        cmocka_unit_test(test_trophies_51_are_invalid),
        cmocka_unit_test(test_trophies_0_and_negative_are_not_passed),
        cmocka_unit_test(test_trophies_step_500_ninths_rounded_half_up_inside_a_range),
        cmocka_unit_test(test_trophies_stand_in_for_missing_behaviour),
        cmocka_unit_test(test_given_behaviour_wins_over_trophies),
        cmocka_unit_test(test_trophies_28_with_agency_65_fail_on_attitude),
        cmocka_unit_test(test_trophies_27_fail_even_with_a_behaviour_score),
        cmocka_unit_test(test_trophies_27_without_behaviour_score_fail_not_incomplete),
        cmocka_unit_test(test_trophies_above_50_are_incomplete),
        cmocka_unit_test(test_attitude_weighs_institution_10_agency_5),
        cmocka_unit_test(test_academic_weighs_self_paced_and_distance_equally),
        cmocka_unit_test(test_actualisation_weighs_design_20_implementation_30),
        cmocka_unit_test(test_academic_7000_5_rounds_half_up_to_7001_and_passes),
        cmocka_unit_test(test_final_weighs_15_20_50_15),
        cmocka_unit_test(test_final_is_computed_from_the_rounded_aspects),
        cmocka_unit_test(test_all_scores_6000_are_tidak_memuaskan),
        cmocka_unit_test(test_all_scores_6001_are_kurang_memuaskan),
        cmocka_unit_test(test_all_scores_7000_are_kurang_memuaskan),
        cmocka_unit_test(test_all_scores_7001_are_cukup_memuaskan),
        cmocka_unit_test(test_all_scores_8000_are_cukup_memuaskan),
        cmocka_unit_test(test_all_scores_8001_are_memuaskan),
        cmocka_unit_test(test_all_scores_9000_are_memuaskan),
        cmocka_unit_test(test_all_scores_9001_are_sangat_memuaskan),
        cmocka_unit_test(test_all_scores_10000_are_sangat_memuaskan),
        cmocka_unit_test(test_behaviour_kurang_memuaskan_fails_not_defers),
        cmocka_unit_test(test_attitude_tidak_memuaskan_fails),
        cmocka_unit_test(test_academic_tidak_memuaskan_fails),
        cmocka_unit_test(test_actualisation_tidak_memuaskan_fails),
        cmocka_unit_test(test_pktbt_6000_tidak_memuaskan_fails_6001_defers),
        cmocka_unit_test(test_academic_kurang_memuaskan_defers),
        cmocka_unit_test(test_actualisation_kurang_memuaskan_defers),
        cmocka_unit_test(test_pktbt_kurang_memuaskan_defers_7001_passes),
        cmocka_unit_test(test_tidak_memuaskan_outranks_kurang_memuaskan),
        cmocka_unit_test(test_absent_seven_sessions_fails_six_passes),
        cmocka_unit_test(test_absent_19_jp_fails_18_passes),
        cmocka_unit_test(test_absent_three_days_fails),
        cmocka_unit_test(test_absences_fail_even_when_an_aspect_would_defer),
        cmocka_unit_test(test_rpl_exempt_gives_certificate_without_training),
        cmocka_unit_test(test_missing_pktbt_is_incomplete_naming_it),
        cmocka_unit_test(test_missing_behaviour_without_trophies_is_incomplete),
        cmocka_unit_test(test_every_score_missing_is_named_within_the_rule),
        cmocka_unit_test(test_score_outside_0_to_100_is_incomplete),
        cmocka_unit_test(test_outcome_names_are_indonesian),
        cmocka_unit_test(test_csv_scores_with_dot_comma_or_whole_become_hundredths),
        cmocka_unit_test(test_csv_columns_in_any_order_and_case_all_but_nip_optional),
        cmocka_unit_test(test_csv_empty_cell_is_not_given),
        cmocka_unit_test(test_csv_refuses_scores_outside_0_to_100_or_with_three_decimals),
        cmocka_unit_test(test_csv_refuses_counts_that_are_not_whole_numbers),
        cmocka_unit_test(test_csv_refuses_bad_and_duplicate_nips),
        cmocka_unit_test(test_csv_refuses_unknown_repeated_or_missing_columns),
        cmocka_unit_test(test_csv_refuses_empty_input_and_header_only),
        cmocka_unit_test(test_preview_has_no_run_and_the_csv_of_its_json_is_its_csv),
        cmocka_unit_test(test_aspect_row_keeps_the_given_numbers_by_column_name),
        cmocka_unit_test(test_json_has_hundredths_bands_outcome_rule_and_summary),
        cmocka_unit_test(test_disputed_exam_leaves_the_outcome_incomplete_and_says_why),
        cmocka_unit_test(test_csv_prints_decimals_quotes_rules_and_defuses_formulas),
        cmocka_unit_test(test_cohort40_matches_the_hand_worked_expected_file),
        cmocka_unit_test(test_cohort40_rpl_exempt_participant_is_dibebaskan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
