/* http.c -- the grading core's HTTP server: routes, body limit, JSON answers (libmicrohttpd). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netdb.h>
#include <poll.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <jansson.h>
#include <microhttpd.h>
#include <openssl/crypto.h>

#include "analysis.h"
#include "bank.h"
#include "cohort.h"
#include "enrol.h"
#include "gate.h"
#include "http.h"
#include "optries.h"
#include "hex.h"
#include "clk.h"
#include "kcode.h"
#include "lease.h"
#include "sbuf.h"
#include "text.h"
#include "proctor.h"
#include "proto.h"
#include "jstore.h"
#include "roomlog.h"
#include "seats.h"
#include "log.h"
#include "num.h"
#include "why.h"

struct http_server {
    struct MHD_Daemon *d;
    gate *g;                /* accepts for the daemon; owns the listening socket */
    optries *t;            /* failed operator-token tries */
    core_ctx *c;            /* borrowed */
    enrol_guard *enrol;     /* proof and limits of enrolment */
    seats *room;             /* the kiosks' last states and their commands */
    proctor *proctor;       /* the proctors' sign-ins */
    optries *pt;            /* failed proctor-code tries */
    jstore *journals;       /* the replica of the kiosks' journals */
    http_config cfg;        /* operator_token borrowed */
    char url[128];
};

/* Per-request state: made on the first callback, freed in on_done. */
typedef struct req {
    sbuf body;              /* bounded by body_max: `failed` when larger */
    bool answered;          /* a response was queued before the body was read */
} req;

/* The answer queued by the request this thread serves (one thread per
 * connection), for its log line. */
static _Thread_local struct {
    unsigned status;
    char code[32];
} answered;

/* Queues `len` bytes of `buf` (taken: freed by libmicrohttpd) with `type`
 * and, when hname is set, the header hname: hvalue (Allow for a 405,
 * WWW-Authenticate for a 401). */
static enum MHD_Result send_buf(struct MHD_Connection *conn, unsigned status, const char *type,
                                char *buf, size_t len, const char *hname, const char *hvalue)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, buf ? buf : (char *)"", buf ? MHD_RESPMEM_MUST_FREE
                                                                        : MHD_RESPMEM_PERSISTENT);
    if (!r) {
        free(buf);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (hname) MHD_add_response_header(r, hname, hvalue);
    enum MHD_Result rc = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    answered.status = status;
    return rc;
}

/* Queues the JSON text `text` (taken) and a newline: one JSON text a line. */
static enum MHD_Result send_line(struct MHD_Connection *conn, unsigned status, char *text,
                                 const char *hname, const char *hvalue)
{
    size_t n = text ? strlen(text) : 0;
    char *buf = text ? realloc(text, n + 2) : NULL;
    if (!buf) {
        free(text);
        return MHD_NO;
    }
    memcpy(buf + n, "\n", 2);
    return send_buf(conn, status, PROTO_TYPE_JSON, buf, n + 1, hname, hvalue);
}

/* Queues `o` (reference taken) as compact JSON, with the header hname:
 * hvalue when hname is set. */
static enum MHD_Result send_json_header(struct MHD_Connection *conn, unsigned status, json_t *o,
                                        const char *hname, const char *hvalue)
{
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return send_line(conn, status, text, hname, hvalue);
}

static enum MHD_Result send_json(struct MHD_Connection *conn, unsigned status, json_t *o)
{
    return send_json_header(conn, status, o, NULL, NULL);
}

/* Queues the refusal {"error": code, "reason": ...}. */
static enum MHD_Result send_error(struct MHD_Connection *conn, unsigned status, const char *code,
                                  const char *fmt, ...)
{
    char reason[WHY_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    snprintf(answered.code, sizeof answered.code, "%s", code);
    return send_json(conn, status, json_pack("{s:s, s:s}", "error", code, "reason", reason));
}

/* True when s is a plain id: 1..64 of [A-Za-z0-9._-], not starting with '.'. */
static bool is_id(const char *s)
{
    size_t n = 0;
    for (; s && s[n]; n++)
        if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
              (s[n] >= '0' && s[n] <= '9') || s[n] == '.' || s[n] == '_' || s[n] == '-'))
            return false;
    return n > 0 && n <= 64 && s[0] != '.';
}

static enum MHD_Result on_health(http_server *h, struct MHD_Connection *conn, const char *arg,
                                 const req *r)
{
    (void)h, (void)arg, (void)r;
    return send_json(conn, MHD_HTTP_OK, json_pack("{s:b}", "ok", 1));
}

/* GET /v1/challenge: what a kiosk signs to enrol, and the core's key it
 * signs it for (and pins). */
static enum MHD_Result on_challenge(http_server *h, struct MHD_Connection *conn, const char *arg,
                                    const req *r)
{
    (void)arg, (void)r;
    char ch[ENROL_CHALLENGE_SIZE];
    enrol_challenge(h->enrol, clk_wall_ms(), ch);
    return send_json(conn, MHD_HTTP_OK,
                     json_pack("{s:i, s:s, s:s}", "version", PROTO_ENROL_VERSION, "challenge", ch,
                               "core", core_signer_pub(core_ctx_signer(h->c))));
}

/* The client's address as text ("?" when unknown) into out. */
static void client_addr(struct MHD_Connection *conn, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    socklen_t n = !sa ? 0 : sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                       : sizeof(struct sockaddr_in);
    if (!sa || getnameinfo(sa, n, out, (socklen_t)cap, NULL, 0, NI_NUMERICHOST) != 0)
        snprintf(out, cap, "?");
}

/* POST /v1/kiosks: a signed enrolment request (enrol.h). Accepted, the
 * answer carries the kiosk's state, its approval code and the core's key. */
static enum MHD_Result on_kiosk_enrol(http_server *h, struct MHD_Connection *conn,
                                      const char *arg, const req *r)
{
    (void)arg;
    char addr[INET6_ADDRSTRLEN + 8], code[KCODE_SIZE] = "";
    enrol_answer a;
    client_addr(conn, addr, sizeof addr);
    enrol_request(h->enrol, r->body.p, r->body.len, addr, clk_wall_ms(), &a);
    if (a.status >= 300) return send_error(conn, (unsigned)a.status, a.code, "%s", a.reason);
    json_t *o = json_loadb(r->body.p, r->body.len, 0, NULL);
    kcode_of(json_string_value(json_object_get(o, "pub")), code);
    json_decref(o);
    return send_json(conn, (unsigned)a.status,
                     json_pack("{s:s, s:s, s:s}", "state", a.state, "approval", code, "core",
                               core_signer_pub(core_ctx_signer(h->c))));
}

static enum MHD_Result on_kiosk_state(http_server *h, struct MHD_Connection *conn,
                                      const char *pub, const req *r)
{
    (void)r;
    char why[WHY_SIZE] = "", state[16] = "";
    if (!hex_valid(pub, 64))
        return send_error(conn, MHD_HTTP_NOT_FOUND, "unknown-kiosk",
                          "a kiosk key is 64 lower-case hex digits");
    int known = store_kiosk_state(core_ctx_store(h->c), pub, state, why);
    if (known < 0)
        return send_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "server-error", "%s", why);
    if (known == 0)
        return send_error(conn, MHD_HTTP_NOT_FOUND, "unknown-kiosk", "kiosk %.16s is not enrolled",
                          pub);
    return send_json(conn, MHD_HTTP_OK, json_pack("{s:s}", "state", state));
}

static enum MHD_Result send_outcome(http_server *h, struct MHD_Connection *conn,
                                    const ingest_outcome *out, const char *kiosk, int64_t now);

/* POST /v1/results: the body is the result record exactly as signed; the
 * signature travels in two headers (the parts of the .sig file). */
static enum MHD_Result on_result(http_server *h, struct MHD_Connection *conn, const char *arg,
                                 const req *r)
{
    (void)arg;
    const char *kiosk = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, PROTO_HEADER_KIOSK);
    const char *sig = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, PROTO_HEADER_SIGNATURE);
    if (!kiosk || !sig)
        return send_error(conn, MHD_HTTP_BAD_REQUEST, "malformed",
                          "a result needs the headers " PROTO_HEADER_KIOSK " (the kiosk key) and "
                          PROTO_HEADER_SIGNATURE " (its signature of the body)");
    if (!r->body.len)
        return send_error(conn, MHD_HTTP_BAD_REQUEST, "malformed",
                          "the body must be the result record");
    ingest_outcome out;
    int64_t now = clk_wall_ms();
    core_ingest(h->c, r->body.p, r->body.len, kiosk, sig, now, &out);
    return send_outcome(h, conn, &out, kiosk, now);
}

/* The answer to an ingested result: code, reason and, stored or already
 * stored, the core's signed receipt of it. */
static enum MHD_Result send_outcome(http_server *h, struct MHD_Connection *conn,
                                    const ingest_outcome *out, const char *kiosk, int64_t now)
{
    snprintf(answered.code, sizeof answered.code, "%s", out->code);
    json_t *a = json_pack("{s:s, s:s}", "code", out->code, "reason", out->reason);
    if (a && out->status >= 400) json_object_set_new(a, "error", json_string(out->code));
    core_receipt rc;
    char why[WHY_SIZE], *text = NULL;
    /* stored, or already stored: the sender files it as sent on this receipt only */
    if (a && (out->status == 200 || out->status == 201) &&
        core_receipt_sign(core_ctx_signer(h->c), out->digest, kiosk,
                          out->status == 201 ? "stored" : "duplicate", now, &rc, why) == 0 &&
        (text = core_receipt_json(&rc)) != NULL)
        json_object_set_new(a, "receipt", json_loads(text, 0, NULL));
    free(text);
    return send_json(conn, (unsigned)out->status, a);
}

/* POST /v1/forward: a result a room core stored, forwarded as it was
 * uploaded there ({"version", "record", "kiosk", "sig", "name"}). It is
 * checked here again as a stick's is: a kiosk never seen here is enrolled
 * pending as "forwarded: NAME" and its results wait for the operator. */
static enum MHD_Result on_forward(http_server *h, struct MHD_Connection *conn, const char *arg,
                                  const req *r)
{
    (void)arg;
    json_t *o = json_loadb(r->body.p ? r->body.p : "", r->body.len, 0, NULL);
    json_t *rec = json_object_get(o, "record");
    json_t *v = json_object_get(o, "version");
    const char *kiosk = json_string_value(json_object_get(o, "kiosk"));
    const char *sig = json_string_value(json_object_get(o, "sig"));
    const char *name = json_string_value(json_object_get(o, "name"));
    enum MHD_Result rc;
    if (json_is_integer(v) && json_integer_value(v) > PROTO_FORWARD_VERSION)
        rc = send_error(conn, MHD_HTTP_BAD_REQUEST, "unsupported-version",
                        "forward version %lld is newer than this core reads (%d): upgrade it",
                        (long long)json_integer_value(v), PROTO_FORWARD_VERSION);
    else if (!json_is_integer(v) || json_integer_value(v) != PROTO_FORWARD_VERSION ||
             !json_is_string(rec) || !json_string_length(rec) || !hex_valid(kiosk, 64) ||
             !hex_valid(sig, 128))
        rc = send_error(conn, MHD_HTTP_BAD_REQUEST, "malformed",
                        "a forwarded result is {\"version\": %d, \"record\", \"kiosk\": 64 hex, "
                        "\"sig\": 128 hex, \"name\"}", PROTO_FORWARD_VERSION);
    else {
        char signer[128], addr[INET6_ADDRSTRLEN + 8];
        snprintf(signer, sizeof signer, "forwarded: %s",
                 name && text_name_ok(name, 64) ? name : "");
        int64_t now = clk_wall_ms();
        /* a key never seen here, proven by its signature of the record, is
         * admitted within the enrolment's limits before its result waits */
        enrol_answer ea = {.status = 200};
        client_addr(conn, addr, sizeof addr);
        if (bank_sig_verify(kiosk, json_string_value(rec), json_string_length(rec), sig) == BANK_OK)
            enrol_admit(h->enrol, kiosk, signer, addr, now, &ea);
        ingest_outcome out;
        if (ea.status >= 300) {
            rc = send_error(conn, (unsigned)ea.status, ea.code, "%s", ea.reason);
        } else {
            core_ingest_or_wait(h->c, json_string_value(rec), json_string_length(rec), kiosk,
                                sig, signer, now, &out);
            rc = send_outcome(h, conn, &out, kiosk, now);
        }
    }
    json_decref(o);
    return rc;
}

/* Adds one held session to the array at arg: its id, bank and exam, and the
 * SHA-256 of its file and of its bank's (a kiosk holding those bytes
 * already need not fetch them again). */
static int offer_one(const store_held *x, void *arg)
{
    return json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:s, s:s}", "session",
                                                x->session_id, "bank", x->bank_id, "exam",
                                                x->exam_id, "session_sha256", x->session_digest,
                                                "bank_sha256", x->bank_digest));
}

/* GET /v1/room/offer: the sessions this core holds, which a kiosk started
 * with no --bank and --session fetches (their files are sealed and locked:
 * the authority's key checks the bank, the token opens the session). */
static enum MHD_Result on_room_offer(http_server *h, struct MHD_Connection *conn,
                                     const char *arg, const req *r)
{
    (void)arg, (void)r;
    char why[WHY_SIZE] = "out of memory";
    json_t *list = json_array();
    if (!list || store_session_each(core_ctx_store(h->c), offer_one, list, why) != 0) {
        json_decref(list);
        return send_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "server-error", "%s", why);
    }
    return send_json(conn, MHD_HTTP_OK, json_pack("{s:i, s:o}", "version", PROTO_OFFER_VERSION,
                                                  "sessions", list));
}

/* Stops the walk (1) at the held session whose bank id is arg. */
static int uses_bank(const store_held *x, void *arg)
{
    return strcmp(x->bank_id, arg) == 0;
}

/* GET /v1/room/bank/<id> and /v1/room/session/<id>: the file's bytes as
 * the store keeps them (a bank only when a held session uses it; never its
 * sealed passphrase). */
static enum MHD_Result send_file(http_server *h, struct MHD_Connection *conn, const char *id,
                                 bool is_bank)
{
    char why[WHY_SIZE] = "", bid[33], exam[65];
    store *st = core_ctx_store(h->c);
    store_blob file = {0}, box = {0};
    int found = !hex_valid(id, 32) ? 0
                : is_bank ? (store_session_each(st, uses_bank, (void *)id, why) == 1
                              ? store_bank_get(st, id, &file, &box, why) : 0)
                       : store_session_get(st, id, bid, exam, &file, why);
    store_blob_free(&box);
    if (found < 0) return send_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "server-error", "%s", why);
    if (found == 0)
        return send_error(conn, MHD_HTTP_NOT_FOUND, "not-found", "this core offers no %s %.40s",
                          is_bank ? "bank" : "session", id);
    answered.code[0] = 0;
    return send_buf(conn, MHD_HTTP_OK, "application/octet-stream", (char *)file.data, file.len,
                    NULL, NULL);
}

static enum MHD_Result on_room_bank(http_server *h, struct MHD_Connection *conn, const char *id,
                                    const req *r)
{
    (void)r;
    return send_file(h, conn, id, true);
}

static enum MHD_Result on_room_session(http_server *h, struct MHD_Connection *conn,
                                       const char *id, const req *r)
{
    (void)r;
    return send_file(h, conn, id, false);
}

/* POST /v1/room/state: a kiosk's state, signed as a result is (two
 * headers); the answer carries the commands waiting for it. */
static enum MHD_Result on_room_state(http_server *h, struct MHD_Connection *conn,
                                     const char *arg, const req *r)
{
    (void)arg;
    seats_answer a;
    seats_state(h->room, r->body.p, r->body.len,
               MHD_lookup_connection_value(conn, MHD_HEADER_KIND, PROTO_HEADER_KIOSK),
               MHD_lookup_connection_value(conn, MHD_HEADER_KIND, PROTO_HEADER_SIGNATURE),
               clk_wall_ms(), &a);
    if (a.status == 409) {  /* the kiosk goes on above the last state taken (its clock went back) */
        snprintf(answered.code, sizeof answered.code, "%s", a.code);
        return send_json(conn, MHD_HTTP_CONFLICT,
                         json_pack("{s:s, s:s, s:I}", "error", a.code, "reason", a.reason, "last",
                                   (json_int_t)a.last));
    }
    if (a.status != 200) return send_error(conn, (unsigned)a.status, a.code, "%s", a.reason);
    snprintf(answered.code, sizeof answered.code, "%s", a.code);
    return send_buf(conn, MHD_HTTP_OK, PROTO_TYPE_JSON, a.json, strlen(a.json), NULL, NULL);
}

/* POST /v1/room/lease: a kiosk asks for the lease of an attempt, signed as
 * a state is (two headers); the answer, granted or refused, is signed by
 * the core's key (lease.h). */
static enum MHD_Result on_room_lease(http_server *h, struct MHD_Connection *conn,
                                     const char *arg, const req *r)
{
    (void)arg;
    lease_answer a;
    lease_request(core_ctx_store(h->c), core_ctx_signer(h->c), r->body.p, r->body.len,
                  MHD_lookup_connection_value(conn, MHD_HEADER_KIND, PROTO_HEADER_KIOSK),
                  MHD_lookup_connection_value(conn, MHD_HEADER_KIND, PROTO_HEADER_SIGNATURE),
                  clk_wall_ms(), jstore_lease_count, core_ctx_store(h->c), &a);
    if (a.status != 200) return send_error(conn, (unsigned)a.status, a.code, "%s", a.reason);
    snprintf(answered.code, sizeof answered.code, "%s", a.code);
    return send_line(conn, MHD_HTTP_OK, a.json, NULL, NULL);
}

/* Takes a journal push or fetch with `fn` (jstore.h), signed as a state
 * is (two headers), and answers it. */
static enum MHD_Result send_jstore(http_server *h, struct MHD_Connection *conn, const req *r,
                                   void (*fn)(jstore *, const char *, size_t, const char *,
                                              const char *, int64_t, jstore_answer *))
{
    jstore_answer a;
    fn(h->journals, r->body.p, r->body.len,
       MHD_lookup_connection_value(conn, MHD_HEADER_KIND, PROTO_HEADER_KIOSK),
       MHD_lookup_connection_value(conn, MHD_HEADER_KIND, PROTO_HEADER_SIGNATURE),
       clk_wall_ms(), &a);
    snprintf(answered.code, sizeof answered.code, "%s", a.code);
    if (a.json) return send_line(conn, (unsigned)a.status, a.json, NULL, NULL);
    return send_error(conn, (unsigned)a.status, a.code, "%s", a.reason);
}

/* POST /v1/room/journal: a kiosk's journal events, for the core's replica. */
static enum MHD_Result on_room_journal(http_server *h, struct MHD_Connection *conn,
                                       const char *arg, const req *r)
{
    (void)arg;
    return send_jstore(h, conn, r, jstore_push);
}

/* POST /v1/room/journal/fetch: an attempt's replica, for the kiosk holding it. */
static enum MHD_Result on_room_journal_fetch(http_server *h, struct MHD_Connection *conn,
                                             const char *arg, const req *r)
{
    (void)arg;
    return send_jstore(h, conn, r, jstore_fetch);
}

/* GET /v1/room (operator): every seat's last state and when it came. */
static enum MHD_Result on_room(http_server *h, struct MHD_Connection *conn, const char *arg,
                               const req *r)
{
    (void)arg;
    (void)r;
    char *json = seats_json(h->room, clk_wall_ms());
    if (!json) return send_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "server-error",
                                 "out of memory");
    return send_buf(conn, MHD_HTTP_OK, PROTO_TYPE_JSON, json, strlen(json), NULL, NULL);
}

/* POST /v1/room/message (operator): {"seat": LABEL or "kiosk": KEY, "text"}
 * queues a message command for that kiosk. */
static enum MHD_Result on_room_message(http_server *h, struct MHD_Connection *conn,
                                       const char *arg, const req *r)
{
    (void)arg;
    char why[WHY_SIZE] = "";
    int status = 400;
    json_t *o = json_loadb(r->body.p ? r->body.p : "", r->body.len, 0, NULL);
    const char *who = json_string_value(json_object_get(o, "seat"));
    if (!who) who = json_string_value(json_object_get(o, "kiosk"));
    int rc = seats_message(h->room, who, json_string_value(json_object_get(o, "text")),
                          clk_wall_ms(), &status, why);
    json_decref(o);
    if (rc) return send_error(conn, (unsigned)status,
                              status == 404 ? "unknown-seat" : status == 409 ? "queue-full"
                              : status == 500 ? "server-error" : "malformed", "%s", why);
    return send_json(conn, (unsigned)status, json_pack("{s:s}", "code", "queued"));
}

/* ---- the proctor's routes (cookie) ---- */

/* Queues 429 too-many-tries with Retry-After: wait seconds. */
static enum MHD_Result send_wait(struct MHD_Connection *conn, unsigned wait, const char *what)
{
    char secs[16], reason[WHY_SIZE];
    snprintf(secs, sizeof secs, "%u", wait);
    snprintf(reason, sizeof reason, "too many wrong %s: try again in %u s", what, wait);
    snprintf(answered.code, sizeof answered.code, "%s", "too-many-tries");
    return send_json_header(conn, MHD_HTTP_TOO_MANY_REQUESTS,
                            json_pack("{s:s, s:s}", "error", "too-many-tries", "reason", reason),
                            MHD_HTTP_HEADER_RETRY_AFTER, secs);
}

/* The sign-in cookie of the request, or NULL. */
static const char *proctor_cookie(struct MHD_Connection *conn)
{
    return MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, PROTO_PROCTOR_COOKIE);
}

/* True when the request carries a live proctor's cookie (who filled);
 * otherwise queues 401 not-signed-in into *rc. */
static bool proctor_ok(http_server *h, struct MHD_Connection *conn, proctor_who *who,
                       enum MHD_Result *rc)
{
    if (proctor_check(h->proctor, proctor_cookie(conn), clk_wall_ms(), who)) return true;
    *rc = send_error(conn, MHD_HTTP_UNAUTHORIZED, "not-signed-in",
                     "sign in with the session's proctor code: POST /v1/proctor/login");
    return false;
}

/* POST /v1/proctor/login {"code", "session"?}: the proctor code of a
 * session the core holds opens a cookie; wrong codes are throttled per
 * address as the operator's token is. */
static enum MHD_Result on_proctor_login(http_server *h, struct MHD_Connection *conn,
                                        const char *arg, const req *r)
{
    (void)arg;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    unsigned wait = optries_wait(h->pt, sa, clk_mono_ms());
    if (wait) return send_wait(conn, wait, "proctor codes");
    json_t *o = json_loadb(r->body.p ? r->body.p : "", r->body.len, 0, NULL);
    const char *code = json_string_value(json_object_get(o, "code")),
               *session = json_string_value(json_object_get(o, "session"));
    if (!code) {
        json_decref(o);
        return send_error(conn, MHD_HTTP_BAD_REQUEST, "malformed",
                          "sign in with {\"code\": \"XXXX-XXXX-XXXX\"}");
    }
    char cookie[65] = "", why[WHY_SIZE] = "";
    proctor_who who;
    int64_t now = clk_wall_ms();
    size_t len = json_string_length(json_object_get(o, "code"));
    int ok = proctor_login(h->proctor, code, len, session, now, cookie, &who, why);
    /* the code is a secret: wiped from the parsed body (the request's own
     * body is a secret sbuf, wiped when freed) */
    OPENSSL_cleanse((char *)code, len);
    json_decref(o);
    if (ok < 0) return send_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "server-error", "%s", why);
    if (!ok) {
        wait = optries_failed(h->pt, sa, clk_mono_ms());
        if (wait) {
            core_log(CORE_LOG_WARNING, "proctor code: tries from this address wait %u s after "
                     "too many wrong ones", wait);
            return send_wait(conn, wait, "proctor codes");
        }
        return send_error(conn, MHD_HTTP_UNAUTHORIZED, "wrong-code",
                          "this proctor code opens no session of this core");
    }
    optries_passed(h->pt, sa);
    char set[200];
    snprintf(set, sizeof set, PROTO_PROCTOR_COOKIE "=%s; HttpOnly; SameSite=Strict; Path=/; "
             "Max-Age=%lld", cookie, PROCTOR_COOKIE_MS / 1000);
    OPENSSL_cleanse(cookie, sizeof cookie);
    enum MHD_Result rc = send_json_header(
        conn, MHD_HTTP_OK,
        json_pack("{s:s, s:s, s:I}", "session", who.session, "exam", who.exam, "expires",
                  (json_int_t)who.expires_ms),
        MHD_HTTP_HEADER_SET_COOKIE, set);
    OPENSSL_cleanse(set, sizeof set);
    return rc;
}

/* POST /v1/proctor/logout: the cookie is forgotten, and cleared in the browser. */
static enum MHD_Result on_proctor_logout(http_server *h, struct MHD_Connection *conn,
                                         const char *arg, const req *r)
{
    (void)arg, (void)r;
    proctor_logout(h->proctor, proctor_cookie(conn));
    return send_json_header(conn, MHD_HTTP_OK, json_pack("{s:s}", "code", "signed-out"),
                            MHD_HTTP_HEADER_SET_COOKIE,
                            PROTO_PROCTOR_COOKIE "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
}

/* GET /v1/proctor/room: the seats of the proctor's session. */
static enum MHD_Result on_proctor_room(http_server *h, struct MHD_Connection *conn,
                                       const char *arg, const req *r)
{
    (void)arg, (void)r;
    proctor_who who;
    enum MHD_Result rc = MHD_NO;
    if (!proctor_ok(h, conn, &who, &rc)) return rc;
    char *json = proctor_room_json(h->proctor, &who, clk_wall_ms());
    if (!json) return send_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "server-error",
                                 "the room cannot be read now");
    return send_buf(conn, MHD_HTTP_OK, PROTO_TYPE_JSON, json, strlen(json), "Cache-Control",
                    "no-store");
}

/* What a stream's connection holds: the stream and the gate's slot, whose
 * deadline each write moves on. */
typedef struct stream_conn {
    http_server *h;
    gate_slot *slot;
    int fd;                 /* the connection's socket, -1 unknown */
    proctor_stream *s;
} stream_conn;

/* False once the browser of a stream has closed its end. */
static bool stream_alive(void *arg)
{
    stream_conn *sc = arg;
    struct pollfd pf = {.fd = sc->fd, .events = POLLIN};
    char c;
    if (sc->fd < 0 || poll(&pf, 1, 0) <= 0) return true;
    if (pf.revents & (POLLHUP | POLLERR)) return false;
    /* readable: the end of the stream (0), or a request sent ahead */
    return recv(sc->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) != 0;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    stream_conn *sc = cls;
    size_t n = proctor_stream_read(sc->s, buf, max);
    if (!n) return MHD_CONTENT_READER_END_OF_STREAM;
    gate_answered(sc->h->g, sc->slot);
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    stream_conn *sc = cls;
    proctor_stream_end(sc->s);
    free(sc);
}

/* GET /v1/proctor/stream: text/event-stream, "event: room" and the room's
 * JSON on every change (at most 4 a second), a comment when quiet; ends when
 * the core stops or the sign-in ends. */
static enum MHD_Result on_proctor_stream(http_server *h, struct MHD_Connection *conn,
                                         const char *arg, const req *r)
{
    (void)arg, (void)r;
    proctor_who who;
    enum MHD_Result rc = MHD_NO;
    if (!proctor_ok(h, conn, &who, &rc)) return rc;
    stream_conn *sc = calloc(1, sizeof *sc);
    const union MHD_ConnectionInfo *fi =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (sc) {
        sc->fd = fi ? fi->connect_fd : -1;
        /* a comment well within the deadlines of a quiet connection */
        unsigned secs = h->cfg.request_secs < h->cfg.idle_secs ? h->cfg.request_secs
                                                               : h->cfg.idle_secs;
        sc->s = proctor_stream_begin(h->proctor, proctor_cookie(conn), &who,
                                     (int64_t)secs * 1000 / 2, stream_alive, sc);
    }
    if (!sc || !sc->s) {
        free(sc);
        return send_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "too-many-streams",
                          "%d live streams already: poll GET /v1/proctor/room",
                          PROCTOR_STREAMS_MAX);
    }
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    sc->h = h;
    sc->slot = ci ? ci->socket_context : NULL;
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, sc, stream_free);
    if (!resp) {
        stream_free(sc);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    rc = MHD_queue_response(conn, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    answered.status = MHD_HTTP_OK;
    return rc;
}

/* GET /v1/proctor/seat?kiosk=K: the events of one seat of the proctor's session. */
static enum MHD_Result on_proctor_seat(http_server *h, struct MHD_Connection *conn,
                                       const char *arg, const req *r)
{
    (void)arg, (void)r;
    proctor_who who;
    enum MHD_Result rc = MHD_NO;
    if (!proctor_ok(h, conn, &who, &rc)) return rc;
    const char *kiosk = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "kiosk");
    seats_who w;
    char why[WHY_SIZE] = "";
    if (!kiosk || !hex_valid(kiosk, 64) || !seats_lookup(h->room, kiosk, who.session, &w))
        return send_error(conn, MHD_HTTP_NOT_FOUND, "unknown-seat",
                          "no such kiosk in the room: ?kiosk=<64 hex>");
    if (strcmp(w.session, who.session) != 0)
        return send_error(conn, MHD_HTTP_FORBIDDEN, "other-session",
                          "that seat belongs to another session");
    /* the room log's events of the seat, both clocks, kept over a restart */
    char *json = roomlog_seat(seats_roomlog(h->room), who.session, kiosk, why);
    if (!json) return send_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "server-error", "%s", why);
    return send_buf(conn, MHD_HTTP_OK, PROTO_TYPE_JSON, json, strlen(json), "Cache-Control",
                    "no-store");
}

/* POST /v1/proctor/action: a command for one seat or all seats of the session. */
static enum MHD_Result on_proctor_action(http_server *h, struct MHD_Connection *conn,
                                         const char *arg, const req *r)
{
    (void)arg;
    proctor_who who;
    enum MHD_Result rc = MHD_NO;
    if (!proctor_ok(h, conn, &who, &rc)) return rc;
    int status = 400;
    char code[32] = "", why[WHY_SIZE] = "";
    int n = proctor_action(h->proctor, &who, r->body.p, r->body.len, clk_wall_ms(), &status,
                           code, why);
    if (n < 0) return send_error(conn, (unsigned)status, code, "%s", why);
    return send_json(conn, MHD_HTTP_ACCEPTED, json_pack("{s:s, s:i}", "code", "queued",
                                                        "queued", n));
}

/* GET /v1/proctor/report: the sitting report (berita acara). */
static enum MHD_Result on_proctor_report(http_server *h, struct MHD_Connection *conn,
                                         const char *arg, const req *r)
{
    (void)arg, (void)r;
    proctor_who who;
    enum MHD_Result rc = MHD_NO;
    if (!proctor_ok(h, conn, &who, &rc)) return rc;
    char why[WHY_SIZE] = "";
    char *json = roomlog_report(seats_roomlog(h->room), h->c, who.session, why);
    if (!json) return send_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "server-error", "%s", why);
    return send_buf(conn, MHD_HTTP_OK, PROTO_TYPE_JSON, json, strlen(json), "Cache-Control",
                    "no-store");
}

/* Appends one history line (a form's JSON) to the sbuf at arg. */
static int add_form(const char *form_json, void *arg)
{
    sbuf *t = arg;
    return sbuf_puts(t, form_json) && sbuf_add(t, "\n", 1) ? 0 : -1;
}

/* The ?exam=ID of the request, or NULL after queueing a 400 in *rc. */
static const char *exam_arg(struct MHD_Connection *conn, enum MHD_Result *rc)
{
    const char *exam = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "exam");
    if (is_id(exam)) return exam;
    *rc = send_error(conn, MHD_HTTP_BAD_REQUEST, "malformed",
                     "give the exam as ?exam=ID (letters, digits, '.', '_', '-')");
    return NULL;
}

static enum MHD_Result on_history(http_server *h, struct MHD_Connection *conn, const char *arg,
                                  const req *r)
{
    (void)arg, (void)r;
    enum MHD_Result rc = MHD_NO;
    const char *exam = exam_arg(conn, &rc);
    if (!exam) return rc;
    sbuf t = {0};
    char why[WHY_SIZE] = "out of memory";
    if (store_history(core_ctx_store(h->c), exam, add_form, &t, why) != 0 || t.failed) {
        sbuf_free(&t);
        return send_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "server-error", "%s", why);
    }
    return send_buf(conn, MHD_HTTP_OK, PROTO_TYPE_TEXT, t.p, t.len, NULL, NULL);
}

/* The recap computed now (a preview: nothing is stored by a GET), or with
 * ?run=N a recorded run. */
static enum MHD_Result on_recap(http_server *h, struct MHD_Connection *conn, const char *cohort,
                                const req *r)
{
    (void)r;
    if (!is_id(cohort))
        return send_error(conn, MHD_HTTP_NOT_FOUND, "unknown-cohort", "no such cohort");
    const char *runs = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "run");
    int run = 0;
    if (runs && !num_text_int(runs, 1, 1000000, &run))
        return send_error(conn, MHD_HTTP_BAD_REQUEST, "malformed",
                          "give a recorded run as ?run=N (N from 1), or no run for a preview");
    cohort_err e = {500, "server-error", "the recap failed"};
    store *st = core_ctx_store(h->c);
    char *json = runs ? cohort_recap_run(st, cohort, run, &e) : cohort_recap_preview(st, cohort, &e);
    if (!json) return send_error(conn, (unsigned)e.status, e.code, "%s", e.why);
    return send_line(conn, MHD_HTTP_OK, json, NULL, NULL);
}

/* The item analysis of ?exam=ID from the stored results. */
static enum MHD_Result on_stats(http_server *h, struct MHD_Connection *conn, const char *arg,
                                const req *r)
{
    (void)arg, (void)r;
    enum MHD_Result rc = MHD_NO;
    const char *exam = exam_arg(conn, &rc);
    if (!exam) return rc;
    char why[WHY_SIZE] = "";
    bool none = false;
    int left = 0;
    itemstat *s = analysis_of_exam(h->c, exam, &none, &left, why);
    if (!s)
        return none ? send_error(conn, MHD_HTTP_NOT_FOUND, "no-results", "%s", why)
                    : send_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "server-error", "%s", why);
    char *json = itemstat_json(s, false);
    itemstat_free(s);
    return json ? send_line(conn, MHD_HTTP_OK, json, NULL, NULL) : MHD_NO;
}

/* GET /web/NAME: a file of the web folder, by a plain name with a known
 * extension; the page fetches its data from the JSON routes. */
static enum MHD_Result on_web(http_server *h, struct MHD_Connection *conn, const char *name,
                              const req *r)
{
    (void)r;
    static const struct {
        const char *ext, *type;
    } types[] = {{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
                 {".css", "text/css; charset=utf-8"}, {".svg", "image/svg+xml"}};
    const char *dot = strrchr(name, '.'), *type = NULL;
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0) type = types[i].type;
    char path[1024], why[WHY_SIZE] = "";
    if (!h->cfg.web_dir || !type || !is_id(name) ||
        (size_t)snprintf(path, sizeof path, "%s/%s", h->cfg.web_dir, name) >= sizeof path)
        return send_error(conn, MHD_HTTP_NOT_FOUND, "not-found", "no page %.80s", name);
    char *data = NULL;
    size_t len = 0;
    bank_err e = bank_file_read(path, (size_t)1 << 20, &data, &len, why);
    if (e == BANK_ENOTFOUND)
        return send_error(conn, MHD_HTTP_NOT_FOUND, "not-found", "no page %.80s", name);
    if (e) return send_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "server-error", "%s", why);
    return send_buf(conn, MHD_HTTP_OK, type, data, len, "Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
}

typedef enum MHD_Result (*route_fn)(http_server *h, struct MHD_Connection *conn,
                                    const char *arg, const req *r);

/* The routes: a path is `prefix` exactly, or prefix + one segment + suffix
 * when `param` is set (the segment is the handler's arg). */
static const struct route {
    const char *method, *prefix, *suffix;
    bool param;
    bool operator; /* holds NIPs, forms or scores: for the operator's token only */
    route_fn fn;
} routes[] = {
    {"GET", PROTO_PATH_HEALTH, "", false, false, on_health},
    {"GET", PROTO_PATH_CHALLENGE, "", false, false, on_challenge},
    {"POST", PROTO_PATH_KIOSKS, "", false, false, on_kiosk_enrol},
    {"GET", PROTO_PATH_KIOSKS "/", "", true, false, on_kiosk_state},
    {"POST", PROTO_PATH_RESULTS, "", false, false, on_result},
    {"GET", PROTO_PATH_HISTORY, "", false, true, on_history},
    {"GET", PROTO_PATH_COHORTS "/", "/recap", true, true, on_recap},
    {"GET", PROTO_PATH_STATS, "", false, true, on_stats},
    {"GET", PROTO_PATH_WEB "/", "", true, false, on_web},
    {"POST", PROTO_PATH_ROOM_STATE, "", false, false, on_room_state},
    {"GET", PROTO_PATH_ROOM, "", false, true, on_room},
    {"POST", PROTO_PATH_ROOM_MESSAGE, "", false, true, on_room_message},
    {"POST", PROTO_PATH_ROOM_LEASE, "", false, false, on_room_lease},
    {"GET", PROTO_PATH_ROOM_OFFER, "", false, false, on_room_offer},
    {"GET", PROTO_PATH_ROOM_BANK "/", "", true, false, on_room_bank},
    {"GET", PROTO_PATH_ROOM_SESSION "/", "", true, false, on_room_session},
    {"POST", PROTO_PATH_FORWARD, "", false, false, on_forward},
    {"POST", PROTO_PATH_PROCTOR "/login", "", false, false, on_proctor_login},
    {"POST", PROTO_PATH_PROCTOR "/logout", "", false, false, on_proctor_logout},
    {"GET", PROTO_PATH_PROCTOR "/room", "", false, false, on_proctor_room},
    {"GET", PROTO_PATH_PROCTOR "/stream", "", false, false, on_proctor_stream},
    {"GET", PROTO_PATH_PROCTOR "/seat", "", false, false, on_proctor_seat},
    {"POST", PROTO_PATH_PROCTOR "/action", "", false, false, on_proctor_action},
    {"GET", PROTO_PATH_PROCTOR "/report", "", false, false, on_proctor_report},
    {"POST", PROTO_PATH_ROOM_JOURNAL, "", false, false, on_room_journal},
    {"POST", PROTO_PATH_ROOM_JOURNAL_FETCH, "", false, false, on_room_journal_fetch},
};
#define NROUTES (sizeof routes / sizeof routes[0])

/* Matches url against route i; copies the parameter into arg (cap bytes). */
static bool route_match(size_t i, const char *url, char *arg, size_t cap)
{
    const struct route *rt = &routes[i];
    size_t pl = strlen(rt->prefix), sl = strlen(rt->suffix), ul = strlen(url);
    if (strncmp(url, rt->prefix, pl) != 0) return false;
    if (!rt->param) return ul == pl;
    if (ul < pl + sl + 1 || strcmp(url + ul - sl, rt->suffix) != 0) return false;
    size_t n = ul - pl - sl;
    if (n >= cap || memchr(url + pl, '/', n)) return false;
    memcpy(arg, url + pl, n);
    arg[n] = 0;
    return true;
}

/* True when the request carries "Authorization: Bearer <the operator
 * token>"; otherwise queues 403 (no token configured), 401, or 429 when
 * its address (or everyone) failed too often of late: then the token is
 * not even compared. */
static bool operator_ok(http_server *h, struct MHD_Connection *conn, enum MHD_Result *rc)
{
    const char *tok = h->cfg.operator_token;
    if (!tok) {
        *rc = send_error(conn, MHD_HTTP_FORBIDDEN, "operator-routes-off",
                         "this core was started without --operator-token-file; "
                         "use the core command on its machine");
        return false;
    }
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    unsigned wait = optries_wait(h->t, sa, clk_mono_ms());
    if (wait == 0) {
        const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                       MHD_HTTP_HEADER_AUTHORIZATION);
        size_t n = strlen(tok);
        if (auth && strncmp(auth, "Bearer ", 7) == 0 && strlen(auth + 7) == n &&
            CRYPTO_memcmp(auth + 7, tok, n) == 0) {
            optries_passed(h->t, sa);
            return true;
        }
        wait = optries_failed(h->t, sa, clk_mono_ms());
        if (wait == 0) {
            *rc = send_json_header(conn, MHD_HTTP_UNAUTHORIZED,
                                   json_pack("{s:s, s:s}", "error", "unauthorized", "reason",
                                             "this route wants the operator's token: "
                                             "Authorization: Bearer TOKEN"),
                                   MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
            return false;
        }
        core_log(CORE_LOG_WARNING, "operator token: tries from this address wait %u s after "
                 "too many wrong ones", wait);
    }
    *rc = send_wait(conn, wait, "operator tokens");
    return false;
}

/* Answers a complete request: 404 for an unknown path, 405 for a wrong method. */
static enum MHD_Result dispatch(http_server *h, struct MHD_Connection *conn, const char *url,
                                const char *method, const req *r)
{
    char arg[256];
    const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
    const char *allowed = NULL;
    for (size_t i = 0; i < NROUTES; i++) {
        if (!route_match(i, url, arg, sizeof arg)) continue;
        if (strcmp(routes[i].method, m) != 0) {
            allowed = routes[i].method;
            continue;
        }
        enum MHD_Result rc = MHD_NO;
        if (routes[i].operator && !operator_ok(h, conn, &rc)) return rc;
        return routes[i].fn(h, conn, arg, r);
    }
    int ver = 0, at = 0;
    if (!allowed && sscanf(url, "/v%d/%n", &ver, &at) == 1 && at > 0 && ver > PROTO_VERSION)
        return send_error(conn, MHD_HTTP_NOT_FOUND, "unsupported-version",
                          "protocol version %d is newer than this core speaks (%d): upgrade the"
                          " core", ver, PROTO_VERSION);
    if (!allowed) return send_error(conn, MHD_HTTP_NOT_FOUND, "not-found", "no route %.100s", url);
    char reason[WHY_SIZE];
    snprintf(reason, sizeof reason, "%.100s takes %s, not %.16s", url, allowed, method);
    return send_json_header(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
                            json_pack("{s:s, s:s}", "error", "method-not-allowed", "reason", reason),
                            MHD_HTTP_HEADER_ALLOW, allowed);
}

/* Logs a request that changed something or was refused, and every use of
 * an operator route; the kiosks' routine reads (health, own state) only
 * when they fail. The path and the outcome only: never a header (the
 * token, the signature) or the body. */
static void log_request(const char *url, const char *method, const req *r)
{
    bool read = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    bool operator = strncmp(url, "/v1/history", 11) == 0 || strncmp(url, "/v1/cohorts/", 12) == 0 ||
                    strncmp(url, PROTO_PATH_STATS, strlen(PROTO_PATH_STATS)) == 0 ||
                    strcmp(url, PROTO_PATH_ROOM) == 0 || strcmp(url, PROTO_PATH_ROOM_MESSAGE) == 0;
    bool routine = read || strcmp(url, PROTO_PATH_ROOM_STATE) == 0 || /* every few seconds */
                   strcmp(url, PROTO_PATH_ROOM_JOURNAL) == 0;         /* every answer */
    if (routine && answered.status < 400 && !operator) return;
    if (answered.status == MHD_HTTP_TOO_MANY_REQUESTS) return; /* a flood: logged when it began */
    core_log(answered.status >= 500 ? CORE_LOG_ERR
             : answered.status >= 400 ? CORE_LOG_WARNING : CORE_LOG_INFO,
             "request: %.8s %.120s status=%u code=%s bytes=%zu", method, url, answered.status,
             answered.code[0] ? answered.code : "-", r->body.len);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    (void)version;
    http_server *h = cls;
    req *r = *con_cls;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r) return MHD_NO;
        sbuf_init(&r->body, h->cfg.body_max);  /* out of memory too is answered 413 */
        r->body.secret = strcmp(url, PROTO_PATH_PROCTOR "/login") == 0; /* a proctor code */
        *con_cls = r;
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > h->cfg.body_max) {
            r->answered = true;
            return send_error(conn, MHD_HTTP_CONTENT_TOO_LARGE, "too-large",
                              "the body is larger than %zu bytes", h->cfg.body_max);
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!r->answered) sbuf_add(&r->body, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->answered) return MHD_YES;
    r->answered = true;
    answered.status = 0;
    answered.code[0] = 0;
    enum MHD_Result rc =
        r->body.failed ? send_error(conn, MHD_HTTP_CONTENT_TOO_LARGE, "too-large",
                                    "the body is larger than %zu bytes", h->cfg.body_max)
                       : dispatch(h, conn, url, method, r);
    log_request(url, method, r);
    return rc;
}

/* Frees the per-request state: the only place it is freed. */
static void on_done(void *cls, struct MHD_Connection *conn, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    http_server *h = cls;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    if (ci) gate_answered(h->g, ci->socket_context);
    req *r = *con_cls;
    if (!r) return;
    sbuf_free(&r->body);
    free(r);
    *con_cls = NULL;
}

/* Tells the gate when the daemon begins and ends serving a connection; the
 * gate's slot is the connection's socket context. */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    http_server *h = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = ci ? gate_started(h->g, ci->connect_fd) : NULL;
    } else {
        gate_closed(h->g, *socket_context);
        *socket_context = NULL;
    }
}

/* Hands a connection the gate accepted to the daemon (which closes it on failure). */
static int add_connection(void *arg, int fd, const struct sockaddr *sa, socklen_t len)
{
    http_server *h = arg;
    return MHD_add_connection(h->d, fd, sa, len) == MHD_YES ? 0 : -1;
}

/* Fills the limits left at 0 with their defaults. */
static void config_defaults(http_config *c)
{
    if (!c->listen) c->listen = "127.0.0.1:8080";
    if (!c->body_max) c->body_max = HTTP_BODY_MAX;
    if (!c->max_conns) c->max_conns = HTTP_CONNECTIONS_MAX;
    if (!c->per_address) c->per_address = HTTP_PER_ADDRESS_MAX;
    if (!c->request_secs) c->request_secs = HTTP_REQUEST_SECS;
    if (!c->idle_secs) c->idle_secs = HTTP_IDLE_SECS;
    if (!c->backlog) c->backlog = HTTP_BACKLOG;
}

/* Frees what http_start made of h, whatever got made (the daemon stopped). */
static void server_free(http_server *h)
{
    gate_free(h->g);
    optries_free(h->pt);
    optries_free(h->t);
    proctor_free(h->proctor);
    jstore_free(h->journals);
    seats_free(h->room);
    enrol_guard_free(h->enrol);
    free(h);
}

http_server *http_start(core_ctx *c, const http_config *cfg, char *why)
{
    http_server *h = calloc(1, sizeof *h);
    if (!h) {
        why_set(why, "out of memory");
        return NULL;
    }
    h->c = c;
    if (cfg) h->cfg = *cfg;
    config_defaults(&h->cfg);
    if (!(h->enrol = enrol_guard_new(c, NULL, why)) ||
        !(h->room = seats_new(core_ctx_store(c), core_ctx_signer(c), why)) ||
        !(h->proctor = proctor_new(c, h->room, why)) ||
        !(h->journals = jstore_new(c, NULL, why))) {
        server_free(h);
        return NULL;
    }
    if (!(h->t = optries_new()) || !(h->pt = optries_new())) {
        why_set(why, "out of memory");
        server_free(h);
        return NULL;
    }
    if (h->cfg.backlog > 65535) h->cfg.backlog = 65535;
    int fd = gate_listen(h->cfg.listen, (int)h->cfg.backlog, h->url, sizeof h->url, why);
    if (fd < 0) {
        server_free(h);
        return NULL;
    }
    /* a thread for each connection: an upload waits for the commit of its
     * group (store.h), and must not hold up other kiosks while it waits.
     * The daemon's own listening would accept every connection and close
     * those over its limit; the gate accepts instead, only below the limit,
     * so that the kernel queues the others (the daemon's limit is a margin
     * above the gate's: a closed connection leaves the gate a moment before
     * the daemon counts it gone). */
    h->d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                                MHD_USE_POLL | MHD_USE_ITC | MHD_USE_NO_LISTEN_SOCKET,
                            0, NULL, NULL, on_request, h,
                            MHD_OPTION_NOTIFY_COMPLETED, on_done, h,
                            MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
                            MHD_OPTION_CONNECTION_TIMEOUT, h->cfg.idle_secs,
                            MHD_OPTION_CONNECTION_LIMIT, h->cfg.max_conns + 64,
                            MHD_OPTION_END);
    gate_config gc = {h->cfg.max_conns, h->cfg.per_address, h->cfg.request_secs};
    if (!h->d) {
        why_set(why, "cannot start the HTTP server on %s", h->cfg.listen);
        close(fd);
    } else {
        h->g = gate_new(fd, &gc, add_connection, h, why);
    }
    /* h->g is set before the first connection can reach on_connection */
    if (!h->g || gate_run(h->g, why) != 0) {
        gate_stop(h->g);
        if (h->d) MHD_stop_daemon(h->d);
        server_free(h);
        return NULL;
    }
    return h;
}

void http_stop(http_server *h)
{
    if (!h) return;
    gate_stop(h->g);       /* no new connections; closes the listening socket */
    seats_halt(h->room);   /* the proctors' live streams end */
    MHD_stop_daemon(h->d); /* closes the open ones, telling the gate */
    server_free(h);
}

const char *http_url(const http_server *h)
{
    return h->url;
}
