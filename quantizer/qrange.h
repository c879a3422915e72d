/*
** qrange.h: an activation's int8 range from its calibration histogram.
**
**   minmax      the whole measured range (TFLite's default calibrator)
**   percentile  the central p% of the values: (100 - p)% split evenly
**               between the two tails
**   entropy     the range whose 255-step quantization of the histogram
**               loses least information: least KL divergence between the
**               clipped distribution and its quantized form (TensorRT's
**               calibrator, applied to an asymmetric range)
**   mse         the range with the least expected squared error: clipping
**               error outside it, a uniform step^2 / 12 inside
**
** Candidate ranges shrink the measured one towards zero, so zero stays
** inside (int8 must represent it exactly); mse then moves each end on
** its own. Every method returns a range inside the measured one.
*/
#ifndef MCN_QRANGE_H
#define MCN_QRANGE_H

#include <stdint.h>

typedef enum {
    QRANGE_MINMAX = 0,
    QRANGE_PERCENTILE,
    QRANGE_ENTROPY,
    QRANGE_MSE,
    QRANGE_COUNT
} qrange_method;

/* Bins of the histogram calibration fills: fine enough that a 255-step
   range an eighth of the measured one still spans one bin per step. */
#define QRANGE_BINS 2048

/* counts[QRANGE_BINS] over [lo, hi] (lo <= 0 <= hi, lo < hi): bin i holds
   the values in [lo + i w, lo + (i + 1) w), w = (hi - lo) / QRANGE_BINS;
   the last bin takes hi too. Exact zeros (ReLU's many) are counted apart:
   int8 represents zero exactly whatever the range, so they weigh in no
   method's choice but percentile's share. */
typedef struct {
    double lo, hi;
    double zeros;
    double counts[QRANGE_BINS];
} qrange_hist;

/* Empty histogram over [lo, hi], widened to hold 0 and kept non-empty. */
void qrange_hist_init(qrange_hist *h, double lo, double hi);
/* Count n values. */
void qrange_hist_add(qrange_hist *h, const float *v, int64_t n);

/* The range method m chooses (percentile: p in (0, 100], e.g. 99.99). */
void qrange_choose(const qrange_hist *h, qrange_method m, double p,
                   float *lo, float *hi);
/* Fraction of the counted values outside [lo, hi], by whole bins. */
double qrange_clipped(const qrange_hist *h, float lo, float hi);

/* "minmax", "percentile", ... and back (-1 when unknown). */
const char *qrange_method_name(qrange_method m);
int qrange_method_parse(const char *s);

#endif
