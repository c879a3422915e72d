/*
** quantize.h: post-training int8 quantization in TFLite's scheme.
**   weights: per-output-channel symmetric int8 in [-127, 127]
**   activations: per-tensor asymmetric int8, range = min/max over the
**                calibration batch, widened to include 0
**   bias: int32 with scale s_in * s_w[c], zero point 0
** The result's graph inputs and outputs are int8 tensors carrying their
** scale and zero point; the tools quantize/dequantize at the edge.
** Requantization multipliers are not stored here: mcn-pack derives them
** from the scales (qmath.h), for imported int8 models too.
*/
#ifndef MCN_QUANTIZE_H
#define MCN_QUANTIZE_H

#include <stdbool.h>

#include "graph.h"
#include "qrange.h"

/* One activation's range chosen otherwise than the rest: by name of the
   tensor or of the node that produces it. */
typedef struct {
    const char *name;
    int method;             /* qrange_method, or -1: the fixed [lo, hi] */
    float lo, hi;
} quantize_layer;

/* What calibration found for one tensor (quantize_opts.stats). */
typedef struct {
    bool calibrated;        /* a non-constant float tensor samples reached */
    int method;             /* how its range was chosen; -1: fixed */
    float min, max;         /* measured over the calibration set */
    float lo, hi;           /* chosen, before tensors that share a range
                               (CONCATENATION's, say) are widened to it */
    double clipped;         /* fraction of the measured values outside */
} quantize_tensor_stats;

typedef struct {
    int n_samples;          /* calibration samples */
    const float *const *samples;  /* [n_samples] pointers to graph input 0,
                                     graph layout (NHWC) */
    void (*progress)(int done, int total, void *user);  /* may be NULL */
    void *user;
    qrange_method method;   /* every activation's but the layers' below */
    double percentile;      /* QRANGE_PERCENTILE's p; 0 means 99.99 */
    int n_layers;
    const quantize_layer *layers;
    quantize_tensor_stats *stats;  /* NULL, or one per graph tensor */
    /* Fold into each conv and fully connected bias the error weight
       quantization adds to the mean of each output channel (bias_correct.h). */
    bool bias_correction;
} quantize_opts;

/* Float graph in, int8 graph out (in place). The graph must have one
   input (the one the samples feed). On failure the graph may be half
   converted: the caller discards it. */
int quantize_graph(graph *g, const quantize_opts *o, mcn_err *e);

/* Tensor t as the quantizer's messages name it: 'name', or #t when it
   has none; written into buf (n bytes), which is returned. */
const char *quantize_tensor_label(const graph *g, int t, char *buf,
                                  size_t n);

/* Scale and zero point for a real range [lo, hi] (TFLite's asymmetric
   int8 choice, 0 exactly representable). */
void quantize_choose_params(float lo, float hi, float *scale, int32_t *zp);

/* Fails, saying why, unless g is a float graph: no int8 tensor, no
   quantization parameters, no packed arithmetic. */
int quantize_check_float(const graph *g, mcn_err *e);

/* Calibration alone: run every sample through the float graph and record
   each non-constant float tensor's range in lo[t], hi[t] (arrays of
   g->n_tensors): the measured one for minmax, else the one o->method (or
   the tensor's layer override) picks from a histogram of a second pass.
   Tensors that no sample reaches are left at lo = +inf, hi = -inf. Calls
   o->progress after each sample of each pass; fills o->stats if set. A
   layer naming no tensor or node, or a constant, fails. With means set,
   also each activation's mean per channel (its last axis) in means[t]
   (malloc'd, free each; NULL for constants, zeros if not reached). */
int quantize_calibrate(const graph *g, const quantize_opts *o, float *lo,
                       float *hi, mcn_err *e);
int quantize_calibrate_means(const graph *g, const quantize_opts *o,
                             float *lo, float *hi, double **means,
                             mcn_err *e);

#endif
