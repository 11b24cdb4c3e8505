/* bench_draw.c -- times reading stored forms of sessions on a large bank against a full read of the bank. */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "bench.h"
#include "why.h"

#define NTOPICS 10
#define QUOTA 10          /* items per topic on a form */
#define ROOM 40           /* participants of the big session */
#define DRAW_REPS 15      /* repetitions of the one-form draw */
#define ALL_REPS 10       /* repetitions of the whole-room draw */
#define BASE_REPS 5       /* repetitions of the full read */
#define TARGET_ONE 5.0    /* ms: one form from a one-person session */
#define TARGET_ALL 100.0  /* ms: every form of a 40-person session */

static const char PASS[] = "bench-passphrase";

/* Appends a generated stem of a few words to a new string; caller frees. */
static char *make_stem(uint64_t *rng, size_t i)
{
    char buf[256];
    int n = snprintf(buf, sizeof buf, "Soal %zu: manakah", i);
    int words = 6 + (int)(bench_rand(rng) % 5);
    for (int w = 0; w < words && n < 200; w++)
        n += snprintf(buf + n, sizeof buf - (size_t)n, " %s", bench_word(rng));
    snprintf(buf + n, sizeof buf - (size_t)n, "?");
    return strdup(buf);
}

/* Option text of two or three words; caller frees. */
static char *make_option(uint64_t *rng, int k)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%c. %s %s %s", 'A' + k, bench_word(rng), bench_word(rng),
             k % 2 ? bench_word(rng) : "saja");
    return strdup(buf);
}

/* Fills l with n items spread over NTOPICS topics: single answer, four
 * options, keys A-D in turn, difficulty 1..5. */
static void make_items(bank_items *l, size_t n)
{
    uint64_t rng = 0x9E3779B97F4A7C15ULL;
    char buf[64];
    for (size_t i = 0; i < n; i++) {
        bank_item *it = bank_items_push(l);
        if (!it) bench_die("out of memory");
        size_t t = i % NTOPICS;
        snprintf(buf, sizeof buf, "t%zu-%06zu", t, i / NTOPICS);
        it->id = strdup(buf);
        snprintf(buf, sizeof buf, "t%zu", t);
        it->topic = strdup(buf);
        it->kind = BANK_SINGLE;
        it->difficulty = 1 + (int)(i / NTOPICS % 5);
        it->weight = 1;
        it->stem = make_stem(&rng, i);
        it->noptions = 4;
        for (int k = 0; k < 4; k++) it->options[k] = make_option(&rng, k);
        it->key[0] = (char)('A' + (i * 7 + i / 3) % 4);
        it->key[1] = '\0';
        if (!it->id || !it->topic || !it->stem || !it->options[3]) bench_die("out of memory");
    }
}

/* NIP of the first roster entry (same formula as make_roster). */
static const char FIRST_NIP[] = "199501012024011001";

/* Creates a session of n participants in file `name`; writes its token. */
static void make_session(bank *b, size_t n, const char *path, char token[BANK_TOKEN_LEN + 1])
{
    size_t len;
    char *csv = bench_roster(n, &len);
    bank_session_spec spec = {.exam_id = "bench-acad", .roster_csv = csv, .roster_len = len};
    char why[WHY_SIZE] = "";
    bench_check(bank_session_create(b, &spec, path, token, why), "session create", why);
    free(csv);
}

/* Median ms of reps draws of one form of `nip` (fresh session each time). */
static double time_one(bank *rb, const char *path, const char *token, const char *nip,
                       int reps, size_t form_size)
{
    double t[ALL_REPS > DRAW_REPS ? ALL_REPS : DRAW_REPS];
    for (int r = 0; r < reps; r++) {
        bank_session *s = bench_open_session(rb, path, token);
        bank_err e = BANK_OK;
        char why[WHY_SIZE] = "";
        double t0 = bench_now_ms();
        bank_form *f = bank_form_draw(s, nip, &e, why);
        t[r] = bench_now_ms() - t0;
        if (!f) bench_check(e, "form draw", why);
        if (bank_form_size(f) != form_size)
            bench_die("form of %zu items, expected %zu", bank_form_size(f), form_size);
        bank_form_free(f);
        bank_session_close(s);
    }
    return bench_median(t, (size_t)reps);
}

/* Median ms of reps joint draws of every form of a session. */
static double time_all(bank *rb, const char *path, const char *token, int reps,
                       size_t form_size)
{
    double t[ALL_REPS];
    for (int r = 0; r < reps; r++) {
        bank_session *s = bench_open_session(rb, path, token);
        size_t n = bank_session_size(s);
        bank_form **forms = calloc(n, sizeof *forms);
        if (!forms) bench_die("out of memory");
        char why[WHY_SIZE] = "";
        double t0 = bench_now_ms();
        bank_err e = bank_form_draw_all(s, forms, why);
        t[r] = bench_now_ms() - t0;
        bench_check(e, "form draw all", why);
        for (size_t i = 0; i < n; i++) {
            if (bank_form_size(forms[i]) != form_size) bench_die("short form in joint draw");
            bank_form_free(forms[i]);
        }
        free(forms);
        bank_session_close(s);
    }
    return bench_median(t, (size_t)reps);
}

/* Median ms of reading the id of every item with SQLite directly. */
static double time_full_read(const char *path, size_t expect)
{
    double t[BASE_REPS];
    for (int r = 0; r < BASE_REPS; r++) {
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db, "SELECT id FROM items", -1, &st, NULL) != SQLITE_OK)
            bench_die("sqlite: %s", sqlite3_errmsg(db));
        size_t n = 0, bytes = 0;
        double t0 = bench_now_ms();
        while (sqlite3_step(st) == SQLITE_ROW) {
            bytes += (size_t)sqlite3_column_bytes(st, 0);
            n++;
        }
        t[r] = bench_now_ms() - t0;
        sqlite3_finalize(st);
        sqlite3_close(db);
        if (n != expect || bytes == 0) bench_die("full read saw %zu items, expected %zu", n, expect);
    }
    return bench_median(t, BASE_REPS);
}

int main(void)
{
    size_t nitems = bench_size("KISI_BENCH_ITEMS", 100000);
    if (nitems < NTOPICS * QUOTA * ROOM)
        bench_die("KISI_BENCH_ITEMS must be at least %d", NTOPICS * QUOTA * ROOM);
    bench_tmpdir();
    char bankpath[4200], one[4200], room[4200], why[WHY_SIZE] = "";
    bench_path(bankpath, sizeof bankpath, "bench.bank");
    bench_path(one, sizeof one, "one.session");
    bench_path(room, sizeof room, "room.session");

    bank_err e = BANK_OK;
    bank *b = bank_create(bankpath, PASS, strlen(PASS), &e, why);
    if (!b) bench_check(e, "bank create", why);
    if (!bank_is_unlocked(b)) bench_check(bank_unlock(b, PASS, strlen(PASS), why), "unlock", why);

    bank_items items = {0};
    make_items(&items, nitems);
    printf("bench_draw: bank of %zu items (%d topics), exam of %d items (%d per topic)\n",
           nitems, NTOPICS, NTOPICS * QUOTA, QUOTA);
    double t0 = bench_now_ms();
    size_t added = 0;
    bench_check(bank_import(b, &items, &added, NULL, NULL, why), "import", why);
    double import_ms = bench_now_ms() - t0;
    bank_items_free(&items);
    if (added != nitems) bench_die("import added %zu of %zu items", added, nitems);
    char label[128];
    snprintf(label, sizeof label, "import %zu items (one bank_import)", nitems);
    bench_rate(label, (double)nitems, "items", import_ms, NULL);

    size_t form_size = bench_exam(b, NTOPICS, QUOTA);

    char tok1[BANK_TOKEN_LEN + 1], tok40[BANK_TOKEN_LEN + 1];
    make_session(b, 1, one, tok1);
    make_session(b, ROOM, room, tok40);
    bank_close(b);

    bank *rb = bank_open(bankpath, false, &e, why);
    if (!rb) bench_check(e, "bank open", why);

    snprintf(label, sizeof label, "baseline: SELECT id of all %zu items", nitems);
    bench_time(label, "median", time_full_read(bankpath, nitems), "(full read, SQLite directly)");

    snprintf(label, sizeof label, "read 1 stored form (%zu of %zu items)", form_size, nitems);
    bench_target(label, time_one(rb, one, tok1, FIRST_NIP, DRAW_REPS, form_size), TARGET_ONE,
                 NULL);
    snprintf(label, sizeof label, "read all %d stored forms of a session", ROOM);
    bench_target(label, time_all(rb, room, tok40, ALL_REPS, form_size), TARGET_ALL, NULL);
    snprintf(label, sizeof label, "read 1 stored form of a %d-person session", ROOM);
    bench_target(label, time_one(rb, room, tok40, FIRST_NIP, ALL_REPS, form_size), TARGET_ONE,
                 "(drawn once, at bank session)");

    bank_close(rb);
    return 0;
}
