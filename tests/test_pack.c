/* test_pack.c: requant parameters, checks and planning of pack_graph on a
   hand-built conv -> relu6 -> avgpool -> reshape -> fc -> softmax graph.
   Expected multipliers are QuantizeMultiplier worked by hand: frexp(real)
   = q * 2^e, multiplier = round(q * 2^31), shift = e. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "graph_io.h"
#include "pack.h"

static int act8(graph *g, const char *name, int rank, const int32_t *shape,
                float scale, int32_t zp)
{
    int t = graph_add_tensor(g, name, MCN_DT_INT8, rank, shape);
    graph_set_quant(g, t, 1, &scale, &zp, 0);
    return t;
}

static int link(graph *g, mcn_opcode op, const char *name, int in, int w,
                int b, int out)
{
    int n = graph_add_node(g, op, name);
    graph_node_add_input(g, n, in);
    if (w >= 0)
        graph_node_add_input(g, n, w);
    if (b >= 0)
        graph_node_add_input(g, n, b);
    graph_node_add_output(g, n, out);
    return n;
}

/* in [1,4,4,1] (0.5, 0) -> conv 3x3, 2 channels, relu6 -> [1,4,4,2]
   (0.05, -10) -> avgpool 2x2/2 -> [1,2,2,2] -> reshape [1,8] -> fc 3
   (0.2, 5) -> softmax (1/256, -128). */
static void build(graph *g)
{
    graph_init(g);
    graph_set_name(&g->description, "tiny test net");
    int32_t s_in[4] = {1, 4, 4, 1}, s_c[4] = {1, 4, 4, 2},
            s_p[4] = {1, 2, 2, 2}, s_r[2] = {1, 8}, s_f[2] = {1, 3},
            s_w[4] = {2, 3, 3, 1}, s_b[1] = {2}, s_fw[2] = {3, 8},
            s_fb[1] = {3};
    int x = act8(g, "x", 4, s_in, 0.5f, 0);
    int c = act8(g, "c", 4, s_c, 0.05f, -10);
    int p = act8(g, "p", 4, s_p, 0.05f, -10);
    int r = act8(g, "r", 2, s_r, 0.05f, -10);
    int f = act8(g, "f", 2, s_f, 0.2f, 5);
    int y = act8(g, "y", 2, s_f, 1.0f / 256, -128);
    int w = graph_add_tensor(g, "w", MCN_DT_INT8, 4, s_w);
    float ws[2] = {0.25f, 0.3f};
    graph_set_quant(g, w, 2, ws, NULL, 0);
    graph_set_data(g, w, NULL, 18);
    int b = graph_add_tensor(g, "b", MCN_DT_INT32, 1, s_b);
    graph_set_data(g, b, NULL, 8);
    int fw = graph_add_tensor(g, "fw", MCN_DT_INT8, 2, s_fw);
    float fs = 0.01f;
    graph_set_quant(g, fw, 1, &fs, NULL, 0);
    graph_set_data(g, fw, NULL, 24);
    int fb = graph_add_tensor(g, "fb", MCN_DT_INT32, 1, s_fb);
    graph_set_data(g, fb, NULL, 12);
    int n = link(g, MCN_OP_CONV_2D, "conv", x, w, b, c);
    g->nodes[n].pad_top = g->nodes[n].pad_left = 1;
    g->nodes[n].pad_bottom = g->nodes[n].pad_right = 1;
    g->nodes[n].act = MCN_ACT_RELU6;
    n = link(g, MCN_OP_AVERAGE_POOL_2D, "pool", c, -1, -1, p);
    g->nodes[n].filter_h = g->nodes[n].filter_w = 2;
    g->nodes[n].stride_h = g->nodes[n].stride_w = 2;
    link(g, MCN_OP_RESHAPE, "flat", p, -1, -1, r);
    link(g, MCN_OP_FULLY_CONNECTED, "fc", r, fw, fb, f);
    link(g, MCN_OP_SOFTMAX, "prob", f, -1, -1, y);
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = y;
}

START_TEST(requant_is_tflites)
{
    graph g;
    build(&g);
    mcn_err e = {0};
    pack_opts o = {.keep_names = false};
    ck_assert_msg(pack_graph(&g, &o, &e) == 0, "%s", e.msg);
    const graph_node *conv = &g.nodes[0], *pool = &g.nodes[1],
                     *flat = &g.nodes[2], *fc = &g.nodes[3],
                     *sm = &g.nodes[4];
    /* As floats, 0.05f = 13421773 / 2^28 and 0.3f = 5033165 / 2^24.
       Channel 0: 0.5 * 0.25 / 0.05f = 2^25 / 13421773 = 2.49999996
       = q * 2^2 with q * 2^31 = 2^54 / 13421773 = 1342177260.0000002. */
    ck_assert_int_eq(conv->rq.n, 2);
    ck_assert_int_eq(conv->rq.multiplier[0], 1342177260);
    ck_assert_int_eq(conv->rq.shift[0], 2);
    /* Channel 1: 0.5 * 0.3f / 0.05f = 5033165 * 8 / 13421773 = 3.00000007
       = q * 2^2 with q * 2^31 = 5033165 * 2^32 / 13421773
       = 1610612775.9999995 -> 1610612776. */
    ck_assert_int_eq(conv->rq.multiplier[1], 1610612776);
    ck_assert_int_eq(conv->rq.shift[1], 2);
    /* RELU6 at (0.05, -10): -10 + round(0 / 0.05) = -10 and
       -10 + round(6 / 0.05f = 120.0f) = 110. */
    ck_assert_int_eq(conv->rq.act_min, -10);
    ck_assert_int_eq(conv->rq.act_max, 110);
    ck_assert(pool->has_requant);
    ck_assert_int_eq(pool->rq.n, 0);
    ck_assert_int_eq(pool->rq.act_min, -128);
    ck_assert_int_eq(pool->rq.act_max, 127);
    ck_assert(!flat->has_requant);
    /* Per-tensor FC multiplies the scales in float first (TFLite's
       GetQuantizedConvolutionMultipler): 0.05f * 0.01f rounds to
       0.000500000023748725, / 0.2f = 0.0025000000811 = 0.64000002 * 2^-8
       -> 1374389580. (In double throughout it would be 1374389504.) */
    ck_assert_int_eq(fc->rq.n, 1);
    ck_assert_int_eq(fc->rq.multiplier[0], 1374389580);
    ck_assert_int_eq(fc->rq.shift[0], -8);
    /* Softmax, beta 1, input scale 0.2f = 13421773 * 2^-26:
       beta * s * 2^(31 - 5) = 13421773 = (13421773 / 2^24) * 2^24, so the
       multiplier is 13421773 * 2^7 = 1717986944 and the shift 24;
       diff_min = -floor((2^5 - 1) * 2^26 / 2^24) = -124. */
    ck_assert_int_eq(sm->rq.multiplier[0], 1717986944);
    ck_assert_int_eq(sm->rq.shift[0], 24);
    ck_assert_int_eq(sm->rq.diff_min, -124);
    /* The arena, with the kernels' overlap windows (raster_window.c):
       the 3x3 conv's output may start 21 or more bytes before x (its
       last pixel's reads, x's bytes 10.., come after all but its last
       byte is written: 10 - 1 - 30 = -21), which leaves no room for 16
       bytes of x: they stay apart. The 2x2/2 pool writes its pixel 0
       after reading c's pixel 0 and each later pixel after the window
       that starts 4 bytes further on: p may start on c (d <= 0). FC
       writes its 3 outputs while reading r whole: only the last may
       land on r (d <= 1 - 3). SOFTMAX is element-wise (d <= 0).
       Largest first: c(32,[0,1])@0, x(16,[-1,0]) 32, p+r(8,[1,3]) on c
       at 0, f(3,[3,4]) apart from r: 16, y(3,[4,5]) at or below f: 0.
       Peak 32 + 16, node 0's. */
    ck_assert_int_eq(g.tensors[0].arena_offset, 32);
    ck_assert_int_eq(g.tensors[1].arena_offset, 0);
    ck_assert_int_eq(g.tensors[2].arena_offset, 0);
    ck_assert_int_eq(g.tensors[3].arena_offset, 0);
    ck_assert_int_eq(g.tensors[4].arena_offset, 16);
    ck_assert_int_eq(g.tensors[5].arena_offset, 0);
    ck_assert_int_eq(g.arena_bytes, 48);
    /* Names and the description are gone. */
    for (int t = 0; t < g.n_tensors; t++)
        ck_assert_ptr_null(g.tensors[t].name);
    for (int i = 0; i < g.n_nodes; i++)
        ck_assert_ptr_null(g.nodes[i].name);
    ck_assert_ptr_null(g.description);
    graph_free(&g);
}
END_TEST

START_TEST(packing_twice_changes_nothing)
{
    graph g;
    build(&g);
    mcn_err e = {0};
    pack_opts o = {.keep_names = true};
    ck_assert_msg(pack_graph(&g, &o, &e) == 0, "%s", e.msg);
    ck_assert_str_eq(g.nodes[0].name, "conv");
    ck_assert_str_eq(g.description, "tiny test net");
    uint8_t *a, *b;
    size_t la, lb;
    ck_assert_msg(graph_to_mcn(&g, &a, &la, &e) == 0, "%s", e.msg);
    graph g2;
    ck_assert_msg(graph_from_mcn(&g2, a, la, &e) == 0, "%s", e.msg);
    ck_assert_msg(pack_graph(&g2, &o, &e) == 0, "%s", e.msg);
    ck_assert_msg(graph_to_mcn(&g2, &b, &lb, &e) == 0, "%s", e.msg);
    ck_assert_uint_eq(la, lb);
    ck_assert(memcmp(a, b, la) == 0);
    free(a);
    free(b);
    graph_free(&g);
    graph_free(&g2);
}
END_TEST

START_TEST(pool_quantization_must_match)
{
    graph g;
    build(&g);
    g.tensors[2].zero_point[0] = -9;
    mcn_err e;
    ck_assert_int_eq(pack_graph(&g, NULL, &e), -1);
    ck_assert_str_eq(e.msg, "node 1 'pool' (AVERAGE_POOL_2D): input and "
                            "output quantization differ (scale 0.05, zero "
                            "point -10 vs scale 0.05, zero point -9)");
    graph_free(&g);
}
END_TEST

START_TEST(softmax_output_must_be_1_over_256)
{
    graph g;
    build(&g);
    g.tensors[5].scale[0] = 0.5f;
    mcn_err e;
    ck_assert_int_eq(pack_graph(&g, NULL, &e), -1);
    ck_assert_str_eq(e.msg, "node 4 'prob' (SOFTMAX): output must have "
                            "scale 1/256 and zero point -128 (has 0.5, "
                            "-128)");
    graph_free(&g);
}
END_TEST

START_TEST(float_graph_is_refused)
{
    graph g;
    build(&g);
    g.tensors[0].dtype = MCN_DT_FLOAT32;
    mcn_err e;
    ck_assert_int_eq(pack_graph(&g, NULL, &e), -1);
    ck_assert_str_eq(e.msg, "graph input 0 'x' is float32; mcn-pack needs "
                            "a quantized graph (run mcn-quantize)");
    graph_free(&g);
}
END_TEST

START_TEST(add_quantize_and_dequantize)
{
    graph g;
    graph_init(&g);
    int32_t s[2] = {1, 4};
    int a = act8(&g, "a", 2, s, 0.5f, 0), b = act8(&g, "b", 2, s, 0.25f, 3);
    int sum = act8(&g, "sum", 2, s, 1.0f, -2);
    int q = act8(&g, "q", 2, s, 0.75f, 0);
    int n = graph_add_node(&g, MCN_OP_ADD, "add");
    graph_node_add_input(&g, n, a);
    graph_node_add_input(&g, n, b);
    graph_node_add_output(&g, n, sum);
    g.nodes[n].act = MCN_ACT_RELU;
    link(&g, MCN_OP_QUANTIZE, "requant", sum, -1, -1, q);
    g.inputs[g.n_inputs++] = a;
    g.outputs[g.n_outputs++] = q;
    mcn_err e = {0};
    ck_assert_msg(pack_graph(&g, NULL, &e) == 0, "%s", e.msg);
    /* ADD (TFLM): twice_max = 2 * 0.5 = 1; inputs 0.5 / 1 = 2^-1 ->
       (2^30, 0) and 0.25 / 1 = 2^-2 -> (2^30, -1); output 1 / (2^20 * 1)
       = 2^-20 -> (2^30, -19). RELU at zero point -2: [-2, 127]. */
    const graph_node *add = &g.nodes[0], *rq = &g.nodes[1];
    ck_assert_int_eq(add->rq.left_shift, 20);
    ck_assert_int_eq(add->rq.input1_multiplier, 1073741824);
    ck_assert_int_eq(add->rq.input1_shift, 0);
    ck_assert_int_eq(add->rq.input2_multiplier, 1073741824);
    ck_assert_int_eq(add->rq.input2_shift, -1);
    ck_assert_int_eq(add->rq.n, 1);
    ck_assert_int_eq(add->rq.multiplier[0], 1073741824);
    ck_assert_int_eq(add->rq.shift[0], -19);
    ck_assert_int_eq(add->rq.act_min, -2);
    ck_assert_int_eq(add->rq.act_max, 127);
    /* QUANTIZE 1.0 -> 0.75: 4/3 = (2/3) * 2^1 -> (1431655765, 1). */
    ck_assert_int_eq(rq->rq.n, 1);
    ck_assert_int_eq(rq->rq.multiplier[0], 1431655765);
    ck_assert_int_eq(rq->rq.shift[0], 1);
    graph_free(&g);

    /* DEQUANTIZE has no int8 kernel: float values never reach the engine. */
    graph_init(&g);
    a = act8(&g, "a", 2, s, 0.5f, 0);
    int mid = graph_add_tensor(&g, "mid", MCN_DT_FLOAT32, 2, s);
    q = act8(&g, "q", 2, s, 0.5f, 0);
    link(&g, MCN_OP_DEQUANTIZE, "dq", a, -1, -1, mid);
    link(&g, MCN_OP_QUANTIZE, "qq", mid, -1, -1, q);
    g.inputs[g.n_inputs++] = a;
    g.outputs[g.n_outputs++] = q;
    ck_assert_int_eq(pack_graph(&g, NULL, &e), -1);
    ck_assert_str_eq(e.msg, "node 0 'dq' (DEQUANTIZE): no int8 kernel");
    graph_free(&g);
}
END_TEST

/* One node from int8 inputs to one int8 output, packed; the node is
   g->nodes[0]. Inputs are given as (scale, zero point) pairs. */
static graph_node *one_node(graph *g, mcn_opcode op, int n_in,
                            const float *s_in, const int32_t *zp_in,
                            const int32_t *in_shape, int in_rank,
                            float s_out, int32_t zp_out,
                            const int32_t *out_shape, int out_rank)
{
    graph_init(g);
    int n = graph_add_node(g, op, "n");
    for (int k = 0; k < n_in; k++) {
        int t = act8(g, "in", in_rank, in_shape, s_in[k], zp_in[k]);
        graph_node_add_input(g, n, t);
        if (k == 0)
            g->inputs[g->n_inputs++] = t;
        else
            graph_set_data(g, t, NULL, (size_t)graph_tensor_elems(
                                           &g->tensors[t]));
    }
    int y = act8(g, "y", out_rank, out_shape, s_out, zp_out);
    graph_node_add_output(g, n, y);
    g->outputs[g->n_outputs++] = y;
    return &g->nodes[n];
}

/* Names kept, so that a later failure can still name the node. */
static void pack_ok(graph *g)
{
    mcn_err e = {0};
    pack_opts o = {.keep_names = true};
    ck_assert_msg(pack_graph(g, &o, &e) == 0, "%s", e.msg);
}

static void pack_fails(graph *g, const char *msg)
{
    mcn_err e = {0};
    ck_assert_int_eq(pack_graph(g, NULL, &e), -1);
    ck_assert_str_eq(e.msg, msg);
}

static const int32_t s8[1] = {8};

START_TEST(mul_and_concat_rows)
{
    graph g;
    /* MUL: 0.75 * 0.5 / 0.125 = 3 = 0.75 * 2^2 -> (0.75 * 2^31, 2);
       RELU at zero point 4 clamps below at 4. */
    const float sm[2] = {0.75f, 0.5f};
    const int32_t zm[2] = {1, -2};
    graph_node *n = one_node(&g, MCN_OP_MUL, 2, sm, zm, s8, 1, 0.125f, 4,
                             s8, 1);
    n->act = MCN_ACT_RELU;
    pack_ok(&g);
    n = &g.nodes[0];
    ck_assert_int_eq(n->rq.n, 1);
    ck_assert_int_eq(n->rq.multiplier[0], 1610612736);
    ck_assert_int_eq(n->rq.shift[0], 2);
    ck_assert_int_eq(n->rq.act_min, 4);
    ck_assert_int_eq(n->rq.act_max, 127);
    graph_free(&g);

    /* CONCATENATION into (0.25, -1): 0.5 / 0.25 = 2 -> (2^30, 2); the
       input already at 0.25 gets the identity (2^30, 1). */
    const float sc[2] = {0.5f, 0.25f};
    const int32_t zc[2] = {2, -1};
    const int32_t s16[1] = {16};
    n = one_node(&g, MCN_OP_CONCATENATION, 2, sc, zc, s8, 1, 0.25f, -1,
                 s16, 1);
    pack_ok(&g);
    n = &g.nodes[0];
    ck_assert_int_eq(n->rq.n, 2);
    ck_assert_int_eq(n->rq.multiplier[0], 1 << 30);
    ck_assert_int_eq(n->rq.shift[0], 2);
    ck_assert_int_eq(n->rq.multiplier[1], 1 << 30);
    ck_assert_int_eq(n->rq.shift[1], 1);
    g.nodes[0].act = MCN_ACT_RELU;
    pack_fails(&g, "node 0 'n' (CONCATENATION): a fused activation is not "
                   "supported here");
    graph_free(&g);
}
END_TEST

START_TEST(pad_row)
{
    graph g;
    const float s[1] = {0.25f};
    const int32_t z[1] = {-1};
    const int32_t s10[1] = {10};
    graph_node *n = one_node(&g, MCN_OP_PAD, 1, s, z, s8, 1, 0.25f, -1,
                             s10, 1);
    n->n_ints = 2;
    n->ints[0] = n->ints[1] = 1;
    /* 1.0 at (0.25, -1): -1 + 4 = 3. */
    n->pad_value = 1.0f;
    pack_ok(&g);
    ck_assert_int_eq(g.nodes[0].rq.n, 1);
    ck_assert_int_eq(g.nodes[0].rq.multiplier[0], 3);
    ck_assert_int_eq(g.nodes[0].rq.shift[0], 0);
    /* 100 is 399 steps: saturated to 127. -0.125 is -0.5 step, rounded
       away from zero: -1 - 1 = -2. */
    g.nodes[0].pad_value = 100.0f;
    pack_ok(&g);
    ck_assert_int_eq(g.nodes[0].rq.multiplier[0], 127);
    g.nodes[0].pad_value = -0.125f;
    pack_ok(&g);
    ck_assert_int_eq(g.nodes[0].rq.multiplier[0], -2);
    /* EDGE and REFLECT write no constant. */
    g.nodes[0].pad_mode = MCN_PAD_EDGE;
    pack_ok(&g);
    ck_assert_int_eq(g.nodes[0].rq.multiplier[0], -1);
    g.tensors[1].zero_point[0] = 0;
    pack_fails(&g, "node 0 'n' (PAD): input and output quantization differ "
                   "(scale 0.25, zero point -1 vs scale 0.25, zero point "
                   "0)");
    graph_free(&g);
}
END_TEST

/* MEAN folds 1 / count into QuantizeMultiplier(s_in / s_out). */
START_TEST(mean_row)
{
    graph g;
    /* [1,4,4,8] over H and W: count 16. 0.5 / 0.25 = 2 -> (2^30, 2);
       k = 4: (2^30 << 4) / 16 = 2^30, shift 2 - 4 = -2. */
    const int32_t sx[4] = {1, 4, 4, 8}, sy[2] = {1, 8};
    const float s[1] = {0.5f};
    const int32_t z[1] = {3};
    graph_node *n = one_node(&g, MCN_OP_MEAN, 1, s, z, sx, 4, 0.25f, -7,
                             sy, 2);
    n->n_ints = 2;
    n->ints[0] = 1;
    n->ints[1] = -2;   /* W, counted from the end */
    pack_ok(&g);
    ck_assert_int_eq(g.nodes[0].rq.n, 1);
    ck_assert_int_eq(g.nodes[0].rq.multiplier[0], 1 << 30);
    ck_assert_int_eq(g.nodes[0].rq.shift[0], -2);
    graph_free(&g);

    /* [1,5,2,1] over H and W: count 10, same scales: QM(1) = (2^30, 1);
       k = 3: 2^33 / 10 = 858993459.2 -> 858993459 (truncated), shift
       1 - 3 = -2. No axes at all means every axis: the same count. */
    const int32_t sx2[4] = {1, 5, 2, 1}, sy2[1] = {1};
    const float s2[1] = {0.5f};
    n = one_node(&g, MCN_OP_MEAN, 1, s2, z, sx2, 4, 0.5f, 3, sy2, 1);
    n->n_ints = 0;
    pack_ok(&g);
    ck_assert_int_eq(g.nodes[0].rq.multiplier[0], 858993459);
    ck_assert_int_eq(g.nodes[0].rq.shift[0], -2);
    g.nodes[0].n_ints = 2;
    g.nodes[0].ints[0] = 1;
    g.nodes[0].ints[1] = -3;   /* H again */
    pack_fails(&g, "node 0 'n' (MEAN): axis -3 is outside the 4-D input or "
                   "repeated");
    graph_free(&g);
}
END_TEST

START_TEST(logistic_and_tanh_rows)
{
    graph g;
    /* 0.1f = 13421773 * 2^-27: s * 2^27 = 13421773 = 0.80000001 * 2^24
       -> (13421773 * 2^7 = 1717986944, 24), radius floor(15 * 2^27 /
       2^24) = 120. */
    const float s[1] = {0.1f};
    const int32_t z[1] = {10};
    one_node(&g, MCN_OP_LOGISTIC, 1, s, z, s8, 1, 1.0f / 256, -128, s8, 1);
    pack_ok(&g);
    ck_assert_int_eq(g.nodes[0].rq.n, 1);
    ck_assert_int_eq(g.nodes[0].rq.multiplier[0], 1717986944);
    ck_assert_int_eq(g.nodes[0].rq.shift[0], 24);
    ck_assert_int_eq(g.nodes[0].rq.diff_min, 120);
    g.tensors[1].zero_point[0] = 0;
    pack_fails(&g, "node 0 'n' (LOGISTIC): output must have scale 1/256 and "
                   "zero point -128 (has 0.00390625, 0)");
    graph_free(&g);

    /* 0.05f is half of 0.1f: the same multiplier, shift 23, radius
       floor(15 * 2^27 / 2^23) = 240. */
    const float s2[1] = {0.05f};
    one_node(&g, MCN_OP_TANH, 1, s2, z, s8, 1, 1.0f / 128, 0, s8, 1);
    pack_ok(&g);
    ck_assert_int_eq(g.nodes[0].rq.multiplier[0], 1717986944);
    ck_assert_int_eq(g.nodes[0].rq.shift[0], 23);
    ck_assert_int_eq(g.nodes[0].rq.diff_min, 240);
    g.tensors[1].scale[0] = 1.0f / 256;
    pack_fails(&g, "node 0 'n' (TANH): output must have scale 1/128 and "
                   "zero point 0 (has 0.00390625, 0)");
    graph_free(&g);
}
END_TEST

START_TEST(hard_swish_and_leaky_relu_rows)
{
    graph g;
    /* HARD_SWISH, s_in 1/16, s_out 1/32: hires = 2^-11.
       output: 2^-11 / 2^-5 = 2^-6 -> (2^30, -5) -> (2^30 + 2^15) >> 16
         = 16384, exponent -5
       reluish: 2^-11 / (3 * 2^-15) = 16/3, as a float 11184811 * 2^-21
         = 0.66666669 * 2^3 -> 11184811 * 2^7 = 1431655808, exponent 3
         -> (1431655808 + 32768) >> 16 = 21845 (21845.5 truncated) */
    const float s[1] = {1.0f / 16};
    const int32_t z[1] = {0};
    one_node(&g, MCN_OP_HARD_SWISH, 1, s, z, s8, 1, 1.0f / 32, 0, s8, 1);
    pack_ok(&g);
    const graph_node *n = &g.nodes[0];
    ck_assert_int_eq(n->rq.n, 2);
    ck_assert_int_eq(n->rq.multiplier[0], 16384);
    ck_assert_int_eq(n->rq.shift[0], -5);
    ck_assert_int_eq(n->rq.multiplier[1], 21845);
    ck_assert_int_eq(n->rq.shift[1], 3);
    /* An output finer than s_in / 128 needs a left shift TFLM refuses. */
    g.tensors[1].scale[0] = 1.0f / 4096;
    pack_fails(&g, "node 0 'n' (HARD_SWISH): input scale 0.0625 and output "
                   "scale 0.000244141 are out of range (the output may not "
                   "be finer than s_in / 128)");
    graph_free(&g);

    /* LEAKY_RELU, s_in 0.5, s_out 0.25: identity 2 -> (2^30, 2); alpha
       0.25 gives 0.5 -> (2^30, 0); alpha -0.5 gives -1 -> frexp -0.5 *
       2^1 -> (-2^30, 1). */
    const float sl[1] = {0.5f};
    graph_node *lr = one_node(&g, MCN_OP_LEAKY_RELU, 1, sl, z, s8, 1, 0.25f,
                              0, s8, 1);
    lr->alpha = 0.25f;
    pack_ok(&g);
    n = &g.nodes[0];
    ck_assert_int_eq(n->rq.n, 2);
    ck_assert_int_eq(n->rq.multiplier[0], 1 << 30);
    ck_assert_int_eq(n->rq.shift[0], 2);
    ck_assert_int_eq(n->rq.multiplier[1], 1 << 30);
    ck_assert_int_eq(n->rq.shift[1], 0);
    g.nodes[0].alpha = -0.5f;
    pack_ok(&g);
    ck_assert_int_eq(g.nodes[0].rq.multiplier[1], -(1 << 30));
    ck_assert_int_eq(g.nodes[0].rq.shift[1], 1);
    graph_free(&g);
}
END_TEST

Suite *suite_pack(void)
{
    Suite *s = suite_create("pack");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, requant_is_tflites);
    tcase_add_test(tc, packing_twice_changes_nothing);
    tcase_add_test(tc, pool_quantization_must_match);
    tcase_add_test(tc, softmax_output_must_be_1_over_256);
    tcase_add_test(tc, float_graph_is_refused);
    tcase_add_test(tc, add_quantize_and_dequantize);
    tcase_add_test(tc, mul_and_concat_rows);
    tcase_add_test(tc, pad_row);
    tcase_add_test(tc, mean_row);
    tcase_add_test(tc, logistic_and_tanh_rows);
    tcase_add_test(tc, hard_swish_and_leaky_relu_rows);
    suite_add_tcase(s, tc);
    return s;
}
