/* test_file.c -- whole-file reads and atomic writes: limits, exact bytes, modes, no leftovers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "why.h"

/* Writes len bytes of data to path with stdio; fails the test on error. */
static void put(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Number of entries in dir other than . and ..; the one named `only` may be
 * the only one: any other name fails the test. */
static int entries(const char *dir, const char *only)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (!only || strcmp(e->d_name, only) != 0) fail_msg("left behind: %s", e->d_name);
        n++;
    }
    closedir(d);
    return n;
}

/* Checks that why is one non-empty line holding `needle`. */
static void one_line(const char *why, const char *needle)
{
    if (!why[0] || strchr(why, '\n') || !strstr(why, needle))
        fail_msg("want one line naming \"%s\", got \"%s\"", needle, why);
}

static void test_read_of_a_missing_file_is_not_found_and_names_it(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), *data = (char *)"x", why[WHY_SIZE] = "";
    size_t len = 7;
    const char *path = fx_path(dir, "absent.json");
    assert_int_equal(bank_file_read(path, 1024, &data, &len, why), BANK_ENOTFOUND);
    assert_int_equal(errno, ENOENT);
    assert_null(data);
    assert_int_equal(len, 0);
    one_line(why, "absent.json");
    fx_rmdir(dir);
}

static void test_read_refuses_a_file_one_byte_over_max(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), *data = NULL, why[WHY_SIZE] = "";
    size_t len = 0;
    const char *path = fx_path(dir, "big");
    put(path, "0123456789", 10);
    assert_int_equal(bank_file_read(path, 9, &data, &len, why), BANK_EINVAL);
    assert_int_equal(errno, EFBIG);
    assert_null(data);
    one_line(why, "too large");
    one_line(why, "big");
    /* exactly max bytes is still read */
    assert_int_equal(bank_file_read(path, 10, &data, &len, why), BANK_OK);
    assert_int_equal(len, 10);
    free(data);
    fx_rmdir(dir);
}

static void test_read_of_a_stream_stops_one_byte_over_max(void **state)
{
    (void)state;
    char *data = NULL, why[WHY_SIZE] = "";
    size_t len = 0;
    /* no size to trust: the buffer grows past its first chunk, then refuses */
    assert_int_equal(bank_file_read("/dev/zero", 200000, &data, &len, why), BANK_EINVAL);
    assert_null(data);
    one_line(why, "/dev/zero");
}

static void test_read_of_an_empty_file_gives_an_empty_string(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), *data = NULL, why[WHY_SIZE] = "";
    size_t len = 99;
    const char *path = fx_path(dir, "empty");
    put(path, "", 0);
    assert_int_equal(bank_file_read(path, 0, &data, &len, why), BANK_OK);
    assert_non_null(data);
    assert_int_equal(len, 0);
    assert_int_equal(data[0], 0);
    free(data);
    fx_rmdir(dir);
}

static void test_read_gives_the_exact_bytes_with_embedded_nul(void **state)
{
    (void)state;
    static const char bytes[] = {'a', 0, 'b', '\n', (char)0xff, 0, 'z'};
    char *dir = fx_tmpdir(), *data = NULL, why[WHY_SIZE] = "";
    size_t len = 0;
    const char *path = fx_path(dir, "bin");
    put(path, bytes, sizeof bytes);
    assert_int_equal(bank_file_read(path, 1 << 20, &data, &len, why), BANK_OK);
    assert_int_equal(len, sizeof bytes);
    assert_memory_equal(data, bytes, sizeof bytes);
    assert_int_equal(data[len], 0);
    free(data);
    fx_rmdir(dir);
}

static void test_read_of_a_folder_is_an_io_error(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), *data = NULL, why[WHY_SIZE] = "";
    size_t len = 0;
    assert_int_equal(bank_file_read(dir, 1024, &data, &len, why), BANK_EIO);
    assert_int_equal(errno, EISDIR);
    assert_null(data);
    one_line(why, dir);
    fx_rmdir(dir);
}

static void test_atomic_write_creates_the_mode_asked_for(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "";
    struct stat st;
    const char *a = fx_path(dir, "secret"), *b = fx_path(dir, "public");
    mode_t old = umask(077);
    assert_int_equal(bank_file_write_atomic(a, "k", 1, 0600, why), BANK_OK);
    assert_int_equal(bank_file_write_atomic(b, "p", 1, 0644, why), BANK_OK);
    umask(old);
    assert_int_equal(stat(a, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(stat(b, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0644);
    fx_rmdir(dir);
}

static void test_atomic_write_replaces_an_existing_file(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), *data = NULL, why[WHY_SIZE] = "";
    size_t len = 0;
    const char *path = fx_path(dir, "result.json");
    put(path, "an older and longer content", 27);
    assert_int_equal(bank_file_write_atomic(path, "new\0!", 5, 0600, why), BANK_OK);
    assert_int_equal(bank_file_read(path, 1024, &data, &len, why), BANK_OK);
    assert_int_equal(len, 5);
    assert_memory_equal(data, "new\0!", 5);
    free(data);
    fx_rmdir(dir);
}

static void test_atomic_write_leaves_no_temporary_file(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "";
    const char *path = fx_path(dir, "NAME.sig");
    for (int i = 0; i < 3; i++)
        assert_int_equal(bank_file_write_atomic(path, "sig", 3, 0600, why), BANK_OK);
    assert_int_equal(entries(dir, "NAME.sig"), 1);
    fx_rmdir(dir);
}

static void test_atomic_write_into_a_missing_folder_fails_cleanly(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "";
    const char *path = fx_path(dir, "nowhere/NAME.json");
    assert_int_equal(bank_file_write_atomic(path, "{}", 2, 0600, why), BANK_EIO);
    assert_int_equal(errno, ENOENT);
    one_line(why, "nowhere");
    assert_int_equal(entries(dir, NULL), 0);
    fx_rmdir(dir);
}

static void test_atomic_write_that_cannot_rename_removes_its_temporary(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "";
    const char *sub = fx_path(dir, "taken");
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(mkdir(fx_path(sub, "inside"), 0700), 0);
    /* a non-empty folder stands where the file should go: rename fails */
    assert_int_not_equal(bank_file_write_atomic(sub, "x", 1, 0600, why), BANK_OK);
    one_line(why, "taken");
    assert_int_equal(entries(dir, "taken"), 1);
    assert_int_equal(rmdir(fx_path(sub, "inside")), 0);
    assert_int_equal(rmdir(sub), 0);
    fx_rmdir(dir);
}

static void test_atomic_write_refuses_a_path_naming_no_file(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "";
    assert_int_equal(bank_file_write_atomic(fx_path(dir, ""), "x", 1, 0600, why), BANK_EINVAL);
    one_line(why, dir);
    assert_int_equal(entries(dir, NULL), 0);
    fx_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_of_a_missing_file_is_not_found_and_names_it),
        cmocka_unit_test(test_read_refuses_a_file_one_byte_over_max),
        cmocka_unit_test(test_read_of_a_stream_stops_one_byte_over_max),
        cmocka_unit_test(test_read_of_an_empty_file_gives_an_empty_string),
        cmocka_unit_test(test_read_gives_the_exact_bytes_with_embedded_nul),
        cmocka_unit_test(test_read_of_a_folder_is_an_io_error),
        cmocka_unit_test(test_atomic_write_creates_the_mode_asked_for),
        cmocka_unit_test(test_atomic_write_replaces_an_existing_file),
        cmocka_unit_test(test_atomic_write_leaves_no_temporary_file),
        cmocka_unit_test(test_atomic_write_into_a_missing_folder_fails_cleanly),
        cmocka_unit_test(test_atomic_write_that_cannot_rename_removes_its_temporary),
        cmocka_unit_test(test_atomic_write_refuses_a_path_naming_no_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
