/* journal_chain.c -- the journal's keyed chain: one event's link, HMAC-SHA256 under the attempt's key (util/jchain). */
#include "jchain.h"
#include "journal.h"

int journal_chain_mac(EVP_MAC_CTX *ctx, const unsigned char key[JOURNAL_KEY],
                      const unsigned char prev[32], int64_t seq, int64_t kind, int64_t wall_ms,
                      int64_t used_ms, const void *payload, size_t len, char hex[65])
{
    return jchain_link(ctx, key, prev, seq, kind, wall_ms, used_ms, payload, len, hex);
}
