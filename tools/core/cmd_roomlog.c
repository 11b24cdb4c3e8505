/* cmd_roomlog.c -- `core room report SESSION | room log KIOSK`: the sitting report and a seat's events from the room log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "hex.h"
#include "roomlog.h"
#include "why.h"

int cmd_roomlog(const char *db, int argc, char **argv)
{
    static const char use[] = "room report SESSION | room log KIOSK [--session ID]";
    bool report = argc == 2 && strcmp(argv[0], "report") == 0;
    bool log = (argc == 2 || (argc == 4 && strcmp(argv[2], "--session") == 0)) &&
               strcmp(argv[0], "log") == 0;
    if ((!report && !log) || !argv[1][0] || argv[1][0] == '-') return cmd_usage(use);
    if (log && !hex_valid(argv[1], 64))
        return cmd_fail("room log: name the kiosk by its key (64 hex digits, core kiosk list)");
    cmd_env env;
    if (cmd_open(db, report, &env)) return 1;
    char why[WHY_SIZE] = "";
    roomlog *rl = roomlog_new(env.st, why);
    char *json = !rl ? NULL
                 : report ? roomlog_report(rl, env.ctx, argv[1], why)
                          : roomlog_seat(rl, argc == 4 ? argv[3] : NULL, argv[1], why);
    roomlog_free(rl);
    cmd_close(&env);
    if (!json) return cmd_fail("%s", why);
    int bad = printf("%s\n", json) < 0 || fflush(stdout) != 0;
    free(json);
    return bad ? cmd_fail("cannot write the room %s", report ? "report" : "log") : 0;
}
