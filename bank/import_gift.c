/* import_gift.c -- item import from Moodle GIFT: multiple choice, true/false, multiple response. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bank.h"
#include "import.h"
#include "text.h"
#include "why.h"

/* One question's text: lines joined with '\n' (comment lines left empty,
 * so that offsets still map to lines), starting on `line`. */
typedef struct chunk {
    const char *s;
    size_t n;
    int line;
} chunk;

/* Text formats a GIFT text may start with ("[html]"...). */
enum gift_format { FMT_MOODLE = 0, FMT_HTML, FMT_PLAIN, FMT_MARKDOWN };

/* One answer of an answer block. */
typedef struct answer {
    char *text;
    double weight;   /* percent of the credit, -100..100 */
    bool html;       /* its text is HTML */
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

/* Appends s[from, to) with GIFT escapes resolved to b: \~ \= \# \{ \} \:
 * and \\ are the character, \n (how Moodle writes a line break) is one. */
static bool add_unescaped(sbuf *b, const char *s, size_t from, size_t to)
{
    size_t run = from;
    for (size_t i = from; i < to; i++) {
        if (s[i] != '\\' || i + 1 >= to || !strchr("~=#{}:\\n", s[i + 1])) continue;
        if (!sbuf_add(b, s + run, i - run)) return false;
        if (s[i + 1] == 'n' && !sbuf_add(b, "\n", 1)) return false;
        run = s[i + 1] == 'n' ? i + 2 : i + 1;  /* else keep the escaped character */
        i++;
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

/* Skips a "[html]"-style text format marker at s[*i] (after white space)
 * and returns its format; `dflt` when there is none. */
static enum gift_format skip_format(const char *s, size_t *i, size_t to, enum gift_format dflt)
{
    static const struct { const char *mark; enum gift_format f; } marks[] = {
        {"[html]", FMT_HTML}, {"[moodle]", FMT_MOODLE}, {"[plain]", FMT_PLAIN},
        {"[markdown]", FMT_MARKDOWN},
    };
    size_t j = *i;
    while (j < to && is_ws(s[j])) j++;
    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++) {
        size_t m = strlen(marks[k].mark);
        if (to - j >= m && strncasecmp(s + j, marks[k].mark, m) == 0) {
            *i = j + m;
            return marks[k].f;
        }
    }
    return dflt;
}

/* Reads the =right and ~wrong answers of c->s[i, to) into a (*n of them). */
static bank_err read_answers(const chunk *c, size_t i, size_t to, enum gift_format qfmt,
                             answer *a, int *n, int *nequal, import_ctx *cx)
{
    const char *s = c->s;
    *n = *nequal = 0;
    while (i < to) {
        char mark = s[i];
        int aline = line_at(c, i);
        if (*n == BANK_MAX_OPTIONS)
            return import_unsupported(cx, aline, "more than %d options (A-%c)",
                                      BANK_MAX_OPTIONS, 'A' + BANK_MAX_OPTIONS - 1);
        size_t j = i + 1;
        double w = mark == '=' ? 100 : 0;
        if (j < to && s[j] == '%' && !parse_weight(s, &j, to, &w))
            return import_fail(cx->why, BANK_EPARSE, aline,
                               "bad answer weight: use %%N%% with N from -100 to 100");
        size_t next = find_unescaped(s, j, to, "=~");
        size_t end = find_unescaped(s, j, next, "#");  /* feedback is dropped */
        a[*n].html = skip_format(s, &j, end, qfmt) == FMT_HTML;
        a[*n].weight = w;
        if (!(a[*n].text = gift_text(s, j, end))) return BANK_ENOMEM;
        (*n)++;
        if (!a[*n - 1].text[0]) return import_fail(cx->why, BANK_EPARSE, aline, "empty answer");
        if (mark == '=') (*nequal)++;
        i = next;
    }
    return BANK_OK;
}

/* Keys `it` from n answers: with an = answer, Moodle's single choice keyed
 * on the one full-credit answer (partial credit is dropped, with a notice);
 * without, multiple response keyed on every answer of positive weight. */
static bank_err key_answers(const answer *a, int n, int nequal, int line, bank_item *it,
                            import_ctx *cx)
{
    int nfull = 0, npart = 0, nright = 0, o = 0;
    bool weighted = false;
    for (int k = 0; k < n; k++) {
        nfull += a[k].weight >= 100;
        npart += a[k].weight > 0 && a[k].weight < 100;
        nright += a[k].weight > 0;
        weighted |= a[k].weight != 0 && a[k].weight != 100;
    }
    const char *err = NULL;
    if (nequal == 0 && !weighted) err = "no right answer: mark one with =";
    else if (nequal > 1 && nfull > 1)
        err = "more than one = answer: give several right answers weights like ~%50%";
    else if (nequal > 0 && nfull == 0) err = "no answer gives full credit (= or %100%)";
    else if (nfull > 1) err = "more than one full-credit answer in a single-choice question";
    else if (n < 2) err = "fewer than 2 options";
    else if (nright == 0) err = "no answer has a positive weight";
    if (err) return import_fail(cx->why, BANK_EPARSE, line, "%s", err);
    it->kind = nequal ? BANK_SINGLE : BANK_MULTI;
    for (int k = 0; k < n; k++)
        if (nequal ? a[k].weight >= 100 : a[k].weight > 0) it->key[o++] = (char)('A' + k);
    it->key[o] = '\0';
    if (nequal && npart)
        import_notice(cx, line, "partial credit dropped: single choice keyed on the"
                                " full-credit answer %s only", it->key);
    return BANK_OK;
}

/* Parses answer block c->s[from, to) (between the braces) into `it`:
 * kind, options (owned by `it`, HTML ones marked in *html) and key.
 * Reports the question types Kisi cannot hold as unsupported. */
static bank_err parse_block(const chunk *c, size_t from, size_t to, enum gift_format qfmt,
                            bank_item *it, bool *html, import_ctx *cx)
{
    const char *s = c->s;
    size_t i = from;
    while (i < to && is_ws(s[i])) i++;
    int line = line_at(c, i < to ? i : from);
    if (i == to) return import_unsupported(cx, line, "essay question ({}) is not supported");
    if (s[i] == '#')
        return import_unsupported(cx, line, "numerical question ({#...}) is not supported");
    if (s[i] == '=' && find_unescaped(s, i, to, "~") == to) {
        /* only = answers: matching pairs, or short answers */
        for (size_t k = find_unescaped(s, i, to, "-"); k + 1 < to;
             k = find_unescaped(s, k + 1, to, "-"))
            if (s[k + 1] == '>')
                return import_unsupported(cx, line_at(c, k),
                                          "matching question (->) is not supported");
        return import_unsupported(cx, line,
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
        return import_fail(cx->why, BANK_EPARSE, line,
                           "unsupported answer block: expected =right and ~wrong answers");
    answer a[BANK_MAX_OPTIONS];
    int n = 0, nequal = 0;
    bank_err rc = read_answers(c, i, to, qfmt, a, &n, &nequal, cx);
    if (rc == BANK_OK) rc = key_answers(a, n, nequal, line, it, cx);
    if (rc != BANK_OK) {
        answers_free(a, n);
        return rc;
    }
    it->noptions = n;
    for (int k = 0; k < n; k++) {
        it->options[k] = a[k].text;
        html[k] = a[k].html;
    }
    return BANK_OK;
}

/* Parses one question into a new item of tmp. `topic` may be NULL when
 * no category or default topic is known. */
static bank_err parse_question(const chunk *c, const char *topic, bank_items *tmp,
                               import_ctx *cx)
{
    const char *s = c->s;
    size_t to = c->n, i = 0;
    while (i < to && is_ws(s[i])) i++;
    size_t title_from = 0, title_to = 0;
    if (to - i >= 2 && s[i] == ':' && s[i + 1] == ':') {
        title_from = i + 2;
        title_to = find_double_colon(s, title_from, to);
        if (title_to == to)
            return import_fail(cx->why, BANK_EPARSE, line_at(c, i), "title '::' is never closed");
        i = title_to + 2;
    }
    enum gift_format qfmt = skip_format(s, &i, to, FMT_MOODLE);
    size_t bo = find_unescaped(s, i, to, "{}");
    if (bo < to && s[bo] == '}')
        return import_fail(cx->why, BANK_EPARSE, line_at(c, bo),
                           "'}' without '{' (write \\} for a brace)");
    if (bo == to)
        return import_unsupported(cx, c->line,
                                  "description (text without an answer block {...}) is not"
                                  " supported");
    size_t bc = find_unescaped(s, bo + 1, to, "{}");
    if (bc == to)
        return import_fail(cx->why, BANK_EPARSE, line_at(c, bo), "'{' is never closed");
    if (s[bc] == '{')
        return import_fail(cx->why, BANK_EPARSE, line_at(c, bc), "'{' inside an answer block");
    size_t extra = find_unescaped(s, bc + 1, to, "{}");
    if (extra < to)
        return import_fail(cx->why, BANK_EPARSE, line_at(c, extra),
                           s[extra] == '{' ? "more than one answer block"
                                           : "'}' without '{' (write \\} for a brace)");
    if (!topic)
        return import_fail(cx->why, BANK_EPARSE, c->line,
                           "no topic: add a $CATEGORY line or give a default topic");

    bank_item *it = bank_items_push(tmp);
    if (!it) return BANK_ENOMEM;
    it->line = c->line;
    it->difficulty = 3;
    it->weight = 1;
    bool html[BANK_MAX_OPTIONS] = {false};
    bank_err rc = parse_block(c, bo + 1, bc, qfmt, it, html, cx);
    if (rc != BANK_OK) return rc;

    /* the stem; text after the block makes a missing-word question */
    sbuf b = {0};
    bool ok = add_unescaped(&b, s, i, bo);
    if (ok && !import_blank(s + bc + 1, to - bc - 1))
        ok = sbuf_add(&b, "_____", 5) && add_unescaped(&b, s, bc + 1, to);
    if (!ok) { sbuf_free(&b); return BANK_ENOMEM; }
    if (!(it->stem = take_trimmed(&b))) return BANK_ENOMEM;
    if (!it->stem[0])
        return import_fail(cx->why, BANK_EPARSE, c->line, "question text is empty");
    if (!(it->topic = import_strndup(topic, strlen(topic)))) return BANK_ENOMEM;
    rc = import_make_rich(it, qfmt == FMT_HTML, html, c->line, NULL, NULL, cx);
    if (rc != BANK_OK) return rc;
    if (title_to > title_from) {
        char *title = gift_text(s, title_from, title_to);
        if (!title || !import_set_title(it, title, strlen(title))) {
            free(title);
            return BANK_ENOMEM;
        }
        if (import_name_ok(title)) it->id = title;  /* a title that is an id names the item */
        else free(title);
    }
    return BANK_OK;
}

/* The paths of every "$CATEGORY:" line of the file, for naming topics.
 * Caller frees each and the array; NULL (with *n 0) on ENOMEM. */
static char **category_paths(const char *data, size_t len, size_t *n)
{
    const char *p = data, *end = data + len, *s;
    size_t ln, cap = 8;
    char **v = malloc(cap * sizeof *v);
    bool ok = v != NULL;
    *n = 0;
    while (ok && import_line(&p, end, &s, &ln)) {
        while (ln && is_ws(*s)) s++, ln--;
        if (ln < 10 || strncasecmp(s, "$CATEGORY:", 10) != 0) continue;
        if (*n == cap) {
            char **nv = realloc(v, (cap *= 2) * sizeof *v);
            if (!(ok = nv != NULL)) break;
            v = nv;
        }
        if (!(ok = (v[*n] = gift_text(s, 10, ln)) != NULL)) break;
        (*n)++;
    }
    if (v && !ok) {  /* out of memory */
        for (size_t i = 0; i < *n; i++) free(v[i]);
        free(v);
        v = NULL;
        *n = 0;
    }
    return v;
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
                     import_ctx *cx)
{
    import_skip_bom(&data, &len);
    size_t ncats = 0;
    char **cats = category_paths(data, len, &ncats);
    if (!cats) return BANK_ENOMEM;
    if (ncats > IMPORT_CATEGORIES_MAX) {
        for (size_t i = 0; i < ncats; i++) free(cats[i]);
        free(cats);
        import_fail(cx->why, BANK_EPARSE, 1, "more than %d $CATEGORY lines: split the file",
                    IMPORT_CATEGORIES_MAX);
        import_report(cx);
        return BANK_OK;
    }
    char cat[IMPORT_NAME_MAX + 1] = "";
    const char *p = data, *end = data + len, *s;
    size_t n;
    int line = 0, open = 0;
    sbuf q = {0};
    chunk c = {NULL, 0, 0};
    bank_err rc = BANK_OK;
    bool more = true, bad = false, bad_cat = false;
    while (rc == BANK_OK && more) {
        more = import_line(&p, end, &s, &n);
        if (more) line++;
        if (more && !text_utf8_valid(s, n)) {
            import_fail(cx->why, BANK_EPARSE, line,
                        memchr(s, 0, n) ? "NUL byte in text" : "invalid UTF-8");
            import_report(cx);
            bad = true;  /* its question is left out; the file is refused */
            s = "?";
            n = 1;
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
            size_t before = tmp->n;
            if (!bad && !bad_cat) rc = parse_question(&c, cat[0] ? cat : topic, tmp, cx);
            if (rc == BANK_EPARSE) import_report(cx);
            if (rc == BANK_EPARSE || bad || bad_cat) import_drop(tmp, before);
            if (rc == BANK_EPARSE) rc = BANK_OK;
            sbuf_free(&q);
            c.line = 0;
            open = 0;
            bad = false;
        }
        if (rc != BANK_OK || blank) continue;
        if (cat_line) {
            char *path = gift_text(s + t, 10, n - t);
            if (!path) { rc = BANK_ENOMEM; continue; }
            bad_cat = !import_category_topic(path, (const char *const *)cats, ncats, cat);
            free(path);
            if (bad_cat) {
                import_fail(cx->why, BANK_EPARSE, line,
                            "category gives no usable topic (use letters, digits, . _ -)");
                import_report(cx);
            }
            continue;
        }
        if (c.line && !sbuf_add(&q, "\n", 1)) rc = BANK_ENOMEM;
        if (!c.line) c.line = line;
        if (rc == BANK_OK && !sbuf_add(&q, s, n)) rc = BANK_ENOMEM;
        open = brace_balance(s, n, open);
    }
    if (rc == BANK_ENOMEM) snprintf(cx->why, WHY_SIZE, "%s", bank_strerror(rc));
    for (size_t i = 0; i < ncats; i++) free(cats[i]);
    free(cats);
    sbuf_free(&q);
    return rc;
}
