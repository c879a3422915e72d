/*
** graph_passes.h: rewrites of the float host graph that do not depend on
** where the graph came from (the ONNX importer uses them; a TFLite
** importer can too). Run them before graph_prune: they leave the tensors
** they orphan for it to drop.
*/
#ifndef MCN_GRAPH_PASSES_H
#define MCN_GRAPH_PASSES_H

#include <stdio.h>

#include "graph.h"

/* Where the passes say what they did, one line per change. `label` names a
   node's source op for those lines ("BatchNormalization"); NULL, or a NULL
   result, falls back to graph_op_name. */
typedef struct {
    FILE *verbose;
    const char *(*label)(const graph *g, int node, void *ctx);
    void *ctx;
} gpass_log;

/* A per-channel affine node (1x1 stride-1 unpadded depthwise conv with
   multiplier 1, or a fully connected layer with diagonal weights; no fused
   activation) reading the only output of a CONV_2D, DEPTHWISE_CONV_2D or
   FULLY_CONNECTED with no fused activation is folded into that node's
   weights and bias. Shared weights are copied before they are changed. */
int gpass_fold_affine(graph *g, const gpass_log *log, mcn_err *e);

/* A CLIP node reading the only output of a CONV_2D, DEPTHWISE_CONV_2D,
   TRANSPOSE_CONV, FULLY_CONNECTED, ADD or CLIP becomes that node's fused
   activation (the two ranges intersected). */
int gpass_fuse_activations(graph *g, const gpass_log *log, mcn_err *e);

/* Every chain of RESHAPE and TRANSPOSE nodes (each tensor between them
   read by the next node alone, and not a graph output) that one strided
   view of its input describes becomes the fewest nodes making the same
   tensor: none (its readers read the input), one RESHAPE, or one
   TRANSPOSE over the fewest axes with a RESHAPE before and/or after it;
   only when that saves a TRANSPOSE, a node, or axes a TRANSPOSE walks.
   Graph outputs keep their tensors. A chain no single view describes is
   collapsed in pieces. An int8 chain is collapsed when all its tensors
   have one per-tensor quantization: moving values then keeps them. */
int gpass_collapse_views(graph *g, const gpass_log *log, mcn_err *e);

/* The activation for the output range [lo, hi] (+-FLT_MAX = unbounded):
   RELU, RELU6 or CLIP with min and max set (NONE if unbounded both ways). */
mcn_activation gpass_act_for_range(float lo, float hi, float *min, float *max);
/* The range an activation clamps to. */
void gpass_act_range(mcn_activation act, float act_min, float act_max,
                     float *lo, float *hi);

/* What a node owns, freed (the node itself stays in the array). */
void gpass_free_node(graph_node *n);
/* Delete node i (its tensors stay), keeping the order of the rest. */
void gpass_remove_node(graph *g, int i);
/* The log's label for node i. */
const char *gpass_label(const gpass_log *log, const graph *g, int i);

#endif
