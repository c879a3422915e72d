/*
** fc_s8.c: FULLY_CONNECTED, int8 (TFLM's reference FullyConnected, and its
** per-channel variant when rq.count > 1). Weights are symmetric, so the
** filter offset is zero.
*/
#include "mcn_kernels.h"
#include "requant.h"

void mcn_k_fc_s8(const mcn_k_fc_params *p)
{
    const int32_t depth = p->depth, off = p->input_offset;
    const int per_channel = p->rq.count > 1;
    const int8_t *ip = p->input_data;
    int8_t *dst = p->output_data;

    for (int32_t b = 0; b < p->batches; b++, ip += depth) {
        const int8_t *wp = p->filter_data;
        for (int32_t o = 0; o < p->out_depth; o++, wp += depth) {
            uint32_t acc = 0;   /* wraps like TFLM's int32 sum */
            for (int32_t d = 0; d < depth; d++)
                acc += (uint32_t)(wp[d] * (ip[d] + off));
            if (p->bias)
                acc += (uint32_t)p->bias[o];
            const int32_t r = per_channel ? o : 0;
            int32_t v = mcn_mbqm(mcn_wrap_i32(acc), p->rq.multiplier[r],
                                 (int)p->rq.shift[r]);
            v = mcn_wrap_add(v, p->output_offset);
            *dst++ = (int8_t)mcn_clamp(v, p->act_min, p->act_max);
        }
    }
}

/* Raster order over one-pixel images, one per batch row. Every output
   reads the whole row again, so with one batch only the last output may
   land on the row (on its first byte). */
mcn_k_window mcn_k_fc_s8_overlap(const mcn_k_fc_params *p)
{
    mcn_k_raster r = {p->batches, 1, 1, p->depth, 1, 1, p->out_depth,
                      1, 1, 0, 0, p->out_depth, 0};
    return mcn_k_raster_window(&r);
}
