/* import.c -- item import: formats, dispatch, problem reports, rich text, pinning, all-or-nothing. */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bank.h"
#include "html.h"
#include "import.h"
#include "richtext.h"
#include "item.h"
#include "text.h"
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

bank_err import_unsupported(import_ctx *cx, int line, const char *fmt, ...)
{
    int n = snprintf(cx->why, WHY_SIZE, "line %d: ", line);
    if (n > 0 && n < WHY_SIZE) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(cx->why + n, WHY_SIZE - (size_t)n, fmt, ap);
        va_end(ap);
    }
    cx->unsupported = true;
    return BANK_EPARSE;
}

/* Hands one report to the caller's note function. */
static void import_tell(import_ctx *cx, const char *kind, const char *text)
{
    if (cx->o && cx->o->note) cx->o->note(kind, text, cx->o->arg);
}

void import_report(import_ctx *cx)
{
    if (cx->unsupported && cx->o && cx->o->skip_unsupported) {
        cx->nskipped++;
        import_tell(cx, "skipped", cx->why);
    } else {
        if (cx->nproblems++ == 0) memcpy(cx->first, cx->why, WHY_SIZE);
        import_tell(cx, "error", cx->why);
    }
    cx->unsupported = false;
    cx->why[0] = '\0';
}

void import_notice(import_ctx *cx, int line, const char *fmt, ...)
{
    char text[WHY_SIZE];
    int n = snprintf(text, sizeof text, "line %d: ", line);
    if (n < 0 || n >= WHY_SIZE) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text + n, sizeof text - (size_t)n, fmt, ap);
    va_end(ap);
    import_tell(cx, "notice", text);
}

void import_drop(bank_items *tmp, size_t n)
{
    while (tmp->n > n) bank_item_clear(&tmp->v[--tmp->n]);
}

bool import_set_title(bank_item *it, const char *s, size_t n)
{
    while (n && strchr(" \t\r\n", *s)) s++, n--;
    while (n && strchr(" \t\r\n", s[n - 1])) n--;
    n = text_utf8_fit(s, n, ITEM_TITLE_MAX);
    free(it->title);
    it->title = NULL;
    if (!n) return true;
    if (!(it->title = import_strndup(s, n))) return false;
    for (char *p = it->title; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = ' ';
    return true;
}

/* Caller frees with free(). */
char *import_plain_rich(const char *s)
{
    sbuf b = {0};
    sbuf_add(&b, "", 0);
    for (; *s; s++) {
        if (*s == '<') sbuf_puts(&b, "&lt;");
        else if (*s == '>') sbuf_puts(&b, "&gt;");
        else if (*s == '&') sbuf_puts(&b, "&amp;");
        else if (*s == '\n') sbuf_puts(&b, "<br>");
        else if (*s != '\r') sbuf_add(&b, s, 1);
    }
    return sbuf_take(&b, NULL);
}

bank_err import_make_rich(bank_item *it, bool stem_html, const bool *html, int line,
                          html_img_fn img, void *arg, import_ctx *cx)
{
    bool any = stem_html;
    for (int k = 0; k < it->noptions; k++) any |= html[k];
    if (!any) return BANK_OK;
    it->rich = true;
    for (int k = -1; k < it->noptions; k++) {
        char **t = k < 0 ? &it->stem : &it->options[k], *r = NULL;
        if (k < 0 ? stem_html : html[k]) {
            char sub[WHY_SIZE];
            bank_err rc = html_to_rich(*t, strlen(*t), img, arg, &r, sub);
            if (rc == BANK_EPARSE) return import_fail(cx->why, rc, line, "%s", sub);
            if (rc) return rc;
        } else if (!(r = import_plain_rich(*t))) {
            return BANK_ENOMEM;
        }
        free(*t);
        *t = r;
        char *plain = bank_rich_plain(r);
        bool empty = plain && !plain[0];
        free(plain);
        if (empty)  /* an image alone, most often: not held yet */
            return import_unsupported(cx, line, "%s has no text once its HTML is read"
                                      " (an image alone is not kept)",
                                      k < 0 ? "question text" : "an answer");
    }
    return BANK_OK;
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
        if (n == 1 && *w >= 'a' && *w < 'a' + BANK_MAX_OPTIONS) {
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

/* Checks the arguments of a parse; BANK_OK or BANK_EINVAL with why set. */
static bank_err parse_args(const char *data, size_t len, bank_format fmt, const char *topic,
                           const bank_items *out, char *why)
{
    if (!out || (!data && len)) {
        why_set(why, "no input");
        return BANK_EINVAL;
    }
    if (len >= INT_MAX / 2) {
        why_set(why, "import file too large");
        return BANK_EINVAL;
    }
    if (fmt != BANK_FMT_CSV && fmt != BANK_FMT_AIKEN && fmt != BANK_FMT_GIFT &&
        fmt != BANK_FMT_MOODLE_XML) {
        why_set(why, "unknown import format");
        return BANK_EINVAL;
    }
    if (fmt != BANK_FMT_CSV && topic && !import_name_ok(topic)) {
        why_set(why, "topic \"%.64s\": use 1-%d characters of A-Z a-z 0-9 . _ -", topic,
                IMPORT_NAME_MAX);
        return BANK_EINVAL;
    }
    if (fmt == BANK_FMT_AIKEN && !topic) {
        why_set(why, "an Aiken file names no topic: give one with --topic");
        return BANK_EINVAL;
    }
    return BANK_OK;
}

bank_err bank_parse_items_ex(const char *data, size_t len, bank_format fmt,
                             const bank_parse_opts *o, bank_items *out, size_t *nproblems,
                             size_t *nskipped, char *why)
{
    static const bank_parse_opts none;
    if (!o) o = &none;
    if (why) why[0] = '\0';
    if (nproblems) *nproblems = 0;
    if (nskipped) *nskipped = 0;
    bank_err rc = parse_args(data, len, fmt, o->topic, out, why);
    if (rc) return rc;
    if (!data) data = "";

    import_ctx cx = {.o = o};
    bank_items tmp = {0};
    switch (fmt) {
    case BANK_FMT_CSV: rc = import_csv(data, len, &tmp, &cx); break;
    case BANK_FMT_AIKEN: rc = import_aiken(data, len, o->topic, &tmp, &cx); break;
    case BANK_FMT_GIFT: rc = import_gift(data, len, o->topic, &tmp, &cx); break;
    default: rc = import_moodle(data, len, o->topic, &tmp, &cx); break;
    }
    if (rc == BANK_OK && tmp.n == 0 && cx.nproblems == 0) {
        if (cx.nskipped)
            snprintf(cx.why, WHY_SIZE, "line 1: no questions found that Kisi can hold"
                                       " (%zu skipped)", cx.nskipped);
        else snprintf(cx.why, WHY_SIZE, "line 1: no questions found");
        import_report(&cx);
    }
    if (rc == BANK_OK) rc = import_assign_ids(&tmp, &cx);
    for (size_t i = 0; rc == BANK_OK && i < tmp.n; i++) import_autopin(&tmp.v[i]);
    if (rc == BANK_OK) rc = import_check_duplicates(&tmp, &cx);
    if (rc == BANK_OK && cx.nproblems) {
        rc = BANK_EPARSE;
        if (cx.nproblems == 1) why_set(why, "%s", cx.first);
        else why_set(why, "%s (and %zu more problems)", cx.first, cx.nproblems - 1);
    } else if (rc == BANK_OK && (rc = move_items(&tmp, out)) != BANK_OK) {
        why_set(why, "%s", bank_strerror(rc));
    } else if (rc) {
        why_set(why, "%s", cx.why[0] ? cx.why : bank_strerror(rc));
    }
    if (nproblems) *nproblems = cx.nproblems;
    if (nskipped) *nskipped = cx.nskipped;
    bank_items_free(&tmp);
    return rc;
}

bank_err bank_parse_items(const char *data, size_t len, bank_format fmt,
                          const char *topic, bank_items *out, char *why)
{
    bank_parse_opts o = {.topic = topic};
    return bank_parse_items_ex(data, len, fmt, &o, out, NULL, NULL, why);
}
