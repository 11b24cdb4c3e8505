/* journal_chain.c -- the journal's keyed chain: one event's link, HMAC-SHA256 under the attempt's key. */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "hex.h"
#include "journal.h"

/* Big-endian 8-byte encoding of v into out. */
static void be64(int64_t v, unsigned char out[8])
{
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--) {
        out[i] = (unsigned char)(u & 0xff);
        u >>= 8;
    }
}

/* link = HMAC-SHA256(key, prev || be64 seq || be64 kind || be64 wall || be64 used || payload),
 * written as 64 lower-case hex characters + NUL. Returns 0 or -1. */
int journal_chain_mac(EVP_MAC_CTX *ctx, const unsigned char key[JOURNAL_KEY],
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
    if (!ctx || !key || EVP_MAC_init(ctx, key, JOURNAL_KEY, params) != 1 ||
        EVP_MAC_update(ctx, prev, 32) != 1 || EVP_MAC_update(ctx, nums, 32) != 1 ||
        EVP_MAC_update(ctx, payload, len) != 1 ||
        EVP_MAC_final(ctx, md, &mdlen, sizeof md) != 1 || mdlen != 32)
        return -1;
    hex_encode(md, 32, hex);
    return 0;
}
