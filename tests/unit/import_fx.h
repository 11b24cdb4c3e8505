/* import_fx.h -- helpers of the import tests: fixture files and the reports of a parse. */
#ifndef KISI_IMPORT_FX_H
#define KISI_IMPORT_FX_H

#include <stdbool.h>
#include <stddef.h>

#include "bank.h"

/* Reads the fixture at path (at most 64 KiB; run from the repository root)
 * into a NUL-terminated buffer the test frees; fails the test when it
 * cannot. */
char *fx_slurp(const char *path, size_t *len);

/* Every report of one parse, one "kind|text" line each, and their counts. */
typedef struct fx_heard {
    char text[4096];
    int errors, skipped, notices;
} fx_heard;

/* A bank_note_fn that appends to the fx_heard at arg. */
void fx_hear(const char *kind, const char *text, void *arg);

/* bank_parse_items_ex() of len bytes of s with the default topic and
 * skip_unsupported given; h is emptied first and hears every report. */
bank_err fx_parse_ex(const char *s, size_t len, bank_format fmt, const char *topic, bool skip,
                     bank_items *out, fx_heard *h, char *why);

#endif
