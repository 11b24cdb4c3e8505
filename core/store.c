/* store.c -- the storage interface: picks a backend by URL scheme, checks arguments, dispatches. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "store_int.h"
#include "hex.h"
#include "why.h"

/* Backends by URL prefix. SQLite's open gets the rest of the URL (the
 * path); PostgreSQL's the whole URL, scheme included: it is libpq's
 * connection string. */
static const struct {
    const char *prefix;
    bool whole;
    const struct store_ops *ops;
} STORE_BACKENDS[] = {
    {"sqlite:", false, &STORE_SQLITE_OPS},
    {"postgres://", true, &STORE_PG_OPS},
    {"postgresql://", true, &STORE_PG_OPS},
};

/* Caller closes with store_close(); NULL with why on error. */
store *store_open_ops(const struct store_ops *ops, const char *arg, char *why)
{
    /* a table that could not close what it opens is refused before it opens */
    if (!ops || !ops->open || !ops->close) {
        why_set(why, "store backend %s has no operations", ops && ops->name ? ops->name : "?");
        return NULL;
    }
    store *s = ops->open(arg, why);
    if (s) s->ops = ops;
    return s;
}

/* Caller closes with store_close(); NULL with why on error. */
store *store_open(const char *url, char *why)
{
    if (!url || !url[0]) {
        why_set(why, "no store URL given: use sqlite:PATH");
        return NULL;
    }
    for (size_t i = 0; i < sizeof STORE_BACKENDS / sizeof STORE_BACKENDS[0]; i++) {
        size_t n = strlen(STORE_BACKENDS[i].prefix);
        if (strncmp(url, STORE_BACKENDS[i].prefix, n) != 0) continue;
        return store_open_ops(STORE_BACKENDS[i].ops, STORE_BACKENDS[i].whole ? url : url + n, why);
    }
    /* name only the scheme: the rest of a URL may hold a password */
    size_t scheme = strcspn(url, ":");
    if (url[scheme] == ':')
        why_set(why, "unknown store URL scheme \"%.*s:\": use sqlite:PATH or postgres://...",
                  (int)(scheme < 32 ? scheme : 32), url);
    else
        why_set(why, "store URL has no scheme: use sqlite:PATH or postgres://...");
    return NULL;
}

/* Frees the backend's handle; no other thread may still use it. */
void store_close(store *s)
{
    if (s) s->ops->close(s);
}

/* The handle is open and the strings are given. */
#define STORE_CHECK(s, what, ...)                                                        \
    do {                                                                                 \
        if (!(s)) {                                                                      \
            why_set(why, "%s: the store is not open", what);                           \
            return -1;                                                                   \
        }                                                                                \
        const char *store_args_[] = {__VA_ARGS__};                                       \
        size_t store_n_ = sizeof store_args_ / sizeof store_args_[0];                    \
        for (size_t store_i_ = 0; store_i_ < store_n_; store_i_++)                       \
            if (!store_args_[store_i_]) {                                                \
                why_set(why, "%s: a required argument is missing", what);              \
                return -1;                                                               \
            }                                                                            \
    } while (0)

/* True when text parses as JSON. */
static bool store_is_json(const char *text, const char *what, char *why)
{
    json_error_t je;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &je);
    if (!j) {
        why_set(why, "%s is not JSON: %s (line %d)", what, je.text, je.line);
        return false;
    }
    json_decref(j);
    return true;
}

/* True for "pending", "approved", "revoked". */
static bool store_kiosk_state_ok(const char *state)
{
    return strcmp(state, "pending") == 0 || strcmp(state, "approved") == 0 ||
           strcmp(state, "revoked") == 0;
}

void store_blob_free(store_blob *b)
{
    if (!b) return;
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

/* hex SHA-256 of len bytes into out (65 bytes). */
static void store_digest(const void *data, size_t len, char *out)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data, len, d, &n, EVP_sha256(), NULL);
    hex_encode(d, n, out);
}

/* A file of len bytes the store can keep: not empty, not beyond STORE_FILE_MAX. */
static int store_file_ok(const void *data, size_t len, const char *what, char *why)
{
    if (!data || len == 0 || len > STORE_FILE_MAX) {
        why_set(why, "%s: %s", what, !data || !len ? "the file is empty" : "the file is too large");
        return -1;
    }
    return 0;
}

/* After a get that found a row: the bytes must be those recorded. 1, or -1
 * with why (blobs freed). */
static int store_file_check(int found, store_blob *file, const char *digest, const char *what,
                            const char *id, char *why)
{
    if (found != 1) {
        store_blob_free(file);
        return found;
    }
    char now[65];
    store_digest(file->data, file->len, now);
    if (strcmp(now, digest) == 0) return 1;
    why_set(why, "%s %.64s in the store is damaged (its bytes are not those recorded):"
                 " add it again", what, id);
    store_blob_free(file);
    return -1;
}

int store_bank_put(store *s, const char *bank_id, const void *bank, size_t bank_len,
                   const void *pass_box, size_t box_len, char *why)
{
    STORE_CHECK(s, "bank", bank_id);
    if (store_file_ok(bank, bank_len, "bank", why) ||
        store_file_ok(pass_box, box_len, "bank passphrase", why))
        return -1;
    char digest[65];
    store_digest(bank, bank_len, digest);
    return s->ops->bank_put(s, bank_id, bank, bank_len, digest, pass_box, box_len, why);
}

int store_bank_get(store *s, const char *bank_id, store_blob *bank, store_blob *pass_box,
                   char *why)
{
    STORE_CHECK(s, "bank", bank_id, bank && pass_box ? "" : NULL);
    *bank = *pass_box = (store_blob){0};
    char digest[65] = "";
    int rc = s->ops->bank_get(s, bank_id, bank, digest, pass_box, why);
    rc = store_file_check(rc, bank, digest, "bank", bank_id, why);
    if (rc != 1) store_blob_free(pass_box);
    return rc;
}

int store_session_put(store *s, const char *session_id, const char *bank_id,
                      const char *exam_id, const void *file, size_t len, char *why)
{
    STORE_CHECK(s, "session", session_id, bank_id, exam_id);
    if (strlen(bank_id) > 32 || strlen(exam_id) > 64) {
        why_set(why, "session: a bank id has at most 32 characters, an exam id 64");
        return -1;
    }
    if (store_file_ok(file, len, "session", why)) return -1;
    char digest[65];
    store_digest(file, len, digest);
    return s->ops->session_put(s, session_id, bank_id, exam_id, file, len, digest, why);
}

int store_session_get(store *s, const char *session_id, char *bank_id, char *exam_id,
                      store_blob *file, char *why)
{
    STORE_CHECK(s, "session", session_id, bank_id && exam_id && file ? "" : NULL);
    *file = (store_blob){0};
    char digest[65] = "";
    int rc = s->ops->session_get(s, session_id, bank_id, exam_id, file, digest, why);
    return store_file_check(rc, file, digest, "session", session_id, why);
}

int store_sessions_each(store *s, int (*fn)(const char *session_id, const char *exam_id, void *arg),
                        void *arg, char *why)
{
    STORE_CHECK(s, "sessions", fn ? "" : NULL);
    return s->ops->sessions_each(s, fn, arg, why);
}

int store_legacy_each(store *s, int (*fn)(const store_legacy *l, void *arg), void *arg,
                      char *why)
{
    STORE_CHECK(s, "files of an earlier core", fn ? "" : NULL);
    return s->ops->legacy_each(s, fn, arg, why);
}

int store_key_claim(store *s, const char *mine, char *recorded, char *why)
{
    STORE_CHECK(s, "core key", mine, recorded ? "" : NULL);
    if (!mine[0] || strlen(mine) > 64) {
        why_set(why, "core key: its identity is 1 to 64 characters");
        return -1;
    }
    recorded[0] = 0;
    return s->ops->key_claim(s, mine, recorded, why);
}

int store_exam_note(store *s, const char *exam_id, const char *kind, const char *programme,
                    char *why)
{
    STORE_CHECK(s, "exam", exam_id, kind, programme);
    return s->ops->exam_note(s, exam_id, kind, programme, why);
}

int store_kiosk_enrol(store *s, const char *pub, const char *name, int64_t now_ms, char *why)
{
    STORE_CHECK(s, "kiosk", pub);
    if (!hex_valid(pub, 64)) {
        why_set(why, "a kiosk key is 64 lower-case hex digits");
        return -1;
    }
    return s->ops->kiosk_enrol(s, pub, name ? name : "", now_ms, why);
}

int store_kiosk_expire(store *s, int64_t before_ms, int *forgotten, char *why)
{
    STORE_CHECK(s, "kiosks", forgotten ? "" : NULL);
    *forgotten = 0;
    return s->ops->kiosk_expire(s, before_ms, forgotten, why);
}

int store_kiosk_state(store *s, const char *pub, char *state, char *why)
{
    STORE_CHECK(s, "kiosk", pub);
    if (!state) {
        why_set(why, "kiosk: no room for the state");
        return -1;
    }
    return s->ops->kiosk_state(s, pub, state, why);
}

int store_kiosk_set(store *s, const char *prefix, const char *state, char *why)
{
    STORE_CHECK(s, "kiosk", prefix, state);
    if (!store_kiosk_state_ok(state)) {
        why_set(why, "kiosk state \"%.20s\" is not one of pending, approved, revoked", state);
        return -1;
    }
    char low[65];
    size_t n = strlen(prefix);
    bool hex = n >= 8 && n <= 64;
    for (size_t i = 0; hex && i < n; i++) {
        hex = isxdigit((unsigned char)prefix[i]);
        low[i] = (char)tolower((unsigned char)prefix[i]);
    }
    if (!hex) {
        why_set(why, "a kiosk is named by 8 to 64 hex digits of its key, not \"%.70s\"", prefix);
        return -1;
    }
    low[n] = 0;
    return s->ops->kiosk_set(s, low, state, why);
}

int store_kiosk_each(store *s, int (*fn)(const char *pub, const char *name, const char *state,
                                          int64_t enrolled_ms, void *arg),
                     void *arg, char *why)
{
    STORE_CHECK(s, "kiosks", fn ? "" : NULL);
    return s->ops->kiosk_each(s, fn, arg, why);
}

bool store_beyond_limit(const store_result *r, long long count, long long highest)
{
    return r->max_attempts > 0 &&
           (r->attempt > r->max_attempts || (r->attempt > highest && count >= r->max_attempts));
}

int store_result_put(store *s, const store_result *r, char *why)
{
    STORE_CHECK(s, "result", r ? "" : NULL);
    STORE_CHECK(s, "result", r->session_id, r->exam_id, r->nip, r->digest, r->json, r->sig,
                r->kiosk);
    if (r->attempt < 1 || !r->digest[0]) {
        why_set(why, "result: attempt %d or an empty digest is not storable", r->attempt);
        return -1;
    }
    store_result copy = *r;
    if (!copy.programme) copy.programme = "";
    if (!copy.exam_kind) copy.exam_kind = "";
    return s->ops->result_put(s, &copy, why);
}

int store_attempts(store *s, const char *exam_id, const char *nip, int *count, int *highest,
                   char *why)
{
    STORE_CHECK(s, "attempts", exam_id, nip, count ? "" : NULL, highest ? "" : NULL);
    *count = *highest = 0;
    return s->ops->attempts(s, exam_id, nip, count, highest, why);
}

int store_quizzes_passed(store *s, const char *nip, const char *const *quiz_ids, size_t n,
                         char *missing, size_t cap, char *why)
{
    STORE_CHECK(s, "quizzes", nip, n && !quiz_ids ? NULL : "");
    for (size_t i = 0; i < n; i++) STORE_CHECK(s, "quizzes", quiz_ids[i]);
    if (missing && cap) missing[0] = 0;
    return s->ops->quizzes_passed(s, nip, quiz_ids, n, missing, missing ? cap : 0, why);
}

int store_programme_quizzes(store *s, const char *programme, char ***ids, size_t *n, char *why)
{
    STORE_CHECK(s, "quizzes", programme, ids && n ? "" : NULL);
    *ids = NULL;
    *n = 0;
    return s->ops->programme_quizzes(s, programme, ids, n, why);
}

int store_history(store *s, const char *exam_id, int (*fn)(const char *form_json, void *arg),
                  void *arg, char *why)
{
    STORE_CHECK(s, "history", exam_id, fn ? "" : NULL);
    return s->ops->history(s, exam_id, fn, arg, why);
}

int store_results_of_session(store *s, const char *session_id,
                             int (*fn)(const store_result *r, void *arg), void *arg, char *why)
{
    STORE_CHECK(s, "results", session_id, fn ? "" : NULL);
    return s->ops->results_of_session(s, session_id, fn, arg, why);
}

int store_results_of_exam(store *s, const char *exam_id,
                          int (*fn)(const store_result *r, void *arg), void *arg, char *why)
{
    STORE_CHECK(s, "results", exam_id, fn ? "" : NULL);
    return s->ops->results_of_exam(s, exam_id, fn, arg, why);
}

int store_best(store *s, const char *exam_id, const char *nip, int *awarded, bool *passed,
               int *disputes, store_acc *acc, char *why)
{
    STORE_CHECK(s, "best score", exam_id, nip, awarded && passed ? "" : NULL);
    int none = 0;
    store_acc unused;
    return s->ops->best(s, exam_id, nip, awarded, passed, disputes ? disputes : &none,
                        acc ? acc : &unused, why);
}

int store_refusal_put(store *s, const store_refusal *r, char *why)
{
    STORE_CHECK(s, "refusal", r ? "" : NULL);
    STORE_CHECK(s, "refusal", r->digest, r->code, r->reason);
    store_refusal copy = *r;
    if (!copy.kiosk) copy.kiosk = "";
    if (!copy.session_id) copy.session_id = "";
    if (!copy.exam_id) copy.exam_id = "";
    if (!copy.nip) copy.nip = "";
    return s->ops->refusal_put(s, &copy, why);
}

int store_pending_put(store *s, const store_pending *p, char *why)
{
    STORE_CHECK(s, "waiting result", p ? "" : NULL);
    STORE_CHECK(s, "waiting result", p->kiosk, p->session_id, p->exam_id, p->nip, p->digest,
                p->json, p->sig);
    return s->ops->pending_put(s, p, why);
}

int store_pending_each(store *s, const char *kiosk,
                       int (*fn)(const store_pending *p, void *arg), void *arg, char *why)
{
    STORE_CHECK(s, "waiting results", kiosk, fn ? "" : NULL);
    return s->ops->pending_each(s, kiosk, fn, arg, why);
}

int store_pending_drop(store *s, const char *kiosk, const char *digest, char *why)
{
    STORE_CHECK(s, "waiting result", kiosk, digest);
    return s->ops->pending_drop(s, kiosk, digest, why);
}

int store_pending_refuse(store *s, const char *kiosk, const char *code, const char *reason,
                         int64_t now_ms, int *n, char *why)
{
    STORE_CHECK(s, "waiting results", kiosk, code, reason, n ? "" : NULL);
    *n = 0;
    return s->ops->pending_refuse(s, kiosk, code, reason, now_ms, n, why);
}

int store_uploads_each(store *s, const char *session_id,
                       int (*fn)(const store_upload *u, void *arg), void *arg, char *why)
{
    STORE_CHECK(s, "results", fn ? "" : NULL);
    return s->ops->uploads_each(s, session_id ? session_id : "", fn, arg, why);
}

int store_cohort_put(store *s, const char *cohort_id, const char *definition_json, char *why)
{
    STORE_CHECK(s, "cohort", cohort_id, definition_json);
    if (!cohort_id[0]) {
        why_set(why, "cohort: the id is empty");
        return -1;
    }
    if (!store_is_json(definition_json, "cohort definition", why)) return -1;
    return s->ops->cohort_put(s, cohort_id, definition_json, why);
}

int store_cohort_get(store *s, const char *cohort_id, char **definition_json, char *why)
{
    STORE_CHECK(s, "cohort", cohort_id, definition_json ? "" : NULL);
    *definition_json = NULL;
    return s->ops->cohort_get(s, cohort_id, definition_json, why);
}

int store_aspects_put(store *s, const char *cohort_id, const char *nip, const char *row_json,
                      char *why)
{
    STORE_CHECK(s, "aspects", cohort_id, nip, row_json);
    if (!store_is_json(row_json, "aspect row", why)) return -1;
    return s->ops->aspects_put(s, cohort_id, nip, row_json, why);
}

int store_aspects_each(store *s, const char *cohort_id,
                       int (*fn)(const char *nip, const char *row_json, void *arg), void *arg,
                       char *why)
{
    STORE_CHECK(s, "aspects", cohort_id, fn ? "" : NULL);
    return s->ops->aspects_each(s, cohort_id, fn, arg, why);
}

int store_recap_add(store *s, const char *cohort_id, const char *recap_json, int64_t now_ms,
                    int *run, char *why)
{
    STORE_CHECK(s, "recap", cohort_id, recap_json, run ? "" : NULL);
    if (!store_is_json(recap_json, "recap", why)) return -1;
    return s->ops->recap_add(s, cohort_id, recap_json, now_ms, run, why);
}

int store_recap_get(store *s, const char *cohort_id, int run, char **recap_json, int *run_out,
                    char *why)
{
    STORE_CHECK(s, "recap", cohort_id, recap_json ? "" : NULL);
    if (run < 0) {
        why_set(why, "recap run %d does not exist: runs are numbered from 1", run);
        return -1;
    }
    *recap_json = NULL;
    int dummy = 0;
    return s->ops->recap_get(s, cohort_id, run, recap_json, run_out ? run_out : &dummy, why);
}

/* A room text of at most max bytes (NULL: ""). */
static bool store_room_text_ok(const char *t, size_t max)
{
    return !t || strlen(t) <= max;
}

int store_room_write(store *s, const store_room_batch *b, char *why)
{
    STORE_CHECK(s, "room", b ? "" : NULL);
    for (size_t i = 0; i < b->nseats; i++) {
        const store_room_seat *x = &b->seats[i];
        STORE_CHECK(s, "room seat", x->kiosk, x->seat, x->session, x->state);
        if (!hex_valid(x->kiosk, 64) || !store_room_text_ok(x->seat, 64) ||
            !store_room_text_ok(x->session, 64))
            return why_set(why, "room seat: a kiosk key of 64 hex, a seat and a session of at"
                           " most 64 bytes");
    }
    for (size_t i = 0; i < b->ncmds; i++) {
        const store_room_cmd *x = &b->cmds[i];
        STORE_CHECK(s, "room command", x->kiosk, x->json ? x->kind : "");
        if (!hex_valid(x->kiosk, 64))
            return why_set(why, "room command: a kiosk key is 64 hex digits");
    }
    for (size_t i = 0; i < b->nlog; i++) {
        const store_room_entry *x = &b->log[i];
        STORE_CHECK(s, "room log", x->session, x->kiosk, x->seat, x->nip, x->kind, x->detail,
                    x->actor);
        if (!x->kind[0]) return why_set(why, "room log: an entry needs its kind");
    }
    if (!b->nseats && !b->ncmds && !b->nlog) return 0;
    return s->ops->room_write(s, b, why);
}

int store_room_load(store *s, int (*seat_fn)(const store_room_seat *seat, void *arg),
                    int (*cmd_fn)(const store_room_cmd *cmd, void *arg), void *arg, char *why)
{
    STORE_CHECK(s, "room", seat_fn && cmd_fn ? "" : NULL);
    return s->ops->room_load(s, seat_fn, cmd_fn, arg, why);
}

int store_room_log_each(store *s, const char *session, const char *kiosk, size_t last,
                        int (*fn)(const store_room_entry *e, void *arg), void *arg, char *why)
{
    STORE_CHECK(s, "room log", fn ? "" : NULL);
    if (!kiosk) kiosk = "";
    if (!session) session = "";
    if (!kiosk[0] && !session[0]) return why_set(why, "room log: name a kiosk or a session");
    return s->ops->room_log_each(s, session, kiosk, last, fn, arg, why);
}

int store_int_of(long long x, int lo, int hi, const char *what, int *out, char *why)
{
    if (x < lo || x > hi)
        return why_set(why, "the database holds %s %lld, outside %d..%d: it was changed or is "
                       "damaged", what, x, lo, hi);
    *out = (int)x;
    return 0;
}

/* True when id is 1..64 bytes with no control character: a session id, a NIP, a seat label. */
static bool store_lease_text(const char *id, size_t max)
{
    size_t n = strlen(id);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)id[i] < 0x20 || id[i] == 0x7f) return false;
    return n <= max;
}

int store_lease_take(store *s, const char *session_id, const char *nip, int attempt,
                     const char *kiosk, const char *seat, int64_t now_ms, store_lease *held,
                     char *why)
{
    STORE_CHECK(s, "lease", session_id, nip, kiosk, seat, held ? "" : NULL);
    memset(held, 0, sizeof *held);
    if (!*session_id || !*nip || !store_lease_text(session_id, 64) || !store_lease_text(nip, 64) ||
        strlen(kiosk) != 64 || !store_lease_text(seat, 32) || attempt < 1 ||
        attempt > STORE_ATTEMPT_MAX) {
        why_set(why, "lease: a session, a NIP, an attempt from 1, a kiosk key and a seat label");
        return -1;
    }
    return s->ops->lease_take(s, session_id, nip, attempt, kiosk, seat, now_ms, held, why);
}

int store_lease_get(store *s, const char *session_id, const char *nip, int attempt,
                    store_lease *held, char *why)
{
    STORE_CHECK(s, "lease", session_id, nip, held ? "" : NULL);
    memset(held, 0, sizeof *held);
    return s->ops->lease_get(s, session_id, nip, attempt, held, why);
}

int store_lease_drop(store *s, const char *session_id, const char *nip, int attempt, int *n,
                     char *why)
{
    STORE_CHECK(s, "lease", session_id, nip, n ? "" : NULL);
    *n = 0;
    if (attempt < -1 || attempt == 0) {
        why_set(why, "lease: an attempt from 1, or -1 for every attempt");
        return -1;
    }
    return s->ops->lease_drop(s, session_id, nip, attempt, n, why);
}

int store_lease_move(store *s, const char *session_id, const char *nip, const char *kiosk,
                     const char *seat, int64_t now_ms, int *n, char *why)
{
    STORE_CHECK(s, "lease", session_id, nip, kiosk, seat, n ? "" : NULL);
    *n = 0;
    if ((*kiosk && strlen(kiosk) != 64) || (!*kiosk && !*seat) || !store_lease_text(seat, 32)) {
        why_set(why, "lease: move it to a kiosk key or a seat label");
        return -1;
    }
    return s->ops->lease_move(s, session_id, nip, kiosk, seat, now_ms, n, why);
}

int store_session_opt_set(store *s, const char *session_id, const char *name, const char *value,
                          char *why)
{
    STORE_CHECK(s, "session option", session_id, name, value);
    return s->ops->session_opt_set(s, session_id, name, value, why);
}

int store_session_opt_get(store *s, const char *session_id, const char *name, char *value,
                          size_t cap, char *why)
{
    STORE_CHECK(s, "session option", session_id, name, value);
    if (cap) value[0] = 0;
    return s->ops->session_opt_get(s, session_id, name, value, cap, why);
}

int store_dispute_choice(const char *exam_id, const char *nip, int attempt, const char *prefix,
                         size_t disputes, size_t matches, char *why)
{
    if (disputes != 1)
        return why_set(why, "attempt %d of %s for %s is not disputed", attempt, exam_id, nip);
    if (matches == 0)
        return why_set(why, "no record of attempt %d of %s for %s starts with %s", attempt,
                       exam_id, nip, prefix);
    if (matches > 1)
        return why_set(why, "%zu records of the attempt start with %s: give more digits", matches,
                       prefix);
    return 0;
}

int store_dispute_each(store *s, const char *exam_id,
                       int (*fn)(const store_dispute *d, void *arg), void *arg, char *why)
{
    STORE_CHECK(s, "disputes", fn ? "" : NULL);
    return s->ops->dispute_each(s, exam_id ? exam_id : "", fn, arg, why);
}

int store_dispute_records(store *s, const char *exam_id, const char *nip, int attempt,
                          int (*fn)(const store_dispute_record *r, void *arg), void *arg,
                          char *why)
{
    STORE_CHECK(s, "disputed records", exam_id, nip, fn ? "" : NULL);
    return s->ops->dispute_records(s, exam_id, nip, attempt, fn, arg, why);
}

int store_dispute_resolve(store *s, const char *exam_id, const char *nip, int attempt,
                          const char *prefix, const char *by, const char *reason, int64_t now_ms,
                          char *kept, char *why)
{
    STORE_CHECK(s, "dispute", exam_id, nip, prefix, by, reason, kept);
    size_t n = strlen(prefix);
    bool hex = n >= 8 && n <= 64;
    for (size_t i = 0; hex && i < n; i++) hex = isxdigit((unsigned char)prefix[i]) && !isupper((unsigned char)prefix[i]);
    if (!hex) {
        why_set(why, "keep a record by 8 to 64 lower-case hex digits of its digest, not \"%.70s\"",
                prefix);
        return -1;
    }
    if (!*by || !*reason || !store_lease_text(by, 200) || !store_lease_text(reason, 200)) {
        why_set(why, "say who chooses and why: one line each, 1 to 200 bytes");
        return -1;
    }
    kept[0] = 0;
    return s->ops->dispute_resolve(s, exam_id, nip, attempt, prefix, by, reason, now_ms, kept,
                                   why);
}

int store_replica_put(store *s, const char *session_id, const char *attempt, const char *kiosk,
                      const char *prev, const jchain_event *ev, size_t n, int64_t now_ms,
                      int64_t *have, int64_t *at, char *why)
{
    STORE_CHECK(s, "replica", session_id, attempt, kiosk, prev, have ? "" : NULL,
                at ? "" : NULL, ev || !n ? "" : NULL);
    *have = *at = 0;
    for (size_t i = 0; i < n; i++)
        if (!ev[i].payload || ev[i].seq != ev[0].seq + (int64_t)i || ev[i].seq < 1) {
            why_set(why, "replica: events must follow one another from seq 1 on");
            return -1;
        }
    return s->ops->replica_put(s, session_id, attempt, kiosk, prev, ev, n, now_ms, have, at,
                               why);
}

int store_replica_get(store *s, const char *attempt, int64_t from, size_t max,
                      jchain_event **out, size_t *n, int64_t *have, char *kiosk, char *why)
{
    STORE_CHECK(s, "replica", attempt, out ? "" : NULL, n ? "" : NULL, have ? "" : NULL);
    *out = NULL;
    *n = 0;
    *have = 0;
    if (kiosk) kiosk[0] = 0;
    char dummy[65];
    return s->ops->replica_get(s, attempt, from < 1 ? 1 : from, max, out, n, have,
                               kiosk ? kiosk : dummy, why);
}

bool store_replica_differs(int64_t seq, const char *held, const char *prev,
                           const jchain_event *ev, size_t n)
{
    const char *want = seq == ev[0].seq - 1 ? prev
                       : seq >= ev[0].seq && seq - ev[0].seq < (int64_t)n ? ev[seq - ev[0].seq].hash
                                                                           : NULL;
    return !want || !held || strcmp(held, want) != 0;
}
