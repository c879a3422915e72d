/*
** mcn_verify.c: the one pass over an untrusted .mcn model. C99, freestanding.
**
** Everything the engine later reads with the unchecked fb_get_* accessors is
** checked here, once: every table, vector and string in bounds, every scalar
** field inside its table, every enum in range, every index resolvable, every
** constant's data the size its shape says, for a packed model every arena
** slot inside the arena, and every arena tensor written before it is read.
** The engine then only checks what depends on an op's semantics (shapes
** that must agree).
*/
#include <stddef.h>
#include <stdint.h>

#include "fb_read.h"
#include "mcn.h"
#include "mcn_format.h"
#include "mcn_verify.h"

#ifdef MCN_STRIP_ERROR_STRINGS
#define WHY(s) ""
#else
#define WHY(s) s
#endif

typedef struct {
    const uint8_t *b;
    uint32_t size;
    uint32_t tensors, n_tensors;
    uint32_t buffers, n_buffers;
    uint32_t arena_bytes;
    mcn_verify_report *r;
} vctx;

static mcn_status fail(vctx *v, mcn_status s, const char *where, int32_t index,
                       const char *what)
{
    if (v->r) {
        v->r->what = what;
        v->r->where = where;
        v->r->index = index;
    }
    return s;
}

/* Bytes of a tensor whose shape vector is in bounds; 0 if a dim is < 1,
   the rank too high, the dtype unknown, or the size above 4 GiB (no
   tensor is ever 0 bytes, so 0 can mean "bad"). */
static uint32_t shape_bytes(const uint8_t *b, uint32_t shape, uint32_t rank,
                            int dtype)
{
    uint64_t bytes = mcn_dtype_size(dtype);
    if (rank > MCN_MAX_DIMS)
        return 0;
    for (uint32_t d = 0; d < rank; d++) {
        int32_t dim = fb_i32(b + shape + 4u * d);
        if (dim < 1)
            return 0;
        bytes *= (uint32_t)dim;  /* < 2^32 * 2^31: no 64-bit overflow */
        if (bytes > 0xffffffffu)
            return 0;
    }
    return (uint32_t)bytes;
}

/* Bytes of tensor i, which check_tensor has passed. */
static uint32_t tensor_bytes(const vctx *v, uint32_t t)
{
    uint32_t rank, shape = fb_get_vector(v->b, t, MCN_TENSOR_SHAPE, &rank);
    int dtype = fb_get_u8(v->b, t, MCN_TENSOR_DTYPE, 0);
    return shape_bytes(v->b, shape, rank, dtype);
}

static mcn_status check_quant(vctx *v, int32_t i, uint32_t q, uint32_t shape,
                              uint32_t rank, int dtype)
{
    const uint8_t *b = v->b;
    uint32_t sd, sn, zd, zn;
    if (!fb_check_vector(b, v->size, q, MCN_QUANT_SCALE, 4, &sd, &sn) ||
        !fb_check_vector(b, v->size, q, MCN_QUANT_ZERO_POINT, 4, &zd, &zn) ||
        !fb_check_scalar(b, q, MCN_QUANT_AXIS, 4))
        return fail(v, MCN_ERR_MODEL, "tensor", i,
                    WHY("quantization out of bounds"));
    if (sn != zn)
        return fail(v, MCN_ERR_MODEL, "tensor", i,
                    WHY("scale and zero_point counts differ"));
    int32_t axis = fb_get_i32(b, q, MCN_QUANT_AXIS, 0);
    if (axis < 0 || ((uint32_t)axis >= rank && !(axis == 0 && sn <= 1)))
        return fail(v, MCN_ERR_MODEL, "tensor", i,
                    WHY("quantization axis out of range"));
    if (sn > 1 && (uint32_t)fb_i32(b + shape + 4u * (uint32_t)axis) != sn)
        return fail(v, MCN_ERR_MODEL, "tensor", i,
                    WHY("per-channel scale count differs from the axis size"));
    /* Zero points a value of the tensor's type can hold: the kernels
       negate and subtract them in int32 (fuzzing found INT32_MIN). */
    const int32_t lo = dtype == MCN_DT_INT8 ? -128 : -32768;
    const int32_t hi = dtype == MCN_DT_INT8 ? 127 : 32767;
    for (uint32_t k = 0; k < zn; k++) {
        const int32_t zp = fb_i32(b + zd + 4u * k);
        if (zp < lo || zp > hi)
            return fail(v, MCN_ERR_MODEL, "tensor", i,
                        WHY("zero point outside its type's range"));
    }
    return MCN_OK;
}

static mcn_status check_tensor(vctx *v, int32_t i)
{
    const uint8_t *b = v->b;
    uint32_t t, shape, rank, q, len;
    if (!fb_check_vector_table(b, v->size, v->tensors, (uint32_t)i, &t) ||
        !fb_check_string(b, v->size, t, MCN_TENSOR_NAME) ||
        !fb_check_scalar(b, t, MCN_TENSOR_DTYPE, 1) ||
        !fb_check_vector(b, v->size, t, MCN_TENSOR_SHAPE, 4, &shape, &rank) ||
        !fb_check_scalar(b, t, MCN_TENSOR_BUFFER, 4) ||
        !fb_check_subtable(b, v->size, t, MCN_TENSOR_QUANT, &q) ||
        !fb_check_scalar(b, t, MCN_TENSOR_ARENA_OFFSET, 4) ||
        !fb_check_scalar(b, t, MCN_TENSOR_LAYOUT, 1))
        return fail(v, MCN_ERR_MODEL, "tensor", i, WHY("out of bounds"));
    int dtype = fb_get_u8(b, t, MCN_TENSOR_DTYPE, 0);
    if (dtype >= MCN_DT_COUNT)  /* a negative byte reads as >= 128 */
        return fail(v, MCN_ERR_MODEL, "tensor", i, WHY("unknown dtype"));
    if (fb_get_u8(b, t, MCN_TENSOR_LAYOUT, 0) > MCN_LAYOUT_NCHW)
        return fail(v, MCN_ERR_MODEL, "tensor", i, WHY("unknown layout"));
    if (rank > MCN_MAX_DIMS)
        return fail(v, MCN_ERR_MODEL, "tensor", i, WHY("rank above 6"));
    uint32_t bytes = shape_bytes(b, shape, rank, dtype);
    if (bytes == 0)
        return fail(v, MCN_ERR_MODEL, "tensor", i,
                    WHY("shape has a dimension below 1 or exceeds 4 GiB"));
    if (q) {
        mcn_status s = check_quant(v, i, q, shape, rank, dtype);
        if (s != MCN_OK)
            return s;
    }
    uint32_t buf = fb_get_u32(b, t, MCN_TENSOR_BUFFER, 0);
    if (buf == 0)
        return MCN_OK;
    if (buf >= v->n_buffers)
        return fail(v, MCN_ERR_MODEL, "tensor", i,
                    WHY("buffer index out of range"));
    /* check_buffers has passed every buffer table and its data vector,
       and fb_check_vector keeps vectors 4-byte aligned, so an int32 bias
       can be read in place. */
    (void)fb_get_vector(b, fb_vector_table(b, v->buffers, buf),
                        MCN_BUFFER_DATA, &len);
    /* Convolution and FULLY_CONNECTED weights (int8, rank 4 or 2) may
       hold more: a kernel's own layout (mcn_conv_kernel.weight_bytes),
       which mcn_init checks against the kernel the operator names. */
    if (len != bytes &&
        !(len > bytes && dtype == MCN_DT_INT8 && (rank == 4 || rank == 2)))
        return fail(v, MCN_ERR_MODEL, "tensor", i,
                    WHY("constant data size differs from its shape"));
    return MCN_OK;
}

static mcn_status check_buffers(vctx *v)
{
    for (uint32_t i = 0; i < v->n_buffers; i++) {
        uint32_t t, data, len;
        if (!fb_check_vector_table(v->b, v->size, v->buffers, i, &t) ||
            !fb_check_vector(v->b, v->size, t, MCN_BUFFER_DATA, 1, &data,
                             &len))
            return fail(v, MCN_ERR_MODEL, "buffer", (int32_t)i,
                        WHY("out of bounds"));
    }
    return MCN_OK;
}

/* A tensor the engine will read or write in the arena: index valid, and,
   once the arena is planned, its whole extent inside it. */
static mcn_status check_arena_use(vctx *v, const char *where, int32_t at,
                                  int32_t ti, int written)
{
    if (ti < 0 || (uint32_t)ti >= v->n_tensors)
        return fail(v, MCN_ERR_MODEL, where, at,
                    WHY("tensor index out of range"));
    uint32_t t = fb_vector_table(v->b, v->tensors, (uint32_t)ti);
    if (fb_get_u32(v->b, t, MCN_TENSOR_BUFFER, 0) != 0) {
        if (written)
            return fail(v, MCN_ERR_MODEL, where, at,
                        WHY("writes a constant tensor"));
        return MCN_OK;
    }
    if (v->arena_bytes == 0)
        return MCN_OK;
    int32_t off = fb_get_i32(v->b, t, MCN_TENSOR_ARENA_OFFSET, -1);
    if (off < 0 || (uint64_t)(uint32_t)off + tensor_bytes(v, t) >
                       (uint64_t)v->arena_bytes)
        return fail(v, MCN_ERR_MODEL, "tensor", ti,
                    WHY("arena slot outside the arena"));
    return MCN_OK;
}

/* Every field of the options table in bounds, and its vector no longer
   than the host graph and the kernels allow (2 * MCN_MAX_DIMS). */
static int check_options(const vctx *v, uint32_t o, int type)
{
    static const struct { uint8_t fields; uint8_t width[11]; } layout[] = {
        [MCN_OPTIONS_CONV2D] = {10, {4, 4, 4, 4, 4, 4, 4, 4, 4, 4}},
        [MCN_OPTIONS_POOL2D] = {11, {4, 4, 4, 4, 4, 4, 4, 4, 1, 4, 4}},
        [MCN_OPTIONS_SOFTMAX] = {1, {4}},
        [MCN_OPTIONS_AXIS] = {1, {4}},
        [MCN_OPTIONS_PAD] = {3, {0, 1, 4}},
        [MCN_OPTIONS_REDUCE] = {2, {0, 1}},
        [MCN_OPTIONS_TRANSPOSE] = {1, {0}},
        [MCN_OPTIONS_ACTIVATION] = {2, {4, 4}},
        [MCN_OPTIONS_RESIZE] = {6, {1, 1, 1, 4, 4, 1}},
        [MCN_OPTIONS_SLICE] = {1, {0}},
    };
    if (type <= MCN_OPTIONS_NONE || type >= MCN_OPTIONS_COUNT)
        return 0;
    for (int id = 0; id < layout[type].fields; id++) {
        uint8_t w = layout[type].width[id];
        uint32_t data, len;
        if (w ? !fb_check_scalar(v->b, o, id, w)
              : !fb_check_vector(v->b, v->size, o, id, 4, &data, &len) ||
                    len > 2u * MCN_MAX_DIMS)
            return 0;
    }
    return 1;
}

static int check_requant(const vctx *v, uint32_t rq)
{
    uint32_t md, mn, sd, sn;
    if (!fb_check_vector(v->b, v->size, rq, MCN_REQUANT_MULTIPLIER, 4, &md,
                         &mn) ||
        !fb_check_vector(v->b, v->size, rq, MCN_REQUANT_SHIFT, 4, &sd, &sn))
        return 0;
    for (int id = MCN_REQUANT_ACT_MIN; id <= MCN_REQUANT_DIFF_MIN; id++)
        if (!fb_check_scalar(v->b, rq, id, 4))
            return 0;
    return mn == sn;
}

static mcn_status check_operator(vctx *v, uint32_t ops, int32_t i)
{
    const uint8_t *b = v->b;
    uint32_t o, in, n_in, out, n_out, opt, rq;
    if (!fb_check_vector_table(b, v->size, ops, (uint32_t)i, &o) ||
        !fb_check_scalar(b, o, MCN_OPERATOR_OPCODE, 2) ||
        !fb_check_vector(b, v->size, o, MCN_OPERATOR_INPUTS, 4, &in, &n_in) ||
        !fb_check_vector(b, v->size, o, MCN_OPERATOR_OUTPUTS, 4, &out,
                         &n_out) ||
        !fb_check_scalar(b, o, MCN_OPERATOR_OPTIONS_TYPE, 1) ||
        !fb_check_subtable(b, v->size, o, MCN_OPERATOR_OPTIONS, &opt) ||
        !fb_check_scalar(b, o, MCN_OPERATOR_ACTIVATION, 1) ||
        !fb_check_scalar(b, o, MCN_OPERATOR_ACT_MIN, 4) ||
        !fb_check_scalar(b, o, MCN_OPERATOR_ACT_MAX, 4) ||
        !fb_check_subtable(b, v->size, o, MCN_OPERATOR_REQUANT, &rq) ||
        !fb_check_string(b, v->size, o, MCN_OPERATOR_NAME) ||
        !fb_check_scalar(b, o, MCN_OPERATOR_SCRATCH_OFFSET, 4) ||
        !fb_check_scalar(b, o, MCN_OPERATOR_SCRATCH_BYTES, 4) ||
        !fb_check_scalar(b, o, MCN_OPERATOR_KERNEL, 1))
        return fail(v, MCN_ERR_MODEL, "operator", i, WHY("out of bounds"));
    int op = fb_get_u16(b, o, MCN_OPERATOR_OPCODE, 0);
    if (op >= MCN_OP_COUNT)
        return fail(v, MCN_ERR_MODEL, "operator", i, WHY("unknown opcode"));
    if (fb_get_u8(b, o, MCN_OPERATOR_ACTIVATION, 0) > MCN_ACT_CLIP)
        return fail(v, MCN_ERR_MODEL, "operator", i,
                    WHY("unknown activation"));
    int type = fb_get_u8(b, o, MCN_OPERATOR_OPTIONS_TYPE, 0);
    if (type != MCN_OPTIONS_NONE && type != mcn_options_for(op))
        return fail(v, MCN_ERR_MODEL, "operator", i,
                    WHY("options of the wrong type for the opcode"));
    /* An untyped table is refused, not ignored: nothing may read it. */
    if (type == MCN_OPTIONS_NONE ? opt != 0
                                 : !opt || !check_options(v, opt, type))
        return fail(v, MCN_ERR_MODEL, "operator", i,
                    WHY("options missing, untyped or out of bounds"));
    if (rq && !check_requant(v, rq))
        return fail(v, MCN_ERR_MODEL, "operator", i,
                    WHY("requant out of bounds or multiplier/shift counts "
                        "differ"));
    for (uint32_t k = 0; k < n_in; k++) {
        int32_t ti = fb_i32(b + in + 4u * k);
        mcn_status s = ti == -1 ? MCN_OK
                                : check_arena_use(v, "operator", i, ti, 0);
        if (s != MCN_OK)
            return s;
    }
    for (uint32_t k = 0; k < n_out; k++) {
        mcn_status s =
            check_arena_use(v, "operator", i, fb_i32(b + out + 4u * k), 1);
        if (s != MCN_OK)
            return s;
    }
    uint32_t sbytes = fb_get_u32(b, o, MCN_OPERATOR_SCRATCH_BYTES, 0);
    int32_t soff = fb_get_i32(b, o, MCN_OPERATOR_SCRATCH_OFFSET, -1);
    if (v->arena_bytes && sbytes &&
        (soff < 0 || (uint64_t)(uint32_t)soff + sbytes > v->arena_bytes))
        return fail(v, MCN_ERR_MODEL, "operator", i,
                    WHY("scratch outside the arena"));
    return MCN_OK;
}

static mcn_status check_io(vctx *v, uint32_t m, int id, const char *where,
                           int written)
{
    uint32_t d, n;
    if (!fb_check_vector(v->b, v->size, m, id, 4, &d, &n))
        return fail(v, MCN_ERR_MODEL, where, -1, WHY("out of bounds"));
    for (uint32_t k = 0; k < n; k++) {
        mcn_status s = check_arena_use(v, where, (int32_t)k,
                                       fb_i32(v->b + d + 4u * k), written);
        if (s != MCN_OK)
            return s;
    }
    return MCN_OK;
}

/* 1 if tensor ti is in the int32 vector field id of table t. */
static int lists(const uint8_t *b, uint32_t t, int id, int32_t ti)
{
    uint32_t n, d = fb_get_vector(b, t, id, &n);
    for (uint32_t k = 0; k < n; k++)
        if (fb_i32(b + d + 4u * k) == ti)
            return 1;
    return 0;
}

/* An arena tensor op `before` (or a model output, before == n_ops) reads
   is a model input or the output of an earlier op; otherwise the engine
   would compute on whatever the arena held. The search runs backwards,
   where producers usually are, so a chain costs a step per input. */
static int produced(const vctx *v, uint32_t m, uint32_t ops, uint32_t before,
                    int32_t ti)
{
    uint32_t t = fb_vector_table(v->b, v->tensors, (uint32_t)ti);
    if (fb_get_u32(v->b, t, MCN_TENSOR_BUFFER, 0) != 0)
        return 1;
    for (uint32_t j = before; j-- > 0;)
        if (lists(v->b, fb_vector_table(v->b, ops, j), MCN_OPERATOR_OUTPUTS,
                  ti))
            return 1;
    return lists(v->b, m, MCN_MODEL_INPUTS, ti);
}

/* Once every index is known to be valid: each operator's inputs, and the
   model's outputs, are written before they are read. */
static mcn_status check_dataflow(vctx *v, uint32_t m, uint32_t ops,
                                 uint32_t n_ops)
{
    for (uint32_t i = 0; i < n_ops; i++) {
        uint32_t n, d = fb_get_vector(v->b, fb_vector_table(v->b, ops, i),
                                      MCN_OPERATOR_INPUTS, &n);
        for (uint32_t k = 0; k < n; k++) {
            int32_t ti = fb_i32(v->b + d + 4u * k);
            if (ti != -1 && !produced(v, m, ops, i, ti))
                return fail(v, MCN_ERR_MODEL, "operator", (int32_t)i,
                            WHY("reads a tensor nothing wrote before it"));
        }
    }
    uint32_t n, d = fb_get_vector(v->b, m, MCN_MODEL_OUTPUTS, &n);
    for (uint32_t k = 0; k < n; k++)
        if (!produced(v, m, ops, n_ops, fb_i32(v->b + d + 4u * k)))
            return fail(v, MCN_ERR_MODEL, "model output", (int32_t)k,
                        WHY("no operator writes it"));
    return MCN_OK;
}

mcn_status mcn_verify_ex(const void *model, size_t model_size,
                         mcn_verify_report *r)
{
    vctx v = {0};
    v.b = model;
    v.r = r;
    if (!model)
        return fail(&v, MCN_ERR_ARG, "model", -1, WHY("no model"));
    if (model_size < 8u || model_size > 0xffffffffu)
        return fail(&v, MCN_ERR_MODEL, "model", -1,
                    WHY("size not that of a FlatBuffer"));
    v.size = (uint32_t)model_size;
    const uint8_t *b = v.b;
    uint32_t m, ops, n_ops;
    for (int k = 0; k < 4; k++)
        if (b[4 + k] != (uint8_t)MCN_FILE_IDENTIFIER[k])
            return fail(&v, MCN_ERR_MODEL, "model", -1,
                        WHY("bad file identifier"));
    if (!fb_check_root(b, v.size, MCN_FILE_IDENTIFIER, &m) ||
        !fb_check_scalar(b, m, MCN_MODEL_VERSION, 4))
        return fail(&v, MCN_ERR_MODEL, "model", -1,
                    WHY("root table out of bounds"));
    /* The version comes before the rest: a newer layout may differ. */
    if (fb_get_u32(b, m, MCN_MODEL_VERSION, 0) != MCN_FORMAT_VERSION)
        return fail(&v, MCN_ERR_VERSION, "model", -1,
                    WHY("unsupported format version"));
    if (!fb_check_string(b, v.size, m, MCN_MODEL_DESCRIPTION) ||
        !fb_check_vector(b, v.size, m, MCN_MODEL_TENSORS, 4, &v.tensors,
                         &v.n_tensors) ||
        !fb_check_vector(b, v.size, m, MCN_MODEL_OPERATORS, 4, &ops,
                         &n_ops) ||
        !fb_check_vector(b, v.size, m, MCN_MODEL_BUFFERS, 4, &v.buffers,
                         &v.n_buffers) ||
        !fb_check_scalar(b, m, MCN_MODEL_ARENA_BYTES, 4))
        return fail(&v, MCN_ERR_MODEL, "model", -1, WHY("out of bounds"));
    /* Counts are below 2^30 (4 bytes an element, size < 2^32), so every
       index fits the int32 the format uses. */
    v.arena_bytes = fb_get_u32(b, m, MCN_MODEL_ARENA_BYTES, 0);
    mcn_status s = check_buffers(&v);
    for (uint32_t i = 0; s == MCN_OK && i < v.n_tensors; i++)
        s = check_tensor(&v, (int32_t)i);
    for (uint32_t i = 0; s == MCN_OK && i < n_ops; i++)
        s = check_operator(&v, ops, (int32_t)i);
    if (s == MCN_OK)
        s = check_io(&v, m, MCN_MODEL_INPUTS, "model input", 1);
    if (s == MCN_OK)
        s = check_io(&v, m, MCN_MODEL_OUTPUTS, "model output", 0);
    if (s == MCN_OK)
        s = check_dataflow(&v, m, ops, n_ops);
    return s;
}

mcn_status mcn_verify(const void *model, size_t model_size)
{
    return mcn_verify_ex(model, model_size, NULL);
}

uint32_t mcn_arena_bytes(const void *model, size_t model_size)
{
    if (mcn_verify(model, model_size) != MCN_OK)
        return 0;
    const uint8_t *b = model;
    uint32_t m = fb_u32(b);
    return fb_get_u32(b, m, MCN_MODEL_ARENA_BYTES, 0);
}
