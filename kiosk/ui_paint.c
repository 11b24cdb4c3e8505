/* ui_paint.c -- shapes and the common widgets: buttons, header, footer, message boxes. */
#include "texts.h"
#include "ui_int.h"
#include "say.h"

#include <stdio.h>
#include <string.h>

void ui_fill(ui *u, SDL_Rect r, SDL_Color c)
{
    SDL_SetRenderDrawColor(u->r, c.r, c.g, c.b, 255);
    SDL_RenderFillRect(u->r, &r);
}

void ui_frame(ui *u, SDL_Rect r, int thick, SDL_Color c)
{
    if (thick < 1) thick = 1;
    ui_fill(u, (SDL_Rect){r.x, r.y, r.w, thick}, c);
    ui_fill(u, (SDL_Rect){r.x, r.y + r.h - thick, r.w, thick}, c);
    ui_fill(u, (SDL_Rect){r.x, r.y, thick, r.h}, c);
    ui_fill(u, (SDL_Rect){r.x + r.w - thick, r.y, thick, r.h}, c);
}

static SDL_Vertex vtx(float x, float y, SDL_Color c)
{
    return (SDL_Vertex){{x, y}, c, {0, 0}};
}

void ui_disc(ui *u, int cx, int cy, int rad, SDL_Color c)
{
    enum { SEG = 36 };
    SDL_Vertex v[SEG * 3];
    for (int i = 0; i < SEG; i++) {
        double a0 = 2 * M_PI * i / SEG, a1 = 2 * M_PI * (i + 1) / SEG;
        v[3 * i] = vtx((float)cx, (float)cy, c);
        v[3 * i + 1] = vtx((float)(cx + rad * SDL_cos(a0)), (float)(cy + rad * SDL_sin(a0)), c);
        v[3 * i + 2] = vtx((float)(cx + rad * SDL_cos(a1)), (float)(cy + rad * SDL_sin(a1)), c);
    }
    SDL_RenderGeometry(u->r, NULL, v, SEG * 3, NULL, 0);
}

void ui_tri(ui *u, SDL_Point a, SDL_Point b, SDL_Point c, SDL_Color col)
{
    SDL_Vertex v[3] = {vtx((float)a.x, (float)a.y, col), vtx((float)b.x, (float)b.y, col),
                       vtx((float)c.x, (float)c.y, col)};
    SDL_RenderGeometry(u->r, NULL, v, 3, NULL, 0);
}

/* A thick segment as two triangles. */
static void seg(ui *u, float x0, float y0, float x1, float y1, float th, SDL_Color c)
{
    float dx = x1 - x0, dy = y1 - y0, len = SDL_sqrtf(dx * dx + dy * dy);
    if (len <= 0) return;
    float nx = -dy / len * th / 2, ny = dx / len * th / 2;
    SDL_Vertex v[6] = {vtx(x0 + nx, y0 + ny, c), vtx(x1 + nx, y1 + ny, c),
                       vtx(x1 - nx, y1 - ny, c), vtx(x0 + nx, y0 + ny, c),
                       vtx(x1 - nx, y1 - ny, c), vtx(x0 - nx, y0 - ny, c)};
    SDL_RenderGeometry(u->r, NULL, v, 6, NULL, 0);
}

void ui_check(ui *u, SDL_Rect b, int thick, SDL_Color c)
{
    float x = (float)b.x, y = (float)b.y, w = (float)b.w, h = (float)b.h;
    seg(u, x + w * 0.18f, y + h * 0.52f, x + w * 0.42f, y + h * 0.76f, (float)thick, c);
    seg(u, x + w * 0.40f, y + h * 0.78f, x + w * 0.84f, y + h * 0.24f, (float)thick, c);
}

void ui_cross(ui *u, SDL_Rect b, int thick, SDL_Color c)
{
    float x = (float)b.x, y = (float)b.y, w = (float)b.w, h = (float)b.h;
    seg(u, x + w * 0.2f, y + h * 0.2f, x + w * 0.8f, y + h * 0.8f, (float)thick, c);
    seg(u, x + w * 0.8f, y + h * 0.2f, x + w * 0.2f, y + h * 0.8f, (float)thick, c);
}

int ui_button_w(ui *u, const char *label)
{
    return ui_text_w(u, F_BOLD, label) + 3 * u->unit;
}

int ui_button_font(ui *u, const char *label, int w)
{
    return ui_text_w(u, F_BOLD, label) + 2 * u->unit <= w ? F_BOLD : F_SMALLB;
}

void ui_button(ui *u, SDL_Rect r, const char *label, bool primary, bool focus, action_kind k,
               int index)
{
    ui_button_f(u, r, label, ui_button_font(u, label, r.w), primary, focus, k, index);
}

void ui_button_f(ui *u, SDL_Rect r, const char *label, int font, bool primary, bool focus,
                 action_kind k, int index)
{
    const ui_theme *t = u->t;
    if (focus) {
        int g = u->unit / 2 > 3 ? u->unit / 2 : 3;
        ui_frame(u, (SDL_Rect){r.x - g, r.y - g, r.w + 2 * g, r.h + 2 * g}, g > 4 ? 4 : g,
                 t->focus);
    }
    ui_fill(u, r, primary ? t->accent : t->panel);
    ui_frame(u, r, focus ? 3 : 2, primary ? t->accent : t->border);
    if (u->contrast && primary) ui_frame(u, r, 2, t->text);
    ui_text_center(u, font, primary ? t->on_accent : t->text, r, label);
    if (k != ACT_NONE) ui_hot_add(u, r, k, index);
}

void ui_score(const ui *u, int v, char *out, size_t n)
{
    say_score(u->s, v, out, n);
}

int ui_header_h(const ui *u)
{
    return u->line_h[F_BOLD] + 2 * u->unit;
}

int ui_footer_top(const ui *u)
{
    return u->h - u->line_h[F_SMALL] - 2 * u->unit;
}

int ui_header(ui *u, const char *left, const char *right)
{
    const ui_theme *t = u->t;
    int h = ui_header_h(u), m = 2 * u->unit;
    ui_fill(u, (SDL_Rect){0, 0, u->w, h}, t->bar);
    if (u->contrast) ui_fill(u, (SDL_Rect){0, h - 2, u->w, 2}, t->text);
    int rw = right ? ui_text_w(u, F_BODY, right) : 0;
    if (rw > u->w / 2) rw = u->w / 2;
    ui_text_fit(u, F_BOLD, t->on_bar, m, u->unit, u->w - 3 * m - rw, left);
    if (right) ui_text_fit(u, F_BODY, t->on_bar, u->w - m - rw, u->unit, rw, right);
    return h;
}

int ui_footer(ui *u, const app_view *v)
{
    const ui_theme *t = u->t;
    int m = 2 * u->unit, y = ui_footer_top(u) + u->unit;
    const char *keys = ui_str(u, "access.keys");
    char q[UI_FOOT], note[UI_FOOT];
    bool noted = v->notice_key && *v->notice_key;
    if (noted) {  /* the proctor's notice takes the place of the key hints */
        const char *arg[] = {v->notice ? v->notice : ""};
        texts_fill(note, sizeof note, ui_str(u, v->notice_key), arg, 1);
        keys = note;
    }
    bool act = ui_delivery_text(u->s, &v->delivery, q, sizeof q);
    int avail = u->w - 2 * m, qw = *q ? ui_text_w(u, F_SMALL, q) : 0;
    int kw = ui_text_w(u, F_SMALL, keys);
    /* both when they fit; else a problem takes the whole line, and a plain
     * line at most two thirds of it */
    if (qw + m + kw > avail) {
        if (act) kw = 0;
        if (qw > (kw ? avail * 2 / 3 : avail)) qw = kw ? avail * 2 / 3 : avail;
        if (kw) kw = avail - qw - m;
    }
    if (kw > 0) ui_text_fit(u, F_SMALL, noted ? t->text : t->muted, m, y, kw, keys);
    if (*q) ui_text_fit(u, F_SMALL, act && !u->contrast ? t->warn : act ? t->text : t->muted,
                        u->w - m - qw, y, qw, q);
    return y - u->unit;
}

int ui_message_h(ui *u, int width, const char *text)
{
    if (!text || !*text) return 0;
    return ui_para_h(u, F_BOLD, text, width - 3 * u->unit) + u->unit * 3 / 2;
}

bool ui_msg_is_info(const char *key)
{
    static const char *const info[] = {"exam.saved", "exam.cleared", "wait.resume", "proctor.hint",
                                       "aloud.on", "aloud.off", "lease.asking"};
    for (size_t i = 0; key && i < sizeof info / sizeof *info; i++)
        if (strcmp(key, info[i]) == 0) return true;
    return false;
}

int ui_message(ui *u, int x, int y, int width, const char *text, bool info)
{
    const ui_theme *t = u->t;
    int h = ui_message_h(u, width, text);
    if (!h) return 0;
    SDL_Rect r = {x, y, width, h};
    SDL_Color edge = info ? t->accent : t->warn;
    ui_fill(u, r, info ? t->panel : t->warn_bg);
    ui_frame(u, r, 2, edge);
    ui_fill(u, (SDL_Rect){x, y, u->unit, h}, edge);
    ui_para(u, F_BOLD, u->contrast || info ? t->text : t->warn, x + 2 * u->unit,
            y + u->unit * 3 / 4, width - 3 * u->unit, text, 0, -1);
    return h;
}

