/* test_qmath_elem.c: the host-side derivations for SUB, DIV and
   LOG_SOFTMAX (quantizer/qmath.c). Where TFLM computes in float (SUB's
   CalculateOpDataSub, DIV's CalculateOpDataDiv, both in
   tensorflow/lite/micro/kernels/) the goldens are scales at which float
   and double disagree in the last bits, worked in float32 by
   tests/refs/elem_goldens.py; LOG_SOFTMAX's (PreprocessLogSoftmaxScalingExp
   in kernels/internal/quantization_util.cc) are worked by hand. */
#include <check.h>

#include "qmath.h"

static void add_is(const qmath_add *p, int32_t m1, int s1, int32_t m2,
                   int s2, int32_t mo, int so)
{
    ck_assert_int_eq(p->left_shift, 20);
    ck_assert_int_eq(p->input1_multiplier, m1);
    ck_assert_int_eq(p->input1_shift, s1);
    ck_assert_int_eq(p->input2_multiplier, m2);
    ck_assert_int_eq(p->input2_shift, s2);
    ck_assert_int_eq(p->output_multiplier, mo);
    ck_assert_int_eq(p->output_shift, so);
}

/* s1 0.001f, s2 0.003f, s_out 0.011f. SUB: 0.001f / 0.006f in float is
   0.16666667163 (the float nearest 1/6), 0.6666666865 * 2^-2 ->
   1431655808; in double (ADD) the quotient of the same floats is
   0.16666667313 -> 1431655821. Likewise the output's 0.006f / (2^20 *
   0.011f): 1171354752 in float, 1171354734 in double. The second input
   is the larger: exactly one half either way. */
START_TEST(sub_quotients_are_float)
{
    qmath_add p;
    ck_assert_int_eq(qmath_sub_params(0.001f, 0.003f, 0.011f, &p), 0);
    add_is(&p, 1431655808, -2, 1 << 30, 0, 1171354752, -20);
    ck_assert_int_eq(qmath_add_params(0.001f, 0.003f, 0.011f, &p), 0);
    add_is(&p, 1431655821, -2, 1 << 30, 0, 1171354734, -20);
    /* Exact binary scales agree: 0.5, 0.25 into 1 (test_kernel_sub). */
    ck_assert_int_eq(qmath_sub_params(0.5f, 0.25f, 1.0f, &p), 0);
    add_is(&p, 1 << 30, 0, 1 << 30, -1, 1 << 30, -19);
}
END_TEST

/* 0.5 / (0.25 * 0.5) = 4 = 0.5 * 2^3. 0.1f / (0.03f * 0.07f): the float
   product 0.0021f and the float quotient 47.619049 give 1597830144; in
   double 47.6190492 would give 1597830148. */
START_TEST(div_quotient_is_float)
{
    int32_t m;
    int shift;
    qmath_div_multiplier(0.5f, 0.25f, 0.5f, &m, &shift);
    ck_assert_int_eq(m, 1 << 30);
    ck_assert_int_eq(shift, 3);
    qmath_div_multiplier(0.1f, 0.03f, 0.07f, &m, &shift);
    ck_assert_int_eq(m, 1597830144);
    ck_assert_int_eq(shift, 6);
}
END_TEST

/* s_in 1/16: 2^-4 * 2^26 = 2^22 -> (2^30, 23); reverse 2^(31 - 23) /
   2^30 = 2^-22 -> (2^30, -21); radius floor(31 * 2^26 / 2^23) = 248.
   s_in 0.1f = 13421773 * 2^-27: times 2^26 is 6710886.5 = 0.8 * 2^23
   (0.8 in float terms: 13421773 * 2^7 = 1717986944); reverse 2^8 /
   1717986944 = 1.49e-7 = 0.625 * 2^-22 (0.62500000 * 2^31 rounds to
   1342177260 because 1717986944 is a hair above 0.8 * 2^31). A beta of
   2 doubles the first real: the shift one more. */
START_TEST(log_softmax_params_by_hand)
{
    qmath_log_softmax p;
    ck_assert_int_eq(qmath_log_softmax_params(1.0, 1.0 / 16, &p), 0);
    ck_assert_int_eq(p.input_multiplier, 1 << 30);
    ck_assert_int_eq(p.input_left_shift, 23);
    ck_assert_int_eq(p.reverse_scaling_divisor, 1 << 30);
    ck_assert_int_eq(p.reverse_scaling_shift, -21);
    ck_assert_int_eq(p.diff_min, -248);
    ck_assert_int_eq(qmath_log_softmax_params(1.0, (double)0.1f, &p), 0);
    ck_assert_int_eq(p.input_multiplier, 1717986944);
    ck_assert_int_eq(p.input_left_shift, 23);
    ck_assert_int_eq(p.reverse_scaling_divisor, 1342177260);
    ck_assert_int_eq(p.reverse_scaling_shift, -22);
    ck_assert_int_eq(p.diff_min, -248);
    ck_assert_int_eq(qmath_log_softmax_params(2.0, 1.0 / 16, &p), 0);
    ck_assert_int_eq(p.input_left_shift, 24);
    ck_assert_int_eq(p.diff_min, -124);
    /* 1e-9 * 2^26 = 0.067 is not above one: TFLM's
       QuantizeMultiplierGreaterThanOne refuses it. */
    ck_assert_int_eq(qmath_log_softmax_params(1.0, 1e-9, &p), -1);
}
END_TEST

Suite *suite_qmath_elem(void)
{
    Suite *s = suite_create("qmath_elem");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, sub_quotients_are_float);
    tcase_add_test(tc, div_quotient_is_float);
    tcase_add_test(tc, log_softmax_params_by_hand);
    suite_add_tcase(s, tc);
    return s;
}
