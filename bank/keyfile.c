/* keyfile.c -- reads and writes Ed25519 keys as PEM files with safe modes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "internal.h"
#include "keyfile.h"
#include "why.h"

/* Creates `path` exclusively with `mode` and writes the key with PEM. */
static bank_err write_pem(const char *path, int mode, EVP_PKEY *k, bool private_key,
                          char *why)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    if (fd < 0) {
        why_set(why, "%s: %s", path, strerror(errno));
        return errno == EEXIST ? BANK_EEXIST : BANK_EIO;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(path);
        why_set(why, "%s: %s", path, strerror(errno));
        return BANK_EIO;
    }
    int ok = private_key ? PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL)
                         : PEM_write_PUBKEY(f, k);
    ok = fflush(f) == 0 && fsync(fd) == 0 && ok;
    if (fclose(f) != 0) ok = 0;
    if (!ok) {
        unlink(path);
        why_set(why, "%s: cannot write the key", path);
        return BANK_EIO;
    }
    return BANK_OK;
}

bank_err keyfile_write_private(const char *path, const uint8_t priv[32], char *why)
{
    EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, priv, 32);
    if (!k) return BANK_ECRYPTO;
    bank_err e = write_pem(path, 0600, k, true, why);
    EVP_PKEY_free(k);
    return e;
}

bank_err keyfile_write_public(const char *path, const uint8_t pub[32], char *why)
{
    EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
    if (!k) return BANK_ECRYPTO;
    bank_err e = write_pem(path, 0644, k, false, why);
    EVP_PKEY_free(k);
    return e;
}

/* Loads a PEM key of either kind; NULL with why set on failure. */
static EVP_PKEY *read_pem(const char *path, bool private_key, char *why)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        why_set(why, "%s: %s", path, strerror(errno));
        return NULL;
    }
    EVP_PKEY *k = private_key ? PEM_read_PrivateKey(f, NULL, NULL, NULL)
                              : PEM_read_PUBKEY(f, NULL, NULL, NULL);
    fclose(f);
    if (!k || EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
        why_set(why, "%s is not an Ed25519 %s key file", path,
                 private_key ? "private" : "public");
        EVP_PKEY_free(k);
        return NULL;
    }
    return k;
}

bank_err keyfile_read_private(const char *path, uint8_t priv[32], uint8_t pub[32], char *why)
{
    EVP_PKEY *k = read_pem(path, true, why);
    if (!k) return BANK_EINVAL;
    size_t a = 32, b = 32;
    int ok = EVP_PKEY_get_raw_private_key(k, priv, &a) == 1 &&
             EVP_PKEY_get_raw_public_key(k, pub, &b) == 1 && a == 32 && b == 32;
    EVP_PKEY_free(k);
    if (!ok) {
        OPENSSL_cleanse(priv, 32);
        why_set(why, "%s: cannot read the key", path);
        return BANK_EINVAL;
    }
    return BANK_OK;
}

bank_err keyfile_read_public(const char *path, uint8_t pub[32], char *why)
{
    EVP_PKEY *k = read_pem(path, false, why);
    if (!k) return BANK_EINVAL;
    size_t b = 32;
    int ok = EVP_PKEY_get_raw_public_key(k, pub, &b) == 1 && b == 32;
    EVP_PKEY_free(k);
    if (!ok) {
        why_set(why, "%s: cannot read the key", path);
        return BANK_EINVAL;
    }
    return BANK_OK;
}
