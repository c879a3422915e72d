/* test_float_exec.c: the float reference kernels on inputs small enough to
   work out by hand. Inputs are NHWC; x(y,x) below means row y, column x.
   Sums of small integers and binary fractions are exact in float, so most
   checks are exact. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "float_exec.h"
#include "graph.h"

static int tensor(graph *g, const char *name, int rank, int32_t d0,
                  int32_t d1, int32_t d2, int32_t d3)
{
    int32_t shape[4] = {d0, d1, d2, d3};
    return graph_add_tensor(g, name, MCN_DT_FLOAT32, rank, shape);
}

static int constant(graph *g, const char *name, int rank, int32_t d0,
                    int32_t d1, int32_t d2, int32_t d3, const float *data)
{
    int t = tensor(g, name, rank, d0, d1, d2, d3);
    graph_set_data(g, t, data,
                   (size_t)graph_tensor_elems(&g->tensors[t]) * sizeof *data);
    return t;
}

/* A node reading a, b, c (-1: none; trailing -1s are not added). */
static graph_node *node(graph *g, mcn_opcode op, const char *name, int a,
                        int b, int c, int out)
{
    int n = graph_add_node(g, op, name);
    graph_node_add_input(g, n, a);
    if (b >= 0 || c >= 0)
        graph_node_add_input(g, n, b);
    if (c >= 0)
        graph_node_add_input(g, n, c);
    graph_node_add_output(g, n, out);
    return &g->nodes[n];
}

/* Graph with one input x and one output y; the caller adds the nodes. */
static void io(graph *g, int x, int y)
{
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = y;
}

/* Run with one input and compare the output to want[n] exactly. */
static void expect_run(const graph *g, const float *x, const float *want,
                       int n)
{
    float_exec *fx;
    mcn_err e = {0};
    ck_assert_msg(fexec_create(&fx, g, &e) == 0, "%s", e.msg);
    const float *in[1] = {x};
    ck_assert_int_eq(fexec_run(fx, in, &e), 0);
    const float *y = fexec_tensor(fx, g->outputs[0]);
    ck_assert_ptr_nonnull(y);
    for (int i = 0; i < n; i++)
        ck_assert_msg(y[i] == want[i], "y[%d] = %g, want %g", i,
                      (double)y[i], (double)want[i]);
    fexec_free(fx);
}

/* x(y,x) = 4y + x + 1 on a 4x4 single-channel image. */
static const float ramp16[16] = {1, 2, 3, 4, 5, 6, 7, 8,
                                 9, 10, 11, 12, 13, 14, 15, 16};

START_TEST(conv_asymmetric_pads_and_stride)
{
    graph g;
    graph_init(&g);
    float w[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1}, b[1] = {0.5f};
    int x = tensor(&g, "x", 4, 1, 4, 4, 1), y = tensor(&g, "y", 4, 1, 2, 2, 1);
    graph_node *n = node(&g, MCN_OP_CONV_2D, "c",
                         x, constant(&g, "w", 4, 1, 3, 3, 1, w),
                         constant(&g, "b", 1, 1, 0, 0, 0, b), y);
    n->stride_h = n->stride_w = 2;
    n->pad_top = 1;
    n->pad_right = 1;
    io(&g, x, y);
    /* OH = (4+1-3)/2+1 = 2, OW = (4+1-3)/2+1 = 2; a 3x3 sum of ones plus
       0.5 over the in-bounds taps:
       (0,0): rows 0-1, cols 0-2: 1+2+3+5+6+7 = 24
       (0,1): rows 0-1, cols 2-3: 3+4+7+8 = 22
       (1,0): rows 1-3, cols 0-2: 5+6+7+9+10+11+13+14+15 = 90
       (1,1): rows 1-3, cols 2-3: 7+8+11+12+15+16 = 69 */
    float want[4] = {24.5f, 22.5f, 90.5f, 69.5f};
    expect_run(&g, ramp16, want, 4);
    graph_free(&g);
}
END_TEST

START_TEST(conv_dilation)
{
    graph g;
    graph_init(&g);
    float w[4] = {1, 2, 3, 4};
    int x = tensor(&g, "x", 4, 1, 4, 4, 1), y = tensor(&g, "y", 4, 1, 2, 2, 1);
    graph_node *n = node(&g, MCN_OP_CONV_2D, "c", x,
                         constant(&g, "w", 4, 1, 2, 2, 1, w), -1, y);
    n->dilation_h = n->dilation_w = 2;
    io(&g, x, y);
    /* A 2x2 kernel dilated to 3x3: 1*x(y,x) + 2*x(y,x+2) + 3*x(y+2,x)
       + 4*x(y+2,x+2); no bias.
       (0,0): 1 + 6 + 27 + 44 = 78     (0,1): 2 + 8 + 30 + 48 = 88
       (1,0): 5 + 14 + 39 + 60 = 118   (1,1): 6 + 16 + 42 + 64 = 128 */
    float want[4] = {78, 88, 118, 128};
    expect_run(&g, ramp16, want, 4);
    graph_free(&g);
}
END_TEST

START_TEST(conv_weight_layout_ohwi)
{
    graph g;
    graph_init(&g);
    /* [O=1, KH=2, KW=2, I=2]: flat order (ky, kx, ic) matches the NHWC
       input window, so the result is the flat dot product:
       1*1 - 1*2 + 2*3 - 2*4 + 3*5 - 3*6 + 4*7 - 4*8 = -10 */
    float w[8] = {1, -1, 2, -2, 3, -3, 4, -4};
    float xv[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    int x = tensor(&g, "x", 4, 1, 2, 2, 2), y = tensor(&g, "y", 4, 1, 1, 1, 1);
    node(&g, MCN_OP_CONV_2D, "c", x, constant(&g, "w", 4, 1, 2, 2, 2, w), -1,
         y);
    io(&g, x, y);
    float want[1] = {-10};
    expect_run(&g, xv, want, 1);
    graph_free(&g);
}
END_TEST

START_TEST(conv_groups)
{
    graph g;
    graph_init(&g);
    /* 4 channels in 2 groups; each output sees 2 channels of its group:
       oc0 = [1,1].[1,2] = 3, oc1 = [1,-1].[1,2] = -1,
       oc2 = [2,0].[3,4] = 6, oc3 = [0,3].[3,4] + 1 = 13 */
    float w[8] = {1, 1, 1, -1, 2, 0, 0, 3}, b[4] = {0, 0, 0, 1};
    float xv[4] = {1, 2, 3, 4};
    int x = tensor(&g, "x", 4, 1, 1, 1, 4), y = tensor(&g, "y", 4, 1, 1, 1, 4);
    graph_node *n = node(&g, MCN_OP_CONV_2D, "c", x,
                         constant(&g, "w", 4, 4, 1, 1, 2, w),
                         constant(&g, "b", 1, 4, 0, 0, 0, b), y);
    n->groups = 2;
    io(&g, x, y);
    float want[4] = {3, -1, 6, 13};
    expect_run(&g, xv, want, 4);
    graph_free(&g);
}
END_TEST

START_TEST(conv_five_output_channels)
{
    graph g;
    graph_init(&g);
    /* Enough outputs for the kernel's four-wide path plus a tail.
       1x1 kernel, w[o] = [o+1, -o], bias o/2, pixels (1,2) and (3,4):
       pixel 0: 1, 2-2+0.5, 3-4+1, 4-6+1.5, 5-8+2 = 1, 0.5, 0, -0.5, -1
       pixel 1: 3, 6-4+0.5, 9-8+1, 12-12+1.5, 15-16+2 = 3, 2.5, 2, 1.5, 1 */
    float w[10] = {1, 0, 2, -1, 3, -2, 4, -3, 5, -4};
    float b[5] = {0, 0.5f, 1, 1.5f, 2}, xv[4] = {1, 2, 3, 4};
    int x = tensor(&g, "x", 4, 1, 1, 2, 2), y = tensor(&g, "y", 4, 1, 1, 2, 5);
    node(&g, MCN_OP_CONV_2D, "c", x, constant(&g, "w", 4, 5, 1, 1, 2, w),
         constant(&g, "b", 1, 5, 0, 0, 0, b), y);
    io(&g, x, y);
    float want[10] = {1, 0.5f, 0, -0.5f, -1, 3, 2.5f, 2, 1.5f, 1};
    expect_run(&g, xv, want, 10);
    graph_free(&g);
}
END_TEST

START_TEST(depthwise_multiplier_2)
{
    graph g;
    graph_init(&g);
    /* 2 channels x multiplier 2; output oc = ic*2 + m, weights [1,2,2,4]
       flat (ky, kx, oc). Channel 0 is 1,3,5,7 and channel 1 is 2,4,6,8
       over the four taps. Per output channel the taps are
       oc0 (ic0) [1,1,1,1]: 16      oc1 (ic0) [1,0,0,0]: 1
       oc2 (ic1) [0,0,0,1]: 8       oc3 (ic1) [1,-1,1,-1]: -4, +0.5 bias */
    float w[16] = {1, 1, 0, 1, 1, 0, 0, -1, 1, 0, 0, 1, 1, 0, 1, -1};
    float b[4] = {0, 0, 0, 0.5f}, xv[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    int x = tensor(&g, "x", 4, 1, 2, 2, 2), y = tensor(&g, "y", 4, 1, 1, 1, 4);
    graph_node *n = node(&g, MCN_OP_DEPTHWISE_CONV_2D, "dw", x,
                         constant(&g, "w", 4, 1, 2, 2, 4, w),
                         constant(&g, "b", 1, 4, 0, 0, 0, b), y);
    n->depth_multiplier = 2;
    io(&g, x, y);
    float want[4] = {16, 1, 8, -3.5f};
    expect_run(&g, xv, want, 4);
    graph_free(&g);
}
END_TEST

START_TEST(fully_connected)
{
    graph g;
    graph_init(&g);
    /* [2,3] x [2,3]^T + [0.5,-1]:
       row 0 [1,2,3]:  1-3+0.5 = -1.5;  2+4+6-1 = 11
       row 1 [-1,0,1]: -1-1+0.5 = -1.5; -2+0+2-1 = -1 */
    float w[6] = {1, 0, -1, 2, 2, 2}, b[2] = {0.5f, -1};
    float xv[6] = {1, 2, 3, -1, 0, 1};
    int x = tensor(&g, "x", 2, 2, 3, 0, 0), y = tensor(&g, "y", 2, 2, 2, 0, 0);
    node(&g, MCN_OP_FULLY_CONNECTED, "fc", x,
         constant(&g, "w", 2, 2, 3, 0, 0, w),
         constant(&g, "b", 1, 2, 0, 0, 0, b), y);
    io(&g, x, y);
    float want[4] = {-1.5f, 11, -1.5f, -1};
    expect_run(&g, xv, want, 4);
    graph_free(&g);
}
END_TEST

/* x(y,x) = sign * (3y + x + 1) on 3x3; a 2x2/2 pool padded bottom/right
   by 1, so the right column and bottom row of windows hang over. */
static void pool_graph(graph *g, mcn_opcode op, bool include_pad)
{
    graph_init(g);
    int x = tensor(g, "x", 4, 1, 3, 3, 1), y = tensor(g, "y", 4, 1, 2, 2, 1);
    graph_node *n = node(g, op, "pool", x, -1, -1, y);
    n->filter_h = n->filter_w = 2;
    n->stride_h = n->stride_w = 2;
    n->pad_bottom = n->pad_right = 1;
    n->count_include_pad = include_pad;
    io(g, x, y);
}

START_TEST(max_pool_ignores_padding)
{
    graph g;
    pool_graph(&g, MCN_OP_MAX_POOL_2D, false);
    /* All inputs negative, so a padded zero would win if it counted:
       (0,0) max(-1,-2,-4,-5) = -1   (0,1) max(-3,-6) = -3
       (1,0) max(-7,-8) = -7         (1,1) -9 alone */
    float xv[9] = {-1, -2, -3, -4, -5, -6, -7, -8, -9};
    float want[4] = {-1, -3, -7, -9};
    expect_run(&g, xv, want, 4);
    graph_free(&g);
}
END_TEST

START_TEST(average_pool_padding_both_ways)
{
    float xv[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    graph g;
    pool_graph(&g, MCN_OP_AVERAGE_POOL_2D, false);
    /* Over in-bounds taps: 12/4, (3+6)/2, (7+8)/2, 9/1. */
    float excl[4] = {3, 4.5f, 7.5f, 9};
    expect_run(&g, xv, excl, 4);
    graph_free(&g);
    pool_graph(&g, MCN_OP_AVERAGE_POOL_2D, true);
    /* Over the full 2x2 window: 12/4, 9/4, 15/4, 9/4. */
    float incl[4] = {3, 2.25f, 3.75f, 2.25f};
    expect_run(&g, xv, incl, 4);
    graph_free(&g);
}
END_TEST

START_TEST(average_pool_top_left_pad)
{
    graph g;
    graph_init(&g);
    int x = tensor(&g, "x", 4, 1, 3, 3, 1), y = tensor(&g, "y", 4, 1, 2, 2, 1);
    graph_node *n = node(&g, MCN_OP_AVERAGE_POOL_2D, "pool", x, -1, -1, y);
    n->filter_h = n->filter_w = 2;
    n->stride_h = n->stride_w = 2;
    n->pad_top = n->pad_left = 1;
    io(&g, x, y);
    /* Windows start at -1: (0,0) covers x(0,0) = 1 only; (0,1) x(0,1..2)
       = (2+3)/2; (1,0) x(1..2,0) = (4+7)/2; (1,1) (5+6+8+9)/4 = 7. */
    float xv[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    float want[4] = {1, 2.5f, 5.5f, 7};
    expect_run(&g, xv, want, 4);
    graph_free(&g);
}
END_TEST

START_TEST(global_average_pool)
{
    graph g;
    graph_init(&g);
    int x = tensor(&g, "x", 4, 1, 2, 2, 2), y = tensor(&g, "y", 4, 1, 1, 1, 2);
    node(&g, MCN_OP_GLOBAL_AVERAGE_POOL, "gap", x, -1, -1, y);
    io(&g, x, y);
    /* channel 0: (1+3+5+7)/4 = 4; channel 1: (2+4+6+8)/4 = 5 */
    float xv[8] = {1, 2, 3, 4, 5, 6, 7, 8}, want[2] = {4, 5};
    expect_run(&g, xv, want, 2);
    graph_free(&g);
}
END_TEST

START_TEST(softmax_beta_and_large_logits)
{
    graph g;
    graph_init(&g);
    int x = tensor(&g, "x", 2, 2, 3, 0, 0), y = tensor(&g, "y", 2, 2, 3, 0, 0);
    node(&g, MCN_OP_SOFTMAX, "sm", x, -1, -1, y)->beta = 2.0f;
    io(&g, x, y);
    /* Row 0, beta 2: exp(2*(x-3)) = e^-4, e^-2, 1; their sum is
       1.1536509, so 0.0158762, 0.1173104, 0.8668134.
       Row 1: logits of 1000 overflow expf unless the max is subtracted;
       equal logits share evenly, the smaller ones are e^-200 = 0 in float. */
    float xv[6] = {1, 2, 3, 1000, 1000, 900};
    float want[6] = {0.0158762f, 0.1173104f, 0.8668134f, 0.5f, 0.5f, 0};
    float_exec *fx;
    ck_assert_int_eq(fexec_create(&fx, &g, NULL), 0);
    const float *in[1] = {xv};
    ck_assert_int_eq(fexec_run(fx, in, NULL), 0);
    const float *out = fexec_tensor(fx, y);
    for (int i = 0; i < 6; i++)
        ck_assert_float_eq_tol(out[i], want[i], 1e-6f);
    fexec_free(fx);
    graph_free(&g);
}
END_TEST

/* ADD of two graph inputs with a fused activation. */
static void add_graph(graph *g, mcn_activation act, float lo, float hi)
{
    graph_init(g);
    int a = tensor(g, "a", 1, 4, 0, 0, 0), b = tensor(g, "b", 1, 4, 0, 0, 0);
    int y = tensor(g, "y", 1, 4, 0, 0, 0);
    graph_node *n = node(g, MCN_OP_ADD, "add", a, b, -1, y);
    n->act = act;
    n->act_min = lo;
    n->act_max = hi;
    g->inputs[g->n_inputs++] = a;
    g->inputs[g->n_inputs++] = b;
    g->outputs[g->n_outputs++] = y;
}

static void expect_add(mcn_activation act, float lo, float hi,
                       const float *want)
{
    /* a + b = [7, 8, -1, 3] */
    float a[4] = {3, 4, -1, 2}, b[4] = {4, 4, 0, 1};
    graph g;
    add_graph(&g, act, lo, hi);
    float_exec *fx;
    ck_assert_int_eq(fexec_create(&fx, &g, NULL), 0);
    const float *in[2] = {a, b};
    ck_assert_int_eq(fexec_run(fx, in, NULL), 0);
    const float *y = fexec_tensor(fx, g.outputs[0]);
    for (int i = 0; i < 4; i++)
        ck_assert_float_eq(y[i], want[i]);
    fexec_free(fx);
    graph_free(&g);
}

START_TEST(add_two_inputs_and_fused_activations)
{
    float none[4] = {7, 8, -1, 3}, relu[4] = {7, 8, 0, 3};
    float relu6[4] = {6, 6, 0, 3}, clip[4] = {2, 2, -0.5f, 2};
    expect_add(MCN_ACT_NONE, 0, 0, none);
    expect_add(MCN_ACT_RELU, 0, 0, relu);
    expect_add(MCN_ACT_RELU6, 0, 0, relu6);
    expect_add(MCN_ACT_CLIP, -0.5f, 2, clip);
}
END_TEST

START_TEST(clip_and_reshape)
{
    graph g;
    graph_init(&g);
    int x = tensor(&g, "x", 4, 1, 1, 1, 4), r = tensor(&g, "r", 2, 2, 2, 0, 0);
    int y = tensor(&g, "y", 2, 2, 2, 0, 0);
    node(&g, MCN_OP_RESHAPE, "flat", x, -1, -1, r);
    graph_node *n = node(&g, MCN_OP_CLIP, "clip", r, -1, -1, y);
    n->act_min = -1;
    n->act_max = 1;
    io(&g, x, y);
    /* Reshape keeps the order; CLIP clamps to [-1, 1]. */
    float xv[4] = {-3, 0.5f, 2, -0.25f}, want[4] = {-1, 0.5f, 1, -0.25f};
    expect_run(&g, xv, want, 4);
    /* A CLIP node carrying RELU6 (an unfused Relu6) clamps to [0, 6]
       whatever its act_min/act_max say. */
    g.nodes[1].act = MCN_ACT_RELU6;
    float want6[4] = {0, 0.5f, 2, 0};
    expect_run(&g, xv, want6, 4);
    graph_free(&g);
}
END_TEST

static void expect_create_error(const graph *g, const char *msg)
{
    static char sentinel;  /* fx must come back NULL, not untouched */
    float_exec *fx = (float_exec *)&sentinel;
    mcn_err e = {0};
    ck_assert_int_eq(fexec_create(&fx, g, &e), -1);
    ck_assert_ptr_null(fx);
    ck_assert_str_eq(e.msg, msg);
}

START_TEST(errors_name_node_and_op)
{
    graph g;
    graph_init(&g);
    int x = tensor(&g, "x", 4, 1, 2, 2, 1), y = tensor(&g, "y", 4, 1, 2, 2, 1);
    node(&g, MCN_OP_QUANTIZE, "q", x, -1, -1, y);
    io(&g, x, y);
    expect_create_error(&g, "node 'q' (QUANTIZE): no float kernel for this "
                            "op");
    g.nodes[0].op = MCN_OP_MAX_POOL_2D;
    g.nodes[0].filter_h = g.nodes[0].filter_w = 1;
    g.tensors[y].dtype = MCN_DT_INT8;
    expect_create_error(&g, "node 'q' (MAX_POOL_2D): tensor 'y' is int8; "
                            "float execution needs float32");
    g.tensors[y].dtype = MCN_DT_FLOAT32;
    g.tensors[y].shape[1] = 3;
    expect_create_error(&g, "node 'q' (MAX_POOL_2D): output shape "
                            "[1,3,2,1], expected [1,2,2,1]");
    graph_free(&g);
}
END_TEST

START_TEST(errors_on_order_and_data)
{
    graph g;
    graph_init(&g);
    int x = tensor(&g, "x", 2, 1, 2, 0, 0), h = tensor(&g, "h", 2, 1, 2, 0, 0);
    int y = tensor(&g, "y", 2, 1, 2, 0, 0);
    node(&g, MCN_OP_ADD, "late", h, x, -1, y);
    node(&g, MCN_OP_CLIP, "early", x, -1, -1, h);
    io(&g, x, y);
    expect_create_error(&g, "node 'late' (ADD): reads tensor 'h' before "
                            "anything writes it");
    graph_free(&g);
    /* Weights whose bytes do not match their shape. */
    graph_init(&g);
    float w[2] = {1, 2};
    x = tensor(&g, "x", 2, 1, 3, 0, 0);
    y = tensor(&g, "y", 2, 1, 1, 0, 0);
    int wt = constant(&g, "w", 2, 1, 2, 0, 0, w);
    g.tensors[wt].shape[1] = 3;
    node(&g, MCN_OP_FULLY_CONNECTED, "fc", x, wt, -1, y);
    io(&g, x, y);
    expect_create_error(&g, "node 'fc' (FULLY_CONNECTED): tensor 'w' holds "
                            "8 bytes, its shape needs 12");
    graph_free(&g);
}
END_TEST

Suite *suite_float_exec(void)
{
    Suite *s = suite_create("float_exec");
    TCase *tc = tcase_create("ops");
    tcase_add_test(tc, conv_asymmetric_pads_and_stride);
    tcase_add_test(tc, conv_dilation);
    tcase_add_test(tc, conv_weight_layout_ohwi);
    tcase_add_test(tc, conv_groups);
    tcase_add_test(tc, conv_five_output_channels);
    tcase_add_test(tc, depthwise_multiplier_2);
    tcase_add_test(tc, fully_connected);
    tcase_add_test(tc, max_pool_ignores_padding);
    tcase_add_test(tc, average_pool_padding_both_ways);
    tcase_add_test(tc, average_pool_top_left_pad);
    tcase_add_test(tc, global_average_pool);
    tcase_add_test(tc, softmax_beta_and_large_logits);
    tcase_add_test(tc, add_two_inputs_and_fused_activations);
    tcase_add_test(tc, clip_and_reshape);
    suite_add_tcase(s, tc);
    TCase *te = tcase_create("errors");
    tcase_add_test(te, errors_name_node_and_op);
    tcase_add_test(te, errors_on_order_and_data);
    suite_add_tcase(s, te);
    return s;
}
