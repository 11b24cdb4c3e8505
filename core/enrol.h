/* enrol.h -- kiosks enrol over the network: a challenge, proof of the key, limits. */
#ifndef KISI_ENROL_H
#define KISI_ENROL_H

#include <stddef.h>
#include <stdint.h>

#include "ingest.h"
#include "why.h"

#define ENROL_CHALLENGE_SIZE 72  /* a challenge's text and its NUL */
#define ENROL_NAME_MAX 120       /* bytes of a kiosk's name */

/* How much enrolment one core takes. A new kiosk (a key not yet known)
 * spends a token of its address's bucket and one of the bucket of all
 * addresses; a bucket holds `burst` tokens and gains one every `every_ms`.
 * A kiosk already known only reads its state and spends nothing. */
typedef struct enrol_limits {
    int addr_burst;          /* new kiosks one address enrols at once (4) */
    int64_t addr_every_ms;   /* then one more every this long (60 s) */
    int all_burst;           /* new kiosks of all addresses at once (64) */
    int64_t all_every_ms;    /* then one more every this long (1 s) */
    int pending_max;         /* kiosks waiting for approval at most (512) */
    int64_t pending_ttl_ms;  /* a kiosk pending longer is forgotten (1 day) */
    int64_t challenge_ttl_ms; /* a challenge holds this long (5 min) */
} enrol_limits;

/* The limits above. */
void enrol_limits_default(enrol_limits *lim);

typedef struct enrol_guard enrol_guard;

/* A guard for the core c (borrowed, must outlive it) with lim (copied;
 * NULL for the defaults). Caller frees with enrol_guard_free(). NULL with
 * why on error. */
enrol_guard *enrol_guard_new(core_ctx *c, const enrol_limits *lim, char *why);
void enrol_guard_free(enrol_guard *g);

/* A fresh challenge into out: "TIME-NONCE-MAC", the time (ms), 16 random
 * hex digits and a MAC under the core key, so that any core of the same key
 * file takes it back, for challenge_ttl_ms, and no core of another key. */
void enrol_challenge(enrol_guard *g, int64_t now_ms, char out[ENROL_CHALLENGE_SIZE]);

/* The answer to an enrolment request. */
typedef struct enrol_answer {
    int status;            /* 200 known, 202 enrolled now (pending), 4xx/5xx refused */
    char code[32];         /* "" when accepted, else "malformed", "proof-required",
                              "wrong-core", "bad-challenge", "stale-challenge", "bad-proof",
                              "bad-name", "rate-limited", "enrolment-full", "server-error" */
    char state[16];        /* when accepted: "pending", "approved" or "revoked" */
    char reason[WHY_SIZE]; /* one line for people */
} enrol_answer;

/* Answers one request: body is the JSON object of POST /v1/kiosks
 * {"version", "pub", "name", "core", "challenge", "sig"} where sig is the
 * kiosk key's Ed25519 signature of PROTO_ENROL_TEXT (util/proto.h); addr
 * the client's address (the rate limit's key). Checks, in order: the form;
 * the core named is this one; the challenge is this core's and fresh; the
 * signature; the name (one line, no direction characters). A known key
 * gets its state; a new one the limits, then pending kiosks older than
 * pending_ttl_ms are forgotten, then it is enrolled unless pending_max
 * kiosks already wait. Thread-safe. */
void enrol_request(enrol_guard *g, const char *body, size_t len, const char *addr,
                   int64_t now_ms, enrol_answer *out);

/* Admits the key pub (64 hex) of a result forwarded by another core, whose
 * signature the caller has checked: a known key gets its state (200); a new
 * one is enrolled pending under `name` (202) within the same limits as
 * enrol_request (429 rate-limited, 503 enrolment-full). Thread-safe. */
void enrol_admit(enrol_guard *g, const char *pub, const char *name, const char *addr,
                 int64_t now_ms, enrol_answer *out);

#endif
