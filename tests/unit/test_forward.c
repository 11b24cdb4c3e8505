/* test_forward.c -- results travel on: the store's forwards (once per upstream, on a receipt), the receipt
 * check, a pass with the upstream down; on SQLite, or on the PostgreSQL database named by
 * KISI_TEST_STORE_URL (emptied before each test). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "fixture.h"
#include "forward.h"
#include "signer.h"
#include "store.h"
#include "why.h"

#define KIOSK "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define UP_1 "1111111111111111111111111111111111111111111111111111111111111111"
#define UP_2 "2222222222222222222222222222222222222222222222222222222222222222"
#define DIGEST "abababababababababababababababababababababababababababababababab"

static const char *pg_url;

/* Runs one statement behind the store's back (the SQLite file of dir, or PostgreSQL). */
static void raw(const char *dir, const char *sql)
{
    if (pg_url) {
        PGconn *c = PQconnectdb(pg_url);
        PQclear(PQexec(c, "SET client_min_messages = warning"));
        PGresult *r = PQexec(c, sql);
        ExecStatusType st = PQresultStatus(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail_msg("%s: %s", sql, PQerrorMessage(c));
        PQclear(r);
        PQfinish(c);
        return;
    }
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(fx_path(dir, "core.db"), &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_close(db);
}

/* A new store in a fresh folder (and an emptied database); *dir for fx_rmdir(). */
static store *open_in(char **dir)
{
    static char url[4200];
    char why[WHY_SIZE] = "";
    *dir = fx_tmpdir();
    if (pg_url) raw(*dir, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
    snprintf(url, sizeof url, "sqlite:%s", fx_path(*dir, "core.db"));
    store *s = store_open(pg_url ? pg_url : url, why);
    if (!s) fail_msg("store_open: %s", why);
    return s;
}

/* Stores one result of nip (digest made of the character d) from KIOSK, named "A03". */
static void put(store *s, const char *nip, char d)
{
    char why[WHY_SIZE] = "", digest[65], json[200];
    memset(digest, d, 64);
    digest[64] = 0;
    snprintf(json, sizeof json, "{\"kind\":\"kisi-result\",\"participant\":\"%s\"}", nip);
    store_result r = {"s1", "akad", "latsar", "academic", nip, 1, 8000, 8000, true, digest,
                      json, "{\"kiosk\":\"" KIOSK "\",\"sig\":\"" KIOSK KIOSK "\"}", KIOSK, 1000, 0};
    assert_int_equal(store_kiosk_enrol(s, KIOSK, "A03", 10, why), 0);
    assert_int_equal(store_result_put(s, &r, why), STORE_NEW);
}

/* Collects "nip kiosk-name|" of the results listed. */
static int list(const store_result *r, const char *name, void *arg)
{
    char *out = arg;
    size_t n = strlen(out);
    snprintf(out + n, 256 - n, "%s %s|", r->nip, name);
    return 0;
}

static void test_a_result_is_listed_until_a_receipt_of_that_upstream_marks_it(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", out[256] = "";
    store *s = open_in(&dir);
    put(s, "199001012020121001", 'a');
    put(s, "199202022020122002", 'b');
    assert_int_equal(store_forward_each(s, UP_1, 0, list, out, why), 0);
    assert_string_equal(out, "199001012020121001 A03|199202022020122002 A03|");
    out[0] = 0;
    assert_int_equal(store_forward_each(s, UP_1, 1, list, out, why), 0);
    assert_string_equal(out, "199001012020121001 A03|");
    char digest[65];
    memset(digest, 'a', 64);
    digest[64] = 0;
    assert_int_equal(store_forward_mark(s, digest, UP_1, "{\"r\":1}", 50, why), 0);
    /* marking again changes nothing */
    assert_int_equal(store_forward_mark(s, digest, UP_1, "{\"r\":2}", 60, why), 0);
    out[0] = 0;
    assert_int_equal(store_forward_each(s, UP_1, 0, list, out, why), 0);
    assert_string_equal(out, "199202022020122002 A03|");
    int done = -1, todo = -1;
    assert_int_equal(store_forward_count(s, UP_1, &done, &todo, why), 0);
    assert_int_equal(done, 1);
    assert_int_equal(todo, 1);
    /* another upstream has had none; every result is listed without one */
    out[0] = 0;
    assert_int_equal(store_forward_each(s, UP_2, 0, list, out, why), 0);
    assert_string_equal(out, "199001012020121001 A03|199202022020122002 A03|");
    out[0] = 0;
    assert_int_equal(store_forward_each(s, NULL, 0, list, out, why), 0);
    assert_string_equal(out, "199001012020121001 A03|199202022020122002 A03|");
    assert_int_equal(store_forward_mark(s, digest, "zz", "{}", 1, why), -1);
    store_close(s);
    fx_rmdir(dir);
}

/* Collects "session bank exam session-sha[0..8] bank-sha[0..8]|" of the sessions held. */
static int held(const store_held *h, void *arg)
{
    char *out = arg;
    size_t n = strlen(out);
    snprintf(out + n, 256 - n, "%s %s %s %.8s %.8s|", h->session_id, h->bank_id, h->exam_id,
             h->session_digest, h->bank_digest);
    return 0;
}

static void test_the_sessions_held_are_listed_with_the_sha256_of_their_files(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "", out[256] = "";
    store *s = open_in(&dir);
    assert_int_equal(store_session_each(s, held, out, why), 0);
    assert_string_equal(out, "");
    /* SHA-256 of "abc": ba7816bf..., of "xyz": 3608bca1... */
    assert_int_equal(store_session_put(s, "s2", "b1", "akad", "abc", 3, why), 0);
    assert_int_equal(store_session_put(s, "s1", "b9", "rpl", "abc", 3, why), 0);
    assert_int_equal(store_bank_put(s, "b1", "xyz", 3, "box", 3, why), 0);
    assert_int_equal(store_session_each(s, held, out, why), 0);
    assert_string_equal(out, "s1 b9 rpl ba7816bf |s2 b1 akad ba7816bf 3608bca1|");
    store_close(s);
    fx_rmdir(dir);
}

static void test_store_of_schema_3_gains_the_forwards_table(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "";
    store *s = open_in(&dir);
    store_close(s);
    raw(dir, "DROP TABLE forwards");
    raw(dir, "UPDATE meta SET value = 3 WHERE key = 'kisi-core-schema'");
    static char url[4200];
    snprintf(url, sizeof url, "sqlite:%s", fx_path(dir, "core.db"));
    s = store_open(pg_url ? pg_url : url, why);
    if (!s) fail_msg("reopen: %s", why);
    put(s, "199001012020121001", 'a');
    int done = -1, todo = -1;
    assert_int_equal(store_forward_count(s, UP_1, &done, &todo, why), 0);
    assert_int_equal(todo, 1);
    store_close(s);
    fx_rmdir(dir);
}

/* The upstream's answer carrying a receipt by signer `key` (32 bytes of k). */
static char *answer(char k, const char *digest, const char *kiosk, const char *status,
                    char pub[65])
{
    unsigned char key[32];
    char why[WHY_SIZE] = "";
    memset(key, k, sizeof key);
    core_signer *sg = core_signer_new(key, why);
    assert_non_null(sg);
    core_receipt r;
    assert_int_equal(core_receipt_sign(sg, digest, kiosk, status, 1234, &r, why), 0);
    snprintf(pub, 65, "%s", core_signer_pub(sg));
    core_signer_free(sg);
    char *text = core_receipt_json(&r);
    assert_non_null(text);
    size_t n = strlen(text) + 64;
    char *out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "{\"code\":\"stored\",\"receipt\":%s}", text);
    free(text);
    return out;
}

static void test_only_a_receipt_of_the_pinned_key_for_that_record_counts(void **state)
{
    (void)state;
    char pub[65], other[65], why[WHY_SIZE] = "", *receipt = NULL;
    char *a = answer(7, DIGEST, KIOSK, "stored", pub);
    assert_int_equal(forward_receipt_check(a, strlen(a), pub, DIGEST, KIOSK, &receipt, why), 0);
    assert_non_null(strstr(receipt, "\"status\":\"stored\""));
    free(receipt);
    /* pinned another key, asked for another record or kiosk */
    free(answer(8, DIGEST, KIOSK, "stored", other));
    assert_int_equal(forward_receipt_check(a, strlen(a), other, DIGEST, KIOSK, &receipt, why), -1);
    assert_non_null(strstr(why, "not signed by the upstream key"));
    assert_null(receipt);
    assert_int_equal(forward_receipt_check(a, strlen(a), pub, UP_1, KIOSK, &receipt, why), -1);
    assert_int_equal(forward_receipt_check(a, strlen(a), pub, DIGEST, UP_2, &receipt, why), -1);
    assert_non_null(strstr(why, "another result"));
    /* one hex digit of the signature changed */
    char *sig = strstr(a, "\"sig\":\"") + 7;
    *sig = *sig == '0' ? '1' : '0';
    assert_int_equal(forward_receipt_check(a, strlen(a), pub, DIGEST, KIOSK, &receipt, why), -1);
    free(a);
    a = answer(7, DIGEST, KIOSK, "refused", pub);
    assert_int_equal(forward_receipt_check(a, strlen(a), pub, DIGEST, KIOSK, &receipt, why), -1);
    free(a);
    const char none[] = "{\"code\":\"stored\"}";
    assert_int_equal(forward_receipt_check(none, strlen(none), pub, DIGEST, KIOSK, &receipt, why), -1);
    assert_non_null(strstr(why, "no receipt"));
}

static void test_a_pass_with_the_upstream_down_marks_nothing(void **state)
{
    (void)state;
    char *dir, why[WHY_SIZE] = "";
    store *s = open_in(&dir);
    put(s, "199001012020121001", 'a');
    /* port 9 (discard) of loopback: nothing listens there on a test machine */
    forward_config cfg = {"http://127.0.0.1:9", UP_1, 0};
    forward_pass p;
    assert_int_equal(forward_once(s, &cfg, &p), 0);
    assert_int_equal(p.down, 1);
    assert_int_equal(p.sent, 0);
    assert_non_null(strstr(p.why, "upstream http://127.0.0.1:9"));
    int done = -1, todo = -1;
    assert_int_equal(store_forward_count(s, UP_1, &done, &todo, why), 0);
    assert_int_equal(done, 0);
    assert_int_equal(todo, 1);
    store_close(s);
    fx_rmdir(dir);
}

static void test_a_forwarder_needs_a_url_and_a_key(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "";
    forward_config no_url = {"ftp://x", UP_1, 0}, no_key = {"http://127.0.0.1:9", "zz", 0};
    assert_null(forward_start(NULL, &no_url, why));
    assert_non_null(strstr(why, "--upstream"));
    assert_null(forward_start(NULL, &no_key, why));
    assert_non_null(strstr(why, "64 hex"));
    forward_stop(NULL);
}

int main(void)
{
    pg_url = getenv("KISI_TEST_STORE_URL");
    if (pg_url && !*pg_url) pg_url = NULL;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_result_is_listed_until_a_receipt_of_that_upstream_marks_it),
        cmocka_unit_test(test_store_of_schema_3_gains_the_forwards_table),
        cmocka_unit_test(test_the_sessions_held_are_listed_with_the_sha256_of_their_files),
        cmocka_unit_test(test_only_a_receipt_of_the_pinned_key_for_that_record_counts),
        cmocka_unit_test(test_a_pass_with_the_upstream_down_marks_nothing),
        cmocka_unit_test(test_a_forwarder_needs_a_url_and_a_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
