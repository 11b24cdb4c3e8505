/* conf.c -- reads the core's KEY = VALUE configuration file into its settings. */
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "conf.h"
#include "why.h"

static char *trim(char *s, char *end)
{
    while (s < end && (*s == ' ' || *s == '\t')) s++;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r')) end--;
    *end = '\0';
    return s;
}

/* The slot of `key` in *c, or NULL for an unknown key. */
static char **slot(core_conf *c, const char *key)
{
    if (strcmp(key, "db") == 0) return &c->db;
    if (strcmp(key, "data") == 0) return &c->data;
    if (strcmp(key, "key-file") == 0) return &c->key_file;
    if (strcmp(key, "listen") == 0) return &c->listen;
    if (strcmp(key, "operator-token-file") == 0) return &c->token_file;
    if (strcmp(key, "web-dir") == 0) return &c->web_dir;
    if (strcmp(key, "upstream") == 0) return &c->upstream;
    if (strcmp(key, "upstream-key") == 0) return &c->upstream_key;
    if (strcmp(key, "max-connections") == 0) return &c->max_conns;
    if (strcmp(key, "max-connections-per-address") == 0) return &c->per_address;
    if (strcmp(key, "request-timeout") == 0) return &c->request_timeout;
    if (strcmp(key, "idle-timeout") == 0) return &c->idle_timeout;
    if (strcmp(key, "listen-backlog") == 0) return &c->backlog;
    return NULL;
}

/* Parses one line (NUL-terminated, within c->text); 0 or -1 with why set. */
static int parse_line(core_conf *c, char *line, const char *name, int n, char *why)
{
    char *end = line + strlen(line);
    for (const char *p = line; p < end; p++)
        if ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\r')
            return why_set(why, "%.150s:%d: a control character", name, n);
    char *s = trim(line, end);
    if (!*s || *s == '#') return 0;
    char *eq = strchr(s, '=');
    if (!eq) return why_set(why, "%.150s:%d: expected KEY = VALUE", name, n);
    char *val = trim(eq + 1, s + strlen(s));
    char *key = trim(s, eq);
    char **to = slot(c, key);
    if (!to) return why_set(why, "%.150s:%d: unknown key '%.40s'", name, n, key);
    if (*to) return why_set(why, "%.150s:%d: %s given twice", name, n, key);
    if (!*val) return why_set(why, "%.150s:%d: %s has no value", name, n, key);
    *to = val;
    return 0;
}

int conf_parse(char *text, size_t len, const char *name, core_conf *c, char *why)
{
    memset(c, 0, sizeof *c);
    c->text = text;
    if (memchr(text, '\0', len)) {
        why_set(why, "%.150s: a NUL byte", name);
        conf_free(c);
        return -1;
    }
    char *p = text, *end = text + len;
    for (int n = 1; p < end; n++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *next = nl ? nl + 1 : end;
        if (nl) *nl = '\0';
        if (parse_line(c, p, name, n, why)) {
            conf_free(c);
            return -1;
        }
        p = next;
    }
    return 0;
}

int conf_read(const char *path, core_conf *c, char *why)
{
    char *text = NULL;
    size_t len = 0;
    memset(c, 0, sizeof *c);
    if (bank_file_read(path, CONF_FILE_MAX, &text, &len, why) != BANK_OK) return -1;
    return conf_parse(text, len, path, c, why);
}

void conf_free(core_conf *c)
{
    free(c->text);
    memset(c, 0, sizeof *c);
}
