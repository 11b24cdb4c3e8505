/* session.h -- internal view of a session, shared by session.c and the drawing code. */
#ifndef KISI_SESSION_H
#define KISI_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "internal.h"

/* An item a participant has seen, and the last attempt it was on. */
typedef struct sess_seen {
    char *item;
    int attempt;
} sess_seen;

/* One roster entry. */
typedef struct sess_person {
    char *nip, *name;
    uint8_t pin_salt[16], pin_hash[32];
    int attempt;          /* the attempt this session holds */
    int extra_minutes;    /* extra time granted by the roster (an accommodation) */
    sess_seen *seen;      /* sorted by item id */
    size_t nseen;
} sess_person;

struct bank_session {
    bank *b;              /* borrowed */
    sqlite3 *db;
    char id[33];
    char exam_id[65];
    uint8_t exam_digest[32];
    int pin_logn;
    sess_person *people;
    size_t n;
    bool unlocked;
    uint8_t secret[32];   /* session secret, valid when unlocked */
    uint8_t fkey[32];     /* key of the stored forms, valid when unlocked */
    int draw_version;     /* draw algorithm that made the stored forms */
    bool exam_ok;         /* the bank's exam was found unchanged */
};

#define SESS_PIN_LOGN 13 /* scrypt N = 2^13 for each PIN verifier */

/* The SQL that makes the tables of a session file (kdb_create, kdb_open). */
extern const char sess_schema[];

/* Last attempt on which `p` saw `item`, 0 if never. */
int sess_seen_attempt(const sess_person *p, const char *item);

/* Parses a roster CSV (nip,name,pin[,extra_minutes]) into people (attempt 1, nothing
 * seen, PIN kept in `pins` for hashing). Caller frees with sess_people_free(). */
bank_err sess_parse_roster(const char *csv, size_t len, sess_person **people, char ***pins,
                           size_t *n, char *why);
/* Applies a FORMS.jsonl history of exam `exam_id` to people: attempt =
 * last earlier attempt + 1, seen items with their last attempt. */
bank_err sess_apply_history(const char *jsonl, size_t len, const char *exam_id,
                            sess_person *people, size_t n, char *why);
void sess_people_free(sess_person *people, size_t n);

/* Canonical code: upper case, spaces and dashes dropped, into out (want
 * + 1 bytes); false unless it is `want` characters of the token alphabet. */
bool sess_code_normalise(const char *in, size_t len, char *out, size_t want);
/* sess_code_normalise of a proctor token (BANK_TOKEN_LEN characters). */
bool sess_token_normalise(const char *in, size_t len, char out[BANK_TOKEN_LEN + 1]);
/* Checks the session MAC with data key `dkey`. */
bank_err sess_verify_mac(bank_session *s, const uint8_t dkey[BC_KEY], char *why);

/* The PIN verifier stored in the roster: HMAC-SHA-256, under a key derived
 * from the session secret (which only the token or the bank's passphrase
 * opens), of scrypt(pin, salt, N = 2^logn). Without the secret a stored
 * verifier cannot be checked against any guess. */
bank_err sess_pin_verifier(const uint8_t secret[32], const char *pin, const uint8_t salt[16],
                           int logn, uint8_t out[32]);

/* The proctor code's verifier: the same construction as the PIN's under
 * another key derived from the session secret. */
bank_err sess_proctor_verifier(const uint8_t secret[32], const char *code,
                               const uint8_t salt[16], int logn, uint8_t out[32]);
/* What a session stores of its proctor code: the verifier above, and the
 * session secret sealed under h = scrypt(code, salt, 2^logn) (additional
 * data sess_proctor_aad), so that a kiosk whose session no token has opened
 * yet can still check the code (opening the box is the check). */
bank_err sess_proctor_seal(const uint8_t secret[32], const char *code, const uint8_t salt[16],
                           int logn, const char *sid, const char *bid, uint8_t verifier[32],
                           uint8_t box[BC_SEALED(32)]);
/* Additional data of the proctor box of session sid of bank bid. */
void sess_proctor_aad(const char *sid, const char *bid, char out[128]);

/* Key that seals the forms of a session, from its data key. */
bank_err sess_forms_key(const uint8_t dkey[BC_KEY], uint8_t out[32]);
/* Seals forms[i] (the form of roster entry i) into the forms table of
 * the session file being made; s names the session (id, bank, roster). */
bank_err sess_forms_write(sqlite3 *db, const bank_session *s, const uint8_t fkey[32],
                          bank_form **forms, char *why);

#endif
