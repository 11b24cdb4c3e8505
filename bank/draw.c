/* draw.c -- draws every form of a session jointly: quotas, unseen-first, balanced exposure, low overlap. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "draw.h"
#include "exam.h"
#include "form_int.h"
#include "why.h"

#define DRAW_CO_MAX 4096 /* most candidates whose co-use is counted (32 MB) */

typedef struct stratum {
    const char *topic;
    int band;         /* EXAM_EASY.., or -1 for the whole topic */
    int quota;
    cand *v;
    size_t n;
    size_t base;      /* index of v[0] among every candidate of the draw */
} stratum;

/* Draw state of one session. */
typedef struct draw {
    bank_session *s;
    const bank_exam *ex;
    stratum *st;
    size_t nst;
    int *order;       /* roster indices in draw order */
    size_t ncand;     /* candidates of every stratum */
    uint16_t *co;     /* ncand x ncand: forms holding both candidates, or NULL */
    int *csum;        /* per candidate: overlap it would add to the current form */
    char why[WHY_SIZE];
} draw;

/* Reads up to `limit` drawable items of a stratum in rank order starting
 * at `from` (or before it, when `before`). */
static bank_err load_range(draw *d, stratum *s, int64_t from, bool before, size_t limit)
{
    sqlite3 *db = d->s->b->db;
    const char *sql =
        s->band < 0
            ? (before ? "SELECT id, noptions, pinned FROM items WHERE topic = ?1 AND draft = 0"
                        " AND rank < ?2 ORDER BY rank LIMIT ?3"
                      : "SELECT id, noptions, pinned FROM items WHERE topic = ?1 AND draft = 0"
                        " AND rank >= ?2 ORDER BY rank LIMIT ?3")
            : (before ? "SELECT id, noptions, pinned FROM items WHERE topic = ?1 AND draft = 0"
                        " AND band = ?4 AND rank < ?2 ORDER BY rank LIMIT ?3"
                      : "SELECT id, noptions, pinned FROM items WHERE topic = ?1 AND draft = 0"
                        " AND band = ?4 AND rank >= ?2 ORDER BY rank LIMIT ?3");
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL);
    if (rc != SQLITE_OK) return kdb_dberr(db, rc, "items", d->why);
    sqlite3_bind_text(q, 1, s->topic, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, from);
    sqlite3_bind_int64(q, 3, (sqlite3_int64)limit);
    if (s->band >= 0) sqlite3_bind_int(q, 4, s->band);
    bank_err e = BANK_OK;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(q, 0);
        int nopt = sqlite3_column_int(q, 1);
        if (!id || nopt < 2 || nopt > BANK_MAX_OPTIONS) {
            why_set(d->why, "item row in topic %s is damaged", s->topic);
            e = BANK_ECORRUPT;
            break;
        }
        cand *c = &s->v[s->n++];
        c->id = strdup(id);
        c->noptions = nopt;
        c->pinned = sqlite3_column_int(q, 2) != 0;
        if (!c->id) {
            e = BANK_ENOMEM;
            break;
        }
    }
    if (!e && rc != SQLITE_DONE) e = kdb_dberr(db, rc, "items", d->why);
    sqlite3_finalize(q);
    return e;
}

/* Loads the window of a stratum: the next `need` items in the bank's
 * random rank order from a session-random start, wrapping around. Every
 * item outside the window is interchangeable with an unused one inside. */
static bank_err load_stratum(draw *d, stratum *s, size_t need)
{
    char label[200];
    snprintf(label, sizeof label, "kisi-pool|%s|%s|%d", bank_exam_id(d->ex), s->topic, s->band);
    bc_drbg r;
    bank_err e = bc_drbg_init(&r, d->s->secret, label);
    if (e) return e;
    int64_t start = (int64_t)(bc_drbg_u64(&r) >> 1);
    s->v = calloc(need, sizeof *s->v);
    if (!s->v) e = BANK_ENOMEM;
    if (!e) e = load_range(d, s, start, false, need);
    if (!e && s->n < need) e = load_range(d, s, start, true, need - s->n);
    for (size_t j = 0; !e && j < s->n; j++) s->v[j].tie = (uint32_t)bc_drbg_u64(&r);
    bc_drbg_free(&r);
    if (!e && s->n < (size_t)s->quota) {
        why_set(d->why, "topic %s has %zu drawable items, the exam needs %d", s->topic, s->n,
                 s->quota);
        e = BANK_EQUOTA;
    }
    return e;
}

/* True when candidate a is a better pick than b for the current form. */
static bool better(const cand *a, int asum, const cand *b, int bsum)
{
    /* unseen first, then the longest-ago seen */
    if (a->seen != b->seen) return a->seen < b->seen;
    if (a->use != b->use) return a->use < b->use;   /* balanced exposure */
    if (asum != bsum) return asum < bsum;           /* lowest overlap with earlier forms */
    return a->tie < b->tie;
}

/* Picks `quota` items of stratum k for the form at draw position `pos`
 * of person p; appends them to picks. The overlap a candidate would add
 * (d->csum) is kept from the co-use counts, so a pick costs one pass over
 * the candidates whatever the size of the room. */
static bank_err pick_stratum(draw *d, size_t k, int pos, const sess_person *p, cand **picks,
                             size_t *npicks)
{
    stratum *s = &d->st[k];
    for (size_t j = 0; j < s->n; j++)
        s->v[j].seen = p->nseen ? sess_seen_attempt(p, s->v[j].id) : 0;
    for (int q = 0; q < s->quota; q++) {
        size_t best = s->n;
        for (size_t j = 0; j < s->n; j++) {
            cand *c = &s->v[j];
            if (c->stamp == pos + 1) continue;
            if (best == s->n ||
                better(c, d->csum[s->base + j], &s->v[best], d->csum[s->base + best]))
                best = j;
        }
        if (best == s->n) {
            why_set(d->why, "topic %s ran out of items", s->topic);
            return BANK_EQUOTA;
        }
        cand *c = &s->v[best];
        int *nf = realloc(c->forms, (size_t)(c->use + 1) * sizeof *nf);
        if (!nf) return BANK_ENOMEM;
        c->forms = nf;
        c->forms[c->use++] = pos;
        c->stamp = pos + 1;
        picks[(*npicks)++] = c;
        /* only the strata still to pick from need the overlap it adds */
        const uint16_t *row = d->co ? d->co + (s->base + best) * d->ncand : NULL;
        for (size_t g = s->base; row && g < d->ncand; g++) d->csum[g] += row[g];
    }
    return BANK_OK;
}

/* Counts the co-use of every pair of candidates on a finished form. */
static void count_co(draw *d, cand **picks, size_t n)
{
    if (!d->co) return;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            d->co[picks[i]->gi * d->ncand + picks[j]->gi]++;
            d->co[picks[j]->gi * d->ncand + picks[i]->gi]++;
        }
}

/* Builds the form of person p from its picks: item order and option
 * order shuffled with a stream keyed by session, participant and attempt. */
static bank_form *make_form(draw *d, const sess_person *p, cand **picks, size_t n,
                            const char **topics, bank_err *err)
{
    bank_form *f = form_new(bank_exam_id(d->ex), d->s->id, p->nip, p->attempt, n);
    if (!f) {
        *err = BANK_ENOMEM;
        return NULL;
    }
    char label[200];
    snprintf(label, sizeof label, "kisi-form|%s|%s|%d", bank_exam_id(d->ex), p->nip,
             p->attempt);
    bc_drbg r;
    if ((*err = bc_drbg_init(&r, d->s->secret, label))) {
        bank_form_free(f);
        return NULL;
    }
    int *order = malloc(n * sizeof *order);
    if (!order) *err = BANK_ENOMEM;
    for (size_t i = 0; order && i < n; i++) order[i] = (int)i;
    if (order) bc_shuffle(&r, order, n);
    for (size_t i = 0; !*err && i < n; i++) {
        const cand *c = picks[order[i]];
        form_item *it = &f->items[i];
        it->id = strdup(c->id);
        it->topic = strdup(topics[order[i]]);
        it->noptions = c->noptions;
        for (int k = 0; k < c->noptions; k++) it->perm[k] = k;
        if (!c->pinned) bc_shuffle(&r, it->perm, (size_t)c->noptions);
        if (!it->id || !it->topic) *err = BANK_ENOMEM;
    }
    free(order);
    bc_drbg_free(&r);
    if (*err) {
        bank_form_free(f);
        return NULL;
    }
    return f;
}

/* Key that orders the roster for drawing: people with the most history
 * first (they have the fewest choices), then a session-keyed shuffle. */
typedef struct order_key {
    int idx;
    size_t nseen;
    uint8_t mac[32];
} order_key;

static int order_cmp(const void *a, const void *b)
{
    const order_key *x = a, *y = b;
    if (x->nseen != y->nseen) return x->nseen > y->nseen ? -1 : 1;
    return memcmp(x->mac, y->mac, sizeof x->mac);
}

/* Sets up strata and the draw order. */
static bank_err draw_prepare(draw *d)
{
    bank_session *s = d->s;
    size_t need_seen = 0;
    order_key *keys = calloc(s->n, sizeof *keys);
    d->order = calloc(s->n, sizeof *d->order);
    size_t nt = bank_exam_ntopics(d->ex);
    d->st = calloc(nt * EXAM_NBANDS, sizeof *d->st);
    if (!keys || !d->order || !d->st) {
        free(keys);
        return BANK_ENOMEM;
    }
    bank_err e = BANK_OK;
    for (size_t i = 0; !e && i < s->n; i++) {
        keys[i].idx = (int)i;
        keys[i].nseen = s->people[i].nseen;
        need_seen += s->people[i].nseen;
        e = bc_hmac(s->secret, sizeof s->secret, s->people[i].nip, strlen(s->people[i].nip),
                    keys[i].mac);
    }
    qsort(keys, s->n, sizeof *keys, order_cmp);
    for (size_t i = 0; i < s->n; i++) d->order[i] = keys[i].idx;
    free(keys);
    bool mix = exam_has_mix(d->ex);
    for (size_t t = 0; !e && t < nt; t++) {
        int quota = 0;
        const char *topic = bank_exam_topic(d->ex, t, &quota);
        for (int band = 0; band < EXAM_NBANDS; band++) {
            int q = exam_band_quota(d->ex, t, band);
            if (q <= 0) continue;
            stratum *st = &d->st[d->nst++];
            st->topic = topic;
            st->band = mix ? band : -1;
            st->quota = q;
            if ((e = load_stratum(d, st, s->n * (size_t)q + need_seen))) break;
            st->base = d->ncand;
            for (size_t j = 0; j < st->n; j++) st->v[j].gi = d->ncand + j;
            d->ncand += st->n;
        }
    }
    if (!e && !(d->csum = calloc(d->ncand ? d->ncand : 1, sizeof *d->csum))) e = BANK_ENOMEM;
    /* with more candidates than this, each is on a form or two and co-use is rare */
    if (!e && d->ncand <= DRAW_CO_MAX && !(d->co = calloc(d->ncand * d->ncand, sizeof *d->co)))
        e = BANK_ENOMEM;
    return e;
}

static void draw_free(draw *d)
{
    for (size_t i = 0; i < d->nst; i++) {
        for (size_t j = 0; j < d->st[i].n; j++) {
            free(d->st[i].v[j].id);
            free(d->st[i].v[j].forms);
        }
        free(d->st[i].v);
    }
    free(d->st);
    free(d->order);
    free(d->co);
    free(d->csum);
}

bank_err draw_check_exam(const bank_session *s, const bank_exam *ex, char *why)
{
    char *json = bank_exam_json(ex);
    if (!json) return BANK_ENOMEM;
    uint8_t dig[32];
    bc_sha256(json, strlen(json), dig);
    free(json);
    if (CRYPTO_memcmp(dig, s->exam_digest, 32) != 0) {
        why_set(why, "exam %s changed in the bank after this session was made", s->exam_id);
        return BANK_ETAMPER;
    }
    return BANK_OK;
}

bank_err draw_forms(bank_session *s, bank_form **out, char *why)
{
    for (size_t i = 0; i < s->n; i++) out[i] = NULL;
    bank_err e = BANK_OK;
    bank_exam *ex = bank_exam_get(s->b, s->exam_id, &e, why);
    if (!ex) return e;
    if ((e = draw_check_exam(s, ex, why))) {
        bank_exam_free(ex);
        return e;
    }
    draw d = {.s = s, .ex = ex};
    size_t size = (size_t)bank_exam_form_size(ex), m = s->n;
    cand **picks = calloc(m * (size ? size : 1), sizeof *picks);
    const char **topics = calloc(size ? size : 1, sizeof *topics);
    int *slot_lo = calloc(size ? size : 1, sizeof *slot_lo);
    int *slot_hi = calloc(size ? size : 1, sizeof *slot_hi);
    const sess_person **who = calloc(m, sizeof *who);
    if (!picks || !topics || !slot_lo || !slot_hi || !who) e = BANK_ENOMEM;
    if (!e) e = draw_prepare(&d);
    /* 1. greedy: each form in turn, least-used then least-overlapping items */
    for (size_t pos = 0; !e && pos < m; pos++) {
        who[pos] = &s->people[d.order[pos]];
        size_t np = 0;
        memset(d.csum, 0, d.ncand * sizeof *d.csum);
        for (size_t k = 0; !e && k < d.nst; k++) {
            size_t first = np;
            e = pick_stratum(&d, k, (int)pos, who[pos], picks + pos * size, &np);
            for (size_t i = first; i < np; i++) {
                topics[i] = d.st[k].topic;
                slot_lo[i] = (int)first;
                slot_hi[i] = (int)np;
            }
        }
        if (!e) count_co(&d, picks + pos * size, np);
    }
    /* 2. exchanges between forms that lower the worst overlaps, counts unchanged */
    if (!e) e = draw_improve(picks, m, size, slot_lo, slot_hi, who, s->secret);
    /* 3. the forms as shown: item and option order per participant */
    for (size_t pos = 0; !e && pos < m; pos++)
        out[d.order[pos]] = make_form(&d, who[pos], picks + pos * size, size, topics, &e);
    if (e) {
        why_set(why, "%s", d.why[0] ? d.why : bank_strerror(e));
        for (size_t i = 0; i < m; i++) {
            bank_form_free(out[i]);
            out[i] = NULL;
        }
    }
    draw_free(&d);
    free(picks);
    free(topics);
    free(slot_lo);
    free(slot_hi);
    free(who);
    bank_exam_free(ex);
    return e;
}
