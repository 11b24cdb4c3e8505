/* examstore.c -- exam definitions kept in the bank, checked against its pools. */
#include <stdlib.h>
#include <string.h>

#include "exam.h"
#include "internal.h"
#include "why.h"

bank_err bank_exam_check_pools(bank *b, const bank_exam *e, char *why)
{
    bool mix = exam_has_mix(e);
    static const char *const band_names[] = {"easy", "medium", "hard"};
    for (size_t i = 0; i < bank_exam_ntopics(e); i++) {
        int quota = 0;
        const char *topic = bank_exam_topic(e, i, &quota);
        for (int band = 0; band < EXAM_NBANDS; band++) {
            int want = exam_band_quota(e, i, band);
            int lo = 1, hi = 5;
            if (mix) exam_band_range(band, &lo, &hi);
            if (want == 0) continue;
            size_t have = 0;
            bank_err rc = bank_pool_size(b, topic, lo, hi, &have, why);
            if (rc) return rc;
            if (have == 0 && !mix) {
                why_set(why, "exam %s: topic %s has no drawable items in the bank",
                         bank_exam_id(e), topic);
                return BANK_EQUOTA;
            }
            if (have < (size_t)want) {
                if (mix)
                    why_set(why, "exam %s: topic %s needs %d from its %s pool, which holds %zu",
                             bank_exam_id(e), topic, want, band_names[band], have);
                else
                    why_set(why, "exam %s: topic %s needs %d, its pool holds %zu",
                             bank_exam_id(e), topic, want, have);
                return BANK_EQUOTA;
            }
        }
    }
    return BANK_OK;
}

bank_err bank_exam_add(bank *b, const bank_exam *e, char *why)
{
    if (!b->writable) {
        why_set(why, "bank is open read-only");
        return BANK_EIO;
    }
    bank_err rc = bank_exam_check_pools(b, e, why);
    if (rc) return rc;
    char *json = bank_exam_json(e);
    if (!json) return BANK_ENOMEM;
    sqlite3_stmt *st = NULL;
    int sq = sqlite3_prepare_v2(b->db, "INSERT OR REPLACE INTO exams(id, json) VALUES(?, ?)",
                                -1, &st, NULL);
    if (sq == SQLITE_OK) {
        sqlite3_bind_text(st, 1, bank_exam_id(e), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, json, -1, SQLITE_STATIC);
        sq = sqlite3_step(st);
    }
    rc = sq == SQLITE_DONE ? BANK_OK : kdb_dberr(b->db, sq, "exams", why);
    bank_exam_free(b->exam);
    b->exam = NULL;
    sqlite3_finalize(st);
    free(json);
    return rc;
}

bank_exam *bank_exam_get(bank *b, const char *id, bank_err *err, char *why)
{
    sqlite3_stmt *st = NULL;
    bank_exam *e = NULL;
    int rc = sqlite3_prepare_v2(b->db, "SELECT json FROM exams WHERE id = ?", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        *err = kdb_dberr(b->db, rc, "exams", why);
        return NULL;
    }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *json = (const char *)sqlite3_column_text(st, 0);
        int n = sqlite3_column_bytes(st, 0);
        char sub[WHY_SIZE];
        e = json ? bank_exam_parse(json, (size_t)n, err, sub) : NULL;
        if (!e) {
            why_set(why, "exam %s in the bank is damaged: %s", id, json ? sub : "empty");
            *err = BANK_ECORRUPT;
        }
    } else if (rc == SQLITE_DONE) {
        why_set(why, "no exam '%s' in the bank", id);
        *err = BANK_ENOTFOUND;
    } else {
        *err = kdb_dberr(b->db, rc, "exams", why);
    }
    sqlite3_finalize(st);
    return e;
}

bank_err bank_each_exam(bank *b, int (*fn)(const char *id, void *), void *arg, char *why)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(b->db, "SELECT id FROM exams ORDER BY id", -1, &st, NULL);
    if (rc != SQLITE_OK) return kdb_dberr(b->db, rc, "exams", why);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        if (id && fn(id, arg)) break;
    }
    bank_err e = rc == SQLITE_ROW || rc == SQLITE_DONE ? BANK_OK
                                                       : kdb_dberr(b->db, rc, "exams", why);
    sqlite3_finalize(st);
    return e;
}
