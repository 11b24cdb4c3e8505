/* uploader.h -- delivers the outbox's signed results to the grading core, in the background. */
#ifndef KISI_UPLOADER_H
#define KISI_UPLOADER_H

#include <stddef.h>

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

/* Starts ONE background thread that talks to the core at `core_url`
 * ("http://host:port" or "https://...", a trailing '/' is fine):
 *   1. enrols the kiosk: POST /v1/kiosks {"pub","name"} until a 2xx answer;
 *   2. then, in name order, POSTs each outbox NAME.json with its NAME.sig to
 *      /v1/results and moves the pair to sent/ or refused/ as above. A 403
 *      "kiosk-not-approved" or "unknown-kiosk" keeps everything in the outbox
 *      (the operator has yet to approve this kiosk; "unknown-kiosk" also
 *      enrols again); network errors, 5xx, 408 and 429 are retried later.
 * Retries back off exponentially: 1 s doubling to at most 60 s, plus a little
 * jitter; any answer that moves a file resets the delay. When the outbox is
 * empty the thread sleeps until uploader_kick() or a periodic rescan (30 s).
 * `kiosk_pub` is the kiosk's Ed25519 public key (64 lower-case hex, as
 * bank_signer_pub() gives it), `kiosk_name` a label for the operator (UTF-8,
 * at most 120 bytes, e.g. "Lab 2, kiosk 7"). All strings are copied. Calls
 * curl_global_init() for the first uploader of the process.
 * Caller stops and frees with uploader_stop(). NULL with `why`
 * (WHY_SIZE bytes) set on error (bad URL or key, folders that cannot be
 * created, no thread). Never prints; never logs anything. */
uploader *uploader_start(const char *core_url, const char *state_dir, const char *kiosk_pub,
                         const char *kiosk_name, char *why);

/* A new result was written to the outbox: wake the thread and try at once,
 * even in the middle of a back-off delay. Never blocks. NULL is a no-op. */
void uploader_kick(uploader *u);

/* Results (NAME.json files) waiting in the outbox as last seen by the
 * thread; counted once at start. Thread-safe, never blocks on the network.
 * 0 for NULL. */
int uploader_queued(const uploader *u);

/* One line for the proctor into buf (cap bytes, always NUL-terminated when
 * cap > 0), e.g. "all results delivered", "3 waiting; connecting to the
 * core", "3 waiting; core unreachable, retrying in 16 s", "3 waiting; kiosk
 * waiting for approval", "1 waiting; core error (HTTP 503), retrying in 4 s";
 * "; N refused by the core" is appended when results were refused since
 * start. Thread-safe, never blocks on the network. */
void uploader_status(const uploader *u, char *buf, size_t cap);

/* Stops the thread (aborting a request in flight, cutting a back-off short),
 * joins it (within about a second) and frees. Files stay where they are;
 * the last uploader of the process calls curl_global_cleanup(). NULL is a
 * no-op. */
void uploader_stop(uploader *u);

#endif
