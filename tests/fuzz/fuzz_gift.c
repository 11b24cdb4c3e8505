/* fuzz_gift.c -- libFuzzer target: the GIFT item import. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bank.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every import either succeeds with items whose fields are in range, or
 * fails leaving the list empty. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bank_items l = {0};
    char why[BANK_WHY];
    bank_err e = bank_parse_items((const char *)data, size, BANK_FMT_GIFT, "fuzz", &l, why);
    if (e != BANK_OK && l.n != 0) __builtin_trap();
    for (size_t i = 0; i < l.n; i++) {
        const bank_item *it = &l.v[i];
        if (!it->id || !it->topic || !it->stem || it->noptions < 2 ||
            it->noptions > BANK_MAX_OPTIONS || strlen(it->key) > (size_t)it->noptions)
            __builtin_trap();
        for (int k = 0; k < it->noptions; k++)
            if (!it->options[k]) __builtin_trap();
    }
    bank_items_free(&l);
    return 0;
}
