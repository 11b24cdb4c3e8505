/* layout.c -- greedy UTF-8 word wrapping with a caller-supplied measure, and scroll clamps. */
#include "layout.h"

#include <stdlib.h>
#include <string.h>

size_t layout_utf8_len(const char *s)
{
    unsigned char c = (unsigned char)s[0];
    size_t n;
    if (c == 0) return 0;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) n = 2;
    else if ((c & 0xF0) == 0xE0) n = 3;
    else if ((c & 0xF8) == 0xF0) n = 4;
    else return 1;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) return 1;
    return n;
}

static int push(layout_lines *l, size_t off, size_t len)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        layout_line *nv = realloc(l->v, cap * sizeof *nv);
        if (!nv) return -1;
        l->v = nv;
        l->cap = cap;
    }
    l->v[l->n].off = off;
    l->v[l->n].len = len;
    l->n++;
    return 0;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Longest prefix of s[0..len) (whole characters, at least one) that fits. */
static size_t fit_chars(const char *s, size_t len, int width, layout_measure m, void *ctx)
{
    size_t n = layout_utf8_len(s);
    if (n > len) n = len;
    for (;;) {
        size_t k = n + layout_utf8_len(s + n);
        if (n >= len || k > len || m(ctx, s, k) > width) return n;
        n = k;
    }
}

/* Wraps one paragraph t[a..b) (no line breaks inside). */
static int wrap_para(layout_lines *out, const char *t, size_t a, size_t b, int width,
                     layout_measure m, void *ctx)
{
    size_t start = a;
    if (a == b) return push(out, a, 0);
    while (start < b) {
        size_t end = start;  /* end of the text that fits so far (no trailing blanks) */
        size_t p = start;
        while (p < b) {
            size_t ws = p;
            while (ws < b && is_blank(t[ws])) ws++;
            size_t we = ws;
            while (we < b && !is_blank(t[we])) we++;
            if (we == ws) break;  /* only blanks remain */
            if (m(ctx, t + start, we - start) <= width) {
                end = we;
                p = we;
                continue;
            }
            if (end == start) {  /* first word alone is too wide: break inside it */
                size_t k = fit_chars(t + start, we - start, width, m, ctx);
                end = start + k;
            }
            break;
        }
        if (end == start) return push(out, start, 0);  /* a paragraph of blanks */
        if (push(out, start, end - start) < 0) return -1;
        start = end;
        while (start < b && is_blank(t[start])) start++;
    }
    return 0;
}

/* Frees with layout_lines_free(). */
int layout_wrap(layout_lines *out, const char *text, int width, layout_measure measure,
                void *ctx)
{
    out->n = 0;
    if (!text) return 0;
    size_t len = strlen(text), a = 0;
    while (a < len) {
        const char *nl = memchr(text + a, '\n', len - a);
        size_t b = nl ? (size_t)(nl - text) : len;
        size_t e = b;
        if (e > a && text[e - 1] == '\r') e--;
        if (wrap_para(out, text, a, e, width, measure, ctx) < 0) {
            out->n = 0;
            return -1;
        }
        a = b + 1;
    }
    return 0;
}

void layout_lines_free(layout_lines *l)
{
    if (!l) return;
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

int layout_fit(int height, int line_h)
{
    if (line_h <= 0 || height < line_h) return 1;
    return height / line_h;
}

int layout_max_scroll(int nlines, int visible)
{
    if (visible < 1) visible = 1;
    return nlines > visible ? nlines - visible : 0;
}

int layout_clamp_scroll(int scroll, int nlines, int visible)
{
    int max = layout_max_scroll(nlines, visible);
    if (scroll < 0) return 0;
    return scroll > max ? max : scroll;
}

int layout_scroll_delta(int scroll, int delta, int nlines, int visible)
{
    int from = layout_clamp_scroll(scroll, nlines, visible);
    int to = layout_clamp_scroll(from + delta, nlines, visible);
    return to - scroll;
}
