/*
** resize_map.h: where an output row or column of RESIZE reads the input,
** in the float semantics. fexec_resize.c runs it; the packer turns it
** into the int8 kernel's NEAREST tables, so that both pick the same
** pixels.
**
** ONNX's coordinate modes are computed exactly (in double, see
** fexec_resize.c). A node imported from TFLite (resize_tflite) picks its
** NEAREST pixels as TFLite's GetNearestNeighbor does, in float: scale =
** in / out, or (in - 1) / (out - 1) for align_corners with out > 1, each
** a float quotient; index = floor((o + offset) * scale) with offset 0.5
** for half_pixel_centers, or round-half-away of it for align_corners;
** at most in - 1, and (half_pixel_centers) at least 0. In exact
** arithmetic that is ASYMMETRIC + FLOOR, HALF_PIXEL + ROUND_PREFER_CEIL
** and ALIGN_CORNERS + ROUND_PREFER_CEIL, which is what the importer
** records; the float quotient differs from the exact one in the last
** bit, and at whole-number points (26 -> 22, o = 11) floors the other
** way, so bit-exactness with TFLite needs its own arithmetic.
*/
#ifndef MCN_RESIZE_MAP_H
#define MCN_RESIZE_MAP_H

#include <stdbool.h>
#include <stdint.h>

#include "graph.h"

/* The node's modes are ones the functions below know: each in its enum,
   and for resize_tflite a coordinate mode TFLite has. */
bool resize_modes_ok(const graph_node *n);

/* The input coordinate output index o maps to along an axis of in -> out
   (ONNX's coordinate_transformation_mode; `scale` is the model's, 0 for
   out / in). */
double resize_coord(mcn_coord_mode m, int64_t o, int64_t in, int64_t out,
                    float scale);

/* The input index NEAREST reads for output index o, in [0, in). `axis`
   is 1 (H) or 2 (W), which says which of the node's scales applies. */
int64_t resize_nearest(const graph_node *n, int axis, int64_t o, int64_t in,
                       int64_t out);

#endif
