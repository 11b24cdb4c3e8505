/* fuzz_key.h -- the fixed Ed25519 key the kiosk's fuzz targets pin as the core's key: a
 * bank_signer made from a file written and removed at once, freed at exit. */
#ifndef KISI_FUZZ_KEY_H
#define KISI_FUZZ_KEY_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bank.h"
#include "why.h"

/* The key: a seed's "sig": "SIGN" asks the target for its signature. */
static const char FUZZ_CORE_KEY[] = "-----BEGIN PRIVATE KEY-----\n"
                                    "MC4CAQAwBQYDK2VwBCIEIJrjxIcqBw+OtdsC9tGb6i6Mvh75vkVeaS/1Js4y7Jfb\n"
                                    "-----END PRIVATE KEY-----\n";

static bank_signer *fuzz_key;

/* Frees the signer at exit. */
static void fuzz_key_done(void)
{
    bank_signer_free(fuzz_key);
}

/* The key as a signer (made on the first call); aborts on failure. */
static bank_signer *fuzz_key_signer(void)
{
    if (fuzz_key) return fuzz_key;
    char dir[64], path[96], why[WHY_SIZE] = "";
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%.40s/kisi-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) abort();
    snprintf(path, sizeof path, "%s/core.key", dir);
    FILE *f = fopen(path, "w");
    if (!f || fputs(FUZZ_CORE_KEY, f) < 0 || fclose(f) != 0) abort();
    snprintf(path, sizeof path, "%s/core", dir);
    bank_err e = BANK_OK;
    fuzz_key = bank_signer_open(path, &e, why);
    snprintf(path, sizeof path, "%s/core.key", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/core.pub", dir);
    unlink(path);
    rmdir(dir);
    if (!fuzz_key) {
        fprintf(stderr, "fuzz key: %s\n", why);
        abort();
    }
    atexit(fuzz_key_done);
    return fuzz_key;
}

#endif
