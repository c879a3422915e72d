/* quantize_cmd.c: one model's quantization for mcn-quantize
   (quantize_cmd.h). */
#include "quantize_cmd.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_io.h"
#include "layer_sqnr.h"
#include "progress.h"
#include "qreport.h"

static int fail_in(qcmd_err *r, const char *file, const char *std_name)
{
    snprintf(r->file, sizeof r->file, "%s",
             strcmp(file, "-") == 0 ? std_name : file);
    return -1;
}

struct qcmd_calib {
    graph_tensor input;         /* the input the samples were made for */
    sample_batch batch;
    qcmd_calib *next;
};

static int same_input(const graph_tensor *a, const graph_tensor *b)
{
    if (a->dtype != b->dtype || a->rank != b->rank || a->layout != b->layout)
        return 0;
    for (int d = 0; d < a->rank; d++)
        if (a->shape[d] != b->shape[d])
            return 0;
    return 1;
}

int qcmd_samples(qcmd_calib **cache, const qcmd_opts *o, const char *in,
                 const graph *g, const sample_batch **b, qcmd_err *r)
{
    const graph_tensor *x = &g->tensors[g->inputs[0]];
    for (qcmd_calib *c = *cache; c; c = c->next)
        if (same_input(&c->input, x)) {
            *b = &c->batch;
            return 0;
        }
    qcmd_calib *c = calloc(1, sizeof *c);
    r->file[0] = 0;
    if (!c)
        return mcn_fail(&r->e, "out of memory");
    if (calib_load(g, 0, o->calib, &o->calib_opts, &c->batch, &r->e)) {
        free(c);
        /* "--calib-mean gives 3 values; input 0 has 1 channel": the
           model's, which the message does not name. */
        return strncmp(r->e.msg, "--", 2) == 0 ? fail_in(r, in, "<stdin>")
                                                : -1;
    }
    c->input = *x;
    c->input.name = NULL;       /* only the shape is kept, not its strings */
    c->input.scale = NULL;
    c->input.zero_point = NULL;
    c->input.data = NULL;
    c->next = *cache;
    *cache = c;
    *b = &c->batch;
    return 0;
}

void qcmd_calib_free(qcmd_calib *cache)
{
    while (cache) {
        qcmd_calib *next = cache->next;
        sample_batch_free(&cache->batch);
        free(cache);
        cache = next;
    }
}

int qcmd_load(const char *in, graph *g, qcmd_err *r)
{
    if (graph_load_file(g, in, &r->e) || quantize_check_float(g, &r->e))
        return fail_in(r, in, "<stdin>");
    if (g->n_inputs != 1) {
        mcn_fail(&r->e, "the model has %d inputs; calibration feeds one",
                 g->n_inputs);
        return fail_in(r, in, "<stdin>");
    }
    return 0;
}

/* The report, and its one-line summary into said (printed once the model
   is written too). */
static int write_report(const char *in, const char *path, const graph *fg,
                        const graph *qg, const quantize_opts *qo,
                        char *said, size_t said_len, qcmd_err *r)
{
    layer_sqnr *layers = NULL;
    int n = 0;
    if (layer_sqnr_measure(fg, qg, qo->samples, qo->n_samples, &layers, &n,
                           &r->e))
        return fail_in(r, in, "<stdin>");
    qreport rep = {strcmp(in, "-") == 0 ? "<stdin>" : in, fg, qg, qo->stats,
                   layers, n, qo->n_samples, qo->method};
    int rc = qreport_write(&rep, path, &r->e);
    if (rc == 0) {
        int counted;
        const double mean = qreport_mean_sqnr(&rep, &counted);
        snprintf(said, said_len, "%s: mean SQNR %.2f dB over %d layers, "
                 "output %.2f dB (%s)\n", rep.model, mean, counted,
                 n ? sqnr_db(&layers[n - 1].acc) : NAN, path);
    }
    free(layers);
    return rc ? fail_in(r, path, "-") : 0;
}

int qcmd_quantize(const qcmd_opts *o, const char *in, graph *g,
                  const sample_batch *b, const char *out, const char *report,
                  qcmd_err *r)
{
    const float **samples = malloc(((size_t)b->n + 1) * sizeof *samples);
    quantize_tensor_stats *stats =
        calloc((size_t)g->n_tensors + 1, sizeof *stats);
    graph fg;
    int rc = -1, have_fg = 0;
    if (!samples || !stats) {
        mcn_fail(&r->e, "out of memory");
        fail_in(r, in, "<stdin>");
        goto out;
    }
    for (int i = 0; i < b->n; i++)
        samples[i] = (const float *)((const char *)b->data +
                                     (size_t)i * b->sample_bytes);
    /* The report compares against the float model quantize_graph
       rewrites in place. */
    if (report) {
        if (graph_clone(&fg, g, &r->e)) {
            fail_in(r, in, "<stdin>");
            goto out;
        }
        have_fg = 1;
    }
    progress bar;
    progress_init(&bar, "calibrating");
    quantize_opts qo = {.n_samples = b->n, .samples = samples,
                        .progress = o->progress ? progress_cb : NULL,
                        .user = &bar, .method = o->method,
                        .percentile = o->percentile,
                        .n_layers = o->n_layers, .layers = o->layers,
                        .stats = stats,
                        .bias_correction = o->bias_correction};
    int qrc = quantize_graph(g, &qo, &r->e);
    progress_end(&bar);
    if (qrc) {
        fail_in(r, in, "<stdin>");
        goto out;
    }
    char said[1200] = "";
    if (report && write_report(in, report, &fg, g, &qo, said, sizeof said, r))
        goto out;
    if (graph_save_file(g, out, &r->e)) {
        if (report)
            qreport_remove(report);
        fail_in(r, out, "<stdout>");
        goto out;
    }
    fputs(said, stderr);
    rc = 0;
out:
    if (have_fg)
        graph_free(&fg);
    free(stats);
    free(samples);
    return rc;
}

int qcmd_parse_layer(char *s, quantize_layer *l, mcn_err *e)
{
    char *eq = strrchr(s, '=');
    if (!eq || eq == s || !eq[1])
        return mcn_fail(e, "--layer %s: expected NAME=METHOD or NAME=LO,HI",
                        s);
    *eq = 0;
    l->name = s;
    const char *v = eq + 1;
    int m = qrange_method_parse(v);
    if (m >= 0) {
        l->method = m;
        return 0;
    }
    char *end;
    errno = 0;
    double lo = strtod(v, &end), hi = NAN;
    if (end != v && *end == ',') {
        const char *h = end + 1;
        hi = strtod(h, &end);
        if (end == h)
            hi = NAN;
    }
    if (errno || *end || !isfinite(lo) || !isfinite(hi) || !(lo < hi))
        return mcn_fail(e, "--layer %s=%s: expected a method (minmax, "
                           "percentile, entropy, mse) or LO,HI with LO < HI",
                        s, v);
    l->method = -1;
    l->lo = (float)lo;
    l->hi = (float)hi;
    return 0;
}
