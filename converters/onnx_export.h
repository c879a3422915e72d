/*
** onnx_export.h: a host graph -> ONNX ModelProto (opset 13, ir_version
** 8), so a model mcn-nas pruned can be fine-tuned in PyTorch and come back
** through mcn-import. 4-D activations are NCHW in the file; the model's
** inputs and outputs keep the names, shapes and layout the source had. An
** int8 graph is written as QDQ (onnx_export_qdq.c): int8 activations,
** each op's float computation between DequantizeLinear and
** QuantizeLinear, int8 weights and int32 biases through DequantizeLinear
** at their per-channel scales, float edges. A packed graph, or an op with
** no ONNX form here, is refused with one line.
*/
#ifndef MCN_ONNX_EXPORT_H
#define MCN_ONNX_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "graph.h"

/* The serialized model in a malloc'd *buf of *len bytes. */
int onnx_export(const graph *g, uint8_t **buf, size_t *len, mcn_err *e);

#endif
