/* jchain.c -- the journal's keyed chain: links, a run of events checked, their JSON on the wire. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "hex.h"
#include "jchain.h"
#include "why.h"

#define PAYLOAD_MAX (1 << 20)  /* bytes of one payload (the journal's own limit) */

/* Big-endian 8-byte encoding of v into out. */
static void be64(int64_t v, unsigned char out[8])
{
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--) {
        out[i] = (unsigned char)(u & 0xff);
        u >>= 8;
    }
}

int jchain_link(EVP_MAC_CTX *ctx, const unsigned char key[JCHAIN_KEY],
                const unsigned char prev[32], int64_t seq, int64_t kind, int64_t wall_ms,
                int64_t used_ms, const void *payload, size_t len, char hex[65])
{
    unsigned char nums[32], md[32];
    size_t mdlen = 0;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_construct_end(),
    };
    be64(seq, nums);
    be64(kind, nums + 8);
    be64(wall_ms, nums + 16);
    be64(used_ms, nums + 24);
    if (!ctx || !key || EVP_MAC_init(ctx, key, JCHAIN_KEY, params) != 1 ||
        EVP_MAC_update(ctx, prev, 32) != 1 || EVP_MAC_update(ctx, nums, 32) != 1 ||
        EVP_MAC_update(ctx, payload, len) != 1 ||
        EVP_MAC_final(ctx, md, &mdlen, sizeof md) != 1 || mdlen != 32)
        return -1;
    hex_encode(md, 32, hex);
    return 0;
}

int jchain_check(const unsigned char key[JCHAIN_KEY], const char *prev_hex,
                 const jchain_event *ev, size_t n, char *why)
{
    unsigned char prev[32] = {0};
    bool start = !prev_hex || !*prev_hex;
    if (!start && hex_decode(prev_hex, prev, 32) != 0)
        return why_set(why, "the link before the events is not 64 hex digits");
    EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
    EVP_MAC_free(hmac);
    if (!ctx) return why_set(why, "cannot set up HMAC-SHA256");
    int rc = 0;
    int64_t want = start ? 1 : n ? ev[0].seq : 0;
    for (size_t i = 0; i < n && rc == 0; i++, want++) {
        char hex[65];
        if (ev[i].seq != want)
            rc = why_set(why, "event %lld comes where %lld belongs: the chain is broken",
                         (long long)ev[i].seq, (long long)want);
        else if (!ev[i].payload ||
                 jchain_link(ctx, key, prev, ev[i].seq, ev[i].kind, ev[i].wall_ms,
                             ev[i].used_ms, ev[i].payload, strlen(ev[i].payload), hex) != 0)
            rc = why_set(why, "HMAC-SHA256 failed");
        else if (CRYPTO_memcmp(hex, ev[i].hash, 64) != 0 || hex_decode(hex, prev, 32) != 0)
            rc = why_set(why, "event %lld does not match its link: forged or of another attempt",
                         (long long)ev[i].seq);
    }
    EVP_MAC_CTX_free(ctx);
    return rc;
}

/* o[name] as an integer within [lo, hi] into *out; false when it is not. */
static bool int_in(json_t *o, const char *name, int64_t lo, int64_t hi, int64_t *out)
{
    json_t *v = json_object_get(o, name);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return false;
    *out = (int64_t)json_integer_value(v);
    return true;
}

/* True when text (len bytes) is a JSON object. */
static bool is_object_text(const char *text, size_t len)
{
    json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
    bool ok = json_is_object(o);
    json_decref(o);
    return ok;
}

/* Caller frees *out with jchain_free(). */
int jchain_parse(json_t *arr, size_t max, jchain_event **out, size_t *n, char *why)
{
    *out = NULL;
    *n = 0;
    if (!json_is_array(arr)) return why_set(why, "\"events\" must be an array");
    size_t count = json_array_size(arr);
    if (count > max) return why_set(why, "%zu events, at most %zu at once", count, max);
    jchain_event *ev = count ? calloc(count, sizeof *ev) : NULL;
    if (count && !ev) return why_set(why, "out of memory");
    for (size_t i = 0; i < count; i++) {
        json_t *o = json_array_get(arr, i);
        json_t *p = json_object_get(o, "payload");
        const char *hash = json_string_value(json_object_get(o, "hash"));
        size_t plen = json_string_length(p);
        if (!json_is_object(o) || !int_in(o, "seq", 1, INT64_MAX, &ev[i].seq) ||
            !int_in(o, "kind", 1, JCHAIN_KIND_MAX, &ev[i].kind) ||
            !int_in(o, "wall_ms", 0, INT64_MAX, &ev[i].wall_ms) ||
            !int_in(o, "used_ms", 0, INT64_MAX, &ev[i].used_ms) || !hex_valid(hash, 64) ||
            !json_is_string(p) || plen > PAYLOAD_MAX ||
            memchr(json_string_value(p), 0, plen) ||
            !is_object_text(json_string_value(p), plen)) {
            jchain_free(ev, count);
            return why_set(why, "event %zu is not {seq >= 1, kind 1..%d, wall_ms, used_ms, "
                                "payload: a JSON object's text, hash: 64 hex}",
                           i + 1, JCHAIN_KIND_MAX);
        }
        memcpy(ev[i].hash, hash, 65);
        if (!(ev[i].payload = strdup(json_string_value(p)))) {
            jchain_free(ev, count);
            return why_set(why, "out of memory");
        }
    }
    *out = ev;
    *n = count;
    return 0;
}

json_t *jchain_json(const jchain_event *ev, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, json_pack("{s:I, s:I, s:I, s:I, s:s, s:s}", "seq",
                                                 (json_int_t)ev[i].seq, "kind",
                                                 (json_int_t)ev[i].kind, "wall_ms",
                                                 (json_int_t)ev[i].wall_ms, "used_ms",
                                                 (json_int_t)ev[i].used_ms, "payload",
                                                 ev[i].payload, "hash", ev[i].hash)) != 0) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

void jchain_free(jchain_event *ev, size_t n)
{
    for (size_t i = 0; ev && i < n; i++) free(ev[i].payload);
    free(ev);
}
