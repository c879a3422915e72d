/* test_kernel_pool.c: the pools past TFLM's set, dilated windows and
   ceil_mode's extra window, worked by hand. The rule (engine/kernels/
   maxpool_s8.c, avgpool_s8.c) is TFLM's arithmetic over the float path's
   window: reference_integer_ops::MaxPool takes the largest in-image tap,
   reference_integer_ops::AveragePool divides the in-image sum by the tap
   count as (sum +- count / 2) / count, truncating; quantizer/fexec_pool.c
   says which taps a window has. The global max pool is one window. */
#include <check.h>
#include <string.h>

#include "mcn_kernels.h"

/* 6x6, one channel:
     row0   1  -5   3   0   7  -2
     row1  -8   4  -1   9  -3   6
     row2   2  -7  10  -4   5  -6
     row3   0   8  -9  11  -1   3
     row4  -3   6   4  -2  12  -5
     row5   5  -1   0   2  -8  13 */
static const int8_t grid6[36] = {
    1, -5, 3, 0, 7, -2,    -8, 4, -1, 9, -3, 6,   2, -7, 10, -4, 5, -6,
    0, 8, -9, 11, -1, 3,   -3, 6, 4, -2, 12, -5,  5, -1, 0, 2, -8, 13};

/* 4x4, one channel. */
static const int8_t grid4[16] = {1, 2, 3, 4, 5, 6, 7, 8,
                                 -1, -2, -3, -4, 10, -10, 20, -20};

static void base(mcn_k_pool_params *p, const int8_t *in, int32_t n,
                 int32_t out_n, int8_t *out)
{
    memset(p, 0, sizeof *p);
    p->dilation_h = p->dilation_w = 1;
    p->stride_h = p->stride_w = 1;
    p->act_min = -128;
    p->act_max = 127;
    p->input = (mcn_k_dims){1, n, n, 1};
    p->input_data = in;
    p->output = (mcn_k_dims){1, out_n, out_n, 1};
    p->output_data = out;
}

static void bytes_are(const int8_t *got, const int8_t *want, int n)
{
    for (int i = 0; i < n; i++)
        ck_assert_msg(got[i] == want[i], "byte %d is %d, not %d", i, got[i],
                      want[i]);
}

/* 2x2 filter, dilation 2, stride 2, no pads, on 6x6: the window spans 3,
   so floor (6 - 3) / 2 + 1 = 2 and ceil_mode 3. Window o takes rows
   (columns) {2o, 2o + 2}; the third's second tap, 6, is past the image:
   {0, 2}, {2, 4}, {4}. */
static void dilated_ceil(mcn_k_pool_params *p, int8_t *out)
{
    base(p, grid6, 6, 3, out);
    p->filter_h = p->filter_w = 2;
    p->stride_h = p->stride_w = 2;
    p->dilation_h = p->dilation_w = 2;
}

/* Maxima of the taps: (0,0) {1, 3, 2, 10}; (0,1) {3, 7, 10, 5};
   (0,2) {7, 5}; (1,0) {2, 10, -3, 4}; (1,1) {10, 5, 4, 12}; (1,2)
   {5, 12}; (2,0) {-3, 4}; (2,1) {4, 12}; (2,2) {12}. Undilated taps
   would give (0,0) = max(1, -5, -8, 4) = 4.
   Sums / counts of the same taps: 16/4 = 4; 25/4 = 6.25 -> (25+2)/4 = 6;
   12/2 = 6; 13/4 -> (13+2)/4 = 3; 31/4 -> (31+2)/4 = 8; 17/2 = 8.5 ->
   (17+1)/2 = 9 (half away from zero); 1/2 -> (1+1)/2 = 1; 16/2 = 8;
   12/1 = 12. */
START_TEST(dilated_ceil_mode)
{
    int8_t out[9];
    mcn_k_pool_params p;
    dilated_ceil(&p, out);
    mcn_k_maxpool_s8(&p);
    bytes_are(out, (const int8_t[]){10, 10, 7, 10, 12, 12, 4, 12, 12}, 9);
    mcn_k_avgpool_s8(&p);
    bytes_are(out, (const int8_t[]){4, 6, 6, 3, 8, 9, 1, 8, 12}, 9);
}
END_TEST

/* 3x3 filter, stride 2, pads 1 all round, on 4x4: floor (6 - 3) / 2 + 1
   = 2, ceil_mode 3. Windows start at -1, 1, 3: in-image rows (columns)
   {0, 1}, {1, 2, 3}, {3}; inside the padded [-1, 5): 3, 3 and 2 taps
   (the last window's row 5 is past the bottom pad). */
static void padded_ceil(mcn_k_pool_params *p, int8_t *out)
{
    base(p, grid4, 4, 3, out);
    p->filter_h = p->filter_w = 3;
    p->stride_h = p->stride_w = 2;
    p->pad_top = p->pad_left = p->pad_bottom = p->pad_right = 1;
}

/* In-image sums: (0,0) 1+2+5+6 = 14; (0,1) 2+3+4+6+7+8 = 30; (0,2)
   4+8 = 12; (1,0) 5+6-1-2+10-10 = 8; (1,1) 6+7+8-2-3-4-10+20-20 = 2;
   (1,2) 8-4-20 = -16; (2,0) 10-10 = 0; (2,1) -10+20-20 = -10; (2,2) -20.
   By the in-image counts 4, 6, 2, 6, 9, 3, 2, 3, 1: 3.5 -> 4; 5; 6;
   (8+3)/6 = 1; (2+4)/9 = 0; (-16-1)/3 = -5; 0; (-10-1)/3 = -3; -20.
   count_include_pad, counts 9, 9, 6, 9, 9, 6, 6, 6, 4: (14+4)/9 = 2;
   (30+4)/9 = 3; 12/6 = 2; (8+4)/9 = 1; 0; (-16-3)/6 = -3; (0-3)/6 = 0;
   (-10-3)/6 = -2; (-20-2)/4 = -5. */
START_TEST(avgpool_ceil_mode_counts)
{
    int8_t out[9];
    mcn_k_pool_params p;
    padded_ceil(&p, out);
    mcn_k_avgpool_s8(&p);
    bytes_are(out, (const int8_t[]){4, 5, 6, 1, 0, -5, 0, -3, -20}, 9);
    p.count_include_pad = 1;
    mcn_k_avgpool_s8(&p);
    bytes_are(out, (const int8_t[]){2, 3, 2, 1, 0, -3, 0, -2, -5}, 9);
}
END_TEST

/* count_include_pad at zero point -10: a padding tap is real 0, so it
   adds -10 to the sum, as the zero PAD that TFLite would put before the
   pool. Padding taps (count - in-image taps) 5, 3, 4, 3, 0, 3, 4, 3, 3:
   sums 14-50 = -36, 30-30 = 0, 12-40 = -28, 8-30 = -22, 2, -16-30 = -46,
   0-40 = -40, -10-30 = -40, -20-30 = -50; rounded: (-36-4)/9 = -4,
   (0-4)/9 = 0, (-28-3)/6 = -5, (-22-4)/9 = -2, 0, (-46-3)/6 = -8,
   (-40-3)/6 = -7, -7, (-50-2)/4 = -13. (Corner: real (14 + 40) / 9 = 6
   steps above the zero point, -4.) */
START_TEST(avgpool_padding_is_the_zero_point)
{
    int8_t out[9];
    mcn_k_pool_params p;
    padded_ceil(&p, out);
    p.count_include_pad = 1;
    p.zero_point = -10;
    mcn_k_avgpool_s8(&p);
    bytes_are(out, (const int8_t[]){-4, 0, -5, -2, 0, -8, -7, -7, -13}, 9);
    /* Without count_include_pad no padding tap is counted or added. */
    p.count_include_pad = 0;
    mcn_k_avgpool_s8(&p);
    bytes_are(out, (const int8_t[]){4, 5, 6, 1, 0, -5, 0, -3, -20}, 9);
}
END_TEST

/* Maxima of the same windows, then clamped to [-5, 9] (a fused RELU6-like
   range in int8): 6, 8, 8, 10 -> 9, 20 -> 9, 8, 10 -> 9, 20 -> 9,
   -20 -> -5. */
START_TEST(maxpool_ceil_mode_and_clamp)
{
    int8_t out[9];
    mcn_k_pool_params p;
    padded_ceil(&p, out);
    mcn_k_maxpool_s8(&p);
    bytes_are(out, (const int8_t[]){6, 8, 8, 10, 20, 8, 10, 20, -20}, 9);
    p.act_min = -5;
    p.act_max = 9;
    mcn_k_maxpool_s8(&p);
    bytes_are(out, (const int8_t[]){6, 8, 8, 9, 9, 8, 9, 9, -5}, 9);
}
END_TEST

/* GLOBAL_MAX_POOL: the whole 4x4 as one window, per channel. Read as
   [1,2,4,2] the channels are the even and odd entries of grid4:
   max(1, 3, 5, 7, -1, -3, 10, 20) = 20, max(2, 4, 6, 8, -2, -4, -10,
   -20) = 8. */
START_TEST(global_maxpool_per_channel)
{
    int8_t out[2];
    mcn_k_pool_params p;
    base(&p, grid4, 4, 1, out);
    p.input = (mcn_k_dims){1, 2, 4, 2};
    p.output = (mcn_k_dims){1, 1, 1, 2};
    p.filter_h = 2;
    p.filter_w = 4;
    mcn_k_maxpool_s8(&p);
    bytes_are(out, (const int8_t[]){20, 8}, 2);
}
END_TEST

Suite *suite_kernel_pool(void)
{
    Suite *s = suite_create("kernel_pool");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, dilated_ceil_mode);
    tcase_add_test(tc, avgpool_ceil_mode_counts);
    tcase_add_test(tc, avgpool_padding_is_the_zero_point);
    tcase_add_test(tc, maxpool_ceil_mode_and_clamp);
    tcase_add_test(tc, global_maxpool_per_channel);
    suite_add_tcase(s, tc);
    return s;
}
