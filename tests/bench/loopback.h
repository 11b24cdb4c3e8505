/* loopback.h -- a light load generator for the core's HTTP API: one thread drives many
 * kept-alive connections to 127.0.0.1 with epoll, sending requests built beforehand.
 * On a two-core machine the generator shares the CPU with the server it measures, so it
 * must cost as little as possible: no per-request allocation, no thread per connection. */
#ifndef KISI_BENCH_LOOPBACK_H
#define KISI_BENCH_LOOPBACK_H

#include <arpa/inet.h>
#include <errno.h>
#include <ctype.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "bench.h"

#define LOOPBACK_BUF 16384 /* one response must fit */

/* One request: the full HTTP/1.1 text (head and body). */
typedef struct loopback_req {
    char *text;
    size_t len;
} loopback_req;

typedef struct loopback_conn {
    int fd;
    size_t have;
    char buf[LOOPBACK_BUF];
} loopback_conn;

/* Writes all of r to fd; exits on error. */
static inline void loopback_send(int fd, const loopback_req *r)
{
    for (size_t off = 0; off < r->len;) {
        ssize_t w = write(fd, r->text + off, r->len - off);
        if (w <= 0) bench_die("loopback: write: %s", strerror(errno));
        off += (size_t)w;
    }
}

/* True when the header line at p (after its CR LF) is named `name`
 * (lower case), in any case. */
static inline bool loopback_header_is(const char *p, const char *name)
{
    for (; *name; p++, name++)
        if (tolower((unsigned char)*p) != *name) return false;
    return true;
}

/* Length of the first complete response in c->buf (head and body), 0 when
 * more bytes are needed; its status in *status. */
static inline size_t loopback_response(loopback_conn *c, int *status)
{
    c->buf[c->have] = 0;
    char *end = strstr(c->buf, "\r\n\r\n");
    if (!end) return 0;
    size_t head = (size_t)(end + 4 - c->buf), body = 0;
    for (char *p = c->buf; p && p < end; p = strstr(p + 1, "\r\n"))
        if (loopback_header_is(p + 2, "content-length:")) body = strtoul(p + 17, NULL, 10);
    if (head + body >= LOOPBACK_BUF) bench_die("loopback: response larger than %d bytes", LOOPBACK_BUF);
    if (c->have < head + body) return 0;
    *status = atoi(c->buf + 9);
    return head + body;
}

/* Sends req[0..n) to 127.0.0.1:port over `nconn` connections, each sending
 * its next request when the answer to the previous one has arrived. Counts
 * answers with status 200 or 201 in *ok. Returns the elapsed milliseconds.
 * Exits on any error, and when the server is silent for 30 s. */
static inline double loopback_run(int port, const loopback_req *req, size_t n, int nconn, int *ok)
{
    loopback_conn *c = calloc((size_t)nconn, sizeof *c);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (!c || ep < 0) bench_die("loopback: out of memory or epoll");
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    size_t issued = 0, answered = 0;
    *ok = 0;
    double t0 = bench_now_ms();
    for (int i = 0; i < nconn && issued < n; i++) {
        int one = 1;
        c[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (c[i].fd < 0 || connect(c[i].fd, (struct sockaddr *)&a, sizeof a) != 0)
            bench_die("loopback: connect: %s", strerror(errno));
        setsockopt(c[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &ev);
        loopback_send(c[i].fd, &req[issued++]);
    }
    while (answered < n) {
        struct epoll_event evs[64];
        int k = epoll_wait(ep, evs, 64, 30000);
        if (k <= 0) bench_die("loopback: no answer for 30 s (%zu of %zu answered)", answered, n);
        for (int e = 0; e < k; e++) {
            loopback_conn *x = &c[evs[e].data.u32];
            ssize_t r = read(x->fd, x->buf + x->have, LOOPBACK_BUF - 1 - x->have);
            if (r <= 0) bench_die("loopback: the server closed a connection");
            x->have += (size_t)r;
            int status = 0;
            size_t used;
            while ((used = loopback_response(x, &status)) > 0) {
                if (status == 200 || status == 201) (*ok)++;
                memmove(x->buf, x->buf + used, x->have - used);
                x->have -= used;
                answered++;
                if (issued < n) loopback_send(x->fd, &req[issued++]);
            }
        }
    }
    double ms = bench_now_ms() - t0;
    for (int i = 0; i < nconn; i++)
        if (c[i].fd > 0) close(c[i].fd);
    close(ep);
    free(c);
    return ms;
}

#endif
