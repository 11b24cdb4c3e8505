/* test_core_conf.c -- the core's configuration file: keys, blanks, comments, refusals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "why.h"

/* Parses a copy of text; returns conf_parse's result, *c and why filled. */
static int parse(const char *text, core_conf *c, char *why)
{
    char *t = strdup(text);
    assert_non_null(t);
    return conf_parse(t, strlen(text), "core.conf", c, why);
}

/* Parsing text is refused with a reason containing `want`. */
static void refused(const char *text, const char *want)
{
    core_conf c;
    char why[WHY_SIZE] = "";
    assert_int_equal(parse(text, &c, why), -1);
    if (!strstr(why, want)) print_error("why '%s' lacks '%s'\n", why, want);
    assert_non_null(strstr(why, want));
    assert_null(c.text);
    assert_null(c.db);
}

static void test_conf_every_key_read_with_blanks_trimmed(void **state)
{
    (void)state;
    core_conf c;
    char why[WHY_SIZE] = "";
    assert_int_equal(parse("# the core\n\n  db = sqlite:/var/lib/kisi-core/core.db  \n"
                           "data=/var/lib/kisi-core/files\r\n"
                           "key-file = /etc/kisi/core.key\n"
                           "\tlisten\t=\t0.0.0.0:8080\n"
                           "operator-token-file = /etc/kisi/operator token",
                           &c, why),
                     0);
    assert_string_equal(c.db, "sqlite:/var/lib/kisi-core/core.db");
    assert_string_equal(c.data, "/var/lib/kisi-core/files");
    assert_string_equal(c.key_file, "/etc/kisi/core.key");
    assert_string_equal(c.listen, "0.0.0.0:8080");
    assert_string_equal(c.token_file, "/etc/kisi/operator token");
    conf_free(&c);
    assert_null(c.text);
}

static void test_conf_server_limits_are_read_as_given(void **state)
{
    (void)state;
    core_conf c;
    char why[WHY_SIZE] = "";
    assert_int_equal(parse("max-connections = 300\nmax-connections-per-address = 4\n"
                           "request-timeout = 45\nidle-timeout = 20\nlisten-backlog = 2048\n",
                           &c, why),
                     0);
    assert_string_equal(c.max_conns, "300");
    assert_string_equal(c.per_address, "4");
    assert_string_equal(c.request_timeout, "45");
    assert_string_equal(c.idle_timeout, "20");
    assert_string_equal(c.backlog, "2048");
    conf_free(&c);
}

static void test_conf_absent_keys_stay_null(void **state)
{
    (void)state;
    core_conf c;
    char why[WHY_SIZE] = "";
    assert_int_equal(parse("# only comments\n   \n#listen = 1.2.3.4:80\n", &c, why), 0);
    assert_null(c.db);
    assert_null(c.data);
    assert_null(c.key_file);
    assert_null(c.listen);
    assert_null(c.token_file);
    conf_free(&c);
    assert_int_equal(parse("", &c, why), 0);
    assert_null(c.db);
    conf_free(&c);
}

static void test_conf_value_keeps_inner_equals_and_hash(void **state)
{
    (void)state;
    core_conf c;
    char why[WHY_SIZE] = "";
    assert_int_equal(parse("db = postgres://kisi@db/kisi?sslmode=require#x\n", &c, why), 0);
    assert_string_equal(c.db, "postgres://kisi@db/kisi?sslmode=require#x");
    conf_free(&c);
}

static void test_conf_unknown_key_refused_with_line(void **state)
{
    (void)state;
    refused("db = sqlite:a.db\nport = 8080\n", "core.conf:2: unknown key 'port'");
}

static void test_conf_key_twice_refused(void **state)
{
    (void)state;
    refused("listen = 127.0.0.1:1\n# again\nlisten = 127.0.0.1:2\n", "core.conf:3: listen given twice");
}

static void test_conf_empty_value_refused(void **state)
{
    (void)state;
    refused("data =   \n", "core.conf:1: data has no value");
}

static void test_conf_line_without_equals_refused(void **state)
{
    (void)state;
    refused("db sqlite:a.db\n", "core.conf:1: expected KEY = VALUE");
}

static void test_conf_control_and_nul_bytes_refused(void **state)
{
    (void)state;
    refused("db = a\x1b[2Jb\n", "core.conf:1: a control character");
    core_conf c;
    char why[WHY_SIZE] = "";
    char *t = malloc(8);
    assert_non_null(t);
    memcpy(t, "db=a\0b\n", 8);
    assert_int_equal(conf_parse(t, 7, "core.conf", &c, why), -1);
    assert_non_null(strstr(why, "NUL"));
}

static void test_conf_missing_file_refused_with_path(void **state)
{
    (void)state;
    core_conf c;
    char why[WHY_SIZE] = "";
    assert_int_equal(conf_read("/nonexistent/kisi/core.conf", &c, why), -1);
    assert_non_null(strstr(why, "/nonexistent/kisi/core.conf"));
    assert_null(c.text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conf_every_key_read_with_blanks_trimmed),
        cmocka_unit_test(test_conf_server_limits_are_read_as_given),
        cmocka_unit_test(test_conf_absent_keys_stay_null),
        cmocka_unit_test(test_conf_value_keeps_inner_equals_and_hash),
        cmocka_unit_test(test_conf_unknown_key_refused_with_line),
        cmocka_unit_test(test_conf_key_twice_refused),
        cmocka_unit_test(test_conf_empty_value_refused),
        cmocka_unit_test(test_conf_line_without_equals_refused),
        cmocka_unit_test(test_conf_control_and_nul_bytes_refused),
        cmocka_unit_test(test_conf_missing_file_refused_with_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
