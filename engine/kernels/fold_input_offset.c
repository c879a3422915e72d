/*
** fold_input_offset.c: what every kernel that multiplies raw input bytes
** adds to the bias once, at pack time: off * (the sum of the weights each
** output channel's taps see), so that sum_k w * (x + off) becomes
** sum_k w * x plus a constant. Modulo 2^32, like TFLM's int32 sums.
** Such a kernel must treat a tap in the padding as the input zero point
** (-off), so that it adds w * (-off) and the folded off * w cancels.
*/
#include "mcn_kernels.h"
#include "requant.h"

void mcn_k_fold_input_offset(const mcn_k_conv_params *p, int depthwise,
                             int32_t *bias)
{
    const mcn_k_dims f = p->filter;
    const uint32_t off = (uint32_t)p->input_offset;
    if (depthwise) {
        /* Filter [1, KH, KW, C]: channel c's taps. */
        for (int32_t c = 0; c < f.c; c++) {
            uint32_t sum = 0;
            for (int32_t t = 0; t < f.h * f.w; t++)
                sum += (uint32_t)(int32_t)p->filter_data[t * f.c + c];
            bias[c] = mcn_wrap_i32((uint32_t)bias[c] + off * sum);
        }
        return;
    }
    /* Filter [O, KH, KW, I/groups]: row o's taps. */
    const int32_t row = f.h * f.w * f.c;
    for (int32_t o = 0; o < f.n; o++) {
        uint32_t sum = 0;
        for (int32_t k = 0; k < row; k++)
            sum += (uint32_t)(int32_t)p->filter_data[o * row + k];
        bias[o] = mcn_wrap_i32((uint32_t)bias[o] + off * sum);
    }
}
