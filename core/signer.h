/* signer.h -- the core's own Ed25519 key, derived from the core key file: it signs receipts
 * (and whatever else the core must vouch for to kiosks). */
#ifndef KISI_SIGNER_H
#define KISI_SIGNER_H

#include <stddef.h>
#include <stdint.h>

#include "why.h"

typedef struct core_signer core_signer;

/* A signer over the 32 bytes of a core key (the key file's content, see
 * core_ctx_new): its Ed25519 key is HKDF-SHA256(key, info "kisi core
 * signing key v1"), so every core given a copy of one key file signs alike
 * (stateless cores behind one address). The key is copied; wipe yours.
 * Caller frees with core_signer_free(). NULL with why on error. */
core_signer *core_signer_new(const unsigned char key[32], char *why);
/* Reads the core key file at path (made 0600 when missing, as the core
 * does) into a signer. Caller frees with core_signer_free(). NULL with why. */
core_signer *core_signer_load(const char *path, char *why);
/* Wipes the keys and frees. NULL is a no-op. */
void core_signer_free(core_signer *s);

/* The public key kiosks pin (64 lower-case hex), borrowed from s. */
const char *core_signer_pub(const core_signer *s);
/* Signs len bytes of msg into sig (128 hex and a NUL). Thread-safe.
 * 0, or -1 with why. */
int core_signer_sign(const core_signer *s, const void *msg, size_t len, char sig[129], char *why);
/* HMAC-SHA256 of msg under a second key derived from the core key (info
 * "kisi core mac key v1"): for tokens the core gives and takes back, such
 * as enrolment challenges, that any core of the same key accepts. */
void core_signer_mac(const core_signer *s, const void *msg, size_t len, unsigned char mac[32]);

/* A receipt: the core took (or already held) exactly this result. */
typedef struct core_receipt {
    int version;          /* PROTO_RECEIPT_VERSION */
    char result[65];      /* SHA-256 of the record as uploaded, hex */
    char kiosk[65];       /* the kiosk key that signed the record */
    char status[16];      /* "stored" or "duplicate" */
    int64_t time_ms;      /* the core's clock, ms since 1970 */
    char core[65];        /* the signer's public key */
    char sig[129];        /* Ed25519 over PROTO_RECEIPT_TEXT of the above */
} core_receipt;

/* Fills r with a receipt for the result of SHA-256 `digest` (64 hex) from
 * `kiosk` (64 hex) with `status`, signed by s. 0, or -1 with why. */
int core_receipt_sign(const core_signer *s, const char *digest, const char *kiosk,
                      const char *status, int64_t time_ms, core_receipt *r, char *why);

/* The receipt as the JSON object the core sends (compact, keys sorted):
 * {"core", "kiosk", "result", "sig", "status", "time", "version"}. Caller
 * frees with free(); NULL when out of memory. */
char *core_receipt_json(const core_receipt *r);

#endif
