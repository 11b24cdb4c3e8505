/* fetch.h -- a kiosk started from a core alone: the offered bank and session downloaded, checked, cached in STATE/cache. */
#ifndef KISI_FETCH_H
#define KISI_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "why.h"

#define FETCH_OFFER_MAX ((size_t)256 << 10)   /* bytes of the core's offer read at most */
#define FETCH_BANK_MAX ((size_t)256 << 20)    /* of a bank (the core keeps no larger one) */
#define FETCH_SESSION_MAX ((size_t)64 << 20)  /* of a session */
#define FETCH_DIR "cache"                     /* in the state folder */

typedef struct fetch_config {
    const char *core_url;      /* "http://HOST:PORT" */
    const char *authority_pub; /* the authority's public key file the bank's seal must verify with */
    const char *state_dir;
    const char *session_id;    /* the session to sit (--session-id); NULL: the only one offered */
} fetch_config;

typedef struct fetch_result {
    char bank_path[4096], session_path[4096]; /* the cached files the kiosk opens */
    char session_id[33];
    bool cached;           /* the core did not answer: the files come from the cache */
    char note[WHY_SIZE];   /* why the cache was used, or why this session of several
                              was taken ("" when neither) */
} fetch_result;

/* Asks the core at c->core_url for the sessions it offers, picks c->session_id
 * (or the only one, or of several the one the cache names `current`: a kiosk
 * restarted during its sitting), downloads its bank and session file (at most
 * FETCH_BANK_MAX and FETCH_SESSION_MAX bytes; a cached file whose SHA-256 is
 * the one offered is taken from the cache instead), checks them -- the bank's id
 * and its seal against c->authority_pub, the session's id and that it belongs
 * to the bank (its MAC is checked when the token opens it) -- and caches them
 * in STATE/cache (0700) as BANKID.bank and SESSIONID.session, each written
 * whole (temporary file, fsync, rename, 0600), with `current` naming the
 * session. When the core cannot be reached, the cached files of c->session_id
 * (or of `current`) are checked the same way and used instead. Fills *out;
 * 0, or -1 with a one-line why (a download that does not verify is refused,
 * the cache left as it was). Never prints. */
int fetch_files(const fetch_config *c, fetch_result *out, char *why);

/* The session picked from the offer: ids, and the SHA-256 of the files. */
typedef struct fetch_offer {
    char sid[33], bid[33], session_sha[65], bank_sha[65];
    bool by_current; /* several offered: the one the cache sat last */
} fetch_offer;

/* Picks the session to fetch from the core's offer (len bytes of JSON
 * {"version": PROTO_OFFER_VERSION, "sessions": [{"session", "bank", "exam", "session_sha256",
 * "bank_sha256"}...]}): `want`, or the only one, or of several the one of
 * id `current` (the cache sat it last; "" none). Fills *o (ids of 32 hex,
 * digests of 64 hex or ""); 0, or -1 with why. */
int fetch_offer_pick(const char *offer, size_t len, const char *want, const char *current,
                     fetch_offer *o, char *why);

#endif
