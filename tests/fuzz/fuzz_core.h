/* fuzz_core.h -- the core the core's fuzz targets feed: a store in a temporary folder,
 * with one kiosk enrolled and approved; made on the first input, removed at exit. */
#ifndef KISI_FUZZ_CORE_H
#define KISI_FUZZ_CORE_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bank.h"
#include "ingest.h"
#include "log.h"
#include "store.h"
#include "why.h"

/* A kiosk key made for this target only (its public half is in the seeds), so
 * that a record can name its signer and reach the checks past the signature. */
static const char KIOSK_KEY[] = "-----BEGIN PRIVATE KEY-----\n"
                                "MC4CAQAwBQYDK2VwBCIEIJrjxIcqBw+OtdsC9tGb6i6Mvh75vkVeaS/1Js4y7Jfb\n"
                                "-----END PRIVATE KEY-----\n";

static char fuzz_dir[64];
static store *st;
static core_ctx *ctx;
static bank_signer *kiosk;
static void (*fuzz_core_stop)(void); /* run first at exit (a target's server) */

/* Closes the core and removes its folder. */
static void fuzz_core_done(void)
{
    if (fuzz_core_stop) fuzz_core_stop();
    core_ctx_free(ctx);
    store_close(st);
    bank_signer_free(kiosk);
    DIR *d = opendir(fuzz_dir);
    struct dirent *e;
    char path[384];
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", fuzz_dir, e->d_name);
        unlink(path);
    }
    if (d) closedir(d);
    rmdir(fuzz_dir);
}

/* A kiosk of key `pem` enrolled as `name` and approved at the core; aborts on failure. */
static bank_signer *fuzz_core_kiosk(const char *pem, const char *name)
{
    char why[WHY_SIZE] = "", path[128];
    snprintf(path, sizeof path, "%s/%s.key", fuzz_dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fputs(pem, f) < 0 || fclose(f) != 0) abort();
    snprintf(path, sizeof path, "%s/%s", fuzz_dir, name);
    bank_err e = BANK_OK;
    bank_signer *k = bank_signer_open(path, &e, why);
    int stored = 0, refused = 0;
    if (!k || core_kiosk_enrol(ctx, bank_signer_pub(k), name, 1, why) != 0 ||
        core_kiosk_decide(st, ctx, bank_signer_pub(k), "approved", 2, &stored, &refused,
                          why) != 0) {
        fprintf(stderr, "fuzz core: %s\n", why);
        abort();
    }
    return k;
}

/* A core on a new store, with the kiosk enrolled and approved; aborts on failure. */
static void fuzz_core_setup(void)
{
    char why[WHY_SIZE] = "", path[128];
    const char *tmp = getenv("TMPDIR");
    snprintf(fuzz_dir, sizeof fuzz_dir, "%.40s/kisi-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    core_log_enable(false);
    if (!mkdtemp(fuzz_dir)) abort();
    atexit(fuzz_core_done);
    snprintf(path, sizeof path, "sqlite:%s/core.db", fuzz_dir);
    st = store_open(path, why);
    snprintf(path, sizeof path, "%s/core.key", fuzz_dir);
    ctx = st ? core_ctx_new(st, path, why) : NULL;
    if (!ctx) {
        fprintf(stderr, "fuzz core: %s\n", why);
        abort();
    }
    kiosk = fuzz_core_kiosk(KIOSK_KEY, "fuzz");
}

/* Adds the known-answer bank (seal checked with its authority key) and session of
 * tests/kat to the core, read from the top of the tree as make runs the targets. */
static inline void fuzz_core_kat(void)
{
    char why[WHY_SIZE] = "";
    if (core_bank_add(ctx, "tests/kat/bank.bank", "tests/kat/passphrase",
                      "tests/kat/authority.pub", why) != 0 ||
        core_session_add(ctx, "tests/kat/room.session", why) != 0) {
        fprintf(stderr, "fuzz core: tests/kat: %s\n", why);
        abort();
    }
}

#endif
