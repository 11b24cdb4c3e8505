/* app_exam.c -- one attempt on the kiosk: drawing, answering, time, submission and the result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "app_internal.h"
#include "why.h"

#define TICK_SAVE_MS 10000  /* write the charged time at least this often */

static const char *kind_key(bank_exam_kind k)
{
    switch (k) {
    case BANK_EXAM_ACADEMIC: return "kind.academic";
    case BANK_EXAM_QUIZ: return "kind.quiz";
    case BANK_EXAM_COMPETENCY: return "kind.competency";
    case BANK_EXAM_RPL: return "kind.rpl";
    }
    return "";
}

/* Advances the charged time to now while an attempt runs and the proctor
 * does not hold its clock. */
static void charge(app *a)
{
    int64_t now = app_now(a);
    if (a->st.form && !a->st.submitted && !sitting_stopped(&a->st) && now > a->last_tick_ms)
        a->live_used_ms += now - a->last_tick_ms;
    a->last_tick_ms = now;
}

/* Writes an event durably, then applies it to the sitting. False (with
 * the journal error shown) when it could not be written: the screen then
 * does not change, so nothing is shown as saved that is not. */
static bool record(app *a, jkind kind, const char *payload)
{
    char why[WHY_SIZE] = "";
    charge(a);
    int64_t now = app_now(a);
    if (a->st.form && !sitting_in_time(&a->st, kind, a->live_used_ms)) return false;
    if (journal_append(a->j, a->attempt, kind, now, a->live_used_ms, payload, why) != 0) {
        a->v.msg = "journal.error";
        snprintf(a->detail, sizeof a->detail, "%s", why);
        a->v.detail = a->detail;
        return false;
    }
    jevent e = {.kind = kind, .wall_ms = now, .used_ms = a->live_used_ms, .payload = payload,
                .hash = ""};
    if (sitting_apply(&a->st, &e, why) != 0) {
        a->v.msg = "journal.error";
        snprintf(a->detail, sizeof a->detail, "%s", why);
        a->v.detail = a->detail;
        return false;
    }
    a->last_saved_ms = a->live_used_ms;
    return true;
}

bool exam_record(app *a, jkind kind, const char *payload)
{
    return record(a, kind, payload);
}

/* Fills the exam part of the view from the sitting. */
static void view_sync(app *a)
{
    app_view *v = &a->v;
    sitting *st = &a->st;
    if (!st->form || !a->items) return;
    v->cur = st->cur;
    const int *perm = NULL;
    int n = 0;
    bank_form_item(st->form, st->cur, NULL, &perm, &n);
    const bank_item *it = &a->items[st->cur];
    v->stem = it->stem;
    v->rich = it->rich;
    v->image = it->image;
    v->image_len = it->image_len;
    v->noptions = n;
    v->multi = it->kind == BANK_MULTI;
    v->truefalse = it->kind == BANK_TRUEFALSE;
    for (int k = 0; k < n; k++) {
        v->options[k] = it->options[perm[k]];
        v->chosen[k] = strchr(st->answer[st->cur], 'A' + perm[k]) != NULL;
    }
    for (size_t i = 0; i < st->n; i++) {
        a->answered[i] = st->answer[i][0] != 0;
        a->flags[i] = st->flag[i];
    }
    v->answered = a->answered;
    v->flags = a->flags;
    v->flagged = st->flag[st->cur];
    int64_t rem = st->limit_ms - a->live_used_ms;
    v->remaining_ms = rem > 0 ? rem : 0;
    v->warning = rem <= 60000 ? 1 : rem <= 300000 ? 5 : 0;
}

/* Position of `nip` on the roster, or the roster's size when it is not on it. */
static size_t roster_pos(app *a, const char *nip)
{
    size_t i = 0;
    while (i < bank_session_size(a->s) && strcmp(bank_session_nip(a->s, i), nip) != 0) i++;
    return i;
}

/* Sets the instruction facts of the view for the current form: the time is
 * the exam's with the extra minutes the roster grants this participant. */
static void view_facts(app *a, const bank_form *f)
{
    app_view *v = &a->v;
    v->exam_title = bank_exam_title(a->exam);
    v->exam_kind = kind_key(bank_exam_kind_of(a->exam));
    v->nitems = (int)bank_form_size(f);
    v->extra_minutes = bank_session_extra_minutes(a->s, roster_pos(a, a->nip));
    v->minutes = bank_exam_minutes(a->exam) + v->extra_minutes;
    v->attempt = bank_form_attempt(f);
    v->ceiling = bank_exam_ceiling(a->exam, v->attempt);
    v->pass_mark = bank_exam_pass_mark(a->exam);
}

/* Loads the exam and decrypts every item of form f; false -> SCR_ERROR. */
static bool load_items(app *a, const bank_form *f)
{
    char why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    size_t n = bank_form_size(f);
    a->exam = bank_exam_get(a->b, bank_session_exam_id(a->s), &e, why);
    a->items = calloc(n, sizeof *a->items);
    a->nitems = a->items ? n : 0;
    a->answered = calloc(n, sizeof *a->answered);
    a->flags = calloc(n, sizeof *a->flags);
    if (!a->exam || !a->items || !a->answered || !a->flags) {
        app_fail_bank(a, "start.tampered", a->exam ? BANK_ENOMEM : e, a->cfg.bank_path,
                      a->exam ? "out of memory" : why);
        return false;
    }
    for (size_t i = 0; i < n; i++)
        if ((e = bank_item_get(a->b, bank_form_item(f, i, NULL, NULL, NULL), &a->items[i],
                               why))) {
            app_fail_bank(a, "start.tampered", e, a->cfg.bank_path, why);
            return false;
        }
    view_facts(a, f);
    return true;
}

/* The participant's name from the roster. */
static const char *roster_name(app *a, const char *nip)
{
    const char *name = bank_session_name(a->s, roster_pos(a, nip));
    return name ? name : "";
}

/* Sets the journal's chain key of a->attempt, derived from the unlocked
 * session; false (SCR_ERROR) when it cannot be. */
bool exam_chain_key(app *a)
{
    char why[WHY_SIZE] = "";
    unsigned char key[BANK_JOURNAL_KEY];
    bank_err e = bank_session_journal_key(a->s, a->attempt, key);
    int rc = e ? -1 : journal_set_key(a->j, a->attempt, key, why);
    OPENSSL_cleanse(key, sizeof key);
    if (rc == 0) return true;
    app_fail(a, "journal.error", e ? bank_strerror(e) : why);
    return false;
}

void exam_prepare(app *a)
{
    char why[WHY_SIZE] = "", head[65] = "";
    bank_err e = BANK_OK;
    /* an attempt this seat holds unfinished (its login released, or moved here) goes on */
    if (journal_head(a->j, a->attempt, head, why) == 0 && head[0]) {
        klog_event(a->log, "attempt-taken-up", "%s", a->attempt);
        exam_resume(a);
        return;
    }
    exam_clear(a);
    if (!exam_chain_key(a)) return;
    bank_form *f = bank_form_draw(a->s, a->nip, &e, why);
    if (!f) {
        app_fail_bank(a, "start.tampered", e, a->cfg.session_path, why);
        return;
    }
    if (!load_items(a, f)) {
        bank_form_free(f);
        return;
    }
    char *form_json = bank_form_json(f);
    json_t *form = form_json ? json_loads(form_json, 0, NULL) : NULL;
    json_t *o = json_pack("{s:o*, s:s, s:i, s:i}", "form", form, "name",
                          roster_name(a, a->nip), "minutes", a->v.minutes, "extra_minutes",
                          a->v.extra_minutes);
    a->begin_payload = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    free(form_json);
    a->v.name = roster_name(a, a->nip);
    a->v.scr = a->authorise ? SCR_AUTHORISE : SCR_INSTRUCTIONS;
    a->v.msg = "";
    bank_form_free(f);
    if (!a->begin_payload) app_fail(a, "journal.error", "out of memory");
}

/* Journals the incidents held while no attempt was running. */
static void flush_pending(app *a)
{
    for (int i = 0; i < a->npending; i++) {
        /* an incident before this participant identified is not theirs */
        if (strcmp(a->pending_nip[i], a->nip) != 0) continue;
        char payload[96];
        snprintf(payload, sizeof payload, "{\"what\":\"%s\"}", a->pending[i]);
        record(a, J_INCIDENT, payload);
    }
    a->npending = 0;
    /* whether the core gave this seat the attempt, or it started without the core */
    if (a->lease_note[0] && record(a, J_LEASE, a->lease_note)) a->lease_note[0] = 0;
}

void exam_begin(app *a, bool authorised, long long cmd)
{
    a->live_used_ms = 0;
    a->last_tick_ms = app_now(a);
    /* read aloud may be turned on up to here: the journal keeps it for the result */
    json_t *o = json_loads(a->begin_payload, 0, NULL);
    char *payload = o && json_object_set_new(o, "aloud", json_boolean(a->v.aloud)) == 0
                        ? json_dumps(o, JSON_COMPACT)
                        : NULL;
    json_decref(o);
    if (!payload) {
        app_fail(a, "journal.error", "out of memory");
        return;
    }
    free(a->begin_payload);
    a->begin_payload = payload;
    if (!record(a, J_BEGIN, a->begin_payload)) return;
    klog_event(a->log, "attempt-started", "%s, attempt %d", a->attempt, a->v.attempt);
    if (authorised) {
        char auth[48];
        snprintf(auth, sizeof auth, "{\"cmd\":%lld}", cmd);
        if (!record(a, J_AUTHORISED, auth)) return;
    }
    flush_pending(a);
    a->v.scr = SCR_EXAM;
    a->v.scroll = 0;
    view_sync(a);
}

void exam_try_resume(app *a)
{
    char why[WHY_SIZE] = "", attempt[sizeof a->attempt];
    if (journal_unfinished(a->j, attempt, sizeof attempt, why) != 1) return;
    size_t idlen = strlen(bank_session_id(a->s));
    if (strncmp(attempt, bank_session_id(a->s), idlen) != 0 || attempt[idlen] != '/') {
        /* never dropped silently: it cannot be resumed with this session */
        char detail[WHY_SIZE + 128];
        snprintf(detail, sizeof detail,
                 "journal: unfinished attempt %s belongs to another session than %s", attempt,
                 bank_session_id(a->s));
        damage_show(a, JD_UNREADABLE, detail);
        a->v.msg = "damage.othersession";
        return;
    }
    /* the chain is checked once the token gives its key (exam_resume) */
    snprintf(a->attempt, sizeof a->attempt, "%s", attempt);
    snprintf(a->nip, sizeof a->nip, "%s", attempt + idlen + 1);
    a->v.name = roster_name(a, a->nip);
    a->resuming = true;
    a->v.scr = SCR_WAIT;
    a->v.msg = "wait.resume";
}

static void finish(app *a);
static void submit(app *a, const char *why);

void exam_resume(app *a)
{
    char why[WHY_SIZE] = "";
    a->resuming = false;
    if (!exam_chain_key(a)) return;
    if (sitting_load(&a->st, a->j, a->attempt, why) != 0) {
        if (strstr(why, "the chain is broken")) damage_show_chain(a, why);  /* edited on disk */
        else app_fail(a, "journal.error", why);
        return;
    }
    if (!load_items(a, a->st.form)) return;
    a->v.name = a->st.name;
    a->v.aloud = a->st.aloud;
    char payload[64];
    int64_t down = app_now(a) - a->st.last_wall_ms;
    snprintf(payload, sizeof payload, "{\"down_ms\":%lld}", (long long)(down > 0 ? down : 0));
    a->live_used_ms = a->st.used_ms;
    a->last_tick_ms = app_now(a);
    if (!a->st.submitted && !record(a, J_RESUME, payload)) return;
    klog_event(a->log, "attempt-resumed", "%s after %lld s down", a->attempt,
               (long long)(down > 0 ? down / 1000 : 0));
    if (!a->st.submitted) flush_pending(a);
    if (a->st.submitted) {
        finish(a);
        return;
    }
    if (a->ended) {  /* the proctor ended the sitting while it waited for the token */
        submit(a, "proctor");
        return;
    }
    a->v.scr = room_held_screen(a, SCR_EXAM);
    view_sync(a);
}

/* Wipes the decrypted text of item `it`, then frees it. */
static void wipe_item(app *a, bank_item *it)
{
    char *text[2 + BANK_MAX_OPTIONS] = {it->stem, it->topic};
    for (int k = 0; k < BANK_MAX_OPTIONS; k++) text[2 + k] = it->options[k];
    for (size_t k = 0; k < sizeof text / sizeof *text; k++)
        if (text[k]) app_wipe(a, "item", text[k], strlen(text[k]));
    bank_item_clear(it);
}

void exam_clear(app *a)
{
    for (size_t i = 0; a->items && i < a->nitems; i++) wipe_item(a, &a->items[i]);
    if (a->items) app_wipe(a, "items", a->items, a->nitems * sizeof *a->items);
    free(a->items);
    a->nitems = 0;
    free(a->answered);
    free(a->flags);
    a->items = NULL;
    a->answered = a->flags = NULL;
    sitting_clear(&a->st);
    journal_forget_key(a->j);
    bank_exam_free(a->exam);
    a->exam = NULL;
    free(a->begin_payload);
    a->begin_payload = NULL;
    a->v.stem = "";
    a->v.rich = false;
    a->v.image = NULL;
    a->v.image_len = 0;
    a->v.noptions = 0;
    a->v.answered = a->v.flags = NULL;
}

void exam_note_incident(app *a, const char *what)
{
    if (a->npending == APP_PENDING) return;
    snprintf(a->pending_nip[a->npending], sizeof a->pending_nip[0], "%s", a->nip);
    snprintf(a->pending[a->npending++], 32, "%s", what);
}

void exam_incident(app *a, const char *what)
{
    char payload[96];
    snprintf(payload, sizeof payload, "{\"what\":\"%s\"}", what);
    /* during an attempt, and on its result, the incident joins that attempt;
     * while a resumed attempt waits for the token, time does not run */
    if (a->st.form && !a->resuming && a->items) record(a, J_INCIDENT, payload);
    else exam_note_incident(a, what);
}

/* True when a test asked the app to stop at crash point `point`. */
static bool crash_here(app *a, const char *point)
{
    return a->cfg.crash_at && a->cfg.crash_at(point) != 0;
}

/* Stores the result record `json` of the sitting in the outbox; a
 * different record already there (none should be: see finish()) is moved
 * aside into STATE/conflict, kept for the operator, and said on the result
 * screen, so that the seat carries on. Returns 0 or -1 with why set. */
static int store_result(app *a, const char *json, char name[128], bool *conflict, char *why)
{
    const bank_form *f = a->st.form;
    int rc = result_store(a->outbox, json, a->signer, bank_session_id(a->s),
                          bank_form_participant(f), bank_form_attempt(f), name, why);
    *conflict = rc == RESULT_DIFFERENT;
    if (rc != RESULT_DIFFERENT) return rc;
    char dir[1100], kept[4096] = "";
    snprintf(dir, sizeof dir, "%s/conflict", a->cfg.state_dir);
    if (result_set_aside(a->outbox, name, dir, kept, why) != 0) return -1;
    klog_event(a->log, "result-conflict",
               "%s: outbox/%s.json held another result: kept as %s, this one stored",
               a->attempt, name, kept);
    return result_store(a->outbox, json, a->signer, bank_session_id(a->s),
                        bank_form_participant(f), bank_form_attempt(f), name, why) ? -1 : 0;
}

/* Scores the submitted attempt, stores the signed result, shows it. The
 * record is a pure function of the journal (the sitting is rebuilt from it;
 * the finish time and chain link are those of the J_SUBMIT event), so a
 * finish made again after a crash writes the same bytes. */
static void finish(app *a)
{
    char why[WHY_SIZE] = "", name[128] = "";
    sitting *st = &a->st;
    if (sitting_load(st, a->j, a->attempt, why) != 0 || !st->submitted) {
        app_fail(a, "journal.error", why[0] ? why : "the attempt is not submitted");
        return;
    }
    bank_answer *ans = calloc(st->n ? st->n : 1, sizeof *ans);
    if (!ans) {
        app_fail(a, "journal.error", "out of memory");
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < st->n; i++)
        if (st->answer[i][0]) {
            ans[n].item_id = bank_form_item(st->form, i, NULL, NULL, NULL);
            ans[n++].letters = st->answer[i];
        }
    bank_score sc;
    bank_err e = bank_form_score(a->b, st->form, ans, n, &sc, why);
    free(ans);
    if (e) {
        app_fail(a, "journal.error", why);
        return;
    }
    char *json = result_json(bank_id(a->b), bank_session_id(a->s), st, &sc, st->submit_hash,
                             bank_signer_pub(a->signer), st->submit_wall_ms);
    bool conflict = false;
    int rc = json ? store_result(a, json, name, &conflict, why) : -1;
    if (!json) why_set(why, "out of memory");
    free(json);
    if (rc != 0) {
        app_fail(a, "journal.error", why);
        return;
    }
    if (crash_here(a, "stored")) return;
    char payload[200];
    snprintf(payload, sizeof payload, "{\"file\":\"%s\"}", name);
    record(a, J_RESULT, payload);
    klog_event(a->log, "result-stored", "%s: outbox/%s.json, awarded %d, %s", a->attempt, name,
               sc.awarded, sc.passed ? "passed" : "not passed");
    a->v.score = sc;
    a->v.band_en = bank_band_en(sc.awarded);
    /* a time-out says so before the result */
    a->v.scr = strcmp(st->submit_why, "timeout") == 0 ? SCR_TIMEOUT : SCR_RESULT;
    a->v.msg = conflict ? "result.conflict" : "";
    uploader_kick(a->up);
    app_refresh_queued(a);
}

static void submit(app *a, const char *why)
{
    char payload[64];
    snprintf(payload, sizeof payload, "{\"why\":\"%s\"}", why);
    if (!record(a, J_SUBMIT, payload)) return;
    klog_event(a->log, "attempt-submitted", "%s (%s)", a->attempt, why);
    if (crash_here(a, "submitted")) return;
    finish(a);
}

void exam_submit(app *a, const char *why)
{
    submit(a, why);
}

bool exam_running(const app *a)
{
    return a->st.form && !a->st.submitted && a->items && !a->resuming;
}

void exam_view(app *a)
{
    screen keep = a->v.scr;
    view_sync(a);
    a->v.scr = keep;
}

int64_t exam_remaining(const app *a)
{
    if (!a->st.form || a->st.submitted || !a->items || a->resuming || a->v.scr == SCR_ERROR)
        return -1;
    int64_t now = app_now(a), used = a->live_used_ms;
    if (now > a->last_tick_ms && !sitting_stopped(&a->st)) used += now - a->last_tick_ms;
    return used < a->st.limit_ms ? a->st.limit_ms - used : 0;
}

bool exam_tick(app *a)
{
    if (!a->st.form || a->st.submitted || !a->items) return false;
    charge(a);
    if (a->st.limit_ms - a->live_used_ms <= 0) {
        submit(a, "timeout");
        return true;
    }
    if (a->live_used_ms - a->last_saved_ms >= TICK_SAVE_MS) record(a, J_TICK, "{}");
    exam_view(a);
    return true;
}

/* Removes the answer of the current item (journalled as an empty answer). */
static void clear_answer(app *a)
{
    sitting *st = &a->st;
    if (!st->answer[st->cur][0]) return;
    char payload[48];
    snprintf(payload, sizeof payload, "{\"i\":%zu,\"v\":\"\"}", st->cur);
    if (record(a, J_ANSWER, payload)) a->v.msg = "exam.cleared";
}

/* Chooses (or, for multi, toggles) the option shown at display place k. */
static void choose(app *a, int k)
{
    sitting *st = &a->st;
    const int *perm = NULL;
    int n = 0;
    bank_form_item(st->form, st->cur, NULL, &perm, &n);
    if (k < 0 || k >= n) return;
    char letter = (char)('A' + perm[k]), now[BANK_MAX_OPTIONS + 1] = "";
    const char *old = st->answer[st->cur];
    if (a->items[st->cur].kind == BANK_MULTI) {
        size_t m = 0;
        for (char c = 'A'; c < 'A' + n; c++) {
            bool on = strchr(old, c) != NULL;
            if (c == letter) on = !on;
            if (on) now[m++] = c;
        }
        now[m] = 0;
    } else {
        if (old[0] == letter && !old[1]) return;
        now[0] = letter;
        now[1] = 0;
    }
    char payload[64];
    snprintf(payload, sizeof payload, "{\"i\":%zu,\"v\":\"%s\"}", st->cur, now);
    if (record(a, J_ANSWER, payload)) a->v.msg = "exam.saved";
}

static void go(app *a, long i)
{
    if (i < 0 || (size_t)i >= a->st.n) return;
    a->v.scr = SCR_EXAM;
    a->v.scroll = 0;
    if ((size_t)i == a->st.cur) return;
    char payload[48];
    snprintf(payload, sizeof payload, "{\"i\":%ld}", i);
    if (record(a, J_NAV, payload)) a->v.msg = "";
}

void exam_hand_over(app *a)
{
    app_view *v = &a->v;
    exam_clear(a);
    app_wipe_seat(a);  /* nothing of this participant stays for the next */
    v->scr = room_next_screen(a);
    v->field = 0;
    a->nip[0] = 0;
    v->msg = "";
    a->npending = 0;  /* what was held belongs to nobody who comes next */
    v->aloud = false;  /* an accommodation is the participant's, not the seat's */
    v->seat++;
    a->notice[0] = 0;   /* the proctor's notice was for the one who left */
    v->notice_key = "";
    v->notices++;
    a->reason[0] = 0;
}

bool exam_handle(app *a, const action *act)
{
    app_view *v = &a->v;
    /* nothing is taken once the time is up: the time-out comes first */
    if (act->kind == ACT_TICK || exam_remaining(a) == 0) return exam_tick(a);
    switch (v->scr) {
    case SCR_INSTRUCTIONS:
        if (act->kind == ACT_START || act->kind == ACT_ENTER) exam_begin(a, false, 0);
        else if (act->kind == ACT_ESCAPE) {
            exam_clear(a);
            v->scr = SCR_IDENTIFY;
            v->field = 0;
            a->nip[0] = 0;
        } else return false;
        return true;
    case SCR_TIMEOUT:
        if (act->kind != ACT_ENTER && act->kind != ACT_YES) return false;
        v->scr = SCR_RESULT;
        return true;
    case SCR_RESULT:
        if (act->kind != ACT_NEXT_SEAT && act->kind != ACT_ENTER) return false;
        exam_hand_over(a);
        return true;
    case SCR_CONFIRM:
        if (act->kind == ACT_TAB) v->confirm_focus = !v->confirm_focus;
        else if (act->kind == ACT_YES || (act->kind == ACT_ENTER && v->confirm_focus == 1))
            submit(a, "participant");
        else if (act->kind == ACT_NO || act->kind == ACT_ESCAPE || act->kind == ACT_ENTER)
            v->scr = SCR_EXAM;
        else return false;
        return true;
    case SCR_REVIEW:
        if (act->kind == ACT_GOTO) go(a, act->index);
        else if (act->kind == ACT_ESCAPE || act->kind == ACT_NO) v->scr = SCR_EXAM;
        else if (act->kind == ACT_SUBMIT) {
            v->scr = SCR_CONFIRM;
            v->confirm_focus = 0;
        } else return false;
        view_sync(a);
        return true;
    case SCR_EXAM: break;
    default: return false;
    }
    switch (act->kind) {
    case ACT_OPTION: choose(a, act->index); break;
    case ACT_CLEAR: clear_answer(a); break;
    case ACT_NEXT: go(a, (long)a->st.cur + 1); break;
    case ACT_PREV: go(a, (long)a->st.cur - 1); break;
    case ACT_GOTO: go(a, act->index); break;
    case ACT_FLAG: {
        char payload[48];
        snprintf(payload, sizeof payload, "{\"i\":%zu,\"v\":%d}", a->st.cur,
                 a->st.flag[a->st.cur] ? 0 : 1);
        record(a, J_FLAG, payload);
        break;
    }
    case ACT_SCROLL:
        v->scroll += act->index;
        if (v->scroll < 0) v->scroll = 0;
        break;
    case ACT_REVIEW: v->scr = SCR_REVIEW; break;
    case ACT_SUBMIT:
        v->scr = SCR_CONFIRM;
        v->confirm_focus = 0;
        break;
    default: return false;
    }
    view_sync(a);
    return true;
}
