/*
** fc_s8_smlad_paired.c: FULLY_CONNECTED with one batch row (and a 1x1
** CONV_2D over one pixel), a matrix-vector product on the DSP extension
** with the paired lanes of paired_s8.h, laid out with `quads`. The input
** row is first widened to int16 in scratch (per 4 input channels its
** even bytes, then its odd bytes: SXTB16's order) with its sum; then four
** output channels (two pairs) at a time run over it: per 4 input
** channels one LDRD of inputs, one LDM of four weight words, four UXTB16s
** and eight SMLADs for 16 multiply-accumulates. The input offset is
** folded into the bias at pack time. Same bits as mcn_k_conv_s8 (and so
** as mcn_k_fc_s8).
*/
#include "paired_s8.h"

int mcn_k_fc_s8_smlad_paired_applies(const mcn_k_conv_params *p)
{
    return mcn_k_conv_1x1_s8_applies(p) && mcn_k_rq_nonneg(&p->rq) &&
           p->output.n == 1 && p->output.h == 1 && p->output.w == 1;
}

/* The widened row: 8 bytes per step, a word per last channel. */
static uint64_t row_bytes(const mcn_k_conv_params *p)
{
    return (uint64_t)(p->input.c / 4) * 8u + (uint64_t)(p->input.c % 4) * 4u;
}

/* The requant constants when per channel, then the widened row. */
uint32_t mcn_k_fc_s8_smlad_paired_scratch_bytes(const mcn_k_conv_params *p)
{
    const uint64_t n = paired_rq_scratch(p) + row_bytes(p);
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

void mcn_k_fc_s8_smlad_paired_layout(const mcn_k_conv_params *p, int8_t *w,
                                     int32_t *bias)
{
    mcn_k_paired_layout(p, w, bias, 1);
}

/* The row is read whole into scratch before any output is written: the
   output may start up to depth - out_c bytes after it. */
int mcn_k_fc_s8_smlad_paired_overlap(const mcn_k_conv_params *p, int32_t *lo,
                                     int32_t *hi)
{
    *lo = INT32_MIN;
    *hi = p->input.c - p->output.c;
    return 1;
}

typedef struct {
    const mcn_k_conv_params *p;
    paired_rq rq;
    int32_t depth, steps, rest, pairs;
    uint32_t sum128;            /* 128 * the row's sum */
    const uint8_t *tails;
    const int8_t *single;
    const uint32_t *xs;
} fc_ctx;

/* ---- any case, in C: `group` pairs (1 or 2) sharing each step ---- */

/* Pair j's sums, its weights at w with `group` pairs per step: U (A_l)
   in *lo, A_h in *hi; pair b of a group is its second. */
PAIRED_INLINE void group_sums(const fc_ctx *k, int32_t j, int32_t group,
                              const uint32_t *w, int32_t *lo, int32_t *hi)
{
    for (int32_t g = 0; g < group; g++) {
        const int32_t *b = k->p->bias + 2 * (j + g);
        int32_t u = mcn_wrap_i32((uint32_t)b[0] - k->sum128), r = u;
        int32_t h = b[1];
        const uint32_t *x = k->xs, *wg = w + 2 * g;
        for (int32_t i = 0; i < k->steps; i++, x += 2, wg += 2 * group) {
            r = mcn_smlad(wg[1], x[1], mcn_smlad(wg[0], x[0], r));
            u = mcn_smlad(mcn_uxtb16(wg[1]), x[1],
                          mcn_smlad(mcn_uxtb16(wg[0]), x[0], u));
            if ((i + 1) % PAIRED_CHUNK_STEPS == 0) {
                h = paired_high(h, r, u);
                r = u;
            }
        }
        h = paired_high(h, r, u);
        const uint8_t *t = k->tails + (int64_t)2 * k->rest * (j + g);
        for (int32_t i = 0; i < k->rest; i++) {
            const int32_t xv = mcn_lo16(x[i]);
            u = paired_mac(u, paired_tail_lo(t, i), xv);
            h = paired_mac(h, paired_tail_hi(t, i), xv);
        }
        lo[g] = u;
        hi[g] = h;
    }
}

#if MCN_ARCH_DSP
/* What the quads' loop reads, in the order it loads it. */
typedef struct {
    const uint32_t *w;          /*  0: weights of the first quad; then A_h */
    int32_t hb;                 /*  4: of pair a and pair b (the loop's) */
    const int32_t *b;           /*  8: bias of the next quad */
    uint32_t sum128;            /* 12 */
    int32_t first;              /* 16: steps of the first chunk, 1 to 64 */
    const uint32_t *xs;         /* 20: the widened row */
    const mcn_rq_fast *c;       /* 24: constants of the next channel */
    int32_t cstep;              /* 28: bytes from one channel's to the next */
    int32_t off;                /* 32: output offset */
    int8_t *d, *dend;           /* 36: next outputs, end of the quads' */
    const uint32_t *xend;       /* 44: end of the widened row */
} quad_job;

/* One step of two pairs: Ra Ua Rb Ub r0-r3, weights Ea Oa Eb Ob r4-r7,
   inputs even odd r8 r9, lanes' low bytes r10, weight pointer r11, input
   pointer r12, input end lr. */
#define STEP4R                                        \
    "ldrd   r8, r9, [r12], #8\n\t"                    \
    "ldm    r11!, {r4-r7}\n\t"                        \
    "uxtb16 r10, r4\n\t"                              \
    "smlad  r0, r4, r8, r0\n\t"                       \
    "smlad  r1, r10, r8, r1\n\t"                      \
    "uxtb16 r10, r5\n\t"                              \
    "smlad  r0, r5, r9, r0\n\t"                       \
    "smlad  r1, r10, r9, r1\n\t"                      \
    "uxtb16 r10, r6\n\t"                              \
    "smlad  r2, r6, r8, r2\n\t"                       \
    "smlad  r3, r10, r8, r3\n\t"                      \
    "uxtb16 r10, r7\n\t"                              \
    "smlad  r2, r7, r9, r2\n\t"                       \
    "smlad  r3, r10, r9, r3\n\t"

/* mcn_rq_fast_apply of register v with m r6, round_hi r7, shift r8, +
   output offset (r2), SSAT; r0, r10 scratch. */
#define RQ4(v)                                        \
    "and    r10, " v ", #0x80000000\n\t"              \
    "orr    r10, r10, #0x40000000\n\t"                \
    "add    r0, r7, " v ", asr #31\n\t"               \
    "smlal  r10, r0, " v ", r6\n\t"                   \
    "asr    r0, r0, r8\n\t"                           \
    "add    " v ", r0, r2\n\t"                        \
    "ssat   " v ", #8, " v "\n\t"
/* The same with the constants of the channel at r12, r12 to the next. */
#define RQ4C(v)                                       \
    "ldm    r12, {r6-r8}\n\t"                         \
    "add    r12, r12, r9\n\t" RQ4(v)
#endif

/* The quads of the common case: mcn_rq_fast, an act range of all int8,
   at least one step and no tail. On the chip one hand-scheduled loop:
   14 instructions a step, about 60 a quad besides. */
PAIRED_INLINE void quads_fast(const fc_ctx *k, int32_t quads)
{
    const mcn_k_conv_params *p = k->p;
#if MCN_ARCH_DSP
    quad_job job = {(const uint32_t *)(const void *)p->filter_data, 0,
                    p->bias, k->sum128,
                    k->steps - PAIRED_CHUNK_STEPS *
                                   ((k->steps - 1) / PAIRED_CHUNK_STEPS),
                    k->xs, k->rq.c,
                    k->rq.step * (int32_t)sizeof(mcn_rq_fast),
                    p->output_offset, p->output_data,
                    p->output_data + 4 * quads, k->xs + 2 * k->steps};
    register quad_job *j __asm__("r0") = &job;
    /* The job at sp (PAIRED_JOB_ENTER). */
    __asm__ volatile(
        PAIRED_JOB_ENTER
        "3:\n\t"
        "ldr    r10, [sp, #8]\n\t"
        "ldr    r8, [sp, #12]\n\t"
        "ldm    r10!, {r4-r7}\n\t"
        "str    r10, [sp, #8]\n\t"
        "strd   r5, r7, [sp, #0]\n\t"
        "sub    r1, r4, r8\n\t"
        "sub    r3, r6, r8\n\t"
        "mov    r0, r1\n\t"
        "mov    r2, r3\n\t"
        "ldrd   r10, r12, [sp, #16]\n\t"
        "add    lr, r12, r10, lsl #3\n\t"
        "and    r10, r10, #7\n"
        /* A first chunk of 1 to 64 steps, then chunks of 64 (paired_s8.h:
           A_h taken after each). */
        "4:\n\t"
        PAIRED_TURNS8(STEP4R)
        "ldrd   r4, r5, [sp, #0]\n\t"
        "sub    r6, r0, r1\n\t"
        "add    r4, r4, r6, asr #8\n\t"
        "sub    r6, r2, r3\n\t"
        "add    r5, r5, r6, asr #8\n\t"
        "ldr    r6, [sp, #44]\n\t"
        "cmp    r12, r6\n\t"
        "beq    5f\n\t"
        "strd   r4, r5, [sp, #0]\n\t"
        "mov    r0, r1\n\t"
        "mov    r2, r3\n\t"
        "add    lr, r12, #512\n\t"
        "mov    r10, #0\n\t"
        "b      4b\n"
        /* Channels 4q .. 4q + 3: Ua r1, A_h a r4, Ub r3, A_h b r5; with
           one requantization for all, its constants loaded once. */
        "5:\n\t"
        "ldrd   r12, r9, [sp, #24]\n\t"
        "ldr    r2, [sp, #32]\n\t"
        "cmp    r9, #0\n\t"
        "beq    6f\n\t"
        RQ4C("r1") RQ4C("r4") RQ4C("r3") RQ4C("r5")
        "str    r12, [sp, #24]\n\t"
        "b      7f\n"
        "6:\n\t"
        "ldm    r12, {r6-r8}\n\t"
        RQ4("r1") RQ4("r4") RQ4("r3") RQ4("r5")
        "7:\n\t"
        "bfi    r1, r4, #8, #8\n\t"
        "bfi    r1, r3, #16, #8\n\t"
        "bfi    r1, r5, #24, #8\n\t"
        "ldrd   r12, r9, [sp, #36]\n\t"
        "str    r1, [r12], #4\n\t"
        "str    r12, [sp, #36]\n\t"
        "cmp    r12, r9\n\t"
        "bne    3b\n\t"
        PAIRED_JOB_LEAVE
        : "+r"(j)
        :
        : PAIRED_JOB_CLOBBERS);
#else
    const uint32_t *w = (const uint32_t *)(const void *)p->filter_data;
    for (int32_t q = 0; q < quads; q++, w += 4 * k->steps) {
        int32_t lo[2], hi[2];
        group_sums(k, 2 * q, 2, w, lo, hi);
        const mcn_rq_fast *c = k->rq.c + 4 * q * k->rq.step;
        int8_t *d = p->output_data + 4 * q;
        d[0] = paired_out_fast(lo[0], c, p->output_offset);
        d[1] = paired_out_fast(hi[0], c + k->rq.step, p->output_offset);
        d[2] = paired_out_fast(lo[1], c + 2 * k->rq.step, p->output_offset);
        d[3] = paired_out_fast(hi[1], c + 3 * k->rq.step, p->output_offset);
    }
#endif
}

void mcn_k_fc_s8_smlad_paired(const mcn_k_conv_params *p)
{
    fc_ctx k;
    k.p = p;
    k.depth = p->input.c;
    k.steps = k.depth / 4;
    k.rest = k.depth % 4;
    k.pairs = p->output.c / 2;
    const int32_t out_c = p->output.c, d4 = k.depth - k.rest;
    k.single = p->filter_data + (int64_t)2 * k.pairs * d4;
    k.tails = (const uint8_t *)k.single + (out_c % 2 ? d4 : 0);
    uint8_t *scratch = (uint8_t *)p->scratch;
    mcn_rq_fast one;
    paired_rq_init(&k.rq, p,
                   p->rq.count > 1 ? (mcn_rq_fast *)(void *)scratch : &one,
                   p->rq.count);
    uint32_t *xs = (uint32_t *)(void *)(scratch + paired_rq_scratch(p));
    k.sum128 = paired_sum128(mcn_k_paired_widen1(p->input_data, k.depth, xs));
    k.xs = xs;
    const uint32_t *w = (const uint32_t *)(const void *)p->filter_data;
    int32_t j = 0;
    if (k.rq.fast && !k.rq.clamp && k.rest == 0 && k.steps > 0 &&
        k.pairs >= 2) {
        quads_fast(&k, k.pairs / 2);
        j = k.pairs / 2 * 2;
        w += (int64_t)2 * j * k.steps;
    }
    for (; j < k.pairs; ) {
        const int32_t group = j + 1 < k.pairs ? 2 : 1;
        int32_t lo[2], hi[2];
        group_sums(&k, j, group, w, lo, hi);
        for (int32_t g = 0; g < group; g++) {
            p->output_data[2 * (j + g)] = paired_out(&k.rq, lo[g],
                                                     2 * (j + g));
            p->output_data[2 * (j + g) + 1] =
                paired_out(&k.rq, hi[g], 2 * (j + g) + 1);
        }
        w += (int64_t)2 * group * k.steps;
        j += group;
    }
    if (out_c % 2) {
        /* The odd last channel: plain int8 weights. */
        int32_t a = p->bias[out_c - 1];
        const uint32_t *x = xs;
        for (int32_t i = 0; i < k.steps; i++, x += 2) {
            const uint32_t v = mcn_load_u32(k.single + 4 * i);
            a = mcn_smlad(mcn_sxtb16(v), x[0], a);
            a = mcn_smlad(mcn_sxtb16_ror8(v), x[1], a);
        }
        const uint8_t *t = k.tails + (int64_t)2 * k.rest * k.pairs;
        for (int32_t i = 0; i < k.rest; i++)
            a = paired_mac(a, (int8_t)t[i], mcn_lo16(x[i]));
        p->output_data[out_c - 1] = paired_out(&k.rq, a, out_c - 1);
    }
}

/* ---- the common case alone (mcn_kernels.h: entries for generated
   code, appended here by the code-size work; the loops above unchanged) */

int mcn_k_fc_s8_smlad_paired_fast_applies(const mcn_k_conv_params *p)
{
    return mcn_k_fc_s8_smlad_paired_applies(p) && p->input.c % 4 == 0 &&
           p->input.c >= 4 && p->output.c % 2 == 0 && p->act_min <= -128 &&
           p->act_max >= 127 && paired_rq_all_fast(p);
}

int mcn_k_fc_s8_smlad_paired_pair_applies(const mcn_k_conv_params *p)
{
    return p->output.c == 2 && mcn_k_fc_s8_smlad_paired_fast_applies(p);
}

/* k for p in the common case: the constants (into scratch when per
   channel, else *one) and the widened row. */
static void fast_setup(fc_ctx *k, const mcn_k_conv_params *p,
                       mcn_rq_fast *one)
{
    uint8_t *scratch = (uint8_t *)p->scratch;
    mcn_rq_fast *table =
        p->rq.count > 1 ? (mcn_rq_fast *)(void *)scratch : one;
    for (int32_t i = 0; i < p->rq.count; i++)
        table[i] = mcn_rq_fast_of(p->rq.multiplier[i], p->rq.shift[i]);
    k->p = p;
    k->rq.p = p;
    k->rq.c = table;
    k->rq.step = p->rq.count > 1 ? 1 : 0;
    k->rq.fast = 1;
    k->rq.clamp = 0;
    k->depth = p->input.c;
    k->steps = k->depth / 4;
    k->rest = 0;
    k->pairs = p->output.c / 2;
    k->single = 0;
    k->tails = 0;
    uint32_t *xs = (uint32_t *)(void *)(scratch + paired_rq_scratch(p));
    k->sum128 = paired_sum128(mcn_k_paired_widen1(p->input_data, k->depth,
                                                  xs));
    k->xs = xs;
}

/* Pair j alone, its weights at w: the loop after the quads above, with
   mcn_rq_fast and no clamp. */
static void pair_fast(const fc_ctx *k, int32_t j, const uint32_t *w)
{
    int32_t lo[1], hi[1];
    group_sums(k, j, 1, w, lo, hi);
    const int32_t off = k->p->output_offset, s = k->rq.step;
    int8_t *d = k->p->output_data + 2 * j;
    d[0] = paired_out_fast(lo[0], k->rq.c + 2 * j * s, off);
    d[1] = paired_out_fast(hi[0], k->rq.c + (2 * j + 1) * s, off);
}

/* mcn_k_fc_s8_smlad_paired where ..._fast_applies holds. */
void mcn_k_fc_s8_smlad_paired_fast(const mcn_k_conv_params *p)
{
    fc_ctx k;
    mcn_rq_fast one;
    fast_setup(&k, p, &one);
    const int32_t quads = k.pairs / 2;
    if (quads > 0)
        quads_fast(&k, quads);
    if (k.pairs % 2)
        pair_fast(&k, k.pairs - 1,
                  (const uint32_t *)(const void *)p->filter_data +
                      (int64_t)4 * quads * k.steps);
}

/* mcn_k_fc_s8_smlad_paired where ..._pair_applies holds: one pair. */
void mcn_k_fc_s8_smlad_paired_pair(const mcn_k_conv_params *p)
{
    fc_ctx k;
    mcn_rq_fast one;
    fast_setup(&k, p, &one);
    pair_fast(&k, 0, (const uint32_t *)(const void *)p->filter_data);
}

int mcn_k_fc_s8_smlad_paired_quads_applies(const mcn_k_conv_params *p)
{
    return p->output.c % 4 == 0 && mcn_k_fc_s8_smlad_paired_fast_applies(p);
}

/* mcn_k_fc_s8_smlad_paired where ..._quads_applies holds: quads only. */
void mcn_k_fc_s8_smlad_paired_quads(const mcn_k_conv_params *p)
{
    fc_ctx k;
    mcn_rq_fast one;
    fast_setup(&k, p, &one);
    quads_fast(&k, k.pairs / 2);
}
