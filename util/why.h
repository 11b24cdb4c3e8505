/* why.h -- the error-detail convention: a one-line reason written into a caller's buffer. */
#ifndef KISI_WHY_H
#define KISI_WHY_H

#include <stdarg.h>

/* Size of every `why` buffer, in every library and program. A function that
 * takes `char *why` writes at most WHY_SIZE bytes (NUL included) into it, and
 * nothing when it is NULL. */
#define WHY_SIZE 256

/* Writes the printf-style reason into why (WHY_SIZE bytes) when why is not
 * NULL, cutting it when longer. Returns -1, so that `return why_set(...)`
 * ends a function that reports failure as -1. */
int why_set(char *why, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* why_set with a va_list. */
int why_vset(char *why, const char *fmt, va_list ap);

#endif
