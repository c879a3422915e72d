/*
** mcn_kernel_table.c: the conv family's optimised kernels, in the order
** the packer prefers them (the first that serves the op, suits the target
** and applies wins; one whose `preferred` holds goes before the rest). A
** kernel's id is its position here plus one, and ids are stored in
** models: append new kernels, never reorder or remove.
**
** A kernel whose layout puts among the weights what it derived from the
** operator's parameters (requantization constants, a folded bias, weights
** widened) has a verify that mcn_init runs. The others need none: their
** layouts only reorder the graph's weights (any bytes there are some
** graph's), the bias they fold the input offset into is any int32 (the
** fold of some graph bias), and their sums wrap as TFLM's do; what they
** derive at run time (dwconv_plane.c's and the channels-last kernel's
** requantization, mcn_rq_fast) comes from the verified parameters and
** that bias, in scratch.
*/
#include "mcn_internal.h"
#include "mcn_plan.h"

#define T(t) (1u << (t))
/* Cores with the DSP extension (SMLAD, SXTB16). */
#define DSP_CORES (T(MCN_TARGET_CORTEX_M4) | T(MCN_TARGET_CORTEX_M7) | \
                   T(MCN_TARGET_CORTEX_M55))
/* Every core (portable C); after the DSP kernels, which win where both
   apply. */
#define ALL_CORES (DSP_CORES | T(MCN_TARGET_GENERIC) | \
                   T(MCN_TARGET_CORTEX_M3))

static const mcn_conv_kernel table[] = {
    /* Kernel 1 is superseded by 2 and 3: targets 0, never chosen again,
       but it still runs the models that name it. */
    /* 1 */ {"conv_1x1_s8_smlad", MCN_KOP_CONV | MCN_KOP_FC, 0,
             mcn_k_conv_1x1_s8_smlad_applies, 0,
             mcn_k_conv_1x1_s8_smlad_layout, mcn_k_conv_1x1_s8_smlad,
             mcn_k_conv_1x1_s8_smlad_overlap, 0, 0, 0},
    /* 2 */ {"conv_1x1_s8_smlad_paired", MCN_KOP_CONV | MCN_KOP_FC, DSP_CORES,
             mcn_k_conv_1x1_s8_smlad_paired_applies,
             mcn_k_conv_1x1_s8_smlad_paired_scratch_bytes,
             mcn_k_conv_1x1_s8_smlad_paired_layout,
             mcn_k_conv_1x1_s8_smlad_paired,
             mcn_k_conv_1x1_s8_smlad_paired_overlap, 0, 0, 0},
    /* 3 */ {"fc_s8_smlad_paired", MCN_KOP_CONV | MCN_KOP_FC, DSP_CORES,
             mcn_k_fc_s8_smlad_paired_applies,
             mcn_k_fc_s8_smlad_paired_scratch_bytes,
             mcn_k_fc_s8_smlad_paired_layout, mcn_k_fc_s8_smlad_paired,
             mcn_k_fc_s8_smlad_paired_overlap, 0, 0, 0},
    /* Kernel 4: lean where the channels-last kernel 9 is preferred, for its
       smaller scratch at the arena's peak. */
    /* 4 */ {"dwconv_s8_smlad", MCN_KOP_DWCONV | MCN_KOP_LEAN, DSP_CORES,
             mcn_k_dwconv_plane_applies, mcn_k_dwconv_plane_scratch_bytes,
             mcn_k_dwconv_plane_layout, mcn_k_dwconv_s8_smlad,
             mcn_k_dwconv_plane_overlap, 0, 0, 0},
    /* 5 */ {"dwconv_s8_planar", MCN_KOP_DWCONV, ALL_CORES,
             mcn_k_dwconv_plane_applies, mcn_k_dwconv_plane_scratch_bytes,
             mcn_k_dwconv_plane_layout, mcn_k_dwconv_s8_planar,
             mcn_k_dwconv_plane_overlap, 0, 0, 0},
    /* 6 */ {"conv_s8_first_smlad", MCN_KOP_CONV, DSP_CORES,
             mcn_k_conv_s8_first_smlad_applies,
             mcn_k_conv_s8_first_smlad_scratch_bytes,
             mcn_k_conv_s8_first_smlad_layout, mcn_k_conv_s8_first_smlad,
             mcn_k_conv_smlad_overlap,
             mcn_k_conv_s8_first_smlad_weight_bytes, 0,
             mcn_k_conv_s8_first_smlad_verify},
    /* 7 */ {"conv_s8_im2col_smlad", MCN_KOP_CONV, DSP_CORES,
             mcn_k_conv_s8_im2col_smlad_applies,
             mcn_k_conv_s8_im2col_smlad_scratch_bytes,
             mcn_k_conv_s8_im2col_smlad_layout, mcn_k_conv_s8_im2col_smlad,
             mcn_k_conv_smlad_overlap,
             mcn_k_conv_s8_im2col_smlad_weight_bytes, 0,
             mcn_k_conv_s8_im2col_smlad_verify},
    /* 8: after 3, which it serves wherever 3 applies, so only the lean
       choice (mcn_conv_kernel_choose_lean, MCN_KOP_LEAN) ever picks it:
       its weights take twice the flash. */
    {"fc_s8_smlad_wide", MCN_KOP_CONV | MCN_KOP_FC | MCN_KOP_LEAN, DSP_CORES,
     mcn_k_fc_s8_smlad_wide_applies, mcn_k_fc_s8_smlad_wide_scratch_bytes,
     mcn_k_fc_s8_smlad_wide_layout, mcn_k_fc_s8_smlad_wide, 0,
     mcn_k_fc_s8_smlad_wide_weight_bytes, 0,
     mcn_k_fc_s8_smlad_wide_verify},
    /* 9 */ {"dwconv_s8_nhwc_smlad", MCN_KOP_DWCONV, DSP_CORES,
             mcn_k_dwconv_s8_nhwc_smlad_applies,
             mcn_k_dwconv_s8_nhwc_smlad_scratch_bytes,
             mcn_k_dwconv_s8_nhwc_smlad_layout, mcn_k_dwconv_s8_nhwc_smlad,
             mcn_k_dwconv_s8_nhwc_smlad_overlap, 0,
             mcn_k_dwconv_s8_nhwc_smlad_preferred, 0},
    /* 10: preferred over 2 where its groups of three pixels take fewer
       instructions than 2's pairs (..._paired3_preferred). */
    /* 10 */ {"conv_1x1_s8_smlad_paired3", MCN_KOP_CONV | MCN_KOP_FC,
              DSP_CORES, mcn_k_conv_1x1_s8_smlad_paired3_applies,
              mcn_k_conv_1x1_s8_smlad_paired3_scratch_bytes,
              mcn_k_conv_1x1_s8_smlad_paired3_layout,
              mcn_k_conv_1x1_s8_smlad_paired3,
              mcn_k_conv_1x1_s8_smlad_paired3_overlap,
              mcn_k_conv_1x1_s8_smlad_paired3_weight_bytes,
              mcn_k_conv_1x1_s8_smlad_paired3_preferred,
              mcn_k_conv_1x1_s8_smlad_paired3_verify},
};

#define N_KERNELS (sizeof table / sizeof table[0])

/* For mcn_call_run: the kernel of a verified model's call, with no
   lookup's range check on every invoke. */
const mcn_conv_kernel *const mcn_conv_kernels = table;

const mcn_conv_kernel *mcn_conv_kernel_get(uint8_t id)
{
    return id >= 1 && id <= N_KERNELS ? &table[id - 1] : 0;
}

uint8_t mcn_conv_kernel_choose(const mcn_k_conv_params *p, uint8_t kop,
                               int target)
{
    if (target <= MCN_TARGET_REFERENCE || target >= MCN_TARGET_COUNT)
        return 0;
    for (uint32_t i = 0; i < N_KERNELS; i++)
        if ((table[i].ops & kop) && (table[i].targets & T(target)) &&
            table[i].preferred && table[i].applies(p) &&
            table[i].preferred(p))
            return (uint8_t)(i + 1);
    for (uint32_t i = 0; i < N_KERNELS; i++)
        if ((table[i].ops & kop) && (table[i].targets & T(target)) &&
            table[i].applies(p))
            return (uint8_t)(i + 1);
    return 0;
}

uint32_t mcn_conv_kernel_weight_bytes(const mcn_conv_kernel *k,
                                      const mcn_k_conv_params *p)
{
    if (k && k->weight_bytes)
        return k->weight_bytes(p);
    return (uint32_t)p->filter.n * (uint32_t)p->filter.h *
           (uint32_t)p->filter.w * (uint32_t)p->filter.c;
}

uint8_t mcn_conv_kernel_choose_lean(const mcn_k_conv_params *p, uint8_t kop,
                                    int target)
{
    const uint8_t first = mcn_conv_kernel_choose(p, kop, target);
    if (!first)
        return 0;
    uint8_t best = first;
    uint32_t least = table[first - 1].scratch_bytes
                         ? table[first - 1].scratch_bytes(p) : 0;
    /* Any marked kernel but the first choice: a preferred one may come
       after kernels that need less. */
    for (uint32_t i = 0; i < N_KERNELS && least > 0; i++)
        if (i + 1 != first && (table[i].ops & kop) &&
            (table[i].ops & MCN_KOP_LEAN) &&
            (table[i].targets & T(target)) && table[i].applies(p)) {
            const uint32_t s = table[i].scratch_bytes
                                   ? table[i].scratch_bytes(p) : 0;
            if (s < least) {
                least = s;
                best = (uint8_t)(i + 1);
            }
        }
    return best;
}

mcn_k_window mcn_conv_kernel_window(const mcn_conv_kernel *k,
                                    const mcn_k_conv_params *p)
{
    int32_t lo, hi;
    if (!k->overlap || !k->overlap(p, &lo, &hi))
        return mcn_k_disjoint_window();
    mcn_k_window w;
    w.lo = lo == INT32_MIN ? MCN_K_WINDOW_MIN : lo;
    w.hi = hi;
    return w;
}
