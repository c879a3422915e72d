/*
** requant_move.c: the packer's rules for TRANSPOSE and SLICE, which move
** int8 bytes unchanged (TFLM's TRANSPOSE and STRIDED_SLICE copy them):
** input and output share scale and zero point, and nothing is stored in
** Requant. The permutation or bounds are checked here too, so that a bad
** one is a message naming the node rather than mcn_init's bare refusal.
*/
#include "requant_internal.h"

/* What both share: int8 operands of one rank and one quantization. */
static int check_moved(graph *g, int i, const rq_node *c, mcn_err *e)
{
    graph_node *nd = &g->nodes[i];
    if (rq_check_moves_bytes(g, nd, c, e))
        return -1;
    const graph_tensor *x = &g->tensors[nd->in[0]];
    const graph_tensor *y = &g->tensors[nd->out[0]];
    if (x->rank < 1 || y->rank != x->rank)
        return mcn_fail(e, "%s: a %d-D input and a %d-D output", c->who,
                        x->rank, y->rank);
    return 0;
}

int rq_transpose(graph *g, int i, const rq_node *c, mcn_err *e)
{
    if (check_moved(g, i, c, e))
        return -1;
    graph_node *nd = &g->nodes[i];
    const graph_tensor *x = &g->tensors[nd->in[0]];
    const graph_tensor *y = &g->tensors[nd->out[0]];
    bool seen[MCN_MAX_DIMS] = {false};
    if (nd->n_ints != x->rank)
        return mcn_fail(e, "%s: perm has %d values for a %d-D input", c->who,
                        nd->n_ints, x->rank);
    for (int d = 0; d < x->rank; d++) {
        int32_t p = nd->ints[d];
        if (p < 0 || p >= x->rank || seen[p])
            return mcn_fail(e, "%s: perm is not a permutation of 0..%d",
                            c->who, x->rank - 1);
        seen[p] = true;
        if (y->shape[d] != x->shape[p])
            return mcn_fail(e, "%s: output axis %d has %d values, input "
                            "axis %d has %d", c->who, d, y->shape[d], p,
                            x->shape[p]);
    }
    return rq_set_none(nd, e);
}

int rq_slice(graph *g, int i, const rq_node *c, mcn_err *e)
{
    if (check_moved(g, i, c, e))
        return -1;
    graph_node *nd = &g->nodes[i];
    const graph_tensor *x = &g->tensors[nd->in[0]];
    const graph_tensor *y = &g->tensors[nd->out[0]];
    int rank = x->rank;
    if (nd->n_ints != 2 * rank)
        return mcn_fail(e, "%s: %d bounds for a %d-D input", c->who,
                        nd->n_ints, rank);
    for (int d = 0; d < rank; d++) {
        int64_t first = nd->ints[d], step = nd->ints[rank + d];
        int64_t last = first + (int64_t)(y->shape[d] - 1) * step;
        if (step == 0)
            return mcn_fail(e, "%s: axis %d has step 0", c->who, d);
        if (y->shape[d] < 1 || first < 0 || first >= x->shape[d] ||
            last < 0 || last >= x->shape[d])
            return mcn_fail(e, "%s: axis %d takes %d values from %lld by "
                            "%lld, outside 0..%d", c->who, d, y->shape[d],
                            (long long)first, (long long)step,
                            x->shape[d] - 1);
    }
    return rq_set_none(nd, e);
}
