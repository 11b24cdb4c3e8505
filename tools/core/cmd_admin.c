/* cmd_admin.c -- `core bank|session|kiosk|import|history`: what an operator feeds and reads. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "bank.h"
#include "cli.h"
#include "clk.h"
#include "cmd.h"
#include "hex.h"
#include "kcode.h"
#include "lease.h"
#include "log.h"
#include "text.h"
#include "why.h"

#define RESULT_FILE_MAX (4u << 20)  /* as the HTTP body limit */

int cmd_bank(const char *db, int argc, char **argv)
{
    static const char use[] = "bank add BANK --passphrase-file F --pub AUTHORITY.pub";
    const char *bank_path = NULL, *pass = NULL, *pub = NULL;
    if (argc < 1 || strcmp(argv[0], "add") != 0) return cmd_usage(use);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--passphrase-file") == 0 && i + 1 < argc && !pass) pass = argv[++i];
        else if (strcmp(argv[i], "--pub") == 0 && i + 1 < argc && !pub) pub = argv[++i];
        else if (argv[i][0] != '-' && !bank_path) bank_path = argv[i];
        else return cmd_usage(use);
    }
    if (!bank_path || !pass) return cmd_usage(use);
    if (!pub)
        return cmd_fail("bank %.200s not added: give the authority's public key with --pub "
                        "AUTHORITY.pub, so that its seal is checked", bank_path);
    cmd_env env;
    if (cmd_open(db, true, &env)) return 1;
    char why[WHY_SIZE] = "";
    int rc = core_bank_add(env.ctx, bank_path, pass, pub, why);
    cmd_close(&env);
    if (rc) return cmd_fail("bank %.200s not added: %s", bank_path, why);
    printf("bank %s added\n", bank_path);
    return 0;
}

int cmd_session_named(cmd_env *env, const char *name, char sid[33])
{
    char bid[33], exam[65], why[WHY_SIZE] = "";
    if (bank_session_info(name, bid, sid, exam, why) == BANK_OK) return 0;
    store_blob file = {0};
    int found = strlen(name) < 33 ? store_session_get(env->st, name, bid, exam, &file, why) : 0;
    store_blob_free(&file);
    if (found < 0) return cmd_fail("session %.64s: %s", name, why);
    if (found == 0)
        return cmd_fail("no session %.64s: give its file or the id `core session add` printed",
                        name);
    snprintf(sid, 33, "%s", name);
    return 0;
}

/* `core session authorise SESSION on|off`: whether its seats wait for the
 * proctor's authorisation before the start. */
static int session_authorise(const char *db, const char *name, const char *onoff)
{
    bool on = strcmp(onoff, "on") == 0;
    if (!on && strcmp(onoff, "off") != 0) return cmd_usage("session authorise SESSION on|off");
    cmd_env env;
    char sid[33], why[WHY_SIZE] = "";
    if (cmd_open(db, false, &env)) return 1;
    int rc = cmd_session_named(&env, name, sid);
    if (!rc && lease_authorise_set(env.st, sid, on, why))
        rc = cmd_fail("session %s: %s", sid, why);
    cmd_close(&env);
    if (!rc)
        printf("session %s: %s\n", sid, on ? "seats wait for the proctor to authorise the start"
                                            : "seats start without the proctor");
    return rc;
}

int cmd_session(const char *db, int argc, char **argv)
{
    static const char use[] = "session add SESSION [--authorise-start] | "
                              "session authorise SESSION on|off";
    if (argc == 3 && strcmp(argv[0], "authorise") == 0 && argv[1][0] != '-')
        return session_authorise(db, argv[1], argv[2]);
    bool authorise = argc == 3 && strcmp(argv[2], "--authorise-start") == 0;
    if ((argc != 2 && !authorise) || strcmp(argv[0], "add") != 0 || argv[1][0] == '-')
        return cmd_usage(use);
    char bid[33], sid[33], exam[65], bw[WHY_SIZE] = "", why[WHY_SIZE] = "";
    if (bank_session_info(argv[1], bid, sid, exam, bw) != BANK_OK)
        return cmd_fail("session %.200s not added: %s", argv[1], bw);
    cmd_env env;
    if (cmd_open(db, true, &env)) return 1;
    int rc = core_session_add(env.ctx, argv[1], why);
    if (!rc && authorise) rc = lease_authorise_set(env.st, sid, true, why);
    cmd_close(&env);
    if (rc) return cmd_fail("session %.200s not added: %s", argv[1], why);
    printf("session %s added (exam %s, bank %s)%s\n", sid, exam, bid,
           authorise ? ": seats wait for the proctor to authorise the start" : "");
    return 0;
}

/* Prints one kiosk on f: approval code, state, enrolment time (UTC), key,
 * name (escaped: it came from the network or a stick). */
static void show_kiosk(FILE *f, const char *pub, const char *name, const char *state,
                       int64_t enrolled_ms)
{
    char when[CLK_UTC_SIZE], code[KCODE_SIZE], shown[TEXT_ESCAPED(128)];
    kcode_of(pub, code);
    fprintf(f, "%s  %-8s  %s  %s  %s\n", code, state, clk_utc(enrolled_ms, when), pub,
            text_escape(name, shown, sizeof shown));
}

static int print_kiosk(const char *pub, const char *name, const char *state, int64_t enrolled_ms,
                       void *arg)
{
    (void)arg;
    show_kiosk(stdout, pub, name, state, enrolled_ms);
    return 0;
}

/* The first kiosk an ID names, and how many it names. */
typedef struct named {
    char pub[65];
    int n;
} named;

static void name_kiosk(const char *pub, const char *name, const char *state, int64_t enrolled_ms,
                       void *arg)
{
    (void)name, (void)state, (void)enrolled_ms;
    named *k = arg;
    if (k->n++ == 0) snprintf(k->pub, sizeof k->pub, "%s", pub);
}

static void list_kiosk(const char *pub, const char *name, const char *state, int64_t enrolled_ms,
                       void *arg)
{
    (void)arg;
    show_kiosk(stderr, pub, name, state, enrolled_ms);
}

/* core kiosk core-key: the key kiosks pin (kiosk --core-key FILE). */
static int print_core_key(const char *db)
{
    cmd_env env;
    if (cmd_open(db, true, &env)) return 1;
    printf("%s\n", core_signer_pub(core_ctx_signer(env.ctx)));
    cmd_close(&env);
    return 0;
}

int cmd_kiosk(const char *db, int argc, char **argv)
{
    static const char use[] = "kiosk list | kiosk approve CODE | kiosk approve --all "
                              "[--name-prefix P] | kiosk revoke CODE | kiosk core-key";
    const char *state = NULL;
    if (argc >= 2 && strcmp(argv[0], "approve") == 0 && strcmp(argv[1], "--all") == 0)
        return cmd_kiosk_approve_all(db, argc - 1, argv + 1);
    if (argc == 1 && strcmp(argv[0], "list") == 0) state = "";
    else if (argc == 1 && strcmp(argv[0], "core-key") == 0) return print_core_key(db);
    else if (argc == 2 && strcmp(argv[0], "approve") == 0) state = "approved";
    else if (argc == 2 && strcmp(argv[0], "revoke") == 0) state = "revoked";
    else return cmd_usage(use);
    cmd_env env;
    /* approving stores the kiosk's waiting results: that needs the banks (the core key) */
    if (cmd_open(db, strcmp(state, "approved") == 0, &env)) return 1;
    char why[WHY_SIZE] = "", shown[TEXT_ESCAPED(64)];
    int stored = 0, refused = 0, rc = 0;
    named k = {"", 0};
    if (*state) {
        int n = core_kiosk_match(env.st, argv[1], name_kiosk, &k, why);
        if (n > 1) {
            /* squatted keys may share a code or a prefix: the operator picks by the full key */
            fprintf(stderr, "core: %s names %d kiosks:\n",
                    text_escape(argv[1], shown, sizeof shown), n);
            core_kiosk_match(env.st, argv[1], list_kiosk, NULL, why);
        }
        if (n < 0) rc = -1;
        else if (n == 0)
            rc = why_set(why, "no kiosk has the code or key %s (core kiosk list shows them)",
                         text_escape(argv[1], shown, sizeof shown));
        else if (n > 1)
            rc = why_set(why, "%s is ambiguous: approve or revoke one by its full key",
                         text_escape(argv[1], shown, sizeof shown));
        if (!rc) {
            core_log_enable(true);
            rc = core_kiosk_decide(env.st, env.ctx, k.pub, state, clk_wall_ms(), &stored,
                                   &refused, why);
        }
    } else {
        rc = store_kiosk_each(env.st, print_kiosk, NULL, why);
    }
    cmd_close(&env);
    if (rc) return cmd_fail("%s", why);
    char code[KCODE_SIZE];
    kcode_of(k.pub, code);
    if (*state && stored + refused == 0) printf("kiosk %s (%.16s) %s\n", code, k.pub, state);
    else if (*state)
        printf("kiosk %s (%.16s) %s; of its waiting results %d stored, %d refused (core results)\n",
               code, k.pub, state, stored, refused);
    return 0;
}

/* Visible NAME.json entries only. */
static int is_result_name(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return e->d_name[0] != '.' && n > 5 && strcmp(e->d_name + n - 5, ".json") == 0;
}

/* The name a kiosk never seen is enrolled under: "imported from FOLDER". */
static void signer_name(const char *dir, char *name, size_t cap)
{
    const char *base = strrchr(dir, '/') && strrchr(dir, '/')[1] ? strrchr(dir, '/') + 1 : dir;
    char shown[TEXT_ESCAPED(100)];
    snprintf(name, cap, "imported from %.100s", text_escape(base, shown, sizeof shown));
}

/* True when path is a plain file (not a link, pipe or device, which a
 * stick may carry: a pipe would hold the import up); else says why. */
static bool plain_file(const char *path, char *why)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        snprintf(why, WHY_SIZE, "%.200s: %s", path, strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, WHY_SIZE, "%.200s: not a plain file", path);
        return false;
    }
    return true;
}

/* What an import did: refused results, and the kiosks whose results wait. */
typedef struct import_count {
    int refused, waiting;
    char kiosk[65];  /* the first kiosk with waiting results */
    bool kiosks;     /* results of more than one kiosk wait */
} import_count;

/* Ingests DIR/name with its .sig and prints its line. */
static void import_one(core_ctx *c, const char *dir, const char *name, import_count *n)
{
    char path[4096], why[WHY_SIZE] = "";
    size_t rlen = 0, slen = 0;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *rec = plain_file(path, why) ? cmd_read_file(path, RESULT_FILE_MAX, &rlen, why) : NULL;
    char *sig = NULL;
    if (rec) {
        snprintf(path, sizeof path, "%s/%.*s.sig", dir, (int)(strlen(name) - 5), name);
        sig = plain_file(path, why) ? cmd_read_file(path, RESULT_FILE_MAX, &slen, why) : NULL;
    }
    ingest_outcome out = {0};
    char pub[65], hex[129];
    if (!sig) {
        out.status = 400;
        snprintf(out.code, sizeof out.code, "unreadable");
        snprintf(out.reason, sizeof out.reason, "%s", why);
    } else if (core_sig_parse(sig, slen, pub, hex) != 0) {
        out.status = 400;
        snprintf(out.code, sizeof out.code, "malformed");
        snprintf(out.reason, sizeof out.reason,
                 "the .sig file is not {\"kiosk\": 64 hex, \"sig\": 128 hex}");
    } else {
        /* a kiosk never seen (it had no network) is enrolled: its result waits */
        char signer[TEXT_ESCAPED(100) + 16];
        signer_name(dir, signer, sizeof signer);
        core_ingest_or_wait(c, rec, rlen, pub, hex, signer, clk_wall_ms(), &out);
    }
    free(rec);
    free(sig);
    /* a stick's file names and the reasons quoting them are anyone's bytes */
    char shown[TEXT_ESCAPED(256)], reason[TEXT_ESCAPED(WHY_SIZE)], code[KCODE_SIZE];
    text_escape(name, shown, sizeof shown);
    if (out.status == 201) printf("%s: stored\n", shown);
    else if (out.status == 200) printf("%s: already stored\n", shown);
    else if (out.status == 202)
        printf("%s: waits for the approval of kiosk %s\n", shown,
               kcode_of(pub, code) == 0 ? code : "?");
    else printf("%s: refused: %s (%s)\n", shown, text_escape(out.reason, reason, sizeof reason),
                out.code);
    if (out.status >= 300) n->refused++;
    if (out.status == 202) {
        if (n->waiting++ == 0) snprintf(n->kiosk, sizeof n->kiosk, "%s", pub);
        else if (strcmp(n->kiosk, pub) != 0) n->kiosks = true;
    }
}

int cmd_import(const char *db, int argc, char **argv)
{
    if (argc != 1 || argv[0][0] == '-') return cmd_usage("import DIR");
    struct dirent **names = NULL;
    int n = scandir(argv[0], &names, is_result_name, alphasort);
    char shown[TEXT_ESCAPED(200)];
    if (n < 0)
        return cmd_fail("cannot read the folder %s", text_escape(argv[0], shown, sizeof shown));
    cmd_env env;
    import_count count = {0};
    int rc = 0;
    if (cmd_open(db, true, &env)) {
        rc = 1;
    } else {
        for (int i = 0; i < n; i++) import_one(env.ctx, argv[0], names[i]->d_name, &count);
        cmd_close(&env);
        if (n == 0) printf("no NAME.json results in %s\n", argv[0]);
        char code[KCODE_SIZE] = "";
        kcode_of(count.kiosk, code);
        if (count.waiting && !count.kiosks)
            printf("%d result%s wait%s for the approval of kiosk %s (%.16s): core kiosk list, "
                   "then core kiosk approve %s stores them\n", count.waiting,
                   count.waiting > 1 ? "s" : "", count.waiting > 1 ? "" : "s", code, count.kiosk,
                   code);
        else if (count.waiting)
            printf("%d results wait for the approval of their kiosks: core kiosk list, then core "
                   "kiosk approve CODE stores them\n", count.waiting);
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    fflush(stdout);
    if (count.refused) return cmd_fail("%d of %d results refused", count.refused, n);
    return rc;
}

static int print_form(const char *form_json, void *arg)
{
    (void)arg;
    return fputs(form_json, stdout) < 0 || putchar('\n') == EOF ? -1 : 0;
}

int cmd_history(const char *db, int argc, char **argv)
{
    if (argc != 2 || strcmp(argv[0], "--exam") != 0 || !argv[1][0])
        return cmd_usage("history --exam ID");
    cmd_env env;
    if (cmd_open(db, false, &env)) return 1;
    char why[WHY_SIZE] = "";
    int rc = store_history(env.st, argv[1], print_form, NULL, why);
    cmd_close(&env);
    if (fflush(stdout) != 0) return cmd_fail("cannot write the history");
    if (rc) return cmd_fail("%s", why);
    return 0;
}
