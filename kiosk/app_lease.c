/* app_lease.c -- one seat per attempt in the identify flow: the lease asked after the PIN, before the form is drawn or resumed. */
#include <stdio.h>
#include <string.h>

#include "app_internal.h"
#include "klease.h"

/* Goes on as if the core had granted it: the attempt resumed, taken from the
 * core's replica when the participant comes from another seat, or the form drawn. */
static void go_on(app *a)
{
    if (a->lease_resume) exam_resume(a);
    else if (strcmp(a->lease_state, "held") != 0 || !exam_arrive(a, a->lease_replica))
        exam_prepare(a);
}

void app_lease_ask(app *a, bool resume)
{
    char why[WHY_SIZE] = "";
    a->lease_resume = resume;
    a->lease_state[0] = a->lease_note[0] = a->lease_holder[0] = 0;
    a->authorise = false;
    a->lease_replica = 0;
    if (!a->cfg.core_url) {  /* a kiosk on its own: no room to ask */
        go_on(a);
        return;
    }
    int attempt = bank_session_attempt(a->s, a->nip);
    a->lease = attempt < 1 ? NULL
               : klease_start(a->cfg.core_url, a->cfg.state_dir, a->cfg.core_key, a->signer,
                              bank_session_id(a->s), a->nip, attempt, a->cfg.seat,
                              a->cfg.lease_wait_ms, why);
    if (!a->lease) {
        klog_event(a->log, "lease-offline", "NIP %s: cannot ask the core: %s", a->nip,
                   attempt < 1 ? "no attempt number" : why);
        snprintf(a->lease_state, sizeof a->lease_state, "offline");
        snprintf(a->lease_note, sizeof a->lease_note, "{\"state\":\"offline\"}");
        if (!resume) exam_note_incident(a, "started-offline");
        go_on(a);
        return;
    }
    a->v.msg = "lease.asking";
}

bool app_lease_wait(app *a)
{
    klease_answer ans;
    if (klease_poll(a->lease, &ans) == KLEASE_WAITING) return false;
    klease_free(a->lease);
    a->lease = NULL;
    a->v.msg = "";
    if (ans.out == KLEASE_REFUSED) {
        klog_event(a->log, "lease-refused", "NIP %s is held by seat %s", a->nip, ans.holder);
        snprintf(a->lease_state, sizeof a->lease_state, "refused");
        snprintf(a->lease_holder, sizeof a->lease_holder, "%s", ans.holder);
        snprintf(a->lease_nip, sizeof a->lease_nip, "%s", a->nip);
        a->resuming = false;
        a->nip[0] = 0;
        a->v.field = 0;
        a->v.scr = SCR_IDENTIFY;
        a->v.msg = "lease.refused";
        return true;
    }
    bool held = ans.out == KLEASE_HELD;
    if (held) klog_event(a->log, "lease-held", "NIP %s on this seat%s", a->nip,
                         ans.authorise ? ", the proctor authorises the start" : "");
    else klog_event(a->log, "lease-offline", "NIP %s: %s", a->nip, ans.why);
    snprintf(a->lease_state, sizeof a->lease_state, "%s", held ? "held" : "offline");
    snprintf(a->lease_note, sizeof a->lease_note, "{\"state\":\"%s\"}", a->lease_state);
    a->authorise = held && ans.authorise;
    a->lease_replica = held ? ans.replica : 0;
    if (!held && !a->lease_resume) exam_note_incident(a, "started-offline");
    go_on(a);
    return true;
}

void app_lease_stop(app *a)
{
    klease_free(a->lease);
    a->lease = NULL;
}
