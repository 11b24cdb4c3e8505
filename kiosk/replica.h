/* replica.h -- the kiosk's journal sent to the core event by event, in a thread of its own,
 * and an attempt's events fetched back from the core when its participant moves to this seat. */
#ifndef KISI_KIOSK_REPLICA_H
#define KISI_KIOSK_REPLICA_H

#include <stddef.h>
#include <stdint.h>

#include "bank.h"
#include "jchain.h"
#include "why.h"

#define REPLICA_PERIOD_MS 1000   /* the journal is looked at this often (and when kicked) */
#define REPLICA_RETRY_MAX_MS 10000 /* the longest wait before trying an unreachable core again */
#define REPLICA_ATTEMPTS 32      /* attempts followed at once (the newest) */

typedef struct replica_sender replica_sender;
struct klog;

/* Starts one thread that sends every event of the attempts of session
 * `session_id` in the journal at `journal_path` (read on a connection of
 * its own) to `core_url` + /v1/room/journal, in order, in batches of at
 * most JCHAIN_BATCH events, each body signed by `signer` (borrowed, must
 * outlive it) in the headers of a state. The core answers how many events
 * it holds; the thread goes on from there (a retried batch is harmless).
 * While the core is unreachable the events wait in the journal and go when
 * it answers again. Refusals are logged in `log` (may be NULL) once per
 * kind. NULL with why. */
replica_sender *replica_start(const char *core_url, const char *journal_path,
                              const bank_signer *signer, const char *session_id,
                              struct klog *log, char *why);

/* Wakes the thread now (an event was written). Never blocks on the
 * network. NULL is a no-op. */
void replica_kick(replica_sender *r);

/* The last seq of `attempt` the core confirmed holding (0: none yet). */
int64_t replica_confirmed(replica_sender *r, const char *attempt);

/* Stops the thread (aborting a request in flight), joins it and frees. NULL
 * is a no-op. */
void replica_stop(replica_sender *r);

/* Fetches every event the core holds of `attempt` ("SESSION/NIP") from
 * `core_url` + /v1/room/journal/fetch, signed by `signer`, waiting at most
 * timeout_ms for each answer: *out gets them (caller frees with
 * jchain_free(); *n may be 0) and `from` (cap bytes) the kiosk that pushed
 * the last. Their chain is not checked here (journal_import does). 0, or
 * -1 with why (the core unreachable, or it refused: not the lease's holder). */
int replica_pull(const char *core_url, const bank_signer *signer, const char *attempt,
                 long timeout_ms, jchain_event **out, size_t *n, char *from, size_t cap,
                 char *why);

#endif
