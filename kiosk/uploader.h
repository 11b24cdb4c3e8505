/* uploader.h -- delivers the outbox's signed results to the grading core, in the background. */
#ifndef KISI_UPLOADER_H
#define KISI_UPLOADER_H

#include <stddef.h>

#include "bank.h"
#include "why.h"

#define UPLOADER_STATUS 160       /* a status line always fits in this many bytes */
#define UPLOADER_FILE_MAX (8u << 20)  /* a result file larger than this is refused locally */

/* Layout under the state folder STATE:
 *   STATE/outbox/NAME.json + NAME.sig   waiting (written by result_store())
 *   STATE/sent/NAME.json + NAME.sig     the core answered 201 stored or 200 duplicate
 *   STATE/refused/NAME.json + NAME.sig + NAME.reason
 *                                       the core refused it (4xx); NAME.reason is one
 *                                       line: "HTTP 422 score-mismatch: <reason>"
 * Files are only ever moved (rename, folders fsynced), never deleted. */
typedef struct uploader uploader;

struct klog;

/* Where delivery stands, for the proctor's footer and the log. */
typedef enum uploader_state {
    UPLOADER_OFF = 0,            /* no core configured: results stay on this PC (NULL uploader) */
    UPLOADER_CONNECTING,         /* no answer from the core yet */
    UPLOADER_OK,                 /* the core took everything offered so far */
    UPLOADER_UNREACHABLE,        /* no answer (network, core down): `net` and `reason` say why */
    UPLOADER_CORE_ERROR,         /* the core answered 5xx, 408 or 429 (`http`) */
    UPLOADER_AWAITING_APPROVAL,  /* enrolled and pending: `core kiosk approve <kiosk>` */
    UPLOADER_REVOKED,            /* the operator revoked this kiosk */
    UPLOADER_ENROL_REFUSED,      /* the core refused the enrolment (`http`, `reason`) */
    UPLOADER_DISK,               /* results cannot be filed on this PC's disk */
    UPLOADER_BAD_RECEIPT,        /* the core took a result without a valid receipt (`reason`):
                                    it stays queued */
    UPLOADER_CORE_KEY            /* the core answers with another key than the pinned one */
} uploader_state;

/* Why the core could not be reached (UPLOADER_UNREACHABLE). */
typedef enum uploader_net {
    UPLOADER_NET_NONE = 0,
    UPLOADER_NET_REFUSED,        /* the host answered, nothing listens on the port */
    UPLOADER_NET_NOROUTE,        /* no way to the host (network down, cable, address) */
    UPLOADER_NET_RESOLVE,        /* the host name is not known */
    UPLOADER_NET_TIMEOUT,        /* no answer in time (host down, cable, firewall) */
    UPLOADER_NET_TLS,            /* the secure connection failed (certificate) */
    UPLOADER_NET_OTHER           /* see `reason` */
} uploader_net;

#define UPLOADER_REASON 160      /* a reason line always fits in this many bytes */
#define UPLOADER_KIOSK_ID 9      /* the approval code "XXXX-XXXX" (kcode.h) naming the kiosk */

/* A snapshot of the uploader for the screen. */
typedef struct uploader_info {
    uploader_state state;
    uploader_net net;
    int queued;                  /* results waiting in the outbox, recounted every round */
    int refused;                 /* results the core refused since start (in STATE/refused) */
    int http;                    /* the core's last HTTP status, 0 = none */
    int retry_s;                 /* seconds to the next try, 0 = none planned */
    char kiosk[UPLOADER_KIOSK_ID + 1];      /* this kiosk's approval code, as `core kiosk
                                               approve` takes it */
    char reason[UPLOADER_REASON];           /* the current problem in one line, "" = none */
    char last_refused[UPLOADER_REASON];     /* "CODE: reason" of the last refused result */
} uploader_info;

/* Starts ONE background thread that talks to the core at `core_url`
 * ("http://host:port" or "https://...", a trailing '/' is fine):
 *   1. enrols the kiosk: GET /v1/challenge, then POST /v1/kiosks {"version",
 *      "pub", "name", "core", "challenge", "sig"} signed by `signer` (the
 *      kiosk key), until a 2xx answer. The core's key is pinned: `core_key`
 *      (a file of 64 hex, --core-key) when given, else STATE/core.pub, which
 *      the first enrolment writes with the key the core answers with; a core
 *      answering with another key is not talked to (UPLOADER_CORE_KEY);
 *   2. then, in name order, POSTs each outbox NAME.json with its NAME.sig to
 *      /v1/results and moves the pair to sent/ only on a 2xx answer carrying
 *      a receipt signed by the pinned key for exactly that record (its
 *      SHA-256, its signer, "stored" or "duplicate"); a 2xx without one keeps
 *      it queued (UPLOADER_BAD_RECEIPT, retried later). A 4xx refusal moves
 *      it to refused/. A 403 "kiosk-not-approved" or "unknown-kiosk" keeps
 *      everything in the outbox (the operator has yet to approve this kiosk;
 *      "unknown-kiosk" also enrols again); network errors, 5xx, 408 and 429
 *      are retried later.
 * Every round first recounts the outbox, so the count is current even while
 * the core is unreachable.
 * Retries back off exponentially: 1 s doubling to at most 60 s, plus a little
 * jitter; any answer that moves a file resets the delay. When the outbox is
 * empty the thread sleeps until uploader_kick() or a periodic rescan (30 s).
 * `signer` is borrowed and must outlive the uploader; `kiosk_name` is a
 * label for the operator (UTF-8, at most 120 bytes, no control or direction
 * character, e.g. "Lab 2, kiosk 7"). All strings are copied. `log`
 * (borrowed, may be NULL, must outlive the uploader) gets a line for each
 * result sent or refused and for each change of the delivery state
 * (enrolment, approval, an outage and its reason), never one per retry.
 * Calls curl_global_init() for the first uploader of the process.
 * Caller stops and frees with uploader_stop(). NULL with `why`
 * (WHY_SIZE bytes) set on error (bad URL, key or core key file, folders
 * that cannot be created, no thread). Never prints. */
uploader *uploader_start(const char *core_url, const char *state_dir, const bank_signer *signer,
                         const char *kiosk_name, const char *core_key, struct klog *log,
                         char *why);

/* The delays an uploader works with, in milliseconds. */
typedef struct uploader_timing {
    int backoff_min, backoff_max;   /* first retry delay, doubling up to the max */
    int idle_rescan;                /* an empty outbox is looked at again after this */
    int request;                    /* a request's whole time limit */
} uploader_timing;

/* The delays of every uploader started after this call: `t` is copied, NULL
 * restores the defaults (1 s, 60 s, 30 s, 15 s). Not thread-safe: call it
 * before uploader_start(). For tests that must tell a kick or a stop from a
 * delay running out, whatever the speed of the machine. */
void uploader_tune(const uploader_timing *t);

/* A new result was written to the outbox: wake the thread and try at once,
 * even in the middle of a back-off delay. Never blocks. NULL is a no-op. */
void uploader_kick(uploader *u);

/* Results (NAME.json files) waiting in the outbox as last counted by the
 * thread (at start, at every round and after every move). Thread-safe,
 * never blocks on the network. 0 for NULL. */
int uploader_queued(const uploader *u);

/* The state's short name, as the log and the room show it ("delivering",
 * "core-unreachable", ...). */
const char *uploader_state_name(uploader_state st);

/* Fills *out with where delivery stands. Thread-safe, never blocks on the
 * network. NULL `u` gives UPLOADER_OFF with nothing counted. */
void uploader_info_get(const uploader *u, uploader_info *out);

/* One line in English for a log or a terminal into buf (cap bytes, always
 * NUL-terminated when cap > 0), e.g. "all results delivered", "3 waiting;
 * connecting to the core", "3 waiting; core unreachable (connection
 * refused), retrying in 16 s", "3 waiting; kiosk 00112233aabbccdd waiting
 * for approval", "1 waiting; core error (HTTP 503), retrying in 4 s";
 * "; N refused by the core" is appended when results were refused since
 * start. Thread-safe, never blocks on the network. */
void uploader_status(const uploader *u, char *buf, size_t cap);

/* Stops the thread (aborting a request in flight, cutting a back-off short),
 * joins it (within about a second) and frees. Files stay where they are;
 * the last uploader of the process calls curl_global_cleanup(). NULL is a
 * no-op. */
void uploader_stop(uploader *u);

#endif
