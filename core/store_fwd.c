/* store_fwd.c -- the storage interface's room operations: the sessions offered, results forwarded upstream. */
#include <stdio.h>

#include "hex.h"
#include "store_int.h"
#include "why.h"

/* The handle is open, and `key` (when required) is 64 hex digits. */
static int fwd_check(store *s, const char *key, bool required, const char *what, char *why)
{
    if (!s) {
        why_set(why, "%s: the store is not open", what);
        return -1;
    }
    if ((key || required) && !hex_valid(key, 64)) {
        why_set(why, "%s: the upstream key is not 64 hex digits", what);
        return -1;
    }
    return 0;
}

int store_session_each(store *s, int (*fn)(const store_held *h, void *arg),
                       void *arg, char *why)
{
    if (fwd_check(s, NULL, false, "listing the sessions", why)) return -1;
    return s->ops->session_each(s, fn, arg, why);
}

int store_forward_each(store *s, const char *upstream, int max,
                       int (*fn)(const store_result *r, const char *kiosk_name, void *arg),
                       void *arg, char *why)
{
    if (fwd_check(s, upstream, false, "reading the results to forward", why)) return -1;
    return s->ops->forward_each(s, upstream, max, fn, arg, why);
}

int store_forward_mark(store *s, const char *digest, const char *upstream, const char *receipt,
                       int64_t now_ms, char *why)
{
    if (fwd_check(s, upstream, true, "marking a result forwarded", why)) return -1;
    if (!hex_valid(digest, 64) || !receipt) {
        why_set(why, "marking a result forwarded: a digest and a receipt are required");
        return -1;
    }
    return s->ops->forward_mark(s, digest, upstream, receipt, now_ms, why);
}

int store_forward_count(store *s, const char *upstream, int *done, int *todo, char *why)
{
    if (fwd_check(s, upstream, true, "counting the results forwarded", why)) return -1;
    return s->ops->forward_count(s, upstream, done, todo, why);
}
