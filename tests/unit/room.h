/* room.h -- a sealed bank, a session of three and a kiosk app on them, for the app's tests
 * (static inline: included by test_app.c and test_seat.c, which link libkiosk). */
#ifndef KISI_TEST_ROOM_H
#define KISI_TEST_ROOM_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "app.h"
#include "fixture.h"
#include "why.h"

/* The kiosk's wall clock in these tests: moved by hand, never read from the system. */
static int64_t fake_now = 1700000000000;

static inline int64_t clock_fake(void)
{
    return fake_now;
}

typedef struct room {
    char *dir;
    char token[BANK_TOKEN_LEN + 1];
    char proctor[BANK_PROCTOR_LEN + 1];  /* the session's proctor code */
    app_config cfg;
    app *a;
} room;

#define EXAM "{\"id\":\"q\",\"title\":\"Kuis Akuntabel\",\"kind\":\"quiz\",\"minutes\":10," \
             "\"quotas\":{\"t0\":3,\"t1\":2}}"

/* cmocka setup: a sealed bank, a 3-person session and an app on it. */
static inline int setup(void **state)
{
    room *r = calloc(1, sizeof *r);
    char why[WHY_SIZE] = "";
    r->dir = fx_tmpdir();
    bank *b = fx_bank(r->dir, 2, 8);
    fx_exam(b, EXAM);
    fx_session_proctor(b, "q", 3, NULL, fx_path(r->dir, "s.session"), r->token, r->proctor);
    assert_int_equal(bank_keygen(fx_path(r->dir, "auth"), why), BANK_OK);
    assert_int_equal(bank_seal(b, fx_path(r->dir, "auth.key"), why), BANK_OK);
    bank_close(b);
    r->cfg.bank_path = strdup(fx_path(r->dir, "bank.bank"));
    r->cfg.session_path = strdup(fx_path(r->dir, "s.session"));
    r->cfg.authority_pub = strdup(fx_path(r->dir, "auth.pub"));
    r->cfg.state_dir = strdup(fx_path(r->dir, "state"));
    r->cfg.now_ms = clock_fake;
    r->a = app_new(&r->cfg);
    assert_non_null(r->a);
    *state = r;
    return 0;
}

/* cmocka teardown of setup(). */
static inline int teardown(void **state)
{
    room *r = *state;
    app_free(r->a);
    free((char *)r->cfg.bank_path);
    free((char *)r->cfg.session_path);
    free((char *)r->cfg.authority_pub);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s/state'", r->dir);
    if (system(cmd) != 0) fail_msg("cannot clean %s", cmd);
    free((char *)r->cfg.state_dir);
    fx_rmdir(r->dir);
    free(r);
    return 0;
}

/* One action; returns the view after it. */
static inline const app_view *act(app *a, action_kind k, int index, const char *text)
{
    action x = {.kind = k, .index = index};
    if (text) snprintf(x.text, sizeof x.text, "%s", text);
    app_handle(a, &x);
    return app_view_get(a);
}

/* With a core configured, the app asks it for the lease of the attempt: the
 * view once the answer (or its absence) came, ticks given meanwhile. */
static inline const app_view *lease_settled(app *a, const app_view *v)
{
    struct timespec pause = {0, 5 * 1000 * 1000};
    while (v->msg && strcmp(v->msg, "lease.asking") == 0) {
        nanosleep(&pause, NULL);
        v = act(a, ACT_TICK, 0, NULL);
    }
    return v;
}

/* Types NIP and PIN of participant i and presses Enter after each. */
static inline const app_view *identify(app *a, size_t i, const char *pin)
{
    act(a, ACT_TEXT, 0, fx_nip(i));
    act(a, ACT_ENTER, 0, NULL);
    act(a, ACT_TEXT, 0, pin);
    return lease_settled(a, act(a, ACT_ENTER, 0, NULL));
}

/* Participant i through identification and token to the exam screen. */
static inline const app_view *to_exam(room *r, size_t i)
{
    const app_view *v = identify(r->a, i, "1234567890");
    if (v->scr == SCR_WAIT) {
        act(r->a, ACT_TEXT, 0, r->token);
        v = lease_settled(r->a, act(r->a, ACT_ENTER, 0, NULL));
    }
    assert_int_equal(v->scr, SCR_INSTRUCTIONS);
    return act(r->a, ACT_START, 0, NULL);
}

/* The whole of STATE/kiosk.log (caller frees), "" when missing. */
static inline char *kiosk_log(room *r)
{
    char p[4200], *text = NULL;
    size_t len = 0;
    snprintf(p, sizeof p, "%s/kiosk.log", r->cfg.state_dir);
    if (bank_file_read(p, 1 << 20, &text, &len, NULL) != BANK_OK) return strdup("");
    return text;
}

/* The number the query `sql` gives on the journal of r (its first row and column), -1 none. */
static inline long long events_query(room *r, const char *sql)
{
    sqlite3 *db = NULL;
    long long n = -1;
    assert_int_equal(sqlite3_open(fx_path(r->dir, "state/journal.db"), &db), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* Events of `kind` of participant i in the journal of r. */
static inline int events_of_kind(room *r, size_t i, int kind)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE kind = %d AND attempt LIKE '%%/%s'",
             kind, fx_nip(i));
    return (int)events_query(r, sql);
}

#endif
