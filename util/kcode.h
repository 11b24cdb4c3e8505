/* kcode.h -- a kiosk's approval code: 8 characters the kiosk shows and the operator types. */
#ifndef KISI_KCODE_H
#define KISI_KCODE_H

#define KCODE_SIZE 10  /* "XXXX-XXXX" and its NUL */

/* Writes the approval code of the kiosk key pub (64 lower-case hex) into
 * code: the first 40 bits of SHA-256("kisi-kiosk-code" || the 32 key
 * bytes) as 8 base32 characters (RFC 4648: A-Z, 2-7), grouped XXXX-XXXX.
 * 0, or -1 (code "") when pub is not a key. */
int kcode_of(const char *pub, char code[KCODE_SIZE]);

/* Reads a code as an operator may type it (either case, with or without
 * the dash or spaces; 0, 1 and 8 read as O, I and B) into code as kcode_of
 * writes it. 0, or -1 when it is not 8 base32 characters. */
int kcode_parse(const char *typed, char code[KCODE_SIZE]);

#endif
