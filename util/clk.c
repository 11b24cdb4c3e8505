/* clk.c -- the monotonic and the wall clock in milliseconds. */
#include <stdio.h>
#include <time.h>

#include "clk.h"

static int64_t ms_of(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clk_mono_ms(void)
{
    return ms_of(CLOCK_MONOTONIC);
}

int64_t clk_wall_ms(void)
{
    return ms_of(CLOCK_REALTIME);
}

char *clk_utc(int64_t ms, char out[CLK_UTC_SIZE])
{
    time_t t = (time_t)(ms / 1000 - (ms % 1000 < 0));
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, CLK_UTC_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, CLK_UTC_SIZE, "?");
    return out;
}
