/* test_ingest.c -- the core's check of one upload: the kiosk's signature and state, and
 * more sessions in use than the core keeps open at once; the item analysis over what it stored. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "analysis.h"
#include "fixture.h"
#include "ingest.h"
#include "proto.h"
#include "why.h"

#define SESSIONS 36 /* more than the core keeps open */
#define EXAM "{\"id\":\"akad\",\"title\":\"Evaluasi\",\"kind\":\"academic\",\"minutes\":30," \
             "\"quotas\":{\"t0\":2,\"t1\":2}}"

typedef struct fx {
    char *dir;
    bank *b;
    bank_signer *k;
    store *st;
    core_ctx *c;
} fx;

static int setup(void **state)
{
    fx *x = calloc(1, sizeof *x);
    char why[WHY_SIZE] = "", url[4200];
    bank_err e = BANK_OK;
    x->dir = fx_tmpdir();
    x->b = fx_bank(x->dir, 2, 6);
    fx_exam(x->b, EXAM);
    char key[4200];
    snprintf(key, sizeof key, "%s", fx_path(x->dir, "authority"));
    if (bank_keygen(key, why) || bank_seal(x->b, fx_path(x->dir, "authority.key"), why))
        fail_msg("seal: %s", why);
    x->k = bank_signer_open(fx_path(x->dir, "kiosk"), &e, why);
    if (!x->k) fail_msg("kiosk key: %s", why);
    FILE *f = fopen(fx_path(x->dir, "pass"), "w");
    assert_non_null(f);
    fputs(FX_PASS, f);
    assert_int_equal(fclose(f), 0);
    snprintf(url, sizeof url, "sqlite:%s", fx_path(x->dir, "core.db"));
    x->st = store_open(url, why);
    if (!x->st) fail_msg("store_open: %s", why);
    x->c = core_ctx_new(x->st, fx_path(x->dir, "core.key"), why);
    if (!x->c) fail_msg("core_ctx_new: %s", why);
    char bank_path[4200], pass_path[4200];
    snprintf(bank_path, sizeof bank_path, "%s", fx_path(x->dir, "bank.bank"));
    snprintf(pass_path, sizeof pass_path, "%s", fx_path(x->dir, "pass"));
    char pub_path[4200];
    snprintf(pub_path, sizeof pub_path, "%s", fx_path(x->dir, "authority.pub"));
    if (core_bank_add(x->c, bank_path, pass_path, pub_path, why)) fail_msg("bank add: %s", why);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx *x = *state;
    core_ctx_free(x->c);
    store_close(x->st);
    bank_signer_free(x->k);
    bank_close(x->b);
    fx_rmdir(x->dir);
    free(x);
    return 0;
}

/* Session file `name` with the one participant nip, added to the core;
 * returns it opened with the bank (caller closes). */
static bank_session *add_session(fx *x, const char *name, const char *nip)
{
    char csv[128], why[WHY_SIZE] = "", path[4200], token[BANK_TOKEN_LEN + 1];
    snprintf(csv, sizeof csv, "nip,name,pin\n%s,Peserta,1234567890\n", nip);
    snprintf(path, sizeof path, "%s", fx_path(x->dir, name));
    bank_session_spec spec = {.exam_id = "akad", .roster_csv = csv, .roster_len = strlen(csv)};
    if (bank_session_create(x->b, &spec, path, token, why)) fail_msg("session: %s", why);
    if (core_session_add(x->c, path, why)) fail_msg("session add: %s", why);
    bank_err e = BANK_OK;
    bank_session *s = bank_session_open(x->b, path, &e, why);
    if (!s || bank_session_unlock_bank(s, why)) fail_msg("session open: %s", why);
    return s;
}

/* The result record of nip in s, unanswered, as a kiosk signs it; the
 * signature (128 hex) into sig. Caller frees. */
static char *record(fx *x, bank_session *s, const char *nip, char sig[129])
{
    char why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    bank_form *f = bank_form_draw(s, nip, &e, why);
    if (!f) fail_msg("draw: %s", why);
    bank_score sc;
    bank_answer none = {NULL, NULL};
    if (bank_form_score(x->b, f, &none, 0, &sc, why)) fail_msg("score: %s", why);
    char *fj = bank_form_json(f);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:o, s:[], s:{s:i, s:i, s:i, s:b}}",
                          "kind", "kisi-result", "bank", bank_id(x->b), "session",
                          bank_session_id(s), "exam", bank_form_exam(f), "participant", nip,
                          "kiosk", bank_signer_pub(x->k), "attempt", bank_form_attempt(f), "form",
                          json_loads(fj, 0, NULL), "answers", "score", "raw", sc.raw, "ceiling",
                          sc.ceiling, "awarded", sc.awarded, "passed", sc.passed);
    char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    assert_non_null(text);
    bank_signer_sign(x->k, text, strlen(text), sig);
    json_decref(o);
    free(fj);
    bank_form_free(f);
    return text;
}

/* core_ingest of text signed by the test kiosk with sig; returns the status. */
static int ingest(fx *x, const char *text, const char *sig, char *code)
{
    ingest_outcome o;
    core_ingest(x->c, text, strlen(text), bank_signer_pub(x->k), sig, 1000, &o);
    snprintf(code, 32, "%s", o.code);
    return o.status;
}

static void approve(fx *x)
{
    char why[WHY_SIZE] = "";
    if (core_kiosk_enrol(x->c, bank_signer_pub(x->k), "lab", 1, why) ||
        store_kiosk_set(x->st, bank_signer_pub(x->k), "approved", why))
        fail_msg("kiosk: %s", why);
}

static void test_kiosk_signature_and_state_decide_first(void **state)
{
    fx *x = *state;
    char sig[129], code[32], why[WHY_SIZE] = "";
    bank_session *s = add_session(x, "one.session", fx_nip(0));
    char *text = record(x, s, fx_nip(0), sig);
    assert_int_equal(ingest(x, text, sig, code), 403);
    assert_string_equal(code, "unknown-kiosk");
    assert_int_equal(core_kiosk_enrol(x->c, bank_signer_pub(x->k), "lab", 1, why), 0);
    assert_int_equal(ingest(x, text, sig, code), 403);
    assert_string_equal(code, "kiosk-not-approved");
    assert_int_equal(store_kiosk_set(x->st, bank_signer_pub(x->k), "approved", why), 0);
    /* one byte changed after signing; a signature cut short; none at all */
    text[strlen(text) - 2] ^= 1;
    assert_int_equal(ingest(x, text, sig, code), 401);
    assert_string_equal(code, "bad-signature");
    text[strlen(text) - 2] ^= 1;
    char short_sig[129];
    snprintf(short_sig, sizeof short_sig, "%.100s", sig);
    assert_int_equal(ingest(x, text, short_sig, code), 400);
    assert_string_equal(code, "malformed");
    ingest_outcome o;
    core_ingest(x->c, text, strlen(text), NULL, NULL, 1000, &o);
    assert_int_equal(o.status, 400);
    assert_int_equal(ingest(x, text, sig, code), 201);
    assert_int_equal(ingest(x, text, sig, code), 200);
    free(text);
    bank_session_close(s);
}

static void test_results_of_more_sessions_than_are_kept_open_are_all_stored(void **state)
{
    fx *x = *state;
    char sig[SESSIONS][129], code[32], name[64];
    char *text[SESSIONS];
    approve(x);
    for (int i = 0; i < SESSIONS; i++) {
        snprintf(name, sizeof name, "s%02d.session", i);
        bank_session *s = add_session(x, name, fx_nip((size_t)i));
        text[i] = record(x, s, fx_nip((size_t)i), sig[i]);
        bank_session_close(s);
    }
    /* a server started after the sessions were added knows none of them open */
    char why[WHY_SIZE] = "";
    core_ctx_free(x->c);
    x->c = core_ctx_new(x->st, fx_path(x->dir, "core.key"), why);
    assert_non_null(x->c);
    for (int i = 0; i < SESSIONS; i++) {
        if (ingest(x, text[i], sig[i], code) != 201) fail_msg("session %d: %s", i, code);
    }
    /* the first sessions were closed to make room: they open again */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(ingest(x, text[i], sig[i], code), 200);
        assert_string_equal(code, "duplicate");
    }
    for (int i = 0; i < SESSIONS; i++) free(text[i]);
}

static void test_bank_without_the_authority_key_is_refused(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "", bank_path[4200], pass_path[4200];
    snprintf(bank_path, sizeof bank_path, "%s", fx_path(x->dir, "bank.bank"));
    snprintf(pass_path, sizeof pass_path, "%s", fx_path(x->dir, "pass"));
    assert_int_equal(core_bank_add(x->c, bank_path, pass_path, NULL, why), -1);
    assert_non_null(strstr(why, "public key is required"));
    assert_null(strchr(why, '\n'));
}

/* Copies the file src to dst (both under x->dir). */
static void copy_file(fx *x, const char *src, const char *dst)
{
    char a[4200], why[WHY_SIZE] = "";
    char *data = NULL;
    size_t len = 0;
    snprintf(a, sizeof a, "%s", fx_path(x->dir, src));
    if (bank_file_read(a, 1 << 24, &data, &len, why) ||
        bank_file_write_atomic(fx_path(x->dir, dst), data, len, 0600, why))
        fail_msg("copy %s: %s", src, why);
    free(data);
}

static void test_a_core_serves_from_its_store_alone_with_a_copy_of_the_key(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "", sig[129], code[32];
    approve(x);
    bank_session *s = add_session(x, "gone.session", fx_nip(0));
    char *text = record(x, s, fx_nip(0), sig);
    bank_session_close(s);
    /* another core: no bank, passphrase or session file beside it, only a
     * copy of the key file */
    copy_file(x, "core.key", "other.key");
    assert_int_equal(unlink(fx_path(x->dir, "gone.session")), 0);
    assert_int_equal(unlink(fx_path(x->dir, "bank.bank")), 0);
    assert_int_equal(unlink(fx_path(x->dir, "pass")), 0);
    core_ctx_free(x->c);
    x->c = core_ctx_new(x->st, fx_path(x->dir, "other.key"), why);
    if (!x->c) fail_msg("core_ctx_new: %s", why);
    assert_int_equal(ingest(x, text, sig, code), 201);
    free(text);
}

static void test_a_core_with_another_key_is_refused(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "";
    assert_null(core_ctx_new(x->st, fx_path(x->dir, "new.key"), why));
    assert_non_null(strstr(why, "is not this database's"));
    assert_null(strchr(why, '\n'));
    /* a key file that is no key */
    FILE *f = fopen(fx_path(x->dir, "bad.key"), "w");
    assert_non_null(f);
    fputs("not a key\n", f);
    assert_int_equal(fclose(f), 0);
    assert_null(core_ctx_new(x->st, fx_path(x->dir, "bad.key"), why));
    assert_non_null(strstr(why, "is not a core key"));
}

static void test_the_key_file_is_private_and_the_passphrase_is_sealed_in_the_store(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "";
    struct stat st;
    assert_int_equal(stat(fx_path(x->dir, "core.key"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    store_blob file, box;
    assert_int_equal(store_bank_get(x->st, bank_id(x->b), &file, &box, why), 1);
    assert_true(box.len > strlen(FX_PASS));
    size_t n = strlen(FX_PASS);
    for (size_t i = 0; i + n <= box.len; i++) assert_true(memcmp(box.data + i, FX_PASS, n) != 0);
    store_blob_free(&file);
    store_blob_free(&box);
}

/* Runs SQL on the SQLite store of x behind its back. */
static void raw(fx *x, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(fx_path(x->dir, "core.db"), &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_close(db);
}

static void test_files_kept_by_an_earlier_core_are_read_into_the_store(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "", sql[16384], sig[129], code[32], sid[40];
    approve(x);
    bank_session *s = add_session(x, "old.session", fx_nip(0));
    char *text = record(x, s, fx_nip(0), sig);
    snprintf(sid, sizeof sid, "%s", bank_session_id(s));
    bank_session_close(s);
    /* as an upgraded store of schema 2 holds them: by path only */
    raw(x, "DELETE FROM banks");
    raw(x, "DELETE FROM sessions");
    snprintf(sql, sizeof sql,
             "INSERT INTO legacy_files VALUES ('bank', '%s', '', '', '%s/bank.bank', '%s/pass');"
             "INSERT INTO legacy_files VALUES ('session', '%s', '%s', 'akad', '%s/old.session', '');"
             "INSERT INTO legacy_files VALUES ('session', 'ffff', '%s', 'akad', '%s/lost.session', '')",
             bank_id(x->b), x->dir, x->dir, sid, bank_id(x->b), x->dir, bank_id(x->b), x->dir);
    raw(x, sql);
    core_ctx_free(x->c);
    x->c = core_ctx_new(x->st, fx_path(x->dir, "core.key"), why);
    assert_non_null(x->c);
    int moved = -1, left = -1;
    assert_int_equal(core_ctx_import(x->c, &moved, &left, why), 0);
    assert_int_equal(moved, 2);
    assert_int_equal(left, 1);
    assert_non_null(strstr(why, "lost.session"));
    /* read in: the files are no longer needed */
    assert_int_equal(unlink(fx_path(x->dir, "old.session")), 0);
    assert_int_equal(unlink(fx_path(x->dir, "bank.bank")), 0);
    assert_int_equal(ingest(x, text, sig, code), 201);
    why[0] = 0;
    assert_int_equal(core_ctx_import(x->c, &moved, &left, why), 0);
    assert_int_equal(moved, 0);
    assert_int_equal(left, 1);
    free(text);
}

/* Counts the uploads listed, by state. */
static int count_upload(const store_upload *u, void *arg)
{
    int *n = arg;
    n[strcmp(u->state, "refused") == 0 ? 0 : strcmp(u->state, "waiting") == 0 ? 1 : 2]++;
    return 0;
}

static void test_refusals_are_kept_when_signed_or_from_an_enrolled_kiosk(void **state)
{
    fx *x = *state;
    char sig[129], code[32], why[WHY_SIZE] = "";
    bank_session *s = add_session(x, "one.session", fx_nip(0));
    char *text = record(x, s, fx_nip(0), sig);
    /* signed by a kiosk never enrolled: refused, and kept (its signature holds) */
    assert_int_equal(ingest(x, text, sig, code), 403);
    /* bytes anyone could send, under a key nobody enrolled: logged, not kept */
    char junk_sig[129];
    memset(junk_sig, '1', 128);
    junk_sig[128] = 0;
    ingest_outcome o;
    core_ingest(x->c, "junk", 4, "ab" "ababababababababababababababababababababababababababababababab",
                junk_sig, 1000, &o);
    assert_string_equal(o.code, "bad-signature");
    int n[3] = {0};
    assert_int_equal(store_uploads_each(x->st, NULL, count_upload, n, why), 0);
    assert_int_equal(n[0], 1);
    /* a copy changed after signing, from an enrolled kiosk: kept */
    approve(x);
    text[strlen(text) - 2] ^= 1;
    assert_int_equal(ingest(x, text, sig, code), 401);
    text[strlen(text) - 2] ^= 1;
    memset(n, 0, sizeof n);
    assert_int_equal(store_uploads_each(x->st, NULL, count_upload, n, why), 0);
    assert_int_equal(n[0], 2);
    free(text);
    bank_session_close(s);
}

static void test_result_of_a_pending_kiosk_waits_until_it_is_approved(void **state)
{
    fx *x = *state;
    char sig[129], why[WHY_SIZE] = "";
    bank_session *s = add_session(x, "one.session", fx_nip(0));
    char *text = record(x, s, fx_nip(0), sig);
    ingest_outcome o;
    core_ingest_or_wait(x->c, text, strlen(text), bank_signer_pub(x->k), sig, "stick", 1000, &o);
    assert_int_equal(o.status, 202);
    assert_string_equal(o.code, "waiting");
    char st[16];
    assert_int_equal(store_kiosk_state(x->st, bank_signer_pub(x->k), st, why), 1);
    assert_string_equal(st, "pending");
    int stored = -1, refused = -1;
    char prefix[9];
    snprintf(prefix, sizeof prefix, "%.8s", bank_signer_pub(x->k));
    assert_int_equal(core_kiosk_decide(x->st, NULL, prefix, "approved", 2000, &stored, &refused,
                                       why), -1);
    assert_non_null(strstr(why, "needs the core's banks"));
    assert_int_equal(core_kiosk_decide(x->st, x->c, prefix, "approved", 2000, &stored, &refused,
                                       why), 0);
    assert_int_equal(stored, 1);
    assert_int_equal(refused, 0);
    int count = 0, highest = 0;
    assert_int_equal(store_attempts(x->st, "akad", fx_nip(0), &count, &highest, why), 0);
    assert_int_equal(count, 1);
    int n[3] = {0};
    assert_int_equal(store_uploads_each(x->st, NULL, count_upload, n, why), 0);
    assert_int_equal(n[1], 0);
    assert_int_equal(n[2], 1);
    free(text);
    bank_session_close(s);
}

/* text with "kind" replaced by `with` ("kind":"kisi-result",<with>), signed again. */
static char *amend(fx *x, const char *text, const char *with, char sig[129])
{
    const char *at = strstr(text, "\"kind\":\"kisi-result\"");
    assert_non_null(at);
    size_t head = (size_t)(at - text) + strlen("\"kind\":\"kisi-result\"");
    char *out = malloc(strlen(text) + strlen(with) + 2);
    assert_non_null(out);
    sprintf(out, "%.*s,%s%s", (int)head, text, with, text + head);
    bank_signer_sign(x->k, out, strlen(out), sig);
    return out;
}

static void test_result_record_of_a_newer_version_is_refused_by_name(void **state)
{
    fx *x = *state;
    char sig[129], code[32];
    approve(x);
    bank_session *s = add_session(x, "v.session", fx_nip(0));
    char *text = record(x, s, fx_nip(0), sig);
    char newer_v[32], this_v[32];
    snprintf(newer_v, sizeof newer_v, "\"version\":%d", PROTO_RESULT_VERSION + 1);
    snprintf(this_v, sizeof this_v, "\"version\":%d", PROTO_RESULT_VERSION);
    char *newer = amend(x, text, newer_v, sig);
    ingest_outcome o;
    core_ingest(x->c, newer, strlen(newer), bank_signer_pub(x->k), sig, 1000, &o);
    assert_int_equal(o.status, 422);
    assert_string_equal(o.code, "unsupported-version");
    assert_non_null(strstr(o.reason, "upgrade the core"));
    free(newer);
    newer = amend(x, text, this_v, sig);
    assert_int_equal(ingest(x, newer, sig, code), 201);
    free(newer);
    free(text);
    bank_session_close(s);
}

/* text with o[key] (or o[key][sub] when sub is set, o[key] made when missing) replaced by v (taken),
 * re-signed by the test kiosk into sig. Caller frees. */
static char *with_number(fx *x, const char *text, const char *key, const char *sub, json_t *v,
                         char sig[129])
{
    json_t *o = json_loads(text, 0, NULL);
    assert_non_null(o);
    if (sub && !json_object_get(o, key)) json_object_set_new(o, key, json_object());
    json_object_set_new(sub ? json_object_get(o, key) : o, sub ? sub : key, v);
    char *out = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    assert_non_null(out);
    json_decref(o);
    bank_signer_sign(x->k, out, strlen(out), sig);
    return out;
}

static void test_numbers_out_of_range_are_refused_never_cut_to_fit(void **state)
{
    fx *x = *state;
    char sig[129], code[32];
    approve(x);
    bank_session *s = add_session(x, "n.session", fx_nip(0));
    char *text = record(x, s, fx_nip(0), sig);
    static const struct {
        const char *key, *sub, *named;
        long long v;
    } bad[] = {
        {"attempt", NULL, "attempt", 4294967297LL}, /* 2^32 + 1: an int cast makes it 1 */
        {"attempt", NULL, "attempt", -1},
        {"attempt", NULL, "attempt", 0},
        {"score", "raw", "score.raw", 1LL << 40},
        {"score", "ceiling", "score.ceiling", 4294977296LL}, /* 2^32 + 10000 */
        {"score", "awarded", "score.awarded", -5},
        {"used_ms", NULL, "used_ms", 9007199254740993LL},
        {"finished_ms", NULL, "finished_ms", -1},
        {"room", "extended_minutes", "room.extended_minutes", -1},
        {"room", "held_ms", "room.held_ms", 1LL << 62},
        {"accommodations", "extra_minutes", "accommodations.extra_minutes", 601},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *t = with_number(x, text, bad[i].key, bad[i].sub, json_integer(bad[i].v), sig);
        ingest_outcome o;
        core_ingest(x->c, t, strlen(t), bank_signer_pub(x->k), sig, 1000, &o);
        free(t);
        if (o.status != 400 || strcmp(o.code, "malformed") != 0 || !strstr(o.reason, bad[i].named))
            fail_msg("%s = %lld: %d %s %s", bad[i].named, bad[i].v, o.status, o.code, o.reason);
    }
    /* an incident's time, a real where a whole number belongs */
    char *t = with_number(x, text, "incidents", NULL,
                          json_pack("[{s:I, s:s}]", "at", (json_int_t)-7, "what", "focus-lost"), sig);
    assert_int_equal(ingest(x, t, sig, code), 400);
    free(t);
    t = with_number(x, text, "attempt", NULL, json_real(1.0), sig);
    assert_int_equal(ingest(x, t, sig, code), 400);
    free(t);
    /* none of them took the place of the genuine attempt 1 */
    bank_signer_sign(x->k, text, strlen(text), sig);
    assert_int_equal(ingest(x, text, sig, code), 201);
    assert_string_equal(code, "stored");
    free(text);
    bank_session_close(s);
}

static int count_result(const store_result *r, void *arg)
{
    (void)r;
    (*(int *)arg)++;
    return 0;
}

static void test_numbers_the_database_holds_out_of_range_are_refused(void **state)
{
    fx *x = *state;
    char sig[129], code[32], why[WHY_SIZE] = "";
    approve(x);
    bank_session *s = add_session(x, "d.session", fx_nip(0));
    char *text = record(x, s, fx_nip(0), sig);
    assert_int_equal(ingest(x, text, sig, code), 201);
    int count = -1, highest = -1, n = 0;
    assert_int_equal(store_attempts(x->st, "akad", fx_nip(0), &count, &highest, why), 0);
    assert_int_equal(highest, 1);
    /* changed behind the core's back: 2^32 + 1 would read as attempt 1 */
    raw(x, "UPDATE results SET attempt = 4294967297");
    assert_int_equal(store_attempts(x->st, "akad", fx_nip(0), &count, &highest, why), -1);
    assert_non_null(strstr(why, "an attempt 4294967297"));
    why[0] = 0;
    assert_int_equal(store_results_of_session(x->st, bank_session_id(s), count_result, &n, why),
                     -1);
    assert_int_equal(n, 0);
    assert_non_null(strstr(why, "an attempt 4294967297"));
    raw(x, "UPDATE results SET attempt = 1, awarded = -3");
    bool passed;
    int awarded, disputes;
    assert_true(store_best(x->st, "akad", fx_nip(0), &awarded, &passed, &disputes, NULL, why) < 0);
    assert_non_null(strstr(why, "a best score"));
    free(text);
    bank_session_close(s);
}

static void test_a_form_other_than_the_stored_one_is_refused(void **state)
{
    fx *x = *state;
    char sig[129], code[32];
    approve(x);
    bank_session *s = add_session(x, "f.session", fx_nip(0));
    char *text = record(x, s, fx_nip(0), sig);
    /* the option order of the form's first item changed, signed by the kiosk */
    char *opts = strstr(text, "\"options\":[");
    assert_non_null(opts);
    opts += strlen("\"options\":[");
    assert_int_equal(opts[0], '"');
    char first = opts[1]; /* ["C","A",...]: the first two letters change places */
    opts[1] = opts[5];
    opts[5] = first;
    bank_signer_sign(x->k, text, strlen(text), sig);
    assert_int_equal(ingest(x, text, sig, code), 422);
    assert_string_equal(code, "form-mismatch");
    free(text);
    bank_session_close(s);
}

static void test_item_analysis_leaves_out_a_result_whose_session_is_gone(void **state)
{
    fx *x = *state;
    char sig[129], code[32], why[WHY_SIZE] = "";
    approve(x);
    bank_session *s = add_session(x, "one.session", fx_nip(0));
    char *text = record(x, s, fx_nip(0), sig);
    assert_int_equal(ingest(x, text, sig, code), 201);
    /* a stored result whose session the store no longer holds */
    store_result r = {"0123456789abcdef0123456789abcdef", "akad", "", "academic", fx_nip(1), 1,
                      0, 0, false, "00", text, "{}", bank_signer_pub(x->k), 1000, 0};
    assert_int_equal(store_result_put(x->st, &r, why), STORE_NEW);
    bool none = true;
    int left = 0;
    itemstat *st = analysis_of_exam(x->c, "akad", &none, &left, why);
    assert_non_null(st);
    assert_false(none);
    assert_int_equal(left, 1);
    assert_non_null(strstr(why, "is left out"));
    assert_non_null(strstr(why, "not known"));
    assert_int_equal(itemstat_participants(st), 1);
    assert_int_equal(itemstat_nitems(st), 4);  /* the items of the form, every one unanswered */
    assert_int_equal(itemstat_item_at(st, 0)->omitted, 1);
    itemstat_free(st);
    assert_null(analysis_of_exam(x->c, "nothing", &none, &left, why));
    assert_true(none);
    free(text);
    bank_session_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_kiosk_signature_and_state_decide_first, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bank_without_the_authority_key_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_refusals_are_kept_when_signed_or_from_an_enrolled_kiosk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_result_of_a_pending_kiosk_waits_until_it_is_approved,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_core_serves_from_its_store_alone_with_a_copy_of_the_key,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_core_with_another_key_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_the_key_file_is_private_and_the_passphrase_is_sealed_in_the_store, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_files_kept_by_an_earlier_core_are_read_into_the_store,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_results_of_more_sessions_than_are_kept_open_are_all_stored, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_result_record_of_a_newer_version_is_refused_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numbers_out_of_range_are_refused_never_cut_to_fit,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_numbers_the_database_holds_out_of_range_are_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_item_analysis_leaves_out_a_result_whose_session_is_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_form_other_than_the_stored_one_is_refused, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
