/* test_roomlog.c -- the room log and the room kept in the store: entries for each change of a
 * seat, the sitting report's figures, a restart that keeps the room; on SQLite, or on the
 * PostgreSQL database named by KISI_TEST_STORE_URL (tests/e2e/core_postgres.sh). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bank.h"
#include "fixture.h"
#include "ingest.h"
#include "proto.h"
#include "roomlog.h"
#include "seats.h"
#include "why.h"

#define EXAM "{\"id\":\"akad\",\"title\":\"Evaluasi Akademik\",\"kind\":\"academic\"," \
             "\"minutes\":30,\"quotas\":{\"t0\":2,\"t1\":2}}"
#define T0 1700000000000LL /* the core's clock in these tests: moved by hand */

/* The PostgreSQL database under test, or NULL for a SQLite file per test. */
static const char *pg_url;
/* The core key of every test: a PostgreSQL store keeps the first one it sees. */
static char *keydir;
static _Atomic int64_t fake_now = T0; /* read by the room log's thread too */

static int64_t clock_fake(void)
{
    return fake_now;
}

typedef struct fx {
    char *dir;
    store *st;
    core_ctx *c;
    seats *r;
    bank_signer *k;      /* the kiosk's key, enrolled and approved */
    char sid[33];        /* the session of three: fx_nip(0..2) */
    char url[4200];
} fx;

/* A kiosk key made in x->dir under name, enrolled and approved at the core.
 * Caller frees with bank_signer_free(). */
static bank_signer *approved_kiosk(fx *x, const char *name)
{
    char why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    bank_signer *k = bank_signer_open(fx_path(x->dir, name), &e, why);
    if (!k) fail_msg("kiosk key: %s", why);
    if (core_kiosk_enrol(x->c, bank_signer_pub(k), name, 1, why) ||
        store_kiosk_set(x->st, bank_signer_pub(k), "approved", why))
        fail_msg("kiosk: %s", why);
    return k;
}

static int setup(void **state)
{
    fx *x = calloc(1, sizeof *x);
    char why[WHY_SIZE] = "", token[BANK_TOKEN_LEN + 1];
    fake_now = T0;
    x->dir = fx_tmpdir();
    snprintf(x->url, sizeof x->url, "%s", pg_url ? pg_url : "sqlite:");
    if (!pg_url) snprintf(x->url, sizeof x->url, "sqlite:%s", fx_path(x->dir, "core.db"));
    x->st = store_open(x->url, why);
    if (!x->st) fail_msg("store_open: %s", why);
    x->c = core_ctx_new(x->st, fx_path(keydir, "core.key"), why);
    if (!x->c) fail_msg("core_ctx_new: %s", why);
    /* a sealed bank and a session of three, kept by the core */
    bank *b = fx_bank(x->dir, 2, 6);
    fx_exam(b, EXAM);
    char bank_path[4200], pass[4200], pub[4200], sess[4200], bid[33], exam[65];
    if (bank_keygen(fx_path(x->dir, "authority"), why) ||
        bank_seal(b, fx_path(x->dir, "authority.key"), why))
        fail_msg("seal: %s", why);
    fx_session(b, "akad", 3, NULL, fx_path(x->dir, "s.session"), token);
    bank_close(b);
    snprintf(bank_path, sizeof bank_path, "%s", fx_path(x->dir, "bank.bank"));
    snprintf(pass, sizeof pass, "%s", fx_path(x->dir, "pass"));
    snprintf(pub, sizeof pub, "%s", fx_path(x->dir, "authority.pub"));
    snprintf(sess, sizeof sess, "%s", fx_path(x->dir, "s.session"));
    FILE *f = fopen(pass, "w");
    assert_non_null(f);
    fputs(FX_PASS, f);
    assert_int_equal(fclose(f), 0);
    if (core_bank_add(x->c, bank_path, pass, pub, why) || core_session_add(x->c, sess, why))
        fail_msg("bank and session: %s", why);
    if (bank_session_info(sess, bid, x->sid, exam, why)) fail_msg("session: %s", why);
    x->k = approved_kiosk(x, "kiosk");
    x->r = seats_new(x->st, core_ctx_signer(x->c), why);
    if (!x->r) fail_msg("seats_new: %s", why);
    roomlog_set_clock(seats_roomlog(x->r), clock_fake);
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
    fx_rmdir(x->dir);
    free(x);
    return 0;
}

/* What a state says, beyond its number and seat. */
typedef struct look {
    const char *nip, *screen, *lease, *delivery;
    int incidents;
    long long ack;
    const char *seat; /* NULL: "A01" */
} look;

/* Sends the state numbered seq from seat A01 of session x->sid looking like
 * l, signed by kiosk k, at the core's time fake_now; the status (the
 * answer's JSON freed, or kept in *json when not NULL). */
static int send_as(fx *x, const bank_signer *k, long long seq, const look *l, char **json)
{
    json_t *o = json_pack("{s:i, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i,"
                          " s:i, s:i, s:i, s:s, s:s, s:i}",
                          "version", PROTO_STATE_VERSION, "seq", (json_int_t)seq, "ack",
                          (json_int_t)l->ack, "seat", l->seat ? l->seat : "A01", "session",
                          x->sid, "screen", l->screen, "nip", l->nip, "name",
                          l->nip[0] ? "Peserta" : "", "lease", l->lease ? l->lease : "",
                          "attempt", l->nip[0] ? 1 : 0,
                          "answered", 0, "flagged", 0, "total", 4, "left_ms", 60000,
                          "incidents", l->incidents, "outbox", 0, "delivery",
                          l->delivery ? l->delivery : "delivering", "program", "test", "jseq",
                          0);
    char *t = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS), sig[129];
    json_decref(o);
    assert_int_equal(bank_signer_sign(k, t, strlen(t), sig), BANK_OK);
    seats_answer a;
    seats_state(x->r, t, strlen(t), bank_signer_pub(k), sig, fake_now, &a);
    free(t);
    if (json) *json = a.json;
    else free(a.json);
    return a.status;
}

/* send_as the kiosk of the fixture. */
static int send(fx *x, long long seq, const look *l, char **json)
{
    return send_as(x, x->k, seq, l, json);
}

/* The kinds of the seat's logged events, "kind|kind|...". Caller frees. */
static char *kinds(fx *x)
{
    char why[WHY_SIZE] = "";
    assert_int_equal(roomlog_sync(seats_roomlog(x->r), why), 0);
    char *text = roomlog_seat(seats_roomlog(x->r), NULL, bank_signer_pub(x->k), why);
    if (!text) fail_msg("roomlog_seat: %s", why);
    json_t *o = json_loads(text, 0, NULL), *e;
    free(text);
    size_t i;
    char out[2048] = "";
    json_array_foreach(json_object_get(o, "events"), i, e) {
        size_t n = strlen(out);
        snprintf(out + n, sizeof out - n, "%s%s", n ? "|" : "",
                 json_string_value(json_object_get(e, "kind")));
    }
    json_decref(o);
    return strdup(out);
}

/* The detail of the last event of the seat, as JSON text. Caller frees. */
static char *last_detail(fx *x)
{
    char why[WHY_SIZE] = "";
    char *text = roomlog_seat(seats_roomlog(x->r), x->sid, bank_signer_pub(x->k), why);
    assert_non_null(text);
    json_t *o = json_loads(text, 0, NULL);
    free(text);
    json_t *ev = json_object_get(o, "events");
    char *d = json_dumps(json_object_get(json_array_get(ev, json_array_size(ev) - 1), "detail"),
                         JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    return d;
}

static void test_each_change_of_a_seat_is_logged_once(void **state)
{
    fx *x = *state;
    char *k;
    const char *nip = fx_nip(0);
    assert_int_equal(send(x, 100, &(look){"", "identify", 0, 0, 0, 0, NULL}, NULL), 200);
    assert_string_equal(k = kinds(x), "online");
    free(k);
    /* the same state again with a new number: nothing new */
    assert_int_equal(send(x, 101, &(look){"", "identify", 0, 0, 0, 0, NULL}, NULL), 200);
    assert_string_equal(k = kinds(x), "online");
    free(k);
    assert_int_equal(send(x, 102, &(look){nip, "exam", "held", 0, 0, 0, NULL}, NULL), 200);
    assert_string_equal(k = kinds(x), "online|arrived|screen|lease");
    free(k);
    assert_int_equal(send(x, 103, &(look){nip, "exam", "held", 0, 2, 0, NULL}, NULL), 200);
    char *d = last_detail(x);
    assert_string_equal(d, "{\"incidents\":2,\"was\":0}");
    free(d);
    /* delivery: the usual ones are no news, a refusal or the core gone is */
    look connecting = {nip, "exam", "held", "connecting", 2, 0, NULL};
    look refused = {nip, "exam", "held", "core-error", 2, 0, NULL};
    assert_int_equal(send(x, 104, &connecting, NULL), 200);
    assert_int_equal(send(x, 105, &refused, NULL), 200);
    d = last_detail(x);
    assert_string_equal(d, "{\"from\":\"connecting\",\"to\":\"core-error\"}");
    free(d);
    assert_int_equal(send(x, 106, &(look){"", "identify", 0, 0, 0, 0, NULL}, NULL), 200);
    assert_string_equal(k = kinds(x), "online|arrived|screen|lease|incident|delivery|left|"
                                      "screen|lease|delivery");
    free(k);
    /* silent for longer than ROOMLOG_OFFLINE_MS: offline once, then online again */
    fake_now += ROOMLOG_OFFLINE_MS + 1;
    char why[WHY_SIZE] = "";
    assert_int_equal(roomlog_sync(seats_roomlog(x->r), why), 0);
    assert_int_equal(roomlog_sync(seats_roomlog(x->r), why), 0);
    assert_int_equal(send(x, 107, &(look){"", "identify", 0, 0, 0, 0, NULL}, NULL), 200);
    free(kinds(x));
    d = last_detail(x);
    assert_string_equal(d, "{\"away_ms\":10001}");
    free(d);
    k = kinds(x);
    assert_non_null(strstr(k, "|left|screen|lease|delivery|offline|online"));
    free(k);
}

static void test_commands_queued_and_acknowledged_are_logged(void **state)
{
    fx *x = *state;
    int status = 0;
    char why[WHY_SIZE] = "", *json = NULL;
    assert_int_equal(send(x, 100, &(look){"", "identify", 0, 0, 0, 0, NULL}, NULL), 200);
    assert_int_equal(
        seats_message(x->r, bank_signer_pub(x->k), "Tetap tenang", fake_now, &status, why), 0);
    char *d = (free(kinds(x)), last_detail(x));
    json_t *o = json_loads(d, 0, NULL);
    free(d);
    long long cmd = (long long)json_integer_value(json_object_get(o, "cmd"));
    assert_string_equal(json_string_value(json_object_get(o, "text")), "Tetap tenang");
    json_decref(o);
    assert_true(cmd > 0);
    assert_int_equal(send(x, 101, &(look){"", "identify", 0, 0, 0, cmd, NULL}, &json), 200);
    assert_non_null(strstr(json, "\"commands\":[]"));
    free(json);
    char *k = kinds(x);
    assert_string_equal(k, "online|message|command-done");
    free(k);
}

static void test_a_seat_label_names_the_kiosk_seen_last_there(void **state)
{
    fx *x = *state;
    int status = 0;
    char why[WHY_SIZE] = "", *json = NULL;
    bank_signer *old = approved_kiosk(x, "old");
    /* the old PC of a seat, then its replacement (a label of this test alone: a
     * shared database holds the seats of other tests) */
    char seat[16];
    snprintf(seat, sizeof seat, "L%.8s", bank_signer_pub(x->k));
    assert_int_equal(send_as(x, old, 100, &(look){"", "identify", 0, 0, 0, 0, seat}, NULL), 200);
    fake_now += 5000;
    assert_int_equal(send(x, 100, &(look){"", "identify", 0, 0, 0, 0, seat}, NULL), 200);
    assert_int_equal(seats_message(x->r, seat, "halo", fake_now, &status, why), 0);
    assert_int_equal(send(x, 101, &(look){"", "identify", 0, 0, 0, 0, seat}, &json), 200);
    assert_non_null(strstr(json, "halo"));
    free(json);
    assert_int_equal(send_as(x, old, 101, &(look){"", "identify", 0, 0, 0, 0, seat}, &json),
                     200);
    assert_null(strstr(json, "halo"));
    free(json);
    bank_signer_free(old);
}

/* Queues the proctor's command of kind (minutes, to, text as it has them)
 * for the fixture's kiosk, as the proctor's page does; it goes to the log. */
static void action(fx *x, const char *kind, int minutes, const char *to, const char *text)
{
    int status = 0;
    char why[WHY_SIZE] = "";
    seats_cmd c = {kind, NULL, minutes, to, text, x->sid, "proctor"};
    if (seats_command(x->r, bank_signer_pub(x->k), &c, fake_now, &status, why) != 1)
        fail_msg("%s: %d %s", kind, status, why);
}

static void test_an_action_for_the_whole_room_is_logged_once_per_seat(void **state)
{
    fx *x = *state;
    int status = 0;
    char why[WHY_SIZE] = "";
    bank_signer *b = approved_kiosk(x, "b");
    assert_int_equal(send(x, 100, &(look){fx_nip(0), "exam", 0, 0, 0, 0, "A01"}, NULL), 200);
    assert_int_equal(send_as(x, b, 100, &(look){fx_nip(1), "exam", 0, 0, 0, 0, "A02"}, NULL),
                     200);
    seats_cmd c = {"pause", NULL, 0, NULL, "listrik padam", x->sid, "proctor"};
    assert_int_equal(seats_command(x->r, NULL, &c, fake_now, &status, why), 2);
    char *text = roomlog_report(seats_roomlog(x->r), x->c, x->sid, why);
    if (!text) fail_msg("roomlog_report: %s", why);
    json_t *o = json_loads(text, 0, NULL), *p;
    free(text);
    char got[64] = "";
    size_t i;
    json_array_foreach(json_object_get(o, "pauses"), i, p) {
        size_t n = strlen(got);
        snprintf(got + n, sizeof got - n, "%s:%s|",
                 json_string_value(json_object_get(p, "seat")),
                 json_string_value(json_object_get(p, "nip")));
    }
    char want[64], first[24];
    snprintf(first, sizeof first, "%s", fx_nip(0)); /* fx_nip gives a static buffer */
    snprintf(want, sizeof want, "A01:%s|A02:%s|", first, fx_nip(1));
    assert_string_equal(got, want);
    assert_int_equal(json_integer_value(json_object_get(o, "present")), 2);
    json_decref(o);
    bank_signer_free(b);
}

/* A stored result of nip's first attempt in the session. */
static void result(fx *x, const char *nip, int awarded)
{
    char why[WHY_SIZE] = "";
    store_result r = {x->sid, "akad", "", "academic", nip, 1, awarded, awarded, true,
                      "d1", "{}", "{}", bank_signer_pub(x->k), T0 + 5000, 0};
    assert_int_equal(store_result_put(x->st, &r, why), STORE_NEW);
}

static void test_report_counts_who_came_and_what_the_proctor_did(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "";
    const char *a = fx_nip(0);
    assert_int_equal(send(x, 100, &(look){a, "exam", 0, 0, 0, 0, NULL}, NULL), 200);
    fake_now += 1000;
    assert_int_equal(send(x, 101, &(look){a, "exam", 0, 0, 1, 0, NULL}, NULL), 200);
    action(x, "extend", 10, NULL, "listrik padam");
    action(x, "pause", 0, NULL, "gangguan");
    action(x, "resume", 0, NULL, NULL);
    action(x, "lock", 0, NULL, NULL);
    action(x, "move-out", 0, "B07", "PC rusak");
    action(x, "release", 0, NULL, NULL);
    action(x, "end", 0, NULL, NULL);
    result(x, a, 8000);
    char *text = roomlog_report(seats_roomlog(x->r), x->c, x->sid, why);
    if (!text) fail_msg("roomlog_report: %s", why);
    json_t *o = json_loads(text, 0, NULL);
    free(text);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "exam")), "akad");
    assert_string_equal(json_string_value(json_object_get(o, "title")), "Evaluasi Akademik");
    assert_int_equal(json_integer_value(json_object_get(o, "present")), 1);
    assert_int_equal(json_integer_value(json_object_get(o, "absent")), 2);
    assert_int_equal(json_integer_value(json_object_get(o, "start")), T0);
    json_t *roster = json_object_get(o, "roster"), *p0 = json_array_get(roster, 0);
    assert_int_equal(json_array_size(roster), 3);
    assert_string_equal(json_string_value(json_object_get(p0, "nip")), a);
    assert_string_equal(json_string_value(json_object_get(p0, "name")), "Peserta 0");
    assert_true(json_is_true(json_object_get(p0, "present")));
    assert_string_equal(json_string_value(json_object_get(p0, "seat")), "A01");
    assert_int_equal(json_integer_value(json_object_get(p0, "first_ms")), T0);
    json_t *r0 = json_array_get(json_object_get(p0, "results"), 0);
    assert_int_equal(json_integer_value(json_object_get(r0, "awarded")), 8000);
    assert_false(json_is_true(json_object_get(json_array_get(roster, 1), "present")));
    static const struct {
        const char *list;
        size_t n;
    } lists[] = {{"incidents", 1}, {"extensions", 1}, {"pauses", 2}, {"locks", 1},
                 {"moves", 1},     {"releases", 1},   {"ends", 1},   {"results_sent", 1}};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        if (json_array_size(json_object_get(o, lists[i].list)) != lists[i].n)
            fail_msg("%s: %zu, not %zu", lists[i].list,
                     json_array_size(json_object_get(o, lists[i].list)), lists[i].n);
    json_t *ext = json_array_get(json_object_get(o, "extensions"), 0);
    json_t *d = json_object_get(ext, "detail");
    assert_int_equal(json_integer_value(json_object_get(d, "minutes")), 10);
    assert_string_equal(json_string_value(json_object_get(d, "text")), "listrik padam");
    assert_string_equal(json_string_value(json_object_get(d, "nip")), a);
    assert_true(json_integer_value(json_object_get(d, "cmd")) > 0);
    assert_string_equal(json_string_value(json_object_get(ext, "actor")), "proctor");
    assert_string_equal(json_string_value(json_object_get(ext, "seat")), "A01");
    json_t *mv = json_array_get(json_object_get(o, "moves"), 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(mv, "detail"), "to")),
                        "B07");
    json_decref(o);
    /* a session the core does not hold */
    assert_null(roomlog_report(seats_roomlog(x->r), x->c, "no-such-session", why));
    assert_non_null(strstr(why, "not known"));
}

/* Collects "seat nip screen lease|" of the seats a proctor sees. */
static int view_line(const seats_view *v, void *arg)
{
    size_t n = strlen(arg);
    snprintf((char *)arg + n, 128 - n, "%s %s %s %s|", v->seat, v->nip, v->screen, v->lease);
    return 0;
}

static void test_restart_keeps_the_room_its_commands_and_refuses_a_replay(void **state)
{
    fx *x = *state;
    int status = 0;
    char why[WHY_SIZE] = "", *json = NULL;
    const char *a = fx_nip(1);
    assert_int_equal(send(x, 500, &(look){a, "exam", "held", 0, 0, 0, NULL}, NULL), 200);
    assert_int_equal(
        seats_message(x->r, bank_signer_pub(x->k), "Lima menit lagi", fake_now, &status, why),
        0);
    seats_free(x->r); /* the core stops: what waits is written */
    x->r = seats_new(x->st, core_ctx_signer(x->c), why);
    if (!x->r) fail_msg("seats_new: %s", why);
    roomlog_set_clock(seats_roomlog(x->r), clock_fake);
    /* the room as it was: the seat and its last state */
    char *room = seats_json(x->r, fake_now);
    assert_non_null(strstr(room, bank_signer_pub(x->k)));
    assert_non_null(strstr(room, "\"seat\":\"A01\""));
    assert_non_null(strstr(room, a));
    free(room);
    /* and the proctor of the session sees it there, with its participant */
    char seen[128] = "";
    assert_int_equal(seats_each(x->r, x->sid, view_line, seen), 0);
    char want[128];
    snprintf(want, sizeof want, "A01 %s exam held|", a);
    assert_string_equal(seen, want);
    /* the last state again is a replay, refused after the restart too */
    assert_int_equal(send(x, 500, &(look){a, "exam", "held", 0, 0, 0, NULL}, NULL), 409);
    /* the next state gets the command queued before the restart, same number */
    assert_int_equal(send(x, 501, &(look){a, "exam", "held", 0, 0, 0, NULL}, &json), 200);
    json_t *o = json_loads(json, 0, NULL), *c = json_array_get(json_object_get(o, "commands"), 0);
    free(json);
    assert_non_null(c);
    assert_string_equal(json_string_value(json_object_get(c, "text")), "Lima menit lagi");
    long long cmd = (long long)json_integer_value(json_object_get(c, "seq"));
    json_decref(o);
    /* no participant arrived again: the restart changed nothing on the seat */
    char *k = kinds(x);
    assert_string_equal(k, "online|arrived|lease|message");
    free(k);
    /* acknowledged, then restarted again: nothing waits */
    assert_int_equal(send(x, 502, &(look){a, "exam", "held", 0, 0, cmd, NULL}, NULL), 200);
    seats_free(x->r);
    x->r = seats_new(x->st, core_ctx_signer(x->c), why);
    if (!x->r) fail_msg("seats_new: %s", why);
    assert_int_equal(send(x, 503, &(look){a, "exam", "held", 0, 0, cmd, NULL}, &json), 200);
    assert_non_null(strstr(json, "\"commands\":[]"));
    free(json);
    /* a new command is numbered above the one before the restarts */
    assert_int_equal(
        seats_message(x->r, bank_signer_pub(x->k), "lagi", fake_now - 60000, &status, why), 0);
    assert_int_equal(send(x, 504, &(look){a, "exam", "held", 0, 0, cmd, NULL}, &json), 200);
    o = json_loads(json, 0, NULL);
    free(json);
    c = json_array_get(json_object_get(o, "commands"), 0);
    assert_true(json_integer_value(json_object_get(c, "seq")) > cmd);
    json_decref(o);
}

/* A random kiosk key (64 hex) into out. */
static void some_key(const char *dir, const char *name, char out[65])
{
    char why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    bank_signer *k = bank_signer_open(fx_path(dir, name), &e, why);
    if (!k) fail_msg("key: %s", why);
    snprintf(out, 65, "%s", bank_signer_pub(k));
    bank_signer_free(k);
}

/* What the room kept holds of two kiosks (a shared database holds others). */
typedef struct kept {
    const char *k1, *k2;
    char out[1024];
} kept;

/* Collects "seat:session seq cmd_seq state|" of the seats of the two kiosks. */
static int seat_line(const store_room_seat *s, void *arg)
{
    kept *k = arg;
    size_t n = strlen(k->out);
    if (strcmp(s->kiosk, k->k1) == 0 || strcmp(s->kiosk, k->k2) == 0)
        snprintf(k->out + n, sizeof k->out - n, "%s:%s %lld %lld %s|", s->seat, s->session,
                 s->seq, s->cmd_seq, s->state);
    return 0;
}

/* Collects "kiosk-prefix seq kind json|" of the commands of the two kiosks. */
static int cmd_line(const store_room_cmd *c, void *arg)
{
    kept *k = arg;
    size_t n = strlen(k->out);
    if (strcmp(c->kiosk, k->k1) == 0 || strcmp(c->kiosk, k->k2) == 0)
        snprintf(k->out + n, sizeof k->out - n, "%.4s %lld %s %s|", c->kiosk, c->seq, c->kind,
                 c->json);
    return 0;
}

static int entry_line(const store_room_entry *e, void *arg)
{
    size_t n = strlen(arg);
    snprintf((char *)arg + n, 1024 - n, "%s %s %lld %lld %s %s|", e->seat, e->nip,
             (long long)e->core_ms, (long long)e->kiosk_ms, e->kind, e->detail);
    return 0;
}

static void test_store_keeps_seats_commands_and_the_log(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "", k1[65], k2[65], sess[40], out[1024] = "";
    some_key(x->dir, "k1", k1);
    some_key(x->dir, "k2", k2);
    snprintf(sess, sizeof sess, "s-%.8s", k1);
    store_room_seat rows[] = {{k1, "A01", sess, 10, 1000, 0, "{\"a\":1}"},
                               {k2, "A02", sess, 20, 2000, 7, "{\"b\":2}"},
                               {k1, "A01", sess, 11, 1100, 0, "{\"a\":2}"}};
    store_room_cmd cmds[] = {{k1, 5, "message", "{\"c\":5}", 900},
                             {k1, 6, "pause", "{\"c\":6}", 901},
                             {k1, 5, "", NULL, 0},
                             {k1, 6, "pause", "{\"c\":6}", 901}};
    store_room_entry log[] = {{0, sess, k1, "A01", "n1", 1000, 999, "arrived", "{}", "kiosk"},
                              {0, sess, k2, "A02", "n2", 2000, 1999, "arrived", "{}", "kiosk"},
                              {0, sess, k1, "A01", "n1", 3000, 0, "pause", "{\"r\":1}",
                               "proctor"}};
    store_room_batch b = {rows, 3, cmds, 4, log, 3};
    assert_int_equal(store_room_write(x->st, &b, why), 0);
    /* read back */
    kept all = {k1, k2, ""};
    assert_int_equal(store_room_load(x->st, seat_line, cmd_line, &all, why), 0);
    char want[512];
    snprintf(want, sizeof want, "A01:%s 11 0 {\"a\":2}|", sess);
    assert_non_null(strstr(all.out, want));
    snprintf(want, sizeof want, "A02:%s 20 7 {\"b\":2}|", sess);
    assert_non_null(strstr(all.out, want));
    snprintf(want, sizeof want, "%.4s 6 pause {\"c\":6}|", k1);
    assert_non_null(strstr(all.out, want));
    snprintf(want, sizeof want, "%.4s 5 ", k1);
    assert_null(strstr(all.out, want)); /* acknowledged */
    assert_int_equal(store_room_log_each(x->st, NULL, k1, 1, entry_line, out, why), 0);
    assert_string_equal(out, "A01 n1 3000 0 pause {\"r\":1}|");
    out[0] = 0;
    assert_int_equal(store_room_log_each(x->st, sess, NULL, 0, entry_line, out, why), 0);
    assert_string_equal(out, "A01 n1 1000 999 arrived {}|A02 n2 2000 1999 arrived {}|"
                             "A01 n1 3000 0 pause {\"r\":1}|");
    /* bad rows are refused before the store sees them */
    store_room_seat bad = {"xyz", "A01", sess, 1, 1, 0, "{}"};
    store_room_batch nb = {&bad, 1, NULL, 0, NULL, 0};
    assert_int_equal(store_room_write(x->st, &nb, why), -1);
    assert_int_equal(store_room_log_each(x->st, NULL, NULL, 0, entry_line, out, why), -1);
}

static void test_an_entry_whose_detail_is_not_an_object_is_dropped(void **state)
{
    fx *x = *state;
    roomlog *rl = seats_roomlog(x->r);
    assert_int_equal(roomlog_add(rl, x->sid, bank_signer_pub(x->k), "A01", "", 0, "note",
                                 "[1,2]", NULL), -1);
    assert_int_equal(roomlog_add(rl, x->sid, bank_signer_pub(x->k), "A01", "", 0, "note",
                                 "{not json", NULL), -1);
    assert_int_equal(roomlog_add(rl, x->sid, bank_signer_pub(x->k), "A01", "", 0, "", "{}",
                                 NULL), -1);
    assert_int_equal(roomlog_add(rl, x->sid, bank_signer_pub(x->k), "A01", "", 0, "note", NULL,
                                 NULL), 0);
    char *k = kinds(x);
    assert_string_equal(k, "note");
    free(k);
}

static int group_setup(void **state)
{
    (void)state;
    keydir = fx_tmpdir();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    fx_rmdir(keydir);
    return 0;
}

int main(void)
{
    pg_url = getenv("KISI_TEST_STORE_URL");
    if (pg_url && !*pg_url) pg_url = NULL;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_each_change_of_a_seat_is_logged_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_commands_queued_and_acknowledged_are_logged, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_seat_label_names_the_kiosk_seen_last_there, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_an_action_for_the_whole_room_is_logged_once_per_seat,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_counts_who_came_and_what_the_proctor_did,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_restart_keeps_the_room_its_commands_and_refuses_a_replay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_keeps_seats_commands_and_the_log, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_an_entry_whose_detail_is_not_an_object_is_dropped,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
