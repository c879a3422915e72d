/*
** fc_s8_smlad_wide.c: FULLY_CONNECTED with one batch row (and a 1x1
** CONV_2D over one pixel) for where SRAM, not flash, is short: the
** weights widened to int16 at pack time and kept so in flash (twice the
** filter's bytes: mcn_conv_kernel.weight_bytes), the input row read as
** it is, so no scratch holds a widened copy of it (fc_s8_smlad_paired's,
** two bytes per input channel, which sets the arena's peak where a wide
** row meets a narrow output). Four output channels at a time: per 4
** input channels one LDR of inputs, two SXTB16s, two LDMs of four weight
** words and eight SMLADs, 16 MACs in 13 instructions. The input offset is
** folded into the bias at pack time. Same bits as mcn_k_conv_s8 (and so
** as mcn_k_fc_s8).
**
** Weight layout, D input channels, D4 = D & ~3, r = D - D4, steps of 4
** input channels k..k+3, each channel's words E = (w[k], w[k+2]) and
** O = (w[k+1], w[k+3]) as int16 pairs, low half first (SXTB16's order):
**   1. per quad of output channels, per step: E0 O0 E1 O1 E2 O2 E3 O3;
**   2. each of the out_c % 4 channels after the quads: per step, E O;
**   3. each channel's last r weights, as int16.
** The packer chooses it over fc_s8_smlad_paired only for a layer whose
** scratch sets the peak (mcn_plan_kernel_lean).
*/
#include "paired_s8.h"

/* Only where every channel takes mcn_rq_fast (the layers it is for do),
   so that generated code holding it beside fc_s8_smlad_paired stays
   small. */
int mcn_k_fc_s8_smlad_wide_applies(const mcn_k_conv_params *p)
{
    return mcn_k_fc_s8_smlad_paired_applies(p) && paired_rq_all_fast(p) &&
           (int64_t)2 * p->output.c * p->input.c <= INT32_MAX;
}

/* The requant constants when per channel; nothing for the row. */
uint32_t mcn_k_fc_s8_smlad_wide_scratch_bytes(const mcn_k_conv_params *p)
{
    const uint64_t n = paired_rq_scratch(p);
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

uint32_t mcn_k_fc_s8_smlad_wide_weight_bytes(const mcn_k_conv_params *p)
{
    return 2u * (uint32_t)p->output.c * (uint32_t)p->input.c;
}

static uint8_t *put16(uint8_t *d, int8_t v)
{
    const uint16_t u = (uint16_t)(int16_t)v;
    d[0] = (uint8_t)u;
    d[1] = (uint8_t)(u >> 8);
    return d + 2;
}

/* Channel row's step at k: E then O. */
static uint8_t *put_step(uint8_t *d, const int8_t *row, int32_t k)
{
    d = put16(d, row[k]);
    d = put16(d, row[k + 2]);
    d = put16(d, row[k + 1]);
    return put16(d, row[k + 3]);
}

void mcn_k_fc_s8_smlad_wide_layout(const mcn_k_conv_params *p, int8_t *w,
                                   int32_t *bias)
{
    const int8_t *src = p->filter_data;
    const int32_t depth = p->input.c, out_c = p->output.c;
    const int32_t d4 = depth & ~3, quads = out_c / 4;
    uint8_t *d = (uint8_t *)w;
    for (int32_t q = 0; q < quads; q++)
        for (int32_t k = 0; k < d4; k += 4)
            for (int32_t j = 0; j < 4; j++)
                d = put_step(d, src + (int64_t)(4 * q + j) * depth, k);
    for (int32_t oc = 4 * quads; oc < out_c; oc++)
        for (int32_t k = 0; k < d4; k += 4)
            d = put_step(d, src + (int64_t)oc * depth, k);
    for (int32_t oc = 0; oc < out_c; oc++)
        for (int32_t k = d4; k < depth; k++)
            d = put16(d, src[(int64_t)oc * depth + k]);
    mcn_k_fold_input_offset(p, 0, bias);
}

/* Whether both int16 halves of w are int8s widened (put16): each high
   byte the sign of the low byte below it, spread (0x80 * 0x1fe =
   0xff00). */
static int widened2(uint32_t w)
{
    return (w & 0xff00ff00u) == (w & 0x00800080u) * 0x1feu;
}

/* Every int16 an int8 widened: the layout only reorders the graph's
   weights, and an int16 outside int8 is none of them. A word at a time,
   as mcn_init runs it over a large layer's flash. */
int mcn_k_fc_s8_smlad_wide_verify(const mcn_k_conv_params *p)
{
    const uint8_t *w = (const uint8_t *)p->filter_data;
    const uint32_t n = mcn_k_fc_s8_smlad_wide_weight_bytes(p);
    uint32_t i = 0;
    for (; i + 4 <= n; i += 4)
        if (!widened2(mcn_load_u32(w + i)))
            return 0;
    return i == n || widened2((uint32_t)w[i] | (uint32_t)w[i + 1] << 8);
}

#if MCN_ARCH_DSP
/* What the quads' loop reads, at these offsets from sp once
   PAIRED_JOB_ENTER has copied it there. */
typedef struct {
    const uint8_t *w;           /*  0: the weights (r11 throughout) */
    const int32_t *b;           /*  4: bias of the next quad */
    const int8_t *x, *xend;     /*  8: the row, its end */
    int32_t entry;              /* 16: steps % 8 */
    const mcn_rq_fast *c;       /* 20: constants of the next channel */
    int32_t cstep;              /* 24: bytes from one channel's to the next */
    int32_t off;                /* 28: output offset */
    int8_t *d, *dend;           /* 32: next outputs, end of the quads' */
    int32_t unused[2];          /* 40 */
} wide_job;

/* One step of four channels: sums r1 r3 r4 r5, weights r0 r2 r6 r7,
   inputs even odd r8 r9, weight pointer r11, input pointer r12. */
#define STEPW                                         \
    "ldr    r9, [r12], #4\n\t"                        \
    "sxtb16 r8, r9\n\t"                               \
    "sxtb16 r9, r9, ror #8\n\t"                       \
    "ldm    r11!, {r0, r2, r6, r7}\n\t"               \
    "smlad  r1, r0, r8, r1\n\t"                       \
    "smlad  r1, r2, r9, r1\n\t"                       \
    "smlad  r3, r6, r8, r3\n\t"                       \
    "smlad  r3, r7, r9, r3\n\t"                       \
    "ldm    r11!, {r0, r2, r6, r7}\n\t"               \
    "smlad  r4, r0, r8, r4\n\t"                       \
    "smlad  r4, r2, r9, r4\n\t"                       \
    "smlad  r5, r6, r8, r5\n\t"                       \
    "smlad  r5, r7, r9, r5\n\t"

/* mcn_rq_fast_apply of register v with m r6, round_hi r7, shift r8, +
   output offset (r2), SSAT; r0, r10 scratch (fc_s8_smlad_paired's). */
#define RQW(v)                                        \
    "and    r10, " v ", #0x80000000\n\t"              \
    "orr    r10, r10, #0x40000000\n\t"                \
    "add    r0, r7, " v ", asr #31\n\t"               \
    "smlal  r10, r0, " v ", r6\n\t"                   \
    "asr    r0, r0, r8\n\t"                           \
    "add    " v ", r0, r2\n\t"                        \
    "ssat   " v ", #8, " v "\n\t"
#define RQWC(v)                                       \
    "ldm    r12, {r6-r8}\n\t"                         \
    "add    r12, r12, r9\n\t" RQW(v)
#endif

/* The quads of the common case: an act range of all int8, at least one
   step and no tail. */
static void quads_fast(const mcn_k_conv_params *p, const paired_rq *rq,
                       int32_t quads)
{
    const int32_t steps = p->input.c / 4;
#if MCN_ARCH_DSP
    wide_job job = {(const uint8_t *)p->filter_data, p->bias, p->input_data,
                    p->input_data + 4 * steps, steps % 8, rq->c,
                    rq->step * (int32_t)sizeof(mcn_rq_fast),
                    p->output_offset, p->output_data,
                    p->output_data + 4 * quads, {0, 0}};
    register wide_job *j __asm__("r0") = &job;
    __asm__ volatile(
        PAIRED_JOB_ENTER
        "3:\n\t"
        "ldr    r10, [sp, #4]\n\t"
        "ldm    r10!, {r1, r3, r4, r5}\n\t"
        "str    r10, [sp, #4]\n\t"
        "ldrd   r12, lr, [sp, #8]\n\t"
        "ldr    r10, [sp, #16]\n"
        PAIRED_TURNS8(STEPW)
        "ldrd   r12, r9, [sp, #20]\n\t"
        "ldr    r2, [sp, #28]\n\t"
        "cmp    r9, #0\n\t"
        "beq    6f\n\t"
        RQWC("r1") RQWC("r3") RQWC("r4") RQWC("r5")
        "str    r12, [sp, #20]\n\t"
        "b      7f\n"
        "6:\n\t"
        "ldm    r12, {r6-r8}\n\t"
        RQW("r1") RQW("r3") RQW("r4") RQW("r5")
        "7:\n\t"
        "bfi    r1, r3, #8, #8\n\t"
        "bfi    r1, r4, #16, #8\n\t"
        "bfi    r1, r5, #24, #8\n\t"
        "ldrd   r12, r9, [sp, #32]\n\t"
        "str    r1, [r12], #4\n\t"
        "str    r12, [sp, #32]\n\t"
        "cmp    r12, r9\n\t"
        "bne    3b\n\t"
        PAIRED_JOB_LEAVE
        : "+r"(j)
        :
        : PAIRED_JOB_CLOBBERS);
#else
    const uint8_t *w = (const uint8_t *)p->filter_data;
    for (int32_t q = 0; q < quads; q++) {
        int32_t a[4];
        for (int32_t c = 0; c < 4; c++)
            a[c] = p->bias[4 * q + c];
        for (int32_t s = 0; s < steps; s++, w += 32) {
            const uint32_t v = mcn_load_u32(p->input_data + 4 * s);
            const uint32_t e = mcn_sxtb16(v), o = mcn_sxtb16_ror8(v);
            for (int32_t c = 0; c < 4; c++)
                a[c] = mcn_smlad(mcn_load_u32(w + 8 * c + 4), o,
                                 mcn_smlad(mcn_load_u32(w + 8 * c), e, a[c]));
        }
        const mcn_rq_fast *c = rq->c + 4 * q * rq->step;
        for (int32_t k = 0; k < 4; k++)
            p->output_data[4 * q + k] =
                paired_out_fast(a[k], c + k * rq->step, p->output_offset);
    }
#endif
}

/* Channel oc's sum over the steps from its words w (`stride` bytes apart
   per step) and its tail t. */
static int32_t channel_sum(const mcn_k_conv_params *p, int32_t oc,
                           const uint8_t *w, uint32_t stride,
                           const uint8_t *t)
{
    const uint32_t steps = (uint32_t)p->input.c >> 2;
    const uint32_t rest = (uint32_t)p->input.c & 3u;
    const int8_t *x = p->input_data;
    int32_t a = p->bias[oc];
    for (uint32_t s = 0; s < steps; s++, w += stride, x += 4) {
        const uint32_t v = mcn_load_u32(x);
        a = mcn_smlad(mcn_load_u32(w + 4), mcn_sxtb16_ror8(v),
                      mcn_smlad(mcn_load_u32(w), mcn_sxtb16(v), a));
    }
    for (uint32_t i = 0; i < rest; i++, t += 2) {
        const int32_t wv = (int16_t)(uint16_t)(t[0] | t[1] << 8);
        a = paired_mac(a, wv, x[i]);
    }
    return a;
}

void mcn_k_fc_s8_smlad_wide(const mcn_k_conv_params *p)
{
    const uint32_t depth = (uint32_t)p->input.c;
    const uint32_t out_c = (uint32_t)p->output.c;
    const uint32_t steps = depth >> 2, rest = depth & 3u;
    const uint32_t quads = out_c >> 2;
    /* Every channel takes mcn_rq_fast (applies checked it). */
    mcn_rq_fast one;
    paired_rq rq;
    rq.p = p;
    rq.step = p->rq.count > 1;
    mcn_rq_fast *table = rq.step ? (mcn_rq_fast *)(void *)p->scratch : &one;
    for (int32_t i = 0; i < p->rq.count; i++)
        table[i] = mcn_rq_fast_of(p->rq.multiplier[i], p->rq.shift[i]);
    rq.c = table;
    rq.fast = 1;
    rq.clamp = p->act_min > -128 || p->act_max < 127;
    const uint8_t *w = (const uint8_t *)p->filter_data;
    const uint8_t *tails = w + 8u * out_c * steps;
    uint32_t oc = 0;
    if (!rq.clamp && rest == 0 && steps > 0 && quads > 0) {
        quads_fast(p, &rq, (int32_t)quads);
        oc = 4 * quads;
    }
    /* One call site: generated code keeps one copy of the loop. */
    for (; oc < out_c; oc++) {
        const int in_quad = oc < 4 * quads;
        const uint8_t *cw = in_quad ? w + 32u * steps * (oc >> 2) +
                                          8u * (oc & 3u)
                                    : w + 8u * steps * oc;
        const int32_t v = paired_out_fast(
            channel_sum(p, (int32_t)oc, cw, in_quad ? 32u : 8u,
                        tails + 2u * rest * oc),
            rq.c + oc * (uint32_t)rq.step, p->output_offset);
        p->output_data[oc] = (int8_t)mcn_clamp(v, p->act_min, p->act_max);
    }
}
