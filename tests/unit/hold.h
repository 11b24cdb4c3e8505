/* hold.h -- test clients of the core's server: one address holding all the connections it can, and many honest uploads at once. */
#ifndef KISI_TEST_HOLD_H
#define KISI_TEST_HOLD_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define HOLD_MAX 1000        /* connections one holder tries at most */
#define HOLD_SILENCE_MS 60000 /* honest uploads give up after this long without progress */

/* A non-blocking socket from the loopback address `from` (host order, such
 * as 127.0.0.2: every 127.x.y.z is the machine itself) connecting to
 * 127.0.0.1:port; -1 when it cannot. */
static inline int hold_dial(int port, uint32_t from)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return -1;
    struct sockaddr_in src = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(from)};
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(fd, (struct sockaddr *)&src, sizeof src) != 0 ||
        (connect(fd, (struct sockaddr *)&dst, sizeof dst) != 0 && errno != EINPROGRESS)) {
        close(fd);
        return -1;
    }
    return fd;
}

static inline void hold_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* The holder: from one address it keeps up to `want` connections open,
 * each an upload whose head never ends: a header line on every one each
 * every_ms, a new connection for each the server closed. */
typedef struct hold {
    int port, want, every_ms;
    uint32_t from;
    atomic_bool stop;
    atomic_int rounds;      /* rounds done (the first opened every connection) */
    atomic_long closed;     /* connections the server closed or refused */
    atomic_int open_max;    /* most connections open at the end of a round */
    int fd[HOLD_MAX];
    pthread_t thread;
} hold;

/* True when the server closed fd or answered on it (a refusal). */
static inline int hold_server_done(int fd)
{
    char b[512];
    ssize_t r = recv(fd, b, sizeof b, MSG_DONTWAIT);
    return r == 0 || r > 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

static inline void *hold_main(void *arg)
{
    static const char head[] = "POST /v1/results HTTP/1.1\r\nHost: core\r\nContent-Length: 10\r\n";
    static const char line[] = "X-Hold: still here\r\n";
    hold *h = arg;
    while (!atomic_load(&h->stop)) {
        int open = 0;
        for (int i = 0; i < h->want && !atomic_load(&h->stop); i++) {
            if (h->fd[i] >= 0 && hold_server_done(h->fd[i])) {
                close(h->fd[i]);
                h->fd[i] = -1;
                atomic_fetch_add(&h->closed, 1);
            }
            if (h->fd[i] < 0) {
                if ((h->fd[i] = hold_dial(h->port, h->from)) >= 0)
                    (void)!send(h->fd[i], head, sizeof head - 1, MSG_NOSIGNAL);
            } else {
                (void)!send(h->fd[i], line, sizeof line - 1, MSG_NOSIGNAL);
            }
            open += h->fd[i] >= 0;
        }
        if (open > atomic_load(&h->open_max)) atomic_store(&h->open_max, open);
        atomic_fetch_add(&h->rounds, 1);
        for (int w = 0; w < h->every_ms && !atomic_load(&h->stop); w += 50) hold_sleep_ms(50);
    }
    return NULL;
}

/* Starts holding; returns 0, or -1 when the thread cannot start. */
static inline int hold_start(hold *h, int port, uint32_t from, int want, int every_ms)
{
    memset(h, 0, sizeof *h);
    h->port = port;
    h->from = from;
    h->want = want > HOLD_MAX ? HOLD_MAX : want;
    h->every_ms = every_ms;
    for (int i = 0; i < HOLD_MAX; i++) h->fd[i] = -1;
    return pthread_create(&h->thread, NULL, hold_main, h) == 0 ? 0 : -1;
}

/* Waits until the server has refused or closed one of the holder's
 * connections (so that it holds all it can), at most `secs` seconds;
 * returns whether it did. */
static inline bool hold_wait_full(hold *h, int secs)
{
    for (int w = 0; w < secs * 50 && atomic_load(&h->closed) == 0; w++) hold_sleep_ms(20);
    return atomic_load(&h->closed) > 0;
}

/* Stops the holder, joins it, closes its connections. */
static inline void hold_stop(hold *h)
{
    atomic_store(&h->stop, true);
    pthread_join(h->thread, NULL);
    for (int i = 0; i < HOLD_MAX; i++)
        if (h->fd[i] >= 0) close(h->fd[i]);
}

/* One honest client of hold_uploads. */
typedef enum { UP_SEND, UP_HELD, UP_READ, UP_ANSWERED, UP_LOST } up_state;
typedef struct hold_up {
    int fd;
    size_t sent, got;
    up_state state;
    char buf[256];
} hold_up;

/* Reads what came on c; true when it is now answered or lost (counted). */
static inline bool hold_up_read(hold_up *c, int *answered, int *lost)
{
    ssize_t r = recv(c->fd, c->buf + c->got, sizeof c->buf - 1 - c->got, 0);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
    if (r > 0) {
        c->got += (size_t)r;
        c->buf[c->got] = 0;
        if (strncmp(c->buf, "HTTP/1.1 ", 9) != 0 || !strstr(c->buf, "\r\n")) return false;
    }
    bool ok = r > 0 && atoi(c->buf + 9) != 503;
    c->state = ok ? UP_ANSWERED : UP_LOST;
    *(ok ? answered : lost) += 1;
    close(c->fd);
    return true;
}

/* Sends the request req (len bytes, which should say "Connection: close")
 * from n clients at once, client i from address first + i / per_addr, and
 * reads each answer's status line. All connect first; each sends all but
 * the last `tail` bytes, and when all have, they wait pause_ms (all are open
 * at once by then, served or waiting) and send the rest. Returns how many
 * were answered; those reset, closed without an answer or refused (503) in
 * *lost. Gives up after HOLD_SILENCE_MS without progress (the rest count as
 * neither). */
static inline int hold_uploads(int port, const char *req, size_t len, size_t tail, int pause_ms,
                               int n, uint32_t first, int per_addr, int *lost)
{
    hold_up *u = calloc((size_t)n, sizeof *u);
    struct pollfd *p = calloc((size_t)n, sizeof *p);
    int answered = 0;
    size_t upto = tail < len ? len - tail : len;
    *lost = 0;
    if (!u || !p) {
        free(u);
        free(p);
        return -1;
    }
    for (int i = 0; i < n; i++) /* connect all first: then they are all waiting at once */
        if ((u[i].fd = hold_dial(port, first + (uint32_t)(i / per_addr))) < 0)
            u[i].state = UP_LOST, (*lost)++;
    for (;;) {
        int k = 0, busy = 0, held = 0;
        for (int i = 0; i < n; i++) {
            busy += u[i].state < UP_ANSWERED;
            held += u[i].state == UP_HELD;
        }
        if (!busy) break;
        if (held == busy && upto < len) { /* all wait for their last bytes */
            hold_sleep_ms(pause_ms);
            for (int i = 0; i < n; i++)
                if (u[i].state == UP_HELD) u[i].state = UP_SEND;
            upto = len;
        }
        for (int i = 0; i < n; i++)
            if (u[i].state < UP_ANSWERED)
                p[k++] = (struct pollfd){u[i].fd, u[i].state == UP_SEND ? POLLOUT : POLLIN, 0};
        if (poll(p, (nfds_t)k, HOLD_SILENCE_MS) <= 0) break;
        k = 0;
        for (int i = 0; i < n; i++) {
            hold_up *c = &u[i];
            if (c->state >= UP_ANSWERED || !p[k++].revents) continue;
            if (c->state != UP_SEND) {
                hold_up_read(c, &answered, lost);
                continue;
            }
            ssize_t r = send(c->fd, req + c->sent, upto - c->sent, MSG_NOSIGNAL);
            if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                c->state = UP_LOST, (*lost)++;
                close(c->fd);
            } else if (r > 0 && (c->sent += (size_t)r) == upto) {
                c->state = upto == len ? UP_READ : UP_HELD;
            }
        }
    }
    for (int i = 0; i < n; i++)
        if (u[i].state < UP_ANSWERED) close(u[i].fd);
    free(u);
    free(p);
    return answered;
}

#endif
