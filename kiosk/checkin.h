/* checkin.h -- the kiosk's state sent to the core, signed, and the core's signed commands
 * taken from the answers; a thread of its own. */
#ifndef KISI_CHECKIN_H
#define KISI_CHECKIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bank.h"
#include "proto.h"
#include "why.h"

#define CHECKIN_FIELD 33           /* a text field of the state, with its NUL */
#define CHECKIN_NAME 65            /* the participant's name in the state, with its NUL */
#define CHECKIN_SEQ_FILE "room.cmd" /* STATE/room.cmd: the last command obeyed */
#define CHECKIN_PENDING 8          /* commands taken from answers, not yet obeyed */
#ifndef KISI_VERSION
#define KISI_VERSION "dev"
#endif
#define CHECKIN_PROGRAM "kisi-kiosk " KISI_VERSION /* "program" of the state */

/* What the kiosk tells the core, filled by the app (texts one line, at
 * most their size - 1 bytes, cut at a character when longer). */
typedef struct checkin_state {
    char screen[CHECKIN_FIELD];    /* "identify", "exam", "paused", "seat-locked", ... */
    char nip[CHECKIN_FIELD];       /* the participant on the seat, "" = none */
    char delivery[CHECKIN_FIELD];  /* the uploader's state: "delivering", "core-unreachable" */
    int attempt, answered, flagged, total;
    int64_t left_ms;               /* time left of the running attempt, 0 = none */
    int incidents, outbox;         /* incidents of the attempt; results waiting */
    char session[CHECKIN_FIELD];   /* the session the kiosk runs, "" = none yet */
    char name[CHECKIN_NAME];       /* the participant's name once identified, "" before */
    char lease[CHECKIN_FIELD];     /* "", "held", "offline", "refused" */
    long long jseq;                /* the last journal seq of the running attempt, 0 none */
} checkin_state;

/* One command of the core, checked. */
typedef struct checkin_cmd {
    long long seq;                 /* per kiosk, above every one obeyed before */
    char kind[16];                 /* "message", "extend", "pause", ... (see proto.h) */
    int64_t time_ms;               /* the core's clock when it was queued */
    char nip[CHECKIN_FIELD];       /* the participant it is for, "" = whoever sits there */
    int minutes;                   /* "extend": 1..PROTO_EXTEND_MAX; else 0 */
    char seat[CHECKIN_FIELD];      /* "move-out": the seat the participant goes to */
    char text[PROTO_COMMAND_TEXT_MAX + 1]; /* the message, or the proctor's reason */
} checkin_cmd;

/* Reads one command (the JSON object `json`, len bytes) into *out when it
 * is of a version this kiosk reads, signed by the core key `core_pub` (64
 * hex) over PROTO_COMMAND_TEXT, for this kiosk (`kiosk_pub`), numbered
 * above `last`, of a kind this kiosk knows and with the fields its kind
 * needs (an "extend" of 1 to PROTO_EXTEND_MAX minutes, a "move-out" naming
 * a seat). 0, or -1 with why: what a forged, replayed or misdirected
 * command gets. */
int checkin_cmd_check(const char *json, size_t len, const char *core_pub, const char *kiosk_pub,
                      long long last, checkin_cmd *out, char *why);

typedef struct checkin checkin;
struct klog;

/* Starts one thread that POSTs the state to `core_url` + /v1/room/state,
 * signed by `signer` (the kiosk key; borrowed, must outlive it) in the
 * headers of a result upload, at once, on every checkin_update() that
 * changes it and at least every `period_ms` (0 = 3000). Each state carries
 * "seq" (above every one sent before: the wall clock in ms, or the last
 * plus one; after a 409 "replayed" answer, above the "last" it names) and "ack", the last command obeyed (STATE/room.cmd, kept over
 * restarts). Commands in the answers are checked (checkin_cmd_check)
 * against the core key pinned in `core_key` (a file, --core-key) or else
 * STATE/core.pub (written at enrolment; read again until there): checked
 * ones wait for checkin_take(), refused ones are logged in `log` (may be
 * NULL) and dropped. `seat` labels the seat (--seat, one line, at most 32
 * bytes; "" allowed), `program` the kiosk's version. NULL with why. */
checkin *checkin_start(const char *core_url, const char *state_dir, const bank_signer *signer,
                       const char *seat, const char *program, const char *core_key,
                       int period_ms, struct klog *log, char *why);

/* The app's state now: copied; the thread is woken when it changed. Never
 * blocks on the network. NULL c is a no-op. */
void checkin_update(checkin *c, const checkin_state *st);

/* Takes the oldest checked command not yet obeyed into *out and records it
 * as obeyed (STATE/room.cmd; the next state acknowledges it): the caller
 * obeys it now. 1 taken, 0 none, -1 with why when the record cannot be
 * written (the command stays). Never blocks on the network. */
int checkin_take(checkin *c, checkin_cmd *out, char *why);

/* States the core took, and the last HTTP status of the core (0 none). */
void checkin_counts(checkin *c, long long *taken, int *http);

/* Stops the thread (aborting a request in flight), joins it and frees. NULL
 * is a no-op. */
void checkin_stop(checkin *c);

#endif
