/* test_layout.c -- word wrapping of UTF-8 text to a pixel width and the scroll clamps. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "layout.h"

/* Every character (code point) is 10 pixels wide. */
static int fixed(void *ctx, const char *s, size_t len)
{
    int *calls = ctx, n = 0;
    if (calls) (*calls)++;
    for (size_t i = 0; i < len; i++) n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n * 10;
}

/* Wraps `text` to `chars` characters and compares with the NULL-ended list. */
static void expect_lines(const char *text, int width, ...)
{
    layout_lines l = {0};
    assert_int_equal(layout_wrap(&l, text, width, fixed, NULL), 0);
    va_list ap;
    va_start(ap, width);
    size_t i = 0;
    for (const char *want; (want = va_arg(ap, const char *)) != NULL; i++) {
        if (i >= l.n) fail_msg("line %zu missing, want \"%s\"", i, want);
        char got[256];
        snprintf(got, sizeof got, "%.*s", (int)l.v[i].len, text + l.v[i].off);
        if (strcmp(got, want) != 0) fail_msg("line %zu is \"%s\", want \"%s\"", i, got, want);
    }
    va_end(ap);
    if (l.n != i) fail_msg("%zu lines, want %zu", l.n, i);
    layout_lines_free(&l);
}

static void test_ascii_wraps_at_spaces(void **state)
{
    (void)state;
    expect_lines("the quick brown fox jumps over", 100, "the quick", "brown fox", "jumps over",
                 NULL);
}

static void test_text_that_fits_is_one_line(void **state)
{
    (void)state;
    expect_lines("Masukkan NIP Anda", 1000, "Masukkan NIP Anda", NULL);
}

static void test_indonesian_multibyte_text_wraps_by_characters_not_bytes(void **state)
{
    (void)state;
    /* “ ” and — are 3 bytes each but one character (10 px) */
    expect_lines("\xE2\x80\x9C" "Bela negara" "\xE2\x80\x9D" " adalah sikap" "\xE2\x80\x94"
                 "tindakan warga",
                 120, "\xE2\x80\x9C" "Bela", "negara" "\xE2\x80\x9D", "adalah",
                 "sikap" "\xE2\x80\x94" "tindak", "an warga", NULL);
}

static void test_pegawai_negeri_sentence_wraps_exactly(void **state)
{
    (void)state;
    expect_lines("Pegawai negeri sipil wajib menjunjung tinggi nilai BerAKHLAK", 200,
                 "Pegawai negeri sipil", "wajib menjunjung", "tinggi nilai", "BerAKHLAK", NULL);
}

static void test_hard_line_breaks_are_kept(void **state)
{
    (void)state;
    expect_lines("satu\ndua\n\ntiga", 1000, "satu", "dua", "", "tiga", NULL);
}

static void test_crlf_is_one_break(void **state)
{
    (void)state;
    expect_lines("a\r\nb", 1000, "a", "b", NULL);
}

static void test_final_newline_adds_no_empty_line(void **state)
{
    (void)state;
    expect_lines("akhir\n", 1000, "akhir", NULL);
}

static void test_long_word_breaks_between_characters(void **state)
{
    (void)state;
    expect_lines("abcdefghijklmnopqrstuvwxyz", 100, "abcdefghij", "klmnopqrst", "uvwxyz", NULL);
}

static void test_long_multibyte_word_never_splits_a_character(void **state)
{
    (void)state;
    /* é is two bytes: eight of them at 30 px make lines of three */
    expect_lines("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 30,
                 "\xC3\xA9\xC3\xA9\xC3\xA9", "\xC3\xA9\xC3\xA9\xC3\xA9", "\xC3\xA9\xC3\xA9", NULL);
}

static void test_four_byte_characters_stay_whole(void **state)
{
    (void)state;
    expect_lines("\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 20,
                 "\xF0\x9F\x98\x80\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80", NULL);
}

static void test_width_below_one_character_still_makes_progress(void **state)
{
    (void)state;
    expect_lines("abc", 5, "a", "b", "c", NULL);
    expect_lines("ab cd", 0, "a", "b", "c", "d", NULL);
}

static void test_empty_text_has_no_lines(void **state)
{
    (void)state;
    expect_lines("", 100, NULL);
    layout_lines l = {0};
    assert_int_equal(layout_wrap(&l, NULL, 100, fixed, NULL), 0);
    assert_int_equal(l.n, 0);
    layout_lines_free(&l);
}

static void test_spaces_at_a_soft_break_are_dropped(void **state)
{
    (void)state;
    expect_lines("a    b", 30, "a", "b", NULL);
    expect_lines("kata   ", 1000, "kata", NULL);
}

static void test_leading_spaces_of_a_paragraph_are_kept(void **state)
{
    (void)state;
    expect_lines("  ab", 1000, "  ab", NULL);
}

static void test_blank_paragraph_is_one_empty_line(void **state)
{
    (void)state;
    expect_lines("   ", 1000, "", NULL);
}

static void test_rewrapping_reuses_the_list(void **state)
{
    (void)state;
    layout_lines l = {0};
    assert_int_equal(layout_wrap(&l, "a b c d e f", 10, fixed, NULL), 0);
    assert_int_equal(l.n, 6);
    assert_int_equal(layout_wrap(&l, "a b", 1000, fixed, NULL), 0);
    assert_int_equal(l.n, 1);
    layout_lines_free(&l);
    assert_null(l.v);
    assert_int_equal(l.n, 0);
}

static void test_utf8_length_of_each_kind_of_character(void **state)
{
    (void)state;
    assert_int_equal(layout_utf8_len("a"), 1);
    assert_int_equal(layout_utf8_len("\xC3\xA9"), 2);
    assert_int_equal(layout_utf8_len("\xE2\x80\x94"), 3);
    assert_int_equal(layout_utf8_len("\xF0\x9F\x98\x80"), 4);
    assert_int_equal(layout_utf8_len(""), 0);
    assert_int_equal(layout_utf8_len("\xFF"), 1);       /* invalid byte */
    assert_int_equal(layout_utf8_len("\xE2\x80"), 1);   /* truncated */
    assert_int_equal(layout_utf8_len("\x80x"), 1);      /* stray continuation */
}

static void test_lines_that_fit_a_height(void **state)
{
    (void)state;
    assert_int_equal(layout_fit(100, 20), 5);
    assert_int_equal(layout_fit(119, 20), 5);
    assert_int_equal(layout_fit(10, 20), 1);   /* at least one */
    assert_int_equal(layout_fit(100, 0), 1);
}

static void test_scroll_clamps_to_the_lines_that_do_not_fit(void **state)
{
    (void)state;
    assert_int_equal(layout_max_scroll(10, 4), 6);
    assert_int_equal(layout_max_scroll(3, 4), 0);
    assert_int_equal(layout_max_scroll(4, 4), 0);
    assert_int_equal(layout_max_scroll(5, 0), 4);
    assert_int_equal(layout_clamp_scroll(-1, 10, 4), 0);
    assert_int_equal(layout_clamp_scroll(3, 10, 4), 3);
    assert_int_equal(layout_clamp_scroll(99, 10, 4), 6);
    assert_int_equal(layout_clamp_scroll(2, 3, 4), 0);
}

static void test_scroll_delta_stops_at_either_end(void **state)
{
    (void)state;
    assert_int_equal(layout_scroll_delta(5, 3, 10, 4), 1);   /* only 1 more line below */
    assert_int_equal(layout_scroll_delta(6, 1, 10, 4), 0);   /* at the bottom */
    assert_int_equal(layout_scroll_delta(0, -1, 10, 4), 0);  /* at the top */
    assert_int_equal(layout_scroll_delta(2, -5, 10, 4), -2);
    assert_int_equal(layout_scroll_delta(0, 1, 3, 4), 0);    /* nothing to scroll */
    assert_int_equal(layout_scroll_delta(9, -1, 10, 4), -4); /* out of range: back into it */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_wraps_at_spaces),
        cmocka_unit_test(test_text_that_fits_is_one_line),
        cmocka_unit_test(test_indonesian_multibyte_text_wraps_by_characters_not_bytes),
        cmocka_unit_test(test_pegawai_negeri_sentence_wraps_exactly),
        cmocka_unit_test(test_hard_line_breaks_are_kept),
        cmocka_unit_test(test_crlf_is_one_break),
        cmocka_unit_test(test_final_newline_adds_no_empty_line),
        cmocka_unit_test(test_long_word_breaks_between_characters),
        cmocka_unit_test(test_long_multibyte_word_never_splits_a_character),
        cmocka_unit_test(test_four_byte_characters_stay_whole),
        cmocka_unit_test(test_width_below_one_character_still_makes_progress),
        cmocka_unit_test(test_empty_text_has_no_lines),
        cmocka_unit_test(test_spaces_at_a_soft_break_are_dropped),
        cmocka_unit_test(test_leading_spaces_of_a_paragraph_are_kept),
        cmocka_unit_test(test_blank_paragraph_is_one_empty_line),
        cmocka_unit_test(test_rewrapping_reuses_the_list),
        cmocka_unit_test(test_utf8_length_of_each_kind_of_character),
        cmocka_unit_test(test_lines_that_fit_a_height),
        cmocka_unit_test(test_scroll_clamps_to_the_lines_that_do_not_fit),
        cmocka_unit_test(test_scroll_delta_stops_at_either_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
