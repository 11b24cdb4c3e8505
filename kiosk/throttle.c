/* throttle.c -- wrong tries of a secret at the kiosk cost a growing wait, kept across restarts. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "throttle.h"
#include "why.h"

/* Writes t to its file through a temporary file and rename. */
static int save(const throttle *t, char *why)
{
    char line[96];
    int n = snprintf(line, sizeof line, "kisi-throttle 1 %d %" PRId64 "\n", t->fails, t->until_ms);
    char bw[WHY_SIZE] = "";
    if (bank_file_write_atomic(t->path, line, (size_t)n, 0600, bw) != BANK_OK)
        return why_set(why, "cannot write %s: %s", t->path, bw);
    return 0;
}

/* The wait a wrong try number `fails` costs. */
static int64_t cost(int fails)
{
    if (fails <= THROTTLE_FREE) return 0;
    int64_t ms = THROTTLE_FIRST_MS;
    for (int k = THROTTLE_FREE + 1; k < fails && ms < THROTTLE_MAX_MS; k++) ms *= 2;
    return ms < THROTTLE_MAX_MS ? ms : THROTTLE_MAX_MS;
}

/* `t` is the caller's; nothing is kept from `path` but its copy. */
int throttle_load(throttle *t, const char *path, int64_t now_ms, char *why)
{
    memset(t, 0, sizeof *t);
    snprintf(t->path, sizeof t->path, "%s", path);
    char *text = NULL;
    size_t len = 0;
    bank_err e = bank_file_read(path, 256, &text, &len, NULL);
    if (e == BANK_ENOTFOUND) return 0;
    int fails = -1;
    int64_t until = -1;
    char end = 0;
    int ok = e == BANK_OK &&
             sscanf(text, "kisi-throttle 1 %d %" SCNd64 "%c", &fails, &until, &end) == 3 &&
             end == '\n' && fails >= 0 && fails < 1000000 && until >= 0;
    free(text);
    if (ok) {
        t->fails = fails;
        t->until_ms = until;
        return 0;
    }
    t->fails = THROTTLE_FREE + 1;
    t->until_ms = now_ms + cost(t->fails);
    return why_set(why, "%s is damaged: counted as %d wrong tries", path, t->fails);
}

int64_t throttle_wait_ms(const throttle *t, int64_t now_ms)
{
    if (t->until_ms <= now_ms) return 0;
    int64_t left = t->until_ms - now_ms;
    return left < THROTTLE_MAX_MS ? left : THROTTLE_MAX_MS;
}

int64_t throttle_fail(throttle *t, int64_t now_ms, char *why)
{
    if (t->fails < 1000000) t->fails++;
    int64_t wait = cost(t->fails);
    t->until_ms = now_ms + wait;
    return save(t, why) == 0 ? wait : -1;
}

int throttle_reset(throttle *t, char *why)
{
    if (t->fails == 0 && t->until_ms == 0) return 0;
    t->fails = 0;
    t->until_ms = 0;
    return save(t, why);
}
