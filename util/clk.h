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

#endif
