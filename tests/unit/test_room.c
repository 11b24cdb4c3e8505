/* test_room.c -- the room protocol: signed states at the core, signed commands at the kiosk. */
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

#include <curl/curl.h>
#include <jansson.h>

#include "bank.h"
#include "checkin.h"
#include "corefx.h"
#include "fixture.h"
#include "http.h"
#include "ingest.h"
#include "proto.h"
#include "seats.h"
#include "why.h"

#define TOKEN "operator-token-for-tests"
#define WAIT_MS 30000  /* a generous bound on what must happen: never a timing assert */

typedef struct fx {
    char *dir;
    store *st;
    core_ctx *c;
    seats *r;
    bank_signer *k, *other;   /* the kiosk's key; a key never enrolled */
} fx;

static int setup(void **state)
{
    fx *x = calloc(1, sizeof *x);
    char why[WHY_SIZE] = "";
    x->dir = fx_tmpdir();
    x->c = corefx_core(x->dir, &x->st);
    x->r = seats_new(x->st, core_ctx_signer(x->c), why);
    if (!x->r) fail_msg("seats_new: %s", why);
    x->k = corefx_kiosk(x->c, x->st, x->dir, "kiosk");
    x->other = corefx_kiosk(NULL, NULL, x->dir, "other");
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx *x = *state;
    seats_free(x->r);
    core_ctx_free(x->c);
    store_close(x->st);
    bank_signer_free(x->k);
    bank_signer_free(x->other);
    fx_rmdir(x->dir);
    free(x);
    return 0;
}

/* A state body numbered seq from seat, acknowledging ack. Caller frees. */
static char *state_text(long long seq, const char *seat, long long ack)
{
    json_t *o = json_pack("{s:i, s:I, s:I, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i,"
                          " s:s, s:s, s:s, s:s, s:s, s:i}",
                          "version", PROTO_STATE_VERSION, "seq", (json_int_t)seq, "ack",
                          (json_int_t)ack, "seat", seat, "screen", "exam", "nip",
                          "199001012020121001", "attempt", 1, "answered", 3, "flagged", 1,
                          "total", 10, "left_ms", 60000, "incidents", 0, "outbox", 0,
                          "delivery", "delivering", "program", "test", "session", "S1", "name",
                          "Ani Lestari", "lease", "held", "jseq", 12);
    char *t = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    assert_non_null(t);
    return t;
}

/* seats_state of text signed by `by`, sent as from `as`; the status. */
static int send_state(fx *x, const char *text, const bank_signer *by, const bank_signer *as,
                      seats_answer *a)
{
    char sig[129];
    assert_int_equal(bank_signer_sign(by, text, strlen(text), sig), BANK_OK);
    seats_state(x->r, text, strlen(text), bank_signer_pub(as), sig, 1000, a);
    return a->status;
}

static void test_room_state_forged_or_unsigned_is_refused(void **state)
{
    fx *x = *state;
    seats_answer a;
    char *t = state_text(1, "A01", 0);
    /* signed by another key, sent as the enrolled kiosk */
    assert_int_equal(send_state(x, t, x->other, x->k, &a), 401);
    assert_string_equal(a.code, "bad-signature");
    /* no signature at all */
    seats_state(x->r, t, strlen(t), bank_signer_pub(x->k), NULL, 1000, &a);
    assert_int_equal(a.status, 400);
    /* the enrolled kiosk's signature of another state */
    char *t2 = state_text(2, "A01", 0), sig[129];
    assert_int_equal(bank_signer_sign(x->k, t2, strlen(t2), sig), BANK_OK);
    seats_state(x->r, t, strlen(t), bank_signer_pub(x->k), sig, 1000, &a);
    assert_int_equal(a.status, 401);
    /* well signed by a kiosk the core never enrolled */
    assert_int_equal(send_state(x, t, x->other, x->other, &a), 403);
    assert_string_equal(a.code, "unknown-kiosk");
    char *listed = seats_json(x->r, 1000);
    assert_non_null(strstr(listed, "\"seats\":[]"));  /* none of them reached the room */
    free(listed);
    free(t);
    free(t2);
}

/* state_text(1, "A01", 0) with field name set to the JSON value json. Caller frees. */
static char *state_with(const char *name, const char *json)
{
    char *t = state_text(1, "A01", 0);
    json_t *o = json_loads(t, 0, NULL), *v = json_loads(json, JSON_DECODE_ANY, NULL);
    free(t);
    assert_non_null(v);
    json_object_set_new(o, name, v);
    t = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    return t;
}

static void test_room_state_of_version_1_or_3_or_bad_v2_fields_is_refused(void **state)
{
    fx *x = *state;
    seats_answer a;
    static const struct {
        const char *field, *value, *code;
    } bad[] = {
        {"version", "1", "unsupported-version"},   /* the kiosk and the core move together */
        {"version", "3", "unsupported-version"},
        {"screen", "\"lobby\"", "malformed"},      /* not a screen of the kiosk */
        {"lease", "\"stolen\"", "malformed"},
        {"session", "\"S1\\nS2\"", "malformed"},   /* a control character */
        {"session", "\"123456789012345678901234567890123\"", "malformed"},  /* 33 bytes */
        {"name", "\"" "12345678901234567890123456789012345678901234567890123456789012345" "\"",
         "malformed"},                             /* 65 bytes */
        {"jseq", "-1", "malformed"},
        {"jseq", "\"7\"", "malformed"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *t = state_with(bad[i].field, bad[i].value);
        int got = send_state(x, t, x->k, x->k, &a);
        free(t);
        if (got != 400 || strcmp(a.code, bad[i].code) != 0)
            fail_msg("%s = %s: %d %s, wanted 400 %s", bad[i].field, bad[i].value, got, a.code,
                     bad[i].code);
    }
    /* each new screen of version 2 and a name of 64 bytes are taken */
    static const char *const screens[] = {"paused", "seat-locked", "authorise", "released",
                                          "moved", "ended", "damage"};
    long long seq = 1;
    for (size_t i = 0; i < sizeof screens / sizeof *screens; i++) {
        char v[40], *t = NULL;
        snprintf(v, sizeof v, "\"%s\"", screens[i]);
        t = state_with("screen", v);
        json_t *o = json_loads(t, 0, NULL);
        free(t);
        json_object_set_new(o, "seq", json_integer(seq++));
        t = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(o);
        assert_int_equal(send_state(x, t, x->k, x->k, &a), 200);
        free(a.json);
        free(t);
    }
    char *t = state_with("name", "\"" "1234567890123456789012345678901234567890123456789012345678901234" "\"");
    json_t *o = json_loads(t, 0, NULL);
    free(t);
    json_object_set_new(o, "seq", json_integer(seq));
    t = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    assert_int_equal(send_state(x, t, x->k, x->k, &a), 200);
    free(a.json);
    free(t);
}

static void test_room_state_replayed_or_reordered_is_refused(void **state)
{
    fx *x = *state;
    seats_answer a;
    char *t5 = state_text(5, "A01", 0), *t4 = state_text(4, "A01", 0),
         *t6 = state_text(6, "A01", 0);
    assert_int_equal(send_state(x, t5, x->k, x->k, &a), 200);
    free(a.json);
    assert_int_equal(send_state(x, t5, x->k, x->k, &a), 409);
    assert_string_equal(a.code, "replayed");
    assert_int_equal(send_state(x, t4, x->k, x->k, &a), 409);
    assert_int_equal(send_state(x, t6, x->k, x->k, &a), 200);
    free(a.json);
    free(t4);
    free(t5);
    free(t6);
}

static void test_room_state_of_a_revoked_kiosk_is_refused(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "";
    seats_answer a;
    assert_int_equal(store_kiosk_set(x->st, bank_signer_pub(x->k), "revoked", why), 0);
    char *t = state_text(1, "A01", 0);
    assert_int_equal(send_state(x, t, x->k, x->k, &a), 403);
    assert_string_equal(a.code, "kiosk-not-approved");
    free(t);
}

/* The first command of a state answer, as JSON text; NULL when none. */
static char *first_command(const char *answer)
{
    json_t *o = json_loads(answer, 0, NULL);
    json_t *c = json_array_get(json_object_get(o, "commands"), 0);
    char *t = c ? json_dumps(c, JSON_COMPACT) : NULL;
    json_decref(o);
    return t;
}

static void test_room_message_rides_on_the_answer_until_acknowledged(void **state)
{
    fx *x = *state;
    seats_answer a;
    int status = 0;
    char why[WHY_SIZE] = "";
    const char *core = core_signer_pub(core_ctx_signer(x->c));
    assert_int_equal(seats_message(x->r, "A01", "hello", 5000, &status, why), -1);
    assert_int_equal(status, 404);   /* no such seat yet */
    char *t1 = state_text(1, "A01", 0);
    assert_int_equal(send_state(x, t1, x->k, x->k, &a), 200);
    free(a.json);
    assert_int_equal(seats_message(x->r, "A01", "line\nbreak", 5000, &status, why), -1);
    assert_int_equal(status, 400);
    assert_int_equal(seats_message(x->r, "A01", "Tetap tenang", 5000, &status, why), 0);
    assert_int_equal(status, 202);
    char *t2 = state_text(2, "A01", 0);
    assert_int_equal(send_state(x, t2, x->k, x->k, &a), 200);
    char *cmd = first_command(a.json);
    free(a.json);
    assert_non_null(cmd);
    checkin_cmd c;
    assert_int_equal(checkin_cmd_check(cmd, strlen(cmd), core, bank_signer_pub(x->k), 0, &c, why),
                     0);
    assert_string_equal(c.kind, "message");
    assert_string_equal(c.text, "Tetap tenang");
    /* not acknowledged: it comes again; acknowledged: it is gone */
    char *t3 = state_text(3, "A01", 0), *t4 = state_text(4, "A01", c.seq);
    assert_int_equal(send_state(x, t3, x->k, x->k, &a), 200);
    char *again = first_command(a.json);
    free(a.json);
    assert_non_null(again);
    assert_int_equal(send_state(x, t4, x->k, x->k, &a), 200);
    char *gone = first_command(a.json);
    free(a.json);
    assert_null(gone);
    free(again);
    free(cmd);
    free(t1);
    free(t2);
    free(t3);
    free(t4);
}

/* A command as a core of key `by` would sign it. Caller frees. */
static char *command(const bank_signer *by, const char *kiosk, long long seq, const char *text)
{
    char msg[1024], sig[129];
    int n = snprintf(msg, sizeof msg, PROTO_COMMAND_TEXT, PROTO_COMMAND_VERSION, kiosk, seq,
                     "message", 77LL, "", 0, "", text);
    assert_int_equal(bank_signer_sign(by, msg, (size_t)n, sig), BANK_OK);
    json_t *o = json_pack("{s:i, s:s, s:I, s:s, s:I, s:s, s:i, s:s, s:s, s:s}", "version",
                          PROTO_COMMAND_VERSION, "kiosk", kiosk, "seq", (json_int_t)seq, "kind",
                          "message", "time", (json_int_t)77, "nip", "", "minutes", 0, "seat", "",
                          "text", text, "sig", sig);
    char *t = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return t;
}

static void test_kiosk_refuses_forged_replayed_and_misdirected_commands(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "";
    checkin_cmd c;
    const char *core = bank_signer_pub(x->other);  /* here, the pinned core's key */
    const char *me = bank_signer_pub(x->k);
    char *good = command(x->other, me, 10, "ok");
    assert_int_equal(checkin_cmd_check(good, strlen(good), core, me, 9, &c, why), 0);
    /* replayed: 10 was obeyed already */
    assert_int_equal(checkin_cmd_check(good, strlen(good), core, me, 10, &c, why), -1);
    assert_non_null(strstr(why, "replayed"));
    /* forged: signed by another key than the pinned one */
    char *forged = command(x->k, me, 11, "ok");
    assert_int_equal(checkin_cmd_check(forged, strlen(forged), core, me, 0, &c, why), -1);
    assert_non_null(strstr(why, "not signed"));
    /* for another kiosk */
    char *misdirected = command(x->other, core, 12, "ok");
    assert_int_equal(checkin_cmd_check(misdirected, strlen(misdirected), core, me, 0, &c, why),
                     -1);
    assert_non_null(strstr(why, "another") ? strstr(why, "another") : strstr(why, "not this"));
    /* tampered text under a good signature */
    char *tampered = strdup(good);
    char *at = strstr(tampered, "\"ok\"");
    assert_non_null(at);
    at[1] = 'O';
    assert_int_equal(checkin_cmd_check(tampered, strlen(tampered), core, me, 0, &c, why), -1);
    /* no pinned key: nothing is obeyed */
    assert_int_equal(checkin_cmd_check(good, strlen(good), "", me, 0, &c, why), -1);
    free(good);
    free(forged);
    free(misdirected);
    free(tampered);
}

/* ---- a real core over HTTP ---- */

static long operator_call(const char *base, const char *path, const char *body,
                          corefx_reply *r)
{
    return corefx_call(base, path, curl_slist_append(NULL, "Authorization: Bearer " TOKEN), body,
                       r);
}

/* Writes the public key of core context c to dir/name; returns the path. */
static const char *pin(const char *dir, const char *name, core_ctx *c)
{
    const char *path = fx_path(dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "%s\n", core_signer_pub(core_ctx_signer(c)));
    assert_int_equal(fclose(f), 0);
    return path;
}

/* Waits until the kiosk's state reached the core `n` more times; false when
 * it did not within WAIT_MS (the caller stops its threads, then fails). */
static bool wait_taken(checkin *k, long long n)
{
    long long taken = 0, start = -1;
    int http = 0;
    for (int waited = 0; waited < WAIT_MS; waited += 20) {
        checkin_counts(k, &taken, &http);
        if (start < 0) start = taken;
        if (taken >= start + n) return true;
        corefx_sleep_ms(20);
    }
    print_error("the core took %lld states (HTTP %d)\n", taken - start, http);
    return false;
}

static void test_state_reaches_the_room_and_a_message_reaches_the_kiosk(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "", key[4200];
    http_server *h = corefx_serve(x->c, TOKEN);
    snprintf(key, sizeof key, "%s", pin(x->dir, "core.pub", x->c));
    checkin *k = checkin_start(http_url(h), x->dir, x->k, "B07", "test", key, 50, NULL, why);
    if (!k) fail_msg("checkin_start: %s", why);
    checkin_update(k, &(checkin_state){.screen = "exam", .nip = "199001012020121001",
                                       .attempt = 1, .answered = 2, .total = 10,
                                       .delivery = "delivering"});
    bool went = wait_taken(k, 1);
    static corefx_reply r;
    long got = operator_call(http_url(h), PROTO_PATH_ROOM, NULL, &r);
    char *listed = strdup(r.data);
    long queued = operator_call(http_url(h), PROTO_PATH_ROOM_MESSAGE,
                                "{\"seat\":\"B07\",\"text\":\"Lima menit lagi\"}", &r);
    checkin_cmd c = {0};
    int took = 0;
    for (int waited = 0; took == 0 && waited < WAIT_MS; waited += 20) {
        took = checkin_take(k, &c, why);
        if (!took) corefx_sleep_ms(20);
    }
    went = wait_taken(k, 2) && went;   /* the acknowledgement went out */
    long after = operator_call(http_url(h), PROTO_PATH_ROOM, NULL, &r);
    char *listed2 = strdup(r.data);
    checkin_stop(k);
    http_stop(h);
    FILE *f = fopen(fx_path(x->dir, CHECKIN_SEQ_FILE), "r");
    long long obeyed = 0;
    if (f) {
        if (fscanf(f, "%lld", &obeyed) != 1) obeyed = 0;
        fclose(f);
    }
    assert_true(went);
    assert_int_equal(got, 200);
    assert_non_null(strstr(listed, "\"seat\":\"B07\""));
    assert_non_null(strstr(listed, "\"answered\":2"));
    assert_int_equal(queued, 202);
    assert_int_equal(took, 1);
    assert_string_equal(c.text, "Lima menit lagi");
    assert_int_equal(obeyed, c.seq);          /* recorded: never obeyed twice */
    assert_int_equal(after, 200);
    assert_non_null(strstr(listed2, "\"queued\":0"));
    free(listed);
    free(listed2);
}

static void test_a_kiosk_whose_clock_went_back_goes_on_above_the_last_state(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "", key[4200];
    http_server *h = corefx_serve(x->c, TOKEN);
    snprintf(key, sizeof key, "%s", pin(x->dir, "core.pub", x->c));
    /* a state numbered far ahead of this kiosk's clock reached the core first */
    char *ahead = state_text(4000000000000LL, "B09", 0);
    static corefx_reply r;
    long first = corefx_post_state(http_url(h), x->k, ahead, &r);
    free(ahead);
    checkin *k = checkin_start(http_url(h), x->dir, x->k, "B09", "test", key, 50, NULL, why);
    bool went = k && wait_taken(k, 1);   /* false while every state stays refused */
    checkin_stop(k);
    operator_call(http_url(h), PROTO_PATH_ROOM, NULL, &r);
    http_stop(h);
    assert_int_equal(first, 200);
    assert_non_null(k);
    assert_true(went);
    assert_non_null(strstr(r.data, "\"seq\":4000000000001"));
}

static void test_kiosk_obeys_no_command_of_another_core(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "", key[4200], url[4200];
    /* an impostor: a core of another key, where the kiosk is enrolled too */
    snprintf(url, sizeof url, "sqlite:%s", fx_path(x->dir, "other.db"));
    store *st = store_open(url, why);
    core_ctx *fake = st ? core_ctx_new(st, fx_path(x->dir, "other-core.key"), why) : NULL;
    if (fake && (core_kiosk_enrol(fake, bank_signer_pub(x->k), "lab", 1, why) ||
                 store_kiosk_set(st, bank_signer_pub(x->k), "approved", why))) {
        core_ctx_free(fake);
        fake = NULL;
    }
    http_server *h = NULL;
    checkin *k = NULL;
    int took = 0;
    bool went = false;
    if (fake) {
        h = corefx_serve(fake, TOKEN);
        snprintf(key, sizeof key, "%s", pin(x->dir, "core.pub", x->c));  /* the real one */
        k = checkin_start(http_url(h), x->dir, x->k, "B08", "test", key, 50, NULL, why);
    }
    if (k) {
        went = wait_taken(k, 1);
        static corefx_reply r;
        operator_call(http_url(h), PROTO_PATH_ROOM_MESSAGE,
                      "{\"seat\":\"B08\",\"text\":\"forged\"}", &r);
        went = wait_taken(k, 3) && went;   /* the command came at least twice */
        checkin_cmd c;
        took = checkin_take(k, &c, why);
    }
    checkin_stop(k);
    http_stop(h);
    core_ctx_free(fake);
    store_close(st);
    if (!k) fail_msg("impostor: %s", why);
    assert_true(went);
    assert_int_equal(took, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_room_state_forged_or_unsigned_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_room_state_of_version_1_or_3_or_bad_v2_fields_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_room_state_replayed_or_reordered_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_room_state_of_a_revoked_kiosk_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_room_message_rides_on_the_answer_until_acknowledged,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_kiosk_refuses_forged_replayed_and_misdirected_commands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_reaches_the_room_and_a_message_reaches_the_kiosk,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_a_kiosk_whose_clock_went_back_goes_on_above_the_last_state, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kiosk_obeys_no_command_of_another_core, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
