/* html.c -- HTML text into the stored rich text form: whitelisted tags kept, the rest as text. */
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "html.h"
#include "richtext.h"
#include "sbuf.h"
#include "text.h"
#include "why.h"

#define HTML_TAG_DEPTH 48   /* kept tags nest at most this deep (richtext.h allows 64) */
#define HTML_WALK_DEPTH 512 /* deeper elements are dropped with their text */

/* The conversion under way. */
typedef struct conv {
    sbuf b;
    int tags;     /* kept tags now open */
    html_img_fn img;
    void *arg;
} conv;

/* Kept tags: HTML name and the stored tag. */
static const struct {
    const char *name;
    bank_rich_tag tag;
} kept[] = {
    {"p", BANK_TAG_P},         {"br", BANK_TAG_BR},   {"b", BANK_TAG_B},
    {"strong", BANK_TAG_B},    {"i", BANK_TAG_I},     {"em", BANK_TAG_I},
    {"u", BANK_TAG_U},         {"sub", BANK_TAG_SUB}, {"sup", BANK_TAG_SUP},
    {"ul", BANK_TAG_UL},       {"ol", BANK_TAG_OL},   {"li", BANK_TAG_LI},
    {"table", BANK_TAG_TABLE}, {"tr", BANK_TAG_TR},   {"td", BANK_TAG_TD},
    {"th", BANK_TAG_TH},
};

/* Elements dropped with everything inside them. */
static const char *const dropped[] = {
    "script", "style", "head", "title", "noscript", "template", "iframe", "object",
    "embed", "svg", "math", "select", "textarea", "button",
};

/* Elements whose end is a line break when no break is there already. */
static const char *const blocks[] = {
    "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "section", "article",
    "header", "footer", "address", "center", "dd", "dt", "caption", "figure", "figcaption",
    "hr",
};

static bool in(const char *name, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, set[i]) == 0) return true;
    return false;
}

/* Appends text with < > & written as entities and control characters as spaces. */
static void put_text(conv *c, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '<') sbuf_puts(&c->b, "&lt;");
        else if (ch == '>') sbuf_puts(&c->b, "&gt;");
        else if (ch == '&') sbuf_puts(&c->b, "&amp;");
        else if ((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f) sbuf_add(&c->b, " ", 1);
        else sbuf_add(&c->b, s, 1);
    }
}

/* True when the output is empty or ends with a line break or a block's end. */
static bool at_break(const conv *c)
{
    static const char *const ends[] = {"<br>", "</p>", "</li>", "</ul>", "</ol>", "</table>"};
    size_t n = c->b.len;
    if (n == 0) return true;
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
        size_t m = strlen(ends[i]);
        if (n >= m && memcmp(c->b.p + n - m, ends[i], m) == 0) return true;
    }
    return false;
}

static void walk(conv *c, xmlNode *n, int depth);

/* Tags left out when they hold nothing but white space. */
static bool droppable(int t)
{
    return t == BANK_TAG_P || t == BANK_TAG_B || t == BANK_TAG_I || t == BANK_TAG_U ||
           t == BANK_TAG_SUB || t == BANK_TAG_SUP;
}

/* True when s[0, n) is only white space. */
static bool import_blank_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(" \t\r\n", s[i])) return false;
    return true;
}

/* When r is one paragraph and nothing else ("<p>...</p>", as editors write
 * every text), leaves its inside only. */
static void unwrap_paragraph(char *r)
{
    size_t n = strlen(r);
    if (n < 7 || strncmp(r, "<p>", 3) != 0 || strcmp(r + n - 4, "</p>") != 0) return;
    const char *p = r;
    bank_rich_token tok;
    int depth = 0;
    while (bank_rich_next(&p, &tok) != BANK_RICH_END) {
        if (tok.kind == BANK_RICH_OPEN && tok.tag != BANK_TAG_BR) depth++;
        if (tok.kind == BANK_RICH_CLOSE && --depth == 0 && *p) return;  /* a second block */
    }
    memmove(r, r + 3, n - 7);
    r[n - 7] = '\0';
}

static void element(conv *c, xmlNode *n, int depth)
{
    const char *name = (const char *)n->name;
    if (!name || in(name, dropped, sizeof dropped / sizeof dropped[0])) return;
    if (strcmp(name, "img") == 0) {
        xmlChar *src = xmlGetProp(n, (const xmlChar *)"src");
        if (c->img) c->img(src ? (const char *)src : "", c->arg);
        xmlFree(src);
        return;
    }
    int t = -1;
    for (size_t i = 0; i < sizeof kept / sizeof kept[0] && t < 0; i++)
        if (strcmp(name, kept[i].name) == 0) t = (int)kept[i].tag;
    if (t == BANK_TAG_BR) {
        sbuf_puts(&c->b, "<br>");
        return;
    }
    if (t >= 0 && c->tags >= HTML_TAG_DEPTH) t = -1;
    size_t start = c->b.len, inner = 0;
    if (t >= 0) {
        sbuf_printf(&c->b, "<%s>", bank_rich_tag_name((bank_rich_tag)t));
        inner = c->b.len;
        c->tags++;
    }
    walk(c, n->children, depth + 1);
    if (t >= 0) {
        c->tags--;
        if (droppable(t) && c->b.p && import_blank_text(c->b.p + inner, c->b.len - inner))
            c->b.len = start;  /* an empty paragraph or style: nothing to show */
        else sbuf_printf(&c->b, "</%s>", bank_rich_tag_name((bank_rich_tag)t));
        if (c->b.p) c->b.p[c->b.len] = '\0';
    } else if (in(name, blocks, sizeof blocks / sizeof blocks[0]) && !at_break(c)) {
        sbuf_puts(&c->b, "<br>");
    }
}

static void walk(conv *c, xmlNode *n, int depth)
{
    if (depth > HTML_WALK_DEPTH) return;
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content) put_text(c, (const char *)n->content);
        } else if (n->type == XML_ELEMENT_NODE) {
            element(c, n, depth);
        }
    }
}

/* Caller frees *out with free(). */
bank_err html_to_rich(const char *html, size_t len, html_img_fn img, void *arg, char **out,
                      char *why)
{
    *out = NULL;
    if (!text_utf8_valid(html, len)) {
        why_set(why, "HTML text is not UTF-8");
        return BANK_EPARSE;
    }
    /* inside <body> the parser adds no <p> of its own around loose text */
    sbuf in_body = {0};
    sbuf_puts(&in_body, "<body>");
    sbuf_add(&in_body, html, len);
    if (in_body.failed || in_body.len > 0x7fffffff) {
        sbuf_free(&in_body);
        return BANK_ENOMEM;
    }
    htmlDocPtr doc = htmlReadMemory(in_body.p, (int)in_body.len, NULL, "UTF-8",
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                        HTML_PARSE_NOWARNING | HTML_PARSE_NOIMPLIED);
    sbuf_free(&in_body);
    conv c = {.b = {0}, .img = img, .arg = arg};
    if (doc) walk(&c, doc->children, 0);
    xmlFreeDoc(doc);
    char *r = sbuf_take(&c.b, NULL);
    if (!r) return BANK_ENOMEM;
    if (!bank_rich_valid(r)) {  /* cannot happen: the tree nests what it holds */
        free(r);
        why_set(why, "HTML text could not be made into rich text");
        return BANK_EPARSE;
    }
    unwrap_paragraph(r);
    *out = r;
    return BANK_OK;
}
