/* richtext.c -- the stored rich text form: reading it, checking it, and its plain text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "richtext.h"
#include "sbuf.h"
#include "text.h"

#define RICH_DEPTH 64  /* deepest nesting the stored form holds */

static const char *const tag_names[BANK_TAG_COUNT] = {
    "p", "br", "b", "i", "u", "sub", "sup", "ul", "ol", "li", "table", "tr", "td", "th",
};

const char *bank_rich_tag_name(bank_rich_tag t)
{
    return (unsigned)t < BANK_TAG_COUNT ? tag_names[t] : NULL;
}

/* Tag whose name is s[0, n), or -1. */
static int tag_lookup(const char *s, size_t n)
{
    for (int t = 0; t < BANK_TAG_COUNT; t++)
        if (strlen(tag_names[t]) == n && memcmp(tag_names[t], s, n) == 0) return t;
    return -1;
}

bank_rich_kind bank_rich_next(const char **p, bank_rich_token *tok)
{
    static const struct { const char *ent, *ch; } ents[] = {
        {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"},
    };
    const char *s = *p;
    memset(tok, 0, sizeof *tok);
    if (!*s) return tok->kind = BANK_RICH_END;
    if (*s == '&') {
        for (size_t k = 0; k < sizeof ents / sizeof ents[0]; k++) {
            size_t n = strlen(ents[k].ent);
            if (strncmp(s, ents[k].ent, n) != 0) continue;
            tok->text = ents[k].ch;
            tok->len = 1;
            *p = s + n;
            return tok->kind = BANK_RICH_TEXT;
        }
        return tok->kind = BANK_RICH_BAD;
    }
    if (*s == '<') {
        bool close = s[1] == '/';
        const char *name = s + 1 + close, *gt = strchr(name, '>');
        int t = gt ? tag_lookup(name, (size_t)(gt - name)) : -1;
        if (t < 0 || (close && t == BANK_TAG_BR)) return tok->kind = BANK_RICH_BAD;
        tok->tag = (bank_rich_tag)t;
        *p = gt + 1;
        return tok->kind = close ? BANK_RICH_CLOSE : BANK_RICH_OPEN;
    }
    if (*s == '>') return tok->kind = BANK_RICH_BAD;
    size_t n = strcspn(s, "<>&");
    tok->text = s;
    tok->len = n;
    *p = s + n;
    return tok->kind = BANK_RICH_TEXT;
}

bool bank_rich_valid(const char *s)
{
    if (!s || !text_utf8_valid(s, strlen(s))) return false;
    bank_rich_tag stack[RICH_DEPTH];
    int depth = 0;
    bank_rich_token tok;
    for (;;) {
        switch (bank_rich_next(&s, &tok)) {
        case BANK_RICH_END: return depth == 0;
        case BANK_RICH_BAD: return false;
        case BANK_RICH_TEXT: break;
        case BANK_RICH_OPEN:
            if (tok.tag == BANK_TAG_BR) break;
            if (depth == RICH_DEPTH) return false;
            stack[depth++] = tok.tag;
            break;
        case BANK_RICH_CLOSE:
            if (depth == 0 || stack[depth - 1] != tok.tag) return false;
            depth--;
            break;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Plain text                                                          */

/* The plain text being written: breaks and a space wait until the next
 * visible character, so that none leads or trails. */
typedef struct plain {
    sbuf b;
    int breaks;    /* line breaks due before the next text (at most 2) */
    bool space;    /* a space is due */
    bool glued;    /* the last output was a marker ("- ", " | "): no space after it */
} plain;

static void plain_break(plain *o, int n)
{
    if (o->breaks < n) o->breaks = n;
}

/* Writes what is due before visible text, then n bytes of s as they are. */
static void plain_put(plain *o, const char *s, size_t n)
{
    if (o->b.len > 0 && o->breaks) sbuf_add(&o->b, "\n\n", (size_t)o->breaks);
    else if (o->b.len > 0 && o->space && !o->glued) sbuf_add(&o->b, " ", 1);
    o->breaks = 0;
    o->space = false;
    o->glued = false;
    sbuf_add(&o->b, s, n);
}

/* Writes text, every run of white space as one space. */
static void plain_text(plain *o, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (strchr(" \t\r\n", s[i])) {
            o->space = true;
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && !strchr(" \t\r\n", s[j])) j++;
        plain_put(o, s + i, j - i);
        i = j;
    }
}

/* Writes a marker ("- ", " | ") that the next text follows without a space. */
static void plain_mark(plain *o, const char *s)
{
    plain_put(o, s, strlen(s));
    o->glued = true;
}

/* Caller frees with free(). */
char *bank_rich_plain(const char *s)
{
    if (!bank_rich_valid(s)) return NULL;
    plain o = {.b = {0}};
    int count[RICH_DEPTH];  /* per open list: -1 in <ul>, items so far in <ol> */
    int lists = 0;
    bool first_cell = true;
    bank_rich_token tok;
    while (bank_rich_next(&s, &tok) != BANK_RICH_END) {
        bool open = tok.kind == BANK_RICH_OPEN;
        if (tok.kind == BANK_RICH_TEXT) {
            plain_text(&o, tok.text, tok.len);
            continue;
        }
        switch (tok.tag) {
        case BANK_TAG_P: plain_break(&o, 2); break;
        case BANK_TAG_BR:
            plain_put(&o, "", 0);
            o.breaks = 1;
            break;
        case BANK_TAG_UL:
        case BANK_TAG_OL:
            plain_break(&o, 1);
            if (open && lists < RICH_DEPTH) count[lists++] = tok.tag == BANK_TAG_OL ? 0 : -1;
            else if (!open && lists > 0) lists--;
            break;
        case BANK_TAG_LI:
            plain_break(&o, 1);
            if (open && lists > 0 && count[lists - 1] >= 0) {
                char num[16];
                snprintf(num, sizeof num, "%d. ", ++count[lists - 1]);
                plain_mark(&o, num);
            } else if (open) {
                plain_mark(&o, "- ");
            }
            break;
        case BANK_TAG_TABLE:
        case BANK_TAG_TR:
            plain_break(&o, 1);
            first_cell = true;
            break;
        case BANK_TAG_TD:
        case BANK_TAG_TH:
            if (open && !first_cell) plain_mark(&o, " | ");
            if (open) first_cell = false;
            break;
        case BANK_TAG_SUP:
            if (open) plain_mark(&o, "^");
            break;
        case BANK_TAG_SUB:
            if (open) plain_mark(&o, "_");
            break;
        default: break;  /* bold, italic, underline */
        }
    }
    return sbuf_take(&o.b, NULL);
}
