/*
** graph_shapes.h: every activation's shape, recomputed on the graph from
** its inputs' shapes and the constants' shapes, op by op. This is what
** lets mcn-nas give a trained graph a new input resolution or fewer
** channels without re-importing it.
**
** The rules follow the engine's ops (NHWC, the stored layout). Where the
** source model's intent is not recorded, the rule keeps what it can:
**   - a window's pads follow node.padding (SAME/VALID recomputed, EXPLICIT
**     kept as stored; pools round up with ceil_mode); a pool whose window
**     covered its whole input (a global average as Keras and PyTorch
**     write it) keeps covering it;
**   - RESHAPE follows its target (graph_node.ints): one axis may be -1, a
**     Flatten's, which takes what the input's size leaves; the others are
**     fixed, as the source model's constant target was;
**   - SLICE keeps its counts, except that an axis it took whole stays
**     whole; RESIZE keeps its scale (given, or out/in when whole);
**   - TRANSPOSE_CONV keeps its output padding (out - the size the window
**     alone gives).
** A graph that cannot take the new shapes fails with the node, its op and
** why (e.g. a FULLY_CONNECTED after a Flatten over fixed spatial dims).
*/
#ifndef MCN_GRAPH_SHAPES_H
#define MCN_GRAPH_SHAPES_H

#include "graph.h"

/* Recompute every node output's shape, and the pads of SAME and VALID
   windows, in node order from the graph inputs' current shapes. The
   shapes the graph had before guide the rules above. */
int graph_infer_shapes(graph *g, mcn_err *e);

/* Record each RESHAPE's target on its node (the importers' last step):
   the output's shape, with the second axis free when it flattens all but
   the first axis of a 3-D or larger input. */
void graph_note_reshapes(graph *g);

/* Give graph input `input` (NHWC, rank 4) a new height and width, then
   infer every shape from it. */
int graph_set_resolution(graph *g, int input, int h, int w, mcn_err *e);

#endif
