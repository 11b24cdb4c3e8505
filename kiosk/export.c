/* export.c -- copies outbox result bundles to a folder (USB stick); durable moves of bundles. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "bank.h"
#include "export.h"
#include "why.h"

#define PATH_LEN 4096

/* "dir/name.ext" into out (PATH_LEN bytes); -1 when too long. */
static int mkpath(char *out, const char *dir, const char *name, const char *ext)
{
    return (size_t)snprintf(out, PATH_LEN, "%s/%s%s", dir, name, ext) < PATH_LEN ? 0 : -1;
}

/* fsyncs folder `dir`; a file system that cannot sync folders (EINVAL) is let be. */
static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd) == 0 || errno == EINVAL ? 0 : -1;
    int err = errno;
    close(fd);
    errno = err;
    return rc;
}

/* The folder holding `path` into out (PATH_LEN bytes). */
static void parent_of(const char *path, char *out)
{
    snprintf(out, PATH_LEN, "%s", path);
    char *slash = strrchr(out, '/');
    if (!slash) snprintf(out, PATH_LEN, ".");
    else if (slash == out) out[1] = 0;
    else *slash = 0;
}

int export_mkdirs(const char *dir)
{
    char p[PATH_LEN], up[PATH_LEN];
    struct stat st;
    if (stat(dir, &st) == 0) return S_ISDIR(st.st_mode) ? 0 : (errno = ENOTDIR, -1);
    if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p) return errno = ENAMETOOLONG, -1;
    for (char *q = p + 1;; q++) {
        if (*q != '/' && *q != 0) continue;
        char c = *q;
        *q = 0;
        if (mkdir(p, 0700) == 0) {
            parent_of(p, up);
            if (sync_dir(up) != 0) return -1;
        } else if (errno != EEXIST) {
            return -1;
        }
        *q = c;
        if (c == 0) return 0;
    }
}

/* Writes len bytes to dir/name (0600) through a temporary ".name.XXXXXX", fsync,
 * rename and a sync of the folder. 0 or -1 with errno set. */
static int write_atomic(const char *dir, const char *name, const void *data, size_t len)
{
    char dst[PATH_LEN];
    if (mkpath(dst, dir, name, "") != 0) return errno = ENAMETOOLONG, -1;
    return bank_file_write_atomic(dst, data, len, 0600, NULL) == BANK_OK ? 0 : -1;
}

/* Caller frees *out with free(). */
int export_read(const char *path, size_t max, char **out, size_t *len)
{
    /* only plain files: a pipe or a device would hold the reader up */
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        *out = NULL;
        *len = 0;
        errno = EINVAL;
        return -1;
    }
    bank_err e = bank_file_read(path, max, out, len, NULL);
    return e == BANK_OK ? 1 : e == BANK_ENOTFOUND ? 0 : e == BANK_EINVAL ? -2 : -1;
}

/* 0 when `path` is absent, 1 when it holds exactly data, 2 when it differs, -1 on error. */
static int compare(const char *path, const char *data, size_t len)
{
    char *old;
    size_t n;
    int r = export_read(path, EXPORT_FILE_MAX, &old, &n);
    if (r <= 0) return r == 0 ? 0 : r == -2 ? 2 : -1;
    int same = n == len && memcmp(old, data, len) == 0;
    free(old);
    return same ? 1 : 2;
}

/* The exported name of bundle `name` into out (EXPORT_NAME + 32 bytes):
 * "NAME.kiosk-ID" with ID the first 16 hex digits of the key in its .sig.
 * -1 when the .sig names no kiosk. */
static int export_name(const char *name, const char *sig, size_t len, char *out, size_t cap)
{
    json_t *o = json_loadb(sig, len, 0, NULL);
    const char *k = json_string_value(json_object_get(o, "kiosk"));
    size_t n = 0;
    while (k && n < 64 && ((k[n] >= '0' && k[n] <= '9') || (k[n] >= 'a' && k[n] <= 'f'))) n++;
    int ok = k && n == 64 && !k[n] && (size_t)snprintf(out, cap, "%s.kiosk-%.16s", name, k) < cap;
    json_decref(o);
    return ok ? 0 : -1;
}

/* Exports one bundle under its exported name (export_name). 1 now in
 * `dir`, 0 not a bundle (no .sig, vanished), -1 with why. */
static int export_pair(const char *outbox, const char *dir, const char *name, char *why)
{
    static const char *const ext[2] = {".sig", ".json"};   /* the signature goes first */
    char *data[2] = {NULL, NULL};
    size_t len[2] = {0, 0};
    char src[PATH_LEN], dst[PATH_LEN], file[PATH_LEN], out[EXPORT_NAME + 32];
    int rc = 0, state[2] = {0, 0};
    for (int i = 0; i < 2 && rc == 0; i++) {
        if (mkpath(src, outbox, name, ext[i]) != 0) {
            rc = why_set(why, "result name %s too long", name);
            break;
        }
        int r = export_read(src, EXPORT_FILE_MAX, &data[i], &len[i]);
        if (r == 0) goto done;  /* not a bundle, or delivered meanwhile */
        if (r < 0)
            rc = r == -2 ? why_set(why, "%s is larger than %u bytes", src, EXPORT_FILE_MAX)
                         : why_set(why, "cannot read %s: %s", src, strerror(errno));
    }
    if (rc == 0 && export_name(name, data[0], len[0], out, sizeof out) != 0)
        rc = why_set(why, "%s.sig names no kiosk key; not exported", name);
    for (int i = 0; i < 2 && rc == 0; i++) {
        if (mkpath(dst, dir, out, ext[i]) != 0) {
            rc = why_set(why, "result name %s too long", out);
            break;
        }
        state[i] = compare(dst, data[i], len[i]);
        if (state[i] < 0) rc = why_set(why, "cannot read %s: %s", dst, strerror(errno));
        else if (state[i] == 2)
            rc = why_set(why, "%s already holds a different %s%s; not overwritten", dir, out,
                      ext[i]);
    }
    for (int i = 0; i < 2 && rc == 0; i++) {
        snprintf(file, sizeof file, "%s%s", out, ext[i]);
        if (state[i] == 0 && write_atomic(dir, file, data[i], len[i]) != 0)
            rc = why_set(why, "cannot write %s/%s: %s", dir, file, strerror(errno));
    }
    if (rc == 0) rc = 1;
done:
    free(data[0]);
    free(data[1]);
    return rc;
}

int export_list(const char *dir, const char *after, char (*names)[EXPORT_NAME], int max,
                int *total)
{
    int n = 0, count = 0;
    if (total) *total = 0;
    DIR *d = opendir(dir);
    if (!d) return errno == ENOENT ? 0 : -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name), sl = len - 5;
        if (e->d_name[0] == '.' || len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        count++;
        char stem[EXPORT_NAME];
        if (sl >= EXPORT_NAME || max <= 0) continue;
        memcpy(stem, e->d_name, sl);
        stem[sl] = 0;
        if (strcmp(stem, after) <= 0 || (n == max && strcmp(stem, names[max - 1]) >= 0))
            continue;
        int i = n < max ? n++ : max - 1;
        for (; i > 0 && strcmp(names[i - 1], stem) > 0; i--)
            memcpy(names[i], names[i - 1], EXPORT_NAME);
        memcpy(names[i], stem, EXPORT_NAME);
    }
    closedir(d);
    if (total) *total = count;
    return n;
}

int export_outbox(const char *state_dir, const char *dir, int *copied, char *why)
{
    char outbox[PATH_LEN];
    int n = 0, rc = 0;
    if (copied) *copied = 0;
    if (!state_dir || !*state_dir || !dir || !*dir)
        return why_set(why, "export: missing state or destination folder");
    if (mkpath(outbox, state_dir, "outbox", "") != 0) return why_set(why, "state path too long");
    if (export_mkdirs(dir) != 0) return why_set(why, "cannot create %s: %s", dir, strerror(errno));
    char(*names)[EXPORT_NAME] = malloc(64 * sizeof *names);
    if (!names) return why_set(why, "out of memory");
    char after[EXPORT_NAME] = "";
    for (;;) {
        int k = export_list(outbox, after, names, 64, NULL);
        if (k < 0) rc = why_set(why, "cannot read %s: %s", outbox, strerror(errno));
        for (int i = 0; i < k; i++) {
            int r = export_pair(outbox, dir, names[i], rc == 0 ? why : NULL);
            n += r > 0;
            if (r < 0) rc = -1;
        }
        if (k < 64) break;
        memcpy(after, names[63], EXPORT_NAME);
    }
    free(names);
    if (sync_dir(dir) != 0 && rc == 0) rc = why_set(why, "cannot sync %s: %s", dir, strerror(errno));
    if (copied) *copied = n;
    return rc;
}

int export_move_pair(const char *from, const char *to, const char *name, const char *reason)
{
    char sj[PATH_LEN], ss[PATH_LEN], dj[PATH_LEN], ds[PATH_LEN], rname[PATH_LEN];
    if (mkpath(sj, from, name, ".json") || mkpath(ss, from, name, ".sig") ||
        mkpath(dj, to, name, ".json") || mkpath(ds, to, name, ".sig") ||
        mkpath(rname, ".", name, ".reason"))
        return errno = ENAMETOOLONG, -1;
    if (mkdir(to, 0700) == 0) {
        char up[PATH_LEN];
        parent_of(to, up);
        if (sync_dir(up) != 0) return -1;
    } else if (errno != EEXIST) {
        return -1;
    }
    if (reason && write_atomic(to, rname + 2, reason, strlen(reason)) != 0) return -1;
    if (rename(ss, ds) != 0 && errno != ENOENT) return -1;
    if (rename(sj, dj) != 0) return -1;
    return sync_dir(to) == 0 && sync_dir(from) == 0 ? 0 : -1;
}
