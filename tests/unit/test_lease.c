/* test_lease.c -- one seat per attempt: leases taken, refused naming the holder, released, moved; the core's signed answer. */
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

#include "bank.h"
#include "core_fx.h"
#include "fixture.h"
#include "klease.h"
#include "lease.h"
#include "proto.h"
#include "why.h"

#define SID "0123456789abcdef0123456789abcdef"
#define NIP "199001012020121001"

typedef struct fx {
    char *dir;
    char url[4200];
    store *st;
    core_ctx *c;
    bank_signer *a, *b, *other; /* kiosks at A01 and B07 (approved); one never enrolled */
} fx;

static int setup(void **state)
{
    fx *x = calloc(1, sizeof *x);
    char why[WHY_SIZE] = "";
    x->dir = fx_tmpdir();
    snprintf(x->url, sizeof x->url, "sqlite:%s", fx_path(x->dir, "core.db"));
    x->st = store_open(x->url, why);
    if (!x->st) fail_msg("store_open: %s", why);
    x->c = core_ctx_new(x->st, fx_path(x->dir, "core.key"), why);
    if (!x->c) fail_msg("core_ctx_new: %s", why);
    x->a = cfx_key(x->dir, "a");
    x->b = cfx_key(x->dir, "b");
    x->other = cfx_key(x->dir, "other");
    cfx_approve(x->c, x->st, bank_signer_pub(x->a), "A01");
    cfx_approve(x->c, x->st, bank_signer_pub(x->b), "B07");
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx *x = *state;
    core_ctx_free(x->c);
    store_close(x->st);
    bank_signer_free(x->a);
    bank_signer_free(x->b);
    bank_signer_free(x->other);
    fx_rmdir(x->dir);
    free(x);
    return 0;
}

/* lease_take of attempt 1 of NIP for kiosk k at seat; 1 granted, 0 refused. */
static int take(fx *x, const bank_signer *k, const char *seat, int64_t now, store_lease *h)
{
    char why[WHY_SIZE] = "";
    int rc = lease_take(x->st, SID, NIP, 1, bank_signer_pub(k), seat, now, h, why);
    if (rc < 0) fail_msg("lease_take: %s", why);
    return rc;
}

static void test_lease_second_seat_is_refused_naming_the_holder(void **state)
{
    fx *x = *state;
    store_lease h;
    assert_int_equal(take(x, x->a, "A01", 1000, &h), 1);
    assert_string_equal(h.kiosk, bank_signer_pub(x->a));
    assert_string_equal(h.seat, "A01");
    assert_int_equal(take(x, x->b, "B07", 2000, &h), 0);
    assert_string_equal(h.seat, "A01");
    assert_string_equal(h.kiosk, bank_signer_pub(x->a));
    assert_int_equal(h.since_ms, 1000);
    /* another attempt, or another participant, is free */
    char why[WHY_SIZE] = "";
    assert_int_equal(lease_take(x->st, SID, NIP, 2, bank_signer_pub(x->b), "B07", 3000, &h, why), 1);
    assert_int_equal(lease_take(x->st, SID, "199001012020121002", 1, bank_signer_pub(x->b), "B07",
                                3000, &h, why), 1);
}

static void test_lease_same_kiosk_again_keeps_it(void **state)
{
    fx *x = *state;
    store_lease h;
    assert_int_equal(take(x, x->a, "A01", 1000, &h), 1);
    /* the kiosk restarted (a crash, a power cut) and asks again */
    assert_int_equal(take(x, x->a, "A01", 9000, &h), 1);
    assert_int_equal(h.since_ms, 1000);
    char why[WHY_SIZE] = "";
    assert_int_equal(lease_holder(x->st, SID, NIP, 1, &h, why), 1);
    assert_string_equal(h.seat, "A01");
    assert_int_equal(lease_holder(x->st, SID, NIP, 2, &h, why), 0);
}

static void test_lease_release_lets_another_seat_take_it(void **state)
{
    fx *x = *state;
    store_lease h;
    char why[WHY_SIZE] = "";
    int n = -1;
    assert_int_equal(take(x, x->a, "A01", 1000, &h), 1);
    assert_int_equal(lease_take(x->st, SID, NIP, 2, bank_signer_pub(x->a), "A01", 1000, &h, why), 1);
    assert_int_equal(lease_release(x->st, SID, NIP, 1, &n, why), 0);
    assert_int_equal(n, 1);
    assert_int_equal(take(x, x->b, "B07", 2000, &h), 1);
    assert_string_equal(h.seat, "B07");
    /* every attempt at once */
    assert_int_equal(lease_release(x->st, SID, NIP, -1, &n, why), 0);
    assert_int_equal(n, 2);
    assert_int_equal(lease_holder(x->st, SID, NIP, 2, &h, why), 0);
    assert_int_equal(lease_release(x->st, SID, NIP, 0, &n, why), -1);
}

static void test_lease_move_to_a_seat_or_a_kiosk(void **state)
{
    fx *x = *state;
    store_lease h;
    char why[WHY_SIZE] = "";
    int n = -1;
    assert_int_equal(take(x, x->a, "A01", 1000, &h), 1);
    /* to seat B07, whichever kiosk sits there: it takes it, A01 no longer can */
    assert_int_equal(lease_move(x->st, SID, NIP, "", "B07", 2000, &n, why), 0);
    assert_int_equal(n, 1);
    assert_int_equal(take(x, x->b, "B07", 3000, &h), 1);
    assert_int_equal(h.since_ms, 3000);
    assert_int_equal(take(x, x->a, "A01", 4000, &h), 0);
    assert_string_equal(h.seat, "B07");
    /* to a kiosk by its key: only that kiosk */
    assert_int_equal(lease_move(x->st, SID, NIP, bank_signer_pub(x->a), "A02", 5000, &n, why), 0);
    assert_int_equal(take(x, x->b, "A02", 6000, &h), 0);
    assert_int_equal(take(x, x->a, "A02", 6000, &h), 1);
    /* a participant with no lease: nothing moved */
    assert_int_equal(lease_move(x->st, SID, "1990", "", "B07", 7000, &n, why), 0);
    assert_int_equal(n, 0);
    assert_int_equal(lease_move(x->st, SID, NIP, "", "", 7000, &n, why), -1);
}

static void test_lease_survives_a_restart_of_the_core(void **state)
{
    fx *x = *state;
    store_lease h;
    char why[WHY_SIZE] = "";
    assert_int_equal(take(x, x->a, "A01", 1000, &h), 1);
    assert_int_equal(lease_authorise_set(x->st, SID, true, why), 0);
    core_ctx_free(x->c);
    store_close(x->st);
    x->st = store_open(x->url, why);
    if (!x->st) fail_msg("store_open: %s", why);
    x->c = core_ctx_new(x->st, fx_path(x->dir, "core.key"), why);
    if (!x->c) fail_msg("core_ctx_new: %s", why);
    assert_int_equal(take(x, x->b, "B07", 2000, &h), 0);
    assert_string_equal(h.seat, "A01");
    bool on = false;
    assert_int_equal(lease_authorise_get(x->st, SID, &on, why), 0);
    assert_true(on);
}

/* A lease request body of kiosk seat for attempt 1 of nip. Caller frees. */
static char *request_text(int version, long long seq, const char *nip, const char *seat)
{
    json_t *o = json_pack("{s:i, s:I, s:s, s:s, s:i, s:s}", "version", version, "seq",
                          (json_int_t)seq, "session", SID, "nip", nip, "attempt", 1, "seat", seat);
    char *t = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    assert_non_null(t);
    return t;
}

/* lease_request of text signed by `by`, sent as from `as`; the status. */
static int ask(fx *x, const char *text, const bank_signer *by, const bank_signer *as,
               lease_answer *a)
{
    char sig[129];
    assert_int_equal(bank_signer_sign(by, text, strlen(text), sig), BANK_OK);
    lease_request(x->st, core_ctx_signer(x->c), text, strlen(text), bank_signer_pub(as), sig,
                  5000, NULL, NULL, a);
    return a->status;
}

/* True when answer (JSON) is signed by the core's key over PROTO_LEASE_TEXT
 * of its own fields; fills status and holder. */
static bool answer_verifies(fx *x, const char *answer, char *status, char *holder, bool *auth)
{
    json_t *o = json_loads(answer, 0, NULL);
    char text[1024];
    snprintf(status, 16, "%s", json_string_value(json_object_get(o, "status")));
    snprintf(holder, 33, "%s", json_string_value(json_object_get(o, "holder")));
    *auth = json_is_true(json_object_get(o, "authorise"));
    int n = snprintf(text, sizeof text, PROTO_LEASE_TEXT,
                     (int)json_integer_value(json_object_get(o, "version")),
                     json_string_value(json_object_get(o, "kiosk")),
                     (long long)json_integer_value(json_object_get(o, "seq")),
                     json_string_value(json_object_get(o, "session")),
                     json_string_value(json_object_get(o, "nip")),
                     (int)json_integer_value(json_object_get(o, "attempt")), status, holder,
                     *auth ? 1 : 0, (long long)json_integer_value(json_object_get(o, "replica")));
    bool ok = bank_sig_verify(core_signer_pub(core_ctx_signer(x->c)), text, (size_t)n,
                              json_string_value(json_object_get(o, "sig"))) == BANK_OK;
    json_decref(o);
    return ok;
}

static void test_lease_answer_is_signed_by_the_core(void **state)
{
    fx *x = *state;
    lease_answer a;
    char status[16], holder[33], why[WHY_SIZE] = "";
    bool auth = true;
    char *t = request_text(PROTO_LEASE_VERSION, 11, NIP, "A01");
    assert_int_equal(ask(x, t, x->a, x->a, &a), 200);
    assert_true(a.granted);
    assert_true(answer_verifies(x, a.json, status, holder, &auth));
    assert_string_equal(status, "granted");
    assert_string_equal(holder, "A01");
    assert_false(auth);
    assert_non_null(strstr(a.json, "\"seq\":11"));
    free(a.json);
    /* the session's authorise-start option rides on the answer */
    assert_int_equal(lease_authorise_set(x->st, SID, true, why), 0);
    char *tb = request_text(PROTO_LEASE_VERSION, 12, NIP, "B07");
    assert_int_equal(ask(x, tb, x->b, x->b, &a), 200);
    assert_false(a.granted);
    assert_true(answer_verifies(x, a.json, status, holder, &auth));
    assert_string_equal(status, "refused");
    assert_string_equal(holder, "A01");
    assert_true(auth);
    /* a changed answer no longer verifies */
    char *p = strstr(a.json, "\"refused\"");
    assert_non_null(p);
    memcpy(p + 1, "granted", 7);
    assert_false(answer_verifies(x, a.json, status, holder, &auth));
    free(a.json);
    free(t);
    free(tb);
}

static void test_lease_request_forged_or_malformed_is_refused(void **state)
{
    fx *x = *state;
    lease_answer a;
    char *t = request_text(PROTO_LEASE_VERSION, 1, NIP, "A01");
    assert_int_equal(ask(x, t, x->other, x->a, &a), 401);
    assert_string_equal(a.code, "bad-signature");
    assert_int_equal(ask(x, t, x->other, x->other, &a), 403);
    assert_string_equal(a.code, "unknown-kiosk");
    char why[WHY_SIZE] = "";
    assert_int_equal(store_kiosk_set(x->st, bank_signer_pub(x->b), "revoked", why), 0);
    assert_int_equal(ask(x, t, x->b, x->b, &a), 403);
    assert_string_equal(a.code, "kiosk-not-approved");
    char *v2 = request_text(PROTO_LEASE_VERSION + 1, 1, NIP, "A01");
    assert_int_equal(ask(x, v2, x->a, x->a, &a), 400);
    assert_string_equal(a.code, "unsupported-version");
    char *bad = request_text(PROTO_LEASE_VERSION, 1, "line\nbreak", "A01");
    assert_int_equal(ask(x, bad, x->a, x->a, &a), 400);
    assert_string_equal(a.code, "malformed");
    /* none of them took the lease */
    store_lease h;
    assert_int_equal(lease_holder(x->st, SID, NIP, 1, &h, why), 0);
    free(t);
    free(v2);
    free(bad);
}

/* ---- the kiosk asking a real core over HTTP ---- */

/* Kiosk k at seat asks url for attempt 1 of NIP, the answer checked against
 * the key in key_file; the outcome once the kiosk's thread is done. */
static klease_outcome kiosk_asks(fx *x, const char *url, const char *key_file,
                                 const bank_signer *k, const char *seat, klease_answer *ans)
{
    char why[WHY_SIZE] = "";
    /* a slow machine waits long for the answer: never a timing assert */
    klease *l = klease_start(url, x->dir, key_file, k, SID, NIP, 1, seat, 120000, why);
    if (!l) fail_msg("klease_start: %s", why);
    struct timespec pause = {0, 10 * 1000 * 1000};
    klease_outcome out;
    while ((out = klease_poll(l, ans)) == KLEASE_WAITING) nanosleep(&pause, NULL);
    klease_free(l);
    return out;
}

/* Writes pub as a pinned core key file `name` in the fixture's folder; its path. */
static const char *pin_key(fx *x, const char *name, const char *pub)
{
    static char path[4200];
    char line[80], why[WHY_SIZE] = "";
    snprintf(path, sizeof path, "%s", fx_path(x->dir, name));
    snprintf(line, sizeof line, "%s\n", pub);
    if (bank_file_write_atomic(path, line, strlen(line), 0644, why)) fail_msg("%s", why);
    return path;
}

static void test_lease_kiosk_second_seat_refused_over_http_and_offline_without_the_core(
    void **state)
{
    fx *x = *state;
    char url[256], pinned[4200], stranger[4200];
    http_server *h = cfx_serve(x->c);
    snprintf(url, sizeof url, "%s", http_url(h));
    snprintf(pinned, sizeof pinned, "%s",
             pin_key(x, "core.pub", core_signer_pub(core_ctx_signer(x->c))));
    /* a core key of another core: its answers are not trusted */
    snprintf(stranger, sizeof stranger, "%s", pin_key(x, "stranger.pub", bank_signer_pub(x->other)));
    klease_answer ans;
    assert_int_equal(kiosk_asks(x, url, pinned, x->a, "A01", &ans), KLEASE_HELD);
    assert_string_equal(ans.holder, "A01");
    assert_int_equal(kiosk_asks(x, url, pinned, x->b, "B07", &ans), KLEASE_REFUSED);
    assert_string_equal(ans.holder, "A01");
    assert_int_equal(kiosk_asks(x, url, stranger, x->b, "B07", &ans), KLEASE_OFFLINE);
    assert_non_null(strstr(ans.why, "not signed by the pinned core key"));
    /* a kiosk the core never enrolled is answered 403: it starts without the lease */
    assert_int_equal(kiosk_asks(x, url, pinned, x->other, "C01", &ans), KLEASE_OFFLINE);
    assert_non_null(strstr(ans.why, "403"));
    http_stop(h);
    /* the core is gone: the kiosk gives up within its wait and starts */
    assert_int_equal(kiosk_asks(x, url, pinned, x->a, "A01", &ans), KLEASE_OFFLINE);
    assert_non_null(strstr(ans.why, "unreachable"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lease_second_seat_is_refused_naming_the_holder, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_lease_same_kiosk_again_keeps_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lease_release_lets_another_seat_take_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_lease_move_to_a_seat_or_a_kiosk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lease_survives_a_restart_of_the_core, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_lease_answer_is_signed_by_the_core, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lease_request_forged_or_malformed_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_lease_kiosk_second_seat_refused_over_http_and_offline_without_the_core, setup,
            teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
