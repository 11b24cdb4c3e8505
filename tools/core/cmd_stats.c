/* cmd_stats.c -- `core stats --exam ID --csv|--json`: the item analysis of an exam from the stored results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "cli.h"
#include "cmd.h"
#include "why.h"

int cmd_stats(const char *db, int argc, char **argv)
{
    static const char use[] = "stats --exam ID --csv|--json";
    const char *exam = NULL;
    int format = 0; /* 1 csv, 2 json */
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--csv") == 0 && !format) format = 1;
        else if (strcmp(argv[i], "--json") == 0 && !format) format = 2;
        else if (strcmp(argv[i], "--exam") == 0 && i + 1 < argc && !exam && argv[i + 1][0])
            exam = argv[++i];
        else return cmd_usage(use);
    }
    if (!exam || !format) return cmd_usage(use);
    cmd_env env;
    if (cmd_open(db, true, &env)) return 1;
    char why[WHY_SIZE] = "";
    bool none = false;
    int left = 0;
    itemstat *s = analysis_of_exam(env.ctx, exam, &none, &left, why);
    char *out = s ? (format == 1 ? itemstat_csv(s) : itemstat_json(s, true)) : NULL;
    itemstat_free(s);
    cmd_close(&env);
    if (!s) return cmd_fail("stats of %.64s: %s", exam, why);
    int rc = 0;
    if (!out) rc = cmd_fail("out of memory");
    else if (fputs(out, stdout) < 0 || (format == 2 && putchar('\n') == EOF) || fflush(stdout))
        rc = cmd_fail("cannot write the statistics");
    free(out);
    if (!rc && left)
        fprintf(stderr, "core: %d result%s of %.64s left out (%s)\n", left, left == 1 ? "" : "s",
                exam, why);
    return rc;
}
