/*
** candidate.h: a sub-network of one trained float network, as a search
** holds it (an input resolution, the channels each group keeps, the
** blocks each stage keeps), costed without copying weights and built
** only when it wins.
**
** A nas_net is the trained graph with its channel groups
** (nas/channels.h) and droppable blocks (nas/blocks.h). A nas_coster
** keeps one shallow costing copy of it that every candidate is laid
** into in turn: the nodes and tensors copied by value (the weights
** shared), the input resized, the blocks dropped, the channels cut on
** shapes alone and every shape inferred, then judged (nas/judge.h):
** about 80 us for a MobileNetV2, nothing allocated that scales with
** the weights.
*/
#ifndef MCN_NAS_CANDIDATE_H
#define MCN_NAS_CANDIDATE_H

#include <stdbool.h>

#include "blocks.h"
#include "channels.h"
#include "graph.h"
#include "judge.h"

typedef struct {
    graph g;            /* the trained float network, owned */
    nas_channels ch;
    nas_blocks bl;
    int in_h, in_w;     /* its trained input resolution (NHWC input 0) */
} nas_net;

/* Takes g over (also on failure, when it is freed). g must be a float
   model with one NHWC input. */
int nas_net_init(nas_net *n, graph *g, mcn_err *e);
void nas_net_free(nas_net *n);

typedef struct {
    int h, w;
    int *keep;    /* per channel group: channels kept */
    int *depth;   /* per stage: blocks kept (its first ones) */
} nas_candidate;

/* keep and depth for n (the trained network itself); NULL arrays when
   out of memory. */
int nas_candidate_alloc(const nas_net *n, nas_candidate *c, mcn_err *e);
void nas_candidate_free(nas_candidate *c);
void nas_candidate_copy(const nas_net *n, nas_candidate *dst,
                        const nas_candidate *src);
/* Every group at width ratio (nas_group_width), every stage whole. */
void nas_candidate_uniform(const nas_net *n, nas_candidate *c, double ratio,
                           int divisor, int h, int w);

typedef struct {
    const nas_net *net;
    graph v;       /* the costing copy: arrays owned, contents shared */
    bool *drop;
} nas_coster;

int nas_coster_init(nas_coster *k, const nas_net *n, mcn_err *e);
void nas_coster_free(nas_coster *k);
/* The candidate's cost, planned only while it can fit the limits
   (nas_judge_within). -1 with the node and why when the network cannot
   take its resolution. */
int nas_coster_cost(nas_coster *k, const nas_candidate *c,
                    int64_t arena_limit, int64_t flash_limit, nas_cost *out,
                    mcn_err *e);

/* The candidate as a graph of its own, *out initialised by it: weights
   cut; then, with calib (n_calib samples for input 0 at the trained
   resolution, graph layout), statistics re-aligned (nas/realign.h,
   `passes` times); then blocks removed and the resolution set. */
int nas_candidate_build(const nas_net *n, const nas_candidate *c,
                        const float *calib, int n_calib, int passes,
                        graph *out, mcn_err *e);

#endif
