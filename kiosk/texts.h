/* texts.h -- the kiosk's user-visible texts, loaded per language from `key = value` files. */
#ifndef KISI_TEXTS_H
#define KISI_TEXTS_H

#include <stddef.h>

#include "why.h"

typedef struct texts texts;

/* Loads DIR/LANG.txt: UTF-8 lines `key = value`, `#` starts a comment
 * line, blank lines are skipped, `\n` in a value is a line break and `\\`
 * a backslash. A later duplicate key replaces the earlier one. Caller
 * frees with texts_free(). NULL on error with `why` (WHY_SIZE bytes,
 * may be NULL) set to "path:line: reason". */
texts *texts_load(const char *dir, const char *lang, char *why);

/* Parses `len` bytes of file text as texts_load() does; `name` labels
 * errors. Caller frees with texts_free(). */
texts *texts_parse(const char *text, size_t len, const char *name, char *why);

void texts_free(texts *s);

/* The value of `key`, or `key` itself when missing (so a missing text
 * shows up on screen, never as a crash). Borrowed from `s`; NULL `key`
 * gives "". */
const char *texts_get(const texts *s, const char *key);

/* True when `key` is defined. */
int texts_has(const texts *s, const char *key);

/* Number of keys, and the i-th key in sorted order (borrowed). */
size_t texts_count(const texts *s);
const char *texts_key(const texts *s, size_t i);

/* Copies template `tmpl` into out (at most n bytes, always NUL-terminated
 * when n > 0), replacing {1}..{9} with args[0..nargs-1]; a placeholder
 * without an argument is copied as is. Never interprets `%`. Returns the
 * length written. */
size_t texts_fill(char *out, size_t n, const char *tmpl, const char *const *args,
                    int nargs);

#endif
