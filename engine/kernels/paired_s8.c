/*
** paired_s8.c: what the paired 1x1 kernels share out of line (see
** paired_s8.h): their weight layout, made at pack time from the graph's
** [out_c, depth] rows, and the widening of one input row.
*/
#include "paired_s8.h"

/* The lane of channels lo and hi at input channel k, low byte first. */
static uint8_t *put_lane(uint8_t *d, const int8_t *lo, const int8_t *hi,
                         int32_t k)
{
    d[0] = (uint8_t)(lo[k] + 128);
    d[1] = (uint8_t)hi[k];
    return d + 2;
}

/* Words E = lanes (k, k+2) and O = lanes (k+1, k+3) of one pair. */
static uint8_t *put_step(uint8_t *d, const int8_t *lo, const int8_t *hi,
                         int32_t k)
{
    d = put_lane(d, lo, hi, k);
    d = put_lane(d, lo, hi, k + 2);
    d = put_lane(d, lo, hi, k + 1);
    return put_lane(d, lo, hi, k + 3);
}

void mcn_k_paired_layout(const mcn_k_conv_params *p, int8_t *w,
                         int32_t *bias, int quads)
{
    const int8_t *src = p->filter_data;
    const int32_t depth = p->filter.c, out_c = p->output.c;
    const int32_t d4 = depth & ~3, pairs = out_c / 2;
    uint8_t *d = (uint8_t *)w;
    for (int32_t j = 0; j < pairs;) {
        const int32_t group = quads && j + 1 < pairs ? 2 : 1;
        for (int32_t k = 0; k < d4; k += 4)
            for (int32_t g = 0; g < group; g++) {
                const int8_t *lo = src + (int64_t)2 * (j + g) * depth;
                d = put_step(d, lo, lo + depth, k);
            }
        j += group;
    }
    const int8_t *last = src + (int64_t)(out_c - 1) * depth;
    if (out_c % 2)
        for (int32_t k = 0; k < d4; k++)
            *d++ = (uint8_t)last[k];
    for (int32_t j = 0; j < pairs; j++) {
        const int8_t *lo = src + (int64_t)2 * j * depth;
        for (int32_t k = d4; k < depth; k++)
            d = put_lane(d, lo, lo + depth, k);
    }
    if (out_c % 2)
        for (int32_t k = d4; k < depth; k++)
            *d++ = (uint8_t)last[k];
    mcn_k_fold_input_offset(p, 0, bias);
}

/* The sum of x + 128 per byte by USADA8 of x ^ 0x80, less 128 per byte. */
int32_t mcn_k_paired_widen1(const int8_t *x, int32_t depth, uint32_t *xs)
{
    uint32_t s = 0;
    int32_t k = 0;
    for (; k + 4 <= depth; k += 4, xs += 2) {
        const uint32_t v = mcn_load_u32(x + k);
        xs[0] = mcn_sxtb16(v);
        xs[1] = mcn_sxtb16_ror8(v);
        s = mcn_usada8(v ^ 0x80808080u, 0, s);
    }
    s -= (uint32_t)k * 128u;
    for (; k < depth; k++) {
        *xs++ = mcn_pack16(x[k], 0);
        s += (uint32_t)(int32_t)x[k];
    }
    return mcn_wrap_i32(s);
}
