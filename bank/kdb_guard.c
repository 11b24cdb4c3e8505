/* kdb_guard.c -- hardening of every SQLite file opened from outside: defensive settings, integrity and an exact schema. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sbuf.h"
#include "text.h"
#include "why.h"

/* Work one statement may do, in SQLite VM steps: a scan of the largest
 * bank or session takes a few million; a hostile query is stopped here. */
#define KDB_STEP_CHECK 100000 /* VM steps between two calls of the handler */
#define KDB_MAX_TICKS 5000    /* calls a statement may take: 5 x 10^8 steps */

/* The rows of sqlite_schema that decide what a file is. */
static const char SCHEMA_ROWS[] = "SELECT type, name, tbl_name, sql FROM sqlite_schema";

/* Work done by the statement running now, in handler calls. */
typedef struct kdb_budget {
    unsigned ticks;
} kdb_budget;

/* Progress handler: interrupts a statement that has used up its budget. */
static int budget_tick(void *arg)
{
    kdb_budget *b = arg;
    return ++b->ticks > KDB_MAX_TICKS;
}

/* Trace callback: a statement starts (a new budget) or the connection
 * closes (the budget is freed with it). */
static int budget_trace(unsigned event, void *arg, void *p, void *x)
{
    (void)p, (void)x;
    if (event == SQLITE_TRACE_CLOSE) free(arg);
    else ((kdb_budget *)arg)->ticks = 0;
    return 0;
}

bank_err kdb_harden(sqlite3 *db)
{
    static const struct { int id, value; } limits[] = {
        {SQLITE_LIMIT_LENGTH, 1 << 25},         /* 32 MB: the largest seal manifest */
        {SQLITE_LIMIT_SQL_LENGTH, 1 << 16},
        {SQLITE_LIMIT_COLUMN, 64},
        {SQLITE_LIMIT_EXPR_DEPTH, 64},
        {SQLITE_LIMIT_COMPOUND_SELECT, 4},
        {SQLITE_LIMIT_VDBE_OP, 1 << 15},
        {SQLITE_LIMIT_FUNCTION_ARG, 8},
        {SQLITE_LIMIT_ATTACHED, 0},
        {SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 64},
        {SQLITE_LIMIT_VARIABLE_NUMBER, 32},
        {SQLITE_LIMIT_TRIGGER_DEPTH, 1},
        {SQLITE_LIMIT_WORKER_THREADS, 0},
    };
    static const int off[] = {
        SQLITE_DBCONFIG_TRUSTED_SCHEMA, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION,
        SQLITE_DBCONFIG_ENABLE_TRIGGER, SQLITE_DBCONFIG_ENABLE_VIEW,
        SQLITE_DBCONFIG_DQS_DDL,        SQLITE_DBCONFIG_DQS_DML,
    };
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    for (size_t i = 0; i < sizeof off / sizeof off[0]; i++)
        sqlite3_db_config(db, off[i], 0, (int *)NULL);
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
        sqlite3_limit(db, limits[i].id, limits[i].value);
    /* checked cells, no memory map of a file someone else may change */
    sqlite3_exec(db, "PRAGMA cell_size_check=ON; PRAGMA mmap_size=0", NULL, NULL, NULL);
    kdb_budget *b = calloc(1, sizeof *b);
    if (!b) return BANK_ENOMEM;
    if (sqlite3_trace_v2(db, SQLITE_TRACE_STMT | SQLITE_TRACE_CLOSE, budget_trace, b) !=
        SQLITE_OK) {
        free(b);
        return BANK_EDB;
    }
    sqlite3_progress_handler(db, KDB_STEP_CHECK, budget_tick, b);
    return BANK_OK;
}

bank_err kdb_integrity(sqlite3 *db, const char *name, char *why)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check(1)", -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    bank_err e = BANK_OK;
    if (rc != SQLITE_ROW) {
        e = kdb_dberr(db, rc, name, why);
        if (e == BANK_EDB) e = BANK_ECORRUPT;
    } else {
        const char *r = (const char *)sqlite3_column_text(st, 0);
        if (!r || strcmp(r, "ok") != 0) {
            char first[121]; /* SQLite's report spans lines: one line of it */
            snprintf(first, sizeof first, "%s", r ? r : "integrity check failed");
            for (char *p = first; *p; p++)
                if (*p == '\n' || *p == '\r' || *p == '\t') *p = ' ';
            why_set(why, "%s is damaged: %s", name, first);
            e = BANK_ECORRUPT;
        }
    }
    sqlite3_finalize(st);
    return e;
}

/* The schema rows of one connection: entry i is "type name\0Ttbl_name\0Tsql"
 * (each of the last two columns 'T' and its text, or 'N' when NULL). */
typedef struct schema_rows {
    char **v;
    size_t n;
} schema_rows;

/* Order of an entry's type: tables first, then views, indexes, triggers. */
static int entry_rank(const char *e)
{
    static const char *const types[] = {"table ", "view ", "index ", "trigger "};
    for (int i = 0; i < 4; i++)
        if (strncmp(e, types[i], strlen(types[i])) == 0) return i;
    return 4;
}

/* Compares two entries by type, "type name", then by the rest. */
static int entry_cmp(const char *a, const char *b, bool *same_key)
{
    int c = entry_rank(a) - entry_rank(b);
    if (!c) c = strcmp(a, b);
    *same_key = c == 0;
    if (c) return c;
    const char *ta = a + strlen(a) + 1, *tb = b + strlen(b) + 1;
    if ((c = strcmp(ta, tb))) return c;
    return strcmp(ta + strlen(ta) + 1, tb + strlen(tb) + 1);
}

static int entry_qcmp(const void *a, const void *b)
{
    bool same;
    return entry_cmp(*(char *const *)a, *(char *const *)b, &same);
}

static void rows_free(schema_rows *r)
{
    for (size_t i = 0; i < r->n; i++) free(r->v[i]);
    free(r->v);
}

/* Reads the schema rows of db into r (caller frees with rows_free). */
static bank_err rows_read(sqlite3 *db, const char *name, schema_rows *r, char *why)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int rc = sqlite3_prepare_v2(db, SCHEMA_ROWS, -1, &st, NULL);
    bank_err e = BANK_OK;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        sbuf s = {0};
        for (int c = 0; c < 4; c++) {
            const char *t = (const char *)sqlite3_column_text(st, c);
            if (c >= 2) sbuf_puts(&s, t ? "T" : "N");
            sbuf_puts(&s, t ? t : "");
            sbuf_add(&s, c == 0 ? " " : "", 1);
        }
        if (r->n == cap) {
            char **nv = realloc(r->v, (cap = cap ? 2 * cap : 16) * sizeof *nv);
            if (!nv) {
                sbuf_free(&s);
                e = BANK_ENOMEM;
                break;
            }
            r->v = nv;
        }
        if (!(r->v[r->n] = sbuf_take(&s, NULL))) {
            e = BANK_ENOMEM;
            break;
        }
        r->n++;
        rc = SQLITE_OK;
    }
    if (!e && rc != SQLITE_DONE) {
        e = kdb_dberr(db, rc, name, why);
        if (e == BANK_EDB) e = BANK_ECORRUPT;
    }
    sqlite3_finalize(st);
    if (!e && r->n) qsort(r->v, r->n, sizeof *r->v, entry_qcmp);
    return e;
}

/* The "type name" of an entry, cut and shown escaped (text_escape): a
 * hostile name must not break the one-line message nor pass for another. */
static void entry_key(const char *e, char out[81])
{
    text_escape(e, out, 81);
}

bank_err kdb_schema_check(sqlite3 *db, const char *name, const char *kind, const char *schema,
                          char *why)
{
    schema_rows want = {0}, got = {0};
    sqlite3 *ref = NULL;
    bank_err e = BANK_OK;
    if (sqlite3_open_v2(":memory:", &ref, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        sqlite3_exec(ref, schema, NULL, NULL, NULL) != SQLITE_OK) {
        why_set(why, "%s schema cannot be built", kind);
        e = BANK_EDB;
    }
    if (!e) e = rows_read(ref, kind, &want, why);
    if (!e) e = rows_read(db, name, &got, why);
    for (size_t i = 0, k = 0; !e && (i < want.n || k < got.n);) {
        bool same_key = false;
        int c = i == want.n ? 1 : k == got.n ? -1 : entry_cmp(want.v[i], got.v[k], &same_key);
        if (c == 0) {
            i++, k++;
            continue;
        }
        const char *what = same_key ? "changed" : c < 0 ? "missing" : "not one Kisi writes";
        char key[81];
        entry_key(same_key || c < 0 ? want.v[i] : got.v[k], key);
        why_set(why, "%s: the schema is not that of a Kisi %s file: %s %s", name, kind, key,
                what);
        e = BANK_ETAMPER;
    }
    rows_free(&want);
    rows_free(&got);
    sqlite3_close(ref);
    return e;
}

bank_err kdb_verify(sqlite3 *db, const char *name, const char *kind, const char *schema,
                    char *why)
{
    bank_err e = kdb_integrity(db, name, why);
    return e ? e : kdb_schema_check(db, name, kind, schema, why);
}

bank_err bank_db_harden(struct sqlite3 *db)
{
    return kdb_harden(db);
}

bank_err bank_db_check(struct sqlite3 *db, const char *name, const char *kind,
                       const char *schema, char *why)
{
    return kdb_verify(db, name, kind, schema, why);
}
