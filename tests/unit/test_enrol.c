/* test_enrol.c -- kiosks enrol with proof of their key, within limits; the operator names
 * them by an approval code; the core signs receipts kiosks can check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "corekey.h"
#include "enrol.h"
#include "fixture.h"
#include "hex.h"
#include "ingest.h"
#include "kcode.h"
#include "proto.h"
#include "text.h"
#include "why.h"

#define T0 1800000000000LL  /* the injected clock: no test sleeps */
#define ADDR "192.0.2.7"

typedef struct fx {
    char *dir;
    store *st;
    core_ctx *c, *other;   /* this core; a core of another key on its own store */
    store *other_st;
    enrol_guard *g;
    enrol_limits lim;
    bank_signer *k[8];     /* kiosk keys */
} fx;

static int setup(void **state)
{
    fx *x = calloc(1, sizeof *x);
    char why[WHY_SIZE] = "", url[4200];
    bank_err e;
    x->dir = fx_tmpdir();
    snprintf(url, sizeof url, "sqlite:%s", fx_path(x->dir, "core.db"));
    x->st = store_open(url, why);
    if (!x->st) fail_msg("store_open: %s", why);
    x->c = core_ctx_new(x->st, fx_path(x->dir, "core.key"), why);
    snprintf(url, sizeof url, "sqlite:%s", fx_path(x->dir, "other.db"));
    x->other_st = store_open(url, why);
    x->other = x->other_st ? core_ctx_new(x->other_st, fx_path(x->dir, "other.key"), why) : NULL;
    if (!x->c || !x->other) fail_msg("core_ctx_new: %s", why);
    for (int i = 0; i < 8; i++) {
        char name[16];
        snprintf(name, sizeof name, "kiosk%d", i);
        x->k[i] = bank_signer_open(fx_path(x->dir, name), &e, why);
        if (!x->k[i]) fail_msg("kiosk key: %s", why);
    }
    enrol_limits_default(&x->lim);
    x->g = enrol_guard_new(x->c, &x->lim, why);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx *x = *state;
    enrol_guard_free(x->g);
    for (int i = 0; i < 8; i++) bank_signer_free(x->k[i]);
    core_ctx_free(x->c);
    core_ctx_free(x->other);
    store_close(x->st);
    store_close(x->other_st);
    fx_rmdir(x->dir);
    free(x);
    return 0;
}

/* A new guard with the limits of x->lim. */
static void limits(fx *x)
{
    enrol_guard_free(x->g);
    x->g = enrol_guard_new(x->c, &x->lim, NULL);
    assert_non_null(x->g);
}

/* The body a kiosk of key k sends to enrol as `name` at a core of key
 * `core` with challenge ch. Caller frees. */
static char *signed_body(const bank_signer *k, const char *core, const char *ch, const char *name)
{
    char text[512], sig[129];
    int n = snprintf(text, sizeof text, PROTO_ENROL_TEXT, PROTO_ENROL_VERSION, core, ch,
                     bank_signer_pub(k), name);
    assert_int_equal(bank_signer_sign(k, text, (size_t)n, sig), BANK_OK);
    json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s}", "version", PROTO_ENROL_VERSION, "pub",
                          bank_signer_pub(k), "name", name, "core", core, "challenge", ch, "sig",
                          sig);
    char *body = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return body;
}

static const char *core_pub(const core_ctx *c)
{
    return core_signer_pub(core_ctx_signer(c));
}

/* Enrols kiosk i as `name` from addr at now, as an honest kiosk does:
 * a fresh challenge, signed. Returns the status; the code in out. */
static int enrol_at(fx *x, int i, const char *name, const char *addr, int64_t now,
                    enrol_answer *out)
{
    char ch[ENROL_CHALLENGE_SIZE];
    enrol_challenge(x->g, now, ch);
    char *body = signed_body(x->k[i], core_pub(x->c), ch, name);
    enrol_request(x->g, body, strlen(body), addr, now, out);
    free(body);
    return out->status;
}

static int state_of(fx *x, int i, char *st)
{
    return store_kiosk_state(x->st, bank_signer_pub(x->k[i]), st, NULL);
}

/* ---- proof ---- */

static void test_enrolment_without_proof_is_refused(void **state)
{
    fx *x = *state;
    enrol_answer a;
    char body[256], st[16];
    /* what any host could send: a 64-hex string and a name */
    snprintf(body, sizeof body, "{\"pub\":\"%s\",\"name\":\"lab\"}", bank_signer_pub(x->k[0]));
    enrol_request(x->g, body, strlen(body), ADDR, T0, &a);
    assert_int_equal(a.status, 401);
    assert_string_equal(a.code, "proof-required");
    assert_int_equal(state_of(x, 0, st), 0);
    /* signed by another key than the one it names */
    char ch[ENROL_CHALLENGE_SIZE];
    enrol_challenge(x->g, T0, ch);
    char *forged = signed_body(x->k[1], core_pub(x->c), ch, "lab");
    json_t *o = json_loads(forged, 0, NULL);
    json_object_set_new(o, "pub", json_string(bank_signer_pub(x->k[0])));
    char *text = json_dumps(o, JSON_COMPACT);
    enrol_request(x->g, text, strlen(text), ADDR, T0, &a);
    assert_int_equal(a.status, 403);
    assert_string_equal(a.code, "bad-proof");
    /* a proof whose name was changed on the way */
    json_object_set_new(o, "pub", json_string(bank_signer_pub(x->k[1])));
    json_object_set_new(o, "name", json_string("lab 2"));
    free(text);
    text = json_dumps(o, JSON_COMPACT);
    enrol_request(x->g, text, strlen(text), ADDR, T0, &a);
    assert_string_equal(a.code, "bad-proof");
    assert_int_equal(state_of(x, 0, st), 0);
    assert_int_equal(state_of(x, 1, st), 0);
    json_decref(o);
    free(text);
    free(forged);
}

static void test_a_signed_enrolment_is_pending_and_asking_again_reads_its_state(void **state)
{
    fx *x = *state;
    enrol_answer a;
    char st[16];
    assert_int_equal(enrol_at(x, 0, "Lab 2, kiosk 7", ADDR, T0, &a), 202);
    assert_string_equal(a.state, "pending");
    assert_int_equal(state_of(x, 0, st), 1);
    assert_string_equal(st, "pending");
    assert_int_equal(enrol_at(x, 0, "Lab 2, kiosk 7", ADDR, T0 + 1000, &a), 200);
    assert_string_equal(a.state, "pending");
}

static void test_a_replayed_enrolment_is_refused(void **state)
{
    fx *x = *state;
    enrol_answer a;
    char ch[ENROL_CHALLENGE_SIZE], st[16];
    enrol_challenge(x->g, T0, ch);
    char *body = signed_body(x->k[0], core_pub(x->c), ch, "lab");
    /* later than the challenge holds */
    enrol_request(x->g, body, strlen(body), ADDR, T0 + x->lim.challenge_ttl_ms + 1, &a);
    assert_int_equal(a.status, 401);
    assert_string_equal(a.code, "stale-challenge");
    /* at another core: it names this core's key, and the challenge is this core's */
    enrol_guard *og = enrol_guard_new(x->other, NULL, NULL);
    enrol_request(og, body, strlen(body), ADDR, T0, &a);
    assert_int_equal(a.status, 400);
    assert_string_equal(a.code, "wrong-core");
    free(body);
    body = signed_body(x->k[0], core_pub(x->other), ch, "lab");
    enrol_request(og, body, strlen(body), ADDR, T0, &a);
    assert_int_equal(a.status, 401);
    assert_string_equal(a.code, "bad-challenge");
    /* a challenge changed by a byte */
    char bad[ENROL_CHALLENGE_SIZE];
    memcpy(bad, ch, sizeof bad);
    bad[0] = bad[0] == '1' ? '2' : '1';
    free(body);
    body = signed_body(x->k[0], core_pub(x->c), bad, "lab");
    enrol_request(x->g, body, strlen(body), ADDR, T0, &a);
    assert_string_equal(a.code, "bad-challenge");
    assert_int_equal(state_of(x, 0, st), 0);
    assert_int_equal(store_kiosk_state(x->other_st, bank_signer_pub(x->k[0]), st, NULL), 0);
    enrol_guard_free(og);
    free(body);
}

/* ---- names ---- */

static void test_a_name_with_an_escape_or_a_direction_override_is_refused(void **state)
{
    fx *x = *state;
    enrol_answer a;
    char st[16];
    assert_int_equal(enrol_at(x, 0, "lab\x1b[31m 1", ADDR, T0, &a), 400);
    assert_string_equal(a.code, "bad-name");
    assert_int_equal(enrol_at(x, 1, "lab \xe2\x80\xae" "1 bal", ADDR, T0, &a), 400);
    assert_string_equal(a.code, "bad-name");
    assert_int_equal(enrol_at(x, 2, "lab\ntwo", ADDR, T0, &a), 400);
    assert_int_equal(state_of(x, 0, st) + state_of(x, 1, st) + state_of(x, 2, st), 0);
    assert_int_equal(enrol_at(x, 3, "Lab \xc3\xbc 1", ADDR, T0, &a), 202);   /* UTF-8 is fine */
}

/* ---- limits ---- */

static void test_a_burst_from_one_address_is_bounded_by_count(void **state)
{
    fx *x = *state;
    enrol_answer a;
    int taken = 0;
    /* all at the same instant: only the count decides */
    for (int i = 0; i < 8; i++) taken += enrol_at(x, i, "k", ADDR, T0, &a) == 202;
    assert_int_equal(taken, x->lim.addr_burst);
    assert_int_equal(a.status, 429);
    assert_string_equal(a.code, "rate-limited");
    /* a kiosk already enrolled still reads its state */
    assert_int_equal(enrol_at(x, 0, "k", ADDR, T0, &a), 200);
    /* another address has its own bucket */
    assert_int_equal(enrol_at(x, 7, "k", "192.0.2.8", T0, &a), 202);
    /* and the same address gets one more once its interval has passed */
    assert_int_equal(enrol_at(x, 6, "k", ADDR, T0 + x->lim.addr_every_ms, &a), 202);
}

static void test_a_burst_from_many_addresses_is_bounded_overall(void **state)
{
    fx *x = *state;
    enrol_answer a;
    x->lim.all_burst = 3;
    limits(x);
    int taken = 0;
    for (int i = 0; i < 6; i++) {
        char addr[32];
        snprintf(addr, sizeof addr, "198.51.100.%d", i + 1);
        taken += enrol_at(x, i, "k", addr, T0, &a) == 202;
    }
    assert_int_equal(taken, 3);
    assert_string_equal(a.code, "rate-limited");
}

static void test_pending_enrolments_are_bounded(void **state)
{
    fx *x = *state;
    enrol_answer a;
    char st[16];
    x->lim.pending_max = 2;
    x->lim.addr_burst = 100;
    limits(x);
    assert_int_equal(enrol_at(x, 0, "k", ADDR, T0, &a), 202);
    assert_int_equal(enrol_at(x, 1, "k", ADDR, T0, &a), 202);
    assert_int_equal(enrol_at(x, 2, "k", ADDR, T0, &a), 503);
    assert_string_equal(a.code, "enrolment-full");
    assert_non_null(strstr(a.reason, "core kiosk list"));
    assert_int_equal(state_of(x, 2, st), 0);
    /* approving one makes room */
    int stored, refused;
    assert_int_equal(core_kiosk_decide(x->st, x->c, bank_signer_pub(x->k[0]), "approved", T0,
                                       &stored, &refused, NULL), 0);
    assert_int_equal(enrol_at(x, 2, "k", ADDR, T0, &a), 202);
}

static void test_pending_enrolments_expire_and_approved_kiosks_never_do(void **state)
{
    fx *x = *state;
    enrol_answer a;
    char st[16];
    int stored, refused;
    assert_int_equal(enrol_at(x, 0, "old pending", ADDR, T0, &a), 202);
    assert_int_equal(enrol_at(x, 1, "old approved", ADDR, T0, &a), 202);
    assert_int_equal(core_kiosk_decide(x->st, x->c, bank_signer_pub(x->k[1]), "approved", T0,
                                       &stored, &refused, NULL), 0);
    int64_t later = T0 + x->lim.pending_ttl_ms + 1;
    assert_int_equal(enrol_at(x, 2, "new", "192.0.2.9", T0 + x->lim.pending_ttl_ms, &a), 202);
    assert_int_equal(state_of(x, 0, st), 1);   /* a day old exactly: still there */
    assert_int_equal(enrol_at(x, 3, "newer", "192.0.2.9", later, &a), 202);
    assert_int_equal(state_of(x, 0, st), 0);   /* forgotten */
    assert_int_equal(state_of(x, 1, st), 1);
    assert_string_equal(st, "approved");
    assert_int_equal(state_of(x, 2, st), 1);
    /* the forgotten kiosk may enrol again */
    assert_int_equal(enrol_at(x, 0, "old pending", "192.0.2.10", later, &a), 202);
}

/* ---- approval codes ---- */

static void record_pub(const char *pub, const char *name, const char *state, int64_t ms,
                       void *arg)
{
    (void)name, (void)state, (void)ms;
    snprintf(arg, 65, "%s", pub);
}

static void test_the_operator_approves_by_the_short_code(void **state)
{
    fx *x = *state;
    /* squatters enrolled keys sharing the first 60 hex digits of the kiosk's */
    const char *real = "5a1e0c3d9b7f2e4a6c8d0b1f3e5a7c9d1b3f5e7a9c1d3b5f7e9a1c3d5b7f9e1a";
    char squat[2][65], code[KCODE_SIZE], got[65] = "";
    for (int i = 0; i < 2; i++) {
        snprintf(squat[i], sizeof squat[i], "%.60s%04x", real, i);
        assert_int_equal(store_kiosk_enrol(x->st, squat[i], "squat", T0, NULL), 0);
    }
    assert_int_equal(store_kiosk_enrol(x->st, real, "Lab 2, kiosk 7", T0, NULL), 0);
    assert_int_equal(kcode_of(real, code), 0);
    assert_int_equal(strlen(code), 9);
    assert_int_equal(code[4], '-');
    assert_int_equal(core_kiosk_match(x->st, code, record_pub, got, NULL), 1);
    assert_string_equal(got, real);
    /* as an operator may type it: lower case, no dash */
    char typed[16];
    snprintf(typed, sizeof typed, "%.4s%s", code, code + 5);
    for (char *p = typed; *p; p++) *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    assert_int_equal(core_kiosk_match(x->st, typed, NULL, NULL, NULL), 1);
    int stored, refused;
    assert_int_equal(core_kiosk_decide(x->st, x->c, got, "approved", T0, &stored, &refused,
                                       NULL), 0);
    char st[16];
    assert_int_equal(store_kiosk_state(x->st, real, st, NULL), 1);
    assert_string_equal(st, "approved");
    assert_int_equal(store_kiosk_state(x->st, squat[0], st, NULL), 1);
    assert_string_equal(st, "pending");
    /* the prefix of 8 still works where it names one kiosk, and is ambiguous here */
    assert_int_equal(core_kiosk_match(x->st, "5a1e0c3d", NULL, NULL, NULL), 3);
    assert_int_equal(core_kiosk_match(x->st, "lab-9", NULL, NULL, NULL), -1);
}

static int count_name(const char *pub, const char *name, const char *state, int64_t ms, void *arg)
{
    (void)pub, (void)name, (void)state, (void)ms;
    ++*(int *)arg;
    return 0;
}

static void test_an_ambiguous_code_names_every_candidate(void **state)
{
    fx *x = *state;
    /* a kiosk whose code reads as hex too, and a key squatted on that hex */
    char key[65], code[KCODE_SIZE], other[65];
    unsigned seed = 1;
    for (;;) {
        unsigned char raw[32];
        for (int i = 0; i < 32; i++) raw[i] = (unsigned char)((seed = seed * 1103515245u + 12345u) >> 16);
        hex_encode(raw, 32, key);
        kcode_of(key, code);
        char flat[9];
        snprintf(flat, sizeof flat, "%.4s%.4s", code, code + 5);
        if (strspn(flat, "ABCDEF234567") == 8) {
            for (int i = 0; i < 8; i++) other[i] = (char)(flat[i] >= 'A' ? flat[i] - 'A' + 'a' : flat[i]);
            memset(other + 8, '0', 56);
            other[64] = 0;
            break;
        }
    }
    assert_int_equal(store_kiosk_enrol(x->st, key, "real", T0, NULL), 0);
    assert_int_equal(store_kiosk_enrol(x->st, other, "squat", T0, NULL), 0);
    char flat[9];
    snprintf(flat, sizeof flat, "%.4s%.4s", code, code + 5);
    int n = 0;
    assert_int_equal(core_kiosk_match(x->st, flat, NULL, NULL, NULL), 2);
    /* with the dash it is a code only */
    assert_int_equal(core_kiosk_match(x->st, code, NULL, NULL, NULL), 1);
    assert_int_equal(store_kiosk_each(x->st, count_name, &n, NULL), 0);
    assert_int_equal(n, 2);
}

static void test_codes_are_read_as_typed(void **state)
{
    (void)state;
    char c[KCODE_SIZE];
    assert_int_equal(kcode_parse("abcd-efgh", c), 0);
    assert_string_equal(c, "ABCD-EFGH");
    assert_int_equal(kcode_parse(" ab cd ef 0 ", c), -1);   /* 7 characters */
    assert_int_equal(kcode_parse("ab0d e18h", c), 0);
    assert_string_equal(c, "ABOD-EIBH");
    assert_int_equal(kcode_parse("abcd-efg9", c), -1);
    assert_int_equal(kcode_parse("abcd-efghi", c), -1);
    assert_int_equal(kcode_of("xyz", c), -1);
}

/* ---- receipts ---- */

static void test_a_receipt_verifies_with_the_core_key_only_for_its_result(void **state)
{
    fx *x = *state;
    const char *digest = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    const char *kiosk = bank_signer_pub(x->k[0]);
    core_receipt r;
    assert_int_equal(core_receipt_sign(core_ctx_signer(x->c), digest, kiosk, "stored", T0, &r,
                                       NULL), 0);
    json_t *o = json_pack("{s:{s:i, s:s, s:s, s:s, s:I, s:s, s:s}}", "receipt", "version",
                          r.version, "result", r.result, "kiosk", r.kiosk, "status", r.status,
                          "time", (json_int_t)r.time_ms, "core", r.core, "sig", r.sig);
    char *text = json_dumps(o, JSON_COMPACT);
    corekey_receipt k;
    char why[WHY_SIZE] = "";
    assert_int_equal(corekey_receipt_parse(text, strlen(text), &k, why), 0);
    assert_int_equal(corekey_receipt_check(&k, core_pub(x->c), digest, kiosk, why), 0);
    /* another core's key pinned */
    assert_int_equal(corekey_receipt_check(&k, core_pub(x->other), digest, kiosk, why), -1);
    /* another result, another kiosk */
    assert_int_equal(corekey_receipt_check(&k, core_pub(x->c), kiosk, kiosk, why), -1);
    assert_int_equal(corekey_receipt_check(&k, core_pub(x->c), digest, digest, why), -1);
    /* a receipt signed by another core, claiming this core's key */
    core_receipt forged;
    assert_int_equal(core_receipt_sign(core_ctx_signer(x->other), digest, kiosk, "stored", T0,
                                       &forged, NULL), 0);
    memcpy(k.sig, forged.sig, sizeof k.sig);
    assert_int_equal(corekey_receipt_check(&k, core_pub(x->c), digest, kiosk, why), -1);
    assert_non_null(strstr(why, "signature"));
    json_decref(o);
    free(text);
}

static void test_every_core_of_one_key_file_signs_alike(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "";
    core_signer *s = core_signer_load(fx_path(x->dir, "core.key"), why);
    assert_non_null(s);
    assert_string_equal(core_signer_pub(s), core_pub(x->c));
    assert_string_not_equal(core_signer_pub(s), core_pub(x->other));
    core_signer_free(s);
}

/* ---- escaping ---- */

static void test_names_print_escaped(void **state)
{
    (void)state;
    char out[TEXT_ESCAPED(64)];
    assert_string_equal(text_escape("a\x1b[2Jb", out, sizeof out), "a\\x1b[2Jb");
    assert_string_equal(text_escape("x\xe2\x80\xae" "y", out, sizeof out), "x\\u{202E}y");
    assert_string_equal(text_escape("\xc3\xbc\\", out, sizeof out), "\xc3\xbc\\\\");
    assert_string_equal(text_escape("bad\xff", out, sizeof out), "bad\\xff");
    assert_string_equal(text_escape("abc\x01", out, 6), "abc");   /* never half an escape */
    assert_true(text_name_ok("Lab \xc3\xbc", 120));
    assert_false(text_name_ok("Lab \xe2\x81\xa6", 120));
    assert_false(text_name_ok("", 120));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_enrolment_without_proof_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_a_signed_enrolment_is_pending_and_asking_again_reads_its_state, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_replayed_enrolment_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_a_name_with_an_escape_or_a_direction_override_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_burst_from_one_address_is_bounded_by_count, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_burst_from_many_addresses_is_bounded_overall,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_pending_enrolments_are_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_pending_enrolments_expire_and_approved_kiosks_never_do, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_operator_approves_by_the_short_code, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_an_ambiguous_code_names_every_candidate, setup,
                                        teardown),
        cmocka_unit_test(test_codes_are_read_as_typed),
        cmocka_unit_test_setup_teardown(
            test_a_receipt_verifies_with_the_core_key_only_for_its_result, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_core_of_one_key_file_signs_alike, setup,
                                        teardown),
        cmocka_unit_test(test_names_print_escaped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
