/* fuzz_bank.c -- libFuzzer target: opening a bank file held in memory (bank_open_mem)
 * and verifying its seal against the known-answer authority key tests/kat/authority.pub. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "why.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[WHY_SIZE] = "";
    bank_err err = BANK_OK;
    bank *b = bank_open_mem(data, size, "fuzz.bank", &err, why);
    if (!b) {
        if (err == BANK_OK || !why[0] || memchr(why, '\0', sizeof why) == NULL ||
            strchr(why, '\n'))
            abort();
        return 0;
    }
    /* run from the top of the tree, as make does */
    err = bank_verify(b, "tests/kat/authority.pub", why);
    if (err != BANK_OK && (!why[0] || strchr(why, '\n'))) abort();
    if (err == BANK_OK && strlen(bank_id(b)) != 32) abort();
    bank_close(b);
    return 0;
}
