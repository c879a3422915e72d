/*
** graph.h: the in-memory graph shared by the host tools (import, quantize,
** nas, pack, run, info). The engine never sees it.
**
** Kept flat on purpose so passes can rewrite it cheaply: tensors and nodes
** are arrays addressed by index (pointers into them move when they grow),
** every node carries one attribute struct whatever its op, and all memory a
** tensor or node holds is owned by it.
**
** Conventions:
**   - 4-D activations are NHWC; a model input/output keeps its source layout
**     in `layout` so the tools can transpose at the edge.
**   - CONV_2D weights [O,KH,KW,I/groups]; DEPTHWISE_CONV_2D [1,KH,KW,I*mult];
**     TRANSPOSE_CONV [O,KH,KW,I]; FULLY_CONNECTED [O,K]; bias [O] (FLOAT32,
**     or INT32 once quantized).
**   - nodes are kept in execution (topological) order.
*/
#ifndef MCN_GRAPH_H
#define MCN_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "mcn_format.h"

#define GRAPH_MAX_IO 4

/* What a model may hold (graph_check_limits): far beyond any network a
   microcontroller runs, and small enough that a file declaring more is
   refused before a tool sizes a buffer by it, yet above the 100,000
   nodes issue 11 asks to import and pack in seconds. */
#define GRAPH_MAX_NODES (1 << 18)
#define GRAPH_MAX_TENSORS (4 * GRAPH_MAX_NODES)
#define GRAPH_MAX_ACTIVATION_MIB 256

typedef struct {
    char *name;            /* may be NULL (mcn-pack strips names) */
    mcn_dtype dtype;
    int rank;
    int32_t shape[MCN_MAX_DIMS];
    mcn_layout layout;     /* source layout, for model inputs/outputs */
    int nscale;            /* 0 = not quantized; 1 = per tensor; else per channel */
    float *scale;
    int32_t *zero_point;
    int quant_axis;
    void *data;            /* constant contents; NULL for activations */
    size_t nbytes;
    int32_t arena_offset;  /* -1 until mcn-pack plans the arena */
} graph_tensor;

/* int8 arithmetic precomputed by the packer (see Requant in mcn.fbs). */
typedef struct {
    int n;                 /* 0 = none */
    int32_t *multiplier;
    int32_t *shift;
    int32_t act_min, act_max;
    int32_t left_shift;
    int32_t input1_multiplier, input1_shift;
    int32_t input2_multiplier, input2_shift;
    int32_t diff_min;
} graph_requant;

typedef struct {
    mcn_opcode op;
    char *name;
    int n_in, n_out;
    int in[GRAPH_MAX_IO];  /* tensor indices; -1 = optional input absent */
    int out[GRAPH_MAX_IO];
    /* CONV_2D, DEPTHWISE_CONV_2D, pools */
    int stride_h, stride_w, dilation_h, dilation_w;
    int pad_top, pad_left, pad_bottom, pad_right;
    int groups, depth_multiplier;
    int filter_h, filter_w;
    mcn_padding padding;   /* how the pads follow a new input size */
    bool ceil_mode;        /* pools: ONNX's ceil_mode output size */
    bool count_include_pad;
    float beta;            /* SOFTMAX, LOG_SOFTMAX; HARD_SIGMOID's beta */
    float alpha;           /* LEAKY_RELU, ELU, HARD_SIGMOID */
    int axis;              /* CONCATENATION, stored (NHWC) axis */
    /* PAD: paddings (begin of each axis, then end); MEAN: axes;
       TRANSPOSE: perm; SLICE: first index of each axis, then step;
       RESHAPE: the target, -1 for the axis that follows the input
       (graph_shapes.h; none in a packed model). */
    int n_ints;
    int32_t ints[2 * MCN_MAX_DIMS];
    mcn_pad_mode pad_mode;
    float pad_value;
    bool keep_dims;        /* MEAN */
    mcn_resize_mode resize_mode;
    mcn_coord_mode coord_mode;
    mcn_nearest_mode nearest_mode;
    float resize_scale_h, resize_scale_w;  /* 0 = output size / input size */
    bool resize_tflite;    /* NEAREST: TFLite's float indices (mcn.fbs) */
    mcn_activation act;    /* fused activation, float domain */
    float act_min, act_max;
    bool has_requant;
    graph_requant rq;
    int32_t scratch_offset;  /* -1 = none */
    uint32_t scratch_bytes;
    uint8_t kernel;          /* Operator.kernel: 0 = reference family */
    /* The packer's note of that kernel's overlap window for input 0
       (mcn_plan_choice; not stored in the model): lo > hi = none. */
    int64_t window_lo, window_hi;
} graph_node;

typedef struct {
    graph_tensor *tensors;
    int n_tensors, cap_tensors;
    graph_node *nodes;
    int n_nodes, cap_nodes;
    int inputs[GRAPH_MAX_IO], n_inputs;
    int outputs[GRAPH_MAX_IO], n_outputs;
    char *description;
    uint32_t arena_bytes;  /* 0 = not planned */
} graph;

void graph_init(graph *g);
void graph_free(graph *g);
/* Deep copy (for search: mutate a candidate, keep the original). */
int graph_clone(graph *dst, const graph *src, mcn_err *e);

/* The first tensor called name, or -1 (also for a NULL name). */
int graph_find_tensor(const graph *g, const char *name);

/* Append a tensor or node; return its index, or -1 when out of memory. */
int graph_add_tensor(graph *g, const char *name, mcn_dtype dtype, int rank,
                     const int32_t *shape);
int graph_add_node(graph *g, mcn_opcode op, const char *name);
/* Append an input/output tensor index to a node (returns -1 if full). */
int graph_node_add_input(graph *g, int node, int tensor);
int graph_node_add_output(graph *g, int node, int tensor);

/* Copy `nbytes` of constant data into a tensor (replacing any). */
int graph_set_data(graph *g, int tensor, const void *data, size_t nbytes);
/* Set quantization; n == 0 clears it. Arrays are copied. */
int graph_set_quant(graph *g, int tensor, int n, const float *scale,
                    const int32_t *zero_point, int axis);
int graph_set_name(char **slot, const char *name);
int graph_set_requant(graph_node *n, int count);  /* allocates rq arrays */

int64_t graph_tensor_elems(const graph_tensor *t);
size_t graph_tensor_bytes(const graph_tensor *t);
bool graph_is_const(const graph *g, int tensor);

/* Index of the node producing `tensor`, or -1 (graph input / constant). */
int graph_producer(const graph *g, int tensor);
/* Number of node inputs (plus graph outputs) that read `tensor`. */
int graph_use_count(const graph *g, int tensor);

/* Drop nodes whose outputs nobody reads and tensors nobody references,
   renumbering what is left. Keeps execution order. */
void graph_prune(graph *g);
/* Reorder nodes topologically (inputs before readers); -1 on a cycle. */
int graph_toposort(graph *g, mcn_err *e);

/* The limits above: counts, and every activation's bytes (a constant's
   are its data, which a file must hold). One line naming the tensor. */
int graph_check_limits(const graph *g, mcn_err *e);

const char *graph_op_name(mcn_opcode op);
const char *graph_dtype_name(mcn_dtype dt);

#endif
