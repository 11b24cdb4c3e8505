/* seal.c -- authority keys, the signed manifest of a bank, and its verification. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "internal.h"
#include "keyfile.h"
#include "hex.h"
#include "sbuf.h"
#include "why.h"

/* Appends "<kind> <name> <hex sha256 of the row bytes>\n". */
static void sb_row(sbuf *s, const char *kind, const char *name, const uint8_t digest[32])
{
    char hex[65];
    hex_encode(digest, 32, hex);
    sbuf_printf(s, "%s %s %s\n", kind, name, hex);
}

/* Appends a manifest line for every row of one query (column 0 = name). */
static bank_err manifest_rows(bank *b, sbuf *s, const char *kind, const char *sql, char *why)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(b->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) return kdb_dberr(b->db, rc, "manifest", why);
    int ncols = sqlite3_column_count(st);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        uint8_t d[32];
        kdb_row_digest(st, ncols, d);
        sb_row(s, kind, name ? name : "", d);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return kdb_dberr(b->db, rc, "manifest", why);
    return s->failed ? BANK_ENOMEM : BANK_OK;
}

/* Builds the manifest of every row that matters, the schema's first;
 * caller frees m with sbuf_free(). */
static bank_err manifest_build(bank *b, sbuf *m, char *why)
{
    sbuf_printf(m, "kisi-manifest 2\nbank %s\n", b->id);
    bank_err e = manifest_rows(b, m, "schema",
                               "SELECT type || ':' || name, type, name, tbl_name, sql"
                               " FROM sqlite_schema ORDER BY 2, 3, 4, 5",
                               why);
    if (!e) e = manifest_rows(b, m, "meta", "SELECT key, value FROM meta ORDER BY key", why);
    if (!e)
        e = manifest_rows(b, m, "item",
                          "SELECT id, version, topic, kind, difficulty, weight, noptions,"
                          " pinned, draft, band, rank, box FROM items ORDER BY id",
                          why);
    if (!e) e = manifest_rows(b, m, "exam", "SELECT id, json FROM exams ORDER BY id", why);
    return e;
}

bank_err bank_keygen(const char *out, char *why)
{
    size_t n = strlen(out);
    if (n == 0 || out[n - 1] == '/') {
        why_set(why, "'%s' names no key file: give a name such as 'authority'", out);
        return BANK_EINVAL;
    }
    char *keypath = malloc(n + 5), *pubpath = malloc(n + 5);
    uint8_t priv[BC_PRIV], pub[BC_PUB];
    bank_err e = BANK_ENOMEM;
    if (!keypath || !pubpath) goto out;
    snprintf(keypath, n + 5, "%s.key", out);
    snprintf(pubpath, n + 5, "%s.pub", out);
    if (access(keypath, F_OK) == 0 || access(pubpath, F_OK) == 0) {
        why_set(why, "%s.key or %s.pub already exists; not overwriting a key", out, out);
        e = BANK_EEXIST;
        goto out;
    }
    if ((e = bc_ed25519_keypair(priv, pub))) goto out;
    if ((e = keyfile_write_private(keypath, priv, why))) goto out;
    if ((e = keyfile_write_public(pubpath, pub, why))) unlink(keypath);
out:
    OPENSSL_cleanse(priv, sizeof priv);
    free(keypath);
    free(pubpath);
    return e;
}

bank_err bank_seal(bank *b, const char *keyfile, char *why)
{
    if (!b->writable) {
        why_set(why, "bank is open read-only");
        return BANK_EIO;
    }
    uint8_t priv[BC_PRIV], pub[BC_PUB], sig[BC_SIG];
    bank_err e = keyfile_read_private(keyfile, priv, pub, why);
    if (e) return e;
    sbuf m = {0};
    if ((e = kdb_exec(b->db, "BEGIN IMMEDIATE", why))) goto out;
    if (!(e = manifest_build(b, &m, why))) e = bc_ed25519_sign(priv, m.p, m.len, sig);
    if (!e) {
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(b->db,
                                    "INSERT OR REPLACE INTO seal(id, pub, manifest, sig)"
                                    " VALUES(1, ?, ?, ?)",
                                    -1, &st, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_blob(st, 1, pub, BC_PUB, SQLITE_STATIC);
            sqlite3_bind_blob(st, 2, m.p, (int)m.len, SQLITE_STATIC);
            sqlite3_bind_blob(st, 3, sig, BC_SIG, SQLITE_STATIC);
            rc = sqlite3_step(st);
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) e = kdb_dberr(b->db, rc, "seal", why);
    }
    if (!e) e = kdb_exec(b->db, "COMMIT", why);
    else sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
out:
    OPENSSL_cleanse(priv, sizeof priv);
    sbuf_free(&m);
    return e;
}

/* Next line of a manifest from *p (NUL-terminated); returns its length, 0 at end. */
static size_t next_line(const char **p, const char **line)
{
    *line = *p;
    const char *nl = strchr(*p, '\n');
    size_t n = nl ? (size_t)(nl - *p) : strlen(*p);
    *p += n + (nl ? 1 : 0);
    return n;
}

/* Order of a manifest line's section: head, schema, meta, item, exam. */
static int section_rank(const char *line, size_t n)
{
    static const char *const kinds[] = {"schema ", "meta ", "item ", "exam "};
    for (int i = 0; i < 4; i++) {
        size_t k = strlen(kinds[i]);
        if (n >= k && memcmp(line, kinds[i], k) == 0) return i + 1;
    }
    return 0;
}

/* Compares the "kind name" parts (the line without its digest) of two lines. */
static int line_key_cmp(const char *a, size_t ka, const char *b, size_t kb)
{
    int ra = section_rank(a, ka), rb = section_rank(b, kb);
    if (ra != rb) return ra < rb ? -1 : 1;
    int c = memcmp(a, b, ka < kb ? ka : kb);
    if (c == 0 && ka != kb) c = ka < kb ? -1 : 1;
    return c;
}

/* Describes the first difference between the signed and the current
 * manifests (both ordered by section, then name). */
static void manifest_diff(const char *signed_m, const char *now, char *why)
{
    const char *a = signed_m, *b = now, *la, *lb;
    size_t na = next_line(&a, &la), nb = next_line(&b, &lb);
    while (na || nb) {
        if (na == nb && memcmp(la, lb, na) == 0) {
            na = next_line(&a, &la);
            nb = next_line(&b, &lb);
            continue;
        }
        size_t ka = na > 65 ? na - 65 : na, kb = nb > 65 ? nb - 65 : nb;
        int c = !na ? 1 : !nb ? -1 : line_key_cmp(la, ka, lb, kb);
        if (c == 0) why_set(why, "%.*s changed since sealing", (int)ka, la);
        else if (c < 0) why_set(why, "%.*s was removed since sealing", (int)ka, la);
        else why_set(why, "%.*s was added since sealing", (int)kb, lb);
        return;
    }
    why_set(why, "manifest differs");
}

bank_err bank_verify(bank *b, const char *pubfile, char *why)
{
    uint8_t pub[BC_PUB];
    bank_err e = keyfile_read_public(pubfile, pub, why);
    if (e) return e;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(b->db, "SELECT pub, manifest, sig FROM seal WHERE id = 1", -1,
                                &st, NULL);
    if (rc != SQLITE_OK) return kdb_dberr(b->db, rc, "seal", why);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) return kdb_dberr(b->db, rc, "seal", why);
        why_set(why, "the bank carries no seal: run 'bank seal'");
        return BANK_ENOTSEALED;
    }
    const void *spub = sqlite3_column_blob(st, 0);
    const char *man = (const char *)sqlite3_column_blob(st, 1);
    const void *sig = sqlite3_column_blob(st, 2);
    int manlen = sqlite3_column_bytes(st, 1);
    if (sqlite3_column_bytes(st, 0) != BC_PUB || sqlite3_column_bytes(st, 2) != BC_SIG || !man ||
        CRYPTO_memcmp(spub, pub, BC_PUB) != 0) {
        why_set(why, "the bank is not sealed by this authority key");
        sqlite3_finalize(st);
        return BANK_ETAMPER;
    }
    char *signed_m = strndup(man, (size_t)manlen);
    if (!signed_m) {
        sqlite3_finalize(st);
        return BANK_ENOMEM;
    }
    e = bc_ed25519_verify(pub, man, (size_t)manlen, sig);
    sqlite3_finalize(st);
    if (e) {
        why_set(why, "the seal's signature is invalid");
        free(signed_m);
        return BANK_ETAMPER;
    }
    sbuf m = {0};
    e = manifest_build(b, &m, why);
    if (!e && (m.len != strlen(signed_m) || memcmp(m.p, signed_m, m.len) != 0)) {
        manifest_diff(signed_m, m.p, why);
        e = BANK_ETAMPER;
    }
    sbuf_free(&m);
    free(signed_m);
    return e;
}
