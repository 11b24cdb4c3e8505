/* app_internal.h -- state shared by app.c (start, identity, codes) and app_exam.c (the attempt). */
#ifndef KISI_APP_INTERNAL_H
#define KISI_APP_INTERNAL_H

#include <stdio.h>

#include "app.h"
#include "checkin.h"
#include "klog.h"
#include "uploader.h"
#include "journal.h"
#include "replica.h"
#include "result.h"
#include "sitting.h"
#include "throttle.h"
#include "why.h"

#define APP_PENDING 8  /* incidents held until the attempt's journal begins */

struct app {
    app_config cfg;
    app_view v;
    bank *b;
    bank_session *s;
    journal *j;
    bank_signer *signer;
    uploader *up;              /* NULL without --core */
    klog *log;                 /* STATE/kiosk.log; NULL when it cannot be opened */
    throttle tries;            /* wrong tokens and proctor codes (STATE/token-tries) */
    checkin *room;             /* the state to the core, its commands back; NULL without --core */
    replica_sender *rep;       /* the journal's events to the core; NULL without --core */
    int64_t rep_seen;          /* events in the journal when the replica was last kicked */
    char notice[PROTO_COMMAND_TEXT_MAX + 1]; /* see app_view.notice */
    char reason[PROTO_COMMAND_TEXT_MAX + 1]; /* see app_view.reason */
    char moved_to[CHECKIN_FIELD];            /* see app_view.moved_to */
    /* the room (kiosk/app_room.c) */
    bool authorise;            /* the start waits for the proctor (SCR_AUTHORISE): set by the
                                * lease's answer before the form is drawn */
    char lease_state[16];      /* "", "held", "offline", "refused" (the state's "lease") */
    bool ended;                /* the proctor ended the sitting here (STATE/sitting-ended) */
    screen held;               /* the screen under SCR_PAUSED / SCR_SEAT_LOCKED */
    int64_t brief_until_ms;    /* SCR_RELEASED / SCR_MOVED go on to SCR_IDENTIFY then */
    char outbox[1024];
    char detail[WHY_SIZE];
    char subject[1024];        /* see app_view.subject */
    /* typed input */
    char nip[19], pin[BANK_PIN_MAX + 1], token[32], code[32];
    screen back;               /* screen under the proctor prompt */
    bool session_unlocked, resuming, quit;
    /* the attempt */
    char attempt[96];          /* "<session id>/<nip>" */
    sitting st;
    bank_exam *exam;
    bank_item *items;          /* decrypted, form order */
    size_t nitems;             /* entries in items */
    bool *answered, *flags;
    int64_t live_used_ms;      /* charged time, advanced on every tick */
    int64_t last_tick_ms;      /* wall time of the last charge */
    int64_t last_saved_ms;     /* used_ms of the last journal write */
    FILE *trace;               /* test trace, see app_config.trace_path */
    char traced[160];          /* last line written to it */
    char *begin_payload;       /* J_BEGIN payload, made when the form is drawn */
    char pending[APP_PENDING][32];
    char pending_nip[APP_PENDING][19];  /* whose seat it was when it happened */
    int npending;
    char dmg_last[19];         /* see app_view.dmg_last */
    char dmg_kept[1100];       /* see app_view.dmg_kept */
    /* the lease of the attempt at the core (app_lease.c) */
    struct klease *lease;      /* asked for, its answer awaited; NULL none */
    bool lease_resume;         /* the attempt asked for is being resumed */
    char lease_note[32];       /* J_LEASE payload, journalled when the attempt (re)starts */
    char lease_holder[PROTO_LEASE_SEAT_MAX + 1]; /* the seat holding it, when refused */
    char lease_nip[19];        /* the NIP refused */
    long long lease_replica;   /* journal events of the attempt the core holds (a seat the
                                  participant was moved to resumes from them) */
};

int64_t app_now(const app *a);
/* Puts the app on SCR_ERROR with a message key and detail text. */
void app_fail(app *a, const char *msg, const char *detail);
/* The same for a bank error `e` about `subject` (a file), with its
 * localized cause. */
void app_fail_bank(app *a, const char *msg, bank_err e, const char *subject, const char *why);

/* Wipes n bytes at p (OPENSSL_cleanse) and tells cfg.wiped. */
void app_wipe(app *a, const char *what, void *p, size_t n);
/* Wipes what the seat's last participant and proctor typed (PIN, token, code). */
void app_wipe_seat(app *a);

/* Throttled proctor code or token tries (app.c): false while a wait runs
 * (the typed `buf` wiped, "wait N s" shown); then the check, counted. */
bool app_try_allowed(app *a, char *buf, size_t cap);
void app_try_failed(app *a, const char *what);
void app_try_succeeded(app *a);
/* Checks the proctor code typed (a->code, wiped after) on a screen that
 * asks for it: throttled and counted; a wrong one is logged as `what` and
 * said ("proctor.wrong", or the wait). True when it is right. */
bool app_code_typed_ok(app *a, const char *what);
/* True when a->code is the proctor code (the code file, else the token). */
bool app_proctor_code_ok(app *a);
/* Opens STATE/journal.db for this kiosk; a damaged one puts the app on
 * SCR_DAMAGE. False when the app cannot go on. */
bool app_open_journal(app *a);

/* app_lease.c */
/* Goes on with a->nip (resume: its unfinished attempt) once the core gave
 * the lease; asks it first when a core is configured (the answer awaited by
 * app_lease_wait, a few seconds at most). */
void app_lease_ask(app *a, bool resume);
/* While a lease is asked for: the outcome once come (true: the screen
 * changed); granted or no answer, the attempt starts; refused, the seat
 * goes back to identification naming the seat holding it. */
bool app_lease_wait(app *a);
/* Waits for a lease still asked for and forgets it. */
void app_lease_stop(app *a);
/* app_arrive.c */
/* After the PIN (and the lease): when the core's replica holds more of
 * a->attempt than this journal (the participant moved here from another
 * seat), takes its events and resumes the attempt where it stood, with
 * J_ARRIVED journalled. `expected` is the count of events the lease's
 * signed answer says the core holds (0: none, nothing is fetched; -1: not
 * known); fewer arriving is an error. True when it took over (resumed, or
 * an error shown); false when a new attempt is to be drawn as usual. */
bool exam_arrive(app *a, long long expected);
/* Wakes the replica's thread when the journal grew. */
void app_replica_kick(app *a);

/* app_damage.c */
/* Shows SCR_DAMAGE for a journal found damaged (`d`, `why` in English for
 * the log) with what it still holds. */
void damage_show(app *a, jdamage d, const char *why);
/* Shows SCR_DAMAGE for the attempt a->attempt whose chain does not verify. */
void damage_show_chain(app *a, const char *why);
/* ENTER on SCR_DAMAGE: with the proctor code, the journal is set aside
 * (kept) and a new one opened; the app goes on with SCR_IDENTIFY. */
void damage_enter(app *a);

/* Re-counts the results waiting in the outbox and takes the uploader's state. */
void app_refresh_queued(app *a);

/* app_room.c */
/* Obeys the proctor's commands the core sent; true when the view changed. */
bool room_obey(app *a);
/* Tells the room where this seat stands now. */
void room_tell(app *a);
/* Actions on SCR_PAUSED, SCR_RELEASED, SCR_MOVED and SCR_ENDED. */
bool room_handle(app *a, const action *act);
/* ENTER on SCR_SEAT_LOCKED and SCR_AUTHORISE: the proctor code typed here
 * unlocks the seat or allows the start. */
void room_code_enter(app *a);
/* At start: STATE/sitting-ended of this session puts the seat on SCR_ENDED. */
void room_start(app *a);
/* The screen a resumed attempt goes on with: SCR_PAUSED or SCR_SEAT_LOCKED
 * while the proctor holds its clock, else `s`. */
screen room_held_screen(app *a, screen s);
/* Where the seat goes when the participant leaves it: SCR_ENDED after the
 * proctor ended the sitting, else SCR_IDENTIFY. */
screen room_next_screen(const app *a);

/* app_exam.c */
/* Draws a->nip's form and shows the instructions (SCR_AUTHORISE when the
 * start waits for the proctor); an attempt of a->attempt the journal holds
 * already (its login released, or moved here) is resumed instead. */
void exam_prepare(app *a);
/* Starts the attempt from the instructions: J_BEGIN, and J_AUTHORISED of
 * command `cmd` (0 = the proctor code) when `authorised`. */
void exam_begin(app *a, bool authorised, long long cmd);
/* Journals one event of the running attempt (the clock charged up to now);
 * false, with the journal error shown, when it could not be written. */
bool exam_record(app *a, jkind kind, const char *payload);
/* Submits the running attempt (`why`: "participant", "timeout", "proctor")
 * and shows its result. */
void exam_submit(app *a, const char *why);
/* True while an attempt runs on the seat (begun, not submitted). */
bool exam_running(const app *a);
/* Refreshes the exam part of the view (time left, answers) from the sitting. */
void exam_view(app *a);
/* Hands the seat to the next participant: nothing of the one who leaves
 * stays (items, PIN, token, code, notices, read aloud); the seat shows
 * room_next_screen(). */
void exam_hand_over(app *a);
void exam_prepare(app *a);       /* draw the form, show instructions */
bool exam_chain_key(app *a);     /* sets the journal's key of a->attempt; false: SCR_ERROR */
void exam_resume(app *a);        /* after the token on a resumed attempt */
void exam_try_resume(app *a);    /* at start: an unfinished attempt of this session? */
void exam_clear(app *a);
bool exam_handle(app *a, const action *act);
bool exam_tick(app *a);
/* Milliseconds left of a running attempt as of now (0 when up), -1 when
 * no clock runs. */
int64_t exam_remaining(const app *a);
/* Journals an incident during an attempt (or holds it until it begins). */
void exam_incident(app *a, const char *what);
/* Holds an incident for the next attempt to begin (before J_BEGIN). */
void exam_note_incident(app *a, const char *what);

#endif
