/*
** test_model_util.h: making small models for the op suites and running
** them: TFLite files compiled by flatc from JSON, int8 host graphs built
** tensor by tensor, and running either on the engine (packed) or on the
** float reference. Failures are Check assertions.
*/
#ifndef MCN_TEST_MODEL_UTIL_H
#define MCN_TEST_MODEL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graph.h"
#include "mcn.h"

/* ---- TFLite files ---- */

/* flatc -b of the JSON file at json_path into dir: the .tflite's bytes
   (malloc'd). */
uint8_t *tm_compile(const char *dir, const char *json_path, size_t *len);
/* A .tflite from JSON against schemas/tflite.fbs (without the outer
   braces and version); malloc'd. */
uint8_t *tm_tflite(size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Bytes of int8 values or little-endian floats, as a JSON list, in s. */
const char *tm_i8s(char *s, size_t cap, int n, const int8_t *v);
const char *tm_f32s(char *s, size_t cap, int n, const float *v);
/* "type: INT8, quantization: {...}" for int8, "" (FLOAT32) otherwise. */
const char *tm_q8(char *s, size_t cap, bool int8, double scale, int zp);
void tm_import_ok(const uint8_t *b, size_t len, graph *g);
/* tflite_import must fail with exactly msg. */
void tm_import_error(const uint8_t *b, size_t len, const char *msg);

/* ---- int8 graphs ---- */

/* A per-tensor int8 tensor; a constant holding n bytes when data is not
   NULL. */
int tm_int8(graph *g, const char *name, int rank, const int32_t *shape,
            float scale, int32_t zp, const int8_t *data, size_t n);
/* A node reading a and b (-1: none) and writing out. */
int tm_node(graph *g, mcn_opcode op, int a, int b, int out);

/* ---- checking and running ---- */

void tm_ops_are(const graph *g, int n, const mcn_opcode *want);
void tm_shape_is(const graph_tensor *t, int rank, const int32_t *want);
void tm_bytes_are(const int8_t *got, const int8_t *want, int n);
/* Pack g (freed) and run it once on the engine: x[i] feeds input i, and
   output k (of ny[k] bytes) goes to y[k]. tm_run_int8: output 0 only. */
void tm_run_int8_outputs(graph *g, const int8_t *const *x, int n_out,
                         int8_t *const *y, const size_t *ny);
void tm_run_int8(graph *g, const int8_t *const *x, int8_t *y, size_t ny);
/* Write an already packed (perhaps since edited) g, free it, and return
   what mcn_init says of it, with the failing operator in *failed_op. */
mcn_status tm_init_status(graph *g, int32_t *failed_op);
/* Run a float graph once; output `out` (n values) into y. */
void tm_run_float(const graph *g, const float *const *x, int out, float *y,
                  int64_t n);

#endif
