/*
** sim_build.h: run a packed model on an emulated Cortex-M. Links a
** firmware from the prebuilt engine and harness for the board's CPU
** (tools/sim, installed in lib/mcn/arm/<cpu>, the board's linker script in
** lib/mcn/arm) around the model and the samples, runs it on the QEMU
** board (sim_board.h) with -icount shift=0 and reads back what it wrote
** (sim_results.h). Used by mcn-sim; anything that wants device numbers
** (instructions, flash, stack) can call it.
*/
#ifndef MCN_SIM_BUILD_H
#define MCN_SIM_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "sim_board.h"
#include "sim_results.h"

#define SIM_ARM_CC "arm-none-eabi-gcc"
#define SIM_QEMU "qemu-system-arm"

typedef struct {
    const uint8_t *model;     /* packed */
    size_t model_len;
    uint32_t arena_bytes;     /* the model's plan */
    const void *samples;      /* n_samples * sample_bytes: each sample is */
    int n_samples;            /* every input's bytes, in order */
    size_t sample_bytes;
    int n_outputs;
    const size_t *out_bytes;  /* [n_outputs] */
    int n_ops;                /* the model's operators: per-op slots */
    const sim_board *board;   /* NULL: SIM_DEFAULT_BOARD */
    const char *keep_dir;     /* NULL: a temporary directory, removed */
    const char *arm_dir;      /* NULL: <this executable>/../lib/mcn/arm */
    int timeout_s;            /* QEMU is killed after this; 0: never */
    /* The generated form: mcn-gen's net.c and net.h (gen.h, name "net"),
       compiled for the board's CPU and run in place of the interpreter;
       NULL: the interpreter reads `model`. */
    const char *gen_c, *gen_h;
} sim_job;

typedef struct {
    sim_results res;          /* res.status != 0: the engine failed */
    uint64_t engine_bytes;    /* code + rodata + data of libmcn.a members */
    uint64_t firmware_bytes;  /* text + data of the ELF, samples left out */
    /* The generated form's own: net.o's code (its calls) and its data
       (weights, parameter structs); 0 for the interpreter. */
    uint64_t gen_code_bytes, gen_data_bytes;
} sim_run;

/* 0 when the tools are on PATH; else which package to install. */
int sim_check_tools(mcn_err *e);

/* 0 when the firmware ran to the end or stopped on an engine status
   (r->res says which); -1 when it could not be built or run, or
   crashed, with the reason. Free r with sim_run_free either way. */
int sim_job_run(const sim_job *j, sim_run *r, mcn_err *e);
void sim_run_free(sim_run *r);

#endif
