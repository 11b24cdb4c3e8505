/* proctor.h -- the proctor at the core: sign-in with the session's proctor code, cookies, the
 * room as the proctor of one session sees it, actions and the live stream. Thread-safe. */
#ifndef KISI_PROCTOR_H
#define KISI_PROCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ingest.h"
#include "seats.h"
#include "why.h"

#define PROCTOR_COOKIE_MS (12LL * 3600 * 1000) /* a sign-in lasts 12 hours */
#define PROCTOR_COOKIES_MAX 256   /* live sign-ins; the one expiring first goes for a new one */
#define PROCTOR_TRY_SESSIONS 16   /* sessions a code is tried on when the sign-in names none */
#define PROCTOR_OFFLINE_MS 10000  /* a seat with no state for this long is "offline" */
#define PROCTOR_STREAMS_MAX 32    /* live streams at once */
#define PROCTOR_STREAM_GAP_MS 250 /* at most 4 room events a second on one stream */
#define PROCTOR_KEEPALIVE_MS 15000 /* a comment on a quiet stream this often */

typedef struct proctor proctor;

/* The proctor's sign-in over core c and room r (both borrowed: they must
 * outlive it). Caller frees with proctor_free(), which wipes the cookies.
 * NULL with why when out of memory. */
proctor *proctor_new(core_ctx *c, seats *r, char *why);
void proctor_free(proctor *p);

/* Whom a cookie signs in. */
typedef struct proctor_who {
    char session[33];
    char exam[65];
    int64_t expires_ms;
} proctor_who;

/* Signs in with the proctor code `code` (len bytes; case, spaces and dashes
 * ignored) of `session`, or with session NULL or "" of one of the sessions
 * whose seats are in the room or stored (at most PROCTOR_TRY_SESSIONS
 * tried). 1 signed in: cookie gets 64 hex + NUL and who the session; 0 the
 * code opens no session tried; -1 with why (the store failed). */
int proctor_login(proctor *p, const char *code, size_t len, const char *session, int64_t now_ms,
                  char cookie[65], proctor_who *who, char *why);

/* 1 when cookie is a live sign-in (who filled), else 0. NULL cookie: 0. */
int proctor_check(proctor *p, const char *cookie, int64_t now_ms, proctor_who *who);

/* Forgets the sign-in of cookie (wiped); no-op when unknown. */
void proctor_logout(proctor *p, const char *cookie);

/* The room of who's session: {"now","session","exam","seats":[{"kiosk",
 * "seat","seen","queued","state","attention":[...],"lease","results":
 * {"waiting","sent","refused"}}...]}, seats needing attention first, then by
 * label. Caller frees; NULL when out of memory or the store fails. */
char *proctor_room_json(proctor *p, const proctor_who *who, int64_t now_ms);

/* An action of the proctor of who's session: the JSON body (len bytes)
 * {"kind", "seat" or "all": true, "minutes", "reason", "to", "text"}.
 * Returns the commands queued (>= 0) with *status 202, or -1 with *status
 * (400 malformed, 403 other-session, 404 unknown-seat, 409 queue-full,
 * 500), code (32 bytes) and why. */
int proctor_action(proctor *p, const proctor_who *who, const char *body, size_t len,
                   int64_t now_ms, int *status, char *code, char *why);

/* One live stream of the room of one proctor (text/event-stream). */
typedef struct proctor_stream proctor_stream;

/* A stream for the sign-in `cookie`, or NULL when PROCTOR_STREAMS_MAX are
 * live or out of memory. A quiet stream says a comment every keepalive_ms
 * (0 or more than PROCTOR_KEEPALIVE_MS: PROCTOR_KEEPALIVE_MS; less, so that
 * the server's deadlines do not cut it). `alive` (may be NULL) tells, with
 * `arg`, whether the browser is still there: asked every second while the
 * room is quiet, the stream ends when it says no. Caller ends it with
 * proctor_stream_end(). */
proctor_stream *proctor_stream_begin(proctor *p, const char *cookie, const proctor_who *who,
                                     int64_t keepalive_ms, bool (*alive)(void *arg), void *arg);
void proctor_stream_end(proctor_stream *s);

/* Fills buf (cap bytes, at least 64) with what the stream says next: the
 * room at once, then after each change of the room (at most every
 * PROCTOR_STREAM_GAP_MS, and when a seat goes offline), a comment after
 * its keepalive of quiet. Blocks until there is something. Returns
 * the bytes written; 0 when the stream is over (the room halted, the
 * sign-in ended or out of memory). */
size_t proctor_stream_read(proctor_stream *s, char *buf, size_t cap);

#endif
