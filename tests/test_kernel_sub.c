/* test_kernel_sub.c: SUB, int8, which is ADD's kernel with the second
   scaled input subtracted (TFLM's reference SubElementwise and
   BroadcastQuantSubSlow, tensorflow/lite/kernels/internal/reference/
   sub.h: raw_sub = scaled1 - scaled2), worked by hand. */
#include <check.h>
#include <string.h>

#include "mcn_kernels.h"

/* test_kernel_add's parameters: s1 = 0.5 (zp 5), s2 = 0.25 (zp -3),
   s_out = 1 (zp -10), left shift 20, (2^30, 0), (2^30, -1), output
   (2^30, -19). x - 5 = {2, 4, -2, 6} (channels 0, 1, 0, 1), c + 3 =
   {2, -1}:
     0.5 * {2, 4, -2, 6} - 0.25 * {2, -1, 2, -1}
       = {0.5, 2.25, -1.5, 3.25}
   In the fixed point 0.5 is 2^20 - 2^19 = 2^19, halved to 2^18 by the
   output multiplier and divided by 2^19: exactly a half, rounded away
   from zero to 1; -1.5 likewise to -2. -> {-9, -8, -12, -7} */
START_TEST(sub_broadcasts_per_channel)
{
    const int8_t x[4] = {7, 9, 3, 11}, c[2] = {-1, -4};
    int8_t out[4];
    mcn_k_add_params p;
    memset(&p, 0, sizeof p);
    p.input1_offset = -5;
    p.input2_offset = 3;
    p.output_offset = -10;
    p.left_shift = 20;
    p.input1_multiplier = 1 << 30;
    p.input2_multiplier = 1 << 30;
    p.input2_shift = -1;
    p.output_multiplier = 1 << 30;
    p.output_shift = -19;
    p.act_min = -128;
    p.act_max = 127;
    p.size = 4;
    p.broadcast = 1;
    p.bcast = (mcn_k_bcast){{1, 1, 1, 1, 2, 2},
                            {0, 0, 0, 0, 2, 1},
                            {0, 0, 0, 0, 0, 1}};
    p.input1_data = x;
    p.input2_data = c;
    p.output_data = out;
    p.subtract = 1;
    mcn_k_add_s8(&p);
    ck_assert_mem_eq(out, ((const int8_t[]){-9, -8, -12, -7}), 4);

    /* The other way round, c - x: {-0.5, -2.25, 1.5, -3.25} -> {-1, -2,
       2, -3} (halves away from zero either way) -> {-11, -12, -8, -13}. */
    p.input1_offset = 3;
    p.input2_offset = -5;
    p.input1_shift = -1;
    p.input2_shift = 0;
    p.bcast = (mcn_k_bcast){{1, 1, 1, 1, 2, 2},
                            {0, 0, 0, 0, 0, 1},
                            {0, 0, 0, 0, 2, 1}};
    p.input1_data = c;
    p.input2_data = x;
    mcn_k_add_s8(&p);
    ck_assert_mem_eq(out, ((const int8_t[]){-11, -12, -8, -13}), 4);
}
END_TEST

/* Elementwise with a fused RELU (act_min at the zero point): x - y at
   equal scales (0.5, 0) into (0.5, 0): {3, -3, 0, 127 - -128 -> 127}. */
START_TEST(sub_elementwise_clamped)
{
    const int8_t x[4] = {5, 1, 7, 127}, y[4] = {2, 4, 7, -128};
    int8_t out[4];
    mcn_k_add_params p;
    memset(&p, 0, sizeof p);
    p.left_shift = 20;
    p.input1_multiplier = p.input2_multiplier = 1 << 30;
    /* 2 * max scale = 1: each input at 0.5 -> (2^30, 0); output 1 / (2^20
       * 0.5) = 2^-19 -> (2^30, -18). */
    p.output_multiplier = 1 << 30;
    p.output_shift = -18;
    p.act_min = -128;
    p.act_max = 127;
    p.size = 4;
    p.input1_data = x;
    p.input2_data = y;
    p.output_data = out;
    p.subtract = 1;
    mcn_k_add_s8(&p);
    ck_assert_mem_eq(out, ((const int8_t[]){3, -3, 0, 127}), 4);
    p.act_min = 0;
    mcn_k_add_s8(&p);
    ck_assert_mem_eq(out, ((const int8_t[]){3, 0, 0, 127}), 4);
}
END_TEST

Suite *suite_kernel_sub(void)
{
    Suite *s = suite_create("kernel_sub");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, sub_broadcasts_per_channel);
    tcase_add_test(tc, sub_elementwise_clamped);
    suite_add_tcase(s, tc);
    return s;
}
