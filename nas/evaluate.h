/*
** evaluate.h: a candidate's top-1 accuracy on labelled samples, the
** search's fitness without training: the samples (at the trained input
** size) resized bilinearly (sample_io.h) to each candidate's resolution, once per
** resolution, and run through the float reference (quantizer/float_exec).
*/
#ifndef MCN_NAS_EVALUATE_H
#define MCN_NAS_EVALUATE_H

#include <stdint.h>

#include "graph.h"

typedef struct {
    int h, w;
    float *x;
} nas_sized;

typedef struct {
    int n;              /* samples */
    int h, w, c;        /* as the trained network takes them (NHWC) */
    float *x;           /* n * h * w * c */
    int64_t *labels;    /* n class indices */
    nas_sized *sized;   /* resized copies, one per resolution met */
    int n_sized;
} nas_eval_set;

/* Samples from an .npy the trained graph g takes (as mcn-run reads
   them) and as many integer labels from another (labels_path NULL:
   samples alone, for calibration); errors name the file. */
int nas_eval_load(const graph *g, const char *x_path,
                  const char *labels_path, nas_eval_set *s, mcn_err *e);
void nas_eval_free(nas_eval_set *s);

/* The samples resized to h x w (made once per size, kept in s). */
const float *nas_eval_sized(nas_eval_set *s, int h, int w, mcn_err *e);

/* Top-1 accuracy in [0, 1] of float graph g (input 0 at its own size). */
int nas_eval_top1(nas_eval_set *s, const graph *g, double *acc, mcn_err *e);

#endif
