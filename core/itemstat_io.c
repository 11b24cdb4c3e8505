/* itemstat_io.c -- the item analysis as JSON (with its responses: the export) and CSV, and the export read back. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "csv.h"
#include "itemstat_int.h"
#include "sbuf.h"

#define EXPORT_KIND "kisi-item-stats"

/* A figure, or null when absent. */
static json_t *real_or_null(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

/* The JSON object of one item (new reference; NULL on ENOMEM). */
static json_t *item_json(const itemstat_item *x)
{
    char flags[160];
    json_t *chosen = json_object(), *fl = json_array();
    for (int o = 0; chosen && o < x->noptions; o++) {
        char letter[2] = {(char)('A' + o), 0};
        json_object_set_new(chosen, letter, json_integer(x->chosen[o]));
    }
    itemstat_flag_names(x->flags, flags, sizeof flags);
    char *save = NULL;
    for (char *tok = strtok_r(flags, " ", &save); fl && tok; tok = strtok_r(NULL, " ", &save))
        json_array_append_new(fl, json_string(tok));
    return json_pack("{s:s, s:s, s:s, s:i, s:i, s:o, s:o, s:o, s:o, s:i, s:i, s:i, s:o}", "id",
                     x->id, "kind", x->kind, "key", x->key, "options", x->noptions, "n", x->n,
                     "p", real_or_null(x->p), "rpb", real_or_null(x->rpb), "d27",
                     real_or_null(x->d27), "chosen", chosen, "omitted", x->omitted, "forms",
                     x->forms, "seen_by", x->seen_by, "flags", fl);
}

/* The responses, participants numbered in the order they first appear (the
 * core adds results in NIP order) (new reference). */
static json_t *responses_json(const itemstat *s)
{
    json_t *all = json_array();
    size_t *number = calloc(s->who.n + 1, sizeof *number), next = 0;
    if (!all || !number) {
        json_decref(all);
        free(number);
        return NULL;
    }
    for (size_t a = 0; a < s->natt; a++) {
        const is_attempt *t = &s->att[a];
        if (!number[t->who]) number[t->who] = ++next;
        json_t *ans = json_array();
        for (size_t k = 0; ans && k < t->n; k++) {
            const is_resp *r = &s->resp[t->first + k];
            json_array_append_new(ans, json_pack("{s:s, s:s}", "id", s->ids.v[r->item], "v",
                                                 r->chosen));
        }
        json_array_append_new(all, json_pack("{s:I, s:i, s:o}", "participant",
                                             (json_int_t)number[t->who], "attempt", t->attempt,
                                             "answers", ans));
    }
    free(number);
    return all;
}

char *itemstat_json(const itemstat *s, bool responses)
{
    json_t *items = json_array();
    for (size_t i = 0; items && i < s->ids.n; i++)
        json_array_append_new(items, item_json(itemstat_item_at(s, i)));
    json_t *o = json_pack("{s:s, s:i, s:s, s:s, s:i, s:I, s:o, s:o, s:o}", "kind", EXPORT_KIND,
                          "version", ITEMSTAT_EXPORT_VERSION, "exam", s->exam, "counted",
                          "first-attempt", "participants", s->participants, "attempts",
                          (json_int_t)s->natt, "kr20", real_or_null(s->kr20), "mean",
                          real_or_null(s->mean), "items", items);
    if (o && responses) json_object_set_new(o, "responses", responses_json(s));
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(10)) : NULL;
    json_decref(o);
    return text;
}

/* Appends a figure with 4 decimals, or an empty cell. */
static void cell_real(sbuf *b, double v)
{
    if (isnan(v)) sbuf_puts(b, ",");
    else sbuf_printf(b, ",%.4f", v);
}

char *itemstat_csv(const itemstat *s)
{
    sbuf b = {0};
    sbuf_puts(&b, "exam,participants,kr20,item,kind,key,n,p,rpb,d27,a,b,c,d,e,f,g,h,omitted,"
                  "forms,seen_by,flags\r\n");
    for (size_t i = 0; i < s->ids.n; i++) {
        const itemstat_item *x = itemstat_item_at(s, i);
        char flags[160];
        csv_cell(&b, s->exam, true);
        sbuf_printf(&b, ",%d", s->participants);
        cell_real(&b, s->kr20);
        csv_cell(&b, x->id, false);
        sbuf_printf(&b, ",%s,%s,%d", x->kind, x->key, x->n);
        cell_real(&b, x->p);
        cell_real(&b, x->rpb);
        cell_real(&b, x->d27);
        for (int o = 0; o < ITEMSTAT_OPTIONS; o++)
            o < x->noptions ? sbuf_printf(&b, ",%d", x->chosen[o]) : sbuf_puts(&b, ",");
        itemstat_flag_names(x->flags, flags, sizeof flags);
        sbuf_printf(&b, ",%d,%d,%d,%s\r\n", x->omitted, x->forms, x->seen_by, flags);
    }
    return sbuf_take(&b, NULL);
}

/* Adds one attempt of the export, the items' kind, key and options taken
 * from `items` (id -> object). */
static int load_attempt(itemstat *s, json_t *att, json_t *items, size_t idx, char *why)
{
    json_t *who = json_object_get(att, "participant"), *ans = json_object_get(att, "answers");
    json_t *jat = json_object_get(att, "attempt");
    char name[32];
    if (json_is_integer(who)) snprintf(name, sizeof name, "%lld", (long long)json_integer_value(who));
    if (!json_is_integer(who) || !json_is_integer(jat) || !json_is_array(ans) ||
        json_integer_value(jat) < 1 || json_integer_value(jat) > 1000000)
        return why_set(why, "response %zu: wants \"participant\" (a number), \"attempt\" (from 1)"
                            " and \"answers\" (a list)", idx + 1);
    size_t n = json_array_size(ans);
    itemstat_resp *r = calloc(n + 1, sizeof *r);
    if (!r) return why_set(why, "out of memory");
    int rc = 0;
    for (size_t k = 0; !rc && k < n; k++) {
        json_t *a = json_array_get(ans, k);
        r[k].id = json_string_value(json_object_get(a, "id"));
        r[k].chosen = json_string_value(json_object_get(a, "v"));
        json_t *it = r[k].id ? json_object_get(items, r[k].id) : NULL;
        r[k].kind = json_string_value(json_object_get(it, "kind"));
        r[k].key = json_string_value(json_object_get(it, "key"));
        r[k].noptions = (int)json_integer_value(json_object_get(it, "options"));
        if (!r[k].id || !r[k].chosen || !it)
            rc = why_set(why, "response %zu, answer %zu: wants \"id\" (an item of \"items\") and"
                              " \"v\" (letters)", idx + 1, k + 1);
    }
    if (!rc) rc = itemstat_add(s, name, (int)json_integer_value(jat), r, n, why);
    free(r);
    return rc;
}

itemstat *itemstat_load(const char *json, size_t len, char *why)
{
    json_error_t je;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        why_set(why, "not JSON: line %d: %s", je.line, je.text);
        return NULL;
    }
    const char *kind = json_string_value(json_object_get(root, "kind"));
    const char *exam = json_string_value(json_object_get(root, "exam"));
    json_t *jv = json_object_get(root, "version"), *items = json_object_get(root, "items");
    json_t *resp = json_object_get(root, "responses"), *byid = json_object();
    itemstat *s = NULL;
    if (!kind || strcmp(kind, EXPORT_KIND) != 0 || !exam)
        why_set(why, "not an item analysis export (\"kind\": \"" EXPORT_KIND "\" of `core stats"
                     " --json`)");
    else if (!json_is_integer(jv) || json_integer_value(jv) > ITEMSTAT_EXPORT_VERSION)
        why_set(why, "export version %lld is not one this program reads (%d): upgrade it",
                (long long)json_integer_value(jv), ITEMSTAT_EXPORT_VERSION);
    else if (!json_is_array(items) || !json_is_array(resp))
        why_set(why, "the export holds no \"items\" and \"responses\" lists");
    else if (byid && (s = itemstat_new(exam)) != NULL) {
        for (size_t i = 0; i < json_array_size(items); i++) {
            json_t *it = json_array_get(items, i);
            const char *id = json_string_value(json_object_get(it, "id"));
            if (id) json_object_set(byid, id, it);
        }
        for (size_t i = 0; s && i < json_array_size(resp); i++)
            if (load_attempt(s, json_array_get(resp, i), byid, i, why)) {
                itemstat_free(s);
                s = NULL;
            }
    } else {
        why_set(why, "out of memory");
    }
    json_decref(byid);
    json_decref(root);
    return s;
}
