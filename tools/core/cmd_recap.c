/* cmd_recap.c -- `core aspects import` and `core recap`: a cohort's scores in, its recap out (libcore's cohort.h does the work). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clk.h"
#include "cmd.h"
#include "cohort.h"
#include "log.h"
#include "recap_io.h"
#include "why.h"

int cmd_aspects(const char *db, int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[0], "import") != 0)
        return cmd_usage("aspects import COHORT FILE.csv");
    char why[WHY_SIZE] = "";
    size_t len = 0, n = 0;
    char *text = cmd_read_file(argv[2], CMD_FILE_MAX, &len, why);
    if (!text) return cmd_fail("%s", why);
    cmd_env env;
    int rc = cmd_open(db, false, &env);
    if (!rc) {
        if (cohort_aspects_import(env.st, argv[1], text, len, &n, why))
            rc = cmd_fail("%.200s: %s", argv[2], why);
        cmd_close(&env);
    }
    free(text);
    if (!rc) printf("aspects of %zu participants imported into cohort %s\n", n, argv[1]);
    return rc;
}

int cmd_recap(const char *db, int argc, char **argv)
{
    static const char use[] = "recap COHORT --csv|--json [--record | --run N]";
    const char *cohort = NULL;
    int format = 0; /* 1 csv, 2 json */
    bool record = false;
    long run = -1;
    for (int i = 0; i < argc; i++) {
        char *end = NULL;
        if (strcmp(argv[i], "--csv") == 0 && !format) format = 1;
        else if (strcmp(argv[i], "--json") == 0 && !format) format = 2;
        else if (strcmp(argv[i], "--record") == 0 && !record && run < 0) record = true;
        else if (strcmp(argv[i], "--run") == 0 && i + 1 < argc && run < 0 && !record) {
            run = strtol(argv[++i], &end, 10);
            if (!*argv[i] || *end || run < 1 || run > 1000000)
                return cmd_fail("--run wants a recorded run number from 1, not '%.20s'", argv[i]);
        } else if (argv[i][0] != '-' && !cohort) cohort = argv[i];
        else return cmd_usage(use);
    }
    if (!cohort || !format) return cmd_usage(use);
    cmd_env env;
    if (cmd_open(db, false, &env)) return 1;
    cohort_err e = {500, "server-error", "the recap failed"};
    if (record) core_log_enable(true);
    char *json = record    ? cohort_recap_record(env.st, cohort, clk_wall_ms(), &e)
                 : run > 0 ? cohort_recap_run(env.st, cohort, (int)run, &e)
                           : cohort_recap_preview(env.st, cohort, &e);
    char *out = json && format == 1 ? recap_csv_of_json(json, e.why) : json;
    cmd_close(&env);
    int rc = 0;
    if (!out) rc = cmd_fail("recap of %.64s: %s", cohort, e.why);
    else if (fputs(out, stdout) < 0 || (format == 2 && putchar('\n') == EOF) || fflush(stdout))
        rc = cmd_fail("cannot write the recap");
    if (out != json) free(out);
    free(json);
    return rc;
}
