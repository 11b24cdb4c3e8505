/* test_cohort.c -- the cohort recap use case in libcore: a preview is computed fresh and never
 * stored, recording numbers a run, each kiosk exam's score shows and disputed attempts are flagged. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cohort.h"
#include "fixture.h"
#include "why.h"

#define NIP_A "199001012020121001"
#define NIP_B "199202022020122002"
#define KEY "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define DEF "{\"id\":\"c1\",\"academic\":{\"self_paced\":\"akad\"},\"rpl\":\"rpl\"," \
            "\"roster\":[{\"nip\":\"" NIP_A "\",\"name\":\"Andi\"},{\"nip\":\"" NIP_B "\",\"name\":\"Budi\"}]}"

typedef struct fx {
    char *dir;
    store *st;
} fx;

static int setup(void **state)
{
    fx *x = calloc(1, sizeof *x);
    char why[WHY_SIZE] = "", url[4200];
    x->dir = fx_tmpdir();
    snprintf(url, sizeof url, "sqlite:%s", fx_path(x->dir, "core.db"));
    x->st = store_open(url, why);
    if (!x->st) fail_msg("store_open: %s", why);
    if (store_cohort_put(x->st, "c1", DEF, why)) fail_msg("cohort: %s", why);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx *x = *state;
    store_close(x->st);
    fx_rmdir(x->dir);
    free(x);
    return 0;
}

/* Stores a result of nip at exam (attempt 1) with `awarded`; digest_char
 * makes rival records of one attempt. Returns the store's outcome. */
static int put(fx *x, const char *exam, const char *nip, int awarded, char digest_char)
{
    char why[WHY_SIZE] = "", digest[65], json[256];
    memset(digest, digest_char, 64);
    digest[64] = 0;
    snprintf(json, sizeof json, "{\"form\":{\"exam\":\"%s\",\"participant\":\"%s\"},\"v\":%d}",
             exam, nip, awarded);
    store_result r = {"s1", exam, "latsar", "academic", nip, 1, awarded, awarded,
                      awarded >= 7001, digest, json, "{}", KEY, 1000, 0};
    int rc = store_result_put(x->st, &r, why);
    if (rc < 0) fail_msg("put: %s", why);
    return rc;
}

/* Participant i of a recap JSON. */
static json_t *person(json_t *recap, size_t i)
{
    return json_array_get(json_object_get(recap, "participants"), i);
}

static void test_preview_is_computed_fresh_and_never_stored(void **state)
{
    fx *x = *state;
    cohort_err e;
    char *json = NULL, why[WHY_SIZE] = "";
    int run = 0;
    char *p1 = cohort_recap_preview(x->st, "c1", &e);
    assert_non_null(p1);
    json_t *o = json_loads(p1, 0, NULL);
    assert_true(json_is_null(json_object_get(o, "run")));
    assert_true(json_is_true(json_object_get(o, "preview")));
    assert_true(json_is_null(json_object_get(person(o, 0), "pktbt")));
    json_decref(o);
    assert_int_equal(store_recap_get(x->st, "c1", 0, &json, &run, why), 0);
    /* aspects imported afterwards show in the next preview */
    const char csv[] = "nip,pktbt\n" NIP_A ",85\n";
    size_t n = 0;
    assert_int_equal(cohort_aspects_import(x->st, "c1", csv, strlen(csv), &n, why), 0);
    assert_int_equal(n, 1);
    char *p2 = cohort_recap_preview(x->st, "c1", &e);
    o = json_loads(p2, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(person(o, 0), "pktbt")), 8500);
    json_decref(o);
    assert_int_equal(store_recap_get(x->st, "c1", 0, &json, &run, why), 0);
    free(p1);
    free(p2);
}

static void test_recording_numbers_runs_and_keeps_what_was_recorded(void **state)
{
    fx *x = *state;
    cohort_err e;
    char why[WHY_SIZE] = "";
    char *r1 = cohort_recap_record(x->st, "c1", 100, &e);
    assert_non_null(r1);
    json_t *o = json_loads(r1, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(o, "run")), 1);
    assert_true(json_is_false(json_object_get(o, "preview")));
    json_decref(o);
    /* the run number lives in the store only: the stored text has none */
    char *stored = NULL;
    int got = 0;
    assert_int_equal(store_recap_get(x->st, "c1", 1, &stored, &got, why), 1);
    assert_null(strstr(stored, "\"run\""));
    free(stored);
    const char csv[] = "nip,pktbt\n" NIP_B ",70\n";
    size_t n = 0;
    assert_int_equal(cohort_aspects_import(x->st, "c1", csv, strlen(csv), &n, why), 0);
    char *r2 = cohort_recap_record(x->st, "c1", 200, &e);
    assert_non_null(r2);
    char *latest = cohort_recap_run(x->st, "c1", 0, &e), *first = cohort_recap_run(x->st, "c1", 1, &e);
    assert_string_equal(latest, r2);
    assert_string_equal(first, r1);
    assert_null(cohort_recap_run(x->st, "c1", 3, &e));
    assert_int_equal(e.status, 404);
    assert_string_equal(e.code, "unknown-run");
    assert_null(cohort_recap_preview(x->st, "nobody", &e));
    assert_string_equal(e.code, "unknown-cohort");
    assert_null(cohort_recap_record(x->st, "nobody", 300, &e));
    assert_int_equal(e.status, 404);
    free(r1);
    free(r2);
    free(latest);
    free(first);
}

static void test_no_run_recorded_yet_says_how_to_record_one(void **state)
{
    fx *x = *state;
    cohort_err e;
    assert_null(cohort_recap_run(x->st, "c1", 0, &e));
    assert_string_equal(e.code, "unknown-run");
    assert_non_null(strstr(e.why, "--record"));
}

static void test_each_exam_score_shows_and_disputed_attempts_are_flagged(void **state)
{
    fx *x = *state;
    cohort_err e;
    assert_int_equal(put(x, "akad", NIP_A, 8100, 'a'), STORE_NEW);
    assert_int_equal(put(x, "akad", NIP_A, 9900, 'b'), STORE_CONFLICT);
    assert_int_equal(put(x, "akad", NIP_B, 6500, 'c'), STORE_NEW);
    assert_int_equal(put(x, "rpl", NIP_B, 9000, 'd'), STORE_NEW);
    char *p = cohort_recap_preview(x->st, "c1", &e);
    assert_non_null(p);
    json_t *o = json_loads(p, 0, NULL), *a = person(o, 0), *b = person(o, 1);
    /* disputed: neither record counts, and the row says why */
    assert_true(json_is_null(json_object_get(a, "academic_self_paced")));
    assert_true(json_is_null(json_object_get(a, "academic_distance")));
    assert_int_equal(json_array_size(json_object_get(a, "disputed")), 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(a, "disputed"), 0)),
                        "self_paced");
    assert_string_equal(json_string_value(json_object_get(a, "outcome")), "belum lengkap");
    assert_non_null(strstr(json_string_value(json_object_get(a, "rule")), "disputed self_paced"));
    assert_int_equal(json_integer_value(json_object_get(b, "academic_self_paced")), 6500);
    assert_int_equal(json_array_size(json_object_get(b, "disputed")), 0);
    assert_string_equal(json_string_value(json_object_get(b, "outcome")), "dibebaskan (RPL)");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "summary"), "disputed")),
                     1);
    json_decref(o);
    free(p);
    /* resolved by the operator: the record kept counts, the flag goes */
    char kept[65], why[WHY_SIZE] = "";
    assert_int_equal(store_dispute_resolve(x->st, "akad", NIP_A, 1, "bbbbbbbb", "Rina", "journal",
                                           5, kept, why), 0);
    p = cohort_recap_preview(x->st, "c1", &e);
    o = json_loads(p, 0, NULL);
    a = person(o, 0);
    assert_int_equal(json_integer_value(json_object_get(a, "academic_self_paced")), 9900);
    assert_int_equal(json_array_size(json_object_get(a, "disputed")), 0);
    json_decref(o);
    free(p);
}

static void test_the_recap_shows_the_accommodations_of_the_kiosk_results(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "", digest[65];
    memset(digest, 'e', 64);
    digest[64] = 0;
    const char *json = "{\"form\":{\"exam\":\"akad\",\"participant\":\"" NIP_A "\"},"
                       "\"accommodations\":{\"extra_minutes\":15,\"read_aloud\":true}}";
    store_result r = {"s1", "akad", "latsar", "academic", NIP_A, 1, 8000, 8000, true, digest,
                      json, "{}", KEY, 1000, 0};
    assert_int_equal(store_result_put(x->st, &r, why), STORE_NEW);
    assert_int_equal(put(x, "akad", NIP_B, 6500, 'c'), STORE_NEW);
    cohort_err e;
    char *p = cohort_recap_preview(x->st, "c1", &e);
    assert_non_null(p);
    json_t *o = json_loads(p, 0, NULL);
    json_t *a = json_object_get(person(o, 0), "accommodations");
    json_t *b = json_object_get(person(o, 1), "accommodations");
    assert_true(json_is_true(json_object_get(a, "read_aloud")));
    assert_int_equal(json_integer_value(json_object_get(a, "extra_minutes")), 15);
    assert_true(json_is_false(json_object_get(b, "read_aloud")));
    assert_int_equal(json_integer_value(json_object_get(b, "extra_minutes")), 0);
    json_decref(o);
    free(p);
}

static void test_aspects_of_a_nip_off_the_roster_store_nothing(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "", *json = NULL;
    const char csv[] = "nip,pktbt\n" NIP_A ",85\n199105152024122046,80\n";
    size_t n = 0;
    assert_int_equal(cohort_aspects_import(x->st, "c1", csv, strlen(csv), &n, why), -1);
    assert_non_null(strstr(why, "199105152024122046 is not on the roster"));
    cohort_err e;
    json = cohort_recap_preview(x->st, "c1", &e);
    json_t *o = json_loads(json, 0, NULL);
    assert_true(json_is_null(json_object_get(person(o, 0), "pktbt")));
    json_decref(o);
    free(json);
    assert_int_equal(cohort_aspects_import(x->st, "nobody", csv, strlen(csv), &n, why), -1);
    assert_non_null(strstr(why, "not known"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_preview_is_computed_fresh_and_never_stored, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_recording_numbers_runs_and_keeps_what_was_recorded,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_run_recorded_yet_says_how_to_record_one, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_the_recap_shows_the_accommodations_of_the_kiosk_results, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_exam_score_shows_and_disputed_attempts_are_flagged,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_aspects_of_a_nip_off_the_roster_store_nothing, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
