/* probe.c -- room_gen's latency probe: marks on one seat's state, a watcher thread that sees
 * the room as a proctor does, and the figures beside the empty round trip. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "probe.h"
#include "proto.h"
#include "sbuf.h"
#include "secret.h"
#include "why.h"

#define WATCH_LOGIN "/v1/proctor/login"
#define WATCH_STREAM "/v1/proctor/stream"

/* Microseconds on the monotonic clock (latencies on loopback are a few ms). */
static long long watch_now_us(void)
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
static void watch_document(watch *w, const char *text, size_t len)
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
static size_t watch_on_sse(char *data, size_t size, size_t nmemb, void *arg)
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

static size_t watch_on_body(char *data, size_t size, size_t nmemb, void *arg)
{
    sbuf_add((sbuf *)arg, data, size * nmemb);
    return size * nmemb;
}

static int watch_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c,
                                 curl_off_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    return atomic_load(&((watch *)arg)->stop);
}

static void *watch_run(void *arg)
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
static int watch_start(watch *w, const char *url, const char *seat, const char *secret,
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
static void watch_stop(watch *w)
{
    atomic_store(&w->stop, 1);
    pthread_join(w->thread, NULL);
    sbuf_free(&w->buf);
    OPENSSL_cleanse(w->secret, sizeof w->secret);
}


struct probe {
    watch w;
    int samples, done, lost;
    char seat[33], wait_file[1024], last[256];
    long long mark, sent_us, due_us, sent_wall_us;
    bool rtt_taken, in_flight;
    double *see, *rtt, *base;   /* ms, one per sample */
    CURL *health;
    char health_url[1200];
};

static size_t probe_discard(char *data, size_t size, size_t nmemb, void *arg)
{
    (void)data, (void)arg;
    return size * nmemb;
}

probe *probe_new(const char *core, const char *seat, const char *secret_file, bool sse,
                 int samples, const char *wait_file, char *why)
{
    size_t len = 0;
    char *secret = secret_read(secret_file, 200, 0, &len, why);
    probe *p = secret ? calloc(1, sizeof *p) : NULL;
    double *v = p ? calloc(3 * (size_t)samples, sizeof *v) : NULL;
    CURL *h = v ? curl_easy_init() : NULL;
    if (!h || watch_start(&p->w, core, seat, secret, sse) != 0) {
        if (secret) why_set(why, "out of memory or no thread");
        secret_free(secret, len);
        free(p);
        free(v);
        if (h) curl_easy_cleanup(h);
        return NULL;
    }
    secret_free(secret, len);
    p->samples = samples;
    snprintf(p->seat, sizeof p->seat, "%s", seat);
    snprintf(p->wait_file, sizeof p->wait_file, "%s", wait_file ? wait_file : "");
    p->see = v;
    p->rtt = v + samples;
    p->base = v + 2 * samples;
    p->health = h;
    snprintf(p->health_url, sizeof p->health_url, "%s" PROTO_PATH_HEALTH, core);
    curl_easy_setopt(h, CURLOPT_URL, p->health_url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, probe_discard);
    return p;
}

long long probe_mark(const probe *p)
{
    return p->mark;
}

void probe_nip(long long m, char nip[PROBE_NIP])
{
    snprintf(nip, PROBE_NIP, "199001%02lld2015%02lld1%03lld", 1 + m / 1000 % 28,
             1 + m / 28000 % 12, m % 1000);
}

void probe_sent(probe *p)
{
    if (!p->in_flight || p->sent_us) return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    p->sent_us = watch_now_us();
    p->sent_wall_us = (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void probe_answered(probe *p)
{
    if (!p->in_flight || !p->sent_us || p->rtt_taken) return;
    p->rtt[p->done] = (double)(watch_now_us() - p->sent_us) / 1e3;
    p->rtt_taken = true;
}

const char *probe_last(const probe *p)
{
    return p->last;
}

probe_news probe_step(probe *p, bool room_ready)
{
    int ready = atomic_load(&p->w.ready);
    if (ready < 0) {
        snprintf(p->last, sizeof p->last, "%s", p->w.why);
        return PROBE_FAILED;
    }
    long long now = watch_now_us(), seen = atomic_load(&p->w.seen_us);
    struct stat sb;
    if (!room_ready || !ready || now < p->due_us || (p->wait_file[0] && stat(p->wait_file, &sb)))
        return PROBE_IDLE;
    if (!p->in_flight) {
        p->mark = 1000 + p->done + p->lost;
        atomic_store(&p->w.seen_us, 0);
        atomic_store(&p->w.mark, p->mark);
        p->sent_us = 0;
        p->rtt_taken = false;
        p->in_flight = true;
        return PROBE_NEW;
    }
    if (!p->sent_us) return PROBE_IDLE;
    probe_news news;
    if (seen && p->rtt_taken) {
        char nip[PROBE_NIP];
        p->see[p->done] = (double)(seen - p->sent_us) / 1e3;
        probe_nip(p->mark, nip);
        snprintf(p->last, sizeof p->last, "nip %s sent %lld us seen +%.3f ms", nip,
                 p->sent_wall_us, p->see[p->done]);
        long long t0 = watch_now_us();
        curl_easy_perform(p->health);
        p->base[p->done++] = (double)(watch_now_us() - t0) / 1e3;
        news = PROBE_SEEN;
    } else if (now - p->sent_us > 5000000) {
        p->lost++;
        news = PROBE_LOST;
    } else {
        return PROBE_IDLE;
    }
    p->in_flight = false;
    p->due_us = now + 50000;
    return p->done + p->lost >= p->samples ? PROBE_DONE : news;
}

static int probe_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-th quantile of v[0..n) (sorted in place), n > 0. */
static double probe_pct(double *v, int n, double q)
{
    qsort(v, (size_t)n, sizeof *v, probe_cmp);
    int i = (int)(q * n + 0.999999) - 1;
    return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

int probe_end(probe *p, int kiosks)
{
    watch_stop(&p->w);
    int d = p->done;
    const char *how = p->w.sse ? "SSE stream" : "GET /v1/room polled";
    if (d > 0) {
        printf("latency: a state change to the proctor (%s), %d of %d samples, %d kiosks "
               "sending, %lld room documents read\n", how, d, p->samples, kiosks,
               (long long)atomic_load(&p->w.events));
        double s50 = probe_pct(p->see, d, 0.5), s99 = probe_pct(p->see, d, 0.99);
        double r50 = probe_pct(p->rtt, d, 0.5), r99 = probe_pct(p->rtt, d, 0.99);
        double b50 = probe_pct(p->base, d, 0.5), b99 = probe_pct(p->base, d, 0.99);
        printf("  state -> proctor            p50 %8.2f ms   p99 %8.2f ms   max %8.2f ms\n", s50,
               s99, p->see[d - 1]);
        printf("  state round trip (POST)     p50 %8.2f ms   p99 %8.2f ms\n", r50, r99);
        printf("  baseline: empty round trip  p50 %8.2f ms   p99 %8.2f ms   (GET /v1/health)\n",
               b50, b99);
        printf("  lost (not seen within 5 s)  %d\n", p->lost);
    } else {
        printf("latency: no sample taken (%s)\n", how);
    }
    fflush(stdout);
    curl_easy_cleanup(p->health);
    free(p->see);
    free(p);
    return d > 0 ? 0 : 1;
}
