/* crypto.c -- AES-GCM, scrypt, HKDF, HMAC, Ed25519 and a keyed stream via OpenSSL EVP. */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "crypto.h"

bank_err bc_random(void *buf, size_t n)
{
    if (n > (size_t)INT32_MAX) return BANK_EINVAL;
    return RAND_bytes(buf, (int)n) == 1 ? BANK_OK : BANK_ECRYPTO;
}

bank_err bc_seal(const uint8_t key[BC_KEY], const void *aad, size_t aadlen,
                 const void *pt, size_t ptlen, uint8_t *out)
{
    if (ptlen > (size_t)INT32_MAX - 64 || aadlen > (size_t)INT32_MAX) return BANK_EINVAL;
    bank_err rc = bc_random(out, BC_NONCE);
    if (rc) return rc;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (!c) return BANK_ENOMEM;
    int len = 0, ok = EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, out) == 1;
    ok = ok && (aadlen == 0 || EVP_EncryptUpdate(c, NULL, &len, aad, (int)aadlen) == 1);
    ok = ok && EVP_EncryptUpdate(c, out + BC_NONCE, &len, pt, (int)ptlen) == 1;
    ok = ok && EVP_EncryptFinal_ex(c, out + BC_NONCE + len, &len) == 1;
    ok = ok && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, BC_TAG,
                                   out + BC_NONCE + ptlen) == 1;
    EVP_CIPHER_CTX_free(c);
    return ok ? BANK_OK : BANK_ECRYPTO;
}

bank_err bc_open(const uint8_t key[BC_KEY], const void *aad, size_t aadlen,
                 const uint8_t *in, size_t inlen, uint8_t *pt)
{
    if (inlen < BC_NONCE + BC_TAG || inlen > (size_t)INT32_MAX || aadlen > (size_t)INT32_MAX)
        return BANK_ETAMPER;
    size_t ctlen = inlen - BC_NONCE - BC_TAG;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (!c) return BANK_ENOMEM;
    int len = 0, ok = EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, in) == 1;
    ok = ok && (aadlen == 0 || EVP_DecryptUpdate(c, NULL, &len, aad, (int)aadlen) == 1);
    ok = ok && EVP_DecryptUpdate(c, pt, &len, in + BC_NONCE, (int)ctlen) == 1;
    ok = ok && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, BC_TAG,
                                   (void *)(in + BC_NONCE + ctlen)) == 1;
    ok = ok && EVP_DecryptFinal_ex(c, pt + len, &len) == 1;
    EVP_CIPHER_CTX_free(c);
    if (!ok) {
        OPENSSL_cleanse(pt, ctlen);
        return BANK_ETAMPER;
    }
    return BANK_OK;
}

bank_err bc_scrypt(const void *pass, size_t passlen, const uint8_t *salt, size_t saltlen,
                   int logn, uint8_t *out, size_t outlen)
{
    if (logn < 1 || logn > 22) return BANK_EINVAL;
    uint64_t n = (uint64_t)1 << logn;
    int ok = EVP_PBE_scrypt(pass, passlen, salt, saltlen, n, 8, 1, 1024ULL * 1024 * 1024,
                            out, outlen);
    return ok == 1 ? BANK_OK : BANK_ECRYPTO;
}

/* Runs one EVP_KDF by name with the given parameters. */
static bank_err kdf_run(const char *name, OSSL_PARAM *params, uint8_t *out, size_t outlen)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, name, NULL);
    if (!kdf) return BANK_ECRYPTO;
    EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
    EVP_KDF_free(kdf);
    if (!ctx) return BANK_ENOMEM;
    int ok = EVP_KDF_derive(ctx, out, outlen, params) == 1;
    EVP_KDF_CTX_free(ctx);
    return ok ? BANK_OK : BANK_ECRYPTO;
}

bank_err bc_hkdf(const uint8_t *key, size_t keylen, const char *info, uint8_t *out,
                 size_t outlen)
{
    OSSL_PARAM p[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)key, keylen),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, strlen(info)),
        OSSL_PARAM_construct_end(),
    };
    return kdf_run("HKDF", p, out, outlen);
}

bank_err bc_hmac(const uint8_t *key, size_t keylen, const void *msg, size_t len,
                 uint8_t out[32])
{
    size_t outlen = 0;
    unsigned char *r = EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, keylen, msg, len,
                                 out, 32, &outlen);
    return r && outlen == 32 ? BANK_OK : BANK_ECRYPTO;
}

void bc_sha256(const void *data, size_t len, uint8_t out[32])
{
    unsigned int n = 0;
    if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1) memset(out, 0, 32);
}

bank_err bc_ed25519_keypair(uint8_t priv[BC_PRIV], uint8_t pub[BC_PUB])
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (!k) return BANK_ECRYPTO;
    size_t a = BC_PRIV, b = BC_PUB;
    int ok = EVP_PKEY_get_raw_private_key(k, priv, &a) == 1 &&
             EVP_PKEY_get_raw_public_key(k, pub, &b) == 1 && a == BC_PRIV && b == BC_PUB;
    EVP_PKEY_free(k);
    return ok ? BANK_OK : BANK_ECRYPTO;
}

bank_err bc_ed25519_sign(const uint8_t priv[BC_PRIV], const void *msg, size_t len,
                         uint8_t sig[BC_SIG])
{
    EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, priv, BC_PRIV);
    if (!k) return BANK_ECRYPTO;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    size_t siglen = BC_SIG;
    int ok = md && EVP_DigestSignInit(md, NULL, NULL, NULL, k) == 1 &&
             EVP_DigestSign(md, sig, &siglen, msg, len) == 1 && siglen == BC_SIG;
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(k);
    return ok ? BANK_OK : BANK_ECRYPTO;
}

bank_err bc_ed25519_verify(const uint8_t pub[BC_PUB], const void *msg, size_t len,
                           const uint8_t sig[BC_SIG])
{
    EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, BC_PUB);
    if (!k) return BANK_ETAMPER;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md && EVP_DigestVerifyInit(md, NULL, NULL, NULL, k) == 1 &&
             EVP_DigestVerify(md, sig, BC_SIG, msg, len) == 1;
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(k);
    return ok ? BANK_OK : BANK_ETAMPER;
}

bank_err bc_drbg_init(bc_drbg *d, const uint8_t seed[32], const char *label)
{
    memset(d, 0, sizeof *d);
    uint8_t key[32], iv[16] = {0};
    bank_err rc = bc_hkdf(seed, 32, label, key, sizeof key);
    if (rc) return rc;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (!c) {
        OPENSSL_cleanse(key, sizeof key);
        return BANK_ENOMEM;
    }
    int ok = EVP_EncryptInit_ex(c, EVP_aes_256_ctr(), NULL, key, iv) == 1;
    OPENSSL_cleanse(key, sizeof key);
    if (!ok) {
        EVP_CIPHER_CTX_free(c);
        return BANK_ECRYPTO;
    }
    d->ctx = c;
    d->pos = sizeof d->buf;
    return BANK_OK;
}

/* Refills the buffer with keystream (encrypting zeros). */
static void drbg_refill(bc_drbg *d)
{
    static const uint8_t zeros[sizeof d->buf];
    int len = 0;
    if (EVP_EncryptUpdate(d->ctx, d->buf, &len, zeros, (int)sizeof zeros) != 1)
        memset(d->buf, 0, sizeof d->buf); /* cannot happen with CTR; stays deterministic */
    d->pos = 0;
}

uint64_t bc_drbg_u64(bc_drbg *d)
{
    if (d->pos + 8 > sizeof d->buf) drbg_refill(d);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | d->buf[d->pos++];
    return v;
}

uint32_t bc_drbg_below(bc_drbg *d, uint32_t n)
{
    if (n <= 1) return 0;
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t v;
    do v = bc_drbg_u64(d);
    while (v >= limit);
    return (uint32_t)(v % n);
}

void bc_drbg_free(bc_drbg *d)
{
    if (!d) return;
    EVP_CIPHER_CTX_free(d->ctx);
    OPENSSL_cleanse(d->buf, sizeof d->buf);
    d->ctx = NULL;
}

void bc_shuffle(bc_drbg *d, int *v, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = bc_drbg_below(d, (uint32_t)i);
        int t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

_Static_assert(BANK_BOX_KEY == BC_KEY && BANK_BOX_OVERHEAD == BC_NONCE + BC_TAG,
               "the public box is libbank's own");

bank_err bank_box_seal(const uint8_t key[BANK_BOX_KEY], const void *aad, size_t aadlen,
                       const void *pt, size_t len, uint8_t *out)
{
    return bc_seal(key, aad, aadlen, pt, len, out);
}

bank_err bank_box_open(const uint8_t key[BANK_BOX_KEY], const void *aad, size_t aadlen,
                       const uint8_t *in, size_t inlen, uint8_t *pt)
{
    return bc_open(key, aad, aadlen, in, inlen, pt);
}
