/* fuzz_jimport.c -- libFuzzer target: a seat taking an attempt's events fetched back from the
 * core (the answer's events read by jchain_parse, then journal_import) into a journal holding
 * the key of the known-answer session's attempt. An event whose "hash" is "LINK" is linked in
 * that chain first (fuzz_chain.h). Only events that continue the chain from its first are
 * taken, and events taken are never taken twice. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "bank.h"
#include "fuzz_chain.h"
#include "journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], path[96];
static char attempt[128]; /* of the known-answer session's first participant */
static journal *jn;
static unsigned char key[JOURNAL_KEY];

/* Closes the journal and removes its folder. */
static void done(void)
{
    char p[128];
    journal_close(jn);
    OPENSSL_cleanse(key, sizeof key);
    static const char *const files[] = {"", "-wal", "-shm", ".mark"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(p, sizeof p, "%s%s", path, files[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* The chain key of the attempt of the known-answer session's first participant, from the
 * session opened with its token, and a new journal holding it; aborts on failure. */
static void setup(void)
{
    char why[WHY_SIZE] = "", *token = NULL;
    size_t tlen = 0;
    bank_err e = BANK_OK;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%.40s/kisi-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) abort();
    snprintf(path, sizeof path, "%s/journal.db", dir);
    atexit(done);
    bank *b = bank_open("tests/kat/bank.bank", false, &e, why);
    bank_session *s = b ? bank_session_open(b, "tests/kat/room.session", &e, why) : NULL;
    if (!s || bank_file_read("tests/kat/token", 64, &token, &tlen, why) != BANK_OK ||
        bank_session_unlock(s, token, tlen, why) != BANK_OK ||
        (snprintf(attempt, sizeof attempt, "%s/%s", bank_session_id(s), bank_session_nip(s, 0)),
         bank_session_journal_key(s, attempt, key) != BANK_OK) ||
        !(jn = journal_open(path, why)) || journal_set_key(jn, attempt, key, why) != 0) {
        fprintf(stderr, "fuzz_jimport: %s\n", why);
        abort();
    }
    free(token);
    bank_session_close(s);
    bank_close(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!jn) setup();
    static const unsigned char zero[32];
    char why[WHY_SIZE] = "";
    json_t *o = json_loadb((const char *)data, size, 0, NULL);
    json_t *evs = json_object_get(o, "events");
    fuzz_chain_link(evs, key, zero);
    jchain_event *ev = NULL;
    size_t n = 0;
    if (jchain_parse(evs, JCHAIN_BATCH, &ev, &n, why) != 0) {
        if (!why[0] || ev || n) abort();   /* refused whole, saying why */
        json_decref(o);
        return 0;
    }
    int64_t before = journal_held(jn, attempt, why);
    int took = journal_import(jn, attempt, ev, n, why);
    int64_t after = journal_held(jn, attempt, why);
    char cw[WHY_SIZE];
    if (took < 0 ? !why[0] || after != before
                 : after != before + took || jchain_check(key, "", ev, n, cw) != 0 ||
                       (n && after < ev[n - 1].seq))
        abort();
    /* taken, they are held: never taken again */
    if (took > 0 && journal_import(jn, attempt, ev, n, why) != 0) abort();
    jchain_free(ev, n);
    json_decref(o);
    return 0;
}
