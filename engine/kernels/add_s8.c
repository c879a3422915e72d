/*
** add_s8.c: ADD and SUB, int8 (TFLM's reference integer AddFunc and
** SubElementwise, and BroadcastAdd6DSlow's / BroadcastQuantSubSlow's index
** walk when the shapes differ). Both inputs are lifted by 2^left_shift so
** that rescaling them to a common scale loses nothing, summed (or the
** second taken from the first), then brought to the output scale.
** MultiplyByQuantizedMultiplierSmallerThanOneExp is mcn_mbqm for the
** shifts <= 0 that qmath_add_params produces.
*/
#include "mcn_kernels.h"
#include "requant.h"

static int8_t add_one(const mcn_k_add_params *p, int32_t x, int32_t y)
{
    int32_t a = p->input1_offset + x;
    int32_t b = p->input2_offset + y;
    a = mcn_mbqm(mcn_shl_wrap(a, (int)p->left_shift), p->input1_multiplier,
                 (int)p->input1_shift);
    b = mcn_mbqm(mcn_shl_wrap(b, (int)p->left_shift), p->input2_multiplier,
                 (int)p->input2_shift);
    int32_t raw = p->subtract ? mcn_wrap_sub(a, b) : mcn_wrap_add(a, b);
    int32_t v = mcn_mbqm(raw, p->output_multiplier, (int)p->output_shift);
    v = mcn_wrap_add(v, p->output_offset);
    return (int8_t)mcn_clamp(v, p->act_min, p->act_max);
}

void mcn_k_add_s8(const mcn_k_add_params *p)
{
    if (!p->broadcast) {
        for (uint32_t i = 0; i < p->size; i++)
            p->output_data[i] =
                add_one(p, p->input1_data[i], p->input2_data[i]);
        return;
    }
    int32_t idx[MCN_K_BCAST_DIMS] = {0};
    uint32_t o1 = 0, o2 = 0;
    for (uint32_t i = 0; i < p->size; i++) {
        p->output_data[i] = add_one(p, p->input1_data[o1], p->input2_data[o2]);
        mcn_k_bcast_next(&p->bcast, idx, &o1, &o2);
    }
}
