/*
** tflm_ref.h: TensorFlow Lite Micro's reference outputs for the MLPerf
** Tiny int8 models (../shared/reference/tflm: NAME.inputs.npy, ten int8
** rows, and NAME.outputs.npy, TFLM's bytes for them), and a packed graph
** on the host engine to hold against them. Shared by the oracle test and
** the TFLite quirk tests; failures are Check assertions.
*/
#ifndef MCN_TFLM_REF_H
#define MCN_TFLM_REF_H

#include <stddef.h>
#include <stdint.h>

#include "graph.h"
#include "mcn.h"
#include "mcn_plan.h"
#include "npy.h"
#include "testutil.h"

#define TFLM_MODELS TU_SHARED("models/mlperf-tiny/")
#define TFLM_REF TU_SHARED("reference/tflm/")
#define TFLM_ROWS 10

/* NAME.WHAT.npy, WHAT "inputs" or "outputs": int8, TFLM_ROWS rows. */
void tflm_load_ref(const char *name, const char *what, npy_array *a);

/* Index of the first byte where a and b differ, or -1. */
long tflm_first_diff(const int8_t *a, const int8_t *b, size_t n);

/* A graph packed (names stripped), written as a .mcn and initialised on
   the host engine, with its input 0 and output 0. */
typedef struct {
    uint8_t *model;
    size_t len;
    void *arena;
    mcn_ctx ctx;
    mcn_tensor in, out;
} tflm_engine;

void tflm_engine_open(tflm_engine *r, graph *g);
/* The same, packed for `target` (mcn_plan.h): its kernels, its layout. */
void tflm_engine_open_for(tflm_engine *r, graph *g, mcn_target target);
void tflm_engine_close(tflm_engine *r);

/* Every row of NAME.inputs.npy through the engine gives exactly the row
   of NAME.outputs.npy. */
void tflm_engine_matches(tflm_engine *r, const char *name);

#endif
