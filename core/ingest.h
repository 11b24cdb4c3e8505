/* ingest.h -- the grading core's trust boundary: verify, re-derive, re-score and store
 * signed results; keep banks and sessions. Thread-safe: HTTP handlers call it from
 * several threads. */
#ifndef KISI_INGEST_H
#define KISI_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "signer.h"
#include "store.h"
#include "why.h"

typedef struct core_ctx core_ctx;

/* A context over an open store (borrowed, must outlive it) that keeps the
 * banks and sessions it serves in that store. key_path names the core's key
 * file, which seals the bank passphrases kept in the store (made 0600 when
 * missing); every core of one store needs the same key, and a key other than
 * the one the store first saw is refused. Caller frees with core_ctx_free().
 * NULL with why set on error. */
core_ctx *core_ctx_new(store *s, const char *key_path, char *why);
void core_ctx_free(core_ctx *c);
/* The core's signing key, derived from its key file (signer.h); borrowed
 * from c. */
const core_signer *core_ctx_signer(const core_ctx *c);
store *core_ctx_store(core_ctx *c);

/* Keeps a sealed bank in the store: its bytes, and its passphrase (read
 * from the file pass_path) sealed under the core key. Its seal must verify
 * with pub_path (the authority's public key file, required) and the
 * passphrase must open it. */
int core_bank_add(core_ctx *c, const char *bank_path, const char *pass_path, const char *pub_path,
                  char *why);
/* Keeps a session file (made by `bank session`) in the store; its bank must
 * be known and unlock it. */
int core_session_add(core_ctx *c, const char *session_path, char *why);
/* Reads into the store the banks and sessions that a store of an earlier
 * schema kept as files beside it (by their recorded paths; a bank's seal
 * was checked when it was added). *moved counts those read in, *left those
 * that could not be (the first one's reason in why, which stays "" when
 * none failed): they are to be added again. -1 with why when the store
 * cannot be read. */
int core_ctx_import(core_ctx *c, int *moved, int *left, char *why);

/* The roster of session_id (opened from the store as results are checked):
 * its exam id (65 bytes) and title (title_cap bytes), and fn called with
 * each participant's NIP and name, in roster order, with the context's lock
 * held (fn must not call back into c; a non-zero return stops the walk).
 * 1, 0 for a session the store does not hold, -1 with why. */
int core_session_roster(core_ctx *c, const char *session_id, char *exam_id, char *title,
                        size_t title_cap, int (*fn)(const char *nip, const char *name, void *arg),
                        void *arg, char *why);

/* What happened to one upload. */
typedef struct ingest_outcome {
    int status;            /* HTTP status: 201 stored, 200 already stored, 202 waiting for
                              the kiosk's approval, 4xx refused */
    char code[32];         /* "stored", "duplicate", "waiting", "conflict", "bad-signature",
                              "unknown-kiosk", "kiosk-not-approved", "malformed",
                              "unknown-session", "not-on-roster", "form-mismatch",
                              "score-mismatch", "attempt-mismatch", "too-many-attempts",
                              "quizzes-not-passed", "server-error" */
    char reason[WHY_SIZE]; /* one line for people */
    char digest[65];       /* SHA-256 of the record as received, hex (for its receipt) */
} ingest_outcome;

/* Verifies and stores one result: `result` is the record exactly as signed
 * (len bytes), `kiosk` the signer's public key (64 hex) and `sig` the
 * signature (128 hex), as in the result's .sig file. Checks, in order:
 * signature; kiosk enrolled and approved; record well-formed; session
 * known; participant on its roster with this attempt; form exactly the one
 * the session derives; scores equal a re-scoring with the bank; for a
 * competency test, every quiz of the programme passed; attempts within
 * max_attempts (counted where it is stored). Then stores it exactly once. */
void core_ingest(core_ctx *c, const char *result, size_t len, const char *kiosk,
                 const char *sig, int64_t now_ms, ingest_outcome *out);

/* As core_ingest, for results carried by stick (`core import`): a result
 * of a kiosk pending approval whose signature verifies and that names its
 * signer waits at the core (status 202, code "waiting") until the operator
 * approves the kiosk (then it is checked and stored) or revokes it (then it
 * is refused). A kiosk never seen (it had no network) is first enrolled as
 * pending under `name`. Every refusal of both is recorded
 * (store_refusal_put), for `core results`. */
void core_ingest_or_wait(core_ctx *c, const char *result, size_t len, const char *kiosk,
                         const char *sig, const char *name, int64_t now_ms, ingest_outcome *out);

/* Sets the state ("approved", "revoked", "pending") of the kiosk whose key
 * starts with `prefix` (8 to 64 hex digits, one kiosk) in store st.
 * Approving checks and stores every result waiting for it, as core_ingest
 * would now, with the context c over st (required to approve, else may be
 * NULL); revoking refuses them ("kiosk-revoked"). *stored and *refused
 * count them (a waiting result the store cannot take stays waiting). */
int core_kiosk_decide(store *st, core_ctx *c, const char *prefix, const char *state,
                      int64_t now_ms, int *stored, int *refused, char *why);

/* Calls fn for every kiosk that `id` names: its approval code as the kiosk
 * shows it ("XXXX-XXXX", any case, with or without the dash: kcode.h), or
 * 8 to 64 hex digits its key starts with; 8 characters that may be either
 * are tried as both. Returns how many kiosks it names (fn stops nothing),
 * or -1 with why when id is neither or the store cannot be read. */
int core_kiosk_match(store *st, const char *id,
                     void (*fn)(const char *pub, const char *name, const char *state,
                                int64_t enrolled_ms, void *arg),
                     void *arg, char *why);

/* Reads a .sig file's JSON ({"kiosk": 64 hex, "sig": 128 hex}) into
 * kiosk[65] and sig[129]; 0, or -1 when it is not that. */
int core_sig_parse(const char *text, size_t len, char *kiosk, char *sig);

/* The journal chain key (JCHAIN_KEY bytes) of `attempt` ("SESSION/NIP") of
 * the session `session_id` the core keeps, unlocked with its bank's key
 * (bank_session_journal_key). 1 with key set (the caller wipes it), 0 when
 * the core keeps no such session, -1 with why. */
int core_journal_key(core_ctx *c, const char *session_id, const char *attempt,
                     unsigned char key[32], char *why);

/* The attempt number the session `session_id` the core keeps holds for
 * `nip` into *attempt: 1, 0 when the core keeps no such session or the
 * NIP is not on its roster, -1 with why. */
int core_session_attempt(core_ctx *c, const char *session_id, const char *nip, int *attempt,
                         char *why);

/* Enrols a kiosk key (64 hex) as pending; approving is an operator's act. */
int core_kiosk_enrol(core_ctx *c, const char *pub, const char *name, int64_t now_ms, char *why);

#endif
