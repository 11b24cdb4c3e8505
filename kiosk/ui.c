/* ui.c -- the kiosk renderer: window-derived fonts, themes, a text texture cache, shapes and the frame. */
#include "ui_int.h"

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
    if (why) snprintf(why, UI_WHY, "%s%s%s", msg, detail ? ": " : "", detail ? detail : "");
}

/* "dir/Name-Bold.ttf" for "dir/Name.ttf" when that file exists; caller frees. */
static char *bold_sibling(const char *path)
{
    size_t n = strlen(path);
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/')) dot = path + n;
    char *b = malloc(n + 8);
    if (!b) return NULL;
    snprintf(b, n + 8, "%.*s-Bold%s", (int)(dot - path), path, dot);
    if (access(b, R_OK) != 0) {
        free(b);
        return NULL;
    }
    return b;
}

static void cache_clear(ui *u)
{
    for (int i = 0; i < UI_CACHE; i++) {
        if (u->cache[i].t) SDL_DestroyTexture(u->cache[i].t);
        free(u->cache[i].s);
    }
    memset(u->cache, 0, sizeof u->cache);
}

static void close_fonts(ui *u)
{
    for (int i = 0; i < F_COUNT; i++) {
        if (u->font[i]) TTF_CloseFont(u->font[i]);
        u->font[i] = NULL;
    }
}

/* (Re)opens every font for the current output size and step. */
static int open_fonts(ui *u, char *why)
{
    int ow = 0, oh = 0;
    if (SDL_GetRendererOutputSize(u->r, &ow, &oh) != 0 || ow <= 0 || oh <= 0) {
        ow = 1024;
        oh = 768;
    }
    int base0 = oh / 34 < ow / 45 ? oh / 34 : ow / 45;
    int base = base0 * step_pct[u->step] / 100;
    if (base < 10) base = 10;
    static const int pct[F_COUNT] = {100, 100, 72, 80, 135, 240, 0};
    cache_clear(u);
    close_fonts(u);
    for (int i = 0; i < F_COUNT; i++) {
        bool bold = i == F_BOLD || i == F_SMALLB || i == F_HEAD || i == F_BIG;
        const char *path = bold && u->bold_path ? u->bold_path : u->font_path;
        int px = i == F_NAV ? base0 * 72 * (100 + step_pct[u->step]) / 20000
                            : base * pct[i] / 100;
        if (px < 9) px = 9;
        u->font[i] = TTF_OpenFont(path, px);
        if (!u->font[i]) {
            set_why(why, path, TTF_GetError());
            close_fonts(u);
            return -1;
        }
        if (bold && path == u->font_path) TTF_SetFontStyle(u->font[i], TTF_STYLE_BOLD);
        u->line_h[i] = TTF_FontLineSkip(u->font[i]);
    }
    u->w = ow;
    u->h = oh;
    u->unit = base / 2 > 4 ? base / 2 : 4;
    u->fonts_stale = false;
    return 0;
}

/* Caller frees with ui_free(). */
ui *ui_new(SDL_Window *w, const char *font_path, const strings *s, char *why)
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
    u->bold_path = bold_sibling(font_path);
    if (!u->font_path) { set_why(why, "out of memory", NULL); ui_free(u); return NULL; }
    u->r = SDL_CreateRenderer(w, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
    if (!u->r) u->r = SDL_CreateRenderer(w, -1, SDL_RENDERER_SOFTWARE);
    if (!u->r) { set_why(why, "cannot create a renderer", SDL_GetError()); ui_free(u); return NULL; }
    if (open_fonts(u, why) != 0) { ui_free(u); return NULL; }
    return u;
}

void ui_free(ui *u)
{
    if (!u) return;
    cache_clear(u);
    close_fonts(u);
    if (u->r) SDL_DestroyRenderer(u->r);
    layout_lines_free(&u->lines);
    free(u->tmp);
    free(u->font_path);
    free(u->bold_path);
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
    if (step != u->step) {
        u->step = step;
        u->fonts_stale = true;
    }
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
    return strings_get(u->s, key);
}

/* Copies s[0..len) into the scratch buffer, NUL-terminated; NULL on ENOMEM. */
static const char *scratch(ui *u, const char *s, size_t len)
{
    if (len + 1 > u->tmp_cap) {
        size_t cap = len + 1 > 256 ? len + 1 : 256;
        char *t = realloc(u->tmp, cap);
        if (!t) return NULL;
        u->tmp = t;
        u->tmp_cap = cap;
    }
    memcpy(u->tmp, s, len);
    u->tmp[len] = '\0';
    return u->tmp;
}

int ui_text_w(ui *u, int font, const char *s)
{
    int w = 0, h = 0;
    if (!s || !*s || TTF_SizeUTF8(u->font[font], s, &w, &h) != 0) return 0;
    return w;
}

static uint32_t hash_of(int font, SDL_Color c, const char *s)
{
    uint32_t h = 2166136261u ^ (uint32_t)font;
    h = (h ^ ((uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b)) * 16777619u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The cached texture of s, rendering it on a miss; NULL when it cannot. */
static ui_tex *texture(ui *u, int font, SDL_Color c, const char *s)
{
    uint32_t h = hash_of(font, c, s);
    int victim = 0;
    for (int i = 0; i < UI_CACHE; i++) {
        ui_tex *e = &u->cache[i];
        if (e->t && e->hash == h && e->font == font && e->c.r == c.r && e->c.g == c.g &&
            e->c.b == c.b && strcmp(e->s, s) == 0) {
            e->used = u->frame;
            return e;
        }
        if (!e->t) { if (u->cache[victim].t) victim = i; }
        else if (u->cache[victim].t && e->used < u->cache[victim].used) victim = i;
    }
    SDL_Surface *surf = TTF_RenderUTF8_Blended(u->font[font], s, c);
    if (!surf) return NULL;
    SDL_Texture *t = SDL_CreateTextureFromSurface(u->r, surf);
    char *copy = strdup(s);
    if (!t || !copy) {
        if (t) SDL_DestroyTexture(t);
        free(copy);
        SDL_FreeSurface(surf);
        return NULL;
    }
    ui_tex *e = &u->cache[victim];
    if (e->t) SDL_DestroyTexture(e->t);
    free(e->s);
    *e = (ui_tex){h, font, c, copy, t, surf->w, surf->h, u->frame};
    SDL_FreeSurface(surf);
    return e;
}

int ui_text(ui *u, int font, SDL_Color c, int x, int y, const char *s)
{
    if (!s || !*s) return 0;
    ui_tex *e = texture(u, font, c, s);
    if (!e) return 0;
    SDL_Rect dst = {x, y, e->w, e->h};
    SDL_RenderCopy(u->r, e->t, NULL, &dst);
    return e->w;
}

int ui_text_n(ui *u, int font, SDL_Color c, int x, int y, const char *s, size_t len)
{
    const char *p = scratch(u, s, len);
    return p ? ui_text(u, font, c, x, y, p) : 0;
}

int ui_text_fit(ui *u, int font, SDL_Color c, int x, int y, int maxw, const char *s)
{
    if (!s || !*s) return 0;
    if (ui_text_w(u, font, s) <= maxw) return ui_text(u, font, c, x, y, s);
    size_t n = strlen(s);
    char *buf = malloc(n + 4);
    if (!buf) return 0;
    size_t keep = n;
    for (;;) {
        while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80) keep--;
        memcpy(buf, s, keep);
        memcpy(buf + keep, "\xE2\x80\xA6", 4);  /* … */
        if (keep == 0 || ui_text_w(u, font, buf) <= maxw) break;
        keep--;
    }
    int w = ui_text(u, font, c, x, y, buf);
    free(buf);
    return w;
}

void ui_text_center(ui *u, int font, SDL_Color c, SDL_Rect r, const char *s)
{
    int w = ui_text_w(u, font, s);
    if (w > r.w) w = r.w;
    int x = r.x + (r.w - w) / 2, y = r.y + (r.h - u->line_h[font]) / 2;
    ui_text_fit(u, font, c, x, y, r.w, s);
}

typedef struct measure_ctx {
    ui *u;
    int font;
} measure_ctx;

static int measure(void *ctx, const char *s, size_t len)
{
    measure_ctx *m = ctx;
    const char *p = scratch(m->u, s, len);
    return p ? ui_text_w(m->u, m->font, p) : 0;
}

int ui_wrap(ui *u, int font, const char *s, int width)
{
    measure_ctx m = {u, font};
    if (layout_wrap(&u->lines, s ? s : "", width, measure, &m) != 0) return 0;
    return (int)u->lines.n;
}

int ui_para(ui *u, int font, SDL_Color c, int x, int y, int width, const char *s, int first,
            int max)
{
    int n = ui_wrap(u, font, s, width), drawn = 0;
    if (first < 0) first = 0;
    for (int i = first; i < n && (max < 0 || drawn < max); i++, drawn++) {
        layout_line l = u->lines.v[i];
        ui_text_n(u, font, c, x, y + drawn * u->line_h[font], s + l.off, l.len);
    }
    return drawn * u->line_h[font];
}

int ui_para_h(ui *u, int font, const char *s, int width)
{
    return ui_wrap(u, font, s, width) * u->line_h[font];
}

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

int ui_button_w(ui *u, const char *label)
{
    return ui_text_w(u, F_BOLD, label) + 3 * u->unit;
}

int ui_button_font(ui *u, const char *label, int w)
{
    return ui_text_w(u, F_BOLD, label) + u->unit <= w ? F_BOLD : F_SMALLB;
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
    const char *dec = strings_get(u->s, "fmt.decimal");
    if (strcmp(dec, "fmt.decimal") == 0) dec = ",";
    if (v < 0) {
        snprintf(out, n, "-");
        return;
    }
    snprintf(out, n, "%d%s%02d", v / 100, dec, v % 100);
}

int ui_header(ui *u, const char *left, const char *right)
{
    const ui_theme *t = u->t;
    int h = u->line_h[F_BOLD] + 2 * u->unit, m = 2 * u->unit;
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
    int lh = u->line_h[F_SMALL], m = 2 * u->unit, y = u->h - lh - u->unit;
    const char *keys = ui_str(u, "access.keys");
    char q[160] = "";
    if (v->queued > 0) {
        char n[16];
        snprintf(n, sizeof n, "%d", v->queued);
        const char *args[] = {n};
        strings_fill(q, sizeof q, ui_str(u, "queued"), args, 1);
    }
    int qw = *q ? ui_text_w(u, F_SMALL, q) : 0;
    if (qw > u->w / 2) qw = u->w / 2;
    ui_text_fit(u, F_SMALL, t->muted, m, y, u->w - 2 * m - qw - (qw ? m : 0), keys);
    if (*q) ui_text_fit(u, F_SMALL, t->muted, u->w - m - qw, y, qw, q);
    return y - u->unit;
}

int ui_message_h(ui *u, int width, const char *text)
{
    if (!text || !*text) return 0;
    return ui_para_h(u, F_BOLD, text, width - 3 * u->unit) + u->unit * 3 / 2;
}

bool ui_msg_is_info(const char *key)
{
    static const char *const info[] = {"exam.saved", "wait.resume", "proctor.hint"};
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

void ui_draw(ui *u, const app_view *v)
{
    int ow = 0, oh = 0;
    SDL_GetRendererOutputSize(u->r, &ow, &oh);
    if (u->fonts_stale || ow != u->w || oh != u->h) {
        char why[UI_WHY];
        if (open_fonts(u, why) != 0) SDL_Log("kiosk: %s", why);
    }
    SDL_GetWindowSize(u->win, &u->win_w, &u->win_h);
    u->frame++;
    u->nhot = 0;
    u->stem_lines = u->stem_visible = 0;
    u->stem_rect = (SDL_Rect){0, 0, 0, 0};
    SDL_SetRenderDrawColor(u->r, u->t->bg.r, u->t->bg.g, u->t->bg.b, 255);
    SDL_RenderClear(u->r);
    if (u->font[F_BODY] && v) {
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
        case SCR_ERROR:
        default: ui_draw_error(u, v); break;
        }
    }
    SDL_RenderPresent(u->r);
}
