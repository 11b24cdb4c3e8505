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

/* The columns of a participant's data, once: their names in the aspects
 * CSV and in the stored aspect rows, and where they go in recap_input. */
typedef enum recap_col_kind {
    RECAP_COL_NIP,
    RECAP_COL_NAME,
    RECAP_COL_SCORE,    /* hundredths 0..10000 */
    RECAP_COL_COUNT,    /* a whole number >= 0 */
    RECAP_COL_TROPHIES  /* a count of at most 50 */
} recap_col_kind;

typedef struct recap_column {
    const char *name;
    recap_col_kind kind;
    size_t off; /* of the int (or char array) in recap_input */
} recap_column;

extern const recap_column RECAP_COLUMNS[];
extern const size_t RECAP_NCOLUMNS;

/* Fills `in` with nip and name (cut to fit) and every number RECAP_NONE. */
void recap_input_init(recap_input *in, const char *nip, const char *name);
/* The numbers of `in` that are given (not RECAP_NONE) as a JSON object
 * keyed by column name: a stored aspect row. Caller frees; NULL on ENOMEM. */
char *recap_aspects_json(const recap_input *in);
/* Sets the numbers of `in` that the aspect row row_json gives. -1 with why
 * when it is no JSON object or a number is out of its column's range
 * (a score 0..10000, trophies 0..50, a count 0..100000). */
int recap_aspects_from_json(recap_input *in, const char *row_json, char *why);

/* The recap of a cohort as JSON:
 *   {"cohort":ID,"run":RUN,"preview":false,"participants":[{"nip","name",
 *    "academic_self_paced","academic_distance","disputed":["self_paced",...],
 *    "behaviour_institution","attitude","academic","actualisation","pktbt","final",
 *    "bands":{"attitude","academic","actualisation","pktbt","final"},
 *    "outcome":"lulus","rule":"..."}...],
 *    "summary":{"lulus":N,"ditunda":N,"tidak lulus":N,"dibebaskan (RPL)":N,
 *    "belum lengkap":N,"disputed":N}}
 * Run 0 is a preview: "run" is null and "preview" true. Scores are
 * integers in hundredths, null when RECAP_NONE (and so is the band); the
 * two academic exam scores are the ones used; "disputed" names the exams
 * ("self_paced", "distance", "rpl") with an attempt of two different
 * records not yet resolved (its score left out: null), and the summary
 * counts the participants with any. rows[i] is the recap_compute() of in[i]; both borrowed.
 * Returns a string the caller frees with free(); NULL on ENOMEM or when
 * a text is not valid UTF-8. */
char *recap_json(const char *cohort_id, int run, const recap_input *in, const recap_row *rows,
                 size_t n);

/* The same recap as CSV (RFC 4180, LF line ends): a header row
 *   cohort,run,nip,name,behaviour_institution,attitude,academic,actualisation,
 *   pktbt,final,attitude_band,academic_band,actualisation_band,pktbt_band,
 *   final_band,outcome,rule,academic_self_paced,academic_distance,disputed
 * then one row per participant, scores as decimals "85.50", empty when
 * RECAP_NONE, run "preview" for run 0, disputed the exams as in the JSON
 * separated by spaces. A name that starts with = + - or @ gets a leading '
 * so a spreadsheet does not run it as a formula. Caller frees with free();
 * NULL on ENOMEM. */
char *recap_csv(const char *cohort_id, int run, const recap_input *in, const recap_row *rows,
                size_t n);

/* The CSV of a recap given as recap_json() wrote it. Caller frees; NULL
 * with why (WHY_SIZE bytes) when it is not such a recap, or on ENOMEM. */
char *recap_csv_of_json(const char *json, char *why);

#endif
