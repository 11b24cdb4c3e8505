/* draw.h -- internals shared by the form drawing (draw.c) and its exchange pass (draw_improve.c). */
#ifndef KISI_DRAW_H
#define KISI_DRAW_H

#include <stdbool.h>
#include <stdint.h>

#include "session.h"

/* Version of the draw algorithm, recorded in each session file: 1 was the
 * exchange pass over random pairs of forms (never recorded), 2 the co-use
 * greedy with an exchange pass aimed at the worst pairs. A change to any
 * form drawn for the same secret must bump it (tests/kat checks). */
#define DRAW_VERSION 2

/* One candidate item of a stratum (topic, or topic x difficulty band). */
typedef struct cand {
    char *id;
    int noptions;
    bool pinned;
    uint32_t tie;     /* random tie-break, fixed per session */
    int use;          /* forms of this session that hold it */
    int *forms;       /* their draw positions */
    int stamp;        /* draw position + 1 of the form that took it last */
    int seen;         /* last attempt the current participant saw it, 0 = never */
    size_t gi;        /* index among every candidate of the draw */
} cand;

/* Draws every form of the unlocked (or being made) session s jointly
 * into out[i] for roster entry i, with draw algorithm DRAW_VERSION: a
 * function of bank, exam, session secret, roster and history only. On
 * failure out holds NULLs. Caller frees each form. */
bank_err draw_forms(bank_session *s, bank_form **out, char *why);

/* Checks that exam ex (of s's bank) is still the one s was made for. */
bank_err draw_check_exam(const bank_session *s, const bank_exam *ex, char *why);

/* Improves a joint draw in place: exchanges two items of one stratum
 * between two forms when that lowers the sum of squared pairwise overlaps
 * without raising the worst pair. Use counts, quotas and the unseen-first
 * rule (a form only ever receives items its participant has not seen) are
 * kept. picks holds m rows of `size` slots (row = draw position); slot i
 * may exchange with slots slot_lo[i]..slot_hi[i]-1 of another form. The
 * exchanges are chosen with a stream keyed by the session secret. */
bank_err draw_improve(cand **picks, size_t m, size_t size, const int *slot_lo,
                      const int *slot_hi, const sess_person *const *who,
                      const uint8_t secret[32]);

#endif
