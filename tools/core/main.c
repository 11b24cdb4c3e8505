/* main.c -- the `core` command: global options, then the server or a subcommand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "conf.h"
#include "why.h"

#define DEFAULT_DB "sqlite:kisi-core.db"
#define DEFAULT_LISTEN "127.0.0.1:8080"
#ifndef KISI_DATADIR
#define KISI_DATADIR "/usr/local/share/kisi"
#endif
#define DEFAULT_WEB KISI_DATADIR "/web"

static const char usage_text[] =
    "usage: core [--config FILE] [--db URL] [--key-file FILE] [--listen HOST:PORT]\n"
    "            [--operator-token-file F] [--web-dir DIR]     serve HTTP\n"
    "            [--upstream URL --upstream-key CORE.pub]     and forward the results\n"
    "       core [--config FILE] [--db URL] [--key-file FILE] COMMAND ARGS...\n"
    "commands:\n"
    "  bank add BANK --passphrase-file F --pub AUTHORITY.pub\n"
    "  session add SESSION [--authorise-start]\n"
    "  session authorise SESSION on|off\n"
    "                                 seats of the session wait for the proctor to\n"
    "                                 authorise the start (SESSION: its file or id)\n"
    "  kiosk list | kiosk approve CODE | kiosk revoke CODE\n"
    "                                 CODE: the approval code a kiosk shows (XXXX-XXXX),\n"
    "                                 or 8+ hex digits of its key\n"
    "  kiosk approve --all [--name-prefix P]\n"
    "                                 every pending kiosk (whose name starts with P)\n"
    "  kiosk core-key                 the core's public key, for kiosk --core-key\n"
    "  import DIR                     every NAME.json with its NAME.sig\n"
    "  export DIR                     every stored result as NAME.json + NAME.sig\n"
    "  forwarded UPSTREAM.pub         how many results that core (--upstream) has receipted\n"
    "  history --exam ID              FORMS.jsonl for `bank session --history`\n"
    "  results [--session ID]         what arrived, from which kiosk, what was refused and why\n"
    "  dispute list [--exam ID]       attempts with two different results (left out of the\n"
    "                                 recap), and what the operator chose\n"
    "  dispute resolve EXAM NIP ATTEMPT --keep DIGEST-PREFIX --by NAME --reason TEXT\n"
    "                                 keeps one result of a disputed attempt\n"
    "  room move SESSION NIP SEAT     the participant goes on at seat SEAT (its attempt\n"
    "                                 taken from the replica there), the seat held now\n"
    "                                 alive or not\n"
    "  room report SESSION            the sitting report (attendance, incidents, extensions,\n"
    "                                 pauses, locks, moves, results) as JSON\n"
    "  room log KIOSK [--session ID]  a seat's events (core and kiosk time) as JSON\n"
    "  cohort add DEF.json ROSTER.csv\n"
    "  aspects import COHORT FILE.csv\n"
    "  recap COHORT --csv|--json [--record | --run N]\n"
    "                                 the recap computed now (a preview), or recorded as\n"
    "                                 the next run, or recorded run N\n"
    "  stats --exam ID --csv|--json   item analysis of the exam's stored results (--json\n"
    "                                 holds the responses too: the export `bank stats` reads)\n"
    "defaults: --db " DEFAULT_DB ", --listen " DEFAULT_LISTEN
    ", --key-file the SQLite path + \".key\"\n"
    "(required with PostgreSQL: the same file on every core); --data DIR, no longer needed,\n"
    "means --key-file DIR/core.key\n"
    "--web-dir DIR: the pages for people (default " DEFAULT_WEB ")\n"
    "--upstream URL: forward every stored result, once, to that core (a central one);\n"
    "--upstream-key FILE: its public key (`core kiosk core-key` there), checks its receipts\n"
    "--config FILE: KEY = VALUE lines (db, key-file, data, listen, operator-token-file,\n"
    "web-dir, upstream, upstream-key, and the server's limits: max-connections,\n"
    "max-connections-per-address, request-timeout, idle-timeout, listen-backlog); the\n"
    "command line wins over the file\n";

typedef int (*cmd_fn)(const char *db, int argc, char **argv);

static const struct {
    const char *name;
    cmd_fn fn;
} commands[] = {
    {"bank", cmd_bank},       {"session", cmd_session}, {"kiosk", cmd_kiosk},
    {"import", cmd_import},   {"history", cmd_history}, {"cohort", cmd_cohort},
    {"aspects", cmd_aspects}, {"recap", cmd_recap},     {"results", cmd_results},
    {"stats", cmd_stats},     {"export", cmd_export},   {"forwarded", cmd_forwarded},
    {"dispute", cmd_dispute},
    {"room", cmd_room},
};

/* If argv[*i] is option `name` (as "--name V" or "--name=V"), stores V in
 * *val and advances *i; returns 1 taken, 0 not this option, -1 usage error. */
static int take_opt(int argc, char **argv, int *i, const char *name, const char **val)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0 || (a[n] != 0 && a[n] != '=')) return 0;
    if (*val) {
        fprintf(stderr, "core: %s given twice\n", name);
        return -1;
    }
    if (a[n] == '=') {
        *val = a + n + 1;
    } else if (*i + 1 < argc) {
        *val = argv[++*i];
    } else {
        fprintf(stderr, "core: %s needs a value\n", name);
        return -1;
    }
    if (!**val) {
        fprintf(stderr, "core: %s needs a value\n", name);
        return -1;
    }
    return 1;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *data = NULL, *key = NULL, *listen = NULL, *token = NULL,
               *config = NULL, *web = NULL, *upstream = NULL, *upkey = NULL;
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;
    if (!rest) return cmd_fail("out of memory");
    /* the options may stand before or after the subcommand */
    for (int i = 1; i < argc; i++) {
        int t = take_opt(argc, argv, &i, "--db", &db);
        if (t == 0) t = take_opt(argc, argv, &i, "--data", &data);
        if (t == 0) t = take_opt(argc, argv, &i, "--key-file", &key);
        if (t == 0) t = take_opt(argc, argv, &i, "--listen", &listen);
        if (t == 0) t = take_opt(argc, argv, &i, "--operator-token-file", &token);
        if (t == 0) t = take_opt(argc, argv, &i, "--config", &config);
        if (t == 0) t = take_opt(argc, argv, &i, "--web-dir", &web);
        if (t == 0) t = take_opt(argc, argv, &i, "--upstream", &upstream);
        if (t == 0) t = take_opt(argc, argv, &i, "--upstream-key", &upkey);
        if (t < 0) {
            free(rest);
            return 2;
        }
        if (t == 0) rest[nrest++] = argv[i];
    }
    if (nrest > 0 && (strcmp(rest[0], "--help") == 0 || strcmp(rest[0], "-h") == 0 ||
                      strcmp(rest[0], "help") == 0)) {
        fputs(usage_text, stdout);
        free(rest);
        return 0;
    }
    /* the configuration file fills what the command line left out; its
     * server settings apply to the server only */
    core_conf conf = {0};
    char why[WHY_SIZE] = "";
    if (config && conf_read(config, &conf, why)) {
        fprintf(stderr, "core: --config %s\n", why);
        free(rest);
        return 2;
    }
    if (!db) db = conf.db;
    if (!data) data = conf.data;
    if (!key) key = conf.key_file;
    if (nrest == 0 && !listen) listen = conf.listen;
    if (nrest == 0 && !token) token = conf.token_file;
    if (nrest == 0 && !web) web = conf.web_dir;
    if (nrest == 0 && !upstream) upstream = conf.upstream;
    if (nrest == 0 && !upkey) upkey = conf.upstream_key;
    if (!db) db = DEFAULT_DB;
    cmd_set_paths(data, key);
    int rc = 2;
    if (nrest == 0) {
        rc = cmd_serve(db, listen ? listen : DEFAULT_LISTEN, token, web ? web : DEFAULT_WEB,
                       upstream, upkey, &conf);
    } else if (listen || token || web || upstream || upkey) {
        fprintf(stderr, "core: %s is for the server, not for '%.40s'\n",
                listen ? "--listen" : token ? "--operator-token-file" : web ? "--web-dir"
                : upstream ? "--upstream" : "--upstream-key", rest[0]);
    } else if (rest[0][0] == '-') {
        fprintf(stderr, "core: unknown option %.60s (core --help lists them)\n", rest[0]);
    } else {
        size_t k = 0;
        while (k < sizeof commands / sizeof commands[0] && strcmp(commands[k].name, rest[0]) != 0)
            k++;
        if (k < sizeof commands / sizeof commands[0])
            rc = commands[k].fn(db, nrest - 1, rest + 1);
        else
            fprintf(stderr, "core: unknown command '%.40s' (core --help lists them)\n", rest[0]);
    }
    conf_free(&conf);
    free(rest);
    return rc;
}
