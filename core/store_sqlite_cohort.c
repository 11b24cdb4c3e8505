/* store_sqlite_cohort.c -- the SQLite store read across a cohort: attempts, quizzes, history, room, best scores, cohorts, aspects, recap runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bank.h"
#include "store_int.h"
#include "why.h"

int sqlite_attempts(store *s, const char *exam_id, const char *nip, int *count,
                           int *highest, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r;
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "counting attempts", why,
                           "SELECT COUNT(*), COALESCE(MAX(attempt), 0) FROM results"
                           " WHERE exam_id = ?1 AND nip = ?2", "tt", exam_id, nip);
    sqlite_end(ss, false, rc, why);
    *count = *highest = 0;
    if (!rc && (STORE_CELL_INT(&r, 0, 0, 0, STORE_COUNT_MAX, "an attempt count", count, why) ||
                STORE_CELL_INT(&r, 0, 1, 0, STORE_ATTEMPT_MAX, "an attempt", highest, why)))
        rc = -1;
    sqlite_rows_free(&r);
    return rc;
}

int sqlite_quizzes_passed(store *s, const char *nip, const char *const *quiz_ids,
                                 size_t n, char *missing, size_t cap, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    int rc = 1;
    if (sqlite_begin(ss, false, why)) return -1;
    for (size_t i = 0; rc == 1 && i < n; i++) {
        sqlite_rows r;
        rc = sqlite_select(ss, &r, "checking the quizzes", why,
                           "SELECT 1 FROM results WHERE nip = ?1 AND exam_id = ?2 AND passed = 1"
                           " LIMIT 1", "tt", nip, quiz_ids[i]);
        if (!rc && r.n == 0) {
            if (cap) snprintf(missing, cap, "%s", quiz_ids[i]);
            rc = 0;
        } else if (!rc) {
            rc = 1;
        }
        sqlite_rows_free(&r);
    }
    return sqlite_end(ss, false, rc, why);
}

/* Fills *ids with malloc'd copies (caller frees each and the array). */
int sqlite_programme_quizzes(store *s, const char *programme, char ***ids, size_t *n,
                                    char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r;
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "listing the quizzes", why,
                           "SELECT id FROM exams WHERE kind = 'quiz' AND programme = ?1"
                           " ORDER BY id", "t", programme);
    sqlite_end(ss, false, rc, why);
    if (!rc) {
        /* the texts move from r to the caller */
        *ids = calloc(r.n ? r.n : 1, sizeof **ids);
        if (*ids) {
            for (size_t i = 0; i < r.n; i++) (*ids)[i] = STORE_CELL_TEXT(&r, i, 0);
            *n = r.n;
            free(r.text);
            r.text = NULL;
            r.n = 0;
        } else {
            why_set(why, "out of memory");
            rc = -1;
        }
    }
    sqlite_rows_free(&r);
    return rc;
}

int sqlite_history(store *s, const char *exam_id,
                          int (*fn)(const char *form_json, void *arg), void *arg, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r;
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "reading the history", why,
                           "SELECT nip, attempt, json FROM results WHERE exam_id = ?1"
                           " ORDER BY nip, attempt", "t", exam_id);
    sqlite_end(ss, false, rc, why);
    for (size_t i = 0; !rc && i < r.n; i++) {
        json_t *root = json_loads(STORE_CELL_TEXT(&r, i, 2), 0, NULL);
        json_t *form = json_object_get(root, "form");
        char *text = json_is_object(form) ? json_dumps(form, JSON_COMPACT) : NULL;
        if (!text)
            why_set(why, "the stored result of %.40s attempt %lld has no readable form",
                      STORE_CELL_TEXT(&r, i, 0), STORE_CELL_NUM(&r, i, 1));
        rc = text ? fn(text, arg) : -1;
        if (text && rc) why_set(why, STORE_STOPPED);
        free(text);
        json_decref(root);
    }
    sqlite_rows_free(&r);
    return rc;
}

int sqlite_result_row(const sqlite_rows *r, size_t i, store_result *res, char *why)
{
    int att, raw, awarded;
    if (STORE_CELL_INT(r, i, 5, 1, STORE_ATTEMPT_MAX, "an attempt", &att, why) ||
        STORE_CELL_INT(r, i, 6, 0, STORE_SCORE_MAX, "a raw score", &raw, why) ||
        STORE_CELL_INT(r, i, 7, 0, STORE_SCORE_MAX, "an awarded score", &awarded, why))
        return -1;
    store_result x = {
        STORE_CELL_TEXT(r, i, 0), STORE_CELL_TEXT(r, i, 1), STORE_CELL_TEXT(r, i, 2),
        STORE_CELL_TEXT(r, i, 3), STORE_CELL_TEXT(r, i, 4), att, raw, awarded,
        STORE_CELL_NUM(r, i, 8) != 0, STORE_CELL_TEXT(r, i, 9), STORE_CELL_TEXT(r, i, 10),
        STORE_CELL_TEXT(r, i, 11), STORE_CELL_TEXT(r, i, 12), STORE_CELL_NUM(r, i, 13), 0};
    *res = x;
    return 0;
}

/* Calls fn for every stored result of a session (by_exam false) or of an
 * exam, ordered by nip then attempt. */
static int results_where(store *s, bool by_exam, const char *id,
                         int (*fn)(const store_result *res, void *arg), void *arg, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r;
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = by_exam ? sqlite_select(ss, &r, "reading the exam's results", why,
                                     "SELECT " STORE_SQLITE_RESULT_COLS " FROM results"
                                     " WHERE exam_id = ?1 ORDER BY nip, attempt", "t", id)
                     : sqlite_select(ss, &r, "reading the session's results", why,
                                     "SELECT " STORE_SQLITE_RESULT_COLS " FROM results"
                                     " WHERE session_id = ?1 ORDER BY nip, attempt", "t", id);
    sqlite_end(ss, false, rc, why);
    for (size_t i = 0; !rc && i < r.n; i++) {
        store_result res;
        if ((rc = sqlite_result_row(&r, i, &res, why))) break;
        if ((rc = fn(&res, arg)) != 0) why_set(why, STORE_STOPPED);
    }
    sqlite_rows_free(&r);
    return rc;
}

int sqlite_results_of_session(store *s, const char *session_id,
                              int (*fn)(const store_result *res, void *arg), void *arg, char *why)
{
    return results_where(s, false, session_id, fn, arg, why);
}

int sqlite_results_of_exam(store *s, const char *exam_id,
                           int (*fn)(const store_result *res, void *arg), void *arg, char *why)
{
    return results_where(s, true, exam_id, fn, arg, why);
}

int sqlite_best(store *s, const char *exam_id, const char *nip, int *awarded,
                       bool *passed, int *disputes, store_acc *acc, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r;
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "reading the best score", why, STORE_SQL_BEST("?1", "?2", STORE_SQLITE_ACC),
                           "tt", exam_id, nip);
    sqlite_end(ss, false, rc, why);
    if (!rc && (STORE_CELL_INT(&r, 0, 1, 0, STORE_SCORE_MAX, "a best score", awarded, why) ||
                STORE_CELL_INT(&r, 0, 3, 0, STORE_COUNT_MAX, "a dispute count", disputes, why) ||
                STORE_CELL_INT(&r, 0, 5, 0, BANK_EXTRA_MINUTES_MAX, "extra minutes",
                               &acc->extra_minutes, why)))
        rc = -1;
    else if (!rc) {
        rc = STORE_CELL_NUM(&r, 0, 0) > 0;
        *passed = STORE_CELL_NUM(&r, 0, 2) != 0;
        acc->read_aloud = STORE_CELL_NUM(&r, 0, 4) != 0;
    }
    sqlite_rows_free(&r);
    return rc;
}

int sqlite_cohort_put(store *s, const char *cohort_id, const char *definition_json, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    if (sqlite_begin(ss, true, why)) return -1;
    int rc = sqlite_exec(ss, "recording the cohort", why,
                         "INSERT INTO cohorts (id, definition) VALUES (?1, ?2)"
                         " ON CONFLICT (id) DO UPDATE SET definition = excluded.definition",
                         "tt", cohort_id, definition_json);
    return sqlite_end(ss, true, rc, why);
}

/* Moves cell (0, c) of r into *out (caller frees); 1 when there is a row,
 * 0 when none. */
static int sqlite_take_text(sqlite_rows *r, size_t c, char **out)
{
    if (r->n == 0) return 0;
    *out = STORE_CELL_TEXT(r, 0, c);
    STORE_CELL_TEXT(r, 0, c) = NULL;
    return 1;
}

/* *definition_json is malloc'd; caller frees. */
int sqlite_cohort_get(store *s, const char *cohort_id, char **definition_json, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r;
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "reading the cohort", why,
                           "SELECT definition FROM cohorts WHERE id = ?1", "t", cohort_id);
    sqlite_end(ss, false, rc, why);
    if (!rc) rc = sqlite_take_text(&r, 0, definition_json);
    sqlite_rows_free(&r);
    return rc;
}

/* 0 when the cohort is known, else -1 with why. Call inside a write. */
static int sqlite_cohort_known(sqlite_store *ss, const char *cohort_id, const char *what,
                               char *why)
{
    sqlite_rows r;
    int rc = sqlite_select(ss, &r, what, why, "SELECT 1 FROM cohorts WHERE id = ?1", "t",
                           cohort_id);
    if (!rc && r.n == 0) {
        why_set(why, "%s: cohort %.60s is not known: add its definition first", what, cohort_id);
        rc = -1;
    }
    sqlite_rows_free(&r);
    return rc;
}

int sqlite_aspects_put(store *s, const char *cohort_id, const char *nip, const char *row_json,
                       char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    if (sqlite_begin(ss, true, why)) return -1;
    int rc = sqlite_cohort_known(ss, cohort_id, "storing aspect scores", why);
    if (!rc)
        rc = sqlite_exec(ss, "storing aspect scores", why,
                         "INSERT INTO aspects (cohort_id, nip, row_json) VALUES (?1, ?2, ?3)"
                         " ON CONFLICT (cohort_id, nip) DO UPDATE SET row_json = excluded.row_json",
                         "ttt", cohort_id, nip, row_json);
    return sqlite_end(ss, true, rc, why);
}

int sqlite_aspects_each(store *s, const char *cohort_id,
                        int (*fn)(const char *nip, const char *row_json, void *arg), void *arg,
                        char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r;
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "reading aspect scores", why,
                           "SELECT nip, row_json FROM aspects WHERE cohort_id = ?1 ORDER BY nip",
                           "t", cohort_id);
    sqlite_end(ss, false, rc, why);
    for (size_t i = 0; !rc && i < r.n; i++)
        if ((rc = fn(STORE_CELL_TEXT(&r, i, 0), STORE_CELL_TEXT(&r, i, 1), arg)) != 0)
            why_set(why, STORE_STOPPED);
    sqlite_rows_free(&r);
    return rc;
}

/* Runs are numbered 1, 2, ... per cohort; a plain INSERT on the primary
 * key (cohort_id, run) means an earlier run is never overwritten. */
int sqlite_recap_add(store *s, const char *cohort_id, const char *recap_json, int64_t now_ms,
                     int *run, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    if (sqlite_begin(ss, true, why)) return -1;
    sqlite_rows r = {0};
    int rc = sqlite_cohort_known(ss, cohort_id, "saving the recap", why);
    if (!rc)
        rc = sqlite_select(ss, &r, "saving the recap", why,
                           "SELECT COALESCE(MAX(run), 0) + 1 FROM recaps WHERE cohort_id = ?1",
                           "t", cohort_id);
    int next = 0;
    if (!rc) rc = STORE_CELL_INT(&r, 0, 0, 1, STORE_COUNT_MAX, "a recap run", &next, why);
    if (!rc)
        rc = sqlite_exec(ss, "saving the recap", why,
                         "INSERT INTO recaps (cohort_id, run, created_ms, json)"
                         " VALUES (?1, ?2, ?3, ?4)",
                         "tilt", cohort_id, next, now_ms, recap_json);
    sqlite_rows_free(&r);
    rc = sqlite_end(ss, true, rc, why);
    if (!rc) *run = next;
    return rc;
}

/* *recap_json is malloc'd; caller frees. */
int sqlite_recap_get(store *s, const char *cohort_id, int run, char **recap_json, int *run_out,
                     char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r;
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = run == 0 ? sqlite_select(ss, &r, "reading the recap", why,
                                      "SELECT json, run FROM recaps WHERE cohort_id = ?1"
                                      " ORDER BY run DESC LIMIT 1", "t", cohort_id)
                      : sqlite_select(ss, &r, "reading the recap", why,
                                      "SELECT json, run FROM recaps WHERE cohort_id = ?1"
                                      " AND run = ?2", "ti", cohort_id, run);
    sqlite_end(ss, false, rc, why);
    if (!rc && r.n) rc = STORE_CELL_INT(&r, 0, 1, 1, STORE_COUNT_MAX, "a recap run", run_out, why);
    if (!rc) rc = sqlite_take_text(&r, 0, recap_json);
    sqlite_rows_free(&r);
    return rc;
}
