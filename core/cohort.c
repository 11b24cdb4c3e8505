/* cohort.c -- a cohort's recap from its roster, imported aspects and kiosk results: previews and recorded runs. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cohort.h"
#include "log.h"
#include "recap.h"
#include "recap_io.h"
#include "why.h"

/* Fills e. Returns NULL, for the callers' convenience. */
__attribute__((format(printf, 4, 5)))
static char *refuse(cohort_err *e, int status, const char *code, const char *fmt, ...)
{
    e->status = status;
    snprintf(e->code, sizeof e->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    why_vset(e->why, fmt, ap);
    va_end(ap);
    return NULL;
}

/* The cohort's definition with its roster: 1 found, 0 unknown, -1 error
 * (why set). Caller decrefs *def. */
static int cohort_def(store *st, const char *cohort, json_t **def, char *why)
{
    char *text = NULL;
    *def = NULL;
    int found = store_cohort_get(st, cohort, &text, why);
    if (found == 1) {
        *def = json_loads(text, 0, NULL);
        if (!json_is_array(json_object_get(*def, "roster"))) {
            why_set(why, "the stored definition of cohort %.64s has no roster", cohort);
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

int cohort_aspects_import(store *st, const char *cohort, const char *csv, size_t len, size_t *n,
                          char *why)
{
    recap_input *rows = NULL;
    *n = 0;
    if (recap_parse_aspects_csv(csv, len, &rows, n, why)) return -1;
    json_t *def = NULL;
    int found = cohort_def(st, cohort, &def, why), rc = found == 1 ? 0 : -1;
    if (found == 0) why_set(why, "cohort %.64s is not known: core cohort add first", cohort);
    for (size_t i = 0; !rc && i < *n; i++)
        if (!on_roster(def, rows[i].nip)) {
            why_set(why, "NIP %s is not on the roster of cohort %.64s", rows[i].nip, cohort);
            rc = -1;
        }
    for (size_t i = 0; !rc && i < *n; i++) {
        char *row = recap_aspects_json(&rows[i]);
        if (!row) {
            why_set(why, "out of memory");
            rc = -1;
        } else if (store_aspects_put(st, cohort, rows[i].nip, row, why)) {
            rc = -1;
        }
        free(row);
    }
    json_decref(def);
    free(rows);
    return rc;
}

/* The stored aspects, merged into the roster's rows. */
typedef struct merge {
    recap_input *in;
    size_t n;
    char why[WHY_SIZE]; /* why a row was refused (the store then says only "stopped") */
} merge;

static int merge_aspects(const char *nip, const char *row_json, void *arg)
{
    merge *m = arg;
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->in[i].nip, nip) == 0 && recap_aspects_from_json(&m->in[i], row_json, m->why))
            return -1;
    return 0;
}

/* Takes nip's best score at exam (a string of the definition, or absent)
 * into *score and *passed when the core holds one; when an attempt of it
 * is disputed (two different records, not yet resolved) it takes none and
 * marks the exam disputed (bit): the recap says so instead of a score. */
static int kiosk_score(store *st, json_t *exam, recap_input *in, int *score, bool *passed,
                       unsigned bit, char *why)
{
    int awarded = 0, disputes = 0;
    bool pass = false;
    store_acc acc = {false, 0};
    if (!json_is_string(exam)) return 0;
    int found =
        store_best(st, json_string_value(exam), in->nip, &awarded, &pass, &disputes, &acc, why);
    if (found == 1 && disputes == 0) {
        if (score) *score = awarded;
        if (passed) *passed = pass;
        in->read_aloud |= acc.read_aloud;
        if (acc.extra_minutes > in->extra_minutes) in->extra_minutes = acc.extra_minutes;
    }
    if (disputes > 0) {  /* not even a score imported for the exam stands in */
        in->disputed |= bit;
        if (score) *score = RECAP_NONE;
        if (passed) *passed = false;
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
        why_set(why, "out of memory");
        return -1;
    }
    json_array_foreach(roster, i, p)
        recap_input_init(&v[i], json_string_value(json_object_get(p, "nip")),
                         json_string_value(json_object_get(p, "name")));
    merge m = {v, count, ""};
    int rc = store_aspects_each(st, cohort, merge_aspects, &m, why);
    if (rc && m.why[0]) why_set(why, "%s", m.why);
    for (i = 0; !rc && i < count; i++) {
        rc = kiosk_score(st, json_object_get(ac, "self_paced"), &v[i], &v[i].academic_self_paced,
                         NULL, RECAP_DISPUTED_SELF_PACED, why);
        if (!rc)
            rc = kiosk_score(st, json_object_get(ac, "distance"), &v[i], &v[i].academic_distance,
                             NULL, RECAP_DISPUTED_DISTANCE, why);
        if (!rc) rc = kiosk_score(st, rpl, &v[i], NULL, &v[i].rpl_exempt, RECAP_DISPUTED_RPL, why);
    }
    if (rc) {
        free(v);
        return -1;
    }
    *in = v;
    *n = count;
    return 0;
}

/* The recap computed now, as recap_json writes a preview. */
static char *compute(store *st, const char *cohort, cohort_err *e)
{
    json_t *def = NULL;
    int found = cohort_def(st, cohort, &def, e->why);
    if (found == 0) return refuse(e, 404, "unknown-cohort", "cohort %.64s is not known", cohort);
    if (found < 0) return refuse(e, 500, "server-error", "%s", e->why);
    recap_input *in = NULL;
    recap_row *rows = NULL;
    size_t n = 0;
    char *json = NULL;
    if (build_inputs(st, cohort, def, &in, &n, e->why) != 0)
        refuse(e, 500, "server-error", "%s", e->why);
    else if (!(rows = calloc(n ? n : 1, sizeof *rows)))
        refuse(e, 500, "server-error", "out of memory");
    if (rows) {
        for (size_t i = 0; i < n; i++) recap_compute(&in[i], &rows[i]);
        json = recap_json(cohort, 0, in, rows, n);
        if (!json) refuse(e, 500, "server-error", "the recap cannot be written (memory or UTF-8)");
    }
    free(rows);
    free(in);
    json_decref(def);
    return json;
}

char *cohort_recap_preview(store *st, const char *cohort, cohort_err *e)
{
    return compute(st, cohort, e);
}

/* The JSON of a recorded run: the stored text with its number, which the
 * store keeps in its own column. Caller frees. */
static char *with_run(const char *stored, int run, cohort_err *e)
{
    json_t *o = json_loads(stored, 0, NULL);
    char *text = NULL;
    if (json_is_object(o) && json_object_set_new(o, "run", json_integer(run)) == 0 &&
        json_object_set_new(o, "preview", json_false()) == 0)
        text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!text) refuse(e, 500, "server-error", "the recorded run %d cannot be read", run);
    return text;
}

char *cohort_recap_record(store *st, const char *cohort, int64_t now_ms, cohort_err *e)
{
    char *json = compute(st, cohort, e);
    if (!json) return NULL;
    /* the run number is the store's: the stored text carries none */
    json_t *o = json_loads(json, 0, NULL);
    free(json);
    json_object_del(o, "run");
    json_object_del(o, "preview");
    char *stored = o ? json_dumps(o, JSON_COMPACT) : NULL;
    size_t n = json_array_size(json_object_get(o, "participants"));
    json_decref(o);
    int run = 0;
    if (!stored) return refuse(e, 500, "server-error", "out of memory");
    char *out = NULL;
    if (store_recap_add(st, cohort, stored, now_ms, &run, e->why) != 0)
        refuse(e, 500, "server-error", "%s", e->why);
    else if ((out = with_run(stored, run, e)))
        core_log(CORE_LOG_INFO, "recap recorded: cohort=%.64s run=%d participants=%zu", cohort, run,
                 n);
    free(stored);
    return out;
}

char *cohort_recap_run(store *st, const char *cohort, int run, cohort_err *e)
{
    char *stored = NULL;
    int got = 0;
    int found = store_recap_get(st, cohort, run, &stored, &got, e->why);
    if (found < 0) return refuse(e, 500, "server-error", "%s", e->why);
    if (found == 0) {
        char *def = NULL;
        int known = store_cohort_get(st, cohort, &def, e->why);
        free(def);
        if (known < 0) return refuse(e, 500, "server-error", "%s", e->why);
        if (known == 0) return refuse(e, 404, "unknown-cohort", "cohort %.64s is not known", cohort);
        if (run == 0)
            return refuse(e, 404, "unknown-run", "cohort %.64s has no recorded run yet: "
                          "core recap %.64s --record records one", cohort, cohort);
        return refuse(e, 404, "unknown-run", "cohort %.64s has no run %d", cohort, run);
    }
    char *out = with_run(stored, got, e);
    free(stored);
    return out;
}
