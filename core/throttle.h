/* throttle.h -- slows down guessing of the operator's token: per-address back-off and a global ceiling. */
#ifndef KISI_THROTTLE_H
#define KISI_THROTTLE_H

#include <stdint.h>
#include <sys/socket.h>

#define THROTTLE_FREE 5          /* failed tries an address has before it must wait */
#define THROTTLE_WAIT_MAX 300    /* the longest wait of one address, in seconds */
#define THROTTLE_GLOBAL 60       /* failed tries of all addresses together in one minute */
#define THROTTLE_ADDRESSES 256   /* addresses remembered (the oldest is forgotten first) */

typedef struct throttle throttle;

/* A throttle remembering no failure. Caller frees with throttle_free(). NULL
 * when out of memory. */
throttle *throttle_new(void);
void throttle_free(throttle *t);

/* Seconds the address sa must wait before its next try is checked at all
 * (0: check it now). An address waits after THROTTLE_FREE failed tries, 1 s
 * after the next failure, then twice as long after each further one (at
 * most THROTTLE_WAIT_MAX); every address waits until the minute ends once
 * THROTTLE_GLOBAL tries failed within it. */
unsigned throttle_wait(throttle *t, const struct sockaddr *sa, int64_t now_ms);
/* Counts a failed try of sa; returns the seconds it must now wait (0 none). */
unsigned throttle_failed(throttle *t, const struct sockaddr *sa, int64_t now_ms);
/* A try of sa passed: its failures are forgotten. */
void throttle_passed(throttle *t, const struct sockaddr *sa);

#endif
