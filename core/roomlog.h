/* roomlog.h -- the exam room's log and its persistence: entries and seat rows queued by any
 * module, written to the store in batches by one thread; a seat's events; the sitting report. */
#ifndef KISI_ROOMLOG_H
#define KISI_ROOMLOG_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ingest.h"
#include "store.h"
#include "why.h"

#define ROOMLOG_FLUSH_MS 1000      /* the queue is written at least this often */
#define ROOMLOG_QUEUE_MAX 100000   /* entries waiting (the store down): beyond, log entries
                                      are dropped and counted, seat rows wait in seats.c */
#define ROOMLOG_SEAT_LAST 500      /* events roomlog_seat() gives, the latest */
#define ROOMLOG_DETAIL_MAX 2048    /* bytes of an entry's detail (JSON object) */

/* Kinds of entries the core writes from the kiosks' states (seats.c), with
 * their detail: */
#define ROOMLOG_ONLINE "online"          /* {"away_ms":N} or {"first":true} */
#define ROOMLOG_OFFLINE "offline"        /* {"seen":MS}: no state for ROOMLOG_OFFLINE_MS */
#define ROOMLOG_ARRIVED "arrived"        /* {"nip","name","attempt"}: identified on the seat */
#define ROOMLOG_LEFT "left"              /* {"nip"}: the seat has no participant any more */
#define ROOMLOG_SCREEN "screen"          /* {"from","to"} */
#define ROOMLOG_INCIDENT "incident"      /* {"incidents":N,"was":M} the count went up */
#define ROOMLOG_LEASE "lease"            /* {"from","to"} the state's lease changed */
#define ROOMLOG_DELIVERY "delivery"      /* {"from","to"} delivery left or reached
                                            connecting/delivering (refused, unreachable...) */
#define ROOMLOG_DONE "command-done"      /* {"cmd":SEQ,"kind":K} acknowledged by the kiosk */
/* Each command queued for a kiosk (seats.c) is logged under its kind ("message",
 * "extend", "pause", "resume", "authorise", "lock", "unlock", "release", "move-out",
 * "end") with the actor who asked ("proctor", "operator") and the detail {"cmd":SEQ,
 * "text":T} plus, as the kind has them, "minutes", "to" (the seat moved to) and "nip":
 * one entry per seat, so an action for the whole room is one entry per seat. The
 * proctor's actions need no entry of their own; roomlog_report() sorts these kinds. */
#define ROOMLOG_OFFLINE_MS 10000

typedef struct roomlog roomlog;

/* A log over store st (borrowed: must outlive it), with its writing thread
 * started. Caller frees with roomlog_free(). NULL with why. */
roomlog *roomlog_new(store *st, char *why);
/* Stops the thread after a last tick and write (see roomlog_on_tick), frees. */
void roomlog_free(roomlog *rl);

/* fn(arg) is called by the writing thread before each write, without the
 * log's lock: seats.c queues its changed seats there. Set once, before use. */
void roomlog_on_tick(roomlog *rl, void (*fn)(void *arg), void *arg);
/* The clock of the entries' core_ms (clk_wall_ms unless set: tests). */
void roomlog_set_clock(roomlog *rl, int64_t (*now)(void));
int64_t roomlog_now(roomlog *rl);

/* Queues one entry; never waits for the store. Texts are copied (NULL is
 * ""; actor NULL is "core"); detail is a JSON object's text (NULL: {}), at
 * most ROOMLOG_DETAIL_MAX bytes. 0, or -1 when dropped (queue full, out of
 * memory, a detail not a JSON object). */
int roomlog_add(roomlog *rl, const char *session, const char *kiosk, const char *seat,
                const char *nip, int64_t kiosk_ms, const char *kind, const char *detail,
                const char *actor);
/* Queues a seat row, a command queued or acknowledged (store.h), copied.
 * 0, or -1 out of memory or a row the store would refuse (a kiosk key not
 * 64 hex, a seat or session over 64 bytes, no state). */
int roomlog_keep_seat(roomlog *rl, const store_room_seat *seat);
int roomlog_keep_command(roomlog *rl, const store_room_cmd *cmd);
/* The store it writes to (borrowed). */
store *roomlog_store(roomlog *rl);
/* Rows waiting to be written. */
size_t roomlog_backlog(roomlog *rl);
/* Writes what waits now (the thread does it every ROOMLOG_FLUSH_MS); what
 * the store refuses stays queued. 0, or -1 with why. */
int roomlog_flush(roomlog *rl, char *why);

/* What of a kiosk's state the log follows (read from a state's JSON). */
typedef struct roomlog_facts {
    char session[33], nip[33], name[65], screen[33], lease[17], delivery[33];
    long long attempt, incidents;
} roomlog_facts;

/* Reads the facts of a state object (fields missing or of another type
 * read as "" or 0; texts cut to fit). */
void roomlog_facts_of(const json_t *state, roomlog_facts *f);
/* Queues the entries of what changed on the seat of kiosk from `was` to
 * `now` (was NULL: the kiosk's first state), kiosk_ms the new state's seq. */
void roomlog_changes(roomlog *rl, const char *kiosk, const char *seat, int64_t kiosk_ms,
                     const roomlog_facts *was, const roomlog_facts *now);

/* A tick (roomlog_on_tick) and a write now, as the thread does: for a
 * caller that must find everything written (tests, a report). 0, or -1. */
int roomlog_sync(roomlog *rl, char *why);

/* The events of kiosk (64 hex), of `session` only unless "" or NULL: JSON
 * {"events":[{"core_ms","kiosk_ms","kind","detail","actor","seat","nip"}...]},
 * the last ROOMLOG_SEAT_LAST, oldest first. Caller frees; NULL with why. */
char *roomlog_seat(roomlog *rl, const char *session, const char *kiosk, char *why);

/* The sitting report of `session` (the berita acara and the attendance
 * list), from the stored session's roster (c), the room log and the
 * results stored: JSON {"session","exam","title","start","end","now",
 * "present","absent","roster":[{"nip","name","present","seat","first_ms",
 * "results":[{"attempt","awarded","passed","received"}]}],"incidents",
 * "extensions","pauses","locks","moves","releases","ends":[EVENT...],
 * "results_sent":[{"nip","attempt","awarded","passed","received","kiosk"}]}
 * with EVENT {"core_ms","kiosk_ms","kind","detail","actor","seat","kiosk",
 * "nip"}. Caller frees; NULL with why (an unknown session says so). */
char *roomlog_report(roomlog *rl, core_ctx *c, const char *session, char *why);

#endif
