/* cmd_show.c -- `bank show`: every item decrypted, as text to proofread or as JSON lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "richtext.h"
#include "why.h"

/* The ids to show, in order. */
typedef struct show_ids {
    char **v;
    size_t n;
    bool failed;
} show_ids;

static int collect_id(const bank_item_info *it, void *arg)
{
    show_ids *ids = arg;
    char **v = realloc(ids->v, (ids->n + 1) * sizeof *v);
    if (!v || !(v[ids->n] = strdup(it->id))) {
        if (v) ids->v = v;
        ids->failed = true;
        return 1;
    }
    ids->v = v;
    ids->n++;
    return 0;
}

/* Prints text (a stem or an option; rich text as plain readable text)
 * after `lead`, its further lines indented by `indent` spaces, other
 * control characters as '?'. */
static void show_text(const char *lead, const char *text, bool rich, int indent)
{
    char *plain = rich ? bank_rich_plain(text) : NULL;
    const char *s = plain ? plain : text;
    fputs(lead, stdout);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        /* no control character reaches the terminal but the line breaks */
        putchar(c == '\n' || c == '\t' ? c : c < 0x20 || c == 0x7f ? '?' : c);
        if (c == '\n') printf("%*s", indent, "");
    }
    putchar('\n');
    free(plain);
}

static void show_item_text(const bank_item *it)
{
    printf("%s  (version %d)\n", it->id, it->version);
    if (it->title) printf("  title:      %s\n", it->title);
    printf("  topic:      %s\n  kind:       %s%s\n  difficulty: %d\n  weight:     %d\n",
           it->topic, bank_kind_name(it->kind), it->pinned ? ", options never shuffled" : "",
           it->difficulty, it->weight);
    show_text("  stem:       ", it->stem, it->rich, 14);
    for (int k = 0; k < it->noptions; k++) {
        char lead[32];
        snprintf(lead, sizeof lead, "  %c   %c.      ", strchr(it->key, 'A' + k) ? '*' : ' ',
                 'A' + k);
        show_text(lead, it->options[k], it->rich, 14);
    }
    printf("  key:        %s\n\n", it->key[0] ? it->key : "(none: a draft, never drawn)");
}

/* One JSON line of exactly id, kind, stem, options, key, topic and title;
 * texts as stored. False on ENOMEM. */
static bool show_item_json(const bank_item *it)
{
    json_t *o = json_object(), *opts = json_array();
    bool ok = o && opts;
    for (int k = 0; ok && k < it->noptions; k++)
        ok = json_array_append_new(opts, json_string(it->options[k])) == 0;
    ok = ok && json_object_set_new(o, "id", json_string(it->id)) == 0 &&
         json_object_set_new(o, "kind", json_string(bank_kind_name(it->kind))) == 0 &&
         json_object_set_new(o, "stem", json_string(it->stem)) == 0 &&
         json_object_set(o, "options", opts) == 0 &&
         json_object_set_new(o, "key", json_string(it->key)) == 0 &&
         json_object_set_new(o, "topic", json_string(it->topic)) == 0 &&
         json_object_set_new(o, "title", it->title ? json_string(it->title) : json_null()) == 0;
    char *s = ok ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (s) puts(s);
    free(s);
    json_decref(opts);
    json_decref(o);
    return s != NULL;
}

int cmd_show(cli_args *a)
{
    if (a->npos < 1)
        return cli_usage(a, "usage: bank show BANK --passphrase-file F [--json] [ID...]");
    int rc = 0;
    bank *b = cli_open_bank(a, a->pos[0], false, true, &rc);
    if (!b) return rc;
    char why[WHY_SIZE] = "";
    show_ids ids = {0};
    bank_err e = BANK_OK;
    if (a->npos == 1) e = bank_each_item(b, collect_id, &ids, why);
    for (int i = 1; !ids.failed && i < a->npos; i++) {
        bank_item_info info = {.id = a->pos[i]};
        collect_id(&info, &ids);
    }
    if (!e && ids.failed) e = BANK_ENOMEM;
    /* every item first, so that an unknown id prints nothing at all */
    bank_item *items = !e && ids.n ? calloc(ids.n, sizeof *items) : NULL;
    if (!e && ids.n && !items) e = BANK_ENOMEM;
    for (size_t i = 0; !e && i < ids.n; i++) e = bank_item_get(b, ids.v[i], &items[i], why);
    for (size_t i = 0; !e && i < ids.n; i++)
        if (a->json ? !show_item_json(&items[i]) : (show_item_text(&items[i]), false))
            e = BANK_ENOMEM;
    for (size_t i = 0; i < ids.n; i++) {
        if (items) bank_item_clear(&items[i]);
        free(ids.v[i]);
    }
    free(items);
    free(ids.v);
    bank_close(b);
    return e ? cli_fail(a, e, why) : 0;
}
