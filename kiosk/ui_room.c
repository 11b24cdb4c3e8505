/* ui_room.c -- the screens of the proctor's commands: paused, seat locked, authorise, released, moved, ended. */
#include "ui_int.h"

#include <stdio.h>
#include <string.h>

/* The proctor's reason under "Alasan: ..." ("" = none); returns its height. */
static int reason(ui *u, bool draw, int x, int y, int w, const app_view *v)
{
    if (!v->reason || !*v->reason) return 0;
    char line[512];
    const char *args[] = {v->reason};
    texts_fill(line, sizeof line, ui_str(u, "room.reason"), args, 1);
    return ui_block(u, draw, F_BOLD, u->t->text, x, y, w, line) + u->unit;
}

/* The title in the heading font, cut to fit; returns its height. */
static int title(ui *u, bool draw, int x, int y, int w, SDL_Color c, const char *key)
{
    if (draw) ui_text_fit(u, F_HEAD, c, x, y, w, ui_str(u, key));
    return u->line_h[F_HEAD] + u->unit;
}

/* The proctor code field (dots) and, below it, a wrong code or the wait; returns the height. */
static int code_field(ui *u, bool draw, int x, int y, int w, const app_view *v)
{
    int y0 = y;
    char shown[128];
    ui_dots(v->code ? strlen(v->code) : 0, shown, sizeof shown);
    y += ui_field(u, draw, x, y, w * 2 / 3, ui_str(u, "proctor.code"), shown, true, false);
    y += u->unit;
    y += ui_code_message(u, draw, x, y, w, v);
    return y - y0;
}

static int paused_body(ui *u, const app_view *v, int x, int y, int w, bool draw)
{
    const ui_theme *t = u->t;
    int y0 = y;
    char clock[32], line[128];
    y += title(u, draw, x, y, w, t->text, "paused.title");
    y += ui_block(u, draw, F_BODY, t->text, x, y, w, ui_str(u, "paused.body")) + u->unit;
    y += reason(u, draw, x, y, w, v);
    ui_fmt_time(v->remaining_ms, clock, sizeof clock);
    const char *args[] = {clock};
    texts_fill(line, sizeof line, ui_str(u, "paused.left"), args, 1);
    y += ui_block(u, draw, F_BIG, t->accent, x, y, w, line);
    return y - y0;
}

void ui_draw_paused(ui *u, const app_view *v)
{
    ui_framed(u, v, v->name, paused_body, u->t->accent, no_button);
}

static int seat_locked_body(ui *u, const app_view *v, int x, int y, int w, bool draw)
{
    const ui_theme *t = u->t;
    int y0 = y;
    y += title(u, draw, x, y, w, t->warn, "seatlock.title");
    y += ui_block(u, draw, F_BODY, t->text, x, y, w, ui_str(u, "seatlock.body")) + u->unit;
    y += reason(u, draw, x, y, w, v);
    y += code_field(u, draw, x, y, w, v);
    return y - y0 - u->unit;
}

void ui_draw_seat_locked(ui *u, const app_view *v)
{
    ui_framed(u, v, v->name, seat_locked_body, u->t->warn, no_button);
}

/* The instructions, then the wait for the proctor's leave and the code field. */
static int authorise_body(ui *u, const app_view *v, int x, int y, int w, bool draw)
{
    int y0 = y;
    app_view facts = *v;
    facts.msg = "";  /* a wrong code is said below the field */
    y += ui_instructions_body(u, &facts, x, y, w, draw) + u->unit;
    const char *hint = ui_str(u, "authorise.hint");
    y += (draw ? ui_message(u, x, y, w, hint, true) : ui_message_h(u, w, hint)) + u->unit;
    y += code_field(u, draw, x, y, w, v);
    return y - y0 - u->unit;
}

void ui_draw_authorise(ui *u, const app_view *v)
{
    ui_framed(u, v, v->name, authorise_body, u->t->accent, no_button);
}

/* Released or moved: the participant leaves this seat. */
static int left_body(ui *u, const app_view *v, int x, int y, int w, bool draw)
{
    const ui_theme *t = u->t;
    bool moved = v->scr == SCR_MOVED;
    int y0 = y;
    char line[640];
    const char *args[] = {v->moved_to ? v->moved_to : ""};
    texts_fill(line, sizeof line, ui_str(u, moved ? "moved.body" : "released.body"), args, 1);
    y += title(u, draw, x, y, w, t->text, moved ? "moved.title" : "released.title");
    if (moved && v->moved_to && *v->moved_to)
        y += ui_block(u, draw, F_BIG, t->accent, x, y, w, v->moved_to) + u->unit;
    y += ui_block(u, draw, F_BODY, t->text, x, y, w, line);
    return y - y0;
}

void ui_draw_left(ui *u, const app_view *v)
{
    ui_framed(u, v, NULL, left_body, u->t->accent,
              (foot_button){ui_str(u, "room.next"), ACT_ENTER, true});
}

static int ended_body(ui *u, const app_view *v, int x, int y, int w, bool draw)
{
    (void)v;
    int y0 = y;
    y += title(u, draw, x, y, w, u->t->text, "ended.title");
    y += ui_block(u, draw, F_BODY, u->t->text, x, y, w, ui_str(u, "ended.body"));
    return y - y0;
}

void ui_draw_ended(ui *u, const app_view *v)
{
    ui_framed(u, v, NULL, ended_body, u->t->border, no_button);
}
