/*
** mcn-quantize: float model in, int8 model out (TFLite's post-training
** scheme, quantize.h), calibrated on the samples of a .npy file. Reads
** stdin and writes stdout by default so it sits in a pipe:
**
**     mcn-import net.onnx | mcn-quantize --calib c.npy | mcn-pack -o net.mcn
*/
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graph_io.h"
#include "npy.h"
#include "progress.h"
#include "quantize.h"
#include "sample_io.h"

static const char help[] =
    "usage: mcn-quantize --calib CALIB.npy [--resize] [IN.mcn|-] [-o OUT.mcn]\n"
    "\n"
    "Quantize a float mcn model to int8: per-channel symmetric weights,\n"
    "per-tensor asymmetric activations with ranges measured by running the\n"
    "float model on every calibration sample, int32 biases.\n"
    "\n"
    "  --calib FILE  .npy samples of input 0 in the source model's layout\n"
    "                (NCHW for ONNX): one sample, or N samples stacked\n"
    "  --resize      images of another height and width are resized to the\n"
    "                model's input (bilinear), e.g. for a model mcn-nas gave\n"
    "                a new resolution\n"
    "  -o FILE       output model (default: stdout, which must not be a\n"
    "                terminal)\n"
    "  -h, --help    this text\n"
    "\n"
    "IN defaults to stdin. On any error nothing is written.\n";

typedef struct {
    const char *in, *calib, *out;
    bool resize;
} q_args;

/* A failure: the file it concerns and what went wrong. */
typedef struct {
    const char *file;
    mcn_err e;
} q_err;

static int fail_in(q_err *r, const char *file, const char *std_name)
{
    r->file = strcmp(file, "-") == 0 ? std_name : file;
    return -1;
}

static int quantize(const q_args *a, q_err *r)
{
    graph g;
    npy_array x = {0};
    sample_batch b = {0};
    const float **samples = NULL;
    int rc = -1;
    graph_init(&g);
    if (graph_load_file(&g, a->in, &r->e) ||
        quantize_check_float(&g, &r->e)) {
        fail_in(r, a->in, "<stdin>");
        goto out;
    }
    if (g.n_inputs != 1) {
        mcn_fail(&r->e, "the model has %d inputs; calibration feeds one",
                 g.n_inputs);
        fail_in(r, a->in, "<stdin>");
        goto out;
    }
    if (npy_load(a->calib, &x, &r->e) ||
        (a->resize ? sample_inputs_resized : sample_inputs_from_npy)(
            &g, 0, &x, &b, &r->e)) {
        fail_in(r, a->calib, "<stdin>");
        goto out;
    }
    samples = malloc((size_t)b.n * sizeof *samples);
    if (!samples) {
        mcn_fail(&r->e, "out of memory");
        fail_in(r, a->calib, "<stdin>");
        goto out;
    }
    for (int i = 0; i < b.n; i++)
        samples[i] = (const float *)((const char *)b.data +
                                     (size_t)i * b.sample_bytes);
    progress bar;
    progress_init(&bar, "calibrating");
    quantize_opts o = {b.n, samples, progress_cb, &bar};
    int qrc = quantize_graph(&g, &o, &r->e);
    progress_end(&bar);
    if (qrc) {
        fail_in(r, a->in, "<stdin>");
        goto out;
    }
    if (graph_save_file(&g, a->out ? a->out : "-", &r->e)) {
        fail_in(r, a->out ? a->out : "-", "<stdout>");
        goto out;
    }
    rc = 0;
out:
    free(samples);
    sample_batch_free(&b);
    npy_free(&x);
    graph_free(&g);
    return rc;
}

/* Usage mistakes: one line, and where to look. */
static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "mcn-quantize: %s%s%s%s (see mcn-quantize --help)\n",
            what, arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
    return 1;
}

int main(int argc, char **argv)
{
    q_args a = {"-", NULL, NULL, false};
    bool have_in = false;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            fputs(help, stdout);
            return 0;
        } else if (!strcmp(s, "--calib") || !strcmp(s, "-o")) {
            if (i + 1 >= argc)
                return usage_error("missing a file name after", s);
            *(s[1] == 'o' ? &a.out : &a.calib) = argv[++i];
        } else if (!strcmp(s, "--resize")) {
            a.resize = true;
        } else if (!strncmp(s, "--calib=", 8)) {
            a.calib = s + 8;
        } else if (s[0] == '-' && s[1]) {
            return usage_error("unknown option", s);
        } else if (have_in) {
            return usage_error("more than one input model:", s);
        } else {
            a.in = s;
            have_in = true;
        }
    }
    if (!a.calib)
        return usage_error("--calib CALIB.npy is required", NULL);
    if (!strcmp(a.calib, "-") && !strcmp(a.in, "-"))
        return usage_error("the model and --calib cannot both be stdin",
                           NULL);
    bool to_stdout = !a.out || !strcmp(a.out, "-");
    if (to_stdout && isatty(STDOUT_FILENO))
        return usage_error("will not write a binary model to a terminal; "
                           "use -o FILE or a pipe", NULL);
    q_err r = {NULL, {{0}}};
    if (quantize(&a, &r)) {
        fprintf(stderr, "%s: %s\n", r.file, r.e.msg);
        return 1;
    }
    return 0;
}
