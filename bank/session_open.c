/* session_open.c -- opening and unlocking a session file, roster look-ups, PIN and proctor code checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "num.h"
#include "session.h"
#include "why.h"

/* Reads a meta value into a fixed buffer as a string. */
static bank_err meta_str(sqlite3 *db, const char *key, char *out, size_t cap, char *why)
{
    uint8_t *v = NULL;
    size_t n = 0;
    bank_err e = kdb_meta_get(db, key, &v, &n, why);
    if (e) return e == BANK_ENOTFOUND ? BANK_ECORRUPT : e;
    if (n >= cap || memchr(v, 0, n)) {
        why_set(why, "session meta '%s' is damaged", key);
        free(v);
        return BANK_ECORRUPT;
    }
    memcpy(out, v, n + 1);
    free(v);
    return BANK_OK;
}

/* Loads roster and seen rows into memory. */
static bank_err load_people(bank_session *s, char *why)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "SELECT count(*) FROM roster", -1, &st, NULL);
    size_t n = 0;
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) n = (size_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_OK) return kdb_dberr(s->db, rc, "session roster", why);
    if (n == 0 || n > BANK_SESSION_MAX) {
        why_set(why, "session roster is empty or damaged");
        return BANK_ECORRUPT;
    }
    s->people = calloc(n, sizeof *s->people);
    if (!s->people) return BANK_ENOMEM;
    rc = sqlite3_prepare_v2(s->db,
                            "SELECT nip, name, pin_salt, pin_hash, attempt, extra_minutes"
                            " FROM roster"
                            " ORDER BY pos",
                            -1, &st, NULL);
    bank_err e = rc == SQLITE_OK ? BANK_OK : kdb_dberr(s->db, rc, "session roster", why);
    while (!e && s->n < n && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        sess_person *p = &s->people[s->n++];
        const char *nip = (const char *)sqlite3_column_text(st, 0);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        p->attempt = sqlite3_column_int(st, 4);
        p->extra_minutes = sqlite3_column_int(st, 5);
        if (!nip || !name || sqlite3_column_bytes(st, 2) != 16 ||
            sqlite3_column_bytes(st, 3) != 32 || p->attempt < 1 || p->extra_minutes < 0 ||
            p->extra_minutes > BANK_EXTRA_MINUTES_MAX) {
            why_set(why, "session roster row %zu is damaged", s->n);
            e = BANK_ECORRUPT;
            break;
        }
        p->nip = strdup(nip);
        p->name = strdup(name);
        memcpy(p->pin_salt, sqlite3_column_blob(st, 2), 16);
        memcpy(p->pin_hash, sqlite3_column_blob(st, 3), 32);
        if (!p->nip || !p->name) e = BANK_ENOMEM;
    }
    sqlite3_finalize(st);
    if (e) return e;
    rc = sqlite3_prepare_v2(s->db, "SELECT nip, item, attempt FROM seen ORDER BY nip, item", -1,
                            &st, NULL);
    if (rc != SQLITE_OK) return kdb_dberr(s->db, rc, "session history", why);
    sess_person *p = NULL;
    while (!e && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *nip = (const char *)sqlite3_column_text(st, 0);
        const char *item = (const char *)sqlite3_column_text(st, 1);
        /* rows come by NIP: look the person up once per NIP */
        if (nip && (!p || strcmp(p->nip, nip) != 0)) {
            p = NULL;
            for (size_t i = 0; i < s->n && !p; i++)
                if (strcmp(s->people[i].nip, nip) == 0) p = &s->people[i];
        }
        if (!p || !nip || !item) continue;
        sess_seen *ns = realloc(p->seen, (p->nseen + 1) * sizeof *ns);
        if (!ns) {
            e = BANK_ENOMEM;
            break;
        }
        p->seen = ns;
        ns[p->nseen].attempt = sqlite3_column_int(st, 2);
        ns[p->nseen].item = strdup(item);
        if (!ns[p->nseen++].item) e = BANK_ENOMEM;
    }
    sqlite3_finalize(st);
    return e;
}

bank_err bank_session_info(const char *path, char *bank_id, char *session_id, char *exam_id,
                           char *why)
{
    bank_err e = BANK_OK;
    sqlite3 *db = kdb_open(path, false, "session", sess_schema, &e, why);
    if (!db) return e;
    if (!(e = meta_str(db, "bank_id", bank_id, 33, why)) &&
        !(e = meta_str(db, "session_id", session_id, 33, why)))
        e = meta_str(db, "exam_id", exam_id, 65, why);
    sqlite3_close(db);
    return e;
}

/* bank_session_open of the file at path, or of the len bytes at data
 * (then named `path` in messages). */
static bank_session *session_open_any(bank *b, const char *path, const void *data, size_t len,
                                      bank_err *err, char *why)
{
    bank_session *s = calloc(1, sizeof *s);
    if (!s) {
        *err = BANK_ENOMEM;
        return NULL;
    }
    s->b = b;
    char bid[40], num[16];
    uint8_t *dig = NULL;
    size_t diglen = 0;
    bank_err e = BANK_OK;
    s->db = data ? kdb_open_mem(data, len, path, "session", sess_schema, &e, why)
                 : kdb_open(path, false, "session", sess_schema, &e, why);
    if (!s->db) goto fail;
    if ((e = meta_str(s->db, "session_id", s->id, sizeof s->id, why)) ||
        (e = meta_str(s->db, "exam_id", s->exam_id, sizeof s->exam_id, why)) ||
        (e = meta_str(s->db, "bank_id", bid, sizeof bid, why)) ||
        (e = meta_str(s->db, "pin_logn", num, sizeof num, why)))
        goto fail;
    char dv[16];
    if ((e = meta_str(s->db, "draw_version", dv, sizeof dv, why))) goto fail;
    if (!num_text_int(dv, 1, 1000000, &s->draw_version)) {
        why_set(why, "%s: draw version is damaged", path);
        e = BANK_ECORRUPT;
        goto fail;
    }
    if (strcmp(bid, b->id) != 0) {
        why_set(why, "%s was made for another bank (%.8s…, this is %.8s…)", path, bid, b->id);
        e = BANK_EINVAL;
        goto fail;
    }
    if (!num_text_int(num, 10, 20, &s->pin_logn)) {
        why_set(why, "%s: PIN parameters are damaged", path);
        e = BANK_ECORRUPT;
        goto fail;
    }
    if ((e = kdb_meta_get(s->db, "exam_digest", &dig, &diglen, why))) goto fail;
    if (diglen != 32) {
        why_set(why, "%s: exam digest is damaged", path);
        e = BANK_ECORRUPT;
        goto fail;
    }
    memcpy(s->exam_digest, dig, 32);
    if ((e = load_people(s, why))) goto fail;
    free(dig);
    return s;
fail:
    free(dig);
    if (e == BANK_ENOTFOUND) e = BANK_ECORRUPT;
    *err = e;
    bank_session_close(s);
    return NULL;
}

bank_session *bank_session_open(bank *b, const char *path, bank_err *err, char *why)
{
    return session_open_any(b, path, NULL, 0, err, why);
}

bank_session *bank_session_open_mem(bank *b, const void *data, size_t len, const char *name,
                                    bank_err *err, char *why)
{
    return session_open_any(b, name, data ? data : "", len, err, why);
}

void bank_session_close(bank_session *s)
{
    if (!s) return;
    sess_people_free(s->people, s->n);
    sqlite3_close(s->db);
    OPENSSL_cleanse(s->secret, sizeof s->secret);
    OPENSSL_cleanse(s->fkey, sizeof s->fkey);
    free(s);
}

/* Opens the sealed session secret with the (now known) data key and
 * checks the session MAC. */
static bank_err open_secret(bank_session *s, const uint8_t dkey[BC_KEY], char *why)
{
    uint8_t *box = NULL;
    size_t n = 0;
    char aad[128];
    bank_err e = kdb_meta_get(s->db, "secret_box", &box, &n, why);
    if (e) return e == BANK_ENOTFOUND ? BANK_ECORRUPT : e;
    snprintf(aad, sizeof aad, "kisi-session-secret:%s:%s", s->id, s->b->id);
    e = n == BC_SEALED(32) ? bc_open(dkey, aad, strlen(aad), box, n, s->secret) : BANK_ETAMPER;
    free(box);
    if (e) {
        why_set(why, "session secret does not open: session altered");
        return BANK_ETAMPER;
    }
    return BANK_OK;
}

/* Shared tail of both unlock paths. */
static bank_err finish_unlock(bank_session *s, const uint8_t dkey[BC_KEY], char *why)
{
    bank_err e = open_secret(s, dkey, why);
    if (!e) e = sess_verify_mac(s, dkey, why);
    if (!e) e = sess_forms_key(dkey, s->fkey);
    if (e) {
        OPENSSL_cleanse(s->secret, sizeof s->secret);
        OPENSSL_cleanse(s->fkey, sizeof s->fkey);
        return e;
    }
    if (!s->b->unlocked) bk_set_key(s->b, dkey);
    s->unlocked = true;
    return BANK_OK;
}

bank_err bank_session_unlock(bank_session *s, const char *token, size_t len, char *why)
{
    char norm[BANK_TOKEN_LEN + 1];
    if (!sess_token_normalise(token, len, norm)) {
        why_set(why, "a token is %d letters and digits from %s", BANK_TOKEN_LEN,
                 BANK_TOKEN_ALPHABET);
        return BANK_ETOKEN;
    }
    uint8_t *salt = NULL, *box = NULL, kek[BC_KEY], dkey[BC_KEY];
    size_t saltlen = 0, boxlen = 0;
    char aad[128], num[16];
    bank_err e;
    if ((e = kdb_meta_get(s->db, "token_salt", &salt, &saltlen, why)) ||
        (e = kdb_meta_get(s->db, "token_box", &box, &boxlen, why)) ||
        (e = meta_str(s->db, "token_logn", num, sizeof num, why)))
        goto out;
    int logn = 0;
    if (!num_text_int(num, 10, 22, &logn) || boxlen != BC_SEALED(BC_KEY)) {
        why_set(why, "session key box is damaged");
        e = BANK_ECORRUPT;
        goto out;
    }
    e = bc_scrypt(norm, strlen(norm), salt, saltlen, logn, kek, sizeof kek);
    snprintf(aad, sizeof aad, "kisi-session-key:%s:%s", s->id, s->b->id);
    if (!e) e = bc_open(kek, aad, strlen(aad), box, boxlen, dkey);
    OPENSSL_cleanse(kek, sizeof kek);
    if (e == BANK_ETAMPER) {
        why_set(why, "the token does not open this session");
        e = BANK_ETOKEN;
    }
    if (!e) e = finish_unlock(s, dkey, why);
    OPENSSL_cleanse(dkey, sizeof dkey);
out:
    OPENSSL_cleanse(norm, sizeof norm);
    if (e == BANK_ENOTFOUND) e = BANK_ECORRUPT;
    free(salt);
    free(box);
    return e;
}

bank_err bank_session_unlock_bank(bank_session *s, char *why)
{
    if (!s->b->unlocked) return BANK_ELOCKED;
    return finish_unlock(s, s->b->dkey, why);
}

const char *bank_session_id(const bank_session *s)
{
    return s->id;
}

const char *bank_session_exam_id(const bank_session *s)
{
    return s->exam_id;
}

size_t bank_session_size(const bank_session *s)
{
    return s->n;
}

const char *bank_session_nip(const bank_session *s, size_t i)
{
    return i < s->n ? s->people[i].nip : NULL;
}

const char *bank_session_name(const bank_session *s, size_t i)
{
    return i < s->n ? s->people[i].name : NULL;
}

int bank_session_extra_minutes(const bank_session *s, size_t i)
{
    return i < s->n ? s->people[i].extra_minutes : 0;
}

int bank_session_attempt(const bank_session *s, const char *nip)
{
    for (size_t i = 0; nip && i < s->n; i++)
        if (strcmp(s->people[i].nip, nip) == 0) return s->people[i].attempt;
    return -1;
}

bank_err bank_session_check_pin(bank_session *s, const char *nip, const char *pin, char *why)
{
    sess_person *p = NULL;
    for (size_t i = 0; nip && i < s->n; i++)
        if (strcmp(s->people[i].nip, nip) == 0) p = &s->people[i];
    if (!p) {
        why_set(why, "NIP %.18s is not on this session's roster", nip ? nip : "");
        return BANK_ENOTFOUND;
    }
    if (!s->unlocked) {
        why_set(why, "the session is locked: a PIN is checked only after the token");
        return BANK_ELOCKED;
    }
    uint8_t h[32];
    bank_err e = sess_pin_verifier(s->secret, pin, p->pin_salt, s->pin_logn, h);
    if (e) return e;
    bool ok = CRYPTO_memcmp(h, p->pin_hash, 32) == 0;
    OPENSSL_cleanse(h, sizeof h);
    if (!ok) {
        why_set(why, "wrong PIN for NIP %s", p->nip);
        return BANK_EROSTER;
    }
    return BANK_OK;
}

/* The proctor code's check on a session no token has opened yet: the code
 * opens the proctor box (the session secret sealed under its slow hash). */
static bank_err proctor_open_box(bank_session *s, const char *canon, const uint8_t salt[16],
                                 int logn, char *why)
{
    uint8_t *box = NULL, h[32], secret[32];
    size_t n = 0;
    char aad[128];
    bank_err e = kdb_meta_get(s->db, "proctor_box", &box, &n, why);
    if (!e && n != BC_SEALED(32)) e = BANK_ECORRUPT;
    if (!e) e = bc_scrypt(canon, strlen(canon), salt, 16, logn, h, sizeof h);
    sess_proctor_aad(s->id, s->b->id, aad);
    if (!e) e = bc_open(h, aad, strlen(aad), box, n, secret);
    OPENSSL_cleanse(h, sizeof h);
    OPENSSL_cleanse(secret, sizeof secret);
    free(box);
    if (e == BANK_ETAMPER) e = BANK_ETOKEN;
    if (e == BANK_ECORRUPT || e == BANK_ENOTFOUND) {
        why_set(why, "session %s: the proctor code's box is damaged", s->id);
        e = BANK_ECORRUPT;
    }
    return e;
}

bank_err bank_session_check_proctor(bank_session *s, const char *code, size_t len, char *why)
{
    char canon[BANK_PROCTOR_LEN + 1], num[16];
    uint8_t *salt = NULL, *want = NULL, h[32];
    size_t nsalt = 0, nwant = 0;
    bool shaped = sess_code_normalise(code, len, canon, BANK_PROCTOR_LEN);
    if (!shaped) canon[0] = 0;
    bank_err e = meta_str(s->db, "proctor_logn", num, sizeof num, why);
    if (!e) e = kdb_meta_get(s->db, "proctor_salt", &salt, &nsalt, why);
    if (!e) e = kdb_meta_get(s->db, "proctor_verifier", &want, &nwant, why);
    int logn = e ? 0 : atoi(num);
    if (e == BANK_ENOTFOUND || (!e && (nsalt != 16 || nwant != 32 || logn < 10 || logn > 20))) {
        why_set(why, "session %s: the proctor code's verifier is damaged", s->id);
        e = BANK_ECORRUPT;
    }
    /* a code of the wrong shape costs the same slow hash as any other */
    bool ok = false;
    if (!e && !s->unlocked) {
        e = proctor_open_box(s, canon, salt, logn, why);
        ok = !e && shaped;
        if (e == BANK_ETOKEN) e = BANK_OK;
    } else if (!e) {
        e = sess_proctor_verifier(s->secret, canon, salt, logn, h);
        ok = !e && shaped && CRYPTO_memcmp(h, want, 32) == 0;
    }
    OPENSSL_cleanse(h, sizeof h);
    OPENSSL_cleanse(canon, sizeof canon);
    free(salt);
    free(want);
    if (e) return e;
    if (!ok) {
        why_set(why, "wrong proctor code for session %s", s->id);
        return BANK_ETOKEN;
    }
    return BANK_OK;
}
