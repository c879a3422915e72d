/*
** tflite_ops_resize.c: RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR ->
** RESIZE. The size input must be a constant (TFLM refuses any other) and
** agree with the output tensor, whose shape is what the graph keeps; it
** does not become a graph tensor. The flags become ONNX's coordinate
** modes, which compute the same thing in exact arithmetic:
**   (none)             ASYMMETRIC, nearest FLOOR: floor(o * in / out)
**   half_pixel_centers HALF_PIXEL, nearest ROUND_PREFER_CEIL:
**                      bilinear at (o + 0.5) * in / out - 0.5; nearest
**                      floor((o + 0.5) * in / out), which is that
**                      coordinate rounded with halves up
**   align_corners      ALIGN_CORNERS, nearest ROUND_PREFER_CEIL:
**                      o * (in - 1) / (out - 1), halves away from zero
** and a nearest node is marked resize_tflite, so that the float path and
** the packer pick its pixels with TFLite's float arithmetic
** (quantizer/resize_map.h). Both flags at once are refused, as TFLM's
** RESIZE_BILINEAR and TensorFlow's resize kernels (ImageResizerState)
** refuse them.
*/
#include "tflite_internal.h"

static int resize(tfl_ctx *c, mcn_resize_mode mode, uint8_t opt_type,
                  int align_id, int half_id)
{
    bool have;
    uint8_t align, half;
    int x, y;
    int64_t size[2];
    uint32_t n;
    const tfl_tensor *ts;
    if (tfl_options(c, opt_type, false, &have) ||
        tfl_opt_u8(c, align_id, 0, &align) ||
        tfl_opt_u8(c, half_id, 0, &half) ||
        tfl_input(c, 0, TFL_IN_ACT, &x) ||
        tfl_const_ints(c, 1, "size", size, 2, &n, &ts) ||
        tfl_output(c, 0, &y))
        return -1;
    if (align && half)
        return tfl_fail(c, "align_corners and half_pixel_centers are both "
                        "set, which TensorFlow's resize kernels refuse");
    if (ts->rank != 1 || n != 2)
        return tfl_fail(c, "the size '%s' must be 2 values (height, width)",
                        ts->name);
    const graph_tensor *tx = &c->g->tensors[x], *ty = &c->g->tensors[y];
    char s1[96], s2[96];
    tfl_shape_str(tx, s1, sizeof s1);
    tfl_shape_str(ty, s2, sizeof s2);
    if (tx->rank != 4)
        return tfl_fail(c, "only 4-D inputs can be resized (input %s)", s1);
    if (ty->rank != 4 || ty->shape[0] != tx->shape[0] ||
        ty->shape[3] != tx->shape[3] || ty->shape[1] != size[0] ||
        ty->shape[2] != size[1] || size[0] < 1 || size[1] < 1)
        return tfl_fail(c, "output %s does not follow from input %s and "
                        "size [%lld,%lld]", s2, s1, (long long)size[0],
                        (long long)size[1]);
    int nd = tfl_node(c, MCN_OP_RESIZE, &x, 1, y);
    if (nd < 0)
        return -1;
    graph_node *node = &c->g->nodes[nd];
    node->resize_mode = mode;
    node->coord_mode = align ? MCN_COORD_ALIGN_CORNERS
                     : half ? MCN_COORD_HALF_PIXEL : MCN_COORD_ASYMMETRIC;
    node->nearest_mode = align || half ? MCN_NEAREST_ROUND_PREFER_CEIL
                                       : MCN_NEAREST_FLOOR;
    node->resize_tflite = mode == MCN_RESIZE_NEAREST;
    return 0;
}

int tfl_op_resize_bilinear(tfl_ctx *c)
{
    return resize(c, MCN_RESIZE_BILINEAR, TFL_OPT_RESIZE_BILINEAR,
                  TFL_BILINEAR_ALIGN_CORNERS,
                  TFL_BILINEAR_HALF_PIXEL_CENTERS);
}

int tfl_op_resize_nearest(tfl_ctx *c)
{
    return resize(c, MCN_RESIZE_NEAREST, TFL_OPT_RESIZE_NEAREST_NEIGHBOR,
                  TFL_NEAREST_ALIGN_CORNERS, TFL_NEAREST_HALF_PIXEL_CENTERS);
}
