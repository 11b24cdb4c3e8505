/* import.c -- item import: format names, dispatch, ids, pinning, all-or-nothing. */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "bank.h"
#include "import.h"
#include "item.h"
#include "why.h"

bank_err import_fail(char *why, bank_err e, int line, const char *fmt, ...)
{
    if (!why) return e;
    int n = snprintf(why, WHY_SIZE, "line %d: ", line);
    if (n < 0 || n >= WHY_SIZE) return e;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why + n, WHY_SIZE - (size_t)n, fmt, ap);
    va_end(ap);
    return e;
}

bool import_name_ok(const char *s)
{
    return item_name_valid(s);
}

bool import_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') return false;
    return true;
}

int import_truth_word(const char *s, size_t n)
{
    static const char *const words[4] = {"salah", "false", "benar", "true"};
    while (n > 0 && (*s == ' ' || *s == '\t')) s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
    for (int i = 0; i < 4; i++)
        if (strlen(words[i]) == n && strncasecmp(s, words[i], n) == 0) return i / 2;
    return -1;
}

int import_truth_key(const char *key, size_t n, char *const *options, int noptions)
{
    int truth = import_truth_word(key, n), found = -2;
    if (truth < 0) return -1;
    for (int i = 0; i < noptions; i++) {
        if (!options[i] || import_truth_word(options[i], strlen(options[i])) != truth) continue;
        if (found >= 0) return -2;
        found = i;
    }
    return found;
}

/* Caller frees with free(). */
char *import_strndup(const char *s, size_t len)
{
    if (len == SIZE_MAX) return NULL;
    char *d = malloc(len + 1);
    if (!d) return NULL;
    if (len) memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

bool import_line(const char **p, const char *end, const char **s, size_t *n)
{
    if (*p >= end) return false;
    const char *q = memchr(*p, '\n', (size_t)(end - *p));
    const char *e = q ? q : end;
    *s = *p;
    *n = (size_t)(e - *p);
    if (*n && e[-1] == '\r') (*n)--;
    *p = q ? q + 1 : end;
    return true;
}

void import_skip_bom(const char **data, size_t *len)
{
    if (*len >= 3 && memcmp(*data, "\xEF\xBB\xBF", 3) == 0) {
        *data += 3;
        *len -= 3;
    }
}

/* ------------------------------------------------------------------ */
/* Pinning                                                             */

/* Phrases, in normalised form (see normalise()), that make an option
 * refer to the others. Matched as whole words anywhere in the option. */
static const char *const positional_phrases[] = {
    "semua jawaban benar", "semua benar", "semuanya benar", "semua jawaban di atas benar",
    "semua di atas", "semua jawaban di atas", "semua pilihan benar", "semua pilihan di atas",
    "semua jawaban salah", "semua salah", "semuanya salah",
    "tidak ada jawaban yang benar", "tidak ada yang benar", "tidak ada jawaban benar",
    "tidak ada jawaban di atas", "tidak ada di atas", "tidak ada pilihan yang benar",
    "bukan salah satu di atas", "jawaban di atas benar semua",
    "all of the above", "none of the above", "all of these", "none of these",
    "all are correct", "none are correct", "both of the above", "neither of the above",
};

/* Words that may stand between option letters in "A dan C benar". */
static const char *const letter_glue[] = {
    "dan", "and", "atau", "or", "serta", "jawaban", "pilihan", "opsi", "option", "options",
    "answer", "answers", "both", "only", "saja", "hanya", "benar", "correct", "are", "is",
    "yang", "semua", "all",
};

/* Lower-cases ASCII letters, turns every run of ASCII punctuation and
 * space (also U+00A0) into one space, writes " text " into out (outsz bytes), and
 * spells "diatas" as "di atas". Returns false when text does not fit. */
static bool normalise(const char *text, char *out, size_t outsz)
{
    size_t o = 0;
    out[o++] = ' ';
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        unsigned char c = *p;
        if (o + 2 >= outsz) return false;
        if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
        if (c == 0xC2 && p[1] == 0xA0) {  /* no-break space */
            p++;
            c = ' ';
        }
        if (c < 0x80 && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9')) {
            if (out[o - 1] != ' ') out[o++] = ' ';
            continue;
        }
        out[o++] = (char)c;
    }
    if (out[o - 1] != ' ') out[o++] = ' ';
    out[o] = '\0';
    char *d;
    while ((d = strstr(out, " diatas ")) != NULL) {
        if (o + 2 >= outsz) return false;
        memmove(d + 4, d + 3, strlen(d + 3) + 1);  /* " di" + " atas " */
        d[3] = ' ';
        o++;
    }
    return true;
}

/* True when the normalised text is only option letters (at least two)
 * joined by glue words: "a dan c benar", "a b dan c". */
static bool letters_only(const char *norm)
{
    int letters = 0;
    const char *p = norm;
    while (*p) {
        while (*p == ' ') p++;
        if (!*p) break;
        const char *w = p;
        while (*p && *p != ' ') p++;
        size_t n = (size_t)(p - w);
        if (n == 1 && *w >= 'a' && *w <= 'e') {
            letters++;
            continue;
        }
        bool glue = false;
        for (size_t i = 0; i < sizeof letter_glue / sizeof letter_glue[0]; i++)
            if (strlen(letter_glue[i]) == n && memcmp(letter_glue[i], w, n) == 0) glue = true;
        if (!glue) return false;
    }
    return letters >= 2;
}

bool import_option_positional(const char *text)
{
    if (!text) return false;
    char norm[512];
    if (!normalise(text, norm, sizeof norm)) return false;  /* long text: a real answer */
    for (size_t i = 0; i < sizeof positional_phrases / sizeof positional_phrases[0]; i++) {
        char pat[64];
        snprintf(pat, sizeof pat, " %s ", positional_phrases[i]);
        if (strstr(norm, pat)) return true;
    }
    return letters_only(norm);
}

void import_autopin(bank_item *it)
{
    if (it->kind == BANK_TRUEFALSE) it->pinned = true;
    for (int i = 0; i < it->noptions && i < BANK_MAX_OPTIONS; i++)
        if (import_option_positional(it->options[i])) it->pinned = true;
}

/* ------------------------------------------------------------------ */
/* Ids                                                                 */

bank_err import_make_id(bank_item *it)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    const char *stem = it->stem ? it->stem : "";
    if (!it->topic) return BANK_EINVAL;
    if (EVP_Digest(stem, strlen(stem), md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen < 5)
        return BANK_ECRYPTO;
    size_t tlen = strlen(it->topic);
    if (tlen > IMPORT_NAME_MAX - 11) tlen = IMPORT_NAME_MAX - 11;
    char *id = malloc(tlen + 12);
    if (!id) return BANK_ENOMEM;
    memcpy(id, it->topic, tlen);
    snprintf(id + tlen, 12, "-%02x%02x%02x%02x%02x", md[0], md[1], md[2], md[3], md[4]);
    free(it->id);
    it->id = id;
    return BANK_OK;
}

/* ------------------------------------------------------------------ */
/* Formats                                                             */

int bank_format_guess(const char *path)
{
    if (!path) return -1;
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (!dot) return -1;
    if (strcasecmp(dot, ".csv") == 0) return BANK_FMT_CSV;
    if (strcasecmp(dot, ".txt") == 0 || strcasecmp(dot, ".aiken") == 0) return BANK_FMT_AIKEN;
    if (strcasecmp(dot, ".gift") == 0) return BANK_FMT_GIFT;
    if (strcasecmp(dot, ".xml") == 0) return BANK_FMT_MOODLE_XML;
    return -1;
}

int bank_format_parse(const char *s)
{
    if (!s) return -1;
    if (strcasecmp(s, "csv") == 0) return BANK_FMT_CSV;
    if (strcasecmp(s, "aiken") == 0) return BANK_FMT_AIKEN;
    if (strcasecmp(s, "gift") == 0) return BANK_FMT_GIFT;
    if (strcasecmp(s, "moodle-xml") == 0) return BANK_FMT_MOODLE_XML;
    return -1;
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                            */

static int by_id_then_line(const void *a, const void *b)
{
    const bank_item *x = *(const bank_item *const *)a, *y = *(const bank_item *const *)b;
    int c = strcmp(x->id, y->id);
    if (c) return c;
    return (x->line > y->line) - (x->line < y->line);
}

/* Rejects two items with one id: reports the earliest second use. */
static bank_err check_duplicates(const bank_items *l, char *why)
{
    if (l->n < 2) return BANK_OK;
    if (l->n > SIZE_MAX / sizeof(bank_item *)) return BANK_ENOMEM;
    const bank_item **v = malloc(l->n * sizeof *v);
    if (!v) return BANK_ENOMEM;
    for (size_t i = 0; i < l->n; i++) v[i] = &l->v[i];
    qsort(v, l->n, sizeof *v, by_id_then_line);
    const bank_item *dup = NULL, *first = NULL;
    for (size_t i = 1; i < l->n; i++) {
        if (strcmp(v[i - 1]->id, v[i]->id) != 0) continue;
        size_t f = i - 1;
        while (f > 0 && strcmp(v[f - 1]->id, v[i]->id) == 0) f--;
        if (!dup || v[i]->line < dup->line) {
            dup = v[i];
            first = v[f];
        }
    }
    bank_err rc = BANK_OK;
    if (dup)
        rc = import_fail(why, BANK_EPARSE, dup->line, "duplicate id \"%s\" (first on line %d)",
                         dup->id, first->line);
    free(v);
    return rc;
}

/* Moves every entry of tmp to the end of out; tmp's array is freed.
 * On ENOMEM nothing moves. */
static bank_err move_items(bank_items *tmp, bank_items *out)
{
    if (tmp->n > SIZE_MAX / sizeof(bank_item) - out->n) return BANK_ENOMEM;
    size_t need = out->n + tmp->n;
    if (need > out->cap) {
        bank_item *v = realloc(out->v, need * sizeof *v);
        if (!v) return BANK_ENOMEM;
        out->v = v;
        out->cap = need;
    }
    if (tmp->n) memcpy(out->v + out->n, tmp->v, tmp->n * sizeof *tmp->v);
    out->n = need;
    free(tmp->v);
    memset(tmp, 0, sizeof *tmp);
    return BANK_OK;
}

bank_err bank_parse_items(const char *data, size_t len, bank_format fmt,
                          const char *topic, bank_items *out, char *why)
{
    if (why) why[0] = '\0';
    if (!out || (!data && len)) {
        if (why) snprintf(why, WHY_SIZE, "no input");
        return BANK_EINVAL;
    }
    if (!data) data = "";
    if (len >= INT_MAX / 2) {
        if (why) snprintf(why, WHY_SIZE, "import file too large");
        return BANK_EINVAL;
    }
    if (fmt == BANK_FMT_MOODLE_XML) {
        if (why) snprintf(why, WHY_SIZE, "Moodle XML import is not supported yet");
        return BANK_EINVAL;
    }
    if (fmt != BANK_FMT_CSV && fmt != BANK_FMT_AIKEN && fmt != BANK_FMT_GIFT) {
        if (why) snprintf(why, WHY_SIZE, "unknown import format");
        return BANK_EINVAL;
    }
    if (fmt != BANK_FMT_CSV && topic && !import_name_ok(topic)) {
        if (why)
            snprintf(why, WHY_SIZE, "topic \"%.64s\": use 1-%d characters of A-Z a-z 0-9 . _ -",
                     topic, IMPORT_NAME_MAX);
        return BANK_EINVAL;
    }
    if (fmt == BANK_FMT_AIKEN && !topic) {
        if (why) snprintf(why, WHY_SIZE, "an Aiken file names no topic: give one with --topic");
        return BANK_EINVAL;
    }

    bank_items tmp = {0};
    bank_err rc;
    switch (fmt) {
    case BANK_FMT_CSV: rc = import_csv(data, len, &tmp, why); break;
    case BANK_FMT_AIKEN: rc = import_aiken(data, len, topic, &tmp, why); break;
    default: rc = import_gift(data, len, topic, &tmp, why); break;
    }
    if (rc == BANK_OK && tmp.n == 0) rc = import_fail(why, BANK_EPARSE, 1, "no questions found");
    for (size_t i = 0; rc == BANK_OK && i < tmp.n; i++) {
        bank_item *it = &tmp.v[i];
        if (!it->id && (rc = import_make_id(it)) != BANK_OK)
            import_fail(why, rc, it->line, "cannot make an id: %s", bank_strerror(rc));
        import_autopin(it);
    }
    if (rc == BANK_OK) rc = check_duplicates(&tmp, why);
    if (rc == BANK_OK && (rc = move_items(&tmp, out)) != BANK_OK && why)
        snprintf(why, WHY_SIZE, "%s", bank_strerror(rc));
    if (rc == BANK_ENOMEM && why && !why[0]) snprintf(why, WHY_SIZE, "%s", bank_strerror(rc));
    bank_items_free(&tmp);
    return rc;
}
