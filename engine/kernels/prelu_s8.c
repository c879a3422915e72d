/*
** prelu_s8.c: PRELU, int8 (TFLM's reference BroadcastPrelu4DSlow, on up
** to MCN_K_BCAST_DIMS axes): x - zp >= 0 is rescaled by s_in / s_out;
** below zero it is multiplied by the offset slope (at most 255 * 255)
** and rescaled by s_in * s_alpha / s_out. No fused clamp: int8's range.
*/
#include "mcn_kernels.h"
#include "requant.h"

static int8_t prelu_one(const mcn_k_prelu_params *p, int32_t x, int32_t a)
{
    const int32_t v = p->input_offset + x;
    int32_t out;
    if (v >= 0)
        out = mcn_mbqm(v, p->identity_multiplier, (int)p->identity_shift);
    else
        out = mcn_mbqm(v * (p->alpha_offset + a), p->alpha_multiplier,
                       (int)p->alpha_shift);
    out = mcn_wrap_add(out, p->output_offset);
    return (int8_t)mcn_clamp(out, -128, 127);
}

void mcn_k_prelu_s8(const mcn_k_prelu_params *p)
{
    int32_t idx[MCN_K_BCAST_DIMS] = {0};
    uint32_t ox = 0, oa = 0;
    for (uint32_t i = 0; i < p->size; i++) {
        p->output_data[i] = prelu_one(p, p->input_data[ox], p->alpha_data[oa]);
        mcn_k_bcast_next(&p->bcast, idx, &ox, &oa);
    }
}
