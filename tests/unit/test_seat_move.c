/* test_seat_move.c -- a participant moved to another seat goes on there from the core's replica of the journal. */
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

#include "app_internal.h"
#include "clk.h"
#include "core_fx.h"
#include "lease.h"
#include "room.h"

#define WAIT_MS 30000  /* a generous bound on what must happen: never a timing assert */

/* The core of the room's bank and session, over HTTP. */
typedef struct core_fx {
    store *st;
    core_ctx *c;
    http_server *h;
    char url[128];
} core_fx;

static void core_up(core_fx *k, room *r)
{
    char why[WHY_SIZE] = "", url[4200], bank_path[4200], pub[4200];
    snprintf(url, sizeof url, "sqlite:%s", fx_path(r->dir, "core.db"));
    k->st = store_open(url, why);
    if (!k->st) fail_msg("store_open: %s", why);
    k->c = core_ctx_new(k->st, fx_path(r->dir, "core.key"), why);
    if (!k->c) fail_msg("core_ctx_new: %s", why);
    FILE *f = fopen(fx_path(r->dir, "pass"), "w");
    assert_non_null(f);
    fputs(FX_PASS, f);
    assert_int_equal(fclose(f), 0);
    snprintf(bank_path, sizeof bank_path, "%s", r->cfg.bank_path);
    snprintf(pub, sizeof pub, "%s", r->cfg.authority_pub);
    if (core_bank_add(k->c, bank_path, fx_path(r->dir, "pass"), pub, why) ||
        core_session_add(k->c, r->cfg.session_path, why))
        fail_msg("core: %s", why);
    k->h = cfx_serve(k->c);
    snprintf(k->url, sizeof k->url, "%s", http_url(k->h));
}

static void core_down(core_fx *k)
{
    http_stop(k->h);
    core_ctx_free(k->c);
    store_close(k->st);
}

/* A kiosk on the room's bank and session in state folder `name` (its path
 * into state, which outlives the app) at seat, its key approved at k and
 * the core's key pinned. */
static app *kiosk_at(room *r, core_fx *k, const char *name, const char *seat, char state[4200])
{
    char why[WHY_SIZE] = "", path[4400], line[80];
    snprintf(state, 4200, "%s", fx_path(r->dir, name));
    app_config cfg = r->cfg;
    cfg.state_dir = state;
    cfg.core_url = k->url;
    cfg.seat = seat;
    cfg.lease_wait_ms = 120000;  /* a slow machine waits, never starts offline */
    snprintf(path, sizeof path, "mkdir -p '%s'", state);
    assert_int_equal(system(path), 0);
    bank_signer *s = cfx_key(state, "kiosk");
    cfx_approve(k->c, k->st, bank_signer_pub(s), seat);
    bank_signer_free(s);
    snprintf(line, sizeof line, "%s\n", core_signer_pub(core_ctx_signer(k->c)));
    snprintf(path, sizeof path, "%s/core.pub", state);
    if (bank_file_write_atomic(path, line, strlen(line), 0644, why)) fail_msg("%s", why);
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

/* Waits (bounded) until the core confirmed every event of a's attempt. */
static bool replicated(app *a)
{
    char why[WHY_SIZE] = "";
    struct timespec pause = {0, 20 * 1000 * 1000};
    int64_t t0 = clk_mono_ms();
    while (clk_mono_ms() - t0 < WAIT_MS) {
        if (replica_confirmed(a->rep, a->attempt) == journal_held(a->j, a->attempt, why))
            return true;
        replica_kick(a->rep);
        nanosleep(&pause, NULL);
    }
    return false;
}

/* The payload of the J_ARRIVED of a's attempt ("" none) into out. */
static int find_arrived(const jevent *e, void *arg)
{
    if (e->kind == J_ARRIVED) snprintf(arg, 200, "%s", e->payload);
    return 0;
}

static void test_a_participant_moved_from_a_dead_seat_goes_on_at_the_same_question(void **state)
{
    room *r = *state;
    core_fx k = {0};
    core_up(&k, r);
    char s1[4200], s2[4200], why[WHY_SIZE] = "";
    app *a1 = kiosk_at(r, &k, "k1", "A01", s1);
    const app_view *v = sign_in(a1, r, 0);
    assert_int_equal(v->scr, SCR_INSTRUCTIONS);
    assert_int_equal(act(a1, ACT_START, 0, NULL)->scr, SCR_EXAM);
    /* two answers, a flag, a minute and a half of the clock, the third question */
    act(a1, ACT_OPTION, 1, NULL);
    fake_now += 40000;
    act(a1, ACT_NEXT, 0, NULL);
    act(a1, ACT_OPTION, 0, NULL);
    act(a1, ACT_FLAG, 0, NULL);
    fake_now += 50000;
    v = act(a1, ACT_NEXT, 0, NULL);
    assert_int_equal(v->cur, 2);
    int64_t left = v->remaining_ms;
    char chosen[2][BANK_MAX_OPTIONS + 1];
    memcpy(chosen[0], a1->st.answer[0], sizeof chosen[0]);
    memcpy(chosen[1], a1->st.answer[1], sizeof chosen[1]);
    bool got = replicated(a1);
    char a1_pub[65];
    snprintf(a1_pub, sizeof a1_pub, "%s", bank_signer_pub(a1->signer));
    /* seat A dies; the proctor moves the participant to B07; B comes up ten minutes on */
    app_free(a1);
    assert_true(got);
    int moved = 0;
    assert_int_equal(lease_move(k.st, bank_session_id(r->a->s), fx_nip(0), "", "B07",
                                clk_wall_ms(), &moved, why), 0);
    assert_int_equal(moved, 1);
    fake_now += 600000;
    app *a2 = kiosk_at(r, &k, "k2", "B07", s2);
    v = sign_in(a2, r, 0);
    /* the same question, answers, flag and time left: the ten minutes not charged */
    assert_int_equal(v->scr, SCR_EXAM);
    assert_int_equal(v->cur, 2);
    assert_int_equal(v->remaining_ms, left);
    assert_string_equal(a2->st.answer[0], chosen[0]);
    assert_string_equal(a2->st.answer[1], chosen[1]);
    assert_true(a2->st.flag[1]);
    char arrived[200] = "", want[200];
    assert_int_equal(journal_replay(a2->j, a2->attempt, find_arrived, arrived, why), 0);
    snprintf(want, sizeof want, "{\"from\":\"%s\"}", a1_pub);
    assert_string_equal(arrived, want);
    /* its own events go on to the core after those it took */
    assert_true(replicated(a2));
    app_free(a2);
    core_down(&k);
}

static void test_a_seat_whose_lease_counts_more_events_than_arrive_shows_an_error(void **state)
{
    room *r = *state;
    core_fx k = {0};
    core_up(&k, r);
    char s1[4200];
    app *a1 = kiosk_at(r, &k, "k1", "A01", s1);
    const app_view *v = sign_in(a1, r, 1);
    assert_int_equal(v->scr, SCR_INSTRUCTIONS);
    /* the lease said 5 events, the core gives none of this attempt */
    snprintf(a1->lease_state, sizeof a1->lease_state, "held");
    assert_true(exam_arrive(a1, 5));
    assert_int_equal(app_view_get(a1)->scr, SCR_ERROR);
    assert_string_equal(app_view_get(a1)->msg, "journal.error");
    app_free(a1);
    core_down(&k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_a_participant_moved_from_a_dead_seat_goes_on_at_the_same_question, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_a_seat_whose_lease_counts_more_events_than_arrive_shows_an_error, setup,
            teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
