/* reader.h -- read aloud in the kiosk: its keys, and speaking what the screen says as it changes. */
#ifndef KISI_READER_H
#define KISI_READER_H

#include <stdbool.h>

#include <SDL.h>

#include "app.h"
#include "texts.h"

typedef struct reader reader;

/* A reader for texts `s` (borrowed, must outlive it) in `lang`. The speech
 * engine and the audio device are opened when read aloud is first turned
 * on, so a kiosk where nobody uses it never touches the audio. Caller frees
 * with reader_free(). NULL on ENOMEM. */
reader *reader_new(const texts *s, const char *lang);
void reader_free(reader *r);

/* Takes an SDL event before the ui maps it. Any key stops what is being
 * said at once. F1 turns read aloud on or off (`out` gets ACT_ALOUD for
 * the app, after the audio device was tried). While it is on for `v`: F2
 * reads the screen (the item: stem, then every option with its letter), F3
 * / Shift+F3 the next / previous option, F4 the time left, F5 how many
 * items are unanswered, F6 repeats the last thing said, F7 / F8 speak
 * slower / faster. Returns true when the event was one of these keys: the
 * ui must not map it; `out` is ACT_NONE unless the app must handle it. */
bool reader_event(reader *r, const SDL_Event *e, const app_view *v, action *out);

/* After the app changed the view: speaks what changed (see say_change).
 * When the view has read aloud on (a resumed attempt brings it back from the
 * journal), the speech engine is opened here if F1 has not done so. */
void reader_update(reader *r, const app_view *v);

/* When the first sample of the last text was queued, on speech_clock_ms()
 * (for the bench); 0 when none. */
double reader_first_sample_ms(reader *r);

#endif
