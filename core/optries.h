/* optries.h -- slows down guessing of the operator's token: per-address back-off and a global ceiling. */
#ifndef KISI_OPTRIES_H
#define KISI_OPTRIES_H

#include <stdint.h>
#include <sys/socket.h>

#define OPTRIES_FREE 5          /* failed tries an address has before it must wait */
#define OPTRIES_WAIT_MAX 300    /* the longest wait of one address, in seconds */
#define OPTRIES_GLOBAL 60       /* failed tries of all addresses together in one minute */
#define OPTRIES_ADDRESSES 256   /* addresses remembered (the oldest is forgotten first) */

typedef struct optries optries;

/* A record of operator-token tries remembering no failure. Caller frees with optries_free(). NULL
 * when out of memory. */
optries *optries_new(void);
void optries_free(optries *t);

/* Seconds the address sa must wait before its next try is checked at all
 * (0: check it now). An address waits after OPTRIES_FREE failed tries, 1 s
 * after the next failure, then twice as long after each further one (at
 * most OPTRIES_WAIT_MAX); every address waits until the minute ends once
 * OPTRIES_GLOBAL tries failed within it. */
unsigned optries_wait(optries *t, const struct sockaddr *sa, int64_t now_ms);
/* Counts a failed try of sa; returns the seconds it must now wait (0 none). */
unsigned optries_failed(optries *t, const struct sockaddr *sa, int64_t now_ms);
/* A try of sa passed: its failures are forgotten. */
void optries_passed(optries *t, const struct sockaddr *sa);

#endif
