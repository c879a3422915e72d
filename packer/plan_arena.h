/*
** plan_arena.h: where every activation tensor (and kernel scratch) lives
** in the one arena, and in which order the nodes run.
**
** A tensor lives from the node that writes it to the last node that reads
** it (graph inputs from the start, outputs to the end). Tensors that are
** the same bytes share a block: a RESHAPE's output is its input, and the
** inputs of a CONCATENATION whose axis has only 1s before it are slices
** of its output (their producers write there and the concatenation copies
** nothing). Blocks alive at the same time are disjoint, except a node's
** output and an input that dies at that node, within the window the
** caller's overlap callback gives for that input (the kernel's read and
** write order allows it: pack_overlap_window in pack.h).
**
** Placement is first fit in several orders, the lowest peak kept
** (plan_place.c); the nodes run in the stored order unless a
** memory-aware schedule plans lower (plan_order.c), and then plan_arena
** reorders g->nodes. Fast enough for mcn-nas to cost thousands of
** candidates a second, and O(n log n)-ish on long graphs.
*/
#ifndef MCN_PLAN_ARENA_H
#define MCN_PLAN_ARENA_H

#include <stdbool.h>
#include <stdint.h>

#include "graph.h"

#define PLAN_ALIGN 16

/* While a node's output overlaps its input in one slot, (output start -
   input start) in bytes must lie in [lo, hi]. */
typedef struct {
    int64_t lo, hi;
} plan_window;

/* 1 and *w if node `node`'s output may overlap the tensor in input slot
   `slot` when that tensor is read for the last time there; 0 if not. */
typedef int (*plan_overlap_fn)(void *user, const graph *g, int node,
                               int slot, plan_window *w);

typedef struct {
    plan_overlap_fn overlap;  /* NULL: no output overlaps an input */
    void *user;
    bool keep_order;          /* plan the stored node order only */
    bool no_concat_views;     /* every CONCATENATION input its own block */
    /* Not NULL: placement adds its steps here (segment-tree nodes visited
       and live blocks weighed), the machine-independent measure of its
       time that tests hold to O(n log n). */
    int64_t *steps;
} plan_opts;

/* Sets tensor arena_offset, node scratch_offset and g->arena_bytes, and
   may reorder g->nodes. o may be NULL: the defaults, no overlaps. */
int plan_arena_with(graph *g, const plan_opts *o, mcn_err *e);
/* Peak bytes only, without changing the graph. */
int64_t plan_arena_peak_with(const graph *g, const plan_opts *o,
                             mcn_err *e);
/* The same with no overlaps. */
int plan_arena(graph *g, mcn_err *e);
int64_t plan_arena_peak(const graph *g, mcn_err *e);

/* A planned graph's blocks as its stored offsets lay them out (its node
   order, the RESHAPE outputs and concatenation slices that share their
   bytes): what mcn-info --memory draws. *blocks is malloc'd. */
typedef struct {
    int64_t offset, bytes;
    int first, last;  /* the positions it lives over: -1 before the first
                         node, n_nodes after the last */
    int tensor;       /* its group's root tensor, or -1 for scratch */
    int node;         /* scratch: its node; else -1 */
} plan_extent;
int plan_arena_layout(const graph *g, plan_extent **blocks, int *n,
                      mcn_err *e);

#endif
