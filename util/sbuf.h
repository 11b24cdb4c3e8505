/* sbuf.h -- a bounded growable byte buffer that frees itself on failure. */
#ifndef KISI_SBUF_H
#define KISI_SBUF_H

#include <stdbool.h>
#include <stddef.h>

/* Holds len bytes at p, always followed by a NUL (p is NULL while empty).
 * Set up with sbuf_init() (or `sbuf b = {0}`: no bound but SIZE_MAX / 4).
 * When an append would pass `max` bytes or memory runs out, the buffer
 * frees what it held (wiped first when `secret`) and stays `failed`: every
 * later append is a no-op that fails, so a writer may append many pieces
 * and check once at the end. */
typedef struct sbuf {
    char *p;
    size_t len, cap;
    size_t max;      /* most bytes held (without the NUL); 0 = SIZE_MAX / 4 */
    bool failed;     /* an append failed: p is NULL, len 0 */
    bool secret;     /* wipe the old storage when growing and freeing */
} sbuf;

/* Prepares an empty buffer that holds at most max bytes (0: no bound). */
void sbuf_init(sbuf *b, size_t max);

/* Appends n bytes of p. true, or false when the buffer failed (now or before). */
bool sbuf_add(sbuf *b, const void *p, size_t n);

/* Appends the string s. */
bool sbuf_puts(sbuf *b, const char *s);

/* Appends the printf-style text. */
bool sbuf_printf(sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Hands over the bytes: the NUL-terminated text (an empty buffer gives "")
 * with its length in *len when len is not NULL; the caller frees it with
 * free(). NULL when the buffer failed or memory runs out. The buffer is left
 * empty and may be used again. */
char *sbuf_take(sbuf *b, size_t *len);

/* Frees what the buffer holds (wiping it when `secret`) and leaves it empty,
 * with its bound. */
void sbuf_free(sbuf *b);

#endif
