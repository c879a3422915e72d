/*
** mcn-run: run a model on the samples of a .npy file, on the host.
** A float model runs on the float reference (float_exec.h); an int8 model
** runs on the engine exactly as firmware would (packed in memory first if
** the file is not), so host results are the device's results.
*/
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "float_exec.h"
#include "graph_io.h"
#include "layer_sqnr.h"
#include "mcn.h"
#include "npy.h"
#include "pack.h"
#include "sample_io.h"
#include "tool_cli.h"

static const char usage[] =
    "usage: mcn-run MODEL INPUT.npy [-o OUT.npy] [--raw] [--labels LABELS.npy]\n"
    "               [--resize] [--compare REF.mcn]\n"
    "\n"
    "Run MODEL (an mcn graph: float, int8, or packed by mcn-pack) on every\n"
    "sample of INPUT.npy. A float model runs on the float reference; an int8\n"
    "model runs on the engine, packed in memory first if it is not, so the\n"
    "bytes are the ones a Cortex-M gives. INPUT holds one sample in the\n"
    "model's input shape (the source model's layout: NCHW for ONNX), or a\n"
    "batch of them (a leading dimension); float32 (quantized with the\n"
    "input's scale for an int8 model) or int8 (taken as it is).\n"
    "Without -o, each sample's output is printed, one line per sample.\n"
    "\n"
    "  -o FILE           write the outputs (output 0) as .npy, float32\n"
    "  --raw             with -o: an int8 model's outputs as int8, not\n"
    "                    dequantized\n"
    "  --labels FILE     integer class labels, one per sample: print the\n"
    "                    top-1 accuracy on stderr\n"
    "  --resize          resize images of another height and width to the\n"
    "                    model's input (bilinear)\n"
    "  --compare REF     run REF (the float model, say) on the same samples\n"
    "                    and print top-1 agreement and the SQNR of MODEL's\n"
    "                    outputs against REF's (and REF's accuracy with\n"
    "                    --labels)\n"
    "  -h, --help        this text\n"
    "\n"
    "MODEL or INPUT '-' reads stdin, -o - writes stdout. On any error\n"
    "nothing is written.\n";

typedef struct {
    const char *model, *input, *out, *labels, *compare;
    bool raw, resize;
} run_args;

/* Where a failure is reported: the file it concerns, and its message. */
typedef struct {
    const char *file;
    mcn_err e;
} run_err;

static int fail_in(run_err *r, const char *file)
{
    r->file = strcmp(file, "-") == 0 ? "<stdin>" : file;
    return -1;
}

/* Outputs of every sample: graph output 0, graph layout, its dtype. */
typedef struct {
    void *data;
    size_t sample_bytes;
} run_out;

static int run_float(const graph *g, const sample_batch *b, run_out *o,
                     run_err *r)
{
    float_exec *fx;
    if (fexec_create(&fx, g, &r->e))
        return -1;
    for (int s = 0; s < b->n; s++) {
        const float *in = (const float *)((const uint8_t *)b->data +
                                          (size_t)s * b->sample_bytes);
        if (fexec_run(fx, &in, &r->e)) {
            fexec_free(fx);
            return -1;
        }
        const float *y = fexec_tensor(fx, g->outputs[0]);
        if (!y) {
            fexec_free(fx);
            return mcn_fail(&r->e, "output 0 is not a float tensor");
        }
        memcpy((uint8_t *)o->data + (size_t)s * o->sample_bytes, y,
               o->sample_bytes);
    }
    fexec_free(fx);
    return 0;
}

static void *alloc16(size_t n)
{
    return aligned_alloc(16, (n + 15) / 16 * 16 + 16);
}

static int engine_fail(const graph *g, const mcn_ctx *ctx, mcn_status s,
                       const char *what, run_err *r)
{
    if (ctx->failed_op >= 0 && ctx->failed_op < g->n_nodes)
        return mcn_fail(&r->e, "%s: operator %d (%s): %s", what,
                        (int)ctx->failed_op,
                        graph_op_name(g->nodes[ctx->failed_op].op),
                        mcn_status_str(s));
    return mcn_fail(&r->e, "%s: %s", what, mcn_status_str(s));
}

/* The engine reads the model in place: give it an aligned copy, packed. */
static int run_int8(const graph *g, const uint8_t *file, size_t file_len,
                    const sample_batch *b, run_out *o, run_err *r)
{
    uint8_t *packed = NULL, *model = NULL, *arena = NULL;
    size_t len = file_len;
    graph c;
    int rc = -1;
    uint32_t arena_bytes = g->arena_bytes;
    mcn_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.failed_op = -1;
    if (!arena_bytes) {
        pack_opts po = {.keep_names = false, .target = PACK_DEFAULT_TARGET};
        if (graph_clone(&c, g, &r->e))
            return -1;
        if (pack_graph(&c, &po, &r->e) ||
            graph_to_mcn(&c, &packed, &len, &r->e)) {
            graph_free(&c);
            return -1;
        }
        arena_bytes = c.arena_bytes;
        graph_free(&c);
        file = packed;
    }
    model = alloc16(len);
    arena = alloc16(arena_bytes);
    if (!model || !arena) {
        mcn_fail(&r->e, "out of memory");
        goto out;
    }
    memcpy(model, file, len);
    mcn_status s = mcn_init(&ctx, model, len, arena, arena_bytes);
    if (s != MCN_OK) {
        engine_fail(g, &ctx, s, "the engine refused the model", r);
        goto out;
    }
    for (int i = 0; i < b->n; i++) {
        mcn_tensor in, out;
        if ((s = mcn_input(&ctx, 0, &in)) != MCN_OK ||
            (s = mcn_output(&ctx, 0, &out)) != MCN_OK) {
            engine_fail(g, &ctx, s, "the engine's model edges", r);
            goto out;
        }
        if (in.bytes != b->sample_bytes || out.bytes != o->sample_bytes) {
            mcn_fail(&r->e, "the engine's input or output size differs from "
                            "the model's");
            goto out;
        }
        memcpy(in.data, (const uint8_t *)b->data + (size_t)i * in.bytes,
               in.bytes);
        if ((s = mcn_invoke(&ctx)) != MCN_OK) {
            engine_fail(g, &ctx, s, "inference failed", r);
            goto out;
        }
        memcpy((uint8_t *)o->data + (size_t)i * out.bytes, out.data,
               out.bytes);
    }
    rc = 0;
out:
    free(packed);
    free(model);
    free(arena);
    return rc;
}

/* One line per sample, and top-1 accuracy when labels are given. */
static int report(const npy_array *y, int n, const npy_array *labels,
                  bool print, run_err *r)
{
    int correct = 0;
    if (labels && npy_elems(labels) != n)
        return mcn_fail(&r->e, "%lld labels for %d samples",
                        (long long)npy_elems(labels), n);
    if (labels && (labels->dtype == NPY_F32 || labels->dtype == NPY_F64))
        return mcn_fail(&r->e, "labels must be integers");
    for (int s = 0; s < n; s++) {
        if (labels)
            correct += sample_label_at(labels, s) == sample_argmax(y, s, n);
        if (print)
            sample_print(stdout, y, s, n);
    }
    if (labels)
        fprintf(stderr, "top-1 accuracy: %.2f%% (%d/%d)\n",
                100.0 * correct / n, correct, n);
    return 0;
}

/* One model on the samples of x: its output 0 as an array in the source
   layout (float32 unless raw), *n samples. */
static int run_model(const char *path, const npy_array *x, bool resize,
                     bool raw, npy_array *y, int *n, run_err *r)
{
    graph g;
    sample_batch b = {0};
    run_out o = {NULL, 0};
    uint8_t *file = NULL;
    size_t len = 0;
    int rc = -1;
    graph_init(&g);
    if (file_read_all(path, &file, &len, &r->e) ||
        graph_from_mcn(&g, file, len, &r->e)) {
        fail_in(r, path);
        goto out;
    }
    if (g.n_inputs != 1 || g.n_outputs < 1) {
        mcn_fail(&r->e, "the model has %d inputs; mcn-run feeds one",
                 g.n_inputs);
        fail_in(r, path);
        goto out;
    }
    if ((resize ? sample_inputs_resized : sample_inputs_from_npy)(&g, 0, x,
                                                                  &b, &r->e))
        goto out;   /* the caller names the input file */
    const graph_tensor *t = &g.tensors[g.outputs[0]];
    o.sample_bytes = graph_tensor_bytes(t);
    o.data = malloc(o.sample_bytes * (size_t)b.n + 1);
    if (!o.data) {
        mcn_fail(&r->e, "out of memory");
        fail_in(r, path);
        goto out;
    }
    if ((b.dtype == MCN_DT_FLOAT32 ? run_float(&g, &b, &o, r)
                                   : run_int8(&g, file, len, &b, &o, r)) ||
        sample_outputs_to_npy(&g, 0, o.data, b.n, b.form, raw, y, &r->e)) {
        fail_in(r, path);
        goto out;
    }
    *n = b.n;
    rc = 0;
out:
    free(file);
    free(o.data);
    sample_batch_free(&b);
    graph_free(&g);
    return rc;
}

/* --compare: y against the reference model's yr on the same samples. */
static int compare(const run_args *a, const npy_array *y,
                   const npy_array *yr, int n, const npy_array *labels,
                   run_err *r)
{
    if (npy_elems(y) != npy_elems(yr) || y->dtype != NPY_F32 ||
        yr->dtype != NPY_F32) {
        mcn_fail(&r->e, "its output has %lld values, %s's %lld",
                 (long long)npy_elems(y), a->compare,
                 (long long)npy_elems(yr));
        return fail_in(r, a->model);
    }
    sqnr_acc acc = {0, 0, 0};
    sqnr_add(&acc, yr->data, y->data, npy_elems(y));
    int agree = 0, right = 0;
    for (int s = 0; s < n; s++) {
        agree += sample_argmax(y, s, n) == sample_argmax(yr, s, n);
        if (labels)
            right += sample_label_at(labels, s) == sample_argmax(yr, s, n);
    }
    fprintf(stderr, "against %s on %d samples: top-1 agreement %.2f%% "
                    "(%d/%d), SQNR ",
            a->compare, n, 100.0 * agree / n, agree, n);
    if (acc.noise > 0)
        fprintf(stderr, "%.2f dB\n", sqnr_db(&acc));
    else
        fputs("exact\n", stderr);
    if (labels)
        fprintf(stderr, "%s top-1 accuracy: %.2f%% (%d/%d)\n", a->compare,
                100.0 * right / n, right, n);
    return 0;
}

static int run(const run_args *a, run_err *r)
{
    npy_array x = {0}, y = {0}, yr = {0}, labels = {0};
    int rc = -1, n = 0, nr = 0;
    if (npy_load(a->input, &x, &r->e)) {
        fail_in(r, a->input);
        goto out;
    }
    if (a->labels && npy_load(a->labels, &labels, &r->e)) {
        fail_in(r, a->labels);
        goto out;
    }
    if (run_model(a->model, &x, a->resize, a->raw, &y, &n, r) ||
        (a->compare &&
         run_model(a->compare, &x, a->resize, false, &yr, &nr, r))) {
        if (!r->file)
            fail_in(r, a->input);
        goto out;
    }
    if (report(&y, n, a->labels ? &labels : NULL, !a->out, r)) {
        fail_in(r, a->labels ? a->labels : a->model);
        goto out;
    }
    if (a->compare &&
        compare(a, &y, &yr, n, a->labels ? &labels : NULL, r))
        goto out;
    if (a->out && npy_save(a->out, &y, &r->e)) {
        fail_in(r, strcmp(a->out, "-") == 0 ? "<stdout>" : a->out);
        goto out;
    }
    rc = 0;
out:
    npy_free(&x);
    npy_free(&y);
    npy_free(&yr);
    npy_free(&labels);
    return rc;
}

int main(int argc, char **argv)
{
    tool_cli_standard(argc, argv, "mcn-run", usage);
    run_args a = {0};
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "-o") == 0 && i + 1 < argc)
            a.out = argv[++i];
        else if (strcmp(s, "--labels") == 0 && i + 1 < argc)
            a.labels = argv[++i];
        else if (strcmp(s, "--compare") == 0 && i + 1 < argc)
            a.compare = argv[++i];
        else if (strcmp(s, "--resize") == 0)
            a.resize = true;
        else if (strcmp(s, "--raw") == 0)
            a.raw = true;
        else if ((s[0] != '-' || strcmp(s, "-") == 0) && !a.model)
            a.model = s;
        else if ((s[0] != '-' || strcmp(s, "-") == 0) && !a.input)
            a.input = s;
        else {
            static const char *const valued[] = {"-o", "--labels",
                                                 "--compare", NULL};
            return tool_bad_arg("mcn-run", s, valued);
        }
    }
    if (!a.model || !a.input)
        return tool_usage("mcn-run", "expected MODEL and INPUT.npy");
    run_err r = {NULL, {{0}, 0}};
    return run(&a, &r) ? tool_fail(r.file ? r.file : a.model, &r.e) : 0;
}
