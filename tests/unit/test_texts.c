/* test_texts.c -- UI text files: parsing, escapes, fallbacks, and id/en defining the same keys. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "texts.h"
#include "why.h"

/* The folder of the shipped text files (tests run from the repository root). */
static const char *assets(void)
{
    const char *d = getenv("KISI_STRINGS_DIR");
    return d && *d ? d : "assets/strings";
}

/* Parses text; the test fails when it is rejected. Caller frees. */
static texts *parse(const char *text)
{
    char why[WHY_SIZE] = "";
    texts *s = texts_parse(text, strlen(text), "test.txt", why);
    if (!s) fail_msg("rejected: %s", why);
    return s;
}

/* Loads a shipped language; the test fails when it cannot. Caller frees. */
static texts *load(const char *lang)
{
    char why[WHY_SIZE] = "";
    texts *s = texts_load(assets(), lang, why);
    if (!s) fail_msg("%s: %s", lang, why);
    return s;
}

static void test_key_value_lines_comments_and_blanks(void **state)
{
    (void)state;
    texts *s = parse("# komentar\n\napp.name = Kisi\n  identify.nip   =   NIP Anda  \n"
                       "   # indented comment\nx_y-z.1 = satu = dua\n");
    assert_int_equal(texts_count(s), 3);
    assert_string_equal(texts_get(s, "app.name"), "Kisi");
    assert_string_equal(texts_get(s, "identify.nip"), "NIP Anda");
    assert_string_equal(texts_get(s, "x_y-z.1"), "satu = dua");
    assert_true(texts_has(s, "app.name"));
    texts_free(s);
}

static void test_escapes_make_line_breaks_and_backslashes(void **state)
{
    (void)state;
    texts *s = parse("k = baris satu\\nbaris dua \\\\ akhir\n");
    assert_string_equal(texts_get(s, "k"), "baris satu\nbaris dua \\ akhir");
    texts_free(s);
}

static void test_unknown_escape_is_rejected_with_its_line(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "";
    const char *text = "a = b\n\nc = d\\t\n";
    assert_null(texts_parse(text, strlen(text), "x.txt", why));
    assert_non_null(strstr(why, "x.txt:3:"));
}

static void test_line_without_equals_is_rejected(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "";
    const char *text = "a = b\njust words\n";
    assert_null(texts_parse(text, strlen(text), "x.txt", why));
    assert_non_null(strstr(why, "x.txt:2:"));
}

static void test_bad_key_is_rejected(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "";
    const char *text = "kunci dengan spasi = nilai\n";
    assert_null(texts_parse(text, strlen(text), "x.txt", why));
    assert_null(texts_parse(" = nilai\n", 9, "x.txt", why));
}

static void test_nul_byte_is_rejected(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "";
    assert_null(texts_parse("a = b\0c\n", 8, "x.txt", why));
}

static void test_missing_key_falls_back_to_the_key(void **state)
{
    (void)state;
    texts *s = parse("a = b\n");
    const char *key = "tidak.ada";
    assert_ptr_equal(texts_get(s, key), key);
    assert_false(texts_has(s, key));
    assert_string_equal(texts_get(s, NULL), "");
    assert_ptr_equal(texts_get(NULL, key), key);
    texts_free(s);
}

static void test_later_duplicate_replaces_earlier(void **state)
{
    (void)state;
    texts *s = parse("a = satu\na = dua\n");
    assert_int_equal(texts_count(s), 1);
    assert_string_equal(texts_get(s, "a"), "dua");
    texts_free(s);
}

static void test_crlf_bom_and_empty_value(void **state)
{
    (void)state;
    texts *s = parse("\xEF\xBB\xBF" "a = satu\r\nb =\r\n");
    assert_string_equal(texts_get(s, "a"), "satu");
    assert_string_equal(texts_get(s, "b"), "");
    texts_free(s);
}

static void test_keys_are_listed_in_sorted_order(void **state)
{
    (void)state;
    texts *s = parse("c = 3\na = 1\nb = 2\n");
    assert_string_equal(texts_key(s, 0), "a");
    assert_string_equal(texts_key(s, 2), "c");
    assert_null(texts_key(s, 3));
    texts_free(s);
}

static void test_fill_replaces_numbered_placeholders(void **state)
{
    (void)state;
    char out[64];
    const char *args[] = {"3", "50"};
    texts_fill(out, sizeof out, "Soal {1} dari {2}", args, 2);
    assert_string_equal(out, "Soal 3 dari 50");
    texts_fill(out, sizeof out, "{2} ({1}) {3} %s %n", args, 2);
    assert_string_equal(out, "50 (3) {3} %s %n");
    texts_fill(out, sizeof out, "{", args, 2);
    assert_string_equal(out, "{");
}

static void test_fill_truncates_at_a_character_boundary(void **state)
{
    (void)state;
    char out[6];
    const char *args[] = {"\xE2\x80\x94\xE2\x80\x94"};  /* two em dashes, 6 bytes */
    size_t n = texts_fill(out, sizeof out, "{1}", args, 1);
    assert_int_equal(n, 3);
    assert_string_equal(out, "\xE2\x80\x94");
    assert_int_equal(texts_fill(out, 0, "x", NULL, 0), 0);
}

static void test_missing_file_names_the_path(void **state)
{
    (void)state;
    char why[WHY_SIZE] = "";
    assert_null(texts_load("/nonexistent/kisi", "id", why));
    assert_non_null(strstr(why, "/nonexistent/kisi/id.txt"));
    assert_null(texts_load(assets(), "../id", why));
}

static void test_shipped_languages_load(void **state)
{
    (void)state;
    texts *id = load("id"), *en = load("en");
    assert_true(texts_count(id) > 50);
    assert_string_equal(texts_get(id, "fmt.decimal"), ",");
    assert_string_equal(texts_get(en, "fmt.decimal"), ".");
    assert_string_equal(texts_get(id, "identify.nip"), "NIP");
    texts_free(id);
    texts_free(en);
}

static void test_id_and_en_define_exactly_the_same_keys(void **state)
{
    (void)state;
    texts *id = load("id"), *en = load("en");
    for (size_t i = 0; i < texts_count(id); i++)
        if (!texts_has(en, texts_key(id, i)))
            fail_msg("en.txt lacks %s", texts_key(id, i));
    for (size_t i = 0; i < texts_count(en); i++)
        if (!texts_has(id, texts_key(en, i)))
            fail_msg("id.txt lacks %s", texts_key(en, i));
    assert_int_equal(texts_count(id), texts_count(en));
    texts_free(id);
    texts_free(en);
}

/* The {n} placeholders of a value as a bit set. */
static unsigned placeholders(const char *v)
{
    unsigned set = 0;
    for (const char *p = v; (p = strchr(p, '{')) != NULL; p++)
        if (p[1] >= '1' && p[1] <= '9' && p[2] == '}') set |= 1u << (p[1] - '0');
    return set;
}

static void test_translations_use_the_same_placeholders(void **state)
{
    (void)state;
    texts *id = load("id"), *en = load("en");
    for (size_t i = 0; i < texts_count(id); i++) {
        const char *k = texts_key(id, i);
        if (strcmp(k, "result.band.value") == 0) continue;  /* en adds the English band */
        if (placeholders(texts_get(id, k)) != placeholders(texts_get(en, k)))
            fail_msg("%s: placeholders differ between id and en", k);
    }
    texts_free(id);
    texts_free(en);
}

static void test_every_message_the_app_can_show_is_translated(void **state)
{
    (void)state;
    static const char *const keys[] = {
        "start.tampered", "start.nobank", "start.nosession", "start.wrongbank",
        "identify.title", "identify.nip", "identify.pin", "identify.badnip",
        "identify.unknown", "identify.wrongpin", "identify.done", "locked.title",
        "locked.hint", "wait.title", "wait.hint", "wait.badtoken", "wait.wrongtoken",
        "wait.resume", "instr.title", "instr.start", "kind.academic", "kind.quiz",
        "kind.competency", "kind.rpl", "exam.flag", "exam.review", "exam.submit",
        "exam.warn5", "exam.warn1", "exam.saved", "review.title", "review.unanswered",
        "review.flagged", "review.back", "confirm.title", "confirm.question", "confirm.yes",
        "confirm.no", "result.title", "result.raw", "result.ceiling", "result.awarded",
        "result.band", "result.passed", "result.failed", "result.next", "proctor.title",
        "proctor.hint", "proctor.wrong", "error.title", "error.hint", "journal.error",
        "exam.cleared", "exam.clear", "exam.truefalse", "timeout.title",
        "timeout.body", "timeout.next", "result.capped", "cause.missing", "cause.unreadable",
        "cause.damaged", "cause.version", "cause.unsealed", "cause.memory", "cause.changed",
        "cause.otherkey", "cause.altered", "cause.badseal", "cause.invalid",
        "delivery.off", "delivery.off_one", "delivery.off_none", "delivery.done", "delivery.connecting", "delivery.unreachable",
        "delivery.core_error", "delivery.approval", "delivery.revoked", "delivery.enrol_refused",
        "delivery.disk", "delivery.bad_receipt", "delivery.core_key", "delivery.refused", "delivery.net.refused", "delivery.net.noroute",
        "delivery.net.resolve", "delivery.net.timeout", "delivery.net.tls", "aloud.on",
        "aloud.off", "aloud.noaudio", "say.chosen", "say.answer", "say.flag.on", "say.flag.off",
        "say.time", "say.typed", "say.rate", "instr.minutes.extra"};
    const char *langs[] = {"id", "en"};
    for (int l = 0; l < 2; l++) {
        texts *s = load(langs[l]);
        for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
            if (!texts_has(s, keys[i])) fail_msg("%s.txt lacks %s", langs[l], keys[i]);
            if (!*texts_get(s, keys[i])) fail_msg("%s.txt: %s is empty", langs[l], keys[i]);
        }
        texts_free(s);
    }
}

static void test_the_instructions_name_the_keys_and_multiple_response_items(void **state)
{
    (void)state;
    static const char *const must[][2] = {
        {"A–H", "A–H"}, {"1–8", "1–8"}, {"Del", "Del"}, {"←/→", "←/→"}, {"Ctrl+F", "Ctrl+F"},
        {"R ", "R "}, {"S ", "S "}, {"kotak persegi", "square boxes"},
        {"lebih dari satu", "more than one"}};
    const char *langs[] = {"id", "en"};
    for (int l = 0; l < 2; l++) {
        texts *s = load(langs[l]);
        const char *body = texts_get(s, "instr.body");
        for (size_t i = 0; i < sizeof must / sizeof *must; i++)
            if (!strstr(body, must[i][l]))
                fail_msg("%s instructions do not mention \"%s\"", langs[l], must[i][l]);
        texts_free(s);
    }
}

static void test_indonesian_is_the_language_of_the_default_texts(void **state)
{
    (void)state;
    texts *id = load("id");
    assert_non_null(strstr(texts_get(id, "identify.hint"), "Masukkan NIP Anda"));
    assert_string_equal(texts_get(id, "wait.title"), "Menunggu Pengawas");
    assert_string_equal(texts_get(id, "result.passed"), "LULUS");
    texts_free(id);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_value_lines_comments_and_blanks),
        cmocka_unit_test(test_escapes_make_line_breaks_and_backslashes),
        cmocka_unit_test(test_unknown_escape_is_rejected_with_its_line),
        cmocka_unit_test(test_line_without_equals_is_rejected),
        cmocka_unit_test(test_bad_key_is_rejected),
        cmocka_unit_test(test_nul_byte_is_rejected),
        cmocka_unit_test(test_missing_key_falls_back_to_the_key),
        cmocka_unit_test(test_later_duplicate_replaces_earlier),
        cmocka_unit_test(test_crlf_bom_and_empty_value),
        cmocka_unit_test(test_keys_are_listed_in_sorted_order),
        cmocka_unit_test(test_fill_replaces_numbered_placeholders),
        cmocka_unit_test(test_fill_truncates_at_a_character_boundary),
        cmocka_unit_test(test_missing_file_names_the_path),
        cmocka_unit_test(test_shipped_languages_load),
        cmocka_unit_test(test_id_and_en_define_exactly_the_same_keys),
        cmocka_unit_test(test_translations_use_the_same_placeholders),
        cmocka_unit_test(test_every_message_the_app_can_show_is_translated),
        cmocka_unit_test(test_indonesian_is_the_language_of_the_default_texts),
        cmocka_unit_test(test_the_instructions_name_the_keys_and_multiple_response_items),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
