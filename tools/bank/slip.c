/* slip.c -- the proctor's slip of a session: one printable HTML page with the token and proctor code. */
#include "cli.h"

static const char SLIP_HEAD[] =
    "<!doctype html>\n<html lang=\"id\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>Slip pengawas / Proctor slip</title>\n<style>\n"
    "@page { size: A5 portrait; margin: 12mm; }\n"
    "body { margin: 0; background: #d9dde2; font: 11pt/1.35 \"DejaVu Sans\", sans-serif;"
    " color: #111; }\n"
    ".slip { max-width: 124mm; margin: 8mm auto; padding: 6mm 7mm; background: #fff;"
    " border: 1px solid #777; }\n"
    "h1 { margin: 0 0 4mm; font-size: 13pt; }\n"
    "dl { margin: 0; display: grid; grid-template-columns: 34mm 1fr; gap: 2mm 3mm; }\n"
    "dt { font-size: 9pt; color: #444; }\n"
    "dd { margin: 0; overflow-wrap: anywhere; }\n"
    ".code { font: bold 16pt \"DejaVu Sans Mono\", monospace; letter-spacing: .1em; }\n"
    ".id { font-family: \"DejaVu Sans Mono\", monospace; font-size: 9pt; }\n"
    ".note { margin: 5mm 0 0; font-size: 9pt; color: #333; }\n"
    "@media print { body { background: #fff; } .slip { margin: 0; border: 0; } }\n"
    "</style>\n</head>\n<body>\n<main class=\"slip\">\n"
    "<h1>Slip pengawas &middot; Proctor slip</h1>\n<dl>\n";

/* Appends one row of the slip: label, then the escaped value in class cls. */
static void slip_row(sbuf *b, const char *label, const char *cls, const char *value)
{
    sbuf_puts(b, "<dt>");
    sbuf_puts(b, label);
    sbuf_puts(b, "</dt><dd class=\"");
    sbuf_puts(b, cls);
    sbuf_puts(b, "\">");
    html_put(b, value);
    sbuf_puts(b, "</dd>\n");
}

void slip_page(sbuf *b, const char *exam, const char *room, const char *session,
               const char *token, const char *proctor_code)
{
    sbuf_puts(b, SLIP_HEAD);
    slip_row(b, "Ujian / Exam", "exam", exam);
    if (room) slip_row(b, "Ruang / Room", "room", room);
    slip_row(b, "Sesi / Session", "id", session);
    slip_row(b, "Token peserta / Participant token", "code token", token);
    slip_row(b, "Kode pengawas / Proctor code", "code proctor", proctor_code);
    sbuf_puts(b,
              "</dl>\n<p class=\"note\">Token dibacakan kepada peserta saat ujian dimulai."
              " Kode pengawas hanya untuk pengawas (keluar dari kiosk, membuka kursi yang"
              " terkunci): jangan dibacakan, jangan diketik di depan peserta. Musnahkan slip"
              " dan berkas ini setelah ujian.</p>\n"
              "<p class=\"note\">The token is read out to the participants when the sitting"
              " starts. The proctor code is for the proctor alone (quitting a kiosk, unlocking"
              " a locked seat): never read it out, never type it where participants can see."
              " Destroy the slip and this file after the sitting.</p>\n"
              "</main>\n</body>\n</html>\n");
}
