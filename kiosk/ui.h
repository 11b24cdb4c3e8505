/* ui.h -- draws the kiosk's screens with SDL2 + SDL2_ttf and maps keys and clicks to app actions. */
#ifndef KISI_UI_H
#define KISI_UI_H

#include <stdbool.h>

#include <SDL.h>

#include "app.h"
#include "texts.h"
#include "why.h"

#define UI_FONT_STEPS 6    /* text size steps; ui starts at UI_FONT_DEFAULT */
#define UI_FONT_DEFAULT 2

typedef struct ui ui;

/* Creates the renderer of `w` (accelerated with vsync, else software)
 * and opens `font_path` (and its "-Bold" sibling for headings when that
 * file exists). Borrows `w` and `s`: both must outlive the ui. Caller
 * frees with ui_free(). NULL on error with `why` (WHY_SIZE bytes) set. */
ui *ui_new(SDL_Window *w, const char *font_path, const texts *s, char *why);
/* Destroys the renderer, fonts and cached textures. NULL is a no-op. */
void ui_free(ui *u);

/* Draws the whole frame for `v` and presents it. Also records where
 * each clickable element is, for ui_map_event(). When v->seat differs from
 * the frame before, the seat has passed to the next participant: the text
 * size and the theme go back to the defaults first (they were the last
 * participant's). */
void ui_draw(ui *u, const app_view *v);

/* After a clock tick: redraws only the header of an attempt's screen
 * (exam, review, confirm: title or countdown warning, clock) and presents
 * it, when nothing else can have changed since the last ui_draw(). Returns
 * false when a full ui_draw() is needed (another screen, a new warning
 * level or queue count, a renderer that does not keep the previous frame). */
bool ui_draw_tick(ui *u, const app_view *v);

/* The countdown warning for v into out (n bytes): the real minutes and
 * seconds left, from the strings "exam.warn5" / "exam.warn1"; "" when
 * v->warning is 0. */
void ui_warning_text(const ui *u, const app_view *v, char *out, size_t n);

/* The footer's line on result delivery for `d`, in the language of `s`,
 * into out (cap bytes, always NUL-terminated when cap > 0): how many results
 * wait and where they stand -- no core ("results stay on this PC, export
 * them to a stick"), all delivered, connecting, the core unreachable and
 * why, awaiting approval with the kiosk id to approve, revoked, refused --
 * and how many the core refused, with the last refusal's code. Needs no
 * window. Returns true when the proctor should act (shown in the warning
 * colour). */
bool ui_delivery_text(const texts *s, const uploader_info *d, char *out, size_t cap);

/* Maps an SDL event to an app action for the view last drawn as `v`.
 * Returns false when the event means nothing on this screen. Clicks use
 * the positions of the last ui_draw(). */
bool ui_map_event(ui *u, const SDL_Event *e, const app_view *v, action *out);

/* Applies the actions that change only the look (ACT_FONT_BIGGER,
 * ACT_FONT_SMALLER, ACT_CONTRAST, ACT_DISPLAY); returns true when the
 * frame must be redrawn. Other actions are ignored. */
bool ui_apply(ui *u, const action *a);

/* Text size step 0 .. UI_FONT_STEPS-1, and the theme. */
int ui_font_step(const ui *u);
void ui_set_font_step(ui *u, int step);
bool ui_high_contrast(const ui *u);
void ui_set_high_contrast(ui *u, bool on);

/* Where the clickable element for action `kind` (and `index`, for
 * ACT_OPTION and ACT_GOTO) was drawn last; false when it was not. For
 * tests and scripted drivers. */
bool ui_hit_rect(const ui *u, action_kind kind, int index, SDL_Rect *out);

/* The renderer (borrowed), e.g. to read pixels back in tests. */
SDL_Renderer *ui_renderer(ui *u);

#endif
