/* test_engine_overlap.c: where a kernel's output may overlap an input it
   reads for the last time (the _overlap functions of mcn_kernels.h), and
   that mcn_init allows exactly that much.
     - each window worked by hand from the kernel's read and write order;
     - every kernel run with its output overlapping its input at the edge
       of its window, on random geometries, gives the bytes it gives apart;
     - a float graph quantized and packed (the planner overlaps what the
       windows allow), run against the float reference and against the
       same model laid out with every tensor apart; then that model with
       each operator's output one byte past its window, which mcn_init
       refuses at that operator;
     - the same for a zero-copy concatenation, whose inputs sit in its
       output. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "float_exec.h"
#include "graph_io.h"
#include "mcn_kernels.h"
#include "pack.h"
#include "qmath.h"
#include "quantize.h"
#include "test_fexec_util.h"
#include "test_tflite_util.h"

/* ---- the windows, by hand ---- */

static mcn_k_conv_params conv_geometry(int32_t h, int32_t w, int32_t c,
                                       int32_t k, int32_t oc, int32_t pad)
{
    mcn_k_conv_params p;
    memset(&p, 0, sizeof p);
    p.input = (mcn_k_dims){1, h, w, c};
    p.filter = (mcn_k_dims){oc, k, k, c};
    p.output = (mcn_k_dims){1, h + 2 * pad - k + 1, w + 2 * pad - k + 1, oc};
    p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = 1;
    p.pad_top = p.pad_left = pad;
    p.groups = p.depth_multiplier = 1;
    return p;
}

START_TEST(windows_by_hand)
{
    /* Raster order (raster_window.c): pixel q's corner c(q), the reads
       after it from after(q) on; d <= after(q) - (q + 1) * out_pixel and
       d <= c(q) - 1 - q * out_pixel + min_oc (ch(oc + 1) - oc). */

    /* CONV_2D 3x3 pad 1, 4x4x1 -> 4x4x2 (ch = 0, so the min is 0):
       the last pixel q = 15, corner (2, 2) = byte 10: 10 - 1 - 30 = -21;
       every other bound is higher (q = 14: corner 9, 9 - 1 - 28 = -20). */
    mcn_k_conv_params p = conv_geometry(4, 4, 1, 3, 2, 1);
    ck_assert_int_eq(mcn_k_conv_s8_overlap(&p).hi, -21);
    ck_assert_int_eq(mcn_k_conv_s8_overlap(&p).lo, MCN_K_WINDOW_MIN);

    /* 1x1, 1x3x2 -> 1x3x4, ch = 0 so the min is -(4 - 2) = -2: pixel 2
       at corner 4: 4 - 1 - 8 - 2 = -7. The output ends at -7 + 12 = 5,
       one byte into the input's last pixel, written after it is read. */
    p = conv_geometry(1, 3, 2, 1, 4, 0);
    ck_assert(mcn_k_conv_1x1_s8_applies(&p));
    ck_assert_int_eq(mcn_k_conv_1x1_s8_overlap(&p).hi, -7);

    /* DEPTHWISE 3x3 pad 1, 3x3x2: ch(j) = j, min 1. Row 1's pixels read
       from row 0 again: q = 3 (corner (0, 0) = 0), after(3) = c(4) = 0:
       0 - 4 * 2 = -8; q = 4: c(4) - 1 - 8 + 1 = -8; q = 8: corner
       (1, 1) = 8, 8 - 1 - 16 + 1 = -8. -(W + 1) * C: one row and a pixel. */
    p = conv_geometry(3, 3, 2, 3, 2, 1);
    p.filter = (mcn_k_dims){1, 3, 3, 2};
    ck_assert_int_eq(mcn_k_dwconv_s8_overlap(&p).hi, -8);

    /* FULLY_CONNECTED, one batch of 5 -> 3: every output reads the row
       whole, so only the last may land on it: d <= 0 - 1 - 0 + (0 - 1)
       = -2. Two batches: the second row's outputs come after the first
       row is read: batch 1's bound 5 - 1 - 3 - 1 = 0, batch 0's -2. */
    mcn_k_fc_params f;
    memset(&f, 0, sizeof f);
    f.batches = 1;
    f.depth = 5;
    f.out_depth = 3;
    ck_assert_int_eq(mcn_k_fc_s8_overlap(&f).hi, -2);
    f.batches = 2;
    ck_assert_int_eq(mcn_k_fc_s8_overlap(&f).hi, -2);

    /* AVERAGE_POOL 2x2 stride 2, 4x4x2 -> 2x2x2: ch(j) = j, min 1.
       Corners 0, 4, 16, 20; pixel 0: 0 - 1 - 0 + 1 = 0, after(0) = 4:
       4 - 2 = 2; pixel 1: 4 - 1 - 2 + 1 = 2; so d <= 0: the output may
       start on the input. */
    mcn_k_pool_params pp;
    memset(&pp, 0, sizeof pp);
    pp.input = (mcn_k_dims){1, 4, 4, 2};
    pp.output = (mcn_k_dims){1, 2, 2, 2};
    pp.filter_h = pp.filter_w = pp.stride_h = pp.stride_w = 2;
    pp.dilation_h = pp.dilation_w = 1;
    ck_assert_int_eq(mcn_k_pool_s8_overlap(&pp).hi, 0);

    /* Element-wise: at or before the input; disjoint: never. */
    ck_assert_int_eq(mcn_k_elementwise_window().hi, 0);
    ck_assert_int_eq(mcn_k_elementwise_window().lo, MCN_K_WINDOW_MIN);
    ck_assert_int_gt(mcn_k_disjoint_window().lo,
                     mcn_k_disjoint_window().hi);
}
END_TEST

/* ---- the raster window against every pixel ---- */

static int64_t walk_corner(const mcn_k_raster *r, int64_t b, int64_t oy,
                           int64_t ox)
{
    int64_t y = oy * r->stride_h - r->pad_top, x = ox * r->stride_w -
                                                   r->pad_left;
    y = y < 0 ? 0 : y > r->in_h ? r->in_h : y;
    x = x < 0 ? 0 : x > r->in_w ? r->in_w : x;
    return ((b * r->in_h + y) * r->in_w + x) * r->in_pixel;
}

/* raster_window.c's two bounds, pixel by pixel and byte by byte. */
static int64_t walk_raster(const mcn_k_raster *r)
{
    int64_t hi = INT64_MAX, op = r->out_pixel, q = 0;
    for (int64_t b = 0; b < r->n; b++)
        for (int64_t oy = 0; oy < r->out_h; oy++)
            for (int64_t ox = 0; ox < r->out_w; ox++, q++) {
                int64_t after = INT64_MAX;
                if (ox + 1 < r->out_w)
                    after = walk_corner(r, b, oy, ox + 1);
                else if (oy + 1 < r->out_h)
                    after = walk_corner(r, b, oy + 1, 0);
                else if (b + 1 < r->n)
                    after = walk_corner(r, b + 1, 0, 0);
                if (after != INT64_MAX && after - (q + 1) * op < hi)
                    hi = after - (q + 1) * op;
                for (int64_t oc = 0; oc + 1 < op; oc++) {
                    int64_t d = walk_corner(r, b, oy, ox) - 1 - q * op +
                                (oc + 1) / r->group_out * r->group_in - oc;
                    if (d < hi)
                        hi = d;
                }
            }
    return hi;
}

START_TEST(raster_window_is_every_pixels_least)
{
    /* mcn_k_raster_window weighs only the pixels at the ends of the
       pieces where its bounds are linear; the least over every pixel is
       the same, on geometries with padding on both sides, windows past
       the far edge, strides, batches and channel groups. */
    uint32_t s = 12345;
#define R(n) ((int32_t)((s = s * 1103515245u + 12345u) >> 16) % (n))
    for (int i = 0; i < 20000; i++) {
        mcn_k_raster r;
        r.n = 1 + R(3);
        r.in_h = 1 + R(9);
        r.in_w = 1 + R(9);
        r.stride_h = 1 + R(3);
        r.stride_w = 1 + R(3);
        r.pad_top = R(4);
        r.pad_left = R(4);
        int32_t kh = 1 + R(5), kw = 1 + R(5);
        r.out_h = (r.in_h + r.pad_top + R(4) - kh) / r.stride_h + 1;
        r.out_w = (r.in_w + r.pad_left + R(4) - kw) / r.stride_w + 1;
        if (r.out_h < 1 || r.out_w < 1)
            continue;
        if (R(2)) {  /* depthwise or pool: a channel reads its own */
            r.in_pixel = 1 + R(6);
            r.group_in = 1;
            r.group_out = 1 + R(3);
            r.out_pixel = r.in_pixel * r.group_out;
        } else {     /* convolution: every output reads every channel */
            r.in_pixel = r.group_in = 1 + R(6);
            r.out_pixel = r.group_out = 1 + R(8);
        }
        ck_assert_msg(mcn_k_raster_window(&r).hi == walk_raster(&r),
                      "case %d: %lld, every pixel %lld", i,
                      (long long)mcn_k_raster_window(&r).hi,
                      (long long)walk_raster(&r));
    }
#undef R
}
END_TEST

/* ---- every kernel at the edge of its window ---- */

static uint32_t seed = 7;
static int32_t rnd(int32_t n)
{
    seed = seed * 1103515245u + 12345u;
    return (int32_t)((seed >> 16) % (uint32_t)n);
}

typedef enum { K_CONV, K_1X1, K_DW, K_FC, K_AVG, K_MAX, K_KINDS } kind;

typedef struct {
    kind k;
    mcn_k_conv_params c;
    mcn_k_fc_params f;
    mcn_k_pool_params p;
    int32_t in_bytes, out_bytes;
} kcase;

static int32_t out_size(int32_t in, int32_t k, int32_t dil, int32_t stride,
                        int32_t pad)
{
    return (in + 2 * pad - ((k - 1) * dil + 1)) / stride + 1;
}

/* A random geometry of kind k whose output has at least one pixel. */
static int make_case(kcase *t, kind k)
{
    memset(t, 0, sizeof *t);
    t->k = k;
    int32_t n = 1 + rnd(2), h = 1 + rnd(6), w = 1 + rnd(6), c = 1 + rnd(5);
    int32_t kh = 1 + rnd(3), kw = 1 + rnd(3), dil = 1 + rnd(2);
    if (k == K_AVG || k == K_MAX)
        dil = 1;  /* with pads below the filter, every window sees the
                     image (an average over no taps would divide by 0) */
    int32_t s = 1 + rnd(2), ph = rnd(kh), pw = rnd(kw);
    if (k == K_1X1)
        kh = kw = dil = s = 1, ph = pw = 0;
    int32_t oh = out_size(h, kh, dil, s, ph), ow = out_size(w, kw, dil, s, pw);
    if (k == K_FC) {
        t->f.batches = n;
        t->f.depth = 1 + rnd(8);
        t->f.out_depth = 1 + rnd(6);
        t->in_bytes = n * t->f.depth;
        t->out_bytes = n * t->f.out_depth;
        return 1;
    }
    if (oh < 1 || ow < 1)
        return 0;
    if (k == K_AVG || k == K_MAX) {
        mcn_k_pool_params *p = &t->p;
        p->input = (mcn_k_dims){n, h, w, c};
        p->output = (mcn_k_dims){n, oh, ow, c};
        p->filter_h = kh;
        p->filter_w = kw;
        p->stride_h = p->stride_w = s;
        p->dilation_h = p->dilation_w = dil;
        p->pad_top = p->pad_bottom = ph;
        p->pad_left = p->pad_right = pw;
        p->act_min = -128;
        p->act_max = 127;
    } else {
        mcn_k_conv_params *p = &t->c;
        int32_t oc = 1 + rnd(5), groups = 1, mult = 1 + rnd(2);
        if (k == K_CONV && c % 2 == 0 && rnd(2))
            groups = 2, oc = 2 * (1 + rnd(2));
        if (k == K_DW)
            oc = c * mult;
        p->input = (mcn_k_dims){n, h, w, c};
        p->output = (mcn_k_dims){n, oh, ow, oc};
        p->filter = k == K_DW ? (mcn_k_dims){1, kh, kw, oc}
                              : (mcn_k_dims){oc, kh, kw, c / groups};
        p->stride_h = p->stride_w = s;
        p->dilation_h = p->dilation_w = dil;
        p->pad_top = ph;
        p->pad_left = pw;
        p->groups = groups;
        p->depth_multiplier = mult;
        p->input_offset = 3;
        p->output_offset = -2;
        p->act_min = -128;
        p->act_max = 127;
    }
    t->in_bytes = n * h * w * c;
    t->out_bytes = n * oh * ow * (k == K_AVG || k == K_MAX ? c
                                                           : t->c.output.c);
    return 1;
}

static mcn_k_window window_of(const kcase *t)
{
    switch (t->k) {
    case K_CONV: return mcn_k_conv_s8_overlap(&t->c);
    case K_1X1: return mcn_k_conv_1x1_s8_overlap(&t->c);
    case K_DW: return mcn_k_dwconv_s8_overlap(&t->c);
    case K_FC: return mcn_k_fc_s8_overlap(&t->f);
    default: return mcn_k_pool_s8_overlap(&t->p);
    }
}

/* Run the kernel reading `in` and writing `out`. */
static void run_case(kcase *t, const int8_t *in, int8_t *out,
                     const int8_t *weights, const int32_t *mult,
                     const int32_t *shift)
{
    mcn_k_requant rq = {mult, shift, 1};
    if (t->k == K_FC) {
        t->f.input_offset = 1;
        t->f.act_min = -128;
        t->f.act_max = 127;
        t->f.rq = rq;
        t->f.input_data = in;
        t->f.filter_data = weights;
        t->f.output_data = out;
        mcn_k_fc_s8(&t->f);
    } else if (t->k == K_AVG || t->k == K_MAX) {
        t->p.input_data = in;
        t->p.output_data = out;
        (t->k == K_AVG ? mcn_k_avgpool_s8 : mcn_k_maxpool_s8)(&t->p);
    } else {
        t->c.rq = rq;
        t->c.input_data = in;
        t->c.filter_data = weights;
        t->c.output_data = out;
        if (t->k == K_DW)
            mcn_k_dwconv_s8(&t->c);
        else if (t->k == K_1X1)
            mcn_k_conv_1x1_s8(&t->c);
        else
            mcn_k_conv_s8(&t->c);
    }
}

START_TEST(kernels_keep_their_bytes_inside_their_windows)
{
    /* Up to 2 x 6 x 6 x 5 in, 2 x 8 x 8 x 10 out. */
    static int8_t weights[512], in[512], want[1536], buf[4096];
    const int32_t mult[1] = {1 << 30}, shift[1] = {0};
    for (size_t i = 0; i < sizeof weights; i++)
        weights[i] = (int8_t)(rnd(255) - 127);
    int overlapped = 0;
    for (int round = 0; round < 600; round++) {
        kcase t;
        if (!make_case(&t, (kind)(round % K_KINDS)))
            continue;
        for (int32_t i = 0; i < t.in_bytes; i++)
            in[i] = (int8_t)(rnd(255) - 127);
        run_case(&t, in, want, weights, mult, shift);
        mcn_k_window w = window_of(&t);
        /* At the window's edge and a little inside, wherever the two
           would overlap at all. */
        for (int64_t back = 0; back < 3; back++) {
            int64_t d = w.hi - back * 5;
            if (d <= -t.out_bytes || d >= t.in_bytes)
                continue;
            int64_t at = d < 0 ? -d : 0;
            memset(buf, 0x55, sizeof buf);
            memcpy(buf + at, in, (size_t)t.in_bytes);
            run_case(&t, buf + at, buf + at + d, weights, mult, shift);
            ck_assert_msg(memcmp(buf + at + d, want, (size_t)t.out_bytes) ==
                              0,
                          "kind %d round %d: wrong at d = %lld", (int)t.k,
                          round, (long long)d);
            overlapped++;
        }
    }
    ck_assert_int_gt(overlapped, 300);
}
END_TEST

/* ---- a packed model with its outputs on its inputs ---- */

enum { NX = 18, NY = 3, N_CALIB = 24 };

/* x [1,3,3,2] -> a = DEPTHWISE 3x3 pad 1 -> b = CONV_2D 1x1 to 4
   channels -> c = AVERAGE_POOL 3x3 [1,1,1,4] -> r = RESHAPE [1,4]
   -> d = FULLY_CONNECTED to 3 -> y = LOGISTIC. t[] = x a b c r d y. */
static void build_chain(graph *g, int *t)
{
    graph_init(g);
    static const float dw_w[18] = {0.1f, -0.2f, 0.3f, 0.1f, 0.5f, -0.3f,
                                   0.2f, 0.2f, -0.1f, 0.4f, 0.3f, 0.1f,
                                   -0.2f, 0.1f, 0.2f, -0.4f, 0.1f, 0.3f};
    static const float pw_w[8] = {0.5f, -0.25f, 0.75f, 0.5f,
                                  -0.5f, 1.0f, 0.25f, 0.25f};
    static const float fc_w[12] = {1.0f, -0.5f, 0.25f, 0.5f, -1.0f, 0.5f,
                                   0.75f, 0.25f, 0.5f, 0.5f, -0.25f, 1.0f};
    int x = ft_tensor(g, "x", 4, (const int32_t[]){1, 3, 3, 2});
    int a = ft_tensor(g, "a", 4, (const int32_t[]){1, 3, 3, 2});
    int b = ft_tensor(g, "b", 4, (const int32_t[]){1, 3, 3, 4});
    int c = ft_tensor(g, "c", 4, (const int32_t[]){1, 1, 1, 4});
    int r = ft_tensor(g, "r", 2, (const int32_t[]){1, 4});
    int d = ft_tensor(g, "d", 2, (const int32_t[]){1, 3});
    int y = ft_tensor(g, "y", 2, (const int32_t[]){1, 3});
    int dw = ft_const(g, "dw_w", 4, (const int32_t[]){1, 3, 3, 2}, dw_w);
    int pw = ft_const(g, "pw_w", 4, (const int32_t[]){4, 1, 1, 2}, pw_w);
    int fw = ft_const(g, "fc_w", 2, (const int32_t[]){3, 4}, fc_w);
    graph_node *n = ft_node(g, MCN_OP_DEPTHWISE_CONV_2D, "dw", 2,
                            (const int[]){x, dw}, a);
    n->pad_top = n->pad_left = n->pad_bottom = n->pad_right = 1;
    n->depth_multiplier = 1;
    ft_node(g, MCN_OP_CONV_2D, "pw", 2, (const int[]){a, pw}, b);
    n = ft_node(g, MCN_OP_AVERAGE_POOL_2D, "pool", 1, &b, c);
    n->filter_h = n->filter_w = 3;
    ft_node(g, MCN_OP_RESHAPE, "flat", 1, &c, r);
    ft_node(g, MCN_OP_FULLY_CONNECTED, "fc", 2, (const int[]){r, fw}, d);
    ft_node(g, MCN_OP_LOGISTIC, "sigmoid", 1, &d, y);
    ft_io(g, 1, &x, y);
    int all[7] = {x, a, b, c, r, d, y};
    memcpy(t, all, sizeof all);
}

static void samples(float (*x)[NX], int n, uint32_t s)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < NX; j++) {
            s = s * 1664525u + 1013904223u;
            x[i][j] = (float)(s >> 8) / (float)(1u << 24) * 4.0f - 2.0f;
        }
}

/* The float graph `build` makes, quantized on N_CALIB samples. */
static void quantized(void (*build)(graph *, int *), graph *g, int *t)
{
    static float calib[N_CALIB][NX];
    samples(calib, N_CALIB, 3);
    const float *ptrs[N_CALIB];
    for (int i = 0; i < N_CALIB; i++)
        ptrs[i] = calib[i];
    build(g, t);
    quantize_opts o = {.n_samples = N_CALIB, .samples = ptrs};
    mcn_err e = {0};
    ck_assert_msg(quantize_graph(g, &o, &e) == 0, "%s", e.msg);
}

/* Run a packed g (kept) once: mcn_init's status, and output 0's ny
   bytes in y when it is MCN_OK. */
static mcn_status run_packed(const graph *g, const int8_t *x, int8_t *y,
                             size_t ny)
{
    graph c;
    mcn_err e = {0};
    ck_assert_int_eq(graph_clone(&c, g, &e), 0);
    return run_packed_outputs(&c, &x, 1, &y, &ny);
}

static int init_fails_at(const graph *g)
{
    graph c;
    mcn_err e = {0};
    ck_assert_int_eq(graph_clone(&c, g, &e), 0);
    int32_t failed;
    mcn_status s = init_status(&c, &failed);
    return s == MCN_OK ? -1 : s == MCN_ERR_MODEL ? failed : -2;
}

/* The chain laid out with every tensor apart (c and r one RESHAPE). */
static const int32_t apart[7] = {0, 32, 64, 112, 112, 0, 16};

static void lay_out(graph *g, const int *t, const int32_t *at)
{
    for (int k = 0; k < 7; k++)
        g->tensors[t[k]].arena_offset = at[k];
    g->arena_bytes = 128;
}

START_TEST(packed_chain_overlaps_as_far_as_the_kernels_allow)
{
    graph g, fg;
    int t[7], ft[7];
    quantized(build_chain, &g, t);
    build_chain(&fg, ft);
    mcn_err e = {0};
    ck_assert_msg(pack_graph(&g, NULL, &e) == 0, "%s", e.msg);
    /* Windows: DEPTHWISE -8 (as above), the 1x1 conv 2 -> 4 over 9
       pixels 2 * 8 - 1 - 4 * 8 - 2 = -19, the 3x3 pool to one pixel
       0 - 1 + 1 = 0, FC 4 -> 3: -2, LOGISTIC 0. Largest first: b(36,
       [1,2])@0; x(18,[-1,0]) meets only a, unplaced: 0; a(18,[0,1])
       cannot start 8 below x and must start 19 or more above b: 32;
       c(4,[2,4]) on b: 0; d(3,[4,5]) cannot start 2 below c: 16; y on or
       below d: 0. Node 1 needs b and a at 19 or more above it, on a 16
       boundary: 50 is the least. */
    ck_assert_int_eq(g.arena_bytes, 50);
    const int32_t planned[7] = {0, 32, 0, 0, 0, 16, 0};
    for (int k = 0; k < 7; k++)
        ck_assert_int_eq(g.tensors[t[k]].arena_offset, planned[k]);

    float_exec *fx;
    ck_assert_msg(fexec_create(&fx, &fg, &e) == 0, "%s", e.msg);
    static float test[8][NX];
    samples(test, 8, 3);  /* calibration's first eight: nothing clips */
    const graph_tensor *xin = &g.tensors[t[0]], *yo = &g.tensors[t[6]];
    graph wide;
    ck_assert_int_eq(graph_clone(&wide, &g, &e), 0);
    lay_out(&wide, t, apart);
    for (int i = 0; i < 8; i++) {
        int8_t xq[NX], y[NY], y_apart[NY];
        for (int j = 0; j < NX; j++)
            xq[j] = (int8_t)qmath_quantize_value(test[i][j], xin->scale[0],
                                                 xin->zero_point[0]);
        ck_assert_int_eq(run_packed(&g, xq, y, NY), MCN_OK);
        ck_assert_int_eq(run_packed(&wide, xq, y_apart, NY), MCN_OK);
        ck_assert_mem_eq(y, y_apart, NY);
        /* LOGISTIC's output grid is 1/256: within 2 steps of float, the
           rounding of four ops carried through (measured: 1.1). */
        const float *in = test[i];
        ck_assert_msg(fexec_run(fx, &in, &e) == 0, "%s", e.msg);
        const float *f = fexec_tensor(fx, fg.outputs[0]);
        for (int j = 0; j < NY; j++) {
            double got = yo->scale[0] * (y[j] - yo->zero_point[0]);
            ck_assert_msg(fabs(got - f[j]) <= 2.0 / 256, "%g vs %g", got,
                          (double)f[j]);
        }
    }
    fexec_free(fx);
    graph_free(&fg);

    /* Each operator's output at the edge of its window (accepted, same
       bytes) and one byte past it (refused at that operator). */
    static const struct {
        int out, in;     /* into t[] */
        int32_t at_in;   /* where the input goes */
        int32_t hi;      /* the window's edge */
        int op;
    } edge[] = {
        {1, 0, 16, -8, 0}, {2, 1, 32, -19, 1}, {3, 2, 64, 0, 2},
        {5, 4, 112, -2, 4}, {6, 5, 0, 0, 5},
    };
    int8_t xq[NX], y[NY], y_apart[NY];
    for (int j = 0; j < NX; j++)
        xq[j] = (int8_t)(j * 13 - 100);
    ck_assert_int_eq(run_packed(&wide, xq, y_apart, NY), MCN_OK);
    for (size_t k = 0; k < sizeof edge / sizeof edge[0]; k++) {
        for (int past = 0; past < 2; past++) {
            int32_t at[7];
            memcpy(at, apart, sizeof at);
            at[edge[k].in] = edge[k].at_in;
            if (edge[k].in == 4)
                at[3] = edge[k].at_in;  /* c and r are one */
            at[edge[k].out] = edge[k].at_in + edge[k].hi + past;
            graph m;
            ck_assert_int_eq(graph_clone(&m, &g, &e), 0);
            lay_out(&m, t, at);
            if (past) {
                ck_assert_int_eq(init_fails_at(&m), edge[k].op);
            } else {
                ck_assert_int_eq(run_packed(&m, xq, y, NY), MCN_OK);
                ck_assert_mem_eq(y, y_apart, NY);
            }
            graph_free(&m);
        }
    }
    graph_free(&wide);
    graph_free(&g);
}
END_TEST

/* ---- zero-copy concatenation ---- */

/* x [1,3,3,2] -> p = CONV_2D 1x1 [1,3,3,2], q = LOGISTIC(x), then
   c = CONCATENATION(p, q) on H [1,6,3,2] (outer dims 1: p and q are runs
   of c) -> y = AVERAGE_POOL 3x3 stride 3 [1,2,1,2]. t[] = x p q c y. */
static void build_concat(graph *g, int *t)
{
    graph_init(g);
    static const float pw_w[4] = {0.5f, -0.25f, 0.75f, 0.5f};
    int x = ft_tensor(g, "x", 4, (const int32_t[]){1, 3, 3, 2});
    int p = ft_tensor(g, "p", 4, (const int32_t[]){1, 3, 3, 2});
    int q = ft_tensor(g, "q", 4, (const int32_t[]){1, 3, 3, 2});
    int c = ft_tensor(g, "c", 4, (const int32_t[]){1, 6, 3, 2});
    int y = ft_tensor(g, "y", 4, (const int32_t[]){1, 2, 1, 2});
    int pw = ft_const(g, "pw_w", 4, (const int32_t[]){2, 1, 1, 2}, pw_w);
    ft_node(g, MCN_OP_CONV_2D, "pw", 2, (const int[]){x, pw}, p);
    ft_node(g, MCN_OP_LOGISTIC, "sig", 1, &x, q);
    ft_node(g, MCN_OP_CONCATENATION, "cat", 2, (const int[]){p, q}, c)->axis =
        1;
    graph_node *n = ft_node(g, MCN_OP_AVERAGE_POOL_2D, "pool", 1, &c, y);
    n->filter_h = n->filter_w = n->stride_h = n->stride_w = 3;
    ft_io(g, 1, &x, y);
    int all[5] = {x, p, q, c, y};
    memcpy(t, all, sizeof all);
}

START_TEST(concat_inputs_written_in_place)
{
    graph g, fg, copies;
    int t[5], ft[5];
    quantized(build_concat, &g, t);
    build_concat(&fg, ft);
    mcn_err e = {0};
    ck_assert_msg(pack_graph(&g, NULL, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(graph_clone(&copies, &g, &e), 0);
    plan_opts no_views = {.overlap = pack_overlap_window,
                          .no_concat_views = true};
    ck_assert_msg(plan_arena_with(&copies, &no_views, &e) == 0, "%s", e.msg);
    /* p is c's first 18 bytes and q the next 18. */
    int32_t at = g.tensors[t[3]].arena_offset;
    ck_assert_int_eq(g.tensors[t[1]].arena_offset, at);
    ck_assert_int_eq(g.tensors[t[2]].arena_offset, at + 18);
    ck_assert_int_lt(g.arena_bytes, copies.arena_bytes);

    float_exec *fx;
    ck_assert_msg(fexec_create(&fx, &fg, &e) == 0, "%s", e.msg);
    static float test[8][NX];
    samples(test, 8, 3);
    const graph_tensor *xin = &g.tensors[t[0]], *yo = &g.tensors[t[4]];
    for (int i = 0; i < 8; i++) {
        int8_t xq[NX], y[4], y_copied[4];
        for (int j = 0; j < NX; j++)
            xq[j] = (int8_t)qmath_quantize_value(test[i][j], xin->scale[0],
                                                 xin->zero_point[0]);
        ck_assert_int_eq(run_packed(&g, xq, y, 4), MCN_OK);
        ck_assert_int_eq(run_packed(&copies, xq, y_copied, 4), MCN_OK);
        ck_assert_mem_eq(y, y_copied, 4);
        const float *in = test[i];
        ck_assert_msg(fexec_run(fx, &in, &e) == 0, "%s", e.msg);
        const float *f = fexec_tensor(fx, fg.outputs[0]);
        /* Within one of the output's steps: the branch's rounding and
           the pool's (measured: 0.63). */
        for (int j = 0; j < 4; j++) {
            double got = yo->scale[0] * (y[j] - yo->zero_point[0]);
            ck_assert_msg(fabs(got - f[j]) <= yo->scale[0], "%g vs %g", got,
                          (double)f[j]);
        }
    }
    fexec_free(fx);
    graph_free(&fg);
    graph_free(&copies);

    /* The concatenation takes an input at its own run or apart from
       it: q one byte off its run, or on p's, is refused. */
    int cat = -1;
    for (int i = 0; i < g.n_nodes; i++)
        if (g.nodes[i].op == MCN_OP_CONCATENATION)
            cat = i;
    for (int k = 0; k < 2; k++) {
        graph m;
        ck_assert_int_eq(graph_clone(&m, &g, &e), 0);
        m.tensors[t[2]].arena_offset = k ? at : at + 19;
        ck_assert_int_eq(init_fails_at(&m), cat);
        graph_free(&m);
    }
    graph_free(&g);
}
END_TEST

Suite *suite_engine_overlap(void)
{
    Suite *s = suite_create("engine_overlap");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, windows_by_hand);
    tcase_add_test(tc, raster_window_is_every_pixels_least);
    tcase_add_test(tc, kernels_keep_their_bytes_inside_their_windows);
    tcase_add_test(tc, packed_chain_overlaps_as_far_as_the_kernels_allow);
    tcase_add_test(tc, concat_inputs_written_in_place);
    suite_add_tcase(s, tc);
    return s;
}
