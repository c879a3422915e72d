/*
** log_softmax_s8.c: LOG_SOFTMAX, int8 in, int8 out at scale 16/256 and
** zero point 127 (TFLM's reference LogSoftmaxQuantized).
**
** Per row: d = x - max (<= 0) is rescaled into Q5.26 by the input
** multiplier, exp(d) is evaluated in Q0.31 and summed in Q12.19 (terms
** with d below diff_min contribute nothing), and log(sum) is taken in
** Q5.26 with TFLite's log_x_for_x_greater_than_or_equal_to_1. Each
** output is (d' - log(sum)) / 2^22, rounding, plus 127: the Q5.26
** difference on the 1/16 grid. An input whose d' - log(sum) would fall
** below Q5.26's range (d at or below adjusted_diff_min, log(sum) carried
** back to an input difference by the reverse divisor) gives -128.
**
** TFLM sums in int32, which overflows (undefined) once the sum reaches
** 2^12, i.e. 4096 maximal terms in one row; the sum saturates here
** instead, so such a row gets the largest log the sum can say.
*/
#include "mcn_kernels.h"
#include "requant.h"

enum { INPUT_BITS = 5, ACCUM_BITS = 12, OUTPUT_BITS = 4 };

static int32_t in_q5(int32_t diff, const mcn_k_log_softmax_params *p)
{
    return mcn_mbqm(diff, p->input_multiplier, (int)p->input_left_shift);
}

void mcn_k_log_softmax_s8(const mcn_k_log_softmax_params *p)
{
    const uint32_t depth = p->depth;
    for (uint32_t r = 0; r < p->rows; r++) {
        const int8_t *x = p->input_data + r * depth;
        int8_t *y = p->output_data + r * depth;
        const int32_t max = mcn_k_row_max(x, depth);

        int64_t sum = 0;
        for (uint32_t c = 0; c < depth; c++) {
            int32_t diff = x[c] - max;
            if (diff >= p->diff_min)
                sum += mcn_fx_rescale(mcn_exp_on_negative_values(
                                          in_q5(diff, p), INPUT_BITS),
                                      0, ACCUM_BITS);
        }
        int32_t log_sum = mcn_fx_log_x_ge_1(
            sum > INT32_MAX ? INT32_MAX : (int32_t)sum, ACCUM_BITS,
            INPUT_BITS);

        /* The most negative Q5.26 value plus log(sum), as a difference. */
        int32_t floor_q5 = mcn_wrap_add(log_sum, INT32_MIN);
        int32_t adjusted_diff_min = mcn_mbqm(floor_q5,
                                             p->reverse_scaling_divisor,
                                             (int)p->reverse_scaling_shift);
        if (adjusted_diff_min < p->diff_min - 1)
            adjusted_diff_min = p->diff_min - 1;

        for (uint32_t c = 0; c < depth; c++) {
            int32_t diff = x[c] - max;
            int32_t out = -128;
            if (diff > adjusted_diff_min) {
                int32_t v = mcn_rdbpot(mcn_wrap_sub(in_q5(diff, p), log_sum),
                                       31 - INPUT_BITS - OUTPUT_BITS);
                out = mcn_clamp(v + 127, -128, 127);
            }
            y[c] = (int8_t)out;
        }
    }
}
