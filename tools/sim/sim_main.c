/*
** sim_main.c: run every sample through the engine and send the outputs,
** the instruction counts, each operator's count and the stack's
** high-water mark back to mcn-sim (protocol: sim_proto.h). The model, the
** samples, the arena and the per-operator slots come from the assembly
** file mcn-sim generates for each run.
*/
#include <stdint.h>
#include <string.h>

#include "mcn.h"
#include "sim.h"
#include "sim_proto.h"

extern const uint8_t mcn_sim_model[];
extern const uint32_t mcn_sim_model_size;
extern const uint8_t mcn_sim_samples[];
extern const uint32_t mcn_sim_n_samples;
extern const uint32_t mcn_sim_sample_bytes;
extern uint8_t mcn_sim_arena[];
extern const uint32_t mcn_sim_arena_size;
extern uint32_t mcn_sim_op_ticks[];
extern const uint32_t mcn_sim_op_slots;

static int out_handle = -1;
/* Static: mcn_ctx is the caller's, and a failed mcn_init may leave
   failed_op as it found it. */
static mcn_ctx ctx;

static void finish(int code) __attribute__((noreturn));
static void finish(int code)
{
    sim_close(out_handle);
    sim_exit(code);
}

static void put(const void *p, uint32_t len)
{
    if (len && sim_write(out_handle, p, len) != 0) {
        sim_write0("mcn-sim firmware: cannot write " SIM_OUT_FILE "\n");
        finish(SIM_EXIT_IO);
    }
}

/* Every input and output must be reachable, and one sample (the inputs
   in order, as mcn-sim lays them out) must fill the inputs exactly. */
static int32_t check_io(void)
{
    for (int i = 0; i < mcn_num_outputs(&ctx); i++) {
        mcn_tensor t;
        mcn_status st = mcn_output(&ctx, i, &t);
        if (st != MCN_OK)
            return st;
    }
    uint32_t total = 0;
    for (int i = 0; i < mcn_num_inputs(&ctx); i++) {
        mcn_tensor t;
        mcn_status st = mcn_input(&ctx, i, &t);
        if (st != MCN_OK)
            return st;
        total += t.bytes;
    }
    return total == mcn_sim_sample_bytes ? MCN_OK : SIM_ERR_SAMPLE_SIZE;
}

static int32_t load_sample(const uint8_t *p)
{
    for (int i = 0; i < mcn_num_inputs(&ctx); i++) {
        mcn_tensor t;
        mcn_status st = mcn_input(&ctx, i, &t);
        if (st != MCN_OK)
            return st;
        memcpy(t.data, p, t.bytes);
        p += t.bytes;
    }
    return MCN_OK;
}

static int32_t put_outputs(void)
{
    for (int i = 0; i < mcn_num_outputs(&ctx); i++) {
        mcn_tensor t;
        mcn_status st = mcn_output(&ctx, i, &t);
        if (st != MCN_OK)
            return st;
        put(&t.bytes, 4);
        put(t.data, t.bytes);
    }
    return MCN_OK;
}

/* The per-operator hook: each operator's ticks, from just before it to
   just after, into its slot. */
static uint64_t op_start;

static void on_op(void *user, uint32_t op, int done)
{
    (void)user;
    uint64_t t = sim_ticks();
    if (!done)
        op_start = t;
    else if (op < mcn_sim_op_slots)
        mcn_sim_op_ticks[op] += (uint32_t)(t - op_start);
}

/* One more invoke of sample 0 with the hook set, then the trailer. */
static void put_trailer(uint32_t stack)
{
    uint32_t n = (uint32_t)ctx.n_operators;
    if (n > mcn_sim_op_slots)
        n = mcn_sim_op_slots;
    for (uint32_t i = 0; i < n; i++)
        mcn_sim_op_ticks[i] = 0;
    int32_t st = MCN_OK;
    ctx.failed_op = -1;
    if (mcn_sim_n_samples == 0)
        n = 0;
    else
        st = load_sample(mcn_sim_samples);
    if (n && st == MCN_OK)
        st = mcn_set_op_hook(&ctx, on_op, NULL);
    if (n && st == MCN_OK) {
        st = mcn_invoke(&ctx);
        mcn_set_op_hook(&ctx, NULL, NULL);
    }
    if (st != MCN_OK)
        n = 0;
    uint32_t rec[SIM_TRAILER_WORDS] = {
        (uint32_t)st, (uint32_t)ctx.failed_op, stack, n,
    };
    put(rec, sizeof rec);
    put(mcn_sim_op_ticks, n * 4u);
    if (st != MCN_OK)
        finish(SIM_EXIT_ENGINE);
}

static uint32_t deeper(uint32_t a, uint32_t b)
{
    return a > b ? a : b;
}

int main(void)
{
    /* Every measured call is made from this frame. */
    const uint32_t *base = sim_sp();
    /* First, before any other work, so every run checks the clock. */
    uint32_t calib = sim_calibrate();

    out_handle = sim_open(SIM_OUT_FILE, SIM_OPEN_WB);
    if (out_handle < 0) {
        sim_write0("mcn-sim firmware: cannot open " SIM_OUT_FILE "\n");
        return SIM_EXIT_IO;
    }

    ctx.failed_op = -1;
    sim_stack_paint();
    int32_t st = mcn_init(&ctx, mcn_sim_model, mcn_sim_model_size,
                          mcn_sim_arena, mcn_sim_arena_size);
    uint32_t stack = sim_stack_used(base);
    if (st == MCN_OK)
        st = check_io();
    uint32_t header[SIM_HEADER_WORDS] = {
        SIM_MAGIC, (uint32_t)st, (uint32_t)ctx.failed_op, calib,
        mcn_sim_n_samples,
        st == MCN_OK ? (uint32_t)mcn_num_outputs(&ctx) : 0u,
    };
    put(header, sizeof header);
    if (st != MCN_OK)
        finish(SIM_EXIT_ENGINE);

    for (uint32_t s = 0; s < mcn_sim_n_samples; s++) {
        st = load_sample(mcn_sim_samples + (size_t)s * mcn_sim_sample_bytes);
        if (s == 0)
            sim_stack_paint();
        uint64_t t0 = sim_ticks(), t1 = t0;
        if (st == MCN_OK) {
            ctx.failed_op = -1;
            st = mcn_invoke(&ctx);
            t1 = sim_ticks();
        }
        if (s == 0)
            stack = deeper(stack, sim_stack_used(base));
        uint64_t ticks = t1 - t0;
        uint32_t rec[SIM_SAMPLE_WORDS] = {
            (uint32_t)st, (uint32_t)ctx.failed_op,
            (uint32_t)ticks, (uint32_t)(ticks >> 32),
        };
        put(rec, sizeof rec);
        if (st == MCN_OK)
            st = put_outputs();
        if (st != MCN_OK)
            finish(SIM_EXIT_ENGINE);
    }
    put_trailer(stack);
    finish(SIM_EXIT_OK);
}
