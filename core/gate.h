/* gate.h -- the HTTP server's own accept step: connection limits and a deadline for each whole request. */
#ifndef KISI_GATE_H
#define KISI_GATE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "why.h"

typedef struct gate_config {
    unsigned max_conns;     /* connections served at once; later ones wait in the listen backlog */
    unsigned per_address;   /* connections one address may hold; more are answered 503 and closed */
    unsigned request_secs;  /* a whole request, from accept (or the previous answer) to its answer */
} gate_config;

/* Hands an accepted connection to the server: 0 when taken, -1 when the
 * server refused it (it has closed fd then, as MHD_add_connection does). */
typedef int (*gate_add_fn)(void *arg, int fd, const struct sockaddr *sa, socklen_t len);

typedef struct gate gate;
typedef struct gate_slot gate_slot;

/* Opens a listening socket on "HOST:PORT" or "[V6]:PORT" (numeric port) with
 * the given backlog, and writes "http://HOST:PORT" into url (urlcap bytes),
 * with the port bound (port 0 binds a free one).
 * Returns the socket, or -1 with why. */
int gate_listen(const char *spec, int backlog, char *url, size_t urlcap, char *why);

/* A gate over listen_fd (taken: closed by gate_stop), not yet accepting.
 * Once running (gate_run) it calls add for each connection while fewer than
 * max_conns are open; at the limit it stops accepting, so that the kernel
 * queues the next ones. A connection whose request is not answered within
 * request_secs is shut down. Caller stops with gate_stop() and frees with
 * gate_free(). NULL with why on error (listen_fd closed). */
gate *gate_new(int listen_fd, const gate_config *cfg, gate_add_fn add, void *arg, char *why);
/* Starts accepting in a thread of its own: 0, or -1 with why. */
int gate_run(gate *g, char *why);
/* Stops accepting, joins the thread, closes the listening socket. The
 * gate_started/closed/answered calls stay valid until gate_free(). */
void gate_stop(gate *g);
/* Frees the gate (after gate_stop and after the server stopped). NULL is a no-op. */
void gate_free(gate *g);

/* The server began serving the connection on fd (from its connection
 * notice): returns its slot, or NULL when the gate did not accept it. */
gate_slot *gate_started(gate *g, int fd);
/* The server closed the connection of slot s (before closing its socket). */
void gate_closed(gate *g, gate_slot *s);
/* A request of slot s was answered: the next one has request_secs again. */
void gate_answered(gate *g, gate_slot *s);

/* The address of sa as 16 bytes: IPv4 (or v4-mapped IPv6) in the first 4,
 * else the IPv6 address; all zero for NULL or another family. */
void gate_addr_key(const struct sockaddr *sa, unsigned char key[16]);

/* Connections refused for their address and cut at their deadline since start. */
void gate_counts(gate *g, uint64_t *refused, uint64_t *cut);

#endif
