/* test_kernel_misc.c: the non-convolution kernels on small hand-computed
   cases (the working is beside each golden). */
#include <check.h>
#include <string.h>

#include "mcn_kernels.h"

/* x stored {1,2,3,-1,0,1} with zero point -1, so x + 1 = {2,3,4,0,1,2};
   W = {1,0,-1 / 2,2,2}, bias {5,-3}:
     row 0: 2 - 4 + 5 = 3,  2 * 9 - 3 = 15
     row 1: 0 - 2 + 5 = 3,  2 * 3 - 3 = 3
   x 0.5, half up: 2, 8, 2, 2; output zero point 10. */
START_TEST(fc_per_tensor_and_per_channel)
{
    const int8_t x[6] = {1, 2, 3, -1, 0, 1};
    const int8_t w[6] = {1, 0, -1, 2, 2, 2};
    const int32_t bias[2] = {5, -3};
    const int32_t mult[2] = {1 << 30, 1 << 30}, shift[2] = {0, 1};
    int8_t out[4];
    mcn_k_fc_params p;
    memset(&p, 0, sizeof p);
    p.input_offset = 1;
    p.output_offset = 10;
    p.act_min = -128;
    p.act_max = 127;
    p.rq.multiplier = mult;
    p.rq.shift = shift;
    p.rq.count = 1;
    p.batches = 2;
    p.depth = 3;
    p.out_depth = 2;
    p.input_data = x;
    p.filter_data = w;
    p.bias = bias;
    p.output_data = out;
    mcn_k_fc_s8(&p);
    ck_assert_int_eq(out[0], 12);
    ck_assert_int_eq(out[1], 18);
    ck_assert_int_eq(out[2], 12);
    ck_assert_int_eq(out[3], 12);
    /* No bias; o0 x 0.5, o1 x 1: -2 -> -1, 18; -2 -> -1, 6; + 10. */
    p.bias = NULL;
    p.rq.count = 2;
    mcn_k_fc_s8(&p);
    ck_assert_int_eq(out[0], 9);
    ck_assert_int_eq(out[1], 28);
    ck_assert_int_eq(out[2], 9);
    ck_assert_int_eq(out[3], 16);
}
END_TEST

/* s1 = 0.5, s2 = 0.25, s_out = 1 (test_qmath: (2^30,0), (2^30,-1),
   output (2^30,-19), left shift 20). Zero points 5, -3, -10.
     3, 2   -> 1.5 + 0.5   = 2     -> -8
     1, 0   -> 0.5         -> 1    -> -9  (half away from zero)
    -1, 0   -> -0.5        -> -1   -> -11
    -1, 1   -> -0.25       -> 0    -> -10
   120, 120 -> 60 + 30     = 90    -> 80, clamped to act_max 70 */
START_TEST(add_rescales_and_clamps)
{
    const int8_t a[5] = {3 + 5, 1 + 5, -1 + 5, -1 + 5, 120 + 5};
    const int8_t b[5] = {2 - 3, 0 - 3, 0 - 3, 1 - 3, 120 - 3};
    int8_t out[5];
    mcn_k_add_params p;
    memset(&p, 0, sizeof p);
    p.input1_offset = -5;
    p.input2_offset = 3;
    p.output_offset = -10;
    p.left_shift = 20;
    p.input1_multiplier = 1 << 30;
    p.input1_shift = 0;
    p.input2_multiplier = 1 << 30;
    p.input2_shift = -1;
    p.output_multiplier = 1 << 30;
    p.output_shift = -19;
    p.act_min = -128;
    p.act_max = 70;
    p.size = 5;
    p.input1_data = a;
    p.input2_data = b;
    p.output_data = out;
    mcn_k_add_s8(&p);
    static const int8_t want[5] = {-8, -9, -11, -10, 70};
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(out[i], want[i]);
}
END_TEST

/* 3x3x2 input, 2x2 window, stride 2, pad 1 all round: windows start at
   2o - 1, so rows/cols {0} then {1, 2}.
     ch0  -1 -2 -3 / -4 5 -6 / -7 -8 -9     ch1  1..9
   in-bounds sums and counts:
     ch0  -1/1  -5/2  -11/2  -18/4          ch1  1/1  5/2  11/2  28/4 */
static const int8_t pool_in[18] = {-1, 1, -2, 2, -3, 3, -4, 4, 5, 5,
                                   -6, 6, -7, 7, -8, 8, -9, 9};

static void pool_base(mcn_k_pool_params *p, int8_t *out)
{
    memset(p, 0, sizeof *p);
    p->filter_h = p->filter_w = 2;
    p->stride_h = p->stride_w = 2;
    p->dilation_h = p->dilation_w = 1;
    p->pad_top = p->pad_left = 1;
    p->act_min = -128;
    p->act_max = 127;
    p->input = (mcn_k_dims){1, 3, 3, 2};
    p->input_data = pool_in;
    p->output = (mcn_k_dims){1, 2, 2, 2};
    p->output_data = out;
}

START_TEST(avgpool_borders_and_rounding)
{
    int8_t out[8];
    mcn_k_pool_params p;
    pool_base(&p, out);
    mcn_k_avgpool_s8(&p);
    /* -1; -2.5 -> -3; -5.5 -> -6; -4.5 -> -5 (half away from zero);
       1; 2.5 -> 3; 5.5 -> 6; 7. */
    static const int8_t want[8] = {-1, 1, -3, 3, -6, 6, -5, 7};
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(out[i], want[i]);
    /* count_include_pad divides by 4: -0.25 -> 0; -1.25 -> -1;
       -2.75 -> -3; -4.5 -> -5; 0.25 -> 0; 1.25 -> 1; 2.75 -> 3; 7. */
    p.count_include_pad = 1;
    mcn_k_avgpool_s8(&p);
    static const int8_t want_pad[8] = {0, 0, -1, 1, -3, 3, -5, 7};
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(out[i], want_pad[i]);
}
END_TEST

START_TEST(maxpool_borders_and_clamp)
{
    int8_t out[8];
    mcn_k_pool_params p;
    pool_base(&p, out);
    p.act_min = -3;
    mcn_k_maxpool_s8(&p);
    /* ch0: -1, max(-2,-3), max(-4,-7) = -4 -> clamp -3, 5.
       ch1: 1, 3, 7, 9. */
    static const int8_t want[8] = {-1, 1, -2, 3, -3, 7, 5, 9};
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(out[i], want[i]);
}
END_TEST

/* Global average of {1, 2, 3, 5} = 2.75 -> 3; of {-1, -2, -3, -5} -> -3. */
START_TEST(global_avgpool)
{
    const int8_t in[8] = {1, -1, 2, -2, 3, -3, 5, -5};
    int8_t out[2];
    mcn_k_pool_params p;
    memset(&p, 0, sizeof p);
    p.filter_h = p.filter_w = 2;
    p.stride_h = p.stride_w = 1;
    p.dilation_h = p.dilation_w = 1;
    p.act_min = -128;
    p.act_max = 127;
    p.input = (mcn_k_dims){1, 2, 2, 2};
    p.input_data = in;
    p.output = (mcn_k_dims){1, 1, 1, 2};
    p.output_data = out;
    mcn_k_avgpool_s8(&p);
    ck_assert_int_eq(out[0], 3);
    ck_assert_int_eq(out[1], -3);
}
END_TEST

/* Softmax with beta 1 and input scale 1/16: (2^30, 23), diff_min -248
   (test_qmath). Input steps of 1 are 1/16 in real terms. */
static void softmax_row(const int8_t *in, int8_t *out, uint32_t n)
{
    mcn_k_softmax_params p;
    p.input_multiplier = 1 << 30;
    p.input_left_shift = 23;
    p.diff_min = -248;
    p.rows = 1;
    p.depth = n;
    p.input_data = in;
    p.output_data = out;
    mcn_k_softmax_s8(&p);
}

START_TEST(softmax_uniform_rows)
{
    /* A flat row of n: each exp is 1 (2^19 in Q12.19), the sum n 2^19,
       and the output 256 / n rounded, minus 128 (TFLM's arithmetic is
       within 2^-20 of the real value, far from these rounding points):
       n=1: 256 -> clamp 127; n=3: 85.3 -> 85; 4: 64; 5: 51.2 -> 51;
       10: 25.6 -> 26. */
    static const struct { uint32_t n; int want; } cases[] = {
        {1, 127}, {3, 85 - 128}, {4, 64 - 128}, {5, 51 - 128},
        {10, 26 - 128}};
    int8_t in[10], out[10];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        memset(in, 17, sizeof in);
        softmax_row(in, out, cases[k].n);
        for (uint32_t i = 0; i < cases[k].n; i++)
            ck_assert_int_eq(out[i], cases[k].want);
    }
}
END_TEST

START_TEST(softmax_known_row)
{
    /* Real inputs 0, -0.5, -1, -2 (steps of 1/16): exps 1, 0.60653,
       0.36788, 0.13534, sum 2.10975; times 256: 121.34, 73.60, 44.64,
       16.42 -> 121, 74, 45, 16 (nearest rounding point 0.08 away, vs a
       fixed-point error below 1e-4). The row sums to 256. */
    const int8_t in[4] = {40, 32, 24, 8};
    int8_t out[4];
    softmax_row(in, out, 4);
    ck_assert_int_eq(out[0], 121 - 128);
    ck_assert_int_eq(out[1], 74 - 128);
    ck_assert_int_eq(out[2], 45 - 128);
    ck_assert_int_eq(out[3], 16 - 128);
    /* -1 vs 0: 1 / (1 + e^-1) = 0.73106 -> 187.15 -> 187; 68.85 -> 69. */
    const int8_t in2[2] = {-100, -116};
    softmax_row(in2, out, 2);
    ck_assert_int_eq(out[0], 187 - 128);
    ck_assert_int_eq(out[1], 69 - 128);
    /* A difference of 255 is below diff_min (-248): exactly -128, and the
       max takes everything. */
    const int8_t in3[2] = {127, -128};
    softmax_row(in3, out, 2);
    ck_assert_int_eq(out[0], 127);
    ck_assert_int_eq(out[1], -128);
}
END_TEST

/* A flat row of 512 sums to 2^28 in Q12.19, where TFLM's check fails
   (its divisor would be 2^32); the quotient is below one half, so the
   kernel gives -128. A row of 511 still works: 256 / 511 = 0.5 -> 1
   (0.50098, so clear of the tie) -> -127. */
START_TEST(softmax_long_flat_row)
{
    static int8_t in[600], out[600];
    memset(in, 0, sizeof in);
    softmax_row(in, out, 512);
    for (int i = 0; i < 512; i++)
        ck_assert_int_eq(out[i], -128);
    softmax_row(in, out, 511);
    for (int i = 0; i < 511; i++)
        ck_assert_int_eq(out[i], -127);
    softmax_row(in, out, 600);
    for (int i = 0; i < 600; i++)
        ck_assert_int_eq(out[i], -128);
}
END_TEST

START_TEST(clip_clamps)
{
    const int8_t in[7] = {-128, -4, -3, 0, 4, 5, 127};
    int8_t out[7];
    mcn_k_clip_params p = {-3, 4, 7, in, out};
    mcn_k_clip_s8(&p);
    static const int8_t want[7] = {-3, -3, -3, 0, 4, 4, 4};
    ck_assert_mem_eq(out, want, 7);
}
END_TEST

/* x 0.5 = (2^30, 0), zero points 10 -> -5:
   20 -> 5 -> 0;  13 -> 1.5 -> 2 -> -3;  7 -> -1.5 -> -1 (the high
   multiply rounds negative ties up) -> -6;  -128 -> -69 -> -74.
   x 4 = (2^30, 3): 127 -> 468 - 5 -> 127;  -128 -> -552 - 5 -> -128. */
START_TEST(quantize_rescales)
{
    const int8_t in[4] = {20, 13, 7, -128};
    int8_t out[4];
    mcn_k_quantize_params p = {-10, -5, 1 << 30, 0, 4, in, out};
    mcn_k_quantize_s8(&p);
    ck_assert_int_eq(out[0], 0);
    ck_assert_int_eq(out[1], -3);
    ck_assert_int_eq(out[2], -6);
    ck_assert_int_eq(out[3], -74);
    const int8_t in2[2] = {127, -128};
    mcn_k_quantize_params q = {-10, -5, 1 << 30, 3, 2, in2, out};
    mcn_k_quantize_s8(&q);
    ck_assert_int_eq(out[0], 127);
    ck_assert_int_eq(out[1], -128);
}
END_TEST

START_TEST(reshape_copies_unless_in_place)
{
    uint8_t a[5] = {1, 2, 3, 4, 5}, b[5] = {0};
    mcn_k_reshape_params p = {5, a, b};
    mcn_k_reshape(&p);
    ck_assert_mem_eq(a, b, 5);
    mcn_k_reshape_params q = {5, a, a};
    mcn_k_reshape(&q);
    ck_assert_int_eq(a[4], 5);
}
END_TEST

Suite *suite_kernel_misc(void)
{
    Suite *s = suite_create("kernel_misc");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, fc_per_tensor_and_per_channel);
    tcase_add_test(tc, add_rescales_and_clamps);
    tcase_add_test(tc, avgpool_borders_and_rounding);
    tcase_add_test(tc, maxpool_borders_and_clamp);
    tcase_add_test(tc, global_avgpool);
    tcase_add_test(tc, softmax_uniform_rows);
    tcase_add_test(tc, softmax_known_row);
    tcase_add_test(tc, softmax_long_flat_row);
    tcase_add_test(tc, clip_clamps);
    tcase_add_test(tc, quantize_rescales);
    tcase_add_test(tc, reshape_copies_unless_in_place);
    suite_add_tcase(s, tc);
    return s;
}
