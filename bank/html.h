/* html.h -- HTML text (GIFT [html], Moodle XML) into Kisi's stored rich text (internal to libbank). */
#ifndef KISI_HTML_H
#define KISI_HTML_H

#include <stddef.h>

#include "bank.h"

/* Called with the src attribute of every <img> met (never NULL, "" when it
 * has none), in document order. */
typedef void (*html_img_fn)(const char *src, void *arg);

/* Turns len bytes of HTML into the stored rich text of richtext.h with libxml2's
 * HTML parser (no network, no messages): the tags of richtext.h are kept,
 * <strong> and <em> become <b> and <i>, every entity is decoded to UTF-8 (and
 * < > & written as &lt; &gt; &amp;), scripts, styles and comments are dropped
 * with their text, every other tag and every attribute is dropped with its
 * text kept (a block such as <div> or <h1> ends with <br>), control
 * characters become spaces; empty paragraphs and styles are left out, and
 * a text that is one paragraph only is its inside. Images are not part of the text: `img` (may be
 * NULL) hears each one's src. TODO(images): the item model's images are
 * helper F2's; Moodle XML passes a collector, GIFT passes NULL.
 * *out gets the text (caller frees with free()); BANK_OK, BANK_ENOMEM, or
 * BANK_EPARSE when the text is not UTF-8 (why says so). */
bank_err html_to_rich(const char *html, size_t len, html_img_fn img, void *arg, char **out,
                      char *why);

#endif
