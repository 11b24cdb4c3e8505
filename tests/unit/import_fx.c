/* import_fx.c -- helpers of the import tests: fixture files and the reports of a parse. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_fx.h"

/* The test frees the result with free(). */
char *fx_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s (run from the repository root)", path);
    char *buf = malloc(1 << 16);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 16) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

void fx_hear(const char *kind, const char *text, void *arg)
{
    fx_heard *h = arg;
    size_t n = strlen(h->text);
    snprintf(h->text + n, sizeof h->text - n, "%s|%s\n", kind, text);
    if (strcmp(kind, "error") == 0) h->errors++;
    else if (strcmp(kind, "skipped") == 0) h->skipped++;
    else h->notices++;
}

bank_err fx_parse_ex(const char *s, size_t len, bank_format fmt, const char *topic, bool skip,
                     bank_items *out, fx_heard *h, char *why)
{
    memset(h, 0, sizeof *h);
    bank_parse_opts o = {topic, skip, fx_hear, h};
    return bank_parse_items_ex(s, len, fmt, &o, out, NULL, NULL, why);
}
