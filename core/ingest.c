/* ingest.c -- verifies signed results (signature, kiosk, session, form, score, attempts) and stores each once. */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "bank.h"
#include "ingest_int.h"
#include "hex.h"
#include "log.h"
#include "num.h"
#include "proto.h"
#include "text.h"
#include "why.h"

int core_kiosk_enrol(core_ctx *c, const char *pub, const char *name, int64_t now_ms, char *why)
{
    if (!hex_valid(pub, 64)) {
        why_set(why, "a kiosk key is 64 lower-case hex digits");
        return -1;
    }
    char shown[TEXT_ESCAPED(120)];
    int rc = store_kiosk_enrol(c->st, pub, name ? name : "", now_ms, why);
    if (!rc) core_log(CORE_LOG_INFO, "kiosk enrolled: kiosk=%s state=pending name=\"%s\"", pub,
                      text_escape(name, shown, sizeof shown));
    return rc;
}

/* Fills the outcome. */
static void set(ingest_outcome *o, int status, const char *code, const char *fmt, ...)
{
    o->status = status;
    snprintf(o->code, sizeof o->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->reason, sizeof o->reason, fmt, ap);
    va_end(ap);
}

/* Hex SHA-256 of the record. */
static void digest_hex(const char *data, size_t len, char out[65])
{
    unsigned char d[32];
    unsigned int n = 0;
    EVP_Digest(data, len, d, &n, EVP_sha256(), NULL);
    hex_encode(d, sizeof d, out);
}

/* The parts of a result record the checks need. */
typedef struct record {
    json_t *root;
    const char *bank, *session, *exam, *nip, *kiosk;
    int attempt;
    json_t *form, *answers, *score;
} record;

#define ATTEMPT_MAX 100000 /* the most attempts a form may number (as libbank's forms) */
#define SCORE_MAX 10000    /* a score in hundredths: 100 */
#define EXTENDED_MAX 100000 /* minutes the proctor may have added to one attempt, all told */

/* True when o[key] is a whole number within [lo, hi] (or absent, unless
 * required); otherwise sets the 400 naming `what` and returns false. */
static bool number_ok(json_t *obj, const char *key, long long lo, long long hi, bool required,
                      const char *what, ingest_outcome *o)
{
    json_t *v = json_object_get(obj, key);
    long long x;
    if ((!v && !required) || num_json(v, lo, hi, &x)) return true;
    set(o, 400, "malformed", "result record: %s must be a whole number from %lld to %lld", what,
        lo, hi);
    return false;
}

/* Every number of the record within its range: none is ever cut to fit. */
static bool record_numbers_ok(json_t *root, ingest_outcome *o)
{
    json_t *score = json_object_get(root, "score"), *room = json_object_get(root, "room"),
           *acc = json_object_get(root, "accommodations"), *a;
    size_t i;
    if (!number_ok(root, "attempt", 1, ATTEMPT_MAX, true, "attempt", o) ||
        !number_ok(score, "raw", 0, SCORE_MAX, true, "score.raw", o) ||
        !number_ok(score, "ceiling", 0, SCORE_MAX, true, "score.ceiling", o) ||
        !number_ok(score, "awarded", 0, SCORE_MAX, true, "score.awarded", o) ||
        !number_ok(root, "used_ms", 0, NUM_MAX, false, "used_ms", o) ||
        !number_ok(root, "down_ms", 0, NUM_MAX, false, "down_ms", o) ||
        !number_ok(root, "finished_ms", 0, NUM_MAX, false, "finished_ms", o) ||
        !number_ok(room, "extended_minutes", 0, EXTENDED_MAX, false, "room.extended_minutes", o) ||
        !number_ok(room, "held_ms", 0, NUM_MAX, false, "room.held_ms", o) ||
        !number_ok(acc, "extra_minutes", 0, BANK_EXTRA_MINUTES_MAX, false,
                   "accommodations.extra_minutes", o))
        return false;
    json_array_foreach(json_object_get(root, "answers"), i, a)
        if (!number_ok(a, "ms", -1, NUM_MAX, false, "an answer's ms", o)) return false;
    json_array_foreach(json_object_get(root, "incidents"), i, a)
        if (!number_ok(a, "at", 0, NUM_MAX, false, "an incident's at", o)) return false;
    return true;
}

static bool record_parse(record *r, const char *data, size_t len, ingest_outcome *o)
{
    json_error_t je;
    r->root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(r->root)) {
        set(o, 400, "malformed", "result is not a JSON object: %s", r->root ? "" : je.text);
        return false;
    }
    json_t *k = json_object_get(r->root, "kind"), *att = json_object_get(r->root, "attempt");
    r->bank = json_string_value(json_object_get(r->root, "bank"));
    r->session = json_string_value(json_object_get(r->root, "session"));
    r->exam = json_string_value(json_object_get(r->root, "exam"));
    r->nip = json_string_value(json_object_get(r->root, "participant"));
    r->kiosk = json_string_value(json_object_get(r->root, "kiosk"));
    r->form = json_object_get(r->root, "form");
    r->answers = json_object_get(r->root, "answers");
    r->score = json_object_get(r->root, "score");
    if (!json_is_string(k) || strcmp(json_string_value(k), "kisi-result") != 0 || !r->bank ||
        !r->session || !r->exam || !r->nip || !r->kiosk || !json_is_integer(att) ||
        !json_is_object(r->form) || !json_is_array(r->answers) || !json_is_object(r->score)) {
        set(o, 400, "malformed", "result record lacks a field or has a wrong type");
        return false;
    }
    if (!record_numbers_ok(r->root, o)) return false;
    r->attempt = (int)json_integer_value(att); /* 1..ATTEMPT_MAX */
    /* records of version 1 were once written without it */
    json_t *ver = json_object_get(r->root, "version");
    long long v = 1;
    if (ver && !num_json(ver, 1, NUM_MAX, &v)) {
        set(o, 400, "malformed", "result record version is not a positive integer");
        return false;
    }
    if (v > PROTO_RESULT_VERSION) {
        set(o, 422, "unsupported-version",
            "result record version %lld is newer than this core reads (%d): upgrade the core", v,
            PROTO_RESULT_VERSION);
        return false;
    }
    return true;
}

/* Compares the claimed scores with the re-scoring. */
static bool score_matches(json_t *claimed, const bank_score *sc)
{
    return json_integer_value(json_object_get(claimed, "raw")) == sc->raw &&
           json_integer_value(json_object_get(claimed, "ceiling")) == sc->ceiling &&
           json_integer_value(json_object_get(claimed, "awarded")) == sc->awarded &&
           json_is_boolean(json_object_get(claimed, "passed")) &&
           json_boolean_value(json_object_get(claimed, "passed")) == sc->passed;
}

/* True when the form object of a record is exactly the derived form f:
 * the same fields, items in the same order, the same option orders. */
static bool form_equals(const bank_form *f, const char *session, json_t *j)
{
    json_t *items = json_object_get(j, "items");
    const char *exam = json_string_value(json_object_get(j, "exam"));
    const char *sid = json_string_value(json_object_get(j, "session"));
    const char *nip = json_string_value(json_object_get(j, "participant"));
    json_t *att = json_object_get(j, "attempt");
    size_t n = bank_form_size(f);
    if (json_object_size(j) != 5 || !exam || !sid || !nip || !json_is_integer(att) ||
        strcmp(exam, bank_form_exam(f)) != 0 || strcmp(sid, session) != 0 ||
        strcmp(nip, bank_form_participant(f)) != 0 ||
        json_integer_value(att) != bank_form_attempt(f) || json_array_size(items) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        const char *topic;
        const int *perm;
        int nopt;
        const char *id = bank_form_item(f, i, &topic, &perm, &nopt);
        json_t *it = json_array_get(items, i), *opts = json_object_get(it, "options");
        const char *jid = json_string_value(json_object_get(it, "id"));
        const char *jtopic = json_string_value(json_object_get(it, "topic"));
        if (json_object_size(it) != 3 || !jid || !jtopic || strcmp(jid, id) != 0 ||
            strcmp(jtopic, topic) != 0 || json_array_size(opts) != (size_t)nopt)
            return false;
        for (int k = 0; k < nopt; k++) {
            const char *l = json_string_value(json_array_get(opts, (size_t)k));
            if (!l || l[0] != 'A' + perm[k] || l[1]) return false;
        }
    }
    return true;
}

/* Checks session, roster, form and score with the bank. Call locked. On
 * success fills sc, the exam kind and programme. */
static bool check_with_bank(core_ctx *c, record *r, bank_score *sc, char *kind, char *programme,
                            int *max_attempts, ingest_outcome *o)
{
    char why[WHY_SIZE] = "", bw[WHY_SIZE] = "";
    bool unknown = false;
    open_session *os = keep_session(c, r->session, &unknown, why);
    if (!os) {
        if (unknown) set(o, 404, "unknown-session", "session %.40s is not known", r->session);
        else set(o, 500, "server-error", "session %.40s: %s", r->session, why);
        return false;
    }
    if (strcmp(bank_id(os->b), r->bank) != 0 || strcmp(bank_exam_id(os->exam), r->exam) != 0) {
        set(o, 422, "form-mismatch", "bank or exam differs from the session's");
        return false;
    }
    int attempt = bank_session_attempt(os->s, r->nip);
    if (attempt < 0) {
        set(o, 403, "not-on-roster", "NIP %.18s is not on the roster of session %.12s", r->nip,
            r->session);
        return false;
    }
    if (attempt != r->attempt) {
        set(o, 409, "attempt-mismatch", "the session holds attempt %d for %s, not %d", attempt,
            r->nip, r->attempt);
        return false;
    }
    bank_err e = BANK_OK;
    bank_form *f = bank_form_draw(os->s, r->nip, &e, bw);
    if (!f) {
        set(o, 500, "server-error", "cannot read the stored form: %s", bw);
        return false;
    }
    if (!form_equals(f, r->session, r->form)) {
        bank_form_free(f);
        set(o, 422, "form-mismatch", "the form is not the one session %.12s stores for %s",
            r->session, r->nip);
        return false;
    }
    size_t n = json_array_size(r->answers), k = 0, i;
    bank_answer *ans = calloc(n ? n : 1, sizeof *ans);
    json_t *a;
    json_array_foreach(r->answers, i, a) {
        if (!ans) break;
        const char *id = json_string_value(json_object_get(a, "id"));
        const char *v = json_string_value(json_object_get(a, "v"));
        if (id && v && v[0]) {
            ans[k].item_id = id;
            ans[k++].letters = v;
        }
    }
    e = ans ? bank_form_score(os->b, f, ans, k, sc, bw) : BANK_ENOMEM;
    free(ans);
    bank_form_free(f);
    if (e) {
        set(o, 422, "malformed", "answers do not fit the form: %s", bw);
        return false;
    }
    if (!score_matches(r->score, sc)) {
        set(o, 422, "score-mismatch", "claimed score differs from the re-scoring (raw %d, awarded %d)",
            sc->raw, sc->awarded);
        return false;
    }
    snprintf(kind, 16, "%s", bank_exam_kind_name(bank_exam_kind_of(os->exam)));
    snprintf(programme, 65, "%s", bank_exam_programme(os->exam));
    *max_attempts = bank_exam_max_attempts(os->exam);
    return true;
}

/* The quiz gate of a competency test (the attempt limit is checked where
 * the result is stored). */
static bool check_quizzes(core_ctx *c, record *r, const char *kind, const char *programme,
                          ingest_outcome *o)
{
    char why[WHY_SIZE] = "";
    if (strcmp(kind, "competency") != 0 || !programme[0]) return true;
    char **ids = NULL, missing[128] = "";
    size_t n = 0;
    if (store_programme_quizzes(c->st, programme, &ids, &n, why) != 0) {
        set(o, 500, "server-error", "%s", why);
        return false;
    }
    int ok = n ? store_quizzes_passed(c->st, r->nip, (const char *const *)ids, n, missing,
                                      sizeof missing, why)
               : 1;
    for (size_t i = 0; i < n; i++) free(ids[i]);
    free(ids);
    if (ok < 0) set(o, 500, "server-error", "%s", why);
    else if (!ok)
        set(o, 409, "quizzes-not-passed", "%s has not passed quiz %s of programme %s", r->nip,
            missing, programme);
    return ok == 1;
}

/* Refuses a result beyond the exam's attempt limit. */
static void too_many(core_ctx *c, const record *r, int max, ingest_outcome *o)
{
    char why[WHY_SIZE] = "";
    int count = 0, highest = 0;
    if (store_attempts(c->st, r->exam, r->nip, &count, &highest, why) != 0) count = max;
    set(o, 409, "too-many-attempts", "%s has used %d of the %d attempts of %s", r->nip, count,
        max, r->exam);
}

int core_sig_parse(const char *text, size_t len, char *kiosk, char *sig)
{
    json_t *o = json_loadb(text, len, 0, NULL);
    const char *k = json_string_value(json_object_get(o, "kiosk"));
    const char *s = json_string_value(json_object_get(o, "sig"));
    int rc = k && s && strlen(k) == 64 && strlen(s) == 128 ? 0 : -1;
    if (!rc) {
        memcpy(kiosk, k, 65);
        memcpy(sig, s, 129);
    }
    json_decref(o);
    return rc;
}

/* Logs a refusal and records it, so that `core results` shows it, when it
 * came signed by its kiosk or names an enrolled kiosk: bytes anyone on
 * the network could send are logged, not kept. The record's fields are
 * read as far as it parses. */
static void note_refusal(core_ctx *c, record *r, const char *result, size_t len,
                         const char *pub, bool verified, const char *digest, int64_t now_ms,
                         const ingest_outcome *out)
{
    char why[WHY_SIZE] = "", state[16];
    bool key = hex_valid(pub, 64);
    bool keep = verified || (key && store_kiosk_state(c->st, pub, state, why) == 1);
    if (!r->root) {
        ingest_outcome ignored;
        record_parse(r, result, len, &ignored);
    }
    int attempt = 0; /* 0 when the record gives none in range */
    if (r->root && !num_json_int(json_object_get(r->root, "attempt"), 1, ATTEMPT_MAX, &attempt))
        attempt = 0;
    store_refusal f = {key ? pub : "", r->session, r->exam, r->nip, attempt, digest, out->code,
                       out->reason, now_ms};
    if (keep && store_refusal_put(c->st, &f, why) != 0)
        core_log(CORE_LOG_ERR, "refusal not recorded: %s", why);
    core_log(CORE_LOG_WARNING, "result refused: code=%s kiosk=%.16s session=%.32s exam=%.64s "
             "nip=%.18s attempt=%d reason=\"%s\"", out->code, key ? pub : "-",
             r->session ? r->session : "-", r->exam ? r->exam : "-", r->nip ? r->nip : "-",
             attempt, out->reason);
}

/* Keeps the result of a pending kiosk until the operator decides (r is
 * parsed and names its signer). */
static void wait_for_approval(core_ctx *c, const record *r, const char *result, size_t len,
                              const char *pub, const char *hex, const char *digest,
                              int64_t now_ms, ingest_outcome *out)
{
    char why[WHY_SIZE] = "", sigtext[256], *rec = strndup(result, len);
    snprintf(sigtext, sizeof sigtext, "{\"kiosk\":\"%s\",\"sig\":\"%s\"}", pub, hex);
    store_pending p = {pub, r->session, r->exam, r->nip, r->attempt, digest, rec, sigtext, now_ms};
    int rc = rec ? store_pending_put(c->st, &p, why) : -1;
    free(rec);
    if (rc) {
        set(out, 500, "server-error", "%s", why[0] ? why : "out of memory");
        return;
    }
    set(out, 202, "waiting", "kiosk %.16s is pending approval: the result waits at the core and "
        "is stored when the kiosk is approved", pub);
    core_log(CORE_LOG_INFO, "result waiting: kiosk=%.16s session=%.32s exam=%.64s nip=%.18s "
             "attempt=%d", pub, r->session, r->exam, r->nip, r->attempt);
}

/* core_ingest, and with `enrol` (the name of a kiosk never seen) a result
 * of a pending kiosk waits. */
static void ingest(core_ctx *c, const char *result, size_t len, const char *pub, const char *hex,
                   int64_t now_ms, const char *enrol, ingest_outcome *out)
{
    char why[WHY_SIZE] = "", state[16] = "", kind[16] = "", programme[65] = "", digest[65];
    record r = {0};
    bank_score sc;
    int max = 0;
    bool verified = false;
    digest_hex(result, len, digest);
    memcpy(out->digest, digest, sizeof out->digest);
    if (!pub || !hex) {
        set(out, 400, "malformed", "a result needs its kiosk key and signature");
        goto out;
    }
    bank_err e = bank_sig_verify(pub, result, len, hex);
    verified = e == BANK_OK;
    if (e) {
        set(out, e == BANK_EINVAL ? 400 : 401, e == BANK_EINVAL ? "malformed" : "bad-signature",
            "%s", e == BANK_EINVAL ? "signature or key is not hex of the right length"
                                   : "the signature does not match the result");
        goto out;
    }
    int known = store_kiosk_state(c->st, pub, state, why);
    if (known < 0) {
        set(out, 500, "server-error", "%s", why);
        goto out;
    }
    if (known == 0 && enrol) {
        if (core_kiosk_enrol(c, pub, enrol, now_ms, why) != 0) {
            set(out, 500, "server-error", "%s", why);
            goto out;
        }
        snprintf(state, sizeof state, "pending");
    } else if (known == 0) {
        set(out, 403, "unknown-kiosk", "kiosk %.16s is not enrolled", pub);
        goto out;
    }
    bool pending = strcmp(state, "pending") == 0;
    if (strcmp(state, "approved") != 0 && !(pending && enrol)) {
        set(out, 403, "kiosk-not-approved", "kiosk %.16s is %s", pub, state);
        goto out;
    }
    if (!record_parse(&r, result, len, out)) goto out;
    if (strcmp(r.kiosk, pub) != 0) {
        set(out, 400, "malformed", "the record names another kiosk than its signer");
        goto out;
    }
    if (pending) {
        wait_for_approval(c, &r, result, len, pub, hex, digest, now_ms, out);
        goto out;
    }
    pthread_mutex_lock(&c->mu);
    bool ok = check_with_bank(c, &r, &sc, kind, programme, &max, out);
    pthread_mutex_unlock(&c->mu);
    if (!ok || !check_quizzes(c, &r, kind, programme, out)) goto out;
    store_result sr = {r.session, r.exam, programme, kind, r.nip, r.attempt, sc.raw,
                       sc.awarded, sc.passed, digest, NULL, NULL, pub, now_ms, max};
    /* the .sig file as the kiosk wrote it: both parts are plain hex */
    char sigtext[256], *rec = strndup(result, len);
    snprintf(sigtext, sizeof sigtext, "{\"kiosk\":\"%s\",\"sig\":\"%s\"}", pub, hex);
    sr.json = rec;
    sr.sig = sigtext;
    int put = rec ? store_result_put(c->st, &sr, why) : -1;
    free(rec);
    if (put == STORE_NEW) set(out, 201, "stored", "stored attempt %d of %s for %s", r.attempt,
                              r.exam, r.nip);
    else if (put == STORE_SAME) set(out, 200, "duplicate", "already have it");
    else if (put == STORE_TOO_MANY) too_many(c, &r, max, out);
    else if (put == STORE_CONFLICT)
        set(out, 409, "conflict", "another result holds attempt %d of %s for %s; both kept, the "
            "attempt is disputed until the operator resolves it", r.attempt, r.exam, r.nip);
    else set(out, 500, "server-error", "%s", why[0] ? why : "out of memory");
    if (put == STORE_NEW || put == STORE_CONFLICT)
        core_log(put == STORE_NEW ? CORE_LOG_INFO : CORE_LOG_WARNING,
                 "result %s: kiosk=%.16s session=%.32s exam=%.64s nip=%.18s attempt=%d "
                 "awarded=%d", put == STORE_NEW ? "stored" : "disputed, kept as evidence", pub,
                 r.session, r.exam, r.nip, r.attempt, sc.awarded);
out:
    if (out->status >= 500)
        core_log(CORE_LOG_ERR, "result not stored: %s", out->reason);
    else if (out->status >= 400 && strcmp(out->code, "conflict") != 0) /* evidence is kept */
        note_refusal(c, &r, result, len, pub, verified, digest, now_ms, out);
    json_decref(r.root);
}

void core_ingest(core_ctx *c, const char *result, size_t len, const char *pub, const char *hex,
                 int64_t now_ms, ingest_outcome *out)
{
    ingest(c, result, len, pub, hex, now_ms, NULL, out);
}

void core_ingest_or_wait(core_ctx *c, const char *result, size_t len, const char *pub,
                         const char *hex, const char *name, int64_t now_ms, ingest_outcome *out)
{
    ingest(c, result, len, pub, hex, now_ms, name ? name : "", out);
}
