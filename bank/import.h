/* import.h -- helpers shared by the item import parsers (internal to libbank). */
#ifndef KISI_IMPORT_H
#define KISI_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "bank.h"
#include "html.h"
#include "sbuf.h"
#include "why.h"

#define IMPORT_NAME_MAX 64        /* longest id or topic */
#define IMPORT_CATEGORIES_MAX 2000 /* category lines of one file (topics are named among all) */

/* What the parsers report to while they read one file: every problem,
 * every question left out and every notice goes to the caller's note
 * function as it is found; the parse goes on after a problem so that all
 * of them are heard. */
typedef struct import_ctx {
    const bank_parse_opts *o;
    size_t nproblems;       /* problems that refuse the file */
    size_t nskipped;        /* questions left out (skip_unsupported) */
    char first[WHY_SIZE];   /* the first problem, "line N: reason" */
    char why[WHY_SIZE];     /* the problem of the question being read */
    bool unsupported;       /* ... is a question Kisi cannot hold */
} import_ctx;

/* Writes "line N: <text>" into cx->why, marks the question as one Kisi
 * cannot hold, and returns BANK_EPARSE. */
bank_err import_unsupported(import_ctx *cx, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reports the problem in cx->why: left out ("skipped") when it is an
 * unsupported question and the options skip those, else an "error" that
 * refuses the file. Clears the mark. */
void import_report(import_ctx *cx);

/* Reports a "notice" "line N: <text>": the question is imported, something
 * of it was dropped. */
void import_notice(import_ctx *cx, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Frees the items of tmp from index n on (a question that failed). */
void import_drop(bank_items *tmp, size_t n);

/* Each parser appends the items of `data` to `tmp` (a fresh list owned by
 * the caller, who frees it), reporting every problem to `cx` and going on
 * with the next question; it returns BANK_OK, or BANK_ENOMEM (with cx->why
 * set) when it had to stop. `topic` is checked, or NULL. */
bank_err import_csv(const char *data, size_t len, bank_items *tmp, import_ctx *cx);
bank_err import_aiken(const char *data, size_t len, const char *topic, bank_items *tmp,
                      import_ctx *cx);
bank_err import_gift(const char *data, size_t len, const char *topic, bank_items *tmp,
                     import_ctx *cx);
bank_err import_moodle(const char *data, size_t len, const char *topic, bank_items *tmp,
                       import_ctx *cx);

/* Gives every item of l without an id its stable id (import_make_id): a
 * stem met once in its topic by its hash; a stem met again, by the hash
 * with the question's title when no other of them has that title, else
 * with its ordinal among them ("#2"). BANK_OK, or BANK_ENOMEM /
 * BANK_ECRYPTO with cx->why set. */
bank_err import_assign_ids(bank_items *l, import_ctx *cx);

/* Reports every second use of an id as a problem. BANK_OK or BANK_ENOMEM. */
bank_err import_check_duplicates(const bank_items *l, import_ctx *cx);

/* Text of a Moodle category path ("$course$/top/Matematika/Bab 1") as a
 * topic: the shortest tail of its parts ("Bab-1", "Matematika.Bab-1") that
 * no other path of `all` (n paths, the file's categories) ends in, each
 * part's runs of characters outside [A-Za-z0-9._-] made one '-', parts
 * joined with '.'; "$...$" parts and a leading "top" are left out, "//" is a
 * '/' inside a part (a path of only those is "top"). When two paths would still give one topic, or the
 * topic is too long, it ends with 8 hex of the path's SHA-256. Writes
 * IMPORT_NAME_MAX + 1 bytes at most; false when the path has no usable part. */
bool import_category_topic(const char *path, const char *const *all, size_t n, char *topic);

/* Sets it->title from s[0, n): control characters made spaces, spaces
 * around trimmed, cut at a UTF-8 character to at most 200 bytes; no title
 * when nothing is left. False on ENOMEM. */
bool import_set_title(bank_item *it, const char *s, size_t n);

/* Makes the stem and options of `it` rich text when any of them is HTML
 * (stem_html, html[k] for option k): the HTML ones converted (`img`, may be
 * NULL, hears their images, see html_to_rich), the others
 * written as rich text; a text left empty (an image alone) is an unsupported
 * question at `line`. BANK_OK
 * (nothing to do when none is HTML), BANK_EPARSE with cx->why set, or
 * BANK_ENOMEM. */
bank_err import_make_rich(bank_item *it, bool stem_html, const bool *html, int line,
                          html_img_fn img, void *arg, import_ctx *cx);

/* Plain text as stored rich text: < > & as entities, line breaks as <br>.
 * Caller frees; NULL on ENOMEM. */
char *import_plain_rich(const char *s);

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
 * so that the id stays within IMPORT_NAME_MAX); with `salt` (may be NULL)
 * the hash is of stem, a line break and salt, for a second question with
 * the same stem; a topic cut short is hashed too (as a salt before it), so
 * that two long topics never share ids. Needs topic and stem. The id is owned by `it`.
 * BANK_ENOMEM or BANK_ECRYPTO on failure. */
bank_err import_make_id(bank_item *it, const char *salt);

#endif
