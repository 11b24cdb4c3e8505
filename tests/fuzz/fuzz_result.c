/* fuzz_result.c -- libFuzzer target: a result record as the core takes it on upload
 * (POST /v1/results): signed by an approved kiosk, parsed and checked by core_ingest. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bank.h"
#include "ingest.h"
#include "log.h"
#include "store.h"
#include "why.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A kiosk key made for this target only (its public half is in the seeds), so
 * that a record can name its signer and reach the checks past the signature. */
static const char KIOSK_KEY[] = "-----BEGIN PRIVATE KEY-----\n"
                                "MC4CAQAwBQYDK2VwBCIEIJrjxIcqBw+OtdsC9tGb6i6Mvh75vkVeaS/1Js4y7Jfb\n"
                                "-----END PRIVATE KEY-----\n";

static char dir[64];
static store *st;
static core_ctx *ctx;
static bank_signer *kiosk;

/* Closes the core and removes its folder. */
static void done(void)
{
    core_ctx_free(ctx);
    store_close(st);
    bank_signer_free(kiosk);
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[384];
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d) closedir(d);
    rmdir(dir);
}

/* A core on a new store, with the kiosk enrolled and approved; aborts on failure. */
static void setup(void)
{
    char why[WHY_SIZE] = "", path[128];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%.40s/kisi-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    core_log_enable(false);
    if (!mkdtemp(dir)) abort();
    atexit(done);
    snprintf(path, sizeof path, "%s/kiosk.key", dir);
    FILE *f = fopen(path, "w");
    if (!f || fputs(KIOSK_KEY, f) < 0 || fclose(f) != 0) abort();
    snprintf(path, sizeof path, "%s/kiosk", dir);
    bank_err e = BANK_OK;
    kiosk = bank_signer_open(path, &e, why);
    snprintf(path, sizeof path, "sqlite:%s/core.db", dir);
    st = kiosk ? store_open(path, why) : NULL;
    snprintf(path, sizeof path, "%s/core.key", dir);
    ctx = st ? core_ctx_new(st, path, why) : NULL;
    int stored = 0, refused = 0;
    if (!ctx || core_kiosk_enrol(ctx, bank_signer_pub(kiosk), "fuzz", 1, why) != 0 ||
        core_kiosk_decide(st, ctx, bank_signer_pub(kiosk), "approved", 2, &stored, &refused,
                          why) != 0) {
        fprintf(stderr, "fuzz_result: %s\n", why);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ctx) setup();
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
