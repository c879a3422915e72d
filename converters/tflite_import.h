/*
** tflite_import.h: TensorFlow Lite flatbuffer -> host graph.
**
** The file is read in place (formats/fb_read.h): every table, vector and
** string is bounds-checked once before anything is read from it, so a
** truncated or hostile file gives an error, never a bad read.
**
** TFLite already speaks the graph's conventions: activations NHWC, CONV_2D
** weights [O,KH,KW,I], DEPTHWISE_CONV_2D [1,KH,KW,O], FULLY_CONNECTED
** [O,K]. An int8 model comes through exactly as TFLite Micro runs it: the
** same scales, zero points, quantized_dimension and int8/int32 data, so
** mcn-pack derives TFLM's arithmetic from them. Quantization is read as
** TFLM reads it, which accepts the forms files take in the wild (one zero
** point for a per-channel tensor, a stale quantized_dimension on a bias
** or a one-scale tensor, empty tables; tflite_quant.c has the rules). Only
** subgraph 0 is imported, as only it runs; an operator that runs another
** subgraph (CALL_ONCE, IF, WHILE, CALL) is refused naming it.
**
** A float model (float inputs) becomes a float graph; int8 weights in it
** (dynamic-range quantization) are dequantized, and the generic graph
** passes run on it.
**
** An int8 model with float inputs and outputs (QUANTIZE first,
** DEQUANTIZE last) imports with int8 edges: the QUANTIZE and DEQUANTIZE
** fold away, and the tools quantize and dequantize at the edge as those
** operators do (tflite_edge.c). Inside a model only int8 -> int8
** QUANTIZE is kept, as a requantization.
**
** SAME/VALID padding becomes explicit pads as TFLite computes them
** (top/left = total / 2, the odd one at the bottom/right). Constant axes,
** paddings and pad values become node fields. Operators the graph has no
** node for are refused by name:
**   "operator 7 (SUB): unsupported operator"
** and a file that is not a well-formed TFLite model gives
**   "not a TFLite model (...)".
*/
#ifndef MCN_TFLITE_IMPORT_H
#define MCN_TFLITE_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "graph.h"

typedef struct {
    FILE *verbose;   /* non-NULL: one line per fusion the passes make */
} tflite_import_opts;

/* Import subgraph 0 of a .tflite file into g (initialised here; freed
   again on failure). o may be NULL. */
int tflite_import(const uint8_t *buf, size_t len, const tflite_import_opts *o,
                  graph *g, mcn_err *e);

/* An OperatorCode's operator: the larger of deprecated_builtin_code and
   builtin_code (old files fill only the first, new ones both, and codes
   from 127 up fit only the second). */
int32_t tflite_builtin_code(int8_t deprecated_builtin_code,
                            int32_t builtin_code);

/* Published name of a builtin operator code ("CONV_2D"), or NULL. */
const char *tflite_builtin_name(int32_t code);

#endif
