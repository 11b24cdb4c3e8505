/* test_itemstat.c -- item analysis: which attempt counts, multiple response, few data, no division by zero, KR-20, export. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itemstat.h"
#include "why.h"

/* Adds attempt `att` of `who` answering items X, Y, Z (single, key A, 4
 * options) with the letters of `v` ('-' unanswered). */
static void add3(itemstat *s, const char *who, int att, const char *v)
{
    char why[WHY_SIZE] = "";
    char c[3][2] = {{v[0], 0}, {v[1], 0}, {v[2], 0}};
    itemstat_resp r[3] = {
        {"X", "single", "A", 4, c[0][0] == '-' ? "" : c[0]},
        {"Y", "single", "A", 4, c[1][0] == '-' ? "" : c[1]},
        {"Z", "single", "A", 4, c[2][0] == '-' ? "" : c[2]},
    };
    assert_int_equal(itemstat_add(s, who, att, r, 3, why), 0);
}

/* The name of participant k ("p07"), valid until the next call. */
static const char *who(int k)
{
    static char name[8];
    snprintf(name, sizeof name, "p%02d", k);
    return name;
}

static const itemstat_item *item(const itemstat *s, const char *id)
{
    for (size_t i = 0; i < itemstat_nitems(s); i++)
        if (strcmp(itemstat_item_at(s, i)->id, id) == 0) return itemstat_item_at(s, i);
    fail_msg("no item %s", id);
    return NULL;
}

/* 4 people: right on 3, 2, 1, 0 of X, Y, Z: p = .75 .5 .25, sum pq = .625,
 * totals 3 2 1 0 (variance 1.25): KR-20 = 3/2 x (1 - .625/1.25) = 0.75. */
static itemstat *ladder(void)
{
    itemstat *s = itemstat_new("ujian");
    assert_non_null(s);
    add3(s, "p1", 1, "AAA");
    add3(s, "p2", 1, "AAB");
    add3(s, "p3", 1, "ABB");
    add3(s, "p4", 1, "BBB");
    assert_int_equal(itemstat_compute(s, NULL), 0);
    return s;
}

static void test_kr20_of_a_hand_worked_ladder_is_0_75(void **state)
{
    (void)state;
    itemstat *s = ladder();
    assert_int_equal(itemstat_participants(s), 4);
    assert_true(fabs(itemstat_kr20(s) - 0.75) < 1e-12);
    assert_true(fabs(item(s, "X")->p - 0.75) < 1e-12);
    assert_true(fabs(item(s, "Z")->p - 0.25) < 1e-12);
    /* 4 responses: few data, and no other flag */
    assert_int_equal(item(s, "Y")->flags, ITEMSTAT_FEW_DATA);
    itemstat_free(s);
}

static void test_only_the_first_attempt_counts_exposure_counts_all(void **state)
{
    (void)state;
    itemstat *s = itemstat_new("ujian");
    for (int k = 0; k < 10; k++) {
        add3(s, who(k), k < 5 ? 2 : 1, "BBB"); /* p00..p04: their second attempt, added first */
        if (k < 5) add3(s, who(k), 1, "AAA");
    }
    add3(s, "p00", 3, "BBB");
    assert_int_equal(itemstat_compute(s, NULL), 0);
    assert_int_equal(itemstat_participants(s), 10);
    const itemstat_item *x = item(s, "X");
    assert_int_equal(x->n, 10);
    assert_true(fabs(x->p - 0.5) < 1e-12);   /* the five first attempts were right */
    assert_int_equal(x->forms, 16);
    assert_int_equal(x->seen_by, 10);
    itemstat_free(s);
}

static void test_nobody_differs_no_point_biserial_no_division_by_zero(void **state)
{
    (void)state;
    itemstat *s = itemstat_new("ujian");
    for (int k = 0; k < 12; k++) add3(s, who(k), 1, "AAA");
    assert_int_equal(itemstat_compute(s, NULL), 0);
    const itemstat_item *x = item(s, "X");
    assert_true(fabs(x->p - 1.0) < 1e-12);
    assert_true(isnan(x->rpb));
    assert_true(fabs(x->d27) < 1e-12);
    assert_true(isnan(itemstat_kr20(s)));  /* no variance of the totals */
    assert_true(x->flags & ITEMSTAT_EASY);
    assert_true(x->flags & ITEMSTAT_LOW_DISC);
    assert_false(x->flags & ITEMSTAT_NEGATIVE_DISC);
    assert_true(x->flags & ITEMSTAT_UNCHOSEN);  /* B, C, D */
    char *csv = itemstat_csv(s);
    assert_non_null(csv);
    assert_non_null(strstr(csv, "\r\nujian,12,,X,single,A,12,1.0000,,0.0000,12,0,0,0,,,,,0,12,12,"
                                "too-easy low-discrimination unchosen-option\r\n"));
    free(csv);
    itemstat_free(s);
}

static void test_one_response_only_few_data_every_figure_defined_or_absent(void **state)
{
    (void)state;
    itemstat *s = itemstat_new("ujian");
    add3(s, "p1", 1, "A-B");
    assert_int_equal(itemstat_compute(s, NULL), 0);
    const itemstat_item *y = item(s, "Y");
    assert_int_equal(y->n, 1);
    assert_int_equal(y->omitted, 1);
    assert_true(fabs(y->p) < 1e-12);
    assert_true(isnan(y->rpb));
    assert_true(isnan(y->d27));
    assert_int_equal(y->flags, ITEMSTAT_FEW_DATA);
    assert_true(isnan(itemstat_kr20(s)));
    char *j = itemstat_json(s, false);
    assert_non_null(strstr(j, "\"kr20\":null"));
    assert_non_null(strstr(j, "\"rpb\":null"));
    free(j);
    itemstat_free(s);
}

static void test_multi_response_right_only_with_the_whole_key(void **state)
{
    (void)state;
    itemstat *s = itemstat_new("ujian");
    const char *ans[] = {"AC", "CA", "A", "ACD", "", "BD"};
    for (int k = 0; k < 6; k++) {
        itemstat_resp r = {"M", "multi", "AC", 4, ans[k]};
        assert_int_equal(itemstat_add(s, who(k), 1, &r, 1, NULL), 0);
    }
    assert_int_equal(itemstat_compute(s, NULL), 0);
    const itemstat_item *m = item(s, "M");
    assert_true(fabs(m->p - 2.0 / 6.0) < 1e-12);
    assert_int_equal(m->chosen[0], 4);  /* A in AC, CA, A, ACD */
    assert_int_equal(m->chosen[1], 1);
    assert_int_equal(m->chosen[2], 3);
    assert_int_equal(m->chosen[3], 2);
    assert_int_equal(m->omitted, 1);
    itemstat_free(s);
}

static void test_eight_options_a_to_h_are_counted(void **state)
{
    (void)state;
    itemstat *s = itemstat_new("ujian");
    for (int k = 0; k < 8; k++) {
        char v[2] = {(char)('A' + k), 0};
        itemstat_resp r = {"H8", "single", "H", 8, v};
        assert_int_equal(itemstat_add(s, who(k), 1, &r, 1, NULL), 0);
    }
    assert_int_equal(itemstat_compute(s, NULL), 0);
    for (int o = 0; o < 8; o++) assert_int_equal(item(s, "H8")->chosen[o], 1);
    char *csv = itemstat_csv(s);
    assert_non_null(strstr(csv, ",1,1,1,1,1,1,1,1,0,8,8,few-data\r\n"));
    free(csv);
    itemstat_free(s);
}

static void test_bad_responses_are_refused_with_a_reason(void **state)
{
    (void)state;
    itemstat *s = itemstat_new("ujian");
    char why[WHY_SIZE] = "";
    itemstat_resp bad[] = {
        {"Q", "single", "A", 4, "E"},     /* beyond the options */
        {"Q", "single", "A", 9, "A"},     /* nine options */
        {"Q", "essay", "A", 4, "A"},      /* no such kind */
        {"Q", "single", "", 4, "A"},      /* no key */
        {"Q", "multi", "AA", 4, "A"},     /* a letter twice */
        {"Q", "single", "A", 4, "a"},     /* not an upper-case letter */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why[0] = 0;
        assert_int_equal(itemstat_add(s, "p", 1, &bad[i], 1, why), -1);
        assert_true(strlen(why) > 10);
    }
    itemstat_resp twice[2] = {{"Q", "single", "A", 4, "A"}, {"Q", "single", "A", 4, "B"}};
    assert_int_equal(itemstat_add(s, "p", 1, twice, 2, why), -1);
    assert_non_null(strstr(why, "twice"));
    assert_int_equal(itemstat_add(s, "p", 0, twice, 1, why), -1);
    assert_int_equal(itemstat_add(s, "p", 1, twice, 1, why), 0);
    assert_int_equal(itemstat_add(s, "q", 1, twice, 1, why), 0);
    assert_int_equal(itemstat_add(s, "p", 1, twice, 1, why), 0);
    assert_int_equal(itemstat_compute(s, why), -1);
    assert_non_null(strstr(why, "attempt 1 of participant p is there twice"));
    itemstat_free(s);
}

static void test_the_export_reads_back_to_the_same_figures(void **state)
{
    (void)state;
    itemstat *s = ladder();
    add3(s, "p1", 2, "BBB");
    add3(s, "p9", 1, "ABA");   /* names out of name order: numbered as they came */
    add3(s, "p10", 1, "BAA");
    assert_int_equal(itemstat_compute(s, NULL), 0);
    char *a = itemstat_json(s, true), why[WHY_SIZE] = "";
    assert_non_null(strstr(a, "{\"id\":\"Z\",\"v\":\"A\"}],\"attempt\":1,\"participant\":5}"));
    assert_non_null(strstr(a, "\"participant\":1"));
    assert_null(strstr(a, "p1"));  /* numbered, not named */
    itemstat *t = itemstat_load(a, strlen(a), why);
    assert_non_null(t);
    assert_int_equal(itemstat_compute(t, why), 0);
    char *b = itemstat_json(t, true);
    assert_string_equal(a, b);
    free(a), free(b);
    itemstat_free(t);
    const char *other = "{\"kind\":\"kisi-result\"}";
    assert_null(itemstat_load(other, strlen(other), why));
    assert_non_null(strstr(why, "not an item analysis export"));
    itemstat_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kr20_of_a_hand_worked_ladder_is_0_75),
        cmocka_unit_test(test_only_the_first_attempt_counts_exposure_counts_all),
        cmocka_unit_test(test_nobody_differs_no_point_biserial_no_division_by_zero),
        cmocka_unit_test(test_one_response_only_few_data_every_figure_defined_or_absent),
        cmocka_unit_test(test_multi_response_right_only_with_the_whole_key),
        cmocka_unit_test(test_eight_options_a_to_h_are_counted),
        cmocka_unit_test(test_bad_responses_are_refused_with_a_reason),
        cmocka_unit_test(test_the_export_reads_back_to_the_same_figures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
