/* cmd_results.c -- `core results [--session ID]`: what arrived, from which kiosk, and what became of it. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cmd.h"
#include "text.h"
#include "why.h"

/* Counts by state, for the closing line. */
typedef struct tally {
    int stored, evidence, refused, waiting;
} tally;

/* Prints one upload as a row of the table. */
static int print_upload(const store_upload *u, void *arg)
{
    tally *t = arg;
    char when[32] = "?", name[17], outcome[WHY_SIZE + 64];
    time_t s = (time_t)(u->received_ms / 1000);
    struct tm tm;
    if (gmtime_r(&s, &tm)) strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    /* names, ids and reasons may hold anyone's bytes: shown escaped */
    char sid[13], exam[21], nip[19], shown[TEXT_ESCAPED(sizeof outcome)];
    text_escape(u->kiosk_name[0] ? u->kiosk_name : "-", name, sizeof name);
    text_escape(u->session_id[0] ? u->session_id : "-", sid, sizeof sid);
    text_escape(u->exam_id[0] ? u->exam_id : "-", exam, sizeof exam);
    text_escape(u->nip[0] ? u->nip : "-", nip, sizeof nip);
    if (strcmp(u->state, "stored") == 0) {
        t->stored++;
        snprintf(outcome, sizeof outcome, "stored");
    } else if (strcmp(u->state, "evidence") == 0) {
        t->evidence++;
        snprintf(outcome, sizeof outcome, "disputed: %s", u->reason);
    } else if (strcmp(u->state, "waiting") == 0) {
        t->waiting++;
        snprintf(outcome, sizeof outcome, "waiting: %s", u->reason);
    } else {
        t->refused++;
        snprintf(outcome, sizeof outcome, "refused (%s): %s", u->code, u->reason);
        if (u->times > 1)
            snprintf(outcome + strlen(outcome), sizeof outcome - strlen(outcome), " [%d times]",
                     u->times);
    }
    printf("%-19s  %-12.12s  %-16s  %-12s  %-20s  %-18s  %3d  %s\n", when,
           u->kiosk[0] ? u->kiosk : "-", name, sid, exam, nip, u->attempt,
           text_escape(outcome, shown, sizeof shown));
    return 0;
}

int cmd_results(const char *db, int argc, char **argv)
{
    static const char use[] = "results [--session ID]";
    const char *session = NULL;
    if (argc == 2 && strcmp(argv[0], "--session") == 0 && argv[1][0] && argv[1][0] != '-')
        session = argv[1];
    else if (argc != 0)
        return cmd_usage(use);
    cmd_env env;
    if (cmd_open(db, false, &env)) return 1;
    char why[WHY_SIZE] = "";
    tally t = {0};
    printf("%-19s  %-12s  %-16s  %-12s  %-20s  %-18s  %3s  %s\n", "RECEIVED (UTC)", "KIOSK",
           "KIOSK NAME", "SESSION", "EXAM", "NIP", "ATT", "OUTCOME");
    int rc = store_uploads_each(env.st, session, print_upload, &t, why);
    cmd_close(&env);
    if (rc) return cmd_fail("%s", why);
    printf("%d stored, %d disputed (kept as evidence), %d refused, %d waiting for their kiosk's "
           "approval%s%s\n", t.stored, t.evidence, t.refused, t.waiting,
           session ? " in session " : "", session ? session : "");
    if (fflush(stdout) != 0) return cmd_fail("cannot write the results");
    return 0;
}
