/* itemstat.h -- item analysis of an exam from its responses: facility, discrimination, options, KR-20, exposure, flags. */
#ifndef KISI_ITEMSTAT_H
#define KISI_ITEMSTAT_H

#include <stdbool.h>
#include <stddef.h>

#include "why.h"

#define ITEMSTAT_OPTIONS 8       /* options A..H */
#define ITEMSTAT_FEW 10          /* fewer counted responses than this: "few-data" */
#define ITEMSTAT_EXPORT_VERSION 1 /* of the JSON export ("kind": "kisi-item-stats") */

/* What is computed, and why an item is flagged:
 * - only each participant's first attempt (the lowest attempt number) is
 *   counted for the figures: every person once, before any remedial;
 *   exposure counts every attempt;
 * - an item is right when the chosen letters equal its key as a set
 *   (multiple response: the whole set, as the score counts it); unanswered
 *   is wrong and counted as "omitted"; an item is judged by the key, kind
 *   and options of its first response added (a key changed between two
 *   sittings: the first);
 * - a participant's total is the share of the other items of the form
 *   answered right (the item itself left out): discrimination is the
 *   point-biserial correlation of the item with it, and the difference of
 *   facility between the upper and lower 27 % by it (ties in the order the
 *   attempts were added);
 * - KR-20 over the counted forms (all of one size k): k/(k-1) x (1 - mean
 *   over forms of the sum of p*q of its items / variance of the number
 *   right), the variance over all forms (divided by N);
 * - a figure that cannot be computed (too few responses, no variance) is
 *   absent (null in JSON, empty in CSV), never a division by zero. */
typedef enum itemstat_flag {
    ITEMSTAT_FEW_DATA = 1,       /* fewer than ITEMSTAT_FEW responses: no other flag */
    ITEMSTAT_HARD = 2,           /* p < 0.20 */
    ITEMSTAT_EASY = 4,           /* p > 0.95 */
    ITEMSTAT_LOW_DISC = 8,       /* point-biserial below 0.10 (or none) */
    ITEMSTAT_NEGATIVE_DISC = 16, /* point-biserial below 0 */
    ITEMSTAT_UNCHOSEN = 32       /* an option nobody chose */
} itemstat_flag;

/* The figures of one item; a double that is absent is NAN. */
typedef struct itemstat_item {
    const char *id, *kind, *key; /* kind "single", "multi", "truefalse" */
    int noptions;
    int n;                       /* counted responses (first attempts that held it) */
    double p, rpb, d27;
    int chosen[ITEMSTAT_OPTIONS]; /* how many chose A..H (several in a multi answer) */
    int omitted;
    int forms, seen_by;          /* exposure: every attempt that held it; distinct people */
    unsigned flags;              /* itemstat_flag bits */
} itemstat_item;

typedef struct itemstat itemstat;

/* An empty analysis of exam `exam_id` (copied). Caller frees with
 * itemstat_free(). NULL on ENOMEM. */
itemstat *itemstat_new(const char *exam_id);
void itemstat_free(itemstat *s);

/* One response of an attempt: the item, its kind, key and number of
 * options (2..8), and the letters chosen ("" or NULL: unanswered). */
typedef struct itemstat_resp {
    const char *id, *kind, *key;
    int noptions;
    const char *chosen;
} itemstat_resp;

/* Adds attempt `attempt` (from 1) of participant `who` with its n responses
 * (strings copied). 0, or -1 with why: a bad letter, kind or option count,
 * an item twice in one attempt. */
int itemstat_add(itemstat *s, const char *who, int attempt, const itemstat_resp *r, size_t n,
                 char *why);

/* Reads the JSON export of itemstat_json(..., true) (`core stats --json`)
 * into an empty analysis: its exam and responses; the figures in it are
 * not read but computed again. Caller frees. NULL with why on bad input. */
itemstat *itemstat_load(const char *json, size_t len, char *why);

/* Computes every figure (again, after more itemstat_add). 0, or -1 with
 * why: an attempt of a participant added twice, or ENOMEM. */
int itemstat_compute(itemstat *s, char *why);

/* Results, after a successful itemstat_compute: the counted participants,
 * KR-20 (NAN when none), the items in id order (borrowed, valid until the
 * next add, compute or free; NULL before any compute). */
int itemstat_participants(const itemstat *s);
double itemstat_kr20(const itemstat *s);
size_t itemstat_nitems(const itemstat *s);
const itemstat_item *itemstat_item_at(const itemstat *s, size_t i);
/* The names of the flags set in `flags`, space-separated, into buf. */
void itemstat_flag_names(unsigned flags, char *buf, size_t cap);

/* The figures as JSON (one object; with `responses` the responses too,
 * participants numbered 1, 2, ... in the order they were first added,
 * instead of named) or CSV (one line per
 * item, a header line first). Caller frees. NULL on ENOMEM. */
char *itemstat_json(const itemstat *s, bool responses);
char *itemstat_csv(const itemstat *s);

#endif
