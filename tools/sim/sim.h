/*
** sim.h: the firmware harness's services on the MPS2/MPS3 boards under
** QEMU: ARM semihosting (host files and exit), the SysTick instruction
** clock and the stack's high-water mark.
*/
#ifndef MCN_SIM_H
#define MCN_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "sim_proto.h"

/* Semihosting. Handles are > 0; -1 on failure. */
int sim_open(const char *path, int mode);
int sim_close(int handle);
/* 0 when all `len` bytes were written. */
int sim_write(int handle, const void *buf, size_t len);
void sim_write0(const char *s);
void sim_exit(int code) __attribute__((noreturn));

#define SIM_OPEN_WB 5   /* ISO C fopen mode index of "wb" */

/* SysTick, started by the reset handler: ticks of the processor clock
   since then. Monotonic across counter wraps. */
uint64_t sim_ticks(void);
void sim_timer_start(void);
/* Ticks taken by SIM_CALIB_ITERS iterations of a two-instruction loop. */
uint32_t sim_calibrate(void);

/* The stack pointer where this is expanded. */
static inline uint32_t *sim_sp(void)
{
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

/* Fill the free stack below the caller with SIM_STACK_PATTERN. Inlined,
   so it runs in the caller's frame: a function of its own would have
   pushed its return address into the very words it paints. */
extern uint32_t __sim_stack_limit[];

static inline __attribute__((always_inline)) void sim_stack_paint(void)
{
    uint32_t *sp = sim_sp();
    for (uint32_t *p = __sim_stack_limit; p < sp; p++)
        *p = SIM_STACK_PATTERN;
}
/* Bytes below `base` (the caller's sim_sp() when it painted) written
   since; SIM_STACK_OVERFLOW if the bottom of the region was. */
uint32_t sim_stack_used(const uint32_t *base);

int main(void);

#endif
