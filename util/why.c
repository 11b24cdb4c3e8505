/* why.c -- writing a one-line reason into a caller's `why` buffer. */
#include <stdio.h>

#include "why.h"

int why_vset(char *why, const char *fmt, va_list ap)
{
    if (why) vsnprintf(why, WHY_SIZE, fmt, ap);
    return -1;
}

int why_set(char *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    why_vset(why, fmt, ap);
    va_end(ap);
    return -1;
}
