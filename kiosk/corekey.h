/* corekey.h -- the core's public key as this kiosk pins it, and what is checked with it. */
#ifndef KISI_COREKEY_H
#define KISI_COREKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "why.h"

#define COREKEY_FILE "core.pub"  /* the pinned key in the state folder */

/* Reads a core key file (64 lower-case hex digits, a newline allowed) into
 * pub (65 bytes). 1 read, 0 missing, -1 with why when unreadable or not a key. */
int corekey_read(const char *path, char pub[65], char *why);

/* Pins pub: writes it to path (0644, made whole or not at all) unless a key
 * is there already. 0 when path holds pub afterwards; -1 with why when it
 * holds another key or cannot be written. */
int corekey_pin(const char *path, const char *pub, char *why);

/* True when sig (128 hex) is the core key pub's Ed25519 signature of
 * len bytes of msg. For receipts, and whatever else the core signs. */
bool corekey_verify(const char *pub, const void *msg, size_t len, const char *sig);

/* A receipt as the core sends it ("receipt" of its answer to a result). */
typedef struct corekey_receipt {
    int version;
    char result[65], kiosk[65], status[16], core[65], sig[129];
    int64_t time_ms;
} corekey_receipt;

/* Reads the "receipt" member of the core's answer (len bytes of JSON) into
 * r. 0, or -1 with why when there is none or it is not a receipt of a
 * version this kiosk reads. */
int corekey_receipt_parse(const char *answer, size_t len, corekey_receipt *r, char *why);

/* 0 when r is signed by the pinned core key `pub` and is a receipt for
 * exactly the result of SHA-256 `digest` (64 hex) signed by `kiosk`, stored
 * or already stored; else -1 with why. */
int corekey_receipt_check(const corekey_receipt *r, const char *pub, const char *digest,
                          const char *kiosk, char *why);

#endif
