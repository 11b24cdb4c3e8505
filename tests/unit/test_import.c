/* test_import.c -- item import: CSV, Aiken and GIFT rules, ids, pinning, all-or-nothing. */
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

#define HDR "id,topic,kind,difficulty,weight,stem,a,b,c,d,e,key\n"
#define DATA "tests/data/import/"

static bank_err parse(const char *s, bank_format fmt, const char *topic, bank_items *out,
                      char *why)
{
    return bank_parse_items(s, strlen(s), fmt, topic, out, why);
}

/* Parses a fixture file into out; the parse must succeed. */
static void parse_file(const char *path, bank_format fmt, const char *topic, bank_items *out)
{
    size_t len;
    char *s = fx_slurp(path, &len);
    char why[WHY_SIZE] = "";
    bank_err rc = bank_parse_items(s, len, fmt, topic, out, why);
    if (rc != BANK_OK) fail_msg("%s: %s", path, why);
    free(s);
}

/* The parse of s must fail with e and a why equal to `want`. */
static void expect_fail(const char *s, size_t len, bank_format fmt, const char *topic,
                        bank_err e, const char *want)
{
    bank_items l = {0};
    char why[WHY_SIZE] = "";
    bank_err rc = bank_parse_items(s, len, fmt, topic, &l, why);
    if (rc != e || strcmp(why, want) != 0)
        fail_msg("got %d \"%s\", want %d \"%s\"", rc, why, e, want);
    assert_int_equal(l.n, 0);
    assert_null(l.v);
}

#define FAILS(s, fmt, topic, want) expect_fail(s, strlen(s), fmt, topic, BANK_EPARSE, want)

/* ---- CSV ------------------------------------------------------------ */

static void test_csv_fixture_round_trips_indonesian_text_exactly(void **state)
{
    (void)state;
    bank_items l = {0};
    parse_file(DATA "items_valid.csv", BANK_FMT_CSV, NULL, &l);
    assert_int_equal(l.n, 5);
    bank_item *a = &l.v[0];
    assert_string_equal(a->id, "pancasila-01");
    assert_string_equal(a->topic, "pkn.pancasila");
    assert_string_equal(a->stem, "Sila ke-4 Pancasila berbunyi \"Kerakyatan yang dipimpin oleh "
                                 "hikmat kebijaksanaan dalam permusyawaratan/perwakilan\". "
                                 "Sila ini sering disebut sila …");
    assert_string_equal(a->options[1], "Kemanusiaan, adil dan beradab");
    assert_int_equal(a->noptions, 4);
    assert_string_equal(a->key, "D");
    assert_int_equal(a->difficulty, 2);
    assert_int_equal(a->line, 2);
    bank_item *b = &l.v[1];
    assert_int_equal(b->kind, BANK_MULTI);
    assert_string_equal(b->stem, "Menurut UU ASN, manakah yang termasuk\njenis pegawai ASN?\n"
                                 "(pilih semua yang benar)");
    assert_string_equal(b->options[2], "Honorer, kontrak");
    assert_string_equal(b->key, "AB");
    assert_int_equal(b->weight, 3);
    assert_false(b->pinned);
    assert_int_equal(l.v[2].line, 6);
    bank_items_free(&l);
}

static void test_csv_empty_difficulty_and_weight_default_to_3_and_1(void **state)
{
    (void)state;
    bank_items l = {0};
    parse_file(DATA "items_valid.csv", BANK_FMT_CSV, NULL, &l);
    assert_int_equal(l.v[2].kind, BANK_TRUEFALSE);
    assert_int_equal(l.v[2].difficulty, 3);
    assert_int_equal(l.v[2].weight, 1);
    bank_items_free(&l);
}

static void test_csv_empty_key_is_a_draft_and_pinned_column_is_read(void **state)
{
    (void)state;
    bank_items l = {0};
    parse_file(DATA "items_valid.csv", BANK_FMT_CSV, NULL, &l);
    assert_string_equal(l.v[4].key, "");
    assert_true(l.v[4].pinned);
    bank_items_free(&l);
}

static void test_csv_crlf_file_with_blank_line_reads_with_lines(void **state)
{
    (void)state;
    bank_items l = {0};
    parse_file(DATA "items_crlf.csv", BANK_FMT_CSV, NULL, &l);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[0].stem, "Baris satu\r\nbaris dua");
    assert_string_equal(l.v[0].options[1], "Dua");
    assert_string_equal(l.v[1].key, "AC");
    assert_int_equal(l.v[1].line, 5);
    bank_items_free(&l);
}

static void test_csv_header_is_case_insensitive_in_any_order(void **state)
{
    (void)state;
    bank_items l = {0};
    char why[WHY_SIZE];
    const char *s = "\xEF\xBB\xBFKey,ID,Topic,Kind,Difficulty,Weight,Stem,A,B,C,D,E\n"
                    "b,q1,umum,SINGLE,,,Dua tambah dua?,tiga,empat,,,\n";
    assert_int_equal(parse(s, BANK_FMT_CSV, NULL, &l, why), BANK_OK);
    assert_string_equal(l.v[0].key, "B");
    assert_string_equal(l.v[0].id, "q1");
    assert_int_equal(l.v[0].noptions, 2);
    bank_items_free(&l);
}

static void test_csv_header_missing_unknown_or_repeated_column_rejected(void **state)
{
    (void)state;
    FAILS("id,topic,kind,difficulty,weight,stem,a,b,c,d,key\n", BANK_FMT_CSV, NULL,
          "line 1: missing column \"e\" in the header row");
    FAILS("id,topic,kind,difficulty,weight,stem,a,b,c,d,e,key,notes\n", BANK_FMT_CSV, NULL,
          "line 1: unknown column \"notes\" (columns: id,topic,kind,difficulty,weight,stem,"
          "a,b,c,d,e,key and optionally f,g,h,pinned,image,rich)");
    FAILS("id,topic,kind,difficulty,weight,stem,a,b,c,d,e,key,ID\n", BANK_FMT_CSV, NULL,
          "line 1: column \"id\" appears twice");
    FAILS("id,topic,kind,difficulty,weight,stem,a,b,c,d,e,key,\n", BANK_FMT_CSV, NULL,
          "line 1: column 13 has no name in the header row");
    FAILS("", BANK_FMT_CSV, NULL, "line 1: no header row");
    FAILS(HDR, BANK_FMT_CSV, NULL, "line 1: no questions found");
}

static void test_csv_field_errors_name_their_line(void **state)
{
    (void)state;
    FAILS(HDR "\nq1,umum,essay,3,1,S,a,b,,,,A\n", BANK_FMT_CSV, NULL,
          "line 3: kind \"essay\": use single, multi or truefalse");
    FAILS(HDR "q1,umum,single,6,1,S,a,b,,,,A\n", BANK_FMT_CSV, NULL,
          "line 2: difficulty must be a whole number 1-5");
    FAILS(HDR "q1,umum,single,0,1,S,a,b,,,,A\n", BANK_FMT_CSV, NULL,
          "line 2: difficulty must be a whole number 1-5");
    FAILS(HDR "q1,umum,single,3,1001,S,a,b,,,,A\n", BANK_FMT_CSV, NULL,
          "line 2: weight must be a whole number 1-1000");
    FAILS(HDR "q1,umum,single,3,-1,S,a,b,,,,A\n", BANK_FMT_CSV, NULL,
          "line 2: weight must be a whole number 1-1000");
    FAILS(HDR "q1,umum,single,3,1,\"  \n \",a,b,,,,A\n", BANK_FMT_CSV, NULL,
          "line 2: stem (question text) is empty");
    FAILS(HDR "q1,umum,single,3,1,S,a,b\n", BANK_FMT_CSV, NULL,
          "line 2: 8 fields, but the header has 12");
    FAILS(HDR "q1,umum,single,3,1,S,a,b,,,,A,1\n", BANK_FMT_CSV, NULL,
          "line 2: 13 fields, but the header has 12");
}

static void test_csv_id_and_topic_need_1_to_64_safe_characters(void **state)
{
    (void)state;
    FAILS(HDR ",umum,single,3,1,S,a,b,,,,A\n", BANK_FMT_CSV, NULL, "line 2: id is empty");
    FAILS(HDR "soal 1,umum,single,3,1,S,a,b,,,,A\n", BANK_FMT_CSV, NULL,
          "line 2: id \"soal 1\" may only use A-Z a-z 0-9 . _ -");
    FAILS(HDR "q1,,single,3,1,S,a,b,,,,A\n", BANK_FMT_CSV, NULL, "line 2: topic is empty");
    FAILS(HDR "q1,pkn/uud,single,3,1,S,a,b,,,,A\n", BANK_FMT_CSV, NULL,
          "line 2: topic \"pkn/uud\" may only use A-Z a-z 0-9 . _ -");
    char s[300];
    snprintf(s, sizeof s, HDR "%065d,umum,single,3,1,S,a,b,,,,A\n", 7);
    FAILS(s, BANK_FMT_CSV, NULL, "line 2: id is longer than 64 characters");
    snprintf(s, sizeof s, HDR "%064d,umum,single,3,1,S,a,b,,,,A\n", 7);
    bank_items l = {0};
    assert_int_equal(parse(s, BANK_FMT_CSV, NULL, &l, NULL), BANK_OK);
    bank_items_free(&l);
}

static void test_csv_option_gap_rejected_with_line_after_multiline_record(void **state)
{
    (void)state;
    size_t len;
    char *s = fx_slurp(DATA "items_bad_gap.csv", &len);
    expect_fail(s, len, BANK_FMT_CSV, NULL, BANK_EPARSE,
                "line 5: option B is empty but option C is not");
    free(s);
}

static void test_csv_unterminated_quote_rejected_with_opening_line(void **state)
{
    (void)state;
    size_t len;
    char *s = fx_slurp(DATA "items_bad_quote.csv", &len);
    expect_fail(s, len, BANK_FMT_CSV, NULL, BANK_EPARSE, "line 3: quoted field is never closed");
    free(s);
}

static void test_csv_trailing_empty_options_are_dropped(void **state)
{
    (void)state;
    bank_items l = {0};
    assert_int_equal(parse(HDR "q1,umum,single,3,1,S,a,b,c,  ,,C\n", BANK_FMT_CSV, NULL, &l,
                           NULL),
                     BANK_OK);
    assert_int_equal(l.v[0].noptions, 3);
    assert_null(l.v[0].options[3]);
    bank_items_free(&l);
}

static void test_csv_option_count_rules(void **state)
{
    (void)state;
    FAILS(HDR "q1,umum,single,3,1,S,a,,,,,A\n", BANK_FMT_CSV, NULL,
          "line 2: needs at least 2 options (A and B)");
    FAILS(HDR "q1,umum,truefalse,3,1,S,Benar,Salah,Ragu,,,A\n", BANK_FMT_CSV, NULL,
          "line 2: a truefalse item has exactly 2 options");
}

static void test_csv_key_is_stored_sorted_upper_case(void **state)
{
    (void)state;
    bank_items l = {0};
    assert_int_equal(parse(HDR "q1,umum,multi,3,1,S,a,b,c,d,e,eca\n", BANK_FMT_CSV, NULL, &l,
                           NULL),
                     BANK_OK);
    assert_string_equal(l.v[0].key, "ACE");
    bank_items_free(&l);
}

static void test_csv_key_errors(void **state)
{
    (void)state;
    FAILS(HDR "q1,umum,single,3,1,S,a,b,c,,,D\n", BANK_FMT_CSV, NULL,
          "line 2: key names option D, which is empty");
    FAILS(HDR "q1,umum,multi,3,1,S,a,b,c,,,ABA\n", BANK_FMT_CSV, NULL,
          "line 2: key repeats letter A");
    FAILS(HDR "q1,umum,single,3,1,S,a,b,c,,,AB\n", BANK_FMT_CSV, NULL,
          "line 2: a single item has exactly one key letter");
    FAILS(HDR "q1,umum,truefalse,3,1,S,Benar,Salah,,,,AB\n", BANK_FMT_CSV, NULL,
          "line 2: a truefalse item has exactly one key letter");
    FAILS(HDR "q1,umum,single,3,1,S,a,b,,,,F\n", BANK_FMT_CSV, NULL,
          "line 2: key names option F, which is empty");
    FAILS(HDR "q1,umum,single,3,1,S,a,b,,,,I\n", BANK_FMT_CSV, NULL,
          "line 2: key \"I\": use option letters A-H");
    FAILS(HDR "q1,umum,single,3,1,S,a,b,,,,1\n", BANK_FMT_CSV, NULL,
          "line 2: key \"1\": use option letters A-H");
}

#define HDR8 "id,topic,kind,difficulty,weight,stem,a,b,c,d,e,f,g,h,key\n"

static void test_csv_columns_f_g_h_give_up_to_eight_options(void **state)
{
    (void)state;
    bank_items l = {0};
    char why[WHY_SIZE] = "";
    assert_int_equal(parse(HDR8 "q1,umum,multi,3,1,S,a,b,c,d,e,f,g,h,hfa\n"
                                "q2,umum,single,3,1,S,a,b,c,d,e,f,,,F\n"
                                "q3,umum,single,3,1,S,a,b,,,,,,,B\n",
                           BANK_FMT_CSV, NULL, &l, why),
                     BANK_OK);
    assert_int_equal(l.v[0].noptions, 8);
    assert_string_equal(l.v[0].options[7], "h");
    assert_string_equal(l.v[0].key, "AFH");
    assert_int_equal(l.v[1].noptions, 6);
    assert_string_equal(l.v[1].key, "F");
    assert_int_equal(l.v[2].noptions, 2);
    bank_items_free(&l);
    FAILS(HDR8 "q1,umum,single,3,1,S,a,b,c,d,e,,g,,G\n", BANK_FMT_CSV, NULL,
          "line 2: option F is empty but option G is not");
    FAILS(HDR8 "q1,umum,single,3,1,S,a,b,c,d,e,f,g,,H\n", BANK_FMT_CSV, NULL,
          "line 2: key names option H, which is empty");
    /* only some of f,g,h: the others are empty */
    assert_int_equal(parse("id,topic,kind,difficulty,weight,stem,a,b,c,d,e,f,key\n"
                           "q1,umum,single,,,S,a,b,c,d,e,f,F\n",
                           BANK_FMT_CSV, NULL, &l, why),
                     BANK_OK);
    assert_int_equal(l.v[0].noptions, 6);
    bank_items_free(&l);
}

static void test_csv_rich_column_marks_text_in_the_rich_form(void **state)
{
    (void)state;
    bank_items l = {0};
    char why[WHY_SIZE] = "";
    assert_int_equal(parse("id,topic,kind,difficulty,weight,stem,a,b,c,d,e,key,rich\n"
                           "q1,umum,single,,,<p>S <b>x</b></p>,a,b,,,,A,1\n"
                           "q2,umum,single,,,S,a,b,,,,A,\n",
                           BANK_FMT_CSV, NULL, &l, why),
                     BANK_OK);
    assert_true(l.v[0].rich);
    assert_false(l.v[1].rich);
    bank_items_free(&l);
    FAILS("id,topic,kind,difficulty,weight,stem,a,b,c,d,e,key,rich\nq1,umum,single,,,S,a,b,,,,A,ya\n",
          BANK_FMT_CSV, NULL, "line 2: rich must be 0, 1 or empty");
}

static void test_csv_image_column_names_a_file_beside_the_csv(void **state)
{
    (void)state;
    bank_items l = {0};
    char why[WHY_SIZE] = "";
    assert_int_equal(parse("id,topic,kind,difficulty,weight,stem,a,b,c,d,e,key,image\n"
                           "q1,umum,single,,,S,a,b,,,,A,img/chart.png\n"
                           "q2,umum,single,,,S,a,b,,,,A, img/photo.jpg \n"
                           "q3,umum,single,,,S,a,b,,,,A,\n",
                           BANK_FMT_CSV, NULL, &l, why),
                     BANK_OK);
    assert_string_equal(l.v[0].image_file, "img/chart.png");
    assert_string_equal(l.v[1].image_file, "img/photo.jpg");
    assert_null(l.v[2].image_file);
    assert_int_equal(bank_items_load_images(&l, "tests/data/import", why), BANK_OK);
    size_t len;
    char *png = fx_slurp(DATA "img/chart.png", &len);
    assert_int_equal(l.v[0].image_len, len);
    assert_memory_equal(l.v[0].image, png, len);
    free(png);
    assert_null(l.v[0].image_file);
    assert_non_null(l.v[1].image);
    assert_null(l.v[2].image);
    bank_items_free(&l);
}

/* Loading the image `name` for an item of line 2 fails with e and why containing `says`. */
static void image_refused(const char *name, bank_err e, const char *says)
{
    bank_items l = {0};
    char why[WHY_SIZE] = "";
    bank_item *it = bank_items_push(&l);
    assert_non_null(it);
    it->line = 2;
    it->image_file = strdup(name);
    assert_int_equal(bank_items_load_images(&l, "tests/data/import", why), e);
    if (!strstr(why, says) || strncmp(why, "line 2: image ", 14) != 0 || strchr(why, '\n'))
        fail_msg("%s: \"%s\" does not say \"%s\"", name, why, says);
    assert_null(it->image);
    bank_items_free(&l);
}

static void test_csv_image_outside_its_folder_missing_or_not_an_image_is_refused(void **state)
{
    (void)state;
    image_refused("/etc/passwd", BANK_EPARSE, "name a file beside the import file");
    image_refused("../import/img/chart.png", BANK_EPARSE, "no absolute path, no ..");
    image_refused("img/../../x.png", BANK_EPARSE, "no absolute path, no ..");
    image_refused("img/none.png", BANK_ENOTFOUND, "img/none.png");
    image_refused("items_valid.csv", BANK_EINVAL, "not a PNG or JPEG image");
    image_refused("img/wide.png", BANK_EINVAL, "5000x10 pixels: an image may be at most 4096x4096");
}

static void test_image_embedded_as_base64_is_decoded_and_checked(void **state)
{
    (void)state;
    size_t len;
    char *png = fx_slurp(DATA "img/chart.png", &len);
    /* base64 of the file, broken into lines as Moodle writes it */
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *b64 = malloc(len * 2 + 16);
    assert_non_null(b64);
    size_t k = 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned long v = (unsigned long)(unsigned char)png[i] << 16 |
                          (i + 1 < len ? (unsigned long)(unsigned char)png[i + 1] << 8 : 0) |
                          (i + 2 < len ? (unsigned char)png[i + 2] : 0);
        b64[k++] = abc[v >> 18 & 63];
        b64[k++] = abc[v >> 12 & 63];
        b64[k++] = i + 1 < len ? abc[v >> 6 & 63] : '=';
        b64[k++] = i + 2 < len ? abc[v & 63] : '=';
        if (k % 77 == 76) b64[k++] = '\n';
    }
    bank_item it;
    memset(&it, 0, sizeof it);
    char why[WHY_SIZE] = "";
    assert_int_equal(bank_item_image_b64(&it, b64, k, why), BANK_OK);
    assert_int_equal(it.image_len, len);
    assert_memory_equal(it.image, png, len);
    /* not base64, or base64 of something that is no image: refused, the item keeps its image */
    assert_int_equal(bank_item_image_b64(&it, "ab$c", 4, why), BANK_EINVAL);
    assert_string_equal(why, "not base64");
    assert_int_equal(bank_item_image_b64(&it, "aGFsbw==", 8, why), BANK_EINVAL);
    assert_string_equal(why, "not a PNG or JPEG image");
    assert_int_equal(it.image_len, len);
    bank_item_clear(&it);
    free(b64);
    free(png);
}

static void test_image_check_reads_size_from_png_and_jpeg_headers(void **state)
{
    (void)state;
    size_t len;
    int w = 0, h = 0;
    char why[WHY_SIZE] = "";
    char *png = fx_slurp(DATA "img/chart.png", &len);
    assert_int_equal(bank_image_check(png, len, &w, &h, why), BANK_IMAGE_PNG);
    assert_int_equal(w, 320);
    assert_int_equal(h, 200);
    assert_int_equal(bank_image_check(png, 20, &w, &h, why), 0);  /* cut in its header */
    assert_string_equal(why, "not a PNG or JPEG image");
    png[1] = 'Q';
    assert_int_equal(bank_image_check(png, len, NULL, NULL, why), 0);
    free(png);
    char *jpg = fx_slurp(DATA "img/photo.jpg", &len);
    assert_int_equal(bank_image_check(jpg, len, &w, &h, why), BANK_IMAGE_JPEG);
    assert_int_equal(w, 240);
    assert_int_equal(h, 160);
    assert_int_equal(bank_image_check(jpg, 30, NULL, NULL, why), 0);  /* no frame header */
    free(jpg);
    assert_int_equal(bank_image_check(NULL, 0, NULL, NULL, why), 0);
    assert_int_equal(bank_image_check("x", BANK_IMAGE_MAX_BYTES + 1, NULL, NULL, why), 0);
    assert_non_null(strstr(why, "an image may have at most"));
    /* a PNG header claiming 4000x4000: within each side, over the pixel count */
    unsigned char big[33] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                             'I', 'H', 'D', 'R', 0, 0, 0x0f, 0xa0, 0, 0, 0x0f, 0xa0};
    assert_int_equal(bank_image_check(big, sizeof big, NULL, NULL, why), 0);
    assert_non_null(strstr(why, "4000x4000 pixels"));
}

static void test_csv_truefalse_key_written_as_a_word_names_the_option_that_reads_so(void **state)
{
    (void)state;
    bank_items l = {0};
    assert_int_equal(parse(HDR "q1,umum,truefalse,3,1,S,Benar,Salah,,,,Benar\n"
                               "q2,umum,truefalse,3,1,S,Benar,Salah,,,,salah\n"
                               "q3,umum,truefalse,3,1,S,Benar,Salah,,,, TRUE \n"
                               "q4,umum,truefalse,3,1,S,True,False,,,,Salah\n"
                               "q5,umum,truefalse,3,1,S,Salah,Benar,,,,benar\n"
                               "q6,umum,single,3,1,S,benar,salah,,,,False\n",
                           BANK_FMT_CSV, NULL, &l, NULL),
                     BANK_OK);
    assert_int_equal(l.n, 6);
    assert_string_equal(l.v[0].key, "A");
    assert_string_equal(l.v[1].key, "B");
    assert_string_equal(l.v[2].key, "A");
    assert_string_equal(l.v[3].key, "B");   /* Salah means the option reading False */
    assert_string_equal(l.v[4].key, "B");   /* by the text, wherever it stands */
    assert_string_equal(l.v[5].key, "B");
    bank_items_free(&l);
}

static void test_csv_truth_word_key_without_a_matching_option_is_refused(void **state)
{
    (void)state;
    FAILS(HDR "q1,umum,truefalse,3,1,S,Ya,Tidak,,,,Benar\n", BANK_FMT_CSV, NULL,
          "line 2: key \"Benar\": no option reads Benar/True or Salah/False to match;"
          " use the option letter");
    FAILS(HDR "q1,umum,single,3,1,S,Benar,Benar,x,,,Benar\n", BANK_FMT_CSV, NULL,
          "line 2: key \"Benar\": no option reads Benar/True or Salah/False to match;"
          " use the option letter");
}

static void test_aiken_answer_written_as_a_truth_word(void **state)
{
    (void)state;
    bank_items l = {0};
    assert_int_equal(parse("Soal satu?\nA. Benar\nB. Salah\nANSWER: Salah\n\n"
                           "Soal dua?\nA. Salah\nB. Benar\nANSWER: true\n",
                           BANK_FMT_AIKEN, "umum", &l, NULL),
                     BANK_OK);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[0].key, "B");
    assert_string_equal(l.v[1].key, "B");
    bank_items_free(&l);
    FAILS("Soal?\nA. Ya\nB. Tidak\nANSWER: Benar\n", BANK_FMT_AIKEN, "umum",
          "line 4: ANSWER Benar: no option reads Benar/True or Salah/False to match;"
          " use the option letter");
}

static void test_csv_pinned_column_accepts_only_0_1_or_empty(void **state)
{
    (void)state;
    FAILS("id,topic,kind,difficulty,weight,stem,a,b,c,d,e,key,pinned\n"
          "q1,umum,single,3,1,S,a,b,,,,A,yes\n",
          BANK_FMT_CSV, NULL, "line 2: pinned must be 0, 1 or empty");
}

static void test_csv_duplicate_id_rejected_with_both_lines(void **state)
{
    (void)state;
    FAILS(HDR "q1,umum,single,3,1,S1,a,b,,,,A\nq2,umum,single,3,1,S2,a,b,,,,A\n"
              "q1,umum,single,3,1,S3,a,b,,,,A\n",
          BANK_FMT_CSV, NULL, "line 4: duplicate id \"q1\" (first on line 2)");
}

static void test_csv_spreadsheet_empty_rows_are_skipped(void **state)
{
    (void)state;
    bank_items l = {0};
    assert_int_equal(parse(HDR ",,,,,,,,,,,\nq1,umum,single,3,1,S,a,b,,,,A\n,,, ,,,,,,,,\n",
                           BANK_FMT_CSV, NULL, &l, NULL),
                     BANK_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].line, 3);
    bank_items_free(&l);
}

/* ---- all-or-nothing --------------------------------------------------- */

static void test_error_leaves_out_exactly_as_before(void **state)
{
    (void)state;
    bank_items l = {0};
    parse_file(DATA "items_crlf.csv", BANK_FMT_CSV, NULL, &l);
    bank_items before = l;
    bank_item first = l.v[0];
    char why[WHY_SIZE];
    size_t len;
    char *s = fx_slurp(DATA "items_bad_gap.csv", &len);
    assert_int_equal(bank_parse_items(s, len, BANK_FMT_CSV, NULL, &l, why), BANK_EPARSE);
    free(s);
    assert_memory_equal(&l, &before, sizeof l);
    assert_memory_equal(&l.v[0], &first, sizeof first);
    assert_string_equal(l.v[0].id, "crlf-01");
    bank_items_free(&l);
}

static void test_success_appends_after_existing_items(void **state)
{
    (void)state;
    bank_items l = {0};
    parse_file(DATA "items_crlf.csv", BANK_FMT_CSV, NULL, &l);
    parse_file(DATA "valid.aiken.txt", BANK_FMT_AIKEN, "geografi", &l);
    assert_int_equal(l.n, 5);
    assert_string_equal(l.v[1].id, "crlf-02");
    assert_string_equal(l.v[2].topic, "geografi");
    bank_items_free(&l);
}

static void test_bad_arguments_and_moodle_xml_are_invalid(void **state)
{
    (void)state;
    bank_items l = {0};
    char why[WHY_SIZE];
    assert_int_equal(bank_parse_items("x", 1, BANK_FMT_MOODLE_XML, NULL, &l, why), BANK_EPARSE);
    assert_string_equal(why, "line 1: not XML: Start tag expected, '<' not found");
    assert_int_equal(bank_parse_items("x", 1, BANK_FMT_CSV, NULL, NULL, why), BANK_EINVAL);
    assert_int_equal(bank_parse_items(NULL, 1, BANK_FMT_CSV, NULL, &l, why), BANK_EINVAL);
    assert_int_equal(bank_parse_items("x", 1, (bank_format)42, NULL, &l, why), BANK_EINVAL);
    assert_int_equal(parse("Q?\nA. a\nB. b\nANSWER: A\n", BANK_FMT_AIKEN, NULL, &l, why),
                     BANK_EINVAL);
    assert_int_equal(parse("Q?\nA. a\nB. b\nANSWER: A\n", BANK_FMT_AIKEN, "bad topic", &l, why),
                     BANK_EINVAL);
    assert_int_equal(l.n, 0);
}

static void test_format_names_and_extensions(void **state)
{
    (void)state;
    assert_int_equal(bank_format_parse("csv"), BANK_FMT_CSV);
    assert_int_equal(bank_format_parse("aiken"), BANK_FMT_AIKEN);
    assert_int_equal(bank_format_parse("gift"), BANK_FMT_GIFT);
    assert_int_equal(bank_format_parse("moodle-xml"), BANK_FMT_MOODLE_XML);
    assert_int_equal(bank_format_parse("xlsx"), -1);
    assert_int_equal(bank_format_parse(NULL), -1);
    assert_int_equal(bank_format_guess("soal/Bank.CSV"), BANK_FMT_CSV);
    assert_int_equal(bank_format_guess("a.txt"), BANK_FMT_AIKEN);
    assert_int_equal(bank_format_guess("a.aiken"), BANK_FMT_AIKEN);
    assert_int_equal(bank_format_guess("a.gift"), BANK_FMT_GIFT);
    assert_int_equal(bank_format_guess("a.xml"), BANK_FMT_MOODLE_XML);
    assert_int_equal(bank_format_guess("dir.v2/soal"), -1);
    assert_int_equal(bank_format_guess("soal.docx"), -1);
}

/* ---- pinning ---------------------------------------------------------- */

/* Pinned flag of a one-item CSV whose option C is `c`. */
static bool pinned_with_option(const char *c)
{
    char s[512];
    snprintf(s, sizeof s, HDR "q1,umum,single,3,1,Soal,satu,dua,\"%s\",,,A\n", c);
    bank_items l = {0};
    char why[WHY_SIZE];
    if (parse(s, BANK_FMT_CSV, NULL, &l, why) != BANK_OK) fail_msg("%s", why);
    bool p = l.v[0].pinned;
    bank_items_free(&l);
    return p;
}

static void test_all_or_none_of_the_above_options_pin_the_item(void **state)
{
    (void)state;
    assert_true(pinned_with_option("Semua jawaban benar"));
    assert_true(pinned_with_option("semua benar."));
    assert_true(pinned_with_option("SEMUA JAWABAN DI ATAS BENAR"));
    assert_true(pinned_with_option("Semua diatas benar"));
    assert_true(pinned_with_option("Semua di atas"));
    assert_true(pinned_with_option("Tidak ada jawaban yang benar"));
    assert_true(pinned_with_option("tidak  ada yang benar!"));
    assert_true(pinned_with_option("All of the above"));
    assert_true(pinned_with_option("None of the above."));
    assert_true(pinned_with_option("(E) semua jawaban benar"));
    assert_true(pinned_with_option("Semua\xC2\xA0jawaban benar"));
}

static void test_options_naming_other_letters_pin_the_item(void **state)
{
    (void)state;
    assert_true(pinned_with_option("A dan B benar"));
    assert_true(pinned_with_option("A, B, dan C"));
    assert_true(pinned_with_option("jawaban a dan b benar"));
}

static void test_ordinary_options_do_not_pin(void **state)
{
    (void)state;
    assert_false(pinned_with_option("Benar"));
    assert_false(pinned_with_option("Semua siswa hadir"));
    assert_false(pinned_with_option("Tidak ada"));
    assert_false(pinned_with_option("Vitamin A"));
    assert_false(pinned_with_option("Pasal 27 ayat (1) dan (2)"));
    assert_false(pinned_with_option("A"));
}

static void test_truefalse_items_are_always_pinned(void **state)
{
    (void)state;
    bank_items l = {0};
    assert_int_equal(parse(HDR "q1,umum,truefalse,3,1,S,Salah,Benar,,,,B,0\n", BANK_FMT_CSV,
                           NULL, &l, NULL),
                     BANK_EPARSE);  /* 13 fields: the header has no pinned column */
    assert_int_equal(parse(HDR "q1,umum,truefalse,3,1,S,Salah,Benar,,,,B\n", BANK_FMT_CSV, NULL,
                           &l, NULL),
                     BANK_OK);
    assert_true(l.v[0].pinned);
    bank_items_free(&l);
}

/* ---- generated ids ---------------------------------------------------- */

static void test_generated_id_is_topic_and_10_hex_of_sha256_of_stem(void **state)
{
    (void)state;
    bank_items l = {0};
    /* SHA-256("abc") = ba7816bf8f01cfea... */
    assert_int_equal(parse("abc\nA. satu\nB. dua\nANSWER: A\n", BANK_FMT_AIKEN, "t", &l, NULL),
                     BANK_OK);
    assert_string_equal(l.v[0].id, "t-ba7816bf8f");
    bank_items_free(&l);
}

static void test_generated_id_is_stable_across_imports_and_formats(void **state)
{
    (void)state;
    bank_items a = {0}, b = {0};
    assert_int_equal(parse("Siapa proklamator?\nA. Soekarno\nB. Soeharto\nANSWER: A\n",
                           BANK_FMT_AIKEN, "sejarah", &a, NULL),
                     BANK_OK);
    assert_int_equal(parse("// sama\nSiapa proklamator? {=Soekarno ~Soeharto ~Habibie}\n",
                           BANK_FMT_GIFT, "sejarah", &b, NULL),
                     BANK_OK);
    assert_string_equal(a.v[0].id, b.v[0].id);
    assert_int_equal(strlen(a.v[0].id), strlen("sejarah-") + 10);
    bank_items_free(&b);
    assert_int_equal(parse("Siapa proklamator??\nA. Soekarno\nB. Soeharto\nANSWER: A\n",
                           BANK_FMT_AIKEN, "sejarah", &b, NULL),
                     BANK_OK);
    assert_string_not_equal(a.v[0].id, b.v[0].id);
    bank_items_free(&a);
    bank_items_free(&b);
}

static void test_generated_id_of_long_topic_stays_within_64(void **state)
{
    (void)state;
    char topic[65];
    memset(topic, 'x', 64);
    topic[64] = '\0';
    bank_items l = {0};
    assert_int_equal(parse("Q?\nA. a\nB. b\nANSWER: B\n", BANK_FMT_AIKEN, topic, &l, NULL),
                     BANK_OK);
    assert_int_equal(strlen(l.v[0].id), 64);
    assert_string_equal(l.v[0].topic, topic);
    bank_items_free(&l);
}

static void test_same_stem_twice_in_one_file_gets_two_ids_the_first_as_before(void **state)
{
    (void)state;
    bank_items l = {0};
    assert_int_equal(parse("Q?\nA. a\nB. b\nANSWER: B\n\nQ?\nA. c\nB. d\nANSWER: A\n",
                           BANK_FMT_AIKEN, "umum", &l, NULL),
                     BANK_OK);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[0].id, "umum-c1ce7ac69e");  /* the id a lone "Q?" has */
    assert_string_not_equal(l.v[1].id, l.v[0].id);
    assert_non_null(strstr(l.v[1].id, "umum-"));
    bank_items_free(&l);
}

/* ---- Aiken ------------------------------------------------------------ */

static void test_aiken_fixture_reads_three_questions(void **state)
{
    (void)state;
    bank_items l = {0};
    parse_file(DATA "valid.aiken.txt", BANK_FMT_AIKEN, "geografi", &l);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[0].stem, "Ibu kota provinsi Jawa Barat adalah …");
    assert_int_equal(l.v[0].noptions, 4);
    assert_string_equal(l.v[0].options[3], "Serang");
    assert_string_equal(l.v[0].key, "B");
    assert_int_equal(l.v[0].kind, BANK_SINGLE);
    assert_int_equal(l.v[0].difficulty, 3);
    assert_int_equal(l.v[0].weight, 1);
    assert_false(l.v[0].pinned);
    assert_string_equal(l.v[1].stem, "Perhatikan pernyataan berikut:\n\"Pegawai wajib menjaga "
                                     "netralitas.\"\nPernyataan tersebut diatur dalam …");
    assert_string_equal(l.v[1].options[0], "UU ASN");
    assert_int_equal(l.v[1].line, 8);
    assert_string_equal(l.v[2].options[1], "3 × 3 = 6");
    assert_true(l.v[2].pinned);
    for (size_t i = 0; i < l.n; i++) {
        assert_string_equal(l.v[i].topic, "geografi");
        assert_non_null(strstr(l.v[i].id, "geografi-"));
    }
    bank_items_free(&l);
}

static void test_aiken_missing_answer_reported_at_its_question(void **state)
{
    (void)state;
    size_t len;
    char *s = fx_slurp(DATA "bad_no_answer.aiken.txt", &len);
    expect_fail(s, len, BANK_FMT_AIKEN, "umum", BANK_EPARSE,
                "line 6: question has no ANSWER line (line 10 is neither option C nor ANSWER)");
    free(s);
    FAILS("Q?\nA. a\nB. b\n", BANK_FMT_AIKEN, "umum", "line 1: question has no ANSWER line");
    FAILS("Q?\n\n", BANK_FMT_AIKEN, "umum",
          "line 1: question has no options and no ANSWER line");
}

static void test_aiken_errors_name_their_line(void **state)
{
    (void)state;
    FAILS("Q?\nA. a\nC. c\nANSWER: A\n", BANK_FMT_AIKEN, "umum",
          "line 3: option C out of order (expected B)");
    FAILS("Q?\nA. a\nB. b\nANSWER: C\n", BANK_FMT_AIKEN, "umum",
          "line 4: ANSWER C names a missing option (options are A-B)");
    FAILS("Q?\nA. a\nANSWER: A\n", BANK_FMT_AIKEN, "umum",
          "line 3: fewer than 2 options before ANSWER");
    FAILS("Q?\nA. a\nB. b\nC. c\nD. d\nE. e\nF. f\nG. g\nH. h\nI. i\nANSWER: A\n", BANK_FMT_AIKEN,
          "umum", "line 10: more than 8 options (A-H)");
    FAILS("Q?\nA. a\nB. b\nANSWER: AB\n", BANK_FMT_AIKEN, "umum",
          "line 4: ANSWER must be one option letter (Aiken has one answer)");
    FAILS("Q?\nA. a\nB. b\nANSWER:\n", BANK_FMT_AIKEN, "umum", "line 4: ANSWER names no option");
    FAILS("\nANSWER: A\n", BANK_FMT_AIKEN, "umum", "line 2: ANSWER line without a question");
    FAILS("Q?\nB. b\nC. c\nANSWER: B\n", BANK_FMT_AIKEN, "umum",
          "line 4: no options before ANSWER (options start with \"A. \")");
    FAILS("A. a\nB. b\nANSWER: A\n", BANK_FMT_AIKEN, "umum",
          "line 1: option A. comes before any question text");
    FAILS("Q?\nA.\nB. b\nANSWER: A\n", BANK_FMT_AIKEN, "umum", "line 2: option A is empty");
    FAILS("Q?\nA. caf\xE9\nB. b\nANSWER: A\n", BANK_FMT_AIKEN, "umum",
          "line 2: invalid UTF-8");
    FAILS("", BANK_FMT_AIKEN, "umum", "line 1: no questions found");
}

static void test_aiken_roman_numbered_statements_stay_in_the_stem(void **state)
{
    (void)state;
    bank_items l = {0};
    char why[WHY_SIZE];
    assert_int_equal(parse("Perhatikan pernyataan berikut.\nI. Jujur\nII. Disiplin\n"
                           "B. J. Habibie menulisnya?\nA. I saja\nB. I dan II\nANSWER: B\n",
                           BANK_FMT_AIKEN, "umum", &l, why),
                     BANK_OK);
    assert_string_equal(l.v[0].stem, "Perhatikan pernyataan berikut.\nI. Jujur\nII. Disiplin\n"
                                     "B. J. Habibie menulisnya?");
    assert_int_equal(l.v[0].noptions, 2);
    bank_items_free(&l);
}

static void test_aiken_options_written_a_paren_text_without_a_space_as_moodle_reads_them(
    void **state)
{
    (void)state;
    bank_items l = {0};
    assert_int_equal(parse("Ibu kota Jawa Barat?\nA)Bandung\nB)Bogor\nC) Bekasi\nANSWER: A\n",
                           BANK_FMT_AIKEN, "geo", &l, NULL),
                     BANK_OK);
    assert_int_equal(l.v[0].noptions, 3);
    assert_string_equal(l.v[0].options[0], "Bandung");
    assert_string_equal(l.v[0].options[1], "Bogor");
    assert_string_equal(l.v[0].options[2], "Bekasi");
    bank_items_free(&l);
    /* "A.text" stays question text: "B.J. Habibie" is a name, not option B */
    assert_int_equal(parse("Presiden ketiga?\nA.Soeharto\nA. B.J. Habibie\nB. Megawati\n"
                           "ANSWER: A\n",
                           BANK_FMT_AIKEN, "sejarah", &l, NULL),
                     BANK_OK);
    assert_string_equal(l.v[0].stem, "Presiden ketiga?\nA.Soeharto");
    bank_items_free(&l);
}

static void test_aiken_accepts_crlf_and_lowercase_answer(void **state)
{
    (void)state;
    bank_items l = {0};
    assert_int_equal(parse("Q?\r\nA) a\r\nB) b\r\nanswer: b\r\n", BANK_FMT_AIKEN, "umum", &l,
                           NULL),
                     BANK_OK);
    assert_string_equal(l.v[0].stem, "Q?");
    assert_string_equal(l.v[0].options[1], "b");
    assert_string_equal(l.v[0].key, "B");
    bank_items_free(&l);
}

/* ---- GIFT ------------------------------------------------------------- */

static void test_gift_fixture_reads_every_supported_type(void **state)
{
    (void)state;
    bank_items l = {0};
    parse_file(DATA "valid.gift", BANK_FMT_GIFT, NULL, &l);
    assert_int_equal(l.n, 5);
    bank_item *mc = &l.v[0], *tf = &l.v[1], *mr = &l.v[2], *esc = &l.v[3], *mw = &l.v[4];
    assert_string_equal(mc->id, "pancasila-g1");
    assert_string_equal(mc->topic, "Pancasila-Dasar");
    assert_string_equal(mc->stem, "Lambang sila pertama Pancasila adalah");
    assert_int_equal(mc->noptions, 4);
    assert_string_equal(mc->options[1], "Rantai");
    assert_string_equal(mc->key, "A");
    assert_int_equal(mc->line, 4);
    assert_int_equal(tf->kind, BANK_TRUEFALSE);
    assert_string_equal(tf->options[0], "Benar");
    assert_string_equal(tf->options[1], "Salah");
    assert_string_equal(tf->key, "A");
    assert_true(tf->pinned);
    assert_non_null(strstr(tf->id, "Pancasila-Dasar-"));
    assert_int_equal(mr->kind, BANK_MULTI);
    assert_string_equal(mr->key, "AB");
    assert_string_equal(mr->options[2], "PT Pertamina");
    assert_string_equal(esc->topic, "matematika");
    assert_string_equal(esc->stem, "Hasil dari 7 {tujuh} kali 6 adalah");
    assert_true(esc->pinned);
    assert_string_equal(mw->stem, "Ibu kota negara Indonesia adalah _____ sejak 1945.");
    assert_string_equal(mw->key, "A");
    bank_items_free(&l);
}

static void test_gift_true_false_spellings(void **state)
{
    (void)state;
    bank_items l = {0};
    assert_int_equal(parse("a {F}\n\nb {TRUE#benar}\n\nc {false}\n\nd {Benar}\n\ne {SALAH}\n",
                           BANK_FMT_GIFT, "umum", &l, NULL),
                     BANK_OK);
    assert_string_equal(l.v[0].key, "B");
    assert_string_equal(l.v[1].key, "A");
    assert_string_equal(l.v[2].key, "B");
    assert_string_equal(l.v[3].key, "A");
    assert_string_equal(l.v[4].key, "B");
    bank_items_free(&l);
}

static void test_gift_essay_rejected_with_line(void **state)
{
    (void)state;
    size_t len;
    char *s = fx_slurp(DATA "bad_essay.gift", &len);
    expect_fail(s, len, BANK_FMT_GIFT, NULL, BANK_EPARSE,
                "line 7: essay question ({}) is not supported");
    free(s);
}

static void test_gift_unsupported_types_rejected_with_line(void **state)
{
    (void)state;
    FAILS("// x\n\nBerapa 2+2?\n{#4:0}\n", BANK_FMT_GIFT, "umum",
          "line 4: numerical question ({#...}) is not supported");
    FAILS("Pasangkan {\n=a -> 1\n=b -> 2\n}\n", BANK_FMT_GIFT, "umum",
          "line 2: matching question (->) is not supported");
    FAILS("Ibu kota? {=Jakarta =DKI Jakarta}\n", BANK_FMT_GIFT, "umum",
          "line 1: short answer question (only = answers) is not supported");
    FAILS("Ibu kota? {=a =b =c =d =e =f}\n", BANK_FMT_GIFT, "umum",
          "line 1: short answer question (only = answers) is not supported");
    FAILS("Pasangkan {=a -> 1 =b -> 2 =c -> 3 =d -> 4 =e -> 5 =f -> 6}\n", BANK_FMT_GIFT, "umum",
          "line 1: matching question (->) is not supported");
    FAILS("Hanya teks tanpa jawaban.\n", BANK_FMT_GIFT, "umum",
          "line 1: description (text without an answer block {...}) is not supported");
}

static void test_gift_malformed_questions_rejected_with_line(void **state)
{
    (void)state;
    FAILS("Q {=a ~b ~c ~d ~e ~f ~g ~h\n~i}\n", BANK_FMT_GIFT, "umum",
          "line 2: more than 8 options (A-H)");
    FAILS("Q {~a ~b}\n", BANK_FMT_GIFT, "umum", "line 1: no right answer: mark one with =");
    FAILS("Q {=a =b ~c}\n", BANK_FMT_GIFT, "umum",
          "line 1: more than one = answer: give several right answers weights like ~%50%");
    FAILS("Q {=a ~}\n", BANK_FMT_GIFT, "umum", "line 1: empty answer");
    FAILS("Q {=a ~%abc%b}\n", BANK_FMT_GIFT, "umum",
          "line 1: bad answer weight: use %N% with N from -100 to 100");
    FAILS("Q {~%-50%a ~%0%b}\n", BANK_FMT_GIFT, "umum",
          "line 1: no answer has a positive weight");
    FAILS("ok {=a ~b}\n\nQ {=a ~b\n\n\n", BANK_FMT_GIFT, "umum", "line 3: '{' is never closed");
    FAILS("Q {=a ~b} lalu {=c ~d}\n", BANK_FMT_GIFT, "umum", "line 1: more than one answer block");
    FAILS("::judul Q {=a ~b}\n", BANK_FMT_GIFT, "umum", "line 1: title '::' is never closed");
    FAILS("Q {=a ~b}\n", BANK_FMT_GIFT, NULL,
          "line 1: no topic: add a $CATEGORY line or give a default topic");
    FAILS("$CATEGORY: $course$/???\n\nQ {=a ~b}\n", BANK_FMT_GIFT, "umum",
          "line 1: category gives no usable topic (use letters, digits, . _ -)");
}

static void test_gift_arrow_inside_a_choice_is_text(void **state)
{
    (void)state;
    bank_items l = {0};
    assert_int_equal(parse("Reaksi? {=2H2 + O2 -> 2H2O ~H2 -> H}\n", BANK_FMT_GIFT, "kimia", &l,
                           NULL),
                     BANK_OK);
    assert_string_equal(l.v[0].options[0], "2H2 + O2 -> 2H2O");
    bank_items_free(&l);
}

static void test_gift_escapes_and_multiline_blocks(void **state)
{
    (void)state;
    bank_items l = {0};
    const char *s = "::q\\:1::Simbol \\= dan \\~ dan \\#? {\n"
                    "  =sama dengan \\{x\\}#umpan balik\n"
                    "\n"
                    "  // komentar di dalam blok\n"
                    "  ~kira-kira\n"
                    "}\n";
    char why[WHY_SIZE];
    assert_int_equal(parse(s, BANK_FMT_GIFT, "umum", &l, why), BANK_OK);
    assert_string_equal(l.v[0].stem, "Simbol = dan ~ dan #?");
    assert_string_equal(l.v[0].options[0], "sama dengan {x}");
    assert_string_equal(l.v[0].options[1], "kira-kira");
    assert_non_null(strstr(l.v[0].id, "umum-"));  /* "q:1" is not a valid id */
    bank_items_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_fixture_round_trips_indonesian_text_exactly),
        cmocka_unit_test(test_csv_empty_difficulty_and_weight_default_to_3_and_1),
        cmocka_unit_test(test_csv_empty_key_is_a_draft_and_pinned_column_is_read),
        cmocka_unit_test(test_csv_crlf_file_with_blank_line_reads_with_lines),
        cmocka_unit_test(test_csv_header_is_case_insensitive_in_any_order),
        cmocka_unit_test(test_csv_header_missing_unknown_or_repeated_column_rejected),
        cmocka_unit_test(test_csv_field_errors_name_their_line),
        cmocka_unit_test(test_csv_id_and_topic_need_1_to_64_safe_characters),
        cmocka_unit_test(test_csv_option_gap_rejected_with_line_after_multiline_record),
        cmocka_unit_test(test_csv_unterminated_quote_rejected_with_opening_line),
        cmocka_unit_test(test_csv_trailing_empty_options_are_dropped),
        cmocka_unit_test(test_csv_columns_f_g_h_give_up_to_eight_options),
        cmocka_unit_test(test_csv_rich_column_marks_text_in_the_rich_form),
        cmocka_unit_test(test_csv_image_column_names_a_file_beside_the_csv),
        cmocka_unit_test(test_csv_image_outside_its_folder_missing_or_not_an_image_is_refused),
        cmocka_unit_test(test_image_check_reads_size_from_png_and_jpeg_headers),
        cmocka_unit_test(test_image_embedded_as_base64_is_decoded_and_checked),
        cmocka_unit_test(test_csv_option_count_rules),
        cmocka_unit_test(test_csv_key_is_stored_sorted_upper_case),
        cmocka_unit_test(test_csv_key_errors),
        cmocka_unit_test(test_csv_truefalse_key_written_as_a_word_names_the_option_that_reads_so),
        cmocka_unit_test(test_csv_truth_word_key_without_a_matching_option_is_refused),
        cmocka_unit_test(test_aiken_answer_written_as_a_truth_word),
        cmocka_unit_test(test_csv_pinned_column_accepts_only_0_1_or_empty),
        cmocka_unit_test(test_csv_duplicate_id_rejected_with_both_lines),
        cmocka_unit_test(test_csv_spreadsheet_empty_rows_are_skipped),
        cmocka_unit_test(test_error_leaves_out_exactly_as_before),
        cmocka_unit_test(test_success_appends_after_existing_items),
        cmocka_unit_test(test_bad_arguments_and_moodle_xml_are_invalid),
        cmocka_unit_test(test_format_names_and_extensions),
        cmocka_unit_test(test_all_or_none_of_the_above_options_pin_the_item),
        cmocka_unit_test(test_options_naming_other_letters_pin_the_item),
        cmocka_unit_test(test_ordinary_options_do_not_pin),
        cmocka_unit_test(test_truefalse_items_are_always_pinned),
        cmocka_unit_test(test_generated_id_is_topic_and_10_hex_of_sha256_of_stem),
        cmocka_unit_test(test_generated_id_is_stable_across_imports_and_formats),
        cmocka_unit_test(test_generated_id_of_long_topic_stays_within_64),
        cmocka_unit_test(test_same_stem_twice_in_one_file_gets_two_ids_the_first_as_before),
        cmocka_unit_test(test_aiken_fixture_reads_three_questions),
        cmocka_unit_test(test_aiken_missing_answer_reported_at_its_question),
        cmocka_unit_test(test_aiken_errors_name_their_line),
        cmocka_unit_test(test_aiken_roman_numbered_statements_stay_in_the_stem),
        cmocka_unit_test(test_aiken_accepts_crlf_and_lowercase_answer),
        cmocka_unit_test(
            test_aiken_options_written_a_paren_text_without_a_space_as_moodle_reads_them),
        cmocka_unit_test(test_gift_fixture_reads_every_supported_type),
        cmocka_unit_test(test_gift_true_false_spellings),
        cmocka_unit_test(test_gift_essay_rejected_with_line),
        cmocka_unit_test(test_gift_unsupported_types_rejected_with_line),
        cmocka_unit_test(test_gift_malformed_questions_rejected_with_line),
        cmocka_unit_test(test_gift_arrow_inside_a_choice_is_text),
        cmocka_unit_test(test_gift_escapes_and_multiline_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
