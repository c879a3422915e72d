/*
** test_model_util.h: int8 host graphs built tensor by tensor, for the
** suites that pack and run them (with test_tflite_util.h's runners).
*/
#ifndef MCN_TEST_MODEL_UTIL_H
#define MCN_TEST_MODEL_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "graph.h"
#include "mcn.h"

/* A per-tensor int8 tensor; a constant holding n bytes when data is not
   NULL. */
int tm_int8(graph *g, const char *name, int rank, const int32_t *shape,
            float scale, int32_t zp, const int8_t *data, size_t n);
/* A node reading a and b (-1: none) and writing out. */
int tm_node(graph *g, mcn_opcode op, int a, int b, int out);

/* mcn_init refuses what the kernels could not run safely: each case's
   edit is made to the model `build` makes, after packing; mcn_init must
   then fail with `want` at operator `op`. */
typedef struct {
    void (*edit)(graph *);
    mcn_status want;
    int32_t op;
} tm_refusal;

void tm_expect_refusals(void (*build)(graph *), const tm_refusal *cases,
                        size_t n);

#endif
