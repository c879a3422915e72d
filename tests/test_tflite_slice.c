/* test_tflite_slice.c: TFLite's TRANSPOSE, SLICE and STRIDED_SLICE,
   imported as the graph's TRANSPOSE and SLICE (and a RESHAPE for
   shrink_axis_mask) and run on the engine to the bytes TFLM's reference
   kernels move. The index rules are TFLM's: slice.cc's
   GetValidatedBeginAndSizeVectors (size -1 = to the end), and
   strided_slice_logic.h's StartForAxis / StopForAxis (masks, negative
   indices counting from the end, clamping to [0, dim] forward and
   [-1, dim - 1] backward; a count of ceil((stop - start) / stride)). The
   inputs are 0, 1, 2, ... at (0.5, -3), so each output byte is the input
   offset it came from. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "test_tflite_util.h"

static int8_t iota[24];

static void setup(void)
{
    for (int i = 0; i < 24; i++)
        iota[i] = (int8_t)i;
}

static const char *q = "type: INT8, quantization: {scale: [0.5], "
                       "zero_point: [-3]}";

/* An int32 vector as the bytes of a buffer. */
static const char *i32s(char *s, size_t cap, int n, const int32_t *v)
{
    return i8s(s, cap, 4 * n, (const int8_t *)v);
}

/* ---- TRANSPOSE ---- */

/* x [2,3,4] by perm (2, 0, 1) to [4,2,3]: out[i][j][k] = x[j][k][i] =
   12j + 4k + i (test_kernel_transpose.c's case). int8 moves the bytes;
   the float model gives the same numbers. */
static uint8_t *transpose_model(bool int8, const int32_t *perm, size_t *len)
{
    char p[200];
    return model(len,
        "operator_codes: [{builtin_code: TRANSPOSE}],\n"
        "subgraphs: [{tensors: [\n"
        " {shape: [2, 3, 4], name: \"x\", %s},\n"
        " {shape: [3], type: INT32, buffer: 1, name: \"perm\"},\n"
        " {shape: [4, 2, 3], name: \"y\", %s}],\n"
        " inputs: [0], outputs: [2], operators: [\n"
        " {opcode_index: 0, inputs: [0, 1], outputs: [2],"
        "  builtin_options_type: TransposeOptions, builtin_options: {}}]}],\n"
        "buffers: [{}, {data: [%s]}]",
        int8 ? q : "", int8 ? q : "", i32s(p, sizeof p, 3, perm));
}

static const int8_t transposed[24] = {0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17,
                                      21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15,
                                      19, 23};

START_TEST(transpose_permutes)
{
    size_t len;
    uint8_t *m = transpose_model(true, (const int32_t[]){2, 0, 1}, &len);
    graph g;
    import_ok(m, len, &g);
    free(m);
    ops_are(&g, 1, (const mcn_opcode[]){MCN_OP_TRANSPOSE});
    ck_assert_int_eq(g.nodes[0].n_in, 1);   /* perm is a node field */
    ck_assert_int_eq(g.nodes[0].n_ints, 3);
    ck_assert_int_eq(g.nodes[0].ints[0], 2);
    ck_assert_int_eq(g.nodes[0].ints[2], 1);
    int8_t y[24];
    run_int8(&g, (const int8_t *const[]){iota}, y, 24);
    bytes_are(y, transposed, 24);

    m = transpose_model(false, (const int32_t[]){2, 0, 1}, &len);
    import_ok(m, len, &g);
    free(m);
    float xf[24], yf[24];
    for (int i = 0; i < 24; i++)
        xf[i] = (float)i;
    run_float(&g, (const float *const[]){xf}, 0, yf, 24);
    for (int i = 0; i < 24; i++)
        ck_assert_float_eq(yf[i], (float)transposed[i]);
    graph_free(&g);
}
END_TEST

/* ---- SLICE ---- */

/* x [2,3,4], begin (1, 0, 1) and size (-1, 2, 3), INT64: plane 1 to the
   end, rows 0..1, columns 1..3: 12 + 4r + c = 13, 14, 15, 17, 18, 19. */
static uint8_t *slice_model(const int64_t *begin, const int64_t *size,
                            const char *out_shape, size_t *len)
{
    char b[400], s[400];
    return model(len,
        "operator_codes: [{builtin_code: SLICE}],\n"
        "subgraphs: [{tensors: [\n"
        " {shape: [2, 3, 4], name: \"x\", %s},\n"
        " {shape: [3], type: INT64, buffer: 1, name: \"begin\"},\n"
        " {shape: [3], type: INT64, buffer: 2, name: \"size\"},\n"
        " {shape: %s, name: \"y\", %s}],\n"
        " inputs: [0], outputs: [3], operators: [\n"
        " {opcode_index: 0, inputs: [0, 1, 2], outputs: [3]}]}],\n"
        "buffers: [{}, {data: [%s]}, {data: [%s]}]",
        q, out_shape, q, i8s(b, sizeof b, 24, (const int8_t *)begin),
        i8s(s, sizeof s, 24, (const int8_t *)size));
}

START_TEST(slice_takes_begin_and_size)
{
    size_t len;
    uint8_t *m = slice_model((const int64_t[]){1, 0, 1},
                             (const int64_t[]){-1, 2, 3}, "[1, 2, 3]", &len);
    graph g;
    import_ok(m, len, &g);
    free(m);
    ops_are(&g, 1, (const mcn_opcode[]){MCN_OP_SLICE});
    const int32_t bounds[6] = {1, 0, 1, 1, 1, 1};   /* firsts, steps */
    ck_assert_int_eq(g.nodes[0].n_ints, 6);
    ck_assert_mem_eq(g.nodes[0].ints, bounds, sizeof bounds);
    int8_t y[6];
    run_int8(&g, (const int8_t *const[]){iota}, y, 6);
    bytes_are(y, (const int8_t[]){13, 14, 15, 17, 18, 19}, 6);
}
END_TEST

/* ---- STRIDED_SLICE ---- */

static uint8_t *strided_model(const int32_t *begin, const int32_t *end,
                              const int32_t *strides, const char *options,
                              const char *out_shape, size_t *len)
{
    char b[200], e[200], s[200];
    return model(len,
        "operator_codes: [{builtin_code: STRIDED_SLICE}],\n"
        "subgraphs: [{tensors: [\n"
        " {shape: [2, 3, 4], name: \"x\", %s},\n"
        " {shape: [3], type: INT32, buffer: 1, name: \"begin\"},\n"
        " {shape: [3], type: INT32, buffer: 2, name: \"end\"},\n"
        " {shape: [3], type: INT32, buffer: 3, name: \"strides\"},\n"
        " {shape: %s, name: \"y\", %s}],\n"
        " inputs: [0], outputs: [4], operators: [\n"
        " {opcode_index: 0, inputs: [0, 1, 2, 3], outputs: [4],"
        "  builtin_options_type: StridedSliceOptions,"
        "  builtin_options: {%s}}]}],\n"
        "buffers: [{}, {data: [%s]}, {data: [%s]}, {data: [%s]}]",
        q, out_shape, q, options, i32s(b, sizeof b, 3, begin),
        i32s(e, sizeof e, 3, end), i32s(s, sizeof s, 3, strides));
}

/* begin (0, 0, 0), end (2, 100, -1), strides (1, 2, 1): planes 0..1;
   rows from 0 to 100 clamped to 3 by 2: ceil(3 / 2) = 2, rows 0 and 2;
   end -1 counts from the end, 3: columns 0..2.
   {0, 1, 2, 8, 9, 10, 12, 13, 14, 20, 21, 22}. */
START_TEST(strided_slice_clamps_and_counts_from_the_end)
{
    size_t len;
    uint8_t *m = strided_model((const int32_t[]){0, 0, 0},
                               (const int32_t[]){2, 100, -1},
                               (const int32_t[]){1, 2, 1}, "", "[2, 2, 3]",
                               &len);
    graph g;
    import_ok(m, len, &g);
    free(m);
    ops_are(&g, 1, (const mcn_opcode[]){MCN_OP_SLICE});
    int8_t y[12];
    run_int8(&g, (const int8_t *const[]){iota}, y, 12);
    bytes_are(y, (const int8_t[]){0, 1, 2, 8, 9, 10, 12, 13, 14, 20, 21, 22},
              12);
}
END_TEST

/* begin (1, -1, 0), end (0, 0, 0), strides (1, -1, -2), begin_mask and
   end_mask 4 (axis 2), shrink_axis_mask 1 (axis 0):
     axis 0 keeps index 1 and leaves the output;
     axis 1 from -1 = 2 back to 0 (exclusive): rows 2, 1;
     axis 2 masked: from the last, 3, back past the first (-1) by 2:
       ceil(4 / 2) = 2 columns, 3 and 1.
   SLICE [1,2,2] then RESHAPE to [2,2]: 12 + 4r + c = 23, 21, 19, 17. */
START_TEST(strided_slice_masks_and_shrinks)
{
    size_t len;
    uint8_t *m = strided_model((const int32_t[]){1, -1, 0},
                               (const int32_t[]){0, 0, 0},
                               (const int32_t[]){1, -1, -2},
                               "begin_mask: 4, end_mask: 4, "
                               "shrink_axis_mask: 1", "[2, 2]", &len);
    graph g;
    import_ok(m, len, &g);
    free(m);
    ops_are(&g, 2, (const mcn_opcode[]){MCN_OP_SLICE, MCN_OP_RESHAPE});
    const int32_t bounds[6] = {1, 2, 3, 1, -1, -2};
    ck_assert_mem_eq(g.nodes[0].ints, bounds, sizeof bounds);
    const graph_tensor *mid = &g.tensors[g.nodes[0].out[0]];
    ck_assert_str_eq(mid->name, "y/slice");
    shape_is(mid, 3, (const int32_t[]){1, 2, 2});
    ck_assert(mid->scale[0] == 0.5f && mid->zero_point[0] == -3);
    int8_t y[4];
    run_int8(&g, (const int8_t *const[]){iota}, y, 4);
    bytes_are(y, (const int8_t[]){23, 21, 19, 17}, 4);
}
END_TEST

/* What cannot be mapped is refused by name. */
START_TEST(unsupported_slices_are_refused)
{
    static const struct {
        int32_t begin[3], end[3], strides[3];
        const char *options, *out, *msg;
    } cases[] = {
        {{0, 0, 0}, {2, 3, 4}, {1, 1, 1}, "ellipsis_mask: 2", "[2, 3, 4]",
         "operator 0 (STRIDED_SLICE): ellipsis_mask 2 is not supported"},
        {{0, 0, 0}, {2, 3, 4}, {1, 1, 1}, "new_axis_mask: 1", "[2, 3, 4]",
         "operator 0 (STRIDED_SLICE): new_axis_mask 1 is not supported"},
        {{0, 0, 0}, {2, 3, 4}, {1, 1, 1}, "offset: true", "[2, 3, 4]",
         "operator 0 (STRIDED_SLICE): offset (end counted from begin) is not "
         "supported"},
        {{0, 0, 0}, {2, 3, 4}, {1, 0, 1}, "", "[2, 3, 4]",
         "operator 0 (STRIDED_SLICE): the stride of axis 1 is 0"},
        {{1, 0, 0}, {0, 3, 4}, {-1, 1, 1}, "shrink_axis_mask: 1", "[3, 4]",
         "operator 0 (STRIDED_SLICE): axis 0: shrink_axis_mask with begin 1 "
         "and stride -1 takes no value"},
        {{0, 2, 0}, {2, 1, 4}, {1, 1, 1}, "", "[2, 1, 4]",
         "operator 0 (STRIDED_SLICE): slices nothing along axis 1 (begin 2, "
         "end 1, stride 1)"},
        {{0, 0, 0}, {2, 3, 4}, {1, 2, 1}, "", "[2, 3, 4]",
         "operator 0 (STRIDED_SLICE): output [2,3,4] does not follow from "
         "input [2,3,4] (expected [2,2,4])"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        uint8_t *m = strided_model(cases[i].begin, cases[i].end,
                                   cases[i].strides, cases[i].options,
                                   cases[i].out, &len);
        expect_error(m, len, cases[i].msg);
        free(m);
    }
    size_t len;
    uint8_t *m = transpose_model(true, (const int32_t[]){2, 0, 2}, &len);
    expect_error(m, len, "operator 0 (TRANSPOSE): perm is not a permutation "
                 "of 0..2");
    free(m);
    m = slice_model((const int64_t[]){0, 3, 0}, (const int64_t[]){1, 1, 1},
                    "[1, 1, 1]", &len);
    expect_error(m, len, "operator 0 (SLICE): size 1 of axis 1 runs past its "
                 "3 values from 3");
    free(m);
    m = slice_model((const int64_t[]){0, 4, 0}, (const int64_t[]){1, 1, 1},
                    "[1, 1, 1]", &len);
    expect_error(m, len, "operator 0 (SLICE): begin 4 of axis 1 is outside "
                 "0..3");
    free(m);
}
END_TEST

Suite *suite_tflite_slice(void)
{
    Suite *s = suite_create("tflite_slice");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, transpose_permutes);
    tcase_add_test(tc, slice_takes_begin_and_size);
    tcase_add_test(tc, strided_slice_clamps_and_counts_from_the_end);
    tcase_add_test(tc, strided_slice_masks_and_shrinks);
    tcase_add_test(tc, unsupported_slices_are_refused);
    suite_add_tcase(s, tc);
    return s;
}
