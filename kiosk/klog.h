/* klog.h -- the kiosk's event log: one line per event in STATE/kiosk.log, bounded, no secrets. */
#ifndef KISI_KLOG_H
#define KISI_KLOG_H

#include <stddef.h>

#define KLOG_LINE 512              /* a line is cut to this many bytes, newline included */
#define KLOG_MAX_BYTES (1u << 20)  /* the kiosk's cap: past it the file turns into PATH.1 */

typedef struct klog klog;

/* Opens the log file `path` for appending (created 0600). A line that would
 * take the file past `max_bytes` first renames it to PATH.1 (replacing the
 * older one), so the two together never hold much more than 2 x max_bytes.
 * Caller closes with klog_close(). NULL with `why` (WHY_SIZE bytes, may be
 * NULL) set when the file cannot be opened. */
klog *klog_open(const char *path, size_t max_bytes, char *why);

/* Appends one line "YYYY-MM-DDThh:mm:ssZ EVENT DETAIL" (UTC), DETAIL made
 * from the printf format; control characters become '?', the line is cut
 * at KLOG_LINE bytes and written with one write(2). Thread-safe; write
 * errors are ignored (an exam never stops for its log). NULL `l` is a no-op.
 * Callers never pass a secret: NIPs, ids and reasons go in, PINs, tokens,
 * proctor codes, passphrases and keys never do. */
void klog_event(klog *l, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Closes and frees. NULL is a no-op. */
void klog_close(klog *l);

#endif
