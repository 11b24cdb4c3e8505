/* image.c -- item images: PNG and JPEG recognised and measured from their headers, read beside an import file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "why.h"

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }

static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

/* Size of a PNG from its IHDR chunk; false when the header is not one. */
static bool png_size(const unsigned char *p, size_t n, unsigned long *w, unsigned long *h)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (n < 33 || memcmp(p, sig, 8) != 0 || be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4) != 0)
        return false;
    *w = be32(p + 16);
    *h = be32(p + 20);
    return true;
}

/* Size of a JPEG from its first frame header (SOFn), looked for in the
 * segments before the scan; false when there is none. */
static bool jpeg_size(const unsigned char *p, size_t n, unsigned long *w, unsigned long *h)
{
    if (n < 4 || p[0] != 0xFF || p[1] != 0xD8) return false;
    size_t i = 2;
    while (i + 4 <= n) {
        if (p[i] != 0xFF) return false;
        unsigned m = p[i + 1];
        if (m == 0xFF) { i++; continue; }                       /* fill byte */
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { i += 2; continue; } /* no length */
        if (m == 0xD9 || m == 0xDA) return false;              /* end, or the scan: no frame */
        unsigned len = be16(p + i + 2);
        if (len < 2 || i + 2 + len > n) return false;
        bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
        if (sof) {
            if (len < 7) return false;
            *h = be16(p + i + 5);
            *w = be16(p + i + 7);
            return true;
        }
        i += 2 + len;
    }
    return false;
}

int bank_image_check(const void *data, size_t len, int *w, int *h, char *why)
{
    const unsigned char *p = data;
    unsigned long iw = 0, ih = 0;
    int type = 0;
    if (len > BANK_IMAGE_MAX_BYTES) {
        why_set(why, "%zu bytes: an image may have at most %d bytes (%d MiB)", len,
                BANK_IMAGE_MAX_BYTES, BANK_IMAGE_MAX_BYTES >> 20);
        return 0;
    }
    if (p && png_size(p, len, &iw, &ih)) type = BANK_IMAGE_PNG;
    else if (p && jpeg_size(p, len, &iw, &ih)) type = BANK_IMAGE_JPEG;
    if (!type) {
        why_set(why, "not a PNG or JPEG image");
        return 0;
    }
    if (iw == 0 || ih == 0) {
        why_set(why, "%s image of %lux%lu pixels is empty", type == BANK_IMAGE_PNG ? "PNG" : "JPEG",
                iw, ih);
        return 0;
    }
    if (iw > BANK_IMAGE_MAX_SIDE || ih > BANK_IMAGE_MAX_SIDE ||
        iw * ih > (unsigned long)BANK_IMAGE_MAX_PIXELS) {
        why_set(why, "%lux%lu pixels: an image may be at most %dx%d and %d megapixels", iw, ih,
                BANK_IMAGE_MAX_SIDE, BANK_IMAGE_MAX_SIDE, BANK_IMAGE_MAX_PIXELS >> 20);
        return 0;
    }
    if (w) *w = (int)iw;
    if (h) *h = (int)ih;
    return type;
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

bank_err bank_item_image_b64(bank_item *it, const char *b64, size_t len, char *why)
{
    if (len / 4 * 3 > (size_t)BANK_IMAGE_MAX_BYTES * 2) {
        why_set(why, "an image may have at most %d bytes (%d MiB)", BANK_IMAGE_MAX_BYTES,
                BANK_IMAGE_MAX_BYTES >> 20);
        return BANK_EINVAL;
    }
    unsigned char *out = malloc(len / 4 * 3 + 3);
    if (!out) return BANK_ENOMEM;
    size_t n = 0, pad = 0;
    unsigned long acc = 0;
    int bits = 0;
    bool bad = false;
    for (size_t i = 0; i < len && !bad; i++) {
        unsigned char c = (unsigned char)b64[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
        if (c == '=') { pad++; continue; }
        int v = b64_value(c);
        if (v < 0 || pad) { bad = true; break; }  /* a stray character, or data after '=' */
        acc = (acc << 6 | (unsigned long)v) & 0xFFFFFF;
        if ((bits += 6) >= 8) {
            bits -= 8;
            out[n++] = (unsigned char)(acc >> bits);
        }
    }
    if (bad || pad > 2 || n == 0) {
        free(out);
        why_set(why, "not base64");
        return BANK_EINVAL;
    }
    char sub[WHY_SIZE];
    if (!bank_image_check(out, n, NULL, NULL, sub)) {
        free(out);
        why_set(why, "%s", sub);
        return BANK_EINVAL;
    }
    free(it->image);
    it->image = out;
    it->image_len = n;
    return BANK_OK;
}

/* True when `name` stays inside the folder it is read from: relative,
 * and no component is "..". */
static bool name_inside(const char *name)
{
    if (!*name || *name == '/') return false;
    for (const char *c = name; *c;) {
        size_t n = strcspn(c, "/");
        if (n == 2 && c[0] == '.' && c[1] == '.') return false;
        c += n;
        while (*c == '/') c++;
    }
    return true;
}

/* Reads and checks the image of `it` from dir. */
static bank_err load_one(bank_item *it, const char *dir, char *why)
{
    char sub[WHY_SIZE];
    const char *name = it->image_file;
    if (!name_inside(name)) {
        why_set(why, "line %d: image \"%.80s\": name a file beside the import file (no absolute"
                     " path, no ..)", it->line, name);
        return BANK_EPARSE;
    }
    bool here = !dir || !*dir;
    size_t n = (here ? 0 : strlen(dir) + 1) + strlen(name) + 1;
    char *path = malloc(n);
    if (!path) return BANK_ENOMEM;
    snprintf(path, n, "%s%s%s", here ? "" : dir, here ? "" : "/", name);
    char *data = NULL;
    size_t len = 0;
    bank_err e = bank_file_read(path, BANK_IMAGE_MAX_BYTES, &data, &len, sub);
    free(path);
    if (e == BANK_EINVAL) {
        why_set(why, "line %d: image %.80s: larger than %d bytes (%d MiB)", it->line, name,
                BANK_IMAGE_MAX_BYTES, BANK_IMAGE_MAX_BYTES >> 20);
        return BANK_EINVAL;
    }
    if (e) {
        why_set(why, "line %d: image %s", it->line, sub);
        return e;
    }
    if (!bank_image_check(data, len, NULL, NULL, sub)) {
        free(data);
        why_set(why, "line %d: image %.80s: %s", it->line, name, sub);
        return BANK_EINVAL;
    }
    free(it->image);
    it->image = (unsigned char *)data;
    it->image_len = len;
    free(it->image_file);
    it->image_file = NULL;
    return BANK_OK;
}

bank_err bank_items_load_images(bank_items *l, const char *dir, char *why)
{
    for (size_t i = 0; i < l->n; i++) {
        if (!l->v[i].image_file) continue;
        bank_err e = load_one(&l->v[i], dir, why);
        if (e) return e;
    }
    return BANK_OK;
}
