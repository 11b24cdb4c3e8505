/* test_richtext.c -- the stored rich text form, its plain text, and titles and rich items in the bank. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "fixture.h"
#include "html.h"
#include "richtext.h"
#include "why.h"

static void test_stored_form_takes_whitelisted_tags_nested_and_three_entities(void **state)
{
    (void)state;
    static const char *const good[] = {
        "",
        "plain text, no markup",
        "<p>Ibu kota <b>Indonesia</b> adalah…</p>",
        "H<sub>2</sub>O and x<sup>2</sup> &lt; 5 &amp;&amp; y &gt; 1",
        "line<br>break<br>",
        "<ul><li>satu</li><li><i><u>dua</u></i></li></ul><ol><li>x</li></ol>",
        "<table><tr><th>a</th><td>b</td></tr></table>",
        "Ünïcödé — 日本語",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!bank_rich_valid(good[i])) fail_msg("refused: %s", good[i]);
    static const char *const bad[] = {
        "<script>x</script>",          /* not a kept tag */
        "<p class=\"x\">a</p>",        /* attribute */
        "<P>a</P>",                    /* upper case */
        "<b><i>x</b></i>",             /* crossed */
        "<b>never closed",             /* unclosed */
        "closed</b>",                  /* never opened */
        "<br></br>",                   /* br closed */
        "a &nbsp; b",                  /* other entity */
        "a & b",                       /* bare ampersand */
        "1 > 0",                       /* bare > */
        "1 < 2",                       /* bare < */
        "<!-- comment -->",            /* comment */
        "\xff\xfe",                    /* not UTF-8 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (bank_rich_valid(bad[i])) fail_msg("accepted: %s", bad[i]);
    assert_false(bank_rich_valid(NULL));
    /* nesting deeper than the form holds */
    char deep[65 * 7 + 1] = "";
    for (int i = 0; i < 65; i++) strcat(deep, "<b>");
    for (int i = 0; i < 65; i++) strcat(deep, "</b>");
    assert_false(bank_rich_valid(deep));
    deep[64 * 3] = '\0';  /* 64 deep is allowed */
    for (int i = 0; i < 64; i++) strcat(deep, "</b>");
    assert_true(bank_rich_valid(deep));
}

static void test_tokens_give_entities_decoded_and_tags_by_name(void **state)
{
    (void)state;
    const char *p = "<p>a &lt;b</p><br>";
    bank_rich_token t;
    assert_int_equal(bank_rich_next(&p, &t), BANK_RICH_OPEN);
    assert_int_equal(t.tag, BANK_TAG_P);
    assert_int_equal(bank_rich_next(&p, &t), BANK_RICH_TEXT);
    assert_int_equal(t.len, 2);
    assert_memory_equal(t.text, "a ", 2);
    assert_int_equal(bank_rich_next(&p, &t), BANK_RICH_TEXT);
    assert_int_equal(t.len, 1);
    assert_int_equal(t.text[0], '<');
    assert_int_equal(bank_rich_next(&p, &t), BANK_RICH_TEXT);
    assert_memory_equal(t.text, "b", 1);
    assert_int_equal(bank_rich_next(&p, &t), BANK_RICH_CLOSE);
    assert_string_equal(bank_rich_tag_name(t.tag), "p");
    assert_int_equal(bank_rich_next(&p, &t), BANK_RICH_OPEN);
    assert_int_equal(t.tag, BANK_TAG_BR);
    assert_int_equal(bank_rich_next(&p, &t), BANK_RICH_END);
    assert_null(bank_rich_tag_name(BANK_TAG_COUNT));
}

/* bank_rich_plain(rich) must be exactly want. */
static void plain_is(const char *rich, const char *want)
{
    char *got = bank_rich_plain(rich);
    if (!got || strcmp(got, want) != 0)
        fail_msg("plain of %s: got \"%s\", want \"%s\"", rich, got ? got : "(null)", want);
    free(got);
}

static void test_plain_text_of_rich_text_reads_as_the_participant_sees_it(void **state)
{
    (void)state;
    plain_is("<p>Perhatikan  tabel\nberikut.</p><p>Jawab <b>satu</b>.</p>",
             "Perhatikan tabel berikut.\n\nJawab satu.");
    plain_is("baris 1<br>baris 2", "baris 1\nbaris 2");
    plain_is("<ul><li>merah</li><li>biru</li></ul>", "- merah\n- biru");
    plain_is("Urutkan:<ol><li> satu</li><li>dua</li></ol>selesai",
             "Urutkan:\n1. satu\n2. dua\nselesai");
    plain_is("<table><tr><th>x</th><th>y</th></tr><tr><td>1</td><td>2</td></tr></table>",
             "x | y\n1 | 2");
    plain_is("H<sub>2</sub>O, E = mc<sup>2</sup>", "H_2O, E = mc^2");
    plain_is("a &lt; b &amp;&amp; c &gt; d", "a < b && c > d");
    plain_is("<p></p>  <br> ", "");
    assert_null(bank_rich_plain("<b>unclosed"));
}

/* html_to_rich(html) must give exactly want. */
static void html_is(const char *html, const char *want)
{
    char *got = NULL, why[WHY_SIZE] = "";
    bank_err e = html_to_rich(html, strlen(html), NULL, NULL, &got, why);
    if (e || !got || strcmp(got, want) != 0)
        fail_msg("html %s: got %d \"%s\", want \"%s\"", html, e, got ? got : why, want);
    assert_true(bank_rich_valid(got));
    free(got);
}

static void test_html_keeps_common_markup_and_never_lets_a_raw_tag_through(void **state)
{
    (void)state;
    html_is("<p>Ibu kota <strong>Jawa Barat</strong> adalah <em>Bandung</em>.</p><p>Pilih satu.</p>",
            "<p>Ibu kota <b>Jawa Barat</b> adalah <i>Bandung</i>.</p><p>Pilih satu.</p>");
    /* one paragraph alone, as editors wrap every text, is its inside */
    html_is("<p>Ibu kota <b>Jawa Barat</b></p>", "Ibu kota <b>Jawa Barat</b>");
    html_is("<p><b>a</b></p><p>b</p>", "<p><b>a</b></p><p>b</p>");
    /* empty paragraphs and styles are left out */
    html_is("<p>teks</p><p> </p><p><b></b></p>", "teks");
    html_is("H<sub>2</sub>O<br/>x<SUP>2</SUP><br>", "H<sub>2</sub>O<br>x<sup>2</sup><br>");
    html_is("<ul><li>satu<li>dua</ul>", "<ul><li>satu</li><li>dua</li></ul>");
    html_is("<table border=\"1\"><tbody><tr><th>a</th><td style=\"x\">1</td></tr></tbody></table>",
            "<table><tr><th>a</th><td>1</td></tr></table>");
    /* entities decoded; < > & written as the three entities of the form */
    html_is("5 &lt; 7 &amp;&amp; caf&eacute; &#8211; &quot;x&quot; &nbsp;", "5 &lt; 7 &amp;&amp; café – \"x\" \xc2\xa0");
    html_is("a < b > c & d", "a &lt; b &gt; c &amp; d");
    /* scripts, styles and comments go with their text; other tags keep it */
    html_is("<script>alert('x')</script><style>p{}</style><!-- catatan -->"
            "<span class=\"x\"><font color=red>teks</font></span>",
            "teks");
    html_is("<div>baris 1</div><div>baris 2</div><h3>judul</h3>",
            "baris 1<br>baris 2<br>judul<br>");
    html_is("<p onclick=\"x()\"><a href=\"http://x\">tautan</a></p>", "tautan");
    html_is("", "");
    html_is("<b><i>silang</b></i>", "<b><i>silang</i></b>");
    html_is("<ol><li>tidak ditutup", "<ol><li>tidak ditutup</li></ol>");
    char *got = NULL, why[WHY_SIZE] = "";
    /* no control character but line breaks and tabs reaches the text */
    const char *ctl = "a\x01\x02\x1b[31m\x7f\tb\r\nc";
    assert_int_equal(html_to_rich(ctl, strlen(ctl), NULL, NULL, &got, why), BANK_OK);
    for (const char *p = got; *p; p++)
        if (((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
            fail_msg("control character %#x in \"%s\"", *p, got);
    free(got);
    got = NULL;
    assert_int_equal(html_to_rich("\xff", 1, NULL, NULL, &got, why), BANK_EPARSE);
    assert_null(got);
}

/* Collects img sources into a comma list. */
static void collect(const char *src, void *arg)
{
    char *list = arg;
    strcat(list, src);
    strcat(list, ",");
}

static void test_html_images_are_reported_by_source_and_left_out_of_the_text(void **state)
{
    (void)state;
    char seen[256] = "", *got = NULL, why[WHY_SIZE] = "";
    const char *h = "<p>Grafik:<img src=\"@@PLUGINFILE@@/grafik.png\" alt=\"g\"><img></p>";
    assert_int_equal(html_to_rich(h, strlen(h), collect, seen, &got, why), BANK_OK);
    assert_string_equal(got, "Grafik:");
    assert_string_equal(seen, "@@PLUGINFILE@@/grafik.png,,");
    free(got);
}

static void test_html_nested_past_the_form_depth_keeps_its_text(void **state)
{
    (void)state;
    char h[100 * 3 + 16] = "";
    for (int i = 0; i < 100; i++) strcat(h, "<b>");
    strcat(h, "dalam");
    char *got = NULL, why[WHY_SIZE] = "";
    assert_int_equal(html_to_rich(h, strlen(h), NULL, NULL, &got, why), BANK_OK);
    assert_true(bank_rich_valid(got));
    assert_non_null(strstr(got, "dalam"));
    free(got);
}

/* A list of one rich item with a title; caller frees. */
static void rich_item(bank_items *l, const char *title, const char *stem)
{
    bank_item *it = bank_items_push(l);
    assert_non_null(it);
    it->id = strdup("kota-1");
    it->topic = strdup("geo");
    it->kind = BANK_SINGLE;
    it->difficulty = 2;
    it->weight = 1;
    it->rich = true;
    it->title = title ? strdup(title) : NULL;
    it->stem = strdup(stem);
    it->noptions = 2;
    it->options[0] = strdup("<b>Jakarta</b>");
    it->options[1] = strdup("Bandung &amp; sekitarnya");
    strcpy(it->key, "A");
}

static void test_title_and_rich_flag_are_sealed_with_the_item_and_read_back(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "";
    bank *b = fx_bank(dir, 1, 1);
    bank_items l = {0};
    rich_item(&l, "Q1 Kota besar", "<p>Kota terbesar?</p>");
    size_t added = 0, replaced = 0, unchanged = 0;
    assert_int_equal(bank_import(b, &l, &added, NULL, NULL, why), BANK_OK);
    assert_int_equal(added, 1);
    bank_item got;
    assert_int_equal(bank_item_get(b, "kota-1", &got, why), BANK_OK);
    assert_true(got.rich);
    assert_string_equal(got.title, "Q1 Kota besar");
    assert_string_equal(got.stem, "<p>Kota terbesar?</p>");
    assert_string_equal(got.options[1], "Bandung &amp; sekitarnya");
    bank_item_clear(&got);
    /* the plain items of the fixture stay plain, without a title */
    assert_int_equal(bank_item_get(b, "t0-000", &got, why), BANK_OK);
    assert_false(got.rich);
    assert_null(got.title);
    bank_item_clear(&got);
    /* a new title alone is a new version */
    bank_items_free(&l);
    rich_item(&l, "Q1 Kota terbesar", "<p>Kota terbesar?</p>");
    assert_int_equal(bank_import(b, &l, &added, &replaced, &unchanged, why), BANK_OK);
    assert_int_equal(replaced, 1);
    bank_items_free(&l);
    bank_close(b);
    fx_rmdir(dir);
}

static void test_rich_item_with_a_raw_tag_or_bad_title_is_refused(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), why[WHY_SIZE] = "";
    bank *b = fx_bank(dir, 1, 1);
    bank_items l = {0};
    rich_item(&l, NULL, "<p>Kota <script>x</script></p>");
    assert_int_equal(bank_import(b, &l, NULL, NULL, NULL, why), BANK_EINVAL);
    assert_non_null(strstr(why, "rich text"));
    bank_items_free(&l);
    rich_item(&l, "two\nlines", "<p>Kota?</p>");
    assert_int_equal(bank_import(b, &l, NULL, NULL, NULL, why), BANK_EINVAL);
    assert_non_null(strstr(why, "title"));
    bank_items_free(&l);
    bank_item got;
    assert_int_equal(bank_item_get(b, "kota-1", &got, why), BANK_ENOTFOUND);
    bank_close(b);
    fx_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stored_form_takes_whitelisted_tags_nested_and_three_entities),
        cmocka_unit_test(test_tokens_give_entities_decoded_and_tags_by_name),
        cmocka_unit_test(test_plain_text_of_rich_text_reads_as_the_participant_sees_it),
        cmocka_unit_test(test_html_keeps_common_markup_and_never_lets_a_raw_tag_through),
        cmocka_unit_test(test_html_images_are_reported_by_source_and_left_out_of_the_text),
        cmocka_unit_test(test_html_nested_past_the_form_depth_keeps_its_text),
        cmocka_unit_test(test_title_and_rich_flag_are_sealed_with_the_item_and_read_back),
        cmocka_unit_test(test_rich_item_with_a_raw_tag_or_bad_title_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
