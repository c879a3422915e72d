/* onnx_nesting.c: bounding an ONNX file's message nesting on the wire
   (onnx_nesting.h). Field numbers are onnx.proto's. */
#include "onnx_nesting.h"

typedef enum {
    M_NONE, M_MODEL, M_GRAPH, M_NODE, M_ATTRIBUTE, M_FUNCTION, M_TRAINING,
    M_VALUE_INFO, M_TYPE, M_SEQUENCE, M_MAP, M_OPTIONAL
} kind;

/* The message kind field `f` of a `k` holds, for the fields through which
   messages can recurse; M_NONE for everything else (skipped). */
static kind child(kind k, uint64_t f)
{
    switch (k) {
    case M_MODEL:
        return f == 7 ? M_GRAPH : f == 20 ? M_TRAINING
             : f == 25 ? M_FUNCTION : M_NONE;
    case M_TRAINING: return f == 1 || f == 2 ? M_GRAPH : M_NONE;
    case M_FUNCTION: return f == 7 ? M_NODE : M_NONE;
    case M_GRAPH:
        return f == 1 ? M_NODE
             : f == 11 || f == 12 || f == 13 ? M_VALUE_INFO : M_NONE;
    case M_NODE: return f == 5 ? M_ATTRIBUTE : M_NONE;
    case M_ATTRIBUTE:
        return f == 6 || f == 11 ? M_GRAPH
             : f == 14 || f == 15 ? M_TYPE : M_NONE;
    case M_VALUE_INFO: return f == 2 ? M_TYPE : M_NONE;
    case M_TYPE:
        return f == 4 ? M_SEQUENCE : f == 5 ? M_MAP
             : f == 9 ? M_OPTIONAL : M_NONE;
    case M_SEQUENCE: return f == 1 ? M_TYPE : M_NONE;
    case M_MAP: return f == 2 ? M_TYPE : M_NONE;
    case M_OPTIONAL: return f == 1 ? M_TYPE : M_NONE;
    default: return M_NONE;
    }
}

static int varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (*p >= end)
            return -1;
        const uint8_t b = *(*p)++;
        *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return 0;
    }
    return -1;
}

static onnx_nesting walk(const uint8_t *p, const uint8_t *end, kind k,
                         int depth, int limit, uint64_t *nodes)
{
    if (k == M_NODE)
        ++*nodes;
    if (depth > limit)
        return ONNX_NESTING_TOO_DEEP;
    while (p < end) {
        uint64_t key, n;
        if (varint(&p, end, &key))
            return ONNX_NESTING_MALFORMED;
        switch (key & 7) {
        case 0:
            if (varint(&p, end, &n))
                return ONNX_NESTING_MALFORMED;
            break;
        case 1:
            if (end - p < 8)
                return ONNX_NESTING_MALFORMED;
            p += 8;
            break;
        case 5:
            if (end - p < 4)
                return ONNX_NESTING_MALFORMED;
            p += 4;
            break;
        case 2: {
            if (varint(&p, end, &n) || n > (uint64_t)(end - p))
                return ONNX_NESTING_MALFORMED;
            const kind c = child(k, key >> 3);
            if (c != M_NONE) {
                onnx_nesting r = walk(p, p + n, c, depth + 1, limit,
                                      nodes);
                if (r != ONNX_NESTING_OK)
                    return r;
            }
            p += n;
            break;
        }
        default:  /* groups (3, 4) are not in onnx.proto; 6, 7 do not exist */
            return ONNX_NESTING_MALFORMED;
        }
    }
    return ONNX_NESTING_OK;
}

onnx_nesting onnx_check_wire(const uint8_t *buf, size_t len, int limit,
                             uint64_t *nodes)
{
    *nodes = 0;
    return walk(buf, buf + len, M_MODEL, 0, limit, nodes);
}

onnx_nesting onnx_check_nesting(const uint8_t *buf, size_t len, int limit)
{
    uint64_t nodes;
    return onnx_check_wire(buf, len, limit, &nodes);
}
