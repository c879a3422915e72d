/*
** channels.h: which channels of a float graph are one and the same, and
** cutting them.
**
** A channel group is a set of activation tensors whose last (channel)
** axis must keep the same channels: a convolution's output, everything a
** depthwise convolution, an activation, a pool or an element-wise op
** carries it to, and every output that a residual ADD ties to it. A
** group's channels are ranked by importance: the L1 norm of the filters
** (CONV_2D and FULLY_CONNECTED weight rows) that produce them, summed
** over the group's producers. Pruning a group keeps its most important
** channels, in their original order, and cuts everything that reads or
** writes them: producer filters and biases, depthwise filters, consumer
** input columns, per-channel constants of element-wise ops.
**
** A group is fixed (never pruned) when it touches a graph input or
** output, a grouped convolution, a depthwise multiplier above 1, a
** CONCATENATION, SLICE, TRANSPOSE, TRANSPOSE_CONV, or a RESHAPE that does
** not keep the channel axis last: `why` names the first such node.
*/
#ifndef MCN_NAS_CHANNELS_H
#define MCN_NAS_CHANNELS_H

#include <stdbool.h>

#include "graph.h"

typedef struct {
    int channels;       /* the trained width */
    bool fixed;
    char why[96];       /* fixed: the node or tensor that pins it */
    int first_node;     /* the first node writing it: groups are in this
                           order, the network's stage order */
    int *order;         /* channel indices, most important first */
} nas_group;

/* A constant's axis that follows a group: weights, biases, per-channel
   constants of element-wise ops. */
typedef struct {
    int tensor, axis, group;
} nas_cut;

typedef struct {
    int n_groups;
    nas_group *groups;
    nas_cut *cuts;      /* each (tensor, axis) once */
    int n_cuts;
    int *tensor_group;  /* per tensor: its channel axis's group, or -1 */
    int n_tensors;
} nas_channels;

int nas_channels_find(const graph *g, nas_channels *ch, mcn_err *e);
void nas_channels_free(nas_channels *ch);

/* The group's width for a multiplier: round(channels * ratio) to a
   multiple of `divisor` (never below divisor, nor above the trained
   width, nor below 90% of the exact product: MobileNet's rounding). A
   fixed group keeps its width. */
int nas_group_width(const nas_group *gr, double ratio, int divisor);

/* The channels a group keeping `keep` of them keeps, ascending, into
   sel[0..keep). */
void nas_group_kept(const nas_group *gr, int keep, int *sel);

/* dst = src with keep[k] channels of group k (the most important), every
   weight cut to match, shapes inferred again. src is not changed. */
int graph_slice_channels(const graph *src, const nas_channels *ch,
                         const int *keep, graph *dst, mcn_err *e);

/* The same on shapes alone, in place: g's tensors (activations and
   constants) get the shapes graph_slice_channels would give them; the
   constants' data is left alone (a costing copy, whose data nothing
   reads). */
int nas_slice_shapes(graph *g, const nas_channels *ch, const int *keep,
                     mcn_err *e);

#endif
