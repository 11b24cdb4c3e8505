/* text.h -- checks on text: control characters, direction characters, UTF-8. */
#ifndef KISI_TEXT_H
#define KISI_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True when s holds a control character (below 0x20, or 0x7f): a line
 * break, a tab, an escape... Text that must stay on one line has none. */
bool text_has_control(const char *s);

/* Replaces every control character of s with '?', in place, so that s
 * prints as one line. */
void text_scrub(char *s);

/* True when s holds a character that changes the direction of the text
 * around it (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069): a name
 * holding one can show as a different name. */
bool text_has_bidi(const char *s);

/* True when s may name something to people: valid UTF-8 of 1..max bytes
 * with neither a control nor a direction character (see above). */
bool text_name_ok(const char *s, size_t max);

/* Bytes text_escape needs for any n bytes of text (NUL included). */
#define TEXT_ESCAPED(n) (4 * (n) + 1)

/* Writes s into out (cap bytes, always NUL-terminated) so that it prints
 * as one line and as what it is: a control character as \xHH, a direction
 * character as \u{HHHH}, a byte that is not UTF-8 as \xHH, a backslash as
 * \\; everything else as it is. A character that does not fit whole is
 * left out, with what follows. Returns out, for printf's arguments. */
const char *text_escape(const char *s, char *out, size_t cap);

/* Length of the valid UTF-8 prefix of s[0..len): the offset of the first
 * byte that starts an invalid sequence (or a NUL), len when all is valid.
 * Overlong forms, surrogates and code points above U+10FFFF are invalid. */
size_t text_utf8_prefix(const char *s, size_t len);

/* True when s[0..len) is valid UTF-8 without NUL bytes (NULL with len 0 is). */
bool text_utf8_valid(const char *s, size_t len);

/* The longest prefix of s[0..n) that fits in `room` bytes without cutting
 * a UTF-8 character: n when n <= room. */
size_t text_utf8_fit(const char *s, size_t n, size_t room);

/* Copies the string src into dst (cap >= 1 bytes, always NUL-terminated),
 * cutting it at a UTF-8 character boundary when it does not fit. Returns
 * the length copied. */
size_t text_copy(char *dst, size_t cap, const char *src);

#endif
