/* draw_improve.c -- lowers the worst overlaps of a joint draw by exchanging items between forms. */
#include <stdlib.h>
#include <string.h>

#include "draw.h"

#define PAIR_TRIES 1000     /* exchange attempts to lower one pair at the worst */
#define TRIES_PER_FORM 400  /* attempts in all, per form of the room... */
#define TRIES_MIN 400000    /* ...and at least this many in a small room */
#define FLATTEN_PER_FORM 10000 /* random exchange attempts per form... */
#define FLATTEN_WORK 20000000  /* ...within about this many steps in all */
#define PASSES 5            /* passes over the worst pairs before giving up a level */

typedef struct room {
    cand **picks;
    size_t m, size;
    uint16_t *ov;      /* m x m overlaps */
    int *da, *dc;      /* per-form deltas of one candidate exchange */
    int *in_a, *in_c;  /* per candidate: stamp of the pair whose forms hold it */
    int bound;         /* no changed pair may pass this */
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
 * form c and y leaves c for a; *ok is false when a changed pair would
 * pass r->bound. (The sum of the overlaps is fixed by the items'
 * exposure; the steep power makes one pair above the rest worth several
 * pairs one higher below it.) */
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
            for (int side = 0; side < 2; side++) {
                int *dd = side ? r->dc : r->da;
                if (!dd[g]) continue;
                long o = r->ov[(size_t)(side ? c : a) * m + (size_t)g], n = o + dd[g];
                delta += n * n * n * n - o * o * o * o;
                if (n > r->bound && dd[g] > 0) *ok = false;
                dd[g] = 0;
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

/* The overlap matrix from the forms lists; returns the worst pair. */
static int overlaps(room *r)
{
    size_t m = r->m;
    int worst = 0;
    for (size_t a = 0; a < m; a++)
        for (size_t i = 0; i < r->size; i++) {
            const cand *x = r->picks[a * r->size + i];
            for (int f = 0; f < x->use; f++)
                if ((size_t)x->forms[f] != a) r->ov[a * m + (size_t)x->forms[f]]++;
        }
    for (size_t k = 0; k < m * m; k++)
        if (r->ov[k] > worst) worst = r->ov[k];
    return worst;
}

/* Random exchanges of one stratum's items between two forms that lower
 * the sum of the overlaps' fourth powers without passing the worst pair:
 * at most `tries` attempts, fewer when nothing improves for long. */
static void flatten(room *r, size_t tries, const int *slot_lo, const int *slot_hi,
                    const sess_person *const *who, bc_drbg *d)
{
    size_t m = r->m, size = r->size, since = 0;
    for (size_t t = 0; t < tries && since <= m * 1000; t++) {
        int a = (int)bc_drbg_below(d, (uint32_t)m);
        int c = (int)bc_drbg_below(d, (uint32_t)m - 1);
        if (c >= a) c++;
        size_t i = bc_drbg_below(d, (uint32_t)size);
        size_t j = (size_t)slot_lo[i] + bc_drbg_below(d, (uint32_t)(slot_hi[i] - slot_lo[i]));
        cand **sx = &r->picks[(size_t)a * size + i], **sy = &r->picks[(size_t)c * size + j];
        cand *x = *sx, *y = *sy;
        since++;
        if (x == y || holds(x, c) || holds(y, a)) continue;
        /* a form only ever receives an item its participant has not seen */
        if ((who[c]->nseen && sess_seen_attempt(who[c], x->id)) ||
            (who[a]->nseen && sess_seen_attempt(who[a], y->id)))
            continue;
        bool ok;
        if (exchange_cost(r, x, y, a, c, &ok) < 0 && ok) {
            exchange(r, sx, sy, a, c);
            since = 0;
        }
    }
}

/* Tries to lower pair (a, c), at the bound + 1, by moving one item they
 * share out of one of them to a third form; *budget counts attempts. */
static bool lower_pair(room *r, int a, int c, int stamp, const int *slot_lo, const int *slot_hi,
                       const sess_person *const *who, bc_drbg *d, size_t *budget)
{
    size_t size = r->size;
    for (size_t i = 0; i < size; i++) {
        r->in_a[r->picks[(size_t)a * size + i]->gi] = stamp;
        r->in_c[r->picks[(size_t)c * size + i]->gi] = stamp;
    }
    for (int t = 0; t < PAIR_TRIES && *budget > 0; t++, (*budget)--) {
        int src = bc_drbg_below(d, 2) ? c : a;
        int *other = src == a ? r->in_c : r->in_a;
        size_t i = bc_drbg_below(d, (uint32_t)size);
        cand **sx = &r->picks[(size_t)src * size + i], *x = *sx;
        if (other[x->gi] != stamp) continue; /* not an item the pair shares */
        int g = (int)bc_drbg_below(d, (uint32_t)r->m - 2);
        if (g >= (a < c ? a : c)) g++;
        if (g >= (a < c ? c : a)) g++;
        size_t j = (size_t)slot_lo[i] + bc_drbg_below(d, (uint32_t)(slot_hi[i] - slot_lo[i]));
        cand **sy = &r->picks[(size_t)g * size + j], *y = *sy;
        if (r->in_a[y->gi] == stamp || r->in_c[y->gi] == stamp || holds(x, g)) continue;
        /* a form only ever receives an item its participant has not seen */
        if ((who[g]->nseen && sess_seen_attempt(who[g], x->id)) ||
            (who[src]->nseen && sess_seen_attempt(who[src], y->id)))
            continue;
        bool ok;
        exchange_cost(r, x, y, src, g, &ok);
        if (ok) {
            exchange(r, sx, sy, src, g);
            return true;
        }
    }
    return false;
}

bank_err draw_improve(cand **picks, size_t m, size_t size, const int *slot_lo,
                      const int *slot_hi, const sess_person *const *who,
                      const uint8_t secret[32])
{
    if (m < 3 || size == 0) return BANK_OK;
    size_t ncand = 0, npairs = 0, cap = m;
    for (size_t k = 0; k < m * size; k++)
        if (picks[k]->gi >= ncand) ncand = picks[k]->gi + 1;
    room r = {picks, m, size, calloc(m * m, sizeof(uint16_t)), calloc(m, sizeof(int)),
              calloc(m, sizeof(int)), calloc(ncand, sizeof(int)), calloc(ncand, sizeof(int)), 0};
    int *pairs = malloc(cap * 2 * sizeof *pairs), *order = NULL;
    bc_drbg d;
    bank_err e = r.ov && r.da && r.dc && r.in_a && r.in_c && pairs
                     ? bc_drbg_init(&d, secret, "kisi-improve-2")
                     : BANK_ENOMEM;
    if (e) goto out;
    int worst = overlaps(&r), stamp = 0;
    /* 1. flatten the overlaps; an attempt costs about two items' exposure */
    size_t use = m * size / ncand + 1, tries = FLATTEN_WORK / use;
    r.bound = worst;
    flatten(&r, tries < m * FLATTEN_PER_FORM ? tries : m * FLATTEN_PER_FORM, slot_lo, slot_hi,
            who, &d);
    /* 2. lower the worst pairs one level at a time */
    worst = 0;
    for (size_t k = 0; k < m * m; k++)
        if (r.ov[k] > worst) worst = r.ov[k];
    size_t budget = m * TRIES_PER_FORM > TRIES_MIN ? m * TRIES_PER_FORM : TRIES_MIN;
    while (!e && worst > 0 && budget > 0) {
        /* the pairs at the worst, in a session-keyed order */
        npairs = 0;
        for (size_t a = 0; a < m; a++)
            for (size_t c = a + 1; c < m; c++) {
                if (r.ov[a * m + c] != worst) continue;
                if (npairs == cap) {
                    int *np = realloc(pairs, (cap *= 2) * 2 * sizeof *np);
                    if (!np) {
                        e = BANK_ENOMEM;
                        break;
                    }
                    pairs = np;
                }
                pairs[2 * npairs] = (int)a;
                pairs[2 * npairs++ + 1] = (int)c;
            }
        free(order);
        if (e || !(order = malloc(npairs * sizeof *order))) {
            e = BANK_ENOMEM;
            break;
        }
        for (size_t k = 0; k < npairs; k++) order[k] = (int)k;
        bc_shuffle(&d, order, npairs);
        r.bound = worst - 1;
        size_t left = npairs;
        for (int pass = 0; pass < PASSES && left > 0 && budget > 0; pass++) {
            size_t before = left;
            left = 0;
            for (size_t k = 0; k < npairs && budget > 0; k++) {
                int a = pairs[2 * order[k]], c = pairs[2 * order[k] + 1];
                if (r.ov[(size_t)a * m + (size_t)c] <= r.bound) continue;
                if (!lower_pair(&r, a, c, ++stamp, slot_lo, slot_hi, who, &d, &budget)) left++;
            }
            if (left == before) break; /* a pass that lowers none will not */
        }
        if (left > 0) break;
        worst--;
    }
    bc_drbg_free(&d);
out:
    free(order);
    free(pairs);
    free(r.ov);
    free(r.da);
    free(r.dc);
    free(r.in_a);
    free(r.in_c);
    return e;
}
