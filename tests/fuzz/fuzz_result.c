/* fuzz_result.c -- libFuzzer target: a result record as the core takes it on upload
 * (POST /v1/results): signed by an approved kiosk, parsed and checked by core_ingest
 * against the known-answer bank and session, whose known-good record is stored first. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Adds the known-answer bank and session to the core (fuzz_core_kat), then ingests the
 * known-good record `seed` (a file signed here by the kiosk) and aborts unless it is
 * stored: a target past this point reaches the checks behind the session. */
static void kat_setup(const char *seed)
{
    char why[WHY_SIZE] = "", sig[129];
    fuzz_core_kat();
    char *rec = NULL;
    size_t len = 0;
    ingest_outcome out;
    memset(&out, 0, sizeof out);
    if (bank_file_read(seed, 1 << 20, &rec, &len, why) != BANK_OK ||
        bank_signer_sign(kiosk, rec, len, sig) != BANK_OK)
        snprintf(out.reason, sizeof out.reason, "%s", why);
    else
        core_ingest(ctx, rec, len, bank_signer_pub(kiosk), sig, 3, &out);
    free(rec);
    if (strcmp(out.code, "stored") != 0) {
        fprintf(stderr, "fuzz_result: the known-good record %s is not stored (%s: %s); "
                        "make the seeds again with sh tests/fuzz/result-seeds.sh\n",
                seed, out.code, out.reason);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ctx) {
        fuzz_core_setup();
        kat_setup("tests/fuzz/seeds/result/kat.json");
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
