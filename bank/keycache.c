/* keycache.c -- answer keys, weights and topics of items already decrypted, kept per bank for scoring. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "internal.h"

typedef struct slot {
    char *id;
    keyinfo k;
} slot;

struct keycache {
    slot *v;
    size_t n, cap;  /* cap is a power of two */
};

/* FNV-1a of a string. */
static size_t hash(const char *s)
{
    size_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static slot *find(keycache *c, const char *id)
{
    for (size_t i = hash(id) & (c->cap - 1);; i = (i + 1) & (c->cap - 1))
        if (!c->v[i].id || strcmp(c->v[i].id, id) == 0) return &c->v[i];
}

/* Doubles the table; false on ENOMEM. */
static bool grow(keycache *c)
{
    keycache big = {calloc(c->cap * 2, sizeof(slot)), 0, c->cap * 2};
    if (!big.v) return false;
    for (size_t i = 0; i < c->cap; i++)
        if (c->v[i].id) *find(&big, c->v[i].id) = c->v[i];
    big.n = c->n;
    free(c->v);
    *c = big;
    return true;
}

void keycache_free(keycache *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->cap; i++) free(c->v[i].id);
    OPENSSL_cleanse(c->v, c->cap * sizeof *c->v);
    free(c->v);
    free(c);
}

bank_err keycache_get(bank *b, const char *id, const keyinfo **out, char *why)
{
    if (!b->unlocked) return BANK_ELOCKED;
    if (!b->keys) {
        b->keys = calloc(1, sizeof *b->keys);
        if (b->keys) b->keys->v = calloc(256, sizeof(slot));
        if (!b->keys || !b->keys->v) {
            keycache_free(b->keys);
            b->keys = NULL;
            return BANK_ENOMEM;
        }
        b->keys->cap = 256;
    }
    keycache *c = b->keys;
    slot *s = find(c, id);
    if (s->id) {
        *out = &s->k;
        return BANK_OK;
    }
    bank_item it;
    bank_err e = bank_item_get(b, id, &it, why);
    if (e) return e;
    if ((c->n + 1) * 2 > c->cap && !grow(c)) e = BANK_ENOMEM;
    if (!e) {
        s = find(c, id);
        s->id = strdup(id);
        if (!s->id) e = BANK_ENOMEM;
    }
    if (!e) {
        memcpy(s->k.key, it.key, sizeof s->k.key);
        s->k.weight = it.weight;
        s->k.noptions = it.noptions;
        snprintf(s->k.topic, sizeof s->k.topic, "%s", it.topic);
        c->n++;
        *out = &s->k;
    }
    bank_item_clear(&it);
    return e;
}
