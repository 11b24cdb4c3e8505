/* cmd_serve.c -- `core` without a subcommand: serves HTTP until SIGINT or SIGTERM. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "http.h"

/* The recap route: the latest run, run 1 computed and stored when none. */
static char *serve_recap(core_ctx *c, const char *cohort, void *arg, int *status, char *code,
                         char *why)
{
    (void)arg;
    int run = 0;
    return cmd_recap_json(core_ctx_store(c), cohort, false, &run, status, code, why);
}

int cmd_serve(const char *db, const char *listen)
{
    /* block the stop signals before any thread starts, so that every
     * server thread inherits the mask and only sigwait below sees them */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &stop, NULL) != 0) return cmd_fail("cannot block signals");
    signal(SIGPIPE, SIG_IGN);
    cmd_env env;
    if (cmd_open(db, true, &env)) return 1;
    char why[CORE_WHY] = "";
    http_config cfg = {.listen = listen, .recap = serve_recap};
    http_server *h = http_start(env.ctx, &cfg, why);
    if (!h) {
        cmd_close(&env);
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
    printf("core stopped (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    return 0;
}
