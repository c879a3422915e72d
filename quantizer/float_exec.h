/*
** float_exec.h: the float32 reference execution of a host graph. It is the
** spec the int8 engine is measured against, the source of calibration
** ranges, and what `mcn-run` uses for float models. Clarity over speed,
** but no quadratic surprises: a 28x28 CNN runs in milliseconds.
**
** Semantics where a choice exists:
**   - sums start from the bias and add taps in (ky, kx, channel) order, in
**     float, the same on every host (no FMA contraction)
**   - padding is never a value: MAX_POOL_2D skips it; AVERAGE_POOL_2D
**     divides by the in-bounds taps, or when count_include_pad by the taps
**     inside the padded input; every window must see an input tap
**     (ceil_mode: see fexec_pool.c)
**   - SOFTMAX: exp(beta * (x - max)) / sum over the last axis
**   - FULLY_CONNECTED reads its input as rows of K (TFLite's rule)
**   - a standalone CLIP clamps to [act_min, act_max] when it has no fused
**     activation; with one (RELU, RELU6, CLIP) that activation decides
**   - every op applies its fused activation to its output
** Errors name the node and its op: "node 'conv1' (CONV_2D): ...".
*/
#ifndef MCN_FLOAT_EXEC_H
#define MCN_FLOAT_EXEC_H

#include "graph.h"

typedef struct float_exec float_exec;

/* Check every node is supported in float and allocate a buffer per tensor
   (constants are read from the graph, which must outlive the executor). */
int fexec_create(float_exec **fx, const graph *g, mcn_err *e);
/* Run one sample: inputs[i] holds graph input i in graph layout (NHWC). */
int fexec_run(float_exec *fx, const float *const *inputs, mcn_err *e);
/* fn sees each node's output as it is computed, before its fused
   activation (mcn-nas matches those statistics); NULL stops it. */
typedef void (*fexec_observer)(void *user, int node, const float *y,
                               int64_t n);
void fexec_observe(float_exec *fx, fexec_observer fn, void *user);
/* Contents of any tensor after a run (NULL for non-float tensors). */
const float *fexec_tensor(const float_exec *fx, int tensor);
void fexec_free(float_exec *fx);

#endif
