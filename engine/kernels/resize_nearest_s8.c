/*
** resize_nearest_s8.c: RESIZE, NEAREST, int8. TFLM's reference
** ResizeNearestNeighbor copies the C bytes of one input pixel per output
** pixel, which is all this does; where the pixel is comes from the
** packer's tables, so ONNX's coordinate and rounding modes and TFLite's
** float index arithmetic (GetNearestNeighbor) all run the same loop.
*/
#include <string.h>

#include "mcn_kernels.h"

void mcn_k_resize_nearest_s8(const mcn_k_resize_params *p)
{
    const uint32_t c = (uint32_t)p->input.c;
    const uint32_t row = (uint32_t)p->input.w * c;
    const uint32_t image = (uint32_t)p->input.h * row;
    int8_t *dst = p->output_data;
    for (int32_t b = 0; b < p->output.n; b++) {
        const int8_t *img = p->input_data + (uint32_t)b * image;
        for (int32_t oy = 0; oy < p->output.h; oy++) {
            const int8_t *src = img + (uint32_t)p->rows[oy] * row;
            for (int32_t ox = 0; ox < p->output.w; ox++) {
                memcpy(dst, src + (uint32_t)p->cols[ox] * c, c);
                dst += c;
            }
        }
    }
}
