/* throttle.h -- a growing wait after wrong tries of a secret at the kiosk, kept in a file so a restart keeps it. */
#ifndef KISI_THROTTLE_H
#define KISI_THROTTLE_H

#include <stdint.h>

#define THROTTLE_FREE 2            /* wrong tries that cost no wait */
#define THROTTLE_FIRST_MS 5000     /* the wait after the first try past them */
#define THROTTLE_MAX_MS 300000     /* the wait doubles up to this */

typedef struct throttle {
    char path[1024];   /* the state file: "kisi-throttle 1 FAILS UNTIL_MS\n" */
    int fails;         /* wrong tries since the last right one */
    int64_t until_ms;  /* wall time before which no try is taken */
} throttle;

/* Reads the state file `path` into t (a missing file: no wrong try yet).
 * A damaged file counts as THROTTLE_FREE + 1 wrong tries from `now_ms`,
 * never as none. Returns 0, or -1 with why set for the damaged file (t is
 * usable either way). */
int throttle_load(throttle *t, const char *path, int64_t now_ms, char *why);

/* Milliseconds before the next try is taken (0: now). A wait longer than
 * THROTTLE_MAX_MS (the clock was set back) counts as THROTTLE_MAX_MS. */
int64_t throttle_wait_ms(const throttle *t, int64_t now_ms);

/* Counts a wrong try at now_ms and writes the state file durably; returns
 * the wait it costs (ms, 0 for a free one), or -1 with why set when the
 * file cannot be written (the count still holds in t). */
int64_t throttle_fail(throttle *t, int64_t now_ms, char *why);

/* A right try: the count starts again. Returns 0 or -1 with why set. */
int throttle_reset(throttle *t, char *why);

#endif
