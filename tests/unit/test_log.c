/* test_log.c -- the core's event log: off until turned on, one line per event whatever the
 * text holds, the journald priority under systemd, the UTC time and level elsewhere. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "log.h"

/* Runs the events of `fn` with stderr going to a file; returns what was
 * written (static buffer). */
static const char *captured(void (*fn)(void))
{
    static char out[4096];
    char *dir = fx_tmpdir();
    FILE *f = fopen(fx_path(dir, "err"), "w+");
    assert_non_null(f);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fileno(f), STDERR_FILENO);
    fn();
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(f);
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = 0;
    fclose(f);
    fx_rmdir(dir);
    return out;
}

static void events(void)
{
    core_log(CORE_LOG_INFO, "off: not written");
    core_log_enable(true);
    core_log(CORE_LOG_WARNING, "result refused: reason=\"%s\"", "two\nlines\tand a tab");
    core_log(CORE_LOG_ERR, "store failed");
    core_log_enable(false);
    core_log(CORE_LOG_INFO, "off again");
}

static void test_one_line_per_event_only_when_turned_on(void **state)
{
    (void)state;
    unsetenv("JOURNAL_STREAM");
    const char *out = captured(events);
    const char *nl = strchr(out, '\n');
    assert_non_null(nl);
    assert_non_null(strstr(out, " warning result refused: reason=\"two\\x0alines\\x09and a tab\"\n"));
    assert_non_null(strstr(nl + 1, " error store failed\n"));
    assert_null(strstr(out, "off"));
    /* a line starts with the UTC time: 2026-12-06T02:52:07Z */
    assert_int_equal(strspn(out, "0123456789-"), 10);
    assert_int_equal(out[10], 'T');
    assert_int_equal(out[19], 'Z');
}

static void test_under_systemd_a_line_starts_with_its_priority(void **state)
{
    (void)state;
    setenv("JOURNAL_STREAM", "8:12345", 1);
    const char *out = captured(events);
    unsetenv("JOURNAL_STREAM");
    assert_string_equal(out, "<4>result refused: reason=\"two\\x0alines\\x09and a tab\"\n"
                             "<3>store failed\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_line_per_event_only_when_turned_on),
        cmocka_unit_test(test_under_systemd_a_line_starts_with_its_priority),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
