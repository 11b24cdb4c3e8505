/* test_roomlog_queue.c -- the room log's queue over a store that fails or hangs: nothing waits
 * for the store, what it refused is written again in order, a full queue drops and counts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "roomlog.h"
#include "store_int.h"
#include "why.h"

#define KIOSK "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define WAIT_MS 30000 /* a generous bound on what must happen: never a timing assert */

/* A store of room writes only: it records the kinds of the log entries
 * written, fails while `failing`, and holds a write while `hold` is set. */
typedef struct fake {
    store base;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool failing, hold, inside;
    int writes;
    char kinds[4096];
} fake;

static store *fake_open(const char *arg, char *why)
{
    (void)arg, (void)why;
    fake *f = calloc(1, sizeof *f);
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    return &f->base;
}

static void fake_close(store *s)
{
    fake *f = (fake *)s;
    pthread_mutex_destroy(&f->mu);
    pthread_cond_destroy(&f->cv);
    free(f);
}

static int fake_write(store *s, const store_room_batch *b, char *why)
{
    fake *f = (fake *)s;
    pthread_mutex_lock(&f->mu);
    f->inside = true;
    pthread_cond_broadcast(&f->cv);
    while (f->hold) pthread_cond_wait(&f->cv, &f->mu);
    f->inside = false;
    int rc = f->failing ? why_set(why, "the disk is full") : 0;
    for (size_t i = 0; !rc && i < b->nlog; i++) {
        size_t n = strlen(f->kinds);
        snprintf(f->kinds + n, sizeof f->kinds - n, "%s|", b->log[i].kind);
    }
    if (!rc) f->writes++;
    pthread_mutex_unlock(&f->mu);
    return rc;
}

static const struct store_ops FAKE_OPS = {
    .name = "fake", .open = fake_open, .close = fake_close, .room_write = fake_write};

typedef struct fx {
    store *st;
    fake *f;
    roomlog *rl;
} fx;

static int setup(void **state)
{
    fx *x = calloc(1, sizeof *x);
    char why[WHY_SIZE] = "";
    x->st = store_open_ops(&FAKE_OPS, "", why);
    assert_non_null(x->st);
    x->f = (fake *)x->st;
    x->rl = roomlog_new(x->st, why);
    if (!x->rl) fail_msg("roomlog_new: %s", why);
    *state = x;
    return 0;
}

/* Makes the store fail its writes (or not). */
static void failing(fx *x, bool on)
{
    pthread_mutex_lock(&x->f->mu);
    x->f->failing = on;
    pthread_mutex_unlock(&x->f->mu);
}

static int teardown(void **state)
{
    fx *x = *state;
    failing(x, false);
    roomlog_free(x->rl);
    store_close(x->st);
    free(x);
    return 0;
}

/* Queues an entry of kind. */
static int add(fx *x, const char *kind)
{
    return roomlog_add(x->rl, "s1", KIOSK, "A01", "", 0, kind, NULL, NULL);
}

static void test_what_the_store_refused_is_written_again_in_order(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "";
    failing(x, true);
    assert_int_equal(add(x, "a"), 0);
    assert_int_equal(add(x, "b"), 0);
    assert_int_equal(roomlog_flush(x->rl, why), -1);
    assert_string_equal(why, "the disk is full");
    assert_int_equal(roomlog_backlog(x->rl), 2);
    assert_int_equal(add(x, "c"), 0);
    failing(x, false);
    assert_int_equal(roomlog_flush(x->rl, why), 0);
    assert_int_equal(roomlog_backlog(x->rl), 0);
    assert_string_equal(x->f->kinds, "a|b|c|");
}

static void test_a_full_queue_drops_new_entries_and_keeps_the_old(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "";
    failing(x, true);
    for (int i = 0; i < ROOMLOG_QUEUE_MAX; i++)
        if (add(x, i == 0 ? "first" : "x")) fail_msg("entry %d dropped", i);
    assert_int_equal(add(x, "beyond"), -1);
    assert_int_equal(roomlog_backlog(x->rl), ROOMLOG_QUEUE_MAX);
    /* a seat row or a command is never dropped: the caller bounds those */
    store_room_seat seat = {KIOSK, "A01", "s1", 1, 1, 0, "{}"};
    assert_int_equal(roomlog_keep_seat(x->rl, &seat), 0);
    store_room_seat bad = {"k", "A01", "s1", 1, 1, 0, "{}"};
    assert_int_equal(roomlog_keep_seat(x->rl, &bad), -1);
    failing(x, false);
    assert_int_equal(roomlog_flush(x->rl, why), 0);
    assert_int_equal(strncmp(x->f->kinds, "first|x|", 8), 0);
    assert_null(strstr(x->f->kinds, "beyond"));
}

/* Runs roomlog_sync on its own thread (arg: the fixture). */
static void *syncer(void *arg)
{
    fx *x = arg;
    roomlog_sync(x->rl, NULL);
    return NULL;
}

/* Waits up to WAIT_MS for f->inside to become `want`; true when it did. */
static bool wait_inside(fake *f, bool want)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += WAIT_MS / 1000;
    pthread_mutex_lock(&f->mu);
    int e = 0;
    while (f->inside != want && e == 0) e = pthread_cond_timedwait(&f->cv, &f->mu, &until);
    bool got = f->inside == want;
    pthread_mutex_unlock(&f->mu);
    return got;
}

static void test_entries_are_queued_while_the_store_hangs(void **state)
{
    fx *x = *state;
    assert_int_equal(add(x, "before"), 0);
    pthread_mutex_lock(&x->f->mu);
    x->f->hold = true;
    pthread_mutex_unlock(&x->f->mu);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, syncer, x), 0);
    bool entered = wait_inside(x->f, true);
    /* the write hangs (a slow disk): adding still returns at once */
    int added = 0;
    for (int i = 0; entered && i < 1000; i++) added += add(x, "during") == 0;
    size_t backlog = roomlog_backlog(x->rl);
    pthread_mutex_lock(&x->f->mu);
    x->f->hold = false;
    pthread_cond_broadcast(&x->f->cv);
    pthread_mutex_unlock(&x->f->mu);
    pthread_join(t, NULL);
    assert_true(entered);
    assert_int_equal(added, 1000);
    assert_true(backlog >= 1000);
    char why[WHY_SIZE] = "";
    assert_int_equal(roomlog_flush(x->rl, why), 0);
    assert_int_equal(strncmp(x->f->kinds, "before|during|", 14), 0);
}

static void test_the_thread_writes_within_a_second_or_so_unasked(void **state)
{
    fx *x = *state;
    assert_int_equal(add(x, "alone"), 0);
    /* nobody flushes: the writing thread does (bounded wait, not a timing assert) */
    struct timespec nap = {0, 20 * 1000000L};
    for (int i = 0; i < WAIT_MS / 20 && roomlog_backlog(x->rl) > 0; i++) nanosleep(&nap, NULL);
    assert_int_equal(roomlog_backlog(x->rl), 0);
    pthread_mutex_lock(&x->f->mu);
    bool written = strcmp(x->f->kinds, "alone|") == 0;
    pthread_mutex_unlock(&x->f->mu);
    assert_true(written);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_what_the_store_refused_is_written_again_in_order,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_full_queue_drops_new_entries_and_keeps_the_old,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_entries_are_queued_while_the_store_hangs, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_the_thread_writes_within_a_second_or_so_unasked,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
