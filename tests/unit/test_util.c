/* test_util.c -- the toolbox: bounded buffer, hex, text checks, clocks, the why convention. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "clk.h"
#include "hex.h"
#include "proto.h"
#include "text.h"
#include "why.h"

static void test_buf_appends_text_always_nul_terminated(void **state)
{
    (void)state;
    sbuf b;
    sbuf_init(&b, 0);
    assert_true(sbuf_puts(&b, "Bhinneka"));
    assert_true(sbuf_add(&b, " Tunggal", 8));
    assert_true(sbuf_printf(&b, " %s %d", "Ika", 45));
    assert_int_equal(b.len, strlen("Bhinneka Tunggal Ika 45"));
    assert_string_equal(b.p, "Bhinneka Tunggal Ika 45");
    size_t n = 0;
    char *s = sbuf_take(&b, &n);
    assert_string_equal(s, "Bhinneka Tunggal Ika 45");
    assert_int_equal(n, 23);
    assert_null(b.p);
    free(s);
}

static void test_buf_grows_past_its_first_allocation(void **state)
{
    (void)state;
    sbuf b = {0};
    for (int i = 0; i < 10000; i++) assert_true(sbuf_add(&b, "0123456789", 10));
    assert_int_equal(b.len, 100000);
    assert_memory_equal(b.p + 99990, "0123456789", 10);
    assert_int_equal(b.p[100000], '\0');
    sbuf_free(&b);
    assert_null(b.p);
}

static void test_buf_empty_take_gives_empty_string(void **state)
{
    (void)state;
    sbuf b = {0};
    size_t n = 7;
    char *s = sbuf_take(&b, &n);
    assert_non_null(s);
    assert_string_equal(s, "");
    assert_int_equal(n, 0);
    free(s);
}

static void test_buf_over_its_bound_frees_itself_and_stays_failed(void **state)
{
    (void)state;
    sbuf b;
    sbuf_init(&b, 10);
    assert_true(sbuf_add(&b, "0123456789", 10));  /* exactly the bound */
    assert_false(sbuf_add(&b, "x", 1));
    assert_true(b.failed);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_false(sbuf_puts(&b, "a"));            /* later appends fail too */
    assert_false(sbuf_printf(&b, "%d", 1));
    assert_null(sbuf_take(&b, NULL));           /* and nothing is handed over */
    assert_true(sbuf_puts(&b, "again"));        /* taken: usable again */
    assert_string_equal(b.p, "again");
    sbuf_free(&b);
}

static void test_buf_printf_over_its_bound_fails(void **state)
{
    (void)state;
    sbuf b;
    sbuf_init(&b, 8);
    assert_true(sbuf_printf(&b, "%s", "1234"));
    assert_false(sbuf_printf(&b, "%s", "56789"));
    assert_true(b.failed);
    assert_null(b.p);
    sbuf_free(&b);
    assert_false(b.failed);
}

static void test_buf_secret_grows_and_keeps_its_bytes(void **state)
{
    (void)state;
    sbuf b = {0};
    b.secret = true;
    for (int i = 0; i < 1000; i++) assert_true(sbuf_add(&b, "ab", 2));
    assert_int_equal(b.len, 2000);
    assert_memory_equal(b.p + 1998, "ab", 2);
    sbuf_free(&b);
}

static void test_hex_encodes_lower_case_and_decodes_either_case(void **state)
{
    (void)state;
    const unsigned char in[4] = {0x00, 0x7f, 0xab, 0xff};
    char out[9];
    hex_encode(in, 4, out);
    assert_string_equal(out, "007fabff");
    unsigned char back[4];
    assert_int_equal(hex_decode("007fabff", back, 4), 0);
    assert_memory_equal(back, in, 4);
    assert_int_equal(hex_decode("007FABFF", back, 4), 0);
    assert_memory_equal(back, in, 4);
    hex_encode(in, 0, out);
    assert_string_equal(out, "");
}

static void test_hex_decode_refuses_wrong_length_or_digit(void **state)
{
    (void)state;
    unsigned char b[2];
    assert_int_equal(hex_decode("abc", b, 2), -1);     /* short */
    assert_int_equal(hex_decode("abcdef", b, 2), -1);  /* long */
    assert_int_equal(hex_decode("abcg", b, 2), -1);    /* not a digit */
    assert_int_equal(hex_decode(" abc", b, 2), -1);
    assert_int_equal(hex_decode(NULL, b, 2), -1);
}

static void test_hex_valid_wants_exactly_n_lower_case_digits(void **state)
{
    (void)state;
    assert_true(hex_valid("0123456789abcdef", 16));
    assert_false(hex_valid("0123456789ABCDEF", 16));
    assert_false(hex_valid("0123456789abcde", 16));
    assert_false(hex_valid("0123456789abcdef0", 16));
    assert_false(hex_valid("0123456789abcdeg", 16));
    assert_false(hex_valid(NULL, 16));
    assert_true(hex_valid("", 0));
}

static void test_text_control_characters_are_found_and_scrubbed(void **state)
{
    (void)state;
    assert_false(text_has_control("Budi Santoso, S.Pd."));
    assert_false(text_has_control("Ni Luh \xE2\x80\xA6"));  /* UTF-8 is not control */
    assert_true(text_has_control("two\nlines"));
    assert_true(text_has_control("tab\there"));
    assert_true(text_has_control("del\x7f"));
    assert_true(text_has_control("\x1b[31mred"));
    char s[] = "a\nb\tc\x7f" "d";
    text_scrub(s);
    assert_string_equal(s, "a?b?c?d");
}

static void test_text_direction_characters_are_found(void **state)
{
    (void)state;
    assert_false(text_has_bidi("Siti Rahma"));
    assert_false(text_has_bidi("\xE2\x80\xA6 \xE2\x80\x94"));  /* … and — are not */
    assert_true(text_has_bidi("abc\xE2\x80\xAE" "cba"));        /* U+202E */
    assert_true(text_has_bidi("\xE2\x80\xAA"));                 /* U+202A */
    assert_true(text_has_bidi("x\xE2\x80\x8F"));                /* U+200F */
    assert_true(text_has_bidi("x\xE2\x80\x8E"));                /* U+200E */
    assert_true(text_has_bidi("\xE2\x81\xA6" "x"));             /* U+2066 */
    assert_true(text_has_bidi("\xE2\x81\xA9"));                 /* U+2069 */
    assert_false(text_has_bidi("\xE2\x81\xA5"));                /* U+2065 */
    assert_true(text_has_bidi("\xD8\x9C"));                     /* U+061C */
    assert_false(text_has_bidi("\xE2\x80"));                    /* cut short: no read past */
}

static void test_text_utf8_validity(void **state)
{
    (void)state;
    assert_true(text_utf8_valid("", 0));
    assert_true(text_utf8_valid(NULL, 0));
    assert_true(text_utf8_valid("\xF0\x9F\x98\x80", 4));
    assert_false(text_utf8_valid("\xC0\xAF", 2));      /* overlong */
    assert_false(text_utf8_valid("\xED\xA0\x80", 3));  /* surrogate */
    assert_false(text_utf8_valid("a\0b", 3));          /* NUL */
    assert_int_equal(text_utf8_prefix("ab\xE2\x80", 4), 2);
    assert_int_equal(text_utf8_prefix("ab\x80" "c", 4), 2);
}

static void test_text_copy_cuts_at_a_character_boundary(void **state)
{
    (void)state;
    char d[6];
    assert_int_equal(text_copy(d, sizeof d, "abc"), 3);
    assert_string_equal(d, "abc");
    /* "abcd" + "…" (3 bytes) does not fit in 5: the … is dropped whole */
    assert_int_equal(text_copy(d, sizeof d, "abcd\xE2\x80\xA6"), 4);
    assert_string_equal(d, "abcd");
    assert_int_equal(text_copy(d, sizeof d, "abcdefgh"), 5);
    assert_string_equal(d, "abcde");
    assert_int_equal(text_utf8_fit("ab\xE2\x80\xA6", 5, 4), 2);
    assert_int_equal(text_utf8_fit("ab\xE2\x80\xA6", 5, 5), 5);
    assert_int_equal(text_utf8_fit("ab\xE2\x80\xA6", 5, 9), 5);
    char one[1];
    assert_int_equal(text_copy(one, 1, "x"), 0);
    assert_string_equal(one, "");
}

static void test_clocks_move_forward_and_wall_is_after_2024(void **state)
{
    (void)state;
    int64_t a = clk_mono_ms(), b = clk_mono_ms();
    assert_true(b >= a);
    assert_true(clk_wall_ms() > INT64_C(1704067200000));  /* 2024-01-01 */
}

static void test_utc_text_is_iso_8601_to_the_second(void **state)
{
    (void)state;
    char when[CLK_UTC_SIZE];
    assert_string_equal(clk_utc(INT64_C(1704067200000), when), "2024-01-01T00:00:00Z");
    assert_string_equal(clk_utc(INT64_C(1796535216999), when), "2026-12-06T05:33:36Z");
    assert_string_equal(clk_utc(0, when), "1970-01-01T00:00:00Z");
    assert_string_equal(clk_utc(-1, when), "1969-12-31T23:59:59Z");  /* rounds down */
}

/* Formats through why_vset, as a module's own wrapper would. */
static int wrapper(char *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = why_vset(why, fmt, ap);
    va_end(ap);
    return rc;
}

static void test_why_writes_at_most_why_size_and_returns_minus_one(void **state)
{
    (void)state;
    char why[WHY_SIZE + 8];
    memset(why, 'z', sizeof why);
    char big[2 * WHY_SIZE];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    assert_int_equal(why_set(why, "%s", big), -1);
    assert_int_equal(strlen(why), WHY_SIZE - 1);
    assert_int_equal(why[WHY_SIZE], 'z');  /* nothing past the buffer */
    assert_int_equal(why_set(NULL, "no buffer %d", 1), -1);
    assert_int_equal(wrapper(why, "line %d: %s", 3, "bad"), -1);
    assert_string_equal(why, "line 3: bad");
}

static void test_proto_names_the_upload_headers(void **state)
{
    (void)state;
    assert_string_equal(PROTO_HEADER_KIOSK, "Kisi-Kiosk");
    assert_string_equal(PROTO_HEADER_SIGNATURE, "Kisi-Signature");
    assert_string_equal(PROTO_PATH_RESULTS, "/v1/results");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_appends_text_always_nul_terminated),
        cmocka_unit_test(test_buf_grows_past_its_first_allocation),
        cmocka_unit_test(test_buf_empty_take_gives_empty_string),
        cmocka_unit_test(test_buf_over_its_bound_frees_itself_and_stays_failed),
        cmocka_unit_test(test_buf_printf_over_its_bound_fails),
        cmocka_unit_test(test_buf_secret_grows_and_keeps_its_bytes),
        cmocka_unit_test(test_hex_encodes_lower_case_and_decodes_either_case),
        cmocka_unit_test(test_hex_decode_refuses_wrong_length_or_digit),
        cmocka_unit_test(test_hex_valid_wants_exactly_n_lower_case_digits),
        cmocka_unit_test(test_text_control_characters_are_found_and_scrubbed),
        cmocka_unit_test(test_text_direction_characters_are_found),
        cmocka_unit_test(test_text_utf8_validity),
        cmocka_unit_test(test_text_copy_cuts_at_a_character_boundary),
        cmocka_unit_test(test_clocks_move_forward_and_wall_is_after_2024),
        cmocka_unit_test(test_utc_text_is_iso_8601_to_the_second),
        cmocka_unit_test(test_why_writes_at_most_why_size_and_returns_minus_one),
        cmocka_unit_test(test_proto_names_the_upload_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
