/* fuzz_proctor.c -- libFuzzer target: a proctor's action (proctor_action) on a room of one
 * seat, A01 of session S, by the proctor of S; every action queued is a command the room
 * answers the seat with, signed by the core's key. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz_core.h"
#include "proctor.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1800000000000LL
#define STATE "{\"ack\":%lld,\"answered\":0,\"attempt\":1,\"delivery\":\"delivering\",\"flagged\":0," \
              "\"incidents\":0,\"jseq\":3,\"lease\":\"held\",\"left_ms\":60000,\"name\":\"Ani\"," \
              "\"nip\":\"199001012020121001\",\"outbox\":0,\"program\":\"fuzz\",\"screen\":\"exam\"," \
              "\"seat\":\"A01\",\"seq\":%lld,\"session\":\"S\",\"total\":4,\"version\":2}"

static seats *rm;
static proctor *pr;
static long long seq;

static void stop(void)
{
    proctor_free(pr);
    seats_free(rm);
}

/* The seat's next state, acknowledging `ack`; the answer's JSON (caller frees), NULL when refused. */
static char *state(long long ack)
{
    char body[1024], sig[129];
    int n = snprintf(body, sizeof body, STATE, ack, ++seq);
    seats_answer a;
    if (bank_signer_sign(kiosk, body, (size_t)n, sig) != BANK_OK) abort();
    seats_state(rm, body, (size_t)n, bank_signer_pub(kiosk), sig, NOW, &a);
    return a.json;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ctx) {
        fuzz_core_setup();
        rm = seats_new(st, core_ctx_signer(ctx), NULL);
        pr = rm ? proctor_new(ctx, rm, NULL) : NULL;
        if (!pr) abort();
        fuzz_core_stop = stop;
        free(state(0));
    }
    proctor_who who = {.session = "S", .exam = "e", .expires_ms = NOW + 1000};
    int status = 0;
    char code[32] = "", why[WHY_SIZE] = "";
    int n = proctor_action(pr, &who, (const char *)data, size, NOW, &status, code, why);
    if (n < 0 ? !why[0] || !code[0] || (status != 400 && status != 403 && status != 404 &&
                                        status != 409 && status != 500)
              : status != 202 || n > 1)
        abort();
    /* what was queued rides on the answer, signed; acknowledged, it is gone */
    char *answer = state(0);
    json_t *o = json_loads(answer ? answer : "", 0, NULL), *cmds = json_object_get(o, "commands");
    if (!answer || (n == 1 && json_array_size(cmds) == 0)) abort();
    long long last = 0;
    size_t i;
    json_t *c;
    json_array_foreach(cmds, i, c) {
        if (json_integer_value(json_object_get(c, "version")) != PROTO_COMMAND_VERSION ||
            strlen(json_string_value(json_object_get(c, "sig"))) != 128)
            abort();
        last = (long long)json_integer_value(json_object_get(c, "seq"));
    }
    json_decref(o);
    free(answer);
    free(state(last));
    return 0;
}
