/* corefx.h -- a real core over HTTP for the room's tests: served on a free port, its answers
 * kept, the commands it signs checked (static inline: included by test_room.c,
 * test_proctor.c and test_kat.c). */
#ifndef KISI_TEST_COREFX_H
#define KISI_TEST_COREFX_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "bank.h"
#include "corekey.h"
#include "fixture.h"
#include "http.h"
#include "proto.h"
#include "why.h"

/* A core over the SQLite store dir/core.db with the key file dir/core.key:
 * the store into *st (the caller closes it after freeing the core). */
static inline core_ctx *corefx_core(const char *dir, store **st)
{
    char why[WHY_SIZE] = "", url[4200];
    snprintf(url, sizeof url, "sqlite:%s", fx_path(dir, "core.db"));
    *st = store_open(url, why);
    if (!*st) fail_msg("store_open: %s", why);
    core_ctx *c = core_ctx_new(*st, fx_path(dir, "core.key"), why);
    if (!c) fail_msg("core_ctx_new: %s", why);
    return c;
}

/* The kiosk key dir/name (made when missing); enrolled on c as `name` and
 * approved when c is set. Caller frees with bank_signer_free(). */
static inline bank_signer *corefx_kiosk(core_ctx *c, store *st, const char *dir, const char *name)
{
    char why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    bank_signer *k = bank_signer_open(fx_path(dir, name), &e, why);
    if (!k) fail_msg("key %s: %s", name, why);
    if (c && (core_kiosk_enrol(c, bank_signer_pub(k), name, 1, why) ||
              store_kiosk_set(st, bank_signer_pub(k), "approved", why)))
        fail_msg("kiosk %s: %s", name, why);
    return k;
}

/* The core of context c served on a free port of 127.0.0.1, with the
 * operator's token `token` (may be NULL); fails the test when none is free. */
static inline http_server *corefx_serve(core_ctx *c, const char *token)
{
    char why[WHY_SIZE] = "";
    http_server *h = NULL;
    int base = 20000 + (int)(getpid() % 20000);
    for (int port = base; !h && port < base + 200; port++) {
        char listen[32];
        snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
        http_config cfg = {.listen = listen, .operator_token = token};
        h = http_start(c, &cfg, why);
    }
    if (!h) fail_msg("http_start: %s", why);
    return h;
}

/* An answer's body as it came (cut at 64 KiB). */
typedef struct corefx_reply {
    size_t len;
    char data[1 << 16];
    char cookie[65];           /* the proctor's cookie of a Set-Cookie, "" none */
    pthread_mutex_t *mu;       /* when set, held while data grows (a stream read by another thread) */
} corefx_reply;

/* curl's write callback into the corefx_reply at arg. */
static inline size_t corefx_on_reply(char *d, size_t size, size_t n, void *arg)
{
    corefx_reply *r = arg;
    size_t k = size * n;
    if (r->mu) pthread_mutex_lock(r->mu);
    size_t left = sizeof r->data - 1 - r->len;
    memcpy(r->data + r->len, d, k < left ? k : left);
    r->len += k < left ? k : left;
    r->data[r->len] = 0;
    if (r->mu) pthread_mutex_unlock(r->mu);
    return k;
}

static inline void corefx_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* curl's header callback: keeps the proctor's cookie of a Set-Cookie. */
static inline size_t corefx_on_header(char *d, size_t size, size_t n, void *arg)
{
    corefx_reply *r = arg;
    size_t k = size * n;
    const char *name = "Set-Cookie: " PROTO_PROCTOR_COOKIE "=";
    if (k > strlen(name) + 64 && strncasecmp(d, name, strlen(name)) == 0)
        snprintf(r->cookie, sizeof r->cookie, "%.64s", d + strlen(name));
    return k;
}

/* A request to the core at base: path, the headers hd (taken: freed here),
 * the body (NULL: a GET); the answer into r. The HTTP status (0 none). */
static inline long corefx_call(const char *base, const char *path, struct curl_slist *hd,
                               const char *body, corefx_reply *r)
{
    char url[256];
    snprintf(url, sizeof url, "%s%s", base, path);
    CURL *h = curl_easy_init();
    r->len = 0;
    r->data[0] = 0;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, corefx_on_reply);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, corefx_on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
    if (body) curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    long status = 0;
    if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    return status;
}

/* POST /v1/room/state to the core at base of text signed by kiosk k, the
 * answer into r; the HTTP status (0 when no answer). */
static inline long corefx_post_state(const char *base, const bank_signer *k, const char *text,
                                     corefx_reply *r)
{
    char hk[100], hs[200], sig[129];
    if (bank_signer_sign(k, text, strlen(text), sig) != BANK_OK) fail_msg("cannot sign a state");
    snprintf(hk, sizeof hk, PROTO_HEADER_KIOSK ": %s", bank_signer_pub(k));
    snprintf(hs, sizeof hs, PROTO_HEADER_SIGNATURE ": %s", sig);
    return corefx_call(base, PROTO_PATH_ROOM_STATE,
                       curl_slist_append(curl_slist_append(NULL, hk), hs), text, r);
}

/* True when the command o (as it rides on an answer) is of this version and
 * signed by the core key pub over PROTO_COMMAND_TEXT of its own fields. */
static inline bool corefx_cmd_signed(json_t *o, const char *pub)
{
    char msg[1024];
    const char *sig = json_string_value(json_object_get(o, "sig"));
    int n = snprintf(msg, sizeof msg, PROTO_COMMAND_TEXT,
                     (int)json_integer_value(json_object_get(o, "version")),
                     json_string_value(json_object_get(o, "kiosk")),
                     (long long)json_integer_value(json_object_get(o, "seq")),
                     json_string_value(json_object_get(o, "kind")),
                     (long long)json_integer_value(json_object_get(o, "time")),
                     json_string_value(json_object_get(o, "nip")),
                     (int)json_integer_value(json_object_get(o, "minutes")),
                     json_string_value(json_object_get(o, "seat")),
                     json_string_value(json_object_get(o, "text")));
    return json_integer_value(json_object_get(o, "version")) == PROTO_COMMAND_VERSION && sig &&
           n > 0 && (size_t)n < sizeof msg && corekey_verify(pub, msg, (size_t)n, sig);
}

#endif
