/* fuzz_enrol.c -- libFuzzer target: the body of an enrolment request (enrol_request),
 * through the proof, the limits and the store. A body may ask to be completed as an
 * honest kiosk would: "challenge": "CHALLENGE" takes a fresh challenge of this core,
 * "core": "CORE" its key, and "sig": "SIGN" with "pub": "KIOSK" the fuzz kiosk's key and
 * its signature over the rest, so that inputs reach the checks past the proof. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "enrol.h"
#include "fuzz_core.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1800000000000LL

static enrol_guard *guard;

static void stop(void)
{
    enrol_guard_free(guard);
}

/* Replaces the string member key of o when it equals `marker`. */
static void fill(json_t *o, const char *key, const char *marker, const char *value)
{
    const char *v = json_string_value(json_object_get(o, key));
    if (v && strcmp(v, marker) == 0) json_object_set_new(o, key, json_string(value));
}

/* The string value of v, "" when it is none. */
static const char *str(const json_t *v)
{
    return json_string_value(v) ? json_string_value(v) : "";
}

/* Checks what any answer must satisfy; aborts otherwise. */
static void check(const enrol_answer *a)
{
    if (a->status < 200 || a->status > 599) abort();
    if (a->status < 300 && (a->code[0] || !a->state[0])) abort();
    if (a->status >= 300 && !a->code[0]) abort();
    if (!memchr(a->reason, 0, sizeof a->reason) || !memchr(a->state, 0, sizeof a->state)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ctx) {
        fuzz_core_setup();
        enrol_limits lim;
        enrol_limits_default(&lim);
        lim.addr_burst = lim.all_burst = 1 << 20;  /* the limits are not what is fuzzed here */
        lim.pending_max = 64;
        guard = enrol_guard_new(ctx, &lim, NULL);
        if (!guard) abort();
        fuzz_core_stop = stop;
    }
    enrol_answer a;
    enrol_request(guard, (const char *)data, size, "192.0.2.1", NOW, &a);
    check(&a);
    json_t *o = json_loadb((const char *)data, size, 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        return 0;
    }
    char ch[ENROL_CHALLENGE_SIZE], text[1024], sig[129];
    enrol_challenge(guard, NOW, ch);
    fill(o, "challenge", "CHALLENGE", ch);
    fill(o, "core", "CORE", core_signer_pub(core_ctx_signer(ctx)));
    fill(o, "pub", "KIOSK", bank_signer_pub(kiosk));
    const char *name = json_string_value(json_object_get(o, "name"));
    const char *s = json_string_value(json_object_get(o, "sig"));
    if (s && strcmp(s, "SIGN") == 0 && name) {
        int n = snprintf(text, sizeof text, PROTO_ENROL_TEXT, PROTO_ENROL_VERSION,
                         str(json_object_get(o, "core")), ch,
                         str(json_object_get(o, "pub")), name);
        if (n > 0 && (size_t)n < sizeof text && bank_signer_sign(kiosk, text, (size_t)n, sig) == 0)
            json_object_set_new(o, "sig", json_string(sig));
    }
    char *body = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!body) return 0;
    enrol_request(guard, body, strlen(body), "192.0.2.2", NOW, &a);
    check(&a);
    free(body);
    return 0;
}
