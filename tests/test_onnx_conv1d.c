/* test_onnx_conv1d.c: rank-3 [N,C,L] activations under 1-D ops. Conv,
   pools, BatchNormalization and elementwise ops run on a channels-last
   twin, [N,1,L,C] stored as NHWC with H = 1, so chains of them need no
   transposes; the plain [N,C,L] tensor is derived only where something
   else reads it. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_import.h"
#include "test_onnx_build.h"

/* 1-D: [N,C,L] runs as [N,1,L,C] through a 1xK CONV_2D; x [1,2,5] with
   x[c][l] = 10c + l, W[o][c][k] = o + 1 if k == c + 1 else 0 (three taps,
   padded by 1), so y[o][l] = (o + 1) * (x[0][l] + x[1][l + 1]). */
START_TEST(conv_1d_runs_channels_last)
{
    float w[18] = {0}, x[10], y[15];
    for (int o = 0; o < 3; o++)
        for (int ch = 0; ch < 2; ch++)
            w[(o * 2 + ch) * 3 + ch + 1] = (float)(o + 1);
    for (int ch = 0; ch < 2; ch++)
        for (int l = 0; l < 5; l++)
            x[ch * 5 + l] = (float)(10 * ch + l);
    ob *b = ob_new(13);
    ob_input(b, "x", 3, OB_DIMS(1, 2, 5));
    ob_init_f(b, "W", 3, OB_DIMS(3, 2, 3), w);
    Onnx__NodeProto *n = ob_node(b, "Conv", "c1", "x,W", "h");
    ob_attr_ints(b, n, "pads", 2, OB_DIMS(1, 1));
    ob_attr_ints(b, n, "kernel_shape", 1, OB_DIMS(3));
    ob_node(b, "Relu", "r", "h", "y");
    ob_output(b, "y", 3, OB_DIMS(1, 3, 5));
    graph g;
    ob_import_ok(b, &g);
    OB_ASSERT_OPS(&g, MCN_OP_TRANSPOSE, MCN_OP_RESHAPE, MCN_OP_CONV_2D,
                  MCN_OP_RESHAPE, MCN_OP_TRANSPOSE);
    const graph_node *cv = &g.nodes[2];
    ck_assert_int_eq(cv->act, MCN_ACT_RELU);
    ck_assert_int_eq(cv->pad_top + cv->pad_bottom, 0);
    ck_assert_int_eq(cv->pad_left, 1);
    ck_assert_int_eq(cv->pad_right, 1);
    ob_assert_shape(&g.tensors[cv->in[0]], 4, OB_SHAPE(1, 1, 5, 2));
    ob_assert_shape(&g.tensors[cv->in[1]], 4, OB_SHAPE(3, 1, 3, 2));
    ob_assert_shape(&g.tensors[cv->out[0]], 4, OB_SHAPE(1, 1, 5, 3));
    ob_assert_shape(&g.tensors[g.outputs[0]], 3, OB_SHAPE(1, 3, 5));
    ob_run(&g, x, y);
    for (int o = 0; o < 3; o++)
        for (int l = 0; l < 5; l++) {
            float want = (float)(o + 1) *
                         (x[l] + (l + 1 < 5 ? x[5 + l + 1] : 0));
            ck_assert_float_eq(y[o * 5 + l], want);
        }
    graph_free(&g);
    ob_free(b);
}
END_TEST

/* Two 1-D convs with a BatchNormalization between: the BN folds into the
   first and nothing is transposed between them. */
START_TEST(conv_1d_chain_stays_channels_last)
{
    ob *b = ob_new(13);
    ob_input(b, "x", 3, OB_DIMS(1, 2, 6));
    ob_init_f(b, "W1", 3, OB_DIMS(2, 2, 1), (const float[]){1, 0, 0, 1});
    ob_init_f(b, "W2", 3, OB_DIMS(1, 2, 3), (const float[]){1, 1, 1, 1, 1, 1});
    ob_init_f(b, "s", 1, OB_DIMS(2), (const float[]){2, 3});
    ob_init_f(b, "t", 1, OB_DIMS(2), (const float[]){0, 1});
    ob_init_f(b, "m", 1, OB_DIMS(2), (const float[]){0, 0});
    ob_init_f(b, "v", 1, OB_DIMS(2), (const float[]){1, 1});
    ob_node(b, "Conv", "c1", "x,W1", "h");
    ob_attr_f(b, ob_node(b, "BatchNormalization", "bn", "h,s,t,m,v", "n"),
              "epsilon", 0);
    ob_node(b, "Relu", "r", "n", "a");
    ob_node(b, "Conv", "c2", "a,W2", "y");
    ob_output(b, "y", 3, OB_DIMS(1, 1, 4));
    graph g;
    char *log = ob_import_log(b, &g);
    ck_assert_str_eq(log, "folded BatchNormalization 'bn' into Conv 'c1'\n"
                          "fused Relu 'r' into Conv 'c1'\n");
    OB_ASSERT_OPS(&g, MCN_OP_TRANSPOSE, MCN_OP_RESHAPE, MCN_OP_CONV_2D,
                  MCN_OP_CONV_2D, MCN_OP_RESHAPE);
    ob_assert_floats(ob_data(&g, 2, 1), (const float[]){2, 0, 0, 3}, 4);
    ob_assert_floats(ob_data(&g, 2, 2), (const float[]){0, 1}, 2);
    float x[12], y[4];
    for (int i = 0; i < 12; i++)
        x[i] = (float)(i % 6) - (i < 6 ? 1.0f : 4.0f);
    ob_run(&g, x, y);
    /* relu(2 x0), relu(3 x1 + 1), summed over 3 taps. */
    for (int l = 0; l < 4; l++) {
        float want = 0;
        for (int k = 0; k < 3; k++) {
            float a = 2 * x[l + k], c = 3 * x[6 + l + k] + 1;
            want += (a > 0 ? a : 0) + (c > 0 ? c : 0);
        }
        ck_assert_float_eq(y[l], want);
    }
    free(log);
    graph_free(&g);
    ob_free(b);
}
END_TEST

/* A 1-D residual block: two convs, their sum, a concat with the first
   and a global average pool, all on channels-last twins; only the
   input and the output are transposed. */
START_TEST(conv_1d_residual_add_concat_pool_on_twins)
{
    ob *b = ob_new(13);
    ob_input(b, "x", 3, OB_DIMS(1, 2, 4));
    ob_init_f(b, "W1", 3, OB_DIMS(2, 2, 1), (const float[]){1, 0, 0, 2});
    ob_init_f(b, "W2", 3, OB_DIMS(2, 2, 1), (const float[]){0, 1, 1, 0});
    ob_init_f(b, "k", 2, OB_DIMS(2, 1), (const float[]){10, 20});
    ob_node(b, "Conv", "c1", "x,W1", "a");
    ob_node(b, "Conv", "c2", "x,W2", "a2");
    ob_node(b, "Add", "add", "a,a2", "s");
    ob_node(b, "Mul", "mul", "s,k", "m");
    ob_attr_i(b, ob_node(b, "Concat", "cat", "a,m", "c"), "axis", 1);
    ob_node(b, "GlobalAveragePool", "gap", "c", "y");
    ob_output(b, "y", 3, OB_DIMS(1, 4, 1));
    graph g;
    ob_import_ok(b, &g);
    /* The per-channel Mul after the ADD is an affine 1x1 depthwise. */
    OB_ASSERT_OPS(&g, MCN_OP_TRANSPOSE, MCN_OP_RESHAPE, MCN_OP_CONV_2D,
                  MCN_OP_CONV_2D, MCN_OP_ADD, MCN_OP_DEPTHWISE_CONV_2D,
                  MCN_OP_CONCATENATION, MCN_OP_GLOBAL_AVERAGE_POOL,
                  MCN_OP_RESHAPE);
    ob_assert_floats(ob_data(&g, 5, 1), (const float[]){10, 20}, 2);
    ck_assert_int_eq(g.nodes[6].axis, 3);
    float x[8] = {1, 2, 3, 4, 5, 6, 7, 8}, y[4];
    ob_run(&g, x, y);
    /* a = (x0, 2 x1), a2 = (x1, x0): means 2.5, 13; s * k means
       10 * (2.5 + 6.5), 20 * (13 + 2.5). */
    ob_assert_floats(y, (const float[]){2.5f, 13, 90, 310}, 4);
    graph_free(&g);
    ob_free(b);
}
END_TEST

/* MaxPool and AveragePool over L, then an Unsqueeze to [N,C,1,L] and a
   2-D conv: the twin is already that 4-D tensor's NHWC form (the
   same-shape RESHAPE the Unsqueeze leaves goes with
   gpass_collapse_views). */
START_TEST(pool_1d_and_unsqueeze_to_2d)
{
    ob *b = ob_new(13);
    ob_input(b, "x", 3, OB_DIMS(1, 2, 6));
    ob_init_i(b, "ax", 1, OB_DIMS(1), OB_DIMS(2));
    ob_init_f(b, "W", 4, OB_DIMS(1, 2, 1, 1), (const float[]){1, 10});
    Onnx__NodeProto *n = ob_node(b, "MaxPool", "mp", "x", "m");
    ob_attr_ints(b, n, "kernel_shape", 1, OB_DIMS(2));
    ob_attr_ints(b, n, "strides", 1, OB_DIMS(2));
    n = ob_node(b, "AveragePool", "ap", "m", "a");
    ob_attr_ints(b, n, "kernel_shape", 1, OB_DIMS(3));
    ob_attr_ints(b, n, "pads", 2, OB_DIMS(1, 1));
    ob_node(b, "Unsqueeze", "un", "a,ax", "a4");
    ob_node(b, "Conv", "conv", "a4,W", "y");
    ob_output(b, "y", 4, OB_DIMS(1, 1, 1, 3));
    graph g;
    ob_import_ok(b, &g);
    OB_ASSERT_OPS(&g, MCN_OP_TRANSPOSE, MCN_OP_RESHAPE, MCN_OP_MAX_POOL_2D,
                  MCN_OP_AVERAGE_POOL_2D, MCN_OP_CONV_2D);
    const graph_node *mp = &g.nodes[2], *ap = &g.nodes[3];
    ck_assert_int_eq(mp->filter_h, 1);
    ck_assert_int_eq(mp->filter_w, 2);
    ck_assert_int_eq(mp->stride_w, 2);
    ck_assert_int_eq(ap->filter_w, 3);
    ck_assert_int_eq(ap->pad_left, 1);
    ck_assert_int_eq(ap->pad_top, 0);
    float x[12] = {1, 5, 2, 2, 7, 0, -1, -3, 4, 4, 0, 9}, y[3];
    ob_run(&g, x, y);
    /* max: (5, 2, 7) and (-1, 4, 9); mean of 2 or 3 in-bounds taps:
       (3.5, 14/3, 4.5) and (1.5, 4, 6.5); y = c0 + 10 c1. */
    ck_assert_float_eq_tol(y[0], 3.5f + 15, 1e-5f);
    ck_assert_float_eq_tol(y[1], 14.0f / 3 + 40, 1e-5f);
    ck_assert_float_eq_tol(y[2], 4.5f + 65, 1e-5f);
    graph_free(&g);
    ob_free(b);
}
END_TEST

Suite *suite_onnx_conv1d(void)
{
    Suite *s = suite_create("onnx_conv1d");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, conv_1d_runs_channels_last);
    tcase_add_test(tc, conv_1d_chain_stays_channels_last);
    tcase_add_test(tc, conv_1d_residual_add_concat_pool_on_twins);
    tcase_add_test(tc, pool_1d_and_unsqueeze_to_2d);
    suite_add_tcase(s, tc);
    return s;
}
