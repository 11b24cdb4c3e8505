/* result.c -- the canonical, signed result record of an attempt and the outbox it waits in. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "proto.h"
#include "result.h"
#include "why.h"

#define RESULT_NAME 128     /* size of name_out */
#define RESULT_MAX_FILE (64 << 20)  /* an outbox file larger than this is not ours */

/* The "answers" array: one {"id","v","ms"} per item in form order. New
 * reference (caller decrefs); NULL on ENOMEM. */
static json_t *answers_json(const sitting *s)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < s->n; i++) {
        const char *id = bank_form_item(s->form, i, NULL, NULL, NULL);
        json_t *o = id ? json_pack("{s:s, s:s, s:I}", "id", id, "v", s->answer[i], "ms",
                                   (json_int_t)s->answer_ms[i])
                       : NULL;
        if (json_array_append_new(a, o) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* The "incidents" array: {"at": wall_ms, "what"} in order, those journalled
 * before the submission. New reference (caller decrefs); NULL on ENOMEM. */
static json_t *incidents_json(const sitting *s)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < s->submit_incidents && i < SITTING_MAX_INCIDENTS; i++) {
        json_t *o = json_pack("{s:I, s:s}", "at", (json_int_t)s->incidents[i].wall_ms, "what",
                              s->incidents[i].what);
        if (json_array_append_new(a, o) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* The form as a JSON value (the `bank draw --json` object). New reference
 * (caller decrefs); NULL on ENOMEM. */
static json_t *form_json(const bank_form *f)
{
    char *text = bank_form_json(f);
    json_t *o = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    return o;
}

/* Caller frees with free(). Also NULL when the sitting has no form, is not
 * submitted, or an argument is missing. */
char *result_json(const char *bank_id, const char *session_id, const sitting *s,
                  const bank_score *score, const char *journal_head, const char *kiosk_pub,
                  int64_t finished_ms)
{
    if (!bank_id || !session_id || !s || !s->form || !s->submitted || !score ||
        !journal_head || !kiosk_pub)
        return NULL;
    const bank_form *f = s->form;
    json_t *sc = json_pack("{s:i, s:i, s:i, s:s, s:b}", "raw", score->raw, "ceiling",
                           score->ceiling, "awarded", score->awarded, "band",
                           score->band ? score->band : bank_band(score->awarded), "passed",
                           score->passed);
    json_t *acc = json_pack("{s:b, s:i}", "read_aloud", s->aloud, "extra_minutes",
                            s->extra_minutes);
    /* what the proctor did to the clock: minutes added, wall time held (paused or locked) */
    json_t *room = json_pack("{s:i, s:I}", "extended_minutes", s->extended_minutes, "held_ms",
                             (json_int_t)s->stopped_ms);
    json_t *o = json_pack(
        "{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:i, s:o*, s:o*, s:o*, s:s, s:I, s:I, s:o*, s:s, "
        "s:s, s:I, s:o*, s:o*}",
        "kind", "kisi-result", "version", PROTO_RESULT_VERSION, "bank", bank_id, "session",
        session_id, "exam", bank_form_exam(f), "participant", bank_form_participant(f), "name", s->name,
        "attempt", bank_form_attempt(f), "form", form_json(f), "answers", answers_json(s),
        "score", sc, "submitted", s->submit_why, "used_ms", (json_int_t)s->submit_used_ms,
        "down_ms", (json_int_t)s->down_ms, "incidents", incidents_json(s), "journal", journal_head,
        "kiosk", kiosk_pub, "finished_ms", (json_int_t)finished_ms, "accommodations", acc,
        "room", room);
    /* with o*, a NULL member (out of memory) is left out: a record missing one is refused */
    char *text = o && json_object_size(o) == 20
                     ? json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT)
                     : NULL;
    json_decref(o);
    return text;
}

/* True when `s` is a safe file-name part: [A-Za-z0-9._-], not starting with '.'. */
static int name_part_ok(const char *s)
{
    if (!s || !*s || *s == '.') return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

/* fsyncs the folder `dir` so that a rename or creation in it is durable. */
static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Creates `dir` (0700) and any missing parents, each made durable in its parent. */
static int make_dirs(const char *dir, char *why)
{
    struct stat st;
    if (stat(dir, &st) == 0)
        return S_ISDIR(st.st_mode) ? 0 : why_set(why, "outbox %s is not a folder", dir);
    char *p = strdup(dir);
    if (!p) return why_set(why, "out of memory");
    int rc = 0;
    for (char *q = p + 1; rc == 0; q++) {
        if (*q != '/' && *q != 0) continue;
        char c = *q;
        *q = 0;
        if (mkdir(p, 0700) == 0) {
            char *slash = strrchr(p, '/');
            if (slash == p) rc = sync_dir("/");
            else if (slash) {
                *slash = 0;
                rc = sync_dir(p);
                *slash = '/';
            } else {
                rc = sync_dir(".");
            }
        } else if (errno != EEXIST) {
            rc = -1;
        }
        if (rc != 0) why_set(why, "cannot create outbox %s: %s", p, strerror(errno));
        *q = c;
        if (c == 0) break;
    }
    free(p);
    return rc;
}

/* Writes len bytes to dir/name (0600) through a temporary file, fsync and
 * rename, then fsyncs dir. Returns 0 or -1 with why set. */
static int write_atomic(const char *dir, const char *name, const void *data, size_t len,
                        char *why)
{
    char dst[4096];
    if ((size_t)snprintf(dst, sizeof dst, "%s/%s", dir, name) >= sizeof dst)
        return why_set(why, "outbox path too long");
    return bank_file_write_atomic(dst, data, len, 0600, why) == BANK_OK ? 0 : -1;
}

/* Reads dir/name whole. Caller frees *out with free(). 1 read, 0 missing,
 * -1 error (errno set; EFBIG for a file larger than RESULT_MAX_FILE). */
static int read_file(const char *dir, const char *name, char **out, size_t *len)
{
    char path[4096];
    *out = NULL;
    *len = 0;
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return errno = ENAMETOOLONG, -1;
    bank_err e = bank_file_read(path, RESULT_MAX_FILE, out, len, NULL);
    return e == BANK_OK ? 1 : e == BANK_ENOTFOUND ? 0 : -1;
}

/* True when dir/NAME.sig holds a valid signature of json by some kiosk key. */
static int sig_valid(const char *dir, const char *signame, const char *json, size_t len)
{
    char *text;
    size_t n;
    if (read_file(dir, signame, &text, &n) != 1) return 0;
    json_t *o = json_loadb(text, n, 0, NULL);
    free(text);
    const char *pub = json_string_value(json_object_get(o, "kiosk"));
    const char *sig = json_string_value(json_object_get(o, "sig"));
    json_t *v = json_object_get(o, "version");
    int ok = pub && sig && (!v || json_integer_value(v) == PROTO_SIG_VERSION) &&
             bank_sig_verify(pub, json, len, sig) == BANK_OK;
    json_decref(o);
    return ok;
}

/* Signs json and writes dir/signame. Returns 0 or -1 with why set. */
static int write_sig(const char *dir, const char *signame, const char *json, size_t len,
                     const bank_signer *signer, char *why)
{
    char sig[129];
    bank_err e = bank_signer_sign(signer, json, len, sig);
    if (e != BANK_OK) return why_set(why, "cannot sign the result: %s", bank_strerror(e));
    json_t *o = json_pack("{s:s, s:s, s:i}", "kiosk", bank_signer_pub(signer), "sig", sig,
                          "version", PROTO_SIG_VERSION);
    char *text = o ? json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
    json_decref(o);
    if (!text) return why_set(why, "out of memory");
    int rc = write_atomic(dir, signame, text, strlen(text), why);
    free(text);
    return rc;
}

int result_store(const char *outbox_dir, const char *json, const bank_signer *signer,
                 const char *session_id, const char *nip, int attempt, char *name_out,
                 char *why)
{
    char name[RESULT_NAME], jname[RESULT_NAME + 8], sname[RESULT_NAME + 8];
    if (!outbox_dir || !*outbox_dir || !json || !signer)
        return why_set(why, "result_store: missing argument");
    if (!name_part_ok(session_id) || !name_part_ok(nip) || attempt < 1)
        return why_set(why, "session id, NIP or attempt cannot name a result file");
    if ((size_t)snprintf(name, sizeof name, "%s-%s-%d", session_id, nip, attempt) >= sizeof name)
        return why_set(why, "result name too long");
    snprintf(jname, sizeof jname, "%s.json", name);
    snprintf(sname, sizeof sname, "%s.sig", name);
    if (name_out) snprintf(name_out, RESULT_NAME, "%s", name);
    if (make_dirs(outbox_dir, why) != 0) return -1;
    size_t len = strlen(json);
    char *old;
    size_t oldlen;
    int have = read_file(outbox_dir, jname, &old, &oldlen);
    if (have < 0) return why_set(why, "cannot read %s/%s: %s", outbox_dir, jname, strerror(errno));
    if (have == 1) {
        int same = oldlen == len && memcmp(old, json, len) == 0;
        free(old);
        if (!same) {
            why_set(why, "outbox already holds a different result %s", jname);
            return RESULT_DIFFERENT;
        }
        /* the same record again: only repair a missing or broken signature */
        if (sig_valid(outbox_dir, sname, json, len)) return 0;
        return write_sig(outbox_dir, sname, json, len, signer, why);
    }
    /* the signature goes first: a NAME.json is only ever seen with its NAME.sig */
    if (write_sig(outbox_dir, sname, json, len, signer, why) != 0) return -1;
    return write_atomic(outbox_dir, jname, json, len, why);
}

/* Renames dir/from to dir2/to unless dir2/to exists (link, then unlink):
 * 0, 1 when `to` is taken, -1 on error (errno set); a missing `from` is 0. */
static int move_new(const char *dir, const char *from, const char *dir2, const char *to)
{
    char src[4096], dst[4096];
    if ((size_t)snprintf(src, sizeof src, "%s/%s", dir, from) >= sizeof src ||
        (size_t)snprintf(dst, sizeof dst, "%s/%s", dir2, to) >= sizeof dst)
        return errno = ENAMETOOLONG, -1;
    if (link(src, dst) != 0) return errno == EEXIST ? 1 : errno == ENOENT ? 0 : -1;
    return unlink(src) == 0 || errno == ENOENT ? 0 : -1;
}

int result_set_aside(const char *outbox_dir, const char *name, const char *aside_dir,
                     char *aside_out, char *why)
{
    if (!outbox_dir || !name_part_ok(name) || !aside_dir)
        return why_set(why, "result_set_aside: missing argument");
    if (make_dirs(aside_dir, why) != 0) return -1;
    for (int k = 1; k < 10000; k++) {
        char from[RESULT_NAME + 8], to[RESULT_NAME + 16];
        snprintf(to, sizeof to, "%s.%d.json", name, k);
        snprintf(from, sizeof from, "%s.json", name);
        int rc = move_new(outbox_dir, from, aside_dir, to);
        if (rc == 1) continue;
        if (rc == 0) {
            if (aside_out) snprintf(aside_out, 4096, "%s/%s", aside_dir, to);
            snprintf(to, sizeof to, "%s.%d.sig", name, k);
            snprintf(from, sizeof from, "%s.sig", name);
            rc = move_new(outbox_dir, from, aside_dir, to);
        }
        if (rc != 0 || sync_dir(aside_dir) != 0 || sync_dir(outbox_dir) != 0)
            return why_set(why, "cannot move %s aside into %s: %s", name, aside_dir,
                           rc == 1 ? "name taken" : strerror(errno));
        return 0;
    }
    return why_set(why, "%s already holds 9999 copies of %s", aside_dir, name);
}

int result_queued(const char *outbox_dir)
{
    if (!outbox_dir) return -1;
    DIR *d = opendir(outbox_dir);
    if (!d) return errno == ENOENT ? 0 : -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] != '.' && len > 5 && strcmp(e->d_name + len - 5, ".json") == 0) n++;
    }
    closedir(d);
    return n;
}
