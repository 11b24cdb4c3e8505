/* fuzz_csv.c -- libFuzzer target: the CSV reader and the CSV item import. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bank.h"
#include "csv.h"
#include "why.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char why[WHY_SIZE];

    csv_reader r;
    csv_init(&r, s, size);
    char **f;
    size_t n;
    int rc;
    while ((rc = csv_next(&r, &f, &n, why)) == 1)
        for (size_t i = 0; i < n; i++)
            if (strlen(f[i]) > size) __builtin_trap();  /* fields come from the input */
    if (rc < 0 && strncmp(why, "line ", 5) != 0) __builtin_trap();
    csv_free(&r);

    bank_items l = {0};
    bank_err e = bank_parse_items(s, size, BANK_FMT_CSV, NULL, &l, why);
    if (e == BANK_OK && l.n == 0) __builtin_trap();
    if (e != BANK_OK && l.n != 0) __builtin_trap();
    bank_items_free(&l);
    return 0;
}
