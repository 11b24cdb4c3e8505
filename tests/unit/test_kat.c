/* test_kat.c -- known-answer vectors (tests/kat): the committed bank, session, forms, journal and signed result, byte for byte. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "corekey.h"
#include "draw.h"
#include "fixture.h"
#include "journal.h"
#include "klease.h"
#include "lease.h"
#include "proto.h"
#include "checkin.h"
#include "corefx.h"
#include "result.h"
#include "seats.h"
#include "signer.h"
#include "sitting.h"
#include "why.h"

#define KAT_MAX (1 << 22)   /* bytes of one vector file at most */
#define KAT_WALL 1767225600000LL /* 2026-01-01 00:00 UTC: the sitting's first event */
#define REGEN "tests/kat/regen.sh (see tests/kat/README) together with a version bump"

/* Where the vectors are, and whether this run writes them (--regen DIR). */
static const char *kat_dir = "tests/kat";
static bool regen;

static const char *kat_path(const char *name)
{
    return fx_path(kat_dir, name);
}

/* The committed file `name`, whole; NULL when missing. Caller frees. */
static char *kat_read(const char *name, size_t *len)
{
    char *data = NULL, why[WHY_SIZE] = "";
    if (bank_file_read(kat_path(name), KAT_MAX, &data, len, why)) return NULL;
    return data;
}

/* Regenerating: writes `name`. Checking: the committed `name` must hold
 * exactly these bytes. */
static void kat_bytes(const char *name, const char *bytes, size_t len)
{
    char why[WHY_SIZE] = "";
    if (regen) {
        if (bank_file_write_atomic(kat_path(name), bytes, len, 0644, why))
            fail_msg("write %s: %s", name, why);
        return;
    }
    size_t n = 0;
    char *want = kat_read(name, &n);
    if (!want) fail_msg("tests/kat/%s is missing", name);
    if (n != len || memcmp(want, bytes, len) != 0)
        fail_msg("tests/kat/%s: this build gives other bytes (%zu, committed %zu): a format or "
                 "the draw changed; if deliberately, regenerate with " REGEN,
                 name, len, n);
    free(want);
}

/* The format version of kat file `name`. */
static int file_version(const char *name)
{
    return fx_file_version(kat_path(name));
}

/* The committed bank, verified against its authority, with the session unlocked. */
typedef struct kat {
    bank *b;
    bank_session *s;
} kat;

static void kat_open(kat *k)
{
    char why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    if (file_version("bank.bank") != BANK_FORMAT_VERSION)
        fail_msg("tests/kat/bank.bank has format %d, this build writes %d: regenerate with " REGEN,
                 file_version("bank.bank"), BANK_FORMAT_VERSION);
    if (file_version("room.session") != BANK_SESSION_FORMAT_VERSION)
        fail_msg("tests/kat/room.session has format %d, this build writes %d: regenerate with "
                 REGEN, file_version("room.session"), BANK_SESSION_FORMAT_VERSION);
    k->b = bank_open(kat_path("bank.bank"), false, &e, why);
    if (!k->b) fail_msg("bank: %s", why);
    if (bank_verify(k->b, kat_path("authority.pub"), why)) fail_msg("bank seal: %s", why);
    k->s = bank_session_open(k->b, kat_path("room.session"), &e, why);
    if (!k->s) fail_msg("session: %s", why);
    size_t tlen = 0;
    char *token = kat_read("token", &tlen);
    assert_non_null(token);
    if (bank_session_unlock(k->s, token, tlen, why)) fail_msg("session unlock: %s", why);
    free(token);
}

static void kat_close(kat *k)
{
    bank_session_close(k->s);
    bank_close(k->b);
}

static void test_sealed_bank_and_session_open_with_the_committed_keys(void **state)
{
    (void)state;
    kat k;
    kat_open(&k);
    assert_int_equal(bank_session_size(k.s), 5);
    kat_close(&k);
}

static void test_stored_forms_are_the_committed_forms_and_the_draw_gives_them(void **state)
{
    (void)state;
    kat k;
    kat_open(&k);
    char why[WHY_SIZE] = "";
    if (bank_session_draw_version(k.s) != DRAW_VERSION)
        fail_msg("tests/kat/room.session was drawn by draw version %d, this build draws %d: "
                 "regenerate with " REGEN, bank_session_draw_version(k.s), DRAW_VERSION);
    /* the draw, deterministic given the committed secret, gives the stored forms */
    if (bank_session_audit(k.s, why))
        fail_msg("the draw changed without a new DRAW_VERSION: %s; bump it and regenerate "
                 "with " REGEN, why);
    size_t n = bank_session_size(k.s), len = 0;
    char *lines = NULL;
    FILE *mem = open_memstream(&lines, &len);
    assert_non_null(mem);
    for (size_t i = 0; i < n; i++) {
        bank_err e = BANK_OK;
        bank_form *f = bank_form_draw(k.s, bank_session_nip(k.s, i), &e, why);
        if (!f) fail_msg("form %zu: %s", i, why);
        char *json = bank_form_json(f);
        fprintf(mem, "%s\n", json);
        free(json);
        bank_form_free(f);
    }
    fclose(mem);
    kat_bytes("forms.jsonl", lines, len);
    free(lines);
    kat_close(&k);
}

/* One journal event as committed. */
typedef struct kevent {
    int kind;
    int64_t wall, used;
    char *payload;
} kevent;

/* The sitting of the first participant, as regen writes it: answers, a
 * change, a flag, an incident, a tick and the submit. */
static size_t script(kat *k, kevent *ev)
{
    bank_err e = BANK_OK;
    char why[WHY_SIZE] = "";
    bank_form *f = bank_form_draw(k->s, bank_session_nip(k->s, 0), &e, why);
    if (!f) fail_msg("form: %s", why);
    char *fj = bank_form_json(f);
    json_t *o = json_pack("{s:o, s:s, s:i}", "form", json_loads(fj, 0, NULL), "name",
                          bank_session_name(k->s, 0), "minutes", 15);
    static const struct {
        int kind;
        int64_t at;
        const char *payload;
    } steps[] = {
        {J_ANSWER, 4000, "{\"i\":0,\"v\":\"A\"}"}, {J_NAV, 5000, "{\"i\":1}"},
        {J_ANSWER, 9000, "{\"i\":1,\"v\":\"C\"}"}, {J_FLAG, 9500, "{\"i\":1,\"v\":1}"},
        {J_INCIDENT, 12000, "{\"what\":\"focus-lost\"}"}, {J_NAV, 13000, "{\"i\":0}"},
        {J_ANSWER, 15000, "{\"i\":0,\"v\":\"B\"}"}, {J_TICK, 30000, "{}"},
        {J_ANSWER, 41000, "{\"i\":2,\"v\":\"D\"}"}, {J_SUBMIT, 60000, "{\"why\":\"participant\"}"},
    };
    size_t n = 0;
    ev[n++] = (kevent){J_BEGIN, KAT_WALL, 0, json_dumps(o, JSON_COMPACT)};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        ev[n++] = (kevent){steps[i].kind, KAT_WALL + steps[i].at, steps[i].at,
                           strdup(steps[i].payload)};
    json_decref(o);
    free(fj);
    bank_form_free(f);
    return n;
}

/* The committed events (journal.jsonl), without their hashes. */
static size_t committed(kevent *ev, size_t cap)
{
    size_t len = 0, n = 0;
    char *text = kat_read("journal.jsonl", &len);
    if (!text) fail_msg("tests/kat/journal.jsonl is missing");
    for (char *line = strtok(text, "\n"); line && n < cap; line = strtok(NULL, "\n")) {
        json_t *o = json_loads(line, 0, NULL);
        const char *p = json_string_value(json_object_get(o, "payload"));
        if (!p) fail_msg("tests/kat/journal.jsonl line %zu is not an event", n + 1);
        ev[n++] = (kevent){(int)json_integer_value(json_object_get(o, "kind")),
                           json_integer_value(json_object_get(o, "wall_ms")),
                           json_integer_value(json_object_get(o, "used_ms")), strdup(p)};
        json_decref(o);
    }
    free(text);
    return n;
}

/* Collects the replayed events as journal.jsonl lines. */
static int dump_event(const jevent *e, void *arg)
{
    json_t *o = json_pack("{s:I, s:i, s:I, s:I, s:s, s:s}", "seq", (json_int_t)e->seq, "kind",
                          (int)e->kind, "wall_ms", (json_int_t)e->wall_ms, "used_ms",
                          (json_int_t)e->used_ms, "payload", e->payload, "hash", e->hash);
    char *line = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
    fprintf(arg, "%s\n", line);
    free(line);
    json_decref(o);
    return 0;
}

static void test_journal_chain_and_signed_result_are_the_committed_bytes(void **state)
{
    (void)state;
    kat k;
    kat_open(&k);
    char *tmp = fx_tmpdir(), why[WHY_SIZE] = "", attempt[128], head[65];
    snprintf(attempt, sizeof attempt, "%s/%s", bank_session_id(k.s), bank_session_nip(k.s, 0));
    kevent ev[32];
    size_t n = regen ? script(&k, ev) : committed(ev, 32);
    assert_true(n > 1 && ev[n - 1].kind == J_SUBMIT);
    journal *j = journal_open(fx_path(tmp, "journal.db"), why);
    if (!j) fail_msg("journal: %s", why);
    /* the chain's key comes from the committed session and token */
    unsigned char key[BANK_JOURNAL_KEY];
    assert_int_equal(bank_session_journal_key(k.s, attempt, key), BANK_OK);
    if (journal_set_key(j, attempt, key, why)) fail_msg("journal key: %s", why);
    for (size_t i = 0; i < n; i++)
        if (journal_append(j, attempt, (jkind)ev[i].kind, ev[i].wall, ev[i].used,
                           ev[i].payload, why))
            fail_msg("event %zu: %s", i + 1, why);
    /* the chain: every hash recomputed from the committed events */
    char *lines = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&lines, &len);
    assert_int_equal(journal_replay(j, attempt, dump_event, mem, why), 0);
    fclose(mem);
    kat_bytes("journal.jsonl", lines, len);
    free(lines);

    /* the result record the kiosk makes of this sitting */
    sitting st = {0};
    if (sitting_load(&st, j, attempt, why)) fail_msg("sitting: %s", why);
    bank_answer ans[64];
    size_t na = 0;
    for (size_t i = 0; i < st.n && na < 64; i++)
        if (st.answer[i][0])
            ans[na++] = (bank_answer){bank_form_item(st.form, i, NULL, NULL, NULL), st.answer[i]};
    bank_score sc;
    if (bank_form_score(k.b, st.form, ans, na, &sc, why)) fail_msg("score: %s", why);
    assert_int_equal(journal_head(j, attempt, head, why), 0);
    char pub[65] = "";
    size_t slen = 0;
    char *sig = NULL;
    bank_signer *signer = NULL;
    if (regen) {
        bank_err e = BANK_OK;
        signer = bank_signer_open(fx_path(tmp, "kiosk"), &e, why);
        if (!signer) fail_msg("kiosk key: %s", why);
        snprintf(pub, sizeof pub, "%s", bank_signer_pub(signer));
    } else {
        sig = kat_read("result.sig", &slen);
        if (!sig) fail_msg("tests/kat/result.sig is missing");
        json_t *so = json_loadb(sig, slen, 0, NULL);
        snprintf(pub, sizeof pub, "%s", json_string_value(json_object_get(so, "kiosk")) ? json_string_value(json_object_get(so, "kiosk")) : "");
        json_decref(so);
    }
    char *json = result_json(bank_id(k.b), bank_session_id(k.s), &st, &sc, head, pub,
                             ev[n - 1].wall);
    assert_non_null(json);
    kat_bytes("result.json", json, strlen(json));
    if (regen) {
        char name[128];
        if (result_store(fx_path(tmp, "outbox"), json, signer, bank_session_id(k.s),
                         bank_session_nip(k.s, 0), 1, name, why))
            fail_msg("result: %s", why);
        char sigpath[4200];
        snprintf(sigpath, sizeof sigpath, "outbox/%s.sig", name);
        assert_int_equal(bank_file_read(fx_path(tmp, sigpath), KAT_MAX, &sig, &slen, why), 0);
        kat_bytes("result.sig", sig, slen);
    }
    /* the committed signature verifies over the committed record */
    json_t *so = json_loadb(sig, slen, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(so, "version")), PROTO_SIG_VERSION);
    assert_int_equal(bank_sig_verify(pub, json, strlen(json),
                                     json_string_value(json_object_get(so, "sig"))),
                     BANK_OK);
    json_t *ro = json_loads(json, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(ro, "version")), PROTO_RESULT_VERSION);
    json_decref(ro);
    json_decref(so);
    free(sig);
    free(json);
    bank_signer_free(signer);
    sitting_clear(&st);
    journal_close(j);
    for (size_t i = 0; i < n; i++) free(ev[i].payload);
    fx_rmdir(tmp);
    kat_close(&k);
}

/* The core's receipt for a fixed record, kiosk and time, signed with the
 * key derived from the committed core.key: the derivation, the signed text
 * (PROTO_RECEIPT_TEXT) and the JSON the kiosk reads. */
#define KAT_RECEIPT_RESULT "3b0c6c1b8d4d0c9f0b9e5f4c1a6d2e7f8a9b0c1d2e3f405162738495a6b7c8d9"
#define KAT_RECEIPT_KIOSK "d4e7a135e0e6a177ace1e42b59d84d259bd8be71f6e0092d77b521ba9ce1b5c0"

static void test_the_core_key_and_its_receipt_are_the_committed_bytes(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "", pub[65] = "", line[80];
    core_signer *s = core_signer_load(kat_path("core.key"), why);
    if (!s) fail_msg("tests/kat/core.key: %s", why);
    snprintf(line, sizeof line, "%s\n", core_signer_pub(s));
    kat_bytes("core.pub", line, strlen(line));
    core_receipt r;
    assert_int_equal(core_receipt_sign(s, KAT_RECEIPT_RESULT, KAT_RECEIPT_KIOSK, "stored",
                                       KAT_WALL, &r, why), 0);
    assert_int_equal(r.version, PROTO_RECEIPT_VERSION);
    char *json = core_receipt_json(&r), *answer = NULL;
    assert_non_null(json);
    size_t n = strlen(json) + 16;
    answer = malloc(n);
    snprintf(answer, n, "{\"receipt\":%s}\n", json);
    kat_bytes("receipt.json", answer, strlen(answer));
    /* what the kiosk makes of the committed receipt with the committed key */
    corekey_receipt k;
    size_t len = 0;
    char *committed = kat_read("receipt.json", &len);
    assert_non_null(committed);
    assert_int_equal(corekey_read(kat_path("core.pub"), pub, why), 1);
    assert_int_equal(corekey_receipt_parse(committed, len, &k, why), 0);
    if (corekey_receipt_check(&k, pub, KAT_RECEIPT_RESULT, KAT_RECEIPT_KIOSK, why) != 0)
        fail_msg("tests/kat/receipt.json: %s", why);
    free(committed);
    free(answer);
    free(json);
    core_signer_free(s);
}

/* The core's answer to a lease request, for a fixed kiosk, request and
 * holder, signed with the key derived from the committed core.key: the
 * signed text (PROTO_LEASE_TEXT) and the JSON the kiosk reads. */
static void test_the_lease_answer_is_the_committed_bytes(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "", text[1024];
    core_signer *s = core_signer_load(kat_path("core.key"), why);
    if (!s) fail_msg("tests/kat/core.key: %s", why);
    lease_grant g = {.version = PROTO_LEASE_VERSION, .seq = KAT_WALL, .attempt = 1,
                     .authorise = true, .replica = 7};
    snprintf(g.kiosk, sizeof g.kiosk, "%s", KAT_RECEIPT_KIOSK);
    snprintf(g.session, sizeof g.session, "%s", "0123456789abcdef0123456789abcdef");
    snprintf(g.nip, sizeof g.nip, "%s", "199001012020121001");
    snprintf(g.status, sizeof g.status, "%s", "refused");
    snprintf(g.holder, sizeof g.holder, "%s", "A03");
    assert_int_equal(lease_grant_sign(s, &g, why), 0);
    char *json = lease_grant_json(&g);
    assert_non_null(json);
    size_t n = strlen(json);
    json = realloc(json, n + 2);
    memcpy(json + n, "\n", 2);
    kat_bytes("lease.json", json, n + 1);
    /* the committed answer verifies with the committed key over the text of its fields */
    int len = snprintf(text, sizeof text, PROTO_LEASE_TEXT, PROTO_LEASE_VERSION, KAT_RECEIPT_KIOSK,
                       (long long)KAT_WALL, g.session, g.nip, 1, "refused", "A03", 1, 7LL);
    size_t clen = 0;
    char *committed = kat_read("lease.json", &clen);
    assert_non_null(committed);
    json_t *o = json_loadb(committed, clen, 0, NULL);
    const char *sig = json_string_value(json_object_get(o, "sig"));
    if (!sig || !corekey_verify(core_signer_pub(s), text, (size_t)len, sig))
        fail_msg("tests/kat/lease.json: not the core key's signature of the lease text");
    json_decref(o);
    /* what the kiosk makes of it: a refusal naming seat A03, for exactly its request */
    klease_answer ans;
    char pub[65] = "";
    assert_int_equal(corekey_read(kat_path("core.pub"), pub, why), 1);
    if (klease_check(committed, clen, pub, KAT_RECEIPT_KIOSK, KAT_WALL, g.session, g.nip, 1, &ans,
                     why) != 0)
        fail_msg("tests/kat/lease.json: %s", why);
    assert_int_equal(ans.out, KLEASE_REFUSED);
    assert_string_equal(ans.holder, "A03");
    assert_true(ans.authorise);
    assert_int_equal(ans.replica, 7);
    assert_int_equal(klease_check(committed, clen, pub, KAT_RECEIPT_KIOSK, KAT_WALL + 1, g.session,
                                  g.nip, 1, &ans, why), -1);
    /* signed by the core, yet a negative count or a refusal naming no seat is not taken */
    lease_grant odd[2] = {g, g};
    odd[0].replica = -1;
    odd[1].holder[0] = 0;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(lease_grant_sign(s, &odd[i], why), 0);
        char *oj = lease_grant_json(&odd[i]);
        assert_non_null(oj);
        assert_int_equal(klease_check(oj, strlen(oj), pub, KAT_RECEIPT_KIOSK, KAT_WALL, g.session,
                                      g.nip, 1, &ans, why), -1);
        assert_non_null(strstr(why, "no holding seat"));
        free(oj);
    }
    free(committed);
    free(json);
    core_signer_free(s);
}

/* Commands of the core to the kiosk of KAT_RECEIPT_KIOSK, signed with the
 * committed core key (PROTO_COMMAND_TEXT of PROTO_COMMAND_VERSION): one a
 * line of command.jsonl, as they ride on the answer to a state. */
static const seats_cmd kat_commands[] = {
    {.kind = "message", .text = "Lima menit lagi"},
    {.kind = "extend", .minutes = 15, .text = "listrik padam 15 menit"},
    {.kind = "move-out", .seat = "B07", .text = "PC rusak"},
};
static const char *const kat_command_nips[] = {"", "199001012020121001", "199001012020121001"};

static void test_the_core_signs_the_committed_commands(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "", pub[65] = "";
    core_signer *s = core_signer_load(kat_path("core.key"), why);
    if (!s) fail_msg("tests/kat/core.key: %s", why);
    char all[4096] = "";
    size_t n = sizeof kat_commands / sizeof *kat_commands, at = 0;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(seats_cmd_check(&kat_commands[i], why), 0);
        char *c = seats_cmd_sign(s, KAT_RECEIPT_KIOSK, KAT_WALL + (long long)i,
                                 &kat_commands[i], kat_command_nips[i], KAT_WALL, why);
        if (!c) fail_msg("seats_cmd_sign: %s", why);
        at += (size_t)snprintf(all + at, sizeof all - at, "%s\n", c);
        free(c);
    }
    kat_bytes("command.jsonl", all, at);
    /* what the kiosk makes of the committed commands with the committed key:
     * each signature holds over the text rebuilt from its fields */
    assert_int_equal(corekey_read(kat_path("core.pub"), pub, why), 1);
    size_t len = 0;
    char *committed = kat_read("command.jsonl", &len), *line = committed, *end = NULL;
    assert_non_null(committed);
    for (size_t i = 0; i < n; i++, line = end + 1) {
        end = strchr(line, '\n');
        assert_non_null(end);
        json_t *o = json_loadb(line, (size_t)(end - line), JSON_REJECT_DUPLICATES, NULL);
        if (!corefx_cmd_signed(o, pub))
            fail_msg("tests/kat/command.jsonl line %zu: not a version %d command signed by "
                     "core.pub", i + 1, PROTO_COMMAND_VERSION);
        json_decref(o);
    }
    /* and the kiosk's own check takes the message */
    checkin_cmd c;
    end = strchr(committed, '\n');
    if (checkin_cmd_check(committed, (size_t)(end - committed), pub, KAT_RECEIPT_KIOSK, 0, &c,
                          why) != 0)
        fail_msg("tests/kat/command.jsonl line 1: %s", why);
    assert_string_equal(c.text, "Lima menit lagi");
    free(committed);
    core_signer_free(s);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--regen") == 0) {
        regen = true;
        kat_dir = argv[2];
    } else if (getenv("KISI_KAT_DIR")) {
        kat_dir = getenv("KISI_KAT_DIR");
    }
    if (access(fx_path(kat_dir, "room.session"), R_OK) != 0) {
        fprintf(stderr, "test_kat: %s/room.session is missing: run from the source tree or set"
                        " KISI_KAT_DIR\n", kat_dir);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sealed_bank_and_session_open_with_the_committed_keys),
        cmocka_unit_test(test_stored_forms_are_the_committed_forms_and_the_draw_gives_them),
        cmocka_unit_test(test_journal_chain_and_signed_result_are_the_committed_bytes),
        cmocka_unit_test(test_the_core_key_and_its_receipt_are_the_committed_bytes),
        cmocka_unit_test(test_the_lease_answer_is_the_committed_bytes),
        cmocka_unit_test(test_the_core_signs_the_committed_commands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
