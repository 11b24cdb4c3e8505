/* score.c -- the scoring policy: raw scores, ceilings, pass marks, bands, answers. */
#include <stdint.h>
#include <string.h>

#include "exam.h"
#include "internal.h"
#include "why.h"

#define NSECTIONS_MAX 8  /* the parser allows no more */

/* SPEC section 3, from the top band down: lowest score of the band. */
static const struct band {
    int lo;
    const char *id, *en;
} bands[] = {
    {9001, "Sangat memuaskan", "very satisfactory"},
    {8001, "Memuaskan", "satisfactory"},
    {7001, "Cukup memuaskan", "fairly satisfactory"},
    {6001, "Kurang memuaskan", "unsatisfactory"},
    {0, "Tidak memuaskan", "very unsatisfactory"},
};

/* Scores above 10000 fall in the top band, below 0 in the lowest. */
static const struct band *band_of(int score)
{
    size_t i = 0;
    while (score < bands[i].lo && i + 1 < sizeof bands / sizeof bands[0]) i++;
    return &bands[i];
}

const char *bank_band(int score) { return band_of(score)->id; }
const char *bank_band_en(int score) { return band_of(score)->en; }

/* -1 unless 0 <= correct <= total and total > 0. */
int bank_raw_score(long long correct_weight, long long total_weight)
{
    if (total_weight <= 0 || correct_weight < 0 || correct_weight > total_weight) return -1;
    __extension__ typedef unsigned __int128 u128;
    u128 c = (u128)correct_weight, t = (u128)total_weight;
    return (int)((2 * BANK_SCORE_MAX * c + t) / (2 * t));
}

/* A fixed 320-bit unsigned integer, enough for the exact section sum. */
#define LIMBS 10
typedef struct big {
    uint32_t d[LIMBS];
} big;

static void big_set(big *a, uint64_t v)
{
    memset(a, 0, sizeof *a);
    a->d[0] = (uint32_t)v;
    a->d[1] = (uint32_t)(v >> 32);
}

static void big_mul(big *a, uint32_t m)
{
    uint64_t carry = 0;
    for (size_t i = 0; i < LIMBS; i++) {
        uint64_t x = (uint64_t)a->d[i] * m + carry;
        a->d[i] = (uint32_t)x;
        carry = x >> 32;
    }
}

static void big_add(big *a, const big *b)
{
    uint64_t carry = 0;
    for (size_t i = 0; i < LIMBS; i++) {
        uint64_t x = (uint64_t)a->d[i] + b->d[i] + carry;
        a->d[i] = (uint32_t)x;
        carry = x >> 32;
    }
}

/* a -= b; requires a >= b. */
static void big_sub(big *a, const big *b)
{
    uint64_t borrow = 0;
    for (size_t i = 0; i < LIMBS; i++) {
        uint64_t x = (uint64_t)a->d[i] - b->d[i] - borrow;
        a->d[i] = (uint32_t)x;
        borrow = (x >> 32) & 1;
    }
}

static bool big_less(const big *a, const big *b)
{
    for (size_t i = LIMBS; i-- > 0;)
        if (a->d[i] != b->d[i]) return a->d[i] < b->d[i];
    return false;
}

/* Sum over the sections of share x correct / total, rounded half-up once.
 * Whole parts are summed directly; the remainders r_s / t_s exactly over
 * the product of the totals (each < 2^32, at most 8 of them: < 2^256). */
static int sections_score(const bank_exam *e, size_t ns, const uint64_t *cw,
                          const uint64_t *tw)
{
    int whole = 0;
    big num, den, term;
    big_set(&num, 0);
    big_set(&den, 1);
    for (size_t s = 0; s < ns; s++) {
        uint64_t a = (uint64_t)exam_section_share(e, s) * cw[s];
        whole += (int)(a / tw[s]);
        big_set(&term, a % tw[s]);
        for (size_t j = 0; j < ns; j++)
            if (j != s) big_mul(&term, (uint32_t)tw[j]);
        big_add(&num, &term);
        big_mul(&den, (uint32_t)tw[s]);
    }
    /* floor(num / den + 1/2) = floor((2 num + den) / (2 den)), at most 8 */
    big_mul(&num, 2);
    big_add(&num, &den);
    big_mul(&den, 2);
    while (!big_less(&num, &den)) {
        big_sub(&num, &den);
        whole++;
    }
    return whole;
}

int exam_raw_score(const bank_exam *e, const score_line *lines, size_t n)
{
    size_t ns = exam_nsections(e);
    if (!e || (!lines && n) || ns > NSECTIONS_MAX) return -1;
    uint64_t cw[NSECTIONS_MAX + 1] = {0}, tw[NSECTIONS_MAX + 1] = {0};
    for (size_t i = 0; i < n; i++) {
        int s = ns ? exam_topic_section(e, lines[i].topic) : 0;
        if (s < 0 || lines[i].weight < 0) return -1;
        tw[s] += (uint64_t)lines[i].weight;
        if (lines[i].correct) cw[s] += (uint64_t)lines[i].weight;
        if (tw[s] > UINT32_MAX) return -1;
    }
    if (ns == 0) return bank_raw_score((long long)cw[0], (long long)tw[0]);
    for (size_t s = 0; s < ns; s++)
        if (tw[s] == 0) return -1;
    return sections_score(e, ns, cw, tw);
}

bank_err bank_exam_judge(const bank_exam *e, int attempt, int raw, bank_score *out, char *why)
{
    if (!e || !out) {
        why_set(why, "no exam or no place for the score");
        return BANK_EINVAL;
    }
    if (raw < 0 || raw > BANK_SCORE_MAX) {
        why_set(why, "raw score %d is outside 0..10000", raw);
        return BANK_EINVAL;
    }
    if (attempt < 1) {
        why_set(why, "attempt %d: attempts are numbered from 1", attempt);
        return BANK_EINVAL;
    }
    int max = bank_exam_max_attempts(e);
    if (max > 0 && attempt > max) {
        why_set(why, "attempt %d is beyond the %d allowed by %s exam \"%s\"", attempt, max,
                 bank_exam_kind_name(bank_exam_kind_of(e)), bank_exam_id(e));
        return BANK_EATTEMPTS;
    }
    int ceiling = bank_exam_ceiling(e, attempt);
    if (ceiling < 0) {
        why_set(why, "attempt %d is not covered by the ceilings of exam \"%s\"", attempt,
                 bank_exam_id(e));
        return BANK_EATTEMPTS;
    }
    out->raw = raw;
    out->ceiling = ceiling;
    out->awarded = raw < ceiling ? raw : ceiling;
    out->passed = out->awarded >= bank_exam_pass_mark(e);
    out->band = bank_band(out->awarded);
    return BANK_OK;
}

/* Set of option letters in `s` as bits (A = bit 0); -1 for anything else. */
static long letter_set(const char *s)
{
    long set = 0;
    for (; *s; s++) {
        char c = *s;
        if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        if (c < 'A' || c > 'Z') return -1;
        set |= 1L << (c - 'A');
    }
    return set;
}

bool bank_answer_correct(const char *key, const char *chosen)
{
    if (!key || !chosen || !*key || !*chosen) return false;
    long k = letter_set(key), c = letter_set(chosen);
    return k > 0 && k == c;
}
