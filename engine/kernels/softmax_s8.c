/*
** softmax_s8.c: SOFTMAX, int8 in, int8 out at scale 1/256 and zero point
** -128 (TFLM's reference int8 Softmax).
**
** Per row: d = x - max (<= 0) is rescaled by beta * s_in into Q5.26,
** exp(d) is evaluated in Q0.31 with gemmlowp's polynomial-and-barrel
** method, the exps are summed in Q12.19, the sum's reciprocal is taken
** in Q0.31 with num_bits_over_unit of headroom, and each output is
** exp * reciprocal divided by 2^(num_bits_over_unit + 23), minus 128.
** Differences below diff_min contribute nothing and give -128.
**
** TFLM stops with a check failure when the sum reaches 2^9 (e.g. a flat
** row longer than 511): the divisor would exceed 2^31. The true quotient
** is then below one half, so this kernel writes -128 there instead.
*/
#include "mcn_kernels.h"
#include "requant.h"

/* A row's first EXPS exps are kept from the sum for the outputs (a
   classifier's whole row), so each is worked out once, not twice. */
enum { SCALED_DIFF_BITS = 5, ACCUM_BITS = 12, EXPS = 16 };

static int32_t row_exp(int32_t diff, const mcn_k_softmax_params *p)
{
    int32_t scaled = mcn_mbqm_gt_one(diff, p->input_multiplier,
                                     (int)p->input_left_shift);
    return mcn_exp_on_negative_values(scaled, SCALED_DIFF_BITS);
}

void mcn_k_softmax_s8(const mcn_k_softmax_params *p)
{
    const uint32_t depth = p->depth;
    for (uint32_t r = 0; r < p->rows; r++) {
        const int8_t *x = p->input_data + r * depth;
        int8_t *y = p->output_data + r * depth;
        const int32_t max = mcn_k_row_max(x, depth);

        /* Each term is at most 2^19 (exp(0) in Q12.19), so the sum fits
           int64 for any depth; TFLM's int32 sum is the same below 2^31. */
        int64_t sum = 0;
        int32_t kept[EXPS];
        for (uint32_t c = 0; c < depth; c++) {
            int32_t diff = x[c] - max;
            if (diff >= p->diff_min) {
                const int32_t e = row_exp(diff, p);
                if (c < EXPS)
                    kept[c] = e;
                sum += mcn_fx_rescale(e, 0, ACCUM_BITS);
            }
        }

        int exponent = 32;
        int32_t scale = 0;
        if (sum > 0 && sum <= INT32_MAX) {
            int bits_over_unit;
            scale = mcn_get_reciprocal((int32_t)sum, ACCUM_BITS,
                                       &bits_over_unit);
            exponent = bits_over_unit + 31 - 8;
        }

        for (uint32_t c = 0; c < depth; c++) {
            int32_t diff = x[c] - max;
            int32_t out = -128;
            if (diff >= p->diff_min && exponent <= 31) {
                const int32_t e = c < EXPS ? kept[c] : row_exp(diff, p);
                int32_t v = mcn_rdbpot(mcn_srdhm(scale, e), exponent);
                out = mcn_clamp(v - 128, -128, 127);
            }
            y[c] = (int8_t)out;
        }
    }
}
