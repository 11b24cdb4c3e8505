/* test_csv.c -- the RFC 4180 reader: records, quoting, line numbers, rejected input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "bank.h"
#include "csv.h"
#include "text.h"
#include "why.h"

/* Reads the next record of r, failing the test unless there is one with
 * `n` fields. */
static char **next_record(csv_reader *r, size_t n)
{
    char **f = NULL;
    size_t got = 0;
    char why[WHY_SIZE] = "";
    int rc = csv_next(r, &f, &got, why);
    if (rc != 1) print_error("csv_next: %d %s\n", rc, why);
    assert_int_equal(rc, 1);
    assert_int_equal(got, n);
    return f;
}

/* Reads s to its end or first error; returns csv_next's last result and
 * leaves the reason in why. */
static int read_all(const char *s, size_t len, char *why)
{
    csv_reader r;
    csv_init(&r, s, len);
    char **f;
    size_t n;
    int rc;
    while ((rc = csv_next(&r, &f, &n, why)) == 1) {}
    csv_free(&r);
    return rc;
}

static void test_csv_plain_fields_split_on_commas(void **state)
{
    (void)state;
    const char *s = "a,b,c\n1,2,3\n";
    csv_reader r;
    csv_init(&r, s, strlen(s));
    char **f = next_record(&r, 3);
    assert_string_equal(f[0], "a");
    assert_string_equal(f[2], "c");
    assert_int_equal(r.line, 1);
    f = next_record(&r, 3);
    assert_string_equal(f[1], "2");
    assert_int_equal(r.line, 2);
    char **g;
    size_t n;
    assert_int_equal(csv_next(&r, &g, &n, NULL), 0);
    csv_free(&r);
}

static void test_csv_empty_fields_are_kept(void **state)
{
    (void)state;
    const char *s = ",,\n";
    csv_reader r;
    csv_init(&r, s, strlen(s));
    char **f = next_record(&r, 3);
    for (int i = 0; i < 3; i++) assert_string_equal(f[i], "");
    csv_free(&r);
}

static void test_csv_bom_is_skipped(void **state)
{
    (void)state;
    const char *s = "\xEF\xBB\xBFid,topic\n";
    csv_reader r;
    csv_init(&r, s, strlen(s));
    char **f = next_record(&r, 2);
    assert_string_equal(f[0], "id");
    csv_free(&r);
}

static void test_csv_crlf_and_lf_both_end_records(void **state)
{
    (void)state;
    const char *s = "a,b\r\nc,d\ne,f";
    csv_reader r;
    csv_init(&r, s, strlen(s));
    char **f = next_record(&r, 2);
    assert_string_equal(f[1], "b");
    f = next_record(&r, 2);
    assert_string_equal(f[0], "c");
    assert_string_equal(f[1], "d");
    f = next_record(&r, 2);
    assert_string_equal(f[1], "f");
    assert_int_equal(r.line, 3);
    csv_free(&r);
}

static void test_csv_quoted_comma_and_doubled_quote(void **state)
{
    (void)state;
    const char *s = "\"Kemanusiaan, adil dan beradab\",\"Ia berkata \"\"ya\"\"\",\"\"\n";
    csv_reader r;
    csv_init(&r, s, strlen(s));
    char **f = next_record(&r, 3);
    assert_string_equal(f[0], "Kemanusiaan, adil dan beradab");
    assert_string_equal(f[1], "Ia berkata \"ya\"");
    assert_string_equal(f[2], "");
    csv_free(&r);
}

static void test_csv_quoted_newline_round_trips(void **state)
{
    (void)state;
    const char *s = "x,\"baris satu\nbaris dua\n\nbaris empat\",y\nnext,1,2\n";
    csv_reader r;
    csv_init(&r, s, strlen(s));
    char **f = next_record(&r, 3);
    assert_string_equal(f[1], "baris satu\nbaris dua\n\nbaris empat");
    assert_int_equal(r.line, 1);
    f = next_record(&r, 3);
    assert_string_equal(f[0], "next");
    assert_int_equal(r.line, 5);
    csv_free(&r);
}

static void test_csv_quoted_crlf_is_kept_as_written(void **state)
{
    (void)state;
    const char *s = "\"a\r\nb\"\r\n";
    csv_reader r;
    csv_init(&r, s, strlen(s));
    char **f = next_record(&r, 1);
    assert_string_equal(f[0], "a\r\nb");
    csv_free(&r);
}

static void test_csv_empty_lines_are_skipped_but_counted(void **state)
{
    (void)state;
    const char *s = "\n\r\na\n\n\nb\n\n";
    csv_reader r;
    csv_init(&r, s, strlen(s));
    char **f = next_record(&r, 1);
    assert_string_equal(f[0], "a");
    assert_int_equal(r.line, 3);
    f = next_record(&r, 1);
    assert_string_equal(f[0], "b");
    assert_int_equal(r.line, 6);
    size_t n;
    assert_int_equal(csv_next(&r, &f, &n, NULL), 0);
    csv_free(&r);
}

static void test_csv_empty_input_has_no_records(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "";
    assert_int_equal(read_all("", 0, why), 0);
    assert_int_equal(read_all("\xEF\xBB\xBF", 3, why), 0);
    assert_int_equal(read_all("\n\n", 2, why), 0);
}

static void test_csv_utf8_indonesian_text_is_kept(void **state)
{
    (void)state;
    const char *s = "\"Sila ke-4 … “hikmat” — é\",Rp1.000\n";
    csv_reader r;
    csv_init(&r, s, strlen(s));
    char **f = next_record(&r, 2);
    assert_string_equal(f[0], "Sila ke-4 … “hikmat” — é");
    assert_string_equal(f[1], "Rp1.000");
    csv_free(&r);
}

static void test_csv_unterminated_quote_reports_opening_line(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "";
    const char *s = "a,b\nc,\"never\nclosed\nat all\n";
    assert_int_equal(read_all(s, strlen(s), why), -1);
    assert_string_equal(why, "line 2: quoted field is never closed");
}

static void test_csv_text_after_closing_quote_rejected_with_line(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "";
    const char *s = "a,b\n\"x\ny\"z,b\n";
    assert_int_equal(read_all(s, strlen(s), why), -1);
    assert_non_null(strstr(why, "line 3: text after a closing quote"));
}

static void test_csv_invalid_utf8_rejected_at_its_own_line(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "";
    const char *s = "ok\n\"one\ntwo \xC3\x28\"\n";
    assert_int_equal(read_all(s, strlen(s), why), -1);
    assert_string_equal(why, "line 3: invalid UTF-8");
    const char *latin1 = "a\nb\nCaf\xE9\n";
    assert_int_equal(read_all(latin1, strlen(latin1), why), -1);
    assert_string_equal(why, "line 3: invalid UTF-8");
}

static void test_csv_nul_byte_rejected_with_line(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "";
    const char s[] = "a\nb\0c\n";
    assert_int_equal(read_all(s, sizeof s - 1, why), -1);
    assert_string_equal(why, "line 2: NUL byte in text");
}

static void test_utf8_valid_rejects_overlong_surrogate_and_too_large(void **state)
{
    (void)state;
    assert_true(text_utf8_valid("", 0));
    assert_true(text_utf8_valid("Bhinneka Tunggal Ika", 20));
    assert_true(text_utf8_valid("\xE2\x80\xA6", 3));          /* … */
    assert_true(text_utf8_valid("\xF0\x9F\x98\x80", 4));      /* emoji */
    assert_false(text_utf8_valid("\xC0\xAF", 2));             /* overlong '/' */
    assert_false(text_utf8_valid("\xE0\x80\xAF", 3));         /* overlong */
    assert_false(text_utf8_valid("\xED\xA0\x80", 3));         /* surrogate */
    assert_false(text_utf8_valid("\xF4\x90\x80\x80", 4));     /* > U+10FFFF */
    assert_false(text_utf8_valid("\xE2\x80", 2));             /* truncated */
    assert_false(text_utf8_valid("\x80", 1));                 /* stray continuation */
    assert_false(text_utf8_valid("a\0b", 3));                 /* NUL */
}

static void test_csv_cell_quotes_only_what_needs_it_and_reads_back(void **state)
{
    (void)state;
    sbuf b = {0};
    assert_true(csv_cell(&b, "plain", true));
    assert_true(csv_cell(&b, "a,b", false));
    assert_true(csv_cell(&b, "say \"hi\"", false));
    assert_true(csv_cell(&b, "two\nlines", false));
    assert_true(csv_cell(&b, "", false));
    assert_string_equal(b.p, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",");
    csv_reader r;
    csv_init(&r, b.p, b.len);
    char **f = next_record(&r, 5);
    assert_string_equal(f[1], "a,b");
    assert_string_equal(f[2], "say \"hi\"");
    assert_string_equal(f[3], "two\nlines");
    assert_string_equal(f[4], "");
    csv_free(&r);
    sbuf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_plain_fields_split_on_commas),
        cmocka_unit_test(test_csv_empty_fields_are_kept),
        cmocka_unit_test(test_csv_bom_is_skipped),
        cmocka_unit_test(test_csv_crlf_and_lf_both_end_records),
        cmocka_unit_test(test_csv_quoted_comma_and_doubled_quote),
        cmocka_unit_test(test_csv_quoted_newline_round_trips),
        cmocka_unit_test(test_csv_quoted_crlf_is_kept_as_written),
        cmocka_unit_test(test_csv_empty_lines_are_skipped_but_counted),
        cmocka_unit_test(test_csv_empty_input_has_no_records),
        cmocka_unit_test(test_csv_utf8_indonesian_text_is_kept),
        cmocka_unit_test(test_csv_unterminated_quote_reports_opening_line),
        cmocka_unit_test(test_csv_text_after_closing_quote_rejected_with_line),
        cmocka_unit_test(test_csv_invalid_utf8_rejected_at_its_own_line),
        cmocka_unit_test(test_csv_nul_byte_rejected_with_line),
        cmocka_unit_test(test_utf8_valid_rejects_overlong_surrogate_and_too_large),
        cmocka_unit_test(test_csv_cell_quotes_only_what_needs_it_and_reads_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
