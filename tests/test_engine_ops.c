/* test_engine_ops.c: the ops added after the first engine (MUL, PAD,
   CONCATENATION, MEAN, LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU,
   TRANSPOSE_CONV and broadcast ADD) end to end: a quantized host graph,
   pack_graph for the requant values, the arena and any scratch,
   graph_to_mcn, mcn_init's checks and mcn_invoke. Expected outputs are
   worked by hand from the float model and the rounding the kernels apply
   (the kernel tests go step by step). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "graph_io.h"
#include "mcn.h"
#include "pack.h"
#include "test_model_util.h"

static _Alignas(16) uint8_t arena[1024];

static int act8(graph *g, const char *name, int rank, const int32_t *shape,
                float scale, int32_t zp)
{
    int t = graph_add_tensor(g, name, MCN_DT_INT8, rank, shape);
    graph_set_quant(g, t, 1, &scale, &zp, 0);
    return t;
}

static int const8(graph *g, const char *name, int rank, const int32_t *shape,
                  const int8_t *data, size_t n, float scale, int32_t zp)
{
    int t = act8(g, name, rank, shape, scale, zp);
    graph_set_data(g, t, data, n);
    return t;
}

static int op(graph *g, mcn_opcode code, int a, int b, int out)
{
    int n = graph_add_node(g, code, NULL);
    graph_node_add_input(g, n, a);
    if (b >= 0)
        graph_node_add_input(g, n, b);
    graph_node_add_output(g, n, out);
    return n;
}

/* Pack, write and bind g (freed); the model buffer is returned for the
   caller to free after it is done with ctx. */
static uint8_t *load(graph *g, mcn_ctx *ctx, mcn_status *status)
{
    mcn_err e = {0};
    ck_assert_msg(pack_graph(g, NULL, &e) == 0, "%s", e.msg);
    uint8_t *buf;
    size_t len;
    ck_assert_msg(graph_to_mcn(g, &buf, &len, &e) == 0, "%s", e.msg);
    ck_assert_uint_le(g->arena_bytes, sizeof arena);
    graph_free(g);
    *status = mcn_init(ctx, buf, len, arena, sizeof arena);
    return buf;
}

/* Load g (freed), copy x into input 0, run, and expect output 0 to be
   the n bytes of want. */
static void expect_run(graph *g, const int8_t *x, size_t nx,
                       const int8_t *want, size_t n)
{
    mcn_ctx ctx;
    mcn_status s;
    uint8_t *buf = load(g, &ctx, &s);
    ck_assert_int_eq(s, MCN_OK);
    mcn_tensor in, out;
    ck_assert_int_eq(mcn_input(&ctx, 0, &in), MCN_OK);
    ck_assert_int_eq(mcn_output(&ctx, 0, &out), MCN_OK);
    ck_assert_uint_eq(in.bytes, nx);
    ck_assert_uint_eq(out.bytes, n);
    memcpy(in.data, x, nx);
    ck_assert_int_eq(mcn_invoke(&ctx), MCN_OK);
    ck_assert_mem_eq(out.data, want, n);
    free(buf);
}

/* Model C:
     x [1,2,2,2] (0.5, 0) = c0 {2, 6, -2, 10}, c1 {4, 8, -4, 12}
     m  = MUL(x, c [2] (0.25, 0) = {4, 8}) at (1, 0): x * c / 8
        = c0 {1, 3, -1, 5} (x / 2, exact), c1 {4, 8, -4, 12} (x)
     p  = PAD(m) one row on top, CONSTANT 0 -> zero point 0
     m2 = MUL(x, c) at (2, 0): x * c / 16 = c0 {0.5, 1.5, -0.5, 2.5} ->
          {1, 2, -1, 3} (half away), c1 {2, 4, -2, 6}
     p2 = PAD(m2) likewise, at (2, 0)
     cc = CONCATENATION(p, p2) on channels at (1, 0): p copied, p2 x 2:
          rows h1: {1, 4, 2, 4} {3, 8, 4, 8}; h2: {-1, -4, -2, -4}
          {5, 12, 6, 12}; h0 zeros
     y  = MEAN over H, W (keep_dims false) -> [1,4] at (0.5, -10):
          sums 8, 20, 10, 20 over 6 -> real 1.33, 3.33, 1.67, 3.33 ->
          2.67, 6.67, 3.33, 6.67 steps -> 3, 7, 3, 7 -> -7, -3, -7, -3 */
static void build_c(graph *g)
{
    graph_init(g);
    const int32_t s4[4] = {1, 2, 2, 2}, sp[4] = {1, 3, 2, 2},
                  sc[4] = {1, 3, 2, 4}, sy[2] = {1, 4}, s1[1] = {2};
    const int8_t cd[2] = {4, 8};
    int x = act8(g, "x", 4, s4, 0.5f, 0);
    int c = const8(g, "c", 1, s1, cd, 2, 0.25f, 0);
    int c2 = const8(g, "c2", 1, s1, cd, 2, 0.25f, 0);
    int m = act8(g, "m", 4, s4, 1.0f, 0), m2 = act8(g, "m2", 4, s4, 2.0f, 0);
    int p = act8(g, "p", 4, sp, 1.0f, 0), p2 = act8(g, "p2", 4, sp, 2.0f, 0);
    int cc = act8(g, "cc", 4, sc, 1.0f, 0);
    int y = act8(g, "y", 2, sy, 0.5f, -10);
    op(g, MCN_OP_MUL, x, c, m);
    op(g, MCN_OP_MUL, x, c2, m2);
    int pads[2] = {op(g, MCN_OP_PAD, m, -1, p), op(g, MCN_OP_PAD, m2, -1, p2)};
    for (int k = 0; k < 2; k++) {
        graph_node *n = &g->nodes[pads[k]];
        n->n_ints = 8;
        memset(n->ints, 0, sizeof n->ints);
        n->ints[1] = 1;   /* begin of H */
        n->pad_mode = MCN_PAD_CONSTANT;
    }
    int n = op(g, MCN_OP_CONCATENATION, p, p2, cc);
    g->nodes[n].axis = -1;
    n = op(g, MCN_OP_MEAN, cc, -1, y);
    g->nodes[n].n_ints = 2;
    g->nodes[n].ints[0] = 1;
    g->nodes[n].ints[1] = 2;
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = y;
}

START_TEST(model_c_mul_pad_concat_mean)
{
    graph g;
    build_c(&g);
    const int8_t x[8] = {2, 4, 6, 8, -2, -4, 10, 12};
    static const int8_t want[4] = {-7, -3, -7, -3};
    expect_run(&g, x, 8, want, 4);
}
END_TEST

/* Model D: one input, four activations of it, four outputs.
     x [1,1,1,4] (1/16, 0) = {0, 16, -16, 5} = real {0, 1, -1, 0.3125}
     LOGISTIC (1/256, -128): 0.5, 0.731, 0.269, 0.5775 -> 128, 187.15,
       68.85, 147.84 steps -> 0, 59, -59, 20
     TANH (1/128, 0): 0, 0.7616, -0.7616, 0.3027 -> 0, 97, -97, 39
     HARD_SWISH (1/32, 0): 0, 0.667, -0.333, 0.1725 -> 0, 21, -11, 6
       (5.52 steps: the int16 arithmetic lands on 5.5, a tie, -> 6)
     LEAKY_RELU alpha 0.25 at (1/16, 0): 0, 16, -4, 5 */
static void build_d(graph *g)
{
    graph_init(g);
    const int32_t sh[4] = {1, 1, 1, 4};
    int x = act8(g, "x", 4, sh, 1.0f / 16, 0);
    int l = act8(g, "l", 4, sh, 1.0f / 256, -128);
    int t = act8(g, "t", 4, sh, 1.0f / 128, 0);
    int h = act8(g, "h", 4, sh, 1.0f / 32, 0);
    int k = act8(g, "k", 4, sh, 1.0f / 16, 0);
    op(g, MCN_OP_LOGISTIC, x, -1, l);
    op(g, MCN_OP_TANH, x, -1, t);
    op(g, MCN_OP_HARD_SWISH, x, -1, h);
    int n = op(g, MCN_OP_LEAKY_RELU, x, -1, k);
    g->nodes[n].alpha = 0.25f;
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = l;
    g->outputs[g->n_outputs++] = t;
    g->outputs[g->n_outputs++] = h;
    g->outputs[g->n_outputs++] = k;
}

START_TEST(model_d_activations)
{
    graph g;
    build_d(&g);
    mcn_ctx ctx;
    mcn_status s;
    uint8_t *buf = load(&g, &ctx, &s);
    ck_assert_int_eq(s, MCN_OK);
    mcn_tensor in, out;
    mcn_input(&ctx, 0, &in);
    const int8_t xs[4] = {0, 16, -16, 5};
    memcpy(in.data, xs, 4);
    ck_assert_int_eq(mcn_invoke(&ctx), MCN_OK);
    static const int8_t want[4][4] = {{0, 59, -59, 20}, {0, 97, -97, 39},
                                      {0, 21, -11, 6}, {0, 16, -4, 5}};
    for (int i = 0; i < 4; i++) {
        mcn_output(&ctx, i, &out);
        ck_assert_mem_eq(out.data, want[i], 4);
    }
    free(buf);
}
END_TEST

/* ADD of a per-channel constant, broadcast: x [1,1,2,2] (0.5, 5) +
   c [2] (0.25, -3) at (1, -10), as test_kernel_add works it:
   {7, 9, 3, 11} + {-1, -4} -> {-8, -8, -11, -7}. */
START_TEST(add_broadcast_constant)
{
    graph g;
    graph_init(&g);
    const int32_t sx[4] = {1, 1, 2, 2}, sc[1] = {2};
    const int8_t cd[2] = {-1, -4};
    int x = act8(&g, "x", 4, sx, 0.5f, 5);
    int c = const8(&g, "c", 1, sc, cd, 2, 0.25f, -3);
    int y = act8(&g, "y", 4, sx, 1.0f, -10);
    op(&g, MCN_OP_ADD, x, c, y);
    g.inputs[g.n_inputs++] = x;
    g.outputs[g.n_outputs++] = y;
    const int8_t xs[4] = {7, 9, 3, 11};
    static const int8_t want[4] = {-8, -8, -11, -7};
    expect_run(&g, xs, 4, want, 4);
}
END_TEST

/* On model C, the node named. */
static void bad_mean_axis(graph *g) { g->nodes[5].ints[1] = 4; }
static void mean_axis_twice(graph *g) { g->nodes[5].ints[1] = -3; }
static void mean_keeps_dims(graph *g) { g->nodes[5].keep_dims = true; }
static void pad_short(graph *g) { g->nodes[2].n_ints = 6; }
static void pad_crops_all(graph *g)
{
    g->nodes[2].ints[2] = -2;   /* W: 2 - 2 = 0 kept, padded by 2 */
    g->nodes[2].ints[6] = 2;
    g->nodes[2].pad_mode = MCN_PAD_EDGE;
}
static void pad_value_out_of_int8(graph *g) { g->nodes[2].rq.multiplier[0] = 200; }
static void pad_rescales(graph *g) { g->tensors[5].zero_point[0] = 1; }
static void concat_axis(graph *g) { g->nodes[4].axis = 2; }
static void concat_requant_count(graph *g)
{
    graph_set_requant(&g->nodes[4], 1);
}
static void mul_shapes(graph *g)
{
    g->tensors[1].shape[0] = 3;   /* c [3] against 2 channels */
    graph_set_data(g, 1, "\4\10\0", 3);
}

/* And on model D's activations (x is tensor 0, l..k are 1..4). */
static void logistic_zero_point(graph *g) { g->tensors[1].zero_point[0] = 0; }
static void tanh_radius(graph *g) { g->nodes[1].rq.diff_min = 121; }
static void hard_swish_left_shift(graph *g) { g->nodes[2].rq.shift[0] = 1; }
static void hard_swish_count(graph *g) { graph_set_requant(&g->nodes[2], 1); }
static void leaky_min_multiplier(graph *g)
{
    g->nodes[3].rq.multiplier[1] = INT32_MIN;
}

START_TEST(prepare_rejects_new_activations)
{
    static const tm_refusal cases[] = {
        {logistic_zero_point, MCN_ERR_UNSUPPORTED, 0},
        {tanh_radius, MCN_ERR_MODEL, 1},
        {hard_swish_left_shift, MCN_ERR_MODEL, 2},
        {hard_swish_count, MCN_ERR_MODEL, 2},
        {leaky_min_multiplier, MCN_ERR_MODEL, 3},
    };
    tm_expect_refusals(build_d, cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(prepare_rejects_new_ops)
{
    static const tm_refusal cases[] = {
        {bad_mean_axis, MCN_ERR_MODEL, 5},
        {mean_axis_twice, MCN_ERR_MODEL, 5},
        {mean_keeps_dims, MCN_ERR_MODEL, 5},
        {pad_short, MCN_ERR_MODEL, 2},
        {pad_crops_all, MCN_ERR_MODEL, 2},
        {pad_value_out_of_int8, MCN_ERR_MODEL, 2},
        {pad_rescales, MCN_ERR_UNSUPPORTED, 2},
        {concat_axis, MCN_ERR_MODEL, 4},
        {concat_requant_count, MCN_ERR_MODEL, 4},
        {mul_shapes, MCN_ERR_MODEL, 0},
    };
    tm_expect_refusals(build_c, cases, sizeof cases / sizeof cases[0]);
}
END_TEST

/* x [1,2,2,1] (0.5, 1); weights [2,3,3,1], channel 0 all ones at 0.5,
   channel 1 = 1..9 at 0.125; bias {1, -3} at s_in * s_w = 0.25, 0.0625;
   y [1,4,4,2] (0.25, -5); stride 2, pads 1 all round, so the full 5x5
   minus the pads is 3x3 and y keeps one row and column of output
   padding. Multipliers s_in * s_w / s_out: 1 = (2^30, 1) and 1/4 =
   (2^30, -1). A fused clip to real [1, 5] is q [-5 + 4, -5 + 20] =
   [-1, 15]. So the int8 arithmetic is test_kernel_tconv.c's first case,
   whose bytes are worked there. Tensors: x 0, w 1, b 2, y 3. */
enum { T_X, T_W, T_B, T_Y };
static void build_t(graph *g)
{
    graph_init(g);
    int8_t w[18];
    for (int k = 0; k < 9; k++) {
        w[k] = 1;
        w[9 + k] = (int8_t)(k + 1);
    }
    const int32_t bias[2] = {1, -3};
    const float sw[2] = {0.5f, 0.125f}, sb[2] = {0.25f, 0.0625f};
    const int32_t zp0[2] = {0, 0};
    const float sx = 0.5f, sy = 0.25f;
    const int32_t zx = 1, zy = -5;
    int x = graph_add_tensor(g, "x", MCN_DT_INT8, 4,
                             (const int32_t[]){1, 2, 2, 1});
    int wt = graph_add_tensor(g, "w", MCN_DT_INT8, 4,
                              (const int32_t[]){2, 3, 3, 1});
    int bt = graph_add_tensor(g, "b", MCN_DT_INT32, 1, (const int32_t[]){2});
    int y = graph_add_tensor(g, "y", MCN_DT_INT8, 4,
                             (const int32_t[]){1, 4, 4, 2});
    graph_set_quant(g, x, 1, &sx, &zx, 0);
    graph_set_quant(g, wt, 2, sw, zp0, 0);
    graph_set_data(g, wt, w, sizeof w);
    graph_set_quant(g, bt, 2, sb, zp0, 0);
    graph_set_data(g, bt, bias, sizeof bias);
    graph_set_quant(g, y, 1, &sy, &zy, 0);
    int n = graph_add_node(g, MCN_OP_TRANSPOSE_CONV, "tc");
    graph_node_add_input(g, n, x);
    graph_node_add_input(g, n, wt);
    graph_node_add_input(g, n, bt);
    graph_node_add_output(g, n, y);
    graph_node *nd = &g->nodes[n];
    nd->stride_h = nd->stride_w = 2;
    nd->dilation_h = nd->dilation_w = 1;
    nd->pad_top = nd->pad_left = nd->pad_bottom = nd->pad_right = 1;
    nd->groups = 1;
    nd->act = MCN_ACT_CLIP;
    nd->act_min = 1.0f;
    nd->act_max = 5.0f;
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = y;
}

START_TEST(transpose_conv_packs_and_runs)
{
    graph g;
    build_t(&g);
    mcn_err e = {0};
    ck_assert_msg(pack_graph(&g, NULL, &e) == 0, "%s", e.msg);
    const graph_node *nd = &g.nodes[0];
    ck_assert_int_eq(nd->rq.n, 2);
    ck_assert_int_eq(nd->rq.multiplier[0], 1 << 30);
    ck_assert_int_eq(nd->rq.shift[0], 1);
    ck_assert_int_eq(nd->rq.multiplier[1], 1 << 30);
    ck_assert_int_eq(nd->rq.shift[1], -1);
    ck_assert_int_eq(nd->rq.act_min, -1);
    ck_assert_int_eq(nd->rq.act_max, 15);
    /* One 4x4x2 image of int32 sums, placed in the arena. */
    ck_assert_uint_eq(nd->scratch_bytes, 4 * 4 * 2 * 4);
    ck_assert_int_ge(nd->scratch_offset, 0);
    /* Packing again (load does) gives the same plan. */
    uint32_t arena_bytes = g.arena_bytes;
    int32_t offset = nd->scratch_offset;
    ck_assert_msg(pack_graph(&g, NULL, &e) == 0, "%s", e.msg);
    ck_assert_uint_eq(g.arena_bytes, arena_bytes);
    ck_assert_int_eq(g.nodes[0].scratch_offset, offset);
    ck_assert_uint_eq(g.nodes[0].scratch_bytes, 128);
    const int8_t x[4] = {3, 5, 7, 9};
    static const int8_t want[32] = {
        -1, -1, 2, 2, 0, 0, 0, 1, 4, 2, 15, 13, 8, 7, 8, 10,
        2, 2, 10, 12, 4, 5, 4, 7, 2, 7, 10, 15, 4, 11, 4, 13};
    expect_run(&g, x, 4, want, 32);
}
END_TEST

START_TEST(transpose_conv_packer_refuses_groups)
{
    graph g;
    build_t(&g);
    g.nodes[0].groups = 2;
    mcn_err e = {0};
    ck_assert_int_eq(pack_graph(&g, NULL, &e), -1);
    ck_assert_str_eq(e.msg, "node 0 'tc' (TRANSPOSE_CONV): groups 2 is not "
                     "supported (only 1)");
    graph_free(&g);
}
END_TEST

/* And on the TRANSPOSE_CONV model: geometry the kernel's indices rely
   on, and its scratch. */
static void pad_top_cuts_more(graph *g)
{
    /* 5 - 2 - 1 = 2 rows left: 4 is two of output padding, not < 2. */
    g->nodes[0].pad_top = 2;
}
static void pad_bottom_cuts_more(graph *g) { g->nodes[0].pad_bottom = 2; }
static void zero_stride(graph *g) { g->nodes[0].stride_w = 0; }
static void huge_dilation(graph *g) { g->nodes[0].dilation_h = 70000; }
static void huge_pad(graph *g) { g->nodes[0].pad_left = 70000; }
static void two_groups(graph *g) { g->nodes[0].groups = 2; }
static void weights_take_3_channels(graph *g)
{
    /* [2,3,1,3]: 18 bytes still, but 3 input channels for 1. */
    g->tensors[T_W].shape[2] = 1;
    g->tensors[T_W].shape[3] = 3;
}
static void requant_count(graph *g) { graph_set_requant(&g->nodes[0], 3); }
static void scratch_short(graph *g) { g->nodes[0].scratch_bytes = 124; }
static void scratch_none(graph *g)
{
    g->nodes[0].scratch_bytes = 0;
    g->nodes[0].scratch_offset = -1;
}
/* The arena grows so the scratch stays inside it (the verifier's check);
   what is wrong is where in it. */
static void scratch_misaligned(graph *g)
{
    g->nodes[0].scratch_offset += 2;
    g->arena_bytes += 16;
}
static void scratch_on_output(graph *g)
{
    g->nodes[0].scratch_offset = g->tensors[T_Y].arena_offset;
    g->arena_bytes += 256;
}
static void scratch_on_input(graph *g)
{
    g->nodes[0].scratch_offset = g->tensors[T_X].arena_offset;
    g->arena_bytes += 256;
}
static void weight_zero_point(graph *g) { g->tensors[T_W].zero_point[1] = 1; }

START_TEST(prepare_rejects_transpose_conv)
{
    static const tm_refusal cases[] = {
        {pad_top_cuts_more, MCN_ERR_MODEL, 0},
        {pad_bottom_cuts_more, MCN_ERR_MODEL, 0},
        {zero_stride, MCN_ERR_MODEL, 0},
        {huge_dilation, MCN_ERR_MODEL, 0},
        {huge_pad, MCN_ERR_MODEL, 0},
        {two_groups, MCN_ERR_MODEL, 0},
        {weights_take_3_channels, MCN_ERR_MODEL, 0},
        {requant_count, MCN_ERR_MODEL, 0},
        {scratch_short, MCN_ERR_MODEL, 0},
        {scratch_none, MCN_ERR_MODEL, 0},
        {scratch_misaligned, MCN_ERR_MODEL, 0},
        {scratch_on_output, MCN_ERR_MODEL, 0},
        {scratch_on_input, MCN_ERR_MODEL, 0},
        {weight_zero_point, MCN_ERR_UNSUPPORTED, 0},
    };
    tm_expect_refusals(build_t, cases, sizeof cases / sizeof cases[0]);
}
END_TEST

Suite *suite_engine_ops(void)
{
    Suite *s = suite_create("engine_ops");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, model_c_mul_pad_concat_mean);
    tcase_add_test(tc, model_d_activations);
    tcase_add_test(tc, add_broadcast_constant);
    tcase_add_test(tc, prepare_rejects_new_ops);
    tcase_add_test(tc, prepare_rejects_new_activations);
    tcase_add_test(tc, transpose_conv_packs_and_runs);
    tcase_add_test(tc, transpose_conv_packer_refuses_groups);
    tcase_add_test(tc, prepare_rejects_transpose_conv);
    suite_add_tcase(s, tc);
    return s;
}
