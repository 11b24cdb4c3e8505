/* ui_int.h -- what the ui_*.c files share: the ui struct, themes, fonts and drawing helpers. */
#ifndef KISI_UI_INT_H
#define KISI_UI_INT_H

#include <stdint.h>

#include <SDL_ttf.h>

#include "layout.h"
#include "richrun.h"
#include "ui.h"

/* F_NAV (navigator numbers) grows only half as fast as the others with the text size. */
/* F_ITALIC and F_BOLDITALIC are the body size, for rich item text. */
enum { F_BODY, F_BOLD, F_SMALL, F_SMALLB, F_HEAD, F_BIG, F_NAV, F_ITALIC, F_BOLDITALIC, F_COUNT };

#define UI_MAX_HOT 512
#define UI_FOOT 256            /* the footer's delivery line fits in this many bytes */
#define UI_CACHE 384

typedef struct ui_theme {
    SDL_Color bg, panel, text, muted, accent, on_accent, border, focus, chosen, warn,
        on_warn, warn_bg, ok, on_ok, flag, bar, on_bar, field, done, on_done;
} ui_theme;

typedef struct ui_hot {
    SDL_Rect r;
    action_kind kind;
    int index;
} ui_hot;

typedef struct ui_tex {
    uint32_t hash;
    int font;
    SDL_Color c;
    char *s;
    SDL_Texture *t;
    int w, h;
    unsigned long used;
} ui_tex;

struct ui {
    SDL_Window *win;
    SDL_Renderer *r;
    const texts *s;
    char *font_path, *bold_path, *italic_path, *bolditalic_path;
    TTF_Font *fonts[UI_FONT_STEPS][F_COUNT];  /* opened when a step is first used */
    int line_hs[UI_FONT_STEPS][F_COUNT];
    TTF_Font **font;    /* the set in use for this frame: fonts[eff] */
    int *line_h;        /* line_hs[eff] */
    int eff;            /* step in use: the chosen one, or smaller when a screen does not fit */
    int w, h;           /* output size the fonts were opened for */
    int win_w, win_h;   /* window size at the last ui_draw() */
    int step;           /* text size step */
    bool contrast;
    bool fonts_stale;
    const ui_theme *t;
    int unit;           /* spacing unit in pixels, from the window size */
    ui_tex cache[UI_CACHE];
    unsigned long frame;
    screen last_scr;           /* what the last full frame showed, for ui_draw_tick() */
    int last_warning;
    unsigned seat;             /* app_view.seat the look belongs to */
    char last_foot[UI_FOOT];   /* the footer's delivery line as last drawn */
    unsigned last_notices;     /* app_view.notices as last drawn */
    size_t last_cur;
    bool keeps_frame;          /* the renderer keeps the previous frame (software) */
    ui_hot hot[UI_MAX_HOT];
    int nhot;
    /* the stem as last drawn on SCR_EXAM, for scrolling keys */
    int stem_lines, stem_visible;
    SDL_Rect stem_rect;
    layout_lines lines; /* scratch for wrapping */
    rich_doc rich;      /* scratch for rich text */
    /* the item image last drawn, decoded: kept while the same bytes are shown */
    SDL_Texture *img;
    const void *img_key;
    size_t img_len;
    uint32_t img_hash;
    int img_w, img_h;
    int img_maxh;       /* height the exam screen gives the image at most, 0 = default */   /* pixels; 0 when the bytes did not decode */
    char *tmp;          /* scratch for measuring */
    size_t tmp_cap;
};

/* ui_text.c: text; ui_paint.c: shapes and widgets; ui.c: fonts */
/* Destroys every cached text texture. */
void ui_cache_clear(ui *u);
/* Switches this frame to text size `step` (opening it when needed). */
int ui_use_step(ui *u, int step);
/* Height of the header bar, and the top of the footer, for the fonts in use. */
int ui_header_h(const ui *u);
int ui_footer_top(const ui *u);
const char *ui_str(const ui *u, const char *key);
int ui_text_w(ui *u, int font, const char *s);
/* Width of s[0..len). */
int ui_text_w_n(ui *u, int font, const char *s, size_t len);
/* Draws s with its top-left at x,y; returns the width drawn. */
int ui_text(ui *u, int font, SDL_Color c, int x, int y, const char *s);
/* Draws s[0..len). */
int ui_text_n(ui *u, int font, SDL_Color c, int x, int y, const char *s, size_t len);
/* Draws s in at most maxw pixels, ending in "…" when cut. */
int ui_text_fit(ui *u, int font, SDL_Color c, int x, int y, int maxw, const char *s);
/* Draws s centred in r (cut to fit). */
void ui_text_center(ui *u, int font, SDL_Color c, SDL_Rect r, const char *s);
/* Wraps s to width into u->lines; returns the line count. */
int ui_wrap(ui *u, int font, const char *s, int width);
/* Wraps and draws s from line `first`, at most `max` lines (<0 = all);
 * returns the height used. */
int ui_para(ui *u, int font, SDL_Color c, int x, int y, int width, const char *s, int first,
            int max);
/* Height of s wrapped to width. */
int ui_para_h(ui *u, int font, const char *s, int width);
void ui_fill(ui *u, SDL_Rect r, SDL_Color c);
void ui_frame(ui *u, SDL_Rect r, int thick, SDL_Color c);
void ui_disc(ui *u, int cx, int cy, int rad, SDL_Color c);
void ui_tri(ui *u, SDL_Point a, SDL_Point b, SDL_Point c, SDL_Color col);
void ui_check(ui *u, SDL_Rect box, int thick, SDL_Color c);
void ui_cross(ui *u, SDL_Rect box, int thick, SDL_Color c);
void ui_hot_add(ui *u, SDL_Rect r, action_kind k, int index);
/* A push button; `focus` draws the focus ring, `primary` fills it. The
 * label is bold, in the smaller bold font when it does not fit. */
void ui_button(ui *u, SDL_Rect r, const char *label, bool primary, bool focus, action_kind k,
               int index);
/* The same with the label font chosen by the caller. */
void ui_button_f(ui *u, SDL_Rect r, const char *label, int font, bool primary, bool focus,
                 action_kind k, int index);
/* F_BOLD when `label` fits a button `w` wide, else F_SMALLB. */
int ui_button_font(ui *u, const char *label, int w);
/* Width a button needs for `label` in font F_BOLD. */
int ui_button_w(ui *u, const char *label);
/* Score in hundredths as "73,50" / "73.50" per the strings' fmt.decimal. */
void ui_score(const ui *u, int hundredths, char *out, size_t n);
/* Header bar with `left` (bold) and `right`; returns its height. */
int ui_header(ui *u, const char *left, const char *right);
/* Footer with the accessibility keys and the delivery line (ui_delivery_text);
 * returns its top. */
int ui_footer(ui *u, const app_view *v);
/* A message box wrapped to width, in the warning look unless `info`;
 * returns its height (0 for none). */
int ui_message(ui *u, int x, int y, int width, const char *text, bool info);
/* True for message keys that inform rather than warn (exam.saved, ...). */
bool ui_msg_is_info(const char *key);
int ui_message_h(ui *u, int width, const char *text);

/* ui_rich.c */
/* Height of item text s wrapped to width: rich text when `rich`, else as ui_para_h(). */
int ui_rich_h(ui *u, const char *s, bool rich, int width);
/* Draws item text s at x,y wrapped to width (rich, or as ui_para()); returns the height. */
int ui_rich(ui *u, SDL_Color c, int x, int y, int width, const char *s, bool rich);
/* Height of an item image (len bytes of PNG/JPEG) scaled to fit width x maxh; draws
 * it at x,y when `draw` (a framed note when it does not decode). */
int ui_image(ui *u, const void *data, size_t len, int x, int y, int width, int maxh, bool draw);
/* Drops the decoded image. */
void ui_image_forget(ui *u);

/* ui_exam.c */
/* Time left `ms` as "MM:SS" (seconds rounded up) into out. */
void ui_fmt_time(int64_t ms, char *out, size_t n);
/* Height of the header of an attempt's screens (exam, review, confirm). */
int ui_exam_header_h(const ui *u);
void ui_draw_exam(ui *u, const app_view *v);
/* Redraws the attempt's header alone (clipped), for a clock tick. */
void ui_draw_exam_header(ui *u, const app_view *v);
void ui_draw_review(ui *u, const app_view *v);
void ui_draw_confirm(ui *u, const app_view *v);

/* ui_screens.c: the panel screens and what their content is made of */
/* Draws (or, when !draw, only measures) a panel's content at x,y in w
 * pixels; returns its height. */
typedef int (*content_fn)(ui *u, const app_view *v, int x, int y, int w, bool draw);
/* The button at the foot of a panel (none when label is NULL). */
typedef struct foot_button {
    const char *label;
    action_kind kind;
    bool primary;
} foot_button;
extern const foot_button no_button;
/* Header (with `right`), footer and a centred panel whose content `fn`
 * draws; `edge` frames it. The button stays in view: content that does not
 * fit is cut. */
void ui_framed(ui *u, const app_view *v, const char *right, content_fn fn, SDL_Color edge,
               foot_button b);
/* A wrapped paragraph, drawn or only measured; returns its height. */
int ui_block(ui *u, bool draw, int font, SDL_Color c, int x, int y, int w, const char *s);
/* The message of text key `key` in its box ("" = none); returns its height. */
int ui_note(ui *u, bool draw, int x, int y, int w, const char *key);
/* The message line of a screen that takes a token or proctor code: the
 * wait after too many wrong ones while it runs, else the message `v->msg`. */
int ui_code_message(ui *u, bool draw, int x, int y, int w, const app_view *v);
/* A labelled input box; `shown` is what was typed (or dots). Returns its height. */
int ui_field(ui *u, bool draw, int x, int y, int w, const char *label, const char *shown,
             bool focus, bool tab_on_click);
/* n dots (U+25CF) into out. */
void ui_dots(size_t n, char *out, size_t cap);
/* The instructions' content: the exam's facts and the rules. */
int ui_instructions_body(ui *u, const app_view *v, int x, int y, int w, bool draw);
void ui_draw_identify(ui *u, const app_view *v);
void ui_draw_code(ui *u, const app_view *v);   /* SCR_LOCKED and SCR_PROCTOR */
void ui_draw_wait(ui *u, const app_view *v);
void ui_draw_instructions(ui *u, const app_view *v);
void ui_draw_result(ui *u, const app_view *v);
void ui_draw_timeout(ui *u, const app_view *v);
void ui_draw_error(ui *u, const app_view *v);
void ui_draw_damage(ui *u, const app_view *v);  /* SCR_DAMAGE */

/* ui_room.c: the screens of the proctor's commands */
void ui_draw_paused(ui *u, const app_view *v);       /* SCR_PAUSED */
void ui_draw_seat_locked(ui *u, const app_view *v);  /* SCR_SEAT_LOCKED */
void ui_draw_authorise(ui *u, const app_view *v);    /* SCR_AUTHORISE */
void ui_draw_left(ui *u, const app_view *v);         /* SCR_RELEASED, SCR_MOVED */
void ui_draw_ended(ui *u, const app_view *v);        /* SCR_ENDED */

#endif
