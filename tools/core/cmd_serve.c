/* cmd_serve.c -- `core` without a subcommand: serves HTTP until SIGINT or SIGTERM. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "cli.h"
#include "cmd.h"
#include "http.h"
#include "log.h"
#include "secret.h"
#include "why.h"

#define TOKEN_MIN 16   /* an operator token shorter than this is refused */

/* Reads the operator token from path (one trailing newline dropped); NULL
 * after saying why on stderr. Caller wipes and frees with secret_free(). */
static char *read_token(const char *path, size_t *len)
{
    char why[WHY_SIZE] = "";
    char *t = secret_read(path, SECRET_MAX, 0, len, why);
    if (!t) {
        cmd_fail("--operator-token-file %s", why);
        return NULL;
    }
    bool printable = *len >= TOKEN_MIN;
    for (size_t i = 0; printable && i < *len; i++) printable = t[i] > 0x20 && t[i] < 0x7f;
    if (!printable) {
        cmd_fail("--operator-token-file %.200s: the token must be %d to %d printable characters "
                 "without spaces",
                 path, TOKEN_MIN, SECRET_MAX);
        secret_free(t, *len);
        return NULL;
    }
    return t;
}

int cmd_serve(const char *db, const char *listen, const char *token_file, const char *web_dir)
{
    /* block the stop signals before any thread starts, so that every
     * server thread inherits the mask and only sigwait below sees them */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &stop, NULL) != 0) return cmd_fail("cannot block signals");
    signal(SIGPIPE, SIG_IGN);
    size_t tlen = 0;
    char *token = token_file ? read_token(token_file, &tlen) : NULL;
    if (token_file && !token) return 1;
    cmd_env env;
    if (cmd_open(db, true, &env)) {
        secret_free(token, tlen);
        return 1;
    }
    char why[WHY_SIZE] = "";
    core_log_enable(true);
    http_config cfg = {.listen = listen, .operator_token = token, .web_dir = web_dir};
    http_server *h = http_start(env.ctx, &cfg, why);
    if (!h) {
        cmd_close(&env);
        secret_free(token, tlen);
        return cmd_fail("%s", why);
    }
    char shown[512];
    printf("core listening on %s (db %s)\n", http_url(h), cmd_db_shown(db, shown, sizeof shown));
    fflush(stdout);
    int sig = 0;
    while (sigwait(&stop, &sig) != 0) {
    }
    http_stop(h);
    cmd_close(&env);
    secret_free(token, tlen);
    printf("core stopped (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    return 0;
}
