/* test_session.c -- sessions: roster checks, NIPs, tokens, PINs, proctor codes, attempts from history, integrity. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fixture.h"
#include "session.h"
#include "why.h"

#define QUIZ "{\"id\":\"quiz\",\"title\":\"Kuis\",\"kind\":\"quiz\",\"minutes\":10," \
             "\"quotas\":{\"t0\":3}}"
#define RPL "{\"id\":\"rpl\",\"title\":\"RPL\",\"kind\":\"rpl\",\"minutes\":10," \
            "\"quotas\":{\"t0\":3}}"

/* Tries to create a session from a literal roster; returns the code. */
static bank_err try_roster(bank *b, const char *dir, const char *roster, char *why)
{
    bank_session_spec spec = {.exam_id = "quiz", .roster_csv = roster,
                              .roster_len = strlen(roster)};
    char token[BANK_TOKEN_LEN + 1];
    bank_err e = bank_session_create(b, &spec, fx_path(dir, "s.session"), token, why);
    /* a refused session leaves no file behind */
    if (e) assert_int_not_equal(access(fx_path(dir, "s.session"), F_OK), 0);
    else unlink(fx_path(dir, "s.session"));
    return e;
}

static void test_nip_rules(void **state)
{
    (void)state;
    assert_true(bank_nip_valid("199001012024011001"));
    assert_true(bank_nip_valid("200002292024122999")); /* leap day */
    assert_false(bank_nip_valid("199002292024011001")); /* 1990 is no leap year */
    assert_false(bank_nip_valid("19900101202401100"));  /* 17 digits */
    assert_false(bank_nip_valid("1990010120240110011"));
    assert_false(bank_nip_valid("199001012024013001")); /* gender digit 3 */
    assert_false(bank_nip_valid("199001012024131001")); /* month 13 */
    assert_false(bank_nip_valid("199001012000011001")); /* appointed at 10 */
    assert_false(bank_nip_valid("19900101202401100a"));
    assert_false(bank_nip_valid("199001012024011000")); /* sequence 000 */
    assert_false(bank_nip_valid(NULL));
}

static void test_roster_errors_are_refused_with_line(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE];
    bank *b = fx_bank(dir, 1, 10);
    fx_exam(b, QUIZ);
    assert_int_equal(try_roster(b, dir, "", why), BANK_EROSTER);
    assert_int_equal(try_roster(b, dir, "nip,name,pin\n", why), BANK_EROSTER);
    assert_int_equal(try_roster(b, dir, "nip,nama,pin\n199001012024011001,A,1234567890\n", why),
                     BANK_EROSTER);
    assert_int_equal(try_roster(b, dir,
                                "nip,name,pin\n199001012024011001,A,1234567890\n"
                                "199202022024012002,B,1234567890\n199001012024011001,C,9999999999\n",
                                why),
                     BANK_EROSTER);
    assert_non_null(strstr(why, "199001012024011001"));
    assert_non_null(strstr(why, "line 4"));
    assert_non_null(strstr(why, "line 2"));
    assert_int_equal(try_roster(b, dir, "nip,name,pin\n12345,A,1234567890\n", why), BANK_EROSTER);
    assert_non_null(strstr(why, "line 2"));
    assert_int_equal(try_roster(b, dir, "nip,name,pin\n199001012024011001,A,12\n", why),
                     BANK_EROSTER);
    assert_int_equal(try_roster(b, dir, "nip,name,pin\n199001012024011001,,1234567890\n", why),
                     BANK_EROSTER);
    assert_int_equal(try_roster(b, dir, "nip,name,pin\n\"199001012024011001,A,1234567890\n", why),
                     BANK_EPARSE);
    assert_int_equal(try_roster(b, dir, "\xef\xbb\xbfNIP,Name,PIN\r\n199001012024011001,"
                                        "\"Siti, S.Pd.\",1234567890\r\n", why),
                     BANK_OK);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_unknown_exam_and_short_pool_are_refused(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE], token[BANK_TOKEN_LEN + 1];
    bank *b = fx_bank(dir, 1, 10);
    char *roster = fx_roster(2);
    bank_session_spec spec = {.exam_id = "nope", .roster_csv = roster,
                              .roster_len = strlen(roster)};
    assert_int_equal(bank_session_create(b, &spec, fx_path(dir, "s"), token, why),
                     BANK_ENOTFOUND);
    assert_non_null(strstr(why, "nope"));
    bank_exam *ex = NULL;
    bank_err e = BANK_OK;
    const char *big = "{\"id\":\"big\",\"title\":\"B\",\"kind\":\"quiz\",\"minutes\":5,"
                      "\"quotas\":{\"t0\":11}}";
    ex = bank_exam_parse(big, strlen(big), &e, why);
    assert_non_null(ex);
    assert_int_equal(bank_exam_add(b, ex, why), BANK_EQUOTA);
    assert_non_null(strstr(why, "t0"));
    bank_exam_free(ex);
    free(roster);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_bank_and_session_open_from_memory_as_from_their_files(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "", token[BANK_TOKEN_LEN + 1], bk[4200];
    bank *b = fx_bank(dir, 1, 10);
    fx_exam(b, QUIZ);
    char *roster = fx_roster(2);
    bank_session_spec spec = {.exam_id = "quiz", .roster_csv = roster,
                              .roster_len = strlen(roster)};
    assert_int_equal(bank_session_create(b, &spec, fx_path(dir, "s.session"), token, why), BANK_OK);
    char id[33];
    snprintf(id, sizeof id, "%s", bank_id(b));
    bank_close(b);
    char *bdata = NULL, *sdata = NULL;
    size_t blen = 0, slen = 0;
    snprintf(bk, sizeof bk, "%s", fx_path(dir, "bank.bank"));
    assert_int_equal(bank_file_read(bk, 1 << 24, &bdata, &blen, why), BANK_OK);
    assert_int_equal(bank_file_read(fx_path(dir, "s.session"), 1 << 24, &sdata, &slen, why), BANK_OK);
    /* the files are gone: only the bytes in memory are left */
    fx_rmdir(dir);
    bank_err e = BANK_OK;
    b = bank_open_mem(bdata, blen, "bank X", &e, why);
    if (!b) fail_msg("bank_open_mem: %s", why);
    assert_string_equal(bank_id(b), id);
    assert_int_equal(bank_unlock(b, FX_PASS, strlen(FX_PASS), why), BANK_OK);
    bank_session *ss = bank_session_open_mem(b, sdata, slen, "session Y", &e, why);
    if (!ss) fail_msg("bank_session_open_mem: %s", why);
    assert_int_equal(bank_session_unlock_bank(ss, why), BANK_OK);
    assert_int_equal(bank_session_size(ss), 2);
    bank_form *f = bank_form_draw(ss, bank_session_nip(ss, 0), &e, why);
    if (!f) fail_msg("draw: %s", why);
    assert_int_equal(bank_form_size(f), 3);
    bank_form_free(f);
    bank_session_close(ss);
    /* a session's bytes are no bank; cut bytes are refused, named as given */
    assert_null(bank_open_mem(sdata, slen, "bank Z", &e, why));
    assert_non_null(strstr(why, "bank Z"));
    assert_null(bank_session_open_mem(b, sdata, slen / 2, "session W", &e, why));
    assert_non_null(strstr(why, "session W"));
    assert_null(bank_open_mem(bdata, 0, "bank E", &e, why));
    bank_close(b);
    free(bdata);
    free(sdata);
    free(roster);
}

/* Opens dir/s.session over a bank reopened without passphrase. */
static bank_session *open_session(const char *dir, bank **bp)
{
    char why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    *bp = bank_open(fx_path(dir, "bank.bank"), false, &e, why);
    assert_non_null(*bp);
    bank_session *s = bank_session_open(*bp, fx_path(dir, "s.session"), &e, why);
    if (!s) fail_msg("bank_session_open: %s", why);
    return s;
}

/* Fails unless the first 64 kB of the file at path hold no copy of secret. */
static void assert_not_in_file(const char *path, const char *secret)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f), len = strlen(secret);
    fclose(f);
    for (size_t i = 0; i + len <= n; i++) assert_false(memcmp(buf + i, secret, len) == 0);
}

/* A bank of 10 items with the quiz and DIR/s.session of 3 people; the
 * token into `token`. Caller removes dir with fx_rmdir(). */
static char *quiz_room(char token[BANK_TOKEN_LEN + 1])
{
    char *dir = fx_tmpdir();
    bank *b = fx_bank(dir, 1, 10);
    fx_exam(b, QUIZ);
    fx_session(b, "quiz", 3, NULL, fx_path(dir, "s.session"), token);
    bank_close(b);
    return dir;
}

static void test_token_unlocks_and_is_not_stored(void **state)
{
    (void)state;
    char why[WHY_SIZE], token[BANK_TOKEN_LEN + 1];
    char *dir = quiz_room(token);
    bank *b = NULL;
    assert_int_equal(strlen(token), BANK_TOKEN_LEN);
    assert_int_equal(strspn(token, BANK_TOKEN_ALPHABET), BANK_TOKEN_LEN);
    assert_not_in_file(fx_path(dir, "s.session"), token);
    bank_session *s = open_session(dir, &b);
    assert_int_equal(bank_session_size(s), 3);
    assert_string_equal(bank_session_exam_id(s), "quiz");
    bank_err e = BANK_OK;
    assert_null(bank_form_draw(s, fx_nip(0), &e, why));
    assert_int_equal(e, BANK_ELOCKED);
    char wrong[BANK_TOKEN_LEN + 1];
    memcpy(wrong, token, sizeof wrong);
    wrong[0] = wrong[0] == 'A' ? 'C' : 'A';
    assert_int_equal(bank_session_unlock(s, wrong, strlen(wrong), why), BANK_ETOKEN);
    assert_int_equal(bank_session_unlock(s, "O0O0", 4, why), BANK_ETOKEN);
    /* lower case with a dash and spaces, as a proctor might type it */
    char typed[32];
    snprintf(typed, sizeof typed, " %.5s-%s ", token, token + 5);
    for (char *p = typed; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    assert_int_equal(bank_session_unlock(s, typed, strlen(typed), why), BANK_OK);
    assert_true(bank_is_unlocked(b));
    bank_form *form = bank_form_draw(s, fx_nip(1), &e, why);
    assert_non_null(form);
    bank_form_free(form);
    bank_session_close(s);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_journal_key_is_the_same_by_token_or_bank_key_and_per_attempt(void **state)
{
    (void)state;
    char why[WHY_SIZE], token[BANK_TOKEN_LEN + 1];
    char *dir = quiz_room(token);
    bank *b = NULL;
    uint8_t k1[BANK_JOURNAL_KEY], k2[BANK_JOURNAL_KEY], k3[BANK_JOURNAL_KEY];
    /* the kiosk: the token unlocks the session */
    bank_session *s = open_session(dir, &b);
    assert_int_equal(bank_session_journal_key(s, "x/1", k1), BANK_ELOCKED);
    assert_int_equal(bank_session_unlock(s, token, strlen(token), why), BANK_OK);
    assert_int_equal(bank_session_journal_key(s, "x/1", k1), BANK_OK);
    assert_int_equal(bank_session_journal_key(s, "x/2", k3), BANK_OK);
    assert_memory_not_equal(k1, k3, sizeof k1);  /* one key per attempt */
    bank_session_close(s);
    bank_close(b);
    /* the core: the bank's passphrase unlocks the session */
    s = open_session(dir, &b);
    assert_int_equal(bank_unlock(b, FX_PASS, strlen(FX_PASS), why), BANK_OK);
    assert_int_equal(bank_session_unlock_bank(s, why), BANK_OK);
    assert_int_equal(bank_session_journal_key(s, "x/1", k2), BANK_OK);
    assert_memory_equal(k1, k2, sizeof k1);
    bank_session_close(s);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_pin_check_is_per_participant(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE], token[BANK_TOKEN_LEN + 1];
    bank *b = fx_bank(dir, 1, 10);
    fx_exam(b, QUIZ);
    fx_session(b, "quiz", 2, NULL, fx_path(dir, "s.session"), token);
    bank_close(b);
    bank_session *s = open_session(dir, &b);
    assert_int_equal(bank_session_unlock(s, token, strlen(token), why), BANK_OK);
    assert_int_equal(bank_session_check_pin(s, fx_nip(1), "1234567890", why), BANK_OK);
    assert_int_equal(bank_session_check_pin(s, fx_nip(1), "1234567891", why), BANK_EROSTER);
    assert_int_equal(bank_session_check_pin(s, fx_nip(1), "1235", why), BANK_EROSTER);
    assert_int_equal(bank_session_check_pin(s, "199901012024011999", "1234567890", why),
                     BANK_ENOTFOUND);
    bank_session_close(s);
    bank_close(b);
    fx_rmdir(dir);
}

/* The stored salt and verifier of roster row `pos` of session file path. */
static void stored_verifier(const char *path, int pos, uint8_t salt[16], uint8_t hash[32])
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT pin_salt, pin_hash FROM roster WHERE pos = ?",
                                        -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int(st, 1, pos);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_bytes(st, 0), 16);
    assert_int_equal(sqlite3_column_bytes(st, 1), 32);
    memcpy(salt, sqlite3_column_blob(st, 0), 16);
    memcpy(hash, sqlite3_column_blob(st, 1), 32);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void test_pin_verifier_cannot_be_checked_without_the_token(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "", token[BANK_TOKEN_LEN + 1];
    bank *b = fx_bank(dir, 1, 10);
    fx_exam(b, QUIZ);
    fx_session(b, "quiz", 2, NULL, fx_path(dir, "s.session"), token);
    bank_close(b);
    /* the offline search of old: the right PIN's scrypt with the stored
     * salt no longer equals what the file holds */
    uint8_t salt[16], stored[32], h[32];
    stored_verifier(fx_path(dir, "s.session"), 1, salt, stored);
    assert_int_equal(bc_scrypt("1234567890", 10, salt, 16, 13, h, sizeof h), BANK_OK);
    assert_memory_not_equal(h, stored, 32);
    /* nor does the verifier made under any other secret than the session's */
    uint8_t other[32] = {0};
    assert_int_equal(sess_pin_verifier(other, "1234567890", salt, 13, h), BANK_OK);
    assert_memory_not_equal(h, stored, 32);
    /* a session not unlocked by its token checks no PIN at all */
    bank_session *s = open_session(dir, &b);
    assert_int_equal(bank_session_check_pin(s, fx_nip(1), "1234567890", why), BANK_ELOCKED);
    assert_non_null(strstr(why, "token"));
    assert_int_equal(bank_session_unlock(s, token, strlen(token), why), BANK_OK);
    assert_int_equal(bank_session_check_pin(s, fx_nip(1), "1234567890", why), BANK_OK);
    bank_session_close(s);
    bank_close(b);
    fx_rmdir(dir);
}

/* A meta value of session file path, of exactly n bytes, into out. */
static void stored_meta(const char *path, const char *key, uint8_t *out, size_t n)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st,
                                        NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal((size_t)sqlite3_column_bytes(st, 0), n);
    memcpy(out, sqlite3_column_blob(st, 0), n);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* A bank and a session of 2 in dir; writes the token and the proctor code. */
static void proctor_room(const char *dir, char token[BANK_TOKEN_LEN + 1],
                          char code[BANK_PROCTOR_LEN + 1])
{
    bank *b = fx_bank(dir, 1, 10);
    fx_exam(b, QUIZ);
    fx_session_proctor(b, "quiz", 2, NULL, fx_path(dir, "s.session"), token, code);
    bank_close(b);
}

static void test_the_proctor_code_is_its_own_secret_and_the_token_is_refused(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "", token[BANK_TOKEN_LEN + 1];
    char code[BANK_PROCTOR_LEN + 1];
    bank *b = NULL;
    proctor_room(dir, token, code);
    assert_int_equal(strlen(code), BANK_PROCTOR_LEN);
    assert_int_equal(strspn(code, BANK_TOKEN_ALPHABET), BANK_PROCTOR_LEN);
    assert_null(strstr(code, token));
    /* the code is nowhere in the file */
    assert_not_in_file(fx_path(dir, "s.session"), code);
    char typed[BANK_PROCTOR_LEN + 4], wrong[BANK_PROCTOR_LEN + 1];
    bank_proctor_format(code, typed);
    assert_int_equal(strlen(typed), BANK_PROCTOR_LEN + 2);
    assert_true(typed[4] == '-' && typed[9] == '-');
    memcpy(wrong, code, sizeof wrong);
    wrong[BANK_PROCTOR_LEN - 1] = wrong[BANK_PROCTOR_LEN - 1] == 'A' ? 'C' : 'A';
    /* on a session no token has opened yet, and on one the token opened */
    for (int unlocked = 0; unlocked < 2; unlocked++) {
        bank_session *s = open_session(dir, &b);
        if (unlocked) assert_int_equal(bank_session_unlock(s, token, strlen(token), why), BANK_OK);
        assert_int_equal(bank_session_check_proctor(s, token, strlen(token), why), BANK_ETOKEN);
        assert_non_null(strstr(why, "wrong proctor code"));
        assert_int_equal(bank_session_check_proctor(s, wrong, strlen(wrong), why), BANK_ETOKEN);
        assert_int_equal(bank_session_check_proctor(s, "", 0, why), BANK_ETOKEN);
        assert_int_equal(bank_session_check_proctor(s, typed, strlen(typed), why), BANK_OK);
        for (char *p = typed; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
        assert_int_equal(bank_session_check_proctor(s, typed, strlen(typed), why), BANK_OK);
        /* the proctor code does not open the session: the token alone does */
        if (!unlocked) {
            bank_err e = BANK_OK;
            assert_null(bank_form_draw(s, fx_nip(0), &e, why));
            assert_int_equal(e, BANK_ELOCKED);
            assert_int_equal(bank_session_unlock(s, code, strlen(code), why), BANK_ETOKEN);
        }
        bank_proctor_format(code, typed);
        bank_session_close(s);
        bank_close(b);
    }
    fx_rmdir(dir);
}

static void test_the_proctor_verifier_is_useless_without_the_session_secret(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "", token[BANK_TOKEN_LEN + 1];
    char code[BANK_PROCTOR_LEN + 1];
    bank *b = NULL;
    proctor_room(dir, token, code);
    uint8_t salt[16], stored[32], h[32], other[32] = {0};
    stored_meta(fx_path(dir, "s.session"), "proctor_salt", salt, sizeof salt);
    stored_meta(fx_path(dir, "s.session"), "proctor_verifier", stored, sizeof stored);
    /* the right code's slow hash alone is not what the file holds */
    assert_int_equal(bc_scrypt(code, strlen(code), salt, 16, 15, h, sizeof h), BANK_OK);
    assert_memory_not_equal(h, stored, 32);
    /* nor is the verifier of the right code under another secret */
    assert_int_equal(sess_proctor_verifier(other, code, salt, 15, h), BANK_OK);
    assert_memory_not_equal(h, stored, 32);
    /* nor the PIN verifier's construction under the session's own secret */
    bank_session *s = open_session(dir, &b);
    assert_int_equal(bank_session_unlock(s, token, strlen(token), why), BANK_OK);
    assert_int_equal(sess_pin_verifier(s->secret, code, salt, 15, h), BANK_OK);
    assert_memory_not_equal(h, stored, 32);
    /* with the session's secret it is the code's verifier */
    assert_int_equal(sess_proctor_verifier(s->secret, code, salt, 15, h), BANK_OK);
    assert_memory_equal(h, stored, 32);
    bank_session_close(s);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_pin_shorter_than_ten_digits_is_refused(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "";
    bank *b = fx_bank(dir, 1, 10);
    fx_exam(b, QUIZ);
    assert_int_equal(BANK_PIN_MIN, 10);
    assert_int_equal(try_roster(b, dir, "nip,name,pin\n199001012024011001,A,123456789\n", why),
                     BANK_EROSTER);
    assert_non_null(strstr(why, "line 2: PIN must be 10 to 16 digits"));
    assert_int_equal(try_roster(b, dir, "nip,name,pin\n199001012024011001,A,12345678901234567\n",
                                why),
                     BANK_EROSTER);
    assert_int_equal(try_roster(b, dir, "nip,name,pin\n199001012024011001,A,1234567890\n", why),
                     BANK_OK);
    assert_int_equal(try_roster(b, dir, "nip,name,pin\n199001012024011001,A,1234567890123456\n",
                                why),
                     BANK_OK);
    assert_false(bank_pin_valid("123456789"));
    assert_false(bank_pin_valid("12345678a0"));
    assert_true(bank_pin_valid("0000000000"));
    bank_close(b);
    fx_rmdir(dir);
}

static void test_generated_pins_are_ten_random_digits(void **state)
{
    (void)state;
    char pin[BANK_PIN_MIN + 1], first[BANK_PIN_MIN + 1];
    int counts[10] = {0};
    bool differ = false;
    for (int i = 0; i < 200; i++) {
        assert_int_equal(bank_pin_generate(pin), BANK_OK);
        assert_int_equal(strlen(pin), 10);
        assert_true(bank_pin_valid(pin));
        for (int k = 0; k < 10; k++) counts[pin[k] - '0']++;
        if (i == 0) memcpy(first, pin, sizeof pin);
        else differ |= strcmp(first, pin) != 0;
    }
    assert_true(differ);
    for (int d = 0; d < 10; d++) assert_true(counts[d] > 0); /* 2,000 digits: each one seen */
}

static void test_roster_pins_fills_in_the_missing_pins_only(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "", *out = NULL;
    size_t len = 0, made = 0;
    static const char in[] = "nip,name,pin\n199001012024011001,\"Siti, S.Pd.\",\n"
                             "199202022024012002,B,5555555555\n";
    assert_int_equal(bank_roster_pins(in, strlen(in), &out, &len, &made, why), BANK_OK);
    assert_int_equal(made, 1);
    assert_int_equal(strlen(out), len);
    static const char head[] = "nip,name,pin\n199001012024011001,\"Siti, S.Pd.\",";
    assert_int_equal(strncmp(out, head, strlen(head)), 0);
    char *pin = out + strlen(head), *nl = strchr(pin, '\n');
    assert_non_null(nl);
    *nl = 0;
    assert_true(bank_pin_valid(pin));
    assert_int_equal(strlen(pin), BANK_PIN_MIN);
    assert_string_equal(nl + 1, "199202022024012002,B,5555555555\n");
    free(out);
    static const char two[] = "nip,name\n199001012024011001,A\n";
    assert_int_equal(bank_roster_pins(two, strlen(two), &out, &len, &made, why), BANK_OK);
    assert_int_equal(made, 1);
    free(out);
    out = NULL;
    static const char shortpin[] = "nip,name,pin\n199001012024011001,A,\n"
                                   "199001012024011002,B,123456\n";
    assert_int_equal(bank_roster_pins(shortpin, strlen(shortpin), &out, &len, &made, why),
                     BANK_EROSTER);
    assert_null(out);
    assert_non_null(strstr(why, "line 3: PIN must be 10 to 16 digits"));
}

static void test_roster_pins_carries_the_extra_minutes_through(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "", *out = NULL;
    size_t len = 0, made = 0;
    static const char in[] = "nip,name,pin,extra_minutes\n199001012024011001,A,,15\n"
                             "199202022024012002,B,5555555555,\n";
    assert_int_equal(bank_roster_pins(in, strlen(in), &out, &len, &made, why), BANK_OK);
    assert_int_equal(made, 1);
    static const char head[] = "nip,name,pin,extra_minutes\n199001012024011001,A,";
    assert_int_equal(strncmp(out, head, strlen(head)), 0);
    assert_non_null(strstr(out, ",15\n199202022024012002,B,5555555555,\n"));
    free(out);
    out = NULL;
    static const char other[] = "nip,name,pin,extra\n199001012024011001,A,,15\n";
    assert_int_equal(bank_roster_pins(other, strlen(other), &out, &len, &made, why),
                     BANK_EROSTER);
    assert_non_null(strstr(why, "extra_minutes"));
}

/* One history line of participant i, attempt a, over items t0-000.. */
static void history_line(char *out, size_t cap, const char *exam, size_t i, int a)
{
    snprintf(out, cap,
             "{\"exam\":\"%s\",\"participant\":\"%s\",\"attempt\":%d,\"items\":["
             "{\"id\":\"t0-00%d\",\"topic\":\"t0\",\"options\":[\"A\",\"B\"]}]}\n",
             exam, fx_nip(i), a, a % 10);
}

static void test_attempt_beyond_max_attempts_is_refused(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE], token[BANK_TOKEN_LEN + 1];
    bank *b = fx_bank(dir, 1, 10);
    fx_exam(b, QUIZ);
    fx_exam(b, RPL);
    char hist[4096] = "", line[512];
    for (int a = 1; a <= 5; a++) {
        history_line(line, sizeof line, "quiz", 1, a);
        strcat(hist, line);
    }
    char *roster = fx_roster(3);
    bank_session_spec spec = {.exam_id = "quiz", .roster_csv = roster,
                              .roster_len = strlen(roster), .history_jsonl = hist,
                              .history_len = strlen(hist)};
    assert_int_equal(bank_session_create(b, &spec, fx_path(dir, "s"), token, why),
                     BANK_EATTEMPTS);
    assert_non_null(strstr(why, fx_nip(1)));
    assert_non_null(strstr(why, "allows 5"));
    assert_int_not_equal(access(fx_path(dir, "s"), F_OK), 0);
    /* four earlier attempts: the fifth is allowed */
    hist[0] = 0;
    for (int a = 1; a <= 4; a++) {
        history_line(line, sizeof line, "quiz", 1, a);
        strcat(hist, line);
    }
    spec.history_len = strlen(hist);
    assert_int_equal(bank_session_create(b, &spec, fx_path(dir, "s"), token, why), BANK_OK);
    /* RPL: exactly one attempt */
    history_line(hist, sizeof hist, "rpl", 2, 1);
    spec.exam_id = "rpl";
    spec.history_len = strlen(hist);
    assert_int_equal(bank_session_create(b, &spec, fx_path(dir, "s2"), token, why),
                     BANK_EATTEMPTS);
    assert_non_null(strstr(why, "allows 1"));
    free(roster);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_history_sets_attempt_and_ignores_other_exams(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE], token[BANK_TOKEN_LEN + 1], hist[2048], line[512];
    bank *b = fx_bank(dir, 1, 10);
    fx_exam(b, QUIZ);
    history_line(hist, sizeof hist, "quiz", 0, 1);
    history_line(line, sizeof line, "quiz", 0, 2);
    strcat(hist, line);
    history_line(line, sizeof line, "other-exam", 1, 3);
    strcat(hist, "\n");
    strcat(hist, line);
    fx_session(b, "quiz", 2, hist, fx_path(dir, "s.session"), token);
    bank_close(b);
    bank_session *s = open_session(dir, &b);
    assert_int_equal(bank_session_attempt(s, fx_nip(0)), 3);
    assert_int_equal(bank_session_attempt(s, fx_nip(1)), 1);
    assert_int_equal(bank_session_attempt(s, "199901012024011999"), -1);
    bank_session_close(s);
    bank_close(b);
    /* a malformed history line is refused with its number */
    b = NULL;
    bank_err e = BANK_OK;
    b = bank_open(fx_path(dir, "bank.bank"), false, &e, why);
    assert_int_equal(bank_unlock(b, FX_PASS, strlen(FX_PASS), why), BANK_OK);
    char *roster = fx_roster(2);
    const char *bad = "{\"exam\":\"quiz\"}\n{not json\n";
    bank_session_spec spec = {.exam_id = "quiz", .roster_csv = roster,
                              .roster_len = strlen(roster), .history_jsonl = bad,
                              .history_len = strlen(bad)};
    assert_int_equal(bank_session_create(b, &spec, fx_path(dir, "s3"), token, why), BANK_EPARSE);
    assert_non_null(strstr(why, "line 1"));
    free(roster);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_roster_extra_minutes_column_grants_extra_time_per_participant(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE], token[BANK_TOKEN_LEN + 1];
    bank *b = fx_bank(dir, 1, 10);
    fx_exam(b, QUIZ);
    const char *roster = "nip,name,pin,extra_minutes\n199001012024011001,A,1234567890,15\n"
                         "199202022024012002,B,1234567890,\n199303032024011003,C,1234567890,0\n";
    bank_session_spec spec = {.exam_id = "quiz", .roster_csv = roster,
                              .roster_len = strlen(roster)};
    if (bank_session_create(b, &spec, fx_path(dir, "s.session"), token, why))
        fail_msg("bank_session_create: %s", why);
    bank_close(b);
    bank_session *s = open_session(dir, &b);
    assert_int_equal(bank_session_extra_minutes(s, 0), 15);
    assert_int_equal(bank_session_extra_minutes(s, 1), 0);  /* empty = none */
    assert_int_equal(bank_session_extra_minutes(s, 2), 0);
    assert_int_equal(bank_session_extra_minutes(s, 3), 0);  /* out of range */
    assert_int_equal(bank_session_unlock(s, token, strlen(token), why), BANK_OK);
    bank_session_close(s);
    bank_close(b);
    /* the extra time is under the session's MAC like the rest of the roster */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(fx_path(dir, "s.session"), &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE roster SET extra_minutes = 60 WHERE pos = 1",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    s = open_session(dir, &b);
    assert_int_equal(bank_session_unlock(s, token, strlen(token), why), BANK_ETAMPER);
    bank_session_close(s);
    bank_close(b);
    /* a roster without the column grants none */
    b = bank_open(fx_path(dir, "bank.bank"), true, &(bank_err){0}, why);
    assert_non_null(b);
    assert_int_equal(bank_unlock(b, FX_PASS, strlen(FX_PASS), why), BANK_OK);
    unlink(fx_path(dir, "s.session"));
    fx_session(b, "quiz", 2, NULL, fx_path(dir, "s.session"), token);
    bank_close(b);
    s = open_session(dir, &b);
    assert_int_equal(bank_session_extra_minutes(s, 0), 0);
    bank_session_close(s);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_bad_extra_minutes_are_refused_with_line(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE];
    bank *b = fx_bank(dir, 1, 10);
    fx_exam(b, QUIZ);
    static const char *const bad[] = {"-5", "15m", "601", "99999", "1.5"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char roster[256];
        snprintf(roster, sizeof roster,
                 "nip,name,pin,extra_minutes\n199001012024011001,A,1234567890,10\n"
                 "199202022024012002,B,1234567890,%s\n", bad[i]);
        assert_int_equal(try_roster(b, dir, roster, why), BANK_EROSTER);
        assert_non_null(strstr(why, "line 3"));
        assert_non_null(strstr(why, "extra_minutes"));
    }
    /* another fourth column, or a line short of the column the header named */
    assert_int_equal(try_roster(b, dir, "nip,name,pin,extra\n199001012024011001,A,1234567890,10\n",
                                why), BANK_EROSTER);
    assert_int_equal(try_roster(b, dir, "nip,name,pin,extra_minutes\n199001012024011001,A,1234567890\n",
                                why), BANK_EROSTER);
    assert_non_null(strstr(why, "line 2"));
    assert_int_equal(try_roster(b, dir, "nip,name,pin,extra_minutes\n199001012024011001,A,1234567890,600\n",
                                why), BANK_OK);
    bank_close(b);
    fx_rmdir(dir);
}

/* A quiz session of 3 in dir/s.session (its token into token), then `sql`
 * run on the file behind the bank's back. */
static void altered_session(const char *dir, const char *sql, char token[BANK_TOKEN_LEN + 1])
{
    bank *b = fx_bank(dir, 1, 10);
    fx_exam(b, QUIZ);
    fx_session(b, "quiz", 3, NULL, fx_path(dir, "s.session"), token);
    bank_close(b);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(fx_path(dir, "s.session"), &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void test_altered_session_is_refused_at_unlock(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE], token[BANK_TOKEN_LEN + 1];
    altered_session(dir, "UPDATE roster SET attempt = 1, name = 'Penyusup' WHERE pos = 1", token);
    bank *b = NULL;
    bank_session *s = open_session(dir, &b);
    assert_int_equal(bank_session_unlock(s, token, strlen(token), why), BANK_ETAMPER);
    assert_false(bank_is_unlocked(b));
    bank_session_close(s);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_session_numbers_out_of_range_are_refused_not_cut(void **state)
{
    (void)state;
    static const char *const edits[] = {
        /* 2^32 + 10: an int cast makes it 10, which is in range */
        "UPDATE meta SET value = '4294967306' WHERE key = 'pin_logn'",
        "UPDATE meta SET value = '4294967297' WHERE key = 'draw_version'",
        "UPDATE meta SET value = '12x' WHERE key = 'pin_logn'",
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        char *dir = fx_tmpdir(), why[WHY_SIZE] = "", token[BANK_TOKEN_LEN + 1];
        altered_session(dir, edits[i], token);
        bank_err e = BANK_OK;
        bank *b = bank_open(fx_path(dir, "bank.bank"), false, &e, why);
        assert_non_null(b);
        bank_session *s = bank_session_open(b, fx_path(dir, "s.session"), &e, why);
        bank_session_close(s);
        bank_close(b);
        fx_rmdir(dir);
        if (s) fail_msg("%s: the session opened", edits[i]);
        assert_int_equal(e, BANK_ECORRUPT);
    }
}

static void test_session_for_another_bank_is_refused(void **state)
{
    (void)state;
    char *a = fx_tmpdir(), *c = fx_tmpdir(), why[WHY_SIZE], token[BANK_TOKEN_LEN + 1];
    bank *b = fx_bank(a, 1, 10);
    fx_exam(b, QUIZ);
    fx_session(b, "quiz", 2, NULL, fx_path(a, "s.session"), token);
    bank_close(b);
    b = fx_bank(c, 1, 10);
    bank_err e = BANK_OK;
    assert_null(bank_session_open(b, fx_path(a, "s.session"), &e, why));
    assert_int_equal(e, BANK_EINVAL);
    assert_non_null(strstr(why, "another bank"));
    assert_null(bank_session_open(b, fx_path(c, "bank.bank"), &e, why));
    assert_int_equal(e, BANK_ENOTBANK);
    bank_close(b);
    fx_rmdir(a);
    fx_rmdir(c);
}

static void test_exam_changed_after_session_is_refused_at_draw(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE], token[BANK_TOKEN_LEN + 1];
    bank *b = fx_bank(dir, 1, 10);
    fx_exam(b, QUIZ);
    fx_session(b, "quiz", 2, NULL, fx_path(dir, "s.session"), token);
    fx_exam(b, "{\"id\":\"quiz\",\"title\":\"Kuis\",\"kind\":\"quiz\",\"minutes\":10,"
               "\"quotas\":{\"t0\":4}}");
    bank_close(b);
    bank_session *s = open_session(dir, &b);
    assert_int_equal(bank_session_unlock(s, token, strlen(token), why), BANK_OK);
    bank_err e = BANK_OK;
    assert_null(bank_form_draw(s, fx_nip(0), &e, why));
    assert_int_equal(e, BANK_ETAMPER);
    assert_non_null(strstr(why, "changed"));
    bank_session_close(s);
    bank_close(b);
    fx_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nip_rules),
        cmocka_unit_test(test_bank_and_session_open_from_memory_as_from_their_files),
        cmocka_unit_test(test_roster_errors_are_refused_with_line),
        cmocka_unit_test(test_roster_extra_minutes_column_grants_extra_time_per_participant),
        cmocka_unit_test(test_bad_extra_minutes_are_refused_with_line),
        cmocka_unit_test(test_roster_pins_carries_the_extra_minutes_through),
        cmocka_unit_test(test_unknown_exam_and_short_pool_are_refused),
        cmocka_unit_test(test_token_unlocks_and_is_not_stored),
        cmocka_unit_test(test_pin_check_is_per_participant),
        cmocka_unit_test(test_pin_verifier_cannot_be_checked_without_the_token),
        cmocka_unit_test(test_the_proctor_code_is_its_own_secret_and_the_token_is_refused),
        cmocka_unit_test(test_the_proctor_verifier_is_useless_without_the_session_secret),
        cmocka_unit_test(test_pin_shorter_than_ten_digits_is_refused),
        cmocka_unit_test(test_generated_pins_are_ten_random_digits),
        cmocka_unit_test(test_roster_pins_fills_in_the_missing_pins_only),
        cmocka_unit_test(test_journal_key_is_the_same_by_token_or_bank_key_and_per_attempt),
        cmocka_unit_test(test_attempt_beyond_max_attempts_is_refused),
        cmocka_unit_test(test_history_sets_attempt_and_ignores_other_exams),
        cmocka_unit_test(test_altered_session_is_refused_at_unlock),
        cmocka_unit_test(test_session_numbers_out_of_range_are_refused_not_cut),
        cmocka_unit_test(test_session_for_another_bank_is_refused),
        cmocka_unit_test(test_exam_changed_after_session_is_refused_at_draw),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
