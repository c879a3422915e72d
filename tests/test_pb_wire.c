/* test_pb_wire.c: see test_pb_wire.h. */
#include "test_pb_wire.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

void wire_put(wire *w, const void *p, size_t n)
{
    if (n == 0)
        return;
    if (w->n + n > w->cap) {
        w->cap = (w->n + n) * 2;
        w->b = realloc(w->b, w->cap);
        ck_assert_ptr_nonnull(w->b);
    }
    memcpy(w->b + w->n, p, n);
    w->n += n;
}

void wire_varint(wire *w, uint64_t v)
{
    do {
        uint8_t c = (uint8_t)((v & 0x7f) | (v >> 7 ? 0x80 : 0));
        wire_put(w, &c, 1);
        v >>= 7;
    } while (v);
}

void wire_field(wire *w, int f, const void *p, size_t n)
{
    wire_varint(w, (uint64_t)f << 3 | 2);
    wire_varint(w, n);
    wire_put(w, p, n);
}

void wire_str(wire *w, int f, const char *s)
{
    wire_field(w, f, s, strlen(s));
}
