/* seats_cmd.c -- the commands of the core to one kiosk: their rules and their signature. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proto.h"
#include "seats.h"
#include "text.h"

#define NIP_MAX 32    /* bytes of a participant's NIP, as the state carries it */
#define SEAT_MAX 32   /* bytes of a seat label */

static const char *const kinds[] = {"message", "extend", "pause", "resume", "authorise",
                                    "lock",    "unlock", "release", "move-out", "end"};

/* True when s is NULL or one line of UTF-8 of at most max bytes. */
static bool one_line(const char *s, size_t max)
{
    return !s || (strlen(s) <= max && !text_has_control(s) && text_utf8_valid(s, strlen(s)));
}

int seats_cmd_check(const seats_cmd *c, char *why)
{
    bool known = false;
    for (size_t i = 0; c->kind && i < sizeof kinds / sizeof *kinds; i++)
        known = known || strcmp(c->kind, kinds[i]) == 0;
    if (!known) return why_set(why, "unknown command \"%.20s\"", c->kind ? c->kind : "");
    bool extend = strcmp(c->kind, "extend") == 0, move = strcmp(c->kind, "move-out") == 0;
    if (!one_line(c->text, PROTO_COMMAND_TEXT_MAX))
        return why_set(why, "a message or reason is one line of at most %d bytes of UTF-8",
                       PROTO_COMMAND_TEXT_MAX);
    if (strcmp(c->kind, "message") == 0 && (!c->text || !*c->text))
        return why_set(why, "a message is one line of 1 to %d bytes of UTF-8",
                       PROTO_COMMAND_TEXT_MAX);
    if (extend ? c->minutes < 1 || c->minutes > PROTO_EXTEND_MAX : c->minutes != 0)
        return extend ? why_set(why, "extend by 1 to %d minutes", PROTO_EXTEND_MAX)
                      : why_set(why, "only \"extend\" takes minutes");
    if (move ? !c->seat || !*c->seat || !one_line(c->seat, SEAT_MAX) : c->seat && *c->seat)
        return move ? why_set(why, "a move names the seat moved to (1 to %d bytes)", SEAT_MAX)
                    : why_set(why, "only \"move-out\" names a seat");
    if (!one_line(c->nip, NIP_MAX))
        return why_set(why, "a NIP is one line of at most %d bytes", NIP_MAX);
    return 0;
}

char *seats_cmd_sign(const core_signer *signer, const char *kiosk, long long seq,
                     const seats_cmd *c, const char *nip, int64_t now_ms, char *why)
{
    const char *seat = c->seat ? c->seat : "", *text = c->text ? c->text : "";
    nip = nip ? nip : "";
    char msg[512 + NIP_MAX + SEAT_MAX + PROTO_COMMAND_TEXT_MAX], sig[129];
    int n = snprintf(msg, sizeof msg, PROTO_COMMAND_TEXT, PROTO_COMMAND_VERSION, kiosk, seq,
                     c->kind, (long long)now_ms, nip, c->minutes, seat, text);
    if (n < 0 || (size_t)n >= sizeof msg) {
        why_set(why, "a command longer than %zu bytes", sizeof msg);
        return NULL;
    }
    if (core_signer_sign(signer, msg, (size_t)n, sig, why)) return NULL;
    json_t *o = json_pack("{s:i, s:s, s:I, s:s, s:I, s:s, s:i, s:s, s:s, s:s}", "version",
                          PROTO_COMMAND_VERSION, "kiosk", kiosk, "seq", (json_int_t)seq, "kind",
                          c->kind, "time", (json_int_t)now_ms, "nip", nip, "minutes", c->minutes,
                          "seat", seat, "text", text, "sig", sig);
    char *out = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    if (!out) why_set(why, "out of memory");
    return out;
}
