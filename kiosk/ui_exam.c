/* ui_exam.c -- the exam screen (header, stem, options, navigator, buttons), review and confirmation. */
#include "ui_int.h"
#include "say.h"

#include <stdio.h>
#include <string.h>

/* One navigator / review cell: answered cells are filled, flagged ones
 * carry a corner mark, the current one a thick ring. */
static void cell(ui *u, SDL_Rect r, int number, bool answered, bool flagged, bool current,
                 int font)
{
    const ui_theme *t = u->t;
    char n[16];
    snprintf(n, sizeof n, "%d", number);
    if (current) {
        int g = r.w / 10 > 3 ? r.w / 10 : 3;
        ui_frame(u, (SDL_Rect){r.x - g, r.y - g, r.w + 2 * g, r.h + 2 * g}, g, t->focus);
    }
    ui_fill(u, r, answered ? t->done : t->panel);
    ui_frame(u, r, current ? 2 : 1, answered ? t->done : t->border);
    if (u->contrast) ui_frame(u, r, 1, t->text);
    ui_text_center(u, font, answered ? t->on_done : t->text, r, n);
    if (flagged) {
        int k = r.w * 2 / 5;
        ui_tri(u, (SDL_Point){r.x + r.w - k - 3, r.y}, (SDL_Point){r.x + r.w, r.y},
               (SDL_Point){r.x + r.w, r.y + k + 3}, t->panel);
        ui_tri(u, (SDL_Point){r.x + r.w - k, r.y}, (SDL_Point){r.x + r.w, r.y},
               (SDL_Point){r.x + r.w, r.y + k}, t->flag);
    }
    ui_hot_add(u, r, ACT_GOTO, number - 1);
}

void ui_fmt_time(int64_t ms, char *out, size_t n)
{
    if (ms < 0) ms = 0;
    long s = (long)((ms + 999) / 1000);
    snprintf(out, n, "%02ld:%02ld", s / 60, s % 60);
}

int ui_exam_header_h(const ui *u)
{
    return u->line_h[F_HEAD] + u->unit * 3 / 2;
}

void ui_warning_text(const ui *u, const app_view *v, char *out, size_t n)
{
    if (n) out[0] = 0;
    if (v) say_warning(u->s, v, out, n);
}

/* `s` in at most two lines of `font` in w x h at x,y (vertically centred);
 * the second line ends in "…" when the text goes on. */
static void two_lines(ui *u, int font, SDL_Color c, int x, int y, int w, int h, const char *s)
{
    int n = ui_wrap(u, font, s, w), lh = u->line_h[font];
    if (n > 2) n = 2;
    if (n < 1) return;
    layout_line l1 = u->lines.v[0];
    size_t off2 = n > 1 ? u->lines.v[1].off : 0;
    int ty = y + (h - n * lh) / 2;
    ui_text_n(u, font, c, x, ty, s + l1.off, l1.len);
    if (n > 1) ui_text_fit(u, font, c, x, ty + lh, w, s + off2);
}

/* Header of an attempt's screens: the title (or, in the last minutes, the
 * countdown warning in its place, so that nothing below moves), the item
 * counter (the participant's name off the exam screen) and the clock.
 * Returns its height. */
static int exam_header(ui *u, const app_view *v)
{
    const ui_theme *t = u->t;
    int h = ui_exam_header_h(u), m = 2 * u->unit;
    ui_fill(u, (SDL_Rect){0, 0, u->w, h}, t->bar);
    if (u->contrast) ui_fill(u, (SDL_Rect){0, h - 2, u->w, 2}, t->text);
    char a[16], b[16], mid[96], clock[32], warning[256] = "";
    snprintf(a, sizeof a, "%zu", v->cur + 1);
    snprintf(b, sizeof b, "%d", v->nitems);
    const char *args[] = {a, b};
    if (v->scr == SCR_EXAM) texts_fill(mid, sizeof mid, ui_str(u, "exam.counter"), args, 2);
    else snprintf(mid, sizeof mid, "%s", v->name ? v->name : "");
    ui_fmt_time(v->remaining_ms, clock, sizeof clock);
    bool warn = v->warning > 0 || v->remaining_ms <= 5 * 60000;
    const char *label = ui_str(u, "exam.time");
    int cw = ui_text_w(u, F_HEAD, clock), lw = ui_text_w(u, F_SMALL, label);
    SDL_Rect box = {u->w - m - cw - lw - 3 * u->unit, u->unit / 3, cw + lw + 3 * u->unit,
                    h - 2 * (u->unit / 3)};
    SDL_Color fg = t->on_bar;
    if (warn) {
        ui_fill(u, box, u->contrast ? t->warn : t->on_warn);
        ui_frame(u, box, 3, t->warn);
        fg = u->contrast ? t->on_warn : t->warn;
    }
    ui_text(u, F_SMALL, fg, box.x + u->unit, box.y + (box.h - u->line_h[F_SMALL]) / 2, label);
    ui_text(u, F_HEAD, fg, box.x + 2 * u->unit + lw, box.y + (box.h - u->line_h[F_HEAD]) / 2,
            clock);
    int kf = F_BOLD, kw = ui_text_w(u, kf, mid);
    if (kw > u->w / 4) kw = ui_text_w(u, kf = F_SMALLB, mid);  /* large text: smaller */
    if (kw > u->w / 3) kw = u->w / 3;
    int kx = box.x - m - kw, ty = (h - u->line_h[kf]) / 2;
    ui_text_fit(u, kf, t->on_bar, kx, ty, kw, mid);
    int tw = kx - 2 * m;
    /* a problem on the exam screen (an answer not saved) before the time warning */
    if (v->scr == SCR_EXAM && v->msg && *v->msg && !ui_msg_is_info(v->msg))
        snprintf(warning, sizeof warning, "%s", ui_str(u, v->msg));
    else ui_warning_text(u, v, warning, sizeof warning);
    if (*warning) {
        SDL_Rect wb = {m / 2, box.y, kx - m, box.h};
        ui_fill(u, wb, u->contrast ? t->warn : t->on_warn);
        ui_frame(u, wb, 3, t->warn);
        two_lines(u, F_SMALLB, u->contrast ? t->on_warn : t->warn, wb.x + u->unit, wb.y,
                  wb.w - 2 * u->unit, wb.h, warning);
    } else if (ui_text_w(u, F_BODY, v->exam_title) <= tw) {
        ui_text(u, F_BODY, t->on_bar, m, (h - u->line_h[F_BODY]) / 2, v->exam_title);
    } else {
        two_lines(u, F_SMALL, t->on_bar, m, 0, tw, h, v->exam_title);
    }
    return h;
}

void ui_draw_exam_header(ui *u, const app_view *v)
{
    SDL_Rect clip = {0, 0, u->w, ui_exam_header_h(u)};
    SDL_RenderSetClipRect(u->r, &clip);
    exam_header(u, v);
    SDL_RenderSetClipRect(u->r, NULL);
}

/* Height of option i's box at width w. */
static int option_h(ui *u, const app_view *v, int i, int w, int badge)
{
    const char *text = v->options[i] ? v->options[i] : "";
    int tw = w - badge - 5 * u->unit, th;
    if (v->rich) {
        th = ui_rich_h(u, text, true, tw);
    } else {
        int lines = ui_wrap(u, F_BODY, text, tw);
        th = (lines < 1 ? 1 : lines) * u->line_h[F_BODY];
    }
    if (th < u->line_h[F_BODY]) th = u->line_h[F_BODY];
    int h = th + u->unit * 2;
    int min = badge + u->unit * 3 / 2;
    return h > min ? h : min;
}

static void option(ui *u, const app_view *v, int i, SDL_Rect r, int badge)
{
    const ui_theme *t = u->t;
    bool on = v->chosen[i];
    ui_fill(u, r, on ? t->chosen : t->panel);
    ui_frame(u, r, on ? 4 : 1, on ? t->accent : t->border);
    char letter[2] = {(char)('A' + i), 0};
    int ring = badge / 12 > 2 ? badge / 12 : 2;
    SDL_Rect b = {r.x + u->unit, r.y + (r.h - badge) / 2, badge, badge};
    if (r.h > 3 * badge) b.y = r.y + u->unit / 2;
    SDL_Color lc = on ? t->on_accent : t->text;
    if (v->multi) {
        ui_fill(u, b, on ? t->accent : t->field);
        ui_frame(u, b, ring, on ? t->accent : t->text);
    } else {
        int rad = badge / 2;
        ui_disc(u, b.x + rad, b.y + rad, rad, on ? t->accent : t->text);
        if (!on) ui_disc(u, b.x + rad, b.y + rad, rad - ring, t->field);
    }
    ui_text_center(u, F_SMALLB, lc, b, letter);
    int tx = b.x + badge + u->unit * 3 / 2, tw = r.w - (tx - r.x) - 3 * u->unit;
    const char *text = v->options[i] ? v->options[i] : "";
    int th = ui_rich_h(u, text, v->rich, tw);
    ui_rich(u, t->text, tx, r.y + (r.h - th) / 2, tw, text, v->rich);
    if (on) {
        int k = badge * 3 / 4;
        ui_check(u, (SDL_Rect){r.x + r.w - k - u->unit / 2, r.y + (r.h - k) / 2, k, k},
                 k / 6 > 2 ? k / 6 : 2, t->accent);
    }
    ui_hot_add(u, r, ACT_OPTION, i);
}

/* Width the stem is wrapped to inside a panel of width w. */
static int stem_width(ui *u, const app_view *v, int w, bool scrolling)
{
    return w - 2 * u->unit - (scrolling ? 2 * u->unit : 0) - (v->flagged ? 2 * u->unit : 0);
}

/* True when the stem is plain text without an image: wrapped and scrolled by lines. */
static bool stem_plain(const app_view *v)
{
    return !v->rich && !v->image;
}

/* Height of the image below the stem at most: what ui_draw_exam() found room
 * for beside the options, else a part of the screen. */
static int image_maxh(const ui *u)
{
    return u->img_maxh > 0 ? u->img_maxh : u->h * 2 / 5;
}

/* Pixel height of the stem's text and image wrapped to w; draws it at x,y when `draw`. */
static int stem_content(ui *u, const app_view *v, int x, int y, int w, bool draw)
{
    const char *text = v->stem ? v->stem : "";
    int h = draw ? ui_rich(u, u->t->text, x, y, w, text, v->rich) : ui_rich_h(u, text, v->rich, w);
    if (v->image) {
        if (h > 0) h += u->unit;
        h += ui_image(u, v->image, v->image_len, x, y + h, w, image_maxh(u), draw);
    }
    return h;
}

/* Lines (of the body font) the stem takes at width w. */
static int stem_lines(ui *u, const app_view *v, int w)
{
    if (stem_plain(v)) return ui_wrap(u, F_BODY, v->stem ? v->stem : "", w);
    int lh = u->line_h[F_BODY];
    return (stem_content(u, v, 0, 0, w, false) + lh - 1) / lh;
}

/* Draws the stem from line `first`, `visible` lines of it, at x,y in width w. */
static void stem_text(ui *u, const app_view *v, int x, int y, int w, int first, int visible)
{
    if (stem_plain(v)) {
        ui_para(u, F_BODY, u->t->text, x, y, w, v->stem ? v->stem : "", first, visible);
        return;
    }
    int lh = u->line_h[F_BODY];
    SDL_Rect outer, in = {x, y, w, visible * lh}, clip;
    bool clipped = SDL_RenderIsClipEnabled(u->r);
    SDL_RenderGetClipRect(u->r, &outer);
    if (!clipped || !SDL_IntersectRect(&in, &outer, &clip)) clip = clipped ? (SDL_Rect){0, 0, 0, 0} : in;
    SDL_RenderSetClipRect(u->r, &clip);
    stem_content(u, v, x, y - first * lh, w, true);
    SDL_RenderSetClipRect(u->r, clipped ? &outer : NULL);
}

/* Draws the stem panel in r and records scrolling facts. */
static void stem(ui *u, const app_view *v, SDL_Rect r)
{
    const ui_theme *t = u->t;
    int pad = u->unit, lh = u->line_h[F_BODY];
    int lines = stem_lines(u, v, stem_width(u, v, r.w, false));
    ui_fill(u, r, t->panel);
    ui_frame(u, r, 1, t->border);
    int visible = layout_fit(r.h - 2 * pad, lh), hint_h = 0;
    bool scrolling = lines > visible;
    if (scrolling) {
        lines = stem_lines(u, v, stem_width(u, v, r.w, true));
        hint_h = u->line_h[F_SMALL] + pad / 2;
        visible = layout_fit(r.h - 2 * pad - hint_h, lh);
    }
    int first = layout_clamp_scroll(v->scroll, lines, visible);
    stem_text(u, v, r.x + pad, r.y + pad, stem_width(u, v, r.w, scrolling), first, visible);
    if (scrolling) {
        SDL_Rect track = {r.x + r.w - pad - pad / 2, r.y + pad, pad / 2 > 4 ? pad / 2 : 4,
                          r.h - 2 * pad - hint_h};
        ui_fill(u, track, t->bg);
        ui_frame(u, track, 1, t->border);
        int th = track.h * visible / lines, ty = track.y + track.h * first / lines;
        ui_fill(u, (SDL_Rect){track.x, ty, track.w, th > 8 ? th : 8}, t->accent);
        if (first + visible < lines)
            ui_text_fit(u, F_SMALL, t->accent, r.x + pad, r.y + r.h - pad / 2 - u->line_h[F_SMALL],
                        r.w - 3 * pad, ui_str(u, "exam.scroll"));
    }
    if (v->flagged) {
        int k = 2 * pad;
        ui_tri(u, (SDL_Point){r.x + r.w - k, r.y}, (SDL_Point){r.x + r.w, r.y},
               (SDL_Point){r.x + r.w, r.y + k}, t->flag);
    }
    u->stem_lines = lines;
    u->stem_visible = visible;
    u->stem_rect = r;
}

/* Navigator grid in the column at x, y..y+h, at most maxw wide; returns the width used. */
static int navigator(ui *u, const app_view *v, int x, int y, int h, int maxw, bool draw)
{
    const ui_theme *t = u->t;
    int n = v->nitems > 0 ? v->nitems : 0, ls = u->line_h[F_SMALL], ln = u->line_h[F_NAV];
    int legend = 3 * (ls + u->unit / 2) + u->unit / 2, gap = u->unit * 2 / 3;
    char widest[16];
    snprintf(widest, sizeof widest, "%d", n > 9 ? n : 10);
    int s0 = ln * 3 / 2, smin = ui_text_w(u, F_NAV, widest) + 6, cols = 5, s = s0;
    if (smin < ln) smin = ln;
    for (int pass = 0; pass < 2; pass++) {  /* with the legend, then without */
        int avail = h - ls - u->unit / 2 - (pass == 0 ? legend : 0);
        for (cols = 5; cols <= 16; cols++) {
            int rows = (n + cols - 1) / cols;
            s = rows ? (avail - (rows - 1) * gap) / rows : s0;
            if (s > s0) s = s0;
            if (s >= smin || (cols + 1) * (smin + gap) > maxw) break;
        }
        if (s >= smin) {
            if (pass == 1) legend = 0;
            break;
        }
    }
    if (s < smin) {
        s = smin;
        legend = 0;
    }
    int w = cols * s + (cols - 1) * gap;
    if (!draw) return w;
    ui_text_fit(u, F_SMALL, t->muted, x, y, w, ui_str(u, "nav.title"));
    int gy = y + ls + u->unit / 2;
    for (int i = 0; i < n; i++) {
        SDL_Rect r = {x + (i % cols) * (s + gap), gy + (i / cols) * (s + gap), s, s};
        cell(u, r, i + 1, v->answered && v->answered[i], v->flags && v->flags[i],
             (size_t)i == v->cur, F_NAV);
    }
    if (!legend) return w;
    int ly = gy + ((n + cols - 1) / cols) * (s + gap) + u->unit / 2, k = ls * 4 / 5;
    const char *keys[3] = {"nav.answered", "nav.flagged", "nav.current"};
    for (int i = 0; i < 3; i++) {
        SDL_Rect r = {x + 3, ly + i * (ls + u->unit / 2) + (ls - k) / 2, k, k};
        if (i == 2) ui_frame(u, (SDL_Rect){r.x - 3, r.y - 3, k + 6, k + 6}, 3, t->focus);
        ui_fill(u, r, i == 0 ? t->done : t->panel);
        ui_frame(u, r, 1, i == 0 ? t->done : t->border);
        if (i == 1)
            ui_tri(u, (SDL_Point){r.x + k / 3, r.y}, (SDL_Point){r.x + k, r.y},
                   (SDL_Point){r.x + k, r.y + k * 2 / 3}, t->flag);
        ui_text_fit(u, F_SMALL, t->text, x + k + u->unit + 3, ly + i * (ls + u->unit / 2),
                    (maxw > w ? maxw : w) - k - u->unit, ui_str(u, keys[i]));
    }
    return w;
}

/* Previous / Flag / Next in one row at y across the content column. */
static void exam_buttons(ui *u, const app_view *v, int x, int y, int w, int bh)
{
    /* on an item with an option F, the letter F chooses it: the button names Ctrl+F */
    bool ctrl = v->noptions > 'F' - 'A';
    const char *flag = v->flagged ? (ctrl ? "exam.flagged.ctrl" : "exam.flagged")
                                  : (ctrl ? "exam.flag.ctrl" : "exam.flag");
    const char *lab[3] = {ui_str(u, "exam.prev"), ui_str(u, flag), ui_str(u, "exam.next")};
    action_kind act[3] = {ACT_PREV, ACT_FLAG, ACT_NEXT};
    int gap = u->unit, bw = (w - 2 * gap) / 3, font = F_BOLD;
    for (int i = 0; i < 3; i++)
        if (ui_button_font(u, lab[i], bw) != F_BOLD) font = F_SMALLB;
    for (int i = 0; i < 3; i++) {
        SDL_Rect r = {x + i * (bw + gap), y, bw, bh};
        ui_button_f(u, r, lab[i], font, i == 2, false, act[i], 0);
        if (i == 1 && v->flagged) ui_frame(u, r, 4, u->t->flag);
    }
}

/* Review and Submit stacked under the navigator, in `font`; returns their top. */
static int side_buttons(ui *u, int x, int bottom, int w, int bh, int font)
{
    int y2 = bottom - bh, y1 = y2 - u->unit - bh;
    const char *rev = ui_str(u, "exam.review"), *sub = ui_str(u, "exam.submit");
    if (ui_text_w(u, font, rev) + 2 * u->unit > w || ui_text_w(u, font, sub) + 2 * u->unit > w)
        font = F_SMALLB;
    ui_button_f(u, (SDL_Rect){x, y1, w, bh}, rev, font, false, false, ACT_REVIEW, 0);
    ui_button_f(u, (SDL_Rect){x, y2, w, bh}, sub, font, false, false, ACT_SUBMIT, 0);
    return y1;
}

/* Width Review and Submit need in `font`. */
static int side_w(ui *u, int font)
{
    int a = ui_text_w(u, font, ui_str(u, "exam.review"));
    int b = ui_text_w(u, font, ui_str(u, "exam.submit"));
    return (a > b ? a : b) + 3 * u->unit;
}

/* Height of the line above the options. */
static int choose_h(const ui *u)
{
    return u->line_h[F_SMALLB] + u->unit;
}

/* The line above the options: what to choose (with the item's letters),
 * "answer saved", and the button that clears a given answer. It has the
 * same height with or without them, so nothing below moves. */
static void choose_line(ui *u, const app_view *v, int x, int y, int w, bool note)
{
    const ui_theme *t = u->t;
    int ls = u->line_h[F_SMALL], h = choose_h(u), ty = y + (h - ls) / 2, right = x + w;
    bool any = false;
    for (int i = 0; i < v->noptions && i < BANK_MAX_OPTIONS; i++) any |= v->chosen[i];
    if (any) {
        const char *lab = ui_str(u, "exam.clear");
        int bw = ui_text_w(u, F_SMALLB, lab) + 2 * u->unit;
        if (bw > w / 2) bw = w / 2;
        ui_button_f(u, (SDL_Rect){right - bw, y + 1, bw, h - 2}, lab, F_SMALLB, false, false,
                    ACT_CLEAR, 0);
        right -= bw + u->unit;
    }
    if (note && right - x > w / 2) {  /* a quiet status */
        const char *s = ui_str(u, v->msg);
        int sw = ui_text_w(u, F_SMALL, s), k = ls * 3 / 4;
        if (sw > (right - x) / 2) sw = (right - x) / 2;
        ui_check(u, (SDL_Rect){right - sw - k - u->unit / 2, ty + (ls - k) / 2, k, k}, 3, t->ok);
        ui_text_fit(u, F_SMALL, t->ok, right - sw, ty, sw, s);
        right -= sw + k + u->unit;
    }
    char hint[160], first[2] = "A", last[2] = {(char)('A' + (v->noptions > 1 ? v->noptions - 1 : 0)), 0};
    const char *args[] = {first, last};
    texts_fill(hint, sizeof hint,
                 ui_str(u, v->multi ? "exam.multi" : v->truefalse ? "exam.truefalse" : "exam.single"),
                 args, 2);
    ui_text_fit(u, F_SMALL, t->muted, x, ty, right - x - u->unit, hint);
}

/* Scrollbar and "continues" hint for a region scrolled as a whole. */
static void column_scrollbar(ui *u, SDL_Rect col, int first, int visible, int lines)
{
    const ui_theme *t = u->t;
    int pad = u->unit, ls = u->line_h[F_SMALL];
    SDL_Rect track = {col.x + col.w - pad, col.y, pad * 2 / 3 > 4 ? pad * 2 / 3 : 4, col.h};
    ui_fill(u, track, t->panel);
    ui_frame(u, track, 1, t->border);
    int th = track.h * visible / lines, ty = track.y + track.h * first / lines;
    ui_fill(u, (SDL_Rect){track.x, ty, track.w, th > 8 ? th : 8}, t->accent);
    if (first + visible < lines) {
        SDL_Rect bar = {col.x, col.y + col.h - ls - pad / 2, col.w - 2 * pad, ls + pad / 2};
        ui_fill(u, bar, t->bg);
        ui_text_fit(u, F_SMALL, t->accent, bar.x + pad / 2, bar.y + pad / 4, bar.w - pad,
                    ui_str(u, "exam.scroll"));
    }
}

void ui_draw_exam(ui *u, const app_view *v)
{
    int m = 2 * u->unit, top = exam_header(u, v) + u->unit, ls = u->line_h[F_SMALL];
    bool info = v->msg && ui_msg_is_info(v->msg);
    int foot = ui_footer(u, v), bottom = foot - u->unit;
    /* the keys line, unless the text is so large that the item needs the room */
    if (u->eff <= UI_FONT_DEFAULT + 1) {
        ui_text_fit(u, F_SMALL, u->t->muted, m, foot - ls, u->w - 2 * m, ui_str(u, "exam.keys"));
        bottom -= ls;
    }
    int bh = u->line_h[F_BOLD] + u->unit * 3 / 2;
    /* right column: navigator, then Review and Submit */
    int navw = navigator(u, v, 0, top, bottom - top - 2 * bh - 2 * u->unit, u->w / 4, false);
    /* as wide as the navigator; in the smaller font when the larger one needs more */
    int sfont = side_w(u, F_BOLD) <= navw ? F_BOLD : F_SMALLB, sidew = side_w(u, sfont);
    if (sidew > u->w / 4) sidew = u->w / 4;
    if (sidew < navw) sidew = navw;
    int navx = u->w - m - sidew;
    int sidetop = side_buttons(u, navx, bottom, sidew, bh, sfont);
    navigator(u, v, navx + (sidew - navw) / 2, top, sidetop - u->unit - top, u->w / 4, true);
    /* content column: stem, options, then Previous / Flag / Next */
    int cx = m, cw = navx - 2 * m;
    exam_buttons(u, v, cx, bottom - bh, cw, bh);
    SDL_Rect col = {cx, top, cw, bottom - bh - u->unit - top};
    int pad = u->unit, lh = u->line_h[F_BODY], gap = u->unit * 2 / 3;
    int badge = u->line_h[F_BOLD] * 7 / 5, hint = choose_h(u);
    int noptions = v->noptions > BANK_MAX_OPTIONS ? BANK_MAX_OPTIONS : v->noptions;
    int oh[BANK_MAX_OPTIONS], opts = hint;
    for (int i = 0; i < noptions; i++) opts += (oh[i] = option_h(u, v, i, cw, badge)) + gap;
    if (v->image) {  /* the image as large as the room beside the options allows, within limits */
        int text_h = ui_rich_h(u, v->stem ? v->stem : "", v->rich, stem_width(u, v, cw, false));
        int room = col.h - opts - u->unit - 2 * pad - text_h - u->unit - lh;  /* lh: rounding */
        u->img_maxh = room < u->h / 5 ? u->h / 5 : room > u->h * 2 / 5 ? u->h * 2 / 5 : room;
    }
    int lines = stem_lines(u, v, stem_width(u, v, cw, false));
    int need = (lines > 0 ? lines : 1) * lh + 2 * pad, minh = 3 * lh + 2 * pad + ls;
    SDL_RenderSetClipRect(u->r, &col);
    if (need + u->unit + opts <= col.h || opts + u->unit + minh <= col.h) {
        /* the options stay in view; a long stem scrolls inside its panel */
        int sh = need + u->unit + opts <= col.h ? need : col.h - opts - u->unit;
        stem(u, v, (SDL_Rect){cx, top, cw, sh});
        int y = top + sh + u->unit;
        choose_line(u, v, cx, y, cw, info);
        y += hint;
        for (int i = 0; i < noptions; i++) {
            option(u, v, i, (SDL_Rect){cx, y, cw, oh[i]}, badge);
            y += oh[i] + gap;
        }
    } else {
        /* too tall even so (big text on a small screen): the whole item scrolls */
        int iw = cw - 2 * pad;
        opts = hint;
        for (int i = 0; i < noptions; i++) opts += (oh[i] = option_h(u, v, i, iw, badge)) + gap;
        lines = stem_lines(u, v, stem_width(u, v, iw, false));
        need = (lines > 0 ? lines : 1) * lh + 2 * pad;
        int total = (need + u->unit + opts + lh - 1) / lh, visible = layout_fit(col.h, lh) - 1;
        if (visible < 1) visible = 1;
        int first = layout_clamp_scroll(v->scroll, total, visible), y = top - first * lh;
        app_view whole = *v;
        whole.scroll = 0;
        stem(u, &whole, (SDL_Rect){cx, y, iw, need});
        y += need + u->unit;
        choose_line(u, v, cx, y, iw, info);
        y += hint;
        for (int i = 0; i < noptions; i++) {
            option(u, v, i, (SDL_Rect){cx, y, iw, oh[i]}, badge);
            y += oh[i] + gap;
        }
        column_scrollbar(u, col, first, visible, total);
        u->stem_lines = total;
        u->stem_visible = visible;
        u->stem_rect = col;
    }
    SDL_RenderSetClipRect(u->r, NULL);
}

/* A wrapped row of cells for the unanswered (or, with flags_only, the
 * flagged) items; returns the height. */
static int cell_list(ui *u, const app_view *v, bool flags_only, int x, int y, int w, bool draw)
{
    int s = u->line_h[F_BOLD] * 8 / 5, gap = u->unit, cols = (w + gap) / (s + gap), k = 0;
    if (cols < 1) cols = 1;
    for (int i = 0; i < v->nitems; i++) {
        bool done = v->answered && v->answered[i], flag = v->flags && v->flags[i];
        if (flags_only ? !flag : done) continue;
        SDL_Rect r = {x + (k % cols) * (s + gap), y + (k / cols) * (s + gap), s, s};
        if (draw) cell(u, r, i + 1, done, flag, false, F_BOLD);
        k++;
    }
    if (k == 0) {
        if (draw) ui_text(u, F_BODY, u->t->muted, x, y, ui_str(u, "review.none"));
        return u->line_h[F_BODY];
    }
    return ((k + cols - 1) / cols) * (s + gap);
}

static int count_unanswered(const app_view *v)
{
    int n = 0;
    for (int i = 0; i < v->nitems; i++) n += !(v->answered && v->answered[i]);
    return n;
}

/* Title, hint and both lists of the review page; returns the height. */
static int review_body(ui *u, const app_view *v, int x, int y, int w, bool draw)
{
    const ui_theme *t = u->t;
    int y0 = y, nf = 0;
    for (int i = 0; i < v->nitems; i++) nf += v->flags && v->flags[i];
    if (draw) ui_text(u, F_HEAD, t->text, x, y, ui_str(u, "review.title"));
    y += u->line_h[F_HEAD] + u->unit / 2;
    const char *hint = ui_str(u, "review.hint");
    y += (draw ? ui_para(u, F_BODY, t->muted, x, y, w, hint, 0, -1) : ui_para_h(u, F_BODY, hint, w)) +
         u->unit;
    for (int list = 0; list < 2; list++) {
        char head[160];
        snprintf(head, sizeof head, "%s (%d)",
                 ui_str(u, list ? "review.flagged" : "review.unanswered"),
                 list ? nf : count_unanswered(v));
        if (draw) ui_text_fit(u, F_BOLD, t->text, x, y, w, head);
        y += u->line_h[F_BOLD] + u->unit / 2;
        y += cell_list(u, v, list == 1, x + 4, y, w - 8, draw) + u->unit;
    }
    return y - y0;
}

void ui_draw_review(ui *u, const app_view *v)
{
    int m, w, bh, top, foot;
    for (;;) {  /* the chosen text size, or the largest smaller one that fits */
        m = 2 * u->unit;
        w = u->w - 2 * m;
        bh = u->line_h[F_BOLD] + u->unit * 3 / 2;
        top = ui_exam_header_h(u) + m;
        foot = ui_footer_top(u);
        if (review_body(u, v, m, top, w, false) <= foot - bh - u->unit - top || u->eff == 0 ||
            ui_use_step(u, u->eff - 1) != 0)
            break;
    }
    exam_header(u, v);
    ui_footer(u, v);
    review_body(u, v, m, top, w, true);
    const char *back = ui_str(u, "review.back"), *sub = ui_str(u, "review.submit");
    int bw = ui_button_w(u, back), sw = ui_button_w(u, sub);
    if (bw + sw + 3 * m > u->w) bw = sw = (u->w - 3 * m) / 2;
    ui_button(u, (SDL_Rect){m, foot - bh, bw, bh}, back, false, false, ACT_ESCAPE, 0);
    ui_button(u, (SDL_Rect){u->w - m - sw, foot - bh, sw, bh}, sub, true, false, ACT_SUBMIT, 0);
}

void ui_draw_confirm(ui *u, const app_view *v)
{
    const ui_theme *t = u->t;
    exam_header(u, v);
    int foot = ui_footer(u, v), pw = u->w * 2 / 3, m = 2 * u->unit;
    if (pw < 30 * u->unit) pw = u->w - 2 * m;
    int inner = pw - 2 * m, bh = u->line_h[F_BOLD] + u->unit * 3 / 2;
    char n[16], warn[256] = "";
    int un = count_unanswered(v);
    if (un > 0) {
        snprintf(n, sizeof n, "%d", un);
        const char *args[] = {n};
        texts_fill(warn, sizeof warn, ui_str(u, "confirm.unanswered"), args, 1);
    }
    const char *q = ui_str(u, "confirm.question");
    int ph = m + u->line_h[F_HEAD] + u->unit + ui_para_h(u, F_BODY, q, inner) + u->unit +
             (un > 0 ? ui_message_h(u, inner, warn) + u->unit : 0) + m + bh + u->unit +
             u->line_h[F_SMALL] + m;
    int px = (u->w - pw) / 2, py = (foot + u->line_h[F_BOLD] - ph) / 2;
    if (py < ui_exam_header_h(u) + u->unit) py = ui_exam_header_h(u) + u->unit;
    ui_fill(u, (SDL_Rect){px, py, pw, ph}, t->panel);
    ui_frame(u, (SDL_Rect){px, py, pw, ph}, 3, t->accent);
    int x = px + m, y = py + m;
    ui_text_fit(u, F_HEAD, t->text, x, y, inner, ui_str(u, "confirm.title"));
    y += u->line_h[F_HEAD] + u->unit;
    y += ui_para(u, F_BODY, t->text, x, y, inner, q, 0, -1) + u->unit;
    if (un > 0) y += ui_message(u, x, y, inner, warn, false) + u->unit;
    y += m;
    const char *no = ui_str(u, "confirm.no"), *yes = ui_str(u, "confirm.yes");
    int bw = ui_button_w(u, no), yw = ui_button_w(u, yes);
    if (yw > bw) bw = yw;
    if (2 * bw + m > inner) bw = (inner - m) / 2;
    int bx = px + (pw - 2 * bw - m) / 2;
    bool yes_focus = v->confirm_focus == 1;
    ui_button(u, (SDL_Rect){bx, y, bw, bh}, no, !yes_focus, !yes_focus, ACT_NO, 0);
    ui_button(u, (SDL_Rect){bx + bw + m, y, bw, bh}, yes, yes_focus, yes_focus, ACT_YES, 0);
    y += bh + u->unit;
    ui_text_fit(u, F_SMALL, t->muted, x, y, inner, ui_str(u, "confirm.keys"));
}
