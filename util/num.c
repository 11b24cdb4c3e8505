/* num.c -- range-checked integers from JSON and from decimal text. */
#include <errno.h>
#include <stdlib.h>

#include "num.h"

bool num_json(const json_t *v, long long lo, long long hi, long long *out)
{
    if (!json_is_integer(v)) return false;
    json_int_t x = json_integer_value(v);
    if (x < lo || x > hi) return false;
    *out = (long long)x;
    return true;
}

bool num_json_int(const json_t *v, int lo, int hi, int *out)
{
    long long x;
    if (!num_json(v, lo, hi, &x)) return false;
    *out = (int)x;
    return true;
}

bool num_text(const char *s, long long lo, long long hi, long long *out)
{
    if (!s || !(*s == '-' || (*s >= '0' && *s <= '9'))) return false;
    if (*s == '-' && !(s[1] >= '0' && s[1] <= '9')) return false;
    char *end = NULL;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (errno == ERANGE || *end || x < lo || x > hi) return false;
    *out = x;
    return true;
}

bool num_text_int(const char *s, int lo, int hi, int *out)
{
    long long x;
    if (!num_text(s, lo, hi, &x)) return false;
    *out = (int)x;
    return true;
}
