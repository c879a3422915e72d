/* fexec_resize.c: RESIZE in float, ONNX's Resize over H and W of an NHWC
   tensor; N and C pass through. The output size is the output tensor's.
   ONNX maps an output coordinate to an input one with the scale it was
   given when scales are present (node resize_scale_h/w), else with
   out/in. The two differ when in * scale is not a whole number (a 0.6
   downscale of 4 is 2, read back as 0.5), and then so do the coordinates.
   Coordinates are worked out in double, as (o + 0.5) * in / out rather
   than divided by a rounded scale, so the half-way points that nearest
   rounding depends on come out exact (resize_map.h, which also has
   TFLite's own float arithmetic for nodes imported from TFLite). */
#include "fexec_ops.h"

#include <math.h>

#include "resize_map.h"

static int resize_check(const fexec_call *c, mcn_err *e)
{
    /* ONNX's roi, scales and sizes and TFLite's size tensor are already
       in the output shape and are not read. */
    if (fexec_need_inputs(c, 1, GRAPH_MAX_IO, e) ||
        fexec_need_rank(c, c->in[0], 4, "input", e) ||
        fexec_need_rank(c, c->out, 4, "output", e))
        return -1;
    const graph_node *n = c->n;
    if (!resize_modes_ok(n))
        return fexec_fail(c, e, "unknown mode (resize %d, coordinates %d, "
                          "nearest %d%s)", (int)n->resize_mode,
                          (int)n->coord_mode, (int)n->nearest_mode,
                          n->resize_tflite ? ", TFLite" : "");
    const int32_t *xs = c->in[0]->shape;
    int32_t want[4] = {xs[0], c->out->shape[1], c->out->shape[2], xs[3]};
    return fexec_need_out_shape(c, 4, want, e);
}

/* Bilinear taps along one axis: indices i0 <= i1 and the weight of i1.
   The coordinate is clamped into [0, in - 1] first, so outside the image
   the edge pixel is repeated (ONNX Runtime's rule; ONNX's reference pads
   with the edge, which gives the same values). */
typedef struct {
    int64_t i0, i1;
    float w1;
} taps;

static taps linear(double v, int64_t in)
{
    double hi = (double)(in - 1);
    v = v < 0.0 ? 0.0 : v > hi ? hi : v;
    taps t;
    t.i0 = (int64_t)floor(v);
    t.i1 = t.i0 + 1 < in ? t.i0 + 1 : in - 1;
    t.w1 = (float)(v - (double)t.i0);
    return t;
}

static void resize_run(const fexec_call *c)
{
    const graph_node *n = c->n;
    const int32_t *xs = c->in[0]->shape;
    int64_t H = xs[1], W = xs[2], C = xs[3];
    int64_t OH = c->out->shape[1], OW = c->out->shape[2];
    const float *x = c->x[0];
    for (int64_t b = 0; b < xs[0]; b++) {
        const float *img = x + b * H * W * C;
        for (int64_t oy = 0; oy < OH; oy++) {
            double vy =
                resize_coord(n->coord_mode, oy, H, OH, n->resize_scale_h);
            for (int64_t ox = 0; ox < OW; ox++) {
                double vx =
                    resize_coord(n->coord_mode, ox, W, OW, n->resize_scale_w);
                float *yp = c->y + ((b * OH + oy) * OW + ox) * C;
                if (n->resize_mode == MCN_RESIZE_NEAREST) {
                    const float *p =
                        img + (resize_nearest(n, 1, oy, H, OH) * W +
                               resize_nearest(n, 2, ox, W, OW)) * C;
                    for (int64_t ch = 0; ch < C; ch++)
                        yp[ch] = p[ch];
                    continue;
                }
                taps ty = linear(vy, H), tx = linear(vx, W);
                const float *p00 = img + (ty.i0 * W + tx.i0) * C;
                const float *p01 = img + (ty.i0 * W + tx.i1) * C;
                const float *p10 = img + (ty.i1 * W + tx.i0) * C;
                const float *p11 = img + (ty.i1 * W + tx.i1) * C;
                float fy = ty.w1, fx = tx.w1;
                for (int64_t ch = 0; ch < C; ch++) {
                    float top = (1.0f - fx) * p00[ch] + fx * p01[ch];
                    float bot = (1.0f - fx) * p10[ch] + fx * p11[ch];
                    yp[ch] = (1.0f - fy) * top + fy * bot;
                }
            }
        }
    }
}

const fexec_op fexec_op_resize = {1, resize_check, resize_run, NULL};
