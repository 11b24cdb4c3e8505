/* fuzz_exam.c -- libFuzzer target: exam JSON parsing, the canonical JSON round trip and scoring invariants. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exam.h"
#include "why.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checks what any parsed exam must satisfy; aborts otherwise. */
static void check_exam(const bank_exam *e)
{
    int form = 0;
    score_line lines[64];
    size_t n = 0;
    for (size_t i = 0; i < bank_exam_ntopics(e); i++) {
        int quota = 0, split = 0;
        const char *topic = bank_exam_topic(e, i, &quota);
        if (!topic || quota < 1 || quota > 1000) abort();
        for (int b = 0; b < EXAM_NBANDS; b++) split += exam_band_quota(e, i, b);
        if (split != quota) abort();
        form += quota;
        if (n < 64) lines[n++] = (score_line){topic, quota, (i & 1) == 0};
    }
    if (form != bank_exam_form_size(e) || form < 1 || form > 1000) abort();
    if (bank_exam_ceiling(e, 1) < 0 || bank_exam_ceiling(e, 0) != -1) abort();
    int raw = exam_raw_score(e, lines, n);
    if (raw < -1 || raw > BANK_SCORE_MAX) abort();
    if (n == bank_exam_ntopics(e) && raw < 0) abort();  /* every topic, every section present */
    bank_score s = {0};
    if (raw >= 0 && bank_exam_judge(e, 1, raw, &s, NULL) != BANK_OK) abort();
    if (raw >= 0 && (s.awarded > raw || s.awarded > s.ceiling)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bank_err err = BANK_OK;
    char why[WHY_SIZE];
    bank_exam *e = bank_exam_parse((const char *)data, size, &err, why);
    if (!e) {
        if (err == BANK_OK || memchr(why, '\0', sizeof why) == NULL || strchr(why, '\n'))
            abort();
        return 0;
    }
    check_exam(e);
    char *once = bank_exam_json(e);
    if (!once) abort();
    bank_exam *again = bank_exam_parse(once, strlen(once), &err, why);
    if (!again) abort();
    char *twice = bank_exam_json(again);
    if (!twice || strcmp(once, twice) != 0) abort();
    free(twice);
    bank_exam_free(again);
    free(once);
    bank_exam_free(e);
    return 0;
}
