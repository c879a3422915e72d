/* test_engine_elem.c: SUB, DIV, PRELU, ELU, HARD_SIGMOID and LOG_SOFTMAX
   through the packer and the engine: a quantized host graph, pack_graph
   (requant values, the LUT tables, the arena), graph_to_mcn, mcn_init's
   checks and mcn_invoke. Expected bytes are worked from the float maths
   at scales where the kernels' rounding cannot move them (the kernel
   suites go step by step); then what mcn_init and the packer refuse. */
#include <check.h>
#include <string.h>

#include "pack.h"
#include "test_model_util.h"
#include "test_tflite_util.h"

static const int32_t s4[4] = {1, 1, 2, 2}, s1[1] = {2};
static const int8_t x_in[4] = {2, 4, -2, 6};   /* at 0.5: 1, 2, -1, 3 */

/* Model E1: x [1,1,2,2] (0.5, 0), c and a per-channel constants:
     SUB(x, c [2] (0.25, 0) = {4, -8}: 1, -2) at (0.5, 0):
       {0, 4, -2, 5} -> {0, 8, -4, 10}
     DIV(x, c) at (0.25, 0): {1, -1, -1, -1.5} -> {4, -4, -4, -6}
     PRELU(x, a [2] (0.125, 0) = {2, -4}: slopes 0.25, -0.5) at (0.25, 0):
       {1, 2, -0.25, 3} -> {4, 8, -1, 12}
   Tensors x 0, c 1, c2 2, a 3, then the outputs 4, 5, 6. */
static void build_e1(graph *g)
{
    graph_init(g);
    int x = tm_int8(g, "x", 4, s4, 0.5f, 0, NULL, 0);
    int c = tm_int8(g, "c", 1, s1, 0.25f, 0, (const int8_t[]){4, -8}, 2);
    int c2 = tm_int8(g, "c2", 1, s1, 0.25f, 0, (const int8_t[]){4, -8}, 2);
    int a = tm_int8(g, "a", 1, s1, 0.125f, 0, (const int8_t[]){2, -4}, 2);
    int s = tm_int8(g, "s", 4, s4, 0.5f, 0, NULL, 0);
    int d = tm_int8(g, "d", 4, s4, 0.25f, 0, NULL, 0);
    int p = tm_int8(g, "p", 4, s4, 0.25f, 0, NULL, 0);
    tm_node(g, MCN_OP_SUB, x, c, s);
    tm_node(g, MCN_OP_DIV, x, c2, d);
    tm_node(g, MCN_OP_PRELU, x, a, p);
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = s;
    g->outputs[g->n_outputs++] = d;
    g->outputs[g->n_outputs++] = p;
}

/* Model E2: the same x into
     ELU (alpha 1) at (1/32, 0): {1, 2, e^-1 - 1 = -0.632, 3} ->
       {32, 64, -20.2 -> -20, 96}
     HARD_SIGMOID (alpha 0.2, beta 0.5) at (1/128, -128): {0.7, 0.9, 0.3,
       1} -> {89.6, 115.2, 38.4, 128} steps -> {-38, -13, -90, 0}
     LOG_SOFTMAX at (1/16, 127) over rows {1, 2} and {-1, 3}:
       -log(1 + e^-1) = -0.3133: {-1.3133, -0.3133} -> {-21.0, -5.0};
       -log(1 + e^-4) = -0.0181: {-4.0181, -0.0181} -> {-64.3, -0.3}
       -> {106, 122, 63, 127}
   Tensors x 0, then e 1, h 2, l 3. */
static void build_e2(graph *g)
{
    graph_init(g);
    int x = tm_int8(g, "x", 4, s4, 0.5f, 0, NULL, 0);
    int e = tm_int8(g, "e", 4, s4, 1.0f / 32, 0, NULL, 0);
    int h = tm_int8(g, "h", 4, s4, 1.0f / 128, -128, NULL, 0);
    int l = tm_int8(g, "l", 4, s4, 1.0f / 16, 127, NULL, 0);
    int n = tm_node(g, MCN_OP_ELU, x, -1, e);
    g->nodes[n].alpha = 1.0f;
    n = tm_node(g, MCN_OP_HARD_SIGMOID, x, -1, h);
    g->nodes[n].alpha = 0.2f;
    g->nodes[n].beta = 0.5f;
    tm_node(g, MCN_OP_LOG_SOFTMAX, x, -1, l);
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = e;
    g->outputs[g->n_outputs++] = h;
    g->outputs[g->n_outputs++] = l;
}

static void expect_outputs(void (*build)(graph *), const int8_t want[3][4])
{
    graph g;
    build(&g);
    int8_t y[3][4];
    int8_t *ys[3] = {y[0], y[1], y[2]};
    const size_t ny[3] = {4, 4, 4};
    run_int8_outputs(&g, (const int8_t *const[]){x_in}, 3, ys, ny);
    for (int k = 0; k < 3; k++)
        bytes_are(y[k], want[k], 4);
}

START_TEST(sub_div_prelu_run)
{
    static const int8_t want[3][4] = {{0, 8, -4, 10}, {4, -4, -4, -6},
                                      {4, 8, -1, 12}};
    expect_outputs(build_e1, want);
}
END_TEST

START_TEST(elu_hard_sigmoid_log_softmax_run)
{
    static const int8_t want[3][4] = {{32, 64, -20, 96}, {-38, -13, -90, 0},
                                      {106, 122, 63, 127}};
    expect_outputs(build_e2, want);
}
END_TEST

/* mcn_init refuses what the kernels could not run safely; each edit is
   made after packing. Model E1's nodes: SUB 0, DIV 1, PRELU 2. */
static void sub_shift(graph *g) { g->nodes[0].rq.input2_shift = 32; }
static void div_shift(graph *g) { g->nodes[1].rq.shift[0] = 24; }
static void div_multiplier(graph *g) { g->nodes[1].rq.multiplier[0] = -1; }
static void div_count(graph *g) { graph_set_requant(&g->nodes[1], 2); }
static void prelu_count(graph *g) { graph_set_requant(&g->nodes[2], 1); }
static void prelu_shift(graph *g) { g->nodes[2].rq.shift[1] = -32; }
static void prelu_slope_shape(graph *g)
{
    g->tensors[3].shape[0] = 3;   /* a [3] against 2 channels */
    graph_set_data(g, 3, "\2\374\0", 3);
}
static void prelu_output_shape(graph *g)
{
    g->tensors[6].shape[3] = 1;   /* p [1,1,2,1]: not x's shape */
}
/* Model E2's: ELU 0 (its table is input 1), HARD_SIGMOID 1, LOG_SOFTMAX 2. */
static void lut_no_table(graph *g) { g->nodes[0].n_in = 1; }
static void lut_short_table(graph *g)
{
    int t = g->nodes[1].in[1];
    g->tensors[t].shape[0] = 255;
    graph_set_data(g, t, g->tensors[t].data, 255);
}
static void lut_table_not_int8(graph *g)
{
    int t = g->nodes[0].in[1];
    g->tensors[t].dtype = MCN_DT_UINT8;
}
static void log_softmax_zero_point(graph *g)
{
    g->tensors[3].zero_point[0] = 0;
}
static void log_softmax_count(graph *g) { graph_set_requant(&g->nodes[2], 1); }
static void log_softmax_reverse_shift(graph *g)
{
    g->nodes[2].rq.shift[1] = 1;
}
/* At s_in 0.5 the left shift is 26 and the radius floor(31 * 2^26 / 2^26)
   = 31: one more would leave Q5.26. */
static void log_softmax_radius(graph *g) { g->nodes[2].rq.diff_min = -32; }

START_TEST(prepare_refuses)
{
    static const tm_refusal binary[] = {
        {sub_shift, MCN_ERR_MODEL, 0},
        {div_shift, MCN_ERR_MODEL, 1},
        {div_multiplier, MCN_ERR_MODEL, 1},
        {div_count, MCN_ERR_MODEL, 1},
        {prelu_count, MCN_ERR_MODEL, 2},
        {prelu_shift, MCN_ERR_MODEL, 2},
        {prelu_slope_shape, MCN_ERR_MODEL, 2},
        {prelu_output_shape, MCN_ERR_MODEL, 2},
    };
    static const tm_refusal unary[] = {
        {lut_no_table, MCN_ERR_MODEL, 0},
        {lut_short_table, MCN_ERR_MODEL, 1},
        {lut_table_not_int8, MCN_ERR_MODEL, 0},
        {log_softmax_zero_point, MCN_ERR_UNSUPPORTED, 2},
        {log_softmax_count, MCN_ERR_MODEL, 2},
        {log_softmax_reverse_shift, MCN_ERR_MODEL, 2},
        {log_softmax_radius, MCN_ERR_MODEL, 2},
    };
    tm_expect_refusals(build_e1, binary, sizeof binary / sizeof binary[0]);
    tm_expect_refusals(build_e2, unary, sizeof unary / sizeof unary[0]);
}
END_TEST

/* The packer's refusals, one line naming the node and op. */
static void pack_fails(graph *g, const char *msg)
{
    mcn_err e = {0};
    ck_assert_int_eq(pack_graph(g, NULL, &e), -1);
    ck_assert_str_eq(e.msg, msg);
    graph_free(g);
}

START_TEST(packer_refuses_with_reason)
{
    graph g;
    /* 1000 / (0.001 * 0.001) = 1e9 = 0.93 * 2^30: the kernel's last shift
       could turn left. */
    build_e1(&g);
    g.tensors[0].scale[0] = 1000.0f;
    g.tensors[2].scale[0] = 0.001f;
    g.tensors[5].scale[0] = 0.001f;
    pack_fails(&g, "node 1 (DIV): s_1 / (s_2 * s_out) is too large for int8 "
               "DIV (2^30; at most 2^23)");
    /* TFLM's PRELU reads one slope scale. */
    build_e1(&g);
    const float two[2] = {0.125f, 0.25f};
    graph_set_quant(&g, 3, 2, two, NULL, 3);
    pack_fails(&g, "node 2 (PRELU): input 1 'a' needs one scale and zero "
               "point, has 2");
    build_e2(&g);
    g.tensors[3].scale[0] = 1.0f / 256;
    g.tensors[3].zero_point[0] = -128;
    pack_fails(&g, "node 2 (LOG_SOFTMAX): output must have scale 1/16 and "
               "zero point 127 (has 0.00390625, -128)");
    build_e2(&g);
    g.nodes[0].act = MCN_ACT_RELU;
    pack_fails(&g, "node 0 (ELU): a fused activation is not supported here");
}
END_TEST

/* The table is TFLM's (test_kernel_lut's ELU points), and packing a
   packed graph leaves it as it was. */
START_TEST(packer_table_is_tflms_and_stable)
{
    graph g;
    graph_init(&g);
    int x = tm_int8(&g, "x", 4, s4, 0.05f, 10, NULL, 0);
    int y = tm_int8(&g, "y", 4, s4, 0.04f, -100, NULL, 0);
    int n = tm_node(&g, MCN_OP_ELU, x, -1, y);
    g.nodes[n].alpha = 1.0f;
    g.inputs[g.n_inputs++] = x;
    g.outputs[g.n_outputs++] = y;
    mcn_err e = {0};
    ck_assert_msg(pack_graph(&g, NULL, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(g.nodes[0].n_in, 2);
    const graph_tensor *t = &g.tensors[g.nodes[0].in[1]];
    ck_assert(t->dtype == MCN_DT_INT8 && t->rank == 1 && t->shape[0] == 256);
    const int8_t *tab = t->data;
    static const struct { int q, y; } hand[] = {
        {10, -100}, {30, -75}, {0, -110}, {-10, -116}, {127, 46},
        {-128, -125}};
    for (size_t i = 0; i < sizeof hand / sizeof hand[0]; i++)
        ck_assert_int_eq(tab[(uint8_t)hand[i].q], hand[i].y);
    int8_t before[256];
    memcpy(before, tab, 256);
    int n_tensors = g.n_tensors;
    ck_assert_msg(pack_graph(&g, NULL, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(g.n_tensors, n_tensors);
    ck_assert_int_eq(g.nodes[0].n_in, 2);
    ck_assert_mem_eq(g.tensors[g.nodes[0].in[1]].data, before, 256);
    graph_free(&g);
}
END_TEST

Suite *suite_engine_elem(void)
{
    Suite *s = suite_create("engine_elem");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, sub_div_prelu_run);
    tcase_add_test(tc, elu_hard_sigmoid_log_softmax_run);
    tcase_add_test(tc, prepare_refuses);
    tcase_add_test(tc, packer_refuses_with_reason);
    tcase_add_test(tc, packer_table_is_tflms_and_stable);
    suite_add_tcase(s, tc);
    return s;
}
