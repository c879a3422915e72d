/*
** sample_io.h: .npy arrays in and out of a model, the same way for every
** tool that runs one (mcn-run, mcn-sim, mcn-quantize's calibration).
**
** Inputs arrive in the source model's layout (NCHW for ONNX). A float
** array feeding an int8 input is quantized with the input's scale and zero
** point (round half away from zero, clamped); an int8 array feeding an int8
** input is taken as the quantized tensor itself; any other numeric array
** is converted to float first. Samples are returned in graph layout.
*/
#ifndef MCN_SAMPLE_IO_H
#define MCN_SAMPLE_IO_H

#include <stdbool.h>
#include <stdio.h>

#include "graph.h"
#include "npy.h"

/* How an array holds its samples, so outputs come back the same way. */
typedef enum {
    SAMPLE_ONE = 0,          /* exactly the input's shape: one sample */
    SAMPLE_LEADING_AXIS = 1, /* (N, *input_shape) */
    SAMPLE_BATCH_DIM = 2     /* (N, *input_shape[1:]): N replaces the batch */
} sample_form;

typedef struct {
    int n;                /* samples */
    mcn_dtype dtype;      /* the graph input's dtype: FLOAT32 or INT8 */
    size_t sample_bytes;  /* one sample, graph layout */
    void *data;           /* n * sample_bytes */
    sample_form form;
} sample_batch;

int sample_inputs_from_npy(const graph *g, int input, const npy_array *a,
                           sample_batch *b, mcn_err *e);

/* The same for an image input (float, rank 4) fed images of another
   height and width: each is read at its own size, then resized to the
   input's (sample_resize_bilinear). Any other mismatch fails as above. */
int sample_inputs_resized(const graph *g, int input, const npy_array *a,
                          sample_batch *b, mcn_err *e);

/* n NHWC images h x w x c to oh x ow, bilinear with half-pixel centres
   (ONNX Resize's default, PyTorch's align_corners=False), edges clamped. */
void sample_resize_bilinear(const float *in, int n, int h, int w, int c,
                            int oh, int ow, float *out);

/* n samples of graph output `output` (graph layout, the tensor's dtype)
   to an array in the source layout: shape for SAMPLE_ONE, (n, *shape) for
   SAMPLE_LEADING_AXIS, (n, *shape[1:]) for SAMPLE_BATCH_DIM when the
   output's batch dimension is 1 (else as SAMPLE_LEADING_AXIS).
   int8 outputs are dequantized to float32 unless raw. */
int sample_outputs_to_npy(const graph *g, int output, const void *data,
                          int n, sample_form form, bool raw, npy_array *out,
                          mcn_err *e);

void sample_batch_free(sample_batch *b);

/* Index of the largest value of sample s of the n in y (int8 or float32),
   the class a classifier picks; -1 for an empty sample. */
int64_t sample_argmax(const npy_array *y, int s, int n);
/* Element i of an integer array (labels), or -1 for a float one. */
int64_t sample_label_at(const npy_array *a, int64_t i);
/* The line the tools print per sample: "sample S: class C  [v0 v1 ...]". */
void sample_print(FILE *f, const npy_array *y, int s, int n);

#endif
