/* bench_speech.c -- read aloud: from the key press to the first audio sample, beside a redraw of the same screen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "bench.h"
#include "reader.h"
#include "speech.h"
#include "texts.h"
#include "ui.h"
#include "why.h"

#define REPS 15
#define TARGET_MS 150.0
#define FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define WAIT_MS 5000   /* give up on a first sample after this long */

static bool answered[40], flags[40];

/* An exam screen as the kiosk shows it: item 7 of 40, a stem of two sentences, five options. */
static app_view exam_view(void)
{
    app_view v;
    memset(&v, 0, sizeof v);
    for (int i = 0; i < 40; i++) answered[i] = i < 6;
    v.scr = SCR_EXAM;
    v.msg = "";
    v.name = "Putri Ayu Lestari";
    v.exam_title = "Evaluasi Akademik Pelatihan Dasar CPNS";
    v.nitems = 40;
    v.cur = 6;
    v.stem = "Seorang ASN menerima keluhan masyarakat tentang layanan yang lambat. Tindakan "
             "manakah yang paling sesuai dengan nilai berorientasi pelayanan?";
    v.noptions = 5;
    v.options[0] = "menunda tanggapan sampai atasan memberi arahan";
    v.options[1] = "mendengarkan keluhan, menjelaskan prosedur, dan menindaklanjuti segera";
    v.options[2] = "meminta masyarakat mengajukan keluhan secara tertulis saja";
    v.options[3] = "meneruskan keluhan ke unit lain tanpa penjelasan";
    v.options[4] = "mengabaikan keluhan yang tidak disertai bukti";
    v.answered = answered;
    v.flags = flags;
    v.remaining_ms = 61 * 60000;
    v.aloud = true;
    return v;
}

static SDL_Event key(SDL_Keycode sym)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = sym;
    return e;
}

int main(void)
{
    /* no display and no sound card needed: the offscreen video and dummy audio drivers */
    setenv("SDL_VIDEODRIVER", "offscreen", 0);
    setenv("SDL_AUDIODRIVER", "dummy", 0);
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    char why[WHY_SIZE] = "";
    texts *s = texts_load("assets/strings", "id", why);
    if (!s) bench_die("texts: %s", why);
    if (SDL_Init(SDL_INIT_VIDEO) != 0 || TTF_Init() != 0) bench_die("SDL: %s", SDL_GetError());
    SDL_Window *w = SDL_CreateWindow("bench", 0, 0, 1024, 768, SDL_WINDOW_HIDDEN);
    ui *u = w ? ui_new(w, FONT, s, why) : NULL;
    if (!u) bench_die("ui: %s", w ? why : SDL_GetError());
    app_view v = exam_view();

    double draw[REPS], first[REPS];
    ui_draw(u, &v);  /* fonts and glyph cache warm, as on a kiosk in use */
    for (int i = 0; i < REPS; i++) {
        double t0 = bench_now_ms();
        ui_draw(u, &v);
        draw[i] = bench_now_ms() - t0;
    }

    reader *rd = reader_new(s, "id");
    action act;
    SDL_Event f1 = key(SDLK_F1), f2 = key(SDLK_F2);
    app_view off = v;
    off.aloud = false;
    if (!rd || !reader_event(rd, &f1, &off, &act) || act.kind != ACT_ALOUD || !act.index)
        bench_die("read aloud does not start (no espeak-ng voice or audio driver)");
    for (int i = 0; i < REPS; i++) {
        double t0 = speech_clock_ms(), at = 0;
        if (!reader_event(rd, &f2, &v, &act)) bench_die("F2 is not a read-aloud key");
        while (!(at = reader_first_sample_ms(rd)) && speech_clock_ms() - t0 < WAIT_MS) SDL_Delay(1);
        if (!at) bench_die("no audio sample within %d ms of F2", WAIT_MS);
        first[i] = at - t0;
    }
    printf("bench_speech: the exam screen (item of 5 options) at 1024x768, Indonesian voice\n");
    bench_time("baseline: redraw the same exam screen", "median", bench_median(draw, REPS),
               "(ui_draw, software renderer)");
    bench_target("read aloud: F2 to the first audio sample", bench_median(first, REPS), TARGET_MS,
                 "(espeak-ng into the SDL audio queue)");
    reader_free(rd);
    ui_free(u);
    SDL_DestroyWindow(w);
    texts_free(s);
    TTF_Quit();
    SDL_Quit();
    return 0;
}
