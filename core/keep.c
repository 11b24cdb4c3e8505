/* keep.c -- the banks and sessions the core keeps: copies in its data folder, open ones cached. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "bank.h"
#include "ingest_int.h"
#include "secret.h"
#include "why.h"

/* mkdir -p for one or two levels, mode 0700. */
static int make_dir(const char *path, char *why)
{
    if (mkdir(path, 0700) == 0 || errno == EEXIST) return 0;
    why_set(why, "%s: %s", path, strerror(errno));
    return -1;
}

core_ctx *core_ctx_new(store *s, const char *data_dir, char *why)
{
    core_ctx *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->st = s;
    /* the store keeps paths of bank and session copies: make them absolute,
     * so that a core started from another folder still finds them */
    char cwd[CORE_PATH_MAX];
    int n = data_dir[0] != '/' && getcwd(cwd, sizeof cwd)
                ? snprintf(c->data, sizeof c->data, "%s/%s", cwd, data_dir)
                : snprintf(c->data, sizeof c->data, "%s", data_dir);
    if (n < 0 || (size_t)n >= sizeof c->data) {
        why_set(why, "the data folder's path is longer than %d bytes", CORE_DATA_MAX - 1);
        free(c);
        return NULL;
    }
    char sub[CORE_PATH_MAX];
    int rc = make_dir(c->data, why);
    snprintf(sub, sizeof sub, "%s/banks", c->data);
    if (!rc) rc = make_dir(sub, why);
    snprintf(sub, sizeof sub, "%s/sessions", c->data);
    if (!rc) rc = make_dir(sub, why);
    if (rc) {
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->mu, NULL);
    return c;
}

void core_ctx_free(core_ctx *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->nsessions; i++) {
        bank_session_close(c->sessions[i].s);
        bank_exam_free(c->sessions[i].exam);
    }
    for (size_t i = 0; i < c->nbanks; i++) bank_close(c->banks[i].b);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

store *core_ctx_store(core_ctx *c)
{
    return c->st;
}

#define COPY_MAX ((size_t)1 << 31) /* the largest bank or session file copied */

/* Copies src to dst (mode) atomically, through libbank's one atomic
 * writer: a reader of dst sees the old file or the whole new one. */
static int copy_file(const char *src, const char *dst, int mode, char *why)
{
    char *data = NULL, bw[WHY_SIZE] = "";
    size_t len = 0;
    bank_err e = bank_file_read(src, COPY_MAX, &data, &len, bw);
    if (!e) e = bank_file_write_atomic(dst, data, len, mode, bw);
    if (data) OPENSSL_cleanse(data, len); /* a passphrase file passes here too */
    free(data);
    if (e) why_set(why, "cannot copy %s to %s: %s", src, dst, bw);
    return e ? -1 : 0;
}

/* Closes the i-th open session. Call locked. */
static void drop_session(core_ctx *c, size_t i)
{
    bank_session_close(c->sessions[i].s);
    bank_exam_free(c->sessions[i].exam);
    c->sessions[i] = c->sessions[--c->nsessions];
}

/* Closes the i-th open bank and the sessions that borrow it. Call locked. */
static void drop_bank(core_ctx *c, size_t i)
{
    for (size_t k = 0; k < c->nsessions;)
        if (c->sessions[k].b == c->banks[i].b) drop_session(c, k);
        else k++;
    bank_close(c->banks[i].b);
    c->banks[i] = c->banks[--c->nbanks];
}

/* Index of the open bank used least recently. */
static size_t stalest_bank(const core_ctx *c)
{
    size_t at = 0;
    for (size_t i = 1; i < c->nbanks; i++)
        if (c->banks[i].used < c->banks[at].used) at = i;
    return at;
}

/* Index of the open session used least recently. */
static size_t stalest_session(const core_ctx *c)
{
    size_t at = 0;
    for (size_t i = 1; i < c->nsessions; i++)
        if (c->sessions[i].used < c->sessions[at].used) at = i;
    return at;
}

/* Opens and unlocks bank `id` from the data folder (cached). Call locked. */
static bank *bank_of(core_ctx *c, const char *id, char *why)
{
    for (size_t i = 0; i < c->nbanks; i++)
        if (strcmp(c->banks[i].id, id) == 0) {
            c->banks[i].used = ++c->tick;
            return c->banks[i].b;
        }
    char bpath[CORE_PATH_MAX], ppath[CORE_PATH_MAX], bw[WHY_SIZE] = "";
    int found = store_bank_get(c->st, id, bpath, ppath, sizeof bpath, why);
    if (found <= 0) {
        if (found == 0) why_set(why, "bank %s is not known to the core: core bank add", id);
        return NULL;
    }
    bank_err e = BANK_OK;
    bank *b = bank_open(bpath, false, &e, bw);
    size_t plen = 0;
    char *pass = b ? secret_read(ppath, SECRET_MAX, 0, &plen, why) : NULL;
    if (!b) why_set(why, "%s", bw);
    if (pass) {
        e = bank_unlock(b, pass, plen, bw);
        secret_free(pass, plen);
        if (e) why_set(why, "%s", bw);
    }
    if (!b || !pass || e) {
        bank_close(b);
        return NULL;
    }
    if (c->nbanks == CACHE_MAX) drop_bank(c, stalest_bank(c));
    open_bank *o = &c->banks[c->nbanks++];
    snprintf(o->id, sizeof o->id, "%s", id);
    o->b = b;
    o->used = ++c->tick;
    return b;
}

/* Keeps the unlocked session s (its exam ex, bank b) as `id`, in place of
 * an older copy or of the least recently used one. Call locked. */
static open_session *keep(core_ctx *c, const char *id, bank_session *s, bank_exam *ex, bank *b)
{
    for (size_t i = 0; i < c->nsessions; i++)
        if (strcmp(c->sessions[i].id, id) == 0) {
            drop_session(c, i);
            break;
        }
    if (c->nsessions == CACHE_MAX) drop_session(c, stalest_session(c));
    open_session *o = &c->sessions[c->nsessions++];
    *o = (open_session){.s = s, .exam = ex, .b = b, .used = ++c->tick};
    snprintf(o->id, sizeof o->id, "%s", id);
    return o;
}

/* Opens and unlocks session `id` (cached). Call locked. *unknown is set
 * when the store has no such session. */
open_session *keep_session(core_ctx *c, const char *id, bool *unknown, char *why)
{
    *unknown = false;
    for (size_t i = 0; i < c->nsessions; i++)
        if (strcmp(c->sessions[i].id, id) == 0) {
            c->sessions[i].used = ++c->tick;
            return &c->sessions[i];
        }
    char bid[CORE_PATH_MAX], exam[CORE_PATH_MAX], path[CORE_PATH_MAX], bw[WHY_SIZE] = "";
    int found = store_session_get(c->st, id, bid, exam, path, sizeof path, why);
    if (found <= 0) {
        *unknown = found == 0;
        if (found == 0) why_set(why, "session %s is not known to the core", id);
        return NULL;
    }
    bank *b = bank_of(c, bid, why);
    if (!b) return NULL;
    bank_err e = BANK_OK;
    bank_session *s = bank_session_open(b, path, &e, bw);
    bank_exam *ex = s && !(e = bank_session_unlock_bank(s, bw)) ? bank_exam_get(b, exam, &e, bw)
                                                              : NULL;
    if (ex) return keep(c, id, s, ex, b);
    why_set(why, "%s", bw);
    bank_session_close(s);
    return NULL;
}

int core_bank_add(core_ctx *c, const char *bank_path, const char *pass_path, const char *pub_path,
                  char *why)
{
    char bw[WHY_SIZE] = "", dst[CORE_PATH_MAX], pdst[CORE_PATH_MAX];
    if (!pub_path || !pub_path[0]) {
        why_set(why, "the authority's public key is required to check the bank's seal");
        return -1;
    }
    bank_err e = BANK_OK;
    bank *b = bank_open(bank_path, false, &e, bw);
    if (b && (e = bank_verify(b, pub_path, bw)) != BANK_OK) {
        why_set(why, "the seal does not verify: %s", bw);
        bank_close(b);
        return -1;
    }
    if (!b) {
        why_set(why, "%s", bw);
        return -1;
    }
    size_t plen = 0;
    char *pass = secret_read(pass_path, SECRET_MAX, 0, &plen, why);
    int rc = -1;
    if (pass) {
        e = bank_unlock(b, pass, plen, bw);
        secret_free(pass, plen);
        if (e) why_set(why, "%s", bw);
        else rc = 0;
    }
    char id[33];
    snprintf(id, sizeof id, "%s", bank_id(b));
    bank_close(b);
    if (rc) return -1;
    snprintf(dst, sizeof dst, "%s/banks/%s.bank", c->data, id);
    snprintf(pdst, sizeof pdst, "%s/banks/%s.pass", c->data, id);
    pthread_mutex_lock(&c->mu);
    /* a newer copy of a known bank replaces the cached handle */
    for (size_t i = 0; i < c->nbanks; i++)
        if (strcmp(c->banks[i].id, id) == 0) {
            drop_bank(c, i);
            break;
        }
    rc = copy_file(bank_path, dst, 0600, why);
    if (!rc) rc = copy_file(pass_path, pdst, 0600, why);
    if (!rc) rc = store_bank_put(c->st, id, dst, pdst, why);
    pthread_mutex_unlock(&c->mu);
    return rc;
}

int core_session_add(core_ctx *c, const char *session_path, char *why)
{
    char bid[33], sid[33], exam[65], bw[WHY_SIZE] = "", dst[CORE_PATH_MAX];
    bank_err e = bank_session_info(session_path, bid, sid, exam, bw);
    if (e) {
        why_set(why, "%s", bw);
        return -1;
    }
    pthread_mutex_lock(&c->mu);
    int rc = -1;
    bank *b = bank_of(c, bid, why);
    bank_session *s = b ? bank_session_open(b, session_path, &e, bw) : NULL;
    if (b && !s) why_set(why, "%s", bw);
    if (s && (e = bank_session_unlock_bank(s, bw))) why_set(why, "%s", bw);
    bank_exam *ex = s && !e ? bank_exam_get(b, exam, &e, bw) : NULL;
    if (s && !ex) why_set(why, "%s", bw);
    /* a stored form must open now, before the room's results arrive */
    bank_form *f = ex && bank_session_size(s) ? bank_form_draw(s, bank_session_nip(s, 0), &e, bw)
                                              : NULL;
    if (ex && bank_session_size(s) && !f) why_set(why, "%s", bw);
    bank_form_free(f);
    if (ex && (f || !bank_session_size(s))) {
        snprintf(dst, sizeof dst, "%s/sessions/%s.session", c->data, sid);
        rc = copy_file(session_path, dst, 0600, why);
        if (!rc) rc = store_session_put(c->st, sid, bid, exam, dst, why);
        /* the programme's quizzes are known from their sessions, before results */
        if (!rc)
            rc = store_exam_note(c->st, exam, bank_exam_kind_name(bank_exam_kind_of(ex)),
                                 bank_exam_programme(ex), why);
    }
    if (!rc) {
        /* keep the unlocked session, replacing an older copy of it */
        keep(c, sid, s, ex, b);
        s = NULL;
        ex = NULL;
    }
    bank_exam_free(ex);
    bank_session_close(s);
    pthread_mutex_unlock(&c->mu);
    return rc;
}
