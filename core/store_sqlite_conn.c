/* store_sqlite_conn.c -- the SQLite store's connections: one writer, a pool of readers,
 * cached prepared statements, transactions, and writes grouped into shared commits. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "store_int.h"
#include "why.h"

#define SQLITE_BUSY_MS 15000 /* wait this long for another process's writer */

/* The connection the calling thread holds between sqlite_begin and
 * sqlite_end (one store operation at a time per thread). */
static _Thread_local sqlite_conn *held;

int sqlite_fail(sqlite_store *ss, int rc, const char *what, char *why)
{
    const char *msg;
    sqlite3 *db = held ? held->db : ss && ss->writer.db ? ss->writer.db : NULL;
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: msg = "the store is busy: another process holds it too long"; break;
    case SQLITE_FULL: msg = "the disk is full"; break;
    case SQLITE_READONLY:
    case SQLITE_PERM: msg = "the store file cannot be written"; break;
    case SQLITE_CORRUPT: msg = "the store file is damaged"; break;
    case SQLITE_NOTADB: msg = "the file is not a Kisi core store (not an SQLite file)"; break;
    case SQLITE_CANTOPEN: msg = "the store file cannot be opened"; break;
    case SQLITE_IOERR: msg = "input/output error on the store file"; break;
    case SQLITE_NOMEM: msg = "out of memory"; break;
    default: msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc); break;
    }
    why_set(why, "%s: %s", what, msg);
    return -1;
}

int sqlite_conn_open(sqlite_conn *c, const char *path, bool write, char *why)
{
    memset(c, 0, sizeof *c);
    /* each connection is used by one thread at a time (the store's locks) */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path, &c->db, flags, NULL);
    char what[WHY_SIZE];
    snprintf(what, sizeof what, "store %.200s", path);
    if (rc != SQLITE_OK) {
        sqlite_fail(NULL, rc, what, why);
        sqlite3_close_v2(c->db);
        c->db = NULL;
        return -1;
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, SQLITE_BUSY_MS);
    rc = sqlite3_exec(c->db, write ? "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON"
                                   : "PRAGMA query_only = ON",
                      NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        sqlite_conn *was = held;
        held = c; /* sqlite_fail reads the message of this connection */
        sqlite_fail(NULL, rc, what, why);
        held = was;
        sqlite_conn_close(c);
        return -1;
    }
    return 0;
}

void sqlite_conn_close(sqlite_conn *c)
{
    for (size_t i = 0; i < c->nstmts; i++) sqlite3_finalize(c->stmts[i].st);
    c->nstmts = 0;
    sqlite3_close_v2(c->db);
    c->db = NULL;
}

/* The cached statement of `sql` on c, prepared on first use; NULL with the
 * SQLite code in *rc. */
static sqlite3_stmt *cached(sqlite_conn *c, const char *sql, int *rc)
{
    for (size_t i = 0; i < c->nstmts; i++)
        if (c->stmts[i].sql == sql || strcmp(c->stmts[i].sql, sql) == 0) return c->stmts[i].st;
    sqlite3_stmt *st = NULL;
    unsigned flags = c->nstmts < SQLITE_STMTS_MAX ? SQLITE_PREPARE_PERSISTENT : 0;
    *rc = sqlite3_prepare_v3(c->db, sql, -1, flags, &st, NULL);
    if (*rc != SQLITE_OK) return NULL;
    if (c->nstmts < SQLITE_STMTS_MAX) {
        c->stmts[c->nstmts].sql = sql;
        c->stmts[c->nstmts++].st = st;
    } else {
        c->spare = st; /* finalized by done() */
    }
    return st;
}

/* Makes a statement from cached() ready for its next use. */
static void done(sqlite_conn *c, sqlite3_stmt *st)
{
    if (st == c->spare) {
        sqlite3_finalize(st);
        c->spare = NULL;
        return;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Prepares (or reuses) sql on the held connection and binds the parameters
 * listed in fmt; NULL with why. Caller passes it to done(). */
static sqlite3_stmt *sqlite_vprep(sqlite_store *ss, const char *what, char *why, const char *sql,
                                  const char *fmt, va_list ap)
{
    if (!held) {
        why_set(why, "%s: no connection to the store", what);
        return NULL;
    }
    int rc = SQLITE_OK;
    sqlite3_stmt *st = cached(held, sql, &rc);
    for (int i = 0; st && rc == SQLITE_OK && fmt[i]; i++) {
        const char *t;
        switch (fmt[i]) {
        case 't':
            t = va_arg(ap, const char *);
            rc = t ? sqlite3_bind_text(st, i + 1, t, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i + 1);
            break;
        case 'i': rc = sqlite3_bind_int(st, i + 1, va_arg(ap, int)); break;
        case 'l': rc = sqlite3_bind_int64(st, i + 1, (sqlite3_int64)va_arg(ap, int64_t)); break;
        case 'b':
            t = va_arg(ap, const char *);
            rc = sqlite3_bind_blob64(st, i + 1, t, (sqlite3_uint64)va_arg(ap, size_t), SQLITE_STATIC);
            break;
        default: rc = SQLITE_MISUSE; break;
        }
    }
    if (rc != SQLITE_OK) {
        sqlite_fail(ss, rc, what, why);
        if (st) done(held, st);
        return NULL;
    }
    return st;
}

int sqlite_exec(sqlite_store *ss, const char *what, char *why, const char *sql, const char *fmt,
                ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = sqlite_vprep(ss, what, why, sql, fmt, ap);
    va_end(ap);
    if (!st) return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) sqlite_fail(ss, rc, what, why);
    done(held, st);
    return rc == SQLITE_DONE ? 0 : -1;
}

void sqlite_rows_free(sqlite_rows *rows)
{
    if (!rows) return;
    for (size_t i = 0; i < rows->n * rows->ncol; i++) free(rows->text[i]);
    free(rows->text);
    free(rows->size);
    free(rows->num);
    memset(rows, 0, sizeof *rows);
}

/* Appends the current row of st to rows; -1 when out of memory. */
static int sqlite_keep_row(sqlite_rows *rows, sqlite3_stmt *st, size_t *cap)
{
    if (rows->n == *cap) {
        size_t ncap = *cap ? 2 * *cap : 16, cells = ncap * rows->ncol;
        char **t = realloc(rows->text, (cells ? cells : 1) * sizeof *t);
        if (t) rows->text = t;
        long long *v = t ? realloc(rows->num, (cells ? cells : 1) * sizeof *v) : NULL;
        if (v) rows->num = v;
        size_t *z = v ? realloc(rows->size, (cells ? cells : 1) * sizeof *z) : NULL;
        if (!z) return -1;
        rows->size = z;
        *cap = ncap;
    }
    size_t at = rows->n * rows->ncol;
    for (size_t c = 0; c < rows->ncol; c++) {
        int type = sqlite3_column_type(st, (int)c);
        /* a BLOB as its bytes, anything else as text (SQLite's conversions) */
        const void *cell = type == SQLITE_NULL ? NULL
                           : type == SQLITE_BLOB ? sqlite3_column_blob(st, (int)c)
                                                 : (const void *)sqlite3_column_text(st, (int)c);
        size_t len = cell ? (size_t)sqlite3_column_bytes(st, (int)c) : 0;
        rows->size[at + c] = len;
        rows->text[at + c] = cell || type == SQLITE_BLOB ? malloc(len + 1) : NULL;
        if (rows->text[at + c]) {
            if (len) memcpy(rows->text[at + c], cell, len);
            rows->text[at + c][len] = 0;
        }
        rows->num[at + c] = sqlite3_column_int64(st, (int)c);
        if (type != SQLITE_NULL && !rows->text[at + c]) {
            for (size_t k = 0; k < c; k++) free(rows->text[at + k]);
            return -1;
        }
    }
    rows->n++;
    return 0;
}

int sqlite_select(sqlite_store *ss, sqlite_rows *rows, const char *what, char *why,
                  const char *sql, const char *fmt, ...)
{
    memset(rows, 0, sizeof *rows);
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = sqlite_vprep(ss, what, why, sql, fmt, ap);
    va_end(ap);
    if (!st) return -1;
    rows->ncol = (size_t)sqlite3_column_count(st);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (sqlite_keep_row(rows, st, &cap) != 0) {
            rc = SQLITE_NOMEM;
            break;
        }
    if (rc != SQLITE_DONE) sqlite_fail(ss, rc, what, why);
    done(held, st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* A reader connection from the pool: a free one, a new one while the pool
 * is not full, else the next one given back. NULL with why. */
static sqlite_conn *reader_take(sqlite_store *ss, char *why)
{
    pthread_mutex_lock(&ss->pool_mu);
    sqlite_conn *c = NULL;
    while (!c) {
        if (ss->free_readers) {
            c = ss->free_readers;
            ss->free_readers = c->next;
        } else if (ss->nreaders < SQLITE_READERS_MAX) {
            c = calloc(1, sizeof *c);
            if (!c || sqlite_conn_open(c, ss->path, false, why) != 0) {
                if (!c) why_set(why, "out of memory");
                free(c);
                pthread_mutex_unlock(&ss->pool_mu);
                return NULL;
            }
            ss->readers[ss->nreaders++] = c;
        } else {
            pthread_cond_wait(&ss->pool_cv, &ss->pool_mu);
        }
    }
    pthread_mutex_unlock(&ss->pool_mu);
    return c;
}

static void reader_give(sqlite_store *ss, sqlite_conn *c)
{
    pthread_mutex_lock(&ss->pool_mu);
    c->next = ss->free_readers;
    ss->free_readers = c;
    pthread_cond_signal(&ss->pool_cv);
    pthread_mutex_unlock(&ss->pool_mu);
}

void sqlite_readers_close(sqlite_store *ss)
{
    for (size_t i = 0; i < ss->nreaders; i++) {
        sqlite_conn_close(ss->readers[i]);
        free(ss->readers[i]);
    }
    ss->nreaders = 0;
    ss->free_readers = NULL;
}

int sqlite_begin(sqlite_store *ss, bool write, char *why)
{
    if (!write) {
        held = reader_take(ss, why);
        return held ? 0 : -1;
    }
    pthread_mutex_lock(&ss->mu);
    held = &ss->writer;
    if (sqlite_exec(ss, "starting a write", why, "BEGIN IMMEDIATE", "") != 0) {
        held = NULL;
        pthread_mutex_unlock(&ss->mu);
        return -1;
    }
    return 0;
}

int sqlite_end(sqlite_store *ss, bool write, int rc, char *why)
{
    if (!held) return rc < 0 ? rc : -1; /* begin failed and said why */
    if (!write) {
        reader_give(ss, held);
        held = NULL;
        return rc;
    }
    if (rc >= 0 && sqlite_exec(ss, "saving", why, "COMMIT", "") != 0) rc = -1;
    if (!sqlite3_get_autocommit(ss->writer.db)) sqlite3_exec(ss->writer.db, "ROLLBACK", NULL, NULL, NULL);
    held = NULL;
    pthread_mutex_unlock(&ss->mu);
    return rc;
}

/* One caller's part of a grouped write. */
struct sqlite_job {
    sqlite_job_fn fn;
    const void *arg;
    int rc;
    bool done;
    char why[WHY_SIZE];
    struct sqlite_job *next;
};

/* Runs the queued jobs in one transaction: each under its own savepoint, so
 * that one failing undoes only itself; one commit (one sync) for all. */
static void run_group(sqlite_store *ss, struct sqlite_job *jobs)
{
    char why[WHY_SIZE] = "";
    for (struct sqlite_job *j = jobs; j; j = j->next) j->rc = 0; /* until it runs or fails */
    int rc = sqlite_begin(ss, true, why);
    for (struct sqlite_job *j = jobs; !rc && j; j = j->next) {
        if (sqlite_exec(ss, "storing", j->why, "SAVEPOINT job", "") != 0) {
            j->rc = -1;
            continue;
        }
        j->rc = j->fn(ss, j->arg, j->why);
        if (j->rc < 0 && sqlite3_get_autocommit(ss->writer.db)) {
            /* SQLite ended the whole transaction (disk full, I/O error):
             * nothing of this group was stored */
            snprintf(why, sizeof why, "%s", j->why);
            sqlite_end(ss, true, -1, why);
            rc = -1;
            break;
        }
        if (j->rc < 0) sqlite_exec(ss, "undoing", why, "ROLLBACK TO job", "");
        if (sqlite_exec(ss, "storing", j->why, "RELEASE job", "") != 0) j->rc = -1;
    }
    if (!rc) rc = sqlite_end(ss, true, 0, why);
    for (struct sqlite_job *j = jobs; j; j = j->next)
        if (rc < 0 && j->rc >= 0) {
            j->rc = -1;
            snprintf(j->why, sizeof j->why, "%s", why);
        }
}

/* Adds us to a timespec. */
static struct timespec later(struct timespec t, long us)
{
    t.tv_nsec += us * 1000;
    t.tv_sec += t.tv_nsec / 1000000000;
    t.tv_nsec %= 1000000000;
    return t;
}

int sqlite_write_grouped(sqlite_store *ss, sqlite_job_fn fn, const void *arg, char *why)
{
    struct sqlite_job me = {fn, arg, -1, false, "", NULL};
    pthread_mutex_lock(&ss->q_mu);
    *ss->q_tail = &me;
    ss->q_tail = &me.next;
    ss->q_len++;
    if (ss->q_len >= SQLITE_GROUP_MIN) pthread_cond_signal(&ss->q_full);
    while (!me.done) {
        if (ss->q_leading) {
            pthread_cond_wait(&ss->q_cv, &ss->q_mu);
            continue;
        }
        /* lead: give the callers under way a moment to join (one sync then
         * serves them all), take every job queued, run them, wake them */
        ss->q_leading = true;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until = later(until, SQLITE_GROUP_WAIT_US);
        while (ss->q_len < SQLITE_GROUP_MIN &&
               pthread_cond_timedwait(&ss->q_full, &ss->q_mu, &until) == 0) {
        }
        struct sqlite_job *jobs = ss->q_head;
        ss->q_head = NULL;
        ss->q_tail = &ss->q_head;
        ss->q_len = 0;
        pthread_mutex_unlock(&ss->q_mu);
        run_group(ss, jobs);
        pthread_mutex_lock(&ss->q_mu);
        for (struct sqlite_job *j = jobs, *next; j; j = next) {
            next = j->next;
            j->done = true;
        }
        ss->q_leading = false;
        pthread_cond_broadcast(&ss->q_cv);
    }
    pthread_mutex_unlock(&ss->q_mu);
    if (me.rc < 0) snprintf(why, WHY_SIZE, "%s", me.why);
    return me.rc;
}
