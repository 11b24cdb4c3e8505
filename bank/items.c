/* items.c -- bank_item and bank_items: the clear form of a question. */
#include <stdlib.h>
#include <string.h>

#include "bank.h"

static const char *const kind_names[] = {"single", "multi", "truefalse"};

const char *bank_kind_name(bank_kind k)
{
    if ((unsigned)k >= sizeof kind_names / sizeof kind_names[0]) return NULL;
    return kind_names[k];
}

int bank_kind_parse(const char *s)
{
    for (size_t i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++)
        if (s && strcmp(s, kind_names[i]) == 0) return (int)i;
    return -1;
}

void bank_item_clear(bank_item *it)
{
    if (!it) return;
    free(it->id);
    free(it->topic);
    free(it->stem);
    free(it->title);
    for (int i = 0; i < BANK_MAX_OPTIONS; i++) free(it->options[i]);
    free(it->image);
    free(it->image_file);
    memset(it, 0, sizeof *it);
}

bank_item *bank_items_push(bank_items *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        bank_item *v = realloc(l->v, cap * sizeof *v);
        if (!v) return NULL;
        l->v = v;
        l->cap = cap;
    }
    bank_item *it = &l->v[l->n++];
    memset(it, 0, sizeof *it);
    return it;
}

void bank_items_free(bank_items *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) bank_item_clear(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}
