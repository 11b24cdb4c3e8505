/* reader.c -- read aloud in the kiosk: its keys, and speaking what the screen says as it changes. */
#include "reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "say.h"
#include "speech.h"
#include "why.h"

#define READER_TEXT 16384

struct reader {
    const texts *s;
    char lang[8];
    speech *sp;           /* NULL until read aloud is first turned on, or without audio */
    bool tried;           /* the audio device was tried (once per run) */
    say_seen seen;
    int option;           /* option cursor of F3, -1 = before the first */
    char last[READER_TEXT];   /* the last thing said, for F6 */
    char buf[READER_TEXT];
};

reader *reader_new(const texts *s, const char *lang)
{
    reader *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->s = s;
    snprintf(r->lang, sizeof r->lang, "%s", lang ? lang : "id");
    r->option = -1;
    r->seen.msg = "";
    return r;
}

void reader_free(reader *r)
{
    if (!r) return;
    speech_close(r->sp);
    free(r);
}

/* Says text (when not empty) and keeps it for F6. */
static void say(reader *r, const char *text)
{
    if (!text[0]) return;
    if (text != r->last) snprintf(r->last, sizeof r->last, "%s", text);
    speech_say(r->sp, r->last);
}

/* Opens speech on the first F1; true when there is speech. */
static bool audio(reader *r)
{
    if (!r->tried) {
        char why[WHY_SIZE] = "";
        r->tried = true;
        r->sp = speech_open(r->lang, why);
        if (!r->sp) fprintf(stderr, "kiosk: read aloud: %s\n", why);
    }
    return r->sp != NULL;
}

/* The F-keys of read aloud while it is on. */
static bool speech_key(reader *r, SDL_Keycode sym, bool shift, const app_view *v)
{
    int rate;
    switch (sym) {
    case SDLK_F2: say_screen(r->s, v, r->buf, sizeof r->buf); break;
    case SDLK_F3:
        if (v->scr != SCR_EXAM || v->noptions <= 0) return true;
        r->option = shift ? (r->option <= 0 ? v->noptions - 1 : r->option - 1)
                          : (r->option + 1) % v->noptions;
        say_option(r->s, v, r->option, r->buf, sizeof r->buf);
        break;
    case SDLK_F4: say_time(r->s, v, r->buf, sizeof r->buf); break;
    case SDLK_F5: say_unanswered(r->s, v, r->buf, sizeof r->buf); break;
    case SDLK_F6: say(r, r->last); return true;
    case SDLK_F7:
    case SDLK_F8: {
        rate = speech_set_rate(r->sp, speech_rate(r->sp) + (sym == SDLK_F8 ? 1 : -1) * SPEECH_RATE_STEP);
        char n[16];
        snprintf(n, sizeof n, "%d", rate);
        texts_fill(r->buf, sizeof r->buf, texts_get(r->s, "say.rate"), (const char *[]){n}, 1);
        break;
    }
    default: return false;
    }
    say(r, r->buf);
    return true;
}

bool reader_event(reader *r, const SDL_Event *e, const app_view *v, action *out)
{
    memset(out, 0, sizeof *out);
    if (!r || e->type != SDL_KEYDOWN) return false;
    speech_stop(r->sp);  /* the next key stops speech at once */
    SDL_Keycode sym = e->key.keysym.sym;
    Uint16 mod = e->key.keysym.mod;
    if (mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI)) return false;
    if (sym == SDLK_F1) {
        if (e->key.repeat) return true;
        out->kind = ACT_ALOUD;
        out->index = v->aloud || audio(r);
        return true;
    }
    if (!v->aloud || !r->sp) return false;
    if (e->key.repeat && sym != SDLK_F3) return sym >= SDLK_F2 && sym <= SDLK_F8;
    return speech_key(r, sym, mod & KMOD_SHIFT, v);
}

void reader_update(reader *r, const app_view *v)
{
    if (!r) return;
    if (v->seat != r->seen.seat && r->sp) {
        speech_stop(r->sp);
        speech_set_rate(r->sp, SPEECH_RATE_DEFAULT);  /* the rate was the last participant's */
        r->last[0] = 0;
    }
    if (v->scr != r->seen.scr || v->cur != r->seen.cur) r->option = -1;
    /* a resumed attempt comes back with read aloud on: the device opens without F1 */
    if (v->aloud) audio(r);
    if (r->sp) {
        say_change(r->s, &r->seen, v, r->buf, sizeof r->buf);
        say(r, r->buf);
    }
    say_seen_take(&r->seen, v);
}

double reader_first_sample_ms(reader *r)
{
    return r ? speech_first_sample_ms(r->sp) : 0;
}
