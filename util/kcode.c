/* kcode.c -- a kiosk's approval code: 8 characters the kiosk shows and the operator types. */
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "hex.h"
#include "kcode.h"

static const char B32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char CONTEXT[] = "kisi-kiosk-code";

int kcode_of(const char *pub, char code[KCODE_SIZE])
{
    uint8_t in[sizeof CONTEXT - 1 + 32], d[EVP_MAX_MD_SIZE];
    unsigned dn = 0;
    code[0] = 0;
    memcpy(in, CONTEXT, sizeof CONTEXT - 1);
    if (!hex_valid(pub, 64) || hex_decode(pub, in + sizeof CONTEXT - 1, 32) != 0 ||
        !EVP_Digest(in, sizeof in, d, &dn, EVP_sha256(), NULL))
        return -1;
    uint64_t bits = (uint64_t)d[0] << 32 | (uint64_t)d[1] << 24 | (uint64_t)d[2] << 16 |
                    (uint64_t)d[3] << 8 | d[4];
    for (int i = 0, at = 0; i < 8; i++) {
        if (i == 4) code[at++] = '-';
        code[at++] = B32[(bits >> (35 - 5 * i)) & 31];
    }
    code[9] = 0;
    return 0;
}

int kcode_parse(const char *typed, char code[KCODE_SIZE])
{
    int n = 0;
    code[0] = 0;
    for (const char *p = typed; p && *p; p++) {
        char c = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
        if (c == '-' || c == ' ') continue;
        c = c == '0' ? 'O' : c == '1' ? 'I' : c == '8' ? 'B' : c;
        if (n == 8 || !c || !strchr(B32, c)) return code[0] = 0, -1;
        code[n < 4 ? n : n + 1] = c;
        n++;
    }
    if (n != 8) return code[0] = 0, -1;
    code[4] = '-';
    code[9] = 0;
    return 0;
}
