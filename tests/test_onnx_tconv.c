/* test_onnx_tconv.c: an ONNX ConvTranspose (+ Relu) end to end in int8:
   imported, quantized with calibration samples (quantize_graph: weights
   per output channel along O, bias int32 at s_in * s_w[c]), packed,
   written, run by the engine, and compared with the float graph. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "float_exec.h"
#include "graph_io.h"
#include "mcn.h"
#include "pack.h"
#include "qmath.h"
#include "quantize.h"
#include "test_onnx_build.h"

enum { N_CALIB = 16, N_TEST = 8 };

typedef struct {
    int64_t strides[2], dilations[2], pads[4], output_padding[2];
    int32_t out_h, out_w;   /* what the import must make of them */
} tconv_case;

static float urand(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return (float)(*s >> 8) / (float)(1u << 24) * 2.0f - 1.0f;   /* -1..1 */
}

/* x [1,2,3,3] -> ConvTranspose (W [2,3,3,3], B [3]) -> Relu -> y. */
static ob *model(const tconv_case *tc, uint32_t *seed)
{
    float w[2 * 3 * 3 * 3], bias[3];
    for (int i = 0; i < 54; i++)
        w[i] = urand(seed);
    for (int i = 0; i < 3; i++)
        bias[i] = 0.25f * urand(seed);
    ob *b = ob_new(13);
    ob_input(b, "x", 4, OB_DIMS(1, 2, 3, 3));
    ob_init_f(b, "W", 4, OB_DIMS(2, 3, 3, 3), w);
    ob_init_f(b, "B", 1, OB_DIMS(3), bias);
    Onnx__NodeProto *n = ob_node(b, "ConvTranspose", "ct", "x,W,B", "t");
    ob_attr_ints(b, n, "strides", 2, tc->strides);
    ob_attr_ints(b, n, "dilations", 2, tc->dilations);
    ob_attr_ints(b, n, "pads", 4, tc->pads);
    ob_attr_ints(b, n, "output_padding", 2, tc->output_padding);
    ob_node(b, "Relu", "relu", "t", "y");
    ob_output(b, "y", -1, NULL);
    return b;
}

/* The quantizer's constants: weights symmetric per channel along O,
   bias int32 at s_in * s_w[c] (TFLite's scheme, as CONV_2D's). */
static void check_constants(const graph *g)
{
    const graph_node *nd = &g->nodes[0];
    const graph_tensor *w = &g->tensors[nd->in[1]];
    const graph_tensor *b = &g->tensors[nd->in[2]];
    float s_in = g->tensors[nd->in[0]].scale[0];
    ck_assert_int_eq(w->dtype, MCN_DT_INT8);
    ck_assert_int_eq(w->nscale, 3);
    ck_assert_int_eq(w->quant_axis, 0);
    ck_assert_int_eq(b->dtype, MCN_DT_INT32);
    ck_assert_int_eq(b->nscale, 3);
    const int8_t *q = w->data;
    for (int c = 0; c < 3; c++) {
        ck_assert_int_eq(w->zero_point[c], 0);
        ck_assert(b->scale[c] == s_in * w->scale[c]);
        /* max |w| of the channel maps to 127 */
        int m = 0;
        for (int k = 0; k < 18; k++)
            m = abs(q[c * 18 + k]) > m ? abs(q[c * 18 + k]) : m;
        ck_assert_int_eq(m, 127);
    }
}

/* Worst error of the int8 output against float, in output steps. At
   least a third of the outputs must be well above zero, so that the Relu
   does not make the comparison empty. */
static double run_case(const tconv_case *tc, uint32_t seed)
{
    ob *b = model(tc, &seed);
    graph g, fg;
    mcn_err e = {0};
    ob_import_ok(b, &g);
    ob_free(b);
    OB_ASSERT_OPS(&g, MCN_OP_TRANSPOSE_CONV);
    ck_assert_int_eq(g.nodes[0].act, MCN_ACT_RELU);   /* Relu fused */
    ob_assert_shape(&g.tensors[g.outputs[0]], 4,
                    OB_SHAPE(1, tc->out_h, tc->out_w, 3));
    ck_assert_msg(graph_clone(&fg, &g, &e) == 0, "%s", e.msg);

    float calib[N_CALIB][18], test[N_TEST][18];
    const float *ptr[N_CALIB];
    for (int i = 0; i < N_CALIB; i++) {
        for (int k = 0; k < 18; k++)
            calib[i][k] = urand(&seed);
        ptr[i] = calib[i];
    }
    quantize_opts qo = {.n_samples = N_CALIB, .samples = ptr};
    ck_assert_msg(quantize_graph(&g, &qo, &e) == 0, "%s", e.msg);
    check_constants(&g);
    ck_assert_msg(pack_graph(&g, NULL, &e) == 0, "%s", e.msg);
    ck_assert_uint_eq(g.nodes[0].scratch_bytes,
                      4u * (uint32_t)(tc->out_h * tc->out_w * 3));
    uint8_t *buf;
    size_t len;
    ck_assert_msg(graph_to_mcn(&g, &buf, &len, &e) == 0, "%s", e.msg);
    size_t arena_len = (g.arena_bytes + 15u) / 16u * 16u;
    graph_free(&g);
    void *arena = aligned_alloc(16, arena_len);
    ck_assert_ptr_nonnull(arena);
    mcn_ctx ctx;
    mcn_tensor in, out;
    ck_assert_int_eq(mcn_init(&ctx, buf, len, arena, arena_len), MCN_OK);
    mcn_input(&ctx, 0, &in);
    mcn_output(&ctx, 0, &out);
    int ny = tc->out_h * tc->out_w * 3;
    ck_assert_uint_eq(out.bytes, (uint32_t)ny);

    float_exec *fx;
    ck_assert_msg(fexec_create(&fx, &fg, &e) == 0, "%s", e.msg);
    double worst = 0;
    int live = 0;
    for (int i = 0; i < N_TEST; i++) {
        for (int k = 0; k < 18; k++)
            test[i][k] = urand(&seed);
        for (int k = 0; k < 18; k++)
            ((int8_t *)in.data)[k] = (int8_t)qmath_quantize_value(
                test[i][k], in.scale, in.zero_point);
        ck_assert_int_eq(mcn_invoke(&ctx), MCN_OK);
        ck_assert_msg(fexec_run(fx, (const float *const[]){test[i]}, &e) ==
                      0, "%s", e.msg);
        const float *yf = fexec_tensor(fx, fg.outputs[0]);
        for (int k = 0; k < ny; k++) {
            double y8 = out.scale *
                        (((const int8_t *)out.data)[k] - out.zero_point);
            double d = fabs(y8 - yf[k]) / out.scale;
            worst = d > worst ? d : worst;
            live += yf[k] > 8 * out.scale;
        }
    }
    ck_assert_int_gt(3 * live, N_TEST * ny);
    fexec_free(fx);
    graph_free(&fg);
    free(arena);
    free(buf);
    return worst;
}

/* Within 2 output steps everywhere. Half a step is the output's own
   rounding; the rest comes from rounding the inputs (s_in / 2 each) and
   weights (s_w[c] / 2) over up to 18 products, errors of either sign
   that the worst case would add up to several steps but that stay near
   one here: 1.42 steps at most over these samples. A wrong tap, pad or
   multiplier is off by far more. */
START_TEST(int8_tracks_float)
{
    static const tconv_case cases[] = {
        /* stride 2, pads (top, left, bottom, right) 1 2 0 1,
           output_padding 1 on H: the full (3-1)*2 + 3 = 7 rows minus 1,
           plus 1 = 7; 7 - 2 - 1 = 4 columns. */
        {{2, 2}, {1, 1}, {1, 2, 0, 1}, {1, 0}, 7, 4},
        /* dilation 2, stride 1: the full (3-1) + 2*2 + 1 = 7 minus pads
           2 + 1 rows, 1 + 0 columns, and output_padding 1 (below the
           dilation) on W: 4 x 7. */
        {{1, 1}, {2, 2}, {2, 1, 1, 0}, {0, 1}, 4, 7},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double worst = run_case(&cases[i], 11 + (uint32_t)i);
        ck_assert_msg(worst <= 2.0, "case %zu: %g output steps off", i,
                      worst);
    }
}
END_TEST

Suite *suite_onnx_tconv(void)
{
    Suite *s = suite_create("onnx_tconv");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, int8_tracks_float);
    suite_add_tcase(s, tc);
    return s;
}
