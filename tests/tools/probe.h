/* probe.h -- room_gen's latency probe: one seat's state carries a mark (in "flagged" and as
 * its NIP), and a watcher of its own sees the room as a proctor does (the SSE stream after
 * a sign-in with the proctor code, or GET /v1/room polled with the operator's token). */
#ifndef KISI_PROBE_H
#define KISI_PROBE_H

#include <stdbool.h>

#define PROBE_NIP 33   /* a mark as a NIP, with its NUL */

typedef struct probe probe;

/* What probe_step() says. */
typedef enum probe_news {
    PROBE_IDLE,     /* nothing to do */
    PROBE_NEW,      /* a new mark: the seat sends its state now */
    PROBE_SEEN,     /* the proctor saw the mark: probe_last() tells the sample */
    PROBE_LOST,     /* not seen within 5 s */
    PROBE_DONE,     /* every sample taken */
    PROBE_FAILED    /* the watcher failed: probe_last() says why */
} probe_news;

/* A probe of `samples` marks on seat `seat` of the core at `core`: its watcher
 * signs in with the secret in `secret_file` (the proctor code when sse, else
 * the operator token) and starts at once; the samples begin once `wait_file`
 * (may be NULL) exists. Caller ends it with probe_end(). NULL with why. */
probe *probe_new(const char *core, const char *seat, const char *secret_file, bool sse,
                 int samples, const char *wait_file, char *why);

/* One step: room_ready when every kiosk of the room is approved. */
probe_news probe_step(probe *p, bool room_ready);

/* The mark the seat sends now (0 none). */
long long probe_mark(const probe *p);

/* The mark m as the NIP the seat sends (one NIP a mark, of a NIP's form). */
void probe_nip(long long m, char nip[PROBE_NIP]);

/* The seat's state carrying the mark left now / its answer came. */
void probe_sent(probe *p);
void probe_answered(probe *p);

/* The last sample in one line (NIP, wall clock sent, latency), or why it failed. */
const char *probe_last(const probe *p);

/* Stops the watcher, prints the figures (p50, p99 beside the empty round
 * trip) for a room of `kiosks`, frees p. 0, or 1 when no sample was taken. */
int probe_end(probe *p, int kiosks);

#endif
