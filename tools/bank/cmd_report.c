/* cmd_report.c -- read-only reports: lint and stats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "itemstat.h"
#include "why.h"

static void print_finding(const char *kind, const char *subject, const char *text, void *arg)
{
    (void)arg;
    printf("%s\t%s\t%s\n", kind, subject, text);
}

int cmd_lint(cli_args *a)
{
    if (a->npos != 1)
        return cli_usage(a, "usage: bank lint BANK --passphrase-file F [--remedials N]");
    const char *r = cli_opt(a, "remedials");
    char *end = NULL;
    long remedials = r ? strtol(r, &end, 10) : 2;
    if (r && (*end || remedials < 0 || remedials > 20))
        return cli_usage(a, "--remedials must be a whole number from 0 to 20");
    int rc = 0;
    bank *b = cli_open_bank(a, a->pos[0], false, true, &rc);
    if (!b) return rc;
    char why[WHY_SIZE] = "";
    size_t n = 0;
    bank_err e = bank_lint(b, (int)remedials, print_finding, NULL, &n, why);
    bank_close(b);
    if (e) return cli_fail(a, e, why);
    fprintf(stderr, "%zu finding%s\n", n, n == 1 ? "" : "s");
    return n ? 1 : 0;
}

typedef struct topic_stat {
    char topic[65];
    long items, min, max, total;
} topic_stat;

typedef struct stats_ctx {
    topic_stat *t;
    size_t n, cap;
    bool header;
} stats_ctx;

static int stat_item(const bank_item_info *it, long count, void *arg)
{
    stats_ctx *c = arg;
    if (c->n == 0 && c->cap == 0 && !c->header) {
        printf("kind\tid\ttopic\tforms\n");
        c->header = true;
    }
    printf("item\t%s\t%s\t%ld\n", it->id, it->topic, count);
    topic_stat *t = NULL;
    for (size_t i = 0; i < c->n && !t; i++)
        if (strcmp(c->t[i].topic, it->topic) == 0) t = &c->t[i];
    if (!t) {
        if (c->n == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 16;
            topic_stat *nt = realloc(c->t, cap * sizeof *nt);
            if (!nt) return 1;
            c->t = nt;
            c->cap = cap;
        }
        t = &c->t[c->n++];
        memset(t, 0, sizeof *t);
        snprintf(t->topic, sizeof t->topic, "%s", it->topic);
        t->min = count;
    }
    t->items++;
    t->total += count;
    if (count < t->min) t->min = count;
    if (count > t->max) t->max = count;
    return 0;
}

/* `bank stats --results FILE`: the item analysis of an export of `core
 * stats --json`, computed again here by libcore's itemstat (CSV, or JSON
 * with --json). */
static int stats_of_results(cli_args *a, const char *path)
{
    if (a->npos != 0 || cli_opt(a, "history") || (a->json && a->csv))
        return cli_usage(a, "usage: bank stats --results EXPORT.json [--csv|--json]");
    size_t len = 0;
    char *text = cli_read_file(a, path, (size_t)1 << 30, &len);
    if (!text) return 1;
    char why[WHY_SIZE] = "";
    itemstat *s = itemstat_load(text, len, why);
    free(text);
    if (!s || itemstat_compute(s, why)) {
        itemstat_free(s);
        fprintf(stderr, "bank stats: %s: %s\n", path, why);
        return 1;
    }
    char *out = a->json ? itemstat_json(s, false) : itemstat_csv(s);
    itemstat_free(s);
    int rc = 0;
    if (!out || fputs(out, stdout) < 0 || (a->json && putchar('\n') == EOF) || fflush(stdout)) {
        fprintf(stderr, "bank stats: cannot write the statistics\n");
        rc = 1;
    }
    free(out);
    return rc;
}

int cmd_stats(cli_args *a)
{
    const char *rp = cli_opt(a, "results");
    if (rp) return stats_of_results(a, rp);
    if (a->npos != 1 || a->csv)
        return cli_usage(a, "usage: bank stats BANK [--history FORMS.jsonl] | bank stats"
                            " --results EXPORT.json [--csv|--json]");
    const char *hp = cli_opt(a, "history");
    size_t len = 0;
    char *hist = hp ? cli_read_file(a, hp, (size_t)1 << 30, &len) : strdup("");
    if (!hist) return 1;
    int rc = 0;
    bank *b = cli_open_bank(a, a->pos[0], false, false, &rc);
    if (b) {
        char why[WHY_SIZE] = "";
        stats_ctx c = {0};
        bank_err e = bank_exposure(b, hist, len, stat_item, &c, why);
        for (size_t i = 0; !e && i < c.n; i++)
            printf("topic\t%s\t%ld items\tforms per item min %ld max %ld mean %.2f\n",
                   c.t[i].topic, c.t[i].items, c.t[i].min, c.t[i].max,
                   (double)c.t[i].total / (double)c.t[i].items);
        if (e) rc = cli_fail(a, e, why);
        free(c.t);
        bank_close(b);
    }
    free(hist);
    return rc;
}
