/* journal.h -- the kiosk's durable, keyed hash-chained event journal (SQLite, WAL, synchronous=FULL). */
#ifndef KISI_JOURNAL_H
#define KISI_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "jchain.h"

typedef struct journal journal;

/* Event kinds. Payloads are compact JSON objects. */
typedef enum jkind {
    J_BEGIN = 1,   /* {"form": <bank draw --json object>, "name": "...", "minutes": N} */
    J_ANSWER = 2,  /* {"i": item index on the form, "v": "AC"} ("" clears) */
    J_FLAG = 3,    /* {"i": index, "v": 0|1} */
    J_NAV = 4,     /* {"i": index} -- the item now on screen */
    J_INCIDENT = 5,/* {"what": "focus-lost"|"display-changed"|"quit-attempt"|"pin-lock"|...} */
    J_RESUME = 6,  /* {"down_ms": N} -- the kiosk restarted; time spent down */
    J_TICK = 7,    /* {} -- periodic record of the time used */
    J_SUBMIT = 8,  /* {"why": "participant"|"timeout"|"proctor"} ("proctor": the sitting
                    * was ended by the proctor's "end" command) */
    J_RESULT = 9,  /* {"file": "<outbox file name>"} -- result record written */
    /* the proctor's commands obeyed (cmd: the command's seq; 0 = at the kiosk) */
    J_EXTEND = 10, /* {"minutes": 1..120, "reason": T, "cmd": SEQ} -- the limit grows */
    J_PAUSE = 11,  /* {"cmd": SEQ, "reason": T} -- the clock stops (not charged) */
    J_CONTINUE = 12, /* {"cmd": SEQ} -- the clock runs again */
    J_LOCK = 13,   /* {"cmd": SEQ, "reason": T} -- the seat locked, the clock stopped */
    J_UNLOCK = 14, /* {"cmd": SEQ|0, "by": "core"|"code"} -- unlocked by command or code */
    J_AUTHORISED = 15, /* {"cmd": SEQ|0} -- the start allowed (right after J_BEGIN) */
    J_RELEASE = 16, /* {"cmd": SEQ} -- the login released: the attempt stays unfinished */
    J_MOVED = 17,  /* {"cmd": SEQ, "to": SEAT} -- released to go on at seat SEAT */
    J_ARRIVED = 18, /* {"from": KIOSK_OR_SEAT} -- this seat took the attempt's events */
    J_LEASE = 19   /* {"state": "held"|"offline"} -- the attempt's lease at the core */
} jkind;

/* One event as stored. Strings are borrowed for the duration of a callback. */
typedef struct jevent {
    int64_t seq;       /* 1, 2, ... per attempt */
    jkind kind;
    int64_t wall_ms;   /* wall-clock time (ms since the epoch) when written */
    int64_t used_ms;   /* exam time charged to the participant so far */
    const char *payload;
    const char *hash;  /* hex SHA-256 chaining this event to the previous one */
} jevent;

/* What is wrong with a journal file that journal_open_as() refuses. */
typedef enum jdamage {
    JD_NONE = 0,
    JD_UNREADABLE,  /* not a journal, damaged (integrity check), cannot be opened */
    JD_LOST,        /* fewer events than its mark: WAL deleted, truncated, an older copy */
    JD_REPLACED,    /* as many events as its mark but another newest one: another file */
    JD_OTHERKIOSK,  /* made by another kiosk (another signing key) */
    JD_FORMAT       /* a format version this kiosk does not read */
} jdamage;

/* Opens (creating when missing) the journal at `path`. `why` (256 bytes,
 * may be NULL) gets a one-line reason on failure. Caller closes. */
journal *journal_open(const char *path, char *why);

/* journal_open() that also checks the file against its mark PATH.mark
 * (the count and newest link of the events committed, kept beside it and
 * updated after every commit) and its owner: `owner` (the kiosk's public
 * key; NULL = not checked) is recorded in a new journal and must match in
 * an existing one. An existing file is never replaced by a new one: on
 * refusal *damage says why (JD_NONE for a failure that is not the file's,
 * e.g. a folder that cannot be written). The mark cannot tell a journal
 * whose mark was deleted with it, and a power cut between a commit and
 * the mark's update leaves the mark one event behind, which is accepted. */
journal *journal_open_as(const char *path, const char *owner, jdamage *damage, char *why);

/* What a (damaged) journal file still holds, read without a key. */
typedef struct jinspect {
    int64_t readable;        /* events that can be read, in the order written */
    int64_t answers;         /* of which answers */
    int64_t recorded;        /* events its mark says were committed; -1 = no mark */
    int64_t last_seq;        /* seq of the last readable event */
    char last_attempt[256];  /* and its attempt ("<session id>/<nip>") */
} jinspect;

/* Reads what it can of the journal at `path` (read-only) into out.
 * Returns 0 when the whole file was read, -1 when reading stopped early
 * (out holds what was read before). */
int journal_inspect(const char *path, jinspect *out);

/* Moves the journal at `path` (closed), its -wal, -shm and .mark files into
 * a new folder INTO/<UTC time>/ (INTO made 0700 when missing): kept, never
 * deleted. `kept` (cap bytes, may be NULL) gets that folder. Returns 0 or
 * -1 with why set. */
int journal_set_aside(const char *path, const char *into, char *kept, size_t cap, char *why);
void journal_close(journal *j);

#define JOURNAL_KEY 32  /* bytes of an attempt's chain key */

/* Sets the chain key of `attempt` (bank_session_journal_key()): the one
 * attempt that journal_append() and journal_replay() take until the next
 * call; the key is copied into locked memory and the previous one wiped.
 * Returns 0, or -1 with why set. */
int journal_set_key(journal *j, const char *attempt, const unsigned char key[JOURNAL_KEY],
                    char *why);
/* Wipes the chain key (after an attempt, at a seat's hand-over). */
void journal_forget_key(journal *j);

/* Appends an event to attempt `attempt`, whose key must be set. Returns 0
 * only when the event is durably on disk (committed with fsync); -1 with
 * `why` set otherwise. hash = HMAC-SHA256(key, previous hash || seq || kind
 * || wall_ms || used_ms || payload), the first previous hash being 32 zero
 * bytes: nobody without the attempt's key can edit an event and make the
 * chain again. */
int journal_append(journal *j, const char *attempt, jkind kind, int64_t wall_ms,
                   int64_t used_ms, const char *payload, char *why);

/* Calls fn for every event of `attempt` (whose key must be set) in order,
 * each checked against the keyed chain first; stops early when fn returns
 * non-zero. Returns 0, or -1 with why set (a broken chain is an error
 * naming the first bad seq; *verified, when not NULL, gets the number of
 * events that verified before it). */
int journal_replay(journal *j, const char *attempt, int (*fn)(const jevent *, void *),
                   void *arg, char *why);
int journal_replay_count(journal *j, const char *attempt, int (*fn)(const jevent *, void *),
                         void *arg, int64_t *verified, char *why);

/* Hex hash of the last event of `attempt` (65 bytes with NUL); "" when none. */
int journal_head(journal *j, const char *attempt, char hex[65], char *why);

/* The newest attempt that has a J_BEGIN and no J_RESULT yet and whose
 * login was not released (its last event is no J_RELEASE or J_MOVED): one
 * to resume, or one submitted whose result record was not yet written
 * (power cut), copied into `attempt`; returns 1 when found, 0 when none,
 * -1 on error. A released attempt goes on when its participant signs in
 * again. */
int journal_unfinished(journal *j, char *attempt, size_t cap, char *why);

/* True when `attempt` has a J_SUBMIT (it must not be sat again). */
int journal_is_submitted(journal *j, const char *attempt, char *why);

/* One link of the keyed chain (see journal_append()), computed with the
 * MAC context `ctx` (borrowed, an HMAC context; set up here): 64 lower-case
 * hex characters + NUL into hex. Returns 0, or -1 when HMAC fails. */
int journal_chain_mac(EVP_MAC_CTX *ctx, const unsigned char key[JOURNAL_KEY],
                      const unsigned char prev[32], int64_t seq, int64_t kind, int64_t wall_ms,
                      int64_t used_ms, const void *payload, size_t len, char hex[65]);

/* ---- the replica (kiosk/replica.h) ---- */

/* Takes the events ev[0..n) of `attempt` (whose key must be set) from the
 * core's replica: all or nothing, after checking them against the keyed
 * chain from seq 1 and against the events the journal holds already (which
 * must be the first of them, link for link). The events not yet held are
 * written in one transaction, durably. Returns how many were written (0:
 * the journal held them all), or -1 with why (nothing written). */
int journal_import(journal *j, const char *attempt, const jchain_event *ev, size_t n,
                   char *why);

/* The number of events of `attempt` in the journal (0 none), or -1 with why. */
int64_t journal_held(journal *j, const char *attempt, char *why);
/* The number of events in the journal file (every attempt); 0 for NULL. */
int64_t journal_held_all(const journal *j);

/* A read-only view of the journal file at `path` for another thread (the
 * replica's), on its own connection: the writer goes on meanwhile (WAL).
 * Caller closes with journal_reader_close(); NULL with why. */
typedef struct journal_reader journal_reader;
journal_reader *journal_reader_open(const char *path, char *why);
void journal_reader_close(journal_reader *r);
/* Calls fn(attempt, last seq, arg) for every attempt whose name starts
 * with `prefix` ("" all); stops when fn returns non-zero. 0, or -1 with why. */
int journal_reader_heads(journal_reader *r, const char *prefix,
                         int (*fn)(const char *attempt, int64_t last, void *arg), void *arg,
                         char *why);
/* Reads the events of `attempt` after seq `after`, at most max of them and
 * no more payload bytes than max_bytes (one event at least), into *out
 * (caller frees with jchain_free()), as stored: links not checked. 0, or -1
 * with why. */
int journal_reader_events(journal_reader *r, const char *attempt, int64_t after, size_t max,
                          size_t max_bytes, jchain_event **out, size_t *n, char *why);

#endif
