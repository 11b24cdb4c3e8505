/* ui_screens.c -- the text screens: identification, codes, token wait, instructions, result, error. */
#include "ui_int.h"

#include <stdio.h>
#include <string.h>

/* Borrowed arguments; returns the height. */
int ui_block(ui *u, bool draw, int font, SDL_Color c, int x, int y, int w, const char *s)
{
    if (!s || !*s) return 0;
    return draw ? ui_para(u, font, c, x, y, w, s, 0, -1) : ui_para_h(u, font, s, w);
}

/* Borrowed key; returns the height. */
int ui_note(ui *u, bool draw, int x, int y, int w, const char *key)
{
    if (!key || !*key) return 0;
    const char *s = ui_str(u, key);
    return (draw ? ui_message(u, x, y, w, s, ui_msg_is_info(key)) : ui_message_h(u, w, s)) + u->unit;
}

/* Borrowed view; returns the height. */
int ui_code_message(ui *u, bool draw, int x, int y, int w, const app_view *v)
{
    if (v->wait_s <= 0) return ui_note(u, draw, x, y, w, v->msg);
    char n[16], line[320];
    snprintf(n, sizeof n, "%d", v->wait_s);
    const char *args[] = {n};
    texts_fill(line, sizeof line, ui_str(u, "throttle.wait"), args, 1);
    return (draw ? ui_message(u, x, y, w, line, false) : ui_message_h(u, w, line)) + u->unit;
}

/* Draws on u's renderer; nothing allocated. */
void ui_framed(ui *u, const app_view *v, const char *right, content_fn fn, SDL_Color edge,
               foot_button b)
{
    const ui_theme *t = u->t;
    int m, room, pw, bh, barea, ch, top;
    for (;;) {  /* the chosen text size, or the largest smaller one that fits */
        top = ui_header_h(u);
        m = 2 * u->unit;
        room = ui_footer_top(u) - top - u->unit;
        pw = 64 * u->unit;
        if (pw > u->w - 2 * m) pw = u->w - 2 * m;
        bh = b.label ? u->line_h[F_BOLD] + 2 * u->unit : 0;
        barea = b.label ? bh + m : 0;
        ch = fn(u, v, 0, 0, pw - 2 * m, false);
        if (ch + 2 * m + barea > room && pw < u->w - 2 * u->unit) {
            pw = u->w - 2 * u->unit;  /* big text: use the whole width */
            ch = fn(u, v, 0, 0, pw - 2 * m, false);
        }
        if (ch + 2 * m + barea <= room || u->eff == 0 || ui_use_step(u, u->eff - 1) != 0) break;
    }
    ui_header(u, ui_str(u, "app.name"), right);
    ui_footer(u, v);
    int ph = ch + 2 * m + barea;
    if (ph > room) ph = room;
    int py = top + (room - ph) / 2;
    if (py < top + u->unit / 2) py = top + u->unit / 2;
    SDL_Rect p = {(u->w - pw) / 2, py, pw, ph};
    ui_fill(u, p, t->panel);
    ui_frame(u, p, u->contrast ? 2 : 1, edge);
    ui_fill(u, (SDL_Rect){p.x, p.y, p.w, u->unit / 2 > 3 ? u->unit / 2 : 3}, edge);
    SDL_Rect clip = {p.x, p.y, p.w, p.h - barea};
    SDL_RenderSetClipRect(u->r, &clip);
    fn(u, v, p.x + m, p.y + m, pw - 2 * m, true);
    SDL_RenderSetClipRect(u->r, NULL);
    if (b.label) {
        int bw = ui_button_w(u, b.label);
        if (bw > pw - 2 * m) bw = pw - 2 * m;
        ui_button(u, (SDL_Rect){p.x + (pw - bw) / 2, p.y + p.h - m - bh, bw, bh}, b.label,
                  b.primary, b.primary, b.kind, 0);
    }
}

const foot_button no_button = {NULL, ACT_NONE, false};

/* A labelled input box; `shown` is what was typed (or dots). Returns its height. */
int ui_field(ui *u, bool draw, int x, int y, int w, const char *label, const char *shown,
                 bool focus, bool tab_on_click)
{
    const ui_theme *t = u->t;
    int lh = u->line_h[F_BOLD], bh = u->line_h[F_HEAD] + u->unit * 3 / 2;
    int h = lh + u->unit / 3 + bh;
    if (!draw) return h;
    ui_text(u, F_BOLD, t->text, x, y, label);
    SDL_Rect b = {x, y + lh + u->unit / 3, w, bh};
    ui_fill(u, b, t->field);
    ui_frame(u, b, focus ? 4 : 1, focus ? t->focus : t->border);
    int tw = ui_text_fit(u, F_HEAD, t->text, b.x + u->unit, b.y + (bh - u->line_h[F_HEAD]) / 2,
                         b.w - 3 * u->unit, shown);
    if (focus) {
        int cx = b.x + u->unit + tw + 2, ch = u->line_h[F_HEAD] * 4 / 5;
        ui_fill(u, (SDL_Rect){cx, b.y + (bh - ch) / 2, 3, ch}, t->text);
    }
    if (tab_on_click) ui_hot_add(u, b, ACT_TAB, 0);
    return h;
}

/* n dots (U+25CF) into out. */
void ui_dots(size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 4 < cap; i++) {
        memcpy(out + k, "\xE2\x97\x8F", 3);
        k += 3;
    }
    out[k] = '\0';
}

/* The NIP typed so far in groups: birth date, appointment month, gender, number. */
static void nip_groups(const char *nip, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; nip && nip[i] && k + 2 < cap; i++) {
        if (i == 8 || i == 14 || i == 15) out[k++] = ' ';
        out[k++] = nip[i];
    }
    out[k] = '\0';
}

static int identify(ui *u, const app_view *v, int x, int y, int w, bool draw)
{
    const ui_theme *t = u->t;
    int y0 = y, fw = ui_text_w(u, F_HEAD, "0000 0000 000000 0 000") + 4 * u->unit;
    if (fw > w) fw = w;
    char nip[64], pin[128];
    nip_groups(v->nip, nip, sizeof nip);
    ui_dots(v->pin_len, pin, sizeof pin);
    if (draw) ui_text_fit(u, F_HEAD, t->text, x, y, w, ui_str(u, "identify.title"));
    y += u->line_h[F_HEAD] + u->unit;
    y += ui_block(u, draw, F_BODY, t->muted, x, y, w, ui_str(u, "identify.hint")) + u->unit;
    y += ui_field(u, draw, x, y, fw, ui_str(u, "identify.nip"), nip, v->field == 0, v->field != 0);
    y += u->unit;
    y += ui_field(u, draw, x, y, fw, ui_str(u, "identify.pin"), pin, v->field == 1, v->field != 1);
    y += u->unit;
    if (v->msg && strcmp(v->msg, "identify.wrongpin") == 0 && v->tries_left > 0) {
        char n[16], line[160];
        snprintf(n, sizeof n, "%d", v->tries_left);
        const char *args[] = {n};
        texts_fill(line, sizeof line, ui_str(u, "identify.tries"), args, 1);
        y += ui_block(u, draw, F_BOLD, t->text, x, y, w, line) + u->unit / 2;
    }
    if (v->msg && strcmp(v->msg, "lease.refused") == 0) {  /* names the NIP and the seat */
        char line[320];
        const char *args[] = {v->holder_nip, v->holder};
        texts_fill(line, sizeof line, ui_str(u, "lease.refused"), args, 2);
        y += (draw ? ui_message(u, x, y, w, line, false) : ui_message_h(u, w, line)) + u->unit;
    } else {
        y += ui_note(u, draw, x, y, w, v->msg);
    }
    return y - y0 - u->unit;
}

void ui_draw_identify(ui *u, const app_view *v)
{
    ui_framed(u, v, NULL, identify, u->t->accent, no_button);
}

static int code(ui *u, const app_view *v, int x, int y, int w, bool draw)
{
    const ui_theme *t = u->t;
    bool locked = v->scr == SCR_LOCKED;
    int y0 = y, fw = w * 2 / 3;
    char shown[128];
    ui_dots(v->code ? strlen(v->code) : 0, shown, sizeof shown);
    if (draw)
        ui_text_fit(u, F_HEAD, locked ? t->warn : t->text, x, y, w,
                    ui_str(u, locked ? "locked.title" : "proctor.title"));
    y += u->line_h[F_HEAD] + u->unit;
    y += ui_block(u, draw, F_BODY, t->text, x, y, w, ui_str(u, locked ? "locked.hint" : "proctor.hint"));
    y += u->unit;
    y += ui_field(u, draw, x, y, fw, ui_str(u, locked ? "locked.code" : "proctor.code"), shown, true,
               false) + u->unit;
    if (v->wait_s > 0 || (v->msg && strcmp(v->msg, locked ? "locked.hint" : "proctor.hint") != 0))
        y += ui_code_message(u, draw, x, y, w, v);
    return y - y0 - u->unit;
}

void ui_draw_code(ui *u, const app_view *v)
{
    ui_framed(u, v, v->name, code, v->scr == SCR_LOCKED ? u->t->warn : u->t->accent, no_button);
}

static int wait_body(ui *u, const app_view *v, int x, int y, int w, bool draw)
{
    const ui_theme *t = u->t;
    int y0 = y, fw = ui_text_w(u, F_HEAD, "WWWWWWWWWWWW") + 3 * u->unit;
    if (fw > w) fw = w;
    if (draw) ui_text_fit(u, F_HEAD, t->text, x, y, w, ui_str(u, "wait.title"));
    y += u->line_h[F_HEAD] + u->unit;
    if (v->name && *v->name) {
        char line[256];
        const char *args[] = {v->name};
        texts_fill(line, sizeof line, ui_str(u, "wait.welcome"), args, 1);
        y += ui_block(u, draw, F_BOLD, t->text, x, y, w, line) + u->unit / 2;
    }
    y += ui_block(u, draw, F_BODY, t->muted, x, y, w, ui_str(u, "wait.hint")) + u->unit;
    y += ui_field(u, draw, x, y, fw, ui_str(u, "wait.token"), v->token ? v->token : "", true, false);
    y += u->unit;
    y += ui_code_message(u, draw, x, y, w, v);
    return y - y0 - u->unit;
}

void ui_draw_wait(ui *u, const app_view *v)
{
    ui_framed(u, v, v->name, wait_body, u->t->accent, no_button);
}

/* A label: value table row; returns its height. */
static int row(ui *u, bool draw, int x, int y, int w, int lw, const char *label, const char *value,
               int vfont)
{
    const ui_theme *t = u->t;
    int lh = ui_para_h(u, F_BODY, label, lw - u->unit), vh = ui_para_h(u, vfont, value, w - lw);
    int h = lh > vh ? lh : vh;
    ui_block(u, draw, F_BODY, t->muted, x, y + (h - lh) / 2, lw - u->unit, label);
    ui_block(u, draw, vfont, t->text, x + lw, y + (h - vh) / 2, w - lw, value);
    return h;
}

int ui_instructions_body(ui *u, const app_view *v, int x, int y, int w, bool draw)
{
    const ui_theme *t = u->t;
    int y0 = y;
    char a[16], items[96], mins[96], att[96], ceil[32], pass[32];
    const char *arg[] = {a};
    snprintf(a, sizeof a, "%d", v->nitems);
    texts_fill(items, sizeof items, ui_str(u, "instr.items.value"), arg, 1);
    char extra[16];
    const char *marg[] = {a, extra};
    snprintf(a, sizeof a, "%d", v->minutes);
    snprintf(extra, sizeof extra, "%d", v->extra_minutes);
    texts_fill(mins, sizeof mins,
               ui_str(u, v->extra_minutes > 0 ? "instr.minutes.extra" : "instr.minutes.value"),
               marg, 2);
    snprintf(a, sizeof a, "%d", v->attempt);
    texts_fill(att, sizeof att, ui_str(u, "instr.attempt.value"), arg, 1);
    ui_score(u, v->ceiling, ceil, sizeof ceil);
    ui_score(u, v->pass_mark, pass, sizeof pass);
    const char *labels[7] = {"instr.participant", "instr.kind", "instr.items", "instr.minutes",
                             "instr.attempt", "instr.ceiling", "instr.passmark"};
    const char *values[7] = {v->name, v->exam_kind ? ui_str(u, v->exam_kind) : "", items, mins,
                             att, ceil, pass};
    int lw = 0;
    for (int i = 0; i < 7; i++) {
        int k = ui_text_w(u, F_BODY, ui_str(u, labels[i])) + 2 * u->unit;
        if (k > lw) lw = k;
    }
    if (lw > w / 2) lw = w / 2;
    if (draw) ui_text_fit(u, F_HEAD, t->text, x, y, w, ui_str(u, "instr.title"));
    y += u->line_h[F_HEAD] + u->unit / 2;
    y += ui_block(u, draw, F_BOLD, t->accent, x, y, w, v->exam_title) + u->unit;
    for (int i = 0; i < 7; i++) {
        if (i == 5 && v->ceiling <= 0) continue;
        y += row(u, draw, x, y, w, lw, ui_str(u, labels[i]), values[i] ? values[i] : "",
                 F_BOLD) + u->unit / 3;
    }
    y += u->unit;
    y += ui_block(u, draw, F_BODY, t->text, x, y, w, ui_str(u, "instr.body")) + 3 * u->unit / 2;
    y += ui_note(u, draw, x, y, w, v->msg);
    return y - y0 - u->unit;
}

void ui_draw_instructions(ui *u, const app_view *v)
{
    ui_framed(u, v, v->name, ui_instructions_body, u->t->accent,
           (foot_button){ui_str(u, "instr.start"), ACT_START, true});
}

static int result(ui *u, const app_view *v, int x, int y, int w, bool draw)
{
    const ui_theme *t = u->t;
    const bank_score *s = &v->score;
    int y0 = y;
    char raw[32], ceil[32], award[32], pass[32], band[192], en[96];
    ui_score(u, s->raw, raw, sizeof raw);
    ui_score(u, s->ceiling, ceil, sizeof ceil);
    ui_score(u, s->awarded, award, sizeof award);
    ui_score(u, v->pass_mark, pass, sizeof pass);
    snprintf(en, sizeof en, "%s", v->band_en ? v->band_en : "");
    if (en[0] >= 'a' && en[0] <= 'z') en[0] = (char)(en[0] - 'a' + 'A');
    const char *bargs[] = {s->band ? s->band : "", en};
    texts_fill(band, sizeof band, ui_str(u, "result.band.value"), bargs, 2);
    if (draw) ui_text_fit(u, F_HEAD, t->text, x, y, w, ui_str(u, "result.title"));
    y += u->line_h[F_HEAD] + u->unit / 2;
    y += ui_block(u, draw, F_BOLD, t->accent, x, y, w, v->exam_title);
    y += ui_block(u, draw, F_BODY, t->text, x, y, w, v->name) + u->unit;
    int lw = w / 2;
    y += row(u, draw, x, y, w, lw, ui_str(u, "result.raw"), raw, F_BOLD) + u->unit / 3;
    y += row(u, draw, x, y, w, lw, ui_str(u, "result.ceiling"), ceil, F_BOLD) + u->unit / 3;
    y += row(u, draw, x, y, w, lw, ui_str(u, "result.passmark"), pass, F_BOLD) + u->unit / 3;
    y += row(u, draw, x, y, w, lw, ui_str(u, "result.awarded"), award, F_HEAD) + u->unit / 3;
    y += row(u, draw, x, y, w, lw, ui_str(u, "result.band"), band, F_BOLD) + u->unit;
    if (s->awarded < s->raw) {  /* the ceiling of this attempt lowered the score: say so */
        char n[16], why[320];
        snprintf(n, sizeof n, "%d", v->attempt);
        const char *args[] = {raw, n, ceil};
        texts_fill(why, sizeof why, ui_str(u, "result.capped"), args, 3);
        y += (draw ? ui_message(u, x, y, w, why, true) : ui_message_h(u, w, why)) + u->unit;
    }
    y += ui_note(u, draw, x, y, w, v->msg);  /* a result kept aside, for the proctor */
    int bh = u->line_h[F_BIG] + 2 * u->unit;
    if (draw) {
        SDL_Rect b = {x, y, w, bh};
        SDL_Color bg = s->passed ? t->ok : t->warn, fg = s->passed ? t->on_ok : t->on_warn;
        ui_fill(u, b, bg);
        if (u->contrast) ui_frame(u, b, 3, t->text);
        const char *word = ui_str(u, s->passed ? "result.passed" : "result.failed");
        int k = u->line_h[F_BIG] * 2 / 3, ww = ui_text_w(u, F_BIG, word);
        int gx = x + (w - ww - k - 2 * u->unit) / 2, gy = y + (bh - k) / 2;
        if (gx < x + u->unit) gx = x + u->unit;
        if (s->passed) ui_check(u, (SDL_Rect){gx, gy, k, k}, k / 6, fg);
        else ui_cross(u, (SDL_Rect){gx, gy, k, k}, k / 6, fg);
        ui_text_fit(u, F_BIG, fg, gx + k + 2 * u->unit, y + (bh - u->line_h[F_BIG]) / 2,
                    x + w - (gx + k + 2 * u->unit), word);
    }
    y += bh;
    return y - y0;
}

void ui_draw_result(ui *u, const app_view *v)
{
    ui_framed(u, v, v->name, result, v->score.passed ? u->t->ok : u->t->warn,
           (foot_button){ui_str(u, "result.next"), ACT_NEXT_SEAT, false});
}

static int timeout_body(ui *u, const app_view *v, int x, int y, int w, bool draw)
{
    const ui_theme *t = u->t;
    int y0 = y, done = 0;
    for (int i = 0; v->answered && i < v->nitems; i++) done += v->answered[i];
    char a[16], b[16], body[320];
    snprintf(a, sizeof a, "%d", done);
    snprintf(b, sizeof b, "%d", v->nitems);
    const char *args[] = {a, b};
    texts_fill(body, sizeof body, ui_str(u, "timeout.body"), args, 2);
    y += ui_block(u, draw, F_HEAD, t->warn, x, y, w, ui_str(u, "timeout.title")) + u->unit;
    y += ui_block(u, draw, F_BODY, t->text, x, y, w, body);
    return y - y0;
}

void ui_draw_timeout(ui *u, const app_view *v)
{
    ui_framed(u, v, v->name, timeout_body, u->t->warn,
           (foot_button){ui_str(u, "timeout.next"), ACT_ENTER, true});
}

static int error_body(ui *u, const app_view *v, int x, int y, int w, bool draw)
{
    const ui_theme *t = u->t;
    int y0 = y;
    y += ui_block(u, draw, F_HEAD, t->warn, x, y, w, ui_str(u, "error.title")) + u->unit;
    if (v->msg && *v->msg) y += ui_block(u, draw, F_BOLD, t->text, x, y, w, ui_str(u, v->msg)) + u->unit;
    if (v->cause && *v->cause) {  /* in the screen's language; the file or part as it is */
        char line[1400];
        const char *args[] = {v->subject ? v->subject : ""};
        texts_fill(line, sizeof line, ui_str(u, v->cause), args, 1);
        y += ui_block(u, draw, F_SMALL, t->muted, x, y, w, line) + u->unit;
    }
    y += ui_block(u, draw, F_BODY, t->text, x, y, w, ui_str(u, "error.hint"));
    return y - y0;
}

void ui_draw_error(ui *u, const app_view *v)
{
    ui_framed(u, v, v->name, error_body, u->t->warn, no_button);
}

static int damage_body(ui *u, const app_view *v, int x, int y, int w, bool draw)
{
    const ui_theme *t = u->t;
    int y0 = y, fw = w * 2 / 3;
    char n1[24], n2[24], n3[24], line[1400], shown[128];
    y += ui_block(u, draw, F_HEAD, t->warn, x, y, w, ui_str(u, "damage.title")) + u->unit;
    bool wrong = v->msg && strcmp(v->msg, "proctor.wrong") == 0;
    if (v->msg && *v->msg && !wrong)
        y += ui_block(u, draw, F_BOLD, t->text, x, y, w, ui_str(u, v->msg)) + u->unit;
    snprintf(n1, sizeof n1, "%lld", v->dmg_readable);
    snprintf(n2, sizeof n2, "%lld", v->dmg_answers);
    snprintf(n3, sizeof n3, "%lld", v->dmg_last_seq);
    const char *held[] = {n1, n2, n3, v->dmg_last && *v->dmg_last ? v->dmg_last : "-"};
    texts_fill(line, sizeof line, ui_str(u, v->dmg_readable > 0 ? "damage.held" : "damage.nothing"),
               held, 4);
    y += ui_block(u, draw, F_BODY, t->text, x, y, w, line) + u->unit / 2;
    if (v->dmg_recorded >= 0) {
        snprintf(n1, sizeof n1, "%lld", v->dmg_recorded);
        const char *rec[] = {n1};
        texts_fill(line, sizeof line, ui_str(u, "damage.recorded"), rec, 1);
        y += ui_block(u, draw, F_BODY, t->text, x, y, w, line) + u->unit / 2;
    }
    const char *kept[] = {v->dmg_kept ? v->dmg_kept : ""};
    texts_fill(line, sizeof line, ui_str(u, "damage.hint"), kept, 1);
    y += ui_block(u, draw, F_BODY, t->text, x, y, w, line) + u->unit;
    ui_dots(v->code ? strlen(v->code) : 0, shown, sizeof shown);
    y += ui_field(u, draw, x, y, fw, ui_str(u, "damage.code"), shown, true, false) + u->unit;
    if (wrong || v->wait_s > 0) {
        app_view only = *v;
        only.msg = wrong ? v->msg : "";
        y += ui_code_message(u, draw, x, y, w, &only);
    }
    return y - y0 - u->unit;
}

void ui_draw_damage(ui *u, const app_view *v)
{
    ui_framed(u, v, NULL, damage_body, u->t->warn, no_button);
}
