/* recap.h -- the cohort recap (SPEC sections 5 and 6): aspects, weights, bands, outcome.
 * Pure computation in hundredths; no storage, no I/O. */
#ifndef KISI_RECAP_H
#define KISI_RECAP_H

#include <stdbool.h>
#include <stddef.h>

#define RECAP_NONE (-1)  /* a score that was not given */

/* What is known of one participant. Scores in hundredths (0..10000). */
typedef struct recap_input {
    char nip[19];
    char name[121];
    int behaviour_institution;   /* RECAP_NONE: taken from the trophies (SPEC 6) */
    int behaviour_agency;
    int academic_self_paced;     /* from the kiosk results */
    int academic_distance;
    int actualisation_design;
    int actualisation_implementation;
    int pktbt;
    int absent_sessions, absent_jp, absent_days;  /* RECAP_NONE = 0 */
    int trophies;                /* RECAP_NONE when not given */
    bool rpl_exempt;             /* passed the RPL pre-test: certificate without training */
    unsigned disputed;           /* RECAP_DISPUTED_* of the exams with an attempt of two
                                    different records not yet resolved (its score left out:
                                    the outcome is incomplete until core dispute resolve) */
    bool read_aloud;             /* accommodations of the kiosk results: read aloud at an exam, */
    int extra_minutes;           /* and the most extra minutes the roster granted */
} recap_input;

/* The kiosk exams of a cohort whose attempts may be disputed. */
#define RECAP_DISPUTED_SELF_PACED 1u
#define RECAP_DISPUTED_DISTANCE 2u
#define RECAP_DISPUTED_RPL 4u

typedef enum recap_outcome {
    RECAP_PASSED = 0,    /* lulus */
    RECAP_DEFERRED,      /* ditunda */
    RECAP_FAILED,        /* tidak lulus */
    RECAP_EXEMPT,        /* RPL: exempt from the training */
    RECAP_INCOMPLETE     /* a score is missing: no outcome yet */
} recap_outcome;

/* "lulus", "ditunda", "tidak lulus", "dibebaskan (RPL)", "belum lengkap". */
const char *recap_outcome_name(recap_outcome o);

typedef struct recap_row {
    int behaviour_institution;   /* as used (given, or from trophies) */
    int attitude;                /* (10 x institution + 5 x agency) / 15 */
    int academic;                /* (10 x self-paced + 10 x distance) / 20 */
    int actualisation;           /* (20 x design + 30 x implementation) / 50 */
    int pktbt;
    int final;                   /* 15 % attitude + 20 % academic + 50 % actualisation + 15 % PKTBT */
    recap_outcome outcome;
    char rule[160];              /* the rule that decided, in words */
} recap_row;

/* Behaviour score from trophies (SPEC 6): 41-50 -> 95-100, 31-40 -> 90-95,
 * 29-30 -> 80-90 (linear inside each range, rounded half-up to hundredths),
 * 28 -> 70.01; below 28 (or above 50) returns -1: not passed. */
int recap_trophy_score(int trophies);

/* Computes one participant's row; every division rounds half-up once. */
void recap_compute(const recap_input *in, recap_row *out);

#endif
