/* csv.c -- RFC 4180 record reader over a UTF-8 buffer. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "text.h"
#include "why.h"

void csv_init(csv_reader *r, const char *data, size_t len)
{
    memset(r, 0, sizeof *r);
    if (!data) len = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    r->p = data;
    r->end = data ? data + len : data;
    r->line = 1;
    r->next_line = 1;
}

void csv_free(csv_reader *r)
{
    if (!r) return;
    free(r->fields);
    free(r->buf);
    r->fields = NULL;
    r->buf = NULL;
    r->nfields = r->capfields = r->buflen = r->bufcap = 0;
}

static void fail(char *why, int line, const char *reason)
{
    why_set(why, "line %d: %s", line, reason);
}

/* Makes room for `more` bytes in r->buf. False on ENOMEM. */
static bool reserve(csv_reader *r, size_t more)
{
    if (r->bufcap - r->buflen >= more) return true;
    if (more > SIZE_MAX / 2 - r->buflen) return false;
    size_t cap = r->bufcap ? r->bufcap : 256;
    while (cap - r->buflen < more) cap *= 2;
    char *b = realloc(r->buf, cap);
    if (!b) return false;
    r->buf = b;
    r->bufcap = cap;
    return true;
}

/* Counts a new field, making room for its pointer (set once the record
 * is complete, as r->buf may still move). False on ENOMEM. */
static bool field_start(csv_reader *r)
{
    if (r->nfields == r->capfields) {
        size_t cap = r->capfields ? r->capfields * 2 : 16;
        if (cap > SIZE_MAX / sizeof(char *)) return false;
        char **f = realloc(r->fields, cap * sizeof *f);
        if (!f) return false;
        r->fields = f;
        r->capfields = cap;
    }
    r->fields[r->nfields++] = NULL;
    return true;
}

/* Checks the field that starts at buffer offset `off` and began on
 * `line`; on bad UTF-8 writes the exact line of the bad byte. */
static bool field_check(csv_reader *r, size_t off, int line, char *why)
{
    const char *s = r->buf + off;
    size_t len = r->buflen - off;
    size_t bad = text_utf8_prefix(s, len);
    if (bad == len) return true;
    for (size_t i = 0; i < bad; i++)
        if (s[i] == '\n') line++;
    fail(why, line, s[bad] == 0 ? "NUL byte in text" : "invalid UTF-8");
    return false;
}

/* Line end at p: 1 for LF, 2 for CRLF, 1 for a CR that ends the input,
 * 0 otherwise. */
static size_t eol_len(const char *p, const char *end)
{
    if (p >= end) return 0;
    if (*p == '\n') return 1;
    if (*p == '\r' && (p + 1 == end || p[1] == '\n')) return p + 1 == end ? 1 : 2;
    return 0;
}

int csv_next(csv_reader *r, char ***fields, size_t *n, char *why)
{
    static const char oom[] = "out of memory";
    r->nfields = 0;
    r->buflen = 0;
    /* skip empty lines */
    for (;;) {
        if (r->p >= r->end) return 0;
        size_t e = eol_len(r->p, r->end);
        if (e == 0) break;
        if (r->next_line == INT_MAX) { fail(why, r->next_line, "too many lines"); return -1; }
        r->p += e;
        r->next_line++;
    }
    r->line = r->next_line;
    int line = r->line;
    for (;;) {  /* one field per turn */
        if (!field_start(r)) { fail(why, line, oom); return -1; }
        size_t off = r->buflen;
        int fline = line;
        if (r->p < r->end && *r->p == '"') {
            r->p++;
            for (;;) {
                if (r->p >= r->end) { fail(why, fline, "quoted field is never closed"); return -1; }
                const char *q = r->p;
                while (q < r->end && *q != '"' && *q != '\n') q++;
                if (!reserve(r, (size_t)(q - r->p) + 1)) { fail(why, line, oom); return -1; }
                memcpy(r->buf + r->buflen, r->p, (size_t)(q - r->p));
                r->buflen += (size_t)(q - r->p);
                r->p = q;
                if (q >= r->end) continue;
                if (*q == '\n') {
                    if (line == INT_MAX) { fail(why, line, "too many lines"); return -1; }
                    r->buf[r->buflen++] = '\n';
                    line++;
                    r->p++;
                    continue;
                }
                /* a quote: doubled, or the closing one */
                if (q + 1 < r->end && q[1] == '"') {
                    r->buf[r->buflen++] = '"';
                    r->p = q + 2;
                    continue;
                }
                r->p = q + 1;
                break;
            }
            if (r->p < r->end && *r->p != ',' && eol_len(r->p, r->end) == 0) {
                fail(why, line, "text after a closing quote (write a quote inside a quoted field as \"\")");
                return -1;
            }
        } else {
            const char *q = r->p;
            while (q < r->end && *q != ',' && eol_len(q, r->end) == 0) q++;
            if (!reserve(r, (size_t)(q - r->p) + 1)) { fail(why, line, oom); return -1; }
            memcpy(r->buf + r->buflen, r->p, (size_t)(q - r->p));
            r->buflen += (size_t)(q - r->p);
            r->p = q;
        }
        if (!field_check(r, off, fline, why)) return -1;
        r->buf[r->buflen++] = '\0';  /* reserved above */
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        size_t e = eol_len(r->p, r->end);
        r->p += e;
        break;
    }
    r->next_line = line == INT_MAX ? line : line + 1;
    /* fields lie back to back in buf, each NUL-terminated (NUL bytes in
     * the input were rejected) */
    char *s = r->buf;
    for (size_t i = 0; i < r->nfields; i++) {
        r->fields[i] = s;
        s += strlen(s) + 1;
    }
    *fields = r->fields;
    *n = r->nfields;
    return 1;
}
