/*
** packed_fit.h: what a float candidate takes once mcn-quantize and
** mcn-pack --target have made it: the arena mcn-info reports as peak_sram_bytes and the packed
** model's bytes (its flash_bytes). The judge (judge.h) is the reference
** kernels' plan, cheap enough to search with; the target's kernels keep
** their own weight layouts and scratch, so a search checks its winners
** here before it writes one. A few milliseconds to a second: it really
** quantizes and packs.
*/
#ifndef MCN_NAS_PACKED_FIT_H
#define MCN_NAS_PACKED_FIT_H

#include <stdint.h>

#include "boards.h"
#include "graph.h"
#include "mcn_plan.h"

/* g is not changed. calib: n samples for input 0 (graph layout) at g's
   own input size; NULL: synthetic ones (pack_quantize_synthetic). */
int nas_packed_cost(const graph *g, mcn_target target, const float *calib,
                    int n, int64_t *arena, int64_t *flash, mcn_err *e);

/* The target a board's model is packed for: its engine build's name
   where mcn-pack has that target, else "generic" (portable C, what the
   Cortex-M0+ runs); PACK_DEFAULT_TARGET for no board. */
mcn_target nas_pack_target_for(const nas_board *b);

#endif
