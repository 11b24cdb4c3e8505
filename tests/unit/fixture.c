/* fixture.c -- throw-away banks, exams, rosters and sessions for unit tests. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>
#include <unistd.h>

#include "fixture.h"
#include "why.h"

char *fx_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *dir = malloc(4096);
    assert_non_null(dir);
    snprintf(dir, 4096, "%s/kisi-unit-XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(dir));
    return dir;
}

/* Removes path and, for a folder (not a link to one), everything in it. */
static void remove_tree(const char *path)
{
    struct stat st;
    DIR *d = lstat(path, &st) == 0 && S_ISDIR(st.st_mode) ? opendir(path) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        remove_tree(sub);
    }
    if (d) closedir(d);
    remove(path);
}

void fx_rmdir(char *dir)
{
    if (!dir) return;
    remove_tree(dir);
    free(dir);
}

const char *fx_path(const char *dir, const char *name)
{
    static char buf[4][4096];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, 4096, "%s/%s", dir, name);
    return p;
}

bank *fx_bank(const char *dir, int topics, int per_topic)
{
    char why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    bank *b = bank_create(fx_path(dir, "bank.bank"), FX_PASS, strlen(FX_PASS), &e, why);
    if (!b) fail_msg("bank_create: %s", why);
    bank_items l = {0};
    char buf[128];
    for (int t = 0; t < topics; t++)
        for (int j = 0; j < per_topic; j++) {
            bank_item *it = bank_items_push(&l);
            assert_non_null(it);
            snprintf(buf, sizeof buf, "t%d-%03d", t, j);
            it->id = strdup(buf);
            snprintf(buf, sizeof buf, "t%d", t);
            it->topic = strdup(buf);
            it->kind = BANK_SINGLE;
            it->difficulty = j % 5 + 1;
            it->weight = 1;
            it->pinned = j % 7 == 6;
            snprintf(buf, sizeof buf, "Soal nomor %d dari topik %d, \"unik\"?", j, t);
            it->stem = strdup(buf);
            it->noptions = 4;
            for (int k = 0; k < 4; k++) {
                snprintf(buf, sizeof buf, "pilihan %c untuk %d/%d", 'A' + k, t, j);
                it->options[k] = strdup(buf);
            }
            it->key[0] = (char)('A' + j % 4);
        }
    size_t added = 0;
    e = bank_import(b, &l, &added, NULL, NULL, why);
    bank_items_free(&l);
    if (e) fail_msg("bank_import: %s", why);
    assert_int_equal(added, (size_t)(topics * per_topic));
    return b;
}

void fx_exam(bank *b, const char *json)
{
    char why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    bank_exam *ex = bank_exam_parse(json, strlen(json), &e, why);
    if (!ex) fail_msg("bank_exam_parse: %s", why);
    e = bank_exam_add(b, ex, why);
    bank_exam_free(ex);
    if (e) fail_msg("bank_exam_add: %s", why);
}

const char *fx_nip(size_t i)
{
    static char nip[40];
    /* born 1995-01-(1..28), appointed 2024-01, alternating gender */
    snprintf(nip, sizeof nip, "199501%02u202401%u%03u", (unsigned)(i % 28 + 1),
             (unsigned)(i % 2 + 1), (unsigned)(i % 999 + 1));
    return nip;
}

char *fx_roster(size_t n)
{
    size_t cap = 32 + n * 48, len = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    len += (size_t)snprintf(csv, cap, "nip,name,pin\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(csv + len, cap - len, "%s,Peserta %zu,1234567890\n", fx_nip(i), i);
    return csv;
}

void fx_session(bank *b, const char *exam, size_t n, const char *history, const char *out,
                char token[BANK_TOKEN_LEN + 1])
{
    fx_session_proctor(b, exam, n, history, out, token, NULL);
}

void fx_session_proctor(bank *b, const char *exam, size_t n, const char *history,
                        const char *out, char token[BANK_TOKEN_LEN + 1], char *proctor)
{
    char *roster = fx_roster(n);
    bank_session_spec spec = {.exam_id = exam, .roster_csv = roster, .roster_len = strlen(roster),
                              .history_jsonl = history,
                              .history_len = history ? strlen(history) : 0,
                              .proctor_code = proctor};
    char why[WHY_SIZE] = "";
    bank_err e = bank_session_create(b, &spec, out, token, why);
    free(roster);
    if (e) fail_msg("bank_session_create: %s", why);
}

int fx_file_version(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}
