/* csv.h -- RFC 4180 record reader over a UTF-8 buffer (used by libbank and the core). */
#ifndef KISI_CSV_H
#define KISI_CSV_H

#include <stdbool.h>
#include <stddef.h>

typedef struct csv_reader {
    const char *p, *end;   /* unread input */
    int line;              /* 1-based line where the current record starts */
    int next_line;         /* line where the next record starts */
    char **fields;         /* fields of the current record */
    size_t nfields, capfields;
    char *buf;             /* storage for the fields */
    size_t buflen, bufcap;
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

#endif
