/* room_wire.h -- what a simulated kiosk says to the core's room (room_gen, bench_room): the
 * state body of PROTO_STATE_VERSION and its signed HTTP request. */
#ifndef KISI_ROOM_WIRE_H
#define KISI_ROOM_WIRE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bank.h"
#include "proto.h"

/* A kiosk's state (docs/protocol.md, "Room state"); NULL texts are "". */
typedef struct wire_state {
    const char *seat, *screen, *nip, *name, *session, *lease, *delivery, *program;
    long long seq, ack, jseq, left_ms;
    int attempt, answered, flagged, total, incidents, outbox;
} wire_state;

/* The body of state s as a kiosk sends it: compact JSON, keys sorted, the
 * fields of version 2 too. Caller frees with free(); NULL when out of memory. */
static inline char *wire_state_body(const wire_state *s)
{
#define WIRE_TEXT(v) ((v) ? (v) : "")
    json_t *o = json_pack(
        "{s:i, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:i, s:i, s:i, s:i, s:I, s:i,"
        " s:i, s:s, s:s}",
        "version", PROTO_STATE_VERSION, "seq", (json_int_t)s->seq, "ack", (json_int_t)s->ack,
        "seat", WIRE_TEXT(s->seat), "screen", WIRE_TEXT(s->screen), "nip", WIRE_TEXT(s->nip),
        "name", WIRE_TEXT(s->name), "session", WIRE_TEXT(s->session), "lease",
        WIRE_TEXT(s->lease), "jseq", (json_int_t)s->jseq, "attempt", s->attempt, "answered",
        s->answered, "flagged", s->flagged, "total", s->total, "left_ms",
        (json_int_t)s->left_ms, "incidents", s->incidents, "outbox", s->outbox, "delivery",
        WIRE_TEXT(s->delivery), "program", WIRE_TEXT(s->program));
#undef WIRE_TEXT
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return text;
}

/* The whole HTTP/1.1 request POSTing body to PROTO_PATH_ROOM_STATE, signed
 * by k in the two headers, into *len bytes. Caller frees with free(); NULL
 * when out of memory or the signature fails. */
static inline char *wire_state_request(const bank_signer *k, const char *body, size_t *len)
{
    char sig[129];
    size_t n = strlen(body), cap = n + 512;
    if (bank_signer_sign(k, body, n, sig) != BANK_OK) return NULL;
    char *text = malloc(cap);
    if (!text) return NULL;
    int w = snprintf(text, cap,
                     "POST " PROTO_PATH_ROOM_STATE " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: " PROTO_TYPE_JSON "\r\n" PROTO_HEADER_KIOSK ": %s\r\n"
                     PROTO_HEADER_SIGNATURE ": %s\r\nContent-Length: %zu\r\n\r\n%s",
                     bank_signer_pub(k), sig, n, body);
    *len = (size_t)w;
    return text;
}

#endif
