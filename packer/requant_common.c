/* requant_common.c: see requant_internal.h. */
#include "requant_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qmath.h"
#include "qrules.h"

void rq_label(rq_node *c, const graph *g, int i)
{
    const graph_node *nd = &g->nodes[i];
    if (nd->name)
        snprintf(c->who, sizeof c->who, "node %d '%.100s' (%s)", i, nd->name,
                 graph_op_name(nd->op));
    else
        snprintf(c->who, sizeof c->who, "node %d (%s)", i,
                 graph_op_name(nd->op));
}

const char *rq_tname(const graph *g, int t)
{
    return g->tensors[t].name ? g->tensors[t].name : "";
}

int rq_check_act(const graph *g, const rq_node *c, int t, const char *role,
                 mcn_err *e)
{
    if (t < 0 || t >= g->n_tensors)
        return mcn_fail(e, "%s: %s is missing", c->who, role);
    const graph_tensor *x = &g->tensors[t];
    if (x->dtype != MCN_DT_INT8)
        return mcn_fail(e, "%s: %s '%s' is %s, not int8 (quantize the graph "
                        "first)", c->who, role, rq_tname(g, t),
                        graph_dtype_name(x->dtype));
    if (x->nscale != 1)
        return mcn_fail(e, "%s: %s '%s' needs one scale and zero point, "
                        "has %d", c->who, role, rq_tname(g, t), x->nscale);
    if (!(isfinite(x->scale[0]) && x->scale[0] > 0.0f))
        return mcn_fail(e, "%s: %s '%s' has scale %g", c->who, role,
                        rq_tname(g, t), (double)x->scale[0]);
    if (x->zero_point[0] < -128 || x->zero_point[0] > 127)
        return mcn_fail(e, "%s: %s '%s' has zero point %d, outside int8",
                        c->who, role, rq_tname(g, t), (int)x->zero_point[0]);
    return 0;
}

int rq_check_binary(const graph *g, const graph_node *nd, const rq_node *c,
                    mcn_err *e)
{
    if (nd->n_in != 2)
        return mcn_fail(e, "%s: needs 2 inputs, has %d", c->who, nd->n_in);
    if (rq_check_act(g, c, nd->in[0], "input 0", e) ||
        rq_check_act(g, c, nd->in[1], "input 1", e) ||
        rq_check_act(g, c, nd->out[0], "output", e))
        return -1;
    return 0;
}

int rq_check_unary(const graph *g, const graph_node *nd, const rq_node *c,
                   mcn_err *e)
{
    if (nd->n_in < 1)
        return mcn_fail(e, "%s: no input", c->who);
    if (rq_no_fused_activation(nd, c, e) ||
        rq_check_act(g, c, nd->in[0], "input", e) ||
        rq_check_act(g, c, nd->out[0], "output", e))
        return -1;
    return 0;
}

int rq_check_same_quant(const graph *g, const rq_node *c, int in, int out,
                        mcn_err *e)
{
    const graph_tensor *x = &g->tensors[in];
    const graph_tensor *y = &g->tensors[out];
    if (x->scale[0] != y->scale[0] || x->zero_point[0] != y->zero_point[0])
        return mcn_fail(e, "%s: input and output quantization differ "
                        "(scale %g, zero point %d vs scale %g, zero point "
                        "%d)", c->who, (double)x->scale[0],
                        (int)x->zero_point[0], (double)y->scale[0],
                        (int)y->zero_point[0]);
    return 0;
}

/* Within TFLite's own tolerance on the scale. */
int rq_check_fixed_output(const graph *g, const graph_node *nd,
                          const rq_node *c, mcn_err *e)
{
    int denom;
    int32_t zp;
    if (!qrules_fixed_output(nd->op, &denom, &zp))
        return 0;
    const graph_tensor *y = &g->tensors[nd->out[0]];
    if (fabs((double)y->scale[0] - 1.0 / denom) > 0.001 / denom ||
        y->zero_point[0] != zp)
        return mcn_fail(e, "%s: output must have scale 1/%d and zero point "
                        "%d (has %g, %d)", c->who, denom, (int)zp,
                        (double)y->scale[0], (int)y->zero_point[0]);
    return 0;
}

int rq_no_fused_activation(const graph_node *nd, const rq_node *c,
                           mcn_err *e)
{
    if (nd->act != MCN_ACT_NONE)
        return mcn_fail(e, "%s: a fused activation is not supported here",
                        c->who);
    return 0;
}

int rq_check_moves_bytes(const graph *g, const graph_node *nd,
                         const rq_node *c, mcn_err *e)
{
    if (rq_check_unary(g, nd, c, e))
        return -1;
    return rq_check_same_quant(g, c, nd->in[0], nd->out[0], e);
}

int rq_set(graph_node *nd, int n)
{
    if (n > 0)
        return graph_set_requant(nd, n);
    free(nd->rq.multiplier);
    free(nd->rq.shift);
    memset(&nd->rq, 0, sizeof nd->rq);
    nd->rq.act_min = -128;
    nd->rq.act_max = 127;
    nd->has_requant = true;
    return 0;
}

int rq_set_none(graph_node *nd, mcn_err *e)
{
    if (rq_set(nd, 0))
        return mcn_fail(e, "out of memory");
    nd->has_requant = false;
    return 0;
}

int rq_set_multiplier(graph *g, graph_node *nd, int32_t multiplier,
                      int shift, mcn_err *e)
{
    if (rq_set(nd, 1))
        return mcn_fail(e, "out of memory");
    nd->rq.multiplier[0] = multiplier;
    nd->rq.shift[0] = shift;
    rq_act_range(nd, nd->act, &g->tensors[nd->out[0]]);
    return 0;
}

int rq_set_two(graph_node *nd, int32_t m0, int s0, int32_t m1, int s1,
               mcn_err *e)
{
    if (rq_set(nd, 2))
        return mcn_fail(e, "out of memory");
    nd->rq.multiplier[0] = m0;
    nd->rq.shift[0] = s0;
    nd->rq.multiplier[1] = m1;
    nd->rq.shift[1] = s1;
    return 0;
}

void rq_act_range(graph_node *nd, mcn_activation act,
                  const graph_tensor *out)
{
    qmath_activation_range(act, nd->act_min, nd->act_max, out->scale[0],
                           out->zero_point[0], &nd->rq.act_min,
                           &nd->rq.act_max);
}

int pack_attach_table(graph *g, int node, int slot, mcn_dtype dt, int n,
                      const void *data, mcn_err *e)
{
    if (slot < 0 || slot >= GRAPH_MAX_IO || n < 1)
        return mcn_fail(e, "internal: table slot %d of %d elements", slot, n);
    size_t bytes = (size_t)n * mcn_dtype_size(dt);
    graph_node *nd = &g->nodes[node];
    int t = slot < nd->n_in ? nd->in[slot] : -1;
    if (t >= 0 && graph_is_const(g, t) && g->tensors[t].dtype == dt &&
        g->tensors[t].rank == 1 && g->tensors[t].shape[0] == n)
        return graph_set_data(g, t, data, bytes)
                   ? mcn_fail(e, "out of memory") : 0;
    char name[200];
    snprintf(name, sizeof name, "%.180s:table%d",
             nd->name ? nd->name : "", slot);
    int32_t shape[1] = {n};
    t = graph_add_tensor(g, name, dt, 1, shape);
    if (t < 0 || graph_set_data(g, t, data, bytes))
        return mcn_fail(e, "out of memory");
    nd = &g->nodes[node];   /* graph_add_tensor does not move nodes */
    while (nd->n_in < slot)
        nd->in[nd->n_in++] = -1;
    nd->in[slot] = t;
    if (nd->n_in <= slot)
        nd->n_in = slot + 1;
    return 0;
}
