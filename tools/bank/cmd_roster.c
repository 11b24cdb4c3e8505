/* cmd_roster.c -- `bank roster`: PINs for a roster that has none, and a printable page of participant cards. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "csv.h"
#include "sbuf.h"
#include "text.h"
#include "why.h"

#define CARDS_PER_PAGE 10  /* 2 x 5 on an A4 sheet */

static const char PAGE_HEAD[] =
    "<!doctype html>\n<html lang=\"id\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>Kartu peserta / Participant cards</title>\n<style>\n"
    "@page { size: A4 portrait; margin: 10mm; }\n"
    "* { box-sizing: border-box; }\n"
    "body { margin: 0; background: #d9dde2; font: 11pt/1.3 \"DejaVu Sans\", sans-serif;"
    " color: #111; }\n"
    ".howto { max-width: 190mm; margin: 6mm auto 0; padding: 3mm 4mm; background: #fff8d6;"
    " border: 1px solid #e0c660; font-size: 10pt; }\n"
    ".page { width: 190mm; height: 277mm; margin: 6mm auto; background: #fff;"
    " display: grid; grid-template-columns: 1fr 1fr; grid-template-rows: repeat(5, 1fr);"
    " break-after: page; page-break-after: always; overflow: hidden; }\n"
    ".page:last-child { break-after: auto; page-break-after: auto; }\n"
    ".card { border: 1px dashed #777; padding: 3mm 4.5mm; overflow: hidden; line-height: 1.2;"
    " break-inside: avoid; display: flex; flex-direction: column; gap: 1mm; }\n"
    ".card h2 { margin: 0 0 .5mm; font-size: 8pt; font-weight: normal; color: #444;"
    " text-transform: uppercase; letter-spacing: .04em; }\n"
    ".card dl { margin: 0; display: grid; grid-template-columns: 21mm 1fr; gap: .5mm 2mm; }\n"
    ".card dt { font-size: 8pt; color: #555; }\n"
    ".card dd { margin: 0; overflow-wrap: anywhere; }\n"
    ".nip { font-family: \"DejaVu Sans Mono\", monospace; }\n"
    ".name { font-weight: bold; font-size: 10pt; }\n"
    ".pin { font: bold 14pt \"DejaVu Sans Mono\", monospace; letter-spacing: .12em; }\n"
    ".warn { margin: auto 0 0; font-size: 7pt; color: #444; }\n"
    "@media print { body { background: #fff; } .howto { display: none; }"
    " .page { margin: 0; } }\n"
    "</style>\n</head>\n<body>\n"
    "<p class=\"howto\">Cetak di kertas A4, potong di garis putus-putus, dan serahkan tiap kartu"
    " kepada pesertanya. Kartu memuat PIN: musnahkan sisa cetakan dan berkas ini setelah"
    " ujian.<br>Print on A4, cut along the dashed lines and hand each card to its participant."
    " The cards hold the PINs: destroy spare prints and this file after the sitting.</p>\n";

void html_put(sbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': sbuf_puts(b, "&amp;"); break;
        case '<': sbuf_puts(b, "&lt;"); break;
        case '>': sbuf_puts(b, "&gt;"); break;
        case '"': sbuf_puts(b, "&quot;"); break;
        case '\'': sbuf_puts(b, "&#39;"); break;
        default: sbuf_add(b, s, 1);
        }
    }
}

/* Appends one card: a participant's NIP, name and PIN, the exam and room. */
static void card_put(sbuf *b, const char *nip, const char *name, const char *pin,
                     const char *exam, const char *room)
{
    sbuf_puts(b, "<section class=\"card\"><h2>Kartu peserta &middot; Participant card</h2><dl>"
                 "<dt>Ujian / Exam</dt><dd>");
    html_put(b, exam);
    if (room) {
        sbuf_puts(b, "</dd><dt>Ruang / Room</dt><dd>");
        html_put(b, room);
    }
    sbuf_puts(b, "</dd><dt>NIP</dt><dd class=\"nip\">");
    html_put(b, nip);
    sbuf_puts(b, "</dd><dt>Nama / Name</dt><dd class=\"name\"><bdi>");
    html_put(b, name);
    sbuf_puts(b, "</bdi></dd><dt>PIN</dt><dd class=\"pin\">");
    html_put(b, pin);
    sbuf_puts(b, "</dd></dl><p class=\"warn\">Rahasiakan PIN ini: ketik sendiri di kiosk."
                 " / Keep this PIN secret: type it yourself at the kiosk.</p></section>\n");
}

/* The cards page of the nip,name,pin roster `csv` (len bytes) into b (a
 * secret buffer); *n counts the cards. BANK_OK or BANK_EROSTER with why. */
static bank_err cards_page(const char *csv, size_t len, const char *exam, const char *room,
                           sbuf *b, size_t *n, char *why)
{
    csv_reader r;
    csv_init(&r, csv, len);
    r.text.secret = true;
    char **f = NULL;
    size_t nf = 0;
    int got = csv_next(&r, &f, &nf, why); /* the header nip,name,pin */
    bank_err e = got > 0 && nf == 3 ? BANK_OK : BANK_EROSTER;
    sbuf_puts(b, PAGE_HEAD);
    *n = 0;
    while (!e && (got = csv_next(&r, &f, &nf, why)) > 0) {
        if (nf != 3) {
            e = BANK_EROSTER;
            why_set(why, "line %d: expected nip,name,pin", r.line);
            break;
        }
        if (*n % CARDS_PER_PAGE == 0) sbuf_puts(b, *n ? "</main>\n<main class=\"page\">\n"
                                                      : "<main class=\"page\">\n");
        card_put(b, f[0], f[1], f[2], exam, room);
        (*n)++;
    }
    if (!e && got < 0) e = BANK_EROSTER;
    sbuf_puts(b, *n ? "</main>\n</body>\n</html>\n" : "</body>\n</html>\n");
    csv_free(&r);
    if (!e && b->failed) e = BANK_ENOMEM;
    return e;
}

bool label_ok(const cli_args *a, const char *opt, const char *v)
{
    if (!v) return true;
    if (v[0] && strlen(v) <= LABEL_MAX && !text_has_control(v) && !text_has_bidi(v) &&
        text_utf8_valid(v, strlen(v)))
        return true;
    fprintf(stderr, "bank %s: --%s must be one line of 1 to %d bytes of text\n", a->cmd, opt,
            LABEL_MAX);
    return false;
}

int cmd_roster(cli_args *a)
{
    static const char use[] = "usage: bank roster ROSTER.csv --exam TEXT [--room TEXT]"
                              " --cards CARDS.html [--out ROSTER-WITH-PINS.csv]";
    if (a->npos != 1) return cli_usage(a, use);
    const char *exam = cli_need(a, "exam"), *cards = cli_need(a, "cards");
    const char *room = cli_opt(a, "room"), *out = cli_opt(a, "out");
    if (!exam || !cards) return 2;
    if (!label_ok(a, "exam", exam) || !label_ok(a, "room", room)) return 2;
    if (out && strcmp(out, cards) == 0) return cli_usage(a, "--out and --cards name one file");
    size_t len = 0, flen = 0, made = 0, n = 0;
    char *in = cli_read_file(a, a->pos[0], 1 << 24, &len), *filled = NULL, why[WHY_SIZE] = "";
    if (!in) return 1;
    sbuf page;
    sbuf_init(&page, 0);
    page.secret = true;
    bank_err e = bank_roster_pins(in, len, &filled, &flen, &made, why);
    OPENSSL_cleanse(in, len);
    free(in);
    int rc = 0, cfd = -1, ofd = -1;
    if (e) rc = cli_fail(a, e, why);
    else if (made && !out)
        rc = cli_usage(a, "PINs were made for the roster: give --out FILE to keep them for"
                          " bank session");
    else if ((e = cards_page(filled, flen, exam, room, &page, &n, why)) != BANK_OK)
        rc = cli_fail(a, e, why);
    if (!rc && (cfd = secret_out_open(a, "cards", cards, "cards")) < 0) rc = 1;
    if (!rc && out && (ofd = secret_out_open(a, "out", out, "PIN")) < 0) {
        close(cfd);
        unlink(cards);
        rc = 1;
    }
    if (!rc && (rc = secret_out_write(a, cfd, "cards", cards, page.p, page.len)) != 0) {
        if (ofd >= 0) close(ofd), unlink(out);
    } else if (!rc && out && (rc = secret_out_write(a, ofd, "out", out, filled, flen)) != 0) {
        unlink(cards);
    }
    if (!rc)
        fprintf(stderr, "%s: %zu participant card%s to print (readable by its owner only: it"
                        " holds the PINs)%s%s%s; %zu new PIN%s of %d digits\n",
                cards, n, n == 1 ? "" : "s", out ? "; the roster for bank session: " : "",
                out ? out : "", out ? " (0600)" : "", made, made == 1 ? "" : "s", BANK_PIN_MIN);
    if (filled) OPENSSL_cleanse(filled, flen);
    free(filled);
    sbuf_free(&page);
    return rc;
}
