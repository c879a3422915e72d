/* calibrate.c: the ranges post-training quantization starts from. The
   first pass measures each activation's min and max over the calibration
   set (all TFLite's default calibrator keeps); a tensor whose method is
   not minmax then gets a second pass that fills its histogram over that
   range, and qrange.c picks the range from it. */
#include "quantize.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "float_exec.h"

/* The tensor a layer override names: a tensor, else a node's output. */
static int layer_tensor(const graph *g, const char *name)
{
    int t = graph_find_tensor(g, name);
    if (t >= 0)
        return t;
    for (int i = 0; i < g->n_nodes; i++)
        if (g->nodes[i].name && strcmp(g->nodes[i].name, name) == 0)
            return g->nodes[i].out[0];
    return -1;
}

/* method[t] for every tensor: o->method, or its layer's (-1: fixed). */
static int methods_of(const graph *g, const quantize_opts *o, int *method,
                      mcn_err *e)
{
    for (int t = 0; t < g->n_tensors; t++)
        method[t] = o->method;
    for (int k = 0; k < o->n_layers; k++) {
        const quantize_layer *l = &o->layers[k];
        int t = layer_tensor(g, l->name);
        if (t < 0)
            return mcn_fail(e, "--layer %s: the model has no tensor or node "
                               "of that name", l->name);
        if (g->tensors[t].data || g->tensors[t].dtype != MCN_DT_FLOAT32)
            return mcn_fail(e, "--layer %s: a constant, not an activation",
                            l->name);
        method[t] = l->method;
    }
    return 0;
}

static int needs_hist(const graph *g, const int *method, int t,
                      const float *lo, const float *hi)
{
    return !g->tensors[t].data && method[t] > QRANGE_MINMAX &&
           lo[t] <= hi[t] && isfinite(lo[t]) && isfinite(hi[t]);
}

/* Channels of a tensor's mean: its last axis (NHWC's C, FC's depth). */
static int64_t channels(const graph_tensor *t)
{
    return t->rank > 0 && t->shape[t->rank - 1] > 0 ? t->shape[t->rank - 1]
                                                    : 1;
}

static void add_means(const graph_tensor *t, const float *v, int64_t n,
                      int n_samples, double *mean)
{
    const int64_t c = channels(t), per = n / c;
    for (int64_t i = 0; i < n; i++)
        mean[i % c] += (double)v[i] / ((double)per * n_samples);
}

/* A range int8 cannot hold, named by its tensor and where it arose. */
static int non_finite(const graph *g, int t, float v, int s, int64_t i,
                      mcn_err *e)
{
    char nm[96];
    return mcn_fail(e, "tensor %s %s during calibration (sample %d, "
                       "element %lld)",
                    quantize_tensor_label(g, t, nm, sizeof nm),
                    isnan(v) ? "is NaN" : v > 0 ? "reaches inf"
                                                : "reaches -inf",
                    s, (long long)i);
}

/* One pass over every sample: min/max and means (hist NULL) or the
   histograms. */
static int pass(const graph *g, const quantize_opts *o, float_exec *fx,
                float *lo, float *hi, double **means, qrange_hist **hist,
                int done, int steps, mcn_err *e)
{
    for (int s = 0; s < o->n_samples; s++) {
        const float *in[1] = {o->samples[s]};
        /* The input's own values first: a bad sample is named as such, not
           by the NaN it makes three layers on. */
        const int x = g->inputs[0];
        const int64_t nx = graph_tensor_elems(&g->tensors[x]);
        for (int64_t i = 0; !hist && i < nx; i++)
            if (!isfinite(in[0][i]))
                return non_finite(g, x, in[0][i], s, i, e);
        if (fexec_run(fx, in, e))
            return -1;
        for (int t = 0; t < g->n_tensors; t++) {
            const float *v = fexec_tensor(fx, t);
            if (!v || g->tensors[t].data)
                continue;
            int64_t n = graph_tensor_elems(&g->tensors[t]);
            if (hist) {
                if (hist[t])
                    qrange_hist_add(hist[t], v, n);
                continue;
            }
            for (int64_t i = 0; i < n; i++) {
                if (!isfinite(v[i]))
                    return non_finite(g, t, v[i], s, i, e);
                if (v[i] < lo[t])
                    lo[t] = v[i];
                if (v[i] > hi[t])
                    hi[t] = v[i];
            }
            if (means && means[t])
                add_means(&g->tensors[t], v, n, o->n_samples, means[t]);
        }
        if (o->progress)
            o->progress(done + s + 1, steps, o->user);
    }
    return 0;
}

/* Histograms for the tensors that need them (none: *any = 0). */
static int hist_alloc(const graph *g, const int *method, const float *lo,
                      const float *hi, qrange_hist **hist, int *any)
{
    *any = 0;
    for (int t = 0; t < g->n_tensors; t++) {
        if (!needs_hist(g, method, t, lo, hi))
            continue;
        if (!(hist[t] = malloc(sizeof *hist[t])))
            return -1;
        qrange_hist_init(hist[t], lo[t], hi[t]);
        *any = 1;
    }
    return 0;
}

static void choose(const graph *g, const quantize_opts *o, const int *method,
                   qrange_hist **hist, float *lo, float *hi)
{
    const double p = o->percentile > 0 ? o->percentile : 99.99;
    for (int t = 0; t < g->n_tensors; t++) {
        quantize_tensor_stats *st = o->stats ? &o->stats[t] : NULL;
        const int reached = !g->tensors[t].data && lo[t] <= hi[t];
        if (st) {
            memset(st, 0, sizeof *st);
            st->calibrated = reached;
            st->method = method[t];
            st->min = lo[t];
            st->max = hi[t];
        }
        if (!reached)
            continue;
        if (method[t] < 0) {
            for (int k = 0; k < o->n_layers; k++)
                if (layer_tensor(g, o->layers[k].name) == t) {
                    lo[t] = o->layers[k].lo;
                    hi[t] = o->layers[k].hi;
                }
        } else if (hist[t]) {
            qrange_choose(hist[t], (qrange_method)method[t], p, &lo[t],
                          &hi[t]);
        }
        if (st) {
            st->lo = lo[t];
            st->hi = hi[t];
            st->clipped = hist[t] ? qrange_clipped(hist[t], lo[t], hi[t])
                                  : 0;
        }
    }
}

/* A mean per channel for every activation, zeroed. */
static int means_alloc(const graph *g, double **means)
{
    for (int t = 0; t < g->n_tensors; t++) {
        means[t] = NULL;
        if (g->tensors[t].data || g->tensors[t].dtype != MCN_DT_FLOAT32)
            continue;
        if (!(means[t] = calloc((size_t)channels(&g->tensors[t]),
                                sizeof *means[t])))
            return -1;
    }
    return 0;
}

int quantize_calibrate(const graph *g, const quantize_opts *o, float *lo,
                       float *hi, mcn_err *e)
{
    return quantize_calibrate_means(g, o, lo, hi, NULL, e);
}

int quantize_calibrate_means(const graph *g, const quantize_opts *o,
                             float *lo, float *hi, double **means,
                             mcn_err *e)
{
    if (g->n_inputs != 1)
        return mcn_fail(e, "calibration feeds one graph input; this graph "
                           "has %d", g->n_inputs);
    if (!o || o->n_samples < 1 || !o->samples)
        return mcn_fail(e, "no calibration samples");
    const int n = g->n_tensors;
    int *method = malloc((size_t)(n + 1) * sizeof *method);
    qrange_hist **hist = calloc((size_t)n + 1, sizeof *hist);
    float_exec *fx = NULL;
    int rc = -1, any = 0;
    for (int t = 0; t < n; t++) {
        lo[t] = INFINITY;
        hi[t] = -INFINITY;
    }
    if (!method || !hist) {
        mcn_fail(e, "out of memory");
        goto out;
    }
    if (means && means_alloc(g, means)) {
        mcn_fail(e, "out of memory");
        goto out;
    }
    if (methods_of(g, o, method, e) || fexec_create(&fx, g, e))
        goto out;
    /* Two passes when some method needs a histogram: progress counts
       both, so a bar does not fill twice. */
    int steps = o->n_samples;
    for (int t = 0; t < n; t++)
        if (!g->tensors[t].data && method[t] > QRANGE_MINMAX)
            steps = 2 * o->n_samples;
    if (pass(g, o, fx, lo, hi, means, NULL, 0, steps, e))
        goto out;
    if (hist_alloc(g, method, lo, hi, hist, &any)) {
        mcn_fail(e, "out of memory");
        goto out;
    }
    if (any && pass(g, o, fx, lo, hi, NULL, hist, o->n_samples, steps, e))
        goto out;
    choose(g, o, method, hist, lo, hi);
    rc = 0;
out:
    if (hist)
        for (int t = 0; t < n; t++)
            free(hist[t]);
    free(hist);
    free(method);
    fexec_free(fx);
    return rc;
}
