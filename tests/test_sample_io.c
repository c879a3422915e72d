/* test_sample_io.c: .npy samples into a model's input and its outputs
   back, with TFLite's rounding and the NCHW <-> NHWC edge. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "sample_io.h"

/* One int8 NCHW-sourced input: graph [1,2,2,3] (NHWC), source (1,3,2,2). */
static void input_graph(graph *g, float scale, int32_t zp)
{
    graph_init(g);
    int32_t shape[4] = {1, 2, 2, 3};
    int t = graph_add_tensor(g, "x", MCN_DT_INT8, 4, shape);
    g->tensors[t].layout = MCN_LAYOUT_NCHW;
    graph_set_quant(g, t, 1, &scale, &zp, 0);
    g->inputs[g->n_inputs++] = t;
}

static npy_array array(npy_dtype dt, int rank, const int64_t *shape,
                       void *data, size_t nbytes)
{
    npy_array a;
    memset(&a, 0, sizeof a);
    a.dtype = dt;
    a.rank = rank;
    memcpy(a.shape, shape, (size_t)rank * sizeof *shape);
    a.data = data;
    a.nbytes = nbytes;
    return a;
}

START_TEST(float_nchw_to_int8_nhwc)
{
    graph g;
    input_graph(&g, 0.5f, 1);
    /* q = round_half_away(x / 0.5) + 1, clamped, per channel (NCHW): */
    float x[12] = {
        0.25f, 0.75f, -0.25f, -0.75f,  /* 0.5,1.5,-0.5,-1.5 -> 2,3,0,-1 */
        1.0f, 100.0f, -100.0f, 0.74f,  /* 2,200,-200,1.48 -> 3,127,-128,2 */
        62.75f, -64.0f, -64.25f, 0.0f, /* 125.5,-128,-128.5,0
                                          -> 127,-127,-128,1 */
    };
    int64_t shape[4] = {1, 3, 2, 2};
    npy_array a = array(NPY_F32, 4, shape, x, sizeof x);
    sample_batch b;
    mcn_err e = {0};
    ck_assert_msg(sample_inputs_from_npy(&g, 0, &a, &b, &e) == 0, "%s",
                  e.msg);
    ck_assert_int_eq(b.n, 1);
    ck_assert_int_eq(b.form, SAMPLE_ONE);
    ck_assert_int_eq(b.dtype, MCN_DT_INT8);
    ck_assert_uint_eq(b.sample_bytes, 12);
    /* NHWC: pixel by pixel, channels c0 c1 c2. */
    const int8_t want[12] = {2, 3, 127, 3, 127, -127,
                             0, -128, -128, -1, 2, 1};
    ck_assert(memcmp(b.data, want, sizeof want) == 0);
    sample_batch_free(&b);
    graph_free(&g);
}
END_TEST

START_TEST(images_of_another_size_are_resized)
{
    /* A float NCHW input [1,4,4,1] fed 2x2 images: bilinear with half-pixel
       centres, edges clamped. Source x at output x' is (x' + 0.5) / 2 -
       0.5: -0.25 (clamped to 0), 0.25, 0.75, 1.25 (past the last: its
       value), so the row 0 1 becomes 0, 0.25, 0.75, 1; columns alike. */
    graph g;
    graph_init(&g);
    int32_t shape[4] = {1, 4, 4, 1};
    int t = graph_add_tensor(&g, "x", MCN_DT_FLOAT32, 4, shape);
    g.tensors[t].layout = MCN_LAYOUT_NCHW;
    g.inputs[g.n_inputs++] = t;
    float x[8] = {0, 1, 2, 3, 10, 10, 10, 10};
    int64_t two[4] = {2, 1, 2, 2};
    npy_array a = array(NPY_F32, 4, two, x, sizeof x);
    sample_batch b;
    mcn_err e = {0};
    ck_assert_msg(sample_inputs_resized(&g, 0, &a, &b, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(b.n, 2);
    ck_assert_uint_eq(b.sample_bytes, 16 * sizeof(float));
    static const float want[16] = {0,   0.25, 0.75, 1,   0.5, 0.75, 1.25, 1.5,
                                   1.5, 1.75, 2.25, 2.5, 2,   2.25, 2.75, 3};
    const float *y = b.data;
    for (int i = 0; i < 16; i++) {
        ck_assert_msg(y[i] == want[i], "pixel %d: %g, not %g", i, y[i],
                      want[i]);
        ck_assert(y[16 + i] == 10);
    }
    sample_batch_free(&b);
    /* Without resizing the same array is refused; resized or not, other
       mismatches are. */
    ck_assert(sample_inputs_from_npy(&g, 0, &a, &b, &e) != 0);
    int64_t chans[4] = {1, 2, 2, 2};
    a = array(NPY_F32, 4, chans, x, sizeof x);
    ck_assert(sample_inputs_resized(&g, 0, &a, &b, &e) != 0);
    graph_free(&g);
}
END_TEST

START_TEST(division_is_in_float)
{
    graph g;
    input_graph(&g, 0.1f, 0);
    /* 0.25f / 0.1f is 2.49999996 in double (rounds to 2) but 2.5 in
       float, and TFLite divides in float: 3. Likewise 0.35f -> 3.5 -> 4. */
    float x[12] = {0.25f, 0.35f};
    int64_t shape[5] = {1, 1, 3, 2, 2};
    npy_array a = array(NPY_F32, 5, shape, x, sizeof x);
    sample_batch b;
    mcn_err e = {0};
    ck_assert_msg(sample_inputs_from_npy(&g, 0, &a, &b, &e) == 0, "%s",
                  e.msg);
    ck_assert_int_eq(b.form, SAMPLE_LEADING_AXIS);  /* even of 1 */
    const int8_t *q = b.data;
    ck_assert_int_eq(q[0], 3);  /* c0 of pixel 0 */
    ck_assert_int_eq(q[3], 4);  /* c0 of pixel 1 */
    sample_batch_free(&b);
    graph_free(&g);
}
END_TEST

START_TEST(int8_arrays_are_raw_and_batches_split)
{
    graph g;
    input_graph(&g, 0.5f, 1);
    int8_t x[24];
    for (int i = 0; i < 24; i++)
        x[i] = (int8_t)(i - 12);
    /* (N, *source_shape[1:]): 2 samples of (3, 2, 2). */
    int64_t shape[4] = {2, 3, 2, 2};
    npy_array a = array(NPY_I8, 4, shape, x, sizeof x);
    sample_batch b;
    mcn_err e = {0};
    ck_assert_msg(sample_inputs_from_npy(&g, 0, &a, &b, &e) == 0, "%s",
                  e.msg);
    ck_assert_int_eq(b.n, 2);
    ck_assert_int_eq(b.form, SAMPLE_BATCH_DIM);
    /* Sample 1 starts at x[12] = 0; NHWC pixel 0 is x[12], x[16], x[20]. */
    const int8_t *q = (const int8_t *)b.data + 12;
    ck_assert_int_eq(q[0], 0);
    ck_assert_int_eq(q[1], 4);
    ck_assert_int_eq(q[2], 8);
    ck_assert_int_eq(q[3], 1);
    sample_batch_free(&b);
    /* A shape that fits neither way is refused, naming both. */
    int64_t bad[4] = {2, 2, 2, 3};
    a = array(NPY_I8, 4, bad, x, sizeof x);
    ck_assert_int_eq(sample_inputs_from_npy(&g, 0, &a, &b, &e), -1);
    ck_assert_str_eq(e.msg, "array of shape (2,2,2,3) does not fit input of "
                            "shape (1,3,2,2) (expected it, or N samples of "
                            "it)");
    graph_free(&g);
}
END_TEST

START_TEST(nan_is_refused)
{
    graph g;
    input_graph(&g, 0.5f, 1);
    float x[12] = {0};
    x[5] = __builtin_nanf("");
    int64_t shape[4] = {1, 3, 2, 2};
    npy_array a = array(NPY_F32, 4, shape, x, sizeof x);
    sample_batch b;
    mcn_err e;
    ck_assert_int_eq(sample_inputs_from_npy(&g, 0, &a, &b, &e), -1);
    ck_assert_str_eq(e.msg, "sample 0 has NaN at element 5");
    graph_free(&g);
}
END_TEST

START_TEST(outputs_dequantize_to_source_layout)
{
    graph g;
    graph_init(&g);
    /* graph [1,1,2,2] (H 1, W 2, C 2), source NCHW (1,2,1,2). */
    int32_t shape[4] = {1, 1, 2, 2};
    int t = graph_add_tensor(&g, "y", MCN_DT_INT8, 4, shape);
    g.tensors[t].layout = MCN_LAYOUT_NCHW;
    float s = 0.5f;
    int32_t zp = -128;
    graph_set_quant(&g, t, 1, &s, &zp, 0);
    g.outputs[g.n_outputs++] = t;
    const int8_t data[8] = {-128, 0, 10, 127, 1, 2, 3, 4};
    npy_array y;
    mcn_err e = {0};
    ck_assert_msg(sample_outputs_to_npy(&g, 0, data, 2, SAMPLE_LEADING_AXIS, false, &y,
                                        &e) == 0, "%s", e.msg);
    ck_assert_int_eq(y.dtype, NPY_F32);
    ck_assert_int_eq(y.rank, 5);
    const int64_t want_shape[5] = {2, 1, 2, 1, 2};
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(y.shape[i], want_shape[i]);
    /* 0.5 * (q + 128); NHWC (p0c0 p0c1 p1c0 p1c1) -> NCHW (c0: p0 p1,
       c1: p0 p1). */
    const float want[8] = {0.0f, 69.0f, 64.0f, 127.5f,
                           64.5f, 65.5f, 65.0f, 66.0f};
    for (int i = 0; i < 8; i++)
        ck_assert_float_eq(((const float *)y.data)[i], want[i]);
    npy_free(&y);
    /* Raw: int8 as is, still transposed; unbatched: the source shape. */
    ck_assert_int_eq(sample_outputs_to_npy(&g, 0, data, 1, SAMPLE_ONE, true,
                                           &y, &e), 0);
    ck_assert_int_eq(y.dtype, NPY_I8);
    ck_assert_int_eq(y.rank, 4);
    ck_assert_int_eq(y.shape[1], 2);
    const int8_t raw[4] = {-128, 10, 0, 127};
    ck_assert(memcmp(y.data, raw, 4) == 0);
    npy_free(&y);
    /* N samples that replaced the batch of 1 come back as (N, *shape[1:]),
       as ONNX Runtime returns a dynamic batch. */
    ck_assert_int_eq(sample_outputs_to_npy(&g, 0, data, 2, SAMPLE_BATCH_DIM,
                                           true, &y, &e), 0);
    ck_assert_int_eq(y.rank, 4);
    const int64_t batch_shape[4] = {2, 2, 1, 2};
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(y.shape[i], batch_shape[i]);
    npy_free(&y);
    graph_free(&g);
}
END_TEST

Suite *suite_sample_io(void)
{
    Suite *s = suite_create("sample_io");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, float_nchw_to_int8_nhwc);
    tcase_add_test(tc, division_is_in_float);
    tcase_add_test(tc, images_of_another_size_are_resized);
    tcase_add_test(tc, int8_arrays_are_raw_and_batches_split);
    tcase_add_test(tc, nan_is_refused);
    tcase_add_test(tc, outputs_dequantize_to_source_layout);
    suite_add_tcase(s, tc);
    return s;
}
