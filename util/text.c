/* text.c -- checks on text: control characters, direction characters, UTF-8. */
#include <string.h>

#include "text.h"

bool text_has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return true;
    return false;
}

void text_scrub(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) *s = '?';
}

bool text_has_bidi(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    for (; *u; u++) {
        if (u[0] == 0xD8 && u[1] == 0x9C) return true;  /* U+061C arabic letter mark */
        if (u[0] != 0xE2 || !u[1] || !u[2]) continue;
        unsigned c = (unsigned)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);  /* low 12 bits */
        if (u[1] == 0x80 && (c == 0x00E || c == 0x00F || (c >= 0x02A && c <= 0x02E)))
            return true;  /* U+200E, U+200F, U+202A..U+202E */
        if (u[1] == 0x81 && c >= 0x066 && c <= 0x069) return true;  /* U+2066..U+2069 */
    }
    return false;
}

size_t text_utf8_prefix(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = u[i];
        if (c == 0) return i;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) n = 1;
        else if (c == 0xE0) n = 2, lo = 0xA0;
        else if (c == 0xED) n = 2, hi = 0x9F;
        else if (c >= 0xE1 && c <= 0xEF) n = 2;
        else if (c == 0xF0) n = 3, lo = 0x90;
        else if (c >= 0xF1 && c <= 0xF3) n = 3;
        else if (c == 0xF4) n = 3, hi = 0x8F;
        else return i;
        if (len - i <= n) return i;
        if (u[i + 1] < lo || u[i + 1] > hi) return i;
        for (size_t k = 2; k <= n; k++)
            if (u[i + k] < 0x80 || u[i + k] > 0xBF) return i;
        i += n + 1;
    }
    return len;
}

bool text_utf8_valid(const char *s, size_t len)
{
    if (!s) return len == 0;
    return text_utf8_prefix(s, len) == len;
}

size_t text_utf8_fit(const char *s, size_t n, size_t room)
{
    if (n <= room) return n;
    while (room > 0 && ((unsigned char)s[room] & 0xC0) == 0x80) room--;  /* not mid-character */
    return room;
}

size_t text_copy(char *dst, size_t cap, const char *src)
{
    size_t n = text_utf8_fit(src, strlen(src), cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
    return n;
}
