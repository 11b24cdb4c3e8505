/* test_session_forms.c -- forms drawn once and stored in the session: audit, tampering, format versions, no half file, PINs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "draw.h"
#include "fixture.h"
#include "session.h"
#include "why.h"

#define EXAM "{\"id\":\"quiz\",\"title\":\"Kuis\",\"kind\":\"quiz\",\"minutes\":10," \
             "\"quotas\":{\"t0\":4,\"t1\":3}}"
#define ROOM 12

/* A bank with EXAM and a session of ROOM people in dir/s.session. */
static void make_room(const char *dir, char token[BANK_TOKEN_LEN + 1])
{
    bank *b = fx_bank(dir, 2, 20);
    fx_exam(b, EXAM);
    fx_session(b, "quiz", ROOM, NULL, fx_path(dir, "s.session"), token);
    bank_close(b);
}

/* Opens dir/s.session against dir/bank.bank; *e gets the outcome. */
static bank_session *open_room(const char *dir, bank **bp, bank_err *e, char *why)
{
    *bp = bank_open(fx_path(dir, "bank.bank"), false, e, why);
    assert_non_null(*bp);
    return bank_session_open(*bp, fx_path(dir, "s.session"), e, why);
}

/* A new room in dir, opened and unlocked with its token. */
static bank_session *unlocked_room(const char *dir, bank **bp)
{
    char why[WHY_SIZE] = "", token[BANK_TOKEN_LEN + 1];
    bank_err e;
    make_room(dir, token);
    bank_session *s = open_room(dir, bp, &e, why);
    if (!s) fail_msg("session: %s", why);
    if (bank_session_unlock(s, token, strlen(token), why)) fail_msg("unlock: %s", why);
    return s;
}

/* Runs SQL on the session file, as someone editing it would. */
static void edit(const char *dir, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(fx_path(dir, "s.session"), &db), SQLITE_OK);
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) fail_msg("%s: %s", sql, err);
    sqlite3_close(db);
}

static void test_stored_forms_are_the_forms_the_draw_gives(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "";
    bank *b;
    bank_session *s = unlocked_room(dir, &b);
    assert_int_equal(bank_session_draw_version(s), DRAW_VERSION);
    if (bank_session_audit(s, why)) fail_msg("audit: %s", why);
    bank_form *all[ROOM];
    assert_int_equal(bank_form_draw_all(s, all, why), BANK_OK);
    for (size_t i = 0; i < ROOM; i++) {
        assert_string_equal(bank_form_participant(all[i]), fx_nip(i));
        assert_int_equal(bank_form_size(all[i]), 7);
        bank_form_free(all[i]);
    }
    bank_session_close(s);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_kiosk_reads_its_form_without_drawing(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "";
    bank *b;
    bank_err e;
    bank_session *s = unlocked_room(dir, &b);
    bank_form *before = bank_form_draw(s, fx_nip(3), &e, why);
    assert_non_null(before);
    /* a draw with another secret gives other forms; the stored one stays */
    memset(s->secret, 0x5a, sizeof s->secret);
    bank_form *after = bank_form_draw(s, fx_nip(3), &e, why);
    assert_non_null(after);
    char *x = bank_form_json(before), *y = bank_form_json(after);
    assert_string_equal(x, y);
    assert_int_equal(bank_session_audit(s, why), BANK_ETAMPER);
    free(x);
    free(y);
    bank_form_free(before);
    bank_form_free(after);
    bank_session_close(s);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_edited_forms_are_refused(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "UPDATE forms SET box = (SELECT box FROM forms WHERE pos = 1) WHERE pos = 0",
        "DELETE FROM forms WHERE pos = 5",
        "UPDATE forms SET box = substr(box, 1, 40) || zeroblob(1) || substr(box, 42)"
        " WHERE pos = 2",
    };
    for (size_t k = 0; k < sizeof edits / sizeof edits[0]; k++) {
        char *dir = fx_tmpdir(), why[WHY_SIZE] = "", token[BANK_TOKEN_LEN + 1];
        make_room(dir, token);
        edit(dir, edits[k]);
        bank *b;
        bank_err e;
        bank_session *s = open_room(dir, &b, &e, why);
        assert_non_null(s);
        assert_int_equal(bank_session_unlock(s, token, strlen(token), why), BANK_ETAMPER);
        assert_non_null(strstr(why, "altered"));
        assert_null(strchr(why, '\n'));
        bank_session_close(s);
        bank_close(b);
        fx_rmdir(dir);
    }
}

static void test_form_of_another_row_does_not_open_even_past_the_mac(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "";
    bank *b;
    bank_err e;
    bank_session *s = unlocked_room(dir, &b);
    /* swapped after the MAC check: the box is bound to its row and NIP */
    sqlite3_close(s->db);
    edit(dir, "UPDATE forms SET box = (SELECT box FROM forms WHERE pos = 1) WHERE pos = 0");
    assert_int_equal(sqlite3_open(fx_path(dir, "s.session"), &s->db), SQLITE_OK);
    assert_null(bank_form_draw(s, fx_nip(0), &e, why));
    assert_int_equal(e, BANK_ETAMPER);
    assert_non_null(strstr(why, fx_nip(0)));
    bank_session_close(s);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_session_of_another_format_version_is_refused(void **state)
{
    (void)state;
    static const struct {
        int version;
        const char *says;
    } cases[] = {{1, "older Kisi"},
                 {BANK_SESSION_FORMAT_VERSION - 1, "older Kisi"},
                 {BANK_SESSION_FORMAT_VERSION + 1, "upgrade Kisi"}};
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        char *dir = fx_tmpdir(), why[WHY_SIZE] = "", token[BANK_TOKEN_LEN + 1], sql[64];
        char bid[33], sid[33], exam[65];
        make_room(dir, token);
        snprintf(sql, sizeof sql, "PRAGMA user_version=%d", cases[k].version);
        edit(dir, sql);
        bank *b;
        bank_err e;
        assert_null(open_room(dir, &b, &e, why));
        assert_int_equal(e, BANK_EVERSION);
        assert_non_null(strstr(why, cases[k].says));
        assert_null(strchr(why, '\n'));
        assert_int_equal(bank_session_info(fx_path(dir, "s.session"), bid, sid, exam, why),
                         BANK_EVERSION);
        bank_close(b);
        fx_rmdir(dir);
    }
}

static void test_session_of_the_oldest_format_still_read_opens(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "", token[BANK_TOKEN_LEN + 1];
    make_room(dir, token);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version=%d", BANK_SESSION_FORMAT_OLDEST);
    edit(dir, sql);
    bank *b;
    bank_err e = BANK_OK;
    bank_session *s = open_room(dir, &b, &e, why);
    if (!s) fail_msg("format %d: %s", BANK_SESSION_FORMAT_OLDEST, why);
    assert_int_equal(bank_session_unlock(s, token, strlen(token), why), BANK_OK);
    bank_form *f = bank_form_draw(s, fx_nip(0), &e, why);
    assert_non_null(f);
    bank_form_free(f);
    bank_session_close(s);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_audit_of_another_draw_version_says_so_and_forms_still_open(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "";
    bank *b;
    bank_err e;
    bank_session *s = unlocked_room(dir, &b);
    s->draw_version = DRAW_VERSION + 1; /* as a session from a newer build reads */
    assert_int_equal(bank_session_audit(s, why), BANK_EVERSION);
    assert_non_null(strstr(why, "draw version"));
    bank_form *f = bank_form_draw(s, fx_nip(0), &e, why);
    assert_non_null(f);
    bank_form_free(f);
    bank_session_close(s);
    bank_close(b);
    fx_rmdir(dir);
}

/* Number of entries of dir other than . and .. */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
    closedir(d);
    return n;
}

static void test_a_refused_session_leaves_nothing_and_keeps_an_existing_file(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "", token[BANK_TOKEN_LEN + 1];
    bank *b = fx_bank(dir, 2, 20);
    fx_exam(b, EXAM);
    int before = entries(dir);
    static const char bad[] = "nip,name,pin\n199001012024011001,A,12\n";
    bank_session_spec spec = {.exam_id = "quiz", .roster_csv = bad, .roster_len = strlen(bad)};
    assert_int_equal(bank_session_create(b, &spec, fx_path(dir, "s.session"), token, why),
                     BANK_EROSTER);
    assert_int_equal(entries(dir), before);
    FILE *f = fopen(fx_path(dir, "s.session"), "w");
    fputs("keep", f);
    fclose(f);
    char *csv = fx_roster(3);
    spec.roster_csv = csv;
    spec.roster_len = strlen(csv);
    assert_int_equal(bank_session_create(b, &spec, fx_path(dir, "s.session"), token, why),
                     BANK_EEXIST);
    assert_int_equal(entries(dir), before + 1);
    f = fopen(fx_path(dir, "s.session"), "r");
    char got[16] = "";
    assert_non_null(fgets(got, sizeof got, f));
    fclose(f);
    assert_string_equal(got, "keep");
    free(csv);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_every_pin_hashed_in_parallel_checks(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "", token[BANK_TOKEN_LEN + 1], pin[16];
    bank *b = fx_bank(dir, 2, 20);
    fx_exam(b, EXAM);
    /* fx_roster's PINs are all the same: give each person their own */
    char *csv = fx_roster(9), out[2048] = "";
    size_t o = 0, line = 0;
    for (char *p = strtok(csv, "\n"); p; p = strtok(NULL, "\n"), line++) {
        char *comma = strrchr(p, ',');
        if (line && comma) *comma = 0;
        if (line) o += (size_t)snprintf(out + o, sizeof out - o, "%s,%010zu\n", p, 1000 + line);
        else o += (size_t)snprintf(out + o, sizeof out - o, "%s\n", p);
    }
    bank_session_spec spec = {.exam_id = "quiz", .roster_csv = out, .roster_len = o};
    assert_int_equal(bank_session_create(b, &spec, fx_path(dir, "s.session"), token, why),
                     BANK_OK);
    bank_err e;
    bank_session *s = bank_session_open(b, fx_path(dir, "s.session"), &e, why);
    assert_non_null(s);
    assert_int_equal(bank_session_unlock(s, token, strlen(token), why), BANK_OK);
    for (size_t i = 0; i < 9; i++) {
        snprintf(pin, sizeof pin, "%010zu", 1001 + i);
        if (bank_session_check_pin(s, fx_nip(i), pin, why)) fail_msg("PIN %zu: %s", i, why);
        snprintf(pin, sizeof pin, "%010zu", 1002 + i);
        assert_int_equal(bank_session_check_pin(s, fx_nip(i), pin, why), BANK_EROSTER);
    }
    bank_session_close(s);
    free(csv);
    bank_close(b);
    fx_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stored_forms_are_the_forms_the_draw_gives),
        cmocka_unit_test(test_kiosk_reads_its_form_without_drawing),
        cmocka_unit_test(test_edited_forms_are_refused),
        cmocka_unit_test(test_form_of_another_row_does_not_open_even_past_the_mac),
        cmocka_unit_test(test_session_of_another_format_version_is_refused),
        cmocka_unit_test(test_session_of_the_oldest_format_still_read_opens),
        cmocka_unit_test(test_audit_of_another_draw_version_says_so_and_forms_still_open),
        cmocka_unit_test(test_a_refused_session_leaves_nothing_and_keeps_an_existing_file),
        cmocka_unit_test(test_every_pin_hashed_in_parallel_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
