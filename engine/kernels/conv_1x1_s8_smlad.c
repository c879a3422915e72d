/*
** conv_1x1_s8_smlad.c: CONV_2D with a 1x1 filter, stride 1, no padding,
** one group (and FULLY_CONNECTED, a 1x1 convolution over its rows), on
** the DSP extension: two output pixels times two output channels at a
** time, four input channels per step, each word of four int8s split by
** SXTB16 into its even and odd bytes and multiplied pairwise by SMLAD
** (the same split on both sides pairs byte k with byte k, so the weights
** keep the graph's layout). The input offset is folded into the bias at
** pack time (sum_k w * (x + off) = sum_k w * x + off * sum_k w, modulo
** 2^32 like TFLM's int32 sums), so the inner loop multiplies raw bytes.
** Same bits as mcn_k_conv_s8.
*/
#include "mcn_arch.h"
#include "mcn_kernels.h"
#include "requant.h"

int mcn_k_conv_1x1_s8_smlad_applies(const mcn_k_conv_params *p)
{
    return mcn_k_conv_1x1_s8_applies(p) && mcn_k_rq_nonneg(&p->rq);
}

void mcn_k_conv_1x1_s8_smlad_layout(const mcn_k_conv_params *p, int8_t *w,
                                    int32_t *bias)
{
    int32_t n = p->filter.n * p->filter.h * p->filter.w * p->filter.c;
    for (int32_t i = 0; i < n; i++)
        w[i] = p->filter_data[i];
    mcn_k_fold_input_offset(p, 0, bias);
}

/* Pixels go in pairs, each pair's outputs written while both its inputs
   are still read; a last odd pixel alone. So the output may start up to
   d bytes after the input when, for every step, the furthest byte it
   writes lies before the first input byte still to be read:
   d + (px + 2) * out_c <= px * depth for a pair at px, and
   d + (px + 1) * out_c <= px * depth for the odd pixel. */
int mcn_k_conv_1x1_s8_smlad_overlap(const mcn_k_conv_params *p, int32_t *lo,
                                    int32_t *hi)
{
    const int64_t pixels = (int64_t)p->output.n * p->output.h * p->output.w;
    const int64_t depth = p->input.c, out_c = p->output.c;
    int64_t best = INT64_MAX;
    for (int64_t px = 0; px + 2 <= pixels; px += 2) {
        /* Linear in px: only the first and last pair can be the least. */
        if (px != 0 && px + 4 <= pixels)
            continue;
        int64_t d = px * depth - (px + 2) * out_c;
        best = d < best ? d : best;
    }
    if (pixels % 2) {
        int64_t d = (pixels - 1) * depth - pixels * out_c;
        best = d < best ? d : best;
    }
    if (best < INT32_MIN)
        return 0;
    *lo = INT32_MIN;
    *hi = best > INT32_MAX ? INT32_MAX : (int32_t)best;
    return 1;
}

/* One output: the folded sum requantized and clamped. */
static inline int8_t finish(const mcn_k_conv_params *p, int32_t acc,
                            int32_t oc)
{
    const int32_t r = p->rq.count > 1 ? oc : 0;
    int32_t v = mcn_mbqm_pos(acc, p->rq.multiplier[r], (int)p->rq.shift[r]);
    v = mcn_wrap_add(v, p->output_offset);
    return (int8_t)mcn_clamp(v, p->act_min, p->act_max);
}

/* Dot products of one filter row with one input pixel, as 4-byte steps
   and then the rest one byte at a time. */
static inline int32_t dot1(const int8_t *x, const int8_t *w, int32_t depth,
                           int32_t acc)
{
    int32_t k = 0;
    for (; k + 4 <= depth; k += 4) {
        uint32_t xv = mcn_load_u32(x + k), wv = mcn_load_u32(w + k);
        acc = mcn_smlad(mcn_sxtb16(xv), mcn_sxtb16(wv), acc);
        acc = mcn_smlad(mcn_sxtb16_ror8(xv), mcn_sxtb16_ror8(wv), acc);
    }
    for (; k < depth; k++)
        acc = mcn_wrap_i32((uint32_t)acc + (uint32_t)(x[k] * w[k]));
    return acc;
}

void mcn_k_conv_1x1_s8_smlad(const mcn_k_conv_params *p)
{
    const int32_t pixels = p->output.n * p->output.h * p->output.w;
    const int32_t depth = p->input.c, out_c = p->output.c;
    const int32_t *bias = p->bias;
    const int8_t *in = p->input_data;
    int8_t *dst = p->output_data;
    int32_t px = 0;

    for (; px + 2 <= pixels; px += 2) {
        const int8_t *x0 = in + px * depth, *x1 = x0 + depth;
        int8_t *d0 = dst + px * out_c, *d1 = d0 + out_c;
        int32_t oc = 0;
        for (; oc + 2 <= out_c; oc += 2) {
            const int8_t *w0 = p->filter_data + oc * depth, *w1 = w0 + depth;
            int32_t a00 = bias[oc], a01 = bias[oc + 1];
            int32_t a10 = a00, a11 = a01;
            int32_t k = 0;
            for (; k + 4 <= depth; k += 4) {
                uint32_t xa = mcn_load_u32(x0 + k), xb = mcn_load_u32(x1 + k);
                uint32_t wa = mcn_load_u32(w0 + k), wb = mcn_load_u32(w1 + k);
                uint32_t xae = mcn_sxtb16(xa), xao = mcn_sxtb16_ror8(xa);
                uint32_t xbe = mcn_sxtb16(xb), xbo = mcn_sxtb16_ror8(xb);
                uint32_t wae = mcn_sxtb16(wa), wao = mcn_sxtb16_ror8(wa);
                uint32_t wbe = mcn_sxtb16(wb), wbo = mcn_sxtb16_ror8(wb);
                a00 = mcn_smlad(xae, wae, a00);
                a00 = mcn_smlad(xao, wao, a00);
                a01 = mcn_smlad(xae, wbe, a01);
                a01 = mcn_smlad(xao, wbo, a01);
                a10 = mcn_smlad(xbe, wae, a10);
                a10 = mcn_smlad(xbo, wao, a10);
                a11 = mcn_smlad(xbe, wbe, a11);
                a11 = mcn_smlad(xbo, wbo, a11);
            }
            for (; k < depth; k++) {
                a00 = mcn_wrap_i32((uint32_t)a00 + (uint32_t)(x0[k] * w0[k]));
                a01 = mcn_wrap_i32((uint32_t)a01 + (uint32_t)(x0[k] * w1[k]));
                a10 = mcn_wrap_i32((uint32_t)a10 + (uint32_t)(x1[k] * w0[k]));
                a11 = mcn_wrap_i32((uint32_t)a11 + (uint32_t)(x1[k] * w1[k]));
            }
            d0[oc] = finish(p, a00, oc);
            d0[oc + 1] = finish(p, a01, oc + 1);
            d1[oc] = finish(p, a10, oc);
            d1[oc + 1] = finish(p, a11, oc + 1);
        }
        for (; oc < out_c; oc++) {
            const int8_t *w0 = p->filter_data + oc * depth;
            d0[oc] = finish(p, dot1(x0, w0, depth, bias[oc]), oc);
            d1[oc] = finish(p, dot1(x1, w0, depth, bias[oc]), oc);
        }
    }
    for (; px < pixels; px++) {
        const int8_t *x0 = in + px * depth;
        for (int32_t oc = 0; oc < out_c; oc++)
            dst[px * out_c + oc] =
                finish(p, dot1(x0, p->filter_data + oc * depth, depth,
                               bias[oc]), oc);
    }
}
