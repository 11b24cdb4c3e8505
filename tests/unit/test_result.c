/* test_result.c -- the signed result record: canonical JSON, signature, the outbox on disk. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "fixture.h"
#include "result.h"
#include "why.h"

#define NIP "199001012015031001"
#define FORM                                                                              \
    "{\"exam\":\"quiz\",\"session\":\"s1\",\"participant\":\"" NIP "\",\"attempt\":2,"   \
    "\"items\":[{\"id\":\"t0-000\",\"topic\":\"t0\",\"options\":[\"B\",\"A\",\"D\",\"C\"]}," \
    "{\"id\":\"t0-001\",\"topic\":\"t0\",\"options\":[\"A\",\"B\"]},"                    \
    "{\"id\":\"t1-000\",\"topic\":\"t1\",\"options\":[\"E\",\"D\",\"C\",\"B\",\"A\"]}]}"
#define HEAD "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define BANKID "00112233445566778899aabbccddeeff"

/* A submitted sitting, a kiosk key and an outbox folder name. */
typedef struct fx {
    char *dir;
    char outbox[4096];
    bank_signer *signer;
    sitting s;
    bank_score score;
} fx;

/* Applies an event that must fit. */
static void ev(sitting *s, jkind kind, int64_t used, const char *payload)
{
    char why[256] = "";
    jevent e = {.kind = kind, .wall_ms = 1700000000000 + used, .used_ms = used,
                .payload = payload, .hash = ""};
    if (sitting_apply(s, &e, why) != 0) fail_msg("%s: %s", payload, why);
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f) return -1;
    f->dir = fx_tmpdir();
    snprintf(f->outbox, sizeof f->outbox, "%s", fx_path(f->dir, "outbox"));
    bank_err err;
    char why[WHY_SIZE] = "";
    f->signer = bank_signer_open(fx_path(f->dir, "kiosk"), &err, why);
    if (!f->signer) {
        fprintf(stderr, "bank_signer_open: %s\n", why);
        return -1;
    }
    ev(&f->s, J_BEGIN, 0, "{\"form\":" FORM ",\"name\":\"Budi Santoso\",\"minutes\":20}");
    ev(&f->s, J_ANSWER, 3000, "{\"i\":0,\"v\":\"C\"}");
    ev(&f->s, J_ANSWER, 7000, "{\"i\":2,\"v\":\"EA\"}");
    ev(&f->s, J_INCIDENT, 8000, "{\"what\":\"focus-lost\"}");
    ev(&f->s, J_RESUME, 8000, "{\"down_ms\":42000}");
    ev(&f->s, J_SUBMIT, 9000, "{\"why\":\"participant\"}");
    f->score = (bank_score){.raw = 6667, .ceiling = 10000, .awarded = 6667, .passed = false,
                            .band = "Kurang memuaskan"};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    DIR *d = opendir(f->outbox);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            remove(fx_path(f->outbox, e->d_name));
    if (d) closedir(d);
    rmdir(f->outbox);
    sitting_clear(&f->s);
    bank_signer_free(f->signer);
    fx_rmdir(f->dir);
    free(f);
    return 0;
}

/* The record of the fixture's sitting; caller frees. */
static char *record(fx *f)
{
    char *j = result_json(BANKID, "s1", &f->s, &f->score, HEAD, bank_signer_pub(f->signer),
                          1700000009000);
    assert_non_null(j);
    return j;
}

/* Reads a whole file into a NUL-terminated buffer; caller frees. */
static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    char *buf = calloc(1, 1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 20) - 1, fp);
    fclose(fp);
    return buf;
}

static void test_result_json_holds_every_documented_field_canonically(void **state)
{
    fx *f = *state;
    char *text = record(f);
    json_error_t err;
    json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, &err);
    assert_non_null(o);
    /* canonical: re-encoding with sorted keys, compact, gives the same bytes */
    char *again = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
    assert_string_equal(again, text);
    free(again);
    assert_int_equal(json_object_size(o), 20);
    assert_string_equal(json_string_value(json_object_get(o, "kind")), "kisi-result");
    assert_int_equal(json_integer_value(json_object_get(o, "version")), 3);
    json_t *room = json_object_get(o, "room");
    assert_int_equal(json_integer_value(json_object_get(room, "extended_minutes")), 0);
    assert_int_equal(json_integer_value(json_object_get(room, "held_ms")), 0);
    json_t *acc = json_object_get(o, "accommodations");
    assert_true(json_is_false(json_object_get(acc, "read_aloud")));
    assert_int_equal(json_integer_value(json_object_get(acc, "extra_minutes")), 0);
    assert_string_equal(json_string_value(json_object_get(o, "bank")), BANKID);
    assert_string_equal(json_string_value(json_object_get(o, "session")), "s1");
    assert_string_equal(json_string_value(json_object_get(o, "exam")), "quiz");
    assert_string_equal(json_string_value(json_object_get(o, "participant")), NIP);
    assert_string_equal(json_string_value(json_object_get(o, "name")), "Budi Santoso");
    assert_int_equal(json_integer_value(json_object_get(o, "attempt")), 2);
    json_t *form = json_object_get(o, "form");
    assert_int_equal(json_array_size(json_object_get(form, "items")), 3);
    json_t *ans = json_object_get(o, "answers");
    assert_int_equal(json_array_size(ans), 3);
    json_t *a0 = json_array_get(ans, 0), *a1 = json_array_get(ans, 1), *a2 = json_array_get(ans, 2);
    assert_string_equal(json_string_value(json_object_get(a0, "id")), "t0-000");
    assert_string_equal(json_string_value(json_object_get(a0, "v")), "C");
    assert_int_equal(json_integer_value(json_object_get(a0, "ms")), 3000);
    assert_string_equal(json_string_value(json_object_get(a1, "v")), "");
    assert_int_equal(json_integer_value(json_object_get(a1, "ms")), -1);
    assert_string_equal(json_string_value(json_object_get(a2, "v")), "AE");
    json_t *sc = json_object_get(o, "score");
    assert_int_equal(json_integer_value(json_object_get(sc, "raw")), 6667);
    assert_int_equal(json_integer_value(json_object_get(sc, "ceiling")), 10000);
    assert_int_equal(json_integer_value(json_object_get(sc, "awarded")), 6667);
    assert_string_equal(json_string_value(json_object_get(sc, "band")), "Kurang memuaskan");
    assert_true(json_is_false(json_object_get(sc, "passed")));
    assert_string_equal(json_string_value(json_object_get(o, "submitted")), "participant");
    assert_int_equal(json_integer_value(json_object_get(o, "used_ms")), 9000);
    assert_int_equal(json_integer_value(json_object_get(o, "down_ms")), 42000);
    json_t *inc = json_array_get(json_object_get(o, "incidents"), 0);
    assert_int_equal(json_integer_value(json_object_get(inc, "at")), 1700000008000);
    assert_string_equal(json_string_value(json_object_get(inc, "what")), "focus-lost");
    assert_string_equal(json_string_value(json_object_get(o, "journal")), HEAD);
    assert_string_equal(json_string_value(json_object_get(o, "kiosk")),
                        bank_signer_pub(f->signer));
    assert_int_equal(json_integer_value(json_object_get(o, "finished_ms")), 1700000009000);
    json_decref(o);
    free(text);
}

static void test_result_records_read_aloud_and_extra_time_as_accommodations(void **state)
{
    (void)state;
    sitting s = {0};
    ev(&s, J_BEGIN, 0,
       "{\"form\":" FORM ",\"name\":\"X\",\"minutes\":30,\"aloud\":true,\"extra_minutes\":10}");
    ev(&s, J_SUBMIT, 1000, "{\"why\":\"participant\"}");
    assert_int_equal(s.limit_ms, 30 * 60000);  /* the extra minutes are within the limit */
    bank_score sc = {.raw = 0, .ceiling = 10000, .awarded = 0, .band = "Kurang"};
    char *text = result_json(BANKID, "s1", &s, &sc, HEAD, "k", 1);
    assert_non_null(text);
    json_t *o = json_loads(text, 0, NULL);
    json_t *acc = json_object_get(o, "accommodations");
    assert_true(json_is_true(json_object_get(acc, "read_aloud")));
    assert_int_equal(json_integer_value(json_object_get(acc, "extra_minutes")), 10);
    json_decref(o);
    free(text);
    sitting_clear(&s);
}

static void test_result_records_the_proctors_extension_and_held_clock(void **state)
{
    (void)state;
    sitting s = {0};
    ev(&s, J_BEGIN, 0, "{\"form\":" FORM ",\"name\":\"X\",\"minutes\":30}");
    ev(&s, J_EXTEND, 1000, "{\"minutes\":10,\"reason\":\"listrik\",\"cmd\":4}");
    ev(&s, J_PAUSE, 2000, "{\"cmd\":5,\"reason\":\"\"}");
    /* five minutes on the wall, none charged */
    jevent e = {.kind = J_CONTINUE, .wall_ms = 1700000000000 + 2000 + 300000, .used_ms = 2000,
                .payload = "{\"cmd\":6}", .hash = ""};
    char why[256] = "";
    assert_int_equal(sitting_apply(&s, &e, why), 0);
    e = (jevent){.kind = J_SUBMIT, .wall_ms = 1700000000000 + 2000 + 300000 + 35 * 60000,
                 .used_ms = 2000 + 35 * 60000, .payload = "{\"why\":\"proctor\"}", .hash = ""};
    assert_int_equal(sitting_apply(&s, &e, why), 0);
    bank_score sc = {.raw = 0, .ceiling = 10000, .awarded = 0, .band = "Kurang"};
    char *text = result_json(BANKID, "s1", &s, &sc, HEAD, "k", 1);
    assert_non_null(text);
    json_t *o = json_loads(text, 0, NULL);
    json_t *room = json_object_get(o, "room");
    assert_int_equal(json_integer_value(json_object_get(room, "extended_minutes")), 10);
    assert_int_equal(json_integer_value(json_object_get(room, "held_ms")), 300000);
    /* 35 minutes charged: past the exam's 30, within the 30 + 10 the record says were given */
    assert_int_equal(json_integer_value(json_object_get(o, "used_ms")), 2000 + 35 * 60000);
    assert_string_equal(json_string_value(json_object_get(o, "submitted")), "proctor");
    json_decref(o);
    free(text);
    sitting_clear(&s);
}

static void test_result_json_needs_a_submitted_sitting(void **state)
{
    fx *f = *state;
    sitting s = {0};
    assert_null(result_json(BANKID, "s1", &s, &f->score, HEAD, "k", 0));
    ev(&s, J_BEGIN, 0, "{\"form\":" FORM ",\"name\":\"X\",\"minutes\":20}");
    assert_null(result_json(BANKID, "s1", &s, &f->score, HEAD, "k", 0));
    sitting_clear(&s);
    assert_null(result_json(NULL, "s1", &f->s, &f->score, HEAD, "k", 0));
}

static void test_result_signature_verifies_and_detects_one_byte_change(void **state)
{
    fx *f = *state;
    char *text = record(f), name[128] = "", why[256] = "";
    assert_int_equal(result_store(f->outbox, text, f->signer, "s1", NIP, 2, name, why), 0);
    assert_string_equal(name, "s1-" NIP "-2");
    size_t jlen, slen;
    char *stored = slurp(fx_path(f->outbox, "s1-" NIP "-2.json"), &jlen);
    char *sigtext = slurp(fx_path(f->outbox, "s1-" NIP "-2.sig"), &slen);
    assert_non_null(stored);
    assert_non_null(sigtext);
    assert_int_equal(jlen, strlen(text));
    assert_memory_equal(stored, text, jlen); /* the exact bytes given */
    json_t *sig = json_loads(sigtext, 0, NULL);
    const char *pub = json_string_value(json_object_get(sig, "kiosk"));
    const char *hex = json_string_value(json_object_get(sig, "sig"));
    assert_non_null(pub);
    assert_non_null(hex);
    assert_string_equal(pub, bank_signer_pub(f->signer));
    assert_int_equal(strlen(hex), 128);
    assert_int_equal(bank_sig_verify(pub, stored, jlen, hex), BANK_OK);
    for (size_t pos = 0; pos < jlen; pos += jlen / 7 + 1) {
        stored[pos] ^= 0x01;
        assert_int_equal(bank_sig_verify(pub, stored, jlen, hex), BANK_ETAMPER);
        stored[pos] ^= 0x01;
    }
    json_decref(sig);
    free(stored);
    free(sigtext);
    free(text);
}

static void test_storing_the_same_result_again_is_harmless(void **state)
{
    fx *f = *state;
    char *text = record(f), why[256] = "";
    assert_int_equal(result_store(f->outbox, text, f->signer, "s1", NIP, 2, NULL, why), 0);
    assert_int_equal(result_store(f->outbox, text, f->signer, "s1", NIP, 2, NULL, why), 0);
    assert_int_equal(result_queued(f->outbox), 1);
    /* a power cut that lost the signature is repaired by storing again */
    assert_int_equal(unlink(fx_path(f->outbox, "s1-" NIP "-2.sig")), 0);
    assert_int_equal(result_store(f->outbox, text, f->signer, "s1", NIP, 2, NULL, why), 0);
    assert_int_equal(access(fx_path(f->outbox, "s1-" NIP "-2.sig"), F_OK), 0);
    free(text);
}

static void test_a_different_result_never_overwrites_a_stored_one(void **state)
{
    fx *f = *state;
    char *text = record(f), why[256] = "";
    assert_int_equal(result_store(f->outbox, text, f->signer, "s1", NIP, 2, NULL, why), 0);
    f->score.raw = f->score.awarded = 10000;
    f->score.passed = true;
    char *better = record(f);
    assert_int_equal(result_store(f->outbox, better, f->signer, "s1", NIP, 2, NULL, why),
                     RESULT_DIFFERENT);
    assert_non_null(strstr(why, "different"));
    size_t len;
    char *stored = slurp(fx_path(f->outbox, "s1-" NIP "-2.json"), &len);
    assert_string_equal(stored, text);
    free(stored);
    free(better);
    free(text);
}

static void test_outbox_is_created_private_and_keeps_no_temporary_files(void **state)
{
    fx *f = *state;
    char *text = record(f), why[256] = "";
    assert_int_equal(result_queued(f->outbox), 0); /* not there yet: nothing waits */
    assert_int_equal(result_store(f->outbox, text, f->signer, "s1", NIP, 2, NULL, why), 0);
    struct stat st;
    assert_int_equal(stat(f->outbox, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    DIR *d = opendir(f->outbox);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            fail_msg("temporary file %s left behind", e->d_name);
        files += e->d_name[0] != '.';
    }
    closedir(d);
    assert_int_equal(files, 2);
    free(text);
}

static void test_result_name_cannot_leave_the_outbox(void **state)
{
    fx *f = *state;
    char *text = record(f), why[256] = "";
    assert_int_equal(result_store(f->outbox, text, f->signer, "../s1", NIP, 2, NULL, why), -1);
    assert_int_equal(result_store(f->outbox, text, f->signer, "s1", "a/b", 2, NULL, why), -1);
    assert_int_equal(result_store(f->outbox, text, f->signer, "s1", ".hidden", 2, NULL, why), -1);
    assert_int_equal(result_store(f->outbox, text, f->signer, "s1", "", 2, NULL, why), -1);
    assert_int_equal(result_store(f->outbox, text, f->signer, "s1", NIP, 0, NULL, why), -1);
    assert_int_equal(result_queued(f->outbox), 0);
    free(text);
}

static void test_queued_counts_the_results_waiting(void **state)
{
    fx *f = *state;
    char *text = record(f), why[256] = "";
    assert_int_equal(result_store(f->outbox, text, f->signer, "s1", NIP, 2, NULL, why), 0);
    assert_int_equal(result_store(f->outbox, text, f->signer, "s1", NIP, 3, NULL, why), 0);
    assert_int_equal(result_store(f->outbox, text, f->signer, "s2", NIP, 1, NULL, why), 0);
    FILE *fp = fopen(fx_path(f->outbox, "notes.txt"), "w");
    assert_non_null(fp);
    fclose(fp);
    assert_int_equal(result_queued(f->outbox), 3);
    assert_int_equal(unlink(fx_path(f->outbox, "s2-" NIP "-1.json")), 0);
    assert_int_equal(result_queued(f->outbox), 2);
    assert_int_equal(result_queued(fx_path(f->dir, "kiosk.pub")), -1); /* not a folder */
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_result_json_holds_every_documented_field_canonically),
        T(test_result_records_read_aloud_and_extra_time_as_accommodations),
        T(test_result_records_the_proctors_extension_and_held_clock),
        T(test_result_json_needs_a_submitted_sitting),
        T(test_result_signature_verifies_and_detects_one_byte_change),
        T(test_storing_the_same_result_again_is_harmless),
        T(test_a_different_result_never_overwrites_a_stored_one),
        T(test_outbox_is_created_private_and_keeps_no_temporary_files),
        T(test_result_name_cannot_leave_the_outbox),
        T(test_queued_counts_the_results_waiting),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
