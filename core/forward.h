/* forward.h -- results travel on: a room core forwards the signed results it stored to an upstream core, once each. */
#ifndef KISI_FORWARD_H
#define KISI_FORWARD_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "why.h"

#define FORWARD_ANSWER_MAX (64u << 10)  /* bytes of an upstream answer read at most */
#define FORWARD_IDLE_MS 2000            /* a look for new results when all are forwarded */
#define FORWARD_BACKOFF_MS 1000         /* first wait after a failed pass, doubled each time */
#define FORWARD_BACKOFF_MAX_MS 30000    /* ... up to this */

typedef struct forward_config {
    const char *url;       /* the upstream core, "http://HOST:PORT" (copied) */
    const char *upstream;  /* its public key, 64 hex (copied): only receipts it signed count */
    unsigned backoff_max_ms; /* 0 = FORWARD_BACKOFF_MAX_MS */
} forward_config;

/* What one pass did. */
typedef struct forward_pass {
    int sent;      /* forwarded now: a receipt of the upstream marks them */
    int waiting;   /* the upstream keeps them until its operator approves their kiosk */
    int refused;   /* the upstream refused them (reason in `why`): tried again later */
    int down;      /* 1 when the upstream could not be reached (the pass stopped there) */
    char why[WHY_SIZE]; /* the first failure, "" when none */
} forward_pass;

typedef struct forward forward;

/* Starts the forwarder thread over st (borrowed, must outlive it): it sends
 * every stored result no receipt of cfg->upstream marks yet, oldest first,
 * as uploaded (record and the kiosk's signature) to cfg->url, marks each on
 * a receipt signed by that key for exactly that record, and tries the others
 * again with a growing wait while the upstream is down or refuses.
 * Caller stops with forward_stop(). NULL with why on error. */
forward *forward_start(store *st, const forward_config *cfg, char *why);
/* Stops the thread (an upload under way is abandoned) and frees. NULL is a no-op. */
void forward_stop(forward *f);

/* One pass in the calling thread, without a forwarder: the same work as the
 * thread's (for `core forward`-like tools and tests). 0, or -1 with p->why
 * when the store cannot be read. */
int forward_once(store *st, const forward_config *cfg, forward_pass *p);

/* 0 when `answer` (len bytes, the upstream's JSON answer) carries a receipt
 * signed by `upstream` (64 hex) for exactly the record of SHA-256 `digest`
 * from `kiosk`, stored or already stored; its compact JSON then goes to
 * *receipt (caller frees). -1 with why otherwise. */
int forward_receipt_check(const char *answer, size_t len, const char *upstream,
                          const char *digest, const char *kiosk, char **receipt, char *why);

#endif
