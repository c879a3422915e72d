/*
** test_model_util.h: int8 host graphs built tensor by tensor, for the
** suites that pack and run them (with test_tflite_util.h's runners).
*/
#ifndef MCN_TEST_MODEL_UTIL_H
#define MCN_TEST_MODEL_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "graph.h"

/* A per-tensor int8 tensor; a constant holding n bytes when data is not
   NULL. */
int tm_int8(graph *g, const char *name, int rank, const int32_t *shape,
            float scale, int32_t zp, const int8_t *data, size_t n);
/* A node reading a and b (-1: none) and writing out. */
int tm_node(graph *g, mcn_opcode op, int a, int b, int out);

#endif
