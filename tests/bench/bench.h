/* bench.h -- small helpers shared by the bench programs: clock, medians, temp folder, text. */
#ifndef KISI_BENCH_H
#define KISI_BENCH_H

#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bank.h"

#define BENCH_LABEL 46 /* width of the label column */

/* Milliseconds on the monotonic clock. */
static inline double bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[0..n) (n > 0); sorts v in place. */
static inline double bench_median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, bench_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The temp folder of this run; removed at exit (registered by
 * bench_tmpdir()), so that a failing bench leaves nothing behind. */
static char bench_dir_path[4096];

static inline void bench_tmpdir_remove(void)
{
    if (!bench_dir_path[0]) return;
    DIR *d = opendir(bench_dir_path);
    if (d) {
        struct dirent *de;
        char p[sizeof bench_dir_path + 256];
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
            snprintf(p, sizeof p, "%s/%s", bench_dir_path, de->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(bench_dir_path);
    bench_dir_path[0] = '\0';
}

/* Creates a fresh folder under ${TMPDIR:-/tmp}; returns its path
 * (static storage). Exits when it cannot. */
static inline const char *bench_tmpdir(void)
{
    const char *t = getenv("TMPDIR");
    if (!t || !*t) t = "/tmp";
    snprintf(bench_dir_path, sizeof bench_dir_path, "%s/kisi-bench-XXXXXX", t);
    if (!mkdtemp(bench_dir_path)) {
        perror(bench_dir_path);
        exit(1);
    }
    atexit(bench_tmpdir_remove);
    return bench_dir_path;
}

/* Writes "<dir>/<name>" into out (cap bytes). */
static inline void bench_path(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", bench_dir_path, name);
}

/* Prints "bench: what: why" to stderr and exits 1 (the temp folder goes). */
__attribute__((format(printf, 1, 2)))
static inline void bench_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* Exits with a message when e is not BANK_OK. */
static inline void bench_check(bank_err e, const char *what, const char *why)
{
    if (e != BANK_OK)
        bench_die("%s: %s%s%s", what, bank_strerror(e), why && why[0] ? ": " : "",
                  why ? why : "");
}

/* Size from environment variable `name` (a positive integer), else `def`. */
static inline size_t bench_size(const char *name, size_t def)
{
    const char *v = getenv(name);
    if (!v || !*v) return def;
    char *end;
    unsigned long long n = strtoull(v, &end, 10);
    if (*end || n == 0) bench_die("%s must be a positive integer, not '%s'", name, v);
    return (size_t)n;
}

/* A timed figure with a target: label, median, target, ok/SLOW, note. */
static inline void bench_target(const char *label, double ms, double target,
                                const char *note)
{
    printf("%-*s median %9.2f ms   target <= %4g ms   ", BENCH_LABEL, label, ms, target);
    if (note) printf("%-4s   %s\n", ms <= target ? "ok" : "SLOW", note);
    else printf("%s\n", ms <= target ? "ok" : "SLOW");
}

/* A timed figure without a target (a baseline or a plain measurement). */
static inline void bench_time(const char *label, const char *what, double ms,
                              const char *note)
{
    printf("%-*s %-6s %9.2f ms%s%s\n", BENCH_LABEL, label, what, ms, note ? "   " : "",
           note ? note : "");
}

/* A rate: count things in ms. */
static inline void bench_rate(const char *label, double count, const char *unit, double ms,
                              const char *note)
{
    printf("%-*s total  %9.2f ms   %10.0f %s/s%s%s\n", BENCH_LABEL, label, ms,
           count / (ms / 1e3), unit, note ? "   " : "", note ? note : "");
}

/* Roster CSV of n (at most 8064) participants with valid, distinct NIPs
 * (the first is 199501012024011001) and 10-digit PINs; caller frees. */
static inline char *bench_roster(size_t n, size_t *len)
{
    size_t cap = 64 + n * 64;
    char *csv = malloc(cap);
    if (!csv) bench_die("out of memory");
    size_t o = (size_t)snprintf(csv, cap, "nip,name,pin\n");
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(csv + o, cap - o, "1995%02zu%02zu2024%02zu%zu001,Peserta %zu,%010zu\n",
                              1 + i / 28 % 12, 1 + i % 28, 1 + i / 336 % 12, 1 + i / 4032 % 2,
                              i + 1, 4821000000 + i);
    *len = o;
    return csv;
}

/* Adds exam "bench-acad" to b: `quota` items of each topic t0..t<ntopics-1>,
 * 90 minutes, academic. Returns the form size. */
static inline size_t bench_exam(bank *b, int ntopics, int quota)
{
    char json[1024], why[WHY_SIZE] = "";
    int n = snprintf(json, sizeof json,
                     "{\"id\":\"bench-acad\",\"title\":\"Ujian akademik bench\","
                     "\"kind\":\"academic\",\"minutes\":90,\"quotas\":{");
    for (int t = 0; t < ntopics && n < (int)sizeof json - 32; t++)
        n += snprintf(json + n, sizeof json - (size_t)n, "%s\"t%d\":%d", t ? "," : "", t, quota);
    snprintf(json + n, sizeof json - (size_t)n, "}}");
    bank_err e = BANK_OK;
    bank_exam *ex = bank_exam_parse(json, strlen(json), &e, why);
    if (!ex) bench_check(e, "exam parse", why);
    bench_check(bank_exam_add(b, ex, why), "exam add", why);
    size_t size = (size_t)bank_exam_form_size(ex);
    bank_exam_free(ex);
    return size;
}

/* The session at path, opened and unlocked with its token (outside any timed part). */
static inline bank_session *bench_open_session(bank *rb, const char *path, const char *token)
{
    bank_err e = BANK_OK;
    char why[WHY_SIZE] = "";
    bank_session *s = bank_session_open(rb, path, &e, why);
    if (!s) bench_check(e, "session open", why);
    bench_check(bank_session_unlock(s, token, strlen(token), why), "session unlock", why);
    return s;
}

/* Deterministic xorshift64* stream for generated text. */
static inline uint64_t bench_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

static const char *const bench_words[] = {
    "pegawai", "aparatur", "sipil", "negara", "pelayanan", "publik", "akuntabilitas",
    "nasionalisme", "etika", "integritas", "kebijakan", "instansi", "pemerintah",
    "masyarakat", "kinerja", "tanggung", "jawab", "yang", "dan", "dalam", "untuk", "dengan",
    "berikut", "sikap", "tepat", "harus", "dilakukan", "oleh", "ketika", "menghadapi",
    "rapat", "atasan", "rekan", "kerja", "anggaran", "laporan", "berorientasi",
    "kolaboratif", "adaptif", "loyal", "harmonis", "kompeten", "digitalisasi", "layanan",
    "desa", "kecamatan", "daerah", "keluhan", "warga", "perubahan", "aturan", "tugas",
};
#define BENCH_NWORDS (sizeof bench_words / sizeof bench_words[0])

/* One generated word. */
static inline const char *bench_word(uint64_t *s)
{
    return bench_words[bench_rand(s) % BENCH_NWORDS];
}

#endif
