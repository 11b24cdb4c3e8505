/* test_store.c -- the bank file: data key, per-item encryption and its bindings, seal and verify. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "fixture.h"
#include "why.h"

/* Runs SQL on a bank file behind the library's back. */
static void tamper(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) fail_msg("%s: %s", sql, err);
    sqlite3_close(db);
}

/* Reopens the bank at dir/bank.bank unlocked. */
static bank *reopen(const char *dir, bool writable)
{
    char why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    bank *b = bank_open(fx_path(dir, "bank.bank"), writable, &e, why);
    if (!b) fail_msg("bank_open: %s", why);
    assert_int_equal(bank_unlock(b, FX_PASS, strlen(FX_PASS), why), BANK_OK);
    return b;
}

static void test_new_bank_is_locked_until_passphrase(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE];
    bank_close(fx_bank(dir, 1, 3));
    bank_err e = BANK_OK;
    bank *b = bank_open(fx_path(dir, "bank.bank"), false, &e, why);
    assert_non_null(b);
    bank_item it;
    assert_int_equal(bank_item_get(b, "t0-001", &it, why), BANK_ELOCKED);
    assert_int_equal(bank_unlock(b, "wrong", 5, why), BANK_EPASSPHRASE);
    assert_int_equal(bank_unlock(b, FX_PASS, strlen(FX_PASS), why), BANK_OK);
    assert_int_equal(bank_item_get(b, "t0-001", &it, why), BANK_OK);
    assert_string_equal(it.stem, "Soal nomor 1 dari topik 0, \"unik\"?");
    assert_string_equal(it.options[2], "pilihan C untuk 0/1");
    assert_string_equal(it.key, "B");
    assert_int_equal(it.version, 1);
    bank_item_clear(&it);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_create_refuses_existing_file(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE];
    bank_close(fx_bank(dir, 1, 2));
    bank_err e = BANK_OK;
    assert_null(bank_create(fx_path(dir, "bank.bank"), FX_PASS, strlen(FX_PASS), &e, why));
    assert_int_equal(e, BANK_EEXIST);
    bank *b = reopen(dir, false);
    size_t n = 0;
    assert_int_equal(bank_pool_size(b, "t0", 1, 5, &n, why), BANK_OK);
    assert_int_equal(n, 2);
    bank_close(b);
    fx_rmdir(dir);
}

/* Reads a whole file; caller frees. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    *len = fread(buf, 1, (size_t)n, f);
    fclose(f);
    return buf;
}

/* True when `needle` occurs in the n bytes at hay. */
static bool contains(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0) return true;
    return false;
}

static void test_stems_options_and_keys_are_not_in_the_file(void **state)
{
    (void)state;
    char *dir = fx_tmpdir();
    bank_close(fx_bank(dir, 2, 5));
    size_t n = 0;
    char *data = slurp(fx_path(dir, "bank.bank"), &n);
    assert_false(contains(data, n, "Soal nomor"));
    assert_false(contains(data, n, "pilihan"));
    assert_false(contains(data, n, "unik"));
    assert_true(contains(data, n, "t1-004")); /* ids are clear, by design */
    free(data);
    fx_rmdir(dir);
}

static void test_box_moved_to_another_id_fails_to_decrypt(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE];
    bank_close(fx_bank(dir, 1, 3));
    tamper(fx_path(dir, "bank.bank"),
           "UPDATE items SET box = (SELECT box FROM items WHERE id = 't0-000') WHERE id = 't0-004';"
           "UPDATE items SET box = (SELECT box FROM items WHERE id = 't0-000') WHERE id = 't0-001'");
    bank *b = reopen(dir, false);
    bank_item it;
    assert_int_equal(bank_item_get(b, "t0-001", &it, why), BANK_ETAMPER);
    assert_non_null(strstr(why, "t0-001"));
    assert_int_equal(bank_item_get(b, "t0-000", &it, why), BANK_OK);
    bank_item_clear(&it);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_clear_column_edit_fails_to_decrypt(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE];
    bank_close(fx_bank(dir, 1, 3));
    tamper(fx_path(dir, "bank.bank"), "UPDATE items SET weight = 9 WHERE id = 't0-002'");
    bank *b = reopen(dir, false);
    bank_item it;
    assert_int_equal(bank_item_get(b, "t0-002", &it, why), BANK_ETAMPER);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_row_copied_from_another_bank_fails_to_decrypt(void **state)
{
    (void)state;
    char *a = fx_tmpdir(), *c = fx_tmpdir(), why[WHY_SIZE], sql[8192];
    bank_close(fx_bank(a, 1, 3));
    bank_close(fx_bank(c, 2, 3));
    snprintf(sql, sizeof sql,
             "ATTACH '%s' AS other; INSERT INTO items SELECT * FROM other.items"
             " WHERE topic = 't1'",
             fx_path(c, "bank.bank"));
    tamper(fx_path(a, "bank.bank"), sql);
    bank *b = reopen(a, false);
    bank_item it;
    assert_int_equal(bank_item_get(b, "t1-000", &it, why), BANK_ETAMPER);
    bank_close(b);
    fx_rmdir(a);
    fx_rmdir(c);
}

static void test_import_is_all_or_nothing(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE];
    bank_close(fx_bank(dir, 1, 3));
    bank *b = reopen(dir, true);
    bank_items l = {0};
    for (int i = 0; i < 2; i++) {
        bank_item *it = bank_items_push(&l);
        it->id = strdup(i ? "bad id with spaces" : "new-1");
        it->topic = strdup("t0");
        it->difficulty = 3;
        it->weight = 1;
        it->stem = strdup("x");
        it->noptions = 2;
        it->options[0] = strdup("a");
        it->options[1] = strdup("b");
        strcpy(it->key, "A");
    }
    assert_int_equal(bank_import(b, &l, NULL, NULL, NULL, why), BANK_EINVAL);
    size_t n = 0;
    assert_int_equal(bank_pool_size(b, "t0", 1, 5, &n, why), BANK_OK);
    assert_int_equal(n, 3);
    bank_items_free(&l);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_reimport_replaces_with_next_version(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE];
    bank_close(fx_bank(dir, 1, 2));
    bank *b = reopen(dir, true);
    bank_items l = {0};
    bank_item *it = bank_items_push(&l);
    it->id = strdup("t0-001");
    it->topic = strdup("t0");
    it->difficulty = 2;
    it->weight = 3;
    it->stem = strdup("Soal baru, \"diperbarui\"\nbaris kedua");
    it->noptions = 2;
    it->options[0] = strdup("Benar");
    it->options[1] = strdup("Salah");
    strcpy(it->key, "B");
    size_t added = 9, replaced = 9;
    assert_int_equal(bank_import(b, &l, &added, &replaced, NULL, why), BANK_OK);
    assert_int_equal(added, 0);
    assert_int_equal(replaced, 1);
    bank_item got;
    assert_int_equal(bank_item_get(b, "t0-001", &got, why), BANK_OK);
    assert_int_equal(got.version, 2);
    assert_int_equal(got.weight, 3);
    assert_string_equal(got.stem, "Soal baru, \"diperbarui\"\nbaris kedua");
    bank_item_clear(&got);
    bank_items_free(&l);
    bank_close(b);
    fx_rmdir(dir);
}

/* One true/false item as an author writes it; caller frees the list. */
static void one_item(bank_items *l, const char *stem, const char *key)
{
    bank_item *it = bank_items_push(l);
    assert_non_null(it);
    it->id = strdup("t9-001");
    it->topic = strdup("t9");
    it->kind = BANK_TRUEFALSE;
    it->difficulty = 2;
    it->weight = 1;
    it->pinned = true;
    it->stem = strdup(stem);
    it->noptions = 2;
    it->options[0] = strdup("Benar");
    it->options[1] = strdup("Salah");
    strcpy(it->key, key);
}

static void test_reimport_of_identical_items_counts_them_unchanged_and_keeps_version_and_seal(
    void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE];
    bank_close(fx_bank(dir, 1, 2));
    bank *b = reopen(dir, true);
    bank_items l = {0};
    one_item(&l, "Pancasila adalah dasar negara.", "A");
    size_t added = 9, replaced = 9, unchanged = 9;
    assert_int_equal(bank_import(b, &l, &added, &replaced, &unchanged, why), BANK_OK);
    assert_int_equal(added, 1);
    assert_int_equal(unchanged, 0);
    assert_int_equal(bank_keygen(fx_path(dir, "auth"), why), BANK_OK);
    assert_int_equal(bank_seal(b, fx_path(dir, "auth.key"), why), BANK_OK);
    /* the same rows again: nothing counts as replaced, nothing changes */
    assert_int_equal(bank_import(b, &l, &added, &replaced, &unchanged, why), BANK_OK);
    assert_int_equal(added, 0);
    assert_int_equal(replaced, 0);
    assert_int_equal(unchanged, 1);
    bank_item got;
    assert_int_equal(bank_item_get(b, "t9-001", &got, why), BANK_OK);
    assert_int_equal(got.version, 1);
    bank_item_clear(&got);
    assert_int_equal(bank_verify(b, fx_path(dir, "auth.pub"), why), BANK_OK);
    /* one character of the key differs: replaced, version 2 */
    bank_items_free(&l);
    one_item(&l, "Pancasila adalah dasar negara.", "B");
    assert_int_equal(bank_import(b, &l, &added, &replaced, &unchanged, why), BANK_OK);
    assert_int_equal(replaced, 1);
    assert_int_equal(unchanged, 0);
    assert_int_equal(bank_item_get(b, "t9-001", &got, why), BANK_OK);
    assert_int_equal(got.version, 2);
    bank_item_clear(&got);
    bank_items_free(&l);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_eight_options_rich_text_and_an_image_are_stored_encrypted_and_read_back(
    void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE];
    bank_close(fx_bank(dir, 1, 2));
    bank *b = reopen(dir, true);
    static const unsigned char png[33] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0,
                                          13, 'I', 'H', 'D', 'R', 0, 0, 0, 40, 0, 0, 0, 30,
                                          'S', 'E', 'C', 'R', 'E', 'T', 'P', 'X', 'L'};
    bank_items l = {0};
    bank_item *it = bank_items_push(&l);
    assert_non_null(it);
    it->id = strdup("t9-008");
    it->topic = strdup("t9");
    it->kind = BANK_MULTI;
    it->difficulty = 3;
    it->weight = 1;
    it->stem = strdup("<p>Manakah <b>bilangan prima</b>?</p>");
    it->rich = true;
    it->noptions = 8;
    for (int i = 0; i < 8; i++) {
        char o[8];
        snprintf(o, sizeof o, "%d", i + 2);
        it->options[i] = strdup(o);
    }
    strcpy(it->key, "ABDFH");
    it->image = malloc(sizeof png);
    assert_non_null(it->image);
    memcpy(it->image, png, sizeof png);
    it->image_len = sizeof png;
    size_t added = 0, replaced = 0, unchanged = 0;
    assert_int_equal(bank_import(b, &l, &added, &replaced, &unchanged, why), BANK_OK);
    bank_item got;
    assert_int_equal(bank_item_get(b, "t9-008", &got, why), BANK_OK);
    assert_int_equal(got.noptions, 8);
    assert_string_equal(got.options[7], "9");
    assert_string_equal(got.key, "ABDFH");
    assert_true(got.rich);
    assert_int_equal(got.image_len, sizeof png);
    assert_memory_equal(got.image, png, sizeof png);
    bank_item_clear(&got);
    bank_close(b);
    /* the image is inside the item's box, not in the file in the clear */
    size_t len = 0;
    char *file = NULL;
    assert_int_equal(bank_file_read(fx_path(dir, "bank.bank"), 1 << 26, &file, &len, why),
                     BANK_OK);
    for (size_t i = 0; i + 9 <= len; i++)
        if (memcmp(file + i, "SECRETPXL", 9) == 0) fail_msg("image bytes in the clear at %zu", i);
    free(file);
    /* the same again is unchanged; another image replaces it */
    b = reopen(dir, true);
    assert_int_equal(bank_import(b, &l, &added, &replaced, &unchanged, why), BANK_OK);
    assert_int_equal(unchanged, 1);
    l.v[0].image[32] = 'M';
    assert_int_equal(bank_import(b, &l, &added, &replaced, &unchanged, why), BANK_OK);
    assert_int_equal(replaced, 1);
    /* an image that is not one is refused by the library whatever parser made it */
    l.v[0].image[0] = 'G';
    assert_int_equal(bank_import(b, &l, &added, &replaced, &unchanged, why), BANK_EINVAL);
    assert_non_null(strstr(why, "not a PNG or JPEG image"));
    bank_items_free(&l);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_a_bank_of_format_2_is_read_and_becomes_format_3_when_imported_into(
    void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE];
    bank_close(fx_bank(dir, 1, 2));
    tamper(fx_path(dir, "bank.bank"), "PRAGMA user_version = 2");
    assert_int_equal(fx_file_version(fx_path(dir, "bank.bank")), BANK_FORMAT_OLDEST);
    bank *b = reopen(dir, true);
    bank_item got;
    assert_int_equal(bank_item_get(b, "t0-000", &got, why), BANK_OK);
    bank_item_clear(&got);
    bank_items l = {0};
    one_item(&l, "Pancasila adalah dasar negara.", "A");
    assert_int_equal(bank_import(b, &l, NULL, NULL, NULL, why), BANK_OK);
    bank_items_free(&l);
    bank_close(b);
    assert_int_equal(fx_file_version(fx_path(dir, "bank.bank")), BANK_FORMAT_VERSION);
    fx_rmdir(dir);
}

static void test_newer_format_version_is_refused(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE];
    bank_close(fx_bank(dir, 1, 1));
    tamper(fx_path(dir, "bank.bank"), "PRAGMA user_version = 99");
    bank_err e = BANK_OK;
    assert_null(bank_open(fx_path(dir, "bank.bank"), false, &e, why));
    assert_int_equal(e, BANK_EVERSION);
    assert_non_null(strstr(why, "99"));
    fx_rmdir(dir);
}

/* Writes bytes to dir/name. */
static void put(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

static void test_non_bank_files_are_refused(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE];
    bank_close(fx_bank(dir, 1, 4));
    size_t n = 0;
    char *data = slurp(fx_path(dir, "bank.bank"), &n);
    put(fx_path(dir, "trunc.bank"), data, 1000);
    put(fx_path(dir, "text.bank"), "id,topic\nx,y\n", 13);
    put(fx_path(dir, "empty.bank"), "", 0);
    free(data);
    tamper(fx_path(dir, "plain.db"), "CREATE TABLE t(x)");
    static const char *const names[] = {"trunc.bank", "text.bank", "empty.bank", "plain.db",
                                        "missing.bank"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        bank_err e = BANK_OK;
        why[0] = 0;
        assert_null(bank_open(fx_path(dir, names[i]), false, &e, why));
        assert_true(e == BANK_ENOTBANK || e == BANK_ECORRUPT || e == BANK_EIO);
        assert_true(why[0] != 0);
    }
    fx_rmdir(dir);
}

/* Seals dir/bank.bank with a fresh key dir/auth.{key,pub}. */
static void seal_fresh(const char *dir)
{
    char why[WHY_SIZE] = "";
    assert_int_equal(bank_keygen(fx_path(dir, "auth"), why), BANK_OK);
    bank *b = reopen(dir, true);
    assert_int_equal(bank_seal(b, fx_path(dir, "auth.key"), why), BANK_OK);
    bank_close(b);
}

/* Verifies dir/bank.bank against dir/auth.pub; returns the code, why set. */
static bank_err verify(const char *dir, char *why)
{
    bank_err e = BANK_OK;
    bank *b = bank_open(fx_path(dir, "bank.bank"), false, &e, why);
    assert_non_null(b);
    e = bank_verify(b, fx_path(dir, "auth.pub"), why);
    bank_close(b);
    return e;
}

static void test_keygen_writes_private_key_0600_and_never_overwrites(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE];
    assert_int_equal(bank_keygen(fx_path(dir, "k"), why), BANK_OK);
    struct stat sb;
    assert_int_equal(stat(fx_path(dir, "k.key"), &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(bank_keygen(fx_path(dir, "k"), why), BANK_EEXIST);
    fx_rmdir(dir);
}

static void test_sealed_bank_verifies(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE];
    bank *b = fx_bank(dir, 2, 4);
    fx_exam(b, "{\"id\":\"e1\",\"title\":\"Uji\",\"kind\":\"quiz\",\"minutes\":10,"
               "\"quotas\":{\"t0\":2}}");
    bank_close(b);
    seal_fresh(dir);
    assert_int_equal(verify(dir, why), BANK_OK);
    fx_rmdir(dir);
}

/* Each tampering, and the words the verify message must contain. */
static const struct {
    const char *sql, *expect;
} TAMPERS[] = {
    {"UPDATE items SET box = substr(box, 1, 20) || CASE WHEN substr(box, 21, 1) = x'00'"
     " THEN x'01' ELSE x'00' END || substr(box, 22) WHERE id = 't0-002'",
     "item t0-002 changed"},
    {"UPDATE items SET difficulty = 5 WHERE id = 't1-003'", "item t1-003 changed"},
    {"DELETE FROM items WHERE id = 't1-000'", "item t1-000 was removed"},
    {"INSERT INTO items SELECT 'zz-new', version, topic, kind, difficulty, weight, noptions,"
     " pinned, draft, band, rank, box FROM items WHERE id = 't0-000'", "item zz-new was added"},
    {"UPDATE exams SET json = replace(json, '10', '11')", "exam e1 changed"},
    {"UPDATE meta SET value = 'x' WHERE key = 'kdf_logn'", "meta kdf_logn changed"},
};

static void test_verify_names_every_kind_of_change(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof TAMPERS / sizeof TAMPERS[0]; i++) {
        char *dir = fx_tmpdir(), why[WHY_SIZE] = "";
        bank *b = fx_bank(dir, 2, 4);
        fx_exam(b, "{\"id\":\"e1\",\"title\":\"Uji\",\"kind\":\"quiz\",\"minutes\":10,"
                   "\"quotas\":{\"t0\":2}}");
        bank_close(b);
        seal_fresh(dir);
        tamper(fx_path(dir, "bank.bank"), TAMPERS[i].sql);
        assert_int_equal(verify(dir, why), BANK_ETAMPER);
        if (!strstr(why, TAMPERS[i].expect)) fail_msg("'%s' lacks '%s'", why, TAMPERS[i].expect);
        fx_rmdir(dir);
    }
}

static void test_verify_refuses_other_key_and_unsealed_bank(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), *other = fx_tmpdir(), why[WHY_SIZE];
    bank_close(fx_bank(dir, 1, 2));
    assert_int_equal(bank_keygen(fx_path(dir, "auth"), why), BANK_OK);
    assert_int_equal(verify(dir, why), BANK_ENOTSEALED);
    assert_int_equal(bank_keygen(fx_path(other, "auth"), why), BANK_OK);
    bank *b = reopen(dir, true);
    assert_int_equal(bank_seal(b, fx_path(dir, "auth.key"), why), BANK_OK);
    bank_close(b);
    bank_err e = BANK_OK;
    b = bank_open(fx_path(dir, "bank.bank"), false, &e, why);
    assert_int_equal(bank_verify(b, fx_path(other, "auth.pub"), why), BANK_ETAMPER);
    assert_int_equal(bank_verify(b, fx_path(dir, "auth.key"), why), BANK_EINVAL);
    bank_close(b);
    fx_rmdir(dir);
    fx_rmdir(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_bank_is_locked_until_passphrase),
        cmocka_unit_test(test_create_refuses_existing_file),
        cmocka_unit_test(test_stems_options_and_keys_are_not_in_the_file),
        cmocka_unit_test(test_box_moved_to_another_id_fails_to_decrypt),
        cmocka_unit_test(test_clear_column_edit_fails_to_decrypt),
        cmocka_unit_test(test_row_copied_from_another_bank_fails_to_decrypt),
        cmocka_unit_test(test_import_is_all_or_nothing),
        cmocka_unit_test(test_reimport_replaces_with_next_version),
        cmocka_unit_test(
            test_reimport_of_identical_items_counts_them_unchanged_and_keeps_version_and_seal),
        cmocka_unit_test(test_eight_options_rich_text_and_an_image_are_stored_encrypted_and_read_back),
        cmocka_unit_test(test_a_bank_of_format_2_is_read_and_becomes_format_3_when_imported_into),
        cmocka_unit_test(test_newer_format_version_is_refused),
        cmocka_unit_test(test_non_bank_files_are_refused),
        cmocka_unit_test(test_keygen_writes_private_key_0600_and_never_overwrites),
        cmocka_unit_test(test_sealed_bank_verifies),
        cmocka_unit_test(test_verify_names_every_kind_of_change),
        cmocka_unit_test(test_verify_refuses_other_key_and_unsealed_bank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
