/* cmd_dispute.c -- `core dispute list|resolve`: attempts with two different results, and the operator's choice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clk.h"
#include "cmd.h"
#include "log.h"
#include "num.h"
#include "text.h"
#include "why.h"

/* Counts of the listing, and the store to read each dispute's records from. */
typedef struct listing {
    store *st;
    int all, open;
    char why[WHY_SIZE];
} listing;

/* Prints one record of a disputed attempt, indented under it. */
static int print_record(const store_dispute_record *r, void *arg)
{
    (void)arg;
    char when[CLK_UTC_SIZE];
    printf("    %-8s  %.16s  kiosk %.12s  received %s  awarded %d.%02d  %s\n", r->state, r->digest,
           r->kiosk, clk_utc(r->received_ms, when), r->awarded / 100, r->awarded % 100,
           r->passed ? "passed" : "not passed");
    return 0;
}

/* Prints one dispute, its records, and the operator's choice when made. */
static int print_dispute(const store_dispute *d, void *arg)
{
    listing *l = arg;
    char when[CLK_UTC_SIZE], exam[TEXT_ESCAPED(64)], nip[TEXT_ESCAPED(64)];
    bool open = !d->keep_digest[0];
    l->all++;
    l->open += open;
    printf("%-20s  %-18s  %3d  %-8s  %s\n", text_escape(d->exam_id, exam, sizeof exam),
           text_escape(d->nip, nip, sizeof nip), d->attempt, open ? "open" : "resolved",
           clk_utc(d->opened_ms, when));
    if (store_dispute_records(l->st, d->exam_id, d->nip, d->attempt, print_record, NULL, l->why))
        return -1;
    if (!open) {
        char by[TEXT_ESCAPED(200)], reason[TEXT_ESCAPED(200)];
        printf("    kept %.16s by %s at %s: %s\n", d->keep_digest,
               text_escape(d->by, by, sizeof by), clk_utc(d->resolved_ms, when),
               text_escape(d->reason, reason, sizeof reason));
    }
    return 0;
}

/* `dispute list [--exam ID]`: exam "" for every exam. */
static int dispute_list(const char *db, const char *exam)
{
    cmd_env env;
    if (cmd_open(db, false, &env)) return 1;
    listing l = {env.st, 0, 0, ""};
    char why[WHY_SIZE] = "";
    printf("%-20s  %-18s  %3s  %-8s  %s\n", "EXAM", "NIP", "ATT", "STATE", "SINCE (UTC)");
    int rc = store_dispute_each(env.st, exam, print_dispute, &l, why);
    cmd_close(&env);
    if (rc) return cmd_fail("%s", l.why[0] ? l.why : why);
    printf("%d disputed attempts, %d open%s\n", l.all, l.open,
           l.open ? ": the recap leaves them out until `core dispute resolve` keeps one" : "");
    if (fflush(stdout) != 0) return cmd_fail("cannot write the disputes");
    return 0;
}

/* `dispute resolve EXAM NIP ATTEMPT --keep P --by N --reason T` (argv after "resolve"). */
static int dispute_resolve(const char *db, int argc, char **argv)
{
    static const char use[] =
        "dispute resolve EXAM NIP ATTEMPT --keep DIGEST-PREFIX --by NAME --reason TEXT";
    const char *keep = NULL, *by = NULL, *reason = NULL;
    int attempt = 0;
    if (argc < 3 || argv[0][0] == '-' || argv[1][0] == '-' ||
        !num_text_int(argv[2], 1, 100000, &attempt))
        return cmd_usage(use);
    for (int i = 3; i < argc; i++) {
        const char **slot = strcmp(argv[i], "--keep") == 0     ? &keep
                            : strcmp(argv[i], "--by") == 0     ? &by
                            : strcmp(argv[i], "--reason") == 0 ? &reason
                                                               : NULL;
        if (!slot || *slot || i + 1 >= argc) return cmd_usage(use);
        *slot = argv[++i];
    }
    if (!keep || !by || !reason) return cmd_usage(use);
    cmd_env env;
    if (cmd_open(db, false, &env)) return 1;
    char why[WHY_SIZE] = "", kept[65] = "";
    int rc = store_dispute_resolve(env.st, argv[0], argv[1], attempt, keep, by, reason,
                                   clk_wall_ms(), kept, why);
    cmd_close(&env);
    char exam[TEXT_ESCAPED(64)], nip[TEXT_ESCAPED(64)], who[TEXT_ESCAPED(200)];
    text_escape(argv[0], exam, sizeof exam);
    text_escape(argv[1], nip, sizeof nip);
    if (rc) return cmd_fail("dispute of attempt %d of %.64s for %.64s not resolved: %s", attempt,
                            exam, nip, why);
    core_log_enable(true);
    core_log(CORE_LOG_INFO, "dispute resolved: exam=%.64s nip=%.64s attempt=%d kept=%s by=%s",
             exam, nip, attempt, kept, text_escape(by, who, sizeof who));
    printf("attempt %d of %s for %s: kept %s (by %s); the recap counts it from now on\n",
           attempt, exam, nip, kept, who);
    return 0;
}

int cmd_dispute(const char *db, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "list") == 0) {
        if (argc == 1) return dispute_list(db, "");
        if (argc == 3 && strcmp(argv[1], "--exam") == 0 && argv[2][0] != '-')
            return dispute_list(db, argv[2]);
    }
    if (argc >= 1 && strcmp(argv[0], "resolve") == 0)
        return dispute_resolve(db, argc - 1, argv + 1);
    return cmd_usage("dispute list [--exam ID] | dispute resolve EXAM NIP ATTEMPT --keep "
                     "DIGEST-PREFIX --by NAME --reason TEXT");
}
