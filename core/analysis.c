/* analysis.c -- the item analysis of an exam over the core's stored results and the banks of their sessions. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analysis.h"
#include "bank.h"
#include "ingest_int.h"
#include "log.h"

/* What the walk over the results carries. */
typedef struct walk {
    core_ctx *c;
    itemstat *s;
    json_t *items;  /* "BANKID/ITEMID" -> {"kind", "key", "options"}: each item decrypted once */
    int n, left;
    char *why;      /* the first left-out result's reason */
} walk;

/* The kind, key and options of item `id` of the bank of session os (call
 * locked); NULL with why. Borrowed from w->items. */
static json_t *item_info(walk *w, open_session *os, const char *id, char *why)
{
    char name[140];
    snprintf(name, sizeof name, "%s/%.100s", bank_id(os->b), id);
    json_t *info = json_object_get(w->items, name);
    if (info) return info;
    bank_item it = {0};
    char bw[WHY_SIZE] = "";
    bank_err e = bank_item_get(os->b, id, &it, bw);
    if (e) {
        why_set(why, "item %.64s: %s", id, bw);
        return NULL;
    }
    info = json_pack("{s:s, s:s, s:i}", "kind", bank_kind_name(it.kind), "key", it.key,
                     "options", it.noptions);
    bank_item_clear(&it);
    if (!info || json_object_set_new(w->items, name, info)) {
        why_set(why, "out of memory");
        return NULL;
    }
    return info;
}

/* The letters chosen for item `id` in the record's answers ("" when none). */
static const char *chosen(json_t *answers, const char *id)
{
    for (size_t k = 0; k < json_array_size(answers); k++) {
        json_t *a = json_array_get(answers, k);
        const char *aid = json_string_value(json_object_get(a, "id"));
        const char *v = json_string_value(json_object_get(a, "v"));
        if (aid && v && strcmp(aid, id) == 0) return v;
    }
    return "";
}

/* Fills r with the items of the record's form (every item shown, answered
 * or not) and the answers chosen, from the bank of `session`. */
static int fill(walk *w, const char *session, json_t *items, json_t *answers, itemstat_resp *r,
                char *why)
{
    bool unknown = false;
    int rc = 0;
    pthread_mutex_lock(&w->c->mu);
    open_session *os = keep_session(w->c, session, &unknown, why);
    for (size_t k = 0; os && !rc && k < json_array_size(items); k++) {
        r[k].id = json_string_value(json_object_get(json_array_get(items, k), "id"));
        json_t *info = r[k].id ? item_info(w, os, r[k].id, why) : NULL;
        if (!info) {
            if (!r[k].id) why_set(why, "an item of the form has no id");
            rc = -1;
            break;
        }
        r[k].chosen = chosen(answers, r[k].id);
        r[k].kind = json_string_value(json_object_get(info, "kind"));
        r[k].key = json_string_value(json_object_get(info, "key"));
        r[k].noptions = (int)json_integer_value(json_object_get(info, "options"));
    }
    pthread_mutex_unlock(&w->c->mu);
    return os ? rc : -1;
}

/* Adds one stored result to the analysis. */
static int add_result(const store_result *res, void *arg)
{
    walk *w = arg;
    char why[WHY_SIZE] = "";
    json_t *root = json_loads(res->json, 0, NULL);
    json_t *items = json_object_get(json_object_get(root, "form"), "items");
    json_t *answers = json_object_get(root, "answers");
    size_t n = json_array_size(items);
    itemstat_resp *r = calloc(n + 1, sizeof *r);
    int rc = r && json_is_array(items) ? fill(w, res->session_id, items, answers, r, why) : -1;
    if (!rc) rc = itemstat_add(w->s, res->nip, res->attempt, r, n, why);
    if (rc) {
        if (!w->left++)
            why_set(w->why, "the result of %.18s attempt %d is left out: %s", res->nip,
                    res->attempt, why[0] ? why : "unreadable");
        core_log(CORE_LOG_ERR, "stats: the result of %.18s attempt %d at %.64s is left out: %s",
                 res->nip, res->attempt, res->exam_id, why[0] ? why : "unreadable");
    } else {
        w->n++;
    }
    free(r);
    json_decref(root);
    return 0;
}

itemstat *analysis_of_exam(core_ctx *c, const char *exam_id, bool *none, int *left, char *why)
{
    char first[WHY_SIZE] = "";
    walk w = {c, itemstat_new(exam_id), json_object(), 0, 0, first};
    *none = false;
    int rc = w.s && w.items ? store_results_of_exam(core_ctx_store(c), exam_id, add_result, &w, why)
                            : why_set(why, "out of memory");
    json_decref(w.items);
    if (!rc && w.n == 0) {
        *none = true;
        rc = why_set(why, "no stored result of exam %.64s", exam_id);
    }
    if (!rc) rc = itemstat_compute(w.s, why);
    if (rc) {
        itemstat_free(w.s);
        return NULL;
    }
    *left = w.left;
    if (w.left) why_set(why, "%s", first);
    return w.s;
}
