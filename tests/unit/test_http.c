/* test_http.c -- the core's HTTP server: it starts and stops without closing a file
 * descriptor twice (the daemon closes the listening socket it was given). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fixture.h"
#include "http.h"
#include "why.h"

/* Every close() of this process passes here (the program's own symbol
 * comes before libc's): a second close of one descriptor fails with EBADF
 * when nothing reopened it, and would close another's file when something
 * had. */
static int closed_twice;

int close(int fd)
{
    long rc = syscall(SYS_close, fd);
    if (rc != 0 && errno == EBADF) closed_twice++;
    return (int)rc;
}

static void test_stopping_the_server_closes_its_socket_once(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "", url[4200];
    snprintf(url, sizeof url, "sqlite:%s", fx_path(dir, "core.db"));
    store *st = store_open(url, why);
    if (!st) fail_msg("store_open: %s", why);
    core_ctx *c = core_ctx_new(st, fx_path(dir, "core.key"), why);
    if (!c) fail_msg("core_ctx_new: %s", why);
    http_server *h = NULL;
    for (int port = 18700; !h && port < 18800; port++) {
        char listen[32];
        snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
        http_config cfg = {.listen = listen};
        h = http_start(c, &cfg, why);
    }
    if (!h) fail_msg("http_start: %s", why);
    closed_twice = 0;
    http_stop(h);
    int twice = closed_twice;
    core_ctx_free(c);
    store_close(st);
    fx_rmdir(dir);
    assert_int_equal(twice, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stopping_the_server_closes_its_socket_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
