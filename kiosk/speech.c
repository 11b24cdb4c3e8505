/* speech.c -- read aloud: espeak-ng synthesises text on a worker thread into an SDL2 audio queue. */
#include "speech.h"

#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <espeak-ng/speak_lib.h>

#include "why.h"

#define SPEECH_BUF_MS 40        /* espeak hands over audio in pieces this long */
#define SPEECH_DEVICE_SAMPLES 512

struct speech {
    SDL_AudioDeviceID dev;
    SDL_Thread *worker;
    SDL_mutex *lock;
    SDL_cond *wake;
    char *pending;              /* text waiting for the worker, owned */
    unsigned gen;               /* bumped by every say and stop */
    unsigned speaking;          /* gen of what the worker synthesises, 0 = none */
    bool quit;
    int rate;
    double first_ms;
};

/* The espeak callback: queues a piece of samples unless a later say or stop
 * made it stale (then synthesis is aborted). The check and the queueing are
 * under the lock that speech_stop() clears the queue under, so no piece of
 * a stopped text is heard. */
static int on_samples(short *wav, int n, espeak_EVENT *ev)
{
    speech *sp = ev ? ev->user_data : NULL;
    if (!sp) return 1;
    SDL_LockMutex(sp->lock);
    bool stale = sp->speaking != sp->gen || sp->quit;
    if (!stale && wav && n > 0) {
        SDL_QueueAudio(sp->dev, wav, (Uint32)n * sizeof *wav);
        if (!sp->first_ms) sp->first_ms = speech_clock_ms();
    }
    SDL_UnlockMutex(sp->lock);
    return stale ? 1 : 0;
}

/* Waits for texts and synthesises each; the only thread that calls espeak
 * after start-up. */
static int work(void *arg)
{
    speech *sp = arg;
    SDL_LockMutex(sp->lock);
    for (;;) {
        while (!sp->pending && !sp->quit) SDL_CondWait(sp->wake, sp->lock);
        if (sp->quit) break;
        char *text = sp->pending;
        sp->pending = NULL;
        sp->speaking = sp->gen;
        int rate = sp->rate;
        SDL_UnlockMutex(sp->lock);
        espeak_SetParameter(espeakRATE, rate, 0);
        espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, sp);
        free(text);
        SDL_LockMutex(sp->lock);
        sp->speaking = 0;
    }
    SDL_UnlockMutex(sp->lock);
    return 0;
}

/* Opens the default output device for mono 16-bit samples at `rate` Hz; 0 on failure. */
static SDL_AudioDeviceID open_device(int rate, char *why)
{
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        why_set(why, "no audio: %s", SDL_GetError());
        return 0;
    }
    SDL_AudioSpec want = {.freq = rate, .format = AUDIO_S16SYS, .channels = 1,
                          .samples = SPEECH_DEVICE_SAMPLES}, got;
    SDL_AudioDeviceID dev = SDL_OpenAudioDevice(NULL, 0, &want, &got, 0);
    if (!dev) {
        why_set(why, "no audio device: %s", SDL_GetError());
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    }
    return dev;
}

speech *speech_open(const char *lang, char *why)
{
    int hz = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, SPEECH_BUF_MS, NULL,
                               espeakINITIALIZE_DONT_EXIT);
    if (hz <= 0) {
        why_set(why, "espeak-ng cannot start (is espeak-ng-data installed?)");
        return NULL;
    }
    if (espeak_SetVoiceByName(lang && strcmp(lang, "en") == 0 ? "en" : "id") != EE_OK) {
        why_set(why, "espeak-ng has no voice for \"%s\"", lang ? lang : "id");
        espeak_Terminate();
        return NULL;
    }
    espeak_SetSynthCallback(on_samples);
    speech *sp = calloc(1, sizeof *sp);
    if (!sp) {
        why_set(why, "out of memory");
        espeak_Terminate();
        return NULL;
    }
    sp->rate = SPEECH_RATE_DEFAULT;
    sp->dev = open_device(hz, why);
    sp->lock = sp->dev ? SDL_CreateMutex() : NULL;
    sp->wake = sp->lock ? SDL_CreateCond() : NULL;
    sp->worker = sp->wake ? SDL_CreateThread(work, "speech", sp) : NULL;
    if (!sp->worker) {
        if (sp->dev) why_set(why, "cannot start speech: %s", SDL_GetError());
        speech_close(sp);
        return NULL;
    }
    SDL_PauseAudioDevice(sp->dev, 0);
    return sp;
}

void speech_close(speech *sp)
{
    if (!sp) return;
    if (sp->worker) {
        SDL_LockMutex(sp->lock);
        sp->quit = true;
        SDL_CondSignal(sp->wake);
        SDL_UnlockMutex(sp->lock);
        SDL_WaitThread(sp->worker, NULL);
    }
    free(sp->pending);
    if (sp->wake) SDL_DestroyCond(sp->wake);
    if (sp->lock) SDL_DestroyMutex(sp->lock);
    if (sp->dev) {
        SDL_CloseAudioDevice(sp->dev);
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    }
    espeak_Terminate();
    free(sp);
}

/* Drops what is queued and makes the text in synthesis stale; under the lock. */
static void stop_locked(speech *sp)
{
    sp->gen++;
    if (!sp->gen) sp->gen = 1;  /* 0 means "nothing" to the worker */
    free(sp->pending);
    sp->pending = NULL;
    SDL_ClearQueuedAudio(sp->dev);
}

void speech_stop(speech *sp)
{
    if (!sp) return;
    SDL_LockMutex(sp->lock);
    stop_locked(sp);
    SDL_UnlockMutex(sp->lock);
}

void speech_say(speech *sp, const char *text)
{
    if (!sp) return;
    char *copy = text && *text ? strdup(text) : NULL;
    SDL_LockMutex(sp->lock);
    stop_locked(sp);
    sp->first_ms = 0;
    sp->pending = copy;
    if (copy) SDL_CondSignal(sp->wake);
    SDL_UnlockMutex(sp->lock);
}

int speech_set_rate(speech *sp, int wpm)
{
    if (!sp) return 0;
    if (wpm < SPEECH_RATE_MIN) wpm = SPEECH_RATE_MIN;
    if (wpm > SPEECH_RATE_MAX) wpm = SPEECH_RATE_MAX;
    SDL_LockMutex(sp->lock);
    sp->rate = wpm;
    SDL_UnlockMutex(sp->lock);
    return wpm;
}

int speech_rate(const speech *sp)
{
    return sp ? sp->rate : 0;
}

double speech_clock_ms(void)
{
    return (double)SDL_GetPerformanceCounter() * 1e3 / (double)SDL_GetPerformanceFrequency();
}

double speech_first_sample_ms(speech *sp)
{
    if (!sp) return 0;
    SDL_LockMutex(sp->lock);
    double t = sp->first_ms;
    SDL_UnlockMutex(sp->lock);
    return t;
}
