/*
** test_pb_wire.h: protobuf's wire format written by hand, for tests that
** need ONNX files no builder would make (nesting thousands deep, millions
** of nodes in a few bytes each).
*/
#ifndef MCN_TEST_PB_WIRE_H
#define MCN_TEST_PB_WIRE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t *b;
    size_t n, cap;
} wire;

/* Append n bytes (none: p may be NULL); the buffer grows as needed. */
void wire_put(wire *w, const void *p, size_t n);
void wire_varint(wire *w, uint64_t v);
/* Field f, length-delimited, holding p[0..n). */
void wire_field(wire *w, int f, const void *p, size_t n);
void wire_str(wire *w, int f, const char *s);

#endif
