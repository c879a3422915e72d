/*
** div_s8.c: DIV, int8 (TFLM's reference DivElementwise and
** BroadcastDivSlowQuantized). Per element, with a = in1 + off1 and
** b = in2 + off2 (both in [-255, 255]):
**   - signs moved so that b > 0;
**   - 1 / b as GetReciprocal(b, 31): a Q0 value and the bits b has above
**     one (recip_shift, 0 .. 7);
**   - a normalised by its CountLeadingSignBits (headroom, 23 .. 31) and
**     multiplied by the reciprocal: the quotient's significant bits;
**   - rescaled by the output multiplier and divided by 2^-(output_shift -
**     recip_shift - headroom), rounding; plus the output zero point.
** Two cases TFLM leaves undefined get a rule of their own:
**   - b == 0 (TFLM only asserts): the quotient is +-infinity, or NaN for
**     0 / 0, quantized as TFLite quantizes those floats: the top of the
**     clamp for a > 0, the bottom for a < 0, the zero point for a == 0.
**   - a final shift past 31 (small |a|, large b: gemmlowp's
**     RoundingDivideByPOT is undefined there, and x86 would shift by it
**     mod 32): the rounded quotient, which is 0, since what is shifted
**     is below 2^31 in magnitude.
*/
#include "mcn_kernels.h"
#include "requant.h"

static int8_t div_one(const mcn_k_div_params *p, int32_t x, int32_t y)
{
    int32_t a = p->input1_offset + x;
    int32_t b = p->input2_offset + y;
    int32_t v;
    if (b == 0) {
        v = a > 0 ? p->act_max : a < 0 ? p->act_min : p->output_offset;
    } else {
        if (b < 0) {
            a = -a;
            b = -b;
        }
        int recip_shift;
        int32_t inv = mcn_get_reciprocal(b, 31, &recip_shift);
        int headroom = mcn_clrsb32(a);
        int32_t unscaled = mcn_mbqm_gt_one(a, inv, headroom);
        int right = recip_shift + headroom - (int)p->output_shift;
        int32_t q = mcn_srdhm(unscaled, p->output_multiplier);
        q = right > 31 ? 0 : mcn_rdbpot(q, right);
        v = mcn_wrap_add(q, p->output_offset);
    }
    return (int8_t)mcn_clamp(v, p->act_min, p->act_max);
}

void mcn_k_div_s8(const mcn_k_div_params *p)
{
    int32_t idx[MCN_K_BCAST_DIMS] = {0};
    uint32_t o1 = 0, o2 = 0;
    for (uint32_t i = 0; i < p->size; i++) {
        p->output_data[i] = div_one(p, p->input1_data[o1], p->input2_data[o2]);
        mcn_k_bcast_next(&p->bcast, idx, &o1, &o2);
    }
}
