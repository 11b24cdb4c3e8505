/* richrun.c -- parses Kisi's rich-text form into styled runs and well-nested block marks, whatever the input. */
#include "richrun.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STACK_MAX 16   /* open containers at most (lists, items, a table, its row and cell) */
#define STYLE_MAX 16   /* open inline styles at most; more are ignored */
#define TAG_MAX 256    /* bytes a tag may span before its '<' counts as text */

typedef struct parser {
    rich_doc *d;
    rich_kind stack[STACK_MAX];  /* RICH_LIST_OPEN, RICH_ITEM, RICH_TABLE_OPEN, ... */
    int depth;
    int styles[STYLE_MAX];
    int nstyles;
    int flat_lists, flat_tables; /* lists / tables too deep, shown flattened */
    bool space;                  /* a white space is pending */
    bool fresh;                  /* nothing written since the last block mark */
    bool nomem;
} parser;

static void push_tok(parser *p, rich_tok t)
{
    rich_doc *d = p->d;
    if (p->nomem) return;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 32;
        rich_tok *v = realloc(d->v, cap * sizeof *v);
        if (!v) { p->nomem = true; return; }
        d->v = v;
        d->cap = cap;
    }
    d->v[d->n++] = t;
}

/* A block mark: pending white space is dropped. */
static void mark(parser *p, rich_kind k, int flag)
{
    rich_tok t = {.kind = k};
    if (k == RICH_LIST_OPEN) t.ordered = flag;
    if (k == RICH_CELL_OPEN) t.header = flag;
    p->space = false;
    p->fresh = true;
    if (k == RICH_PARA && p->d->n && p->d->v[p->d->n - 1].kind == RICH_PARA) return;
    push_tok(p, t);
}

static int style_now(const parser *p)
{
    int s = 0;
    for (int i = 0; i < p->nstyles; i++) s |= p->styles[i];
    return s;
}

/* Appends n bytes of text in the current style, merging with the run before. */
static void put_text(parser *p, const char *s, size_t n)
{
    rich_doc *d = p->d;
    if (p->nomem || n == 0) return;
    if (d->tlen + n + 1 > d->tcap) {
        size_t cap = d->tcap ? d->tcap : 256;
        while (cap < d->tlen + n + 1) cap *= 2;
        char *t = realloc(d->text, cap);
        if (!t) { p->nomem = true; return; }
        d->text = t;
        d->tcap = cap;
    }
    memcpy(d->text + d->tlen, s, n);
    d->text[d->tlen + n] = '\0';
    int style = style_now(p);
    rich_tok *last = d->n ? &d->v[d->n - 1] : NULL;
    if (last && last->kind == RICH_TEXT && last->style == style && last->off + last->len == d->tlen)
        last->len += n;
    else
        push_tok(p, (rich_tok){.kind = RICH_TEXT, .style = style, .off = d->tlen, .len = n});
    d->tlen += n;
}

static rich_kind top(const parser *p) { return p->depth ? p->stack[p->depth - 1] : RICH_PARA; }

static rich_kind close_of(rich_kind k)
{
    switch (k) {
    case RICH_LIST_OPEN: return RICH_LIST_CLOSE;
    case RICH_ITEM: return RICH_ITEM_END;
    case RICH_TABLE_OPEN: return RICH_TABLE_CLOSE;
    case RICH_ROW_OPEN: return RICH_ROW_CLOSE;
    default: return RICH_CELL_CLOSE;
    }
}

static void pop(parser *p)
{
    if (p->depth) mark(p, close_of(p->stack[--p->depth]), 0);
}

/* Index of the innermost open container of kind k, -1 when none. */
static int find(const parser *p, rich_kind k)
{
    for (int i = p->depth - 1; i >= 0; i--)
        if (p->stack[i] == k) return i;
    return -1;
}

static void open(parser *p, rich_kind k, int flag)
{
    if (p->depth == STACK_MAX) return;
    p->stack[p->depth++] = k;
    mark(p, k, flag);
}

/* Closes every container above and including the innermost of kind k. */
static void close_to(parser *p, rich_kind k)
{
    int i = find(p, k);
    if (i < 0) return;
    while (p->depth > i) pop(p);
}

/* Text may not sit in a table or row outside a cell, nor in a list outside an item. */
static void ensure_flow(parser *p)
{
    if (top(p) == RICH_TABLE_OPEN) open(p, RICH_ROW_OPEN, 0);
    if (top(p) == RICH_ROW_OPEN) open(p, RICH_CELL_OPEN, 0);
    if (top(p) == RICH_LIST_OPEN) open(p, RICH_ITEM, 0);
}

/* Writes text, collapsing white space and dropping it at a block's start. */
static void text(parser *p, const char *s, size_t n)
{
    if (n == 0) return;
    ensure_flow(p);
    if (p->space && !p->fresh) put_text(p, " ", 1);
    p->space = false;
    p->fresh = false;
    put_text(p, s, n);
}

static int lists_open(const parser *p)
{
    int n = 0;
    for (int i = 0; i < p->depth; i++) n += p->stack[i] == RICH_LIST_OPEN;
    return n;
}

/* The row to put a cell in: the open one of the innermost table, or a new one. */
static void cell(parser *p, int header)
{
    int t = find(p, RICH_TABLE_OPEN);
    if (t < 0) {
        open(p, RICH_TABLE_OPEN, 0);
        t = p->depth - 1;
    }
    int r = find(p, RICH_ROW_OPEN);
    if (r > t) {
        while (p->depth > r + 1) pop(p);  /* the cell before, and what it left open */
    } else {
        while (p->depth > t + 1) pop(p);
        open(p, RICH_ROW_OPEN, 0);
    }
    open(p, RICH_CELL_OPEN, header);
}

/* Writes a pending space in the style before a style changes, where it was written. */
static void flush_space(parser *p)
{
    if (p->space && !p->fresh && top(p) != RICH_TABLE_OPEN && top(p) != RICH_ROW_OPEN &&
        top(p) != RICH_LIST_OPEN)
        put_text(p, " ", 1);
    p->space = false;
}

static void style_on(parser *p, int bit)
{
    flush_space(p);
    if (p->nstyles < STYLE_MAX) p->styles[p->nstyles++] = bit;
}

static void style_off(parser *p, int bit)
{
    flush_space(p);
    for (int i = p->nstyles - 1; i >= 0; i--)
        if (p->styles[i] == bit) {
            memmove(p->styles + i, p->styles + i + 1, (size_t)(p->nstyles - i - 1) * sizeof(int));
            p->nstyles--;
            return;
        }
}

static int style_bit(const char *name)
{
    if (!strcasecmp(name, "b") || !strcasecmp(name, "strong")) return RICH_BOLD;
    if (!strcasecmp(name, "i") || !strcasecmp(name, "em")) return RICH_ITALIC;
    if (!strcasecmp(name, "u")) return RICH_UNDERLINE;
    if (!strcasecmp(name, "sub")) return RICH_SUB;
    if (!strcasecmp(name, "sup")) return RICH_SUP;
    return 0;
}

/* Acts on one tag; unknown tags do nothing. */
static void tag(parser *p, const char *name, bool closing)
{
    int bit = style_bit(name);
    if (bit) {
        if (closing) style_off(p, bit);
        else style_on(p, bit);
        return;
    }
    if (!strcasecmp(name, "p")) {
        mark(p, RICH_PARA, 0);
    } else if (!strcasecmp(name, "br")) {
        if (!closing) mark(p, RICH_BREAK, 0);
    } else if (!strcasecmp(name, "ul") || !strcasecmp(name, "ol")) {
        if (closing) {
            if (p->flat_lists) p->flat_lists--;
            else close_to(p, RICH_LIST_OPEN);
        } else if (lists_open(p) >= RICH_MAX_DEPTH || p->depth >= STACK_MAX - 4) {
            p->flat_lists++;
        } else {
            ensure_flow(p);  /* a list directly in a list goes into an item */
            open(p, RICH_LIST_OPEN, name[0] == 'o' || name[0] == 'O');
        }
    } else if (!strcasecmp(name, "li")) {
        if (p->flat_lists) {
            mark(p, RICH_BREAK, 0);
        } else if (closing) {
            int i = find(p, RICH_ITEM), l = find(p, RICH_LIST_OPEN);
            if (i >= 0 && i > l) close_to(p, RICH_ITEM);
        } else {
            int i = find(p, RICH_ITEM), l = find(p, RICH_LIST_OPEN);
            if (i >= 0 && i > l) close_to(p, RICH_ITEM);
            if (find(p, RICH_LIST_OPEN) < 0 || top(p) != RICH_LIST_OPEN) {
                if (top(p) == RICH_TABLE_OPEN || top(p) == RICH_ROW_OPEN) ensure_flow(p);
                if (top(p) != RICH_LIST_OPEN) {
                    if (lists_open(p) >= RICH_MAX_DEPTH || p->depth >= STACK_MAX - 4) {
                        mark(p, RICH_BREAK, 0);
                        return;
                    }
                    open(p, RICH_LIST_OPEN, 0);
                }
            }
            open(p, RICH_ITEM, 0);
        }
    } else if (!strcasecmp(name, "table")) {
        if (closing) {
            if (p->flat_tables) p->flat_tables--;
            else close_to(p, RICH_TABLE_OPEN);
        } else if (find(p, RICH_TABLE_OPEN) >= 0 || p->depth >= STACK_MAX - 3) {
            p->flat_tables++;
        } else {
            if (top(p) == RICH_LIST_OPEN) ensure_flow(p);
            open(p, RICH_TABLE_OPEN, 0);
        }
    } else if (!strcasecmp(name, "tr")) {
        if (p->flat_tables) {
            if (!closing) mark(p, RICH_BREAK, 0);
        } else if (closing) {
            if (find(p, RICH_ROW_OPEN) > find(p, RICH_TABLE_OPEN)) close_to(p, RICH_ROW_OPEN);
        } else {
            int t = find(p, RICH_TABLE_OPEN);
            if (t < 0) {
                if (top(p) == RICH_LIST_OPEN) ensure_flow(p);
                if (p->depth >= STACK_MAX - 3) return;
                open(p, RICH_TABLE_OPEN, 0);
                t = p->depth - 1;
            }
            while (p->depth > t + 1) pop(p);
            open(p, RICH_ROW_OPEN, 0);
        }
    } else if (!strcasecmp(name, "td") || !strcasecmp(name, "th")) {
        bool th = name[1] == 'h' || name[1] == 'H';
        if (p->flat_tables) {
            if (!closing) p->space = true;
        } else if (closing) {
            if (find(p, RICH_CELL_OPEN) > find(p, RICH_TABLE_OPEN)) close_to(p, RICH_CELL_OPEN);
        } else {
            if (find(p, RICH_TABLE_OPEN) < 0 && top(p) == RICH_LIST_OPEN) ensure_flow(p);
            if (find(p, RICH_TABLE_OPEN) < 0 && p->depth >= STACK_MAX - 3) return;
            cell(p, th);
        }
    }
}

/* Decodes the entity at s ('&'); returns its length and writes its UTF-8
 * into out (*n bytes), or 0 when it is not one (the '&' is then text). */
static size_t entity(const char *s, char out[4], size_t *n)
{
    static const struct { const char *name; const char *utf8; } named[] = {
        {"lt;", "<"}, {"gt;", ">"}, {"amp;", "&"}, {"quot;", "\""}, {"apos;", "'"},
        {"nbsp;", "\xC2\xA0"}, {"minus;", "\xE2\x88\x92"}, {"times;", "\xC3\x97"},
        {"divide;", "\xC3\xB7"}, {"plusmn;", "\xC2\xB1"}, {"deg;", "\xC2\xB0"},
        {"le;", "\xE2\x89\xA4"}, {"ge;", "\xE2\x89\xA5"}, {"ne;", "\xE2\x89\xA0"},
        {"middot;", "\xC2\xB7"}, {"ndash;", "\xE2\x80\x93"}, {"mdash;", "\xE2\x80\x94"},
        {"hellip;", "\xE2\x80\xA6"}, {"laquo;", "\xC2\xAB"}, {"raquo;", "\xC2\xBB"},
        {"euro;", "\xE2\x82\xAC"}, {"frac12;", "\xC2\xBD"}, {"sup2;", "\xC2\xB2"},
        {"sup3;", "\xC2\xB3"}, {"pi;", "\xCF\x80"}, {"radic;", "\xE2\x88\x9A"}};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        size_t k = strlen(named[i].name);
        if (strncmp(s + 1, named[i].name, k) == 0) {
            *n = strlen(named[i].utf8);
            memcpy(out, named[i].utf8, *n);
            return k + 1;
        }
    }
    if (s[1] != '#') return 0;
    bool hex = s[2] == 'x' || s[2] == 'X';
    const char *q = s + (hex ? 3 : 2);
    unsigned long c = 0;
    int digits = 0;
    for (; digits < 8; q++, digits++) {
        int v = *q >= '0' && *q <= '9' ? *q - '0'
                : hex && *q >= 'a' && *q <= 'f' ? *q - 'a' + 10
                : hex && *q >= 'A' && *q <= 'F' ? *q - 'A' + 10 : -1;
        if (v < 0) break;
        c = c * (hex ? 16 : 10) + (unsigned long)v;
    }
    if (!digits || *q != ';' || c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    if (c < 0x20 || c == 0x7F) c = ' ';
    if (c < 0x80) { out[0] = (char)c; *n = 1; }
    else if (c < 0x800) { out[0] = (char)(0xC0 | c >> 6); out[1] = (char)(0x80 | (c & 63)); *n = 2; }
    else if (c < 0x10000) {
        out[0] = (char)(0xE0 | c >> 12); out[1] = (char)(0x80 | (c >> 6 & 63));
        out[2] = (char)(0x80 | (c & 63)); *n = 3;
    } else {
        out[0] = (char)(0xF0 | c >> 18); out[1] = (char)(0x80 | (c >> 12 & 63));
        out[2] = (char)(0x80 | (c >> 6 & 63)); out[3] = (char)(0x80 | (c & 63)); *n = 4;
    }
    return (size_t)(q - s) + 1;
}

static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

/* Length of the tag or comment at s ('<'), 0 when s starts none; the
 * tag's name (letters and digits, at most 15) goes to name. */
static size_t tag_at(const char *s, char name[16], bool *closing)
{
    if (strncmp(s, "<!--", 4) == 0) {
        const char *e = strstr(s + 4, "-->");
        name[0] = 0;
        return e ? (size_t)(e - s) + 3 : 0;
    }
    const char *q = s + 1;
    *closing = *q == '/';
    if (*closing) q++;
    if (!is_alpha(*q)) return 0;
    size_t k = 0;
    while ((is_alpha(*q) || (*q >= '0' && *q <= '9')) && k < 15) name[k++] = *q++;
    name[k] = 0;
    if (is_alpha(*q) || (*q >= '0' && *q <= '9')) name[0] = 0;  /* too long: no known tag */
    for (size_t n = (size_t)(q - s); n < TAG_MAX && s[n]; n++) {
        if (s[n] == '>') return n + 1;
        if (s[n] == '<') return 0;
    }
    return 0;
}

void rich_free(rich_doc *d)
{
    if (!d) return;
    free(d->v);
    free(d->text);
    memset(d, 0, sizeof *d);
}

int rich_parse(rich_doc *out, const char *s)
{
    out->n = 0;
    out->tlen = 0;
    if (out->text) out->text[0] = '\0';
    parser p = {.d = out, .fresh = true};
    while (s && *s && !p.nomem) {
        char name[16];
        bool closing = false;
        size_t n;
        if (*s == '<' && (n = tag_at(s, name, &closing)) > 0) {
            if (name[0]) tag(&p, name, closing);
            s += n;
        } else if (*s == '&') {
            char u[4];
            size_t k = 0;
            n = entity(s, u, &k);
            if (n) {
                text(&p, u, k);
                s += n;
            } else {
                text(&p, "&", 1);
                s++;
            }
        } else if (is_space(*s)) {
            p.space = true;
            s++;
        } else if ((unsigned char)*s < 0x20 || *s == 0x7F) {
            s++;  /* other control characters are not shown */
        } else {
            n = 1;
            while (s[n] && s[n] != '<' && s[n] != '&' && !is_space(s[n]) &&
                   (unsigned char)s[n] >= 0x20 && s[n] != 0x7F)
                n++;
            text(&p, s, n);
            s += n;
        }
    }
    while (p.depth && !p.nomem) pop(&p);
    if (p.nomem) {
        rich_free(out);
        return -1;
    }
    return 0;
}
