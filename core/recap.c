/* recap.c -- the cohort recap of SPEC 5 and 6: trophies, aspects, final score, outcome. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bank.h"
#include "recap.h"

/* Rounding. Every quotient is rounded half-up to hundredths exactly once,
 * on integers: for num >= 0 and den > 0, round(num / den) = (2 num + den) / (2 den)
 * in integer division. Worked examples:
 *   academic (7001 + 7000) / 2 = 7000.5       -> 7001 (half goes up: 70.01, cukup)
 *   academic (7000 + 6999) / 2 = 6999.5       -> 7000 (70.00, kurang)
 *   attitude (10 x 8550 + 5 x 8000) / 15 = 8366.67 -> 8367
 *   actualisation (20 x 7000 + 30 x 7001) / 50 = 7000.6 -> 7001
 *   trophies 42: 9500 + 500 / 9 = 9555.56     -> 9556
 *
 * The final score is computed from the ROUNDED aspect values, the ones the
 * recap shows, so anyone can check it with the four published numbers:
 *   final = round((15 x attitude + 20 x academic + 50 x actualisation + 15 x pktbt) / 100).
 * Example: attitude 8367, academic 7001, actualisation 8000, pktbt 8500:
 *   (125505 + 140020 + 400000 + 127500) / 100 = 7930.25 -> 7930 (79.30).
 * The bands and the outcome use the same rounded aspect values. Computing
 * the final from the unrounded aspects instead can differ by 0.01: for
 * aspects 8044.67, 8570.5, 7628, 8597 it gives 8024.35 -> 8024, where the
 * rounded aspects 8045, 8571, 7628, 8597 give 8024.5 -> 8025, the value
 * the recap uses (tests/data/recap/README.md, row 35). */
static int div_half_up(long num, long den)
{
    return (int)((2 * num + den) / (2 * den));
}

/* The trophy table (SPEC 6). Within a range the score grows linearly from
 * the score of its lowest count to that of its highest, so 40 and 41 both
 * give 95.00, and 30 and 31 both give 90.00 (the ranges share their ends).
 *   41..50: 9500 + (t - 41) x 500 / 9  (41 -> 9500, 42 -> 9556, 50 -> 10000)
 *   31..40: 9000 + (t - 31) x 500 / 9  (31 -> 9000, 32 -> 9056, 40 -> 9500)
 *   29..30: 8000 + (t - 29) x 1000     (29 -> 8000, 30 -> 9000)
 *   28: 7001; below 28: -1 (not passed); above 50: -1 (cannot be earned). */
int recap_trophy_score(int trophies)
{
    if (trophies < 28 || trophies > 50) return -1;
    if (trophies == 28) return 7001;
    if (trophies <= 30) return 8000 + (trophies - 29) * 1000;
    if (trophies <= 40) return 9000 + div_half_up((long)(trophies - 31) * 500, 9);
    return 9500 + div_half_up((long)(trophies - 41) * 500, 9);
}

const char *recap_outcome_name(recap_outcome o)
{
    switch (o) {
    case RECAP_PASSED: return "lulus";
    case RECAP_DEFERRED: return "ditunda";
    case RECAP_FAILED: return "tidak lulus";
    case RECAP_EXEMPT: return "dibebaskan (RPL)";
    case RECAP_INCOMPLETE: return "belum lengkap";
    }
    return "tidak dikenal";
}

/* A score in hundredths as "85.50" ("-2.50" for a negative one) into buf. */
static const char *fmt_score(char buf[16], int v)
{
    long a = v < 0 ? -(long)v : (long)v;
    snprintf(buf, 16, "%s%ld.%02ld", v < 0 ? "-" : "", a / 100, a % 100);
    return buf;
}

static bool score_ok(int v) { return v == RECAP_NONE || (v >= 0 && v <= BANK_SCORE_MAX); }

/* (wa x a + wb x b) / (wa + wb), rounded; RECAP_NONE unless both are scores. */
static int weigh2(int wa, int a, int wb, int b)
{
    if (a < 0 || b < 0 || a > BANK_SCORE_MAX || b > BANK_SCORE_MAX) return RECAP_NONE;
    return div_half_up((long)wa * a + (long)wb * b, wa + wb);
}

/* Writes the outcome and its rule, printf-style, into out. */
__attribute__((format(printf, 3, 4)))
static void decide(recap_row *out, recap_outcome o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    out->outcome = o;
    vsnprintf(out->rule, sizeof out->rule, fmt, ap);
    va_end(ap);
}

/* First value outside its range: writes the rule and returns true. */
static bool invalid_input(const recap_input *in, recap_row *out)
{
    const struct { const char *name; int v; } scores[] = {
        {"behaviour_institution", in->behaviour_institution},
        {"behaviour_agency", in->behaviour_agency},
        {"academic_self_paced", in->academic_self_paced},
        {"academic_distance", in->academic_distance},
        {"actualisation_design", in->actualisation_design},
        {"actualisation_implementation", in->actualisation_implementation},
        {"pktbt", in->pktbt},
    };
    char b[16];
    for (size_t i = 0; i < sizeof scores / sizeof scores[0]; i++)
        if (!score_ok(scores[i].v)) {
            decide(out, RECAP_INCOMPLETE, "incomplete: %s %s is outside 0.00-100.00",
                   scores[i].name, fmt_score(b, scores[i].v));
            return true;
        }
    const struct { const char *name; int v; } counts[] = {
        {"absent_sessions", in->absent_sessions},
        {"absent_jp", in->absent_jp},
        {"absent_days", in->absent_days},
        {"trophies", in->trophies},
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        if (counts[i].v < 0 && counts[i].v != RECAP_NONE) {
            decide(out, RECAP_INCOMPLETE, "incomplete: %s %d is negative", counts[i].name,
                   counts[i].v);
            return true;
        }
    if (in->trophies > 50) {
        decide(out, RECAP_INCOMPLETE,
               "incomplete: %d trophies, more than the 50 that can be earned", in->trophies);
        return true;
    }
    return false;
}

/* An exam with an attempt of two different records not yet resolved: no
 * outcome until the operator keeps one (`core dispute resolve`). */
static bool disputed_input(const recap_input *in, recap_row *out)
{
    static const struct { unsigned bit; const char *name; } exams[] = {
        {RECAP_DISPUTED_SELF_PACED, "self_paced"},
        {RECAP_DISPUTED_DISTANCE, "distance"},
        {RECAP_DISPUTED_RPL, "rpl"},
    };
    char names[64] = "";
    for (size_t i = 0; i < sizeof exams / sizeof exams[0]; i++)
        if (in->disputed & exams[i].bit)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                     names[0] ? ", " : "", exams[i].name);
    if (!names[0]) return false;
    decide(out, RECAP_INCOMPLETE, "incomplete: disputed %s (two different results of one "
           "attempt): left out until core dispute resolve keeps one", names);
    return true;
}

/* A needed score that is missing (behaviour_institution is missing only
 * when no trophies stand in for it): writes the rule, naming every missing
 * column that fits ("... and 2 more" for the rest), and returns true. */
static bool missing_input(const recap_input *in, recap_row *out)
{
    const char *names[7];
    size_t n = 0;
    if (in->behaviour_institution == RECAP_NONE && in->trophies == RECAP_NONE)
        names[n++] = "behaviour_institution or trophies";
    const struct { const char *name; int v; } need[] = {
        {"behaviour_agency", in->behaviour_agency},
        {"academic_self_paced", in->academic_self_paced},
        {"academic_distance", in->academic_distance},
        {"actualisation_design", in->actualisation_design},
        {"actualisation_implementation", in->actualisation_implementation},
        {"pktbt", in->pktbt},
    };
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (need[i].v == RECAP_NONE) names[n++] = need[i].name;
    if (n == 0) return false;
    char text[sizeof out->rule];
    size_t len = (size_t)snprintf(text, sizeof text, "incomplete: missing %s", names[0]), i = 1;
    const size_t more = sizeof " and 9 more";  /* room kept for the tail */
    for (; i < n; i++) {
        size_t add = 2 + strlen(names[i]);
        if (len + add + (i + 1 < n ? more : 0) >= sizeof text) break;
        len += (size_t)snprintf(text + len, sizeof text - len, ", %s", names[i]);
    }
    if (i < n) snprintf(text + len, sizeof text - len, " and %zu more", n - i);
    decide(out, RECAP_INCOMPLETE, "%s", text);
    return true;
}

/* The failing rules (SPEC 5, 6); the first that matches decides, in this
 * order: an aspect "tidak memuaskan" (attitude, academic, actualisation,
 * PKTBT); attitude "kurang memuaskan"; fewer than 28 trophies; more than
 * 6 sessions, 18 JP or 2 days absent. */
static bool failed(const recap_input *in, recap_row *out)
{
    const struct { const char *name; int v; } aspects[] = {
        {"attitude", out->attitude},
        {"academic", out->academic},
        {"actualisation", out->actualisation},
        {"pktbt", out->pktbt},
    };
    char b[16];
    for (size_t i = 0; i < sizeof aspects / sizeof aspects[0]; i++)
        if (aspects[i].v != RECAP_NONE && aspects[i].v <= 6000) {
            decide(out, RECAP_FAILED, "failed: %s %s is tidak memuaskan", aspects[i].name,
                   fmt_score(b, aspects[i].v));
            return true;
        }
    if (out->attitude != RECAP_NONE && out->attitude <= 7000) {
        decide(out, RECAP_FAILED,
               "failed: attitude %s is kurang memuaskan, behaviour needs at least 70.01",
               fmt_score(b, out->attitude));
        return true;
    }
    if (in->trophies != RECAP_NONE && in->trophies < 28) {
        decide(out, RECAP_FAILED, "failed: %d trophies, fewer than the 28 required",
               in->trophies);
        return true;
    }
    if (in->absent_sessions > 6) {
        decide(out, RECAP_FAILED, "failed: absent %d sessions, more than 6", in->absent_sessions);
        return true;
    }
    if (in->absent_jp > 18) {
        decide(out, RECAP_FAILED, "failed: absent %d JP, more than 18", in->absent_jp);
        return true;
    }
    if (in->absent_days > 2) {
        decide(out, RECAP_FAILED, "failed: absent %d days, more than 2", in->absent_days);
        return true;
    }
    return false;
}

/* Deferred when academic, actualisation or PKTBT (first in that order) is
 * "kurang memuaskan"; runs after failed(), so every aspect is > 60.00. */
static bool deferred(recap_row *out)
{
    const struct { const char *name; int v; } aspects[] = {
        {"academic", out->academic},
        {"actualisation", out->actualisation},
        {"pktbt", out->pktbt},
    };
    char b[16];
    for (size_t i = 0; i < sizeof aspects / sizeof aspects[0]; i++)
        if (aspects[i].v <= 7000) {
            decide(out, RECAP_DEFERRED, "deferred: %s %s is kurang memuaskan", aspects[i].name,
                   fmt_score(b, aspects[i].v));
            return true;
        }
    return false;
}

/* Borrows `in`; fills every field of `out`. Scores that cannot be computed
 * (missing or invalid parts) are RECAP_NONE, and so is the final score
 * unless all four aspects are known. Outcome in this order: exempt (RPL),
 * incomplete (a value out of range or a needed score missing), failed,
 * deferred, passed. */
void recap_compute(const recap_input *in, recap_row *out)
{
    memset(out, 0, sizeof *out);
    out->behaviour_institution = out->attitude = out->academic = RECAP_NONE;
    out->actualisation = out->pktbt = out->final = RECAP_NONE;
    if (!in) {
        decide(out, RECAP_INCOMPLETE, "incomplete: no participant data");
        return;
    }
    int inst = in->behaviour_institution;
    if (inst == RECAP_NONE && in->trophies != RECAP_NONE) {
        int t = recap_trophy_score(in->trophies);
        inst = t >= 0 ? t : RECAP_NONE;
    }
    out->behaviour_institution = score_ok(inst) ? inst : RECAP_NONE;
    out->attitude = weigh2(10, inst, 5, in->behaviour_agency);
    out->academic = weigh2(10, in->academic_self_paced, 10, in->academic_distance);
    out->actualisation = weigh2(20, in->actualisation_design, 30, in->actualisation_implementation);
    out->pktbt = in->pktbt >= 0 && in->pktbt <= BANK_SCORE_MAX ? in->pktbt : RECAP_NONE;
    if (out->attitude != RECAP_NONE && out->academic != RECAP_NONE &&
        out->actualisation != RECAP_NONE && out->pktbt != RECAP_NONE)
        out->final = div_half_up(15L * out->attitude + 20L * out->academic +
                                     50L * out->actualisation + 15L * out->pktbt,
                                 100);

    if (disputed_input(in, out)) return;
    if (in->rpl_exempt) {
        decide(out, RECAP_EXEMPT, "exempt: passed the RPL pre-test: certificate without training");
        return;
    }
    if (invalid_input(in, out) || missing_input(in, out) || failed(in, out) || deferred(out))
        return;
    char b[16];
    decide(out, RECAP_PASSED, "passed: every aspect at least 70.01, final %s",
           fmt_score(b, out->final));
}
