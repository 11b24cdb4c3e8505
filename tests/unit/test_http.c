/* test_http.c -- the core's HTTP server: clean stop, connection limits, whole-request
 * deadlines, 400 uploads at once, a client holding connections, operator-token throttle. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fixture.h"
#include "hold.h"
#include "http.h"
#include "optries.h"
#include "why.h"

#define FROM(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

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


/* A core over an empty store in a temp folder, serving cfg on a free port. */
typedef struct srv {
    char *dir;
    store *st;
    core_ctx *c;
    http_server *h;
    int port;
} srv;

static void srv_start(srv *s, http_config cfg)
{
    char why[WHY_SIZE] = "", url[4200];
    s->dir = fx_tmpdir();
    snprintf(url, sizeof url, "sqlite:%s", fx_path(s->dir, "core.db"));
    s->st = store_open(url, why);
    if (!s->st) fail_msg("store_open: %s", why);
    s->c = core_ctx_new(s->st, fx_path(s->dir, "core.key"), why);
    if (!s->c) fail_msg("core_ctx_new: %s", why);
    cfg.listen = "127.0.0.1:0";
    s->h = http_start(s->c, &cfg, why);
    if (!s->h) fail_msg("http_start: %s", why);
    s->port = atoi(strrchr(http_url(s->h), ':') + 1);
    assert_true(s->port > 0);
}

static void srv_stop(srv *s)
{
    http_stop(s->h);
    core_ctx_free(s->c);
    store_close(s->st);
    fx_rmdir(s->dir);
}

/* Makes fd blocking, with a bound on every read and write (a test that
 * would otherwise hang fails instead). */
static void blocking(int fd)
{
    struct timeval tv = {60, 0};
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* Sends req (when not NULL) and reads one answer whole (its head into
 * head, cap bytes; its body by Content-Length); returns the status, -1
 * when the connection closed or failed first. */
static int exchange(int fd, const char *req, char *head, size_t cap)
{
    if (req && send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) return -1;
    size_t got = 0;
    char *end = NULL;
    while (!end) {
        if (got + 1 >= cap) return -1;
        ssize_t r = recv(fd, head + got, 1, 0);
        if (r <= 0) return -1;
        head[++got] = 0;
        end = got >= 4 && memcmp(head + got - 4, "\r\n\r\n", 4) == 0 ? head + got : NULL;
    }
    const char *cl = strstr(head, "\r\nContent-Length: ");
    for (long body = cl ? atol(cl + 18) : 0; body > 0; body--) {
        char ch;
        if (recv(fd, &ch, 1, 0) != 1) return -1;
    }
    return strncmp(head, "HTTP/1.1 ", 9) == 0 ? atoi(head + 9) : -1;
}

static const char health[] = "GET /v1/health HTTP/1.1\r\nHost: core\r\n\r\n";

static void test_an_address_over_its_connection_limit_is_answered_503(void **state)
{
    (void)state;
    srv s;
    srv_start(&s, (http_config){.per_address = 3, .max_conns = 16});
    int held[3], over, other;
    char head[2048];
    for (int i = 0; i < 3; i++) assert_true((held[i] = hold_dial(s.port, FROM(127, 0, 0, 7))) >= 0);
    /* the kernel queues them in order: the fourth is taken after the three */
    assert_true((over = hold_dial(s.port, FROM(127, 0, 0, 7))) >= 0);
    blocking(over);
    int refused = exchange(over, NULL, head, sizeof head);
    bool says = strstr(head, "too-many-connections") || strstr(head, "Retry-After: ");
    assert_true((other = hold_dial(s.port, FROM(127, 0, 0, 8))) >= 0);
    blocking(other);
    int served = exchange(other, health, head, sizeof head);
    blocking(held[0]);
    int first = exchange(held[0], health, head, sizeof head);
    for (int i = 0; i < 3; i++) close(held[i]);
    close(over);
    close(other);
    srv_stop(&s);
    assert_int_equal(refused, 503);
    assert_true(says);
    assert_int_equal(served, 200);
    assert_int_equal(first, 200);
}

static void test_a_request_trickling_header_lines_is_cut_at_its_deadline(void **state)
{
    (void)state;
    srv s;
    srv_start(&s, (http_config){.request_secs = 2, .idle_secs = 30});
    int fd = hold_dial(s.port, FROM(127, 0, 0, 9));
    assert_true(fd >= 0);
    blocking(fd);
    const char *head = "POST /v1/results HTTP/1.1\r\nHost: core\r\nContent-Length: 10\r\n";
    bool cut = send(fd, head, strlen(head), MSG_NOSIGNAL) < 0;
    /* a line every 250 ms: each well within the idle time; 240 lines are a
     * minute, thirty times the deadline */
    int lines = 0;
    for (; !cut && lines < 240; lines++) {
        hold_sleep_ms(250);
        cut = hold_server_done(fd) || send(fd, "X-Slow: 1\r\n", 11, MSG_NOSIGNAL) < 0;
    }
    close(fd);
    srv_stop(&s);
    assert_true(cut);
    assert_true(lines < 240);
}

static const char upload[] = "POST /v1/results HTTP/1.1\r\nHost: core\r\nConnection: close\r\n"
                             "Content-Type: application/json\r\nContent-Length: 2000\r\n\r\n";

/* The upload request: its head and a body of 2000 bytes. */
static char *upload_request(size_t *len)
{
    size_t head = strlen(upload);
    char *r = malloc(head + 2000);
    assert_non_null(r);
    memcpy(r, upload, head);
    memset(r + head, '{', 2000);
    *len = head + 2000;
    return r;
}

static void test_400_uploads_at_once_are_all_answered(void **state)
{
    (void)state;
    srv s;
    srv_start(&s, (http_config){0});
    size_t len;
    char *req = upload_request(&len);
    int lost = 0;
    /* 400 kiosks, each from its own address: more than the server serves
     * at once (HTTP_CONNECTIONS_MAX), so that some wait in the backlog */
    int answered = hold_uploads(s.port, req, len, 1000, 1000, 400, FROM(127, 1, 0, 1), 1, &lost);
    free(req);
    srv_stop(&s);
    assert_int_equal(lost, 0);
    assert_int_equal(answered, 400);
}

static void test_uploads_are_answered_while_one_client_holds_all_it_can(void **state)
{
    (void)state;
    srv s;
    srv_start(&s, (http_config){.max_conns = 32, .per_address = 8, .request_secs = 3});
    hold h;
    assert_int_equal(hold_start(&h, s.port, FROM(127, 0, 0, 2), 300, 500), 0);
    bool full = hold_wait_full(&h, 60);
    size_t len;
    char *req = upload_request(&len);
    int lost = 0, answered[3];
    for (int round = 0; round < 3; round++) /* 60 kiosks, three times over */
        answered[round] = hold_uploads(s.port, req, len, 1000, 200, 60, FROM(127, 2, 0, 1), 1,
                                       &lost);
    hold_stop(&h);
    free(req);
    long closed = atomic_load(&h.closed);
    srv_stop(&s);
    assert_true(full); /* the holder did try for more than it was given */
    assert_true(closed > 0);
    for (int round = 0; round < 3; round++) assert_int_equal(answered[round], 60);
    assert_int_equal(lost, 0);
}

static void test_wrong_operator_tokens_in_a_burst_are_mostly_not_even_checked(void **state)
{
    (void)state;
    srv s;
    srv_start(&s, (http_config){.operator_token = "the-operators-token-1234"});
    int fd = hold_dial(s.port, FROM(127, 0, 0, 5));
    assert_true(fd >= 0);
    blocking(fd);
    char head[2048];
    int checked = 0, throttled = 0, other = 0;
    bool retry_after = true;
    for (int i = 0; i < 300; i++) { /* one keep-alive connection, as fast as it answers */
        int st = exchange(fd, "GET /v1/history?exam=x HTTP/1.1\r\nHost: core\r\n"
                              "Authorization: Bearer not-the-token-at-all\r\n\r\n",
                          head, sizeof head);
        if (st == 401) checked++;
        else if (st == 429) throttled++, retry_after = retry_after && strstr(head, "Retry-After: ");
        else other++;
    }
    int same_addr = exchange(fd, "GET /v1/history?exam=x HTTP/1.1\r\nHost: core\r\n"
                                 "Authorization: Bearer the-operators-token-1234\r\n\r\n",
                             head, sizeof head);
    close(fd);
    /* the operator at another machine is not held up */
    fd = hold_dial(s.port, FROM(127, 0, 0, 6));
    assert_true(fd >= 0);
    blocking(fd);
    int honest = exchange(fd, "GET /v1/history?exam=x HTTP/1.1\r\nHost: core\r\n"
                              "Authorization: Bearer the-operators-token-1234\r\n\r\n",
                          head, sizeof head);
    close(fd);
    srv_stop(&s);
    assert_int_equal(other, 0);
    /* OPTRIES_FREE free tries, then one each time the wait (1, 2, 4... s)
     * is over: a burst of up to four minutes gets at most 8 more */
    assert_true(checked >= OPTRIES_FREE);
    assert_true(checked <= OPTRIES_FREE + 8);
    assert_int_equal(checked + throttled, 300);
    assert_true(retry_after);
    assert_int_equal(same_addr, 429);
    assert_int_equal(honest, 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stopping_the_server_closes_its_socket_once),
        cmocka_unit_test(test_an_address_over_its_connection_limit_is_answered_503),
        cmocka_unit_test(test_a_request_trickling_header_lines_is_cut_at_its_deadline),
        cmocka_unit_test(test_400_uploads_at_once_are_all_answered),
        cmocka_unit_test(test_uploads_are_answered_while_one_client_holds_all_it_can),
        cmocka_unit_test(test_wrong_operator_tokens_in_a_burst_are_mostly_not_even_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
