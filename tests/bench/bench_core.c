/* bench_core.c -- ingest of signed kiosk results over loopback HTTP into the SQLite core,
 * next to the Ed25519 verify rate measured in the same run. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "bench.h"
#include "http.h"
#include "ingest.h"
#include "result.h"
#include "sitting.h"

#define ROOM 240        /* participants: one new result each */
#define CLIENTS 4       /* uploading threads */
#define PASS "bench passphrase for the core"

static void die(const char *what, const char *why)
{
    fprintf(stderr, "bench_core: %s: %s\n", what, why);
    exit(1);
}

typedef struct upload {
    char *body;  /* the POST /v1/results body */
} upload;

typedef struct client {
    const char *url;
    upload *u;
    size_t from, to;
    int ok, bad;
} client;

static size_t sink(char *p, size_t s, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return s * n;
}

/* Posts u[from..to) on one kept-alive connection. */
static void *post_all(void *arg)
{
    client *c = arg;
    CURL *h = curl_easy_init();
    struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/json");
    char url[256];
    snprintf(url, sizeof url, "%s/v1/results", c->url);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    for (size_t i = c->from; i < c->to; i++) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, c->u[i].body);
        long code = 0;
        if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        if (code == 201 || code == 200) c->ok++;
        else c->bad++;
    }
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    return NULL;
}

/* Uploads every body with CLIENTS threads; returns results per second. */
static double upload_all(const char *url, upload *u, size_t n, int *ok)
{
    pthread_t t[CLIENTS];
    client c[CLIENTS];
    double t0 = bench_now_ms();
    for (int k = 0; k < CLIENTS; k++) {
        c[k] = (client){url, u, n * (size_t)k / CLIENTS, n * (size_t)(k + 1) / CLIENTS, 0, 0};
        pthread_create(&t[k], NULL, post_all, &c[k]);
    }
    *ok = 0;
    for (int k = 0; k < CLIENTS; k++) {
        pthread_join(t[k], NULL);
        *ok += c[k].ok;
    }
    return (double)n * 1000.0 / (bench_now_ms() - t0);
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
    if (bank_import(b, &l, NULL, NULL, why)) die("import", why);
    bank_items_free(&l);
    const char *ex = "{\"id\":\"q\",\"title\":\"Kuis\",\"kind\":\"academic\",\"minutes\":30,"
                     "\"quotas\":{\"t0\":5,\"t1\":5,\"t2\":5,\"t3\":5}}";
    bank_exam *x = bank_exam_parse(ex, strlen(ex), &e, why);
    if (!x || bank_exam_add(b, x, why)) die("exam", why);
    bank_exam_free(x);
    return b;
}

/* One participant's signed result, as the kiosk makes it, wrapped as the
 * upload body. */
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
    json_t *body = json_pack("{s:s, s:{s:s, s:s}}", "result", rj, "sig", "kiosk",
                             bank_signer_pub(k), "sig", sig);
    char *out = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    free(rj);
    free(fj);
    sitting_clear(&st);
    bank_form_free(f);
    return out;
}

int main(void)
{
    char dir[] = "/tmp/kisi-bench-core-XXXXXX", why[BANK_WHY] = "", path[4200], pfile[4200];
    if (!mkdtemp(dir)) die("mkdtemp", "failed");
    bank *b = make_bank(dir, why);
    /* roster and session */
    size_t cap = 64 + ROOM * 48, len = 0;
    char *roster = malloc(cap);
    len += (size_t)snprintf(roster, cap, "nip,name,pin\n");
    for (unsigned i = 0; i < ROOM; i++)
        len += (size_t)snprintf(roster + len, cap - len, "199601%02u2024011%03u,P%u,1234\n",
                                i % 28 + 1, i + 1, i);
    bank_session_spec spec = {.exam_id = "q", .roster_csv = roster, .roster_len = len};
    char token[BANK_TOKEN_LEN + 1], spath[4200];
    snprintf(spath, sizeof spath, "%s/s.session", dir);
    if (bank_session_create(b, &spec, spath, token, why)) die("session", why);
    bank_err e = BANK_OK;
    bank_session *s = bank_session_open(b, spath, &e, why);
    if (!s || bank_session_unlock_bank(s, why)) die("session open", why);
    snprintf(path, sizeof path, "%s/kiosk", dir);
    bank_signer *k = bank_signer_open(path, &e, why);
    if (!k) die("kiosk key", why);
    upload *u = calloc(ROOM, sizeof *u);
    for (size_t i = 0; i < ROOM; i++) u[i].body = make_upload(b, s, k, bank_session_nip(s, i), why);
    /* the core */
    snprintf(pfile, sizeof pfile, "%s/pass", dir);
    FILE *pf = fopen(pfile, "w");
    fputs(PASS, pf);
    fclose(pf);
    snprintf(path, sizeof path, "sqlite:%s/core.db", dir);
    store *st = store_open(path, why);
    snprintf(path, sizeof path, "%s/data", dir);
    core_ctx *c = st ? core_ctx_new(st, path, why) : NULL;
    snprintf(path, sizeof path, "%s/b.bank", dir);
    if (!c || core_bank_add(c, path, pfile, why) || core_session_add(c, spath, why) ||
        core_kiosk_enrol(c, bank_signer_pub(k), "bench", 1, why) ||
        store_kiosk_set(st, bank_signer_pub(k), "approved", why))
        die("core", why);
    http_server *h = NULL;
    for (int port = 18480; !h && port < 18580; port++) {
        char listen[32];
        snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
        http_config cfg = {.listen = listen};
        h = http_start(c, &cfg, why);
    }
    if (!h) die("http", why);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int ok = 0, dup = 0, first = 0;
    /* the first upload of a session draws the whole room once (cached after) */
    double t0 = bench_now_ms();
    upload_all(http_url(h), u, 1, &first);
    double warm = bench_now_ms() - t0;
    double fresh = upload_all(http_url(h), u + 1, ROOM - 1, &ok);
    ok += first;
    double again = upload_all(http_url(h), u, ROOM, &dup);
    /* baseline: the signature check alone, on both cores */
    json_t *one = json_loads(u[0].body, 0, NULL);
    const char *rj = json_string_value(json_object_get(one, "result"));
    double vr = verify_rate(bank_signer_pub(k), rj, strlen(rj),
                            json_string_value(json_object_get(json_object_get(one, "sig"), "sig")));
    printf("first upload of a session of %d          %9.1f ms          (re-derives every form once)\n",
           ROOM, warm);
    printf("core ingest over HTTP, new results (%d)   %9.0f results/s   %d stored\n", ROOM - 1,
           fresh, ok);
    printf("core ingest over HTTP, repeated uploads   %9.0f results/s   %d answered duplicate\n",
           again, dup);
    printf("baseline: Ed25519 verify, 2 threads       %9.0f verifies/s\n", vr);
    printf("new results / verify rate                 %9.1f %%   target >= 50 %%   %s\n",
           fresh * 100.0 / vr, fresh * 2 >= vr ? "ok" : "SLOW");
    json_decref(one);
    http_stop(h);
    curl_global_cleanup();
    core_ctx_free(c);
    store_close(st);
    for (size_t i = 0; i < ROOM; i++) free(u[i].body);
    free(u);
    free(roster);
    bank_signer_free(k);
    bank_session_close(s);
    bank_close(b);
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench_core: could not remove %s\n", dir);
    return ok == ROOM && dup == ROOM ? 0 : 1;
}
