/* jstore.h -- the core's replica of the kiosks' journals: signed pushes checked against the
 * attempt's keyed chain and kept once by seq; fetched by the kiosk that holds the attempt. */
#ifndef KISI_JSTORE_H
#define KISI_JSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "ingest.h"
#include "store.h"
#include "why.h"

/* Who may fetch an attempt's replica: 1 when `kiosk` (64 hex) holds the
 * lease of (session, nip), 0 when another does (`holder`, cap bytes, gets
 * its seat or key), -1 with why on error. */
typedef int (*jstore_holder_fn)(void *arg, const char *session, const char *nip,
                                 const char *kiosk, char *holder, size_t cap, char *why);
/* Told of a fork (another event at a seq held) for the room's log: kind
 * "fork", detail {"attempt", "at": the seq that differs, "have"} (JSON text,
 * NULL when out of memory). */
typedef void (*jstore_note_fn)(void *arg, const char *session, const char *kiosk,
                                const char *nip, const char *kind, const char *detail);

typedef struct jstore_config {
    jstore_note_fn note;     /* NULL: forks go to the core's log only */
    void *note_arg;
} jstore_config;

typedef struct jstore jstore;

/* A replica over the context c (its store, its sessions), borrowed: it must
 * outlive it. Caller frees with jstore_free(). NULL with why. */
jstore *jstore_new(core_ctx *c, const jstore_config *cfg, char *why);
void jstore_free(jstore *r);

/* What became of one push or fetch. */
typedef struct jstore_answer {
    int status;            /* 200; 400 malformed, unsupported-version, broken-chain; 401
                              bad-signature; 403 unknown-kiosk, kiosk-not-approved, not-holder;
                              404 unknown-session; 409 gap, fork; 413 too-large; 500 */
    char code[32];
    char reason[WHY_SIZE];
    char *json;            /* the answer body (200, and 409 with "have"), caller frees */
} jstore_answer;

/* Takes a push: `body` (len bytes, the JSON exactly as signed, at most
 * JCHAIN_BODY_MAX) signed by `kiosk` with `sig` (the state's headers):
 * {"version", "seq", "session", "attempt": "SESSION/NIP", "events": [...]}.
 * Checks the signature, the kiosk approved, the fields, the chain (with the
 * key of the session the core keeps, from the link held before the first
 * event), then keeps the events not yet held: 200 {"have": N}. A gap gets
 * 409 {"error": "gap", "have": N}; an event at a seq held with another link
 * 409 {"error": "fork", "at": SEQ, "have": N}. An empty "events" asks how
 * many are held. */
void jstore_push(jstore *r, const char *body, size_t len, const char *kiosk, const char *sig,
                 int64_t now_ms, jstore_answer *a);

/* Takes a fetch, signed as a push: {"version", "seq", "session", "attempt",
 * "from"}: refused (403 not-holder, naming the seat) when another kiosk
 * holds the attempt's lease (lease.h); else 200
 * {"attempt", "have": N, "kiosk": who pushed the last, "events": [at most
 * JCHAIN_BATCH from seq "from"]}. */
void jstore_fetch(jstore *r, const char *body, size_t len, const char *kiosk,
                  const char *sig, int64_t now_ms, jstore_answer *a);

/* The events held of `attempt` (the lease's "replica"): 0 with *have, or -1 with why. */
int jstore_held(store *st, const char *attempt, int64_t *have, char *why);
/* The same as a lease_replica_fn (lease.h), `arg` the store: the events
 * held of (session, nip); 0 when none or on error. */
long long jstore_lease_count(void *arg, const char *session, const char *nip, int attempt);

#endif
