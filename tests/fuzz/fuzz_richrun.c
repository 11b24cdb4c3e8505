/* fuzz_richrun.c -- libFuzzer target: the kiosk's parser of rich item text (rich_parse), checking
 * that whatever the input the runs lie inside the text and the block marks nest as the layout needs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "richrun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless the marks of d nest: a table holds rows, a row cells, a list items. */
static void check_doc(const rich_doc *d)
{
    rich_kind stack[64];
    int depth = 0;
    for (size_t i = 0; i < d->n; i++) {
        const rich_tok *t = &d->v[i];
        rich_kind parent = depth ? stack[depth - 1] : RICH_PARA;
        switch (t->kind) {
        case RICH_TEXT:
            if (t->len == 0 || t->off + t->len > d->tlen || t->style < 0 || t->style > 31) abort();
            if (memchr(d->text + t->off, '\0', t->len)) abort();
            if (parent == RICH_TABLE_OPEN || parent == RICH_ROW_OPEN || parent == RICH_LIST_OPEN)
                abort();  /* text never sits in a table, row or list outside its cell or item */
            break;
        case RICH_BREAK:
        case RICH_PARA:
            break;
        case RICH_ROW_OPEN:
            if (parent != RICH_TABLE_OPEN) abort();
            stack[depth++] = t->kind;
            break;
        case RICH_CELL_OPEN:
            if (parent != RICH_ROW_OPEN) abort();
            stack[depth++] = t->kind;
            break;
        case RICH_ITEM:
            if (parent != RICH_LIST_OPEN) abort();
            stack[depth++] = t->kind;
            break;
        case RICH_LIST_OPEN:
        case RICH_TABLE_OPEN:
            if (parent == RICH_TABLE_OPEN || parent == RICH_ROW_OPEN || parent == RICH_LIST_OPEN)
                abort();
            if (depth == 64) abort();
            stack[depth++] = t->kind;
            break;
        case RICH_LIST_CLOSE: if (parent != RICH_LIST_OPEN) abort(); depth--; break;
        case RICH_ITEM_END: if (parent != RICH_ITEM) abort(); depth--; break;
        case RICH_TABLE_CLOSE: if (parent != RICH_TABLE_OPEN) abort(); depth--; break;
        case RICH_ROW_CLOSE: if (parent != RICH_ROW_OPEN) abort(); depth--; break;
        case RICH_CELL_CLOSE: if (parent != RICH_CELL_OPEN) abort(); depth--; break;
        default: abort();
        }
    }
    if (depth != 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    rich_doc d = {0};
    if (rich_parse(&d, s) == 0) {
        check_doc(&d);
        /* parsing again into the same document gives the same */
        size_t n = d.n, tlen = d.tlen;
        if (rich_parse(&d, s) != 0 || d.n != n || d.tlen != tlen) abort();
    }
    rich_free(&d);
    free(s);
    return 0;
}
