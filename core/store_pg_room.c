/* store_pg_room.c -- the PostgreSQL store's exam room: seats, waiting commands, the room log. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <libpq-fe.h>

#include "store_int.h"
#include "why.h"

#define D(n) "$" #n

/* Runs the statements of a batch inside the transaction tx. */
static int room_batch(pg_tx *tx, const store_room_batch *b, char *why)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < b->ncmds; i++) {
        const store_room_cmd *c = &b->cmds[i];
        rc = pg_done(c->json ? pg_run(tx, "keeping a room command", why,
                                      STORE_SQL_ROOM_CMD_PUT(D), "tlttl", c->kiosk,
                                      (int64_t)c->seq, c->kind, c->json, c->queued_ms)
                             : pg_run(tx, "forgetting acknowledged commands", why,
                                      STORE_SQL_ROOM_CMD_ACK(D), "tl", c->kiosk,
                                      (int64_t)c->seq));
    }
    for (size_t i = 0; !rc && i < b->nseats; i++) {
        const store_room_seat *x = &b->seats[i];
        rc = pg_done(pg_run(tx, "keeping a seat", why, STORE_SQL_ROOM_SEAT_PUT(D), "tttlllt",
                            x->kiosk, x->seat, x->session, (int64_t)x->seq, x->seen_ms,
                            (int64_t)x->cmd_seq, x->state));
    }
    for (size_t i = 0; !rc && i < b->nlog; i++) {
        const store_room_entry *e = &b->log[i];
        rc = pg_done(pg_run(tx, "writing the room log", why, STORE_SQL_ROOM_LOG_PUT(D),
                            "ttttllttt", e->session, e->kiosk, e->seat, e->nip, e->core_ms,
                            e->kiosk_ms, e->kind, e->detail, e->actor));
    }
    return rc;
}

int pg_room_write(store *s, const store_room_batch *b, char *why)
{
    pg_tx tx;
    if (pg_begin((pg_store *)s, true, &tx, why)) return -1;
    return pg_end(&tx, room_batch(&tx, b, why), why);
}

int pg_room_load(store *s, int (*seat_fn)(const store_room_seat *seat, void *arg),
                 int (*cmd_fn)(const store_room_cmd *cmd, void *arg), void *arg, char *why)
{
    PGresult *seats = pg_once((pg_store *)s, "reading the seats", why, STORE_SQL_ROOM_SEATS, "");
    PGresult *cmds = seats ? pg_once((pg_store *)s, "reading the room commands", why,
                                     STORE_SQL_ROOM_CMDS, "")
                           : NULL;
    int rc = cmds ? 0 : -1;
    for (int i = 0; !rc && i < PQntuples(seats); i++) {
        store_room_seat x = {PQgetvalue(seats, i, 0), PQgetvalue(seats, i, 1),
                             PQgetvalue(seats, i, 2), pg_num(seats, i, 3), pg_num(seats, i, 4),
                             pg_num(seats, i, 5), PQgetvalue(seats, i, 6)};
        if ((rc = seat_fn(&x, arg)) != 0) why_set(why, STORE_STOPPED);
    }
    for (int i = 0; !rc && i < PQntuples(cmds); i++) {
        store_room_cmd c = {PQgetvalue(cmds, i, 0), pg_num(cmds, i, 1), PQgetvalue(cmds, i, 2),
                            PQgetvalue(cmds, i, 3), pg_num(cmds, i, 4)};
        if ((rc = cmd_fn(&c, arg)) != 0) why_set(why, STORE_STOPPED);
    }
    PQclear(seats);
    PQclear(cmds);
    return rc;
}

int pg_room_log_each(store *s, const char *session, const char *kiosk, size_t last,
                     int (*fn)(const store_room_entry *e, void *arg), void *arg, char *why)
{
    int64_t limit = last && last < INT64_MAX ? (int64_t)last : INT64_MAX;
    PGresult *res = pg_once((pg_store *)s, "reading the room log", why,
                            kiosk[0] ? STORE_SQL_ROOM_LOG_OF_KIOSK(D)
                                     : STORE_SQL_ROOM_LOG_OF_SESSION(D),
                            "ttl", kiosk, session, limit);
    int rc = res ? 0 : -1;
    for (int i = 0; !rc && i < PQntuples(res); i++) {
        store_room_entry e = {pg_num(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
                              PQgetvalue(res, i, 3), PQgetvalue(res, i, 4), pg_num(res, i, 5),
                              pg_num(res, i, 6), PQgetvalue(res, i, 7), PQgetvalue(res, i, 8),
                              PQgetvalue(res, i, 9)};
        if ((rc = fn(&e, arg)) != 0) why_set(why, STORE_STOPPED);
    }
    PQclear(res);
    return rc;
}
