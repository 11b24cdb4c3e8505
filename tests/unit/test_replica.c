/* test_replica.c -- the journal's replica: pushes checked at the core, kept once, forks refused; taken back all or nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "jstore.h"
#include "bank.h"
#include "clk.h"
#include "core_fx.h"
#include "fixture.h"
#include "http.h"
#include "ingest.h"
#include "jchain.h"
#include "journal.h"
#include "lease.h"
#include "proto.h"
#include "replica.h"
#include "why.h"

#define EXAM "{\"id\":\"akad\",\"title\":\"Evaluasi\",\"kind\":\"academic\",\"minutes\":30," \
             "\"quotas\":{\"t0\":2,\"t1\":2}}"
#define WAIT_MS 30000  /* a generous bound on what must happen: never a timing assert */

typedef struct fx {
    char *dir;
    bank *b;
    bank_session *s;         /* unlocked with the bank's key, as a kiosk's with the token */
    bank_signer *k, *k2, *stranger; /* two approved kiosks; a key never enrolled */
    store *st;
    core_ctx *c;
    jstore *r;
    char attempt[96];
    http_server *h;          /* cfx_up(): the core over HTTP at url */
    char url[128];
} fx;

/* What the room's log was told last (jstore_config.note). */
static char noted[512];

static void note(void *arg, const char *session, const char *kiosk, const char *nip,
                 const char *kind, const char *detail)
{
    (void)arg, (void)session;
    snprintf(noted, sizeof noted, "%s %.8s %s %s", kind, kiosk, nip, detail ? detail : "-");
}

static bank_signer *key_at(fx *x, const char *name)
{
    char why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    bank_signer *k = bank_signer_open(fx_path(x->dir, name), &e, why);
    if (!k) fail_msg("key %s: %s", name, why);
    return k;
}

static int setup(void **state)
{
    fx *x = calloc(1, sizeof *x);
    char why[WHY_SIZE] = "", url[4200], path[4200], pub[4200];
    bank_err e = BANK_OK;
    x->dir = fx_tmpdir();
    x->b = fx_bank(x->dir, 2, 6);
    fx_exam(x->b, EXAM);
    if (bank_keygen(fx_path(x->dir, "authority"), why) ||
        bank_seal(x->b, fx_path(x->dir, "authority.key"), why))
        fail_msg("seal: %s", why);
    FILE *f = fopen(fx_path(x->dir, "pass"), "w");
    assert_non_null(f);
    fputs(FX_PASS, f);
    assert_int_equal(fclose(f), 0);
    snprintf(url, sizeof url, "sqlite:%s", fx_path(x->dir, "core.db"));
    x->st = store_open(url, why);
    if (!x->st) fail_msg("store_open: %s", why);
    x->c = core_ctx_new(x->st, fx_path(x->dir, "core.key"), why);
    if (!x->c) fail_msg("core_ctx_new: %s", why);
    snprintf(path, sizeof path, "%s", fx_path(x->dir, "bank.bank"));
    snprintf(pub, sizeof pub, "%s", fx_path(x->dir, "authority.pub"));
    if (core_bank_add(x->c, path, fx_path(x->dir, "pass"), pub, why)) fail_msg("bank: %s", why);
    char token[BANK_TOKEN_LEN + 1];
    snprintf(path, sizeof path, "%s", fx_path(x->dir, "s.session"));
    fx_session(x->b, "akad", 2, NULL, path, token);
    if (core_session_add(x->c, path, why)) fail_msg("session add: %s", why);
    x->s = bank_session_open(x->b, path, &e, why);
    if (!x->s || bank_session_unlock(x->s, token, strlen(token), why)) fail_msg("%s", why);
    snprintf(x->attempt, sizeof x->attempt, "%s/%s", bank_session_id(x->s), fx_nip(0));
    x->k = key_at(x, "kiosk");
    x->k2 = key_at(x, "kiosk2");
    x->stranger = key_at(x, "stranger");
    const bank_signer *ok[] = {x->k, x->k2};
    for (int i = 0; i < 2; i++)
        if (core_kiosk_enrol(x->c, bank_signer_pub(ok[i]), "lab", 1, why) ||
            store_kiosk_set(x->st, bank_signer_pub(ok[i]), "approved", why))
            fail_msg("kiosk: %s", why);
    jstore_config cfg = {.note = note};
    noted[0] = 0;
    x->r = jstore_new(x->c, &cfg, why);
    if (!x->r) fail_msg("jstore_new: %s", why);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx *x = *state;
    jstore_free(x->r);
    core_ctx_free(x->c);
    store_close(x->st);
    bank_signer_free(x->k);
    bank_signer_free(x->k2);
    bank_signer_free(x->stranger);
    bank_session_close(x->s);
    bank_close(x->b);
    fx_rmdir(x->dir);
    free(x);
    return 0;
}

/* Serves x's core over HTTP on a free port (x->h, x->url); the test stops it. */
static void cfx_up(fx *x)
{
    x->h = cfx_serve(x->c);
    snprintf(x->url, sizeof x->url, "%s", http_url(x->h));
}

/* The journal `name` (made when missing) with the chain key of x's attempt set. */
static journal *journal_at(fx *x, const char *name)
{
    char why[WHY_SIZE] = "";
    unsigned char key[BANK_JOURNAL_KEY];
    journal *j = journal_open(fx_path(x->dir, name), why);
    if (!j) fail_msg("journal: %s", why);
    assert_int_equal(bank_session_journal_key(x->s, x->attempt, key), BANK_OK);
    assert_int_equal(journal_set_key(j, x->attempt, key, why), 0);
    OPENSSL_cleanse(key, sizeof key);
    return j;
}

/* Appends J_BEGIN and then n answers ("A", or `letter`) to j. */
static void sit(journal *j, const char *attempt, int n, const char *letter)
{
    char why[WHY_SIZE] = "", payload[64];
    assert_int_equal(journal_append(j, attempt, J_BEGIN, 1000, 0, "{\"form\":{},\"name\":\"P\","
                                    "\"minutes\":30}", why), 0);
    for (int i = 0; i < n; i++) {
        snprintf(payload, sizeof payload, "{\"i\":%d,\"v\":\"%s\"}", i % 4, letter);
        assert_int_equal(journal_append(j, attempt, J_ANSWER, 2000 + i, 100 * (i + 1), payload,
                                        why), 0);
    }
}

/* The events of the journal file `name` after seq `after` (at most max). */
static jchain_event *events_of(fx *x, const char *name, int64_t after, size_t max, size_t *n)
{
    char why[WHY_SIZE] = "";
    jchain_event *ev = NULL;
    journal_reader *rd = journal_reader_open(fx_path(x->dir, name), why);
    if (!rd) fail_msg("reader: %s", why);
    if (journal_reader_events(rd, x->attempt, after, max, 1 << 20, &ev, n, why))
        fail_msg("events: %s", why);
    journal_reader_close(rd);
    return ev;
}

/* The events of x's attempt in a new journal `name` where it was sat: J_BEGIN and
 * `answers` answers `letter` (caller frees with jchain_free). */
static jchain_event *sat(fx *x, const char *name, int answers, const char *letter, size_t *n)
{
    journal *j = journal_at(x, name);
    sit(j, x->attempt, answers, letter);
    journal_close(j);
    return events_of(x, name, 0, 64, n);
}

/* Pushes ev[0..n) of x's attempt, signed by k; the answer's "have" into *have. */
static int push(fx *x, const bank_signer *k, const jchain_event *ev, size_t n, int64_t *have,
                jstore_answer *a)
{
    char sig[129];
    json_t *o = json_pack("{s:i, s:I, s:s, s:s, s:o}", "version", PROTO_REPLICA_VERSION, "seq",
                          (json_int_t)clk_wall_ms(), "session", bank_session_id(x->s),
                          "attempt", x->attempt, "events", jchain_json(ev, n));
    char *body = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    assert_int_equal(bank_signer_sign(k, body, strlen(body), sig), BANK_OK);
    jstore_push(x->r, body, strlen(body), bank_signer_pub(k), sig, clk_wall_ms(), a);
    free(body);
    json_t *ans = a->json ? json_loads(a->json, 0, NULL) : NULL;
    *have = json_integer_value(json_object_get(ans, "have"));
    json_decref(ans);
    free(a->json);
    a->json = NULL;
    return a->status;
}

/* The number of events the core holds of x's attempt. */
static int64_t held(fx *x)
{
    int64_t have = -1;
    char why[WHY_SIZE] = "";
    if (jstore_held(x->st, x->attempt, &have, why)) fail_msg("held: %s", why);
    return have;
}

static void test_a_push_whose_chain_verifies_is_kept_and_a_replay_changes_nothing(void **state)
{
    fx *x = *state;
    size_t n = 0;
    jchain_event *ev = sat(x, "a.db", 6, "A", &n);
    assert_int_equal(n, 7);
    jstore_answer a;
    int64_t have = 0;
    assert_int_equal(push(x, x->k, ev, 4, &have, &a), 200);
    assert_int_equal(have, 4);
    /* the same again, then overlapping the held ones: idempotent by seq */
    assert_int_equal(push(x, x->k, ev, 4, &have, &a), 200);
    assert_int_equal(have, 4);
    assert_int_equal(push(x, x->k, ev + 2, 5, &have, &a), 200);
    assert_int_equal(have, 7);
    assert_int_equal(held(x), 7);
    /* an empty push asks how many are held */
    assert_int_equal(push(x, x->k, NULL, 0, &have, &a), 200);
    assert_int_equal(have, 7);
    jchain_free(ev, n);
}

static void test_an_event_edited_or_of_another_attempt_is_refused_and_nothing_kept(void **state)
{
    fx *x = *state;
    size_t n = 0;
    jchain_event *ev = sat(x, "a.db", 3, "A", &n);
    jstore_answer a;
    int64_t have = 0;
    /* an answer changed on the way, its link kept */
    char *was = ev[2].payload;
    ev[2].payload = strdup("{\"i\":1,\"v\":\"D\"}");
    assert_int_equal(push(x, x->k, ev, n, &have, &a), 400);
    assert_string_equal(a.code, "broken-chain");
    free(ev[2].payload);
    ev[2].payload = was;
    /* a link made again without the attempt's key */
    char keep[65];
    memcpy(keep, ev[0].hash, 65);
    ev[0].hash[0] = ev[0].hash[0] == 'a' ? 'b' : 'a';
    assert_int_equal(push(x, x->k, ev, n, &have, &a), 400);
    memcpy(ev[0].hash, keep, 65);
    assert_int_equal(held(x), 0);
    /* the same events named as another participant's attempt */
    snprintf(x->attempt, sizeof x->attempt, "%s/%s", bank_session_id(x->s), fx_nip(1));
    assert_int_equal(push(x, x->k, ev, n, &have, &a), 400);
    assert_int_equal(held(x), 0);
    jchain_free(ev, n);
}

static void test_another_event_at_a_held_seq_is_a_fork_and_a_gap_is_refused(void **state)
{
    fx *x = *state;
    journal *j = journal_at(x, "a.db");
    sit(j, x->attempt, 4, "A");
    journal_close(j);
    journal *j2 = journal_at(x, "b.db");
    sit(j2, x->attempt, 4, "B");  /* the same attempt sat again on a second seat */
    journal_close(j2);
    size_t n = 0, n2 = 0;
    jchain_event *ev = events_of(x, "a.db", 0, 64, &n);
    jchain_event *ev2 = events_of(x, "b.db", 0, 64, &n2);
    jstore_answer a;
    int64_t have = 0;
    assert_int_equal(push(x, x->k, ev, 3, &have, &a), 200);
    assert_int_equal(push(x, x->k2, ev2, n2, &have, &a), 409);
    assert_string_equal(a.code, "fork");
    assert_int_equal(have, 3);
    char want[512];
    snprintf(want, sizeof want, "fork %.8s %s {\"at\":2,\"attempt\":\"%s\",\"have\":3}",
             bank_signer_pub(x->k2), fx_nip(0), x->attempt);
    assert_string_equal(noted, want);
    assert_int_equal(held(x), 3);
    /* its tail alone, chained to its own seq 3: not to the link held */
    assert_int_equal(push(x, x->k2, ev2 + 3, 2, &have, &a), 400);
    assert_string_equal(a.code, "broken-chain");
    /* a batch beyond what is held */
    assert_int_equal(push(x, x->k, ev + 4, 1, &have, &a), 409);
    assert_string_equal(a.code, "gap");
    assert_int_equal(have, 3);
    assert_int_equal(push(x, x->k, ev + 3, 2, &have, &a), 200);
    assert_int_equal(have, 5);
    jchain_free(ev, n);
    jchain_free(ev2, n2);
}

static void test_a_push_of_a_key_not_approved_or_not_its_own_is_refused(void **state)
{
    fx *x = *state;
    size_t n = 0;
    jchain_event *ev = sat(x, "a.db", 1, "A", &n);
    jstore_answer a;
    int64_t have = 0;
    assert_int_equal(push(x, x->stranger, ev, n, &have, &a), 403);
    assert_string_equal(a.code, "unknown-kiosk");
    /* a body signed by one kiosk, sent as another's */
    char sig[129], *body = strdup("{\"attempt\":\"x/1\",\"events\":[],\"seq\":1,\"session\":\"x\","
                                  "\"version\":1}");
    assert_int_equal(bank_signer_sign(x->k, body, strlen(body), sig), BANK_OK);
    jstore_push(x->r, body, strlen(body), bank_signer_pub(x->k2), sig, 1, &a);
    assert_int_equal(a.status, 401);
    free(a.json);
    free(body);
    assert_int_equal(held(x), 0);
    jchain_free(ev, n);
}

static void test_a_fetch_gives_back_the_events_as_held(void **state)
{
    fx *x = *state;
    size_t n = 0;
    jchain_event *ev = sat(x, "a.db", 5, "C", &n);
    jstore_answer a;
    int64_t have = 0;
    assert_int_equal(push(x, x->k, ev, n, &have, &a), 200);
    char sig[129], body[512];
    snprintf(body, sizeof body, "{\"attempt\":\"%s\",\"from\":2,\"seq\":5,\"session\":\"%s\","
             "\"version\":1}", x->attempt, bank_session_id(x->s));
    assert_int_equal(bank_signer_sign(x->k2, body, strlen(body), sig), BANK_OK);
    jstore_fetch(x->r, body, strlen(body), bank_signer_pub(x->k2), sig, 1, &a);
    assert_int_equal(a.status, 200);
    json_t *o = json_loads(a.json, 0, NULL);
    jchain_event *got = NULL;
    size_t k = 0;
    char why[WHY_SIZE] = "";
    assert_int_equal(jchain_parse(json_object_get(o, "events"), 64, &got, &k, why), 0);
    assert_int_equal(k, n - 1);
    assert_int_equal(json_integer_value(json_object_get(o, "have")), n);
    assert_string_equal(json_string_value(json_object_get(o, "kiosk")), bank_signer_pub(x->k));
    for (size_t i = 0; i < k; i++) {
        assert_int_equal(got[i].seq, ev[i + 1].seq);
        assert_string_equal(got[i].payload, ev[i + 1].payload);
        assert_string_equal(got[i].hash, ev[i + 1].hash);
    }
    json_decref(o);
    free(a.json);
    jchain_free(got, k);
    jchain_free(ev, n);
}

/* Fetches x's attempt from seq 1 as kiosk k; the answer's status and reason. */
static int fetch_as(fx *x, const bank_signer *k, char *reason)
{
    char sig[129], body[512];
    jstore_answer a;
    snprintf(body, sizeof body, "{\"attempt\":\"%s\",\"from\":1,\"seq\":5,\"session\":\"%s\","
             "\"version\":1}", x->attempt, bank_session_id(x->s));
    assert_int_equal(bank_signer_sign(k, body, strlen(body), sig), BANK_OK);
    jstore_fetch(x->r, body, strlen(body), bank_signer_pub(k), sig, 1, &a);
    snprintf(reason, WHY_SIZE, "%s", a.reason);
    free(a.json);
    return a.status;
}

static void test_only_the_seat_holding_the_attempt_may_fetch_it_and_the_lease_counts_it(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "", reason[WHY_SIZE] = "";
    size_t n = 0;
    jchain_event *ev = sat(x, "a.db", 2, "A", &n);
    jstore_answer a;
    int64_t have = 0;
    assert_int_equal(push(x, x->k, ev, n, &have, &a), 200);
    const char *sid = bank_session_id(x->s), *nip = fx_nip(0);
    int attempt = bank_session_attempt(x->s, nip);
    assert_int_equal(jstore_lease_count(x->st, sid, nip, attempt), 3);
    store_lease held;
    assert_int_equal(lease_take(x->st, sid, nip, attempt, bank_signer_pub(x->k), "A01", 10, &held,
                                why), 1);
    assert_int_equal(fetch_as(x, x->k2, reason), 403);
    assert_non_null(strstr(reason, "A01"));
    assert_int_equal(fetch_as(x, x->k, reason), 200);
    /* the proctor moves the participant to the second seat */
    int moved = 0;
    assert_int_equal(lease_move(x->st, sid, nip, bank_signer_pub(x->k2), "B07", 20, &moved, why),
                     0);
    assert_int_equal(moved, 1);
    assert_int_equal(fetch_as(x, x->k2, reason), 200);
    assert_int_equal(fetch_as(x, x->k, reason), 403);
    assert_non_null(strstr(reason, "B07"));
    jchain_free(ev, n);
}

static void test_an_import_is_all_or_nothing_and_keeps_a_journal_that_differs(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "";
    size_t n = 0;
    jchain_event *ev = sat(x, "a.db", 5, "A", &n);
    journal *b = journal_at(x, "b.db");
    /* one event edited: nothing is taken */
    char *was = ev[4].payload;
    ev[4].payload = strdup("{\"i\":3,\"v\":\"B\"}");
    assert_int_equal(journal_import(b, x->attempt, ev, n, why), -1);
    assert_int_equal(journal_held(b, x->attempt, why), 0);
    free(ev[4].payload);
    ev[4].payload = was;
    /* a part, then the whole: the part held is kept, the rest taken */
    assert_int_equal(journal_import(b, x->attempt, ev, 3, why), 3);
    assert_int_equal(journal_import(b, x->attempt, ev, n, why), (int)n - 3);
    assert_int_equal(journal_import(b, x->attempt, ev, n, why), 0);
    assert_int_equal(journal_held(b, x->attempt, why), n);
    /* what was taken replays and goes on: the chain continues here */
    assert_int_equal(journal_append(b, x->attempt, J_ARRIVED, 9000, 600, "{\"from\":\"A01\"}",
                                    why), 0);
    journal_close(b);
    /* a journal that sat the attempt its own way is kept as it is */
    journal *c = journal_at(x, "c.db");
    sit(c, x->attempt, 2, "D");
    assert_int_equal(journal_import(c, x->attempt, ev, n, why), -1);
    assert_non_null(strstr(why, "not the core's"));
    assert_int_equal(journal_held(c, x->attempt, why), 3);
    journal_close(c);
    /* the file b was reopened whole: its mark agrees */
    jdamage d = JD_NONE;
    journal *again = journal_open_as(fx_path(x->dir, "b.db"), NULL, &d, why);
    assert_non_null(again);
    journal_close(again);
    jchain_free(ev, n);
}

static void test_the_sender_catches_up_after_the_core_was_down(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "";
    journal *j = journal_at(x, "a.db");
    sit(j, x->attempt, 3, "A");
    /* the core is not there yet: a port nobody listens on, then the real one */
    http_config cfg = {.listen = "127.0.0.1:0"};
    http_server *h = http_start(x->c, &cfg, why);
    if (!h) fail_msg("http: %s", why);
    char url[128];
    snprintf(url, sizeof url, "%s", http_url(h));
    http_stop(h);
    replica_sender *snd = replica_start(url, fx_path(x->dir, "a.db"), x->k,
                                        bank_session_id(x->s), NULL, why);
    assert_non_null(snd);
    /* written while the core is away */
    assert_int_equal(journal_append(j, x->attempt, J_FLAG, 5000, 900, "{\"i\":0,\"v\":1}",
                                    why), 0);
    cfg.listen = url + strlen("http://");
    h = http_start(x->c, &cfg, why);
    if (!h) fail_msg("http again on %s: %s", url, why);
    int64_t t0 = clk_mono_ms();
    while (replica_confirmed(snd, x->attempt) < 5 && clk_mono_ms() - t0 < WAIT_MS) {
        replica_kick(snd);
        usleep(20000);
    }
    int64_t confirmed = replica_confirmed(snd, x->attempt);
    replica_stop(snd);
    /* taken back by the second seat through the same route */
    jchain_event *ev = NULL;
    size_t n = 0;
    char from[65] = "";
    int pulled = replica_pull(url, x->k2, x->attempt, 5000, &ev, &n, from, sizeof from, why);
    http_stop(h);
    journal_close(j);
    assert_int_equal(confirmed, 5);
    assert_int_equal(held(x), 5);
    assert_int_equal(pulled, 0);
    assert_int_equal(n, 5);
    assert_string_equal(from, bank_signer_pub(x->k));
    jchain_free(ev, n);
}

/* Waits (bounded) until snd says the core holds `want` events of attempt. */
static int64_t confirmed_within(replica_sender *snd, const char *attempt, int64_t want)
{
    int64_t t0 = clk_mono_ms();
    while (replica_confirmed(snd, attempt) < want && clk_mono_ms() - t0 < WAIT_MS) {
        replica_kick(snd);
        usleep(20000);
    }
    return replica_confirmed(snd, attempt);
}

static void test_the_sender_follows_a_new_journal_once_the_damaged_one_is_set_aside(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "";
    journal *j = journal_at(x, "a.db");
    sit(j, x->attempt, 2, "A");
    journal_close(j);
    cfx_up(x);
    replica_sender *snd = replica_start(x->url, fx_path(x->dir, "a.db"), x->k,
                                        bank_session_id(x->s), NULL, why);
    assert_non_null(snd);
    int64_t first = confirmed_within(snd, x->attempt, 3);
    /* the proctor sets the journal aside; the next participant sits in a new one */
    char kept[4200] = "";
    int aside = journal_set_aside(fx_path(x->dir, "a.db"), fx_path(x->dir, "damaged"), kept,
                                  sizeof kept, why);
    snprintf(x->attempt, sizeof x->attempt, "%s/%s", bank_session_id(x->s), fx_nip(1));
    j = journal_at(x, "a.db");
    sit(j, x->attempt, 4, "B");
    journal_close(j);
    int64_t second = confirmed_within(snd, x->attempt, 5);
    replica_stop(snd);
    http_stop(x->h);
    assert_int_equal(first, 3);
    assert_int_equal(aside, 0);
    assert_int_equal(second, 5);
    assert_int_equal(held(x), 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_a_push_whose_chain_verifies_is_kept_and_a_replay_changes_nothing, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_an_event_edited_or_of_another_attempt_is_refused_and_nothing_kept, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_another_event_at_a_held_seq_is_a_fork_and_a_gap_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_a_push_of_a_key_not_approved_or_not_its_own_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_fetch_gives_back_the_events_as_held, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_only_the_seat_holding_the_attempt_may_fetch_it_and_the_lease_counts_it, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_an_import_is_all_or_nothing_and_keeps_a_journal_that_differs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_sender_catches_up_after_the_core_was_down,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_the_sender_follows_a_new_journal_once_the_damaged_one_is_set_aside, setup,
            teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
