/*
** judge.h: what a candidate costs once quantized and packed, computed on
** the float graph (or a shapes-only view of it) without quantizing or
** serializing, so that a search can cost thousands of candidates a
** second.
**   - MACs and parameters: graph_cost.h's counts.
**   - arena: the packer's own planner (plan_arena_peak_with with
**     pack_overlap_window) over int8 activations: exactly what
**     `mcn-pack --target reference` plans. An optimised kernel's scratch
**     is not in it (MobileNetV2-0.35 for the M4: 504 bytes more).
**   - flash: the int8 model data as `mcn-pack --target reference` lays it
**     out: int8 weights, int32 biases, per-channel scales and
**     requantization, and the format's tables (per-tensor and
**     per-operator allowances, measured: within 1.1% on the fixtures).
**     The M4's kernels keep their own weight layouts and take more
**     (MobileNetV2-0.35 at width 0.3: 126 KB -> 170 KB).
** Tensors no node and no graph input or output refers to (the leftovers
** of a costing copy with blocks dropped: nas/blocks.h) are not counted.
*/
#ifndef MCN_NAS_JUDGE_H
#define MCN_NAS_JUDGE_H

#include <stdbool.h>
#include <stdint.h>

#include "graph.h"

typedef struct {
    int64_t macs, params;
    int64_t arena_bytes;  /* planned; or, when !planned, a lower bound */
    int64_t flash_bytes;
    bool planned;
} nas_cost;

int nas_judge(const graph *g, nas_cost *c, mcn_err *e);

/* The same, but the arena is planned only if the candidate can still fit
   arena_limit and flash_limit: when its flash is over, or a lower bound
   on its arena (the most bytes one node reads or writes) is, c->planned
   is false and arena_bytes is that bound. Searches reject most
   candidates this way without planning them. */
int nas_judge_within(const graph *g, int64_t arena_limit,
                     int64_t flash_limit, nas_cost *c, mcn_err *e);

#endif
