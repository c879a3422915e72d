/* fuse_activation.c: a standalone CLIP becomes the fused activation of
   the node that produces its input, when nothing else reads that input. */
#include "graph_passes.h"

static bool can_carry_act(mcn_opcode op)
{
    return op == MCN_OP_CONV_2D || op == MCN_OP_DEPTHWISE_CONV_2D ||
           op == MCN_OP_FULLY_CONNECTED || op == MCN_OP_ADD ||
           op == MCN_OP_CLIP || op == MCN_OP_TRANSPOSE_CONV;
}

static bool try_fuse(graph *g, int i, const gpass_log *log)
{
    const graph_node *n = &g->nodes[i];
    if (n->op != MCN_OP_CLIP || n->n_in != 1 || n->n_out != 1)
        return false;
    int p = graph_producer(g, n->in[0]);
    if (p < 0 || !can_carry_act(g->nodes[p].op) || g->nodes[p].n_out != 1 ||
        graph_use_count(g, n->in[0]) != 1)
        return false;
    graph_node *pn = &g->nodes[p];
    float lo1, hi1, lo2, hi2;
    gpass_act_range(pn->act, pn->act_min, pn->act_max, &lo1, &hi1);
    gpass_act_range(n->act, n->act_min, n->act_max, &lo2, &hi2);
    float lo = lo1 > lo2 ? lo1 : lo2, hi = hi1 < hi2 ? hi1 : hi2;
    if (lo > hi)
        return false;  /* clip(clip(x)) with disjoint ranges: leave it be */
    if (log && log->verbose)
        fprintf(log->verbose, "fused %s '%s' into %s '%s'\n",
                gpass_label(log, g, i), n->name ? n->name : "",
                gpass_label(log, g, p), pn->name ? pn->name : "");
    pn->act = gpass_act_for_range(lo, hi, &pn->act_min, &pn->act_max);
    pn->out[0] = n->out[0];
    gpass_remove_node(g, i);
    return true;
}

int gpass_fuse_activations(graph *g, const gpass_log *log, mcn_err *e)
{
    (void)e;  /* nothing here can fail; kept for a uniform pass signature */
    for (int i = 0; i < g->n_nodes;)
        i += !try_fuse(g, i, log);
    return 0;
}
