/* test_richrun.c -- the kiosk's rich-text parser: every tag of the stored form, entities, and broken input shown as text, never as a tag. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "richrun.h"

/* The tokens of s as one line: text in quotes after its style letters
 * (b i u _ ^), marks as P BR UL OL /L LI /LI T /T R /R C H /C. */
static const char *dump(const char *s)
{
    static char out[4096];
    rich_doc d = {0};
    assert_int_equal(rich_parse(&d, s), 0);
    size_t n = 0;
    out[0] = 0;
    for (size_t i = 0; i < d.n && n < sizeof out - 200; i++) {
        const rich_tok *t = &d.v[i];
        static const char *const marks[] = {"", "BR", "P", "L", "/L", "LI", "/LI", "T", "/T",
                                            "R", "/R", "C", "/C"};
        if (n) out[n++] = ' ';
        if (t->kind == RICH_TEXT) {
            const int bits[5] = {RICH_BOLD, RICH_ITALIC, RICH_UNDERLINE, RICH_SUB, RICH_SUP};
            for (int k = 0; k < 5; k++)
                if (t->style & bits[k]) out[n++] = "biu_^"[k];
            n += (size_t)snprintf(out + n, sizeof out - n, "\"%.*s\"", (int)t->len, d.text + t->off);
        } else if (t->kind == RICH_LIST_OPEN) {
            n += (size_t)snprintf(out + n, sizeof out - n, "%s", t->ordered ? "OL" : "UL");
        } else if (t->kind == RICH_CELL_OPEN) {
            n += (size_t)snprintf(out + n, sizeof out - n, "%s", t->header ? "H" : "C");
        } else {
            n += (size_t)snprintf(out + n, sizeof out - n, "%s", marks[t->kind]);
        }
    }
    rich_free(&d);
    return out;
}

static void test_paragraphs_breaks_and_white_space(void **state)
{
    (void)state;
    assert_string_equal(dump("<p>Satu  dua\n tiga</p><p> Empat<br>lima </p>"),
                        "P \"Satu dua tiga\" P \"Empat\" BR \"lima\" P");
    assert_string_equal(dump("teks biasa"), "\"teks biasa\"");
    assert_string_equal(dump(""), "");
}

static void test_inline_styles_nest_and_combine(void **state)
{
    (void)state;
    assert_string_equal(dump("a <b>tebal <i>miring</i></b> <u>garis</u>"),
                        "\"a \" b\"tebal \" bi\"miring\" \" \" u\"garis\"");
    assert_string_equal(dump("H<sub>2</sub>O dan x<sup>2</sup>"),
                        "\"H\" _\"2\" \"O dan x\" ^\"2\"");
    /* closed in the wrong order: each closing tag ends its own style */
    assert_string_equal(dump("<b><i>x</b>y</i>z"), "bi\"x\" i\"y\" \"z\"");
}

static void test_lists_ordered_and_bulleted_nest(void **state)
{
    (void)state;
    assert_string_equal(dump("<ul><li>satu</li><li>dua<ol><li>a</li></ol></li></ul>"),
                        "UL LI \"satu\" /LI LI \"dua\" OL LI \"a\" /LI /L /LI /L");
    /* an item without its closing tag ends at the next item */
    assert_string_equal(dump("<ol><li>a<li>b</ol>"), "OL LI \"a\" /LI LI \"b\" /LI /L");
    /* an item outside a list gets one */
    assert_string_equal(dump("<li>x</li>"), "UL LI \"x\" /LI /L");
}

static void test_tables_hold_rows_and_cells(void **state)
{
    (void)state;
    assert_string_equal(dump("<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr>"
                             "</table>"),
                        "T R H \"A\" /C H \"B\" /C /R R C \"1\" /C C \"2\" /C /R /T");
    /* cells and rows left open, or a cell with no row or table around it */
    assert_string_equal(dump("<table><tr><td>1<td>2<tr><td>3</table>"),
                        "T R C \"1\" /C C \"2\" /C /R R C \"3\" /C /R /T");
    assert_string_equal(dump("<td>x</td>"), "T R C \"x\" /C /R /T");
    /* text between rows goes into a cell of its own rather than nowhere */
    assert_string_equal(dump("<table>lepas</table>"), "T R C \"lepas\" /C /R /T");
}

static void test_a_table_in_a_table_is_flattened(void **state)
{
    (void)state;
    assert_string_equal(dump("<table><tr><td><table><tr><td>a</td><td>b</td></tr></table></td>"
                             "</tr></table>"),
                        "T R C BR \"a b\" /C /R /T");
}

static void test_entities_decode_and_unknown_ones_stay_text(void **state)
{
    (void)state;
    assert_string_equal(dump("1 &lt; 2 &amp;&amp; 3 &gt; 2"), "\"1 < 2 && 3 > 2\"");
    assert_string_equal(dump("&#65;&#x42;&quot;"), "\"AB\"\"");
    /* the common named ones of mathematics and typography, as their characters */
    assert_string_equal(dump("3 &times; 4 &minus; 1 &le; 2&deg;"),
                        "\"3 \xC3\x97 4 \xE2\x88\x92 1 \xE2\x89\xA4 2\xC2\xB0\"");
    assert_string_equal(dump("&foo; & &#0; &#xD800;"), "\"&foo; & &#0; &#xD800;\"");
    /* an escaped tag is text, shown as written */
    assert_string_equal(dump("&lt;b&gt;"), "\"<b>\"");
}

static void test_unknown_and_broken_tags_never_show_as_tags(void **state)
{
    (void)state;
    assert_string_equal(dump("<span class=\"x\">isi</span> <div>blok</div><!-- catatan -->"),
                        "\"isi blok\"");
    /* a '<' that starts no tag is text */
    assert_string_equal(dump("3 < 4 dan 5 <= 6 <"), "\"3 < 4 dan 5 <= 6 <\"");
    assert_string_equal(dump("<b tidak ditutup"), "\"<b tidak ditutup\"");
    /* closing tags with nothing open are dropped */
    assert_string_equal(dump("</b></ul></table></li>x"), "\"x\"");
}

static void test_deep_lists_are_flattened_at_the_limit(void **state)
{
    (void)state;
    char s[1024] = "", want[1024] = "";
    for (int i = 0; i < RICH_MAX_DEPTH + 2; i++) strcat(s, "<ul><li>");
    strcat(s, "x");
    rich_doc d = {0};
    assert_int_equal(rich_parse(&d, s), 0);
    int lists = 0, most = 0;
    for (size_t i = 0; i < d.n; i++) {
        if (d.v[i].kind == RICH_LIST_OPEN && ++lists > most) most = lists;
        if (d.v[i].kind == RICH_LIST_CLOSE) lists--;
    }
    assert_int_equal(most, RICH_MAX_DEPTH);
    assert_int_equal(lists, 0);
    rich_free(&d);
    (void)want;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paragraphs_breaks_and_white_space),
        cmocka_unit_test(test_inline_styles_nest_and_combine),
        cmocka_unit_test(test_lists_ordered_and_bulleted_nest),
        cmocka_unit_test(test_tables_hold_rows_and_cells),
        cmocka_unit_test(test_a_table_in_a_table_is_flattened),
        cmocka_unit_test(test_entities_decode_and_unknown_ones_stay_text),
        cmocka_unit_test(test_unknown_and_broken_tags_never_show_as_tags),
        cmocka_unit_test(test_deep_lists_are_flattened_at_the_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
