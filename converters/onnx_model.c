/* onnx_model.c: reading attributes and TensorProtos out of the protobuf. */
#include <stdio.h>
#include <string.h>

#include "onnx_internal.h"

#define AT(x) ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__##x
#define DT(x) ONNX__TENSOR_PROTO__DATA_TYPE__##x

const Onnx__AttributeProto *onnx_attr(const Onnx__NodeProto *n,
                                      const char *name)
{
    for (size_t i = 0; i < n->n_attribute; i++)
        if (n->attribute[i]->name && !strcmp(n->attribute[i]->name, name))
            return n->attribute[i];
    return NULL;
}

/* Old exporters leave `type` out; the filled field says it then. */
static int attr_type(const Onnx__AttributeProto *a)
{
    if (a->has_type && a->type != AT(UNDEFINED))
        return a->type;
    if (a->has_i)
        return AT(INT);
    if (a->has_f)
        return AT(FLOAT);
    if (a->has_s)
        return AT(STRING);
    if (a->t)
        return AT(TENSOR);
    if (a->n_ints)
        return AT(INTS);
    if (a->n_floats)
        return AT(FLOATS);
    return AT(UNDEFINED);
}

static int wrong_type(onnx_ctx *c, const char *name, const char *want)
{
    return onnx_fail(c, "attribute '%s' should be %s", name, want);
}

int onnx_attr_int(onnx_ctx *c, const char *name, int64_t def, int64_t *v)
{
    const Onnx__AttributeProto *a = onnx_attr(c->node, name);
    *v = def;
    if (!a)
        return 0;
    if (attr_type(a) != AT(INT))
        return wrong_type(c, name, "an int");
    *v = a->i;
    return 0;
}

int onnx_attr_float(onnx_ctx *c, const char *name, float def, float *v)
{
    const Onnx__AttributeProto *a = onnx_attr(c->node, name);
    *v = def;
    if (!a)
        return 0;
    int t = attr_type(a);
    if (t == AT(FLOAT))
        *v = a->f;
    else if (t == AT(INT))
        *v = (float)a->i;
    else
        return wrong_type(c, name, "a float");
    return 0;
}

int onnx_attr_ints(onnx_ctx *c, const char *name, int64_t *v, int max,
                   int *count)
{
    const Onnx__AttributeProto *a = onnx_attr(c->node, name);
    *count = -1;
    if (!a)
        return 0;
    int t = attr_type(a);
    if (t != AT(INTS) && t != AT(UNDEFINED))  /* an empty list has no field */
        return wrong_type(c, name, "a list of ints");
    if (a->n_ints > (size_t)max)
        return onnx_fail(c, "attribute '%s' has %zu values; at most %d "
                         "expected", name, a->n_ints, max);
    if (a->n_ints)
        memcpy(v, a->ints, a->n_ints * sizeof *v);
    *count = (int)a->n_ints;
    return 0;
}

int onnx_attr_string(onnx_ctx *c, const char *name, const char *def,
                     char *buf, size_t size)
{
    const Onnx__AttributeProto *a = onnx_attr(c->node, name);
    if (!a) {
        snprintf(buf, size, "%s", def);
        return 0;
    }
    if (attr_type(a) != AT(STRING))
        return wrong_type(c, name, "a string");
    size_t len = a->s.len;
    if (len >= size || (len && memchr(a->s.data, 0, len)))
        return onnx_fail(c, "attribute '%s' is not a short string", name);
    if (len)
        memcpy(buf, a->s.data, len);
    buf[len] = 0;
    return 0;
}

/* ---- TensorProto ---- */

const char *onnx_dtype_name(int dt)
{
    switch (dt) {
    case DT(FLOAT): return "float32";
    case DT(UINT8): return "uint8";
    case DT(INT8): return "int8";
    case DT(INT32): return "int32";
    case DT(INT64): return "int64";
    case DT(BOOL): return "bool";
    case DT(DOUBLE): return "float64";
    case DT(COMPLEX64): return "complex64";
    case DT(COMPLEX128): return "complex128";
    case DT(UINT16): return "uint16";
    case DT(INT16): return "int16";
    case DT(STRING): return "string";
    case DT(FLOAT16): return "float16";
    case DT(UINT32): return "uint32";
    case DT(UINT64): return "uint64";
    case DT(BFLOAT16): return "bfloat16";
    default: return "unknown";
    }
}

/* raw_data is little-endian whatever the host. */
static uint64_t le(const uint8_t *p, int bytes)
{
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static int raw_ok(const Onnx__TensorProto *t, int64_t n, int elem)
{
    return t->has_raw_data && t->raw_data.len == (size_t)n * (size_t)elem;
}

static int decode_float(const Onnx__TensorProto *t, onnx_const *k)
{
    int64_t n = k->n;
    if (raw_ok(t, n, 4)) {
        for (int64_t j = 0; j < n; j++) {
            uint32_t u = (uint32_t)le(t->raw_data.data + 4 * j, 4);
            memcpy(&k->f[j], &u, 4);
        }
    } else if (t->n_float_data == (size_t)n) {
        if (n)
            memcpy(k->f, t->float_data, (size_t)n * sizeof *k->f);
    } else {
        return -1;
    }
    return 0;
}

static int decode_double(const Onnx__TensorProto *t, onnx_const *k)
{
    int64_t n = k->n;
    if (raw_ok(t, n, 8)) {
        for (int64_t j = 0; j < n; j++) {
            uint64_t u = le(t->raw_data.data + 8 * j, 8);
            double d;
            memcpy(&d, &u, 8);
            k->f[j] = (float)d;
        }
    } else if (t->n_double_data == (size_t)n) {
        for (int64_t j = 0; j < n; j++)
            k->f[j] = (float)t->double_data[j];
    } else {
        return -1;
    }
    return 0;
}

/* Integers of `elem` bytes; int32_data holds the narrow types too. */
static int decode_int(const Onnx__TensorProto *t, onnx_const *k, int elem,
                      bool is_signed)
{
    int64_t n = k->n;
    if (raw_ok(t, n, elem)) {
        for (int64_t j = 0; j < n; j++) {
            uint64_t u = le(t->raw_data.data + (size_t)elem * (size_t)j, elem);
            int shift = 64 - 8 * elem;
            /* Sign-extend through the top bits, without shifting into
               the sign of a signed type. */
            if (is_signed && shift && (u >> (8 * elem - 1)) & 1)
                u |= ~(uint64_t)0 << (8 * elem);
            k->i[j] = (int64_t)u;
        }
    } else if (elem == 8 && t->n_int64_data == (size_t)n) {
        if (n)
            memcpy(k->i, t->int64_data, (size_t)n * sizeof *k->i);
    } else if (elem < 8 && t->n_int32_data == (size_t)n) {
        for (int64_t j = 0; j < n; j++)
            k->i[j] = t->int32_data[j];
    } else {
        return -1;
    }
    return 0;
}

/* Whether t's data is n elements of `elem` bytes, in either encoding:
   what the decoders below accept. */
static bool holds(const Onnx__TensorProto *t, int dt, int64_t n, int elem)
{
    if (raw_ok(t, n, elem))
        return true;
    size_t have = dt == DT(FLOAT)    ? t->n_float_data
                  : dt == DT(DOUBLE) ? t->n_double_data
                  : elem == 8        ? t->n_int64_data
                                     : t->n_int32_data;
    return have == (size_t)n;
}

/* Bytes and signedness of the integer types read; 0 for the others. */
static int int_width(int dt, bool *is_signed)
{
    *is_signed = dt != DT(UINT8) && dt != DT(BOOL);
    switch (dt) {
    case DT(INT64): return 8;
    case DT(INT32): return 4;
    case DT(UINT8): case DT(INT8): case DT(BOOL): return 1;
    default: return 0;
    }
}

int onnx_tensor_decode(const Onnx__TensorProto *t, onnx_const *k,
                       char *why, size_t why_size)
{
    memset(k, 0, sizeof *k);
    if (t->has_data_location &&
        t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) {
        snprintf(why, why_size, "external data is not supported");
        return -1;
    }
    if (t->n_dims > MCN_MAX_DIMS) {
        snprintf(why, why_size, "rank %zu is more than %d", t->n_dims,
                 MCN_MAX_DIMS);
        return -1;
    }
    onnx_shape s = {(int)t->n_dims, {0}};
    for (size_t i = 0; i < t->n_dims; i++) {
        if (t->dims[i] < 0 || t->dims[i] > INT32_MAX) {
            snprintf(why, why_size, "dimension %zu is %lld", i,
                     (long long)t->dims[i]);
            return -1;
        }
        s.d[i] = t->dims[i];
    }
    int dt = t->has_data_type ? t->data_type : DT(UNDEFINED);
    bool is_signed;
    int width = int_width(dt, &is_signed);
    bool is_int = width > 0;
    if (!is_int && dt != DT(FLOAT) && dt != DT(DOUBLE)) {
        snprintf(why, why_size, "data type %s (%d) is not supported",
                 onnx_dtype_name(dt), dt);
        return -1;
    }
    int64_t n = onnx_shape_elems(&s);
    char dims[96];
    if (n < 0 || n > ONNX_MAX_ELEMS) {
        snprintf(why, why_size, "shape %s has more than %lld elements",
                 onnx_shape_str(&s, dims, sizeof dims),
                 (long long)ONNX_MAX_ELEMS);
        return -1;
    }
    /* The data must be in the file: a few bytes declaring 2^30 elements
       are refused before 4 GB is allocated for them. */
    int held = dt == DT(FLOAT) ? 4 : dt == DT(DOUBLE) ? 8 : width;
    if (!holds(t, dt, n, held)) {
        snprintf(why, why_size, "the data does not hold %lld elements",
                 (long long)n);
        return -1;
    }
    if (onnx_const_alloc(k, is_int, &s)) {
        snprintf(why, why_size, "out of memory for %lld elements",
                 (long long)n);
        return -1;
    }
    k->dtype = dt == DT(DOUBLE) ? DT(FLOAT) : dt;
    int rc = dt == DT(FLOAT)    ? decode_float(t, k)
             : dt == DT(DOUBLE) ? decode_double(t, k)
             : decode_int(t, k, width, is_signed);
    if (rc) {
        snprintf(why, why_size, "the data does not hold %lld elements",
                 (long long)k->n);
        onnx_const_free(k);
        return -1;
    }
    return 0;
}
