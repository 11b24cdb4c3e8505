/* fuzz_journal.c -- libFuzzer target: the kiosk rebuilding a sitting from journal events
 * (sitting_apply), the input being events as JSON lines, as tests/kat/journal.jsonl. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sitting.h"
#include "why.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checks what any sitting must satisfy after an event; aborts otherwise. */
static void check_sitting(const sitting *s)
{
    if (s->nincidents > SITTING_MAX_INCIDENTS) abort();
    if (!s->form && s->n != 0) abort();
    if (s->n && s->cur >= s->n) abort();
    if (sitting_answered(s) > s->n || sitting_flagged(s) > s->n) abort();
    if (sitting_remaining(s) < 0) abort();
    for (size_t i = 0; i < s->n; i++)
        if (memchr(s->answer[i], '\0', sizeof s->answer[i]) == NULL) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sitting s;
    memset(&s, 0, sizeof s);
    const char *p = (const char *)data, *end = p + size;
    int64_t seq = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        json_t *o = json_loadb(p, len, 0, NULL);
        p += len + (nl != NULL);
        json_t *payload = json_object_get(o, "payload");
        jevent e = {++seq, (jkind)json_integer_value(json_object_get(o, "kind")),
                    json_integer_value(json_object_get(o, "wall_ms")),
                    json_integer_value(json_object_get(o, "used_ms")),
                    json_is_string(payload) ? json_string_value(payload) : "{}", ""};
        char why[WHY_SIZE] = "";
        if (o && sitting_apply(&s, &e, why) != 0 &&
            (!why[0] || memchr(why, '\0', sizeof why) == NULL || strchr(why, '\n')))
            abort();
        json_decref(o);
        check_sitting(&s);
    }
    sitting_clear(&s);
    return 0;
}
