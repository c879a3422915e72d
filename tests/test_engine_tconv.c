/* test_engine_tconv.c: TRANSPOSE_CONV through the packer and the engine:
   a quantized host graph, pack_graph (requant values and the int32
   scratch, requant_tconv.c), graph_to_mcn, mcn_init's checks and
   mcn_invoke; then what mcn_init refuses because the kernel would leave
   its buffers. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "graph_io.h"
#include "mcn.h"
#include "pack.h"

static _Alignas(16) uint8_t arena[2048];

/* x [1,2,2,1] (0.5, 1); weights [2,3,3,1], channel 0 all ones at 0.5,
   channel 1 = 1..9 at 0.125; bias {1, -3} at s_in * s_w = 0.25, 0.0625;
   y [1,4,4,2] (0.25, -5); stride 2, pads 1 all round, so the full 5x5
   minus the pads is 3x3 and y keeps one row and column of output
   padding. Multipliers s_in * s_w / s_out: 1 = (2^30, 1) and 1/4 =
   (2^30, -1). A fused clip to real [1, 5] is q [-5 + 4, -5 + 20] =
   [-1, 15]. So the int8 arithmetic is test_kernel_tconv.c's first case,
   whose bytes are worked there. */
enum { T_X, T_W, T_B, T_Y };
static void build(graph *g)
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

static void pack_ok(graph *g)
{
    mcn_err e = {{0}};
    ck_assert_msg(pack_graph(g, NULL, &e) == 0, "%s", e.msg);
}

/* Write g (freed) and bind it; the caller frees the returned model. */
static uint8_t *bind(graph *g, mcn_ctx *ctx, mcn_status *status)
{
    mcn_err e = {{0}};
    uint8_t *buf;
    size_t len;
    ck_assert_msg(graph_to_mcn(g, &buf, &len, &e) == 0, "%s", e.msg);
    ck_assert_uint_le(g->arena_bytes, sizeof arena);
    graph_free(g);
    *status = mcn_init(ctx, buf, len, arena, sizeof arena);
    return buf;
}

START_TEST(packs_and_runs)
{
    graph g;
    build(&g);
    pack_ok(&g);
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
    /* Packing again gives the same plan. */
    uint32_t arena_bytes = g.arena_bytes;
    int32_t offset = nd->scratch_offset;
    pack_ok(&g);
    ck_assert_uint_eq(g.arena_bytes, arena_bytes);
    ck_assert_int_eq(g.nodes[0].scratch_offset, offset);
    ck_assert_uint_eq(g.nodes[0].scratch_bytes, 128);

    mcn_ctx ctx;
    mcn_status s;
    uint8_t *buf = bind(&g, &ctx, &s);
    ck_assert_int_eq(s, MCN_OK);
    mcn_tensor in, out;
    mcn_input(&ctx, 0, &in);
    mcn_output(&ctx, 0, &out);
    const int8_t x[4] = {3, 5, 7, 9};
    memcpy(in.data, x, 4);
    ck_assert_int_eq(mcn_invoke(&ctx), MCN_OK);
    static const int8_t want[32] = {
        -1, -1, 2, 2, 0, 0, 0, 1, 4, 2, 15, 13, 8, 7, 8, 10,
        2, 2, 10, 12, 4, 5, 4, 7, 2, 7, 10, 15, 4, 11, 4, 13};
    ck_assert_mem_eq(out.data, want, 32);
    free(buf);
}
END_TEST

START_TEST(packer_refuses_groups)
{
    graph g;
    build(&g);
    g.nodes[0].groups = 2;
    mcn_err e = {{0}};
    ck_assert_int_eq(pack_graph(&g, NULL, &e), -1);
    ck_assert_str_eq(e.msg, "node 0 'tc' (TRANSPOSE_CONV): groups 2 is not "
                     "supported (only 1)");
    graph_free(&g);
}
END_TEST

/* Each edit is made after packing; the model must then fail mcn_init at
   operator 0 with the status given. */
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

START_TEST(prepare_rejects_bad_geometry_and_scratch)
{
    static const struct {
        void (*edit)(graph *);
        mcn_status want;
    } cases[] = {
        {pad_top_cuts_more, MCN_ERR_MODEL},
        {pad_bottom_cuts_more, MCN_ERR_MODEL},
        {zero_stride, MCN_ERR_MODEL},
        {huge_dilation, MCN_ERR_MODEL},
        {huge_pad, MCN_ERR_MODEL},
        {two_groups, MCN_ERR_MODEL},
        {weights_take_3_channels, MCN_ERR_MODEL},
        {requant_count, MCN_ERR_MODEL},
        {scratch_short, MCN_ERR_MODEL},
        {scratch_none, MCN_ERR_MODEL},
        {scratch_misaligned, MCN_ERR_MODEL},
        {scratch_on_output, MCN_ERR_MODEL},
        {scratch_on_input, MCN_ERR_MODEL},
        {weight_zero_point, MCN_ERR_UNSUPPORTED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        graph g;
        build(&g);
        pack_ok(&g);
        cases[i].edit(&g);
        mcn_ctx ctx;
        mcn_status s;
        uint8_t *buf = bind(&g, &ctx, &s);
        ck_assert_msg(s == cases[i].want && ctx.failed_op == 0,
                      "case %zu: status %d at op %d, want %d at 0", i,
                      (int)s, (int)ctx.failed_op, (int)cases[i].want);
        free(buf);
    }
}
END_TEST

Suite *suite_engine_tconv(void)
{
    Suite *s = suite_create("engine_tconv");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, packs_and_runs);
    tcase_add_test(tc, packer_refuses_groups);
    tcase_add_test(tc, prepare_rejects_bad_geometry_and_scratch);
    suite_add_tcase(s, tc);
    return s;
}
