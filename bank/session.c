/* session.c -- session files: roster, history, the token-wrapped data key, proctor code, MAC. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "draw.h"
#include "session.h"
#include "hex.h"
#include "why.h"

#define TOKEN_LOGN 15 /* scrypt N = 2^15 for the proctor token */
#define PROCTOR_LOGN 15 /* scrypt N = 2^15 for the proctor code's verifier */
#define PIN_THREADS 64 /* PIN-hashing threads at most (one per core) */

const char sess_schema[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE roster(pos INTEGER PRIMARY KEY, nip TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
    " pin_salt BLOB NOT NULL, pin_hash BLOB NOT NULL, attempt INTEGER NOT NULL,"
    " extra_minutes INTEGER NOT NULL);"
    "CREATE TABLE seen(nip TEXT NOT NULL, item TEXT NOT NULL, attempt INTEGER NOT NULL,"
    " PRIMARY KEY(nip, item));"
    "CREATE TABLE forms(pos INTEGER PRIMARY KEY, box BLOB NOT NULL);";

/* Digest of the exam definition a session was made for. */
static bank_err exam_digest(const bank_exam *e, uint8_t out[32])
{
    char *json = bank_exam_json(e);
    if (!json) return BANK_ENOMEM;
    bc_sha256(json, strlen(json), out);
    free(json);
    return BANK_OK;
}

/* Additional data for the token-wrapped key and the sealed secret. */
static void box_aad(const char *what, const char *sid, const char *bid, char out[128])
{
    snprintf(out, 128, "kisi-session-%s:%s:%s", what, sid, bid);
}

/* HMAC over the schema and every row of the session file except the MAC itself. */
static bank_err session_mac(sqlite3 *db, const uint8_t dkey[BC_KEY], uint8_t out[32],
                            char *why)
{
    static const char *const queries[] = {
        "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY 1, 2, 3, 4",
        "SELECT key, value FROM meta WHERE key <> 'mac' ORDER BY key",
        "SELECT pos, nip, name, pin_salt, pin_hash, attempt, extra_minutes FROM roster"
        " ORDER BY pos",
        "SELECT nip, item, attempt FROM seen ORDER BY nip, item",
        "SELECT pos, box FROM forms ORDER BY pos",
    };
    uint8_t mackey[32];
    bank_err e = bc_hkdf(dkey, BC_KEY, "kisi-session-mac", mackey, sizeof mackey);
    size_t cap = 1024, n = 0;
    uint8_t *digests = malloc(cap);
    if (!digests) e = BANK_ENOMEM;
    for (size_t q = 0; !e && q < sizeof queries / sizeof queries[0]; q++) {
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(db, queries[q], -1, &st, NULL);
        while (rc == SQLITE_OK || rc == SQLITE_ROW) {
            if ((rc = sqlite3_step(st)) != SQLITE_ROW) break;
            if (n + 32 > cap) {
                uint8_t *nd = realloc(digests, cap *= 2);
                if (!nd) {
                    e = BANK_ENOMEM;
                    break;
                }
                digests = nd;
            }
            kdb_row_digest(st, sqlite3_column_count(st), digests + n);
            n += 32;
        }
        if (!e && rc != SQLITE_DONE) e = kdb_dberr(db, rc, "session", why);
        sqlite3_finalize(st);
    }
    if (!e) e = bc_hmac(mackey, sizeof mackey, digests, n, out);
    OPENSSL_cleanse(mackey, sizeof mackey);
    free(digests);
    return e;
}

/* Makes a random code of `len` characters from the alphabet without look-alikes. */
static bank_err make_code(char *out, size_t len)
{
    static const char alphabet[] = BANK_TOKEN_ALPHABET;
    const uint32_t n = sizeof alphabet - 1;
    for (size_t i = 0; i < len; i++) {
        uint8_t x;
        do {
            if (bc_random(&x, 1)) return BANK_ECRYPTO;
        } while (x >= 256 - 256 % n);
        out[i] = alphabet[x % n];
    }
    out[len] = 0;
    return BANK_OK;
}

bool sess_code_normalise(const char *in, size_t len, char *out, size_t want)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        if (c == ' ' || c == '-' || c == '\n' || c == '\r' || c == '\t') continue;
        if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        if (n == want || !strchr(BANK_TOKEN_ALPHABET, c) || c == 0) return false;
        out[n++] = c;
    }
    out[n] = 0;
    return n == want;
}

bool sess_token_normalise(const char *in, size_t len, char out[BANK_TOKEN_LEN + 1])
{
    return sess_code_normalise(in, len, out, BANK_TOKEN_LEN);
}

void bank_proctor_format(const char *code, char out[BANK_PROCTOR_LEN + 4])
{
    size_t n = 0;
    for (size_t i = 0; i < BANK_PROCTOR_LEN && code[i]; i++) {
        if (i && i % 4 == 0) out[n++] = '-';
        out[n++] = code[i];
    }
    out[n] = 0;
}

bank_err sess_verify_mac(bank_session *s, const uint8_t dkey[BC_KEY], char *why)
{
    uint8_t *stored = NULL, mac[32];
    size_t n = 0;
    bank_err e = kdb_meta_get(s->db, "mac", &stored, &n, why);
    if (e) return e == BANK_ENOTFOUND ? BANK_ETAMPER : e;
    e = session_mac(s->db, dkey, mac, why);
    if (!e && (n != 32 || CRYPTO_memcmp(mac, stored, 32) != 0)) {
        why_set(why, "session file has been altered since it was made");
        e = BANK_ETAMPER;
    }
    free(stored);
    return e;
}

/* Writes the roster and seen rows. */
static bank_err write_people(sqlite3 *db, sess_person *p, size_t n, char *why)
{
    sqlite3_stmt *r = NULL, *s = NULL;
    int rc = sqlite3_prepare_v2(db, "INSERT INTO roster VALUES(?,?,?,?,?,?,?)", -1, &r, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "INSERT INTO seen VALUES(?,?,?)", -1, &s, NULL);
    for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
        sqlite3_reset(r);
        sqlite3_bind_int64(r, 1, (sqlite3_int64)i);
        sqlite3_bind_text(r, 2, p[i].nip, -1, SQLITE_STATIC);
        sqlite3_bind_text(r, 3, p[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_blob(r, 4, p[i].pin_salt, 16, SQLITE_STATIC);
        sqlite3_bind_blob(r, 5, p[i].pin_hash, 32, SQLITE_STATIC);
        sqlite3_bind_int(r, 6, p[i].attempt);
        sqlite3_bind_int(r, 7, p[i].extra_minutes);
        rc = sqlite3_step(r) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
        for (size_t k = 0; rc == SQLITE_OK && k < p[i].nseen; k++) {
            sqlite3_reset(s);
            sqlite3_bind_text(s, 1, p[i].nip, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 2, p[i].seen[k].item, -1, SQLITE_STATIC);
            sqlite3_bind_int(s, 3, p[i].seen[k].attempt);
            rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
        }
    }
    sqlite3_finalize(r);
    sqlite3_finalize(s);
    return rc == SQLITE_OK ? BANK_OK : kdb_dberr(db, rc, "session roster", why);
}

/* Checks attempts against the exam's rules for every participant. */
static bank_err check_attempts(const bank_exam *ex, sess_person *p, size_t n, char *why)
{
    int max = bank_exam_max_attempts(ex);
    for (size_t i = 0; i < n; i++) {
        if (max > 0 && p[i].attempt > max) {
            why_set(why, "%s (%s) would sit attempt %d of %s, which allows %d", p[i].nip,
                     p[i].name, p[i].attempt, bank_exam_id(ex), max);
            return BANK_EATTEMPTS;
        }
        if (bank_exam_ceiling(ex, p[i].attempt) < 0) {
            why_set(why, "exam %s has no ceiling for attempt %d", bank_exam_id(ex),
                     p[i].attempt);
            return BANK_EATTEMPTS;
        }
    }
    return BANK_OK;
}

/* Writes everything secret-bearing: token box, secret box, meta rows. */
static bank_err write_meta(sqlite3 *db, bank *b, const bank_exam *ex, const char *sid,
                           const bank_session_spec *spec, const char *token,
                           const char *proctor, const uint8_t secret[32], char *why)
{
    uint8_t salt[16], kek[BC_KEY], tbox[BC_SEALED(BC_KEY)], sbox[BC_SEALED(32)];
    uint8_t psalt[16], pver[32], pbox[BC_SEALED(32)];
    uint8_t digest[32];
    char aad[128], num[32];
    bank_err e;
    if ((e = bc_random(salt, sizeof salt))) return e;
    e = bc_scrypt(token, strlen(token), salt, sizeof salt, TOKEN_LOGN, kek, sizeof kek);
    box_aad("key", sid, b->id, aad);
    if (!e) e = bc_seal(kek, aad, strlen(aad), b->dkey, BC_KEY, tbox);
    OPENSSL_cleanse(kek, sizeof kek);
    box_aad("secret", sid, b->id, aad);
    if (!e) e = bc_seal(b->dkey, aad, strlen(aad), secret, 32, sbox);
    if (!e) e = exam_digest(ex, digest);
    if (!e) e = bc_random(psalt, sizeof psalt);
    if (!e) e = sess_proctor_seal(secret, proctor, psalt, PROCTOR_LOGN, sid, b->id, pver, pbox);
    if (e) return e;
    const char *exam = bank_exam_id(ex);
    struct { const char *k; const void *v; size_t n; } rows[] = {
        {"session_id", sid, strlen(sid)},
        {"bank_id", b->id, strlen(b->id)},
        {"exam_id", exam, strlen(exam)},
        {"exam_digest", digest, sizeof digest},
        {"token_salt", salt, sizeof salt},
        {"token_box", tbox, sizeof tbox},
        {"secret_box", sbox, sizeof sbox},
        {"proctor_salt", psalt, sizeof psalt},
        {"proctor_verifier", pver, sizeof pver},
        {"proctor_box", pbox, sizeof pbox},
    };
    for (size_t i = 0; !e && i < sizeof rows / sizeof rows[0]; i++)
        e = kdb_meta_put(db, rows[i].k, rows[i].v, rows[i].n, why);
    snprintf(num, sizeof num, "%d", TOKEN_LOGN);
    if (!e) e = kdb_meta_put(db, "token_logn", num, strlen(num), why);
    snprintf(num, sizeof num, "%d", PROCTOR_LOGN);
    if (!e) e = kdb_meta_put(db, "proctor_logn", num, strlen(num), why);
    snprintf(num, sizeof num, "%d", SESS_PIN_LOGN);
    if (!e) e = kdb_meta_put(db, "pin_logn", num, strlen(num), why);
    snprintf(num, sizeof num, "%d", DRAW_VERSION);
    if (!e) e = kdb_meta_put(db, "draw_version", num, strlen(num), why);
    snprintf(num, sizeof num, "%lld", (long long)spec->not_before);
    if (!e) e = kdb_meta_put(db, "not_before", num, strlen(num), why);
    snprintf(num, sizeof num, "%lld", (long long)spec->not_after);
    if (!e) e = kdb_meta_put(db, "not_after", num, strlen(num), why);
    return e;
}

/* HMAC, under a key derived from the session secret for `label`, of
 * scrypt(code, salt, N = 2^logn): the PIN and proctor code verifiers. */
static bank_err keyed_verifier(const uint8_t secret[32], const char *label, const char *code,
                               const uint8_t salt[16], int logn, uint8_t out[32])
{
    uint8_t key[32], h[32];
    bank_err e = bc_hkdf(secret, 32, label, key, sizeof key);
    if (!e) e = bc_scrypt(code, strlen(code), salt, 16, logn, h, sizeof h);
    if (!e) e = bc_hmac(key, sizeof key, h, sizeof h, out);
    OPENSSL_cleanse(key, sizeof key);
    OPENSSL_cleanse(h, sizeof h);
    return e;
}

bank_err sess_pin_verifier(const uint8_t secret[32], const char *pin, const uint8_t salt[16],
                           int logn, uint8_t out[32])
{
    return keyed_verifier(secret, "kisi-session-pin", pin, salt, logn, out);
}

bank_err sess_proctor_verifier(const uint8_t secret[32], const char *code,
                               const uint8_t salt[16], int logn, uint8_t out[32])
{
    return keyed_verifier(secret, "kisi-session-proctor", code, salt, logn, out);
}

void sess_proctor_aad(const char *sid, const char *bid, char out[128])
{
    box_aad("proctor", sid, bid, out);
}

bank_err sess_proctor_seal(const uint8_t secret[32], const char *code, const uint8_t salt[16],
                           int logn, const char *sid, const char *bid, uint8_t verifier[32],
                           uint8_t box[BC_SEALED(32)])
{
    uint8_t key[32], h[32];
    char aad[128];
    bank_err e = bc_hkdf(secret, 32, "kisi-session-proctor", key, sizeof key);
    if (!e) e = bc_scrypt(code, strlen(code), salt, 16, logn, h, sizeof h);
    if (!e) e = bc_hmac(key, sizeof key, h, sizeof h, verifier);
    sess_proctor_aad(sid, bid, aad);
    if (!e) e = bc_seal(h, aad, strlen(aad), secret, 32, box);
    OPENSSL_cleanse(key, sizeof key);
    OPENSSL_cleanse(h, sizeof h);
    return e;
}

/* One PIN-hashing thread's share: every nthreads-th person from `first`. */
typedef struct pin_job {
    sess_person *people;
    char **pins;
    const uint8_t *secret;
    size_t n, first, step;
    bank_err e;
} pin_job;

static void *hash_pins(void *arg)
{
    pin_job *j = arg;
    for (size_t i = j->first; !j->e && i < j->n; i += j->step)
        j->e = sess_pin_verifier(j->secret, j->pins[i], j->people[i].pin_salt, SESS_PIN_LOGN,
                                 j->people[i].pin_hash);
    return NULL;
}

/* Salts every PIN and makes its verifier under the session secret, on
 * every core of the machine. */
static bank_err hash_all_pins(sess_person *people, char **pins, size_t n,
                              const uint8_t secret[32])
{
    bank_err e = BANK_OK;
    for (size_t i = 0; !e && i < n; i++) e = bc_random(people[i].pin_salt, 16);
    if (e) return e;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nt = cores < 1 ? 1 : cores > PIN_THREADS ? PIN_THREADS : (size_t)cores;
    if (nt > n) nt = n ? n : 1;
    pin_job jobs[PIN_THREADS];
    pthread_t tid[PIN_THREADS];
    bool started[PIN_THREADS] = {false};
    for (size_t t = 0; t < nt; t++) {
        jobs[t] = (pin_job){people, pins, secret, n, t, nt, BANK_OK};
        /* the first share runs here, the others on threads (or here, when none starts) */
        started[t] = t > 0 && pthread_create(&tid[t], NULL, hash_pins, &jobs[t]) == 0;
    }
    for (size_t t = 0; t < nt; t++)
        if (!started[t]) hash_pins(&jobs[t]);
    for (size_t t = 0; t < nt; t++) { /* every thread is joined, whatever failed */
        if (started[t]) pthread_join(tid[t], NULL);
        if (!e) e = jobs[t].e;
    }
    return e;
}

/* Draws every form of the session being made (id sid, secret) and seals
 * them into db. */
static bank_err store_forms(sqlite3 *db, bank *b, const bank_exam *ex, const char *sid,
                            const uint8_t secret[32], sess_person *people, size_t n, char *why)
{
    bank_session s = {.b = b, .people = people, .n = n, .unlocked = true};
    snprintf(s.id, sizeof s.id, "%s", sid);
    snprintf(s.exam_id, sizeof s.exam_id, "%s", bank_exam_id(ex));
    memcpy(s.secret, secret, 32);
    bank_form **forms = calloc(n, sizeof *forms);
    bank_err e = forms ? exam_digest(ex, s.exam_digest) : BANK_ENOMEM;
    if (!e) e = draw_forms(&s, forms, why);
    if (!e) e = sess_forms_key(b->dkey, s.fkey);
    if (!e) e = sess_forms_write(db, &s, s.fkey, forms, why);
    for (size_t i = 0; forms && i < n; i++) bank_form_free(forms[i]);
    free(forms);
    OPENSSL_cleanse(s.secret, sizeof s.secret);
    OPENSSL_cleanse(s.fkey, sizeof s.fkey);
    return e;
}

bank_err bank_session_create(bank *b, const bank_session_spec *spec, const char *out,
                             char token[BANK_TOKEN_LEN + 1], char *why)
{
    if (!b->unlocked) return BANK_ELOCKED;
    bank_err e = BANK_OK;
    sess_person *people = NULL;
    char **pins = NULL;
    size_t n = 0;
    sqlite3 *db = NULL;
    char tmp[4200] = "";
    uint8_t secret[32];
    char proctor[BANK_PROCTOR_LEN + 1] = "";
    if (access(out, F_OK) == 0) {
        why_set(why, "%s: %s", out, strerror(EEXIST));
        return BANK_EEXIST;
    }
    bank_exam *ex = bank_exam_get(b, spec->exam_id, &e, why);
    if (!ex) return e;
    if ((e = bank_exam_check_pools(b, ex, why))) goto out;
    if ((e = sess_parse_roster(spec->roster_csv, spec->roster_len, &people, &pins, &n, why))) {
        if (why && strncmp(why, "roster", 6) != 0) {
            char sub[WHY_SIZE];
            snprintf(sub, sizeof sub, "roster %s", why);
            why_set(why, "%s", sub);
        }
        goto out;
    }
    if (spec->history_jsonl &&
        (e = sess_apply_history(spec->history_jsonl, spec->history_len, spec->exam_id, people,
                                n, why)))
        goto out;
    if ((e = check_attempts(ex, people, n, why))) goto out;
    uint8_t sidraw[16];
    char sid[33];
    if (!e) e = bc_random(sidraw, sizeof sidraw);
    if (!e) e = bc_random(secret, sizeof secret);
    if (!e) e = make_code(token, BANK_TOKEN_LEN);
    if (!e) e = make_code(proctor, BANK_PROCTOR_LEN);
    if (!e) e = hash_all_pins(people, pins, n, secret);
    if (e) goto out;
    hex_encode(sidraw, sizeof sidraw, sid);
    /* made under a temporary name and linked into place whole: no half file */
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.part-%ld", out, (long)getpid()) >= sizeof tmp) {
        why_set(why, "%.200s: %s", out, strerror(ENAMETOOLONG));
        e = BANK_EINVAL;
        tmp[0] = 0;
        goto out;
    }
    db = kdb_create(tmp, "session", sess_schema, &e, why);
    if (!db) {
        tmp[0] = 0;
        goto out;
    }
    uint8_t mac[32];
    if (!(e = kdb_exec(db, "BEGIN", why)) &&
        !(e = write_meta(db, b, ex, sid, spec, token, proctor, secret, why)) &&
        !(e = write_people(db, people, n, why)) &&
        !(e = store_forms(db, b, ex, sid, secret, people, n, why)) &&
        !(e = session_mac(db, b->dkey, mac, why)) &&
        !(e = kdb_meta_put(db, "mac", mac, sizeof mac, why)))
        e = kdb_exec(db, "COMMIT", why);
    if (sqlite3_close(db) != SQLITE_OK && !e) e = BANK_EIO;
    if (!e && link(tmp, out) != 0) {
        why_set(why, "%s: %s", out, strerror(errno));
        e = errno == EEXIST ? BANK_EEXIST : BANK_EIO;
    }
out:
    if (tmp[0]) unlink(tmp);
    if (!e && spec->proctor_code) memcpy(spec->proctor_code, proctor, sizeof proctor);
    OPENSSL_cleanse(proctor, sizeof proctor);
    OPENSSL_cleanse(secret, sizeof secret);
    if (e) OPENSSL_cleanse(token, BANK_TOKEN_LEN + 1);
    if (pins)
        for (size_t i = 0; i < n; i++) {
            OPENSSL_cleanse(pins[i], strlen(pins[i]));
            free(pins[i]);
        }
    free(pins);
    sess_people_free(people, n);
    bank_exam_free(ex);
    return e;
}
