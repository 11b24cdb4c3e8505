/* fuzz_sig.c -- libFuzzer target: the core's reader of a result's .sig file (core_sig_parse). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char kiosk[65], sig[129];
    memset(kiosk, 'x', sizeof kiosk);
    memset(sig, 'x', sizeof sig);
    if (core_sig_parse((const char *)data, size, kiosk, sig) != 0) return 0;
    /* what it accepts is two strings of exactly the lengths the buffers hold */
    if (kiosk[64] != '\0' || sig[128] != '\0' || strlen(kiosk) != 64 || strlen(sig) != 128)
        abort();
    return 0;
}
