/*
** requant_resize.c: RESIZE's int8 form. Nothing is rescaled (TFLM's
** kernels copy or interpolate the raw int8 values, so input and output
** share quantization); instead the packer works out, per output row and
** per output column, what the kernel reads, and gives it to the node as
** two constant int32 tables: inputs [x, rows, cols], whatever else the
** node had (ONNX's roi, scales, sizes; TFLite's size) dropped.
**
** NEAREST: one input index per output index, resize_map.h's, the float
** path's own choice (ONNX's modes exactly, TFLite's in float).
**
** BILINEAR: (lower, upper, fraction) per output index, from TFLM's
** ResizeBilinearInteger and ComputeInterpolationValuesInteger
** (kernels/internal/reference/resize_bilinear.h, called from
** micro/kernels/resize_bilinear.cc with align_corners and
** half_pixel_centers):
**   step = (1024 * in + out / 2) / out, input pixels per output pixel in
**          1/1024ths; with align_corners and out > 1,
**          (1024 * (in - 1) + (out - 1) / 2) / (out - 1)
**   v    = o * step, or with half_pixel_centers o * step + step / 2 - 512
**   lower = max(v / 1024, 0), upper = min((v + 1023) / 1024, in - 1),
**   fraction = v - 1024 * lower      (integer division toward zero)
** ASYMMETRIC is TFLite's default, HALF_PIXEL its half_pixel_centers,
** ALIGN_CORNERS its align_corners: TFLite models get TFLM's numbers. The
** rules for what TFLite does not have (documented in engine/requant.h):
**   - PYTORCH_HALF_PIXEL: HALF_PIXEL, but v = 0 when out is 1;
**   - a scale s the model gives (ONNX maps coordinates with it rather
**     than with out / in): step = round(1024 / s), halves up, and for
**     ALIGN_CORNERS round(1024 * (in - 1) / (in * s - 1)), in * s taken
**     unrounded as the float path does; the same steps as above when s
**     is out / in exactly;
**   - a lower index past the last row (TFLM reads outside the input
**     there: a rounded-up step times many outputs, 1 -> 89 rows) is the
**     last row, which the upper index already is.
*/
#include <math.h>
#include <stdlib.h>

#include "requant_internal.h"
#include "resize_map.h"

/* The largest coordinate kept, in 1/1024ths: room for TFLM's + 1023. */
#define COORD_MAX (INT32_MAX - 1024)

/* round(1024 * num / den), halves up, as an int64; -1 when it is not a
   finite positive number the tables can hold. */
static int64_t step_of(double num, double den)
{
    double s = floor(1024.0 * num / den + 0.5);
    return isfinite(s) && s >= 0.0 && s <= (double)COORD_MAX ? (int64_t)s
                                                             : -1;
}

/* TFLM's 10-bit step for an axis of in -> out, or -1. */
static int64_t bilinear_step(const graph_node *n, float scale, int64_t in,
                             int64_t out)
{
    bool align = n->coord_mode == MCN_COORD_ALIGN_CORNERS;
    if (scale > 0.0f) {
        if (!align)
            return step_of(1.0, (double)scale);
        if (out == 1)
            return 0;   /* only o = 0, which maps to 0 */
        double len = (double)((float)in * scale);
        return len > 1.0 ? step_of((double)(in - 1), len - 1.0) : -1;
    }
    if (align && out > 1)
        return (1024 * (in - 1) + (out - 1) / 2) / (out - 1);
    return (1024 * in + out / 2) / out;
}

/* (lower, upper, fraction) for every output index of one axis into t;
   -1 when the coordinates do not fit the tables. */
static int bilinear_axis(const graph_node *n, float scale, int64_t in,
                         int64_t out, int32_t *t)
{
    int64_t step = bilinear_step(n, scale, in, out);
    if (step < 0 || step > COORD_MAX / out)
        return -1;
    bool half = n->coord_mode == MCN_COORD_HALF_PIXEL ||
                (n->coord_mode == MCN_COORD_PYTORCH_HALF_PIXEL && out > 1);
    for (int64_t o = 0; o < out; o++) {
        int64_t v = o * step + (half ? step / 2 - 512 : 0);
        int64_t lo = v / 1024 > 0 ? v / 1024 : 0;
        int64_t hi = (v + 1023) / 1024 < in - 1 ? (v + 1023) / 1024 : in - 1;
        int64_t frac = v - 1024 * lo;
        t[3 * o] = (int32_t)(lo < in - 1 ? lo : in - 1);
        t[3 * o + 1] = (int32_t)hi;
        t[3 * o + 2] = (int32_t)frac;
    }
    return 0;
}

static void nearest_axis(const graph_node *n, int axis, int64_t in,
                         int64_t out, int32_t *t)
{
    for (int64_t o = 0; o < out; o++)
        t[o] = (int32_t)resize_nearest(n, axis, o, in, out);
}

/* Inputs beyond x are dropped; one only this node reads may be reused
   for a table (it is ours when packing a packed graph). */
static void keep_only_own_inputs(graph *g, graph_node *nd)
{
    if (nd->n_in > 3)
        nd->n_in = 3;
    for (int k = 1; k < nd->n_in; k++)
        if (nd->in[k] >= 0 && graph_use_count(g, nd->in[k]) != 1)
            nd->in[k] = -1;
}

int rq_resize(graph *g, int i, const rq_node *c, mcn_err *e)
{
    graph_node *nd = &g->nodes[i];
    if (rq_check_moves_bytes(g, nd, c, e))
        return -1;
    if (!resize_modes_ok(nd))
        return mcn_fail(e, "%s: unknown mode (resize %d, coordinates %d, "
                        "nearest %d)", c->who, (int)nd->resize_mode,
                        (int)nd->coord_mode, (int)nd->nearest_mode);
    const graph_tensor *x = &g->tensors[nd->in[0]];
    const graph_tensor *y = &g->tensors[nd->out[0]];
    if (x->rank != 4 || y->rank != 4 || x->shape[0] != y->shape[0] ||
        x->shape[3] != y->shape[3])
        return mcn_fail(e, "%s: resizes only H and W of a 4-D tensor",
                        c->who);
    int64_t in[2] = {x->shape[1], x->shape[2]};
    int64_t out[2] = {y->shape[1], y->shape[2]};
    float scale[2] = {nd->resize_scale_h, nd->resize_scale_w};
    bool bilinear = nd->resize_mode == MCN_RESIZE_BILINEAR;
    int k = bilinear ? 3 : 1;
    if (in[0] < 1 || in[1] < 1 || out[0] < 1 || out[1] < 1 ||
        out[0] > INT32_MAX / 3 || out[1] > INT32_MAX / 3)
        return mcn_fail(e, "%s: sizes out of range", c->who);
    keep_only_own_inputs(g, nd);
    for (int a = 0; a < 2; a++) {
        int32_t *t = malloc((size_t)(k * out[a]) * sizeof *t);
        if (!t)
            return mcn_fail(e, "out of memory");
        if (bilinear && bilinear_axis(nd, scale[a], in[a], out[a], t)) {
            free(t);
            return mcn_fail(e, "%s: %s %lld -> %lld at scale %g is out of "
                            "range for 10-bit fixed-point coordinates",
                            c->who, a ? "width" : "height",
                            (long long)in[a], (long long)out[a],
                            (double)scale[a]);
        }
        if (!bilinear)
            nearest_axis(nd, a + 1, in[a], out[a], t);
        int rc = pack_attach_table(g, i, a + 1, MCN_DT_INT32,
                                   (int)(k * out[a]), t, e);
        free(t);
        if (rc)
            return -1;
        nd = &g->nodes[i];
    }
    return rq_set_none(nd, e);
}
