/* recap_io.h -- the cohort recap in and out: the aspects CSV, the recap as JSON and CSV. */
#ifndef KISI_RECAP_IO_H
#define KISI_RECAP_IO_H

#include <stddef.h>

#include "recap.h"
#include "why.h"

#define RECAP_MAX_ROWS 2000  /* participants in one aspects file */

/* Parses the aspect scores of a cohort: a CSV whose header names, in any
 * order and any letter case, nip (required) and any of
 *   behaviour_institution, behaviour_agency, actualisation_design,
 *   actualisation_implementation, pktbt, absent_sessions, absent_jp,
 *   absent_days, trophies
 * and also name, academic_self_paced, academic_distance (these normally
 * come from the roster and the kiosk results; a cohort scored elsewhere
 * may give them here). An unknown or repeated column is refused.
 * Scores are decimals with a dot or a comma, at most two decimals, 0 to
 * 100 ("85", "85.5", "85,50" -> 8500, 8550, 8550); counts are whole
 * numbers >= 0, trophies at most 50. An empty cell, or a column left out,
 * is RECAP_NONE (name ""); rpl_exempt is always false (the core knows it).
 * NIPs must be valid 18-digit NIPs, each at most once; at most
 * RECAP_MAX_ROWS rows.
 * Returns 0 with *rows (caller frees with free()) and *n set; -1 on any
 * error with *rows NULL, *n 0 and `why` (WHY_SIZE bytes, may be NULL)
 * "line N: reason". */
int recap_parse_aspects_csv(const char *csv, size_t len, recap_input **rows, size_t *n,
                            char *why);

/* The recap of a cohort as JSON:
 *   {"cohort":ID,"run":RUN,"participants":[{"nip","name","behaviour_institution",
 *    "attitude","academic","actualisation","pktbt","final",
 *    "bands":{"attitude","academic","actualisation","pktbt","final"},
 *    "outcome":"lulus","rule":"..."}...],
 *    "summary":{"lulus":N,"ditunda":N,"tidak lulus":N,"dibebaskan (RPL)":N,
 *    "belum lengkap":N}}
 * Scores are integers in hundredths, null when RECAP_NONE (and so is the
 * band). rows[i] is the recap_compute() of in[i]; both borrowed.
 * Returns a string the caller frees with free(); NULL on ENOMEM or when
 * a text is not valid UTF-8. */
char *recap_json(const char *cohort_id, int run, const recap_input *in, const recap_row *rows,
                 size_t n);

/* The same recap as CSV (RFC 4180, LF line ends): a header row
 *   cohort,run,nip,name,behaviour_institution,attitude,academic,actualisation,
 *   pktbt,final,attitude_band,academic_band,actualisation_band,pktbt_band,
 *   final_band,outcome,rule
 * then one row per participant, scores as decimals "85.50", empty when
 * RECAP_NONE. A name that starts with = + - or @ gets a leading ' so a
 * spreadsheet does not run it as a formula. Caller frees with free();
 * NULL on ENOMEM. */
char *recap_csv(const char *cohort_id, int run, const recap_input *in, const recap_row *rows,
                size_t n);

#endif
