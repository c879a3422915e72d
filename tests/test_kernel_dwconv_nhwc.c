/* test_kernel_dwconv_nhwc.c: the channels-last depthwise kernel
   (dwconv_s8_nhwc_smlad.c): random layers against the reference kernel
   on shapes tests/test_kernel_variants.c does not draw (planes up to
   40x40, 1 to 70 channels, strides to 3, every requantization path, both
   clamps), the output written over the input across its whole overlap
   window, the window's value on the shapes that decide it, which layers
   the Cortex-M4 gives it, and on QEMU (where its asm runs) chains of
   depthwise layers to the reference kernels' bytes. Also the portable
   forms of the DSP operations it added to mcn_arch.h. */
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
#include "testutil.h"

static const mcn_conv_kernel *nhwc(void)
{
    for (int id = 1; mcn_conv_kernel_get((uint8_t)id); id++)
        if (strcmp(mcn_conv_kernel_get((uint8_t)id)->name,
                   "dwconv_s8_nhwc_smlad") == 0)
            return mcn_conv_kernel_get((uint8_t)id);
    ck_abort_msg("no dwconv_s8_nhwc_smlad in the table");
    return NULL;
}

START_TEST(dsp_operations_portable)
{
    /* x = (lo -2, hi 3), y = (lo 7, hi 5) */
    const uint32_t x = 0x0003fffeu, y = 0x00050007u;
    ck_assert_int_eq(mcn_smlabb(x, y, 10), 10 + -2 * 7);
    ck_assert_int_eq(mcn_smlatt(x, y, 10), 10 + 3 * 5);
    ck_assert_int_eq(mcn_smlabb(0x00008000u, 0x00008000u, INT32_MAX),
                     -1073741825);
    ck_assert_uint_eq(mcn_pkhtb16(0x12345678u, 0x9abcdef0u), 0x12349abcu);
    ck_assert_uint_eq(mcn_pack_s8x4(-1, 2, -128, 127), 0x7f8002ffu);
    ck_assert_uint_eq(mcn_pack_s8x4(0x101, 0, 0, -1), 0xff000001u);
    /* bytes (-128, -3, 5, 127) into [-4, 6] */
    ck_assert_uint_eq(mcn_clamp_s8x4(0x7f05fd80u, 0xfcfcfcfcu, 0x06060606u),
                      0x0605fdfcu);
    const uint32_t w[4] = {1, 2, 3, 4};
    uint32_t a, b;
    MCN_LOAD_PAIR(w, 2, a, b);
    ck_assert_uint_eq(a, 3);
    ck_assert_uint_eq(b, 4);
}
END_TEST

/* ---- random layers ---- */

static uint64_t rng;

static uint32_t next(void)
{
    return (uint32_t)(tu_splitmix(&rng) >> 32);
}

static int32_t pick(int32_t lo, int32_t hi)
{
    return lo + (int32_t)(next() % (uint32_t)(hi - lo + 1));
}

typedef struct {
    mcn_k_conv_params p;
    int8_t *x, *w, *y_ref;
    int32_t *bias, *mult, *shift;
    size_t nx, ny;
} dw_case;

static size_t elems(mcn_k_dims d)
{
    return (size_t)d.n * (size_t)d.h * (size_t)d.w * (size_t)d.c;
}

/* A random depthwise layer the kernel applies to; 0 if the draw gives
   no output. Half are 3x3 at stride 1 or 2 (the unrolled path). */
static int draw(dw_case *c)
{
    mcn_k_conv_params *p = &c->p;
    memset(c, 0, sizeof *c);
    const int big = pick(0, 3) == 0;
    int32_t n = pick(1, 2), h = pick(1, big ? 40 : 9),
            w = pick(1, big ? 40 : 9);
    int32_t ch = pick(0, 2) == 0 ? pick(1, 3) : pick(4, big ? 24 : 70);
    int32_t kh = 3, kw = 3, sh = pick(1, 2), sw = sh;
    if (pick(0, 1)) {
        kh = pick(1, 5);
        kw = pick(1, 5);
        sh = pick(1, 3);
        sw = pick(1, 3);
    }
    const int32_t pt = pick(0, kh - 1), pl = pick(0, kw - 1);
    const int32_t pb = pick(0, kh - 1), pr = pick(0, kw - 1);
    const int32_t oh = (h + pt + pb - kh) < 0 ? 0 : (h + pt + pb - kh) / sh + 1;
    const int32_t ow = (w + pl + pr - kw) < 0 ? 0 : (w + pl + pr - kw) / sw + 1;
    if (oh < 1 || ow < 1)
        return 0;
    p->input = (mcn_k_dims){n, h, w, ch};
    p->output = (mcn_k_dims){n, oh, ow, ch};
    p->filter = (mcn_k_dims){1, kh, kw, ch};
    p->stride_h = sh;
    p->stride_w = sw;
    p->dilation_h = p->dilation_w = 1;
    p->pad_top = pt;
    p->pad_left = pl;
    p->groups = 1;
    p->depth_multiplier = 1;
    p->input_offset = -pick(-128, 127);
    p->output_offset = pick(-128, 127);
    if (pick(0, 1)) {
        p->act_min = -128;
        p->act_max = 127;
    } else {
        p->act_min = pick(-128, 0);
        p->act_max = pick(p->act_min, 127);
    }
    c->nx = elems(p->input);
    c->ny = elems(p->output);
    c->x = malloc(c->nx);
    c->w = malloc((size_t)kh * kw * ch);
    c->y_ref = malloc(c->ny);
    c->bias = malloc((size_t)ch * sizeof *c->bias);
    const int32_t nrq = pick(0, 3) ? ch : 1;
    c->mult = malloc((size_t)nrq * sizeof *c->mult);
    c->shift = malloc((size_t)nrq * sizeof *c->shift);
    ck_assert(c->x && c->w && c->y_ref && c->bias && c->mult && c->shift);
    for (size_t i = 0; i < c->nx; i++)
        c->x[i] = (int8_t)pick(-128, 127);
    for (int32_t i = 0; i < kh * kw * ch; i++)
        c->w[i] = (int8_t)pick(-127, 127);
    /* A fifth near the bias bound of the SMMLAR form, either side. */
    const int near = pick(0, 4) == 0;
    for (int32_t i = 0; i < ch; i++)
        c->bias[i] = near ? (1 << 30) - kh * kw * (1 << 14) - pick(-40000,
                                                                    40000)
                          : pick(-70000, 70000);
    /* Most shifts in the SMMLAR form's [-22, -1]; now and then one
       outside it, which sends the layer down mcn_mbqm_pos. */
    const int odd_shift = pick(0, 4) == 0;
    for (int32_t i = 0; i < nrq; i++) {
        c->mult[i] = pick(0, 30) == 0 ? 0
                                      : (int32_t)((1u << 30) + (next() >> 2));
        c->shift[i] = odd_shift && pick(0, 3) == 0 ? pick(-31, 4)
                                                   : pick(-22, -1);
    }
    p->rq = (mcn_k_requant){c->mult, c->shift, nrq};
    p->input_data = c->x;
    p->filter_data = c->w;
    p->bias = c->bias;
    return 1;
}

static void drop(dw_case *c)
{
    free(c->x);
    free(c->w);
    free(c->y_ref);
    free(c->bias);
    free(c->mult);
    free(c->shift);
}

/* The kernel on c with its output at input + d (any d when the buffers
   are apart, `apart`), against the reference. */
static void run_at(const mcn_conv_kernel *k, const dw_case *c,
                   const int8_t *w, const int32_t *b, int64_t d, int apart,
                   int trial)
{
    mcn_k_conv_params q = c->p;
    q.filter_data = w;
    q.bias = b;
    const uint32_t need = k->scratch_bytes(&c->p);
    int32_t *scratch = malloc(need ? need : 4);
    ck_assert_ptr_nonnull(scratch);
    /* Poison: the kernel must not read what it did not write. */
    memset(scratch, 0xa5, need);
    q.scratch = scratch;
    int8_t *buf;
    if (apart) {
        buf = malloc(c->nx + c->ny);
        ck_assert_ptr_nonnull(buf);
        memcpy(buf, c->x, c->nx);
        q.input_data = buf;
        q.output_data = buf + c->nx;
    } else {
        const size_t base = d < 0 ? (size_t)-d : 0;
        size_t span = base + c->nx;
        if ((int64_t)base + d + (int64_t)c->ny > (int64_t)span)
            span = (size_t)((int64_t)base + d + (int64_t)c->ny);
        buf = malloc(span);
        ck_assert_ptr_nonnull(buf);
        memcpy(buf + base, c->x, c->nx);
        q.input_data = buf + base;
        q.output_data = buf + (int64_t)base + d;
    }
    k->run(&q);
    ck_assert_msg(memcmp(q.output_data, c->y_ref, c->ny) == 0,
                  "case %d (%dx%dx%dx%d, filter %dx%d, stride %d,%d, pad "
                  "%d,%d): output at %lld%s differs from the reference",
                  trial, c->p.input.n, c->p.input.h, c->p.input.w,
                  c->p.input.c, c->p.filter.h, c->p.filter.w,
                  c->p.stride_h, c->p.stride_w, c->p.pad_top, c->p.pad_left,
                  (long long)d, apart ? " (apart)" : "");
    free(buf);
    free(scratch);
}

START_TEST(random_layers_match_the_reference)
{
    const mcn_conv_kernel *k = nhwc();
    int ran = 0, unrolled = 0, slow = 0, in_place = 0;
    rng = 2026;
    for (int trial = 0; trial < 700; trial++) {
        dw_case c;
        if (!draw(&c)) {
            drop(&c);
            continue;
        }
        ck_assert(k->applies(&c.p));
        c.p.output_data = c.y_ref;
        mcn_k_dwconv_s8(&c.p);
        const size_t nw = (size_t)c.p.filter.h * c.p.filter.w * c.p.input.c;
        int8_t *w = malloc(nw);
        int32_t *b = malloc((size_t)c.p.input.c * sizeof *b);
        ck_assert(w && b);
        memcpy(b, c.bias, (size_t)c.p.input.c * sizeof *b);
        k->layout(&c.p, w, b);
        run_at(k, &c, w, b, 0, 1, trial);
        ran++;
        int fast = 1;
        {
            mcn_k_conv_params f = c.p;
            f.bias = b;
            for (int32_t i = 0; i < f.input.c; i++) {
                const int32_t s = f.rq.shift[f.rq.count > 1 ? i : 0];
                const int64_t m = b[i] < 0 ? -(int64_t)b[i] : b[i];
                if (s >= 0 || s < -22 ||
                    m + ((int64_t)f.filter.h * f.filter.w << 14) >=
                        (1 << 30))
                    fast = 0;
            }
        }
        slow += !fast;
        unrolled += fast && c.p.filter.h == 3 && c.p.filter.w == 3 &&
                    c.p.input.c >= 4;
        int32_t lo, hi;
        if (k->overlap(&c.p, &lo, &hi)) {
            const int64_t ds[4] = {hi, (int64_t)hi - 1, (int64_t)hi - 37, 0};
            for (int j = 0; j < 4; j++)
                if (ds[j] >= lo && ds[j] <= hi &&
                    ds[j] > -(int64_t)c.ny) {
                    run_at(k, &c, w, b, ds[j], 0, trial);
                    in_place += ds[j] == 0;
                }
        }
        free(w);
        free(b);
        drop(&c);
    }
    ck_assert_int_gt(ran, 500);
    ck_assert_int_gt(unrolled, 100);
    ck_assert_int_gt(slow, 50);
    ck_assert_int_gt(in_place, 100);
}
END_TEST

/* ---- the overlap window ---- */

static mcn_k_conv_params shape(int32_t n, int32_t h, int32_t w, int32_t c,
                               int32_t k, int32_t s, int32_t pt,
                               int32_t pb)
{
    mcn_k_conv_params p;
    memset(&p, 0, sizeof p);
    const int32_t o_h = (h + pt + pb - k) / s + 1;
    const int32_t o_w = (w + pt + pb - k) / s + 1;
    p.input = (mcn_k_dims){n, h, w, c};
    p.output = (mcn_k_dims){n, o_h, o_w, c};
    p.filter = (mcn_k_dims){1, k, k, c};
    p.stride_h = p.stride_w = s;
    p.dilation_h = p.dilation_w = 1;
    p.pad_top = p.pad_left = pt;
    p.depth_multiplier = 1;
    return p;
}

START_TEST(overlap_window_values)
{
    const mcn_conv_kernel *k = nhwc();
    int32_t lo, hi;
    /* 3x3 stride 1 pad 1: output row oy >= 1 stages row oy + 1, after oy
       rows are written: W * C bytes of room. */
    mcn_k_conv_params p = shape(1, 6, 6, 16, 3, 1, 1, 1);
    ck_assert(k->overlap(&p, &lo, &hi));
    ck_assert_int_eq(lo, INT32_MIN);
    ck_assert_int_eq(hi, 6 * 16);
    /* Two batches: never past the input's start. */
    p = shape(2, 6, 6, 16, 3, 1, 1, 1);
    ck_assert(k->overlap(&p, &lo, &hi));
    ck_assert_int_eq(hi, 0);
    /* Stride 2 (SAME, pads below): row 1 stages row 3 after 6 pixels of
       12: (3 * 12 - 6) * C. */
    p = shape(1, 12, 12, 8, 3, 2, 0, 1);
    ck_assert(k->overlap(&p, &lo, &hi));
    ck_assert_int_eq(hi, (3 * 12 - 6) * 8);
    /* Padding 4 above a 3-high filter (40 x 58 outputs): input row 0 is
       staged only at output row 2, after 2 * 58 pixels are written:
       (0 - 116) * C, the least over the rows. */
    p = shape(1, 40, 60, 4, 3, 1, 4, 0);
    p.pad_left = 0;
    p.output.w = 58;
    p.output.h = 40;
    ck_assert(k->overlap(&p, &lo, &hi));
    ck_assert_int_eq(hi, -2 * 58 * 4);
    /* All rows staged by the first output row: anywhere up to the end. */
    p = shape(1, 3, 5, 4, 3, 1, 0, 0);
    ck_assert(k->overlap(&p, &lo, &hi));
    ck_assert_int_eq(hi, 3 * 5 * 4);
    /* An output bigger than the input: never. */
    p = shape(1, 2, 2, 4, 1, 1, 1, 1);
    ck_assert(!k->overlap(&p, &lo, &hi));
}
END_TEST

/* ---- the packer's choice ---- */

START_TEST(cortex_m4_prefers_it_on_small_planes)
{
    const uint8_t id = (uint8_t)(nhwc() - mcn_conv_kernel_get(1) + 1);
    int32_t mult[256], shift[256], bias[256];
    for (int i = 0; i < 256; i++) {
        mult[i] = 1 << 30;
        shift[i] = -7;
        bias[i] = 1000;
    }
    static const struct {
        int32_t h, c, s, pt, pb;
        int want;
    } cases[] = {
        {6, 128, 1, 1, 1, 1},  {3, 256, 1, 1, 1, 1}, {6, 128, 2, 0, 1, 1},
        {12, 64, 1, 1, 1, 1},  {24, 32, 2, 0, 1, 1}, {24, 32, 1, 1, 1, 0},
        {48, 8, 1, 1, 1, 0},   {48, 16, 2, 0, 1, 0}, {6, 3, 1, 1, 1, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mcn_k_conv_params p = shape(1, cases[i].h, cases[i].h, cases[i].c, 3,
                                    cases[i].s, cases[i].pt, cases[i].pb);
        p.rq = (mcn_k_requant){mult, shift, cases[i].c};
        p.bias = bias;
        const uint8_t m4 = mcn_conv_kernel_choose(&p, MCN_KOP_DWCONV,
                                                  MCN_TARGET_CORTEX_M4);
        ck_assert_msg((m4 == id) == cases[i].want, "%dx%dx%d stride %d: "
                      "kernel %d", cases[i].h, cases[i].h, cases[i].c,
                      cases[i].s, m4);
        ck_assert_int_ne(mcn_conv_kernel_choose(&p, MCN_KOP_DWCONV,
                                                MCN_TARGET_CORTEX_M3), id);
        ck_assert_int_ne(mcn_conv_kernel_choose(&p, MCN_KOP_DWCONV,
                                                MCN_TARGET_GENERIC), id);
    }
    /* A shift the SMMLAR form cannot take: the planar kernel. */
    mcn_k_conv_params p = shape(1, 6, 6, 128, 3, 1, 1, 1);
    p.rq = (mcn_k_requant){mult, shift, 128};
    p.bias = bias;
    shift[5] = 1;
    ck_assert_int_ne(mcn_conv_kernel_choose(&p, MCN_KOP_DWCONV,
                                            MCN_TARGET_CORTEX_M4), id);
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
    int32_t s;
    int32_t pad[4];                 /* top, left, bottom, right */
    mcn_activation act;
    float w_scale, out_scale;
    int32_t out_zp;
} dw_layer;

static int add_dw(graph *g, int x, int32_t *d, const dw_layer *l)
{
    const int32_t c = d[3];
    int32_t ws[4] = {1, 3, 3, c}, bs[1] = {c};
    int32_t os[4] = {1, (d[1] + l->pad[0] + l->pad[2] - 3) / l->s + 1,
                     (d[2] + l->pad[1] + l->pad[3] - 3) / l->s + 1, c};
    int8_t *wv = malloc((size_t)9 * c);
    int32_t *bv = malloc((size_t)c * sizeof *bv);
    float *sc = malloc((size_t)c * sizeof *sc);
    ck_assert(wv && bv && sc);
    for (int32_t i = 0; i < 9 * c; i++)
        wv[i] = (int8_t)(rnd8() | 1);
    for (int32_t i = 0; i < c; i++) {
        bv[i] = 40 * rnd8();
        sc[i] = l->w_scale * (1.0f + 0.05f * (float)i);
    }
    int w = graph_add_tensor(g, NULL, MCN_DT_INT8, 4, ws);
    graph_set_data(g, w, wv, (size_t)9 * c);
    graph_set_quant(g, w, c, sc, NULL, 3);
    int b = graph_add_tensor(g, NULL, MCN_DT_INT32, 1, bs);
    graph_set_data(g, b, bv, (size_t)c * sizeof *bv);
    int y = graph_add_tensor(g, NULL, MCN_DT_INT8, 4, os);
    graph_set_quant(g, y, 1, &l->out_scale, &l->out_zp, 0);
    int n = graph_add_node(g, MCN_OP_DEPTHWISE_CONV_2D, NULL);
    graph_node_add_input(g, n, x);
    graph_node_add_input(g, n, w);
    graph_node_add_input(g, n, b);
    graph_node_add_output(g, n, y);
    graph_node *nd = &g->nodes[n];
    nd->stride_h = nd->stride_w = l->s;
    nd->dilation_h = nd->dilation_w = 1;
    nd->pad_top = l->pad[0];
    nd->pad_left = l->pad[1];
    nd->pad_bottom = l->pad[2];
    nd->pad_right = l->pad[3];
    nd->groups = 1;
    nd->depth_multiplier = 1;
    nd->filter_h = nd->filter_w = 3;
    nd->act = l->act;
    free(wv);
    free(bv);
    free(sc);
    memcpy(d, os, sizeof os);
    return y;
}

/* The chain packed for the reference kernels (mcn-run) and for the
   Cortex-M4 (every layer on this kernel; mcn-sim): the same bytes. */
static void chain_on_qemu(const int32_t *in, const dw_layer *ls, int n)
{
    char *dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    char ref[600], m4[600], xs[600], cmd[4096];
    snprintf(ref, sizeof ref, "%s/ref.mcn", dir);
    snprintf(m4, sizeof m4, "%s/m4.mcn", dir);
    snprintf(xs, sizeof xs, "%s/x.npy", dir);
    mcn_err e = {0};
    const float in_scale = 0.05f;
    const int32_t in_zp = -9;
    for (int t = 0; t < 2; t++) {
        graph g;
        graph_init(&g);
        seed = 7;
        int32_t d[4];
        memcpy(d, in, sizeof d);
        int x = graph_add_tensor(&g, "x", MCN_DT_INT8, 4, in);
        graph_set_quant(&g, x, 1, &in_scale, &in_zp, 0);
        g.inputs[g.n_inputs++] = x;
        for (int i = 0; i < n; i++)
            x = add_dw(&g, x, d, &ls[i]);
        g.outputs[g.n_outputs++] = x;
        pack_opts o = {.keep_names = false,
                       .target = t ? MCN_TARGET_CORTEX_M4
                                   : MCN_TARGET_REFERENCE,
                       .fastest = true};
        ck_assert_msg(pack_graph(&g, &o, &e) == 0, "%s", e.msg);
        for (int i = 0; t && i < n; i++) {
            const mcn_conv_kernel *k = mcn_conv_kernel_get(g.nodes[i].kernel);
            ck_assert_msg(k == nhwc(), "layer %d: kernel %s", i,
                          k ? k->name : "reference");
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

/* 20 channels (five groups): stride 1 unclamped, ReLU6 (the SIMD clamp),
   stride 2 with SAME's pads below, then stride 1 on 5x5. */
START_TEST(chain_of_groups_on_qemu)
{
    static const int32_t in[4] = {1, 10, 9, 20};
    static const dw_layer ls[4] = {
        {1, {1, 1, 1, 1}, MCN_ACT_NONE, 0.02f, 0.1f, 3},
        {1, {1, 1, 1, 1}, MCN_ACT_RELU6, 0.01f, 0.05f, -128},
        {2, {0, 0, 1, 1}, MCN_ACT_RELU, 0.02f, 0.08f, -20},
        {1, {1, 1, 1, 1}, MCN_ACT_NONE, 0.03f, 0.1f, 0},
    };
    chain_on_qemu(in, ls, 4);
}
END_TEST

/* 7 channels: one group and a tail of three, each pixel on its own. */
START_TEST(chain_with_tail_on_qemu)
{
    static const int32_t in[4] = {1, 7, 8, 7};
    static const dw_layer ls[2] = {
        {1, {1, 1, 1, 1}, MCN_ACT_RELU, 0.02f, 0.07f, -100},
        {2, {1, 1, 1, 1}, MCN_ACT_NONE, 0.02f, 0.1f, 5},
    };
    chain_on_qemu(in, ls, 2);
}
END_TEST

Suite *suite_kernel_dwconv_nhwc(void)
{
    Suite *s = suite_create("kernel_dwconv_nhwc");
    TCase *tc = tcase_create("kernel_dwconv_nhwc");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, dsp_operations_portable);
    tcase_add_test(tc, random_layers_match_the_reference);
    tcase_add_test(tc, overlap_window_values);
    tcase_add_test(tc, cortex_m4_prefers_it_on_small_planes);
    tcase_add_test(tc, chain_of_groups_on_qemu);
    tcase_add_test(tc, chain_with_tail_on_qemu);
    suite_add_tcase(s, tc);
    return s;
}
