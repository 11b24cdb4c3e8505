/* cmd_recap.c -- `core aspects import` and `core recap`: a cohort's scores in, its recap out. */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cmd.h"
#include "recap.h"
#include "recap_io.h"
#include "clk.h"
#include "why.h"

/* The recap_input scores an aspects row may carry, by their CSV column names. */
static const struct field {
    const char *name;
    size_t off;
} FIELDS[] = {
    {"behaviour_institution", offsetof(recap_input, behaviour_institution)},
    {"behaviour_agency", offsetof(recap_input, behaviour_agency)},
    {"academic_self_paced", offsetof(recap_input, academic_self_paced)},
    {"academic_distance", offsetof(recap_input, academic_distance)},
    {"actualisation_design", offsetof(recap_input, actualisation_design)},
    {"actualisation_implementation", offsetof(recap_input, actualisation_implementation)},
    {"pktbt", offsetof(recap_input, pktbt)},
    {"absent_sessions", offsetof(recap_input, absent_sessions)},
    {"absent_jp", offsetof(recap_input, absent_jp)},
    {"absent_days", offsetof(recap_input, absent_days)},
    {"trophies", offsetof(recap_input, trophies)},
};
#define NFIELDS (sizeof FIELDS / sizeof FIELDS[0])

/* o[key] as a string, "" when absent or not a string (borrowed). */
static const char *text_of(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static int *field_of(recap_input *in, size_t i)
{
    return (int *)((char *)in + FIELDS[i].off);
}

/* One participant's given aspects as a JSON object (RECAP_NONE left out).
 * Caller frees. NULL on ENOMEM. */
static char *aspects_to_json(recap_input *in)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < NFIELDS; i++)
        if (*field_of(in, i) != RECAP_NONE)
            json_object_set_new(o, FIELDS[i].name, json_integer(*field_of(in, i)));
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return text;
}

/* Sets the fields of `in` that the stored aspects row gives. */
static void aspects_from_json(recap_input *in, const char *row_json)
{
    json_t *o = json_loads(row_json, 0, NULL);
    for (size_t i = 0; i < NFIELDS; i++) {
        json_t *v = json_object_get(o, FIELDS[i].name);
        if (json_is_integer(v)) *field_of(in, i) = (int)json_integer_value(v);
    }
    json_decref(o);
}

/* The cohort's definition: 1 found, 0 unknown, -1 error (why set). Caller decrefs *def. */
static int cohort_def(store *st, const char *cohort, json_t **def, char *why)
{
    char *text = NULL;
    *def = NULL;
    int found = store_cohort_get(st, cohort, &text, why);
    if (found == 1) {
        *def = json_loads(text, 0, NULL);
        if (!json_is_array(json_object_get(*def, "roster"))) {
            snprintf(why, WHY_SIZE, "the stored definition of cohort %.64s has no roster", cohort);
            json_decref(*def);
            *def = NULL;
            found = -1;
        }
    }
    free(text);
    return found;
}

/* True when nip is on the definition's roster. */
static bool on_roster(json_t *def, const char *nip)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(def, "roster"), i, p) {
        const char *s = json_string_value(json_object_get(p, "nip"));
        if (s && strcmp(s, nip) == 0) return true;
    }
    return false;
}

int cmd_aspects(const char *db, int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[0], "import") != 0)
        return cmd_usage("aspects import COHORT FILE.csv");
    char why[WHY_SIZE] = "";
    size_t len = 0, n = 0;
    char *text = cmd_read_file(argv[2], CMD_FILE_MAX, &len, why);
    if (!text) return cmd_fail("%s", why);
    recap_input *rows = NULL;
    int rc = recap_parse_aspects_csv(text, len, &rows, &n, why);
    free(text);
    if (rc) return cmd_fail("%.200s: %s", argv[2], why);
    cmd_env env;
    json_t *def = NULL;
    if (cmd_open(db, false, &env)) {
        free(rows);
        return 1;
    }
    int found = cohort_def(env.st, argv[1], &def, why);
    if (found == 0) rc = cmd_fail("cohort %.64s is not known: core cohort add first", argv[1]);
    else if (found < 0) rc = cmd_fail("%s", why);
    for (size_t i = 0; !rc && i < n; i++)
        if (!on_roster(def, rows[i].nip))
            rc = cmd_fail("%.200s: NIP %s is not on the roster of cohort %.64s", argv[2],
                          rows[i].nip, argv[1]);
    for (size_t i = 0; !rc && i < n; i++) {
        char *row = aspects_to_json(&rows[i]);
        if (!row) rc = cmd_fail("out of memory");
        else if (store_aspects_put(env.st, argv[1], rows[i].nip, row, why))
            rc = cmd_fail("cohort %.64s, NIP %s: %s", argv[1], rows[i].nip, why);
        free(row);
    }
    json_decref(def);
    cmd_close(&env);
    free(rows);
    if (!rc) printf("aspects of %zu participants imported into cohort %s\n", n, argv[1]);
    return rc;
}

/* The stored aspects, merged into the roster's rows. */
typedef struct merge {
    recap_input *in;
    size_t n;
} merge;

static int merge_aspects(const char *nip, const char *row_json, void *arg)
{
    merge *m = arg;
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->in[i].nip, nip) == 0) aspects_from_json(&m->in[i], row_json);
    return 0;
}

/* Overwrites *score with nip's best awarded score at `exam` when the core holds one. */
static int kiosk_score(store *st, json_t *exam, const char *nip, int *score, bool *passed,
                       char *why)
{
    int awarded = 0;
    bool pass = false;
    if (!json_is_string(exam)) return 0;
    int found = store_best(st, json_string_value(exam), nip, &awarded, &pass, why);
    if (found == 1) {
        if (score) *score = awarded;
        if (passed) *passed = pass;
    }
    return found < 0 ? -1 : 0;
}

/* Builds the rows of a cohort: roster, imported aspects, kiosk results.
 * Caller frees *in. -1 with why. */
static int build_inputs(store *st, const char *cohort, json_t *def, recap_input **in, size_t *n,
                        char *why)
{
    json_t *roster = json_object_get(def, "roster"), *p;
    json_t *ac = json_object_get(def, "academic"), *rpl = json_object_get(def, "rpl");
    size_t i, count = json_array_size(roster);
    recap_input *v = calloc(count ? count : 1, sizeof *v);
    if (!v) {
        snprintf(why, WHY_SIZE, "out of memory");
        return -1;
    }
    json_array_foreach(roster, i, p) {
        recap_input *r = &v[i];
        for (size_t k = 0; k < NFIELDS; k++) *field_of(r, k) = RECAP_NONE;
        snprintf(r->nip, sizeof r->nip, "%s", text_of(p, "nip"));
        snprintf(r->name, sizeof r->name, "%s",
                 text_of(p, "name"));
    }
    merge m = {v, count};
    int rc = store_aspects_each(st, cohort, merge_aspects, &m, why);
    for (i = 0; !rc && i < count; i++) {
        bool exempt = false;
        rc = kiosk_score(st, json_object_get(ac, "self_paced"), v[i].nip,
                         &v[i].academic_self_paced, NULL, why);
        if (!rc)
            rc = kiosk_score(st, json_object_get(ac, "distance"), v[i].nip,
                             &v[i].academic_distance, NULL, why);
        if (!rc) rc = kiosk_score(st, rpl, v[i].nip, NULL, &exempt, why);
        v[i].rpl_exempt = exempt;
    }
    if (rc) {
        free(v);
        return -1;
    }
    *in = v;
    *n = count;
    return 0;
}

/* Serialises recap computations of this process, so two requests never
 * both compute "run 1" side by side. */
static pthread_mutex_t recap_mu = PTHREAD_MUTEX_INITIALIZER;

/* Computes, stores and returns a new run (caller frees). NULL with status. */
static char *new_run(store *st, const char *cohort, int *run, int *status, char *code, char *why)
{
    json_t *def = NULL;
    int found = cohort_def(st, cohort, &def, why);
    if (found <= 0) {
        *status = found == 0 ? 404 : 500;
        snprintf(code, 32, "%s", found == 0 ? "unknown-cohort" : "server-error");
        if (found == 0) snprintf(why, WHY_SIZE, "cohort %.64s is not known", cohort);
        return NULL;
    }
    recap_input *in = NULL;
    recap_row *rows = NULL;
    size_t n = 0;
    char *json = NULL, *latest = NULL;
    int last = 0;
    if (build_inputs(st, cohort, def, &in, &n, why) == 0 &&
        (rows = calloc(n ? n : 1, sizeof *rows)) != NULL &&
        store_recap_get(st, cohort, 0, &latest, &last, why) >= 0) {
        for (size_t i = 0; i < n; i++) recap_compute(&in[i], &rows[i]);
        json = recap_json(cohort, last + 1, in, rows, n);
        if (!json) snprintf(why, WHY_SIZE, "the recap cannot be written (memory or UTF-8)");
        else if (store_recap_add(st, cohort, json, clk_wall_ms(), run, why) != 0) {
            free(json);
            json = NULL;
        }
    } else if (!rows && in) {
        snprintf(why, WHY_SIZE, "out of memory");
    }
    if (!json) {
        *status = 500;
        snprintf(code, 32, "server-error");
    }
    free(latest);
    free(rows);
    free(in);
    json_decref(def);
    return json;
}

char *cmd_recap_json(store *st, const char *cohort, bool rerun, int *run, int *status,
                     char *code, char *why)
{
    char *json = NULL;
    pthread_mutex_lock(&recap_mu);
    int found = rerun ? 0 : store_recap_get(st, cohort, 0, &json, run, why);
    if (found < 0) {
        *status = 500;
        snprintf(code, 32, "server-error");
    } else if (found == 0) {
        json = new_run(st, cohort, run, status, code, why);
    }
    pthread_mutex_unlock(&recap_mu);
    return json;
}

/* The CSV of a stored recap run, rebuilt from its JSON rows. Caller frees. */
static char *json_to_csv(const char *json, char *why)
{
    json_t *o = json_loads(json, 0, NULL), *parts = json_object_get(o, "participants"), *p;
    size_t n = json_array_size(parts), i;
    recap_input *in = calloc(n ? n : 1, sizeof *in);
    recap_row *rows = calloc(n ? n : 1, sizeof *rows);
    char *csv = NULL;
    if (!json_is_array(parts) || !in || !rows) {
        snprintf(why, WHY_SIZE, "the stored recap cannot be read");
        goto out;
    }
    json_array_foreach(parts, i, p) {
        static const char *const keys[] = {"behaviour_institution", "attitude", "academic",
                                           "actualisation", "pktbt", "final"};
        int *cells[] = {&rows[i].behaviour_institution, &rows[i].attitude, &rows[i].academic,
                        &rows[i].actualisation, &rows[i].pktbt, &rows[i].final};
        snprintf(in[i].nip, sizeof in[i].nip, "%s", text_of(p, "nip"));
        snprintf(in[i].name, sizeof in[i].name, "%s",
                 text_of(p, "name"));
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            json_t *v = json_object_get(p, keys[k]);
            *cells[k] = json_is_integer(v) ? (int)json_integer_value(v) : RECAP_NONE;
        }
        const char *outcome = text_of(p, "outcome");
        rows[i].outcome = RECAP_INCOMPLETE;
        for (int k = RECAP_PASSED; k <= RECAP_INCOMPLETE; k++)
            if (strcmp(outcome, recap_outcome_name((recap_outcome)k)) == 0)
                rows[i].outcome = (recap_outcome)k;
        snprintf(rows[i].rule, sizeof rows[i].rule, "%s",
                 text_of(p, "rule"));
    }
    csv = recap_csv(text_of(o, "cohort"),
                    (int)json_integer_value(json_object_get(o, "run")), in, rows, n);
    if (!csv) snprintf(why, WHY_SIZE, "out of memory");
out:
    free(in);
    free(rows);
    json_decref(o);
    return csv;
}

int cmd_recap(const char *db, int argc, char **argv)
{
    static const char use[] = "recap COHORT --csv|--json [--rerun]";
    const char *cohort = NULL;
    int format = 0;  /* 1 csv, 2 json */
    bool rerun = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--csv") == 0 && !format) format = 1;
        else if (strcmp(argv[i], "--json") == 0 && !format) format = 2;
        else if (strcmp(argv[i], "--rerun") == 0 && !rerun) rerun = true;
        else if (argv[i][0] != '-' && !cohort) cohort = argv[i];
        else return cmd_usage(use);
    }
    if (!cohort || !format) return cmd_usage(use);
    cmd_env env;
    if (cmd_open(db, false, &env)) return 1;
    char why[WHY_SIZE] = "", code[32] = "";
    int run = 0, status = 0;
    char *json = cmd_recap_json(env.st, cohort, rerun, &run, &status, code, why);
    char *out = json && format == 1 ? json_to_csv(json, why) : json;
    cmd_close(&env);
    int rc = 0;
    if (!out) rc = cmd_fail("recap of %.64s: %s", cohort, why);
    else if (fputs(out, stdout) < 0 || (format == 2 && putchar('\n') == EOF) || fflush(stdout))
        rc = cmd_fail("cannot write the recap");
    if (out != json) free(out);
    free(json);
    return rc;
}
