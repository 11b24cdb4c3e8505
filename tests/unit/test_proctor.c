/* test_proctor.c -- the proctor at the core: sign-in with the session's proctor code, cookies,
 * one session's room, actions signed as version 2 commands, the live stream. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
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
#include "clk.h"
#include "corefx.h"
#include "fixture.h"
#include "http.h"
#include "ingest.h"
#include "lease.h"
#include "proctor.h"
#include "proto.h"
#include "seats.h"
#include "why.h"

#define WAIT_MS 30000  /* a generous bound on what must happen: never a timing assert */
#define NOW 1800000000000LL
#define NIP_A "199001012020121001"
#define EXAM "{\"id\":\"akad\",\"title\":\"Evaluasi\",\"kind\":\"academic\",\"minutes\":30," \
             "\"quotas\":{\"t0\":2,\"t1\":2}}"

typedef struct fx {
    char *dir;
    bank *b;
    store *st;
    core_ctx *c;
    bank_signer *ka, *kb;         /* a kiosk of session S (A01), one of session T (B01) */
    char s[33], t[33];            /* the two sessions' ids */
    char code_s[BANK_PROCTOR_LEN + 1], code_t[BANK_PROCTOR_LEN + 1];
    char token_s[BANK_TOKEN_LEN + 1];
} fx;

static bank_signer *kiosk_at(fx *x, const char *name)
{
    return corefx_kiosk(x->c, x->st, x->dir, name);
}

/* Session file `name` of 3 added to the core: its id, token and proctor code. */
static void add_session(fx *x, const char *name, char id[33], char *token, char *code)
{
    char why[WHY_SIZE] = "", path[4200], bid[33], exam[65], tok[BANK_TOKEN_LEN + 1];
    snprintf(path, sizeof path, "%s", fx_path(x->dir, name));
    fx_session_proctor(x->b, "akad", 3, NULL, path, token ? token : tok, code);
    if (core_session_add(x->c, path, why)) fail_msg("session add: %s", why);
    assert_int_equal(bank_session_info(path, bid, id, exam, why), BANK_OK);
}

static int setup(void **state)
{
    fx *x = calloc(1, sizeof *x);
    char why[WHY_SIZE] = "", bank_path[4200], pass[4200], pub[4200];
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
    x->c = corefx_core(x->dir, &x->st);
    snprintf(bank_path, sizeof bank_path, "%s", fx_path(x->dir, "bank.bank"));
    snprintf(pass, sizeof pass, "%s", fx_path(x->dir, "pass"));
    snprintf(pub, sizeof pub, "%s", fx_path(x->dir, "authority.pub"));
    if (core_bank_add(x->c, bank_path, pass, pub, why)) fail_msg("bank add: %s", why);
    add_session(x, "s.session", x->s, x->token_s, x->code_s);
    add_session(x, "t.session", x->t, NULL, x->code_t);
    x->ka = kiosk_at(x, "kiosk-a");
    x->kb = kiosk_at(x, "kiosk-b");
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx *x = *state;
    core_ctx_free(x->c);
    store_close(x->st);
    bank_signer_free(x->ka);
    bank_signer_free(x->kb);
    bank_close(x->b);
    fx_rmdir(x->dir);
    free(x);
    return 0;
}

/* A version 2 state of seat `seat` in `session`, numbered seq. Caller frees. */
static char *state_text(long long seq, const char *seat, const char *session, const char *screen,
                        int incidents)
{
    json_t *o = json_pack("{s:i, s:I, s:I, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i,"
                          " s:s, s:s, s:s, s:s, s:s, s:i}",
                          "version", PROTO_STATE_VERSION, "seq", (json_int_t)seq, "ack", 0,
                          "seat", seat, "screen", screen, "nip", NIP_A, "attempt", 1,
                          "answered", 3, "flagged", 0, "total", 4, "left_ms", 60000,
                          "incidents", incidents, "outbox", 0, "delivery", "delivering",
                          "program", "test", "session", session, "name", "Ani", "lease", "held",
                          "jseq", 7);
    char *t = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    assert_non_null(t);
    return t;
}

/* seats_state of a state of kiosk k taken at now_ms; the answer's JSON (caller frees). */
static char *take(seats *r, const bank_signer *k, const char *text, int64_t now_ms)
{
    char sig[129];
    seats_answer a;
    assert_int_equal(bank_signer_sign(k, text, strlen(text), sig), BANK_OK);
    seats_state(r, text, strlen(text), bank_signer_pub(k), sig, now_ms, &a);
    if (a.status != 200) fail_msg("state: %d %s %s", a.status, a.code, a.reason);
    return a.json;
}

/* Seat A01 (session S) and B01 (session T) in room r. */
static void fill_room(fx *x, seats *r)
{
    char *t1 = state_text(1, "A01", x->s, "exam", 0), *t2 = state_text(1, "B01", x->t, "exam", 0);
    free(take(r, x->ka, t1, NOW));
    free(take(r, x->kb, t2, NOW));
    free(t1);
    free(t2);
}

static void test_wrong_code_or_the_token_opens_no_session(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "", cookie[65] = "";
    seats *r = seats_new(x->st, core_ctx_signer(x->c), why);
    proctor *p = proctor_new(x->c, r, why);
    proctor_who who;
    assert_int_equal(proctor_login(p, "AAAA-AAAA-AAAA", 14, NULL, NOW, cookie, &who, why), 0);
    /* the participant token the room hears is no proctor code */
    assert_int_equal(proctor_login(p, x->token_s, strlen(x->token_s), NULL, NOW, cookie, &who,
                                   why), 0);
    /* S's code does not open T */
    assert_int_equal(proctor_login(p, x->code_s, strlen(x->code_s), x->t, NOW, cookie, &who, why),
                     0);
    /* S's code, typed as people do (dashes, lower case), opens S without naming it */
    char typed[BANK_PROCTOR_LEN + 4];
    bank_proctor_format(x->code_s, typed);
    for (char *c = typed; *c; c++)
        if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
    assert_int_equal(proctor_login(p, typed, strlen(typed), NULL, NOW, cookie, &who, why), 1);
    assert_string_equal(who.session, x->s);
    assert_string_equal(who.exam, "akad");
    assert_int_equal(who.expires_ms, NOW + PROCTOR_COOKIE_MS);
    proctor_who back;
    assert_int_equal(proctor_check(p, cookie, NOW + 1000, &back), 1);
    assert_string_equal(back.session, x->s);
    /* a forged cookie, an expired one, one signed out: refused */
    char forged[65];
    memcpy(forged, cookie, 65);
    forged[0] = forged[0] == 'a' ? 'b' : 'a';
    assert_int_equal(proctor_check(p, forged, NOW, &back), 0);
    assert_int_equal(proctor_check(p, cookie, NOW + PROCTOR_COOKIE_MS, &back), 0);
    assert_int_equal(proctor_login(p, x->code_t, strlen(x->code_t), NULL, NOW, cookie, &who, why),
                     1);
    assert_string_equal(who.session, x->t);
    proctor_logout(p, cookie);
    assert_int_equal(proctor_check(p, cookie, NOW, &back), 0);
    proctor_free(p);
    seats_free(r);
}

static void test_a_proctor_of_session_S_acts_on_no_seat_of_T(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "", code[32] = "";
    seats *r = seats_new(x->st, core_ctx_signer(x->c), why);
    proctor *p = proctor_new(x->c, r, why);
    fill_room(x, r);
    proctor_who who = {.expires_ms = NOW + 1000};
    snprintf(who.session, sizeof who.session, "%s", x->s);
    int status = 0;
    const char *on_b = "{\"kind\":\"pause\",\"seat\":\"B01\",\"reason\":\"x\"}";
    assert_int_equal(proctor_action(p, &who, on_b, strlen(on_b), NOW, &status, code, why), -1);
    assert_int_equal(status, 403);
    assert_string_equal(code, "other-session");
    seats_who w;   /* B01's kiosk is found, and found to be of T (the seat route says 403) */
    assert_int_equal(seats_lookup(r, bank_signer_pub(x->kb), x->s, &w), 1);
    assert_string_equal(w.session, x->t);
    /* the room of S lists A01 only; "all" reaches A01 only */
    char *room = proctor_room_json(p, &who, NOW);
    assert_non_null(strstr(room, "\"seat\":\"A01\""));
    assert_null(strstr(room, "\"seat\":\"B01\""));
    free(room);
    const char *all = "{\"kind\":\"pause\",\"all\":true,\"reason\":\"listrik\"}";
    assert_int_equal(proctor_action(p, &who, all, strlen(all), NOW, &status, code, why), 1);
    assert_int_equal(status, 202);
    char *t = state_text(2, "B01", x->t, "exam", 0), *answer = take(r, x->kb, t, NOW);
    assert_non_null(strstr(answer, "\"commands\":[]"));   /* nothing for T's seat */
    free(answer);
    free(t);
    proctor_free(p);
    seats_free(r);
}

/* The first command of a state answer, as JSON text. Caller frees. */
static char *first_command(const char *answer)
{
    json_t *o = json_loads(answer, 0, NULL);
    json_t *c = json_array_get(json_object_get(o, "commands"), 0);
    char *t = c ? json_dumps(c, JSON_COMPACT) : NULL;
    json_decref(o);
    assert_non_null(t);
    return t;
}

static void test_actions_queue_signed_version_2_commands(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "", code[32] = "";
    seats *r = seats_new(x->st, core_ctx_signer(x->c), why);
    proctor *p = proctor_new(x->c, r, why);
    const char *core = core_signer_pub(core_ctx_signer(x->c)), *me = bank_signer_pub(x->ka);
    fill_room(x, r);
    proctor_who who = {.expires_ms = NOW + 1000};
    snprintf(who.session, sizeof who.session, "%s", x->s);
    int status = 0;
    /* a message: the kiosk's own check takes it */
    const char *msg = "{\"kind\":\"message\",\"seat\":\"A01\",\"text\":\"Lima menit lagi\"}";
    assert_int_equal(proctor_action(p, &who, msg, strlen(msg), NOW, &status, code, why), 1);
    char *t = state_text(2, "A01", x->s, "exam", 0), *answer = take(r, x->ka, t, NOW);
    char *c = first_command(answer);
    checkin_cmd cmd;
    if (checkin_cmd_check(c, strlen(c), core, me, 0, &cmd, why)) fail_msg("kiosk: %s", why);
    assert_string_equal(cmd.kind, "message");
    assert_string_equal(cmd.text, "Lima menit lagi");
    free(c);
    free(answer);
    free(t);
    /* acknowledged, then an extend: bound to the seat's participant, with its minutes */
    t = state_text(3, "A01", x->s, "exam", 0);
    json_t *o = json_loads(t, 0, NULL);
    json_object_set_new(o, "ack", json_integer(cmd.seq));
    free(t);
    t = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    free(take(r, x->ka, t, NOW));
    free(t);
    const char *ext = "{\"kind\":\"extend\",\"seat\":\"A01\",\"minutes\":15,\"reason\":\"padam\"}";
    assert_int_equal(proctor_action(p, &who, ext, strlen(ext), NOW + 1, &status, code, why), 1);
    const char *mv = "{\"kind\":\"move\",\"seat\":\"A01\",\"to\":\"A07\",\"reason\":\"rusak\"}";
    assert_int_equal(proctor_action(p, &who, mv, strlen(mv), NOW + 2, &status, code, why), 1);
    t = state_text(4, "A01", x->s, "exam", 0);
    answer = take(r, x->ka, t, NOW);
    json_t *a = json_loads(answer, 0, NULL), *cmds = json_object_get(a, "commands");
    assert_int_equal(json_array_size(cmds), 2);
    json_t *e = json_array_get(cmds, 0), *m = json_array_get(cmds, 1);
    assert_string_equal(json_string_value(json_object_get(e, "kind")), "extend");
    assert_int_equal(json_integer_value(json_object_get(e, "minutes")), 15);
    assert_string_equal(json_string_value(json_object_get(e, "nip")), NIP_A);
    assert_string_equal(json_string_value(json_object_get(e, "text")), "padam");
    assert_string_equal(json_string_value(json_object_get(m, "kind")), "move-out");
    assert_string_equal(json_string_value(json_object_get(m, "seat")), "A07");
    for (size_t i = 0; i < 2; i++) {
        assert_true(corefx_cmd_signed(json_array_get(cmds, i), core));
        assert_false(corefx_cmd_signed(json_array_get(cmds, i), me));   /* not by another key */
    }
    json_decref(a);
    free(answer);
    free(t);
    /* refused: unknown kind, extend out of range, move with no seat or of all */
    static const char *const bad[] = {
        "{\"kind\":\"reboot\",\"seat\":\"A01\"}",
        "{\"kind\":\"extend\",\"seat\":\"A01\",\"minutes\":121}",
        "{\"kind\":\"extend\",\"seat\":\"A01\",\"minutes\":0}",
        "{\"kind\":\"move\",\"seat\":\"A01\"}",
        "{\"kind\":\"move\",\"all\":true,\"to\":\"A07\"}",
        "{\"kind\":\"pause\"}",
        "{\"kind\":\"message\",\"seat\":\"A01\",\"text\":\"two\\nlines\"}",
        "not json",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (proctor_action(p, &who, bad[i], strlen(bad[i]), NOW, &status, code, why) != -1 ||
            status != 400)
            fail_msg("%s: %d, wanted 400", bad[i], status);
    const char *none = "{\"kind\":\"pause\",\"seat\":\"Z99\"}";
    assert_int_equal(proctor_action(p, &who, none, strlen(none), NOW, &status, code, why), -1);
    assert_int_equal(status, 404);
    proctor_free(p);
    seats_free(r);
}

static void test_a_move_or_a_release_takes_the_lease_first(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "", code[32] = "";
    seats *r = seats_new(x->st, core_ctx_signer(x->c), why);
    proctor *p = proctor_new(x->c, r, why);
    bank_signer *k2 = kiosk_at(x, "kiosk-c");
    const char *ka = bank_signer_pub(x->ka), *kc = bank_signer_pub(k2);
    char *a = state_text(1, "A01", x->s, "exam", 0), *b = state_text(1, "A02", x->s, "identify", 0);
    free(take(r, x->ka, a, NOW));
    free(take(r, k2, b, NOW));
    store_lease held;
    assert_int_equal(lease_take(x->st, x->s, NIP_A, 1, ka, "A01", NOW, &held, why), 1);
    /* B at A02 asks for the lease of A01's participant: refused, A01 holds it */
    assert_int_equal(lease_take(x->st, x->s, NIP_A, 1, kc, "A02", NOW, &held, why), 0);
    assert_string_equal(held.seat, "A01");
    proctor_who who = {.expires_ms = NOW + 1000};
    snprintf(who.session, sizeof who.session, "%s", x->s);
    int status = 0;
    const char *mv = "{\"kind\":\"move\",\"seat\":\"A01\",\"to\":\"A02\",\"reason\":\"rusak\"}";
    assert_int_equal(proctor_action(p, &who, mv, strlen(mv), NOW, &status, code, why), 1);
    /* the lease went with the move: A02's kiosk takes it now, A01's no more */
    assert_int_equal(lease_holder(x->st, x->s, NIP_A, 1, &held, why), 1);
    assert_string_equal(held.kiosk, kc);
    assert_int_equal(lease_take(x->st, x->s, NIP_A, 1, ka, "A01", NOW, &held, why), 0);
    assert_int_equal(lease_take(x->st, x->s, NIP_A, 1, kc, "A02", NOW, &held, why), 1);
    /* A01 gets a move-out for that participant naming A02 */
    char *t = state_text(2, "A01", x->s, "exam", 0), *answer = take(r, x->ka, t, NOW);
    json_t *o = json_loads(answer, 0, NULL), *c = json_array_get(json_object_get(o, "commands"), 0);
    assert_string_equal(json_string_value(json_object_get(c, "kind")), "move-out");
    assert_string_equal(json_string_value(json_object_get(c, "seat")), "A02");
    assert_string_equal(json_string_value(json_object_get(c, "nip")), NIP_A);
    json_decref(o);
    free(answer);
    free(t);
    /* a release at A02 frees the lease: the next seat to ask takes it */
    char *b2 = state_text(2, "A02", x->s, "exam", 0);
    free(take(r, k2, b2, NOW));
    const char *rel = "{\"kind\":\"release\",\"seat\":\"A02\",\"reason\":\"login\"}";
    assert_int_equal(proctor_action(p, &who, rel, strlen(rel), NOW, &status, code, why), 1);
    assert_int_equal(lease_holder(x->st, x->s, NIP_A, 1, &held, why), 0);
    /* nobody to move at a seat with no participant */
    char *empty = state_text(3, "A02", x->s, "identify", 0);
    json_t *e = json_loads(empty, 0, NULL);
    json_object_set_new(e, "nip", json_string(""));
    free(empty);
    empty = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(e);
    free(take(r, k2, empty, NOW));
    const char *mv2 = "{\"kind\":\"move\",\"seat\":\"A02\",\"to\":\"A01\"}";
    assert_int_equal(proctor_action(p, &who, mv2, strlen(mv2), NOW, &status, code, why), -1);
    assert_int_equal(status, 409);
    assert_string_equal(code, "no-participant");
    free(empty);
    free(b2);
    free(a);
    free(b);
    bank_signer_free(k2);
    proctor_free(p);
    seats_free(r);
}

static void test_seats_needing_attention_come_first(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "";
    seats *r = seats_new(x->st, core_ctx_signer(x->c), why);
    proctor *p = proctor_new(x->c, r, why);
    bank_signer *k3 = kiosk_at(x, "kiosk-c"), *k4 = kiosk_at(x, "kiosk-d"),
                *k5 = kiosk_at(x, "kiosk-e");
    char *a = state_text(1, "A01", x->s, "exam", 0), *b = state_text(1, "A02", x->s, "exam", 2),
         *c = state_text(1, "A03", x->s, "exam", 0), *d = state_text(1, "A04", x->s, "seat-locked", 0),
         *e = state_text(1, "A05", x->s, "locked", 0);   /* locked out by wrong PINs */
    free(take(r, x->ka, a, NOW + PROCTOR_OFFLINE_MS));
    free(take(r, x->kb, b, NOW + PROCTOR_OFFLINE_MS));
    free(take(r, k3, c, NOW - 1));   /* silent for more than 10 s at NOW + 10 s */
    free(take(r, k4, d, NOW + PROCTOR_OFFLINE_MS));
    free(take(r, k5, e, NOW + PROCTOR_OFFLINE_MS));
    proctor_who who = {.expires_ms = NOW + 100000};
    snprintf(who.session, sizeof who.session, "%s", x->s);
    const char *order[5], *words[5];
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            /* a result of A01's kiosk refused in this session: it needs the proctor too */
            store_refusal no = {bank_signer_pub(x->ka), x->s, "akad", NIP_A, 1,
                                "00", "form-mismatch", "test", NOW};
            assert_int_equal(store_refusal_put(x->st, &no, why), 0);
        }
        /* (5 s on: the counts read from the store before are stale) */
        int64_t at = NOW + PROCTOR_OFFLINE_MS + pass * 5000;
        char *room = proctor_room_json(p, &who, at);
        json_t *o = json_loads(room, 0, NULL), *seats_ = json_object_get(o, "seats");
        assert_int_equal(json_array_size(seats_), 5);
        for (size_t i = 0; i < 5; i++) {
            json_t *s = json_array_get(seats_, i);
            order[i] = json_string_value(json_object_get(s, "seat"));
            words[i] = json_string_value(json_array_get(json_object_get(s, "attention"), 0));
        }
        static const char *const want[2][5][2] = {
            {{"A02", "incident"}, {"A03", "offline"}, {"A04", "locked"}, {"A05", "pin-locked"},
             {"A01", NULL}},
            {{"A01", "refused"}, {"A02", "incident"}, {"A03", "offline"}, {"A04", "locked"},
             {"A05", "pin-locked"}}};
        for (size_t i = 0; i < 5; i++) {
            if (strcmp(order[i], want[pass][i][0]) != 0 ||
                (want[pass][i][1] ? !words[i] || strcmp(words[i], want[pass][i][1]) != 0
                                  : words[i] != NULL))
                fail_msg("pass %d seat %zu: %s %s, wanted %s %s", pass, i, order[i],
                         words[i] ? words[i] : "-", want[pass][i][0],
                         want[pass][i][1] ? want[pass][i][1] : "-");
        }
        assert_string_equal(json_string_value(json_object_get(o, "session")), x->s);
        json_decref(o);
        free(room);
    }
    free(a);
    free(b);
    free(c);
    free(d);
    free(e);
    bank_signer_free(k3);
    bank_signer_free(k4);
    bank_signer_free(k5);
    proctor_free(p);
    seats_free(r);
}

static bool still_here(void *arg)
{
    return *(bool *)arg;
}

static void test_streams_are_bounded_and_end_when_the_browser_goes(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "", cookie[65] = "", buf[4096];
    seats *r = seats_new(x->st, core_ctx_signer(x->c), why);
    proctor *p = proctor_new(x->c, r, why);
    fill_room(x, r);
    proctor_who who;
    int64_t now = clk_wall_ms();
    assert_int_equal(proctor_login(p, x->code_s, strlen(x->code_s), x->s, now, cookie, &who, why),
                     1);
    proctor_stream *s[PROCTOR_STREAMS_MAX + 1];
    for (int i = 0; i < PROCTOR_STREAMS_MAX; i++) {
        s[i] = proctor_stream_begin(p, cookie, &who, 0, NULL, NULL);
        assert_non_null(s[i]);
    }
    assert_null(proctor_stream_begin(p, cookie, &who, 0, NULL, NULL));   /* one too many */
    proctor_stream_end(s[0]);
    bool here = true;
    s[0] = proctor_stream_begin(p, cookie, &who, 0, still_here, &here);
    assert_non_null(s[0]);
    /* the room at once, whole */
    size_t n = proctor_stream_read(s[0], buf, sizeof buf - 1);
    buf[n] = 0;
    assert_non_null(strstr(buf, "event: room\ndata: {"));
    assert_non_null(strstr(buf, "\"seat\":\"A01\""));
    /* the browser went: the next read ends the stream */
    here = false;
    assert_int_equal(proctor_stream_read(s[0], buf, sizeof buf), 0);
    /* signed out: the stream ends too */
    size_t first = proctor_stream_read(s[1], buf, sizeof buf);
    proctor_logout(p, cookie);
    assert_true(first > 0);
    assert_int_equal(proctor_stream_read(s[1], buf, sizeof buf), 0);
    for (int i = 0; i < PROCTOR_STREAMS_MAX; i++) proctor_stream_end(s[i]);
    proctor_free(p);
    seats_free(r);
}

/* ---- over HTTP ---- */

/* A request with the cookie (may be NULL) and body (NULL: GET); the status. */
static long call(const char *base, const char *path, const char *cookie, const char *body,
                 corefx_reply *r)
{
    char hc[128];
    snprintf(hc, sizeof hc, "Cookie: " PROTO_PROCTOR_COOKIE "=%s", cookie ? cookie : "");
    return corefx_call(base, path, cookie ? curl_slist_append(NULL, hc) : NULL, body, r);
}

static void test_signed_in_by_cookie_and_wrong_codes_throttled(void **state)
{
    fx *x = *state;
    http_server *h = corefx_serve(x->c, NULL);
    const char *u = http_url(h);
    static corefx_reply r;
    char body[128], forged[65];
    long none = call(u, "/v1/proctor/room", NULL, NULL, &r);
    memset(forged, 'a', 64);
    forged[64] = 0;
    long fake = call(u, "/v1/proctor/room", forged, NULL, &r);
    snprintf(body, sizeof body, "{\"code\":\"%s\"}", x->code_s);
    long in = call(u, "/v1/proctor/login", NULL, body, &r);
    char cookie[65];
    memcpy(cookie, r.cookie, sizeof cookie);
    bool names_s = strstr(r.data, x->s) != NULL;
    long room = call(u, "/v1/proctor/room", cookie, NULL, &r);
    long out = call(u, "/v1/proctor/logout", cookie, "", &r);
    long after = call(u, "/v1/proctor/room", cookie, NULL, &r);
    /* wrong codes: the first ones are answered 401, then the address must wait (429) */
    long wrong[8];
    int waits = 0;
    for (int i = 0; i < 8; i++) {
        wrong[i] = call(u, "/v1/proctor/login", NULL, "{\"code\":\"AAAA-AAAA-AAAA\"}", &r);
        waits += wrong[i] == 429;
    }
    http_stop(h);
    assert_int_equal(none, 401);
    assert_int_equal(fake, 401);
    assert_int_equal(in, 200);
    assert_true(names_s);
    assert_int_equal(strlen(cookie), 64);
    assert_int_equal(room, 200);
    assert_int_equal(out, 200);
    assert_int_equal(after, 401);
    assert_int_equal(wrong[0], 401);
    assert_true(waits > 0);
}

typedef struct listener {
    const char *url;
    char cookie[65];
    pthread_mutex_t mu;
    corefx_reply r;
    long status;
} listener;

static void *listen_stream(void *arg)
{
    listener *l = arg;
    l->r.mu = &l->mu;
    l->status = call(l->url, "/v1/proctor/stream", l->cookie, NULL, &l->r);
    return NULL;
}

/* Waits until the stream has said `what`; false when not within WAIT_MS. */
static bool stream_says(listener *l, const char *what)
{
    for (int waited = 0; waited < WAIT_MS; waited += 20) {
        pthread_mutex_lock(&l->mu);
        bool said = strstr(l->r.data, what) != NULL;
        pthread_mutex_unlock(&l->mu);
        if (said) return true;
        corefx_sleep_ms(20);
    }
    return false;
}

static void test_the_stream_tells_a_state_change_and_ends_with_the_core(void **state)
{
    fx *x = *state;
    http_server *h = corefx_serve(x->c, NULL);
    static listener l;
    static corefx_reply r;
    char body[128];
    memset(&l, 0, sizeof l);
    pthread_mutex_init(&l.mu, NULL);
    l.url = http_url(h);
    snprintf(body, sizeof body, "{\"code\":\"%s\",\"session\":\"%s\"}", x->code_s, x->s);
    long in = call(l.url, "/v1/proctor/login", NULL, body, &r);
    memcpy(l.cookie, r.cookie, sizeof l.cookie);
    long long seq = clk_wall_ms();
    char *t1 = state_text(seq, "A01", x->s, "exam", 0),
         *t2 = state_text(seq + 1, "A01", x->s, "paused", 0);
    long first = corefx_post_state(l.url, x->ka, t1, &r);
    pthread_t th;
    bool started = in == 200 && pthread_create(&th, NULL, listen_stream, &l) == 0;
    bool told = started && stream_says(&l, "\"screen\":\"exam\"");
    long second = told ? corefx_post_state(l.url, x->ka, t2, &r) : 0;
    bool changed = told && stream_says(&l, "\"screen\":\"paused\"");
    http_stop(h);   /* ends the stream: the join below returns */
    if (started) pthread_join(th, NULL);
    pthread_mutex_destroy(&l.mu);
    free(t1);
    free(t2);
    assert_int_equal(in, 200);
    assert_int_equal(first, 200);
    assert_true(started);
    assert_true(told);
    assert_int_equal(second, 200);
    assert_true(changed);
    assert_non_null(strstr(l.r.data, "event: room\ndata: {"));
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_wrong_code_or_the_token_opens_no_session, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_proctor_of_session_S_acts_on_no_seat_of_T, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_actions_queue_signed_version_2_commands, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_move_or_a_release_takes_the_lease_first, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_seats_needing_attention_come_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_streams_are_bounded_and_end_when_the_browser_goes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_signed_in_by_cookie_and_wrong_codes_throttled, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_the_stream_tells_a_state_change_and_ends_with_the_core, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
