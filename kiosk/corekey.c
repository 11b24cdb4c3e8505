/* corekey.c -- the core's public key as this kiosk pins it, and what is checked with it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "bank.h"
#include "corekey.h"
#include "export.h"
#include "hex.h"
#include "proto.h"

int corekey_read(const char *path, char pub[65], char *why)
{
    char *text = NULL;
    size_t len = 0;
    int r = export_read(path, 256, &text, &len);
    pub[0] = 0;
    if (r == 0) return 0;
    if (r < 0) {
        why_set(why, "cannot read the core key %.200s: %s", path,
                r == -2 ? "not a key" : strerror(errno));
        free(text);
        return -1;
    }
    if (len && text[len - 1] == '\n') text[--len] = 0;
    int ok = len == 64 && hex_valid(text, 64);
    if (ok) memcpy(pub, text, 65);
    free(text);
    if (!ok) return why_set(why, "%.200s is not a core key (64 lower-case hex digits)", path);
    return 1;
}

int corekey_pin(const char *path, const char *pub, char *why)
{
    char have[65], tmp[4200], line[66];
    if (!hex_valid(pub, 64)) return why_set(why, "the core's key is not 64 hex digits");
    int r = corekey_read(path, have, why);
    if (r < 0) return -1;
    if (r == 1)
        return strcmp(have, pub) == 0 ? 0
               : why_set(why, "the core's key %.16s is not the pinned %.16s (%.200s)", pub, have,
                         path);
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= sizeof tmp)
        return why_set(why, "path too long: %.200s", path);
    snprintf(line, sizeof line, "%s\n", pub);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    int ok = fd >= 0 && write(fd, line, 65) == 65 && fsync(fd) == 0;
    int err = errno;
    if (fd >= 0 && close(fd) != 0 && ok) ok = 0, err = errno;
    /* link, not rename: a key pinned meanwhile stays */
    if (ok && link(tmp, path) != 0 && errno != EEXIST) ok = 0, err = errno;
    if (fd >= 0) unlink(tmp);
    if (!ok) return why_set(why, "cannot pin the core's key in %.200s: %s", path, strerror(err));
    r = corekey_read(path, have, why);
    if (r != 1) return -1;
    return strcmp(have, pub) == 0 ? 0
           : why_set(why, "the core's key %.16s is not the pinned %.16s (%.200s)", pub, have, path);
}

bool corekey_verify(const char *pub, const void *msg, size_t len, const char *sig)
{
    return bank_sig_verify(pub, msg, len, sig) == BANK_OK;
}

/* Copies the string member `key` of o into out (cap bytes); false when absent or too long. */
static bool member(json_t *o, const char *key, char *out, size_t cap)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s || strlen(s) >= cap) return false;
    memcpy(out, s, strlen(s) + 1);
    return true;
}

int corekey_receipt_parse(const char *answer, size_t len, corekey_receipt *r, char *why)
{
    memset(r, 0, sizeof *r);
    json_t *root = answer && len ? json_loadb(answer, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    json_t *o = json_object_get(root, "receipt");
    json_t *v = json_object_get(o, "version"), *t = json_object_get(o, "time");
    int rc = 0;
    if (!json_is_object(o)) rc = why_set(why, "the answer carries no receipt");
    else if (!json_is_integer(v) || json_integer_value(v) != PROTO_RECEIPT_VERSION)
        rc = why_set(why, "receipt version %lld, this kiosk reads %d", json_is_integer(v) ?
                     (long long)json_integer_value(v) : -1LL, PROTO_RECEIPT_VERSION);
    else if (!json_is_integer(t) || !member(o, "result", r->result, sizeof r->result) ||
             !member(o, "kiosk", r->kiosk, sizeof r->kiosk) ||
             !member(o, "status", r->status, sizeof r->status) ||
             !member(o, "core", r->core, sizeof r->core) ||
             !member(o, "sig", r->sig, sizeof r->sig))
        rc = why_set(why, "the receipt lacks a member or has one too long");
    else {
        r->version = (int)json_integer_value(v);
        r->time_ms = (int64_t)json_integer_value(t);
    }
    json_decref(root);
    return rc;
}

int corekey_receipt_check(const corekey_receipt *r, const char *pub, const char *digest,
                          const char *kiosk, char *why)
{
    char text[512];
    if (!pub || !hex_valid(pub, 64)) return why_set(why, "no core key pinned to check receipts");
    if (strcmp(r->core, pub) != 0)
        return why_set(why, "the receipt is signed by core key %.16s, not the pinned %.16s",
                       r->core, pub);
    if (strcmp(r->result, digest) != 0 || strcmp(r->kiosk, kiosk) != 0)
        return why_set(why, "the receipt is for another result");
    if (strcmp(r->status, "stored") != 0 && strcmp(r->status, "duplicate") != 0)
        return why_set(why, "the receipt's status is not stored or duplicate");
    int n = snprintf(text, sizeof text, PROTO_RECEIPT_TEXT, r->version, r->result, r->kiosk,
                     r->status, (long long)r->time_ms);
    if (n < 0 || (size_t)n >= sizeof text || !hex_valid(r->sig, 128) ||
        !corekey_verify(pub, text, (size_t)n, r->sig))
        return why_set(why, "the receipt's signature is not the pinned core key's");
    return 0;
}
