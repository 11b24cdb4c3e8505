/* secret.h -- reading a secret (passphrase, token, code) from a file, wiped on every path. */
#ifndef KISI_SECRET_H
#define KISI_SECRET_H

#include <stddef.h>

#define SECRET_MAX 1024     /* the longest secret any program takes, in bytes */
#define SECRET_STDIN 1      /* flag: the path "-" means standard input */

/* Reads the secret in `path` (standard input for "-" when flags holds
 * SECRET_STDIN): the whole file less one trailing line end ("\n", "\r\n"
 * or "\r"), at most `max` bytes (max <= SECRET_MAX). Refuses a missing or
 * unreadable file, an empty secret, a NUL byte and a longer file, with
 * why = "PATH: reason" (WHY_SIZE bytes, may be NULL). Every byte read is
 * wiped before its memory is freed, on every path. Returns the
 * NUL-terminated secret with its length in *len; the caller wipes and
 * frees it with secret_free(s, *len). */
char *secret_read(const char *path, size_t max, int flags, size_t *len, char *why);

/* Wipes and frees a secret of len bytes (and its NUL). NULL is a no-op. */
void secret_free(char *s, size_t len);

#endif
