/* uploader.c -- a background thread that enrols the kiosk and posts outbox results to the core. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "bank.h"
#include "corekey.h"
#include "export.h"
#include "klog.h"
#include "uploader.h"
#include "hex.h"
#include "kcode.h"
#include "text.h"
#include "clk.h"
#include "proto.h"
#include "why.h"

#define PATH_LEN 4096
#define BATCH 64                /* names taken from one scan of the outbox */
#define REPLY_MAX 16384         /* response bytes kept; the rest is read and dropped */
#define SIG_MAX (64u << 10)     /* a signature file is a small JSON object */
static const uploader_timing TIMING_DEFAULT = {1000, 60000, 30000, 15000};
static uploader_timing timing = {1000, 60000, 30000, 15000};

/* What one step asks the loop to do next. */
typedef enum step { STEP_NEXT, STEP_RETRY, STEP_IDLE } step;

/* One answer of the core. */
typedef struct answer {
    long status;        /* HTTP status; 0 = no answer (network error, aborted) */
    CURLcode cc;        /* libcurl's result when there was no answer */
    char error[CURL_ERROR_SIZE];  /* libcurl's detail of that failure */
    char code[40];      /* "code" or "error" member, "" when none */
    char state[16];     /* "state" member of an enrolment answer */
    char challenge[72]; /* "challenge" member of a challenge */
    char core[65];      /* "core" member: the core's key, of a challenge or enrolment */
    char reason[160];   /* "reason" member, made one line */
} answer;

struct uploader {
    char *base, *outbox, *sent, *refused, *pub, *name, *pin_path;
    const bank_signer *signer;  /* borrowed: signs the enrolment */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_int stop;
    klog *log;          /* borrowed; NULL = no log */
    char kiosk[UPLOADER_KIOSK_ID + 1];
    /* guarded by mu */
    int kicked, queued, refused_n, http;
    uploader_state state;
    uploader_net net;
    char reason[UPLOADER_REASON], last_refused[UPLOADER_REASON];
    int64_t retry_at;   /* monotonic ms of the next attempt, 0 = none planned */
    /* thread-only */
    uploader_state logged;            /* the state, outage and reason last logged */
    uploader_net logged_net;
    char logged_reason[UPLOADER_REASON];
    char errbuf[CURL_ERROR_SIZE];
    CURL *curl;
    struct curl_slist *headers;
    int enrolled, revoked, backoff_ms;
    char core[65];      /* the pinned core key, "" until the first enrolment pins it */
    uploader_timing timing;    /* the delays, as tuned when it started */
    uint32_t rng;
    size_t rlen;
    char rbuf[REPLY_MAX + 1];
    char names[BATCH][EXPORT_NAME];
};

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static int g_users;     /* uploaders holding curl_global_init() */

static uploader *fail_null(char *why, const char *msg)
{
    why_set(why, "%s", msg);
    return NULL;
}

/* "dir/name.ext" into out (PATH_LEN bytes); -1 when too long. */
static int mkpath(char *out, const char *dir, const char *name, const char *ext)
{
    return (size_t)snprintf(out, PATH_LEN, "%s/%s%s", dir, name, ext) < PATH_LEN ? 0 : -1;
}

/* Caller frees with free(). NULL on ENOMEM. */
static char *join(const char *dir, const char *sub)
{
    size_t n = strlen(dir) + strlen(sub) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, sub);
    return p;
}

/* Copies `s` (NULL: "") into out (cap bytes) as one line: a control
 * character becomes '?' (text.h); the log escapes the rest when it writes. */
static void one_line(char *out, size_t cap, const char *s)
{
    text_copy(out, cap, s ? s : "");
    text_scrub(out);
}

/* How the log names each state. */
static const char *const STATE_NAMES[] = {
    "off", "connecting", "delivering", "core-unreachable", "core-error", "awaiting-approval",
    "revoked", "enrolment-refused", "disk-error", "bad-receipt", "core-key-mismatch",
};

const char *uploader_state_name(uploader_state st)
{
    return (unsigned)st < sizeof STATE_NAMES / sizeof *STATE_NAMES ? STATE_NAMES[st] : "?";
}

/* True when state st for this reason (and kind of outage) is news for the
 * log: another state, another kind of outage, another error. libcurl's own
 * words change at every try ("after 3 ms"), so an outage is told by its kind. */
static int log_news(const uploader *u, uploader_state st, uploader_net net, const char *line)
{
    if (st != u->logged) return 1;
    if (st == UPLOADER_UNREACHABLE) return net != u->logged_net;
    if (st == UPLOADER_CORE_ERROR || st == UPLOADER_ENROL_REFUSED || st == UPLOADER_DISK ||
        st == UPLOADER_BAD_RECEIPT || st == UPLOADER_CORE_KEY)
        return strcmp(line, u->logged_reason) != 0;
    return 0;
}

/* Sets the state with its reason (NULL = none). A new state is logged, and
 * a new reason of a problem state; a retry that ends the same way is not. */
static void set_state(uploader *u, uploader_state st, long http, uploader_net net,
                      const char *reason)
{
    char line[UPLOADER_REASON];
    one_line(line, sizeof line, reason ? reason : "");
    int queued = uploader_queued(u);
    /* the log line goes first: what the screen shows is already in the log */
    if (log_news(u, st, net, line)) {
        u->logged = st;
        u->logged_net = net;
        memcpy(u->logged_reason, line, sizeof line);
        if (st == UPLOADER_AWAITING_APPROVAL)
            klog_event(u->log, "delivery", "awaiting-approval: core kiosk approve %s; %d waiting",
                       u->kiosk, queued);
        else
            klog_event(u->log, "delivery", "%s%s%s; %d waiting", STATE_NAMES[st],
                       line[0] ? ": " : "", line, queued);
    }
    pthread_mutex_lock(&u->mu);
    u->state = st;
    u->http = (int)http;
    u->net = st == UPLOADER_UNREACHABLE ? net : UPLOADER_NET_NONE;
    memcpy(u->reason, line, sizeof line);
    pthread_mutex_unlock(&u->mu);
}

static void add_queued(uploader *u, int delta, int refused)
{
    pthread_mutex_lock(&u->mu);
    u->queued = delta == 0 ? u->queued : u->queued + delta < 0 ? 0 : u->queued + delta;
    u->refused_n += refused;
    pthread_mutex_unlock(&u->mu);
}

/* ---- HTTP ---- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
    uploader *u = arg;
    size_t n = size * nmemb, room = REPLY_MAX - u->rlen;
    memcpy(u->rbuf + u->rlen, data, n < room ? n : room);
    u->rlen += n < room ? n : room;
    return n;
}

/* Called by libcurl at least about once a second: a non-zero return aborts. */
static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    return atomic_load(&((uploader *)arg)->stop) != 0;
}

/* POSTs len bytes of text with the header list hd (text NULL: GETs);
 * fills a from the answer. */
static void post_bytes(uploader *u, const char *path, const char *text, size_t len,
                       struct curl_slist *hd, answer *a)
{
    memset(a, 0, sizeof *a);
    char url[PATH_LEN];
    if ((size_t)snprintf(url, sizeof url, "%s%s", u->base, path) >= sizeof url) {
        a->cc = CURLE_URL_MALFORMAT;
        snprintf(a->error, sizeof a->error, "core URL too long");
        return;
    }
    u->rlen = 0;
    u->errbuf[0] = 0;
    curl_easy_setopt(u->curl, CURLOPT_URL, url);
    curl_easy_setopt(u->curl, CURLOPT_HTTPHEADER, hd);
    if (text) {
        curl_easy_setopt(u->curl, CURLOPT_POSTFIELDS, text);
        curl_easy_setopt(u->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    } else {
        curl_easy_setopt(u->curl, CURLOPT_HTTPGET, 1L);
    }
    a->cc = curl_easy_perform(u->curl);
    if (a->cc == CURLE_OK)
        curl_easy_getinfo(u->curl, CURLINFO_RESPONSE_CODE, &a->status);
    else
        one_line(a->error, sizeof a->error, u->errbuf[0] ? u->errbuf : curl_easy_strerror(a->cc));
    curl_easy_setopt(u->curl, CURLOPT_POSTFIELDS, NULL);
    curl_easy_setopt(u->curl, CURLOPT_HTTPHEADER, u->headers);
    u->rbuf[u->rlen] = 0;
    json_t *o = a->status ? json_loadb(u->rbuf, u->rlen, 0, NULL) : NULL;
    const char *code = json_string_value(json_object_get(o, "code"));
    if (!code) code = json_string_value(json_object_get(o, "error"));
    one_line(a->code, sizeof a->code, code);
    one_line(a->state, sizeof a->state, json_string_value(json_object_get(o, "state")));
    one_line(a->challenge, sizeof a->challenge, json_string_value(json_object_get(o, "challenge")));
    one_line(a->core, sizeof a->core, json_string_value(json_object_get(o, "core")));
    one_line(a->reason, sizeof a->reason, json_string_value(json_object_get(o, "reason")));
    json_decref(o);
}

/* POSTs a JSON body. */
static void post(uploader *u, const char *path, const json_t *body, answer *a)
{
    char *text = json_dumps(body, JSON_COMPACT);
    if (!text) {
        memset(a, 0, sizeof *a);
        return;
    }
    post_bytes(u, path, text, strlen(text), u->headers, a);
    free(text);
}

/* The kind of network failure behind a missing answer. */
static uploader_net net_kind(uploader *u, CURLcode cc)
{
    long os = 0;
    curl_easy_getinfo(u->curl, CURLINFO_OS_ERRNO, &os);
    switch (cc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return UPLOADER_NET_RESOLVE;
    case CURLE_OPERATION_TIMEDOUT: return UPLOADER_NET_TIMEOUT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE: return UPLOADER_NET_TLS;
    case CURLE_COULDNT_CONNECT:
        return os == ECONNREFUSED ? UPLOADER_NET_REFUSED
               : os == ETIMEDOUT  ? UPLOADER_NET_TIMEOUT
                                  : UPLOADER_NET_NOROUTE;
    default: return UPLOADER_NET_OTHER;
    }
}

/* The core did not answer: records why. */
static void unreachable(uploader *u, const answer *a)
{
    set_state(u, UPLOADER_UNREACHABLE, 0, net_kind(u, a->cc), a->error);
}

/* "HTTP 503 server-error: later" for the log and the screen (256 bytes hold it). */
static void answer_line(const answer *a, char *out, size_t cap)
{
    snprintf(out, cap, "HTTP %ld %s: %s", a->status, a->code[0] ? a->code : "refused",
             a->reason[0] ? a->reason : "no reason given");
}

/* True for answers that mean "try again later" rather than a verdict. */
static int transient(long status)
{
    return status < 200 || (status >= 300 && status < 400) || status == 408 || status == 429 ||
           status >= 500;
}

/* The core answered with key `core`: 0 when it is the pinned one, or
 * none was pinned yet (then it is pinned now); else the delivery problem
 * is set and -1. */
static int core_key_ok(uploader *u, const char *core)
{
    char why[WHY_SIZE] = "";
    if (u->core[0] && strcmp(u->core, core) == 0) return 0;
    if (!u->core[0] && hex_valid(core, 64) && corekey_pin(u->pin_path, core, why) == 0) {
        memcpy(u->core, core, 65);
        klog_event(u->log, "core-key", "pinned %s in %s", core, u->pin_path);
        return 0;
    }
    if (!why[0])
        snprintf(why, sizeof why, "the core answers with key %.16s, not the pinned %.16s",
                 hex_valid(core, 64) ? core : "(none)", u->core);
    set_state(u, UPLOADER_CORE_KEY, 0, UPLOADER_NET_NONE, why);
    return -1;
}

/* Sets the state of an answer that is not a 2xx (nor an enrolment). */
static void not_taken(uploader *u, const answer *a, uploader_state refused)
{
    char line[256];
    if (a->status == 0) {
        unreachable(u, a);
        return;
    }
    answer_line(a, line, sizeof line);
    set_state(u, transient(a->status) ? UPLOADER_CORE_ERROR : refused, a->status,
              UPLOADER_NET_NONE, line);
}

/* GET /v1/challenge, then POST /v1/kiosks signed by the kiosk key over the
 * challenge and the core's key (enrolling again changes nothing at the
 * core, and tells this kiosk whether it is pending, approved or revoked).
 * The core's key is pinned at the first enrolment, unless it was given.
 * STEP_NEXT once enrolled, else STEP_RETRY. */
static step enrol(uploader *u)
{
    answer a;
    char text[512], sig[129];
    post_bytes(u, PROTO_PATH_CHALLENGE, NULL, 0, u->headers, &a);
    if (a.status < 200 || a.status >= 300) {
        not_taken(u, &a, UPLOADER_ENROL_REFUSED);
        return STEP_RETRY;
    }
    if (u->core[0] && strcmp(a.core, u->core) != 0) {
        core_key_ok(u, a.core);
        return STEP_RETRY;
    }
    int n = snprintf(text, sizeof text, PROTO_ENROL_TEXT, PROTO_ENROL_VERSION, a.core,
                     a.challenge, u->pub, u->name);
    json_t *body = n > 0 && (size_t)n < sizeof text && hex_valid(a.core, 64) &&
                           bank_signer_sign(u->signer, text, (size_t)n, sig) == BANK_OK
                       ? json_pack("{s:i, s:s, s:s, s:s, s:s, s:s}", "version",
                                   PROTO_ENROL_VERSION, "pub", u->pub, "name", u->name, "core",
                                   a.core, "challenge", a.challenge, "sig", sig)
                       : NULL;
    if (!body) {
        set_state(u, UPLOADER_ENROL_REFUSED, a.status, UPLOADER_NET_NONE,
                  "the core's challenge cannot be signed: it is not a Kisi core of this version");
        return STEP_RETRY;
    }
    post(u, PROTO_PATH_KIOSKS, body, &a);
    json_decref(body);
    if (a.status < 200 || a.status >= 300) {
        not_taken(u, &a, UPLOADER_ENROL_REFUSED);
        return STEP_RETRY;
    }
    if (core_key_ok(u, a.core) != 0) return STEP_RETRY;
    u->enrolled = 1;
    u->revoked = strcmp(a.state, "revoked") == 0;
    set_state(u, u->revoked ? UPLOADER_REVOKED
                 : strcmp(a.state, "pending") == 0 ? UPLOADER_AWAITING_APPROVAL
                                                    : UPLOADER_OK,
              a.status, UPLOADER_NET_NONE, NULL);
    return STEP_NEXT;
}

/* The outbox could not be read or a result not moved. */
static step disk_error(uploader *u, const char *what)
{
    char line[UPLOADER_REASON];
    snprintf(line, sizeof line, "%s: %s", what, strerror(errno));
    set_state(u, UPLOADER_DISK, 0, UPLOADER_NET_NONE, line);
    return STEP_RETRY;
}

/* ---- the outbox ---- */

/* Files a result the core (or this kiosk) will never take into refused/. */
static step refuse(uploader *u, const char *name, const char *line)
{
    char reason[320];
    snprintf(reason, sizeof reason, "%s\n", line);
    if (export_move_pair(u->outbox, u->refused, name, reason) != 0)
        return disk_error(u, "cannot move a refused result to refused/");
    klog_event(u->log, "upload-refused", "%s: %s", name, line);
    pthread_mutex_lock(&u->mu);
    one_line(u->last_refused, sizeof u->last_refused, line);
    pthread_mutex_unlock(&u->mu);
    add_queued(u, -1, 1);
    u->backoff_ms = u->timing.backoff_min;
    return STEP_NEXT;
}

/* Hex SHA-256 of len bytes of data into out, as the core computes it. */
static void sha256_hex(const char *data, size_t len, char out[65])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    if (!EVP_Digest(data, len, d, &n, EVP_sha256(), NULL) || n != 32) {
        out[0] = 0;
        return;
    }
    hex_encode(d, 32, out);
}

/* One result as uploaded: the record's bytes as the body, the two parts of
 * its .sig file as headers (the names the core reads, core/http.h). */
typedef struct upload {
    char *record;
    size_t len;
    char kiosk[65];     /* the signer, as the .sig file names it */
    struct curl_slist *headers;
} upload;

static void upload_free(upload *up)
{
    free(up->record);
    curl_slist_free_all(up->headers);
    memset(up, 0, sizeof *up);
}

/* Reads the result and its signature into *up (0); *local gets a reason
 * when the files can never be sent, *missing is set when the signature is
 * not there. -1 when nothing is to be sent now. */
static int result_upload(const char *jp, const char *sp, upload *up, char *local, size_t cap,
                         int *missing)
{
    char *sig = NULL, line[160];
    size_t slen = 0;
    memset(up, 0, sizeof *up);
    int r = export_read(jp, UPLOADER_FILE_MAX, &up->record, &up->len);
    int s = r == 1 ? export_read(sp, SIG_MAX, &sig, &slen) : 0;
    *missing = r == 1 && s == 0;
    if (r == -2) snprintf(local, cap, "kiosk: result file larger than %u bytes", UPLOADER_FILE_MAX);
    else if (s == -2) snprintf(local, cap, "kiosk: signature file larger than %u bytes", SIG_MAX);
    json_t *so = r == 1 && s == 1 ? json_loadb(sig, slen, 0, NULL) : NULL;
    const char *kiosk = json_string_value(json_object_get(so, "kiosk"));
    const char *hex = json_string_value(json_object_get(so, "sig"));
    json_t *ver = json_object_get(so, "version");
    if (r == 1 && s == 1 && ver && json_integer_value(ver) != PROTO_SIG_VERSION)
        snprintf(local, cap, "kiosk: signature file has version %lld, this kiosk reads %d:"
                 " update the kiosk", (long long)json_integer_value(ver), PROTO_SIG_VERSION);
    else if (r == 1 && s == 1 && (!hex_valid(kiosk, 64) || !hex_valid(hex, 128)))
        snprintf(local, cap, "kiosk: signature file is not {\"kiosk\": 64 hex, \"sig\": 128 hex}");
    else if (r == 1 && s == 1) {
        memcpy(up->kiosk, kiosk, sizeof up->kiosk);
        up->headers = curl_slist_append(NULL, "Content-Type: " PROTO_TYPE_JSON);
        struct curl_slist *h = up->headers ? curl_slist_append(up->headers, "Expect:") : NULL;
        snprintf(line, sizeof line, PROTO_HEADER_KIOSK ": %s", kiosk);
        h = h ? curl_slist_append(h, line) : NULL;
        snprintf(line, sizeof line, PROTO_HEADER_SIGNATURE ": %s", hex);
        h = h ? curl_slist_append(h, line) : NULL;
        if (!h) snprintf(local, cap, "kiosk: out of memory");
    }
    json_decref(so);
    free(sig);
    if (local[0] || r != 1 || s != 1) {
        upload_free(up);
        return -1;
    }
    return 0;
}

/* Posts one outbox result and files it according to the answer. */
static step upload_one(uploader *u, const char *name)
{
    char jp[PATH_LEN], sp[PATH_LEN], local[160] = "";
    int missing = 0;
    if (mkpath(jp, u->outbox, name, ".json") || mkpath(sp, u->outbox, name, ".sig"))
        return STEP_NEXT;
    upload up;
    int have = result_upload(jp, sp, &up, local, sizeof local, &missing) == 0;
    if (!have && local[0]) return refuse(u, name, local);
    for (int i = 0; !have && missing && i < 2; i++) {
        /* a stop between the two renames of a move: the .sig already went ahead */
        const char *dst = i ? u->refused : u->sent;
        if (mkpath(sp, dst, name, ".sig") != 0 || access(sp, F_OK) != 0) continue;
        if (export_move_pair(u->outbox, dst, name, NULL) == 0) add_queued(u, -1, 0);
        break;
    }
    if (!have) return STEP_NEXT;   /* moved away, signature not yet written, or no memory */
    answer a;
    char digest[65], why[WHY_SIZE] = "";
    sha256_hex(up.record, up.len, digest);
    post_bytes(u, PROTO_PATH_RESULTS, up.record, up.len, up.headers, &a);
    corekey_receipt rc;
    /* only the pinned core's receipt for exactly this result moves it */
    int receipt = a.status >= 200 && a.status < 300 &&
                  corekey_receipt_parse(u->rbuf, u->rlen, &rc, why) == 0 &&
                  corekey_receipt_check(&rc, u->core, digest, up.kiosk, why) == 0;
    upload_free(&up);
    if (a.status >= 200 && a.status < 300 && !receipt) {
        char line[UPLOADER_REASON];
        snprintf(line, sizeof line, "HTTP %ld without a valid receipt: %s", a.status, why);
        set_state(u, UPLOADER_BAD_RECEIPT, a.status, UPLOADER_NET_NONE, line);
        return STEP_RETRY;
    }
    if (receipt) {
        if (export_move_pair(u->outbox, u->sent, name, NULL) != 0)
            return disk_error(u, "cannot move a delivered result to sent/");
        klog_event(u->log, "upload-sent", "%s: receipt of core %.16s: HTTP %ld %s", name, rc.core,
                   a.status, strcmp(rc.status, "duplicate") == 0 ? "already stored" : "stored");
        add_queued(u, -1, 0);
        u->backoff_ms = u->timing.backoff_min;
        set_state(u, UPLOADER_OK, a.status, UPLOADER_NET_NONE, NULL);
        return STEP_NEXT;
    }
    char line[256];
    if (a.status == 0) {
        unreachable(u, &a);
        return STEP_RETRY;
    }
    answer_line(&a, line, sizeof line);
    if (transient(a.status)) {
        set_state(u, UPLOADER_CORE_ERROR, a.status, UPLOADER_NET_NONE, line);
        return STEP_RETRY;
    }
    int unknown = strcmp(a.code, "unknown-kiosk") == 0;
    if (unknown || strcmp(a.code, "kiosk-not-approved") == 0) {
        if (unknown) u->enrolled = 0;
        set_state(u, u->revoked && !unknown ? UPLOADER_REVOKED : UPLOADER_AWAITING_APPROVAL,
                  a.status, UPLOADER_NET_NONE, line);
        return STEP_RETRY;
    }
    return refuse(u, name, line);
}

/* The state as last set (the thread is its only writer). */
static uploader_state state_now(uploader *u)
{
    pthread_mutex_lock(&u->mu);
    uploader_state st = u->state;
    pthread_mutex_unlock(&u->mu);
    return st;
}

/* Counts the outbox into u->queued; -1 when it cannot be read. */
static int recount(uploader *u)
{
    int total = 0;
    if (export_list(u->outbox, "", u->names, 0, &total) < 0) return -1;
    pthread_mutex_lock(&u->mu);
    u->queued = total;
    pthread_mutex_unlock(&u->mu);
    return 0;
}

/* One round: count the outbox, enrol if needed (or ask again while the
 * operator has not approved this kiosk), then every outbox result in name
 * order. */
static step round_once(uploader *u)
{
    if (recount(u) != 0) return disk_error(u, "cannot read the outbox");
    uploader_state st = state_now(u);
    int ask = !u->enrolled || st == UPLOADER_AWAITING_APPROVAL || st == UPLOADER_REVOKED;
    if (ask && enrol(u) != STEP_NEXT) return STEP_RETRY;
    char after[EXPORT_NAME] = "";
    for (;;) {
        int total, n = export_list(u->outbox, after, u->names, BATCH, &total);
        if (n < 0) return disk_error(u, "cannot read the outbox");
        pthread_mutex_lock(&u->mu);
        u->queued = total;
        pthread_mutex_unlock(&u->mu);
        for (int i = 0; i < n; i++) {
            if (atomic_load(&u->stop)) return STEP_IDLE;
            if (upload_one(u, u->names[i]) == STEP_RETRY) return STEP_RETRY;
        }
        if (n < BATCH) break;
        memcpy(after, u->names[BATCH - 1], EXPORT_NAME);
    }
    st = state_now(u);
    if (st == UPLOADER_AWAITING_APPROVAL || st == UPLOADER_REVOKED)
        return STEP_RETRY;   /* ask again later: the operator may approve meanwhile */
    set_state(u, UPLOADER_OK, 0, UPLOADER_NET_NONE, NULL);
    return STEP_IDLE;
}

/* Sleeps until the next attempt is due, a kick or stop. */
static void pause_for(uploader *u, step s)
{
    int64_t delay = u->timing.idle_rescan;
    if (s == STEP_RETRY) {
        u->rng ^= u->rng << 13, u->rng ^= u->rng >> 17, u->rng ^= u->rng << 5;
        delay = u->backoff_ms + (int64_t)(u->rng % (unsigned)(u->backoff_ms / 8 + 1));
        int max = u->timing.backoff_max;
        if (delay > max) delay = max;
        u->backoff_ms = u->backoff_ms > max / 2 ? max : u->backoff_ms * 2;
    }
    int64_t due = clk_mono_ms() + delay;
    struct timespec ts = clk_mono_at(due);
    pthread_mutex_lock(&u->mu);
    u->retry_at = s == STEP_RETRY ? due : 0;
    while (!atomic_load(&u->stop) && !u->kicked && clk_mono_ms() < due)
        pthread_cond_timedwait(&u->cv, &u->mu, &ts);
    u->kicked = 0;
    u->retry_at = 0;
    pthread_mutex_unlock(&u->mu);
}

static void *run(void *arg)
{
    uploader *u = arg;
    while (!atomic_load(&u->stop)) pause_for(u, round_once(u));
    return NULL;
}

/* ---- public ---- */

static void destroy(uploader *u, int global)
{
    if (u->curl) curl_easy_cleanup(u->curl);
    curl_slist_free_all(u->headers);
    pthread_cond_destroy(&u->cv);
    pthread_mutex_destroy(&u->mu);
    char *owned[] = {u->base, u->outbox, u->sent, u->refused, u->pub, u->name, u->pin_path};
    for (size_t i = 0; i < sizeof owned / sizeof *owned; i++) free(owned[i]);
    free(u);
    if (!global) return;
    pthread_mutex_lock(&g_mu);
    if (--g_users == 0) curl_global_cleanup();
    pthread_mutex_unlock(&g_mu);
}

static int url_ok(const char *url)
{
    if (!url || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) ||
        strlen(url) > 1024 || strlen(url) <= 8)
        return 0;
    for (; *url; url++)
        if ((unsigned char)*url <= ' ' || *url == 0x7f) return 0;
    return 1;
}

/* Copies what the thread needs and prepares the curl handle. */
static int setup(uploader *u, const char *core_url, const char *state_dir, const char *pub,
                 const char *name, const char *core_key, char *why)
{
    u->base = strdup(core_url);
    u->pin_path = join(state_dir, COREKEY_FILE);
    if (!u->pin_path) return why_set(why, "out of memory");
    /* --core-key wins; else the key pinned at an earlier enrolment, if any */
    if (corekey_read(core_key ? core_key : u->pin_path, u->core, why) < 0) return -1;
    if (core_key && !u->core[0]) return why_set(why, "the core key file %.200s is missing", core_key);
    u->outbox = join(state_dir, "outbox");
    u->sent = join(state_dir, "sent");
    u->refused = join(state_dir, "refused");
    u->pub = strdup(pub);
    u->name = strdup(name);
    if (!u->base || !u->outbox || !u->sent || !u->refused || !u->pub || !u->name)
        return why_set(why, "out of memory");
    for (size_t n = strlen(u->base); n > 0 && u->base[n - 1] == '/'; n--) u->base[n - 1] = 0;
    if (export_mkdirs(u->outbox) || export_mkdirs(u->sent) || export_mkdirs(u->refused))
        return why_set(why, "cannot create the outbox folders under %s", state_dir);
    u->curl = curl_easy_init();
    u->headers = curl_slist_append(NULL, "Content-Type: " PROTO_TYPE_JSON);
    struct curl_slist *h = u->headers ? curl_slist_append(u->headers, "Expect:") : NULL;
    if (!u->curl || !h) return why_set(why, "cannot set up libcurl");
    CURL *c = u->curl;
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, u->headers);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)u->timing.request);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, u);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, u);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "kisi-kiosk");
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, u->errbuf);
    return 0;
}

/* Caller stops and frees with uploader_stop(). NULL with why set on error. */
void uploader_tune(const uploader_timing *t)
{
    timing = t ? *t : TIMING_DEFAULT;
}

uploader *uploader_start(const char *core_url, const char *state_dir, const bank_signer *signer,
                         const char *kiosk_name, const char *core_key, klog *log, char *why)
{
    if (!url_ok(core_url))
        return fail_null(why, "core URL must be http://HOST:PORT or https://...");
    if (!state_dir || !*state_dir) return fail_null(why, "no state folder");
    const char *kiosk_pub = signer ? bank_signer_pub(signer) : NULL;
    if (!hex_valid(kiosk_pub, 64)) return fail_null(why, "no kiosk key to sign with");
    if (!kiosk_name || (kiosk_name[0] && !text_name_ok(kiosk_name, 120)))
        return fail_null(why, "kiosk name missing, longer than 120 bytes, not UTF-8, or with a"
                              " control or direction character");
    uploader *u = calloc(1, sizeof *u);
    if (!u) return fail_null(why, "out of memory");
    u->timing = timing;
    pthread_mutex_init(&u->mu, NULL);
    clk_cond_init(&u->cv);
    pthread_mutex_lock(&g_mu);
    int ok = g_users > 0 || curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    g_users += ok;
    pthread_mutex_unlock(&g_mu);
    if (!ok) {
        why_set(why, "cannot initialise libcurl");
        destroy(u, 0);
        return NULL;
    }
    u->signer = signer;
    if (setup(u, core_url, state_dir, kiosk_pub, kiosk_name, core_key, why) != 0) {
        destroy(u, 1);
        return NULL;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    u->rng = (uint32_t)ts.tv_nsec ^ (uint32_t)getpid() ^ (uint32_t)(uintptr_t)u;
    if (!u->rng) u->rng = 0x9e3779b9u;
    u->backoff_ms = u->timing.backoff_min;
    u->state = u->logged = UPLOADER_CONNECTING;
    u->log = log;
    kcode_of(kiosk_pub, u->kiosk);
    if (export_list(u->outbox, "", u->names, 0, &u->queued) < 0 ||
        pthread_create(&u->thread, NULL, run, u) != 0) {
        why_set(why, "cannot start the upload thread for %s", u->outbox);
        destroy(u, 1);
        return NULL;
    }
    return u;
}

void uploader_kick(uploader *u)
{
    if (!u) return;
    pthread_mutex_lock(&u->mu);
    u->kicked = 1;
    pthread_cond_signal(&u->cv);
    pthread_mutex_unlock(&u->mu);
}

/* The mutex is the only member a reader changes, so const is dropped for it. */
int uploader_queued(const uploader *u)
{
    if (!u) return 0;
    uploader *m = (uploader *)u;
    pthread_mutex_lock(&m->mu);
    int n = m->queued;
    pthread_mutex_unlock(&m->mu);
    return n;
}

void uploader_info_get(const uploader *u, uploader_info *out)
{
    memset(out, 0, sizeof *out);
    if (!u) return;
    uploader *m = (uploader *)u;
    pthread_mutex_lock(&m->mu);
    out->state = m->state;
    out->net = m->net;
    out->queued = m->queued;
    out->refused = m->refused_n;
    out->http = m->http;
    memcpy(out->reason, m->reason, sizeof out->reason);
    memcpy(out->last_refused, m->last_refused, sizeof out->last_refused);
    int64_t left = m->retry_at ? m->retry_at - clk_mono_ms() : 0;
    pthread_mutex_unlock(&m->mu);
    out->retry_s = left > 0 ? (int)((left + 999) / 1000) : 0;
    memcpy(out->kiosk, m->kiosk, sizeof out->kiosk);
}

/* Why the core is unreachable, in English. */
static const char *net_text(const uploader_info *in)
{
    switch (in->net) {
    case UPLOADER_NET_REFUSED: return "connection refused";
    case UPLOADER_NET_NOROUTE: return "no route to the core";
    case UPLOADER_NET_RESOLVE: return "host name not found";
    case UPLOADER_NET_TIMEOUT: return "no answer in time";
    case UPLOADER_NET_TLS: return "secure connection failed";
    default: return in->reason[0] ? in->reason : "no answer";
    }
}

void uploader_status(const uploader *u, char *buf, size_t cap)
{
    if (!buf || cap == 0) return;
    if (!u) {
        snprintf(buf, cap, "no connection to the core configured");
        return;
    }
    uploader_info in;
    uploader_info_get(u, &in);
    char retry[40] = ", retrying now", tail[48] = "", what[UPLOADER_REASON + 80] = "";
    if (in.retry_s > 0) snprintf(retry, sizeof retry, ", retrying in %d s", in.retry_s);
    if (in.refused) snprintf(tail, sizeof tail, "; %d refused by the core", in.refused);
    switch (in.state) {
    case UPLOADER_CONNECTING: snprintf(what, sizeof what, "; connecting to the core"); break;
    case UPLOADER_UNREACHABLE:
        snprintf(what, sizeof what, "; core unreachable (%s)%s", net_text(&in), retry);
        break;
    case UPLOADER_CORE_ERROR:
        snprintf(what, sizeof what, "; core error (HTTP %d)%s", in.http, retry);
        break;
    case UPLOADER_AWAITING_APPROVAL:
        snprintf(what, sizeof what, "; kiosk %s waiting for approval", in.kiosk);
        break;
    case UPLOADER_REVOKED: snprintf(what, sizeof what, "; kiosk revoked at the core"); break;
    case UPLOADER_ENROL_REFUSED:
        snprintf(what, sizeof what, "; core refused to enrol this kiosk (%s)", in.reason);
        break;
    case UPLOADER_DISK:
        snprintf(what, sizeof what, "; cannot file results on disk (%s)%s", in.reason, retry);
        break;
    case UPLOADER_BAD_RECEIPT:
        snprintf(what, sizeof what, "; the core gave no valid receipt (%s)%s", in.reason, retry);
        break;
    case UPLOADER_CORE_KEY:
        snprintf(what, sizeof what, "; not the pinned core (%s)%s", in.reason, retry);
        break;
    default: break;
    }
    if (in.queued == 0 && (in.state == UPLOADER_OK || in.state == UPLOADER_CONNECTING))
        snprintf(buf, cap, "all results delivered%s", tail);
    else snprintf(buf, cap, "%d waiting%s%s", in.queued, what, tail);
}

/* Joins the thread, frees `u`; the last uploader cleans up libcurl. */
void uploader_stop(uploader *u)
{
    if (!u) return;
    pthread_mutex_lock(&u->mu);
    atomic_store(&u->stop, 1);
    pthread_cond_broadcast(&u->cv);
    pthread_mutex_unlock(&u->mu);
    pthread_join(u->thread, NULL);
    destroy(u, 1);
}
