/* app_room.c -- the kiosk obeys the proctor: commands of the core, the room's screens, the seat's state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "app_internal.h"

#define BRIEF_MS 15000                /* SCR_RELEASED and SCR_MOVED stay this long */
#define ENDED_FILE "sitting-ended"    /* STATE/sitting-ended: the session the proctor ended */

/* The participant the seat serves now (identified, or resuming), "" = none. */
static const char *seated_nip(const app *a)
{
    return a->items || a->resuming ? a->nip : "";
}

/* Shows the notice of a command obeyed in the footer (and says it aloud):
 * the text of `key` with `arg`. */
static void notice(app *a, const char *key, const char *arg)
{
    snprintf(a->notice, sizeof a->notice, "%s", arg ? arg : "");
    a->v.notice_key = key;
    a->v.notices++;
}

/* A command that does not apply to the seat now: logged, not obeyed. */
static bool skip(app *a, const checkin_cmd *c, const char *why)
{
    klog_event(a->log, "command-skipped", "command %lld (%s): %s", c->seq, c->kind, why);
    return false;
}

/* Journals the event `kind` with the payload `o` (stolen); false when it
 * could not be written (the journal's error is shown). */
static bool journal_json(app *a, jkind kind, json_t *o)
{
    char *payload = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    bool ok = payload && exam_record(a, kind, payload);
    if (!payload) app_fail(a, "journal.error", "out of memory");
    free(payload);
    return ok;
}

/* Closes the proctor prompt opened over the seat's screen (the code typed is wiped). */
static void prompt_close(app *a)
{
    if (a->v.scr != SCR_PROCTOR) return;
    OPENSSL_cleanse(a->code, sizeof a->code);
    a->v.scr = a->back;
    a->v.msg = "";
}

/* Puts `scr` (SCR_PAUSED, SCR_SEAT_LOCKED) over the seat's screen. */
static void hold(app *a, screen scr)
{
    prompt_close(a);
    if (a->v.scr != SCR_PAUSED && a->v.scr != SCR_SEAT_LOCKED) a->held = a->v.scr;
    a->v.scr = scr;
    a->v.msg = "";
    OPENSSL_cleanse(a->code, sizeof a->code);
}

/* Puts `to` where `from` is shown, also under the proctor prompt. */
static void replace_screen(app *a, screen from, screen to)
{
    if (a->v.scr == from) a->v.scr = to;
    else if (a->v.scr == SCR_PROCTOR && a->back == from) a->back = to;
}

screen room_held_screen(app *a, screen s)
{
    if (!a->st.locked && !a->st.paused) return s;
    a->held = s;
    return a->st.locked ? SCR_SEAT_LOCKED : SCR_PAUSED;
}

screen room_next_screen(const app *a)
{
    return a->ended ? SCR_ENDED : SCR_IDENTIFY;
}

static bool obey_extend(app *a, const checkin_cmd *c)
{
    if (!exam_running(a)) return skip(a, c, "no attempt runs");
    if (!journal_json(a, J_EXTEND, json_pack("{s:i, s:s, s:I}", "minutes", c->minutes, "reason",
                                             c->text, "cmd", (json_int_t)c->seq)))
        return true;
    char n[16];
    snprintf(n, sizeof n, "%d", c->minutes);
    notice(a, "room.extend", n);
    exam_view(a);
    return true;
}

static bool obey_pause(app *a, const checkin_cmd *c)
{
    if (!exam_running(a)) return skip(a, c, "no attempt runs");
    if (!a->st.paused && !journal_json(a, J_PAUSE, json_pack("{s:I, s:s}", "cmd",
                                                            (json_int_t)c->seq, "reason", c->text)))
        return true;
    snprintf(a->reason, sizeof a->reason, "%s", c->text);
    if (a->v.scr != SCR_SEAT_LOCKED) hold(a, SCR_PAUSED);
    notice(a, "room.pause", "");
    exam_view(a);
    return true;
}

static bool obey_resume(app *a, const checkin_cmd *c)
{
    if (!exam_running(a) || !a->st.paused) return skip(a, c, "the attempt is not paused");
    if (!journal_json(a, J_CONTINUE, json_pack("{s:I}", "cmd", (json_int_t)c->seq))) return true;
    replace_screen(a, SCR_PAUSED, a->held);
    if (!a->st.locked) a->reason[0] = 0;
    notice(a, "room.resume", "");
    exam_view(a);
    return true;
}

static bool obey_lock(app *a, const checkin_cmd *c)
{
    screen s = a->v.scr == SCR_PROCTOR ? a->back : a->v.scr;
    if (s == SCR_ERROR || s == SCR_DAMAGE || s == SCR_ENDED || s == SCR_LOCKED)
        return skip(a, c, "the seat waits for the proctor already");
    if (exam_running(a) && !a->st.locked &&
        !journal_json(a, J_LOCK, json_pack("{s:I, s:s}", "cmd", (json_int_t)c->seq, "reason",
                                           c->text)))
        return true;
    snprintf(a->reason, sizeof a->reason, "%s", c->text);
    hold(a, SCR_SEAT_LOCKED);
    notice(a, "room.lock", "");
    exam_view(a);
    return true;
}

/* Unlocks the seat: by the command numbered cmd (by "core") or the proctor
 * code typed here (cmd 0, by "code"). */
static void unlock(app *a, long long cmd, const char *by)
{
    if (exam_running(a) && a->st.locked &&
        !journal_json(a, J_UNLOCK, json_pack("{s:I, s:s}", "cmd", (json_int_t)cmd, "by", by)))
        return;
    klog_event(a->log, "seat-unlocked", "by the proctor (%s)", by);
    if (a->v.scr == SCR_SEAT_LOCKED)
        a->v.scr = exam_running(a) && a->st.paused ? SCR_PAUSED : a->held;
    if (!a->st.paused) a->reason[0] = 0;
    notice(a, "room.unlock", "");
    exam_view(a);
}

static bool obey_unlock(app *a, const checkin_cmd *c)
{
    if (a->v.scr != SCR_SEAT_LOCKED && !(exam_running(a) && a->st.locked))
        return skip(a, c, "the seat is not locked");
    unlock(a, c->seq, "core");
    return true;
}

static bool obey_authorise(app *a, const checkin_cmd *c)
{
    if (a->v.scr != SCR_AUTHORISE) return skip(a, c, "no start waits for the proctor here");
    OPENSSL_cleanse(a->code, sizeof a->code);
    exam_begin(a, true, c->seq);
    notice(a, "room.authorise", "");
    return true;
}

/* Release and move-out: the attempt is kept unfinished (J_RELEASE, J_MOVED
 * to seat c->seat) and the seat is handed over. */
static bool obey_leave(app *a, const checkin_cmd *c)
{
    bool move = strcmp(c->kind, "move-out") == 0;
    if (!seated_nip(a)[0]) return skip(a, c, "no participant on the seat");
    prompt_close(a);
    if (exam_running(a)) {
        json_t *o = move ? json_pack("{s:I, s:s}", "cmd", (json_int_t)c->seq, "to", c->seat)
                         : json_pack("{s:I}", "cmd", (json_int_t)c->seq);
        if (!journal_json(a, move ? J_MOVED : J_RELEASE, o)) return true;
    }
    klog_event(a->log, move ? "participant-moved" : "login-released", "%s%s%s",
               a->attempt, move ? " to seat " : "", move ? c->seat : "");
    a->resuming = false;
    exam_hand_over(a);
    snprintf(a->moved_to, sizeof a->moved_to, "%s", move ? c->seat : "");
    a->v.scr = move ? SCR_MOVED : SCR_RELEASED;
    a->brief_until_ms = app_now(a) + BRIEF_MS;
    notice(a, move ? "room.moved" : "room.release", a->moved_to);
    return true;
}

/* Records that the proctor ended this session's sitting here, so that a
 * restart keeps the seat closed. */
static void ended_write(app *a)
{
    char path[1100], why[WHY_SIZE] = "";
    const char *id = bank_session_id(a->s);
    snprintf(path, sizeof path, "%s/" ENDED_FILE, a->cfg.state_dir);
    if (bank_file_write_atomic(path, id, strlen(id), 0600, why) != BANK_OK)
        klog_event(a->log, "sitting-ended", "%s: %s", path, why);
}

static bool obey_end(app *a, const checkin_cmd *c)
{
    if (!a->s) return skip(a, c, "no session");
    a->ended = true;
    ended_write(a);
    klog_event(a->log, "sitting-ended", "by the proctor (command %lld)", c->seq);
    prompt_close(a);
    screen s = a->v.scr;
    if (exam_running(a)) exam_submit(a, "proctor");  /* its result is shown, then SCR_ENDED */
    else if (s != SCR_RESULT && s != SCR_TIMEOUT && s != SCR_ERROR && s != SCR_DAMAGE &&
             !a->resuming)
        exam_hand_over(a);
    notice(a, "room.end", "");
    return true;
}

/* Obeys one checked command; true when the view changed. */
static bool obey(app *a, const checkin_cmd *c)
{
    const char *nip = seated_nip(a);
    if (c->nip[0] && strcmp(c->nip, nip) != 0) return skip(a, c, "for another participant");
    if (strcmp(c->kind, "message") == 0) {
        klog_event(a->log, "proctor-message", "command %lld: %s", c->seq, c->text);
        notice(a, "room.message", c->text);
        return true;
    }
    klog_event(a->log, "proctor-command", "command %lld: %s%s%s", c->seq, c->kind,
               c->text[0] ? ": " : "", c->text);
    if (strcmp(c->kind, "extend") == 0) return obey_extend(a, c);
    if (strcmp(c->kind, "pause") == 0) return obey_pause(a, c);
    if (strcmp(c->kind, "resume") == 0) return obey_resume(a, c);
    if (strcmp(c->kind, "lock") == 0) return obey_lock(a, c);
    if (strcmp(c->kind, "unlock") == 0) return obey_unlock(a, c);
    if (strcmp(c->kind, "authorise") == 0) return obey_authorise(a, c);
    if (strcmp(c->kind, "release") == 0 || strcmp(c->kind, "move-out") == 0)
        return obey_leave(a, c);
    if (strcmp(c->kind, "end") == 0) return obey_end(a, c);
    return skip(a, c, "unknown kind");  /* checkin_cmd_check lets none through */
}

bool room_obey(app *a)
{
    checkin_cmd cmd;
    char why[WHY_SIZE] = "";
    bool changed = false;
    int got;
    while ((got = checkin_take(a->room, &cmd, why)) == 1) changed |= obey(a, &cmd);
    if (got < 0) klog_event(a->log, "command-error", "%s", why);
    return changed;
}

bool room_handle(app *a, const action *act)
{
    switch (a->v.scr) {
    case SCR_PAUSED:
        return act->kind == ACT_TICK && exam_tick(a);
    case SCR_RELEASED:
    case SCR_MOVED:
        if (act->kind != ACT_ENTER && (act->kind != ACT_TICK || app_now(a) < a->brief_until_ms))
            return false;
        a->v.scr = room_next_screen(a);
        a->moved_to[0] = 0;
        return true;
    default:
        return false;
    }
}

void room_code_enter(app *a)
{
    if (!app_code_typed_ok(a, a->v.scr == SCR_SEAT_LOCKED ? "seat locked by the proctor"
                                                           : "authorise"))
        return;
    if (a->v.scr == SCR_SEAT_LOCKED) {
        unlock(a, 0, "code");
        return;
    }
    klog_event(a->log, "authorised", "by the proctor code");
    exam_begin(a, true, 0);
    notice(a, "room.authorise", "");
}

void room_start(app *a)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/" ENDED_FILE, a->cfg.state_dir);
    size_t n = 0;
    char *id = NULL;
    if (bank_file_read(path, 64, &id, &n, NULL) == BANK_OK && a->s &&
        n == strlen(bank_session_id(a->s)) && memcmp(id, bank_session_id(a->s), n) == 0) {
        a->ended = true;
        klog_event(a->log, "sitting-ended", "before the restart: the seat stays closed");
        if (a->v.scr == SCR_IDENTIFY) a->v.scr = SCR_ENDED;
    }
    free(id);
}

void room_tell(app *a)
{
    checkin_state st;
    memset(&st, 0, sizeof st);
    snprintf(st.screen, sizeof st.screen, "%s", screen_name(a->v.scr));
    if (a->s) snprintf(st.session, sizeof st.session, "%s", bank_session_id(a->s));
    if (a->v.scr != SCR_IDENTIFY && a->v.scr != SCR_ERROR) {
        snprintf(st.nip, sizeof st.nip, "%s", a->nip);
        if (seated_nip(a)[0]) snprintf(st.name, sizeof st.name, "%s", a->v.name);
    }
    snprintf(st.lease, sizeof st.lease, "%s", a->lease_state);
    snprintf(st.delivery, sizeof st.delivery, "%s", uploader_state_name(a->v.delivery.state));
    st.jseq = exam_running(a) ? a->st.last_seq : 0;
    st.attempt = a->v.attempt;
    st.total = a->v.nitems;
    for (int i = 0; a->v.answered && a->v.flags && i < a->v.nitems; i++) {
        st.answered += a->v.answered[i];
        st.flagged += a->v.flags[i];
    }
    int64_t left = exam_remaining(a);
    st.left_ms = left > 0 ? left : 0;
    st.incidents = (int)a->st.nincidents;
    st.outbox = a->v.queued;
    checkin_update(a->room, &st);
}
