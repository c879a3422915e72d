/* test_kernel_tconv.c: transpose_conv_s8 on hand-computed cases, and on
   random geometry against the float graph's TRANSPOSE_CONV.
   The rule (TFLM's reference_integer_ops::TransposeConv, transpose_conv.h):
   input pixel (iy, ix) + input_offset, times filter[oc][fy][fx][ic], is
   added into output (iy * stride - pad_top + fy * dilation, likewise for
   x) when that lies inside the output; then per output channel acc + bias
   -> MultiplyByQuantizedMultiplier -> + output_offset -> clamp. TFLM's
   kernel has dilation 1; dilated taps follow quantizer/fexec_tconv.c. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "float_exec.h"
#include "graph.h"
#include "mcn_kernels.h"

/* Input [1,2,2,1] q = 3 5 7 9 at zero point 1, so v = 2 4 / 6 8; filter
   3x3 with two output channels; stride 2, pads 1 above and left; output
   4x4, one row and column more than the 3x3 the full 5x5 minus pads of 1
   all round leaves: they are the rows the bottom pad would have cut
   (row 3 is iy 1 through fy 2), an output_padding of 1.
   Row y takes input rows R(y) = {iy : 0 <= y - 2 iy + 1 <= 2}: R(0) = {0},
   R(1) = {0,1}, R(2) = {1}, R(3) = {1}, with fy = y - 2 iy + 1.
   oc0, all-ones filter, bias 1, x1 = (2^30, 1): the sums of v over
   R(y) x R(x):  2 6 4 4 / 8 20 12 12 / 6 14 8 8 / 6 14 8 8, + 1, then
   the output offset -5, clamped to [-1, 15]:
                 -1 2 0 0 / 4 15 8 8 / 2 10 4 4 / 2 10 4 4.
   oc1, filter 3 fy + fx + 1 (1..9), bias -3, x1/4 = (2^30, -1): e.g.
   (1,1) = 2*9 + 4*7 + 6*3 + 8*1 = 72. Sums - 3:
                 7 25 17 21 / 25 69 45 57 / 27 65 37 45 / 45 107 61 69;
   the high multiply halves rounding half up (25 -> 13), the shift halves
   again rounding half away from zero (13 -> 7: twice rounded, where
   25 / 4 would give 6), then -5 and the clamp:
                 -1 2 0 1 / 2 13 7 10 / 2 12 5 7 / 7 15 11 13. */
START_TEST(stride_2_pads_output_padding_per_channel)
{
    const int8_t in[4] = {3, 5, 7, 9};
    int8_t w[18], out[32];
    for (int k = 0; k < 9; k++) {
        w[k] = 1;
        w[9 + k] = (int8_t)(k + 1);
    }
    const int32_t bias[2] = {1, -3};
    const int32_t mult[2] = {1 << 30, 1 << 30}, shift[2] = {1, -1};
    int32_t acc[32];
    const mcn_k_conv_params p = {
        .input_offset = -1, .output_offset = -5,
        .stride_h = 2, .stride_w = 2, .dilation_h = 1, .dilation_w = 1,
        .pad_top = 1, .pad_left = 1, .groups = 1,
        .act_min = -1, .act_max = 15, .rq = {mult, shift, 2},
        .input = {1, 2, 2, 1}, .input_data = in,
        .filter = {2, 3, 3, 1}, .filter_data = w, .bias = bias,
        .output = {1, 4, 4, 2}, .output_data = out, .scratch = acc};
    ck_assert_uint_eq(mcn_k_transpose_conv_s8_scratch_bytes(&p), 4 * 32);
    memset(acc, 0x5a, sizeof acc);   /* the kernel clears it */
    mcn_k_transpose_conv_s8(&p);
    static const int8_t want0[16] = {-1, 2, 0, 0, 4, 15, 8, 8,
                                     2, 10, 4, 4, 2, 10, 4, 4};
    static const int8_t want1[16] = {-1, 2, 0, 1, 2, 13, 7, 10,
                                     2, 12, 5, 7, 7, 15, 11, 13};
    for (int i = 0; i < 16; i++) {
        ck_assert_msg(out[2 * i] == want0[i], "oc0 %d: %d, not %d", i,
                      out[2 * i], want0[i]);
        ck_assert_msg(out[2 * i + 1] == want1[i], "oc1 %d: %d, not %d", i,
                      out[2 * i + 1], want1[i]);
    }
}
END_TEST

/* Dilation 3 along W, pad_left 1, no bias, two images. Input [2,1,2,1]
   q = -1 0 / 1 -3 at zero point -2 (v = 1 2 / 3 -1), filter [1,1,2,1] =
   {1, 10}. Column x = ix - 1 + 3 fx: ix 0 -> -1 (dropped), 2; ix 1 -> 0,
   3. The full 5 minus pad 1 leaves 4; the output keeps 6, two columns no
   tap reaches (output_padding 2 < dilation 3). Sums v1, 0, 10 v0, 10 v1,
   0, 0; x1 and output offset 5:
   image 0: 7 5 15 25 5 5; image 1: 4 5 35 -5 5 5. The accumulator is
   one image: the second starts from zero again. */
START_TEST(dilation_pads_and_batches)
{
    const int8_t in[4] = {-1, 0, 1, -3}, w[2] = {1, 10};
    int8_t out[12];
    const int32_t mult = 1 << 30, shift = 1;
    int32_t acc[6];
    const mcn_k_conv_params p = {
        .input_offset = 2, .output_offset = 5,
        .stride_h = 1, .stride_w = 1, .dilation_h = 1, .dilation_w = 3,
        .pad_left = 1, .groups = 1,
        .act_min = -128, .act_max = 127, .rq = {&mult, &shift, 1},
        .input = {2, 1, 2, 1}, .input_data = in,
        .filter = {1, 1, 2, 1}, .filter_data = w,
        .output = {2, 1, 6, 1}, .output_data = out, .scratch = acc};
    ck_assert_uint_eq(mcn_k_transpose_conv_s8_scratch_bytes(&p),
                      sizeof acc);
    mcn_k_transpose_conv_s8(&p);
    static const int8_t want[12] = {7, 5, 15, 25, 5, 5, 4, 5, 35, -5, 5, 5};
    ck_assert_mem_eq(out, want, 12);
}
END_TEST

/* More than 4 GiB of sums is reported as UINT32_MAX, never wrapped. */
START_TEST(scratch_bytes_saturate)
{
    mcn_k_conv_params p = {.output = {1, 65536, 65536, 1}};
    ck_assert_uint_eq(mcn_k_transpose_conv_s8_scratch_bytes(&p), UINT32_MAX);
    p.output.w = 32767;
    p.output.h = 32768;
    ck_assert_uint_eq(mcn_k_transpose_conv_s8_scratch_bytes(&p),
                      4u * 32768u * 32767u);
}
END_TEST

/* ---- scatter against the float graph's gather ----
   With small integers (inputs and weights in -2..2), float sums are
   exact, so fexec_tconv.c's gather (each output from its bias, taps in
   (ky, kx, channel) order) and the kernel's scatter must give the same
   numbers: the kernel's output offset 0, multiplier x1 and the full int8
   clamp leave its int32 sums as they are. Random strides, dilations,
   asymmetric pads and output paddings; zero point 1 on the input. */

static uint32_t lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static int tensor(graph *g, int rank, const int32_t *shape)
{
    return graph_add_tensor(g, NULL, MCN_DT_FLOAT32, rank, shape);
}

/* One random case: the kernel's bytes must equal fexec's floats. */
static void one_case(uint32_t *s, int c)
{
    int32_t n = 1 + (int32_t)(lcg(s) % 2), I = 1 + (int32_t)(lcg(s) % 3);
    int32_t O = 1 + (int32_t)(lcg(s) % 3);
    int32_t in[2], k[2], st[2], dil[2], p0[2], p1[2], out[2];
    for (int a = 0; a < 2; a++) {
        in[a] = 1 + (int32_t)(lcg(s) % 3);
        k[a] = 1 + (int32_t)(lcg(s) % 3);
        st[a] = 1 + (int32_t)(lcg(s) % 3);
        dil[a] = 1 + (int32_t)(lcg(s) % 3);
        int32_t full = (in[a] - 1) * st[a] + (k[a] - 1) * dil[a] + 1;
        p0[a] = (int32_t)(lcg(s) % 3);
        p1[a] = (int32_t)(lcg(s) % 3);
        if (p0[a] + p1[a] >= full)
            p0[a] = p1[a] = 0;
        int32_t extra = st[a] > dil[a] ? st[a] : dil[a];
        out[a] = full - p0[a] - p1[a] + (int32_t)(lcg(s) % (uint32_t)extra);
    }
    graph g;
    graph_init(&g);
    int x = tensor(&g, 4, (const int32_t[]){n, in[0], in[1], I});
    int w = tensor(&g, 4, (const int32_t[]){O, k[0], k[1], I});
    int b = tensor(&g, 1, (const int32_t[]){O});
    int y = tensor(&g, 4, (const int32_t[]){n, out[0], out[1], O});
    int64_t nx = (int64_t)n * in[0] * in[1] * I;
    int64_t nw = (int64_t)O * k[0] * k[1] * I;
    int64_t ny = (int64_t)n * out[0] * out[1] * O;
    float *xf = malloc((size_t)nx * sizeof *xf), wf[3 * 9 * 3], bf[3];
    int8_t *xq = malloc((size_t)nx), wq[3 * 9 * 3], *yq = malloc((size_t)ny);
    int32_t bq[3], *acc = malloc((size_t)ny * sizeof *acc);
    ck_assert(xf && xq && yq && acc);
    for (int64_t i = 0; i < nx; i++) {
        xq[i] = (int8_t)((int)(lcg(s) % 5) - 1);   /* -1..3, v = q - 1 */
        xf[i] = (float)(xq[i] - 1);
    }
    for (int64_t i = 0; i < nw; i++) {
        wq[i] = (int8_t)((int)(lcg(s) % 5) - 2);
        wf[i] = wq[i];
    }
    for (int i = 0; i < O; i++) {
        bq[i] = (int32_t)(lcg(s) % 9) - 4;
        bf[i] = (float)bq[i];
    }
    graph_set_data(&g, w, wf, (size_t)nw * sizeof *wf);
    graph_set_data(&g, b, bf, (size_t)O * sizeof *bf);
    int nd = graph_add_node(&g, MCN_OP_TRANSPOSE_CONV, "tc");
    graph_node_add_input(&g, nd, x);
    graph_node_add_input(&g, nd, w);
    graph_node_add_input(&g, nd, b);
    graph_node_add_output(&g, nd, y);
    graph_node *gn = &g.nodes[nd];
    gn->stride_h = st[0], gn->stride_w = st[1];
    gn->dilation_h = dil[0], gn->dilation_w = dil[1];
    gn->pad_top = p0[0], gn->pad_left = p0[1];
    gn->pad_bottom = p1[0], gn->pad_right = p1[1];
    gn->groups = 1;
    g.inputs[g.n_inputs++] = x;
    g.outputs[g.n_outputs++] = y;
    float_exec *fx;
    mcn_err e = {0};
    ck_assert_msg(fexec_create(&fx, &g, &e) == 0, "case %d: %s", c, e.msg);
    ck_assert_msg(fexec_run(fx, (const float *const[]){xf}, &e) == 0,
                  "case %d: %s", c, e.msg);
    const float *yf = fexec_tensor(fx, y);

    const int32_t mult = 1 << 30, shift = 1;
    const mcn_k_conv_params p = {
        .input_offset = -1, .stride_h = st[0], .stride_w = st[1],
        .dilation_h = dil[0], .dilation_w = dil[1],
        .pad_top = p0[0], .pad_left = p0[1], .groups = 1,
        .act_min = -128, .act_max = 127, .rq = {&mult, &shift, 1},
        .input = {n, in[0], in[1], I}, .input_data = xq,
        .filter = {O, k[0], k[1], I}, .filter_data = wq, .bias = bq,
        .output = {n, out[0], out[1], O}, .output_data = yq,
        .scratch = acc};
    mcn_k_transpose_conv_s8(&p);
    for (int64_t i = 0; i < ny; i++)
        ck_assert_msg((float)yq[i] == yf[i],
                      "case %d (in %dx%d k %dx%d stride %dx%d dil %dx%d "
                      "pads %d,%d,%d,%d out %dx%d): y[%lld] is %d, float "
                      "%g", c, in[0], in[1], k[0], k[1], st[0], st[1],
                      dil[0], dil[1], p0[0], p0[1], p1[0], p1[1], out[0],
                      out[1], (long long)i, yq[i], (double)yf[i]);
    fexec_free(fx);
    graph_free(&g);
    free(xf);
    free(xq);
    free(yq);
    free(acc);
}

START_TEST(scatter_matches_float_gather)
{
    uint32_t s = 7;
    for (int c = 0; c < 300; c++)
        one_case(&s, c);
}
END_TEST

Suite *suite_kernel_tconv(void)
{
    Suite *s = suite_create("kernel_tconv");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, stride_2_pads_output_padding_per_channel);
    tcase_add_test(tc, dilation_pads_and_batches);
    tcase_add_test(tc, scratch_bytes_saturate);
    tcase_add_test(tc, scatter_matches_float_gather);
    suite_add_tcase(s, tc);
    return s;
}
