/* fuzz_command.c -- libFuzzer target: the kiosk's check of a command of the core
 * (checkin_cmd_check), for a fixed kiosk, with a core key pinned and commands up to 100
 * obeyed. A command whose "sig" is "SIGN" is signed by that core key first, so that
 * inputs reach the checks past the signature. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bank.h"
#include "checkin.h"
#include "fuzz_key.h"
#include "proto.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KIOSK "d4e7a135e0e6a177ace1e42b59d84d259bd8be71f6e0092d77b521ba9ce1b5c0"
#define LAST 100

static bank_signer *core;

/* Checks one verdict; aborts when it breaks a rule. */
static void check(const char *text, size_t len, long long last)
{
    checkin_cmd c;
    char why[WHY_SIZE] = "";
    if (checkin_cmd_check(text, len, bank_signer_pub(core), KIOSK, last, &c, why) != 0) {
        if (!why[0]) abort();   /* a refusal always says why */
        return;
    }
    if (c.seq <= last || !c.kind[0] || text_has_control(c.text) || text_has_control(c.nip) ||
        text_has_control(c.seat) || strlen(c.text) > PROTO_COMMAND_TEXT_MAX ||
        c.minutes < 0 || c.minutes > PROTO_EXTEND_MAX)
        abort();
    /* and only a command signed by the pinned key for this kiosk passes */
    char msg[1024];
    json_t *o = json_loadb(text, len, 0, NULL);
    int n = snprintf(msg, sizeof msg, PROTO_COMMAND_TEXT, PROTO_COMMAND_VERSION,
                     json_string_value(json_object_get(o, "kiosk")), c.seq, c.kind,
                     (long long)c.time_ms, c.nip, c.minutes, c.seat, c.text);
    const char *sig = json_string_value(json_object_get(o, "sig"));
    if (n < 0 || (size_t)n >= sizeof msg || !sig ||
        strcmp(json_string_value(json_object_get(o, "kiosk")), KIOSK) != 0 ||
        bank_sig_verify(bank_signer_pub(core), msg, (size_t)n, sig) != BANK_OK)
        abort();
    json_decref(o);
    /* obeyed, it is never obeyed again */
    if (checkin_cmd_check(text, len, bank_signer_pub(core), KIOSK, c.seq, &c, why) == 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!core) core = fuzz_key_signer();
    check((const char *)data, size, LAST);
    json_t *o = json_loadb((const char *)data, size, 0, NULL);
    const char *s = json_string_value(json_object_get(o, "sig"));
    json_t *seq = json_object_get(o, "seq"), *tm = json_object_get(o, "time"),
           *min = json_object_get(o, "minutes");
    const char *kiosk = json_string_value(json_object_get(o, "kiosk")),
               *kind = json_string_value(json_object_get(o, "kind")),
               *nip = json_string_value(json_object_get(o, "nip")),
               *seat = json_string_value(json_object_get(o, "seat")),
               *text = json_string_value(json_object_get(o, "text"));
    char msg[1024], sig[129];
    if (s && strcmp(s, "SIGN") == 0 && kiosk && kind && nip && seat && text &&
        json_is_integer(seq) && json_is_integer(tm) && json_is_integer(min) &&
        json_integer_value(min) >= INT32_MIN && json_integer_value(min) <= INT32_MAX) {
        int n = snprintf(msg, sizeof msg, PROTO_COMMAND_TEXT, PROTO_COMMAND_VERSION, kiosk,
                         (long long)json_integer_value(seq), kind,
                         (long long)json_integer_value(tm), nip, (int)json_integer_value(min),
                         seat, text);
        if (n > 0 && (size_t)n < sizeof msg &&
            bank_signer_sign(core, msg, (size_t)n, sig) == BANK_OK) {
            json_object_set_new(o, "sig", json_string(sig));
            char *body = json_dumps(o, JSON_COMPACT);
            if (body) check(body, strlen(body), LAST);
            free(body);
        }
    }
    json_decref(o);
    return 0;
}
