/* journal_int.h -- the journal's handle and mark file, shared by journal*.c (not for clients). */
#ifndef KISI_JOURNAL_INT_H
#define KISI_JOURNAL_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "journal.h"

#define JOURNAL_FORMAT 2              /* format version this code writes (2: keyed chain) */
#define JOURNAL_KIND "kisi-journal"   /* meta 'kind' of a journal file */
#define JOURNAL_MAX_PAYLOAD (1 << 20) /* 1 MB */
#define JOURNAL_MAX_ATTEMPT 256       /* bytes of an attempt name */

struct journal {
    sqlite3 *db;
    sqlite3_stmt *begin, *commit, *rollback; /* transaction control */
    sqlite3_stmt *last;                      /* seq and hash of the newest event */
    sqlite3_stmt *insert;
    sqlite3_stmt *submitted;                 /* does the attempt hold a J_SUBMIT */
    sqlite3_stmt *unfinished;                /* newest attempt with J_BEGIN, no J_RESULT */
    EVP_MAC_CTX *mac;                        /* HMAC-SHA256 of the chain */
    unsigned char *key;                      /* JOURNAL_KEY bytes (secmem): the chain key */
    char key_attempt[JOURNAL_MAX_ATTEMPT];   /* the attempt it belongs to; "" = none */
    int markfd;                              /* PATH.mark, -1 when not open */
    int64_t nevents;                         /* events in the file */
    int64_t marked;                          /* events the mark said at open; -1 = no mark */
    jdamage damage;                          /* what is wrong with the file, when refused */
    char path_mark[4200];                    /* PATH.mark */
};

/* True for the event kinds this kiosk writes and reads. */
bool journal_kind_ok(int64_t kind);
/* Checks an attempt name (1..JOURNAL_MAX_ATTEMPT-1 printable ASCII bytes); 0 or -1 with why. */
int journal_attempt_ok(const char *attempt, char *why);
/* Checks that the chain key of `attempt` is set; 0 or -1 with why. */
int journal_key_ok(const journal *j, const char *attempt, char *why);

/* Sets why to the last SQLite failure on j's database ("journal: WHAT: ..."); returns -1. */
int jdb_fail(journal *j, char *why, const char *what);
/* Runs a statement that returns no rows, then resets it; 0 or -1. */
int jdb_step(sqlite3_stmt *st);

/* The mark file PATH.mark beside a journal holds one fixed-size line,
 * "kisi-journal-mark 1 EVENTS HEAD\n": the number of events committed so
 * far and the link of the newest, written (and fdatasynced) after every
 * commit. A journal holding fewer events than its mark lost committed
 * ones (its WAL deleted, the file truncated or an older copy put back). */
#define JMARK_LEN 106

/* Reads the mark at `markpath`: 1 read, 0 missing, -1 unreadable or not a mark. */
int jmark_read(const char *markpath, int64_t *events, char head[65]);
/* Opens (creating 0600) the mark file for jmark_write(); -1 on error. */
int jmark_open(const char *markpath);
/* Writes the mark in place and syncs it; 0 or -1. */
int jmark_write(int fd, int64_t events, const char *head);

#endif
