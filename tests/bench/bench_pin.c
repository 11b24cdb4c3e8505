/* bench_pin.c -- the cost of one PIN verifier try, and what an offline search of every PIN costs one core. */
#include <stdio.h>
#include <string.h>

#include "bank.h"
#include "bench.h"
#include "session.h"

#define TRIES 40                  /* verifier tries timed */
#define MONTH_S (30.0 * 86400.0)  /* one month of one core, in seconds */

/* Prints what searching every PIN of `digits` digits costs at ms a try:
 * on average half of them are tried before the right one. */
static void search(int digits, double ms, const char *note)
{
    double space = 1;
    for (int i = 0; i < digits; i++) space *= 10;
    double mean_s = space / 2 * ms / 1e3;
    printf("%-*s %2d digits: mean %12.0f s = %9.2f months, all %9.2f months%s%s\n",
           BENCH_LABEL, "offline PIN search, one core", digits, mean_s, mean_s / MONTH_S,
           2 * mean_s / MONTH_S, note ? "   " : "", note ? note : "");
}

int main(void)
{
    uint8_t secret[32] = {1}, salt[16] = {2}, out[32];
    double t[TRIES];
    char pin[BANK_PIN_MIN + 1];
    for (int i = 0; i < TRIES; i++) {
        snprintf(pin, sizeof pin, "%0*d", BANK_PIN_MIN, i);
        double t0 = bench_now_ms();
        bench_check(sess_pin_verifier(secret, pin, salt, SESS_PIN_LOGN, out), "verifier", NULL);
        t[i] = bench_now_ms() - t0;
    }
    double ms = bench_median(t, TRIES);
    printf("bench_pin: scrypt N = 2^%d, r = 8, p = 1, then HMAC-SHA-256 under the session key\n",
           SESS_PIN_LOGN);
    bench_time("one PIN verifier try (holding the token)", "median", ms, NULL);
    search(4, ms, "(the old minimum)");
    search(6, ms, NULL);
    search(BANK_PIN_MIN, ms, "(the minimum now, and every PIN bank pins makes)");
    double mean_months = 1;
    for (int i = 0; i < BANK_PIN_MIN; i++) mean_months *= 10;
    mean_months = mean_months / 2 * ms / 1e3 / MONTH_S;
    printf("%-*s %s: the mean search of a %d-digit PIN takes %.1f months >= 1\n", BENCH_LABEL,
           "target", mean_months >= 1 ? "ok" : "SHORT", BANK_PIN_MIN, mean_months);
    return mean_months >= 1 ? 0 : 1;
}
