/* lease.h -- one seat per attempt: which kiosk holds (session, NIP, attempt), the core's signed
 * answer to a kiosk asking for it, and the session option authorise-start. Thread-safe. */
#ifndef KISI_LEASE_H
#define KISI_LEASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signer.h"
#include "store.h"
#include "why.h"

#define LEASE_OPT_AUTHORISE "authorise-start" /* the session option: "on" or "off" */

/* The core's answer to one lease request, as signed (PROTO_LEASE_TEXT). */
typedef struct lease_grant {
    int version;          /* PROTO_LEASE_VERSION */
    char kiosk[65];       /* the kiosk that asked */
    long long seq;        /* its request's seq */
    char session[65], nip[65];
    int attempt;
    char status[16];      /* "granted" or "refused" */
    char holder[33];      /* the seat label holding the attempt (a key's first 8 hex
                             digits when that kiosk gave no label) */
    bool authorise;       /* the seat waits for the proctor before the start */
    long long replica;    /* journal events of the attempt the core holds */
    char sig[129];        /* the core key's Ed25519 signature of the text */
} lease_grant;

/* Signs g (every field but sig set) with the core's key into g->sig.
 * 0, or -1 with why (a field that cannot be signed: a newline, too long). */
int lease_grant_sign(const core_signer *s, lease_grant *g, char *why);
/* The answer as JSON (compact, keys sorted): {"attempt", "authorise",
 * "holder", "kiosk", "nip", "replica", "seq", "session", "sig", "status",
 * "version"}. Caller frees; NULL when out of memory. */
char *lease_grant_json(const lease_grant *g);

/* Takes the lease of (session, nip, attempt) for kiosk (64 hex) at seat:
 * 1 granted (no one held it, this kiosk did, or the proctor moved it here),
 * 0 refused; *holder gets who holds it then. -1 with why. */
int lease_take(store *st, const char *session, const char *nip, int attempt, const char *kiosk,
               const char *seat, int64_t now_ms, store_lease *holder, char *why);
/* Releases the lease of one attempt, or of every attempt of nip when
 * attempt is -1: the next seat to ask takes it. *n counts them. */
int lease_release(store *st, const char *session, const char *nip, int attempt, int *n,
                  char *why);
/* Moves every lease of (session, nip) to kiosk to_kiosk (64 hex) at
 * to_seat, or, with to_kiosk "", to whichever kiosk next asks from seat
 * label to_seat. *n counts them (0: the participant held none). */
int lease_move(store *st, const char *session, const char *nip, const char *to_kiosk,
               const char *to_seat, int64_t now_ms, int *n, char *why);
/* The holder of (session, nip, attempt): 1 held (into *holder), 0 free, -1 error. */
int lease_holder(store *st, const char *session, const char *nip, int attempt,
                 store_lease *holder, char *why);

/* The session option authorise-start: seats of the session wait for the
 * proctor's authorisation after the instructions. */
int lease_authorise_set(store *st, const char *session, bool on, char *why);
/* *on gets the option (false when never set); 0, or -1 with why. */
int lease_authorise_get(store *st, const char *session, bool *on, char *why);

/* Journal events the core holds of an attempt (the replica's count), for the
 * answer; NULL means none are held. */
typedef long long (*lease_replica_fn)(void *arg, const char *session, const char *nip,
                                      int attempt);

/* What became of one lease request. */
typedef struct lease_answer {
    int status;          /* 200 answered (granted or refused: see json); 400 malformed or
                            unsupported-version, 401 bad-signature, 403 unknown-kiosk or
                            kiosk-not-approved, 500 server-error */
    char code[32];
    char reason[WHY_SIZE];
    char *json;          /* with 200: the signed answer (lease_grant_json), caller frees */
    bool granted;
} lease_answer;

/* Answers one lease request: `body` (len bytes, the JSON exactly as signed:
 * {"version", "seq", "session", "nip", "attempt", "seat"}) signed by
 * `kiosk` (64 hex) with `sig` (128 hex). Checks the signature, that the
 * kiosk is approved and the fields, takes the lease and signs the answer. */
void lease_request(store *st, const core_signer *signer, const char *body, size_t len,
                   const char *kiosk, const char *sig, int64_t now_ms, lease_replica_fn replica,
                   void *arg, lease_answer *a);

#endif
