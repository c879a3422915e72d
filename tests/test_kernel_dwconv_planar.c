/* test_kernel_dwconv_planar.c: the planar depthwise kernels
   (dwconv_s8_smlad, dwconv_s8_planar; dwconv_plane.h): a case worked by
   hand, every requantization path against the reference kernel at the
   edges of its bounds, the staging modes (whole plane, ring of rows,
   transposed) on shapes tests/test_kernel_variants.c does not draw, the
   output written over the input where the kernel says it may, and
   mcn_init accepting that overlap at offset 0 only. Also the portable
   forms of the DSP operations these kernels added to mcn_arch.h. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dwconv_plane.h"
#include "graph.h"
#include "mcn_arch.h"
#include "mcn_internal.h"
#include "pack.h"
#include "test_model_util.h"
#include "test_tflite_util.h"
#include "testutil.h"

static const char *const names[2] = {"dwconv_s8_smlad", "dwconv_s8_planar"};

static const mcn_conv_kernel *kernel_named(const char *name)
{
    for (int id = 1; mcn_conv_kernel_get((uint8_t)id); id++)
        if (strcmp(mcn_conv_kernel_get((uint8_t)id)->name, name) == 0)
            return mcn_conv_kernel_get((uint8_t)id);
    ck_abort_msg("no kernel %s in the table", name);
    return NULL;
}

/* ---- the DSP operations, in their portable form on the host ---- */

START_TEST(dsp_operations_portable)
{
    /* x = (lo -2, hi 3), y = (lo 7, hi 5) */
    const uint32_t x = 0x0003fffeu, y = 0x00050007u;
    ck_assert_int_eq(mcn_smlabt(x, y, 10), 10 + -2 * 5);
    ck_assert_int_eq(mcn_smlatb(x, y, 10), 10 + 3 * 7);
    /* -32768 * -32768 = 2^30 onto INT32_MAX wraps to -2^31 + 2^30 - 1 */
    ck_assert_int_eq(mcn_smlabt(0x00008000u, 0x80000000u, INT32_MAX),
                     -1073741825);
    ck_assert_int_eq(mcn_smlatb(0x80000000u, 0x00008000u, INT32_MAX),
                     -1073741825);
    /* SMMLAR: (acc * 2^32 + x * y + 2^31) >> 32 */
    ck_assert_int_eq(mcn_smmlar(1 << 30, 3, 5), 6);        /* 0.75 + .5 */
    ck_assert_int_eq(mcn_smmlar(1 << 16, 1 << 15, 0), 1); /* 0.5 up */
    ck_assert_int_eq(mcn_smmlar(-(1 << 16), 1 << 15, 0), 0); /* -0.5 up */
    ck_assert_int_eq(mcn_smmlar(-1, 1, 0), 0);
    ck_assert_int_eq(mcn_smmlar(INT32_MIN, INT32_MAX, 0), -1073741823);
    /* 2^62 onto INT32_MAX * 2^32: the top word wraps as the
       instruction's 64-bit sum does */
    ck_assert_int_eq(mcn_smmlar(INT32_MIN, INT32_MIN, INT32_MAX),
                     -1073741825);
    ck_assert_int_eq(mcn_ssat8(200), 127);
    ck_assert_int_eq(mcn_ssat8(-200), -128);
    ck_assert_int_eq(mcn_ssat8(-5), -5);
    ck_assert_uint_eq(mcn_pkhbt16(-2, 3), 0x0003fffeu);
    ck_assert_uint_eq(mcn_pkhbt16(0x12345, -1), 0xffff2345u);
}
END_TEST

/* ---- a layer, laid out and run as the engine runs it ---- */

typedef struct {
    mcn_k_conv_params p;
    int8_t *x, *w, *y, *y_ref;
    int32_t *bias, *mult, *shift;
    size_t nx, ny;
} layer;

static size_t elems(mcn_k_dims d)
{
    return (size_t)d.n * (size_t)d.h * (size_t)d.w * (size_t)d.c;
}

/* The kernel's bytes for l (weights and bias laid out as it asks, its
   scratch from malloc) into l->y; the output over the input when
   in_place, which the kernel must allow. */
static void run(const mcn_conv_kernel *k, layer *l, int in_place)
{
    const mcn_k_conv_params *p = &l->p;
    ck_assert_msg(k->applies(p), "%s does not apply", k->name);
    size_t nw = elems(p->filter);
    int8_t *w = malloc(nw);
    int32_t *b = malloc((size_t)p->output.c * sizeof *b);
    uint32_t need = k->scratch_bytes(p);
    int32_t *scratch = malloc(need);
    ck_assert(w && b && scratch);
    memcpy(w, p->filter_data, nw);
    memcpy(b, p->bias, (size_t)p->output.c * sizeof *b);
    k->layout(p, w, b);
    mcn_k_conv_params q = *p;
    q.filter_data = w;
    q.bias = b;
    q.scratch = scratch;
    /* Poison the scratch: the kernel must not read what it did not
       write. */
    memset(scratch, 0xa5, need);
    int8_t *buf = NULL;
    if (in_place) {
        int32_t lo, hi;
        ck_assert_msg(k->overlap(p, &lo, &hi) && lo == 0 && hi == 0,
                      "%s: no in-place window", k->name);
        buf = malloc(l->nx > l->ny ? l->nx : l->ny);
        ck_assert_ptr_nonnull(buf);
        memcpy(buf, l->x, l->nx);
        q.input_data = buf;
        q.output_data = buf;
    } else {
        q.output_data = l->y;
    }
    k->run(&q);
    if (in_place)
        memcpy(l->y, buf, l->ny);
    free(buf);
    free(w);
    free(b);
    free(scratch);
}

static void reference(layer *l)
{
    l->p.output_data = l->y_ref;
    mcn_k_dwconv_s8(&l->p);
}

static void drop(layer *l)
{
    free(l->x);
    free(l->w);
    free(l->y);
    free(l->y_ref);
    free(l->bias);
    free(l->mult);
    free(l->shift);
}

/* Two channels, 2x2 image, 3x3 filter, padding 1: every window covers
   the whole image, so output (oy, ox) sees pixel (y, x) through tap
   (1 + y - oy, 1 + x - ox). Input zero point 3; x - 3:
       ch0 [[2, 4], [-2, 0]]    ch1 [[10, -1], [0, 6]]
   ch0 taps [[1,2,3],[4,5,6],[7,8,9]], bias 10:
       (0,0) 5*2 + 6*4 + 8*-2 + 9*0 = 18 -> 28   (0,1) 4*2+5*4+7*-2 = 14 -> 24
       (1,0) 2*2 + 3*4 + 5*-2 = 6 -> 16          (1,1) 1*2+2*4+4*-2 = 2 -> 12
   ch1 taps [[-1,0,1],[0,2,0],[1,0,-1]], bias -4:
       (0,0) 2*10 + -1*6 = 14 -> 10   (0,1) 2*-1 = -2 -> -6
       (1,0) 1*-1 = -1 -> -5          (1,1) -1*10 + 2*6 = 2 -> -2
   Output zero point -1. TFLM's MultiplyByQuantizedMultiplier
   (tensorflow/lite/kernels/internal/common.h): v = SRDHM(acc, m) =
   (acc * m + nudge) / 2^31, then RoundingDivideByPOT(v, 1), half away
   from zero.
   ch0, m = 0.75 * 2^31 (the SMMLAR path): acc * 0.75 = 21, 18, 12, 9
   exactly, so v = those (the nudge is +2^30, below one); /2: 10.5 -> 11,
   9, 6, 4.5 -> 5; outputs 10, 8, 5, 4.
   ch1, m = 2^30 (the exact path: the sign rule needs m > 2^30): v =
   trunc((acc * 2^30 + nudge) / 2^31) = 5, -3, -2, -1 (the negative
   nudge is 1 - 2^30: -2.5 -> -3, -2.9... -> -2, -1.4... -> -1); /2:
   2.5 -> 3, -1.5 -> -2, -1, -0.5 -> -1; outputs 2, -3, -2, -2. */
START_TEST(worked_by_hand)
{
    static const int8_t x[8] = {5, 13, 7, 2, 1, 3, 3, 9};
    static const int8_t w[18] = {1, -1, 2, 0, 3, 1, 4, 0, 5, 2,
                                 6, 0, 7, 1, 8, 0, 9, -1};
    static const int32_t bias[2] = {10, -4};
    static const int32_t mult[2] = {1610612736, 1 << 30},
                         shift[2] = {-1, -1};
    static const int8_t want[8] = {10, 2, 8, -3, 5, -2, 4, -2};
    for (int kn = 0; kn < 2; kn++) {
        for (int in_place = 0; in_place < 2; in_place++) {
            int8_t y[8], y_ref[8];
            layer l;
            memset(&l, 0, sizeof l);
            mcn_k_conv_params *p = &l.p;
            p->stride_h = p->stride_w = p->dilation_h = p->dilation_w = 1;
            p->groups = p->depth_multiplier = 1;
            p->pad_top = p->pad_left = 1;
            p->input_offset = -3;
            p->output_offset = -1;
            p->act_min = -128;
            p->act_max = 127;
            p->rq = (mcn_k_requant){mult, shift, 2};
            p->input = (mcn_k_dims){1, 2, 2, 2};
            p->filter = (mcn_k_dims){1, 3, 3, 2};
            p->output = (mcn_k_dims){1, 2, 2, 2};
            p->input_data = x;
            p->filter_data = w;
            p->bias = bias;
            l.x = (int8_t *)x;
            l.y = y;
            l.y_ref = y_ref;
            l.nx = l.ny = 8;
            run(kernel_named(names[kn]), &l, in_place);
            reference(&l);
            ck_assert_mem_eq(y_ref, want, 8);
            ck_assert_mem_eq(y, want, 8);
        }
    }
}
END_TEST

/* ---- random layers against the reference ---- */

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
    int32_t n, h, w, c, kh, kw, sh, sw, pt, pl, pb, pr;
} shape;

/* A layer of shape s with random bytes (or the extremes, when extreme:
   every input -128 or 127 and every weight -128 or 127, which drive the
   sums to their bounds), per-channel requantization from
   random_rq(channel). */
static void make(layer *l, const shape *s, int extreme)
{
    memset(l, 0, sizeof *l);
    mcn_k_conv_params *p = &l->p;
    const int32_t oh = (s->h + s->pt + s->pb - s->kh) / s->sh + 1;
    const int32_t ow = (s->w + s->pl + s->pr - s->kw) / s->sw + 1;
    p->stride_h = s->sh;
    p->stride_w = s->sw;
    p->dilation_h = p->dilation_w = 1;
    p->groups = p->depth_multiplier = 1;
    p->pad_top = s->pt;
    p->pad_left = s->pl;
    p->input = (mcn_k_dims){s->n, s->h, s->w, s->c};
    p->filter = (mcn_k_dims){1, s->kh, s->kw, s->c};
    p->output = (mcn_k_dims){s->n, oh, ow, s->c};
    p->input_offset = -pick(-128, 127);
    p->output_offset = pick(-128, 127);
    p->act_min = pick(0, 1) ? -128 : pick(-128, 0);
    p->act_max = pick(0, 1) ? 127 : pick(p->act_min, 127);
    l->nx = elems(p->input);
    l->ny = elems(p->output);
    size_t nw = elems(p->filter);
    l->x = malloc(l->nx);
    l->w = malloc(nw);
    l->y = malloc(l->ny);
    l->y_ref = malloc(l->ny);
    l->bias = malloc((size_t)s->c * sizeof *l->bias);
    l->mult = malloc((size_t)s->c * sizeof *l->mult);
    l->shift = malloc((size_t)s->c * sizeof *l->shift);
    ck_assert(l->x && l->w && l->y && l->y_ref && l->bias && l->mult &&
              l->shift);
    for (size_t i = 0; i < l->nx; i++)
        l->x[i] = (int8_t)(extreme ? (pick(0, 1) ? 127 : -128)
                                   : pick(-128, 127));
    for (size_t i = 0; i < nw; i++)
        l->w[i] = (int8_t)(extreme ? (pick(0, 1) ? 127 : -128)
                                   : pick(-128, 127));
    for (int32_t c = 0; c < s->c; c++) {
        l->bias[c] = pick(-70000, 70000);
        l->mult[c] = (int32_t)((1u << 30) + (next() >> 2));
        l->shift[c] = pick(-12, 1);
    }
    p->rq = (mcn_k_requant){l->mult, l->shift, s->c};
    p->input_data = l->x;
    p->filter_data = l->w;
    p->bias = l->bias;
}

/* Both kernels, out of place and (where allowed) in place, give the
   reference's bytes. */
static void check_layer(layer *l, const char *what)
{
    reference(l);
    for (int kn = 0; kn < 2; kn++) {
        const mcn_conv_kernel *k = kernel_named(names[kn]);
        int32_t lo, hi;
        for (int in_place = 0; in_place < 2; in_place++) {
            if (in_place && !k->overlap(&l->p, &lo, &hi))
                continue;
            memset(l->y, 0x55, l->ny);
            run(k, l, in_place);
            for (size_t i = 0; i < l->ny; i++)
                ck_assert_msg(l->y[i] == l->y_ref[i],
                              "%s, %s%s: output %zu is %d, the reference "
                              "says %d", k->name, what,
                              in_place ? " in place" : "", i, l->y[i],
                              l->y_ref[i]);
        }
    }
}

/* Each channel's requantization takes the fused SMMLAR form or the exact
   one by its own bounds (dwconv_plane.c, rq_channel). A 5x5 image, 3x3
   filter, padding 1, input zero point 0 (the folded bias is the bias),
   output zero point -128; every channel's inputs all x and weights all w,
   so the 9 interior outputs sum 9 equal products: w = x = -128 gives
   9 * 2^14 = 147456, the most any 3x3 sum can add (K = 147456 below).
   Channels on each side of each bound, worked where the output is not
   clamped (MBQM as TFLM's common.h: v = (a * m + 2^30) >> 31, then
   RoundingDivideByPOT by e, then -128):
   c0 bias 2^30 - 1 - K, m 2^30, shift -22: fused, the largest |a|:
      a = 2^30 - 1, a * m + 2^30 = 2^60, v = 2^29, / 2^22 = 128; out 0.
   c1 bias one more: exact (a = 2^30 would not double in int32); v =
      (2^60 + 2^30 + 2^30) >> 31 = 2^29, / 2^22 = 128; out 0.
   c2 bias -(2^30 - 1 - K), x = 127, m = INT32_MAX, shift -24 (exact:
      the SMMLAR sum could leave int32 past e = 22): a ~ -2^30, out -128.
   c3 the same at shift -22 (fused): out -128.
   c4-c7 w = 0, so a = bias = -1, -2, -3, 1, with m = 2^30, 2^29, 1, 0:
      v = 0 for all (a < 0 with t < 0 but v = 0: the sign rule's edge);
      out -128.
   c8 shift 7 (fused without rounding, weights times 2^8 still int16),
      m 16, bias 2^23 - 1 - K: a = 2^23 - 1, a * 2^7 * 16 = 2^34 - 2^11,
      + 2^30 >> 31 = 8; out -120.
   c9 bias one more: exact (a * 2^8 = 2^31); (2^34 + 2^30) >> 31 = 8;
      out -120.
   c10 shift 8: exact (weights times 2^9 leave int16), m 2845, bias 0,
      w = x = -128: a = K, (K * 2^8 * 2845 + 2^30) >> 31 = 50; out -78.
   c11 shift 0, bias -(2^30 - 1 - K), x = w = 127: fused, a = -2^30 + 1
      + K + 9 * 127^2 - ... compared with the reference only.
   Border outputs sum fewer taps; every output is checked against the
   reference kernel, the interior ones also against the values above. */
START_TEST(requant_paths_at_their_bounds)
{
    enum { C = 12, K = 9 << 14 };
    const int32_t big = (1 << 30) - 1 - K;
    static const int8_t xs[C] = {-128, -128, 127, 127, -128, -128, -128,
                                 -128, -128, -128, -128, 127};
    static const int8_t ws[C] = {-128, -128, -128, -128, 0, 0, 0, 0,
                                 -128, -128, -128, 127};
    const int32_t m[C] = {1 << 30, 1 << 30, INT32_MAX, INT32_MAX,
                          1 << 30, 1 << 29, 1, 0, 16, 16, 2845, 1518500250};
    const int32_t sh[C] = {-22, -22, -24, -22, -1, -2, -3, -1, 7, 7, 8, 0};
    const int32_t b[C] = {big, big + 1, -big, -big, -1, -2, -3, 1,
                          (1 << 23) - 1 - K, (1 << 23) - K, 0, -big};
    const int8_t interior[C] = {0, 0, -128, -128, -128, -128, -128, -128,
                                -120, -120, -78, 0};
    const shape s = {1, 5, 5, C, 3, 3, 1, 1, 1, 1, 1, 1};
    layer l;
    rng = 5;
    make(&l, &s, 0);
    for (int32_t px = 0; px < 25; px++)
        for (int c = 0; c < C; c++)
            l.x[px * C + c] = xs[c];
    for (int32_t t = 0; t < 9; t++)
        for (int c = 0; c < C; c++)
            l.w[t * C + c] = ws[c];
    for (int c = 0; c < C; c++) {
        l.mult[c] = m[c];
        l.shift[c] = sh[c];
        l.bias[c] = b[c];
    }
    l.p.input_offset = 0;
    l.p.output_offset = -128;
    l.p.act_min = -128;
    l.p.act_max = 127;
    check_layer(&l, "requantization bounds");
    for (int32_t oy = 1; oy < 4; oy++)
        for (int32_t ox = 1; ox < 4; ox++)
            for (int c = 0; c < C - 1; c++)
                ck_assert_msg(l.y_ref[(oy * 5 + ox) * C + c] == interior[c],
                              "channel %d: %d, worked %d", c,
                              l.y_ref[(oy * 5 + ox) * C + c], interior[c]);
    drop(&l);
}
END_TEST

/* The same paths on random layers with per-channel shifts from -12 to 1,
   half of them with the inputs and weights at -128 or 127. */
START_TEST(requant_paths_random)
{
    rng = 99;
    for (int trial = 0; trial < 40; trial++) {
        const shape s = {1, pick(1, 9), pick(1, 9), pick(1, 12), 3, 3,
                         pick(1, 2), pick(1, 2), 1, 1, 1, 1};
        layer l;
        make(&l, &s, trial % 2);
        if (trial % 4 < 2) {   /* the SSAT-only loop */
            l.p.act_min = -128;
            l.p.act_max = 127;
        }
        check_layer(&l, "random requantization");
        drop(&l);
    }
}
END_TEST

/* Shapes beyond test_kernel_variants.c's 12x12: planes too big to stage
   whole (the ring of rows), tall narrow images (staged transposed),
   filters up to 8x8 of any aspect, strides to 3, padding past the
   filter, two batches. Each mode must come up. */
START_TEST(staging_modes_against_the_reference)
{
    int seen_ring = 0, seen_transposed = 0, seen_whole = 0, in_place = 0;
    rng = 2024;
    for (int trial = 0; trial < 120; trial++) {
        shape s;
        s.n = pick(1, 2);
        s.c = pick(1, 5);
        s.kh = pick(0, 2) ? 3 : pick(1, 8);
        s.kw = pick(0, 2) ? 3 : pick(1, 8);
        s.sh = pick(1, 3);
        s.sw = pick(1, 3);
        switch (trial % 3) {
        case 0:   /* wide: the ring */
            s.sh = pick(1, 2);
            s.sw = pick(1, 2);
            s.h = pick(24, 48);
            s.w = pick(40, 64);
            break;
        case 1:   /* tall and narrow: transposed */
            s.h = pick(20, 60);
            s.w = pick(1, 6);
            break;
        default:
            s.h = pick(1, 16);
            s.w = pick(1, 16);
        }
        s.pt = pick(0, s.kh + 1);
        s.pl = pick(0, s.kw + 1);
        s.pb = pick(0, s.kh);
        s.pr = pick(0, s.kw);
        if (s.h + s.pt + s.pb < s.kh || s.w + s.pl + s.pr < s.kw)
            continue;
        layer l;
        make(&l, &s, trial % 7 == 0);
        dw_geom g;
        mcn_dw_geometry(&l.p, &g);
        seen_ring += !g.whole;
        seen_transposed += g.transposed;
        seen_whole += g.whole && !g.transposed;
        int32_t lo, hi;
        in_place += mcn_k_dwconv_plane_overlap(&l.p, &lo, &hi);
        check_layer(&l, "staging modes");
        drop(&l);
    }
    ck_assert_int_ge(seen_ring, 10);
    ck_assert_int_ge(seen_transposed, 10);
    ck_assert_int_ge(seen_whole, 10);
    ck_assert_int_ge(in_place, 20);
}
END_TEST

/* In place exactly when no input slot is written before it is staged:
   worked cases of mcn_k_dwconv_plane_overlap. */
START_TEST(overlap_rule)
{
    layer l;
    int32_t lo = 1, hi = 1;
    /* 3x3 pad 1 stride 1, same size: yes, at offset 0 only */
    const shape same = {1, 48, 48, 4, 3, 3, 1, 1, 1, 1, 1, 1};
    make(&l, &same, 0);
    ck_assert(mcn_k_dwconv_plane_overlap(&l.p, &lo, &hi));
    ck_assert_int_eq(lo, 0);
    ck_assert_int_eq(hi, 0);
    drop(&l);
    /* stride 2, half size: yes */
    const shape half = {2, 48, 48, 4, 3, 3, 2, 2, 0, 0, 1, 1};
    make(&l, &half, 0);
    ck_assert(mcn_k_dwconv_plane_overlap(&l.p, &lo, &hi));
    drop(&l);
    /* padding makes the output bigger than the input: no */
    const shape grow = {1, 2, 2, 4, 1, 1, 1, 1, 1, 1, 1, 1};
    make(&l, &grow, 0);
    ck_assert(!mcn_k_dwconv_plane_overlap(&l.p, &lo, &hi));
    drop(&l);
    /* Through the ring (60 wide): padding 4 above a 3-high filter
       stages input row 0 only for output row 4, after output rows 0..3
       have covered input pixels 0 .. 4 * 58 - 1, which include row 0:
       f = KH - pad_top = -1 < 0 for oy = 1. No. */
    const shape late = {1, 40, 60, 4, 3, 3, 1, 1, 4, 0, 0, 0};
    make(&l, &late, 0);
    dw_geom g;
    mcn_dw_geometry(&l.p, &g);
    ck_assert(!g.whole);
    ck_assert(!mcn_k_dwconv_plane_overlap(&l.p, &lo, &hi));
    drop(&l);
    /* The same staged whole (small): every row is read first. Yes. */
    const shape small = {1, 6, 6, 4, 3, 3, 1, 1, 4, 0, 0, 0};
    make(&l, &small, 0);
    mcn_dw_geometry(&l.p, &g);
    ck_assert(g.whole);
    ck_assert(mcn_k_dwconv_plane_overlap(&l.p, &lo, &hi));
    check_layer(&l, "padding past the filter, whole");
    drop(&l);
}
END_TEST

/* ---- through the packer and mcn_init ---- */

/* x [1,6,6,3] (0.05, zp -7) -> DEPTHWISE_CONV_2D 3x3 pad 1 -> y [1,6,6,3]
   (0.1, zp 2), weights per tensor 0.02. */
static void build(graph *g)
{
    static const int32_t s_x[4] = {1, 6, 6, 3}, s_w[4] = {1, 3, 3, 3};
    int8_t wv[27];
    for (int i = 0; i < 27; i++)
        wv[i] = (int8_t)(i * 37 % 255 - 127);
    graph_init(g);
    int x = tm_int8(g, "x", 4, s_x, 0.05f, -7, NULL, 0);
    int y = tm_int8(g, "y", 4, s_x, 0.1f, 2, NULL, 0);
    int w = tm_int8(g, "w", 4, s_w, 0.02f, 0, wv, sizeof wv);
    int n = tm_node(g, MCN_OP_DEPTHWISE_CONV_2D, x, w, y);
    graph_node *nd = &g->nodes[n];
    nd->stride_h = nd->stride_w = nd->dilation_h = nd->dilation_w = 1;
    nd->pad_top = nd->pad_left = nd->pad_bottom = nd->pad_right = 1;
    nd->groups = nd->depth_multiplier = 1;
    nd->filter_h = nd->filter_w = 3;
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = y;
}

static void pack_for(graph *g, mcn_target t)
{
    mcn_err e = {0};
    pack_opts o = {.keep_names = true, .target = t};
    ck_assert_msg(pack_graph(g, &o, &e) == 0, "%s", e.msg);
}

/* Each target gets its kernel, and every packing runs to the reference
   packing's bytes. */
START_TEST(targets_pick_and_agree)
{
    static const mcn_target t[3] = {MCN_TARGET_CORTEX_M4,
                                    MCN_TARGET_CORTEX_M3,
                                    MCN_TARGET_GENERIC};
    static const char *const want[3] = {"dwconv_s8_smlad", "dwconv_s8_planar",
                                        "dwconv_s8_planar"};
    int8_t x[108], ref[108], got[108];
    for (int i = 0; i < 108; i++)
        x[i] = (int8_t)(i * 71 % 256 - 128);
    const int8_t *xs[1] = {x};
    graph g;
    build(&g);
    pack_for(&g, MCN_TARGET_REFERENCE);
    ck_assert_int_eq(g.nodes[0].kernel, 0);
    run_int8(&g, xs, ref, sizeof ref);
    for (int i = 0; i < 3; i++) {
        build(&g);
        pack_for(&g, t[i]);
        const mcn_conv_kernel *k = mcn_conv_kernel_get(g.nodes[0].kernel);
        ck_assert_ptr_nonnull(k);
        ck_assert_str_eq(k->name, want[i]);
        ck_assert_uint_ne(g.nodes[0].scratch_bytes, 0);
        run_int8(&g, xs, got, sizeof got);
        ck_assert_mem_eq(got, ref, sizeof ref);
    }
}
END_TEST

/* The output d bytes after the input (d < 0: before), moving the input
   up when it sits at 0. */
static void y_on_x(graph *g, int32_t d)
{
    graph_tensor *x = &g->tensors[g->inputs[0]];
    graph_tensor *y = &g->tensors[g->outputs[0]];
    if (x->arena_offset + d < 0)
        x->arena_offset = -d;
    y->arena_offset = x->arena_offset + d;
}

static void y_at_x(graph *g)
{
    y_on_x(g, 0);
}

static void y_one_past_x(graph *g)
{
    y_on_x(g, 1);
}

static void y_one_before_x(graph *g)
{
    y_on_x(g, -1);
}

static void scratch_short(graph *g)
{
    g->nodes[0].scratch_bytes -= 4;
}

/* The scratch over the input's last word, inside the arena. */
static void scratch_on_x(graph *g)
{
    const graph_tensor *x = &g->tensors[g->inputs[0]];
    int32_t end = x->arena_offset + (int32_t)graph_tensor_bytes(x);
    int32_t off = end - 4;
    if (off + (int32_t)g->nodes[0].scratch_bytes > (int32_t)g->arena_bytes)
        off = ((int32_t)g->arena_bytes - (int32_t)g->nodes[0].scratch_bytes) &
              ~3;
    ck_assert_int_lt(off, end);
    ck_assert_int_gt(off + (int32_t)g->nodes[0].scratch_bytes,
                     x->arena_offset);
    g->nodes[0].scratch_offset = off;
}

static void build_m4(graph *g)
{
    build(g);
    pack_for(g, MCN_TARGET_CORTEX_M4);
}

/* The output on the input at offset 0 is accepted and gives the same
   bytes; at any other offset, a short scratch, or a scratch on the input
   is refused. */
START_TEST(init_checks_overlap_and_scratch)
{
    int8_t x[108], ref[108];
    for (int i = 0; i < 108; i++)
        x[i] = (int8_t)(i * 53 % 256 - 128);
    const int8_t *xs[1] = {x};
    graph g;
    build_m4(&g);
    run_int8(&g, xs, ref, sizeof ref);
    int32_t failed;
    build_m4(&g);
    y_at_x(&g);
    ck_assert_int_eq(init_status(&g, &failed), MCN_OK);
    /* in place: the input slot holds the output after the run */
    int8_t got[108];
    build_m4(&g);
    y_at_x(&g);
    run_int8(&g, xs, got, sizeof got);
    ck_assert_mem_eq(got, ref, sizeof ref);
    static const tm_refusal cases[] = {
        {y_one_past_x, MCN_ERR_MODEL, 0},
        {y_one_before_x, MCN_ERR_MODEL, 0},
        {scratch_short, MCN_ERR_MODEL, 0},
        {scratch_on_x, MCN_ERR_MODEL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        build_m4(&g);
        cases[i].edit(&g);
        ck_assert_int_eq(init_status(&g, &failed), cases[i].want);
        ck_assert_int_eq(failed, cases[i].op);
    }
}
END_TEST

Suite *suite_kernel_dwconv_planar(void)
{
    Suite *s = suite_create("kernel_dwconv_planar");
    TCase *tc = tcase_create("kernel_dwconv_planar");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, dsp_operations_portable);
    tcase_add_test(tc, worked_by_hand);
    tcase_add_test(tc, requant_paths_at_their_bounds);
    tcase_add_test(tc, requant_paths_random);
    tcase_add_test(tc, staging_modes_against_the_reference);
    tcase_add_test(tc, overlap_rule);
    tcase_add_test(tc, targets_pick_and_agree);
    tcase_add_test(tc, init_checks_overlap_and_scratch);
    suite_add_tcase(s, tc);
    return s;
}
