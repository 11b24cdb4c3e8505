/* import_aiken.c -- item import from Aiken: question, "A. option" lines, "ANSWER: X". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bank.h"
#include "text.h"
#include "import.h"
#include "why.h"

/* Where the parser is inside the file; SKIPPING: after a problem, up to
 * the next ANSWER line. */
enum aiken_state { BETWEEN, IN_STEM, IN_OPTIONS, SKIPPING };

/* The question being read. */
typedef struct aiken_q {
    int line;           /* where its text starts */
    sbuf stem;
    bool gap;           /* blank line(s) seen since the last stem line */
    int noptions;
    char *options[BANK_MAX_OPTIONS];
} aiken_q;

static void q_clear(aiken_q *q)
{
    sbuf_free(&q->stem);
    for (int i = 0; i < BANK_MAX_OPTIONS; i++) free(q->options[i]);
    memset(q, 0, sizeof *q);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Letter of an option line "X. text", "X) text" or, as Moodle reads it,
 * "X)text" (s already left-trimmed); 0 when the line is not one. *text gets
 * the option text. */
static char option_letter(const char *s, size_t n, const char **text, size_t *tn)
{
    if (n < 2 || s[0] < 'A' || s[0] > 'Z' || (s[1] != '.' && s[1] != ')')) return 0;
    if (n > 2 && !is_space(s[2]) && s[1] != ')') return 0;
    size_t i = 2;
    while (i < n && is_space(s[i])) i++;
    *text = s + i;
    *tn = n - i;
    return s[0];
}

/* True for an "ANSWER:" line; *rest gets what follows the colon, trimmed. */
static bool answer_line(const char *s, size_t n, const char **rest, size_t *rn)
{
    if (n < 7 || strncasecmp(s, "ANSWER:", 7) != 0) return false;
    size_t i = 7;
    while (i < n && is_space(s[i])) i++;
    *rest = s + i;
    *rn = n - i;
    return true;
}

/* Moves the finished question into a new item of `tmp`; `letter` is the
 * answer. The item takes the question's strings. */
static bank_err q_finish(aiken_q *q, char letter, const char *topic, bank_items *tmp)
{
    bank_item *it = bank_items_push(tmp);
    if (!it) return BANK_ENOMEM;
    it->line = q->line;
    it->kind = BANK_SINGLE;
    it->difficulty = 3;
    it->weight = 1;
    it->topic = import_strndup(topic, strlen(topic));
    it->stem = sbuf_take(&q->stem, NULL);
    if (!it->topic || !it->stem) return BANK_ENOMEM;
    it->noptions = q->noptions;
    for (int i = 0; i < q->noptions; i++) {
        it->options[i] = q->options[i];
        q->options[i] = NULL;
    }
    it->key[0] = letter;
    it->key[1] = '\0';
    q_clear(q);
    return BANK_OK;
}

/* Handles one non-blank line (s, n: trailing space removed; t, tn: also
 * leading space removed). */
static bank_err aiken_line(aiken_q *q, enum aiken_state *st, int line, const char *s,
                           size_t n, const char *t, size_t tn, const char *topic,
                           bank_items *tmp, import_ctx *cx)
{
    char *why = cx->why;
    const char *text, *rest;
    size_t textn, restn;
    char letter = option_letter(t, tn, &text, &textn);
    bool answer = !letter && answer_line(t, tn, &rest, &restn);
    /* before the options only "A." starts them: "I. ..." or "B. J. Habibie"
     * is question text */
    if (*st != IN_OPTIONS && letter != 'A') letter = 0;

    if (*st == BETWEEN) {
        if (answer) return import_fail(why, BANK_EPARSE, line, "ANSWER line without a question");
        if (letter)
            return import_fail(why, BANK_EPARSE, line, "option A. comes before any question text");
        q->line = line;
        *st = IN_STEM;
        return sbuf_add(&q->stem, s, n) ? BANK_OK : BANK_ENOMEM;
    }
    if (answer && q->noptions == 0)
        return import_fail(why, BANK_EPARSE, line,
                           "no options before ANSWER (options start with \"A. \")");
    if (answer && q->noptions < 2)
        return import_fail(why, BANK_EPARSE, line, "fewer than 2 options before ANSWER");
    if (answer) {
        if (restn == 0) return import_fail(why, BANK_EPARSE, line, "ANSWER names no option");
        int truth = import_truth_key(rest, restn, q->options, q->noptions);
        if (truth == -2)
            return import_fail(why, BANK_EPARSE, line,
                               "ANSWER %.*s: no option reads Benar/True or Salah/False to match;"
                               " use the option letter", (int)(restn > 20 ? 20 : restn), rest);
        if (truth >= 0) {
            *st = BETWEEN;
            return q_finish(q, (char)('A' + truth), topic, tmp);
        }
        char a = rest[0];
        if (a >= 'a' && a <= 'z') a = (char)(a - 'a' + 'A');
        if (restn > 1 || a < 'A' || a > 'Z')
            return import_fail(why, BANK_EPARSE, line,
                               "ANSWER must be one option letter (Aiken has one answer)");
        if (a - 'A' >= q->noptions)
            return import_fail(why, BANK_EPARSE, line,
                               "ANSWER %c names a missing option (options are A-%c)", a,
                               'A' + q->noptions - 1);
        *st = BETWEEN;
        return q_finish(q, a, topic, tmp);
    }
    if (letter) {
        if (q->noptions == BANK_MAX_OPTIONS)
            return import_unsupported(cx, line, "more than %d options (A-%c)", BANK_MAX_OPTIONS,
                                      'A' + BANK_MAX_OPTIONS - 1);
        char want = (char)('A' + q->noptions);
        if (letter != want)
            return import_fail(why, BANK_EPARSE, line, "option %c out of order (expected %c)",
                               letter, want);
        if (textn == 0) return import_fail(why, BANK_EPARSE, line, "option %c is empty", letter);
        if (!(q->options[q->noptions] = import_strndup(text, textn))) return BANK_ENOMEM;
        q->noptions++;
        *st = IN_OPTIONS;
        return BANK_OK;
    }
    if (*st == IN_OPTIONS)
        return import_fail(why, BANK_EPARSE, q->line,
                           "question has no ANSWER line (line %d is neither option %c nor ANSWER)",
                           line, 'A' + q->noptions);
    /* one more line of the stem; a blank line in between is kept */
    if (!sbuf_add(&q->stem, q->gap ? "\n\n" : "\n", q->gap ? 2 : 1) ||
        !sbuf_add(&q->stem, s, n))
        return BANK_ENOMEM;
    q->gap = false;
    return BANK_OK;
}

/* True when the trimmed line t (tn bytes) ends a question: an ANSWER line. */
static bool ends_question(const char *t, size_t tn)
{
    const char *rest;
    size_t rn;
    return answer_line(t, tn, &rest, &rn);
}

/* After the problem in cx->why: reports it, forgets the question, and reads
 * on from the next one. A text line where an option or ANSWER was due
 * starts the next question; else the lines up to an ANSWER are passed. */
static bank_err aiken_recover(aiken_q *q, enum aiken_state *st, enum aiken_state was, int line,
                              const char *s, size_t n, const char *t, size_t tn,
                              const char *topic, bank_items *tmp, import_ctx *cx)
{
    const char *text;
    size_t textn;
    import_report(cx);
    q_clear(q);
    bool plain = !option_letter(t, tn, &text, &textn) && !ends_question(t, tn);
    *st = ends_question(t, tn) ? BETWEEN : SKIPPING;
    if (!(was == IN_OPTIONS && plain)) return BANK_OK;
    *st = BETWEEN;
    bank_err rc = aiken_line(q, st, line, s, n, t, tn, topic, tmp, cx);
    if (rc == BANK_EPARSE) {
        import_report(cx);
        q_clear(q);
        *st = SKIPPING;
        rc = BANK_OK;
    }
    return rc;
}

bank_err import_aiken(const char *data, size_t len, const char *topic, bank_items *tmp,
                      import_ctx *cx)
{
    if (!topic) return import_fail(cx->why, BANK_EINVAL, 1, "an Aiken file names no topic");
    import_skip_bom(&data, &len);
    const char *p = data, *end = data + len, *s;
    size_t n;
    int line = 0;
    enum aiken_state st = BETWEEN;
    aiken_q q;
    memset(&q, 0, sizeof q);
    bank_err rc = BANK_OK;
    while (rc == BANK_OK && import_line(&p, end, &s, &n)) {
        line++;
        if (!text_utf8_valid(s, n)) {
            import_fail(cx->why, BANK_EPARSE, line,
                        memchr(s, 0, n) ? "NUL byte in text" : "invalid UTF-8");
            import_report(cx);
            q_clear(&q);
            st = SKIPPING;
            continue;
        }
        while (n && (is_space(s[n - 1]) || s[n - 1] == '\r')) n--;
        const char *t = s;
        size_t tn = n;
        while (tn && is_space(*t)) { t++; tn--; }
        if (tn == 0) {
            if (st == IN_STEM) q.gap = true;
            continue;
        }
        if (st == SKIPPING) {
            if (ends_question(t, tn)) st = BETWEEN;
            continue;
        }
        enum aiken_state was = st;
        rc = aiken_line(&q, &st, line, s, n, t, tn, topic, tmp, cx);
        if (rc == BANK_EPARSE)
            rc = aiken_recover(&q, &st, was, line, s, n, t, tn, topic, tmp, cx);
    }
    if (rc == BANK_OK && st == IN_STEM) {
        import_fail(cx->why, BANK_EPARSE, q.line, "question has no options and no ANSWER line");
        import_report(cx);
    }
    if (rc == BANK_OK && st == IN_OPTIONS) {
        import_fail(cx->why, BANK_EPARSE, q.line, "question has no ANSWER line");
        import_report(cx);
    }
    if (rc == BANK_ENOMEM) snprintf(cx->why, WHY_SIZE, "%s", bank_strerror(rc));
    q_clear(&q);
    return rc;
}
