/* secret.c -- reading a secret from a file or standard input, wiped on every path. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "secret.h"
#include "why.h"

/* Wipes and frees the cap bytes of s; returns NULL. */
static char *drop(char *s, size_t cap)
{
    if (s) OPENSSL_cleanse(s, cap);
    free(s);
    return NULL;
}

/* Caller wipes and frees the result with secret_free(). */
char *secret_read(const char *path, size_t max, int flags, size_t *len, char *why)
{
    if (max > SECRET_MAX) max = SECRET_MAX;
    int in_stdin = (flags & SECRET_STDIN) && strcmp(path, "-") == 0;
    const char *shown = in_stdin ? "standard input" : path;
    int fd = in_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        why_set(why, "%.200s: %s", shown, strerror(errno));
        return NULL;
    }
    size_t cap = max + 3;  /* max, "\r\n", and one byte more tells a longer file */
    char *s = malloc(cap);
    size_t n = 0;
    int err = s ? 0 : ENOMEM;
    while (!err && n < cap) {
        ssize_t r = read(fd, s + n, cap - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) err = errno;
        if (r <= 0) break;
        n += (size_t)r;
    }
    if (!in_stdin) close(fd);
    if (err) {
        why_set(why, "%.200s: %s", shown, strerror(err));
        return drop(s, cap);
    }
    if (n == cap) {
        why_set(why, "%.200s: a secret may be at most %zu bytes", shown, max);
        return drop(s, cap);
    }
    if (n && s[n - 1] == '\n') n--;
    if (n && s[n - 1] == '\r') n--;
    if (n > max) {
        why_set(why, "%.200s: a secret may be at most %zu bytes", shown, max);
        return drop(s, cap);
    }
    if (n == 0 || memchr(s, 0, n)) {
        why_set(why, "%.200s: %s", shown, n ? "the secret holds a NUL byte" : "the secret is empty");
        return drop(s, cap);
    }
    OPENSSL_cleanse(s + n, cap - n);  /* the line end, so that secret_free wipes all */
    s[n] = '\0';
    *len = n;
    return s;
}

void secret_free(char *s, size_t len)
{
    if (s) drop(s, len + 1);
}
