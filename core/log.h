/* log.h -- the core's event log: one line per event on stderr, in a form journald keeps. */
#ifndef KISI_CORE_LOG_H
#define KISI_CORE_LOG_H

#include <stdbool.h>

/* syslog priorities, as journald reads them from a "<N>" line prefix */
typedef enum core_log_level {
    CORE_LOG_ERR = 3,     /* the core could not do its work (a store error) */
    CORE_LOG_WARNING = 4, /* something was refused */
    CORE_LOG_INFO = 6     /* something was stored, enrolled, approved, recorded */
} core_log_level;

/* Turns the log on or off (off at start: libcore writes nothing unasked).
 * The `core` server turns it on, and so do the commands that change what
 * the core accepts (kiosk approve and revoke, recap --record). */
void core_log_enable(bool on);

/* Writes one event line to stderr: the printf-style text, with control
 * characters shown as '?' so that one event stays one line, written at
 * once so that threads' lines never mix. Under systemd (JOURNAL_STREAM is
 * set) the line starts with the priority "<N>", which journald keeps as
 * the entry's priority; elsewhere with the UTC time and the level's name.
 * Never give it a secret: no token, passphrase or signature. */
void core_log(core_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
