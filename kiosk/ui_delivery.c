/* ui_delivery.c -- the footer's line on result delivery: how many wait, where they stand, why. */
#include <stdio.h>
#include <string.h>

#include "ui.h"

/* The code of a refusal line "HTTP 422 score-mismatch: ..." into out. */
static void refusal_code(const char *line, char *out, size_t cap)
{
    const char *p = line;
    if (strncmp(p, "HTTP ", 5) == 0) {
        p += 5;
        while (*p >= '0' && *p <= '9') p++;
        while (*p == ' ') p++;
    }
    size_t n = strcspn(p, ":");
    if (n >= cap) n = cap - 1;
    memcpy(out, p, n);
    out[n] = 0;
}

/* Why the core is unreachable, in the screen's language. */
static const char *net_reason(const texts *s, const uploader_info *d)
{
    switch (d->net) {
    case UPLOADER_NET_REFUSED: return texts_get(s, "delivery.net.refused");
    case UPLOADER_NET_NOROUTE: return texts_get(s, "delivery.net.noroute");
    case UPLOADER_NET_RESOLVE: return texts_get(s, "delivery.net.resolve");
    case UPLOADER_NET_TIMEOUT: return texts_get(s, "delivery.net.timeout");
    case UPLOADER_NET_TLS: return texts_get(s, "delivery.net.tls");
    default: return d->reason[0] ? d->reason : texts_get(s, "delivery.net.timeout");
    }
}

bool ui_delivery_text(const texts *s, const uploader_info *d, char *out, size_t cap)
{
    if (!out || cap == 0) return false;
    out[0] = 0;
    if (!d) return false;
    char n[16], http[16], code[48] = "";
    snprintf(n, sizeof n, "%d", d->queued);
    snprintf(http, sizeof http, "%d", d->http);
    const char *key, *arg = NULL;
    bool attention = true;
    switch (d->state) {
    case UPLOADER_OFF:   /* the plan on a PC without network: a stick carries them */
        key = d->queued == 0 ? "delivery.off_none" : d->queued == 1 ? "delivery.off_one"
                                                                   : "delivery.off";
        attention = false;
        break;
    case UPLOADER_CONNECTING:
        key = d->queued ? "delivery.connecting" : "delivery.done";
        attention = false;
        break;
    case UPLOADER_UNREACHABLE: key = "delivery.unreachable", arg = net_reason(s, d); break;
    case UPLOADER_CORE_ERROR: key = "delivery.core_error", arg = http; break;
    case UPLOADER_AWAITING_APPROVAL: key = "delivery.approval", arg = d->kiosk; break;
    case UPLOADER_REVOKED: key = "delivery.revoked"; break;
    case UPLOADER_ENROL_REFUSED: key = "delivery.enrol_refused", arg = d->reason; break;
    case UPLOADER_DISK: key = "delivery.disk", arg = d->reason; break;
    case UPLOADER_BAD_RECEIPT: key = "delivery.bad_receipt", arg = d->reason; break;
    case UPLOADER_CORE_KEY: key = "delivery.core_key", arg = d->reason; break;
    case UPLOADER_OK:
    default:
        key = d->queued ? "delivery.connecting" : "delivery.done";
        attention = false;
        break;
    }
    const char *args[2] = {n, arg ? arg : ""};
    size_t len = texts_fill(out, cap, texts_get(s, key), args, 2);
    if (d->refused > 0 && len + 2 < cap) {
        out[len++] = ' ';   /* the strings file trims the template's leading space */
        char r[16];
        snprintf(r, sizeof r, "%d", d->refused);
        refusal_code(d->last_refused, code, sizeof code);
        const char *rargs[2] = {r, code[0] ? code : "?"};
        texts_fill(out + len, cap - len, texts_get(s, "delivery.refused"), rargs, 2);
        attention = true;
    }
    return attention;
}
