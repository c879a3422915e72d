/*
** conv_1x1_s8.c: CONV_2D with a 1x1 filter, stride 1, no padding and one
** group: every output pixel is a dot product of one contiguous input
** pixel with each contiguous filter row. Same bits as mcn_k_conv_s8.
*/
#include "mcn_kernels.h"
#include "requant.h"

int mcn_k_conv_1x1_s8_applies(const mcn_k_conv_params *p)
{
    return p->filter.h == 1 && p->filter.w == 1 && p->stride_h == 1 &&
           p->stride_w == 1 && p->pad_top == 0 && p->pad_left == 0 &&
           p->groups == 1 && p->input.h == p->output.h &&
           p->input.w == p->output.w;
}

void mcn_k_conv_1x1_s8(const mcn_k_conv_params *p)
{
    const int32_t pixels = p->output.n * p->output.h * p->output.w;
    const int32_t depth = p->input.c, out_c = p->output.c;
    const int32_t off = p->input_offset;
    const int per_channel = p->rq.count > 1;
    const int8_t *ip = p->input_data;
    int8_t *dst = p->output_data;

    for (int32_t px = 0; px < pixels; px++, ip += depth) {
        const int8_t *wp = p->filter_data;
        for (int32_t oc = 0; oc < out_c; oc++, wp += depth) {
            /* Wrapping sums, as in conv_s8.c; two accumulators let the
               compiler overlap the multiplies. */
            uint32_t a0 = 0, a1 = 0;
            int32_t i = 0;
            for (; i + 1 < depth; i += 2) {
                a0 += (uint32_t)(wp[i] * (ip[i] + off));
                a1 += (uint32_t)(wp[i + 1] * (ip[i + 1] + off));
            }
            if (i < depth)
                a0 += (uint32_t)(wp[i] * (ip[i] + off));
            uint32_t acc = a0 + a1;
            if (p->bias)
                acc += (uint32_t)p->bias[oc];
            const int32_t r = per_channel ? oc : 0;
            int32_t v = mcn_mbqm(mcn_wrap_i32(acc), p->rq.multiplier[r],
                                 (int)p->rq.shift[r]);
            v = mcn_wrap_add(v, p->output_offset);
            *dst++ = (int8_t)mcn_clamp(v, p->act_min, p->act_max);
        }
    }
}

/* Raster order over pixels that are their own windows; every output
   channel reads the whole input pixel. */
mcn_k_window mcn_k_conv_1x1_s8_overlap(const mcn_k_conv_params *p)
{
    mcn_k_raster r = {
        p->input.n, p->input.h, p->input.w, p->input.c,
        p->output.h, p->output.w, p->output.c, 1, 1, 0, 0,
        p->output.c, 0};
    return mcn_k_raster_window(&r);
}
