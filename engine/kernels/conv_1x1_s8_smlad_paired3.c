/*
** conv_1x1_s8_smlad_paired3.c: CONV_2D with a 1x1 filter, stride 1, no
** padding, one group (and FULLY_CONNECTED over three or more rows), on
** the DSP extension: the paired lanes of paired_s8.h (two output channels
** per 16-bit weight lane, one UXTB16 per weight word for the low
** channel's sums) over three pixels at a time instead of two. Per 4
** input channels one LDRD of weights, two LDMs of three widened input
** words, two UXTB16s and twelve SMLADs: 24 multiply-accumulates in 17
** instructions, where conv_1x1_s8_smlad_paired takes 12 for 16. A pair's
** bias and requantization constants are laid out in flash around its
** lanes, so the loop walks one pointer through the weights; the sums are
** requantized by SMMLAR (conv_smlad.h's rounding, exact where every sum
** is below the bound applies checks). A last group of one or two pixels
** goes through the same loop with zero pixels beside it, its outputs
** into scratch and then copied. Same bits as mcn_k_conv_s8.
**
** Sums, for pair (l, h) = (2j, 2j + 1) and one pixel with input sum S,
** b the bias with the input offset folded in: U and R start at
** b_l - 128 S, and after the lanes
**     U = b_l + A_l,  R - U = 256 A_h    (modulo 2^32),
** A the dot products. |A_h| <= 2^14 * depth < 2^23 for depth < 512, so
** the doubled sums are exactly x_l = U << 1 and x_h = ((R - U) >> 7) +
** 2 b_h while |b + A| < 2^30, which applies asks as |bias| + 2^15 * depth
** < 2^30 of every channel's graph bias (the fold adds at most 2^14 *
** depth, the products as much): that holds for the bias tensor before
** the layout as after it, since the layout leaves it as it is. Each x
** then goes through conv_smlad.h's requantization
**     v = (SMMLAR(x, m, nudge) - (x < 0)) >> right,  right >= 1,
** nudge = 2^(right - 1) + output offset * 2^right, and SSAT to int8.
**
** Weight layout (weight_bytes), D input channels (D % 4 = 0), steps of 4
** input channels, P = out_c / 2 pairs (out_c even), per pair j:
**     b_l                                                  (1 word)
**     per step: E = lanes (k, k+2), O = lanes (k+1, k+3)   (paired_s8.h)
**     m, right, nudge of channel l, 2 b_h, m, right, nudge of channel h
** (7 words; the biases folded, modulo 2^32). The bias tensor stays the
** graph's; the kernel reads the folded copies in flash, which the
** packer makes from it and mcn_init holds to it (..._verify): a stale
** one would start the sums elsewhere, a right shift or a nudge taken
** on trust would round to anything.
**
** Scratch: the three widened pixels, per step the words x0e x1e x2e x0o
** x1o x2o (SXTB16 halves), then, when 3 does not divide the pixel
** count, three pixels' outputs for the last group.
*/
#include "paired_s8.h"

/* Right shifts the nudge holds with the output offset (conv_smlad.c's). */
#define P3_MAX_RIGHT 22

/* |bias| + 2^15 * depth below this: |b + A| < 2^30 (above). */
#define P3_BOUND (INT64_C(1) << 30)

/* Input channels: |A_h| < 2^23 (above). */
#define P3_MAX_DEPTH 508

static int64_t pixels_of(const mcn_k_conv_params *p)
{
    return (int64_t)p->output.n * p->output.h * p->output.w;
}

/* The same where applies holds (the output's elements fit 32 bits), in
   32-bit arithmetic: no 64-bit division linked into firmware. */
static uint32_t pixels32(const mcn_k_conv_params *p)
{
    return (uint32_t)p->output.n * (uint32_t)p->output.h *
           (uint32_t)p->output.w;
}

int mcn_k_conv_1x1_s8_smlad_paired3_applies(const mcn_k_conv_params *p)
{
    if (!mcn_k_conv_1x1_s8_applies(p) || !mcn_k_rq_nonneg(&p->rq))
        return 0;
    const int32_t depth = p->input.c, out_c = p->output.c;
    if (pixels_of(p) < 3 || depth < 4 || depth % 4 != 0 || out_c < 2 ||
        out_c % 2 != 0 || p->act_min > -128 || p->act_max < 127 ||
        p->output_offset < -128 || p->output_offset > 127)
        return 0;
    if (depth > P3_MAX_DEPTH)
        return 0;
    /* What the fold and the products add to a bias: 2^14 * depth each. */
    const int64_t grow = INT64_C(1) << 15;
    for (int32_t c = 0; c < out_c; c++) {
        const int32_t s = p->rq.shift[p->rq.count > 1 ? c : 0];
        int64_t b = p->bias ? p->bias[c] : 0;
        b = b < 0 ? -b : b;
        if (s > -1 || s < -P3_MAX_RIGHT || b + depth * grow >= P3_BOUND)
            return 0;
    }
    return 1;
}

/* Preferred over conv_1x1_s8_smlad_paired where this kernel's loop,
   rounding the pixels up to threes, takes fewer instructions than that
   one's pairs and odd last pixel (per pair of channels, s steps: about
   17 s + 58 a group of three; 12 s + 63 a pair, 8 s + 40 the odd one);
   on a tie, the older kernel. */
int mcn_k_conv_1x1_s8_smlad_paired3_preferred(const mcn_k_conv_params *p)
{
    const uint32_t n = pixels32(p), s = (uint32_t)p->input.c / 4u;
    const uint64_t mine = (uint64_t)(n / 3u + (n % 3u != 0)) * (17u * s + 58u);
    const uint64_t paired = (uint64_t)(n / 2u) * (12u * s + 63u) +
                            (n % 2u) * (8u * s + 40u);
    return mine < paired;
}

static uint32_t round4(uint64_t n)
{
    return (uint32_t)((n + 3u) / 4u * 4u);
}

uint32_t mcn_k_conv_1x1_s8_smlad_paired3_scratch_bytes(
    const mcn_k_conv_params *p)
{
    uint64_t n = (uint64_t)p->input.c * 6u;
    if (pixels32(p) % 3u != 0)
        n += round4((uint64_t)p->output.c * 3u);
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

uint32_t mcn_k_conv_1x1_s8_smlad_paired3_weight_bytes(
    const mcn_k_conv_params *p)
{
    const uint64_t pairs = (uint64_t)p->output.c / 2u;
    const uint64_t n = pairs * (32u + 2u * (uint64_t)p->input.c);
    /* = 4 + 8 * steps + 28 bytes a pair */
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

static uint8_t *put32(uint8_t *d, uint32_t v)
{
    d[0] = (uint8_t)v;
    d[1] = (uint8_t)(v >> 8);
    d[2] = (uint8_t)(v >> 16);
    d[3] = (uint8_t)(v >> 24);
    return d + 4;
}

static uint32_t get32(const uint8_t *d)
{
    return (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 |
           (uint32_t)d[3] << 24;
}

/* Lane k of channels l (low byte, + 128) and h (high byte). */
static uint32_t lane(const int8_t *wl, const int8_t *wh, int32_t k)
{
    return (uint32_t)(uint8_t)(wl[k] + 128) |
           (uint32_t)(uint8_t)wh[k] << 8;
}

/* The words of pair j besides its lanes (the top): c[0] = b_l, then the
   seven after the lanes; from the graph's bias and the sums of the two
   channels' weights, sl and sh (modulo 2^32), which fold the input offset
   in. The one derivation of them, for the layout and for verify. */
static void pair_words(const mcn_k_conv_params *p, const int32_t *bias,
                       int32_t j, uint32_t sl, uint32_t sh, uint32_t c[8])
{
    const uint32_t off = (uint32_t)p->input_offset;
    c[0] = (uint32_t)bias[2 * j] + sl * off;
    c[4] = ((uint32_t)bias[2 * j + 1] + sh * off) << 1;
    for (int i = 0; i < 2; i++) {
        const int32_t r = p->rq.count > 1 ? 2 * j + i : 0;
        const int32_t right = -p->rq.shift[r];
        uint32_t *rq = c + 1 + 4 * i;
        rq[0] = (uint32_t)p->rq.multiplier[r];
        rq[1] = (uint32_t)right;
        rq[2] = (uint32_t)mcn_smmlar_nudge(right, p->output_offset);
    }
}

static uint32_t row_sum(const int8_t *w, int32_t n)
{
    uint32_t s = 0;
    for (int32_t k = 0; k < n; k++)
        s += (uint32_t)(int32_t)w[k];
    return s;
}

void mcn_k_conv_1x1_s8_smlad_paired3_layout(const mcn_k_conv_params *p,
                                            int8_t *w, int32_t *bias)
{
    const int32_t depth = p->input.c, pairs = p->output.c / 2;
    uint8_t *d = (uint8_t *)w;
    for (int32_t j = 0; j < pairs; j++) {
        const int8_t *wl = p->filter_data + (int64_t)2 * j * depth;
        const int8_t *wh = wl + depth;
        uint32_t c[8];
        pair_words(p, bias, j, row_sum(wl, depth), row_sum(wh, depth), c);
        d = put32(d, c[0]);
        for (int32_t k = 0; k < depth; k += 4) {
            d = put32(d, lane(wl, wh, k) | lane(wl, wh, k + 2) << 16);
            d = put32(d, lane(wl, wh, k + 1) | lane(wl, wh, k + 3) << 16);
        }
        for (int i = 1; i < 8; i++)
            d = put32(d, c[i]);
    }
}

/* Every pair's words besides its lanes as pair_words makes them from the
   graph's bias and the weights its lanes hold (any lane is a pair of
   int8 weights, so the lanes are the graph's weights, laid out): the
   folded biases the sums start at, the shifts and the multipliers. */
int mcn_k_conv_1x1_s8_smlad_paired3_verify(const mcn_k_conv_params *p)
{
    const int32_t depth = p->input.c, pairs = p->output.c / 2;
    const uint8_t *d = (const uint8_t *)p->filter_data;
    for (int32_t j = 0; j < pairs; j++, d += 32 + 2 * depth) {
        /* Lane bytes: w_l + 128, then w_h. */
        uint32_t sl = 0u - 128u * (uint32_t)depth, sh = 0;
        for (int32_t k = 0; k < depth; k++) {
            sl += d[4 + 2 * k];
            sh += (uint32_t)(int32_t)(int8_t)d[5 + 2 * k];
        }
        uint32_t c[8];
        pair_words(p, p->bias, j, sl, sh, c);
        if (get32(d) != c[0])
            return 0;
        for (int i = 1; i < 8; i++)
            if (get32(d + 2 * depth + 4 * i) != c[i])
                return 0;
    }
    return 1;
}

/* Groups of three pixels are read whole into scratch before any of their
   outputs is written (the last group's go through scratch too), so the
   output may start up to d bytes after the input when, for every group
   ending at pixel e (3, 6, ... and the pixel count), d + e * out_c <=
   e * depth: linear in e, so the least is at e = 3 or at the count. */
int mcn_k_conv_1x1_s8_smlad_paired3_overlap(const mcn_k_conv_params *p,
                                            int32_t *lo, int32_t *hi)
{
    const int64_t pixels = pixels_of(p);
    const int64_t gap = (int64_t)p->input.c - p->output.c;
    const int64_t first = pixels < 3 ? pixels : 3;
    int64_t best = first * gap < pixels * gap ? first * gap : pixels * gap;
    if (best < INT32_MIN)
        return 0;
    *lo = INT32_MIN;
    *hi = best > INT32_MAX ? INT32_MAX : (int32_t)best;
    return 1;
}

/* ---- widening ---- */

/* Three pixels from x (depth apart) into xs as the top says; t[i] = 128 *
   pixel i's sum, modulo 2^32 (USADA8 of the bytes + 128, as
   paired_s8.c's widening). */
PAIRED_INLINE void widen3(const int8_t *x, int32_t depth, uint32_t *xs,
                          uint32_t *t)
{
    const int8_t *x1 = x + depth, *x2 = x1 + depth, *end = x + depth;
    uint32_t s0 = 0, s1 = 0, s2 = 0;
    for (; x != end; x += 4, x1 += 4, x2 += 4, xs += 6) {
        const uint32_t a = mcn_load_u32(x), b = mcn_load_u32(x1),
                       c = mcn_load_u32(x2);
        xs[0] = mcn_sxtb16(a);
        xs[1] = mcn_sxtb16(b);
        xs[2] = mcn_sxtb16(c);
        xs[3] = mcn_sxtb16_ror8(a);
        xs[4] = mcn_sxtb16_ror8(b);
        xs[5] = mcn_sxtb16_ror8(c);
        s0 = mcn_usada8(a ^ 0x80808080u, 0, s0);
        s1 = mcn_usada8(b ^ 0x80808080u, 0, s1);
        s2 = mcn_usada8(c ^ 0x80808080u, 0, s2);
    }
    const uint32_t off = (uint32_t)depth * 128u;
    t[0] = (s0 - off) << 7;
    t[1] = (s1 - off) << 7;
    t[2] = (s2 - off) << 7;
}

/* The last n (1 or 2) pixels the same way, zero pixels after them. */
static void widen_last(const int8_t *x, int32_t depth, int n, uint32_t *xs,
                       uint32_t *t)
{
    for (int i = 0; i < 3; i++) {
        uint32_t s = 0;
        for (int32_t k = 0; k < depth; k += 4) {
            const uint32_t a =
                i < n ? mcn_load_u32(x + (int64_t)i * depth + k) : 0;
            xs[6 * (k / 4) + i] = mcn_sxtb16(a);
            xs[6 * (k / 4) + 3 + i] = mcn_sxtb16_ror8(a);
            s = mcn_usada8(a ^ 0x80808080u, 0, s);
        }
        t[i] = i < n ? (s - (uint32_t)depth * 128u) << 7 : 0;
    }
}

/* ---- the loop over the pairs ---- */

/* What the loop reads, at these offsets from sp once PAIRED_JOB_ENTER has
   copied it there. */
typedef struct {
    const uint32_t *w;          /*  0: the first pair's words */
    uint32_t t[3];              /*  4: 128 * each pixel's sum */
    const uint32_t *xs, *xend;  /* 16: the widened pixels */
    int32_t entry;              /* 24: steps % 8 */
    int8_t *d;                  /* 28: pixel 0's next outputs */
    int32_t out_c;              /* 32: pixel i's at d + i * out_c */
    int8_t *dend;               /* 36: after pixel 0's last */
    int32_t unused[2];          /* 40 */
} p3_job;

#if MCN_ARCH_DSP
/* One step of three pixels: sums R0 U0 R1 U1 R2 U2 in r0-r5, inputs
   r6-r8 (even halves, then odd), weights E O r9 r10, the low lanes r11,
   weight pointer r12, input pointer lr. */
#define STEP3                                         \
    "ldrd   r9, r10, [r12], #8\n\t"                   \
    "ldm    lr!, {r6, r7, r8}\n\t"                    \
    "uxtb16 r11, r9\n\t"                              \
    "smlad  r0, r9, r6, r0\n\t"                       \
    "smlad  r1, r11, r6, r1\n\t"                      \
    "smlad  r2, r9, r7, r2\n\t"                       \
    "smlad  r3, r11, r7, r3\n\t"                      \
    "smlad  r4, r9, r8, r4\n\t"                       \
    "smlad  r5, r11, r8, r5\n\t"                      \
    "ldm    lr!, {r6, r7, r8}\n\t"                    \
    "uxtb16 r11, r10\n\t"                             \
    "smlad  r0, r10, r6, r0\n\t"                      \
    "smlad  r1, r11, r6, r1\n\t"                      \
    "smlad  r2, r10, r7, r2\n\t"                      \
    "smlad  r3, r11, r7, r3\n\t"                      \
    "smlad  r4, r10, r8, r4\n\t"                      \
    "smlad  r5, r11, r8, r5\n\t"

/* Doubled sum v requantized: m r6, right r7, nudge r8; r9 scratch. */
#define RQ3(v)                                        \
    "smmlar r9, " v ", r6, r8\n\t"                    \
    "sub    " v ", r9, " v ", lsr #31\n\t"            \
    "asr    " v ", " v ", r7\n\t"                     \
    "ssat   " v ", #8, " v "\n\t"

/* Every pair for the three widened pixels: eight steps a turn, the first
   entered by TBB at copy 8 - k for k = steps % 8 (PAIRED_TURNS8's
   table); 17 instructions a step, 58 a pair besides. */
static void pairs3(p3_job *job)
{
    register p3_job *j __asm__("r0") = job;
    __asm__ volatile(
        PAIRED_JOB_ENTER
        "mov    r12, r11\n"
        "3:\n\t"
        "ldr    r9, [r12], #4\n\t"
        "ldrd   r6, r7, [sp, #4]\n\t"
        "ldr    r8, [sp, #12]\n\t"
        "sub    r1, r9, r6\n\t"
        "mov    r0, r1\n\t"
        "sub    r3, r9, r7\n\t"
        "mov    r2, r3\n\t"
        "sub    r5, r9, r8\n\t"
        "mov    r4, r5\n\t"
        "ldr    lr, [sp, #16]\n\t"
        "ldr    r11, [sp, #24]\n\t"
        "tbb    [pc, r11]\n"
        "9:\n\t"
        ".byte  (10f - 9b) / 2, (17f - 9b) / 2\n\t"
        ".byte  (16f - 9b) / 2, (15f - 9b) / 2\n\t"
        ".byte  (14f - 9b) / 2, (13f - 9b) / 2\n\t"
        ".byte  (12f - 9b) / 2, (11f - 9b) / 2\n"
        "10:\n\t" STEP3 "11:\n\t" STEP3 "12:\n\t" STEP3 "13:\n\t" STEP3
        "14:\n\t" STEP3 "15:\n\t" STEP3 "16:\n\t" STEP3 "17:\n\t" STEP3
        "ldr    r6, [sp, #20]\n\t"
        "cmp    lr, r6\n\t"
        "bne    10b\n\t"
        /* Channel l's constants and 2 b_h; x_h = ((R - U) >> 7) + 2 b_h,
           x_l = U << 1. */
        "ldm    r12!, {r6, r7, r8, r10}\n\t"
        "sub    r0, r0, r1\n\t"
        "add    r0, r10, r0, asr #7\n\t"
        "sub    r2, r2, r3\n\t"
        "add    r2, r10, r2, asr #7\n\t"
        "sub    r4, r4, r5\n\t"
        "add    r4, r10, r4, asr #7\n\t"
        "lsl    r1, r1, #1\n\t"
        "lsl    r3, r3, #1\n\t"
        "lsl    r5, r5, #1\n\t"
        RQ3("r1") RQ3("r3") RQ3("r5")
        "ldm    r12!, {r6, r7, r8}\n\t"
        RQ3("r0") RQ3("r2") RQ3("r4")
        "bfi    r1, r0, #8, #8\n\t"
        "bfi    r3, r2, #8, #8\n\t"
        "bfi    r5, r4, #8, #8\n\t"
        "ldrd   r6, r7, [sp, #28]\n\t"
        "strh   r3, [r6, r7]\n\t"
        "strh   r5, [r6, r7, lsl #1]\n\t"
        "strh   r1, [r6], #2\n\t"
        "str    r6, [sp, #28]\n\t"
        "ldr    r7, [sp, #36]\n\t"
        "cmp    r6, r7\n\t"
        "bne    3b\n\t"
        PAIRED_JOB_LEAVE
        : "+r"(j)
        :
        : PAIRED_JOB_CLOBBERS);
}
#else
/* The requantization above, ASR by a register as the chip does it (its
   low byte; 32 and more give the sign). */
static int8_t rq3(int32_t x, const uint32_t *c)
{
    const uint32_t n = c[1] & 0xFFu;
    const int32_t h = mcn_smmlar(x, (int32_t)c[0], (int32_t)c[2]);
    const int32_t v = mcn_wrap_i32((uint32_t)h - ((uint32_t)x >> 31));
    return (int8_t)mcn_ssat8(mcn_asr(v, n > 31u ? 31 : (int)n));
}

static void pairs3(p3_job *job)
{
    const uint32_t *w = job->w;
    const int32_t steps = (int32_t)(job->xend - job->xs) / 6;
    for (int8_t *d = job->d; d != job->dend; d += 2) {
        int32_t r[3], u[3];
        for (int i = 0; i < 3; i++)
            r[i] = u[i] = mcn_wrap_i32(w[0] - job->t[i]);
        w += 1;
        const uint32_t *x = job->xs;
        for (int32_t s = 0; s < steps; s++, w += 2, x += 6) {
            const uint32_t ue = mcn_uxtb16(w[0]), uo = mcn_uxtb16(w[1]);
            for (int i = 0; i < 3; i++) {
                r[i] = mcn_smlad(w[1], x[3 + i], mcn_smlad(w[0], x[i], r[i]));
                u[i] = mcn_smlad(uo, x[3 + i], mcn_smlad(ue, x[i], u[i]));
            }
        }
        for (int i = 0; i < 3; i++) {
            const int32_t hi = mcn_wrap_i32(
                w[3] + (uint32_t)mcn_asr(
                           mcn_wrap_i32((uint32_t)r[i] - (uint32_t)u[i]), 7));
            const int32_t lo = mcn_wrap_i32((uint32_t)u[i] << 1);
            d[(int64_t)i * job->out_c] = rq3(lo, w);
            d[(int64_t)i * job->out_c + 1] = rq3(hi, w + 4);
        }
        w += 7;
    }
}
#endif

void mcn_k_conv_1x1_s8_smlad_paired3(const mcn_k_conv_params *p)
{
    const int32_t pixels = (int32_t)pixels_of(p);
    const int32_t depth = p->input.c, out_c = p->output.c;
    uint32_t *xs = (uint32_t *)(void *)p->scratch;
    int8_t *stage = (int8_t *)(void *)(xs + (int64_t)6 * (depth / 4));
    p3_job job = {(const uint32_t *)(const void *)p->filter_data,
                  {0, 0, 0}, xs, xs + (int64_t)6 * (depth / 4),
                  (depth / 4) % 8, 0, out_c, 0, {0, 0}};
    const int8_t *in = p->input_data;
    int8_t *out = p->output_data;
    int32_t px = 0;
    for (; px + 3 <= pixels; px += 3) {
        widen3(in + (int64_t)px * depth, depth, xs, job.t);
        job.d = out + (int64_t)px * out_c;
        job.dend = job.d + out_c;
        pairs3(&job);
    }
    if (px < pixels) {
        const int n = (int)(pixels - px);
        widen_last(in + (int64_t)px * depth, depth, n, xs, job.t);
        job.d = stage;
        job.dend = stage + out_c;
        pairs3(&job);
        int8_t *d = out + (int64_t)px * out_c;
        for (int32_t i = 0; i < n * out_c; i++)
            d[i] = stage[i];
    }
}
