/* fuzz_result.c -- libFuzzer target: a result record as the core takes it on upload
 * (POST /v1/results): signed by an approved kiosk, parsed and checked by core_ingest
 * against the known-answer bank and session, whose known-good record is stored first. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ctx) {
        fuzz_core_setup();
        fuzz_core_kat("tests/fuzz/seeds/result/kat.json");
    }
    char sig[129];
    if (bank_signer_sign(kiosk, data, size, sig) != BANK_OK) abort();
    ingest_outcome out;
    memset(&out, 0, sizeof out);
    core_ingest(ctx, (const char *)data, size, bank_signer_pub(kiosk), sig, 3, &out);
    /* a signed record of an approved kiosk is stored or refused with a reason,
     * never taken for a server's failure */
    if (out.status < 200 || out.status >= 500 || !out.code[0] || !out.reason[0] ||
        strchr(out.reason, '\n'))
        abort();
    return 0;
}
