/* store_pg_cohort.c -- the PostgreSQL store read across a cohort: attempts, quizzes, history, room, best scores, cohorts, aspects, recap runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "bank.h"
#include "store_int.h"
#include "why.h"

int pg_attempts(store *s, const char *exam_id, const char *nip, int *count, int *highest,
                char *why)
{
    PGresult *res = pg_once((pg_store *)s, "counting attempts", why,
                            "SELECT COUNT(*), COALESCE(MAX(attempt), 0) FROM results"
                            " WHERE exam_id = $1 AND nip = $2", "tt", exam_id, nip);
    *count = *highest = 0;
    if (res && (pg_int(res, 0, 0, 0, STORE_COUNT_MAX, "an attempt count", count, why) ||
                pg_int(res, 0, 1, 0, STORE_ATTEMPT_MAX, "an attempt", highest, why))) {
        PQclear(res);
        return -1;
    }
    return pg_done(res);
}

/* One connection asks for each quiz in turn, stopping at the first not passed. */
int pg_quizzes_passed(store *s, const char *nip, const char *const *quiz_ids, size_t n,
                      char *missing, size_t cap, char *why)
{
    pg_tx tx;
    if (pg_begin((pg_store *)s, false, &tx, why)) return -1;
    int rc = 1;
    for (size_t i = 0; rc == 1 && i < n; i++) {
        PGresult *res = pg_run(&tx, "checking the quizzes", why,
                               "SELECT 1 FROM results WHERE nip = $1 AND exam_id = $2"
                               " AND passed = 1 LIMIT 1", "tt", nip, quiz_ids[i]);
        rc = res ? PQntuples(res) > 0 : -1;
        if (rc == 0 && cap) snprintf(missing, cap, "%s", quiz_ids[i]);
        PQclear(res);
    }
    return pg_end(&tx, rc, why);
}

/* Fills *ids with malloc'd copies (caller frees each and the array). */
int pg_programme_quizzes(store *s, const char *programme, char ***ids, size_t *n, char *why)
{
    PGresult *res = pg_once((pg_store *)s, "listing the quizzes", why,
                            "SELECT id FROM exams WHERE kind = 'quiz' AND programme = $1"
                            " ORDER BY id", "t", programme);
    if (!res) return -1;
    size_t rows = (size_t)PQntuples(res), got = 0;
    char **out = calloc(rows ? rows : 1, sizeof *out);
    while (out && got < rows && (out[got] = strdup(PQgetvalue(res, (int)got, 0)))) got++;
    PQclear(res);
    if (!out || got < rows) {
        while (out && got) free(out[--got]);
        free(out);
        why_set(why, "out of memory");
        return -1;
    }
    *ids = out;
    *n = rows;
    return 0;
}

int pg_history(store *s, const char *exam_id, int (*fn)(const char *form_json, void *arg),
               void *arg, char *why)
{
    PGresult *res = pg_once((pg_store *)s, "reading the history", why,
                            "SELECT nip, attempt, json FROM results WHERE exam_id = $1"
                            " ORDER BY nip, attempt", "t", exam_id);
    int rc = res ? 0 : -1;
    for (int i = 0; !rc && i < PQntuples(res); i++) {
        json_t *root = json_loads(PQgetvalue(res, i, 2), 0, NULL);
        json_t *form = json_object_get(root, "form");
        char *text = json_is_object(form) ? json_dumps(form, JSON_COMPACT) : NULL;
        json_decref(root);
        if (!text) {
            why_set(why, "the stored result of %.40s attempt %s has no readable form",
                      PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
            rc = -1;
        } else if ((rc = fn(text, arg)) != 0) {
            why_set(why, STORE_STOPPED);
        }
        free(text);
    }
    PQclear(res);
    return rc;
}

int pg_result_row(const PGresult *res, int i, store_result *r, char *why)
{
    const char *t[14];
    for (int c = 0; c < 14; c++) t[c] = PQgetvalue(res, i, c);
    int att, raw, awarded;
    if (pg_int(res, i, 5, 1, STORE_ATTEMPT_MAX, "an attempt", &att, why) ||
        pg_int(res, i, 6, 0, STORE_SCORE_MAX, "a raw score", &raw, why) ||
        pg_int(res, i, 7, 0, STORE_SCORE_MAX, "an awarded score", &awarded, why))
        return -1;
    store_result x = {t[0], t[1], t[2], t[3], t[4], att, raw, awarded,
                      atoi(t[8]) != 0, t[9], t[10], t[11], t[12], pg_num(res, i, 13), 0};
    *r = x;
    return 0;
}

/* Calls fn for every stored result of a session (by_exam false) or of an
 * exam, ordered by nip then attempt. */
static int results_where(store *s, bool by_exam, const char *id,
                         int (*fn)(const store_result *r, void *arg), void *arg, char *why)
{
    PGresult *res = by_exam ? pg_once((pg_store *)s, "reading the exam's results", why,
                                      "SELECT " STORE_SQLITE_RESULT_COLS " FROM results"
                                      " WHERE exam_id = $1 ORDER BY nip, attempt", "t", id)
                            : pg_once((pg_store *)s, "reading the session's results", why,
                                      "SELECT " STORE_SQLITE_RESULT_COLS " FROM results"
                                      " WHERE session_id = $1 ORDER BY nip, attempt", "t", id);
    int rc = res ? 0 : -1;
    for (int i = 0; !rc && i < PQntuples(res); i++) {
        store_result r;
        if ((rc = pg_result_row(res, i, &r, why))) break;
        if ((rc = fn(&r, arg)) != 0) why_set(why, STORE_STOPPED);
    }
    PQclear(res);
    return rc;
}

int pg_results_of_session(store *s, const char *session_id,
                          int (*fn)(const store_result *r, void *arg), void *arg, char *why)
{
    return results_where(s, false, session_id, fn, arg, why);
}

int pg_results_of_exam(store *s, const char *exam_id,
                       int (*fn)(const store_result *r, void *arg), void *arg, char *why)
{
    return results_where(s, true, exam_id, fn, arg, why);
}

int pg_best(store *s, const char *exam_id, const char *nip, int *awarded, bool *passed,
            int *disputes, store_acc *acc, char *why)
{
    PGresult *res = pg_once((pg_store *)s, "reading the best score", why,
                            STORE_SQL_BEST("$1", "$2", STORE_PG_ACC), "tt", exam_id, nip);
    if (!res) return -1;
    int found = pg_num(res, 0, 0) > 0;
    *passed = pg_num(res, 0, 2) != 0;
    if (pg_int(res, 0, 1, 0, STORE_SCORE_MAX, "a best score", awarded, why) ||
        pg_int(res, 0, 3, 0, STORE_COUNT_MAX, "a dispute count", disputes, why) ||
        pg_int(res, 0, 5, 0, BANK_EXTRA_MINUTES_MAX, "extra minutes", &acc->extra_minutes, why))
        found = -1;
    acc->read_aloud = pg_num(res, 0, 4) != 0;
    PQclear(res);
    return found;
}

int pg_cohort_put(store *s, const char *cohort_id, const char *definition_json, char *why)
{
    return pg_done(pg_once((pg_store *)s, "recording the cohort", why,
                           "INSERT INTO cohorts (id, definition) VALUES ($1, $2)"
                           " ON CONFLICT (id) DO UPDATE SET definition = excluded.definition",
                           "tt", cohort_id, definition_json));
}

/* Copies cell (0, 0) of res into *out (caller frees) and frees res: 1 when
 * there is a row, 0 when none, -1 with why. */
static int pg_first_text(PGresult *res, char **out, char *why)
{
    if (!res) return -1;
    int rc = PQntuples(res) > 0;
    if (rc && !(*out = strdup(PQgetvalue(res, 0, 0)))) {
        why_set(why, "out of memory");
        rc = -1;
    }
    PQclear(res);
    return rc;
}

/* *definition_json is malloc'd; caller frees. */
int pg_cohort_get(store *s, const char *cohort_id, char **definition_json, char *why)
{
    return pg_first_text(pg_once((pg_store *)s, "reading the cohort", why,
                                 "SELECT definition FROM cohorts WHERE id = $1", "t", cohort_id),
                         definition_json, why);
}

/* Says that cohort_id is not known and returns -1. */
static int pg_no_cohort(const char *what, const char *cohort_id, char *why)
{
    why_set(why, "%s: cohort %.60s is not known: add its definition first", what, cohort_id);
    return -1;
}

/* The row is written only when its cohort is known: no row inserted means none. */
int pg_aspects_put(store *s, const char *cohort_id, const char *nip, const char *row_json,
                   char *why)
{
    const char *what = "storing aspect scores";
    PGresult *res = pg_once((pg_store *)s, what, why,
                            "INSERT INTO aspects (cohort_id, nip, row_json)"
                            " SELECT id, $2, $3 FROM cohorts WHERE id = $1"
                            " ON CONFLICT (cohort_id, nip) DO UPDATE SET row_json = excluded.row_json",
                            "ttt", cohort_id, nip, row_json);
    bool none = res && strcmp(PQcmdTuples(res), "0") == 0;
    if (pg_done(res)) return -1;
    return none ? pg_no_cohort(what, cohort_id, why) : 0;
}

int pg_aspects_each(store *s, const char *cohort_id,
                    int (*fn)(const char *nip, const char *row_json, void *arg), void *arg,
                    char *why)
{
    PGresult *res = pg_once((pg_store *)s, "reading aspect scores", why,
                            "SELECT nip, row_json FROM aspects WHERE cohort_id = $1 ORDER BY nip",
                            "t", cohort_id);
    int rc = res ? 0 : -1;
    for (int i = 0; !rc && i < PQntuples(res); i++)
        if ((rc = fn(PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), arg)) != 0)
            why_set(why, STORE_STOPPED);
    PQclear(res);
    return rc;
}

/* Runs are numbered 1, 2, ... per cohort. The cohort's row is locked
 * first, so two cores adding a run at once number them one after the
 * other; the primary key (cohort_id, run) never lets a run be overwritten. */
int pg_recap_add(store *s, const char *cohort_id, const char *recap_json, int64_t now_ms,
                 int *run, char *why)
{
    const char *what = "saving the recap";
    pg_tx tx;
    if (pg_begin((pg_store *)s, true, &tx, why)) return -1;
    PGresult *res = pg_run(&tx, what, why, "SELECT 1 FROM cohorts WHERE id = $1 FOR UPDATE", "t",
                           cohort_id);
    int rc = !res ? -1 : PQntuples(res) == 0 ? pg_no_cohort(what, cohort_id, why) : 0;
    PQclear(res);
    res = rc ? NULL
             : pg_run(&tx, what, why,
                      "INSERT INTO recaps (cohort_id, run, created_ms, json)"
                      " SELECT $1, COALESCE(MAX(run), 0) + 1, $2, $3 FROM recaps"
                      " WHERE cohort_id = $1 RETURNING run",
                      "tlt", cohort_id, now_ms, recap_json);
    int next = 0;
    if (res && pg_int(res, 0, 0, 1, STORE_COUNT_MAX, "a recap run", &next, why)) {
        PQclear(res);
        res = NULL;
        rc = -1;
    }
    rc = pg_end(&tx, rc ? rc : pg_done(res), why);
    if (!rc) *run = next;
    return rc;
}

/* *recap_json is malloc'd; caller frees. Run 0 is the latest. */
int pg_recap_get(store *s, const char *cohort_id, int run, char **recap_json, int *run_out,
                 char *why)
{
    PGresult *res = pg_once((pg_store *)s, "reading the recap", why,
                            "SELECT json, run FROM recaps WHERE cohort_id = $1"
                            " AND ($2 = 0 OR run = $2) ORDER BY run DESC LIMIT 1",
                            "ti", cohort_id, run);
    if (res && PQntuples(res) > 0 &&
        pg_int(res, 0, 1, 1, STORE_COUNT_MAX, "a recap run", run_out, why)) {
        PQclear(res);
        return -1;
    }
    return pg_first_text(res, recap_json, why);
}
