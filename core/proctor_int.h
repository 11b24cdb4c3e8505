/* proctor_int.h -- inside the proctor module: its state, shared by proctor.c (sign-in) and
 * proctor_room.c (the room, actions, streams). Only core/proctor*.c include this. */
#ifndef KISI_PROCTOR_INT_H
#define KISI_PROCTOR_INT_H

#include <pthread.h>
#include <stdbool.h>

#include "proctor.h"

#define PROCTOR_RESULTS_CACHE 8      /* sessions whose result counts are kept */
#define PROCTOR_RESULTS_MS 2000      /* how long result counts are trusted unread */

typedef struct proctor_cookie {
    bool used;
    char hex[65];
    proctor_who who;
} proctor_cookie;

/* What became of the results one kiosk uploaded in one session. */
typedef struct proctor_count {
    char kiosk[65];
    int sent, refused, waiting;
} proctor_count;

typedef struct proctor_results {
    char session[33];
    int64_t read_ms;         /* 0: the slot is empty */
    proctor_count *v;
    size_t n, cap;
} proctor_results;

struct proctor {
    core_ctx *c;             /* borrowed */
    seats *r;                /* borrowed */
    pthread_mutex_t mu;      /* guards the rest */
    proctor_cookie cookies[PROCTOR_COOKIES_MAX];
    int streams;             /* live streams */
    proctor_results results[PROCTOR_RESULTS_CACHE];
};

#endif
