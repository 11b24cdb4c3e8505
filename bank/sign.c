/* sign.c -- Ed25519 signing keys of kiosks, and verification of detached signatures. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "internal.h"
#include "keyfile.h"
#include "hex.h"
#include "why.h"

struct bank_signer {
    uint8_t priv[BC_PRIV];
    uint8_t pub[BC_PUB];
    char pubhex[2 * BC_PUB + 1];
};

bank_signer *bank_signer_open(const char *prefix, bank_err *err, char *why)
{
    size_t n = strlen(prefix) + 5;
    char *keypath = malloc(n), *pubpath = malloc(n);
    bank_signer *s = calloc(1, sizeof *s);
    *err = BANK_ENOMEM;
    if (!keypath || !pubpath || !s) goto fail;
    snprintf(keypath, n, "%s.key", prefix);
    snprintf(pubpath, n, "%s.pub", prefix);
    bool have_key = access(keypath, F_OK) == 0, have_pub = access(pubpath, F_OK) == 0;
    if (!have_key && !have_pub) {
        if ((*err = bank_keygen(prefix, why))) goto fail;
    } else if (!have_key) {
        why_set(why, "%s exists without %s: refusing to guess", pubpath, keypath);
        *err = BANK_EINVAL;
        goto fail;
    }
    if ((*err = keyfile_read_private(keypath, s->priv, s->pub, why))) goto fail;
    hex_encode(s->pub, BC_PUB, s->pubhex);
    free(keypath);
    free(pubpath);
    return s;
fail:
    free(keypath);
    free(pubpath);
    bank_signer_free(s);
    return NULL;
}

void bank_signer_free(bank_signer *s)
{
    if (!s) return;
    OPENSSL_cleanse(s, sizeof *s);
    free(s);
}

const char *bank_signer_pub(const bank_signer *s)
{
    return s->pubhex;
}

bank_err bank_signer_sign(const bank_signer *s, const void *msg, size_t len, char sig_hex[129])
{
    uint8_t sig[BC_SIG];
    bank_err e = bc_ed25519_sign(s->priv, msg, len, sig);
    if (!e) hex_encode(sig, BC_SIG, sig_hex);
    return e;
}

bank_err bank_sig_verify(const char *pub_hex, const void *msg, size_t len, const char *sig_hex)
{
    uint8_t pub[BC_PUB], sig[BC_SIG];
    if (!pub_hex || !sig_hex || strlen(pub_hex) != 2 * BC_PUB ||
        strlen(sig_hex) != 2 * BC_SIG || hex_decode(pub_hex, pub, BC_PUB) ||
        hex_decode(sig_hex, sig, BC_SIG))
        return BANK_EINVAL;
    return bc_ed25519_verify(pub, msg, len, sig);
}
