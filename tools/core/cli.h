/* cli.h -- the `core` command: subcommands share these entry points. */
#ifndef KISI_CORE_CLI_H
#define KISI_CORE_CLI_H

/* Each takes the arguments after the subcommand name (argv[0] is the first
 * of them), the --db URL (default "sqlite:kisi-core.db") and returns the
 * exit status: 0 ok, 1 refused/failed (one line on stderr), 2 usage. */
/* token_file (or NULL): the operator token that opens the history, recap
 * and stats routes; web_dir: the folder of the pages served under /web/;
 * conf (or NULL): the server's limits from the configuration file (see conf.h). */
struct core_conf;
/* upstream, upstream_key (or NULL): the core the results are forwarded to, and
 * the file of its public key. */
int cmd_serve(const char *db, const char *listen, const char *token_file,
              const char *web_dir, const char *upstream, const char *upstream_key,
              const struct core_conf *conf);
int cmd_export(const char *db, int argc, char **argv);    /* export DIR */
int cmd_forwarded(const char *db, int argc, char **argv); /* forwarded UPSTREAM.pub */
/* kiosk approve --all [--name-prefix P] (argv[0] is "--all") */
int cmd_kiosk_approve_all(const char *db, int argc, char **argv);
int cmd_bank(const char *db, int argc, char **argv);      /* bank add BANK --passphrase-file F --pub P */
int cmd_session(const char *db, int argc, char **argv);   /* session add SESSION */
int cmd_kiosk(const char *db, int argc, char **argv);     /* kiosk list|approve ID|revoke ID */
int cmd_import(const char *db, int argc, char **argv);    /* import DIR */
int cmd_history(const char *db, int argc, char **argv);   /* history --exam ID */
int cmd_results(const char *db, int argc, char **argv);   /* results [--session ID] */
int cmd_dispute(const char *db, int argc, char **argv);   /* dispute list|resolve ... */
int cmd_room(const char *db, int argc, char **argv);      /* room move|report|log ... */
int cmd_cohort(const char *db, int argc, char **argv);    /* cohort add DEF.json ROSTER.csv */
int cmd_aspects(const char *db, int argc, char **argv);   /* aspects import COHORT FILE.csv */
int cmd_recap(const char *db, int argc, char **argv);
int cmd_stats(const char *db, int argc, char **argv);     /* stats --exam ID --csv|--json */     /* recap COHORT --csv|--json [--record|--run N] */
int cmd_roomlog(const char *db, int argc, char **argv);   /* room report SESSION | room log KIOSK */

#endif
