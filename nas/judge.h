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
*/
#ifndef MCN_NAS_JUDGE_H
#define MCN_NAS_JUDGE_H

#include <stdint.h>

#include "graph.h"

typedef struct {
    int64_t macs, params;
    int64_t arena_bytes;
    int64_t flash_bytes;
} nas_cost;

int nas_judge(const graph *g, nas_cost *c, mcn_err *e);

#endif
