/*
** resize_bilinear_s8.c: RESIZE, BILINEAR, int8: TFLM's reference
** ResizeBilinearInteger (kernels/internal/reference/resize_bilinear.h),
** its per-row and per-column values taken from the packer's tables.
**
** With fractions fy, fx in 1/1024ths, the four pixels are weighted
** (1024 - fy)(1024 - fx), fy (1024 - fx), (1024 - fy) fx and fy fx; the
** sum, in 1/2^20ths, is rounded half away from zero to a whole value:
** (sum + 2^19) / 2^20 for a positive sum, (sum - 2^19) / 2^20 otherwise,
** dividing toward zero (TFLM's default double-rounding build). The raw
** int8 values are weighted, not their offsets from the zero point, as in
** TFLM. mcn_init has proved every fraction lies in [-1023, 1023], and a
** negative one only where both indices are the same (TFLM's half-pixel
** rows above the image): the weights' magnitudes then add up to less
** than 3070^2, so the sum of four int8 products fits int32 (TFLM uses
** int64; the values are the same), and the result is a convex
** combination of int8 values, inside int8.
*/
#include "mcn_kernels.h"

/* The weighted sum of one channel, rounded as TFLM rounds it. */
static int8_t interpolate(int32_t sum)
{
    int32_t round = sum > 0 ? (1 << 19) : -(1 << 19);
    return (int8_t)((sum + round) / (1 << 20));
}

void mcn_k_resize_bilinear_s8(const mcn_k_resize_params *p)
{
    const uint32_t c = (uint32_t)p->input.c;
    const uint32_t row = (uint32_t)p->input.w * c;
    const uint32_t image = (uint32_t)p->input.h * row;
    int8_t *dst = p->output_data;
    for (int32_t b = 0; b < p->output.n; b++) {
        const int8_t *img = p->input_data + (uint32_t)b * image;
        for (int32_t oy = 0; oy < p->output.h; oy++) {
            const int32_t *ty = p->rows + 3 * oy;
            const int8_t *r0 = img + (uint32_t)ty[0] * row;
            const int8_t *r1 = img + (uint32_t)ty[1] * row;
            const int32_t fy = ty[2], gy = 1024 - fy;
            for (int32_t ox = 0; ox < p->output.w; ox++) {
                const int32_t *tx = p->cols + 3 * ox;
                const uint32_t x0 = (uint32_t)tx[0] * c;
                const uint32_t x1 = (uint32_t)tx[1] * c;
                const int32_t fx = tx[2], gx = 1024 - fx;
                for (uint32_t ch = 0; ch < c; ch++) {
                    int32_t sum = r0[x0 + ch] * gy * gx +
                                  r1[x0 + ch] * fy * gx +
                                  r0[x1 + ch] * gy * fx +
                                  r1[x1 + ch] * fy * fx;
                    dst[ch] = interpolate(sum);
                }
                dst += c;
            }
        }
    }
}
