/*
** sim_stack.c: the stack's high-water mark. The stack region is the last
** __sim_stack_bytes of SRAM (the linker script's __sim_stack_limit up to
** __sim_stack_top); sim_stack_paint (sim.h, inlined into the caller)
** fills the part below the current stack pointer with SIM_STACK_PATTERN,
** and after the call being measured sim_stack_used finds the deepest word
** that changed.
**
** A word the call wrote with the pattern's own value would be missed; a
** SysTick wrap interrupt landing at the deepest point adds its exception
** frame (8 words, 26 with the FP context) to the figure, as it would on a
** device.
*/
#include <stdint.h>

#include "sim.h"
#include "sim_proto.h"

uint32_t sim_stack_used(const uint32_t *base)
{
    const uint32_t *p = __sim_stack_limit;
    if (*p != SIM_STACK_PATTERN)
        return SIM_STACK_OVERFLOW;
    while (p < base && *p == SIM_STACK_PATTERN)
        p++;
    return (uint32_t)(base - p) * 4u;
}
