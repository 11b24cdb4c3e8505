/* checkin.c -- sends the kiosk's signed state to the core and keeps the core's signed commands. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "checkin.h"
#include "clk.h"
#include "corekey.h"
#include "hex.h"
#include "klog.h"
#include "text.h"

#define ANSWER_MAX 65536   /* answer bytes kept; a longer one is refused */
#define PERIOD_MS 3000     /* a state at least this often */

struct checkin {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_int stop;
    bool kicked;
    /* set at start, read by the thread only */
    const bank_signer *signer;
    char pub[65];
    char seat[CHECKIN_FIELD], program[CHECKIN_FIELD];
    char url[1100];
    char *pin_path, *key_path, *seq_path;
    char core[65];             /* the pinned core key, "" until known */
    int period_ms;
    struct klog *log;
    CURL *curl;
    char rbuf[ANSWER_MAX + 1];
    size_t rlen;
    bool over;                 /* the answer was longer than ANSWER_MAX */
    long long seq;             /* the last state sent */
    /* under mu */
    checkin_state st;
    long long obeyed;          /* the last command obeyed (taken) */
    long long checked;         /* the last command checked and kept */
    checkin_cmd pending[CHECKIN_PENDING];
    int npending;
    long long taken;           /* states the core took */
    int http;
};

/* The kinds of command this kiosk obeys (command version 2). */
static const char *const KINDS[] = {"message", "extend",  "pause",   "resume",   "authorise",
                                    "lock",    "unlock",  "release", "move-out", "end"};

static bool kind_known(const char *kind)
{
    for (size_t i = 0; i < sizeof KINDS / sizeof *KINDS; i++)
        if (strcmp(kind, KINDS[i]) == 0) return true;
    return false;
}

/* True for a short text field of a command: one line of at most
 * CHECKIN_FIELD - 1 bytes. */
static bool short_text(const char *s)
{
    return s && strlen(s) < CHECKIN_FIELD && !text_has_control(s);
}

/* The fields a command's kind needs; 0 or -1 with why. */
static int kind_fields(const char *kind, long long minutes, const char *seat, char *why)
{
    if (strcmp(kind, "extend") == 0 ? minutes < 1 || minutes > PROTO_EXTEND_MAX : minutes != 0)
        return why_set(why, "command \"%s\" with %lld minutes", kind, minutes);
    if ((strcmp(kind, "move-out") == 0) != (seat[0] != 0))
        return why_set(why, "command \"%s\" %s a seat", kind, seat[0] ? "names" : "needs");
    return 0;
}

int checkin_cmd_check(const char *json, size_t len, const char *core_pub, const char *kiosk_pub,
                      long long last, checkin_cmd *out, char *why)
{
    memset(out, 0, sizeof *out);
    json_t *o = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *ver = json_object_get(o, "version"), *seq = json_object_get(o, "seq"),
           *tm = json_object_get(o, "time"), *min = json_object_get(o, "minutes");
    const char *kiosk = json_string_value(json_object_get(o, "kiosk")),
               *kind = json_string_value(json_object_get(o, "kind")),
               *nip = json_string_value(json_object_get(o, "nip")),
               *seat = json_string_value(json_object_get(o, "seat")),
               *text = json_string_value(json_object_get(o, "text")),
               *sig = json_string_value(json_object_get(o, "sig"));
    int rc = -1;
    char msg[640 + PROTO_COMMAND_TEXT_MAX];
    int n = 0;
    long long minutes = json_is_integer(min) ? (long long)json_integer_value(min) : 0;
    if (!json_is_object(o) || !json_is_integer(ver))
        why_set(why, "a command is a JSON object with its \"version\"");
    else if (json_integer_value(ver) != PROTO_COMMAND_VERSION)
        why_set(why, "command version %lld, this kiosk reads %d",
                (long long)json_integer_value(ver), PROTO_COMMAND_VERSION);
    else if (!json_is_integer(seq) || !json_is_integer(tm) || !json_is_integer(min) || !kiosk ||
             !kind || !nip || !seat || !text || !sig)
        why_set(why, "a command is {version, kiosk, seq, kind, time, nip, minutes, seat, text,"
                     " sig}");
    else if (!core_pub || !hex_valid(core_pub, 64))
        why_set(why, "no pinned core key to check the command with");
    else if (strlen(text) > PROTO_COMMAND_TEXT_MAX || text_has_control(text) ||
             strlen(kind) >= sizeof out->kind || !short_text(nip) || !short_text(seat) ||
             minutes < INT32_MIN || minutes > INT32_MAX ||
             (n = snprintf(msg, sizeof msg, PROTO_COMMAND_TEXT, PROTO_COMMAND_VERSION, kiosk,
                           (long long)json_integer_value(seq), kind,
                           (long long)json_integer_value(tm), nip, (int)minutes, seat, text)) < 0 ||
             (size_t)n >= sizeof msg || !corekey_verify(core_pub, msg, (size_t)n, sig))
        why_set(why, "the command is not signed by the pinned core key");
    else if (!kiosk_pub || strcmp(kiosk, kiosk_pub) != 0)
        why_set(why, "the command is for kiosk %.16s, not this one", kiosk);
    else if (json_integer_value(seq) <= last)
        why_set(why, "command %lld replayed: %lld was obeyed already",
                (long long)json_integer_value(seq), last);
    else if (!kind_known(kind))
        why_set(why, "unknown command \"%.15s\"", kind);
    else if (kind_fields(kind, minutes, seat, why) == 0) {
        out->seq = (long long)json_integer_value(seq);
        out->time_ms = (int64_t)json_integer_value(tm);
        out->minutes = (int)minutes;
        snprintf(out->kind, sizeof out->kind, "%s", kind);
        snprintf(out->nip, sizeof out->nip, "%s", nip);
        snprintf(out->seat, sizeof out->seat, "%s", seat);
        snprintf(out->text, sizeof out->text, "%s", text);
        rc = 0;
    }
    json_decref(o);
    return rc;
}

/* ---- STATE/room.cmd ---- */

/* The last command obeyed, as recorded; 0 when none. */
static long long seq_read(const char *path)
{
    FILE *f = fopen(path, "r");
    long long v = 0;
    if (!f) return 0;
    if (fscanf(f, "%lld", &v) != 1 || v < 0) v = 0;
    fclose(f);
    return v;
}

/* Records v as the last command obeyed: whole or not at all. */
static int seq_write(const char *path, long long v, char *why)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return why_set(why, "%s: %s", tmp, strerror(errno));
    char line[32];
    int n = snprintf(line, sizeof line, "%lld\n", v);
    bool ok = write(fd, line, (size_t)n) == n && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return why_set(why, "%s: %s", path, strerror(e));
    }
    return 0;
}

/* ---- the thread ---- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
    checkin *c = arg;
    size_t n = size * nmemb, room = ANSWER_MAX - c->rlen;
    if (n > room) c->over = true;
    memcpy(c->rbuf + c->rlen, data, n < room ? n : room);
    c->rlen += n < room ? n : room;
    return n;
}

static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    return atomic_load(&((checkin *)arg)->stop) != 0;
}

/* The state body to send now, signed into sig. Caller frees. */
static char *state_body(checkin *c, char sig[129])
{
    pthread_mutex_lock(&c->mu);
    checkin_state s = c->st;
    long long ack = c->obeyed;
    pthread_mutex_unlock(&c->mu);
    long long now = (long long)clk_wall_ms();
    c->seq = now > c->seq ? now : c->seq + 1;
    json_t *o = json_pack("{s:i, s:I, s:I, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:I, s:i, s:i,"
                          " s:s, s:s, s:s, s:s, s:s, s:I}",
                          "version", PROTO_STATE_VERSION, "seq", (json_int_t)c->seq, "ack",
                          (json_int_t)ack, "seat", c->seat, "screen", s.screen, "nip", s.nip,
                          "attempt", s.attempt, "answered", s.answered, "flagged", s.flagged,
                          "total", s.total, "left_ms", (json_int_t)s.left_ms, "incidents",
                          s.incidents, "outbox", s.outbox, "delivery", s.delivery, "program",
                          c->program, "session", s.session, "name", s.name, "lease", s.lease,
                          "jseq", (json_int_t)s.jseq);
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    if (text && bank_signer_sign(c->signer, text, strlen(text), sig) != BANK_OK) {
        free(text);
        return NULL;
    }
    return text;
}

/* Checks the commands of an answer and keeps the good ones for checkin_take. */
static void take_commands(checkin *c)
{
    json_t *o = json_loadb(c->rbuf, c->rlen, 0, NULL);
    json_t *cmds = json_object_get(o, "commands");
    size_t i;
    json_t *v;
    json_array_foreach(cmds, i, v) {
        char *text = json_dumps(v, JSON_COMPACT), why[WHY_SIZE] = "";
        checkin_cmd cmd;
        pthread_mutex_lock(&c->mu);
        long long last = c->checked > c->obeyed ? c->checked : c->obeyed;
        int rc = text ? checkin_cmd_check(text, strlen(text), c->core, c->pub, last, &cmd, why)
                      : why_set(why, "out of memory");
        if (rc == 0 && c->npending < CHECKIN_PENDING) {
            c->pending[c->npending++] = cmd;
            c->checked = cmd.seq;
        }
        pthread_mutex_unlock(&c->mu);
        /* one seen before and kept, or obeyed, comes again until acknowledged */
        if (rc != 0 && !strstr(why, "replayed")) klog_event(c->log, "command-refused", "%s", why);
        free(text);
    }
    json_decref(o);
}

/* One state sent, its answer read. */
static void round_once(checkin *c)
{
    if (!c->core[0]) corekey_read(c->key_path ? c->key_path : c->pin_path, c->core, NULL);
    char sig[129], h1[100], h2[200];
    char *body = state_body(c, sig);
    if (!body) return;
    snprintf(h1, sizeof h1, PROTO_HEADER_KIOSK ": %s", c->pub);
    snprintf(h2, sizeof h2, PROTO_HEADER_SIGNATURE ": %s", sig);
    struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: " PROTO_TYPE_JSON);
    struct curl_slist *all = hd ? curl_slist_append(hd, "Expect:") : NULL;
    all = all ? curl_slist_append(all, h1) : NULL;
    all = all ? curl_slist_append(all, h2) : NULL;
    long status = 0;
    c->rlen = 0;
    c->over = false;
    if (all) {
        curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, all);
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
        if (curl_easy_perform(c->curl) == CURLE_OK)
            curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
    }
    curl_slist_free_all(hd);
    free(body);
    c->rbuf[c->rlen] = 0;
    if (status == 200 && !c->over) take_commands(c);
    if (status == 409 && !c->over) {
        /* the core took a later state of this kiosk (its clock was set back):
         * go on above it, at the next state, which goes at once */
        json_t *o = json_loadb(c->rbuf, c->rlen, 0, NULL);
        json_t *last = json_object_get(o, "last");
        if (json_is_integer(last) && json_integer_value(last) > c->seq) {
            c->seq = (long long)json_integer_value(last);
            pthread_mutex_lock(&c->mu);
            c->kicked = true;
            pthread_mutex_unlock(&c->mu);
        }
        json_decref(o);
    }
    pthread_mutex_lock(&c->mu);
    c->http = (int)status;
    c->taken += status == 200;
    pthread_mutex_unlock(&c->mu);
}

static void *run(void *arg)
{
    checkin *c = arg;
    while (!atomic_load(&c->stop)) {
        round_once(c);
        int64_t due = clk_mono_ms() + c->period_ms;
        struct timespec ts = clk_mono_at(due);
        pthread_mutex_lock(&c->mu);
        while (!atomic_load(&c->stop) && !c->kicked && clk_mono_ms() < due)
            pthread_cond_timedwait(&c->cv, &c->mu, &ts);
        c->kicked = false;
        pthread_mutex_unlock(&c->mu);
    }
    return NULL;
}

/* ---- public ---- */

static void destroy(checkin *c)
{
    if (c->curl) curl_easy_cleanup(c->curl);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    free(c->pin_path);
    free(c->key_path);
    free(c->seq_path);
    free(c);
    curl_global_cleanup();
}

/* "dir/name", or NULL when out of memory. */
static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static void *fail_null(char *why, const char *msg)
{
    why_set(why, "checkin: %s", msg);
    return NULL;
}

checkin *checkin_start(const char *core_url, const char *state_dir, const bank_signer *signer,
                       const char *seat, const char *program, const char *core_key,
                       int period_ms, struct klog *log, char *why)
{
    const char *pub = signer ? bank_signer_pub(signer) : NULL;
    if (!core_url || (strncmp(core_url, "http://", 7) && strncmp(core_url, "https://", 8)) ||
        strlen(core_url) > 1024 || text_has_control(core_url))
        return fail_null(why, "core URL must be http://HOST:PORT or https://...");
    if (!state_dir || !*state_dir) return fail_null(why, "no state folder");
    if (!hex_valid(pub, 64)) return fail_null(why, "no kiosk key to sign with");
    if (!seat || strlen(seat) >= CHECKIN_FIELD || text_has_control(seat) ||
        !text_utf8_valid(seat, strlen(seat)))
        return fail_null(why, "a seat label is one line of at most 32 bytes of UTF-8");
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return fail_null(why, "cannot initialise libcurl");
    checkin *c = calloc(1, sizeof *c);
    if (!c) {
        curl_global_cleanup();
        return fail_null(why, "out of memory");
    }
    pthread_mutex_init(&c->mu, NULL);
    clk_cond_init(&c->cv);
    c->signer = signer;
    memcpy(c->pub, pub, 65);
    snprintf(c->seat, sizeof c->seat, "%s", seat);
    text_copy(c->program, sizeof c->program, program ? program : "");
    text_scrub(c->program);
    snprintf(c->url, sizeof c->url, "%s", core_url);
    for (size_t n = strlen(c->url); n > 0 && c->url[n - 1] == '/'; n--) c->url[n - 1] = 0;
    strncat(c->url, PROTO_PATH_ROOM_STATE, sizeof c->url - strlen(c->url) - 1);
    c->period_ms = period_ms > 0 ? period_ms : PERIOD_MS;
    c->log = log;
    c->pin_path = join(state_dir, COREKEY_FILE);
    c->seq_path = join(state_dir, CHECKIN_SEQ_FILE);
    c->key_path = core_key ? strdup(core_key) : NULL;
    c->curl = curl_easy_init();
    if (!c->pin_path || !c->seq_path || (core_key && !c->key_path) || !c->curl) {
        destroy(c);
        return fail_null(why, "out of memory");
    }
    if (core_key && corekey_read(core_key, c->core, why) != 1) {
        if (!why || !*why) fail_null(why, "the core key file is missing");
        destroy(c);
        return NULL;
    }
    c->obeyed = seq_read(c->seq_path);
    CURL *h = c->curl;
    curl_easy_setopt(h, CURLOPT_URL, c->url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_USERAGENT, "kisi-kiosk");
    if (pthread_create(&c->thread, NULL, run, c) != 0) {
        destroy(c);
        return fail_null(why, "cannot start the check-in thread");
    }
    return c;
}

/* Copies the text src into dst (cap bytes, at most CHECKIN_NAME): valid UTF-8, one line. */
static void field_copy_n(char *dst, size_t cap, const char *src)
{
    char tmp[CHECKIN_NAME];
    size_t n = strnlen(src, cap - 1);
    memcpy(tmp, src, n);
    tmp[text_utf8_prefix(tmp, n)] = 0;
    text_copy(dst, cap, tmp);
    text_scrub(dst);
}

/* Copies the text src into dst (CHECKIN_FIELD bytes): valid UTF-8, one line. */
static void field_copy(char *dst, const char *src)
{
    field_copy_n(dst, CHECKIN_FIELD, src);
}

void checkin_update(checkin *c, const checkin_state *st)
{
    if (!c) return;
    checkin_state s;
    memset(&s, 0, sizeof s);  /* padding too: states are compared whole */
    field_copy(s.screen, st->screen);
    field_copy(s.nip, st->nip);
    field_copy(s.delivery, st->delivery);
    field_copy(s.session, st->session);
    field_copy(s.lease, st->lease);
    field_copy_n(s.name, sizeof s.name, st->name);
    s.jseq = st->jseq;
    s.attempt = st->attempt;
    s.answered = st->answered;
    s.flagged = st->flagged;
    s.total = st->total;
    s.left_ms = st->left_ms;
    s.incidents = st->incidents;
    s.outbox = st->outbox;
    pthread_mutex_lock(&c->mu);
    /* the clock alone is news only at the periodic state */
    int64_t was = c->st.left_ms;
    c->st.left_ms = s.left_ms;
    if (memcmp(&s, &c->st, sizeof s) != 0 || (was == 0) != (s.left_ms == 0)) {
        c->st = s;
        c->kicked = true;
        pthread_cond_signal(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
}

int checkin_take(checkin *c, checkin_cmd *out, char *why)
{
    if (!c) return 0;
    pthread_mutex_lock(&c->mu);
    int rc = 0;
    if (c->npending > 0) {
        rc = seq_write(c->seq_path, c->pending[0].seq, why) == 0 ? 1 : -1;
        if (rc == 1) {
            *out = c->pending[0];
            c->obeyed = out->seq;
            memmove(c->pending, c->pending + 1, (size_t)--c->npending * sizeof *c->pending);
            c->kicked = true;   /* acknowledge it at once */
            pthread_cond_signal(&c->cv);
        }
    }
    pthread_mutex_unlock(&c->mu);
    return rc;
}

void checkin_counts(checkin *c, long long *taken, int *http)
{
    pthread_mutex_lock(&c->mu);
    *taken = c->taken;
    *http = c->http;
    pthread_mutex_unlock(&c->mu);
}

void checkin_stop(checkin *c)
{
    if (!c) return;
    pthread_mutex_lock(&c->mu);
    atomic_store(&c->stop, 1);
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    destroy(c);
}
