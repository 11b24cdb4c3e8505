/* cli.h -- shared helpers of the `bank` command-line tool. */
#ifndef KISI_CLI_H
#define KISI_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "bank.h"
#include "sbuf.h"
#include "secret.h"

#define CLI_MAX_POS 64  /* positional arguments of one command */

/* Parsed command line of one subcommand: positional arguments and
 * --name value options. */
typedef struct cli_args {
    const char *cmd;
    const char *pos[CLI_MAX_POS];
    int npos;
    const char *opt_name[12];
    const char *opt_val[12];
    int nopt;
    bool json, csv;
    bool skip_unsupported;  /* --skip-unsupported (import) */
} cli_args;

/* Parses argv after the subcommand. `with_value` lists the options that
 * take a value; --json and --skip-unsupported take none. Returns false with a
 * message printed for an unknown option or a missing value. */
bool cli_parse(cli_args *a, int argc, char **argv, const char *const *with_value);
/* Value of --name, or NULL. */
const char *cli_opt(const cli_args *a, const char *name);
/* Value of --name; prints an error and returns NULL when missing. */
const char *cli_need(const cli_args *a, const char *name);

/* Prints "bank CMD: <phrase>: <why>" and returns the exit status for e. */
int cli_fail(const cli_args *a, bank_err e, const char *why);
/* Prints "bank CMD: <prefix><text>" on one line (control characters shown
 * as '?'). */
void cli_say(const cli_args *a, const char *prefix, const char *text);
/* Prints "bank CMD: <message>" and returns 2 (usage error). */
int cli_usage(const cli_args *a, const char *msg);

/* Reads a secret (passphrase, token) from a file or "-" for stdin, through
 * secret_read() (at most SECRET_MAX bytes, one trailing newline stripped);
 * NULL after saying why on stderr. Caller wipes and frees with
 * secret_free(). */
char *cli_secret(const cli_args *a, const char *path, size_t *len);

/* Reads a whole file (at most `max` bytes) into a NUL-terminated buffer
 * with bank_file_read(); caller frees. Prints the error and returns NULL on
 * failure. */
char *cli_read_file(const cli_args *a, const char *path, size_t max, size_t *len);

/* Opens BANK (writable or not) and, when `pass_opt` names a passphrase
 * option, unlocks it. Prints the error and returns NULL on failure. */
bank *cli_open_bank(const cli_args *a, const char *path, bool writable, bool unlock, int *rc);

/* Creates `path` for a secret written by option --opt (O_EXCL, 0600,
 * never through a symbolic link) before anything is made, so that an
 * existing file refuses the command before anything is written. Returns
 * the descriptor, or -1 with the error printed (`what` names the secret). */
int secret_out_open(const cli_args *a, const char *opt, const char *path, const char *what);
/* Writes len bytes of data to fd, syncs and closes it; on failure the file
 * is removed and the error printed. Returns 0 or 1 (exit status). */
int secret_out_write(const cli_args *a, int fd, const char *opt, const char *path,
                     const char *data, size_t len);

/* Printed labels (--exam, --room): one line of UTF-8 text without direction
 * characters, 1 to LABEL_MAX bytes. `v` NULL is fine (option not given);
 * else prints the error and returns false. */
#define LABEL_MAX 120
bool label_ok(const cli_args *a, const char *opt, const char *v);
/* Appends s to b with &, <, >, " and ' escaped for HTML. */
void html_put(sbuf *b, const char *s);
/* The proctor's slip of a session (exam, room, session, token, proctor code)
 * as one printable HTML page into b (a secret buffer). */
void slip_page(sbuf *b, const char *exam, const char *room, const char *session,
               const char *token, const char *proctor_code);

/* The subcommands; each returns the process exit status. */
int cmd_keygen(cli_args *a);
int cmd_init(cli_args *a);
int cmd_import(cli_args *a);
int cmd_exam_add(cli_args *a);
int cmd_list(cli_args *a);
int cmd_lint(cli_args *a);
int cmd_seal(cli_args *a);
int cmd_verify(cli_args *a);
int cmd_pins(cli_args *a);
int cmd_roster(cli_args *a);
int cmd_session(cli_args *a);
int cmd_draw(cli_args *a);
int cmd_audit(cli_args *a);
int cmd_score(cli_args *a);
int cmd_stats(cli_args *a);
int cmd_show(cli_args *a);

#endif
