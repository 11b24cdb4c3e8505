/* cmd_common.c -- what the `core` subcommands share: the store, one-line errors, files. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bank.h"
#include "cmd.h"
#include "why.h"

_Static_assert(WHY_SIZE == WHY_SIZE, "libbank writes our why buffers");

static const char *data_dir;  /* from --data; borrowed from argv */

void cmd_set_data(const char *dir)
{
    data_dir = dir;
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

int cmd_open(const char *db, bool with_ctx, cmd_env *env)
{
    char why[WHY_SIZE] = "", data[4096], shown[512];
    cmd_db_shown(db, shown, sizeof shown);
    env->st = NULL;
    env->ctx = NULL;
    if (with_ctx) {
        if (data_dir && *data_dir) {
            snprintf(data, sizeof data, "%s", data_dir);
        } else if (strncmp(db, "sqlite:", 7) == 0 && db[7]) {
            if ((size_t)snprintf(data, sizeof data, "%s.files", db + 7) >= sizeof data)
                return cmd_fail("the database path is too long");
        } else {
            return cmd_fail("give the data folder with --data DIR for %.60s", shown);
        }
    }
    env->st = store_open(db, why);
    if (!env->st) return cmd_fail("cannot open the database %.200s: %s", shown, why);
    if (with_ctx) {
        env->ctx = core_ctx_new(env->st, data, why);
        if (!env->ctx) {
            store_close(env->st);
            env->st = NULL;
            return cmd_fail("cannot use the data folder %.200s: %s", data,
                            why[0] ? why : "out of memory");
        }
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
