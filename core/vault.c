/* vault.c -- the core's key file, and passphrases sealed under it (libbank's sealed box). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "bank.h"
#include "hex.h"
#include "secret.h"
#include "vault.h"
#include "why.h"

#define VAULT_PATH_MAX 4096

_Static_assert(VAULT_KEY_LEN == BANK_BOX_KEY, "the core key is a box key");

/* Names the key: the first 8 bytes of SHA-256("kisi-core-key" || key), in hex. */
static void vault_name(vault *v)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    if (m && EVP_DigestInit_ex(m, EVP_sha256(), NULL) &&
        EVP_DigestUpdate(m, "kisi-core-key", 13) && EVP_DigestUpdate(m, v->key, sizeof v->key) &&
        EVP_DigestFinal_ex(m, d, &n) && n >= 8)
        hex_encode(d, 8, v->id);
    else
        snprintf(v->id, sizeof v->id, "unknown");
    EVP_MD_CTX_free(m);
}

/* Makes the key file at path: a new key written to a temporary file in
 * the same folder, then linked into place, so that no process ever reads
 * half a key. 0 made or already there (another process won), -1 with why. */
static int vault_make(const char *path, char *why)
{
    char tmp[VAULT_PATH_MAX], text[2 * VAULT_KEY_LEN + 2];
    unsigned char key[VAULT_KEY_LEN];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= sizeof tmp) {
        why_set(why, "the key file's path is too long");
        return -1;
    }
    if (RAND_bytes(key, sizeof key) != 1) {
        why_set(why, "no random numbers available for the core key");
        return -1;
    }
    hex_encode(key, sizeof key, text);
    OPENSSL_cleanse(key, sizeof key);
    strcat(text, "\n");
    int fd = mkstemp(tmp); /* 0600 */
    if (fd < 0) {
        why_set(why, "cannot make the core key %.200s: %s", path, strerror(errno));
        OPENSSL_cleanse(text, sizeof text);
        return -1;
    }
    size_t n = strlen(text);
    bool ok = write(fd, text, n) == (ssize_t)n && fsync(fd) == 0;
    OPENSSL_cleanse(text, sizeof text);
    int err = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (ok && link(tmp, path) != 0 && errno != EEXIST) {
        ok = false;
        err = errno;
    }
    unlink(tmp);
    if (!ok) why_set(why, "cannot make the core key %.200s: %s", path, strerror(err));
    return ok ? 0 : -1;
}

int vault_load(vault *v, const char *path, char *why)
{
    memset(v, 0, sizeof *v);
    if (access(path, F_OK) != 0 && errno == ENOENT && vault_make(path, why)) return -1;
    size_t len = 0;
    char *text = secret_read(path, SECRET_MAX, 0, &len, why);
    if (!text) return -1;
    int rc = len == 2 * VAULT_KEY_LEN ? hex_decode(text, v->key, VAULT_KEY_LEN) : -1;
    secret_free(text, len);
    if (rc != 0) {
        why_set(why, "%.200s is not a core key (64 hex digits)", path);
        vault_wipe(v);
        return -1;
    }
    vault_name(v);
    return 0;
}

void vault_wipe(vault *v)
{
    OPENSSL_cleanse(v, sizeof *v);
}

int vault_seal(const vault *v, const char *label, const void *secret, size_t len,
               store_blob *box, char *why)
{
    box->len = len + BANK_BOX_OVERHEAD;
    box->data = malloc(box->len);
    if (!box->data) {
        why_set(why, "out of memory");
        box->len = 0;
        return -1;
    }
    if (bank_box_seal(v->key, label, strlen(label), secret, len, box->data) != BANK_OK) {
        why_set(why, "cannot seal the passphrase under the core key");
        store_blob_free(box);
        return -1;
    }
    return 0;
}

char *vault_unseal(const vault *v, const char *label, const store_blob *box, size_t *len,
                   char *why)
{
    if (box->len <= BANK_BOX_OVERHEAD || box->len - BANK_BOX_OVERHEAD > SECRET_MAX) {
        why_set(why, "the sealed passphrase of bank %.32s is damaged", label);
        return NULL;
    }
    size_t n = box->len - BANK_BOX_OVERHEAD;
    char *out = calloc(1, n + 1);
    if (!out) {
        why_set(why, "out of memory");
        return NULL;
    }
    if (bank_box_open(v->key, label, strlen(label), box->data, box->len,
                      (uint8_t *)out) != BANK_OK) {
        secret_free(out, n);
        why_set(why, "the core key (%s) does not open the passphrase of bank %.32s: it was"
                     " sealed under another key or changed in the database", v->id, label);
        return NULL;
    }
    *len = n;
    return out;
}
