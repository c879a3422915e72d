/*
** transpose_s8.c: TRANSPOSE and SLICE, int8: bytes copied unchanged from
** a strided view of the input (TFLM's reference Transpose and
** StridedSlice move values the same way; no arithmetic touches them).
**
** The output is written in order. The input offset follows it: one step
** along output axis d adds steps[d]; finishing that axis takes back
** dims[d] steps and carries into axis d - 1, so no element needs a
** division. Offsets are unsigned and wrap: a negative step (a reversing
** SLICE) or the overshoot at the end of an axis passes through values
** outside the input on the way to the next offset, which is inside.
*/
#include <string.h>

#include "mcn_kernels.h"

void mcn_k_transpose_s8(const mcn_k_transpose_params *p)
{
    const int last = p->rank - 1;
    const uint32_t inner = (uint32_t)p->dims[last];
    const uint32_t inner_step = (uint32_t)p->steps[last];
    uint32_t outer = 1;
    for (int d = 0; d < last; d++)
        outer *= (uint32_t)p->dims[d];

    int32_t idx[6] = {0};
    uint32_t off = p->start;
    int8_t *dst = p->output_data;
    for (uint32_t row = 0; row < outer; row++) {
        if (inner_step == 1) {   /* a run of whole bytes: a slice's rows */
            memcpy(dst, p->input_data + off, inner);
            dst += inner;
        } else {
            uint32_t o = off;
            for (uint32_t i = 0; i < inner; i++, o += inner_step)
                *dst++ = p->input_data[o];
        }
        /* The next row: step the outer axes like an odometer. */
        for (int d = last - 1; d >= 0; d--) {
            off += (uint32_t)p->steps[d];
            if (++idx[d] < p->dims[d])
                break;
            off -= (uint32_t)p->steps[d] * (uint32_t)p->dims[d];
            idx[d] = 0;
        }
    }
}
