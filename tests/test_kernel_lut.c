/* test_kernel_lut.c: the 256-entry lookup kernel, and the tables the
   packer computes for it (qmath_lut_s8, TFLM's PopulateLookupTable in
   tensorflow/lite/micro/kernels/elu.cc): ELU with TFLM's transform and
   HARD_SIGMOID by the same rule. Whole tables come from
   tests/refs/elem_goldens.py, which emulates the float32 steps in Python;
   a few entries are worked by hand. */
#include <check.h>
#include <math.h>

#include "mcn_kernels.h"
#include "qmath.h"

/* The kernel indexes by the input's bits: -128 reads entry 128, -1 entry
   255. A table holding 255 - k at k tells which entry each read. */
START_TEST(lut_indexes_by_byte)
{
    int8_t table[256], in[256], out[256];
    for (int k = 0; k < 256; k++) {
        table[k] = (int8_t)(uint8_t)(255 - k);
        in[k] = (int8_t)(k - 128);
    }
    mcn_k_lut_params p = {256, table, in, out};
    mcn_k_lut_s8(&p);
    for (int k = 0; k < 256; k++)
        ck_assert_int_eq(out[k], table[(uint8_t)in[k]]);
    ck_assert_int_eq(out[0], (int8_t)(uint8_t)127);   /* -128: entry 128 */
    ck_assert_int_eq(out[127], (int8_t)(uint8_t)0);   /* -1: entry 255 */
    ck_assert_int_eq(out[128], (int8_t)(uint8_t)255); /* 0: entry 0 */
    /* In place. */
    p.output_data = in;
    mcn_k_lut_s8(&p);
    ck_assert_mem_eq(in, out, 256);
}
END_TEST

static float elu1(float x, const void *ctx)
{
    (void)ctx;
    return x < 0.0f ? expf(x) - 1.0f : x;
}

static float hard_sigmoid(float x, const void *ctx)
{
    (void)ctx;
    float v = (1.0f / 6.0f) * x + 0.5f;
    return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
}

/* ELU at s_in 0.05f, zp 10 -> s_out 0.04f, zp -100 (q = -128 .. 127;
   elem_goldens.py "elu"). */
static const int8_t elu_want[256] = {
    -125, -125, -125, -125, -125, -125, -125, -125, -125, -125, -125, -125,
    -125, -125, -125, -125, -125, -125, -125, -125, -125, -125, -125, -125,
    -125, -125, -125, -125, -125, -125, -125, -125, -125, -125, -125, -125,
    -125, -125, -125, -125, -125, -125, -125, -125, -125, -125, -125, -125,
    -125, -125, -125, -125, -125, -125, -125, -125, -125, -125, -125, -125,
    -124, -124, -124, -124, -124, -124, -124, -124, -124, -124, -124, -124,
    -124, -124, -124, -124, -124, -124, -124, -124, -124, -124, -123, -123,
    -123, -123, -123, -123, -123, -123, -123, -123, -122, -122, -122, -122,
    -122, -122, -122, -121, -121, -121, -121, -121, -120, -120, -120, -120,
    -119, -119, -119, -119, -118, -118, -117, -117, -117, -116, -116, -115,
    -115, -114, -114, -113, -113, -112, -111, -111, -110, -109, -108, -107,
    -106, -106, -105, -103, -102, -101, -100,  -99,  -97,  -96,  -95,  -94,
     -92,  -91,  -90,  -89,  -87,  -86,  -85,  -84,  -82,  -81,  -80,  -79,
     -77,  -76,  -75,  -74,  -72,  -71,  -70,  -69,  -67,  -66,  -65,  -64,
     -62,  -61,  -60,  -59,  -57,  -56,  -55,  -54,  -52,  -51,  -50,  -49,
     -47,  -46,  -45,  -44,  -42,  -41,  -40,  -39,  -37,  -36,  -35,  -34,
     -32,  -31,  -30,  -29,  -27,  -26,  -25,  -24,  -22,  -21,  -20,  -19,
     -17,  -16,  -15,  -14,  -12,  -11,  -10,   -9,   -7,   -6,   -5,   -4,
      -2,   -1,    0,    1,    3,    4,    5,    6,    8,    9,   10,   11,
      13,   14,   15,   16,   18,   19,   20,   21,   23,   24,   25,   26,
      28,   29,   30,   31,   33,   34,   35,   36,   38,   39,   40,   41,
      43,   44,   45,   46,
};

/* By hand: q 10 is 0 -> -100; q 30 is 1.0 -> 25 steps -> -75; q 0 is
   -0.5: e^-0.5 - 1 = -0.3935 -> -9.84 -> -110; q -10 is -1: -0.6321 ->
   -15.8 -> -116; q 9: -0.0488 -> -1.22 -> -101; q 127 is 5.85 -> 146.25
   -> 46; q -128 is -6.9: -0.999 -> -24.97 -> -125 (ELU's floor, -1, is
   -25 steps). */
START_TEST(elu_table)
{
    int8_t t[256];
    qmath_lut_s8(0.05f, 10, 0.04f, -100, elu1, NULL, t);
    for (int q = -128; q <= 127; q++)
        ck_assert_msg(t[(uint8_t)q] == elu_want[q + 128], "q %d: %d, want %d",
                      q, t[(uint8_t)q], elu_want[q + 128]);
    static const struct { int q, y; } hand[] = {
        {10, -100}, {30, -75}, {0, -110}, {-10, -116}, {9, -101},
        {127, 46}, {-128, -125}};
    for (size_t i = 0; i < sizeof hand / sizeof hand[0]; i++)
        ck_assert_int_eq(t[(uint8_t)hand[i].q], hand[i].y);
}
END_TEST

/* HARD_SIGMOID as MobileNetV3 has it, alpha 1/6 and beta 0.5, at s_in
   0.1f, zp 0 -> s_out 1/255, zp -128 (elem_goldens.py "hard_sigmoid"). */
static const int8_t hard_sigmoid_want[256] = {
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
    -128, -128, -128, -124, -120, -115, -111, -107, -103,  -98,  -94,  -90,
     -86,  -81,  -77,  -73,  -69,  -64,  -60,  -56,  -52,  -47,  -43,  -39,
     -34,  -30,  -26,  -22,  -18,  -13,   -9,   -5,   -1,    4,    8,   12,
      16,   21,   25,   29,   33,   38,   42,   46,   51,   55,   59,   63,
      67,   72,   76,   80,   85,   89,   93,   97,  102,  106,  110,  114,
     119,  123,  127,  127,  127,  127,  127,  127,  127,  127,  127,  127,
     127,  127,  127,  127,  127,  127,  127,  127,  127,  127,  127,  127,
     127,  127,  127,  127,  127,  127,  127,  127,  127,  127,  127,  127,
     127,  127,  127,  127,  127,  127,  127,  127,  127,  127,  127,  127,
     127,  127,  127,  127,  127,  127,  127,  127,  127,  127,  127,  127,
     127,  127,  127,  127,  127,  127,  127,  127,  127,  127,  127,  127,
     127,  127,  127,  127,  127,  127,  127,  127,  127,  127,  127,  127,
     127,  127,  127,  127,  127,  127,  127,  127,  127,  127,  127,  127,
     127,  127,  127,  127,
};

/* By hand, all in float: 1/255 is 0.0039215689 as a float, so 1 / s_out
   is 254.99998; at x = 0 the half becomes 127.499992 -> 127 -> -1, not
   the 0 a real 1/255 would give. q 6 is 0.6: 0.6 / 6 + 0.5 = 0.6 ->
   153.0 -> 25; q -29 is -2.9: 0.0166667 -> 4.25 -> 4 -> -124; from
   q 30 (x = 3) up 1.0 -> 255 steps -> 127, from q -30 down 0 -> -128. */
START_TEST(hard_sigmoid_table)
{
    int8_t t[256];
    qmath_lut_s8(0.1f, 0, 1.0f / 255.0f, -128, hard_sigmoid, NULL, t);
    for (int q = -128; q <= 127; q++)
        ck_assert_msg(t[(uint8_t)q] == hard_sigmoid_want[q + 128],
                      "q %d: %d, want %d", q, t[(uint8_t)q],
                      hard_sigmoid_want[q + 128]);
    ck_assert_int_eq(t[0], -1);
    ck_assert_int_eq(t[6], 25);
    ck_assert_int_eq(t[(uint8_t)-29], -124);
    ck_assert_int_eq(t[30], 127);
    ck_assert_int_eq(t[(uint8_t)-30], -128);
}
END_TEST

/* Beyond int8 either way, and a NaN, the entries saturate (NaN: the
   output zero point), where TFLM's float-to-int conversion would be
   undefined. */
static float huge(float x, const void *ctx)
{
    (void)ctx;
    return x > 0.0f ? 1e30f : x < 0.0f ? -1e30f : NAN;
}

START_TEST(table_saturates)
{
    int8_t t[256];
    qmath_lut_s8(1.0f, 0, 1e-3f, 7, huge, NULL, t);
    ck_assert_int_eq(t[1], 127);
    ck_assert_int_eq(t[(uint8_t)-1], -128);
    ck_assert_int_eq(t[0], 7);
}
END_TEST

Suite *suite_kernel_lut(void)
{
    Suite *s = suite_create("kernel_lut");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, lut_indexes_by_byte);
    tcase_add_test(tc, elu_table);
    tcase_add_test(tc, hard_sigmoid_table);
    tcase_add_test(tc, table_saturates);
    suite_add_tcase(s, tc);
    return s;
}
