/*
** paired_s8.h: what the two "paired" 1x1 kernels share
** (conv_1x1_s8_smlad_paired.c over pixel pairs, fc_s8_smlad_paired.c over
** a single row): the weight lanes they read, their requantization, and
** the frame and loop shape of their hand-scheduled asm. C99,
** freestanding, internal to engine/kernels.
**
** Output channels l = 2j and h = 2j + 1 share one 16-bit lane per input
** channel k, its high byte w_h[k] and its low byte w_l[k] + 128 (unsigned):
**     lane = 256 * w_h + (w_l + 128),   always an int16.
** Against int16 inputs x (SXTB16 halves), SMLAD over a word of two lanes
** and UXTB16 of that word (its two low bytes) accumulate
**     R += sum lane * x = 256 * A_h + U,   U += sum (w_l + 128) * x,
** so U = A_l + 128 * S and R - U = 256 * A_h, with A_l, A_h the two
** channels' dot products and S = sum x: two channels' sums from one
** UXTB16 and two SMLADs per four weights, where splitting int8 weights
** otherwise takes two SXTB16s per four weights of one channel. R - U is
** exact modulo 2^32, so A_h = (R - U) >> 8 holds while |A_h| < 2^23,
** i.e. up to 511 input channels of int8 products (|w * x| <= 2^14): the
** kernels take A_h out every PAIRED_CHUNK_STEPS steps and start R = U
** again. A_l and A_h wrap modulo 2^32 like TFLM's int32 sums.
**
** Weight layout (mcn_k_paired_layout), D input channels, D4 = D & ~3,
** r = D - D4, P = out_c / 2 pairs, steps of 4 input channels k..k+3:
**   1. for each pair, per step, the words E = lanes (k, k+2) and
**      O = lanes (k+1, k+3) (SXTB16's order: E meets the inputs' even
**      bytes, O the odd ones); with `quads`, pairs 2q and 2q+1 take turns
**      per step (E_a O_a E_b O_b) and an odd last pair stands alone;
**   2. an odd last channel's first D4 weights as they are (int8);
**   3. each pair's last r lanes (k = D4..D-1, low byte first), then the
**      odd channel's last r weights.
** Every step's words are 4-byte aligned when the tensor is. The bias
** gets the input offset folded in (mcn_k_fold_input_offset), so the
** kernels multiply raw input bytes.
*/
#ifndef MCN_PAIRED_S8_H
#define MCN_PAIRED_S8_H

#include "mcn_arch.h"
#include "mcn_kernels.h"
#include "requant.h"

/* The layout above, from p->filter_data into w, with the input offset
   folded into bias; quads interleaves pairs two by two (the one-row
   kernel). */
void mcn_k_paired_layout(const mcn_k_conv_params *p, int8_t *w,
                         int32_t *bias, int quads);

/* Row x (depth int8s) widened to int16 in SXTB16's order: per 4 input
   channels a word of its even bytes then one of its odd bytes, then a
   word {x[k], 0} per channel left over. Returns the row's sum (modulo
   2^32). */
int32_t mcn_k_paired_widen1(const int8_t *x, int32_t depth, uint32_t *xs);

/* For the inner loops, which must inline into their callers for their
   accumulators to stay in registers. */
#if defined(__GNUC__)
#define PAIRED_INLINE static inline __attribute__((always_inline))
#else
#define PAIRED_INLINE static inline
#endif

/* The hand-scheduled loops (inline asm on DSP cores): eight copies of
   `step` a turn until r12 reaches lr, the first turn entered by TBB at
   copy 8 - k for k = r10 (the step count modulo 8). */
#define PAIRED_TURNS8(step)                                   \
    "tbb    [pc, r10]\n"                                      \
    "9:\n\t"                                                 \
    ".byte  (10f - 9b) / 2, (17f - 9b) / 2\n\t"              \
    ".byte  (16f - 9b) / 2, (15f - 9b) / 2\n\t"              \
    ".byte  (14f - 9b) / 2, (13f - 9b) / 2\n\t"              \
    ".byte  (12f - 9b) / 2, (11f - 9b) / 2\n"                 \
    "10:\n\t" step "11:\n\t" step "12:\n\t" step "13:\n\t" step \
    "14:\n\t" step "15:\n\t" step "16:\n\t" step "17:\n\t" step \
    "cmp    r12, lr\n\t"                                     \
    "bne    10b\n\t"

/* The hand-scheduled loops' frame: the job at r0 (12 words) copied to
   the stack, so that every register is free for the loop; r7, which may
   be the frame pointer, saved below it and restored. The job's first
   word, loaded into r11, is the loop's weight pointer. */
#define PAIRED_JOB_ENTER                              \
    "push   {r7}\n\t"                                 \
    "ldm    r0, {r1-r12}\n\t"                         \
    "push   {r1-r12}\n\t"                             \
    "mov    r11, r1\n"
#define PAIRED_JOB_LEAVE                              \
    "add    sp, sp, #48\n\t"                          \
    "pop    {r7}\n\t"
#define PAIRED_JOB_CLOBBERS                                               \
    "r1", "r2", "r3", "r4", "r5", "r6", "r8", "r9", "r10", "r11", "r12", \
        "lr", "cc", "memory"

/* Steps of 4 input channels between two takings of A_h: 256 channels. */
#define PAIRED_CHUNK_STEPS 64

/* A_h after a chunk: high + (R - U) >> 8 (R then starts again at U). */
static inline int32_t paired_high(int32_t high, int32_t r, int32_t u)
{
    const int32_t d = mcn_wrap_i32((uint32_t)r - (uint32_t)u);
    return mcn_wrap_add(high, mcn_asr(d, 8));
}

/* 128 * S, modulo 2^32, for the start of U = bias_l - 128 * S. */
static inline uint32_t paired_sum128(int32_t s)
{
    return (uint32_t)s << 7;
}

/* The requantization of one layer, resolved once per run. */
typedef struct {
    const mcn_k_conv_params *p;
    const mcn_rq_fast *c;   /* fast: channel oc's constants at c[oc * step] */
    int32_t step;           /* 1 per channel, 0 one for all */
    int fast;               /* every (multiplier, shift) mcn_rq_fast_ok */
    int clamp;              /* act range narrower than int8 */
} paired_rq;

/* Whether every channel of p can use mcn_rq_fast. */
static inline int paired_rq_all_fast(const mcn_k_conv_params *p)
{
    for (int32_t i = 0; i < p->rq.count; i++)
        if (!mcn_rq_fast_ok(p->rq.multiplier[i], p->rq.shift[i]))
            return 0;
    return 1;
}

/* q for p, with mcn_rq_fast constants in table: `entries` of them, one
   per output channel (p->rq's own when per channel, its one repeated
   otherwise), or 1 for a layer with one requantization. */
static inline void paired_rq_init(paired_rq *q, const mcn_k_conv_params *p,
                                  mcn_rq_fast *table, int32_t entries)
{
    q->p = p;
    q->c = table;
    q->step = entries > 1 ? 1 : 0;
    q->fast = paired_rq_all_fast(p);
    q->clamp = p->act_min > -128 || p->act_max < 127;
    if (q->fast)
        for (int32_t i = 0; i < entries; i++) {
            const int32_t r = p->rq.count > 1 ? i : 0;
            table[i] = mcn_rq_fast_of(p->rq.multiplier[r], p->rq.shift[r]);
        }
}

/* Scratch for the constants of a per-channel requantization. */
static inline uint64_t paired_rq_scratch(const mcn_k_conv_params *p)
{
    return p->rq.count > 1 ? (uint64_t)p->rq.count * sizeof(mcn_rq_fast)
                           : 0;
}

/* Output channel oc's int32 sum requantized, offset and clamped: TFLM's
   MultiplyByQuantizedMultiplier + output_offset, clamped to the act
   range (which lies inside int8, so SSAT first changes nothing). */
static inline int8_t paired_out(const paired_rq *q, int32_t acc, int32_t oc)
{
    const mcn_k_conv_params *p = q->p;
    int32_t v;
    if (q->fast) {
        v = mcn_rq_fast_apply(acc, q->c + oc * q->step);
    } else {
        const int32_t r = p->rq.count > 1 ? oc : 0;
        v = mcn_mbqm_pos(acc, p->rq.multiplier[r], (int)p->rq.shift[r]);
    }
    v = mcn_ssat8(mcn_wrap_add(v, p->output_offset));
    if (q->clamp)
        v = mcn_clamp(v, p->act_min, p->act_max);
    return (int8_t)v;
}

/* paired_out for a layer where every channel takes mcn_rq_fast and the
   act range is all of int8. */
static inline int8_t paired_out_fast(int32_t acc, const mcn_rq_fast *c,
                                     int32_t output_offset)
{
    return (int8_t)mcn_ssat8(mcn_rq_fast_apply(acc, c) + output_offset);
}

/* Lane k of a tail (part 3 of the layout): its unsigned low byte and its
   high byte, w_l + 128 and w_h. */
static inline int32_t paired_tail_lo(const uint8_t *t, int32_t k)
{
    return t[2 * k];
}

static inline int32_t paired_tail_hi(const uint8_t *t, int32_t k)
{
    return (int32_t)(int8_t)t[2 * k + 1];
}

/* acc + a * b modulo 2^32. */
static inline int32_t paired_mac(int32_t acc, int32_t a, int32_t b)
{
    return mcn_wrap_i32((uint32_t)acc + (uint32_t)(a * b));
}

#endif
