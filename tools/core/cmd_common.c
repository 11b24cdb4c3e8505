/* cmd_common.c -- what the `core` subcommands share: the store, one-line errors, files. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bank.h"
#include "cmd.h"
#include "why.h"

_Static_assert(WHY_SIZE == WHY_SIZE, "libbank writes our why buffers");

static const char *data_dir;  /* from --data; borrowed from argv */
static const char *key_file;  /* from --key-file; borrowed from argv */

void cmd_set_paths(const char *data, const char *key)
{
    data_dir = data;
    key_file = key;
}

int cmd_fail(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    for (char *p = line; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    fprintf(stderr, "core: %s\n", line);
    return 1;
}

int cmd_usage(const char *line)
{
    fprintf(stderr, "usage: core %s\n", line);
    return 2;
}

const char *cmd_db_shown(const char *db, char *buf, size_t cap)
{
    const char *auth = strstr(db, "://");
    if (!auth) return db;
    auth += 3;
    const char *rest = auth;
    size_t user = 0, n = strcspn(auth, "@/");
    if (auth[n] == '@') {
        user = strcspn(auth, ":@");
        rest = auth + n + 1;
    }
    snprintf(buf, cap, "%.*s%.*s%s%.*s", (int)(auth - db), db, (int)user, auth, user ? "@" : "",
             (int)strcspn(rest, "?"), rest);
    return buf;
}

/* The core key file: --key-file, else core.key in the --data folder (made
 * 0700 when missing, as earlier cores did), else the SQLite path + ".key".
 * 0, or 1 after saying why. */
static int key_path(const char *db, const char *shown, char *out, size_t cap)
{
    int n;
    if (key_file && *key_file) {
        n = snprintf(out, cap, "%s", key_file);
    } else if (data_dir && *data_dir) {
        if (mkdir(data_dir, 0700) != 0 && errno != EEXIST)
            return cmd_fail("cannot make the folder %.200s: %s", data_dir, strerror(errno));
        n = snprintf(out, cap, "%s/core.key", data_dir);
    } else if (strncmp(db, "sqlite:", 7) == 0 && db[7]) {
        n = snprintf(out, cap, "%s.key", db + 7);
    } else {
        return cmd_fail("give the core key file with --key-file FILE for %.60s (the same file"
                        " on every core of the database)", shown);
    }
    return n < 0 || (size_t)n >= cap ? cmd_fail("the core key file's path is too long") : 0;
}

/* Reads into the store what an earlier core kept as files, and says so. */
static void import_files(core_ctx *ctx)
{
    char why[WHY_SIZE] = "";
    int moved = 0, left = 0;
    if (core_ctx_import(ctx, &moved, &left, why) != 0) {
        cmd_fail("warning: cannot read the files of an earlier core: %s", why);
        return;
    }
    if (moved)
        fprintf(stderr, "core: %d banks and sessions kept as files by an earlier core are now"
                        " in the database\n", moved);
    if (left)
        cmd_fail("warning: %d banks or sessions kept as files by an earlier core could not be"
                 " read (%s): add them again with core bank add and core session add",
                 left, why);
}

int cmd_open(const char *db, bool with_ctx, cmd_env *env)
{
    char why[WHY_SIZE] = "", key[4096], shown[512];
    cmd_db_shown(db, shown, sizeof shown);
    env->st = NULL;
    env->ctx = NULL;
    if (with_ctx && key_path(db, shown, key, sizeof key)) return 1;
    env->st = store_open(db, why);
    if (!env->st) return cmd_fail("cannot open the database %.200s: %s", shown, why);
    if (with_ctx) {
        env->ctx = core_ctx_new(env->st, key, why);
        if (!env->ctx) {
            store_close(env->st);
            env->st = NULL;
            return cmd_fail("%s", why[0] ? why : "out of memory");
        }
        import_files(env->ctx);
    }
    return 0;
}

void cmd_close(cmd_env *env)
{
    core_ctx_free(env->ctx);
    store_close(env->st);
    env->ctx = NULL;
    env->st = NULL;
}

char *cmd_read_file(const char *path, size_t max, size_t *len, char *why)
{
    char *buf = NULL;
    bank_file_read(path, max, &buf, len, why);
    return buf;
}
