/* conf.h -- the core's configuration file (/etc/kisi/core.conf): KEY = VALUE lines. */
#ifndef KISI_CORE_CONF_H
#define KISI_CORE_CONF_H

#include <stddef.h>

#define CONF_FILE_MAX (64u << 10)  /* the largest configuration file read */

/* The settings a configuration file may give, each NULL when absent; the
 * keys are the long options' names: db, data, key-file, listen,
 * operator-token-file, web-dir, upstream, upstream-key; and the server's limits (numbers, read by the
 * server): max-connections, max-connections-per-address, request-timeout,
 * idle-timeout (seconds), listen-backlog. */
typedef struct core_conf {
    char *db, *data, *key_file, *listen, *token_file, *web_dir;
    char *upstream, *upstream_key;
    char *max_conns, *per_address, *request_timeout, *idle_timeout, *backlog;
    char *text;  /* the file's text the values point into */
} core_conf;

/* Parses `len` bytes of configuration text named `name` (for messages) into
 * *c, which then owns `text` (free it with conf_free()). A line is blank, a
 * comment (# first) or KEY = VALUE, blanks around both trimmed. Refuses an
 * unknown key, a key given twice, an empty value, a line without '=' and a
 * NUL or control byte, with why = "NAME:LINE: reason" (WHY_SIZE bytes);
 * then returns -1 and *c holds nothing (text freed). Returns 0 otherwise. */
int conf_parse(char *text, size_t len, const char *name, core_conf *c, char *why);

/* Reads and parses the file at `path` (at most CONF_FILE_MAX bytes) into
 * *c as conf_parse() does. Returns 0, or -1 with why set. Free with
 * conf_free(). */
int conf_read(const char *path, core_conf *c, char *why);

/* Frees what *c owns and clears it. */
void conf_free(core_conf *c);

#endif
