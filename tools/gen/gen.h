/*
** gen.h: a packed model as C source (mcn-gen), TinyEngine's form of it:
** one call of each kernel the model needs, in order, on parameter structs
** that are static const data with every shape, offset and quantization
** constant a literal; the weights, biases and requantization vectors as
** const arrays (flash); the arena as one static buffer of exactly the
** planned size. No interpreter, no model parser: only the kernels the
** model calls are linked, each through its entry point for a common case
** (gen_calls.c's specials) where every call of it in the model fits that
** case, so that paths no layer reaches are not linked either.
**
** The calls are the engine's own (mcn_op_call over a host mcn_init of the
** model), so generated code computes exactly what the interpreter does.
**
** NAME.h declares, for NAME "net":
**   NET_ARENA_BYTES, NET_INPUTS, NET_OUTPUTS;
**   NET_INPUT<i>_BYTES / _OFFSET / _SCALE / _ZERO_POINT, NET_OUTPUT<i>_...;
**   uint8_t net_arena[];  void net_invoke(void);
**   int8_t *net_input(int i), *net_output(int i); uint32_t
**   net_input_bytes(int i), net_output_bytes(int i); int net_inputs(void),
**   net_outputs(void).
** NAME.c calls MCN_GEN_OP_HOOK(op, done) around each kernel when it is
** defined (profiling), as mcn_set_op_hook does for the interpreter.
*/
#ifndef MCN_GEN_H
#define MCN_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef struct {
    char *c_src, *h_src;       /* malloc'd, NUL-terminated */
    uint32_t arena_bytes;
    int n_calls;
} gen_out;

/* model: a packed model (mcn-pack's output), 4-byte aligned. name: a C
   identifier, the prefix of every symbol. */
#define GEN_NAME_MAX 64
int gen_model(const uint8_t *model, size_t len, const char *name,
              gen_out *out, mcn_err *e);
void gen_out_free(gen_out *out);

#endif
