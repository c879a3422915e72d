/*
** tflite_model.c: check a .tflite flatbuffer and index it (tfl_model).
** Each object the importer will read is checked here exactly once, with
** fb_read.h; a failure names the object so a broken file can be located.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb_read.h"
#include "tflite_internal.h"

/* The only schema generation there is (TFLite's TFLITE_SCHEMA_VERSION). */
#define TFL_SCHEMA_VERSION 3u

typedef struct {
    tfl_model *m;
    const uint8_t *b;
    uint32_t size;
    mcn_err *e;
    uint32_t buffers, n_buffers;
} reader;

static int bad(reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int bad(reader *r, const char *fmt, ...)
{
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return mcn_fail(r->e, "not a TFLite model (%s)", what);
}

int32_t tfl_i32_at(const tfl_model *m, uint32_t vec, uint32_t i)
{
    return fb_i32(m->b + vec + 4u * i);
}

int32_t tflite_builtin_code(int8_t deprecated_builtin_code,
                            int32_t builtin_code)
{
    return deprecated_builtin_code > builtin_code ? deprecated_builtin_code
                                                  : builtin_code;
}

static int read_opcodes(reader *r, uint32_t model)
{
    uint32_t v, n;
    if (!fb_check_vector(r->b, r->size, model, TFL_MODEL_OPERATOR_CODES, 4,
                         &v, &n))
        return bad(r, "bad operator_codes");
    r->m->codes = calloc(n ? n : 1, sizeof *r->m->codes);
    if (!r->m->codes)
        return mcn_fail(r->e, "out of memory");
    r->m->n_codes = n;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t;
        if (!fb_check_vector_table(r->b, r->size, v, i, &t) ||
            !fb_check_scalar(r->b, t, TFL_OPCODE_DEPRECATED_BUILTIN_CODE, 1) ||
            !fb_check_string(r->b, r->size, t, TFL_OPCODE_CUSTOM_CODE) ||
            !fb_check_scalar(r->b, t, TFL_OPCODE_BUILTIN_CODE, 4))
            return bad(r, "bad operator_codes[%u]", i);
        int dep = fb_get_u8(r->b, t, TFL_OPCODE_DEPRECATED_BUILTIN_CODE, 0);
        /* The field is a signed byte. */
        r->m->codes[i].code = tflite_builtin_code(
            (int8_t)(dep < 128 ? dep : dep - 256),
            fb_get_i32(r->b, t, TFL_OPCODE_BUILTIN_CODE, 0));
        r->m->codes[i].custom =
            fb_get_string(r->b, t, TFL_OPCODE_CUSTOM_CODE);
    }
    return 0;
}

/* A constant's bytes: Buffer.data, which may be empty (an activation). */
static int read_buffer(reader *r, uint32_t i, uint32_t index, tfl_tensor *t)
{
    uint32_t buf, data, n;
    if (index >= r->n_buffers)
        return bad(r, "tensor %u uses buffer %u of %u", i, index,
                   r->n_buffers);
    if (!fb_check_vector_table(r->b, r->size, r->buffers, index, &buf) ||
        !fb_check_vector(r->b, r->size, buf, TFL_BUFFER_DATA, 1, &data, &n) ||
        !fb_check_scalar(r->b, buf, TFL_BUFFER_OFFSET, 8))
        return bad(r, "bad buffers[%u]", index);
    /* Models over 2 GB keep data after the flatbuffer (offset > 1). */
    uint32_t off = fb_field(r->b, buf, TFL_BUFFER_OFFSET);
    t->external = off && (fb_u32(r->b + off) > 1 || fb_u32(r->b + off + 4));
    t->data = n ? r->b + data : NULL;
    t->nbytes = n;
    return 0;
}

static int read_quant(reader *r, uint32_t i, uint32_t q, tfl_tensor *t)
{
    if (!fb_check_vector(r->b, r->size, q, TFL_QUANT_SCALE, 4, &t->scale,
                         &t->n_scale) ||
        !fb_check_vector(r->b, r->size, q, TFL_QUANT_ZERO_POINT, 8, &t->zp,
                         &t->n_zp) ||
        !fb_check_scalar(r->b, q, TFL_QUANT_DETAILS_TYPE, 1) ||
        !fb_check_scalar(r->b, q, TFL_QUANT_QUANTIZED_DIMENSION, 4))
        return bad(r, "bad quantization of tensor %u", i);
    t->custom_quant = fb_get_u8(r->b, q, TFL_QUANT_DETAILS_TYPE, 0) != 0;
    t->qdim = fb_get_i32(r->b, q, TFL_QUANT_QUANTIZED_DIMENSION, 0);
    return 0;
}

static int read_tensors(reader *r, uint32_t sg)
{
    uint32_t v, n;
    if (!fb_check_vector(r->b, r->size, sg, TFL_SUBGRAPH_TENSORS, 4, &v, &n))
        return bad(r, "bad tensors");
    /* Before allocating: a 4-byte reference each declares millions. */
    if (n > GRAPH_MAX_TENSORS)
        return mcn_fail(r->e, "subgraph 0 has %u tensors; at most %d are "
                        "supported", n, GRAPH_MAX_TENSORS);
    tfl_model *m = r->m;
    m->tensors = calloc(n ? n : 1, sizeof *m->tensors);
    if (!m->tensors)
        return mcn_fail(r->e, "out of memory");
    m->n_tensors = n;
    for (uint32_t i = 0; i < n; i++) {
        tfl_tensor *t = &m->tensors[i];
        uint32_t tt, q, sparse;
        if (!fb_check_vector_table(r->b, r->size, v, i, &tt) ||
            !fb_check_vector(r->b, r->size, tt, TFL_TENSOR_SHAPE, 4,
                             &t->shape, &t->rank) ||
            !fb_check_scalar(r->b, tt, TFL_TENSOR_TYPE, 1) ||
            !fb_check_scalar(r->b, tt, TFL_TENSOR_BUFFER, 4) ||
            !fb_check_string(r->b, r->size, tt, TFL_TENSOR_NAME) ||
            !fb_check_subtable(r->b, r->size, tt, TFL_TENSOR_QUANTIZATION,
                               &q) ||
            !fb_check_scalar(r->b, tt, TFL_TENSOR_IS_VARIABLE, 1) ||
            !fb_check_subtable(r->b, r->size, tt, TFL_TENSOR_SPARSITY,
                               &sparse))
            return bad(r, "bad tensors[%u]", i);
        const char *name = fb_get_string(r->b, tt, TFL_TENSOR_NAME);
        t->name = name ? name : "";
        t->type = (int8_t)fb_get_u8(r->b, tt, TFL_TENSOR_TYPE, 0);
        t->variable = fb_get_u8(r->b, tt, TFL_TENSOR_IS_VARIABLE, 0) != 0;
        t->sparse = sparse != 0;
        if ((q && read_quant(r, i, q, t)) ||
            read_buffer(r, i, fb_get_u32(r->b, tt, TFL_TENSOR_BUFFER, 0), t))
            return -1;
    }
    return 0;
}

/* A vector of tensor indices, each in range (or -1 when optional_ok). */
static int read_indices(reader *r, uint32_t table, int id, bool optional_ok,
                        uint32_t *vec, uint32_t *n, const char *what)
{
    if (!fb_check_vector(r->b, r->size, table, id, 4, vec, n))
        return bad(r, "bad %s", what);
    for (uint32_t i = 0; i < *n; i++) {
        int32_t t = tfl_i32_at(r->m, *vec, i);
        if (t < (optional_ok ? -1 : 0) || (t >= 0 &&
                                           (uint32_t)t >= r->m->n_tensors))
            return bad(r, "%s refer to tensor %d of %u", what, (int)t,
                       r->m->n_tensors);
    }
    return 0;
}

static int read_ops(reader *r, uint32_t sg)
{
    uint32_t v, n;
    char what[64];
    if (!fb_check_vector(r->b, r->size, sg, TFL_SUBGRAPH_OPERATORS, 4, &v, &n))
        return bad(r, "bad operators");
    if (n > GRAPH_MAX_NODES)
        return mcn_fail(r->e, "subgraph 0 has %u operators; at most %d are "
                        "supported", n, GRAPH_MAX_NODES);
    tfl_model *m = r->m;
    m->ops = calloc(n ? n : 1, sizeof *m->ops);
    if (!m->ops)
        return mcn_fail(r->e, "out of memory");
    m->n_ops = n;
    for (uint32_t i = 0; i < n; i++) {
        tfl_op *o = &m->ops[i];
        uint32_t t;
        if (!fb_check_vector_table(r->b, r->size, v, i, &t) ||
            !fb_check_scalar(r->b, t, TFL_OPERATOR_OPCODE_INDEX, 4) ||
            !fb_check_scalar(r->b, t, TFL_OPERATOR_BUILTIN_OPTIONS_TYPE, 1) ||
            !fb_check_subtable(r->b, r->size, t, TFL_OPERATOR_BUILTIN_OPTIONS,
                               &o->opt))
            return bad(r, "bad operators[%u]", i);
        o->opcode = fb_get_u32(r->b, t, TFL_OPERATOR_OPCODE_INDEX, 0);
        if (o->opcode >= m->n_codes)
            return bad(r, "operator %u has opcode index %u of %u", i,
                       o->opcode, m->n_codes);
        o->opt_type = fb_get_u8(r->b, t, TFL_OPERATOR_BUILTIN_OPTIONS_TYPE, 0);
        snprintf(what, sizeof what, "operator %u's inputs", i);
        if (read_indices(r, t, TFL_OPERATOR_INPUTS, true, &o->in, &o->n_in,
                         what))
            return -1;
        snprintf(what, sizeof what, "operator %u's outputs", i);
        if (read_indices(r, t, TFL_OPERATOR_OUTPUTS, false, &o->out,
                         &o->n_out, what))
            return -1;
    }
    return 0;
}

/* Every subgraph's name, for messages about operators that run one
   (only subgraph 0 is read further). */
static int read_subgraph_names(reader *r, uint32_t sgs, uint32_t n)
{
    tfl_model *m = r->m;
    m->subgraph_names = calloc(n, sizeof *m->subgraph_names);
    if (!m->subgraph_names)
        return mcn_fail(r->e, "out of memory");
    m->n_subgraphs = n;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t sg;
        if (!fb_check_vector_table(r->b, r->size, sgs, k, &sg) ||
            !fb_check_string(r->b, r->size, sg, TFL_SUBGRAPH_NAME))
            return bad(r, "bad subgraphs[%u]", k);
        const char *name = fb_get_string(r->b, sg, TFL_SUBGRAPH_NAME);
        m->subgraph_names[k] = name ? name : "";
    }
    return 0;
}

static int read_model(reader *r, size_t len)
{
    uint32_t root, sgs, n_sg, sg;
    if (len < 8)
        return bad(r, "only %zu bytes", len);
    if (len > UINT32_MAX)
        return bad(r, "over 4 GB");
    r->size = (uint32_t)len;
    if (memcmp(r->b + 4, "TFL3", 4) != 0)
        return bad(r, "no TFL3 identifier");
    if (!fb_check_root(r->b, r->size, "TFL3", &root))
        return bad(r, "bad root table");
    if (!fb_check_scalar(r->b, root, TFL_MODEL_VERSION, 4) ||
        !fb_check_string(r->b, r->size, root, TFL_MODEL_DESCRIPTION))
        return bad(r, "bad model table");
    uint32_t version = fb_get_u32(r->b, root, TFL_MODEL_VERSION, 0);
    if (version != TFL_SCHEMA_VERSION)
        return bad(r, "schema version %u, expected %u", version,
                   TFL_SCHEMA_VERSION);
    r->m->description = fb_get_string(r->b, root, TFL_MODEL_DESCRIPTION);
    if (!fb_check_vector(r->b, r->size, root, TFL_MODEL_BUFFERS, 4,
                         &r->buffers, &r->n_buffers))
        return bad(r, "bad buffers");
    if (!fb_check_vector(r->b, r->size, root, TFL_MODEL_SUBGRAPHS, 4, &sgs,
                         &n_sg))
        return bad(r, "bad subgraphs");
    if (n_sg == 0)
        return bad(r, "no subgraphs");
    tfl_model *m = r->m;
    if (read_subgraph_names(r, sgs, n_sg))
        return -1;
    /* Subgraph 0 is the model; others only serve control flow ops. */
    if (!fb_check_vector_table(r->b, r->size, sgs, 0, &sg))
        return bad(r, "bad subgraphs[0]");
    if (read_opcodes(r, root) || read_tensors(r, sg) ||
        read_indices(r, sg, TFL_SUBGRAPH_INPUTS, false, &m->inputs,
                     &m->n_inputs, "subgraph inputs") ||
        read_indices(r, sg, TFL_SUBGRAPH_OUTPUTS, false, &m->outputs,
                     &m->n_outputs, "subgraph outputs"))
        return -1;
    return read_ops(r, sg);
}

int tfl_model_read(tfl_model *m, const uint8_t *b, size_t len, mcn_err *e)
{
    memset(m, 0, sizeof *m);
    m->b = b;
    reader r = {.m = m, .b = b, .e = e};
    if (!b)
        return bad(&r, "no data");
    if (read_model(&r, len)) {
        tfl_model_free(m);
        return -1;
    }
    m->size = r.size;
    return 0;
}

void tfl_model_free(tfl_model *m)
{
    free(m->codes);
    free(m->tensors);
    free(m->ops);
    free(m->subgraph_names);
    m->subgraph_names = NULL;
    m->codes = NULL;
    m->tensors = NULL;
    m->ops = NULL;
}
