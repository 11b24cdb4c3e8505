/* seats.h -- the exam room at the core: each kiosk's last signed state, in memory, and the
 * commands queued for it, signed by the core's key. Thread-safe. */
#ifndef KISI_SEATS_H
#define KISI_SEATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signer.h"
#include "store.h"
#include "why.h"

#define SEATS_QUEUE_MAX 16       /* commands waiting for one kiosk */
#define SEATS_APPROVAL_TTL_MS 30000 /* how long a kiosk's approval is trusted unread */

typedef struct seats seats;

/* A room over store st (the kiosks' approval) and the core's signer, both
 * borrowed: they must outlive it. Caller frees with seats_free(). NULL with
 * why when out of memory. */
seats *seats_new(store *st, const core_signer *signer, char *why);
void seats_free(seats *r);
/* The room's log (roomlog.h), borrowed from r: other modules add their
 * entries to it. The room is kept in the store through it: seats_new reads
 * back the seats, their last sequence numbers and the commands waiting. */
struct roomlog *seats_roomlog(seats *r);

/* What became of one state message. */
typedef struct seats_answer {
    int status;            /* 200 taken; 400 malformed or unsupported-version, 401
                              bad-signature, 403 unknown-kiosk or kiosk-not-approved, 409
                              replayed, 500 server-error */
    char code[32];
    char reason[WHY_SIZE];
    char *json;            /* with 200: {"seq", "commands": [...]}, caller frees */
    long long last;        /* with 409: the last state taken from this kiosk */
} seats_answer;

/* Takes one state message (PROTO_STATE_VERSION exactly): `body` (len bytes,
 * the JSON exactly as signed), signed by `kiosk` (64 hex) with `sig` (128
 * hex). Checks, in order: size, signature, the kiosk approved (read from the
 * store at most every SEATS_APPROVAL_TTL_MS), the body's fields (sizes, no
 * control character, a known screen and lease), its "seq" above the last
 * taken from this kiosk. Drops the commands the body's "ack" acknowledges
 * and answers the ones still waiting. */
void seats_state(seats *r, const char *body, size_t len, const char *kiosk, const char *sig,
                int64_t now_ms, seats_answer *a);

/* One command for a kiosk (PROTO_COMMAND_TEXT). Strings are borrowed. */
typedef struct seats_cmd {
    const char *kind;     /* "message", "extend", "pause", "resume", "authorise", "lock",
                             "unlock", "release", "move-out", "end" */
    const char *nip;      /* the participant it is for; "" whoever sits there; NULL: the
                             participant of the seat's last state (bound when queued) */
    int minutes;          /* "extend": 1..PROTO_EXTEND_MAX; 0 for the others */
    const char *seat;     /* "move-out": the seat moved to; NULL or "" for the others */
    const char *text;     /* the message (1..PROTO_COMMAND_TEXT_MAX bytes) or the reason
                             (0..PROTO_COMMAND_TEXT_MAX); one line of UTF-8; NULL = "" */
    const char *session;  /* NULL: any seat; else only seats whose last state names it */
    const char *actor;    /* who asked, for the seat's log: "proctor", "operator" */
} seats_cmd;

/* 0 when c is a command a kiosk can be given (kind known, minutes and seat
 * as its kind wants, texts one line within their sizes); else -1 with why. */
int seats_cmd_check(const seats_cmd *c, char *why);

/* The command c numbered seq for kiosk (64 hex), queued at now_ms, for
 * participant nip, signed by signer over PROTO_COMMAND_TEXT, as compact
 * JSON with sorted keys. Caller frees; NULL with why. */
char *seats_cmd_sign(const core_signer *signer, const char *kiosk, long long seq,
                     const seats_cmd *c, const char *nip, int64_t now_ms, char *why);

/* Queues command c on the kiosk named by `who`: its key (64 hex) or its seat
 * label; who NULL: on every seat of c->session (a seat whose queue is full
 * is left out). Returns the number of commands queued, or -1 with why;
 * *status gets the HTTP status: 202, or 400 (bad command), 403 (the seat
 * belongs to another session than c->session), 404 (no such seat), 409
 * (its queue is full), 500. */
int seats_command(seats *r, const char *who, const seats_cmd *c, int64_t now_ms, int *status,
                  char *why);

/* Who sits at a seat, copied. */
typedef struct seats_who {
    char kiosk[65], seat[33], session[33], nip[33];
} seats_who;

/* The seat named by `who` (a key or a label; of a label, the one of
 * `session` last seen before any other) into *out: 1 found, 0 none. */
int seats_lookup(seats *r, const char *who, const char *session, seats_who *out);

/* seats_command of a "message" showing `text` on the kiosk `who` (operator). */
int seats_message(seats *r, const char *who, const char *text, int64_t now_ms, int *status,
                 char *why);

/* The room as JSON: {"now": ms, "seats": [{"kiosk", "seat", "seen", "state",
 * "queued"}...]} sorted by seat label. Caller frees; NULL when out of memory. */
char *seats_json(seats *r, int64_t now_ms);

/* One seat as seats_each shows it: borrowed, valid during the call only. */
typedef struct seats_view {
    const char *kiosk, *seat;   /* key (64 hex), label */
    const char *session, *nip, *screen, *lease; /* from its last state */
    const char *state;          /* the last state's body, as signed */
    int64_t seen_ms;            /* when it was taken (core clock) */
    int incidents, outbox, queued;
} seats_view;

/* Calls fn for every seat whose last state names `session` (NULL: every
 * seat), holding the room's lock: fn must not call seats_*. Stops at the
 * first non-zero return of fn and returns it; 0 otherwise. */
int seats_each(seats *r, const char *session, int (*fn)(const seats_view *v, void *arg),
               void *arg);

/* Something of the room changed (a state, a command, a lease): wakes the
 * seats_wait callers. */
void seats_touch(seats *r);

/* Waits until the room changes after *gen (a number of seats_wait; 0 at
 * first), at most wait_ms: 1 changed (*gen updated), 0 not within wait_ms,
 * -1 the room is halted (seats_halt). */
int seats_wait(seats *r, uint64_t *gen, int64_t wait_ms);

/* Ends every seats_wait now and later (the server stops). */
void seats_halt(seats *r);

#endif
