/*
** conv_1x1_s8_smlad_paired.c: CONV_2D with a 1x1 filter, stride 1, no
** padding, one group, over two or more pixels (and FULLY_CONNECTED with
** two or more batch rows), on the DSP extension. Two pixels at a time:
** their inputs are first widened to int16 in scratch, in SXTB16 order
** (per 4 input channels: pixel 0's even bytes, pixel 1's even, pixel 0's
** odd, pixel 1's odd) with their sums; then each pair of output channels
** runs over them with the paired lanes of paired_s8.h: per 4 input
** channels one LDRD of weights, two LDRDs of inputs, two UXTB16s and
** eight SMLADs for 16 multiply-accumulates. A last odd pixel goes alone.
** The input offset is folded into the bias at pack time. Same bits as
** mcn_k_conv_s8.
*/
#include "paired_s8.h"

static int32_t pixels_of(const mcn_k_conv_params *p)
{
    return p->output.n * p->output.h * p->output.w;
}

int mcn_k_conv_1x1_s8_smlad_paired_applies(const mcn_k_conv_params *p)
{
    return mcn_k_conv_1x1_s8_applies(p) && mcn_k_rq_nonneg(&p->rq) &&
           (int64_t)p->output.n * p->output.h * p->output.w >= 2;
}

void mcn_k_conv_1x1_s8_smlad_paired_layout(const mcn_k_conv_params *p,
                                           int8_t *w, int32_t *bias)
{
    mcn_k_paired_layout(p, w, bias, 0);
}

/* Both pixels of a pair (or the last odd pixel) are read whole into
   scratch before any of their outputs is written, so the output may
   start up to d bytes after the input when, for every group of k pixels
   ending at pixel e, d + e * out_c <= e * depth: d <= e * (depth - out_c)
   for e = 2, 4, ... and the last pixel count. The least is at e = 2 or
   at e = pixels. */
int mcn_k_conv_1x1_s8_smlad_paired_overlap(const mcn_k_conv_params *p,
                                           int32_t *lo, int32_t *hi)
{
    const int64_t pixels = (int64_t)p->output.n * p->output.h * p->output.w;
    const int64_t gap = (int64_t)p->input.c - p->output.c;
    int64_t best = 2 * gap < pixels * gap ? 2 * gap : pixels * gap;
    if (best < INT32_MIN)
        return 0;
    *lo = INT32_MIN;
    *hi = best > INT32_MAX ? INT32_MAX : (int32_t)best;
    return 1;
}

/* ---- widening ---- */

/* Pixels x0, x1 into xs (see the top), then one word {x0[k], x1[k]} per
   input channel past the last whole step; their sums in *s0, *s1. */
static void widen2(const int8_t *x0, const int8_t *x1, int32_t depth,
                   uint32_t *xs, int32_t *s0, int32_t *s1)
{
    const uint32_t ones = 0x00010001u;
    int32_t a0 = 0, a1 = 0, k = 0;
    for (; k + 4 <= depth; k += 4, xs += 4) {
        const uint32_t a = mcn_load_u32(x0 + k), b = mcn_load_u32(x1 + k);
        const uint32_t ae = mcn_sxtb16(a), ao = mcn_sxtb16_ror8(a);
        const uint32_t be = mcn_sxtb16(b), bo = mcn_sxtb16_ror8(b);
        xs[0] = ae;
        xs[1] = be;
        xs[2] = ao;
        xs[3] = bo;
        a0 = mcn_smlad(ae, ones, mcn_smlad(ao, ones, a0));
        a1 = mcn_smlad(be, ones, mcn_smlad(bo, ones, a1));
    }
    for (; k < depth; k++) {
        *xs++ = mcn_pack16(x0[k], x1[k]);
        a0 += x0[k];
        a1 += x1[k];
    }
    *s0 = a0;
    *s1 = a1;
}

/* One pixel: per step {even, odd}, then one word per remaining channel. */
static int32_t widen1(const int8_t *x0, int32_t depth, uint32_t *xs)
{
    const uint32_t ones = 0x00010001u;
    int32_t a0 = 0, k = 0;
    for (; k + 4 <= depth; k += 4, xs += 2) {
        const uint32_t a = mcn_load_u32(x0 + k);
        xs[0] = mcn_sxtb16(a);
        xs[1] = mcn_sxtb16_ror8(a);
        a0 = mcn_smlad(xs[0], ones, mcn_smlad(xs[1], ones, a0));
    }
    for (; k < depth; k++) {
        *xs++ = mcn_pack16(x0[k], 0);
        a0 += x0[k];
    }
    return a0;
}

/* ---- the inner loops: n >= 1 steps of 4 input channels ---- */

typedef struct {
    int32_t r0, u0, r1, u1;
} acc2;

#if MCN_ARCH_DSP
/* One step of two pixels: weights E, O; inputs {x0e, x1e}, {x0o, x1o}. */
#define STEP2                                         \
    "ldrd   %[we], %[wo], [%[w]], #8\n\t"             \
    "ldrd   %[xa], %[xb], [%[x]], #8\n\t"             \
    "uxtb16 %[u], %[we]\n\t"                          \
    "smlad  %[r0], %[we], %[xa], %[r0]\n\t"           \
    "smlad  %[u0], %[u], %[xa], %[u0]\n\t"            \
    "smlad  %[r1], %[we], %[xb], %[r1]\n\t"           \
    "smlad  %[u1], %[u], %[xb], %[u1]\n\t"            \
    "ldrd   %[xa], %[xb], [%[x]], #8\n\t"             \
    "uxtb16 %[u], %[wo]\n\t"                          \
    "smlad  %[r0], %[wo], %[xa], %[r0]\n\t"           \
    "smlad  %[u0], %[u], %[xa], %[u0]\n\t"            \
    "smlad  %[r1], %[wo], %[xb], %[r1]\n\t"           \
    "smlad  %[u1], %[u], %[xb], %[u1]\n\t"

/* One step of one pixel: weights E, O; inputs {x0e, x0o}. */
#define STEP1                                         \
    "ldrd   %[we], %[wo], [%[w]], #8\n\t"             \
    "ldrd   %[xa], %[xb], [%[x]], #8\n\t"             \
    "uxtb16 %[u], %[we]\n\t"                          \
    "smlad  %[r0], %[we], %[xa], %[r0]\n\t"           \
    "smlad  %[u0], %[u], %[xa], %[u0]\n\t"            \
    "uxtb16 %[u], %[wo]\n\t"                          \
    "smlad  %[r0], %[wo], %[xb], %[r0]\n\t"           \
    "smlad  %[u0], %[u], %[xb], %[u0]\n\t"

/* Two steps per turn; an odd count enters at the second (the step count
   is bit `odd` of the input bytes to go). */
#define TURNS(step, odd)                              \
    "sub    %[u], %[xend], %[x]\n\t"                  \
    "tst    %[u], #" odd "\n\t"                       \
    "bne    2f\n"                                     \
    "1:\n\t" step "2:\n\t" step                       \
    "cmp    %[x], %[xend]\n\t"                        \
    "bne    1b\n\t"
#endif

PAIRED_INLINE void steps2(const uint32_t **wp, const uint32_t **xp, int32_t n,
                   acc2 *a)
{
    const uint32_t *w = *wp, *x = *xp;
#if MCN_ARCH_DSP
    const uint32_t *xend = x + 4 * n;
    uint32_t we, wo, u, xa, xb;
    __asm__ volatile(TURNS(STEP2, "16")
                     : [r0] "+r"(a->r0), [u0] "+r"(a->u0), [r1] "+r"(a->r1),
                       [u1] "+r"(a->u1), [w] "+r"(w), [x] "+r"(x),
                       [we] "=&r"(we), [wo] "=&r"(wo), [u] "=&r"(u),
                       [xa] "=&r"(xa), [xb] "=&r"(xb)
                     : [xend] "r"(xend)
                     : "cc", "memory");
#else
    for (int32_t i = 0; i < n; i++, w += 2, x += 4) {
        const uint32_t ue = mcn_uxtb16(w[0]), uo = mcn_uxtb16(w[1]);
        a->r0 = mcn_smlad(w[1], x[2], mcn_smlad(w[0], x[0], a->r0));
        a->u0 = mcn_smlad(uo, x[2], mcn_smlad(ue, x[0], a->u0));
        a->r1 = mcn_smlad(w[1], x[3], mcn_smlad(w[0], x[1], a->r1));
        a->u1 = mcn_smlad(uo, x[3], mcn_smlad(ue, x[1], a->u1));
    }
#endif
    *wp = w;
    *xp = x;
}

PAIRED_INLINE void steps1(const uint32_t **wp, const uint32_t **xp, int32_t n,
                   acc2 *a)
{
    const uint32_t *w = *wp, *x = *xp;
#if MCN_ARCH_DSP
    const uint32_t *xend = x + 2 * n;
    uint32_t we, wo, u, xa, xb;
    __asm__ volatile(TURNS(STEP1, "8")
                     : [r0] "+r"(a->r0), [u0] "+r"(a->u0), [w] "+r"(w),
                       [x] "+r"(x), [we] "=&r"(we), [wo] "=&r"(wo),
                       [u] "=&r"(u), [xa] "=&r"(xa), [xb] "=&r"(xb)
                     : [xend] "r"(xend)
                     : "cc", "memory");
#else
    for (int32_t i = 0; i < n; i++, w += 2, x += 2) {
        a->r0 = mcn_smlad(w[1], x[1], mcn_smlad(w[0], x[0], a->r0));
        a->u0 = mcn_smlad(mcn_uxtb16(w[1]), x[1],
                          mcn_smlad(mcn_uxtb16(w[0]), x[0], a->u0));
    }
#endif
    *wp = w;
    *xp = x;
}

/* ---- one pass over the pixels in scratch ---- */

/* Pairs whose int32 sums are made before any is requantized: the sums of
   a group wait in scratch, so the requantization runs as its own loop
   with few registers live. */
#define GROUP_PAIRS 16

typedef struct {
    const mcn_k_conv_params *p;
    paired_rq rq;
    int32_t depth, out_c, steps, rest, pairs;
    const uint8_t *tails;       /* part 3 of the layout */
    const int8_t *single;       /* an odd last channel's first weights */
    int32_t *acc;               /* GROUP_PAIRS * 4 sums */
    uint32_t *xs;               /* the widened pixels */
} conv_ctx;

/* The sums of the common case: two pixels, mcn_rq_fast, 1 to
   PAIRED_CHUNK_STEPS steps and no tail. Channel 2j's two pixels go to
   acc[4i], acc[4i + 1], channel 2j + 1's to acc[4i + 2], acc[4i + 3],
   for pair j = j0 + i; t[] is 128 * each pixel's sum. Everything the loop
   reads is in locals: the stores to acc could alias a struct. */
static const uint32_t *group_sums2(const int32_t *b, int32_t n,
                                   const uint32_t *w, const uint32_t *xs,
                                   int32_t steps, const uint32_t *t,
                                   int32_t *acc)
{
    const uint32_t t0 = t[0], t1 = t[1];
    for (const int32_t *end = b + 2 * n; b != end; b += 2, acc += 4) {
        const int32_t bh = b[1];
        acc2 a;
        a.u0 = a.r0 = mcn_wrap_i32((uint32_t)b[0] - t0);
        a.u1 = a.r1 = mcn_wrap_i32((uint32_t)b[0] - t1);
        const uint32_t *x = xs;
        steps2(&w, &x, steps, &a);
        acc[0] = a.u0;
        acc[1] = a.u1;
        acc[2] = paired_high(bh, a.r0, a.u0);
        acc[3] = paired_high(bh, a.r1, a.u1);
    }
    return w;
}

/* The same for any case, one or two pixels (sums s[]), with the tails. */
static void group_sums(const conv_ctx *k, int32_t j0, int32_t n,
                       const uint32_t **w, int pixels, const int32_t *s)
{
    const int32_t *bias = k->p->bias;
    int32_t *acc = k->acc;
    for (int32_t j = j0; j < j0 + n; j++, acc += 4) {
        acc2 a;
        a.u0 = mcn_wrap_i32((uint32_t)bias[2 * j] - paired_sum128(s[0]));
        a.u1 = mcn_wrap_i32((uint32_t)bias[2 * j] - paired_sum128(s[1]));
        a.r0 = a.u0;
        a.r1 = a.u1;
        int32_t h0 = bias[2 * j + 1], h1 = h0;
        const uint32_t *x = k->xs;
        for (int32_t left = k->steps; left > 0;
             left -= PAIRED_CHUNK_STEPS) {
            const int32_t m = left < PAIRED_CHUNK_STEPS ? left
                                                        : PAIRED_CHUNK_STEPS;
            if (pixels == 2)
                steps2(w, &x, m, &a);
            else
                steps1(w, &x, m, &a);
            paired_take_high(&h0, &a.r0, a.u0);
            paired_take_high(&h1, &a.r1, a.u1);
        }
        const uint8_t *t = k->tails + (int64_t)2 * k->rest * j;
        for (int32_t i = 0; i < k->rest; i++) {
            const int32_t x0 = mcn_lo16(x[i]), x1 = mcn_hi16(x[i]);
            const int32_t l = paired_tail_lo(t, i), h = paired_tail_hi(t, i);
            a.u0 = paired_mac(a.u0, l, x0);
            a.u1 = paired_mac(a.u1, l, x1);
            h0 = paired_mac(h0, h, x0);
            h1 = paired_mac(h1, h, x1);
        }
        acc[0] = a.u0;
        acc[1] = a.u1;
        acc[2] = h0;
        acc[3] = h1;
    }
}

/* n channels' two pixels' sums acc[2i], acc[2i + 1] into d0[i], d1[i],
   requantized by c[i * step] with mcn_rq_fast; two channels a turn. */
static void out2_fast(const mcn_rq_fast *c, int32_t step, int32_t off,
                      const int32_t *acc, int32_t n, int8_t *d0, int8_t *d1)
{
    int32_t i = 0;
    for (; i + 2 <= n; i += 2, c += 2 * step, acc += 4) {
        const mcn_rq_fast cl = c[0], ch = c[step];
        const int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
        d0[i] = paired_out_fast(a0, &cl, off);
        d1[i] = paired_out_fast(a1, &cl, off);
        d0[i + 1] = paired_out_fast(a2, &ch, off);
        d1[i + 1] = paired_out_fast(a3, &ch, off);
    }
    if (i < n) {
        const mcn_rq_fast cl = c[0];
        const int32_t a0 = acc[0], a1 = acc[1];
        d0[i] = paired_out_fast(a0, &cl, off);
        d1[i] = paired_out_fast(a1, &cl, off);
    }
}

/* Channels c0 .. c0 + n - 1 from their sums acc[2i], acc[2i + 1] (pixel
   0, pixel 1) into d0 and, for two pixels, d1. */
static void group_out(const conv_ctx *k, int32_t c0, int32_t n,
                      const int32_t *acc, int8_t *d0, int8_t *d1)
{
    if (d1 && k->rq.fast && !k->rq.clamp) {
        out2_fast(k->rq.c + c0 * k->rq.step, k->rq.step,
                  k->p->output_offset, acc, n, d0 + c0, d1 + c0);
        return;
    }
    for (int32_t i = 0; i < n; i++, acc += 2) {
        d0[c0 + i] = paired_out(&k->rq, acc[0], c0 + i);
        if (d1)
            d1[c0 + i] = paired_out(&k->rq, acc[1], c0 + i);
    }
}

/* The odd last channel, plain int8 weights, over the widened pixels. */
static void single_sums(const conv_ctx *k, int pixels, int32_t *acc)
{
    const int32_t stride = pixels == 2 ? 4 : 2;
    const int8_t *w = k->single;
    const uint32_t *xs = k->xs;
    int32_t a0 = k->p->bias[k->out_c - 1], a1 = a0;
    for (int32_t i = 0; i < k->steps; i++, xs += stride) {
        const uint32_t v = mcn_load_u32(w + 4 * i);
        const uint32_t we = mcn_sxtb16(v), wo = mcn_sxtb16_ror8(v);
        if (pixels == 2) {
            a0 = mcn_smlad(wo, xs[2], mcn_smlad(we, xs[0], a0));
            a1 = mcn_smlad(wo, xs[3], mcn_smlad(we, xs[1], a1));
        } else {
            a0 = mcn_smlad(wo, xs[1], mcn_smlad(we, xs[0], a0));
        }
    }
    const uint8_t *t = k->tails + (int64_t)2 * k->rest * k->pairs;
    for (int32_t i = 0; i < k->rest; i++) {
        const int32_t wv = (int8_t)t[i];
        a0 = paired_mac(a0, wv, mcn_lo16(xs[i]));
        a1 = paired_mac(a1, wv, mcn_hi16(xs[i]));
    }
    acc[0] = a0;
    acc[1] = a1;
}

/* Outputs of `pixels` (1 or 2) widened pixels with sums s[] into d
   (out_c bytes per pixel). */
static void pixels_out(const conv_ctx *k, int pixels, const int32_t *s,
                       int8_t *d)
{
    const uint32_t *w = (const uint32_t *)(const void *)k->p->filter_data;
    int8_t *d1 = pixels == 2 ? d + k->out_c : 0;
    const int hot = pixels == 2 && k->rq.fast && !k->rq.clamp &&
                    k->rest == 0 && k->steps > 0 &&
                    k->steps <= PAIRED_CHUNK_STEPS;
    const uint32_t t[2] = {paired_sum128(s[0]), paired_sum128(s[1])};
    for (int32_t j0 = 0; j0 < k->pairs; j0 += GROUP_PAIRS) {
        const int32_t n = k->pairs - j0 < GROUP_PAIRS ? k->pairs - j0
                                                      : GROUP_PAIRS;
        if (hot)
            w = group_sums2(k->p->bias + 2 * j0, n, w, k->xs, k->steps, t,
                            k->acc);
        else
            group_sums(k, j0, n, &w, pixels, s);
        group_out(k, 2 * j0, 2 * n, k->acc, d, d1);
    }
    if (k->out_c % 2) {
        single_sums(k, pixels, k->acc);
        group_out(k, k->out_c - 1, 1, k->acc, d, d1);
    }
}

/* Scratch: the requant constants, the group's sums, the widened pixels. */
static uint64_t acc_bytes(const mcn_k_conv_params *p)
{
    const int32_t pairs = p->output.c / 2;
    return (uint64_t)(pairs < GROUP_PAIRS ? (pairs > 0 ? pairs : 1)
                                          : GROUP_PAIRS) * 16u;
}

uint32_t mcn_k_conv_1x1_s8_smlad_paired_scratch_bytes(
    const mcn_k_conv_params *p)
{
    uint64_t n = paired_rq_scratch(p) + acc_bytes(p) +
                 (uint64_t)p->input.c * 4u;
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

void mcn_k_conv_1x1_s8_smlad_paired(const mcn_k_conv_params *p)
{
    const int32_t pixels = pixels_of(p);
    conv_ctx k;
    k.p = p;
    k.depth = p->input.c;
    k.out_c = p->output.c;
    k.steps = k.depth / 4;
    k.rest = k.depth % 4;
    k.pairs = k.out_c / 2;
    const int32_t d4 = k.depth - k.rest;
    k.single = p->filter_data + (int64_t)2 * k.pairs * d4;
    k.tails = (const uint8_t *)k.single + (k.out_c % 2 ? d4 : 0);
    uint8_t *scratch = (uint8_t *)p->scratch;
    mcn_rq_fast one;
    paired_rq_init(&k.rq, p, p->rq.count > 1 ? (mcn_rq_fast *)(void *)scratch
                                             : &one);
    k.acc = (int32_t *)(void *)(scratch + paired_rq_scratch(p));
    k.xs = (uint32_t *)(void *)(scratch + paired_rq_scratch(p) +
                                acc_bytes(p));
    const int8_t *in = p->input_data;
    int8_t *out = p->output_data;
    int32_t s[2], px = 0;
    for (; px + 2 <= pixels; px += 2) {
        const int8_t *x0 = in + (int64_t)px * k.depth;
        widen2(x0, x0 + k.depth, k.depth, k.xs, &s[0], &s[1]);
        pixels_out(&k, 2, s, out + (int64_t)px * k.out_c);
    }
    if (px < pixels) {
        s[0] = widen1(in + (int64_t)px * k.depth, k.depth, k.xs);
        s[1] = 0;
        pixels_out(&k, 1, s, out + (int64_t)px * k.out_c);
    }
}
