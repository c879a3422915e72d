/*
** sim_start.c: reset and exceptions for the Cortex-M cores of the MPS2
** and MPS3 boards (M3, M4, M7, M55). Each fetches its initial stack
** pointer and reset address from the table at 0x0 (the M55's secure VTOR
** resets to 0 on mps3-an547); the board's linker script puts .vectors
** there.
*/
#include <stdint.h>

#include "sim.h"
#include "sim_proto.h"

/* From the linker script. */
extern uint32_t __sim_data_load[], __sim_data_start[], __sim_data_end[];
extern uint32_t __sim_bss_start[], __sim_bss_end[];
extern uint32_t __sim_stack_top[];

#define CPACR (*(volatile uint32_t *)0xE000ED88u)
#define CFSR (*(volatile uint32_t *)0xE000ED28u)

void sim_reset(void) __attribute__((noreturn));
void sim_fault_report(const uint32_t *frame) __attribute__((noreturn));
void sim_fault(void);
void sim_systick(void);

void sim_reset(void)
{
#if defined(__ARM_FP)
    /* The engine is built hard-float for this core; any FP (or, on the
       M55, MVE) instruction before CP10/CP11 are granted full access would
       fault (NOCP). The M3 has no FPU and is built soft-float. */
    CPACR |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif

    const uint32_t *src = __sim_data_load;
    for (uint32_t *dst = __sim_data_start; dst < __sim_data_end;)
        *dst++ = *src++;
    for (uint32_t *dst = __sim_bss_start; dst < __sim_bss_end;)
        *dst++ = 0;

    sim_timer_start();
    sim_exit(main());
}

static void put_hex(char *p, uint32_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 4)
        p[i] = "0123456789abcdef"[v & 15u];
}

/* The stacked frame holds r0-r3, r12, lr, pc, xpsr; report where it
   happened so an engine crash under emulation can be found in the map. */
void sim_fault_report(const uint32_t *frame)
{
    char msg[] = "mcn-sim firmware: fault at pc 0x00000000, cfsr 0x00000000\n";
    put_hex(msg + 32, frame[6]);
    put_hex(msg + 49, CFSR);
    sim_write0(msg);
    sim_exit(SIM_EXIT_FAULT);
}

/* Every fault escalates here. Which stack holds the frame is in EXC_RETURN
   bit 2; the handler cannot know it from C, hence the few instructions. */
__attribute__((naked)) void sim_fault(void)
{
    __asm__ volatile(
        "tst lr, #4\n\t"
        "ite eq\n\t"
        "mrseq r0, msp\n\t"
        "mrsne r0, psp\n\t"
        "b sim_fault_report\n\t");
}

struct sim_vector_table {
    uint32_t *initial_sp;
    void (*handler[15])(void);
};

__attribute__((section(".vectors"), used))
const struct sim_vector_table sim_vectors = {
    __sim_stack_top,
    {
        sim_reset,   /*  1 reset */
        sim_fault,   /*  2 NMI */
        sim_fault,   /*  3 HardFault */
        sim_fault,   /*  4 MemManage */
        sim_fault,   /*  5 BusFault */
        sim_fault,   /*  6 UsageFault */
        0, 0, 0, 0,  /*  7-10 reserved */
        sim_fault,   /* 11 SVCall */
        sim_fault,   /* 12 DebugMonitor */
        0,           /* 13 reserved */
        sim_fault,   /* 14 PendSV */
        sim_systick, /* 15 SysTick */
    },
};
