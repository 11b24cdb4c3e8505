/* room_watch.h -- room_gen's proctor: a thread that watches the room as the proctor's page
 * does (the SSE stream of /v1/proctor/stream after a sign-in with the proctor code, or
 * GET /v1/room polled with the operator's token) and notes when a seat shows a mark. */
#ifndef KISI_ROOM_WATCH_H
#define KISI_ROOM_WATCH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "sbuf.h"

#define WATCH_LOGIN "/v1/proctor/login"
#define WATCH_STREAM "/v1/proctor/stream"

/* Microseconds on the monotonic clock (latencies on loopback are a few ms). */
static inline long long watch_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The watcher: it looks for seat `seat` with state.flagged == `mark`. */
typedef struct watch {
    char url[1024], seat[33], secret[256];
    bool sse;                   /* the stream, else polling GET /v1/room */
    pthread_t thread;
    atomic_int stop;
    atomic_llong mark;          /* the mark looked for (set by the sender) */
    atomic_llong seen_us;       /* watch_now_us() when it was seen, 0 not yet */
    atomic_int ready;           /* 1 streaming or polling; -1 failed */
    atomic_llong events;        /* room documents read */
    sbuf buf;                   /* SSE bytes not yet a whole event */
    char why[256];
} watch;

/* Notes the time when the room document text (len bytes) shows the mark. */
static inline void watch_document(watch *w, const char *text, size_t len)
{
    json_t *o = json_loadb(text, len, 0, NULL), *s;
    size_t i;
    atomic_fetch_add(&w->events, 1);
    json_array_foreach(json_object_get(o, "seats"), i, s) {
        const char *label = json_string_value(json_object_get(s, "seat"));
        if (!label || strcmp(label, w->seat) != 0) continue;
        json_t *st = json_object_get(s, "state");
        long long f = (long long)json_integer_value(json_object_get(st, "flagged"));
        if (f == atomic_load(&w->mark) && atomic_load(&w->seen_us) == 0)
            atomic_store(&w->seen_us, watch_now_us());
    }
    json_decref(o);
}

/* SSE bytes: each "data:" line of an event is a room document. */
static inline size_t watch_on_sse(char *data, size_t size, size_t nmemb, void *arg)
{
    watch *w = arg;
    size_t n = size * nmemb;
    if (!sbuf_add(&w->buf, data, n)) return 0;
    char *p = w->buf.p, *end;
    while ((end = memchr(p, '\n', w->buf.len - (size_t)(p - w->buf.p))) != NULL) {
        if (strncmp(p, "data:", 5) == 0) watch_document(w, p + 5, (size_t)(end - p - 5));
        p = end + 1;
    }
    size_t rest = w->buf.len - (size_t)(p - w->buf.p);
    memmove(w->buf.p, p, rest);
    w->buf.len = rest;
    atomic_store(&w->ready, 1);
    return atomic_load(&w->stop) ? 0 : n;
}

static inline size_t watch_on_body(char *data, size_t size, size_t nmemb, void *arg)
{
    sbuf_add((sbuf *)arg, data, size * nmemb);
    return size * nmemb;
}

static inline int watch_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c,
                                 curl_off_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    return atomic_load(&((watch *)arg)->stop);
}

static inline void *watch_run(void *arg)
{
    watch *w = arg;
    CURL *h = curl_easy_init();
    char u[1200], auth[400];
    sbuf body;
    sbuf_init(&body, 0);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_COOKIEFILE, "");
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, watch_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, w);
    long status = 0;
    if (w->sse) {
        char login[400];
        snprintf(login, sizeof login, "{\"code\":\"%s\"}", w->secret);
        snprintf(u, sizeof u, "%s" WATCH_LOGIN, w->url);
        curl_easy_setopt(h, CURLOPT_URL, u);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, login);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, watch_on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
        if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        OPENSSL_cleanse(login, sizeof login);
        if (status != 200) {
            snprintf(w->why, sizeof w->why, "proctor sign-in: HTTP %ld", status);
            atomic_store(&w->ready, -1);
        } else {
            snprintf(u, sizeof u, "%s" WATCH_STREAM, w->url);
            curl_easy_setopt(h, CURLOPT_URL, u);
            curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
            curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, watch_on_sse);
            curl_easy_setopt(h, CURLOPT_WRITEDATA, w);
            CURLcode rc = curl_easy_perform(h);
            if (!atomic_load(&w->stop)) {
                snprintf(w->why, sizeof w->why, "the stream ended: %s", curl_easy_strerror(rc));
                atomic_store(&w->ready, -1);
            }
        }
    } else {
        struct curl_slist *hd = NULL;
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", w->secret);
        hd = curl_slist_append(hd, auth);
        snprintf(u, sizeof u, "%s/v1/room", w->url);
        curl_easy_setopt(h, CURLOPT_URL, u);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, watch_on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
        while (!atomic_load(&w->stop)) {
            body.len = 0;
            status = 0;
            if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
            if (status != 200) {
                snprintf(w->why, sizeof w->why, "GET /v1/room: HTTP %ld", status);
                atomic_store(&w->ready, -1);
                break;
            }
            atomic_store(&w->ready, 1);
            watch_document(w, body.p, body.len);
            struct timespec ts = {0, 10 * 1000000L};  /* a page polls far less often */
            nanosleep(&ts, NULL);
        }
        curl_slist_free_all(hd);
        OPENSSL_cleanse(auth, sizeof auth);
    }
    sbuf_free(&body);
    curl_easy_cleanup(h);
    return NULL;
}

/* Starts watching the room of the core at url for seat: with sse, signed
 * in with the proctor code `secret`; else polling with the operator token
 * `secret`. 0, or -1 when no thread. Stop with watch_stop(). */
static inline int watch_start(watch *w, const char *url, const char *seat, const char *secret,
                              bool sse)
{
    memset(w, 0, sizeof *w);
    snprintf(w->url, sizeof w->url, "%s", url);
    snprintf(w->seat, sizeof w->seat, "%s", seat);
    snprintf(w->secret, sizeof w->secret, "%s", secret);
    w->sse = sse;
    atomic_store(&w->mark, -1);
    sbuf_init(&w->buf, 0);
    return pthread_create(&w->thread, NULL, watch_run, w) == 0 ? 0 : -1;
}

/* Stops and joins the thread; wipes the secret. */
static inline void watch_stop(watch *w)
{
    atomic_store(&w->stop, 1);
    pthread_join(w->thread, NULL);
    sbuf_free(&w->buf);
    OPENSSL_cleanse(w->secret, sizeof w->secret);
}

#endif
