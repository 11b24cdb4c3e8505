/* item.c -- items in the bank file: per-item AES-GCM boxes and their clear columns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "internal.h"
#include "item.h"
#include "richtext.h"
#include "text.h"
#include "why.h"

bool item_name_valid(const char *s)
{
    size_t n = 0;
    if (!s) return false;
    for (; s[n]; n++) {
        char c = s[n];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
        if (!ok || n >= 64) return false;
    }
    return n > 0;
}

/* Additional data of an item box: binds the box to its bank, id, version
 * and every clear column, so a row moved, copied or edited fails to open. */
static int item_aad(const bank *b, const bank_item *it, bool draft, char *out, size_t cap)
{
    return snprintf(out, cap, "kisi-item|%s|%s|%d|%s|%d|%d|%d|%d|%d|%d", b->id, it->id,
                    it->version, it->topic, (int)it->kind, it->difficulty, it->weight,
                    it->noptions, it->pinned ? 1 : 0, draft ? 1 : 0);
}

/* Checks what the library needs of an item, whatever parser made it. */
static bank_err item_check(const bank_item *it, char *why)
{
    const char *id = it->id ? it->id : "?";
    if (!item_name_valid(it->id)) {
        why_set(why, "item id '%s' must be 1-64 of A-Z a-z 0-9 . _ -", id);
        return BANK_EINVAL;
    }
    if (!item_name_valid(it->topic)) {
        why_set(why, "item %s: topic must be 1-64 of A-Z a-z 0-9 . _ -", id);
        return BANK_EINVAL;
    }
    if (!bank_kind_name(it->kind) || it->difficulty < 1 || it->difficulty > 5 ||
        it->weight < 1 || it->weight > 1000 || it->noptions < 2 ||
        it->noptions > BANK_MAX_OPTIONS || !it->stem) {
        why_set(why, "item %s: kind, difficulty, weight or options out of range", id);
        return BANK_EINVAL;
    }
    for (int i = 0; i < it->noptions; i++)
        if (!it->options[i]) {
            why_set(why, "item %s: option %c is missing", id, 'A' + i);
            return BANK_EINVAL;
        }
    if (it->title && (!it->title[0] || strlen(it->title) > ITEM_TITLE_MAX ||
                      !text_utf8_valid(it->title, strlen(it->title)) ||
                      text_has_control(it->title))) {
        why_set(why, "item %s: title must be 1-%d bytes of UTF-8 on one line", id,
                ITEM_TITLE_MAX);
        return BANK_EINVAL;
    }
    for (int i = -1; it->rich && i < it->noptions; i++)
        if (!bank_rich_valid(i < 0 ? it->stem : it->options[i])) {
            why_set(why, "item %s: %s is not Kisi's rich text form", id,
                    i < 0 ? "stem" : "an option");
            return BANK_EINVAL;
        }
    for (const char *k = it->key; *k; k++)
        if (*k < 'A' || *k >= 'A' + it->noptions) {
            why_set(why, "item %s: key letter %c names no option", id, *k);
            return BANK_EINVAL;
        }
    char sub[WHY_SIZE];
    if (it->image_file) {
        why_set(why, "item %s: image %s was not read", id, it->image_file);
        return BANK_EINVAL;
    }
    if (it->image && !bank_image_check(it->image, it->image_len, NULL, NULL, sub)) {
        why_set(why, "item %s: image: %s", id, sub);
        return BANK_EINVAL;
    }
    return BANK_OK;
}

/* Base64 of n bytes; caller frees with free(). NULL on ENOMEM. */
static char *item_b64(const unsigned char *p, size_t n)
{
    char *out = malloc(4 * ((n + 2) / 3) + 1);
    if (out) EVP_EncodeBlock((unsigned char *)out, p, (int)n);
    return out;
}

/* Decodes the base64 text s into a malloc'd *out; false when malformed. */
static bool item_unb64(const char *s, unsigned char **out, size_t *n)
{
    size_t len = strlen(s);
    if (len == 0 || len % 4 || len / 4 * 3 > BANK_IMAGE_MAX_BYTES + 3) return false;
    unsigned char *p = malloc(len / 4 * 3 + 1);
    int got = p ? EVP_DecodeBlock(p, (const unsigned char *)s, (int)len) : -1;
    if (got < 0) {
        free(p);
        return false;
    }
    size_t pad = (s[len - 1] == '=') + (s[len - 2] == '=');
    *out = p;
    *n = (size_t)got - pad;
    return true;
}

/* JSON text of the secret part of an item; caller frees with free(). */
static char *item_plain(const bank_item *it)
{
    json_t *o = json_object(), *opts = json_array();
    if (!o || !opts) {
        json_decref(o);
        json_decref(opts);
        return NULL;
    }
    for (int i = 0; i < it->noptions; i++) json_array_append_new(opts, json_string(it->options[i]));
    json_object_set_new(o, "stem", json_string(it->stem));
    json_object_set_new(o, "options", opts);
    json_object_set_new(o, "key", json_string(it->key));
    if (it->title) json_object_set_new(o, "title", json_string(it->title));
    if (it->rich) json_object_set_new(o, "rich", json_true());
    if (it->image) {
        char *b64 = item_b64(it->image, it->image_len);
        if (!b64) {
            json_decref(o);
            return NULL;
        }
        json_object_set_new(o, "image", json_string(b64));
        free(b64);
    }
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

/* Current version of item `id`, 0 when new, -1 on error. */
static int item_version(sqlite3 *db, const char *id)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(db, "SELECT version FROM items WHERE id = ?", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : rc == SQLITE_DONE ? 0 : -1;
    }
    sqlite3_finalize(st);
    return v;
}

/* Encrypts and writes one item with `st` (the prepared INSERT). */
static bank_err item_put(bank *b, sqlite3_stmt *st, bank_item *it, char *why)
{
    bool draft = it->key[0] == '\0';
    char aad[512];
    item_aad(b, it, draft, aad, sizeof aad);
    char *plain = item_plain(it);
    if (!plain) return BANK_ENOMEM;
    size_t plen = strlen(plain);
    uint8_t *box = malloc(BC_SEALED(plen));
    bank_err e = box ? bc_seal(b->dkey, aad, strlen(aad), plain, plen, box) : BANK_ENOMEM;
    OPENSSL_cleanse(plain, plen);
    free(plain);
    if (e) {
        free(box);
        return e;
    }
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, it->id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, it->version);
    sqlite3_bind_text(st, 3, it->topic, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, (int)it->kind);
    sqlite3_bind_int(st, 5, it->difficulty);
    sqlite3_bind_int(st, 6, it->weight);
    sqlite3_bind_int(st, 7, it->noptions);
    sqlite3_bind_int(st, 8, it->pinned);
    sqlite3_bind_int(st, 9, draft);
    sqlite3_bind_int(st, 10, it->difficulty <= 2 ? 0 : it->difficulty == 3 ? 1 : 2);
    uint64_t rank = 0;
    if ((e = bc_random(&rank, sizeof rank))) {
        free(box);
        return e;
    }
    sqlite3_bind_int64(st, 11, (sqlite3_int64)(rank >> 1));
    sqlite3_bind_blob(st, 12, box, (int)BC_SEALED(plen), free);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) return kdb_dberr(b->db, rc, "writing item", why);
    return BANK_OK;
}

static bool same_text(const char *x, const char *y)
{
    return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

/* *same gets whether the bank's item it->id holds exactly `it` (every
 * column and the decrypted stem, options and key); a row that cannot be
 * opened (damaged) differs and is then replaced. BANK_OK, or the error of a
 * failed read (ENOMEM, database) with why set. */
static bank_err item_same(bank *b, const bank_item *it, bool *same, char *why)
{
    bank_item old;
    bank_err e = bank_item_get(b, it->id, &old, why);
    *same = e == BANK_OK && same_text(old.topic, it->topic) && old.kind == it->kind &&
            old.difficulty == it->difficulty && old.weight == it->weight &&
            old.pinned == it->pinned && old.noptions == it->noptions &&
            same_text(old.stem, it->stem) && same_text(old.title, it->title) &&
            old.rich == it->rich && strcmp(old.key, it->key) == 0 &&
            old.image_len == it->image_len &&
            (!it->image_len || memcmp(old.image, it->image, it->image_len) == 0);
    for (int i = 0; *same && i < it->noptions; i++)
        *same = same_text(old.options[i], it->options[i]);
    bank_item_clear(&old);
    return e == BANK_ETAMPER || e == BANK_ECORRUPT ? BANK_OK : e;
}

/* A bank of an older format that is still read holds this format's items from
 * an import on: raises its format version (and writes nothing when it is this one). */
static bank_err item_raise_format(sqlite3 *db, char *why)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), ver = -1;
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) ver = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (ver < 0) return kdb_dberr(db, rc, "format version", why);
    if (ver >= BANK_FORMAT_VERSION) return BANK_OK;
    char sql[48];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", BANK_FORMAT_VERSION);
    return kdb_exec(db, sql, why);
}

bank_err bank_import(bank *b, const bank_items *l, size_t *added, size_t *replaced,
                     size_t *unchanged, char *why)
{
    if (!b->unlocked) return BANK_ELOCKED;
    if (!b->writable) {
        why_set(why, "bank is open read-only");
        return BANK_EIO;
    }
    size_t nadd = 0, nrep = 0, nsame = 0;
    bank_err e = kdb_exec(b->db, "BEGIN IMMEDIATE", why);
    if (e) return e;
    if ((e = item_raise_format(b->db, why))) {
        sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
        return e;
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(b->db,
                                "INSERT OR REPLACE INTO items(id, version, topic, kind,"
                                " difficulty, weight, noptions, pinned, draft, band, rank, box)"
                                " VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) e = kdb_dberr(b->db, rc, "items", why);
    for (size_t i = 0; !e && i < l->n; i++) {
        bank_item it = l->v[i]; /* shallow copy: version is ours to set */
        if ((e = item_check(&it, why))) break;
        int v = item_version(b->db, it.id);
        if (v < 0) {
            e = kdb_dberr(b->db, sqlite3_errcode(b->db), "items", why);
            break;
        }
        bool same = false;
        if (v > 0 && (e = item_same(b, &it, &same, why))) break;
        if (same) {     /* the same item again: its row, version and seal stay */
            nsame++;
            continue;
        }
        it.version = v + 1;
        if (v == 0) nadd++;
        else nrep++;
        e = item_put(b, st, &it, why);
    }
    sqlite3_finalize(st);
    if (!e) e = kdb_exec(b->db, "COMMIT", why);
    if (e) {
        sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
        return e;
    }
    if (added) *added = nadd;
    if (replaced) *replaced = nrep;
    if (unchanged) *unchanged = nsame;
    return BANK_OK;
}

/* Fills the clear columns of `it` from a row of ITEM_COLUMNS. */
static void row_info(sqlite3_stmt *st, bank_item_info *info)
{
    info->id = (const char *)sqlite3_column_text(st, 0);
    info->version = sqlite3_column_int(st, 1);
    info->topic = (const char *)sqlite3_column_text(st, 2);
    info->kind = (bank_kind)sqlite3_column_int(st, 3);
    info->difficulty = sqlite3_column_int(st, 4);
    info->weight = sqlite3_column_int(st, 5);
    info->noptions = sqlite3_column_int(st, 6);
    info->pinned = sqlite3_column_int(st, 7) != 0;
    info->draft = sqlite3_column_int(st, 8) != 0;
}

#define ITEM_COLUMNS "id, version, topic, kind, difficulty, weight, noptions, pinned, draft"

/* Decodes the JSON of an opened box into it->stem/options/key. */
static bank_err item_unplain(const char *plain, size_t len, bank_item *it, char *why)
{
    json_t *o = json_loadb(plain, len, 0, NULL);
    json_t *opts = json_object_get(o, "options");
    const char *stem = json_string_value(json_object_get(o, "stem"));
    const char *key = json_string_value(json_object_get(o, "key"));
    json_t *title = json_object_get(o, "title"), *rich = json_object_get(o, "rich");
    bank_err e = BANK_OK;
    if (!o || !stem || !key || (title && !json_is_string(title)) ||
        (rich && !json_is_boolean(rich)) || !json_is_array(opts) ||
        json_array_size(opts) != (size_t)it->noptions || strlen(key) > BANK_MAX_OPTIONS) {
        why_set(why, "item %s: decrypted content is malformed", it->id);
        e = BANK_ECORRUPT;
        goto out;
    }
    json_t *image = json_object_get(o, "image");
    if (image && (!json_is_string(image) ||
                  !item_unb64(json_string_value(image), &it->image, &it->image_len))) {
        why_set(why, "item %s: decrypted image is malformed", it->id);
        e = BANK_ECORRUPT;
        goto out;
    }
    it->stem = strdup(stem);
    strcpy(it->key, key);
    it->rich = json_is_true(rich);
    if (title && !(it->title = strdup(json_string_value(title)))) e = BANK_ENOMEM;
    for (int i = 0; i < it->noptions; i++) {
        const char *s = json_string_value(json_array_get(opts, (size_t)i));
        it->options[i] = strdup(s ? s : "");
        if (!it->options[i]) e = BANK_ENOMEM;
    }
    if (!it->stem) e = BANK_ENOMEM;
out:
    json_decref(o);
    return e;
}

bank_err bank_item_get(bank *b, const char *id, bank_item *out, char *why)
{
    memset(out, 0, sizeof *out);
    if (!b->unlocked) return BANK_ELOCKED;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(b->db, "SELECT " ITEM_COLUMNS ", box FROM items WHERE id = ?",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) return kdb_dberr(b->db, rc, "items", why);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) return kdb_dberr(b->db, rc, "items", why);
        why_set(why, "no item '%s' in the bank", id);
        return BANK_ENOTFOUND;
    }
    bank_item_info info;
    row_info(st, &info);
    bank_err e = BANK_ENOMEM;
    out->id = strdup(info.id);
    out->topic = strdup(info.topic);
    out->kind = info.kind;
    out->difficulty = info.difficulty;
    out->weight = info.weight;
    out->noptions = info.noptions;
    out->pinned = info.pinned;
    out->version = info.version;
    const uint8_t *box = sqlite3_column_blob(st, 9);
    size_t boxlen = (size_t)sqlite3_column_bytes(st, 9);
    if (out->id && out->topic && info.noptions >= 2 && info.noptions <= BANK_MAX_OPTIONS &&
        boxlen >= BC_SEALED(0)) {
        char aad[512];
        item_aad(b, out, info.draft, aad, sizeof aad);
        size_t plen = boxlen - BC_SEALED(0);
        char *plain = malloc(plen + 1);
        e = plain ? bc_open(b->dkey, aad, strlen(aad), box, boxlen, (uint8_t *)plain)
                  : BANK_ENOMEM;
        if (e == BANK_ETAMPER)
            why_set(why, "item %s does not decrypt: row altered, moved or copied", id);
        if (!e) e = item_unplain(plain, plen, out, why);
        if (plain) OPENSSL_cleanse(plain, plen);
        free(plain);
    } else if (out->id && out->topic) {
        why_set(why, "item %s is damaged", id);
        e = BANK_ECORRUPT;
    }
    sqlite3_finalize(st);
    if (e) bank_item_clear(out);
    return e;
}

bank_err bank_each_item(bank *b, int (*fn)(const bank_item_info *, void *), void *arg,
                        char *why)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(b->db, "SELECT " ITEM_COLUMNS " FROM items ORDER BY id", -1,
                                &st, NULL);
    if (rc != SQLITE_OK) return kdb_dberr(b->db, rc, "items", why);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        bank_item_info info;
        row_info(st, &info);
        if (!info.id || !info.topic) continue;
        if (fn(&info, arg)) break;
    }
    bank_err e = rc == SQLITE_ROW || rc == SQLITE_DONE ? BANK_OK
                                                       : kdb_dberr(b->db, rc, "items", why);
    sqlite3_finalize(st);
    return e;
}

bank_err bank_pool_size(bank *b, const char *topic, int lo, int hi, size_t *n, char *why)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(b->db,
                                "SELECT count(*) FROM items WHERE topic = ? AND draft = 0"
                                " AND difficulty BETWEEN ? AND ?",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) return kdb_dberr(b->db, rc, "items", why);
    sqlite3_bind_text(st, 1, topic, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, lo);
    sqlite3_bind_int(st, 3, hi);
    rc = sqlite3_step(st);
    bank_err e = BANK_OK;
    if (rc == SQLITE_ROW) *n = (size_t)sqlite3_column_int64(st, 0);
    else e = kdb_dberr(b->db, rc, "items", why);
    sqlite3_finalize(st);
    return e;
}
