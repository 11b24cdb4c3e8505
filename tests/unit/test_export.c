/* test_export.c -- signed result bundles copied from the outbox to a folder (USB stick). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"
#include "fixture.h"
#include "why.h"

#define KIOSK_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define KIOSK_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define TAG_A ".kiosk-0123456789abcdef"   /* what an export adds to kiosk A's names */
#define TAG_B ".kiosk-fedcba9876543210"

typedef struct fx {
    char *dir;           /* holds state/ and stick/ */
    char state[4096];
    char outbox[4096];
    char stick[4096];
} fx;

static int setup(void **state)
{
    fx *x = calloc(1, sizeof *x);
    if (!x) return -1;
    x->dir = fx_tmpdir();
    snprintf(x->state, sizeof x->state, "%s/state", x->dir);
    snprintf(x->outbox, sizeof x->outbox, "%s/state/outbox", x->dir);
    snprintf(x->stick, sizeof x->stick, "%s/stick/kisi/lab2", x->dir);
    mkdir(x->state, 0700);
    mkdir(x->outbox, 0700);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx *x = *state;
    fx_rmdir(x->dir);
    free(x);
    return 0;
}

static void put(const char *dir, const char *name, const char *text)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

/* The whole of dir/name, or "" when missing; static buffer. */
static const char *get(const char *dir, const char *name)
{
    static char buf[4096];
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    buf[0] = 0;
    FILE *fp = fopen(p, "rb");
    if (!fp) return buf;
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = 0;
    fclose(fp);
    return buf;
}

/* Puts bundle `id` (NAME.json + NAME.sig) signed by `kiosk` in `outbox`. */
static void bundle_of(const char *outbox, const char *kiosk, const char *id)
{
    char name[128], text[256];
    snprintf(name, sizeof name, "%s.sig", id);
    snprintf(text, sizeof text, "{\"kiosk\":\"%s\",\"sig\":\"sig-of-%s\"}", kiosk, id);
    put(outbox, name, text);
    snprintf(name, sizeof name, "%s.json", id);
    snprintf(text, sizeof text, "{\"id\":\"%s\",\"kiosk\":\"%.4s\"}", id, kiosk);
    put(outbox, name, text);
}

/* Puts bundle `id` of kiosk A in the outbox. */
static void bundle(fx *x, const char *id)
{
    bundle_of(x->outbox, KIOSK_A, id);
}

/* Files in dir: all, and those whose name starts with '.' (temporary files). */
static int files(const char *dir, int *hidden)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (hidden) *hidden = 0;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        n++;
        if (hidden && e->d_name[0] == '.') (*hidden)++;
    }
    if (d) closedir(d);
    return n;
}

static void test_export_copies_each_result_with_its_signature(void **state)
{
    fx *x = *state;
    bundle(x, "s1-199001012015031001-1");
    bundle(x, "s1-199001012015031002-1");
    bundle(x, "s1-199001012015031003-2");
    char why[WHY_SIZE] = "";
    int copied = -1;
    assert_int_equal(export_outbox(x->state, x->stick, &copied, why), 0);
    assert_int_equal(copied, 3);
    assert_int_equal(files(x->stick, NULL), 6);
    const char *names[2] = {"s1-199001012015031002-1.json", "s1-199001012015031002-1.sig"};
    const char *copies[2] = {"s1-199001012015031002-1" TAG_A ".json",
                             "s1-199001012015031002-1" TAG_A ".sig"};
    for (int i = 0; i < 2; i++) {
        char want[4096];
        snprintf(want, sizeof want, "%s", get(x->outbox, names[i]));
        assert_true(want[0] != 0);
        assert_string_equal(get(x->stick, copies[i]), want);
    }
    assert_int_equal(files(x->outbox, NULL), 6);   /* the outbox is only read */
}

static void test_export_twice_changes_nothing_and_reports_the_same_count(void **state)
{
    fx *x = *state;
    bundle(x, "r1");
    bundle(x, "r2");
    char why[WHY_SIZE] = "";
    int copied = 0;
    assert_int_equal(export_outbox(x->state, x->stick, &copied, why), 0);
    struct stat before, after;
    char p[4200];
    snprintf(p, sizeof p, "%s/r1" TAG_A ".json", x->stick);
    assert_int_equal(stat(p, &before), 0);
    copied = 0;
    assert_int_equal(export_outbox(x->state, x->stick, &copied, why), 0);
    assert_int_equal(copied, 2);
    assert_int_equal(files(x->stick, NULL), 4);
    assert_int_equal(stat(p, &after), 0);
    assert_true(before.st_ino == after.st_ino);   /* same bytes: not rewritten */
    bundle(x, "r3");   /* a later result joins the earlier ones */
    assert_int_equal(export_outbox(x->state, x->stick, &copied, why), 0);
    assert_int_equal(copied, 3);
    assert_int_equal(files(x->stick, NULL), 6);
}

static void test_export_never_overwrites_a_different_file_of_the_same_name(void **state)
{
    fx *x = *state;
    bundle(x, "r1");
    bundle(x, "r2");
    assert_int_equal(mkdir(fx_path(x->dir, "stick"), 0700), 0);
    assert_int_equal(mkdir(fx_path(x->dir, "stick/kisi"), 0700), 0);
    assert_int_equal(mkdir(x->stick, 0700), 0);
    put(x->stick, "r1" TAG_A ".json", "{\"id\":\"r1\",\"other\":\"copy\"}");
    char why[WHY_SIZE] = "";
    int copied = -1;
    assert_int_equal(export_outbox(x->state, x->stick, &copied, why), -1);
    assert_non_null(strstr(why, "r1" TAG_A ".json"));
    assert_null(strchr(why, '\n'));
    assert_string_equal(get(x->stick, "r1" TAG_A ".json"), "{\"id\":\"r1\",\"other\":\"copy\"}");
    assert_string_equal(get(x->stick, "r1" TAG_A ".sig"), "");   /* not half a bundle either */
    assert_int_equal(copied, 1);                       /* the other bundle still went */
    assert_string_equal(get(x->stick, "r2" TAG_A ".json"), get(x->outbox, "r2.json"));
}

static void test_two_kiosks_exporting_the_same_name_into_one_folder_keep_both(void **state)
{
    fx *x = *state;
    /* two PCs whose outboxes hold a result of the same name: one participant
     * moved to another PC, or two sessions' kiosks named alike */
    char other[4200], outbox_b[4300];
    snprintf(other, sizeof other, "%s/state-b", x->dir);
    snprintf(outbox_b, sizeof outbox_b, "%s/outbox", other);
    assert_int_equal(mkdir(other, 0700), 0);
    assert_int_equal(mkdir(outbox_b, 0700), 0);
    bundle(x, "s1-199001012015031001-1");
    bundle_of(outbox_b, KIOSK_B, "s1-199001012015031001-1");
    char why[WHY_SIZE] = "";
    int copied = -1;
    assert_int_equal(export_outbox(x->state, x->stick, &copied, why), 0);
    assert_int_equal(copied, 1);
    assert_int_equal(export_outbox(other, x->stick, &copied, why), 0);
    assert_int_equal(copied, 1);
    assert_int_equal(files(x->stick, NULL), 4);
    assert_string_equal(get(x->stick, "s1-199001012015031001-1" TAG_A ".json"),
                        get(x->outbox, "s1-199001012015031001-1.json"));
    assert_string_equal(get(x->stick, "s1-199001012015031001-1" TAG_B ".json"),
                        get(outbox_b, "s1-199001012015031001-1.json"));
    assert_string_equal(get(x->stick, "s1-199001012015031001-1" TAG_B ".sig"),
                        get(outbox_b, "s1-199001012015031001-1.sig"));
    /* each kiosk exporting again finds its own files unchanged */
    assert_int_equal(export_outbox(x->state, x->stick, &copied, why), 0);
    assert_int_equal(export_outbox(other, x->stick, &copied, why), 0);
    assert_int_equal(files(x->stick, NULL), 4);
}

static void test_a_signature_naming_no_kiosk_is_not_exported(void **state)
{
    fx *x = *state;
    bundle(x, "r1");
    bundle(x, "r2");
    put(x->outbox, "r1.sig", "{\"kiosk\":\"ab\",\"sig\":\"00\"}");
    char why[WHY_SIZE] = "";
    int copied = -1;
    assert_int_equal(export_outbox(x->state, x->stick, &copied, why), -1);
    assert_non_null(strstr(why, "r1.sig names no kiosk"));
    assert_int_equal(copied, 1);
    assert_int_equal(files(x->stick, NULL), 2);
}

static void test_export_leaves_no_temporary_files(void **state)
{
    fx *x = *state;
    for (int i = 0; i < 70; i++) {   /* more than one listing batch */
        char id[16];
        snprintf(id, sizeof id, "r%03d", i);
        bundle(x, id);
    }
    char why[WHY_SIZE] = "";
    int copied = 0, hidden = -1;
    assert_int_equal(export_outbox(x->state, x->stick, &copied, why), 0);
    assert_int_equal(copied, 70);
    assert_int_equal(files(x->stick, &hidden), 140);
    assert_int_equal(hidden, 0);
}

static void test_export_leaves_out_a_result_without_its_signature(void **state)
{
    fx *x = *state;
    bundle(x, "r1");
    put(x->outbox, "r2.json", "{\"id\":\"r2\"}");   /* no r2.sig: not a bundle */
    put(x->outbox, ".r3.json.tmp", "{}");            /* a temporary file of the outbox */
    char why[WHY_SIZE] = "";
    int copied = 0;
    assert_int_equal(export_outbox(x->state, x->stick, &copied, why), 0);
    assert_int_equal(copied, 1);
    assert_int_equal(files(x->stick, NULL), 2);
}

static void test_export_of_an_empty_or_missing_outbox_copies_nothing(void **state)
{
    fx *x = *state;
    char why[WHY_SIZE] = "";
    int copied = -1;
    assert_int_equal(export_outbox(x->state, x->stick, &copied, why), 0);
    assert_int_equal(copied, 0);
    struct stat st;
    assert_int_equal(stat(x->stick, &st), 0);   /* the folder is made all the same */
    rmdir(x->outbox);
    copied = -1;
    assert_int_equal(export_outbox(x->state, x->stick, &copied, why), 0);
    assert_int_equal(copied, 0);
}

static void test_export_fails_with_a_reason_when_the_folder_is_a_file(void **state)
{
    fx *x = *state;
    bundle(x, "r1");
    put(x->dir, "file", "x");
    char why[WHY_SIZE] = "";
    int copied = -1;
    assert_int_equal(export_outbox(x->state, fx_path(x->dir, "file"), &copied, why), -1);
    assert_true(why[0] != 0);
    assert_int_equal(copied, 0);
    assert_int_equal(export_outbox(NULL, x->stick, NULL, why), -1);
}

static void test_move_pair_files_a_result_with_its_reason(void **state)
{
    fx *x = *state;
    bundle(x, "r1");
    char to[4200];
    snprintf(to, sizeof to, "%s/refused", x->state);
    assert_int_equal(export_move_pair(x->outbox, to, "r1", "HTTP 422 malformed: bad\n"), 0);
    assert_int_equal(files(x->outbox, NULL), 0);
    assert_int_equal(files(to, NULL), 3);
    assert_string_equal(get(to, "r1.reason"), "HTTP 422 malformed: bad\n");
    assert_int_equal(export_move_pair(x->outbox, to, "r1", NULL), -1);   /* already gone */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_export_copies_each_result_with_its_signature, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_export_twice_changes_nothing_and_reports_the_same_count, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_export_never_overwrites_a_different_file_of_the_same_name, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_two_kiosks_exporting_the_same_name_into_one_folder_keep_both, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_signature_naming_no_kiosk_is_not_exported, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_export_leaves_no_temporary_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_leaves_out_a_result_without_its_signature,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_of_an_empty_or_missing_outbox_copies_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_fails_with_a_reason_when_the_folder_is_a_file,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_pair_files_a_result_with_its_reason, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
