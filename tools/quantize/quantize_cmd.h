/*
** quantize_cmd.h: what mcn-quantize does for one model, shared by its
** one-model and batch forms: calibration samples (read once and reused by
** every model with the same input), the quantization, the report.
*/
#ifndef MCN_QUANTIZE_CMD_H
#define MCN_QUANTIZE_CMD_H

#include <stdbool.h>

#include "calib_input.h"
#include "graph.h"
#include "quantize.h"
#include "sample_io.h"

typedef struct {
    const char *calib;          /* --calib PATH */
    calib_opts calib_opts;      /* how its files are read (calib_input.h) */
    qrange_method method;
    double percentile;
    int n_layers;
    quantize_layer *layers;
    bool bias_correction;
    bool progress;              /* a calibration bar on a terminal */
} qcmd_opts;

/* Samples for every distinct model input seen so far. */
typedef struct qcmd_calib qcmd_calib;

/* A failure: the file it concerns and what went wrong. */
typedef struct {
    char file[4096];
    mcn_err e;
} qcmd_err;

/* The calibration samples for g's input 0, read from o->calib the first
   time a model with that input (shape, layout, dtype) asks. A failure's
   message names its file itself (r->file is left empty), but for one
   about an option, which is the model's (in). */
int qcmd_samples(qcmd_calib **cache, const qcmd_opts *o, const char *in,
                 const graph *g, const sample_batch **b, qcmd_err *r);
void qcmd_calib_free(qcmd_calib *cache);

/* Load `in` (a float model; "-" = stdin), quantize it with samples b,
   write `out` ("-" = stdout) and, if report is set, the JSON report
   there and its SVG beside it. Nothing is written on failure. */
int qcmd_load(const char *in, graph *g, qcmd_err *r);
int qcmd_quantize(const qcmd_opts *o, const char *in, graph *g,
                  const sample_batch *b, const char *out, const char *report,
                  qcmd_err *r);

/* --layer NAME=METHOD or NAME=LO,HI into l (name points into s). */
int qcmd_parse_layer(char *s, quantize_layer *l, mcn_err *e);

#endif
