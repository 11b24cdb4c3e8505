/* fuzz_chain.h -- the journal's chain for the fuzz targets of its replica: the events of a JSON
 * array whose "hash" is "LINK" are given their link under an attempt's key, so that inputs
 * reach the checks past the chain. */
#ifndef KISI_FUZZ_CHAIN_H
#define KISI_FUZZ_CHAIN_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "hex.h"
#include "jchain.h"

/* Links the events of the array evs whose "hash" is "LINK" under `key`,
 * each after the event before it, the first after the link `prev` (32
 * bytes; zeros before seq 1). Stops at an event lacking a field. True when
 * one was linked; aborts when HMAC fails. */
static bool fuzz_chain_link(json_t *evs, const unsigned char key[JCHAIN_KEY],
                            const unsigned char prev0[32])
{
    static EVP_MAC *mac;
    static EVP_MAC_CTX *hmac;
    if (!hmac && (!(mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) || !(hmac = EVP_MAC_CTX_new(mac))))
        abort();
    unsigned char prev[32];
    char hexed[65];
    bool linked = false;
    size_t i;
    json_t *e;
    memcpy(prev, prev0, sizeof prev);
    json_array_foreach(evs, i, e) {
        json_t *seq = json_object_get(e, "seq"), *kind = json_object_get(e, "kind"),
               *wall = json_object_get(e, "wall_ms"), *used = json_object_get(e, "used_ms"),
               *pay = json_object_get(e, "payload");
        const char *h = json_string_value(json_object_get(e, "hash"));
        if (!json_is_integer(seq) || !json_is_integer(kind) || !json_is_integer(wall) ||
            !json_is_integer(used) || !json_is_string(pay) || !h)
            break;
        if (strcmp(h, "LINK") == 0) {
            if (jchain_link(hmac, key, prev, json_integer_value(seq), json_integer_value(kind),
                            json_integer_value(wall), json_integer_value(used),
                            json_string_value(pay), json_string_length(pay), hexed) != 0)
                abort();
            json_object_set_new(e, "hash", json_string(hexed));
            h = json_string_value(json_object_get(e, "hash"));
            linked = true;
        }
        if (hex_decode(h, prev, sizeof prev) != 0) memset(prev, 0, sizeof prev);
    }
    return linked;
}

#endif
