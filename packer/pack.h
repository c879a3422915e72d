/*
** pack.h: turn a quantized graph into what the engine runs.
**   - checks every node has an int8 kernel and consistent quantization
**   - derives Requant (qmath.h) per node: multipliers, shifts, clamps,
**     ADD's input scaling, SOFTMAX's input scaling and diff_min
**   - lays weights out for the kernels (reference layout: as graph.h)
**   - plans the arena (plan_arena.h), letting outputs overlap inputs as
**     far as the kernels allow, and strips names unless asked not to
** Packing a packed graph gives the same graph again.
*/
#ifndef MCN_PACK_H
#define MCN_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graph.h"
#include "mcn_plan.h"

/* What the tools pack for unless told otherwise (mcn-pack --target). */
#define PACK_DEFAULT_TARGET MCN_TARGET_CORTEX_M4
#include "plan_arena.h"

typedef struct {
    bool keep_names;
    /* The core the model is for: picks each conv-family node's kernel
       (pack_choose_kernels). 0, MCN_TARGET_REFERENCE, keeps the
       reference kernels everywhere. */
    mcn_target target;
    /* true: every node keeps its fastest kernel; by default a node whose
       scratch sets the arena's peak takes a leaner one where that lowers
       the peak (pack_kernels.c). */
    bool fastest;
} pack_opts;

/* All of the above, in place. On failure the graph may be half packed. */
int pack_graph(graph *g, const pack_opts *o, mcn_err *e);

/* pack_graph, serialized (*buf malloc'd), and the bytes checked by the
   engine's own mcn_init in an arena of the planned size, so that a model
   the engine would refuse is never handed on: the failure names the
   operator's node. Names are stripped only after that check. */
int pack_to_mcn(graph *g, const pack_opts *o, uint8_t **buf, size_t *len,
                mcn_err *e);

/* mcn_init on a serialized packed model (the bytes of g); fails naming
   the node of the operator the engine refuses, whose index goes to *node
   (-1 when the model as a whole is refused; node may be NULL). */
int pack_engine_accepts(const graph *g, const uint8_t *buf, size_t len,
                        int *node, mcn_err *e);

/* What would stop a float graph from running in int8 (pack_preflight.c),
   found by doing it on a copy: quantized with synthetic calibration data,
   then each node's int8 form checked (all of them, not up to the first
   failure), then the packed bytes offered to the engine. `report` gets
   the node index (-1: the graph as a whole) and the message mcn-pack
   would print. Returns the number of blockers, -1 if the check itself
   could not run (e.g. out of memory: e says why). */
typedef void (*pack_blocker_fn)(void *user, int node, const char *msg);
int pack_int8_blockers(const graph *g, pack_blocker_fn report, void *user,
                       mcn_err *e);
/* quantize_graph on samples uniform in [-1, 1) from a fixed seed: the
   int8 form of a float graph when its own data is not at hand (its
   scales are not the user's, its structure and sizes are). */
int pack_quantize_synthetic(graph *g, mcn_err *e);

/* Check node i's int8 form and fill its Requant (requant_params.c):
     CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED: per output channel (one
       if the weights are per tensor), act clamp
     ADD: output multiplier in [0], inputs' in input1/2_*, left_shift, clamp
     pools, GLOBAL_AVERAGE_POOL, CLIP: no multipliers, clamp only
     SOFTMAX: input multiplier in [0], input left shift, diff_min
     QUANTIZE (int8 -> int8): s_in / s_out in [0]
     RESHAPE: none (has_requant false)
     MUL, CONCATENATION, PAD, MEAN, LOGISTIC, TANH, HARD_SWISH,
       LEAKY_RELU, SUB, DIV, PRELU, LOG_SOFTMAX: as the table in
       engine/requant.h says
     ELU, HARD_SIGMOID: a 256-entry table attached as input 1
       (requant_lut.c), no Requant
     TRANSPOSE_CONV: as CONV_2D, plus its int32 scratch (scratch_bytes) */
int pack_requant_node(graph *g, int node, mcn_err *e);

/* A target by name ("cortex-m4"); -1 for an unknown one. */
int pack_target_parse(const char *name, mcn_target *t);

/* Ask the engine (mcn_plan.h) for each conv-family node's best kernel on
   `target`, rewrite the node's weights and bias into the layout that
   kernel reads, and record the kernel and its scratch (pack_kernels.c).
   Where a node's scratch sets the arena's peak and a leaner kernel
   applies (mcn_plan_kernel_lean), that one, if the peak falls (not with
   `fastest`); ties at the peak are held until the peak falls, and each
   switch the final peak does not need is undone. Nodes that already name
   a kernel keep it. */
int pack_choose_kernels(graph *g, mcn_target target, bool fastest,
                        mcn_err *e);
/* The planner's overlap callback (plan_arena.h) for the engine's kernels
   (plan_overlap.c): where node `node`'s output may overlap its input in
   `slot`, as the kernel that will run it says (its _overlap function in
   engine/mcn_kernels.h). pack_graph plans with it; so should a search
   that wants mcn-pack's peak (plan_arena_peak_with). */
int pack_overlap_window(void *user, const graph *g, int node, int slot,
                        plan_window *w);

/* Reorder constant weights for the kernels. The kernels read graph.h's
   layout for now, so this is the identity. */
int pack_layout_weights(graph *g, mcn_err *e);

/* 1 if s is a C identifier of at most max characters (letters, digits
   and '_', not starting with a digit). */
#define PACK_C_NAME_MAX 100
int pack_c_identifier(const char *s, size_t max);

/* A packed model as C source (c_array.c): a comment with the sizes,
     const unsigned char NAME[] __attribute__((aligned(16))) = {...};
     const unsigned int NAME_len = N;
     #define NAME_ARENA_BYTES N        (NAME upper-cased)
   NAME must be a C identifier. *src is malloc'd, NUL-terminated. */
int pack_c_array(const uint8_t *model, size_t len, uint32_t arena_bytes,
                 const char *name, char **src, size_t *src_len, mcn_err *e);

#endif
