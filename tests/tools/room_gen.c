/* room_gen.c -- a room of simulated kiosks for tests and benches: each enrols with a key of
 * its own from an address of its own, sends its signed state, and obeys the core's signed
 * commands (checked as the kiosk checks them) as a seat would; bounded in time, it prints
 * what it did. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curl/curl.h>
#include <jansson.h>

#include "bank.h"
#include "checkin.h"
#include "clk.h"
#include "corekey.h"
#include "csv.h"
#include "hex.h"
#include "proto.h"
#include "probe.h"
#include "room_wire.h"
#include "why.h"

#define GEN_MAX 2000        /* simulated kiosks at most */
#define GEN_TICK_MS 100     /* the simulation's step */
#define GEN_ANSWER 65536    /* bytes of an answer kept */
#define GEN_FIELD 33

static const char usage[] =
    "usage: room_gen --core URL --dir DIR [--room ROWSxCOLS] [--skip A01,A02] [--kiosks N]\n"
    "                [--seconds S] [--period MS] [--roster CSV] [--from ROW] [--minutes M]\n"
    "                [--item-secs S] [--spread S] [--offline N] [--offline-secs S]\n"
    "                [--session SID] [--authorise] [--core-key FILE] [--control DIR]\n"
    "                [--latency N (--proctor-code-file F | --operator-token-file F)\n"
    "                [--wait-file F]]\n"
    "Simulated kiosks on the seats of a ROWSxCOLS room (A01, A02, ... B01, ...), each with\n"
    "its key in DIR/SEAT/ and its own loopback address 127.77.X.Y, for S seconds (60).\n"
    "--offline N: N seats go silent once for --offline-secs; --control DIR: a seat is\n"
    "silent while a file DIR/SEAT.off exists.\n"
    "--latency N: once every kiosk is approved, times N changes of the first seat's state\n"
    "until the proctor sees them (the SSE stream after a sign-in with the proctor code, or\n"
    "GET /v1/room polled with the operator token), beside the empty round trip; then stops.\n"
    "The mark is also the seat's NIP (one NIP a mark), for a browser watching the page;\n"
    "--wait-file F: the samples begin once the file F exists.\n";

typedef enum gen_phase {
    GEN_WAIT,       /* nobody yet: identify */
    GEN_AUTHORISE,  /* sat down, waits for the proctor (--authorise) */
    GEN_EXAM,
    GEN_RESULT,     /* submitted, result shown */
    GEN_GONE        /* released, moved or ended by the proctor: takes nobody new */
} gen_phase;

/* One simulated kiosk. */
typedef struct gen_kiosk {
    char label[GEN_FIELD], dir[4096], nip[GEN_FIELD], name[65], screen[GEN_FIELD];
    char addr[32];          /* the loopback address it sends from */
    bank_signer *key;
    CURL *h;
    struct curl_slist *hdrs;
    char *body;             /* the state in flight */
    char answer[GEN_ANSWER];
    size_t alen;
    bool busy, dirty, enrolled, approved, down, silent;
    gen_phase phase;
    int64_t next_at, enrol_at, start_at, last_ms, used_ms, limit_ms;
    int64_t offline_at, offline_until, incident_at;
    bool paused, locked;
    int answered, flagged, total, incidents;
    long long seq, obeyed;
    long long mark;         /* the latency probe's mark, sent as "flagged" and NIP (0 none) */
} gen_kiosk;

typedef struct gen_opts {
    const char *core, *dir, *skip, *roster, *core_key, *session, *control, *proctor_file,
        *operator_file, *wait_file;
    int latency;
    int rows, cols, kiosks, seconds, period_ms, from, minutes, item_s, spread_s, offline,
        offline_s;
    bool authorise;
} gen_opts;

/* What the room did, for the closing lines. */
typedef struct gen_tally {
    long long sent, taken, not_approved, replayed, refused, unreachable, cmd_refused;
    long long obeyed[12];
    int down;               /* kiosks whose last try found no core */
} gen_tally;

static const char *const gen_kinds[] = {"message", "extend", "pause",   "resume",
                                        "authorise", "lock", "unlock", "release",
                                        "move-out", "end"};
#define GEN_NKINDS (sizeof gen_kinds / sizeof *gen_kinds)

static volatile sig_atomic_t gen_stop;
static int64_t gen_t0;
static char gen_core_pub[65];

static void gen_on_signal(int sig)
{
    (void)sig;
    gen_stop = 1;
}

/* Prints one event line "SECONDS SEAT EVENT DETAIL" on stdout, flushed. */
__attribute__((format(printf, 3, 4)))
static void gen_say(const gen_kiosk *k, const char *event, const char *fmt, ...)
{
    va_list ap;
    printf("%7.1f %-4s %-10s ", (double)(clk_mono_ms() - gen_t0) / 1e3, k ? k->label : "-",
           event);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

/* An option's whole number from lo to hi, or exits with a one-line error. */
static int gen_int(const char *name, const char *v, int lo, int hi)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < lo || n > hi) {
        fprintf(stderr, "room_gen: %s must be a whole number from %d to %d\n", name, lo, hi);
        exit(2);
    }
    return (int)n;
}

static void gen_args(int argc, char **argv, gen_opts *o)
{
    *o = (gen_opts){.rows = 5, .cols = 8, .kiosks = GEN_MAX, .seconds = 60, .period_ms = 3000,
                    .from = 1, .minutes = 90, .item_s = 4, .spread_s = 10, .offline = 0,
                    .offline_s = 15, .session = ""};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            exit(0);
        }
        if (strcmp(a, "--authorise") == 0) {
            o->authorise = true;
            continue;
        }
        if (!v) {
            fprintf(stderr, "room_gen: %s needs a value (room_gen --help)\n", a);
            exit(2);
        }
        i++;
        if (strcmp(a, "--core") == 0) o->core = v;
        else if (strcmp(a, "--dir") == 0) o->dir = v;
        else if (strcmp(a, "--skip") == 0) o->skip = v;
        else if (strcmp(a, "--roster") == 0) o->roster = v;
        else if (strcmp(a, "--core-key") == 0) o->core_key = v;
        else if (strcmp(a, "--session") == 0) o->session = v;
        else if (strcmp(a, "--control") == 0) o->control = v;
        else if (strcmp(a, "--proctor-code-file") == 0) o->proctor_file = v;
        else if (strcmp(a, "--operator-token-file") == 0) o->operator_file = v;
        else if (strcmp(a, "--wait-file") == 0) o->wait_file = v;
        else if (strcmp(a, "--latency") == 0) o->latency = gen_int(a, v, 1, 100000);
        else if (strcmp(a, "--room") == 0) {
            char x = 0;
            if (sscanf(v, "%dx%d%c", &o->rows, &o->cols, &x) != 2 || o->rows < 1 ||
                o->rows > 26 || o->cols < 1 || o->cols > 99) {
                fprintf(stderr, "room_gen: --room is ROWSxCOLS, 1-26 rows of 1-99 seats\n");
                exit(2);
            }
        } else if (strcmp(a, "--kiosks") == 0) o->kiosks = gen_int(a, v, 1, GEN_MAX);
        else if (strcmp(a, "--seconds") == 0) o->seconds = gen_int(a, v, 1, 3600);
        else if (strcmp(a, "--period") == 0) o->period_ms = gen_int(a, v, 100, 60000);
        else if (strcmp(a, "--from") == 0) o->from = gen_int(a, v, 1, 100000);
        else if (strcmp(a, "--minutes") == 0) o->minutes = gen_int(a, v, 1, 600);
        else if (strcmp(a, "--item-secs") == 0) o->item_s = gen_int(a, v, 1, 3600);
        else if (strcmp(a, "--spread") == 0) o->spread_s = gen_int(a, v, 0, 3600);
        else if (strcmp(a, "--offline") == 0) o->offline = gen_int(a, v, 0, GEN_MAX);
        else if (strcmp(a, "--offline-secs") == 0) o->offline_s = gen_int(a, v, 1, 3600);
        else {
            fprintf(stderr, "room_gen: unknown option %s (room_gen --help)\n", a);
            exit(2);
        }
    }
    if (!o->core || !o->dir || strncmp(o->core, "http://", 7) != 0) {
        fprintf(stderr, "room_gen: --core http://HOST:PORT and --dir DIR are needed\n");
        exit(2);
    }
    if (o->latency && !o->proctor_file == !o->operator_file) {
        fprintf(stderr, "room_gen: --latency needs --proctor-code-file or --operator-token-file\n");
        exit(2);
    }
    if (strlen(o->session) >= GEN_FIELD) {
        fprintf(stderr, "room_gen: --session is at most %d bytes\n", GEN_FIELD - 1);
        exit(2);
    }
}

/* True when label is one of the comma-separated list skip (may be NULL). */
static bool gen_skipped(const char *skip, const char *label)
{
    size_t n = strlen(label);
    for (const char *p = skip; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : "")
        if (strncmp(p, label, n) == 0 && (p[n] == ',' || p[n] == 0)) return true;
    return false;
}

/* Participant number `row` (1 = the first after the header) of the roster
 * CSV at path (nip, name, ...) into k; 0, or -1 when there is none. */
static int gen_roster_row(const char *path, int row, gen_kiosk *k)
{
    FILE *f = fopen(path, "r");
    static char data[1 << 20];
    size_t len = f ? fread(data, 1, sizeof data, f) : 0;
    if (f) fclose(f);
    csv_reader r;
    csv_init(&r, data, len);
    char **cells;
    size_t nc;
    int n = -1, rc = -1;
    while (rc != 0 && csv_next(&r, &cells, &nc, NULL) == 1)
        if (n++ == row - 1 && nc >= 2) {
            snprintf(k->nip, sizeof k->nip, "%.32s", cells[0]);
            snprintf(k->name, sizeof k->name, "%.64s", cells[1]);
            rc = 0;
        }
    csv_free(&r);
    return rc;
}

static size_t gen_on_body(char *data, size_t size, size_t nmemb, void *arg)
{
    gen_kiosk *k = arg;
    size_t n = size * nmemb, room = sizeof k->answer - 1 - k->alen;
    memcpy(k->answer + k->alen, data, n < room ? n : room);
    k->alen += n < room ? n : room;
    return n;
}

/* Sets k's handle to url + path, from k's own address, the answer into k. */
static void gen_handle(gen_kiosk *k, const char *url, const char *path)
{
    char full[1200];
    snprintf(full, sizeof full, "%s%s", url, path);
    curl_easy_reset(k->h);
    curl_easy_setopt(k->h, CURLOPT_URL, full);
    curl_easy_setopt(k->h, CURLOPT_INTERFACE, k->addr);
    curl_easy_setopt(k->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(k->h, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
    curl_easy_setopt(k->h, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(k->h, CURLOPT_WRITEFUNCTION, gen_on_body);
    curl_easy_setopt(k->h, CURLOPT_WRITEDATA, k);
    curl_easy_setopt(k->h, CURLOPT_PRIVATE, k);
    curl_easy_setopt(k->h, CURLOPT_USERAGENT, "kisi-room-gen");
    k->alen = 0;
}

/* Enrols k (GET the challenge, POST the signed request), pinning the
 * core's key at the first answer unless --core-key gave it. 0 enrolled,
 * -1 with why (to be tried again). Blocks for one or two round trips. */
static int gen_enrol(const gen_opts *o, gen_kiosk *k, char *why)
{
    long status = 0;
    gen_handle(k, o->core, PROTO_PATH_CHALLENGE);
    if (curl_easy_perform(k->h) != CURLE_OK) return why_set(why, "no core at %s", o->core);
    curl_easy_getinfo(k->h, CURLINFO_RESPONSE_CODE, &status);
    k->answer[k->alen] = 0;
    json_t *a = json_loads(k->answer, 0, NULL);
    const char *ch = json_string_value(json_object_get(a, "challenge")),
               *core = json_string_value(json_object_get(a, "core"));
    char text[512], sig[129];
    int rc = -1;
    if (status != 200 || !ch || !core || !hex_valid(core, 64))
        why_set(why, "the challenge: HTTP %ld", status);
    else if (gen_core_pub[0] && strcmp(core, gen_core_pub) != 0)
        why_set(why, "the core answers with key %.16s, not the pinned %.16s", core, gen_core_pub);
    else {
        if (!gen_core_pub[0]) memcpy(gen_core_pub, core, 65);
        int n = snprintf(text, sizeof text, PROTO_ENROL_TEXT, PROTO_ENROL_VERSION, core, ch,
                         bank_signer_pub(k->key), k->label);
        json_t *b = n > 0 && (size_t)n < sizeof text &&
                            bank_signer_sign(k->key, text, (size_t)n, sig) == BANK_OK
                        ? json_pack("{s:i, s:s, s:s, s:s, s:s, s:s}", "version",
                                    PROTO_ENROL_VERSION, "pub", bank_signer_pub(k->key), "name",
                                    k->label, "core", core, "challenge", ch, "sig", sig)
                        : NULL;
        char *body = b ? json_dumps(b, JSON_COMPACT) : NULL;
        json_decref(b);
        struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: " PROTO_TYPE_JSON);
        gen_handle(k, o->core, PROTO_PATH_KIOSKS);
        curl_easy_setopt(k->h, CURLOPT_HTTPHEADER, hd);
        curl_easy_setopt(k->h, CURLOPT_POSTFIELDS, body ? body : "");
        status = 0;
        if (body && curl_easy_perform(k->h) == CURLE_OK)
            curl_easy_getinfo(k->h, CURLINFO_RESPONSE_CODE, &status);
        curl_slist_free_all(hd);
        free(body);
        k->answer[k->alen] = 0;
        json_t *e = json_loads(k->answer, 0, NULL);
        const char *state = json_string_value(json_object_get(e, "state"));
        if (status >= 200 && status < 300 && state) {
            gen_say(k, "enrolled", "%.16s %s from %s", bank_signer_pub(k->key), state, k->addr);
            rc = 0;
        } else {
            why_set(why, "enrolment: HTTP %ld %.100s", status, k->answer);
        }
        json_decref(e);
    }
    json_decref(a);
    return rc;
}

/* The kiosk obeys the checked command c (the JSON object cmd, for its
 * minutes and seat) as a seat would, and says so. */
static void gen_obey(gen_tally *t, gen_kiosk *k, const checkin_cmd *c, json_t *cmd)
{
    long long minutes = (long long)json_integer_value(json_object_get(cmd, "minutes"));
    const char *to = json_string_value(json_object_get(cmd, "seat"));
    const char *kind = c->kind, *nip = json_string_value(json_object_get(cmd, "nip"));
    bool sat = k->phase == GEN_EXAM || k->phase == GEN_AUTHORISE;
    k->obeyed = c->seq;
    k->dirty = true;  /* acknowledged at once */
    if (nip && nip[0] && (!sat || strcmp(nip, k->nip) != 0)) {
        gen_say(k, "skipped", "%s %lld: for participant %s, not this one", kind, c->seq, nip);
        return;
    }
    if (strcmp(kind, "extend") == 0) k->limit_ms += minutes * 60000;
    else if (strcmp(kind, "pause") == 0) k->paused = true;
    else if (strcmp(kind, "resume") == 0) k->paused = false;
    else if (strcmp(kind, "lock") == 0) k->locked = true;
    else if (strcmp(kind, "unlock") == 0) k->locked = false;
    else if (strcmp(kind, "authorise") == 0 && k->phase == GEN_AUTHORISE) k->phase = GEN_EXAM;
    else if (strcmp(kind, "end") == 0 && sat) k->phase = GEN_RESULT;
    if (strcmp(kind, "release") == 0 || strcmp(kind, "move-out") == 0 ||
        strcmp(kind, "end") == 0) {
        snprintf(k->screen, sizeof k->screen, "%s",
                 kind[0] == 'r' ? "released" : kind[0] == 'm' ? "moved" : "ended");
        if (kind[0] != 'e') k->nip[0] = 0;
        k->phase = GEN_GONE;
    }
    for (size_t i = 0; i < GEN_NKINDS; i++)
        if (strcmp(kind, gen_kinds[i]) == 0) t->obeyed[i]++;
    gen_say(k, "obeyed", "%s %lld minutes=%lld seat=%s text=%s", kind, c->seq, minutes,
            to ? to : "", c->text);
}

/* Checks every command of the answer in k as the kiosk does and obeys the good ones. */
static void gen_commands(gen_tally *t, gen_kiosk *k)
{
    json_t *a = json_loadb(k->answer, k->alen, 0, NULL), *v;
    size_t i;
    json_array_foreach(json_object_get(a, "commands"), i, v) {
        char *text = json_dumps(v, JSON_COMPACT), why[WHY_SIZE] = "";
        checkin_cmd c;
        if (text && checkin_cmd_check(text, strlen(text), gen_core_pub,
                                      bank_signer_pub(k->key), k->obeyed, &c, why) == 0)
            gen_obey(t, k, &c, v);
        else if (!strstr(why, "replayed")) {
            t->cmd_refused++;
            gen_say(k, "refused", "command: %s", why);
        }
        free(text);
    }
    json_decref(a);
}

/* The answer to k's state has come: HTTP status (0 none). */
static void gen_answered(gen_tally *t, gen_kiosk *k, long status)
{
    k->answer[k->alen] = 0;
    free(k->body);
    k->body = NULL;
    k->busy = false;
    if ((status == 0) != k->down) {
        k->down = status == 0;
        t->down += k->down ? 1 : -1;
        if (k->down && t->down == 1) gen_say(NULL, "unreachable", "no core at the first kiosk");
        if (!k->down && t->down == 0) gen_say(NULL, "reachable", "every kiosk reaches the core");
    }
    if (status == 0) t->unreachable++;
    else if (status == 200) {
        t->taken++;
        if (!k->approved) gen_say(k, "approved", "first state taken");
        k->approved = true;
        gen_commands(t, k);
    } else if (status == 403) t->not_approved++;
    else if (status == 409) {
        json_t *a = json_loads(k->answer, 0, NULL);
        long long last = (long long)json_integer_value(json_object_get(a, "last"));
        if (last > k->seq) k->seq = last;
        json_decref(a);
        t->replayed++;
        k->dirty = true;
    } else {
        t->refused++;
        gen_say(k, "refused", "state: HTTP %ld %.200s", status, k->answer);
    }
}

/* Sends k's state now (seq from the wall clock, above the last; ack the
 * last command obeyed) on the multi handle m. */
static void gen_send(const gen_opts *o, gen_tally *t, CURLM *m, gen_kiosk *k)
{
    long long now = (long long)clk_wall_ms();
    k->seq = now > k->seq ? now : k->seq + 1;
    bool sat = k->phase == GEN_EXAM || k->phase == GEN_AUTHORISE || k->phase == GEN_RESULT ||
               (k->phase == GEN_GONE && k->nip[0]);
    char mark[PROBE_NIP];
    probe_nip(k->mark, mark);
    wire_state s = {.seat = k->label, .screen = k->screen,
                    .nip = k->mark ? mark : sat ? k->nip : "",
                    .name = sat ? k->name : "", .session = o->session,
                    .lease = sat ? "held" : "", .delivery = "delivering",
                    .program = "room_gen", .seq = k->seq, .ack = k->obeyed,
                    .left_ms = k->phase == GEN_EXAM ? k->limit_ms - k->used_ms : 0,
                    .attempt = sat ? 1 : 0, .answered = k->answered,
                    .flagged = k->mark ? (int)k->mark : k->flagged,
                    .total = sat ? k->total : 0, .incidents = k->incidents,
                    .jseq = sat ? 2 + k->answered : 0};
    char sig[129], h1[100], h2[200];
    k->body = wire_state_body(&s);
    if (!k->body || bank_signer_sign(k->key, k->body, strlen(k->body), sig) != BANK_OK) {
        free(k->body);
        k->body = NULL;
        return;
    }
    snprintf(h1, sizeof h1, PROTO_HEADER_KIOSK ": %s", bank_signer_pub(k->key));
    snprintf(h2, sizeof h2, PROTO_HEADER_SIGNATURE ": %s", sig);
    curl_slist_free_all(k->hdrs);
    k->hdrs = curl_slist_append(NULL, "Content-Type: " PROTO_TYPE_JSON);
    k->hdrs = curl_slist_append(k->hdrs, "Expect:");
    k->hdrs = curl_slist_append(k->hdrs, h1);
    k->hdrs = curl_slist_append(k->hdrs, h2);
    gen_handle(k, o->core, PROTO_PATH_ROOM_STATE);
    curl_easy_setopt(k->h, CURLOPT_HTTPHEADER, k->hdrs);
    curl_easy_setopt(k->h, CURLOPT_POSTFIELDS, k->body);
    curl_multi_add_handle(m, k->h);
    k->busy = true;
    k->dirty = false;
    k->next_at = clk_mono_ms() + o->period_ms;
    t->sent++;
}

/* One step of kiosk k at time now: the participant sits down, answers,
 * finishes; the seat goes silent once if it is one of those that do. */
static void gen_step(const gen_opts *o, gen_kiosk *k, int64_t now)
{
    char before[GEN_FIELD];
    snprintf(before, sizeof before, "%s", k->screen);
    int answered = k->answered, incidents = k->incidents;
    if (k->phase == GEN_WAIT && now >= k->start_at) {
        k->phase = o->authorise ? GEN_AUTHORISE : GEN_EXAM;
        k->last_ms = now;
        gen_say(k, "sits", "%s %s", k->nip, k->name);
    }
    if (k->phase == GEN_EXAM) {
        if (!k->paused && !k->locked) k->used_ms += now - k->last_ms;
        k->answered = (int)(k->used_ms / (o->item_s * 1000));
        if (k->answered > k->total) k->answered = k->total;
        k->flagged = k->answered / 10;
        if (k->incidents == 0 && k->incident_at && k->used_ms > k->incident_at) {
            k->incidents = 1;   /* a few seats: the window lost its focus once */
            gen_say(k, "incident", "focus-lost");
        }
        if (k->answered == k->total || k->used_ms >= k->limit_ms) {
            k->phase = GEN_RESULT;
            gen_say(k, "submits", "%d of %d answered", k->answered, k->total);
        }
    }
    k->last_ms = now;
    if (k->phase != GEN_GONE)
        snprintf(k->screen, sizeof k->screen, "%s",
                 k->phase == GEN_WAIT        ? "identify"
                 : k->phase == GEN_AUTHORISE ? "authorise"
                 : k->phase == GEN_RESULT    ? "result"
                 : k->locked                 ? "seat-locked"
                 : k->paused                 ? "paused"
                                             : "exam");
    if (strcmp(before, k->screen) || answered != k->answered || incidents != k->incidents)
        k->dirty = true;
}

/* True when the file CONTROL/SEAT.off tells kiosk k to be silent. */
static bool gen_told_off(const gen_opts *o, const gen_kiosk *k)
{
    char path[4200];
    struct stat sb;
    if (!o->control) return false;
    snprintf(path, sizeof path, "%s/%s.off", o->control, k->label);
    return stat(path, &sb) == 0;
}

/* Sets up kiosk number i of n: seat, participant, folder, key, address,
 * its times. 0, or -1 with why. */
static int gen_kiosk_new(const gen_opts *o, gen_kiosk *k, int i, int n, char *why)
{
    bank_err e = BANK_OK;
    char path[4200];
    if (o->roster && gen_roster_row(o->roster, o->from + i, k) != 0)
        return why_set(why, "%s has no participant on row %d (one a seat)", o->roster,
                       o->from + i);
    if (!o->roster) {
        snprintf(k->nip, sizeof k->nip, "1990%02d%02d2015%02d1%03d", 1 + i % 12, 1 + i % 28,
                 1 + i / 12 % 12, i % 1000);
        snprintf(k->name, sizeof k->name, "Peserta %s", k->label);
    }
    snprintf(k->dir, sizeof k->dir, "%s/%s", o->dir, k->label);
    if (mkdir(k->dir, 0700) != 0 && errno != EEXIST)
        return why_set(why, "%s: %s", k->dir, strerror(errno));
    snprintf(path, sizeof path, "%s/kiosk", k->dir);
    if (!(k->key = bank_signer_open(path, &e, why))) return -1;
    if (!(k->h = curl_easy_init())) return why_set(why, "no curl handle");
    snprintf(k->addr, sizeof k->addr, "127.77.%d.%d", i / 250, i % 250 + 1);
    int64_t t0 = gen_t0;
    k->start_at = t0 + (o->spread_s ? (int64_t)o->spread_s * 1000 * i / n : 0);
    k->limit_ms = (int64_t)o->minutes * 60000;
    k->total = 50;
    k->incident_at = i % 5 == 2 ? 2LL * o->item_s * 1000 : 0;
    if ((long long)i * o->offline / n != (long long)(i + 1) * o->offline / n) {
        k->offline_at = t0 + 5000 + (int64_t)i * 97 % 5000;
        k->offline_until = k->offline_at + (int64_t)o->offline_s * 1000;
    }
    snprintf(k->screen, sizeof k->screen, "identify");
    return 0;
}

/* Prints the closing lines. */
static void gen_summary(const gen_tally *t, int n)
{
    gen_say(NULL, "stopped", "%d kiosks: %lld states sent, %lld taken, %lld refused as not "
            "approved, %lld replayed, %lld refused otherwise, %lld found no core", n, t->sent,
            t->taken, t->not_approved, t->replayed, t->refused, t->unreachable);
    printf("        commands obeyed:");
    for (size_t i = 0; i < GEN_NKINDS; i++) printf(" %s %lld", gen_kinds[i], t->obeyed[i]);
    printf("; refused %lld\n", t->cmd_refused);
}

/* One step of the latency probe on the first seat; true when it is over. */
static bool gen_probe_step(probe *pr, gen_kiosk *ks, int n)
{
    bool all = true;
    for (int i = 0; i < n && all; i++) all = ks[i].approved;
    switch (probe_step(pr, all)) {
    case PROBE_NEW:
        ks[0].mark = probe_mark(pr);
        ks[0].dirty = true;
        return false;
    case PROBE_SEEN:
        gen_say(&ks[0], "probe", "%s", probe_last(pr));
        return false;
    case PROBE_LOST:
        gen_say(&ks[0], "probe", "mark %lld not seen within 5 s", probe_mark(pr));
        return false;
    case PROBE_FAILED:
        gen_say(NULL, "error", "latency probe: %s", probe_last(pr));
        return true;
    case PROBE_DONE:
        return true;
    default:
        return false;
    }
}

/* One step of the room: every kiosk enrols or steps and sends its state
 * when due; the answers that came are read. pr (may be NULL) notes when
 * the probe's mark leaves and its answer comes. */
static void gen_tick(const gen_opts *o, gen_tally *t, CURLM *m, gen_kiosk *ks, int n,
                     probe *pr)
{
    char why[WHY_SIZE] = "";
    int64_t now = clk_mono_ms();
    for (int i = 0; i < n; i++) {
        gen_kiosk *k = &ks[i];
        if (!k->enrolled) {
            if (now < k->enrol_at) continue;
            if (gen_enrol(o, k, why) == 0) k->enrolled = true;
            else k->enrol_at = now + 2000;
            continue;
        }
        gen_step(o, k, now);
        bool silent = (k->offline_at && now >= k->offline_at && now < k->offline_until) ||
                      gen_told_off(o, k);
        if (silent != k->silent)
            gen_say(k, silent ? "offline" : "online", "%s", silent ? "silent" : "sending again");
        k->silent = silent;
        if (k->busy || silent || (!k->dirty && now < k->next_at)) continue;
        gen_send(o, t, m, k);
        if (pr && i == 0 && k->busy) probe_sent(pr);
    }
    int running = 0, left;
    curl_multi_perform(m, &running);
    CURLMsg *msg;
    while ((msg = curl_multi_info_read(m, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE) continue;
        gen_kiosk *k = NULL;
        long status = 0;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&k);
        if (msg->data.result == CURLE_OK)
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
        curl_multi_remove_handle(m, msg->easy_handle);
        if (pr && k == &ks[0]) probe_answered(pr);
        gen_answered(t, k, status);
    }
}

int main(int argc, char **argv)
{
    gen_opts o;
    gen_args(argc, argv, &o);
    char why[WHY_SIZE] = "";
    if (mkdir(o.dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "room_gen: %s: %s\n", o.dir, strerror(errno));
        return 1;
    }
    if (o.core_key && corekey_read(o.core_key, gen_core_pub, why) != 1) {
        fprintf(stderr, "room_gen: --core-key %s: %s\n", o.core_key, why[0] ? why : "missing");
        return 1;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "room_gen: cannot initialise libcurl\n");
        return 1;
    }
    gen_kiosk *ks = calloc(GEN_MAX, sizeof *ks);
    CURLM *m = curl_multi_init();
    if (!ks || !m) {
        fprintf(stderr, "room_gen: out of memory\n");
        return 1;
    }
    gen_t0 = clk_mono_ms();
    int n = 0, rc = 0;
    for (int r = 0; r < o.rows && n < o.kiosks; r++)
        for (int c = 0; c < o.cols && n < o.kiosks; c++) {
            snprintf(ks[n].label, GEN_FIELD, "%c%02d", 'A' + r, c + 1);
            if (!gen_skipped(o.skip, ks[n].label)) n++;
        }
    for (int i = 0; i < n && rc == 0; i++)
        if (gen_kiosk_new(&o, &ks[i], i, n, why) != 0) {
            fprintf(stderr, "room_gen: seat %s: %s\n", ks[i].label, why);
            rc = 1;
        }
    struct sigaction sa = {.sa_handler = gen_on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int64_t end = gen_t0 + (int64_t)o.seconds * 1000;
    gen_tally t = {0};
    if (rc == 0)
        gen_say(NULL, "started", "%d kiosks at %s for %d s, a state every %d ms", n, o.core,
                o.seconds, o.period_ms);
    probe *pr = NULL;
    if (rc == 0 && o.latency) {
        const char *f = o.proctor_file ? o.proctor_file : o.operator_file;
        pr = probe_new(o.core, ks[0].label, f, o.proctor_file != NULL, o.latency, o.wait_file,
                       why);
        if (!pr) {
            fprintf(stderr, "room_gen: --latency: %s\n", why);
            rc = 1;
        }
    }
    while (rc == 0 && !gen_stop && clk_mono_ms() < end) {
        gen_tick(&o, &t, m, ks, n, pr);
        curl_multi_poll(m, NULL, 0, GEN_TICK_MS, NULL);
        if (pr && gen_probe_step(pr, ks, n)) break;
    }
    for (int i = 0; i < n; i++) {
        if (ks[i].busy) curl_multi_remove_handle(m, ks[i].h);
        if (ks[i].h) curl_easy_cleanup(ks[i].h);
        curl_slist_free_all(ks[i].hdrs);
        free(ks[i].body);
        bank_signer_free(ks[i].key);
    }
    if (rc == 0) gen_summary(&t, n);
    if (pr) rc = probe_end(pr, n);
    curl_multi_cleanup(m);
    curl_global_cleanup();
    free(ks);
    return rc ? rc : t.taken > 0 ? 0 : 1;
}
