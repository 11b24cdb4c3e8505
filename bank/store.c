/* store.c -- the bank file: SQLite container, meta rows, passphrase-wrapped data key. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "internal.h"
#include "hex.h"
#include "num.h"
#include "why.h"

static const char BANK_SCHEMA[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE items(id TEXT PRIMARY KEY, version INTEGER NOT NULL,"
    " topic TEXT NOT NULL, kind INTEGER NOT NULL, difficulty INTEGER NOT NULL,"
    " weight INTEGER NOT NULL, noptions INTEGER NOT NULL, pinned INTEGER NOT NULL,"
    " draft INTEGER NOT NULL, band INTEGER NOT NULL, rank INTEGER NOT NULL,"
    " box BLOB NOT NULL);"
    "CREATE INDEX items_pool ON items(topic, draft, rank);"
    "CREATE INDEX items_band ON items(topic, draft, band, rank);"
    "CREATE INDEX items_diff ON items(topic, draft, difficulty);"
    "CREATE TABLE exams(id TEXT PRIMARY KEY, json TEXT NOT NULL);"
    "CREATE TABLE seal(id INTEGER PRIMARY KEY CHECK (id = 1), pub BLOB NOT NULL,"
    " manifest BLOB NOT NULL, sig BLOB NOT NULL);";

bank_err kdb_dberr(sqlite3 *db, int rc, const char *what, char *why)
{
    int primary = rc & 0xff;
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    why_set(why, "%s: %s", what, msg);
    switch (primary) {
    case SQLITE_NOTADB: return BANK_ENOTBANK;
    case SQLITE_CORRUPT: return BANK_ECORRUPT;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_FULL: return BANK_EIO;
    case SQLITE_NOMEM: return BANK_ENOMEM;
    default: return BANK_EDB;
    }
}

bank_err kdb_exec(sqlite3 *db, const char *sql, char *why)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? BANK_OK : kdb_dberr(db, rc, "database", why);
}

/* Reads one integer PRAGMA; -1 on failure. */
static long long pragma_int(sqlite3 *db, const char *sql, int *rcout)
{
    sqlite3_stmt *st = NULL;
    long long v = -1;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            v = sqlite3_column_int64(st, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    *rcout = rc;
    return v;
}

bank_err kdb_meta_get(sqlite3 *db, const char *key, uint8_t **val, size_t *len, char *why)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL);
    if (rc != SQLITE_OK) return kdb_dberr(db, rc, "meta", why);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    bank_err e = BANK_OK;
    if (rc == SQLITE_ROW) {
        int n = sqlite3_column_bytes(st, 0);
        const void *p = sqlite3_column_blob(st, 0);
        uint8_t *buf = malloc((size_t)n + 1);
        if (!buf) e = BANK_ENOMEM;
        else {
            if (n) memcpy(buf, p, (size_t)n);
            buf[n] = 0;
            *val = buf;
            *len = (size_t)n;
        }
    } else if (rc == SQLITE_DONE) {
        why_set(why, "meta row '%s' is missing", key);
        e = BANK_ENOTFOUND;
    } else {
        e = kdb_dberr(db, rc, "meta", why);
    }
    sqlite3_finalize(st);
    return e;
}

bank_err kdb_meta_put(sqlite3 *db, const char *key, const void *val, size_t len, char *why)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) return kdb_dberr(db, rc, "meta", why);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, val, (int)len, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? BANK_OK : kdb_dberr(db, rc, "meta", why);
}

/* Format version written for files of `kind`. */
static int kdb_version(const char *kind)
{
    return strcmp(kind, "session") == 0 ? BANK_SESSION_FORMAT_VERSION : BANK_FORMAT_VERSION;
}

/* Checks a file just opened as `db` from outside: hardens the connection,
 * then application id, kind and format version, then integrity and schema. */
static bank_err kdb_check(sqlite3 *db, const char *path, const char *kind, const char *schema,
                          char *why)
{
    int rc;
    bank_err he = kdb_harden(db);
    if (he) {
        why_set(why, "%s: cannot set up SQLite's defensive settings", path);
        return he;
    }
    long long app = pragma_int(db, "PRAGMA application_id", &rc);
    if (rc != SQLITE_OK) {
        bank_err e = kdb_dberr(db, rc, path, why);
        return e == BANK_EDB ? BANK_ENOTBANK : e;
    }
    if (app != BANK_APP_ID) {
        why_set(why, "%s is not a Kisi %s file", path, kind);
        return BANK_ENOTBANK;
    }
    long long ver = pragma_int(db, "PRAGMA user_version", &rc);
    if (rc != SQLITE_OK) return kdb_dberr(db, rc, path, why);
    int mine = kdb_version(kind);
    /* the kind first (a file of another kind has other versions), then the version */
    uint8_t *v = NULL;
    size_t n = 0;
    char sub[WHY_SIZE];
    bank_err e = kdb_meta_get(db, "kind", &v, &n, sub);
    if (e == BANK_OK && strcmp((char *)v, kind) != 0) {
        why_set(why, "%s is a Kisi %.20s file, not a %s file", path, (char *)v, kind);
        e = BANK_ENOTBANK;
    } else if (ver > mine) {
        why_set(why, "%s has %s format version %lld, newer than this program reads (%d):"
                     " upgrade Kisi",
                 path, kind, ver, mine);
        e = BANK_EVERSION;
    } else if (e != BANK_OK) {
        /* a meta table that cannot be read: say so, or what is wrong with the schema */
        why_set(why, "%s: %s", path, sub);
        if (e == BANK_ENOTFOUND || e == BANK_EDB) e = BANK_ENOTBANK;
        bank_err se = kdb_verify(db, path, kind, schema, why);
        if (se) e = se;
        else why_set(why, "%s: %s", path, sub);
    } else if (ver < BANK_SESSION_FORMAT_OLDEST && strcmp(kind, "session") == 0) {
        why_set(why, "%s has session format version %lld, made by an older Kisi whose MAC,"
                     " PINs or proctor code this one no longer trusts, or without the extra"
                     " time: make the session again with `bank session`",
                 path, ver);
        e = BANK_EVERSION;
    } else if (strcmp(kind, "session") != 0 && ver < BANK_FORMAT_OLDEST) {
        why_set(why, "%s has bank format version %lld, made by an older Kisi whose seal does"
                     " not cover the schema: make the bank again (init, import, exam-add,"
                     " seal)",
                 path, ver);
        e = BANK_EVERSION;
    }
    free(v);
    return e ? e : kdb_verify(db, path, kind, schema, why);
}

sqlite3 *kdb_open(const char *path, bool writable, const char *kind, const char *schema,
                  bank_err *err, char *why)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        why_set(why, "%s: %s", path, strerror(errno));
        *err = BANK_EIO;
        return NULL;
    }
    if (!S_ISREG(sb.st_mode)) {
        why_set(why, "%s is not a regular file", path);
        *err = BANK_ENOTBANK;
        return NULL;
    }
    sqlite3 *db = NULL;
    int flags = writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
    int rc = sqlite3_open_v2(path, &db, flags, NULL);
    if (rc != SQLITE_OK) {
        *err = kdb_dberr(db, rc, path, why);
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    *err = kdb_check(db, path, kind, schema, why);
    if (*err == BANK_OK && writable)
        *err = kdb_exec(db, "PRAGMA synchronous=FULL", why);
    if (*err != BANK_OK) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

sqlite3 *kdb_open_mem(const void *data, size_t len, const char *name, const char *kind,
                      const char *schema, bank_err *err, char *why)
{
    sqlite3 *db = NULL;
    /* SQLite frees the copy with the connection; the caller keeps its own */
    unsigned char *copy = len ? sqlite3_malloc64(len) : NULL;
    if (!copy) {
        why_set(why, len ? "%s: out of memory" : "%s is empty", name);
        *err = len ? BANK_ENOMEM : BANK_ENOTBANK;
        return NULL;
    }
    memcpy(copy, data, len);
    /* a file left in WAL mode reads as a rollback-journal one: the image
     * holds every committed page, and memory has no WAL beside it */
    if (len >= 100 && copy[18] == 2 && copy[19] == 2) copy[18] = copy[19] = 1;
    int rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_free(copy);
    } else {
        rc = sqlite3_deserialize(db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
                                 SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
    }
    if (rc != SQLITE_OK) {
        *err = kdb_dberr(db, rc, name, why);
        sqlite3_close(db);
        return NULL;
    }
    *err = kdb_check(db, name, kind, schema, why);
    if (*err != BANK_OK) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

sqlite3 *kdb_create(const char *path, const char *kind, const char *schema, bank_err *err,
                    char *why)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        why_set(why, "%s: %s", path, strerror(errno));
        *err = errno == EEXIST ? BANK_EEXIST : BANK_EIO;
        return NULL;
    }
    close(fd);
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) {
        *err = kdb_dberr(db, rc, path, why);
        goto fail;
    }
    char pragmas[128];
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA application_id=%d; PRAGMA user_version=%d; PRAGMA synchronous=FULL;",
             BANK_APP_ID, kdb_version(kind));
    if ((*err = kdb_exec(db, pragmas, why)) != BANK_OK) goto fail;
    if ((*err = kdb_exec(db, schema, why)) != BANK_OK) goto fail;
    if ((*err = kdb_meta_put(db, "kind", kind, strlen(kind), why)) != BANK_OK) goto fail;
    return db;
fail:
    sqlite3_close(db);
    unlink(path);
    return NULL;
}

void bk_set_key(bank *b, const uint8_t key[BC_KEY])
{
    memcpy(b->dkey, key, BC_KEY);
    b->unlocked = true;
}

/* Additional data binding a wrapped key to its bank. */
static void wrap_aad(const bank *b, char aad[64])
{
    snprintf(aad, 64, "kisi-bank-key:%s", b->id);
}

bank *bank_create(const char *path, const char *pass, size_t passlen, bank_err *err,
                  char *why)
{
    bank_err e = BANK_OK;
    if (passlen == 0) {
        why_set(why, "the passphrase is empty");
        *err = BANK_EPASSPHRASE;
        return NULL;
    }
    bank *b = calloc(1, sizeof *b);
    if (!b) {
        *err = BANK_ENOMEM;
        return NULL;
    }
    b->writable = true;
    uint8_t salt[16], kek[BC_KEY], box[BC_SEALED(BC_KEY)];
    char aad[64];
    if ((e = bc_random(b->idraw, sizeof b->idraw)) || (e = bc_random(b->dkey, BC_KEY)) ||
        (e = bc_random(salt, sizeof salt))) {
        why_set(why, "no random numbers available");
        goto fail;
    }
    hex_encode(b->idraw, sizeof b->idraw, b->id);
    b->unlocked = true;
    wrap_aad(b, aad);
    e = bc_scrypt(pass, passlen, salt, sizeof salt, BANK_KDF_LOGN, kek, sizeof kek);
    if (!e) e = bc_seal(kek, aad, strlen(aad), b->dkey, BC_KEY, box);
    OPENSSL_cleanse(kek, sizeof kek);
    if (e) {
        why_set(why, "cannot wrap the data key");
        goto fail;
    }
    b->db = kdb_create(path, "bank", BANK_SCHEMA, &e, why);
    if (!b->db) goto fail;
    char logn[8];
    snprintf(logn, sizeof logn, "%d", BANK_KDF_LOGN);
    if ((e = kdb_exec(b->db, "BEGIN", why)) ||
        (e = kdb_meta_put(b->db, "bank_id", b->id, strlen(b->id), why)) ||
        (e = kdb_meta_put(b->db, "kdf_logn", logn, strlen(logn), why)) ||
        (e = kdb_meta_put(b->db, "kdf_salt", salt, sizeof salt, why)) ||
        (e = kdb_meta_put(b->db, "wrapped_key", box, sizeof box, why)) ||
        (e = kdb_exec(b->db, "COMMIT", why))) {
        sqlite3_close(b->db);
        b->db = NULL;
        unlink(path);
        goto fail;
    }
    return b;
fail:
    bank_close(b);
    *err = e;
    return NULL;
}

/* bank_open of the file at path, or of the len bytes at data (then named
 * `path` in messages). */
static bank *bank_open_any(const char *path, const void *data, size_t len, bool writable,
                           bank_err *err, char *why)
{
    bank *b = calloc(1, sizeof *b);
    if (!b) {
        *err = BANK_ENOMEM;
        return NULL;
    }
    b->writable = writable;
    b->db = data ? kdb_open_mem(data, len, path, "bank", BANK_SCHEMA, err, why)
                 : kdb_open(path, writable, "bank", BANK_SCHEMA, err, why);
    if (!b->db) {
        free(b);
        return NULL;
    }
    uint8_t *id = NULL;
    size_t n = 0;
    *err = kdb_meta_get(b->db, "bank_id", &id, &n, why);
    if (*err == BANK_OK && (n != 32 || hex_decode((char *)id, b->idraw, 16) != 0)) {
        why_set(why, "%s: bank id is damaged", path);
        *err = BANK_ECORRUPT;
    }
    if (*err == BANK_OK) memcpy(b->id, id, 33);
    free(id);
    if (*err != BANK_OK) {
        if (*err == BANK_ENOTFOUND) *err = BANK_ECORRUPT;
        bank_close(b);
        return NULL;
    }
    return b;
}

bank *bank_open(const char *path, bool writable, bank_err *err, char *why)
{
    return bank_open_any(path, NULL, 0, writable, err, why);
}

bank *bank_open_mem(const void *data, size_t len, const char *name, bank_err *err, char *why)
{
    return bank_open_any(name, data ? data : "", len, false, err, why);
}

void bank_close(bank *b)
{
    if (!b) return;
    sqlite3_close(b->db);
    keycache_free(b->keys);
    bank_exam_free(b->exam);
    OPENSSL_cleanse(b->dkey, sizeof b->dkey);
    free(b);
}

bank_err bank_unlock(bank *b, const char *pass, size_t passlen, char *why)
{
    uint8_t *salt = NULL, *box = NULL, *logn = NULL;
    size_t saltlen = 0, boxlen = 0, lognlen = 0;
    uint8_t kek[BC_KEY], key[BC_KEY];
    char aad[64];
    bank_err e;
    if ((e = kdb_meta_get(b->db, "kdf_salt", &salt, &saltlen, why)) ||
        (e = kdb_meta_get(b->db, "wrapped_key", &box, &boxlen, why)) ||
        (e = kdb_meta_get(b->db, "kdf_logn", &logn, &lognlen, why))) {
        if (e == BANK_ENOTFOUND) e = BANK_ECORRUPT;
        goto out;
    }
    char ntext[16] = "";
    int n = 0;
    if (lognlen < sizeof ntext) memcpy(ntext, logn, lognlen);
    if (boxlen != BC_SEALED(BC_KEY) || lognlen >= sizeof ntext || !num_text_int(ntext, 10, 22, &n)) {
        why_set(why, "wrapped key is damaged");
        e = BANK_ECORRUPT;
        goto out;
    }
    e = bc_scrypt(pass, passlen, salt, saltlen, n, kek, sizeof kek);
    if (e) goto out;
    wrap_aad(b, aad);
    e = bc_open(kek, aad, strlen(aad), box, boxlen, key);
    OPENSSL_cleanse(kek, sizeof kek);
    if (e == BANK_ETAMPER) {
        why_set(why, "the passphrase does not open this bank");
        e = BANK_EPASSPHRASE;
        goto out;
    }
    if (e) goto out;
    bk_set_key(b, key);
    OPENSSL_cleanse(key, sizeof key);
out:
    free(salt);
    free(box);
    free(logn);
    return e;
}

bool bank_is_unlocked(const bank *b)
{
    return b->unlocked;
}

const char *bank_id(const bank *b)
{
    return b->id;
}

void kdb_row_digest(sqlite3_stmt *st, int ncols, uint8_t out[32])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        memset(out, 0, 32);
        EVP_MD_CTX_free(md);
        return;
    }
    for (int c = 0; c < ncols; c++) {
        uint8_t tag = (uint8_t)sqlite3_column_type(st, c);
        const void *p = sqlite3_column_blob(st, c);
        uint64_t n = (uint64_t)sqlite3_column_bytes(st, c);
        uint8_t len[8];
        for (int i = 0; i < 8; i++) len[i] = (uint8_t)(n >> (56 - 8 * i));
        EVP_DigestUpdate(md, &tag, 1);
        EVP_DigestUpdate(md, len, 8);
        if (n) EVP_DigestUpdate(md, p, (size_t)n);
    }
    unsigned int outlen = 32;
    EVP_DigestFinal_ex(md, out, &outlen);
    EVP_MD_CTX_free(md);
}
