/* richrun.h -- Kisi's rich-text form of an item (a small HTML subset) parsed into a stream of styled runs and block marks; no SDL. */
#ifndef KISI_RICHRUN_H
#define KISI_RICHRUN_H

#include <stddef.h>

/* Inline style bits of a text run. */
enum {
    RICH_BOLD = 1,
    RICH_ITALIC = 2,
    RICH_UNDERLINE = 4,
    RICH_SUB = 8,
    RICH_SUP = 16
};

typedef enum rich_kind {
    RICH_TEXT,        /* text[off, off+len) of doc->text in `style` */
    RICH_BREAK,       /* a line break (<br>) */
    RICH_PARA,        /* a paragraph boundary (<p>, </p>) */
    RICH_LIST_OPEN,   /* `ordered` list (<ul>, <ol>) */
    RICH_LIST_CLOSE,
    RICH_ITEM,        /* a list item begins (<li>) */
    RICH_ITEM_END,
    RICH_TABLE_OPEN,
    RICH_TABLE_CLOSE,
    RICH_ROW_OPEN,
    RICH_ROW_CLOSE,
    RICH_CELL_OPEN,   /* `header` cell (<th>) or not (<td>) */
    RICH_CELL_CLOSE
} rich_kind;

typedef struct rich_tok {
    rich_kind kind;
    int style;          /* RICH_TEXT: RICH_BOLD | ... */
    int ordered;        /* RICH_LIST_OPEN: 1 for <ol> */
    int header;         /* RICH_CELL_OPEN: 1 for <th> */
    size_t off, len;    /* RICH_TEXT: bytes of doc->text */
} rich_tok;

/* A parsed text; owns its arrays. */
typedef struct rich_doc {
    rich_tok *v;
    size_t n, cap;
    char *text;         /* decoded text of every run, one after another */
    size_t tlen, tcap;
} rich_doc;

#define RICH_MAX_DEPTH 4    /* lists nested deeper, or a table in a table, are flattened */

/* Parses `s` (NUL-terminated UTF-8 in Kisi's rich-text form: <p> <br> <b>
 * <i> <u> <sub> <sup> <ul> <ol> <li> <table> <tr> <td> <th>, &lt; &gt;
 * &amp;) into `out`, replacing what it held. Never fails on content:
 * unknown or broken tags are dropped (their text kept), a '<' or '&' that
 * starts no tag or entity is text, white space runs collapse to one space,
 * unclosed elements close at the end and the structure it gives is always
 * well nested (a table holds rows holding cells; items sit in lists).
 * Returns 0, or -1 on ENOMEM (out then empty). Free with rich_free(). */
int rich_parse(rich_doc *out, const char *s);

void rich_free(rich_doc *d);

#endif
