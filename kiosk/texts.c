/* texts.c -- loads the `key = value` UI text files and looks texts up by key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "texts.h"
#include "text.h"
#include "why.h"

#define TEXTS_FILE_MAX (1 << 20)  /* a text file larger than this is not ours */

typedef struct entry {
    char *key;
    char *value;
} entry;

struct texts {
    entry *v;
    size_t n, cap;
};

static void set_why(char *why, const char *name, int line, const char *msg)
{
    if (!why) return;
    if (line > 0) snprintf(why, WHY_SIZE, "%.180s:%d: %.60s", name, line, msg);
    else snprintf(why, WHY_SIZE, "%.180s: %.60s", name, msg);
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->key, ((const entry *)b)->key);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Copies [s, s+len) with escapes resolved; caller frees. NULL on ENOMEM
 * or on an unknown escape (*bad set). */
static char *unescape(const char *s, size_t len, int *bad)
{
    char *out = malloc(len + 1), *o = out;
    if (!out) return NULL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '\\') { *o++ = s[i]; continue; }
        if (i + 1 == len) { *bad = 1; free(out); return NULL; }
        char c = s[++i];
        if (c == 'n') *o++ = '\n';
        else if (c == '\\') *o++ = '\\';
        else { *bad = 1; free(out); return NULL; }
    }
    *o = '\0';
    return out;
}

static int valid_key(const char *k, size_t n)
{
    if (n == 0) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = k[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* Parses one non-comment line into s; returns NULL on success or a reason. */
static const char *parse_line(texts *s, const char *p, size_t len)
{
    const char *eq = memchr(p, '=', len);
    if (!eq) return "expected `key = value`";
    size_t kl = (size_t)(eq - p);
    while (kl > 0 && is_space(p[kl - 1])) kl--;
    if (!valid_key(p, kl)) return "bad key (letters, digits, `.`, `_`, `-`)";
    const char *v = eq + 1, *end = p + len;
    while (v < end && is_space(*v)) v++;
    while (end > v && is_space(end[-1])) end--;
    int bad = 0;
    char *value = unescape(v, (size_t)(end - v), &bad);
    if (!value) return bad ? "unknown escape (only \\n and \\\\)" : "out of memory";
    char *key = malloc(kl + 1);
    if (!key) { free(value); return "out of memory"; }
    memcpy(key, p, kl);
    key[kl] = '\0';
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].key, key) == 0) {
            free(key);
            free(s->v[i].value);
            s->v[i].value = value;
            return NULL;
        }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        entry *nv = realloc(s->v, cap * sizeof *nv);
        if (!nv) { free(key); free(value); return "out of memory"; }
        s->v = nv;
        s->cap = cap;
    }
    s->v[s->n].key = key;
    s->v[s->n].value = value;
    s->n++;
    return NULL;
}

/* Caller frees with texts_free(). */
texts *texts_parse(const char *text, size_t len, const char *name, char *why)
{
    texts *s = calloc(1, sizeof *s);
    if (!s) { set_why(why, name, 0, "out of memory"); return NULL; }
    if (memchr(text, '\0', len)) {
        set_why(why, name, 0, "NUL byte in a text file");
        texts_free(s);
        return NULL;
    }
    size_t i = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) i = 3;  /* UTF-8 BOM */
    for (int line = 1; i < len; line++) {
        const char *p = text + i, *nl = memchr(p, '\n', len - i);
        size_t n = nl ? (size_t)(nl - p) : len - i;
        i += n + 1;
        size_t k = 0;
        while (k < n && is_space(p[k])) k++;
        if (k == n || p[k] == '#') continue;
        const char *err = parse_line(s, p + k, n - k);
        if (err) {
            set_why(why, name, line, err);
            texts_free(s);
            return NULL;
        }
    }
    if (s->n) qsort(s->v, s->n, sizeof *s->v, cmp_entry);
    return s;
}

/* Caller frees with texts_free(). */
texts *texts_load(const char *dir, const char *lang, char *why)
{
    char path[4096];
    if (!dir || !lang || !*lang || strchr(lang, '/')) {
        set_why(why, lang ? lang : "(null)", 0, "bad language name");
        return NULL;
    }
    snprintf(path, sizeof path, "%s/%s.txt", dir, lang);
    char *buf = NULL;
    size_t len = 0;
    if (bank_file_read(path, TEXTS_FILE_MAX, &buf, &len, why) != BANK_OK) return NULL;
    texts *s = texts_parse(buf, len, path, why);
    free(buf);
    return s;
}

void texts_free(texts *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].key);
        free(s->v[i].value);
    }
    free(s->v);
    free(s);
}

static const entry *find(const texts *s, const char *key)
{
    if (!s || !key || s->n == 0) return NULL;
    entry probe = {(char *)key, NULL};
    return bsearch(&probe, s->v, s->n, sizeof *s->v, cmp_entry);
}

const char *texts_get(const texts *s, const char *key)
{
    if (!key) return "";
    const entry *e = find(s, key);
    return e ? e->value : key;
}

int texts_has(const texts *s, const char *key)
{
    return find(s, key) != NULL;
}

size_t texts_count(const texts *s)
{
    return s ? s->n : 0;
}

const char *texts_key(const texts *s, size_t i)
{
    return s && i < s->n ? s->v[i].key : NULL;
}

/* Appends src[0..n) to out at *len, stopping at a UTF-8 boundary when full. */
static void put(char *out, size_t cap, size_t *len, const char *src, size_t n)
{
    if (*len + 1 >= cap) return;
    n = text_utf8_fit(src, n, cap - 1 - *len);
    memcpy(out + *len, src, n);
    *len += n;
    out[*len] = '\0';
}

size_t texts_fill(char *out, size_t n, const char *tmpl, const char *const *args,
                    int nargs)
{
    size_t len = 0;
    if (n == 0) return 0;
    out[0] = '\0';
    if (!tmpl) return 0;
    for (const char *p = tmpl; *p;) {
        if (p[0] == '{' && p[1] >= '1' && p[1] <= '9' && p[2] == '}' && p[1] - '1' < nargs) {
            const char *a = args[p[1] - '1'];
            if (a) put(out, n, &len, a, strlen(a));
            p += 3;
            continue;
        }
        const char *q = p + 1;
        while (*q && *q != '{') q++;
        put(out, n, &len, p, (size_t)(q - p));
        p = q;
    }
    return len;
}
