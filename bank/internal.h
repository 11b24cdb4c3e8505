/* internal.h -- shared internals of libbank: the bank handle and helpers. */
#ifndef KISI_INTERNAL_H
#define KISI_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "bank.h"
#include "crypto.h"
#include "why.h"

#define BANK_APP_ID 0x4b495349  /* "KISI" in PRAGMA application_id */
#define BANK_KDF_LOGN 15        /* scrypt N = 2^15 for the passphrase */

/* What scoring needs of an item, kept after its first decryption. */
typedef struct keyinfo {
    char key[BANK_MAX_OPTIONS + 1];
    int weight;
    int noptions;
    char topic[65];
} keyinfo;
typedef struct keycache keycache;

struct bank {
    sqlite3 *db;
    bool writable;
    bool unlocked;
    char id[33];               /* hex bank id */
    uint8_t idraw[16];
    uint8_t dkey[BC_KEY];      /* data key, valid when unlocked */
    keycache *keys;            /* see keycache_get(); NULL until used */
    bank_exam *exam;           /* the exam last scored against, cached */
};

/* Key, weight and topic of item `id`, decrypting it the first time only.
 * The pointer is valid until the next keycache_get() on the same bank (the
 * cache moves its entries when it grows). */
bank_err keycache_get(bank *b, const char *id, const keyinfo **out, char *why);
/* Wipes and frees a key cache. NULL is a no-op. */
void keycache_free(keycache *c);

/* Translates a SQLite failure: sets why to "<what>: <sqlite message>" and
 * returns BANK_ENOTBANK / BANK_ECORRUPT / BANK_EIO / BANK_EDB. */
bank_err kdb_dberr(sqlite3 *db, int rc, const char *what, char *why);

/* Opens a Kisi SQLite file of `kind` ("bank" or "session") as hostile
 * input: kdb_harden() before anything is read, then application id, kind
 * and format version, then kdb_verify() against `schema` (the text
 * kdb_create() applies). The caller closes with sqlite3_close(). */
sqlite3 *kdb_open(const char *path, bool writable, const char *kind, const char *schema,
                  bank_err *err, char *why);
/* The same for a file held in memory (len bytes, copied), opened
 * read-only; `name` stands for it in messages. */
sqlite3 *kdb_open_mem(const void *data, size_t len, const char *name, const char *kind,
                      const char *schema, bank_err *err, char *why);

/* SQLite's defensive settings on a connection to a file from outside:
 * defensive mode, untrusted schema, no extensions, triggers or views,
 * tight limits, and a progress handler that stops a statement after a
 * bounded amount of work. Call before the first statement. BANK_ENOMEM
 * (or BANK_EDB) when the work budget cannot be set up. */
bank_err kdb_harden(sqlite3 *db);
/* PRAGMA integrity_check: BANK_ECORRUPT with the first problem in why. */
bank_err kdb_integrity(sqlite3 *db, const char *name, char *why);
/* Compares the rows of sqlite_schema (type, name, tbl_name, sql) with
 * those `schema` makes in an empty database: every table, index, view and
 * trigger must be there exactly, nothing else. BANK_ETAMPER naming the
 * first row extra, missing or changed. */
bank_err kdb_schema_check(sqlite3 *db, const char *name, const char *kind, const char *schema,
                          char *why);
/* kdb_integrity() then kdb_schema_check(). */
bank_err kdb_verify(sqlite3 *db, const char *name, const char *kind, const char *schema,
                    char *why);
/* Creates `path` exclusively (must not exist) as a Kisi SQLite file of
 * `kind` with `schema` applied. */
sqlite3 *kdb_create(const char *path, const char *kind, const char *schema, bank_err *err,
                    char *why);
/* Runs SQL without results. */
bank_err kdb_exec(sqlite3 *db, const char *sql, char *why);
/* meta table access: value copied into a malloc'd buffer (caller frees,
 * NUL-terminated for convenience). BANK_ENOTFOUND when absent. */
bank_err kdb_meta_get(sqlite3 *db, const char *key, uint8_t **val, size_t *len, char *why);
bank_err kdb_meta_put(sqlite3 *db, const char *key, const void *val, size_t len, char *why);

/* SHA-256 of the first `ncols` columns of the current row of `st`, each
 * as type tag, 64-bit length and bytes: equal digests mean equal rows. */
void kdb_row_digest(sqlite3_stmt *st, int ncols, uint8_t out[32]);

/* Installs a data key into `b` (copied; wiped at close). */
void bk_set_key(bank *b, const uint8_t key[BC_KEY]);

#endif
