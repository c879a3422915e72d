/* test_onnx_export_qdq_proto.c: what mcn-export writes for an int8
   graph (onnx_export_qdq.c), field by field, on one convolution: the
   float input through QuantizeLinear, the weights int8 and OIHW with
   their scales on axis 0 (a depthwise one's [C,1,KH,KW], on axis 0 too),
   the bias int32 at s_in * s_w with zero point 0, a ReLU left to the
   QuantizeLinear when the output's int8 range already clamps there and a
   Relu before it when not, the NHWC source edges transposed outside the
   Q/DQ. Then what is refused, with its message. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "onnx/onnx.pb-c.h"
#include "onnx_export.h"

#define DT(x) ONNX__TENSOR_PROTO__DATA_TYPE__##x

/* x int8 [1,2,2,2] (source NHWC) -> CONV_2D 1x1, 3 channels, ReLU -> y,
   or DEPTHWISE_CONV_2D 1x1 on the 2 channels; y's zero point given. */
static void one_conv(graph *g, bool dw, int32_t y_zp)
{
    int32_t xs[4] = {1, 2, 2, 2}, ys[4] = {1, 2, 2, dw ? 2 : 3};
    int32_t ws[4] = {dw ? 1 : 3, 1, 1, 2}, bs[1] = {dw ? 2 : 3};
    graph_init(g);
    int x = graph_add_tensor(g, "x", MCN_DT_INT8, 4, xs);
    int w = graph_add_tensor(g, "w", MCN_DT_INT8, 4, ws);
    int b = graph_add_tensor(g, "b", MCN_DT_INT32, 1, bs);
    int y = graph_add_tensor(g, "y", MCN_DT_INT8, 4, ys);
    int n = graph_add_node(g, dw ? MCN_OP_DEPTHWISE_CONV_2D
                                 : MCN_OP_CONV_2D, "conv");
    ck_assert(x >= 0 && w >= 0 && b >= 0 && y >= 0 && n >= 0);
    const int8_t wq[6] = {1, -2, 3, 4, -127, 5};
    const int32_t bq[3] = {100, -7, 1000}, zp[3] = {0, 0, 0};
    const float sw[3] = {0.5f, 0.25f, 0.125f};
    const float sb[3] = {0.02f * 0.5f, 0.02f * 0.25f, 0.02f * 0.125f};
    int nch = dw ? 2 : 3;
    ck_assert(!graph_set_data(g, w, wq, dw ? 2 : 6) &&
              !graph_set_data(g, b, bq, (size_t)nch * sizeof *bq) &&
              !graph_set_quant(g, x, 1, (const float[]){0.02f},
                               (const int32_t[]){-5}, 0) &&
              !graph_set_quant(g, w, nch, sw, zp, dw ? 3 : 0) &&
              !graph_set_quant(g, b, nch, sb, zp, 0) &&
              !graph_set_quant(g, y, 1, (const float[]){0.05f}, &y_zp, 0));
    ck_assert(graph_node_add_input(g, n, x) >= 0 &&
              graph_node_add_input(g, n, w) >= 0 &&
              graph_node_add_input(g, n, b) >= 0 &&
              graph_node_add_output(g, n, y) >= 0);
    g->nodes[n].stride_h = g->nodes[n].stride_w = 1;
    g->nodes[n].filter_h = g->nodes[n].filter_w = 1;
    g->nodes[n].act = MCN_ACT_RELU;
    g->tensors[x].layout = g->tensors[y].layout = MCN_LAYOUT_NHWC;
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = y;
}

static const Onnx__NodeProto *producer(const Onnx__GraphProto *gp,
                                       const char *v)
{
    for (size_t i = 0; i < gp->n_node; i++)
        if (!strcmp(gp->node[i]->output[0], v))
            return gp->node[i];
    ck_abort_msg("nothing writes '%s'", v);
    return NULL;
}

static const Onnx__NodeProto *reader(const Onnx__GraphProto *gp,
                                     const char *v)
{
    for (size_t i = 0; i < gp->n_node; i++)
        for (size_t j = 0; j < gp->node[i]->n_input; j++)
            if (!strcmp(gp->node[i]->input[j], v))
                return gp->node[i];
    ck_abort_msg("nothing reads '%s'", v);
    return NULL;
}

static const Onnx__TensorProto *init(const Onnx__GraphProto *gp,
                                     const char *name)
{
    for (size_t i = 0; i < gp->n_initializer; i++)
        if (!strcmp(gp->initializer[i]->name, name))
            return gp->initializer[i];
    ck_abort_msg("no initializer '%s'", name);
    return NULL;
}

static int64_t attr_i(const Onnx__NodeProto *n, const char *name)
{
    for (size_t i = 0; i < n->n_attribute; i++)
        if (!strcmp(n->attribute[i]->name, name))
            return n->attribute[i]->i;
    return -1;
}

/* Initializer `name`: its type, dims and raw bytes. */
static void assert_init(const Onnx__GraphProto *gp, const char *name,
                        int dtype, int rank, const int64_t *dims,
                        const void *raw, size_t bytes)
{
    const Onnx__TensorProto *t = init(gp, name);
    ck_assert_int_eq(t->data_type, dtype);
    ck_assert_int_eq((int)t->n_dims, rank);
    for (int i = 0; i < rank; i++)
        ck_assert_int_eq(t->dims[i], dims[i]);
    ck_assert_int_eq(t->raw_data.len, bytes);
    ck_assert(!memcmp(t->raw_data.data, raw, bytes));
}

/* A DequantizeLinear's or QuantizeLinear's scale and zero point. */
static void assert_qparams(const Onnx__GraphProto *gp,
                           const Onnx__NodeProto *q, int n,
                           const float *scale, int zp_type,
                           const void *zp, int64_t axis)
{
    int64_t d = n;
    ck_assert_int_eq((int)q->n_input, 3);
    assert_init(gp, q->input[1], DT(FLOAT), n > 1, &d, scale,
                (size_t)n * sizeof(float));
    assert_init(gp, q->input[2], zp_type, n > 1, &d, zp,
                (size_t)n * (zp_type == DT(INT8) ? 1 : 4));
    ck_assert_int_eq(attr_i(q, "axis"), axis);
}

/* Little-endian bytes of int32 values, as raw_data holds them. */
static void le32(const int32_t *v, int n, uint8_t *out)
{
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 4; k++)
            out[4 * i + k] = (uint8_t)((uint32_t)v[i] >> (8 * k));
}

START_TEST(conv_protobuf)
{
    graph g;
    mcn_err e;
    uint8_t *buf;
    size_t len;
    one_conv(&g, false, -128);
    ck_assert_msg(onnx_export(&g, &buf, &len, &e) == 0, "%s", e.msg);
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, buf);
    ck_assert_ptr_nonnull(m);
    const Onnx__GraphProto *gp = m->graph;
    /* x (float, NHWC as the source) -> Transpose -> QuantizeLinear ->
       DequantizeLinear -> Conv -> QuantizeLinear -> DequantizeLinear ->
       Transpose -> y; the weights' and the bias's DequantizeLinear. The
       ReLU is the QuantizeLinear's: y's zero point is -128. */
    ck_assert_int_eq((int)gp->n_node, 9);
    ck_assert_str_eq(gp->input[0]->name, "x");
    ck_assert_int_eq(gp->input[0]->type->tensor_type->elem_type, DT(FLOAT));
    ck_assert_int_eq(gp->input[0]->type->tensor_type->shape->dim[3]->dim_value,
                     2);
    const Onnx__NodeProto *t = reader(gp, "x"), *q = reader(gp, t->output[0]);
    ck_assert_str_eq(t->op_type, "Transpose");
    ck_assert_str_eq(q->op_type, "QuantizeLinear");
    const int8_t zx = -5, zy = -128;
    assert_qparams(gp, q, 1, (const float[]){0.02f}, DT(INT8), &zx, -1);
    const Onnx__NodeProto *dq = reader(gp, q->output[0]);
    ck_assert_str_eq(dq->op_type, "DequantizeLinear");
    assert_qparams(gp, dq, 1, (const float[]){0.02f}, DT(INT8), &zx, -1);
    const Onnx__NodeProto *conv = reader(gp, dq->output[0]);
    ck_assert_str_eq(conv->op_type, "Conv");
    ck_assert_int_eq(attr_i(conv, "group"), 1);
    /* The weights: OIHW, int8, their scales along axis 0. */
    const Onnx__NodeProto *wdq = producer(gp, conv->input[1]);
    ck_assert_str_eq(wdq->op_type, "DequantizeLinear");
    const int8_t wq[6] = {1, -2, 3, 4, -127, 5}, z3[3] = {0, 0, 0};
    assert_init(gp, wdq->input[0], DT(INT8), 4, (const int64_t[]){3, 2, 1, 1},
                wq, 6);
    assert_qparams(gp, wdq, 3, (const float[]){0.5f, 0.25f, 0.125f},
                   DT(INT8), z3, 0);
    /* The bias: int32 at s_in * s_w, zero point 0. */
    const Onnx__NodeProto *bdq = producer(gp, conv->input[2]);
    uint8_t braw[12], bz[12] = {0};
    le32((const int32_t[]){100, -7, 1000}, 3, braw);
    assert_init(gp, bdq->input[0], DT(INT32), 1, (const int64_t[]){3}, braw,
                12);
    assert_qparams(gp, bdq, 3, (const float[]){0.02f * 0.5f, 0.02f * 0.25f,
                                              0.02f * 0.125f},
                   DT(INT32), bz, 0);
    q = reader(gp, conv->output[0]);
    ck_assert_str_eq(q->op_type, "QuantizeLinear");
    assert_qparams(gp, q, 1, (const float[]){0.05f}, DT(INT8), &zy, -1);
    dq = reader(gp, q->output[0]);
    ck_assert_str_eq(dq->op_type, "DequantizeLinear");
    ck_assert_str_eq(reader(gp, dq->output[0])->op_type, "Transpose");
    ck_assert_str_eq(gp->output[0]->name, "y");
    ck_assert_str_eq(producer(gp, "y")->op_type, "Transpose");
    onnx__model_proto__free_unpacked(m, NULL);
    free(buf);
    graph_free(&g);
}
END_TEST

/* A depthwise convolution's weights are [C,1,KH,KW], their scales still
   on axis 0; a ReLU that clamps inside the int8 range (y's zero point 0)
   is a Relu before the QuantizeLinear. */
START_TEST(depthwise_protobuf)
{
    graph g;
    mcn_err e;
    uint8_t *buf;
    size_t len;
    one_conv(&g, true, 0);
    ck_assert_msg(onnx_export(&g, &buf, &len, &e) == 0, "%s", e.msg);
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, buf);
    ck_assert_ptr_nonnull(m);
    const Onnx__GraphProto *gp = m->graph;
    const Onnx__NodeProto *conv = NULL;
    for (size_t i = 0; i < gp->n_node; i++)
        if (!strcmp(gp->node[i]->op_type, "Conv"))
            conv = gp->node[i];
    ck_assert_ptr_nonnull(conv);
    ck_assert_int_eq(attr_i(conv, "group"), 2);
    const Onnx__NodeProto *wdq = producer(gp, conv->input[1]);
    const int8_t wq[2] = {1, -2}, z2[2] = {0, 0};
    assert_init(gp, wdq->input[0], DT(INT8), 4, (const int64_t[]){2, 1, 1, 1},
                wq, 2);
    assert_qparams(gp, wdq, 2, (const float[]){0.5f, 0.25f}, DT(INT8), z2, 0);
    const Onnx__NodeProto *relu = reader(gp, conv->output[0]);
    ck_assert_str_eq(relu->op_type, "Relu");
    ck_assert_str_eq(reader(gp, relu->output[0])->op_type, "QuantizeLinear");
    onnx__model_proto__free_unpacked(m, NULL);
    free(buf);
    graph_free(&g);
}
END_TEST

/* ---- what is refused ---- */

static void refused(graph *g, const char *want)
{
    mcn_err e;
    uint8_t *buf = NULL;
    size_t len = 0;
    ck_assert_int_eq(onnx_export(g, &buf, &len, &e), -1);
    ck_assert_ptr_null(buf);
    ck_assert_str_eq(e.msg, want);
    graph_free(g);
}

START_TEST(refusals)
{
    graph g;
    /* An op with no ONNX form, named with its node. */
    one_conv(&g, false, -128);
    g.nodes[0].op = MCN_OP_TRANSPOSE_CONV;
    refused(&g, "node 0 'conv' (TRANSPOSE_CONV): mcn-export has no ONNX form "
                "for this op yet");
    /* Tensors that are neither float nor int8 as the engine takes them. */
    one_conv(&g, false, -128);
    g.tensors[g.inputs[0]].dtype = MCN_DT_INT16;
    refused(&g, "mcn-export writes float and int8 models; tensor 'x' is "
                "int16");
    one_conv(&g, false, -128);
    ck_assert(!graph_set_quant(&g, g.outputs[0], 0, NULL, NULL, 0));
    refused(&g, "mcn-export writes float and int8 models; tensor 'y' is "
                "quantized with no scale");
    one_conv(&g, false, -128);
    ck_assert(!graph_set_quant(&g, g.inputs[0], 2,
                               (const float[]){0.1f, 0.2f},
                               (const int32_t[]){0, 0}, 3));
    refused(&g, "mcn-export writes float and int8 models; tensor 'x' is an "
                "activation quantized per channel");
    one_conv(&g, false, -128);
    g.nodes[0].has_requant = true;
    refused(&g, "the model is packed (mcn-pack's output); export the model "
                "before mcn-pack");
}
END_TEST

Suite *suite_onnx_export_qdq_proto(void)
{
    Suite *s = suite_create("onnx_export_qdq_proto");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, conv_protobuf);
    tcase_add_test(tc, depthwise_protobuf);
    tcase_add_test(tc, refusals);
    suite_add_tcase(s, tc);
    return s;
}
