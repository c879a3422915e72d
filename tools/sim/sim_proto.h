/*
** sim_proto.h: what the firmware and mcn-sim agree on. Included by both
** sides (the firmware in tools/sim, and tools/mcn-sim.c on the host), so it
** holds only constants.
**
** mcn-sim generates one assembly file per run that defines the symbols
** below; the firmware runs every sample and writes its results (32-bit
** little-endian words, and the outputs' raw bytes) to SIM_OUT_FILE in
** QEMU's working directory:
**
**   header   magic, init status, failed_op, calibration ticks, samples,
**            outputs
**   sample   status, failed_op, ticks low, ticks high,
**            then per output: byte count, the bytes (no padding)
**   trailer  status, failed_op, stack bytes, operators,
**            then per operator: its ticks
**
** A sample with a non-zero status carries no outputs and is the last
** record. The trailer follows the last sample when every sample ran: one
** more invoke of sample 0, with the per-operator hook set (so the samples'
** own counts carry no hook), gives each operator's ticks; a non-zero
** status there carries no operators. Its stack bytes are the deepest the
** stack went below the caller's frame in mcn_init and in the first
** sample's (unhooked) invoke, SIM_STACK_OVERFLOW if it reached the bottom
** of the stack region.
*/
#ifndef MCN_SIM_PROTO_H
#define MCN_SIM_PROTO_H

#define SIM_MAGIC 0x534e434du        /* "MCNS" */
#define SIM_OUT_FILE "mcn-sim.out"
#define SIM_HEADER_WORDS 6
#define SIM_SAMPLE_WORDS 4
#define SIM_TRAILER_WORDS 4

/* Under QEMU's -icount shift=0 each instruction takes 1 ns of virtual
   time; SysTick counts the board's processor clock, so one tick is
   1e9 / clock_hz instructions (40 on mps2-an386's 25 MHz: sim_board.h). */
#define SIM_NS_PER_INSN 1u
/* The two-instruction loop every run times first (as TFLM's figures). */
#define SIM_CALIB_ITERS 1000000u

/* The stack region is filled with this word at reset and before each
   measured call; the deepest word that no longer holds it is the
   high-water mark. */
#define SIM_STACK_PATTERN 0x5354434bu   /* "KCTS" */
#define SIM_STACK_OVERFLOW 0xffffffffu  /* the bottom word was overwritten */

/* Statuses beyond mcn_status: the harness's own failures. */
#define SIM_ERR_SAMPLE_SIZE (-100)   /* inputs' bytes != one sample's */

/* Firmware exit codes (semihosting SYS_EXIT_EXTENDED). */
#define SIM_EXIT_OK 0
#define SIM_EXIT_ENGINE 2   /* mcn_init, an input or mcn_invoke failed */
#define SIM_EXIT_FAULT 3    /* a processor fault */
#define SIM_EXIT_IO 4       /* the results file could not be written */

/* Symbols of the generated assembly file. */
#define SIM_SYM_MODEL "mcn_sim_model"
#define SIM_SYM_MODEL_SIZE "mcn_sim_model_size"
#define SIM_SYM_SAMPLES "mcn_sim_samples"
#define SIM_SYM_N_SAMPLES "mcn_sim_n_samples"
#define SIM_SYM_SAMPLE_BYTES "mcn_sim_sample_bytes"
#define SIM_SYM_ARENA "mcn_sim_arena"
#define SIM_SYM_ARENA_SIZE "mcn_sim_arena_size"
#define SIM_SYM_OP_TICKS "mcn_sim_op_ticks"     /* uint32_t[slots], harness RAM */
#define SIM_SYM_OP_SLOTS "mcn_sim_op_slots"

#endif
