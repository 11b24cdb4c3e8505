/* exam.h -- internal exam-definition helpers shared inside libbank. */
#ifndef KISI_EXAM_H
#define KISI_EXAM_H

#include <stdbool.h>
#include <stddef.h>

#include "bank.h"

/* Difficulty bands of an exam's optional mix: easy = difficulty 1-2,
 * medium = 3, hard = 4-5. */
enum { EXAM_EASY = 0, EXAM_MEDIUM = 1, EXAM_HARD = 2, EXAM_NBANDS = 3 };

/* Lowest and highest difficulty of band `band`. */
void exam_band_range(int band, int *lo, int *hi);

/* True when the exam asks for a difficulty mix. */
bool exam_has_mix(const bank_exam *e);

/* Number of items of topic `i` to draw from difficulty band `band`
 * (largest-remainder split of the topic's quota by the mix percentages;
 * ties go to the lower band). Without a mix, returns the whole quota for
 * band EXAM_MEDIUM and 0 for the others -- callers then use the whole
 * pool (difficulty 1..5) for it: see exam_has_mix(). */
int exam_band_quota(const bank_exam *e, size_t i, int band);

/* Sections of the exam (0 = none), the share of section s in hundredths,
 * and the section holding `topic` (-1 when none). */
size_t exam_nsections(const bank_exam *e);
int exam_section_share(const bank_exam *e, size_t s);
int exam_topic_section(const bank_exam *e, const char *topic);

/* One answered item, for scoring. */
typedef struct score_line {
    const char *topic;
    int weight;
    bool correct;
} score_line;

/* Raw score in hundredths of a form. Without sections: sum of the weights
 * of correct items / sum of all weights x 100, rounded half-up. With
 * sections: each section contributes share x (its correct weight / its
 * total weight), summed exactly and rounded half-up once. Returns -1 when
 * a line's topic belongs to no section or a total weight is 0. */
int exam_raw_score(const bank_exam *e, const score_line *lines, size_t n);

/* ---- The layout of a definition. Only exam.c (policy, canonical JSON,
 * accessors) and exam_parse.c (reading it) look inside a bank_exam; every
 * other module goes through the accessors. ---- */

#define EXAM_NAME_MAX 64          /* id, programme, topic and section ids */
#define EXAM_TITLE_MAX 200        /* bytes */
#define EXAM_SECTIONS_MAX 8
#define EXAM_CEILINGS_MAX 64      /* rows of the ceiling table */
#define EXAM_ATTEMPTS_MAX 10000   /* highest attempt number written in a definition */
#define EXAM_NKINDS (BANK_EXAM_RPL + 1)  /* kinds: BANK_EXAM_RPL is the last */

typedef struct exam_ceil_row {
    int from, to;  /* to == 0: open-ended */
    int ceiling;
} exam_ceil_row;

typedef struct exam_topic {
    char id[EXAM_NAME_MAX + 1];
    int quota;
    int section;             /* index into sections, -1 without sections */
    int band[EXAM_NBANDS];   /* quota split by the difficulty mix */
} exam_topic;

typedef struct exam_section {
    char id[EXAM_NAME_MAX + 1];
    int share;  /* hundredths of the score, shares sum to 10000 */
} exam_section;

struct bank_exam {
    char id[EXAM_NAME_MAX + 1];
    char title[EXAM_TITLE_MAX + 1];
    char programme[EXAM_NAME_MAX + 1];
    bank_exam_kind kind;
    int minutes, pass_mark, max_attempts;
    size_t nceil;
    exam_ceil_row ceil[EXAM_CEILINGS_MAX];
    size_t ntopics;
    exam_topic *topics;
    size_t nsections;
    exam_section sections[EXAM_SECTIONS_MAX];
    bool has_mix;
    int mix[EXAM_NBANDS];  /* whole percent, sum 100 */
};

/* The policy of one kind: its name, defaults and allowed max_attempts. */
typedef struct exam_policy {
    const char *name;
    int pass_mark;
    int max_attempts;    /* default; 0 = unlimited */
    int lo, hi;          /* allowed max_attempts */
    const char *rule;    /* the same, in words */
} exam_policy;

/* Per-kind policy of SPEC section 1, indexed by bank_exam_kind. */
extern const exam_policy exam_policies[EXAM_NKINDS];

/* Names of the difficulty bands by EXAM_EASY..EXAM_HARD, NULL-terminated. */
extern const char *const exam_band_names[];

/* Index of topic `id` in e->topics, -1 when the exam has no such topic. */
int exam_find_topic(const bank_exam *e, const char *id);

#endif
