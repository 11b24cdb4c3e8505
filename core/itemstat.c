/* itemstat.c -- item analysis: collects the responses of an exam's attempts and computes each item's figures. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "itemstat_int.h"

itemstat *itemstat_new(const char *exam_id)
{
    itemstat *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->exam = strdup(exam_id ? exam_id : "");
    if (!s->exam) {
        free(s);
        return NULL;
    }
    s->kr20 = s->mean = NAN;
    return s;
}

static void names_free(is_names *nm)
{
    for (size_t i = 0; i < nm->n; i++) free(nm->v[i]);
    free(nm->v);
    free(nm->slot);
    free(nm->order);
}

void itemstat_free(itemstat *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->ids.n; i++) {
        free((char *)s->items[i].kind);
        free((char *)s->items[i].key);
    }
    free(s->items);
    names_free(&s->who);
    names_free(&s->ids);
    free(s->att);
    free(s->resp);
    free(s->exam);
    free(s);
}

/* FNV-1a of s. */
static size_t hash(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return (size_t)h;
}

/* Puts index i of nm->v into the slot table (which has a free slot). */
static void slot_put(is_names *nm, size_t i)
{
    size_t k = hash(nm->v[i]) & (nm->nslot - 1);
    while (nm->slot[k]) k = (k + 1) & (nm->nslot - 1);
    nm->slot[k] = i + 1;
}

/* Grows the array *v of *cap elements of `size` bytes to hold n + 1. */
static int grow(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap) return 0;
    size_t c = *cap ? *cap * 2 : 16;
    void *nv = realloc(*v, c * size);
    if (!nv) return -1;
    *v = nv;
    *cap = c;
    return 0;
}

/* Index of `name` in nm (names in the order added, found by hash), added
 * when new (*added set); -1 on ENOMEM. */
static long names_get(is_names *nm, const char *name, bool *added)
{
    *added = false;
    for (size_t k = nm->nslot ? hash(name) & (nm->nslot - 1) : 0; nm->nslot && nm->slot[k];
         k = (k + 1) & (nm->nslot - 1))
        if (strcmp(nm->v[nm->slot[k] - 1], name) == 0) return (long)(nm->slot[k] - 1);
    if (2 * (nm->n + 1) > nm->nslot) {
        size_t ns = nm->nslot ? nm->nslot * 2 : 64, *sl = calloc(ns, sizeof *sl);
        if (!sl) return -1;
        free(nm->slot);
        nm->slot = sl;
        nm->nslot = ns;
        for (size_t i = 0; i < nm->n; i++) slot_put(nm, i);
    }
    char *copy = strdup(name);
    if (!copy || grow((void **)&nm->v, &nm->cap, nm->n, sizeof *nm->v)) {
        free(copy);
        return -1;
    }
    nm->v[nm->n] = copy;
    slot_put(nm, nm->n);
    *added = true;
    return (long)nm->n++;
}

/* A name and its index, for sorting. */
typedef struct named {
    const char *name;
    size_t idx;
} named;

static int named_cmp(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

/* Sets nm->order to the indexes of nm->v in name order. -1 on ENOMEM. */
static int names_sort(is_names *nm)
{
    named *t = malloc((nm->n + 1) * sizeof *t);
    size_t *o = realloc(nm->order, (nm->n + 1) * sizeof *o);
    if (o) nm->order = o;
    if (!t || !o) {
        free(t);
        return -1;
    }
    for (size_t i = 0; i < nm->n; i++) t[i] = (named){nm->v[i], i};
    qsort(t, nm->n, sizeof *t, named_cmp);
    for (size_t i = 0; i < nm->n; i++) o[i] = t[i].idx;
    free(t);
    return 0;
}

/* Checks one response: kind known, 2..8 options, key and chosen letters
 * among them, each once. */
static int resp_check(const itemstat_resp *r, char *why)
{
    if (!r->id || !r->id[0] || strlen(r->id) > 64)
        return why_set(why, "a response names no item (or an id of over 64 bytes)");
    if (!r->kind || bank_kind_parse(r->kind) < 0)
        return why_set(why, "item %s: kind '%.20s' is not single, multi or truefalse", r->id,
                       r->kind ? r->kind : "");
    if (r->noptions < 2 || r->noptions > ITEMSTAT_OPTIONS)
        return why_set(why, "item %s: %d options, not 2 to %d", r->id, r->noptions,
                       ITEMSTAT_OPTIONS);
    const char *sets[2] = {r->key ? r->key : "", r->chosen ? r->chosen : ""};
    for (int k = 0; k < 2; k++) {
        unsigned seen = 0;
        for (const char *c = sets[k]; *c; c++) {
            int o = *c - 'A';
            if (o < 0 || o >= r->noptions || (seen & (1u << o)))
                return why_set(why, "item %s: %s '%.10s' is not letters A to %c, each once", r->id,
                               k ? "answer" : "key", sets[k], 'A' + r->noptions - 1);
            seen |= 1u << o;
        }
    }
    if (!sets[0][0]) return why_set(why, "item %s has no key", r->id);
    return 0;
}

int itemstat_add(itemstat *s, const char *who, int attempt, const itemstat_resp *r, size_t n,
                 char *why)
{
    if (!who || !who[0] || attempt < 1 || (n && !r))
        return why_set(why, "an attempt needs a participant and an attempt number from 1");
    for (size_t i = 0; i < n; i++) {
        if (resp_check(&r[i], why)) return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(r[i].id, r[j].id) == 0)
                return why_set(why, "item %s is twice in attempt %d of %.40s", r[i].id, attempt,
                               who);
    }
    bool added;
    long w = names_get(&s->who, who, &added);
    if (w < 0) return why_set(why, "out of memory");
    if (grow((void **)&s->att, &s->capatt, s->natt, sizeof *s->att)) return why_set(why, "out of memory");
    while (s->capresp < s->nresp + n)
        if (grow((void **)&s->resp, &s->capresp, s->capresp, sizeof *s->resp))
            return why_set(why, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (grow((void **)&s->items, &s->capitems, s->ids.n, sizeof *s->items))
            return why_set(why, "out of memory");
        long it = names_get(&s->ids, r[i].id, &added);
        if (it < 0) return why_set(why, "out of memory");
        if (added) {
            itemstat_item *x = &s->items[it];
            memset(x, 0, sizeof *x);
            x->id = s->ids.v[it];
            x->kind = strdup(r[i].kind);
            x->key = strdup(r[i].key);
            x->noptions = r[i].noptions;
            if (!x->kind || !x->key) return why_set(why, "out of memory");
        } else if (r[i].noptions > s->items[it].noptions) {
            s->items[it].noptions = r[i].noptions;
        }
        is_resp *o = &s->resp[s->nresp + i];
        o->item = (size_t)it;
        snprintf(o->chosen, sizeof o->chosen, "%s", r[i].chosen ? r[i].chosen : "");
        o->right = bank_answer_correct(s->items[it].key, o->chosen);
    }
    s->att[s->natt++] = (is_attempt){(size_t)w, attempt, s->nresp, n, false};
    s->nresp += n;
    return 0;
}

/* One counted response of an item for its discrimination: right or not,
 * the rest of the form's share right, the attempt's order. */
typedef struct pair {
    double x, rest;
    size_t ord;
} pair;

/* Upper group first: higher rest, then the earlier attempt. */
static int pair_cmp(const void *a, const void *b)
{
    const pair *p = a, *q = b;
    if (p->rest != q->rest) return p->rest > q->rest ? -1 : 1;
    return p->ord < q->ord ? -1 : p->ord > q->ord;
}

/* Point-biserial (Pearson) of x with rest over n pairs; NAN when either
 * has no variance or n < 2. */
static double pearson(const pair *v, size_t n)
{
    if (n < 2) return NAN;
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; i++) mx += v[i].x, my += v[i].rest;
    mx /= (double)n;
    my /= (double)n;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        double dx = v[i].x - mx, dy = v[i].rest - my;
        sxy += dx * dy, sxx += dx * dx, syy += dy * dy;
    }
    if (sxx <= 0 || syy <= 1e-12) return NAN;
    return sxy / sqrt(sxx * syy);
}

/* Facility of the upper 27 % minus that of the lower 27 % (v sorted). */
static double upper_lower(const pair *v, size_t n)
{
    size_t g = (size_t)floor(0.27 * (double)n + 0.5);
    if (g < 1) return NAN;
    double up = 0, low = 0;
    for (size_t i = 0; i < g; i++) up += v[i].x, low += v[n - 1 - i].x;
    return (up - low) / (double)g;
}

/* The flags of item x from its figures. */
static unsigned flags_of(const itemstat_item *x)
{
    if (x->n < ITEMSTAT_FEW) return ITEMSTAT_FEW_DATA;
    unsigned f = 0;
    if (x->p < 0.20) f |= ITEMSTAT_HARD;
    if (x->p > 0.95) f |= ITEMSTAT_EASY;
    if (isnan(x->rpb) || x->rpb < 0.10) f |= ITEMSTAT_LOW_DISC;
    if (!isnan(x->rpb) && x->rpb < 0) f |= ITEMSTAT_NEGATIVE_DISC;
    for (int o = 0; o < x->noptions; o++)
        if (x->chosen[o] == 0) f |= ITEMSTAT_UNCHOSEN;
    return f;
}

/* By participant (in the order added), then attempt. */
static int att_cmp(const void *a, const void *b)
{
    const is_attempt *p = *(is_attempt *const *)a, *q = *(is_attempt *const *)b;
    if (p->who != q->who) return p->who < q->who ? -1 : 1;
    return (p->attempt > q->attempt) - (p->attempt < q->attempt);
}

/* Marks each participant's lowest attempt as counted (by[] holds the
 * attempts sorted by participant and attempt); *n gets how many. -1 with
 * why when an attempt of a participant is there twice. */
static int mark_counted(itemstat *s, is_attempt **by, int *n, char *why)
{
    *n = 0;
    for (size_t k = 0; k < s->natt; k++) {
        bool first = k == 0 || by[k - 1]->who != by[k]->who;
        if (!first && by[k - 1]->attempt == by[k]->attempt)
            return why_set(why, "attempt %d of participant %.40s is there twice", by[k]->attempt,
                           s->who.v[by[k]->who]);
        by[k]->counted = first;
        *n += first;
    }
    return 0;
}

/* Exposure: forms holding each item, and distinct people who saw it (by[]
 * grouped by participant; last[] has room for every item). */
static void exposure(itemstat *s, is_attempt *const *by, size_t *last)
{
    for (size_t i = 0; i < s->ids.n; i++) last[i] = SIZE_MAX;
    for (size_t k = 0; k < s->natt; k++)
        for (size_t j = 0; j < by[k]->n; j++) {
            size_t it = s->resp[by[k]->first + j].item;
            s->items[it].forms++;
            if (last[it] != by[k]->who) s->items[it].seen_by++, last[it] = by[k]->who;
        }
}

/* KR-20 over the counted forms (all of one size), and the mean share right. */
static void reliability(itemstat *s)
{
    double sum = 0, sum2 = 0, pq = 0;
    size_t k = 0, n = 0;
    bool same = true;
    for (size_t a = 0; a < s->natt; a++) {
        const is_attempt *t = &s->att[a];
        if (!t->counted || !t->n) continue;
        if (k && t->n != k) same = false;
        k = t->n;
        double x = 0;
        for (size_t j = 0; j < t->n; j++) {
            const is_resp *r = &s->resp[t->first + j];
            x += r->right;
            pq += s->items[r->item].p * (1 - s->items[r->item].p);
        }
        sum += x, sum2 += x * x, n++;
    }
    if (!n) return;
    double mean = sum / (double)n, var = sum2 / (double)n - mean * mean;
    s->mean = same ? mean / (double)k : NAN;
    if (same && k >= 2 && n >= 2 && var > 1e-12)
        s->kr20 = (double)k / (double)(k - 1) * (1 - (pq / (double)n) / var);
}

int itemstat_compute(itemstat *s, char *why)
{
    size_t ni = s->ids.n;
    is_attempt **by = malloc((s->natt + 1) * sizeof *by);
    size_t *start = calloc(ni + 1, sizeof *start), *last = malloc((ni + 1) * sizeof *last);
    pair *pairs = malloc((s->nresp + 1) * sizeof *pairs);
    int rc = !by || !start || !last || !pairs || names_sort(&s->ids) ? why_set(why, "out of memory")
                                                                      : 0;
    for (size_t a = 0; !rc && a < s->natt; a++) by[a] = &s->att[a];
    if (!rc) qsort(by, s->natt, sizeof *by, att_cmp);
    if (!rc) rc = mark_counted(s, by, &s->participants, why);
    if (rc) {
        free(by), free(start), free(last), free(pairs);
        return -1;
    }
    s->kr20 = s->mean = NAN;
    for (size_t i = 0; i < ni; i++) {
        itemstat_item *x = &s->items[i];
        x->n = x->omitted = x->forms = x->seen_by = 0;
        memset(x->chosen, 0, sizeof x->chosen);
    }
    /* counted responses grouped by item: start[i] .. start[i + 1] in pairs */
    for (size_t a = 0; a < s->natt; a++)
        for (size_t k = 0; s->att[a].counted && k < s->att[a].n; k++)
            start[s->resp[s->att[a].first + k].item + 1]++;
    for (size_t i = 0; i < ni; i++) start[i + 1] += start[i];
    for (size_t a = 0; a < s->natt; a++) {
        const is_attempt *t = &s->att[a];
        if (!t->counted) continue;
        int right = 0;
        for (size_t k = 0; k < t->n; k++) right += s->resp[t->first + k].right;
        for (size_t k = 0; k < t->n; k++) {
            const is_resp *r = &s->resp[t->first + k];
            itemstat_item *x = &s->items[r->item];
            double rest = t->n > 1 ? (double)(right - r->right) / (double)(t->n - 1) : 0;
            pairs[start[r->item] + (size_t)x->n] = (pair){r->right, rest, a};
            x->n++;
            if (!r->chosen[0]) x->omitted++;
            for (const char *c = r->chosen; *c; c++) x->chosen[*c - 'A']++;
        }
    }
    for (size_t i = 0; i < ni; i++) {
        itemstat_item *x = &s->items[i];
        pair *v = pairs + start[i];
        size_t n = (size_t)x->n;
        double right = 0;
        for (size_t k = 0; k < n; k++) right += v[k].x;
        x->p = n ? right / (double)n : NAN;
        x->rpb = pearson(v, n);
        qsort(v, n, sizeof *v, pair_cmp);
        x->d27 = upper_lower(v, n);
    }
    exposure(s, by, last);
    reliability(s);
    for (size_t i = 0; i < ni; i++) s->items[i].flags = flags_of(&s->items[i]);
    free(by), free(start), free(last), free(pairs);
    return 0;
}

int itemstat_participants(const itemstat *s)
{
    return s->participants;
}

double itemstat_kr20(const itemstat *s)
{
    return s->kr20;
}

size_t itemstat_nitems(const itemstat *s)
{
    return s->ids.n;
}

const itemstat_item *itemstat_item_at(const itemstat *s, size_t i)
{
    return i < s->ids.n && s->ids.order ? &s->items[s->ids.order[i]] : NULL;
}

void itemstat_flag_names(unsigned flags, char *buf, size_t cap)
{
    static const char *const names[] = {"few-data", "too-hard", "too-easy", "low-discrimination",
                                        "negative-discrimination", "unchosen-option"};
    size_t len = 0;
    if (cap) buf[0] = 0;
    for (size_t b = 0; b < sizeof names / sizeof names[0]; b++) {
        if (!(flags & (1u << b)) || len >= cap) continue;
        int w = snprintf(buf + len, cap - len, "%s%s", len ? " " : "", names[b]);
        if (w > 0) len += (size_t)w;
    }
}
