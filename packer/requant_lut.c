/*
** requant_lut.c: ELU and HARD_SIGMOID become a 256-entry int8 table,
** computed here from float as TFLM's ELU computes its table at Prepare
** (qmath_lut_s8), and attached as the node's input 1 for the engine's
** lookup kernel. TFLite has no HARD_SIGMOID; it follows the same rule.
*/
#include <math.h>

#include "qmath.h"
#include "requant_internal.h"

/* TFLM's ELU transform, x < 0 ? exp(x) - 1 : x, in float (expf, then the
   subtraction), scaled by ONNX's alpha (1 for TFLite, which leaves the
   value unchanged). */
static float elu(float x, const void *ctx)
{
    const float alpha = *(const float *)ctx;
    return x < 0.0f ? alpha * (expf(x) - 1.0f) : x;
}

/* max(0, min(1, alpha * x + beta)), the float reference's expression. */
static float hard_sigmoid(float x, const void *ctx)
{
    const float *ab = ctx;
    float v = ab[0] * x + ab[1];
    return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
}

int rq_lut(graph *g, int i, const rq_node *c, mcn_err *e)
{
    graph_node *nd = &g->nodes[i];
    if (rq_check_unary(g, nd, c, e))
        return -1;
    const float ab[2] = {nd->alpha, nd->beta};
    if (!isfinite(ab[0]) ||
        (nd->op == MCN_OP_HARD_SIGMOID && !isfinite(ab[1])))
        return mcn_fail(e, "%s: alpha %g or beta %g is not finite", c->who,
                        (double)ab[0], (double)ab[1]);
    const graph_tensor *x = &g->tensors[nd->in[0]];
    const graph_tensor *y = &g->tensors[nd->out[0]];
    int8_t table[256];
    qmath_lut_s8(x->scale[0], x->zero_point[0], y->scale[0],
                 y->zero_point[0], nd->op == MCN_OP_ELU ? elu : hard_sigmoid,
                 ab, table);
    if (pack_attach_table(g, i, 1, MCN_DT_INT8, 256, table, e))
        return -1;
    return rq_set_none(&g->nodes[i], e);
}
