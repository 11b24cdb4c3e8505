/* journal_chain.c -- the journal's hash chain: one event's link, and stored links read back. */
#include <string.h>

#include <openssl/evp.h>

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

/* hash = SHA-256(prev || be64 seq || be64 kind || be64 wall || be64 used || payload),
 * written as 64 lower-case hex characters + NUL. Returns 0 or -1. */
int journal_chain_hash(EVP_MD_CTX *ctx, const unsigned char prev[32], int64_t seq, int64_t kind,
                       int64_t wall_ms, int64_t used_ms, const void *payload, size_t len,
                       char hex[65])
{
    unsigned char nums[32], md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    be64(seq, nums);
    be64(kind, nums + 8);
    be64(wall_ms, nums + 16);
    be64(used_ms, nums + 24);
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
        EVP_DigestUpdate(ctx, prev, 32) != 1 || EVP_DigestUpdate(ctx, nums, 32) != 1 ||
        EVP_DigestUpdate(ctx, payload, len) != 1 ||
        EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32)
        return -1;
    hex_encode(md, 32, hex);
    return 0;
}
