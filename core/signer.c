/* signer.c -- the core's own Ed25519 key, derived from the core key file, and its receipts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>

#include "hex.h"
#include "proto.h"
#include "signer.h"
#include "vault.h"

struct core_signer {
    EVP_PKEY *key;            /* Ed25519, private */
    unsigned char mac[32];    /* the MAC key */
    char pub[65];
};

/* HKDF-SHA256 of the 32-byte key with `info` into out (32 bytes); 0 or -1. */
static int derive(const unsigned char key[32], const char *info, unsigned char out[32])
{
    EVP_PKEY_CTX *k = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
    size_t n = 32;
    int ok = k && EVP_PKEY_derive_init(k) > 0 && EVP_PKEY_CTX_set_hkdf_md(k, EVP_sha256()) > 0 &&
             EVP_PKEY_CTX_set1_hkdf_key(k, key, 32) > 0 &&
             EVP_PKEY_CTX_add1_hkdf_info(k, (const unsigned char *)info, (int)strlen(info)) > 0 &&
             EVP_PKEY_derive(k, out, &n) > 0 && n == 32;
    EVP_PKEY_CTX_free(k);
    return ok ? 0 : -1;
}

core_signer *core_signer_new(const unsigned char key[32], char *why)
{
    core_signer *s = calloc(1, sizeof *s);
    unsigned char seed[32], pub[32];
    size_t plen = sizeof pub;
    if (!s) {
        why_set(why, "out of memory");
        return NULL;
    }
    int ok = derive(key, "kisi core signing key v1", seed) == 0 &&
             derive(key, "kisi core mac key v1", s->mac) == 0 &&
             (s->key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32)) != NULL &&
             EVP_PKEY_get_raw_public_key(s->key, pub, &plen) > 0 && plen == 32;
    OPENSSL_cleanse(seed, sizeof seed);
    if (!ok) {
        why_set(why, "cannot derive the core's signing key");
        core_signer_free(s);
        return NULL;
    }
    hex_encode(pub, 32, s->pub);
    return s;
}

core_signer *core_signer_load(const char *path, char *why)
{
    vault v;
    if (vault_load(&v, path, why) != 0) return NULL;
    core_signer *s = core_signer_new(v.key, why);
    vault_wipe(&v);
    return s;
}

void core_signer_free(core_signer *s)
{
    if (!s) return;
    EVP_PKEY_free(s->key);
    OPENSSL_cleanse(s, sizeof *s);
    free(s);
}

const char *core_signer_pub(const core_signer *s)
{
    return s->pub;
}

int core_signer_sign(const core_signer *s, const void *msg, size_t len, char sig[129], char *why)
{
    unsigned char raw[64];
    size_t n = sizeof raw;
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    int ok = m && EVP_DigestSignInit(m, NULL, NULL, NULL, s->key) > 0 &&
             EVP_DigestSign(m, raw, &n, msg, len) > 0 && n == 64;
    EVP_MD_CTX_free(m);
    if (!ok) return why_set(why, "cannot sign with the core's key");
    hex_encode(raw, 64, sig);
    return 0;
}

void core_signer_mac(const core_signer *s, const void *msg, size_t len, unsigned char mac[32])
{
    unsigned n = 32;
    HMAC(EVP_sha256(), s->mac, sizeof s->mac, msg, len, mac, &n);
}

int core_receipt_sign(const core_signer *s, const char *digest, const char *kiosk,
                      const char *status, int64_t time_ms, core_receipt *r, char *why)
{
    memset(r, 0, sizeof *r);
    if (!hex_valid(digest, 64) || !hex_valid(kiosk, 64) || !status ||
        strlen(status) >= sizeof r->status || strchr(status, '\n'))
        return why_set(why, "a receipt needs a digest, a kiosk key and a status");
    char text[512];
    int n = snprintf(text, sizeof text, PROTO_RECEIPT_TEXT, PROTO_RECEIPT_VERSION, digest, kiosk,
                     status, (long long)time_ms);
    if (n < 0 || (size_t)n >= sizeof text) return why_set(why, "receipt too long");
    r->version = PROTO_RECEIPT_VERSION;
    memcpy(r->result, digest, 65);
    memcpy(r->kiosk, kiosk, 65);
    snprintf(r->status, sizeof r->status, "%s", status);
    r->time_ms = time_ms;
    memcpy(r->core, s->pub, 65);
    return core_signer_sign(s, text, (size_t)n, r->sig, why);
}

char *core_receipt_json(const core_receipt *r)
{
    json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:I, s:s, s:s}", "version", r->version, "result",
                          r->result, "kiosk", r->kiosk, "status", r->status, "time",
                          (json_int_t)r->time_ms, "core", r->core, "sig", r->sig);
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return text;
}
