/* roomlog.c -- the room log's queue and its writing thread: entries and seat rows in batches. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "clk.h"
#include "hex.h"
#include "log.h"
#include "roomlog.h"

enum { OP_SEAT, OP_CMD, OP_LOG };

/* One row waiting: its strings live in text, after the struct. */
typedef struct op {
    struct op *next;
    int kind;                 /* OP_SEAT, OP_CMD, OP_LOG */
    union {
        store_room_seat seat;
        store_room_cmd cmd;
        store_room_entry log;
    } u;
    char text[];
} op;

struct roomlog {
    store *st;                /* borrowed */
    pthread_mutex_t mu;       /* the queue, stop, tick and now */
    pthread_cond_t cv;        /* stop was set */
    pthread_mutex_t write_mu; /* one write at a time, in the order queued */
    op *head, **tail;
    size_t n;                 /* rows queued */
    size_t inflight;          /* rows taken by the write under way */
    unsigned long dropped;    /* entries dropped since the last write that succeeded */
    bool failing;             /* the last write failed (said once in the core's log) */
    bool stop;
    bool started;
    pthread_t thread;
    void (*tick)(void *arg);
    void *tick_arg;
    int64_t (*now)(void);
};

int64_t roomlog_now(roomlog *rl)
{
    pthread_mutex_lock(&rl->mu);
    int64_t (*now)(void) = rl->now;
    pthread_mutex_unlock(&rl->mu);
    return now();
}

void roomlog_set_clock(roomlog *rl, int64_t (*now)(void))
{
    pthread_mutex_lock(&rl->mu);
    rl->now = now ? now : clk_wall_ms;
    pthread_mutex_unlock(&rl->mu);
}

void roomlog_on_tick(roomlog *rl, void (*fn)(void *arg), void *arg)
{
    pthread_mutex_lock(&rl->mu);
    rl->tick = fn;
    rl->tick_arg = arg;
    pthread_mutex_unlock(&rl->mu);
}

/* A row of `kind` holding copies of the n strings of in (NULL as ""), the
 * copies' addresses in out. Caller frees; NULL out of memory. */
static op *op_new(int kind, size_t n, const char *const *in, const char **out)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++) len += strlen(in[i] ? in[i] : "") + 1;
    op *o = calloc(1, sizeof(op) + len);
    if (!o) return NULL;
    o->kind = kind;
    char *at = o->text;
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(in[i] ? in[i] : "");
        memcpy(at, in[i] ? in[i] : "", k + 1);
        out[i] = at;
        at += k + 1;
    }
    return o;
}

/* Appends o (taken) to the queue; with `bounded`, drops it when the queue
 * is full. 0, or -1 (dropped). */
static int op_push(roomlog *rl, op *o, bool bounded)
{
    pthread_mutex_lock(&rl->mu);
    bool full = bounded && rl->n + rl->inflight >= ROOMLOG_QUEUE_MAX;
    if (full) {
        rl->dropped++;
    } else {
        *rl->tail = o;
        rl->tail = &o->next;
        rl->n++;
    }
    pthread_mutex_unlock(&rl->mu);
    if (full) free(o);
    return full ? -1 : 0;
}

int roomlog_add(roomlog *rl, const char *session, const char *kiosk, const char *seat,
                const char *nip, int64_t kiosk_ms, const char *kind, const char *detail,
                const char *actor)
{
    if (!rl || !kind || !kind[0]) return -1;
    if (!detail || !detail[0]) detail = "{}";
    json_t *d = strlen(detail) <= ROOMLOG_DETAIL_MAX ? json_loads(detail, 0, NULL) : NULL;
    bool object = json_is_object(d);
    json_decref(d);
    if (!object) return -1;
    const char *in[] = {session, kiosk, seat, nip, kind, detail, actor ? actor : "core"}, *out[7];
    op *o = op_new(OP_LOG, 7, in, out);
    if (!o) return -1;
    o->u.log = (store_room_entry){0, out[0], out[1], out[2], out[3], roomlog_now(rl), kiosk_ms,
                                  out[4], out[5], out[6]};
    return op_push(rl, o, true);
}

int roomlog_keep_seat(roomlog *rl, const store_room_seat *seat)
{
    /* a row the store would refuse would hold up every write after it */
    if (!hex_valid(seat->kiosk, 64) || !seat->state || strlen(seat->seat ? seat->seat : "") > 64 ||
        strlen(seat->session ? seat->session : "") > 64)
        return -1;
    const char *in[] = {seat->kiosk, seat->seat, seat->session, seat->state}, *out[4];
    op *o = op_new(OP_SEAT, 4, in, out);
    if (!o) return -1;
    o->u.seat = *seat;
    o->u.seat.kiosk = out[0];
    o->u.seat.seat = out[1];
    o->u.seat.session = out[2];
    o->u.seat.state = out[3];
    return op_push(rl, o, false);
}

int roomlog_keep_command(roomlog *rl, const store_room_cmd *cmd)
{
    if (!hex_valid(cmd->kiosk, 64)) return -1;
    const char *in[] = {cmd->kiosk, cmd->kind, cmd->json}, *out[3];
    op *o = op_new(OP_CMD, 3, in, out);
    if (!o) return -1;
    o->u.cmd = *cmd;
    o->u.cmd.kiosk = out[0];
    o->u.cmd.kind = out[1];
    o->u.cmd.json = cmd->json ? out[2] : NULL;
    return op_push(rl, o, false);
}

size_t roomlog_backlog(roomlog *rl)
{
    pthread_mutex_lock(&rl->mu);
    size_t n = rl->n + rl->inflight;
    pthread_mutex_unlock(&rl->mu);
    return n;
}

static void ops_free(op *o)
{
    while (o) {
        op *next = o->next;
        free(o);
        o = next;
    }
}

/* Writes the rows of list (n of them) in one batch; 0, or -1 with why. */
static int write_rows(roomlog *rl, op *list, size_t n, char *why)
{
    store_room_seat *seats = calloc(n, sizeof *seats);
    store_room_cmd *cmds = calloc(n, sizeof *cmds);
    store_room_entry *log = calloc(n, sizeof *log);
    store_room_batch b = {seats, 0, cmds, 0, log, 0};
    int rc = seats && cmds && log ? 0 : why_set(why, "room log: out of memory");
    for (op *o = list; !rc && o; o = o->next) {
        if (o->kind == OP_SEAT) seats[b.nseats++] = o->u.seat;
        else if (o->kind == OP_CMD) cmds[b.ncmds++] = o->u.cmd;
        else log[b.nlog++] = o->u.log;
    }
    if (!rc) rc = store_room_write(rl->st, &b, why);
    free(seats);
    free(cmds);
    free(log);
    return rc;
}

int roomlog_flush(roomlog *rl, char *why)
{
    pthread_mutex_lock(&rl->write_mu);
    pthread_mutex_lock(&rl->mu);
    op *list = rl->head;
    size_t n = rl->n;
    unsigned long dropped = rl->dropped;
    rl->head = NULL;
    rl->tail = &rl->head;
    rl->n = 0;
    rl->inflight = n;
    pthread_mutex_unlock(&rl->mu);
    char w[WHY_SIZE] = "";
    int rc = n ? write_rows(rl, list, n, w) : 0;
    pthread_mutex_lock(&rl->mu);
    rl->inflight = 0;
    if (rc) {
        /* what the store refused goes back before what came meanwhile */
        op **end = &list;
        while (*end) end = &(*end)->next;
        *end = rl->head;
        if (!rl->head) rl->tail = end;
        rl->head = list;
        rl->n += n;
        list = NULL;
    } else {
        rl->dropped -= dropped;
    }
    bool was_failing = rl->failing;
    rl->failing = rc != 0;
    pthread_mutex_unlock(&rl->mu);
    pthread_mutex_unlock(&rl->write_mu);
    ops_free(list);
    /* one line when writing starts failing, one when it works again */
    if (rc && !was_failing)
        core_log(CORE_LOG_ERR, "room-log: cannot write the room (%zu rows wait): %s", n, w);
    else if (!rc && (was_failing || dropped))
        core_log(CORE_LOG_WARNING, "room-log: the room is written again; %lu log entries were"
                 " dropped while the queue was full", dropped);
    if (rc) why_set(why, "%s", w);
    return rc;
}

int roomlog_sync(roomlog *rl, char *why)
{
    pthread_mutex_lock(&rl->mu);
    void (*tick)(void *) = rl->tick;
    void *tick_arg = rl->tick_arg;
    pthread_mutex_unlock(&rl->mu);
    if (tick) tick(tick_arg);
    return roomlog_flush(rl, why);
}

/* The writing thread: a tick and a write every ROOMLOG_FLUSH_MS, and a
 * last one when stopped. */
static void *writer(void *arg)
{
    roomlog *rl = arg;
    for (;;) {
        pthread_mutex_lock(&rl->mu);
        if (!rl->stop) {
            struct timespec until = clk_mono_at(clk_mono_ms() + ROOMLOG_FLUSH_MS);
            while (!rl->stop && pthread_cond_timedwait(&rl->cv, &rl->mu, &until) != ETIMEDOUT) {
            }
        }
        bool stop = rl->stop;
        pthread_mutex_unlock(&rl->mu);
        roomlog_sync(rl, NULL);
        if (stop) return NULL;
    }
}

roomlog *roomlog_new(store *st, char *why)
{
    roomlog *rl = calloc(1, sizeof *rl);
    if (!rl) {
        why_set(why, "room log: out of memory");
        return NULL;
    }
    rl->st = st;
    rl->tail = &rl->head;
    rl->now = clk_wall_ms;
    pthread_mutex_init(&rl->mu, NULL);
    pthread_mutex_init(&rl->write_mu, NULL);
    clk_cond_init(&rl->cv);
    int e = pthread_create(&rl->thread, NULL, writer, rl);
    if (e) {
        why_set(why, "room log: cannot start its thread: %s", strerror(e));
        roomlog_free(rl);
        return NULL;
    }
    rl->started = true;
    return rl;
}

void roomlog_free(roomlog *rl)
{
    if (!rl) return;
    if (rl->started) {
        pthread_mutex_lock(&rl->mu);
        rl->stop = true;
        pthread_cond_signal(&rl->cv);
        pthread_mutex_unlock(&rl->mu);
        pthread_join(rl->thread, NULL);
    }
    ops_free(rl->head);
    pthread_cond_destroy(&rl->cv);
    pthread_mutex_destroy(&rl->write_mu);
    pthread_mutex_destroy(&rl->mu);
    free(rl);
}

store *roomlog_store(roomlog *rl)
{
    return rl->st;
}
