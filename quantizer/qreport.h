/*
** qreport.h: mcn-quantize's accuracy report: per layer, the range
** calibration chose, the fraction of calibration values it clips and the
** SQNR of the engine's int8 output against the float model's, as JSON
** (for scripts) and as an SVG bar chart (for a person looking for the
** layer that hurts).
*/
#ifndef MCN_QREPORT_H
#define MCN_QREPORT_H

#include "graph.h"
#include "layer_sqnr.h"
#include "quantize.h"

typedef struct {
    const char *model;      /* the input model's file name */
    const graph *fg, *qg;   /* float original, quantized (same tensors) */
    const quantize_tensor_stats *stats;  /* per tensor of fg */
    const layer_sqnr *layers;
    int n_layers;
    int n_samples;
    qrange_method method;
} qreport;

/* Mean SQNR over the layers with a finite one (dB), and how many. */
double qreport_mean_sqnr(const qreport *r, int *counted);

/* Both files, each written whole under a temporary name and renamed; the
   SVG's path is the JSON's with ".svg" for its extension. */
int qreport_write(const qreport *r, const char *json_path, mcn_err *e);

/* Removes the JSON and its SVG: the report of a model that was not
   written, or half a report, is not left behind. */
void qreport_remove(const char *json_path);

/* The SVG's path for a JSON path (buf of n bytes). */
void qreport_svg_path(const char *json_path, char *buf, size_t n);

#endif
