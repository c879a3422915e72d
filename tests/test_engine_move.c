/* test_engine_move.c: TRANSPOSE, SLICE, GLOBAL_MAX_POOL and the dilated
   and ceil_mode pools on the engine: int8 graphs packed (pack_graph),
   written (graph_to_mcn), checked by mcn_init and run, with outputs
   worked by hand (test_kernel_transpose.c and test_kernel_pool.c go step
   by step); what mcn_init and the packer refuse; and a float graph
   quantized with calibration samples whose int8 run tracks fexec. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "float_exec.h"
#include "graph.h"
#include "graph_io.h"
#include "mcn.h"
#include "pack.h"
#include "quantize.h"

static _Alignas(16) uint8_t arena[4096];

/* An int8 activation at (0.5, 0), or a float one when scale is 0. */
static int tensor(graph *g, int rank, const int32_t *shape, float scale)
{
    int t = graph_add_tensor(g, NULL, scale ? MCN_DT_INT8 : MCN_DT_FLOAT32,
                             rank, shape);
    int32_t zp = 0;
    if (scale)
        graph_set_quant(g, t, 1, &scale, &zp, 0);
    return t;
}

static graph_node *node(graph *g, mcn_opcode op, int in, int out)
{
    int n = graph_add_node(g, op, NULL);
    graph_node_add_input(g, n, in);
    graph_node_add_output(g, n, out);
    return &g->nodes[n];
}

static void set_ints(graph_node *n, int count, const int32_t *v)
{
    n->n_ints = count;
    memcpy(n->ints, v, (size_t)count * sizeof *v);
}

static void pool_geometry(graph_node *n, int k, int stride, int dil, int pad0,
                          int pad1)
{
    n->filter_h = n->filter_w = k;
    n->stride_h = n->stride_w = stride;
    n->dilation_h = n->dilation_w = dil;
    n->pad_top = n->pad_left = pad0;
    n->pad_bottom = n->pad_right = pad1;
}

/* Write g (already packed, or packed here when pack) and bind it; g is
   freed. The model is returned for the caller to free. */
static uint8_t *bind(graph *g, int pack, mcn_ctx *ctx, mcn_status *status)
{
    mcn_err e = {0};
    uint8_t *buf;
    size_t len;
    if (pack)
        ck_assert_msg(pack_graph(g, NULL, &e) == 0, "%s", e.msg);
    ck_assert_msg(graph_to_mcn(g, &buf, &len, &e) == 0, "%s", e.msg);
    ck_assert_uint_le(g->arena_bytes, sizeof arena);
    graph_free(g);
    *status = mcn_init(ctx, buf, len, arena, sizeof arena);
    return buf;
}

/* Pack and run g on input x; output k must be want (n bytes). */
static void expect_outputs(graph *g, const int8_t *x, int n_out,
                           const int8_t *const *want, const int *n)
{
    mcn_ctx ctx;
    mcn_status s;
    uint8_t *buf = bind(g, 1, &ctx, &s);
    ck_assert_int_eq(s, MCN_OK);
    mcn_tensor t;
    mcn_input(&ctx, 0, &t);
    memcpy(t.data, x, t.bytes);
    ck_assert_int_eq(mcn_invoke(&ctx), MCN_OK);
    for (int k = 0; k < n_out; k++) {
        mcn_output(&ctx, k, &t);
        ck_assert_uint_eq(t.bytes, (size_t)n[k]);
        for (int i = 0; i < n[k]; i++)
            ck_assert_msg(((int8_t *)t.data)[i] == want[k][i],
                          "output %d byte %d is %d, not %d", k, i,
                          ((int8_t *)t.data)[i], want[k][i]);
    }
    free(buf);
}

/* ---- TRANSPOSE, SLICE, GLOBAL_MAX_POOL ---- */

/* Model M, every tensor at (0.5, 0):
     x [1,2,2,3] NHWC = (h, w, c) at 6h + 3w + c:
        5 -1  3 | -7  9  0 |  2  2 -8 |  1 -3  4
     t = TRANSPOSE(x, perm 0,3,1,2) [1,3,2,2]: channel planes
        c0 {5, -7, 2, 1}, c1 {-1, 9, 2, -3}, c2 {3, 0, -8, 4}
     s = SLICE(t, first 0,2,1,0, steps 1,-2,-1,1) [1,2,2,2]: channels 2
        then 0, rows 1 then 0, columns 0, 1:
        {-8, 4, 3, 0, 2, 1, 5, -7}
     m = GLOBAL_MAX_POOL(x) [1,1,1,3]: {5, 9, 4} */
static const int8_t m_in[12] = {5, -1, 3, -7, 9, 0, 2, 2, -8, 1, -3, 4};

static void build_m(graph *g)
{
    graph_init(g);
    int x = tensor(g, 4, (const int32_t[]){1, 2, 2, 3}, 0.5f);
    int t = tensor(g, 4, (const int32_t[]){1, 3, 2, 2}, 0.5f);
    int s = tensor(g, 4, (const int32_t[]){1, 2, 2, 2}, 0.5f);
    int m = tensor(g, 4, (const int32_t[]){1, 1, 1, 3}, 0.5f);
    set_ints(node(g, MCN_OP_TRANSPOSE, x, t), 4,
             (const int32_t[]){0, 3, 1, 2});
    set_ints(node(g, MCN_OP_SLICE, t, s), 8,
             (const int32_t[]){0, 2, 1, 0, 1, -2, -1, 1});
    node(g, MCN_OP_GLOBAL_MAX_POOL, x, m);
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = s;
    g->outputs[g->n_outputs++] = m;
}

START_TEST(transpose_slice_global_max)
{
    graph g;
    build_m(&g);
    static const int8_t s[8] = {-8, 4, 3, 0, 2, 1, 5, -7}, m[3] = {5, 9, 4};
    expect_outputs(&g, m_in, 2, (const int8_t *const[]){s, m},
                   (const int[]){8, 3});
}
END_TEST

/* ---- pools ---- */

/* Model P on the 6x6 of test_kernel_pool.c at (0.5, 0): MAX_POOL and
   AVERAGE_POOL with 2x2 filters, dilation 2, stride 2 and ceil_mode's
   3x3 output (floor: 2x2), the dilation read back from the .mcn. */
static const int8_t grid6[36] = {
    1, -5, 3, 0, 7, -2,    -8, 4, -1, 9, -3, 6,   2, -7, 10, -4, 5, -6,
    0, 8, -9, 11, -1, 3,   -3, 6, 4, -2, 12, -5,  5, -1, 0, 2, -8, 13};

static void build_p(graph *g)
{
    graph_init(g);
    int x = tensor(g, 4, (const int32_t[]){1, 6, 6, 1}, 0.5f);
    int mx = tensor(g, 4, (const int32_t[]){1, 3, 3, 1}, 0.5f);
    int av = tensor(g, 4, (const int32_t[]){1, 3, 3, 1}, 0.5f);
    pool_geometry(node(g, MCN_OP_MAX_POOL_2D, x, mx), 2, 2, 2, 0, 0);
    pool_geometry(node(g, MCN_OP_AVERAGE_POOL_2D, x, av), 2, 2, 2, 0, 0);
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = mx;
    g->outputs[g->n_outputs++] = av;
}

START_TEST(dilated_ceil_mode_pools)
{
    graph g;
    build_p(&g);
    static const int8_t mx[9] = {10, 10, 7, 10, 12, 12, 4, 12, 12};
    static const int8_t av[9] = {4, 6, 6, 3, 8, 9, 1, 8, 12};
    expect_outputs(&g, grid6, 2, (const int8_t *const[]){mx, av},
                   (const int[]){9, 9});
}
END_TEST

/* 16x16, x[y][x] = 7y + x - 64, growing along both axes.
   MAX_POOL 3x3 stride 2, ceil_mode: floor (16 - 3) / 2 + 1 = 7, ceil 8;
   the 8th window starts at 14 and is cut at 15. Each window's maximum is
   its last in-image tap: 7 * min(2o + 2, 15) + min(2p + 2, 15) - 64.
   AVERAGE_POOL 3x3 stride 2 pads 1, ceil_mode and count_include_pad:
   floor (18 - 3) / 2 + 1 = 8, ceil 9; window (0,0) holds rows and
   columns 0..1, sum -64 - 63 - 57 - 56 = -240, over 9 padded taps:
   (-240 - 4) / 9 = -27; window (8,8) starts at 15: x[15][15] = 56 over
   the 2 x 2 taps inside [-1, 17): 14; window (0,8): rows 0..1, column
   15: -49 - 42 = -91 over 3 x 2 = 6: (-91 - 3) / 6 = -15. */
START_TEST(ceil_mode_16x16)
{
    graph g;
    graph_init(&g);
    int x = tensor(&g, 4, (const int32_t[]){1, 16, 16, 1}, 0.5f);
    int mx = tensor(&g, 4, (const int32_t[]){1, 8, 8, 1}, 0.5f);
    int av = tensor(&g, 4, (const int32_t[]){1, 9, 9, 1}, 0.5f);
    pool_geometry(node(&g, MCN_OP_MAX_POOL_2D, x, mx), 3, 2, 1, 0, 0);
    graph_node *a = node(&g, MCN_OP_AVERAGE_POOL_2D, x, av);
    pool_geometry(a, 3, 2, 1, 1, 1);
    a->count_include_pad = true;
    g.inputs[g.n_inputs++] = x;
    g.outputs[g.n_outputs++] = mx;
    g.outputs[g.n_outputs++] = av;
    int8_t in[256], want_mx[64];
    for (int i = 0; i < 256; i++)
        in[i] = (int8_t)(7 * (i / 16) + i % 16 - 64);
    for (int o = 0; o < 8; o++)
        for (int p = 0; p < 8; p++)
            want_mx[o * 8 + p] = (int8_t)(7 * (2 * o + 2 < 15 ? 2 * o + 2 : 15)
                                          + (2 * p + 2 < 15 ? 2 * p + 2 : 15)
                                          - 64);
    mcn_ctx ctx;
    mcn_status s;
    uint8_t *buf = bind(&g, 1, &ctx, &s);
    ck_assert_int_eq(s, MCN_OK);
    mcn_tensor t;
    mcn_input(&ctx, 0, &t);
    memcpy(t.data, in, 256);
    ck_assert_int_eq(mcn_invoke(&ctx), MCN_OK);
    mcn_output(&ctx, 0, &t);
    ck_assert_mem_eq(t.data, want_mx, 64);
    mcn_output(&ctx, 1, &t);
    const int8_t *y = t.data;
    ck_assert_int_eq(y[0], -27);
    ck_assert_int_eq(y[80], 14);
    ck_assert_int_eq(y[8], -15);
    free(buf);
}
END_TEST

/* ---- what mcn_init refuses ---- */

/* Edits made to a packed model M or P before it is written. Packing may
   run the nodes in another order (plan_arena.h), so they are found by
   their op. */
static int index_of(const graph *g, mcn_opcode op)
{
    for (int i = 0; i < g->n_nodes; i++)
        if (g->nodes[i].op == op)
            return i;
    ck_abort_msg("no %s node", graph_op_name(op));
    return -1;
}

static graph_node *op_node(graph *g, mcn_opcode op)
{
    return &g->nodes[index_of(g, op)];
}

static void perm_repeats(graph *g) { op_node(g, MCN_OP_TRANSPOSE)->ints[2] = 3; }
static void perm_short(graph *g) { op_node(g, MCN_OP_TRANSPOSE)->n_ints = 3; }
static void slice_first_outside(graph *g) { op_node(g, MCN_OP_SLICE)->ints[1] = 3; }
static void slice_last_outside(graph *g) { op_node(g, MCN_OP_SLICE)->ints[5] = -3; }
static void slice_step_zero(graph *g) { op_node(g, MCN_OP_SLICE)->ints[7] = 0; }
static void slice_rescales(graph *g) { g->tensors[2].zero_point[0] = 1; }
static void gmp_rescales(graph *g) { g->tensors[3].zero_point[0] = 1; }
/* Stride 3 leaves 2 windows either way: 3 is no output size. */
static void pool_size(graph *g) { op_node(g, MCN_OP_MAX_POOL_2D)->stride_h = 3; }
/* Dilation 3 spans 4: (6 - 4) / 2 + 1 = 2 windows, no ceil_mode one. */
static void pool_dilation(graph *g)
{
    op_node(g, MCN_OP_AVERAGE_POOL_2D)->dilation_w = 3;
}

START_TEST(prepare_rejects_bad_perms_bounds_and_windows)
{
    static const struct {
        void (*build)(graph *);
        void (*edit)(graph *);
        mcn_status want;
        mcn_opcode op;
    } cases[] = {
        {build_m, perm_repeats, MCN_ERR_MODEL, MCN_OP_TRANSPOSE},
        {build_m, perm_short, MCN_ERR_MODEL, MCN_OP_TRANSPOSE},
        {build_m, slice_first_outside, MCN_ERR_MODEL, MCN_OP_SLICE},
        {build_m, slice_last_outside, MCN_ERR_MODEL, MCN_OP_SLICE},
        {build_m, slice_step_zero, MCN_ERR_MODEL, MCN_OP_SLICE},
        {build_m, slice_rescales, MCN_ERR_UNSUPPORTED, MCN_OP_SLICE},
        {build_m, gmp_rescales, MCN_ERR_UNSUPPORTED, MCN_OP_GLOBAL_MAX_POOL},
        {build_p, pool_size, MCN_ERR_MODEL, MCN_OP_MAX_POOL_2D},
        {build_p, pool_dilation, MCN_ERR_MODEL, MCN_OP_AVERAGE_POOL_2D},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        graph g;
        mcn_err e = {0};
        cases[i].build(&g);
        ck_assert_msg(pack_graph(&g, NULL, &e) == 0, "%s", e.msg);
        cases[i].edit(&g);
        int at = index_of(&g, cases[i].op);
        mcn_ctx ctx;
        mcn_status s;
        free(bind(&g, 0, &ctx, &s));
        ck_assert_msg(s == cases[i].want && ctx.failed_op == at,
                      "case %zu: status %d at op %d, want %d at %d", i,
                      (int)s, (int)ctx.failed_op, (int)cases[i].want, at);
    }
}
END_TEST

/* A 2-tap window dilated by 2 over a 1-row image padded by 1 each side
   reads rows -1 and 1: padding only. The packer leaves geometry to the
   engine, which refuses it as the float path does. */
START_TEST(prepare_rejects_a_window_of_padding)
{
    graph g;
    graph_init(&g);
    int x = tensor(&g, 4, (const int32_t[]){1, 1, 1, 1}, 0.5f);
    int y = tensor(&g, 4, (const int32_t[]){1, 1, 1, 1}, 0.5f);
    graph_node *n = node(&g, MCN_OP_MAX_POOL_2D, x, y);
    pool_geometry(n, 1, 1, 1, 0, 0);
    n->filter_h = 2;
    n->dilation_h = 2;
    n->pad_top = n->pad_bottom = 1;
    g.inputs[g.n_inputs++] = x;
    g.outputs[g.n_outputs++] = y;
    mcn_ctx ctx;
    mcn_status s;
    free(bind(&g, 1, &ctx, &s));
    ck_assert_int_eq(s, MCN_ERR_MODEL);
    ck_assert_int_eq(ctx.failed_op, 0);
}
END_TEST

/* The packer names the node and what is wrong. */
START_TEST(packer_names_bad_perms_and_bounds)
{
    static const struct {
        int node, at;
        int32_t value;
        const char *msg;
    } cases[] = {
        {0, 1, 0, "node 0 (TRANSPOSE): perm is not a permutation of 0..3"},
        {0, 1, 2, "node 0 (TRANSPOSE): output axis 1 has 3 values, input "
                  "axis 2 has 2"},
        {1, 6, 1, "node 1 (SLICE): axis 2 takes 2 values from 1 by 1, "
                  "outside 0..1"},
        {1, 4, 0, "node 1 (SLICE): axis 0 has step 0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        graph g;
        mcn_err e = {0};
        build_m(&g);
        g.nodes[cases[i].node].ints[cases[i].at] = cases[i].value;
        ck_assert_int_eq(pack_graph(&g, NULL, &e), -1);
        ck_assert_str_eq(e.msg, cases[i].msg);
        graph_free(&g);
    }
}
END_TEST

/* ---- float graph -> int8 engine ---- */

/* x [1,6,6,2] -> AVERAGE_POOL 2x2, dilation 2, stride 2, pads 1,
   ceil_mode (floor (8 - 3) / 2 + 1 = 3, ceil 4) with count_include_pad
   -> [1,4,4,2] -> TRANSPOSE (0,3,1,2) -> [1,2,4,4] -> SLICE first
   (0,1,3,0) steps (1,-1,-2,3) -> [1,2,2,2]; and GLOBAL_MAX_POOL(x). All
   of it shares x's quantization (qrules), so an int8 output is off the
   float one by at most the input's rounding, s/2, and the average's own,
   s/2: one step. */
static void build_float(graph *g)
{
    graph_init(g);
    int x = tensor(g, 4, (const int32_t[]){1, 6, 6, 2}, 0);
    int a = tensor(g, 4, (const int32_t[]){1, 4, 4, 2}, 0);
    int t = tensor(g, 4, (const int32_t[]){1, 2, 4, 4}, 0);
    int s = tensor(g, 4, (const int32_t[]){1, 2, 2, 2}, 0);
    int m = tensor(g, 4, (const int32_t[]){1, 1, 1, 2}, 0);
    graph_node *n = node(g, MCN_OP_AVERAGE_POOL_2D, x, a);
    pool_geometry(n, 2, 2, 2, 1, 1);
    n->count_include_pad = true;
    set_ints(node(g, MCN_OP_TRANSPOSE, a, t), 4,
             (const int32_t[]){0, 3, 1, 2});
    set_ints(node(g, MCN_OP_SLICE, t, s), 8,
             (const int32_t[]){0, 1, 3, 0, 1, -1, -2, 3});
    node(g, MCN_OP_GLOBAL_MAX_POOL, x, m);
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = s;
    g->outputs[g->n_outputs++] = m;
}

START_TEST(int8_tracks_float)
{
    enum { N = 4, X = 72 };
    float xs[N][X];
    const float *samples[N];
    for (int k = 0; k < N; k++) {
        for (int i = 0; i < X; i++)
            xs[k][i] = sinf(0.37f * (float)(i + 1) * (float)(k + 1)) *
                       (1.5f + 0.5f * (float)k);
        samples[k] = xs[k];
    }
    graph fg, qg;
    mcn_err e = {0};
    build_float(&fg);
    ck_assert_int_eq(graph_clone(&qg, &fg, &e), 0);
    quantize_opts o = {.n_samples = N, .samples = samples};
    ck_assert_msg(quantize_graph(&qg, &o, &e) == 0, "%s", e.msg);
    const graph_tensor *xq = &qg.tensors[qg.inputs[0]];
    float s_in = xq->scale[0];
    int32_t zp_in = xq->zero_point[0];

    float_exec *fx;
    ck_assert_msg(fexec_create(&fx, &fg, &e) == 0, "%s", e.msg);
    mcn_ctx ctx;
    mcn_status st;
    uint8_t *buf = bind(&qg, 1, &ctx, &st);
    ck_assert_int_eq(st, MCN_OK);
    for (int k = 0; k < N; k++) {
        ck_assert_msg(fexec_run(fx, &samples[k], &e) == 0, "%s", e.msg);
        mcn_tensor t;
        mcn_input(&ctx, 0, &t);
        for (int i = 0; i < X; i++) {
            float q = roundf(xs[k][i] / s_in) + (float)zp_in;
            ((int8_t *)t.data)[i] =
                (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
        }
        ck_assert_int_eq(mcn_invoke(&ctx), MCN_OK);
        for (int out = 0; out < 2; out++) {
            mcn_output(&ctx, out, &t);
            ck_assert_float_eq(t.scale, s_in);   /* shared all the way */
            const float *want = fexec_tensor(fx, fg.outputs[out]);
            for (uint32_t i = 0; i < t.bytes; i++) {
                float got = t.scale * (float)(((int8_t *)t.data)[i] -
                                              t.zero_point);
                ck_assert_msg(fabsf(got - want[i]) <= t.scale * 1.001f,
                              "sample %d output %d [%u]: %g, float %g", k,
                              out, i, (double)got, (double)want[i]);
            }
        }
    }
    free(buf);
    fexec_free(fx);
    graph_free(&fg);
}
END_TEST

Suite *suite_engine_move(void)
{
    Suite *s = suite_create("engine_move");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, transpose_slice_global_max);
    tcase_add_test(tc, dilated_ceil_mode_pools);
    tcase_add_test(tc, ceil_mode_16x16);
    tcase_add_test(tc, prepare_rejects_bad_perms_bounds_and_windows);
    tcase_add_test(tc, prepare_rejects_a_window_of_padding);
    tcase_add_test(tc, packer_names_bad_perms_and_bounds);
    tcase_add_test(tc, int8_tracks_float);
    suite_add_tcase(s, tc);
    return s;
}
