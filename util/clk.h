/* clk.h -- the clocks: monotonic milliseconds for intervals, wall milliseconds for records. */
#ifndef KISI_CLK_H
#define KISI_CLK_H

#include <stdint.h>

/* Milliseconds on the monotonic clock (since an unspecified start): for
 * timeouts and back-off, which a change of the wall clock must not move. */
int64_t clk_mono_ms(void);

/* Milliseconds since 1970-01-01 UTC on the wall clock: for what is recorded
 * or shown (journal times, arrival times). */
int64_t clk_wall_ms(void);

#define CLK_UTC_SIZE 21  /* "2026-12-06T04:53:36Z" and its NUL */

/* Writes the wall time `ms` (as clk_wall_ms() gives it) in ISO 8601 UTC to
 * the second, "2026-12-06T04:53:36Z", into out; "?" when it cannot be
 * shown. Returns out. The one form every log line and listing uses. */
char *clk_utc(int64_t ms, char out[CLK_UTC_SIZE]);

#endif
