/* test_kernel_log_softmax.c: LOG_SOFTMAX, int8 (TFLM's reference
   LogSoftmaxQuantized, tensorflow/lite/kernels/internal/reference/
   log_softmax.h, with its log from TFLite's kernels/internal/common.h
   log_x_for_x_greater_than_or_equal_to_1), against rows worked by hand
   and rows from tests/refs/elem_goldens.py, a separate transcription of
   the same fixed point into Python. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "mcn_kernels.h"
#include "requant.h"

static void run(const int32_t *prm, const int8_t *in, int8_t *out,
                uint32_t rows, uint32_t depth)
{
    mcn_k_log_softmax_params p = {prm[0], prm[1], prm[2], prm[3], prm[4],
                                  rows, depth, in, out};
    mcn_k_log_softmax_s8(&p);
}

/* s_in = 1/16, beta 1 (TFLM's PreprocessLogSoftmaxScalingExp):
     beta * s_in * 2^26 = 2^22 -> QuantizeMultiplierGreaterThanOne
       (2^30, 23);
     reverse divisor 2^(31 - 23) / 2^30 = 2^-22 -> (2^30, -21);
     diff_min = -floor(31 * 2^26 / 2^23) = -248. */
static const int32_t at_16th[5] = {1 << 30, 23, 1 << 30, -21, -248};

/* Rows in real terms (x / 16, output (q - 127) / 16):
     {0, 0}: -log 2 = -0.693 -> -11.09 steps -> 116 both
     {16, 0}: d = 0, -1; log(1 + e^-1) = 0.3133: -0.3133, -1.3133 ->
       -5.01, -21.01 -> 122, 106
     {-16, 0, 16}: d = -2, -1, 0; log(1 + e^-1 + e^-2) = 0.4076:
       -2.4076, -1.4076, -0.4076 -> -38.52, -22.52, -6.52 -> 88, 104, 120
   every result well away from a rounding tie, so the fixed point's few
   ulps of error cannot move it. */
START_TEST(log_softmax_worked_rows)
{
    int8_t out[3];
    run(at_16th, (const int8_t[]){0, 0}, out, 1, 2);
    ck_assert_int_eq(out[0], 116);
    ck_assert_int_eq(out[1], 116);
    run(at_16th, (const int8_t[]){16, 0}, out, 1, 2);
    ck_assert_int_eq(out[0], 122);
    ck_assert_int_eq(out[1], 106);
    run(at_16th, (const int8_t[]){-16, 0, 16}, out, 1, 3);
    ck_assert_int_eq(out[0], 88);
    ck_assert_int_eq(out[1], 104);
    ck_assert_int_eq(out[2], 120);
}
END_TEST

/* s_in = 0.1f: 0.1f * 2^26 = 6710886.5 -> (1717986944, 23); reverse
   2^8 / 1717986944 -> (1342177260, -22); diff_min -248. */
static const int32_t at_tenth[5] = {1717986944, 23, 1342177260, -22, -248};

/* One row holding every input, -128 .. 127 (elem_goldens.py "ramp"). */
static const int8_t ramp_want[256] = {
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
    -127, -125, -123, -122, -120, -119, -117, -115, -114, -112, -111, -109,
    -107, -106, -104, -103, -101,  -99,  -98,  -96,  -95,  -93,  -91,  -90,
     -88,  -87,  -85,  -83,  -82,  -80,  -79,  -77,  -75,  -74,  -72,  -71,
     -69,  -67,  -66,  -64,  -63,  -61,  -59,  -58,  -56,  -55,  -53,  -51,
     -50,  -48,  -47,  -45,  -43,  -42,  -40,  -39,  -37,  -35,  -34,  -32,
     -31,  -29,  -27,  -26,  -24,  -23,  -21,  -19,  -18,  -16,  -15,  -13,
     -11,  -10,   -8,   -7,   -5,   -3,   -2,    0,    1,    3,    5,    6,
       8,    9,   11,   13,   14,   16,   17,   19,   21,   22,   24,   25,
      27,   29,   30,   32,   33,   35,   37,   38,   40,   41,   43,   45,
      46,   48,   49,   51,   53,   54,   56,   57,   59,   61,   62,   64,
      65,   67,   69,   70,   72,   73,   75,   77,   78,   80,   81,   83,
      85,   86,   88,   89,
};

START_TEST(log_softmax_whole_range_row)
{
    int8_t in[256], out[256];
    for (int i = 0; i < 256; i++)
        in[i] = (int8_t)(i - 128);
    run(at_tenth, in, out, 1, 256);
    /* log(sum over the ramp) = log(sum_k e^(-0.1 k)) = -log(1 - e^-0.1)
       = 2.3522 for the top; x - 12.7 - 2.3522 in sixteenths. */
    for (int i = 0; i < 256; i++) {
        ck_assert_msg(out[i] == ramp_want[i], "x = %d: %d, want %d", i - 128,
                      out[i], ramp_want[i]);
        double lp = 0.1 * (i - 255) - 2.3522;
        double q = 127.0 + 16.0 * lp;
        if (q > -127.5)
            ck_assert_msg(fabs(out[i] - q) <= 0.5 + 0.05,
                          "x = %d: %d vs float %.3f", i - 128, out[i], q);
    }
}
END_TEST

/* Four rows of eight in one call: steps of 10 (1.0), a flat row (-log 8
   = -2.079 -> -33.27 -> 94), the extremes (-128 and -50 lie 25.5 and
   17.7 below the top, past the 15.94 the output can say: -128), and a
   row with one element a step above the rest. */
START_TEST(log_softmax_rows)
{
    static const int8_t in[32] = {
        0, 10, 20, 30, 40, 50, 60, 70,
        5, 5, 5, 5, 5, 5, 5, 5,
        127, -128, 0, 100, 90, 126, 127, -50,
        -128, -128, -128, -127, -128, -128, -128, -128};
    static const int8_t want[32] = {
        8, 24, 40, 56, 72, 88, 104, 120,
        94, 94, 94, 94, 94, 94, 94, 94,
        109, -128, -94, 66, 50, 108, 109, -128,
        94, 94, 94, 95, 94, 94, 94, 94};
    int8_t out[32];
    run(at_tenth, in, out, 4, 8);
    ck_assert_mem_eq(out, want, 32);
}
END_TEST

/* TFLM's Q12.19 sum is int32: 4096 terms of exp(0) reach 2^31. 4095 of
   them give log 4095 = 8.3175 -> 127 - 133.08 -> -6; 4096 saturate the
   sum at 2^31 - 1, whose log rounds the same (log 4096 = 8.3178). */
START_TEST(log_softmax_long_flat_rows)
{
    static int8_t in[4096], out[4096];
    memset(in, 3, sizeof in);
    for (uint32_t depth = 4095; depth <= 4096; depth++) {
        memset(out, 0, sizeof out);
        run(at_16th, in, out, 1, depth);
        for (uint32_t i = 0; i < depth; i++)
            ck_assert_int_eq(out[i], -6);
    }
}
END_TEST

/* The log itself, Q12.19 in, Q5.26 out, against log(): every power of
   two and points between, to within 2^-20. */
START_TEST(fixed_point_log)
{
    for (int32_t x = 1 << 19; x > 0 && x < INT32_MAX - (x >> 3);
         x += (x >> 3) + 12345) {
        double want = log((double)x / (1 << 19));
        double got = mcn_fx_log_x_ge_1(x, 12, 5) / (double)(1 << 26);
        ck_assert_msg(fabs(got - want) < 1.0 / (1 << 20),
                      "log(%d / 2^19): %.9f, want %.9f", x, got, want);
    }
    ck_assert_int_eq(mcn_fx_log_x_ge_1(1 << 19, 12, 5), 0);
}
END_TEST

/* In place over its own input. */
START_TEST(log_softmax_in_place)
{
    int8_t buf[3] = {-16, 0, 16};
    run(at_16th, buf, buf, 1, 3);
    ck_assert_mem_eq(buf, ((const int8_t[]){88, 104, 120}), 3);
}
END_TEST

Suite *suite_kernel_log_softmax(void)
{
    Suite *s = suite_create("kernel_log_softmax");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, log_softmax_worked_rows);
    tcase_add_test(tc, log_softmax_whole_range_row);
    tcase_add_test(tc, log_softmax_rows);
    tcase_add_test(tc, log_softmax_long_flat_rows);
    tcase_add_test(tc, fixed_point_log);
    tcase_add_test(tc, log_softmax_in_place);
    suite_add_tcase(s, tc);
    return s;
}
