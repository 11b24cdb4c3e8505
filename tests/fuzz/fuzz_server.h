/* fuzz_server.h -- the core's HTTP server on a free loopback port for the core's fuzz
 * targets that speak HTTP: started on the first input, a raw request sent and its answer
 * read, stopped at exit before the core it borrows. */
#ifndef KISI_FUZZ_SERVER_H
#define KISI_FUZZ_SERVER_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "fuzz_core.h"
#include "http.h"

#define OPERATOR_TOKEN "fuzz-operator-token"  /* the seeds send it to reach operator routes */

static http_server *fuzz_server;
static int fuzz_port;
static char fuzz_server_why[96]; /* how the last exchange ended, when it failed */

/* Stops the server before the core it borrows is freed. */
static void fuzz_server_stop(void)
{
    http_stop(fuzz_server);
}

/* Starts the core and its server on a free loopback port, once; aborts when none is found. */
static void fuzz_server_start(void)
{
    if (fuzz_server) return;
    char why[WHY_SIZE] = "", listen[32];
    fuzz_core_setup();
    fuzz_core_stop = fuzz_server_stop;
    for (int i = 0; !fuzz_server && i < 200; i++) {
        fuzz_port = 20000 + (int)((getpid() * 7 + i * 131) % 40000);
        snprintf(listen, sizeof listen, "127.0.0.1:%d", fuzz_port);
        http_config cfg = {.listen = listen, .body_max = 65536, .operator_token = OPERATOR_TOKEN};
        fuzz_server = http_start(ctx, &cfg, why);
    }
    if (!fuzz_server) {
        fprintf(stderr, "fuzz server: %s\n", why);
        abort();
    }
}

/* Sends the request, closes the sending side and reads the answer to its end
 * (at most `cap` bytes kept). Returns the bytes read, -1 when the server is gone.
 * The connection ends with a reset, so that this end's port does not wait in
 * TIME_WAIT: hundreds of requests a second would use up the loopback's ports. */
static ssize_t fuzz_server_exchange(const uint8_t *data, size_t size, char *buf, size_t cap)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) abort();
    struct timeval tv = {10, 0};
    struct linger reset = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)fuzz_port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc;
    /* ports used up by other programs of the machine: wait for one (at most 10 s) */
    for (int i = 0; (rc = connect(fd, (struct sockaddr *)&a, sizeof a)) != 0 &&
                    errno == EADDRNOTAVAIL && i < 1000; i++)
        usleep(10000);
    if (rc != 0) {
        snprintf(fuzz_server_why, sizeof fuzz_server_why, "connect: %s", strerror(errno));
        close(fd);
        return -1;
    }
    for (size_t off = 0; off < size;) {
        ssize_t w = send(fd, data + off, size - off, MSG_NOSIGNAL);
        if (w <= 0) break;  /* the server may close on a bad request */
        off += (size_t)w;
    }
    shutdown(fd, SHUT_WR);
    size_t n = 0;
    ssize_t r;
    char sink[4096];
    while ((r = recv(fd, n < cap ? buf + n : sink, n < cap ? cap - n : sizeof sink, 0)) > 0)
        if (n < cap) n += (size_t)r;
    snprintf(fuzz_server_why, sizeof fuzz_server_why, "%zu bytes, then %s", n,
             r == 0 ? "the end" : strerror(errno));
    close(fd);
    return (ssize_t)n;
}

/* Aborts unless the answer to a request (its first n bytes in buf; n -1: no
 * connection) is HTTP and the server still answers a health check. */
static void fuzz_server_alive(const char *buf, ssize_t n)
{
    if (n < 0 || (n >= 8 && memcmp(buf, "HTTP/1.", 7) != 0)) {
        fprintf(stderr, "fuzz server: the answer is no HTTP (%s)\n", fuzz_server_why);
        abort();
    }
    static const char health[] = "GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    char ok[64];
    /* a busy machine may drop one connection: a core gone fails every try */
    for (int i = 0; i < 5; i++) {
        n = fuzz_server_exchange((const uint8_t *)health, sizeof health - 1, ok, sizeof ok);
        if (n >= 12 && memcmp(ok + 9, "200", 3) == 0) break;
        usleep(200000);
    }
    if (n < 12 || memcmp(ok + 9, "200", 3) != 0) {
        fprintf(stderr, "fuzz server: no health after the request (%s)\n", fuzz_server_why);
        abort();
    }
}

#endif
