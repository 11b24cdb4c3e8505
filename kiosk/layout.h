/* layout.h -- word wrapping of UTF-8 text to a pixel width and scroll arithmetic; no SDL. */
#ifndef KISI_LAYOUT_H
#define KISI_LAYOUT_H

#include <stddef.h>

/* Pixel width of s[0..len) (len bytes, whole UTF-8 characters). */
typedef int (*layout_measure)(void *ctx, const char *s, size_t len);

/* One line of wrapped text: bytes [off, off+len) of the source, without
 * the line break and without trailing spaces. */
typedef struct layout_line {
    size_t off, len;
} layout_line;

/* A growable list of lines; owns its array. */
typedef struct layout_lines {
    layout_line *v;
    size_t n, cap;
} layout_lines;

/* Wraps `text` (NUL-terminated UTF-8) to `width` pixels, replacing what
 * `out` held. Breaks at spaces; `\n` (and `\r\n`) always breaks; a word
 * wider than the line is broken between UTF-8 characters (at least one
 * character per line, so a narrow width still makes progress). Spaces
 * that end a soft-wrapped line are dropped, and a soft-wrapped line does
 * not start with spaces. An empty text gives no lines; a final `\n` adds
 * no empty line. Returns 0, or -1 on ENOMEM (out then holds no lines).
 * Free the array with layout_lines_free(). */
int layout_wrap(layout_lines *out, const char *text, int width, layout_measure measure,
                void *ctx);

void layout_lines_free(layout_lines *l);

/* Byte length of the UTF-8 character starting at s (1 for a stray or
 * truncated byte, 0 at the NUL). */
size_t layout_utf8_len(const char *s);

/* Number of whole lines of height line_h that fit in `height` (>= 1). */
int layout_fit(int height, int line_h);

/* Largest useful scroll offset: lines beyond the visible ones (>= 0). */
int layout_max_scroll(int nlines, int visible);

/* `scroll` clamped to 0 .. layout_max_scroll(nlines, visible). */
int layout_clamp_scroll(int scroll, int nlines, int visible);

/* The change to apply to `scroll` to move by `delta` lines without
 * leaving the valid range (0 when already at that end). */
int layout_scroll_delta(int scroll, int delta, int nlines, int visible);

#endif
