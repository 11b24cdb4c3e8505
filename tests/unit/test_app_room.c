/* test_app_room.c -- the kiosk obeys the proctor: each command kind drives the screen and the journal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <microhttpd.h>
#include <sqlite3.h>

#include "app_internal.h"
#include "proto.h"
#include "room.h"

#define WAIT_MS 30000  /* a generous bound on what must happen: never a timing assert */
#define QMAX 16

/* A core of its own key that answers the kiosk's states with the commands
 * the test queues, signed, and grants every lease asked for (with the
 * proctor's leave to start when `authorise`); every other route is 404. */
typedef struct fake {
    struct MHD_Daemon *d;
    char url[64];
    bank_signer *key;
    char key_path[4200];       /* its public key, for --core-key */
    pthread_mutex_t mu;
    char kiosk[65];            /* the kiosk's key, from its states */
    long long seq;             /* the last command numbered */
    char *queue[QMAX];
    long long qseq[QMAX];
    int nq;
    char *last_state;          /* the body of the last state taken */
    int states;
    bool authorise;            /* the leases granted say the start waits for the proctor */
} fake;

typedef struct body {
    size_t len;
    char data[PROTO_STATE_MAX + 1];
} body;

/* The answer to a state: its commands not yet acknowledged. Under f->mu. */
static char *state_answer(fake *f, const char *text, const char *kiosk)
{
    json_t *o = json_loads(text, 0, NULL);
    long long ack = (long long)json_integer_value(json_object_get(o, "ack"));
    json_decref(o);
    int k = 0;
    for (int q = 0; q < f->nq; q++) {
        if (f->qseq[q] <= ack) {
            free(f->queue[q]);
            continue;
        }
        f->qseq[k] = f->qseq[q];
        f->queue[k++] = f->queue[q];
    }
    f->nq = k;
    free(f->last_state);
    f->last_state = strdup(text);
    f->states++;
    if (kiosk) snprintf(f->kiosk, sizeof f->kiosk, "%s", kiosk);
    size_t cap = 64;
    for (int q = 0; q < f->nq; q++) cap += strlen(f->queue[q]) + 1;
    char *out = malloc(cap);
    size_t n = (size_t)snprintf(out, cap, "{\"commands\":[");
    for (int q = 0; q < f->nq; q++)
        n += (size_t)snprintf(out + n, cap - n, "%s%s", q ? "," : "", f->queue[q]);
    snprintf(out + n, cap - n, "],\"seq\":1}");
    return out;
}

/* The answer to a lease request: granted to the seat that asks, signed. Under f->mu. */
static char *lease_answer(fake *f, const char *text, const char *kiosk)
{
    json_t *o = json_loads(text, 0, NULL);
    json_t *seq = json_object_get(o, "seq"), *att = json_object_get(o, "attempt");
    const char *sid = json_string_value(json_object_get(o, "session")),
               *nip = json_string_value(json_object_get(o, "nip")),
               *seat = json_string_value(json_object_get(o, "seat"));
    char msg[1024], sig[129];
    char *out = NULL;
    if (kiosk && sid && nip && seat && json_is_integer(seq) && json_is_integer(att)) {
        int n = snprintf(msg, sizeof msg, PROTO_LEASE_TEXT, PROTO_LEASE_VERSION, kiosk,
                         (long long)json_integer_value(seq), sid, nip,
                         (int)json_integer_value(att), "granted", seat, f->authorise ? 1 : 0,
                         0LL);
        if (bank_signer_sign(f->key, msg, (size_t)n, sig) == BANK_OK) {
            json_t *a = json_pack("{s:i, s:s, s:I, s:s, s:s, s:I, s:s, s:s, s:b, s:i, s:s}",
                                  "version", PROTO_LEASE_VERSION, "kiosk", kiosk, "seq",
                                  json_integer_value(seq), "session", sid, "nip", nip,
                                  "attempt", json_integer_value(att), "status", "granted",
                                  "holder", seat, "authorise", f->authorise, "replica", 0,
                                  "sig", sig);
            out = a ? json_dumps(a, JSON_COMPACT) : NULL;
            json_decref(a);
        }
    }
    json_decref(o);
    return out ? out : strdup("{\"error\":\"malformed\",\"reason\":\"a stand-in core\"}");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *size, void **con_cls)
{
    (void)version;
    fake *f = cls;
    body *b = *con_cls;
    if (!b) {
        *con_cls = calloc(1, sizeof *b);
        return *con_cls ? MHD_YES : MHD_NO;
    }
    if (*size) {
        size_t n = *size < PROTO_STATE_MAX - b->len ? *size : PROTO_STATE_MAX - b->len;
        memcpy(b->data + b->len, data, n);
        b->len += n;
        *size = 0;
        return MHD_YES;
    }
    char *answer = NULL;
    unsigned status = 404;
    if (strcmp(method, "POST") == 0 && strcmp(url, PROTO_PATH_ROOM_STATE) == 0) {
        b->data[b->len] = 0;
        pthread_mutex_lock(&f->mu);
        answer = state_answer(f, b->data,
                              MHD_lookup_connection_value(c, MHD_HEADER_KIND, PROTO_HEADER_KIOSK));
        pthread_mutex_unlock(&f->mu);
        status = 200;
    } else if (strcmp(method, "POST") == 0 && strcmp(url, PROTO_PATH_ROOM_LEASE) == 0) {
        b->data[b->len] = 0;
        pthread_mutex_lock(&f->mu);
        answer = lease_answer(f, b->data,
                              MHD_lookup_connection_value(c, MHD_HEADER_KIND, PROTO_HEADER_KIOSK));
        pthread_mutex_unlock(&f->mu);
        status = strncmp(answer, "{\"error\"", 9) == 0 ? 400 : 200;
    } else answer = strdup("{\"error\":\"not-found\",\"reason\":\"a fake core\"}");
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(answer), answer, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, "Content-Type", PROTO_TYPE_JSON);
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)c, (void)toe;
    free(*con_cls);
    *con_cls = NULL;
}

static fake *fake_start(const char *dir)
{
    fake *f = calloc(1, sizeof *f);
    char why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    f->key = bank_signer_open(fx_path(dir, "fakecore"), &e, why);
    if (!f->key) fail_msg("core key: %s", why);
    snprintf(f->key_path, sizeof f->key_path, "%s", fx_path(dir, "fakecore.pin"));
    FILE *p = fopen(f->key_path, "w");
    assert_non_null(p);
    fprintf(p, "%s\n", bank_signer_pub(f->key));
    assert_int_equal(fclose(p), 0);
    pthread_mutex_init(&f->mu, NULL);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    f->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
                            on_request, f, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                            MHD_OPTION_NOTIFY_COMPLETED, on_done, f, MHD_OPTION_END);
    assert_non_null(f->d);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(f->d, MHD_DAEMON_INFO_BIND_PORT);
    assert_non_null(info);
    snprintf(f->url, sizeof f->url, "http://127.0.0.1:%u", (unsigned)info->port);
    return f;
}

static void fake_stop(fake *f)
{
    MHD_stop_daemon(f->d);
    for (int q = 0; q < f->nq; q++) free(f->queue[q]);
    free(f->last_state);
    bank_signer_free(f->key);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* The kiosk's key, once a state of it came (bounded wait); "" when none came. */
static void kiosk_of(room *r, fake *f, char out[65])
{
    out[0] = 0;
    for (int waited = 0; !out[0] && waited < WAIT_MS; waited += 10) {
        act(r->a, ACT_TICK, 0, NULL);
        pthread_mutex_lock(&f->mu);
        snprintf(out, 65, "%s", f->kiosk);
        pthread_mutex_unlock(&f->mu);
        if (!out[0]) sleep_ms(10);
    }
}

/* Queues a command of `kind` for the kiosk, signed by the fake core's key. */
static void send_cmd(room *r, fake *f, const char *kind, const char *nip, int minutes,
                     const char *seat, const char *text)
{
    char kiosk[65], msg[1024], sig[129];
    kiosk_of(r, f, kiosk);
    assert_true(kiosk[0] != 0);
    pthread_mutex_lock(&f->mu);
    long long seq = ++f->seq + 1000;
    int n = snprintf(msg, sizeof msg, PROTO_COMMAND_TEXT, PROTO_COMMAND_VERSION, kiosk, seq, kind,
                     77LL, nip, minutes, seat, text);
    assert_int_equal(bank_signer_sign(f->key, msg, (size_t)n, sig), BANK_OK);
    json_t *o = json_pack("{s:i, s:s, s:I, s:s, s:I, s:s, s:i, s:s, s:s, s:s}", "version",
                          PROTO_COMMAND_VERSION, "kiosk", kiosk, "seq", (json_int_t)seq, "kind",
                          kind, "time", (json_int_t)77, "nip", nip, "minutes", minutes, "seat",
                          seat, "text", text, "sig", sig);
    assert_true(f->nq < QMAX);
    f->qseq[f->nq] = seq;
    f->queue[f->nq++] = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    pthread_mutex_unlock(&f->mu);
}

/* Ticks the app until the command queue is empty (every command taken and
 * acknowledged) and at least one more state came; false when it did not
 * within WAIT_MS. */
static bool settle(room *r, fake *f)
{
    int states = -1;
    for (int waited = 0; waited < WAIT_MS; waited += 10) {
        act(r->a, ACT_TICK, 0, NULL);
        pthread_mutex_lock(&f->mu);
        int nq = f->nq, now = f->states;
        pthread_mutex_unlock(&f->mu);
        if (nq == 0 && states < 0) states = now;
        if (nq == 0 && now > states) return true;
        sleep_ms(10);
    }
    return false;
}

/* Sends one command and waits until the kiosk obeyed it; the view after. */
static const app_view *obey(room *r, fake *f, const char *kind, const char *nip, int minutes,
                            const char *seat, const char *text)
{
    send_cmd(r, f, kind, nip, minutes, seat, text);
    if (!settle(r, f)) fail_msg("the kiosk did not take the %s command", kind);
    return app_view_get(r->a);
}

/* The app of r again, on the fake core f. */
static void restart(room *r, fake *f)
{
    app_free(r->a);
    r->cfg.core_url = f->url;
    r->cfg.core_key = f->key_path;
    r->cfg.room_period_ms = 20;
    r->cfg.seat = "A03";
    r->a = app_new(&r->cfg);
    assert_non_null(r->a);
}


/* The payload of the last event of `kind` of participant i (caller frees), NULL when none. */
static char *journal_last(room *r, size_t i, int kind)
{
    sqlite3 *db = NULL;
    char sql[256], *out = NULL;
    assert_int_equal(sqlite3_open(fx_path(r->dir, "state/journal.db"), &db), SQLITE_OK);
    snprintf(sql, sizeof sql,
             "SELECT payload FROM events WHERE kind = %d AND attempt LIKE '%%/%s' ORDER BY seq "
             "DESC LIMIT 1", kind, fx_nip(i));
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW) out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

/* The seq of the last event of participant i's attempt (0 none). */
static long long journal_last_seq(room *r, size_t i)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT coalesce(max(seq), 0) FROM events WHERE attempt LIKE '%%/%s'",
             fx_nip(i));
    return events_query(r, sql);
}

/* Fails unless the last payload of `kind` of participant i holds `part`. */
static void journal_has(room *r, size_t i, int kind, const char *part)
{
    char *p = journal_last(r, i, kind);
    if (!p || !strstr(p, part)) fail_msg("kind %d: %s has no %s", kind, p ? p : "(none)", part);
    free(p);
}

typedef struct rig {
    room *r;
    fake *f;
} rig;

static int rig_setup(void **state)
{
    rig *g = calloc(1, sizeof *g);
    void *rs = NULL;
    setup(&rs);
    g->r = rs;
    g->f = fake_start(g->r->dir);
    restart(g->r, g->f);
    *state = g;
    return 0;
}

static int rig_teardown(void **state)
{
    rig *g = *state;
    void *rs = g->r;
    teardown(&rs);   /* the app and its threads first, then the core they talk to */
    fake_stop(g->f);
    free(g);
    return 0;
}

/* The view once the core's answer to the lease came, ticks given meanwhile
 * (a kiosk that asks the core for the lease of the attempt). */
static const app_view *lease_came(room *r, const app_view *v)
{
    for (int waited = 0; v->msg && strcmp(v->msg, "lease.asking") == 0 && waited < WAIT_MS;
         waited += 5) {
        sleep_ms(5);
        v = act(r->a, ACT_TICK, 0, NULL);
    }
    return v;
}

/* Types the session's token; the view once the attempt goes on. */
static const app_view *token_in(room *r)
{
    act(r->a, ACT_TEXT, 0, r->token);
    return lease_came(r, act(r->a, ACT_ENTER, 0, NULL));
}

/* On screen `waiting`, a wrong code is refused there, then the proctor code
 * is typed; the view after it. */
static const app_view *code_at_the_seat(room *r, screen waiting)
{
    act(r->a, ACT_TEXT, 0, "WRONG");
    const app_view *v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, waiting);
    assert_string_equal(v->msg, "proctor.wrong");
    act(r->a, ACT_TEXT, 0, r->proctor);
    return act(r->a, ACT_ENTER, 0, NULL);
}

static void test_extend_lengthens_the_attempt_and_is_journalled(void **state)
{
    rig *g = *state;
    room *r = g->r;
    const app_view *v = to_exam(r, 0);
    assert_int_equal(v->remaining_ms, 10 * 60000);
    v = obey(r, g->f, "extend", "", 5, "", "listrik padam");
    assert_int_equal(v->scr, SCR_EXAM);
    assert_int_equal(v->remaining_ms, 15 * 60000);
    assert_string_equal(v->notice_key, "room.extend");
    assert_string_equal(v->notice, "5");
    assert_int_equal(events_of_kind(r, 0, J_EXTEND), 1);
    journal_has(r, 0, J_EXTEND, "\"reason\":\"listrik padam\"");
    journal_has(r, 0, J_EXTEND, "\"minutes\":5");
    /* the extended limit holds over a restart */
    restart(r, g->f);
    v = token_in(r);
    assert_int_equal(v->scr, SCR_EXAM);
    assert_int_equal(v->remaining_ms, 15 * 60000);
}

static void test_pause_stops_the_clock_until_resume(void **state)
{
    rig *g = *state;
    room *r = g->r;
    to_exam(r, 1);
    fake_now += 60000;
    act(r->a, ACT_TICK, 0, NULL);
    const app_view *v = obey(r, g->f, "pause", "", 0, "", "gangguan listrik");
    assert_int_equal(v->scr, SCR_PAUSED);
    assert_string_equal(v->reason, "gangguan listrik");
    assert_string_equal(v->notice_key, "room.pause");
    /* a quarter of an hour on the wall, more than the limit: nothing charged, nothing taken */
    fake_now += 15 * 60000;
    v = act(r->a, ACT_TICK, 0, NULL);
    assert_int_equal(v->scr, SCR_PAUSED);
    assert_int_equal(v->remaining_ms, 9 * 60000);
    act(r->a, ACT_OPTION, 0, NULL);
    assert_int_equal(events_of_kind(r, 1, J_ANSWER), 0);
    /* a restart while paused comes back paused, with the same time left */
    restart(r, g->f);
    v = token_in(r);
    assert_int_equal(v->scr, SCR_PAUSED);
    fake_now += 60000;
    v = act(r->a, ACT_TICK, 0, NULL);
    assert_int_equal(v->remaining_ms, 9 * 60000);
    /* resumed while the proctor prompt is open over it: the prompt closes onto the exam */
    v = act(r->a, ACT_PROCTOR, 0, NULL);
    assert_int_equal(v->scr, SCR_PROCTOR);
    v = obey(r, g->f, "resume", "", 0, "", "");
    assert_int_equal(v->scr, SCR_PROCTOR);
    assert_string_equal(v->notice_key, "room.resume");
    v = act(r->a, ACT_ESCAPE, 0, NULL);
    assert_int_equal(v->scr, SCR_EXAM);
    fake_now += 30000;
    v = act(r->a, ACT_TICK, 0, NULL);
    assert_int_equal(v->remaining_ms, 9 * 60000 - 30000);
    assert_int_equal(events_of_kind(r, 1, J_PAUSE), 1);
    assert_int_equal(events_of_kind(r, 1, J_CONTINUE), 1);
    /* a resume with nothing paused is not obeyed */
    obey(r, g->f, "resume", "", 0, "", "");
    assert_int_equal(events_of_kind(r, 1, J_CONTINUE), 1);
    char *log = kiosk_log(r);
    assert_non_null(strstr(log, "command-skipped"));
    free(log);
}

static void test_lock_holds_the_seat_until_the_proctor_unlocks_it(void **state)
{
    rig *g = *state;
    room *r = g->r;
    to_exam(r, 2);
    const app_view *v = obey(r, g->f, "lock", "", 0, "", "menyontek");
    assert_int_equal(v->scr, SCR_SEAT_LOCKED);
    assert_string_equal(v->reason, "menyontek");
    fake_now += 120000;
    v = act(r->a, ACT_TICK, 0, NULL);
    assert_int_equal(v->remaining_ms, 10 * 60000);
    act(r->a, ACT_NEXT, 0, NULL);   /* no move while locked */
    assert_int_equal(events_of_kind(r, 2, J_NAV), 0);
    act(r->a, ACT_QUIT, 0, NULL);   /* the quit prompt does not open over it */
    assert_int_equal(app_view_get(r->a)->scr, SCR_SEAT_LOCKED);
    /* a wrong code, then the proctor code typed at the seat */
    v = code_at_the_seat(r, SCR_SEAT_LOCKED);
    assert_int_equal(v->scr, SCR_EXAM);
    journal_has(r, 2, J_UNLOCK, "\"by\":\"code\"");
    journal_has(r, 2, J_UNLOCK, "\"cmd\":0");
    /* locked again, unlocked from the proctor's page */
    obey(r, g->f, "lock", "", 0, "", "");
    v = obey(r, g->f, "unlock", "", 0, "", "");
    assert_int_equal(v->scr, SCR_EXAM);
    assert_string_equal(v->notice_key, "room.unlock");
    journal_has(r, 2, J_UNLOCK, "\"by\":\"core\"");
    assert_int_equal(events_of_kind(r, 2, J_LOCK), 2);
    assert_int_equal(events_of_kind(r, 2, J_UNLOCK), 2);
}

static void test_authorise_starts_a_seat_waiting_for_the_proctor(void **state)
{
    rig *g = *state;
    room *r = g->r;
    /* the core's answer to the lease says so; a kiosk that does not ask is told here */
    g->f->authorise = true;
    r->a->authorise = true;
    const app_view *v = identify(r->a, 0, "1234567890");
    v = token_in(r);
    assert_int_equal(v->scr, SCR_AUTHORISE);
    v = act(r->a, ACT_START, 0, NULL);   /* the participant cannot start alone */
    assert_int_equal(v->scr, SCR_AUTHORISE);
    assert_int_equal(events_of_kind(r, 0, J_BEGIN), 0);
    v = obey(r, g->f, "authorise", "", 0, "", "");
    assert_int_equal(v->scr, SCR_EXAM);
    assert_string_equal(v->notice_key, "room.authorise");
    assert_int_equal(events_of_kind(r, 0, J_BEGIN), 1);
    char *p = journal_last(r, 0, J_AUTHORISED);
    assert_non_null(p);
    assert_null(strstr(p, "\"cmd\":0"));
    free(p);
    /* the next one is let in by the proctor code typed at the seat */
    act(r->a, ACT_SUBMIT, 0, NULL);
    act(r->a, ACT_YES, 0, NULL);
    v = act(r->a, ACT_NEXT_SEAT, 0, NULL);
    assert_int_equal(v->scr, SCR_IDENTIFY);
    v = identify(r->a, 1, "1234567890");
    assert_int_equal(v->scr, SCR_AUTHORISE);
    v = code_at_the_seat(r, SCR_AUTHORISE);
    assert_int_equal(v->scr, SCR_EXAM);
    journal_has(r, 1, J_AUTHORISED, "\"cmd\":0");
}

static void test_a_released_login_keeps_the_attempt_for_the_next_sign_in(void **state)
{
    rig *g = *state;
    room *r = g->r;
    to_exam(r, 0);
    act(r->a, ACT_OPTION, 1, NULL);
    fake_now += 60000;
    act(r->a, ACT_TICK, 0, NULL);
    const app_view *v = obey(r, g->f, "release", "", 0, "", "");
    assert_int_equal(v->scr, SCR_RELEASED);
    assert_string_equal(v->notice_key, "room.release");
    assert_int_equal(events_of_kind(r, 0, J_RELEASE), 1);
    assert_int_equal(events_of_kind(r, 0, J_SUBMIT), 0);
    /* shown a while, then the sign-in; a restart does not take the attempt up */
    fake_now += 20000;
    v = act(r->a, ACT_TICK, 0, NULL);
    assert_int_equal(v->scr, SCR_IDENTIFY);
    restart(r, g->f);
    assert_int_equal(app_view_get(r->a)->scr, SCR_IDENTIFY);
    /* the participant signs in again: the same attempt, answer and time go on */
    v = identify(r->a, 0, "1234567890");
    v = token_in(r);
    assert_int_equal(v->scr, SCR_EXAM);
    assert_true(v->answered[0]);
    assert_int_equal(v->remaining_ms, 9 * 60000);
    assert_int_equal(events_of_kind(r, 0, J_BEGIN), 1);
}

static void test_move_out_sends_the_participant_to_the_seat_named(void **state)
{
    rig *g = *state;
    room *r = g->r;
    to_exam(r, 2);
    const app_view *v = obey(r, g->f, "move-out", fx_nip(2), 0, "B07", "");
    assert_int_equal(v->scr, SCR_MOVED);
    assert_string_equal(v->moved_to, "B07");
    assert_string_equal(v->notice_key, "room.moved");
    journal_has(r, 2, J_MOVED, "\"to\":\"B07\"");
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_IDENTIFY);
    assert_string_equal(v->moved_to, "");
}

static void test_end_submits_the_attempt_and_closes_the_seat(void **state)
{
    rig *g = *state;
    room *r = g->r;
    to_exam(r, 1);
    act(r->a, ACT_OPTION, 0, NULL);
    obey(r, g->f, "pause", "", 0, "", "");
    const app_view *v = obey(r, g->f, "end", "", 0, "", "");
    assert_int_equal(v->scr, SCR_RESULT);
    journal_has(r, 1, J_SUBMIT, "\"why\":\"proctor\"");
    assert_int_equal(events_of_kind(r, 1, J_RESULT), 1);
    v = act(r->a, ACT_NEXT_SEAT, 0, NULL);
    assert_int_equal(v->scr, SCR_ENDED);
    v = identify(r->a, 2, "1234567890");   /* nobody signs in any more */
    assert_int_equal(v->scr, SCR_ENDED);
    restart(r, g->f);
    assert_int_equal(app_view_get(r->a)->scr, SCR_ENDED);
}

static void test_an_empty_seat_can_be_locked_and_closed(void **state)
{
    rig *g = *state;
    room *r = g->r;
    const app_view *v = obey(r, g->f, "lock", "", 0, "", "kabel dicabut");
    assert_int_equal(v->scr, SCR_SEAT_LOCKED);
    v = obey(r, g->f, "pause", "", 0, "", "");   /* no attempt: nothing to pause */
    assert_int_equal(v->scr, SCR_SEAT_LOCKED);
    v = obey(r, g->f, "unlock", "", 0, "", "");
    assert_int_equal(v->scr, SCR_IDENTIFY);
    v = obey(r, g->f, "end", "", 0, "", "");
    assert_int_equal(v->scr, SCR_ENDED);
    assert_string_equal(v->notice_key, "room.end");
    act(r->a, ACT_TEXT, 0, fx_nip(0));
    v = act(r->a, ACT_ENTER, 0, NULL);
    assert_int_equal(v->scr, SCR_ENDED);
}

static void test_a_command_for_another_participant_is_not_obeyed(void **state)
{
    rig *g = *state;
    room *r = g->r;
    to_exam(r, 0);
    const app_view *v = obey(r, g->f, "extend", fx_nip(1), 10, "", "");
    assert_int_equal(v->remaining_ms, 10 * 60000);
    assert_int_equal(events_of_kind(r, 0, J_EXTEND), 0);
    v = obey(r, g->f, "pause", fx_nip(1), 0, "", "");
    assert_int_equal(v->scr, SCR_EXAM);
    char *log = kiosk_log(r);
    assert_non_null(strstr(log, "for another participant"));
    free(log);
    /* the one for her is */
    v = obey(r, g->f, "extend", fx_nip(0), 10, "", "");
    assert_int_equal(v->remaining_ms, 20 * 60000);
}

static void test_the_state_tells_session_name_journal_and_the_screen(void **state)
{
    rig *g = *state;
    room *r = g->r;
    to_exam(r, 2);
    act(r->a, ACT_OPTION, 0, NULL);
    obey(r, g->f, "pause", "", 0, "", "");
    pthread_mutex_lock(&g->f->mu);
    json_t *o = json_loads(g->f->last_state, 0, NULL);
    pthread_mutex_unlock(&g->f->mu);
    assert_non_null(o);
    assert_int_equal(json_integer_value(json_object_get(o, "version")), 2);
    assert_string_equal(json_string_value(json_object_get(o, "screen")), "paused");
    assert_string_equal(json_string_value(json_object_get(o, "seat")), "A03");
    assert_string_equal(json_string_value(json_object_get(o, "nip")), fx_nip(2));
    assert_string_equal(json_string_value(json_object_get(o, "name")), "Peserta 2");
    const char *lease = json_string_value(json_object_get(o, "lease"));
    assert_non_null(lease);   /* "held" by a kiosk that asks for the lease, else "" */
    assert_true(strcmp(lease, "") == 0 || strcmp(lease, "held") == 0);
    const char *sid = json_string_value(json_object_get(o, "session"));
    assert_non_null(sid);
    assert_true(sid[0] != 0);
    /* the journal's last event: the pause */
    assert_int_equal(json_integer_value(json_object_get(o, "jseq")), journal_last_seq(r, 2));
    assert_true(journal_last_seq(r, 2) >= 3);   /* begin, answer, pause at least */
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, rig_setup, rig_teardown)
        T(test_extend_lengthens_the_attempt_and_is_journalled),
        T(test_pause_stops_the_clock_until_resume),
        T(test_lock_holds_the_seat_until_the_proctor_unlocks_it),
        T(test_authorise_starts_a_seat_waiting_for_the_proctor),
        T(test_a_released_login_keeps_the_attempt_for_the_next_sign_in),
        T(test_move_out_sends_the_participant_to_the_seat_named),
        T(test_end_submits_the_attempt_and_closes_the_seat),
        T(test_an_empty_seat_can_be_locked_and_closed),
        T(test_a_command_for_another_participant_is_not_obeyed),
        T(test_the_state_tells_session_name_journal_and_the_screen),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
