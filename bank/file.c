/* file.c -- whole-file reads and atomic writes (temporary file, fsync, rename). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "why.h"

#define FILE_PATH 4096     /* longest path handled, with its NUL */
#define FILE_CHUNK 65536   /* first buffer for a file whose size is not known */

/* Sets why to "PATH: <reason of err>" and errno to err; returns e. */
static bank_err fail(bank_err e, int err, const char *path, char *why)
{
    if (err == EFBIG) why_set(why, "%.200s: the file is too large", path);
    else why_set(why, "%.200s: %s", path, strerror(err));
    errno = err;
    return e;
}

/* Caller frees *data with free(). */
bank_err bank_file_read(const char *path, size_t max, char **data, size_t *len, char *why)
{
    *data = NULL;
    *len = 0;
    if (max > SIZE_MAX / 2) max = SIZE_MAX / 2;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(errno == ENOENT ? BANK_ENOTFOUND : BANK_EIO, errno, path, why);
    struct stat st;
    size_t n = 0, room = FILE_CHUNK;  /* bytes read, bytes buf holds before its NUL */
    char *buf = NULL;
    int err = 0;
    if (fstat(fd, &st) != 0) err = errno;
    else if (S_ISDIR(st.st_mode)) err = EISDIR;
    else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) err = EFBIG;
    else if (S_ISREG(st.st_mode)) room = (size_t)st.st_size;
    if (room > max) room = max;
    if (!err && !(buf = malloc(room + 1))) err = ENOMEM;
    while (!err) {
        char one;  /* a full buffer is grown only when one more byte comes */
        int full = n == room;
        ssize_t r = full ? read(fd, &one, 1) : read(fd, buf + n, room - n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            err = r < 0 ? errno : 0;
            break;
        }
        if (full) {
            if (room == max) {
                err = EFBIG;
                break;
            }
            size_t grow = room < FILE_CHUNK ? FILE_CHUNK : room;
            room = grow > max - room ? max : room + grow;
            char *nb = realloc(buf, room + 1);
            if (!nb) {
                err = ENOMEM;
                break;
            }
            buf = nb;
            buf[n] = one;
        }
        n += (size_t)r;
    }
    close(fd);
    if (err) {
        free(buf);
        return fail(err == EFBIG ? BANK_EINVAL : err == ENOMEM ? BANK_ENOMEM : BANK_EIO, err,
                    path, why);
    }
    buf[n] = 0;
    *data = buf;
    *len = n;
    return BANK_OK;
}

/* fsyncs folder `dir`; a file system that cannot sync folders (EINVAL) is let be.
 * 0 or an errno value. */
static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno;
    int err = fsync(fd) == 0 || errno == EINVAL ? 0 : errno;
    close(fd);
    return err;
}

/* Writes all of data to fd, then fsyncs it. 0 or an errno value. */
static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return w < 0 ? errno : EIO;
        p += w;
        len -= (size_t)w;
    }
    return fsync(fd) == 0 ? 0 : errno;
}

/* Borrows every argument. */
bank_err bank_file_write_atomic(const char *path, const void *data, size_t len, int mode,
                                char *why)
{
    char dir[FILE_PATH], tmp[FILE_PATH];
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return fail(BANK_EINVAL, EISDIR, path, why);
    if ((size_t)snprintf(tmp, sizeof tmp, "%.*s.%s.XXXXXX", (int)(base - path), path, base) >=
        sizeof tmp)
        return fail(BANK_EINVAL, ENAMETOOLONG, path, why);
    if (!slash) snprintf(dir, sizeof dir, ".");
    else snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int err = errno;
        why_set(why, "cannot create a temporary file in %.200s: %s", dir, strerror(err));
        errno = err;
        return BANK_EIO;
    }
    int err = fchmod(fd, (mode_t)mode) == 0 ? write_all(fd, data, len) : errno;
    if (close(fd) != 0 && !err) err = errno;
    if (!err && rename(tmp, path) != 0) err = errno;
    if (err) {
        unlink(tmp);
        why_set(why, "cannot write %.200s: %s", path, strerror(err));
        errno = err;
        return BANK_EIO;
    }
    if ((err = sync_dir(dir)) != 0) {
        why_set(why, "cannot sync the folder %.200s: %s", dir, strerror(err));
        errno = err;
        return BANK_EIO;
    }
    return BANK_OK;
}
