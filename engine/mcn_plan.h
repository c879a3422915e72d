/*
** mcn_plan.h: what the packer asks the engine about its kernels, so that
** every fact about a kernel (when it applies, the scratch it needs, the
** weight layout it reads) lives with the kernel and the host never
** re-derives it. C99, freestanding, callable on the host (libmcn.a) as on
** the chip; the tools use it, firmware does not need to.
**
** An operator of the conv family (CONV_2D, DEPTHWISE_CONV_2D,
** FULLY_CONNECTED) may name one of several kernels in Operator.kernel:
** 0 is the reference family (TFLM's reference loops over the graph's
** weight layout), every other id an optimised kernel that gives the same
** bytes. mcn-pack asks mcn_plan_kernel for the best one for its target,
** rewrites the weights and bias with mcn_plan_layout when that kernel
** reads another layout, and stores the id; mcn_init checks the kernel
** applies and then trusts it.
*/
#ifndef MCN_PLAN_H
#define MCN_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "mcn.h"

typedef enum {
    MCN_TARGET_REFERENCE = 0,  /* kernel 0 everywhere (the oracle) */
    MCN_TARGET_GENERIC,        /* any core: portable C kernels only */
    MCN_TARGET_CORTEX_M3,      /* no DSP extension */
    MCN_TARGET_CORTEX_M4,      /* DSP extension: SMLAD, SXTB16 */
    MCN_TARGET_CORTEX_M7,
    MCN_TARGET_CORTEX_M55,
    MCN_TARGET_COUNT
} mcn_target;

typedef struct {
    uint8_t kernel;          /* for Operator.kernel; 0 = reference */
    uint32_t scratch_bytes;  /* what that kernel needs (Operator.scratch_*) */
    uint8_t relayout;        /* 1: weights and bias via mcn_plan_layout */
    uint32_t weight_bytes;   /* the weights' bytes in that layout: the
                                filter's, or more (a kernel's own copy) */
    /* Where the output may start against input 0 when that input dies at
       this operator: (output start - input start) in [lo, hi] bytes;
       lo > hi: never (they must be disjoint). */
    int64_t overlap_lo, overlap_hi;
    const char *name;        /* "conv_1x1_s8_smlad"; "" when stripped */
} mcn_plan_choice;

/* A model the packer asks about, verified once: every question below is
   about one operator, and a packer asks about each, so verifying the
   model per question would make packing quadratic in its size. The model
   (4-byte aligned, not yet planned perhaps) must not change while pm is
   in use. */
typedef struct {
    mcn_ctx ctx;
} mcn_plan_model;

mcn_status mcn_plan_open(mcn_plan_model *pm, const void *model,
                         size_t model_size);

/* The kernel for operator `op` of the model on `target`: the one it names already, or the best
   that applies. Ops outside the conv family, and target REFERENCE, get
   kernel 0 with scratch 0 and no overlap. */
mcn_status mcn_plan_kernel(const mcn_plan_model *pm, uint32_t op,
                           mcn_target target, mcn_plan_choice *out);

/* The same for a packer planning SRAM first at the arena's peak: the
   kernel that needs the least scratch there (mcn_conv_kernel_choose_lean),
   which may take more flash. Ops that name a kernel already, and those
   outside the conv family, get what mcn_plan_kernel gives them. */
mcn_status mcn_plan_kernel_lean(const mcn_plan_model *pm, uint32_t op,
                                mcn_target target, mcn_plan_choice *out);

/* The weights (w: exactly mcn_plan_choice.weight_bytes) and bias (bias: one
   int32 per output channel) that kernel `kernel` reads for operator `op`,
   made from the operator's reference weights and bias (absent: zeros). */
mcn_status mcn_plan_layout(const mcn_plan_model *pm, uint32_t op,
                           uint8_t kernel, int8_t *w, size_t w_bytes,
                           int32_t *bias, size_t bias_count);

/* ADD and SUB of int8 inputs of the output's shape run from a table of
   the inputs' rescaled terms (mcn_k_add_s8_lut) on every target but
   REFERENCE: for such an operator `op` (not given one yet), *applies = 1
   and lut[0 .. MCN_PLAN_ADD_LUT_LEN) is that table, for the packer to
   attach as the operator's input 2. Any other operator: *applies = 0. */
#define MCN_PLAN_ADD_LUT_LEN 512
mcn_status mcn_plan_add_table(const mcn_plan_model *pm, uint32_t op,
                              mcn_target target, int32_t *lut,
                              size_t lut_count, int *applies);

/* The name of optimised kernel `id` ("conv_1x1_s8_smlad": its function
   is mcn_k_ followed by it), or NULL for an id there is none of. */
const char *mcn_plan_kernel_name(uint8_t id);

/* "cortex-m4" etc.; NULL for an unknown one. */
const char *mcn_target_name(mcn_target t);

#endif
