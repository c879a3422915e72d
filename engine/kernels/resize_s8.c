/*
** resize_s8.c: RESIZE, int8, NEAREST and BILINEAR. Where each output row
** and column reads comes from the packer's tables
** (packer/requant_resize.c), so one loop serves every coordinate mode.
**
** NEAREST is TFLM's reference ResizeNearestNeighbor: a copy of the C
** bytes of one input pixel per output pixel.
**
** BILINEAR is TFLM's reference ResizeBilinearInteger
** (kernels/internal/reference/resize_bilinear.h). With fractions fy, fx
** in 1/1024ths, the four pixels are weighted (1024 - fy)(1024 - fx),
** fy (1024 - fx), (1024 - fy) fx and fy fx; the sum, in 1/2^20ths, is
** rounded half away from zero to a whole value: (sum + 2^19) / 2^20 for
** a positive sum, (sum - 2^19) / 2^20 otherwise, dividing toward zero
** (TFLM's default double-rounding build). The raw int8 values are
** weighted, not their offsets from the zero point, as in TFLM. mcn_init
** has proved every fraction lies in [-1023, 1023], and a negative one
** only where both indices are the same (TFLM's half-pixel rows above
** the image): the weights' magnitudes then add up to less than 3070^2,
** so the sum of four int8 products fits int32 (TFLM sums in int64; the
** values are the same), and the result is a convex combination of int8
** values, inside int8.
*/
#include <string.h>

#include "mcn_kernels.h"

/* One output pixel's C channels from rows r0, r1 of the image, columns
   (x0, x1, fraction) tx and row fraction fy. */
static void interpolate(const int8_t *r0, const int8_t *r1, int32_t fy,
                        const int32_t *tx, uint32_t c, int8_t *dst)
{
    const uint32_t x0 = (uint32_t)tx[0] * c, x1 = (uint32_t)tx[1] * c;
    const int32_t gy = 1024 - fy, fx = tx[2], gx = 1024 - fx;
    for (uint32_t ch = 0; ch < c; ch++) {
        int32_t sum = r0[x0 + ch] * gy * gx + r1[x0 + ch] * fy * gx +
                      r0[x1 + ch] * gy * fx + r1[x1 + ch] * fy * fx;
        int32_t nudge = sum > 0 ? (1 << 19) : -(1 << 19);
        dst[ch] = (int8_t)((sum + nudge) / (1 << 20));
    }
}

void mcn_k_resize_s8(const mcn_k_resize_params *p)
{
    const uint32_t k = p->bilinear ? 3u : 1u;
    const uint32_t c = (uint32_t)p->input.c;
    const uint32_t row = (uint32_t)p->input.w * c;
    const uint32_t image = (uint32_t)p->input.h * row;
    int8_t *dst = p->output_data;
    for (int32_t b = 0; b < p->output.n; b++) {
        const int8_t *img = p->input_data + (uint32_t)b * image;
        for (int32_t oy = 0; oy < p->output.h; oy++) {
            const int32_t *ty = p->rows + k * (uint32_t)oy;
            const int8_t *r0 = img + (uint32_t)ty[0] * row;
            const int8_t *r1 = p->bilinear ? img + (uint32_t)ty[1] * row : r0;
            for (int32_t ox = 0; ox < p->output.w; ox++) {
                const int32_t *tx = p->cols + k * (uint32_t)ox;
                if (p->bilinear)
                    interpolate(r0, r1, ty[2], tx, c, dst);
                else
                    memcpy(dst, r0 + (uint32_t)tx[0] * c, c);
                dst += c;
            }
        }
    }
}
