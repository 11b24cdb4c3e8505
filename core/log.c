/* log.c -- the core's event log: one line per event on stderr, with a journald priority or a UTC time. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clk.h"
#include "log.h"
#include "text.h"

#define LOG_LINE_MAX 1024 /* longer events are cut */

static volatile int log_on;

void core_log_enable(bool on)
{
    log_on = on;
}

static const char *level_name(core_log_level level)
{
    switch (level) {
    case CORE_LOG_ERR: return "error";
    case CORE_LOG_WARNING: return "warning";
    case CORE_LOG_INFO: return "info";
    }
    return "info";
}

void core_log(core_log_level level, const char *fmt, ...)
{
    if (!log_on) return;
    char line[LOG_LINE_MAX + 2];
    size_t n;
    if (getenv("JOURNAL_STREAM")) {
        n = (size_t)snprintf(line, sizeof line, "<%d>", (int)level);
    } else {
        char when[CLK_UTC_SIZE];
        n = (size_t)snprintf(line, sizeof line, "%s %s ", clk_utc(clk_wall_ms(), when),
                             level_name(level));
    }
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(line + n, LOG_LINE_MAX - n, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    n += (size_t)k < LOG_LINE_MAX - n ? (size_t)k : LOG_LINE_MAX - n - 1;
    line[n] = 0;
    /* one event, one line, and names shown as what they are (text_escape) */
    char shown[TEXT_ESCAPED(LOG_LINE_MAX)];
    n = strlen(text_escape(line, shown, sizeof shown - 1));
    shown[n++] = '\n';
    /* one write: lines of several threads never interleave */
    ssize_t w = write(STDERR_FILENO, shown, n);
    (void)w;
}
