/* test_kernel_resize.c: RESIZE's int8 kernel, both modes, on tables worked by
   hand from TFLM's formulas (reference_ops ResizeBilinearInteger and
   ComputeInterpolationValuesInteger in kernels/internal/reference/
   resize_bilinear.h; ResizeNearestNeighbor, GetNearestNeighbor in
   resize_nearest_neighbor.h), outputs worked by hand from its weighted
   sum and rounding. The whole 2x2 -> 4x4 ALIGN_CORNERS grid also came
   out of a separate Python transcription of TFLM's loop (integers only,
   sharing nothing with the engine); it agreed with every value below.

   Bilinear, one axis, TFLM: step = (1024 * in + out / 2) / out, or with
   align_corners (1024 * (in - 1) + (out - 1) / 2) / (out - 1); v = o *
   step, with half_pixel_centers o * step + step / 2 - 512; lower =
   max(v / 1024, 0), upper = min((v + 1023) / 1024, in - 1), fraction =
   v - 1024 * lower (division toward zero). The pixel is the sum of the
   four raw values weighted (1024 - fy)(1024 - fx), fy (1024 - fx),
   (1024 - fy) fx, fy fx, then (sum +- 2^19) / 2^20, the sign of the
   nudge the sum's (halves away from zero).

   2 -> 4:  asymmetric  step 2050 / 4 = 512: v 0, 512, 1024, 1536
              -> (0,0,0) (0,1,512) (1,1,0) (1,1,512)
            half pixel  step 512: v -256, 256, 768, 1280
              -> (0,0,-256) (0,1,256) (0,1,768) (1,1,256)
            align       step 1025 / 3 = 341: v 0, 341, 682, 1023
              -> (0,0,0) (0,1,341) (0,1,682) (0,1,1023)
   3 -> 2:  asymmetric  step 3073 / 2 = 1536: v 0, 1536
              -> (0,0,0) (1,2,512)
            half pixel  step 1536: v 256, 1792 -> (0,1,256) (1,2,768)
            align       step 2048: v 0, 2048 -> (0,0,0) (2,2,0)

   Channel 0 of the 2x2 image is 10 51 / -30 91, channel 1 -128 127 /
   -1 -100; of the 3x3 image 10 20 30 / 40 50 60 / 70 80 90 and
   -100 0 100 / -50 5 55 / 120 -128 127. */
#include <check.h>

#include "mcn_kernels.h"

static const int8_t x22[8] = {10, -128, 51, 127, -30, -1, 91, -100};
static const int8_t x33[18] = {10, -100, 20, 0,  30, 100, 40, -50, 50,
                               5,  60,   55, 70, 120, 80, -128, 90, 127};

static void run(int32_t bilinear, mcn_k_dims in, mcn_k_dims out,
                const int8_t *x, const int32_t *rows, const int32_t *cols,
                int8_t *y)
{
    mcn_k_resize_params p = {bilinear, in, x, out, y, rows, cols};
    mcn_k_resize_s8(&p);
}

/* A 1 x in x in x c image, the same table for rows and columns. */
static void square(int32_t bilinear, const int8_t *x, int32_t in, int32_t c,
                   int32_t out, const int32_t *table, int8_t *y)
{
    run(bilinear, (mcn_k_dims){1, in, in, c}, (mcn_k_dims){1, out, out, c}, x,
        table, table, y);
}

static void bytes_are(const int8_t *got, const int8_t *want, int n)
{
    for (int i = 0; i < n; i++)
        ck_assert_msg(got[i] == want[i], "byte %d is %d, not %d", i, got[i],
                      want[i]);
}

/* 2x2 -> 4x4 in each mode, two channels.
   Asymmetric 2 -> 4: each axis reads index 0, the mean of 0 and 1, then
   index 1 twice (the last with fraction 512 of the same index), so every
   output is a pixel, a mean of two or a mean of four, exact before
   rounding. Channel 0: 10 51 -> 30.5 -> 31; rows -30 91 -> 31; the mean
   of four 122 / 4 = 30.5 -> 31; column means 10 -30 -> -10, 51 91 ->
   71. Channel 1: -128 127 -> -0.5 -> -1 (sum -2^19, nudged to -2^20:
   -1); -1 -100 -> -50.5 -> -51; columns -64.5 -> -65 and 13.5 -> 14;
   four: -102 / 4 = -25.5 -> -26.
   Half pixel 2 -> 4: per axis a, (3a + b) / 4, (a + 3b) / 4, b (the
   first entry's weights 1280 and -256 fall on the same index: 1024).
   Channel 0, rows first (exact): 10 51 / 0 61 / -20 81 / -30 91; then
   columns: row 0: 10, 81 / 4 = 20.25 -> 20, 163 / 4 = 40.75 -> 41, 51;
   row 3: -30, 1 / 4 -> 0, 243 / 4 = 60.75 -> 61, 91. Channel 1 rows:
   -128 127 / -96.25 70.25 / -32.75 -43.25 / -1 -100; row 1: -96.25 ->
   -96, -218.5 / 4 = -54.625 -> -55, 114.5 / 4 = 28.625 -> 29, 70.25 ->
   70; row 2: -33, -141.5 / 4 = -35.375 -> -35, -162.5 / 4 = -40.625 ->
   -41, -43.
   Align corners 2 -> 4: fractions 341, 682, 1023 of 1024, not thirds.
   Channel 0, output (0,1): row 0 only, (683 * 10 + 341 * 51) / 1024 =
   24221 / 1024 = 23.65 -> 24; (3,3): weights 1, 1023, 1023, 1023^2 on
   10, -30, 51, 91: 10 - 30690 + 52173 + 95234139 = 95255632 over 2^20 =
   90.84 -> 91 (the corner itself is never reached exactly). Channel 1,
   (0,2): (342 * -128 + 682 * 127) / 1024 = 42838 / 1024 = 41.83 -> 42;
   (2,3): rows 342 / 682 of -128 127 / -1 -100, columns 1 / 1023:
   -128 * 342 + -1 * 682 + 127 * 342 * 1023 + -100 * 682 * 1023 =
   -43776 - 682 + 44432982 - 69768600 = -25380076, nudged by -2^19 to
   -25904364, over 2^20 -24.70 -> -24 toward zero. */
START_TEST(bilinear_2x2_to_4x4_each_mode)
{
    static const struct {
        int32_t table[12];
        int8_t want[32];
    } cases[] = {
        {{0, 0, 0, 0, 1, 512, 1, 1, 0, 1, 1, 512},
         {10, -128, 31, -1,  51, 127,  51, 127,
          -10, -65, 31, -26, 71, 14,   71, 14,
          -30, -1,  31, -51, 91, -100, 91, -100,
          -30, -1,  31, -51, 91, -100, 91, -100}},
        {{0, 0, -256, 0, 1, 256, 0, 1, 768, 1, 1, 256},
         {10, -128, 20, -64, 41, 63,  51, 127,
          0, -96,   15, -55, 46, 29,  61, 70,
          -20, -33, 5, -35,  56, -41, 81, -43,
          -30, -1,  0, -26,  61, -75, 91, -100}},
        {{0, 0, 0, 0, 1, 341, 0, 1, 682, 0, 1, 1023},
         {10, -128, 24, -43, 37, 42,  51, 127,
          -3, -86,  19, -40, 42, 6,   64, 51,
          -17, -43, 15, -37, 46, -31, 78, -24,
          -30, -1,  10, -34, 51, -67, 91, -100}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int8_t y[32];
        square(1, x22, 2, 2, 4, cases[i].table, y);
        bytes_are(y, cases[i].want, 32);
    }
}
END_TEST

/* 3 -> 2 in each mode, two channels.
   Asymmetric: (0,0) is pixel (0,0); (0,1) the mean of columns 1 and 2
   of row 0: 25 and 50; (1,0) rows 1 and 2 of column 0: 55 and 35; (1,1)
   the mean of four: 280 / 4 = 70 and 59 / 4 = 14.75 -> 15.
   Half pixel: weights 3/4, 1/4 on rows (columns) 0 and 1, then 1/4, 3/4
   on 1 and 2. Channel 0 is 10 (3r + c + 1), linear, so exact at the
   coordinates 0.25 and 1.75: 20, 35, 65, 80. Channel 1, (0,0): (9 * -100
   + 3 * 0 + 3 * -50 + 5) / 16 = -1045 / 16 = -65.3 -> -65; (0,1): (3 * 0
   + 9 * 100 + 5 + 3 * 55) / 16 = 1070 / 16 = 66.9 -> 67; (1,0): (3 * -50
   + 5 + 9 * 120 + 3 * -128) / 16 = 551 / 16 = 34.4 -> 34; (1,1): (5 +
   3 * 55 + 3 * -128 + 9 * 127) / 16 = 929 / 16 = 58.06 -> 58.
   Align corners: the four corners. */
START_TEST(bilinear_3x3_to_2x2_each_mode)
{
    static const int32_t asym[6] = {0, 0, 0, 1, 2, 512};
    static const int32_t half[6] = {0, 1, 256, 1, 2, 768};
    static const int32_t align[6] = {0, 0, 0, 2, 2, 0};
    static const int8_t want_asym[8] = {10, -100, 25, 50, 55, 35, 70, 15};
    static const int8_t want_half[8] = {20, -65, 35, 67, 65, 34, 80, 58};
    static const int8_t want_align[8] = {10, -100, 30, 100,
                                         70, 120,  90, 127};
    int8_t y[8];
    square(1, x33, 3, 2, 2, asym, y);
    bytes_are(y, want_asym, 8);
    square(1, x33, 3, 2, 2, half, y);
    bytes_are(y, want_half, 8);
    square(1, x33, 3, 2, 2, align, y);
    bytes_are(y, want_align, 8);
}
END_TEST

/* The largest weights the engine admits and the ends of int8: the most
   negative fraction, -1023 with both indices equal, weighs the pixel by
   2047 - 1023 = 1024 on each axis (the products reach -128 * 2047^2 on
   the way): exactly the pixel, -128 or 127. Image 1 (127, -128) at
   column fraction 1: (1023 * 127 + 1 * -128) / 1024 = 126.75 -> 127;
   image 0 (-128, -128) stays -128: each image reads its own pixels. */
START_TEST(bilinear_extremes_and_batches)
{
    const int8_t x[4] = {-128, -128, 127, -128};   /* 2 images of 1x2x1 */
    static const int32_t rows[3] = {0, 0, -1023};
    static const int32_t cols[6] = {0, 0, -1023, 0, 1, 1};
    int8_t y[4];
    run(1, (mcn_k_dims){2, 1, 2, 1}, (mcn_k_dims){2, 1, 2, 1}, x, rows, cols,
        y);
    static const int8_t want[4] = {-128, -128, 127, 127};
    bytes_are(y, want, 4);
}
END_TEST

/* NEAREST copies C bytes per output pixel from the tables' row and
   column, image by image. 2 images of 2x3x2 -> 3x2: rows {1, 0, 1},
   columns {2, 0}. */
START_TEST(nearest_copies_pixels)
{
    int8_t x[24];
    for (int i = 0; i < 24; i++)
        x[i] = (int8_t)(i * 5 - 60);   /* image b, (r, c), channel k at
                                          12 b + 6 r + 2 c + k */
    static const int32_t rows[3] = {1, 0, 1}, cols[2] = {2, 0};
    int8_t y[24];
    run(0, (mcn_k_dims){2, 2, 3, 2}, (mcn_k_dims){2, 3, 2, 2}, x, rows, cols,
        y);
    for (int b = 0; b < 2; b++)
        for (int oy = 0; oy < 3; oy++)
            for (int ox = 0; ox < 2; ox++)
                for (int k = 0; k < 2; k++) {
                    int src = 12 * b + 6 * rows[oy] + 2 * cols[ox] + k;
                    int dst = ((b * 3 + oy) * 2 + ox) * 2 + k;
                    ck_assert_int_eq(y[dst], x[src]);
                }
    /* Spelled out for image 0, output row 0 (input row 1): columns 2
       and 0 are x[10], x[11] and x[6], x[7]. */
    static const int8_t row0[4] = {-10, -5, -30, -25};
    bytes_are(y, row0, 4);
}
END_TEST

Suite *suite_kernel_resize(void)
{
    Suite *s = suite_create("kernel_resize");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, bilinear_2x2_to_4x4_each_mode);
    tcase_add_test(tc, bilinear_3x3_to_2x2_each_mode);
    tcase_add_test(tc, bilinear_extremes_and_batches);
    tcase_add_test(tc, nearest_copies_pixels);
    suite_add_tcase(s, tc);
    return s;
}
