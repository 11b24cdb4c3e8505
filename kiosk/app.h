/* app.h -- the kiosk's screen state machine: actions in, a view out; no SDL here. */
#ifndef KISI_APP_H
#define KISI_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bank.h"
#include "uploader.h"

typedef enum screen {
    SCR_ERROR = 0,     /* a fatal problem a proctor must act on (tampered bank, ...) */
    SCR_IDENTIFY,      /* NIP + PIN */
    SCR_LOCKED,        /* three wrong PINs: proctor code needed */
    SCR_WAIT,          /* waiting for the proctor's session token */
    SCR_INSTRUCTIONS,  /* exam facts, start button */
    SCR_EXAM,          /* one item at a time */
    SCR_REVIEW,        /* unanswered and flagged items */
    SCR_CONFIRM,       /* explicit confirmation of the submission */
    SCR_RESULT,        /* the score, at once */
    SCR_PROCTOR,       /* proctor code prompt (quit, unlock a seat) */
    SCR_TIMEOUT,       /* the time ran out and the answers went in: acknowledged, then the result */
    SCR_DAMAGE,        /* the answer journal is damaged: what is left, proctor code sets it aside */
    /* the proctor's commands (kiosk/app_room.c) */
    SCR_PAUSED,        /* the proctor paused the attempt: the clock stands still */
    SCR_SEAT_LOCKED,   /* the proctor locked the seat (clock stopped): unlocked by the
                        * proctor's page or the proctor code typed here */
    SCR_AUTHORISE,     /* the instructions, the start waiting for the proctor's leave
                        * (command or proctor code) */
    SCR_RELEASED,      /* the proctor released the login: shown briefly, then SCR_IDENTIFY */
    SCR_MOVED,         /* the participant goes on at another seat (`moved_to`) */
    SCR_ENDED          /* the proctor ended the sitting: the seat takes no one else */
} screen;

#define SCREEN_COUNT (SCR_ENDED + 1)

/* The screen's name in the room's state and the test trace ("exam", "seat-locked", ...). */
const char *screen_name(screen s);

/* What the user did, already mapped from keys and clicks by the UI. */
typedef enum action_kind {
    ACT_NONE = 0,
    ACT_TEXT,          /* typed characters in `text` (digits, token letters) */
    ACT_BACKSPACE,
    ACT_ENTER,         /* confirm the field / the focused button */
    ACT_ESCAPE,        /* back / cancel (never submits) */
    ACT_TAB,           /* next field */
    ACT_OPTION,        /* choose (toggle for multi) the option shown at `index` (0 = A) */
    ACT_NEXT,          /* next item */
    ACT_PREV,          /* previous item */
    ACT_GOTO,          /* go to item `index` (navigator, review list) */
    ACT_FLAG,          /* toggle the review flag of the current item */
    ACT_REVIEW,        /* open the review screen */
    ACT_SUBMIT,        /* ask to submit (opens SCR_CONFIRM) */
    ACT_YES,           /* confirm on SCR_CONFIRM */
    ACT_NO,            /* decline on SCR_CONFIRM */
    ACT_START,         /* start the exam from SCR_INSTRUCTIONS */
    ACT_SCROLL,        /* scroll the stem by `index` lines (negative = up) */
    ACT_TICK,          /* one second passed (or the app asked to be woken) */
    ACT_QUIT,          /* close button, Alt+F4, SDL_QUIT: asks for the proctor code */
    ACT_PROCTOR,       /* proctor key combination: opens SCR_PROCTOR */
    ACT_FOCUS_LOST,    /* window lost keyboard focus */
    ACT_DISPLAY,       /* display configuration changed */
    ACT_FONT_BIGGER,
    ACT_FONT_SMALLER,
    ACT_CONTRAST,      /* toggle the high-contrast theme */
    ACT_NEXT_SEAT,     /* on SCR_RESULT: lock the seat for the next participant */
    ACT_CLEAR,         /* remove the answer of the current item */
    ACT_ALOUD          /* turn read aloud on or off before the attempt begins; `index`
                        * 1 = speech works, 0 = no audio device (the app says so) */
} action_kind;

typedef struct action {
    action_kind kind;
    int index;
    char text[32];
} action;

/* Everything a screen needs to draw, valid until the next app call.
 * Strings are UTF-8; `msg` and `title` are keys into the UI texts
 * (assets/strings/id.txt, en.txt) unless noted. */
typedef struct app_view {
    screen scr;
    const char *msg;           /* key of a message line ("" = none) */
    const char *detail;        /* technical detail in English, for logs (not shown) */
    const char *cause;         /* key of the localized cause of an error ("" = none) */
    const char *subject;       /* what the cause concerns: a file, a part of the bank */
    /* identify / wait / proctor */
    const char *nip;           /* digits typed so far */
    size_t pin_len;            /* PIN shown as dots */
    int field;                 /* 0 = NIP, 1 = PIN */
    const char *token;         /* token typed so far */
    const char *code;          /* proctor code typed so far (shown as dots by length) */
    int tries_left;            /* PIN tries before the seat locks */
    int wait_s;                /* seconds before a token or proctor code is taken again
                                * after too many wrong ones (0 = now) */
    /* instructions / exam / result */
    const char *name;          /* participant name (not translated) */
    const char *exam_title;    /* (not translated) */
    const char *exam_kind;     /* key: "kind.academic" ... */
    int nitems, minutes, attempt, ceiling, pass_mark;
    int extra_minutes;         /* of `minutes`: extra time the roster grants (accommodation) */
    size_t cur;                /* item on screen (0-based) */
    const char *stem;          /* (not translated) */
    bool rich;                 /* stem and options are in Kisi's rich-text form */
    const unsigned char *image; /* the item's PNG or JPEG, shown below the stem; NULL = none */
    size_t image_len;
    int noptions;
    const char *options[BANK_MAX_OPTIONS];  /* in display order */
    bool chosen[BANK_MAX_OPTIONS];          /* display positions chosen */
    bool multi;                /* several options may be chosen */
    bool truefalse;            /* a true/false item (two options) */
    bool flagged;              /* current item flagged */
    const bool *answered;      /* per item, nitems entries */
    const bool *flags;         /* per item */
    int scroll;                /* stem scroll offset in lines */
    int64_t remaining_ms;
    int warning;               /* 0, or 5 / 1: the minutes warning being shown */
    int queued;                /* results waiting in the outbox, counted afresh */
    uploader_info delivery;    /* where delivery stands (UPLOADER_OFF without --core) */
    bank_score score;          /* SCR_RESULT */
    const char *band_en;       /* English band name on SCR_RESULT */
    int confirm_focus;         /* SCR_CONFIRM: 0 = No (default), 1 = Yes */
    /* SCR_DAMAGE: `msg` is the key of the damage ("damage.lost", ...) */
    long long dmg_readable;    /* events still readable (verified, for an edited chain) */
    long long dmg_answers;     /* of which answers */
    long long dmg_recorded;    /* events recorded as committed; -1 = unknown */
    long long dmg_last_seq;    /* the last readable event of... */
    const char *dmg_last;      /* ...this participant (NIP; "" = none) */
    const char *dmg_kept;      /* the folder the damaged files go into */
    bool aloud;                /* read aloud is on for this participant (an accommodation
                                * recorded in the result); off again for the next one */
    const char *holder;        /* with msg "lease.refused": the seat holding the attempt */
    const char *holder_nip;    /* ...of this NIP (not translated) */
    const char *notice;        /* the argument of the proctor's last notice (not translated:
                                * a message, minutes, a seat), "" = none */
    const char *notice_key;    /* its text's key, "" = no notice: "room.message" (a message),
                                * "room.extend", "room.pause", ... (a command obeyed) */
    unsigned notices;          /* counts the notices, so that the same one twice is news */
    const char *reason;        /* the proctor's reason on SCR_PAUSED / SCR_SEAT_LOCKED
                                * (not translated), "" = none */
    const char *moved_to;      /* SCR_MOVED: the seat the participant goes on at */
    unsigned seat;             /* counts the hand-overs of the seat to the next person: the
                                * look a participant chose (text size, contrast) ends with it */
} app_view;

/* Start-up settings. */
typedef struct app_config {
    const char *bank_path, *session_path, *authority_pub, *state_dir, *core_url;
    const char *proctor_code_file;   /* overrides the session's proctor code; NULL = the session's */
    const char *core_key;            /* the core's public key file to pin (--core-key); NULL =
                                        pinned at enrolment in state_dir/core.pub */
    int64_t (*now_ms)(void);          /* wall clock; NULL = the real one */
    const char *trace_path;           /* when set, a line per screen change (tests) */
    /* tests only: called at each crash point of finishing an attempt ("submitted",
     * "stored"); non-zero makes the app stop there as a kill would. NULL = never */
    int (*crash_at)(const char *point);
    /* tests only: told of each buffer of secrets or decrypted items the app has just
     * wiped ("item", "items", "token", "pin", "code"), before it is freed. NULL = none */
    void (*wiped)(const char *what, const void *p, size_t n);
    const char *seat;                 /* the seat label the room shows (--seat); NULL = "" */
    int lease_wait_ms;                /* longest wait for the core's lease answer; 0 =
                                         KLEASE_WAIT_MS (tests on a slow machine: longer) */
    int room_period_ms;               /* tests only: the room state's period; 0 = 3 s */
} app_config;

typedef struct app app;

/* Opens the bank, checks its seal and the session, opens (or resumes)
 * the journal in state_dir. Never fails hard: problems put the app on
 * SCR_ERROR with a message. Caller frees with app_free(). NULL only on
 * ENOMEM. */
app *app_new(const app_config *cfg);
void app_free(app *a);

/* Handles one action. Returns true when the view changed (redraw). */
bool app_handle(app *a, const action *act);

/* The view to draw. */
const app_view *app_view_get(app *a);

/* Milliseconds until the app next needs an ACT_TICK: the earliest of the
 * next second of a running attempt's clock and the next refresh of the
 * results count; -1 when it needs none. */
int app_wake_ms(const app *a);

/* True when the proctor has confirmed quitting. */
bool app_should_quit(const app *a);

#endif
