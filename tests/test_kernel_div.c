/* test_kernel_div.c: DIV, int8 (TFLM's reference DivElementwise and
   BroadcastDivSlowQuantized, tensorflow/lite/kernels/internal/reference/
   div.h, with GetReciprocal and CountLeadingSignBits from kernels/
   internal/common.h), against points worked by hand and grids from
   tests/refs/elem_goldens.py, a separate transcription into Python. The
   two rules mcn adds where TFLM is undefined (a zero divisor, a final
   shift past 31) are pinned down too. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "mcn_kernels.h"

/* s1 0.5 (zp 3), s2 0.25 (zp -7), s_out 0.5 (zp -5): 0.5 / (0.25 * 0.5)
   = 4 -> (2^30, 3), so the output is -5 + round(4 a / b) with a = x1 - 3,
   b = x2 + 7. Elementwise unless bc is given. */
static void setup(mcn_k_div_params *p, const int8_t *x1, const int8_t *x2,
                  int8_t *out, uint32_t n)
{
    memset(p, 0, sizeof *p);
    p->input1_offset = -3;
    p->input2_offset = 7;
    p->output_offset = -5;
    p->output_multiplier = 1 << 30;
    p->output_shift = 3;
    p->act_min = -128;
    p->act_max = 127;
    p->size = n;
    for (int d = 0; d < MCN_K_BCAST_DIMS; d++)
        p->bcast.dims[d] = 1;
    p->bcast.dims[MCN_K_BCAST_DIMS - 1] = (int32_t)n;
    p->bcast.stride1[MCN_K_BCAST_DIMS - 1] = 1;
    p->bcast.stride2[MCN_K_BCAST_DIMS - 1] = 1;
    p->input1_data = x1;
    p->input2_data = x2;
    p->output_data = out;
}

/* a = 10, b = 3 (x1 13, x2 -4):
     GetReciprocal(3, 31): clz 30, so recip_shift 31 - 30 = 1, and
       3 << 30 - 2^31 = 2^30 (0.5) -> 1 / 1.5 = 0.6667 in Q0
     CountLeadingSignBits(10) = 27: 10 << 27 = 0.625 in Q0
     0.625 * 0.6667 = 0.41667, times the multiplier's 0.5 = 0.20833,
     shifted right by 1 + 27 - 3 = 25: 0.20833 * 2^31 / 2^25 = 13.33
     -> 13 -> 8
   a = -10, b = 3: the same, negated: -13 -> -18
   a = 10, b = -3: signs moved onto a: -18
   a = 1, b = 134 (x1 4, x2 127): 4 / 134 = 0.03; recip_shift 7,
     headroom 30: a right shift of 34, past gemmlowp's 31 -> 0 -> -5
   a = 1, b = 20: recip_shift 4, headroom 30: shift 31 exactly, 0.2 -> 0
   b = 0 (x2 -7): a > 0 -> 127, a < 0 -> -128, 0 / 0 -> the zero point */
START_TEST(div_worked_points)
{
    const int8_t x1[9] = {13, -7, 13, 4, 4, 20, -100, 3, 3};
    const int8_t x2[9] = {-4, -4, -10, 127, 13, -7, -7, -7, 1};
    static const int8_t want[9] = {8, -18, -18, -5, -5, 127, -128, -5, -5};
    int8_t out[9];
    mcn_k_div_params p;
    setup(&p, x1, x2, out, 9);
    mcn_k_div_s8(&p);
    for (int i = 0; i < 9; i++)
        ck_assert_msg(out[i] == want[i], "element %d: %d, want %d", i,
                      out[i], want[i]);
    /* A fused clamp bounds the zero divisor's saturation too. */
    p.act_min = -20;
    p.act_max = 30;
    mcn_k_div_s8(&p);
    ck_assert_int_eq(out[5], 30);
    ck_assert_int_eq(out[6], -20);
    ck_assert_int_eq(out[0], 8);
}
END_TEST

/* x1 and x2 each -128 + 17 k, k = 0 .. 15, x1 by rows (elem_goldens.py
   "div_grid"). */
static const int8_t grid_want[256] = {
      -1,    0,    1,    2,    5,   10,   23,  127,  -40,  -21,  -16,  -13,
     -11,  -10,   -9,   -9,   -1,   -1,    0,    2,    4,    8,   19,  127,
     -35,  -19,  -14,  -12,  -10,  -10,   -9,   -8,   -2,   -1,   -1,    1,
       2,    6,   15,  127,  -31,  -17,  -13,  -11,  -10,   -9,   -8,   -8,
      -2,   -2,   -1,    0,    1,    4,   12,  127,  -26,  -15,  -12,  -10,
      -9,   -8,   -8,   -7,   -3,   -3,   -2,   -1,    0,    2,    8,  121,
     -22,  -13,  -10,   -9,   -8,   -8,   -7,   -7,   -3,   -3,   -3,   -2,
      -2,    0,    5,   87,  -17,  -11,   -9,   -8,   -7,   -7,   -7,   -6,
      -4,   -4,   -4,   -3,   -3,   -2,    1,   53,  -13,   -9,   -7,   -7,
      -6,   -6,   -6,   -6,   -5,   -5,   -4,   -4,   -4,   -4,   -2,   19,
      -8,   -6,   -6,   -6,   -6,   -5,   -5,   -5,   -5,   -5,   -5,   -5,
      -5,   -6,   -6,  -15,   -4,   -4,   -5,   -5,   -5,   -5,   -5,   -5,
      -6,   -6,   -6,   -6,   -7,   -7,  -10,  -49,    1,   -2,   -3,   -4,
      -4,   -4,   -4,   -4,   -6,   -7,   -7,   -7,   -8,   -9,  -13,  -83,
       5,    0,   -2,   -3,   -3,   -3,   -4,   -4,   -7,   -7,   -8,   -8,
      -9,  -11,  -17, -117,   10,    2,    0,   -2,   -2,   -3,   -3,   -3,
      -7,   -8,   -8,   -9,  -11,  -13,  -20, -128,   14,    4,    1,   -1,
      -1,   -2,   -3,   -3,   -8,   -8,   -9,  -10,  -12,  -15,  -24, -128,
      19,    6,    2,    0,   -1,   -1,   -2,   -2,   -9,   -9,  -10,  -11,
     -13,  -17,  -28, -128,   24,    8,    4,    1,    0,   -1,   -1,   -2,
      -9,  -10,  -11,  -12,  -14,  -19,  -31, -128,   28,   11,    5,    3,
       1,    0,   -1,   -1,
};

START_TEST(div_grid)
{
    int8_t x1[256], x2[256], out[256];
    for (int i = 0; i < 256; i++) {
        x1[i] = (int8_t)(-128 + 17 * (i / 16));
        x2[i] = (int8_t)(-128 + 17 * (i % 16));
    }
    mcn_k_div_params p;
    setup(&p, x1, x2, out, 256);
    mcn_k_div_s8(&p);
    for (int i = 0; i < 256; i++) {
        ck_assert_msg(out[i] == grid_want[i], "x1 %d, x2 %d: %d, want %d",
                      x1[i], x2[i], out[i], grid_want[i]);
        /* Within a step of the exact quotient wherever it fits. */
        double q = -5.0 + 4.0 * (x1[i] - 3) / (x2[i] + 7);
        if (q > -128.0 && q < 127.0)
            ck_assert(fabs(out[i] - q) <= 1.0);
    }
}
END_TEST

/* 0.1f / (0.03f * 0.07f) = 47.619 -> (1597830144, 6), zero points 0;
   x1 as in div_grid, x2 in {1, 2, 5, 40, -3, -127} (elem_goldens.py
   "div_odd"): x2 broadcast along the rows, x1 down the columns. */
static const int8_t odd_want[96] = {
    -128, -128, -128, -128,  127,   48,
    -128, -128, -128, -128,  127,   42,
    -128, -128, -128, -112,  127,   35,
    -128, -128, -128,  -92,  127,   29,
    -128, -128, -128,  -71,  127,   22,
    -128, -128, -128,  -51,  127,   16,
    -128, -128, -128,  -31,  127,   10,
    -128, -128,  -86,  -11,  127,    3,
     127,  127,   76,   10, -127,   -3,
     127,  127,  127,   30, -128,   -9,
     127,  127,  127,   50, -128,  -16,
     127,  127,  127,   70, -128,  -22,
     127,  127,  127,   90, -128,  -28,
     127,  127,  127,  111, -128,  -35,
     127,  127,  127,  127, -128,  -41,
     127,  127,  127,  127, -128,  -48,
};

START_TEST(div_broadcast)
{
    int8_t x1[16], out[96];
    const int8_t x2[6] = {1, 2, 5, 40, -3, -127};
    for (int i = 0; i < 16; i++)
        x1[i] = (int8_t)(-128 + 17 * i);
    mcn_k_div_params p;
    setup(&p, x1, x2, out, 96);
    p.input1_offset = p.input2_offset = p.output_offset = 0;
    p.output_multiplier = 1597830144;
    p.output_shift = 6;
    p.broadcast = 1;
    p.bcast = (mcn_k_bcast){{1, 1, 1, 1, 16, 6},
                            {0, 0, 0, 0, 1, 0},
                            {0, 0, 0, 0, 0, 1}};
    mcn_k_div_s8(&p);
    for (int i = 0; i < 96; i++) {
        ck_assert_msg(out[i] == odd_want[i], "x1 %d, x2 %d: %d, want %d",
                      x1[i / 6], x2[i % 6], out[i], odd_want[i]);
        double q = 47.619 * x1[i / 6] / x2[i % 6];
        if (q > -128.0 && q < 127.0)
            ck_assert(fabs(out[i] - q) <= 1.0);
    }
}
END_TEST

Suite *suite_kernel_div(void)
{
    Suite *s = suite_create("kernel_div");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, div_worked_points);
    tcase_add_test(tc, div_grid);
    tcase_add_test(tc, div_broadcast);
    suite_add_tcase(s, tc);
    return s;
}
