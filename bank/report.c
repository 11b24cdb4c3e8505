/* report.c -- bank lint (keys, duplicates, repeated options, short pools) and exposure counts. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "exam.h"
#include "internal.h"
#include "why.h"

/* Collects every item id. */
typedef struct idlist {
    char **v;
    size_t n, cap;
    bool oom;
} idlist;

static int collect_id(const bank_item_info *it, void *arg)
{
    idlist *l = arg;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        char **nv = realloc(l->v, cap * sizeof *nv);
        if (!nv) {
            l->oom = true;
            return 1;
        }
        l->v = nv;
        l->cap = cap;
    }
    l->v[l->n] = strdup(it->id);
    if (!l->v[l->n]) {
        l->oom = true;
        return 1;
    }
    l->n++;
    return 0;
}

static void idlist_free(idlist *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
}

/* Normalised text for comparisons: ASCII lower case, runs of white space
 * collapsed, ends trimmed. Caller frees. */
static char *norm_text(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;
    if (!out) return NULL;
    bool space = false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isspace(c)) {
            space = o != out;
            continue;
        }
        if (space) *o++ = ' ';
        space = false;
        *o++ = (char)tolower(c);
    }
    *o = 0;
    return out;
}

typedef struct stem_ref {
    char *stem;
    const char *id;
} stem_ref;

static int stem_cmp(const void *a, const void *b)
{
    const stem_ref *x = a, *y = b;
    int c = strcmp(x->stem, y->stem);
    return c ? c : strcmp(x->id, y->id);
}

/* Checks the items themselves; fills stems for the duplicate check. */
static bank_err lint_items(bank *b, idlist *ids, stem_ref *stems, bank_finding_fn fn, void *arg,
                           size_t *count, char *why)
{
    char text[WHY_SIZE];
    for (size_t i = 0; i < ids->n; i++) {
        bank_item it;
        bank_err e = bank_item_get(b, ids->v[i], &it, why);
        if (e) return e;
        if (!it.key[0]) {
            fn("no-key", it.id, "item has no answer key (draft: never drawn)", arg);
            (*count)++;
        }
        for (int x = 0; x < it.noptions; x++)
            for (int y = x + 1; y < it.noptions; y++) {
                char *nx = norm_text(it.options[x]), *ny = norm_text(it.options[y]);
                if (nx && ny && strcmp(nx, ny) == 0) {
                    snprintf(text, sizeof text, "options %c and %c read the same", 'A' + x,
                             'A' + y);
                    fn("repeated-option", it.id, text, arg);
                    (*count)++;
                }
                free(nx);
                free(ny);
            }
        stems[i].stem = norm_text(it.stem);
        stems[i].id = ids->v[i];
        bank_item_clear(&it);
        if (!stems[i].stem) return BANK_ENOMEM;
    }
    qsort(stems, ids->n, sizeof *stems, stem_cmp);
    for (size_t i = 1; i < ids->n; i++)
        if (strcmp(stems[i].stem, stems[i - 1].stem) == 0) {
            snprintf(text, sizeof text, "same stem as item %s", stems[i - 1].id);
            fn("duplicate-stem", stems[i].id, text, arg);
            (*count)++;
        }
    return BANK_OK;
}

typedef struct exam_ctx {
    bank *b;
    int remedials;
    bank_finding_fn fn;
    void *arg;
    size_t *count;
    bank_err e;
    char *why;
} exam_ctx;

/* Reports topics of one exam whose pool is short of quota x (1 + remedials). */
static int lint_exam(const char *id, void *arg)
{
    exam_ctx *c = arg;
    bank_exam *ex = bank_exam_get(c->b, id, &c->e, c->why);
    if (!ex) return 1;
    bool mix = exam_has_mix(ex);
    for (size_t t = 0; t < bank_exam_ntopics(ex); t++) {
        int quota;
        const char *topic = bank_exam_topic(ex, t, &quota);
        for (int band = 0; band < EXAM_NBANDS; band++) {
            int q = exam_band_quota(ex, t, band), lo = 1, hi = 5;
            if (q <= 0) continue;
            if (mix) exam_band_range(band, &lo, &hi);
            size_t have = 0;
            if ((c->e = bank_pool_size(c->b, topic, lo, hi, &have, c->why))) break;
            long want = (long)q * (1 + c->remedials);
            if ((long)have < want) {
                char subject[160], text[WHY_SIZE];
                snprintf(subject, sizeof subject, "%s/%s", id, topic);
                snprintf(text, sizeof text,
                         "pool of %zu%s items is short of %d x (1 + %d remedials) = %ld", have,
                         mix ? (band == 0 ? " easy" : band == 1 ? " medium" : " hard") : "", q,
                         c->remedials, want);
                c->fn("small-pool", subject, text, c->arg);
                (*c->count)++;
            }
        }
    }
    bank_exam_free(ex);
    return c->e != BANK_OK;
}

bank_err bank_lint(bank *b, int remedials, bank_finding_fn fn, void *arg, size_t *nfindings,
                   char *why)
{
    if (!b->unlocked) return BANK_ELOCKED;
    idlist ids = {0};
    *nfindings = 0;
    bank_err e = bank_each_item(b, collect_id, &ids, why);
    if (!e && ids.oom) e = BANK_ENOMEM;
    stem_ref *stems = e ? NULL : calloc(ids.n ? ids.n : 1, sizeof *stems);
    if (!e && !stems) e = BANK_ENOMEM;
    if (!e) e = lint_items(b, &ids, stems, fn, arg, nfindings, why);
    if (!e) {
        exam_ctx c = {b, remedials, fn, arg, nfindings, BANK_OK, why};
        e = bank_each_exam(b, lint_exam, &c, why);
        if (!e) e = c.e;
    }
    for (size_t i = 0; stems && i < ids.n; i++) free(stems[i].stem);
    free(stems);
    idlist_free(&ids);
    return e;
}

typedef struct expo_ctx {
    json_t *counts;
    int (*fn)(const bank_item_info *, long, void *);
    void *arg;
} expo_ctx;

static int expo_item(const bank_item_info *it, void *arg)
{
    expo_ctx *c = arg;
    long n = (long)json_integer_value(json_object_get(c->counts, it->id));
    return c->fn(it, n, c->arg);
}

bank_err bank_exposure(bank *b, const char *jsonl, size_t len,
                       int (*fn)(const bank_item_info *, long count, void *), void *arg,
                       char *why)
{
    json_t *counts = json_object();
    if (!counts) return BANK_ENOMEM;
    bank_err e = BANK_OK;
    const char *p = jsonl, *end = jsonl + len;
    for (int line = 1; !e && p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *stop = nl ? nl : end;
        size_t m = (size_t)(stop - p);
        json_error_t je;
        json_t *o = NULL;
        bool blank = strspn(p, " \t\r") >= m;
        if (!blank) o = json_loadb(p, m, 0, &je);
        json_t *items = json_object_get(o, "items");
        if (!blank && !json_is_array(items)) {
            why_set(why, "history line %d: not a form object with items", line);
            e = BANK_EPARSE;
        }
        size_t k;
        json_t *it;
        json_array_foreach(items, k, it) {
            const char *id = json_string_value(json_object_get(it, "id"));
            if (!id) continue;
            json_int_t n = json_integer_value(json_object_get(counts, id));
            json_object_set_new(counts, id, json_integer(n + 1));
        }
        json_decref(o);
        p = nl ? nl + 1 : end;
    }
    expo_ctx c = {counts, fn, arg};
    if (!e) e = bank_each_item(b, expo_item, &c, why);
    json_decref(counts);
    return e;
}
