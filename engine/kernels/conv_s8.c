/*
** conv_s8.c: CONV_2D, int8, per-channel requantization (TFLM's
** reference ConvPerChannel). Taps that fall in the padding contribute
** nothing, which is the same as padding with the input zero point.
*/
#include "mcn_kernels.h"
#include "requant.h"

uint32_t mcn_k_conv_s8_scratch_bytes(const mcn_k_conv_params *p)
{
    (void)p;
    return 0;
}

void mcn_k_conv_s8(const mcn_k_conv_params *p)
{
    const mcn_k_dims in = p->input, f = p->filter, out = p->output;
    const int32_t per_group = out.c / p->groups;
    const int per_channel = p->rq.count > 1;
    int8_t *dst = p->output_data;

    for (int32_t b = 0; b < out.n; b++) {
        for (int32_t oy = 0; oy < out.h; oy++) {
            const int32_t y0 = oy * p->stride_h - p->pad_top;
            for (int32_t ox = 0; ox < out.w; ox++) {
                const int32_t x0 = ox * p->stride_w - p->pad_left;
                for (int32_t oc = 0; oc < out.c; oc++) {
                    const int32_t ic0 = (oc / per_group) * f.c;
                    /* uint32_t: TFLM's int32 sum wraps on overflow; this
                       gives the same bits without undefined behaviour. */
                    uint32_t acc = 0;
                    for (int32_t fy = 0; fy < f.h; fy++) {
                        const int32_t y = y0 + p->dilation_h * fy;
                        if (y < 0 || y >= in.h)
                            continue;
                        for (int32_t fx = 0; fx < f.w; fx++) {
                            const int32_t x = x0 + p->dilation_w * fx;
                            if (x < 0 || x >= in.w)
                                continue;
                            const int8_t *ip = p->input_data +
                                ((b * in.h + y) * in.w + x) * in.c + ic0;
                            const int8_t *wp = p->filter_data +
                                ((oc * f.h + fy) * f.w + fx) * f.c;
                            for (int32_t ic = 0; ic < f.c; ic++)
                                acc += (uint32_t)(wp[ic] *
                                                  (ip[ic] + p->input_offset));
                        }
                    }
                    if (p->bias)
                        acc += (uint32_t)p->bias[oc];
                    const int32_t r = per_channel ? oc : 0;
                    int32_t v = mcn_mbqm(mcn_wrap_i32(acc),
                                         p->rq.multiplier[r],
                                         (int)p->rq.shift[r]);
                    v = mcn_wrap_add(v, p->output_offset);
                    *dst++ = (int8_t)mcn_clamp(v, p->act_min, p->act_max);
                }
            }
        }
    }
}

/* Raster order; output channel oc reads its group's input channels. */
mcn_k_window mcn_k_conv_s8_overlap(const mcn_k_conv_params *p)
{
    mcn_k_raster r = {
        p->input.n, p->input.h, p->input.w, p->input.c,
        p->output.h, p->output.w, p->output.c,
        p->stride_h, p->stride_w, p->pad_top, p->pad_left,
        p->output.c / p->groups, p->filter.c};
    return mcn_k_raster_window(&r);
}
