/* app_damage.c -- a damaged answer journal: shown to the proctor with what it still holds, set aside only by the proctor code. */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "app_internal.h"
#include "why.h"

/* Key of the localized text of damage `d`. */
static const char *damage_key(jdamage d)
{
    switch (d) {
    case JD_LOST: return "damage.lost";
    case JD_REPLACED: return "damage.replaced";
    case JD_OTHERKIOSK: return "damage.otherkiosk";
    case JD_FORMAT: return "damage.format";
    case JD_UNREADABLE:
    case JD_NONE: break;
    }
    return "damage.unreadable";
}

/* The NIP of an attempt name "<session id>/<nip>" into a->dmg_last. */
static void last_nip(app *a, const char *attempt)
{
    const char *slash = strrchr(attempt, '/');
    snprintf(a->dmg_last, sizeof a->dmg_last, "%.18s", slash ? slash + 1 : attempt);
}

/* Puts the app on SCR_DAMAGE with message `key`; logs `why`. */
static void show(app *a, const char *key, const char *why)
{
    snprintf(a->dmg_kept, sizeof a->dmg_kept, "%s/damaged", a->cfg.state_dir);
    a->v.dmg_last = a->dmg_last;
    a->v.dmg_kept = a->dmg_kept;
    a->v.scr = SCR_DAMAGE;
    a->v.msg = key;
    snprintf(a->detail, sizeof a->detail, "%s", why ? why : "");
    a->v.detail = a->detail;
    OPENSSL_cleanse(a->code, sizeof a->code);
    klog_event(a->log, "journal-damaged",
               "%s: %lld events readable (%lld answers) of %lld recorded, the last of NIP %s; "
               "proctor code sets it aside into %s",
               why ? why : key, a->v.dmg_readable, a->v.dmg_answers, a->v.dmg_recorded,
               a->dmg_last[0] ? a->dmg_last : "none", a->dmg_kept);
}

void damage_show(app *a, jdamage d, const char *why)
{
    char path[1024];
    jinspect in;
    snprintf(path, sizeof path, "%s/journal.db", a->cfg.state_dir);
    journal_inspect(path, &in);  /* what it holds up to where reading stopped */
    a->v.dmg_readable = in.readable;
    a->v.dmg_answers = in.answers;
    a->v.dmg_recorded = in.recorded;
    a->v.dmg_last_seq = in.last_seq;
    last_nip(a, in.last_attempt);
    show(a, damage_key(d), why);
}

/* journal_replay_count callback: counts the answers among verified events. */
static int count_answers(const jevent *e, void *arg)
{
    if (e->kind == J_ANSWER) ++*(long long *)arg;
    return 0;
}

void damage_show_chain(app *a, const char *why)
{
    int64_t verified = 0;
    long long answers = 0;
    journal_replay_count(a->j, a->attempt, count_answers, &answers, &verified, NULL);
    a->v.dmg_readable = verified;
    a->v.dmg_answers = answers;
    a->v.dmg_recorded = -1;
    a->v.dmg_last_seq = verified;
    last_nip(a, a->attempt);
    show(a, "damage.edited", why);
}

void damage_enter(app *a)
{
    char why[WHY_SIZE] = "", path[1024], kept[1200] = "";
    if (!app_try_allowed(a, a->code, sizeof a->code)) return;
    bool ok = app_proctor_code_ok(a);
    OPENSSL_cleanse(a->code, sizeof a->code);
    if (!ok) {
        klog_event(a->log, "proctor-code-wrong", "damaged journal");
        a->v.msg = "proctor.wrong";
        app_try_failed(a, "proctor code");
        return;
    }
    app_try_succeeded(a);
    exam_clear(a);
    a->resuming = false;
    a->nip[0] = 0;
    journal_close(a->j);
    a->j = NULL;
    snprintf(path, sizeof path, "%s/journal.db", a->cfg.state_dir);
    if (journal_set_aside(path, a->dmg_kept, kept, sizeof kept, why) != 0) {
        app_fail_bank(a, "start.nostate", BANK_EIO, a->dmg_kept, why);
        return;
    }
    klog_event(a->log, "journal-set-aside", "by the proctor code: kept in %s; a new journal begins",
               kept);
    a->v.msg = "";
    a->v.scr = SCR_IDENTIFY;
    a->v.field = 0;
    if (!app_open_journal(a)) return;
}
