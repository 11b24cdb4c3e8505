/* fuzz_items.h -- the check shared by the item-import fuzz targets (one per format). */
#ifndef KISI_FUZZ_ITEMS_H
#define KISI_FUZZ_ITEMS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bank.h"
#include "richtext.h"
#include "text.h"
#include "why.h"

/* Every import either succeeds with items whose fields are in range (a
 * rich item's texts in the stored rich form, a title on one line), or fails
 * leaving the list empty; anything else traps. */
static inline int fuzz_items(const uint8_t *data, size_t size, bank_format fmt)
{
    bank_items l = {0};
    char why[WHY_SIZE];
    bank_err e = bank_parse_items((const char *)data, size, fmt, "fuzz", &l, why);
    if (e != BANK_OK && l.n != 0) __builtin_trap();
    for (size_t i = 0; i < l.n; i++) {
        const bank_item *it = &l.v[i];
        if (!it->id || !it->topic || !it->stem || it->noptions < 2 ||
            it->noptions > BANK_MAX_OPTIONS || strlen(it->key) > (size_t)it->noptions)
            __builtin_trap();
        for (int k = 0; k < it->noptions; k++)
            if (!it->options[k] || (it->rich && !bank_rich_valid(it->options[k])))
                __builtin_trap();
        if ((it->rich && !bank_rich_valid(it->stem)) || (it->title && text_has_control(it->title)))
            __builtin_trap();
    }
    bank_items_free(&l);
    return 0;
}

#endif
