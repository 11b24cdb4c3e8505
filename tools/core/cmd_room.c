/* cmd_room.c -- `core export DIR` and `core kiosk approve --all`: a room core's results onto a stick, its kiosks approved in one step. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bank.h"
#include "cli.h"
#include "clk.h"
#include "cmd.h"
#include "hex.h"
#include "kcode.h"
#include "log.h"
#include "text.h"
#include "why.h"

/* What an export has done so far. */
typedef struct export_run {
    const char *dir;
    int written, kept, failed;
    char why[WHY_SIZE]; /* the first failure */
} export_run;

/* True when s is a plain part of a file name: 1..64 of [A-Za-z0-9_]. */
static bool name_part(const char *s)
{
    size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
    return n > 0 && n <= 64 && !s[n];
}

/* Writes dir/name (the bytes text) whole, 0600; a file already there with
 * the same bytes counts as written, other bytes are never replaced.
 * 1 written, 0 already there, -1 with why. */
static int put_file(const char *dir, const char *name, const char *text, char *why)
{
    char path[4096], *old = NULL;
    size_t len = strlen(text), olen = 0;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char rw[WHY_SIZE] = "";
    bank_err e = bank_file_read(path, len + 1, &old, &olen, rw);
    if (e == BANK_OK) {
        bool same = olen == len && memcmp(old, text, len) == 0;
        free(old);
        if (same) return 0;
        return why_set(why, "%.300s is there already with other bytes: not replaced", path);
    }
    if (e != BANK_ENOTFOUND)
        return why_set(why, "%.300s is there already and cannot be compared: not replaced", path);
    if (bank_file_write_atomic(path, text, len, 0600, rw) != BANK_OK)
        return why_set(why, "%s", rw);
    return 1;
}

/* Writes one stored result as NAME.sig then NAME.json (a .json is never
 * seen without its .sig), NAME being SESSION-NIP-ATTEMPT.kiosk-ID as a
 * kiosk's export names it. */
static int export_one(const store_result *r, const char *kiosk_name, void *arg)
{
    (void)kiosk_name;
    export_run *x = arg;
    char name[256], file[270], why[WHY_SIZE] = "";
    if (name_part(r->session_id) && name_part(r->nip))
        snprintf(name, sizeof name, "%s-%s-%d.kiosk-%.16s", r->session_id, r->nip, r->attempt,
                 r->kiosk);
    else
        snprintf(name, sizeof name, "result-%.32s.kiosk-%.16s", r->digest, r->kiosk);
    snprintf(file, sizeof file, "%s.sig", name);
    int a = put_file(x->dir, file, r->sig, why);
    snprintf(file, sizeof file, "%s.json", name);
    int b = a < 0 ? -1 : put_file(x->dir, file, r->json, why);
    if (b < 0) {
        if (!x->failed++) snprintf(x->why, sizeof x->why, "%s", why);
    } else if (a || b) {
        x->written++;
    } else {
        x->kept++;
    }
    return 0;
}

int cmd_export(const char *db, int argc, char **argv)
{
    if (argc != 1 || argv[0][0] == '-') return cmd_usage("export DIR");
    char shown[TEXT_ESCAPED(200)];
    text_escape(argv[0], shown, sizeof shown);
    struct stat st;
    if (mkdir(argv[0], 0700) != 0 && errno != EEXIST)
        return cmd_fail("cannot make the folder %s: %s", shown, strerror(errno));
    if (stat(argv[0], &st) != 0 || !S_ISDIR(st.st_mode))
        return cmd_fail("%s is not a folder", shown);
    cmd_env env;
    if (cmd_open(db, false, &env)) return 1;
    export_run x = {.dir = argv[0]};
    char why[WHY_SIZE] = "";
    int rc = store_forward_each(env.st, NULL, 0, export_one, &x, why);
    cmd_close(&env);
    if (rc) return cmd_fail("%s", why);
    printf("%d result%s written to %s, %d there already\n", x.written, x.written == 1 ? "" : "s",
           shown, x.kept);
    fflush(stdout);
    if (x.failed) return cmd_fail("%d results not written: %s", x.failed, x.why);
    return 0;
}

/* The kiosks pending approval whose name starts with a prefix. */
typedef struct pending_list {
    const char *prefix;
    char (*pub)[65];
    size_t n, cap;
    bool nomem;
} pending_list;

static int add_pending(const char *pub, const char *name, const char *state, int64_t enrolled_ms,
                       void *arg)
{
    (void)enrolled_ms;
    pending_list *l = arg;
    if (strcmp(state, "pending") != 0 || strncmp(name, l->prefix, strlen(l->prefix)) != 0)
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        void *p = realloc(l->pub, cap * sizeof *l->pub);
        if (!p) {
            l->nomem = true;
            return 1;
        }
        l->pub = p;
        l->cap = cap;
    }
    snprintf(l->pub[l->n++], 65, "%s", pub);
    return 0;
}

int cmd_kiosk_approve_all(const char *db, int argc, char **argv)
{
    static const char use[] = "kiosk approve --all [--name-prefix P]";
    pending_list l = {.prefix = ""};
    if (argc == 2 && strcmp(argv[1], "--name-prefix") == 0) return cmd_usage(use);
    if (argc == 3 && strcmp(argv[1], "--name-prefix") == 0) l.prefix = argv[2];
    else if (argc != 1) return cmd_usage(use);
    cmd_env env;
    /* approving stores the kiosks' waiting results: that needs the banks (the core key) */
    if (cmd_open(db, true, &env)) return 1;
    char why[WHY_SIZE] = "";
    int rc = store_kiosk_each(env.st, add_pending, &l, why);
    if (l.nomem) rc = why_set(why, "out of memory");
    int approved = 0, stored = 0, refused = 0;
    core_log_enable(true);
    for (size_t i = 0; !rc && i < l.n; i++) {
        int s = 0, f = 0;
        char code[KCODE_SIZE];
        kcode_of(l.pub[i], code);
        if (core_kiosk_decide(env.st, env.ctx, l.pub[i], "approved", clk_wall_ms(), &s, &f, why)) {
            rc = -1;
            break;
        }
        approved++;
        stored += s;
        refused += f;
        printf("kiosk %s (%.16s) approved", code, l.pub[i]);
        if (s + f) printf("; of its waiting results %d stored, %d refused", s, f);
        putchar('\n');
    }
    cmd_close(&env);
    free(l.pub);
    char shown[TEXT_ESCAPED(64)];
    if (approved || !rc)
        printf("%d kiosk%s approved%s%s%s", approved, approved == 1 ? "" : "s",
               *l.prefix ? " (name starting with " : "",
               *l.prefix ? text_escape(l.prefix, shown, sizeof shown) : "", *l.prefix ? ")" : "");
    if (stored + refused) printf("; waiting results %d stored, %d refused (core results)", stored, refused);
    if (approved || !rc) putchar('\n');
    fflush(stdout);
    if (rc) return cmd_fail("%s", why);
    return 0;
}

int cmd_read_core_key(const char *path, const char *what, char pub[65])
{
    char why[WHY_SIZE] = "", *text = NULL, shown[TEXT_ESCAPED(200)];
    size_t len = 0;
    if (bank_file_read(path, 256, &text, &len, why) != BANK_OK) return cmd_fail("%s%s", what, why);
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r')) text[--len] = 0;
    bool ok = len == 64 && hex_valid(text, 64);
    if (ok) memcpy(pub, text, 65);
    free(text);
    if (!ok)
        return cmd_fail("%s%s: not a core key (64 hex digits, as `core kiosk core-key` prints it "
                        "on that core)", what, text_escape(path, shown, sizeof shown));
    return 0;
}

int cmd_forwarded(const char *db, int argc, char **argv)
{
    if (argc != 1 || argv[0][0] == '-') return cmd_usage("forwarded UPSTREAM.pub");
    char pub[65], why[WHY_SIZE] = "";
    if (cmd_read_core_key(argv[0], "", pub)) return 1;
    cmd_env env;
    if (cmd_open(db, false, &env)) return 1;
    int done = 0, todo = 0;
    int rc = store_forward_count(env.st, pub, &done, &todo, why);
    cmd_close(&env);
    if (rc) return cmd_fail("%s", why);
    printf("%d of %d results forwarded to the core of key %.16s (receipts kept); %d not yet\n",
           done, done + todo, pub, todo);
    return 0;
}
