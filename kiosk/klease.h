/* klease.h -- the kiosk asks the core for the lease of the attempt it is about to start (one seat
 * per attempt), in a thread of its own, and checks the core's signed answer. */
#ifndef KISI_KLEASE_H
#define KISI_KLEASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bank.h"
#include "proto.h"
#include "why.h"

#define KLEASE_WAIT_MS 4000  /* longest wait for the core's answer; then the sitting starts */

typedef enum klease_outcome {
    KLEASE_WAITING = 0, /* the answer has not come yet */
    KLEASE_HELD,        /* granted: this seat holds the attempt */
    KLEASE_REFUSED,     /* another seat holds it (holder) */
    KLEASE_OFFLINE      /* no valid answer in time: the sitting starts without the core */
} klease_outcome;

/* What the core said, checked. */
typedef struct klease_answer {
    klease_outcome out;
    char holder[PROTO_LEASE_SEAT_MAX + 1]; /* the seat holding the attempt */
    bool authorise;      /* the session waits for the proctor to authorise the start */
    long long replica;   /* journal events of the attempt the core holds */
    char why[WHY_SIZE];  /* with KLEASE_OFFLINE: why (unreachable, refused, not signed...) */
} klease_answer;

/* The request body as it is signed: {"attempt", "nip", "seat", "seq",
 * "session", "version"}. Caller frees; NULL when out of memory. */
char *klease_request(long long seq, const char *session, const char *nip, int attempt,
                     const char *seat);

/* Checks the core's answer (len bytes of JSON) to this kiosk's request
 * (seq, session, nip, attempt): of PROTO_LEASE_VERSION, signed by the core
 * key core_pub (64 hex) over PROTO_LEASE_TEXT, for exactly that request.
 * 0 with ans->out KLEASE_HELD or KLEASE_REFUSED, or -1 with why. */
int klease_check(const char *json, size_t len, const char *core_pub, const char *kiosk,
                 long long seq, const char *session, const char *nip, int attempt,
                 klease_answer *ans, char *why);

typedef struct klease klease;

/* Starts asking core_url for the lease of (session, nip, attempt) from
 * seat, signed by signer (borrowed: must outlive it), the answer checked
 * against the core key in core_key (a file, --core-key) or else
 * STATE/core.pub of state_dir. The thread gives up after wait_ms (0 =
 * KLEASE_WAIT_MS). NULL with why when it cannot start. */
klease *klease_start(const char *core_url, const char *state_dir, const char *core_key,
                     const bank_signer *signer, const char *session, const char *nip,
                     int attempt, const char *seat, int wait_ms, char *why);

/* The outcome into *ans once the thread is done; KLEASE_WAITING before.
 * Never blocks on the network. */
klease_outcome klease_poll(klease *l, klease_answer *ans);

/* Waits for the thread (at most its wait) and frees. NULL is a no-op. */
void klease_free(klease *l);

#endif
