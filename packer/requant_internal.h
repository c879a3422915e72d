/*
** requant_internal.h: what the packer's per-op files share: who a node is
** in messages, the checks every int8 operand gets, and the Requant and
** table slots a node's int8 form is written into. requant_params.c holds
** the dispatch (pack_requant_node) and the ops TFLM's first kernels
** cover; a family of ops may keep its rules in a requant_<family>.c.
*/
#ifndef MCN_REQUANT_INTERNAL_H
#define MCN_REQUANT_INTERNAL_H

#include "graph.h"

typedef struct {
    char who[160];   /* "node 3 'conv1' (CONV_2D)", for messages */
} rq_node;

void rq_label(rq_node *c, const graph *g, int i);
/* A tensor's name, "" when it has none. */
const char *rq_tname(const graph *g, int t);

/* An int8 activation with one finite positive scale and an int8 zero
   point; `role` ("input 1") names it in the message. */
int rq_check_act(const graph *g, const rq_node *c, int t, const char *role,
                 mcn_err *e);
/* A node of two int8 inputs and an int8 output (ADD, SUB, MUL, DIV,
   PRELU), each passing rq_check_act. */
int rq_check_binary(const graph *g, const graph_node *nd, const rq_node *c,
                    mcn_err *e);
/* A node of one int8 input (input 0; later ones are the op's business)
   and an int8 output, with no fused activation. */
int rq_check_unary(const graph *g, const graph_node *nd, const rq_node *c,
                   mcn_err *e);
/* Input `in` and output `out` have the same scale and zero point (ops
   that move bytes unchanged). Both must already pass rq_check_act. */
int rq_check_same_quant(const graph *g, const rq_node *c, int in, int out,
                        mcn_err *e);
/* The output grid the op's kernel writes (qrules.h), if it has one. */
int rq_check_fixed_output(const graph *g, const graph_node *nd,
                          const rq_node *c, mcn_err *e);
int rq_no_fused_activation(const graph_node *nd, const rq_node *c,
                           mcn_err *e);
/* An op that moves int8 bytes unchanged (PAD, RESIZE, TRANSPOSE, SLICE):
   it has an input, no fused activation, and input 0 and the output pass
   rq_check_act with the same quantization. */
int rq_check_moves_bytes(const graph *g, const graph_node *nd,
                         const rq_node *c, mcn_err *e);

/* Give the node a Requant with n multiplier/shift entries (0: none, only
   the clamp), act range [-128, 127]; -1 when out of memory. */
int rq_set(graph_node *nd, int n);
/* No Requant at all (has_requant false): for ops the engine reads none
   for (RESHAPE, the moves, RESIZE, the LUT ops); -1 (said in e) when out
   of memory. */
int rq_set_none(graph_node *nd, mcn_err *e);
/* One multiplier and shift, and the clamp of the node's fused
   activation (MUL, DIV); -1 (said in e) when out of memory. */
int rq_set_multiplier(graph *g, graph_node *nd, int32_t multiplier,
                      int shift, mcn_err *e);
/* Two multiplier and shift pairs (LEAKY_RELU, HARD_SWISH, PRELU,
   LOG_SOFTMAX); -1 (said in e) when out of memory. */
int rq_set_two(graph_node *nd, int32_t m0, int s0, int32_t m1, int s1,
               mcn_err *e);
/* act_min/act_max from a float-domain activation and the output's
   quantization. */
void rq_act_range(graph_node *nd, mcn_activation act,
                  const graph_tensor *out);

/* Make input `slot` of node `node` a constant rank-1 tensor of n elements
   of dtype dt holding `data`: a table the packer derives for the kernel
   (a LUT, index maps). Replaces the data of a table already there, so
   packing a packed graph gives the same graph; absent inputs before
   `slot` become -1. The tensor is named after the node. */
int pack_attach_table(graph *g, int node, int slot, mcn_dtype dt, int n,
                      const void *data, mcn_err *e);

/* Per-family rules, each in its requant_<family>.c, called from
   pack_requant_node's switch with node i's label: check its int8 form,
   fill its Requant (and tables), or fail naming the node. */
typedef int (*rq_rule)(graph *g, int i, const rq_node *c, mcn_err *e);
int rq_resize(graph *g, int i, const rq_node *c, mcn_err *e);

/* requant_move.c: TRANSPOSE and SLICE. */
int rq_transpose(graph *g, int i, const rq_node *c, mcn_err *e);
int rq_slice(graph *g, int i, const rq_node *c, mcn_err *e);
/* requant_elem.c: DIV, PRELU, LOG_SOFTMAX. */
int rq_div(graph *g, int i, const rq_node *c, mcn_err *e);
int rq_prelu(graph *g, int i, const rq_node *c, mcn_err *e);
int rq_log_softmax(graph *g, int i, const rq_node *c, mcn_err *e);
/* requant_lut.c: ELU and HARD_SIGMOID as 256-entry tables. */
int rq_lut(graph *g, int i, const rq_node *c, mcn_err *e);

/* CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED (requant_params.c), and the
   weights, bias and multipliers of any op laid out like CONV_2D's. */
int rq_weighted(graph *g, int i, const rq_node *c, mcn_err *e);
/* TRANSPOSE_CONV (requant_tconv.c). */
int rq_transpose_conv(graph *g, int i, const rq_node *c, mcn_err *e);

#endif
