/*
** sim_board.h: the QEMU boards mcn-sim runs on, what each one's memory
** map and clock are (from QEMU 7.2's hw/arm/mps2.c and hw/arm/mps2-tz.c;
** tools/sim/<board>.ld places the firmware in them) and which engine build
** (lib/mcn/arm/<cpu>) each one links.
*/
#ifndef MCN_SIM_BOARD_H
#define MCN_SIM_BOARD_H

#include <stdint.h>

typedef struct {
    const char *name;       /* QEMU's machine name, and <name>.ld */
    const char *cpu;        /* -mcpu, and the engine's directory */
    const char *core;       /* for people: "Cortex-M4" */
    uint32_t clock_hz;      /* what SysTick counts (CLKSOURCE = processor) */
    uint32_t flash_bytes;   /* code, constants and the model */
    uint32_t sram_bytes;    /* data, bss with the arena, and the stack */
    uint32_t stack_bytes;   /* the stack region at the top of SRAM */
    uint32_t harness_bytes; /* the samples and the per-operator counts */
} sim_board;

#define SIM_DEFAULT_BOARD "mps2-an386"

/* NULL for a name that is not one of them. */
const sim_board *sim_board_find(const char *name);
/* "mps2-an385, mps2-an386, mps2-an500, mps3-an547" */
const char *sim_board_names(void);

/* SysTick ticks to instructions: under -icount shift=0 an instruction
   takes 1 ns, a tick 1e9 / clock_hz ns (40 at 25 MHz, 31.25 at 32 MHz);
   rounded to the nearest. */
uint64_t sim_board_insns(const sim_board *b, uint64_t ticks);

#endif
