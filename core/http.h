/* http.h -- the grading core's HTTP API (libmicrohttpd + jansson) over an ingest context. */
#ifndef KISI_HTTP_H
#define KISI_HTTP_H

#include <stddef.h>

#include "ingest.h"
#include "why.h"

#define HTTP_BODY_MAX (4u << 20)  /* default request body limit: larger bodies get 413 */
#define HTTP_CONNECTIONS_MAX 256  /* default open connections served at once */
#define HTTP_PER_ADDRESS_MAX 32   /* default connections one client address may hold */
#define HTTP_REQUEST_SECS 60      /* default time for a whole request, accept to answer */
#define HTTP_IDLE_SECS 30         /* default time a connection may stay silent */
#define HTTP_BACKLOG 1024         /* default connections the kernel queues beyond the limit */

typedef struct http_config {
    const char *listen;    /* "HOST:PORT" or "[V6]:PORT"; NULL = "127.0.0.1:8080" */
    size_t body_max;       /* 0 = HTTP_BODY_MAX */
    const char *operator_token; /* opens the operator routes (history, recap) to
                                   "Authorization: Bearer TOKEN" (borrowed); NULL: they
                                   answer 403 */
    const char *web_dir;   /* the folder whose files GET /web/NAME serves (the pages for
                              people: .html, .js, .css, .svg); NULL: none (borrowed) */
    unsigned max_conns;    /* connections served at once (0 = HTTP_CONNECTIONS_MAX); later
                              ones wait in the listen backlog until one closes */
    unsigned per_address;  /* connections one address may hold (0 = HTTP_PER_ADDRESS_MAX);
                              more are answered 503 and closed */
    unsigned request_secs; /* a whole request, from accept or the previous answer to its
                              answer, however slowly it trickles in (0 = HTTP_REQUEST_SECS);
                              then the connection is closed */
    unsigned idle_secs;    /* silence on a connection before it is closed (0 = HTTP_IDLE_SECS) */
    unsigned backlog;      /* the listen backlog (0 = HTTP_BACKLOG; the kernel caps it at
                              net.core.somaxconn) */
} http_config;

typedef struct http_server http_server;

/* Binds the listen address (only that address) and serves in background
 * threads, one for each open connection (at most max_conns; see http_config
 * for the limits of one address and of one request). Borrows `c` and
 * cfg->operator_token: both must outlive the server. GET /v1/cohorts/{id}/recap answers
 * the recap computed now (a preview, never stored), or with ?run=N recorded run N.
 * GET /v1/stats?exam=ID answers the item analysis of the exam's stored results
 * (itemstat_json without the responses).
 * Caller stops with http_stop(). NULL with why (WHY_SIZE bytes) on error. */
http_server *http_start(core_ctx *c, const http_config *cfg, char *why);
/* Stops serving, waits for running requests, frees. NULL is a no-op. */
void http_stop(http_server *h);
/* "http://HOST:PORT" of the bound address (borrowed). */
const char *http_url(const http_server *h);

#endif
