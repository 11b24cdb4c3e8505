/* cohort.h -- the cohort recap use case over the store: aspects in; previews computed fresh;
 * runs recorded and numbered by the store. Shared by `core recap` and the recap route. */
#ifndef KISI_COHORT_H
#define KISI_COHORT_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "why.h"

/* Why a recap was not made: an HTTP-like status (404 unknown cohort or
 * run, 500 the store failed), a code ("unknown-cohort", "unknown-run",
 * "server-error") and one line for people. */
typedef struct cohort_err {
    int status;
    char code[32];
    char why[WHY_SIZE];
} cohort_err;

/* Reads the aspects CSV (recap_io.h) of `cohort` and stores each row,
 * replacing earlier rows of the same NIPs; every NIP must be on the
 * cohort's roster (checked before anything is stored). *n gets the number
 * of rows. 0, or -1 with why. */
int cohort_aspects_import(store *st, const char *cohort, const char *csv, size_t len, size_t *n,
                          char *why);

/* The recap of `cohort` computed now from its roster, its imported aspects
 * and the kiosk results stored (each academic exam's best score, and its
 * disputed attempts): a preview ("run": null, "preview": true, see
 * recap_json), never stored. Caller frees; NULL with e. */
char *cohort_recap_preview(store *st, const char *cohort, cohort_err *e);

/* Computes the recap now and records it as the cohort's next run, numbered
 * by the store; logs it. Returns the run's JSON ("run": N, "preview":
 * false); caller frees. NULL with e. */
char *cohort_recap_record(store *st, const char *cohort, int64_t now_ms, cohort_err *e);

/* Recorded run `run` (0: the latest) as JSON; caller frees. NULL with e
 * (404 "unknown-run" when the cohort has no such run). */
char *cohort_recap_run(store *st, const char *cohort, int run, cohort_err *e);

#endif
