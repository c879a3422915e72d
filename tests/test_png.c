/* test_png.c: PNG decoding with exact pixels: every colour type and bit
   depth we read, every filter (by hand and on random rows), IDAT split
   anywhere, files libpng wrote (tests/data/calib), and every refusal
   with its message. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "png.h"
#include "test_calib_util.h"
#include "testutil.h"

#define CALIB_DATA TU_SRC("tests/data/calib/")

/* Decode p's file and compare with want (h x w x c). */
static void decodes_to(const cu_png *p, int c, const uint8_t *want)
{
    size_t n;
    uint8_t *f = cu_png_file(p, &n);
    image_u8 img;
    mcn_err e = {0};
    ck_assert_msg(png_decode(f, n, &img, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(img.h, (int)p->h);
    ck_assert_int_eq(img.w, (int)p->w);
    ck_assert_int_eq(img.c, c);
    ck_assert_mem_eq(img.data, want, p->h * p->w * (size_t)c);
    image_free(&img);
    free(f);
}

/* The message png_decode gives for buf[n]. */
static void refuses(const uint8_t *buf, size_t n, const char *msg)
{
    image_u8 img;
    mcn_err e = {0};
    ck_assert_int_eq(png_decode(buf, n, &img, &e), -1);
    ck_assert_str_eq(e.msg, msg);
    ck_assert_ptr_null(img.data);
}

static void refuses_png(const cu_png *p, const char *msg)
{
    size_t n;
    uint8_t *f = cu_png_file(p, &n);
    refuses(f, n, msg);
    free(f);
}

START_TEST(eight_bit_colour_types)
{
    const uint8_t gray[6] = {0, 1, 2, 253, 254, 255};
    cu_png p = {.w = 3, .h = 2, .depth = 8, .ctype = 0, .rows = gray};
    decodes_to(&p, 1, gray);

    /* gray+alpha: the alpha is dropped, not composited */
    const uint8_t ga[8] = {10, 255, 20, 0, 30, 128, 40, 1};
    const uint8_t ga_want[4] = {10, 20, 30, 40};
    cu_png q = {.w = 2, .h = 2, .depth = 8, .ctype = 4, .rows = ga};
    decodes_to(&q, 1, ga_want);

    const uint8_t rgb[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 250, 251, 252};
    cu_png r = {.w = 2, .h = 2, .depth = 8, .ctype = 2, .rows = rgb};
    decodes_to(&r, 3, rgb);

    const uint8_t rgba[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    const uint8_t rgba_want[6] = {1, 2, 3, 5, 6, 7};
    cu_png s = {.w = 2, .h = 1, .depth = 8, .ctype = 6, .rows = rgba};
    decodes_to(&s, 3, rgba_want);

    const uint8_t plte[9] = {255, 0, 0, 0, 255, 0, 10, 20, 30};
    const uint8_t idx[3] = {2, 0, 1};
    const uint8_t pal_want[9] = {10, 20, 30, 255, 0, 0, 0, 255, 0};
    cu_png t = {.w = 3, .h = 1, .depth = 8, .ctype = 3, .rows = idx,
                .plte = plte, .n_plte = 3};
    decodes_to(&t, 3, pal_want);
}
END_TEST

/* Fewer than 8 bits: packed from the high bit, rows padded to a byte;
   gray is scaled to 0..255 (v * 255 / (2^d - 1)), palette indices are
   looked up. */
START_TEST(low_bit_depths)
{
    /* 1-bit, 10 wide: 1010110011 then 6 bits of padding */
    const uint8_t g1[2] = {0xac, 0xc0};
    const uint8_t g1_want[10] = {255, 0, 255, 0, 255, 255, 0, 0, 255, 255};
    cu_png a = {.w = 10, .h = 1, .depth = 1, .ctype = 0, .rows = g1};
    decodes_to(&a, 1, g1_want);

    /* 2-bit, 5 wide, 2 rows: 0 1 2 3 0, then 3 3 3 3 1 */
    const uint8_t g2[4] = {0x1b, 0x00, 0xff, 0x40};
    const uint8_t g2_want[10] = {0, 85, 170, 255, 0, 255, 255, 255, 255, 85};
    cu_png b = {.w = 5, .h = 2, .depth = 2, .ctype = 0, .rows = g2};
    decodes_to(&b, 1, g2_want);

    /* 4-bit, 3 wide: 0 15 8 */
    const uint8_t g4[2] = {0x0f, 0x80};
    const uint8_t g4_want[3] = {0, 255, 136};
    cu_png c = {.w = 3, .h = 1, .depth = 4, .ctype = 0, .rows = g4};
    decodes_to(&c, 1, g4_want);

    const uint8_t plte[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    const uint8_t p1[1] = {0x40};   /* 0 1 0 */
    const uint8_t p1_want[9] = {1, 2, 3, 4, 5, 6, 1, 2, 3};
    cu_png d = {.w = 3, .h = 1, .depth = 1, .ctype = 3, .rows = p1,
                .plte = plte, .n_plte = 3};
    decodes_to(&d, 3, p1_want);
    const uint8_t p2[1] = {0x90};   /* 2 1 0 */
    const uint8_t p2_want[9] = {7, 8, 9, 4, 5, 6, 1, 2, 3};
    d.depth = 2;
    d.rows = p2;
    decodes_to(&d, 3, p2_want);
    const uint8_t p4[2] = {0x21, 0x00};  /* 2 1 0 */
    d.depth = 4;
    d.rows = p4;
    decodes_to(&d, 3, p2_want);
}
END_TEST

/* Filtered bytes worked out by hand, one filter per row; Paeth's ties
   (a on a tie with c, b on a tie with c) and Average's 9-bit sum are
   where a decoder goes wrong. Gray 8-bit, so a is the byte on the left. */
START_TEST(filters_by_hand)
{
    const uint8_t filtered[5 * 5] = {
        1, 10, 2, 10, 228,  /* Sub: 10 12 22 250 */
        4, 252, 1, 3, 0,    /* Paeth: 6 (pred 10), 7 (a=6 b=12 c=10: a),
                               25 (a=7 b=22 c=12: b), 250 (b) */
        3, 0, 0, 0, 0,      /* Average: 3 5 15 132 ((15 + 250) / 2) */
        2, 1, 1, 1, 1,      /* Up: 4 6 16 133 */
        0, 9, 8, 7, 6,      /* None */
    };
    const uint8_t want[20] = {10, 12, 22, 250, 6, 7, 25, 250, 3, 5,
                              15, 132, 4, 6, 16, 133, 9, 8, 7, 6};
    cu_png p = {.w = 4, .h = 5, .depth = 8, .ctype = 0, .rows = filtered,
                .prefiltered = true};
    decodes_to(&p, 1, want);
}
END_TEST

/* Each filter on every row of random images, for each distance to the
   left pixel's byte: 1 (gray, and 2-bit gray), 2 (gray+alpha), 3 (RGB),
   4 (RGBA); then the filters mixed, with IDAT cut into 1..7-byte
   chunks. */
START_TEST(every_filter_round_trips)
{
    static const int ctypes[5] = {0, 0, 4, 2, 6}, depths[5] = {8, 2, 8, 8, 8};
    static const int chans[5] = {1, 1, 2, 3, 4}, outc[5] = {1, 1, 1, 3, 3};
    uint64_t seed = 42;
    for (int k = 0; k < 5; k++)
        for (int f = 0; f <= 5; f++) {
            uint32_t w = 7, h = 6;
            cu_png p = {.w = w, .h = h, .depth = depths[k],
                        .ctype = ctypes[k]};
            size_t rb = cu_png_row_bytes(&p);
            uint8_t rows[7 * 6 * 4];
            int filters[6];
            for (size_t i = 0; i < rb * h; i++)
                rows[i] = (uint8_t)tu_splitmix(&seed);
            if (depths[k] == 2)
                for (uint32_t y = 0; y < h; y++)
                    rows[y * rb + rb - 1] &= 0xfc;  /* zero padding */
            for (uint32_t y = 0; y < h; y++)
                filters[y] = f < 5 ? f : (int)(y % 5);
            p.rows = rows;
            p.filters = filters;
            p.idat_split = f < 5 ? 0 : (size_t)(k + 3);
            uint8_t want[7 * 6 * 3];
            for (uint32_t i = 0; i < w * h; i++)
                for (int c = 0; c < outc[k]; c++) {
                    if (depths[k] == 8) {
                        want[i * (uint32_t)outc[k] + (uint32_t)c] =
                            rows[i * (uint32_t)chans[k] + (uint32_t)c];
                        continue;
                    }
                    uint32_t y = i / w, x = i % w;
                    int v = rows[y * rb + x / 4] >> (6 - 2 * (x % 4)) & 3;
                    want[i] = (uint8_t)(v * 85);
                }
            decodes_to(&p, outc[k], want);
        }
}
END_TEST

/* Ancillary chunks (tEXt, tRNS, gAMA) are passed over, an empty IDAT is
   no harm, and the data may come in chunks of a single byte. */
START_TEST(chunks_around_the_data)
{
    const uint8_t rgb[6] = {9, 8, 7, 6, 5, 4};
    cu_png p = {.w = 1, .h = 2, .depth = 8, .ctype = 2, .rows = rgb};
    size_t zn;
    uint8_t *z = cu_png_idat_stream(&p, &zn);
    cu_buf b = {0};
    cu_put(&b, "\x89PNG\r\n\x1a\n", 8);
    const uint8_t ihdr[13] = {0, 0, 0, 1, 0, 0, 0, 2, 8, 2, 0, 0, 0};
    cu_png_chunk(&b, "IHDR", ihdr, 13);
    cu_png_chunk(&b, "gAMA", "\0\0\xb1\x8f", 4);
    cu_png_chunk(&b, "tRNS", "\0\1\0\2\0\3", 6);
    cu_png_chunk(&b, "IDAT", NULL, 0);
    for (size_t i = 0; i < zn; i++)
        cu_png_chunk(&b, "IDAT", z + i, 1);
    cu_png_chunk(&b, "tEXt", "Comment\0hi", 10);
    cu_png_chunk(&b, "IEND", NULL, 0);
    image_u8 img;
    mcn_err e = {0};
    ck_assert_msg(png_decode(b.p, b.n, &img, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(img.c, 3);
    ck_assert_mem_eq(img.data, rgb, 6);
    image_free(&img);
    free(z);
    free(b.p);
}
END_TEST

/* The fixture `name`, decoded, of h x w RGB pixels. */
static image_u8 fixture(const char *name, int h, int w)
{
    char path[512];
    snprintf(path, sizeof path, "%s%s", CALIB_DATA, name);
    size_t n;
    uint8_t *f = tu_read_file(path, &n);
    ck_assert_ptr_nonnull(f);
    image_u8 img;
    mcn_err e = {0};
    ck_assert_msg(png_decode(f, n, &img, &e) == 0, "%s", e.msg);
    free(f);
    ck_assert_int_eq(img.h, h);
    ck_assert_int_eq(img.w, w);
    ck_assert_int_eq(img.c, 3);
    return img;
}

/* Made by libpng 1.6 (tests/data/calib/README.md): the pixels are
   formulas of x and y, so they are checked without a second decoder. */
START_TEST(files_libpng_wrote)
{
    image_u8 img = fixture("rgb_7x5_paeth.png", 5, 7);
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 7; x++) {
            const uint8_t *px = img.data + (y * 7 + x) * 3;
            ck_assert_int_eq(px[0], (x * 37 + y * 11) & 255);
            ck_assert_int_eq(px[1], (x * y * 13 + 200) & 255);
            ck_assert_int_eq(px[2], (255 - x * 30 + y * y * 7) & 255);
        }
    image_free(&img);

    img = fixture("palette4_9x4.png", 4, 9);
    for (int y = 0; y < 4; y++)
        for (int x = 0; x < 9; x++) {
            int i = (x + 2 * y) % 11;  /* palette entry i: 20i, 255-20i, 7i */
            const uint8_t *px = img.data + (y * 9 + x) * 3;
            ck_assert_int_eq(px[0], 20 * i);
            ck_assert_int_eq(px[1], 255 - 20 * i);
            ck_assert_int_eq(px[2], 7 * i);
        }
    image_free(&img);
}
END_TEST

/* IHDR for a w x h image of the given depth and colour type. */
static void ihdr(cu_buf *b, uint32_t w, uint32_t h, int depth, int ctype,
                 int interlace)
{
    cu_buf d = {0};
    cu_put_be32(&d, w);
    cu_put_be32(&d, h);
    uint8_t tail[5] = {(uint8_t)depth, (uint8_t)ctype, 0, 0,
                       (uint8_t)interlace};
    cu_put(&d, tail, 5);
    cu_put(b, "\x89PNG\r\n\x1a\n", 8);
    cu_png_chunk(b, "IHDR", d.p, d.n);
    free(d.p);
}

static void refuses_header(uint32_t w, uint32_t h, int depth, int ctype,
                           int interlace, const char *msg)
{
    cu_buf b = {0};
    ihdr(&b, w, h, depth, ctype, interlace);
    cu_png_chunk(&b, "IDAT", "\x78\x9c\x03\x00\x00\x00\x00\x01", 8);
    cu_png_chunk(&b, "IEND", NULL, 0);
    refuses(b.p, b.n, msg);
    free(b.p);
}

START_TEST(headers_refused)
{
    refuses_header(4, 4, 16, 0, 0, "16-bit PNG is not supported (8 bits or "
                   "fewer per sample)");
    refuses_header(4, 4, 16, 6, 0, "16-bit PNG is not supported (8 bits or "
                   "fewer per sample)");
    refuses_header(4, 4, 8, 0, 1, "interlaced PNG is not supported");
    refuses_header(4, 4, 8, 0, 2, "bad PNG: unknown interlace method 2");
    refuses_header(4, 4, 8, 5, 0, "bad PNG: unknown colour type 5");
    refuses_header(4, 4, 4, 2, 0, "bad PNG: bit depth 4 is not allowed for "
                   "colour type 2");
    refuses_header(4, 4, 16, 3, 0, "bad PNG: bit depth 16 is not allowed "
                   "for colour type 3");
    refuses_header(0, 4, 8, 0, 0, "bad PNG: image size 0 x 4");
    refuses_header(0x80000000u, 1, 8, 0, 0,
                   "bad PNG: image size 2147483648 x 1");
    /* Sized before anything is allocated: 2^31-1 squared would wrap. */
    refuses_header(100000, 100000, 8, 2, 0, "PNG image of 100000 x 100000 "
                   "x 3 bytes is too large (over 268435456)");
    refuses_header(0x7fffffff, 0x7fffffff, 8, 6, 0,
                   "PNG image of 2147483647 x 2147483647 x 4 bytes is too "
                   "large (over 268435456)");
    /* A palette image stores one byte a pixel and gives three. */
    refuses_header(16384, 8192, 8, 3, 0, "PNG image of 8192 x 16384 x 3 "
                   "bytes is too large (over 268435456)");

    cu_buf b = {0};
    ihdr(&b, 4, 4, 8, 0, 0);
    b.p[8 + 8 + 12] ^= 1;  /* the interlace byte under the CRC */
    cu_png_chunk(&b, "IEND", NULL, 0);
    refuses(b.p, b.n, "bad CRC in PNG chunk 'IHDR'");
    free(b.p);

    b = (cu_buf){0};
    cu_put(&b, "\x89PNG\r\n\x1a\n", 8);
    cu_png_chunk(&b, "IHDR", "\0\0\0\1\0\0\0\1\x08\0\0\0", 12);
    cu_png_chunk(&b, "IEND", NULL, 0);
    refuses(b.p, b.n, "bad PNG: IHDR is 12 bytes, not 13");
    free(b.p);
}
END_TEST

START_TEST(files_refused)
{
    const uint8_t gray[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    cu_png p = {.w = 4, .h = 2, .depth = 8, .ctype = 0, .rows = gray};
    size_t n;
    uint8_t *f = cu_png_file(&p, &n);
    /* 8 signature, IHDR 25, IDAT (12 + data), IEND 12 */
    refuses(f, 7, "not a PNG file (bad signature)");
    f[1] = 'Q';
    refuses(f, n, "not a PNG file (bad signature)");
    f[1] = 'P';
    refuses(f, 8, "truncated PNG: it ends before its IEND chunk");
    refuses(f, 8 + 20, "truncated PNG: chunk 'IHDR' runs past the end of "
            "the file");
    refuses(f, n - 14, "truncated PNG: chunk 'IDAT' runs past the end of "
            "the file");
    refuses(f, n - 12, "truncated PNG: it ends before its IEND chunk");
    f[8 + 25 + 8] ^= 0x40;  /* the IDAT's first data byte */
    refuses(f, n, "bad CRC in PNG chunk 'IDAT'");
    f[8 + 25 + 8] ^= 0x40;
    f[n - 1] ^= 1;
    refuses(f, n, "bad CRC in PNG chunk 'IEND'");
    f[n - 1] ^= 1;
    f[8 + 25 + 4] = '1';
    refuses(f, n, "bad PNG: a chunk type that is not 4 letters at byte 37");
    free(f);

    /* the chunks out of order, or missing */
    cu_buf b = {0};
    cu_put(&b, "\x89PNG\r\n\x1a\n", 8);
    cu_png_chunk(&b, "IDAT", "x", 1);
    refuses(b.p, b.n, "bad PNG: the first chunk is 'IDAT', not IHDR");
    free(b.p);
    b = (cu_buf){0};
    ihdr(&b, 1, 1, 8, 0, 0);
    cu_png_chunk(&b, "IEND", NULL, 0);
    refuses(b.p, b.n, "bad PNG: no image data (IDAT)");
    free(b.p);
    b = (cu_buf){0};
    ihdr(&b, 1, 1, 8, 0, 0);
    ihdr(&b, 1, 1, 8, 0, 0);
    memmove(b.p + 33, b.p + 41, 25);  /* drop the second signature */
    b.n -= 8;
    refuses(b.p, b.n, "bad PNG: a second IHDR chunk");
    free(b.p);
    b = (cu_buf){0};
    ihdr(&b, 1, 1, 8, 0, 0);
    cu_png_chunk(&b, "VHDR", "x", 1);
    refuses(b.p, b.n, "unsupported critical PNG chunk 'VHDR'");
    free(b.p);
}
END_TEST

/* The zlib stream for a 4 x 2 gray image (10 bytes with filter bytes),
   written as a stored block by hand so that its length is ours to set. */
static void refuses_stream(const uint8_t *data, size_t n, int extra,
                           const char *msg)
{
    cu_buf z = {0};
    cu_put(&z, "\x78\x01", 2);
    uint8_t hdr[5] = {1, (uint8_t)n, 0, (uint8_t)~n, 0xff};
    cu_put(&z, hdr, 5);
    cu_put(&z, data, n);
    cu_put_be32(&z, (uint32_t)adler32(1L, data, (uInt)n));
    if (extra < 0)
        z.n += (size_t)extra;
    else
        cu_put(&z, "\0\0\0\0", (size_t)extra);
    cu_png p = {.w = 4, .h = 2, .depth = 8, .ctype = 0, .stream = z.p,
                .stream_len = z.n};
    refuses_png(&p, msg);
    free(z.p);
}

START_TEST(image_data_refused)
{
    const uint8_t rows[12] = {0, 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10};
    refuses_stream(rows, 10, -4 - 6, "truncated PNG: the image data ends "
                   "after 4 of 10 bytes");
    refuses_stream(rows, 12, 0, "bad PNG: the image data inflates to more "
                   "than its 10 bytes");
    refuses_stream(rows, 10, 2, "bad PNG: data after the end of the "
                   "image's zlib stream");
    uint8_t bad[10];
    memcpy(bad, rows, 10);
    bad[5] = 5;  /* filter type 5 on row 1 */
    refuses_stream(bad, 10, 0, "bad PNG: unknown filter type 5 on row 1");

    cu_png p = {.w = 4, .h = 2, .depth = 8, .ctype = 0,
                .stream = (const uint8_t *)"\x78\x9d\x01\x02",
                .stream_len = 4};
    refuses_png(&p, "bad PNG: corrupt image data (zlib: incorrect header "
                "check)");
    size_t zn;
    p.rows = rows + 1;
    p.stream = NULL;
    p.stream_len = 0;
    uint8_t *z = cu_png_idat_stream(&p, &zn);
    z[zn - 1] ^= 1;  /* Adler-32 */
    p.stream = z;
    p.stream_len = zn;
    refuses_png(&p, "bad PNG: corrupt image data (zlib: incorrect data "
                "check)");
    free(z);

    /* palette: PLTE needed first, and its indices must exist */
    const uint8_t idx[2] = {0, 3};
    const uint8_t plte[9] = {0};
    cu_png q = {.w = 2, .h = 1, .depth = 8, .ctype = 3, .rows = idx};
    refuses_png(&q, "bad PNG: palette image without a PLTE chunk");
    q.plte = plte;
    q.n_plte = 3;
    refuses_png(&q, "bad PNG: palette index 3 at (1, 0) is past its 3 "
                "colours");
}
END_TEST

Suite *suite_png(void)
{
    Suite *s = suite_create("png");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, eight_bit_colour_types);
    tcase_add_test(tc, low_bit_depths);
    tcase_add_test(tc, filters_by_hand);
    tcase_add_test(tc, every_filter_round_trips);
    tcase_add_test(tc, chunks_around_the_data);
    tcase_add_test(tc, files_libpng_wrote);
    tcase_add_test(tc, headers_refused);
    tcase_add_test(tc, files_refused);
    tcase_add_test(tc, image_data_refused);
    suite_add_tcase(s, tc);
    return s;
}
