/* test_draw.c -- drawing forms (SPEC section 4): quotas, remedials, balance, overlap, options, reproducibility. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "why.h"

#define ROOM 40
#define PER_TOPIC 26
#define EXAM "{\"id\":\"ak\",\"title\":\"Akademik\",\"kind\":\"academic\",\"minutes\":60," \
             "\"quotas\":{\"t0\":6,\"t1\":6,\"t2\":5,\"t3\":5}}"
static const int QUOTA[4] = {6, 6, 5, 5};

typedef struct world {
    char *dir;
    bank *b;
    bank_session *s;
    bank_form *forms[ROOM];
    char token[BANK_TOKEN_LEN + 1];
} world;

/* Opens dir/name as a session over a freshly opened bank, unlocked by token. */
static void open_unlocked(world *w, const char *name)
{
    char why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    w->b = bank_open(fx_path(w->dir, "bank.bank"), false, &e, why);
    assert_non_null(w->b);
    w->s = bank_session_open(w->b, fx_path(w->dir, name), &e, why);
    if (!w->s) fail_msg("open: %s", why);
    if (bank_session_unlock(w->s, w->token, strlen(w->token), why)) fail_msg("unlock: %s", why);
}

/* A bank of 4 x 26 items, the exam, a 40-person session, all forms drawn. */
static int setup(void **state)
{
    world *w = calloc(1, sizeof *w);
    w->dir = fx_tmpdir();
    bank *b = fx_bank(w->dir, 4, PER_TOPIC);
    fx_exam(b, EXAM);
    fx_session(b, "ak", ROOM, NULL, fx_path(w->dir, "s.session"), w->token);
    bank_close(b);
    open_unlocked(w, "s.session");
    char why[WHY_SIZE] = "";
    if (bank_form_draw_all(w->s, w->forms, why)) fail_msg("draw: %s", why);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    for (int i = 0; i < ROOM; i++) bank_form_free(w->forms[i]);
    bank_session_close(w->s);
    bank_close(w->b);
    fx_rmdir(w->dir);
    free(w);
    return 0;
}

/* Topic number of an item id "tN-xxx". */
static int topic_of(const char *id)
{
    return id[1] - '0';
}

/* Item number within its topic. */
static int number_of(const char *id)
{
    return atoi(id + 3);
}

static bool has_item(const bank_form *f, const char *id)
{
    for (size_t i = 0; i < bank_form_size(f); i++)
        if (strcmp(bank_form_item(f, i, NULL, NULL, NULL), id) == 0) return true;
    return false;
}

static int overlap(const bank_form *a, const bank_form *b)
{
    int n = 0;
    for (size_t i = 0; i < bank_form_size(a); i++)
        if (has_item(b, bank_form_item(a, i, NULL, NULL, NULL))) n++;
    return n;
}

static void test_every_form_holds_exactly_the_quota_per_topic_without_repeats(void **state)
{
    world *w = *state;
    for (int p = 0; p < ROOM; p++) {
        const bank_form *f = w->forms[p];
        int count[4] = {0};
        assert_int_equal(bank_form_size(f), 22);
        assert_string_equal(bank_form_participant(f), fx_nip((size_t)p));
        assert_int_equal(bank_form_attempt(f), 1);
        for (size_t i = 0; i < bank_form_size(f); i++) {
            const char *topic;
            const char *id = bank_form_item(f, i, &topic, NULL, NULL);
            assert_int_equal(topic_of(id), topic[1] - '0');
            count[topic_of(id)]++;
            for (size_t k = 0; k < i; k++)
                assert_string_not_equal(id, bank_form_item(f, k, NULL, NULL, NULL));
        }
        for (int t = 0; t < 4; t++) assert_int_equal(count[t], QUOTA[t]);
    }
}

static void test_no_two_forms_of_a_sitting_are_equal(void **state)
{
    world *w = *state;
    for (int a = 0; a < ROOM; a++)
        for (int b = a + 1; b < ROOM; b++) assert_true(overlap(w->forms[a], w->forms[b]) < 22);
}

static void test_exposure_is_balanced_within_one_per_topic(void **state)
{
    world *w = *state;
    int use[4][PER_TOPIC] = {{0}};
    for (int p = 0; p < ROOM; p++)
        for (size_t i = 0; i < bank_form_size(w->forms[p]); i++) {
            const char *id = bank_form_item(w->forms[p], i, NULL, NULL, NULL);
            use[topic_of(id)][number_of(id)]++;
        }
    for (int t = 0; t < 4; t++) {
        int lo = 1 << 30, hi = 0;
        for (int j = 0; j < PER_TOPIC; j++) {
            if (use[t][j] < lo) lo = use[t][j];
            if (use[t][j] > hi) hi = use[t][j];
        }
        assert_true(hi - lo <= 1);
    }
}

/* Mean and worst pairwise overlap of the 40 forms. */
static void overlap_stats(bank_form *const *forms, double *mean, int *max)
{
    long sum = 0, pairs = 0;
    *max = 0;
    for (int a = 0; a < ROOM; a++)
        for (int b = a + 1; b < ROOM; b++) {
            int o = overlap(forms[a], forms[b]);
            sum += o;
            pairs++;
            if (o > *max) *max = o;
        }
    *mean = (double)sum / (double)pairs;
}

/* Worst pairwise overlap when every form is sampled uniformly at random,
 * the best of `runs` trials (a generous baseline). */
static int random_max_overlap(int runs)
{
    int best = 1 << 30;
    srand(12345);
    for (int r = 0; r < runs; r++) {
        static unsigned char has[ROOM][4][PER_TOPIC];
        memset(has, 0, sizeof has);
        for (int p = 0; p < ROOM; p++)
            for (int t = 0; t < 4; t++)
                for (int k = 0; k < QUOTA[t];) {
                    int j = rand() % PER_TOPIC;
                    if (!has[p][t][j]) {
                        has[p][t][j] = 1;
                        k++;
                    }
                }
        int worst = 0;
        for (int a = 0; a < ROOM; a++)
            for (int b = a + 1; b < ROOM; b++) {
                int o = 0;
                for (int t = 0; t < 4; t++)
                    for (int j = 0; j < PER_TOPIC; j++) o += has[a][t][j] && has[b][t][j];
                if (o > worst) worst = o;
            }
        if (worst < best) best = worst;
    }
    return best;
}

static void test_overlap_beats_random_sampling(void **state)
{
    world *w = *state;
    double mean, expect = 0;
    int max;
    overlap_stats(w->forms, &mean, &max);
    for (int t = 0; t < 4; t++) expect += (double)QUOTA[t] * QUOTA[t] / PER_TOPIC;
    int rmax = random_max_overlap(20);
    printf("      mean pairwise overlap %.3f (random %.3f), worst %d (best of 20 random: %d)\n",
           mean, expect, max, rmax);
    assert_true(mean <= expect);
    assert_true(max < rmax);
    /* no pair far above the mean: the worst is at most two items over it */
    assert_true(max <= (int)mean + 2);
}

static void test_pinned_items_keep_their_order_others_are_shuffled(void **state)
{
    world *w = *state;
    int shuffled = 0, unpinned = 0;
    for (int p = 0; p < ROOM; p++)
        for (size_t i = 0; i < bank_form_size(w->forms[p]); i++) {
            const int *perm;
            int n;
            const char *id = bank_form_item(w->forms[p], i, NULL, &perm, &n);
            assert_int_equal(n, 4);
            bool identity = perm[0] == 0 && perm[1] == 1 && perm[2] == 2 && perm[3] == 3;
            if (number_of(id) % 7 == 6) {
                assert_true(identity);
            } else {
                unpinned++;
                shuffled += !identity;
            }
        }
    /* 23 of 24 permutations move something */
    assert_true(shuffled * 100 > unpinned * 85);
}

static void test_item_order_differs_between_participants(void **state)
{
    world *w = *state;
    /* the position of each form's items is shuffled, not grouped by topic */
    int grouped = 0;
    for (int p = 0; p < ROOM; p++) {
        bool sorted = true;
        for (size_t i = 1; i < bank_form_size(w->forms[p]); i++)
            if (strcmp(bank_form_item(w->forms[p], i - 1, NULL, NULL, NULL),
                       bank_form_item(w->forms[p], i, NULL, NULL, NULL)) > 0)
                sorted = false;
        grouped += sorted;
    }
    assert_int_equal(grouped, 0);
}

/* JSON of every form, concatenated; caller frees. */
static char *all_json(bank_form *const *forms)
{
    size_t cap = 1 << 20, len = 0;
    char *out = calloc(1, cap);
    for (int p = 0; p < ROOM; p++) {
        char *j = bank_form_json(forms[p]);
        size_t n = strlen(j);
        assert_true(len + n + 2 < cap);
        memcpy(out + len, j, n);
        len += n;
        out[len++] = '\n';
        free(j);
    }
    return out;
}

static void test_same_session_always_gives_the_same_forms(void **state)
{
    world *w = *state;
    char *before = all_json(w->forms), why[WHY_SIZE] = "";
    world again = {.dir = w->dir};
    memcpy(again.token, w->token, sizeof again.token);
    open_unlocked(&again, "s.session");
    /* one participant alone first: the form must not depend on who asked first */
    bank_err e = BANK_OK;
    bank_form *one = bank_form_draw(again.s, fx_nip(17), &e, why);
    assert_non_null(one);
    char *a = bank_form_json(one), *b = bank_form_json(w->forms[17]);
    assert_string_equal(a, b);
    free(a);
    free(b);
    bank_form_free(one);
    assert_int_equal(bank_form_draw_all(again.s, again.forms, why), BANK_OK);
    char *after = all_json(again.forms);
    assert_string_equal(before, after);
    free(after);
    for (int i = 0; i < ROOM; i++) bank_form_free(again.forms[i]);
    bank_session_close(again.s);
    bank_close(again.b);
    /* the grading core's path: unlocked with the passphrase, not the token */
    again.b = bank_open(fx_path(w->dir, "bank.bank"), false, &e, why);
    assert_int_equal(bank_unlock(again.b, FX_PASS, strlen(FX_PASS), why), BANK_OK);
    again.s = bank_session_open(again.b, fx_path(w->dir, "s.session"), &e, why);
    assert_int_equal(bank_session_unlock_bank(again.s, why), BANK_OK);
    assert_int_equal(bank_form_draw_all(again.s, again.forms, why), BANK_OK);
    after = all_json(again.forms);
    assert_string_equal(before, after);
    free(after);
    free(before);
    for (int i = 0; i < ROOM; i++) bank_form_free(again.forms[i]);
    bank_session_close(again.s);
    bank_close(again.b);
}

static void test_another_session_gives_other_forms(void **state)
{
    world *w = *state;
    world other = {.dir = w->dir};
    char why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    bank *b = bank_open(fx_path(w->dir, "bank.bank"), false, &e, why);
    assert_int_equal(bank_unlock(b, FX_PASS, strlen(FX_PASS), why), BANK_OK);
    fx_session(b, "ak", ROOM, NULL, fx_path(w->dir, "s2.session"), other.token);
    bank_close(b);
    open_unlocked(&other, "s2.session");
    assert_int_equal(bank_form_draw_all(other.s, other.forms, why), BANK_OK);
    int same = 0;
    for (int p = 0; p < ROOM; p++) {
        char *a = bank_form_json(w->forms[p]), *c = bank_form_json(other.forms[p]);
        /* session ids differ, so compare the item lists */
        same += strcmp(strstr(a, "\"items\""), strstr(c, "\"items\"")) == 0;
        free(a);
        free(c);
        bank_form_free(other.forms[p]);
    }
    assert_int_equal(same, 0);
    bank_session_close(other.s);
    bank_close(other.b);
    remove(fx_path(w->dir, "s2.session"));
}

static void test_remedial_attempt_holds_no_item_already_seen(void **state)
{
    world *w = *state;
    /* history: every participant's first form */
    char *hist = all_json(w->forms), why[WHY_SIZE] = "";
    world rem = {.dir = w->dir};
    bank_err e = BANK_OK;
    bank *b = bank_open(fx_path(w->dir, "bank.bank"), false, &e, why);
    assert_int_equal(bank_unlock(b, FX_PASS, strlen(FX_PASS), why), BANK_OK);
    fx_session(b, "ak", ROOM, hist, fx_path(w->dir, "r.session"), rem.token);
    bank_close(b);
    open_unlocked(&rem, "r.session");
    assert_int_equal(bank_form_draw_all(rem.s, rem.forms, why), BANK_OK);
    for (int p = 0; p < ROOM; p++) {
        assert_int_equal(bank_form_attempt(rem.forms[p]), 2);
        assert_int_equal(overlap(rem.forms[p], w->forms[p]), 0);
        bank_form_free(rem.forms[p]);
    }
    free(hist);
    bank_session_close(rem.s);
    bank_close(rem.b);
    remove(fx_path(w->dir, "r.session"));
}

/* Appends a history line: participant 0, attempt a, items t0-<nums>. */
static void add_history(char *hist, size_t cap, int a, const int *nums, int n)
{
    size_t len = strlen(hist);
    len += (size_t)snprintf(hist + len, cap - len,
                            "{\"exam\":\"q\",\"participant\":\"%s\",\"attempt\":%d,\"items\":[",
                            fx_nip(0), a);
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(hist + len, cap - len,
                                "%s{\"id\":\"t0-%03d\",\"topic\":\"t0\",\"options\":[\"A\",\"B\"]}",
                                i ? "," : "", nums[i]);
    snprintf(hist + len, cap - len, "]}\n");
}

/* Participant 0's form of `exam` in a session of one made in dir after
 * `hist` (NULL: none). */
static bank_form *draw_one(bank *b, const char *dir, const char *exam, const char *hist)
{
    char why[WHY_SIZE] = "", token[BANK_TOKEN_LEN + 1];
    fx_session(b, exam, 1, hist, fx_path(dir, "s"), token);
    bank_err e = BANK_OK;
    bank_session *s = bank_session_open(b, fx_path(dir, "s"), &e, why);
    assert_int_equal(bank_session_unlock(s, token, strlen(token), why), BANK_OK);
    bank_form *f = bank_form_draw(s, fx_nip(0), &e, why);
    assert_non_null(f);
    bank_session_close(s);
    return f;
}

/* Draws participant 0's form of exam q (4 of the 10 items of t0) after `hist`. */
static bank_form *draw_after(const char *hist)
{
    char *dir = fx_tmpdir();
    bank *b = fx_bank(dir, 1, 10);
    fx_exam(b, "{\"id\":\"q\",\"title\":\"Q\",\"kind\":\"academic\",\"minutes\":5,"
               "\"quotas\":{\"t0\":4}}");
    bank_form *f = draw_one(b, dir, "q", hist);
    bank_close(b);
    fx_rmdir(dir);
    return f;
}

static void test_exhausted_pool_reuses_longest_ago_seen_first(void **state)
{
    (void)state;
    char hist[4096] = "";
    static const int a1[] = {0, 1, 2, 3}, a2[] = {4, 5, 6, 7}, a3[] = {8, 9, 0, 1};
    add_history(hist, sizeof hist, 1, a1, 4);
    add_history(hist, sizeof hist, 2, a2, 4);
    add_history(hist, sizeof hist, 3, a3, 4);
    bank_form *f = draw_after(hist);
    assert_int_equal(bank_form_attempt(f), 4);
    /* last seen on attempt 1: items 2 and 3; then two of 4..7 (attempt 2) */
    assert_true(has_item(f, "t0-002"));
    assert_true(has_item(f, "t0-003"));
    int from_a2 = 0;
    for (int j = 4; j <= 7; j++) {
        char id[16];
        snprintf(id, sizeof id, "t0-%03d", j);
        from_a2 += has_item(f, id);
    }
    assert_int_equal(from_a2, 2);
    bank_form_free(f);
}

static void test_unseen_items_come_before_any_seen_item(void **state)
{
    (void)state;
    char hist[4096] = "";
    static const int a1[] = {0, 1, 2, 3}, a2[] = {4, 5, 6, 7}, a3[] = {8, 0, 1, 2};
    add_history(hist, sizeof hist, 1, a1, 4);
    add_history(hist, sizeof hist, 2, a2, 4);
    add_history(hist, sizeof hist, 3, a3, 4);
    bank_form *f = draw_after(hist);
    assert_true(has_item(f, "t0-009")); /* the only unseen item */
    assert_true(has_item(f, "t0-003")); /* the only one last seen on attempt 1 */
    int from_a2 = 0;
    for (int j = 4; j <= 7; j++) {
        char id[16];
        snprintf(id, sizeof id, "t0-%03d", j);
        from_a2 += has_item(f, id);
    }
    assert_int_equal(from_a2, 2);
    bank_form_free(f);
}

static void test_difficulty_mix_draws_each_band_quota(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "", token[BANK_TOKEN_LEN + 1];
    bank *b = fx_bank(dir, 1, 40); /* difficulty j % 5 + 1: 16 easy, 8 medium, 16 hard */
    fx_exam(b, "{\"id\":\"r\",\"title\":\"RPL\",\"kind\":\"rpl\",\"minutes\":5,"
               "\"quotas\":{\"t0\":8},\"difficulty\":{\"easy\":0,\"medium\":25,\"hard\":75}}");
    fx_session(b, "r", 5, NULL, fx_path(dir, "s"), token);
    bank_err e = BANK_OK;
    bank_session *s = bank_session_open(b, fx_path(dir, "s"), &e, why);
    assert_int_equal(bank_session_unlock(s, token, strlen(token), why), BANK_OK);
    for (size_t p = 0; p < 5; p++) {
        bank_form *f = bank_form_draw(s, fx_nip(p), &e, why);
        assert_non_null(f);
        int medium = 0, hard = 0;
        for (size_t i = 0; i < bank_form_size(f); i++) {
            int d = number_of(bank_form_item(f, i, NULL, NULL, NULL)) % 5 + 1;
            medium += d == 3;
            hard += d >= 4;
        }
        assert_int_equal(medium, 2);
        assert_int_equal(hard, 6);
        bank_form_free(f);
    }
    bank_session_close(s);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_form_json_round_trips(void **state)
{
    world *w = *state;
    char *j = bank_form_json(w->forms[3]), why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    bank_form *f = bank_form_parse(j, strlen(j), &e, why);
    assert_non_null(f);
    char *k = bank_form_json(f);
    assert_string_equal(j, k);
    free(j);
    free(k);
    bank_form_free(f);
    static const char *const bad[] = {
        "", "[]", "{\"exam\":\"ak\"}",
        "{\"exam\":\"ak\",\"participant\":\"x\",\"attempt\":1,\"items\":[{\"id\":\"t0-000\","
        "\"topic\":\"t0\",\"options\":[\"A\",\"A\"]}]}",
        "{\"exam\":\"ak\",\"participant\":\"x\",\"attempt\":0,\"items\":[{\"id\":\"t0-000\","
        "\"topic\":\"t0\",\"options\":[\"A\",\"B\"]}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_null(bank_form_parse(bad[i], strlen(bad[i]), &e, why));
        assert_int_equal(e, BANK_EPARSE);
    }
}

/* Scores form f with the correct key for the first `right` items. */
static bank_score score_first(bank *b, const bank_form *f, size_t right)
{
    bank_answer ans[64];
    char letters[64][2];
    char why[WHY_SIZE] = "";
    size_t n = bank_form_size(f);
    for (size_t i = 0; i < n; i++) {
        const char *id = bank_form_item(f, i, NULL, NULL, NULL);
        char key = (char)('A' + number_of(id) % 4);
        letters[i][0] = i < right ? key : (char)(key == 'A' ? 'B' : 'A');
        letters[i][1] = 0;
        ans[i].item_id = id;
        ans[i].letters = letters[i];
    }
    bank_score sc;
    if (bank_form_score(b, f, ans, n, &sc, why)) fail_msg("score: %s", why);
    return sc;
}

static void test_form_scores_against_the_keys(void **state)
{
    world *w = *state;
    char why[WHY_SIZE] = "";
    bank_score sc = score_first(w->b, w->forms[0], 22);
    assert_int_equal(sc.raw, 10000);
    assert_int_equal(sc.ceiling, 10000);
    assert_true(sc.passed);
    assert_string_equal(sc.band, "Sangat memuaskan");
    sc = score_first(w->b, w->forms[0], 16); /* 16/22 = 72.727.. -> 72.73 */
    assert_int_equal(sc.raw, 7273);
    assert_true(sc.passed);
    assert_string_equal(sc.band, "Cukup memuaskan");
    sc = score_first(w->b, w->forms[0], 0);
    assert_int_equal(sc.awarded, 0);
    assert_false(sc.passed);
    /* an answer for an item not on the form, or a letter past the options */
    bank_answer stray = {"t9-999", "A"}, wide = {bank_form_item(w->forms[0], 0, NULL, NULL, NULL),
                                                 "E"};
    assert_int_equal(bank_form_score(w->b, w->forms[0], &stray, 1, &sc, why), BANK_EINVAL);
    assert_int_equal(bank_form_score(w->b, w->forms[0], &wide, 1, &sc, why), BANK_EINVAL);
}

/* A form longer than the bank's key cache holds at first: the cache grows
 * while the form is scored, and every item must still count in its
 * section. */
static void test_a_long_form_scores_full_marks_while_the_key_cache_grows(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "";
    bank *b = fx_bank(dir, 2, 90);
    fx_exam(b, "{\"id\":\"long\",\"title\":\"L\",\"kind\":\"academic\",\"minutes\":90,"
               "\"quotas\":{\"t0\":80,\"t1\":80},\"sections\":["
               "{\"id\":\"s1\",\"share\":7000,\"topics\":[\"t0\"]},"
               "{\"id\":\"s2\",\"share\":3000,\"topics\":[\"t1\"]}]}");
    bank_form *f = draw_one(b, dir, "long", NULL);
    size_t n = bank_form_size(f);
    assert_int_equal(n, 160);
    bank_answer ans[160];
    char letters[160][2];
    for (size_t i = 0; i < n; i++) {
        ans[i].item_id = bank_form_item(f, i, NULL, NULL, NULL);
        letters[i][0] = (char)('A' + number_of(ans[i].item_id) % 4);
        letters[i][1] = 0;
        ans[i].letters = letters[i];
    }
    bank_score sc;
    assert_int_equal(bank_form_score(b, f, ans, n, &sc, why), BANK_OK);
    assert_int_equal(sc.raw, 10000);
    bank_form_free(f);
    bank_close(b);
    fx_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_form_holds_exactly_the_quota_per_topic_without_repeats),
        cmocka_unit_test(test_no_two_forms_of_a_sitting_are_equal),
        cmocka_unit_test(test_exposure_is_balanced_within_one_per_topic),
        cmocka_unit_test(test_overlap_beats_random_sampling),
        cmocka_unit_test(test_pinned_items_keep_their_order_others_are_shuffled),
        cmocka_unit_test(test_item_order_differs_between_participants),
        cmocka_unit_test(test_same_session_always_gives_the_same_forms),
        cmocka_unit_test(test_another_session_gives_other_forms),
        cmocka_unit_test(test_remedial_attempt_holds_no_item_already_seen),
        cmocka_unit_test(test_form_json_round_trips),
        cmocka_unit_test(test_form_scores_against_the_keys),
    };
    const struct CMUnitTest alone[] = {
        cmocka_unit_test(test_exhausted_pool_reuses_longest_ago_seen_first),
        cmocka_unit_test(test_unseen_items_come_before_any_seen_item),
        cmocka_unit_test(test_difficulty_mix_draws_each_band_quota),
        cmocka_unit_test(test_a_long_form_scores_full_marks_while_the_key_cache_grows),
    };
    int failed = cmocka_run_group_tests_name("sitting of 40", tests, setup, teardown);
    return failed + cmocka_run_group_tests_name("single forms", alone, NULL, NULL);
}
