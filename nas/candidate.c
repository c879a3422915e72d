/* candidate.c: see candidate.h. */
#include "candidate.h"

#include <stdlib.h>
#include <string.h>

#include "graph_shapes.h"
#include "realign.h"

int nas_net_init(nas_net *n, graph *g, mcn_err *e)
{
    memset(n, 0, sizeof *n);
    n->g = *g;
    graph_init(g);
    const graph_tensor *x =
        n->g.n_inputs ? &n->g.tensors[n->g.inputs[0]] : NULL;
    if (!x || x->rank != 4 || n->g.n_inputs != 1) {
        mcn_fail(e, "mcn-nas needs one NHWC image input (rank 4), not %d "
                 "inputs%s", n->g.n_inputs,
                 x && x->rank != 4 ? " of another rank" : "");
        graph_free(&n->g);
        return -1;
    }
    n->in_h = x->shape[1];
    n->in_w = x->shape[2];
    if (nas_channels_find(&n->g, &n->ch, e)) {
        graph_free(&n->g);
        return -1;
    }
    if (nas_blocks_find(&n->g, &n->ch, &n->bl, e)) {
        nas_channels_free(&n->ch);
        graph_free(&n->g);
        return -1;
    }
    return 0;
}

void nas_net_free(nas_net *n)
{
    nas_blocks_free(&n->bl);
    nas_channels_free(&n->ch);
    graph_free(&n->g);
}

int nas_candidate_alloc(const nas_net *n, nas_candidate *c, mcn_err *e)
{
    c->keep = malloc(((size_t)n->ch.n_groups + 1) * sizeof *c->keep);
    c->depth = malloc(((size_t)n->bl.n_stages + 1) * sizeof *c->depth);
    if (!c->keep || !c->depth) {
        nas_candidate_free(c);
        return mcn_fail(e, "out of memory");
    }
    nas_candidate_uniform(n, c, 1.0, 1, n->in_h, n->in_w);
    return 0;
}

void nas_candidate_free(nas_candidate *c)
{
    free(c->keep);
    free(c->depth);
    c->keep = c->depth = NULL;
}

void nas_candidate_copy(const nas_net *n, nas_candidate *dst,
                        const nas_candidate *src)
{
    dst->h = src->h;
    dst->w = src->w;
    memcpy(dst->keep, src->keep, (size_t)n->ch.n_groups * sizeof *dst->keep);
    memcpy(dst->depth, src->depth,
           (size_t)n->bl.n_stages * sizeof *dst->depth);
}

void nas_candidate_uniform(const nas_net *n, nas_candidate *c, double ratio,
                           int divisor, int h, int w)
{
    c->h = h;
    c->w = w;
    for (int k = 0; k < n->ch.n_groups; k++)
        c->keep[k] = ratio >= 1 ? n->ch.groups[k].channels
                                : nas_group_width(&n->ch.groups[k], ratio,
                                                  divisor);
    for (int s = 0; s < n->bl.n_stages; s++)
        c->depth[s] = n->bl.stages[s].count;
}

int nas_coster_init(nas_coster *k, const nas_net *n, mcn_err *e)
{
    memset(k, 0, sizeof *k);
    k->net = n;
    k->v = n->g;
    k->v.tensors = malloc(((size_t)n->g.n_tensors + 1) * sizeof *k->v.tensors);
    k->v.nodes = malloc(((size_t)n->g.n_nodes + 1) * sizeof *k->v.nodes);
    k->drop = calloc((size_t)n->bl.n_blocks + 1, sizeof *k->drop);
    if (!k->v.tensors || !k->v.nodes || !k->drop) {
        nas_coster_free(k);
        return mcn_fail(e, "out of memory");
    }
    return 0;
}

void nas_coster_free(nas_coster *k)
{
    free(k->v.tensors);
    free(k->v.nodes);
    free(k->drop);
    memset(k, 0, sizeof *k);
}

int nas_coster_cost(nas_coster *k, const nas_candidate *c,
                    int64_t arena_limit, int64_t flash_limit, nas_cost *out,
                    mcn_err *e)
{
    const graph *g = &k->net->g;
    graph_tensor *t = k->v.tensors;
    graph_node *nd = k->v.nodes;
    k->v = *g;
    k->v.tensors = t;
    k->v.nodes = nd;
    memcpy(t, g->tensors, (size_t)g->n_tensors * sizeof *t);
    memcpy(nd, g->nodes, (size_t)g->n_nodes * sizeof *nd);
    graph_tensor *x = &t[g->inputs[0]];
    x->shape[1] = c->h;
    x->shape[2] = c->w;
    nas_blocks_for_depths(&k->net->bl, c->depth, k->drop);
    if (nas_drop_blocks_view(&k->v, &k->net->bl, k->drop, e) ||
        nas_slice_shapes(&k->v, &k->net->ch, c->keep, e))
        return -1;
    return nas_judge_within(&k->v, arena_limit, flash_limit, out, e);
}

int nas_candidate_build(const nas_net *n, const nas_candidate *c,
                        const float *calib, int n_calib, int passes,
                        graph *out, mcn_err *e)
{
    bool *drop = calloc((size_t)n->bl.n_blocks + 1, sizeof *drop);
    if (!drop)
        return mcn_fail(e, "out of memory");
    graph_init(out);
    int rc = graph_slice_channels(&n->g, &n->ch, c->keep, out, e);
    if (rc == 0 && calib)
        rc = nas_realign(out, &n->g, &n->ch, c->keep, calib, calib, n_calib,
                         passes, e);
    if (rc == 0) {
        nas_blocks_for_depths(&n->bl, c->depth, drop);
        nas_bypass_blocks(out, &n->bl, drop);
        graph_prune(out);
        if (c->h != n->in_h || c->w != n->in_w)
            rc = graph_set_resolution(out, 0, c->h, c->w, e);
    }
    free(drop);
    if (rc)
        graph_free(out);
    return rc;
}
