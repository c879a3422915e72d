/* test_onnx_fc.c: the importer's fully connected layers: Gemm and MatMul
   weights (transposes, alpha, beta, the C bias or an ADD of C), transA,
   BatchNormalization folded into them, NCHW flattening absorbed into
   their weight columns, and un-flattened for any other reader. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_import.h"
#include "test_onnx_build.h"

START_TEST(batchnorm_folds_into_gemm)
{
    ob *b = ob_new(9);
    ob_input(b, "x", 2, OB_DIMS(1, 3));
    ob_init_f(b, "B", 2, OB_DIMS(2, 3), (const float[]){1, 2, 3, 4, 5, 6});
    ob_init_f(b, "one", 1, OB_DIMS(2), (const float[]){1, 1});
    ob_init_f(b, "zero", 1, OB_DIMS(2), (const float[]){0, 0});
    ob_init_f(b, "var", 1, OB_DIMS(2), (const float[]){0.25f, 4});
    ob_attr_i(b, ob_node(b, "Gemm", "fc", "x,B", "h"), "transB", 1);
    Onnx__NodeProto *bn = ob_node(b, "BatchNormalization", "bn",
                                  "h,one,one,zero,var", "y");
    ob_attr_f(b, bn, "epsilon", 0);
    ob_output(b, "y", 2, OB_DIMS(1, 2));
    graph g;
    ob_import_ok(b, &g);
    ck_assert_int_eq(g.n_nodes, 1);
    ck_assert_int_eq(g.nodes[0].op, MCN_OP_FULLY_CONNECTED);
    /* s = {2, 0.5}, t = {1, 1} */
    ob_assert_floats(ob_data(&g, 0, 1), (const float[]){2, 4, 6, 2, 2.5f, 3},
                     6);
    ob_assert_floats(ob_data(&g, 0, 2), (const float[]){1, 1}, 2);
    graph_free(&g);
    ob_free(b);
}
END_TEST

static ob *gemm(int trans_b, float alpha, float beta, int c_rank,
                const int64_t *c_dims, const float *c)
{
    ob *b = ob_new(13);
    ob_input(b, "a", 2, OB_DIMS(1, 3));
    if (trans_b)
        ob_init_f(b, "B", 2, OB_DIMS(2, 3), (const float[]){1, 2, 3, 4, 5, 6});
    else
        ob_init_f(b, "B", 2, OB_DIMS(3, 2), (const float[]){1, 2, 3, 4, 5, 6});
    if (c)
        ob_init_f(b, "C", c_rank, c_dims, c);
    Onnx__NodeProto *n = ob_node(b, "Gemm", "g", c ? "a,B,C" : "a,B", "y");
    ob_attr_i(b, n, "transB", trans_b);
    ob_attr_f(b, n, "alpha", alpha);
    ob_attr_f(b, n, "beta", beta);
    ob_output(b, "y", 2, OB_DIMS(1, 2));
    return b;
}

START_TEST(gemm_folds_transpose_alpha_and_beta)
{
    graph g;
    ob *b = gemm(0, 2.0f, 0.5f, 1, OB_DIMS(2), (const float[]){1, -1});
    ob_import_ok(b, &g);
    ck_assert_int_eq(g.nodes[0].op, MCN_OP_FULLY_CONNECTED);
    ob_assert_shape(&g.tensors[g.nodes[0].in[1]], 2, OB_SHAPE(2, 3));
    ob_assert_floats(ob_data(&g, 0, 1), (const float[]){2, 6, 10, 4, 8, 12}, 6);
    ob_assert_floats(ob_data(&g, 0, 2), (const float[]){0.5f, -0.5f}, 2);
    graph_free(&g);
    ob_free(b);

    b = gemm(1, 1.0f, 1.0f, 2, OB_DIMS(1, 2), (const float[]){3, 4});
    ob_import_ok(b, &g);
    ob_assert_floats(ob_data(&g, 0, 1), (const float[]){1, 2, 3, 4, 5, 6}, 6);
    ob_assert_floats(ob_data(&g, 0, 2), (const float[]){3, 4}, 2);
    graph_free(&g);
    ob_free(b);

    b = gemm(1, 1.0f, 3.0f, 0, NULL, (const float[]){2});
    ob_import_ok(b, &g);
    ob_assert_floats(ob_data(&g, 0, 2), (const float[]){6, 6}, 2);
    graph_free(&g);
    ob_free(b);

    b = gemm(1, 1.0f, 1.0f, 0, NULL, NULL);
    ob_import_ok(b, &g);
    ck_assert_str_eq(g.tensors[g.nodes[0].in[2]].name, "g_bias");
    ob_assert_floats(ob_data(&g, 0, 2), (const float[]){0, 0}, 2);
    graph_free(&g);
    ob_free(b);
}
END_TEST

START_TEST(gemm_matrix_c_and_trans_a)
{
    /* A C that does not broadcast to Y is an error naming both. */
    ob *b = gemm(1, 1, 1, 2, OB_DIMS(2, 2), (const float[]){1, 2, 3, 4});
    ob_expect_error(b, "node 'g' (Gemm, opset 13): C [2,2] does not "
                       "broadcast to the result [1,2]");

    /* Two rows: a [2,2] C is no bias, so the fc gets zeros and an ADD of
       beta * C follows. */
    b = ob_new(13);
    ob_input(b, "a", 2, OB_DIMS(2, 3));
    ob_init_f(b, "B", 2, OB_DIMS(2, 3), (const float[]){1, 2, 3, 4, 5, 6});
    ob_init_f(b, "C", 2, OB_DIMS(2, 2), (const float[]){1, 2, 3, 4});
    Onnx__NodeProto *n = ob_node(b, "Gemm", "g", "a,B,C", "y");
    ob_attr_i(b, n, "transB", 1);
    ob_attr_f(b, n, "beta", 2.0f);
    ob_output(b, "y", 2, OB_DIMS(2, 2));
    graph g;
    ob_import_ok(b, &g);
    OB_ASSERT_OPS(&g, MCN_OP_FULLY_CONNECTED, MCN_OP_ADD);
    ob_assert_floats(ob_data(&g, 0, 2), (const float[]){0, 0}, 2);
    ob_assert_shape(&g.tensors[g.nodes[1].in[1]], 2, OB_SHAPE(2, 2));
    ob_assert_floats(ob_data(&g, 1, 1), (const float[]){2, 4, 6, 8}, 4);
    float y[4];
    ob_run(&g, (const float[]){1, 0, 0, 0, 1, -1}, y);
    ob_assert_floats(y, (const float[]){1 + 2, 4 + 4, 2 - 3 + 6, 5 - 6 + 8},
                     4);
    graph_free(&g);
    ob_free(b);

    /* transA on an activation: [3,1] seen as [1,3] is a reshape; [3,2] a
       transpose. */
    for (int m = 1; m <= 2; m++) {
        b = ob_new(11);
        ob_input(b, "a", 2, OB_DIMS(3, m));
        ob_init_f(b, "B", 2, OB_DIMS(3, 2), (const float[]){1, 2, 3, 4, 5, 6});
        ob_attr_i(b, ob_node(b, "Gemm", "g", "a,B", "y"), "transA", 1);
        ob_output(b, "y", 2, OB_DIMS(m, 2));
        ob_import_ok(b, &g);
        OB_ASSERT_OPS(&g, m == 1 ? MCN_OP_RESHAPE : MCN_OP_TRANSPOSE,
                      MCN_OP_FULLY_CONNECTED);
        /* a^T rows: (1,2,3) and, for m = 2, (4,5,6) from columns. */
        float x[6] = {1, 4, 2, 5, 3, 6}, out[4];
        if (m == 1)
            x[1] = 2, x[2] = 3;
        ob_run(&g, x, out);
        ob_assert_floats(out, (const float[]){22, 28, 49, 64}, 2 * m);
        graph_free(&g);
        ob_free(b);
    }
}
END_TEST

/* x [1,2,2,2] (C,H,W = 2,2,2) flattened into one output unit whose ONNX
   weights are 0..7 in C,H,W order; the graph flattens H,W,C. */
static ob *flatten_into(const char *how)
{
    ob *b = ob_new(13);
    ob_input(b, "x", 4, OB_DIMS(1, 2, 2, 2));
    if (!strcmp(how, "Flatten")) {
        ob_node(b, "Flatten", "flat", "x", "f");
    } else {
        ob_init_i(b, "shape", 1, OB_DIMS(2), OB_DIMS(0, -1));
        ob_node(b, "Reshape", "flat", "x,shape", "f");
    }
    ob_init_f(b, "B", 2, OB_DIMS(8, 1),
              (const float[]){0, 1, 2, 3, 4, 5, 6, 7});
    ob_node(b, "MatMul", "fc", "f,B", "y");
    ob_output(b, "y", 2, OB_DIMS(1, 1));
    return b;
}

START_TEST(flatten_permutes_fc_weight_columns)
{
    const char *how[2] = {"Flatten", "Reshape"};
    for (int i = 0; i < 2; i++) {
        ob *b = flatten_into(how[i]);
        graph g;
        ob_import_ok(b, &g);
        ck_assert_int_eq(g.n_nodes, 2);
        ck_assert_int_eq(g.nodes[0].op, MCN_OP_RESHAPE);
        ob_assert_shape(&g.tensors[g.nodes[0].out[0]], 2, OB_SHAPE(1, 8));
        ck_assert_int_eq(g.nodes[1].op, MCN_OP_FULLY_CONNECTED);
        /* column (h*2 + w)*2 + c holds ONNX's c*4 + h*2 + w */
        ob_assert_floats(ob_data(&g, 1, 1),
                      (const float[]){0, 4, 1, 5, 2, 6, 3, 7}, 8);
        graph_free(&g);
        ob_free(b);
    }
}
END_TEST

START_TEST(flatten_elsewhere_transposes_to_nchw)
{
    /* x[c][h][w] = 4c + 2h + w, so ONNX's flattening counts up. */
    const float x[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    float y[8];
    ob *b = ob_new(13);
    ob_input(b, "x", 4, OB_DIMS(1, 2, 2, 2));
    ob_node(b, "Flatten", "flat", "x", "f");
    ob_node(b, "Relu", "r", "f", "y");
    ob_output(b, "y", 2, OB_DIMS(1, 8));
    graph g;
    char *log = ob_import_log(b, &g);
    /* The transpose to NCHW right at the input is the edge's own
       transpose undone: the graph takes x as the model orders it. */
    ck_assert_str_eq(log, "transposed 'f' to C,H,W order for Relu 'r'\n"
                          "removed Transpose 'r:nchw' after input 'x' (read "
                          "in the order the model states)\n");
    OB_ASSERT_OPS(&g, MCN_OP_RESHAPE, MCN_OP_CLIP);
    ck_assert_int_eq(g.tensors[g.inputs[0]].layout, MCN_LAYOUT_NHWC);
    ob_assert_shape(&g.tensors[g.inputs[0]], 4, OB_SHAPE(1, 2, 2, 2));
    ob_run(&g, x, y);
    ob_assert_floats(y, x, 8);
    free(log);
    graph_free(&g);
    ob_free(b);

    /* Straight to the output. */
    b = ob_new(13);
    ob_input(b, "x", 4, OB_DIMS(1, 2, 2, 2));
    ob_node(b, "Flatten", "flat", "x", "y");
    ob_output(b, "y", -1, NULL);
    ob_import_ok(b, &g);
    OB_ASSERT_OPS(&g, MCN_OP_RESHAPE);
    ck_assert_str_eq(g.tensors[g.outputs[0]].name, "y");
    ob_run(&g, x, y);
    ob_assert_floats(y, x, 8);
    graph_free(&g);
    ob_free(b);

    /* [1,2,2,2] -> [1,2,4]: NCHW order, then the reshape; the two
       collapse (gpass_collapse_views) to the stored [1,H*W,C] transposed
       by [0,2,1]. */
    b = ob_new(13);
    ob_input(b, "x", 4, OB_DIMS(1, 2, 2, 2));
    ob_init_i(b, "shape", 1, OB_DIMS(3), OB_DIMS(1, 2, 4));
    ob_node(b, "Relu", "relu", "x", "a");
    ob_node(b, "Reshape", "r", "a,shape", "y");
    ob_output(b, "y", -1, NULL);
    ob_import_ok(b, &g);
    OB_ASSERT_OPS(&g, MCN_OP_CLIP, MCN_OP_RESHAPE, MCN_OP_TRANSPOSE);
    ob_assert_shape(&g.tensors[g.nodes[1].out[0]], 3, OB_SHAPE(1, 4, 2));
    ob_assert_ints(g.nodes[2].ints, OB_SHAPE(0, 2, 1), 3);
    ob_assert_shape(&g.tensors[g.outputs[0]], 3, OB_SHAPE(1, 2, 4));
    ob_run(&g, x, y);
    ob_assert_floats(y, x, 8);
    graph_free(&g);
    ob_free(b);
}
END_TEST

START_TEST(flatten_of_1x1_spatial_is_a_plain_reshape)
{
    ob *b = ob_new(13);
    ob_input(b, "x", 4, OB_DIMS(1, 4, 1, 1));
    ob_node(b, "Flatten", "flat", "x", "y");
    ob_output(b, "y", 2, OB_DIMS(1, 4));
    graph g;
    ob_import_ok(b, &g);
    ck_assert_int_eq(g.n_nodes, 1);
    ck_assert_int_eq(g.nodes[0].op, MCN_OP_RESHAPE);
    ob_assert_shape(&g.tensors[g.outputs[0]], 2, OB_SHAPE(1, 4));
    graph_free(&g);
    ob_free(b);
}
END_TEST

/* MatMul of N-D A by a 2-D constant: rows of K through one layer, back
   to ONNX's shape (NHWC again for 4-D). Constant A by an activation B:
   the layer runs on B^T. Two activations: refused. */
START_TEST(matmul_n_d_and_constant_a)
{
    float bw[20], x[24], y[30];
    for (int i = 0; i < 20; i++)
        bw[i] = (float)(i % 7) - 3;
    for (int i = 0; i < 24; i++)
        x[i] = (float)(i % 5) - 1;
    for (int rank = 3; rank <= 4; rank++) {
        ob *b = ob_new(13);
        if (rank == 3)
            ob_input(b, "a", 3, OB_DIMS(2, 3, 4));
        else
            ob_input(b, "a", 4, OB_DIMS(1, 2, 3, 4));
        ob_init_f(b, "B", 2, OB_DIMS(4, 5), bw);
        ob_node(b, "Relu", "r", "a", "ar");
        ob_node(b, "MatMul", "mm", "ar,B", "y");
        ob_output(b, "y", -1, NULL);
        graph g;
        ob_import_ok(b, &g);
        if (rank == 3)
            OB_ASSERT_OPS(&g, MCN_OP_CLIP, MCN_OP_RESHAPE,
                          MCN_OP_FULLY_CONNECTED, MCN_OP_RESHAPE);
        else  /* the transpose back to NHWC went with the edge pass */
            OB_ASSERT_OPS(&g, MCN_OP_CLIP, MCN_OP_TRANSPOSE, MCN_OP_RESHAPE,
                          MCN_OP_FULLY_CONNECTED, MCN_OP_RESHAPE);
        ob_run(&g, x, y);
        for (int r = 0; r < 6; r++)
            for (int n = 0; n < 5; n++) {
                float want = 0;
                for (int k = 0; k < 4; k++) {
                    float a = x[r * 4 + k] > 0 ? x[r * 4 + k] : 0;
                    want += a * bw[k * 5 + n];
                }
                ck_assert_float_eq(y[r * 5 + n], want);
            }
        graph_free(&g);
        ob_free(b);
    }

    ob *b = ob_new(13);
    ob_input(b, "x", 2, OB_DIMS(3, 2));
    ob_init_f(b, "A", 2, OB_DIMS(2, 3), (const float[]){1, 2, 3, 4, 5, 6});
    ob_node(b, "MatMul", "mm", "A,x", "y");
    ob_output(b, "y", 2, OB_DIMS(2, 2));
    graph g;
    ob_import_ok(b, &g);
    OB_ASSERT_OPS(&g, MCN_OP_TRANSPOSE, MCN_OP_FULLY_CONNECTED,
                  MCN_OP_TRANSPOSE);
    ob_assert_floats(ob_data(&g, 1, 1), (const float[]){1, 2, 3, 4, 5, 6}, 6);
    float xv[6] = {1, 0, 0, 1, 1, 1}, yv[4];
    ob_run(&g, xv, yv);
    ob_assert_floats(yv, (const float[]){4, 5, 10, 11}, 4);
    graph_free(&g);
    ob_free(b);

    b = ob_new(13);
    ob_input(b, "x", 2, OB_DIMS(2, 2));
    ob_input(b, "z", 2, OB_DIMS(2, 2));
    ob_node(b, "MatMul", "mm", "x,z", "y");
    ob_output(b, "y", -1, NULL);
    ob_expect_error(b, "node 'mm' (MatMul, opset 13): only an activation "
                       "times a constant is supported (A and B are both "
                       "activations)");
}
END_TEST

Suite *suite_onnx_fc(void)
{
    Suite *s = suite_create("onnx_fc");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, batchnorm_folds_into_gemm);
    tcase_add_test(tc, gemm_folds_transpose_alpha_and_beta);
    tcase_add_test(tc, gemm_matrix_c_and_trans_a);
    tcase_add_test(tc, flatten_permutes_fc_weight_columns);
    tcase_add_test(tc, flatten_elsewhere_transposes_to_nchw);
    tcase_add_test(tc, flatten_of_1x1_spatial_is_a_plain_reshape);
    tcase_add_test(tc, matmul_n_d_and_constant_a);
    suite_add_tcase(s, tc);
    return s;
}
