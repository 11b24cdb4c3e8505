/* store_sqlite_room.c -- the SQLite store's exam room: seats, waiting commands, the room log. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "store_int.h"
#include "why.h"

#define Q(n) "?" #n

/* Runs the statements of a batch inside the caller's write. */
static int room_batch(sqlite_store *ss, const store_room_batch *b, char *why)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < b->ncmds; i++) {
        const store_room_cmd *c = &b->cmds[i];
        rc = c->json ? sqlite_exec(ss, "keeping a room command", why, STORE_SQL_ROOM_CMD_PUT(Q),
                                   "tlttl", c->kiosk, (int64_t)c->seq, c->kind, c->json,
                                   c->queued_ms)
                     : sqlite_exec(ss, "forgetting acknowledged commands", why,
                                   STORE_SQL_ROOM_CMD_ACK(Q), "tl", c->kiosk, (int64_t)c->seq);
    }
    for (size_t i = 0; !rc && i < b->nseats; i++) {
        const store_room_seat *x = &b->seats[i];
        rc = sqlite_exec(ss, "keeping a seat", why, STORE_SQL_ROOM_SEAT_PUT(Q), "tttlllt",
                         x->kiosk, x->seat, x->session, (int64_t)x->seq, x->seen_ms,
                         (int64_t)x->cmd_seq, x->state);
    }
    for (size_t i = 0; !rc && i < b->nlog; i++) {
        const store_room_entry *e = &b->log[i];
        rc = sqlite_exec(ss, "writing the room log", why, STORE_SQL_ROOM_LOG_PUT(Q),
                         "ttttllttt", e->session, e->kiosk, e->seat, e->nip, e->core_ms,
                         e->kiosk_ms, e->kind, e->detail, e->actor);
    }
    return rc;
}

int sqlite_room_write(store *s, const store_room_batch *b, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    if (sqlite_begin(ss, true, why)) return -1;
    return sqlite_end(ss, true, room_batch(ss, b, why), why);
}

int sqlite_room_load(store *s, int (*seat_fn)(const store_room_seat *seat, void *arg),
                     int (*cmd_fn)(const store_room_cmd *cmd, void *arg), void *arg, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows seats = {0}, cmds = {0};
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &seats, "reading the seats", why, STORE_SQL_ROOM_SEATS, "");
    if (!rc)
        rc = sqlite_select(ss, &cmds, "reading the room commands", why, STORE_SQL_ROOM_CMDS, "");
    sqlite_end(ss, false, rc, why);
    for (size_t i = 0; !rc && i < seats.n; i++) {
        store_room_seat x = {STORE_CELL_TEXT(&seats, i, 0), STORE_CELL_TEXT(&seats, i, 1),
                             STORE_CELL_TEXT(&seats, i, 2), STORE_CELL_NUM(&seats, i, 3),
                             STORE_CELL_NUM(&seats, i, 4), STORE_CELL_NUM(&seats, i, 5),
                             STORE_CELL_TEXT(&seats, i, 6)};
        if ((rc = seat_fn(&x, arg)) != 0) why_set(why, STORE_STOPPED);
    }
    for (size_t i = 0; !rc && i < cmds.n; i++) {
        store_room_cmd c = {STORE_CELL_TEXT(&cmds, i, 0), STORE_CELL_NUM(&cmds, i, 1),
                            STORE_CELL_TEXT(&cmds, i, 2), STORE_CELL_TEXT(&cmds, i, 3),
                            STORE_CELL_NUM(&cmds, i, 4)};
        if ((rc = cmd_fn(&c, arg)) != 0) why_set(why, STORE_STOPPED);
    }
    sqlite_rows_free(&seats);
    sqlite_rows_free(&cmds);
    return rc;
}

int sqlite_room_log_each(store *s, const char *session, const char *kiosk, size_t last,
                         int (*fn)(const store_room_entry *e, void *arg), void *arg, char *why)
{
    sqlite_store *ss = (sqlite_store *)s;
    sqlite_rows r;
    int64_t limit = last && last < INT64_MAX ? (int64_t)last : -1; /* -1: no limit */
    if (sqlite_begin(ss, false, why)) return -1;
    int rc = sqlite_select(ss, &r, "reading the room log", why,
                           kiosk[0] ? STORE_SQL_ROOM_LOG_OF_KIOSK(Q)
                                    : STORE_SQL_ROOM_LOG_OF_SESSION(Q),
                           "ttl", kiosk, session, limit);
    sqlite_end(ss, false, rc, why);
    for (size_t i = 0; !rc && i < r.n; i++) {
        store_room_entry e = {STORE_CELL_NUM(&r, i, 0), STORE_CELL_TEXT(&r, i, 1),
                              STORE_CELL_TEXT(&r, i, 2), STORE_CELL_TEXT(&r, i, 3),
                              STORE_CELL_TEXT(&r, i, 4), STORE_CELL_NUM(&r, i, 5),
                              STORE_CELL_NUM(&r, i, 6), STORE_CELL_TEXT(&r, i, 7),
                              STORE_CELL_TEXT(&r, i, 8), STORE_CELL_TEXT(&r, i, 9)};
        if ((rc = fn(&e, arg)) != 0) why_set(why, STORE_STOPPED);
    }
    sqlite_rows_free(&r);
    return rc;
}
