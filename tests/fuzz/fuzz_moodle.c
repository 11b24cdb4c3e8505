/* fuzz_moodle.c -- libFuzzer target: the Moodle XML item import (libxml2, HTML text). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_items.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_items(data, size, BANK_FMT_MOODLE_XML);
}
