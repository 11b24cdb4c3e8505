/* exam.c -- exam definitions: the policy of each kind, canonical JSON and accessors. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "exam.h"

#define STR_(x) #x
#define STR(x) STR_(x)

/* Per-kind policy of SPEC section 1. */
const exam_policy exam_policies[EXAM_NKINDS] = {
    [BANK_EXAM_ACADEMIC] = {"academic", 7001, 0, 0, EXAM_ATTEMPTS_MAX,
                            "an academic exam must be 0 (unlimited) or 1.." STR(EXAM_ATTEMPTS_MAX)},
    [BANK_EXAM_QUIZ] = {"quiz", 7000, 5, 1, 5, "a quiz exam must be 1..5"},
    [BANK_EXAM_COMPETENCY] = {"competency", 7001, 3, 1, 3, "a competency exam must be 1..3"},
    [BANK_EXAM_RPL] = {"rpl", 8500, 1, 1, 1, "an rpl exam must be exactly 1 (no remedial)"},
};

const char *const exam_band_names[] = {"easy", "medium", "hard", NULL};

const char *bank_exam_kind_name(bank_exam_kind k)
{
    return (unsigned)k < EXAM_NKINDS ? exam_policies[k].name : NULL;
}

void bank_exam_free(bank_exam *e)
{
    if (!e) return;
    free(e->topics);
    free(e);
}

int exam_find_topic(const bank_exam *e, const char *id)
{
    for (size_t i = 0; i < e->ntopics; i++)
        if (strcmp(e->topics[i].id, id) == 0) return (int)i;
    return -1;
}

/* Builds the canonical object; caller frees with json_decref(). NULL on ENOMEM. */
static json_t *exam_to_json(const bank_exam *e)
{
    json_t *ceil = json_array(), *quotas = json_object(), *secs = json_array();
    json_t *mix = e->has_mix ? json_object() : json_null();
    int bad = 0;
    for (size_t i = 0; i < e->nceil; i++) {
        const exam_ceil_row *r = &e->ceil[i];
        bad |= json_array_append_new(ceil, json_pack("[ioi]", r->from,
                                                     r->to ? json_integer(r->to) : json_null(),
                                                     r->ceiling));
    }
    for (size_t i = 0; i < e->ntopics; i++)
        bad |= json_object_set_new(quotas, e->topics[i].id, json_integer(e->topics[i].quota));
    for (size_t s = 0; s < e->nsections; s++) {
        json_t *list = json_array();
        for (size_t i = 0; i < e->ntopics; i++)
            if (e->topics[i].section == (int)s)
                bad |= json_array_append_new(list, json_string(e->topics[i].id));
        bad |= json_array_append_new(secs, json_pack("{s:s,s:i,s:o}", "id", e->sections[s].id,
                                                     "share", e->sections[s].share,
                                                     "topics", list));
    }
    for (int b = 0; e->has_mix && b < EXAM_NBANDS; b++)
        bad |= json_object_set_new(mix, exam_band_names[b], json_integer(e->mix[b]));
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:i,s:o,s:o,s:o,s:o}",
                          "id", e->id, "title", e->title,
                          "kind", exam_policies[e->kind].name, "programme", e->programme,
                          "minutes", e->minutes, "pass_mark", e->pass_mark,
                          "max_attempts", e->max_attempts, "ceilings", ceil,
                          "quotas", quotas, "sections", secs, "difficulty", mix);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Caller frees with free(); NULL when out of memory. */
char *bank_exam_json(const bank_exam *e)
{
    if (!e) return NULL;
    json_t *o = exam_to_json(e);
    if (!o) return NULL;
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

const char *bank_exam_id(const bank_exam *e) { return e ? e->id : NULL; }
const char *bank_exam_title(const bank_exam *e) { return e ? e->title : NULL; }
bank_exam_kind bank_exam_kind_of(const bank_exam *e) { return e ? e->kind : BANK_EXAM_ACADEMIC; }
int bank_exam_minutes(const bank_exam *e) { return e ? e->minutes : 0; }
int bank_exam_pass_mark(const bank_exam *e) { return e ? e->pass_mark : 0; }
int bank_exam_max_attempts(const bank_exam *e) { return e ? e->max_attempts : 0; }
const char *bank_exam_programme(const bank_exam *e) { return e ? e->programme : NULL; }
size_t bank_exam_ntopics(const bank_exam *e) { return e ? e->ntopics : 0; }

int bank_exam_form_size(const bank_exam *e)
{
    int n = 0;
    for (size_t i = 0; e && i < e->ntopics; i++) n += e->topics[i].quota;
    return n;
}

const char *bank_exam_topic(const bank_exam *e, size_t i, int *quota)
{
    if (!e || i >= e->ntopics) return NULL;
    if (quota) *quota = e->topics[i].quota;
    return e->topics[i].id;
}

int bank_exam_ceiling(const bank_exam *e, int attempt)
{
    if (!e || attempt < 1) return -1;
    for (size_t i = 0; i < e->nceil; i++)
        if (attempt >= e->ceil[i].from && (e->ceil[i].to == 0 || attempt <= e->ceil[i].to))
            return e->ceil[i].ceiling;
    return -1;
}

void exam_band_range(int band, int *lo, int *hi)
{
    static const int range[EXAM_NBANDS][2] = {{1, 2}, {3, 3}, {4, 5}};
    if (band < 0 || band >= EXAM_NBANDS) {
        *lo = 1, *hi = 5;
        return;
    }
    *lo = range[band][0];
    *hi = range[band][1];
}

bool exam_has_mix(const bank_exam *e) { return e && e->has_mix; }

int exam_band_quota(const bank_exam *e, size_t i, int band)
{
    if (!e || i >= e->ntopics || band < 0 || band >= EXAM_NBANDS) return 0;
    return e->topics[i].band[band];
}

/* Section helpers for exam_raw_score() in score.c. */
size_t exam_nsections(const bank_exam *e) { return e ? e->nsections : 0; }

int exam_section_share(const bank_exam *e, size_t s)
{
    return e && s < e->nsections ? e->sections[s].share : 0;
}

int exam_topic_section(const bank_exam *e, const char *topic)
{
    int t = e && topic ? exam_find_topic(e, topic) : -1;
    return t < 0 ? -1 : e->topics[t].section;
}
