/*
** sim_timer.c: SysTick as an instruction counter. The 24-bit counter runs
** on the processor clock (25 MHz on the MPS2 boards, 32 MHz on mps3-an547)
** and its interrupt counts the wraps, so sim_ticks() spans hours of
** emulated time.
*/
#include <stdint.h>

#include "sim.h"
#include "sim_proto.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define CSR_ENABLE (1u << 0)
#define CSR_TICKINT (1u << 1)
#define CSR_CLKSOURCE_CPU (1u << 2)
#define RELOAD 0xFFFFFFu
#define PERIOD (RELOAD + 1u)

static volatile uint32_t wraps;

void sim_systick(void);
void sim_systick(void)
{
    wraps++;
}

void sim_timer_start(void)
{
    SYST_RVR = RELOAD;
    SYST_CVR = 0;  /* any write clears it; the next tick loads RELOAD */
    wraps = 0;
    SYST_CSR = CSR_ENABLE | CSR_TICKINT | CSR_CLKSOURCE_CPU;
}

uint64_t sim_ticks(void)
{
    uint32_t w, v;
    /* A wrap between the two reads is seen as a changed count: retry. */
    do {
        w = wraps;
        v = SYST_CVR;
    } while (w != wraps);
    /* The interrupt fires as the counter reaches 0, one tick before the
       reload, so a reading of 0 already belongs to the counted wrap. */
    return (uint64_t)w * PERIOD + ((PERIOD - v) & RELOAD);
}

uint32_t sim_calibrate(void)
{
    uint32_t n = SIM_CALIB_ITERS;
    uint64_t t0 = sim_ticks();
    __asm__ volatile(
        "1:\n\t"
        "subs %0, %0, #1\n\t"
        "bne 1b\n\t"
        : "+r"(n)
        :
        : "cc");
    return (uint32_t)(sim_ticks() - t0);
}
