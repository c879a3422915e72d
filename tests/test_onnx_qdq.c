/* test_onnx_qdq.c: pre-quantized models. QDQ (Q/DQ pairs around float
   ops, as ONNX Runtime's quantizer writes them) and QOperator (QLinearConv,
   QLinearMatMul) models import as int8 graphs at their own scales: int8
   weights per channel, int32 biases at s_in * s_w, uint8 moved to int8 by
   -128, graph inputs and outputs int8; what cannot be int8 stays float
   between DEQUANTIZE and QUANTIZE. ONNX's QLinearConv case runs on the
   engine. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "graph_io.h"
#include "mcn.h"
#include "onnx_import.h"
#include "pack.h"
#include "test_onnx_build.h"

#define U8 ONNX__TENSOR_PROTO__DATA_TYPE__UINT8
#define I8 ONNX__TENSOR_PROTO__DATA_TYPE__INT8
#define I32 ONNX__TENSOR_PROTO__DATA_TYPE__INT32

/* x -> Q/DQ (0.02, uint8 128) -> Conv 1x1 (int8 weights per channel,
   int32 bias, both through DQ) -> Q/DQ (0.05, uint8 100) -> y; or, per
   tensor, the weights at 0.5 and the bias at 0.01, their DQs with no
   axis. */
static ob *qdq_conv(bool per_tensor)
{
    ob *b = ob_new(13);
    ob_input(b, "x", 4, OB_DIMS(1, 2, 2, 2));
    ob_init_f(b, "sx", 0, NULL, (const float[]){0.02f});
    ob_init_q(b, "zx", U8, 0, NULL, (const int32_t[]){128});
    ob_init_f(b, "sy", 0, NULL, (const float[]){0.05f});
    ob_init_q(b, "zy", U8, 0, NULL, (const int32_t[]){100});
    /* W[o][i] = {{1, -2}, {3, 4}, {-127, 5}} */
    ob_init_q(b, "Wq", I8, 4, OB_DIMS(3, 2, 1, 1),
              (const int32_t[]){1, -2, 3, 4, -127, 5});
    ob_init_q(b, "Bq", I32, 1, OB_DIMS(3), (const int32_t[]){100, -7, 1000});
    if (per_tensor) {
        ob_init_f(b, "sw", 0, NULL, (const float[]){0.5f});
        ob_init_q(b, "zw", I8, 0, NULL, (const int32_t[]){0});
        ob_init_f(b, "sb", 0, NULL, (const float[]){0.02f * 0.5f});
    } else {
        ob_init_f(b, "sw", 1, OB_DIMS(3),
                  (const float[]){0.5f, 0.25f, 0.125f});
        ob_init_q(b, "zw", I8, 1, OB_DIMS(3), (const int32_t[]){0, 0, 0});
        ob_init_f(b, "sb", 1, OB_DIMS(3), (const float[]){0.02f * 0.5f,
                                                         0.02f * 0.25f,
                                                         0.02f * 0.125f});
    }
    ob_node(b, "QuantizeLinear", "qx", "x,sx,zx", "xq");
    ob_node(b, "DequantizeLinear", "dqx", "xq,sx,zx", "xd");
    Onnx__NodeProto *dqw = ob_node(b, "DequantizeLinear", "dqw", "Wq,sw,zw",
                                   "W");
    Onnx__NodeProto *dqb = ob_node(b, "DequantizeLinear", "dqb", "Bq,sb",
                                   "B");
    if (!per_tensor) {
        ob_attr_i(b, dqw, "axis", 0);
        ob_attr_i(b, dqb, "axis", 0);
    }
    ob_node(b, "Conv", "conv", "xd,W,B", "c");
    ob_node(b, "QuantizeLinear", "qy", "c,sy,zy", "cq");
    ob_node(b, "DequantizeLinear", "dqy", "cq,sy,zy", "y");
    return b;
}

START_TEST(qdq_conv_becomes_an_int8_conv)
{
    ob *b = qdq_conv(false);
    ob_output(b, "y", 4, OB_DIMS(1, 3, 2, 2));
    graph g;
    char *log = ob_import_log(b, &g);
    ck_assert_str_eq(log, "folded DequantizeLinear 'dqw' into a constant\n"
                          "folded DequantizeLinear 'dqb' into a constant\n"
                          "made 1 of 1 nodes int8 at their Q/DQ scales\n");
    OB_ASSERT_OPS(&g, MCN_OP_CONV_2D);
    const graph_node *n = &g.nodes[0];
    /* The graph input is the int8 one, at the Q's scale; uint8 128 is
       int8 0. */
    const graph_tensor *x = &g.tensors[n->in[0]];
    ck_assert_int_eq(g.inputs[0], n->in[0]);
    ck_assert_int_eq(x->dtype, MCN_DT_INT8);
    ck_assert_int_eq(x->nscale, 1);
    ck_assert_float_eq(x->scale[0], 0.02f);
    ck_assert_int_eq(x->zero_point[0], 0);
    ck_assert_int_eq(x->layout, MCN_LAYOUT_NCHW);
    /* The model's own int8 weights, reordered OIHW -> OHWI, per channel. */
    const graph_tensor *w = &g.tensors[n->in[1]];
    ck_assert_int_eq(w->dtype, MCN_DT_INT8);
    ob_assert_shape(w, 4, OB_SHAPE(3, 1, 1, 2));
    const int8_t *wq = w->data;
    const int8_t want_w[6] = {1, -2, 3, 4, -127, 5};
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(wq[i], want_w[i]);
    ck_assert_int_eq(w->nscale, 3);
    ck_assert_int_eq(w->quant_axis, 0);
    ob_assert_floats(w->scale, (const float[]){0.5f, 0.25f, 0.125f}, 3);
    ob_assert_ints(w->zero_point, OB_SHAPE(0, 0, 0), 3);
    /* The int32 bias again, at s_in * s_w. */
    const graph_tensor *bias = &g.tensors[n->in[2]];
    ck_assert_int_eq(bias->dtype, MCN_DT_INT32);
    ob_assert_ints(bias->data, OB_SHAPE(100, -7, 1000), 3);
    ck_assert_int_eq(bias->nscale, 3);
    ob_assert_floats(bias->scale, (const float[]){0.02f * 0.5f,
                                               0.02f * 0.25f,
                                               0.02f * 0.125f}, 3);
    /* The output is int8 at the last Q's scale: uint8 100 -> -28. */
    const graph_tensor *y = &g.tensors[g.outputs[0]];
    ck_assert_int_eq(n->out[0], g.outputs[0]);
    ck_assert_int_eq(y->dtype, MCN_DT_INT8);
    ck_assert_float_eq(y->scale[0], 0.05f);
    ck_assert_int_eq(y->zero_point[0], -28);
    ck_assert_str_eq(y->name, "y");
    free(log);
    graph_free(&g);
    ob_free(b);
}
END_TEST

/* Per-tensor weights and bias: a scalar scale ignores the axis (ONNX
   says so), so the rank-1 bias's DequantizeLinear needs none for its
   default of 1 to be out of range (ONNX Runtime's quantizer and
   mcn-export write them so). */
START_TEST(per_tensor_bias_needs_no_axis)
{
    ob *b = qdq_conv(true);
    ob_output(b, "y", 4, OB_DIMS(1, 3, 2, 2));
    graph g;
    ob_import_ok(b, &g);
    OB_ASSERT_OPS(&g, MCN_OP_CONV_2D);
    const graph_tensor *w = &g.tensors[g.nodes[0].in[1]];
    const graph_tensor *bias = &g.tensors[g.nodes[0].in[2]];
    ck_assert_int_eq(w->dtype, MCN_DT_INT8);
    ck_assert_int_eq(w->nscale, 1);
    ob_assert_floats(w->scale, (const float[]){0.5f}, 1);
    ck_assert_int_eq(bias->dtype, MCN_DT_INT32);
    ob_assert_ints(bias->data, OB_SHAPE(100, -7, 1000), 3);
    graph_free(&g);
    ob_free(b);
}
END_TEST

/* A Softmax the model leaves in float: DEQUANTIZE before it, and a float
   output. Weights whose zero point is not 0 are quantized again. */
START_TEST(float_op_between_dequantize_and_float_output)
{
    ob *b = ob_new(13);
    ob_input(b, "x", 2, OB_DIMS(1, 2));
    ob_init_f(b, "s", 0, NULL, (const float[]){0.1f});
    ob_init_q(b, "z", I8, 0, NULL, (const int32_t[]){3});
    ob_init_q(b, "Bq", U8, 2, OB_DIMS(2, 2), (const int32_t[]){0, 10, 20, 255});
    ob_init_f(b, "sb", 0, NULL, (const float[]){0.5f});
    ob_init_q(b, "zb", U8, 0, NULL, (const int32_t[]){10});
    ob_node(b, "QuantizeLinear", "qx", "x,s,z", "xq");
    ob_node(b, "DequantizeLinear", "dqx", "xq,s,z", "xd");
    ob_node(b, "DequantizeLinear", "dqb", "Bq,sb,zb", "B");
    ob_node(b, "MatMul", "mm", "xd,B", "m");
    ob_node(b, "QuantizeLinear", "qm", "m,s,z", "mq");
    ob_node(b, "DequantizeLinear", "dqm", "mq,s,z", "md");
    ob_node(b, "Softmax", "sm", "md", "y");
    ob_output(b, "y", 2, OB_DIMS(1, 2));
    graph g;
    char *log = ob_import_log(b, &g);
    ck_assert_str_eq(log, "folded DequantizeLinear 'dqb' into a constant\n"
                          "quantized the weights of FULLY_CONNECTED 'mm' per "
                          "channel from their values (a zero point is not "
                          "0)\n"
                          "SOFTMAX 'sm' stays float between DEQUANTIZE and "
                          "QUANTIZE (not all its activations have Q/DQ "
                          "scales)\n"
                          "made 1 of 2 nodes int8 at their Q/DQ scales\n");
    OB_ASSERT_OPS(&g, MCN_OP_FULLY_CONNECTED, MCN_OP_DEQUANTIZE,
                  MCN_OP_SOFTMAX);
    const graph_tensor *fc_out = &g.tensors[g.nodes[0].out[0]];
    ck_assert_int_eq(fc_out->dtype, MCN_DT_INT8);
    ck_assert_int_eq(fc_out->zero_point[0], 3);
    ck_assert_int_eq(g.nodes[1].in[0], g.nodes[0].out[0]);
    ck_assert_int_eq(g.tensors[g.outputs[0]].dtype, MCN_DT_FLOAT32);
    /* B^T = {{-5, 5}, {0, 122.5}} at max |w| / 127 per row. */
    const graph_tensor *w = &g.tensors[g.nodes[0].in[1]];
    ck_assert_int_eq(w->dtype, MCN_DT_INT8);
    ob_assert_floats(w->scale, (const float[]){5.0f / 127, 122.5f / 127}, 2);
    const int8_t *wq = w->data;
    ck_assert_int_eq(wq[0], -127);
    ck_assert_int_eq(wq[1], 127);
    ck_assert_int_eq(wq[2], 0);
    ck_assert_int_eq(wq[3], 127);
    free(log);
    graph_free(&g);
    ob_free(b);
}
END_TEST

START_TEST(quantized_inputs_and_errors)
{
    /* A uint8 graph input: its DequantizeLinear gives it its scale. The
       Relu after it keeps that scale (as TFLite's scheme does), so it and
       the output are int8 too; a Sigmoid would not, and stays float. */
    for (int sig = 0; sig < 2; sig++) {
        ob *b = ob_new(13);
        ob_input_typed(b, "x", U8, 2, OB_DIMS(1, 4));
        ob_init_f(b, "s", 0, NULL, (const float[]){0.25f});
        ob_init_q(b, "z", U8, 0, NULL, (const int32_t[]){7});
        ob_node(b, "DequantizeLinear", "dq", "x,s,z", "xd");
        ob_node(b, sig ? "Sigmoid" : "Relu", "r", "xd", "y");
        ob_output(b, "y", -1, NULL);
        graph g;
        ob_import_ok(b, &g);
        if (sig)
            OB_ASSERT_OPS(&g, MCN_OP_DEQUANTIZE, MCN_OP_LOGISTIC);
        else
            OB_ASSERT_OPS(&g, MCN_OP_CLIP);
        const graph_tensor *x = &g.tensors[g.inputs[0]];
        const graph_tensor *y = &g.tensors[g.outputs[0]];
        ck_assert_int_eq(x->dtype, MCN_DT_INT8);
        ck_assert_int_eq(x->zero_point[0], 7 - 128);
        ck_assert_int_eq(y->dtype, sig ? MCN_DT_FLOAT32 : MCN_DT_INT8);
        graph_free(&g);
        ob_free(b);
    }
    graph g;
    ob *b;

    b = ob_new(13);
    ob_input_typed(b, "x", U8, 2, OB_DIMS(1, 4));
    ob_node(b, "Relu", "r", "x", "y");
    ob_output(b, "y", -1, NULL);
    ob_expect_error(b, "node 'r' (Relu, opset 13): input 'x' is a quantized "
                       "(uint8) tensor; only DequantizeLinear, the QLinear ops "
                       "and ops that move data read those");

    b = ob_new(13);
    ob_input_typed(b, "x", U8, 2, OB_DIMS(1, 4));
    ob_node(b, "Reshape", "r", "x", "y");
    ob_output(b, "y", -1, NULL);
    ob_expect_error(b, "node 'r' (Reshape, opset 13): input 1 is missing");

    b = ob_new(13);
    ob_input_typed(b, "x", U8, 2, OB_DIMS(1, 4));
    ob_init_i(b, "shape", 1, OB_DIMS(1), OB_DIMS(4));
    ob_node(b, "Reshape", "r", "x,shape", "y");
    ob_output(b, "y", -1, NULL);
    ob_expect_error(b, "input 'x' is quantized but nothing dequantizes it, "
                       "so its scale is unknown");

    b = ob_new(13);
    ob_input(b, "x", 2, OB_DIMS(1, 4));
    ob_init_f(b, "s", 1, OB_DIMS(2), (const float[]){1, 2});
    ob_node(b, "QuantizeLinear", "q", "x,s", "y");
    ob_output(b, "y", -1, NULL);
    ob_expect_error(b, "node 'q' (QuantizeLinear, opset 13): scale 's' has 2 "
                       "values; 1 is expected");

    /* Quantizing again at other scales is a requantizing node. */
    b = ob_new(13);
    ob_input(b, "x", 2, OB_DIMS(1, 4));
    ob_init_f(b, "s1", 0, NULL, (const float[]){1});
    ob_init_f(b, "s2", 0, NULL, (const float[]){2});
    ob_node(b, "QuantizeLinear", "q1", "x,s1", "a");
    ob_node(b, "DequantizeLinear", "d1", "a,s1", "ad");
    ob_node(b, "QuantizeLinear", "q2", "ad,s2", "y");
    ob_output(b, "y", -1, NULL);
    ob_import_ok(b, &g);
    OB_ASSERT_OPS(&g, MCN_OP_QUANTIZE);
    ck_assert_int_eq(g.tensors[g.nodes[0].in[0]].dtype, MCN_DT_INT8);
    ck_assert_float_eq(g.tensors[g.nodes[0].out[0]].scale[0], 2.0f);
    ck_assert_int_eq(g.tensors[g.nodes[0].out[0]].zero_point[0], -128);
    graph_free(&g);
    ob_free(b);
}
END_TEST

/* Q and DQ of constants fold: per axis, uint8, rounding ties to even. */
START_TEST(quantize_and_dequantize_fold_on_constants)
{
    ob *b = ob_new(13);
    ob_input(b, "x", 2, OB_DIMS(1, 3));
    ob_init_f(b, "k", 2, OB_DIMS(1, 3), (const float[]){2.5f, -3.5f, 1000});
    ob_init_f(b, "s", 1, OB_DIMS(3), (const float[]){1, 1, 4});
    ob_init_q(b, "z", U8, 1, OB_DIMS(3), (const int32_t[]){10, 10, 10});
    Onnx__NodeProto *q = ob_node(b, "QuantizeLinear", "q", "k,s,z", "kq");
    ob_attr_i(b, q, "axis", 1);
    ob_attr_i(b, ob_node(b, "DequantizeLinear", "d", "kq,s,z", "kd"), "axis", 1);
    ob_node(b, "Add", "add", "x,kd", "y");
    ob_output(b, "y", -1, NULL);
    graph g;
    ob_import_ok(b, &g);
    /* 2.5 -> 12 (ties to even), -3.5 -> 6, 1000/4 + 10 -> 255 saturated;
       back: 2, -4, 980. */
    OB_ASSERT_OPS(&g, MCN_OP_FULLY_CONNECTED);
    ob_assert_floats(ob_data(&g, 0, 2), (const float[]){2, -4, 980}, 3);
    graph_free(&g);
    ob_free(b);
}
END_TEST

/* ONNX's own QLinearConv case (uint8 in, weight zero point 255) through
   the packer and the engine: within one step of ONNX's uint8 result, the
   weight having been requantized symmetric. */
START_TEST(qlinearconv_runs_on_the_engine)
{
    const char *dir = "/usr/share/libonnx-testdata/data/node/test_qlinearconv";
    size_t len;
    uint8_t *buf = ob_node_case(dir, 1, 0, &len);
    graph g;
    mcn_err e;
    ck_assert_msg(onnx_import(buf, len, NULL, &g, &e) == 0, "%s", e.msg);
    free(buf);
    OB_ASSERT_OPS(&g, MCN_OP_CONV_2D);
    const graph_tensor *x = &g.tensors[g.inputs[0]];
    ck_assert_int_eq(x->dtype, MCN_DT_INT8);
    ck_assert_int_eq(x->zero_point[0], 132 - 128);
    ck_assert_int_eq(g.tensors[g.outputs[0]].zero_point[0], 123 - 128);
    pack_opts po = {.keep_names = false};
    ck_assert_msg(pack_graph(&g, &po, &e) == 0, "%s", e.msg);
    uint8_t *model;
    ck_assert_msg(graph_to_mcn(&g, &model, &len, &e) == 0, "%s", e.msg);
    size_t arena_len = (g.arena_bytes + 15u) / 16u * 16u;
    void *arena = aligned_alloc(16, arena_len ? arena_len : 16);
    ck_assert_ptr_nonnull(arena);
    mcn_ctx ctx;
    mcn_tensor in, out;
    ck_assert_int_eq(mcn_init(&ctx, model, len, arena, arena_len), MCN_OK);
    ck_assert_int_eq(mcn_input(&ctx, 0, &in), MCN_OK);
    ck_assert_int_eq(mcn_output(&ctx, 0, &out), MCN_OK);
    Onnx__TensorProto *tx = ob_read_tensor(dir, "input_0.pb");
    Onnx__TensorProto *ty = ob_read_tensor(dir, "output_0.pb");
    ck_assert_uint_eq(in.bytes, 49);
    ck_assert_uint_eq(tx->raw_data.len, 49);
    ck_assert_uint_eq(ty->raw_data.len, 49);
    /* One channel: NCHW and NHWC agree. */
    for (int i = 0; i < 49; i++)
        ((int8_t *)in.data)[i] = (int8_t)(tx->raw_data.data[i] - 128);
    ck_assert_int_eq(mcn_invoke(&ctx), MCN_OK);
    for (int i = 0; i < 49; i++) {
        int got = ((const int8_t *)out.data)[i] + 128;
        int want = ty->raw_data.data[i];
        ck_assert_msg(abs(got - want) <= 1, "y[%d] = %d, ONNX says %d", i,
                      got, want);
    }
    onnx__tensor_proto__free_unpacked(tx, NULL);
    onnx__tensor_proto__free_unpacked(ty, NULL);
    free(arena);
    free(model);
    graph_free(&g);
}
END_TEST

/* QLinearMatMul 2-D: the uint8 input a times constant b, as an int8 fc. */
START_TEST(qlinearmatmul_is_an_int8_fc)
{
    const char *dir =
        "/usr/share/libonnx-testdata/data/node/test_qlinearmatmul_2D";
    size_t len;
    uint8_t *buf = ob_node_case(dir, 1, 0, &len);
    graph g;
    mcn_err e;
    ck_assert_msg(onnx_import(buf, len, NULL, &g, &e) == 0, "%s", e.msg);
    free(buf);
    OB_ASSERT_OPS(&g, MCN_OP_FULLY_CONNECTED);
    const graph_node *n = &g.nodes[0];
    ob_assert_shape(&g.tensors[n->in[1]], 2, OB_SHAPE(3, 4));
    ck_assert_int_eq(g.tensors[n->in[0]].zero_point[0], 113 - 128);
    ck_assert_int_eq(g.tensors[n->out[0]].zero_point[0], 118 - 128);
    ck_assert_float_eq(g.tensors[n->out[0]].scale[0], 0.0107f);
    ck_assert_int_eq(g.tensors[n->in[2]].dtype, MCN_DT_INT32);
    graph_free(&g);
}
END_TEST

/* QLinearConv with per-channel int8 weights and an int32 bias: both kept
   exactly; uint8 weights at zero point 128 are int8 at 0 (values - 128),
   kept exactly too. */
START_TEST(qlinearconv_keeps_weights_and_bias)
{
    for (int u8w = 0; u8w < 2; u8w++) {
        ob *b = ob_new(10);
        ob_input_typed(b, "x", U8, 4, OB_DIMS(1, 2, 3, 3));
        ob_init_f(b, "xs", 0, NULL, (const float[]){0.5f});
        ob_init_q(b, "xz", U8, 0, NULL, (const int32_t[]){10});
        if (u8w) {
            ob_init_q(b, "w", U8, 4, OB_DIMS(3, 2, 1, 1),
                      (const int32_t[]){129, 126, 131, 132, 1, 133});
            ob_init_f(b, "ws", 0, NULL, (const float[]){0.25f});
            ob_init_q(b, "wz", U8, 0, NULL, (const int32_t[]){128});
        } else {
            ob_init_q(b, "w", I8, 4, OB_DIMS(3, 2, 1, 1),
                      (const int32_t[]){1, -2, 3, 4, -127, 5});
            ob_init_f(b, "ws", 1, OB_DIMS(3),
                      (const float[]){0.25f, 0.5f, 2});
            ob_init_q(b, "wz", I8, 1, OB_DIMS(3), (const int32_t[]){0, 0, 0});
        }
        ob_init_f(b, "ys", 0, NULL, (const float[]){4});
        ob_init_q(b, "yz", U8, 0, NULL, (const int32_t[]){0});
        ob_init_q(b, "B", I32, 1, OB_DIMS(3), (const int32_t[]){-5, 0, 70000});
        ob_node(b, "QLinearConv", "qc", "x,xs,xz,w,ws,wz,ys,yz,B", "y");
        ob_output(b, "y", -1, NULL);
        graph g;
        ob_import_ok(b, &g);
        OB_ASSERT_OPS(&g, MCN_OP_CONV_2D);
        const graph_tensor *w = &g.tensors[g.nodes[0].in[1]];
        const int8_t *wq = w->data;
        const int8_t want[6] = {1, -2, 3, 4, -127, 5};
        for (int i = 0; i < 6; i++)
            ck_assert_int_eq(wq[i], want[i]);
        ck_assert_int_eq(w->nscale, u8w ? 1 : 3);
        if (!u8w)
            ob_assert_floats(w->scale, (const float[]){0.25f, 0.5f, 2}, 3);
        const graph_tensor *bias = &g.tensors[g.nodes[0].in[2]];
        ck_assert_int_eq(bias->dtype, MCN_DT_INT32);
        ob_assert_ints(bias->data, OB_SHAPE(-5, 0, 70000), 3);
        ck_assert_int_eq(g.tensors[g.inputs[0]].zero_point[0], -118);
        ck_assert_int_eq(g.tensors[g.outputs[0]].zero_point[0], -128);
        graph_free(&g);
        ob_free(b);
    }
}
END_TEST

/* Depthwise: the per-channel scales follow the channels to axis 3. */
START_TEST(qdq_depthwise_scales_on_axis_3)
{
    ob *b = ob_new(13);
    ob_input(b, "x", 4, OB_DIMS(1, 2, 2, 2));
    ob_init_f(b, "s", 0, NULL, (const float[]){0.1f});
    ob_init_q(b, "Wq", I8, 4, OB_DIMS(2, 1, 1, 2),
              (const int32_t[]){1, 2, 3, 4});
    ob_init_f(b, "sw", 1, OB_DIMS(2), (const float[]){0.5f, 0.25f});
    ob_node(b, "QuantizeLinear", "qx", "x,s", "xq");
    ob_node(b, "DequantizeLinear", "dqx", "xq,s", "xd");
    ob_attr_i(b, ob_node(b, "DequantizeLinear", "dqw", "Wq,sw", "W"), "axis",
              0);
    ob_attr_i(b, ob_node(b, "Conv", "dw", "xd,W", "c"), "group", 2);
    ob_node(b, "QuantizeLinear", "qy", "c,s", "y");
    ob_output(b, "y", -1, NULL);
    graph g;
    ob_import_ok(b, &g);
    OB_ASSERT_OPS(&g, MCN_OP_DEPTHWISE_CONV_2D);
    const graph_tensor *w = &g.tensors[g.nodes[0].in[1]];
    ob_assert_shape(w, 4, OB_SHAPE(1, 1, 2, 2));
    ck_assert_int_eq(w->quant_axis, 3);
    ob_assert_floats(w->scale, (const float[]){0.5f, 0.25f}, 2);
    const int8_t *q = w->data;
    ck_assert_int_eq(q[0], 1);  /* [0][0][x][o]: o0 x0, o1 x0, ... */
    ck_assert_int_eq(q[1], 3);
    ck_assert_int_eq(q[2], 2);
    ck_assert_int_eq(q[3], 4);
    /* The output is the last Q's (uint8 by default, zero point 0). */
    ck_assert_int_eq(g.tensors[g.outputs[0]].zero_point[0], -128);
    graph_free(&g);
    ob_free(b);
}
END_TEST

Suite *suite_onnx_qdq(void)
{
    Suite *s = suite_create("onnx_qdq");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, qdq_conv_becomes_an_int8_conv);
    tcase_add_test(tc, per_tensor_bias_needs_no_axis);
    tcase_add_test(tc, float_op_between_dequantize_and_float_output);
    tcase_add_test(tc, quantized_inputs_and_errors);
    tcase_add_test(tc, quantize_and_dequantize_fold_on_constants);
    tcase_add_test(tc, qlinearconv_runs_on_the_engine);
    tcase_add_test(tc, qlinearconv_keeps_weights_and_bias);
    tcase_add_test(tc, qdq_depthwise_scales_on_axis_3);
    tcase_add_test(tc, qlinearmatmul_is_an_int8_fc);
    suite_add_tcase(s, tc);
    return s;
}
