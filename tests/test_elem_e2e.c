/* test_elem_e2e.c: SUB, PRELU, ELU, HARD_SIGMOID, DIV and LOG_SOFTMAX from
   a float graph to the engine: quantize_graph with calibration samples,
   pack_graph, graph_to_mcn, mcn_init, mcn_invoke, and every output
   dequantized against the float reference on samples the calibration did
   not see. Then MobileNetV3 (whose squeeze-excite blocks are HardSigmoid
   then Mul) through the command-line pipe. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "float_exec.h"
#include "npy.h"
#include "qmath.h"
#include "quantize.h"
#include "test_fexec_util.h"
#include "test_tflite_util.h"
#include "testutil.h"

enum { N = 24, N_CALIB = 32, N_TEST = 16, N_OUT = 4 };

/*   x [1,2,4,3] in [-3, 3]
     s = SUB(x, k [3] = {0.5, -1, 2})
     p = PRELU(s, slope [3] = {0.1, -0.2, 0.3})
     e = ELU(p), alpha 1
     h = HARD_SIGMOID(e), alpha 0.2, beta 0.5: within [0.3, 1] since e >= -1
     d = DIV(x, h), within [-10, 10]
     l = LOG_SOFTMAX(d) over the 3 channels
   Outputs l, d, h, p. */
static void build(graph *g)
{
    static const int32_t sx[4] = {1, 2, 4, 3}, sk[1] = {3};
    graph_init(g);
    int x = ft_tensor(g, "x", 4, sx);
    int k = ft_const(g, "k", 1, sk, (const float[]){0.5f, -1.0f, 2.0f});
    int sl = ft_const(g, "slope", 1, sk, (const float[]){0.1f, -0.2f, 0.3f});
    int s = ft_tensor(g, "s", 4, sx), p = ft_tensor(g, "p", 4, sx);
    int e = ft_tensor(g, "e", 4, sx), h = ft_tensor(g, "h", 4, sx);
    int d = ft_tensor(g, "d", 4, sx), l = ft_tensor(g, "l", 4, sx);
    ft_node(g, MCN_OP_SUB, "sub", 2, (const int[]){x, k}, s);
    ft_node(g, MCN_OP_PRELU, "prelu", 2, (const int[]){s, sl}, p);
    ft_node(g, MCN_OP_ELU, "elu", 1, &p, e)->alpha = 1.0f;
    graph_node *n = ft_node(g, MCN_OP_HARD_SIGMOID, "hs", 1, &e, h);
    n->alpha = 0.2f;
    n->beta = 0.5f;
    ft_node(g, MCN_OP_DIV, "div", 2, (const int[]){x, h}, d);
    ft_node(g, MCN_OP_LOG_SOFTMAX, "log_softmax", 1, &d, l);
    ft_io(g, 1, &x, l);
    g->outputs[g->n_outputs++] = d;
    g->outputs[g->n_outputs++] = h;
    g->outputs[g->n_outputs++] = p;
}

/* Uniform in [-3, 3) from a 32-bit LCG, so the samples are the same on
   every host. */
static void samples(float (*x)[N], int n, uint32_t seed)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < N; j++) {
            seed = seed * 1664525u + 1013904223u;
            x[i][j] = (float)(seed >> 8) / (float)(1u << 24) * 6.0f - 3.0f;
        }
}

/* Every output within three of its own quantization steps of the float
   reference: one for the output's rounding, the rest for what the
   inputs' rounding carries through the chain (DIV magnifies h's by up to
   |x| / h^2, HARD_SIGMOID 0.2 times ELU's). Measured: at most 2.6 steps,
   on h. */
START_TEST(chain_tracks_float)
{
    static float calib[N_CALIB][N], test[N_TEST][N];
    samples(calib, N_CALIB, 1);
    samples(test, N_TEST, 2);
    graph fg, qg;
    mcn_err e = {0};
    build(&fg);
    build(&qg);
    const float *ptrs[N_CALIB];
    for (int i = 0; i < N_CALIB; i++)
        ptrs[i] = calib[i];
    quantize_opts o = {.n_samples = N_CALIB, .samples = ptrs};
    ck_assert_msg(quantize_graph(&qg, &o, &e) == 0, "%s", e.msg);
    const graph_tensor *xin = &qg.tensors[qg.inputs[0]];
    float s_in = xin->scale[0], s_out[N_OUT];
    int32_t zp_in = xin->zero_point[0], zp_out[N_OUT];
    for (int k = 0; k < N_OUT; k++) {
        s_out[k] = qg.tensors[qg.outputs[k]].scale[0];
        zp_out[k] = qg.tensors[qg.outputs[k]].zero_point[0];
    }
    /* LOG_SOFTMAX's grid is TFLM's, whatever the calibration saw. */
    ck_assert(s_out[0] == 1.0f / 16 && zp_out[0] == 127);
    /* SUB's constant and PRELU's slope are quantized per tensor over
       their own values, widened to 0: k in [-1, 2] -> 3/255, zp -128 +
       1 / (3/255) = -43; the slope in [-0.2, 0.3] -> 0.5/255, zp -128 +
       0.2 / (0.5/255) = -26. */
    const graph_tensor *kc = &qg.tensors[qg.nodes[0].in[1]];
    const graph_tensor *sl = &qg.tensors[qg.nodes[1].in[1]];
    ck_assert(kc->dtype == MCN_DT_INT8 && kc->nscale == 1);
    ck_assert(kc->scale[0] == 3.0f / 255.0f && kc->zero_point[0] == -43);
    ck_assert(sl->dtype == MCN_DT_INT8 && sl->nscale == 1);
    ck_assert(sl->scale[0] == 0.5f / 255.0f && sl->zero_point[0] == -26);

    float_exec *fx;
    ck_assert_msg(fexec_create(&fx, &fg, &e) == 0, "%s", e.msg);
    for (int i = 0; i < N_TEST; i++) {
        graph g;
        ck_assert_int_eq(graph_clone(&g, &qg, &e), 0);
        int8_t xq[N], y[N_OUT][N];
        for (int j = 0; j < N; j++)
            xq[j] = (int8_t)qmath_quantize_value(test[i][j], s_in, zp_in);
        int8_t *ys[N_OUT] = {y[0], y[1], y[2], y[3]};
        const size_t ny[N_OUT] = {N, N, N, N};
        run_int8_outputs(&g, (const int8_t *const[]){xq}, N_OUT, ys, ny);
        const float *in = test[i];
        ck_assert_msg(fexec_run(fx, &in, &e) == 0, "%s", e.msg);
        for (int k = 0; k < N_OUT; k++) {
            const float *f = fexec_tensor(fx, fg.outputs[k]);
            for (int j = 0; j < N; j++) {
                double got = (double)s_out[k] * (y[k][j] - zp_out[k]);
                double steps = fabs(got - f[j]) / s_out[k];
                /* LOG_SOFTMAX's grid stops at -15.94. */
                if (k == 0 && f[j] < -15.9)
                    steps = y[k][j] == -128 ? 0 : INFINITY;
                ck_assert_msg(steps <= 3.0, "sample %d output %d [%d]: %g, "
                              "float %g", i, k, j, got, (double)f[j]);
            }
        }
    }
    fexec_free(fx);
    graph_free(&fg);
    graph_free(&qg);
}
END_TEST

/* The whole of mcn-import | mcn-quantize --calib | mcn-pack | mcn-run on
   MobileNetV3-small, calibrated on its one reference input: the int8
   logits (which span 0.015) within 1e-3 of ONNX Runtime's float ones,
   and the same class on top. Measured: 3e-4. */
START_TEST(mobilenet_v3_runs_int8)
{
#define NET TU_SRC("tests/data/onnx-nets/mobilenet_v3_small_050")
    char *dir = tu_mkdtemp(), cmd[2048], out[600], *err = NULL;
    snprintf(out, sizeof out, "%s/out.npy", dir);
    snprintf(cmd, sizeof cmd,
             "%s '" NET ".onnx' | %s --calib '" NET ".input.npy' | %s | "
             "%s - '" NET ".input.npy' -o '%s'",
             TU_BIN("mcn-import"), TU_BIN("mcn-quantize"), TU_BIN("mcn-pack"),
             TU_BIN("mcn-run"), out);
    ck_assert_msg(tu_run(cmd, NULL, &err) == 0, "%s: %s", cmd, err);
    free(err);
    npy_array got, want;
    mcn_err e;
    ck_assert_msg(npy_load(out, &got, &e) == 0, "%s", e.msg);
    ck_assert_msg(npy_load(NET ".output.npy", &want, &e) == 0, "%s", e.msg);
#undef NET
    ck_assert_int_eq(got.dtype, NPY_F32);
    ck_assert_int_eq(npy_elems(&got), 10);
    ck_assert_int_eq(npy_elems(&want), 10);
    const float *g = got.data, *w = want.data;
    int top_g = 0, top_w = 0;
    for (int i = 0; i < 10; i++) {
        ck_assert_msg(fabsf(g[i] - w[i]) <= 1e-3f, "logit %d: %g, ONNX "
                      "Runtime %g", i, (double)g[i], (double)w[i]);
        top_g = g[i] > g[top_g] ? i : top_g;
        top_w = w[i] > w[top_w] ? i : top_w;
    }
    ck_assert_int_eq(top_g, top_w);
    npy_free(&got);
    npy_free(&want);
    tu_rmdir(dir);
}
END_TEST

Suite *suite_elem_e2e(void)
{
    Suite *s = suite_create("elem_e2e");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, chain_tracks_float);
    tcase_add_test(tc, mobilenet_v3_runs_int8);
    suite_add_tcase(s, tc);
    return s;
}
