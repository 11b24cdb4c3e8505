/* import_csv.c -- item import from CSV: id,topic,kind,difficulty,weight,stem,a..e[,f,g,h],key[,pinned][,image][,rich]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bank.h"
#include "csv.h"
#include "import.h"
#include "why.h"

enum {
    COL_ID, COL_TOPIC, COL_KIND, COL_DIFFICULTY, COL_WEIGHT, COL_STEM,
    COL_A, COL_B, COL_C, COL_D, COL_E, COL_F, COL_G, COL_H, COL_KEY, COL_PINNED, COL_IMAGE,
    COL_RICH, NCOLS
};

static const char *const col_names[NCOLS] = {
    "id", "topic", "kind", "difficulty", "weight", "stem",
    "a", "b", "c", "d", "e", "f", "g", "h", "key", "pinned", "image", "rich",
};

/* Columns a file may leave out. */
static bool col_optional(int c)
{
    return c == COL_F || c == COL_G || c == COL_H || c == COL_PINNED || c == COL_IMAGE ||
           c == COL_RICH;
}

/* A field with surrounding spaces and tabs removed, as pointer + length. */
typedef struct span {
    const char *s;
    size_t n;
} span;

static span trimmed(const char *s)
{
    size_t n = strlen(s);
    while (n && (*s == ' ' || *s == '\t')) { s++; n--; }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    return (span){s, n};
}

static bool span_is(span v, const char *word)
{
    return strlen(word) == v.n && strncasecmp(v.s, word, v.n) == 0;
}

/* Maps header names to columns: col[c] = field index, or -1. */
static bank_err read_header(char **f, size_t n, int line, int col[NCOLS], char *why)
{
    for (int c = 0; c < NCOLS; c++) col[c] = -1;
    for (size_t i = 0; i < n; i++) {
        span h = trimmed(f[i]);
        if (h.n == 0)
            return import_fail(why, BANK_EPARSE, line, "column %zu has no name in the header row",
                               i + 1);
        int c = 0;
        while (c < NCOLS && !span_is(h, col_names[c])) c++;
        if (c == NCOLS)
            return import_fail(why, BANK_EPARSE, line,
                               "unknown column \"%.*s\" (columns: id,topic,kind,difficulty,"
                               "weight,stem,a,b,c,d,e,key and optionally f,g,h,pinned,image,rich)",
                               (int)(h.n > 40 ? 40 : h.n), h.s);
        if (col[c] >= 0)
            return import_fail(why, BANK_EPARSE, line, "column \"%s\" appears twice",
                               col_names[c]);
        col[c] = (int)i;
    }
    for (int c = 0; c < NCOLS; c++)
        if (col[c] < 0 && !col_optional(c))
            return import_fail(why, BANK_EPARSE, line, "missing column \"%s\" in the header row",
                               col_names[c]);
    return BANK_OK;
}

/* Parses a small decimal integer lo..hi; `empty` when the field is empty. */
static bool small_int(span v, int empty, int lo, int hi, int *out)
{
    if (v.n == 0) { *out = empty; return true; }
    if (v.n > 6) return false;
    int x = 0;
    for (size_t i = 0; i < v.n; i++) {
        if (v.s[i] < '0' || v.s[i] > '9') return false;
        x = x * 10 + (v.s[i] - '0');
    }
    if (x < lo || x > hi) return false;
    *out = x;
    return true;
}

/* Copies a name (id or topic) into a new string after checking it;
 * the caller (the item) owns it. */
static bank_err take_name(span v, const char *what, int line, char **dst, char *why)
{
    char buf[IMPORT_NAME_MAX + 1];
    if (v.n == 0) return import_fail(why, BANK_EPARSE, line, "%s is empty", what);
    if (v.n > IMPORT_NAME_MAX)
        return import_fail(why, BANK_EPARSE, line, "%s is longer than %d characters", what,
                           IMPORT_NAME_MAX);
    memcpy(buf, v.s, v.n);
    buf[v.n] = '\0';
    if (!import_name_ok(buf))
        return import_fail(why, BANK_EPARSE, line,
                           "%s \"%s\" may only use A-Z a-z 0-9 . _ -", what, buf);
    if (!(*dst = import_strndup(v.s, v.n))) return BANK_ENOMEM;
    return BANK_OK;
}

/* Parses the key letters into it->key: sorted, upper case, no repeats,
 * each naming an option. Spaces and commas between letters are allowed.
 * A key written as a truth word ("Benar", "False") names the option that
 * reads the same (import_truth_key). */
static bank_err parse_key(span v, bank_item *it, int line, char *why)
{
    bool seen[BANK_MAX_OPTIONS] = {false};
    int count = 0, truth = import_truth_key(v.s, v.n, it->options, it->noptions);
    if (truth == -2)
        return import_fail(why, BANK_EPARSE, line,
                           "key \"%.*s\": no option reads Benar/True or Salah/False to match;"
                           " use the option letter", (int)(v.n > 20 ? 20 : v.n), v.s);
    if (truth >= 0) {
        it->key[0] = (char)('A' + truth);
        it->key[1] = '\0';
        return BANK_OK;
    }
    for (size_t i = 0; i < v.n; i++) {
        char c = v.s[i];
        if (c == ' ' || c == ',' || c == '\t') continue;
        if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        if (c < 'A' || c >= 'A' + BANK_MAX_OPTIONS)
            return import_fail(why, BANK_EPARSE, line,
                               "key \"%.*s\": use option letters A-H", (int)(v.n > 20 ? 20 : v.n),
                               v.s);
        int k = c - 'A';
        if (k >= it->noptions)
            return import_fail(why, BANK_EPARSE, line, "key names option %c, which is empty", c);
        if (seen[k]) return import_fail(why, BANK_EPARSE, line, "key repeats letter %c", c);
        seen[k] = true;
        count++;
    }
    if (count > 1 && it->kind != BANK_MULTI)
        return import_fail(why, BANK_EPARSE, line, "a %s item has exactly one key letter",
                           bank_kind_name(it->kind));
    int o = 0;
    for (int k = 0; k < BANK_MAX_OPTIONS; k++)
        if (seen[k]) it->key[o++] = (char)('A' + k);
    it->key[o] = '\0';
    return BANK_OK;
}

/* Fills `it` from one record. */
static bank_err read_row(char **f, const int col[NCOLS], int line, bank_item *it, char *why)
{
    bank_err rc;
    it->line = line;
    if ((rc = take_name(trimmed(f[col[COL_ID]]), "id", line, &it->id, why)) != BANK_OK ||
        (rc = take_name(trimmed(f[col[COL_TOPIC]]), "topic", line, &it->topic, why)) != BANK_OK)
        return rc;

    span kind = trimmed(f[col[COL_KIND]]);
    if (span_is(kind, "single")) it->kind = BANK_SINGLE;
    else if (span_is(kind, "multi")) it->kind = BANK_MULTI;
    else if (span_is(kind, "truefalse")) it->kind = BANK_TRUEFALSE;
    else
        return import_fail(why, BANK_EPARSE, line,
                           "kind \"%.*s\": use single, multi or truefalse",
                           (int)(kind.n > 20 ? 20 : kind.n), kind.s);

    if (!small_int(trimmed(f[col[COL_DIFFICULTY]]), 3, 1, 5, &it->difficulty))
        return import_fail(why, BANK_EPARSE, line, "difficulty must be a whole number 1-5");
    if (!small_int(trimmed(f[col[COL_WEIGHT]]), 1, 1, 1000, &it->weight))
        return import_fail(why, BANK_EPARSE, line, "weight must be a whole number 1-1000");

    const char *stem = f[col[COL_STEM]];
    if (import_blank(stem, strlen(stem)))
        return import_fail(why, BANK_EPARSE, line, "stem (question text) is empty");
    if (!(it->stem = import_strndup(stem, strlen(stem)))) return BANK_ENOMEM;

    int last = -1;
    for (int k = 0; k < BANK_MAX_OPTIONS; k++) {
        const char *o = col[COL_A + k] >= 0 ? f[col[COL_A + k]] : "";
        if (!import_blank(o, strlen(o))) last = k;
    }
    for (int k = 0; k <= last; k++) {
        const char *o = col[COL_A + k] >= 0 ? f[col[COL_A + k]] : "";
        if (import_blank(o, strlen(o)))
            return import_fail(why, BANK_EPARSE, line,
                               "option %c is empty but option %c is not", 'A' + k, 'A' + last);
        if (!(it->options[k] = import_strndup(o, strlen(o)))) return BANK_ENOMEM;
    }
    it->noptions = last + 1;
    if (it->noptions < 2)
        return import_fail(why, BANK_EPARSE, line, "needs at least 2 options (A and B)");
    if (it->kind == BANK_TRUEFALSE && it->noptions != 2)
        return import_fail(why, BANK_EPARSE, line, "a truefalse item has exactly 2 options");

    if ((rc = parse_key(trimmed(f[col[COL_KEY]]), it, line, why)) != BANK_OK) return rc;

    if (col[COL_PINNED] >= 0) {
        span p = trimmed(f[col[COL_PINNED]]);
        if (span_is(p, "1")) it->pinned = true;
        else if (p.n != 0 && !span_is(p, "0"))
            return import_fail(why, BANK_EPARSE, line, "pinned must be 0, 1 or empty");
    }
    if (col[COL_RICH] >= 0) {  /* 1: stem and options are written in Kisi's rich-text form */
        span p = trimmed(f[col[COL_RICH]]);
        if (span_is(p, "1")) it->rich = true;
        else if (p.n != 0 && !span_is(p, "0"))
            return import_fail(why, BANK_EPARSE, line, "rich must be 0, 1 or empty");
    }
    if (col[COL_IMAGE] >= 0) {
        span m = trimmed(f[col[COL_IMAGE]]);
        if (m.n && !(it->image_file = import_strndup(m.s, m.n))) return BANK_ENOMEM;
    }
    return BANK_OK;
}

static bool all_blank(char **f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!import_blank(f[i], strlen(f[i]))) return false;
    return true;
}

/* Maps a csv_next failure to an error code (its `why` is already set). */
static bank_err csv_error(const char *why)
{
    return why && strstr(why, "out of memory") ? BANK_ENOMEM : BANK_EPARSE;
}

bank_err import_csv(const char *data, size_t len, bank_items *tmp, import_ctx *cx)
{
    char *why = cx->why;
    csv_reader r;
    csv_init(&r, data, len);
    char **f = NULL;
    size_t n = 0;
    int col[NCOLS];
    bank_err rc = BANK_OK;
    int got = csv_next(&r, &f, &n, why);
    if (got < 0) rc = csv_error(why);
    else if (got == 0) rc = import_fail(why, BANK_EPARSE, 1, "no header row");
    else rc = read_header(f, n, r.line, col, why);
    size_t ncols = n;
    while (rc == BANK_OK) {
        got = csv_next(&r, &f, &n, why);
        if (got == 0) break;
        if (got < 0) { rc = csv_error(why); break; }  /* the quoting is lost: stop */
        if (all_blank(f, n)) continue;  /* a spreadsheet's empty row: ",,,,," */
        if (n != ncols) {
            import_fail(why, BANK_EPARSE, r.line, "%zu fields, but the header has %zu", n, ncols);
            import_report(cx);
            continue;
        }
        size_t before = tmp->n;
        bank_item *it = bank_items_push(tmp);
        if (!it) { rc = BANK_ENOMEM; break; }
        rc = read_row(f, col, r.line, it, why);
        if (rc == BANK_EPARSE) {
            import_report(cx);
            import_drop(tmp, before);
            rc = BANK_OK;
        }
    }
    if (rc == BANK_EPARSE) import_report(cx);  /* the header or the quoting: nothing more */
    if (rc == BANK_ENOMEM) snprintf(why, WHY_SIZE, "%s", bank_strerror(rc));
    csv_free(&r);
    return rc == BANK_EPARSE ? BANK_OK : rc;
}
