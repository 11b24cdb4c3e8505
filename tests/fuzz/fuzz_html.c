/* fuzz_html.c -- libFuzzer target: HTML text into Kisi's stored rich text, and its plain text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "richtext.h"
#include "why.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void count_img(const char *src, void *arg)
{
    if (!src) __builtin_trap();
    (*(size_t *)arg)++;
}

/* Whatever the HTML, the result is the stored form exactly (no raw tag,
 * no other entity), and its plain text can be made; the input read as
 * stored rich text is checked and walked without harm too. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *r = NULL, why[WHY_SIZE];
    size_t imgs = 0;
    bank_err e = html_to_rich((const char *)data, size, count_img, &imgs, &r, why);
    if (e == BANK_OK) {
        if (!r || !bank_rich_valid(r)) __builtin_trap();
        char *plain = bank_rich_plain(r);
        if (!plain) __builtin_trap();
        free(plain);
    } else if (r || (e != BANK_EPARSE && e != BANK_ENOMEM)) {
        __builtin_trap();
    }
    free(r);
    char *s = malloc(size + 1);
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    if (bank_rich_valid(s)) {
        char *plain = bank_rich_plain(s);
        if (!plain) __builtin_trap();
        free(plain);
    }
    free(s);
    return 0;
}
