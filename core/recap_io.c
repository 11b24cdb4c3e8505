/* recap_io.c -- reads the aspects CSV of a cohort and writes its recap as JSON and CSV. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bank.h"
#include "csv.h"
#include "num.h"
#include "recap_io.h"
#include "text.h"
#include "why.h"

/* ------------------------------------------------------------------ */
/* Reading the aspects CSV                                             */

const recap_column RECAP_COLUMNS[] = {
    {"nip", RECAP_COL_NIP, offsetof(recap_input, nip)},
    {"name", RECAP_COL_NAME, offsetof(recap_input, name)},
    {"behaviour_institution", RECAP_COL_SCORE, offsetof(recap_input, behaviour_institution)},
    {"behaviour_agency", RECAP_COL_SCORE, offsetof(recap_input, behaviour_agency)},
    {"academic_self_paced", RECAP_COL_SCORE, offsetof(recap_input, academic_self_paced)},
    {"academic_distance", RECAP_COL_SCORE, offsetof(recap_input, academic_distance)},
    {"actualisation_design", RECAP_COL_SCORE, offsetof(recap_input, actualisation_design)},
    {"actualisation_implementation", RECAP_COL_SCORE,
     offsetof(recap_input, actualisation_implementation)},
    {"pktbt", RECAP_COL_SCORE, offsetof(recap_input, pktbt)},
    {"absent_sessions", RECAP_COL_COUNT, offsetof(recap_input, absent_sessions)},
    {"absent_jp", RECAP_COL_COUNT, offsetof(recap_input, absent_jp)},
    {"absent_days", RECAP_COL_COUNT, offsetof(recap_input, absent_days)},
    {"trophies", RECAP_COL_TROPHIES, offsetof(recap_input, trophies)},
};
#define NCOLUMNS (sizeof RECAP_COLUMNS / sizeof RECAP_COLUMNS[0])
const size_t RECAP_NCOLUMNS = NCOLUMNS;
#define COUNT_MAX 100000  /* no absence or trophy count comes near */

/* The int of column c in `in`. */
static int *column_int(recap_input *in, const recap_column *c)
{
    return (int *)((char *)in + c->off);
}

void recap_input_init(recap_input *in, const char *nip, const char *name)
{
    memset(in, 0, sizeof *in);
    snprintf(in->nip, sizeof in->nip, "%s", nip ? nip : "");
    snprintf(in->name, sizeof in->name, "%s", name ? name : "");
    for (size_t i = 0; i < NCOLUMNS; i++)
        if (RECAP_COLUMNS[i].kind >= RECAP_COL_SCORE) *column_int(in, &RECAP_COLUMNS[i]) = RECAP_NONE;
}

/* Caller frees. */
char *recap_aspects_json(const recap_input *in)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < NCOLUMNS; i++) {
        if (RECAP_COLUMNS[i].kind < RECAP_COL_SCORE) continue;
        int v = *column_int((recap_input *)in, &RECAP_COLUMNS[i]);
        if (v != RECAP_NONE && json_object_set_new(o, RECAP_COLUMNS[i].name, json_integer(v))) {
            json_decref(o);
            return NULL;
        }
    }
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return text;
}

/* The largest value of a column of kind k. */
static int column_max(recap_col_kind k)
{
    return k == RECAP_COL_SCORE ? 10000 : k == RECAP_COL_TROPHIES ? 50 : COUNT_MAX;
}

int recap_aspects_from_json(recap_input *in, const char *row_json, char *why)
{
    json_t *o = json_loads(row_json, 0, NULL);
    int rc = json_is_object(o) ? 0 : why_set(why, "the stored aspects of %s cannot be read", in->nip);
    for (size_t i = 0; !rc && i < NCOLUMNS; i++) {
        const recap_column *c = &RECAP_COLUMNS[i];
        json_t *v = json_object_get(o, c->name);
        if (c->kind < RECAP_COL_SCORE || !v) continue;
        if (!num_json_int(v, 0, column_max(c->kind), column_int(in, c)))
            rc = why_set(why, "the stored aspects of %s: %s is not a number from 0 to %d",
                         in->nip, c->name, column_max(c->kind));
    }
    json_decref(o);
    return rc;
}

/* Strips spaces and tabs from both ends of s in place; returns s. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = '\0';
    return s;
}

/* "85", "85.5", "85,50" -> hundredths in *out. False unless it is digits,
 * optionally a dot or comma and one or two digits, from 0 to 100. */
static bool parse_score(const char *s, int *out)
{
    long whole = 0;
    int nd = 0;
    for (; *s >= '0' && *s <= '9'; s++, nd++) {
        if (nd >= 3) return false;
        whole = whole * 10 + (*s - '0');
    }
    if (nd == 0) return false;
    long frac = 0;
    if (*s == '.' || *s == ',') {
        s++;
        int fd = 0;
        for (; *s >= '0' && *s <= '9'; s++, fd++) {
            if (fd >= 2) return false;
            frac = frac * 10 + (*s - '0');
        }
        if (fd == 0) return false;
        if (fd == 1) frac *= 10;
    }
    if (*s) return false;
    long v = whole * 100 + frac;
    if (v > BANK_SCORE_MAX) return false;
    *out = (int)v;
    return true;
}

/* A whole number 0..COUNT_MAX written in digits only. */
static bool parse_count(const char *s, int *out)
{
    long v = 0;
    if (!*s) return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return false;
        v = v * 10 + (*s - '0');
        if (v > COUNT_MAX) return false;
    }
    *out = (int)v;
    return true;
}

/* Reads the header: map[i] is the column of field i. False with why set. */
static bool read_header(char **f, size_t nf, int line, const recap_column **map, char *why)
{
    bool seen[NCOLUMNS] = {false};
    for (size_t i = 0; i < nf; i++) {
        const char *h = trim(f[i]);
        size_t c = 0;
        while (c < NCOLUMNS && strcasecmp(h, RECAP_COLUMNS[c].name) != 0) c++;
        if (c == NCOLUMNS) {
            why_set(why, "line %d: unknown column '%.60s'", line, h);
            return false;
        }
        if (seen[c]) {
            why_set(why, "line %d: column '%s' appears twice", line, RECAP_COLUMNS[c].name);
            return false;
        }
        seen[c] = true;
        map[i] = &RECAP_COLUMNS[c];
    }
    if (!seen[0]) {
        why_set(why, "line %d: the header has no nip column", line);
        return false;
    }
    return true;
}

/* Fills one field of r from cell text v. False with why set. */
static bool read_cell(recap_input *r, const recap_column *c, char *v, int line, char *why)
{
    v = trim(v);
    int *dst = column_int(r, c);
    switch (c->kind) {
    case RECAP_COL_NIP:
        if (!bank_nip_valid(v)) {
            why_set(why, "line %d: '%.40s' is not a valid 18-digit NIP", line, v);
            return false;
        }
        memcpy(r->nip, v, 19);
        return true;
    case RECAP_COL_NAME:
        if (strlen(v) >= sizeof r->name || text_has_control(v)) {
            why_set(why, "line %d: name must be at most 120 bytes of text on one line", line);
            return false;
        }
        memcpy(r->name, v, strlen(v) + 1);
        return true;
    case RECAP_COL_SCORE:
        if (!*v) return true;
        if (!parse_score(v, dst)) {
            why_set(why, "line %d: %s '%.30s' is not a score from 0 to 100 with at most two "
                    "decimals", line, c->name, v);
            return false;
        }
        return true;
    case RECAP_COL_COUNT:
    case RECAP_COL_TROPHIES:
        if (!*v) return true;
        if (!parse_count(v, dst)) {
            why_set(why, "line %d: %s '%.30s' is not a whole number of at least 0", line,
                    c->name, v);
            return false;
        }
        if (c->kind == RECAP_COL_TROPHIES && *dst > 50) {
            why_set(why, "line %d: %d trophies, more than the 50 that can be earned", line,
                    *dst);
            return false;
        }
        return true;
    }
    return false;
}

/* Borrows `csv`; on success the caller frees *rows with free(). */
int recap_parse_aspects_csv(const char *csv, size_t len, recap_input **rows, size_t *n,
                            char *why)
{
    if (!rows || !n) {
        why_set(why, "line 1: nowhere to put the rows");
        return -1;
    }
    *rows = NULL;
    *n = 0;
    csv_reader r;
    csv_init(&r, csv, len);
    char **f, bwhy[WHY_SIZE] = "";
    size_t nf, ncols = 0, count = 0, cap = 0;
    const recap_column **map = NULL;
    recap_input *v = NULL;
    int *lines = NULL;
    int rc = csv_next(&r, &f, &nf, bwhy);
    if (rc < 0) goto bad_csv;
    if (rc == 0) {
        why_set(why, "line 1: empty file: expected a header row naming nip and the scores");
        goto fail;
    }
    ncols = nf;
    map = calloc(ncols, sizeof *map);
    if (!map) goto oom;
    if (!read_header(f, nf, r.line, map, why)) goto fail;
    while ((rc = csv_next(&r, &f, &nf, bwhy)) > 0) {
        if (nf != ncols) {
            why_set(why, "line %d: %zu fields, but the header has %zu", r.line, nf, ncols);
            goto fail;
        }
        if (count == RECAP_MAX_ROWS) {
            why_set(why, "line %d: at most %d participants", r.line, RECAP_MAX_ROWS);
            goto fail;
        }
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            recap_input *nv = realloc(v, cap * sizeof *nv);
            int *nl = realloc(lines, cap * sizeof *nl);
            if (nv) v = nv;
            if (nl) lines = nl;
            if (!nv || !nl) goto oom;
        }
        recap_input *p = &v[count];
        recap_input_init(p, "", "");
        for (size_t i = 0; i < nf; i++)
            if (!read_cell(p, map[i], f[i], r.line, why)) goto fail;
        for (size_t i = 0; i < count; i++)
            if (strcmp(v[i].nip, p->nip) == 0) {
                why_set(why, "line %d: NIP %s appears twice (also on line %d)", r.line, p->nip,
                        lines[i]);
                goto fail;
            }
        lines[count++] = r.line;
    }
    if (rc < 0) goto bad_csv;
    if (count == 0) {
        why_set(why, "line %d: no participant rows after the header", r.next_line);
        goto fail;
    }
    csv_free(&r);
    free(map);
    free(lines);
    *rows = v;
    *n = count;
    return 0;
bad_csv:
    why_set(why, "%s", bwhy);
    goto fail;
oom:
    why_set(why, "line %d: out of memory", r.line);
fail:
    csv_free(&r);
    free(map);
    free(lines);
    free(v);
    return -1;
}

/* ------------------------------------------------------------------ */
/* Writing the recap                                                   */

/* A score in hundredths as a JSON integer, or null. */
static json_t *j_score(int v) { return v == RECAP_NONE ? json_null() : json_integer(v); }

/* The band of a score as a JSON string, or null. */
static json_t *j_band(int v) { return v == RECAP_NONE ? json_null() : json_string(bank_band(v)); }

/* Sets o[k] to v (stolen); false when v is NULL or the set fails. */
static bool put(json_t *o, const char *k, json_t *v)
{
    return v && json_object_set_new(o, k, v) == 0;
}

/* The disputable exams, by the name the recap gives them. */
static const struct {
    unsigned bit;
    const char *name;
} DISPUTABLE[] = {
    {RECAP_DISPUTED_SELF_PACED, "self_paced"},
    {RECAP_DISPUTED_DISTANCE, "distance"},
    {RECAP_DISPUTED_RPL, "rpl"},
};
#define NDISPUTABLE (sizeof DISPUTABLE / sizeof DISPUTABLE[0])

/* The exams of `disputed` as a JSON array of names; NULL on ENOMEM. */
static json_t *j_disputed(unsigned disputed)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < NDISPUTABLE; i++)
        if ((disputed & DISPUTABLE[i].bit) && json_array_append_new(a, json_string(DISPUTABLE[i].name))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

/* One participant's object; NULL on ENOMEM or bad UTF-8. Caller decrefs. */
static json_t *participant_json(const recap_input *in, const recap_row *r)
{
    json_t *o = json_object(), *b = json_object();
    bool ok = o && b && put(o, "nip", json_string(in->nip)) &&
              put(o, "name", json_string(in->name)) &&
              put(o, "academic_self_paced", j_score(in->academic_self_paced)) &&
              put(o, "academic_distance", j_score(in->academic_distance)) &&
              put(o, "disputed", j_disputed(in->disputed)) &&
              put(o, "accommodations",
                  json_pack("{s:b, s:i}", "read_aloud", in->read_aloud, "extra_minutes",
                            in->extra_minutes)) &&
              put(o, "behaviour_institution", j_score(r->behaviour_institution)) &&
              put(o, "attitude", j_score(r->attitude)) &&
              put(o, "academic", j_score(r->academic)) &&
              put(o, "actualisation", j_score(r->actualisation)) &&
              put(o, "pktbt", j_score(r->pktbt)) && put(o, "final", j_score(r->final)) &&
              put(b, "attitude", j_band(r->attitude)) &&
              put(b, "academic", j_band(r->academic)) &&
              put(b, "actualisation", j_band(r->actualisation)) &&
              put(b, "pktbt", j_band(r->pktbt)) && put(b, "final", j_band(r->final));
    if (ok) {
        ok = put(o, "bands", b);
        b = NULL;
    }
    ok = ok && put(o, "outcome", json_string(recap_outcome_name(r->outcome))) &&
         put(o, "rule", json_string(r->rule));
    json_decref(b);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Borrows every argument; caller frees the result with free(). */
char *recap_json(const char *cohort_id, int run, const recap_input *in, const recap_row *rows,
                 size_t n)
{
    if (!cohort_id || (n && (!in || !rows))) return NULL;
    static const recap_outcome order[] = {RECAP_PASSED, RECAP_DEFERRED, RECAP_FAILED,
                                          RECAP_EXEMPT, RECAP_INCOMPLETE};
    size_t counts[5] = {0}, disputed = 0;
    json_t *root = json_object(), *list = json_array(), *sum = json_object();
    bool ok = root && list && sum && put(root, "cohort", json_string(cohort_id)) &&
              put(root, "run", run > 0 ? json_integer(run) : json_null()) &&
              put(root, "preview", json_boolean(run <= 0));
    for (size_t i = 0; ok && i < n; i++) {
        json_t *p = participant_json(&in[i], &rows[i]);
        ok = p && json_array_append_new(list, p) == 0;
        for (size_t k = 0; k < 5; k++)
            if (rows[i].outcome == order[k]) counts[k]++;
        if (in[i].disputed) disputed++;
    }
    for (size_t k = 0; ok && k < 5; k++)
        ok = put(sum, recap_outcome_name(order[k]), json_integer((json_int_t)counts[k]));
    ok = ok && put(sum, "disputed", json_integer((json_int_t)disputed));
    if (ok) {
        ok = put(root, "participants", list);
        list = NULL;
    }
    if (ok) {
        ok = put(root, "summary", sum);
        sum = NULL;
    }
    char *s = ok ? json_dumps(root, JSON_COMPACT) : NULL;
    json_decref(list);
    json_decref(sum);
    json_decref(root);
    return s;
}

/* A score cell "85.50", empty for RECAP_NONE (or any negative value). */
static void score_cell(sbuf *b, int v)
{
    char t[16] = "";
    if (v >= 0) snprintf(t, sizeof t, "%d.%02d", v / 100, v % 100);
    csv_cell(b, t, false);
}

/* Borrows every argument; caller frees the result with free(). */
char *recap_csv(const char *cohort_id, int run, const recap_input *in, const recap_row *rows,
                size_t n)
{
    if (!cohort_id || (n && (!in || !rows))) return NULL;
    static const char header[] =
        "cohort,run,nip,name,behaviour_institution,attitude,academic,actualisation,pktbt,final,"
        "attitude_band,academic_band,actualisation_band,pktbt_band,final_band,outcome,rule,"
        "academic_self_paced,academic_distance,disputed,read_aloud,extra_minutes\n";
    sbuf b = {0};
    sbuf_add(&b, header, sizeof header - 1);
    char runs[16] = "preview";
    if (run > 0) snprintf(runs, sizeof runs, "%d", run);
    for (size_t i = 0; i < n; i++) {
        const recap_row *r = &rows[i];
        csv_cell(&b, cohort_id, true);
        csv_cell(&b, runs, false);
        csv_cell(&b, in[i].nip, false);
        char name[sizeof in[i].name + 1];
        bool formula = strchr("=+-@", in[i].name[0]) && in[i].name[0];
        snprintf(name, sizeof name, "%s%s", formula ? "'" : "", in[i].name);
        csv_cell(&b, name, false);
        const int v[] = {r->behaviour_institution, r->attitude, r->academic,
                         r->actualisation, r->pktbt, r->final};
        for (size_t k = 0; k < 6; k++) score_cell(&b, v[k]);
        for (size_t k = 1; k < 6; k++) csv_cell(&b, v[k] < 0 ? "" : bank_band(v[k]), false);
        csv_cell(&b, recap_outcome_name(r->outcome), false);
        csv_cell(&b, r->rule, false);
        score_cell(&b, in[i].academic_self_paced);
        score_cell(&b, in[i].academic_distance);
        char exams[64] = "";
        for (size_t k = 0; k < NDISPUTABLE; k++)
            if (in[i].disputed & DISPUTABLE[k].bit)
                snprintf(exams + strlen(exams), sizeof exams - strlen(exams), "%s%s",
                         exams[0] ? " " : "", DISPUTABLE[k].name);
        csv_cell(&b, exams, false);
        char extra[16] = "";
        if (in[i].extra_minutes > 0) snprintf(extra, sizeof extra, "%d", in[i].extra_minutes);
        csv_cell(&b, in[i].read_aloud ? "yes" : "", false);
        csv_cell(&b, extra, false);
        sbuf_add(&b, "\n", 1);
    }
    return sbuf_take(&b, NULL);
}

/* o[key] as a string, "" when absent or not a string (borrowed). */
static const char *text_of(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* A score of o[key] (hundredths), or RECAP_NONE when absent or null;
 * *bad set when it is there but no score. */
static int score_of(json_t *o, const char *key, bool *bad)
{
    json_t *v = json_object_get(o, key);
    int x = RECAP_NONE;
    if (v && !json_is_null(v) && !num_json_int(v, 0, 10000, &x)) *bad = true;
    return x;
}

/* Caller frees. */
char *recap_csv_of_json(const char *json, char *why)
{
    json_t *o = json_loads(json, 0, NULL), *parts = json_object_get(o, "participants"), *p;
    size_t n = json_array_size(parts), i;
    recap_input *in = calloc(n ? n : 1, sizeof *in);
    recap_row *rows = calloc(n ? n : 1, sizeof *rows);
    char *csv = NULL;
    json_t *jrun = json_object_get(o, "run");
    int run = 0; /* a preview's is null */
    bool bad = jrun && !json_is_null(jrun) && !num_json_int(jrun, 1, 1000000, &run);
    if (!json_is_array(parts) || !json_is_string(json_object_get(o, "cohort")) || !in || !rows) {
        why_set(why, "%s", in && rows ? "the recap cannot be read" : "out of memory");
        goto out;
    }
    json_array_foreach(parts, i, p) {
        recap_row *r = &rows[i];
        recap_input_init(&in[i], text_of(p, "nip"), text_of(p, "name"));
        in[i].academic_self_paced = score_of(p, "academic_self_paced", &bad);
        in[i].academic_distance = score_of(p, "academic_distance", &bad);
        size_t k;
        json_t *d;
        json_array_foreach(json_object_get(p, "disputed"), k, d)
            for (size_t x = 0; x < NDISPUTABLE; x++)
                if (json_is_string(d) && strcmp(json_string_value(d), DISPUTABLE[x].name) == 0)
                    in[i].disputed |= DISPUTABLE[x].bit;
        json_t *acc = json_object_get(p, "accommodations");
        json_t *xm = json_object_get(acc, "extra_minutes");
        in[i].read_aloud = json_is_true(json_object_get(acc, "read_aloud"));
        if (xm && !num_json_int(xm, 0, BANK_EXTRA_MINUTES_MAX, &in[i].extra_minutes)) bad = true;
        r->behaviour_institution = score_of(p, "behaviour_institution", &bad);
        r->attitude = score_of(p, "attitude", &bad);
        r->academic = score_of(p, "academic", &bad);
        r->actualisation = score_of(p, "actualisation", &bad);
        r->pktbt = score_of(p, "pktbt", &bad);
        r->final = score_of(p, "final", &bad);
        r->outcome = RECAP_INCOMPLETE;
        for (int x = RECAP_PASSED; x <= RECAP_INCOMPLETE; x++)
            if (strcmp(text_of(p, "outcome"), recap_outcome_name((recap_outcome)x)) == 0)
                r->outcome = (recap_outcome)x;
        snprintf(r->rule, sizeof r->rule, "%s", text_of(p, "rule"));
    }
    if (bad) {
        why_set(why, "the recap holds a score that is not a number from 0 to 10000 hundredths,"
                " or a run that is not one from 1");
        goto out;
    }
    csv = recap_csv(text_of(o, "cohort"), run, in, rows, n);
    if (!csv) why_set(why, "out of memory");
out:
    free(in);
    free(rows);
    json_decref(o);
    return csv;
}
