/* resize_map.c: see resize_map.h. */
#include "resize_map.h"

#include <math.h>

bool resize_modes_ok(const graph_node *n)
{
    if ((unsigned)n->resize_mode > MCN_RESIZE_BILINEAR ||
        (unsigned)n->coord_mode > MCN_COORD_PYTORCH_HALF_PIXEL ||
        (unsigned)n->nearest_mode > MCN_NEAREST_CEIL)
        return false;
    return !n->resize_tflite || n->coord_mode != MCN_COORD_PYTORCH_HALF_PIXEL;
}

/* o / scale, with scale = out / in unless the model gave one. */
static double unscale(double o, float scale, int64_t in, int64_t out)
{
    return scale > 0.0f ? o / (double)scale : o * (double)in / (double)out;
}

double resize_coord(mcn_coord_mode m, int64_t o, int64_t in, int64_t out,
                    float scale)
{
    switch (m) {
    case MCN_COORD_ASYMMETRIC:
        return unscale((double)o, scale, in, out);
    case MCN_COORD_ALIGN_CORNERS: {
        /* ONNX takes the resized length as in * scale, unrounded. */
        double len = scale > 0.0f ? (double)((float)in * scale) : (double)out;
        if (len == 1.0)
            return 0.0;
        return (double)o * (double)(in - 1) / (len - 1.0);
    }
    case MCN_COORD_PYTORCH_HALF_PIXEL:
        if (out == 1)
            return 0.0;
        /* fall through */
    default: /* HALF_PIXEL */
        return unscale((double)o + 0.5, scale, in, out) - 0.5;
    }
}

/* ONNX's nearest_mode applied to coordinate v, clamped into [0, in). */
static int64_t onnx_nearest(mcn_nearest_mode m, double v, int64_t in)
{
    double f = floor(v), r;
    switch (m) {
    case MCN_NEAREST_FLOOR:
        r = f;
        break;
    case MCN_NEAREST_CEIL:
        r = ceil(v);
        break;
    case MCN_NEAREST_ROUND_PREFER_CEIL:
        r = v - f >= 0.5 ? f + 1.0 : f;
        break;
    default: /* ROUND_PREFER_FLOOR */
        r = v - f > 0.5 ? f + 1.0 : f;
        break;
    }
    return r < 0.0 ? 0 : r > (double)(in - 1) ? in - 1 : (int64_t)r;
}

/* TFLite's GetNearestNeighbor (reference_ops, resize_nearest_neighbor.h),
   every step rounded to float as there. */
static int64_t tflite_nearest(mcn_coord_mode m, int64_t o, int64_t in,
                              int64_t out)
{
    bool align = m == MCN_COORD_ALIGN_CORNERS;
    bool half = m == MCN_COORD_HALF_PIXEL;
    float scale = align && out > 1 ? (float)(in - 1) / (float)(out - 1)
                                   : (float)in / (float)out;
    float at = (float)o + (half ? 0.5f : 0.0f);
    float v = at * scale;
    /* roundf rounds halves away from zero, as TfLiteRound does. */
    float r = align ? roundf(v) : floorf(v);
    if (r > (float)(in - 1))
        return in - 1;
    return r < 0.0f ? 0 : (int64_t)r;
}

int64_t resize_nearest(const graph_node *n, int axis, int64_t o, int64_t in,
                       int64_t out)
{
    if (n->resize_tflite)
        return tflite_nearest(n->coord_mode, o, in, out);
    float scale = axis == 1 ? n->resize_scale_h : n->resize_scale_w;
    return onnx_nearest(n->nearest_mode,
                        resize_coord(n->coord_mode, o, in, out, scale), in);
}
