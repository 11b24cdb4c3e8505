/* test_util_secret.c -- the one secret-file reader: bounds, line ends, standard input, refusals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "secret.h"
#include "why.h"

/* Writes len bytes of data to dir/name; returns the path (fx_path buffer). */
static const char *put(const char *dir, const char *name, const void *data, size_t len)
{
    const char *p = fx_path(dir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return p;
}

/* Reads path with max, expecting the secret `want`. */
static void expect_secret(const char *path, size_t max, int flags, const char *want)
{
    char why[WHY_SIZE] = "";
    size_t len = 0;
    char *s = secret_read(path, max, flags, &len, why);
    if (!s) print_error("secret_read %s: %s\n", path, why);
    assert_non_null(s);
    assert_int_equal(len, strlen(want));
    assert_string_equal(s, want);
    secret_free(s, len);
}

/* Reads path with max, expecting a refusal whose reason holds `part`. */
static void expect_refused(const char *path, size_t max, int flags, const char *part)
{
    char why[WHY_SIZE] = "";
    size_t len = 99;
    char *s = secret_read(path, max, flags, &len, why);
    assert_null(s);
    assert_int_equal(len, 99);
    if (!strstr(why, part)) print_error("why: %s (wanted %s)\n", why, part);
    assert_non_null(strstr(why, part));
    assert_null(strchr(why, '\n'));
}

static void test_secret_drops_one_trailing_line_end_only(void **state)
{
    (void)state;
    char *d = fx_tmpdir();
    expect_secret(put(d, "lf", "s3cret pass\n", 12), SECRET_MAX, 0, "s3cret pass");
    expect_secret(put(d, "crlf", "s3cret\r\n", 8), SECRET_MAX, 0, "s3cret");
    expect_secret(put(d, "none", "s3cret", 6), SECRET_MAX, 0, "s3cret");
    expect_secret(put(d, "two", "s3cret\n\n", 8), SECRET_MAX, 0, "s3cret\n");
    fx_rmdir(d);
}

static void test_secret_of_exactly_max_bytes_is_taken_with_or_without_line_end(void **state)
{
    (void)state;
    char *d = fx_tmpdir();
    char big[SECRET_MAX + 2];
    memset(big, 'k', SECRET_MAX);
    char want[SECRET_MAX + 1];
    memset(want, 'k', SECRET_MAX);
    want[SECRET_MAX] = 0;
    expect_secret(put(d, "max", big, SECRET_MAX), SECRET_MAX, 0, want);
    big[SECRET_MAX] = '\n';
    expect_secret(put(d, "maxlf", big, SECRET_MAX + 1), SECRET_MAX, 0, want);
    big[SECRET_MAX] = '\r';
    big[SECRET_MAX + 1] = '\n';
    expect_secret(put(d, "maxcrlf", big, SECRET_MAX + 2), SECRET_MAX, 0, want);
    want[16] = 0;
    expect_secret(put(d, "small", big, 16), 16, 0, want);
    fx_rmdir(d);
}

/* A secret file over 1 KiB (once read into a 1025-byte buffer, and wiped
 * one byte past it) is refused cleanly, however long it is. */
static void test_secret_file_over_its_bound_is_refused(void **state)
{
    (void)state;
    char *d = fx_tmpdir();
    static char big[8192];
    memset(big, 'k', sizeof big);
    expect_refused(put(d, "1025", big, SECRET_MAX + 1), SECRET_MAX, 0, "at most 1024 bytes");
    expect_refused(put(d, "1026", big, SECRET_MAX + 2), SECRET_MAX, 0, "at most 1024 bytes");
    expect_refused(put(d, "1027", big, SECRET_MAX + 3), SECRET_MAX, 0, "at most 1024 bytes");
    expect_refused(put(d, "8k", big, sizeof big), SECRET_MAX, 0, "at most 1024 bytes");
    big[SECRET_MAX + 1] = '\n';  /* 1025 bytes and a line end */
    expect_refused(put(d, "1025lf", big, SECRET_MAX + 2), SECRET_MAX, 0, "at most");
    expect_refused(put(d, "17", big, 17), 16, 0, "at most 16 bytes");
    /* a bound above SECRET_MAX is held to SECRET_MAX */
    expect_refused(put(d, "2k", big, 2048), 4096, 0, "at most 1024 bytes");
    fx_rmdir(d);
}

static void test_secret_empty_nul_missing_or_folder_is_refused(void **state)
{
    (void)state;
    char *d = fx_tmpdir();
    expect_refused(put(d, "empty", "", 0), SECRET_MAX, 0, "empty");
    expect_refused(put(d, "newline", "\n", 1), SECRET_MAX, 0, "empty");
    expect_refused(put(d, "nul", "ab\0cd", 5), SECRET_MAX, 0, "NUL");
    expect_refused(fx_path(d, "absent"), SECRET_MAX, 0, "No such file");
    expect_refused(d, SECRET_MAX, 0, "directory");
    fx_rmdir(d);
}

/* Runs secret_read("-") with standard input reading file `path`. */
static char *read_stdin(const char *path, int flags, size_t *len, char *why)
{
    int keep = dup(0), fd = open(path, O_RDONLY);
    assert_true(keep >= 0 && fd >= 0);
    assert_int_equal(dup2(fd, 0), 0);
    close(fd);
    char *s = secret_read("-", SECRET_MAX, flags, len, why);
    assert_int_equal(dup2(keep, 0), 0);
    close(keep);
    return s;
}

static void test_secret_dash_is_standard_input_only_when_asked(void **state)
{
    (void)state;
    char *d = fx_tmpdir();
    const char *p = put(d, "in", "from stdin\n", 11);
    char why[WHY_SIZE] = "";
    size_t len = 0;
    char *s = read_stdin(p, SECRET_STDIN, &len, why);
    assert_non_null(s);
    assert_string_equal(s, "from stdin");
    secret_free(s, len);
    assert_int_equal(fcntl(0, F_GETFD), 0);  /* standard input is left open */
    /* without the flag "-" is a file name like any other */
    assert_int_equal(chdir(d), 0);
    s = read_stdin(p, 0, &len, why);
    assert_null(s);
    assert_non_null(strstr(why, "-: No such file"));
    assert_int_equal(chdir("/"), 0);
    fx_rmdir(d);
}

static void test_secret_free_of_null_is_a_no_op(void **state)
{
    (void)state;
    secret_free(NULL, 0);
    secret_free(NULL, 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_secret_drops_one_trailing_line_end_only),
        cmocka_unit_test(test_secret_of_exactly_max_bytes_is_taken_with_or_without_line_end),
        cmocka_unit_test(test_secret_file_over_its_bound_is_refused),
        cmocka_unit_test(test_secret_empty_nul_missing_or_folder_is_refused),
        cmocka_unit_test(test_secret_dash_is_standard_input_only_when_asked),
        cmocka_unit_test(test_secret_free_of_null_is_a_no_op),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
