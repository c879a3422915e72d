/*
** test_tflite_util.h: tiny .tflite models for the TFLite importer's
** suites, written as JSON and compiled by flatc against
** schemas/tflite.fbs, and running what they import: int8 graphs packed
** on the engine, float ones on the float reference.
*/
#ifndef MCN_TEST_TFLITE_UTIL_H
#define MCN_TEST_TFLITE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graph.h"
#include "mcn.h"

/* flatc -b the JSON file at json_path into dir; the .tflite's bytes
   (malloc'd). */
uint8_t *compile_file(const char *dir, const char *json_path, size_t *len);
/* A .tflite from JSON (without the outer braces and version). */
uint8_t *model(size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Bytes of int8 values or little-endian floats, as a JSON list into s. */
const char *i8s(char *s, size_t cap, int n, const int8_t *v);
const char *f32s(char *s, size_t cap, int n, const float *v);
/* "type: INT8, quantization: {...}" for int8, "" (FLOAT32) otherwise. */
const char *q8(char *s, size_t cap, bool int8, double scale, int zp);

void import_ok(const uint8_t *b, size_t len, graph *g);
/* The import fails with exactly msg. */
void expect_error(const uint8_t *b, size_t len, const char *msg);
/* The node list is exactly want[0..n). */
void ops_are(const graph *g, int n, const mcn_opcode *want);
void shape_is(const graph_tensor *t, int rank, const int32_t *want);
/* Pack g (freed) and run it once on the engine: x[i] feeds input i, and
   output k (of ny[k] bytes) goes to y[k]. run_int8: output 0 only. */
void run_int8_outputs(graph *g, const int8_t *const *x, int n_out,
                      int8_t *const *y, const size_t *ny);
void run_int8(graph *g, const int8_t *const *x, int8_t *y, size_t ny);
/* The same for a g already packed (perhaps since laid out anew), freed:
   mcn_init's status, and the outputs when it is MCN_OK. */
mcn_status run_packed_outputs(graph *g, const int8_t *const *x, int n_out,
                              int8_t *const *y, const size_t *ny);
/* Write an already packed (perhaps since edited) g, free it, and return
   what mcn_init says of it, with the failing operator in *failed_op. */
mcn_status init_status(graph *g, int32_t *failed_op);
void bytes_are(const int8_t *got, const int8_t *want, int n);
/* Run a float graph once; output `out` (n values) into y. */
void run_float(const graph *g, const float *const *x, int out, float *y,
               int64_t n);

#endif
