/* richtext.h -- Kisi's stored rich text: the form of a rich item's stem and options.
 *
 * An item with `rich` set (bank_item.rich) holds its stem and options in this
 * form; a plain item holds text shown as it is. The stored form is UTF-8 in
 * which '<', '>' and '&' appear only as markup:
 *
 *   tags      <p> <br> <b> <i> <u> <sub> <sup> <ul> <ol> <li> <table> <tr> <td> <th>
 *             lower case, no attributes, no spaces inside the brackets; every tag
 *             but <br> has its closing tag (</p>...), and tags nest properly
 *             (<b><i>x</i></b>, never <b><i>x</b></i>); <br> is never closed;
 *   entities  &lt; &gt; &amp; only (every other character is written as itself);
 *   text      any other UTF-8 text without NUL; line breaks in text are spaces
 *             to the reader (only <p> and <br> break lines).
 *
 * No other tag, attribute, comment or entity ever appears: bank_rich_valid()
 * checks it, and libbank refuses to store a rich item whose text is not valid.
 * Importers make this form from HTML (GIFT [html], Moodle XML) keeping the tags
 * above and the text of every other. Readers walk it with bank_rich_next() or
 * turn it into plain readable text with bank_rich_plain(). */
#ifndef KISI_RICHTEXT_H
#define KISI_RICHTEXT_H

#include <stdbool.h>
#include <stddef.h>

/* The tags of the stored form. */
typedef enum bank_rich_tag {
    BANK_TAG_P = 0,
    BANK_TAG_BR,
    BANK_TAG_B,
    BANK_TAG_I,
    BANK_TAG_U,
    BANK_TAG_SUB,
    BANK_TAG_SUP,
    BANK_TAG_UL,
    BANK_TAG_OL,
    BANK_TAG_LI,
    BANK_TAG_TABLE,
    BANK_TAG_TR,
    BANK_TAG_TD,
    BANK_TAG_TH,
    BANK_TAG_COUNT
} bank_rich_tag;

/* Name of a tag without brackets ("p", "br"...); NULL when out of range. */
const char *bank_rich_tag_name(bank_rich_tag t);

/* What bank_rich_next() found. */
typedef enum bank_rich_kind {
    BANK_RICH_END = 0,  /* end of the text */
    BANK_RICH_TEXT,     /* text: `text`, `len` bytes of UTF-8, entities decoded */
    BANK_RICH_OPEN,     /* an opening tag `tag` (and <br>) */
    BANK_RICH_CLOSE,    /* a closing tag `tag` */
    BANK_RICH_BAD       /* not the stored form at this point (see bank_rich_valid) */
} bank_rich_kind;

typedef struct bank_rich_token {
    bank_rich_kind kind;
    bank_rich_tag tag;  /* OPEN, CLOSE */
    const char *text;   /* TEXT: borrowed from the input or a static string */
    size_t len;
} bank_rich_token;

/* Reads the token at *p of stored rich text and advances *p past it. A run of
 * text stops before each entity; an entity is a TEXT token of its one
 * character. Nesting is not checked here (bank_rich_valid does). At the end
 * (or at BAD) *p is left where it is. */
bank_rich_kind bank_rich_next(const char **p, bank_rich_token *tok);

/* True when s is the stored form exactly: valid UTF-8, only the tags and
 * entities above, properly nested and closed. */
bool bank_rich_valid(const char *s);

/* Plain readable text of stored rich text s, for proofreading and for any
 * reader without a renderer: paragraphs end with a blank line, <br> is a line
 * break, list items start a line with "- " (or "1. ", "2. " in <ol>), table
 * rows are lines with cells between " | ", <sup>x</sup> is "^x" and
 * <sub>x</sub> "_x"; bold, italic and underline are dropped; entities are
 * decoded; runs of spaces and line breaks in text are one space; no leading
 * or trailing blank. Caller frees with free(); NULL on ENOMEM or when s is
 * not valid. */
char *bank_rich_plain(const char *s);

#endif
