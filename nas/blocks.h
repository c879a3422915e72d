/*
** blocks.h: residual blocks a network can do without (depth scaling).
**
** A block is an ADD of a tensor x, the shortcut,
** and a branch computed from x alone: every node of the branch reads only
** x, constants and the branch's own tensors, and nothing outside the
** branch reads what it writes. x and the sum have the same shape, so
** dropping the block (its nodes and the ADD; readers of the sum read x)
** leaves a network that still runs: MobileNetV2's and ResNet's identity
** blocks, the "depth" of once-for-all and TinyNAS search spaces.
**
** Blocks whose shortcut is in the same channel group (the residual
** stream: nas/channels.h) form a stage, in network order; a stage of
** depth d keeps its first d blocks, as those searches do.
*/
#ifndef MCN_NAS_BLOCKS_H
#define MCN_NAS_BLOCKS_H

#include <stdbool.h>

#include "channels.h"
#include "graph.h"

typedef struct {
    int add;      /* the ADD node (an index into the graph it was found in) */
    int skip;     /* x, the shortcut tensor */
    int sum;      /* the ADD's output */
    int stage;    /* index into nas_blocks.stages */
    int n_nodes;  /* branch nodes, the ADD not counted */
    int *nodes;   /* the branch's node indices, ascending */
} nas_block;

typedef struct {
    int first, count;  /* blocks[first .. first + count) */
} nas_stage;

typedef struct {
    int n_blocks, n_stages;
    nas_block *blocks;   /* in network order */
    nas_stage *stages;   /* in network order */
} nas_blocks;

/* The droppable blocks of g; none is an error only when out of memory.
   ch gives the stages (the shortcut's channel group); NULL: one stage
   per block. Nested blocks (a branch holding another block's ADD) are
   left out: only the innermost can be dropped. */
int nas_blocks_find(const graph *g, const nas_channels *ch, nas_blocks *b,
                    mcn_err *e);
void nas_blocks_free(nas_blocks *b);

/* Every node input and graph output that reads a sum of a block with
   drop[k] reads its shortcut instead (resolved through dropped blocks in
   a row): those blocks' nodes are then dead, and graph_prune removes
   them from a graph that owns its nodes. */
void nas_bypass_blocks(graph *g, const nas_blocks *b, const bool *drop);

/* The same on a shallow costing copy (whose nodes' allocations are its
   base's): the dropped nodes are taken out of g->nodes, not freed, and
   the tensors stay, unreferenced. g has the nodes b was found in. -1
   only when out of memory. */
int nas_drop_blocks_view(graph *g, const nas_blocks *b, const bool *drop,
                         mcn_err *e);

/* The shallowest depth a search gives a stage: at most NAS_DEPTH_DROPS
   of its blocks dropped (once-for-all's depths 2-4 of 4). */
#define NAS_DEPTH_DROPS 2
static inline int nas_stage_shallowest(const nas_stage *s)
{
    return s->count > NAS_DEPTH_DROPS ? s->count - NAS_DEPTH_DROPS : 0;
}

/* drop[] for stage depths: stage s keeps its first depth[s] blocks. */
void nas_blocks_for_depths(const nas_blocks *b, const int *depth,
                           bool *drop);

#endif
