/* klease.c -- asking the core for the lease of an attempt, in a thread, and checking its signed answer. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "clk.h"
#include "corekey.h"
#include "hex.h"
#include "klease.h"
#include "text.h"

#define ANSWER_MAX 4096 /* bytes of the core's answer kept */

struct klease {
    pthread_t thread;
    pthread_mutex_t mu;
    bool done;
    klease_answer ans;        /* under mu once done */
    const bank_signer *signer; /* borrowed */
    char url[1100], key_path[4200], session[65], nip[65], seat[PROTO_LEASE_SEAT_MAX + 1];
    int attempt;
    long wait_ms;
    char buf[ANSWER_MAX + 1];
    size_t len;
    bool over;
};

char *klease_request(long long seq, const char *session, const char *nip, int attempt,
                     const char *seat)
{
    json_t *o = json_pack("{s:i, s:I, s:s, s:s, s:i, s:s}", "version", PROTO_LEASE_VERSION, "seq",
                          (json_int_t)seq, "session", session, "nip", nip, "attempt", attempt,
                          "seat", seat);
    char *t = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return t;
}

/* Member `key` of o as text of at most max bytes, one line; NULL otherwise. */
static const char *line_of(json_t *o, const char *key, size_t max)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && strlen(s) <= max && !text_has_control(s) ? s : NULL;
}

int klease_check(const char *json, size_t len, const char *core_pub, const char *kiosk,
                 long long seq, const char *session, const char *nip, int attempt,
                 klease_answer *ans, char *why)
{
    memset(ans, 0, sizeof *ans);
    if (!core_pub || !hex_valid(core_pub, 64))
        return why_set(why, "no core key pinned to check the lease answer");
    json_t *o = json && len ? json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    json_t *v = json_object_get(o, "version"), *q = json_object_get(o, "seq"),
           *at = json_object_get(o, "attempt"), *au = json_object_get(o, "authorise"),
           *rep = json_object_get(o, "replica");
    const char *k = line_of(o, "kiosk", 64), *sid = line_of(o, "session", 64),
               *n = line_of(o, "nip", 64), *status = line_of(o, "status", 15),
               *holder = line_of(o, "holder", PROTO_LEASE_SEAT_MAX), *sig = line_of(o, "sig", 128);
    char text[1024];
    int rc = 0;
    if (!json_is_integer(v) || json_integer_value(v) != PROTO_LEASE_VERSION)
        rc = why_set(why, "lease answer of version %lld, this kiosk reads %d",
                     json_is_integer(v) ? (long long)json_integer_value(v) : -1LL,
                     PROTO_LEASE_VERSION);
    else if (!k || !sid || !n || !status || !holder || !sig || !json_is_integer(q) ||
             !json_is_integer(at) || !json_is_boolean(au) || !json_is_integer(rep))
        rc = why_set(why, "the lease answer lacks a member or has one of the wrong type");
    else if (strcmp(k, kiosk) || json_integer_value(q) != seq || strcmp(sid, session) ||
             strcmp(n, nip) || json_integer_value(at) != attempt)
        rc = why_set(why, "the lease answer is for another request");
    else if (strcmp(status, "granted") && strcmp(status, "refused"))
        rc = why_set(why, "the lease answer's status is \"%s\"", status);
    else if (json_integer_value(rep) < 0 || (strcmp(status, "refused") == 0 && !*holder))
        rc = why_set(why, "the lease answer counts %lld events or names no holding seat",
                     (long long)json_integer_value(rep));
    else {
        int m = snprintf(text, sizeof text, PROTO_LEASE_TEXT, PROTO_LEASE_VERSION, kiosk, seq,
                         session, nip, attempt, status, holder, json_is_true(au) ? 1 : 0,
                         (long long)json_integer_value(rep));
        if (m < 0 || (size_t)m >= sizeof text || !hex_valid(sig, 128) ||
            !corekey_verify(core_pub, text, (size_t)m, sig))
            rc = why_set(why, "the lease answer is not signed by the pinned core key");
    }
    if (!rc) {
        ans->out = strcmp(status, "granted") == 0 ? KLEASE_HELD : KLEASE_REFUSED;
        snprintf(ans->holder, sizeof ans->holder, "%s", holder);
        ans->authorise = json_is_true(au);
        ans->replica = (long long)json_integer_value(rep);
    }
    json_decref(o);
    return rc;
}

/* Keeps up to ANSWER_MAX bytes of the answer; more marks it too long. */
static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
    klease *l = arg;
    size_t n = size * nmemb, room = ANSWER_MAX - l->len;
    if (n > room) l->over = true;
    memcpy(l->buf + l->len, data, n < room ? n : room);
    l->len += n < room ? n : room;
    return n;
}

/* One signed request and its answer into l->buf; the HTTP status (0: no
 * answer), or -1 with why when it could not be made. */
static long ask_once(klease *l, long long seq, char *why)
{
    char sig[129], h1[100], h2[200];
    char *body = klease_request(seq, l->session, l->nip, l->attempt, l->seat);
    if (!body || bank_signer_sign(l->signer, body, strlen(body), sig) != BANK_OK) {
        free(body);
        return why_set(why, "cannot sign the lease request");
    }
    snprintf(h1, sizeof h1, PROTO_HEADER_KIOSK ": %s", bank_signer_pub(l->signer));
    snprintf(h2, sizeof h2, PROTO_HEADER_SIGNATURE ": %s", sig);
    struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: " PROTO_TYPE_JSON);
    struct curl_slist *all = hd ? curl_slist_append(hd, "Expect:") : NULL;
    all = all ? curl_slist_append(all, h1) : NULL;
    all = all ? curl_slist_append(all, h2) : NULL;
    CURL *h = all ? curl_easy_init() : NULL;
    long status = -1;
    CURLcode e = CURLE_OUT_OF_MEMORY;
    if (h) {
        curl_easy_setopt(h, CURLOPT_URL, l->url);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, l->wait_ms);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, l->wait_ms);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, l);
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(h, CURLOPT_USERAGENT, "kisi-kiosk");
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, all);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
        e = curl_easy_perform(h);
        status = 0;
        if (e == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        else why_set(why, "core unreachable: %s", curl_easy_strerror(e));
        curl_easy_cleanup(h);
    } else {
        why_set(why, "out of memory");
    }
    curl_slist_free_all(hd);
    free(body);
    l->buf[l->len] = 0;
    return status;
}

/* The thread: one request, its answer checked, the outcome left for klease_poll. */
static void *run(void *arg)
{
    klease *l = arg;
    klease_answer a = {.out = KLEASE_OFFLINE};
    char core[65] = "";
    long long seq = (long long)clk_wall_ms();
    long status = ask_once(l, seq, a.why);
    if (status > 0 && (status != 200 || l->over)) {
        json_t *o = json_loadb(l->buf, l->len, 0, NULL);
        const char *err = json_string_value(json_object_get(o, "error"));
        why_set(a.why, "the core answered HTTP %ld %.60s", status,
                l->over ? "(too long)" : err ? err : "");
        json_decref(o);
    } else if (status == 200) {
        if (corekey_read(l->key_path, core, a.why) != 1)
            why_set(a.why, "no core key pinned in %.200s to check the lease answer", l->key_path);
        else if (klease_check(l->buf, l->len, core, bank_signer_pub(l->signer), seq, l->session,
                              l->nip, l->attempt, &a, a.why) != 0)
            a.out = KLEASE_OFFLINE;
    }
    pthread_mutex_lock(&l->mu);
    l->ans = a;
    l->done = true;
    pthread_mutex_unlock(&l->mu);
    return NULL;
}

/* Copies src into dst (cap bytes) when it is one line that fits; false otherwise. */
static bool take(char *dst, size_t cap, const char *src)
{
    if (!src || strlen(src) >= cap || text_has_control(src) || !text_utf8_valid(src, strlen(src)))
        return false;
    memcpy(dst, src, strlen(src) + 1);
    return true;
}

klease *klease_start(const char *core_url, const char *state_dir, const char *core_key,
                     const bank_signer *signer, const char *session, const char *nip,
                     int attempt, const char *seat, int wait_ms, char *why)
{
    if (!core_url || !state_dir || !signer || attempt < 1) {
        why_set(why, "a lease needs the core, the state folder, the kiosk key and an attempt");
        return NULL;
    }
    klease *l = calloc(1, sizeof *l);
    if (!l) {
        why_set(why, "out of memory");
        return NULL;
    }
    l->signer = signer;
    l->attempt = attempt;
    l->wait_ms = wait_ms > 0 ? wait_ms : KLEASE_WAIT_MS;
    size_t ul = strlen(core_url);
    while (ul > 0 && core_url[ul - 1] == '/') ul--;
    int un = snprintf(l->url, sizeof l->url, "%.*s%s", (int)ul, core_url, PROTO_PATH_ROOM_LEASE);
    int kn = core_key ? snprintf(l->key_path, sizeof l->key_path, "%s", core_key)
                      : snprintf(l->key_path, sizeof l->key_path, "%s/%s", state_dir, COREKEY_FILE);
    if (un < 0 || (size_t)un >= sizeof l->url || kn < 0 || (size_t)kn >= sizeof l->key_path ||
        !take(l->session, sizeof l->session, session) || !take(l->nip, sizeof l->nip, nip) ||
        !take(l->seat, sizeof l->seat, seat ? seat : "")) {
        free(l);
        why_set(why, "a lease request with a field too long or not one line");
        return NULL;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        free(l);
        why_set(why, "cannot initialise libcurl");
        return NULL;
    }
    pthread_mutex_init(&l->mu, NULL);
    if (pthread_create(&l->thread, NULL, run, l) != 0) {
        pthread_mutex_destroy(&l->mu);
        curl_global_cleanup();
        free(l);
        why_set(why, "cannot start the lease thread");
        return NULL;
    }
    return l;
}

klease_outcome klease_poll(klease *l, klease_answer *ans)
{
    pthread_mutex_lock(&l->mu);
    bool done = l->done;
    if (done) *ans = l->ans;
    pthread_mutex_unlock(&l->mu);
    return done ? ans->out : KLEASE_WAITING;
}

void klease_free(klease *l)
{
    if (!l) return;
    pthread_join(l->thread, NULL);
    pthread_mutex_destroy(&l->mu);
    curl_global_cleanup();
    free(l);
}
