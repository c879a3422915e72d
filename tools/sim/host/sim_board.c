/*
** sim_board.c: see sim_board.h. The figures come from QEMU 7.2's board
** code: hw/arm/mps2.c (SYSCLK_FRQ 25 MHz drives the CPU clock; ZBT SSRAM1
** 4 MiB at 0x0, ZBT SSRAM2/3 4 MiB at 0x20000000, PSRAM 16 MiB at
** 0x21000000, or 0x60000000 on the AN500) and hw/arm/mps2-tz.c (the
** AN547's sysclk_frq 32 MHz; ITCM 512 KiB at 0x0, FPGA SRAM 2 MiB at
** 0x01000000, ISRAM 4 MiB at 0x21000000). The linker scripts must agree.
*/
#include "sim_board.h"

#include <stddef.h>
#include <string.h>

#include "sim_proto.h"

#define KiB 1024u
#define MiB (1024u * 1024u)

static const sim_board boards[] = {
    {"mps2-an385", "cortex-m3", "Cortex-M3", 25000000u,
     4 * MiB, 4 * MiB, 64 * KiB, 16 * MiB},
    {"mps2-an386", "cortex-m4", "Cortex-M4", 25000000u,
     4 * MiB, 4 * MiB, 64 * KiB, 16 * MiB},
    {"mps2-an500", "cortex-m7", "Cortex-M7", 25000000u,
     4 * MiB, 4 * MiB, 64 * KiB, 16 * MiB},
    {"mps3-an547", "cortex-m55", "Cortex-M55", 32000000u,
     512 * KiB, 4 * MiB, 64 * KiB, 2 * MiB},
};

const sim_board *sim_board_find(const char *name)
{
    for (size_t i = 0; i < sizeof boards / sizeof *boards; i++)
        if (strcmp(boards[i].name, name) == 0)
            return &boards[i];
    return NULL;
}

const char *sim_board_names(void)
{
    static char names[256];
    if (!names[0])
        for (size_t i = 0; i < sizeof boards / sizeof *boards; i++) {
            if (i)
                strcat(names, ", ");
            strcat(names, boards[i].name);
        }
    return names;
}

uint64_t sim_board_insns(const sim_board *b, uint64_t ticks)
{
    /* ticks * (1e9 / clock_hz) / SIM_NS_PER_INSN; ticks stay below 2^34
       (hours of emulated time), so the product fits. */
    uint64_t den = (uint64_t)b->clock_hz * SIM_NS_PER_INSN;
    return (ticks * 1000000000u + den / 2) / den;
}
