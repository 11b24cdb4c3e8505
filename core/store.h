/* store.h -- the grading core's storage interface; handlers use only this.
 * Backends, each a store_ops table (store_int.h): SQLite (store_sqlite*.c,
 * "sqlite:PATH") and PostgreSQL (store_pg*.c, "postgres://..."), which
 * several cores may share. All functions return 0 on success, -1 with a
 * one-line reason in `why` (WHY_SIZE bytes) on error. Every function may be
 * called from several threads at once. */
#ifndef KISI_STORE_H
#define KISI_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jchain.h"
#include "why.h"

typedef struct store store;

/* Opens the store named by `url` ("sqlite:PATH"; the file and its tables
 * are created on first use). Caller closes with store_close(). */
store *store_open(const char *url, char *why);
void store_close(store *s);

/* The largest bank or session file the store keeps. */
#define STORE_FILE_MAX ((size_t)256 << 20)

/* A file the store keeps as bytes (a sealed bank, a session, a sealed
 * passphrase), read back by store_bank_get and store_session_get into
 * malloc'd memory: free with store_blob_free(). */
typedef struct store_blob {
    unsigned char *data;
    size_t len;
} store_blob;
void store_blob_free(store_blob *b);

/* Banks the core serves, by id (hex bank id): the sealed bank file's bytes,
 * and its passphrase sealed under the core's key (the store never sees it in
 * clear). The store records the SHA-256 of the bank's bytes beside them and
 * checks it on every read: bytes changed in the database are refused. A put
 * replaces a bank of the same id. */
int store_bank_put(store *s, const char *bank_id, const void *bank, size_t bank_len,
                   const void *pass_box, size_t box_len, char *why);
/* 1 found (bank and pass_box filled), 0 unknown, -1 error. */
int store_bank_get(store *s, const char *bank_id, store_blob *bank, store_blob *pass_box,
                   char *why);

/* Sessions: id, bank id, exam id and the session file's bytes (with their
 * SHA-256, checked as a bank's). bank_id has room for 33 bytes, exam_id for
 * 65 (the ids of libbank). */
int store_session_put(store *s, const char *session_id, const char *bank_id,
                      const char *exam_id, const void *file, size_t len, char *why);
int store_session_get(store *s, const char *session_id, char *bank_id, char *exam_id,
                      store_blob *file, char *why);
/* Calls fn with the id and exam id of every stored session, by id (the
 * proctor's sign-in tries its code on each). */
int store_sessions_each(store *s, int (*fn)(const char *session_id, const char *exam_id, void *arg),
                        void *arg, char *why);

/* Banks and sessions that a store of schema 2 or older kept as files beside
 * it, by path, waiting to be read into the store (core_ctx_import): kind is
 * "bank" (pass_path set) or "session" (bank_id, exam_id set). A put of the
 * same id forgets the entry. */
typedef struct store_legacy {
    const char *kind, *id, *bank_id, *exam_id, *path, *pass_path;
} store_legacy;
int store_legacy_each(store *s, int (*fn)(const store_legacy *l, void *arg), void *arg,
                      char *why);

/* The identity of the core's key (hex, up to 64 characters) the passphrases
 * of this store are sealed under: the first caller's `mine` is recorded;
 * `recorded` (65 bytes) gets the one recorded. 0, or -1 with why. */
int store_key_claim(store *s, const char *mine, char *recorded, char *why);
/* Notes the kind ("quiz", ...) and programme of an exam the core serves, so
 * that the quizzes of a programme are known before anyone has sat them. */
int store_exam_note(store *s, const char *exam_id, const char *kind, const char *programme,
                    char *why);

/* Kiosks, by public key (64 hex). States: "pending", "approved", "revoked". */
int store_kiosk_enrol(store *s, const char *pub, const char *name, int64_t now_ms, char *why);
/* Copies the state into `state` (16 bytes); 1 found, 0 unknown, -1 error. */
int store_kiosk_state(store *s, const char *pub, char *state, char *why);
/* Sets the state of the kiosk whose key starts with `prefix` (at least 8 hex
 * digits, must match exactly one kiosk). */
int store_kiosk_set(store *s, const char *prefix, const char *state, char *why);
/* Forgets the kiosks still pending that enrolled before before_ms and have
 * no result waiting for them (those stay until the operator decides);
 * *forgotten counts them. */
int store_kiosk_expire(store *s, int64_t before_ms, int *forgotten, char *why);
/* Calls fn for every kiosk. */
int store_kiosk_each(store *s, int (*fn)(const char *pub, const char *name, const char *state,
                                          int64_t enrolled_ms, void *arg),
                     void *arg, char *why);

/* One verified result. */
typedef struct store_result {
    const char *session_id, *exam_id, *programme, *exam_kind, *nip;
    int attempt;
    int raw, awarded;
    bool passed;
    const char *digest;   /* hex SHA-256 of the result bytes */
    const char *json;     /* the result record, exactly as signed */
    const char *sig;      /* the signature file's JSON */
    const char *kiosk;    /* kiosk public key */
    int64_t received_ms;
    int max_attempts;     /* when storing: the exam's limit (0: none) */
} store_result;

/* Outcome of store_result_put. */
typedef enum store_put {
    STORE_NEW = 1,
    STORE_SAME = 2,
    STORE_CONFLICT = 3,
    STORE_TOO_MANY = 4
} store_put;

/* Stores a result exactly once per (exam, nip, attempt): STORE_NEW when
 * stored, STORE_SAME when the same digest is already there, STORE_CONFLICT
 * when another result holds that attempt (the new one is then kept as
 * evidence, never replacing the first, and the attempt is disputed: see
 * store_dispute_each), STORE_TOO_MANY when a new attempt
 * would go beyond r->max_attempts (counted in the same transaction: two
 * uploads at once cannot both take the last attempt). -1 on error. Results
 * put from several threads at once may share one commit. */
int store_result_put(store *s, const store_result *r, char *why);

/* Number of stored attempts of `nip` at `exam_id`, and the highest attempt
 * number (both 0 when none). */
int store_attempts(store *s, const char *exam_id, const char *nip, int *count, int *highest,
                   char *why);
/* True (1) when nip has a passed result of every quiz exam id in
 * `quiz_ids` (n of them); 0 otherwise; -1 on error. `missing` (cap bytes)
 * gets the first quiz not passed. */
int store_quizzes_passed(store *s, const char *nip, const char *const *quiz_ids, size_t n,
                         char *missing, size_t cap, char *why);
/* Exam ids of kind "quiz" of `programme` known to the core (from its
 * sessions); fills ids (caller frees each and the array). */
int store_programme_quizzes(store *s, const char *programme, char ***ids, size_t *n,
                            char *why);
/* Calls fn with the form object (JSON text) of every stored result of
 * exam_id, ordered by nip then attempt: the FORMS.jsonl history. */
int store_history(store *s, const char *exam_id, int (*fn)(const char *form_json, void *arg),
                  void *arg, char *why);
/* Calls fn for every stored result of `session_id` (room status). */
int store_results_of_session(store *s, const char *session_id,
                             int (*fn)(const store_result *r, void *arg), void *arg, char *why);
/* Calls fn for every stored result of `exam_id` (every session), ordered by
 * nip then attempt: the item analysis. */
int store_results_of_exam(store *s, const char *exam_id,
                          int (*fn)(const store_result *r, void *arg), void *arg, char *why);
/* The accommodations of a participant's stored results at one exam (result
 * records of version 2 on): read aloud on at any attempt, the most extra minutes. */
typedef struct store_acc {
    bool read_aloud;
    int extra_minutes;
} store_acc;

/* Best awarded score and passed flag of nip at exam_id among the records
 * that count (an attempt with an open dispute is left out; a resolved one
 * counts the record the operator kept), how many of its attempts are
 * disputed still (*disputes, may be NULL), and the accommodations those
 * records hold (*acc, may be NULL); 1 found, 0 none. */
int store_best(store *s, const char *exam_id, const char *nip, int *awarded, bool *passed,
               int *disputes, store_acc *acc, char *why);

/* A refused upload, recorded so that the operator sees what arrived and
 * why it was not stored (`core results`). Fields not known (a record that
 * does not parse) are "" and attempt 0. */
typedef struct store_refusal {
    const char *kiosk;       /* the signer's key as sent ("" when none) */
    const char *session_id, *exam_id, *nip;
    int attempt;
    const char *digest;      /* hex SHA-256 of the bytes that arrived */
    const char *code;        /* the outcome code ("bad-signature", ...) */
    const char *reason;      /* one line for people */
    int64_t received_ms;
} store_refusal;

/* Records a refusal once per (digest, code): the same upload refused again
 * (a kiosk retrying) counts up and updates the time and reason. */
int store_refusal_put(store *s, const store_refusal *r, char *why);

/* A result of a kiosk still pending approval, verified by its signature,
 * waiting to be checked and stored when the kiosk is approved. */
typedef struct store_pending {
    const char *kiosk, *session_id, *exam_id, *nip;
    int attempt;
    const char *digest, *json, *sig; /* the record exactly as signed, its .sig JSON */
    int64_t received_ms;
} store_pending;

/* Keeps a waiting result once per (kiosk, digest). */
int store_pending_put(store *s, const store_pending *p, char *why);
/* Calls fn for every result waiting for `kiosk` (64 hex), oldest first. */
int store_pending_each(store *s, const char *kiosk,
                       int (*fn)(const store_pending *p, void *arg), void *arg, char *why);
/* Forgets one waiting result (it has been stored or refused). */
int store_pending_drop(store *s, const char *kiosk, const char *digest, char *why);
/* Moves every result waiting for `kiosk` to the refusals with `code` and
 * `reason` (one transaction); *n gets how many. */
int store_pending_refuse(store *s, const char *kiosk, const char *code, const char *reason,
                         int64_t now_ms, int *n, char *why);

/* One line of `core results`: something that arrived, and what became of it. */
typedef struct store_upload {
    const char *state;       /* "stored", "evidence" (a rival of a stored attempt, 409),
                                "refused", "waiting" (its kiosk is pending) */
    const char *kiosk, *kiosk_name, *session_id, *exam_id, *nip;
    int attempt;
    const char *code, *reason; /* "" for a stored result */
    int64_t received_ms;     /* when it (last) arrived */
    int times;               /* how often it arrived (a refusal is counted, not repeated) */
} store_upload;

/* Calls fn for every upload of session_id ("" or NULL: of every session),
 * ordered by time of arrival. */
int store_uploads_each(store *s, const char *session_id,
                       int (*fn)(const store_upload *u, void *arg), void *arg, char *why);

/* Cohorts: a JSON definition (see recap.h) and a roster, and the aspect
 * scores imported for it; recap runs kept side by side (run 1, 2, ...). */
int store_cohort_put(store *s, const char *cohort_id, const char *definition_json, char *why);
/* Copies the definition into a malloc'd string (caller frees); 1 found, 0 unknown. */
int store_cohort_get(store *s, const char *cohort_id, char **definition_json, char *why);
/* Aspect rows: one JSON object per participant (see recap.h), replacing earlier rows. */
int store_aspects_put(store *s, const char *cohort_id, const char *nip, const char *row_json,
                      char *why);
int store_aspects_each(store *s, const char *cohort_id,
                       int (*fn)(const char *nip, const char *row_json, void *arg), void *arg,
                       char *why);
/* Records a recap run's JSON as the next run number of the cohort, given
 * by the store inside the transaction that writes it (unique across cores
 * sharing the database; the number is kept only there, not in the JSON),
 * and written to *run. */
int store_recap_add(store *s, const char *cohort_id, const char *recap_json, int64_t now_ms,
                    int *run, char *why);
/* Latest (run = 0) or given recap run JSON, malloc'd; 1 found, 0 none. */
int store_recap_get(store *s, const char *cohort_id, int run, char **recap_json, int *run_out,
                    char *why);

/* Leases (core/lease.h): the seat that holds an attempt (session, nip,
 * attempt), and options of a session the operator sets. */
typedef struct store_lease {
    char kiosk[65];   /* the holder's key; "" when moved to a seat not yet asked */
    char seat[33];    /* the holder's seat label */
    int64_t since_ms; /* when the holder took it (or it was moved) */
} store_lease;

/* Takes the lease of (session_id, nip, attempt) for kiosk at seat, in one
 * statement: granted when no one holds it, kiosk holds it already, or it
 * was moved to seat (store_lease_move with a label); *held gets the
 * holder. 1 granted, 0 held by another, -1 with why. */
int store_lease_take(store *s, const char *session_id, const char *nip, int attempt,
                     const char *kiosk, const char *seat, int64_t now_ms, store_lease *held,
                     char *why);
/* The holder of (session_id, nip, attempt) into *held: 1, 0 none, -1 error. */
int store_lease_get(store *s, const char *session_id, const char *nip, int attempt,
                    store_lease *held, char *why);
/* Forgets the lease of one attempt, or of every attempt of nip when
 * attempt is -1; *n counts them. */
int store_lease_drop(store *s, const char *session_id, const char *nip, int attempt, int *n,
                     char *why);
/* Gives every lease of (session_id, nip) to kiosk (64 hex) at seat, or to
 * whichever kiosk next asks from seat when kiosk is ""; *n counts them. */
int store_lease_move(store *s, const char *session_id, const char *nip, const char *kiosk,
                     const char *seat, int64_t now_ms, int *n, char *why);
/* Disputed attempts: two different records of one (exam, nip, attempt)
 * reached the core (the stored one and evidence; store_result_put opens the
 * dispute when it keeps the second). Neither counts until the operator
 * keeps one (store_dispute_resolve). */
typedef struct store_dispute {
    const char *exam_id, *nip;
    int attempt;
    int64_t opened_ms;       /* when the second record arrived */
    const char *keep_digest; /* "" while open; else the record kept */
    const char *by, *reason; /* who chose it and why ("" while open) */
    int64_t resolved_ms;     /* 0 while open */
} store_dispute;

/* One record of a disputed attempt. */
typedef struct store_dispute_record {
    const char *state;       /* "stored" (arrived first) or "evidence" */
    const char *digest, *kiosk, *session_id;
    int64_t received_ms;
    int awarded;
    bool passed;
} store_dispute_record;

/* Calls fn for every dispute of exam_id ("" or NULL: of every exam),
 * ordered by exam, NIP and attempt. */
int store_dispute_each(store *s, const char *exam_id,
                       int (*fn)(const store_dispute *d, void *arg), void *arg, char *why);
/* Calls fn for every record of (exam_id, nip, attempt), oldest first. */
int store_dispute_records(store *s, const char *exam_id, const char *nip, int attempt,
                          int (*fn)(const store_dispute_record *r, void *arg), void *arg,
                          char *why);
/* Resolves the dispute of (exam_id, nip, attempt): keeps the one record
 * whose digest starts with `prefix` (hex), recording `by`, `reason` and
 * now_ms; its digest into kept (65 bytes). 0, or -1 with why (no such
 * dispute, no record or several start with prefix). */
int store_dispute_resolve(store *s, const char *exam_id, const char *nip, int attempt,
                          const char *prefix, const char *by, const char *reason, int64_t now_ms,
                          char *kept, char *why);

/* A session option `name` (an id) set to `value` (text), replacing it. */
int store_session_opt_set(store *s, const char *session_id, const char *name, const char *value,
                          char *why);
/* Copies the option into value (cap bytes): 1 set, 0 not set, -1 error. */
int store_session_opt_get(store *s, const char *session_id, const char *name, char *value,
                          size_t cap, char *why);
/* The replica of the kiosks' journals (core/jstore.h): every event of an
 * attempt ("SESSION/NIP") as its kiosk pushed it, kept once by seq, with
 * the kiosk that pushed it and when. What became of a put: */
typedef enum store_replica_put_outcome {
    STORE_REPLICA_KEPT = 0, /* added, or held already as it is */
    STORE_REPLICA_GAP = 1,  /* the first event is beyond the events held + 1: nothing added */
    STORE_REPLICA_FORK = 2  /* a seq held with another link (or the link before the first
                               event is not `prev`): nothing added */
} store_replica_put_outcome;

/* Adds ev[0..n) of `attempt` (seqs one after the other, their chain checked
 * by the caller after the link `prev`: the hash of seq ev[0].seq - 1, ""
 * before seq 1) in one transaction, pushed by `kiosk` at now_ms: the events
 * not yet held are added, those held are compared. *have gets the highest
 * seq held after it; with STORE_REPLICA_FORK, *at the first seq that
 * differs. Returns the outcome (>= 0), or -1 with why. */
int store_replica_put(store *s, const char *session_id, const char *attempt, const char *kiosk,
                      const char *prev, const jchain_event *ev, size_t n, int64_t now_ms,
                      int64_t *have, int64_t *at, char *why);
/* Reads at most max events of `attempt` from seq `from` on, in order, into
 * *out (caller frees with jchain_free()); *have gets the highest seq held
 * (0: none) and `kiosk` (65 bytes, may be NULL) the kiosk that pushed it. */
int store_replica_get(store *s, const char *attempt, int64_t from, size_t max,
                      jchain_event **out, size_t *n, int64_t *have, char *kiosk, char *why);

/* -- Forwarding to an upstream core, and the room's offer (store_fwd.c) -- */

/* A session the store holds: its id, its bank's and exam's, and the SHA-256
 * (hex) of the session's bytes and of its bank's ("" when the bank is not
 * there). */
typedef struct store_held {
    const char *session_id, *bank_id, *exam_id, *session_digest, *bank_digest;
} store_held;
/* Calls fn for every session the store holds, by id. */
int store_session_each(store *s, int (*fn)(const store_held *h, void *arg),
                       void *arg, char *why);
/* Calls fn for the stored results (r->json and r->sig exactly as uploaded)
 * with the name their kiosk enrolled under ("" when unknown), in the order
 * they were stored: with `upstream` (64 hex, the upstream core's key) only
 * those no receipt of that upstream marks forwarded, at most max of them
 * (0: all); with upstream NULL every stored result. */
int store_forward_each(store *s, const char *upstream, int max,
                       int (*fn)(const store_result *r, const char *kiosk_name, void *arg),
                       void *arg, char *why);
/* Marks the result of SHA-256 `digest` forwarded to `upstream` (64 hex),
 * keeping the receipt (JSON) it signed. Marking it again changes nothing. */
int store_forward_mark(store *s, const char *digest, const char *upstream, const char *receipt,
                       int64_t now_ms, char *why);
/* How many stored results are forwarded to `upstream` and how many not yet. */
int store_forward_count(store *s, const char *upstream, int *done, int *todo, char *why);

/* The exam room (roomlog.c writes it, seats.c reads it back at start): each
 * kiosk's last state, the commands waiting for it, and the room log with
 * the core's and the kiosk's clocks. */
typedef struct store_room_seat {
    const char *kiosk;     /* 64 hex */
    const char *seat, *session;
    long long seq;         /* the last state taken */
    int64_t seen_ms;       /* when (core clock) */
    long long cmd_seq;     /* the last command number given to the kiosk */
    const char *state;     /* the last state's JSON, as signed */
} store_room_seat;

/* A command queued (json set), or the commands of kiosk up to seq
 * acknowledged (json NULL: they are forgotten). */
typedef struct store_room_cmd {
    const char *kiosk;
    long long seq;
    const char *kind;      /* "message", ... ("" for an acknowledgement) */
    const char *json;      /* the signed command as the kiosk gets it */
    int64_t queued_ms;
} store_room_cmd;

/* One entry of the room log. */
typedef struct store_room_entry {
    long long id;          /* given by the store, rising (0 when writing) */
    const char *session, *kiosk, *seat, *nip;
    int64_t core_ms, kiosk_ms; /* kiosk_ms 0: not known */
    const char *kind;      /* "arrived", "screen", "extend", ... (roomlog.h) */
    const char *detail;    /* a JSON object */
    const char *actor;     /* "kiosk", "core", "proctor", "operator" */
} store_room_entry;

/* What one write of the room holds; cmds are applied in their order. */
typedef struct store_room_batch {
    const store_room_seat *seats;
    size_t nseats;
    const store_room_cmd *cmds;
    size_t ncmds;
    const store_room_entry *log;
    size_t nlog;
} store_room_batch;

/* Writes a batch in one transaction: seats replace the kiosk's row, cmds
 * are added (once per kiosk and seq) or acknowledged, log entries added. */
int store_room_write(store *s, const store_room_batch *b, char *why);
/* Calls seat_fn for every seat kept, then cmd_fn for every command still
 * waiting (by kiosk, then seq). */
int store_room_load(store *s, int (*seat_fn)(const store_room_seat *seat, void *arg),
                    int (*cmd_fn)(const store_room_cmd *cmd, void *arg), void *arg, char *why);
/* Calls fn for the room log entries of `kiosk` (64 hex) or, with kiosk ""
 * or NULL, of `session` (then required), in the order written; with last >
 * 0 only the last `last` of them. With both given, the kiosk's entries of
 * that session. */
int store_room_log_each(store *s, const char *session, const char *kiosk, size_t last,
                        int (*fn)(const store_room_entry *e, void *arg), void *arg, char *why);

#endif
