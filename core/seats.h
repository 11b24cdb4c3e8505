/* seats.h -- the exam room at the core: each kiosk's last signed state, in memory, and the
 * commands queued for it, signed by the core's key. Thread-safe. */
#ifndef KISI_SEATS_H
#define KISI_SEATS_H

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

/* What became of one state message. */
typedef struct seats_answer {
    int status;            /* 200 taken; 400 malformed, 401 bad-signature, 403
                              unknown-kiosk or kiosk-not-approved, 409 replayed,
                              500 server-error */
    char code[32];
    char reason[WHY_SIZE];
    char *json;            /* with 200: {"seq", "commands": [...]}, caller frees */
    long long last;        /* with 409: the last state taken from this kiosk */
} seats_answer;

/* Takes one state message: `body` (len bytes, the JSON exactly as signed),
 * signed by `kiosk` (64 hex) with `sig` (128 hex). Checks, in order: size,
 * signature, the kiosk approved (read from the store at most every
 * SEATS_APPROVAL_TTL_MS), the body's fields, its "seq" above the last taken
 * from this kiosk. Drops the commands the body's "ack" acknowledges and
 * answers the ones still waiting. */
void seats_state(seats *r, const char *body, size_t len, const char *kiosk, const char *sig,
                int64_t now_ms, seats_answer *a);

/* Queues a "message" command showing `text` (one line, at most
 * PROTO_COMMAND_TEXT_MAX bytes) on the kiosk named by `who`: its key (64
 * hex) or its seat label. 0, or -1 with why (unknown seat, full queue, bad
 * text); *status gets the HTTP status (404, 400, 409, 500). */
int seats_message(seats *r, const char *who, const char *text, int64_t now_ms, int *status,
                 char *why);

/* The room as JSON: {"now": ms, "seats": [{"kiosk", "seat", "seen", "state",
 * "queued"}...]} sorted by seat label. Caller frees; NULL when out of memory. */
char *seats_json(seats *r, int64_t now_ms);

#endif
