/* bank.h -- public contract of libbank: the encrypted question bank, exam
 * definitions, sessions, form drawing and the scoring policy.
 *
 * Everything outside bank/ (the bank tool, the kiosk, the grading core) uses
 * only what is declared here. All scores are integers in hundredths
 * ("centi-points": 10000 = 100.00). Functions that can fail return a
 * bank_err and, when `why` is not NULL, write a one-line detail into it
 * (at most WHY_SIZE bytes, NUL-terminated). Constructors return NULL on
 * error and set *err the same way. */
#ifndef KISI_BANK_H
#define KISI_BANK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "why.h"

#define BANK_MAX_OPTIONS 8    /* options A..H */
#define BANK_SCORE_MAX 10000  /* 100.00 */
/* Bank file format written: 2 seals the schema with the rows, and an item's
 * sealed content holds its title and rich flag; 3 allows up to 8 options and
 * an image in an item. A file of format 2 is still read (and becomes format 3
 * when an import writes to it); format 1 (seal without the schema) is refused. */
#define BANK_FORMAT_VERSION 3
#define BANK_FORMAT_OLDEST 2
/* Session file format written: 2 stores the forms, drawn once by
 * bank_session_create(); 3 covers the schema with the MAC and keys the
 * PIN verifiers with the session's key; 4 allows forms of up to 8 options; 5 adds
 * each participant's extra minutes (an accommodation) to the roster; 6 adds the
 * proctor code's verifier. Earlier formats are refused: the session is made again. */
#define BANK_SESSION_FORMAT_VERSION 6
#define BANK_SESSION_FORMAT_OLDEST 6
#define BANK_IMAGE_MAX_BYTES (2 << 20) /* bytes of an item's image at most */
#define BANK_IMAGE_MAX_SIDE 4096       /* pixels of its width or height at most */
#define BANK_IMAGE_MAX_PIXELS (8 << 20) /* width x height at most */
#define BANK_SESSION_MAX 10000 /* participants a session holds at most */

typedef enum bank_err {
    BANK_OK = 0,
    BANK_ENOMEM,      /* out of memory */
    BANK_EIO,         /* file cannot be read or written */
    BANK_ENOTBANK,    /* not a bank (or session) file, or truncated */
    BANK_EVERSION,    /* written by another (newer, or retired older) format version */
    BANK_ECORRUPT,    /* file structure damaged */
    BANK_EPASSPHRASE, /* wrong passphrase */
    BANK_ETOKEN,      /* wrong session token */
    BANK_ELOCKED,     /* operation needs the data key: unlock first */
    BANK_EPARSE,      /* malformed input (import file, JSON, CSV) */
    BANK_EINVAL,      /* invalid argument or value */
    BANK_ENOTFOUND,   /* unknown item, exam or participant */
    BANK_EEXIST,      /* already exists */
    BANK_EEXAM,       /* exam definition invalid */
    BANK_EQUOTA,      /* quota larger than the pool */
    BANK_EROSTER,     /* roster invalid (empty, duplicate NIP, bad PIN) */
    BANK_EATTEMPTS,   /* attempt beyond the exam's max_attempts */
    BANK_ENOTSEALED,  /* bank carries no seal */
    BANK_ETAMPER,     /* seal or MAC does not verify */
    BANK_ECRYPTO,     /* cryptographic library failure */
    BANK_EDB          /* SQLite failure */
} bank_err;

/* Returns a static English phrase for `e`; never NULL. */
const char *bank_strerror(bank_err e);

/* ------------------------------------------------------------------ */
/* Files                                                               */

/* Reads the file at `path` whole, at most `max` bytes, into a malloc'd
 * NUL-terminated copy (*len excludes the NUL; the bytes may hold NULs).
 * Caller frees *data with free(). On error *data is NULL, *len 0, errno
 * holds the cause and `why` reads "PATH: reason": BANK_ENOTFOUND when
 * the file does not exist, BANK_EINVAL (errno EFBIG) when it is larger
 * than `max`, BANK_ENOMEM, or BANK_EIO (a folder, a read error). */
bank_err bank_file_read(const char *path, size_t max, char **data, size_t *len, char *why);

/* Replaces (or creates) the file at `path` with the `len` bytes of `data`,
 * with permission bits `mode` exactly (umask not applied): writes a
 * temporary ".NAME.XXXXXX" in the same folder, fsyncs it, renames it over
 * `path` and fsyncs the folder (a file system that cannot sync folders
 * is let be). Readers see the old file or the whole new one, never a part.
 * On any failure the temporary file is removed, errno holds the cause and
 * BANK_EIO (BANK_EINVAL for a path that names no file or is too long) is
 * returned; `path` is unchanged unless only the final folder sync failed. */
bank_err bank_file_write_atomic(const char *path, const void *data, size_t len, int mode,
                                char *why);

/* ------------------------------------------------------------------ */
/* SQLite files from outside                                           */

struct sqlite3;

/* Puts SQLite's defensive settings on `db`, a connection to a file that
 * came from outside (defensive mode, trusted_schema off, no extensions,
 * triggers or views, tight limits, a progress handler bounding the work of
 * each statement). Call right after opening, before any statement. The
 * same settings libbank puts on every bank and session file. BANK_OK, or
 * BANK_ENOMEM when the work budget cannot be set up (then do not go on). */
bank_err bank_db_harden(struct sqlite3 *db);
/* Checks a hardened file before it is used: PRAGMA integrity_check, then
 * its schema (every table, index, view and trigger of sqlite_schema: type,
 * name, table and SQL text) must be exactly what the SQL `schema` makes in
 * an empty database, nothing extra, missing or changed. `name` stands for
 * the file and `kind` says what it is in messages. BANK_ECORRUPT (damaged)
 * or BANK_ETAMPER (another schema) with a one-line why. */
bank_err bank_db_check(struct sqlite3 *db, const char *name, const char *kind,
                       const char *schema, char *why);

/* ------------------------------------------------------------------ */
/* Sealed boxes                                                        */

#define BANK_BOX_KEY 32       /* bytes of a box key */
#define BANK_BOX_OVERHEAD 28  /* a box is this much longer than what it holds */

/* Seals the len bytes of pt under `key` with `aad` as additional data
 * (AES-256-GCM, a random nonce): out = nonce || ciphertext || tag, and must
 * hold len + BANK_BOX_OVERHEAD bytes. BANK_OK, BANK_EINVAL (too long) or
 * BANK_ECRYPTO. The same box libbank seals its items in. */
bank_err bank_box_seal(const uint8_t key[BANK_BOX_KEY], const void *aad, size_t aadlen,
                       const void *pt, size_t len, uint8_t *out);

/* Opens a box of inlen bytes made by bank_box_seal() with the same key and
 * aad into pt (inlen - BANK_BOX_OVERHEAD bytes). BANK_ETAMPER when it does
 * not verify (pt is wiped then). */
bank_err bank_box_open(const uint8_t key[BANK_BOX_KEY], const void *aad, size_t aadlen,
                       const uint8_t *in, size_t inlen, uint8_t *pt);

/* ------------------------------------------------------------------ */
/* Items                                                               */

typedef enum bank_kind {
    BANK_SINGLE = 0,  /* one correct option */
    BANK_MULTI = 1,   /* several correct options: the chosen set must equal the key */
    BANK_TRUEFALSE = 2
} bank_kind;

/* "single", "multi", "truefalse"; NULL for an unknown kind. */
const char *bank_kind_name(bank_kind k);
/* Parses a kind name; returns -1 when unknown. */
int bank_kind_parse(const char *s);

/* One question as authored: the clear form used by import and by the
 * kiosk after decryption. Strings are UTF-8, owned by the struct. A rich
 * item's stem and options are in the stored rich text form of richtext.h
 * (bank_rich_plain() gives them as plain text); a plain item's are shown as
 * they are. The title is for authors only, never shown to participants. */
typedef struct bank_item {
    char *id;
    char *topic;
    bank_kind kind;
    int difficulty;                    /* 1 (easy) .. 5 (hard) */
    int weight;                        /* >= 1 */
    bool pinned;                       /* option order must not be shuffled */
    char *title;                       /* the author's name for it, NULL when none */
    bool rich;                         /* stem and options are rich text (richtext.h) */
    char *stem;
    int noptions;                      /* 2..8 */
    char *options[BANK_MAX_OPTIONS];   /* options[0] is "A" */
    char key[BANK_MAX_OPTIONS + 1];    /* correct letters in order, "" = no key (draft) */
    unsigned char *image;              /* PNG or JPEG shown with the stem, NULL for none */
    size_t image_len;                  /* bytes of image */
    char *image_file;                  /* import only: image named by the source file, not
                                        * yet read (see bank_items_load_images) */
    int line;                          /* source line, 0 when not imported */
    int version;                       /* set by the bank */
} bank_item;

/* Frees the strings of `it` (not `it` itself) and zeroes it. */
void bank_item_clear(bank_item *it);

/* A growable list of items; owns its entries. */
typedef struct bank_items {
    bank_item *v;
    size_t n, cap;
} bank_items;

/* Appends a zeroed item; returns it or NULL on ENOMEM. */
bank_item *bank_items_push(bank_items *l);
/* Frees every item and the array. */
void bank_items_free(bank_items *l);

/* Image types an item may hold. */
typedef enum bank_image_type { BANK_IMAGE_PNG = 1, BANK_IMAGE_JPEG = 2 } bank_image_type;

/* Checks that the len bytes at data are a PNG or JPEG image within the
 * limits (BANK_IMAGE_MAX_BYTES, _SIDE, _PIXELS) by their header alone (no
 * decoding). Returns the type and sets *w, *h (either may be NULL), or 0
 * with why set ("not a PNG or JPEG image", "4800x3000 pixels: at most
 * ..."). */
int bank_image_check(const void *data, size_t len, int *w, int *h, char *why);

/* Sets the image of `it` from base64 text (as Moodle XML embeds files; white
 * space inside is skipped), checked with bank_image_check(); the image it
 * held before is freed. BANK_EINVAL with why set ("not base64", or the
 * check's reason), BANK_ENOMEM; `it` is unchanged on error. */
bank_err bank_item_image_b64(bank_item *it, const char *b64, size_t len, char *why);

/* Reads the image each item of `l` names in image_file, relative to the
 * folder `dir` (the source file's folder; "" or NULL is the current one),
 * into image/image_len, checking it with bank_image_check(), and clears
 * image_file. A name that is absolute or climbs out of `dir` ("..") is
 * refused. On error why reads "line N: image NAME: reason" and the items
 * read so far keep their images (the caller frees the list). */
bank_err bank_items_load_images(bank_items *l, const char *dir, char *why);

typedef enum bank_format {
    BANK_FMT_CSV = 0,
    BANK_FMT_AIKEN,
    BANK_FMT_GIFT,
    BANK_FMT_MOODLE_XML  /* Moodle XML question export */
} bank_format;

/* Guesses the format from the file name's extension (.csv, .txt/.aiken,
 * .gift, .xml); returns -1 when it cannot tell. */
int bank_format_guess(const char *path);
/* Parses a format name ("csv", "aiken", "gift", "moodle-xml"); -1 if unknown. */
int bank_format_parse(const char *s);

/* Parses `len` bytes of `data` in format `fmt` and appends every item to
 * `out`. `topic` is the default topic for formats without one (Aiken,
 * GIFT outside a $CATEGORY); it may be NULL for CSV. On any error the
 * whole input is rejected: `out` is left as it was and `why` says
 * "line N: reason" (the first problem; bank_parse_items_ex() hears them
 * all). Items without an id get a stable one derived from topic and stem
 * (a stem met again in the same topic: and its title, else its ordinal).
 * GIFT and Moodle XML titles are kept in it->title; HTML text makes a
 * rich item (richtext.h). */
bank_err bank_parse_items(const char *data, size_t len, bank_format fmt,
                          const char *topic, bank_items *out, char *why);

/* Hears one report of bank_parse_items_ex(): `kind` is "error" (a problem:
 * the file is refused), "skipped" (a question Kisi cannot hold, left out
 * with skip_unsupported) or "notice" (imported, but something of it was
 * dropped, such as partial credit); `text` is "line N: reason", one line. */
typedef void (*bank_note_fn)(const char *kind, const char *text, void *arg);

/* How bank_parse_items_ex() reads a file. */
typedef struct bank_parse_opts {
    const char *topic;       /* default topic, as for bank_parse_items() */
    bool skip_unsupported;   /* leave out questions of a type Kisi cannot hold */
    bank_note_fn note;       /* hears every report as it is found; may be NULL */
    void *arg;
} bank_parse_opts;

/* bank_parse_items() that reads on after a problem: every problem, every
 * question left out and every notice goes to o->note. When there was any
 * problem nothing is added to `out`, *nproblems (may be NULL) gets their
 * number and `why` the first ("line N: reason", followed by "(and K more
 * problems)" when there were more); BANK_EPARSE then. A file whose every
 * question was left out holds no items: BANK_EPARSE, "no questions found".
 * *nskipped (may be NULL) gets the number of questions left out. */
bank_err bank_parse_items_ex(const char *data, size_t len, bank_format fmt,
                             const bank_parse_opts *o, bank_items *out, size_t *nproblems,
                             size_t *nskipped, char *why);

/* ------------------------------------------------------------------ */
/* Exam definitions and the scoring policy                             */

typedef enum bank_exam_kind {
    BANK_EXAM_ACADEMIC = 0,
    BANK_EXAM_QUIZ,
    BANK_EXAM_COMPETENCY,
    BANK_EXAM_RPL
} bank_exam_kind;

/* "academic", "quiz", "competency", "rpl"; NULL when unknown. */
const char *bank_exam_kind_name(bank_exam_kind k);

typedef struct bank_exam bank_exam;

/* Parses and checks exam JSON (see docs/bank-author-guide.md). Missing
 * optional fields get the defaults of the kind (pass mark, max attempts,
 * ceilings). Does not look at pools: see bank_exam_add(). Caller frees
 * with bank_exam_free(). NULL on error with *err and why set. */
bank_exam *bank_exam_parse(const char *json, size_t len, bank_err *err, char *why);
void bank_exam_free(bank_exam *e);

/* Canonical JSON of `e` (every field explicit); caller frees with free(). */
char *bank_exam_json(const bank_exam *e);

const char *bank_exam_id(const bank_exam *e);
const char *bank_exam_title(const bank_exam *e);
bank_exam_kind bank_exam_kind_of(const bank_exam *e);
int bank_exam_minutes(const bank_exam *e);
int bank_exam_pass_mark(const bank_exam *e);
/* 0 means unlimited. */
int bank_exam_max_attempts(const bank_exam *e);
/* Number of items on every form. */
int bank_exam_form_size(const bank_exam *e);
/* Programme the exam belongs to ("" when none): quizzes of a programme
 * gate its competency test. */
const char *bank_exam_programme(const bank_exam *e);

/* Number of topics with a quota, and the i-th topic and its quota. */
size_t bank_exam_ntopics(const bank_exam *e);
const char *bank_exam_topic(const bank_exam *e, size_t i, int *quota);

/* Highest score that can be awarded on `attempt` (1-based) from the
 * exam's ceiling table. Returns -1 when the table does not cover it. */
int bank_exam_ceiling(const bank_exam *e, int attempt);

/* Band name (SPEC section 3) for a score in hundredths, in Indonesian:
 * "Sangat memuaskan" ... "Tidak memuaskan". Static string. */
const char *bank_band(int score);
/* The English name of the same band. */
const char *bank_band_en(int score);

/* Score of one attempt. */
typedef struct bank_score {
    int raw;       /* weighted share correct, rounded half-up */
    int ceiling;   /* for this attempt */
    int awarded;   /* min(raw, ceiling) */
    bool passed;   /* awarded >= pass mark */
    const char *band;  /* band of the awarded score */
} bank_score;

/* Raw score from weights: correct / total * 100, in hundredths, rounded
 * half-up. total must be > 0. */
int bank_raw_score(long long correct_weight, long long total_weight);

/* Applies the ceiling of `attempt` and the pass mark of `e` to `raw`. */
bank_err bank_exam_judge(const bank_exam *e, int attempt, int raw, bank_score *out,
                         char *why);

/* True when `chosen` (option letters, any order, "" = unanswered) equals
 * `key` as a set. */
bool bank_answer_correct(const char *key, const char *chosen);

/* ------------------------------------------------------------------ */
/* The bank file                                                       */

typedef struct bank bank;

/* Creates a new bank at `path` (must not exist) with a random data key
 * wrapped under `pass`. Caller closes with bank_close(). The passphrase
 * buffer is only borrowed. */
bank *bank_create(const char *path, const char *pass, size_t passlen,
                  bank_err *err, char *why);
/* Opens an existing bank. `writable` false opens read-only (kiosk).
 * The bank is locked until bank_unlock() or a session unlocks it. */
bank *bank_open(const char *path, bool writable, bank_err *err, char *why);
/* Opens, read-only, a bank file held in memory: len bytes at data (copied:
 * the caller may free them at once); `name` stands for the file in
 * messages. Nothing is written to disk. */
bank *bank_open_mem(const void *data, size_t len, const char *name, bank_err *err, char *why);
/* Closes and wipes the data key. NULL is a no-op. */
void bank_close(bank *b);

/* Unwraps the data key with the author's passphrase. */
bank_err bank_unlock(bank *b, const char *pass, size_t passlen, char *why);
bool bank_is_unlocked(const bank *b);
/* Hex id of the bank (32 chars). Borrowed. */
const char *bank_id(const bank *b);

/* Imports the items of `l` in one transaction: new ids are added, known
 * ids whose content differs are replaced with version + 1, and known ids
 * holding exactly the same item are left as they are (row, version and
 * seal). Needs the data key. Any failure leaves the bank unchanged.
 * *added, *replaced and *unchanged (each may be NULL) get the counts. */
bank_err bank_import(bank *b, const bank_items *l, size_t *added, size_t *replaced,
                     size_t *unchanged, char *why);

/* Adds (or replaces) an exam definition after checking it against the
 * bank's pools. */
bank_err bank_exam_add(bank *b, const bank_exam *e, char *why);
/* Loads an exam definition. Caller frees with bank_exam_free(). */
bank_exam *bank_exam_get(bank *b, const char *id, bank_err *err, char *why);
/* Checks `e` against the pools: every quota (per difficulty band, when
 * the exam has a mix) fits the keyed items of its topic. */
bank_err bank_exam_check_pools(bank *b, const bank_exam *e, char *why);

/* Clear metadata of one item (no secrets). */
typedef struct bank_item_info {
    const char *id;
    const char *topic;
    bank_kind kind;
    int difficulty;
    int weight;
    int noptions;
    bool pinned;
    bool draft;      /* no key: never drawn */
    int version;
} bank_item_info;

/* Calls `fn` for every item in id order, and for every exam id. Stops
 * when fn returns non-zero. Strings are borrowed for the call only. */
bank_err bank_each_item(bank *b, int (*fn)(const bank_item_info *, void *), void *arg,
                        char *why);
bank_err bank_each_exam(bank *b, int (*fn)(const char *id, void *), void *arg, char *why);
/* Number of keyed (drawable) items in `topic`, optionally only of the
 * difficulties lo..hi. */
bank_err bank_pool_size(bank *b, const char *topic, int lo, int hi, size_t *n, char *why);

/* Decrypts item `id`. Needs the data key. Caller frees with
 * bank_item_clear(). */
bank_err bank_item_get(bank *b, const char *id, bank_item *out, char *why);

/* Reports one lint finding: kind is "no-key", "duplicate-stem",
 * "repeated-option" or "small-pool"; subject an item id or exam/topic. */
typedef void (*bank_finding_fn)(const char *kind, const char *subject, const char *text,
                                void *arg);
/* Checks every item (needs the data key) and every exam's pools, expecting
 * `remedials` remedial attempts per participant (a pool should hold
 * quota x (1 + remedials) items). *nfindings counts the reports. */
bank_err bank_lint(bank *b, int remedials, bank_finding_fn fn, void *arg, size_t *nfindings,
                   char *why);

/* Calls fn for every item with the number of forms in `jsonl` (a
 * FORMS.jsonl history) that held it. Stops when fn returns non-zero. */
bank_err bank_exposure(bank *b, const char *jsonl, size_t len,
                       int (*fn)(const bank_item_info *, long count, void *), void *arg,
                       char *why);

/* ------------------------------------------------------------------ */
/* Sealing                                                             */

/* Generates an Ed25519 key pair: writes OUT.key (0600, O_EXCL) and
 * OUT.pub. Neither may exist. */
bank_err bank_keygen(const char *out, char *why);

/* Signs the manifest of every item, exam and meta row with the key in
 * `keyfile`. */
bank_err bank_seal(bank *b, const char *keyfile, char *why);

/* Verifies the seal against the public key in `pubfile`. BANK_OK only
 * when untampered; otherwise BANK_ETAMPER (or ENOTSEALED) and `why`
 * names the first row that changed, was added or was removed. */
bank_err bank_verify(bank *b, const char *pubfile, char *why);

/* A signing key (Ed25519) of a kiosk or an authority. */
typedef struct bank_signer bank_signer;

/* Loads PREFIX.key, creating PREFIX.key (0600, O_EXCL) and PREFIX.pub
 * first when neither exists. Caller frees with bank_signer_free(). */
bank_signer *bank_signer_open(const char *prefix, bank_err *err, char *why);
/* Wipes and frees. NULL is a no-op. */
void bank_signer_free(bank_signer *s);
/* Public key as 64 lower-case hex characters (borrowed). */
const char *bank_signer_pub(const bank_signer *s);
/* Signs len bytes of msg; sig_hex gets 128 hex characters + NUL. */
bank_err bank_signer_sign(const bank_signer *s, const void *msg, size_t len,
                          char sig_hex[129]);
/* BANK_OK when sig_hex is a valid signature of msg by pub_hex, else
 * BANK_ETAMPER (BANK_EINVAL for malformed hex). */
bank_err bank_sig_verify(const char *pub_hex, const void *msg, size_t len, const char *sig_hex);

/* ------------------------------------------------------------------ */
/* Sessions                                                            */

typedef struct bank_session bank_session;

/* Token alphabet (no look-alikes) and length of a proctor token. */
#define BANK_TOKEN_LEN 10
#define BANK_TOKEN_ALPHABET "ACDEFHJKLMNPRTUVWXY34679"

/* Extra minutes a roster line may grant at most. */
#define BANK_EXTRA_MINUTES_MAX 600

/* Options for a new session. `roster_csv` is the nip,name,pin CSV, with
 * an optional fourth column extra_minutes (0..BANK_EXTRA_MINUTES_MAX, empty
 * = 0: extra time granted to that participant as an accommodation);
 * `history_jsonl` (may be NULL) holds earlier forms of this exam, one
 * `bank draw --json` object a line. */
typedef struct bank_session_spec {
    const char *exam_id;
    const char *roster_csv;
    size_t roster_len;
    const char *history_jsonl;
    size_t history_len;
    int64_t not_before, not_after;  /* unix seconds, 0 = open */
    /* Out: when not NULL, gets the session's proctor code (BANK_PROCTOR_LEN
     * characters of BANK_TOKEN_ALPHABET + NUL; the caller wipes it). Only a
     * keyed verifier of it is stored, whether or not the caller takes it. */
    char *proctor_code;
} bank_session_spec;

/* The proctor code: a secret of the session of its own, for the proctor's
 * actions on a kiosk (quit, unlock a seat), never the participant token.
 * 12 characters of the token alphabet (some 55 bits), shown in groups of 4. */
#define BANK_PROCTOR_LEN 12

/* Creates the session file `out` (must not exist) for the unlocked bank
 * `b`. Writes the proctor token (BANK_TOKEN_LEN chars + NUL) to `token`;
 * the token itself is never stored. Refuses an empty roster, a duplicate
 * or malformed NIP, an unknown exam, quotas larger than a pool, and a
 * participant whose attempt would exceed max_attempts. */
bank_err bank_session_create(bank *b, const bank_session_spec *spec, const char *out,
                             char token[BANK_TOKEN_LEN + 1], char *why);

/* Reads the ids a session file names, without any key: bank_id (33
 * bytes), session_id (33) and exam_id (65). */
bank_err bank_session_info(const char *path, char *bank_id, char *session_id, char *exam_id,
                           char *why);

/* Opens a session file for bank `b` (borrowed, must outlive the
 * session). Caller closes with bank_session_close(). */
bank_session *bank_session_open(bank *b, const char *path, bank_err *err, char *why);
/* The same for a session file held in memory (len bytes, copied), named
 * `name` in messages, as bank_open_mem. */
bank_session *bank_session_open_mem(bank *b, const void *data, size_t len, const char *name,
                                    bank_err *err, char *why);
void bank_session_close(bank_session *s);

/* Unlocks the session (and its bank) with the proctor token. Verifies
 * the session's integrity. BANK_ETOKEN when the token is wrong. */
bank_err bank_session_unlock(bank_session *s, const char *token, size_t len, char *why);
/* Unlocks with the bank's data key (bank already unlocked by passphrase). */
bank_err bank_session_unlock_bank(bank_session *s, char *why);
/* Checks a proctor code (case, spaces and dashes ignored). On an unlocked
 * session, in constant time against the stored verifier: an HMAC, under a
 * key derived from the session's secret, of a slow hash of the code. On a
 * session no token has opened yet, by opening with that slow hash the copy
 * of the session secret sealed under it (the session stays locked).
 * BANK_ETOKEN for a wrong code (the participant token is one). */
bank_err bank_session_check_proctor(bank_session *s, const char *code, size_t len, char *why);
/* Writes the proctor code as people type it: groups of 4 joined by '-'
 * (out gets BANK_PROCTOR_LEN + 3 characters + NUL). */
void bank_proctor_format(const char *code, char out[BANK_PROCTOR_LEN + 4]);

/* The key of the journal chain of `attempt` (the kiosk's "<session id>/<nip>")
 * in the unlocked session `s`: HKDF-SHA256 of the session's secret with
 * info "kisi-journal-chain:1:<session id>:<attempt>". Whoever unlocks the
 * session (the kiosk with the token, the core with the bank's key) gets the
 * same key; nobody without either does. BANK_ELOCKED when locked. The caller
 * wipes key with OPENSSL_cleanse after use. */
#define BANK_JOURNAL_KEY 32
bank_err bank_session_journal_key(const bank_session *s, const char *attempt,
                                  uint8_t key[BANK_JOURNAL_KEY]);

const char *bank_session_id(const bank_session *s);
const char *bank_session_exam_id(const bank_session *s);
/* Number of participants and the i-th NIP / name (borrowed). */
size_t bank_session_size(const bank_session *s);
const char *bank_session_nip(const bank_session *s, size_t i);
const char *bank_session_name(const bank_session *s, size_t i);
/* Extra minutes the roster grants the i-th participant (0 = none, also
 * for an i out of range). */
int bank_session_extra_minutes(const bank_session *s, size_t i);
/* Attempt number the session holds for `nip`; -1 when not on the roster. */
int bank_session_attempt(const bank_session *s, const char *nip);
/* Checks a PIN in constant time against the stored verifier (a slow hash
 * keyed with the session's secret: the session must be unlocked, by the
 * token or the bank's data key, else BANK_ELOCKED). BANK_ENOTFOUND for an
 * unknown NIP, BANK_EROSTER for a wrong PIN. */
bank_err bank_session_check_pin(bank_session *s, const char *nip, const char *pin,
                                char *why);

/* A participant's PIN is BANK_PIN_MIN to BANK_PIN_MAX digits. One try of a
 * PIN verifier costs an scrypt of N = 2^13 (some 18-25 ms of one core, see
 * `make bench`): 10^10 PINs of 10 digits take years of one core to search
 * even for someone who holds the session's token. */
#define BANK_PIN_MIN 10
#define BANK_PIN_MAX 16
/* True when `pin` is BANK_PIN_MIN to BANK_PIN_MAX digits. */
bool bank_pin_valid(const char *pin);
/* Writes a random PIN of BANK_PIN_MIN digits (uniform) and a NUL.
 * BANK_ECRYPTO when no random numbers can be had. */
bank_err bank_pin_generate(char pin[BANK_PIN_MIN + 1]);
/* Reads a roster CSV with the header nip,name or nip,name,pin (or
 * nip,name,pin,extra_minutes, whose last column is carried through) and writes
 * into *out (malloc'd, *outlen bytes + NUL; caller wipes and frees) the
 * same roster as nip,name,pin[,extra_minutes] with a fresh bank_pin_generate() PIN for
 * every row without one; *made (may be NULL) counts them. A PIN given
 * that is not bank_pin_valid() is refused (BANK_EROSTER, its line named);
 * neither are NIPs checked here (bank_session_create does). */
bank_err bank_roster_pins(const char *csv, size_t len, char **out, size_t *outlen,
                          size_t *made, char *why);

/* True when `nip` is 18 digits whose embedded birth date and
 * appointment month are plausible. */
bool bank_nip_valid(const char *nip);

/* ------------------------------------------------------------------ */
/* Forms                                                               */

typedef struct bank_form bank_form;

/* The form of participant `nip` in the unlocked session `s`: drawn once,
 * jointly for the whole roster, by bank_session_create() and stored in
 * the session file sealed under its key; this opens and checks it (no
 * draw). BANK_ETAMPER when the stored form is missing or altered.
 * Caller frees with bank_form_free(). */
bank_form *bank_form_draw(bank_session *s, const char *nip, bank_err *err, char *why);
/* Every stored form; out[i] is the form of the i-th roster entry. Caller
 * frees each. */
bank_err bank_form_draw_all(bank_session *s, bank_form **out, char *why);
/* Version of the draw algorithm that made the session's forms. */
int bank_session_draw_version(const bank_session *s);
/* Audits the unlocked session: draws every form again with this build's
 * draw and compares them with the stored ones. BANK_EVERSION when the
 * session was drawn by another draw version (its stored forms are still
 * good), BANK_ETAMPER with the first NIP whose form differs. */
bank_err bank_session_audit(bank_session *s, char *why);
void bank_form_free(bank_form *f);

const char *bank_form_exam(const bank_form *f);
const char *bank_form_participant(const bank_form *f);
int bank_form_attempt(const bank_form *f);
size_t bank_form_size(const bank_form *f);
/* Item id, topic and option permutation of the i-th item as shown:
 * perm[k] is the original option index (0 = A) displayed in place k. */
const char *bank_form_item(const bank_form *f, size_t i, const char **topic,
                           const int **perm, int *noptions);

/* JSON of the form (the `bank draw --json` object). Caller frees. */
char *bank_form_json(const bank_form *f);
/* Parses a form JSON object. Caller frees with bank_form_free(). */
bank_form *bank_form_parse(const char *json, size_t len, bank_err *err, char *why);

/* Answers: original option letters per item id. */
typedef struct bank_answer {
    const char *item_id;
    const char *letters;  /* "" or NULL = unanswered */
} bank_answer;

/* Scores `f` with `answers` against the keys in the unlocked bank `b`
 * and the exam's policy. */
bank_err bank_form_score(bank *b, const bank_form *f, const bank_answer *answers,
                         size_t nanswers, bank_score *out, char *why);

#endif
