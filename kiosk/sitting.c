/* sitting.c -- the state of one attempt as a pure function of its journal events. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sitting.h"
#include "text.h"
#include "why.h"

#define SITTING_MAX_MINUTES 10080  /* a week: anything longer is a mistake */

/* Frees the form and arrays that J_BEGIN allocated. */
void sitting_clear(sitting *s)
{
    if (!s) return;
    bank_form_free(s->form);
    free(s->answer);
    free(s->answer_ms);
    free(s->flag);
    memset(s, 0, sizeof *s);
}

/* Reads the item index "i" of payload `o` into *i (must be < s->n). */
static int get_index(const sitting *s, json_t *o, size_t *i, char *why)
{
    json_t *v = json_object_get(o, "i");
    if (!json_is_integer(v)) return why_set(why, "event has no item index \"i\"");
    json_int_t k = json_integer_value(v);
    if (k < 0 || (size_t)k >= s->n)
        return why_set(why, "item index %lld is outside the form of %zu items", (long long)k, s->n);
    *i = (size_t)k;
    return 0;
}

/* J_BEGIN: parses the form, name and time limit; allocates the form and the
 * per-item arrays into s (freed by sitting_clear). Nothing in s changes on
 * failure. */
static int apply_begin(sitting *s, json_t *o, char *why)
{
    if (s->form) return why_set(why, "the attempt has already begun");
    json_t *fo = json_object_get(o, "form");
    const char *name = json_string_value(json_object_get(o, "name"));
    json_t *mv = json_object_get(o, "minutes");
    if (!json_is_object(fo) || !name || !json_is_integer(mv))
        return why_set(why, "begin event needs \"form\", \"name\" and \"minutes\"");
    json_int_t minutes = json_integer_value(mv);
    if (minutes < 1 || minutes > SITTING_MAX_MINUTES)
        return why_set(why, "time limit of %lld minutes is out of range", (long long)minutes);
    char *text = json_dumps(fo, JSON_COMPACT);
    if (!text) return why_set(why, "out of memory");
    bank_err err = BANK_OK;
    char bwhy[WHY_SIZE] = "";
    bank_form *f = bank_form_parse(text, strlen(text), &err, bwhy);
    free(text);
    if (!f) return why_set(why, "begin event: %s", bwhy[0] ? bwhy : bank_strerror(err));
    size_t n = bank_form_size(f);
    char (*answer)[BANK_MAX_OPTIONS + 1] = calloc(n, sizeof *answer);
    int64_t *answer_ms = malloc(n * sizeof *answer_ms);
    bool *flag = calloc(n, sizeof *flag);
    if (!answer || !answer_ms || !flag) {
        bank_form_free(f);
        free(answer);
        free(answer_ms);
        free(flag);
        return why_set(why, "out of memory");
    }
    for (size_t i = 0; i < n; i++) answer_ms[i] = -1;
    s->form = f;
    s->n = n;
    s->answer = answer;
    s->answer_ms = answer_ms;
    s->flag = flag;
    s->cur = 0;
    s->limit_ms = (int64_t)minutes * 60000;
    s->aloud = json_is_true(json_object_get(o, "aloud"));
    json_int_t extra = json_integer_value(json_object_get(o, "extra_minutes"));
    s->extra_minutes = extra > 0 && extra < minutes ? (int)extra : 0;
    text_copy(s->name, sizeof s->name, name);
    return 0;
}

/* J_ANSWER: validates the letters against the item's options and stores
 * them upper-case in alphabetical order ("" clears). */
static int apply_answer(sitting *s, json_t *o, const jevent *e, char *why)
{
    size_t i;
    if (get_index(s, o, &i, why)) return -1;
    const char *v = json_string_value(json_object_get(o, "v"));
    if (!v) return why_set(why, "answer event has no letters \"v\"");
    int noptions = 0;
    bank_form_item(s->form, i, NULL, NULL, &noptions);
    bool chosen[BANK_MAX_OPTIONS] = {false};
    for (const char *p = v; *p; p++) {
        int c = *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p;
        int k = c - 'A';
        if (k < 0 || k >= noptions)
            return why_set(why, "answer \"%.16s\" is not among options A..%c of item %zu", v,
                        'A' + noptions - 1, i + 1);
        if (chosen[k]) return why_set(why, "answer \"%.16s\" repeats a letter", v);
        chosen[k] = true;
    }
    char norm[BANK_MAX_OPTIONS + 1];
    size_t m = 0;
    for (int k = 0; k < noptions && k < BANK_MAX_OPTIONS; k++)
        if (chosen[k]) norm[m++] = (char)('A' + k);
    norm[m] = 0;
    memcpy(s->answer[i], norm, m + 1);
    s->answer_ms[i] = e->used_ms;
    return 0;
}

/* J_FLAG: "v" is 0/1 or false/true. */
static int apply_flag(sitting *s, json_t *o, char *why)
{
    size_t i;
    if (get_index(s, o, &i, why)) return -1;
    json_t *v = json_object_get(o, "v");
    bool on;
    if (json_is_boolean(v)) on = json_is_true(v);
    else if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1))
        on = json_integer_value(v) == 1;
    else return why_set(why, "flag event needs \"v\" 0 or 1");
    s->flag[i] = on;
    return 0;
}

/* J_INCIDENT: kept while there is room; later ones are ignored. */
static int apply_incident(sitting *s, json_t *o, const jevent *e, char *why)
{
    const char *what = json_string_value(json_object_get(o, "what"));
    if (!what || !*what) return why_set(why, "incident event has no \"what\"");
    if (s->nincidents >= SITTING_MAX_INCIDENTS) return 0;
    incident *in = &s->incidents[s->nincidents++];
    in->wall_ms = e->wall_ms;
    text_copy(in->what, sizeof in->what, what);
    return 0;
}

/* J_RESUME: adds the time the kiosk was down (never charged). */
static int apply_resume(sitting *s, json_t *o, char *why)
{
    json_t *v = json_object_get(o, "down_ms");
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return why_set(why, "resume event needs \"down_ms\" >= 0");
    json_int_t d = json_integer_value(v);
    s->down_ms = d > INT64_MAX - s->down_ms ? INT64_MAX : s->down_ms + d;
    return 0;
}

/* J_SUBMIT: "why" is "participant" or "timeout"; keeps what the result
 * takes from this moment (time, charged time, incidents so far, link). */
static int apply_submit(sitting *s, json_t *o, const jevent *e, char *why)
{
    const char *w = json_string_value(json_object_get(o, "why"));
    if (!w || (strcmp(w, "participant") != 0 && strcmp(w, "timeout") != 0))
        return why_set(why, "submit event needs \"why\": \"participant\" or \"timeout\"");
    s->submitted = true;
    snprintf(s->submit_why, sizeof s->submit_why, "%s", w);
    s->submit_wall_ms = e->wall_ms;
    s->submit_used_ms = e->used_ms;
    s->submit_incidents = s->nincidents;
    snprintf(s->submit_hash, sizeof s->submit_hash, "%s", e->hash ? e->hash : "");
    return 0;
}

/* Applies the kind-specific part of `e`, whose payload is the object `o`. */
static int apply_kind(sitting *s, const jevent *e, json_t *o, char *why)
{
    switch (e->kind) {
    case J_BEGIN:
        return apply_begin(s, o, why);
    case J_ANSWER:
        return apply_answer(s, o, e, why);
    case J_FLAG:
        return apply_flag(s, o, why);
    case J_NAV: {
        size_t i;
        if (get_index(s, o, &i, why)) return -1;
        s->cur = i;
        return 0;
    }
    case J_INCIDENT:
        return apply_incident(s, o, e, why);
    case J_RESUME:
        return apply_resume(s, o, why);
    case J_TICK:
    case J_LEASE:
    case J_ARRIVED: /* the events before it came from another seat: nothing changes */
        return 0;
    case J_SUBMIT:
        return apply_submit(s, o, e, why);
    case J_RESULT:
        if (!s->submitted) return why_set(why, "result event before the submission");
        s->has_result = true;
        return 0;
    }
    return why_set(why, "unknown event kind %d", (int)e->kind);
}

/* `s` starts zeroed ({0}) or cleared. A refused event leaves s unchanged. */
int sitting_apply(sitting *s, const jevent *e, char *why)
{
    if (!s || !e || !e->payload) return why_set(why, "no event");
    if (e->used_ms < 0) return why_set(why, "event charges negative time");
    if (e->kind != J_BEGIN && !s->form)
        return why_set(why, "event of kind %d before the attempt began", (int)e->kind);
    if (s->submitted && e->kind != J_RESULT && e->kind != J_INCIDENT)
        return why_set(why, "event of kind %d after the submission", (int)e->kind);
    if (!sitting_in_time(s, e->kind, e->used_ms))
        return why_set(why, "event of kind %d after the time limit", (int)e->kind);
    json_error_t jerr;
    json_t *o = json_loads(e->payload, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(o)) {
        json_decref(o);
        return why_set(why, "event payload is not a JSON object");
    }
    int rc = apply_kind(s, e, o, why);
    json_decref(o);
    if (rc != 0) return -1;
    s->used_ms = e->used_ms;
    s->last_wall_ms = e->wall_ms;
    return 0;
}

/* State of a replay into a sitting. */
typedef struct load_ctx {
    sitting *s;
    char *why;
    int failed;
} load_ctx;

/* journal_replay callback: applies one event, stops at the first misfit. */
static int load_one(const jevent *e, void *arg)
{
    load_ctx *c = arg;
    char detail[WHY_SIZE] = "";
    if (sitting_apply(c->s, e, detail) == 0) return 0;
    why_set(c->why, "journal seq %lld: %s", (long long)e->seq, detail);
    c->failed = 1;
    return 1;
}

int sitting_load(sitting *s, journal *j, const char *attempt, char *why)
{
    if (!s) return why_set(why, "no sitting");
    sitting_clear(s);
    load_ctx c = {s, why, 0};
    if (journal_replay(j, attempt, load_one, &c, why) != 0 || c.failed) {
        sitting_clear(s);
        return -1;
    }
    if (!s->form) return why_set(why, "attempt %s has no begin event in the journal", attempt);
    return 0;
}

bool sitting_in_time(const sitting *s, jkind kind, int64_t used_ms)
{
    if (kind != J_ANSWER && kind != J_FLAG && kind != J_NAV) return true;
    return s && s->form && used_ms < s->limit_ms;
}

int64_t sitting_remaining(const sitting *s)
{
    if (!s || s->used_ms >= s->limit_ms) return 0;
    return s->limit_ms - s->used_ms;
}

size_t sitting_answered(const sitting *s)
{
    size_t k = 0;
    for (size_t i = 0; s && s->answer && i < s->n; i++) k += s->answer[i][0] != 0;
    return k;
}

size_t sitting_flagged(const sitting *s)
{
    size_t k = 0;
    for (size_t i = 0; s && s->flag && i < s->n; i++) k += s->flag[i];
    return k;
}
