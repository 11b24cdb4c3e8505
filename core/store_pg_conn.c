/* store_pg_conn.c -- the PostgreSQL store's connections: a pool opened on first need,
 * transactions, parameterised statements, and one-line errors that never show the URL. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <openssl/crypto.h>

#include "num.h"
#include "store_int.h"
#include "why.h"

#define PG_PARAMS_MAX 16

/* Options given before the URL's own: the URL may override each. */
static const char *const PG_KEYS[] = {"connect_timeout", "application_name", "client_encoding",
                                      "dbname", NULL};
static const char *const PG_DEFAULTS[] = {"10", "kisi-core", "UTF8"};

/* Copies the first line of msg into why after `what: ` (libpq's messages
 * run on with hints and end with a newline). With hide_quoted, every
 * "quoted" part is left out: the URL parser quotes pieces of the URL. */
static void pg_say_line(char *why, const char *what, const char *msg, bool hide_quoted)
{
    char line[WHY_SIZE];
    size_t n = 0;
    bool quoted = false;
    for (const char *p = msg ? msg : ""; *p && *p != '\n' && n + 4 < sizeof line; p++) {
        if (strncmp(p, "FATAL:  ", 8) == 0) p += 8; /* the server's severity adds nothing */
        if (hide_quoted && *p == '"') {
            quoted = !quoted;
            if (quoted) memcpy(line + n, "\"...", 4), n += 4;
        }
        if (!quoted) line[n++] = *p;
    }
    line[n] = 0;
    why_set(why, "%s: %s", what, n ? line : "unknown error");
}

/* Says what failed on connection c (res: the failed result, or NULL) and
 * returns -1. */
static int pg_fail(pg_tx *tx, const PGresult *res, const char *what, char *why)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (state && strcmp(state, "53100") == 0)
        why_set(why, "%s: the disk of %s is full", what, tx->ps->label);
    else if (PQstatus(tx->c) == CONNECTION_BAD)
        pg_say_line(why, what, PQerrorMessage(tx->c), false);
    else
        pg_say_line(why, what, primary ? primary : PQerrorMessage(tx->c), false);
    return -1;
}

/* Notices ("relation already exists, skipping") are not the operator's business. */
static void pg_quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

int pg_pool_init(pg_store *ps, const char *url, char *why)
{
    pthread_mutex_init(&ps->mu, NULL);
    pthread_cond_init(&ps->cv, NULL);
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(url, &err);
    if (!opts) {
        pg_say_line(why, "the PostgreSQL URL is not valid", err ? err : "out of memory", true);
        PQfreemem(err);
        return -1;
    }
    const char *db = "", *host = "", *port = "";
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (!o->val || !o->val[0]) continue;
        if (strcmp(o->keyword, "dbname") == 0) db = o->val;
        else if (strcmp(o->keyword, "host") == 0) host = o->val;
        else if (strcmp(o->keyword, "hostaddr") == 0 && !host[0]) host = o->val;
        else if (strcmp(o->keyword, "port") == 0) port = o->val;
    }
    snprintf(ps->label, sizeof ps->label, "the PostgreSQL database%s%.40s%s%.60s%s%.12s",
             db[0] ? " " : "", db, host[0] ? " on " : "", host, port[0] ? ":" : "", port);
    PQconninfoFree(opts);
    ps->conninfo = strdup(url);
    if (!ps->conninfo) why_set(why, "out of memory");
    return ps->conninfo ? 0 : -1;
}

void pg_pool_free(pg_store *ps)
{
    for (size_t i = 0; i < ps->nidle; i++) PQfinish(ps->idle[i]);
    ps->nidle = ps->nopen = 0;
    if (ps->conninfo) {
        OPENSSL_cleanse(ps->conninfo, strlen(ps->conninfo));
        free(ps->conninfo);
        ps->conninfo = NULL;
    }
    pthread_mutex_destroy(&ps->mu);
    pthread_cond_destroy(&ps->cv);
}

/* A new connection; NULL with why. */
static PGconn *pg_connect(pg_store *ps, char *why)
{
    const char *values[] = {PG_DEFAULTS[0], PG_DEFAULTS[1], PG_DEFAULTS[2], ps->conninfo, NULL};
    PGconn *c = PQconnectdbParams(PG_KEYS, values, 1);
    if (!c) {
        why_set(why, "cannot reach %s: out of memory", ps->label);
        return NULL;
    }
    if (PQstatus(c) != CONNECTION_OK) {
        char what[WHY_SIZE];
        snprintf(what, sizeof what, "cannot reach %s", ps->label);
        pg_say_line(why, what, PQerrorMessage(c), false);
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, pg_quiet, NULL);
    return c;
}

/* An idle connection, a new one while fewer than PG_CONNS_MAX are open,
 * else the next one given back. NULL with why. */
static PGconn *pg_take(pg_store *ps, char *why)
{
    pthread_mutex_lock(&ps->mu);
    while (ps->nidle == 0 && ps->nopen >= PG_CONNS_MAX) pthread_cond_wait(&ps->cv, &ps->mu);
    if (ps->nidle > 0) {
        PGconn *c = ps->idle[--ps->nidle];
        pthread_mutex_unlock(&ps->mu);
        return c;
    }
    ps->nopen++; /* our slot while we connect without the lock */
    pthread_mutex_unlock(&ps->mu);
    PGconn *c = pg_connect(ps, why);
    if (!c) {
        pthread_mutex_lock(&ps->mu);
        ps->nopen--;
        pthread_cond_signal(&ps->cv);
        pthread_mutex_unlock(&ps->mu);
    }
    return c;
}

/* Gives c back; one that is broken or still inside a transaction is closed. */
static void pg_give(pg_store *ps, PGconn *c)
{
    bool keep = PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) == PQTRANS_IDLE;
    if (!keep) PQfinish(c);
    pthread_mutex_lock(&ps->mu);
    if (keep) ps->idle[ps->nidle++] = c;
    else ps->nopen--;
    pthread_cond_signal(&ps->cv);
    pthread_mutex_unlock(&ps->mu);
}

/* Runs sql on the connection of tx with the parameters of fmt. A first
 * statement that finds the connection lost (the server restarted since it
 * was last used) is run once more on a new one. NULL with why. */
static PGresult *pg_vrun(pg_tx *tx, const char *what, char *why, const char *sql,
                         const char *fmt, va_list ap)
{
    const char *vals[PG_PARAMS_MAX];
    char nums[PG_PARAMS_MAX][24];
    int lens[PG_PARAMS_MAX] = {0}, formats[PG_PARAMS_MAX] = {0};
    int n = 0;
    size_t len;
    for (; fmt[n]; n++) {
        if (n == PG_PARAMS_MAX) {
            why_set(why, "%s: too many parameters", what);
            return NULL;
        }
        vals[n] = nums[n];
        switch (fmt[n]) {
        case 't': vals[n] = va_arg(ap, const char *); break;
        case 'b':
            /* bytes go as they are, in binary: no escaping, no doubling */
            vals[n] = va_arg(ap, const char *);
            len = va_arg(ap, size_t);
            if (len > INT_MAX) {
                why_set(why, "%s: the file is too large", what);
                return NULL;
            }
            lens[n] = (int)len;
            formats[n] = 1;
            break;
        case 'i': snprintf(nums[n], sizeof nums[n], "%d", va_arg(ap, int)); break;
        case 'l': snprintf(nums[n], sizeof nums[n], "%lld", (long long)va_arg(ap, int64_t)); break;
        default: why_set(why, "%s: bad parameter type '%c'", what, fmt[n]); return NULL;
        }
    }
    for (;;) {
        PGresult *res = PQexecParams(tx->c, sql, n, NULL, vals, lens, formats, tx->binary);
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
            tx->used = true;
            return res;
        }
        bool retry = !tx->used && PQstatus(tx->c) == CONNECTION_BAD;
        tx->used = true;
        if (retry) {
            PQclear(res);
            PQreset(tx->c);
            if (PQstatus(tx->c) == CONNECTION_OK) continue;
            res = NULL;
        }
        pg_fail(tx, res, what, why);
        PQclear(res);
        return NULL;
    }
}

PGresult *pg_run(pg_tx *tx, const char *what, char *why, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    PGresult *res = pg_vrun(tx, what, why, sql, fmt, ap);
    va_end(ap);
    return res;
}

PGresult *pg_once(pg_store *ps, const char *what, char *why, const char *sql, const char *fmt,
                  ...)
{
    pg_tx tx;
    if (pg_begin(ps, false, &tx, why)) return NULL;
    va_list ap;
    va_start(ap, fmt);
    PGresult *res = pg_vrun(&tx, what, why, sql, fmt, ap);
    va_end(ap);
    pg_end(&tx, 0, why);
    return res;
}

int pg_done(PGresult *res)
{
    PQclear(res);
    return res ? 0 : -1;
}

long long pg_num(const PGresult *r, int row, int col)
{
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

int pg_int(const PGresult *r, int row, int col, int lo, int hi, const char *what, int *out,
           char *why)
{
    const char *v = PQgetvalue(r, row, col);
    if (num_text_int(v, lo, hi, out)) return 0;
    return why_set(why, "the database holds %s '%.30s', not a whole number in %d..%d: it was "
                   "changed or is damaged", what, v, lo, hi);
}

int pg_begin(pg_store *ps, bool write, pg_tx *tx, char *why)
{
    *tx = (pg_tx){ps, pg_take(ps, why), false, false, false};
    if (!tx->c) return -1;
    if (!write) return 0;
    PGresult *res = pg_run(tx, "starting a write", why, "BEGIN", "");
    PQclear(res);
    if (!res) {
        pg_give(ps, tx->c);
        tx->c = NULL;
        return -1;
    }
    tx->write = true;
    return 0;
}

int pg_end(pg_tx *tx, int rc, char *why)
{
    if (!tx->c) return rc < 0 ? rc : -1; /* begin failed and said why */
    if (tx->write) {
        PGresult *res = rc >= 0 ? pg_run(tx, "saving", why, "COMMIT", "") : NULL;
        if (rc >= 0 && !res) rc = -1;
        PQclear(res);
        /* a failed COMMIT has already ended the transaction; anything else
         * left open is rolled back */
        if (PQtransactionStatus(tx->c) != PQTRANS_IDLE)
            PQclear(PQexecParams(tx->c, "ROLLBACK", 0, NULL, NULL, NULL, NULL, 0));
    }
    pg_give(tx->ps, tx->c);
    tx->c = NULL;
    return rc;
}
