/*
** transpose_conv_s8.c: TRANSPOSE_CONV, int8, per-channel requantization
** (TFLM's reference_integer_ops::TransposeConv). Every input value, plus
** the input offset, is scattered through every filter tap into an int32
** accumulator over the output image; then each sum gets its channel's
** bias, MultiplyByQuantizedMultiplier, the output offset and the clamp,
** as CONV_2D's do.
**
** Geometry (quantizer/fexec_tconv.c's): input pixel (iy, ix) through tap
** (fy, fx) lands on output row iy * stride_h - pad_top + fy * dilation_h,
** column ix * stride_w - pad_left + fx * dilation_w; a tap landing outside
** the output adds nothing. So pad_top / pad_left cut rows and columns off
** the top and left of the full output, and the output's size cuts the
** bottom and right (or, longer than what the taps reach, keeps rows that
** only the bias fills: ONNX's output_padding). TFLM has no dilation (its
** kernel is this one with dilation 1); dilated taps follow ONNX's
** ConvTranspose, as the float graph does.
**
** Order: TFLM scatters, the float graph gathers; the int32 sums wrap
** modulo 2^32 (uint32_t here, as in conv_s8.c), where addition is
** associative and commutative, so both orders give the same bits.
** The accumulator holds one image of the batch at a time (TFLM's holds
** the whole batch): the same sums, in N times less scratch.
*/
#include <string.h>

#include "mcn_kernels.h"
#include "requant.h"

uint32_t mcn_k_transpose_conv_s8_scratch_bytes(const mcn_k_conv_params *p)
{
    uint64_t n = (uint64_t)p->output.h * (uint64_t)p->output.w *
                 (uint64_t)p->output.c * sizeof(int32_t);
    return n >= UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* acc[y][x][oc] += (x + input_offset) * filter[oc][fy][fx][ic] for every
   input pixel of image b and every tap that lands inside the output. */
static void scatter(const mcn_k_conv_params *p, int32_t b, uint32_t *acc)
{
    const mcn_k_dims in = p->input, f = p->filter, out = p->output;
    const int32_t oc_step = f.h * f.w * f.c;   /* filter[oc] to [oc + 1] */
    for (int32_t iy = 0; iy < in.h; iy++) {
        const int32_t y0 = iy * p->stride_h - p->pad_top;
        for (int32_t ix = 0; ix < in.w; ix++) {
            const int32_t x0 = ix * p->stride_w - p->pad_left;
            const int8_t *ip =
                p->input_data + ((b * in.h + iy) * in.w + ix) * in.c;
            for (int32_t fy = 0; fy < f.h; fy++) {
                const int32_t y = y0 + fy * p->dilation_h;
                if (y < 0 || y >= out.h)
                    continue;
                for (int32_t fx = 0; fx < f.w; fx++) {
                    const int32_t x = x0 + fx * p->dilation_w;
                    if (x < 0 || x >= out.w)
                        continue;
                    uint32_t *ap = acc + (y * out.w + x) * out.c;
                    const int8_t *wp =
                        p->filter_data + (fy * f.w + fx) * f.c;
                    for (int32_t ic = 0; ic < in.c; ic++) {
                        const int32_t v = ip[ic] + p->input_offset;
                        for (int32_t oc = 0; oc < out.c; oc++)
                            ap[oc] += (uint32_t)(v * wp[oc * oc_step + ic]);
                    }
                }
            }
        }
    }
}

void mcn_k_transpose_conv_s8(const mcn_k_conv_params *p)
{
    const mcn_k_dims out = p->output;
    const int32_t pixels = out.h * out.w;
    const int per_channel = p->rq.count > 1;
    uint32_t *acc = (uint32_t *)(void *)p->scratch;
    int8_t *dst = p->output_data;

    for (int32_t b = 0; b < out.n; b++) {
        memset(acc, 0, (size_t)pixels * (size_t)out.c * sizeof *acc);
        scatter(p, b, acc);
        const uint32_t *ap = acc;
        for (int32_t k = 0; k < pixels; k++) {
            for (int32_t oc = 0; oc < out.c; oc++) {
                uint32_t a = *ap++;
                if (p->bias)
                    a += (uint32_t)p->bias[oc];
                const int32_t r = per_channel ? oc : 0;
                int32_t v = mcn_mbqm(mcn_wrap_i32(a), p->rq.multiplier[r],
                                     (int)p->rq.shift[r]);
                v = mcn_wrap_add(v, p->output_offset);
                *dst++ = (int8_t)mcn_clamp(v, p->act_min, p->act_max);
            }
        }
    }
}
