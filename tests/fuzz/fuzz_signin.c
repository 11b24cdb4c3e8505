/* fuzz_signin.c -- libFuzzer target: the proctor's sign-in at the core (proctor_login over the
 * body of POST /v1/proctor/login, read as the route reads it) and the sign-in cookie
 * (proctor_check). The core holds the known-answer session and a session S made here, whose
 * proctor code a body's "code": "CODE" stands for ("code": as people type it, in lower case
 * and groups of 4); only that code opens S, and a cookie is
 * live only when it is one the core gave and has not forgotten. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "fuzz_core.h"
#include "hex.h"
#include "proctor.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1800000000000LL

static seats *rm;
static proctor *pr;
static char code_s[BANK_PROCTOR_LEN + 1], id_s[33];

static void stop(void)
{
    proctor_free(pr);
    seats_free(rm);
    OPENSSL_cleanse(code_s, sizeof code_s);
}

/* Makes session S of the known-answer bank in the core's folder and adds it; aborts on failure. */
static void session_s(void)
{
    char why[WHY_SIZE] = "", path[128], token[BANK_TOKEN_LEN + 1], bid[33], exam[65], *pass = NULL,
         *roster = NULL;
    size_t plen = 0, rlen = 0;
    bank_err e = BANK_OK;
    bank *b = bank_open("tests/kat/bank.bank", false, &e, why);
    snprintf(path, sizeof path, "%s/s.session", fuzz_dir);
    bank_session_spec spec = {.exam_id = "kat-quiz", .proctor_code = code_s};
    if (!b || bank_file_read("tests/kat/passphrase", 4096, &pass, &plen, why) != BANK_OK ||
        bank_unlock(b, pass, plen, why) != BANK_OK ||
        bank_file_read("tests/kat/roster.csv", 1 << 20, &roster, &rlen, why) != BANK_OK ||
        (spec.roster_csv = roster, spec.roster_len = rlen,
         bank_session_create(b, &spec, path, token, why) != BANK_OK) ||
        core_session_add(ctx, path, why) != 0 ||
        bank_session_info(path, bid, id_s, exam, why) != BANK_OK) {
        fprintf(stderr, "fuzz_signin: session S: %s\n", why);
        abort();
    }
    free(pass);
    free(roster);
    bank_close(b);
}

/* The code as the bank compares it: case, spaces, tabs, line ends and dashes ignored. */
static void normalised(const char *code, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n + 1 < cap; i++) {
        char c = code[i];
        if (c == ' ' || c == '-' || c == '\n' || c == '\r' || c == '\t') continue;
        out[n++] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
    }
    out[n] = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ctx) {
        fuzz_core_setup();
        fuzz_core_kat();
        session_s();
        rm = seats_new(st, core_ctx_signer(ctx), NULL);
        pr = rm ? proctor_new(ctx, rm, NULL) : NULL;
        if (!pr) abort();
        fuzz_core_stop = stop;
    }
    /* the input as a cookie: never one the core gave */
    char *raw = malloc(size + 1), cookie[65] = "", why[WHY_SIZE] = "", norm[80];
    if (!raw) return 0;
    memcpy(raw, data, size);
    raw[size] = 0;
    proctor_who who;
    if (proctor_check(pr, raw, NOW, &who) != 0) abort();
    free(raw);
    /* the input as a sign-in body */
    json_t *o = json_loadb((const char *)data, size, 0, NULL);
    const char *code = json_string_value(json_object_get(o, "code")),
               *sid = json_string_value(json_object_get(o, "session"));
    size_t len = json_string_length(json_object_get(o, "code"));
    char typed[BANK_PROCTOR_LEN + 4];
    if (code && strcmp(code, "CODE") == 0) {
        code = code_s, len = strlen(code_s);
    } else if (code && strcmp(code, "code") == 0) {
        /* as people type it: lower case, in groups of 4 */
        bank_proctor_format(code_s, typed);
        for (char *c = typed; *c; c++) *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
        code = typed, len = strlen(typed);
    }
    if (!code) {
        json_decref(o);
        return 0;
    }
    int ok = proctor_login(pr, code, len, sid, NOW, cookie, &who, why);
    normalised(code, len, norm, sizeof norm);
    bool right = strlen(code) == len && len <= 64 && strcmp(norm, code_s) == 0 && (!sid || !*sid ||
                                                                     strcmp(sid, id_s) == 0);
    if (ok < 0 || (ok == 1) != right) abort();
    if (ok == 1) {
        /* a live cookie of S, forgotten on sign-out */
        proctor_who w;
        if (!hex_valid(cookie, 64) || strcmp(who.session, id_s) != 0 ||
            proctor_check(pr, cookie, NOW, &w) != 1 || strcmp(w.session, id_s) != 0 ||
            proctor_check(pr, cookie, who.expires_ms, &w) != 0)
            abort();
        proctor_logout(pr, cookie);
    }
    json_decref(o);
    return 0;
}
