/* ui_event.c -- maps SDL keys, text, clicks and window events to app actions, per screen. */
#include "ui_int.h"

#include <string.h>

static bool set(action *out, action_kind k, int index)
{
    memset(out, 0, sizeof *out);
    out->kind = k;
    out->index = index;
    return true;
}

static bool text_screen(screen s)
{
    return s == SCR_IDENTIFY || s == SCR_LOCKED || s == SCR_WAIT || s == SCR_PROCTOR ||
           s == SCR_DAMAGE || s == SCR_SEAT_LOCKED || s == SCR_AUTHORISE;
}

/* A scroll of the stem by `delta` lines, clamped; false when it cannot move. */
static bool scroll(ui *u, const app_view *v, int delta, action *out)
{
    int d = layout_scroll_delta(v->scroll, delta, u->stem_lines, u->stem_visible);
    if (d == 0) return false;
    return set(out, ACT_SCROLL, d);
}

static int page(const ui *u)
{
    return u->stem_visible > 2 ? u->stem_visible - 1 : 1;
}

/* 0..7 for A–H / 1–8 (keypad too), else -1. */
static int option_key(SDL_Keycode k)
{
    if (k >= SDLK_a && k < SDLK_a + BANK_MAX_OPTIONS) return (int)(k - SDLK_a);
    if (k >= SDLK_1 && k < SDLK_1 + BANK_MAX_OPTIONS) return (int)(k - SDLK_1);
    if (k >= SDLK_KP_1 && k < SDLK_KP_1 + BANK_MAX_OPTIONS) return (int)(k - SDLK_KP_1);
    return -1;
}

static bool exam_key(ui *u, const app_view *v, const SDL_KeyboardEvent *k, action *out)
{
    SDL_Keycode sym = k->keysym.sym;
    Uint16 mod = k->keysym.mod;
    bool ctrl = mod & KMOD_CTRL, other = mod & (KMOD_ALT | KMOD_GUI);
    if (other) return false;
    if (ctrl) return sym == SDLK_f ? set(out, ACT_FLAG, 0) : false;
    /* a letter or digit naming one of the item's options chooses it; F
     * flags on an item without an option F (Ctrl+F flags on every item) */
    int o = option_key(sym);
    if (o >= 0 && o < v->noptions) return set(out, ACT_OPTION, o);
    if (o >= 0 && sym != SDLK_f) return false;
    switch (sym) {
    case SDLK_LEFT: return set(out, ACT_PREV, 0);
    case SDLK_RIGHT: return set(out, ACT_NEXT, 0);
    case SDLK_PAGEDOWN:
        return scroll(u, v, page(u), out) || set(out, ACT_NEXT, 0);
    case SDLK_PAGEUP:
        return scroll(u, v, -page(u), out) || set(out, ACT_PREV, 0);
    case SDLK_DOWN: return scroll(u, v, 1, out);
    case SDLK_UP: return scroll(u, v, -1, out);
    case SDLK_DELETE:
    case SDLK_BACKSPACE: return set(out, ACT_CLEAR, 0);
    case SDLK_f: return set(out, ACT_FLAG, 0);
    case SDLK_r: return set(out, ACT_REVIEW, 0);
    case SDLK_s: return set(out, ACT_SUBMIT, 0);
    default: return false;
    }
}

static bool screen_key(ui *u, const app_view *v, const SDL_KeyboardEvent *k, action *out)
{
    SDL_Keycode sym = k->keysym.sym;
    bool enter = (sym == SDLK_RETURN || sym == SDLK_KP_ENTER) && !k->repeat;
    bool plain = !(k->keysym.mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI));
    switch (v->scr) {
    case SCR_EXAM:
        return exam_key(u, v, k, out);
    case SCR_CONFIRM:
        /* Focus moves with Tab and the arrows; only Enter on the focused
         * button decides, and a lone letter (Y/N) never does. */
        if (sym == SDLK_TAB) return set(out, ACT_TAB, 0);
        if (sym == SDLK_LEFT) return v->confirm_focus == 1 ? set(out, ACT_TAB, 0) : false;
        if (sym == SDLK_RIGHT) return v->confirm_focus == 0 ? set(out, ACT_TAB, 0) : false;
        if (enter) return set(out, v->confirm_focus == 1 ? ACT_YES : ACT_NO, 0);
        if (sym == SDLK_ESCAPE) return set(out, ACT_NO, 0);
        return false;
    case SCR_REVIEW:
        if (sym == SDLK_ESCAPE || sym == SDLK_LEFT) return set(out, ACT_ESCAPE, 0);
        if (sym == SDLK_s && plain) return set(out, ACT_SUBMIT, 0);
        return false;
    case SCR_INSTRUCTIONS:
        if (sym == SDLK_ESCAPE) return set(out, ACT_ESCAPE, 0);
        return enter ? set(out, ACT_START, 0) : false;
    case SCR_RESULT:
        return enter ? set(out, ACT_NEXT_SEAT, 0) : false;
    case SCR_TIMEOUT:
    case SCR_RELEASED:
    case SCR_MOVED:
        return enter ? set(out, ACT_ENTER, 0) : false;
    default:
        break;
    }
    if (!text_screen(v->scr)) return false;
    switch (sym) {
    case SDLK_BACKSPACE: return set(out, ACT_BACKSPACE, 0);
    case SDLK_RETURN:
    case SDLK_KP_ENTER: return enter ? set(out, ACT_ENTER, 0) : false;
    case SDLK_TAB: return set(out, ACT_TAB, 0);
    case SDLK_ESCAPE: return set(out, ACT_ESCAPE, 0);
    default: break;
    }
    /* Text screens take digits and letters from the key itself, not from
     * SDL_TEXTINPUT: an input method may deliver text after a later Enter,
     * and a NIP, PIN, token or code is only ever 0-9 and A-Z. */
    char c = 0;
    if (sym >= SDLK_0 && sym <= SDLK_9) c = (char)('0' + (sym - SDLK_0));
    else if (sym >= SDLK_KP_1 && sym <= SDLK_KP_9) c = (char)('1' + (sym - SDLK_KP_1));
    else if (sym == SDLK_KP_0) c = '0';
    else if (sym >= SDLK_a && sym <= SDLK_z) c = (char)('A' + (sym - SDLK_a));
    if (!c || !plain) return false;
    set(out, ACT_TEXT, 0);
    out->text[0] = c;
    return true;
}

/* Keys that work on every screen: text size, contrast, proctor. */
static bool global_key(const SDL_KeyboardEvent *k, action *out)
{
    SDL_Keycode sym = k->keysym.sym;
    Uint16 mod = k->keysym.mod;
    if (!(mod & KMOD_CTRL)) return false;
    if ((mod & KMOD_ALT) && sym == SDLK_p) return set(out, ACT_PROCTOR, 0);
    if (mod & KMOD_ALT) return false;
    if (sym == SDLK_PLUS || sym == SDLK_EQUALS || sym == SDLK_KP_PLUS)
        return set(out, ACT_FONT_BIGGER, 0);
    if (sym == SDLK_MINUS || sym == SDLK_KP_MINUS) return set(out, ACT_FONT_SMALLER, 0);
    if (sym == SDLK_h) return set(out, ACT_CONTRAST, 0);
    return false;
}

/* Window coordinates to renderer pixels (they differ on high-DPI screens). */
static SDL_Point to_pixels(ui *u, int x, int y)
{
    int ww = 0, wh = 0;
    SDL_GetWindowSize(u->win, &ww, &wh);
    if (ww > 0 && wh > 0 && (ww != u->w || wh != u->h)) {
        x = (int)((long long)x * u->w / ww);
        y = (int)((long long)y * u->h / wh);
    }
    return (SDL_Point){x, y};
}

static bool click(ui *u, int x, int y, action *out)
{
    SDL_Point p = to_pixels(u, x, y);
    for (int i = u->nhot - 1; i >= 0; i--)
        if (SDL_PointInRect(&p, &u->hot[i].r)) return set(out, u->hot[i].kind, u->hot[i].index);
    return false;
}

static bool window_event(ui *u, const SDL_WindowEvent *w, action *out)
{
    switch (w->event) {
    case SDL_WINDOWEVENT_CLOSE: return set(out, ACT_QUIT, 0);
    case SDL_WINDOWEVENT_FOCUS_LOST: return set(out, ACT_FOCUS_LOST, 0);
    case SDL_WINDOWEVENT_SIZE_CHANGED:
        /* the size the window was created with is no change */
        if (w->data1 == u->win_w && w->data2 == u->win_h) return false;
        return set(out, ACT_DISPLAY, 0);
    case SDL_WINDOWEVENT_DISPLAY_CHANGED: return set(out, ACT_DISPLAY, 0);
    default: return false;
    }
}

bool ui_map_event(ui *u, const SDL_Event *e, const app_view *v, action *out)
{
    if (!u || !e || !v || !out) return false;
    switch (e->type) {
    case SDL_QUIT:
        return set(out, ACT_QUIT, 0);
    case SDL_WINDOWEVENT:
        return window_event(u, &e->window, out);
    case SDL_DISPLAYEVENT:
        return set(out, ACT_DISPLAY, 0);
    case SDL_KEYDOWN:
        return global_key(&e->key, out) || screen_key(u, v, &e->key, out);
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.button != SDL_BUTTON_LEFT) return false;
        return click(u, e->button.x, e->button.y, out);
    case SDL_MOUSEWHEEL: {
        if (v->scr != SCR_EXAM || e->wheel.y == 0) return false;
        int dy = e->wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -e->wheel.y : e->wheel.y;
        return scroll(u, v, dy > 0 ? -3 : 3, out);
    }
    default:
        return false;
    }
}
