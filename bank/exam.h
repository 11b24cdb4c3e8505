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

#endif
