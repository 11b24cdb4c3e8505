/* core_fx.h -- a core for the lease tests: kiosk keys, kiosks approved, the HTTP server on a free
 * port (static inline: included by test_lease.c and test_seat_lease.c). */
#ifndef KISI_TEST_CORE_FX_H
#define KISI_TEST_CORE_FX_H

#include <stdio.h>
#include <unistd.h>

#include "bank.h"
#include "fixture.h"
#include "http.h"
#include "ingest.h"
#include "why.h"

/* The Ed25519 key dir/name (made when missing); fails the test otherwise. */
static inline bank_signer *cfx_key(const char *dir, const char *name)
{
    char why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    bank_signer *k = bank_signer_open(fx_path(dir, name), &e, why);
    if (!k) fail_msg("key %s: %s", name, why);
    return k;
}

/* Enrols kiosk pub at core c (store st) and approves it; fails the test otherwise. */
static inline void cfx_approve(core_ctx *c, store *st, const char *pub, const char *name)
{
    char why[WHY_SIZE] = "";
    if (core_kiosk_enrol(c, pub, name, 1, why) || store_kiosk_set(st, pub, "approved", why))
        fail_msg("kiosk %s: %s", name, why);
}

/* Core c served on the first free port on 127.0.0.1 from one that depends
 * on the process (tests run side by side). Caller stops it with http_stop(). */
static inline http_server *cfx_serve(core_ctx *c)
{
    char why[WHY_SIZE] = "";
    http_server *h = NULL;
    int base = 20000 + (int)(getpid() % 20000);
    for (int port = base; !h && port < base + 200; port++) {
        char listen[32];
        snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
        http_config cfg = {.listen = listen};
        h = http_start(c, &cfg, why);
    }
    if (!h) fail_msg("http_start: %s", why);
    return h;
}

#endif
