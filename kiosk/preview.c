/* preview.c -- renders bank items with the kiosk's exam screen into PNG files for authors. */
#include "preview.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <SDL.h>
#include <SDL_image.h>

#include "bank.h"
#include "secret.h"
#include "ui.h"
#include "why.h"

typedef struct idlist {
    char **v;
    int n, cap;
} idlist;

static int collect(const bank_item_info *info, void *arg)
{
    idlist *l = arg;
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 64;
        char **v = realloc(l->v, (size_t)cap * sizeof *v);
        if (!v) return 1;
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(info->id))) return 1;
    l->n++;
    return 0;
}

/* Saves the renderer's frame as PNG at path, through a temporary file renamed over it. */
static int save_png(SDL_Renderer *r, int w, int h, const char *path, char *why)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int rc = -1;
    if (!s) why_set(why, "out of memory");
    else if (SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch) != 0)
        why_set(why, "cannot read the frame: %s", SDL_GetError());
    else if (IMG_SavePNG(s, tmp) != 0)
        why_set(why, "%s: %s", tmp, IMG_GetError());
    else if (rename(tmp, path) != 0)
        why_set(why, "%s: %s", path, strerror(errno));
    else
        rc = 0;
    if (rc) remove(tmp);
    SDL_FreeSurface(s);
    return rc;
}

/* The exam screen's view of item `it`, number i of n. */
static app_view item_view(const bank_item *it, const char *title, size_t i, int n, bool *none)
{
    app_view v;
    memset(&v, 0, sizeof v);
    v.scr = SCR_EXAM;
    v.msg = v.detail = v.cause = v.subject = "";
    v.name = "";
    v.exam_title = title;
    v.nitems = n;
    v.cur = i;
    v.stem = it->stem;
    v.rich = it->rich;
    v.image = it->image;
    v.image_len = it->image_len;
    v.noptions = it->noptions;
    for (int k = 0; k < it->noptions; k++) v.options[k] = it->options[k];
    v.multi = it->kind == BANK_MULTI;
    v.truefalse = it->kind == BANK_TRUEFALSE;
    v.answered = v.flags = none;
    v.remaining_ms = 60 * 60000;
    return v;
}

/* Draws the screens of one item into OUT/ID.png, ID-2.png, ...; returns files written or -1. */
static int one_item(ui *u, const preview_opts *o, app_view v, const char *id, char *why)
{
    int files = 0;
    SDL_Renderer *r = ui_renderer(u);
    for (int page = 1; page <= PREVIEW_MAX_PAGES; page++) {
        ui_draw(u, &v);
        char path[4096];
        if (page == 1) snprintf(path, sizeof path, "%s/%s.png", o->out_dir, id);
        else snprintf(path, sizeof path, "%s/%s-%d.png", o->out_dir, id, page);
        if (save_png(r, o->width, o->height, path, why) != 0) return -1;
        printf("%s\n", path);
        files++;
        SDL_Event e;
        memset(&e, 0, sizeof e);
        e.type = SDL_KEYDOWN;
        e.key.state = SDL_PRESSED;
        e.key.keysym.sym = SDLK_PAGEDOWN;
        action a;
        if (!ui_map_event(u, &e, &v, &a) || a.kind != ACT_SCROLL) break;
        v.scroll += a.index;
    }
    return files;
}

int preview_run(const preview_opts *o, char *why)
{
    char sub[WHY_SIZE] = "";
    size_t plen = 0;
    char *pass = secret_read(o->pass_file, SECRET_MAX, SECRET_STDIN, &plen, why);
    if (!pass) return -1;
    bank_err e = BANK_OK;
    bank *b = bank_open(o->bank_path, false, &e, sub);
    if (b && (e = bank_unlock(b, pass, plen, sub)) != BANK_OK) {
        bank_close(b);
        b = NULL;
    }
    secret_free(pass, plen);
    if (!b) {
        why_set(why, "%s: %s%s%s", o->bank_path, bank_strerror(e), *sub ? ": " : "", sub);
        return -1;
    }
    idlist all = {0};
    char **ids = o->ids;
    int n = o->nids;
    if (n == 0) {
        if ((e = bank_each_item(b, collect, &all, sub)) != BANK_OK) {
            why_set(why, "%s: %s", o->bank_path, sub);
            n = -1;
        } else {
            ids = all.v;
            n = all.n;
        }
    }
    if (n == 0) why_set(why, "%s holds no items", o->bank_path);
    for (int i = 0; o->nids && i < n; i++) {  /* every asked item exists before any is drawn */
        bank_item it;
        if ((e = bank_item_get(b, ids[i], &it, sub)) != BANK_OK) {
            why_set(why, "%s", sub);
            n = -1;
        }
        bank_item_clear(&it);
    }
    if (n > 0 && mkdir(o->out_dir, 0755) != 0 && errno != EEXIST) {
        why_set(why, "%s: %s", o->out_dir, strerror(errno));
        n = -1;
    }
    SDL_Window *win = n > 0 ? SDL_CreateWindow("kisi preview", 0, 0, o->width, o->height,
                                               SDL_WINDOW_HIDDEN)
                            : NULL;
    ui *u = win ? ui_new(win, o->font, o->s, why) : NULL;
    if (n > 0 && !win) why_set(why, "cannot make an offscreen window: %s", SDL_GetError());
    int written = u ? 0 : -1;
    bool *none = u ? calloc((size_t)n, sizeof *none) : NULL;
    if (u && !none) {
        why_set(why, "out of memory");
        written = -1;
    }
    if (u) ui_set_font_step(u, o->step);
    for (int i = 0; none && written >= 0 && i < n; i++) {
        bank_item it;
        if ((e = bank_item_get(b, ids[i], &it, sub)) != BANK_OK) {
            why_set(why, "%s", sub);
            written = -1;
            break;
        }
        char title[160];
        snprintf(title, sizeof title, "%s (%s)", it.id, it.topic);
        app_view v = item_view(&it, title, (size_t)i, n, none);
        int k = one_item(u, o, v, it.id, why);
        bank_item_clear(&it);
        written = k < 0 ? -1 : written + k;
    }
    free(none);
    ui_free(u);
    if (win) SDL_DestroyWindow(win);
    for (int i = 0; i < all.n; i++) free(all.v[i]);
    free(all.v);
    bank_close(b);
    return written;
}
