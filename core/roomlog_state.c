/* roomlog_state.c -- the room log's reading of kiosk states: what changed on a seat. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roomlog.h"

/* Copies the text o[name] into out (cap bytes, cut to fit); "" when absent. */
static void text_of(const json_t *o, const char *name, char *out, size_t cap)
{
    const char *v = json_string_value(json_object_get(o, name));
    snprintf(out, cap, "%s", v ? v : "");
}

/* The whole number o[name], 0 when absent. */
static long long count_of(const json_t *o, const char *name)
{
    return (long long)json_integer_value(json_object_get(o, name));
}

void roomlog_facts_of(const json_t *state, roomlog_facts *f)
{
    memset(f, 0, sizeof *f);
    text_of(state, "session", f->session, sizeof f->session);
    text_of(state, "nip", f->nip, sizeof f->nip);
    text_of(state, "name", f->name, sizeof f->name);
    text_of(state, "screen", f->screen, sizeof f->screen);
    text_of(state, "lease", f->lease, sizeof f->lease);
    text_of(state, "delivery", f->delivery, sizeof f->delivery);
    f->attempt = count_of(state, "attempt");
    f->incidents = count_of(state, "incidents");
}

/* Queues one entry whose detail is o (taken). */
static void add(roomlog *rl, const roomlog_facts *f, const char *kiosk, const char *seat,
                const char *nip, int64_t kiosk_ms, const char *kind, json_t *o)
{
    char *detail = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    roomlog_add(rl, f->session, kiosk, seat, nip, kiosk_ms, kind, detail, "kiosk");
    free(detail);
}

/* Delivery as usual: nothing for the proctor to see. */
static bool delivery_usual(const char *d)
{
    return !d[0] || strcmp(d, "off") == 0 || strcmp(d, "connecting") == 0 ||
           strcmp(d, "delivering") == 0;
}

/* Queues a {"from","to"} entry of kind when the texts differ. */
static void change(roomlog *rl, const roomlog_facts *f, const char *kiosk, const char *seat,
                   int64_t kiosk_ms, const char *kind, const char *from, const char *to)
{
    if (strcmp(from, to) != 0)
        add(rl, f, kiosk, seat, f->nip, kiosk_ms, kind,
            json_pack("{s:s, s:s}", "from", from, "to", to));
}

void roomlog_changes(roomlog *rl, const char *kiosk, const char *seat, int64_t kiosk_ms,
                     const roomlog_facts *was, const roomlog_facts *now)
{
    static const roomlog_facts none;
    if (!was) {
        add(rl, now, kiosk, seat, now->nip, kiosk_ms, ROOMLOG_ONLINE,
            json_pack("{s:b, s:s}", "first", 1, "screen", now->screen));
        was = &none;
    }
    if (strcmp(was->nip, now->nip) != 0 && was->nip[0])
        add(rl, was, kiosk, seat, was->nip, kiosk_ms, ROOMLOG_LEFT,
            json_pack("{s:s}", "nip", was->nip));
    if (strcmp(was->nip, now->nip) != 0 && now->nip[0])
        add(rl, now, kiosk, seat, now->nip, kiosk_ms, ROOMLOG_ARRIVED,
            json_pack("{s:s, s:s, s:I}", "nip", now->nip, "name", now->name, "attempt",
                      (json_int_t)now->attempt));
    if (was != &none) change(rl, now, kiosk, seat, kiosk_ms, ROOMLOG_SCREEN, was->screen,
                             now->screen);
    /* a new attempt starts its incidents from 0: only a rise is news */
    if (now->incidents > was->incidents && strcmp(was->nip, now->nip) == 0)
        add(rl, now, kiosk, seat, now->nip, kiosk_ms, ROOMLOG_INCIDENT,
            json_pack("{s:I, s:I}", "incidents", (json_int_t)now->incidents, "was",
                      (json_int_t)was->incidents));
    change(rl, now, kiosk, seat, kiosk_ms, ROOMLOG_LEASE, was->lease, now->lease);
    if (!delivery_usual(was->delivery) || !delivery_usual(now->delivery))
        change(rl, now, kiosk, seat, kiosk_ms, ROOMLOG_DELIVERY, was->delivery, now->delivery);
}
