/* import_ids.c -- stable ids and topics of imported questions: hashes, same stems, duplicates, categories. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "bank.h"
#include "import.h"
#include "why.h"

/* md gets SHA-256 of a, and of "\n" and b when b is not NULL. */
static bool ids_sha256(const char *a, const char *b, unsigned char *md)
{
    unsigned int mdlen = 0;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    bool ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 &&
              EVP_DigestUpdate(c, a, strlen(a)) == 1 &&
              (!b || (EVP_DigestUpdate(c, "\n", 1) == 1 &&
                      EVP_DigestUpdate(c, b, strlen(b)) == 1)) &&
              EVP_DigestFinal_ex(c, md, &mdlen) == 1 && mdlen >= 5;
    EVP_MD_CTX_free(c);
    return ok;
}

bank_err import_make_id(bank_item *it, const char *salt)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    if (!it->topic) return BANK_EINVAL;
    size_t tlen = strlen(it->topic);
    bool cut = tlen > IMPORT_NAME_MAX - 11;
    if (cut) tlen = IMPORT_NAME_MAX - 11;
    /* a topic cut short no longer tells topics apart: the digest does */
    sbuf both = {0};
    if (cut) {
        sbuf_printf(&both, "%s%s%s", it->topic, salt ? "\n" : "", salt ? salt : "");
        if (both.failed) return BANK_ENOMEM;
        salt = both.p;
    }
    bool ok = ids_sha256(it->stem ? it->stem : "", salt, md);
    sbuf_free(&both);
    if (!ok) return BANK_ECRYPTO;
    char *id = malloc(tlen + 12);
    if (!id) return BANK_ENOMEM;
    memcpy(id, it->topic, tlen);
    snprintf(id + tlen, 12, "-%02x%02x%02x%02x%02x", md[0], md[1], md[2], md[3], md[4]);
    free(it->id);
    it->id = id;
    return BANK_OK;
}

static int by_id_then_line(const void *a, const void *b)
{
    const bank_item *x = *(const bank_item *const *)a, *y = *(const bank_item *const *)b;
    int c = strcmp(x->id, y->id);
    if (c) return c;
    return (x->line > y->line) - (x->line < y->line);
}

static int by_stem_then_line(const void *a, const void *b)
{
    const bank_item *x = *(const bank_item *const *)a, *y = *(const bank_item *const *)b;
    int c = strcmp(x->topic, y->topic);
    if (!c) c = strcmp(x->stem, y->stem);
    if (c) return c;
    return (x->line > y->line) - (x->line < y->line);
}

/* The items of l (those without an id when `idless`) as pointers sorted by
 * cmp; caller frees. NULL on ENOMEM; *n gets the count. */
static const bank_item **ids_sorted(const bank_items *l, bool idless,
                                    int (*cmp)(const void *, const void *), size_t *n)
{
    *n = 0;
    if (l->n > SIZE_MAX / sizeof(bank_item *)) return NULL;
    const bank_item **v = malloc((l->n ? l->n : 1) * sizeof *v);
    if (!v) return NULL;
    for (size_t i = 0; i < l->n; i++)
        if (!idless || !l->v[i].id) v[(*n)++] = &l->v[i];
    qsort(v, *n, sizeof *v, cmp);
    return v;
}

/* True when no other item of the run v[lo, hi) has the title of v[k]. */
static bool title_unique(const bank_item **v, size_t lo, size_t hi, size_t k)
{
    if (!v[k]->title) return false;
    for (size_t j = lo; j < hi; j++)
        if (j != k && v[j]->title && strcmp(v[j]->title, v[k]->title) == 0) return false;
    return true;
}

bank_err import_assign_ids(bank_items *l, import_ctx *cx)
{
    size_t n;
    const bank_item **v = ids_sorted(l, true, by_stem_then_line, &n);
    if (!v) return BANK_ENOMEM;
    bank_err rc = BANK_OK;
    for (size_t lo = 0, hi; rc == BANK_OK && lo < n; lo = hi) {
        hi = lo + 1;
        while (hi < n && strcmp(v[lo]->stem, v[hi]->stem) == 0 &&
               strcmp(v[lo]->topic, v[hi]->topic) == 0)
            hi++;
        /* one stem: its hash; the same stem again: the title, else the ordinal */
        for (size_t k = lo; rc == BANK_OK && k < hi; k++) {
            char ord[24];
            snprintf(ord, sizeof ord, "#%zu", k - lo + 1);
            const char *salt = hi - lo == 1             ? NULL
                               : title_unique(v, lo, hi, k) ? v[k]->title
                               : k == lo                    ? NULL
                                                            : ord;
            rc = import_make_id((bank_item *)v[k], salt);
        }
    }
    free(v);
    if (rc) snprintf(cx->why, WHY_SIZE, "cannot make an id: %s", bank_strerror(rc));
    return rc;
}

bank_err import_check_duplicates(const bank_items *l, import_ctx *cx)
{
    size_t n;
    const bank_item **v = ids_sorted(l, false, by_id_then_line, &n);
    if (!v) return BANK_ENOMEM;
    for (size_t i = 1, f = 0; i < n; i++) {
        if (strcmp(v[i - 1]->id, v[i]->id) != 0) {
            f = i;
            continue;
        }
        snprintf(cx->why, WHY_SIZE, "line %d: duplicate id \"%s\" (first on line %d)",
                 v[i]->line, v[i]->id, v[f]->line);
        import_report(cx);
    }
    free(v);
    return BANK_OK;
}

/* ------------------------------------------------------------------ */
/* Categories                                                          */

#define CAT_PARTS 32  /* parts of a path looked at, from the end */

/* A category path cut into its parts, each made a topic word. */
typedef struct cat_path {
    char part[CAT_PARTS][IMPORT_NAME_MAX + 1];
    int n;
} cat_path;

/* Makes raw (rn bytes) a topic word in w (IMPORT_NAME_MAX + 1 bytes):
 * runs of characters outside [A-Za-z0-9._-] become one '-', none at the
 * ends. Returns its length. */
static size_t cat_word(const char *raw, size_t rn, char *w)
{
    size_t o = 0;
    for (size_t i = 0; i < rn && o < IMPORT_NAME_MAX; i++) {
        char ch = raw[i];
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
        if (ok) w[o++] = ch;
        else if (o && w[o - 1] != '-') w[o++] = '-';
    }
    while (o && w[o - 1] == '-') o--;
    w[o] = '\0';
    return o;
}

/* Cuts path into parts (the last CAT_PARTS kept): "//" is a '/' of a part,
 * "$course$"-like parts and a leading "top" are dropped (a path of only
 * those is "top"), and each part is made a topic word. */
static void cat_split(const char *path, cat_path *cp)
{
    cp->n = 0;
    const char *p = path;
    bool first = true, top = false;
    while (*p) {
        char raw[256];
        size_t rn = 0;
        for (; *p; p++) {
            if (*p == '/' && p[1] == '/') p++;
            else if (*p == '/') break;
            if (rn < sizeof raw - 1) raw[rn++] = *p;
        }
        if (*p == '/') p++;
        const char *r = raw;
        while (rn && (*r == ' ' || *r == '\t')) r++, rn--;
        while (rn && (r[rn - 1] == ' ' || r[rn - 1] == '\t' || r[rn - 1] == '\r')) rn--;
        if (rn >= 2 && r[0] == '$' && r[rn - 1] == '$') continue;  /* $course$, $system$ */
        char w[IMPORT_NAME_MAX + 1];
        size_t o = cat_word(r, rn, w);
        if (first && strcmp(w, "top") == 0) {
            first = false;
            top = true;
            continue;
        }
        first = false;
        if (!o) continue;
        if (cp->n == CAT_PARTS) {
            memmove(cp->part[0], cp->part[1], sizeof cp->part[0] * (CAT_PARTS - 1));
            cp->n--;
        }
        memcpy(cp->part[cp->n++], w, o + 1);
    }
    if (cp->n == 0 && top) memcpy(cp->part[cp->n++], "top", 4);
}

/* The last k parts of cp joined with '.' into out (cap bytes); false when
 * they do not fit. */
static bool cat_tail(const cat_path *cp, int k, char *out, size_t cap)
{
    size_t o = 0;
    for (int i = cp->n - k; i < cp->n; i++) {
        size_t m = strlen(cp->part[i]);
        if (o + m + (o ? 1 : 0) >= cap) return false;
        if (o) out[o++] = '.';
        memcpy(out + o, cp->part[i], m);
        o += m;
    }
    out[o] = '\0';
    return true;
}

bool import_category_topic(const char *path, const char *const *all, size_t n, char *topic)
{
    cat_path me, other;
    cat_split(path, &me);
    if (me.n == 0) return false;
    char mine[1024], theirs[1024];
    int k;
    bool clash = true;
    for (k = 1; k <= me.n; k++) {
        if (!cat_tail(&me, k, mine, sizeof mine)) {  /* too long: the last that fitted */
            k--;
            break;
        }
        clash = false;
        for (size_t i = 0; i < n && !clash; i++) {
            if (strcmp(all[i], path) == 0) continue;
            cat_split(all[i], &other);
            clash = other.n >= k && cat_tail(&other, k, theirs, sizeof theirs) &&
                    strcmp(mine, theirs) == 0;
        }
        if (!clash) break;
    }
    if (k > me.n) k = me.n;
    if (k < 1) k = 1;
    cat_tail(&me, k, mine, sizeof mine);  /* one part always fits */
    size_t m = strlen(mine);
    if (!clash && m <= IMPORT_NAME_MAX) {
        memcpy(topic, mine, m + 1);
        return true;
    }
    /* another path with the same words, or too long: the tail and a hash */
    unsigned char md[EVP_MAX_MD_SIZE];
    if (!ids_sha256(path, NULL, md)) return false;
    size_t keep = m > IMPORT_NAME_MAX - 9 ? IMPORT_NAME_MAX - 9 : m;
    memcpy(topic, mine + (m - keep), keep);
    snprintf(topic + keep, 10, "-%02x%02x%02x%02x", md[0], md[1], md[2], md[3]);
    return true;
}
