/* session_key.c -- keys derived from an unlocked session's secret for its clients (the kiosk's journal chain). */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "session.h"

bank_err bank_session_journal_key(const bank_session *s, const char *attempt,
                                  uint8_t key[BANK_JOURNAL_KEY])
{
    if (!s || !attempt || !key) return BANK_EINVAL;
    if (!s->unlocked) return BANK_ELOCKED;
    char info[320];
    if ((size_t)snprintf(info, sizeof info, "kisi-journal-chain:1:%s:%s", s->id, attempt) >=
        sizeof info)
        return BANK_EINVAL;
    return bc_hkdf(s->secret, sizeof s->secret, info, key, BANK_JOURNAL_KEY);
}
