/* cmd_author.c -- bank authoring commands: keygen, init, import, exam-add, list, seal, verify. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "why.h"

int cmd_keygen(cli_args *a)
{
    if (a->npos != 1) return cli_usage(a, "usage: bank keygen OUT");
    char why[WHY_SIZE] = "";
    bank_err e = bank_keygen(a->pos[0], why);
    if (e) return cli_fail(a, e, why);
    printf("wrote %s.key (private, keep it offline) and %s.pub\n", a->pos[0], a->pos[0]);
    return 0;
}

int cmd_init(cli_args *a)
{
    if (a->npos != 1) return cli_usage(a, "usage: bank init BANK --passphrase-file F");
    const char *pf = cli_need(a, "passphrase-file");
    if (!pf) return 2;
    size_t n = 0;
    char *pass = cli_secret(a, pf, &n);
    if (!pass) return 1;
    if (n < 8) {
        secret_free(pass, n);
        return cli_usage(a, "the passphrase must be at least 8 characters");
    }
    char why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    bank *b = bank_create(a->pos[0], pass, n, &e, why);
    secret_free(pass, n);
    if (!b) return cli_fail(a, e, why);
    printf("created bank %s (id %s)\n", a->pos[0], bank_id(b));
    bank_close(b);
    return 0;
}

/* What an import says about the file it reads: problems are kept to be
 * printed together when there are several (one is the final message). */
typedef struct import_say {
    const cli_args *a;
    const char *path;
    char **errors;
    size_t nerrors;
} import_say;

/* Prints one report of the parse, "bank import: FILE: skipped: line N: ...",
 * or keeps a problem for import_errors(). */
static void import_note(const char *kind, const char *text, void *arg)
{
    import_say *say = arg;
    char prefix[WHY_SIZE];
    if (strcmp(kind, "error") == 0) {
        char **v = realloc(say->errors, (say->nerrors + 1) * sizeof *v);
        if (v) say->errors = v;
        if (v && (v[say->nerrors] = strdup(text))) say->nerrors++;
        return;
    }
    snprintf(prefix, sizeof prefix, "%.200s: %s: ", say->path, kind);
    cli_say(say->a, prefix, text);
}

/* Prints every kept problem (when there are several) and frees them. */
static void import_errors(import_say *say)
{
    char prefix[WHY_SIZE];
    snprintf(prefix, sizeof prefix, "%.200s: error: ", say->path);
    for (size_t i = 0; i < say->nerrors; i++) {
        if (say->nerrors > 1) cli_say(say->a, prefix, say->errors[i]);
        free(say->errors[i]);
    }
    free(say->errors);
}

int cmd_import(cli_args *a)
{
    if (a->npos != 2)
        return cli_usage(a, "usage: bank import BANK --passphrase-file F FILE [--format F]"
                            " [--topic T] [--skip-unsupported]");
    const char *path = a->pos[1], *fmtname = cli_opt(a, "format");
    int fmt = fmtname ? bank_format_parse(fmtname) : bank_format_guess(path);
    if (fmt < 0)
        return cli_usage(a, fmtname ? "unknown --format (csv, aiken, gift, moodle-xml)"
                                    : "cannot tell the format from the file name: give --format");
    size_t len = 0, added = 0, replaced = 0, unchanged = 0, nproblems = 0, nskipped = 0;
    char *data = cli_read_file(a, path, (size_t)1 << 30, &len);
    if (!data) return 1;
    char why[WHY_SIZE] = "", sub[WHY_SIZE] = "";
    bank_items items = {0};
    import_say say = {a, path, NULL, 0};
    bank_parse_opts o = {cli_opt(a, "topic"), a->skip_unsupported, import_note, &say};
    bank_err e = bank_parse_items_ex(data, len, (bank_format)fmt, &o, &items, &nproblems,
                                     &nskipped, sub);
    free(data);
    import_errors(&say);
    if (e && nproblems > 1)
        snprintf(why, sizeof why, "%.150s: %zu problems (each above), nothing imported", path,
                 nproblems);
    else if (e) snprintf(why, sizeof why, "%.200s: %s", path, sub);
    if (!e) {  /* images a CSV names are files beside it */
        const char *slash = strrchr(path, '/');
        char *dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : NULL;
        e = slash && !dir ? BANK_ENOMEM : bank_items_load_images(&items, dir, sub);
        free(dir);
        if (e) snprintf(why, sizeof why, "%.200s: %s", path, sub);
    }
    if (e) {
        bank_items_free(&items);
        return cli_fail(a, e, why);
    }
    int rc = 0;
    bank *b = cli_open_bank(a, a->pos[0], true, true, &rc);
    if (b) {
        e = bank_import(b, &items, &added, &replaced, &unchanged, why);
        rc = e ? cli_fail(a, e, why) : 0;
        char skipped[64] = "";
        if (nskipped) snprintf(skipped, sizeof skipped, "; %zu questions skipped", nskipped);
        if (!e)
            printf("imported %zu items from %s: %zu new, %zu replaced, %zu unchanged%s\n",
                   items.n, path, added, replaced, unchanged, skipped);
        bank_close(b);
    }
    bank_items_free(&items);
    return rc;
}

int cmd_exam_add(cli_args *a)
{
    if (a->npos != 2)
        return cli_usage(a, "usage: bank exam-add BANK --passphrase-file F EXAM.json");
    char why[WHY_SIZE] = "", sub[WHY_SIZE] = "";
    size_t n = 0;
    char *json = cli_read_file(a, a->pos[1], 1 << 20, &n);
    if (!json) return 1;
    bank_err e = BANK_OK;
    bank_exam *ex = bank_exam_parse(json, n, &e, sub);
    free(json);
    if (!ex) {
        snprintf(why, sizeof why, "%s: %s", a->pos[1], sub);
        return cli_fail(a, e, why);
    }
    int rc = 0;
    bank *b = cli_open_bank(a, a->pos[0], true, true, &rc);
    if (b) {
        e = bank_exam_add(b, ex, why);
        rc = e ? cli_fail(a, e, why) : 0;
        if (!e)
            printf("exam %s added: %s, %d items, %d minutes\n", bank_exam_id(ex),
                   bank_exam_kind_name(bank_exam_kind_of(ex)), bank_exam_form_size(ex),
                   bank_exam_minutes(ex));
        bank_close(b);
    }
    bank_exam_free(ex);
    return rc;
}

/* Prints one item line of `bank list`. */
static int list_item(const bank_item_info *it, void *arg)
{
    (void)arg;
    printf("%s\t%s\t%s\t%d\t%d\t%s%s\n", it->id, it->topic, bank_kind_name(it->kind),
           it->difficulty, it->weight, it->draft ? "draft" : "ready",
           it->pinned ? ",pinned" : "");
    return 0;
}

static int list_exam(const char *id, void *arg)
{
    (void)arg;
    printf("exam\t%s\n", id);
    return 0;
}

int cmd_list(cli_args *a)
{
    if (a->npos != 1) return cli_usage(a, "usage: bank list BANK");
    int rc = 0;
    bank *b = cli_open_bank(a, a->pos[0], false, false, &rc);
    if (!b) return rc;
    char why[WHY_SIZE] = "";
    printf("id\ttopic\tkind\tdifficulty\tweight\tstatus\n");
    bank_err e = bank_each_item(b, list_item, NULL, why);
    if (!e) e = bank_each_exam(b, list_exam, NULL, why);
    bank_close(b);
    return e ? cli_fail(a, e, why) : 0;
}

int cmd_seal(cli_args *a)
{
    if (a->npos != 1) return cli_usage(a, "usage: bank seal BANK --key AUTH.key");
    const char *key = cli_need(a, "key");
    if (!key) return 2;
    int rc = 0;
    bank *b = cli_open_bank(a, a->pos[0], true, false, &rc);
    if (!b) return rc;
    char why[WHY_SIZE] = "";
    bank_err e = bank_seal(b, key, why);
    bank_close(b);
    if (e) return cli_fail(a, e, why);
    printf("sealed %s\n", a->pos[0]);
    return 0;
}

int cmd_verify(cli_args *a)
{
    if (a->npos != 1) return cli_usage(a, "usage: bank verify BANK --pub AUTH.pub");
    const char *pub = cli_need(a, "pub");
    if (!pub) return 2;
    int rc = 0;
    bank *b = cli_open_bank(a, a->pos[0], false, false, &rc);
    if (!b) return rc;
    char why[WHY_SIZE] = "";
    bank_err e = bank_verify(b, pub, why);
    bank_close(b);
    if (e) return cli_fail(a, e, why);
    printf("%s: seal verified, untampered\n", a->pos[0]);
    return 0;
}
