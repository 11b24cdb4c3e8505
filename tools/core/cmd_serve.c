/* cmd_serve.c -- `core` without a subcommand: serves HTTP until SIGINT or SIGTERM. */
#include <pthread.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "cli.h"
#include "cmd.h"
#include "conf.h"
#include "forward.h"
#include "http.h"
#include "log.h"
#include "num.h"
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

/* The server's limits from the configuration (each 0 when not given: the
 * default); 0, or 1 after saying which is wrong. */
static int read_limits(const core_conf *conf, http_config *cfg)
{
    static const struct {
        const char *key;
        int lo, hi;
        size_t field;
    } limits[] = {
        {"max-connections", 1, 10000, offsetof(http_config, max_conns)},
        {"max-connections-per-address", 1, 10000, offsetof(http_config, per_address)},
        {"request-timeout", 1, 3600, offsetof(http_config, request_secs)},
        {"idle-timeout", 1, 3600, offsetof(http_config, idle_secs)},
        {"listen-backlog", 1, 65535, offsetof(http_config, backlog)},
    };
    const char *given[] = {conf ? conf->max_conns : NULL, conf ? conf->per_address : NULL,
                           conf ? conf->request_timeout : NULL, conf ? conf->idle_timeout : NULL,
                           conf ? conf->backlog : NULL};
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        int v = 0;
        if (!given[i]) continue;
        if (!num_text_int(given[i], limits[i].lo, limits[i].hi, &v))
            return cmd_fail("--config: %s must be a whole number from %d to %d, not '%.40s'",
                            limits[i].key, limits[i].lo, limits[i].hi, given[i]);
        *(unsigned *)((char *)cfg + limits[i].field) = (unsigned)v;
    }
    return 0;
}

/* Checks --upstream and --upstream-key (they go together) and reads the
 * key into pub ("" when neither is given); 0, or 1 after saying why. */
static int upstream_key(const char *upstream, const char *key_file, char pub[65])
{
    pub[0] = 0;
    if (!upstream && !key_file) return 0;
    if (!upstream || !key_file)
        return cmd_fail("--upstream URL and --upstream-key FILE go together: the upstream "
                        "core's key proves its receipts");
    if (strncmp(upstream, "http://", 7) != 0 && strncmp(upstream, "https://", 8) != 0)
        return cmd_fail("--upstream must be an http:// or https:// URL, not %.100s", upstream);
    return cmd_read_core_key(key_file, "--upstream-key ", pub);
}

int cmd_serve(const char *db, const char *listen, const char *token_file, const char *web_dir,
              const char *upstream, const char *upstream_key_file, const core_conf *conf)
{
    http_config cfg = {.listen = listen};
    char up_pub[65];
    if (read_limits(conf, &cfg) || upstream_key(upstream, upstream_key_file, up_pub)) return 1;
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
    cfg.operator_token = token;
    cfg.web_dir = web_dir;
    http_server *h = http_start(env.ctx, &cfg, why);
    if (!h) {
        cmd_close(&env);
        secret_free(token, tlen);
        return cmd_fail("%s", why);
    }
    forward_config fc = {upstream, up_pub, 0};
    forward *fwd = up_pub[0] ? forward_start(env.st, &fc, why) : NULL;
    if (up_pub[0] && !fwd) {
        http_stop(h);
        cmd_close(&env);
        secret_free(token, tlen);
        return cmd_fail("%s", why);
    }
    char shown[512];
    printf("core listening on %s (db %s)\n", http_url(h), cmd_db_shown(db, shown, sizeof shown));
    if (fwd) printf("forwarding the results to %s\n", upstream);
    fflush(stdout);
    int sig = 0;
    while (sigwait(&stop, &sig) != 0) {
    }
    forward_stop(fwd);
    http_stop(h);
    cmd_close(&env);
    secret_free(token, tlen);
    printf("core stopped (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    return 0;
}
