/*
** boards.h: the microcontroller boards mcn-nas searches for, the SRAM and
** flash budget a search works under (a board's, or sizes given on the
** command line, less what the application keeps for itself), and a GNU
** ld script with exactly a board's memories, for the fit check
** (nas/fit_check.sh links mcn-gen's code for a model into it).
**
** Sizes are bytes in int64_t. A board's SRAM is the one contiguous block
** a linker would put .data, .bss (the arena) and the stack in: boards.c
** says which banks that is for each part, and which are left out.
*/
#ifndef MCN_NAS_BOARDS_H
#define MCN_NAS_BOARDS_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"

typedef struct {
    const char *name;        /* what --board takes: "stm32f746" */
    const char *part;        /* the part the figures are for: "STM32F746xG" */
    const char *core;        /* for people: "Cortex-M7" */
    /* The engine build (lib/mcn/arm/<cpu>, the Makefile's ARM_CPUS) the
       fit check compiles and links with; also the packing target where
       mcn-pack has one of that name (pack_target_parse), else "generic"
       (the Cortex-M0+: portable C kernels). NULL: none. */
    const char *engine_cpu;
    int64_t sram_bytes;      /* contiguous SRAM for the model and the app */
    int64_t flash_bytes;     /* code, constants and the model */
    uint32_t sram_origin;    /* where that SRAM starts */
    uint32_t flash_origin;   /* where flash starts (where code runs from) */
} nas_board;

/* By name, ignoring case; NULL for a name that is not one of them. */
const nas_board *nas_board_find(const char *name);
/* The table, i for 0 .. nas_board_count() - 1, in the order listed. */
int nas_board_count(void);
const nas_board *nas_board_at(int i);
/* One line a board, columns aligned under a header line: name, core,
   SRAM, flash, part (what mcn-nas --list-boards prints). */
void nas_board_list(FILE *f);
/* "stm32f412, stm32f746, ..." for error messages. */
const char *nas_board_names(void);

/* A byte count as people write one: "65536", "512k", "256K", "1.5M",
   "2MB", "2MiB", "1G". K, M and G are binary (1K = 1024) in every
   spelling (K, KB, KiB, either case), as in a linker script; a fraction
   must come out to whole bytes ("1.5K" is 1536; "1.3K" is refused).
   0 and *out set; -1 for anything else: empty, junk, a sign, spaces,
   more than INT64_MAX. */
int nas_parse_bytes(const char *s, int64_t *out);
/* n as the shortest exact form nas_parse_bytes reads back: "1M", "320K",
   "1000"; into buf (24 bytes hold any int64_t), which it returns. */
char *nas_format_bytes(int64_t n, char *buf, size_t cap);

/* What a search may use: sram and flash are the budget, the memories
   less --reserve-sram and --reserve-flash; sram_total and flash_total
   the memories themselves (the board's, or --sram and --flash); board
   is NULL for sizes given without --board. */
typedef struct {
    int64_t sram, flash;
    int64_t sram_total, flash_total;
    const nas_board *board;
} nas_budget;

/* The budget options as given, for nas_budget_resolve: each is NULL when
   it was not. Zero-initialise, then pass each argument to
   nas_budget_arg. */
typedef struct {
    const char *board;          /* --board NAME */
    const char *sram, *flash;   /* --sram N, --flash N */
    const char *reserve_sram;   /* --reserve-sram N */
    const char *reserve_flash;  /* --reserve-flash N */
} nas_budget_opts;

/* argv[i] (i < argc) if it is one of --board, --sram, --flash,
   --reserve-sram, --reserve-flash, with its value in argv[i + 1] or
   after '=' ("--sram=256K"): recorded in o, and the number of arguments
   it took (2 or 1) returned. 0 when argv[i] is none of them; -1 with the
   reason in e when it lacks its value or was given before. Values are
   checked by nas_budget_resolve. */
int nas_budget_arg(nas_budget_opts *o, int argc, char *const argv[], int i,
                   mcn_err *e);

/* The budget the options give, or -1 with one line in e: a board that is
   not known (the message lists the known ones); neither a board nor both
   sizes; a board and a size together; a size that nas_parse_bytes
   refuses, is 0 or is more than 4 GiB; a reserve that leaves nothing. */
int nas_budget_resolve(const nas_budget_opts *o, nas_budget *out,
                       mcn_err *e);

/* What the fit check leaves for the stack at the top of SRAM, unless
   fit_check.sh --stack says another amount: the SRAM a model links
   into is its data and bss (the arena) plus this. */
#define NAS_FIT_STACK_BYTES 4096

/* What the model itself may take of a budget, for the searches: the
   arena shares SRAM with the stack (NAS_FIT_STACK_BYTES) and the
   firmware's own data; the model's flash (the judge's, a packed model's
   size) shares flash with the code. The allowances are the fit check's
   on the fixtures (code 6.7 KB for the MNIST example's generated
   firmware, data 16 bytes), with room. */
#define NAS_CODE_ALLOWANCE (16 * 1024)
#define NAS_DATA_ALLOWANCE 256
void nas_budget_model_limits(const nas_budget *b, int64_t *arena,
                             int64_t *flash);

/* A GNU ld script for the fit check (nas/fit_check.sh): MEMORY with
   FLASH (rx) of exactly `flash` bytes at b's flash origin and SRAM (rwx)
   of exactly `sram` bytes at its SRAM origin, the stack reserve, then
   INCLUDE fit_sections.ld (nas/), which places the firmware. b NULL: the
   Cortex-M default memory map's Code and SRAM regions (flash at
   0x00000000, SRAM at 0x20000000). A comment line "mcn-cpu: <cpu>" names
   b's engine build for fit_check.sh. 0, or -1 with the reason in e: a
   size that is not positive, a memory that would run past 4 GiB, a
   failed write. */
int nas_board_write_ld(const nas_board *b, int64_t sram, int64_t flash,
                       FILE *f, mcn_err *e);

#endif
