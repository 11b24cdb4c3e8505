/* preview.h -- `kiosk --preview`: each item of a bank drawn by the kiosk's own exam screen into a PNG, with no display. */
#ifndef KISI_PREVIEW_H
#define KISI_PREVIEW_H

#include "texts.h"

typedef struct preview_opts {
    const char *bank_path;    /* the bank file */
    const char *pass_file;   /* its passphrase, in a file ("-" = standard input) */
    const char *out_dir;      /* where the PNGs go (made when missing) */
    const char *font;         /* the kiosk's font */
    const texts *s;           /* the UI strings in the chosen language */
    int width, height;        /* screen size in pixels */
    int step;                 /* text size step 0 .. UI_FONT_STEPS-1 */
    char **ids;               /* items to draw; none = every item of the bank */
    int nids;
} preview_opts;

#define PREVIEW_MAX_PAGES 20  /* screens drawn at most for one item that scrolls */

/* Draws every asked item as the exam screen shows it (options in stored
 * order A, B, ...) into OUT/ID.png, and the further screens of an item
 * that scrolls into OUT/ID-2.png, ID-3.png, ...; each file is written
 * whole or not at all. SDL must be initialised (any video driver: the
 * window stays hidden; the dummy driver needs no display). Prints each file written on standard output.
 * Returns the number of files written, or -1 with `why` set (wrong
 * passphrase, unknown item, a file that cannot be written). */
int preview_run(const preview_opts *o, char *why);

#endif
