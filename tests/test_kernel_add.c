/* test_kernel_add.c: ADD with broadcasting (the element-wise case is in
   test_kernel_misc.c; the arithmetic per element is the same), and SUB,
   which is the same kernel with the second scaled input subtracted
   (TFLM's reference SubElementwise and BroadcastQuantSubSlow,
   tensorflow/lite/kernels/internal/reference/sub.h: raw_sub = scaled1 -
   scaled2). */
#include <check.h>
#include <string.h>

#include "mcn_kernels.h"

/* s1 = 0.5, s2 = 0.25, s_out = 1, left shift 20, (2^30, 0), (2^30, -1),
   output (2^30, -19); zero points 5, -3, -10; a per-channel constant c
   [2] broadcast onto x [1,1,2,2]. */
static void per_channel(mcn_k_add_params *p, const int8_t *x,
                        const int8_t *c, int8_t *out)
{
    memset(p, 0, sizeof *p);
    p->input1_offset = -5;
    p->input2_offset = 3;
    p->output_offset = -10;
    p->left_shift = 20;
    p->input1_multiplier = 1 << 30;
    p->input1_shift = 0;
    p->input2_multiplier = 1 << 30;
    p->input2_shift = -1;
    p->output_multiplier = 1 << 30;
    p->output_shift = -19;
    p->act_min = -128;
    p->act_max = 127;
    p->size = 4;
    p->broadcast = 1;
    p->bcast = (mcn_k_bcast){{1, 1, 1, 1, 2, 2},
                             {0, 0, 0, 0, 2, 1},
                             {0, 0, 0, 0, 0, 1}};
    p->input1_data = x;
    p->input2_data = c;
    p->output_data = out;
}

/* The same operands the other way round: c first, x second. */
static void swap_operands(mcn_k_add_params *p, const int8_t *x,
                          const int8_t *c)
{
    p->input1_offset = 3;
    p->input2_offset = -5;
    p->input1_shift = -1;
    p->input2_shift = 0;
    p->bcast = (mcn_k_bcast){{1, 1, 1, 1, 2, 2},
                             {0, 0, 0, 0, 0, 1},
                             {0, 0, 0, 0, 2, 1}};
    p->input1_data = c;
    p->input2_data = x;
}

/* A per-channel constant added to x [1,1,2,2]:
     x - 5 = {2, 4, -2, 6} (channels 0, 1, 0, 1), c + 3 = {2, -1}
     0.5 * {2, 4, -2, 6} + 0.25 * {2, -1, 2, -1}
       = {1.5, 1.75, -0.5, 2.75} -> {2, 2, -1, 3} (half away from zero)
       -> {-8, -8, -11, -7} */
START_TEST(add_broadcasts_per_channel)
{
    const int8_t x[4] = {7, 9, 3, 11}, c[2] = {-1, -4};
    int8_t out[4];
    mcn_k_add_params p;
    per_channel(&p, x, c, out);
    mcn_k_add_s8(&p);
    static const int8_t want[4] = {-8, -8, -11, -7};
    ck_assert_mem_eq(out, want, 4);

    /* Swapping the operands (and their parameters) gives the same. */
    swap_operands(&p, x, c);
    memset(out, 0, sizeof out);
    mcn_k_add_s8(&p);
    ck_assert_mem_eq(out, want, 4);
}
END_TEST

/* SUB on the same operands:
     0.5 * {2, 4, -2, 6} - 0.25 * {2, -1, 2, -1}
       = {0.5, 2.25, -1.5, 3.25}
   In the fixed point 0.5 is 2^20 - 2^19 = 2^19, halved to 2^18 by the
   output multiplier and divided by 2^19: exactly a half, rounded away
   from zero to 1; -1.5 likewise to -2. -> {-9, -8, -12, -7}. The other
   way round, c - x = {-0.5, -2.25, 1.5, -3.25} -> {-1, -2, 2, -3} ->
   {-11, -12, -8, -13}. */
START_TEST(sub_broadcasts_per_channel)
{
    const int8_t x[4] = {7, 9, 3, 11}, c[2] = {-1, -4};
    int8_t out[4];
    mcn_k_add_params p;
    per_channel(&p, x, c, out);
    p.subtract = 1;
    mcn_k_add_s8(&p);
    ck_assert_mem_eq(out, ((const int8_t[]){-9, -8, -12, -7}), 4);
    swap_operands(&p, x, c);
    mcn_k_add_s8(&p);
    ck_assert_mem_eq(out, ((const int8_t[]){-11, -12, -8, -13}), 4);
}
END_TEST

/* Elementwise, in place, with a fused RELU: x - y at equal scales (0.5,
   0) into (0.5, 0), where twice the larger scale is 1, so each input
   takes (2^30, 0) and the output 1 / (2^20 * 0.5) = 2^-19, (2^30, -18):
   {3, -3, 0, 255 -> 127}, and from the zero point up {3, 0, 0, 127}. */
START_TEST(sub_elementwise_in_place)
{
    int8_t x[4] = {5, 1, 7, 127};
    const int8_t y[4] = {2, 4, 7, -128};
    mcn_k_add_params p;
    per_channel(&p, x, y, x);
    p.input1_offset = p.input2_offset = p.output_offset = 0;
    p.input2_shift = 0;
    p.output_shift = -18;
    p.broadcast = 0;
    p.act_min = 0;
    p.subtract = 1;
    mcn_k_add_s8(&p);
    ck_assert_mem_eq(x, ((const int8_t[]){3, 0, 0, 127}), 4);
}
END_TEST

Suite *suite_kernel_add(void)
{
    Suite *s = suite_create("kernel_add");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, add_broadcasts_per_channel);
    tcase_add_test(tc, sub_broadcasts_per_channel);
    tcase_add_test(tc, sub_elementwise_in_place);
    suite_add_tcase(s, tc);
    return s;
}
