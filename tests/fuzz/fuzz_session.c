/* fuzz_session.c -- libFuzzer target: opening and unlocking a session file held in memory
 * (bank_session_open_mem) for the known-answer bank tests/kat/bank.bank. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "why.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bank *kat;
static char kat_token[64]; /* tests/kat/token: the known-answer session's token */

/* Closes the bank at exit. */
static void done(void)
{
    bank_close(kat);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[WHY_SIZE] = "";
    bank_err err = BANK_OK;
    if (!kat) {
        /* run from the top of the tree, as make does */
        kat = bank_open("tests/kat/bank.bank", false, &err, why);
        if (!kat) {
            fprintf(stderr, "fuzz_session: %s\n", why);
            abort();
        }
        atexit(done);
        FILE *f = fopen("tests/kat/token", "r");
        if (!f || !fgets(kat_token, sizeof kat_token, f)) {
            fprintf(stderr, "fuzz_session: cannot read tests/kat/token\n");
            abort();
        }
        fclose(f);
        kat_token[strcspn(kat_token, "\r\n")] = 0;
    }
    bank_session *s = bank_session_open_mem(kat, data, size, "fuzz.session", &err, why);
    if (!s) {
        if (err == BANK_OK || !why[0] || memchr(why, '\0', sizeof why) == NULL ||
            strchr(why, '\n'))
            abort();
        return 0;
    }
    if (bank_session_unlock(s, kat_token, strlen(kat_token), why) == BANK_OK &&
        (strlen(bank_session_id(s)) != 32 || !bank_session_exam_id(s)))
        abort();
    bank_session_close(s);
    return 0;
}
