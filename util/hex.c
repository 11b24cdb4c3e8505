/* hex.c -- lower-case hexadecimal: encode, decode, validate. */
#include <stdint.h>

#include "hex.h"

void hex_encode(const void *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    const uint8_t *p = in;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* Value of one hex digit of either case, or -1. */
static int digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int hex_decode(const char *in, void *out, size_t n)
{
    uint8_t *p = out;
    if (!in) return -1;
    for (size_t i = 0; i < n; i++) {
        int hi = digit(in[2 * i]);
        if (hi < 0) return -1;
        int lo = digit(in[2 * i + 1]);
        if (lo < 0) return -1;
        p[i] = (uint8_t)(hi << 4 | lo);
    }
    return in[2 * n] == '\0' ? 0 : -1;
}

bool hex_valid(const char *s, size_t n)
{
    if (!s) return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
    return s[n] == '\0';
}
