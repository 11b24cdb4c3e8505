/* sbuf.c -- a bounded growable byte buffer that frees itself on failure. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sbuf.h"

#define SBUF_FIRST 256   /* the first allocation */

void sbuf_init(sbuf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max;
}

/* Frees the storage, wiping it first when the buffer holds a secret. */
static void drop(sbuf *b)
{
    if (b->p && b->secret) OPENSSL_cleanse(b->p, b->cap);
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* Marks the buffer failed and frees it; returns false. */
static bool fail(sbuf *b)
{
    drop(b);
    b->failed = true;
    return false;
}

/* Makes room for n more bytes and the NUL. */
static bool room(sbuf *b, size_t n)
{
    size_t max = b->max && b->max < SIZE_MAX / 4 ? b->max : SIZE_MAX / 4;
    if (b->failed || n > max - b->len) return b->failed ? false : fail(b);
    size_t need = b->len + n + 1;
    if (need <= b->cap) return true;
    size_t cap = b->cap ? b->cap : SBUF_FIRST;
    while (cap < need) cap *= 2;
    if (cap > max + 1) cap = max + 1;
    char *p;
    size_t len = b->len;
    if (b->secret) {  /* never leave a copy behind in freed memory */
        p = malloc(cap);
        if (p && b->p) memcpy(p, b->p, len);
        if (p) drop(b);
    } else {
        p = realloc(b->p, cap);
    }
    if (!p) return fail(b);
    b->p = p;
    b->len = len;
    b->cap = cap;
    b->p[len] = '\0';
    return true;
}

bool sbuf_add(sbuf *b, const void *p, size_t n)
{
    if (!room(b, n)) return false;
    if (n) memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
    return true;
}

bool sbuf_puts(sbuf *b, const char *s)
{
    return sbuf_add(b, s, strlen(s));
}

bool sbuf_printf(sbuf *b, const char *fmt, ...)
{
    if (b->failed) return false;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return fail(b);
    if (!room(b, (size_t)n)) return false;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return true;
}

/* Caller frees the result with free(). */
char *sbuf_take(sbuf *b, size_t *len)
{
    if (b->failed || (!b->p && !room(b, 0))) {
        sbuf_free(b);
        return NULL;
    }
    char *s = b->p;
    if (len) *len = b->len;
    b->p = NULL;
    b->len = b->cap = 0;
    return s;
}

void sbuf_free(sbuf *b)
{
    drop(b);
    b->failed = false;
}
