/* ui_text.c -- UTF-8 text on the renderer: measuring, a texture cache, fitting and wrapping. */
#include "ui_int.h"

#include <stdlib.h>
#include <string.h>

void ui_cache_clear(ui *u)
{
    for (int i = 0; i < UI_CACHE; i++) {
        if (u->cache[i].t) SDL_DestroyTexture(u->cache[i].t);
        free(u->cache[i].s);
    }
    memset(u->cache, 0, sizeof u->cache);
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

int ui_text_w_n(ui *u, int font, const char *s, size_t len)
{
    const char *p = scratch(u, s, len);
    return p ? ui_text_w(u, font, p) : 0;
}

static uint32_t hash_of(int font, SDL_Color c, const char *s)
{
    uint32_t h = 2166136261u ^ (uint32_t)font;
    h = (h ^ ((uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b)) * 16777619u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The cached texture of s, rendering it on a miss; NULL when it cannot. */
static ui_tex *texture(ui *u, int f, SDL_Color c, const char *s)
{
    int font = u->eff * F_COUNT + f;  /* the same text in another size is another texture */
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
    SDL_Surface *surf = TTF_RenderUTF8_Blended(u->font[f], s, c);
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

