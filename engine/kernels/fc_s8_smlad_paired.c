/*
** fc_s8_smlad_paired.c: FULLY_CONNECTED with one batch row (and a 1x1
** CONV_2D over one pixel), a matrix-vector product on the DSP extension
** with the paired lanes of paired_s8.h, laid out with `quads`: four
** output channels (two pairs) at a time share each input word, split by
** two SXTB16s, against two LDRDs of weights, four UXTB16s and eight
** SMLADs: 17 instructions for 16 multiply-accumulates. The input is read
** in place (no scratch unless the requantization is per channel), so the
** output must not overlap it. The input offset is folded into the bias
** at pack time. Same bits as mcn_k_conv_s8 (and so mcn_k_fc_s8).
*/
#include "paired_s8.h"

int mcn_k_fc_s8_smlad_paired_applies(const mcn_k_conv_params *p)
{
    return mcn_k_conv_1x1_s8_applies(p) && mcn_k_rq_nonneg(&p->rq) &&
           p->output.n == 1 && p->output.h == 1 && p->output.w == 1;
}

uint32_t mcn_k_fc_s8_smlad_paired_scratch_bytes(const mcn_k_conv_params *p)
{
    const uint64_t n = paired_rq_scratch(p);
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

void mcn_k_fc_s8_smlad_paired_layout(const mcn_k_conv_params *p, int8_t *w,
                                     int32_t *bias)
{
    mcn_k_paired_layout(p, w, bias, 1);
}

typedef struct {
    int32_t ra, ua, rb, ub;
} acc4;

/* n >= 1 steps of 4 input channels for two pairs a and b; x is int8. */
PAIRED_INLINE void steps4(const uint32_t **wp, const int8_t **xp, int32_t n,
                   acc4 *a)
{
    const uint32_t *w = *wp;
    const int8_t *x = *xp;
#if MCN_ARCH_DSP
    const int8_t *xend = x + 4 * n;
    uint32_t xr, xo, we, wo, u;
    __asm__ volatile(
#define STEP4                                         \
    "ldr    %[xr], [%[x]], #4\n\t"                    \
    "ldrd   %[we], %[wo], [%[w]], #8\n\t"             \
    "sxtb16 %[xo], %[xr], ror #8\n\t"                 \
    "sxtb16 %[xr], %[xr]\n\t"                         \
    "uxtb16 %[u], %[we]\n\t"                          \
    "smlad  %[ra], %[we], %[xr], %[ra]\n\t"           \
    "smlad  %[ua], %[u], %[xr], %[ua]\n\t"            \
    "uxtb16 %[u], %[wo]\n\t"                          \
    "smlad  %[ra], %[wo], %[xo], %[ra]\n\t"           \
    "smlad  %[ua], %[u], %[xo], %[ua]\n\t"            \
    "ldrd   %[we], %[wo], [%[w]], #8\n\t"             \
    "uxtb16 %[u], %[we]\n\t"                          \
    "smlad  %[rb], %[we], %[xr], %[rb]\n\t"           \
    "smlad  %[ub], %[u], %[xr], %[ub]\n\t"            \
    "uxtb16 %[u], %[wo]\n\t"                          \
    "smlad  %[rb], %[wo], %[xo], %[rb]\n\t"           \
    "smlad  %[ub], %[u], %[xo], %[ub]\n\t"
        /* Two steps per turn; an odd count enters at the second. */
        "sub    %[u], %[xend], %[x]\n\t"
        "tst    %[u], #4\n\t"
        "bne    2f\n"
        "1:\n\t" STEP4 "2:\n\t" STEP4
        "cmp    %[x], %[xend]\n\t"
        "bne    1b\n\t"
#undef STEP4
        : [ra] "+r"(a->ra), [ua] "+r"(a->ua), [rb] "+r"(a->rb),
          [ub] "+r"(a->ub), [w] "+r"(w), [x] "+r"(x), [xr] "=&r"(xr),
          [xo] "=&r"(xo), [we] "=&r"(we), [wo] "=&r"(wo), [u] "=&r"(u)
        : [xend] "r"(xend)
        : "cc", "memory");
#else
    for (int32_t i = 0; i < n; i++, w += 4, x += 4) {
        const uint32_t v = mcn_load_u32(x);
        const uint32_t xe = mcn_sxtb16(v), xo = mcn_sxtb16_ror8(v);
        a->ra = mcn_smlad(w[1], xo, mcn_smlad(w[0], xe, a->ra));
        a->ua = mcn_smlad(mcn_uxtb16(w[1]), xo,
                          mcn_smlad(mcn_uxtb16(w[0]), xe, a->ua));
        a->rb = mcn_smlad(w[3], xo, mcn_smlad(w[2], xe, a->rb));
        a->ub = mcn_smlad(mcn_uxtb16(w[3]), xo,
                          mcn_smlad(mcn_uxtb16(w[2]), xe, a->ub));
    }
#endif
    *wp = w;
    *xp = x;
}

/* n steps of one pair alone (an odd last pair). */
PAIRED_INLINE void steps2(const uint32_t **wp, const int8_t *x, int32_t n,
                   int32_t *r, int32_t *u)
{
    const uint32_t *w = *wp;
    for (int32_t i = 0; i < n; i++, w += 2, x += 4) {
        const uint32_t v = mcn_load_u32(x);
        const uint32_t xe = mcn_sxtb16(v), xo = mcn_sxtb16_ror8(v);
        *r = mcn_smlad(w[1], xo, mcn_smlad(w[0], xe, *r));
        *u = mcn_smlad(mcn_uxtb16(w[1]), xo,
                       mcn_smlad(mcn_uxtb16(w[0]), xe, *u));
    }
    *wp = w;
}

typedef struct {
    const mcn_k_conv_params *p;
    paired_rq rq;
    int32_t depth, steps, rest;
    uint32_t sum128;            /* 128 * the input's sum */
    const uint8_t *tails;
} fc_ctx;

/* Pair j's sums: U and R start from its bias, A_h from its high bias. */
static void pair_start(const fc_ctx *k, int32_t j, int32_t *r, int32_t *u,
                       int32_t *h)
{
    *u = mcn_wrap_i32((uint32_t)k->p->bias[2 * j] - k->sum128);
    *r = *u;
    *h = k->p->bias[2 * j + 1];
}

/* Pair j's last input channels, then its two outputs. */
static void pair_finish(const fc_ctx *k, int32_t j, int32_t u, int32_t h)
{
    const uint8_t *t = k->tails + (int64_t)2 * k->rest * j;
    const int8_t *x = k->p->input_data + (k->depth - k->rest);
    for (int32_t i = 0; i < k->rest; i++) {
        u = paired_mac(u, paired_tail_lo(t, i), x[i]);
        h = paired_mac(h, paired_tail_hi(t, i), x[i]);
    }
    k->p->output_data[2 * j] = paired_out(&k->rq, u, 2 * j);
    k->p->output_data[2 * j + 1] = paired_out(&k->rq, h, 2 * j + 1);
}

static int32_t input_sum(const int8_t *x, int32_t depth)
{
    uint32_t s = 0;
    int32_t k = 0;
    /* USADA8 of x ^ 0x80 per byte: the sum of x + 128. */
    for (; k + 4 <= depth; k += 4)
        s = mcn_usada8(mcn_load_u32(x + k) ^ 0x80808080u, 0, s);
    s -= (uint32_t)k * 128u;
    for (; k < depth; k++)
        s += (uint32_t)(int32_t)x[k];
    return mcn_wrap_i32(s);
}

void mcn_k_fc_s8_smlad_paired(const mcn_k_conv_params *p)
{
    fc_ctx k;
    k.p = p;
    k.depth = p->input.c;
    k.steps = k.depth / 4;
    k.rest = k.depth % 4;
    const int32_t out_c = p->output.c, pairs = out_c / 2;
    const int32_t d4 = k.depth - k.rest;
    const int8_t *single = p->filter_data + (int64_t)2 * pairs * d4;
    k.tails = (const uint8_t *)single + (out_c % 2 ? d4 : 0);
    k.sum128 = paired_sum128(input_sum(p->input_data, k.depth));
    mcn_rq_fast one;
    paired_rq_init(&k.rq, p, p->rq.count > 1
                                 ? (mcn_rq_fast *)(void *)p->scratch
                                 : &one);
    const uint32_t *w = (const uint32_t *)(const void *)p->filter_data;
    int32_t j = 0;
    for (; j + 2 <= pairs; j += 2) {
        acc4 a;
        int32_t ha, hb;
        pair_start(&k, j, &a.ra, &a.ua, &ha);
        pair_start(&k, j + 1, &a.rb, &a.ub, &hb);
        const int8_t *x = p->input_data;
        for (int32_t left = k.steps; left > 0; left -= PAIRED_CHUNK_STEPS) {
            steps4(&w, &x, left < PAIRED_CHUNK_STEPS ? left
                                                     : PAIRED_CHUNK_STEPS,
                   &a);
            paired_take_high(&ha, &a.ra, a.ua);
            paired_take_high(&hb, &a.rb, a.ub);
        }
        pair_finish(&k, j, a.ua, ha);
        pair_finish(&k, j + 1, a.ub, hb);
    }
    if (j < pairs) {
        int32_t r, u, h;
        pair_start(&k, j, &r, &u, &h);
        for (int32_t s = 0; s < k.steps; s += PAIRED_CHUNK_STEPS) {
            const int32_t n = k.steps - s < PAIRED_CHUNK_STEPS
                                  ? k.steps - s : PAIRED_CHUNK_STEPS;
            steps2(&w, p->input_data + 4 * s, n, &r, &u);
            paired_take_high(&h, &r, u);
        }
        pair_finish(&k, j, u, h);
    }
    if (out_c % 2) {
        /* The odd last channel: plain int8 weights. */
        const int8_t *x = p->input_data;
        int32_t a = p->bias[out_c - 1];
        for (int32_t i = 0; i < k.steps; i++) {
            const uint32_t v = mcn_load_u32(single + 4 * i);
            const uint32_t xv = mcn_load_u32(x + 4 * i);
            a = mcn_smlad(mcn_sxtb16(v), mcn_sxtb16(xv), a);
            a = mcn_smlad(mcn_sxtb16_ror8(v), mcn_sxtb16_ror8(xv), a);
        }
        const uint8_t *t = k.tails + (int64_t)2 * k.rest * pairs;
        for (int32_t i = 0; i < k.rest; i++)
            a = paired_mac(a, (int8_t)t[i], x[d4 + i]);
        p->output_data[out_c - 1] = paired_out(&k.rq, a, out_c - 1);
    }
}
