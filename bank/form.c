/* form.c -- a drawn form: accessors, JSON in and out, and scoring against the bank. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "exam.h"
#include "form_int.h"
#include "internal.h"
#include "item.h"
#include "why.h"

bank_form *form_new(const char *exam, const char *session, const char *participant,
                    int attempt, size_t n)
{
    bank_form *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->exam = strdup(exam);
    f->session = strdup(session ? session : "");
    f->participant = strdup(participant);
    f->attempt = attempt;
    f->items = calloc(n ? n : 1, sizeof *f->items);
    f->n = n;
    if (!f->exam || !f->session || !f->participant || !f->items) {
        bank_form_free(f);
        return NULL;
    }
    return f;
}

void bank_form_free(bank_form *f)
{
    if (!f) return;
    for (size_t i = 0; f->items && i < f->n; i++) {
        free(f->items[i].id);
        free(f->items[i].topic);
    }
    free(f->items);
    free(f->exam);
    free(f->session);
    free(f->participant);
    free(f);
}

const char *bank_form_exam(const bank_form *f) { return f->exam; }
const char *bank_form_participant(const bank_form *f) { return f->participant; }
int bank_form_attempt(const bank_form *f) { return f->attempt; }
size_t bank_form_size(const bank_form *f) { return f->n; }

const char *bank_form_item(const bank_form *f, size_t i, const char **topic, const int **perm,
                           int *noptions)
{
    if (i >= f->n) return NULL;
    if (topic) *topic = f->items[i].topic;
    if (perm) *perm = f->items[i].perm;
    if (noptions) *noptions = f->items[i].noptions;
    return f->items[i].id;
}

char *bank_form_json(const bank_form *f)
{
    json_t *items = json_array();
    for (size_t i = 0; items && i < f->n; i++) {
        const form_item *it = &f->items[i];
        json_t *opts = json_array();
        for (int k = 0; opts && k < it->noptions; k++) {
            char letter[2] = {(char)('A' + it->perm[k]), 0};
            json_array_append_new(opts, json_string(letter));
        }
        json_array_append_new(items, json_pack("{s:s, s:s, s:o*}", "id", it->id, "topic",
                                               it->topic, "options", opts));
    }
    json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:o*}", "exam", f->exam, "session", f->session,
                          "participant", f->participant, "attempt", f->attempt, "items", items);
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    return s;
}

/* Reads one item of a form JSON; false when malformed. */
static bool parse_item(json_t *o, form_item *it)
{
    const char *id = json_string_value(json_object_get(o, "id"));
    const char *topic = json_string_value(json_object_get(o, "topic"));
    json_t *opts = json_object_get(o, "options");
    size_t n = json_array_size(opts);
    if (!item_name_valid(id) || !item_name_valid(topic) || !json_is_array(opts) || n < 2 ||
        n > BANK_MAX_OPTIONS)
        return false;
    int used = 0;
    for (size_t k = 0; k < n; k++) {
        const char *l = json_string_value(json_array_get(opts, k));
        if (!l || strlen(l) != 1 || l[0] < 'A' || l[0] >= 'A' + (int)n) return false;
        int v = l[0] - 'A';
        if (used & (1 << v)) return false;
        used |= 1 << v;
        it->perm[k] = v;
    }
    it->noptions = (int)n;
    it->id = strdup(id);
    it->topic = strdup(topic);
    return it->id && it->topic;
}

bank_form *bank_form_parse(const char *json, size_t len, bank_err *err, char *why)
{
    json_error_t je;
    json_t *o = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    bank_form *f = NULL;
    if (!json_is_object(o)) {
        why_set(why, "form: %s", o ? "not a JSON object" : je.text);
        *err = BANK_EPARSE;
        goto out;
    }
    const char *exam = json_string_value(json_object_get(o, "exam"));
    const char *session = json_string_value(json_object_get(o, "session"));
    const char *who = json_string_value(json_object_get(o, "participant"));
    json_t *att = json_object_get(o, "attempt"), *items = json_object_get(o, "items");
    json_int_t a = json_integer_value(att);
    if (!item_name_valid(exam) || !who || !json_is_integer(att) || a < 1 || a > 100000 ||
        !json_is_array(items) || json_array_size(items) == 0 ||
        json_array_size(items) > 10000) {
        why_set(why, "form needs exam, participant, attempt >= 1 and a non-empty items list");
        *err = BANK_EPARSE;
        goto out;
    }
    f = form_new(exam, session, who, (int)a, json_array_size(items));
    if (!f) {
        *err = BANK_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < f->n; i++) {
        if (!parse_item(json_array_get(items, i), &f->items[i])) {
            why_set(why, "form item %zu is malformed", i + 1);
            *err = BANK_EPARSE;
            bank_form_free(f);
            f = NULL;
            goto out;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(f->items[k].id, f->items[i].id) == 0) {
                why_set(why, "form lists item %s twice", f->items[i].id);
                *err = BANK_EPARSE;
                bank_form_free(f);
                f = NULL;
                goto out;
            }
    }
out:
    json_decref(o);
    return f;
}

/* Finds the answer for `id`; NULL when none. */
static const char *answer_for(const bank_answer *a, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].item_id && strcmp(a[i].item_id, id) == 0) return a[i].letters;
    return NULL;
}

/* Checks that every answer names an item of the form and valid letters. */
static bank_err check_answers(const bank_form *f, const bank_answer *a, size_t n, char *why)
{
    for (size_t i = 0; i < n; i++) {
        const form_item *it = NULL;
        for (size_t k = 0; k < f->n && !it; k++)
            if (a[i].item_id && strcmp(f->items[k].id, a[i].item_id) == 0) it = &f->items[k];
        if (!it) {
            why_set(why, "answer for item %.64s, which is not on the form",
                     a[i].item_id ? a[i].item_id : "(null)");
            return BANK_EINVAL;
        }
        for (const char *l = a[i].letters ? a[i].letters : ""; *l; l++) {
            char c = (char)(*l >= 'a' && *l <= 'z' ? *l - 'a' + 'A' : *l);
            if (c < 'A' || c >= 'A' + it->noptions) {
                why_set(why, "answer '%.8s' for item %s names no option", a[i].letters,
                         it->id);
                return BANK_EINVAL;
            }
        }
    }
    return BANK_OK;
}

bank_err bank_form_score(bank *b, const bank_form *f, const bank_answer *answers,
                         size_t nanswers, bank_score *out, char *why)
{
    if (!bank_is_unlocked(b)) return BANK_ELOCKED;
    bank_err e = check_answers(f, answers, nanswers, why);
    if (e) return e;
    if (!b->exam || strcmp(bank_exam_id(b->exam), f->exam) != 0) {
        bank_exam_free(b->exam);
        b->exam = bank_exam_get(b, f->exam, &e, why);
        if (!b->exam) return e;
    }
    const bank_exam *ex = b->exam;
    score_line *lines = calloc(f->n, sizeof *lines);
    if (!lines) e = BANK_ENOMEM;
    for (size_t i = 0; !e && i < f->n; i++) {
        const keyinfo *k = NULL;
        if ((e = keycache_get(b, f->items[i].id, &k, why))) break;
        if (strcmp(k->topic, f->items[i].topic) != 0 || k->noptions != f->items[i].noptions) {
            why_set(why, "form item %s does not match the bank", f->items[i].id);
            e = BANK_EINVAL;
            break;
        }
        /* the form's own copy: the cache may move its entries as it grows */
        lines[i].topic = f->items[i].topic;
        lines[i].weight = k->weight;
        lines[i].correct = bank_answer_correct(k->key, answer_for(answers, nanswers, f->items[i].id));
    }
    if (!e) {
        int raw = exam_raw_score(ex, lines, f->n);
        if (raw < 0) {
            why_set(why, "form does not fit the sections of exam %s", f->exam);
            e = BANK_EINVAL;
        } else {
            e = bank_exam_judge(ex, f->attempt, raw, out, why);
        }
    }
    free(lines);
    return e;
}
