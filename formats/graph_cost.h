/*
** graph_cost.h: what one node of a graph costs, counted the way TFLM's
** Cortex-M4 figures count it (../shared/reference/tflm/figures.md): MACs
** from the tensor shapes (CONV_2D out_h*out_w*out_c*k_h*k_w*in_c,
** DEPTHWISE_CONV_2D out_h*out_w*out_c*k_h*k_w, FULLY_CONNECTED
** batch*out*in, every other op 0), and the layer kind the benchmark
** groups instructions per MAC by. mcn-info and mcn-sim both report these.
*/
#ifndef MCN_GRAPH_COST_H
#define MCN_GRAPH_COST_H

#include <stdint.h>

#include "graph.h"

typedef struct {
    int64_t macs;    /* 0 for ops without products */
    int64_t params;  /* elements of the constant weight and bias inputs */
} graph_cost;

/* Saturating, so a hostile file's shapes cannot overflow int64. */
graph_cost graph_node_cost(const graph *g, const graph_node *nd);
/* The sum over every node (saturating too). */
graph_cost graph_total_cost(const graph *g);

/* The benchmark's layer kinds, the ones whose instructions per MAC tell
   kernels apart. A node is the first of these that fits. */
typedef enum {
    GRAPH_KIND_CONV_FIRST,  /* CONV_2D whose input has <= 3 channels */
    GRAPH_KIND_CONV_1X1,    /* CONV_2D with a 1x1 kernel */
    GRAPH_KIND_DW_3X3,      /* DEPTHWISE_CONV_2D with a 3x3 kernel */
    GRAPH_KIND_CONV,        /* any other CONV_2D or DEPTHWISE_CONV_2D */
    GRAPH_KIND_FC,          /* FULLY_CONNECTED */
    GRAPH_KIND_OTHER,       /* everything else (no MACs counted) */
    GRAPH_KIND_COUNT
} graph_layer_kind;

graph_layer_kind graph_node_kind(const graph *g, const graph_node *nd);
/* "conv_first", "conv_1x1", "dw_3x3", "conv", "fc", "other" */
const char *graph_kind_name(graph_layer_kind k);

#endif
