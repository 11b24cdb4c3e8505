/* bench_room.c -- the room at the core: signed kiosk states (of PROTO_STATE_VERSION, as
 * room_gen sends them) over loopback HTTP from many simulated kiosk keys, beside an empty
 * HTTP round trip of the same load generator, and how many kiosks one core keeps at one
 * state every 5 s. */
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "loopback.h"
#include "../tools/room_wire.h"
#include "http.h"
#include "ingest.h"
#include "proto.h"
#include "why.h"

#define KIOSKS 1000     /* simulated kiosks, each with its own key */
#define ROUNDS 6        /* states of each kiosk: the first warms the approval cache */
#define CONNS 64        /* connections at once (a room's kiosks keep theirs open) */
#define PERIOD_S 5      /* a state every this many seconds per kiosk */
#define TARGET 10000    /* kiosks one core must keep */

/* CPU time of this process (all threads), in ms. */
static double cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

/* The HTTP request of kiosk k's state number seq, signed by k: a participant
 * answering, the time running down (the fields of room_wire.h's version). */
static loopback_req state_req(const bank_signer *k, int i, long long seq)
{
    char seat[16], nip[32], name[32];
    snprintf(seat, sizeof seat, "S%05d", i);
    snprintf(nip, sizeof nip, "1996010120240110%02d", i % 100);
    snprintf(name, sizeof name, "Peserta %d", i);
    wire_state s = {.seat = seat, .screen = "exam", .nip = nip, .name = name,
                    .session = "0123456789abcdef0123456789abcdef", .lease = "held",
                    .delivery = "delivering", .program = "bench", .seq = seq,
                    .jseq = 2 + seq % 50, .left_ms = 3600000 - seq * 5000, .attempt = 1,
                    .answered = (int)(seq % 50), .total = 50};
    char *body = wire_state_body(&s);
    size_t len = 0;
    char *text = body ? wire_state_request(k, body, &len) : NULL;
    if (!text) bench_die("a state: out of memory or no signature");
    free(body);
    return (loopback_req){text, len};
}

int main(void)
{
    const char *dir = bench_tmpdir();
    char path[4200], why[WHY_SIZE] = "";
    size_t nk = bench_size("KISI_BENCH_ROOM_KIOSKS", KIOSKS);
    size_t rounds = bench_size("KISI_BENCH_ROOM_ROUNDS", ROUNDS);
    if (rounds < 2) bench_die("KISI_BENCH_ROOM_ROUNDS must be at least 2");
    snprintf(path, sizeof path, "sqlite:%s/core.db", dir);
    store *st = store_open(path, why);
    snprintf(path, sizeof path, "%s/core.key", dir);
    core_ctx *c = st ? core_ctx_new(st, path, why) : NULL;
    if (!c) bench_die("core: %s", why);
    /* every kiosk enrolled and approved, its states made and signed beforehand */
    loopback_req *req = calloc(nk * rounds, sizeof *req);
    if (!req) bench_die("out of memory");
    for (size_t i = 0; i < nk; i++) {
        char name[32];
        bank_err e = BANK_OK;
        snprintf(name, sizeof name, "k%zu", i);
        bench_path(path, sizeof path, name);
        bank_signer *k = bank_signer_open(path, &e, why);
        bench_check(e, "kiosk key", why);
        if (core_kiosk_enrol(c, bank_signer_pub(k), name, 1, why) ||
            store_kiosk_set(st, bank_signer_pub(k), "approved", why))
            bench_die("enrol: %s", why);
        for (size_t r = 0; r < rounds; r++) req[r * nk + i] = state_req(k, (int)i, (long long)r + 1);
        bank_signer_free(k);
        snprintf(path + strlen(path), 8, ".pub");
        unlink(path);
        path[strlen(path) - 4] = 0;
        unlink(path);
    }
    http_server *h = NULL;
    for (int port = 18600; !h && port < 18700; port++) {
        char listen[32];
        snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
        /* the simulated kiosks all come from 127.0.0.1 */
        http_config cfg = {.listen = listen, .per_address = 2 * CONNS};
        h = http_start(c, &cfg, why);
    }
    if (!h) bench_die("http: %s", why);
    int port = atoi(strrchr(http_url(h), ':') + 1), ok = 0;
    /* the first state of each kiosk reads its approval from the store */
    loopback_run(port, req, nk, CONNS, &ok);
    if ((size_t)ok != nk) bench_die("first states: %d of %zu taken", ok, nk);
    size_t timed = nk * (rounds - 1);
    double c0 = cpu_ms();
    double ms = loopback_run(port, req + nk, timed, CONNS, &ok);
    double state_cpu = (cpu_ms() - c0) * 1000.0 / (double)timed;
    if ((size_t)ok != timed) bench_die("states: %d of %zu taken", ok, timed);
    /* baseline: the same generator, the same count, an empty round trip */
    static char health[] = "GET " PROTO_PATH_HEALTH " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    loopback_req *hr = calloc(timed, sizeof *hr);
    if (!hr) bench_die("out of memory");
    for (size_t i = 0; i < timed; i++) hr[i] = (loopback_req){health, strlen(health)};
    c0 = cpu_ms();
    double base_ms = loopback_run(port, hr, timed, CONNS, &ok);
    double base_cpu = (cpu_ms() - c0) * 1000.0 / (double)timed;
    /* a replayed state costs the check and is refused */
    c0 = cpu_ms();
    double replay_ms = loopback_run(port, req + nk, nk, CONNS, &ok);
    if (ok != 0) bench_die("%d replayed states were taken", ok);
    double rate = (double)timed * 1000.0 / ms, base = (double)timed * 1000.0 / base_ms;
    double keeps = rate * PERIOD_S;
    printf("room states over HTTP (%zu kiosks x %zu)   %9.0f states/s\n", nk, rounds - 1, rate);
    printf("baseline: empty round trip (GET health)   %9.0f requests/s\n", base);
    printf("CPU per state (server + client)           %9.0f us   baseline %.0f us\n", state_cpu,
           base_cpu);
    printf("  of which the state's own work           %9.0f us\n", state_cpu - base_cpu);
    printf("replayed states, refused (%zu)             %9.0f states/s\n", nk,
           (double)nk * 1000.0 / replay_ms);
    printf("kiosks at one state per %d s               %9.0f kiosks   target >= %d   %s\n",
           PERIOD_S, keeps, TARGET, keeps >= TARGET ? "ok" : "SLOW");
    http_stop(h);
    for (size_t i = 0; i < nk * rounds; i++) free(req[i].text);
    free(req);
    free(hr);
    core_ctx_free(c);
    store_close(st);
    return 0;
}
