/*
** plan_overlap.c: pack_overlap_window (pack.h), the planner's overlap
** callback for the engine's kernels. For each node it picks the kernel
** mcn_init will run, fills the geometry of that kernel's parameters from
** the graph exactly as the engine decodes it from the model (graph_io.c
** writes these fields unchanged), and asks the kernel's _overlap function:
** the packer and mcn_init's check then cannot disagree.
**
**   CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, the pools: their input
**     (slot 0), in raster order (engine/kernels/raster_window.c);
**   the element-wise ops, SOFTMAX and LOG_SOFTMAX: every input with the
**     output's element count, at or before it;
**   a node that names an optimised kernel: that kernel's window, which the
**     engine reported to pack_choose_kernels (mcn_plan.h);
**   anything else (RESHAPE and CONCATENATION share bytes their own way;
**     PAD, MEAN, TRANSPOSE, SLICE, RESIZE, TRANSPOSE_CONV read out of
**     order): no overlap.
** Only int8 outputs: a float graph is never run by the engine.
*/
#include "pack.h"

#include <string.h>

#include "mcn_kernels.h"

static const graph_tensor *operand(const graph *g, int t)
{
    return t >= 0 && t < g->n_tensors ? &g->tensors[t] : NULL;
}

static int dims4(const graph_tensor *t, mcn_k_dims *d)
{
    if (!t || t->rank != 4)
        return 0;
    d->n = t->shape[0];
    d->h = t->shape[1];
    d->w = t->shape[2];
    d->c = t->shape[3];
    return d->n > 0 && d->h > 0 && d->w > 0 && d->c > 0;
}

static int conv_window(const graph *g, const graph_node *nd, mcn_k_window *w)
{
    mcn_k_conv_params p;
    memset(&p, 0, sizeof p);
    if (nd->n_in < 2 || !dims4(operand(g, nd->in[0]), &p.input) ||
        !dims4(operand(g, nd->in[1]), &p.filter) ||
        !dims4(operand(g, nd->out[0]), &p.output) || nd->stride_h < 1 ||
        nd->stride_w < 1 || nd->pad_top < 0 || nd->pad_left < 0)
        return 0;
    p.stride_h = nd->stride_h;
    p.stride_w = nd->stride_w;
    p.pad_top = nd->pad_top;
    p.pad_left = nd->pad_left;
    p.groups = nd->groups;
    p.depth_multiplier = nd->depth_multiplier;
    if (nd->op == MCN_OP_DEPTHWISE_CONV_2D) {
        if (p.depth_multiplier < 1)
            return 0;
        *w = mcn_k_dwconv_s8_overlap(&p);
        return 1;
    }
    if (p.groups < 1 || p.output.c % p.groups != 0)
        return 0;
    *w = mcn_k_conv_1x1_s8_applies(&p) ? mcn_k_conv_1x1_s8_overlap(&p)
                                       : mcn_k_conv_s8_overlap(&p);
    return 1;
}

static int fc_window(const graph *g, const graph_node *nd, mcn_k_window *w)
{
    const graph_tensor *wt = nd->n_in >= 2 ? operand(g, nd->in[1]) : NULL;
    const graph_tensor *y = operand(g, nd->out[0]);
    if (!wt || !y || wt->rank != 2 || wt->shape[0] < 1 || wt->shape[1] < 1)
        return 0;
    mcn_k_fc_params p;
    memset(&p, 0, sizeof p);
    p.out_depth = wt->shape[0];
    p.depth = wt->shape[1];
    p.batches = (int32_t)(graph_tensor_elems(y) / p.out_depth);
    *w = mcn_k_fc_s8_overlap(&p);
    return p.batches >= 1;
}

static int pool_window(const graph *g, const graph_node *nd, int global,
                       mcn_k_window *w)
{
    mcn_k_pool_params p;
    memset(&p, 0, sizeof p);
    if (!dims4(operand(g, nd->in[0]), &p.input) ||
        !dims4(operand(g, nd->out[0]), &p.output))
        return 0;
    p.stride_h = global ? 1 : nd->stride_h;
    p.stride_w = global ? 1 : nd->stride_w;
    p.pad_top = global ? 0 : nd->pad_top;
    p.pad_left = global ? 0 : nd->pad_left;
    if (p.stride_h < 1 || p.stride_w < 1 || p.pad_top < 0 || p.pad_left < 0)
        return 0;
    *w = mcn_k_pool_s8_overlap(&p);
    return 1;
}

/* Read at the index being written: same element count as the output. */
static int elementwise(const graph *g, const graph_node *nd, int slot,
                       mcn_k_window *w)
{
    const graph_tensor *x = operand(g, nd->in[slot]);
    const graph_tensor *y = operand(g, nd->out[0]);
    if (!x || !y || x->dtype != y->dtype ||
        graph_tensor_elems(x) != graph_tensor_elems(y))
        return 0;
    *w = mcn_k_elementwise_window();
    return 1;
}

int pack_overlap_window(void *user, const graph *g, int node, int slot,
                        plan_window *pw)
{
    (void)user;
    const graph_node *nd = &g->nodes[node];
    const graph_tensor *y = nd->n_out == 1 ? operand(g, nd->out[0]) : NULL;
    if (!y || y->dtype != MCN_DT_INT8 || slot < 0 || slot >= nd->n_in)
        return 0;
    mcn_k_window w;
    int ok = 0;
    if (nd->kernel != 0) {
        /* An optimised kernel: its own window, as the engine reported it
           when the packer chose it (pack_choose_kernels). */
        if (slot != 0 || nd->window_lo > nd->window_hi)
            return 0;
        pw->lo = nd->window_lo;
        pw->hi = nd->window_hi;
        return 1;
    }
    switch (nd->op) {
    case MCN_OP_CONV_2D:
    case MCN_OP_DEPTHWISE_CONV_2D:
        ok = slot == 0 && conv_window(g, nd, &w);
        break;
    case MCN_OP_FULLY_CONNECTED:
        ok = slot == 0 && fc_window(g, nd, &w);
        break;
    case MCN_OP_MAX_POOL_2D:
    case MCN_OP_AVERAGE_POOL_2D:
        ok = slot == 0 && pool_window(g, nd, 0, &w);
        break;
    case MCN_OP_GLOBAL_AVERAGE_POOL:
    case MCN_OP_GLOBAL_MAX_POOL:
        ok = slot == 0 && pool_window(g, nd, 1, &w);
        break;
    case MCN_OP_LOGISTIC:
    case MCN_OP_TANH:
    case MCN_OP_HARD_SWISH:
    case MCN_OP_LEAKY_RELU:
    case MCN_OP_ELU:
    case MCN_OP_HARD_SIGMOID:
    case MCN_OP_CLIP:
    case MCN_OP_QUANTIZE:
    case MCN_OP_SOFTMAX:
    case MCN_OP_LOG_SOFTMAX:
        ok = slot == 0 && elementwise(g, nd, slot, &w);
        break;
    case MCN_OP_ADD:
    case MCN_OP_SUB:
    case MCN_OP_MUL:
    case MCN_OP_DIV:
    case MCN_OP_PRELU:
        ok = slot < 2 && elementwise(g, nd, slot, &w);
        break;
    default:
        break;
    }
    if (ok) {
        pw->lo = w.lo;
        pw->hi = w.hi;
    }
    return ok;
}
