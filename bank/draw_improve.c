/* draw_improve.c -- flattens the overlaps of a joint draw by exchanging items between forms. */
#include <stdlib.h>
#include <string.h>

#include "draw.h"

#define TRIES_PER_FORM 10000  /* random exchange attempts per form of the room */

typedef struct room {
    cand **picks;
    size_t m, size;
    int *ov;      /* m x m overlaps */
    int *da, *dc; /* per-form deltas of one candidate exchange */
    int worst;
} room;

static bool holds(const cand *c, int form)
{
    for (int f = 0; f < c->use; f++)
        if (c->forms[f] == form) return true;
    return false;
}

/* Replaces form `from` by `to` in c's list of forms. */
static void move_form(cand *c, int from, int to)
{
    for (int f = 0; f < c->use; f++)
        if (c->forms[f] == from) c->forms[f] = to;
}

/* Change of the sum of the overlaps' fourth powers if x leaves form a for
 * form c and y leaves c for a; sets *ok false when a pair would pass the
 * worst. (The sum of the overlaps is fixed by the items' exposure; the
 * steep power makes one pair less above the rest worth several pairs one
 * higher below it: with squares the search stuck at a worst pair of 7 in
 * one room of 25, with fourth powers it ends at 5 or 6.) */
static long exchange_cost(room *r, const cand *x, const cand *y, int a, int c, bool *ok)
{
    size_t m = r->m;
    for (int f = 0; f < x->use; f++) {
        int g = x->forms[f];
        if (g == a) continue;
        r->da[g]--;
        r->dc[g]++;
    }
    for (int f = 0; f < y->use; f++) {
        int g = y->forms[f];
        if (g == c) continue;
        r->da[g]++;
        r->dc[g]--;
    }
    long delta = 0;
    *ok = true;
    for (int pass = 0; pass < 2; pass++) {
        const cand *z = pass ? y : x;
        for (int f = 0; f < z->use; f++) {
            int g = z->forms[f];
            if (g == a || g == c) continue;
            if (r->da[g]) {
                long o = r->ov[(size_t)a * m + (size_t)g], n = o + r->da[g];
                delta += n * n * n * n - o * o * o * o;
                if (n > r->worst) *ok = false;
                r->da[g] = 0;
            }
            if (r->dc[g]) {
                long o = r->ov[(size_t)c * m + (size_t)g], n = o + r->dc[g];
                delta += n * n * n * n - o * o * o * o;
                if (n > r->worst) *ok = false;
                r->dc[g] = 0;
            }
        }
    }
    return delta;
}

/* Carries out the exchange and updates the overlaps. */
static void exchange(room *r, cand **sx, cand **sy, int a, int c)
{
    cand *x = *sx, *y = *sy;
    size_t m = r->m;
    for (int f = 0; f < x->use; f++) {
        int g = x->forms[f];
        if (g == a) continue;
        r->ov[(size_t)a * m + (size_t)g]--, r->ov[(size_t)g * m + (size_t)a]--;
        r->ov[(size_t)c * m + (size_t)g]++, r->ov[(size_t)g * m + (size_t)c]++;
    }
    for (int f = 0; f < y->use; f++) {
        int g = y->forms[f];
        if (g == c) continue;
        r->ov[(size_t)a * m + (size_t)g]++, r->ov[(size_t)g * m + (size_t)a]++;
        r->ov[(size_t)c * m + (size_t)g]--, r->ov[(size_t)g * m + (size_t)c]--;
    }
    move_form(x, a, c);
    move_form(y, c, a);
    *sx = y;
    *sy = x;
}

/* The overlap matrix from the forms lists, and the worst pair. */
static void overlaps(room *r)
{
    size_t m = r->m;
    for (size_t a = 0; a < m; a++)
        for (size_t i = 0; i < r->size; i++) {
            const cand *x = r->picks[a * r->size + i];
            for (int f = 0; f < x->use; f++)
                if ((size_t)x->forms[f] != a) r->ov[a * m + (size_t)x->forms[f]]++;
        }
    r->worst = 0;
    for (size_t k = 0; k < m * m; k++)
        if (r->ov[k] > r->worst) r->worst = r->ov[k];
}

bank_err draw_improve(cand **picks, size_t m, size_t size, const int *slot_lo,
                      const int *slot_hi, const sess_person *const *who,
                      const uint8_t secret[32])
{
    if (m < 3 || size == 0) return BANK_OK;
    room r = {picks, m, size, calloc(m * m, sizeof(int)), calloc(m, sizeof(int)),
              calloc(m, sizeof(int)), 0};
    bc_drbg d;
    bank_err e = r.ov && r.da && r.dc ? bc_drbg_init(&d, secret, "kisi-improve") : BANK_ENOMEM;
    if (!e) {
        overlaps(&r);
        size_t tries = m * TRIES_PER_FORM, since_worst = 0;
        for (size_t t = 0; t < tries; t++) {
            int a = (int)bc_drbg_below(&d, (uint32_t)m);
            int c = (int)bc_drbg_below(&d, (uint32_t)m - 1);
            if (c >= a) c++;
            size_t i = bc_drbg_below(&d, (uint32_t)size);
            size_t span = (size_t)(slot_hi[i] - slot_lo[i]);
            size_t j = (size_t)slot_lo[i] + bc_drbg_below(&d, (uint32_t)span);
            cand **sx = &picks[(size_t)a * size + i], **sy = &picks[(size_t)c * size + j];
            cand *x = *sx, *y = *sy;
            if (x == y || holds(x, c) || holds(y, a)) continue;
            /* a form only ever receives an item its participant has not seen */
            if ((who[c]->nseen && sess_seen_attempt(who[c], x->id)) ||
                (who[a]->nseen && sess_seen_attempt(who[a], y->id)))
                continue;
            bool ok;
            if (exchange_cost(&r, x, y, a, c, &ok) < 0 && ok) {
                exchange(&r, sx, sy, a, c);
                since_worst = 0;
            } else if (++since_worst > m * 1000) {
                break; /* nothing has improved for a long while */
            }
        }
        bc_drbg_free(&d);
    }
    free(r.ov);
    free(r.da);
    free(r.dc);
    return e;
}
