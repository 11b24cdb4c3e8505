/* app.c -- the kiosk state machine: start-up checks, identification, token, proctor code, results. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "app_internal.h"
#include "secmem.h"
#include "secret.h"
#include "clk.h"
#include "kcode.h"
#include "why.h"

#define PIN_TRIES 3

int64_t app_now(const app *a)
{
    return a->cfg.now_ms ? a->cfg.now_ms() : clk_wall_ms();
}

void app_fail(app *a, const char *msg, const char *detail)
{
    a->v.scr = SCR_ERROR;
    a->v.msg = msg;
    snprintf(a->detail, sizeof a->detail, "%s", detail ? detail : "");
    a->v.detail = a->detail;
    a->v.cause = "";
    a->v.subject = "";
    klog_event(a->log, "error", "%s: %s", msg, a->detail);
}

/* Key of the localized text for a bank error with English detail `why`;
 * for a changed bank, the part that changed goes into subject (cap bytes). */
static const char *cause_key(bank_err e, const char *why, char *subject, size_t cap)
{
    static const char *const sealing[] = {" changed since sealing", " was removed since sealing",
                                          " was added since sealing"};
    switch (e) {
    case BANK_ENOTFOUND: return "cause.missing";
    case BANK_EIO: return "cause.unreadable";
    case BANK_ENOTBANK:
    case BANK_ECORRUPT:
    case BANK_EPARSE:
    case BANK_EDB: return "cause.damaged";
    case BANK_EVERSION: return "cause.version";
    case BANK_ENOTSEALED: return "cause.unsealed";
    case BANK_ENOMEM: return "cause.memory";
    case BANK_ETAMPER:
        for (size_t i = 0; i < sizeof sealing / sizeof *sealing; i++) {
            const char *at = strstr(why, sealing[i]);
            if (at && at[strlen(sealing[i])] == 0) {
                snprintf(subject, cap, "%.*s", (int)(at - why), why);
                return "cause.changed";
            }
        }
        if (strstr(why, "authority key")) return "cause.otherkey";
        if (strstr(why, "session file")) return "cause.altered";
        return "cause.badseal";
    default: return "cause.invalid";
    }
}

void app_fail_bank(app *a, const char *msg, bank_err e, const char *subject, const char *why)
{
    app_fail(a, msg, why);
    snprintf(a->subject, sizeof a->subject, "%s", subject ? subject : "");
    a->v.cause = cause_key(e, a->detail, a->subject, sizeof a->subject);
    if (e == BANK_EIO && subject && access(subject, F_OK) != 0 && errno == ENOENT)
        a->v.cause = "cause.missing";
    a->v.subject = a->subject;
}

/* Opens bank, seal, session, journal, signing key; any failure -> SCR_ERROR. */
static void app_start(app *a)
{
    char why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    const app_config *c = &a->cfg;
    if (!c->bank_path || !c->session_path || !c->authority_pub || !c->state_dir) {
        app_fail(a, "start.nobank", "bank, session, authority and state are required");
        return;
    }
    struct stat sd;
    int err = mkdir(c->state_dir, 0700) == 0 || errno == EEXIST ? 0 : errno;
    if (!err && (stat(c->state_dir, &sd) != 0 || !S_ISDIR(sd.st_mode))) err = ENOTDIR;
    if (err) {
        snprintf(why, sizeof why, "%s: %s", c->state_dir, strerror(err));
        app_fail_bank(a, "start.nostate", BANK_EIO, c->state_dir, why);
        return;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/kiosk.log", c->state_dir);
    a->log = klog_open(path, KLOG_MAX_BYTES, NULL);   /* the exam runs without it too */
    snprintf(path, sizeof path, "%s/token-tries", c->state_dir);
    if (throttle_load(&a->tries, path, app_now(a), why) != 0)
        klog_event(a->log, "token-throttled", "%s", why);
    a->b = bank_open(c->bank_path, false, &e, why);
    if (!a->b) { /* a schema not as Kisi writes it is tampering too */
        app_fail_bank(a, e == BANK_ETAMPER ? "start.tampered" : "start.nobank", e, c->bank_path,
                      why);
        return;
    }
    if ((e = bank_verify(a->b, c->authority_pub, why))) {
        app_fail_bank(a, "start.tampered", e, c->authority_pub, why);
        return;
    }
    a->s = bank_session_open(a->b, c->session_path, &e, why);
    if (!a->s) {
        app_fail_bank(a, e == BANK_EINVAL ? "start.wrongbank" : "start.nosession", e,
                      c->session_path, why);
        return;
    }
    snprintf(path, sizeof path, "%s/kiosk", c->state_dir);
    a->signer = bank_signer_open(path, &e, why);
    if (!a->signer) {
        app_fail_bank(a, "start.nokey", e, path, why);
        return;
    }
    if (!app_open_journal(a)) return;
    snprintf(a->outbox, sizeof a->outbox, "%s/outbox", c->state_dir);
    if (c->core_url) {
        char host[121] = "kiosk";
        gethostname(host, sizeof host - 1);
        char uw[WHY_SIZE] = "";
        a->up = uploader_start(c->core_url, c->state_dir, a->signer, host, c->core_key, a->log,
                               uw);
        if (!a->up) {
            app_fail_bank(a, "start.noupload", BANK_EINVAL, c->core_url, uw);
            return;
        }
        a->room = checkin_start(c->core_url, c->state_dir, a->signer, c->seat ? c->seat : "",
                                CHECKIN_PROGRAM, c->core_key, c->room_period_ms, a->log, uw);
        if (!a->room) {
            app_fail_bank(a, "start.noupload", BANK_EINVAL, c->core_url, uw);
            return;
        }
        snprintf(path, sizeof path, "%s/journal.db", c->state_dir);
        a->rep = replica_start(c->core_url, path, a->signer, bank_session_id(a->s), a->log, uw);
        if (!a->rep) {
            app_fail_bank(a, "start.noupload", BANK_EINVAL, c->core_url, uw);
            return;
        }
    }
    klog_event(a->log, "start", "kiosk %.16s, session %s, exam %s, core %s",
               bank_signer_pub(a->signer), bank_session_id(a->s), bank_session_exam_id(a->s),
               c->core_url ? c->core_url : "none (results stay on this PC)");
    app_refresh_queued(a);
    a->v.tries_left = PIN_TRIES;
    if (a->v.scr == SCR_DAMAGE) return;  /* the proctor first */
    a->v.scr = SCR_IDENTIFY;
    exam_try_resume(a);
    /* a seat locked by wrong PINs stays locked across a restart */
    snprintf(path, sizeof path, "%s/seat-locked", c->state_dir);
    size_t n = 0;
    char *nip = NULL;
    if (a->v.scr == SCR_IDENTIFY &&
        bank_file_read(path, sizeof a->nip, &nip, &n, NULL) != BANK_ENOTFOUND) {
        snprintf(a->nip, sizeof a->nip, "%s", nip && bank_nip_valid(nip) ? nip : "");
        klog_event(a->log, "seat-locked", "locked before the restart: proctor code needed");
        a->v.scr = SCR_LOCKED;
        a->v.msg = "locked.hint";
    }
    free(nip);
    room_start(a);
}

bool app_open_journal(app *a)
{
    char why[WHY_SIZE] = "", path[1024];
    jdamage d = JD_NONE;
    snprintf(path, sizeof path, "%s/journal.db", a->cfg.state_dir);
    a->j = journal_open_as(path, bank_signer_pub(a->signer), &d, why);
    if (a->j) return true;
    if (d == JD_NONE) {
        app_fail_bank(a, "start.nostate", BANK_EIO, path, why);
        return false;
    }
    damage_show(a, d, why);
    return true;
}

static const char *const SCREEN_NAMES[SCREEN_COUNT] = {
    "error",  "identify", "locked",      "wait",      "instructions", "exam",
    "review", "confirm",  "result",      "proctor",   "timeout",      "damage",
    "paused", "seat-locked", "authorise", "released", "moved",        "ended",
};

const char *screen_name(screen s)
{
    return (int)s >= 0 && (int)s < SCREEN_COUNT ? SCREEN_NAMES[s] : "error";
}

/* Writes "screen=... item=... answered=... msg=..." when it changed. */
static void trace(app *a)
{
    if (!a->trace) return;
    size_t answered = 0;
    for (size_t i = 0; a->v.answered && i < (size_t)a->v.nitems; i++) answered += a->v.answered[i];
    char line[sizeof a->traced];
    int n = snprintf(line, sizeof line, "screen=%s item=%zu answered=%zu msg=%s",
                     screen_name(a->v.scr), a->v.cur + 1, answered, a->v.msg);
    /* the time left, to the second, while the clock runs (a seat's move keeps it) */
    int64_t left = exam_remaining(a);
    if (left >= 0 && n > 0 && (size_t)n < sizeof line)
        snprintf(line + n, sizeof line - (size_t)n, " left=%lld", (long long)(left / 1000));
    if (strcmp(line, a->traced) == 0) return;
    memcpy(a->traced, line, sizeof line);
    fprintf(a->trace, "%s\n", line);
    fflush(a->trace);
}

void app_wipe(app *a, const char *what, void *p, size_t n)
{
    if (!p) return;
    OPENSSL_cleanse(p, n);
    if (a->cfg.wiped) a->cfg.wiped(what, p, n);
}

void app_wipe_seat(app *a)
{
    app_wipe(a, "pin", a->pin, sizeof a->pin);
    app_wipe(a, "token", a->token, sizeof a->token);
    app_wipe(a, "code", a->code, sizeof a->code);
    a->v.pin_len = 0;
}

/* Caller frees with app_free(). The app (typed PIN, token and codes) lives
 * in locked memory kept out of core dumps (secmem). */
app *app_new(const app_config *cfg)
{
    app *a = secmem_alloc(sizeof *a);
    if (!a) return NULL;
    a->cfg = *cfg;
    if (cfg->trace_path) a->trace = fopen(cfg->trace_path, "a");
    a->v.msg = "";
    a->v.detail = "";
    a->v.cause = "";
    a->v.subject = "";
    a->v.nip = a->nip;
    a->v.token = a->token;
    a->v.code = a->code;
    a->v.name = "";
    a->v.exam_title = "";
    a->v.exam_kind = "";
    a->v.stem = "";
    a->v.band_en = "";
    a->v.notice = a->notice;
    a->v.holder = a->lease_holder;
    a->v.holder_nip = a->lease_nip;
    a->v.notice_key = "";
    a->v.reason = a->reason;
    a->v.moved_to = a->moved_to;
    app_start(a);
    trace(a);
    return a;
}

void app_refresh_queued(app *a)
{
    int q = result_queued(a->outbox);
    a->v.queued = q > 0 ? q : 0;
    uploader_info_get(a->up, &a->v.delivery);
    a->v.delivery.queued = a->v.queued;
    a->v.delivery.retry_s = 0;   /* a countdown would redraw every second */
    if (!a->up && a->signer)
        kcode_of(bank_signer_pub(a->signer), a->v.delivery.kiosk);
}

void app_free(app *a)
{
    if (!a) return;
    app_lease_stop(a);
    replica_stop(a->rep);
    checkin_stop(a->room);
    uploader_stop(a->up);
    if (a->log) klog_event(a->log, "stop", "%d results waiting in the outbox", a->v.queued);
    klog_close(a->log);
    exam_clear(a);
    journal_close(a->j);
    bank_signer_free(a->signer);
    bank_session_close(a->s);
    bank_close(a->b);
    app_wipe_seat(a);
    if (a->trace) fclose(a->trace);
    secmem_free(a, sizeof *a);
}

const app_view *app_view_get(app *a)
{
    return &a->v;
}

bool app_should_quit(const app *a)
{
    return a->quit;
}

int app_wake_ms(const app *a)
{
    int wake = -1;
    int64_t rem = exam_remaining(a);
    if (rem >= 0) wake = rem % 1000 ? (int)(rem % 1000) : rem > 0 ? 1000 : 0;
    /* a countdown of the wait after wrong tokens: every second */
    int64_t tw = throttle_wait_ms(&a->tries, app_now(a));
    if (tw > 0) {
        int next = tw % 1000 ? (int)(tw % 1000) : 1000;
        if (wake < 0 || next < wake) wake = next;
    }
    /* while a core is configured, show how delivery goes now and then */
    if (a->up && (wake < 0 || wake > 5000)) wake = 5000;
    /* the core's answer to the lease is awaited: look often */
    if (a->lease && (wake < 0 || wake > 100)) wake = 100;
    /* and take the proctor's commands within a second */
    if (a->room && (wake < 0 || wake > 1000)) wake = 1000;
    /* a released or moved seat goes back to the sign-in by itself */
    if ((a->v.scr == SCR_RELEASED || a->v.scr == SCR_MOVED) && (wake < 0 || wake > 1000))
        wake = 1000;
    return wake;
}

/* Appends typed characters accepted by `ok` to buf (bounded). */
static bool type_into(char *buf, size_t cap, const char *text, bool (*ok)(char))
{
    size_t n = strlen(buf);
    bool changed = false;
    for (const char *p = text; *p && n + 1 < cap; p++) {
        char c = *p;
        if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        if (!ok(c)) continue;
        buf[n++] = c;
        changed = true;
    }
    buf[n] = 0;
    return changed;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_token_char(char c) { return c && strchr(BANK_TOKEN_ALPHABET, c) != NULL; }
static bool is_code_char(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }

/* Drops the last character of buf. */
static bool backspace(char *buf)
{
    size_t n = strlen(buf);
    if (!n) return false;
    buf[n - 1] = 0;
    return true;
}

/* Keeps (or ends) the seat's lock in STATE/seat-locked, so that switching
 * the computer off and on does not give three more PIN tries. */
static void seat_lock(app *a, bool locked)
{
    char path[1100], why[WHY_SIZE] = "";
    snprintf(path, sizeof path, "%s/seat-locked", a->cfg.state_dir);
    if (locked ? bank_file_write_atomic(path, a->nip, strlen(a->nip), 0600, why) != BANK_OK
               : unlink(path) != 0 && errno != ENOENT)
        klog_event(a->log, "seat-locked", "%s: %s", path, locked ? why : strerror(errno));
}

/* Forgets the PIN typed, shown or held. */
static void pin_forget(app *a)
{
    OPENSSL_cleanse(a->pin, sizeof a->pin);
    a->v.pin_len = 0;
}

/* Checks the PIN typed for a->nip against the unlocked session, then
 * forgets it: the participant goes on, is turned away (already
 * submitted), or back to the PIN with one try less (the seat locks after
 * the last). */
static void pin_verdict(app *a)
{
    char why[WHY_SIZE] = "";
    snprintf(a->attempt, sizeof a->attempt, "%s/%s", bank_session_id(a->s), a->nip);
    bank_err e = bank_session_check_pin(a->s, a->nip, a->pin, why);
    pin_forget(a);
    a->v.scr = SCR_IDENTIFY;
    /* only after the right PIN: whether a NIP has finished is nobody else's business */
    if (!e && journal_is_submitted(a->j, a->attempt, why) == 1) {
        klog_event(a->log, "identified", "NIP %s: already submitted, turned away", a->nip);
        a->v.msg = "identify.done";
        a->nip[0] = 0;
        a->v.field = 0;
        return;
    }
    if (e == BANK_ENOTFOUND) {
        a->v.msg = "identify.unknown";
        a->v.field = 0;
        return;
    }
    if (e) {
        a->v.field = 1;
        a->v.tries_left--;
        a->v.msg = "identify.wrongpin";
        klog_event(a->log, "pin-wrong", "NIP %s, %d tries left", a->nip,
                   a->v.tries_left > 0 ? a->v.tries_left : 0);
        if (a->v.tries_left <= 0) {
            klog_event(a->log, "seat-locked", "NIP %s: proctor code needed", a->nip);
            seat_lock(a, true);
            a->v.scr = SCR_LOCKED;
            a->v.msg = "locked.hint";
            exam_note_incident(a, "pin-lock");
        }
        return;
    }
    a->v.tries_left = PIN_TRIES;
    a->v.msg = "";
    klog_event(a->log, "identified", "NIP %s", a->nip);
    app_lease_ask(a, false);
}

/* ENTER on the identify screen. A PIN can be checked only once the
 * session is unlocked (its verifiers are keyed with the session's key):
 * before the token it is held, unseen, and checked right after it. */
static void identify_enter(app *a)
{
    if (a->v.field == 0 || !a->pin[0]) {
        if (!bank_nip_valid(a->nip)) {
            a->v.msg = "identify.badnip";
            return;
        }
        if (bank_session_attempt(a->s, a->nip) < 0) {
            a->v.msg = "identify.unknown";
            return;
        }
        a->v.field = 1;
        a->v.msg = "";
        if (!a->pin[0]) return;
    }
    if (a->session_unlocked) {
        pin_verdict(a);
        return;
    }
    a->v.msg = "";
    a->v.scr = SCR_WAIT;
}

/* Seconds before a token or proctor code is taken again, rounded up. */
static int wait_s(const app *a)
{
    int64_t ms = throttle_wait_ms(&a->tries, app_now(a));
    return (int)((ms + 999) / 1000);
}

bool app_try_allowed(app *a, char *typed, size_t cap)
{
    a->v.wait_s = wait_s(a);
    if (a->v.wait_s == 0) return true;
    OPENSSL_cleanse(typed, cap);
    a->v.msg = "throttle.wait";
    return false;
}

/* Counts a wrong token or proctor code (`what`); logs the wait it costs. */
void app_try_failed(app *a, const char *what)
{
    char why[WHY_SIZE] = "";
    int64_t wait = throttle_fail(&a->tries, app_now(a), why);
    if (wait < 0) klog_event(a->log, "token-throttled", "%s", why);
    else if (wait > 0)
        klog_event(a->log, "token-throttled",
                   "%d wrong tokens or codes in a row (%s): next try in %lld s", a->tries.fails,
                   what, (long long)(wait / 1000));
    a->v.wait_s = wait_s(a);
}

/* A right token or proctor code: the count of wrong ones starts again. */
void app_try_succeeded(app *a)
{
    char why[WHY_SIZE] = "";
    if (throttle_reset(&a->tries, why) != 0) klog_event(a->log, "token-throttled", "%s", why);
}

/* ENTER on the token screen: unlock the session, then go on. */
static void wait_enter(app *a)
{
    char why[WHY_SIZE] = "";
    if (!app_try_allowed(a, a->token, sizeof a->token)) return;
    bank_err e = bank_session_unlock(a->s, a->token, strlen(a->token), why);
    OPENSSL_cleanse(a->token, sizeof a->token);
    if (e == BANK_ETOKEN) {
        klog_event(a->log, "token-wrong", "session %s", bank_session_id(a->s));
        a->v.msg = "wait.wrongtoken";
        app_try_failed(a, "token");
        if (a->v.wait_s > 0) a->v.msg = "throttle.wait";
        return;
    }
    app_try_succeeded(a);
    if (e) {
        pin_forget(a);
        app_fail(a, "start.tampered", why);
        return;
    }
    a->session_unlocked = true;
    klog_event(a->log, "session-unlocked", "session %s (proctor token accepted)",
               bank_session_id(a->s));
    a->v.msg = "";
    if (a->resuming) app_lease_ask(a, true);
    else pin_verdict(a);
}

/* Checks the proctor code: the session's own proctor code (from the
 * proctor's slip), or the code of --proctor-code-file instead when one is
 * given (a documented override). Never the participant token. */
bool app_proctor_code_ok(app *a)
{
    char why[WHY_SIZE] = "";
    if (a->cfg.proctor_code_file) {  /* the code is the file's first line */
        size_t n = 0;
        char *want = secret_read(a->cfg.proctor_code_file, SECRET_MAX, 0, &n, NULL);
        if (!want) return false;
        want[strcspn(want, "\r\n")] = 0;
        for (char *p = want; *p; p++)
            if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
        bool ok = want[0] && strcmp(want, a->code) == 0;
        secret_free(want, n);
        return ok;
    }
    /* without a session (start-up error) there is no proctor code to check */
    return a->s && bank_session_check_proctor(a->s, a->code, strlen(a->code), why) == BANK_OK;
}

bool app_code_typed_ok(app *a, const char *what)
{
    if (!app_try_allowed(a, a->code, sizeof a->code)) return false;
    bool ok = app_proctor_code_ok(a);
    OPENSSL_cleanse(a->code, sizeof a->code);
    if (!ok) {
        klog_event(a->log, "proctor-code-wrong", "%s", what);
        a->v.msg = "proctor.wrong";
        app_try_failed(a, "proctor code");
        if (a->v.wait_s > 0) a->v.msg = "throttle.wait";
        return false;
    }
    app_try_succeeded(a);
    a->v.msg = "";
    return true;
}

/* ENTER on a proctor-code screen (seat lock or quit). */
static void proctor_enter(app *a)
{
    if (!app_code_typed_ok(a, a->v.scr == SCR_LOCKED ? "seat lock" : "quit")) return;
    klog_event(a->log, a->v.scr == SCR_LOCKED ? "seat-unlocked" : "quit", "by the proctor code");
    if (a->v.scr == SCR_LOCKED) {
        seat_lock(a, false);
        a->v.tries_left = PIN_TRIES;
        a->v.scr = room_next_screen(a);
        a->v.field = 1;
        return;
    }
    a->quit = true;
}

/* Opens the proctor prompt on top of the current screen. */
static void proctor_open(app *a, bool attempt_to_quit)
{
    if (a->v.scr == SCR_PROCTOR || a->v.scr == SCR_LOCKED || a->v.scr == SCR_DAMAGE ||
        a->v.scr == SCR_SEAT_LOCKED)
        return;
    if (attempt_to_quit) exam_incident(a, "quit-attempt");
    a->back = a->v.scr;
    a->v.scr = SCR_PROCTOR;
    a->v.msg = "proctor.hint";
    OPENSSL_cleanse(a->code, sizeof a->code);
}

/* Text screens: identify, wait, locked, proctor. */
static bool handle_text(app *a, const action *act)
{
    screen s = a->v.scr;
    char *buf = s == SCR_IDENTIFY ? (a->v.field ? a->pin : a->nip)
                : s == SCR_WAIT   ? a->token
                                  : a->code;
    size_t cap = s == SCR_IDENTIFY ? (a->v.field ? sizeof a->pin : sizeof a->nip)
                 : s == SCR_WAIT   ? sizeof a->token
                                   : sizeof a->code;
    bool (*ok)(char) = s == SCR_IDENTIFY ? is_digit : s == SCR_WAIT ? is_token_char : is_code_char;
    bool changed = false;
    switch (act->kind) {
    case ACT_TEXT: changed = type_into(buf, cap, act->text, ok); break;
    case ACT_BACKSPACE: changed = backspace(buf); break;
    case ACT_TAB:
        if (s != SCR_IDENTIFY) return false;
        a->v.field = !a->v.field;
        return true;
    case ACT_ENTER:
        if (s == SCR_IDENTIFY) identify_enter(a);
        else if (s == SCR_WAIT) wait_enter(a);
        else if (s == SCR_DAMAGE) damage_enter(a);
        else if (s == SCR_SEAT_LOCKED || s == SCR_AUTHORISE) room_code_enter(a);
        else proctor_enter(a);
        break;
    case ACT_ESCAPE:
        if (s == SCR_PROCTOR) {
            a->v.scr = a->back;
            a->v.msg = "";
            OPENSSL_cleanse(a->code, sizeof a->code);
        } else if (s == SCR_IDENTIFY && a->v.field == 1) {
            a->v.field = 0;
            OPENSSL_cleanse(a->pin, sizeof a->pin);
        } else if (s == SCR_AUTHORISE) {  /* as on the instructions: back to the sign-in */
            exam_clear(a);
            OPENSSL_cleanse(a->code, sizeof a->code);
            a->v.scr = SCR_IDENTIFY;
            a->v.field = 0;
            a->nip[0] = 0;
        } else if (s == SCR_WAIT && !a->resuming) {
            a->v.scr = SCR_IDENTIFY;
            a->v.field = 0;
            OPENSSL_cleanse(a->token, sizeof a->token);
            pin_forget(a);
        }
        break;
    default: return false;
    }
    if (changed && a->v.msg[0] && s != SCR_LOCKED && s != SCR_DAMAGE && s != SCR_AUTHORISE)
        a->v.msg = "";
    a->v.pin_len = strlen(a->pin);
    return true;
}

/* F1 (participant or proctor) before the attempt begins: read aloud on or
 * off; without an audio device it stays off and the screen says so. */
static bool aloud_toggle(app *a, const action *act)
{
    screen s = a->v.scr == SCR_PROCTOR ? a->back : a->v.scr;
    if (s != SCR_IDENTIFY && s != SCR_WAIT && s != SCR_INSTRUCTIONS && s != SCR_AUTHORISE)
        return false;
    if (a->resuming) return false;  /* the journal's setting stands for a resumed attempt */
    if (!a->v.aloud && !act->index) {
        a->v.msg = "aloud.noaudio";
        klog_event(a->log, "read-aloud", "no audio device: the exam goes on without speech");
        return true;
    }
    a->v.aloud = !a->v.aloud;
    a->v.msg = a->v.aloud ? "aloud.on" : "aloud.off";
    klog_event(a->log, "read-aloud", "%s", a->v.aloud ? "on" : "off");
    return true;
}

static bool handle(app *a, const action *act);

bool app_handle(app *a, const action *act)
{
    int queued = a->v.queued;
    uploader_info was = a->v.delivery;
    int waited = a->v.wait_s;
    if (act->kind == ACT_TICK) app_refresh_queued(a);
    bool changed = handle(a, act) || queued != a->v.queued ||
                   memcmp(&was, &a->v.delivery, sizeof was) != 0;
    a->v.wait_s = wait_s(a);
    if (a->v.wait_s == 0 && waited > 0 && strcmp(a->v.msg, "throttle.wait") == 0) a->v.msg = "";
    changed = changed || waited != a->v.wait_s;
    if (a->room) {
        changed |= room_obey(a);
        room_tell(a);
    }
    app_replica_kick(a);
    trace(a);
    return changed;
}

/* Dispatches one action by screen. */
static bool handle(app *a, const action *act)
{
    if (a->lease) return app_lease_wait(a);  /* a few seconds: the keys wait */
    switch (act->kind) {
    case ACT_FONT_BIGGER:
    case ACT_FONT_SMALLER:
    case ACT_CONTRAST: return true;  /* the UI changed its look: redraw */
    case ACT_QUIT:
        if (a->v.scr == SCR_ERROR || a->v.scr == SCR_DAMAGE) {
            a->quit = true;           /* nothing to protect yet */
            return true;
        }
        proctor_open(a, true);
        return true;
    case ACT_PROCTOR: proctor_open(a, false); return true;
    case ACT_FOCUS_LOST: exam_incident(a, "focus-lost"); return false;
    case ACT_DISPLAY: exam_incident(a, "display-changed"); return true;
    case ACT_ALOUD: return aloud_toggle(a, act);
    default: break;
    }
    switch (a->v.scr) {
    case SCR_ERROR:
    case SCR_ENDED: return false;
    case SCR_PAUSED:
    case SCR_RELEASED:
    case SCR_MOVED: return room_handle(a, act);
    case SCR_IDENTIFY:
    case SCR_WAIT:
    case SCR_LOCKED:
    case SCR_PROCTOR:
    case SCR_DAMAGE:
    case SCR_SEAT_LOCKED:
    case SCR_AUTHORISE:
        if (act->kind == ACT_TICK) return exam_tick(a);
        return handle_text(a, act);
    default: return exam_handle(a, act);
    }
}
