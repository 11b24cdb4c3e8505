/* fuzz_offer.c -- libFuzzer target: the kiosk's reading of the room's offer of sessions
 * (fetch_offer_pick): taking the only session offered, asking for one id, and taking the
 * one its cache sat last. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "hex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define WANT "0123456789abcdef0123456789abcdef"
#define CURRENT "00112233445566778899aabbccddeeff"

/* Picks from the offer (want may be NULL); aborts when the verdict breaks a rule. */
static void check(const char *offer, size_t len, const char *want, const char *current)
{
    fetch_offer o;
    char why[WHY_SIZE] = "";
    memset(&o, 'x', sizeof o);
    if (fetch_offer_pick(offer, len, want, current, &o, why) != 0) {
        if (!why[0] || !memchr(why, 0, sizeof why)) abort();   /* a refusal says why */
        return;
    }
    /* ids the kiosk puts in file names and URLs, digests or "", and the one asked for */
    if (!memchr(o.sid, 0, sizeof o.sid) || !memchr(o.bid, 0, sizeof o.bid) ||
        !memchr(o.session_sha, 0, sizeof o.session_sha) ||
        !memchr(o.bank_sha, 0, sizeof o.bank_sha) || !hex_valid(o.sid, 32) ||
        !hex_valid(o.bid, 32) || (o.session_sha[0] && !hex_valid(o.session_sha, 64)) ||
        (o.bank_sha[0] && !hex_valid(o.bank_sha, 64)) || (want && strcmp(o.sid, want) != 0) ||
        (o.by_current && strcmp(o.sid, current) != 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check((const char *)data, size, NULL, "");
    check((const char *)data, size, WANT, "");
    check((const char *)data, size, NULL, CURRENT);
    return 0;
}
