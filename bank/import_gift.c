/* import_gift.c -- item import from Moodle GIFT: multiple choice, true/false, multiple response. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bank.h"
#include "text.h"
#include "import.h"
#include "why.h"

/* One question's text: lines joined with '\n' (comment lines left empty,
 * so that offsets still map to lines), starting on `line`. */
typedef struct chunk {
    const char *s;
    size_t n;
    int line;
} chunk;

/* One answer of an answer block. */
typedef struct answer {
    char *text;
    bool right;
} answer;

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int line_at(const chunk *c, size_t off)
{
    int line = c->line;
    for (size_t i = 0; i < off && i < c->n; i++)
        if (c->s[i] == '\n') line++;
    return line;
}

/* Index of the first character of `set` in s[from, to) that is not
 * escaped by a backslash; `to` when there is none. */
static size_t find_unescaped(const char *s, size_t from, size_t to, const char *set)
{
    for (size_t i = from; i < to; i++) {
        if (s[i] == '\\') { i++; continue; }
        if (strchr(set, s[i])) return i;
    }
    return to;
}

/* Index of the first unescaped "::" in s[from, to); `to` when none. */
static size_t find_double_colon(const char *s, size_t from, size_t to)
{
    for (size_t i = from; i + 1 < to; i++) {
        if (s[i] == '\\') { i++; continue; }
        if (s[i] == ':' && s[i + 1] == ':') return i;
    }
    return to;
}

/* Appends s[from, to) with GIFT escapes resolved to b. */
static bool add_unescaped(sbuf *b, const char *s, size_t from, size_t to)
{
    size_t run = from;
    for (size_t i = from; i < to; i++) {
        if (s[i] != '\\' || i + 1 >= to || !strchr("~=#{}:\\", s[i + 1])) continue;
        if (!sbuf_add(b, s + run, i - run)) return false;
        run = ++i;  /* keep the escaped character, drop the backslash */
    }
    return sbuf_add(b, s + run, to - run);
}

/* The text of b without surrounding white space, as a new string the
 * caller frees; b is emptied. NULL on ENOMEM. */
static char *take_trimmed(sbuf *b)
{
    const char *s = b->p ? b->p : "";
    size_t lo = 0, hi = b->len;
    while (lo < hi && is_ws(s[lo])) lo++;
    while (hi > lo && is_ws(s[hi - 1])) hi--;
    char *r = import_strndup(s + lo, hi - lo);
    sbuf_free(b);
    return r;
}

/* Text s[from, to) unescaped and trimmed; caller frees. NULL on ENOMEM. */
static char *gift_text(const char *s, size_t from, size_t to)
{
    sbuf b = {0};
    if (!add_unescaped(&b, s, from, to)) {
        sbuf_free(&b);
        return NULL;
    }
    return take_trimmed(&b);
}

/* Parses "%N%" weights (-100..100, decimals allowed) at s[*i]; on success
 * *i is past the closing '%'. */
static bool parse_weight(const char *s, size_t *i, size_t to, double *w)
{
    size_t j = *i + 1;
    double sign = 1, v = 0, scale = 0;
    if (j < to && (s[j] == '-' || s[j] == '+')) sign = s[j++] == '-' ? -1 : 1;
    size_t digits = 0;
    for (; j < to && s[j] != '%'; j++) {
        if (s[j] == '.' && scale == 0) { scale = 1; continue; }
        if (s[j] < '0' || s[j] > '9' || ++digits > 12) return false;
        if (scale > 0) scale /= 10;
        v = scale > 0 ? v + (s[j] - '0') * scale : v * 10 + (s[j] - '0');
    }
    if (j >= to || digits == 0 || v > 100) return false;
    *w = sign * v;
    *i = j + 1;
    return true;
}

/* Frees the texts of n answers. */
static void answers_free(answer *a, int n)
{
    for (int i = 0; i < n; i++) free(a[i].text);
}

/* Parses answer block c->s[from, to) (between the braces) into `it`:
 * kind, options (owned by `it`) and key. Rejects the question types Kisi
 * cannot hold. */
static bank_err parse_block(const chunk *c, size_t from, size_t to, bank_item *it, char *why)
{
    const char *s = c->s;
    size_t i = from;
    while (i < to && is_ws(s[i])) i++;
    int line = line_at(c, i < to ? i : from);
    if (i == to)
        return import_fail(why, BANK_EPARSE, line, "essay question ({}) is not supported");
    if (s[i] == '#')
        return import_fail(why, BANK_EPARSE, line,
                           "numerical question ({#...}) is not supported");
    if (s[i] == '=' && find_unescaped(s, i, to, "~") == to) {
        /* only = answers: matching pairs, or short answers */
        for (size_t k = find_unescaped(s, i, to, "-"); k + 1 < to;
             k = find_unescaped(s, k + 1, to, "-"))
            if (s[k + 1] == '>')
                return import_fail(why, BANK_EPARSE, line_at(c, k),
                                   "matching question (->) is not supported");
        return import_fail(why, BANK_EPARSE, line,
                           "short answer question (only = answers) is not supported");
    }

    size_t fb = find_unescaped(s, i, to, "#"), e = fb;
    while (e > i && is_ws(s[e - 1])) e--;
    static const char *const tf[] = {"T", "TRUE", "BENAR", "F", "FALSE", "SALAH"};
    for (int k = 0; k < 6; k++) {
        if (strlen(tf[k]) != e - i || strncasecmp(s + i, tf[k], e - i) != 0) continue;
        it->kind = BANK_TRUEFALSE;
        it->noptions = 2;
        it->options[0] = import_strndup("Benar", 5);
        it->options[1] = import_strndup("Salah", 5);
        if (!it->options[0] || !it->options[1]) return BANK_ENOMEM;
        strcpy(it->key, k < 3 ? "A" : "B");
        return BANK_OK;
    }

    if (s[i] != '=' && s[i] != '~')
        return import_fail(why, BANK_EPARSE, line,
                           "unsupported answer block: expected =right and ~wrong answers");
    answer a[BANK_MAX_OPTIONS];
    int n = 0, nequal = 0;
    bool weighted = false;
    while (i < to) {
        char mark = s[i];
        int aline = line_at(c, i);
        if (n == BANK_MAX_OPTIONS) {
            answers_free(a, n);
            return import_fail(why, BANK_EPARSE, aline, "more than %d options (A-E)",
                               BANK_MAX_OPTIONS);
        }
        size_t j = i + 1;
        double w = mark == '=' ? 100 : 0;
        if (j < to && s[j] == '%') {
            if (!parse_weight(s, &j, to, &w)) {
                answers_free(a, n);
                return import_fail(why, BANK_EPARSE, aline,
                                   "bad answer weight: use %%N%% with N from -100 to 100");
            }
            if (mark == '~') weighted = true;
        }
        size_t next = find_unescaped(s, j, to, "=~");
        size_t end = find_unescaped(s, j, next, "#");  /* feedback is dropped */
        a[n].text = gift_text(s, j, end);
        a[n].right = w > 0;
        if (!a[n].text) { answers_free(a, n); return BANK_ENOMEM; }
        n++;
        if (!a[n - 1].text[0]) {
            answers_free(a, n);
            return import_fail(why, BANK_EPARSE, aline, "empty answer");
        }
        if (mark == '=') nequal++;
        i = next;
    }

    const char *err = NULL;
    if (!weighted && nequal == 0) err = "no right answer: mark one with =";
    else if (!weighted && nequal > 1)
        err = "more than one = answer: give several right answers weights like ~%50%";
    else if (n < 2) err = "fewer than 2 options";
    int nright = 0;
    for (int k = 0; k < n; k++) nright += a[k].right;
    if (!err && nright == 0) err = "no answer has a positive weight";
    if (err) {
        answers_free(a, n);
        return import_fail(why, BANK_EPARSE, line, "%s", err);
    }
    it->kind = weighted ? BANK_MULTI : BANK_SINGLE;
    it->noptions = n;
    int o = 0;
    for (int k = 0; k < n; k++) {
        it->options[k] = a[k].text;
        if (a[k].right) it->key[o++] = (char)('A' + k);
    }
    it->key[o] = '\0';
    return BANK_OK;
}

/* Skips a "[html]"-style text format marker at s[*i]. */
static void skip_format(const char *s, size_t *i, size_t to)
{
    static const char *const marks[] = {"[html]", "[moodle]", "[plain]", "[markdown]"};
    for (int k = 0; k < 4; k++) {
        size_t m = strlen(marks[k]);
        if (to - *i >= m && strncasecmp(s + *i, marks[k], m) == 0) {
            *i += m;
            return;
        }
    }
}

/* Parses one question into a new item of tmp. `topic` may be NULL when
 * no category or default topic is known. */
static bank_err parse_question(const chunk *c, const char *topic, bank_items *tmp, char *why)
{
    const char *s = c->s;
    size_t to = c->n, i = 0;
    while (i < to && is_ws(s[i])) i++;
    size_t title_from = 0, title_to = 0;
    if (to - i >= 2 && s[i] == ':' && s[i + 1] == ':') {
        title_from = i + 2;
        title_to = find_double_colon(s, title_from, to);
        if (title_to == to)
            return import_fail(why, BANK_EPARSE, line_at(c, i), "title '::' is never closed");
        i = title_to + 2;
        while (i < to && is_ws(s[i])) i++;
    }
    skip_format(s, &i, to);
    size_t bo = find_unescaped(s, i, to, "{}");
    if (bo < to && s[bo] == '}')
        return import_fail(why, BANK_EPARSE, line_at(c, bo), "'}' without '{' (write \\} for a brace)");
    if (bo == to)
        return import_fail(why, BANK_EPARSE, c->line,
                           "description (text without an answer block {...}) is not supported");
    size_t bc = find_unescaped(s, bo + 1, to, "{}");
    if (bc == to) return import_fail(why, BANK_EPARSE, line_at(c, bo), "'{' is never closed");
    if (s[bc] == '{')
        return import_fail(why, BANK_EPARSE, line_at(c, bc), "'{' inside an answer block");
    size_t extra = find_unescaped(s, bc + 1, to, "{}");
    if (extra < to)
        return import_fail(why, BANK_EPARSE, line_at(c, extra),
                           s[extra] == '{' ? "more than one answer block"
                                           : "'}' without '{' (write \\} for a brace)");
    if (!topic)
        return import_fail(why, BANK_EPARSE, c->line,
                           "no topic: add a $CATEGORY line or give a default topic");

    bank_item *it = bank_items_push(tmp);
    if (!it) return BANK_ENOMEM;
    it->line = c->line;
    it->difficulty = 3;
    it->weight = 1;
    bank_err rc = parse_block(c, bo + 1, bc, it, why);
    if (rc != BANK_OK) return rc;

    /* the stem; text after the block makes a missing-word question */
    sbuf b = {0};
    bool ok = add_unescaped(&b, s, i, bo);
    if (ok && !import_blank(s + bc + 1, to - bc - 1))
        ok = sbuf_add(&b, "_____", 5) && add_unescaped(&b, s, bc + 1, to);
    if (!ok) { sbuf_free(&b); return BANK_ENOMEM; }
    if (!(it->stem = take_trimmed(&b))) return BANK_ENOMEM;
    if (!it->stem[0]) return import_fail(why, BANK_EPARSE, c->line, "question text is empty");
    if (!(it->topic = import_strndup(topic, strlen(topic)))) return BANK_ENOMEM;
    if (title_to > title_from) {
        char *title = gift_text(s, title_from, title_to);
        if (!title) return BANK_ENOMEM;
        if (import_name_ok(title)) it->id = title;
        else free(title);
    }
    return BANK_OK;
}

/* Sets topic (IMPORT_NAME_MAX + 1 bytes) from "$CATEGORY: a/b/Last part":
 * the last path component with every run of other characters than
 * [A-Za-z0-9._-] made one '-'. */
static bank_err category(const char *s, size_t n, int line, char *topic, char *why)
{
    size_t end = n;
    while (end && (is_ws(s[end - 1]) || s[end - 1] == '/')) end--;
    size_t start = end;
    while (start && s[start - 1] != '/') start--;
    size_t o = 0;
    for (size_t i = start; i < end && o < IMPORT_NAME_MAX; i++) {
        char ch = s[i];
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
        if (ok) topic[o++] = ch;
        else if (o && topic[o - 1] != '-') topic[o++] = '-';
    }
    while (o && topic[o - 1] == '-') o--;
    topic[o] = '\0';
    if (!o)
        return import_fail(why, BANK_EPARSE, line,
                           "category gives no usable topic (use letters, digits, . _ -)");
    return BANK_OK;
}

/* Open-brace balance after the line s[0, n), starting from `open`. */
static int brace_balance(const char *s, size_t n, int open)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\') { i++; continue; }
        if (s[i] == '{') open = 1;
        else if (s[i] == '}') open = 0;
    }
    return open;
}

bank_err import_gift(const char *data, size_t len, const char *topic, bank_items *tmp,
                     char *why)
{
    import_skip_bom(&data, &len);
    char cat[IMPORT_NAME_MAX + 1] = "";
    const char *p = data, *end = data + len, *s;
    size_t n;
    int line = 0, open = 0;
    sbuf q = {0};
    chunk c = {NULL, 0, 0};
    bank_err rc = BANK_OK;
    bool more = true;
    while (rc == BANK_OK && more) {
        more = import_line(&p, end, &s, &n);
        if (more) {
            line++;
            if (!text_utf8_valid(s, n)) {
                rc = import_fail(why, BANK_EPARSE, line,
                                 memchr(s, 0, n) ? "NUL byte in text" : "invalid UTF-8");
                break;
            }
        }
        size_t t = 0;
        while (more && t < n && is_ws(s[t])) t++;
        bool blank = !more || (t == n && !open);
        if (more && !blank && n - t >= 2 && s[t] == '/' && s[t + 1] == '/') {
            if (c.line && !sbuf_add(&q, "\n", 1)) rc = BANK_ENOMEM;
            continue;  /* a comment: an empty line inside a question */
        }
        bool cat_line = more && !blank && !open && n - t >= 10 &&
                        strncasecmp(s + t, "$CATEGORY:", 10) == 0;
        if ((blank || cat_line) && c.line) {
            c.s = q.p;
            c.n = q.len;
            rc = parse_question(&c, cat[0] ? cat : topic, tmp, why);
            sbuf_free(&q);
            c.line = 0;
            open = 0;
        }
        if (rc != BANK_OK || blank) continue;
        if (cat_line) {
            rc = category(s + t + 10, n - t - 10, line, cat, why);
            continue;
        }
        if (c.line && !sbuf_add(&q, "\n", 1)) rc = BANK_ENOMEM;
        if (!c.line) c.line = line;
        if (rc == BANK_OK && !sbuf_add(&q, s, n)) rc = BANK_ENOMEM;
        open = brace_balance(s, n, open);
    }
    if (rc == BANK_ENOMEM && why) snprintf(why, WHY_SIZE, "%s", bank_strerror(rc));
    sbuf_free(&q);
    return rc;
}
