/* cmd_move.c -- `core room move SESSION NIP SEAT`: a participant's attempt handed to another seat (room report and log: cmd_roomlog.c). */
#include <stdio.h>
#include <string.h>

#include "bank.h"
#include "cli.h"
#include "clk.h"
#include "cmd.h"
#include "lease.h"
#include "text.h"
#include "why.h"

/* Gives every lease of (SESSION, NIP) to whichever kiosk next asks from the
 * seat labelled SEAT: the participant identifies there and goes on with the
 * attempt (its events taken from the replica), also when the first seat is dead. */
int cmd_room(const char *db, int argc, char **argv)
{
    static const char use[] = "room move SESSION NIP SEAT | room report SESSION | room log KIOSK";
    if (argc >= 1 && (strcmp(argv[0], "report") == 0 || strcmp(argv[0], "log") == 0))
        return cmd_roomlog(db, argc, argv);
    if (argc != 4 || strcmp(argv[0], "move") != 0) return cmd_usage(use);
    const char *nip = argv[2], *seat = argv[3];
    if (!bank_nip_valid(nip)) return cmd_fail("\"%.40s\" is not a NIP", nip);
    if (!*seat || strlen(seat) > 32 || text_has_control(seat))
        return cmd_fail("a seat label is one line of 1 to 32 bytes");
    cmd_env env;
    char sid[33], why[WHY_SIZE] = "";
    if (cmd_open(db, false, &env)) return 1;
    int n = 0, rc = cmd_session_named(&env, argv[1], sid);
    if (!rc && lease_move(env.st, sid, nip, "", seat, clk_wall_ms(), &n, why))
        rc = cmd_fail("NIP %s of session %s not moved: %s", nip, sid, why);
    cmd_close(&env);
    if (rc) return rc;
    if (n == 0) return cmd_fail("NIP %s holds no seat in session %s: nothing to move", nip, sid);
    printf("NIP %s of session %s: moved to seat %s (it goes on when identified there)\n", nip,
           sid, seat);
    return 0;
}
