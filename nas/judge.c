/* judge.c: see judge.h. */
#include "judge.h"

#include <stdlib.h>
#include <string.h>

#include "graph_cost.h"
#include "pack.h"

/* The format's bytes around each tensor and operator (vtables, offsets,
   shape vectors, quantization tables): measured on packed models. */
#define TENSOR_BYTES 84
#define OPERATOR_BYTES 72

static bool conv_family(mcn_opcode op)
{
    return op == MCN_OP_CONV_2D || op == MCN_OP_DEPTHWISE_CONV_2D ||
           op == MCN_OP_FULLY_CONNECTED || op == MCN_OP_TRANSPOSE_CONV;
}

static void mark_used(const graph *g, bool *used)
{
    for (int i = 0; i < g->n_inputs; i++)
        used[g->inputs[i]] = true;
    for (int i = 0; i < g->n_outputs; i++)
        used[g->outputs[i]] = true;
    for (int i = 0; i < g->n_nodes; i++) {
        const graph_node *n = &g->nodes[i];
        for (int j = 0; j < n->n_in; j++)
            if (n->in[j] >= 0)
                used[n->in[j]] = true;
        for (int j = 0; j < n->n_out; j++)
            if (n->out[j] >= 0)
                used[n->out[j]] = true;
    }
}

static int64_t flash_bytes(const graph *g, const bool *used)
{
    int64_t bytes = 0;
    for (int t = 0; t < g->n_tensors; t++)
        if (!used[t])
            continue;
        else if (graph_is_const(g, t))
            bytes += graph_tensor_elems(&g->tensors[t]) + TENSOR_BYTES;
        else
            bytes += TENSOR_BYTES;
    for (int i = 0; i < g->n_nodes; i++) {
        const graph_node *n = &g->nodes[i];
        bytes += OPERATOR_BYTES;
        if (!conv_family(n->op) || n->n_out < 1)
            continue;
        const graph_tensor *y = &g->tensors[n->out[0]];
        int64_t ch = y->shape[y->rank - 1];
        /* An int32 bias (3 bytes more than counted), the weights' and the
           bias's scale and zero point, the multiplier and shift. */
        bytes += ch * (3 + 8 + 8 + 8);
    }
    return bytes;
}

/* The most int8 bytes one node reads (its distinct activation inputs)
   or writes: all of them are alive while it runs. */
static int64_t arena_floor(const graph *g)
{
    int64_t most = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const graph_node *n = &g->nodes[i];
        int64_t in = 0, out = 0;
        for (int j = 0; j < n->n_in; j++) {
            int t = n->in[j];
            bool dup = false;
            for (int k = 0; k < j; k++)
                dup |= n->in[k] == t;
            if (t >= 0 && !dup && !graph_is_const(g, t))
                in += graph_tensor_elems(&g->tensors[t]);
        }
        for (int j = 0; j < n->n_out; j++)
            if (n->out[j] >= 0)
                out += graph_tensor_elems(&g->tensors[n->out[j]]);
        if (in > most)
            most = in;
        if (out > most)
            most = out;
    }
    return most;
}

int nas_judge_within(const graph *g, int64_t arena_limit,
                     int64_t flash_limit, nas_cost *c, mcn_err *e)
{
    graph_cost k = graph_total_cost(g);
    c->macs = k.macs;
    c->params = k.params;
    bool *used = calloc((size_t)g->n_tensors + 1, sizeof *used);
    if (!used)
        return mcn_fail(e, "out of memory");
    mark_used(g, used);
    c->flash_bytes = flash_bytes(g, used);
    free(used);
    c->planned = false;
    c->arena_bytes = arena_floor(g);
    if (c->flash_bytes > flash_limit || c->arena_bytes > arena_limit)
        return 0;
    /* The same nodes over int8 activations: a shallow copy of the tensors
       (nothing it points to is written or freed). */
    graph v = *g;
    v.tensors = malloc((size_t)(g->n_tensors ? g->n_tensors : 1) *
                       sizeof *v.tensors);
    if (!v.tensors)
        return mcn_fail(e, "out of memory");
    memcpy(v.tensors, g->tensors, (size_t)g->n_tensors * sizeof *v.tensors);
    for (int t = 0; t < g->n_tensors; t++)
        if (!graph_is_const(g, t))
            v.tensors[t].dtype = MCN_DT_INT8;
    plan_opts po = {.overlap = pack_overlap_window};
    c->arena_bytes = plan_arena_peak_with(&v, &po, e);
    c->planned = c->arena_bytes >= 0;
    free(v.tensors);
    return c->arena_bytes < 0 ? -1 : 0;
}

int nas_judge(const graph *g, nas_cost *c, mcn_err *e)
{
    return nas_judge_within(g, INT64_MAX, INT64_MAX, c, e);
}
