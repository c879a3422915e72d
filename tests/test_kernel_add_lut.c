/* test_kernel_add_lut.c: ADD and SUB from the packer's table
   (mcn_k_add_s8_lut), against the reference kernel mcn_k_add_s8 that it
   must match byte for byte, and on hand-worked values. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "mcn_kernels.h"
#include "testutil.h"

static uint64_t rng;

static uint32_t next(void)
{
    return (uint32_t)(tu_splitmix(&rng) >> 32);
}

static int32_t in_range(int32_t lo, int32_t hi)
{
    return lo + (int32_t)(next() % (uint32_t)(hi - lo + 1));
}

/* s1 = 0.5, s2 = 0.25, s_out = 1, left shift 20, (2^30, 0), (2^30, -1),
   output (2^30, -19); zero points 5, -3, -10 (test_kernel_add.c's
   constants, element-wise here). */
static void halves(mcn_k_add_params *p, int subtract, const int8_t *x,
                   const int8_t *y, int8_t *out, int32_t *lut)
{
    memset(p, 0, sizeof *p);
    p->subtract = subtract;
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
    p->input1_data = x;
    p->input2_data = y;
    p->output_data = out;
    mcn_k_add_lut_fill(p, lut);
    p->lut = lut;
}

/* x - 5 = {2, 4, -2, 6}, y + 3 = {2, -1, 2, -1}:
     0.5 * x' + 0.25 * y' = {1.5, 1.75, -0.5, 2.75} -> {2, 2, -1, 3}
     (half away from zero) -> {-8, -8, -11, -7}.
   The table holds each term times 2^20: x' = 2 is 2^20, y' = -1 is
   -2^18; byte 0x80 is -128. */
START_TEST(add_from_table_hand_worked)
{
    const int8_t x[4] = {7, 9, 3, 11}, y[4] = {-1, -4, -1, -4};
    int8_t out[4];
    int32_t lut[MCN_K_ADD_LUT_LEN];
    mcn_k_add_params p;
    halves(&p, 0, x, y, out, lut);
    ck_assert_int_eq(lut[7], 1 << 20);
    ck_assert_int_eq(lut[256 + (uint8_t)-4], -(1 << 18));
    ck_assert_int_eq(lut[0x80], (-128 - 5) * (1 << 19));
    mcn_k_add_s8_lut(&p);
    const int8_t want[4] = {-8, -8, -11, -7};
    ck_assert_mem_eq(out, want, sizeof want);
}
END_TEST

/* SUB stores input 2's terms negated: 0.5 * x' - 0.25 * y' = {0.5, 2.25,
   -1.5, 3.25} -> {1, 2, -2, 3} -> {-9, -8, -12, -7}. */
START_TEST(sub_from_table_hand_worked)
{
    const int8_t x[4] = {7, 9, 3, 11}, y[4] = {-1, -4, -1, -4};
    int8_t out[4];
    int32_t lut[MCN_K_ADD_LUT_LEN];
    mcn_k_add_params p;
    halves(&p, 1, x, y, out, lut);
    ck_assert_int_eq(lut[256 + (uint8_t)-4], 1 << 18);
    mcn_k_add_s8_lut(&p);
    const int8_t want[4] = {-9, -8, -12, -7};
    ck_assert_mem_eq(out, want, sizeof want);
}
END_TEST

/* Random offsets, shifts, multipliers (0 too), activation ranges and
   ADD or SUB, some in place: the table kernel gives the reference's
   bytes, through both of its requantizations (output shifts from -31 to
   +2; mcn_rq_fast takes -31 to -2) and both clamps (a third with the
   whole int8 range, SSAT's). */
START_TEST(table_matches_reference)
{
    enum { N = 67 };
    rng = 2026;
    for (int trial = 0; trial < 4000; trial++) {
        int8_t x[N], y[N], ref[N], got[N];
        for (int i = 0; i < N; i++) {
            x[i] = (int8_t)in_range(-128, 127);
            y[i] = (int8_t)in_range(-128, 127);
        }
        mcn_k_add_params p;
        memset(&p, 0, sizeof p);
        p.subtract = (int32_t)(next() & 1);
        p.input1_offset = in_range(-127, 128);
        p.input2_offset = in_range(-127, 128);
        p.output_offset = in_range(-128, 127);
        p.left_shift = trial % 3 ? 20 : in_range(0, 22);
        p.input1_multiplier = in_range(1 << 30, INT32_MAX);
        p.input2_multiplier = trial % 17 ? in_range(1 << 30, INT32_MAX) : 0;
        p.input1_shift = in_range(-8, 0);
        p.input2_shift = in_range(-8, 0);
        p.output_multiplier =
            trial % 13 ? in_range(1 << 30, INT32_MAX) : 0;
        p.output_shift = trial % 5 ? in_range(-24, -14) : in_range(-31, 2);
        p.act_min = trial % 3 ? in_range(-128, 0) : -128;
        p.act_max = trial % 3 ? in_range(p.act_min, 127) : 127;
        p.size = N;
        p.input1_data = x;
        p.input2_data = y;
        p.output_data = ref;
        mcn_k_add_s8(&p);
        int32_t lut[MCN_K_ADD_LUT_LEN];
        mcn_k_add_lut_fill(&p, lut);
        p.lut = lut;
        int in_place = trial % 4 == 0;
        p.output_data = in_place ? x : got;
        mcn_k_add_s8_lut(&p);
        ck_assert_msg(memcmp(in_place ? x : got, ref, N) == 0,
                      "trial %d differs (subtract %d, output shift %d)",
                      trial, (int)p.subtract, (int)p.output_shift);
    }
}
END_TEST

Suite *suite_kernel_add_lut(void)
{
    Suite *s = suite_create("kernel_add_lut");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, add_from_table_hand_worked);
    tcase_add_test(tc, sub_from_table_hand_worked);
    tcase_add_test(tc, table_matches_reference);
    suite_add_tcase(s, tc);
    return s;
}
