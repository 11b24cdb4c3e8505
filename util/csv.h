/* csv.h -- RFC 4180 records: a reader over a UTF-8 buffer, and a cell writer. */
#ifndef KISI_CSV_H
#define KISI_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "sbuf.h"

typedef struct csv_reader {
    const char *p, *end;   /* unread input */
    int line;              /* 1-based line where the current record starts */
    int next_line;         /* line where the next record starts */
    char **fields;         /* fields of the current record */
    size_t nfields, capfields;
    sbuf text;             /* storage for the fields, back to back */
} csv_reader;

/* Prepares to read `len` bytes of `data` (borrowed; must outlive the
 * reader). A leading UTF-8 BOM is skipped. */
void csv_init(csv_reader *r, const char *data, size_t len);

/* Reads the next record: 1 with *fields and *n set (valid until the next call),
 * 0 at the end of input, -1 on malformed input with `why` (WHY_SIZE bytes,
 * may be NULL) set to "line N: reason". Accepts LF and CRLF line ends,
 * quoted fields with "" escapes and line breaks inside quotes; skips
 * empty lines; rejects invalid UTF-8, NUL bytes and text after a closing
 * quote. */
int csv_next(csv_reader *r, char ***fields, size_t *n, char *why);

/* Frees the reader's storage (not the input). */
void csv_free(csv_reader *r);

/* Appends one cell to b, preceded by a comma unless `first`: quoted (with
 * quotes doubled) when it holds a comma, a quote or a line break. false
 * when b failed (see sbuf). */
bool csv_cell(sbuf *b, const char *s, bool first);

#endif
