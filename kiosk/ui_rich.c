/* ui_rich.c -- item text in Kisi's rich-text form laid out and drawn (styled runs, lists, tables), and item images scaled to fit. */
#include "ui_int.h"

#include <stdlib.h>
#include <string.h>

#include <SDL_image.h>

#define TABLE_MAX_COLS 32   /* cells beyond this column are not shown */
#define TABLE_MAX_CELLS 1024

/* One pass of layout: measures, or draws too, the tokens of u->rich. */
typedef struct rl {
    ui *u;
    SDL_Color c;
    bool draw;
    int longest;      /* widest word met, whole */
} rl;

static int font_of(int style)
{
    bool b = style & RICH_BOLD, i = style & RICH_ITALIC;
    if (style & (RICH_SUB | RICH_SUP)) return b ? F_SMALLB : F_SMALL;
    return b && i ? F_BOLDITALIC : b ? F_BOLD : i ? F_ITALIC : F_BODY;
}

/* Where a flow of text stands: the next position on the current line. */
typedef struct flow {
    int x, y, w;      /* the block's left, top and width */
    int cx, ty;       /* pen: offset on the line, top of the line (from y) */
    int gap;          /* paragraph space added since the last content */
    bool space;       /* a space is due before the next word on this line */
    int widest;       /* widest line so far */
} flow;

static void newline(rl *L, flow *f)
{
    f->ty += L->u->line_h[F_BODY];
    f->cx = 0;
    f->space = false;
}

static void end_line(rl *L, flow *f)
{
    if (f->cx > 0) newline(L, f);
}

static void content(flow *f) { f->gap = 0; }

/* Places bytes s[0..n) (no spaces) in `style` on the line, wrapping before them. */
static void word(rl *L, flow *f, const char *s, size_t n, int style)
{
    ui *u = L->u;
    int font = font_of(style), lh = u->line_h[F_BODY];
    while (n > 0) {
        int sw = f->space && f->cx > 0 ? ui_text_w_n(u, font, " ", 1) : 0;
        int w = ui_text_w_n(u, font, s, n);
        if (w > L->longest) L->longest = w;
        if (f->cx > 0 && f->cx + sw + w > f->w) {
            newline(L, f);
            sw = 0;
        }
        size_t take = n;
        if (f->cx == 0 && w > f->w) {  /* longer than a line: cut between characters */
            size_t k = layout_utf8_len(s), fit = k;
            while (k < n && ui_text_w_n(u, font, s, k + layout_utf8_len(s + k)) <= f->w)
                fit = k += layout_utf8_len(s + k);
            take = fit > n ? n : fit;
            w = ui_text_w_n(u, font, s, take);
        }
        content(f);
        int x = f->x + f->cx + sw, y = f->y + f->ty;
        if (style & RICH_SUB) y += lh - u->line_h[F_SMALL];
        if (L->draw) {
            ui_text_n(u, font, L->c, x, y, s, take);
            if (style & RICH_UNDERLINE) {
                int t = lh / 16 > 1 ? lh / 16 : 1, base = TTF_FontAscent(u->font[font]);
                ui_fill(u, (SDL_Rect){x, y + base + t, w, t}, L->c);
            }
        }
        f->cx += sw + w;
        f->space = false;
        if (f->cx > f->widest) f->widest = f->cx;
        s += take;
        n -= take;
        if (n) newline(L, f);
    }
}

static void run(rl *L, flow *f, const rich_tok *t, int style_or)
{
    const char *s = L->u->rich.text + t->off, *end = s + t->len;
    while (s < end) {
        if (*s == ' ') {
            f->space = true;
            s++;
            continue;
        }
        const char *e = s;
        while (e < end && *e != ' ') e++;
        word(L, f, s, (size_t)(e - s), t->style | style_or);
        s = e;
    }
}

static int block(rl *L, size_t *i, int x, int y, int w, rich_kind stop, int style_or, int *widest);

/* A list from the token after RICH_LIST_OPEN to its close, at the flow's pen. */
static void list(rl *L, flow *f, size_t *i, bool ordered, int style_or)
{
    ui *u = L->u;
    const rich_doc *d = &u->rich;
    int number = 0;
    int mark_w = ui_text_w(u, F_BODY, ordered ? "99." : "\xE2\x80\xA2");
    int indent = mark_w + u->unit * 3 / 2;
    if (indent > f->w / 3) indent = f->w / 3;
    while (*i < d->n && d->v[*i].kind != RICH_LIST_CLOSE) {
        if (d->v[(*i)++].kind != RICH_ITEM) continue;
        char mark[16];
        if (ordered) snprintf(mark, sizeof mark, "%d.", ++number);
        else snprintf(mark, sizeof mark, "\xE2\x80\xA2");
        int y = f->y + f->ty, widest = 0;
        if (L->draw) ui_text(u, F_BODY, L->c, f->x + indent - u->unit / 2 - ui_text_w(u, F_BODY, mark), y, mark);
        int h = block(L, i, f->x + indent, y, f->w - indent, RICH_ITEM_END, style_or, &widest);
        int lh = u->line_h[F_BODY];
        f->ty += h > lh ? h : lh;
        if (indent + widest > f->widest) f->widest = indent + widest;
        content(f);
    }
    if (*i < d->n) (*i)++;
}

typedef struct tcell {
    size_t start;  /* token after RICH_CELL_OPEN */
    int row, col;
    bool header;
} tcell;

/* Column widths within avail from natural widths nat[] (no wrapping) and
 * least widths least[] (the longest word): natural when they fit; else each
 * its longest word and the rest shared as the columns want more; else, when
 * even the words do not fit, shares of avail as the words' widths. */
static void widths(const int *nat, const int *least, int n, int avail, int *out)
{
    long sum = 0, lsum = 0, want = 0;
    for (int c = 0; c < n; c++) {
        sum += nat[c];
        lsum += least[c];
        want += nat[c] - least[c];
    }
    for (int c = 0; c < n; c++) {
        if (sum <= avail) out[c] = nat[c];
        else if (lsum <= avail)
            out[c] = least[c] + (want ? (int)((avail - lsum) * (nat[c] - least[c]) / want) : 0);
        else out[c] = (int)(lsum ? (long)avail * least[c] / lsum : avail / n);
        if (out[c] < 1) out[c] = 1;
    }
}

/* A table from the token after RICH_TABLE_OPEN to its close, at the flow's pen. */
static void table(rl *L, flow *f, size_t *i, int style_or)
{
    ui *u = L->u;
    const rich_doc *d = &u->rich;
    tcell *cells = malloc(TABLE_MAX_CELLS * sizeof *cells);
    int ncells = 0, row = -1, col = 0, ncols = 0;
    size_t k = *i;
    for (; k < d->n && d->v[k].kind != RICH_TABLE_CLOSE; k++) {
        if (d->v[k].kind == RICH_ROW_OPEN) row++, col = 0;
        if (d->v[k].kind != RICH_CELL_OPEN) continue;
        if (cells && ncells < TABLE_MAX_CELLS && col < TABLE_MAX_COLS && row >= 0) {
            cells[ncells++] = (tcell){k + 1, row, col, d->v[k].header != 0};
            if (col + 1 > ncols) ncols = col + 1;
        }
        col++;
    }
    *i = k < d->n ? k + 1 : k;
    int nrows = row + 1;
    if (!cells || ncells == 0 || nrows <= 0) {
        free(cells);
        return;
    }
    int pad = u->unit / 2 > 2 ? u->unit / 2 : 2, line = u->contrast ? 2 : 1;
    int nat[TABLE_MAX_COLS] = {0}, least[TABLE_MAX_COLS] = {0}, cw[TABLE_MAX_COLS];
    int *rh = calloc((size_t)nrows, sizeof *rh), longest = L->longest;
    if (!rh) {
        free(cells);
        return;
    }
    bool draw = L->draw;
    L->draw = false;
    for (int c = 0; c < ncells; c++) {
        size_t at = cells[c].start;
        int widest = 0, so = style_or | (cells[c].header ? RICH_BOLD : 0);
        L->longest = 0;
        block(L, &at, 0, 0, 1 << 20, RICH_CELL_CLOSE, so, &widest);
        if (widest > nat[cells[c].col]) nat[cells[c].col] = widest;
        if (L->longest > least[cells[c].col]) least[cells[c].col] = L->longest;
    }
    L->longest = longest;
    int avail = f->w - (ncols + 1) * line - ncols * 2 * pad;
    widths(nat, least, ncols, avail > ncols ? avail : ncols, cw);
    for (int c = 0; c < ncells; c++) {
        size_t at = cells[c].start;
        int widest = 0, so = style_or | (cells[c].header ? RICH_BOLD : 0);
        int h = block(L, &at, 0, 0, cw[cells[c].col], RICH_CELL_CLOSE, so, &widest);
        if (h < u->line_h[F_BODY]) h = u->line_h[F_BODY];
        if (h + 2 * pad > rh[cells[c].row]) rh[cells[c].row] = h + 2 * pad;
    }
    L->draw = draw;
    int tw = line, th = line, x0 = f->x, y0 = f->y + f->ty;
    for (int c = 0; c < ncols; c++) tw += cw[c] + 2 * pad + line;
    for (int r = 0; r < nrows; r++) th += rh[r] + line;
    if (draw) {
        int *cx = malloc((size_t)(ncols + 1) * sizeof *cx), *ry = malloc((size_t)(nrows + 1) * sizeof *ry);
        if (cx && ry) {
            cx[0] = x0;
            for (int c = 0; c < ncols; c++) cx[c + 1] = cx[c] + line + cw[c] + 2 * pad;
            ry[0] = y0;
            for (int r = 0; r < nrows; r++) ry[r + 1] = ry[r] + line + rh[r];
            for (int c = 0; c < ncells; c++) {
                const tcell *e = &cells[c];
                SDL_Rect in = {cx[e->col] + line, ry[e->row] + line, cw[e->col] + 2 * pad, rh[e->row]};
                if (e->header) ui_fill(u, in, u->t->bg);
                size_t at = e->start;
                int widest = 0, so = style_or | (e->header ? RICH_BOLD : 0);
                block(L, &at, in.x + pad, in.y + pad, cw[e->col], RICH_CELL_CLOSE, so, &widest);
            }
            for (int c = 0; c <= ncols; c++) ui_fill(u, (SDL_Rect){cx[c], y0, line, th}, u->t->border);
            for (int r = 0; r <= nrows; r++) ui_fill(u, (SDL_Rect){x0, ry[r], tw, line}, u->t->border);
        }
        free(cx);
        free(ry);
    }
    f->ty += th;
    if (tw > f->widest) f->widest = tw;
    content(f);
    free(rh);
    free(cells);
}

/* Lays out tokens from *i until `stop` (consumed) or the end, in a block at
 * x,y of width w; returns its height and sets *widest to its widest line. */
static int block(rl *L, size_t *i, int x, int y, int w, rich_kind stop, int style_or, int *widest)
{
    ui *u = L->u;
    const rich_doc *d = &u->rich;
    flow f = {.x = x, .y = y, .w = w > 1 ? w : 1};
    int lh = u->line_h[F_BODY];
    while (*i < d->n) {
        const rich_tok *t = &d->v[(*i)++];
        if (t->kind == stop) break;
        switch (t->kind) {
        case RICH_TEXT: run(L, &f, t, style_or); break;
        case RICH_BREAK:
            newline(L, &f);
            content(&f);
            break;
        case RICH_PARA:
            end_line(L, &f);
            if (f.ty > 0 && f.gap == 0) f.ty += f.gap = lh / 2;
            break;
        case RICH_LIST_OPEN:
            end_line(L, &f);
            list(L, &f, i, t->ordered, style_or);
            break;
        case RICH_TABLE_OPEN:
            end_line(L, &f);
            table(L, &f, i, style_or);
            break;
        default: break;  /* closes of what the parser opened for us: nothing to draw */
        }
    }
    *widest = f.widest;
    return f.ty + (f.cx > 0 ? lh : 0) - (f.cx > 0 ? 0 : f.gap);
}

/* Lays out s (parsed into u->rich); returns the height. */
static int lay(ui *u, SDL_Color c, int x, int y, int width, const char *s, bool draw)
{
    if (rich_parse(&u->rich, s ? s : "") != 0) return 0;
    rl L = {u, c, draw, 0};
    size_t i = 0;
    int widest = 0;
    return block(&L, &i, x, y, width, RICH_LIST_CLOSE, 0, &widest);  /* at top level none */
}

int ui_rich_h(ui *u, const char *s, bool rich, int width)
{
    if (!rich) return ui_para_h(u, F_BODY, s ? s : "", width);
    return lay(u, u->t->text, 0, 0, width, s, false);
}

int ui_rich(ui *u, SDL_Color c, int x, int y, int width, const char *s, bool rich)
{
    if (!rich) return ui_para(u, F_BODY, c, x, y, width, s ? s : "", 0, -1);
    return lay(u, c, x, y, width, s, true);
}

void ui_image_forget(ui *u)
{
    if (u->img) SDL_DestroyTexture(u->img);
    u->img = NULL;
    u->img_key = NULL;
    u->img_len = 0;
    u->img_w = u->img_h = 0;
}

static uint32_t bytes_hash(const unsigned char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

/* Decodes the image into u->img unless it holds these bytes already. */
static void image_load(ui *u, const void *data, size_t len)
{
    uint32_t h = bytes_hash(data, len);
    if (u->img_key == data && u->img_len == len && u->img_hash == h) return;
    ui_image_forget(u);
    u->img_key = data;
    u->img_len = len;
    u->img_hash = h;
    SDL_RWops *rw = len <= (size_t)INT32_MAX ? SDL_RWFromConstMem(data, (int)len) : NULL;
    SDL_Surface *s = rw ? IMG_Load_RW(rw, 1) : NULL;
    if (!s) return;
    u->img = SDL_CreateTextureFromSurface(u->r, s);
    if (u->img) {
        SDL_SetTextureScaleMode(u->img, SDL_ScaleModeLinear);
        u->img_w = s->w;
        u->img_h = s->h;
    }
    SDL_FreeSurface(s);
}

int ui_image(ui *u, const void *data, size_t len, int x, int y, int width, int maxh, bool draw)
{
    if (!data || !len) return 0;
    image_load(u, data, len);
    if (!u->img || u->img_w <= 0 || u->img_h <= 0) {  /* a framed note instead */
        const char *note = ui_str(u, "exam.noimage");
        int h = ui_para_h(u, F_SMALL, note, width - 2 * u->unit) + 2 * u->unit;
        if (draw) {
            ui_frame(u, (SDL_Rect){x, y, width, h}, 1, u->t->border);
            ui_para(u, F_SMALL, u->t->muted, x + u->unit, y + u->unit, width - 2 * u->unit, note, 0, -1);
        }
        return h;
    }
    /* scaled to fit, and at most twice its size: a small figure stays sharp enough */
    double s = 2.0;
    if ((double)width / u->img_w < s) s = (double)width / u->img_w;
    if (maxh > 0 && (double)maxh / u->img_h < s) s = (double)maxh / u->img_h;
    int w = (int)(u->img_w * s), h = (int)(u->img_h * s);
    if (w < 1) w = 1;
    if (h < 1) h = 1;
    if (draw) SDL_RenderCopy(u->r, u->img, NULL, &(SDL_Rect){x, y, w, h});
    return h;
}
