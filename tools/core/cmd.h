/* cmd.h -- helpers the `core` subcommands share (private to tools/core). */
#ifndef KISI_CORE_CMD_H
#define KISI_CORE_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ingest.h"
#include "why.h"

#define CMD_FILE_MAX (16u << 20)  /* largest input file a subcommand reads */

/* What a subcommand works on: the store and, when asked for, the ingest
 * context over it (with the core key). */
typedef struct cmd_env {
    store *st;
    core_ctx *ctx;
} cmd_env;

/* The --db URL as it may be shown: without the password of a postgres://
 * URL and without its query (which may hold one). Returns db itself or buf. */
const char *cmd_db_shown(const char *db, char *buf, size_t cap);
/* Sets the folder given with --data and the file given with --key-file
 * (either may be NULL; borrowed: argv outlives them). */
void cmd_set_paths(const char *data, const char *key);
/* Opens the store named by db and, when with_ctx, the ingest context over
 * it with the core key file (--key-file, else core.key in the --data
 * folder, else the SQLite path + ".key"; PostgreSQL needs one of the two),
 * first reading in what an earlier core kept as files. On error prints one
 * line on stderr and returns 1; otherwise 0. Close with cmd_close(). */
int cmd_open(const char *db, bool with_ctx, cmd_env *env);
void cmd_close(cmd_env *env);

/* The id of the session named by `name`: a session file (read for its id)
 * or the id itself, which the store must hold. 0, or 1 after a message. */
int cmd_session_named(cmd_env *env, const char *name, char sid[33]);

/* Prints "core: MESSAGE" on stderr as one line; returns 1. */
int cmd_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "usage: core LINE" on stderr; returns 2. */
int cmd_usage(const char *line);

/* Reads a whole file of at most max bytes, NUL-terminated (the length
 * without the NUL in *len), with bank_file_read(). Caller frees. NULL with
 * why (WHY_SIZE) set. */
char *cmd_read_file(const char *path, size_t max, size_t *len, char *why);

/* Reads a core's public key file (64 hex digits and a newline, as `core kiosk
 * core-key` prints it) into pub; 0, or 1 after printing "core: WHAT..." why. */
int cmd_read_core_key(const char *path, const char *what, char pub[65]);

#endif
