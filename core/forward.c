/* forward.c -- the forwarder: stored results to the upstream core, each marked on that core's signed receipt. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "bank.h"
#include "clk.h"
#include "forward.h"
#include "hex.h"
#include "ingest.h"
#include "log.h"
#include "proto.h"
#include "sbuf.h"

struct forward {
    store *st;
    char url[512], upstream[65];
    unsigned backoff_max_ms;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_int stop;
};

/* One pass's connection and tally. */
typedef struct pass_ctx {
    CURL *curl;
    struct curl_slist *headers;
    const forward_config *cfg;
    store *st;
    const atomic_int *stop; /* NULL outside the thread */
    sbuf answer;
    forward_pass *p;
} pass_ctx;

static size_t on_answer(char *data, size_t size, size_t n, void *arg)
{
    sbuf *b = arg;
    return sbuf_add(b, data, size * n) ? size * n : 0;
}

/* libcurl's progress: a non-zero return abandons the upload (the thread stops). */
static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    const atomic_int *stop = arg;
    return stop && atomic_load(stop) != 0;
}

/* The text of one JSON member, "" when absent or not a string. */
static const char *member(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

int forward_receipt_check(const char *answer, size_t len, const char *upstream,
                          const char *digest, const char *kiosk, char **receipt, char *why)
{
    *receipt = NULL;
    json_t *a = json_loadb(answer, len, 0, NULL);
    json_t *r = json_object_get(a, "receipt");
    const char *status = member(r, "status"), *sig = member(r, "sig");
    json_int_t version = json_integer_value(json_object_get(r, "version"));
    json_int_t time_ms = json_integer_value(json_object_get(r, "time"));
    char text[512];
    int n = snprintf(text, sizeof text, PROTO_RECEIPT_TEXT, (int)version, member(r, "result"),
                     member(r, "kiosk"), status, (long long)time_ms);
    int rc = -1;
    if (!json_is_object(r))
        why_set(why, "the upstream's answer carries no receipt");
    else if (version != PROTO_RECEIPT_VERSION)
        why_set(why, "the upstream's receipt is of version %lld, not %d", (long long)version,
                PROTO_RECEIPT_VERSION);
    else if (strcmp(member(r, "result"), digest) != 0 || strcmp(member(r, "kiosk"), kiosk) != 0)
        why_set(why, "the upstream's receipt is for another result");
    else if (strcmp(status, "stored") != 0 && strcmp(status, "duplicate") != 0)
        why_set(why, "the upstream's receipt says %.20s, not stored", status);
    else if (strcmp(member(r, "core"), upstream) != 0 || n < 0 || (size_t)n >= sizeof text ||
             bank_sig_verify(upstream, text, (size_t)n, sig) != BANK_OK)
        why_set(why, "the receipt is not signed by the upstream key (--upstream-key)");
    else if (!(*receipt = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS)))
        why_set(why, "out of memory");
    else
        rc = 0;
    json_decref(a);
    return rc;
}

/* The forwarded result's body: the record exactly as uploaded, the kiosk's
 * signature and the name the kiosk enrolled under here. Caller frees. */
static char *forward_body(const store_result *r, const char *name, char kiosk[65])
{
    char sig[129];
    if (core_sig_parse(r->sig, strlen(r->sig), kiosk, sig) != 0) return NULL;
    json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s}", "version", PROTO_FORWARD_VERSION, "record",
                          r->json, "kiosk", kiosk, "sig", sig, "name", name);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return text;
}

/* hex SHA-256 of the record (65 bytes): what a receipt names. */
static void record_digest(const char *json, char out[65])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(json, strlen(json), d, &n, EVP_sha256(), NULL);
    hex_encode(d, n, out);
}

/* Sends one stored result; a non-zero return ends the pass (upstream down). */
static int send_one(const store_result *r, const char *kiosk_name, void *arg)
{
    pass_ctx *x = arg;
    forward_pass *p = x->p;
    char kiosk[65] = "", digest[65], why[WHY_SIZE] = "";
    char *body = forward_body(r, kiosk_name, kiosk);
    if (!body) {
        p->refused++;
        if (!p->why[0]) why_set(p->why, "the stored signature of a result cannot be read");
        return 0;
    }
    record_digest(r->json, digest);
    sbuf_free(&x->answer);
    sbuf_init(&x->answer, FORWARD_ANSWER_MAX);
    curl_easy_setopt(x->curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(x->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    CURLcode cc = curl_easy_perform(x->curl);
    free(body);
    long status = 0;
    if (cc == CURLE_OK) curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &status);
    if (cc != CURLE_OK || status >= 500 || status == 429 || status == 503) {
        p->down = 1;
        why_set(p->why, "upstream %s: %s", x->cfg->url,
                cc != CURLE_OK ? curl_easy_strerror(cc) : "busy or failing (HTTP 5xx/429)");
        return 1;
    }
    json_t *a = json_loadb(x->answer.p ? x->answer.p : "", x->answer.len, 0, NULL);
    char code[32];
    snprintf(code, sizeof code, "%s", member(a, "code"));
    char reason[160];
    snprintf(reason, sizeof reason, "%s", member(a, "reason"));
    json_decref(a);
    char *receipt = NULL;
    if (status == 202) {
        p->waiting++;
        return 0;
    }
    if ((status == 200 || status == 201) &&
        forward_receipt_check(x->answer.p ? x->answer.p : "", x->answer.len, x->cfg->upstream,
                              digest, kiosk, &receipt, why) == 0) {
        int rc = store_forward_mark(x->st, digest, x->cfg->upstream, receipt, clk_wall_ms(), why);
        free(receipt);
        if (rc == 0) {
            p->sent++;
            core_log(CORE_LOG_INFO, "result forwarded: session=%.32s nip=%.18s attempt=%d "
                     "upstream=%.16s status=%ld", r->session_id, r->nip, r->attempt,
                     x->cfg->upstream, status);
            return 0;
        }
    } else if (!why[0]) {
        why_set(why, "refused (%ld %.31s): %.150s", status, code, reason);
    }
    p->refused++;
    core_log(CORE_LOG_WARNING, "result not forwarded: session=%.32s nip=%.18s attempt=%d: %s",
             r->session_id, r->nip, r->attempt, why);
    if (!p->why[0]) why_set(p->why, "%s", why);
    return 0;
}

/* One pass with the stop flag `stop` (NULL: none). */
static int pass(store *st, const forward_config *cfg, const atomic_int *stop, forward_pass *p)
{
    memset(p, 0, sizeof *p);
    char url[600];
    pass_ctx x = {.cfg = cfg, .st = st, .stop = stop, .p = p};
    x.curl = curl_easy_init();
    x.headers = curl_slist_append(NULL, "Content-Type: " PROTO_TYPE_JSON);
    struct curl_slist *h = x.headers ? curl_slist_append(x.headers, "Expect:") : NULL;
    if (!x.curl || !h) {
        curl_slist_free_all(x.headers);
        curl_easy_cleanup(x.curl);
        why_set(p->why, "out of memory");
        return -1;
    }
    x.headers = h;
    snprintf(url, sizeof url, "%s%s", cfg->url, PROTO_PATH_FORWARD);
    curl_easy_setopt(x.curl, CURLOPT_URL, url);
    curl_easy_setopt(x.curl, CURLOPT_HTTPHEADER, x.headers);
    curl_easy_setopt(x.curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(x.curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(x.curl, CURLOPT_TIMEOUT_MS, 60000L);
    curl_easy_setopt(x.curl, CURLOPT_WRITEFUNCTION, on_answer);
    curl_easy_setopt(x.curl, CURLOPT_WRITEDATA, &x.answer);
    curl_easy_setopt(x.curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(x.curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(x.curl, CURLOPT_XFERINFODATA, (void *)stop);
    char why[WHY_SIZE] = "";
    int rc = store_forward_each(st, cfg->upstream, 0, send_one, &x, why);
    /* stopped by send_one: the upstream is down, not a store error */
    if (rc && p->down) rc = 0;
    if (rc) why_set(p->why, "%s", why);
    sbuf_free(&x.answer);
    curl_slist_free_all(x.headers);
    curl_easy_cleanup(x.curl);
    return rc;
}

int forward_once(store *st, const forward_config *cfg, forward_pass *p)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = pass(st, cfg, NULL, p);
    curl_global_cleanup();
    return rc;
}

/* Waits ms or until stopped; true when stopped. */
static bool nap(forward *f, unsigned ms)
{
    struct timespec t = clk_mono_at(clk_mono_ms() + (int64_t)ms);
    pthread_mutex_lock(&f->mu);
    while (!atomic_load(&f->stop) && pthread_cond_timedwait(&f->cv, &f->mu, &t) == 0) {
    }
    pthread_mutex_unlock(&f->mu);
    return atomic_load(&f->stop) != 0;
}

static void *run(void *arg)
{
    forward *f = arg;
    forward_config cfg = {f->url, f->upstream, f->backoff_max_ms};
    unsigned wait = FORWARD_BACKOFF_MS;
    bool was_down = false;
    do {
        forward_pass p;
        int rc = pass(f->st, &cfg, &f->stop, &p);
        if (atomic_load(&f->stop)) break;
        if (rc) core_log(CORE_LOG_ERR, "forwarding: %s", p.why);
        if (p.down != was_down)
            core_log(p.down ? CORE_LOG_WARNING : CORE_LOG_INFO, "forwarding: %s",
                     p.down ? p.why : "the upstream answers again");
        was_down = p.down;
        bool failed = rc || p.down || p.refused || p.waiting;
        if (!failed || p.sent) wait = FORWARD_BACKOFF_MS;
        unsigned ms = failed ? wait : FORWARD_IDLE_MS;
        if (failed) wait = wait * 2 > f->backoff_max_ms ? f->backoff_max_ms : wait * 2;
        if (nap(f, ms)) break;
    } while (1);
    return NULL;
}

forward *forward_start(store *st, const forward_config *cfg, char *why)
{
    if (!cfg->url || strncmp(cfg->url, "http", 4) != 0 || strlen(cfg->url) >= sizeof ((forward *)0)->url) {
        why_set(why, "--upstream must be an http:// or https:// URL");
        return NULL;
    }
    if (!hex_valid(cfg->upstream, 64)) {
        why_set(why, "the upstream key must be 64 hex digits");
        return NULL;
    }
    forward *f = calloc(1, sizeof *f);
    if (!f) {
        why_set(why, "out of memory");
        return NULL;
    }
    f->st = st;
    snprintf(f->url, sizeof f->url, "%s", cfg->url);
    size_t n = strlen(f->url);
    while (n && f->url[n - 1] == '/') f->url[--n] = 0;
    snprintf(f->upstream, sizeof f->upstream, "%s", cfg->upstream);
    f->backoff_max_ms = cfg->backoff_max_ms ? cfg->backoff_max_ms : FORWARD_BACKOFF_MAX_MS;
    pthread_mutex_init(&f->mu, NULL);
    clk_cond_init(&f->cv);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (pthread_create(&f->thread, NULL, run, f) != 0) {
        pthread_cond_destroy(&f->cv);
        pthread_mutex_destroy(&f->mu);
        curl_global_cleanup();
        free(f);
        why_set(why, "cannot start the forwarder thread");
        return NULL;
    }
    return f;
}

void forward_stop(forward *f)
{
    if (!f) return;
    pthread_mutex_lock(&f->mu);
    atomic_store(&f->stop, 1);
    pthread_cond_signal(&f->cv);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
    curl_global_cleanup();
    free(f);
}
