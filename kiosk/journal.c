/* journal.c -- the kiosk's durable, keyed hash-chained event journal (SQLite, WAL, synchronous=FULL). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sqlite3.h>

#include "journal.h"
#include "journal_int.h"
#include "hex.h"
#include "why.h"

/* The numbers of jkind are not all taken. */
bool journal_kind_ok(int64_t kind)
{
    switch (kind) {
    case J_BEGIN: case J_ANSWER: case J_FLAG: case J_NAV: case J_INCIDENT: case J_RESUME:
    case J_TICK: case J_SUBMIT: case J_RESULT: case J_EXTEND: case J_PAUSE: case J_CONTINUE:
    case J_LOCK: case J_UNLOCK: case J_AUTHORISED: case J_RELEASE: case J_MOVED: case J_ARRIVED:
    case J_LEASE:
        return true;
    }
    return false;
}

/* Checks an attempt name: 1..JOURNAL_MAX_ATTEMPT-1 printable ASCII bytes. */
int journal_attempt_ok(const char *attempt, char *why)
{
    size_t n = attempt ? strlen(attempt) : 0;
    if (n == 0 || n >= JOURNAL_MAX_ATTEMPT) {
        why_set(why, "journal: attempt name missing or too long");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (attempt[i] < 0x21 || attempt[i] > 0x7e) {
            why_set(why, "journal: attempt name holds a space or control character");
            return -1;
        }
    return 0;
}

int journal_set_key(journal *j, const char *attempt, const unsigned char key[JOURNAL_KEY],
                    char *why)
{
    if (!j || !key) {
        why_set(why, "journal: not open");
        return -1;
    }
    journal_forget_key(j);
    if (journal_attempt_ok(attempt, why)) return -1;
    memcpy(j->key, key, JOURNAL_KEY);
    snprintf(j->key_attempt, sizeof j->key_attempt, "%s", attempt);
    return 0;
}

void journal_forget_key(journal *j)
{
    if (!j) return;
    OPENSSL_cleanse(j->key, JOURNAL_KEY);
    j->key_attempt[0] = 0;
}

/* Checks that the chain key of `attempt` is set. */
int journal_key_ok(const journal *j, const char *attempt, char *why)
{
    if (j->key_attempt[0] && strcmp(j->key_attempt, attempt) == 0) return 0;
    why_set(why, "journal: attempt %s: its chain key is not set", attempt);
    return -1;
}

/* Checks a payload: a JSON object in valid UTF-8 of at most 1 MB. */
static int payload_ok(const char *payload, char *why)
{
    if (!payload) {
        why_set(why, "journal: no payload");
        return -1;
    }
    size_t len = strnlen(payload, (size_t)JOURNAL_MAX_PAYLOAD + 1);
    if (len > JOURNAL_MAX_PAYLOAD) {
        why_set(why, "journal: payload larger than 1 MB");
        return -1;
    }
    json_error_t err;
    json_t *o = json_loadb(payload, len, JSON_REJECT_DUPLICATES, &err);
    int ok = json_is_object(o);
    json_decref(o);
    if (!ok) {
        why_set(why, "journal: payload is not a JSON object: %s", o ? "other value" : err.text);
        return -1;
    }
    return 0;
}

/* Reads the newest seq and hash of `attempt` (seq 0 and zero hash when none).
 * The statement is reset before returning. Returns 0 or -1 with why set. */
static int last_event(journal *j, const char *attempt, int64_t *seq, unsigned char prev[32],
                      char *why)
{
    sqlite3_bind_text(j->last, 1, attempt, -1, SQLITE_STATIC);
    int rc = sqlite3_step(j->last), ret = 0;
    *seq = 0;
    memset(prev, 0, 32);
    if (rc == SQLITE_ROW) {
        *seq = sqlite3_column_int64(j->last, 0);
        const char *h = (const char *)sqlite3_column_text(j->last, 1);
        if (!hex_valid(h, 64) || hex_decode(h, prev, 32) != 0) {
            why_set(why, "journal: attempt %s: stored hash of seq %lld is malformed", attempt,
                 (long long)*seq);
            ret = -1;
        }
    } else if (rc != SQLITE_DONE) {
        ret = jdb_fail(j, why, "reading the last event");
    }
    sqlite3_reset(j->last);
    sqlite3_clear_bindings(j->last);
    return ret;
}

int journal_append(journal *j, const char *attempt, jkind kind, int64_t wall_ms,
                   int64_t used_ms, const char *payload, char *why)
{
    if (!j) {
        why_set(why, "journal: not open");
        return -1;
    }
    if (journal_attempt_ok(attempt, why) || journal_key_ok(j, attempt, why) ||
        payload_ok(payload, why))
        return -1;
    if (!journal_kind_ok(kind)) {
        why_set(why, "journal: unknown event kind %d", (int)kind);
        return -1;
    }
    if (wall_ms < 0 || used_ms < 0) {
        why_set(why, "journal: negative time");
        return -1;
    }
    if (jdb_step(j->begin) != 0) return jdb_fail(j, why, "begin");
    int64_t seq;
    unsigned char prev[32];
    char hex[65];
    size_t len = strlen(payload);
    if (last_event(j, attempt, &seq, prev, why) != 0) goto fail;
    seq++;
    if (journal_chain_mac(j->mac, j->key, prev, seq, kind, wall_ms, used_ms, payload, len,
                          hex) != 0) {
        why_set(why, "journal: HMAC-SHA256 failed");
        goto fail;
    }
    sqlite3_bind_text(j->insert, 1, attempt, -1, SQLITE_STATIC);
    sqlite3_bind_int64(j->insert, 2, seq);
    sqlite3_bind_int(j->insert, 3, (int)kind);
    sqlite3_bind_int64(j->insert, 4, wall_ms);
    sqlite3_bind_int64(j->insert, 5, used_ms);
    sqlite3_bind_text(j->insert, 6, payload, (int)len, SQLITE_STATIC);
    sqlite3_bind_text(j->insert, 7, hex, 64, SQLITE_STATIC);
    int rc = jdb_step(j->insert);
    sqlite3_clear_bindings(j->insert);
    if (rc != 0) {
        jdb_fail(j, why, "insert");
        goto fail;
    }
    if (jdb_step(j->commit) != 0) {
        jdb_fail(j, why, "commit");
        goto fail;
    }
    /* the mark follows the commit: one behind after a power cut, never ahead;
     * the event is safe either way, so a mark that cannot be written is let be */
    j->nevents++;
    if (j->markfd >= 0) jmark_write(j->markfd, j->nevents, hex);
    return 0;
fail:
    if (!sqlite3_get_autocommit(j->db)) jdb_step(j->rollback);
    return -1;
}

int journal_replay(journal *j, const char *attempt, int (*fn)(const jevent *, void *),
                   void *arg, char *why)
{
    return journal_replay_count(j, attempt, fn, arg, NULL, why);
}

int journal_replay_count(journal *j, const char *attempt, int (*fn)(const jevent *, void *),
                         void *arg, int64_t *verified, char *why)
{
    if (verified) *verified = 0;
    if (!j || !fn) {
        why_set(why, "journal: not open");
        return -1;
    }
    if (journal_attempt_ok(attempt, why) || journal_key_ok(j, attempt, why)) return -1;
    /* prepared per call, so that fn may use the other journal functions */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(j->db,
                           "SELECT seq, kind, wall_ms, used_ms, payload, hash FROM events "
                           "WHERE attempt = ? ORDER BY seq",
                           -1, &st, NULL) != SQLITE_OK)
        return jdb_fail(j, why, "prepare");
    sqlite3_bind_text(st, 1, attempt, -1, SQLITE_TRANSIENT);
    unsigned char prev[32] = {0};
    int64_t want = 1;
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        jevent e = {
            .seq = sqlite3_column_int64(st, 0),
            .kind = (jkind)sqlite3_column_int(st, 1),
            .wall_ms = sqlite3_column_int64(st, 2),
            .used_ms = sqlite3_column_int64(st, 3),
        };
        const unsigned char *payload = sqlite3_column_text(st, 4);
        size_t len = (size_t)sqlite3_column_bytes(st, 4);
        e.payload = (const char *)payload;
        e.hash = (const char *)sqlite3_column_text(st, 5);
        char hex[65];
        if (e.seq != want) {
            why_set(why, "journal: attempt %s: seq %lld is missing: the chain is broken", attempt,
                 (long long)want);
            ret = -1;
            break;
        }
        if (!payload || !e.hash ||
            journal_chain_mac(j->mac, j->key, prev, e.seq, sqlite3_column_int64(st, 1), e.wall_ms,
                              e.used_ms, payload, len, hex) != 0 ||
            strlen(e.hash) != 64 || CRYPTO_memcmp(hex, e.hash, 64) != 0 ||
            hex_decode(e.hash, prev, 32) != 0) {
            why_set(why, "journal: attempt %s: seq %lld does not match its hash: the chain is broken",
                 attempt, (long long)e.seq);
            ret = -1;
            break;
        }
        want++;
        if (verified) *verified = e.seq;
        if (fn(&e, arg) != 0) break;
    }
    if (ret == 0 && rc != SQLITE_ROW && rc != SQLITE_DONE) ret = jdb_fail(j, why, "replay");
    sqlite3_finalize(st);
    return ret;
}

int journal_head(journal *j, const char *attempt, char hex[65], char *why)
{
    hex[0] = 0;
    if (!j) {
        why_set(why, "journal: not open");
        return -1;
    }
    if (journal_attempt_ok(attempt, why)) return -1;
    sqlite3_bind_text(j->last, 1, attempt, -1, SQLITE_STATIC);
    int rc = sqlite3_step(j->last), ret = 0;
    if (rc == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(j->last, 1);
        snprintf(hex, 65, "%s", h ? h : "");
    } else if (rc != SQLITE_DONE) {
        ret = jdb_fail(j, why, "reading the head");
    }
    sqlite3_reset(j->last);
    sqlite3_clear_bindings(j->last);
    return ret;
}

int journal_unfinished(journal *j, char *attempt, size_t cap, char *why)
{
    if (!j || !attempt || cap == 0) {
        why_set(why, "journal: not open");
        return -1;
    }
    attempt[0] = 0;
    int rc = sqlite3_step(j->unfinished), ret = 0;
    if (rc == SQLITE_ROW) {
        const char *a = (const char *)sqlite3_column_text(j->unfinished, 0);
        if (!a || strlen(a) >= cap) {
            why_set(why, "journal: unfinished attempt name does not fit");
            ret = -1;
        } else {
            memcpy(attempt, a, strlen(a) + 1);
            ret = 1;
        }
    } else if (rc != SQLITE_DONE) {
        ret = jdb_fail(j, why, "looking for an unfinished attempt");
    }
    sqlite3_reset(j->unfinished);
    return ret;
}

int journal_is_submitted(journal *j, const char *attempt, char *why)
{
    if (!j) {
        why_set(why, "journal: not open");
        return -1;
    }
    if (journal_attempt_ok(attempt, why)) return -1;
    sqlite3_bind_text(j->submitted, 1, attempt, -1, SQLITE_STATIC);
    int rc = sqlite3_step(j->submitted), ret;
    if (rc == SQLITE_ROW) ret = 1;
    else if (rc == SQLITE_DONE) ret = 0;
    else ret = jdb_fail(j, why, "reading the attempt");
    sqlite3_reset(j->submitted);
    sqlite3_clear_bindings(j->submitted);
    return ret;
}
