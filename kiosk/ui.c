/* ui.c -- the kiosk renderer: themes, text sizes derived from the window, the frame and its click targets. */
#include "ui_int.h"
#include "why.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RGB(r, g, b) {r, g, b, 255}

static const ui_theme normal_theme = {
    .bg = RGB(0xEC, 0xEF, 0xF3), .panel = RGB(0xFF, 0xFF, 0xFF), .text = RGB(0x16, 0x1A, 0x1F),
    .muted = RGB(0x4A, 0x52, 0x5C), .accent = RGB(0x17, 0x4A, 0x8B),
    .on_accent = RGB(0xFF, 0xFF, 0xFF), .border = RGB(0x7C, 0x86, 0x94),
    .focus = RGB(0xB3, 0x54, 0x00), .chosen = RGB(0xD6, 0xE6, 0xFA),
    .warn = RGB(0xA8, 0x10, 0x1C), .on_warn = RGB(0xFF, 0xFF, 0xFF),
    .warn_bg = RGB(0xFC, 0xE8, 0xEA), .ok = RGB(0x17, 0x6B, 0x33),
    .on_ok = RGB(0xFF, 0xFF, 0xFF), .flag = RGB(0xB3, 0x54, 0x00),
    .bar = RGB(0x17, 0x4A, 0x8B), .on_bar = RGB(0xFF, 0xFF, 0xFF),
    .field = RGB(0xFF, 0xFF, 0xFF), .done = RGB(0x17, 0x4A, 0x8B),
    .on_done = RGB(0xFF, 0xFF, 0xFF),
};

static const ui_theme contrast_theme = {
    .bg = RGB(0, 0, 0), .panel = RGB(0, 0, 0), .text = RGB(0xFF, 0xFF, 0xFF),
    .muted = RGB(0xFF, 0xFF, 0xFF), .accent = RGB(0xFF, 0xFF, 0x00),
    .on_accent = RGB(0, 0, 0), .border = RGB(0xFF, 0xFF, 0xFF),
    .focus = RGB(0xFF, 0xFF, 0x00), .chosen = RGB(0x33, 0x33, 0x00),
    .warn = RGB(0xFF, 0xFF, 0x00), .on_warn = RGB(0, 0, 0), .warn_bg = RGB(0, 0, 0),
    .ok = RGB(0xFF, 0xFF, 0xFF), .on_ok = RGB(0, 0, 0), .flag = RGB(0xFF, 0xFF, 0x00),
    .bar = RGB(0, 0, 0), .on_bar = RGB(0xFF, 0xFF, 0x00), .field = RGB(0, 0, 0),
    .done = RGB(0xFF, 0xFF, 0xFF), .on_done = RGB(0, 0, 0),
};

/* Percent of the base text size per step. */
static const int step_pct[UI_FONT_STEPS] = {80, 90, 100, 115, 132, 150};

static void set_why(char *why, const char *msg, const char *detail)
{
    if (why) snprintf(why, WHY_SIZE, "%s%s%s", msg, detail ? ": " : "", detail ? detail : "");
}

/* "dir/Name-SUFFIX.ttf" for "dir/Name.ttf" when that file exists; caller frees. */
static char *sibling(const char *path, const char *suffix)
{
    size_t n = strlen(path), cap = n + strlen(suffix) + 2;
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/')) dot = path + n;
    char *b = malloc(cap);
    if (!b) return NULL;
    snprintf(b, cap, "%.*s-%s%s", (int)(dot - path), path, suffix, dot);
    if (access(b, R_OK) != 0) {
        free(b);
        return NULL;
    }
    return b;
}

/* The first of two siblings that exists (DejaVu says Oblique, others Italic). */
static char *sibling2(const char *path, const char *a, const char *b)
{
    char *s = sibling(path, a);
    return s ? s : sibling(path, b);
}

static void close_fonts(ui *u)
{
    ui_cache_clear(u);
    for (int k = 0; k < UI_FONT_STEPS; k++)
        for (int i = 0; i < F_COUNT; i++) {
            if (u->fonts[k][i]) TTF_CloseFont(u->fonts[k][i]);
            u->fonts[k][i] = NULL;
        }
}

/* Text size of the default step for the current output size. */
static int base_px(const ui *u)
{
    int b = u->h / 34 < u->w / 45 ? u->h / 34 : u->w / 45;
    return b > 10 ? b : 10;
}

/* Opens the fonts of `step` for the current output size, when not yet open. */
static int open_step(ui *u, int step, char *why)
{
    static const int pct[F_COUNT] = {100, 100, 72, 80, 135, 240, 0, 100, 100};
    TTF_Font **f = u->fonts[step];
    if (f[0]) return 0;
    int base0 = base_px(u), base = base0 * step_pct[step] / 100;
    for (int i = 0; i < F_COUNT; i++) {
        bool bold = i == F_BOLD || i == F_SMALLB || i == F_HEAD || i == F_BIG || i == F_BOLDITALIC;
        bool italic = i == F_ITALIC || i == F_BOLDITALIC;
        const char *ipath = i == F_BOLDITALIC ? u->bolditalic_path : u->italic_path;
        const char *path = italic && ipath ? ipath : bold && u->bold_path ? u->bold_path
                                                                         : u->font_path;
        int px = i == F_NAV ? base0 * 72 * (100 + step_pct[step]) / 20000 : base * pct[i] / 100;
        f[i] = TTF_OpenFont(path, px > 9 ? px : 9);
        if (!f[i]) {
            set_why(why, path, TTF_GetError());
            for (int k = 0; k < i; k++) {
                TTF_CloseFont(f[k]);
                f[k] = NULL;
            }
            return -1;
        }
        int style = (bold && (path == u->font_path || (italic && path != ipath)) ? TTF_STYLE_BOLD : 0) |
                    (italic && path != ipath ? TTF_STYLE_ITALIC : 0);
        if (style) TTF_SetFontStyle(f[i], style);
        u->line_hs[step][i] = TTF_FontLineSkip(f[i]);
    }
    return 0;
}

int ui_use_step(ui *u, int step)
{
    char why[WHY_SIZE];
    if (step < 0 || step >= UI_FONT_STEPS) return -1;
    if (open_step(u, step, why) != 0) {
        SDL_Log("kiosk: %s", why);
        return -1;
    }
    u->eff = step;
    u->font = u->fonts[step];
    u->line_h = u->line_hs[step];
    int base = base_px(u) * step_pct[step] / 100;
    u->unit = base / 2 > 4 ? base / 2 : 4;
    return 0;
}

/* Takes the output size; drops every font when it changed. */
static void check_size(ui *u)
{
    int ow = 0, oh = 0;
    if (SDL_GetRendererOutputSize(u->r, &ow, &oh) != 0 || ow <= 0 || oh <= 0) {
        ow = 1024;
        oh = 768;
    }
    if (ow != u->w || oh != u->h || u->fonts_stale) {
        close_fonts(u);
        u->w = ow;
        u->h = oh;
        u->fonts_stale = false;
    }
}

/* Caller frees with ui_free(). */
ui *ui_new(SDL_Window *w, const char *font_path, const texts *s, char *why)
{
    if (!w || !font_path || !s) {
        set_why(why, "ui_new: missing window, font or strings", NULL);
        return NULL;
    }
    if (!TTF_WasInit() && TTF_Init() != 0) {
        set_why(why, "TTF_Init", TTF_GetError());
        return NULL;
    }
    ui *u = calloc(1, sizeof *u);
    if (!u) { set_why(why, "out of memory", NULL); return NULL; }
    u->win = w;
    u->s = s;
    u->step = UI_FONT_DEFAULT;
    u->t = &normal_theme;
    u->font_path = strdup(font_path);
    u->bold_path = sibling(font_path, "Bold");
    u->italic_path = sibling2(font_path, "Oblique", "Italic");
    u->bolditalic_path = sibling2(font_path, "BoldOblique", "BoldItalic");
    if (!u->font_path) { set_why(why, "out of memory", NULL); ui_free(u); return NULL; }
    /* The software renderer: a few rectangles and text need no GPU, and on
     * old lab PCs without a driver a software OpenGL costs 50 MB and more
     * time per frame. SDL_RENDER_DRIVER in the environment still wins. */
    u->r = SDL_GetHint(SDL_HINT_RENDER_DRIVER) ? SDL_CreateRenderer(w, -1, 0)
                                               : SDL_CreateRenderer(w, -1, SDL_RENDERER_SOFTWARE);
    if (!u->r) u->r = SDL_CreateRenderer(w, -1, 0);
    if (!u->r) { set_why(why, "cannot create a renderer", SDL_GetError()); ui_free(u); return NULL; }
    SDL_RendererInfo info;
    u->keeps_frame = SDL_GetRendererInfo(u->r, &info) == 0 && (info.flags & SDL_RENDERER_SOFTWARE);
    check_size(u);
    if (open_step(u, u->step, why) != 0) { ui_free(u); return NULL; }
    ui_use_step(u, u->step);
    return u;
}

void ui_free(ui *u)
{
    if (!u) return;
    ui_cache_clear(u);
    close_fonts(u);
    if (u->r) SDL_DestroyRenderer(u->r);
    layout_lines_free(&u->lines);
    free(u->tmp);
    free(u->font_path);
    free(u->bold_path);
    free(u->italic_path);
    free(u->bolditalic_path);
    ui_image_forget(u);
    rich_free(&u->rich);
    free(u);
}

SDL_Renderer *ui_renderer(ui *u)
{
    return u->r;
}

int ui_font_step(const ui *u)
{
    return u->step;
}

void ui_set_font_step(ui *u, int step)
{
    if (step < 0) step = 0;
    if (step >= UI_FONT_STEPS) step = UI_FONT_STEPS - 1;
    u->step = step;
}

bool ui_high_contrast(const ui *u)
{
    return u->contrast;
}

void ui_set_high_contrast(ui *u, bool on)
{
    u->contrast = on;
    u->t = on ? &contrast_theme : &normal_theme;
}

bool ui_apply(ui *u, const action *a)
{
    switch (a->kind) {
    case ACT_FONT_BIGGER:
    case ACT_FONT_SMALLER: {
        int old = u->step;
        ui_set_font_step(u, old + (a->kind == ACT_FONT_BIGGER ? 1 : -1));
        return u->step != old;
    }
    case ACT_CONTRAST:
        ui_set_high_contrast(u, !u->contrast);
        return true;
    case ACT_DISPLAY:
        u->fonts_stale = true;
        return true;
    default:
        return false;
    }
}

const char *ui_str(const ui *u, const char *key)
{
    return texts_get(u->s, key);
}

void ui_hot_add(ui *u, SDL_Rect r, action_kind k, int index)
{
    if (SDL_RenderIsClipEnabled(u->r)) {  /* only the part that can be seen is clickable */
        SDL_Rect clip, in;
        SDL_RenderGetClipRect(u->r, &clip);
        if (!SDL_IntersectRect(&r, &clip, &in)) return;
        r = in;
    }
    if (u->nhot < UI_MAX_HOT) u->hot[u->nhot++] = (ui_hot){r, k, index};
}

bool ui_hit_rect(const ui *u, action_kind kind, int index, SDL_Rect *out)
{
    for (int i = 0; i < u->nhot; i++)
        if (u->hot[i].kind == kind &&
            (u->hot[i].index == index || (kind != ACT_OPTION && kind != ACT_GOTO))) {
            if (out) *out = u->hot[i].r;
            return true;
        }
    return false;
}

void ui_draw(ui *u, const app_view *v)
{
    if (v && v->seat != u->seat) {  /* the next participant: the default look */
        u->seat = v->seat;
        ui_set_font_step(u, UI_FONT_DEFAULT);
        ui_set_high_contrast(u, false);
    }
    check_size(u);
    int ok = -1;
    for (int k = u->step; k >= 0 && ok != 0; k--) ok = ui_use_step(u, k);
    SDL_GetWindowSize(u->win, &u->win_w, &u->win_h);
    u->frame++;
    u->nhot = 0;
    u->stem_lines = u->stem_visible = 0;
    u->stem_rect = (SDL_Rect){0, 0, 0, 0};
    SDL_SetRenderDrawColor(u->r, u->t->bg.r, u->t->bg.g, u->t->bg.b, 255);
    SDL_RenderClear(u->r);
    if (ok == 0 && v) {
        switch (v->scr) {
        case SCR_IDENTIFY: ui_draw_identify(u, v); break;
        case SCR_LOCKED:
        case SCR_PROCTOR: ui_draw_code(u, v); break;
        case SCR_WAIT: ui_draw_wait(u, v); break;
        case SCR_INSTRUCTIONS: ui_draw_instructions(u, v); break;
        case SCR_EXAM: ui_draw_exam(u, v); break;
        case SCR_REVIEW: ui_draw_review(u, v); break;
        case SCR_CONFIRM: ui_draw_confirm(u, v); break;
        case SCR_RESULT: ui_draw_result(u, v); break;
        case SCR_TIMEOUT: ui_draw_timeout(u, v); break;
        case SCR_DAMAGE: ui_draw_damage(u, v); break;
        case SCR_PAUSED: ui_draw_paused(u, v); break;
        case SCR_SEAT_LOCKED: ui_draw_seat_locked(u, v); break;
        case SCR_AUTHORISE: ui_draw_authorise(u, v); break;
        case SCR_RELEASED:
        case SCR_MOVED: ui_draw_left(u, v); break;
        case SCR_ENDED: ui_draw_ended(u, v); break;
        case SCR_ERROR:
        default: ui_draw_error(u, v); break;
        }
    }
    SDL_RenderPresent(u->r);
    u->last_scr = ok == 0 && v ? v->scr : SCR_ERROR;
    u->last_warning = v ? v->warning : 0;
    u->last_foot[0] = 0;
    if (v) ui_delivery_text(u->s, &v->delivery, u->last_foot, sizeof u->last_foot);
    u->last_notices = v ? v->notices : 0;
    u->last_cur = v ? v->cur : 0;
}

/* True when the footer's delivery line for v differs from the one drawn last. */
static bool foot_changed(const ui *u, const app_view *v)
{
    char q[UI_FOOT];
    ui_delivery_text(u->s, &v->delivery, q, sizeof q);
    return strcmp(q, u->last_foot) != 0 || v->notices != u->last_notices;
}

bool ui_draw_tick(ui *u, const app_view *v)
{
    int w = 0, h = 0;
    SDL_GetWindowSize(u->win, &w, &h);
    bool attempt = v && (v->scr == SCR_EXAM || v->scr == SCR_REVIEW || v->scr == SCR_CONFIRM);
    if (!u->keeps_frame || !attempt || v->scr != u->last_scr ||
        v->warning != u->last_warning || foot_changed(u, v) || v->cur != u->last_cur ||
        w != u->win_w || h != u->win_h)
        return false;
    ui_draw_exam_header(u, v);
    SDL_RenderPresent(u->r);
    return true;
}
