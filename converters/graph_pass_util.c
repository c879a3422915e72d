/* graph_pass_util.c: what the graph passes share: node removal, labels,
   activation ranges. */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "graph_passes.h"

void gpass_free_node(graph_node *n)
{
    free(n->name);
    free(n->rq.multiplier);
    free(n->rq.shift);
}

void gpass_remove_node(graph *g, int i)
{
    graph_node *n = &g->nodes[i];
    gpass_free_node(n);
    memmove(n, n + 1, (size_t)(g->n_nodes - i - 1) * sizeof *n);
    g->n_nodes--;
}

const char *gpass_label(const gpass_log *log, const graph *g, int i)
{
    const char *l = log && log->label ? log->label(g, i, log->ctx) : NULL;
    return l ? l : graph_op_name(g->nodes[i].op);
}

void gpass_act_range(mcn_activation act, float act_min, float act_max,
                     float *lo, float *hi)
{
    switch (act) {
    case MCN_ACT_RELU: *lo = 0; *hi = FLT_MAX; break;
    case MCN_ACT_RELU6: *lo = 0; *hi = 6; break;
    case MCN_ACT_CLIP: *lo = act_min; *hi = act_max; break;
    default: *lo = -FLT_MAX; *hi = FLT_MAX; break;
    }
}

mcn_activation gpass_act_for_range(float lo, float hi, float *min, float *max)
{
    *min = *max = 0;
    if (lo <= -FLT_MAX && hi >= FLT_MAX)
        return MCN_ACT_NONE;
    if (lo == 0 && hi >= FLT_MAX)
        return MCN_ACT_RELU;
    if (lo == 0 && hi == 6)
        return MCN_ACT_RELU6;
    *min = lo;
    *max = hi;
    return MCN_ACT_CLIP;
}
