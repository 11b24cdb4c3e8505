/* test_fetch.c -- the kiosk's reading of the core's offer (kiosk/fetch.h): which session it
 * takes, and an offer of another version refused by name. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "fetch.h"
#include "proto.h"
#include "why.h"

#define SID_A "0123456789abcdef0123456789abcdef"
#define SID_B "fedcba9876543210fedcba9876543210"
#define BID "00112233445566778899aabbccddeeff"

static int pick(const char *offer, const char *want, const char *current, fetch_offer *o,
                char *why)
{
    return fetch_offer_pick(offer, strlen(offer), want, current, o, why);
}

static void test_offer_of_this_version_gives_its_only_session(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "";
    fetch_offer o;
    const char *offer = "{\"version\":1,\"sessions\":[{\"session\":\"" SID_A "\",\"bank\":\"" BID
                        "\",\"exam\":\"akad\"}]}";
    assert_int_equal(PROTO_OFFER_VERSION, 1);
    assert_int_equal(pick(offer, NULL, "", &o, why), 0);
    assert_string_equal(o.sid, SID_A);
    assert_string_equal(o.bid, BID);
    assert_false(o.by_current);
}

static void test_offer_of_several_sessions_takes_the_one_named_or_sat_last(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "";
    fetch_offer o;
    const char *offer = "{\"version\":1,\"sessions\":[{\"session\":\"" SID_A "\",\"bank\":\"" BID
                        "\"},{\"session\":\"" SID_B "\",\"bank\":\"" BID "\"}]}";
    assert_int_equal(pick(offer, NULL, "", &o, why), -1);
    assert_non_null(strstr(why, "--session-id"));
    assert_int_equal(pick(offer, SID_B, "", &o, why), 0);
    assert_string_equal(o.sid, SID_B);
    assert_int_equal(pick(offer, NULL, SID_A, &o, why), 0);
    assert_string_equal(o.sid, SID_A);
    assert_true(o.by_current);
}

static void test_offer_of_another_version_is_refused_by_name(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "";
    fetch_offer o;
    const char *newer = "{\"version\":2,\"sessions\":[{\"session\":\"" SID_A "\",\"bank\":\"" BID
                        "\"}]}";
    assert_int_equal(pick(newer, NULL, "", &o, why), -1);
    assert_non_null(strstr(why, "version 2"));
    assert_non_null(strstr(why, "reads 1"));
    const char *none = "{\"sessions\":[{\"session\":\"" SID_A "\",\"bank\":\"" BID "\"}]}";
    assert_int_equal(pick(none, NULL, "", &o, why), -1);
    assert_non_null(strstr(why, "version"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_offer_of_this_version_gives_its_only_session),
        cmocka_unit_test(test_offer_of_several_sessions_takes_the_one_named_or_sat_last),
        cmocka_unit_test(test_offer_of_another_version_is_refused_by_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
