/* crypto.h -- thin OpenSSL 3 EVP wrappers used inside libbank. */
#ifndef KISI_CRYPTO_H
#define KISI_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "bank.h"

#define BC_KEY 32     /* AES-256 key */
#define BC_NONCE 12   /* GCM nonce */
#define BC_TAG 16     /* GCM tag */
#define BC_SEALED(n) ((n) + BC_NONCE + BC_TAG)  /* size of a sealed box */
#define BC_SIG 64     /* Ed25519 signature */
#define BC_PUB 32     /* Ed25519 public key */
#define BC_PRIV 32    /* Ed25519 private key (seed) */

/* Fills `buf` with `n` cryptographically secure random bytes. */
bank_err bc_random(void *buf, size_t n);

/* AES-256-GCM with a random nonce: out = nonce || ciphertext || tag, out
 * must hold BC_SEALED(ptlen) bytes. */
bank_err bc_seal(const uint8_t key[BC_KEY], const void *aad, size_t aadlen,
                 const void *pt, size_t ptlen, uint8_t *out);
/* Opens a box made by bc_seal(): pt must hold inlen - BC_NONCE - BC_TAG
 * bytes. BANK_ETAMPER when the tag does not verify (pt is wiped then). */
bank_err bc_open(const uint8_t key[BC_KEY], const void *aad, size_t aadlen,
                 const uint8_t *in, size_t inlen, uint8_t *pt);

/* scrypt(pass, salt, N = 2^logn, r = 8, p = 1) -> out. */
bank_err bc_scrypt(const void *pass, size_t passlen, const uint8_t *salt, size_t saltlen,
                   int logn, uint8_t *out, size_t outlen);
/* HKDF-SHA256(key, info) -> out (no salt). */
bank_err bc_hkdf(const uint8_t *key, size_t keylen, const char *info, uint8_t *out,
                 size_t outlen);
/* HMAC-SHA256. */
bank_err bc_hmac(const uint8_t *key, size_t keylen, const void *msg, size_t len,
                 uint8_t out[32]);
/* SHA-256. */
void bc_sha256(const void *data, size_t len, uint8_t out[32]);

/* Ed25519. */
bank_err bc_ed25519_keypair(uint8_t priv[BC_PRIV], uint8_t pub[BC_PUB]);
bank_err bc_ed25519_sign(const uint8_t priv[BC_PRIV], const void *msg, size_t len,
                         uint8_t sig[BC_SIG]);
/* BANK_OK when `sig` is valid for msg under pub, else BANK_ETAMPER. */
bank_err bc_ed25519_verify(const uint8_t pub[BC_PUB], const void *msg, size_t len,
                           const uint8_t sig[BC_SIG]);

/* Deterministic random stream: AES-256-CTR keystream under a seed. */
typedef struct bc_drbg {
    void *ctx;           /* EVP_CIPHER_CTX */
    uint8_t buf[512];
    size_t pos;
} bc_drbg;

/* Seeds the stream from `seed` and a context label. */
bank_err bc_drbg_init(bc_drbg *d, const uint8_t seed[32], const char *label);
/* A uniform integer in [0, n) (n > 0), without modulo bias. */
uint32_t bc_drbg_below(bc_drbg *d, uint32_t n);
uint64_t bc_drbg_u64(bc_drbg *d);
void bc_drbg_free(bc_drbg *d);

/* Fisher-Yates shuffle of n ints with the stream. */
void bc_shuffle(bc_drbg *d, int *v, size_t n);

#endif
