/* session_forms.c -- the forms a session stores: sealed once at `bank session`, opened one at a time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "draw.h"
#include "form_int.h"
#include "session.h"
#include "why.h"

#define FORM_JSON_MAX (1 << 20) /* bytes of one stored form at most */

/* Additional data binding a stored form to its session, bank, row and participant. */
static void form_aad(const char *sid, const char *bid, size_t pos, const char *nip,
                     char out[160])
{
    snprintf(out, 160, "kisi-session-form:%s:%s:%zu:%s", sid, bid, pos, nip);
}

bank_err sess_forms_key(const uint8_t dkey[BC_KEY], uint8_t out[32])
{
    return bc_hkdf(dkey, BC_KEY, "kisi-session-forms", out, 32);
}

bank_err sess_forms_write(sqlite3 *db, const bank_session *s, const uint8_t fkey[32],
                          bank_form **forms, char *why)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "INSERT INTO forms(pos, box) VALUES(?, ?)", -1, &st, NULL);
    bank_err e = rc == SQLITE_OK ? BANK_OK : kdb_dberr(db, rc, "session forms", why);
    char aad[160];
    for (size_t i = 0; !e && i < s->n; i++) {
        char *json = bank_form_json(forms[i]);
        size_t len = json ? strlen(json) : 0;
        uint8_t *box = json ? malloc(BC_SEALED(len)) : NULL;
        form_aad(s->id, s->b->id, i, s->people[i].nip, aad);
        if (!box) e = BANK_ENOMEM;
        if (!e) e = bc_seal(fkey, aad, strlen(aad), json, len, box);
        if (!e) {
            sqlite3_reset(st);
            sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
            sqlite3_bind_blob(st, 2, box, (int)BC_SEALED(len), SQLITE_STATIC);
            if ((rc = sqlite3_step(st)) != SQLITE_DONE) e = kdb_dberr(db, rc, "session forms", why);
        }
        if (json) OPENSSL_cleanse(json, len);
        free(json);
        free(box);
    }
    sqlite3_finalize(st);
    return e;
}

/* Opens and checks the stored form of roster entry pos. */
static bank_form *read_form(bank_session *s, size_t pos, bank_err *err, char *why)
{
    const sess_person *p = &s->people[pos];
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "SELECT box FROM forms WHERE pos = ?", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        *err = kdb_dberr(s->db, rc, "session forms", why);
        return NULL;
    }
    sqlite3_bind_int64(st, 1, (sqlite3_int64)pos);
    bank_form *f = NULL;
    char *json = NULL;
    size_t n = 0; /* bytes of json (the opened form) */
    *err = BANK_ETAMPER;
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t boxlen = (size_t)sqlite3_column_bytes(st, 0);
        const uint8_t *box = sqlite3_column_blob(st, 0);
        char aad[160];
        form_aad(s->id, s->b->id, pos, p->nip, aad);
        if (boxlen > BC_SEALED(0) && boxlen <= BC_SEALED(FORM_JSON_MAX)) {
            n = boxlen - BC_SEALED(0);
            if (!(json = malloc(n + 1))) *err = BANK_ENOMEM;
            else if (bc_open(s->fkey, aad, strlen(aad), box, boxlen, (uint8_t *)json) == BANK_OK)
                *err = BANK_OK;
            if (json) json[n] = 0;
        }
    } else if (rc != SQLITE_DONE) {
        *err = kdb_dberr(s->db, rc, "session forms", why);
    }
    sqlite3_finalize(st);
    if (*err == BANK_OK) f = bank_form_parse(json, n, err, why);
    if (f && (strcmp(f->participant, p->nip) != 0 || strcmp(f->session, s->id) != 0 ||
              strcmp(f->exam, s->exam_id) != 0 || f->attempt != p->attempt)) {
        bank_form_free(f);
        f = NULL;
        *err = BANK_ETAMPER;
    }
    if (json) OPENSSL_cleanse(json, n);
    free(json);
    if (*err == BANK_ETAMPER)
        why_set(why, "the stored form of NIP %s is missing or altered: session altered", p->nip);
    return f;
}

/* Checks once that the bank's exam is still the one the forms were drawn for. */
static bank_err exam_unchanged(bank_session *s, char *why)
{
    if (s->exam_ok) return BANK_OK;
    bank_err e = BANK_OK;
    bank_exam *ex = bank_exam_get(s->b, s->exam_id, &e, why);
    if (ex) e = draw_check_exam(s, ex, why);
    bank_exam_free(ex);
    s->exam_ok = e == BANK_OK;
    return e;
}

bank_form *bank_form_draw(bank_session *s, const char *nip, bank_err *err, char *why)
{
    if (!s->unlocked) {
        *err = BANK_ELOCKED;
        return NULL;
    }
    if ((*err = exam_unchanged(s, why))) return NULL;
    for (size_t i = 0; nip && i < s->n; i++)
        if (strcmp(s->people[i].nip, nip) == 0) return read_form(s, i, err, why);
    why_set(why, "NIP %.18s is not on this session's roster", nip ? nip : "");
    *err = BANK_ENOTFOUND;
    return NULL;
}

bank_err bank_form_draw_all(bank_session *s, bank_form **out, char *why)
{
    if (!s->unlocked) return BANK_ELOCKED;
    bank_err e = exam_unchanged(s, why);
    for (size_t i = 0; !e && i < s->n; i++)
        if (!(out[i] = read_form(s, i, &e, why)))
            while (i > 0) bank_form_free(out[--i]);
    return e;
}

int bank_session_draw_version(const bank_session *s)
{
    return s->draw_version;
}

bank_err bank_session_audit(bank_session *s, char *why)
{
    if (!s->unlocked) return BANK_ELOCKED;
    if (s->draw_version != DRAW_VERSION) {
        why_set(why, "session %s was drawn by draw version %d, this build draws version %d:"
                     " its stored forms hold, but this build cannot re-derive them",
                s->id, s->draw_version, DRAW_VERSION);
        return BANK_EVERSION;
    }
    bank_form **fresh = calloc(s->n, sizeof *fresh);
    if (!fresh) return BANK_ENOMEM;
    bank_err e = draw_forms(s, fresh, why);
    for (size_t i = 0; !e && i < s->n; i++) {
        bank_form *f = read_form(s, i, &e, why);
        char *a = f ? bank_form_json(f) : NULL, *b = f ? bank_form_json(fresh[i]) : NULL;
        if (f && (!a || !b)) e = BANK_ENOMEM;
        else if (f && strcmp(a, b) != 0) {
            why_set(why, "the stored form of NIP %s differs from its re-derivation",
                    s->people[i].nip);
            e = BANK_ETAMPER;
        }
        free(a);
        free(b);
        bank_form_free(f);
    }
    for (size_t i = 0; i < s->n; i++) bank_form_free(fresh[i]);
    free(fresh);
    return e;
}
