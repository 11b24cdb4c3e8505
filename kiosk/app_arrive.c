/* app_arrive.c -- a participant moved here from another seat: the attempt's events taken from the core's replica, resumed where it stood. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app_internal.h"
#include "why.h"

#define ARRIVE_TIMEOUT_MS 4000L  /* the longest wait for each answer of the core */

void app_replica_kick(app *a)
{
    int64_t now = journal_held_all(a->j);
    if (!a->rep || now == a->rep_seen) return;
    a->rep_seen = now;
    replica_kick(a->rep);
}

/* Journals J_ARRIVED {"from": who} on the resumed attempt and applies it. */
static void arrived(app *a, const char *from)
{
    char why[WHY_SIZE] = "";
    json_t *o = json_pack("{s:s}", "from", from);
    char *payload = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    int64_t now = app_now(a);
    jevent e = {.kind = J_ARRIVED, .wall_ms = now, .used_ms = a->live_used_ms,
                .payload = payload, .hash = ""};
    if (!payload || journal_append(a->j, a->attempt, J_ARRIVED, now, a->live_used_ms, payload,
                                   why) != 0 ||
        sitting_apply(&a->st, &e, why) != 0)
        klog_event(a->log, "journal-error", "J_ARRIVED: %s", payload ? why : "out of memory");
    free(payload);
}

bool exam_arrive(app *a, long long expected)
{
    char why[WHY_SIZE] = "", from[65] = "";
    if (!a->rep || expected == 0) return false;
    int64_t held = journal_held(a->j, a->attempt, why);
    if (held >= 0 && expected > 0 && expected <= held) return false;  /* all here already */
    jchain_event *ev = NULL;
    size_t n = 0;
    if (held < 0 || replica_pull(a->cfg.core_url, a->signer, a->attempt, ARRIVE_TIMEOUT_MS, &ev,
                                 &n, from, sizeof from, why) != 0) {
        klog_event(a->log, "replica-fetch", "%s: %s", a->attempt, why);
        return false;
    }
    if (expected > 0 && (long long)n < expected) {
        /* fewer than the core's signed lease answer says it holds: not its answer */
        jchain_free(ev, n);
        klog_event(a->log, "replica-fetch", "%s: %zu events fetched, the lease said %lld",
                   a->attempt, n, expected);
        app_fail(a, "journal.error", "the core's replica of this attempt did not arrive whole");
        return true;
    }
    if ((int64_t)n <= held) {
        jchain_free(ev, n);
        return false;  /* nothing more than here: a new attempt, or this journal's own */
    }
    int got = exam_chain_key(a) ? journal_import(a->j, a->attempt, ev, n, why) : -2;
    jchain_free(ev, n);
    if (got == -2) return true;  /* the error is shown */
    if (got < 0) {
        app_fail(a, "journal.error", why);
        return true;
    }
    klog_event(a->log, "attempt-arrived", "%s: %d events taken from the core (last from kiosk "
               "%.16s)", a->attempt, got, from);
    exam_resume(a);
    if (a->v.scr == SCR_EXAM) arrived(a, from);
    return true;
}
