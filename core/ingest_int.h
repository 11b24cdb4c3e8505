/* ingest_int.h -- inside the core: the context with the banks and sessions it keeps open.
 * Only ingest.c, keep.c and proctor.c include this; handlers and tools use ingest.h. */
#ifndef KISI_INGEST_INT_H
#define KISI_INGEST_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "bank.h"
#include "ingest.h"
#include "vault.h"

#define CACHE_MAX 32  /* open banks and sessions kept unlocked */

typedef struct open_bank {
    char id[33];
    bank *b;
    unsigned long used;  /* c->tick when last used: the least recent goes first */
} open_bank;

typedef struct open_session {
    char id[33];
    bank_session *s;
    bank_exam *exam;
    bank *b;  /* borrowed from the bank cache */
    unsigned long used;
} open_session;

/* When CACHE_MAX banks or sessions are open and another is needed, the one
 * used least recently is closed (a bank with the sessions that borrow it);
 * it opens again when next needed. */
struct core_ctx {
    store *st;
    vault key; /* seals the passphrases kept in the store */
    core_signer *signer; /* derived from key: signs receipts */
    pthread_mutex_t mu;  /* libbank handles are not thread-safe */
    open_bank banks[CACHE_MAX];
    size_t nbanks;
    open_session sessions[CACHE_MAX];
    size_t nsessions;
    unsigned long tick;
};

/* Opens and unlocks session `id` (cached, with its exam and bank). Call
 * with c->mu held; the pointer is valid while the lock stays held.
 * NULL with why set on error; *unknown is set when the store has no
 * such session. */
open_session *keep_session(core_ctx *c, const char *id, bool *unknown, char *why);

#endif
