/* test_optries.c -- wrong operator tokens: free tries, a doubling wait per address, a ceiling for all. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "optries.h"

/* The IPv4 address 10.0.a.b. */
static struct sockaddr_in addr(int a, int b)
{
    struct sockaddr_in s = {.sin_family = AF_INET};
    s.sin_addr.s_addr = htonl((uint32_t)(10u << 24 | (unsigned)a << 8 | (unsigned)b));
    return s;
}
#define SA(x) ((const struct sockaddr *)&(x))

static void test_an_address_waits_twice_as_long_after_each_failure_past_the_free_ones(void **state)
{
    (void)state;
    optries *t = optries_new();
    assert_non_null(t);
    struct sockaddr_in a = addr(0, 1), b = addr(0, 2);
    int64_t now = 1000000;
    for (int i = 0; i < OPTRIES_FREE; i++) assert_int_equal(optries_failed(t, SA(a), now), 0);
    unsigned want = 1;
    for (int i = 0; i < 8; i++, want *= 2) {
        assert_int_equal(optries_failed(t, SA(a), now), want);
        assert_int_equal(optries_wait(t, SA(a), now), want);
        assert_int_equal(optries_wait(t, SA(b), now), 0); /* another address is not held */
        now += (int64_t)want * 1000;                       /* it waited: the next try is checked */
        assert_int_equal(optries_wait(t, SA(a), now), 0);
    }
    for (int i = 0; i < 20; i++) now += 1000, optries_failed(t, SA(a), now);
    assert_int_equal(optries_wait(t, SA(a), now), OPTRIES_WAIT_MAX);
    optries_passed(t, SA(a)); /* the right token: its count starts again */
    assert_int_equal(optries_wait(t, SA(a), now), 0);
    assert_int_equal(optries_failed(t, SA(a), now), 0);
    optries_free(t);
}

static void test_all_addresses_together_wait_once_the_minute_holds_too_many_failures(void **state)
{
    (void)state;
    optries *t = optries_new();
    assert_non_null(t);
    int64_t now = 5000000;
    for (int i = 0; i < OPTRIES_GLOBAL - 1; i++) {
        struct sockaddr_in a = addr(1, i + 1);
        assert_int_equal(optries_failed(t, SA(a), now + i), 0);
    }
    struct sockaddr_in last = addr(2, 1), honest = addr(3, 1);
    assert_true(optries_failed(t, SA(last), now + 100) > 0);
    assert_true(optries_wait(t, SA(honest), now + 100) > 0);
    assert_int_equal(optries_wait(t, SA(honest), now + 60000), 0); /* the next minute */
    optries_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_an_address_waits_twice_as_long_after_each_failure_past_the_free_ones),
        cmocka_unit_test(test_all_addresses_together_wait_once_the_minute_holds_too_many_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
