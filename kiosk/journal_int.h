/* journal_int.h -- the journal's mark file, shared by journal.c and journal_file.c (not for clients). */
#ifndef KISI_JOURNAL_INT_H
#define KISI_JOURNAL_INT_H

#include <stdint.h>

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
