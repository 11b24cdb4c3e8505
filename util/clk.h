/* clk.h -- the clocks: monotonic milliseconds for intervals, wall milliseconds for records. */
#ifndef KISI_CLK_H
#define KISI_CLK_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

/* Milliseconds on the monotonic clock (since an unspecified start): for
 * timeouts and back-off, which a change of the wall clock must not move. */
int64_t clk_mono_ms(void);

/* Milliseconds since 1970-01-01 UTC on the wall clock: for what is recorded
 * or shown (journal times, arrival times). */
int64_t clk_wall_ms(void);

/* Makes cv a condition variable whose timed waits count on the monotonic
 * clock, so that a change of the wall clock moves no time-out. 0, or an
 * error number as pthread_cond_init gives it. */
int clk_cond_init(pthread_cond_t *cv);

/* The moment `due_ms` of clk_mono_ms() as the deadline of a
 * pthread_cond_timedwait on a cv made by clk_cond_init(). */
struct timespec clk_mono_at(int64_t due_ms);

#define CLK_UTC_SIZE 21  /* "2026-12-06T04:53:36Z" and its NUL */

/* Writes the wall time `ms` (as clk_wall_ms() gives it) in ISO 8601 UTC to
 * the second, "2026-12-06T04:53:36Z", into out; "?" when it cannot be
 * shown. Returns out. The one form every log line and listing uses. */
char *clk_utc(int64_t ms, char out[CLK_UTC_SIZE]);

#endif
