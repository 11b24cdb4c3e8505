/* clk.c -- the monotonic and the wall clock in milliseconds, and timed waits on the monotonic one. */
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

int clk_cond_init(pthread_cond_t *cv)
{
    pthread_condattr_t ca;
    int e = pthread_condattr_init(&ca);
    if (e) return e;
    e = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    if (!e) e = pthread_cond_init(cv, &ca);
    pthread_condattr_destroy(&ca);
    return e;
}

struct timespec clk_mono_at(int64_t due_ms)
{
    if (due_ms < 0) due_ms = 0;
    return (struct timespec){.tv_sec = (time_t)(due_ms / 1000),
                             .tv_nsec = (long)(due_ms % 1000) * 1000000L};
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
