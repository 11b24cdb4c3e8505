/* roster.c -- roster CSV, NIP checks and form history for a new session. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "csv.h"
#include "item.h"
#include "session.h"
#include "text.h"
#include "why.h"

/* Days in month m (1-12) of year y. */
static int month_days(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* Integer value of n digits at s. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) v = v * 10 + (s[i] - '0');
    return v;
}

bool bank_nip_valid(const char *nip)
{
    if (!nip || strlen(nip) != 18) return false;
    for (int i = 0; i < 18; i++)
        if (nip[i] < '0' || nip[i] > '9') return false;
    int by = digits(nip, 4), bm = digits(nip + 4, 2), bd = digits(nip + 6, 2);
    int ay = digits(nip + 8, 4), am = digits(nip + 12, 2), sex = nip[14] - '0';
    if (by < 1930 || by > 2015 || bm < 1 || bm > 12 || bd < 1 || bd > month_days(by, bm))
        return false;
    if (ay < by + 15 || ay > 2100 || am < 1 || am > 12) return false;
    return (sex == 1 || sex == 2) && digits(nip + 15, 3) > 0;
}

void sess_people_free(sess_person *people, size_t n)
{
    if (!people) return;
    for (size_t i = 0; i < n; i++) {
        free(people[i].nip);
        free(people[i].name);
        for (size_t k = 0; k < people[i].nseen; k++) free(people[i].seen[k].item);
        free(people[i].seen);
        OPENSSL_cleanse(people[i].pin_hash, sizeof people[i].pin_hash);
    }
    free(people);
}

/* The extra_minutes field: empty = 0, else 0..BANK_EXTRA_MINUTES_MAX digits; -1 when not. */
static int extra_minutes(const char *s)
{
    int v = 0;
    for (size_t i = 0; s[i]; i++) {
        if (s[i] < '0' || s[i] > '9' || i >= 4) return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v <= BANK_EXTRA_MINUTES_MAX ? v : -1;
}

/* Frees the PIN copies made by the roster parser. */
static void pins_free(char **pins, size_t n)
{
    if (!pins) return;
    for (size_t i = 0; i < n; i++) {
        if (pins[i]) OPENSSL_cleanse(pins[i], strlen(pins[i]));
        free(pins[i]);
    }
    free(pins);
}

bank_err sess_parse_roster(const char *csv, size_t len, sess_person **people, char ***pins,
                           size_t *n, char *why)
{
    csv_reader r;
    csv_init(&r, csv, len);
    r.text.secret = true; /* the reader's copies of the fields hold the PINs */
    char **f = NULL;
    size_t nf = 0, count = 0, cap = 0;
    sess_person *v = NULL;
    char **pv = NULL;
    int *lines = NULL;
    bank_err e = BANK_OK;
    int got = csv_next(&r, &f, &nf, why);
    if (got == 0) {
        why_set(why, "roster is empty");
        e = BANK_EROSTER;
    } else if (got < 0) {
        e = BANK_EPARSE;
    } else if ((nf != 3 && nf != 4) || strcasecmp(f[0], "nip") || strcasecmp(f[1], "name") ||
               strcasecmp(f[2], "pin") || (nf == 4 && strcasecmp(f[3], "extra_minutes"))) {
        why_set(why, "line %d: roster header must be nip,name,pin or nip,name,pin,extra_minutes",
                r.line);
        e = BANK_EROSTER;
    }
    size_t cols = nf;
    int extra = 0;
    while (!e && (got = csv_next(&r, &f, &nf, why)) > 0) {
        if (nf != cols) {
            why_set(why, "line %d: expected %zu fields (%s), found %zu", r.line, cols,
                    cols == 3 ? "nip,name,pin" : "nip,name,pin,extra_minutes", nf);
            e = BANK_EROSTER;
        } else if (cols == 4 && (extra = extra_minutes(f[3])) < 0) {
            why_set(why, "line %d: extra_minutes must be a whole number from 0 to %d, not '%.20s'",
                    r.line, BANK_EXTRA_MINUTES_MAX, f[3]);
            e = BANK_EROSTER;
        } else if (!bank_nip_valid(f[0])) {
            why_set(why, "line %d: '%.40s' is not a valid 18-digit NIP", r.line, f[0]);
            e = BANK_EROSTER;
        } else if (!f[1][0] || strlen(f[1]) > 120 || text_has_control(f[1])) {
            why_set(why, "line %d: name must be 1-120 bytes of text on one line", r.line);
            e = BANK_EROSTER;
        } else if (!bank_pin_valid(f[2])) {
            why_set(why, "line %d: PIN must be %d to %d digits (a shorter one falls to an"
                         " offline search: `bank pins` makes PINs)",
                    r.line, BANK_PIN_MIN, BANK_PIN_MAX);
            e = BANK_EROSTER;
        } else if (count >= BANK_SESSION_MAX) {
            why_set(why, "line %d: a session holds at most %d participants", r.line,
                    BANK_SESSION_MAX);
            e = BANK_EROSTER;
        }
        for (size_t i = 0; !e && i < count; i++)
            if (strcmp(v[i].nip, f[0]) == 0) {
                why_set(why, "line %d: NIP %s appears twice (also on line %d)", r.line, f[0],
                         lines[i]);
                e = BANK_EROSTER;
            }
        if (e) break;
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            sess_person *nv = realloc(v, cap * sizeof *v);
            if (nv) v = nv;
            char **np = realloc(pv, cap * sizeof *pv);
            if (np) pv = np;
            int *nl = realloc(lines, cap * sizeof *lines);
            if (nl) lines = nl;
            if (!nv || !np || !nl) {
                e = BANK_ENOMEM;
                break;
            }
        }
        memset(&v[count], 0, sizeof v[count]);
        v[count].nip = strdup(f[0]);
        v[count].name = strdup(f[1]);
        v[count].attempt = 1;
        v[count].extra_minutes = cols == 4 ? extra : 0;
        pv[count] = strdup(f[2]);
        lines[count] = r.line;
        count++;
        if (!v[count - 1].nip || !v[count - 1].name || !pv[count - 1]) e = BANK_ENOMEM;
    }
    if (!e && got < 0) e = BANK_EPARSE;
    if (!e && count == 0) {
        why_set(why, "roster has no participants");
        e = BANK_EROSTER;
    }
    csv_free(&r);
    free(lines);
    if (e) {
        sess_people_free(v, count);
        pins_free(pv, count);
        return e;
    }
    *people = v;
    *pins = pv;
    *n = count;
    return BANK_OK;
}

/* Index of `nip` in people, or -1. */
static long find_person(sess_person *people, size_t n, const char *nip)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(people[i].nip, nip) == 0) return (long)i;
    return -1;
}

/* Records that p saw `item` on `attempt` (keeps the latest attempt). */
static bank_err note_seen(sess_person *p, const char *item, int attempt)
{
    for (size_t k = 0; k < p->nseen; k++)
        if (strcmp(p->seen[k].item, item) == 0) {
            if (attempt > p->seen[k].attempt) p->seen[k].attempt = attempt;
            return BANK_OK;
        }
    sess_seen *ns = realloc(p->seen, (p->nseen + 1) * sizeof *ns);
    if (!ns) return BANK_ENOMEM;
    p->seen = ns;
    ns[p->nseen].item = strdup(item);
    ns[p->nseen].attempt = attempt;
    if (!ns[p->nseen].item) return BANK_ENOMEM;
    p->nseen++;
    return BANK_OK;
}

static int seen_cmp(const void *a, const void *b)
{
    return strcmp(((const sess_seen *)a)->item, ((const sess_seen *)b)->item);
}

int sess_seen_attempt(const sess_person *p, const char *item)
{
    if (!p->nseen) return 0;
    sess_seen key = {(char *)item, 0};
    const sess_seen *s = bsearch(&key, p->seen, p->nseen, sizeof key, seen_cmp);
    return s ? s->attempt : 0;
}

/* Applies one parsed history line. */
static bank_err history_line(json_t *o, int line, const char *exam_id, sess_person *people,
                             size_t n, int *last, char *why)
{
    const char *exam = json_string_value(json_object_get(o, "exam"));
    const char *nip = json_string_value(json_object_get(o, "participant"));
    json_t *att = json_object_get(o, "attempt"), *items = json_object_get(o, "items");
    if (!exam || !nip || !json_is_integer(att) || !json_is_array(items)) {
        why_set(why, "history line %d: needs exam, participant, attempt and items", line);
        return BANK_EPARSE;
    }
    json_int_t a = json_integer_value(att);
    if (a < 1 || a > 100000) {
        why_set(why, "history line %d: attempt %lld is out of range", line, (long long)a);
        return BANK_EPARSE;
    }
    if (strcmp(exam, exam_id) != 0) return BANK_OK; /* another exam's form */
    long i = find_person(people, n, nip);
    if (i < 0) return BANK_OK;                      /* not in this sitting */
    if (a > last[i]) last[i] = (int)a;
    size_t k;
    json_t *it;
    json_array_foreach(items, k, it) {
        const char *id = json_string_value(json_object_get(it, "id"));
        if (!id || !item_name_valid(id)) {
            why_set(why, "history line %d: item %zu has no valid id", line, k + 1);
            return BANK_EPARSE;
        }
        bank_err e = note_seen(&people[i], id, (int)a);
        if (e) return e;
    }
    return BANK_OK;
}

bank_err sess_apply_history(const char *jsonl, size_t len, const char *exam_id,
                            sess_person *people, size_t n, char *why)
{
    int *last = calloc(n ? n : 1, sizeof *last);
    if (!last) return BANK_ENOMEM;
    bank_err e = BANK_OK;
    const char *p = jsonl, *end = jsonl + len;
    for (int line = 1; !e && p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        size_t m = (size_t)(stop - p);
        bool blank = true;
        for (size_t k = 0; k < m; k++)
            if (p[k] != ' ' && p[k] != '\t' && p[k] != '\r') blank = false;
        if (!blank) {
            json_error_t je;
            json_t *o = json_loadb(p, m, JSON_REJECT_DUPLICATES, &je);
            if (!json_is_object(o)) {
                why_set(why, "history line %d: not a JSON object (%s)", line,
                         o ? "wrong type" : je.text);
                e = BANK_EPARSE;
            } else {
                e = history_line(o, line, exam_id, people, n, last, why);
            }
            json_decref(o);
        }
        p = nl ? nl + 1 : end;
    }
    for (size_t i = 0; !e && i < n; i++) {
        people[i].attempt = last[i] + 1;
        if (people[i].nseen)
            qsort(people[i].seen, people[i].nseen, sizeof *people[i].seen, seen_cmp);
    }
    free(last);
    return e;
}
