/*
** concat_s8.c: CONCATENATION, int8. TFLM's int8 kernel copies bytes and
** relies on the converter having given every input the output's scale
** and zero point; an input quantized otherwise goes through TFLM's
** Requantize arithmetic (what a QUANTIZE in front of it would do).
*/
#include <string.h>

#include "mcn_kernels.h"
#include "requant.h"

/* (2^30, 1) scales by exactly 1: MBQM(x, 2^30, 1) = SRDHM(2x, 2^30) = x. */
static int is_copy(const mcn_k_concat_input *in, int32_t output_offset)
{
    return in->multiplier == (INT32_C(1) << 30) && in->shift == 1 &&
           in->input_offset == -output_offset;
}

void mcn_k_concat_s8(const mcn_k_concat_params *p)
{
    int8_t *dst = p->output_data;
    for (uint32_t o = 0; o < p->outer; o++) {
        for (uint32_t k = 0; k < p->n_inputs; k++) {
            const mcn_k_concat_input *in = &p->in[k];
            const uint32_t len = in->axis_len * p->inner;
            const int8_t *src = in->data + o * len;
            /* An input the planner put at its own slice (a zero-copy
               concatenation) is there already; one to requantize is
               rewritten in place, element by element. */
            if (is_copy(in, p->output_offset)) {
                if (src != dst)
                    memcpy(dst, src, len);
            } else {
                for (uint32_t i = 0; i < len; i++) {
                    int32_t v = mcn_mbqm(src[i] + in->input_offset,
                                         in->multiplier, (int)in->shift);
                    v = mcn_wrap_add(v, p->output_offset);
                    dst[i] = (int8_t)mcn_clamp(v, -128, 127);
                }
            }
            dst += len;
        }
    }
}
