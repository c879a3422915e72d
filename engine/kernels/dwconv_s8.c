/*
** dwconv_s8.c: DEPTHWISE_CONV_2D, int8, per-channel requantization
** (TFLM's reference DepthwiseConvPerChannel). Output channel
** ic * depth_multiplier + m reads input channel ic only.
*/
#include "mcn_kernels.h"
#include "requant.h"

void mcn_k_dwconv_s8(const mcn_k_conv_params *p)
{
    const mcn_k_dims in = p->input, f = p->filter, out = p->output;
    const int32_t mult = p->depth_multiplier;
    const int per_channel = p->rq.count > 1;
    int8_t *dst = p->output_data;

    for (int32_t b = 0; b < out.n; b++) {
        for (int32_t oy = 0; oy < out.h; oy++) {
            const int32_t y0 = oy * p->stride_h - p->pad_top;
            for (int32_t ox = 0; ox < out.w; ox++) {
                const int32_t x0 = ox * p->stride_w - p->pad_left;
                for (int32_t oc = 0; oc < out.c; oc++) {
                    const int32_t ic = oc / mult;
                    uint32_t acc = 0;   /* wraps like TFLM's int32 sum */
                    for (int32_t fy = 0; fy < f.h; fy++) {
                        const int32_t y = y0 + p->dilation_h * fy;
                        if (y < 0 || y >= in.h)
                            continue;
                        for (int32_t fx = 0; fx < f.w; fx++) {
                            const int32_t x = x0 + p->dilation_w * fx;
                            if (x < 0 || x >= in.w)
                                continue;
                            int32_t iv = p->input_data[
                                ((b * in.h + y) * in.w + x) * in.c + ic];
                            int32_t wv = p->filter_data[
                                (fy * f.w + fx) * f.c + oc];
                            acc += (uint32_t)(wv * (iv + p->input_offset));
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

/* Raster order; output channel oc reads input channel oc / mult only. */
mcn_k_window mcn_k_dwconv_s8_overlap(const mcn_k_conv_params *p)
{
    mcn_k_raster r = {
        p->input.n, p->input.h, p->input.w, p->input.c,
        p->output.h, p->output.w, p->output.c,
        p->stride_h, p->stride_w, p->pad_top, p->pad_left,
        p->depth_multiplier, 1};
    return mcn_k_raster_window(&r);
}
