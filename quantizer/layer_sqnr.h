/*
** layer_sqnr.h: how far an int8 graph's every layer is from its float
** original, on the same samples: signal-to-quantization-noise ratio
**
**     SQNR = 10 log10( sum f^2 / sum (f - dq)^2 )   dB
**
** with f the float graph's tensor and dq the engine's int8 output
** dequantized. The int8 graph runs in the engine itself (packed in
** memory, names kept), so the figures are what the chip will compute.
*/
#ifndef MCN_LAYER_SQNR_H
#define MCN_LAYER_SQNR_H

#include <stdint.h>

#include "graph.h"

typedef struct {
    double signal, noise;   /* sums of f^2 and (f - dq)^2 */
    int64_t n;              /* elements compared */
} sqnr_acc;

void sqnr_add(sqnr_acc *a, const float *f, const float *dq, int64_t n);
/* In dB; +inf when there was no noise, -inf when no signal but noise. */
double sqnr_db(const sqnr_acc *a);

/* One per operator of the int8 graph whose output the float graph has
   (same tensor name). */
typedef struct {
    int tensor;             /* its index in the float graph */
    int node;               /* the float graph's node producing it */
    sqnr_acc acc;
} layer_sqnr;

/* fg float, qg its quantized form (tensor names kept); samples in graph
   layout for input 0. *out malloc'd, in execution order. */
int layer_sqnr_measure(const graph *fg, const graph *qg,
                       const float *const *samples, int n_samples,
                       layer_sqnr **out, int *n_out, mcn_err *e);

#endif
