/* test_quantize.c: TFLite's int8 post-training scheme on graphs small
   enough to quantize by hand, the progress line, and mcn-quantize. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "graph_io.h"
#include "progress.h"
#include "quantize.h"
#include "testutil.h"

START_TEST(choose_params_exact)
{
    float s;
    int32_t zp;
    /* [-1, 2]: scale 3/255; zp = -128 + 1/(3/255) = -128 + 85 = -43. */
    quantize_choose_params(-1.0f, 2.0f, &s, &zp);
    ck_assert_float_eq(s, 3.0f / 255.0f);
    ck_assert_int_eq(zp, -43);
    /* [0, 6]: 0 is the lowest value, so zp is -128. */
    quantize_choose_params(0.0f, 6.0f, &s, &zp);
    ck_assert_float_eq(s, 6.0f / 255.0f);
    ck_assert_int_eq(zp, -128);
    /* [-3, -1] widens to [-3, 0]: zp = -128 + 255 = 127. */
    quantize_choose_params(-3.0f, -1.0f, &s, &zp);
    ck_assert_float_eq(s, 3.0f / 255.0f);
    ck_assert_int_eq(zp, 127);
    /* [1, 3] widens to [0, 3]. */
    quantize_choose_params(1.0f, 3.0f, &s, &zp);
    ck_assert_float_eq(s, 3.0f / 255.0f);
    ck_assert_int_eq(zp, -128);
    /* [-0.5, 0.5]: zp = -128 + 127.5 = -0.5, rounded away from zero
       (float gives -0.500008, which rounds the same way). */
    quantize_choose_params(-0.5f, 0.5f, &s, &zp);
    ck_assert_float_eq(s, 1.0f / 255.0f);
    ck_assert_int_eq(zp, -1);
    /* [0, 0]: TFLite's MLIR quantizer's choice, scale 1 and zp -128. */
    quantize_choose_params(0.0f, 0.0f, &s, &zp);
    ck_assert_float_eq(s, 1.0f);
    ck_assert_int_eq(zp, -128);
}
END_TEST

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

static graph_node *node(graph *g, mcn_opcode op, const char *name, int a,
                        int b, int c, int out)
{
    int n = graph_add_node(g, op, name);
    graph_node_add_input(g, n, a);
    if (b >= 0)
        graph_node_add_input(g, n, b);
    if (c >= 0)
        graph_node_add_input(g, n, c);
    graph_node_add_output(g, n, out);
    return &g->nodes[n];
}

/* x [1,2,1,2] -> CONV_2D 1x1 (3 out) -> y -> MAX_POOL 2x1 -> p
   -> RESHAPE [1,3] -> r -> SOFTMAX -> s.
   y0 = 0.5 c0 - 0.25 c1 + 0.125;  y1 = -c0 + 0.75 c1 - 0.75;
   y2 = 0 (an all-zero channel) + 0.25. */
enum { T_X, T_W, T_B, T_Y, T_P, T_R, T_S };
static void conv_graph(graph *g)
{
    graph_init(g);
    static const float w[6] = {0.5f, -0.25f, -1.0f, 0.75f, 0, 0};
    static const float b[3] = {0.125f, -0.75f, 0.25f};
    int x = tensor(g, "x", 4, 1, 2, 1, 2);
    int wt = constant(g, "w", 4, 3, 1, 1, 2, w);
    int bt = constant(g, "b", 1, 3, 0, 0, 0, b);
    int y = tensor(g, "y", 4, 1, 2, 1, 3), p = tensor(g, "p", 4, 1, 1, 1, 3);
    int r = tensor(g, "r", 2, 1, 3, 0, 0), s = tensor(g, "s", 2, 1, 3, 0, 0);
    node(g, MCN_OP_CONV_2D, "conv", x, wt, bt, y);
    graph_node *pool = node(g, MCN_OP_MAX_POOL_2D, "pool", y, -1, -1, p);
    pool->filter_h = 2;
    pool->filter_w = 1;
    node(g, MCN_OP_RESHAPE, "flat", p, -1, -1, r);
    node(g, MCN_OP_SOFTMAX, "sm", r, -1, -1, s);
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = s;
}

/* Two samples (pixel 0 c0 c1, pixel 1 c0 c1); input range [-1, 2].
   conv out, A: p0 (0.125, -0.25, 0.25), p1 (-0.375, 0.25, 0.25)
             B: p0 (0.5, -1.625, 0.25),  p1 (-0.125, 0, 0.25)
   so y's range is [-1.625, 0.5]. */
static const float sample_a[4] = {1, 2, -1, 0};
static const float sample_b[4] = {0.5f, -0.5f, 0, 1};

static void progress_count(int done, int total, void *user)
{
    int *calls = user;
    ck_assert_int_eq(done, calls[0] + 1);
    ck_assert_int_eq(total, 2);
    calls[0]++;
}

static void expect_act(const graph *g, int t, float scale, int32_t zp)
{
    const graph_tensor *tt = &g->tensors[t];
    ck_assert_int_eq(tt->dtype, MCN_DT_INT8);
    ck_assert_int_eq(tt->nscale, 1);
    ck_assert_float_eq(tt->scale[0], scale);
    ck_assert_int_eq(tt->zero_point[0], zp);
}

START_TEST(conv_graph_quantized_exactly)
{
    graph g;
    conv_graph(&g);
    const float *samples[2] = {sample_a, sample_b};
    int calls[1] = {0};
    quantize_opts o = {.n_samples = 2, .samples = samples,
                      .progress = progress_count, .user = calls};
    mcn_err e = {0};
    ck_assert_msg(quantize_graph(&g, &o, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(calls[0], 2);
    /* Input [-1, 2]: 3/255, -43. Conv output [-1.625, 0.5]: scale
       2.125/255, zp = -128 + 1.625/(2.125/255) = -128 + 195 = 67. */
    expect_act(&g, T_X, 3.0f / 255.0f, -43);
    expect_act(&g, T_Y, 2.125f / 255.0f, 67);
    /* Pool and reshape inherit the conv's; softmax is 1/256 from -128. */
    expect_act(&g, T_P, 2.125f / 255.0f, 67);
    expect_act(&g, T_R, 2.125f / 255.0f, 67);
    expect_act(&g, T_S, 1.0f / 256.0f, -128);
    /* Weights per output channel, scale max|w|/127, q = round(w*127/max):
       ch0 max 0.5: 0.5 -> 127, -0.25 -> -63.5 -> -64 (half away from 0)
       ch1 max 1:   -1 -> -127, 0.75 -> 95.25 -> 95
       ch2 all zero: scale 1, zeros. */
    const graph_tensor *w = &g.tensors[T_W];
    ck_assert_int_eq(w->dtype, MCN_DT_INT8);
    ck_assert_int_eq(w->nscale, 3);
    ck_assert_int_eq(w->quant_axis, 0);
    ck_assert_uint_eq(w->nbytes, 6);
    const int8_t wq[6] = {127, -64, -127, 95, 0, 0};
    ck_assert_mem_eq(w->data, wq, 6);
    ck_assert_float_eq(w->scale[0], 0.5f / 127.0f);
    ck_assert_float_eq(w->scale[1], 1.0f / 127.0f);
    ck_assert_float_eq(w->scale[2], 1.0f);
    for (int c = 0; c < 3; c++)
        ck_assert_int_eq(w->zero_point[c], 0);
    /* Bias at s_in * s_w[c]:
       ch0 0.125 / (3/255 * 0.5/127) = 0.125 * 21590 = 2698.75 -> 2699
       ch1 -0.75 / (3/255 * 1/127) = -0.75 * 10795 = -8096.25 -> -8096
       ch2 0.25 / (3/255 * 1) = 21.25 -> 21 */
    const graph_tensor *b = &g.tensors[T_B];
    ck_assert_int_eq(b->dtype, MCN_DT_INT32);
    ck_assert_int_eq(b->nscale, 3);
    ck_assert_uint_eq(b->nbytes, 12);
    const int32_t bq[3] = {2699, -8096, 21};
    ck_assert_mem_eq(b->data, bq, 12);
    ck_assert_float_eq(b->scale[0], (3.0f / 255.0f) * (0.5f / 127.0f));
    ck_assert_float_eq(b->scale[1], (3.0f / 255.0f) * (1.0f / 127.0f));
    ck_assert_float_eq(b->scale[2], 3.0f / 255.0f);
    ck_assert_int_eq(b->zero_point[1], 0);
    /* The fused activation stays where the packer will read it. */
    ck_assert_int_eq(g.nodes[0].act, MCN_ACT_NONE);
    graph_free(&g);
}
END_TEST

/* The same graph with bias correction. Rounding moved two weights:
   ch0's -0.25 to -64 * 0.5/127 = -0.2519685, ch1's 0.75 to 95/127 =
   0.7480315, each -0.0019685 off, on input channel 1, whose mean over the
   four pixels of both samples is (2 + 0 - 0.5 + 1) / 4 = 0.625. So the
   float biases gain 0.0019685 * 0.625 = 0.0012303 before quantization:
       ch0 0.1262303 * 21590 = 2725.31 -> 2725   (2699 uncorrected)
       ch1 -0.7487697 * 10795 = -8082.97 -> -8083 (-8096)
       ch2 zero weights, nothing moved: 21 */
START_TEST(bias_correction_folds_the_rounding_shift)
{
    graph g;
    conv_graph(&g);
    const float *samples[2] = {sample_a, sample_b};
    quantize_opts o = {.n_samples = 2, .samples = samples,
                       .bias_correction = true};
    mcn_err e = {0};
    ck_assert_msg(quantize_graph(&g, &o, &e) == 0, "%s", e.msg);
    const int32_t bq[3] = {2725, -8083, 21};
    ck_assert_mem_eq(g.tensors[T_B].data, bq, 12);
    /* Nothing else moves: the weights and ranges are the uncorrected. */
    const int8_t wq[6] = {127, -64, -127, 95, 0, 0};
    ck_assert_mem_eq(g.tensors[T_W].data, wq, 6);
    expect_act(&g, T_Y, 2.125f / 255.0f, 67);
    graph_free(&g);
}
END_TEST

START_TEST(depthwise_weights_on_axis_3)
{
    graph g;
    graph_init(&g);
    /* [1,2,1,2] flat (ky, kx, oc): oc0 taps (0.5, 0.125), oc1 (-127, 62.5).
       oc0: 127, 0.125*254 = 31.75 -> 32
       oc1: scale 1, -127, 62.5 -> 63 (a tie: away from zero, not to even) */
    static const float w[4] = {0.5f, -127.0f, 0.125f, 62.5f};
    int x = tensor(&g, "x", 4, 1, 2, 1, 1);
    int wt = constant(&g, "w", 4, 1, 2, 1, 2, w);
    int y = tensor(&g, "y", 4, 1, 1, 1, 2);
    node(&g, MCN_OP_DEPTHWISE_CONV_2D, "dw", x, wt, -1, y)->depth_multiplier =
        2;
    g.inputs[g.n_inputs++] = x;
    g.outputs[g.n_outputs++] = y;
    const float *samples[1] = {sample_a};
    quantize_opts o = {.n_samples = 1, .samples = samples};
    mcn_err e = {0};
    ck_assert_msg(quantize_graph(&g, &o, &e) == 0, "%s", e.msg);
    const graph_tensor *q = &g.tensors[wt];
    const int8_t want[4] = {127, -127, 32, 63};
    ck_assert_int_eq(q->quant_axis, 3);
    ck_assert_int_eq(q->nscale, 2);
    ck_assert_mem_eq(q->data, want, 4);
    ck_assert_float_eq(q->scale[0], 0.5f / 127.0f);
    ck_assert_float_eq(q->scale[1], 1.0f);
    graph_free(&g);
}
END_TEST

START_TEST(pools_and_clip_inherit_through_a_chain)
{
    graph g;
    graph_init(&g);
    /* x -> AVERAGE_POOL -> a -> CLIP [0, 0.25] -> c -> GAP -> y. Their own
       ranges are narrower, but each takes its input's parameters, so all
       four carry x's [-1, 2]: 3/255, -43. */
    int x = tensor(&g, "x", 4, 1, 2, 1, 2), a = tensor(&g, "a", 4, 1, 2, 1, 2);
    int c = tensor(&g, "c", 4, 1, 2, 1, 2), y = tensor(&g, "y", 4, 1, 1, 1, 2);
    graph_node *n = node(&g, MCN_OP_AVERAGE_POOL_2D, "avg", x, -1, -1, a);
    n->filter_h = n->filter_w = 1;
    n = node(&g, MCN_OP_CLIP, "clip", a, -1, -1, c);
    n->act_min = 0;
    n->act_max = 0.25f;
    node(&g, MCN_OP_GLOBAL_AVERAGE_POOL, "gap", c, -1, -1, y);
    g.inputs[g.n_inputs++] = x;
    g.outputs[g.n_outputs++] = y;
    const float *samples[2] = {sample_a, sample_b};
    quantize_opts o = {.n_samples = 2, .samples = samples};
    ck_assert_int_eq(quantize_graph(&g, &o, NULL), 0);
    for (int t = x; t <= y; t++)
        expect_act(&g, t, 3.0f / 255.0f, -43);
    graph_free(&g);
}
END_TEST

START_TEST(constant_operand_is_asymmetric)
{
    graph g;
    graph_init(&g);
    /* k = [-1, 0.5]: scale 1.5/255, zp = -128 + 1/(1.5/255) = 42;
       q = round(-170) + 42 = -128 and round(85) + 42 = 127. */
    static const float k[2] = {-1.0f, 0.5f};
    int x = tensor(&g, "x", 1, 2, 0, 0, 0);
    int kt = constant(&g, "k", 1, 2, 0, 0, 0, k);
    int y = tensor(&g, "y", 1, 2, 0, 0, 0);
    node(&g, MCN_OP_ADD, "add", x, kt, -1, y);
    g.inputs[g.n_inputs++] = x;
    g.outputs[g.n_outputs++] = y;
    const float *samples[1] = {sample_a};
    quantize_opts o = {.n_samples = 1, .samples = samples};
    ck_assert_int_eq(quantize_graph(&g, &o, NULL), 0);
    expect_act(&g, kt, 1.5f / 255.0f, 42);
    const int8_t want[2] = {-128, 127};
    ck_assert_mem_eq(g.tensors[kt].data, want, 2);
    graph_free(&g);
}
END_TEST

/* LOGISTIC and TANH outputs are fixed by their kernels; PAD keeps its
   input's parameters (calibrated ops, MUL among them, are as any other);
   MUL's constant operand is per-tensor asymmetric like ADD's.
   x [1,2,1,2] over samples A and B: [-1, 2] -> 3/255, -43. */
START_TEST(activation_outputs_and_pad)
{
    graph g;
    graph_init(&g);
    static const float k[2] = {-1.0f, 0.5f};
    int x = tensor(&g, "x", 4, 1, 2, 1, 2);
    int l = tensor(&g, "l", 4, 1, 2, 1, 2), t = tensor(&g, "t", 4, 1, 2, 1, 2);
    int p = tensor(&g, "p", 4, 1, 3, 1, 2);
    int kt = constant(&g, "k", 1, 2, 0, 0, 0, k);
    int m = tensor(&g, "m", 4, 1, 2, 1, 2);
    node(&g, MCN_OP_LOGISTIC, "sig", x, -1, -1, l);
    node(&g, MCN_OP_TANH, "tanh", x, -1, -1, t);
    graph_node *n = node(&g, MCN_OP_PAD, "pad", x, -1, -1, p);
    n->n_ints = 8;
    n->ints[1] = 1;   /* one row on top, of zeros */
    node(&g, MCN_OP_MUL, "mul", x, kt, -1, m);
    g.inputs[g.n_inputs++] = x;
    g.outputs[g.n_outputs++] = l;
    g.outputs[g.n_outputs++] = t;
    g.outputs[g.n_outputs++] = p;
    g.outputs[g.n_outputs++] = m;
    const float *samples[2] = {sample_a, sample_b};
    quantize_opts o = {.n_samples = 2, .samples = samples};
    mcn_err e = {0};
    ck_assert_msg(quantize_graph(&g, &o, &e) == 0, "%s", e.msg);
    expect_act(&g, x, 3.0f / 255.0f, -43);
    expect_act(&g, l, 1.0f / 256.0f, -128);
    expect_act(&g, t, 1.0f / 128.0f, 0);
    expect_act(&g, p, 3.0f / 255.0f, -43);
    /* k = [-1, 0.5] as in constant_operand_is_asymmetric. */
    expect_act(&g, kt, 1.5f / 255.0f, 42);
    graph_free(&g);
}
END_TEST

/* CONCATENATION's inputs and output share one range, and through the
   MAX_POOL that feeds it so does that pool's input:
     x [-1, 2] -> a = MUL(x, 2) [-2, 4];  p = MAX_POOL 1x1 (x) [-1, 2]
     cc = CONCATENATION(a, p): all of x, a, p and cc take [-2, 4]:
     scale 6/255, zp = -128 + 2 / (6/255) = -128 + 85 = -43. */
START_TEST(concat_shares_one_range)
{
    graph g;
    graph_init(&g);
    static const float two[1] = {2.0f};
    int x = tensor(&g, "x", 4, 1, 2, 1, 2);
    int kt = constant(&g, "two", 1, 1, 0, 0, 0, two);
    int a = tensor(&g, "a", 4, 1, 2, 1, 2), p = tensor(&g, "p", 4, 1, 2, 1, 2);
    int cc = tensor(&g, "cc", 4, 1, 2, 1, 4);
    node(&g, MCN_OP_MUL, "mul", x, kt, -1, a);
    graph_node *n = node(&g, MCN_OP_MAX_POOL_2D, "pool", x, -1, -1, p);
    n->filter_h = n->filter_w = 1;
    n = node(&g, MCN_OP_CONCATENATION, "cat", a, p, -1, cc);
    n->axis = 3;
    g.inputs[g.n_inputs++] = x;
    g.outputs[g.n_outputs++] = cc;
    const float *samples[2] = {sample_a, sample_b};
    quantize_opts o = {.n_samples = 2, .samples = samples};
    mcn_err e = {0};
    ck_assert_msg(quantize_graph(&g, &o, &e) == 0, "%s", e.msg);
    expect_act(&g, x, 6.0f / 255.0f, -43);
    expect_act(&g, a, 6.0f / 255.0f, -43);
    expect_act(&g, p, 6.0f / 255.0f, -43);
    expect_act(&g, cc, 6.0f / 255.0f, -43);
    graph_free(&g);
}
END_TEST

START_TEST(refuses_what_it_cannot_quantize)
{
    graph g;
    conv_graph(&g);
    const float *samples[1] = {sample_a};
    quantize_opts o = {.n_samples = 1, .samples = samples};
    mcn_err e = {0};
    g.tensors[T_Y].dtype = MCN_DT_INT8;
    ck_assert_int_eq(quantize_graph(&g, &o, &e), -1);
    ck_assert_str_eq(e.msg, "the model is already quantized (tensor 'y' is "
                            "int8); mcn-quantize takes a float model");
    g.tensors[T_Y].dtype = MCN_DT_FLOAT32;
    g.inputs[g.n_inputs++] = T_R;
    ck_assert_int_eq(quantize_graph(&g, &o, &e), -1);
    ck_assert_str_eq(e.msg, "calibration feeds one graph input; this graph "
                            "has 2");
    g.n_inputs = 1;
    o.n_samples = 0;
    ck_assert_int_eq(quantize_graph(&g, &o, &e), -1);
    ck_assert_str_eq(e.msg, "no calibration samples");
    graph_free(&g);
}
END_TEST

START_TEST(progress_line)
{
    char buf[128];
    /* 37 of 100 on a 10-cell bar fills 3 cells. */
    progress_format(buf, sizeof buf, "calibrating", 37, 100, 10);
    ck_assert_str_eq(buf, "calibrating [###.......] 37/100");
    progress_format(buf, sizeof buf, "x", 5, 5, 4);
    ck_assert_str_eq(buf, "x [####] 5/5");
    /* Counts out of range draw an empty or a full bar, never more. */
    progress_format(buf, sizeof buf, "x", 7, 0, 4);
    ck_assert_str_eq(buf, "x [....] 7/0");
    progress_format(buf, sizeof buf, "x", 9, 5, 4);
    ck_assert_str_eq(buf, "x [####] 9/5");
}
END_TEST

/* ---- mcn-quantize ---- */

/* A .npy v1.0 float32 array, written by hand so the test does not lean
   on the reader it feeds. */
static void write_npy(const char *path, int rank, const int *shape,
                      const float *data)
{
    char dict[128], dims[64] = "";
    size_t n = 1, k = 0;
    for (int i = 0; i < rank; i++) {
        k += (size_t)snprintf(dims + k, sizeof dims - k, "%d,%s", shape[i],
                              i + 1 < rank ? " " : "");
        n *= (size_t)shape[i];
    }
    int len = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order'"
                       ": False, 'shape': (%s), }", dims);
    int hlen = (len + 1 + 10 + 63) / 64 * 64 - 10;  /* '\n' ends it */
    uint8_t *buf = calloc(1, 10 + (size_t)hlen + n * 4);
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (uint8_t)(hlen & 0xff);
    buf[9] = (uint8_t)(hlen >> 8);
    memset(buf + 10, ' ', (size_t)hlen);
    memcpy(buf + 10, dict, (size_t)len);
    buf[10 + hlen - 1] = '\n';
    memcpy(buf + 10 + hlen, data, n * 4);
    ck_assert_int_eq(tu_write_file(path, buf, 10 + (size_t)hlen + n * 4), 0);
    free(buf);
}

typedef struct {
    char *dir;
    char model[512], calib[512], out[512];
} cli_env;

static void cli_setup(cli_env *c)
{
    c->dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(c->dir);
    snprintf(c->model, sizeof c->model, "%s/in.mcn", c->dir);
    snprintf(c->calib, sizeof c->calib, "%s/calib.npy", c->dir);
    snprintf(c->out, sizeof c->out, "%s/out.mcn", c->dir);
    graph g;
    conv_graph(&g);
    mcn_err e = {0};
    ck_assert_msg(graph_save_file(&g, c->model, &e) == 0, "%s", e.msg);
    graph_free(&g);
    float both[8];
    memcpy(both, sample_a, sizeof sample_a);
    memcpy(both + 4, sample_b, sizeof sample_b);
    int shape[5] = {2, 1, 2, 1, 2};  /* N samples of [1,2,1,2] */
    write_npy(c->calib, 5, shape, both);
}

START_TEST(cli_quantizes_file_and_pipe)
{
    cli_env c;
    cli_setup(&c);
    char cmd[2048], *out = NULL, *err = NULL;
    snprintf(cmd, sizeof cmd, "%s --calib %s %s -o %s",
             TU_BIN("mcn-quantize"), c.calib, c.model, c.out);
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 0);
    /* Not a terminal: no progress bar, nothing at all on stderr. */
    ck_assert_str_eq(err, "");
    free(err);
    graph g;
    graph_init(&g);
    ck_assert_int_eq(graph_load_file(&g, c.out, NULL), 0);
    expect_act(&g, g.inputs[0], 3.0f / 255.0f, -43);
    expect_act(&g, g.outputs[0], 1.0f / 256.0f, -128);
    graph_free(&g);
    /* In a pipe: stdin to stdout, the same bytes. */
    snprintf(cmd, sizeof cmd, "cat %s | %s --calib %s | cmp - %s",
             c.model, TU_BIN("mcn-quantize"), c.calib, c.out);
    ck_assert_int_eq(tu_run(cmd, &out, &err), 0);
    ck_assert_str_eq(out, "");
    free(out);
    free(err);
    tu_rmdir(c.dir);
}
END_TEST

/* One stderr line starting with `prefix` and containing `part`, exit
   status, no output file. */
static void expect_cli_error(const cli_env *c, const char *args, int status,
                             const char *prefix, const char *part)
{
    char cmd[2048], *err = NULL;
    snprintf(cmd, sizeof cmd, "%s %s -o %s", TU_BIN("mcn-quantize"), args,
             c->out);
    ck_assert_int_eq(tu_run(cmd, NULL, &err), status);
    ck_assert_int_eq(tu_count_lines(err), 1);
    ck_assert_msg(!strncmp(err, prefix, strlen(prefix)), "stderr: %s", err);
    ck_assert_msg(strstr(err, part) != NULL, "stderr: %s", err);
    ck_assert_int_eq(tu_exists(c->out), 0);
    free(err);
}

START_TEST(cli_errors)
{
    cli_env c;
    cli_setup(&c);
    char args[1536], prefix[600], bad[512];
    /* A (3,5) array fits neither [1,2,1,2] nor N samples of it. */
    snprintf(bad, sizeof bad, "%s/bad.npy", c.dir);
    int shape[2] = {3, 5};
    float zeros[15] = {0};
    write_npy(bad, 2, shape, zeros);
    snprintf(args, sizeof args, "--calib %s %s", bad, c.model);
    snprintf(prefix, sizeof prefix, "%s: array of shape (3,5) does not fit "
             "input of shape (1,2,1,2)", bad);
    expect_cli_error(&c, args, 65, prefix, "(1,2,1,2)");
    /* A missing calibration file. */
    snprintf(bad, sizeof bad, "%s/missing.npy", c.dir);
    snprintf(args, sizeof args, "--calib %s %s", bad, c.model);
    snprintf(prefix, sizeof prefix, "%s: ", bad);
    expect_cli_error(&c, args, 66, prefix, "No such file or directory");
    /* An int8 model: quantize once, then feed the result back. */
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s --calib %s %s -o %s/q.mcn",
             TU_BIN("mcn-quantize"), c.calib, c.model, c.dir);
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    snprintf(args, sizeof args, "--calib %s %s/q.mcn", c.calib, c.dir);
    snprintf(prefix, sizeof prefix, "%s/q.mcn: the model is already "
             "quantized", c.dir);
    expect_cli_error(&c, args, 65, prefix, "takes a float model");
    /* No --calib at all. */
    expect_cli_error(&c, c.model, 64, "mcn-quantize: --calib CALIB is "
                     "required", "--help");
    tu_rmdir(c.dir);
}
END_TEST

START_TEST(cli_help)
{
    char *out = NULL;
    ck_assert_int_eq(tu_run(TU_BIN("mcn-quantize") " --help", &out, NULL), 0);
    ck_assert_msg(!strncmp(out, "usage: mcn-quantize --calib CALIB [", 35),
                  "%s", out);
    free(out);
}
END_TEST

Suite *suite_quantize(void)
{
    Suite *s = suite_create("quantize");
    TCase *tc = tcase_create("scheme");
    tcase_add_test(tc, choose_params_exact);
    tcase_add_test(tc, conv_graph_quantized_exactly);
    tcase_add_test(tc, bias_correction_folds_the_rounding_shift);
    tcase_add_test(tc, depthwise_weights_on_axis_3);
    tcase_add_test(tc, pools_and_clip_inherit_through_a_chain);
    tcase_add_test(tc, constant_operand_is_asymmetric);
    tcase_add_test(tc, activation_outputs_and_pad);
    tcase_add_test(tc, concat_shares_one_range);
    tcase_add_test(tc, refuses_what_it_cannot_quantize);
    tcase_add_test(tc, progress_line);
    suite_add_tcase(s, tc);
    TCase *cli = tcase_create("cli");
    tcase_set_timeout(cli, 30);
    tcase_add_test(cli, cli_quantizes_file_and_pipe);
    tcase_add_test(cli, cli_errors);
    tcase_add_test(cli, cli_help);
    suite_add_tcase(s, cli);
    return s;
}
