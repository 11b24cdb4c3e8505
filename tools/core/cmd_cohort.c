/* cmd_cohort.c -- `core cohort add DEF.json ROSTER.csv`: a cohort's definition with its roster. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "bank.h"
#include "cli.h"
#include "cmd.h"
#include "csv.h"
#include "why.h"

#define NAME_MAX_BYTES 120  /* recap_input.name holds 120 bytes */

/* Index of the header column named `name` (any case, spaces around), or -1. */
static int column(char **f, size_t nf, const char *name)
{
    for (size_t i = 0; i < nf; i++) {
        const char *s = f[i];
        size_t n = strlen(s);
        while (*s == ' ') s++, n--;
        while (n && s[n - 1] == ' ') n--;
        if (n == strlen(name) && strncasecmp(s, name, n) == 0) return (int)i;
    }
    return -1;
}

/* Reads the roster CSV (header with nip and name columns) into a JSON
 * array of {"nip","name"}. Caller decrefs. NULL with why. */
static json_t *read_roster(const char *text, char *why)
{
    csv_reader c;
    csv_init(&c, text, strlen(text));
    json_t *out = json_array(), *seen = json_object();
    char **f = NULL;
    size_t nf = 0;
    int r = csv_next(&c, &f, &nf, why), inip = -1, iname = -1;
    if (r == 0) why_set(why, "the roster is empty");
    if (r == 1) {
        inip = column(f, nf, "nip");
        iname = column(f, nf, "name");
        if (inip < 0 || iname < 0) {
            why_set(why, "line 1: the header must name the columns nip and name");
            r = -1;
        }
    }
    while (r == 1 && out && seen) {
        r = csv_next(&c, &f, &nf, why);
        if (r != 1) break;
        const char *nip = (size_t)inip < nf ? f[inip] : "";
        const char *name = (size_t)iname < nf ? f[iname] : "";
        json_t *jname = json_string(name);
        if (!bank_nip_valid(nip))
            why_set(why, "line %d: '%.30s' is not a valid NIP", c.line, nip);
        else if (json_object_get(seen, nip))
            why_set(why, "line %d: NIP %s is listed twice", c.line, nip);
        else if (!jname || !*name || strlen(name) > NAME_MAX_BYTES || strpbrk(name, "\r\n"))
            why_set(why, "line %d: the name must be one line of 1..%d UTF-8 bytes", c.line,
                    NAME_MAX_BYTES);
        else if (json_array_append_new(out, json_pack("{s:s, s:O}", "nip", nip, "name", jname)) ||
                 json_object_set_new(seen, nip, json_true()))
            why_set(why, "out of memory");
        else r = 1, why[0] = 0;
        json_decref(jname);
        if (why[0]) r = -1;
    }
    csv_free(&c);
    json_decref(seen);
    if (r == 0 && out && json_array_size(out) == 0) {
        why_set(why, "the roster lists nobody");
        r = -1;
    }
    if (r != 0 || !out) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* Checks that o[key] is absent or a non-empty string. */
static bool opt_string(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return !v || (json_is_string(v) && json_string_length(v) > 0);
}

/* Checks the definition's fields this command relies on; why on error. */
static bool check_definition(json_t *def, char *why)
{
    const char *id = json_string_value(json_object_get(def, "id"));
    json_t *ac = json_object_get(def, "academic");
    size_t n = id ? strlen(id) : 0;
    if (!n || n > 64 || strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "0123456789._-") != n || id[0] == '.')
        snprintf(why, WHY_SIZE, "\"id\" must be 1..64 letters, digits, '.', '_' or '-'");
    else if (ac && !json_is_object(ac))
        snprintf(why, WHY_SIZE, "\"academic\" must be {\"self_paced\": EXAM, \"distance\": EXAM}");
    else if (ac && (!opt_string(ac, "self_paced") || !opt_string(ac, "distance")))
        snprintf(why, WHY_SIZE, "\"academic\" exam ids must be non-empty strings");
    else if (!opt_string(def, "rpl"))
        snprintf(why, WHY_SIZE, "\"rpl\" must be an exam id");
    else return true;
    return false;
}

int cmd_cohort(const char *db, int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[0], "add") != 0)
        return cmd_usage("cohort add DEF.json ROSTER.csv");
    char why[WHY_SIZE] = "";
    size_t dlen = 0, rlen = 0;
    char *dtext = cmd_read_file(argv[1], CMD_FILE_MAX, &dlen, why);
    if (!dtext) return cmd_fail("%s", why);
    json_error_t je;
    json_t *def = json_loadb(dtext, dlen, JSON_REJECT_DUPLICATES, &je);
    free(dtext);
    if (!json_is_object(def)) {
        json_decref(def);
        return cmd_fail("%.200s: not a JSON object (%s)", argv[1], je.text);
    }
    if (!check_definition(def, why)) {
        json_decref(def);
        return cmd_fail("%.200s: %s", argv[1], why);
    }
    char *rtext = cmd_read_file(argv[2], CMD_FILE_MAX, &rlen, why);
    json_t *roster = NULL;
    if (rtext && strlen(rtext) != rlen) snprintf(why, WHY_SIZE, "the roster holds a NUL byte");
    else if (rtext) roster = read_roster(rtext, why);
    free(rtext);
    if (!roster) {
        json_decref(def);
        return cmd_fail("%.200s: %s", argv[2], why);
    }
    size_t count = json_array_size(roster);
    json_object_set_new(def, "roster", roster);
    char *text = json_dumps(def, JSON_COMPACT | JSON_SORT_KEYS);
    char id[65];
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(def, "id")));
    json_decref(def);
    if (!text) return cmd_fail("out of memory");
    cmd_env env;
    int rc = cmd_open(db, false, &env);
    if (!rc) {
        rc = store_cohort_put(env.st, id, text, why) ? cmd_fail("cohort %s: %s", id, why) : 0;
        cmd_close(&env);
    }
    free(text);
    if (!rc) printf("cohort %s added with %zu participants\n", id, count);
    return rc;
}
