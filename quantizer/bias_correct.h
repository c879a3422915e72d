/*
** bias_correct.h: bias correction (Nagel et al., "Data-Free Quantization",
** 2019, section 4.2, with the means measured instead of derived). Rounding
** weights to int8 shifts each output channel's mean by dW . E[x], dW the
** dequantized weights less the float ones and E[x] the calibration mean
** of the input's channels; the float bias absorbs it before it is itself
** quantized. Borders (padding) are ignored: the interior's tap count.
*/
#ifndef MCN_BIAS_CORRECT_H
#define MCN_BIAS_CORRECT_H

#include <stdint.h>

#include "graph.h"

/* Node `node` (CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED) of g, its
   weights quantized to q with per-output-channel scales s, its input's
   mean per channel mean_in: bias[c] -= (q * s - w) . mean_in, for the
   bias[] of its output channels (float, in place). Other ops, and a fully
   connected layer flattening a 4-D input, are left as they are. */
void bias_correct(const graph *g, int node, const int8_t *q, const float *s,
                  const double *mean_in, float *bias);

#endif
