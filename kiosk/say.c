/* say.c -- what read aloud speaks for each screen and event: pure functions over the screen's own texts. */
#include "say.h"

#include <stdio.h>
#include <string.h>

/* Text being built into a caller's buffer. */
typedef struct said {
    char *out;
    size_t cap, len;
} said;

static said start(char *out, size_t cap)
{
    if (cap) out[0] = 0;
    return (said){out, cap, 0};
}

/* Appends `n` bytes of t, a line break read as a space; cuts at a character boundary. */
static void raw(said *d, const char *t, size_t n)
{
    if (!d->cap) return;
    for (size_t i = 0; i < n && t[i]; i++) {
        if (d->len + 1 >= d->cap) {
            while (d->len && ((unsigned char)d->out[d->len] & 0xC0) == 0x80) d->len--;
            break;
        }
        d->out[d->len++] = t[i] == '\n' ? ' ' : t[i];
    }
    /* never leave half a character at the end */
    size_t k = d->len;
    while (k && ((unsigned char)d->out[k - 1] & 0xC0) == 0x80) k--;
    if (k && ((unsigned char)d->out[k - 1] & 0xC0) == 0xC0) {
        unsigned char lead = (unsigned char)d->out[k - 1];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        if (d->len - (k - 1) < need) d->len = k - 1;
    }
    d->out[d->len] = 0;
}

/* Appends a sentence: t, then ". " unless it already ends a sentence. */
static void put(said *d, const char *t)
{
    if (!t || !*t) return;
    size_t n = strlen(t);
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\n')) n--;
    if (!n) return;
    if (d->len) raw(d, " ", 1);
    raw(d, t, n);
    char last = t[n - 1];
    if (last != '.' && last != '!' && last != '?' && last != ':') raw(d, ".", 1);
}

/* Appends the text of `key` filled with args. */
static void put_fill(said *d, const texts *s, const char *key, const char *const *args, int n)
{
    char line[1024];
    texts_fill(line, sizeof line, texts_get(s, key), args, n);
    put(d, line);
}

/* Appends "label: value". */
static void put_row(said *d, const texts *s, const char *label, const char *value)
{
    char line[2048];
    snprintf(line, sizeof line, "%s: %s", texts_get(s, label), value ? value : "");
    put(d, line);
}

static void put_int(said *d, const texts *s, const char *key, long v)
{
    char a[24];
    snprintf(a, sizeof a, "%ld", v);
    const char *args[] = {a};
    put_fill(d, s, key, args, 1);
}

size_t say_score(const texts *s, int v, char *out, size_t cap)
{
    const char *dec = texts_get(s, "fmt.decimal");
    if (strcmp(dec, "fmt.decimal") == 0) dec = ",";
    int n = v < 0 ? snprintf(out, cap, "-") : snprintf(out, cap, "%d%s%02d", v / 100, dec, v % 100);
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap ? cap - 1 : 0;
}

/* Digits spoken one by one: "1 9 8". */
static void put_spelled(said *d, const char *label, const char *typed)
{
    char line[160];
    size_t k = (size_t)snprintf(line, sizeof line, "%s:", label);
    for (const char *p = typed; p && *p && k + 3 < sizeof line; p++) {
        line[k++] = ' ';
        line[k++] = *p;
    }
    line[k < sizeof line ? k : sizeof line - 1] = 0;
    put(d, line);
}

/* How many characters were typed into a secret field. */
static void put_secret(said *d, const texts *s, const char *label, size_t n)
{
    char a[24], line[256];
    snprintf(a, sizeof a, "%zu", n);
    const char *args[] = {a};
    texts_fill(line, sizeof line, texts_get(s, "say.typed"), args, 1);
    put_row(d, s, label, line);
}

static size_t unanswered(const app_view *v)
{
    size_t n = 0;
    for (int i = 0; v->answered && i < v->nitems; i++) n += !v->answered[i];
    return v->answered ? n : (size_t)(v->nitems > 0 ? v->nitems : 0);
}

size_t say_option(const texts *s, const app_view *v, int k, char *out, size_t cap)
{
    said d = start(out, cap);
    if (k < 0 || k >= v->noptions || k >= BANK_MAX_OPTIONS) return 0;
    char letter[2] = {(char)('A' + k), 0}, line[1024];
    snprintf(line, sizeof line, "%s: %s", letter, v->options[k] ? v->options[k] : "");
    put(&d, line);
    if (v->chosen[k]) put(&d, texts_get(s, "say.chosen"));
    return d.len;
}

size_t say_item(const texts *s, const app_view *v, char *out, size_t cap)
{
    said d = start(out, cap);
    char a[16], b[16], first[2] = "A", last[2] = {(char)('A' + (v->noptions > 1 ? v->noptions - 1 : 0)), 0};
    snprintf(a, sizeof a, "%zu", v->cur + 1);
    snprintf(b, sizeof b, "%d", v->nitems);
    const char *args[] = {a, b};
    put_fill(&d, s, "exam.counter", args, 2);
    if (v->flagged) put(&d, texts_get(s, "say.flag.on"));
    put(&d, v->stem);
    const char *hargs[] = {first, last};
    put_fill(&d, s, v->multi ? "exam.multi" : v->truefalse ? "exam.truefalse" : "exam.single",
             hargs, 2);
    for (int k = 0; k < v->noptions && k < BANK_MAX_OPTIONS; k++) {
        char opt[2048];
        say_option(s, v, k, opt, sizeof opt);
        put(&d, opt);
    }
    return d.len;
}

size_t say_time(const texts *s, const app_view *v, char *out, size_t cap)
{
    said d = start(out, cap);
    long secs = (long)((v->remaining_ms > 0 ? v->remaining_ms : 0) + 999) / 1000;
    char m[24], sec[24];
    snprintf(m, sizeof m, "%ld", secs / 60);
    snprintf(sec, sizeof sec, "%ld", secs % 60);
    const char *args[] = {m, sec};
    put_fill(&d, s, "say.time", args, 2);
    return d.len;
}

size_t say_unanswered(const texts *s, const app_view *v, char *out, size_t cap)
{
    said d = start(out, cap);
    put_int(&d, s, "confirm.unanswered", (long)unanswered(v));
    return d.len;
}

size_t say_warning(const texts *s, const app_view *v, char *out, size_t cap)
{
    said d = start(out, cap);
    if (!v->warning) return 0;
    long secs = (long)((v->remaining_ms > 0 ? v->remaining_ms : 0) + 999) / 1000;
    char a[24], b[24];
    const char *args[] = {a, b};
    if (v->warning == 1) snprintf(a, sizeof a, "%ld", secs);
    else {
        snprintf(a, sizeof a, "%ld", secs / 60);
        snprintf(b, sizeof b, "%ld", secs % 60);
    }
    char line[512];
    texts_fill(line, sizeof line, texts_get(s, v->warning == 1 ? "exam.warn1" : "exam.warn5"),
               args, v->warning == 1 ? 1 : 2);
    raw(&d, line, strlen(line));
    return d.len;
}

size_t say_message(const texts *s, const app_view *v, char *out, size_t cap)
{
    said d = start(out, cap);
    if (!v->msg || !*v->msg) return 0;
    put(&d, texts_get(s, v->msg));
    if (strcmp(v->msg, "identify.wrongpin") == 0 && v->tries_left > 0)
        put_int(&d, s, "identify.tries", v->tries_left);
    return d.len;
}

size_t say_focus(const texts *s, const app_view *v, char *out, size_t cap)
{
    said d = start(out, cap);
    put(&d, texts_get(s, v->confirm_focus == 1 ? "confirm.yes" : "confirm.no"));
    return d.len;
}

size_t say_flag(const texts *s, const app_view *v, char *out, size_t cap)
{
    said d = start(out, cap);
    put(&d, texts_get(s, v->flagged ? "say.flag.on" : "say.flag.off"));
    return d.len;
}

/* The item numbers (1-based) where list[i] == want, or review.none. */
static void put_numbers(said *d, const texts *s, const char *label, const bool *list, bool want,
                        int n)
{
    char line[1024];
    size_t k = (size_t)snprintf(line, sizeof line, "%s:", texts_get(s, label));
    bool any = false;
    for (int i = 0; list && i < n && k + 8 < sizeof line; i++)
        if (list[i] == want) {
            k += (size_t)snprintf(line + k, sizeof line - k, "%s %d", any ? "," : "", i + 1);
            any = true;
        }
    if (!any) snprintf(line + k, sizeof line - k, " %s", texts_get(s, "review.none"));
    put(d, line);
}

/* The exam's facts of the instructions, the rules and `last` (the start
 * button, or the wait for the proctor's leave). */
static void put_instructions(said *d, const texts *s, const app_view *v, const char *last)
{
    char a[1100], b[64], c[64];
    put(d, texts_get(s, "instr.title"));
    put(d, v->exam_title);
    put_row(d, s, "instr.participant", v->name);
    put_row(d, s, "instr.kind", v->exam_kind && *v->exam_kind ? texts_get(s, v->exam_kind) : "");
    snprintf(b, sizeof b, "%d", v->nitems);
    texts_fill(a, sizeof a, texts_get(s, "instr.items.value"), (const char *[]){b}, 1);
    put_row(d, s, "instr.items", a);
    snprintf(b, sizeof b, "%d", v->minutes);
    snprintf(c, sizeof c, "%d", v->extra_minutes);
    texts_fill(a, sizeof a,
               texts_get(s, v->extra_minutes > 0 ? "instr.minutes.extra" : "instr.minutes.value"),
               (const char *[]){b, c}, 2);
    put_row(d, s, "instr.minutes", a);
    snprintf(b, sizeof b, "%d", v->attempt);
    texts_fill(a, sizeof a, texts_get(s, "instr.attempt.value"), (const char *[]){b}, 1);
    put_row(d, s, "instr.attempt", a);
    if (v->ceiling > 0) {
        say_score(s, v->ceiling, b, sizeof b);
        put_row(d, s, "instr.ceiling", b);
    }
    say_score(s, v->pass_mark, b, sizeof b);
    put_row(d, s, "instr.passmark", b);
    put(d, texts_get(s, "instr.body"));
    put(d, texts_get(s, last));
}

/* The proctor's reason, when one was given. */
static void put_reason(said *d, const texts *s, const app_view *v)
{
    if (v->reason && *v->reason) put_fill(d, s, "room.reason", (const char *[]){v->reason}, 1);
}

/* The screens of the proctor's commands. */
static void room_text(said *d, const texts *s, const app_view *v)
{
    char a[256];
    const char *seat[] = {v->moved_to ? v->moved_to : ""};
    switch (v->scr) {
    case SCR_PAUSED:
        put(d, texts_get(s, "paused.title"));
        put(d, texts_get(s, "paused.body"));
        put_reason(d, s, v);
        say_time(s, v, a, sizeof a);
        put(d, a);
        break;
    case SCR_SEAT_LOCKED:
        put(d, texts_get(s, "seatlock.title"));
        put(d, texts_get(s, "seatlock.body"));
        put_reason(d, s, v);
        put_secret(d, s, "proctor.code", v->code ? strlen(v->code) : 0);
        break;
    case SCR_AUTHORISE:
        put_instructions(d, s, v, "authorise.hint");
        put_secret(d, s, "proctor.code", v->code ? strlen(v->code) : 0);
        break;
    case SCR_RELEASED:
    case SCR_MOVED:
        put(d, texts_get(s, v->scr == SCR_MOVED ? "moved.title" : "released.title"));
        put_fill(d, s, v->scr == SCR_MOVED ? "moved.body" : "released.body", seat, 1);
        put(d, texts_get(s, "room.next"));
        break;
    default:
        put(d, texts_get(s, "ended.title"));
        put(d, texts_get(s, "ended.body"));
        break;
    }
}

static void screen_text(said *d, const texts *s, const app_view *v)
{
    char a[1100], b[64], c[64];
    switch (v->scr) {
    case SCR_IDENTIFY:
        put(d, texts_get(s, "identify.title"));
        put(d, texts_get(s, "identify.hint"));
        put_spelled(d, texts_get(s, "identify.nip"), v->nip);
        put_secret(d, s, "identify.pin", v->pin_len);
        break;
    case SCR_DAMAGE: /* for the proctor: its title; the damage itself is the message */
        put(d, texts_get(s, "damage.title"));
        break;
    case SCR_LOCKED:
    case SCR_PROCTOR: {
        bool locked = v->scr == SCR_LOCKED;
        put(d, texts_get(s, locked ? "locked.title" : "proctor.title"));
        put(d, texts_get(s, locked ? "locked.hint" : "proctor.hint"));
        put_secret(d, s, locked ? "locked.code" : "proctor.code", v->code ? strlen(v->code) : 0);
        if (v->msg && strcmp(v->msg, locked ? "locked.hint" : "proctor.hint") == 0) return;
        break;
    }
    case SCR_WAIT:
        put(d, texts_get(s, "wait.title"));
        if (v->name && *v->name) {
            const char *args[] = {v->name};
            put_fill(d, s, "wait.welcome", args, 1);
        }
        put(d, texts_get(s, "wait.hint"));
        put_spelled(d, texts_get(s, "wait.token"), v->token);
        break;
    case SCR_INSTRUCTIONS:
        put_instructions(d, s, v, "instr.start");
        break;
    case SCR_EXAM:
        d->len += say_item(s, v, d->out + d->len, d->cap - d->len);
        return;
    case SCR_REVIEW:
        put(d, texts_get(s, "review.title"));
        put_numbers(d, s, "review.unanswered", v->answered, false, v->nitems);
        put_numbers(d, s, "review.flagged", v->flags, true, v->nitems);
        put(d, texts_get(s, "review.back"));
        put(d, texts_get(s, "review.submit"));
        break;
    case SCR_CONFIRM:
        put(d, texts_get(s, "confirm.title"));
        put(d, texts_get(s, "confirm.question"));
        if (unanswered(v)) put_int(d, s, "confirm.unanswered", (long)unanswered(v));
        say_focus(s, v, a, sizeof a);
        put(d, a);
        put(d, texts_get(s, "confirm.keys"));
        break;
    case SCR_TIMEOUT:
        put(d, texts_get(s, "timeout.title"));
        snprintf(b, sizeof b, "%zu", v->nitems - unanswered(v));
        snprintf(c, sizeof c, "%d", v->nitems);
        put_fill(d, s, "timeout.body", (const char *[]){b, c}, 2);
        put(d, texts_get(s, "timeout.next"));
        break;
    case SCR_RESULT: {
        const bank_score *sc = &v->score;
        char raw_s[32], ceil_s[32];
        put(d, texts_get(s, "result.title"));
        put(d, v->exam_title);
        put(d, v->name);
        say_score(s, sc->raw, raw_s, sizeof raw_s);
        put_row(d, s, "result.raw", raw_s);
        say_score(s, sc->ceiling, ceil_s, sizeof ceil_s);
        put_row(d, s, "result.ceiling", ceil_s);
        say_score(s, v->pass_mark, b, sizeof b);
        put_row(d, s, "result.passmark", b);
        say_score(s, sc->awarded, b, sizeof b);
        put_row(d, s, "result.awarded", b);
        char en[96];
        snprintf(en, sizeof en, "%s", v->band_en ? v->band_en : "");
        if (en[0] >= 'a' && en[0] <= 'z') en[0] = (char)(en[0] - 'a' + 'A');
        texts_fill(a, sizeof a, texts_get(s, "result.band.value"),
                   (const char *[]){sc->band ? sc->band : "", en}, 2);
        put_row(d, s, "result.band", a);
        if (sc->awarded < sc->raw) {
            snprintf(c, sizeof c, "%d", v->attempt);
            put_fill(d, s, "result.capped", (const char *[]){raw_s, c, ceil_s}, 3);
        }
        put(d, texts_get(s, sc->passed ? "result.passed" : "result.failed"));
        put(d, texts_get(s, "result.next"));
        break;
    }
    case SCR_PAUSED:
    case SCR_SEAT_LOCKED:
    case SCR_AUTHORISE:
    case SCR_RELEASED:
    case SCR_MOVED:
    case SCR_ENDED:
        room_text(d, s, v);
        break;
    case SCR_ERROR:
        put(d, texts_get(s, "error.title"));
        if (v->msg && *v->msg) put(d, texts_get(s, v->msg));
        if (v->cause && *v->cause)
            put_fill(d, s, v->cause, (const char *[]){v->subject ? v->subject : ""}, 1);
        put(d, texts_get(s, "error.hint"));
        return;
    }
    if (v->msg && *v->msg) {
        say_message(s, v, a, sizeof a);
        put(d, a);
    }
}

size_t say_screen(const texts *s, const app_view *v, char *out, size_t cap)
{
    said d = start(out, cap);
    screen_text(&d, s, v);
    return d.len;
}

void say_seen_take(say_seen *w, const app_view *v)
{
    memset(w, 0, sizeof *w);
    w->scr = v->scr;
    w->cur = v->cur;
    w->msg = v->msg ? v->msg : "";
    w->warning = v->warning;
    w->focus = v->confirm_focus;
    w->flagged = v->flagged;
    w->aloud = v->aloud;
    for (int k = 0; k < v->noptions && k < BANK_MAX_OPTIONS; k++) w->chosen[k] = v->chosen[k];
    w->nip_len = v->nip ? strlen(v->nip) : 0;
    w->token_len = v->token ? strlen(v->token) : 0;
    w->seat = v->seat;
    w->notices = v->notices;
}

/* The proctor's notice in the footer, as it reads. */
static void put_notice(said *d, const texts *s, const app_view *v)
{
    if (!v->notice_key || !*v->notice_key) return;
    put_fill(d, s, v->notice_key, (const char *[]){v->notice ? v->notice : ""}, 1);
}

/* The letters chosen on the current item after an answer was saved. */
static void put_answer(said *d, const texts *s, const app_view *v)
{
    char letters[2 * BANK_MAX_OPTIONS + 1] = "";
    size_t k = 0;
    for (int i = 0; i < v->noptions && i < BANK_MAX_OPTIONS; i++)
        if (v->chosen[i]) {
            if (k) letters[k++] = ' ';
            letters[k++] = (char)('A' + i);
        }
    letters[k] = 0;
    if (k) put_fill(d, s, "say.answer", (const char *[]){letters}, 1);
}

/* The last character of a field that grew by one, spoken on its own. */
static void put_typed(said *d, const char *field, size_t was)
{
    size_t n = field ? strlen(field) : 0;
    if (n == was + 1) raw(d, field + was, 1);
}

size_t say_change(const texts *s, const say_seen *was, const app_view *v, char *out, size_t cap)
{
    said d = start(out, cap);
    const char *msg = v->msg ? v->msg : "";
    bool new_msg = *msg && strcmp(msg, was->msg) != 0;
    if (!v->aloud || v->seat != was->seat) return 0;  /* "read aloud is off" is only shown */
    if (!was->aloud) {
        if (*msg) put(&d, texts_get(s, msg));
        return d.len;
    }
    if (v->scr != was->scr || (v->scr == SCR_EXAM && v->cur != was->cur)) {
        return say_screen(s, v, out, cap);
    }
    if (v->notices != was->notices) put_notice(&d, s, v);
    if (v->warning && v->warning != was->warning) {
        char w[512];
        say_warning(s, v, w, sizeof w);
        put(&d, w);
    }
    bool answer = false;
    for (int k = 0; v->scr == SCR_EXAM && k < v->noptions && k < BANK_MAX_OPTIONS; k++)
        answer |= v->chosen[k] != was->chosen[k];
    if (new_msg || (answer && *msg)) {
        char m[1024];
        say_message(s, v, m, sizeof m);
        put(&d, m);
        if (answer) put_answer(&d, s, v);
    }
    if (v->scr == SCR_EXAM && v->flagged != was->flagged) {
        char f[256];
        say_flag(s, v, f, sizeof f);
        put(&d, f);
    }
    if (v->scr == SCR_CONFIRM && v->confirm_focus != was->focus) {
        char f[256];
        say_focus(s, v, f, sizeof f);
        put(&d, f);
    }
    if (v->scr == SCR_IDENTIFY && v->field == 0) put_typed(&d, v->nip, was->nip_len);
    if (v->scr == SCR_WAIT) put_typed(&d, v->token, was->token_len);
    return d.len;
}
