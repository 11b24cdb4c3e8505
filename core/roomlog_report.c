/* roomlog_report.c -- what the room log tells: a seat's events, and the sitting report. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "roomlog.h"

/* The entry as JSON, its detail an object again; with `where`, its kiosk too. */
static json_t *entry_json(const store_room_entry *e, bool where)
{
    json_t *d = json_loads(e->detail, 0, NULL);
    if (!json_is_object(d)) {
        json_decref(d);
        d = json_object();
    }
    json_t *o = json_pack("{s:I, s:I, s:s, s:o, s:s, s:s, s:s}", "core_ms",
                          (json_int_t)e->core_ms, "kiosk_ms", (json_int_t)e->kiosk_ms, "kind",
                          e->kind, "detail", d, "actor", e->actor, "seat", e->seat, "nip",
                          e->nip);
    if (o && where) json_object_set_new(o, "kiosk", json_string(e->kiosk));
    return o;
}

/* Appends one entry to the JSON array at arg. */
static int add_event(const store_room_entry *e, void *arg)
{
    return json_array_append_new(arg, entry_json(e, false));
}

/* Dumps o (taken) compactly; NULL with why. */
static char *dump(json_t *o, char *why)
{
    char *out = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    if (!out) why_set(why, "room log: out of memory");
    return out;
}

char *roomlog_seat(roomlog *rl, const char *session, const char *kiosk, char *why)
{
    if (!kiosk || !kiosk[0]) {
        why_set(why, "room log: name the kiosk");
        return NULL;
    }
    if (roomlog_flush(rl, why)) return NULL;
    json_t *events = json_array();
    if (store_room_log_each(roomlog_store(rl), session, kiosk, ROOMLOG_SEAT_LAST, add_event,
                            events, why)) {
        json_decref(events);
        return NULL;
    }
    return dump(json_pack("{s:o}", "events", events), why);
}

/* What the report gathers. */
typedef struct report {
    json_t *roster;     /* array of participant objects, in roster order */
    json_t *by_nip;     /* nip -> the participant object in roster */
    json_t *lists;      /* "incidents", "extensions", ... -> arrays */
    json_t *sent;       /* results_sent */
    int64_t start, end;
} report;

/* The list of the report an entry of `kind` belongs to, or NULL. */
static const char *list_of(const char *kind)
{
    static const struct {
        const char *kind, *list;
    } map[] = {
        {ROOMLOG_INCIDENT, "incidents"}, {"extend", "extensions"}, {"pause", "pauses"},
        {"resume", "pauses"},            {"lock", "locks"},        {"unlock", "locks"},
        {"move-out", "moves"},           {"release", "releases"},  {"end", "ends"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(kind, map[i].kind) == 0) return map[i].list;
    return NULL;
}

/* Adds one roster line. */
static int add_person(const char *nip, const char *name, void *arg)
{
    report *r = arg;
    json_t *p = json_pack("{s:s, s:s, s:b, s:s, s:I, s:[]}", "nip", nip, "name", name ? name : "",
                          "present", 0, "seat", "", "first_ms", (json_int_t)0, "results");
    if (!p || json_object_set(r->by_nip, nip, p)) {
        json_decref(p);
        return -1;
    }
    return json_array_append_new(r->roster, p);
}

/* Takes one entry of the session's log into the report. */
static int take_entry(const store_room_entry *e, void *arg)
{
    report *r = arg;
    if (!r->start || e->core_ms < r->start) r->start = e->core_ms;
    if (e->core_ms > r->end) r->end = e->core_ms;
    json_t *p = json_object_get(r->by_nip, e->nip);
    if (p && strcmp(e->kind, ROOMLOG_ARRIVED) == 0 &&
        !json_is_true(json_object_get(p, "present"))) {
        json_object_set_new(p, "present", json_true());
        json_object_set_new(p, "seat", json_string(e->seat));
        json_object_set_new(p, "first_ms", json_integer(e->core_ms));
    }
    const char *list = list_of(e->kind);
    if (!list) return 0;
    return json_array_append_new(json_object_get(r->lists, list), entry_json(e, true));
}

/* Takes one stored result into the report. */
static int take_result(const store_result *res, void *arg)
{
    report *r = arg;
    json_t *p = json_object_get(r->by_nip, res->nip);
    json_t *line = json_pack("{s:i, s:i, s:b, s:I}", "attempt", res->attempt, "awarded",
                             res->awarded, "passed", res->passed, "received",
                             (json_int_t)res->received_ms);
    if (p) json_array_append_new(json_object_get(p, "results"), json_deep_copy(line));
    json_object_set_new(line, "nip", json_string(res->nip));
    json_object_set_new(line, "kiosk", json_string(res->kiosk));
    return json_array_append_new(r->sent, line);
}

char *roomlog_report(roomlog *rl, core_ctx *c, const char *session, char *why)
{
    if (!session || !session[0]) {
        why_set(why, "room report: name the session");
        return NULL;
    }
    if (roomlog_flush(rl, why)) return NULL;
    report r = {json_array(), json_object(),
                json_pack("{s:[], s:[], s:[], s:[], s:[], s:[], s:[]}", "incidents", "extensions",
                          "pauses", "locks", "moves", "releases", "ends"),
                json_array(), 0, 0};
    char exam[65] = "", title[256] = "";
    int found = -1;
    if (r.roster && r.by_nip && r.lists && r.sent)
        found = core_session_roster(c, session, exam, title, sizeof title, add_person, &r, why);
    else
        why_set(why, "room report: out of memory");
    if (found == 0) why_set(why, "session %.64s is not known to the core", session);
    store *st = roomlog_store(rl);
    int rc = found == 1 ? 0 : -1;
    if (!rc) rc = store_room_log_each(st, session, NULL, 0, take_entry, &r, why);
    if (!rc) rc = store_results_of_session(st, session, take_result, &r, why);
    int present = 0, size = (int)json_array_size(r.roster);
    for (int i = 0; i < size; i++)
        present += json_is_true(json_object_get(json_array_get(r.roster, (size_t)i), "present"));
    json_t *o = NULL;
    if (!rc)
        o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:i, s:i, s:O, s:O}", "session", session,
                      "exam", exam, "title", title, "start", (json_int_t)r.start, "end",
                      (json_int_t)r.end, "now", (json_int_t)roomlog_now(rl), "present", present,
                      "absent", size - present, "roster", r.roster, "results_sent", r.sent);
    if (o) json_object_update(o, r.lists);
    json_decref(r.roster);
    json_decref(r.by_nip);
    json_decref(r.lists);
    json_decref(r.sent);
    return rc ? NULL : dump(o, why);
}
