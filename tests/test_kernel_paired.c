/* test_kernel_paired.c: the paired 1x1 kernels (engine/kernels/paired_s8.h,
   conv_1x1_s8_smlad_paired, fc_s8_smlad_paired) and what they are built
   on: the DSP helpers they added to mcn_arch.h, mcn_rq_fast (TFLM's
   requantization in one multiply-accumulate), the paired weight layout
   and its lane arithmetic, worked by hand; then both kernels against the
   reference kernel on the shapes their code treats apart (chunk edges,
   tails, odd channels, odd pixels, the slow requantization, clamps,
   wrapping sums); mcn_init refusing them where they do not apply; and on
   the emulated Cortex-M4, whose hand-scheduled loops only QEMU runs,
   chains of such layers giving the reference packing's bytes. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "graph_io.h"
#include "mcn_arch.h"
#include "mcn_internal.h"
#include "mcn_plan.h"
#include "npy.h"
#include "pack.h"
#include "requant.h"
#include "test_model_util.h"
#include "test_tflite_util.h"
#include "testutil.h"

static uint32_t lcg;

static uint32_t next(void)
{
    lcg = lcg * 1664525u + 1013904223u;
    return lcg;
}

static int32_t pick(int32_t lo, int32_t hi)
{
    return lo + (int32_t)((next() >> 8) % (uint32_t)(hi - lo + 1));
}

static uint8_t kernel_id(const char *name)
{
    for (int id = 1; mcn_conv_kernel_get((uint8_t)id); id++)
        if (strcmp(mcn_conv_kernel_get((uint8_t)id)->name, name) == 0)
            return (uint8_t)id;
    ck_abort_msg("no kernel %s", name);
    return 0;
}

static const mcn_conv_kernel *kernel_named(const char *name)
{
    return mcn_conv_kernel_get(kernel_id(name));
}

/* ---- the DSP helpers, portable forms ---- */

START_TEST(arch_helpers)
{
    /* UXTB16 keeps bytes 0 and 2, zero-extended. */
    ck_assert_uint_eq(mcn_uxtb16(0x80FF7F01u), 0x00FF0001u);
    ck_assert_int_eq(mcn_ssat8(200), 127);
    ck_assert_int_eq(mcn_ssat8(-200), -128);
    ck_assert_int_eq(mcn_ssat8(-128), -128);
    ck_assert_int_eq(mcn_ssat8(5), 5);
    /* 10 + |1-4| + |2-3| + |3-2| + |4-1| = 18; |0xff - 0| = 255. */
    ck_assert_uint_eq(mcn_usada8(0x01020304u, 0x04030201u, 10), 18);
    ck_assert_uint_eq(mcn_usada8(0x000000ffu, 0, 0), 255);
}
END_TEST

/* ---- mcn_rq_fast against TFLM's MultiplyByQuantizedMultiplier ---- */

START_TEST(rq_fast_is_tflms_rounding)
{
    /* m = 2^30 (one half), e = 2: x * m / 2^31 / 4 = x / 16 with TFLM's
       two roundings (reference/... MultiplyByQuantizedMultiplier: SRDHM
       to nearest, then RoundingDivideByPOT, ties away from zero).
       x = 3: q = (3 * 2^30 + 2^30) >> 31 = 2, 2 / 4 rounds to 1.
       x = -3: q = -2^31 >> 31 = -1, -1 / 4 rounds to 0.
       x = -5: q = -2^32 >> 31 = -2, -2 / 4 is a tie: away from zero, -1.
       x = 5: q = 6 * 2^30 >> 31 = 3, 3 / 4 rounds to 1. */
    const int32_t xs[4] = {3, -3, -5, 5}, want[4] = {1, 0, -1, 1};
    const mcn_rq_fast c = mcn_rq_fast_of(1 << 30, -2);
    ck_assert_int_eq(c.round_hi, 1);
    ck_assert_int_eq(c.shift, 1);
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(mcn_mbqm_pos(xs[i], 1 << 30, -2), want[i]);
        ck_assert_int_eq(mcn_rq_fast_apply(xs[i], &c), want[i]);
    }
    /* A multiplier of 0 (QuantizeMultiplier's for 0, with shift 0) gives
       0 whatever x: the constants take e = 2. */
    const mcn_rq_fast z = mcn_rq_fast_of(0, 0);
    ck_assert_int_eq(mcn_rq_fast_apply(INT32_MIN, &z), 0);
    ck_assert_int_eq(mcn_rq_fast_apply(-7, &z), 0);
    ck_assert_int_eq(mcn_rq_fast_apply(INT32_MAX, &z), 0);
    /* Which (multiplier, shift) it takes. */
    ck_assert(mcn_rq_fast_ok(1 << 30, -2));
    ck_assert(mcn_rq_fast_ok(INT32_MAX, -31));
    ck_assert(!mcn_rq_fast_ok(1 << 30, -1));
    ck_assert(!mcn_rq_fast_ok(1 << 30, 0));
    ck_assert(!mcn_rq_fast_ok(1 << 30, -32));
    ck_assert(!mcn_rq_fast_ok(-1, -3));
    ck_assert(mcn_rq_fast_ok(0, 7));
    /* Everywhere else too, the extremes of x and m included. */
    lcg = 99;
    const int32_t edge[6] = {INT32_MIN, INT32_MIN + 1, -1, 0, 1, INT32_MAX};
    for (int i = 0; i < 300000; i++) {
        int32_t x = i % 7 < 6 && i % 11 == 0 ? edge[i % 6]
                                             : (int32_t)next();
        if (i % 3 == 0)
            x = mcn_asr(x, pick(0, 28));   /* small sums too */
        const int32_t m = i % 13 == 0 ? INT32_MAX
                                      : (int32_t)((1u << 30) | (next() >> 2));
        const int32_t shift = -pick(2, 31);
        const mcn_rq_fast f = mcn_rq_fast_of(m, shift);
        ck_assert_msg(mcn_rq_fast_apply(x, &f) ==
                          mcn_mbqm_pos(x, m, (int)shift),
                      "x %d, m %d, shift %d", (int)x, (int)m, (int)shift);
    }
}
END_TEST

/* ---- the layout and its lanes ---- */

static mcn_k_conv_params layer(int32_t pixels, int32_t depth, int32_t out_c,
                               const int8_t *w)
{
    mcn_k_conv_params p;
    memset(&p, 0, sizeof p);
    p.input = (mcn_k_dims){1, 1, pixels, depth};
    p.output = (mcn_k_dims){1, 1, pixels, out_c};
    p.filter = (mcn_k_dims){out_c, 1, 1, depth};
    p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = 1;
    p.groups = 1;
    p.depth_multiplier = 1;
    p.filter_data = w;
    return p;
}

START_TEST(layout_by_hand)
{
    /* Three channels over six inputs: pair 0 = rows 0 (low byte, +128)
       and 1 (high byte), row 2 the odd channel. D4 = 4, two left over.
       Part 1, pair 0's step: E = lanes (k0, k2) = {1+128, -1}, {3+128,
       -128}; O = lanes (k1, k3) = {-2+128, 2}, {-4+128, 127}. Part 2: row
       2's first four. Part 3: pair 0's lanes k4 {5+128, 0}, k5 {-6+128,
       7}, then row 2's last two. The bias gains input_offset (3) times
       each row's sum: -3, 7 and 210. */
    static const int8_t w[18] = {1, -2, 3, -4, 5, -6,
                                 -1, 2, -128, 127, 0, 7,
                                 10, 20, 30, 40, 50, 60};
    static const uint8_t want[18] = {0x81, 0xFF, 0x83, 0x80,
                                     0x7E, 0x02, 0x7C, 0x7F,
                                     10, 20, 30, 40,
                                     0x85, 0x00, 0x7A, 0x07,
                                     50, 60};
    mcn_k_conv_params p = layer(2, 6, 3, w);
    p.input_offset = 3;
    int8_t got[18];
    int32_t bias[3] = {100, 200, 300};
    kernel_named("conv_1x1_s8_smlad_paired")->layout(&p, got, bias);
    ck_assert_mem_eq(got, want, sizeof want);
    ck_assert_int_eq(bias[0], 100 - 9);
    ck_assert_int_eq(bias[1], 200 + 21);
    ck_assert_int_eq(bias[2], 300 + 630);

    /* The one-row kernel's quads: with three pairs over four inputs,
       pairs 0 and 1 take turns within the step (E0 O0 E1 O1), pair 2
       stands alone. Row r holds r * 4 + k - 8 at input k. */
    int8_t w6[24], q[24];
    for (int r = 0; r < 6; r++)
        for (int k = 0; k < 4; k++)
            w6[r * 4 + k] = (int8_t)(r * 4 + k - 8);
    mcn_k_conv_params f = layer(1, 4, 6, w6);
    int32_t b6[6] = {0};
    kernel_named("fc_s8_smlad_paired")->layout(&f, q, b6);
    for (int g = 0; g < 3; g++) {
        /* Group g's pair: rows 2g (low) and 2g + 1 (high). */
        const uint8_t *e = (const uint8_t *)q + 8 * g;
        for (int i = 0; i < 4; i++) {
            const int k = (i / 2) + (i % 2) * 2;   /* E: k0 k2, O: k1 k3 */
            ck_assert_int_eq(e[2 * i], (uint8_t)(w6[2 * g * 4 + k] + 128));
            ck_assert_int_eq((int8_t)e[2 * i + 1], w6[(2 * g + 1) * 4 + k]);
        }
    }
}
END_TEST

START_TEST(lanes_give_both_sums)
{
    /* w_l = {1, -2}, w_h = {-1, 2}, x = {3, 4}: A_l = 3 - 8 = -5, A_h = -3
       + 8 = 5, S = 7. Lanes 256 * w_h + w_l + 128: -256 + 129 = -127 and
       512 + 126 = 638. R = -127 * 3 + 638 * 4 = 2171, U = 129 * 3 + 126
       * 4 = 891: U - 128 * S = -5 = A_l, (R - U) / 256 = 5 = A_h. */
    const uint32_t lanes = mcn_pack16(-127, 638), x = mcn_pack16(3, 4);
    const int32_t r = mcn_smlad(lanes, x, 0);
    const int32_t u = mcn_smlad(mcn_uxtb16(lanes), x, 0);
    ck_assert_int_eq(r, 2171);
    ck_assert_int_eq(u, 891);
    ck_assert_int_eq(u - 128 * 7, -5);
    ck_assert_int_eq(mcn_asr(r - u, 8), 5);
}
END_TEST

/* ---- both kernels against the reference, shape by shape ---- */

typedef struct {
    int32_t pixels, depth, out_c;
    int per_channel;
    int slow;        /* one channel's shift the fast requantization refuses */
    int clamp;       /* an act range narrower than int8 */
    int extreme;     /* every x and w at -128: the largest A_h */
    int wrap;        /* biases near INT32_MIN / MAX: sums that wrap */
} layer_shape;

/* Kernel k on layer s: the reference's bytes, in scratch of exactly the
   size it asks for. Returns the outputs that did not saturate. */
static int check_layer(const mcn_conv_kernel *k, const layer_shape *s)
{
    const size_t nx = (size_t)s->pixels * s->depth,
                 nw = (size_t)s->out_c * s->depth,
                 ny = (size_t)s->pixels * s->out_c;
    int8_t *x = malloc(nx), *w = malloc(nw), *lw = malloc(nw);
    int8_t *ref = malloc(ny), *got = malloc(ny);
    int32_t *bias = malloc((size_t)s->out_c * 4), *lb = malloc(
        (size_t)s->out_c * 4);
    int32_t *m = malloc((size_t)s->out_c * 4), *sh = malloc(
        (size_t)s->out_c * 4);
    ck_assert(x && w && lw && ref && got && bias && lb && m && sh);
    for (size_t i = 0; i < nx; i++)
        x[i] = s->extreme ? -128 : (int8_t)pick(-128, 127);
    for (size_t i = 0; i < nw; i++)
        w[i] = s->extreme ? -128 : (int8_t)pick(-128, 127);
    /* A shift that keeps most outputs inside int8: the sums' spread
       grows as sqrt(depth). */
    int bits = 0;
    while ((1 << bits) < s->depth)
        bits++;
    const int e = s->extreme ? 20 : 9 + bits / 2;
    const int32_t nrq = s->per_channel ? s->out_c : 1;
    for (int32_t c = 0; c < s->out_c; c++) {
        bias[c] = s->wrap ? (c % 2 ? INT32_MAX - pick(0, 9)
                                   : INT32_MIN + pick(0, 9))
                          : pick(-5000, 5000);
        m[c] = (int32_t)((1u << 30) | (next() >> 2));
        sh[c] = -e;
    }
    if (s->per_channel && s->out_c > 2)
        m[1] = sh[1] = 0;              /* QuantizeMultiplier's for 0 */
    if (s->slow)
        sh[nrq - 1] = pick(-1, 1);
    mcn_k_conv_params p = layer(s->pixels, s->depth, s->out_c, w);
    p.input_offset = pick(-127, 128);
    p.output_offset = pick(-20, 20);
    p.act_min = s->clamp ? -100 : -128;
    p.act_max = s->clamp ? 90 : 127;
    p.rq = (mcn_k_requant){m, sh, nrq};
    p.input_data = x;
    p.bias = bias;
    p.output_data = ref;
    mcn_k_conv_s8(&p);

    ck_assert_msg(k->applies(&p), "%s does not take %d x %d -> %d", k->name,
                  (int)s->pixels, (int)s->depth, (int)s->out_c);
    memcpy(lw, w, nw);
    memcpy(lb, bias, (size_t)s->out_c * 4);
    k->layout(&p, lw, lb);
    mcn_k_conv_params q = p;
    q.filter_data = lw;
    q.bias = lb;
    const uint32_t need = k->scratch_bytes ? k->scratch_bytes(&p) : 0;
    q.scratch = need ? malloc(need) : NULL;
    ck_assert(!need || q.scratch);
    memset(got, 0x5a, ny);
    q.output_data = got;
    k->run(&q);
    int inside = 0;
    for (size_t i = 0; i < ny; i++) {
        ck_assert_msg(got[i] == ref[i], "%s, %d pixels x %d -> %d (%s%s%s%s"
                      "%s): output %zu is %d, the reference says %d",
                      k->name, (int)s->pixels, (int)s->depth, (int)s->out_c,
                      s->per_channel ? "per channel" : "per tensor",
                      s->slow ? ", slow" : "", s->clamp ? ", clamp" : "",
                      s->extreme ? ", extreme" : "", s->wrap ? ", wrap" : "",
                      i, got[i], ref[i]);
        inside += ref[i] > p.act_min && ref[i] < p.act_max;
    }
    free(q.scratch);
    free(x);
    free(w);
    free(lw);
    free(ref);
    free(got);
    free(bias);
    free(lb);
    free(m);
    free(sh);
    return inside;
}

/* Depths around every boundary the kernels have: 4-channel steps, the
   4-step turns, the 256-channel chunks (and 511, past which one chunk's
   A_h could overflow). */
static const int32_t depths[] = {1, 2, 3, 4, 5, 7, 8, 12, 16, 20, 63, 64,
                                 255, 256, 257, 259, 511, 512, 513, 640};
#define N_DEPTHS (int)(sizeof depths / sizeof depths[0])

static void sweep(const char *name, const int32_t *pixel_counts, int n_px)
{
    const mcn_conv_kernel *k = kernel_named(name);
    lcg = 2024;
    int n = 0, inside = 0, total = 0;
    for (int a = 0; a < n_px; a++)
        for (int d = 0; d < N_DEPTHS; d++)
            for (int32_t out_c = 1; out_c <= 9; out_c++, n++) {
                layer_shape s = {pixel_counts[a], depths[d], out_c, n % 4 != 0,
                           n % 7 == 3, n % 5 == 2, 0, n % 11 == 5};
                inside += check_layer(k, &s);
                total += (int)(s.pixels * s.out_c);
            }
    /* Most outputs carry information: the comparisons mean something. */
    ck_assert_int_gt(inside, total / 2);
    /* The largest sums: every product +2^14, A_h = depth * 2^14, across
       the chunk edges. */
    for (int d = 0; d < N_DEPTHS; d++) {
        layer_shape s = {pixel_counts[0], depths[d], 4, 1, 0, 0, 1, 0};
        check_layer(k, &s);
    }
}

START_TEST(conv_matches_reference)
{
    static const int32_t px[3] = {2, 3, 5};
    sweep("conv_1x1_s8_smlad_paired", px, 3);
}
END_TEST

START_TEST(fc_matches_reference)
{
    static const int32_t px[1] = {1};
    sweep("fc_s8_smlad_paired", px, 1);
}
END_TEST

START_TEST(pixel_counts_pick_the_kernel)
{
    int8_t w[8] = {0};
    int32_t m = 1 << 30, sh = -8;
    mcn_k_conv_params p = layer(1, 4, 2, w);
    p.rq = (mcn_k_requant){&m, &sh, 1};
    ck_assert_str_eq(mcn_conv_kernel_get(mcn_conv_kernel_choose(
                         &p, MCN_KOP_FC, MCN_TARGET_CORTEX_M4))->name,
                     "fc_s8_smlad_paired");
    p.input.w = p.output.w = 2;
    ck_assert_str_eq(mcn_conv_kernel_get(mcn_conv_kernel_choose(
                         &p, MCN_KOP_CONV, MCN_TARGET_CORTEX_M4))->name,
                     "conv_1x1_s8_smlad_paired");
    /* Neither where a multiplier is negative (mcn_rq_fast's premise),
       nor off DSP cores. */
    m = -5;
    ck_assert_int_eq(mcn_conv_kernel_choose(&p, MCN_KOP_CONV,
                                            MCN_TARGET_CORTEX_M4), 0);
    m = 1 << 30;
    ck_assert_int_eq(mcn_conv_kernel_choose(&p, MCN_KOP_CONV,
                                            MCN_TARGET_CORTEX_M3), 0);
}
END_TEST

/* ---- mcn_init refuses them where they do not apply ---- */

/* x [1,1,2,4] -> 1x1 CONV_2D (2 filters) -> y [1,1,2,2], packed for the
   Cortex-M4: two pixels, so the packer names conv_1x1_s8_smlad_paired
   (and packing it again, as tm_expect_refusals does, keeps it). */
static void build_conv(graph *g)
{
    graph_init(g);
    static const int32_t s_x[4] = {1, 1, 2, 4}, s_y[4] = {1, 1, 2, 2},
                         s_w[4] = {2, 1, 1, 4};
    static const int8_t wv[8] = {1, 2, 3, 4, -1, 0, 1, -2};
    int x = tm_int8(g, "x", 4, s_x, 0.5f, 3, NULL, 0);
    int y = tm_int8(g, "y", 4, s_y, 1.0f, -1, NULL, 0);
    int w = tm_int8(g, "w", 4, s_w, 0.25f, 0, wv, sizeof wv);
    tm_node(g, MCN_OP_CONV_2D, x, w, y);
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = y;
    mcn_err e = {0};
    pack_opts o = {.keep_names = false, .target = MCN_TARGET_CORTEX_M4};
    ck_assert_msg(pack_graph(g, &o, &e) == 0, "%s", e.msg);
}

static void name_fc_kernel(graph *g)
{
    g->nodes[0].kernel = kernel_id("fc_s8_smlad_paired");
}

static void shrink_scratch(graph *g)
{
    g->nodes[0].scratch_bytes -= 4;
}

static void unknown_kernel(graph *g)
{
    g->nodes[0].kernel = 200;
}

START_TEST(init_refuses_where_they_do_not_apply)
{
    graph g;
    build_conv(&g);
    ck_assert_uint_eq(g.nodes[0].kernel, kernel_id("conv_1x1_s8_smlad_paired"));
    ck_assert_uint_gt(g.nodes[0].scratch_bytes, 0);
    graph_free(&g);
    /* The one-row kernel on two pixels; scratch smaller than asked;
       a kernel the engine does not have. */
    static const tm_refusal cases[] = {
        {name_fc_kernel, MCN_ERR_MODEL, 0},
        {shrink_scratch, MCN_ERR_MODEL, 0},
        {unknown_kernel, MCN_ERR_MODEL, 0},
    };
    tm_expect_refusals(build_conv, cases, sizeof cases / sizeof cases[0]);
}
END_TEST

/* ---- on the emulated Cortex-M4 ---- */

/* A chain of int8 layers over `pixels` pixels (FULLY_CONNECTED over
   `pixels` rows when fc), channels chans[0] -> chans[1] -> ..., random
   weights, per-channel scales on every other layer, a RELU6 whose range
   is narrower than int8 on one. */
static void build_chain(graph *g, int fc, int32_t pixels, const int32_t *chans,
                        int n)
{
    graph_init(g);
    int32_t dims[4] = {1, 1, pixels, chans[0]};
    int32_t fshape[2] = {pixels, chans[0]};
    float sx = 0.05f;
    int x = tm_int8(g, "x", fc ? 2 : 4, fc ? fshape : dims, sx, -3, NULL, 0);
    g->inputs[g->n_inputs++] = x;
    for (int i = 1; i < n; i++) {
        const int32_t in_c = chans[i - 1], out_c = chans[i];
        int32_t ws4[4] = {out_c, 1, 1, in_c}, ws2[2] = {out_c, in_c};
        int32_t bs[1] = {out_c};
        dims[3] = out_c;
        fshape[1] = out_c;
        /* An output scale that spreads the sums over int8 (their spread
           is about 73 * 64 * sqrt(in_c) steps of sx * 0.0075); RELU6 on
           [0, 6] at 0.05 clamps at 6 / 0.05 - 128 = -8. */
        const int relu6 = i == 2;
        const float sy = relu6 ? 0.05f
                               : sx * 0.0075f * 110.0f * sqrtf((float)in_c);
        int y = tm_int8(g, NULL, fc ? 2 : 4, fc ? fshape : dims, sy,
                        relu6 ? -128 : (int32_t)pick(-5, 5), NULL, 0);
        int8_t *wv = malloc((size_t)out_c * in_c);
        int32_t *bv = malloc((size_t)out_c * 4);
        float *scales = malloc((size_t)out_c * sizeof *scales);
        float *bscales = malloc((size_t)out_c * sizeof *bscales);
        int32_t *zps = calloc((size_t)out_c, 4);
        ck_assert(wv && bv && scales && bscales && zps);
        for (int32_t k = 0; k < out_c * in_c; k++)
            wv[k] = (int8_t)pick(-127, 127);
        const int per_channel = i % 2;
        for (int32_t c = 0; c < out_c; c++) {
            scales[c] = per_channel ? 0.005f + 0.0001f * (float)(c % 50)
                                    : 0.01f;
            bscales[c] = scales[c] * sx;
            bv[c] = pick(-3000, 3000);
        }
        int w = graph_add_tensor(g, NULL, MCN_DT_INT8, fc ? 2 : 4,
                                 fc ? ws2 : ws4);
        graph_set_quant(g, w, per_channel ? out_c : 1, scales, zps, 0);
        graph_set_data(g, w, wv, (size_t)out_c * in_c);
        int b = graph_add_tensor(g, NULL, MCN_DT_INT32, 1, bs);
        graph_set_quant(g, b, per_channel ? out_c : 1, bscales, zps, 0);
        graph_set_data(g, b, bv, (size_t)out_c * 4);
        int node = tm_node(g, fc ? MCN_OP_FULLY_CONNECTED : MCN_OP_CONV_2D,
                           x, w, y);
        graph_node_add_input(g, node, b);
        if (relu6)
            g->nodes[node].act = MCN_ACT_RELU6;
        free(wv);
        free(bv);
        free(scales);
        free(bscales);
        free(zps);
        x = y;
        sx = sy;
    }
    g->outputs[g->n_outputs++] = x;
}

/* The chain packed for the reference and for the Cortex-M4: mcn-run of
   the first and mcn-sim of the second give the same bytes for three
   random samples, and the M4 packing uses the paired kernels (and, over
   one row, fc_s8_smlad_wide where its scratch would set the peak). */
static void chain_on_qemu(int fc, int32_t pixels, const int32_t *chans,
                          int n, uint32_t seed)
{
    char *dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    char ref[600], m4[600], xin[600], a[600], b[600];
    snprintf(ref, sizeof ref, "%s/ref.mcn", dir);
    snprintf(m4, sizeof m4, "%s/m4.mcn", dir);
    snprintf(xin, sizeof xin, "%s/x.npy", dir);
    snprintf(a, sizeof a, "%s/run.npy", dir);
    snprintf(b, sizeof b, "%s/sim.npy", dir);
    mcn_err e = {0};
    const mcn_target targets[2] = {MCN_TARGET_REFERENCE,
                                   MCN_TARGET_CORTEX_M4};
    const char *paths[2] = {ref, m4};
    for (int t = 0; t < 2; t++) {
        graph g;
        lcg = seed;
        build_chain(&g, fc, pixels, chans, n);
        pack_opts o = {.keep_names = false, .target = targets[t]};
        ck_assert_msg(pack_graph(&g, &o, &e) == 0, "%s", e.msg);
        int paired = 0, wide = 0;
        for (int i = 0; i < g.n_nodes; i++) {
            const char *k = g.nodes[i].kernel
                                ? mcn_conv_kernel_get(g.nodes[i].kernel)->name
                                : "";
            paired += strstr(k, "paired") != NULL;
            wide += strcmp(k, "fc_s8_smlad_wide") == 0;
        }
        /* Where a row's widened copy sets the peak, the one-row kernel
           with widened weights in flash instead (pack_kernels.c). */
        ck_assert_int_eq(paired + wide, t ? n - 1 : 0);
        ck_assert(paired > 0 || !t);
        ck_assert(wide > 0 || !t || pixels > 1);
        ck_assert_msg(graph_save_file(&g, paths[t], &e) == 0, "%s", e.msg);
        graph_free(&g);
    }
    const size_t per = (size_t)pixels * chans[0];
    int8_t *q = malloc(3 * per);
    ck_assert_ptr_nonnull(q);
    for (size_t i = 0; i < 3 * per; i++)
        q[i] = (int8_t)pick(-128, 127);
    npy_array x = {NPY_I8, fc ? 3 : 5, {3, 1, 1, pixels, chans[0]}, q,
                   3 * per};
    if (fc) {
        x.shape[1] = pixels;
        x.shape[2] = chans[0];
    }
    ck_assert_int_eq(npy_save(xin, &x, &e), 0);
    free(q);
    char cmd[4096], *err = NULL;
    snprintf(cmd, sizeof cmd, TU_BIN("mcn-run") " '%s' '%s' --raw -o '%s'",
             ref, xin, a);
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd, TU_BIN("mcn-sim") " '%s' '%s' --raw -o '%s'",
             m4, xin, b);
    int rc = tu_run(cmd, NULL, &err);
    ck_assert_msg(rc == 0, "mcn-sim: %s", err);
    free(err);
    size_t la = 0, lb = 0;
    uint8_t *pa = tu_read_file(a, &la), *pb = tu_read_file(b, &lb);
    ck_assert(pa && pb && la == lb && la > 128);
    ck_assert_msg(memcmp(pa, pb, la) == 0, "QEMU's bytes differ from the "
                  "reference packing's");
    free(pa);
    free(pb);
    tu_rmdir(dir);
}

START_TEST(qemu_conv_chains)
{
    /* Odd and even pixel counts; depths with tails, odd channel counts,
       steps of every residue modulo 4, 256 (one chunk) and past it. */
    static const int32_t c1[] = {3, 8, 16, 7, 12, 64, 260, 5, 256, 9, 1, 4,
                                 20, 13};
    chain_on_qemu(0, 5, c1, (int)(sizeof c1 / sizeof c1[0]), 11);
    static const int32_t c2[] = {16, 32, 8, 48, 128, 2, 6, 44};
    chain_on_qemu(0, 4, c2, (int)(sizeof c2 / sizeof c2[0]), 12);
}
END_TEST

START_TEST(qemu_fc_chains)
{
    /* One row (the matrix-vector kernel, quads, chunks of 256) and three
       rows (the pixel-pair kernel). */
    static const int32_t c1[] = {13, 640, 128, 7, 300, 9, 516, 2, 12, 24,
                                 20, 8};
    chain_on_qemu(1, 1, c1, (int)(sizeof c1 / sizeof c1[0]), 21);
    static const int32_t c2[] = {64, 128, 10, 33, 4};
    chain_on_qemu(1, 3, c2, (int)(sizeof c2 / sizeof c2[0]), 22);
}
END_TEST

Suite *suite_kernel_paired(void)
{
    Suite *s = suite_create("kernel_paired");
    TCase *tc = tcase_create("kernel_paired");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, arch_helpers);
    tcase_add_test(tc, rq_fast_is_tflms_rounding);
    tcase_add_test(tc, layout_by_hand);
    tcase_add_test(tc, lanes_give_both_sums);
    tcase_add_test(tc, conv_matches_reference);
    tcase_add_test(tc, fc_matches_reference);
    tcase_add_test(tc, pixel_counts_pick_the_kernel);
    tcase_add_test(tc, init_refuses_where_they_do_not_apply);
    suite_add_tcase(s, tc);
    TCase *qemu = tcase_create("qemu");
    tcase_set_timeout(qemu, 300);
    tcase_add_test(qemu, qemu_conv_chains);
    tcase_add_test(qemu, qemu_fc_chains);
    suite_add_tcase(s, qemu);
    return s;
}
