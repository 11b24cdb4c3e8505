/* klog.c -- appends timestamped one-line events to the kiosk's log file, rotating at a cap. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clk.h"
#include "klog.h"
#include "text.h"
#include "why.h"

struct klog {
    pthread_mutex_t mu;
    int fd;
    size_t size, max;    /* bytes in the file as far as this process knows, and the cap */
    char *path, *old;    /* PATH and PATH.1 */
};

/* Opens PATH for appending; -1 on error (errno set). */
static int open_log(klog *l)
{
    l->fd = open(l->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (l->fd < 0) return -1;
    struct stat st;
    l->size = fstat(l->fd, &st) == 0 ? (size_t)st.st_size : 0;
    return 0;
}

/* Caller closes with klog_close(). NULL with why set on error. */
klog *klog_open(const char *path, size_t max_bytes, char *why)
{
    klog *l = calloc(1, sizeof *l);
    size_t n = path ? strlen(path) : 0;
    if (l) {
        l->path = malloc(n + 1);
        l->old = malloc(n + 3);
    }
    if (!l || !l->path || !l->old || !n) {
        why_set(why, "%s", n ? "out of memory" : "no log file named");
        if (l) free(l->path), free(l->old);
        free(l);
        return NULL;
    }
    memcpy(l->path, path, n + 1);
    snprintf(l->old, n + 3, "%s.1", path);
    l->max = max_bytes < KLOG_LINE ? KLOG_LINE : max_bytes;
    if (open_log(l) != 0) {
        why_set(why, "cannot open %s: %s", path, strerror(errno));
        free(l->path);
        free(l->old);
        free(l);
        return NULL;
    }
    pthread_mutex_init(&l->mu, NULL);
    return l;
}

/* Moves a full file aside to PATH.1 and starts a new one (mutex held). */
static void rotate(klog *l)
{
    struct stat st;
    /* another process (kiosk --export) may have rotated it already */
    if (stat(l->path, &st) == 0 && (size_t)st.st_size < l->size) {
        close(l->fd);
        if (open_log(l) != 0) l->fd = -1;
        return;
    }
    if (rename(l->path, l->old) != 0 && errno != ENOENT) return;
    close(l->fd);
    if (open_log(l) != 0) l->fd = -1;
}

void klog_event(klog *l, const char *event, const char *fmt, ...)
{
    if (!l) return;
    char line[KLOG_LINE];
    char when[CLK_UTC_SIZE];
    size_t n = (size_t)snprintf(line, sizeof line, "%s %s ", clk_utc(clk_wall_ms(), when),
                                event ? event : "event");
    if (n < sizeof line - 1) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(line + n, sizeof line - n, fmt, ap);
        va_end(ap);
    }
    n = strlen(line);
    if (n > sizeof line - 2) n = sizeof line - 2;
    line[n] = 0;
    /* one event, one line, and names shown as what they are */
    char shown[TEXT_ESCAPED(KLOG_LINE)];
    text_escape(line, shown, KLOG_LINE - 1);
    memcpy(line, shown, (n = strlen(shown)) + 1);
    line[n++] = '\n';
    pthread_mutex_lock(&l->mu);
    if (l->fd >= 0 && l->size + n > l->max) rotate(l);
    if (l->fd < 0 && open_log(l) != 0) l->fd = -1;
    if (l->fd >= 0 && write(l->fd, line, n) == (ssize_t)n) l->size += n;
    pthread_mutex_unlock(&l->mu);
}

void klog_close(klog *l)
{
    if (!l) return;
    if (l->fd >= 0) close(l->fd);
    pthread_mutex_destroy(&l->mu);
    free(l->path);
    free(l->old);
    free(l);
}
