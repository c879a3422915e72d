/*
** mcn.h: the engine's public API. C99, freestanding: no malloc, no stdio.
**
** The engine reads a packed model (mcn-pack output) in place, typically from
** flash, and runs it in one caller-owned SRAM arena:
**
**   static uint8_t arena[MODEL_ARENA_BYTES] __attribute__((aligned(16)));
**   mcn_ctx ctx;
**   if (mcn_init(&ctx, model, model_len, arena, sizeof arena) != MCN_OK) ...
**   mcn_tensor in; mcn_input(&ctx, 0, &in);   fill in.data (int8, NHWC)
**   mcn_invoke(&ctx);
**   mcn_tensor out; mcn_output(&ctx, 0, &out);
**
** mcn_init verifies every offset and length in the model once; nothing is
** checked again on the hot path.
*/
#ifndef MCN_H
#define MCN_H

#include <stddef.h>
#include <stdint.h>

#include "mcn_format.h"

typedef enum {
    MCN_OK = 0,
    MCN_ERR_ARG = -1,         /* a NULL pointer or an index out of range */
    MCN_ERR_MODEL = -2,       /* malformed: bad identifier, offset or shape */
    MCN_ERR_VERSION = -3,     /* format version this engine does not read */
    MCN_ERR_NOT_PACKED = -4,  /* no arena plan: run mcn-pack first */
    MCN_ERR_ARENA = -5,       /* arena smaller than the model needs */
    MCN_ERR_UNSUPPORTED = -6  /* an op or dtype this engine has no kernel for */
} mcn_status;

/* A tensor as the caller sees it: data points into the arena (or flash). */
typedef struct {
    mcn_dtype dtype;
    int rank;
    int32_t dims[MCN_MAX_DIMS];
    void *data;
    uint32_t bytes;
    float scale;         /* per-tensor quantization; 0 when not quantized */
    int32_t zero_point;
} mcn_tensor;

/* Called around each operator by mcn_invoke once set (mcn_set_op_hook):
   done = 0 just before operator `op` runs, 1 just after. For profiling:
   firmware reads a cycle or instruction counter here. */
typedef void (*mcn_op_hook)(void *user, uint32_t op, int done);

typedef struct {
    const uint8_t *model;
    uint32_t model_size;
    uint8_t *arena;
    uint32_t arena_size;
    uint32_t root;        /* positions inside the model, set by mcn_init */
    uint32_t tensors, n_tensors;
    uint32_t operators, n_operators;
    uint32_t buffers, n_buffers;
    uint32_t inputs, n_inputs;
    uint32_t outputs, n_outputs;
    int32_t failed_op;    /* operator index of the last error, or -1 */
    int32_t ready;        /* 1 once mcn_init has succeeded */
    mcn_op_hook hook;     /* NULL: none (mcn_init clears it) */
    void *hook_user;
} mcn_ctx;

/* Verify the model and bind it to the arena. The arena must be 16-byte
   aligned and the model 4-byte aligned (its int32 vectors are read in
   place); otherwise MCN_ERR_ARG. */
mcn_status mcn_init(mcn_ctx *ctx, const void *model, size_t model_size,
                    void *arena, size_t arena_size);
/* Verify only: what mcn_init checks about the model itself. */
mcn_status mcn_verify(const void *model, size_t model_size);
/* Arena bytes a packed model needs (0 if unplanned or malformed). */
uint32_t mcn_arena_bytes(const void *model, size_t model_size);

int mcn_num_inputs(const mcn_ctx *ctx);
int mcn_num_outputs(const mcn_ctx *ctx);
mcn_status mcn_input(const mcn_ctx *ctx, int i, mcn_tensor *t);
mcn_status mcn_output(const mcn_ctx *ctx, int i, mcn_tensor *t);
mcn_status mcn_invoke(mcn_ctx *ctx);
/* Operator op's output tensor. Its data holds the result from the end of
   the operator (the hook's done = 1) until a later operator reuses the
   space: what a per-layer dump or error report reads from the hook. */
mcn_status mcn_op_output(const mcn_ctx *ctx, uint32_t op, mcn_tensor *t);
/* Set (or, with NULL, clear) the per-operator hook; after mcn_init. */
mcn_status mcn_set_op_hook(mcn_ctx *ctx, mcn_op_hook hook, void *user);

/* A short English phrase; "" when built with MCN_STRIP_ERROR_STRINGS. */
const char *mcn_status_str(mcn_status s);

#endif
