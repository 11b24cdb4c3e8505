/* say.h -- what read aloud speaks for each screen and event: pure functions over the screen's own texts. */
#ifndef KISI_SAY_H
#define KISI_SAY_H

#include <stddef.h>

#include "app.h"
#include "texts.h"

/* Every function below writes UTF-8 into out (cap bytes, always
 * NUL-terminated when cap > 0, cut at a character boundary when too long),
 * built from the texts of `s` -- the same texts the screen draws, in its
 * language -- and returns the length written. Nothing is allocated. */

/* The whole screen `v` in reading order: title, facts (the ceiling and the
 * pass mark on the instructions and the result), hints, fields, message,
 * buttons. On the exam screen, the current item (see say_item). A PIN or
 * a code is never spoken, only how many characters were typed. */
size_t say_screen(const texts *s, const app_view *v, char *out, size_t cap);

/* The current item: its number, whether it is flagged, the stem, how to
 * answer, then each option with its letter and whether it is chosen. */
size_t say_item(const texts *s, const app_view *v, char *out, size_t cap);

/* Option k (display place, 0 = A) of the current item with its letter and
 * whether it is chosen; "" when there is no such option. */
size_t say_option(const texts *s, const app_view *v, int k, char *out, size_t cap);

/* The time left of a running attempt, in minutes and seconds. */
size_t say_time(const texts *s, const app_view *v, char *out, size_t cap);

/* How many items are still unanswered. */
size_t say_unanswered(const texts *s, const app_view *v, char *out, size_t cap);

/* The message on screen (v->msg), with the PIN tries left after a wrong
 * PIN; "" when there is none. */
size_t say_message(const texts *s, const app_view *v, char *out, size_t cap);

/* The countdown warning shown for v (the minutes and seconds left, from
 * "exam.warn5" / "exam.warn1"); "" when v->warning is 0. */
size_t say_warning(const texts *s, const app_view *v, char *out, size_t cap);

/* The focused button of the confirmation ("confirm.no" / "confirm.yes"). */
size_t say_focus(const texts *s, const app_view *v, char *out, size_t cap);

/* The review flag of the current item after F: on or off. */
size_t say_flag(const texts *s, const app_view *v, char *out, size_t cap);

/* Score v (hundredths) as the screen shows it: "73.50" / "73,50", "-" below 0. */
size_t say_score(const texts *s, int v, char *out, size_t cap);

/* What read aloud last saw of the view, to tell what changed. */
typedef struct say_seen {
    screen scr;
    size_t cur;
    const char *msg;
    int warning, focus;
    bool flagged, aloud;
    bool chosen[BANK_MAX_OPTIONS];
    size_t nip_len, token_len;
    unsigned seat;
    unsigned notices;      /* app_view.notices */
} say_seen;

/* Takes what say_change() compares from v. */
void say_seen_take(say_seen *w, const app_view *v);

/* What is spoken now that the view went from `was` to `v`: read aloud
 * turned on or off (its message), a new screen or item (the whole of it),
 * the proctor's notice (a message, a command obeyed), a new message, an
 * answer saved (the message and the letters chosen), the flag, a countdown
 * warning, the focused button of the confirmation, a NIP
 * digit or token character typed (never a PIN or code). "" when nothing is
 * to be said, and always while read aloud is off (its "off" message is shown,
 * not spoken: the key that turned it off stopped the speech). */
size_t say_change(const texts *s, const say_seen *was, const app_view *v, char *out, size_t cap);

#endif
