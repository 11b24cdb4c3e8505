/* main.c -- the `kiosk` program: arguments, SDL window, and the event loop that drives app and ui. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "app.h"
#include "export.h"
#include "fetch.h"
#include "klog.h"
#include "secmem.h"
#include "preview.h"
#include "reader.h"
#include "text.h"
#include "texts.h"
#include "ui.h"
#include "why.h"

#define DEFAULT_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
/* The installed data folder (texts in DATADIR/strings), set by the build from
 * PREFIX: `make install PREFIX=/usr` gives /usr/share/kisi. */
#ifndef KISI_DATADIR
#define KISI_DATADIR "/usr/local/share/kisi"
#endif
#define SYSTEM_STRINGS KISI_DATADIR "/strings"

typedef struct opts {
    app_config cfg;
    const char *lang, *font, *texts_dir, *export_dir;
    const char *preview_bank, *pass_file, *out_dir;
    const char *session_id;  /* --session-id: the session to fetch from the core */
    bool windowed;
    int width, height;
    int text_size;   /* --text-size 1..UI_FONT_STEPS (preview) */
    char **ids;      /* items named after the options (preview) */
    int nids;
} opts;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: kiosk --bank BANK --session SESSION --authority AUTH.pub [--core URL]\n"
            "             [--state DIR] [--windowed] [--lang id|en] [--font PATH]\n"
            "             [--strings DIR] [--proctor-code-file F] [--size WxH] [--trace FILE]\n"
            "             [--core-key CORE.pub] [--seat LABEL]\n"
            "       kiosk --core URL --authority AUTH.pub [--session-id ID] [--seat LABEL] ...\n"
            "                                          the bank and session fetched from the\n"
            "                                          core (cached in STATE/cache for a sitting\n"
            "                                          with the core unreachable)\n"
            "       kiosk --export DIR [--state DIR]   copy queued results to DIR (USB stick)\n"
            "       kiosk --preview BANK --passphrase-file F --out DIR [--size WxH] [--lang id|en]\n"
            "             [--text-size 1-%d] [--font PATH] [--strings DIR] [ID...]\n"
            "                                          each item as a PNG of the exam screen\n",
            UI_FONT_STEPS);
}

static int bad(const char *msg, const char *arg)
{
    fprintf(stderr, "kiosk: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    return 2;
}

static bool parse_size(const char *s, int *w, int *h)
{
    char *end;
    errno = 0;
    long a = strtol(s, &end, 10);
    if (errno || end == s || (*end != 'x' && *end != 'X')) return false;
    const char *p = end + 1;
    long b = strtol(p, &end, 10);
    if (errno || end == p || *end || a < 320 || b < 240 || a > 16384 || b > 16384) return false;
    *w = (int)a;
    *h = (int)b;
    return true;
}

/* Returns 0, or the exit status for a bad command line (message printed). */
static int parse(int argc, char **argv, opts *o)
{
    static const char *const valued[] = {"--bank", "--session", "--authority", "--core",
                                         "--state", "--lang", "--font", "--strings",
                                         "--proctor-code-file", "--size", "--trace",
                                         "--export", "--core-key", "--preview",
                                         "--passphrase-file", "--out", "--text-size",
                                         "--session-id", "--seat"};
    memset(o, 0, sizeof *o);
    o->lang = "id";
    o->font = DEFAULT_FONT;
    o->width = 1024;
    o->height = 768;
    o->text_size = UI_FONT_DEFAULT + 1;
    o->ids = argv + argc;  /* the item ids: arguments that are no option, side by side */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--windowed") == 0) { o->windowed = true; continue; }
        if (a[0] != '-' && o->nids == 0) o->ids = argv + i;
        if (a[0] != '-' && argv + i == o->ids + o->nids) { o->nids++; continue; }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) { usage(stdout); exit(0); }
        size_t k = 0, n = sizeof valued / sizeof *valued;
        while (k < n && strcmp(a, valued[k]) != 0) k++;
        if (k == n) return bad("unknown argument", a);
        if (i + 1 >= argc || !argv[i + 1][0]) return bad("missing value after", a);
        const char *v = argv[++i];
        switch (k) {
        case 0: o->cfg.bank_path = v; break;
        case 1: o->cfg.session_path = v; break;
        case 2: o->cfg.authority_pub = v; break;
        case 3: o->cfg.core_url = v; break;
        case 4: o->cfg.state_dir = v; break;
        case 5:
            if (strcmp(v, "id") != 0 && strcmp(v, "en") != 0)
                return bad("--lang must be id or en, not", v);
            o->lang = v;
            break;
        case 6: o->font = v; break;
        case 7: o->texts_dir = v; break;
        case 8: o->cfg.proctor_code_file = v; break;
        case 9:
            if (!parse_size(v, &o->width, &o->height)) return bad("--size must be WxH, not", v);
            break;
        case 10: o->cfg.trace_path = v; break;
        case 11: o->export_dir = v; break;
        case 12: o->cfg.core_key = v; break;
        case 13: o->preview_bank = v; break;
        case 14: o->pass_file = v; break;
        case 15: o->out_dir = v; break;
        case 16: {
            char *end;
            long size = strtol(v, &end, 10);
            if (*end || size < 1 || size > UI_FONT_STEPS)
                return bad("--text-size must be a whole number 1-6, not", v);
            o->text_size = (int)size;
            break;
        }
        case 17: o->session_id = v; break;
        default:
            if (strlen(v) > 32 || text_has_control(v) || !text_utf8_valid(v, strlen(v)))
                return bad("--seat is one line of at most 32 bytes, not", v);
            o->cfg.seat = v;
            break;
        }
    }
    if (o->nids && !o->preview_bank) return bad("unknown argument", o->ids[0]);
    if (o->preview_bank) {
        if (!o->pass_file) return bad("--passphrase-file F is required with --preview", NULL);
        if (!o->out_dir) return bad("--out DIR is required with --preview", NULL);
        if (access(o->font, R_OK) != 0) return bad("cannot read the font", o->font);
        return 0;
    }
    if (o->export_dir) return 0;
    bool fetch = !o->cfg.bank_path && !o->cfg.session_path && o->cfg.core_url;
    if (o->session_id && !fetch)
        return bad("--session-id is for a kiosk that fetches its session from --core, "
                   "without --bank and --session", NULL);
    if (!fetch && !o->cfg.bank_path) return bad("--bank BANK is required", NULL);
    if (!fetch && !o->cfg.session_path) return bad("--session SESSION is required", NULL);
    if (!o->cfg.authority_pub) return bad("--authority AUTH.pub is required", NULL);
    if (access(o->font, R_OK) != 0) return bad("cannot read the font", o->font);
    return 0;
}

/* Loads the UI strings from --strings, else ../assets/strings beside the
 * binary (a build tree), else the installed folder. Caller frees with texts_free(). */
static texts *load_strings(const opts *o, char *why)
{
    if (o->texts_dir) return texts_load(o->texts_dir, o->lang, why);
    char exe[PATH_MAX], dir[PATH_MAX + 32];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) *slash = '\0';
        snprintf(dir, sizeof dir, "%s/../assets/strings", exe);
        texts *s = texts_load(dir, o->lang, why);
        if (s) return s;
    }
    return texts_load(SYSTEM_STRINGS, o->lang, why);
}

/* The state folder when --state is not given: $HOME/.local/state/kisi
 * (parents created), else ./kisi-state. Static buffer. */
static const char *default_state(void)
{
    static char path[PATH_MAX];
    const char *home = getenv("HOME");
    if (!home || !*home || strlen(home) > PATH_MAX - 32) return "kisi-state";
    snprintf(path, sizeof path, "%s/.local", home);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/.local/state", home);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/.local/state/kisi", home);
    return path;
}

static SDL_Window *open_window(const opts *o, const texts *s)
{
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    if (!o->windowed) SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
    /* A borderless window the size of the display covers it with or without
     * a window manager; asking X11 for full screen where none runs costs
     * SDL a third of a second of polling at every start. */
    Uint32 flags = o->windowed ? SDL_WINDOW_RESIZABLE
                               : SDL_WINDOW_BORDERLESS | SDL_WINDOW_ALWAYS_ON_TOP;
    int x = SDL_WINDOWPOS_CENTERED, y = SDL_WINDOWPOS_CENTERED, w = o->width, h = o->height;
    SDL_Rect b;
    if (!o->windowed && SDL_GetDisplayBounds(0, &b) == 0) {
        /* the whole screen even where no window manager makes it full screen */
        x = b.x;
        y = b.y;
        w = b.w;
        h = b.h;
    }
    SDL_Window *win = SDL_CreateWindow(texts_get(s, "app.name"), x, y, w, h, flags);
    if (win && !o->windowed) SDL_SetWindowKeyboardGrab(win, SDL_TRUE);
    return win;
}

/* Runs until the app asks to quit. */
static void run(app *a, ui *u, reader *rd, SDL_Window *win, bool windowed)
{
    bool dirty = true;
    Uint64 deadline = 0;  /* 0 = no tick due */
    while (!app_should_quit(a)) {
        if (dirty) {
            ui_draw(u, app_view_get(a));
            dirty = false;
        }
        int wake = app_wake_ms(a);
        Uint64 now = SDL_GetTicks64();
        if (wake < 0) deadline = 0;
        else if (!deadline || now + (Uint64)wake < deadline) deadline = now + (Uint64)wake;
        int timeout = deadline ? (deadline > now ? (int)(deadline - now) : 0) : -1;
        SDL_Event e;
        int got = timeout < 0 ? SDL_WaitEvent(&e) : SDL_WaitEventTimeout(&e, timeout);
        while (got) {
            const app_view *v = app_view_get(a);
            action act;
            if (e.type == SDL_WINDOWEVENT &&
                (e.window.event == SDL_WINDOWEVENT_EXPOSED ||
                 e.window.event == SDL_WINDOWEVENT_SHOWN ||
                 e.window.event == SDL_WINDOWEVENT_RESTORED))
                dirty = true;
            if (e.type == SDL_RENDER_TARGETS_RESET || e.type == SDL_RENDER_DEVICE_RESET) {
                action reset = {.kind = ACT_DISPLAY};
                dirty |= ui_apply(u, &reset);
            }
            if (reader_event(rd, &e, v, &act)) {
                if (act.kind != ACT_NONE) dirty |= app_handle(a, &act);
            } else if (ui_map_event(u, &e, v, &act)) {
                dirty |= ui_apply(u, &act);
                dirty |= app_handle(a, &act);
                if (act.kind == ACT_FOCUS_LOST && !windowed) SDL_RaiseWindow(win);
            }
            reader_update(rd, app_view_get(a));
            /* redraw before the next event: clicks refer to what is shown */
            got = dirty ? 0 : SDL_PollEvent(&e);
        }
        if (deadline && SDL_GetTicks64() >= deadline) {
            action tick = {.kind = ACT_TICK};
            deadline = 0;
            bool changed = app_handle(a, &tick);
            /* a tick on the exam screen changes the countdown only */
            if (changed && !dirty && ui_draw_tick(u, app_view_get(a))) changed = false;
            dirty |= changed;
            reader_update(rd, app_view_get(a));
        }
    }
}

/* kiosk --export DIR: the queued results onto a stick, no display needed;
 * the kiosk's log (STATE/kiosk.log) gets a line either way. */
static int export_results(const opts *o)
{
    char why[WHY_SIZE] = "", path[4096];
    int n = 0;
    snprintf(path, sizeof path, "%s/kiosk.log", o->cfg.state_dir);
    klog *log = klog_open(path, KLOG_MAX_BYTES, NULL);
    int rc = export_outbox(o->cfg.state_dir, o->export_dir, &n, why) != 0;
    if (rc) {
        klog_event(log, "export-failed", "to %s (%d results copied): %s", o->export_dir, n, why);
        fprintf(stderr, "kiosk: export to %s: %s\n", o->export_dir, why);
    } else {
        klog_event(log, "export", "%d results to %s", n, o->export_dir);
        printf("%d result%s in %s\n", n, n == 1 ? "" : "s", o->export_dir);
    }
    klog_close(log);
    return rc;
}

/* KISI_CRASH_AT=POINT, for tests only: the kiosk kills itself (SIGKILL) at that
 * crash point of finishing an attempt ("submitted", "stored"), as a power cut would. */
static int crash_from_env(const char *point)
{
    const char *at = getenv("KISI_CRASH_AT");
    if (at && strcmp(at, point) == 0) raise(SIGKILL);
    return 0;
}

/* kiosk --preview: the items as PNGs, with no display. */
static int preview(const opts *o)
{
    char why[WHY_SIZE] = "";
    texts *s = load_strings(o, why);
    if (!s) {
        fprintf(stderr, "kiosk: cannot load the UI strings: %s\n", why);
        return 1;
    }
    /* SDL's dummy video driver: a window in plain memory for the software
     * renderer, whatever display (if any) the environment names */
    SDL_SetHintWithPriority(SDL_HINT_VIDEODRIVER, "dummy", SDL_HINT_OVERRIDE);
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "kiosk: cannot start offscreen drawing: %s\n", SDL_GetError());
        texts_free(s);
        return 1;
    }
    preview_opts p = {o->preview_bank, o->pass_file, o->out_dir, o->font, s,
                      o->width, o->height, o->text_size - 1, o->ids, o->nids};
    int n = preview_run(&p, why);
    if (n < 0) fprintf(stderr, "kiosk: preview: %s\n", why);
    texts_free(s);
    TTF_Quit();
    SDL_Quit();
    return n < 0;
}

int main(int argc, char **argv)
{
    /* no core file and no other user's debugger sees the keys and items */
    if (secmem_protect_process() != 0)
        fprintf(stderr, "kiosk: warning: cannot keep this process out of core dumps\n");
    opts o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc;
    if (o.preview_bank) return preview(&o);
    if (!o.cfg.state_dir) o.cfg.state_dir = default_state();
    if (getenv("KISI_CRASH_AT")) o.cfg.crash_at = crash_from_env;
    if (o.export_dir) return export_results(&o);
    char why[WHY_SIZE] = "";
    /* no --bank and --session: the core's files, fetched and checked (cached) */
    static fetch_result fetched;
    if (!o.cfg.bank_path) {
        fetch_config fc = {o.cfg.core_url, o.cfg.authority_pub, o.cfg.state_dir, o.session_id};
        if (fetch_files(&fc, &fetched, why) != 0) {
            fprintf(stderr, "kiosk: cannot fetch the session from the core: %s\n", why);
            return 1;
        }
        if (fetched.cached)
            fprintf(stderr, "kiosk: the core cannot be reached (%s): session %s from the cache\n",
                    fetched.note, fetched.session_id);
        else if (fetched.note[0])
            fprintf(stderr, "kiosk: %s\n", fetched.note);
        o.cfg.bank_path = fetched.bank_path;
        o.cfg.session_path = fetched.session_path;
    }
    texts *s = load_strings(&o, why);
    if (!s) {
        fprintf(stderr, "kiosk: cannot load the UI strings: %s\n", why);
        return 1;
    }
    /* SIGTERM/SIGINT from the system end the program (the journal is
     * durable); only the window's close request needs the proctor. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    /* the window's frame buffer in plain memory (see ui_new: software renderer) */
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0 || TTF_Init() != 0) {
        fprintf(stderr, "kiosk: cannot start the display: %s\n", SDL_GetError());
        texts_free(s);
        return 1;
    }
    SDL_Window *win = open_window(&o, s);
    ui *u = win ? ui_new(win, o.font, s, why) : NULL;
    app *a = u ? app_new(&o.cfg) : NULL;
    reader *rd = a ? reader_new(s, o.lang) : NULL;
    if (!win) fprintf(stderr, "kiosk: cannot open a window: %s\n", SDL_GetError());
    else if (!u) fprintf(stderr, "kiosk: %s\n", why);
    else if (!a || !rd) fprintf(stderr, "kiosk: out of memory\n");
    else {
        SDL_EventState(SDL_MOUSEMOTION, SDL_IGNORE);
        SDL_EventState(SDL_FINGERMOTION, SDL_IGNORE);
        SDL_StartTextInput();
        reader_update(rd, app_view_get(a));
        run(a, u, rd, win, o.windowed);
        rc = 0;
    }
    if (!a || !rd) rc = 1;
    reader_free(rd);
    app_free(a);
    ui_free(u);
    if (win) SDL_DestroyWindow(win);
    texts_free(s);
    TTF_Quit();
    SDL_Quit();
    return rc;
}
