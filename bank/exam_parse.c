/* exam_parse.c -- exam definitions: parsing and checking the JSON, filling in defaults. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exam.h"
#include "why.h"

#define MINUTES_MAX 600
#define ITEMS_MAX 1000       /* per topic and per form */

static const exam_ceil_row academic_ceilings[] = {
    {1, 3, 10000}, {4, 5, 9001}, {6, 6, 8000}, {7, 0, 7001}};

static const char *const fields[] = {"id", "title", "kind", "programme", "minutes",
                                     "pass_mark", "max_attempts", "ceilings", "quotas",
                                     "sections", "difficulty", NULL};
static const char *const section_fields[] = {"id", "share", "topics", NULL};

/* Parsing state: the detail buffer and the error to report. */
typedef struct ctx {
    char *why;
    bank_err err;
} ctx;

/* Sets the detail (printable ASCII, one line) and the error; returns false. */
__attribute__((format(printf, 3, 4)))
static bool fail_as(ctx *c, bank_err err, const char *fmt, ...)
{
    c->err = err;
    if (!c->why) return false;
    va_list ap;
    va_start(ap, fmt);
    why_vset(c->why, fmt, ap);
    va_end(ap);
    for (char *p = c->why; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) *p = '?';
    return false;
}
#define fail(c, ...) fail_as((c), BANK_EEXAM, __VA_ARGS__)

/* Copies at most 40 bytes of `s` into `buf` for quoting in a detail. */
static const char *shown(const char *s, char buf[48])
{
    size_t n = strlen(s);
    if (n <= 40) return s;
    memcpy(buf, s, 37);
    strcpy(buf + 37, "...");
    return buf;
}

static const char *type_name(const json_t *v)
{
    if (!v) return "missing";
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a real number";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "unknown";
}

/* Edit distance of two short strings, capped at 9. */
static int distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 31 || lb > 31) return 9;
    int row[32];
    for (size_t j = 0; j <= lb; j++) row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* Rejects keys of `obj` not in `names`, suggesting the nearest one. (The
 * JSON parser already refuses keys with NUL bytes.) */
static bool known_keys(ctx *c, json_t *obj, const char *const *names, const char *where)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        const char *near = NULL;
        bool known = false;
        for (size_t i = 0; names[i] && !known; i++) {
            known = strcmp(names[i], key) == 0;
            if (!near && distance(key, names[i]) <= 2) near = names[i];
        }
        if (known) continue;
        char buf[48];
        if (near)
            return fail(c, "%sunknown field \"%s\" (did you mean \"%s\"?)", where,
                        shown(key, buf), near);
        return fail(c, "%sunknown field \"%s\"", where, shown(key, buf));
    }
    return true;
}

/* Checks an identifier (id, programme, topic, section) of `n` bytes and
 * copies it into `out`. */
static bool check_name(ctx *c, const char *s, size_t n, const char *what, bool may_be_empty,
                       char out[EXAM_NAME_MAX + 1])
{
    if (n == 0 && !may_be_empty) return fail(c, "%s must not be empty", what);
    if (n > EXAM_NAME_MAX)
        return fail(c, "%s is longer than %d characters", what, EXAM_NAME_MAX);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
        if (!ok) {
            if (ch == 0) return fail(c, "%s contains a NUL byte", what);
            return fail(c, "%s may contain only A-Z a-z 0-9 . _ - (found \"%c\" at %zu)",
                        what, ch >= 0x20 && ch < 0x7f ? ch : '?', i + 1);
        }
    }
    memcpy(out, s, n);
    out[n] = '\0';
    return true;
}

static bool take_name(ctx *c, json_t *v, const char *what, bool may_be_empty,
                      char out[EXAM_NAME_MAX + 1])
{
    if (!json_is_string(v)) return fail(c, "%s must be a string, not %s", what, type_name(v));
    return check_name(c, json_string_value(v), json_string_length(v), what, may_be_empty, out);
}

/* Hints for a real number where an integer is expected. */
#define IN_HUNDREDTHS "hundredths: write 7001 for 70.01"
#define IN_PERCENT "whole percent: write 30 for 30 %"

/* Reads an integer lo..hi. A real is refused with "<what> is in <unit>",
 * or as not a whole number when `unit` is NULL (a count). */
static bool take_int(ctx *c, json_t *v, const char *what, long long lo, long long hi,
                     const char *unit, int *out)
{
    if (json_is_real(v)) {
        if (unit) return fail(c, "%s is in %s", what, unit);
        return fail(c, "%s must be a whole number", what);
    }
    if (!json_is_integer(v)) return fail(c, "%s must be an integer, not %s", what, type_name(v));
    long long x = json_integer_value(v);
    if (x < lo || x > hi) return fail(c, "%s must be %lld..%lld, not %lld", what, lo, hi, x);
    *out = (int)x;
    return true;
}

static bool parse_title(ctx *c, bank_exam *e, json_t *v)
{
    if (!json_is_string(v)) return fail(c, "title must be a string, not %s", type_name(v));
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n == 0) return fail(c, "title must not be empty");
    if (n > EXAM_TITLE_MAX)
        return fail(c, "title is %zu bytes; at most %d are allowed", n, EXAM_TITLE_MAX);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == 0) return fail(c, "title contains a NUL byte");
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return fail(c, "title contains a control character at byte %zu", i + 1);
    }
    memcpy(e->title, s, n + 1);
    return true;
}

static bool parse_kind(ctx *c, bank_exam *e, json_t *v)
{
    if (json_is_string(v))
        for (size_t k = 0; k < EXAM_NKINDS; k++)
            if (strcmp(json_string_value(v), exam_policies[k].name) == 0 &&
                json_string_length(v) == strlen(exam_policies[k].name)) {
                e->kind = (bank_exam_kind)k;
                return true;
            }
    return fail(c, "kind must be one of \"academic\", \"quiz\", \"competency\", \"rpl\"");
}

static bool parse_max_attempts(ctx *c, bank_exam *e, json_t *v)
{
    const exam_policy *p = &exam_policies[e->kind];
    e->max_attempts = p->max_attempts;
    if (!v || json_is_null(v)) return true;
    long long x = json_integer_value(v);  /* 0 when not an integer */
    if (json_is_integer(v) && (x < p->lo || x > p->hi))
        return fail(c, "max_attempts of %s, not %lld", p->rule, x);
    return take_int(c, v, "max_attempts", p->lo, p->hi, NULL, &e->max_attempts);
}

static bool parse_ceilings(ctx *c, bank_exam *e, json_t *v)
{
    if (!v || json_is_null(v)) {
        if (e->kind == BANK_EXAM_ACADEMIC) {
            /* rows that start after a limited max_attempts are left out */
            size_t n = sizeof academic_ceilings / sizeof academic_ceilings[0];
            while (e->max_attempts > 0 && academic_ceilings[n - 1].from > e->max_attempts) n--;
            e->nceil = n;
            memcpy(e->ceil, academic_ceilings, n * sizeof academic_ceilings[0]);
        } else {
            e->nceil = 1;
            e->ceil[0] = (exam_ceil_row){1, 0, BANK_SCORE_MAX};
        }
        return true;
    }
    if (!json_is_array(v))
        return fail(c, "ceilings must be an array of [from, to|null, ceiling] rows, not %s",
                    type_name(v));
    size_t n = json_array_size(v);
    if (n == 0) return fail(c, "ceilings must have at least one row");
    if (n > EXAM_CEILINGS_MAX)
        return fail(c, "ceilings has %zu rows; at most %d", n, EXAM_CEILINGS_MAX);
    for (size_t i = 0; i < n; i++) {
        json_t *row = json_array_get(v, i);
        char what[64];
        if (!json_is_array(row) || json_array_size(row) != 3)
            return fail(c, "ceilings[%zu] must be a row [from, to|null, ceiling]", i);
        exam_ceil_row *r = &e->ceil[i];
        snprintf(what, sizeof what, "ceilings[%zu] from", i);
        if (!take_int(c, json_array_get(row, 0), what, 1, EXAM_ATTEMPTS_MAX, NULL, &r->from))
            return false;
        json_t *to = json_array_get(row, 1);
        snprintf(what, sizeof what, "ceilings[%zu] to", i);
        if (json_is_null(to)) r->to = 0;
        else if (!take_int(c, to, what, 1, EXAM_ATTEMPTS_MAX, NULL, &r->to)) return false;
        snprintf(what, sizeof what, "ceilings[%zu] ceiling", i);
        if (!take_int(c, json_array_get(row, 2), what, 0, BANK_SCORE_MAX, IN_HUNDREDTHS,
                      &r->ceiling))
            return false;
        if (r->to && r->to < r->from)
            return fail(c, "ceilings[%zu] ends (%d) before it starts (%d)", i, r->to, r->from);
        if (i > 0 && e->ceil[i - 1].to == 0)
            return fail(c, "ceilings[%zu] is open-ended (to null) but is not the last row",
                        i - 1);
        int expect = i == 0 ? 1 : e->ceil[i - 1].to + 1;
        if (r->from != expect)
            return fail(c, "ceilings[%zu] starts at attempt %d; expected %d (rows must start "
                           "at 1 and be contiguous without overlap)", i, r->from, expect);
        if (e->max_attempts > 0 && r->from > e->max_attempts)
            return fail(c, "ceilings[%zu] starts at attempt %d, after max_attempts %d", i,
                        r->from, e->max_attempts);
    }
    e->nceil = n;
    const exam_ceil_row *last = &e->ceil[n - 1];
    if (last->to != 0 && e->max_attempts == 0)
        return fail(c, "ceilings: an unlimited exam needs an open-ended last row "
                       "[from, null, ceiling]");
    if (last->to != 0 && last->to < e->max_attempts)
        return fail(c, "ceilings end at attempt %d but max_attempts is %d", last->to,
                    e->max_attempts);
    return true;
}

static bool parse_quotas(ctx *c, bank_exam *e, json_t *v)
{
    if (!json_is_object(v))
        return fail(c, "quotas must be an object {\"topic\": count}, not %s", type_name(v));
    size_t n = json_object_size(v);
    if (n == 0) return fail(c, "quotas must name at least one topic");
    if (n > ITEMS_MAX) return fail(c, "quotas names %zu topics; a form holds at most %d items",
                                   n, ITEMS_MAX);
    e->topics = calloc(n, sizeof *e->topics);
    if (!e->topics) return fail_as(c, BANK_ENOMEM, "out of memory");
    const char *key;
    json_t *q;
    long total = 0;
    json_object_foreach(v, key, q) {
        exam_topic *t = &e->topics[e->ntopics];
        char what[96], buf[48];
        if (!check_name(c, key, strlen(key), "quotas topic", false, t->id)) return false;
        snprintf(what, sizeof what, "quotas \"%s\"", shown(t->id, buf));
        if (!take_int(c, q, what, 1, ITEMS_MAX, NULL, &t->quota)) return false;
        t->section = -1;
        total += t->quota;
        e->ntopics++;
    }
    if (total > ITEMS_MAX)
        return fail(c, "quotas add up to %ld items; a form holds at most %d", total, ITEMS_MAX);
    return true;
}

static bool parse_section(ctx *c, bank_exam *e, json_t *v, size_t s)
{
    char where[32], what[64], buf[48];
    snprintf(where, sizeof where, "sections[%zu]", s);
    if (!json_is_object(v))
        return fail(c, "%s must be an object {\"id\", \"share\", \"topics\"}", where);
    snprintf(what, sizeof what, "%s: ", where);
    if (!known_keys(c, v, section_fields, what)) return false;
    for (size_t k = 0; section_fields[k]; k++)
        if (!json_object_get(v, section_fields[k]))
            return fail(c, "%s.%s is required", where, section_fields[k]);
    exam_section *sec = &e->sections[s];
    snprintf(what, sizeof what, "%s.id", where);
    if (!take_name(c, json_object_get(v, "id"), what, false, sec->id)) return false;
    for (size_t j = 0; j < s; j++)
        if (strcmp(e->sections[j].id, sec->id) == 0)
            return fail(c, "%s.id \"%s\" is used twice", where, sec->id);
    snprintf(what, sizeof what, "%s.share", where);
    if (!take_int(c, json_object_get(v, "share"), what, 1, BANK_SCORE_MAX,
                  "hundredths: write 7000 for 70 %", &sec->share))
        return false;
    json_t *list = json_object_get(v, "topics");
    if (!json_is_array(list) || json_array_size(list) == 0)
        return fail(c, "%s.topics must be a non-empty array of topic ids", where);
    for (size_t i = 0; i < json_array_size(list); i++) {
        char id[EXAM_NAME_MAX + 1];
        snprintf(what, sizeof what, "%s.topics[%zu]", where, i);
        if (!take_name(c, json_array_get(list, i), what, false, id)) return false;
        int t = exam_find_topic(e, id);
        if (t < 0) return fail(c, "%s \"%s\" has no quota in quotas", what, id);
        if (e->topics[t].section >= 0)
            return fail(c, "%s \"%s\" is already in section \"%s\"; a topic belongs to "
                           "exactly one section", what, id,
                        shown(e->sections[e->topics[t].section].id, buf));
        e->topics[t].section = (int)s;
    }
    return true;
}

static bool parse_sections(ctx *c, bank_exam *e, json_t *v)
{
    if (!v || json_is_null(v)) return true;
    if (!json_is_array(v)) return fail(c, "sections must be an array, not %s", type_name(v));
    size_t n = json_array_size(v);
    if (n == 0) return true;
    if (n > EXAM_SECTIONS_MAX)
        return fail(c, "sections has %zu entries; at most %d", n, EXAM_SECTIONS_MAX);
    int sum = 0;
    for (size_t s = 0; s < n; s++) {
        if (!parse_section(c, e, json_array_get(v, s), s)) return false;
        sum += e->sections[s].share;
        e->nsections = s + 1;
    }
    if (sum != BANK_SCORE_MAX)
        return fail(c, "sections: shares add up to %d; they must add up to 10000 (100 %%)",
                    sum);
    char buf[48];
    for (size_t i = 0; i < e->ntopics; i++)
        if (e->topics[i].section < 0)
            return fail(c, "sections: quotas topic \"%s\" is in no section",
                        shown(e->topics[i].id, buf));
    return true;
}

/* Splits every topic's quota over the bands by largest remainder; ties
 * go to the lower band. Without a mix the whole quota is EXAM_MEDIUM. */
static void split_quotas(bank_exam *e)
{
    for (size_t i = 0; i < e->ntopics; i++) {
        exam_topic *t = &e->topics[i];
        if (!e->has_mix) {
            t->band[EXAM_EASY] = t->band[EXAM_HARD] = 0;
            t->band[EXAM_MEDIUM] = t->quota;
            continue;
        }
        int left = t->quota, rem[EXAM_NBANDS];
        for (int b = 0; b < EXAM_NBANDS; b++) {
            t->band[b] = t->quota * e->mix[b] / 100;
            rem[b] = t->quota * e->mix[b] % 100;
            left -= t->band[b];
        }
        while (left-- > 0) {
            int best = 0;
            for (int b = 1; b < EXAM_NBANDS; b++)
                if (rem[b] > rem[best]) best = b;
            t->band[best]++;
            rem[best] = -1;
        }
    }
}

static bool parse_difficulty(ctx *c, bank_exam *e, json_t *v)
{
    if (!v || json_is_null(v)) return true;
    if (!json_is_object(v))
        return fail(c, "difficulty must be an object {\"easy\", \"medium\", \"hard\"}, not %s",
                    type_name(v));
    if (!known_keys(c, v, exam_band_names, "difficulty: ")) return false;
    int sum = 0;
    for (int b = 0; b < EXAM_NBANDS; b++) {
        char what[32];
        json_t *x = json_object_get(v, exam_band_names[b]);
        snprintf(what, sizeof what, "difficulty.%s", exam_band_names[b]);
        e->mix[b] = 0;
        if (x && !take_int(c, x, what, 0, 100, IN_PERCENT, &e->mix[b])) return false;
        sum += e->mix[b];
    }
    if (sum != 100)
        return fail(c, "difficulty: easy + medium + hard must be 100 (percent), not %d", sum);
    e->has_mix = true;
    return true;
}

static bool parse_root(ctx *c, bank_exam *e, json_t *root)
{
    if (!json_is_object(root)) return fail(c, "exam JSON must be an object, not %s",
                                            type_name(root));
    if (!known_keys(c, root, fields, "")) return false;
    static const char *const required[] = {"id", "title", "kind", "minutes", "quotas"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!json_object_get(root, required[i]))
            return fail(c, "missing required field \"%s\"", required[i]);
    if (!parse_kind(c, e, json_object_get(root, "kind"))) return false;
    if (!take_name(c, json_object_get(root, "id"), "id", false, e->id)) return false;
    if (!parse_title(c, e, json_object_get(root, "title"))) return false;
    json_t *v = json_object_get(root, "programme");
    if (v && !json_is_null(v) && !take_name(c, v, "programme", true, e->programme))
        return false;
    if (!take_int(c, json_object_get(root, "minutes"), "minutes", 1, MINUTES_MAX, NULL,
                  &e->minutes))
        return false;
    e->pass_mark = exam_policies[e->kind].pass_mark;
    v = json_object_get(root, "pass_mark");
    if (v && !json_is_null(v) &&
        !take_int(c, v, "pass_mark", 0, BANK_SCORE_MAX, IN_HUNDREDTHS, &e->pass_mark))
        return false;
    if (!parse_max_attempts(c, e, json_object_get(root, "max_attempts"))) return false;
    if (!parse_ceilings(c, e, json_object_get(root, "ceilings"))) return false;
    if (!parse_quotas(c, e, json_object_get(root, "quotas"))) return false;
    if (!parse_sections(c, e, json_object_get(root, "sections"))) return false;
    if (!parse_difficulty(c, e, json_object_get(root, "difficulty"))) return false;
    split_quotas(e);
    return true;
}

/* Caller frees with bank_exam_free(); NULL on error with *err and why set. */
bank_exam *bank_exam_parse(const char *json, size_t len, bank_err *err, char *why)
{
    ctx c = {why, BANK_OK};
    bank_exam *e = NULL;
    json_t *root = NULL;
    json_error_t je;
    const char *nul = json ? memchr(json, '\0', len) : NULL;
    if (why) why[0] = '\0';
    if (!json) {
        fail_as(&c, BANK_EINVAL, "no exam JSON given");
    } else if (nul) {
        int line = 1, col = 1;
        for (const char *p = json; p < nul; p++, col++)
            if (*p == '\n') line++, col = 0;
        fail_as(&c, BANK_EPARSE, "exam JSON line %d column %d: NUL byte", line, col);
    } else if (!(root = json_loadb(json, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je))) {
        fail_as(&c, BANK_EPARSE, "exam JSON line %d column %d: %s", je.line, je.column,
                je.text);
    } else if (!(e = calloc(1, sizeof *e))) {
        fail_as(&c, BANK_ENOMEM, "out of memory");
    } else if (!parse_root(&c, e, root)) {
        bank_exam_free(e);
        e = NULL;
    }
    json_decref(root);
    if (err) *err = c.err;
    return e;
}
