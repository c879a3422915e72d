/*
** mcn_kernel_table.c: the conv family's optimised kernels, in the order
** the packer prefers them (the first that serves the op, suits the target
** and applies wins). A kernel's id is its position here plus one, and ids
** are stored in models: append new kernels, never reorder or remove.
*/
#include "mcn_internal.h"
#include "mcn_plan.h"

#define T(t) (1u << (t))
/* Cores with the DSP extension (SMLAD, SXTB16). */
#define DSP_CORES (T(MCN_TARGET_CORTEX_M4) | T(MCN_TARGET_CORTEX_M7) | \
                   T(MCN_TARGET_CORTEX_M55))

static const mcn_conv_kernel table[] = {
    /* 1 */ {"conv_1x1_s8_smlad", MCN_KOP_CONV | MCN_KOP_FC, DSP_CORES,
             mcn_k_conv_1x1_s8_smlad_applies, 0,
             mcn_k_conv_1x1_s8_smlad_layout, mcn_k_conv_1x1_s8_smlad,
             mcn_k_conv_1x1_s8_smlad_overlap},
    /* 2 */ {"conv_s8_first_smlad", MCN_KOP_CONV, DSP_CORES,
             mcn_k_conv_s8_first_smlad_applies,
             mcn_k_conv_s8_first_smlad_scratch_bytes,
             mcn_k_conv_s8_first_smlad_layout, mcn_k_conv_s8_first_smlad, 0},
    /* 3 */ {"conv_s8_im2col_smlad", MCN_KOP_CONV, DSP_CORES,
             mcn_k_conv_s8_im2col_smlad_applies,
             mcn_k_conv_s8_im2col_smlad_scratch_bytes,
             mcn_k_conv_s8_im2col_smlad_layout, mcn_k_conv_s8_im2col_smlad,
             0},
};

#define N_KERNELS (sizeof table / sizeof table[0])

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
            table[i].applies(p))
            return (uint8_t)(i + 1);
    return 0;
}
