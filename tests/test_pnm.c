/* test_pnm.c: PGM and PPM, binary and ASCII, with comments wherever the
   header allows them, raw values kept for maxval below 255, and every
   refusal with its message. */
#include <check.h>
#include <string.h>

#include "pnm.h"

static void decodes_to(const char *file, size_t n, int h, int w, int c,
                       const uint8_t *want)
{
    image_u8 img;
    mcn_err e = {0};
    ck_assert_msg(pnm_decode((const uint8_t *)file, n, &img, &e) == 0, "%s",
                  e.msg);
    ck_assert_int_eq(img.h, h);
    ck_assert_int_eq(img.w, w);
    ck_assert_int_eq(img.c, c);
    ck_assert_mem_eq(img.data, want, (size_t)(h * w * c));
    image_free(&img);
}

static void refuses(const char *file, size_t n, const char *msg)
{
    image_u8 img;
    mcn_err e = {0};
    ck_assert_int_eq(pnm_decode((const uint8_t *)file, n, &img, &e), -1);
    ck_assert_str_eq(e.msg, msg);
    ck_assert_ptr_null(img.data);
}

#define TEXT(s) s, sizeof s - 1

START_TEST(binary)
{
    const uint8_t g[6] = {0, 1, 2, 253, 254, 255};
    decodes_to(TEXT("P5\n# by hand\n3 2\n255\n\x00\x01\x02\xfd\xfe\xff"), 2,
               3, 1, g);
    /* the blank after maxval may be any one blank, even a space that
       looks like a pixel; then pixels are bytes, blanks included */
    const uint8_t sp[2] = {' ', ' '};
    decodes_to(TEXT("P5 2 1 255   \n"), 1, 2, 1, sp);
    const uint8_t rgb[6] = {10, 20, 30, 40, 50, 60};
    decodes_to(TEXT("P6\r\n2 1\r\n255\r\x0a\x14\x1e\x28\x32\x3c"), 1, 2, 3,
               rgb);
    /* maxval 15: values as stored, not stretched to 0..255; what follows
       the first image is not read */
    const uint8_t low[4] = {0, 15, 7, 8};
    decodes_to(TEXT("P5 4 1 15\n\x00\x0f\x07\x08P5 1 1 255\n\x01"), 1, 4, 1,
               low);
}
END_TEST

START_TEST(ascii)
{
    const uint8_t g[6] = {0, 7, 255, 128, 1, 2};
    decodes_to(TEXT("P2\n# a comment\n3 # width\n2 # height\n255\n"
                    "0 7 255\n128\t1  2"), 2, 3, 1, g);
    const uint8_t rgb[6] = {1, 2, 3, 4, 5, 6};
    decodes_to(TEXT("P3 2 1 6 1 2 3 # first\n4 5 6\n"), 1, 2, 3, rgb);
    const uint8_t one[3] = {0, 1, 1};
    decodes_to(TEXT("P2 3 1 1 0 1 1"), 1, 3, 1, one);
}
END_TEST

/* Each file and the message it is refused with. */
static const struct {
    const char *file;
    size_t len;
    const char *msg;
} bad[] = {
    {TEXT("P"), "not a PGM or PPM file (bad magic)"},
    {TEXT("Q5 1 1 255\n\x01"), "not a PGM or PPM file (bad magic)"},
    {TEXT("P8 1 1 255\n\x01"), "not a PGM or PPM file (bad magic)"},
    {TEXT("P55 1 1 255\n\x01"), "not a PGM or PPM file (bad magic)"},
    {TEXT("P1 1 1 1"),
     "PBM bitmaps (P1) are not supported; use PGM or PPM"},
    {TEXT("P4 1 1 \x80"),
     "PBM bitmaps (P4) are not supported; use PGM or PPM"},
    {TEXT("P7\nWIDTH 1\n"), "PAM (P7) is not supported; use PGM or PPM"},
    {TEXT("P5 1 1 65535\n\x00\x01"),
     "16-bit PNM (maxval 65535) is not supported; maxval must be 1..255"},
    {TEXT("P2 1 1 256 1"),
     "16-bit PNM (maxval 256) is not supported; maxval must be 1..255"},
    {TEXT("P5 1 1 0\n\x00"), "bad PNM header: maxval 0"},
    {TEXT("P5 1 1 70000\n\x00"), "bad PNM header: maxval 70000"},
    {TEXT("P5 0 1 255\n"), "bad PNM header: image size 0 x 1"},
    {TEXT("P5 2 x 255\n"), "bad PNM header: height is not a number"},
    {TEXT("P5 2 99999999999 255\n"),
     "bad PNM header: height is not a number"},
    {TEXT("P5 2 2"), "truncated PNM header: no maxval"},
    {TEXT("P5 2 2 255#c\n\x01\x02\x03\x04"),
     "bad PNM header: maxval must be followed by one blank"},
    {TEXT("P5 2 2 255\n\x01\x02\x03"),
     "truncated PNM: 3 of 4 bytes of pixels"},
    {TEXT("P6 2 2 255"), "truncated PNM: 0 of 12 bytes of pixels"},
    {TEXT("P5 2 1 100\n\x64\x65"),
     "bad PNM: sample 1 is 101, above maxval 100"},
    {TEXT("P2 3 1 9 1 2"), "truncated PNM: 2 of 3 samples"},
    {TEXT("P2 3 1 9 1 2 10"), "bad PNM: sample 2 is 10, above maxval 9"},
    {TEXT("P3 1 1 9 1 x 2"), "bad PNM: sample 1 is not a number (byte 11)"},
    {TEXT("P2 2 1 9 1 2x"), "bad PNM: sample 1 is not a number (byte 12)"},
    {TEXT("P6 100000 100000 255\n"),
     "PPM image of 100000 x 100000 x 3 bytes is too large (over 268435456)"},
};

START_TEST(refused)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        refuses(bad[i].file, bad[i].len, bad[i].msg);
}
END_TEST

Suite *suite_pnm(void)
{
    Suite *s = suite_create("pnm");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, binary);
    tcase_add_test(tc, ascii);
    tcase_add_test(tc, refused);
    suite_add_tcase(s, tc);
    return s;
}
