/* test_klog.c -- the kiosk's event log: whole lines, one per event, bounded by rotation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixture.h"
#include "klog.h"
#include "why.h"

/* Lines of `path` (0 when missing); *bad counts lines not of the form
 * "YYYY-MM-DDThh:mm:ssZ EVENT ..." */
static int lines(const char *path, int *bad)
{
    FILE *fp = fopen(path, "r");
    char line[2048];
    int n = 0;
    if (bad) *bad = 0;
    while (fp && fgets(line, sizeof line, fp)) {
        n++;
        size_t len = strlen(line);
        int ok = len > 22 && line[len - 1] == '\n' && line[4] == '-' && line[10] == 'T' &&
                 line[19] == 'Z' && line[20] == ' ';
        if (bad && !ok) (*bad)++;
    }
    if (fp) fclose(fp);
    return n;
}

static long size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void test_each_event_is_one_timestamped_line_even_with_newlines_in_it(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "", path[4096];
    snprintf(path, sizeof path, "%s/kiosk.log", dir);
    klog *l = klog_open(path, KLOG_MAX_BYTES, why);
    assert_non_null(l);
    klog_event(l, "start", "kiosk %s", "0011223344556677");
    klog_event(l, "upload-refused", "r1: HTTP 422 score-mismatch: %s", "two\nlines\r\tand a tab");
    klog_close(l);
    int bad;
    assert_int_equal(lines(path, &bad), 2);
    assert_int_equal(bad, 0);
    assert_int_equal(size_of(path) > 0, 1);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(bank_file_read(path, 1 << 16, &text, &len, NULL), BANK_OK);
    assert_non_null(strstr(text, "Z start kiosk 0011223344556677\n"));
    assert_non_null(strstr(text, "score-mismatch: two\\x0alines\\x0d\\x09and a tab\n"));
    free(text);
    klog_event(NULL, "x", "nothing happens");
    klog_close(NULL);
    fx_rmdir(dir);
}

static void test_a_long_event_is_cut_to_one_bounded_line(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), path[4096], big[3000];
    snprintf(path, sizeof path, "%s/kiosk.log", dir);
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    klog *l = klog_open(path, KLOG_MAX_BYTES, NULL);
    assert_non_null(l);
    klog_event(l, "big", "%s", big);
    klog_close(l);
    int bad;
    assert_int_equal(lines(path, &bad), 1);
    assert_int_equal(bad, 0);
    assert_int_equal(size_of(path), KLOG_LINE - 1);
    fx_rmdir(dir);
}

static void test_the_log_turns_into_log_1_at_its_cap_and_stays_bounded(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), path[4096], old[4200];
    snprintf(path, sizeof path, "%s/kiosk.log", dir);
    snprintf(old, sizeof old, "%s.1", path);
    klog *l = klog_open(path, 4096, NULL);
    assert_non_null(l);
    for (int i = 0; i < 1000; i++) klog_event(l, "upload-sent", "result %04d: HTTP 201 stored", i);
    klog_close(l);
    assert_true(size_of(path) <= 4096);
    assert_true(size_of(old) <= 4096);
    assert_true(size_of(old) > 4096 - KLOG_LINE);   /* rotated when full, not before */
    int bad;
    assert_true(lines(path, &bad) > 0);
    assert_int_equal(bad, 0);
    assert_true(lines(old, &bad) > 0);
    assert_int_equal(bad, 0);
    /* the newest event is in the current file */
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(bank_file_read(path, 1 << 16, &text, &len, NULL), BANK_OK);
    assert_non_null(strstr(text, "result 0999"));
    free(text);
    /* reopening appends to what is there */
    long before = size_of(path);
    l = klog_open(path, 4096, NULL);
    klog_event(l, "stop", "0 results waiting");
    klog_close(l);
    assert_true(size_of(path) > before || size_of(path) < before);   /* appended or rotated */
    fx_rmdir(dir);
}

typedef struct writer {
    klog *l;
    int id;
} writer;

static void *write_many(void *arg)
{
    writer *w = arg;
    for (int i = 0; i < 200; i++) klog_event(w->l, "upload-sent", "thread %d line %d", w->id, i);
    return NULL;
}

static void test_two_threads_never_mix_their_lines(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), path[4096];
    snprintf(path, sizeof path, "%s/kiosk.log", dir);
    klog *l = klog_open(path, KLOG_MAX_BYTES, NULL);
    assert_non_null(l);
    writer w[2] = {{l, 1}, {l, 2}};
    pthread_t t[2];
    int started[2];
    for (int i = 0; i < 2; i++) started[i] = pthread_create(&t[i], NULL, write_many, &w[i]) == 0;
    for (int i = 0; i < 2; i++)
        if (started[i]) pthread_join(t[i], NULL);
    klog_close(l);
    assert_true(started[0] && started[1]);
    int bad;
    assert_int_equal(lines(path, &bad), 400);
    assert_int_equal(bad, 0);
    fx_rmdir(dir);
}

static void test_a_log_that_cannot_be_opened_says_why(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "", path[4096];
    snprintf(path, sizeof path, "%s/no-such-folder/kiosk.log", dir);
    assert_null(klog_open(path, KLOG_MAX_BYTES, why));
    assert_non_null(strstr(why, "cannot open"));
    assert_null(klog_open(NULL, KLOG_MAX_BYTES, NULL));
    fx_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_event_is_one_timestamped_line_even_with_newlines_in_it),
        cmocka_unit_test(test_a_long_event_is_cut_to_one_bounded_line),
        cmocka_unit_test(test_the_log_turns_into_log_1_at_its_cap_and_stays_bounded),
        cmocka_unit_test(test_two_threads_never_mix_their_lines),
        cmocka_unit_test(test_a_log_that_cannot_be_opened_says_why),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
