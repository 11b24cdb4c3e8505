/* test_uploader.c -- outbox to core: enrolment, delivery, receipts, refusal, approval, outage, stop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>
#include <openssl/evp.h>

#include "bank.h"
#include "corekey.h"
#include "export.h"
#include "fixture.h"
#include "hex.h"
#include "kcode.h"
#include "klog.h"
#include "proto.h"
#include "uploader.h"
#include "why.h"

#define PUB "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define SIG PUB PUB /* 128 hex: the fake does not check the results' signatures */
#define MAXREQ 256

/* ---- a scripted core on 127.0.0.1 ---- */

typedef struct req {
    char url[32];
    char id[32];       /* the result's "id", "" for enrolment */
    char *result;      /* the body as received */
    int sig_ok;        /* the signature headers carried the .sig file's parts */
    int status;        /* what the fake answered */
} req;

/* How the fake vouches for a result it takes. */
typedef enum receipt_mode {
    RECEIPT_GOOD = 0,     /* the core key's receipt for exactly that record */
    RECEIPT_NONE,         /* a plain 2xx, as any host could answer */
    RECEIPT_OTHER_KEY,    /* a receipt signed by another key */
    RECEIPT_OTHER_RESULT  /* the core key's receipt for another record */
} receipt_mode;

typedef struct fake {
    struct MHD_Daemon *d;
    uint16_t port;
    pthread_mutex_t mu;
    bank_signer *core, *other;  /* the core's key; another key */
    receipt_mode receipt;
    int enrol_bad;     /* enrolments whose signature did not verify */
    int dumb;          /* 1: "200 {}" to every request, as any host could answer */
    int dumb_n;        /* requests so answered */
    int approved;      /* 0: results get 403 kiosk-not-approved */
    int forget;        /* 1: forget the kiosk at the next result (as after a reset) */
    int known;         /* the kiosk enrolled since it was last forgotten */
    int hang;          /* 1: result requests get no answer until `stopping` */
    int hung;          /* requests left hanging */
    int stopping;
    char script_id[4][32];
    int script[4][4];  /* statuses answered in turn to that id; the last repeats */
    int nreq;
    req r[MAXREQ];
} fake;

typedef struct body {
    size_t len;
    char data[1 << 16];
} body;

static const char *str(const char *s)
{
    return s ? s : "";
}

/* The status the fake gives to the n-th request for `id` (0-based). */
static int scripted(fake *f, const char *id, int n)
{
    for (int i = 0; i < 4; i++) {
        if (strcmp(f->script_id[i], id) != 0) continue;
        int k = 0;
        while (k < 3 && k < n && f->script[i][k + 1]) k++;
        return f->script[i][k];
    }
    return 201;
}

/* A receipt member for `record` from `kiosk` with `status`, as f->receipt says. */
static json_t *receipt_for(fake *f, const char *record, size_t len, const char *kiosk,
                           const char *status)
{
    unsigned char d[32];
    unsigned n = 0;
    char digest[65], text[512], sig[129];
    if (f->receipt == RECEIPT_NONE) return NULL;
    if (f->receipt == RECEIPT_OTHER_RESULT) EVP_Digest("another", 7, d, &n, EVP_sha256(), NULL);
    else EVP_Digest(record, len, d, &n, EVP_sha256(), NULL);
    hex_encode(d, 32, digest);
    const bank_signer *by = f->receipt == RECEIPT_OTHER_KEY ? f->other : f->core;
    int k = snprintf(text, sizeof text, PROTO_RECEIPT_TEXT, PROTO_RECEIPT_VERSION, digest, kiosk,
                     status, 1234LL);
    assert_int_equal(bank_signer_sign(by, text, (size_t)k, sig), BANK_OK);
    return json_pack("{s:i, s:s, s:s, s:s, s:I, s:s, s:s}", "version", PROTO_RECEIPT_VERSION,
                     "result", digest, "kiosk", kiosk, "status", status, "time", (json_int_t)1234,
                     "core", bank_signer_pub(f->core), "sig", sig);
}

/* True when the enrolment body o is signed by the key it names, over the
 * fake's challenge and key. */
static int enrol_signed(fake *f, json_t *o)
{
    char text[512];
    const char *pub = str(json_string_value(json_object_get(o, "pub")));
    int n = snprintf(text, sizeof text, PROTO_ENROL_TEXT, PROTO_ENROL_VERSION,
                     str(json_string_value(json_object_get(o, "core"))),
                     str(json_string_value(json_object_get(o, "challenge"))), pub,
                     str(json_string_value(json_object_get(o, "name"))));
    return strcmp(str(json_string_value(json_object_get(o, "core"))),
                  bank_signer_pub(f->core)) == 0 &&
           strcmp(str(json_string_value(json_object_get(o, "challenge"))), "fake-challenge") ==
               0 &&
           bank_sig_verify(pub, text, (size_t)n, str(json_string_value(json_object_get(o, "sig"))))
               == BANK_OK;
}

/* Records one request and picks the answer. Caller frees the text. */
static char *answer(fake *f, struct MHD_Connection *c, const char *url, const body *b,
                    int *status)
{
    json_t *o = json_loadb(b->data, b->len, 0, NULL);
    char *out = NULL;
    pthread_mutex_lock(&f->mu);
    req *r = f->nreq < MAXREQ ? &f->r[f->nreq++] : NULL;
    if (!r) {
        *status = 500;
        pthread_mutex_unlock(&f->mu);
        json_decref(o);
        return strdup("{\"code\":\"server-error\"}");
    }
    snprintf(r->url, sizeof r->url, "%s", url);
    if (strcmp(url, "/v1/kiosks") == 0) {
        int ok = enrol_signed(f, o);
        f->enrol_bad += !ok;
        *status = ok ? 202 : 400;
        f->known = 1;
        json_t *a = json_pack("{s:s, s:s}", "state", f->approved ? "approved" : "pending", "core",
                              bank_signer_pub(f->core));
        out = json_dumps(a, JSON_COMPACT);
        json_decref(a);
    } else {
        r->result = strndup(b->data, b->len);
        r->sig_ok = strcmp(str(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Kisi-Kiosk")),
                           PUB) == 0 &&
                    strcmp(str(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Kisi-Signature")),
                           SIG) == 0;
        snprintf(r->id, sizeof r->id, "%s", str(json_string_value(json_object_get(o, "id"))));
        if (f->forget == 1) f->forget = 2, f->known = 0;
        int before = 0;
        for (req *p = f->r; p < r; p++) before += strcmp(p->id, r->id) == 0;
        *status = !f->known ? 403 : !f->approved ? 403 : scripted(f, r->id, before);
        out = strdup(!f->known        ? "{\"code\":\"unknown-kiosk\",\"reason\":\"enrol\"}"
                     : !f->approved   ? "{\"code\":\"kiosk-not-approved\",\"reason\":\"ask\"}"
                     : *status == 201 ? "{\"code\":\"stored\"}"
                     : *status == 200 ? "{\"code\":\"duplicate\"}"
                     : *status == 422 ? "{\"error\":\"score-mismatch\","
                                        "\"reason\":\"scores differ\\nfrom a re-scoring\"}"
                                      : "{\"code\":\"server-error\",\"reason\":\"later\"}");
        json_t *rc = f->known && f->approved && (*status == 200 || *status == 201)
                         ? receipt_for(f, b->data, b->len,
                                       str(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                                       "Kisi-Kiosk")),
                                       *status == 201 ? "stored" : "duplicate")
                         : NULL;
        if (rc) {
            json_t *a = json_loads(out, 0, NULL);
            json_object_set_new(a, "receipt", rc);
            free(out);
            out = json_dumps(a, JSON_COMPACT);
            json_decref(a);
        }
    }
    r->status = *status;
    pthread_mutex_unlock(&f->mu);
    json_decref(o);
    return out;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    fake *f = cls;
    body *b = *con_cls;
    (void)version;
    if (!b) {
        *con_cls = calloc(1, sizeof(body));
        return *con_cls ? MHD_YES : MHD_NO;
    }
    if (*upload_size) {
        size_t n = *upload_size < sizeof b->data - b->len ? *upload_size : sizeof b->data - b->len;
        memcpy(b->data + b->len, upload, n);
        b->len += n;
        *upload_size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&f->mu);
    int dumb = f->dumb;
    f->dumb_n += dumb;
    pthread_mutex_unlock(&f->mu);
    if (dumb) {
        struct MHD_Response *resp = MHD_create_response_from_buffer(2, "{}", MHD_RESPMEM_PERSISTENT);
        enum MHD_Result rc = MHD_queue_response(c, 200, resp);
        MHD_destroy_response(resp);
        return rc;
    }
    if (strcmp(method, "GET") == 0 && strcmp(url, "/v1/challenge") == 0) {
        char text[256];
        snprintf(text, sizeof text, "{\"version\":1,\"challenge\":\"fake-challenge\",\"core\":\"%s\"}",
                 bank_signer_pub(f->core));
        struct MHD_Response *resp =
            MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_COPY);
        enum MHD_Result rc = MHD_queue_response(c, 200, resp);
        MHD_destroy_response(resp);
        return rc;
    }
    if (strcmp(method, "POST") != 0) return MHD_NO;
    pthread_mutex_lock(&f->mu);
    int hang = f->hang && strcmp(url, "/v1/results") == 0;
    f->hung += hang;
    pthread_mutex_unlock(&f->mu);
    for (int i = 0; hang && i < 1000; i++) {
        pthread_mutex_lock(&f->mu);
        int stop = f->stopping;
        pthread_mutex_unlock(&f->mu);
        if (stop) return MHD_NO;
        usleep(10000);
    }
    int status;
    char *text = answer(f, c, url, b, &status);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", "application/json");
    enum MHD_Result rc = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)c, (void)toe;
    free(*con_cls);
    *con_cls = NULL;
}

/* Serves on 127.0.0.1:port (0 = any free port); fails the test if it cannot. */
static void fake_up(fake *f, uint16_t port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    f->stopping = 0;
    f->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0,
                            NULL, NULL, handle, f, MHD_OPTION_SOCK_ADDR, &sa,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, f,
                            MHD_OPTION_CONNECTION_TIMEOUT, 20u, MHD_OPTION_END);
    assert_non_null(f->d);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(f->d, MHD_DAEMON_INFO_BIND_PORT);
    assert_non_null(info);
    f->port = info->port;
    assert_true(f->port != 0);
}

static void fake_down(fake *f)
{
    if (!f->d) return;
    pthread_mutex_lock(&f->mu);
    f->stopping = 1;
    pthread_mutex_unlock(&f->mu);
    MHD_stop_daemon(f->d);
    f->d = NULL;
}

/* Requests to `url` about `id` (NULL: any) answered `status` (0: any). */
static int fake_count(fake *f, const char *url, const char *id, int status)
{
    int n = 0;
    pthread_mutex_lock(&f->mu);
    for (int i = 0; i < f->nreq && i < MAXREQ; i++)
        n += strcmp(f->r[i].url, url) == 0 && (!id || strcmp(f->r[i].id, id) == 0) &&
             (!status || f->r[i].status == status);
    pthread_mutex_unlock(&f->mu);
    return n;
}

/* ---- the kiosk side ---- */

typedef struct fx {
    char *dir;          /* the state folder */
    char url[64];
    fake f;
    uploader *u;
    klog *log;          /* STATE/kiosk.log */
    bank_signer *kiosk; /* this kiosk's key (enrolment) */
    char *keys;         /* where the keys live */
} fx;

static int setup(void **state)
{
    fx *x = calloc(1, sizeof *x);
    if (!x) return -1;
    x->dir = fx_tmpdir();
    x->log = klog_open(fx_path(x->dir, "kiosk.log"), KLOG_MAX_BYTES, NULL);
    pthread_mutex_init(&x->f.mu, NULL);
    x->f.approved = 1;
    x->keys = fx_tmpdir();
    bank_err e;
    x->kiosk = bank_signer_open(fx_path(x->keys, "kiosk"), &e, NULL);
    x->f.core = bank_signer_open(fx_path(x->keys, "core"), &e, NULL);
    x->f.other = bank_signer_open(fx_path(x->keys, "other"), &e, NULL);
    if (!x->kiosk || !x->f.core || !x->f.other) return -1;
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx *x = *state;
    uploader_stop(x->u);
    uploader_tune(NULL);
    klog_close(x->log);
    fake_down(&x->f);
    for (int i = 0; i < x->f.nreq && i < MAXREQ; i++) free(x->f.r[i].result);
    pthread_mutex_destroy(&x->f.mu);
    bank_signer_free(x->kiosk);
    bank_signer_free(x->f.core);
    bank_signer_free(x->f.other);
    fx_rmdir(x->keys);
    fx_rmdir(x->dir);
    free(x);
    return 0;
}

/* The exact bytes of result `id` in the outbox. */
static void result_text(const char *id, char *out, size_t cap)
{
    snprintf(out, cap,
             "{\"id\":\"%s\",\"kind\":\"kisi-result\",\"name\":\"Budi \xc3\xbc \\\"B\\\"\"}", id);
}

static void put(const char *dir, const char *sub, const char *name, const char *text)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, sub);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/%s/%s", dir, sub, name);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

/* Queues result `id` as result_store() would: the signature first. */
static void queue(fx *x, const char *id)
{
    char name[64], text[256];
    snprintf(name, sizeof name, "%s.sig", id);
    put(x->dir, "outbox", name, "{\"kiosk\":\"" PUB "\",\"sig\":\"" SIG "\"}");
    snprintf(name, sizeof name, "%s.json", id);
    result_text(id, text, sizeof text);
    put(x->dir, "outbox", name, text);
}

static int count(fx *x, const char *sub, const char *ext)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", x->dir, sub);
    DIR *d = opendir(p);
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name), k = strlen(ext);
        n += l > k && strcmp(e->d_name + l - k, ext) == 0;
    }
    if (d) closedir(d);
    return n;
}

static int64_t ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Polls `cond` every 20 ms until it holds or PATIENCE_MS have passed (the
 * check after it then fails): how long a busy machine takes never decides
 * an outcome, it only slows the test down. */
#define PATIENCE_MS 120000
#define WAIT(cond) \
    for (int64_t end_ = ms() + PATIENCE_MS; !(cond) && ms() < end_;) usleep(20000)

static void start(fx *x)
{
    char why[WHY_SIZE] = "";
    snprintf(x->url, sizeof x->url, "http://127.0.0.1:%u/", (unsigned)x->f.port);
    x->u = uploader_start(x->url, x->dir, x->kiosk, "Lab 2, kiosk 7", NULL, x->log, why);
    if (!x->u) fail_msg("uploader_start: %s", why);
}

static int status_has(fx *x, const char *s)
{
    char line[UPLOADER_STATUS];
    uploader_status(x->u, line, sizeof line);
    return strstr(line, s) != NULL;
}

static uploader_info info(fx *x)
{
    uploader_info in;
    uploader_info_get(x->u, &in);
    return in;
}

/* Lines of STATE/kiosk.log holding `text`. */
static int log_lines(fx *x, const char *text)
{
    FILE *fp = fopen(fx_path(x->dir, "kiosk.log"), "r");
    char line[1024];
    int n = 0;
    while (fp && fgets(line, sizeof line, fp)) n += strstr(line, text) != NULL;
    if (fp) fclose(fp);
    return n;
}

/* ---- the rules ---- */

static void test_kiosk_enrols_before_posting_any_result(void **state)
{
    fx *x = *state;
    queue(x, "r1");
    queue(x, "r2");
    fake_up(&x->f, 0);
    start(x);
    WAIT(count(x, "sent", ".json") == 2);
    assert_int_equal(count(x, "sent", ".json"), 2);
    pthread_mutex_lock(&x->f.mu);
    assert_true(x->f.nreq >= 3);
    assert_string_equal(x->f.r[0].url, "/v1/kiosks");
    assert_int_equal(x->f.r[0].status, 202);
    for (int i = 1; i < x->f.nreq; i++) assert_string_equal(x->f.r[i].url, "/v1/results");
    pthread_mutex_unlock(&x->f.mu);
}

static void test_each_queued_result_is_posted_once_and_moved_to_sent(void **state)
{
    fx *x = *state;
    const char *ids[3] = {"s1-199001012015031001-1", "s1-199001012015031002-1", "s1-x-2"};
    for (int i = 0; i < 3; i++) queue(x, ids[i]);
    fake_up(&x->f, 0);
    start(x);
    WAIT(count(x, "sent", ".json") == 3);
    assert_int_equal(count(x, "sent", ".json"), 3);
    assert_int_equal(count(x, "sent", ".sig"), 3);
    assert_int_equal(count(x, "outbox", ".json") + count(x, "outbox", ".sig"), 0);
    WAIT(uploader_queued(x->u) == 0);
    assert_int_equal(uploader_queued(x->u), 0);
    assert_true(status_has(x, "all results delivered"));
    for (int i = 0; i < 3; i++) {
        char text[256];
        result_text(ids[i], text, sizeof text);
        assert_int_equal(fake_count(&x->f, "/v1/results", ids[i], 0), 1);
        pthread_mutex_lock(&x->f.mu);
        for (int k = 0; k < x->f.nreq; k++)
            if (strcmp(x->f.r[k].id, ids[i]) == 0) {
                assert_string_equal(x->f.r[k].result, text);   /* the file's exact bytes */
                assert_true(x->f.r[k].sig_ok);
            }
        pthread_mutex_unlock(&x->f.mu);
    }
}

static void test_duplicate_answer_counts_as_delivered(void **state)
{
    fx *x = *state;
    queue(x, "r1");
    snprintf(x->f.script_id[0], 32, "r1");
    x->f.script[0][0] = 200;
    fake_up(&x->f, 0);
    start(x);
    WAIT(count(x, "sent", ".json") == 1);
    assert_int_equal(count(x, "sent", ".json"), 1);
    assert_int_equal(count(x, "sent", ".sig"), 1);
    assert_int_equal(fake_count(&x->f, "/v1/results", "r1", 200), 1);
    assert_int_equal(count(x, "refused", ".json"), 0);
}

static void test_refused_result_moves_to_refused_with_its_reason(void **state)
{
    fx *x = *state;
    queue(x, "r1");
    queue(x, "r2");
    snprintf(x->f.script_id[0], 32, "r1");
    x->f.script[0][0] = 422;
    fake_up(&x->f, 0);
    start(x);
    WAIT(count(x, "refused", ".reason") == 1 && count(x, "sent", ".json") == 1);
    assert_int_equal(count(x, "refused", ".json"), 1);
    assert_int_equal(count(x, "refused", ".sig"), 1);
    assert_int_equal(count(x, "sent", ".json"), 1);
    assert_int_equal(count(x, "outbox", ".json"), 0);
    char p[4096], line[512] = "", rest[64] = "";
    snprintf(p, sizeof p, "%s/refused/r1.reason", x->dir);
    FILE *fp = fopen(p, "r");
    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof line, fp));
    assert_null(fgets(rest, sizeof rest, fp));   /* one line */
    fclose(fp);
    assert_non_null(strstr(line, "HTTP 422 score-mismatch: scores differ?from a re-scoring"));
    assert_int_equal(fake_count(&x->f, "/v1/results", "r1", 0), 1);   /* not retried */
    WAIT(status_has(x, "all results delivered; 1 refused by the core"));
    assert_true(status_has(x, "all results delivered; 1 refused by the core"));
    uploader_info in = info(x);
    assert_int_equal(in.refused, 1);
    assert_int_equal(in.queued, 0);
    assert_non_null(strstr(in.last_refused, "HTTP 422 score-mismatch: scores differ"));
    assert_int_equal(log_lines(x, "upload-refused r1: HTTP 422 score-mismatch: scores differ"), 1);
    char sent[160];
    snprintf(sent, sizeof sent, "upload-sent r2: receipt of core %.16s: HTTP 201 stored",
             bank_signer_pub(x->f.core));
    assert_int_equal(log_lines(x, sent), 1);
}

/* The first line of refused/NAME.reason, into line. */
static const char *refused_reason(fx *x, const char *name, char *line, size_t cap)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/refused/%s.reason", x->dir, name);
    FILE *fp = fopen(p, "r");
    assert_non_null(fp);
    assert_non_null(fgets(line, (int)cap, fp));
    fclose(fp);
    return line;
}

static void test_a_damaged_signature_file_is_refused_without_posting(void **state)
{
    fx *x = *state;
    queue(x, "r1");
    queue(x, "r2");
    put(x->dir, "outbox", "r1.sig", "{\"kiosk\":\"" PUB "\",\"sig\":\"00ff\"}");
    fake_up(&x->f, 0);
    start(x);
    WAIT(count(x, "refused", ".reason") == 1 && count(x, "sent", ".json") == 1);
    assert_int_equal(count(x, "refused", ".json"), 1);
    char line[512];
    assert_non_null(strstr(refused_reason(x, "r1", line, sizeof line), "signature file is not"));
    assert_int_equal(fake_count(&x->f, "/v1/results", "r1", 0), 0); /* never sent */
    assert_int_equal(fake_count(&x->f, "/v1/results", "r2", 0), 1);
}

static void test_a_signature_file_of_a_newer_version_is_refused_by_name(void **state)
{
    fx *x = *state;
    char sig[129], text[400];
    memset(sig, 'a', 128);
    sig[128] = 0;
    snprintf(text, sizeof text, "{\"kiosk\":\"" PUB "\",\"sig\":\"%s\",\"version\":2}", sig);
    queue(x, "r1");
    put(x->dir, "outbox", "r1.sig", text);
    fake_up(&x->f, 0);
    start(x);
    WAIT(count(x, "refused", ".reason") == 1);
    char line[512];
    assert_non_null(strstr(refused_reason(x, "r1", line, sizeof line), "version 2"));
    assert_int_equal(fake_count(&x->f, "/v1/results", "r1", 0), 0); /* never sent */
}

static void test_unapproved_kiosk_keeps_results_until_the_operator_approves(void **state)
{
    fx *x = *state;
    queue(x, "r1");
    queue(x, "r2");
    x->f.approved = 0;
    fake_up(&x->f, 0);
    start(x);
    /* two rounds refused: the kiosk asks again, and the log says it once */
    WAIT(fake_count(&x->f, "/v1/results", NULL, 403) >= 2 && status_has(x, "approval"));
    assert_int_equal(log_lines(x, "delivery awaiting-approval"), 1);
    char code[KCODE_SIZE], want[80];
    kcode_of(bank_signer_pub(x->kiosk), code);
    snprintf(want, sizeof want, "2 waiting; kiosk %s waiting for approval", code);
    assert_true(status_has(x, want));
    assert_int_equal(uploader_queued(x->u), 2);
    assert_int_equal(count(x, "outbox", ".json"), 2);
    assert_int_equal(count(x, "outbox", ".sig"), 2);
    assert_int_equal(count(x, "refused", ".json"), 0);
    pthread_mutex_lock(&x->f.mu);
    x->f.approved = 1;
    pthread_mutex_unlock(&x->f.mu);
    WAIT(count(x, "sent", ".json") == 2);
    assert_int_equal(count(x, "sent", ".json"), 2);
    assert_int_equal(fake_count(&x->f, "/v1/results", "r1", 201), 1);
    assert_int_equal(fake_count(&x->f, "/v1/results", "r2", 201), 1);
}

static void test_unknown_kiosk_enrols_again_then_delivers(void **state)
{
    fx *x = *state;
    queue(x, "r1");
    x->f.forget = 1;   /* the core forgets the kiosk after its enrolment, as after a reset */
    fake_up(&x->f, 0);
    start(x);
    WAIT(count(x, "sent", ".json") == 1);
    assert_int_equal(count(x, "sent", ".json"), 1);
    assert_int_equal(fake_count(&x->f, "/v1/results", "r1", 403), 1);
    assert_int_equal(fake_count(&x->f, "/v1/results", "r1", 201), 1);
    assert_int_equal(fake_count(&x->f, "/v1/kiosks", NULL, 202), 2);
    pthread_mutex_lock(&x->f.mu);
    assert_string_equal(x->f.r[2].url, "/v1/kiosks");   /* enrolled again before retrying */
    pthread_mutex_unlock(&x->f.mu);
    assert_int_equal(count(x, "refused", ".json"), 0);
}

static void test_server_error_is_retried_until_stored(void **state)
{
    fx *x = *state;
    queue(x, "r1");
    snprintf(x->f.script_id[0], 32, "r1");
    x->f.script[0][0] = 503;
    x->f.script[0][1] = 503;
    x->f.script[0][2] = 201;
    fake_up(&x->f, 0);
    start(x);
    WAIT(fake_count(&x->f, "/v1/results", "r1", 503) == 1);
    WAIT(status_has(x, "core error (HTTP 503), retrying in"));
    assert_true(status_has(x, "1 waiting; core error (HTTP 503), retrying in"));
    WAIT(count(x, "sent", ".json") == 1);
    assert_int_equal(count(x, "sent", ".json"), 1);
    assert_int_equal(fake_count(&x->f, "/v1/results", "r1", 503), 2);
    assert_int_equal(fake_count(&x->f, "/v1/results", "r1", 201), 1);
}

static void test_results_survive_an_outage_and_arrive_once_when_the_core_returns(void **state)
{
    fx *x = *state;
    fake_up(&x->f, 0);   /* find a free port, then leave it unserved */
    fake_down(&x->f);
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof id, "r%d", i);
        queue(x, id);
    }
    start(x);
    assert_int_equal(uploader_queued(x->u), 3);   /* counted at start */
    WAIT(status_has(x, "core unreachable (connection refused), retrying in"));
    assert_true(status_has(x, "3 waiting; core unreachable (connection refused), retrying in"));
    usleep(1500000);   /* a few failed attempts */
    assert_int_equal(uploader_queued(x->u), 3);
    assert_int_equal(count(x, "outbox", ".json"), 3);
    assert_int_equal(count(x, "outbox", ".sig"), 3);
    fake_up(&x->f, x->f.port);
    WAIT(count(x, "sent", ".json") == 3);   /* no kick: the back-off retries */
    assert_int_equal(count(x, "sent", ".json"), 3);
    assert_int_equal(count(x, "sent", ".sig"), 3);
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof id, "r%d", i);
        assert_int_equal(fake_count(&x->f, "/v1/results", id, 0), 1);
    }
    assert_string_equal(x->f.r[0].url, "/v1/kiosks");
    WAIT(uploader_queued(x->u) == 0);
    assert_int_equal(uploader_queued(x->u), 0);
}

enum { HOUR_MS = 3600000 };

static void test_kick_sends_a_result_written_later_at_once(void **state)
{
    fx *x = *state;
    /* the periodic rescan is an hour away: only the kick can send it */
    uploader_tune(&(uploader_timing){1000, 60000, HOUR_MS, 15000});
    fake_up(&x->f, 0);
    start(x);
    WAIT(fake_count(&x->f, "/v1/kiosks", NULL, 202) == 1);
    WAIT(status_has(x, "all results delivered"));
    assert_true(status_has(x, "all results delivered"));
    queue(x, "late");
    uploader_kick(x->u);
    WAIT(count(x, "sent", ".json") == 1);
    assert_int_equal(count(x, "sent", ".json"), 1);
}

/* A stop that waited for what it must cut short would take an hour: after
 * five minutes the test process fails with a message instead of hanging. */
static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "uploader_stop did not cut short an hour's wait\n";
    if (write(2, msg, sizeof msg - 1) < 0) _exit(1);
    _exit(1);
}

static void stop_within_the_alarm(fx *x)
{
    signal(SIGALRM, on_alarm);
    alarm(300);
    uploader_stop(x->u);
    alarm(0);
    signal(SIGALRM, SIG_DFL);
    x->u = NULL;
}

static void test_stop_cuts_a_backoff_short(void **state)
{
    fx *x = *state;
    uploader_tune(&(uploader_timing){HOUR_MS, HOUR_MS, HOUR_MS, 15000});
    fake_up(&x->f, 0);
    fake_down(&x->f);
    queue(x, "r1");
    start(x);
    WAIT(status_has(x, "retrying in"));
    assert_true(status_has(x, "1 waiting; core unreachable"));
    stop_within_the_alarm(x);
    assert_int_equal(count(x, "outbox", ".json"), 1);
}

static void test_stop_aborts_a_request_the_core_never_answers(void **state)
{
    fx *x = *state;
    uploader_tune(&(uploader_timing){1000, 60000, 30000, HOUR_MS});
    queue(x, "r1");
    x->f.hang = 1;
    fake_up(&x->f, 0);
    start(x);
    WAIT(x->f.hung == 1);
    pthread_mutex_lock(&x->f.mu);
    assert_int_equal(x->f.hung, 1);
    pthread_mutex_unlock(&x->f.mu);
    stop_within_the_alarm(x);
    assert_int_equal(count(x, "outbox", ".json"), 1);
    assert_int_equal(count(x, "sent", ".json"), 0);
}

static void test_a_move_cut_short_is_finished_without_posting_again(void **state)
{
    fx *x = *state;
    char text[256];
    result_text("r1", text, sizeof text);
    put(x->dir, "outbox", "r1.json", text);   /* stopped after the .sig went to sent/ */
    put(x->dir, "sent", "r1.sig", "{\"kiosk\":\"" PUB "\",\"sig\":\"00ff\"}");
    fake_up(&x->f, 0);
    start(x);
    WAIT(count(x, "sent", ".json") == 1);
    assert_int_equal(count(x, "sent", ".json"), 1);
    assert_int_equal(count(x, "outbox", ".json"), 0);
    WAIT(uploader_queued(x->u) == 0);
    assert_int_equal(uploader_queued(x->u), 0);
    assert_int_equal(fake_count(&x->f, "/v1/results", NULL, 0), 0);
}

static void test_the_waiting_count_follows_the_outbox_while_the_core_was_never_reached(
    void **state)
{
    fx *x = *state;
    fake_up(&x->f, 0);   /* a free port, left unserved: the core is down from boot */
    fake_down(&x->f);
    start(x);
    WAIT(info(x).state == UPLOADER_UNREACHABLE);
    assert_int_equal(info(x).queued, 0);
    queue(x, "r1");      /* results written while the core is still down */
    queue(x, "r2");
    uploader_kick(x->u);
    WAIT(uploader_queued(x->u) == 2);
    assert_int_equal(uploader_queued(x->u), 2);
    uploader_info in = info(x);
    assert_int_equal(in.queued, 2);
    assert_int_equal(in.state, UPLOADER_UNREACHABLE);
    assert_int_equal(in.net, UPLOADER_NET_REFUSED);
    assert_true(in.reason[0] != 0);   /* libcurl's own words, for the log */
    assert_true(status_has(x, "2 waiting; core unreachable (connection refused)"));
}

static void test_a_pending_kiosk_shows_its_id_at_once_and_learns_of_its_approval(void **state)
{
    fx *x = *state;
    x->f.approved = 0;
    fake_up(&x->f, 0);
    start(x);   /* nothing to deliver yet: the enrolment alone tells */
    WAIT(info(x).state == UPLOADER_AWAITING_APPROVAL);
    uploader_info in = info(x);
    assert_int_equal(in.state, UPLOADER_AWAITING_APPROVAL);
    char code[KCODE_SIZE], line[128];
    kcode_of(bank_signer_pub(x->kiosk), code);
    assert_string_equal(in.kiosk, code);   /* the approval code, as `core kiosk approve` takes */
    assert_int_equal(in.queued, 0);
    pthread_mutex_lock(&x->f.mu);
    x->f.approved = 1;
    pthread_mutex_unlock(&x->f.mu);
    WAIT(info(x).state == UPLOADER_OK);   /* it asks again by itself */
    assert_int_equal(info(x).state, UPLOADER_OK);
    assert_true(status_has(x, "all results delivered"));
    assert_int_equal(fake_count(&x->f, "/v1/results", NULL, 0), 0);
    snprintf(line, sizeof line, "awaiting-approval: core kiosk approve %s", code);
    assert_int_equal(log_lines(x, line), 1);
}

static void test_an_outage_is_logged_once_not_at_every_retry(void **state)
{
    fx *x = *state;
    fake_up(&x->f, 0);
    fake_down(&x->f);
    queue(x, "r1");
    start(x);
    /* the back-off retries at about 1 s, 2 s, ...: wait for three tries */
    WAIT(info(x).state == UPLOADER_UNREACHABLE && info(x).retry_s >= 3);
    assert_true(info(x).retry_s >= 3);
    assert_int_equal(log_lines(x, "delivery core-unreachable"), 1);
    fake_up(&x->f, x->f.port);
    WAIT(count(x, "sent", ".json") == 1 && log_lines(x, "upload-sent r1") == 1);
    assert_int_equal(count(x, "sent", ".json"), 1);
    assert_int_equal(log_lines(x, "upload-sent r1"), 1);
}

/* Stops the uploader; `kiosk --export` then copies the one queued result. */
static void stick_takes_the_result(fx *x)
{
    uploader_stop(x->u);
    x->u = NULL;
    char out[4096], ew[WHY_SIZE] = "";
    int n = 0;
    snprintf(out, sizeof out, "%s/stick", x->keys);
    assert_int_equal(export_outbox(x->dir, out, &n, ew), 0);
    assert_int_equal(n, 1);
}

/* A host answering 2xx to everything (or with a receipt it cannot make)
 * takes nothing: the result stays queued, the footer says why, and an
 * export to a stick still finds it. */
static void check_kept_without_a_valid_receipt(fx *x, receipt_mode mode, const char *why)
{
    queue(x, "r1");
    x->f.receipt = mode;
    fake_up(&x->f, 0);
    start(x);
    WAIT(fake_count(&x->f, "/v1/results", "r1", 201) >= 2 &&
         info(x).state == UPLOADER_BAD_RECEIPT);
    assert_true(fake_count(&x->f, "/v1/results", "r1", 201) >= 2);   /* tried again */
    uploader_info in = info(x);
    assert_int_equal(in.state, UPLOADER_BAD_RECEIPT);
    assert_non_null(strstr(in.reason, why));
    assert_int_equal(count(x, "sent", ".json"), 0);
    assert_int_equal(count(x, "outbox", ".json"), 1);
    assert_int_equal(uploader_queued(x->u), 1);
    assert_true(status_has(x, "1 waiting; the core gave no valid receipt"));
    assert_int_equal(log_lines(x, "delivery bad-receipt"), 1);
    stick_takes_the_result(x);
}

static int dumb_count(fake *f)
{
    pthread_mutex_lock(&f->mu);
    int n = f->dumb_n;
    pthread_mutex_unlock(&f->mu);
    return n;
}

static void test_a_host_answering_200_to_everything_takes_nothing(void **state)
{
    fx *x = *state;
    queue(x, "r1");
    x->f.dumb = 1;
    fake_up(&x->f, 0);
    start(x);
    /* several rounds: it is asked again and again, and never trusted */
    WAIT(dumb_count(&x->f) >= 4 && info(x).state == UPLOADER_ENROL_REFUSED);
    assert_true(dumb_count(&x->f) >= 4);
    assert_int_equal(info(x).state, UPLOADER_ENROL_REFUSED);
    assert_non_null(strstr(info(x).reason, "not a Kisi core"));
    assert_int_equal(count(x, "sent", ".json"), 0);
    assert_int_equal(count(x, "outbox", ".json"), 1);
    assert_int_equal(access(fx_path(x->dir, COREKEY_FILE), F_OK), -1);   /* nothing pinned */
    stick_takes_the_result(x);
}

static void test_a_plain_2xx_without_receipt_never_moves_a_result_to_sent(void **state)
{
    check_kept_without_a_valid_receipt(*state, RECEIPT_NONE, "no receipt");
}

static void test_a_receipt_signed_by_another_key_is_refused(void **state)
{
    check_kept_without_a_valid_receipt(*state, RECEIPT_OTHER_KEY, "signature");
}

static void test_a_receipt_for_another_result_is_refused(void **state)
{
    check_kept_without_a_valid_receipt(*state, RECEIPT_OTHER_RESULT, "another result");
}

static void test_the_core_key_is_pinned_at_enrolment_and_a_new_key_is_not_trusted(void **state)
{
    fx *x = *state;
    queue(x, "r1");
    fake_up(&x->f, 0);
    start(x);
    WAIT(count(x, "sent", ".json") == 1);
    assert_int_equal(count(x, "sent", ".json"), 1);
    char pinned[65] = "";
    assert_int_equal(corekey_read(fx_path(x->dir, COREKEY_FILE), pinned, NULL), 1);
    assert_string_equal(pinned, bank_signer_pub(x->f.core));
    uploader_stop(x->u);
    x->u = NULL;
    /* another host on the core's address, with a key of its own */
    pthread_mutex_lock(&x->f.mu);
    bank_signer *t = x->f.core;
    x->f.core = x->f.other;
    x->f.other = t;
    int before = x->f.nreq;
    pthread_mutex_unlock(&x->f.mu);
    queue(x, "r2");
    start(x);
    WAIT(info(x).state == UPLOADER_CORE_KEY);
    assert_int_equal(info(x).state, UPLOADER_CORE_KEY);
    assert_int_equal(count(x, "outbox", ".json"), 1);
    pthread_mutex_lock(&x->f.mu);
    assert_int_equal(x->f.nreq, before);   /* neither enrolled with nor sent to */
    pthread_mutex_unlock(&x->f.mu);
}

static void test_a_core_key_given_up_front_wins_over_the_core_s_answer(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "";
    /* the key file names another key than the one this core answers with */
    const char *given = fx_path(x->keys, "given.pub");
    assert_int_equal(corekey_pin(given, bank_signer_pub(x->f.other), why), 0);
    queue(x, "r1");
    fake_up(&x->f, 0);
    snprintf(x->url, sizeof x->url, "http://127.0.0.1:%u", (unsigned)x->f.port);
    x->u = uploader_start(x->url, x->dir, x->kiosk, "k", given, x->log, why);
    assert_non_null(x->u);
    WAIT(info(x).state == UPLOADER_CORE_KEY);
    assert_int_equal(info(x).state, UPLOADER_CORE_KEY);
    assert_int_equal(count(x, "outbox", ".json"), 1);
    assert_int_equal(access(fx_path(x->dir, COREKEY_FILE), F_OK), -1);   /* nothing pinned */
}

static void test_the_enrolment_is_signed_by_the_kiosk_key(void **state)
{
    fx *x = *state;
    fake_up(&x->f, 0);
    start(x);
    WAIT(fake_count(&x->f, "/v1/kiosks", NULL, 202) >= 1);
    assert_true(fake_count(&x->f, "/v1/kiosks", NULL, 202) >= 1);
    pthread_mutex_lock(&x->f.mu);
    assert_int_equal(x->f.enrol_bad, 0);
    pthread_mutex_unlock(&x->f.mu);
}

static void test_start_refuses_a_bad_url_key_or_name(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE];
    const char *url = "http://127.0.0.1:1";
    why[0] = 0;
    assert_null(uploader_start("ftp://127.0.0.1:1", x->dir, x->kiosk, "k", NULL, NULL, why));
    assert_true(why[0] != 0);
    why[0] = 0;
    assert_null(uploader_start(url, x->dir, NULL, "k", NULL, NULL, why));
    assert_true(why[0] != 0);
    why[0] = 0;
    assert_null(uploader_start(url, x->dir, x->kiosk, "\xff\xfe", NULL, NULL, why));
    assert_true(why[0] != 0);
    assert_null(uploader_start(url, x->dir, x->kiosk, NULL, NULL, NULL, why));
    /* a name that would print as another: an escape or a right-to-left override */
    assert_null(uploader_start(url, x->dir, x->kiosk, "lab\x1b[2J", NULL, NULL, why));
    assert_null(uploader_start(url, x->dir, x->kiosk, "lab \xe2\x80\xae" "1", NULL, NULL, why));
    char longname[130];
    memset(longname, 'k', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    assert_null(uploader_start(url, x->dir, x->kiosk, longname, NULL, NULL, why));
    assert_null(uploader_start(url, "", x->kiosk, "k", NULL, NULL, why));
    /* a core key file that is missing or not a key */
    why[0] = 0;
    assert_null(uploader_start(url, x->dir, x->kiosk, "k", fx_path(x->keys, "none.pub"), NULL,
                               why));
    assert_true(why[0] != 0);
    assert_null(uploader_start(url, x->dir, x->kiosk, "k", fx_path(x->keys, "kiosk.key"), NULL,
                               why));
    char line[UPLOADER_STATUS];
    uploader_status(NULL, line, sizeof line);
    assert_int_equal(uploader_queued(NULL), 0);
    uploader_kick(NULL);
    uploader_stop(NULL);
}

int main(void)
{
    setenv("no_proxy", "127.0.0.1,localhost", 1);
    unsetenv("http_proxy");
    unsetenv("all_proxy");
    unsetenv("ALL_PROXY");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_kiosk_enrols_before_posting_any_result, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_each_queued_result_is_posted_once_and_moved_to_sent,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_answer_counts_as_delivered, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_a_signature_file_of_a_newer_version_is_refused_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_damaged_signature_file_is_refused_without_posting,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_result_moves_to_refused_with_its_reason,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_unapproved_kiosk_keeps_results_until_the_operator_approves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_kiosk_enrols_again_then_delivers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_server_error_is_retried_until_stored, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_results_survive_an_outage_and_arrive_once_when_the_core_returns, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_kick_sends_a_result_written_later_at_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_stop_cuts_a_backoff_short,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_aborts_a_request_the_core_never_answers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_move_cut_short_is_finished_without_posting_again,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_the_waiting_count_follows_the_outbox_while_the_core_was_never_reached, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_a_pending_kiosk_shows_its_id_at_once_and_learns_of_its_approval, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_an_outage_is_logged_once_not_at_every_retry, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_host_answering_200_to_everything_takes_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_a_plain_2xx_without_receipt_never_moves_a_result_to_sent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_receipt_signed_by_another_key_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_receipt_for_another_result_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_the_core_key_is_pinned_at_enrolment_and_a_new_key_is_not_trusted, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_a_core_key_given_up_front_wins_over_the_core_s_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_enrolment_is_signed_by_the_kiosk_key, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_start_refuses_a_bad_url_key_or_name, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
