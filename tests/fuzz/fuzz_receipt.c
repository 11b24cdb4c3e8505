/* fuzz_receipt.c -- libFuzzer target: the kiosk's reader and check of the core's answer
 * to a result and its receipt (corekey_receipt_parse, corekey_receipt_check), with the key
 * of tests/kat/core.pub pinned and the record and kiosk of tests/kat/receipt.json. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "corekey.h"
#include "hex.h"
#include "why.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PINNED "9d5007a6c2d9fc4c6f20bb64fbd2f817a27229425df54d347e0755535a6c5a53"
#define RESULT "3b0c6c1b8d4d0c9f0b9e5f4c1a6d2e7f8a9b0c1d2e3f405162738495a6b7c8d9"
#define KIOSK "d4e7a135e0e6a177ace1e42b59d84d259bd8be71f6e0092d77b521ba9ce1b5c0"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    corekey_receipt r;
    char why[WHY_SIZE] = "";
    if (corekey_receipt_parse((const char *)data, size, &r, why) != 0) {
        if (!why[0]) abort();   /* a refusal always says why */
        return 0;
    }
    /* what it accepts is strings that fit their buffers */
    if (!memchr(r.result, 0, sizeof r.result) || !memchr(r.kiosk, 0, sizeof r.kiosk) ||
        !memchr(r.status, 0, sizeof r.status) || !memchr(r.core, 0, sizeof r.core) ||
        !memchr(r.sig, 0, sizeof r.sig))
        abort();
    if (corekey_receipt_check(&r, PINNED, RESULT, KIOSK, why) == 0) {
        /* only the pinned key's receipt for exactly this record passes */
        if (strcmp(r.core, PINNED) != 0 || strcmp(r.result, RESULT) != 0 ||
            strcmp(r.kiosk, KIOSK) != 0 || !hex_valid(r.sig, 128))
            abort();
    } else if (!why[0]) {
        abort();
    }
    return 0;
}
