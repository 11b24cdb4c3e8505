/* journal_file.c -- the journal as files: its mark of committed events, what a damaged one still holds, setting it aside. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "clk.h"
#include "hex.h"
#include "journal.h"
#include "journal_int.h"
#include "why.h"

int jmark_read(const char *markpath, int64_t *events, char head[65])
{
    char buf[JMARK_LEN + 1];
    int fd = open(markpath, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? 0 : -1;
    ssize_t n = read(fd, buf, JMARK_LEN);
    close(fd);
    if (n != JMARK_LEN) return -1;
    buf[n] = 0;
    long long ev = -1;
    char h[65] = "";
    if (sscanf(buf, "kisi-journal-mark 1 %20lld %64s", &ev, h) != 2 || ev < 0 ||
        buf[JMARK_LEN - 1] != '\n' || (strcmp(h, "-") != 0 && !hex_valid(h, 64)))
        return -1;
    *events = ev;
    snprintf(head, 65, "%s", strcmp(h, "-") == 0 ? "" : h);
    return 1;
}

int jmark_open(const char *markpath)
{
    return open(markpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
}

int jmark_write(int fd, int64_t events, const char *head)
{
    char buf[JMARK_LEN + 1];
    int n = snprintf(buf, sizeof buf, "kisi-journal-mark 1 %020" PRId64 " %-64s", events,
                     head && *head ? head : "-");
    if (n != JMARK_LEN - 1) return -1;
    buf[JMARK_LEN - 1] = '\n';
    if (pwrite(fd, buf, JMARK_LEN, 0) != JMARK_LEN) return -1;
    return fdatasync(fd);
}

/* Caller's `out` is filled; the file is only read. */
int journal_inspect(const char *path, jinspect *out)
{
    memset(out, 0, sizeof *out);
    out->recorded = -1;
    char markpath[4200], head[65];
    snprintf(markpath, sizeof markpath, "%s.mark", path);
    if (jmark_read(markpath, &out->recorded, head) != 1) out->recorded = -1;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT attempt, seq, kind FROM events ORDER BY rowid", -1, &st,
                           NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return -1;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *att = (const char *)sqlite3_column_text(st, 0);
        out->readable++;
        if (sqlite3_column_int(st, 2) == J_ANSWER) out->answers++;
        out->last_seq = sqlite3_column_int64(st, 1);
        snprintf(out->last_attempt, sizeof out->last_attempt, "%s", att ? att : "");
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Moves `from` into folder `dir` under its base name; a missing `from` is fine. */
static int move_into(const char *from, const char *dir)
{
    const char *base = strrchr(from, '/');
    char to[8500];
    snprintf(to, sizeof to, "%s/%s", dir, base ? base + 1 : from);
    if (rename(from, to) == 0 || errno == ENOENT) return 0;
    return -1;
}

/* The journal must be closed. */
int journal_set_aside(const char *path, const char *into, char *kept, size_t cap, char *why)
{
    char dir[4200], stamp[CLK_UTC_SIZE];
    if (mkdir(into, 0700) != 0 && errno != EEXIST)
        return why_set(why, "cannot create %s: %s", into, strerror(errno));
    clk_utc(clk_wall_ms(), stamp);
    for (char *p = stamp; *p; p++)
        if (*p == ':') *p = '-';
    int k = 0;
    for (;;) {
        if (k == 0) snprintf(dir, sizeof dir, "%s/%s", into, stamp);
        else snprintf(dir, sizeof dir, "%s/%s.%d", into, stamp, k);
        if (mkdir(dir, 0700) == 0) break;
        if (errno != EEXIST || ++k > 999)
            return why_set(why, "cannot create %s: %s", dir, strerror(errno));
    }
    static const char *const parts[] = {"", "-wal", "-shm", ".mark"};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        char from[4200];
        snprintf(from, sizeof from, "%s%s", path, parts[i]);
        if (move_into(from, dir) != 0)
            return why_set(why, "cannot move %s into %s: %s", from, dir, strerror(errno));
    }
    const char *slash = strrchr(path, '/');
    char parent[4200];
    snprintf(parent, sizeof parent, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    const char *synced[] = {dir, parent};
    for (int i = 0; i < 2; i++) {
        int fd = open(synced[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            fsync(fd);
            close(fd);
        }
    }
    if (kept) snprintf(kept, cap, "%s", dir);
    return 0;
}
