/*
** mcn_engine.c: the engine's runtime: bind a verified model to an arena,
** check every operator once (the prepare pass), hand out input and output
** tensors, and run the operators in order. C99, freestanding.
**
** Operators are decoded from the FlatBuffer again on every invoke; that
** costs about a thousand instructions per op on a Cortex-M4 (the generated
** form has none of it) and saves keeping per-op state in RAM, which on a
** microcontroller is the scarcer resource.
*/
#include <string.h>

#include "fb_read.h"
#include "mcn_internal.h"

/* The int32 vectors of the model are read in place as int32_t. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the engine reads the little-endian .mcn format in place"
#endif

static const mcn_op_fn op_table[MCN_OP_COUNT] = {
    [MCN_OP_CONV_2D] = mcn_op_conv,
    [MCN_OP_DEPTHWISE_CONV_2D] = mcn_op_dwconv,
    [MCN_OP_FULLY_CONNECTED] = mcn_op_fc,
    [MCN_OP_ADD] = mcn_op_add,
    [MCN_OP_MAX_POOL_2D] = mcn_op_maxpool,
    [MCN_OP_AVERAGE_POOL_2D] = mcn_op_avgpool,
    [MCN_OP_GLOBAL_AVERAGE_POOL] = mcn_op_global_avgpool,
    [MCN_OP_SOFTMAX] = mcn_op_softmax,
    [MCN_OP_RESHAPE] = mcn_op_reshape,
    [MCN_OP_CLIP] = mcn_op_clip,
    [MCN_OP_QUANTIZE] = mcn_op_quantize,
    [MCN_OP_DEQUANTIZE] = 0,  /* float output: the host's job */
    [MCN_OP_MUL] = mcn_op_mul,
    [MCN_OP_CONCATENATION] = mcn_op_concat,
    [MCN_OP_PAD] = mcn_op_pad,
    [MCN_OP_MEAN] = mcn_op_mean,
    [MCN_OP_LOGISTIC] = mcn_op_logistic,
    [MCN_OP_HARD_SWISH] = mcn_op_hard_swish,
    [MCN_OP_TANH] = mcn_op_tanh,
    [MCN_OP_LEAKY_RELU] = mcn_op_leaky_relu,
    [MCN_OP_RESIZE] = mcn_op_resize,
    [MCN_OP_TRANSPOSE] = mcn_op_transpose,
    [MCN_OP_SLICE] = mcn_op_slice,
    [MCN_OP_GLOBAL_MAX_POOL] = mcn_op_global_maxpool,
    [MCN_OP_TRANSPOSE_CONV] = mcn_op_transpose_conv,
    [MCN_OP_SUB] = mcn_op_sub,
    [MCN_OP_DIV] = mcn_op_div,
    [MCN_OP_PRELU] = mcn_op_prelu,
    [MCN_OP_ELU] = mcn_op_lut,
    [MCN_OP_HARD_SIGMOID] = mcn_op_lut,
    [MCN_OP_LOG_SOFTMAX] = mcn_op_log_softmax,
};

void mcn_tview_get(const mcn_ctx *ctx, int32_t index, mcn_tview *t)
{
    const uint8_t *b = ctx->model;
    /* Every field is assigned, with no memset first: this runs for every
       operand of every operator on every invoke. */
    t->index = index;
    t->is_const = 0;
    t->data = 0;
    t->wdata = 0;
    t->n_quant = t->scale_bits = t->zps = t->n_zps = 0;
    t->zero_point = 0;
    uint32_t rank = 0, shape = 0;
    t->present = index >= 0 && (uint32_t)index < ctx->n_tensors;
    if (!t->present) {
        t->dtype = (mcn_dtype)0;
        t->rank = 0;
        t->elems = t->bytes = 0;
        for (uint32_t d = 0; d < MCN_MAX_DIMS; d++)
            t->dims[d] = 0;
        return;
    }
    /* Each table's vtable is found once. */
    const fb_tab tt = fb_tab_of(b, fb_vector_table(b, ctx->tensors,
                                                   (uint32_t)index));
    t->dtype = (mcn_dtype)fb_tab_u8(&tt, MCN_TENSOR_DTYPE, 0);
    shape = fb_tab_vector(&tt, MCN_TENSOR_SHAPE, &rank);
    t->rank = (int)rank;
    t->elems = 1;
    uint32_t d = 0;
    for (; d < rank; d++) {
        t->dims[d] = fb_i32(b + shape + 4u * d);
        t->elems *= (uint32_t)t->dims[d];
    }
    for (; d < MCN_MAX_DIMS; d++)
        t->dims[d] = 0;
    t->bytes = t->elems * mcn_dtype_size(t->dtype);
    uint32_t buf = fb_tab_u32(&tt, MCN_TENSOR_BUFFER, 0);
    if (buf != 0) {
        uint32_t len, bt = fb_vector_table(b, ctx->buffers, buf);
        t->is_const = 1;
        t->data = b + fb_get_vector(b, bt, MCN_BUFFER_DATA, &len);
    } else {
        int32_t off = fb_tab_i32(&tt, MCN_TENSOR_ARENA_OFFSET, -1);
        if (off >= 0 && ctx->arena) {
            t->wdata = ctx->arena + off;
            t->data = t->wdata;
        }
    }
    uint32_t q = fb_tab_ref(&tt, MCN_TENSOR_QUANT);
    if (q) {
        const fb_tab qt = fb_tab_of(b, q);
        uint32_t scales = fb_tab_vector(&qt, MCN_QUANT_SCALE, &t->n_quant);
        if (t->n_quant)
            t->scale_bits = fb_u32(b + scales);
        t->zps = fb_tab_vector(&qt, MCN_QUANT_ZERO_POINT, &t->n_zps);
        if (t->n_zps)
            t->zero_point = fb_i32(b + t->zps);
    }
}

/* A constant holds exactly its shape's bytes, but for the weights of a
   convolution whose kernel lays them out larger (check_kernel, in
   mcn_ops_conv.c, holds them to that kernel's size). */
static mcn_status check_const_bytes(const mcn_opview *v)
{
    const int conv = v->opcode == MCN_OP_CONV_2D ||
                     v->opcode == MCN_OP_DEPTHWISE_CONV_2D ||
                     v->opcode == MCN_OP_FULLY_CONNECTED;
    for (uint32_t k = 0; k < v->n_in && k < MCN_OP_MAX_IN; k++)
        if (v->in[k].is_const &&
            mcn_const_bytes(v->model, &v->in[k]) != v->in[k].bytes &&
            !(k == 1 && conv && v->kernel))
            return MCN_ERR_MODEL;
    return MCN_OK;
}

/* Read from the model, not kept in the view: mcn_invoke decodes every
   operator's views on every run, and only mcn_init needs this. */
uint32_t mcn_const_bytes(const uint8_t *model, const mcn_tview *t)
{
    if (!t->present || !t->is_const)
        return 0;
    const uint8_t *b = model;
    uint32_t m = fb_u32(b), n, len;
    uint32_t tensors = fb_get_vector(b, m, MCN_MODEL_TENSORS, &n);
    uint32_t tt = fb_vector_table(b, tensors, (uint32_t)t->index);
    uint32_t buffers = fb_get_vector(b, m, MCN_MODEL_BUFFERS, &n);
    uint32_t bt = fb_vector_table(b, buffers,
                                  fb_get_u32(b, tt, MCN_TENSOR_BUFFER, 0));
    (void)fb_get_vector(b, bt, MCN_BUFFER_DATA, &len);
    return len;
}

mcn_status mcn_opview_get(const mcn_ctx *ctx, uint32_t i, mcn_opview *v)
{
    const uint8_t *b = ctx->model;
    const fb_tab o = fb_tab_of(b, fb_vector_table(b, ctx->operators, i));
    uint32_t in, out;
    v->index = i;
    v->model = b;
    v->opcode = fb_tab_u16(&o, MCN_OPERATOR_OPCODE, 0);
    in = fb_tab_vector(&o, MCN_OPERATOR_INPUTS, &v->n_in);
    out = fb_tab_vector(&o, MCN_OPERATOR_OUTPUTS, &v->n_out);
    if (v->n_in > MCN_OP_MAX_IN || v->n_out != 1)
        return MCN_ERR_MODEL;
    for (uint32_t k = 0; k < v->n_in; k++)
        mcn_tview_get(ctx, fb_i32(b + in + 4u * k), &v->in[k]);
    /* Inputs the op does not have: absent, which is all their readers
       look at (each checks present or n_in first). */
    for (uint32_t k = v->n_in; k < MCN_OP_MAX_IN; k++) {
        mcn_tview *t = &v->in[k];
        t->present = t->is_const = 0;
        t->index = -1;
        t->data = t->wdata = 0;
        t->rank = 0;
        t->elems = t->bytes = t->n_quant = t->n_zps = 0;
        t->zero_point = 0;
    }
    mcn_tview_get(ctx, fb_i32(b + out), &v->out);
    v->options_type = fb_tab_u8(&o, MCN_OPERATOR_OPTIONS_TYPE, 0);
    v->options = fb_tab_ref(&o, MCN_OPERATOR_OPTIONS);
    v->scratch_offset = fb_tab_i32(&o, MCN_OPERATOR_SCRATCH_OFFSET, -1);
    v->scratch_bytes = fb_tab_u32(&o, MCN_OPERATOR_SCRATCH_BYTES, 0);
    /* The verifier put non-empty scratch inside the arena. */
    v->scratch = v->scratch_bytes && v->scratch_offset >= 0 && ctx->arena
                     ? ctx->arena + v->scratch_offset : 0;
    v->kernel = fb_tab_u8(&o, MCN_OPERATOR_KERNEL, 0);
    uint32_t rq = fb_tab_ref(&o, MCN_OPERATOR_REQUANT);
    v->has_requant = rq != 0;
    v->multiplier = v->shift = 0;
    v->n_rq = 0;
    v->act_min = -128;
    v->act_max = 127;
    v->left_shift = v->input1_multiplier = v->input1_shift = 0;
    v->input2_multiplier = v->input2_shift = v->diff_min = 0;
    if (rq) {
        const fb_tab r = fb_tab_of(b, rq);
        uint32_t n_shift;
        /* 4-byte aligned: FlatBuffers aligns vectors to their element
           size from the start of the model, which mcn_init aligned. */
        v->multiplier = (const int32_t *)(const void *)(
            b + fb_tab_vector(&r, MCN_REQUANT_MULTIPLIER, &v->n_rq));
        v->shift = (const int32_t *)(const void *)(
            b + fb_tab_vector(&r, MCN_REQUANT_SHIFT, &n_shift));
        v->act_min = fb_tab_i32(&r, MCN_REQUANT_ACT_MIN, -128);
        v->act_max = fb_tab_i32(&r, MCN_REQUANT_ACT_MAX, 127);
        v->left_shift = fb_tab_i32(&r, MCN_REQUANT_LEFT_SHIFT, 0);
        v->input1_multiplier =
            fb_tab_i32(&r, MCN_REQUANT_INPUT1_MULTIPLIER, 0);
        v->input1_shift = fb_tab_i32(&r, MCN_REQUANT_INPUT1_SHIFT, 0);
        v->input2_multiplier =
            fb_tab_i32(&r, MCN_REQUANT_INPUT2_MULTIPLIER, 0);
        v->input2_shift = fb_tab_i32(&r, MCN_REQUANT_INPUT2_SHIFT, 0);
        v->diff_min = fb_tab_i32(&r, MCN_REQUANT_DIFF_MIN, 0);
    }
    return MCN_OK;
}

/* A model input or output must be an activation the caller can reach. */
static mcn_status check_io(const mcn_ctx *ctx, uint32_t vec, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++) {
        mcn_tview t;
        mcn_tview_get(ctx, fb_i32(ctx->model + vec + 4u * k), &t);
        if (!t.present || !t.data)
            return MCN_ERR_MODEL;
    }
    return MCN_OK;
}

void mcn_bind(mcn_ctx *ctx, const uint8_t *model, uint32_t model_size)
{
    const uint8_t *b = model;
    uint32_t m = fb_u32(b);
    ctx->model = b;
    ctx->model_size = model_size;
    ctx->root = m;
    ctx->tensors = fb_get_vector(b, m, MCN_MODEL_TENSORS, &ctx->n_tensors);
    ctx->operators =
        fb_get_vector(b, m, MCN_MODEL_OPERATORS, &ctx->n_operators);
    ctx->buffers = fb_get_vector(b, m, MCN_MODEL_BUFFERS, &ctx->n_buffers);
    ctx->inputs = fb_get_vector(b, m, MCN_MODEL_INPUTS, &ctx->n_inputs);
    ctx->outputs = fb_get_vector(b, m, MCN_MODEL_OUTPUTS, &ctx->n_outputs);
}

mcn_status mcn_init(mcn_ctx *ctx, const void *model, size_t model_size,
                    void *arena, size_t arena_size)
{
    if (!ctx)
        return MCN_ERR_ARG;
    memset(ctx, 0, sizeof *ctx);
    ctx->failed_op = -1;
    if (!model || !arena)
        return MCN_ERR_ARG;
    /* The arena for int8 data and the model for its int32 vectors. */
    if ((uintptr_t)arena % 16u != 0 || (uintptr_t)model % 4u != 0)
        return MCN_ERR_ARG;
    mcn_status s = mcn_verify(model, model_size);
    if (s != MCN_OK)
        return s;
    const uint8_t *b = model;
    uint32_t need = fb_get_u32(b, fb_u32(b), MCN_MODEL_ARENA_BYTES, 0);
    if (need == 0)
        return MCN_ERR_NOT_PACKED;
    if (arena_size < need)
        return MCN_ERR_ARENA;

    mcn_bind(ctx, b, (uint32_t)model_size);
    ctx->arena = arena;
    ctx->arena_size = arena_size > 0xffffffffu ? 0xffffffffu
                                               : (uint32_t)arena_size;
    s = check_io(ctx, ctx->inputs, ctx->n_inputs);
    if (s == MCN_OK)
        s = check_io(ctx, ctx->outputs, ctx->n_outputs);
    if (s != MCN_OK)
        return s;
    for (uint32_t i = 0; i < ctx->n_operators; i++) {
        mcn_opview v;
        s = mcn_opview_get(ctx, i, &v);
        if (s == MCN_OK)
            s = check_const_bytes(&v);
        if (s == MCN_OK)
            s = op_table[v.opcode] ? op_table[v.opcode](&v, NULL)
                                   : MCN_ERR_UNSUPPORTED;
        if (s != MCN_OK) {
            ctx->failed_op = (int32_t)i;
            return s;
        }
    }
    ctx->ready = 1;
    return MCN_OK;
}

int mcn_num_inputs(const mcn_ctx *ctx)
{
    return ctx && ctx->ready ? (int)ctx->n_inputs : 0;
}

int mcn_num_outputs(const mcn_ctx *ctx)
{
    return ctx && ctx->ready ? (int)ctx->n_outputs : 0;
}

static void tensor_of(const mcn_tview *v, mcn_tensor *t)
{
    memset(t, 0, sizeof *t);
    t->dtype = v->dtype;
    t->rank = v->rank;
    for (int d = 0; d < v->rank; d++)
        t->dims[d] = v->dims[d];
    /* A constant model output is data in the model: read-only. */
    t->data = v->wdata ? (void *)v->wdata : (void *)(uintptr_t)v->data;
    t->bytes = v->bytes;
    if (v->n_quant) {
        union { uint32_t u; float f; } sc;
        sc.u = v->scale_bits;
        t->scale = sc.f;
    }
    t->zero_point = v->zero_point;
}

static mcn_status get_io(const mcn_ctx *ctx, uint32_t vec, uint32_t n, int i,
                         mcn_tensor *t)
{
    if (!ctx || !ctx->ready || !t || i < 0 || (uint32_t)i >= n)
        return MCN_ERR_ARG;
    mcn_tview v;
    mcn_tview_get(ctx, fb_i32(ctx->model + vec + 4u * (uint32_t)i), &v);
    tensor_of(&v, t);
    return MCN_OK;
}

mcn_status mcn_op_output(const mcn_ctx *ctx, uint32_t op, mcn_tensor *t)
{
    if (!ctx || !ctx->ready || !t || op >= ctx->n_operators)
        return MCN_ERR_ARG;
    mcn_opview v;
    mcn_opview_get(ctx, op, &v);
    tensor_of(&v.out, t);
    return MCN_OK;
}

mcn_status mcn_input(const mcn_ctx *ctx, int i, mcn_tensor *t)
{
    return get_io(ctx, ctx ? ctx->inputs : 0, ctx ? ctx->n_inputs : 0, i, t);
}

mcn_status mcn_output(const mcn_ctx *ctx, int i, mcn_tensor *t)
{
    return get_io(ctx, ctx ? ctx->outputs : 0, ctx ? ctx->n_outputs : 0, i,
                  t);
}

mcn_status mcn_invoke(mcn_ctx *ctx)
{
    if (!ctx || !ctx->ready)
        return MCN_ERR_ARG;
    for (uint32_t i = 0; i < ctx->n_operators; i++) {
        mcn_opview v;
        if (ctx->hook)
            ctx->hook(ctx->hook_user, i, 0);
        mcn_call c;
        mcn_opview_get(ctx, i, &v);
        op_table[v.opcode](&v, &c);
        mcn_call_run(&c);
        if (ctx->hook)
            ctx->hook(ctx->hook_user, i, 1);
    }
    return MCN_OK;
}

mcn_status mcn_op_call(const mcn_ctx *ctx, uint32_t op, mcn_call *c)
{
    if (!ctx || !ctx->ready || !c || op >= ctx->n_operators)
        return MCN_ERR_ARG;
    mcn_opview v;
    mcn_opview_get(ctx, op, &v);
    return op_table[v.opcode](&v, c);
}

mcn_status mcn_set_op_hook(mcn_ctx *ctx, mcn_op_hook hook, void *user)
{
    if (!ctx || !ctx->ready)
        return MCN_ERR_ARG;
    ctx->hook = hook;
    ctx->hook_user = user;
    return MCN_OK;
}

const char *mcn_status_str(mcn_status s)
{
#ifdef MCN_STRIP_ERROR_STRINGS
    (void)s;
    return "";
#else
    switch (s) {
    case MCN_OK: return "ok";
    case MCN_ERR_ARG: return "bad argument";
    case MCN_ERR_MODEL: return "malformed model";
    case MCN_ERR_VERSION: return "unsupported format version";
    case MCN_ERR_NOT_PACKED: return "model not packed (run mcn-pack)";
    case MCN_ERR_ARENA: return "arena too small";
    case MCN_ERR_UNSUPPORTED: return "unsupported operator or dtype";
    default: return "unknown status";
    }
#endif
}
