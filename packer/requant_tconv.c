/*
** requant_tconv.c: TRANSPOSE_CONV's int8 form. Its weights [O,KH,KW,I],
** bias and per-channel multipliers are CONV_2D's (rq_weighted: QM(s_in *
** s_w[c] / s_out), the fused activation's clamp), as TFLM's Prepare
** derives them (transpose_conv.cc: PopulateConvolutionQuantizationParams,
** channels along dimension 0). The kernel scatters into an int32
** accumulator over one output image, which the node asks of the arena as
** its scratch.
**
** The clamp: TFLM's int8 TRANSPOSE_CONV passed kTfLiteActNone to
** PopulateConvolutionQuantizationParams until PR 3278 (2026), so a fused
** RELU was dropped in int8 while its float kernel applied it. TFLite's
** kernel, TFLM since then and the float graph apply it; so do we. A
** model with a fused activation can differ from an older TFLM's bytes
** exactly where that activation clamps.
*/
#include "requant_internal.h"

#include <stdint.h>

int rq_transpose_conv(graph *g, int i, const rq_node *c, mcn_err *e)
{
    graph_node *nd = &g->nodes[i];
    if (nd->groups != 1)
        return mcn_fail(e, "%s: groups %d is not supported (only 1)", c->who,
                        nd->groups);
    if (rq_weighted(g, i, c, e))
        return -1;
    const graph_tensor *y = &g->tensors[nd->out[0]];
    if (y->rank != 4)
        return mcn_fail(e, "%s: the output must be 4-D (NHWC), not rank %d",
                        c->who, y->rank);
    /* One output image of int32 sums, kept below 2 GiB like every
       tensor the engine takes. */
    int64_t bytes = (int64_t)y->shape[1] * y->shape[2] * y->shape[3] * 4;
    if (bytes > INT32_MAX)
        return mcn_fail(e, "%s: a %dx%dx%d output needs %lld bytes of int32 "
                        "sums (at most 2 GiB)", c->who, (int)y->shape[1],
                        (int)y->shape[2], (int)y->shape[3], (long long)bytes);
    nd->scratch_bytes = (uint32_t)bytes;
    return 0;
}
