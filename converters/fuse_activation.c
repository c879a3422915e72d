/* fuse_activation.c: a standalone CLIP becomes the fused activation of
   the node that produces its input, when nothing else reads that input. */
#include "graph_passes.h"

#include <stdlib.h>

static bool can_carry_act(mcn_opcode op)
{
    return op == MCN_OP_CONV_2D || op == MCN_OP_DEPTHWISE_CONV_2D ||
           op == MCN_OP_FULLY_CONNECTED || op == MCN_OP_ADD ||
           op == MCN_OP_CLIP || op == MCN_OP_TRANSPOSE_CONV;
}

/* Who produces and how many read each tensor, kept up to date as nodes
   fuse, so the pass is linear in the graph (it rescanned it per node). */
typedef struct {
    int *producer;          /* per tensor: node index, -1 for none */
    int *uses;              /* per tensor: node inputs + graph outputs */
    bool *dead;             /* per node: fused into its producer */
} fuse_state;

static bool try_fuse(graph *g, int i, fuse_state *st, const gpass_log *log)
{
    const graph_node *n = &g->nodes[i];
    if (n->op != MCN_OP_CLIP || n->n_in != 1 || n->n_out != 1 ||
        n->in[0] < 0)
        return false;
    int p = st->producer[n->in[0]];
    if (p < 0 || !can_carry_act(g->nodes[p].op) || g->nodes[p].n_out != 1 ||
        st->uses[n->in[0]] != 1)
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
    st->producer[n->in[0]] = -1;
    st->uses[n->in[0]] = 0;
    pn->out[0] = n->out[0];
    if (n->out[0] >= 0)
        st->producer[n->out[0]] = p;
    st->dead[i] = true;
    return true;
}

static void fuse_state_free(fuse_state *st)
{
    free(st->producer);
    free(st->uses);
    free(st->dead);
}

int gpass_fuse_activations(graph *g, const gpass_log *log, mcn_err *e)
{
    fuse_state st = {
        malloc(((size_t)g->n_tensors + 1) * sizeof *st.producer),
        calloc((size_t)g->n_tensors + 1, sizeof *st.uses),
        calloc((size_t)g->n_nodes + 1, sizeof *st.dead)};
    if (!st.producer || !st.uses || !st.dead) {
        fuse_state_free(&st);
        return mcn_fail(e, "out of memory fusing activations");
    }
    for (int t = 0; t < g->n_tensors; t++)
        st.producer[t] = -1;
    /* The first producer of a tensor, as graph_producer finds it. */
    for (int i = g->n_nodes - 1; i >= 0; i--)
        for (int j = 0; j < g->nodes[i].n_out; j++)
            if (g->nodes[i].out[j] >= 0)
                st.producer[g->nodes[i].out[j]] = i;
    for (int i = 0; i < g->n_nodes; i++)
        for (int j = 0; j < g->nodes[i].n_in; j++)
            if (g->nodes[i].in[j] >= 0)
                st.uses[g->nodes[i].in[j]]++;
    for (int i = 0; i < g->n_outputs; i++)
        if (g->outputs[i] >= 0)
            st.uses[g->outputs[i]]++;
    int fused = 0;
    for (int i = 0; i < g->n_nodes; i++)
        fused += try_fuse(g, i, &st, log);
    /* The fused nodes out, in one sweep. */
    if (fused) {
        int k = 0;
        for (int i = 0; i < g->n_nodes; i++) {
            if (!st.dead[i]) {
                g->nodes[k++] = g->nodes[i];
                continue;
            }
            gpass_free_node(&g->nodes[i]);
        }
        g->n_nodes = k;
    }
    fuse_state_free(&st);
    return 0;
}
