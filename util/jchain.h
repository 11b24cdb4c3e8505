/* jchain.h -- the journal's keyed chain and its events on the wire: one link, a run of events
 * checked, their JSON; shared by the kiosk that writes them and the core that keeps their replica. */
#ifndef KISI_JCHAIN_H
#define KISI_JCHAIN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/types.h>

#define JCHAIN_KEY 32                /* bytes of an attempt's chain key */
#define JCHAIN_BATCH 64              /* events in one push or one fetched answer */
#define JCHAIN_BODY_MAX (256 << 10)  /* bytes of one push body */
#define JCHAIN_KIND_MAX 255          /* kinds on the wire are 1..this */

/* One event of an attempt as it travels and as the core keeps it. */
typedef struct jchain_event {
    int64_t seq, kind, wall_ms, used_ms;
    char *payload;  /* the exact bytes chained (a JSON object's text), owned by the event */
    char hash[65];  /* its link, 64 lower-case hex */
} jchain_event;

/* One link of the chain, computed with the MAC context `ctx` (borrowed, an
 * HMAC context; set up here): HMAC-SHA256(key, prev || be64 seq || be64
 * kind || be64 wall_ms || be64 used_ms || payload), written as 64
 * lower-case hex + NUL into hex. The first prev is 32 zero bytes. 0, or -1
 * when HMAC fails. */
int jchain_link(EVP_MAC_CTX *ctx, const unsigned char key[JCHAIN_KEY],
                const unsigned char prev[32], int64_t seq, int64_t kind, int64_t wall_ms,
                int64_t used_ms, const void *payload, size_t len, char hex[65]);

/* Checks that ev[0..n) continue the chain of `key` after the link
 * `prev_hex` (64 hex; "" or NULL before seq 1): seqs one after the other
 * from prev's seq + 1 (ev[0].seq when prev is given), each hash its link.
 * 0, or -1 with why naming the first event that does not fit. */
int jchain_check(const unsigned char key[JCHAIN_KEY], const char *prev_hex,
                 const jchain_event *ev, size_t n, char *why);

/* Reads the JSON array `arr` of at most `max` events ({"seq", "kind",
 * "wall_ms", "used_ms", "payload", "hash"}) into *out (caller frees with
 * jchain_free). Each field is checked (seq >= 1, kind 1..JCHAIN_KIND_MAX,
 * times >= 0, payload text of a JSON object, hash 64 lower-case hex), not
 * the chain. 0, or -1 with why. */
int jchain_parse(json_t *arr, size_t max, jchain_event **out, size_t *n, char *why);

/* The events ev[0..n) as a JSON array (new reference), NULL when out of memory. */
json_t *jchain_json(const jchain_event *ev, size_t n);

/* Frees n events and the array. NULL is a no-op. */
void jchain_free(jchain_event *ev, size_t n);

#endif
