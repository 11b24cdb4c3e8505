/* text.c -- checks on text: control characters, direction characters, UTF-8. */
#include <stdio.h>
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

bool text_name_ok(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    return n > 0 && n <= max && text_utf8_valid(s, n) && !text_has_control(s) && !text_has_bidi(s);
}

/* Appends the n bytes of piece to out[*at..cap) when they fit with a NUL;
 * false (nothing written) when not. */
static bool put(char *out, size_t cap, size_t *at, const char *piece, size_t n)
{
    if (*at + n >= cap) return false;
    memcpy(out + *at, piece, n);
    *at += n;
    return true;
}

const char *text_escape(const char *s, char *out, size_t cap)
{
    size_t at = 0, len = s ? strlen(s) : 0, i = 0;
    if (!cap) return out;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        char esc[16];
        size_t n, step;
        if (c < 0x20 || c == 0x7f) {
            n = (size_t)snprintf(esc, sizeof esc, "\\x%02x", c), step = 1;
        } else if (c == '\\') {
            n = 2, step = 1, memcpy(esc, "\\\\", 2);
        } else if (c < 0x80) {
            n = 1, step = 1, esc[0] = (char)c;
        } else if (text_utf8_prefix(s + i, len - i) == 0) {
            n = (size_t)snprintf(esc, sizeof esc, "\\x%02x", c), step = 1;  /* not UTF-8 */
        } else {
            step = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            char one[8] = "";
            memcpy(one, s + i, step);
            if (text_has_bidi(one)) {
                unsigned cp = step == 2 ? (c & 0x1Fu) << 6 | (s[i + 1] & 0x3F)
                                        : (c & 0x0Fu) << 12 | (s[i + 1] & 0x3Fu) << 6 |
                                              (s[i + 2] & 0x3F);
                n = (size_t)snprintf(esc, sizeof esc, "\\u{%04X}", cp);
            } else {
                n = step;
                memcpy(esc, one, step);
            }
        }
        if (!put(out, cap, &at, esc, n)) break;
        i += step;
    }
    out[at] = 0;
    return out;
}
