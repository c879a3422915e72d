/* test_kernel_prelu.c: PRELU, int8 (TFLM's reference
   BroadcastPrelu4DSlow, tensorflow/lite/kernels/internal/reference/
   prelu.h, with the multipliers of micro/kernels/prelu_common.cc's
   CalculatePreluParams), worked by hand. */
#include <check.h>
#include <string.h>

#include "mcn_kernels.h"

/* x [1,1,3,2] at (0.5, 2), a per-channel slope [2] at (0.125, 0) =
   {2, -4}, i.e. 0.25 and -0.5, output (0.25, -1):
     identity 0.5 / 0.25 = 2 -> (2^30, 2); slope 0.5 * 0.125 / 0.25 =
     0.25 -> (2^30, -1)
     x - 2 = {4, -2 | -4, 8 | -3, 125} (channels 0, 1 | 0, 1 | 0, 1)
     c0  4 >= 0: 4 * 2 = 8 -> 7            (2.0 / 0.25)
     c1 -2 * -4 = 8 -> 8 / 4 = 2 -> 1      (-1.0 * -0.5 = 0.5)
     c0 -4 * 2 = -8 -> -2 -> -3            (-2.0 * 0.25 = -0.5)
     c1  8 -> 16 -> 15
     c0 -3 * 2 = -6 -> -1.5, half away from zero -> -2 -> -3
     c1 125 -> 250 -> 249, clamped to 127 */
START_TEST(prelu_per_channel_slope)
{
    const int8_t x[6] = {6, 0, -2, 10, -1, 127}, alpha[2] = {2, -4};
    int8_t out[6];
    mcn_k_prelu_params p;
    memset(&p, 0, sizeof p);
    p.input_offset = -2;
    p.alpha_offset = 0;
    p.output_offset = -1;
    p.identity_multiplier = 1 << 30;
    p.identity_shift = 2;
    p.alpha_multiplier = 1 << 30;
    p.alpha_shift = -1;
    p.size = 6;
    p.bcast = (mcn_k_bcast){{1, 1, 1, 1, 3, 2},
                            {0, 0, 0, 0, 2, 1},
                            {0, 0, 0, 0, 0, 1}};
    p.input_data = x;
    p.alpha_data = alpha;
    p.output_data = out;
    mcn_k_prelu_s8(&p);
    static const int8_t want[6] = {7, 1, -3, 15, -3, 127};
    ck_assert_mem_eq(out, want, 6);

    /* A slope zero point: alpha {10, 4} at zp 8 is the same {2, -4}. */
    const int8_t alpha2[2] = {10, 4};
    p.alpha_offset = -8;
    p.alpha_data = alpha2;
    memset(out, 0, sizeof out);
    mcn_k_prelu_s8(&p);
    ck_assert_mem_eq(out, want, 6);

    /* A slope of x's own shape, elementwise, and in place. */
    const int8_t full[6] = {2, -4, 2, -4, 2, -4};
    int8_t buf[6];
    memcpy(buf, x, 6);
    p.alpha_offset = 0;
    p.alpha_data = full;
    p.input_data = buf;
    p.output_data = buf;
    p.bcast.stride2[4] = 2;
    mcn_k_prelu_s8(&p);
    ck_assert_mem_eq(buf, want, 6);
}
END_TEST

Suite *suite_kernel_prelu(void)
{
    Suite *s = suite_create("kernel_prelu");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, prelu_per_channel_slope);
    suite_add_tcase(s, tc);
    return s;
}
