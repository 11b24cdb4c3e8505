/* import.h -- helpers shared by the item import parsers (internal to libbank). */
#ifndef KISI_IMPORT_H
#define KISI_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "bank.h"
#include "sbuf.h"
#include "why.h"

#define IMPORT_NAME_MAX 64  /* longest id or topic */

/* Each parser appends the items of `data` to `tmp` (a fresh list owned by
 * the caller, who frees it on error) and returns BANK_OK, or an error
 * with `why` set to "line N: reason". `topic` is checked, or NULL. */
bank_err import_csv(const char *data, size_t len, bank_items *tmp, char *why);
bank_err import_aiken(const char *data, size_t len, const char *topic, bank_items *tmp,
                      char *why);
bank_err import_gift(const char *data, size_t len, const char *topic, bank_items *tmp,
                     char *why);

/* Writes "line N: <printf text>" into why (WHY_SIZE bytes; may be NULL)
 * and returns `e`. */
bank_err import_fail(char *why, bank_err e, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* True when s is 1..IMPORT_NAME_MAX characters of [A-Za-z0-9._-]. */
bool import_name_ok(const char *s);

/* True when s (len bytes) is empty or only spaces, tabs, CR and LF. */
bool import_blank(const char *s, size_t len);

/* Copies len bytes of s into a new NUL-terminated string; caller frees
 * with free(). NULL on ENOMEM. */
char *import_strndup(const char *s, size_t len);

/* Reads the next line of [*p, end): sets *s and *n to it without its
 * LF or CRLF and advances *p. False at the end of input. */
bool import_line(const char **p, const char *end, const char **s, size_t *n);

/* Skips a leading UTF-8 byte order mark. */
void import_skip_bom(const char **data, size_t *len);

/* True when option text refers to the other options by position ("semua
 * jawaban benar", "none of the above", "A dan C benar"), so the options
 * must keep their order. */
bool import_option_positional(const char *text);

/* Truth of a true/false key word: 1 for "Benar" or "True", 0 for "Salah"
 * or "False" (any case; spaces around are ignored), -1 for anything else. */
int import_truth_word(const char *s, size_t n);

/* A key written as a truth word ("Benar", "salah", "TRUE") names the one
 * option whose text is a word of the same truth ("Benar" and "True" alike).
 * Returns that option's index, -1 when `key` is no truth word (read it as
 * letters), -2 when no option, or more than one, reads so. */
int import_truth_key(const char *key, size_t n, char *const *options, int noptions);

/* Sets it->pinned when the item must not be shuffled: true/false items,
 * and items with a positional option. Never clears it. */
void import_autopin(bank_item *it);

/* Gives `it` the stable id "<topic>-<10 hex of SHA-256(stem)>" (topic cut
 * so that the id stays within IMPORT_NAME_MAX). Needs topic and stem.
 * The id is owned by `it`. BANK_ENOMEM or BANK_ECRYPTO on failure. */
bank_err import_make_id(bank_item *it);

#endif
