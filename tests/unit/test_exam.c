/* test_exam.c -- exam definitions: every field, its default, its limits and the canonical JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exam.h"
#include "why.h"

#define FIXTURES "tests/data/exams"  /* relative to the repository root */

/* Reads a fixture; caller frees. Fails the test when missing. */
static char *slurp(const char *path, size_t *len)
{
    char *buf = NULL, why[WHY_SIZE] = "";
    if (bank_file_read(path, (size_t)1 << 24, &buf, len, why) != BANK_OK)
        fail_msg("%s (run the tests from the repository root)", why);
    return buf;
}

/* Parses `json`; the test fails when it is rejected. Caller frees. */
static bank_exam *ok(const char *json)
{
    bank_err err = BANK_EINVAL;
    char why[WHY_SIZE] = "";
    bank_exam *e = bank_exam_parse(json, strlen(json), &err, why);
    if (!e) fail_msg("rejected (%d: %s): %s", err, why, json);
    assert_int_equal(err, BANK_OK);
    return e;
}

/* Checks that `json` is refused with `want` and a one-line `why` holding `needle`. */
static void refused_as(const char *json, size_t len, bank_err want, const char *needle)
{
    bank_err err = BANK_OK;
    char why[WHY_SIZE] = "";
    bank_exam *e = bank_exam_parse(json, len, &err, why);
    if (e) {
        bank_exam_free(e);
        fail_msg("accepted: %s", json);
    }
    if (err != want || !strstr(why, needle))
        fail_msg("want error %d naming \"%s\", got %d \"%s\" for %s", want, needle, err, why,
                 json);
    assert_null(strchr(why, '\n'));
}

static void refused(const char *json, const char *needle)
{
    refused_as(json, strlen(json), BANK_EEXAM, needle);
}

/* An academic exam with the given extra fields spliced in. */
static char *with(const char *extra, const char *kind)
{
    static char buf[8192];
    snprintf(buf, sizeof buf,
             "{\"id\":\"x\",\"title\":\"Ujian\",\"kind\":\"%s\",\"minutes\":60,"
             "\"quotas\":{\"t1\":5,\"t2\":5}%s%s}",
             kind, *extra ? "," : "", extra);
    return buf;
}

/* Checks that parse(json(e)) gives the same JSON again; returns it. */
static char *round_trip(const bank_exam *e)
{
    char *once = bank_exam_json(e);
    assert_non_null(once);
    bank_exam *again = ok(once);
    char *twice = bank_exam_json(again);
    assert_string_equal(once, twice);
    free(twice);
    bank_exam_free(again);
    return once;
}

static void test_kind_names_follow_spec(void **state)
{
    (void)state;
    assert_string_equal(bank_exam_kind_name(BANK_EXAM_ACADEMIC), "academic");
    assert_string_equal(bank_exam_kind_name(BANK_EXAM_QUIZ), "quiz");
    assert_string_equal(bank_exam_kind_name(BANK_EXAM_COMPETENCY), "competency");
    assert_string_equal(bank_exam_kind_name(BANK_EXAM_RPL), "rpl");
    assert_null(bank_exam_kind_name((bank_exam_kind)4));
}

static void test_every_valid_fixture_parses_and_round_trips(void **state)
{
    (void)state;
    DIR *d = opendir(FIXTURES "/valid");
    assert_non_null(d);
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') continue;
        char path[512];
        size_t len;
        snprintf(path, sizeof path, FIXTURES "/valid/%s", de->d_name);
        char *text = slurp(path, &len);
        bank_exam *e = ok(text);
        free(round_trip(e));
        bank_exam_free(e);
        free(text);
        n++;
    }
    closedir(d);
    assert_true(n >= 6);
}

static const struct {
    const char *file;
    bank_err err;
    const char *needle;
} invalid_fixtures[] = {
    {"unknown-field", BANK_EEXAM, "unknown field \"pase_mark\" (did you mean \"pass_mark\"?)"},
    {"pass-mark-real", BANK_EEXAM, "pass_mark is in hundredths: write 7001 for 70.01"},
    {"pass-mark-over-100", BANK_EEXAM, "pass_mark must be 0..10000, not 10001"},
    {"rpl-two-attempts", BANK_EEXAM, "max_attempts of an rpl exam must be exactly 1"},
    {"quiz-six-attempts", BANK_EEXAM, "max_attempts of a quiz exam must be 1..5, not 6"},
    {"competency-four-attempts", BANK_EEXAM, "max_attempts of a competency exam must be 1..3"},
    {"ceilings-gap", BANK_EEXAM, "ceilings[1] starts at attempt 5; expected 4"},
    {"ceilings-overlap", BANK_EEXAM, "ceilings[1] starts at attempt 3; expected 4"},
    {"ceilings-not-from-1", BANK_EEXAM, "ceilings[0] starts at attempt 2; expected 1"},
    {"ceilings-unlimited-closed", BANK_EEXAM, "ceilings: an unlimited exam needs an open-ended"},
    {"ceilings-short", BANK_EEXAM, "ceilings end at attempt 2 but max_attempts is 3"},
    {"ceiling-real", BANK_EEXAM, "ceilings[0] ceiling is in hundredths"},
    {"sections-shares-sum", BANK_EEXAM, "sections: shares add up to 9000"},
    {"sections-topic-twice", BANK_EEXAM, "sections[1].topics[0] \"t2\" is already in section"},
    {"sections-unknown-topic", BANK_EEXAM, "sections[1].topics[1] \"t3\" has no quota"},
    {"sections-missing-topic", BANK_EEXAM, "quotas topic \"t2\" is in no section"},
    {"difficulty-sum", BANK_EEXAM, "difficulty: easy + medium + hard must be 100"},
    {"difficulty-unknown-band", BANK_EEXAM, "difficulty: unknown field \"difficult\""},
    {"quotas-empty", BANK_EEXAM, "quotas must name at least one topic"},
    {"quota-zero", BANK_EEXAM, "quotas \"t1\" must be 1..1000, not 0"},
    {"quotas-over-form-size", BANK_EEXAM, "quotas add up to 1001 items"},
    {"id-bad-char", BANK_EEXAM, "id may contain only A-Z a-z 0-9 . _ -"},
    {"title-empty", BANK_EEXAM, "title must not be empty"},
    {"title-nul-escape", BANK_EEXAM, "title contains a NUL byte"},
    {"minutes-zero", BANK_EEXAM, "minutes must be 1..600, not 0"},
    {"minutes-string", BANK_EEXAM, "minutes must be an integer, not a string"},
    {"kind-unknown", BANK_EEXAM, "kind must be one of"},
    {"missing-quotas", BANK_EEXAM, "missing required field \"quotas\""},
    {"not-object", BANK_EEXAM, "exam JSON must be an object"},
    {"syntax-error", BANK_EPARSE, "exam JSON line 4 column"},
    {"duplicate-key", BANK_EPARSE, "duplicate object key"},
    {"nul-byte", BANK_EPARSE, "line 2 column 14: NUL byte"},
};

static void test_every_invalid_fixture_is_refused_naming_the_field(void **state)
{
    (void)state;
    size_t n = sizeof invalid_fixtures / sizeof invalid_fixtures[0];
    for (size_t i = 0; i < n; i++) {
        char path[512];
        size_t len;
        snprintf(path, sizeof path, FIXTURES "/invalid/%s.json", invalid_fixtures[i].file);
        char *text = slurp(path, &len);
        refused_as(text, len, invalid_fixtures[i].err, invalid_fixtures[i].needle);
        free(text);
    }
    /* and no fixture in the folder goes unchecked */
    DIR *d = opendir(FIXTURES "/invalid");
    assert_non_null(d);
    struct dirent *de;
    size_t files = 0;
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.') files++;
    closedir(d);
    assert_int_equal(files, n);
}

static void test_academic_defaults_follow_spec(void **state)
{
    (void)state;
    bank_exam *e = ok(with("", "academic"));
    assert_int_equal(bank_exam_pass_mark(e), 7001);
    assert_int_equal(bank_exam_max_attempts(e), 0);
    assert_string_equal(bank_exam_programme(e), "");
    assert_int_equal(bank_exam_ceiling(e, 1), 10000);
    assert_int_equal(bank_exam_ceiling(e, 3), 10000);
    assert_int_equal(bank_exam_ceiling(e, 4), 9001);
    assert_int_equal(bank_exam_ceiling(e, 5), 9001);
    assert_int_equal(bank_exam_ceiling(e, 6), 8000);
    assert_int_equal(bank_exam_ceiling(e, 7), 7001);
    assert_int_equal(bank_exam_ceiling(e, 1000000), 7001);
    assert_int_equal(bank_exam_ceiling(e, 0), -1);
    assert_int_equal(bank_exam_ceiling(e, -3), -1);
    bank_exam_free(e);
}

static void test_quiz_defaults_pass_7000_max_5(void **state)
{
    (void)state;
    bank_exam *e = ok(with("", "quiz"));
    assert_int_equal(bank_exam_kind_of(e), BANK_EXAM_QUIZ);
    assert_int_equal(bank_exam_pass_mark(e), 7000);
    assert_int_equal(bank_exam_max_attempts(e), 5);
    assert_int_equal(bank_exam_ceiling(e, 1), 10000);
    assert_int_equal(bank_exam_ceiling(e, 5), 10000);
    bank_exam_free(e);
}

static void test_competency_defaults_pass_7001_max_3(void **state)
{
    (void)state;
    bank_exam *e = ok(with("", "competency"));
    assert_int_equal(bank_exam_pass_mark(e), 7001);
    assert_int_equal(bank_exam_max_attempts(e), 3);
    bank_exam_free(e);
    e = ok(with("\"pass_mark\":7500,\"max_attempts\":2", "competency"));
    assert_int_equal(bank_exam_pass_mark(e), 7500);
    assert_int_equal(bank_exam_max_attempts(e), 2);
    bank_exam_free(e);
}

static void test_rpl_defaults_pass_8500_exactly_one_attempt(void **state)
{
    (void)state;
    bank_exam *e = ok(with("", "rpl"));
    assert_int_equal(bank_exam_pass_mark(e), 8500);
    assert_int_equal(bank_exam_max_attempts(e), 1);
    bank_exam_free(e);
    e = ok(with("\"max_attempts\":1", "rpl"));
    assert_int_equal(bank_exam_max_attempts(e), 1);
    bank_exam_free(e);
}

static void test_rpl_max_attempts_2_is_refused_at_parse(void **state)
{
    (void)state;
    refused(with("\"max_attempts\":2", "rpl"),
            "max_attempts of an rpl exam must be exactly 1 (no remedial), not 2");
    refused(with("\"max_attempts\":0", "rpl"), "max_attempts of an rpl exam");
}

static void test_quiz_max_attempts_is_1_to_5(void **state)
{
    (void)state;
    refused(with("\"max_attempts\":6", "quiz"), "max_attempts of a quiz exam must be 1..5, not 6");
    refused(with("\"max_attempts\":0", "quiz"), "max_attempts of a quiz exam must be 1..5");
    bank_exam *e = ok(with("\"max_attempts\":1", "quiz"));
    assert_int_equal(bank_exam_max_attempts(e), 1);
    bank_exam_free(e);
}

static void test_competency_max_attempts_is_at_most_3(void **state)
{
    (void)state;
    refused(with("\"max_attempts\":4", "competency"), "competency exam must be 1..3, not 4");
    bank_exam *e = ok(with("\"max_attempts\":3", "competency"));
    assert_int_equal(bank_exam_max_attempts(e), 3);
    bank_exam_free(e);
}

static void test_max_attempts_types_and_defaults(void **state)
{
    (void)state;
    refused(with("\"max_attempts\":-1", "academic"), "0 (unlimited) or 1..");
    refused(with("\"max_attempts\":2.0", "quiz"), "max_attempts must be a whole number");
    refused(with("\"max_attempts\":\"3\"", "quiz"), "max_attempts must be an integer");
    bank_exam *e = ok(with("\"max_attempts\":5", "quiz"));
    assert_int_equal(bank_exam_max_attempts(e), 5);
    bank_exam_free(e);
    e = ok(with("\"max_attempts\":null", "quiz"));
    assert_int_equal(bank_exam_max_attempts(e), 5);
    bank_exam_free(e);
    e = ok(with("\"max_attempts\":0", "academic"));
    assert_int_equal(bank_exam_max_attempts(e), 0);
    bank_exam_free(e);
}

static void test_pass_mark_is_in_hundredths(void **state)
{
    (void)state;
    bank_exam *e = ok(with("\"pass_mark\":0", "academic"));
    assert_int_equal(bank_exam_pass_mark(e), 0);
    bank_exam_free(e);
    e = ok(with("\"pass_mark\":10000", "quiz"));
    assert_int_equal(bank_exam_pass_mark(e), 10000);
    bank_exam_free(e);
    refused(with("\"pass_mark\":70.01", "academic"),
            "pass_mark is in hundredths: write 7001 for 70.01");
    refused(with("\"pass_mark\":7001.0", "academic"), "pass_mark is in hundredths");
    refused(with("\"pass_mark\":-1", "academic"), "pass_mark must be 0..10000, not -1");
    refused(with("\"pass_mark\":true", "academic"), "pass_mark must be an integer, not a boolean");
}

static void test_unknown_fields_never_pass_silently(void **state)
{
    (void)state;
    refused(with("\"minute\":60", "quiz"), "unknown field \"minute\" (did you mean \"minutes\"?)");
    refused(with("\"comment\":\"x\"", "quiz"), "unknown field \"comment\"");
    refused(with("\"max_attempt\":3", "quiz"), "did you mean \"max_attempts\"?");
    refused(with("\"Quotas\":{}", "quiz"), "unknown field \"Quotas\"");
    refused(with("\"sections\":[{\"id\":\"s\",\"share\":10000,\"topics\":[\"t1\",\"t2\"],"
                 "\"weight\":1}]", "quiz"),
            "sections[0]: unknown field \"weight\"");
    const char *nulkey = with("\"x\\u0000y\":1", "quiz");
    refused_as(nulkey, strlen(nulkey), BANK_EPARSE, "NUL byte in object key");
    /* a long key is shortened in the detail */
    char extra[300];
    snprintf(extra, sizeof extra, "\"%0200d\":1", 0);
    refused(with(extra, "quiz"), "...\"");
}

static void test_required_fields_are_required(void **state)
{
    (void)state;
    refused("{\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":5,\"quotas\":{\"a\":1}}",
            "missing required field \"id\"");
    refused("{\"id\":\"x\",\"kind\":\"quiz\",\"minutes\":5,\"quotas\":{\"a\":1}}",
            "missing required field \"title\"");
    refused("{\"id\":\"x\",\"title\":\"T\",\"minutes\":5,\"quotas\":{\"a\":1}}",
            "missing required field \"kind\"");
    refused("{\"id\":\"x\",\"title\":\"T\",\"kind\":\"quiz\",\"quotas\":{\"a\":1}}",
            "missing required field \"minutes\"");
    refused("{}", "missing required field");
    refused("[]", "exam JSON must be an object, not an array");
    refused_as("\"exam\"", 6, BANK_EPARSE, "exam JSON line 1");
}

static void test_wrong_types_name_the_field(void **state)
{
    (void)state;
    refused("{\"id\":7,\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":5,\"quotas\":{\"a\":1}}",
            "id must be a string, not an integer");
    refused("{\"id\":\"x\",\"title\":[],\"kind\":\"quiz\",\"minutes\":5,\"quotas\":{\"a\":1}}",
            "title must be a string, not an array");
    refused("{\"id\":\"x\",\"title\":\"T\",\"kind\":1,\"minutes\":5,\"quotas\":{\"a\":1}}",
            "kind must be one of");
    refused("{\"id\":\"x\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":5,\"quotas\":[1]}",
            "quotas must be an object");
    refused(with("\"programme\":5", "quiz"), "programme must be a string");
    refused(with("\"ceilings\":{}", "quiz"), "ceilings must be an array");
    refused(with("\"sections\":{}", "quiz"), "sections must be an array");
    refused(with("\"difficulty\":[]", "quiz"), "difficulty must be an object");
    refused("{\"id\":\"x\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":90.5,\"quotas\":{\"a\":1}}",
            "minutes must be a whole number");
    refused("{\"id\":\"x\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":5,\"quotas\":{\"a\":\"1\"}}",
            "quotas \"a\" must be an integer, not a string");
    refused("{\"id\":\"x\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":5,\"quotas\":{\"a\":1.5}}",
            "quotas \"a\" must be a whole number");
}

static void test_invalid_json_reports_line_and_column(void **state)
{
    (void)state;
    refused_as("{\"id\":\"x\",\n\"title\":}", 19, BANK_EPARSE, "exam JSON line 2 column");
    refused_as("", 0, BANK_EPARSE, "exam JSON line");
    refused_as("{\"id\":\"x\"} trailing", 19, BANK_EPARSE, "exam JSON line 1");
    refused_as("{\"id\":\"x\xff\"}", 11, BANK_EPARSE, "exam JSON line 1");
    refused_as("{\"minutes\":100000000000000000000000}", 36, BANK_EPARSE, "too big");
    refused_as("{\"id\":\"x\"}\0{}", 13, BANK_EPARSE, "line 1 column 11: NUL byte");
    bank_err err = BANK_OK;
    assert_null(bank_exam_parse(NULL, 0, &err, NULL));
    assert_int_equal(err, BANK_EINVAL);
    assert_null(bank_exam_parse("{", 1, NULL, NULL));  /* err and why may be NULL */
}

static void test_id_and_programme_charset_and_length(void **state)
{
    (void)state;
    char json[512];
    char id64[65];
    memset(id64, 'a', 64);
    id64[64] = '\0';
    snprintf(json, sizeof json,
             "{\"id\":\"%s\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":5,\"quotas\":{\"a\":1}}",
             id64);
    bank_exam *e = ok(json);
    assert_string_equal(bank_exam_id(e), id64);
    bank_exam_free(e);
    snprintf(json, sizeof json,
             "{\"id\":\"%sb\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":5,\"quotas\":{\"a\":1}}",
             id64);
    refused(json, "id is longer than 64 characters");
    refused("{\"id\":\"\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":5,\"quotas\":{\"a\":1}}",
            "id must not be empty");
    refused("{\"id\":\"a/b\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":5,\"quotas\":{\"a\":1}}",
            "found \"/\" at 2");
    refused("{\"id\":\"a\\u0000\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":5,"
            "\"quotas\":{\"a\":1}}",
            "id contains a NUL byte");
    refused("{\"id\":\"\xc3\xa9\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":5,"
            "\"quotas\":{\"a\":1}}",
            "id may contain only");
    e = ok(with("\"programme\":\"Latsar_2026.b-1\"", "quiz"));
    assert_string_equal(bank_exam_programme(e), "Latsar_2026.b-1");
    bank_exam_free(e);
    e = ok(with("\"programme\":\"\"", "quiz"));
    assert_string_equal(bank_exam_programme(e), "");
    bank_exam_free(e);
    refused(with("\"programme\":\"latsar 2026\"", "quiz"), "programme may contain only");
}

static void test_title_is_utf8_up_to_200_bytes(void **state)
{
    (void)state;
    char json[1024], title[256];
    memset(title, 'x', 200);
    title[200] = '\0';
    snprintf(json, sizeof json,
             "{\"id\":\"x\",\"title\":\"%s\",\"kind\":\"quiz\",\"minutes\":5,\"quotas\":{\"a\":1}}",
             title);
    bank_exam *e = ok(json);
    assert_int_equal(strlen(bank_exam_title(e)), 200);
    bank_exam_free(e);
    snprintf(json, sizeof json,
             "{\"id\":\"x\",\"title\":\"%sx\",\"kind\":\"quiz\",\"minutes\":5,\"quotas\":{\"a\":1}}",
             title);
    refused(json, "title is 201 bytes; at most 200");
    e = ok("{\"id\":\"x\",\"title\":\"Ujian Akhir \xe2\x80\x94 \\u00c9\",\"kind\":\"quiz\","
           "\"minutes\":5,\"quotas\":{\"a\":1}}");
    assert_string_equal(bank_exam_title(e), "Ujian Akhir \xe2\x80\x94 \xc3\x89");
    free(round_trip(e));
    bank_exam_free(e);
    refused("{\"id\":\"x\",\"title\":\"a\\nb\",\"kind\":\"quiz\",\"minutes\":5,\"quotas\":{\"a\":1}}",
            "title contains a control character at byte 2");
}

static void test_minutes_are_1_to_600(void **state)
{
    (void)state;
    bank_exam *e = ok(with("", "quiz"));
    assert_int_equal(bank_exam_minutes(e), 60);
    bank_exam_free(e);
    e = ok("{\"id\":\"x\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":600,\"quotas\":{\"a\":1}}");
    assert_int_equal(bank_exam_minutes(e), 600);
    bank_exam_free(e);
    refused("{\"id\":\"x\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":601,\"quotas\":{\"a\":1}}",
            "minutes must be 1..600, not 601");
    refused("{\"id\":\"x\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":null,\"quotas\":{\"a\":1}}",
            "minutes must be an integer, not null");
}

static void test_custom_ceiling_table_is_honoured(void **state)
{
    (void)state;
    size_t len;
    char *text = slurp(FIXTURES "/valid/custom-ceilings.json", &len);
    bank_exam *e = ok(text);
    free(text);
    assert_int_equal(bank_exam_ceiling(e, 1), 10000);
    assert_int_equal(bank_exam_ceiling(e, 2), 10000);
    assert_int_equal(bank_exam_ceiling(e, 3), 8500);
    assert_int_equal(bank_exam_ceiling(e, 4), 8500);
    assert_int_equal(bank_exam_ceiling(e, 5), 7500);
    assert_int_equal(bank_exam_ceiling(e, 50), 7500);
    bank_exam_free(e);
}

static void test_limited_exam_ceilings_may_end_at_max_attempts(void **state)
{
    (void)state;
    bank_exam *e = ok(with("\"max_attempts\":4,\"ceilings\":[[1,2,10000],[3,4,9001]]",
                           "academic"));
    assert_int_equal(bank_exam_ceiling(e, 4), 9001);
    assert_int_equal(bank_exam_ceiling(e, 5), -1);
    bank_exam_free(e);
    e = ok(with("\"ceilings\":[[1,5,10000]]", "quiz"));  /* reaches max_attempts 5 */
    assert_int_equal(bank_exam_ceiling(e, 5), 10000);
    assert_int_equal(bank_exam_ceiling(e, 6), -1);
    bank_exam_free(e);
    refused(with("\"ceilings\":[[1,4,10000]]", "quiz"),
            "ceilings end at attempt 4 but max_attempts is 5");
    refused(with("\"ceilings\":[[1,3,10000],[4,null,9000]]", "competency"),
            "ceilings[1] starts at attempt 4, after max_attempts 3");
}

static void test_default_ceilings_stop_at_a_limited_max_attempts(void **state)
{
    (void)state;
    bank_exam *e = ok(with("\"max_attempts\":2", "academic"));
    assert_int_equal(bank_exam_ceiling(e, 2), 10000);
    char *json = round_trip(e);
    assert_non_null(strstr(json, "\"max_attempts\":2,\"ceilings\":[[1,3,10000]],"));
    free(json);
    bank_exam_free(e);
    e = ok(with("\"max_attempts\":6", "academic"));
    assert_int_equal(bank_exam_ceiling(e, 5), 9001);
    assert_int_equal(bank_exam_ceiling(e, 6), 8000);
    json = round_trip(e);
    assert_non_null(strstr(json, "\"ceilings\":[[1,3,10000],[4,5,9001],[6,6,8000]],"));
    free(json);
    bank_exam_free(e);
}

static void test_bad_ceiling_rows_are_refused(void **state)
{
    (void)state;
    refused(with("\"ceilings\":[]", "academic"), "ceilings must have at least one row");
    refused(with("\"ceilings\":[[1,null]]", "academic"), "ceilings[0] must be a row");
    refused(with("\"ceilings\":[1]", "academic"), "ceilings[0] must be a row");
    refused(with("\"ceilings\":[[1,null,10000],[2,null,9000]]", "academic"),
            "ceilings[0] is open-ended (to null) but is not the last row");
    refused(with("\"ceilings\":[[1,3,10000],[4,2,9000]]", "academic"),
            "ceilings[1] ends (2) before it starts (4)");
    refused(with("\"ceilings\":[[1,null,10001]]", "academic"),
            "ceilings[0] ceiling must be 0..10000, not 10001");
    refused(with("\"ceilings\":[[1,null,-1]]", "academic"), "ceilings[0] ceiling must be 0..");
    refused(with("\"ceilings\":[[0,null,10000]]", "academic"), "ceilings[0] from must be 1..");
    refused(with("\"ceilings\":[[1.0,null,10000]]", "academic"), "ceilings[0] from must be a");
    refused(with("\"ceilings\":[[1,\"3\",10000],[4,null,1]]", "academic"),
            "ceilings[0] to must be an integer, not a string");
    char extra[2048] = "\"ceilings\":[";
    for (int i = 1; i <= 65; i++)
        snprintf(extra + strlen(extra), sizeof extra - strlen(extra), "%s[%d,%d,10000]",
                 i > 1 ? "," : "", i, i);
    strcat(extra, "]");
    refused(with(extra, "academic"), "ceilings has 65 rows; at most 64");
}

static void test_quotas_keep_their_order_and_sum_to_the_form_size(void **state)
{
    (void)state;
    bank_exam *e = ok("{\"id\":\"x\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":5,"
                      "\"quotas\":{\"zeta\":3,\"alpha\":1,\"mid\":6}}");
    assert_int_equal(bank_exam_ntopics(e), 3);
    int q = 0;
    assert_string_equal(bank_exam_topic(e, 0, &q), "zeta");
    assert_int_equal(q, 3);
    assert_string_equal(bank_exam_topic(e, 1, &q), "alpha");
    assert_int_equal(q, 1);
    assert_string_equal(bank_exam_topic(e, 2, NULL), "mid");
    assert_null(bank_exam_topic(e, 3, &q));
    assert_int_equal(bank_exam_form_size(e), 10);
    char *json = round_trip(e);
    assert_non_null(strstr(json, "\"quotas\":{\"zeta\":3,\"alpha\":1,\"mid\":6}"));
    free(json);
    bank_exam_free(e);
}

static void test_quota_and_form_size_limit_is_1000(void **state)
{
    (void)state;
    bank_exam *e = ok("{\"id\":\"x\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":5,"
                      "\"quotas\":{\"a\":1000}}");
    assert_int_equal(bank_exam_form_size(e), 1000);
    bank_exam_free(e);
    refused("{\"id\":\"x\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":5,\"quotas\":{\"a\":1001}}",
            "quotas \"a\" must be 1..1000, not 1001");
    refused("{\"id\":\"x\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":5,"
            "\"quotas\":{\"a\":500,\"b\":500,\"c\":1}}",
            "quotas add up to 1001 items; a form holds at most 1000");
    refused("{\"id\":\"x\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":5,\"quotas\":{\"a b\":1}}",
            "quotas topic may contain only");
    refused("{\"id\":\"x\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":5,\"quotas\":{\"\":1}}",
            "quotas topic must not be empty");
    const char *nulkey = "{\"id\":\"x\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":5,"
                         "\"quotas\":{\"a\\u0000\":1}}";
    refused_as(nulkey, strlen(nulkey), BANK_EPARSE, "NUL byte in object key");
}

static void test_sections_express_the_70_30_blueprint(void **state)
{
    (void)state;
    size_t len;
    char *text = slurp(FIXTURES "/valid/latsar-akademik.json", &len);
    bank_exam *e = ok(text);
    free(text);
    assert_string_equal(bank_exam_id(e), "latsar-akademik");
    assert_string_equal(bank_exam_programme(e), "latsar-2026");
    assert_int_equal(bank_exam_minutes(e), 90);
    assert_int_equal(bank_exam_form_size(e), 20);
    char *json = round_trip(e);
    assert_non_null(strstr(json, "{\"id\":\"substansi-1\",\"share\":7000,\"topics\":"
                                 "[\"wawasan-kebangsaan\",\"analisis-isu\","
                                 "\"kesiapsiagaan-bela-negara\",\"berakhlak\"]}"));
    assert_non_null(strstr(json, "{\"id\":\"substansi-2\",\"share\":3000,\"topics\":"
                                 "[\"manajemen-asn\",\"smart-asn\"]}"));
    free(json);
    bank_exam_free(e);
}

static void test_bad_sections_are_refused(void **state)
{
    (void)state;
    refused(with("\"sections\":[{\"id\":\"s\",\"share\":10000,\"topics\":[]}]", "quiz"),
            "sections[0].topics must be a non-empty array");
    refused(with("\"sections\":[{\"id\":\"s\",\"share\":10000}]", "quiz"),
            "sections[0].topics is required");
    refused(with("\"sections\":[{\"id\":\"s\",\"share\":0,\"topics\":[\"t1\",\"t2\"]}]", "quiz"),
            "sections[0].share must be 1..10000, not 0");
    refused(with("\"sections\":[{\"id\":\"s\",\"share\":70.0,\"topics\":[\"t1\"]},"
                 "{\"id\":\"u\",\"share\":30.0,\"topics\":[\"t2\"]}]", "quiz"),
            "sections[0].share is in hundredths: write 7000 for 70 %");
    refused(with("\"sections\":[{\"id\":\"s\",\"share\":7000,\"topics\":[\"t1\"]},"
                 "{\"id\":\"s\",\"share\":3000,\"topics\":[\"t2\"]}]", "quiz"),
            "sections[1].id \"s\" is used twice");
    refused(with("\"sections\":[{\"id\":\"s\",\"share\":7000,\"topics\":[\"t1\",\"t1\"]},"
                 "{\"id\":\"u\",\"share\":3000,\"topics\":[\"t2\"]}]", "quiz"),
            "sections[0].topics[1] \"t1\" is already in section \"s\"");
    refused(with("\"sections\":[{\"id\":\"s\",\"share\":10000,\"topics\":[\"t1\",2]}]", "quiz"),
            "sections[0].topics[1] must be a string");
    refused(with("\"sections\":[7]", "quiz"), "sections[0] must be an object");
    char extra[2048] = "\"sections\":[";
    for (int i = 0; i < 9; i++)
        snprintf(extra + strlen(extra), sizeof extra - strlen(extra),
                 "%s{\"id\":\"s%d\",\"share\":1000,\"topics\":[\"t%d\"]}", i ? "," : "", i, i);
    strcat(extra, "]");
    refused(with(extra, "quiz"), "sections has 9 entries; at most 8");
    bank_exam *e = ok(with("\"sections\":[]", "quiz"));  /* empty = no sections */
    free(round_trip(e));
    bank_exam_free(e);
}

static void test_difficulty_mix_is_split_by_largest_remainder(void **state)
{
    (void)state;
    bank_exam *e = ok("{\"id\":\"x\",\"title\":\"T\",\"kind\":\"quiz\",\"minutes\":5,"
                      "\"quotas\":{\"ten\":10,\"five\":5,\"one\":1,\"two\":2},"
                      "\"difficulty\":{\"easy\":30,\"medium\":40,\"hard\":30}}");
    assert_true(exam_has_mix(e));
    static const int want[4][EXAM_NBANDS] = {{3, 4, 3}, {2, 2, 1}, {0, 1, 0}, {1, 1, 0}};
    /* five: 1.5/2/1.5, the spare item ties and goes to the lower band (easy);
     * one: 0.3/0.4/0.3, medium has the largest remainder; two: 0.6/0.8/0.6 */
    for (size_t i = 0; i < 4; i++)
        for (int b = 0; b < EXAM_NBANDS; b++) assert_int_equal(exam_band_quota(e, i, b), want[i][b]);
    assert_int_equal(exam_band_quota(e, 4, EXAM_EASY), 0);
    assert_int_equal(exam_band_quota(e, 0, 3), 0);
    bank_exam_free(e);
    e = ok(with("\"difficulty\":{\"hard\":100}", "quiz"));  /* missing keys are 0 */
    assert_int_equal(exam_band_quota(e, 0, EXAM_HARD), 5);
    assert_int_equal(exam_band_quota(e, 0, EXAM_EASY), 0);
    char *json = round_trip(e);
    assert_non_null(strstr(json, "\"difficulty\":{\"easy\":0,\"medium\":0,\"hard\":100}"));
    free(json);
    bank_exam_free(e);
    refused(with("\"difficulty\":{\"easy\":30.5,\"medium\":69.5}", "quiz"),
            "difficulty.easy is in whole percent: write 30 for 30 %");
    refused(with("\"difficulty\":{\"easy\":101}", "quiz"), "difficulty.easy must be 0..100");
    refused(with("\"difficulty\":{}", "quiz"), "must be 100 (percent), not 0");
}

static void test_without_mix_the_whole_quota_is_medium(void **state)
{
    (void)state;
    bank_exam *e = ok(with("\"difficulty\":null", "quiz"));
    assert_false(exam_has_mix(e));
    assert_int_equal(exam_band_quota(e, 0, EXAM_MEDIUM), 5);
    assert_int_equal(exam_band_quota(e, 0, EXAM_EASY), 0);
    assert_int_equal(exam_band_quota(e, 0, EXAM_HARD), 0);
    bank_exam_free(e);
}

static void test_band_ranges_easy_1_2_medium_3_hard_4_5(void **state)
{
    (void)state;
    int lo, hi;
    exam_band_range(EXAM_EASY, &lo, &hi);
    assert_true(lo == 1 && hi == 2);
    exam_band_range(EXAM_MEDIUM, &lo, &hi);
    assert_true(lo == 3 && hi == 3);
    exam_band_range(EXAM_HARD, &lo, &hi);
    assert_true(lo == 4 && hi == 5);
}

static void test_canonical_json_writes_every_default(void **state)
{
    (void)state;
    bank_exam *e = ok(with("", "academic"));
    char *json = round_trip(e);
    assert_string_equal(json,
                        "{\"id\":\"x\",\"title\":\"Ujian\",\"kind\":\"academic\",\"programme\":\"\","
                        "\"minutes\":60,\"pass_mark\":7001,\"max_attempts\":0,"
                        "\"ceilings\":[[1,3,10000],[4,5,9001],[6,6,8000],[7,null,7001]],"
                        "\"quotas\":{\"t1\":5,\"t2\":5},\"sections\":[],\"difficulty\":null}");
    free(json);
    bank_exam_free(e);
    e = ok(with("", "rpl"));
    json = round_trip(e);
    assert_non_null(strstr(json, "\"pass_mark\":8500,\"max_attempts\":1,"
                                 "\"ceilings\":[[1,null,10000]]"));
    free(json);
    bank_exam_free(e);
}

static void test_null_exam_is_harmless(void **state)
{
    (void)state;
    bank_exam_free(NULL);
    assert_null(bank_exam_json(NULL));
    assert_int_equal(bank_exam_ceiling(NULL, 1), -1);
    assert_int_equal(bank_exam_form_size(NULL), 0);
    assert_false(exam_has_mix(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_names_follow_spec),
        cmocka_unit_test(test_every_valid_fixture_parses_and_round_trips),
        cmocka_unit_test(test_every_invalid_fixture_is_refused_naming_the_field),
        cmocka_unit_test(test_academic_defaults_follow_spec),
        cmocka_unit_test(test_quiz_defaults_pass_7000_max_5),
        cmocka_unit_test(test_competency_defaults_pass_7001_max_3),
        cmocka_unit_test(test_rpl_defaults_pass_8500_exactly_one_attempt),
        cmocka_unit_test(test_rpl_max_attempts_2_is_refused_at_parse),
        cmocka_unit_test(test_quiz_max_attempts_is_1_to_5),
        cmocka_unit_test(test_competency_max_attempts_is_at_most_3),
        cmocka_unit_test(test_max_attempts_types_and_defaults),
        cmocka_unit_test(test_pass_mark_is_in_hundredths),
        cmocka_unit_test(test_unknown_fields_never_pass_silently),
        cmocka_unit_test(test_required_fields_are_required),
        cmocka_unit_test(test_wrong_types_name_the_field),
        cmocka_unit_test(test_invalid_json_reports_line_and_column),
        cmocka_unit_test(test_id_and_programme_charset_and_length),
        cmocka_unit_test(test_title_is_utf8_up_to_200_bytes),
        cmocka_unit_test(test_minutes_are_1_to_600),
        cmocka_unit_test(test_custom_ceiling_table_is_honoured),
        cmocka_unit_test(test_limited_exam_ceilings_may_end_at_max_attempts),
        cmocka_unit_test(test_default_ceilings_stop_at_a_limited_max_attempts),
        cmocka_unit_test(test_bad_ceiling_rows_are_refused),
        cmocka_unit_test(test_quotas_keep_their_order_and_sum_to_the_form_size),
        cmocka_unit_test(test_quota_and_form_size_limit_is_1000),
        cmocka_unit_test(test_sections_express_the_70_30_blueprint),
        cmocka_unit_test(test_bad_sections_are_refused),
        cmocka_unit_test(test_difficulty_mix_is_split_by_largest_remainder),
        cmocka_unit_test(test_without_mix_the_whole_quota_is_medium),
        cmocka_unit_test(test_band_ranges_easy_1_2_medium_3_hard_4_5),
        cmocka_unit_test(test_canonical_json_writes_every_default),
        cmocka_unit_test(test_null_exam_is_harmless),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
