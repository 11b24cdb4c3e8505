/* test_import_moodle.c -- Moodle XML import: kept types, categories, HTML, images, refused input. */
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
#include "richtext.h"
#include "why.h"

#define DATA "tests/data/import/"

static bank_err parse_xml(const char *s, size_t len, const char *topic, bool skip,
                          bank_items *out, fx_heard *h, char *why)
{
    return fx_parse_ex(s, len, BANK_FMT_MOODLE_XML, topic, skip, out, h, why);
}

/* A quiz of the given questions. */
#define QUIZ(body) "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n" body "</quiz>\n"

static void test_moodle_export_keeps_multichoice_truefalse_categories_and_html(void **state)
{
    (void)state;
    size_t len;
    char *s = fx_slurp(DATA "moodle_quiz.xml", &len);
    bank_items l = {0};
    fx_heard h;
    char why[WHY_SIZE];
    assert_int_equal(parse_xml(s, len, NULL, true, &l, &h, why), BANK_OK);
    free(s);
    assert_int_equal(l.n, 4);
    bank_item *mc = &l.v[0], *mr = &l.v[1], *tf = &l.v[2], *img = &l.v[3];
    assert_string_equal(mc->title, "Lambang sila pertama");
    assert_string_equal(mc->topic, "Pancasila");
    assert_int_equal(mc->line, 26);
    assert_true(mc->rich);
    assert_string_equal(mc->stem, "Lambang sila <b>pertama</b> Pancasila adalah\xc2\xa0…");
    assert_int_equal(mc->noptions, 4);
    assert_string_equal(mc->options[0], "Bintang");
    assert_string_equal(mc->options[3], "Kepala &amp; tanduk banteng");
    assert_int_equal(mc->kind, BANK_SINGLE);
    assert_string_equal(mc->key, "A");
    assert_false(mc->pinned);
    assert_int_equal(mr->kind, BANK_MULTI);
    assert_string_equal(mr->key, "AB");
    assert_int_equal(mr->weight, 2);
    assert_true(mr->pinned);  /* shuffleanswers false */
    assert_string_equal(mr->stem, "<p>Manakah yang termasuk lembaga negara?</p>"
                                  "<ul><li>Pilih <i>semua</i> yang benar</li></ul>");
    assert_int_equal(tf->kind, BANK_TRUEFALSE);
    assert_false(tf->rich);  /* moodle_auto_format: plain text */
    assert_string_equal(tf->stem, "Pancasila disahkan pada 18 Agustus 1945.\nBenar atau salah?");
    assert_string_equal(tf->key, "A");
    assert_string_equal(img->topic, "Pecahan");
    assert_true(img->rich);
    assert_string_equal(img->stem, "Hasil dari 3<sup>2</sup> × ½ adalah");
    assert_string_equal(img->options[1], "4 1/2 &lt; 5");  /* plain_text beside HTML */
    assert_string_equal(img->key, "A");
    /* the embedded image is the item's, the partial credit said, the two other types skipped */
    assert_non_null(img->image);
    assert_true(img->image_len > 8 && memcmp(img->image, "\x89PNG", 4) == 0);
    assert_null(mc->image);
    assert_int_equal(h.skipped, 2);
    assert_non_null(strstr(h.text, "skipped|line 150: question type \"essay\" is not supported"));
    assert_non_null(strstr(h.text, "skipped|line 162: question type \"shortanswer\""));
    assert_null(strstr(h.text, "grafik.png left out"));
    assert_non_null(strstr(h.text, "notice|line 127: partial credit dropped"));
    for (size_t i = 0; i < l.n; i++)
        for (int k = -1; l.v[i].rich && k < l.v[i].noptions; k++)
            assert_true(bank_rich_valid(k < 0 ? l.v[i].stem : l.v[i].options[k]));
    bank_items_free(&l);
}

/* A 1x1 PNG in base64, as Moodle embeds files. */
#define PNG1 "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

static void test_moodle_embedded_image_of_the_question_text_is_the_items_image(void **state)
{
    (void)state;
    const char *s = QUIZ(
        "<question type=\"multichoice\"><questiontext format=\"html\"><text><![CDATA["
        "<p>Grafik</p><img src=\"@@PLUGINFILE@@/grafik%201.png\"><img src=\"https://x/y.png\">"
        "]]></text>\n<file name=\"grafik 1.png\" path=\"/\" encoding=\"base64\">" PNG1 "</file>\n"
        "<file name=\"dua.png\" path=\"/\" encoding=\"base64\">" PNG1 "</file></questiontext>\n"
        "<answer fraction=\"100\"><text>a</text><file name=\"tiga.png\">" PNG1 "</file></answer>"
        "<answer fraction=\"0\"><text>b</text></answer></question>\n");
    bank_items l = {0};
    fx_heard h;
    char why[WHY_SIZE];
    assert_int_equal(parse_xml(s, strlen(s), "umum", false, &l, &h, why), BANK_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].image_len, 70);
    /* the first file is kept (its <img> with it); every other image is named */
    assert_null(strstr(h.text, "grafik"));
    assert_non_null(strstr(h.text, "notice|line 5: embedded file dua.png left out"));
    assert_non_null(strstr(h.text, "notice|line 6: embedded file tiga.png left out"));
    assert_non_null(strstr(h.text, "image https://x/y.png left out"));
    bank_items_free(&l);
    /* an embedded file that is no image in the limits: the question cannot be held */
    const char *bad = QUIZ(
        "<question type=\"multichoice\"><questiontext><text>Soal</text>\n"
        "<file name=\"x.png\" encoding=\"base64\">aGFsbw==</file></questiontext>\n"
        "<answer fraction=\"100\"><text>a</text></answer>"
        "<answer fraction=\"0\"><text>b</text></answer></question>\n");
    assert_int_equal(parse_xml(bad, strlen(bad), "umum", false, &l, &h, why), BANK_EPARSE);
    assert_string_equal(why, "line 4: embedded image x.png: not a PNG or JPEG image");
    assert_int_equal(parse_xml(bad, strlen(bad), "umum", true, &l, &h, why), BANK_EPARSE);
    assert_int_equal(h.skipped, 1);
}

static void test_moodle_other_question_types_refuse_the_file_each_by_line(void **state)
{
    (void)state;
    size_t len;
    char *s = fx_slurp(DATA "moodle_quiz.xml", &len);
    bank_items l = {0};
    fx_heard h;
    char why[WHY_SIZE];
    size_t np = 0;
    bank_parse_opts o = {NULL, false, fx_hear, &h};
    memset(&h, 0, sizeof h);
    assert_int_equal(bank_parse_items_ex(s, len, BANK_FMT_MOODLE_XML, &o, &l, &np, NULL, why),
                     BANK_EPARSE);
    free(s);
    assert_int_equal(np, 2);
    assert_string_equal(why, "line 150: question type \"essay\" is not supported"
                             " (and 1 more problems)");
    assert_int_equal(l.n, 0);
}

static void test_moodle_malformed_questions_are_reported_each_by_line(void **state)
{
    (void)state;
    const char *s = QUIZ(
        "<question type=\"multichoice\"><name><text>a</text></name>\n"
        "<questiontext format=\"html\"><text>Tanpa kunci?</text></questiontext>\n"
        "<answer fraction=\"0\"><text>x</text></answer><answer fraction=\"0\"><text>y</text>"
        "</answer></question>\n"
        "<question type=\"multichoice\"><questiontext><text>Pecahan?</text></questiontext>\n"
        "<answer fraction=\"lots\"><text>x</text></answer></question>\n"
        "<question type=\"truefalse\"><questiontext><text>Benar?</text></questiontext>\n"
        "<answer fraction=\"100\"><text>mungkin</text></answer></question>\n"
        "<question type=\"multichoice\"><questiontext><text> </text></questiontext>\n"
        "</question>\n"
        "<question type=\"multichoice\"><questiontext><text>Sembilan?</text></questiontext>\n"
        "<answer fraction=\"100\"><text>a</text></answer><answer><text>b</text></answer>"
        "<answer><text>c</text></answer><answer><text>d</text></answer>"
        "<answer><text>e</text></answer><answer><text>f</text></answer>"
        "<answer><text>g</text></answer><answer><text>h</text></answer>"
        "<answer><text>i</text></answer></question>\n");
    bank_items l = {0};
    fx_heard h;
    char why[WHY_SIZE];
    assert_int_equal(parse_xml(s, strlen(s), "umum", false, &l, &h, why), BANK_EPARSE);
    assert_string_equal(h.text,
                        "error|line 3: no answer gives full credit (fraction 100)\n"
                        "error|line 7: answer fraction must be a number from -100 to 100\n"
                        "error|line 9: a truefalse answer is \"true\" or \"false\" with a"
                        " fraction\n"
                        "error|line 10: question text is empty\n"
                        "error|line 13: more than 8 options (A-H)\n");
    /* with --skip-unsupported only the nine-option question is left out */
    assert_int_equal(parse_xml(s, strlen(s), "umum", true, &l, &h, why), BANK_EPARSE);
    assert_int_equal(h.errors, 4);
    assert_int_equal(h.skipped, 1);
}

static void test_moodle_xml_with_doctype_or_outside_entities_is_refused(void **state)
{
    (void)state;
    const char *xxe = "<?xml version=\"1.0\"?>\n"
                      "<!DOCTYPE quiz [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
                      "<quiz><question type=\"multichoice\"><questiontext><text>&x;</text>"
                      "</questiontext></question></quiz>\n";
    bank_items l = {0};
    fx_heard h;
    char why[WHY_SIZE];
    assert_int_equal(parse_xml(xxe, strlen(xxe), "umum", true, &l, &h, why), BANK_EPARSE);
    assert_string_equal(why, "line 1: a DOCTYPE is not allowed in a Moodle XML file");
    /* hidden behind a comment, still found */
    const char *hidden = "<!-- x --><!DOCTYPE quiz SYSTEM \"http://example.invalid/q.dtd\">"
                         "<quiz/>";
    assert_int_equal(parse_xml(hidden, strlen(hidden), "umum", true, &l, &h, why), BANK_EPARSE);
    assert_string_equal(why, "line 1: a DOCTYPE is not allowed in a Moodle XML file");
    /* an undeclared entity is an XML error, never a lookup */
    const char *undeclared = QUIZ("<question type=\"truefalse\"><questiontext><text>&x;</text>"
                                  "</questiontext></question>\n");
    assert_int_equal(parse_xml(undeclared, strlen(undeclared), "umum", true, &l, &h, why),
                     BANK_EPARSE);
    assert_non_null(strstr(why, "not XML"));
    assert_int_equal(l.n, 0);
}

static void test_moodle_xml_that_is_not_a_quiz_is_refused_with_its_line(void **state)
{
    (void)state;
    bank_items l = {0};
    fx_heard h;
    char why[WHY_SIZE];
    const char *s = "<?xml version=\"1.0\"?>\n<quiz>\n<question type=\"truefalse\">\n</quiz>\n";
    assert_int_equal(parse_xml(s, strlen(s), "umum", false, &l, &h, why), BANK_EPARSE);
    assert_non_null(strstr(why, "line 4: not XML: "));
    s = "<?xml version=\"1.0\"?>\n<html><body/></html>\n";
    assert_int_equal(parse_xml(s, strlen(s), "umum", false, &l, &h, why), BANK_EPARSE);
    assert_string_equal(why, "line 2: the root element is not <quiz>: not a Moodle XML"
                             " question export");
    s = QUIZ("");
    assert_int_equal(parse_xml(s, strlen(s), "umum", false, &l, &h, why), BANK_EPARSE);
    assert_string_equal(why, "line 1: no questions found");
    s = QUIZ("<question type=\"truefalse\"><questiontext><text>Q</text></questiontext>"
             "<answer fraction=\"100\"><text>false</text></answer>"
             "<answer fraction=\"0\"><text>true</text></answer></question>\n");
    assert_int_equal(parse_xml(s, strlen(s), NULL, false, &l, &h, why), BANK_EPARSE);
    assert_string_equal(why, "line 3: no topic: the file has no category; give a default"
                             " topic");
    assert_int_equal(parse_xml(s, strlen(s), "umum", false, &l, &h, why), BANK_OK);
    assert_string_equal(l.v[0].key, "B");
    bank_items_free(&l);
}

static void test_moodle_answer_that_is_an_image_alone_is_skipped_with_skip_unsupported(
    void **state)
{
    (void)state;
    const char *s = QUIZ(
        "<question type=\"category\"><category><text>$course$/top/Grafik</text></category>"
        "</question>\n"
        "<question type=\"multichoice\"><questiontext><text>Grafik mana?</text></questiontext>\n"
        "<answer fraction=\"100\"><text><![CDATA[<img src=\"@@PLUGINFILE@@/a.png\">]]></text>"
        "</answer><answer fraction=\"0\"><text>tidak ada</text></answer></question>\n"
        "<question type=\"truefalse\"><questiontext><text>Q</text></questiontext>"
        "<answer fraction=\"100\"><text>true</text></answer>"
        "<answer fraction=\"0\"><text>false</text></answer></question>\n");
    bank_items l = {0};
    fx_heard h;
    char why[WHY_SIZE];
    assert_int_equal(parse_xml(s, strlen(s), NULL, false, &l, &h, why), BANK_EPARSE);
    assert_string_equal(why, "line 4: an answer has no text once its HTML is read (an image"
                             " alone is not kept)");
    assert_int_equal(parse_xml(s, strlen(s), NULL, true, &l, &h, why), BANK_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(h.skipped, 1);
    assert_string_equal(l.v[0].topic, "Grafik");
    bank_items_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_moodle_export_keeps_multichoice_truefalse_categories_and_html),
        cmocka_unit_test(test_moodle_embedded_image_of_the_question_text_is_the_items_image),
        cmocka_unit_test(test_moodle_other_question_types_refuse_the_file_each_by_line),
        cmocka_unit_test(test_moodle_malformed_questions_are_reported_each_by_line),
        cmocka_unit_test(test_moodle_xml_with_doctype_or_outside_entities_is_refused),
        cmocka_unit_test(test_moodle_xml_that_is_not_a_quiz_is_refused_with_its_line),
        cmocka_unit_test(
            test_moodle_answer_that_is_an_image_alone_is_skipped_with_skip_unsupported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
