/* pin.c -- participant PINs: the length rule, random PINs, and a roster with its PINs filled in. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "csv.h"
#include "internal.h"
#include "sbuf.h"
#include "why.h"

bool bank_pin_valid(const char *pin)
{
    size_t n = pin ? strlen(pin) : 0;
    if (n < BANK_PIN_MIN || n > BANK_PIN_MAX) return false;
    for (size_t i = 0; i < n; i++)
        if (pin[i] < '0' || pin[i] > '9') return false;
    return true;
}

bank_err bank_pin_generate(char pin[BANK_PIN_MIN + 1])
{
    for (int i = 0; i < BANK_PIN_MIN; i++) {
        uint8_t x;
        do { /* 250 = 25 x 10: no digit more likely than another */
            if (bc_random(&x, 1)) {
                OPENSSL_cleanse(pin, (size_t)i);
                return BANK_ECRYPTO;
            }
        } while (x >= 250);
        pin[i] = (char)('0' + x % 10);
    }
    pin[BANK_PIN_MIN] = 0;
    return BANK_OK;
}

/* Checks the header of a roster to fill: nip,name with an optional pin, and
 * after it an optional extra_minutes (carried through as it is). */
static bool pins_header(char **f, size_t nf)
{
    return nf >= 2 && nf <= 4 && !strcasecmp(f[0], "nip") && !strcasecmp(f[1], "name") &&
           (nf < 3 || !strcasecmp(f[2], "pin")) && (nf < 4 || !strcasecmp(f[3], "extra_minutes"));
}

bank_err bank_roster_pins(const char *csv, size_t len, char **out, size_t *outlen,
                          size_t *made, char *why)
{
    csv_reader r;
    csv_init(&r, csv, len);
    r.text.secret = true; /* the reader's copies of the fields hold the PINs given */
    sbuf b;
    sbuf_init(&b, 0);
    b.secret = true;
    char **f = NULL, pin[BANK_PIN_MIN + 1];
    size_t nf = 0, count = 0, nmade = 0;
    bank_err e = BANK_OK;
    int got = csv_next(&r, &f, &nf, why);
    if (got < 0) {
        e = BANK_EPARSE;
    } else if (got == 0 || !pins_header(f, nf)) {
        why_set(why, "line 1: roster header must be nip,name or nip,name,pin"
                     " (or nip,name,pin,extra_minutes)");
        e = BANK_EROSTER;
    }
    size_t ncols = nf;
    if (!e) sbuf_puts(&b, ncols == 4 ? "nip,name,pin,extra_minutes\n" : "nip,name,pin\n");
    while (!e && (got = csv_next(&r, &f, &nf, why)) > 0) {
        const char *given = nf >= 3 ? f[2] : "";
        if (nf != ncols && !(ncols == 3 && nf == 2)) {
            why_set(why, "line %d: expected %zu fields, found %zu", r.line, ncols, nf);
            e = BANK_EROSTER;
        } else if (given[0] && !bank_pin_valid(given)) {
            why_set(why, "line %d: PIN must be %d to %d digits (a shorter one falls to an"
                         " offline search); leave it empty to have one made",
                    r.line, BANK_PIN_MIN, BANK_PIN_MAX);
            e = BANK_EROSTER;
        } else if (!given[0] && (e = bank_pin_generate(pin))) {
            why_set(why, "no random numbers available");
        } else {
            csv_cell(&b, f[0], true);
            csv_cell(&b, f[1], false);
            csv_cell(&b, given[0] ? given : pin, false);
            if (ncols == 4) csv_cell(&b, f[3], false);  /* checked by bank_session_create */
            sbuf_puts(&b, "\n");
            nmade += !given[0];
            count++;
        }
    }
    OPENSSL_cleanse(pin, sizeof pin);
    if (!e && got < 0) e = BANK_EPARSE;
    if (!e && count == 0) {
        why_set(why, "roster has no participants");
        e = BANK_EROSTER;
    }
    csv_free(&r);
    if (!e && !(*out = sbuf_take(&b, outlen))) e = BANK_ENOMEM;
    sbuf_free(&b);
    if (!e && made) *made = nmade;
    return e;
}
