/*
** sim_main_gen.c: sim_main.c's protocol (sim_proto.h) for a model as
** mcn-gen writes it: the same samples in, the same records out, but the
** calls net_invoke makes instead of an engine reading a model. Per-
** operator counts come from MCN_GEN_OP_HOOK, which mcn-sim compiles the
** generated net.c with: sim_gen_hook(op) at each operator's start (the
** calls with done = 1 compile to nothing); an operator's time runs to the
** next one's start, the last one's to net_invoke's return.
*/
#include <stdint.h>
#include <string.h>

#include "sim.h"
#include "sim_proto.h"

/* The generated model's interface (gen.h), named "net" by mcn-sim. */
void net_invoke(void);
int8_t *net_input(int i);
int8_t *net_output(int i);
uint32_t net_input_bytes(int i);
uint32_t net_output_bytes(int i);
int net_inputs(void);
int net_outputs(void);
void sim_gen_hook(uint32_t op);

extern const uint8_t mcn_sim_samples[];
extern const uint32_t mcn_sim_n_samples;
extern const uint32_t mcn_sim_sample_bytes;
extern uint32_t mcn_sim_op_ticks[];
extern const uint32_t mcn_sim_op_slots;

static int out_handle = -1;
static int profiling;
static uint64_t op_start;
static uint32_t op_open;        /* the operator running + 1, or 0 */
static uint32_t ops_seen;

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

static void op_close(uint64_t t)
{
    if (op_open && op_open - 1 < mcn_sim_op_slots) {
        mcn_sim_op_ticks[op_open - 1] += (uint32_t)(t - op_start);
        if (op_open > ops_seen)
            ops_seen = op_open;
    }
    op_open = 0;
}

void sim_gen_hook(uint32_t op)
{
    if (!profiling)
        return;
    uint64_t t = sim_ticks();
    op_close(t);
    op_start = t;
    op_open = op + 1;
}

static int32_t check_io(void)
{
    uint32_t total = 0;
    for (int i = 0; i < net_inputs(); i++)
        total += net_input_bytes(i);
    return total == mcn_sim_sample_bytes ? 0 : SIM_ERR_SAMPLE_SIZE;
}

static void load_sample(const uint8_t *p)
{
    for (int i = 0; i < net_inputs(); i++) {
        memcpy(net_input(i), p, net_input_bytes(i));
        p += net_input_bytes(i);
    }
}

static void put_outputs(void)
{
    for (int i = 0; i < net_outputs(); i++) {
        uint32_t n = net_output_bytes(i);
        put(&n, 4);
        put(net_output(i), n);
    }
}

int main(void)
{
    const uint32_t *base = sim_sp();
    uint32_t calib = sim_calibrate();
    out_handle = sim_open(SIM_OUT_FILE, SIM_OPEN_WB);
    if (out_handle < 0) {
        sim_write0("mcn-sim firmware: cannot open " SIM_OUT_FILE "\n");
        return SIM_EXIT_IO;
    }
    int32_t st = check_io();
    uint32_t header[SIM_HEADER_WORDS] = {
        SIM_MAGIC, (uint32_t)st, (uint32_t)-1, calib, mcn_sim_n_samples,
        st == 0 ? (uint32_t)net_outputs() : 0u,
    };
    put(header, sizeof header);
    if (st != 0)
        finish(SIM_EXIT_ENGINE);
    uint32_t stack = 0;
    for (uint32_t s = 0; s < mcn_sim_n_samples; s++) {
        load_sample(mcn_sim_samples + (size_t)s * mcn_sim_sample_bytes);
        if (s == 0)
            sim_stack_paint();
        uint64_t t0 = sim_ticks();
        net_invoke();
        uint64_t ticks = sim_ticks() - t0;
        if (s == 0)
            stack = sim_stack_used(base);
        uint32_t rec[SIM_SAMPLE_WORDS] = {
            0, (uint32_t)-1, (uint32_t)ticks, (uint32_t)(ticks >> 32),
        };
        put(rec, sizeof rec);
        put_outputs();
    }
    /* One more run of sample 0, timed operator by operator. */
    uint32_t n = 0;
    if (mcn_sim_n_samples) {
        for (uint32_t i = 0; i < mcn_sim_op_slots; i++)
            mcn_sim_op_ticks[i] = 0;
        load_sample(mcn_sim_samples);
        profiling = 1;
        net_invoke();
        op_close(sim_ticks());
        profiling = 0;
        n = mcn_sim_op_slots;
    }
    uint32_t rec[SIM_TRAILER_WORDS] = {0, (uint32_t)-1, stack, n};
    put(rec, sizeof rec);
    put(mcn_sim_op_ticks, n * 4u);
    finish(SIM_EXIT_OK);
}
