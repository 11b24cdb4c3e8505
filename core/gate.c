/* gate.c -- accepts the HTTP server's connections: per-address and total limits, whole-request deadlines. */
#define _GNU_SOURCE /* accept4, pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include "clk.h"
#include "gate.h"
#include "log.h"

#define PENDING_MS 10000  /* a handed-over connection the server never started is forgotten */
#define TICK_MS 1000      /* the longest sleep between two looks at the deadlines */
#define LOG_EVERY_MS 10000 /* refusals are logged at most this often, summed */
#define SPENT_MS 100      /* out of descriptors or memory: no accept for this long */

typedef enum { SLOT_FREE, SLOT_PENDING, SLOT_LIVE } slot_state;

struct gate_slot {
    slot_state state;
    bool cut;               /* shut down at its deadline: not again */
    int fd;
    unsigned char addr[16]; /* IPv4 in the first 4 bytes (v4-mapped IPv6 too), else IPv6 */
    int64_t since_ms;       /* when handed over (pending) */
    int64_t deadline_ms;    /* when the request must be answered by (live) */
};

struct gate {
    gate_config cfg;
    int lfd, wake[2];
    gate_add_fn add;
    void *arg;
    pthread_t thread;
    bool running;
    int64_t spent_until_ms; /* accept() ran out of descriptors or memory: wait (thread's own) */
    pthread_mutex_t mu;     /* guards everything below */
    bool stop;
    unsigned used;          /* slots pending or live */
    uint64_t refused, cut, refused_logged;
    int64_t logged_ms;
    gate_slot *slots;       /* cfg.max_conns of them, never moved */
};

/* The answer to a connection over its address's limit. */
#define REFUSAL_BODY \
    "{\"error\":\"too-many-connections\",\"reason\":\"this address holds as many connections as it may\"}\n"
static const char refusal[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                              "Retry-After: 5\r\nConnection: close\r\nContent-Length: 93\r\n\r\n"
                              REFUSAL_BODY;
_Static_assert(sizeof REFUSAL_BODY - 1 == 93, "the refusal's Content-Length");

void gate_addr_key(const struct sockaddr *sa, unsigned char key[16])
{
    memset(key, 0, 16);
    if (!sa) return;
    if (sa->sa_family == AF_INET) {
        memcpy(key, &((const struct sockaddr_in *)sa)->sin_addr, 4);
    } else if (sa->sa_family == AF_INET6) {
        const unsigned char *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(b, mapped, 12) == 0)
            memcpy(key, b + 12, 4);
        else
            memcpy(key, b, 16);
    }
}

/* Connections the address `key` holds now (caller holds g->mu). */
static unsigned addr_count(const gate *g, const unsigned char key[16])
{
    unsigned n = 0;
    for (unsigned i = 0; i < g->cfg.max_conns; i++)
        if (g->slots[i].state != SLOT_FREE && memcmp(g->slots[i].addr, key, 16) == 0) n++;
    return n;
}

static void slot_free(gate *g, gate_slot *s)
{
    s->state = SLOT_FREE;
    s->cut = false;
    s->fd = -1;
    g->used--;
}

/* Shuts down the live connections past their deadline and forgets pending
 * ones the server never started; returns the ms until the next deadline
 * (at most TICK_MS). Caller holds g->mu. A live slot's socket is open: the
 * server closes it only after gate_closed(). */
static int expire(gate *g, int64_t now)
{
    int64_t next = now + TICK_MS;
    for (unsigned i = 0; i < g->cfg.max_conns; i++) {
        gate_slot *s = &g->slots[i];
        if (s->state == SLOT_PENDING && now - s->since_ms > PENDING_MS) slot_free(g, s);
        if (s->state != SLOT_LIVE || s->cut) continue;
        if (s->deadline_ms <= now) {
            shutdown(s->fd, SHUT_RDWR);
            s->cut = true;
            g->cut++;
        } else if (s->deadline_ms < next) {
            next = s->deadline_ms;
        }
    }
    return (int)(next - now);
}

/* Logs the refusals counted since the last line, at most every LOG_EVERY_MS. */
static void log_refusals(gate *g, int64_t now)
{
    if (g->refused == g->refused_logged || now - g->logged_ms < LOG_EVERY_MS) return;
    core_log(CORE_LOG_WARNING, "connections refused: %llu over the limit of %u per address",
             (unsigned long long)(g->refused - g->refused_logged), g->cfg.per_address);
    g->refused_logged = g->refused;
    g->logged_ms = now;
}

/* Takes one connection off the listen queue: refused when its address is
 * at its limit, else handed to the server. False when none was waiting. */
static bool accept_one(gate *g)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int fd = accept4(g->lfd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
    if (fd < 0 && (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM))
        g->spent_until_ms = clk_mono_ms() + SPENT_MS; /* else the queue stays readable: a spin */
    if (fd < 0) return errno == EINTR || errno == ECONNABORTED;
    unsigned char key[16];
    gate_addr_key((struct sockaddr *)&ss, key);
    gate_slot *s = NULL;
    pthread_mutex_lock(&g->mu);
    if (addr_count(g, key) < g->cfg.per_address)
        for (unsigned i = 0; !s && i < g->cfg.max_conns; i++)
            if (g->slots[i].state == SLOT_FREE) s = &g->slots[i];
    if (s) {
        *s = (gate_slot){SLOT_PENDING, false, fd, {0}, clk_mono_ms(), 0};
        memcpy(s->addr, key, 16);
        g->used++;
    } else {
        g->refused++;
    }
    pthread_mutex_unlock(&g->mu);
    if (!s) {
        /* best effort: the client may already be gone */
        if (send(fd, refusal, sizeof refusal - 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) errno = 0;
        close(fd);
        return true;
    }
    if (g->add(g->arg, fd, (struct sockaddr *)&ss, len) != 0) {
        pthread_mutex_lock(&g->mu);
        if (s->state == SLOT_PENDING && s->fd == fd) slot_free(g, s);
        pthread_mutex_unlock(&g->mu);
    }
    return true;
}

static void *gate_main(void *arg)
{
    gate *g = arg;
    for (;;) {
        pthread_mutex_lock(&g->mu);
        int64_t now = clk_mono_ms();
        int wait = expire(g, now);
        log_refusals(g, now);
        bool full = g->used >= g->cfg.max_conns || now < g->spent_until_ms, stop = g->stop;
        pthread_mutex_unlock(&g->mu);
        if (stop) break;
        if (now < g->spent_until_ms && g->spent_until_ms - now < wait)
            wait = (int)(g->spent_until_ms - now);
        struct pollfd p[2] = {{g->wake[0], POLLIN, 0}, {g->lfd, POLLIN, 0}};
        if (poll(p, full ? 1 : 2, wait < 1 ? 1 : wait) < 0) {
            p[0].revents = p[1].revents = 0; /* EINTR, or ENOMEM: a tick, then again */
            if (errno != EINTR) poll(NULL, 0, SPENT_MS);
        }
        if (p[0].revents) {
            char buf[64];
            while (read(g->wake[0], buf, sizeof buf) > 0) {
            }
        }
        /* a batch, then a look at the limits and deadlines again */
        for (int n = 0; !full && p[1].revents && n < 64 && accept_one(g); n++) {
            pthread_mutex_lock(&g->mu);
            full = g->used >= g->cfg.max_conns;
            pthread_mutex_unlock(&g->mu);
        }
    }
    return NULL;
}

static void wake(gate *g)
{
    if (write(g->wake[1], "", 1) < 0) errno = 0; /* full: the thread wakes anyway */
}

int gate_listen(const char *spec, int backlog, char *url, size_t urlcap, char *why)
{
    char host[128], port[16];
    const char *colon = strrchr(spec, ':');
    const char *h0 = spec, *h1 = colon;
    if (colon && spec[0] == '[' && colon > spec && colon[-1] == ']') h0 = spec + 1, h1 = colon - 1;
    if (!colon || h1 <= h0 || (size_t)(h1 - h0) >= sizeof host || !colon[1] ||
        strlen(colon + 1) >= sizeof port || strspn(colon + 1, "0123456789") != strlen(colon + 1)) {
        why_set(why, "--listen wants HOST:PORT (like 127.0.0.1:8080), not '%.60s'", spec);
        return -1;
    }
    memcpy(host, h0, (size_t)(h1 - h0));
    host[h1 - h0] = 0;
    snprintf(port, sizeof port, "%s", colon + 1);
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
    int g = getaddrinfo(host, port, &hints, &ai);
    if (g != 0) {
        why_set(why, "cannot listen on %.60s: %s", spec, gai_strerror(g));
        return -1;
    }
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
        listen(fd, backlog) != 0) {
        why_set(why, "cannot listen on %.60s: %s", spec, strerror(errno));
        if (fd >= 0) close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    /* the port bound: port 0 asks the kernel for a free one */
    char numeric[INET6_ADDRSTRLEN] = "?", bound[16] = "?";
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) sl = 0;
    getnameinfo(ai->ai_addr, ai->ai_addrlen, numeric, sizeof numeric, NULL, 0, NI_NUMERICHOST);
    if (sl) getnameinfo((struct sockaddr *)&ss, sl, NULL, 0, bound, sizeof bound, NI_NUMERICSERV);
    snprintf(url, urlcap, ai->ai_family == AF_INET6 ? "http://[%s]:%s" : "http://%s:%s", numeric,
             bound);
    freeaddrinfo(ai);
    return fd;
}

gate *gate_new(int listen_fd, const gate_config *cfg, gate_add_fn add, void *arg, char *why)
{
    gate *g = calloc(1, sizeof *g);
    gate_slot *slots = cfg->max_conns ? calloc(cfg->max_conns, sizeof *slots) : NULL;
    if (!g || !slots) {
        free(g);
        free(slots);
        close(listen_fd);
        why_set(why, cfg->max_conns ? "out of memory" : "the connection limit must be at least 1");
        return NULL;
    }
    g->cfg = *cfg;
    g->lfd = listen_fd;
    g->add = add;
    g->arg = arg;
    g->slots = slots;
    g->wake[0] = g->wake[1] = -1;
    for (unsigned i = 0; i < cfg->max_conns; i++) slots[i].fd = -1;
    pthread_mutex_init(&g->mu, NULL);
    int fl = fcntl(listen_fd, F_GETFL);
    if (fl < 0 || fcntl(listen_fd, F_SETFL, fl | O_NONBLOCK) != 0 ||
        pipe2(g->wake, O_NONBLOCK | O_CLOEXEC) != 0) {
        why_set(why, "cannot start accepting connections: %s", strerror(errno));
        gate_stop(g);
        gate_free(g);
        return NULL;
    }
    return g;
}

int gate_run(gate *g, char *why)
{
    if (pthread_create(&g->thread, NULL, gate_main, g) != 0)
        return why_set(why, "cannot start accepting connections: %s", strerror(errno));
    g->running = true;
    return 0;
}

void gate_stop(gate *g)
{
    if (!g) return;
    pthread_mutex_lock(&g->mu);
    g->stop = true;
    pthread_mutex_unlock(&g->mu);
    if (g->running) {
        wake(g);
        pthread_join(g->thread, NULL);
        g->running = false;
    }
    if (g->lfd >= 0) close(g->lfd);
    g->lfd = -1;
}

void gate_free(gate *g)
{
    if (!g) return;
    for (int i = 0; i < 2; i++)
        if (g->wake[i] >= 0) close(g->wake[i]);
    pthread_mutex_destroy(&g->mu);
    free(g->slots);
    free(g);
}

gate_slot *gate_started(gate *g, int fd)
{
    gate_slot *s = NULL;
    pthread_mutex_lock(&g->mu);
    /* the newest pending slot of fd: an older one may be a stale slot of
     * a connection the server dropped before it began */
    for (unsigned i = 0; i < g->cfg.max_conns; i++) {
        gate_slot *x = &g->slots[i];
        if (x->state == SLOT_PENDING && x->fd == fd && (!s || x->since_ms >= s->since_ms)) s = x;
    }
    if (s) {
        s->state = SLOT_LIVE;
        s->deadline_ms = clk_mono_ms() + (int64_t)g->cfg.request_secs * 1000;
    }
    pthread_mutex_unlock(&g->mu);
    return s;
}

void gate_closed(gate *g, gate_slot *s)
{
    if (!s) return;
    pthread_mutex_lock(&g->mu);
    bool was_full = g->used >= g->cfg.max_conns;
    if (s->state == SLOT_LIVE) slot_free(g, s);
    pthread_mutex_unlock(&g->mu);
    if (was_full) wake(g);
}

void gate_answered(gate *g, gate_slot *s)
{
    if (!s) return;
    pthread_mutex_lock(&g->mu);
    if (s->state == SLOT_LIVE)
        s->deadline_ms = clk_mono_ms() + (int64_t)g->cfg.request_secs * 1000;
    pthread_mutex_unlock(&g->mu);
}

void gate_counts(gate *g, uint64_t *refused, uint64_t *cut)
{
    pthread_mutex_lock(&g->mu);
    *refused = g->refused;
    *cut = g->cut;
    pthread_mutex_unlock(&g->mu);
}
