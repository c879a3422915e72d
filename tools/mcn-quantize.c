/*
** mcn-quantize: float model in, int8 model out (TFLite's post-training
** scheme, quantize.h), calibrated on samples the user has. Reads stdin
** and writes stdout by default so it sits in a pipe:
**
**     mcn-import net.onnx | mcn-quantize --calib c.npy | mcn-pack -o net.mcn
**
** Given several models and --out-dir it quantizes them all with the same
** calibration data, --jobs at a time; one model's failure does not stop
** the others.
*/
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progress.h"
#include "quantize_cmd.h"
#include "tool_cli.h"

static const char help[] =
    "usage: mcn-quantize --calib CALIB [options] [IN.mcn|-] [-o OUT.mcn]\n"
    "       mcn-quantize --calib CALIB [options] A.mcn B.mcn ... --out-dir DIR\n"
    "                    [--jobs N]\n"
    "\n"
    "Quantize a float mcn model to int8: per-channel symmetric weights,\n"
    "per-tensor asymmetric activations with ranges calibrated by running the\n"
    "float model on every calibration sample, int32 biases.\n"
    "\n"
    "  --calib PATH      samples of input 0: a .npy or .npz (in the source\n"
    "                    model's layout, NCHW for ONNX: one sample or N\n"
    "                    stacked), a PNG/PGM/PPM image, a raw file, or a\n"
    "                    directory of them (read recursively, in name order)\n"
    "  --method M        how each activation's range is chosen: minmax (the\n"
    "                    measured range, default), percentile, entropy (least\n"
    "                    KL divergence), mse (least squared error)\n"
    "  --percentile P    percentile's central share in %, default 99.99\n"
    "  --layer NAME=M    one tensor's (or node's output's) method, or its\n"
    "  --layer NAME=LO,HI  fixed range; repeatable\n"
    "  --bias-correction fold into each conv and fully connected bias the\n"
    "                    shift weight rounding adds to its channels' mean\n"
    "                    (measured on the calibration set)\n"
    "  --report R.json   per layer: range, clipped share, SQNR of the int8\n"
    "                    model against the float one on the calibration set\n"
    "                    (JSON, and R.svg beside it); in batch mode a\n"
    "                    directory for one report per model\n"
    "  -o FILE           output model (default: stdout, not a terminal)\n"
    "  --out-dir DIR     batch mode: each model to DIR/its file name\n"
    "  --jobs N          batch mode: models quantized at once (default 1)\n"
    "  -h, --help        this text\n"
    "\n"
    "How calibration files are read:\n";

static const char help_tail[] =
    "\n"
    "IN defaults to stdin. On any error nothing is written for that model;\n"
    "in batch mode the others are written, and the exit status is the\n"
    "first failure's.\n";

#define MAX_MODELS 4096

typedef struct {
    qcmd_opts q;
    const char *out, *out_dir, *report;
    const char *in[MAX_MODELS];
    int n_in, jobs;
} q_args;

/* "FILE: why", or the message alone when it names its file itself. */
static void print_err(const qcmd_err *r)
{
    if (r->file[0])
        fprintf(stderr, "%s: %s\n", r->file, r->e.msg);
    else
        fprintf(stderr, "%s\n", r->e.msg);
}

static int one_model(const q_args *a)
{
    graph g;
    qcmd_err r = {"", {{0}, 0}};
    qcmd_calib *cache = NULL;
    const sample_batch *b;
    const char *in = a->n_in ? a->in[0] : "-";
    graph_init(&g);
    int rc = qcmd_load(in, &g, &r) ||
             qcmd_samples(&cache, &a->q, in, &g, &b, &r) ||
             qcmd_quantize(&a->q, in, &g, b, a->out ? a->out : "-",
                           a->report, &r);
    if (rc)
        print_err(&r);
    qcmd_calib_free(cache);
    graph_free(&g);
    return rc ? mcn_exit_status(&r.e) : 0;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* DIR/NAME, or DIR/STEM.json for a report. */
static void in_dir(char *buf, size_t n, const char *dir, const char *in,
                   const char *ext)
{
    const char *b = base_name(in);
    const char *dot = ext ? strrchr(b, '.') : NULL;
    int len = dot ? (int)(dot - b) : (int)strlen(b);
    snprintf(buf, n, "%s/%.*s%s", dir, len, b, ext ? ext : "");
}

/* Runs in a child: one model, its own message on failure. */
static int batch_child(const q_args *a, int k, const sample_batch *b,
                       graph *g)
{
    char out[4096], rep[4096];
    qcmd_err r = {"", {{0}, 0}};
    in_dir(out, sizeof out, a->out_dir, a->in[k], NULL);
    if (a->report)
        in_dir(rep, sizeof rep, a->report, a->in[k], ".json");
    qcmd_opts q = a->q;
    q.progress = false;
    if (qcmd_quantize(&q, a->in[k], g, b, out, a->report ? rep : NULL, &r)) {
        print_err(&r);
        return mcn_exit_status(&r.e);
    }
    return 0;
}

static int check_batch(const q_args *a)
{
    struct stat st;
    if (stat(a->out_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "%s: not a directory (--out-dir)\n", a->out_dir);
        return MCN_EX_CANTCREAT;
    }
    if (a->report && (stat(a->report, &st) != 0 || !S_ISDIR(st.st_mode))) {
        fprintf(stderr, "%s: not a directory (--report in batch mode)\n",
                a->report);
        return MCN_EX_CANTCREAT;
    }
    for (int i = 0; i < a->n_in; i++) {
        if (!strcmp(a->in[i], "-")) {
            return tool_usage("mcn-quantize", "batch mode reads files, not "
                              "stdin");
        }
        for (int j = 0; j < i; j++)
            if (!strcmp(base_name(a->in[i]), base_name(a->in[j]))) {
                return tool_usage("mcn-quantize", "%s and %s would both be "
                                  "written to %s/%s", a->in[j], a->in[i],
                                  a->out_dir, base_name(a->in[i]));
            }
    }
    return 0;
}

/* A child's exit: the first failure's status is the batch's. */
static void reap(int st, int *failed, int *status)
{
    int s = WIFEXITED(st) ? WEXITSTATUS(st) : MCN_EX_SOFTWARE;
    if (s != 0 && (*failed)++ == 0)
        *status = s;
}

/* Every model loaded and its samples made here, once per distinct input;
   then a child per model, at most jobs at a time. */
static int batch(const q_args *a)
{
    int status = check_batch(a);
    if (status)
        return status;
    qcmd_calib *cache = NULL;
    int failed = 0, running = 0, done = 0;
    progress bar;
    progress_init(&bar, "quantizing");
    for (int k = 0; k < a->n_in; k++) {
        graph g;
        qcmd_err r = {"", {{0}, 0}};
        const sample_batch *b;
        graph_init(&g);
        if (qcmd_load(a->in[k], &g, &r) ||
            qcmd_samples(&cache, &a->q, a->in[k], &g, &b, &r)) {
            progress_end(&bar);
            print_err(&r);
            graph_free(&g);
            if (failed++ == 0)
                status = mcn_exit_status(&r.e);
            progress_update(&bar, ++done, a->n_in);
            continue;
        }
        while (running >= a->jobs) {
            int st;
            if (wait(&st) > 0) {
                running--;
                reap(st, &failed, &status);
                progress_update(&bar, ++done, a->n_in);
            }
        }
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0)
            _exit(batch_child(a, k, b, &g));
        if (pid < 0) {
            perror("mcn-quantize: fork");
            if (failed++ == 0)
                status = MCN_EX_OSERR;
            done++;
        } else {
            running++;
        }
        graph_free(&g);
    }
    for (int st; running > 0;)
        if (wait(&st) > 0) {
            running--;
            reap(st, &failed, &status);
            progress_update(&bar, ++done, a->n_in);
        }
    progress_end(&bar);
    qcmd_calib_free(cache);
    if (failed)
        fprintf(stderr, "mcn-quantize: %d of %d models failed\n", failed,
                a->n_in);
    return status;
}

/* Usage mistakes: one line, and where to look. */
static int usage_error(const char *what, const char *arg)
{
    return arg ? tool_usage("mcn-quantize", "%s '%s'", what, arg)
               : tool_usage("mcn-quantize", "%s", what);
}

/* The value after option argv[*i], or NULL when there is none. */
static const char *value(int argc, char **argv, int *i)
{
    return *i + 1 < argc ? argv[++*i] : NULL;
}

static int parse(int argc, char **argv, q_args *a, quantize_layer *layers)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i], *v = NULL;
        mcn_err ce;
        int took = calib_opts_take(argc, argv, &i, &a->q.calib_opts, &ce);
        if (took < 0)
            return usage_error(ce.msg, NULL);
        if (took)
            continue;
        if (!strncmp(s, "--calib=", 8)) {
            a->q.calib = s + 8;
        } else if (!strcmp(s, "--bias-correction")) {
            a->q.bias_correction = true;
        } else if (!strcmp(s, "--calib") || !strcmp(s, "-o") ||
                   !strcmp(s, "--out-dir") || !strcmp(s, "--report") ||
                   !strcmp(s, "--method") || !strcmp(s, "--percentile") ||
                   !strcmp(s, "--layer") || !strcmp(s, "--jobs")) {
            if (!(v = value(argc, argv, &i)))
                return usage_error("missing a value after", s);
            char *end;
            if (!strcmp(s, "--calib"))
                a->q.calib = v;
            else if (!strcmp(s, "-o"))
                a->out = v;
            else if (!strcmp(s, "--out-dir"))
                a->out_dir = v;
            else if (!strcmp(s, "--report"))
                a->report = v;
            else if (!strcmp(s, "--method")) {
                int m = qrange_method_parse(v);
                if (m < 0)
                    return usage_error("unknown --method (minmax, percentile, "
                                       "entropy, mse):", v);
                a->q.method = (qrange_method)m;
            } else if (!strcmp(s, "--percentile")) {
                a->q.percentile = strtod(v, &end);
                if (*end || !(a->q.percentile > 50 &&
                              a->q.percentile <= 100))
                    return usage_error("--percentile takes a number in "
                                       "(50, 100]:", v);
            } else if (!strcmp(s, "--jobs")) {
                long j = strtol(v, &end, 10);
                if (*end || j < 1 || j > 256)
                    return usage_error("--jobs takes 1 to 256:", v);
                a->jobs = (int)j;
            } else {
                mcn_err e;
                if (a->q.n_layers == MAX_MODELS)
                    return usage_error("too many --layer options", NULL);
                if (qcmd_parse_layer(argv[i], &layers[a->q.n_layers], &e))
                    return usage_error(e.msg, NULL);
                a->q.n_layers++;
            }
        } else if (s[0] == '-' && s[1]) {
            return usage_error("unknown option", s);
        } else if (a->n_in == MAX_MODELS) {
            return usage_error("too many input models", NULL);
        } else {
            a->in[a->n_in++] = s;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    static q_args a;
    static quantize_layer layers[MAX_MODELS];
    static char full_help[sizeof help + sizeof help_tail + 4096];
    snprintf(full_help, sizeof full_help, "%s%s%s", help, calib_opts_help,
             help_tail);
    tool_cli_standard(argc, argv, "mcn-quantize", full_help);
    a.jobs = 1;
    calib_opts_init(&a.q.calib_opts);
    a.q.layers = layers;
    a.q.progress = true;
    if (parse(argc, argv, &a, layers))
        return TOOL_EX_USAGE;
    if (!a.q.calib)
        return usage_error("--calib CALIB is required", NULL);
    if (a.out_dir) {
        if (a.out)
            return usage_error("-o and --out-dir do not go together", NULL);
        if (a.n_in < 1)
            return usage_error("--out-dir needs the models to quantize",
                               NULL);
        return batch(&a);
    }
    if (a.n_in > 1)
        return usage_error("more than one input model without --out-dir:",
                           a.in[1]);
    if (a.jobs != 1)
        return usage_error("--jobs is for batch mode (--out-dir)", NULL);
    const char *in = a.n_in ? a.in[0] : "-";
    if (!strcmp(a.q.calib, "-") && !strcmp(in, "-"))
        return usage_error("the model and --calib cannot both be stdin",
                           NULL);
    bool to_stdout = !a.out || !strcmp(a.out, "-");
    if (to_stdout && isatty(STDOUT_FILENO))
        return usage_error("will not write a binary model to a terminal; "
                           "use -o FILE or a pipe", NULL);
    return one_model(&a);
}
