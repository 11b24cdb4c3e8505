/* bench_session.c -- times `bank session` (the joint draw alone and the whole command) and a kiosk's form at start, with overlap figures. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "bench.h"
#include "crypto.h"
#include "draw.h"
#include "why.h"

#define NTOPICS 10
#define PER_TOPIC 60      /* items per topic: a bank of 600 */
#define QUOTA 10          /* items per topic on a form: forms of 100 */
#define START_REPS 25     /* kiosk form-at-start repetitions */
#define RAW_OPENS 100     /* sealed boxes opened per raw-decrypt measurement */
#define RANDOM_REPS 3     /* random-sampling draws (time and overlaps) */
#define TARGET_START 5.0  /* ms: a kiosk's form at start */
#define TARGET_DRAW 2000.0 /* ms: the joint draw of 1,000 forms */

static const char PASS[] = "bench-passphrase";

/* Fills l with NTOPICS x PER_TOPIC four-option items, difficulty 1..5. */
static void make_items(bank_items *l)
{
    char buf[64];
    for (size_t i = 0; i < NTOPICS * PER_TOPIC; i++) {
        bank_item *it = bank_items_push(l);
        if (!it) bench_die("out of memory");
        snprintf(buf, sizeof buf, "t%zu-%03zu", i % NTOPICS, i / NTOPICS);
        it->id = strdup(buf);
        snprintf(buf, sizeof buf, "t%zu", i % NTOPICS);
        it->topic = strdup(buf);
        it->kind = BANK_SINGLE;
        it->difficulty = 1 + (int)(i / NTOPICS % 5);
        it->weight = 1;
        snprintf(buf, sizeof buf, "Soal nomor %zu?", i);
        it->stem = strdup(buf);
        it->noptions = 4;
        for (int k = 0; k < 4; k++) {
            snprintf(buf, sizeof buf, "%c. pilihan %d", 'A' + k, k);
            it->options[k] = strdup(buf);
        }
        it->key[0] = (char)('A' + i % 4);
        it->key[1] = '\0';
        if (!it->id || !it->topic || !it->stem || !it->options[3]) bench_die("out of memory");
    }
}

/* Overlap figures of m forms: worst and mean over all pairs. */
typedef struct overlap {
    int worst;
    double mean;
} overlap;

/* Overlaps of m forms given as item numbers 0..NTOPICS*PER_TOPIC-1 (size each). */
static overlap overlaps(const int *forms, size_t m, size_t size)
{
    size_t nitems = NTOPICS * PER_TOPIC;
    int *use = calloc(nitems, sizeof *use);
    int **who = calloc(nitems, sizeof *who);
    uint16_t *ov = calloc(m * m, sizeof *ov);
    if (!use || !who || !ov) bench_die("out of memory");
    for (size_t a = 0; a < m; a++)
        for (size_t i = 0; i < size; i++) use[forms[a * size + i]]++;
    for (size_t k = 0; k < nitems; k++)
        if (!(who[k] = malloc((size_t)(use[k] + 1) * sizeof **who))) bench_die("out of memory");
    memset(use, 0, nitems * sizeof *use);
    for (size_t a = 0; a < m; a++)
        for (size_t i = 0; i < size; i++) {
            int k = forms[a * size + i];
            for (int f = 0; f < use[k]; f++) ov[(size_t)who[k][f] * m + a]++;
            who[k][use[k]++] = (int)a;
        }
    overlap o = {0, 0};
    double sum = 0;
    for (size_t a = 0; a < m; a++)
        for (size_t c = a + 1; c < m; c++) {
            if (ov[a * m + c] > o.worst) o.worst = ov[a * m + c];
            sum += ov[a * m + c];
        }
    o.mean = m > 1 ? sum / ((double)m * (double)(m - 1) / 2) : 0;
    for (size_t k = 0; k < nitems; k++) free(who[k]);
    free(who);
    free(use);
    free(ov);
    return o;
}

/* Item number of an item id "tT-NNN". */
static int item_number(const char *id)
{
    int t = -1, k = -1;
    if (sscanf(id, "t%d-%d", &t, &k) != 2 || t < 0 || t >= NTOPICS || k < 0 || k >= PER_TOPIC)
        bench_die("unexpected item id %s", id);
    return k * NTOPICS + t;
}

/* Random sampling: each form takes QUOTA items of each topic uniformly. */
static void random_forms(int *forms, size_t m, uint64_t *rng)
{
    for (size_t a = 0; a < m; a++) {
        int *row = forms + a * NTOPICS * QUOTA;
        for (int t = 0; t < NTOPICS; t++) {
            int pool[PER_TOPIC];
            for (int k = 0; k < PER_TOPIC; k++) pool[k] = k;
            for (int q = 0; q < QUOTA; q++) {
                int j = q + (int)(bench_rand(rng) % (uint64_t)(PER_TOPIC - q));
                int x = pool[j];
                pool[j] = pool[q];
                pool[q] = x;
                row[t * QUOTA + q] = x * NTOPICS + t;
            }
        }
    }
}

/* Balanced exposure's mean pairwise overlap: every item used floor or
 * ceil(m * QUOTA / PER_TOPIC) times; the sum of the overlaps is then the
 * least it can be, and the worst pair is at least its mean (rounded up). */
static double balanced_mean(size_t m)
{
    double pairs = 0;
    size_t total = m * QUOTA, lo = total / PER_TOPIC, hi_items = total % PER_TOPIC;
    for (size_t k = 0; k < PER_TOPIC; k++) {
        double u = (double)(lo + (k < hi_items));
        pairs += u * (u - 1) / 2;
    }
    pairs *= NTOPICS;
    return m > 1 ? pairs / ((double)m * (double)(m - 1) / 2) : 0;
}

/* Median ms of a kiosk's form at start (after the token check), over
 * START_REPS participants spread over the roster. */
static double time_start(bank *rb, const char *path, const char *token, size_t m)
{
    bank_err e = BANK_OK;
    char why[WHY_SIZE] = "";
    bank_session *s = bench_open_session(rb, path, token);
    double t[START_REPS];
    for (int r = 0; r < START_REPS; r++) {
        const char *nip = bank_session_nip(s, (size_t)r * m / START_REPS);
        double t0 = bench_now_ms();
        bank_form *f = bank_form_draw(s, nip, &e, why);
        t[r] = bench_now_ms() - t0;
        if (!f) bench_check(e, "form at start", why);
        if (bank_form_size(f) != NTOPICS * QUOTA) bench_die("short form");
        bank_form_free(f);
    }
    bank_session_close(s);
    return bench_median(t, START_REPS);
}

/* Median ms of opening RAW_OPENS sealed boxes of a form's size: the raw decrypt. */
static double time_raw_open(void)
{
    uint8_t key[BC_KEY] = {1}, plain[6000], *box = malloc(BC_SEALED(sizeof plain));
    if (!box) bench_die("out of memory");
    memset(plain, 'x', sizeof plain);
    bench_check(bc_seal(key, "aad", 3, plain, sizeof plain, box), "seal", NULL);
    double t[START_REPS];
    for (int r = 0; r < START_REPS; r++) {
        double t0 = bench_now_ms();
        for (int k = 0; k < RAW_OPENS; k++)
            bench_check(bc_open(key, "aad", 3, box, BC_SEALED(sizeof plain), plain), "open",
                        NULL);
        t[r] = bench_now_ms() - t0;
    }
    free(box);
    return bench_median(t, START_REPS);
}

/* Forms of the session as item numbers (read back as a kiosk would). */
static int *stored_forms(bank *rb, const char *path, const char *token, size_t m)
{
    char why[WHY_SIZE] = "";
    bank_session *s = bench_open_session(rb, path, token);
    bank_form **f = calloc(m, sizeof *f);
    int *forms = malloc(m * NTOPICS * QUOTA * sizeof *forms);
    if (!f || !forms) bench_die("out of memory");
    bench_check(bank_form_draw_all(s, f, why), "read forms", why);
    for (size_t a = 0; a < m; a++) {
        for (size_t i = 0; i < NTOPICS * QUOTA; i++)
            forms[a * NTOPICS * QUOTA + i] = item_number(bank_form_item(f[a], i, NULL, NULL, NULL));
        bank_form_free(f[a]);
    }
    free(f);
    bank_session_close(s);
    return forms;
}

/* Times the draw alone: the joint draw in memory, no PIN hashing, no file. */
static double time_draw(bank *b, const char *path, const char *token, size_t m)
{
    char why[WHY_SIZE] = "";
    bank_session *s = bench_open_session(b, path, token);
    bank_form **f = calloc(m, sizeof *f);
    if (!f) bench_die("out of memory");
    double t0 = bench_now_ms();
    bench_check(draw_forms(s, f, why), "draw", why);
    double ms = bench_now_ms() - t0;
    for (size_t a = 0; a < m; a++) bank_form_free(f[a]);
    free(f);
    bank_session_close(s);
    return ms;
}

/* All figures of one session size. */
static void bench_room(bank *b, const char *bankpath, size_t m)
{
    char path[4200], label[128], note[160], why[WHY_SIZE] = "";
    char name[64];
    snprintf(name, sizeof name, "room%zu.session", m);
    bench_path(path, sizeof path, name);
    size_t len;
    char *csv = bench_roster(m, &len);
    char token[BANK_TOKEN_LEN + 1];
    bank_session_spec spec = {.exam_id = "bench-acad", .roster_csv = csv, .roster_len = len};
    double t0 = bench_now_ms();
    bench_check(bank_session_create(b, &spec, path, token, why), "session create", why);
    double whole = bench_now_ms() - t0;
    FILE *fp = fopen(path, "rb");
    long size = 0;
    if (fp && fseek(fp, 0, SEEK_END) == 0) size = ftell(fp);
    if (fp) fclose(fp);

    printf("-- session of %zu participants (forms of %d items, bank of %d)\n", m,
           NTOPICS * QUOTA, NTOPICS * PER_TOPIC);
    uint64_t rng = 0x2545F4914F6CDD1DULL + m;
    int *rnd = malloc(m * NTOPICS * QUOTA * sizeof *rnd);
    if (!rnd) bench_die("out of memory");
    double tr[RANDOM_REPS];
    for (int r = 0; r < RANDOM_REPS; r++) {
        double r0 = bench_now_ms();
        random_forms(rnd, m, &rng);
        tr[r] = bench_now_ms() - r0;
    }
    bench_time("baseline: random sampling of every form", "median", bench_median(tr, RANDOM_REPS),
               NULL);
    bank *rb = bank_open(bankpath, false, &(bank_err){0}, why);
    if (!rb) bench_die("bank open: %s", why);
    double draw = time_draw(rb, path, token, m);
    if (m == 1000) bench_target("bank session: the joint draw alone", draw, TARGET_DRAW, "(once)");
    else bench_time("bank session: the joint draw alone", "once", draw, NULL);
    snprintf(note, sizeof note, "(PIN hashing, draw, sealing; file %.1f MB)", (double)size / 1e6);
    bench_time("bank session: the whole command", "once", whole, note);
    bench_time("baseline: open 100 sealed 6 kB boxes", "median", time_raw_open(),
               "(raw decrypt, AES-256-GCM)");
    snprintf(label, sizeof label, "kiosk form at start (%zu-person session)", m);
    bench_target(label, time_start(rb, path, token, m), TARGET_START,
                 "(after the token check)");
    int *got = stored_forms(rb, path, token, m);
    overlap o = overlaps(got, m, NTOPICS * QUOTA);
    overlap ro = overlaps(rnd, m, NTOPICS * QUOTA);
    double lb = balanced_mean(m);
    printf("%-*s worst %3d  mean %6.2f\n", BENCH_LABEL, "overlap of the drawn forms", o.worst,
           o.mean);
    printf("%-*s worst %3d  mean %6.2f\n", BENCH_LABEL, "lower bound (balanced exposure)",
           (int)(lb + 0.999999), lb);
    printf("%-*s worst %3d  mean %6.2f\n", BENCH_LABEL, "random sampling (same run)", ro.worst,
           ro.mean);
    free(got);
    free(rnd);
    free(csv);
    bank_close(rb);
    unlink(path);
}

int main(void)
{
    bench_tmpdir();
    char bankpath[4200], why[WHY_SIZE] = "";
    bench_path(bankpath, sizeof bankpath, "session.bank");
    bank_err e = BANK_OK;
    bank *b = bank_create(bankpath, PASS, strlen(PASS), &e, why);
    if (!b) bench_check(e, "bank create", why);
    if (!bank_is_unlocked(b)) bench_check(bank_unlock(b, PASS, strlen(PASS), why), "unlock", why);
    bank_items items = {0};
    make_items(&items);
    size_t added = 0;
    bench_check(bank_import(b, &items, &added, NULL, NULL, why), "import", why);
    bank_items_free(&items);
    bench_exam(b, NTOPICS, QUOTA);
    printf("bench_session: bank of %d items (%d topics), forms of %d items\n",
           NTOPICS * PER_TOPIC, NTOPICS, NTOPICS * QUOTA);
    const char *sizes = getenv("KISI_BENCH_ROOMS");
    if (!sizes || !*sizes) sizes = "40,1000,5000";
    for (const char *p = sizes; *p;) {
        char *end;
        unsigned long m = strtoul(p, &end, 10);
        if (end == p || m < 2) bench_die("KISI_BENCH_ROOMS: a list of sizes such as 40,1000");
        bench_room(b, bankpath, m);
        p = *end == ',' ? end + 1 : end;
    }
    bank_close(b);
    return 0;
}
