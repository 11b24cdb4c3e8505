/* keep.c -- the banks and sessions the core keeps: their bytes in the store, open ones cached. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "bank.h"
#include "ingest_int.h"
#include "secret.h"
#include "why.h"

core_ctx *core_ctx_new(store *s, const char *key_path, char *why)
{
    if (!s || !key_path || !key_path[0]) {
        why_set(why, "no store or no core key file given");
        return NULL;
    }
    core_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        why_set(why, "out of memory");
        return NULL;
    }
    c->st = s;
    char recorded[65] = "", sw[WHY_SIZE] = "";
    if (vault_load(&c->key, key_path, why)) {
        free(c);
        return NULL;
    }
    /* every core of one store must hold the key its passphrases are sealed
     * under: the first core records its key's name, the others compare */
    int rc = store_key_claim(s, c->key.id, recorded, sw);
    if (rc) why_set(why, "%s", sw);
    else if (strcmp(recorded, c->key.id) != 0) {
        why_set(why, "the core key %.200s (%s) is not this database's (%s): give every core of"
                     " one database the same key file, a copy of the first core's",
                key_path, c->key.id, recorded);
        rc = -1;
    }
    if (rc) {
        vault_wipe(&c->key);
        free(c);
        return NULL;
    }
    c->signer = core_signer_new(c->key.key, why);
    if (!c->signer) {
        vault_wipe(&c->key);
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->mu, NULL);
    return c;
}

const core_signer *core_ctx_signer(const core_ctx *c)
{
    return c->signer;
}

void core_ctx_free(core_ctx *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->nsessions; i++) {
        bank_session_close(c->sessions[i].s);
        bank_exam_free(c->sessions[i].exam);
    }
    for (size_t i = 0; i < c->nbanks; i++) bank_close(c->banks[i].b);
    vault_wipe(&c->key);
    core_signer_free(c->signer);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

store *core_ctx_store(core_ctx *c)
{
    return c->st;
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

/* Opens the bank file of len bytes at data (named `name` in messages) and
 * unlocks it with pass; NULL with why. */
static bank *bank_unlocked(const void *data, size_t len, const char *name, const char *pass,
                           size_t plen, char *why)
{
    char bw[WHY_SIZE] = "";
    bank_err e = BANK_OK;
    bank *b = bank_open_mem(data, len, name, &e, bw);
    if (b && (e = bank_unlock(b, pass, plen, bw)) != BANK_OK) {
        bank_close(b);
        b = NULL;
    }
    if (!b) why_set(why, "%s", bw);
    return b;
}

/* Opens and unlocks bank `id` from the store (cached). Call locked. */
static bank *bank_of(core_ctx *c, const char *id, char *why)
{
    for (size_t i = 0; i < c->nbanks; i++)
        if (strcmp(c->banks[i].id, id) == 0) {
            c->banks[i].used = ++c->tick;
            return c->banks[i].b;
        }
    store_blob file, box;
    int found = store_bank_get(c->st, id, &file, &box, why);
    if (found <= 0) {
        if (found == 0) why_set(why, "bank %s is not known to the core: core bank add", id);
        return NULL;
    }
    char name[80];
    snprintf(name, sizeof name, "bank %.32s (from the store)", id);
    size_t plen = 0;
    char *pass = vault_unseal(&c->key, id, &box, &plen, why);
    bank *b = pass ? bank_unlocked(file.data, file.len, name, pass, plen, why) : NULL;
    secret_free(pass, plen);
    store_blob_free(&file);
    store_blob_free(&box);
    if (!b) return NULL;
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
    char bid[33], exam[65], name[80], bw[WHY_SIZE] = "";
    store_blob file;
    int found = store_session_get(c->st, id, bid, exam, &file, why);
    if (found <= 0) {
        *unknown = found == 0;
        if (found == 0) why_set(why, "session %s is not known to the core", id);
        return NULL;
    }
    bank *b = bank_of(c, bid, why);
    bank_err e = BANK_OK;
    snprintf(name, sizeof name, "session %.32s (from the store)", id);
    bank_session *s = b ? bank_session_open_mem(b, file.data, file.len, name, &e, bw) : NULL;
    store_blob_free(&file);
    if (!b) return NULL;
    bank_exam *ex = s && !(e = bank_session_unlock_bank(s, bw)) ? bank_exam_get(b, exam, &e, bw)
                                                              : NULL;
    if (ex) return keep(c, id, s, ex, b);
    why_set(why, "%s", bw);
    bank_session_close(s);
    return NULL;
}

/* Keeps the bank file at bank_path with its passphrase file in the store,
 * its seal first checked with pub_path (NULL: a bank an earlier core
 * checked, read back from its copy). Reads each file once: what is checked
 * is what is kept. */
static int bank_keep(core_ctx *c, const char *bank_path, const char *pass_path,
                     const char *pub_path, char *why)
{
    char bw[WHY_SIZE] = "", id[33] = "";
    char *data = NULL;
    size_t len = 0, plen = 0;
    bank_err e = bank_file_read(bank_path, STORE_FILE_MAX, &data, &len, bw);
    if (e) {
        why_set(why, "%s", bw);
        return -1;
    }
    char *pass = secret_read(pass_path, SECRET_MAX, 0, &plen, why);
    bank *b = NULL;
    if (pass) {
        b = bank_open_mem(data, len, bank_path, &e, bw);
        if (!b) why_set(why, "%s", bw);
    }
    if (b && pub_path && (e = bank_verify(b, pub_path, bw)) != BANK_OK)
        why_set(why, "the seal does not verify: %s", bw);
    else if (b && (e = bank_unlock(b, pass, plen, bw)) != BANK_OK)
        why_set(why, "%s", bw);
    bool opened = b && !e;
    if (b) snprintf(id, sizeof id, "%s", bank_id(b));
    bank_close(b);
    store_blob box = {0};
    int rc = opened && !vault_seal(&c->key, id, pass, plen, &box, why) ? 0 : -1;
    secret_free(pass, plen);
    if (!rc) {
        pthread_mutex_lock(&c->mu);
        /* a newer copy of a known bank replaces the cached handle */
        for (size_t i = 0; i < c->nbanks; i++)
            if (strcmp(c->banks[i].id, id) == 0) {
                drop_bank(c, i);
                break;
            }
        rc = store_bank_put(c->st, id, data, len, box.data, box.len, why);
        pthread_mutex_unlock(&c->mu);
    }
    store_blob_free(&box);
    free(data);
    return rc;
}

int core_bank_add(core_ctx *c, const char *bank_path, const char *pass_path, const char *pub_path,
                  char *why)
{
    if (!pub_path || !pub_path[0]) {
        why_set(why, "the authority's public key is required to check the bank's seal");
        return -1;
    }
    return bank_keep(c, bank_path, pass_path, pub_path, why);
}

int core_session_add(core_ctx *c, const char *session_path, char *why)
{
    char bid[33], sid[33], exam[65], bw[WHY_SIZE] = "";
    char *data = NULL;
    size_t len = 0;
    /* the file is read once: the session checked is the one stored (its ids
     * are read again from those bytes) */
    bank_err e = bank_session_info(session_path, bid, sid, exam, bw);
    if (!e) e = bank_file_read(session_path, STORE_FILE_MAX, &data, &len, bw);
    if (e) {
        why_set(why, "%s", bw);
        return -1;
    }
    pthread_mutex_lock(&c->mu);
    int rc = -1;
    bank *b = bank_of(c, bid, why);
    bank_session *s = b ? bank_session_open_mem(b, data, len, session_path, &e, bw) : NULL;
    if (b && !s) why_set(why, "%s", bw);
    if (s) {
        snprintf(sid, sizeof sid, "%s", bank_session_id(s));
        snprintf(exam, sizeof exam, "%s", bank_session_exam_id(s));
    }
    if (s && (e = bank_session_unlock_bank(s, bw))) why_set(why, "%s", bw);
    bank_exam *ex = s && !e ? bank_exam_get(b, exam, &e, bw) : NULL;
    if (s && !ex) why_set(why, "%s", bw);
    /* a stored form must open now, before the room's results arrive */
    bank_form *f = ex && bank_session_size(s) ? bank_form_draw(s, bank_session_nip(s, 0), &e, bw)
                                              : NULL;
    if (ex && bank_session_size(s) && !f) why_set(why, "%s", bw);
    bank_form_free(f);
    if (ex && (f || !bank_session_size(s))) {
        rc = store_session_put(c->st, sid, bid, exam, data, len, why);
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
    free(data);
    return rc;
}

/* What core_ctx_import has done so far. */
struct import_count {
    core_ctx *c;
    int moved, left;
    char *why; /* the first failure */
};

/* Reads one bank or session an earlier core kept as a file into the store. */
static int import_one(const store_legacy *l, void *arg)
{
    struct import_count *n = arg;
    char w[WHY_SIZE] = "";
    int rc = strcmp(l->kind, "bank") == 0 ? bank_keep(n->c, l->path, l->pass_path, NULL, w)
                                          : core_session_add(n->c, l->path, w);
    if (rc == 0) n->moved++;
    else if (n->left++ == 0)
        why_set(n->why, "%s %.32s: %s", l->kind, l->id, w);
    return 0;
}

int core_ctx_import(core_ctx *c, int *moved, int *left, char *why)
{
    struct import_count n = {c, 0, 0, why};
    int rc = store_legacy_each(c->st, import_one, &n, why);
    *moved = n.moved;
    *left = n.left;
    return rc;
}

int core_journal_key(core_ctx *c, const char *session_id, const char *attempt,
                     unsigned char key[32], char *why)
{
    bool unknown = false;
    pthread_mutex_lock(&c->mu);
    open_session *o = keep_session(c, session_id, &unknown, why);
    bank_err e = o ? bank_session_journal_key(o->s, attempt, key) : BANK_OK;
    pthread_mutex_unlock(&c->mu);
    if (!o) return unknown ? 0 : -1;
    if (e) return why_set(why, "the journal key of %.100s: %s", attempt, bank_strerror(e));
    return 1;
}

int core_session_attempt(core_ctx *c, const char *session_id, const char *nip, int *attempt,
                         char *why)
{
    bool unknown = false;
    pthread_mutex_lock(&c->mu);
    open_session *o = keep_session(c, session_id, &unknown, why);
    *attempt = o ? bank_session_attempt(o->s, nip) : -1;
    pthread_mutex_unlock(&c->mu);
    if (!o) return unknown ? 0 : -1;
    return *attempt >= 0;
}

int core_session_roster(core_ctx *c, const char *session_id, char *exam_id, char *title,
                        size_t title_cap, int (*fn)(const char *nip, const char *name, void *arg),
                        void *arg, char *why)
{
    bool unknown = false;
    pthread_mutex_lock(&c->mu);
    open_session *o = keep_session(c, session_id, &unknown, why);
    int rc = o ? 1 : unknown ? 0 : -1;
    if (o) {
        snprintf(exam_id, 65, "%s", bank_exam_id(o->exam));
        snprintf(title, title_cap, "%s", bank_exam_title(o->exam));
    }
    for (size_t i = 0; o && rc == 1 && i < bank_session_size(o->s); i++)
        if (fn(bank_session_nip(o->s, i), bank_session_name(o->s, i), arg))
            rc = why_set(why, "stopped by the caller");
    pthread_mutex_unlock(&c->mu);
    return rc;
}
