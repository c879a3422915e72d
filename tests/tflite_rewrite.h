/*
** tflite_rewrite.h: a test-only TFLite rewriter. It reads a .tflite file
** (the MLPerf Tiny models) and writes the same model again with
** formats/fb_build.h, in one of the forms TFLite files take in the wild:
** each TR_ switch below changes how something is written, not (except
** where it says so) what the model computes. With no switch the copy is
** field for field the original (flatc decodes both to the same JSON).
**
** The source must be a model tflite_import reads, with one subgraph and
** only the option tables the MLPerf models use; anything else is refused
** rather than copied wrongly.
*/
#ifndef MCN_TFLITE_REWRITE_H
#define MCN_TFLITE_REWRITE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum {
    /* Biases (input 2 of CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED) say
       quantized_dimension 3, as TFLM's person-detection model does on its
       rank-1 biases. */
    TR_BIAS_STALE_QDIM = 1u << 0,
    /* Tensors with several scales keep one zero point (all theirs are
       equal), TFLM's space-saving form for symmetric weights. */
    TR_ONE_ZERO_POINT = 1u << 1,
    /* Tensors with one scale say quantized_dimension 3. */
    TR_PER_TENSOR_QDIM = 1u << 2,
    /* The empty Quantization tables (`quantization: {}`, which the
       MLPerf models write on every unquantized tensor) are left out. */
    TR_DROP_EMPTY_QUANT = 1u << 3,
    /* FLOAT32 tensors get min [-6] and max [6] and no scale. */
    TR_FLOAT_MIN_MAX = 1u << 4,
    /* RESHAPE's shape input is -1 (absent). */
    TR_RESHAPE_NO_SHAPE = 1u << 5,
    /* Biases are -1 (absent): a different model, see TR_ZERO_BIAS. */
    TR_NO_BIAS = 1u << 6,
    /* Bias data all zeros (same tensors): what TR_NO_BIAS must equal. */
    TR_ZERO_BIAS = 1u << 7,
    /* Every activation gets a buffer of its own holding an empty (present,
       zero-length) data vector. */
    TR_ACT_EMPTY_BUFFERS = 1u << 8,
    /* Every activation uses buffer 0, the empty sentinel. */
    TR_ACT_BUFFER_0 = 1u << 9,
    /* Operator codes: only deprecated_builtin_code; only builtin_code;
       both, the byte holding min(code, 127) (127 is
       PLACEHOLDER_FOR_GREATER_OP_CODES). */
    TR_CODE_DEPRECATED_ONLY = 1u << 10,
    TR_CODE_BUILTIN_ONLY = 1u << 11,
    TR_CODE_BOTH = 1u << 12,
    /* A copy of subgraph 0 as subgraph 1, named "unused", nothing calls. */
    TR_UNUSED_SUBGRAPH = 1u << 13,
    /* An operator that runs other subgraphs, first in subgraph 0; the
       empty subgraphs it runs come last. CALL_ONCE (code 129, written
       with the 127 placeholder byte) running "init"; IF running "then"
       and "else"; CALL running "callee"; WHILE with cond "cond" and a
       body index the model does not have. */
    TR_CALL_ONCE = 1u << 14,
    TR_IF = 1u << 19,
    TR_CALL = 1u << 20,
    TR_WHILE_NO_BODY = 1u << 21,
    /* Every operator code's deprecated_builtin_code is 127 (wrong for a
       code below 127: the larger field wins). */
    TR_CODE_ALL_PLACEHOLDER = 1u << 22,
    /* Model input 0 quantized per channel along its last axis, every
       channel with the same scale and zero point ... */
    TR_INPUT_PER_CHANNEL = 1u << 15,
    /* ... or with its last channel's scale doubled. */
    TR_INPUT_PER_CHANNEL_SKEWED = 1u << 16,
    /* Tensors with more than two scales keep only two zero points. */
    TR_TWO_ZERO_POINTS = 1u << 17,
    /* Tensors with scales lose their zero points. */
    TR_NO_ZERO_POINTS = 1u << 18,
};

/* The model in[len] rewritten with the TR_ switches in quirks: *out
   (malloc'd, *out_len bytes). -1 with the reason in e. */
int tflite_rewrite(const uint8_t *in, size_t len, unsigned quirks,
                   uint8_t **out, size_t *out_len, mcn_err *e);

#endif
