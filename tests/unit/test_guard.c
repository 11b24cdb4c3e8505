/* test_guard.c -- every SQLite file from outside (bank, session, journal) is checked before use: settings, integrity, exact schema. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fixture.h"
#include "session.h"
#include "journal.h"
#include "why.h"

#define QUIZ "{\"id\":\"quiz\",\"title\":\"Kuis\",\"kind\":\"quiz\",\"minutes\":10," \
             "\"quotas\":{\"t0\":3}}"

/* A query that would run for minutes and return 300,000,000. */
#define RUNAWAY "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c" \
                " LIMIT 300000000) SELECT count(*) FROM c"

/* Edits: the same kinds of change applied to each file. */
typedef struct edit {
    const char *what;   /* what the test calls it */
    const char *sql;    /* run on the file behind Kisi's back */
    const char *named;  /* the message names this */
} edit;

/* Runs sql on the file at path (with no guard: the attacker's view). */
static void edit_file(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    char *err = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) fail_msg("%s: %s", sql, err);
    sqlite3_close(db);
}

/* Copies src to path, applies the SQL of ed to the copy and reads it into
 * memory; caller frees. */
static char *edited_copy(const char *src, const char *path, const edit *ed, size_t *len)
{
    char *data = NULL;
    assert_int_equal(bank_file_read(src, 1 << 26, &data, len, NULL), BANK_OK);
    assert_int_equal(bank_file_write_atomic(path, data, *len, 0600, NULL), BANK_OK);
    free(data);
    edit_file(path, ed->sql);
    assert_int_equal(bank_file_read(path, 1 << 26, &data, len, NULL), BANK_OK);
    return data;
}

/* Fails unless the open `how` of the file edited by ed was refused as
 * tampered with, in one line that names ed->named. */
static void refused(const edit *ed, const char *how, bool opened, bank_err e, const char *why)
{
    if (opened || e != BANK_ETAMPER || !strstr(why, ed->named) || strchr(why, '\n'))
        fail_msg("%s: %s gave %d: %s", ed->what, how, e, why);
}

static const edit BANK_EDITS[] = {
    {"items_pool rebuilt as a partial index",
     "DROP INDEX items_pool; CREATE INDEX items_pool ON items(topic, draft, rank)"
     " WHERE difficulty <= 2",
     "index items_pool changed"},
    {"a view in place of the exams table",
     "ALTER TABLE exams RENAME TO exams_t; CREATE VIEW exams AS SELECT * FROM exams_t",
     "table exams missing"},
    {"an extra trigger",
     "CREATE TRIGGER t AFTER INSERT ON items BEGIN DELETE FROM items; END",
     "trigger t not one Kisi writes"},
    {"a recursive view in place of meta, meant to burn CPU",
     "ALTER TABLE meta RENAME TO meta_t; CREATE VIEW meta AS SELECT key, value FROM meta_t"
     " WHERE (" RUNAWAY ") > 0",
     "table meta missing"},
    {"an index added", "CREATE INDEX extra ON items(difficulty)",
     "index extra not one Kisi writes"},
    {"a table added", "CREATE TABLE extra(x)", "table extra not one Kisi writes"},
    {"a table whose name holds a line break", "CREATE TABLE \"a\nb\"(x)",
     "table a\\x0ab not one Kisi writes"},
    {"the autoindex's SQL set", "PRAGMA writable_schema=ON; UPDATE sqlite_schema SET sql = ''"
     " WHERE name = 'sqlite_autoindex_exams_1'", "index sqlite_autoindex_exams_1 changed"},
};

static void test_bank_whose_schema_was_edited_is_refused(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "";
    bank_close(fx_bank(dir, 1, 10));
    for (size_t i = 0; i < sizeof BANK_EDITS / sizeof BANK_EDITS[0]; i++) {
        const edit *ed = &BANK_EDITS[i];
        const char *path = fx_path(dir, "t.bank");
        size_t len = 0;
        char *data = edited_copy(fx_path(dir, "bank.bank"), path, ed, &len);
        bank_err e = BANK_OK;
        bank *b = bank_open(path, false, &e, why);
        refused(ed, "bank_open", b != NULL, e, why);
        /* the same from memory, as the core opens a bank */
        b = bank_open_mem(data, len, "mem.bank", &e, why);
        free(data);
        refused(ed, "bank_open_mem", b != NULL, e, why);
        assert_non_null(strstr(why, "mem.bank"));
        remove(path);
    }
    bank_err e = BANK_OK;
    bank *b = bank_open(fx_path(dir, "bank.bank"), false, &e, why);
    assert_non_null(b); /* the untouched bank still opens */
    bank_close(b);
    fx_rmdir(dir);
}

static const edit SESSION_EDITS[] = {
    {"a view in place of the roster",
     "ALTER TABLE roster RENAME TO roster_t; CREATE VIEW roster AS SELECT * FROM roster_t",
     "table roster missing"},
    {"an extra trigger", "CREATE TRIGGER t AFTER DELETE ON forms BEGIN SELECT 1; END",
     "trigger t not one Kisi writes"},
    {"a partial index on the forms", "CREATE INDEX forms_few ON forms(pos) WHERE pos < 2",
     "index forms_few not one Kisi writes"},
    {"a recursive view in place of meta, meant to burn CPU",
     "ALTER TABLE meta RENAME TO meta_t; CREATE VIEW meta AS SELECT key, value FROM meta_t"
     " WHERE (" RUNAWAY ") > 0",
     "table meta missing"},
};

static void test_session_whose_schema_was_edited_is_refused(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "", token[BANK_TOKEN_LEN + 1];
    bank *b = fx_bank(dir, 1, 10);
    fx_exam(b, QUIZ);
    fx_session(b, "quiz", 3, NULL, fx_path(dir, "s.session"), token);
    for (size_t i = 0; i < sizeof SESSION_EDITS / sizeof SESSION_EDITS[0]; i++) {
        const edit *ed = &SESSION_EDITS[i];
        const char *path = fx_path(dir, "t.session");
        size_t len = 0;
        char *data = edited_copy(fx_path(dir, "s.session"), path, ed, &len);
        bank_err e = BANK_OK;
        bank_session *s = bank_session_open(b, path, &e, why);
        refused(ed, "bank_session_open", s != NULL, e, why);
        s = bank_session_open_mem(b, data, len, "mem.session", &e, why);
        free(data);
        refused(ed, "bank_session_open_mem", s != NULL, e, why);
        char bid[33], sid[33], eid[65];
        e = bank_session_info(path, bid, sid, eid, why);
        refused(ed, "bank_session_info", false, e, why);
        remove(path);
    }
    bank_close(b);
    fx_rmdir(dir);
}

static void test_session_mac_covers_the_schema(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "", token[BANK_TOKEN_LEN + 1];
    bank *b = fx_bank(dir, 1, 10);
    fx_exam(b, QUIZ);
    fx_session(b, "quiz", 3, NULL, fx_path(dir, "s.session"), token);
    bank_err e = BANK_OK;
    bank_session *s = bank_session_open(b, fx_path(dir, "s.session"), &e, why);
    assert_non_null(s);
    /* the MAC of the file with one schema row more is not the MAC stored */
    uint8_t dkey[BC_KEY];
    memcpy(dkey, b->dkey, BC_KEY);
    assert_int_equal(sess_verify_mac(s, dkey, why), BANK_OK);
    bank_session_close(s);
    const char *path = fx_path(dir, "t.session");
    static const edit extra = {"an index added", "CREATE INDEX extra ON seen(item)", ""};
    size_t len = 0;
    free(edited_copy(fx_path(dir, "s.session"), path, &extra, &len));
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    bank_session t = {.b = b, .db = db};
    e = sess_verify_mac(&t, dkey, why);
    sqlite3_close(db);
    assert_int_equal(e, BANK_ETAMPER);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_journal_whose_schema_was_edited_is_refused(void **state)
{
    (void)state;
    static const edit edits[] = {
        {"a view in place of the events",
         "ALTER TABLE events RENAME TO events_t; CREATE VIEW events AS SELECT * FROM events_t",
         "table events missing"},
        {"an extra trigger", "CREATE TRIGGER t AFTER INSERT ON events BEGIN SELECT 1; END",
         "trigger t not one Kisi writes"},
        {"a partial index", "CREATE INDEX few ON events(seq) WHERE kind = 1",
         "index few not one Kisi writes"},
        {"a recursive view in place of meta, meant to burn CPU",
         "ALTER TABLE meta RENAME TO meta_t; CREATE VIEW meta AS SELECT key, value FROM meta_t"
         " WHERE (" RUNAWAY ") > 0",
         "not a kiosk journal"},
    };
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "";
    journal *j = journal_open(fx_path(dir, "journal.db"), why);
    assert_non_null(j);
    journal_close(j);
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        const char *path = fx_path(dir, "t.db");
        size_t len = 0;
        free(edited_copy(fx_path(dir, "journal.db"), path, &edits[i], &len));
        why[0] = 0;
        j = journal_open(path, why);
        if (j || !strstr(why, edits[i].named))
            fail_msg("%s: journal_open gave %s", edits[i].what, why);
        remove(path);
    }
    j = journal_open(fx_path(dir, "journal.db"), why); /* the untouched one still opens */
    assert_non_null(j);
    journal_close(j);
    fx_rmdir(dir);
}

static void test_damaged_file_is_refused_by_the_integrity_check(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "";
    bank_close(fx_bank(dir, 2, 40));
    /* the index items_diff loses its rows while the table keeps them: only a
     * full integrity check sees it (writable_schema lets the attacker do it) */
    const char *path = fx_path(dir, "bank.bank");
    edit_file(path, "PRAGMA writable_schema=ON;"
                    " UPDATE sqlite_schema SET sql = replace(sql, 'difficulty)',"
                    " 'difficulty) WHERE 0') WHERE name = 'items_diff';"
                    " PRAGMA writable_schema=OFF;");
    edit_file(path, "REINDEX items_diff; PRAGMA writable_schema=ON;"
                    " UPDATE sqlite_schema SET sql = replace(sql, ' WHERE 0', '')"
                    " WHERE name = 'items_diff'; PRAGMA writable_schema=OFF;");
    bank_err e = BANK_OK;
    bank *b = bank_open(path, false, &e, why);
    if (b || e != BANK_ECORRUPT || !strstr(why, "damaged")) fail_msg("open gave %d: %s", e, why);
    fx_rmdir(dir);
}

static void test_hardened_connection_stops_a_runaway_query(void **state)
{
    (void)state;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(bank_db_harden(db), BANK_OK);
    assert_int_equal(sqlite3_prepare_v2(db, RUNAWAY, -1, &st, NULL), SQLITE_OK);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    assert_int_equal(rc, SQLITE_INTERRUPT);
    /* an ordinary query still runs */
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT 40 + 2", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 42);
    sqlite3_finalize(st);
    /* no extension, views or triggers; attaching nothing */
    assert_int_not_equal(sqlite3_exec(db, "CREATE TABLE t(x); CREATE VIEW v AS SELECT x FROM t;"
                                          " SELECT * FROM v",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "ATTACH ':memory:' AS o", NULL, NULL, NULL), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "SELECT load_extension('x')", NULL, NULL, NULL),
                         SQLITE_OK);
    int on = -1;
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1, &on);
    assert_int_equal(on, 1);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, -1, &on);
    assert_int_equal(on, 0);
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bank_whose_schema_was_edited_is_refused),
        cmocka_unit_test(test_session_whose_schema_was_edited_is_refused),
        cmocka_unit_test(test_session_mac_covers_the_schema),
        cmocka_unit_test(test_journal_whose_schema_was_edited_is_refused),
        cmocka_unit_test(test_damaged_file_is_refused_by_the_integrity_check),
        cmocka_unit_test(test_hardened_connection_stops_a_runaway_query),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
