/* fetch.c -- the offered bank and session from the core: bounded downloads, checked against the authority, cached whole. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "bank.h"
#include "fetch.h"
#include "hex.h"
#include "proto.h"
#include "sbuf.h"

/* One download's outcome: `down` when the core did not answer (or failed:
 * 5xx), so that the cache may stand in. */
typedef struct got {
    sbuf body;
    long status;
    bool down;
    char error[160];
} got;

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    sbuf *b = arg;
    return sbuf_add(b, data, size * n) ? size * n : 0; /* beyond the cap: the transfer stops */
}

/* GETs url + path into g (at most max bytes). */
static void get(const char *url, const char *path, size_t max, got *g)
{
    memset(g, 0, sizeof *g);
    sbuf_init(&g->body, max);
    char full[1024];
    CURL *c = curl_easy_init();
    if (!c || (size_t)snprintf(full, sizeof full, "%s%s", url, path) >= sizeof full) {
        snprintf(g->error, sizeof g->error, "%s", c ? "the core URL is too long" : "out of memory");
        curl_easy_cleanup(c);
        return;
    }
    curl_easy_setopt(c, CURLOPT_URL, full);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
    /* a stalled download ends: under 1 KiB/s for 15 s */
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 15L);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &g->body);
    CURLcode cc = curl_easy_perform(c);
    if (cc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &g->status);
    curl_easy_cleanup(c);
    if (g->body.failed || cc == CURLE_FILESIZE_EXCEEDED || cc == CURLE_WRITE_ERROR)
        snprintf(g->error, sizeof g->error, "%s%s is larger than %zu bytes", url, path, max);
    else if (cc != CURLE_OK) {
        g->down = true;
        snprintf(g->error, sizeof g->error, "%s: %s", url, curl_easy_strerror(cc));
    } else if (g->status >= 500) {
        g->down = true;
        snprintf(g->error, sizeof g->error, "%s%s: HTTP %ld", url, path, g->status);
    } else if (g->status != 200) {
        snprintf(g->error, sizeof g->error, "%s%s: HTTP %ld", url, path, g->status);
    } else if (!g->body.len) {
        snprintf(g->error, sizeof g->error, "%s%s: an empty answer", url, path);
    }
}

/* The session id the cache sat last ("" when none) into sid (33 bytes). */
static void cache_current(const fetch_config *c, char *sid)
{
    char path[4200], bw[WHY_SIZE], *cur = NULL;
    size_t clen = 0;
    sid[0] = 0;
    snprintf(path, sizeof path, "%s/" FETCH_DIR "/current", c->state_dir);
    if (bank_file_read(path, 64, &cur, &clen, bw) == BANK_OK && clen == 32 && hex_valid(cur, 32))
        memcpy(sid, cur, 33);
    free(cur);
}

int fetch_offer_pick(const char *offer, size_t len, const char *want, const char *current,
                     fetch_offer *o, char *why)
{
    json_t *doc = json_loadb(offer ? offer : "", len, 0, NULL);
    json_t *list = json_object_get(doc, "sessions"), *v = json_object_get(doc, "version");
    size_t n = json_array_size(list), i, found = n;
    int rc = -1;
    char names[200] = "";
    size_t cur = n;
    for (i = 0; i < n; i++) {
        const char *s = json_string_value(json_object_get(json_array_get(list, i), "session"));
        if (want && s && strcmp(s, want) == 0) found = i;
        if (current[0] && s && strcmp(s, current) == 0) cur = i;
        size_t used = strlen(names);
        if (s && used < 120) snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "", s);
    }
    if (json_is_object(doc) && (!json_is_integer(v) || json_integer_value(v) != PROTO_OFFER_VERSION))
        why_set(why, "the core's offer is of version %lld, this kiosk reads %d: upgrade the kiosk",
                json_is_integer(v) ? (long long)json_integer_value(v) : -1LL, PROTO_OFFER_VERSION);
    else if (!json_is_array(list))
        why_set(why, "the core's offer is not {\"sessions\": [...]}");
    else if (n == 0)
        why_set(why, "the core offers no session: add one there (core session add)");
    else if (want && found == n)
        why_set(why, "the core does not offer session %.40s (it offers %s)", want, names);
    else if (!want && n > 1 && cur == n)
        why_set(why, "the core offers %zu sessions (%s): pick one with --session-id ID", n, names);
    else {
        json_t *e = json_array_get(list, want ? found : n > 1 ? cur : 0);
        const char *s = json_string_value(json_object_get(e, "session"));
        const char *b = json_string_value(json_object_get(e, "bank"));
        const char *ss = json_string_value(json_object_get(e, "session_sha256"));
        const char *bs = json_string_value(json_object_get(e, "bank_sha256"));
        if (!hex_valid(s, 32) || !hex_valid(b, 32))
            why_set(why, "the core's offer names a session or bank that is no id");
        else {
            memcpy(o->sid, s, 33);
            memcpy(o->bid, b, 33);
            snprintf(o->session_sha, sizeof o->session_sha, "%s", hex_valid(ss, 64) ? ss : "");
            snprintf(o->bank_sha, sizeof o->bank_sha, "%s", hex_valid(bs, 64) ? bs : "");
            o->by_current = !want && n > 1;
            rc = 0;
        }
    }
    json_decref(doc);
    return rc;
}

/* Checks the bank bytes (id bid, sealed by the authority) and the session
 * bytes (id sid, of that bank); 0, or -1 with why. `from` says where they
 * came from, for the message. */
static int check(const fetch_config *c, const char *bid, const void *bank_data, size_t blen,
                 const char *sid, const void *sess_data, size_t slen, const char *from,
                 char *why)
{
    bank_err e = BANK_OK;
    char bw[WHY_SIZE] = "";
    bank *b = bank_open_mem(bank_data, blen, "the bank", &e, bw);
    bank_session *s = NULL;
    int rc = -1;
    if (!b)
        why_set(why, "the bank %s is not a bank: %s", from, bw[0] ? bw : bank_strerror(e));
    else if (strcmp(bank_id(b), bid) != 0)
        why_set(why, "the bank %s is bank %.32s, not %.32s", from, bank_id(b), bid);
    else if ((e = bank_verify(b, c->authority_pub, bw)) != BANK_OK)
        why_set(why, "the bank %s does not verify with %.200s: %s", from, c->authority_pub,
                bw[0] ? bw : bank_strerror(e));
    else if (!(s = bank_session_open_mem(b, sess_data, slen, "the session", &e, bw)))
        why_set(why, "the session %s does not open with its bank: %s", from,
                bw[0] ? bw : bank_strerror(e));
    else if (strcmp(bank_session_id(s), sid) != 0)
        why_set(why, "the session %s is session %.32s, not %.32s", from, bank_session_id(s), sid);
    else
        rc = 0;
    bank_session_close(s);
    bank_close(b);
    return rc;
}

/* Fills the cache paths of out for bank bid and session sid. */
static void paths(const fetch_config *c, const char *bid, const char *sid, fetch_result *out)
{
    snprintf(out->bank_path, sizeof out->bank_path, "%s/" FETCH_DIR "/%s.bank", c->state_dir, bid);
    snprintf(out->session_path, sizeof out->session_path, "%s/" FETCH_DIR "/%s.session",
             c->state_dir, sid);
    snprintf(out->session_id, sizeof out->session_id, "%s", sid);
}

/* Writes the checked files into the cache (those already there with the
 * same bytes, bank_kept and sess_kept, are left as they are); 0, or -1 with why. */
static int keep(const fetch_config *c, const got *bank_got, bool bank_kept, const got *sess_got,
                bool sess_kept, fetch_result *out, char *why)
{
    char dir[4096], cur[4200], bw[WHY_SIZE] = "";
    snprintf(dir, sizeof dir, "%s/" FETCH_DIR, c->state_dir);
    if (mkdir(c->state_dir, 0700) != 0 && errno != EEXIST)
        return why_set(why, "%.300s: %s", c->state_dir, strerror(errno));
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return why_set(why, "%.300s: %s", dir, strerror(errno));
    snprintf(cur, sizeof cur, "%s/current", dir);
    /* the session after its bank, `current` last: a stop between leaves the old current */
    if ((!bank_kept && bank_file_write_atomic(out->bank_path, bank_got->body.p,
                                              bank_got->body.len, 0600, bw)) ||
        (!sess_kept && bank_file_write_atomic(out->session_path, sess_got->body.p,
                                              sess_got->body.len, 0600, bw)) ||
        bank_file_write_atomic(cur, out->session_id, strlen(out->session_id), 0600, bw))
        return why_set(why, "cannot cache the files: %s", bw);
    return 0;
}

/* Uses the cached files of c->session_id (or `current`), checked again. */
static int from_cache(const fetch_config *c, const char *down, fetch_result *out, char *why)
{
    char path[4200], sid[33] = "", bid[33], eid[65], bw[WHY_SIZE] = "";
    char *cur = NULL, *bdata = NULL, *sdata = NULL;
    size_t clen = 0, blen = 0, slen = 0;
    if (c->session_id) {
        snprintf(sid, sizeof sid, "%s", c->session_id);
    } else {
        snprintf(path, sizeof path, "%s/" FETCH_DIR "/current", c->state_dir);
        if (bank_file_read(path, 64, &cur, &clen, bw) == BANK_OK && clen == 32)
            memcpy(sid, cur, 33);
        free(cur);
    }
    if (!hex_valid(sid, 32))
        return why_set(why, "%s, and no session is cached in %.200s/" FETCH_DIR, down,
                       c->state_dir);
    snprintf(path, sizeof path, "%s/" FETCH_DIR "/%s.session", c->state_dir, sid);
    if (bank_session_info(path, bid, sid, eid, bw) != BANK_OK)
        return why_set(why, "%s, and session %.32s is not cached: %s", down, sid, bw);
    paths(c, bid, sid, out);
    int rc = -1;
    if (bank_file_read(out->bank_path, FETCH_BANK_MAX, &bdata, &blen, bw) != BANK_OK ||
        bank_file_read(out->session_path, FETCH_SESSION_MAX, &sdata, &slen, bw) != BANK_OK)
        why_set(why, "%s, and the cache cannot be read: %s", down, bw);
    else
        rc = check(c, bid, bdata, blen, sid, sdata, slen, "in the cache", why);
    free(bdata);
    free(sdata);
    if (rc == 0) {
        out->cached = true;
        snprintf(out->note, sizeof out->note, "%s", down);
    }
    return rc;
}

/* True when the file at path holds bytes of SHA-256 `sha` (64 hex; "" never
 * matches): then g holds them, as if downloaded. */
static bool cached(const char *path, const char *sha, size_t max, got *g)
{
    char *data = NULL, bw[WHY_SIZE], hex[65];
    size_t len = 0;
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!sha[0] || bank_file_read(path, max, &data, &len, bw) != BANK_OK) return false;
    EVP_Digest(data, len, d, &n, EVP_sha256(), NULL);
    hex_encode(d, n, hex);
    bool same = strcmp(hex, sha) == 0;
    memset(g, 0, sizeof *g);
    sbuf_init(&g->body, max);
    if (same) sbuf_add(&g->body, data, len);
    free(data);
    return same && !g->body.failed;
}

int fetch_files(const fetch_config *c, fetch_result *out, char *why)
{
    memset(out, 0, sizeof *out);
    if (c->session_id && !hex_valid(c->session_id, 32))
        return why_set(why, "--session-id is a session id (32 hex digits), not %.40s",
                       c->session_id);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    char url[512], path[128], current[33];
    fetch_offer o = {0};
    snprintf(url, sizeof url, "%s", c->core_url);
    size_t n = strlen(url);
    while (n && url[n - 1] == '/') url[--n] = 0;
    got offer, bank_got = {0}, sess_got = {0};
    get(url, PROTO_PATH_ROOM_OFFER, FETCH_OFFER_MAX, &offer);
    int rc = -1;
    if (offer.down) {
        rc = from_cache(c, offer.error, out, why);
    } else if (offer.error[0]) {
        why_set(why, "the core's offer: %s", offer.error);
    } else if (cache_current(c, current),
               fetch_offer_pick(offer.body.p, offer.body.len, c->session_id, current, &o,
                                why) == 0) {
        /* files the cache holds with the bytes offered are not fetched again */
        paths(c, o.bid, o.sid, out);
        snprintf(path, sizeof path, PROTO_PATH_ROOM_BANK "/%s", o.bid);
        bool bank_kept = cached(out->bank_path, o.bank_sha, FETCH_BANK_MAX, &bank_got);
        if (!bank_kept) {
            sbuf_free(&bank_got.body);
            get(url, path, FETCH_BANK_MAX, &bank_got);
        }
        snprintf(path, sizeof path, PROTO_PATH_ROOM_SESSION "/%s", o.sid);
        bool sess_kept = !bank_got.error[0] &&
                         cached(out->session_path, o.session_sha, FETCH_SESSION_MAX, &sess_got);
        if (!bank_got.error[0] && !sess_kept) {
            sbuf_free(&sess_got.body);
            get(url, path, FETCH_SESSION_MAX, &sess_got);
        }
        const got *bad = bank_got.error[0] ? &bank_got : &sess_got;
        if (o.by_current)
            snprintf(out->note, sizeof out->note, "the core offers several sessions: session %s,"
                     " the one this kiosk sat last", o.sid);
        if (bad->down) {
            rc = from_cache(c, bad->error, out, why);
        } else if (bad->error[0]) {
            why_set(why, "downloading from the core: %s", bad->error);
        } else if (check(c, o.bid, bank_got.body.p, bank_got.body.len, o.sid, sess_got.body.p,
                         sess_got.body.len, "from the core", why) == 0) {
            rc = keep(c, &bank_got, bank_kept, &sess_got, sess_kept, out, why);
        }
    }
    sbuf_free(&offer.body);
    sbuf_free(&bank_got.body);
    sbuf_free(&sess_got.body);
    curl_global_cleanup();
    return rc;
}
