/*
** maxpool_s8.c: MAX_POOL_2D and GLOBAL_MAX_POOL, int8: the largest of
** the window's taps inside the image, clamped to the activation range.
** With dilation 1 and the floor output size this is TFLM's reference
** MaxPool (reference_integer_ops::MaxPool), which clips the window to the
** image so padding never wins. TFLM has no dilated or ceil_mode pool; the
** rule here is its arithmetic over the float path's window
** (quantizer/fexec_pool.c): taps k * dilation apart, the last window of a
** ceil_mode output cut at the image's edge. A maximum of int8 values is
** an int8 value, so no rounding enters.
*/
#include "mcn_kernels.h"
#include "requant.h"

void mcn_k_maxpool_s8(const mcn_k_pool_params *p)
{
    const mcn_k_dims in = p->input, out = p->output;
    const int32_t dy = p->dilation_h, dx = p->dilation_w;
    int8_t *dst = p->output_data;

    for (int32_t b = 0; b < out.n; b++) {
        for (int32_t oy = 0; oy < out.h; oy++) {
            int32_t y0, fy0, fy1;
            mcn_k_pool_window(oy, p->stride_h, p->pad_top, p->filter_h, dy,
                              in.h, &y0, &fy0, &fy1);
            for (int32_t ox = 0; ox < out.w; ox++) {
                int32_t x0, fx0, fx1;
                mcn_k_pool_window(ox, p->stride_w, p->pad_left, p->filter_w,
                                  dx, in.w, &x0, &fx0, &fx1);
                for (int32_t c = 0; c < out.c; c++) {
                    int32_t m = -128;
                    for (int32_t fy = fy0; fy < fy1; fy++) {
                        const int8_t *row = p->input_data +
                            ((b * in.h + y0 + fy * dy) * in.w + x0 +
                             fx0 * dx) * in.c + c;
                        for (int32_t fx = 0; fx < fx1 - fx0; fx++) {
                            int32_t v = row[fx * dx * in.c];
                            if (v > m)
                                m = v;
                        }
                    }
                    *dst++ = (int8_t)mcn_clamp(m, p->act_min, p->act_max);
                }
            }
        }
    }
}
