/* test_ui.c -- every screen draws at both screen sizes and every text size; keys and clicks map to the right actions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>

#include "ui.h"
#include "why.h"

#define FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define NITEMS 50

static texts *ui_texts;
static bool answered[NITEMS], flags[NITEMS];

static const char *const SCREEN_NAMES[] = {"error",  "identify",    "locked",    "wait",
                                           "instructions", "exam", "review",   "confirm",
                                           "result", "proctor",     "timeout",   "damage",
                                           "paused", "seat-locked", "authorise", "released",
                                           "moved",  "ended"};
#define NSCREENS ((int)(sizeof SCREEN_NAMES / sizeof *SCREEN_NAMES))

static const char *LONG_STEM =
    "Seorang pegawai di unit pelayanan perizinan menerima permohonan dari warga yang "
    "berkasnya belum lengkap, padahal warga tersebut datang dari desa yang jauh dan "
    "jaringan internet di desanya sering terputus. Atasan meminta agar setiap permohonan "
    "diproses sesuai standar pelayanan, sementara warga berharap dapat dilayani hari itu "
    "juga.\n\nDengan memperhatikan nilai berorientasi pelayanan, akuntabel, dan kolaboratif, "
    "serta ketentuan tentang standar pelayanan publik dan perlindungan data pribadi, "
    "tindakan manakah yang paling tepat dilakukan oleh pegawai tersebut agar kepentingan "
    "warga terlayani tanpa melanggar aturan yang berlaku di instansinya?";

/* A view of screen `s` with sample data on every field. */
static app_view sample(screen s)
{
    app_view v;
    memset(&v, 0, sizeof v);
    for (int i = 0; i < NITEMS; i++) {
        answered[i] = i % 3 != 0;
        flags[i] = i % 7 == 2;
    }
    v.scr = s;
    v.msg = "";
    v.detail = "";
    v.nip = "19910515202412204";
    v.pin_len = 4;
    v.field = 1;
    v.token = "YCUCRT";
    v.code = "1234";
    v.tries_left = 2;
    v.name = "Putri Ayu Lestari";
    v.exam_title = "Evaluasi Akademik Pelatihan Dasar CPNS";
    v.exam_kind = "kind.academic";
    v.nitems = NITEMS;
    v.minutes = 90;
    v.attempt = 4;
    v.ceiling = 9001;
    v.pass_mark = 7001;
    v.cur = 2;
    v.stem = "Kearifan lokal berperan dalam kesiapsiagaan bela negara karena \xE2\x80\xA6";
    v.noptions = 5;
    v.options[0] = "menjadi alasan untuk menolak kebijakan pemerintah pusat";
    v.options[1] = "memuat nilai dan pengetahuan masyarakat setempat yang memperkuat persatuan";
    v.options[2] = "menonjolkan keunggulan suatu daerah dibandingkan daerah lain";
    v.options[3] = "menggantikan peraturan perundang-undangan yang berlaku secara nasional";
    v.options[4] = "hanya berlaku bagi masyarakat adat";
    v.chosen[1] = true;
    v.answered = answered;
    v.flags = flags;
    v.remaining_ms = 61 * 60000 + 5000;
    v.queued = 2;
    v.delivery.state = UPLOADER_UNREACHABLE;
    v.delivery.net = UPLOADER_NET_REFUSED;
    v.delivery.queued = 2;
    v.score = (bank_score){7350, 9001, 7350, true, "Cukup memuaskan"};
    v.band_en = "fairly satisfactory";
    switch (s) {
    case SCR_ERROR:
        v.msg = "start.tampered";
        v.detail = "item a1-001 changed since sealing";
        v.cause = "cause.changed";
        v.subject = "item a1-001";
        break;
    case SCR_IDENTIFY: v.msg = "identify.wrongpin"; break;
    case SCR_LOCKED: v.msg = "locked.hint"; break;
    case SCR_WAIT: v.msg = "wait.wrongtoken"; break;
    case SCR_PROCTOR: v.msg = "proctor.wrong"; break;
    case SCR_PAUSED:
    case SCR_SEAT_LOCKED:
        v.reason = "Listrik padam di baris B";
        v.notice_key = v.scr == SCR_PAUSED ? "room.pause" : "room.lock";
        v.notice = "";
        break;
    case SCR_MOVED:
        v.moved_to = "B07";
        v.notice_key = "room.moved";
        v.notice = "B07";
        break;
    default: break;
    }
    return v;
}

/* A hidden window of w x h with a ui on it. */
typedef struct rig {
    SDL_Window *win;
    ui *u;
} rig;

static rig open_rig(int w, int h)
{
    char why[WHY_SIZE] = "";
    rig r;
    r.win = SDL_CreateWindow("test", 0, 0, w, h, SDL_WINDOW_HIDDEN);
    if (!r.win) fail_msg("window: %s", SDL_GetError());
    r.u = ui_new(r.win, FONT, ui_texts, why);
    if (!r.u) fail_msg("ui_new: %s", why);
    return r;
}

static void close_rig(rig *r)
{
    ui_free(r->u);
    SDL_DestroyWindow(r->win);
}

/* Draws v and returns the frame's pixels (ARGB8888); caller frees. */
static uint32_t *frame(rig *r, const app_view *v, int *w, int *h, const char *shot)
{
    ui_draw(r->u, v);
    SDL_Renderer *ren = ui_renderer(r->u);
    SDL_GetRendererOutputSize(ren, w, h);
    uint32_t *px = malloc((size_t)*w * (size_t)*h * 4);
    assert_non_null(px);
    assert_int_equal(SDL_RenderReadPixels(ren, NULL, SDL_PIXELFORMAT_ARGB8888, px, *w * 4), 0);
    const char *dir = getenv("KISI_UI_SHOTS");  /* to look at the screens: a folder for BMPs */
    if (dir && shot) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s.bmp", dir, shot);
        SDL_Surface *s = SDL_CreateRGBSurfaceWithFormatFrom(px, *w, *h, 32, *w * 4,
                                                            SDL_PIXELFORMAT_ARGB8888);
        if (s) {
            SDL_SaveBMP(s, path);
            SDL_FreeSurface(s);
        }
    }
    return px;
}

static uint64_t digest(const uint32_t *px, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ px[i]) * 1099511628211ull;
    return h;
}

static size_t distinct_colours_at_least(const uint32_t *px, size_t n, size_t want)
{
    uint32_t seen[64];
    size_t k = 0;
    for (size_t i = 0; i < n && k < want && k < 64; i += 7) {
        size_t j = 0;
        while (j < k && seen[j] != (px[i] & 0xFFFFFF)) j++;
        if (j == k) seen[k++] = px[i] & 0xFFFFFF;
    }
    return k;
}

/* Draws every screen on a w x h window at text step `step`; every frame has
 * content, and no two screens look the same. */
static void every_screen(int w, int h, int step, bool contrast)
{
    rig r = open_rig(w, h);
    ui_set_font_step(r.u, step);
    ui_set_high_contrast(r.u, contrast);
    uint64_t seen[NSCREENS];
    for (int s = 0; s < NSCREENS; s++) {
        app_view v = sample((screen)s);
        char shot[96];
        snprintf(shot, sizeof shot, "%s-%dx%d-step%d%s", SCREEN_NAMES[s], w, h, step,
                 contrast ? "-hc" : "");
        int fw, fh;
        uint32_t *px = frame(&r, &v, &fw, &fh, shot);
        assert_int_equal(fw, w);
        assert_int_equal(fh, h);
        if (distinct_colours_at_least(px, (size_t)fw * fh, 3) < 3)
            fail_msg("%s looks empty", shot);
        seen[s] = digest(px, (size_t)fw * fh);
        for (int k = 0; k < s; k++)
            if (seen[k] == seen[s])
                fail_msg("%s and %s draw the same image", SCREEN_NAMES[k], SCREEN_NAMES[s]);
        free(px);
    }
    close_rig(&r);
}

static void test_every_screen_draws_at_1024x768(void **state)
{
    (void)state;
    every_screen(1024, 768, UI_FONT_DEFAULT, false);
}

static void test_every_screen_draws_at_1920x1080(void **state)
{
    (void)state;
    every_screen(1920, 1080, UI_FONT_DEFAULT, false);
}

static void test_every_screen_draws_at_the_largest_text_size(void **state)
{
    (void)state;
    every_screen(1024, 768, UI_FONT_STEPS - 1, false);
    every_screen(1920, 1080, UI_FONT_STEPS - 1, false);
}

static void test_every_screen_draws_in_high_contrast(void **state)
{
    (void)state;
    every_screen(1024, 768, UI_FONT_DEFAULT, true);
}

static SDL_Event key(SDL_Keycode sym, Uint16 mod);

static void test_every_text_size_step_draws_the_exam_and_every_option_can_be_reached(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_EXAM);
    v.stem = LONG_STEM;
    for (int step = 0; step < UI_FONT_STEPS; step++) {
        ui_set_font_step(r.u, step);
        assert_int_equal(ui_font_step(r.u), step);
        char shot[64];
        snprintf(shot, sizeof shot, "exam-long-step%d", step);
        int w, h;
        bool seen[5] = {false};
        v.scroll = 0;
        for (int pages = 0; pages < 50; pages++) {
            free(frame(&r, &v, &w, &h, pages == 0 ? shot : NULL));
            for (int i = 0; i < 5; i++) seen[i] |= ui_hit_rect(r.u, ACT_OPTION, i, NULL);
            SDL_Event e = key(SDLK_PAGEDOWN, KMOD_NONE);
            action a;
            assert_true(ui_map_event(r.u, &e, &v, &a));
            if (a.kind != ACT_SCROLL) break;
            v.scroll += a.index;
        }
        for (int i = 0; i < 5; i++)
            if (!seen[i]) fail_msg("step %d: option %c never clickable", step, 'A' + i);
    }
    ui_set_font_step(r.u, 99);
    assert_int_equal(ui_font_step(r.u), UI_FONT_STEPS - 1);
    ui_set_font_step(r.u, -3);
    assert_int_equal(ui_font_step(r.u), 0);
    close_rig(&r);
}

static void test_high_contrast_changes_the_pixels(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_EXAM);
    int w, h;
    uint32_t *normal = frame(&r, &v, &w, &h, NULL);
    action a = {.kind = ACT_CONTRAST};
    assert_true(ui_apply(r.u, &a));
    assert_true(ui_high_contrast(r.u));
    uint32_t *contrast = frame(&r, &v, &w, &h, NULL);
    assert_int_not_equal(digest(normal, (size_t)w * h), digest(contrast, (size_t)w * h));
    /* the background of the high-contrast theme is black */
    assert_int_equal(contrast[(size_t)(h / 2) * w + w / 2 - 3] & 0xFFFFFF, 0);
    free(normal);
    free(contrast);
    close_rig(&r);
}

/* The pixels the renderer holds now (ARGB8888); caller frees. */
static uint32_t *pixels_now(rig *r, int w, int h)
{
    uint32_t *px = malloc((size_t)w * (size_t)h * 4);
    assert_non_null(px);
    assert_int_equal(SDL_RenderReadPixels(ui_renderer(r->u), NULL, SDL_PIXELFORMAT_ARGB8888, px,
                                          w * 4),
                     0);
    return px;
}

static void test_a_clock_tick_redraws_only_the_header(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_EXAM);
    v.warning = 0;
    v.remaining_ms = 40 * 60000 + 59000;
    int w, h;
    uint32_t *full = frame(&r, &v, &w, &h, NULL);
    v.remaining_ms -= 1000;
    assert_true(ui_draw_tick(r.u, &v));
    uint32_t *ticked = pixels_now(&r, w, h);
    /* the same frame drawn whole, for comparison */
    uint32_t *whole = frame(&r, &v, &w, &h, NULL);
    assert_int_equal(digest(ticked, (size_t)w * h), digest(whole, (size_t)w * h));
    assert_int_not_equal(digest(full, (size_t)w * h), digest(whole, (size_t)w * h));
    /* a new warning, another screen or item needs the whole frame */
    v.warning = 5;
    assert_false(ui_draw_tick(r.u, &v));
    v.warning = 0;
    v.cur++;
    assert_false(ui_draw_tick(r.u, &v));
    v.cur--;
    frame(&r, &v, &w, &h, NULL);
    free(whole);
    whole = pixels_now(&r, w, h);
    v.delivery.state = UPLOADER_AWAITING_APPROVAL;   /* the footer's line changes */
    assert_false(ui_draw_tick(r.u, &v));
    app_view other = sample(SCR_REVIEW);
    assert_false(ui_draw_tick(r.u, &other));
    free(full);
    free(ticked);
    free(whole);
    close_rig(&r);
}

static void test_font_keys_change_the_text_size(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_IDENTIFY);
    int w, h;
    uint32_t *before = frame(&r, &v, &w, &h, NULL);
    action a = {.kind = ACT_FONT_BIGGER};
    assert_true(ui_apply(r.u, &a));
    assert_int_equal(ui_font_step(r.u), UI_FONT_DEFAULT + 1);
    uint32_t *after = frame(&r, &v, &w, &h, NULL);
    assert_int_not_equal(digest(before, (size_t)w * h), digest(after, (size_t)w * h));
    a.kind = ACT_FONT_SMALLER;
    assert_true(ui_apply(r.u, &a));
    assert_int_equal(ui_font_step(r.u), UI_FONT_DEFAULT);
    ui_set_font_step(r.u, UI_FONT_STEPS - 1);
    a.kind = ACT_FONT_BIGGER;
    assert_false(ui_apply(r.u, &a));  /* already the largest */
    a.kind = ACT_NEXT;
    assert_false(ui_apply(r.u, &a));  /* not a look action */
    free(before);
    free(after);
    close_rig(&r);
}

static SDL_Event key(SDL_Keycode sym, Uint16 mod)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.state = SDL_PRESSED;
    e.key.keysym.sym = sym;
    e.key.keysym.scancode = SDL_GetScancodeFromKey(sym);
    e.key.keysym.mod = mod;
    return e;
}

static SDL_Event click_at(int x, int y)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_MOUSEBUTTONDOWN;
    e.button.button = SDL_BUTTON_LEFT;
    e.button.state = SDL_PRESSED;
    e.button.clicks = 1;
    e.button.x = x;
    e.button.y = y;
    return e;
}

/* Maps e on a freshly drawn v; returns whether it mapped. */
static bool map(rig *r, const app_view *v, SDL_Event e, action *out)
{
    memset(out, 0, sizeof *out);
    return ui_map_event(r->u, &e, v, out);
}

static void test_key_b_on_the_exam_chooses_option_1(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_EXAM);
    ui_draw(r.u, &v);
    action a;
    assert_true(map(&r, &v, key(SDLK_b, KMOD_NONE), &a));
    assert_int_equal(a.kind, ACT_OPTION);
    assert_int_equal(a.index, 1);
    assert_true(map(&r, &v, key(SDLK_5, KMOD_NONE), &a));
    assert_int_equal(a.kind, ACT_OPTION);
    assert_int_equal(a.index, 4);
    v.noptions = 2;  /* a true/false item: C means nothing */
    assert_false(map(&r, &v, key(SDLK_c, KMOD_NONE), &a));
    close_rig(&r);
}

/* The pixels of the element of action `kind` (and `index`) as v draws it; caller frees. */
static uint32_t *element_pixels(rig *r, const app_view *v, action_kind kind, int index,
                                SDL_Rect *box)
{
    int w, h;
    uint32_t *px = frame(r, v, &w, &h, NULL);
    assert_true(ui_hit_rect(r->u, kind, index, box));
    uint32_t *out = malloc((size_t)box->w * (size_t)box->h * 4);
    assert_non_null(out);
    for (int y = 0; y < box->h; y++)
        memcpy(out + (size_t)y * box->w, px + (size_t)(box->y + y) * w + box->x, (size_t)box->w * 4);
    free(px);
    return out;
}

/* The sample exam view with eight options A-H. */
static app_view eight_options(void)
{
    static const char *more[3] = {
        "membangun ketahanan sosial budaya melalui gotong royong dan musyawarah di desa",
        "tidak berkaitan dengan pertahanan negara",
        "semua jawaban di atas benar kecuali jawaban A dan C"};
    app_view v = sample(SCR_EXAM);
    v.noptions = 8;
    for (int i = 0; i < 3; i++) v.options[5 + i] = more[i];
    return v;
}

static void test_keys_a_to_h_and_1_to_8_choose_the_eight_options(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    app_view v = eight_options();
    ui_draw(r.u, &v);
    action a;
    SDL_Keycode letters[8] = {SDLK_a, SDLK_b, SDLK_c, SDLK_d, SDLK_e, SDLK_f, SDLK_g, SDLK_h};
    for (int i = 0; i < 8; i++) {
        assert_true(map(&r, &v, key(letters[i], KMOD_NONE), &a));
        assert_int_equal(a.kind, ACT_OPTION);
        assert_int_equal(a.index, i);
        assert_true(map(&r, &v, key(SDLK_1 + i, KMOD_NONE), &a));
        assert_int_equal(a.kind, ACT_OPTION);
        assert_int_equal(a.index, i);
        assert_true(map(&r, &v, key(SDLK_KP_1 + i, KMOD_NONE), &a));
        assert_int_equal(a.index, i);
    }
    /* Ctrl+F flags on an item with an option F; F alone flags where there is none */
    assert_true(map(&r, &v, key(SDLK_f, KMOD_LCTRL), &a));
    assert_int_equal(a.kind, ACT_FLAG);
    v.noptions = 5;
    assert_true(map(&r, &v, key(SDLK_f, KMOD_NONE), &a));
    assert_int_equal(a.kind, ACT_FLAG);
    assert_false(map(&r, &v, key(SDLK_g, KMOD_NONE), &a));
    assert_false(map(&r, &v, key(SDLK_6, KMOD_NONE), &a));
    /* so the flag button names Ctrl+F where F chooses an option, and F elsewhere */
    SDL_Rect b5, b8;
    uint32_t *p5 = element_pixels(&r, &v, ACT_FLAG, 0, &b5);
    app_view v8 = eight_options();
    uint32_t *p8 = element_pixels(&r, &v8, ACT_FLAG, 0, &b8);
    assert_true(b5.w == b8.w && b5.h == b8.h);
    assert_true(memcmp(p5, p8, (size_t)b5.w * b5.h * 4) != 0);
    free(p5);
    free(p8);
    close_rig(&r);
}

/* Draws v page by page (Page Down) until it stops scrolling: every option is
 * clickable on some page (more than a sliver), and on each page the options shown lie in order,
 * apart, fully inside the window and above the buttons. */
static void every_option_reachable_apart(rig *r, app_view v, int w, int h, const char *what)
{
    bool seen[BANK_MAX_OPTIONS] = {false};
    for (int pages = 0; pages < 80; pages++) {
        ui_draw(r->u, &v);
        SDL_Rect prev, o, last = {0, -1, 0, 0};
        assert_true(ui_hit_rect(r->u, ACT_PREV, 0, &prev));
        for (int i = 0; i < v.noptions; i++) {
            if (!ui_hit_rect(r->u, ACT_OPTION, i, &o)) continue;
            seen[i] |= o.h >= 20;  /* shown, not only a sliver at the edge of the scroll */
            if (o.x < 0 || o.x + o.w > w || o.y < 0 || o.y + o.h > h)
                fail_msg("%s: option %c at %d,%d %dx%d is not on the screen", what, 'A' + i, o.x,
                         o.y, o.w, o.h);
            if (last.y >= 0 && o.y < last.y + last.h)
                fail_msg("%s: option %c overlaps the one above", what, 'A' + i);
            if (o.y + o.h > prev.y) fail_msg("%s: option %c runs into the buttons", what, 'A' + i);
            last = o;
        }
        SDL_Event e = key(SDLK_PAGEDOWN, KMOD_NONE);
        action a;
        assert_true(ui_map_event(r->u, &e, &v, &a));
        if (a.kind != ACT_SCROLL) break;
        v.scroll += a.index;
    }
    for (int i = 0; i < v.noptions; i++)
        if (!seen[i]) fail_msg("%s: option %c never clickable", what, 'A' + i);
}

/* every_option_reachable_apart() for v at both screen sizes and every text size;
 * the first page of each is kept as a shot named after `name` (KISI_UI_SHOTS). */
static void at_every_size(app_view v, const char *name)
{
    int sizes[2][2] = {{1024, 768}, {1920, 1080}};
    for (int k = 0; k < 2; k++) {
        rig r = open_rig(sizes[k][0], sizes[k][1]);
        for (int step = 0; step < UI_FONT_STEPS; step++) {
            ui_set_font_step(r.u, step);
            char what[96];
            snprintf(what, sizeof what, "%s-%dx%d-step%d", name, sizes[k][0], sizes[k][1], step);
            int w, h;
            free(frame(&r, &v, &w, &h, what));
            every_option_reachable_apart(&r, v, sizes[k][0], sizes[k][1], what);
        }
        close_rig(&r);
    }
}

static void test_eight_options_fit_or_scroll_at_both_sizes_and_every_text_size(void **state)
{
    (void)state;
    app_view v = eight_options();
    at_every_size(v, "exam-8");
    v.stem = LONG_STEM;
    at_every_size(v, "exam-8-long");
}

static const char *RICH_STEM =
    "<p>Perhatikan data <b>jumlah pelayanan</b> berikut (dalam <i>ribuan</i> berkas):</p>"
    "<table><tr><th>Kantor</th><th>2023</th><th>2024</th><th>Keterangan</th></tr>"
    "<tr><td>Kecamatan Utara</td><td>12</td><td>15</td><td>Naik karena layanan daring dibuka "
    "pada bulan Maret dan antrean dipangkas</td></tr>"
    "<tr><td>Kecamatan Selatan</td><td>9</td><td>8</td><td>Turun</td></tr></table>"
    "<p>Rumus: (x<sub>2024</sub> &minus; x<sub>2023</sub>) / x<sub>2023</sub> &times; "
    "10<sup>2</sup>. Catatan: 3 &lt; 4 &amp; 5 &gt; 2.</p>"
    "<ul><li>Kantor dengan pertumbuhan <u>tertinggi</u> mendapat penghargaan.</li>"
    "<li>Langkah:<ol><li>hitung</li><li>bandingkan</li></ol></li></ul>"
    "<p>Manakah pernyataan yang <b><i>paling tepat</i></b>?</p>";

static void test_rich_items_with_eight_options_fit_or_scroll_at_every_size(void **state)
{
    (void)state;
    app_view v = eight_options();
    v.rich = true;
    v.stem = RICH_STEM;
    v.options[3] = "<b>Tidak</b> dapat ditentukan: <ul><li>data kurang</li><li>tahun beda</li></ul>";
    v.options[6] = "<table><tr><td>H<sub>2</sub>O</td><td>CO<sub>2</sub></td></tr></table>";
    at_every_size(v, "exam-rich");
}

/* The pixels of option A's box drawn with text s (rich or not); caller frees. */
static uint32_t *option_a_pixels(rig *r, const char *s, bool rich, SDL_Rect *box)
{
    app_view v = sample(SCR_EXAM);
    v.rich = rich;
    v.stem = "Soal";
    v.options[0] = s;
    v.chosen[1] = false;
    return element_pixels(r, &v, ACT_OPTION, 0, box);
}

static bool same_option_a(rig *r, const char *a, bool ra, const char *b, bool rb)
{
    SDL_Rect x, y;
    uint32_t *pa = option_a_pixels(r, a, ra, &x), *pb = option_a_pixels(r, b, rb, &y);
    bool same = x.w == y.w && x.h == y.h && memcmp(pa, pb, (size_t)x.w * x.h * 4) == 0;
    free(pa);
    free(pb);
    return same;
}

static void test_rich_text_never_shows_a_tag_and_shows_its_styles(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    /* markup that changes nothing draws exactly the plain words, entities their characters */
    assert_true(same_option_a(&r, "<p>Jawaban  <span>pertama</span></p>", true, "Jawaban pertama",
                              false));
    assert_true(same_option_a(&r, "&lt;b&gt; &amp; 3 &lt; 4", true, "<b> & 3 < 4", false));
    assert_true(same_option_a(&r, "3 < 4 <b", true, "3 < 4 <b", false));
    /* the same text plain shows its tags; a style changes the pixels */
    assert_false(same_option_a(&r, "<p>Jawaban</p>", false, "Jawaban", false));
    assert_false(same_option_a(&r, "<b>Jawaban</b>", true, "Jawaban", false));
    assert_false(same_option_a(&r, "<i>Jawaban</i>", true, "Jawaban", false));
    assert_false(same_option_a(&r, "<u>Jawaban</u>", true, "Jawaban", false));
    assert_false(same_option_a(&r, "x<sup>2</sup>", true, "x2", false));
    close_rig(&r);
}

/* A PNG of w x h in memory made by SDL; caller frees with SDL_free(). */
static void *png_of(int w, int h, size_t *len)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(s);
    SDL_FillRect(s, NULL, SDL_MapRGB(s->format, 0xC0, 0x30, 0x20));
    SDL_FillRect(s, &(SDL_Rect){w / 4, h / 4, w / 2, h / 2}, SDL_MapRGB(s->format, 0x20, 0x60, 0xC0));
    SDL_RWops *rw = SDL_RWFromMem(calloc(1, (size_t)w * h * 4 + 4096), w * h * 4 + 4096);
    assert_non_null(rw);
    void *base = ((char *)rw->hidden.mem.base);
    assert_int_equal(IMG_SavePNG_RW(s, rw, 0), 0);
    *len = (size_t)SDL_RWtell(rw);
    SDL_RWclose(rw);
    SDL_FreeSurface(s);
    return base;
}

static void test_an_item_image_shows_between_stem_and_options_scaled_to_fit(void **state)
{
    (void)state;
    int sizes[2][2] = {{1024, 768}, {1920, 1080}};
    size_t len = 0;
    unsigned char *png = png_of(1600, 900, &len);  /* wider than any stem panel */
    for (int k = 0; k < 2; k++) {
        rig r = open_rig(sizes[k][0], sizes[k][1]);
        for (int step = 0; step < UI_FONT_STEPS; step += UI_FONT_STEPS - 1) {
            ui_set_font_step(r.u, step);
            app_view v = sample(SCR_EXAM), bare = v;
            v.image = png;
            v.image_len = len;
            int w, h;
            uint32_t *without = frame(&r, &bare, &w, &h, NULL);
            char shot[64];
            snprintf(shot, sizeof shot, "exam-image-%dx%d-step%d", sizes[k][0], sizes[k][1], step);
            uint32_t *with = frame(&r, &v, &w, &h, shot);
            SDL_Rect a;
            assert_true(ui_hit_rect(r.u, ACT_OPTION, 0, &a));
            /* the picture's blue middle is drawn above option A, inside the window */
            int blue = 0;
            for (int y = 0; y < a.y; y++)
                for (int x = 0; x < w; x++) blue += with[(size_t)y * w + x] == 0xFF2060C0u;
            if (blue < 1000) fail_msg("%dx%d: the image is not shown above the options", w, h);
            assert_true(memcmp(with, without, (size_t)w * h * 4) != 0);
            free(with);
            free(without);
            every_option_reachable_apart(&r, v, sizes[k][0], sizes[k][1], "image");
        }
        close_rig(&r);
    }
    free(png);
    /* bytes that are no image: a note instead, no crash, options still there */
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_EXAM);
    v.image = (const unsigned char *)"not an image at all";
    v.image_len = 19;
    int w, h;
    free(frame(&r, &v, &w, &h, "exam-image-broken"));
    assert_true(ui_hit_rect(r.u, ACT_OPTION, 4, NULL));
    close_rig(&r);
}

static void test_click_on_the_centre_of_option_c_chooses_option_2(void **state)
{
    (void)state;
    int sizes[2][2] = {{1024, 768}, {1920, 1080}};
    for (int k = 0; k < 2; k++) {
        rig r = open_rig(sizes[k][0], sizes[k][1]);
        app_view v = sample(SCR_EXAM);
        ui_draw(r.u, &v);
        SDL_Rect b, c, d;
        assert_true(ui_hit_rect(r.u, ACT_OPTION, 1, &b));
        assert_true(ui_hit_rect(r.u, ACT_OPTION, 2, &c));
        assert_true(ui_hit_rect(r.u, ACT_OPTION, 3, &d));
        assert_true(b.y + b.h <= c.y);  /* C lies between B and D, inside the window */
        assert_true(c.y + c.h <= d.y);
        assert_true(c.x >= 0 && c.x + c.w <= sizes[k][0] && c.h >= 30);
        action a;
        assert_true(map(&r, &v, click_at(c.x + c.w / 2, c.y + c.h / 2), &a));
        assert_int_equal(a.kind, ACT_OPTION);
        assert_int_equal(a.index, 2);
        /* the gap between two options is no option */
        if (c.y + c.h < d.y) assert_false(map(&r, &v, click_at(c.x + 5, c.y + c.h), &a) &&
                                          a.kind == ACT_OPTION);
        close_rig(&r);
    }
}

static void test_clicks_on_navigator_and_buttons(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_EXAM);
    ui_draw(r.u, &v);
    SDL_Rect g;
    action a;
    assert_true(ui_hit_rect(r.u, ACT_GOTO, 41, &g));
    assert_true(map(&r, &v, click_at(g.x + g.w / 2, g.y + g.h / 2), &a));
    assert_int_equal(a.kind, ACT_GOTO);
    assert_int_equal(a.index, 41);
    action_kind buttons[] = {ACT_PREV, ACT_NEXT, ACT_FLAG, ACT_REVIEW, ACT_SUBMIT};
    for (size_t i = 0; i < sizeof buttons / sizeof *buttons; i++) {
        assert_true(ui_hit_rect(r.u, buttons[i], 0, &g));
        assert_true(map(&r, &v, click_at(g.x + 2, g.y + 2), &a));
        assert_int_equal(a.kind, buttons[i]);
    }
    close_rig(&r);
}

static void test_review_lists_unanswered_items_as_links(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_REVIEW);
    ui_draw(r.u, &v);
    SDL_Rect g;
    action a;
    assert_true(ui_hit_rect(r.u, ACT_GOTO, 0, &g));   /* item 1 is unanswered */
    assert_true(map(&r, &v, click_at(g.x + g.w / 2, g.y + g.h / 2), &a));
    assert_int_equal(a.kind, ACT_GOTO);
    assert_int_equal(a.index, 0);
    assert_true(ui_hit_rect(r.u, ACT_GOTO, 2, &g));   /* item 3 is flagged */
    assert_false(ui_hit_rect(r.u, ACT_GOTO, 1, &g));  /* item 2 is neither */
    assert_true(ui_hit_rect(r.u, ACT_SUBMIT, 0, &g));
    assert_true(ui_hit_rect(r.u, ACT_ESCAPE, 0, &g));
    assert_true(map(&r, &v, key(SDLK_ESCAPE, KMOD_NONE), &a));
    assert_int_equal(a.kind, ACT_ESCAPE);
    close_rig(&r);
}

static void test_a_lone_y_on_confirm_never_submits(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_CONFIRM);
    ui_draw(r.u, &v);
    action a;
    SDL_Keycode stray[] = {SDLK_y, SDLK_n, SDLK_s, SDLK_SPACE, SDLK_a};
    for (size_t i = 0; i < sizeof stray / sizeof *stray; i++) {
        bool m = map(&r, &v, key(stray[i], KMOD_NONE), &a);
        assert_false(m && (a.kind == ACT_YES || a.kind == ACT_ENTER || a.kind == ACT_SUBMIT));
    }
    SDL_Event t;
    memset(&t, 0, sizeof t);
    t.type = SDL_TEXTINPUT;
    strcpy(t.text.text, "y");
    assert_false(map(&r, &v, t, &a));
    /* Enter on the default focus (No) declines */
    assert_true(map(&r, &v, key(SDLK_RETURN, KMOD_NONE), &a));
    assert_int_equal(a.kind, ACT_NO);
    /* Tab / Right move the focus; Enter on Yes submits */
    assert_true(map(&r, &v, key(SDLK_RIGHT, KMOD_NONE), &a));
    assert_int_equal(a.kind, ACT_TAB);
    assert_false(map(&r, &v, key(SDLK_LEFT, KMOD_NONE), &a));  /* already on No */
    v.confirm_focus = 1;
    assert_true(map(&r, &v, key(SDLK_RETURN, KMOD_NONE), &a));
    assert_int_equal(a.kind, ACT_YES);
    SDL_Event held = key(SDLK_RETURN, KMOD_NONE);
    held.key.repeat = 1;  /* a held Enter from the screen before does not submit */
    assert_false(map(&r, &v, held, &a));
    assert_true(map(&r, &v, key(SDLK_ESCAPE, KMOD_NONE), &a));
    assert_int_equal(a.kind, ACT_NO);
    SDL_Rect yes, no;
    ui_draw(r.u, &v);
    assert_true(ui_hit_rect(r.u, ACT_YES, 0, &yes));
    assert_true(ui_hit_rect(r.u, ACT_NO, 0, &no));
    assert_true(no.x + no.w <= yes.x);  /* No on the left, Yes on the right */
    close_rig(&r);
}

static void test_text_screens_take_typed_text(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    SDL_Event t;
    memset(&t, 0, sizeof t);
    t.type = SDL_TEXTINPUT;
    strcpy(t.text.text, "7");
    action a;
    screen text[] = {SCR_IDENTIFY, SCR_WAIT, SCR_LOCKED, SCR_PROCTOR};
    for (size_t i = 0; i < 4; i++) {
        app_view v = sample(text[i]);
        ui_draw(r.u, &v);
        /* characters come from the keys, so text and Enter keep their order */
        assert_false(map(&r, &v, t, &a));
        assert_true(map(&r, &v, key(SDLK_7, KMOD_NONE), &a));
        assert_int_equal(a.kind, ACT_TEXT);
        assert_string_equal(a.text, "7");
        assert_true(map(&r, &v, key(SDLK_KP_0, KMOD_NONE), &a));
        assert_string_equal(a.text, "0");
        assert_true(map(&r, &v, key(SDLK_k, KMOD_LSHIFT), &a));
        assert_string_equal(a.text, "K");
        assert_false(map(&r, &v, key(SDLK_k, KMOD_LCTRL), &a));
        assert_true(map(&r, &v, key(SDLK_BACKSPACE, KMOD_NONE), &a));
        assert_int_equal(a.kind, ACT_BACKSPACE);
        assert_true(map(&r, &v, key(SDLK_RETURN, KMOD_NONE), &a));
        assert_int_equal(a.kind, ACT_ENTER);
        assert_true(map(&r, &v, key(SDLK_TAB, KMOD_NONE), &a));
        assert_int_equal(a.kind, ACT_TAB);
        assert_true(map(&r, &v, key(SDLK_ESCAPE, KMOD_NONE), &a));
        assert_int_equal(a.kind, ACT_ESCAPE);
    }
    app_view exam = sample(SCR_EXAM);
    assert_false(map(&r, &exam, t, &a));  /* the exam takes keys, not text */
    close_rig(&r);
}

static void test_identify_click_on_the_other_field_moves_to_it(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_IDENTIFY);  /* PIN focused */
    ui_draw(r.u, &v);
    SDL_Rect f;
    action a;
    assert_true(ui_hit_rect(r.u, ACT_TAB, 0, &f));
    assert_true(map(&r, &v, click_at(f.x + 4, f.y + 4), &a));
    assert_int_equal(a.kind, ACT_TAB);
    close_rig(&r);
}

static void test_long_stem_scrolls_before_page_down_moves_on(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    ui_set_font_step(r.u, UI_FONT_STEPS - 1);
    app_view v = sample(SCR_EXAM);
    v.stem = LONG_STEM;
    ui_draw(r.u, &v);
    action a;
    assert_false(map(&r, &v, key(SDLK_UP, KMOD_NONE), &a));  /* at the top */
    assert_true(map(&r, &v, key(SDLK_PAGEUP, KMOD_NONE), &a));
    assert_int_equal(a.kind, ACT_PREV);
    assert_true(map(&r, &v, key(SDLK_DOWN, KMOD_NONE), &a));
    assert_int_equal(a.kind, ACT_SCROLL);
    assert_int_equal(a.index, 1);
    int steps = 0;
    for (;;) {
        assert_true(map(&r, &v, key(SDLK_PAGEDOWN, KMOD_NONE), &a));
        if (a.kind != ACT_SCROLL) break;
        assert_true(a.index > 0);
        v.scroll += a.index;
        ui_draw(r.u, &v);
        assert_true(++steps < 50);
    }
    assert_true(steps >= 1);
    assert_int_equal(a.kind, ACT_NEXT);  /* at the end of the stem: next item */
    assert_false(map(&r, &v, key(SDLK_DOWN, KMOD_NONE), &a));
    assert_true(map(&r, &v, key(SDLK_PAGEUP, KMOD_NONE), &a));
    assert_int_equal(a.kind, ACT_SCROLL);
    assert_true(a.index < 0);
    /* a short stem does not scroll: Page Down moves on at once */
    app_view s = sample(SCR_EXAM);
    ui_set_font_step(r.u, UI_FONT_DEFAULT);
    ui_draw(r.u, &s);
    assert_true(map(&r, &s, key(SDLK_PAGEDOWN, KMOD_NONE), &a));
    assert_int_equal(a.kind, ACT_NEXT);
    close_rig(&r);
}

static void test_exam_keys(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_EXAM);
    ui_draw(r.u, &v);
    struct { SDL_Keycode k; Uint16 mod; action_kind want; } cases[] = {
        {SDLK_LEFT, KMOD_NONE, ACT_PREV},    {SDLK_RIGHT, KMOD_NONE, ACT_NEXT},
        {SDLK_f, KMOD_NONE, ACT_FLAG},       {SDLK_f, KMOD_LCTRL, ACT_FLAG},
        {SDLK_r, KMOD_NONE, ACT_REVIEW},     {SDLK_s, KMOD_NONE, ACT_SUBMIT},
        {SDLK_EQUALS, KMOD_LCTRL, ACT_FONT_BIGGER}, {SDLK_KP_PLUS, KMOD_RCTRL, ACT_FONT_BIGGER},
        {SDLK_MINUS, KMOD_LCTRL, ACT_FONT_SMALLER}, {SDLK_h, KMOD_LCTRL, ACT_CONTRAST},
        {SDLK_p, KMOD_LCTRL | KMOD_LALT, ACT_PROCTOR},
    };
    action a;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (!map(&r, &v, key(cases[i].k, cases[i].mod), &a))
            fail_msg("case %zu mapped to nothing", i);
        assert_int_equal(a.kind, cases[i].want);
    }
    assert_false(map(&r, &v, key(SDLK_b, KMOD_LCTRL), &a));  /* Ctrl+B is no answer */
    assert_false(map(&r, &v, key(SDLK_x, KMOD_NONE), &a));
    close_rig(&r);
}

static void test_window_events_become_actions(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_EXAM);
    ui_draw(r.u, &v);
    SDL_Event e;
    action a;
    memset(&e, 0, sizeof e);
    e.type = SDL_QUIT;
    assert_true(map(&r, &v, e, &a));
    assert_int_equal(a.kind, ACT_QUIT);
    e.type = SDL_WINDOWEVENT;
    e.window.event = SDL_WINDOWEVENT_CLOSE;
    assert_true(map(&r, &v, e, &a));
    assert_int_equal(a.kind, ACT_QUIT);
    e.window.event = SDL_WINDOWEVENT_FOCUS_LOST;
    assert_true(map(&r, &v, e, &a));
    assert_int_equal(a.kind, ACT_FOCUS_LOST);
    e.window.event = SDL_WINDOWEVENT_SIZE_CHANGED;
    e.window.data1 = 1024;
    e.window.data2 = 768;
    assert_false(map(&r, &v, e, &a));  /* the size it already has */
    e.window.data1 = 1280;
    assert_true(map(&r, &v, e, &a));
    assert_int_equal(a.kind, ACT_DISPLAY);
    e.type = SDL_DISPLAYEVENT;
    assert_true(map(&r, &v, e, &a));
    assert_int_equal(a.kind, ACT_DISPLAY);
    close_rig(&r);
}

static void test_time_warning_changes_the_clock_and_shows_the_message(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_EXAM);
    int w, h;
    uint32_t *calm = frame(&r, &v, &w, &h, "exam-calm");
    v.remaining_ms = 4 * 60000 + 59000;
    v.warning = 5;
    uint32_t *warn5 = frame(&r, &v, &w, &h, "exam-warn5");
    v.remaining_ms = 59000;
    v.warning = 1;
    uint32_t *warn1 = frame(&r, &v, &w, &h, "exam-warn1");
    assert_int_not_equal(digest(calm, (size_t)w * h), digest(warn5, (size_t)w * h));
    assert_int_not_equal(digest(warn5, (size_t)w * h), digest(warn1, (size_t)w * h));
    /* the clock's box turns to the warning colour: look for its red at the top right */
    size_t red = 0;
    for (int y = 0; y < h / 12; y++)
        for (int x = w * 3 / 4; x < w; x++)
            red += (warn5[(size_t)y * w + x] & 0xFFFFFF) == 0xA8101C;
    assert_true(red > 100);
    free(calm);
    free(warn5);
    free(warn1);
    close_rig(&r);
}

static void test_multiple_response_items_look_different_from_single(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_EXAM);
    int w, h;
    uint32_t *single = frame(&r, &v, &w, &h, NULL);
    v.multi = true;
    v.chosen[3] = true;
    uint32_t *multi = frame(&r, &v, &w, &h, "exam-multi");
    assert_int_not_equal(digest(single, (size_t)w * h), digest(multi, (size_t)w * h));
    free(single);
    free(multi);
    close_rig(&r);
}

static void test_mouse_wheel_scrolls_a_long_stem(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    ui_set_font_step(r.u, UI_FONT_STEPS - 1);
    app_view v = sample(SCR_EXAM);
    v.stem = LONG_STEM;
    ui_draw(r.u, &v);
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_MOUSEWHEEL;
    e.wheel.y = -1;  /* towards the user: down */
    action a;
    assert_true(map(&r, &v, e, &a));
    assert_int_equal(a.kind, ACT_SCROLL);
    assert_true(a.index > 0);
    e.wheel.y = 1;
    assert_false(map(&r, &v, e, &a));  /* already at the top */
    close_rig(&r);
}

static void test_result_shows_two_decimals_in_each_language(void **state)
{
    (void)state;
    /* the same result in id and en differs only by its texts */
    char why[WHY_SIZE];
    texts *en = texts_load("assets/strings", "en", why);
    assert_non_null(en);
    assert_string_equal(texts_get(ui_texts, "fmt.decimal"), ",");
    assert_string_equal(texts_get(en, "fmt.decimal"), ".");
    SDL_Window *w = SDL_CreateWindow("en", 0, 0, 1024, 768, SDL_WINDOW_HIDDEN);
    ui *u = ui_new(w, FONT, en, why);
    assert_non_null(u);
    app_view v = sample(SCR_RESULT);
    ui_draw(u, &v);
    SDL_Rect next;
    assert_true(ui_hit_rect(u, ACT_NEXT_SEAT, 0, &next));
    ui_free(u);
    SDL_DestroyWindow(w);
    texts_free(en);
}

/* Every clickable element of the last frame, as drawn. */
typedef struct hots {
    int n;
    SDL_Rect r[96];
    action_kind k[96];
    int index[96];
} hots;

static hots hot_rects(rig *r)
{
    hots h = {0};
    action_kind kinds[] = {ACT_PREV, ACT_NEXT, ACT_FLAG, ACT_REVIEW, ACT_SUBMIT, ACT_ESCAPE,
                           ACT_YES, ACT_NO};
    for (int i = 0; i < BANK_MAX_OPTIONS; i++)
        if (ui_hit_rect(r->u, ACT_OPTION, i, &h.r[h.n])) h.k[h.n] = ACT_OPTION, h.index[h.n++] = i;
    for (int i = 0; i < NITEMS; i++)
        if (ui_hit_rect(r->u, ACT_GOTO, i, &h.r[h.n])) h.k[h.n] = ACT_GOTO, h.index[h.n++] = i;
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (ui_hit_rect(r->u, kinds[i], 0, &h.r[h.n])) h.k[h.n] = kinds[i], h.index[h.n++] = 0;
    return h;
}

static void same_hots(const hots *a, const hots *b, const char *what)
{
    if (a->n != b->n) fail_msg("%s: %d clickable elements, then %d", what, a->n, b->n);
    for (int i = 0; i < a->n; i++)
        if (a->k[i] != b->k[i] || a->index[i] != b->index[i] ||
            !SDL_RectEquals(&a->r[i], &b->r[i]))
            fail_msg("%s: element %d (kind %d, index %d) moved from %d,%d %dx%d to %d,%d %dx%d",
                     what, i, (int)a->k[i], a->index[i], a->r[i].x, a->r[i].y, a->r[i].w,
                     a->r[i].h, b->r[i].x, b->r[i].y, b->r[i].w, b->r[i].h);
}

static void test_a_warning_never_moves_what_can_be_clicked(void **state)
{
    (void)state;
    int sizes[2][2] = {{1024, 768}, {1920, 1080}};
    screen screens[] = {SCR_EXAM, SCR_REVIEW, SCR_CONFIRM};
    for (int k = 0; k < 2; k++)
        for (int step = UI_FONT_DEFAULT; step < UI_FONT_STEPS; step += UI_FONT_STEPS - 1 - UI_FONT_DEFAULT)
            for (size_t sc = 0; sc < 3; sc++) {
                rig r = open_rig(sizes[k][0], sizes[k][1]);
                ui_set_font_step(r.u, step);
                app_view v = sample(screens[sc]);
                v.remaining_ms = 6 * 60000;
                ui_draw(r.u, &v);
                hots calm = hot_rects(&r);
                assert_true(calm.n > 0);
                v.remaining_ms = 112000;
                v.warning = 5;
                ui_draw(r.u, &v);
                hots w5 = hot_rects(&r);
                v.remaining_ms = 59000;
                v.warning = 1;
                ui_draw(r.u, &v);
                hots w1 = hot_rects(&r);
                char what[96];
                snprintf(what, sizeof what, "%s %dx%d step %d, 5-minute warning",
                         SCREEN_NAMES[screens[sc]], sizes[k][0], sizes[k][1], step);
                same_hots(&calm, &w5, what);
                snprintf(what, sizeof what, "%s %dx%d step %d, 1-minute warning",
                         SCREEN_NAMES[screens[sc]], sizes[k][0], sizes[k][1], step);
                same_hots(&calm, &w1, what);
                if (screens[sc] == SCR_EXAM) {
                    /* "answer saved" and a journal problem do not move anything either */
                    v.msg = "exam.saved";
                    ui_draw(r.u, &v);
                    hots saved = hot_rects(&r);
                    same_hots(&calm, &saved, "exam with \"answer saved\"");
                    v.msg = "journal.error";
                    ui_draw(r.u, &v);
                    hots err = hot_rects(&r);
                    same_hots(&calm, &err, "exam with an unsaved answer");
                    /* nor does an answer (the clear button appears in its own line) */
                    memset(v.chosen, 0, sizeof v.chosen);
                    v.msg = "";
                    ui_draw(r.u, &v);
                    hots none = hot_rects(&r);
                    same_hots(&calm, &none, "exam without an answer");
                }
                close_rig(&r);
            }
}

static void test_warnings_count_down_the_real_time_left(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_EXAM);
    char line[256];
    ui_warning_text(r.u, &v, line, sizeof line);
    assert_string_equal(line, "");  /* no warning: no text */
    v.warning = 5;
    v.remaining_ms = 112000;  /* 01:52 */
    ui_warning_text(r.u, &v, line, sizeof line);
    assert_non_null(strstr(line, "1 menit 52 detik"));
    v.remaining_ms = 4 * 60000 + 59500;
    ui_warning_text(r.u, &v, line, sizeof line);
    assert_non_null(strstr(line, "5 menit 0 detik"));  /* the clock shows 05:00 */
    v.warning = 1;
    v.remaining_ms = 42000;
    ui_warning_text(r.u, &v, line, sizeof line);
    assert_non_null(strstr(line, "42 detik"));
    /* each second redraws the header with the new count */
    int w, h;
    free(frame(&r, &v, &w, &h, NULL));
    uint32_t *at42 = pixels_now(&r, w, h);
    v.remaining_ms = 41000;
    assert_true(ui_draw_tick(r.u, &v));
    uint32_t *at41 = pixels_now(&r, w, h);
    assert_int_not_equal(digest(at42, (size_t)w * h), digest(at41, (size_t)w * h));
    free(at42);
    free(at41);
    close_rig(&r);
}

static void test_the_clock_ticks_on_review_and_confirm(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    screen screens[] = {SCR_REVIEW, SCR_CONFIRM};
    for (int i = 0; i < 2; i++) {
        app_view v = sample(screens[i]);
        v.remaining_ms = 4 * 60000 + 10000;
        v.warning = 5;
        int w, h;
        free(frame(&r, &v, &w, &h, i ? "confirm-warn5" : "review-warn5"));
        v.remaining_ms -= 1000;
        assert_true(ui_draw_tick(r.u, &v));
        uint32_t *ticked = pixels_now(&r, w, h);
        uint32_t *whole = frame(&r, &v, &w, &h, NULL);
        assert_int_equal(digest(ticked, (size_t)w * h), digest(whole, (size_t)w * h));
        /* the clock's box in the warning colour at the top right */
        size_t red = 0;
        for (int y = 0; y < h / 12; y++)
            for (int x = w * 3 / 4; x < w; x++)
                red += (whole[(size_t)y * w + x] & 0xFFFFFF) == 0xA8101C;
        assert_true(red > 100);
        free(ticked);
        free(whole);
    }
    close_rig(&r);
}

static void test_true_false_items_have_their_own_hint(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_EXAM);
    v.noptions = 2;
    v.options[0] = "Benar";
    v.options[1] = "Salah";
    int w, h;
    uint32_t *single = frame(&r, &v, &w, &h, NULL);
    v.truefalse = true;
    uint32_t *tf = frame(&r, &v, &w, &h, "exam-truefalse");
    assert_int_not_equal(digest(single, (size_t)w * h), digest(tf, (size_t)w * h));
    free(single);
    free(tf);
    const char *hint = texts_get(ui_texts, "exam.single");
    assert_non_null(strstr(hint, "{1}"));  /* the item's letters, not a fixed A–E */
    assert_non_null(strstr(hint, "{2}"));
    assert_null(strstr(texts_get(ui_texts, "exam.truefalse"), "A–E"));
    close_rig(&r);
}

static void test_a_given_answer_can_be_cleared_by_key_or_click(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_EXAM);
    ui_draw(r.u, &v);
    action a;
    assert_true(map(&r, &v, key(SDLK_DELETE, KMOD_NONE), &a));
    assert_int_equal(a.kind, ACT_CLEAR);
    assert_true(map(&r, &v, key(SDLK_BACKSPACE, KMOD_NONE), &a));
    assert_int_equal(a.kind, ACT_CLEAR);
    SDL_Rect c;
    assert_true(ui_hit_rect(r.u, ACT_CLEAR, 0, &c));
    assert_true(map(&r, &v, click_at(c.x + c.w / 2, c.y + c.h / 2), &a));
    assert_int_equal(a.kind, ACT_CLEAR);
    memset(v.chosen, 0, sizeof v.chosen);
    ui_draw(r.u, &v);
    assert_false(ui_hit_rect(r.u, ACT_CLEAR, 0, &c));  /* nothing to clear */
    close_rig(&r);
}

static void test_the_look_resets_for_the_next_participant(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_RESULT);
    ui_set_font_step(r.u, UI_FONT_STEPS - 1);
    ui_set_high_contrast(r.u, true);
    ui_draw(r.u, &v);  /* the same participant: her look stays */
    assert_int_equal(ui_font_step(r.u), UI_FONT_STEPS - 1);
    assert_true(ui_high_contrast(r.u));
    app_view next = sample(SCR_IDENTIFY);
    next.seat = v.seat + 1;
    ui_draw(r.u, &next);
    assert_int_equal(ui_font_step(r.u), UI_FONT_DEFAULT);
    assert_false(ui_high_contrast(r.u));
    ui_set_font_step(r.u, UI_FONT_DEFAULT + 1);  /* the next one chooses his own */
    ui_draw(r.u, &next);
    assert_int_equal(ui_font_step(r.u), UI_FONT_DEFAULT + 1);
    close_rig(&r);
}

static void test_time_out_notice_leads_to_the_result(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_TIMEOUT);
    ui_draw(r.u, &v);
    action a;
    assert_true(map(&r, &v, key(SDLK_RETURN, KMOD_NONE), &a));
    assert_int_equal(a.kind, ACT_ENTER);
    assert_false(map(&r, &v, key(SDLK_b, KMOD_NONE), &a));  /* an answer key does nothing */
    SDL_Rect b;
    assert_true(ui_hit_rect(r.u, ACT_ENTER, 0, &b));
    assert_true(map(&r, &v, click_at(b.x + b.w / 2, b.y + b.h / 2), &a));
    assert_int_equal(a.kind, ACT_ENTER);
    close_rig(&r);
}

static void test_the_result_says_when_the_ceiling_lowered_the_score(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_RESULT);
    v.score = (bank_score){8500, 9001, 8500, true, "Memuaskan"};
    ui_draw(r.u, &v);
    SDL_Rect plain, capped;
    assert_true(ui_hit_rect(r.u, ACT_NEXT_SEAT, 0, &plain));
    v.score = (bank_score){9500, 9001, 9001, true, "Memuaskan"};
    int w, h;
    free(frame(&r, &v, &w, &h, "result-capped"));
    assert_true(ui_hit_rect(r.u, ACT_NEXT_SEAT, 0, &capped));
    assert_true(capped.y > plain.y);  /* a line more: why the awarded score is lower */
    close_rig(&r);
}

static void test_at_1024x768_with_the_largest_text_a_long_item_reads_well(void **state)
{
    (void)state;
    rig r = open_rig(1024, 768);
    ui_set_font_step(r.u, UI_FONT_STEPS - 1);
    app_view v = sample(SCR_EXAM);
    v.stem = LONG_STEM;
    v.exam_title = "Evaluasi Akademik Pelatihan Dasar CPNS Golongan III Angkatan 2024";
    bool seen[BANK_MAX_OPTIONS] = {false};
    SDL_Rect prev, next;
    for (int pages = 0; pages < 50; pages++) {
        int w, h;
        free(frame(&r, &v, &w, &h, pages == 0 ? "exam-long-1024-largest" : NULL));
        assert_true(ui_hit_rect(r.u, ACT_PREV, 0, &prev));
        assert_true(ui_hit_rect(r.u, ACT_NEXT, 0, &next));
        for (int i = 0; i < v.noptions; i++) {
            SDL_Rect o;
            if (!ui_hit_rect(r.u, ACT_OPTION, i, &o)) continue;
            seen[i] = true;
            /* wide enough to read, and clear of the buttons below */
            if (o.w < w * 3 / 5) fail_msg("option %c is only %d px wide", 'A' + i, o.w);
            assert_true(o.y + o.h <= prev.y);
            assert_true(o.x >= 0 && o.x + o.w <= w);
        }
        SDL_Event e = key(SDLK_PAGEDOWN, KMOD_NONE);
        action a;
        assert_true(ui_map_event(r.u, &e, &v, &a));
        if (a.kind != ACT_SCROLL) break;
        v.scroll += a.index;
    }
    for (int i = 0; i < v.noptions; i++)
        if (!seen[i]) fail_msg("option %c never shown", 'A' + i);
    /* the buttons keep a readable size and stay on the screen */
    assert_true(prev.h >= 40 && prev.x >= 0 && next.x + next.w <= 1024);
    close_rig(&r);
}

/* The footer's delivery line for d in `s`; *act gets its attention flag. */
static const char *foot(const texts *s, const uploader_info *d, bool *act)
{
    static char out[256];
    bool a = ui_delivery_text(s, d, out, sizeof out);
    if (act) *act = a;
    return out;
}

static void test_the_footer_says_where_delivery_stands_and_why(void **state)
{
    (void)state;
    char why[WHY_SIZE];
    texts *en = texts_load("assets/strings", "en", why);
    assert_non_null(en);
    uploader_info d;
    bool act;
    memset(&d, 0, sizeof d);
    snprintf(d.kiosk, sizeof d.kiosk, "ABCD-EFGH");
    /* no --core: never "waiting for the server" */
    d.state = UPLOADER_OFF;
    d.queued = 2;
    assert_string_equal(foot(en, &d, &act),
                        "No server: 2 results kept on this PC, export them to a stick");
    assert_false(act);
    assert_null(strstr(foot(ui_texts, &d, NULL), "menunggu dikirim"));
    assert_non_null(strstr(foot(ui_texts, &d, NULL), "salin ke flashdisk"));
    d.queued = 1;   /* one result, in English's singular */
    assert_string_equal(foot(en, &d, NULL), "No server: 1 result kept on this PC, export it to a stick");
    d.queued = 0;   /* nothing to carry: no advice to carry it */
    assert_string_equal(foot(en, &d, NULL), "No server: results are kept on this PC");
    assert_null(strstr(foot(ui_texts, &d, NULL), "flashdisk"));
    d.state = UPLOADER_OK;
    d.queued = 0;
    assert_string_equal(foot(en, &d, &act), "All results delivered to the server");
    assert_false(act);
    d.queued = 3;
    assert_string_equal(foot(en, &d, &act), "3 waiting \xC2\xB7 sending to the server");
    assert_false(act);
    d.state = UPLOADER_UNREACHABLE;
    d.net = UPLOADER_NET_REFUSED;
    assert_string_equal(foot(en, &d, &act), "3 waiting \xC2\xB7 server unreachable: connection "
                                            "refused (is the server running?) \xC2\xB7 retrying");
    assert_true(act);
    d.net = UPLOADER_NET_OTHER;
    snprintf(d.reason, sizeof d.reason, "Recv failure: Connection reset by peer");
    assert_non_null(strstr(foot(en, &d, NULL), "unreachable: Recv failure: Connection reset"));
    d.net = UPLOADER_NET_NOROUTE;
    assert_non_null(strstr(foot(ui_texts, &d, NULL), "server tidak terjangkau: jaringan tidak"));
    d.state = UPLOADER_AWAITING_APPROVAL;
    d.queued = 0;
    assert_string_equal(foot(en, &d, &act), "0 waiting \xC2\xB7 kiosk awaiting approval: "
                                            "core kiosk approve ABCD-EFGH");
    assert_true(act);
    assert_non_null(strstr(foot(ui_texts, &d, NULL),
                           "kios belum disetujui: core kiosk approve ABCD-EFGH"));
    d.state = UPLOADER_REVOKED;
    assert_non_null(strstr(foot(en, &d, &act), "revoked"));
    assert_true(act);
    d.state = UPLOADER_ENROL_REFUSED;
    snprintf(d.reason, sizeof d.reason, "HTTP 400 malformed: name is not UTF-8");
    assert_non_null(strstr(foot(en, &d, NULL), "refused this kiosk: HTTP 400 malformed"));
    d.state = UPLOADER_CORE_ERROR;
    d.http = 503;
    assert_non_null(strstr(foot(en, &d, NULL), "server error (HTTP 503)"));
    /* refusals come after the state, with the last one's code */
    d.state = UPLOADER_OK;
    d.refused = 2;
    snprintf(d.last_refused, sizeof d.last_refused, "HTTP 422 score-mismatch: raw 5000 vs 7000");
    assert_string_equal(foot(en, &d, &act), "All results delivered to the server \xC2\xB7 2 "
                                            "refused by the server (score-mismatch): see the "
                                            "refused folder");
    assert_true(act);
    assert_non_null(strstr(foot(ui_texts, &d, NULL), "2 ditolak server (score-mismatch)"));
    /* a small buffer is cut, never overrun */
    char small[12];
    ui_delivery_text(en, &d, small, sizeof small);
    assert_int_equal(strlen(small), sizeof small - 1);
    texts_free(en);
}

static void test_the_footer_shows_the_delivery_line_in_two_states(void **state)
{
    (void)state;
    /* KISI_UI_SHOTS=DIR keeps the frames as BMP files to look at */
    rig r = open_rig(1024, 768);
    app_view v = sample(SCR_IDENTIFY);
    v.msg = "";
    v.delivery.state = UPLOADER_OFF;
    v.delivery.queued = 2;
    int w, h;
    uint32_t *off = frame(&r, &v, &w, &h, "footer-no-core");
    v.delivery.state = UPLOADER_AWAITING_APPROVAL;
    snprintf(v.delivery.kiosk, sizeof v.delivery.kiosk, "ABCD-EFGH");
    uint32_t *pending = frame(&r, &v, &w, &h, "footer-awaiting-approval");
    /* only the footer differs */
    int top = h, changed = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (off[y * w + x] != pending[y * w + x]) {
                changed++;
                if (y < top) top = y;
            }
    assert_true(changed > 0);
    assert_true(top > h * 9 / 10);
    free(off);
    free(pending);
    close_rig(&r);
}

static void test_bad_font_is_an_error_not_a_crash(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "";
    SDL_Window *w = SDL_CreateWindow("x", 0, 0, 640, 480, SDL_WINDOW_HIDDEN);
    assert_null(ui_new(w, "/nonexistent/font.ttf", ui_texts, why));
    assert_non_null(strstr(why, "/nonexistent/font.ttf"));
    assert_null(ui_new(w, FONT, NULL, why));
    SDL_DestroyWindow(w);
}

static int setup(void **state)
{
    (void)state;
    setenv("SDL_VIDEODRIVER", "offscreen", 1);
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    if (SDL_Init(SDL_INIT_VIDEO) != 0 || TTF_Init() != 0) return -1;
    char why[WHY_SIZE];
    ui_texts = texts_load("assets/strings", "id", why);
    return ui_texts ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    texts_free(ui_texts);
    TTF_Quit();
    SDL_Quit();
    return 0;
}

/* Under the sanitizers: SDL's video drivers load and unload libraries whose
 * allocations LeakSanitizer cannot name, so leak checking is off for this one
 * program (address and undefined-behaviour checks stay on); the app, layout
 * and strings tests check the kiosk's own code for leaks. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "detect_leaks=0";
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_screen_draws_at_1024x768),
        cmocka_unit_test(test_every_screen_draws_at_1920x1080),
        cmocka_unit_test(test_every_screen_draws_at_the_largest_text_size),
        cmocka_unit_test(test_every_screen_draws_in_high_contrast),
        cmocka_unit_test(test_every_text_size_step_draws_the_exam_and_every_option_can_be_reached),
        cmocka_unit_test(test_high_contrast_changes_the_pixels),
        cmocka_unit_test(test_font_keys_change_the_text_size),
        cmocka_unit_test(test_key_b_on_the_exam_chooses_option_1),
        cmocka_unit_test(test_click_on_the_centre_of_option_c_chooses_option_2),
        cmocka_unit_test(test_keys_a_to_h_and_1_to_8_choose_the_eight_options),
        cmocka_unit_test(test_eight_options_fit_or_scroll_at_both_sizes_and_every_text_size),
        cmocka_unit_test(test_rich_items_with_eight_options_fit_or_scroll_at_every_size),
        cmocka_unit_test(test_rich_text_never_shows_a_tag_and_shows_its_styles),
        cmocka_unit_test(test_an_item_image_shows_between_stem_and_options_scaled_to_fit),
        cmocka_unit_test(test_clicks_on_navigator_and_buttons),
        cmocka_unit_test(test_review_lists_unanswered_items_as_links),
        cmocka_unit_test(test_a_lone_y_on_confirm_never_submits),
        cmocka_unit_test(test_text_screens_take_typed_text),
        cmocka_unit_test(test_a_clock_tick_redraws_only_the_header),
        cmocka_unit_test(test_identify_click_on_the_other_field_moves_to_it),
        cmocka_unit_test(test_long_stem_scrolls_before_page_down_moves_on),
        cmocka_unit_test(test_exam_keys),
        cmocka_unit_test(test_window_events_become_actions),
        cmocka_unit_test(test_time_warning_changes_the_clock_and_shows_the_message),
        cmocka_unit_test(test_multiple_response_items_look_different_from_single),
        cmocka_unit_test(test_mouse_wheel_scrolls_a_long_stem),
        cmocka_unit_test(test_result_shows_two_decimals_in_each_language),
        cmocka_unit_test(test_the_footer_says_where_delivery_stands_and_why),
        cmocka_unit_test(test_the_footer_shows_the_delivery_line_in_two_states),
        cmocka_unit_test(test_bad_font_is_an_error_not_a_crash),
        cmocka_unit_test(test_a_warning_never_moves_what_can_be_clicked),
        cmocka_unit_test(test_warnings_count_down_the_real_time_left),
        cmocka_unit_test(test_the_clock_ticks_on_review_and_confirm),
        cmocka_unit_test(test_true_false_items_have_their_own_hint),
        cmocka_unit_test(test_a_given_answer_can_be_cleared_by_key_or_click),
        cmocka_unit_test(test_the_look_resets_for_the_next_participant),
        cmocka_unit_test(test_time_out_notice_leads_to_the_result),
        cmocka_unit_test(test_the_result_says_when_the_ceiling_lowered_the_score),
        cmocka_unit_test(test_at_1024x768_with_the_largest_text_a_long_item_reads_well),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
