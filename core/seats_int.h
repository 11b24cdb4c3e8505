/* seats_int.h -- inside the room: a seat and the room's table, shared by seats.c (states and
 * commands) and seats_view.c (views, a seat's events, waiting for changes). Only core/seats*.c
 * include this. */
#ifndef KISI_SEATS_INT_H
#define KISI_SEATS_INT_H

#include <pthread.h>
#include <stdbool.h>

#include "roomlog.h"
#include "seats.h"

#define LABEL_MAX 32  /* bytes of a seat label, a screen, a program version, a session id */
#define NAME_MAX_ 64  /* bytes of a participant's name */
#define LEASE_MAX 16  /* bytes of a lease state */

typedef struct seat {
    char kiosk[65];
    char label[LABEL_MAX + 1];
    long long seq;            /* the last state's sequence number taken */
    int64_t seen_ms;          /* when it was taken (core clock) */
    int64_t approved_until;   /* approval read from the store, trusted until then */
    char *state;              /* the last state's body, as signed */
    char session[LABEL_MAX + 1], nip[LABEL_MAX + 1], screen[LABEL_MAX + 1];
    char lease[LEASE_MAX + 1];
    int incidents, outbox;    /* of the last state */
    long long cmd_seq;        /* the last command number given to this kiosk */
    int nq;
    long long qseq[SEATS_QUEUE_MAX];
    char qkind[SEATS_QUEUE_MAX][12];
    char *queue[SEATS_QUEUE_MAX]; /* signed commands not yet acknowledged, as JSON */
    roomlog_facts facts;      /* of the last state, for the room log */
    bool dirty;               /* changed since last given to the room log to keep */
    bool offline;             /* logged offline: no state for ROOMLOG_OFFLINE_MS */
} seat;

struct seats {
    pthread_mutex_t mu;
    store *st;                /* borrowed */
    const core_signer *signer; /* borrowed */
    seat **seats;             /* in order of first state */
    size_t n, cap;
    size_t *index;            /* open addressing over seats: slot holds i + 1, 0 empty */
    size_t slots;             /* a power of two, at least twice n */
    pthread_cond_t changed;   /* broadcast when gen moves or the room halts */
    uint64_t gen;             /* counts the changes */
    bool halted;
    roomlog *log;             /* the room log, and the seats kept in the store */
};

/* The seat of kiosk, or NULL. Under r->mu. */
seat *seats_find(seats *r, const char *kiosk);
/* Moves r->gen on and wakes the seats_wait callers. Under r->mu. */
void seats_changed(seats *r);

#endif
