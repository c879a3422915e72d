/*
** tflite_ops_slice.c: TRANSPOSE, SLICE and STRIDED_SLICE, whose
** permutation or bounds are constant tensors. They become the graph's
** TRANSPOSE (perm) and SLICE (the first index and the step of every axis,
** the count in the output's shape), and a RESHAPE after a STRIDED_SLICE
** that drops axes. TFLite's layout is the graph's stored one, so axes
** pass through unchanged; the constants become node fields, not graph
** tensors. The index rules are TFLite's, as its kernels resolve them
** (tensorflow/lite/micro/kernels/slice.cc, strided_slice_common.cc and
** kernels/internal/strided_slice_logic.h), worked here in int64 so that
** no begin or end, however large, overflows.
*/
#include <stdio.h>

#include "tflite_internal.h"

/* Constant input i as exactly `rank` integers, a vector. */
static int axis_ints(tfl_ctx *c, uint32_t i, const char *what, int rank,
                     int64_t *v)
{
    uint32_t n;
    const tfl_tensor *t;
    if (tfl_const_ints(c, i, what, v, MCN_MAX_DIMS, &n, &t))
        return -1;
    if (t->rank != 1 || n != (uint32_t)rank)
        return tfl_fail(c, "the %s '%s' must be a vector of %d values", what,
                        t->name, rank);
    return 0;
}

/* A SLICE node x -> y taking count[d] values from first[d] by step[d]. */
static int slice_node(tfl_ctx *c, int x, int y, int rank,
                      const int64_t *first, const int64_t *step)
{
    int n = tfl_node(c, MCN_OP_SLICE, &x, 1, y);
    if (n < 0)
        return -1;
    graph_node *nd = &c->g->nodes[n];
    nd->n_ints = 2 * rank;
    for (int d = 0; d < rank; d++) {
        nd->ints[d] = (int32_t)first[d];
        nd->ints[rank + d] = (int32_t)step[d];
    }
    return 0;
}

/* ---- TRANSPOSE ---- */

/* Output axis d is input axis perm[d]; TFLite's Prepare wants every
   entry in [0, rank), and a repeated one would lose an axis. */
int tfl_op_transpose(tfl_ctx *c)
{
    bool have;
    int x, y;
    int64_t perm[MCN_MAX_DIMS];
    if (tfl_options(c, TFL_OPT_TRANSPOSE, false, &have) ||
        tfl_input(c, 0, TFL_IN_ACT, &x))
        return -1;
    const graph_tensor *tx = &c->g->tensors[x];
    int rank = tx->rank;
    if (axis_ints(c, 1, "perm", rank, perm) || tfl_output(c, 0, &y))
        return -1;
    tx = &c->g->tensors[x];
    bool seen[MCN_MAX_DIMS] = {false};
    int32_t want[MCN_MAX_DIMS];
    for (int d = 0; d < rank; d++) {
        if (perm[d] < 0 || perm[d] >= rank || seen[perm[d]])
            return tfl_fail(c, "perm is not a permutation of 0..%d",
                            rank - 1);
        seen[perm[d]] = true;
        want[d] = tx->shape[perm[d]];
    }
    if (tfl_output_is(c, x, y, rank, want))
        return -1;
    int n = tfl_node(c, MCN_OP_TRANSPOSE, &x, 1, y);
    if (n < 0)
        return -1;
    graph_node *nd = &c->g->nodes[n];
    nd->n_ints = rank;
    for (int d = 0; d < rank; d++)
        nd->ints[d] = (int32_t)perm[d];
    return 0;
}

/* ---- SLICE ---- */

/* begin in [0, dim], size in [0, dim - begin] or -1 for the rest
   (TFLM's GetValidatedBeginAndSizeVectors); an empty slice is refused,
   the graph has no empty tensors. */
int tfl_op_slice(tfl_ctx *c)
{
    int x, y;
    int64_t begin[MCN_MAX_DIMS], size[MCN_MAX_DIMS], step[MCN_MAX_DIMS];
    if (tfl_input(c, 0, TFL_IN_ACT, &x))
        return -1;
    int rank = c->g->tensors[x].rank;
    if (axis_ints(c, 1, "begin", rank, begin) ||
        axis_ints(c, 2, "size", rank, size) || tfl_output(c, 0, &y))
        return -1;
    const graph_tensor *tx = &c->g->tensors[x];
    int32_t want[MCN_MAX_DIMS];
    for (int d = 0; d < rank; d++) {
        int64_t dim = tx->shape[d], b = begin[d];
        if (b < 0 || b > dim)
            return tfl_fail(c, "begin %lld of axis %d is outside 0..%lld",
                            (long long)b, d, (long long)dim);
        int64_t s = size[d] == -1 ? dim - b : size[d];
        if (s < 0 || s > dim - b)
            return tfl_fail(c, "size %lld of axis %d runs past its %lld "
                            "values from %lld", (long long)size[d], d,
                            (long long)dim, (long long)b);
        if (s == 0)
            return tfl_fail(c, "slices nothing along axis %d", d);
        want[d] = (int32_t)s;
        step[d] = 1;
    }
    if (tfl_output_is(c, x, y, rank, want))
        return -1;
    return slice_node(c, x, y, rank, begin, step);
}

/* ---- STRIDED_SLICE ---- */

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* StartForAxis: begin_mask takes the first element in the direction of
   travel; a negative index counts from the end; then it is clamped to
   [0, dim] going forward, [-1, dim - 1] going back. */
static int64_t start_for_axis(int64_t begin, int64_t stride, bool masked,
                              int64_t dim)
{
    if (masked)
        return stride > 0 ? 0 : dim - 1;
    if (begin < 0)
        begin += dim;
    return stride > 0 ? clamp64(begin, 0, dim) : clamp64(begin, -1, dim - 1);
}

/* StopForAxis, one past the last element, clamped as the start is. */
static int64_t stop_for_axis(int64_t end, int64_t stride, bool masked,
                             int64_t dim)
{
    if (masked)
        return stride > 0 ? dim : -1;
    if (end < 0)
        end += dim;
    return stride > 0 ? clamp64(end, 0, dim) : clamp64(end, -1, dim - 1);
}

/* The StridedSliceOptions this importer can honour: no ellipsis, no new
   axes, end not relative to begin. */
static int ss_options(tfl_ctx *c, int32_t *begin_mask, int32_t *end_mask,
                      int32_t *shrink)
{
    bool have;
    int32_t ellipsis, new_axis;
    uint8_t offset;
    if (tfl_options(c, TFL_OPT_STRIDED_SLICE, false, &have) ||
        tfl_opt_i32(c, TFL_SS_BEGIN_MASK, 0, begin_mask) ||
        tfl_opt_i32(c, TFL_SS_END_MASK, 0, end_mask) ||
        tfl_opt_i32(c, TFL_SS_ELLIPSIS_MASK, 0, &ellipsis) ||
        tfl_opt_i32(c, TFL_SS_NEW_AXIS_MASK, 0, &new_axis) ||
        tfl_opt_i32(c, TFL_SS_SHRINK_AXIS_MASK, 0, shrink) ||
        tfl_opt_u8(c, TFL_SS_OFFSET, 0, &offset))
        return -1;
    if (ellipsis)
        return tfl_fail(c, "ellipsis_mask %d is not supported", (int)ellipsis);
    if (new_axis)
        return tfl_fail(c, "new_axis_mask %d is not supported", (int)new_axis);
    if (offset)
        return tfl_fail(c, "offset (end counted from begin) is not "
                        "supported");
    return 0;
}

/* Axis d keeps ceil((stop - start) / stride) values (TFLM's
   CheckOutputSize), from start by stride. A shrink_axis_mask axis keeps
   one, the start, and leaves the output; TFLM's copy then takes nothing
   when the start is past the end or the stride is negative, which is
   refused here rather than mapped to an empty slice. */
int tfl_op_strided_slice(tfl_ctx *c)
{
    int x, y;
    int32_t begin_mask, end_mask, shrink;
    int64_t begin[MCN_MAX_DIMS], end[MCN_MAX_DIMS], stride[MCN_MAX_DIMS];
    if (ss_options(c, &begin_mask, &end_mask, &shrink) ||
        tfl_input(c, 0, TFL_IN_ACT, &x))
        return -1;
    int rank = c->g->tensors[x].rank;
    if (axis_ints(c, 1, "begin", rank, begin) ||
        axis_ints(c, 2, "end", rank, end) ||
        axis_ints(c, 3, "strides", rank, stride) || tfl_output(c, 0, &y))
        return -1;
    const graph_tensor *tx = &c->g->tensors[x];
    int32_t count[MCN_MAX_DIMS], kept[MCN_MAX_DIMS];
    int n_kept = 0;
    for (int d = 0; d < rank; d++) {
        int64_t dim = tx->shape[d], k = stride[d];
        bool drop = ((uint32_t)shrink >> d) & 1u;
        if (k == 0)
            return tfl_fail(c, "the stride of axis %d is 0", d);
        if (k < INT32_MIN || k > INT32_MAX)
            return tfl_fail(c, "the stride of axis %d is out of range", d);
        int64_t s = start_for_axis(begin[d], k,
                                   ((uint32_t)begin_mask >> d) & 1u, dim);
        if (drop) {
            if (k < 0 || s >= dim)
                return tfl_fail(c, "axis %d: shrink_axis_mask with begin "
                                "%lld and stride %lld takes no value",
                                d, (long long)begin[d], (long long)k);
            begin[d] = s;
            stride[d] = 1;
            count[d] = 1;
            continue;
        }
        int64_t e = stop_for_axis(end[d], k, ((uint32_t)end_mask >> d) & 1u,
                                  dim);
        int64_t span = k > 0 ? e - s : s - e, ak = k > 0 ? k : -k;
        if (span <= 0)
            return tfl_fail(c, "slices nothing along axis %d (begin %lld, "
                            "end %lld, stride %lld)", d, (long long)begin[d],
                            (long long)end[d], (long long)k);
        begin[d] = s;
        count[d] = (int32_t)((span + ak - 1) / ak);
        kept[n_kept++] = count[d];
    }
    if (tfl_output_is(c, x, y, n_kept, kept))
        return -1;
    if (n_kept == rank)
        return slice_node(c, x, y, rank, begin, stride);
    int t = tfl_tensor_like(c, y, rank, count, "slice");
    if (t < 0 || slice_node(c, x, t, rank, begin, stride))
        return -1;
    return tfl_node(c, MCN_OP_RESHAPE, &t, 1, y) < 0 ? -1 : 0;
}
