/* main.c -- the `bank` tool: authoring, sealing and session commands over libbank. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "secret.h"
#include "why.h"
#include "text.h"

static const char USAGE[] =
    "usage: bank COMMAND ...\n"
    "  keygen OUT                               write OUT.key (0600) and OUT.pub\n"
    "  init BANK --passphrase-file F            create an empty bank\n"
    "  import BANK --passphrase-file F FILE [--format csv|aiken|gift|moodle-xml]\n"
    "         [--topic T] [--skip-unsupported]\n"
    "                                           every problem on its own line; with\n"
    "                                           --skip-unsupported, questions of other\n"
    "                                           types are left out and listed\n"
    "  exam-add BANK --passphrase-file F EXAM.json\n"
    "  list BANK                                item ids, topics, kinds; no secrets\n"
    "  show BANK --passphrase-file F [--json] [ID...]\n"
    "                                           the items as text to proofread (JSON:\n"
    "                                           one object a line, texts as stored)\n"
    "  lint BANK --passphrase-file F [--remedials N]\n"
    "  seal BANK --key AUTH.key\n"
    "  verify BANK --pub AUTH.pub               exit 0 only if untampered\n"
    "  pins ROSTER.csv --out FILE               the roster with a PIN made for every\n"
    "                                           row without one (FILE 0600, new)\n"
    "  roster ROSTER.csv --exam TEXT [--room TEXT] --cards CARDS.html [--out FILE]\n"
    "                                           PINs made as pins does, and a printable\n"
    "                                           page of participant cards (both 0600, new)\n"
    "  session BANK --passphrase-file F --exam ID --roster ROSTER.csv\n"
    "          [--history FORMS.jsonl] --out SESSION [--token-out FILE]\n"
    "          [--proctor-code-out FILE] [--slip FILE.html [--room TEXT]]\n"
    "                                           prints the proctor token; writes the\n"
    "                                           token, the proctor code and the\n"
    "                                           proctor's printable slip (each 0600,\n"
    "                                           never overwritten)\n"
    "  draw BANK --session SESSION --token-file T --participant NIP [--json]\n"
    "                                           the participant's stored form\n"
    "  audit BANK --session SESSION --token-file T\n"
    "                                           draws every form again and compares\n"
    "  score BANK --passphrase-file F --form FORM.json --answers ANSWERS.json [--json]\n"
    "  stats BANK [--history FORMS.jsonl]       item exposure\n"
    "  stats --results EXPORT.json [--csv|--json]\n"
    "                                           item analysis of `core stats --json`\n"
    "Secrets are read from files (or - for standard input), never from arguments.\n";

static const struct {
    const char *name;
    int (*fn)(cli_args *);
} COMMANDS[] = {
    {"keygen", cmd_keygen}, {"init", cmd_init},       {"import", cmd_import},
    {"exam-add", cmd_exam_add}, {"list", cmd_list},   {"lint", cmd_lint},
    {"seal", cmd_seal},     {"verify", cmd_verify},   {"session", cmd_session},
    {"draw", cmd_draw},     {"score", cmd_score},     {"stats", cmd_stats},
    {"audit", cmd_audit},   {"pins", cmd_pins},       {"show", cmd_show},
    {"roster", cmd_roster},
};

static const char *const WITH_VALUE[] = {
    "passphrase-file", "format", "topic", "key", "pub", "exam", "roster", "history",
    "out", "session", "token-file", "participant", "form", "answers", "remedials",
    "results", "token-out", "cards", "room", "proctor-code-out", "slip", NULL,
};

bool cli_parse(cli_args *a, int argc, char **argv, const char *const *with_value)
{
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--json") == 0) {
            a->json = true;
        } else if (strcmp(s, "--skip-unsupported") == 0) {
            a->skip_unsupported = true;
        } else if (strcmp(s, "--csv") == 0) {
            a->csv = true;
        } else if (strncmp(s, "--", 2) == 0) {
            bool known = false;
            for (int k = 0; with_value[k]; k++)
                if (strcmp(s + 2, with_value[k]) == 0) known = true;
            if (!known) {
                fprintf(stderr, "bank %s: unknown option %s (see 'bank help')\n", a->cmd, s);
                return false;
            }
            if (i + 1 >= argc) {
                fprintf(stderr, "bank %s: option %s needs a value\n", a->cmd, s);
                return false;
            }
            if (a->nopt == 12) {
                fprintf(stderr, "bank %s: too many options\n", a->cmd);
                return false;
            }
            a->opt_name[a->nopt] = s + 2;
            a->opt_val[a->nopt++] = argv[++i];
        } else {
            if (a->npos == CLI_MAX_POS) {
                fprintf(stderr, "bank %s: too many arguments\n", a->cmd);
                return false;
            }
            a->pos[a->npos++] = s;
        }
    }
    return true;
}

const char *cli_opt(const cli_args *a, const char *name)
{
    const char *v = NULL;
    for (int i = 0; i < a->nopt; i++)
        if (strcmp(a->opt_name[i], name) == 0) v = a->opt_val[i];
    return v;
}

const char *cli_need(const cli_args *a, const char *name)
{
    const char *v = cli_opt(a, name);
    if (!v) fprintf(stderr, "bank %s: --%s is required (see 'bank help')\n", a->cmd, name);
    return v;
}

/* Prints s (at most WHY_SIZE bytes) escaped (text_escape), so a message
 * stays on one line and file names in it show as what they are. */
static void put_line(const char *s)
{
    char line[WHY_SIZE], shown[TEXT_ESCAPED(WHY_SIZE)];
    snprintf(line, sizeof line, "%s", s);
    fputs(text_escape(line, shown, sizeof shown), stderr);
}

void cli_say(const cli_args *a, const char *prefix, const char *text)
{
    fprintf(stderr, "bank %s: %s", a->cmd, prefix);
    put_line(text);
    fputc('\n', stderr);
}

int cli_fail(const cli_args *a, bank_err e, const char *why)
{
    if (why && why[0]) {
        fprintf(stderr, "bank %s: %s: ", a->cmd, bank_strerror(e));
        put_line(why);
        fputc('\n', stderr);
    }
    else fprintf(stderr, "bank %s: %s\n", a->cmd, bank_strerror(e));
    return 1;
}

int cli_usage(const cli_args *a, const char *msg)
{
    fprintf(stderr, "bank %s: %s\n", a->cmd, msg);
    return 2;
}

/* Caller wipes and frees the result with secret_free(). */
char *cli_secret(const cli_args *a, const char *path, size_t *len)
{
    char why[WHY_SIZE] = "";
    char *s = secret_read(path, SECRET_MAX, SECRET_STDIN, len, why);
    if (!s) {
        fprintf(stderr, "bank %s: ", a->cmd);
        put_line(why);
        fputc('\n', stderr);
    }
    return s;
}

char *cli_read_file(const cli_args *a, const char *path, size_t max, size_t *len)
{
    char *buf = NULL, why[WHY_SIZE] = "";
    if (bank_file_read(path, max, &buf, len, why) != BANK_OK)
        fprintf(stderr, "bank %s: %s\n", a->cmd, why);
    return buf;
}

bank *cli_open_bank(const cli_args *a, const char *path, bool writable, bool unlock, int *rc)
{
    char why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    const char *pf = NULL;
    if (unlock && !(pf = cli_need(a, "passphrase-file"))) {
        *rc = 2;
        return NULL;
    }
    bank *b = bank_open(path, writable, &e, why);
    if (!b) {
        *rc = cli_fail(a, e, why);
        return NULL;
    }
    if (unlock) {
        size_t n = 0;
        char *pass = cli_secret(a, pf, &n);
        if (!pass) {
            bank_close(b);
            *rc = 1;
            return NULL;
        }
        e = bank_unlock(b, pass, n, why);
        secret_free(pass, n);
        if (e) {
            *rc = cli_fail(a, e, why);
            bank_close(b);
            return NULL;
        }
    }
    return b;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        fputs(USAGE, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++) {
        if (strcmp(argv[1], COMMANDS[i].name) != 0) continue;
        cli_args a = {.cmd = argv[1]};
        if (!cli_parse(&a, argc - 2, argv + 2, WITH_VALUE)) return 2;
        return COMMANDS[i].fn(&a);
    }
    fprintf(stderr, "bank: unknown command '%s' (see 'bank help')\n", argv[1]);
    return 2;
}
