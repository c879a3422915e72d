/* test_kernel_transpose.c: mcn_k_transpose_s8, the strided copy behind
   TRANSPOSE and SLICE. TFLM's reference Transpose
   (kernels/internal/reference/transpose.h, TransposeImpl) writes the
   output in order, reading input axis perm[d] along output axis d, so
   step d is the input stride of axis perm[d]; a slice steps the input
   stride times its own step from its first element (reference
   StridedSlice). Inputs are 0, 1, 2, ... so every output byte names the
   input offset it came from. */
#include <check.h>
#include <string.h>

#include "mcn_kernels.h"

static int8_t iota[64];

static void setup(void)
{
    for (int i = 0; i < 64; i++)
        iota[i] = (int8_t)i;
}

static void run(int rank, const int32_t *dims, const int32_t *steps,
                uint32_t start, int8_t *out)
{
    mcn_k_transpose_params p;
    memset(&p, 0, sizeof p);
    p.rank = rank;
    memcpy(p.dims, dims, (size_t)rank * sizeof *dims);
    memcpy(p.steps, steps, (size_t)rank * sizeof *steps);
    p.start = start;
    p.input_data = iota;
    p.output_data = out;
    mcn_k_transpose_s8(&p);
}

static void bytes_are(const int8_t *got, const int8_t *want, int n)
{
    for (int i = 0; i < n; i++)
        ck_assert_msg(got[i] == want[i], "byte %d is %d, not %d", i, got[i],
                      want[i]);
}

/* [2,3,4] (strides 12, 4, 1) by perm (2, 0, 1) -> [4,2,3], steps
   (1, 12, 4): out[i][j][k] = in[j][k][i] = 12j + 4k + i. */
START_TEST(transpose_3d)
{
    int8_t out[24];
    run(3, (const int32_t[]){4, 2, 3}, (const int32_t[]){1, 12, 4}, 0, out);
    static const int8_t want[24] = {0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21,
                                    2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19,
                                    23};
    bytes_are(out, want, 24);
}
END_TEST

/* NHWC [1,2,2,3] (strides 12, 6, 3, 1) to NCHW by perm (0, 3, 1, 2):
   [1,3,2,2], steps (12, 1, 6, 3): channel c's plane is 6h + 3w + c. */
START_TEST(transpose_4d_nhwc_to_nchw)
{
    int8_t out[12];
    run(4, (const int32_t[]){1, 3, 2, 2}, (const int32_t[]){12, 1, 6, 3}, 0,
        out);
    static const int8_t want[12] = {0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11};
    bytes_are(out, want, 12);
}
END_TEST

/* [2,2,1,2,1,2] (strides 8, 4, 4, 2, 2, 1) reversed, perm (5,4,3,2,1,0):
   [2,1,2,1,2,2], steps (1, 2, 2, 4, 4, 8). out[a][0][c][0][e][f] =
   in[f][e][0][c][0][a] = 8f + 4e + 2c + a, walked a, c, e, f: the 4-bit
   reversal of 0..15. */
START_TEST(transpose_6d_reversed)
{
    int8_t out[16];
    run(6, (const int32_t[]){2, 1, 2, 1, 2, 2},
        (const int32_t[]){1, 2, 2, 4, 4, 8}, 0, out);
    static const int8_t want[16] = {0, 8, 4, 12, 2, 10, 6, 14,
                                    1, 9, 5, 13, 3, 11, 7, 15};
    bytes_are(out, want, 16);
}
END_TEST

/* SLICE of [3,4] (strides 4, 1): rows from 2 by -1 (2, 1), columns from
   3 by -2 (3, 1). start 2*4 + 3 = 11, steps (-4, -2): 11, 9, 7, 5. */
START_TEST(slice_negative_steps)
{
    int8_t out[4];
    run(2, (const int32_t[]){2, 2}, (const int32_t[]){-4, -2}, 11, out);
    bytes_are(out, (const int8_t[]){11, 9, 7, 5}, 4);
}
END_TEST

/* SLICE of [2,3,4] (strides 12, 4, 1): plane 1, rows 0 and 2, columns
   1..3 (step 1: whole runs). start 12 + 1 = 13, steps (0, 8, 1). */
START_TEST(slice_runs_of_step_one)
{
    int8_t out[6];
    run(3, (const int32_t[]){1, 2, 3}, (const int32_t[]){0, 8, 1}, 13, out);
    bytes_are(out, (const int8_t[]){13, 14, 15, 21, 22, 23}, 6);
}
END_TEST

Suite *suite_kernel_transpose(void)
{
    Suite *s = suite_create("kernel_transpose");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, transpose_3d);
    tcase_add_test(tc, transpose_4d_nhwc_to_nchw);
    tcase_add_test(tc, transpose_6d_reversed);
    tcase_add_test(tc, slice_negative_steps);
    tcase_add_test(tc, slice_runs_of_step_one);
    suite_add_tcase(s, tc);
    return s;
}
