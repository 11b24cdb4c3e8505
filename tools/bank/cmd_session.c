/* cmd_session.c -- sitting commands: pins, session, draw, score. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "cli.h"
#include "why.h"

int secret_out_open(const cli_args *a, const char *opt, const char *path,
                           const char *what)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        fprintf(stderr, "bank %s: --%s %s: %s%s%s%s\n", a->cmd, opt, path, strerror(errno),
                errno == EEXIST ? " (a " : "", errno == EEXIST ? what : "",
                errno == EEXIST ? " file is never overwritten)" : "");
    return fd;
}

int secret_out_write(const cli_args *a, int fd, const char *opt, const char *path,
                            const char *data, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        off += (size_t)n;
    }
    int ok = off == len && fsync(fd) == 0;
    int err = errno;
    ok = close(fd) == 0 && ok;
    if (ok) return 0;
    unlink(path);
    fprintf(stderr, "bank %s: --%s %s: %s\n", a->cmd, opt, path, strerror(err ? err : EIO));
    return 1;
}

/* Writes the token and a newline to the --token-out file fd. */
static int token_out_write(const cli_args *a, int fd, const char *path, const char *token)
{
    char line[BANK_TOKEN_LEN + 2];
    size_t len = (size_t)snprintf(line, sizeof line, "%s\n", token);
    int rc = secret_out_write(a, fd, "token-out", path, line, len);
    OPENSSL_cleanse(line, sizeof line);
    if (rc) fprintf(stderr, "bank %s: the token is printed on standard output\n", a->cmd);
    return rc;
}

int cmd_pins(cli_args *a)
{
    if (a->npos != 1) return cli_usage(a, "usage: bank pins ROSTER.csv --out ROSTER-WITH-PINS.csv");
    const char *out = cli_need(a, "out");
    if (!out) return 2;
    size_t len = 0, outlen = 0, made = 0;
    char *in = cli_read_file(a, a->pos[0], 1 << 24, &len), *filled = NULL, why[WHY_SIZE] = "";
    if (!in) return 1;
    int rc = 0, fd = secret_out_open(a, "out", out, "PIN");
    bank_err e = fd < 0 ? BANK_OK : bank_roster_pins(in, len, &filled, &outlen, &made, why);
    if (fd < 0) {
        rc = 1;
    } else if (e) {
        close(fd);
        unlink(out);
        rc = cli_fail(a, e, why);
    } else if (!(rc = secret_out_write(a, fd, "out", out, filled, outlen))) {
        fprintf(stderr, "%s: the roster with %zu new PIN%s of %d digits (readable by its owner"
                        " only): hand each participant theirs, then keep it safe\n",
                out, made, made == 1 ? "" : "s", BANK_PIN_MIN);
    }
    if (filled) OPENSSL_cleanse(filled, outlen);
    free(filled);
    OPENSSL_cleanse(in, len);
    free(in);
    return rc;
}

/* Writes the proctor code (as typed, in groups) and a newline to the
 * --proctor-code-out file fd. */
static int proctor_out_write(const cli_args *a, int fd, const char *path, const char *code)
{
    char shown[BANK_PROCTOR_LEN + 4], line[BANK_PROCTOR_LEN + 5];
    bank_proctor_format(code, shown);
    size_t len = (size_t)snprintf(line, sizeof line, "%s\n", shown);
    int rc = secret_out_write(a, fd, "proctor-code-out", path, line, len);
    OPENSSL_cleanse(shown, sizeof shown);
    OPENSSL_cleanse(line, sizeof line);
    return rc;
}

/* Writes the proctor's slip of the session just made at `session` to the
 * --slip file fd. */
static int slip_write(const cli_args *a, int fd, const char *path, const char *session,
                      const char *exam, const char *room, const char *token, const char *code)
{
    char bid[33], sid[33], eid[65], why[WHY_SIZE] = "", shown[BANK_PROCTOR_LEN + 4];
    bank_err e = bank_session_info(session, bid, sid, eid, why);
    if (e) {
        close(fd);
        unlink(path);
        return cli_fail(a, e, why);
    }
    sbuf page;
    sbuf_init(&page, 0);
    page.secret = true;
    bank_proctor_format(code, shown);
    slip_page(&page, exam, room, sid, token, shown);
    OPENSSL_cleanse(shown, sizeof shown);
    int rc;
    if (page.failed) {
        close(fd);
        unlink(path);
        rc = cli_fail(a, BANK_ENOMEM, "");
    } else {
        rc = secret_out_write(a, fd, "slip", path, page.p, page.len);
    }
    sbuf_free(&page);
    return rc;
}

/* The secret files of `bank session`: --token-out, --proctor-code-out and --slip. */
typedef struct sess_outs {
    const char *path[3];
    int fd[3];
} sess_outs;

enum { OUT_TOKEN, OUT_PROCTOR, OUT_SLIP };

/* Creates every named output file before the session is made; false (each
 * one made so far removed) when one cannot be. */
static bool outs_open(const cli_args *a, sess_outs *o)
{
    static const char *const opt[] = {"token-out", "proctor-code-out", "slip"};
    static const char *const what[] = {"token", "proctor code", "slip"};
    for (int i = 0; i < 3; i++) {
        o->fd[i] = -1;
        if (o->path[i] && (o->fd[i] = secret_out_open(a, opt[i], o->path[i], what[i])) < 0) {
            while (i-- > 0)
                if (o->fd[i] >= 0) close(o->fd[i]), unlink(o->path[i]), o->fd[i] = -1;
            return false;
        }
    }
    return true;
}

int cmd_session(cli_args *a)
{
    if (a->npos != 1)
        return cli_usage(a, "usage: bank session BANK --passphrase-file F --exam ID"
                            " --roster ROSTER.csv [--history FORMS.jsonl] --out SESSION"
                            " [--token-out FILE] [--proctor-code-out FILE]"
                            " [--slip FILE.html [--room TEXT]]");
    const char *exam = cli_need(a, "exam"), *roster = cli_need(a, "roster");
    const char *out = cli_need(a, "out"), *history = cli_opt(a, "history");
    const char *room = cli_opt(a, "room");
    sess_outs o = {{cli_opt(a, "token-out"), cli_opt(a, "proctor-code-out"), cli_opt(a, "slip")},
                   {-1, -1, -1}};
    if (!exam || !roster || !out) return 2;
    if (room && !o.path[OUT_SLIP]) return cli_usage(a, "--room is printed on the --slip page only");
    if (!label_ok(a, "room", room)) return 2;
    for (int i = 0; i < 3; i++)
        for (int k = i + 1; k < 3; k++)
            if (o.path[i] && o.path[k] && strcmp(o.path[i], o.path[k]) == 0)
                return cli_usage(a, "--token-out, --proctor-code-out and --slip name three files");
    char proctor[BANK_PROCTOR_LEN + 1] = "";
    bank_session_spec spec = {.exam_id = exam, .proctor_code = proctor};
    char *rdata = cli_read_file(a, roster, 1 << 24, &spec.roster_len);
    if (!rdata) return 1;
    char *hdata = NULL;
    if (history && !(hdata = cli_read_file(a, history, (size_t)1 << 30, &spec.history_len))) {
        free(rdata);
        return 1;
    }
    spec.roster_csv = rdata;
    spec.history_jsonl = hdata;
    int rc = 0;
    bank *b = cli_open_bank(a, a->pos[0], false, true, &rc);
    if (b && !outs_open(a, &o)) rc = 1;
    if (b && rc == 0) {
        char token[BANK_TOKEN_LEN + 1], why[WHY_SIZE] = "";
        bank_err e = bank_session_create(b, &spec, out, token, why);
        if (e) {
            rc = cli_fail(a, e, why);
        } else {
            fprintf(stderr, "session for exam %s written to %s; the proctor token follows and"
                            " is shown only this once%s%s\n", exam, out,
                    o.path[OUT_TOKEN] ? "; it is also in " : "",
                    o.path[OUT_TOKEN] ? o.path[OUT_TOKEN] : "");
            printf("%s\n", token);
            fflush(stdout);
            if (o.fd[OUT_TOKEN] >= 0) rc |= token_out_write(a, o.fd[OUT_TOKEN], o.path[OUT_TOKEN], token);
            if (o.fd[OUT_PROCTOR] >= 0)
                rc |= proctor_out_write(a, o.fd[OUT_PROCTOR], o.path[OUT_PROCTOR], proctor);
            if (o.fd[OUT_SLIP] >= 0)
                rc |= slip_write(a, o.fd[OUT_SLIP], o.path[OUT_SLIP], out, exam, room, token,
                                 proctor);
            o.fd[OUT_TOKEN] = o.fd[OUT_PROCTOR] = o.fd[OUT_SLIP] = -1;
            if (!o.path[OUT_PROCTOR] && !o.path[OUT_SLIP])
                fprintf(stderr, "bank session: no --proctor-code-out or --slip: the session's"
                                " proctor code is lost (make the session again to have one)\n");
            else
                fprintf(stderr, "the proctor code is in %s (readable by its owner only)\n",
                        o.path[OUT_PROCTOR] ? o.path[OUT_PROCTOR] : o.path[OUT_SLIP]);
            OPENSSL_cleanse(token, sizeof token);
        }
    }
    OPENSSL_cleanse(proctor, sizeof proctor);
    for (int i = 0; i < 3; i++)  /* no session was made: the empty files go */
        if (o.fd[i] >= 0) close(o.fd[i]), unlink(o.path[i]);
    bank_close(b);
    free(rdata);
    free(hdata);
    return rc;
}

/* Prints a form for people: one item a line with its option order. */
static void print_form(const bank_form *f)
{
    printf("exam %s, participant %s, attempt %d, %zu items\n", bank_form_exam(f),
           bank_form_participant(f), bank_form_attempt(f), bank_form_size(f));
    for (size_t i = 0; i < bank_form_size(f); i++) {
        const char *topic;
        const int *perm;
        int n;
        const char *id = bank_form_item(f, i, &topic, &perm, &n);
        printf("%3zu. %s (%s) options", i + 1, id, topic);
        for (int k = 0; k < n; k++) printf(" %c", 'A' + perm[k]);
        printf("\n");
    }
}

/* Opens session file sp of bank b and unlocks it with the token in file
 * tf; NULL after saying why (or on a usage problem, *rc set). */
static bank_session *open_unlocked(cli_args *a, bank *b, const char *sp, const char *tf, int *rc)
{
    char why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    bank_session *s = bank_session_open(b, sp, &e, why);
    size_t tlen = 0;
    char *token = s ? cli_secret(a, tf, &tlen) : NULL;
    if (s && token) {
        e = bank_session_unlock(s, token, tlen, why);
        secret_free(token, tlen);
    }
    if (!s || !token || e) {
        *rc = !s || e ? cli_fail(a, e, why) : 1;
        bank_session_close(s);
        return NULL;
    }
    return s;
}

int cmd_draw(cli_args *a)
{
    if (a->npos != 1)
        return cli_usage(a, "usage: bank draw BANK --session SESSION --token-file T"
                            " --participant NIP [--json]");
    const char *sp = cli_need(a, "session"), *tf = cli_need(a, "token-file");
    const char *nip = cli_need(a, "participant");
    if (!sp || !tf || !nip) return 2;
    int rc = 0;
    bank *b = cli_open_bank(a, a->pos[0], false, false, &rc);
    if (!b) return rc;
    char why[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    bank_form *f = NULL;
    bank_session *s = open_unlocked(a, b, sp, tf, &rc);
    if (!s) {
        bank_close(b);
        return rc;
    }
    f = bank_form_draw(s, nip, &e, why);
    /* every item must open: rows copied from another bank do not */
    for (size_t i = 0; f && !e && i < bank_form_size(f); i++) {
        bank_item it;
        e = bank_item_get(b, bank_form_item(f, i, NULL, NULL, NULL), &it, why);
        bank_item_clear(&it);
    }
    if (f && !e) {
        if (a->json) {
            char *json = bank_form_json(f);
            if (json) printf("%s\n", json);
            else e = BANK_ENOMEM;
            free(json);
        } else {
            print_form(f);
        }
    }
    if (e) rc = cli_fail(a, e, why);
    bank_form_free(f);
    bank_session_close(s);
    bank_close(b);
    return rc;
}

int cmd_audit(cli_args *a)
{
    if (a->npos != 1)
        return cli_usage(a, "usage: bank audit BANK --session SESSION --token-file T");
    const char *sp = cli_need(a, "session"), *tf = cli_need(a, "token-file");
    if (!sp || !tf) return 2;
    int rc = 0;
    bank *b = cli_open_bank(a, a->pos[0], false, false, &rc);
    if (!b) return rc;
    bank_session *s = open_unlocked(a, b, sp, tf, &rc);
    char why[WHY_SIZE] = "";
    bank_err e = s ? bank_session_audit(s, why) : BANK_OK;
    if (s && e) rc = cli_fail(a, e, why);
    else if (s)
        printf("session %s: the %zu stored forms are the ones draw version %d gives\n",
               bank_session_id(s), bank_session_size(s), bank_session_draw_version(s));
    bank_session_close(s);
    bank_close(b);
    return rc;
}

/* Parses ANSWERS.json ({"ITEM":"B", ...}) into a borrowed array. */
static bank_answer *parse_answers(json_t *o, size_t *n)
{
    *n = json_object_size(o);
    bank_answer *v = calloc(*n ? *n : 1, sizeof *v);
    const char *key;
    json_t *val;
    size_t i = 0;
    json_object_foreach(o, key, val) {
        if (!v) break;
        if (!json_is_string(val) && !json_is_null(val)) {
            free(v);
            return NULL;
        }
        v[i].item_id = key;
        v[i++].letters = json_is_string(val) ? json_string_value(val) : "";
    }
    return v;
}

int cmd_score(cli_args *a)
{
    if (a->npos != 1)
        return cli_usage(a, "usage: bank score BANK --passphrase-file F --form FORM.json"
                            " --answers ANSWERS.json [--json]");
    const char *fp = cli_need(a, "form"), *ap = cli_need(a, "answers");
    if (!fp || !ap || !cli_need(a, "passphrase-file")) return 2;
    char why[WHY_SIZE] = "", sub[WHY_SIZE] = "";
    size_t flen = 0, alen = 0, nans = 0;
    char *fjson = cli_read_file(a, fp, 1 << 24, &flen);
    char *ajson = fjson ? cli_read_file(a, ap, 1 << 24, &alen) : NULL;
    if (!fjson || !ajson) {
        free(fjson);
        return 1;
    }
    bank_err e = BANK_OK;
    int rc = 0;
    bank_form *f = bank_form_parse(fjson, flen, &e, sub);
    json_error_t je;
    json_t *ao = f ? json_loadb(ajson, alen, JSON_REJECT_DUPLICATES, &je) : NULL;
    bank_answer *ans = json_is_object(ao) ? parse_answers(ao, &nans) : NULL;
    bank *b = NULL;
    if (!f) {
        snprintf(why, sizeof why, "%s: %s", fp, sub);
    } else if (!ans) {
        snprintf(why, sizeof why, "%s: answers must be a JSON object of item id to letters (%s)",
                 ap, ao ? "wrong type" : je.text);
        e = BANK_EPARSE;
    } else if ((b = cli_open_bank(a, a->pos[0], false, true, &rc)) != NULL) {
        bank_score sc;
        e = bank_form_score(b, f, ans, nans, &sc, why);
        if (!e && a->json)
            printf("{\"raw\":%d,\"ceiling\":%d,\"awarded\":%d,\"band\":\"%s\",\"passed\":%s}\n",
                   sc.raw, sc.ceiling, sc.awarded, sc.band, sc.passed ? "true" : "false");
        else if (!e)
            printf("raw %d.%02d, ceiling %d.%02d (attempt %d), awarded %d.%02d: %s, %s\n",
                   sc.raw / 100, sc.raw % 100, sc.ceiling / 100, sc.ceiling % 100,
                   bank_form_attempt(f), sc.awarded / 100, sc.awarded % 100, sc.band,
                   sc.passed ? "passed" : "not passed");
    }
    if (e && rc == 0) rc = cli_fail(a, e, why);
    bank_close(b);
    free(ans);
    json_decref(ao);
    bank_form_free(f);
    free(fjson);
    free(ajson);
    return rc;
}
