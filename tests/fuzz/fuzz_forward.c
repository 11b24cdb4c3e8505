/* fuzz_forward.c -- libFuzzer target: the body of a result a room core forwards to the
 * central core (POST /v1/forward), over HTTP on the loopback. A body whose "sig" is "SIGN"
 * has its record signed by the approved fuzz kiosk first, so that inputs reach the checks
 * past the signature. A result taken must carry the core's receipt that a room core accepts
 * (forward_receipt_check); one whose signature does not hold is never taken. The core
 * holds the known-answer bank and session, so that a forwarded known-good record is stored. */
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "forward.h"
#include "fuzz_server.h"
#include "hex.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ANSWER_MAX 16384

/* hex SHA-256 of len bytes of p into out (65 bytes). */
static void digest_hex(const char *p, size_t len, char out[65])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!EVP_Digest(p, len, d, &n, EVP_sha256(), NULL) || n != 32) abort();
    hex_encode(d, 32, out);
}

/* POSTs body to /v1/forward; aborts when the answer breaks a rule. */
static void send_body(const char *body, size_t len)
{
    static char req[ANSWER_MAX + 256], answer[ANSWER_MAX + 1];
    if (len > ANSWER_MAX) return;
    int head = snprintf(req, sizeof req,
                        "POST " PROTO_PATH_FORWARD " HTTP/1.1\r\nHost: x\r\nContent-Type: "
                        PROTO_TYPE_JSON "\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", len);
    memcpy(req + head, body, len);
    ssize_t n = fuzz_server_exchange((const uint8_t *)req, (size_t)head + len, answer, ANSWER_MAX);
    fuzz_server_alive(answer, n);
    answer[n] = 0;
    /* no answer in the exchange's wait (a slow machine) proves nothing either way */
    if (n < 12) return;
    int status = atoi(answer + 9);
    if (status < 200 || status >= 600) abort();
    if (status != 200 && status != 201) return;
    /* taken: the record's signature holds, and the receipt is for exactly it */
    json_t *o = json_loadb(body, len, 0, NULL);
    const char *rec = json_string_value(json_object_get(o, "record")),
               *kiosk_pub = json_string_value(json_object_get(o, "kiosk")),
               *sig = json_string_value(json_object_get(o, "sig")), *text = strstr(answer, "\r\n\r\n");
    char dg[65], why[WHY_SIZE] = "", *receipt = NULL;
    if (!rec || !kiosk_pub || !sig || !text) abort();
    size_t rlen = json_string_length(json_object_get(o, "record"));
    if (bank_sig_verify(kiosk_pub, rec, rlen, sig) != BANK_OK) abort();
    digest_hex(rec, rlen, dg);
    text += 4;
    if (forward_receipt_check(text, strlen(text), core_signer_pub(core_ctx_signer(ctx)), dg,
                              kiosk_pub, &receipt, why) != 0)
        abort();
    free(receipt);
    json_decref(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzz_server) {
        fuzz_server_start();
        fuzz_core_kat();
    }
    send_body((const char *)data, size);
    json_t *o = json_loadb((const char *)data, size, 0, NULL);
    const char *s = json_string_value(json_object_get(o, "sig"));
    json_t *rec = json_object_get(o, "record");
    char sig[129];
    if (s && strcmp(s, "SIGN") == 0 && json_is_string(rec) &&
        bank_signer_sign(kiosk, json_string_value(rec), json_string_length(rec), sig) == BANK_OK) {
        json_object_set_new(o, "sig", json_string(sig));
        json_object_set_new(o, "kiosk", json_string(bank_signer_pub(kiosk)));
        char *body = json_dumps(o, JSON_COMPACT);
        if (body) send_body(body, strlen(body));
        free(body);
    }
    json_decref(o);
    return 0;
}
