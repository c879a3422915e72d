/*
** mcn-sim: run a model on an emulated Cortex-M (QEMU's mps2-an386, a
** Cortex-M4, unless --board says another: sim_board.h) and report what it
** costs: instructions per inference and per operator, arena, stack high-
** water mark, flash (the engine's code and the model).
**
** Inputs and outputs behave exactly as in mcn-run (sample_io.h): one
** input, output 0 written to -o or printed a sample per line. The model
** is packed in memory first if it is not. sim_build.h does the device
** part; instructions are counted the way TFLM's Cortex-M4 figures were
** (../shared/reference/tflm/figures.md), so the two compare directly.
**
** --form says what runs the model: "interpreter" (the engine library
** reading the packed model) or "generated" (mcn-gen's C for this model,
** compiled for the board: only the kernels it calls, no model parser).
*/
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "gen.h"
#include "graph_cost.h"
#include "graph_io.h"
#include "mcn.h"
#include "npy.h"
#include "pack.h"
#include "sample_io.h"
#include "sim_build.h"
#include "tool_cli.h"
#include "sim_proto.h"

static const char usage[] =
    "usage: mcn-sim MODEL INPUT.npy [-o OUT.npy] [--raw] [--board BOARD]\n"
    "               [--form interpreter|generated] [--json] [--keep DIR]\n"
    "               [--timeout SEC]\n"
    "\n"
    "Run an int8 MODEL on every sample of INPUT.npy on an emulated Cortex-M\n"
    "(QEMU, -icount shift=0) and report what it costs: instructions per\n"
    "inference and per operator, arena, stack high-water mark and flash\n"
    "(the engine's code and the model). The firmware is built from the\n"
    "engine's Cortex-M libraries (make arm) with arm-none-eabi-gcc. The\n"
    "model is packed in memory first if it is not; inputs and outputs are\n"
    "read and written exactly as by mcn-run, and the bytes are the same.\n"
    "\n"
    "  -o FILE        write output 0 as .npy (else printed, one line per\n"
    "                 sample)\n"
    "  --raw          with -o: the int8 outputs, not dequantized\n"
    "  --board BOARD  the QEMU machine: mps2-an386 (Cortex-M4, the default),\n"
    "                 mps2-an385 (M3), mps2-an500 (M7), mps3-an547 (M55)\n"
    "  --form F       interpreter: the engine library reading the packed\n"
    "                 model (the default); generated: mcn-gen's C for this\n"
    "                 model, only the kernels it calls\n"
    "  --json         the report as JSON on stdout (on stderr with -o -)\n"
    "  --keep DIR     build and run in DIR and keep it (sources, logs, ELF)\n"
    "  --timeout SEC  stop QEMU after SEC seconds (default 300)\n"
    "  -h, --help     this text\n"
    "\n"
    "The report is on stderr. SIGINT, SIGTERM or SIGHUP stops QEMU and\n"
    "removes the temporary build directory.\n";

typedef struct {
    const char *model, *input, *out, *keep;
    const sim_board *board;
    bool raw, json, generated;
    int timeout_s;
} sim_args;

/* What the run owns, freed in one place whichever way it ends. */
typedef struct {
    graph g;
    uint8_t *model;
    size_t model_len;
    npy_array x, y;
    sample_batch b;
    sim_run run;
    gen_out gen;          /* the generated form's source */
    const sim_board *board;
    const char *file;   /* what a failure is about */
    mcn_err e;
} sim_state;

static const char *shown(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

static int fail_in(sim_state *s, const char *file)
{
    s->file = shown(file);
    return -1;
}

/* The bytes the engine will run: the file itself when it is packed,
   otherwise a packed copy (as mcn-run does). */
static int load_model(sim_state *s, const char *path)
{
    if (file_read_all(path, &s->model, &s->model_len, &s->e) ||
        graph_from_mcn(&s->g, s->model, s->model_len, &s->e))
        return fail_in(s, path);
    if (s->g.arena_bytes == 0) {
        pack_opts o = {.keep_names = false, .target = PACK_DEFAULT_TARGET};
        free(s->model);
        s->model = NULL;
        if (pack_to_mcn(&s->g, &o, &s->model, &s->model_len, &s->e))
            return fail_in(s, path);
    }
    if (s->g.n_inputs != 1 || s->g.n_outputs < 1) {
        mcn_fail(&s->e, "the model has %d inputs; mcn-sim feeds one",
                 s->g.n_inputs);
        return fail_in(s, path);
    }
    return 0;
}

/* An engine status from the firmware, worded as mcn-run words it. */
static int engine_fail(sim_state *s, const char *model)
{
    const sim_results *r = &s->run.res;
    const char *what = r->status == SIM_ERR_SAMPLE_SIZE
        ? "the engine's input size differs from the model's"
        : mcn_status_str((mcn_status)r->status);
    char stage[64];
    if (r->profiled)
        snprintf(stage, sizeof stage, "the per-operator run of sample 0 "
                 "failed");
    else if (r->init_ok)
        snprintf(stage, sizeof stage, "inference failed on sample %d",
                 r->done);
    else
        snprintf(stage, sizeof stage, "the engine refused the model");
    if (r->failed_op >= 0 && r->failed_op < s->g.n_nodes)
        mcn_fail(&s->e, "%s: operator %d (%s): %s", stage, (int)r->failed_op,
                 graph_op_name(s->g.nodes[r->failed_op].op), what);
    else
        mcn_fail(&s->e, "%s: %s", stage, what);
    return fail_in(s, model);
}

/* mcn-run's lines, so the two tools' outputs compare with diff. */
static void print_samples(const npy_array *y, int n)
{
    for (int s = 0; s < n; s++)
        sample_print(stdout, y, s, n);
}

static uint64_t insns(const sim_state *s, int i)
{
    return sim_board_insns(s->board, s->run.res.ticks[i]);
}

static uint64_t mean_insns(const sim_state *s, int n)
{
    uint64_t sum = 0;
    for (int i = 0; i < n; i++)
        sum += insns(s, i);
    return (sum + (uint64_t)n / 2) / (uint64_t)n;
}

static bool stack_overflowed(const sim_results *r)
{
    return r->stack_bytes == SIM_STACK_OVERFLOW;
}

/* The high-water mark; the whole region when it went past the bottom
   (a warning says so). */
static uint32_t stack_bytes(const sim_state *s)
{
    return stack_overflowed(&s->run.res) ? s->board->stack_bytes
                                         : s->run.res.stack_bytes;
}

/* Flash: the code (runtime and kernels, and for generated code its
   calls) and the model (the packed file, or the generated constants). */
static uint64_t code_bytes(const sim_state *s)
{
    return s->run.engine_bytes + s->run.gen_code_bytes;
}

static uint64_t model_bytes(const sim_state *s)
{
    return s->gen.c_src ? s->run.gen_data_bytes : (uint64_t)s->model_len;
}

static void report_ops_json(FILE *f, const sim_state *s)
{
    const sim_results *r = &s->run.res;
    fprintf(f, "\"ops\": [");
    for (int i = 0; i < r->n_ops && i < s->g.n_nodes; i++) {
        const graph_node *nd = &s->g.nodes[i];
        fprintf(f, "%s{\"index\": %d, \"op\": \"%s\", \"kind\": \"%s\", "
                "\"instructions\": %" PRIu64 ", \"macs\": %" PRId64 "}",
                i ? ", " : "", i, graph_op_name(nd->op),
                graph_kind_name(graph_node_kind(&s->g, nd)),
                sim_board_insns(s->board, r->op_ticks[i]),
                graph_node_cost(&s->g, nd).macs);
    }
    fprintf(f, "]");
}

static void report_json(FILE *f, const sim_state *s)
{
    fprintf(f, "{\"board\": \"%s\", \"form\": \"%s\", "
            "\"instructions\": %" PRIu64 ", \"instructions_per_sample\": [",
            s->board->name, s->gen.c_src ? "generated" : "interpreter",
            mean_insns(s, s->b.n));
    for (int i = 0; i < s->b.n; i++)
        fprintf(f, "%s%" PRIu64, i ? ", " : "", insns(s, i));
    fprintf(f, "], \"arena_bytes\": %" PRIu32 ", \"stack_bytes\": %" PRIu32
            ", \"code_bytes\": %" PRIu64 ", \"model_bytes\": %" PRIu64
            ", \"flash_bytes\": %" PRIu64 ", \"firmware_bytes\": %" PRIu64
            ", ", s->g.arena_bytes, stack_bytes(s), code_bytes(s),
            model_bytes(s), code_bytes(s) + model_bytes(s),
            s->run.firmware_bytes);
    report_ops_json(f, s);
    fprintf(f, "}\n");
}

static void report_text(const sim_state *s)
{
    const sim_results *r = &s->run.res;
    int n = s->b.n;
    uint64_t lo = insns(s, 0), hi = lo;
    for (int i = 1; i < n; i++) {
        lo = insns(s, i) < lo ? insns(s, i) : lo;
        hi = insns(s, i) > hi ? insns(s, i) : hi;
    }
    fprintf(stderr, "mcn-sim: %d sample%s on %s (%s, QEMU -icount "
            "shift=0), %s\n", n, n == 1 ? "" : "s", s->board->name,
            s->board->core, s->gen.c_src ? "generated code" : "interpreter");
    fprintf(stderr, "  instructions per inference: %" PRIu64 " mean",
            mean_insns(s, n));
    if (n > 1 && n <= 16) {
        fprintf(stderr, " (");
        for (int i = 0; i < n; i++)
            fprintf(stderr, "%s%" PRIu64, i ? " " : "", insns(s, i));
        fprintf(stderr, ")");
    } else if (n > 16) {
        fprintf(stderr, " (min %" PRIu64 ", max %" PRIu64 ")", lo, hi);
    }
    fprintf(stderr, "\n  arena_bytes %" PRIu32 "  stack_bytes %" PRIu32
            "  flash_bytes %" PRIu64 " (model %" PRIu64 " + code %" PRIu64
            ")  firmware_bytes %" PRIu64 "\n",
            s->g.arena_bytes, stack_bytes(s), code_bytes(s) + model_bytes(s),
            model_bytes(s), code_bytes(s), s->run.firmware_bytes);
    if (stack_overflowed(r))
        fprintf(stderr, "mcn-sim: warning: the stack reached the bottom of "
                "its %" PRIu32 "-byte region; stack_bytes is a lower bound\n",
                s->board->stack_bytes);
    /* The clock check: 2 * SIM_CALIB_ITERS instructions, to a tick. */
    uint64_t calib = sim_board_insns(s->board, r->calib_ticks);
    uint64_t want = 2ull * SIM_CALIB_ITERS, tick = sim_board_insns(s->board, 1);
    if (calib + tick < want || calib > want + tick)
        fprintf(stderr, "mcn-sim: warning: the clock check read %" PRIu64
                " instructions for a %" PRIu64 "-instruction loop; counts "
                "are off\n", calib, want);
}

static int run(const sim_args *a, sim_state *s)
{
    s->board = a->board;
    /* Bad files first, so what is said of them does not depend on
       whether QEMU is installed. */
    if (load_model(s, a->model))
        return -1;
    if (a->generated &&
        gen_model(s->model, s->model_len, "net", &s->gen, &s->e))
        return fail_in(s, a->model);
    if (npy_load(a->input, &s->x, &s->e) ||
        sample_inputs_from_npy(&s->g, 0, &s->x, &s->b, &s->e))
        return fail_in(s, a->input);
    if (sim_check_tools(&s->e))
        return fail_in(s, "mcn-sim");
    /* The firmware sends every output back; like mcn-run, only output 0
       is written. GRAPH_MAX_IO bounds them. */
    size_t out_bytes[GRAPH_MAX_IO];
    for (int i = 0; i < s->g.n_outputs; i++)
        out_bytes[i] = graph_tensor_bytes(&s->g.tensors[s->g.outputs[i]]);
    sim_job j = {
        .model = s->model, .model_len = s->model_len,
        .arena_bytes = s->g.arena_bytes,
        .samples = s->b.data, .n_samples = s->b.n,
        .sample_bytes = s->b.sample_bytes,
        .n_outputs = s->g.n_outputs, .out_bytes = out_bytes,
        .n_ops = s->g.n_nodes, .board = s->board,
        .keep_dir = a->keep, .arm_dir = NULL, .timeout_s = a->timeout_s,
        .gen_c = s->gen.c_src, .gen_h = s->gen.h_src,
    };
    if (sim_job_run(&j, &s->run, &s->e))
        return fail_in(s, "mcn-sim");
    if (s->run.res.status != 0)
        return engine_fail(s, a->model);
    if (sample_outputs_to_npy(&s->g, 0, s->run.res.out[0], s->b.n,
                              s->b.form, a->raw, &s->y, &s->e))
        return fail_in(s, a->model);

    bool out_stdout = a->out && strcmp(a->out, "-") == 0;
    if (a->out && npy_save(a->out, &s->y, &s->e))
        return fail_in(s, out_stdout ? "<stdout>" : a->out);
    /* stdout carries one thing: the outputs, or else the JSON. */
    if (!a->out && !a->json)
        print_samples(&s->y, s->b.n);
    if (a->json)
        report_json(out_stdout ? stderr : stdout, s);
    if (!a->json || !out_stdout)
        report_text(s);
    return 0;
}

int main(int argc, char **argv)
{
    tool_cli_standard(argc, argv, "mcn-sim", usage);
    sim_args a = {.timeout_s = 300, .board = sim_board_find(SIM_DEFAULT_BOARD)};
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "-o") == 0 && i + 1 < argc) {
            a.out = argv[++i];
        } else if (strcmp(s, "--keep") == 0 && i + 1 < argc) {
            a.keep = argv[++i];
        } else if (strcmp(s, "--board") == 0 && i + 1 < argc) {
            a.board = sim_board_find(argv[++i]);
            if (!a.board) {
                return tool_usage("mcn-sim", "unknown board '%s' (one of %s)",
                                  argv[i], sim_board_names());
            }
        } else if (strcmp(s, "--form") == 0 && i + 1 < argc) {
            const char *form = argv[++i];
            a.generated = strcmp(form, "generated") == 0;
            if (!a.generated && strcmp(form, "interpreter") != 0) {
                return tool_usage("mcn-sim", "unknown form '%s' (interpreter "
                                  "or generated)", form);
            }
        } else if (strcmp(s, "--timeout") == 0 && i + 1 < argc) {
            char *end;
            long t = strtol(argv[++i], &end, 10);
            if (*end || t < 1 || t > 86400)
                return tool_usage("mcn-sim", "--timeout takes 1 to 86400 "
                                  "seconds, not '%s'", argv[i]);
            a.timeout_s = (int)t;
        } else if (strcmp(s, "--raw") == 0) {
            a.raw = true;
        } else if (strcmp(s, "--json") == 0) {
            a.json = true;
        } else if ((s[0] != '-' || strcmp(s, "-") == 0) && !a.model) {
            a.model = s;
        } else if ((s[0] != '-' || strcmp(s, "-") == 0) && !a.input) {
            a.input = s;
        } else {
            static const char *const valued[] = {"-o", "--keep", "--board",
                                                 "--form", "--timeout", NULL};
            return tool_bad_arg("mcn-sim", s, valued);
        }
    }
    if (!a.model || !a.input)
        return tool_usage("mcn-sim", "expected MODEL and INPUT.npy");
    sim_state s;
    memset(&s, 0, sizeof s);
    graph_init(&s.g);
    int rc = run(&a, &s);
    if (rc)
        rc = tool_fail(s.file ? s.file : shown(a.model), &s.e);
    free(s.model);
    npy_free(&s.x);
    npy_free(&s.y);
    sample_batch_free(&s.b);
    sim_run_free(&s.run);
    gen_out_free(&s.gen);
    graph_free(&s.g);
    return rc;
}
