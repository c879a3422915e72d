/*
** onnx_nesting.h: how deep an ONNX file's messages nest, read from the
** protobuf wire format before anything is unpacked. protobuf-c unpacks
** recursively with no depth limit, so If/Loop subgraphs (graph -> node ->
** attribute -> graph ...) or sequence types nested thousands deep
** overflow the stack; this walk follows only the fields through which
** ONNX's messages can recurse, and stops at the limit. It counts the
** nodes on the way, as unpacking a million of them costs memory too.
*/
#ifndef MCN_ONNX_NESTING_H
#define MCN_ONNX_NESTING_H

#include <stddef.h>
#include <stdint.h>

#include "graph.h"

/* Deepest nesting the importer accepts: real models nest a few levels. */
#define ONNX_MAX_NESTING 64

typedef enum {
    ONNX_NESTING_OK = 0,
    ONNX_NESTING_TOO_DEEP,  /* some path is more than `limit` messages deep */
    ONNX_NESTING_MALFORMED  /* not protobuf wire format */
} onnx_nesting;

onnx_nesting onnx_check_nesting(const uint8_t *buf, size_t len, int limit);

/* Most nodes a model may hold, in all its graphs: protobuf-c takes some
   200 bytes for each, so 16 bytes of wire per node would otherwise make
   a 32 MB file cost 600 MB before the importer saw a node. Twice the
   graph's limit: constants and shape arithmetic fold away. */
#define ONNX_MAX_NODES (2 * GRAPH_MAX_NODES)

/* The same walk, counting the NodeProtos it passes into *nodes. */
onnx_nesting onnx_check_wire(const uint8_t *buf, size_t len, int limit,
                             uint64_t *nodes);

#endif
