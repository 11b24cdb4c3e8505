/* hex.h -- lower-case hexadecimal: encode, decode, validate. */
#ifndef KISI_HEX_H
#define KISI_HEX_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the n bytes of `in` as 2n lower-case hex digits and a NUL into out
 * (2n + 1 bytes). */
void hex_encode(const void *in, size_t n, char *out);

/* Decodes exactly 2n hex digits (either case) followed by the end of the
 * string into n bytes of out. 0, or -1 when `in` is not that (out may then
 * hold part of the bytes). */
int hex_decode(const char *in, void *out, size_t n);

/* True when s is exactly n lower-case hex digits (the form hex_encode
 * writes). NULL is not valid. */
bool hex_valid(const char *s, size_t n);

#endif
