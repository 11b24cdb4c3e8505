/* bench_import.c -- times CSV parsing and bank import against raw AES-256-GCM sealing. */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "bench.h"
#include "crypto.h"
#include "why.h"

#define NTOPICS 10

static const char PASS[] = "bench-passphrase";

/* A growable text buffer; exits when out of memory. */
typedef struct text {
    char *s;
    size_t n, cap;
} text;

static void text_add(text *t, const char *s, size_t len)
{
    if (t->n + len + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->n + len + 1) cap *= 2;
        char *ns = realloc(t->s, cap);
        if (!ns) bench_die("out of memory");
        t->s = ns;
        t->cap = cap;
    }
    memcpy(t->s + t->n, s, len);
    t->n += len;
    t->s[t->n] = '\0';
}

static void text_str(text *t, const char *s)
{
    text_add(t, s, strlen(s));
}

/* Appends one CSV field, quoted (with "" escapes) when it needs to be. */
static void csv_field(text *t, const char *s, bool last)
{
    if (strpbrk(s, ",\"\n\r")) {
        text_add(t, "\"", 1);
        for (const char *p = s; *p; p++) {
            text_add(t, p, 1);
            if (*p == '"') text_add(t, "\"", 1);
        }
        text_add(t, "\"", 1);
    } else {
        text_str(t, s);
    }
    text_add(t, last ? "\n" : ",", 1);
}

/* A stem of about 120 bytes: words, some commas, a quoted phrase, and
 * non-ASCII punctuation now and then. */
static void make_stem(uint64_t *rng, size_t i, char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "Soal %zu –", i);
    int w = 0;
    while (n < 112) {
        uint64_t r = bench_rand(rng);
        const char *word = bench_word(rng);
        if (r % 11 == 0) n += (size_t)snprintf(out + n, cap - n, " \"%s\"", word);
        else n += (size_t)snprintf(out + n, cap - n, " %s", word);
        if (r % 5 == 0 && w > 0) n += (size_t)snprintf(out + n, cap - n, ",");
        w++;
    }
    snprintf(out + n, cap - n, "%s", i % 3 ? " …?" : "?");
}

/* The item CSV of n rows; caller frees t.s. */
static void make_csv(text *t, size_t n)
{
    uint64_t rng = 0xD1B54A32D192ED03ULL;
    char buf[512];
    text_str(t, "id,topic,kind,difficulty,weight,stem,a,b,c,d,e,key\n");
    for (size_t i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "imp-%07zu,t%zu,single,%zu,1,", i, i % NTOPICS, 1 + i / 7 % 5);
        text_str(t, buf);
        make_stem(&rng, i, buf, sizeof buf);
        csv_field(t, buf, false);
        for (int k = 0; k < 5; k++) {
            if (bench_rand(&rng) % 4 == 0)
                snprintf(buf, sizeof buf, "%s, %s %s", bench_word(&rng), bench_word(&rng),
                         bench_word(&rng));
            else
                snprintf(buf, sizeof buf, "%s %s %s", bench_word(&rng), bench_word(&rng),
                         bench_word(&rng));
            csv_field(t, buf, false);
        }
        buf[0] = (char)('A' + (i * 3 + i / 5) % 5);
        buf[1] = '\0';
        csv_field(t, buf, true);
    }
}

/* Appends s as a JSON string (quotes and backslashes escaped). */
static void json_str(text *t, const char *s)
{
    text_add(t, "\"", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"' || *p == '\\') text_add(t, "\\", 1);
        text_add(t, p, 1);
    }
    text_add(t, "\"", 1);
}

/* The plaintexts the bank seals: {"stem":..,"options":[..],"key":..} of
 * every item, back to back in t, with offsets in off[0..n]. */
static void make_plain(const bank_items *l, text *t, size_t *off)
{
    for (size_t i = 0; i < l->n; i++) {
        const bank_item *it = &l->v[i];
        off[i] = t->n;
        text_str(t, "{\"stem\":");
        json_str(t, it->stem);
        text_str(t, ",\"options\":[");
        for (int k = 0; k < it->noptions; k++) {
            if (k) text_add(t, ",", 1);
            json_str(t, it->options[k]);
        }
        text_str(t, "],\"key\":");
        json_str(t, it->key);
        text_add(t, "}", 1);
    }
    off[l->n] = t->n;
}

/* Time in ms spent in bc_seal sealing every plaintext under a fresh key
 * and an AAD shaped like the bank's (the AAD is built outside the clock). */
static double time_seal(const bank_items *l, const char *bank_id, const text *plain,
                        const size_t *off)
{
    uint8_t key[BC_KEY];
    bench_check(bc_random(key, sizeof key), "random", NULL);
    size_t max = 0;
    for (size_t i = 0; i < l->n; i++)
        if (off[i + 1] - off[i] > max) max = off[i + 1] - off[i];
    uint8_t *box = malloc(BC_SEALED(max));
    if (!box) bench_die("out of memory");
    char aad[512];
    double total = 0;
    for (size_t i = 0; i < l->n; i++) {
        const bank_item *it = &l->v[i];
        int an = snprintf(aad, sizeof aad, "kisi-item|%s|%s|1|%s|%d|%d|%d|%d|0|0", bank_id,
                          it->id, it->topic, (int)it->kind, it->difficulty, it->weight,
                          it->noptions);
        double t0 = bench_now_ms();
        bank_err e = bc_seal(key, aad, (size_t)an, plain->s + off[i], off[i + 1] - off[i], box);
        total += bench_now_ms() - t0;
        bench_check(e, "seal", NULL);
    }
    free(box);
    return total;
}

/* Bytes of plaintext the bank sealed: box sizes minus nonce and tag. */
static size_t bank_plain_bytes(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT total(length(box)) - ?1 * count(*) FROM items", -1, &st,
                           NULL) != SQLITE_OK)
        bench_die("sqlite: %s", sqlite3_errmsg(db));
    sqlite3_bind_int(st, 1, BC_NONCE + BC_TAG);
    size_t n = sqlite3_step(st) == SQLITE_ROW ? (size_t)sqlite3_column_double(st, 0) : 0;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

int main(void)
{
    size_t nitems = bench_size("KISI_BENCH_ITEMS", 100000);
    bench_tmpdir();
    char bankpath[4200], why[WHY_SIZE] = "", label[128];
    bench_path(bankpath, sizeof bankpath, "import.bank");

    text csv = {0};
    make_csv(&csv, nitems);
    printf("bench_import: CSV of %zu items, %.1f MB (5 options, ~120-byte stems)\n", nitems,
           (double)csv.n / 1e6);

    bank_items items = {0};
    double t0 = bench_now_ms();
    bench_check(bank_parse_items(csv.s, csv.n, BANK_FMT_CSV, NULL, &items, why), "parse", why);
    double parse_ms = bench_now_ms() - t0;
    free(csv.s);
    if (items.n != nitems) bench_die("parsed %zu items, expected %zu", items.n, nitems);

    bank_err e = BANK_OK;
    bank *b = bank_create(bankpath, PASS, strlen(PASS), &e, why);
    if (!b) bench_check(e, "bank create", why);
    if (!bank_is_unlocked(b)) bench_check(bank_unlock(b, PASS, strlen(PASS), why), "unlock", why);
    size_t added = 0;
    t0 = bench_now_ms();
    bench_check(bank_import(b, &items, &added, NULL, NULL, why), "import", why);
    double import_ms = bench_now_ms() - t0;
    if (added != nitems) bench_die("import added %zu of %zu items", added, nitems);

    snprintf(label, sizeof label, "parse CSV (%zu items)", nitems);
    bench_rate(label, (double)nitems, "items", parse_ms, NULL);
    snprintf(label, sizeof label, "import into a new bank (one bank_import)");
    bench_rate(label, (double)nitems, "items", import_ms, NULL);
    bench_rate("parse + import", (double)nitems, "items", parse_ms + import_ms, NULL);

    text plain = {0};
    size_t *off = malloc((items.n + 1) * sizeof *off);
    if (!off) bench_die("out of memory");
    make_plain(&items, &plain, off);
    size_t sealed = bank_plain_bytes(bankpath);
    if (sealed != plain.n)
        printf("note: the bank sealed %zu plaintext bytes, the baseline seals %zu\n", sealed,
               plain.n);
    double seal_ms = time_seal(&items, bank_id(b), &plain, off);
    char note[64];
    snprintf(note, sizeof note, "%8.1f MB/s", (double)plain.n / 1e6 / (seal_ms / 1e3));
    snprintf(label, sizeof label, "baseline: bc_seal AES-256-GCM (%.1f MB)", (double)plain.n / 1e6);
    bench_rate(label, (double)nitems, "items", seal_ms, note);
    printf("%-*s %.1fx the raw seal time (sealing is %.1f%% of import)\n", BENCH_LABEL,
           "import / raw seal", import_ms / seal_ms, 100 * seal_ms / import_ms);

    free(plain.s);
    free(off);
    bank_items_free(&items);
    bank_close(b);
    return 0;
}
