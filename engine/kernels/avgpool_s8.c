/*
** avgpool_s8.c: AVERAGE_POOL_2D and GLOBAL_AVERAGE_POOL, int8. The sum of
** the window's taps inside the image is divided by a count, rounding half
** away from zero: (sum + count / 2) / count, or (sum - count / 2) /
** count for a sum <= 0, in C's truncating division (TFLM's reference
** integer AveragePool, reference_integer_ops::AveragePool). The count is
** the taps inside the image, as TFLM's filter_count; with
** count_include_pad (ONNX) it is the taps inside the padded image,
** [-pad_top, H + pad_bottom) by [-pad_left, W + pad_right), which is the
** whole filter except where a ceil_mode window hangs past the bottom or
** right pad, and each padding tap adds the zero point (real 0) to the
** sum, as a zero PAD before a TFLM pool would. TFLM has no dilated,
** ceil_mode or count_include_pad pool; those follow the float path
** (quantizer/fexec_pool.c) with TFLM's rounding, so the result is the
** float average rounded at the shared scale.
*/
#include "mcn_kernels.h"
#include "requant.h"

void mcn_k_avgpool_s8(const mcn_k_pool_params *p)
{
    const mcn_k_dims in = p->input, out = p->output;
    const int32_t dy = p->dilation_h, dx = p->dilation_w;
    int8_t *dst = p->output_data;

    for (int32_t b = 0; b < out.n; b++) {
        for (int32_t oy = 0; oy < out.h; oy++) {
            int32_t y0, fy0, fy1, unused, py1;
            mcn_k_pool_window(oy, p->stride_h, p->pad_top, p->filter_h, dy,
                              in.h, &y0, &fy0, &fy1);
            mcn_k_pool_window(oy, p->stride_h, p->pad_top, p->filter_h, dy,
                              in.h + p->pad_bottom, &y0, &unused, &py1);
            for (int32_t ox = 0; ox < out.w; ox++) {
                int32_t x0, fx0, fx1, px1;
                mcn_k_pool_window(ox, p->stride_w, p->pad_left, p->filter_w,
                                  dx, in.w, &x0, &fx0, &fx1);
                mcn_k_pool_window(ox, p->stride_w, p->pad_left, p->filter_w,
                                  dx, in.w + p->pad_right, &x0, &unused,
                                  &px1);
                /* A window starts at or past -pad, so all its taps from
                   0 lie inside the padded image's start. */
                const int32_t taps = (fy1 - fy0) * (fx1 - fx0);
                const int32_t count =
                    p->count_include_pad ? py1 * px1 : taps;
                const int32_t pad_sum = (count - taps) * p->zero_point;
                for (int32_t c = 0; c < out.c; c++) {
                    int32_t sum = pad_sum;
                    for (int32_t fy = fy0; fy < fy1; fy++) {
                        const int8_t *row = p->input_data +
                            ((b * in.h + y0 + fy * dy) * in.w + x0 +
                             fx0 * dx) * in.c + c;
                        for (int32_t fx = 0; fx < fx1 - fx0; fx++)
                            sum += row[fx * dx * in.c];
                    }
                    int32_t avg = sum > 0 ? (sum + count / 2) / count
                                          : (sum - count / 2) / count;
                    *dst++ = (int8_t)mcn_clamp(avg, p->act_min, p->act_max);
                }
            }
        }
    }
}

/* ---- the global pool alone (mcn_kernels.h: for generated code) ---- */

int mcn_k_avgpool_s8_global_applies(const mcn_k_pool_params *p)
{
    return p->output.h == 1 && p->output.w == 1 &&
           p->output.n == p->input.n && p->output.c == p->input.c &&
           p->filter_h >= p->input.h && p->filter_w >= p->input.w &&
           p->dilation_h == 1 && p->dilation_w == 1 && p->pad_top == 0 &&
           p->pad_left == 0 && p->pad_bottom == 0 && p->pad_right == 0 &&
           p->input.h >= 1 && p->input.w >= 1;
}

/* mcn_k_avgpool_s8 where ..._global_applies holds: every window the whole
   image, so the count is H * W and no tap is padding. */
void mcn_k_avgpool_s8_global(const mcn_k_pool_params *p)
{
    const int32_t c_n = p->input.c, count = p->input.h * p->input.w;
    const int8_t *x = p->input_data;
    int8_t *dst = p->output_data;
    for (int32_t b = 0; b < p->input.n; b++, x += count * c_n) {
        for (int32_t c = 0; c < c_n; c++) {
            const int8_t *q = x + c;
            int32_t sum = 0;
            for (int32_t i = 0; i < count; i++, q += c_n)
                sum += *q;
            int32_t avg = sum > 0 ? (sum + count / 2) / count
                                  : (sum - count / 2) / count;
            *dst++ = (int8_t)mcn_clamp(avg, p->act_min, p->act_max);
        }
    }
}
