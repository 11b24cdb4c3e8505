/* fuzz_stats.c -- libFuzzer target: the item-analysis export read back (itemstat_load), computed and written out again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "itemstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[WHY_SIZE];
    itemstat *s = itemstat_load((const char *)data, size, why);
    if (!s) return 0;
    if (itemstat_compute(s, why) != 0) { /* an attempt there twice */
        itemstat_free(s);
        return 0;
    }
    char *json = itemstat_json(s, true), *csv = itemstat_csv(s);
    if (!json || !csv) abort();
    /* what it writes, it reads back to the same figures */
    itemstat *t = itemstat_load(json, strlen(json), why);
    if (!t || itemstat_compute(t, why) != 0) abort();
    char *again = itemstat_json(t, true);
    if (!again || strcmp(json, again) != 0) abort();
    free(again);
    itemstat_free(t);
    free(json);
    free(csv);
    itemstat_free(s);
    return 0;
}
