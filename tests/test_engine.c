/* test_engine.c: mcn_init's argument and prepare checks, and whole packed
   models run through mcn_invoke. Models are built with the host graph and
   written with graph_to_mcn; the expected outputs are worked by hand (the
   same working as the kernel tests, repeated where it is used). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "graph_io.h"
#include "mcn.h"

static _Alignas(16) uint8_t arena[256];

static int act(graph *g, const char *name, int rank, const int32_t *shape,
               float scale, int32_t zp, int32_t offset)
{
    int t = graph_add_tensor(g, name, MCN_DT_INT8, rank, shape);
    graph_set_quant(g, t, 1, &scale, &zp, 0);
    g->tensors[t].arena_offset = offset;
    return t;
}

static int constant(graph *g, const char *name, mcn_dtype dt, int rank,
                    const int32_t *shape, const void *data, size_t bytes,
                    int nscale)
{
    int t = graph_add_tensor(g, name, dt, rank, shape);
    graph_set_data(g, t, data, bytes);
    if (nscale) {
        float s[8];
        int32_t zp[8] = {0};
        for (int i = 0; i < nscale; i++)
            s[i] = 0.01f;
        graph_set_quant(g, t, nscale, s, zp, nscale > 1 ? rank - 1 : 0);
    }
    return t;
}

static int node(graph *g, mcn_opcode op, int a, int b, int c, int out)
{
    int n = graph_add_node(g, op, NULL);
    graph_node_add_input(g, n, a);
    if (b != -2)
        graph_node_add_input(g, n, b);
    if (c != -2)
        graph_node_add_input(g, n, c);
    graph_node_add_output(g, n, out);
    return n;
}

static void requant(graph *g, int n, int count, int32_t mult, int32_t shift,
                    int32_t act_min, int32_t act_max)
{
    graph_node *nd = &g->nodes[n];
    graph_set_requant(nd, count);
    for (int i = 0; i < count; i++) {
        nd->rq.multiplier[i] = mult;
        nd->rq.shift[i] = shift;
    }
    nd->rq.act_min = act_min;
    nd->rq.act_max = act_max;
}

/* Model A: x [1,4,4,1] (zp 1) -> CONV_2D 3x3 pad 1, 2 channels (the
   kernel test's conv_3x3_pad_per_channel) -> [1,4,4,2] (zp -5) ->
   MAX_POOL 2x2 stride 2 -> [1,2,2,2].  Arena: x at 0, conv out at 16,
   pool out at 0 again (x is dead by then): 48 bytes. */
typedef struct {
    graph g;
    int x, conv_out, pool_out, conv, pool;
} model_a;

static void build_a(model_a *m)
{
    graph *g = &m->g;
    graph_init(g);
    const int32_t xs[4] = {1, 4, 4, 1}, ws[4] = {2, 3, 3, 1}, bs[1] = {2},
                  cs[4] = {1, 4, 4, 2}, ps[4] = {1, 2, 2, 2};
    int8_t w[18] = {0};
    for (int i = 0; i < 9; i++)
        w[i] = 1;
    w[9 + 4] = 2;
    const int32_t bias[2] = {0, -11};
    m->x = act(g, "x", 4, xs, 0.5f, 1, 0);
    int wt = constant(g, "w", MCN_DT_INT8, 4, ws, w, sizeof w, 2);
    g->tensors[wt].quant_axis = 0;
    int bt = constant(g, "b", MCN_DT_INT32, 1, bs, bias, sizeof bias, 0);
    m->conv_out = act(g, "c", 4, cs, 0.25f, -5, 16);
    m->pool_out = act(g, "p", 4, ps, 0.25f, -5, 0);
    m->conv = node(g, MCN_OP_CONV_2D, m->x, wt, bt, m->conv_out);
    g->nodes[m->conv].pad_top = g->nodes[m->conv].pad_left = 1;
    g->nodes[m->conv].pad_bottom = g->nodes[m->conv].pad_right = 1;
    requant(g, m->conv, 2, 1 << 30, 0, -128, 30);
    g->nodes[m->conv].rq.shift[1] = -1;
    m->pool = node(g, MCN_OP_MAX_POOL_2D, m->conv_out, -2, -2, m->pool_out);
    graph_node *p = &g->nodes[m->pool];
    p->filter_h = p->filter_w = 2;
    p->stride_h = p->stride_w = 2;
    requant(g, m->pool, 0, 0, 0, -128, 127);
    g->inputs[g->n_inputs++] = m->x;
    g->outputs[g->n_outputs++] = m->pool_out;
    g->arena_bytes = 48;
}

static uint8_t *write(const graph *g, size_t *len)
{
    uint8_t *buf = NULL;
    mcn_err e;
    ck_assert_msg(graph_to_mcn(g, &buf, len, &e) == 0, "%s", e.msg);
    return buf;
}

/* init on model A after `edit`; returns the status, ctx in *ctx and the
   model (to free once done with ctx) in *model. */
static mcn_status init_a(void (*edit)(model_a *), mcn_ctx *ctx,
                         uint8_t **model)
{
    model_a m;
    build_a(&m);
    if (edit)
        edit(&m);
    size_t len;
    uint8_t *buf = write(&m.g, &len);
    graph_free(&m.g);
    *model = buf;
    return mcn_init(ctx, buf, len, arena, sizeof arena);
}

START_TEST(model_a_runs)
{
    model_a m;
    build_a(&m);
    size_t len;
    uint8_t *buf = write(&m.g, &len);
    graph_free(&m.g);
    mcn_ctx ctx;
    ck_assert_int_eq(mcn_init(&ctx, buf, len, arena, sizeof arena), MCN_OK);
    ck_assert_int_eq(ctx.failed_op, -1);
    ck_assert_int_eq(mcn_num_inputs(&ctx), 1);
    ck_assert_int_eq(mcn_num_outputs(&ctx), 1);
    mcn_tensor in, out;
    ck_assert_int_eq(mcn_input(&ctx, 0, &in), MCN_OK);
    ck_assert_int_eq(in.dtype, MCN_DT_INT8);
    ck_assert_int_eq(in.rank, 4);
    ck_assert_int_eq(in.dims[1], 4);
    ck_assert_int_eq(in.bytes, 16);
    ck_assert_ptr_eq(in.data, arena);
    ck_assert_float_eq(in.scale, 0.5f);
    ck_assert_int_eq(in.zero_point, 1);
    ck_assert_int_eq(mcn_output(&ctx, 0, &out), MCN_OK);
    ck_assert_int_eq(out.bytes, 8);
    ck_assert_int_eq(out.zero_point, -5);
    ck_assert_int_eq(mcn_input(&ctx, 1, &in), MCN_ERR_ARG);
    ck_assert_int_eq(mcn_output(&ctx, -1, &out), MCN_ERR_ARG);
    /* Conv outputs (kernel test): oc0 0 4 7 4 / 9 18 22 15 / 21 30 30 27 /
       16 28 30 20; oc1 -8 -7 -7 -6 / -6 -5 -4 -4 / -3 -3 -2 -2 / -1 -1 0 0.
       2x2 maxima: oc0 18 22 30 30; oc1 -5 -4 -1 0. */
    static const int8_t want[8] = {18, -5, 22, -4, 30, -1, 30, 0};
    for (int run = 0; run < 2; run++) {
        for (int i = 0; i < 16; i++)
            ((int8_t *)in.data)[i] = (int8_t)(i + 1);
        ck_assert_int_eq(mcn_invoke(&ctx), MCN_OK);
        ck_assert_mem_eq(out.data, want, 8);
    }
    free(buf);
}
END_TEST

/* The hook sees every operator, in order, before and after it runs. */
typedef struct {
    int calls;
    uint32_t seen[8];
} hook_log;

static void record(void *user, uint32_t op, int done)
{
    hook_log *h = user;
    if (h->calls < 8)
        h->seen[h->calls] = op * 2u + (uint32_t)done;
    h->calls++;
}

START_TEST(op_hook_brackets_each_operator)
{
    mcn_ctx ctx = {0};   /* not initialised: no hook can be set */
    uint8_t *buf;
    hook_log h = {0};
    ck_assert_int_eq(mcn_set_op_hook(&ctx, record, &h), MCN_ERR_ARG);
    ck_assert_int_eq(init_a(NULL, &ctx, &buf), MCN_OK);
    ck_assert_int_eq(mcn_set_op_hook(&ctx, record, &h), MCN_OK);
    ck_assert_int_eq(mcn_invoke(&ctx), MCN_OK);
    ck_assert_int_eq(h.calls, 4);   /* model A: conv, then max pool */
    for (int i = 0; i < 4; i++)
        ck_assert_uint_eq(h.seen[i], (uint32_t)i);
    ck_assert_int_eq(mcn_set_op_hook(&ctx, NULL, NULL), MCN_OK);
    ck_assert_int_eq(mcn_invoke(&ctx), MCN_OK);
    ck_assert_int_eq(h.calls, 4);
    free(buf);
}
END_TEST

START_TEST(init_rejects_bad_arguments)
{
    model_a m;
    build_a(&m);
    size_t len;
    uint8_t *buf = write(&m.g, &len);
    graph_free(&m.g);
    mcn_ctx ctx;
    ck_assert_int_eq(mcn_init(NULL, buf, len, arena, sizeof arena),
                     MCN_ERR_ARG);
    ck_assert_int_eq(mcn_init(&ctx, NULL, len, arena, sizeof arena),
                     MCN_ERR_ARG);
    ck_assert_int_eq(mcn_init(&ctx, buf, len, NULL, sizeof arena),
                     MCN_ERR_ARG);
    ck_assert_int_eq(mcn_init(&ctx, buf, len, arena + 1, sizeof arena - 1),
                     MCN_ERR_ARG);
    ck_assert_int_eq(mcn_init(&ctx, buf, len, arena + 8, sizeof arena - 8),
                     MCN_ERR_ARG);
    /* The model must be 4-byte aligned for its int32 vectors. */
    uint8_t *odd = malloc(len + 4);
    memcpy(odd + 2, buf, len);
    ck_assert_int_eq(mcn_init(&ctx, odd + 2, len, arena, sizeof arena),
                     MCN_ERR_ARG);
    /* A failed init leaves a context that refuses everything. */
    ck_assert_int_eq(mcn_invoke(&ctx), MCN_ERR_ARG);
    mcn_tensor t;
    ck_assert_int_eq(mcn_input(&ctx, 0, &t), MCN_ERR_ARG);
    ck_assert_int_eq(mcn_num_inputs(&ctx), 0);
    ck_assert_int_eq(mcn_invoke(NULL), MCN_ERR_ARG);
    /* 47 bytes for a 48-byte plan. */
    ck_assert_int_eq(mcn_init(&ctx, buf, len, arena, 47), MCN_ERR_ARENA);
    ck_assert_int_eq(mcn_init(&ctx, buf, len, arena, 48), MCN_OK);
    /* Not a model at all. */
    memset(odd, 0xa5, len);
    ck_assert_int_eq(mcn_init(&ctx, odd, len, arena, sizeof arena),
                     MCN_ERR_MODEL);
    free(odd);
    free(buf);
}
END_TEST

static void unplan(model_a *m)
{
    m->g.arena_bytes = 0;
    for (int i = 0; i < m->g.n_tensors; i++)
        m->g.tensors[i].arena_offset = -1;
}

static void dequantize_op(model_a *m)
{
    m->g.nodes[m->pool].op = MCN_OP_DEQUANTIZE;
}

static void float_conv(model_a *m)
{
    m->g.tensors[m->x].dtype = MCN_DT_FLOAT32;
    m->g.tensors[m->x].arena_offset = 128;
    m->g.arena_bytes = 192;
}

static void wrong_out_h(model_a *m)
{
    m->g.nodes[m->conv].pad_bottom = 0;  /* (4 + 1 + 0 - 3) + 1 = 3 != 4 */
}

static void no_requant(model_a *m)
{
    m->g.nodes[m->conv].has_requant = false;
}

static void requant_count(model_a *m)
{
    requant(&m->g, m->conv, 3, 1 << 30, 0, -128, 127);
}

static void bad_shift(model_a *m)
{
    m->g.nodes[m->conv].rq.shift[1] = 32;
}

static void bad_act_range(model_a *m)
{
    m->g.nodes[m->conv].rq.act_min = 40;
}

static void overlap(model_a *m)
{
    m->g.tensors[m->conv_out].arena_offset = 8;
}

static void asymmetric_weights(model_a *m)
{
    m->g.tensors[1].zero_point[1] = 3;
}

static void pool_rescales(model_a *m)
{
    m->g.tensors[m->pool_out].zero_point[0] = -4;
}

/* A 2x2 window, stride 2, on 4 rows with pads (top, bottom): output
   (4 + top + bottom - 2) / 2 + 1 = 3 rows. */
static void pool_pads(model_a *m, int32_t top, int32_t bottom)
{
    graph_node *p = &m->g.nodes[m->pool];
    p->pad_top = p->pad_left = top;
    p->pad_bottom = p->pad_right = bottom;
    int32_t *s = m->g.tensors[m->pool_out].shape;
    s[1] = s[2] = 3;
    m->g.arena_bytes = 48 + 18;
    m->g.tensors[m->pool_out].arena_offset = 48;
}

/* The first window (rows -2, -1) is all padding. */
static void pool_first_window_in_padding(model_a *m)
{
    pool_pads(m, 2, 0);
}

/* The last window (rows 4, 5) is all padding. */
static void pool_last_window_in_padding(model_a *m)
{
    pool_pads(m, 0, 2);
}

/* Rows -1, 0 / 1, 2 / 3, 4: every window sees the image. */
static void pool_padded_both_sides(model_a *m)
{
    pool_pads(m, 1, 1);
}

START_TEST(prepare_rejects)
{
    static const struct {
        void (*edit)(model_a *);
        mcn_status want;
        int32_t op;
    } cases[] = {
        {unplan, MCN_ERR_NOT_PACKED, -1},
        {dequantize_op, MCN_ERR_UNSUPPORTED, 1},
        {float_conv, MCN_ERR_UNSUPPORTED, 0},
        {wrong_out_h, MCN_ERR_MODEL, 0},
        {no_requant, MCN_ERR_MODEL, 0},
        {requant_count, MCN_ERR_MODEL, 0},
        {bad_shift, MCN_ERR_MODEL, 0},
        {bad_act_range, MCN_ERR_MODEL, 0},
        {overlap, MCN_ERR_MODEL, 0},
        {asymmetric_weights, MCN_ERR_UNSUPPORTED, 0},
        {pool_rescales, MCN_ERR_UNSUPPORTED, 1},
        {pool_first_window_in_padding, MCN_ERR_MODEL, 1},
        {pool_last_window_in_padding, MCN_ERR_MODEL, 1},
        {pool_padded_both_sides, MCN_OK, -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mcn_ctx ctx;
        uint8_t *model;
        mcn_status s = init_a(cases[i].edit, &ctx, &model);
        ck_assert_msg(s == cases[i].want && ctx.failed_op == cases[i].op,
                      "case %zu: status %d failed_op %d, want %d at %d", i,
                      (int)s, (int)ctx.failed_op, (int)cases[i].want,
                      (int)cases[i].op);
        ck_assert_int_eq(mcn_invoke(&ctx), cases[i].want == MCN_OK
                                               ? MCN_OK
                                               : MCN_ERR_ARG);
        free(model);
    }
}
END_TEST

/* Model B, every other kernel through the dispatcher, with in-place ops:
     x [1,2,2,2] = 1..8 (scale 1, zp 0)              arena 0
     DEPTHWISE 1x1 weights {1, 2}, x1 -> [1,4] [3,8] [5,12] [7,16]   16
     ADD(dw, x), scales 1, 1 -> 2: (a + b) / 2 exactly
        -> [1,3] [3,6] [5,9] [7,12]                   16 (in place)
     GLOBAL_AVERAGE_POOL -> (16 / 4, 30 / 4 = 7.5 -> 8) = [4, 8]     0
     RESHAPE [1,1,1,2] -> [1,2]                       0 (in place)
     FULLY_CONNECTED W {2,0 / 0,1 / 1,0}, bias {0,0,-4}, x1 -> [8,8,0]
        (scale 1/16)                                  16
     SOFTMAX (1/16: (2^30, 23), diff_min -248) over real [0.5,0.5,0]:
        exps 1, 1, e^-0.5; 256 / 2.60653 = 98.21 -> 98; 59.57 -> 60
        -> -30 -30 -68                                16 (in place) */
START_TEST(model_b_runs_every_kernel_kind)
{
    graph g;
    graph_init(&g);
    const int32_t xs[4] = {1, 2, 2, 2}, dws[4] = {1, 1, 1, 2},
                  gs[4] = {1, 1, 1, 2}, rs[2] = {1, 2}, fws[2] = {3, 2},
                  fbs[1] = {3}, fs[2] = {1, 3};
    const int8_t dw_w[2] = {1, 2}, fc_w[6] = {2, 0, 0, 1, 1, 0};
    const int32_t fc_b[3] = {0, 0, -4};
    int x = act(&g, "x", 4, xs, 1.0f, 0, 0);
    int dww = constant(&g, "dw_w", MCN_DT_INT8, 4, dws, dw_w, 2, 2);
    int dwo = act(&g, "dw", 4, xs, 1.0f, 0, 16);
    int addo = act(&g, "add", 4, xs, 2.0f, 0, 16);
    int gap = act(&g, "gap", 4, gs, 2.0f, 0, 0);
    int rsh = act(&g, "rsh", 2, rs, 2.0f, 0, 0);
    int fcw = constant(&g, "fc_w", MCN_DT_INT8, 2, fws, fc_w, 6, 1);
    int fcb = constant(&g, "fc_b", MCN_DT_INT32, 1, fbs, fc_b, 12, 0);
    int fco = act(&g, "fc", 2, fs, 0.0625f, 0, 16);
    int smo = act(&g, "sm", 2, fs, 1.0f / 256, -128, 16);
    int n = node(&g, MCN_OP_DEPTHWISE_CONV_2D, x, dww, -1, dwo);
    requant(&g, n, 2, 1 << 30, 1, -128, 127);
    n = node(&g, MCN_OP_ADD, dwo, x, -2, addo);
    requant(&g, n, 1, 1 << 30, -19, -128, 127);
    g.nodes[n].rq.left_shift = 20;
    g.nodes[n].rq.input1_multiplier = g.nodes[n].rq.input2_multiplier =
        1 << 30;
    n = node(&g, MCN_OP_GLOBAL_AVERAGE_POOL, addo, -2, -2, gap);
    n = node(&g, MCN_OP_RESHAPE, gap, -2, -2, rsh);
    n = node(&g, MCN_OP_FULLY_CONNECTED, rsh, fcw, fcb, fco);
    requant(&g, n, 1, 1 << 30, 1, -128, 127);
    n = node(&g, MCN_OP_SOFTMAX, fco, -2, -2, smo);
    requant(&g, n, 1, 1 << 30, 23, -128, 127);
    g.nodes[n].rq.diff_min = -248;
    g.inputs[g.n_inputs++] = x;
    g.outputs[g.n_outputs++] = smo;
    g.arena_bytes = 32;
    size_t len;
    uint8_t *buf = write(&g, &len);
    graph_free(&g);

    mcn_ctx ctx;
    ck_assert_int_eq(mcn_init(&ctx, buf, len, arena, sizeof arena), MCN_OK);
    mcn_tensor in, out;
    mcn_input(&ctx, 0, &in);
    mcn_output(&ctx, 0, &out);
    for (int i = 0; i < 8; i++)
        ((int8_t *)in.data)[i] = (int8_t)(i + 1);
    ck_assert_int_eq(mcn_invoke(&ctx), MCN_OK);
    static const int8_t want[3] = {-30, -30, -68};
    ck_assert_mem_eq(out.data, want, 3);
    ck_assert_int_eq(out.zero_point, -128);
    free(buf);
}
END_TEST

START_TEST(status_strings)
{
    ck_assert_str_eq(mcn_status_str(MCN_OK), "ok");
    ck_assert_str_eq(mcn_status_str(MCN_ERR_ARENA), "arena too small");
    ck_assert_str_eq(mcn_status_str((mcn_status)-99), "unknown status");
    for (int s = MCN_ERR_UNSUPPORTED; s <= MCN_OK; s++)
        ck_assert(strlen(mcn_status_str((mcn_status)s)) > 0);
}
END_TEST

Suite *suite_engine(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, model_a_runs);
    tcase_add_test(tc, init_rejects_bad_arguments);
    tcase_add_test(tc, op_hook_brackets_each_operator);
    tcase_add_test(tc, prepare_rejects);
    tcase_add_test(tc, model_b_runs_every_kernel_kind);
    tcase_add_test(tc, status_strings);
    suite_add_tcase(s, tc);
    return s;
}
