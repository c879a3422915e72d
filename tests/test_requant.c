/* test_requant.c: engine/requant.h, TFLite's fixed-point primitives.
   Every golden is worked out by hand from the definitions (gemmlowp's
   fixedpoint.h, TFLM's MultiplyByQuantizedMultiplier); the working is in
   the comment beside it. */
#include <check.h>
#include <stdint.h>

#include "requant.h"

START_TEST(srdhm_rounds_half_up_and_saturates)
{
    /* a*b/2^31: 2^30 * 2^30 is 2^29 exactly. */
    ck_assert_int_eq(mcn_srdhm(1 << 30, 1 << 30), 1 << 29);
    /* 3 * 2^30 / 2^31 = 1.5: ties of positives go up to 2. */
    ck_assert_int_eq(mcn_srdhm(3, 1 << 30), 2);
    ck_assert_int_eq(mcn_srdhm(5, 1 << 30), 3);       /* 2.5 -> 3 */
    /* Negatives: the nudge 1 - 2^30 then truncation sends -1.5 to -1 and
       -2.5 to -2 (round half up, as VQRDMULH), not away from zero. */
    ck_assert_int_eq(mcn_srdhm(-3, 1 << 30), -1);
    ck_assert_int_eq(mcn_srdhm(-5, 1 << 30), -2);
    ck_assert_int_eq(mcn_srdhm(-7, 1 << 29), -2);     /* -1.75 -> -2 */
    ck_assert_int_eq(mcn_srdhm(-1, 1), 0);            /* -2^-31 -> 0 */
    /* The one overflow: (-1) * (-1) in Q0.31 saturates to INT32_MAX. */
    ck_assert_int_eq(mcn_srdhm(INT32_MIN, INT32_MIN), INT32_MAX);
    /* -2^31 (2^31 - 1) / 2^31 = -2^31 + 1 exactly. */
    ck_assert_int_eq(mcn_srdhm(INT32_MIN, INT32_MAX), INT32_MIN + 1);
    /* (2^31 - 1)^2 / 2^31 = 2^31 - 2 + 2^-31 -> 2^31 - 2. */
    ck_assert_int_eq(mcn_srdhm(INT32_MAX, INT32_MAX), INT32_MAX - 1);
    ck_assert_int_eq(mcn_srdhm(0, INT32_MIN), 0);
}
END_TEST

START_TEST(rdbpot_rounds_half_away_from_zero)
{
    ck_assert_int_eq(mcn_rdbpot(5, 1), 3);     /* 2.5 */
    ck_assert_int_eq(mcn_rdbpot(-5, 1), -3);   /* -2.5 */
    ck_assert_int_eq(mcn_rdbpot(6, 2), 2);     /* 1.5 */
    ck_assert_int_eq(mcn_rdbpot(-6, 2), -2);   /* -1.5 */
    ck_assert_int_eq(mcn_rdbpot(5, 2), 1);     /* 1.25 */
    ck_assert_int_eq(mcn_rdbpot(-5, 2), -1);   /* -1.25 */
    ck_assert_int_eq(mcn_rdbpot(-7, 2), -2);   /* -1.75 */
    ck_assert_int_eq(mcn_rdbpot(-1, 1), -1);   /* -0.5 */
    ck_assert_int_eq(mcn_rdbpot(1, 1), 1);     /* 0.5 */
    ck_assert_int_eq(mcn_rdbpot(123, 0), 123);
    ck_assert_int_eq(mcn_rdbpot(-123, 0), -123);
    /* Exponent 31, the largest. */
    ck_assert_int_eq(mcn_rdbpot(INT32_MIN, 31), -1);       /* -1 */
    ck_assert_int_eq(mcn_rdbpot(INT32_MAX, 31), 1);        /* ~1 */
    ck_assert_int_eq(mcn_rdbpot(1 << 30, 31), 1);          /* 0.5 */
    ck_assert_int_eq(mcn_rdbpot(-(1 << 30), 31), -1);      /* -0.5 */
    ck_assert_int_eq(mcn_rdbpot((1 << 30) - 1, 31), 0);    /* < 0.5 */
    ck_assert_int_eq(mcn_rdbpot(-(1 << 30) + 1, 31), 0);   /* > -0.5 */
}
END_TEST

START_TEST(mbqm_double_rounding)
{
    /* 0.5 = (2^30, 0). */
    ck_assert_int_eq(mcn_mbqm(100, 1 << 30, 0), 50);
    ck_assert_int_eq(mcn_mbqm(3, 1 << 30, 0), 2);     /* 1.5 -> 2 */
    ck_assert_int_eq(mcn_mbqm(-3, 1 << 30, 0), -1);   /* -1.5 -> -1 */
    /* 0.25 = (2^30, -1): two roundings. 5 * 0.25 = 1.25, but the high
       multiply gives 2.5 -> 3 and the shift 1.5 -> 2. */
    ck_assert_int_eq(mcn_mbqm(5, 1 << 30, -1), 2);
    /* -5: high multiply -2.5 -> -2, shift -1 -> -1. */
    ck_assert_int_eq(mcn_mbqm(-5, 1 << 30, -1), -1);
    /* -7 * 0.25 = -1.75: -3.5 -> -3, then -1.5 -> -2. */
    ck_assert_int_eq(mcn_mbqm(-7, 1 << 30, -1), -2);
    /* Left shifts happen before the multiply: 3 * 4 * 0.5. */
    ck_assert_int_eq(mcn_mbqm(3, 1 << 30, 2), 6);
    /* 1.0 = (2^30, 1). */
    ck_assert_int_eq(mcn_mbqm(-77, 1 << 30, 1), -77);
    /* 1000 * 1518500250 / 2^31 = 707.106... -> 707; 707 / 8 = 88.375. */
    ck_assert_int_eq(mcn_mbqm(1000, 1518500250, -3), 88);
    /* Right shift 31: 2^30 * 0.5 / 2^31 = 0.25 -> 0; INT32_MAX * ~1 /
       2^31 ~ 1. */
    ck_assert_int_eq(mcn_mbqm(1 << 30, 1 << 30, -31), 0);
    ck_assert_int_eq(mcn_mbqm(INT32_MAX, INT32_MAX, -31), 1);
}
END_TEST

START_TEST(mbqm_left_shift_wraps_like_tflm)
{
    /* 2^30 * 4 = 2^32 wraps to 0 in TFLM's int32 `x * (1 << 2)`. */
    ck_assert_int_eq(mcn_mbqm(1 << 30, 1 << 30, 2), 0);
    /* 0x30000000 * 4 = 0xC0000000 -> -2^30; * 0.5 = -2^29 exactly. */
    ck_assert_int_eq(mcn_mbqm(0x30000000, 1 << 30, 2), -(1 << 29));
    /* Shift 31: 1 << 31 is INT32_MIN; * 0.5 = -2^30. */
    ck_assert_int_eq(mcn_mbqm(1, 1 << 30, 31), -(1 << 30));
    /* 3 << 31 wraps to INT32_MIN as well (bit 32 falls off). */
    ck_assert_int_eq(mcn_mbqm(3, 1 << 30, 31), -(1 << 30));
    /* An even value shifted by 31 is 0. */
    ck_assert_int_eq(mcn_mbqm(-2, 1 << 30, 31), 0);
}
END_TEST

START_TEST(helpers_without_ub)
{
    ck_assert_int_eq(mcn_wrap_i32(0x80000000u), INT32_MIN);
    ck_assert_int_eq(mcn_wrap_i32(0xffffffffu), -1);
    ck_assert_int_eq(mcn_wrap_i32(0x7fffffffu), INT32_MAX);
    ck_assert_int_eq(mcn_asr(-1, 31), -1);
    ck_assert_int_eq(mcn_asr(-5, 1), -3);     /* floor(-2.5) */
    ck_assert_int_eq(mcn_asr(INT32_MIN, 31), -1);
    ck_assert_int_eq(mcn_asr(7, 1), 3);
    ck_assert_int_eq(mcn_wrap_add(INT32_MAX, 1), INT32_MIN);
    ck_assert_int_eq(mcn_wrap_sub(INT32_MIN, 1), INT32_MAX);
    ck_assert_int_eq(mcn_clz32(1), 31);
    ck_assert_int_eq(mcn_clz32(0x80000000u), 0);
    ck_assert_int_eq(mcn_clz32(0), 32);
}
END_TEST

/* gemmlowp's saturating / rounding multiply by 2^e. */
START_TEST(srmbpot_saturates_and_rounds)
{
    ck_assert_int_eq(mcn_srmbpot(3, 2), 12);
    /* Threshold for e = 2 is 2^29 - 1: above it saturates. */
    ck_assert_int_eq(mcn_srmbpot((1 << 29) - 1, 2), 0x7ffffffc);
    ck_assert_int_eq(mcn_srmbpot(1 << 29, 2), INT32_MAX);
    ck_assert_int_eq(mcn_srmbpot(-(1 << 29), 2), INT32_MIN);
    ck_assert_int_eq(mcn_srmbpot(-(1 << 29) + 1, 2), -0x7ffffffc);
    ck_assert_int_eq(mcn_srmbpot(-6, -2), -2);   /* -1.5 away from 0 */
    ck_assert_int_eq(mcn_srmbpot(42, 0), 42);
    /* Q0.31 one (INT32_MAX) to Q12.19: 2^31 / 2^12 rounds to 2^19. */
    ck_assert_int_eq(mcn_fx_rescale(INT32_MAX, 0, 12), 1 << 19);
    ck_assert_int_eq(mcn_rounding_half_sum(0, INT32_MAX), 1 << 30);
    ck_assert_int_eq(mcn_rounding_half_sum(-3, 0), -2);   /* -1.5 */
    ck_assert_int_eq(mcn_rounding_half_sum(INT32_MAX, INT32_MAX),
                     INT32_MAX);
}
END_TEST

/* exp and 1/(1+x) against exp() and division: gemmlowp documents
   these as accurate to a few ulp of Q0.31 (we allow 2^-20 relative, far
   below the 2^-8 an int8 output resolves), and the exact values at the
   points where its arithmetic is exact. */
START_TEST(exp_and_reciprocal)
{
    /* exp(0) is exactly One = INT32_MAX in Q0.31. */
    ck_assert_int_eq(mcn_exp_on_negative_values(0, 5), INT32_MAX);
    /* exp(-1) = 0.36787944 -> 790015084 in Q0.31 (gemmlowp's own
       constant for exp(-1): the barrel shifter multiplies One by it). */
    int32_t e1 = mcn_exp_on_negative_values(-(1 << 26), 5);
    ck_assert_int_le(e1 > 790015084 ? e1 - 790015084 : 790015084 - e1,
                     2048);
    /* exp(-0.5) = 0.60653066 * 2^31 = 1302514674.6 */
    int32_t eh = mcn_exp_on_negative_values(-(1 << 25), 5);
    ck_assert_int_le(eh > 1302514675 ? eh - 1302514675 : 1302514675 - eh,
                     2048);
    /* exp(-31.9) underflows to 0 in Q0.31 (e^-31.9 * 2^31 = 0.03). */
    ck_assert_int_eq(
        mcn_exp_on_negative_values(-(int32_t)(31.9 * (1 << 26)), 5), 0);
    /* 1 / (1 + 0.5) = 2/3 -> 1431655765 in Q0.31. */
    int32_t r = mcn_one_over_one_plus_x_for_x_in_0_1(1 << 30);
    ck_assert_int_le(r > 1431655765 ? r - 1431655765 : 1431655765 - r,
                     2048);
    /* GetReciprocal(3 * 2^19 in Q12.19 = 1.5): one bit over unit, scale
       1/(2 * 0.75)... shifted to x = 0.5, so 2/3 again. */
    int bits;
    int32_t g = mcn_get_reciprocal(3 << 19, 12, &bits);
    ck_assert_int_eq(bits, 1);
    ck_assert_int_eq(g, r);
}
END_TEST

/* The optimised kernels' requantization is mcn_mbqm's for multipliers
   >= 0: at the edges (zero, INT32_MAX and INT32_MIN inputs, the largest
   multiplier, every shift) and on a million random triples. */
START_TEST(mbqm_pos_is_mbqm)
{
    static const int32_t xs[] = {0, 1, -1, 2, -2, INT32_MAX, INT32_MIN,
                                 INT32_MIN + 1, 1 << 30, -(1 << 30)};
    static const int32_t ms[] = {0, 1, 1 << 30, (1 << 30) + 1, INT32_MAX};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
        for (size_t j = 0; j < sizeof ms / sizeof ms[0]; j++)
            for (int sh = -31; sh <= 31; sh++)
                ck_assert_int_eq(mcn_mbqm_pos(xs[i], ms[j], sh),
                                 mcn_mbqm(xs[i], ms[j], sh));
    uint64_t st = 99;
    for (int k = 0; k < 1000000; k++) {
        uint64_t z = (st += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        int32_t x = (int32_t)(uint32_t)z;
        int32_t m = (int32_t)((uint32_t)(z >> 32) >> 1);
        int sh = (int)((z >> 8) % 63) - 31;
        if (k % 3 == 0)
            x = mcn_asr(x, (int)(z % 31));
        ck_assert_int_eq(mcn_mbqm_pos(x, m, sh), mcn_mbqm(x, m, sh));
    }
}
END_TEST

Suite *suite_requant(void)
{
    Suite *s = suite_create("requant");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, srdhm_rounds_half_up_and_saturates);
    tcase_add_test(tc, rdbpot_rounds_half_away_from_zero);
    tcase_add_test(tc, mbqm_double_rounding);
    tcase_add_test(tc, mbqm_left_shift_wraps_like_tflm);
    tcase_add_test(tc, helpers_without_ub);
    tcase_add_test(tc, srmbpot_saturates_and_rounds);
    tcase_add_test(tc, exp_and_reciprocal);
    tcase_add_test(tc, mbqm_pos_is_mbqm);
    suite_add_tcase(s, tc);
    return s;
}
