/* test_engine_overlap.c: where a kernel's output may overlap an input it
   reads for the last time (the _overlap functions of mcn_kernels.h).
     - each window worked by hand from the kernel's read and write order;
     - every kernel run with its output overlapping its input at the edge
       of its window, on random geometries, gives the bytes it gives apart. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mcn_kernels.h"

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

Suite *suite_engine_overlap(void)
{
    Suite *s = suite_create("engine_overlap");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, windows_by_hand);
    tcase_add_test(tc, kernels_keep_their_bytes_inside_their_windows);
    suite_add_tcase(s, tc);
    return s;
}
