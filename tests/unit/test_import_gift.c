/* test_import_gift.c -- GIFT as Moodle reads it, and every problem of a file reported (all formats). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "import_fx.h"
#include "why.h"

#define DATA "tests/data/import/"

/* Parses s, which must succeed. */
static void parse_ok(const char *s, bank_format fmt, const char *topic, bool skip,
                     bank_items *out, fx_heard *h)
{
    char why[WHY_SIZE] = "";
    bank_err e = fx_parse_ex(s, strlen(s), fmt, topic, skip, out, h, why);
    if (e) fail_msg("parse failed: %s\n%s", why, h->text);
}

static void test_gift_single_choice_with_partial_credit_stays_single_keyed_on_full_credit(
    void **state)
{
    (void)state;
    bank_items l = {0};
    fx_heard h;
    parse_ok("Warna langit? {~merah ~%50%biru muda =biru ~%25%biru tua}\n", BANK_FMT_GIFT,
             "umum", false, &l, &h);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].kind, BANK_SINGLE);
    assert_string_equal(l.v[0].key, "C");
    assert_int_equal(h.notices, 1);
    assert_string_equal(h.text, "notice|line 1: partial credit dropped: single choice keyed on"
                                " the full-credit answer C only\n");
    bank_items_free(&l);
    /* without any = answer it is multiple response, as Moodle reads it */
    parse_ok("Pilih dua {~%50%a ~%50%b ~%-100%c}\n", BANK_FMT_GIFT, "umum", false, &l, &h);
    assert_int_equal(l.v[0].kind, BANK_MULTI);
    assert_string_equal(l.v[0].key, "AB");
    assert_int_equal(h.notices, 0);
    bank_items_free(&l);
    /* a single choice needs exactly one full-credit answer */
    char why[WHY_SIZE];
    const char *s = "Q {=%50%a ~b}\n";
    assert_int_equal(fx_parse_ex(s, strlen(s), BANK_FMT_GIFT, "umum", false, &l, &h, why),
                     BANK_EPARSE);
    assert_string_equal(why, "line 1: no answer gives full credit (= or %100%)");
    s = "Q {=a ~%100%b ~c}\n";
    assert_int_equal(fx_parse_ex(s, strlen(s), BANK_FMT_GIFT, "umum", false, &l, &h, why),
                     BANK_EPARSE);
    assert_string_equal(why, "line 1: more than one full-credit answer in a single-choice"
                             " question");
}

static void test_gift_format_markers_on_answers_are_removed(void **state)
{
    (void)state;
    bank_items l = {0};
    fx_heard h;
    parse_ok("[moodle]Warna? {=[plain]biru ~[moodle]merah ~[markdown]hijau ~ [plain] kuning}\n",
             BANK_FMT_GIFT, "umum", false, &l, &h);
    assert_false(l.v[0].rich);
    assert_string_equal(l.v[0].stem, "Warna?");
    assert_string_equal(l.v[0].options[0], "biru");
    assert_string_equal(l.v[0].options[1], "merah");
    assert_string_equal(l.v[0].options[2], "hijau");
    assert_string_equal(l.v[0].options[3], "kuning");
    bank_items_free(&l);
}

static void test_gift_html_text_becomes_rich_text_and_plain_answers_beside_it_are_escaped(
    void **state)
{
    (void)state;
    bank_items l = {0};
    fx_heard h;
    parse_ok("::Q1::[html]<p>Rumus <b>air</b>: H<sub>2</sub>O?</p><script>x()</script>{\n"
             "  =[html]<em>benar</em> &amp; pasti\n"
             "  ~[plain]a < b & c\n"
             "  ~<p>salah</p>\n"
             "}\n",
             BANK_FMT_GIFT, "kimia", false, &l, &h);
    bank_item *it = &l.v[0];
    assert_true(it->rich);
    assert_string_equal(it->stem, "Rumus <b>air</b>: H<sub>2</sub>O?");
    assert_string_equal(it->options[0], "<i>benar</i> &amp; pasti");
    assert_string_equal(it->options[1], "a &lt; b &amp; c");  /* [plain]: shown as written */
    assert_string_equal(it->options[2], "salah");             /* the question's [html] */
    bank_items_free(&l);
}

static void test_gift_newline_escape_is_a_line_break_and_other_escapes_stay_right(void **state)
{
    (void)state;
    bank_items l = {0};
    fx_heard h;
    parse_ok("Baris satu\\nbaris dua\\: \\= \\~ \\# \\{x\\} C:\\\\new {=ya\\nbetul ~tidak}\n",
             BANK_FMT_GIFT, "umum", false, &l, &h);
    assert_string_equal(l.v[0].stem, "Baris satu\nbaris dua: = ~ # {x} C:\\new");
    assert_string_equal(l.v[0].options[0], "ya\nbetul");
    bank_items_free(&l);
}

static void test_gift_title_is_kept_and_names_the_item_only_when_it_is_an_id(void **state)
{
    (void)state;
    bank_items l = {0};
    fx_heard h;
    parse_ok("::Q1 Kota besar::Kota terbesar? {=Jakarta ~Bandung}\n\n"
             "::kota-2::Kota kedua? {=Surabaya ~Bandung}\n\n"
             "Tanpa judul? {=ya ~tidak}\n",
             BANK_FMT_GIFT, "geo", false, &l, &h);
    assert_string_equal(l.v[0].title, "Q1 Kota besar");
    assert_non_null(strstr(l.v[0].id, "geo-"));
    assert_string_equal(l.v[1].title, "kota-2");
    assert_string_equal(l.v[1].id, "kota-2");
    assert_null(l.v[2].title);
    bank_items_free(&l);
}

static void test_gift_same_stem_twice_gets_two_stable_ids(void **state)
{
    (void)state;
    const char *s = "::Q3::Manakah prima? {=7 ~8}\n\n::Q4::Manakah prima? {=11 ~12}\n\n"
                    "Manakah prima? {=13 ~14}\n\nManakah prima? {=17 ~18}\n";
    bank_items a = {0}, b = {0};
    fx_heard h;
    parse_ok(s, BANK_FMT_GIFT, "mat", false, &a, &h);
    parse_ok(s, BANK_FMT_GIFT, "mat", false, &b, &h);
    assert_int_equal(a.n, 4);
    for (size_t i = 0; i < a.n; i++) {
        assert_string_equal(a.v[i].id, b.v[i].id);  /* the same file, the same ids */
        for (size_t j = 0; j < i; j++) assert_string_not_equal(a.v[i].id, a.v[j].id);
    }
    bank_items_free(&a);
    bank_items_free(&b);
}

static void test_gift_categories_with_the_same_last_part_never_merge(void **state)
{
    (void)state;
    bank_items l = {0};
    fx_heard h;
    parse_ok("$CATEGORY: $course$/top/Matematika/Bab 1\n\nQ? {=a ~b}\n\n"
             "$CATEGORY: $course$/top/Fisika/Bab 1\n\nQ? {=a ~b}\n\n"
             "$CATEGORY: $course$/top/Kimia\n\nR? {=a ~b}\n\n"
             "$CATEGORY: $course$/top/A B/Bab\n\nS? {=a ~b}\n\n"
             "$CATEGORY: $course$/top/A-B/Bab\n\nS? {=a ~b}\n",
             BANK_FMT_GIFT, NULL, false, &l, &h);
    assert_int_equal(l.n, 5);
    assert_string_equal(l.v[0].topic, "Matematika.Bab-1");
    assert_string_equal(l.v[1].topic, "Fisika.Bab-1");
    assert_string_not_equal(l.v[0].id, l.v[1].id);
    assert_string_equal(l.v[2].topic, "Kimia");  /* a last part of its own is enough */
    /* parts that read the same once cleaned: the topics differ by a hash */
    assert_string_not_equal(l.v[3].topic, l.v[4].topic);
    assert_non_null(strstr(l.v[3].topic, "A-B.Bab-"));
    bank_items_free(&l);
    parse_ok("$CATEGORY: $course$/top\n\nQ? {=a ~b}\n", BANK_FMT_GIFT, NULL, false, &l, &h);
    assert_string_equal(l.v[0].topic, "top");
    bank_items_free(&l);
}

static void test_gift_long_category_paths_and_too_many_categories(void **state)
{
    (void)state;
    bank_items l = {0};
    fx_heard h;
    char why[WHY_SIZE];
    /* parts that fit no topic together: the last that fits, made unique by a hash */
    char s[200000] = "$CATEGORY: $course$/top/";
    for (int i = 0; i < 20; i++) strcat(s, "Bagian-yang-panjang-sekali-namanya/");
    strcat(s, "Bab 1\n\nQ? {=a ~b}\n\n$CATEGORY: Lain/");
    for (int i = 0; i < 20; i++) strcat(s, "Bagian-yang-panjang-sekali-namanya/");
    strcat(s, "Bab 1\n\nQ? {=a ~b}\n");
    parse_ok(s, BANK_FMT_GIFT, NULL, false, &l, &h);
    assert_int_equal(l.n, 2);
    assert_true(strlen(l.v[0].topic) <= 64);
    assert_string_not_equal(l.v[0].topic, l.v[1].topic);
    bank_items_free(&l);
    s[0] = '\0';
    for (int i = 0; i <= 2000; i++) snprintf(s + strlen(s), 64, "$CATEGORY: c%d\n", i);
    strcat(s, "\nQ? {=a ~b}\n");
    assert_int_equal(fx_parse_ex(s, strlen(s), BANK_FMT_GIFT, NULL, false, &l, &h, why),
                     BANK_EPARSE);
    assert_string_equal(why, "line 1: more than 2000 $CATEGORY lines: split the file");
}

static void test_file_with_several_problems_lists_every_one_with_its_line(void **state)
{
    (void)state;
    bank_items l = {0};
    fx_heard h;
    char why[WHY_SIZE];
    size_t np = 0, ns = 0;
    const char *s = "Baik {=a ~b}\n\n"
                    "Esai {}\n\n"
                    "Tanpa kunci {~a ~b}\n\n"
                    "Angka {#4}\n\n"
                    "Terbuka {=a ~b\n";
    bank_parse_opts o = {"umum", false, fx_hear, &h};
    memset(&h, 0, sizeof h);
    assert_int_equal(bank_parse_items_ex(s, strlen(s), BANK_FMT_GIFT, &o, &l, &np, &ns, why),
                     BANK_EPARSE);
    assert_int_equal(np, 4);
    assert_int_equal(ns, 0);
    assert_string_equal(h.text, "error|line 3: essay question ({}) is not supported\n"
                                "error|line 5: no right answer: mark one with =\n"
                                "error|line 7: numerical question ({#...}) is not supported\n"
                                "error|line 9: '{' is never closed\n");
    assert_string_equal(why, "line 3: essay question ({}) is not supported"
                             " (and 3 more problems)");
    assert_int_equal(l.n, 0);
    /* the same in Aiken and CSV: every question on its own */
    s = "Q1?\nA. a\nANSWER: A\n\nQ2?\nA. a\nB. b\nANSWER: A\n\nQ3?\nA. a\nB. b\nANSWER: C\n";
    memset(&h, 0, sizeof h);
    assert_int_equal(bank_parse_items_ex(s, strlen(s), BANK_FMT_AIKEN, &o, &l, &np, NULL, why),
                     BANK_EPARSE);
    assert_string_equal(h.text, "error|line 3: fewer than 2 options before ANSWER\n"
                                "error|line 13: ANSWER C names a missing option (options are"
                                " A-B)\n");
    s = "id,topic,kind,difficulty,weight,stem,a,b,c,d,e,key\n"
        "q1,t,single,3,1,S,a,b,,,,Z\nq2,t,single,3,1,S,a,b,,,,A\n"
        "q3,t,oops,3,1,S,a,b,,,,A\nq2,t,single,3,1,S2,a,b,,,,A\n";
    memset(&h, 0, sizeof h);
    assert_int_equal(bank_parse_items_ex(s, strlen(s), BANK_FMT_CSV, &o, &l, &np, NULL, why),
                     BANK_EPARSE);
    assert_int_equal(np, 3);
    assert_non_null(strstr(h.text, "error|line 2: "));
    assert_non_null(strstr(h.text, "error|line 4: kind \"oops\""));
    assert_non_null(strstr(h.text, "error|line 5: duplicate id \"q2\" (first on line 3)"));
    assert_int_equal(l.n, 0);
}

static void test_aiken_question_without_answer_does_not_hide_the_next_one(void **state)
{
    (void)state;
    bank_items l = {0};
    fx_heard h;
    char why[WHY_SIZE];
    const char *s = "Q1?\nA. a\nB. b\nQ2?\nA. c\nB. d\nANSWER: E\n";
    assert_int_equal(fx_parse_ex(s, strlen(s), BANK_FMT_AIKEN, "umum", false, &l, &h, why),
                     BANK_EPARSE);
    assert_int_equal(h.errors, 2);
    assert_non_null(strstr(h.text, "error|line 1: question has no ANSWER line"));
    assert_non_null(strstr(h.text, "error|line 7: ANSWER E names a missing option"));
}

static void test_skip_unsupported_imports_the_rest_and_lists_each_skipped(void **state)
{
    (void)state;
    bank_items l = {0};
    fx_heard h;
    char why[WHY_SIZE];
    const char *s = "Baik {=a ~b}\n\nEsai {}\n\nPasangan {=a -> 1 =b -> 2}\n\nJuga {=c ~d}\n";
    size_t ns = 0;
    bank_parse_opts o = {"umum", true, fx_hear, &h};
    memset(&h, 0, sizeof h);
    assert_int_equal(bank_parse_items_ex(s, strlen(s), BANK_FMT_GIFT, &o, &l, NULL, &ns, why),
                     BANK_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(ns, 2);
    assert_string_equal(h.text, "skipped|line 3: essay question ({}) is not supported\n"
                                "skipped|line 5: matching question (->) is not supported\n");
    bank_items_free(&l);
    /* a malformed question still refuses the file */
    s = "Baik {=a ~b}\n\nEsai {}\n\nRusak {~a ~b}\n";
    assert_int_equal(fx_parse_ex(s, strlen(s), BANK_FMT_GIFT, "umum", true, &l, &h, why),
                     BANK_EPARSE);
    assert_string_equal(why, "line 5: no right answer: mark one with =");
    assert_int_equal(h.skipped, 1);
    /* nothing left at all */
    s = "Esai {}\n";
    assert_int_equal(fx_parse_ex(s, strlen(s), BANK_FMT_GIFT, "umum", true, &l, &h, why),
                     BANK_EPARSE);
    assert_string_equal(why, "line 1: no questions found that Kisi can hold (1 skipped)");
}

static void test_gift_moodle_export_reads_as_moodle_does(void **state)
{
    (void)state;
    size_t len;
    char *s = fx_slurp(DATA "moodle_export.gift", &len);
    bank_items l = {0};
    fx_heard h;
    char why[WHY_SIZE];
    assert_int_equal(fx_parse_ex(s, len, BANK_FMT_GIFT, NULL, false, &l, &h, why), BANK_EPARSE);
    assert_string_equal(why, "line 54: essay question ({}) is not supported");
    assert_int_equal(fx_parse_ex(s, len, BANK_FMT_GIFT, NULL, true, &l, &h, why), BANK_OK);
    free(s);
    assert_int_equal(l.n, 6);
    assert_int_equal(h.skipped, 1);
    assert_int_equal(h.notices, 1);
    bank_item *q1 = &l.v[0], *q2 = &l.v[1], *q3 = &l.v[2], *q4 = &l.v[3], *pr = &l.v[4],
              *mr = &l.v[5];
    assert_string_equal(q1->title, "Q1 Kota besar");
    assert_string_equal(q1->topic, "Default-for-Latsar.Bab-1");
    assert_true(q1->rich);
    assert_string_equal(q1->stem, "Kota <b>terbesar</b> di Indonesia menurut jumlah penduduk"
                                  " adalah\xc2\xa0…");
    assert_string_equal(q1->options[1], "Surabaya");  /* feedback dropped */
    assert_int_equal(q1->kind, BANK_SINGLE);
    assert_string_equal(q1->key, "A");
    assert_false(q2->rich);
    assert_string_equal(q2->stem, "Tanda = dan ~ serta # ditulis dengan garis miring terbalik.\n"
                                  "Baris kedua: penjelasan {x}.");
    assert_string_equal(q2->options[2], "*tidak* tahu");
    assert_string_equal(q3->stem, q4->stem);
    assert_string_not_equal(q3->id, q4->id);
    assert_string_equal(pr->topic, "Default-for-Sejarah.Bab-1");
    assert_int_equal(mr->kind, BANK_MULTI);
    assert_string_equal(mr->key, "AB");
    bank_items_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_gift_single_choice_with_partial_credit_stays_single_keyed_on_full_credit),
        cmocka_unit_test(test_gift_format_markers_on_answers_are_removed),
        cmocka_unit_test(
            test_gift_html_text_becomes_rich_text_and_plain_answers_beside_it_are_escaped),
        cmocka_unit_test(test_gift_newline_escape_is_a_line_break_and_other_escapes_stay_right),
        cmocka_unit_test(test_gift_title_is_kept_and_names_the_item_only_when_it_is_an_id),
        cmocka_unit_test(test_gift_same_stem_twice_gets_two_stable_ids),
        cmocka_unit_test(test_gift_categories_with_the_same_last_part_never_merge),
        cmocka_unit_test(test_gift_long_category_paths_and_too_many_categories),
        cmocka_unit_test(test_file_with_several_problems_lists_every_one_with_its_line),
        cmocka_unit_test(test_aiken_question_without_answer_does_not_hide_the_next_one),
        cmocka_unit_test(test_skip_unsupported_imports_the_rest_and_lists_each_skipped),
        cmocka_unit_test(test_gift_moodle_export_reads_as_moodle_does),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
