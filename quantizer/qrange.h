/*
** qrange.h: an activation's int8 range from its calibration histogram.
**
**   minmax      the whole measured range (TFLite's default calibrator)
**   percentile  the central p% of the values: (100 - p)% split evenly
**               between the two tails
**   entropy     the range whose 255-step quantization of the histogram
**               loses least information: least KL divergence between the
**               clipped distribution and its quantized form (TensorRT's
**               calibrator, applied to an asymmetric range). Atoms inside
**               the range are left out: int8 keeps a repeated value a
**               spike, where the divergence would count it smeared over
**               its step and so favour ranges too narrow to hold the rest
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
/* Atoms: a value repeated exactly, often (a channel's bias where the
   input is blank, say). Found per hash slot, each holding its most
   frequent value (one-counter Misra-Gries): a value of 1% of the data
   outweighs the ~0.1% of others a slot sees. */
#define QRANGE_ATOM_SLOTS 1024
/* A slot's value is an atom when it holds this share of all values. */
#define QRANGE_ATOM_SHARE 0.005

typedef struct {
    double lo, hi;
    double zeros;
    double counts[QRANGE_BINS];
    uint32_t atom_bits[QRANGE_ATOM_SLOTS];   /* the value's float bits */
    double atom_count[QRANGE_ATOM_SLOTS];    /* a lower bound */
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
