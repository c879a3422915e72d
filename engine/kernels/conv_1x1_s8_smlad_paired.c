/*
** conv_1x1_s8_smlad_paired.c: CONV_2D with a 1x1 filter, stride 1, no
** padding, one group, over two or more pixels (and FULLY_CONNECTED with
** two or more batch rows), on the DSP extension. Two pixels at a time:
** their inputs are first widened to int16 in scratch, in SXTB16 order
** (per 4 input channels: pixel 0's even bytes, pixel 1's even, pixel 0's
** odd, pixel 1's odd) with their sums; then each pair of output channels
** runs over them with the paired lanes of paired_s8.h: per 4 input
** channels one LDRD of weights, one LDM of four input words, two UXTB16s
** and eight SMLADs for 16 multiply-accumulates, in a hand-scheduled loop
** that also requantizes. A last odd pixel goes alone.
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
   input channel past the last whole step; their sums (modulo 2^32, by
   USADA8 as in mcn_k_paired_widen1) in *s0, *s1. */
PAIRED_INLINE void widen2(const int8_t *x0, const int8_t *x1, int32_t depth,
                          uint32_t *xs, int32_t *s0, int32_t *s1)
{
    uint32_t a0 = 0, a1 = 0;
    int32_t k = 0;
    for (; k + 4 <= depth; k += 4, xs += 4) {
        const uint32_t a = mcn_load_u32(x0 + k), b = mcn_load_u32(x1 + k);
        xs[0] = mcn_sxtb16(a);
        xs[1] = mcn_sxtb16(b);
        xs[2] = mcn_sxtb16_ror8(a);
        xs[3] = mcn_sxtb16_ror8(b);
        a0 = mcn_usada8(a ^ 0x80808080u, 0, a0);
        a1 = mcn_usada8(b ^ 0x80808080u, 0, a1);
    }
    a0 -= (uint32_t)k * 128u;
    a1 -= (uint32_t)k * 128u;
    for (; k < depth; k++) {
        *xs++ = mcn_pack16(x0[k], x1[k]);
        a0 += (uint32_t)(int32_t)x0[k];
        a1 += (uint32_t)(int32_t)x1[k];
    }
    *s0 = mcn_wrap_i32(a0);
    *s1 = mcn_wrap_i32(a1);
}

/* ---- the inner loops: n >= 1 steps of 4 input channels ---- */

typedef struct {
    int32_t r0, u0, r1, u1;
} acc2;

#if MCN_ARCH_DSP
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

/* n >= 1 steps of one pair over `pixels` (1 or 2) widened pixels. */
PAIRED_INLINE void pair_steps(const uint32_t **wp, const uint32_t **xp,
                              int32_t n, int pixels, acc2 *a)
{
    const uint32_t *w = *wp, *x = *xp;
#if MCN_ARCH_DSP
    const uint32_t *xend = x + 2 * pixels * n;
    uint32_t we, wo, u, xa, xb;
    if (pixels == 2)
        __asm__ volatile(TURNS(STEP2, "16")
                         : [r0] "+r"(a->r0), [u0] "+r"(a->u0),
                           [r1] "+r"(a->r1), [u1] "+r"(a->u1), [w] "+r"(w),
                           [x] "+r"(x), [we] "=&r"(we), [wo] "=&r"(wo),
                           [u] "=&r"(u), [xa] "=&r"(xa), [xb] "=&r"(xb)
                         : [xend] "r"(xend)
                         : "cc", "memory");
    else
        __asm__ volatile(TURNS(STEP1, "8")
                         : [r0] "+r"(a->r0), [u0] "+r"(a->u0), [w] "+r"(w),
                           [x] "+r"(x), [we] "=&r"(we), [wo] "=&r"(wo),
                           [u] "=&r"(u), [xa] "=&r"(xa), [xb] "=&r"(xb)
                         : [xend] "r"(xend)
                         : "cc", "memory");
#else
    for (int32_t i = 0; i < n; i++, w += 2, x += 2 * pixels) {
        const uint32_t ue = mcn_uxtb16(w[0]), uo = mcn_uxtb16(w[1]);
        /* Pixel 0's even and odd words; pixel 1's at 1 and 3. */
        const uint32_t e0 = x[0], o0 = x[pixels];
        a->r0 = mcn_smlad(w[1], o0, mcn_smlad(w[0], e0, a->r0));
        a->u0 = mcn_smlad(uo, o0, mcn_smlad(ue, e0, a->u0));
        if (pixels == 2) {
            a->r1 = mcn_smlad(w[1], x[3], mcn_smlad(w[0], x[1], a->r1));
            a->u1 = mcn_smlad(uo, x[3], mcn_smlad(ue, x[1], a->u1));
        }
    }
#endif
    *wp = w;
    *xp = x;
}

/* ---- the outputs of one or two widened pixels ---- */

typedef struct {
    const mcn_k_conv_params *p;
    paired_rq rq;
    int32_t depth, out_c, steps, rest, pairs;
    const uint8_t *tails;       /* part 3 of the layout */
    const int8_t *single;       /* an odd last channel's first weights */
    uint32_t *xs;               /* the widened pixels */
} conv_ctx;

/* Pair j's int32 sums over `pixels` widened pixels with sums s[]: both
   channels for each pixel in lo[], hi[]; *w moves past the pair. */
static void pair_sums(const conv_ctx *k, int32_t j, const uint32_t **w,
                      int pixels, const int32_t *s, int32_t *lo, int32_t *hi)
{
    const int32_t *bias = k->p->bias;
    acc2 a;
    a.u0 = mcn_wrap_i32((uint32_t)bias[2 * j] - paired_sum128(s[0]));
    a.u1 = mcn_wrap_i32((uint32_t)bias[2 * j] - paired_sum128(s[1]));
    a.r0 = a.u0;
    a.r1 = a.u1;
    int32_t h0 = bias[2 * j + 1], h1 = h0;
    const uint32_t *x = k->xs;
    for (int32_t left = k->steps; left > 0; left -= PAIRED_CHUNK_STEPS) {
        const int32_t n = left < PAIRED_CHUNK_STEPS ? left
                                                    : PAIRED_CHUNK_STEPS;
        pair_steps(w, &x, n, pixels, &a);
        h0 = paired_high(h0, a.r0, a.u0);
        h1 = paired_high(h1, a.r1, a.u1);
        a.r0 = a.u0;
        a.r1 = a.u1;
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
    lo[0] = a.u0;
    lo[1] = a.u1;
    hi[0] = h0;
    hi[1] = h1;
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

#if MCN_ARCH_DSP
/* What the common case's loop reads, in the order it loads it. */
typedef struct {
    const uint32_t *w;          /*  0: weights of the first pair */
    const int32_t *b;           /*  4: bias of the next pair */
    uint32_t t0, t1;            /*  8: 128 * each pixel's sum */
    const uint32_t *xs, *xend;  /* 16: the widened pixels */
    const mcn_rq_fast *c;       /* 24: constants of the next channel */
    int32_t off;                /* 28: output offset */
    int8_t *d0, *d1;            /* 32: next outputs of the two pixels */
    int8_t *d0end;              /* 40 */
    int32_t stash;              /* 44: the loop's */
} pw2_job;

/* mcn_rq_fast_apply of register v, + output offset (lr), SSAT: constants
   m r4, round_hi r5, shift r6; r7, r8 scratch. */
#define RQ2(v)                                        \
    "and    r7, " v ", #0x80000000\n\t"               \
    "orr    r7, r7, #0x40000000\n\t"                  \
    "add    r8, r5, " v ", asr #31\n\t"               \
    "smlal  r7, r8, " v ", r4\n\t"                    \
    "asr    r8, r8, r6\n\t"                           \
    "add    " v ", r8, lr\n\t"                        \
    "ssat   " v ", #8, " v "\n\t"

/* One step of two pixels, registers fixed for LDM: R0 U0 R1 U1 in r0-r3,
   inputs {x0e, x1e, x0o, x1o} r4-r7, weights E O r8 r9, lanes' low bytes
   r10, weight pointer r11, input pointer r12, input end lr. */
#define STEP2R                                        \
    "ldrd   r8, r9, [r11], #8\n\t"                    \
    "ldm    r12!, {r4-r7}\n\t"                        \
    "uxtb16 r10, r8\n\t"                              \
    "smlad  r0, r8, r4, r0\n\t"                       \
    "smlad  r1, r10, r4, r1\n\t"                      \
    "smlad  r2, r8, r5, r2\n\t"                       \
    "smlad  r3, r10, r5, r3\n\t"                      \
    "uxtb16 r10, r9\n\t"                              \
    "smlad  r0, r9, r6, r0\n\t"                       \
    "smlad  r1, r10, r6, r1\n\t"                      \
    "smlad  r2, r9, r7, r2\n\t"                       \
    "smlad  r3, r10, r7, r3\n\t"
#endif

/* Every pair of the common case, two pixels into d0, d1: mcn_rq_fast,
   an act range of all int8, 1 to PAIRED_CHUNK_STEPS steps and no tail.
   On the chip one hand-scheduled loop: 12 instructions a step, about 60
   a pair besides. */
PAIRED_INLINE void pairs2_fast(const conv_ctx *k, const int32_t *s,
                               int8_t *d0, int8_t *d1)
{
#if MCN_ARCH_DSP
    pw2_job job = {
        (const uint32_t *)(const void *)k->p->filter_data, k->p->bias,
        paired_sum128(s[0]), paired_sum128(s[1]), k->xs,
        k->xs + 4 * k->steps, k->rq.c, k->p->output_offset, d0, d1,
        d0 + 2 * k->pairs, 0};
    register pw2_job *j __asm__("r0") = &job;
    /* The job at sp (PAIRED_JOB_ENTER); its first word then the step
       count modulo 8, its last the loop's. */
    __asm__ volatile(
        PAIRED_JOB_ENTER
        "ldrd   r12, lr, [sp, #16]\n\t"
        "sub    r10, lr, r12\n\t"
        "ubfx   r10, r10, #4, #3\n\t"
        "str    r10, [sp, #0]\n"
        "3:\n\t"
        "ldr    r10, [sp, #4]\n\t"
        "ldrd   r4, r5, [sp, #8]\n\t"
        "ldrd   r8, r9, [r10], #8\n\t"
        "str    r10, [sp, #4]\n\t"
        "str    r9, [sp, #44]\n\t"
        "sub    r1, r8, r4\n\t"
        "sub    r3, r8, r5\n\t"
        "mov    r0, r1\n\t"
        "mov    r2, r3\n\t"
        "ldrd   r12, lr, [sp, #16]\n\t"
        "ldr    r10, [sp, #0]\n\t"
        PAIRED_TURNS8(STEP2R)
        /* A_h = bh + (R - U) >> 8 for both pixels, then requantize
           channel 2j (U0 r1, U1 r3) and 2j + 1 (r0, r2). */
        "ldr    r9, [sp, #44]\n\t"
        "sub    r4, r0, r1\n\t"
        "add    r0, r9, r4, asr #8\n\t"
        "sub    r4, r2, r3\n\t"
        "add    r2, r9, r4, asr #8\n\t"
        "ldr    r12, [sp, #24]\n\t"
        "ldr    lr, [sp, #28]\n\t"
        "ldm    r12!, {r4-r6}\n\t"
        RQ2("r1") RQ2("r3")
        "ldm    r12!, {r4-r6}\n\t"
        "str    r12, [sp, #24]\n\t"
        RQ2("r0") RQ2("r2")
        "ldrd   r12, r10, [sp, #32]\n\t"
        "bfi    r1, r0, #8, #8\n\t"
        "strh   r1, [r12], #2\n\t"
        "bfi    r3, r2, #8, #8\n\t"
        "strh   r3, [r10], #2\n\t"
        "strd   r12, r10, [sp, #32]\n\t"
        "ldr    r4, [sp, #40]\n\t"
        "cmp    r12, r4\n\t"
        "bne    3b\n\t"
        PAIRED_JOB_LEAVE
        : "+r"(j)
        :
        : PAIRED_JOB_CLOBBERS);
#else
    const uint32_t *w = (const uint32_t *)(const void *)k->p->filter_data;
    const int32_t off = k->p->output_offset;
    int32_t lo[2], hi[2];
    for (int32_t j = 0; j < k->pairs; j++) {
        pair_sums(k, j, &w, 2, s, lo, hi);
        const mcn_rq_fast *c = k->rq.c + 2 * j;
        d0[2 * j] = paired_out_fast(lo[0], c, off);
        d1[2 * j] = paired_out_fast(lo[1], c, off);
        d0[2 * j + 1] = paired_out_fast(hi[0], c + 1, off);
        d1[2 * j + 1] = paired_out_fast(hi[1], c + 1, off);
    }
#endif
}

/* Outputs of `pixels` (1 or 2) widened pixels with sums s[] into d
   (out_c bytes per pixel). */
static void pixels_out(const conv_ctx *k, int pixels, const int32_t *s,
                       int8_t *d)
{
    const int32_t out_c = k->out_c;
    int8_t *d1 = d + out_c;
    int32_t lo[2], hi[2];
    if (pixels == 2 && k->rq.fast && !k->rq.clamp && k->rest == 0 &&
        k->steps > 0 && k->steps <= PAIRED_CHUNK_STEPS) {
        if (k->pairs > 0)
            pairs2_fast(k, s, d, d1);
    } else {
        const uint32_t *w =
            (const uint32_t *)(const void *)k->p->filter_data;
        for (int32_t j = 0; j < k->pairs; j++) {
            pair_sums(k, j, &w, pixels, s, lo, hi);
            d[2 * j] = paired_out(&k->rq, lo[0], 2 * j);
            d[2 * j + 1] = paired_out(&k->rq, hi[0], 2 * j + 1);
            if (pixels == 2) {
                d1[2 * j] = paired_out(&k->rq, lo[1], 2 * j);
                d1[2 * j + 1] = paired_out(&k->rq, hi[1], 2 * j + 1);
            }
        }
    }
    if (out_c % 2) {
        single_sums(k, pixels, lo);
        d[out_c - 1] = paired_out(&k->rq, lo[0], out_c - 1);
        if (pixels == 2)
            d1[out_c - 1] = paired_out(&k->rq, lo[1], out_c - 1);
    }
}

/* Scratch: the requant constants (one entry per output channel, which
   the loop above walks), then the widened pixels. */
uint32_t mcn_k_conv_1x1_s8_smlad_paired_scratch_bytes(
    const mcn_k_conv_params *p)
{
    uint64_t n = (uint64_t)p->output.c * sizeof(mcn_rq_fast) +
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
    mcn_rq_fast *table = (mcn_rq_fast *)(void *)p->scratch;
    paired_rq_init(&k.rq, p, table, k.out_c);
    k.xs = (uint32_t *)(void *)(table + k.out_c);
    const int8_t *in = p->input_data;
    int8_t *out = p->output_data;
    int32_t s[2], px = 0;
    for (; px + 2 <= pixels; px += 2) {
        const int8_t *x0 = in + (int64_t)px * k.depth;
        widen2(x0, x0 + k.depth, k.depth, k.xs, &s[0], &s[1]);
        pixels_out(&k, 2, s, out + (int64_t)px * k.out_c);
    }
    if (px < pixels) {
        s[0] = mcn_k_paired_widen1(in + (int64_t)px * k.depth, k.depth, k.xs);
        s[1] = 0;
        pixels_out(&k, 1, s, out + (int64_t)px * k.out_c);
    }
}

/* ---- the common case alone (mcn_kernels.h: for generated code) ---- */

int mcn_k_conv_1x1_s8_smlad_paired_fast_applies(const mcn_k_conv_params *p)
{
    const int32_t depth = p->input.c;
    return mcn_k_conv_1x1_s8_smlad_paired_applies(p) && depth % 4 == 0 &&
           depth >= 4 && depth / 4 <= PAIRED_CHUNK_STEPS &&
           p->output.c >= 2 && p->output.c % 2 == 0 &&
           p->act_min <= -128 && p->act_max >= 127 && paired_rq_all_fast(p);
}

/* The last odd pixel, widened with sum s, into d: pixels_out's pair_sums
   and paired_out for one pixel of the common case (one chunk, no tail,
   mcn_rq_fast, no clamp). */
static void pixel1_fast(const conv_ctx *k, int32_t s, int8_t *d)
{
    const int32_t *bias = k->p->bias;
    const int32_t off = k->p->output_offset;
    const uint32_t *w = (const uint32_t *)(const void *)k->p->filter_data;
    for (int32_t j = 0; j < k->pairs; j++) {
        acc2 a;
        a.u0 = mcn_wrap_i32((uint32_t)bias[2 * j] - paired_sum128(s));
        a.r0 = a.u0;
        a.r1 = a.u1 = 0;
        const uint32_t *x = k->xs;
        pair_steps(&w, &x, k->steps, 1, &a);
        const int32_t h = paired_high(bias[2 * j + 1], a.r0, a.u0);
        d[2 * j] = paired_out_fast(a.u0, k->rq.c + 2 * j, off);
        d[2 * j + 1] = paired_out_fast(h, k->rq.c + 2 * j + 1, off);
    }
}

/* mcn_k_conv_1x1_s8_smlad_paired where ..._fast_applies holds: the same
   loops and bits, without the paths for everything else. */
void mcn_k_conv_1x1_s8_smlad_paired_fast(const mcn_k_conv_params *p)
{
    const int32_t pixels = pixels_of(p);
    conv_ctx k;
    k.p = p;
    k.depth = p->input.c;
    k.out_c = p->output.c;
    k.steps = k.depth / 4;
    k.rest = 0;
    k.pairs = k.out_c / 2;
    k.single = 0;
    k.tails = 0;
    mcn_rq_fast *table = (mcn_rq_fast *)(void *)p->scratch;
    for (int32_t i = 0; i < k.out_c; i++) {
        const int32_t r = p->rq.count > 1 ? i : 0;
        table[i] = mcn_rq_fast_of(p->rq.multiplier[r], p->rq.shift[r]);
    }
    k.rq.p = p;
    k.rq.c = table;
    k.rq.step = 1;
    k.rq.fast = 1;
    k.rq.clamp = 0;
    k.xs = (uint32_t *)(void *)(table + k.out_c);
    const int8_t *in = p->input_data;
    int8_t *out = p->output_data;
    int32_t s[2], px = 0;
    for (; px + 2 <= pixels; px += 2) {
        const int8_t *x0 = in + (int64_t)px * k.depth;
        widen2(x0, x0 + k.depth, k.depth, k.xs, &s[0], &s[1]);
        int8_t *d = out + (int64_t)px * k.out_c;
        pairs2_fast(&k, s, d, d + k.out_c);
    }
    if (px < pixels)
        pixel1_fast(&k, mcn_k_paired_widen1(in + (int64_t)px * k.depth,
                                            k.depth, k.xs),
                    out + (int64_t)px * k.out_c);
}
