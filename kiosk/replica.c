/* replica.c -- sends the journal's events to the core in order, and fetches an attempt's events back. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "clk.h"
#include "hex.h"
#include "journal.h"
#include "klog.h"
#include "proto.h"
#include "replica.h"
#include "sbuf.h"
#include "text.h"

#define ANSWER_MAX (4 << 20)   /* bytes of an answer kept (a fetch carries events) */
#define BATCHES_PER_ROUND 16   /* batches sent before the journal is looked at again */
#define REFUSED_WAIT_MS 10000  /* an attempt the core refused is tried again after this */
#define PULL_MAX 100000        /* events of one attempt fetched at most */
/* payload bytes of one push: escaped in the body they may double (a quote is \"), and the
 * body holds some 200 bytes more per event */
#define PAYLOAD_BYTES ((JCHAIN_BODY_MAX - JCHAIN_BATCH * 256) / 2)

typedef struct followed {
    char attempt[96];
    int64_t last;              /* the newest seq in the journal */
    int64_t confirmed;         /* the core holds up to this seq; -1 = not asked yet */
    int64_t retry_at;          /* monotonic ms: not before then */
    char refused[32];          /* the last refusal's code, logged once */
} followed;

struct replica_sender {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_int stop;
    bool kicked;
    /* set at start, read by the thread only */
    const bank_signer *signer;
    char pub[65], session[40], url[1100];
    char *jpath;
    struct klog *log;
    CURL *curl;
    journal_reader *rd;
    ino_t rd_ino;              /* the file rd reads (a journal set aside is replaced) */
    int64_t backoff_ms;        /* the wait after the core did not answer */
    int64_t offline_until;     /* monotonic ms */
    /* under mu */
    followed att[REPLICA_ATTEMPTS];
    int natt;
};

/* ---- one signed POST ---- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
    sbuf *b = arg;
    sbuf_add(b, data, size * nmemb);  /* a failed buffer (too long) stays failed */
    return size * nmemb;
}

static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    atomic_int *stop = arg;
    return stop && atomic_load(stop) != 0;
}

/* Sets up h to POST to url with a time limit (ms) and an abort flag (may be NULL). */
static void curl_setup(CURL *h, const char *url, long timeout_ms, atomic_int *stop)
{
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 3000 ? timeout_ms : 3000L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, stop);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_USERAGENT, "kisi-kiosk");
}

/* POSTs the JSON `o` (compact, sorted: the bytes signed) signed by s; the
 * answer goes into *answer (bounded). Returns the HTTP status, 0 when the
 * core did not answer. */
static long post_signed(CURL *h, const bank_signer *s, json_t *o, sbuf *answer)
{
    char sig[129], h1[100], h2[200];
    char *body = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    long status = 0;
    sbuf_init(answer, ANSWER_MAX);
    if (!body || bank_signer_sign(s, body, strlen(body), sig) != BANK_OK) {
        free(body);
        return 0;
    }
    snprintf(h1, sizeof h1, PROTO_HEADER_KIOSK ": %s", bank_signer_pub(s));
    snprintf(h2, sizeof h2, PROTO_HEADER_SIGNATURE ": %s", sig);
    struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: " PROTO_TYPE_JSON);
    struct curl_slist *all = hd ? curl_slist_append(hd, "Expect:") : NULL;
    all = all ? curl_slist_append(all, h1) : NULL;
    all = all ? curl_slist_append(all, h2) : NULL;
    if (all) {
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, all);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, answer);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
        if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    }
    curl_slist_free_all(hd);
    free(body);
    return answer->failed ? 0 : status;
}

/* A journal message's common part: {"version", "seq", "session", "attempt"}. */
static json_t *message(const char *attempt)
{
    char session[40];
    snprintf(session, sizeof session, "%.*s", (int)strcspn(attempt, "/"), attempt);
    return json_pack("{s:i, s:I, s:s, s:s}", "version", PROTO_REPLICA_VERSION, "seq",
                     (json_int_t)clk_wall_ms(), "session", session, "attempt", attempt);
}

/* ---- the thread ---- */

/* journal_reader_heads callback: notes an attempt's newest seq. */
static int note_head(const char *attempt, int64_t last, void *arg)
{
    replica_sender *r = arg;
    if (strlen(attempt) >= sizeof r->att[0].attempt) return 0;
    pthread_mutex_lock(&r->mu);
    int i = 0;
    while (i < r->natt && strcmp(r->att[i].attempt, attempt) != 0) i++;
    if (i == r->natt) {
        /* heads come oldest first: the newest attempts take the places */
        if (r->natt == REPLICA_ATTEMPTS) {
            memmove(r->att, r->att + 1, (REPLICA_ATTEMPTS - 1) * sizeof *r->att);
            i = --r->natt;
        }
        memset(&r->att[i], 0, sizeof r->att[i]);
        snprintf(r->att[i].attempt, sizeof r->att[i].attempt, "%s", attempt);
        r->att[i].confirmed = -1;
        r->natt++;
    }
    r->att[i].last = last;
    pthread_mutex_unlock(&r->mu);
    return 0;
}

/* Logs a refusal of the core once per code and attempt. */
static void refused(replica_sender *r, followed *f, long status, const sbuf *answer)
{
    json_t *o = json_loadb(answer->p ? answer->p : "", answer->len, 0, NULL);
    const char *code = json_string_value(json_object_get(o, "error"));
    const char *reason = json_string_value(json_object_get(o, "reason"));
    char c[32];
    snprintf(c, sizeof c, "%s", code ? code : "http");
    if (strcmp(c, f->refused) != 0)
        klog_event(r->log, "replica-refused", "%s: HTTP %ld %s: %s", f->attempt, status, c,
                   reason ? reason : "");
    snprintf(f->refused, sizeof f->refused, "%s", c);
    json_decref(o);
}

/* Sends the next batch of f (a copy; the result goes back under mu).
 * Returns 1 when it should go on at once, 0 when f waits, -1 when the core
 * did not answer. */
static int send_batch(replica_sender *r, followed *f)
{
    char why[WHY_SIZE] = "";
    jchain_event *ev = NULL;
    size_t n = 0;
    if (f->confirmed >= 0 &&
        journal_reader_events(r->rd, f->attempt, f->confirmed, JCHAIN_BATCH,
                              PAYLOAD_BYTES, &ev, &n, why) != 0) {
        klog_event(r->log, "replica-error", "%s", why);
        f->retry_at = clk_mono_ms() + REFUSED_WAIT_MS;
        return 0;
    }
    json_t *o = message(f->attempt);
    if (o) json_object_set_new(o, "events", jchain_json(ev, n));
    jchain_free(ev, n);
    sbuf answer;
    long status = post_signed(r->curl, r->signer, o, &answer);
    json_decref(o);
    json_t *a = status ? json_loadb(answer.p ? answer.p : "", answer.len, 0, NULL) : NULL;
    json_t *have = json_object_get(a, "have");
    int rc = 0;
    const char *err = json_string_value(json_object_get(a, "error"));
    if ((status == 200 || (status == 409 && err && strcmp(err, "gap") == 0)) &&
        json_is_integer(have) && json_integer_value(have) >= 0) {
        int64_t was = f->confirmed;
        f->confirmed = (int64_t)json_integer_value(have);
        f->refused[0] = 0;
        rc = status == 200 && n > 0 && f->confirmed > was ? 1 : status == 409;
    } else if (status == 0) {
        rc = -1;
    } else {
        refused(r, f, status, &answer);
        f->retry_at = clk_mono_ms() + REFUSED_WAIT_MS;
    }
    json_decref(a);
    sbuf_free(&answer);
    return rc;
}

/* Stores f back into its place (found by name) under mu. */
static void put_back(replica_sender *r, const followed *f)
{
    pthread_mutex_lock(&r->mu);
    for (int i = 0; i < r->natt; i++)
        if (strcmp(r->att[i].attempt, f->attempt) == 0) {
            int64_t last = r->att[i].last;  /* the journal may have grown meanwhile */
            r->att[i] = *f;
            r->att[i].last = last > f->last ? last : f->last;
        }
    pthread_mutex_unlock(&r->mu);
}

/* One look at the journal and what the core still lacks. */
static void round_once(replica_sender *r)
{
    char why[WHY_SIZE] = "", prefix[48];
    if (clk_mono_ms() < r->offline_until) return;
    struct stat sb;
    if (stat(r->jpath, &sb) != 0) return;
    if (r->rd && sb.st_ino != r->rd_ino) {
        /* the journal was set aside and a new one begun: read the new file */
        journal_reader_close(r->rd);
        r->rd = NULL;
    }
    if (!r->rd && !(r->rd = journal_reader_open(r->jpath, why))) return;
    r->rd_ino = sb.st_ino;
    snprintf(prefix, sizeof prefix, "%s/", r->session);
    if (journal_reader_heads(r->rd, prefix, note_head, r, why) != 0) {
        klog_event(r->log, "replica-error", "%s", why);
        return;
    }
    for (int batches = 0; batches < BATCHES_PER_ROUND && !atomic_load(&r->stop);) {
        followed f;
        bool found = false;
        int64_t now = clk_mono_ms();
        pthread_mutex_lock(&r->mu);
        for (int i = r->natt - 1; i >= 0 && !found; i--)  /* the newest first */
            if ((r->att[i].confirmed < r->att[i].last) && r->att[i].retry_at <= now) {
                f = r->att[i];
                found = true;
            }
        pthread_mutex_unlock(&r->mu);
        if (!found) break;
        int rc = send_batch(r, &f);
        put_back(r, &f);
        if (rc < 0) {
            /* unreachable: everything waits in the journal; try again later */
            r->backoff_ms = r->backoff_ms ? r->backoff_ms * 2 : 1000;
            if (r->backoff_ms > REPLICA_RETRY_MAX_MS) r->backoff_ms = REPLICA_RETRY_MAX_MS;
            r->offline_until = clk_mono_ms() + r->backoff_ms;
            return;
        }
        r->backoff_ms = 0;
        batches++;
    }
}

static void *run(void *arg)
{
    replica_sender *r = arg;
    while (!atomic_load(&r->stop)) {
        round_once(r);
        int64_t due = clk_mono_ms() + REPLICA_PERIOD_MS;
        struct timespec ts = clk_mono_at(due);
        pthread_mutex_lock(&r->mu);
        while (!atomic_load(&r->stop) && !r->kicked && clk_mono_ms() < due)
            pthread_cond_timedwait(&r->cv, &r->mu, &ts);
        r->kicked = false;
        pthread_mutex_unlock(&r->mu);
    }
    return NULL;
}

/* ---- public ---- */

static void destroy(replica_sender *r)
{
    if (r->curl) curl_easy_cleanup(r->curl);
    journal_reader_close(r->rd);
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    free(r->jpath);
    free(r);
    curl_global_cleanup();
}

/* The URL of `path` at the core (base without trailing slashes) into out; false when too long. */
static bool url_of(const char *core_url, const char *path, char *out, size_t cap)
{
    size_t n = strlen(core_url);
    while (n > 0 && core_url[n - 1] == '/') n--;
    return (size_t)snprintf(out, cap, "%.*s%s", (int)n, core_url, path) < cap;
}

/* Caller stops with replica_stop(). */
replica_sender *replica_start(const char *core_url, const char *journal_path,
                              const bank_signer *signer, const char *session_id,
                              struct klog *log, char *why)
{
    if (!core_url || (strncmp(core_url, "http://", 7) && strncmp(core_url, "https://", 8)) ||
        strlen(core_url) > 1024 || text_has_control(core_url)) {
        why_set(why, "replica: core URL must be http://HOST:PORT or https://...");
        return NULL;
    }
    if (!journal_path || !signer || !session_id || !*session_id || strlen(session_id) > 32) {
        why_set(why, "replica: a journal, a key and a session are needed");
        return NULL;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        why_set(why, "replica: cannot initialise libcurl");
        return NULL;
    }
    replica_sender *r = calloc(1, sizeof *r);
    if (!r) {
        curl_global_cleanup();
        why_set(why, "replica: out of memory");
        return NULL;
    }
    pthread_mutex_init(&r->mu, NULL);
    clk_cond_init(&r->cv);
    r->signer = signer;
    r->log = log;
    snprintf(r->session, sizeof r->session, "%s", session_id);
    url_of(core_url, PROTO_PATH_ROOM_JOURNAL, r->url, sizeof r->url);
    r->jpath = strdup(journal_path);
    r->curl = curl_easy_init();
    if (!r->jpath || !r->curl) {
        destroy(r);
        why_set(why, "replica: out of memory");
        return NULL;
    }
    curl_setup(r->curl, r->url, 10000L, &r->stop);
    if (pthread_create(&r->thread, NULL, run, r) != 0) {
        destroy(r);
        why_set(why, "replica: cannot start its thread");
        return NULL;
    }
    return r;
}

void replica_kick(replica_sender *r)
{
    if (!r) return;
    pthread_mutex_lock(&r->mu);
    r->kicked = true;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

int64_t replica_confirmed(replica_sender *r, const char *attempt)
{
    int64_t c = 0;
    if (!r || !attempt) return 0;
    pthread_mutex_lock(&r->mu);
    for (int i = 0; i < r->natt; i++)
        if (strcmp(r->att[i].attempt, attempt) == 0 && r->att[i].confirmed > 0)
            c = r->att[i].confirmed;
    pthread_mutex_unlock(&r->mu);
    return c;
}

void replica_stop(replica_sender *r)
{
    if (!r) return;
    pthread_mutex_lock(&r->mu);
    atomic_store(&r->stop, 1);
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->thread, NULL);
    destroy(r);
}

/* ---- fetching an attempt back ---- */

/* Appends the events of one fetched answer `a` to *all (n held, cap room). */
static int take_events(json_t *a, jchain_event **all, size_t *n, size_t *cap, char *why)
{
    jchain_event *ev = NULL;
    size_t k = 0;
    if (jchain_parse(json_object_get(a, "events"), JCHAIN_BATCH, &ev, &k, why)) return -1;
    if (*n + k > PULL_MAX) {
        jchain_free(ev, k);
        return why_set(why, "the core holds more than %d events of one attempt", PULL_MAX);
    }
    if (*n + k > *cap) {
        size_t c = (*n + k) * 2;
        jchain_event *p = realloc(*all, c * sizeof *p);
        if (!p) {
            jchain_free(ev, k);
            return why_set(why, "out of memory");
        }
        *all = p;
        *cap = c;
    }
    if (k) memcpy(*all + *n, ev, k * sizeof *ev);  /* the payloads change hands */
    *n += k;
    free(ev);
    return 0;
}

/* Caller frees *out with jchain_free(). */
int replica_pull(const char *core_url, const bank_signer *signer, const char *attempt,
                 long timeout_ms, jchain_event **out, size_t *n, char *from, size_t cap,
                 char *why)
{
    char url[1100];
    *out = NULL;
    *n = 0;
    if (from && cap) from[0] = 0;
    if (!core_url || !signer || !attempt || !strchr(attempt, '/') ||
        !url_of(core_url, PROTO_PATH_ROOM_JOURNAL_FETCH, url, sizeof url))
        return why_set(why, "replica: a core, a key and an attempt are needed");
    CURL *h = curl_easy_init();
    if (!h) return why_set(why, "replica: cannot initialise libcurl");
    curl_setup(h, url, timeout_ms, NULL);
    jchain_event *all = NULL;
    size_t got = 0, room = 0;
    int rc = 0;
    for (;;) {
        json_t *o = message(attempt);
        if (o) json_object_set_new(o, "from", json_integer((json_int_t)got + 1));
        sbuf answer;
        long status = post_signed(h, signer, o, &answer);
        json_decref(o);
        json_t *a = json_loadb(answer.p ? answer.p : "", answer.len, 0, NULL);
        json_t *have = json_object_get(a, "have");
        size_t before = got;
        const char *reason = json_string_value(json_object_get(a, "reason"));
        const char *last = json_string_value(json_object_get(a, "kiosk"));
        if (status == 0)
            rc = why_set(why, "the core did not answer");
        else if (status != 200 || !json_is_integer(have))
            rc = why_set(why, "the core refused: HTTP %ld %s", status, reason ? reason : "");
        else if (take_events(a, &all, &got, &room, why) != 0)
            rc = -1;
        else if (from && cap)
            snprintf(from, cap, "%s", last ? last : "");
        bool done = rc || got == before || (json_int_t)got >= json_integer_value(have);
        json_decref(a);
        sbuf_free(&answer);
        if (done) break;
    }
    curl_easy_cleanup(h);
    if (rc) {
        jchain_free(all, got);
        return -1;
    }
    *out = all;
    *n = got;
    return 0;
}
