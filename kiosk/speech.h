/* speech.h -- read aloud: espeak-ng synthesises text on a worker thread into an SDL2 audio queue. */
#ifndef KISI_SPEECH_H
#define KISI_SPEECH_H

#include <stdbool.h>
#include <stdint.h>

#define SPEECH_RATE_MIN 80      /* words per minute */
#define SPEECH_RATE_MAX 350
#define SPEECH_RATE_DEFAULT 165
#define SPEECH_RATE_STEP 20

typedef struct speech speech;

/* Starts espeak-ng with the voice of `lang` ("id" or "en") and opens the
 * default SDL audio device (initialising SDL's audio subsystem). No other
 * program and no network are used. Caller frees with speech_close(). NULL
 * with `why` (WHY_SIZE bytes) set when there is no audio device or no voice:
 * the kiosk then goes on without speech. */
speech *speech_open(const char *lang, char *why);
/* Stops speaking, joins the worker, closes the device. NULL is a no-op. */
void speech_close(speech *sp);

/* Stops what is being said, then says `text` (UTF-8, copied). Returns at
 * once: synthesis runs on the worker and the first samples are queued as
 * soon as they exist. An empty text only stops. */
void speech_say(speech *sp, const char *text);
/* Stops at once: drops the queued audio and ends the synthesis. */
void speech_stop(speech *sp);

/* Words per minute for what is said next, clamped to the limits; returns
 * the rate set. */
int speech_set_rate(speech *sp, int wpm);
int speech_rate(const speech *sp);

/* For tests and benches: when the first samples of the last speech_say()
 * were queued, in ms on SDL's performance counter (speech_clock_ms()); 0
 * while none has been. */
double speech_first_sample_ms(speech *sp);
/* Now on the clock of speech_first_sample_ms(). */
double speech_clock_ms(void);

#endif
