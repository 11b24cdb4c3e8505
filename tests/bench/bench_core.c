/* bench_core.c -- ingest of signed kiosk results over loopback HTTP into the SQLite core,
 * next to the Ed25519 verify rate, and beside one client holding all the connections it can,
 * all measured in the same run. */
#include <pthread.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bench.h"
#include "../unit/hold.h"
#include "loopback.h"
#include "http.h"
#include "ingest.h"
#include "result.h"
#include "sitting.h"
#include "why.h"

#define ROOM 120        /* participants: one new result each */
#define SESSIONS 6     /* rooms sitting the quiz at once */
#define ROUNDS 2       /* fresh cores, each receiving every result */
#define CONNS 32        /* kiosks uploading at once, one connection each */
#define PASS "bench passphrase for the core"
#define HOLDER_WANTS 1000 /* connections the holding client tries to keep open */

static void die(const char *what, const char *why)
{
    fprintf(stderr, "bench_core: %s: %s\n", what, why);
    exit(1);
}

typedef struct verifier {
    const char *pub, *sig, *msg;
    size_t len;
    long count;
    double until;
} verifier;

static void *verify_loop(void *arg)
{
    verifier *v = arg;
    while (bench_now_ms() < v->until)
        for (int i = 0; i < 50; i++)
            if (bank_sig_verify(v->pub, v->msg, v->len, v->sig) == BANK_OK) v->count++;
    return NULL;
}

/* Ed25519 verifications per second on two threads (the machine's cores). */
static double verify_rate(const char *pub, const char *msg, size_t len, const char *sig)
{
    pthread_t t[2];
    verifier v[2];
    double t0 = bench_now_ms();
    for (int k = 0; k < 2; k++) {
        v[k] = (verifier){pub, sig, msg, len, 0, t0 + 1500};
        pthread_create(&t[k], NULL, verify_loop, &v[k]);
    }
    for (int k = 0; k < 2; k++) pthread_join(t[k], NULL);
    return (double)(v[0].count + v[1].count) * 1000.0 / (bench_now_ms() - t0);
}

/* A bank of 12 topics x 30 items and a quiz of 20 items over them. */
static bank *make_bank(const char *dir, char *why)
{
    char path[4200];
    bank_err e = BANK_OK;
    snprintf(path, sizeof path, "%s/b.bank", dir);
    bank *b = bank_create(path, PASS, strlen(PASS), &e, why);
    if (!b) die("bank", why);
    bank_items l = {0};
    char buf[160];
    for (int t = 0; t < 4; t++)
        for (int j = 0; j < 30; j++) {
            bank_item *it = bank_items_push(&l);
            snprintf(buf, sizeof buf, "t%d-%03d", t, j);
            it->id = strdup(buf);
            snprintf(buf, sizeof buf, "t%d", t);
            it->topic = strdup(buf);
            it->difficulty = 3;
            it->weight = 1;
            snprintf(buf, sizeof buf, "Pertanyaan %d tentang topik %d?", j, t);
            it->stem = strdup(buf);
            it->noptions = 4;
            for (int k = 0; k < 4; k++) {
                snprintf(buf, sizeof buf, "jawaban %c", 'A' + k);
                it->options[k] = strdup(buf);
            }
            it->key[0] = (char)('A' + j % 4);
        }
    if (bank_import(b, &l, NULL, NULL, NULL, why)) die("import", why);
    bank_items_free(&l);
    const char *ex = "{\"id\":\"q\",\"title\":\"Kuis\",\"kind\":\"academic\",\"minutes\":30,"
                     "\"quotas\":{\"t0\":5,\"t1\":5,\"t2\":5,\"t3\":5}}";
    bank_exam *x = bank_exam_parse(ex, strlen(ex), &e, why);
    if (!x || bank_exam_add(b, x, why)) die("exam", why);
    bank_exam_free(x);
    /* sealed, as the core takes only banks whose seal it checks */
    snprintf(path, sizeof path, "%s/authority", dir);
    if (bank_keygen(path, why)) die("keygen", why);
    snprintf(path, sizeof path, "%s/authority.key", dir);
    if (bank_seal(b, path, why)) die("seal", why);
    return b;
}

/* One participant's signed result, as the kiosk makes it, in its upload
 * request. */
static char *make_upload(bank *b, bank_session *s, const bank_signer *k, const char *nip,
                         char *why)
{
    bank_err e = BANK_OK;
    bank_form *f = bank_form_draw(s, nip, &e, why);
    if (!f) die("draw", why);
    char *fj = bank_form_json(f), payload[8192];
    snprintf(payload, sizeof payload, "{\"form\":%s,\"name\":\"Peserta\",\"minutes\":30}", fj);
    sitting st = {0};
    jevent ev = {.kind = J_BEGIN, .wall_ms = 1000, .used_ms = 0, .payload = payload, .hash = ""};
    if (sitting_apply(&st, &ev, why)) die("sitting", why);
    bank_answer ans[64];
    for (size_t i = 0; i < st.n; i++) {
        char p[64];
        snprintf(p, sizeof p, "{\"i\":%zu,\"v\":\"%c\"}", i, 'A' + (int)(i % 3));
        jevent a = {.kind = J_ANSWER, .wall_ms = 2000, .used_ms = 1000, .payload = p, .hash = ""};
        sitting_apply(&st, &a, why);
        ans[i].item_id = bank_form_item(f, i, NULL, NULL, NULL);
        ans[i].letters = st.answer[i];
    }
    jevent sub = {.kind = J_SUBMIT, .wall_ms = 3000, .used_ms = 2000,
                  .payload = "{\"why\":\"participant\"}", .hash = ""};
    sitting_apply(&st, &sub, why);
    bank_score sc;
    if (bank_form_score(b, f, ans, st.n, &sc, why)) die("score", why);
    char *rj = result_json(bank_id(b), bank_session_id(s), &st, &sc, "00", bank_signer_pub(k),
                           4000);
    char sig[129];
    bank_signer_sign(k, rj, strlen(rj), sig);
    size_t len = strlen(rj), cap = len + 512;
    char *out = malloc(cap);
    snprintf(out, cap,
             "POST /v1/results HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
             "Kisi-Kiosk: %s\r\nKisi-Signature: %s\r\nContent-Length: %zu\r\n\r\n%s",
             bank_signer_pub(k), sig, len, rj);
    free(rj);
    free(fj);
    sitting_clear(&st);
    bank_form_free(f);
    return out;
}

/* One fresh core (empty store, own key) on a free loopback port,
 * knowing the bank, the sessions and the approved kiosk. */
typedef struct core_run {
    store *st;
    core_ctx *c;
    http_server *h;
} core_run;

static void core_start(core_run *r, const char *dir, int round, const char *bank_path,
                       const char *pass_path, char sessions[][4200], const char *kiosk_pub)
{
    char path[4200], why[WHY_SIZE] = "";
    snprintf(path, sizeof path, "sqlite:%s/core-%d.db", dir, round);
    r->st = store_open(path, why);
    snprintf(path, sizeof path, "%s/core-%d.key", dir, round);
    r->c = r->st ? core_ctx_new(r->st, path, why) : NULL;
    snprintf(path, sizeof path, "%s/authority.pub", dir);
    if (!r->c || core_bank_add(r->c, bank_path, pass_path, path, why)) die("core", why);
    for (int i = 0; i < SESSIONS; i++)
        if (core_session_add(r->c, sessions[i], why)) die("session add", why);
    if (core_kiosk_enrol(r->c, kiosk_pub, "bench", 1, why) ||
        store_kiosk_set(r->st, kiosk_pub, "approved", why))
        die("core", why);
    r->h = NULL;
    for (int port = 18480; !r->h && port < 18580; port++) {
        char listen[32];
        snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
        /* the load generator is one address opening CONNS connections, and
         * CONNS new ones for the next phase before the core has seen the
         * last ones close: twice as many for it */
        http_config cfg = {.listen = listen, .per_address = 2 * CONNS};
        r->h = http_start(r->c, &cfg, why);
    }
    if (!r->h) die("http", why);
}

static void core_stop(core_run *r)
{
    http_stop(r->h);
    core_ctx_free(r->c);
    store_close(r->st);
}

/* New results per second into a fresh core (number `round`), while one
 * client at 127.0.0.2 holds all the connections it can when `holder`;
 * the connections it had closed or refused in *refused. */
static double fresh_rate(const char *dir, int round, const char *bank_path, const char *pass_path,
                         char sessions[][4200], const char *kiosk_pub, const loopback_req *u,
                         size_t total, bool holder, long *refused)
{
    static hold h;
    core_run run;
    core_start(&run, dir, round, bank_path, pass_path, sessions, kiosk_pub);
    int port = atoi(strrchr(http_url(run.h), ':') + 1), n = 0;
    if (holder && (hold_start(&h, port, 0x7f000002u, HOLDER_WANTS, 1000) != 0 ||
                   !hold_wait_full(&h, 60)))
        die("holder", "it never reached the server's limit");
    double ms = loopback_run(port, u, total, CONNS, &n);
    if (holder) {
        hold_stop(&h);
        *refused = atomic_load(&h.closed);
    }
    core_stop(&run);
    if ((size_t)n != total) die("fresh results", "not every one was stored");
    return (double)total * 1000.0 / ms;
}

/* CPU time of this process (all threads), in ms. */
static double cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

/* Session `j` of the bench: its own ROOM participants; every participant's
 * signed result goes to u[i * SESSIONS + j], so that the rooms interleave. */
static void make_session(bank *b, const bank_signer *k, int j, const char *path,
                         loopback_req *u)
{
    char why[WHY_SIZE] = "", token[BANK_TOKEN_LEN + 1];
    size_t cap = 64 + ROOM * 48, len = 0;
    char *roster = malloc(cap);
    if (!roster) die("roster", "out of memory");
    len += (size_t)snprintf(roster, cap, "nip,name,pin\n");
    for (unsigned i = 0; i < ROOM; i++)
        len += (size_t)snprintf(roster + len, cap - len, "1996%02d%02u2024011%03u,P%u,1234567890\n",
                                j + 1, i % 28 + 1, i + 1, i);
    bank_session_spec spec = {.exam_id = "q", .roster_csv = roster, .roster_len = len};
    if (bank_session_create(b, &spec, path, token, why)) die("session", why);
    bank_err e = BANK_OK;
    bank_session *s = bank_session_open(b, path, &e, why);
    if (!s || bank_session_unlock_bank(s, why)) die("session open", why);
    for (size_t i = 0; i < ROOM; i++) {
        loopback_req *q = &u[i * SESSIONS + (size_t)j];
        q->text = make_upload(b, s, k, bank_session_nip(s, i), why);
        q->len = strlen(q->text);
    }
    bank_session_close(s);
    free(roster);
}

int main(void)
{
    char dir[] = "/tmp/kisi-bench-core-XXXXXX", why[WHY_SIZE] = "", path[4200], pfile[4200];
    static char spath[SESSIONS][4200];
    if (!mkdtemp(dir)) die("mkdtemp", "failed");
    size_t rounds = bench_size("KISI_BENCH_CORE_ROUNDS", ROUNDS), total = (size_t)ROOM * SESSIONS;
    bank *b = make_bank(dir, why);
    bank_err e = BANK_OK;
    snprintf(path, sizeof path, "%s/kiosk", dir);
    bank_signer *k = bank_signer_open(path, &e, why);
    if (!k) die("kiosk key", why);
    loopback_req *u = calloc(total, sizeof *u);
    for (int j = 0; j < SESSIONS; j++) {
        snprintf(spath[j], sizeof spath[j], "%s/s%d.session", dir, j);
        make_session(b, k, j, spath[j], u);
    }
    snprintf(pfile, sizeof pfile, "%s/pass", dir);
    FILE *pf = fopen(pfile, "w");
    fputs(PASS, pf);
    fclose(pf);
    snprintf(path, sizeof path, "%s/b.bank", dir);
    /* each round: a fresh core whose sessions have been added (their forms
     * derived), every participant's new result, then every one again */
    double fresh_ms = 0, again_ms = 0, add_ms = 0, fresh_cpu = 0, again_cpu = 0;
    int ok = 0, dup = 0;
    for (size_t r = 0; r < rounds; r++) {
        core_run run;
        double t0 = bench_now_ms();
        core_start(&run, dir, (int)r, path, pfile, spath, bank_signer_pub(k));
        add_ms += bench_now_ms() - t0;
        int port = atoi(strrchr(http_url(run.h), ':') + 1), n = 0;
        double c0 = cpu_ms(), m0 = bench_now_ms();
        fresh_ms += loopback_run(port, u, total, CONNS, &n);
        double c1 = cpu_ms(), m1 = bench_now_ms();
        fresh_cpu += c1 - c0;
        ok += n;
        again_ms += loopback_run(port, u, total, CONNS, &n);
        again_cpu += cpu_ms() - c1;
        dup += n;
        if (getenv("KISI_BENCH_CORE_MARKS"))
            fprintf(stderr, "mark %.6f %.6f %.6f\n", m0 / 1e3, m1 / 1e3, bench_now_ms() / 1e3);
        core_stop(&run);
    }
    /* baseline: the signature check alone, on both cores */
    const char *rj = strstr(u[0].text, "\r\n\r\n") + 4, *sg = strstr(u[0].text, "Signature: ");
    char sig[129];
    snprintf(sig, sizeof sig, "%.128s", sg + 11);
    double vr = verify_rate(bank_signer_pub(k), rj, strlen(rj), sig);
    /* what every upload costs before the core's own work: the signature
     * check and the JSON parse of the record (one thread), and an HTTP
     * round trip of the same load generator with no work behind it */
    double c2 = cpu_ms();
    for (int i = 0; i < 1000; i++) bank_sig_verify(bank_signer_pub(k), rj, strlen(rj), sig);
    double verify_us = (cpu_ms() - c2) * 1000.0 / 1000;
    c2 = cpu_ms();
    for (int i = 0; i < 1000; i++) json_decref(json_loadb(rj, strlen(rj), JSON_REJECT_DUPLICATES, NULL));
    double parse_us = (cpu_ms() - c2) * 1000.0 / 1000;
    double http_us;
    {
        core_run run;
        core_start(&run, dir, (int)rounds, path, pfile, spath, bank_signer_pub(k));
        static char health[] = "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        loopback_req *h = calloc(total, sizeof *h);
        for (size_t i = 0; i < total; i++) h[i] = (loopback_req){health, strlen(health)};
        int port = atoi(strrchr(http_url(run.h), ':') + 1), n = 0;
        c2 = cpu_ms();
        loopback_run(port, h, total, CONNS, &n);
        http_us = (cpu_ms() - c2) * 1000.0 / (double)total;
        free(h);
        core_stop(&run);
    }
    /* the same fresh results with and without a client holding connections */
    long refused = 0;
    double calm = fresh_rate(dir, (int)rounds + 1, path, pfile, spath, bank_signer_pub(k), u, total,
                             false, &refused);
    double held = fresh_rate(dir, (int)rounds + 2, path, pfile, spath, bank_signer_pub(k), u, total,
                             true, &refused);
    double all = (double)(total * rounds), fresh = all * 1000.0 / fresh_ms;
    printf("core start, %d sessions of %d added          %9.1f ms          (every form derived)\n",
           SESSIONS, ROOM, add_ms / (double)rounds);
    printf("core ingest over HTTP, new results (%zu)  %9.0f results/s   %d stored\n",
           total * rounds, fresh, ok);
    printf("core ingest over HTTP, repeated uploads   %9.0f results/s   %d answered duplicate\n",
           all * 1000.0 / again_ms, dup);
    printf("new results, no client holding the core  %9.0f results/s\n", calm);
    printf("  the same, one client holding all it can %9.0f results/s   %.0f %% of it  "
           "(%ld of its connections refused or cut)\n", held, held * 100.0 / calm, refused);
    printf("CPU per new result (server + client)      %9.0f us\n", fresh_cpu * 1000 / all);
    printf("CPU per repeated upload (server + client) %9.0f us\n", again_cpu * 1000 / all);
    printf("baseline: Ed25519 verify, 2 threads       %9.0f verifies/s\n", vr);
    printf("new results / verify rate                 %9.1f %%   target >= 50 %%   %s\n",
           fresh * 100.0 / vr, fresh * 2 >= vr ? "ok" : "SLOW");
    printf("  CPU a new result may cost at 50 %%         %9.0f us       (2 cores)\n",
           2 * 2e6 / vr);
    printf("  of which fixed: verify %.0f + parse %.0f + HTTP round trip %.0f = %.0f us\n",
           verify_us, parse_us, http_us, verify_us + parse_us + http_us);
    for (size_t i = 0; i < total; i++) free(u[i].text);
    free(u);
    bank_signer_free(k);
    bank_close(b);
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench_core: could not remove %s\n", dir);
    return (size_t)ok == total * rounds && (size_t)dup == total * rounds ? 0 : 1;
}
