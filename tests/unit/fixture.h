/* fixture.h -- builds throw-away banks, exams, rosters and sessions for unit tests. */
#ifndef KISI_FIXTURE_H
#define KISI_FIXTURE_H

#include <stddef.h>

#include "bank.h"

#define FX_PASS "unit-test passphrase"

/* A fresh temporary folder; the caller removes it with fx_rmdir(). */
char *fx_tmpdir(void);
/* Removes the folder made by fx_tmpdir() and everything in it; frees dir. */
void fx_rmdir(char *dir);
/* "dir/name" in a static rotating buffer (valid for a few calls). */
const char *fx_path(const char *dir, const char *name);

/* Creates dir/bank.bank with `topics` topics "t0".."tN" of `per_topic`
 * single-answer items each (ids "t0-000"; key letter (j % 4) + A;
 * difficulty (j % 5) + 1; every 7th item pinned), unlocked. Fails the test
 * on error. Caller closes. */
bank *fx_bank(const char *dir, int topics, int per_topic);
/* Adds exam JSON to the bank; fails the test on error. */
void fx_exam(bank *b, const char *json);
/* Roster CSV of n participants with valid NIPs (fx_nip(i)) and PIN "1234567890";
 * caller frees. */
char *fx_roster(size_t n);
/* The NIP of participant i in fx_roster(), static buffer. */
const char *fx_nip(size_t i);
/* Creates session file `out` for exam `exam` with roster of n and optional
 * history; writes the token; fails the test on error. */
void fx_session(bank *b, const char *exam, size_t n, const char *history, const char *out,
                char token[BANK_TOKEN_LEN + 1]);
/* fx_session that also writes the proctor code into `proctor`
 * (BANK_PROCTOR_LEN + 1 bytes) when not NULL. */
void fx_session_proctor(bank *b, const char *exam, size_t n, const char *history,
                        const char *out, char token[BANK_TOKEN_LEN + 1], char *proctor);

/* The PRAGMA user_version (format version) of the Kisi file at path; -1 when
 * it cannot be read. */
int fx_file_version(const char *path);

#endif
