/* vault.h -- the core's key: seals the bank passphrases the core keeps in its store, so
 * that the database never holds one in clear. Inside the core only (keep.c). */
#ifndef KISI_VAULT_H
#define KISI_VAULT_H

#include <stddef.h>

#include "store.h"

#define VAULT_KEY_LEN 32

typedef struct vault {
    unsigned char key[VAULT_KEY_LEN];
    char id[17]; /* 16 hex digits naming the key (not revealing it) */
} vault;

/* Reads the key file at path (64 hex digits), or makes it when missing
 * (0600, from the system's random numbers; several processes making it at
 * once end with one key). 0, or -1 with why. Wipe with vault_wipe(). */
int vault_load(vault *v, const char *path, char *why);
void vault_wipe(vault *v);

/* Seals len bytes of secret for `label` (the bank id: a box moved to
 * another bank's row does not open) into box (malloc'd; free with
 * store_blob_free). 0, or -1 with why. */
int vault_seal(const vault *v, const char *label, const void *secret, size_t len,
               store_blob *box, char *why);
/* Opens a box of vault_seal; the secret (NUL-terminated, its length in
 * *len) is wiped and freed by the caller with secret_free(). NULL with why
 * when the box was made under another key or label, or changed. */
char *vault_unseal(const vault *v, const char *label, const store_blob *box, size_t *len,
                   char *why);

#endif
