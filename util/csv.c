/* csv.c -- RFC 4180 records: a reader over a UTF-8 buffer, and a cell writer. */
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
    sbuf_free(&r->text);
    r->fields = NULL;
    r->nfields = r->capfields = 0;
}

static void fail(char *why, int line, const char *reason)
{
    why_set(why, "line %d: %s", line, reason);
}

/* Counts a new field, making room for its pointer (set once the record
 * is complete, as r->text may still move). False on ENOMEM. */
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
    const char *s = r->text.p + off;
    size_t len = r->text.len - off;
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
    r->text.len = 0;
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
        size_t off = r->text.len;
        int fline = line;
        if (r->p < r->end && *r->p == '"') {
            r->p++;
            for (;;) {
                if (r->p >= r->end) { fail(why, fline, "quoted field is never closed"); return -1; }
                const char *q = r->p;
                while (q < r->end && *q != '"' && *q != '\n') q++;
                if (!sbuf_add(&r->text, r->p, (size_t)(q - r->p))) { fail(why, line, oom); return -1; }
                r->p = q;
                if (q >= r->end) continue;
                if (*q == '\n') {
                    if (line == INT_MAX) { fail(why, line, "too many lines"); return -1; }
                    if (!sbuf_add(&r->text, "\n", 1)) { fail(why, line, oom); return -1; }
                    line++;
                    r->p++;
                    continue;
                }
                /* a quote: doubled, or the closing one */
                if (q + 1 < r->end && q[1] == '"') {
                    if (!sbuf_add(&r->text, "\"", 1)) { fail(why, line, oom); return -1; }
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
            if (!sbuf_add(&r->text, r->p, (size_t)(q - r->p))) { fail(why, line, oom); return -1; }
            r->p = q;
        }
        if (!field_check(r, off, fline, why)) return -1;
        if (!sbuf_add(&r->text, "", 1)) { fail(why, line, oom); return -1; }  /* the field's end */
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        size_t e = eol_len(r->p, r->end);
        r->p += e;
        break;
    }
    r->next_line = line == INT_MAX ? line : line + 1;
    /* fields lie back to back in text, each NUL-terminated (NUL bytes in
     * the input were rejected) */
    char *s = r->text.p;
    for (size_t i = 0; i < r->nfields; i++) {
        r->fields[i] = s;
        s += strlen(s) + 1;
    }
    *fields = r->fields;
    *n = r->nfields;
    return 1;
}

bool csv_cell(sbuf *b, const char *s, bool first)
{
    if (!first) sbuf_add(b, ",", 1);
    if (!strpbrk(s, ",\"\r\n")) return sbuf_puts(b, s);
    sbuf_add(b, "\"", 1);
    for (const char *q; (q = strchr(s, '"')); s = q + 1) {
        sbuf_add(b, s, (size_t)(q - s) + 1);  /* through the quote, */
        sbuf_add(b, "\"", 1);                 /* which is doubled */
    }
    sbuf_puts(b, s);
    return sbuf_add(b, "\"", 1);
}
