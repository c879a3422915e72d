/*
** tflite_rewrite.c: see tflite_rewrite.h. The source is read with
** fb_read.h's unchecked accessors (it is a model the importer reads, so
** already known to be sound) and the copy is built leaves first, as
** fb_build.h wants: buffers, operator codes, subgraphs (tensors with their
** quantization, operators with their options), then the Model table.
** A field is written exactly when the source has it, unless a switch
** changes it, so the plain copy decodes like the original.
*/
#include "tflite_rewrite.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fb_build.h"
#include "fb_read.h"
#include "tflite_internal.h"

/* Schema slots past the ones the importer names (schemas/tflite.fbs). */
enum { TENSOR_SHAPE_SIGNATURE = 7, TENSOR_HAS_RANK = 8 };
enum { OP_CUSTOM_OPTIONS = 5, OP_CUSTOM_OPTIONS_FORMAT = 6,
       OP_MUTATING_VARIABLE_INPUTS = 7, OP_INTERMEDIATES = 8 };
enum { MODEL_METADATA_BUFFER = 5, MODEL_METADATA = 6,
       MODEL_SIGNATURE_DEFS = 7 };
enum { METADATA_NAME, METADATA_BUFFER };

#define PLACEHOLDER_CODE 127   /* PLACEHOLDER_FOR_GREATER_OP_CODES */
#define STALE_QDIM 3

/* Option tables by BuiltinOptions member: one letter per field, in
   slot order: b a byte, i four bytes (an int, or a float's bits), v a
   vector of ints. */
static const struct {
    uint8_t type;
    const char *fields;
} option_tables[] = {
    {TFL_OPT_CONV2D, "biibiib"},
    {TFL_OPT_DEPTHWISE_CONV2D, "biiibii"},
    {TFL_OPT_POOL2D, "biiiib"},
    {TFL_OPT_FULLY_CONNECTED, "bbbbb"},
    {TFL_OPT_SOFTMAX, "i"},
    {TFL_OPT_CONCATENATION, "ib"},
    {TFL_OPT_ADD, "bb"},
    {TFL_OPT_RESHAPE, "v"},
    {TFL_OPT_MUL, "b"},
    {TFL_OPT_REDUCER, "b"},
    {TFL_OPT_SQUEEZE, "v"},
    {TFL_OPT_LEAKY_RELU, "i"},
};

/* The operators that run other subgraphs (one at a time): what each
   runs, as empty subgraphs after the others; missing_body writes an index
   past the last subgraph for the second. */
#define MISSING_SUBGRAPH 99
static const struct {
    unsigned quirk;
    int32_t code;
    uint8_t options;
    const char *runs[2];
    bool missing_body;
} callers[] = {
    {TR_CALL_ONCE, TFL_OP_CALL_ONCE, TFL_OPT_CALL_ONCE, {"init", NULL},
     false},
    {TR_IF, TFL_OP_IF, TFL_OPT_IF, {"then", "else"}, false},
    {TR_CALL, TFL_OP_CALL, TFL_OPT_CALL, {"callee", NULL}, false},
    {TR_WHILE_NO_BODY, TFL_OP_WHILE, TFL_OPT_WHILE, {"cond", NULL}, true},
};
#define N_CALLERS (sizeof callers / sizeof callers[0])

typedef struct {
    const uint8_t *b;
    unsigned q;                /* TR_ switches */
    fbb f;
    const char *why;           /* the first thing refused, or NULL */
    uint32_t root, sg;
    uint32_t tensors, n_tensors, ops, n_ops;
    uint32_t codes, n_codes, buffers, n_buffers;
    int32_t *code;             /* builtin code of each operator code */
    bool *bias, *act;          /* per tensor: a bias; no data */
    uint32_t *buffer;          /* buffer index each tensor is written with */
    int32_t input0;            /* model input 0 */
    int caller;                /* index into callers[], or -1 */
} rw;

static bool has(const rw *r, unsigned quirk)
{
    return (r->q & quirk) != 0;
}

static void refuse(rw *r, const char *why)
{
    if (!r->why)
        r->why = why;
}

/* A scalar field of `width` bytes (1 or 4), written iff the source has it
   (a default of v ^ 1 makes fb_build write it whatever its value). */
static void copy_scalar(rw *r, uint32_t t, int id, int width)
{
    uint32_t p = fb_field(r->b, t, id);
    if (!p)
        return;
    if (width == 1) {
        fbb_add_u8(&r->f, id, r->b[p], (uint8_t)(r->b[p] ^ 1u));
    } else {
        uint32_t v = fb_u32(r->b + p);
        fbb_add_u32(&r->f, id, v, v ^ 1u);
    }
}

/* A vector of elem-byte scalars as it is; 0 when the source has none. */
static fbb_ref copy_vector(rw *r, uint32_t t, int id, size_t elem,
                           size_t align)
{
    if (!fb_field(r->b, t, id))
        return 0;
    uint32_t n, v = fb_get_vector(r->b, t, id, &n);
    return fbb_create_vector(&r->f, elem, n, r->b + v, align);
}

static fbb_ref copy_string(rw *r, uint32_t t, int id)
{
    const char *s = fb_get_string(r->b, t, id);
    return s ? fbb_create_string(&r->f, s) : 0;
}

static uint32_t tensor_table(const rw *r, uint32_t i)
{
    return fb_vector_table(r->b, r->tensors, i);
}

static bool weighted(int32_t code)
{
    return code == TFL_OP_CONV_2D || code == TFL_OP_DEPTHWISE_CONV_2D ||
           code == TFL_OP_FULLY_CONNECTED;
}

/* ---- what the copy needs to know first ---- */

/* tflite_builtin_code, written out so the rewriter does not lean on the
   importer it tests. */
static int32_t source_code(const rw *r, uint32_t i)
{
    uint32_t t = fb_vector_table(r->b, r->codes, i);
    int dep = fb_get_u8(r->b, t, TFL_OPCODE_DEPRECATED_BUILTIN_CODE, 0);
    int32_t bc = fb_get_i32(r->b, t, TFL_OPCODE_BUILTIN_CODE, 0);
    dep = dep < 128 ? dep : dep - 256;
    return dep > bc ? dep : bc;
}

static uint32_t source_buffer(const rw *r, uint32_t i)
{
    return fb_get_u32(r->b, tensor_table(r, i), TFL_TENSOR_BUFFER, 0);
}

static bool has_data(const rw *r, uint32_t buffer)
{
    uint32_t n;
    if (buffer >= r->n_buffers)
        return false;
    fb_get_vector(r->b, fb_vector_table(r->b, r->buffers, buffer),
                  TFL_BUFFER_DATA, &n);
    return n > 0;
}

static int index_model(rw *r, size_t len)
{
    const uint8_t *b = r->b;
    uint32_t n_sg;
    if (len > UINT32_MAX || !fb_check_root(b, (uint32_t)len, "TFL3", &r->root))
        return refuse(r, "not a TFLite file"), -1;
    uint32_t sgs = fb_get_vector(b, r->root, TFL_MODEL_SUBGRAPHS, &n_sg);
    if (n_sg != 1)
        return refuse(r, "only models with one subgraph are copied"), -1;
    uint32_t n_sig;
    fb_get_vector(b, r->root, MODEL_SIGNATURE_DEFS, &n_sig);
    if (n_sig)
        return refuse(r, "signature_defs are not copied"), -1;
    r->sg = fb_vector_table(b, sgs, 0);
    r->tensors = fb_get_vector(b, r->sg, TFL_SUBGRAPH_TENSORS, &r->n_tensors);
    r->ops = fb_get_vector(b, r->sg, TFL_SUBGRAPH_OPERATORS, &r->n_ops);
    r->codes = fb_get_vector(b, r->root, TFL_MODEL_OPERATOR_CODES,
                             &r->n_codes);
    r->buffers = fb_get_vector(b, r->root, TFL_MODEL_BUFFERS, &r->n_buffers);
    uint32_t n_in, in = fb_get_vector(b, r->sg, TFL_SUBGRAPH_INPUTS, &n_in);
    r->input0 = n_in ? fb_i32(b + in) : -1;
    size_t nt = r->n_tensors ? r->n_tensors : 1;
    r->code = calloc(r->n_codes ? r->n_codes : 1, sizeof *r->code);
    r->bias = calloc(nt, sizeof *r->bias);
    r->act = calloc(nt, sizeof *r->act);
    r->buffer = calloc(nt, sizeof *r->buffer);
    if (!r->code || !r->bias || !r->act || !r->buffer)
        return refuse(r, "out of memory"), -1;
    for (uint32_t i = 0; i < r->n_codes; i++)
        r->code[i] = source_code(r, i);
    for (uint32_t k = 0; k < r->n_ops; k++) {
        uint32_t o = fb_vector_table(b, r->ops, k), n;
        uint32_t oc = fb_get_u32(b, o, TFL_OPERATOR_OPCODE_INDEX, 0);
        uint32_t v = fb_get_vector(b, o, TFL_OPERATOR_INPUTS, &n);
        int32_t bias = n >= 3 ? fb_i32(b + v + 8) : -1;
        if (oc < r->n_codes && weighted(r->code[oc]) && bias >= 0 &&
            (uint32_t)bias < r->n_tensors)
            r->bias[bias] = true;
    }
    for (uint32_t i = 0; i < r->n_tensors; i++) {
        r->act[i] = !has_data(r, source_buffer(r, i));
        r->buffer[i] = source_buffer(r, i);
    }
    return 0;
}

/* ---- buffers ---- */

static fbb_ref emit_buffer(rw *r, uint32_t i, bool zero)
{
    uint32_t t = fb_vector_table(r->b, r->buffers, i);
    fbb_ref data = 0;
    if (fb_field(r->b, t, TFL_BUFFER_OFFSET) ||
        fb_field(r->b, t, TFL_BUFFER_SIZE))
        refuse(r, "buffers stored outside the FlatBuffer are not copied");
    if (fb_field(r->b, t, TFL_BUFFER_DATA)) {
        uint32_t n, v = fb_get_vector(r->b, t, TFL_BUFFER_DATA, &n);
        uint8_t *z = zero ? calloc(n ? n : 1, 1) : NULL;
        if (zero && !z)
            return refuse(r, "out of memory"), 0;
        data = fbb_create_vector(&r->f, 1, n, zero ? z : r->b + v, 16);
        free(z);
    }
    fbb_start_table(&r->f);
    fbb_add_offset(&r->f, TFL_BUFFER_DATA, data);
    return fbb_end_table(&r->f);
}

/* The source's buffers, then (TR_ACT_EMPTY_BUFFERS) one per activation;
   fills r->buffer. */
static fbb_ref emit_buffers(rw *r)
{
    uint32_t n_act = 0;
    for (uint32_t i = 0; i < r->n_tensors; i++)
        n_act += r->act[i];
    uint32_t extra = has(r, TR_ACT_EMPTY_BUFFERS) ? n_act : 0;
    fbb_ref *refs = calloc(r->n_buffers + extra + 1, sizeof *refs);
    bool *zero = calloc(r->n_buffers + 1, sizeof *zero);
    if (!refs || !zero) {
        free(refs);
        free(zero);
        return refuse(r, "out of memory"), 0;
    }
    for (uint32_t i = 0; i < r->n_tensors; i++)
        if (has(r, TR_ZERO_BIAS) && r->bias[i] && !r->act[i])
            zero[source_buffer(r, i)] = true;
    for (uint32_t i = 0; i < r->n_buffers; i++)
        refs[i] = emit_buffer(r, i, zero[i]);
    uint32_t next = r->n_buffers;
    for (uint32_t i = 0; i < r->n_tensors; i++) {
        if (!r->act[i])
            continue;
        if (extra) {
            fbb_ref none = fbb_create_vector(&r->f, 1, 0, NULL, 16);
            fbb_start_table(&r->f);
            fbb_add_offset(&r->f, TFL_BUFFER_DATA, none);
            refs[next] = fbb_end_table(&r->f);
            r->buffer[i] = next++;
        } else if (has(r, TR_ACT_BUFFER_0)) {
            r->buffer[i] = 0;
        }
    }
    fbb_ref v = fbb_create_vector_offsets(&r->f, next, refs);
    free(refs);
    free(zero);
    return v;
}

/* ---- tensors ---- */

static bool quant_is_empty(const rw *r, uint32_t q)
{
    for (int id = TFL_QUANT_MIN; id <= TFL_QUANT_QUANTIZED_DIMENSION; id++)
        if (fb_field(r->b, q, id))
            return false;
    return true;
}

/* Model input 0's one scale and zero point repeated along its last axis
   (the last channel's scale doubled when skewed); its axis in *qdim. */
static void per_channel_input(rw *r, uint32_t t, uint32_t q, fbb_ref *sc,
                              fbb_ref *zp, int32_t *qdim)
{
    uint32_t rank, ns, nz;
    uint32_t shape = fb_get_vector(r->b, t, TFL_TENSOR_SHAPE, &rank);
    uint32_t sv = fb_get_vector(r->b, q, TFL_QUANT_SCALE, &ns);
    uint32_t zv = fb_get_vector(r->b, q, TFL_QUANT_ZERO_POINT, &nz);
    int32_t ch = rank ? fb_i32(r->b + shape + 4u * (rank - 1)) : 0;
    if (ns != 1 || nz != 1 || ch < 2) {
        refuse(r, "input 0 is not one scale over several channels");
        return;
    }
    float *s = malloc((size_t)ch * sizeof *s);
    uint8_t *z = malloc((size_t)ch * 8u);
    if (!s || !z) {
        free(s);
        free(z);
        refuse(r, "out of memory");
        return;
    }
    for (int32_t c = 0; c < ch; c++) {
        s[c] = fb_f32(r->b + sv);
        memcpy(z + 8u * (uint32_t)c, r->b + zv, 8);
    }
    if (has(r, TR_INPUT_PER_CHANNEL_SKEWED))
        s[ch - 1] *= 2.0f;
    *sc = fbb_create_vector(&r->f, 4, (size_t)ch, s, 4);
    *zp = fbb_create_vector(&r->f, 8, (size_t)ch, z, 8);
    *qdim = (int32_t)rank - 1;
    free(s);
    free(z);
}

/* The zero points, cut to one (all equal), two or none by the switches. */
static fbb_ref zero_points(rw *r, uint32_t q)
{
    uint32_t ns, nz;
    fb_get_vector(r->b, q, TFL_QUANT_SCALE, &ns);
    uint32_t zv = fb_get_vector(r->b, q, TFL_QUANT_ZERO_POINT, &nz);
    uint32_t keep = nz;
    if (has(r, TR_NO_ZERO_POINTS) && ns > 0)
        return 0;
    if (has(r, TR_ONE_ZERO_POINT) && ns > 1 && nz == ns) {
        keep = 1;
        for (uint32_t i = 1; i < nz; i++)
            if (memcmp(r->b + zv, r->b + zv + 8u * i, 8))
                keep = nz;
    }
    if (has(r, TR_TWO_ZERO_POINTS) && ns > 2 && nz == ns)
        keep = 2;
    if (keep == nz)
        return copy_vector(r, q, TFL_QUANT_ZERO_POINT, 8, 8);
    return fbb_create_vector(&r->f, 8, keep, r->b + zv, 8);
}

static fbb_ref emit_quant(rw *r, uint32_t i, uint32_t t)
{
    const uint8_t *b = r->b;
    uint32_t q = fb_get_ref(b, t, TFL_TENSOR_QUANTIZATION), ns = 0;
    bool min_max = has(r, TR_FLOAT_MIN_MAX) &&
                   fb_get_u8(b, t, TFL_TENSOR_TYPE, 0) == TFL_FLOAT32;
    if (min_max) {
        const float lo = -6.0f, hi = 6.0f;
        fbb_ref mn = fbb_create_vector(&r->f, 4, 1, &lo, 4);
        fbb_ref mx = fbb_create_vector(&r->f, 4, 1, &hi, 4);
        fbb_start_table(&r->f);
        fbb_add_offset(&r->f, TFL_QUANT_MIN, mn);
        fbb_add_offset(&r->f, TFL_QUANT_MAX, mx);
        return fbb_end_table(&r->f);
    }
    if (!q || (has(r, TR_DROP_EMPTY_QUANT) && quant_is_empty(r, q)))
        return 0;
    if (fb_field(b, q, TFL_QUANT_DETAILS_TYPE))
        refuse(r, "custom quantization is not copied");
    fb_get_vector(b, q, TFL_QUANT_SCALE, &ns);
    fbb_ref mn = copy_vector(r, q, TFL_QUANT_MIN, 4, 4);
    fbb_ref mx = copy_vector(r, q, TFL_QUANT_MAX, 4, 4);
    fbb_ref sc, zp;
    int32_t qdim = -1;   /* -1: as in the source */
    if ((int32_t)i == r->input0 &&
        has(r, TR_INPUT_PER_CHANNEL | TR_INPUT_PER_CHANNEL_SKEWED)) {
        sc = zp = 0;
        per_channel_input(r, t, q, &sc, &zp, &qdim);
    } else {
        sc = copy_vector(r, q, TFL_QUANT_SCALE, 4, 4);
        zp = zero_points(r, q);
        if (r->bias[i] && has(r, TR_BIAS_STALE_QDIM))
            qdim = STALE_QDIM;
        else if (ns == 1 && has(r, TR_PER_TENSOR_QDIM))
            qdim = STALE_QDIM;
    }
    fbb_start_table(&r->f);
    fbb_add_offset(&r->f, TFL_QUANT_MIN, mn);
    fbb_add_offset(&r->f, TFL_QUANT_MAX, mx);
    fbb_add_offset(&r->f, TFL_QUANT_SCALE, sc);
    fbb_add_offset(&r->f, TFL_QUANT_ZERO_POINT, zp);
    if (qdim >= 0)
        fbb_add_i32(&r->f, TFL_QUANT_QUANTIZED_DIMENSION, qdim, ~qdim);
    else
        copy_scalar(r, q, TFL_QUANT_QUANTIZED_DIMENSION, 4);
    return fbb_end_table(&r->f);
}

static fbb_ref emit_tensor(rw *r, uint32_t i)
{
    uint32_t t = tensor_table(r, i);
    if (fb_field(r->b, t, TFL_TENSOR_SPARSITY))
        refuse(r, "sparse tensors are not copied");
    fbb_ref shape = copy_vector(r, t, TFL_TENSOR_SHAPE, 4, 4);
    fbb_ref name = copy_string(r, t, TFL_TENSOR_NAME);
    fbb_ref quant = emit_quant(r, i, t);
    fbb_ref sig = copy_vector(r, t, TENSOR_SHAPE_SIGNATURE, 4, 4);
    fbb_start_table(&r->f);
    fbb_add_offset(&r->f, TFL_TENSOR_SHAPE, shape);
    copy_scalar(r, t, TFL_TENSOR_TYPE, 1);
    if (fb_field(r->b, t, TFL_TENSOR_BUFFER) || r->buffer[i] != 0)
        fbb_add_u32(&r->f, TFL_TENSOR_BUFFER, r->buffer[i], ~r->buffer[i]);
    fbb_add_offset(&r->f, TFL_TENSOR_NAME, name);
    fbb_add_offset(&r->f, TFL_TENSOR_QUANTIZATION, quant);
    copy_scalar(r, t, TFL_TENSOR_IS_VARIABLE, 1);
    fbb_add_offset(&r->f, TENSOR_SHAPE_SIGNATURE, sig);
    copy_scalar(r, t, TENSOR_HAS_RANK, 1);
    return fbb_end_table(&r->f);
}

/* ---- operators ---- */

static fbb_ref emit_options(rw *r, uint8_t type, uint32_t t)
{
    if (!t)
        return 0;
    const char *fields = NULL;
    for (size_t k = 0; k < sizeof option_tables / sizeof option_tables[0];
         k++)
        if (option_tables[k].type == type)
            fields = option_tables[k].fields;
    if (!fields)
        return refuse(r, "an option table the rewriter does not know"), 0;
    fbb_ref vec[8] = {0};
    for (int k = 0; fields[k]; k++)
        if (fields[k] == 'v')
            vec[k] = copy_vector(r, t, k, 4, 4);
    fbb_start_table(&r->f);
    for (int k = 0; fields[k]; k++) {
        if (fields[k] == 'v')
            fbb_add_offset(&r->f, k, vec[k]);
        else
            copy_scalar(r, t, k, fields[k] == 'b' ? 1 : 4);
    }
    return fbb_end_table(&r->f);
}

static fbb_ref emit_op(rw *r, uint32_t k)
{
    const uint8_t *b = r->b;
    uint32_t o = fb_vector_table(b, r->ops, k), n;
    if (fb_field(b, o, OP_CUSTOM_OPTIONS) ||
        fb_field(b, o, OP_MUTATING_VARIABLE_INPUTS) ||
        fb_field(b, o, OP_INTERMEDIATES))
        refuse(r, "custom options, variables and intermediates are not "
                  "copied");
    uint32_t oc = fb_get_u32(b, o, TFL_OPERATOR_OPCODE_INDEX, 0);
    int32_t code = oc < r->n_codes ? r->code[oc] : -1;
    uint32_t v = fb_get_vector(b, o, TFL_OPERATOR_INPUTS, &n);
    int32_t *in = malloc((n ? n : 1) * sizeof *in);
    if (!in)
        return refuse(r, "out of memory"), 0;
    for (uint32_t j = 0; j < n; j++)
        in[j] = fb_i32(b + v + 4u * j);
    if (has(r, TR_RESHAPE_NO_SHAPE) && code == TFL_OP_RESHAPE && n == 2)
        in[1] = -1;
    if (has(r, TR_NO_BIAS) && weighted(code) && n == 3)
        in[2] = -1;
    fbb_ref ins = fb_field(b, o, TFL_OPERATOR_INPUTS)
                      ? fbb_create_vector(&r->f, 4, n, in, 4) : 0;
    free(in);
    fbb_ref outs = copy_vector(r, o, TFL_OPERATOR_OUTPUTS, 4, 4);
    fbb_ref opts = emit_options(
        r, fb_get_u8(b, o, TFL_OPERATOR_BUILTIN_OPTIONS_TYPE, 0),
        fb_get_ref(b, o, TFL_OPERATOR_BUILTIN_OPTIONS));
    fbb_start_table(&r->f);
    copy_scalar(r, o, TFL_OPERATOR_OPCODE_INDEX, 4);
    fbb_add_offset(&r->f, TFL_OPERATOR_INPUTS, ins);
    fbb_add_offset(&r->f, TFL_OPERATOR_OUTPUTS, outs);
    copy_scalar(r, o, TFL_OPERATOR_BUILTIN_OPTIONS_TYPE, 1);
    fbb_add_offset(&r->f, TFL_OPERATOR_BUILTIN_OPTIONS, opts);
    copy_scalar(r, o, OP_CUSTOM_OPTIONS_FORMAT, 1);
    return fbb_end_table(&r->f);
}

/* callers[r->caller] (operator code `opcode`) running subgraphs from
   `first` on: no inputs, no outputs. */
static fbb_ref caller_op(rw *r, uint32_t opcode, int32_t first)
{
    fbb_ref none = fbb_create_vector(&r->f, 4, 0, NULL, 4);
    fbb_start_table(&r->f);
    for (int k = 0; k < 2; k++) {
        int32_t idx = first + k;
        if (k == 1 && callers[r->caller].missing_body)
            idx = MISSING_SUBGRAPH;
        else if (!callers[r->caller].runs[k])
            break;
        /* The index fields are the option table's first slots. */
        fbb_add_i32(&r->f, k, idx, ~idx);
    }
    fbb_ref opts = fbb_end_table(&r->f);
    fbb_start_table(&r->f);
    fbb_add_u32(&r->f, TFL_OPERATOR_OPCODE_INDEX, opcode, 0);
    fbb_add_offset(&r->f, TFL_OPERATOR_INPUTS, none);
    fbb_add_offset(&r->f, TFL_OPERATOR_OUTPUTS, none);
    fbb_add_u8(&r->f, TFL_OPERATOR_BUILTIN_OPTIONS_TYPE,
               callers[r->caller].options, 0);
    fbb_add_offset(&r->f, TFL_OPERATOR_BUILTIN_OPTIONS, opts);
    return fbb_end_table(&r->f);
}

/* ---- subgraphs and operator codes ---- */

/* A SubGraph table of its fields' references, in slot order (tensors,
   inputs, outputs, operators, name). */
static fbb_ref subgraph_table(rw *r, const fbb_ref *parts)
{
    fbb_start_table(&r->f);
    for (int id = TFL_SUBGRAPH_TENSORS; id <= TFL_SUBGRAPH_NAME; id++)
        fbb_add_offset(&r->f, id, parts[id]);
    return fbb_end_table(&r->f);
}

/* Subgraph 0 again; `name` replaces its own when not NULL, and first >= 0
   puts the caller, running subgraphs from `first` on, first. */
static fbb_ref emit_subgraph(rw *r, const char *name, int32_t first)
{
    uint32_t n_ops = r->n_ops + (first >= 0);
    fbb_ref *refs = calloc((r->n_tensors > n_ops ? r->n_tensors : n_ops) + 1,
                           sizeof *refs);
    if (!refs)
        return refuse(r, "out of memory"), 0;
    for (uint32_t i = 0; i < r->n_tensors; i++)
        refs[i] = emit_tensor(r, i);
    fbb_ref tensors = fbb_create_vector_offsets(&r->f, r->n_tensors, refs);
    fbb_ref ins = copy_vector(r, r->sg, TFL_SUBGRAPH_INPUTS, 4, 4);
    fbb_ref outs = copy_vector(r, r->sg, TFL_SUBGRAPH_OUTPUTS, 4, 4);
    uint32_t k = 0;
    if (first >= 0)
        refs[k++] = caller_op(r, r->n_codes, first);
    for (uint32_t j = 0; j < r->n_ops; j++)
        refs[k++] = emit_op(r, j);
    fbb_ref ops = fbb_create_vector_offsets(&r->f, n_ops, refs);
    free(refs);
    fbb_ref nm = name ? fbb_create_string(&r->f, name)
                      : copy_string(r, r->sg, TFL_SUBGRAPH_NAME);
    fbb_ref parts[5] = {tensors, ins, outs, ops, nm};
    return subgraph_table(r, parts);
}

static fbb_ref empty_subgraph(rw *r, const char *name)
{
    fbb_ref none = fbb_create_vector(&r->f, 4, 0, NULL, 4);
    fbb_ref parts[5] = {none, none, none, none,
                        fbb_create_string(&r->f, name)};
    return subgraph_table(r, parts);
}

static fbb_ref emit_subgraphs(rw *r)
{
    fbb_ref refs[4];
    size_t n = 0;
    int32_t first = r->caller >= 0 ? 1 + has(r, TR_UNUSED_SUBGRAPH) : -1;
    refs[n++] = emit_subgraph(r, NULL, first);
    if (has(r, TR_UNUSED_SUBGRAPH))
        refs[n++] = emit_subgraph(r, "unused", -1);
    for (int k = 0; r->caller >= 0 && k < 2; k++)
        if (callers[r->caller].runs[k])
            refs[n++] = empty_subgraph(r, callers[r->caller].runs[k]);
    return fbb_create_vector_offsets(&r->f, n, refs);
}

static fbb_ref emit_code(rw *r, uint32_t i)
{
    uint32_t t = fb_vector_table(r->b, r->codes, i);
    fbb_ref custom = copy_string(r, t, TFL_OPCODE_CUSTOM_CODE);
    int32_t code = r->code[i];
    uint8_t byte = (uint8_t)(code < PLACEHOLDER_CODE ? code
                                                     : PLACEHOLDER_CODE);
    fbb_start_table(&r->f);
    if (has(r, TR_CODE_ALL_PLACEHOLDER)) {
        fbb_add_u8(&r->f, TFL_OPCODE_DEPRECATED_BUILTIN_CODE,
                   PLACEHOLDER_CODE, 0);
        fbb_add_i32(&r->f, TFL_OPCODE_BUILTIN_CODE, code, ~code);
    } else if (has(r, TR_CODE_DEPRECATED_ONLY)) {
        if (code >= PLACEHOLDER_CODE)
            refuse(r, "a code from 127 up has no deprecated_builtin_code");
        fbb_add_u8(&r->f, TFL_OPCODE_DEPRECATED_BUILTIN_CODE, byte,
                   (uint8_t)~byte);
    } else if (has(r, TR_CODE_BUILTIN_ONLY)) {
        fbb_add_i32(&r->f, TFL_OPCODE_BUILTIN_CODE, code, ~code);
    } else if (has(r, TR_CODE_BOTH)) {
        fbb_add_u8(&r->f, TFL_OPCODE_DEPRECATED_BUILTIN_CODE, byte,
                   (uint8_t)~byte);
        fbb_add_i32(&r->f, TFL_OPCODE_BUILTIN_CODE, code, ~code);
    } else {
        copy_scalar(r, t, TFL_OPCODE_DEPRECATED_BUILTIN_CODE, 1);
        copy_scalar(r, t, TFL_OPCODE_BUILTIN_CODE, 4);
    }
    fbb_add_offset(&r->f, TFL_OPCODE_CUSTOM_CODE, custom);
    copy_scalar(r, t, TFL_OPCODE_VERSION, 4);
    return fbb_end_table(&r->f);
}

/* The source's operator codes, and the caller's after them as converters
   write it: the byte min(code, 127) and the real code. */
static fbb_ref emit_codes(rw *r)
{
    fbb_ref *refs = calloc(r->n_codes + 2, sizeof *refs);
    if (!refs)
        return refuse(r, "out of memory"), 0;
    for (uint32_t i = 0; i < r->n_codes; i++)
        refs[i] = emit_code(r, i);
    uint32_t n = r->n_codes;
    if (r->caller >= 0) {
        int32_t code = callers[r->caller].code;
        fbb_start_table(&r->f);
        fbb_add_u8(&r->f, TFL_OPCODE_DEPRECATED_BUILTIN_CODE,
                   (uint8_t)(code < PLACEHOLDER_CODE ? code
                                                     : PLACEHOLDER_CODE), 0);
        fbb_add_i32(&r->f, TFL_OPCODE_BUILTIN_CODE, code, 0);
        refs[n++] = fbb_end_table(&r->f);
    }
    fbb_ref v = fbb_create_vector_offsets(&r->f, n, refs);
    free(refs);
    return v;
}

/* ---- the model ---- */

static fbb_ref emit_metadata(rw *r)
{
    if (!fb_field(r->b, r->root, MODEL_METADATA))
        return 0;
    uint32_t n, v = fb_get_vector(r->b, r->root, MODEL_METADATA, &n);
    fbb_ref *refs = calloc(n + 1, sizeof *refs);
    if (!refs)
        return refuse(r, "out of memory"), 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t = fb_vector_table(r->b, v, i);
        fbb_ref name = copy_string(r, t, METADATA_NAME);
        fbb_start_table(&r->f);
        fbb_add_offset(&r->f, METADATA_NAME, name);
        copy_scalar(r, t, METADATA_BUFFER, 4);
        refs[i] = fbb_end_table(&r->f);
    }
    fbb_ref vec = fbb_create_vector_offsets(&r->f, n, refs);
    free(refs);
    return vec;
}

/* -1 when something was refused (r->why) or the builder failed (e). */
static int emit_model(rw *r, uint8_t **out, size_t *out_len, mcn_err *e)
{
    fbb_ref buffers = emit_buffers(r);
    fbb_ref codes = emit_codes(r);
    fbb_ref subgraphs = emit_subgraphs(r);
    fbb_ref description = copy_string(r, r->root, TFL_MODEL_DESCRIPTION);
    fbb_ref meta_buffer = copy_vector(r, r->root, MODEL_METADATA_BUFFER, 4,
                                      4);
    fbb_ref metadata = emit_metadata(r);
    fbb_ref signatures = copy_vector(r, r->root, MODEL_SIGNATURE_DEFS, 4, 4);
    fbb_start_table(&r->f);
    copy_scalar(r, r->root, TFL_MODEL_VERSION, 4);
    fbb_add_offset(&r->f, TFL_MODEL_OPERATOR_CODES, codes);
    fbb_add_offset(&r->f, TFL_MODEL_SUBGRAPHS, subgraphs);
    fbb_add_offset(&r->f, TFL_MODEL_DESCRIPTION, description);
    fbb_add_offset(&r->f, TFL_MODEL_BUFFERS, buffers);
    fbb_add_offset(&r->f, MODEL_METADATA_BUFFER, meta_buffer);
    fbb_add_offset(&r->f, MODEL_METADATA, metadata);
    fbb_add_offset(&r->f, MODEL_SIGNATURE_DEFS, signatures);   /* empty */
    fbb_ref model = fbb_end_table(&r->f);
    if (r->why)
        return -1;
    return fbb_finish(&r->f, model, "TFL3", out, out_len, e);
}

int tflite_rewrite(const uint8_t *in, size_t len, unsigned quirks,
                   uint8_t **out, size_t *out_len, mcn_err *e)
{
    mcn_err scratch;
    if (!e)
        e = &scratch;
    rw r;
    memset(&r, 0, sizeof r);
    r.b = in;
    r.q = quirks;
    r.caller = -1;
    for (size_t k = N_CALLERS; k-- > 0;)
        if (quirks & callers[k].quirk)
            r.caller = (int)k;
    fbb_init(&r.f);
    *out = NULL;
    *out_len = 0;
    int rc = index_model(&r, len);
    if (rc == 0)
        rc = emit_model(&r, out, out_len, e);
    fbb_free(&r.f);
    free(r.code);
    free(r.bias);
    free(r.act);
    free(r.buffer);
    if (rc) {
        free(*out);
        *out = NULL;
        *out_len = 0;
        if (r.why)
            mcn_fail(e, "tflite_rewrite: %s", r.why);
        return -1;
    }
    return 0;
}
