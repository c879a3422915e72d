/* test_conv_smlad.c: the im2col SMLAD convolutions (conv_s8_first_smlad,
   conv_s8_im2col_smlad; engine/kernels/conv_smlad.h): mcn_arch.h's
   portable SXTAB16, SMMULR, SMMLAR and SSAT worked by hand; the
   requantization's rounding at its ties, by hand, against TFLM's rule;
   the K order the weights are permuted to; when the kernels refuse to
   apply and when mcn_init refuses a model naming them; and, on QEMU, two
   chains of layers covering the assembly's paths (the first-layer kernel,
   the last quad stepping back, leftovers, the aligned LDM fill, edges,
   dilation, the non-int8 clamp, a shift >= 0) against the reference
   kernels' bytes on the host. test_kernel_variants runs them on random
   layers too. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "graph_io.h"
#include "mcn_arch.h"
#include "mcn_internal.h"
#include "npy.h"
#include "pack.h"
#include "test_tflite_util.h"
#include "testutil.h"

/* SXTAB16 adds bytes 0 and 2 (or 1 and 3) to the halves, each modulo
   2^16: x = 0x80FF7F01 has bytes 1, 127, -1, -128. a = (3, 5):
   even: 3 + 1 = 4, 5 + -1 = 4; odd: 3 + 127 = 130, 5 - 128 = -123
   (0xFF85); a = (0xFFFF, 0x7FFF) + (1, -1) wraps to (0, 0x7FFE). */
START_TEST(arch_portable_forms)
{
    ck_assert_uint_eq(mcn_sxtab16(0x00050003u, 0x80FF7F01u), 0x00040004u);
    ck_assert_uint_eq(mcn_sxtab16_ror8(0x00050003u, 0x80FF7F01u),
                      0xFF850082u);
    ck_assert_uint_eq(mcn_sxtab16(0x7FFFFFFFu, 0x00FF0001u), 0x7FFE0000u);
    /* SMMULR: (a * b + 2^31) >> 32, floor. 2^30 * 2^30 = 2^60: 2^28.
       -3 * (2^31 - 1) + 2^31 = -2^32 + 3: -1. 3 * 2^30 + 2^31 =
       2^32 + 2^30: 1; 1 * 2^31 - 1 (rounds down): 0. */
    ck_assert_int_eq(mcn_smmulr(1 << 30, 1 << 30), 1 << 28);
    ck_assert_int_eq(mcn_smmulr(-3, INT32_MAX), -1);
    ck_assert_int_eq(mcn_smmulr(3, 1 << 30), 1);
    ck_assert_int_eq(mcn_smmulr(1, INT32_MAX), 0);
    ck_assert_int_eq(mcn_smmulr(-1, INT32_MAX), 0);
    /* SMMLAR adds its accumulator to the same high word, wrapping. */
    ck_assert_int_eq(mcn_smmlar(1 << 30, 1 << 30, 5), (1 << 28) + 5);
    ck_assert_int_eq(mcn_smmlar(-3, INT32_MAX, INT32_MIN), INT32_MAX);
    ck_assert_int_eq(mcn_ssat8(200), 127);
    ck_assert_int_eq(mcn_ssat8(-129), -128);
    ck_assert_int_eq(mcn_ssat8(-7), -7);
}
END_TEST

static mcn_k_dims dims(int32_t n, int32_t h, int32_t w, int32_t c)
{
    mcn_k_dims d = {n, h, w, c};
    return d;
}

static const mcn_conv_kernel *kernel_named(const char *name)
{
    for (uint8_t id = 1; mcn_conv_kernel_get(id); id++)
        if (strcmp(mcn_conv_kernel_get(id)->name, name) == 0)
            return mcn_conv_kernel_get(id);
    ck_abort_msg("no kernel %s", name);
    return NULL;
}

/* Kernel k on p (its layout, its scratch) into out. */
static void run_named(const char *name, const mcn_k_conv_params *p,
                      int8_t *out)
{
    const mcn_conv_kernel *k = kernel_named(name);
    ck_assert(k->applies(p));
    size_t nw = (size_t)p->filter.n * (size_t)p->filter.h *
                (size_t)p->filter.w * (size_t)p->filter.c;
    /* The layout may be larger (the first-layer kernel's widened copy). */
    int8_t *w = malloc(mcn_conv_kernel_weight_bytes(k, p));
    int32_t *b = calloc((size_t)p->output.c, sizeof *b);
    ck_assert(w && b);
    memcpy(w, p->filter_data, nw);
    if (p->bias)
        memcpy(b, p->bias, (size_t)p->output.c * sizeof *b);
    mcn_k_conv_params q = *p;
    if (k->layout)
        k->layout(p, w, b);
    q.filter_data = w;
    q.bias = b;
    q.scratch = malloc(k->scratch_bytes(p));
    ck_assert_ptr_nonnull(q.scratch);
    q.output_data = out;
    k->run(&q);
    free(q.scratch);
    free(w);
    free(b);
}

/* Three pixels (x = (v0, v1, 0, 0)) through a 1x1 filter over four
   channels, picking v0 for channel 0 and v1 for channel 1, zero points
   0, no bias. Channel 0: multiplier 2^30 (1/2), shift -1; TFLM's
   SaturatingRoundingDoublingHighMul gives floor((x + 1) / 2) for a sum
   x there (ties up: its nudge), then RoundingDivideByPOT(., 1) halves
   again, ties away from 0:
       x = -1: h = 0, 0 / 2 = 0      (h = 0 with x < 0: the case where the
                                      kernel subtracts (x < 0), not (h < 0))
       x = -3: h = -1, -1/2 -> -1    (a tie below 0: away from 0)
       x =  1: h = 1, 1/2 -> 1       (a tie above 0)
   Channel 1: multiplier 2^30, shift +1: no right shift; x doubled first:
       5 -> 10: (10 + 1) / 2 = 5.5, floored: 5;  -7 -> -14: -6.5 -> -7;
       -8 -> -16: -7.5 -> -8. */
START_TEST(requant_ties_by_hand)
{
    static const int8_t x[12] = {-1, 5, 0, 0, -3, -7, 0, 0, 1, -8, 0, 0};
    static const int8_t w[8] = {1, 0, 0, 0, 0, 1, 0, 0};
    static const int32_t mult[2] = {1 << 30, 1 << 30}, shift[2] = {-1, 1};
    static const int8_t want[6] = {0, 5, -1, -7, 1, -8};
    mcn_k_conv_params p;
    memset(&p, 0, sizeof p);
    p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = 1;
    p.groups = p.depth_multiplier = 1;
    p.act_min = -128;
    p.act_max = 127;
    p.rq = (mcn_k_requant){mult, shift, 2};
    p.input = dims(1, 1, 3, 4);
    p.input_data = x;
    p.filter = dims(2, 1, 1, 4);
    p.filter_data = w;
    p.output = dims(1, 1, 3, 2);
    int8_t ref[6], got[6];
    p.output_data = ref;
    mcn_k_conv_s8(&p);
    ck_assert_mem_eq(ref, want, sizeof want);
    memset(got, 0x55, sizeof got);
    run_named("conv_s8_im2col_smlad", &p, got);
    ck_assert_mem_eq(got, want, sizeof want);
}
END_TEST

/* 3x3 filter over 3 channels: each filter row is 9 bytes, two whole
   quads and one leftover; the K order is the rows' quads, then the three
   leftovers: 0..7, 9..16, 18..25, 8, 17, 26. After the rows (54 bytes, to
   56), each channel's requantization and bias. */
START_TEST(layout_for_three_channels)
{
    int8_t w[2 * 27];
    uint32_t got32[(56 + 2 * 20) / 4];
    int8_t *got = (int8_t *)got32;
    for (int i = 0; i < 2 * 27; i++)
        w[i] = (int8_t)i;
    mcn_k_conv_params p;
    memset(&p, 0, sizeof p);
    p.filter = dims(2, 3, 3, 3);
    p.filter_data = w;
    p.input = dims(1, 5, 5, 3);
    p.output = dims(1, 3, 3, 2);
    int32_t bias[2] = {7, -7}, mult = 1 << 30, shift = -3;
    p.bias = bias;
    p.rq.multiplier = &mult;
    p.rq.shift = &shift;
    p.rq.count = 1;
    p.output_offset = 5;
    const mcn_conv_kernel *k = kernel_named("conv_s8_im2col_smlad");
    ck_assert_uint_eq(mcn_conv_kernel_weight_bytes(k, &p), sizeof got32);
    k->layout(&p, got, bias);
    for (int o = 0; o < 2; o++) {
        int32_t e[5];
        memcpy(e, got + 56 + 20 * o, sizeof e);
        /* m, left + 1, right, 2^(right-1) + offset * 2^right, bias */
        ck_assert_int_eq(e[0], 1 << 30);
        ck_assert_int_eq(e[1], 1);
        ck_assert_int_eq(e[2], 3);
        ck_assert_int_eq(e[3], 4 + 5 * 8);
        ck_assert_int_eq(e[4], bias[o]);
    }
    static const int8_t order[27] = {0,  1,  2,  3,  4,  5,  6,  7,  9,
                                     10, 11, 12, 13, 14, 15, 16, 18, 19,
                                     20, 21, 22, 23, 24, 25, 8,  17, 26};
    for (int o = 0; o < 2; o++)
        for (int i = 0; i < 27; i++)
            ck_assert_int_eq(got[o * 27 + i], 27 * o + order[i]);
    ck_assert_int_eq(bias[0], 7);   /* the bias stays the graph's */
    ck_assert_int_eq(bias[1], -7);
}
END_TEST

/* Padding wider than the filter: whole windows, or their rows, or runs
   of taps, fall in it (the fill's edge paths, with 1, 3, 4 and 5
   channels, dilated or not): the reference kernel's bytes. */
START_TEST(windows_in_the_padding)
{
    static const int32_t cins[4] = {1, 3, 4, 5};
    for (int t = 0; t < 8; t++) {
        const int32_t cin = cins[t % 4], dil = t < 4 ? 1 : 2;
        int8_t x[3 * 4 * 5], w[3 * 2 * 2 * 5], ref[9 * 11 * 3], got[9 * 11 * 3];
        for (size_t i = 0; i < sizeof x; i++)
            x[i] = (int8_t)(37 * i + 11);
        for (size_t i = 0; i < sizeof w; i++)
            w[i] = (int8_t)(53 * i - 70);
        const int32_t bias[3] = {100, -2000, 7};
        const int32_t mult[1] = {1 << 30}, shift[1] = {-5};
        mcn_k_conv_params p;
        memset(&p, 0, sizeof p);
        p.stride_h = 1;
        p.stride_w = 2;
        p.dilation_h = p.dilation_w = dil;
        p.groups = p.depth_multiplier = 1;
        p.pad_top = 4;
        p.pad_left = 5;
        p.input_offset = 9;
        p.output_offset = -3;
        p.act_min = -100;
        p.act_max = 90;
        p.rq = (mcn_k_requant){mult, shift, 1};
        p.input = dims(1, 3, 4, cin);
        p.input_data = x;
        p.filter = dims(3, 2, 2, cin);
        p.filter_data = w;
        p.bias = bias;
        /* Pads 4 / 5 before and 3 / 4 after: (3 + 7 - span) + 1 rows,
           (4 + 9 - span) / 2 + 1 columns. */
        const int32_t span = dil + 1;
        p.output = dims(1, 3 + 7 - span + 1, (4 + 9 - span) / 2 + 1, 3);
        const size_t n = (size_t)(p.output.h * p.output.w * 3);
        p.output_data = ref;
        mcn_k_conv_s8(&p);
        if (cin <= 3) {
            memset(got, 0x55, sizeof got);
            run_named("conv_s8_first_smlad", &p, got);
            ck_assert_mem_eq(got, ref, n);
        }
        memset(got, 0x55, sizeof got);
        run_named("conv_s8_im2col_smlad", &p, got);
        ck_assert_mem_eq(got, ref, n);
    }
}
END_TEST

/* When they must not apply: what their checks guard (the sums' bound,
   the right shift the output offset is folded into, K >= 4 for the last
   quad's step back, one group) and the first-layer kernel's own limits. */
START_TEST(applies_only_where_exact)
{
    static int8_t w[64 * 147];
    for (size_t i = 0; i < sizeof w; i++)
        w[i] = (int8_t)(i % 2 ? -127 : 127);
    int32_t bias[64] = {0}, mult[64], shift[64];
    for (int i = 0; i < 64; i++) {
        mult[i] = 1 << 30;
        shift[i] = -8;
    }
    mcn_k_conv_params p;
    memset(&p, 0, sizeof p);
    p.groups = 1;
    p.rq = (mcn_k_requant){mult, shift, 4};
    p.input = dims(1, 8, 8, 3);
    p.filter = dims(4, 3, 3, 3);
    p.output = dims(1, 6, 6, 4);
    p.filter_data = w;
    p.bias = bias;
    const mcn_conv_kernel *first = kernel_named("conv_s8_first_smlad");
    const mcn_conv_kernel *gen = kernel_named("conv_s8_im2col_smlad");
    ck_assert(first->applies(&p) && gen->applies(&p));
    /* |bias| + 255 * sum |w| must stay below 2^30: sum |w| = 27 * 127. */
    bias[2] = (1 << 30) - 255 * 27 * 127;
    ck_assert(!first->applies(&p) && !gen->applies(&p));
    bias[2] = (1 << 30) - 255 * 27 * 127 - 1;
    ck_assert(first->applies(&p) && gen->applies(&p));
    /* ... below 2^(30 - left) with a left shift. */
    shift[2] = 1;
    ck_assert(!gen->applies(&p));
    shift[2] = -8;
    bias[2] = 0;
    shift[1] = -22;
    ck_assert(gen->applies(&p));
    shift[1] = -23;
    ck_assert(!gen->applies(&p));
    shift[1] = -8;
    mult[3] = -1;
    ck_assert(!gen->applies(&p));
    mult[3] = 1 << 30;
    p.groups = 3;
    ck_assert(!gen->applies(&p));
    p.groups = 1;
    p.filter = dims(4, 1, 1, 3);
    p.output = dims(1, 8, 8, 4);
    ck_assert(!gen->applies(&p));   /* K = 3 */
    /* The first-layer kernel: at most 3 channels in, 8 KiB widened. */
    p.input = dims(1, 8, 8, 4);
    p.filter = dims(4, 3, 3, 4);
    p.output = dims(1, 6, 6, 4);
    ck_assert(!first->applies(&p) && gen->applies(&p));
    p.input = dims(1, 8, 8, 3);
    p.filter = dims(28, 7, 7, 3);
    p.output = dims(1, 2, 2, 28);
    p.rq.count = 28;
    ck_assert(!first->applies(&p));   /* 28 * 37 quads * 8 = 8288 */
    ck_assert(gen->applies(&p));
    p.filter = dims(27, 7, 7, 3);
    p.output = dims(1, 2, 2, 27);
    p.rq.count = 27;
    ck_assert(first->applies(&p));    /* 27 * 37 * 8 = 7992 */
}
END_TEST

/* ---- on the chip ---- */

static uint32_t seed;

static int8_t rnd8(void)
{
    seed = seed * 1103515245u + 12345u;
    return (int8_t)(seed >> 23);
}

typedef struct {
    int32_t out_c, kh, kw, sh, sw, dh, dw;
    int32_t pad[4];                 /* top, left, bottom, right */
    mcn_activation act;
    float w_scale, out_scale;       /* first channel's weight scale */
    int32_t out_zp;
    int wmax;                       /* weights in [-wmax, wmax] */
    const char *kernel;             /* what cortex-m4 must choose */
} layer;

/* Layer l after tensor x (NHWC dims in *d, updated): random weights,
   per-channel scales, a bias; returns the output tensor. */
static int add_layer(graph *g, int x, int32_t *d, const layer *l)
{
    const int32_t cin = d[3];
    int32_t ws[4] = {l->out_c, l->kh, l->kw, cin}, bs[1] = {l->out_c};
    int32_t os[4] = {1, 0, 0, l->out_c};
    os[1] = (d[1] + l->pad[0] + l->pad[2] - ((l->kh - 1) * l->dh + 1)) /
                l->sh + 1;
    os[2] = (d[2] + l->pad[1] + l->pad[3] - ((l->kw - 1) * l->dw + 1)) /
                l->sw + 1;
    size_t nw = (size_t)l->out_c * (size_t)(l->kh * l->kw * cin);
    int8_t *wv = malloc(nw);
    int32_t *bv = malloc((size_t)l->out_c * sizeof *bv);
    float *sc = malloc((size_t)l->out_c * sizeof *sc);
    ck_assert(wv && bv && sc);
    for (size_t i = 0; i < nw; i++)
        wv[i] = (int8_t)(rnd8() % (l->wmax + 1));
    for (int32_t c = 0; c < l->out_c; c++) {
        bv[c] = 30 * rnd8();
        sc[c] = l->w_scale * (1.0f + 0.03f * (float)c);
    }
    int w = graph_add_tensor(g, NULL, MCN_DT_INT8, 4, ws);
    graph_set_data(g, w, wv, nw);
    graph_set_quant(g, w, l->out_c, sc, NULL, 0);
    int b = graph_add_tensor(g, NULL, MCN_DT_INT32, 1, bs);
    graph_set_data(g, b, bv, (size_t)l->out_c * sizeof *bv);
    int y = graph_add_tensor(g, NULL, MCN_DT_INT8, 4, os);
    graph_set_quant(g, y, 1, &l->out_scale, &l->out_zp, 0);
    int n = graph_add_node(g, MCN_OP_CONV_2D, NULL);
    graph_node_add_input(g, n, x);
    graph_node_add_input(g, n, w);
    graph_node_add_input(g, n, b);
    graph_node_add_output(g, n, y);
    graph_node *nd = &g->nodes[n];
    nd->stride_h = l->sh;
    nd->stride_w = l->sw;
    nd->dilation_h = l->dh;
    nd->dilation_w = l->dw;
    nd->pad_top = l->pad[0];
    nd->pad_left = l->pad[1];
    nd->pad_bottom = l->pad[2];
    nd->pad_right = l->pad[3];
    nd->groups = 1;
    nd->act = l->act;
    free(wv);
    free(bv);
    free(sc);
    memcpy(d, os, sizeof os);
    return y;
}

static void build_chain(graph *g, const int32_t *in, float in_scale,
                        int32_t in_zp, const layer *ls, int n)
{
    graph_init(g);
    int32_t d[4];
    memcpy(d, in, sizeof d);
    int x = graph_add_tensor(g, "x", MCN_DT_INT8, 4, in);
    graph_set_quant(g, x, 1, &in_scale, &in_zp, 0);
    g->inputs[g->n_inputs++] = x;
    int t = x;
    for (int i = 0; i < n; i++)
        t = add_layer(g, t, d, &ls[i]);
    g->outputs[g->n_outputs++] = t;
}

/* The chain packed for the reference kernels and run by mcn-run, and
   packed for the Cortex-M4 (each layer's kernel checked) and run by
   mcn-sim: the same bytes for every sample. */
static void chain_on_qemu(const int32_t *in, float in_scale, int32_t in_zp,
                          const layer *ls, int n)
{
    char *dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    char ref[600], m4[600], xs[600], cmd[4096];
    snprintf(ref, sizeof ref, "%s/ref.mcn", dir);
    snprintf(m4, sizeof m4, "%s/m4.mcn", dir);
    snprintf(xs, sizeof xs, "%s/x.npy", dir);
    mcn_err e = {0};
    for (int t = 0; t < 2; t++) {
        graph g;
        seed = 99;
        build_chain(&g, in, in_scale, in_zp, ls, n);
        pack_opts o = {.keep_names = false,
                       .target = t ? MCN_TARGET_CORTEX_M4
                                   : MCN_TARGET_REFERENCE};
        ck_assert_msg(pack_graph(&g, &o, &e) == 0, "%s", e.msg);
        for (int i = 0; t && i < n; i++) {
            const mcn_conv_kernel *k = mcn_conv_kernel_get(g.nodes[i].kernel);
            ck_assert_msg(k && strcmp(k->name, ls[i].kernel) == 0,
                          "layer %d: kernel %s, want %s", i,
                          k ? k->name : "reference", ls[i].kernel);
        }
        ck_assert_msg(graph_save_file(&g, t ? m4 : ref, &e) == 0, "%s",
                      e.msg);
        graph_free(&g);
    }
    enum { N = 3 };
    const size_t per = (size_t)(in[1] * in[2] * in[3]);
    int8_t *x = malloc(N * per);
    ck_assert_ptr_nonnull(x);
    for (size_t i = 0; i < N * per; i++)
        x[i] = rnd8();
    npy_array a = {NPY_I8, 4, {N, in[1], in[2], in[3]}, x, N * per};
    ck_assert_int_eq(npy_save(xs, &a, &e), 0);
    free(x);
    char *err = NULL;
    snprintf(cmd, sizeof cmd, TU_BIN("mcn-run") " '%s' '%s' --raw -o "
             "'%s/ref.npy'", ref, xs, dir);
    ck_assert_msg(tu_run(cmd, NULL, &err) == 0, "mcn-run: %s", err);
    free(err);
    snprintf(cmd, sizeof cmd, TU_BIN("mcn-sim") " '%s' '%s' --raw -o "
             "'%s/sim.npy'", m4, xs, dir);
    ck_assert_msg(tu_run(cmd, NULL, &err) == 0, "mcn-sim: %s", err);
    free(err);
    char pa[700], pb[700];
    snprintf(pa, sizeof pa, "%s/ref.npy", dir);
    snprintf(pb, sizeof pb, "%s/sim.npy", dir);
    size_t la, lb;
    uint8_t *ba = tu_read_file(pa, &la), *bb = tu_read_file(pb, &lb);
    ck_assert(ba && bb);
    ck_assert_uint_eq(la, lb);
    ck_assert_msg(memcmp(ba, bb, la) == 0,
                  "QEMU's bytes differ from the reference kernels'");
    free(ba);
    free(bb);
    tu_rmdir(dir);
}

/* Three input channels: the first-layer kernel (3x3 stride 2, the TF
   SAME padding at the bottom right, 5 channels, ReLU6 below int8's top,
   30 pixels: a last group of two), then the general one on 5 channels
   (7x7, K = 245: leftovers and a last quad of one), then 2x3 dilated
   over 9 channels with a multiplier above 1 (a left shift, no right
   shift). */
START_TEST(first_layers_on_qemu)
{
    static const int32_t in[4] = {1, 11, 13, 3};
    static const layer ls[3] = {
        {5, 3, 3, 2, 2, 1, 1, {0, 0, 1, 1}, MCN_ACT_RELU6, 0.02f, 0.05f,
         -128, 127, "conv_s8_first_smlad"},
        {9, 7, 7, 1, 1, 1, 1, {3, 3, 3, 3}, MCN_ACT_NONE, 0.01f, 0.2f, 3,
         127, "conv_s8_im2col_smlad"},
        /* 0.2 * 0.02 / 0.006 = 0.67 (to 0.97 for the last channel): a
           multiplier in [1/2, 1), shift 0; small weights keep most
           outputs short of the clamp. */
        {16, 2, 3, 1, 1, 2, 1, {1, 1, 1, 1}, MCN_ACT_RELU, 0.02f, 0.006f,
         -128, 1, "conv_s8_im2col_smlad"},
    };
    chain_on_qemu(in, 0.05f, 5, ls, 3);
}
END_TEST

/* Sixteen channels: rows of 12 quads from aligned inputs (one LDM per
   four quads) and a padded edge tap by tap; 1x1 stride 2 (four quads);
   eight channels (rows of six quads: the word-by-word fill); then 13
   channels under dilation 2 (K = 117: leftovers, a last quad of one),
   clamped by ReLU6. */
START_TEST(wide_layers_on_qemu)
{
    static const int32_t in[4] = {1, 9, 10, 16};
    static const layer ls[4] = {
        {16, 3, 3, 1, 1, 1, 1, {1, 1, 1, 1}, MCN_ACT_RELU, 0.01f, 0.08f,
         -128, 127, "conv_s8_im2col_smlad"},
        {8, 1, 1, 2, 2, 1, 1, {0, 0, 0, 0}, MCN_ACT_NONE, 0.02f, 0.1f, -4,
         127, "conv_s8_im2col_smlad"},
        {13, 3, 3, 1, 1, 1, 1, {1, 1, 1, 1}, MCN_ACT_NONE, 0.02f, 0.15f, 7,
         127, "conv_s8_im2col_smlad"},
        {7, 3, 3, 1, 1, 2, 2, {2, 2, 2, 2}, MCN_ACT_RELU6, 0.02f, 0.03f,
         -128, 127, "conv_s8_im2col_smlad"},
    };
    chain_on_qemu(in, 0.04f, -3, ls, 4);
}
END_TEST

/* 1x1 layers for conv_1x1_s8_smlad_paired3 (three pixels at a time):
   every step count modulo 8 (depths 4 to 36), 16 and 64 channels,
   channels out equal to those in (the packer runs such a layer in place),
   fewer and more; 35, 16 and 15 pixels (a last group of two, of one,
   none). The last layer of the first chain is under ReLU6 below int8's
   top, which the paired kernel takes. */
#define P3 "conv_1x1_s8_smlad_paired3"
#define ONE_BY_ONE(out_c, act, out_scale, zp, kernel)                       \
    {out_c, 1, 1, 1, 1, 1, 1, {0, 0, 0, 0}, act, 0.01f, out_scale, zp, 127,  \
     kernel}
START_TEST(one_by_one_layers_on_qemu)
{
    static const int32_t in1[4] = {1, 5, 7, 4};
    static const layer ls1[11] = {
        ONE_BY_ONE(8, MCN_ACT_NONE, 0.03f, 3, P3),
        ONE_BY_ONE(12, MCN_ACT_RELU, 0.05f, -128, P3),
        ONE_BY_ONE(16, MCN_ACT_NONE, 0.06f, -7, P3),
        ONE_BY_ONE(20, MCN_ACT_NONE, 0.07f, 0, P3),
        ONE_BY_ONE(24, MCN_ACT_RELU, 0.08f, -128, P3),
        ONE_BY_ONE(28, MCN_ACT_NONE, 0.09f, 12, P3),
        ONE_BY_ONE(32, MCN_ACT_NONE, 0.1f, -2, P3),
        ONE_BY_ONE(64, MCN_ACT_NONE, 0.1f, 5, P3),
        ONE_BY_ONE(36, MCN_ACT_RELU, 0.15f, -128, P3),
        ONE_BY_ONE(10, MCN_ACT_NONE, 0.12f, 1, P3),
        ONE_BY_ONE(8, MCN_ACT_RELU6, 0.03f, -128,
                   "conv_1x1_s8_smlad_paired"),
    };
    chain_on_qemu(in1, 0.05f, -4, ls1, 11);
    static const int32_t in2[4] = {1, 4, 4, 16};
    static const layer ls2[4] = {
        ONE_BY_ONE(16, MCN_ACT_NONE, 0.04f, 2, P3),
        ONE_BY_ONE(16, MCN_ACT_RELU, 0.05f, -128, P3),
        ONE_BY_ONE(64, MCN_ACT_NONE, 0.08f, -3, P3),
        ONE_BY_ONE(64, MCN_ACT_NONE, 0.15f, 9, P3),
    };
    chain_on_qemu(in2, 0.05f, 6, ls2, 4);
    static const int32_t in3[4] = {1, 3, 5, 64};
    static const layer ls3[3] = {
        ONE_BY_ONE(64, MCN_ACT_RELU, 0.2f, -128, P3),
        ONE_BY_ONE(64, MCN_ACT_NONE, 0.15f, -1, P3),
        ONE_BY_ONE(32, MCN_ACT_NONE, 0.15f, 4, P3),
    };
    chain_on_qemu(in3, 0.05f, -128, ls3, 3);
}
END_TEST

/* mcn_init refuses a model naming these kernels where they would read or
   write out of bounds (scratch smaller than they ask, weights shorter or
   longer than their layout) or compute other bytes (a bias past the
   sums' bound). cin 8 packs for the general kernel, 3 for the first-layer
   one. */
static void refuse_at(void (*edit)(graph *), int32_t cin)
{
    const int32_t in[4] = {1, 6, 6, cin};
    static const layer ls[1] = {{4, 3, 3, 1, 1, 1, 1, {1, 1, 1, 1},
                                 MCN_ACT_NONE, 0.02f, 0.1f, 0, 127,
                                 "conv_s8_im2col_smlad"}};
    graph g;
    seed = 5;
    build_chain(&g, in, 0.05f, 0, ls, 1);
    mcn_err e = {0};
    pack_opts o = {.keep_names = false, .target = MCN_TARGET_CORTEX_M4};
    ck_assert_msg(pack_graph(&g, &o, &e) == 0, "%s", e.msg);
    ck_assert_str_eq(mcn_conv_kernel_get(g.nodes[0].kernel)->name,
                     cin > 3 ? "conv_s8_im2col_smlad"
                             : "conv_s8_first_smlad");
    int32_t failed;
    graph g2;
    ck_assert_int_eq(graph_clone(&g2, &g, &e), 0);
    ck_assert_int_eq(init_status(&g2, &failed), MCN_OK);
    edit(&g);
    ck_assert_int_eq(init_status(&g, &failed), MCN_ERR_MODEL);
    ck_assert_int_eq(failed, 0);
}

static void refuse(void (*edit)(graph *))
{
    refuse_at(edit, 8);
    refuse_at(edit, 3);
}

/* The weight buffer 4 bytes longer than the layout, or (the first-layer
   kernel's) only the filter's bytes, without the widened copy. */
static void resize_weights(graph *g, int grow)
{
    graph_tensor *t = &g->tensors[g->nodes[0].in[1]];
    size_t n = t->nbytes, filter = graph_tensor_bytes(t);
    ck_assert(grow || n > filter);
    int8_t *w = calloc(n + 4, 1);
    ck_assert_ptr_nonnull(w);
    memcpy(w, t->data, n);
    ck_assert_int_eq(graph_set_data(g, g->nodes[0].in[1], w,
                                    grow ? n + 4 : filter), 0);
    free(w);
}

static void grow_weights(graph *g)
{
    resize_weights(g, 1);
}

/* The reference kernels read every weight tensor by its shape. */
static void grow_reference(graph *g)
{
    g->nodes[0].kernel = 0;
    resize_weights(g, 1);
}

static void drop_widened(graph *g)
{
    resize_weights(g, 0);
}

static void shrink_scratch(graph *g)
{
    g->nodes[0].scratch_bytes -= 4;
}

static void bias_past_bound(graph *g)
{
    int32_t *b = g->tensors[g->nodes[0].in[2]].data;
    b[1] = 1 << 30;
}

START_TEST(init_refuses_what_the_kernel_cannot_run)
{
    refuse(shrink_scratch);
    refuse(bias_past_bound);
    refuse(grow_weights);
    refuse_at(drop_widened, 3);
    refuse(grow_reference);
}
END_TEST

Suite *suite_conv_smlad(void)
{
    Suite *s = suite_create("conv_smlad");
    TCase *tc = tcase_create("conv_smlad");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, arch_portable_forms);
    tcase_add_test(tc, requant_ties_by_hand);
    tcase_add_test(tc, layout_for_three_channels);
    tcase_add_test(tc, windows_in_the_padding);
    tcase_add_test(tc, applies_only_where_exact);
    tcase_add_test(tc, first_layers_on_qemu);
    tcase_add_test(tc, wide_layers_on_qemu);
    tcase_add_test(tc, one_by_one_layers_on_qemu);
    tcase_add_test(tc, init_refuses_what_the_kernel_cannot_run);
    suite_add_tcase(s, tc);
    return s;
}
