/* graph_cost.c: see graph_cost.h. */
#include "graph_cost.h"

#include <stddef.h>

static const graph_tensor *tensor(const graph *g, int t)
{
    return t >= 0 && t < g->n_tensors ? &g->tensors[t] : NULL;
}

static int64_t mul_sat(int64_t a, int64_t b)
{
    if (a <= 0 || b <= 0)
        return 0;
    return a > INT64_MAX / b ? INT64_MAX : a * b;
}

/* The weights (input 1) in the engine's layout (doc/DESIGN.md): rank 4
   for the convolutions, 2 for FULLY_CONNECTED; NULL otherwise. */
static const graph_tensor *weights(const graph *g, const graph_node *nd,
                                   int rank)
{
    const graph_tensor *w = nd->n_in >= 2 ? tensor(g, nd->in[1]) : NULL;
    return w && w->rank == rank ? w : NULL;
}

static int64_t add_sat(int64_t a, int64_t b)
{
    return a > INT64_MAX - b ? INT64_MAX : a + b;
}

graph_cost graph_total_cost(const graph *g)
{
    graph_cost t = {0, 0};
    for (int i = 0; i < g->n_nodes; i++) {
        graph_cost c = graph_node_cost(g, &g->nodes[i]);
        t.macs = add_sat(t.macs, c.macs);
        t.params = add_sat(t.params, c.params);
    }
    return t;
}

graph_cost graph_node_cost(const graph *g, const graph_node *nd)
{
    graph_cost c = {0, 0};
    for (int j = 1; j < nd->n_in && j < 3; j++)
        if (graph_is_const(g, nd->in[j])) {
            const graph_tensor *t = tensor(g, nd->in[j]);
            c.params += t ? graph_tensor_elems(t) : 0;
        }
    const graph_tensor *y = nd->n_out >= 1 ? tensor(g, nd->out[0]) : NULL;
    if (!y)
        return c;
    const graph_tensor *w;
    switch (nd->op) {
    case MCN_OP_CONV_2D:  /* N*OH*OW*OC * KH*KW*(I/groups), w [O,KH,KW,I/g] */
        if ((w = weights(g, nd, 4)))
            c.macs = mul_sat(mul_sat(graph_tensor_elems(y),
                                     (int64_t)w->shape[1] * w->shape[2]),
                             w->shape[3]);
        break;
    case MCN_OP_DEPTHWISE_CONV_2D:  /* N*OH*OW*OC * KH*KW, w [1,KH,KW,C] */
        if ((w = weights(g, nd, 4)))
            c.macs = mul_sat(graph_tensor_elems(y),
                             (int64_t)w->shape[1] * w->shape[2]);
        break;
    case MCN_OP_FULLY_CONNECTED:  /* batch*O*K = outputs * K, w [O,K] */
        if ((w = weights(g, nd, 2)))
            c.macs = mul_sat(graph_tensor_elems(y), w->shape[1]);
        break;
    default:
        break;
    }
    return c;
}

graph_layer_kind graph_node_kind(const graph *g, const graph_node *nd)
{
    const graph_tensor *x = nd->n_in >= 1 ? tensor(g, nd->in[0]) : NULL;
    const graph_tensor *w;
    switch (nd->op) {
    case MCN_OP_CONV_2D:
        if (!(w = weights(g, nd, 4)))
            return GRAPH_KIND_CONV;
        if (x && x->rank == 4 && x->shape[3] <= 3)
            return GRAPH_KIND_CONV_FIRST;
        return w->shape[1] == 1 && w->shape[2] == 1 ? GRAPH_KIND_CONV_1X1
                                                    : GRAPH_KIND_CONV;
    case MCN_OP_DEPTHWISE_CONV_2D:
        w = weights(g, nd, 4);
        return w && w->shape[1] == 3 && w->shape[2] == 3 ? GRAPH_KIND_DW_3X3
                                                         : GRAPH_KIND_CONV;
    case MCN_OP_FULLY_CONNECTED:
        return GRAPH_KIND_FC;
    default:
        return GRAPH_KIND_OTHER;
    }
}

const char *graph_kind_name(graph_layer_kind k)
{
    static const char *const names[GRAPH_KIND_COUNT] = {
        "conv_first", "conv_1x1", "dw_3x3", "conv", "fc", "other",
    };
    return (unsigned)k < GRAPH_KIND_COUNT ? names[k] : "other";
}
