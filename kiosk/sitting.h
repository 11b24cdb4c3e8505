/* sitting.h -- the state of one attempt, rebuilt from journal events; a pure data model. */
#ifndef KISI_SITTING_H
#define KISI_SITTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bank.h"
#include "journal.h"

#define SITTING_MAX_INCIDENTS 256

typedef struct incident {
    int64_t wall_ms;
    char what[32];
} incident;

typedef struct sitting {
    bank_form *form;        /* owned; NULL before J_BEGIN */
    char name[128];         /* participant's name */
    size_t n;               /* items on the form */
    char (*answer)[BANK_MAX_OPTIONS + 1];  /* original letters chosen, sorted, "" = none */
    int64_t *answer_ms;     /* used_ms when each answer was last changed, -1 = never */
    bool *flag;
    size_t cur;             /* item on screen */
    int64_t limit_ms;       /* minutes x 60000 (the extra minutes included) */
    int64_t used_ms;        /* charged so far (from the last event) */
    int64_t last_wall_ms;   /* wall time of the last event */
    int64_t down_ms;        /* total time the kiosk was down during the attempt */
    incident incidents[SITTING_MAX_INCIDENTS];
    size_t nincidents;
    bool submitted;
    char submit_why[16];    /* "participant" or "timeout" */
    /* as of the J_SUBMIT event, so that the result is the same whenever it is made */
    int64_t submit_wall_ms; /* its wall time: the result's finish time */
    int64_t submit_used_ms; /* time charged until the submission */
    size_t submit_incidents;/* incidents journalled before it */
    char submit_hash[65];   /* its chain link ("" when applied outside a replay) */
    bool has_result;
    bool aloud;             /* read aloud was on (J_BEGIN "aloud", an accommodation) */
    int extra_minutes;      /* extra time granted, within limit_ms (J_BEGIN "extra_minutes") */
    /* the proctor's commands (journal kinds 10-17) */
    int extended_minutes;   /* added by J_EXTEND, within limit_ms */
    bool paused, locked;    /* the clock stopped by J_PAUSE / J_LOCK, until J_CONTINUE /
                             * J_UNLOCK: no time is charged while either holds */
    int64_t stopped_ms;     /* wall time the clock stood stopped (until the submission) */
    int64_t stopped_at;     /* wall time it last stopped (while paused or locked) */
    bool authorised;        /* J_AUTHORISED: the proctor allowed the start */
    bool released;          /* J_RELEASE or J_MOVED: the login was released (a J_RESUME or
                             * J_ARRIVED takes the attempt up again) */
    char moved_to[33];      /* J_MOVED: the seat it went to ("" = none) */
    int64_t last_seq;       /* seq of the last event applied (counted when not given) */
} sitting;

/* Resets s to empty (frees what it held). */
void sitting_clear(sitting *s);

/* Applies one event; returns 0, or -1 with why set for an event that does
 * not fit (bad payload, index out of range, event before J_BEGIN). */
int sitting_apply(sitting *s, const jevent *e, char *why);

/* Rebuilds s from the journal: clears it, then replays every event of
 * `attempt`. Returns 0 or -1 with why set. */
int sitting_load(sitting *s, journal *j, const char *attempt, char *why);

/* False for a change of the attempt (answer, flag, move) charged at or
 * after the time limit: once the time is up, nothing changes but the
 * submission. */
bool sitting_in_time(const sitting *s, jkind kind, int64_t used_ms);

/* True while the proctor holds the clock (paused or locked). */
bool sitting_stopped(const sitting *s);

/* Milliseconds left (never below 0). */
int64_t sitting_remaining(const sitting *s);

/* Number of answered and flagged items. */
size_t sitting_answered(const sitting *s);
size_t sitting_flagged(const sitting *s);

#endif
