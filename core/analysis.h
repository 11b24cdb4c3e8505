/* analysis.h -- the item analysis of an exam from the results the core holds (see itemstat.h). */
#ifndef KISI_ANALYSIS_H
#define KISI_ANALYSIS_H

#include "ingest.h"
#include "itemstat.h"
#include "why.h"

/* Reads every stored result of `exam_id` (every session: the items of its
 * form, each with the letters chosen or none; the kind, key and options of
 * each item from the bank of its session) and computes the item analysis. A result that cannot be read (its session or an item gone from
 * the store) is left out and logged: *left counts them, and `why` holds the
 * first one's reason. Caller frees with itemstat_free(). NULL with why on
 * error; when the exam has no stored result, NULL with *none set.
 * Thread-safe. */
itemstat *analysis_of_exam(core_ctx *c, const char *exam_id, bool *none, int *left, char *why);

#endif
