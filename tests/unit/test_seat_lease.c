/* test_seat_lease.c -- the lease in the kiosk's identify flow: held, refused naming the seat, started without the core. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app_internal.h"
#include "core_fx.h"
#include "lease.h"
#include "room.h"

/* A core over HTTP beside the room of room.h. */
typedef struct core_fx {
    store *st;
    core_ctx *c;
    http_server *h;
    char url[128];
} core_fx;

static void core_up(core_fx *k, const char *dir)
{
    char why[WHY_SIZE] = "", url[4200];
    snprintf(url, sizeof url, "sqlite:%s", fx_path(dir, "core.db"));
    k->st = store_open(url, why);
    if (!k->st) fail_msg("store_open: %s", why);
    k->c = core_ctx_new(k->st, fx_path(dir, "core.key"), why);
    if (!k->c) fail_msg("core_ctx_new: %s", why);
    k->h = cfx_serve(k->c);
    snprintf(k->url, sizeof k->url, "%s", http_url(k->h));
}

static void core_down(core_fx *k)
{
    http_stop(k->h);
    core_ctx_free(k->c);
    store_close(k->st);
}

/* A kiosk app on the room's bank and session with its own state folder
 * `name` (its path into state, which must outlive the app), at seat,
 * talking to url; its key enrolled and approved at the core k (when given)
 * and the core's key pinned. */
static app *kiosk_at(room *r, core_fx *k, const char *url, const char *name, const char *seat,
                     char state[4200])
{
    char why[WHY_SIZE] = "", path[4400];
    snprintf(state, 4200, "%s", fx_path(r->dir, name));
    app_config cfg = r->cfg;
    cfg.state_dir = state;
    cfg.core_url = url;
    cfg.seat = seat;
    cfg.lease_wait_ms = 120000;  /* a slow machine waits, never starts offline */
    if (k) {
        /* the kiosk key as the kiosk will open it, made now; the core's key pinned */
        snprintf(path, sizeof path, "mkdir -p '%s'", state);
        assert_int_equal(system(path), 0);
        bank_signer *s = cfx_key(state, "kiosk");
        cfx_approve(k->c, k->st, bank_signer_pub(s), seat);
        bank_signer_free(s);
        char line[80];
        snprintf(line, sizeof line, "%s\n", core_signer_pub(core_ctx_signer(k->c)));
        snprintf(path, sizeof path, "%s/core.pub", state);
        if (bank_file_write_atomic(path, line, strlen(line), 0644, why)) fail_msg("%s", why);
    }
    app *a = app_new(&cfg);
    assert_non_null(a);
    assert_int_equal(app_view_get(a)->scr, SCR_IDENTIFY);
    return a;
}

/* Participant i through PIN and token; the view once the lease is settled. */
static const app_view *sign_in(app *a, room *r, size_t i)
{
    const app_view *v = identify(a, i, "1234567890");
    if (v->scr == SCR_WAIT) {
        act(a, ACT_TEXT, 0, r->token);
        v = lease_settled(a, act(a, ACT_ENTER, 0, NULL));
    }
    return v;
}

/* Counts the journal's J_LEASE events of the running attempt with payload `want`. */
typedef struct leases {
    const char *want;
    int n;
} leases;

static int count_lease(const jevent *e, void *arg)
{
    leases *l = arg;
    l->n += e->kind == J_LEASE && strcmp(e->payload, l->want) == 0;
    return 0;
}

static int lease_events(app *a, const char *want)
{
    char why[WHY_SIZE] = "";
    leases l = {want, 0};
    if (journal_replay(a->j, a->attempt, count_lease, &l, why)) fail_msg("replay: %s", why);
    return l.n;
}

static bool has_incident(app *a, const char *what)
{
    for (size_t i = 0; i < a->st.nincidents; i++)
        if (strcmp(a->st.incidents[i].what, what) == 0) return true;
    return false;
}

static void test_seat_lease_second_seat_is_refused_naming_the_first(void **state)
{
    room *r = *state;
    core_fx k = {0};
    core_up(&k, r->dir);
    char s1[4200], s2[4200];
    app *a1 = kiosk_at(r, &k, k.url, "k1", "A03", s1);
    const app_view *v = sign_in(a1, r, 0);
    assert_int_equal(v->scr, SCR_INSTRUCTIONS);
    assert_string_equal(a1->lease_state, "held");
    assert_false(a1->authorise);
    v = act(a1, ACT_START, 0, NULL);
    assert_int_equal(v->scr, SCR_EXAM);
    assert_int_equal(lease_events(a1, "{\"state\":\"held\"}"), 1);
    assert_false(has_incident(a1, "started-offline"));
    /* the same NIP on a second seat: refused, named, the seat back to identification */
    char why[WHY_SIZE] = "";
    assert_int_equal(lease_authorise_set(k.st, bank_session_id(a1->s), true, why), 0);
    app *a2 = kiosk_at(r, &k, k.url, "k2", "B07", s2);
    v = sign_in(a2, r, 0);
    assert_int_equal(v->scr, SCR_IDENTIFY);
    assert_string_equal(v->msg, "lease.refused");
    assert_string_equal(v->holder, "A03");
    assert_string_equal(v->holder_nip, fx_nip(0));
    assert_string_equal(v->nip, "");
    assert_int_equal(v->field, 0);
    /* another participant takes the second seat, and is told to wait for the proctor */
    v = sign_in(a2, r, 1);
    assert_int_equal(v->scr, SCR_AUTHORISE);
    assert_true(a2->authorise);
    app_free(a2);
    app_free(a1);
    core_down(&k);
}

static void test_seat_lease_without_the_core_starts_and_says_so(void **state)
{
    room *r = *state;
    /* nothing listens there: the kiosk waits its few seconds at most, then starts */
    char s3[4200];
    app *a = kiosk_at(r, NULL, "http://127.0.0.1:9", "k3", "C01", s3);
    const app_view *v = sign_in(a, r, 2);
    assert_int_equal(v->scr, SCR_INSTRUCTIONS);
    assert_string_equal(a->lease_state, "offline");
    v = act(a, ACT_START, 0, NULL);
    assert_int_equal(v->scr, SCR_EXAM);
    assert_int_equal(lease_events(a, "{\"state\":\"offline\"}"), 1);
    assert_true(has_incident(a, "started-offline"));
    app_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_seat_lease_second_seat_is_refused_naming_the_first,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_seat_lease_without_the_core_starts_and_says_so, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
