/*
** graph_io.c: the host graph to and from .mcn. Writing maps every graph
** field onto the schema and then runs the engine's verifier on the result,
** so no tool can write a model that would not load; reading runs the same
** verifier first and then trusts the unchecked fb_get_* accessors.
*/
#include "graph_io.h"

#include <stdlib.h>
#include <string.h>

#include "fb_build.h"
#include "fb_read.h"
#include "fileio.h"
#include "mcn.h"
#include "mcn_verify.h"

/* ---- writing ---- */

static fbb_ref i32_vector(fbb *b, int n, const int32_t *v)
{
    return fbb_create_vector(b, 4, (size_t)n, v, 4);
}

static fbb_ref write_quant(fbb *b, const graph_tensor *t)
{
    fbb_ref scale = fbb_create_vector(b, 4, (size_t)t->nscale, t->scale, 4);
    fbb_ref zp = i32_vector(b, t->nscale, t->zero_point);
    fbb_start_table(b);
    fbb_add_offset(b, MCN_QUANT_SCALE, scale);
    fbb_add_offset(b, MCN_QUANT_ZERO_POINT, zp);
    fbb_add_i32(b, MCN_QUANT_AXIS, t->quant_axis, 0);
    return fbb_end_table(b);
}

static fbb_ref write_tensor(fbb *b, const graph_tensor *t, uint32_t buffer)
{
    fbb_ref name = t->name ? fbb_create_string(b, t->name) : 0;
    fbb_ref shape = i32_vector(b, t->rank, t->shape);
    fbb_ref quant = t->nscale > 0 ? write_quant(b, t) : 0;
    fbb_start_table(b);
    fbb_add_offset(b, MCN_TENSOR_NAME, name);
    fbb_add_i8(b, MCN_TENSOR_DTYPE, (int8_t)t->dtype, 0);
    fbb_add_offset(b, MCN_TENSOR_SHAPE, shape);
    fbb_add_u32(b, MCN_TENSOR_BUFFER, buffer, 0);
    fbb_add_offset(b, MCN_TENSOR_QUANT, quant);
    fbb_add_i32(b, MCN_TENSOR_ARENA_OFFSET, t->arena_offset, -1);
    fbb_add_i8(b, MCN_TENSOR_LAYOUT, (int8_t)t->layout, 0);
    return fbb_end_table(b);
}

/* The padding rule and ceil_mode only mcn-nas reads: not in a packed
   model. */
static fbb_ref write_options(fbb *b, const graph_node *n, int type,
                            bool packed)
{
    if (type == MCN_OPTIONS_NONE)
        return 0;
    /* Vectors go before the table that refers to them. */
    fbb_ref ints = 0;
    if (type == MCN_OPTIONS_PAD || type == MCN_OPTIONS_REDUCE ||
        type == MCN_OPTIONS_TRANSPOSE || type == MCN_OPTIONS_SLICE)
        ints = i32_vector(b, n->n_ints, n->ints);
    fbb_start_table(b);
    if (type == MCN_OPTIONS_CONV2D) {
        fbb_add_i32(b, MCN_CONV_STRIDE_H, n->stride_h, 1);
        fbb_add_i32(b, MCN_CONV_STRIDE_W, n->stride_w, 1);
        fbb_add_i32(b, MCN_CONV_DILATION_H, n->dilation_h, 1);
        fbb_add_i32(b, MCN_CONV_DILATION_W, n->dilation_w, 1);
        fbb_add_i32(b, MCN_CONV_PAD_TOP, n->pad_top, 0);
        fbb_add_i32(b, MCN_CONV_PAD_LEFT, n->pad_left, 0);
        fbb_add_i32(b, MCN_CONV_PAD_BOTTOM, n->pad_bottom, 0);
        fbb_add_i32(b, MCN_CONV_PAD_RIGHT, n->pad_right, 0);
        fbb_add_i32(b, MCN_CONV_GROUPS, n->groups, 1);
        fbb_add_i32(b, MCN_CONV_DEPTH_MULTIPLIER, n->depth_multiplier, 1);
        fbb_add_i8(b, MCN_CONV_PADDING, packed ? 0 : (int8_t)n->padding, 0);
    } else if (type == MCN_OPTIONS_POOL2D) {
        fbb_add_i32(b, MCN_POOL_FILTER_H, n->filter_h, 0);
        fbb_add_i32(b, MCN_POOL_FILTER_W, n->filter_w, 0);
        fbb_add_i32(b, MCN_POOL_STRIDE_H, n->stride_h, 1);
        fbb_add_i32(b, MCN_POOL_STRIDE_W, n->stride_w, 1);
        fbb_add_i32(b, MCN_POOL_PAD_TOP, n->pad_top, 0);
        fbb_add_i32(b, MCN_POOL_PAD_LEFT, n->pad_left, 0);
        fbb_add_i32(b, MCN_POOL_PAD_BOTTOM, n->pad_bottom, 0);
        fbb_add_i32(b, MCN_POOL_PAD_RIGHT, n->pad_right, 0);
        fbb_add_u8(b, MCN_POOL_COUNT_INCLUDE_PAD, n->count_include_pad, 0);
        fbb_add_i32(b, MCN_POOL_DILATION_H, n->dilation_h, 1);
        fbb_add_i32(b, MCN_POOL_DILATION_W, n->dilation_w, 1);
        fbb_add_i8(b, MCN_POOL_PADDING, packed ? 0 : (int8_t)n->padding, 0);
        fbb_add_u8(b, MCN_POOL_CEIL_MODE, !packed && n->ceil_mode, 0);
    } else if (type == MCN_OPTIONS_SOFTMAX) {
        fbb_add_f32(b, MCN_SOFTMAX_BETA, n->beta, 1.0f);
    } else if (type == MCN_OPTIONS_AXIS) {
        fbb_add_i32(b, MCN_AXIS_AXIS, n->axis, 0);
    } else if (type == MCN_OPTIONS_PAD) {
        fbb_add_offset(b, MCN_PAD_PADDINGS, ints);
        fbb_add_i8(b, MCN_PAD_MODE, (int8_t)n->pad_mode, 0);
        fbb_add_f32(b, MCN_PAD_VALUE, n->pad_value, 0.0f);
    } else if (type == MCN_OPTIONS_REDUCE) {
        fbb_add_offset(b, MCN_REDUCE_AXES, ints);
        fbb_add_u8(b, MCN_REDUCE_KEEP_DIMS, n->keep_dims, 0);
    } else if (type == MCN_OPTIONS_TRANSPOSE) {
        fbb_add_offset(b, MCN_TRANSPOSE_PERM, ints);
    } else if (type == MCN_OPTIONS_SLICE) {
        fbb_add_offset(b, MCN_SLICE_BOUNDS, ints);
    } else if (type == MCN_OPTIONS_ACTIVATION) {
        fbb_add_f32(b, MCN_ACTIVATION_ALPHA, n->alpha, 0.0f);
        fbb_add_f32(b, MCN_ACTIVATION_BETA, n->beta, 0.0f);
    } else {
        fbb_add_i8(b, MCN_RESIZE_MODE, (int8_t)n->resize_mode, 0);
        fbb_add_i8(b, MCN_RESIZE_COORD, (int8_t)n->coord_mode, 0);
        fbb_add_i8(b, MCN_RESIZE_NEAREST_MODE, (int8_t)n->nearest_mode, 0);
        fbb_add_f32(b, MCN_RESIZE_SCALE_H, n->resize_scale_h, 0.0f);
        fbb_add_f32(b, MCN_RESIZE_SCALE_W, n->resize_scale_w, 0.0f);
        fbb_add_u8(b, MCN_RESIZE_TFLITE_INDICES, n->resize_tflite, 0);
    }
    return fbb_end_table(b);
}

static fbb_ref write_requant(fbb *b, const graph_requant *rq)
{
    fbb_ref mul = rq->n > 0 ? i32_vector(b, rq->n, rq->multiplier) : 0;
    fbb_ref shift = rq->n > 0 ? i32_vector(b, rq->n, rq->shift) : 0;
    fbb_start_table(b);
    fbb_add_offset(b, MCN_REQUANT_MULTIPLIER, mul);
    fbb_add_offset(b, MCN_REQUANT_SHIFT, shift);
    fbb_add_i32(b, MCN_REQUANT_ACT_MIN, rq->act_min, -128);
    fbb_add_i32(b, MCN_REQUANT_ACT_MAX, rq->act_max, 127);
    fbb_add_i32(b, MCN_REQUANT_LEFT_SHIFT, rq->left_shift, 0);
    fbb_add_i32(b, MCN_REQUANT_INPUT1_MULTIPLIER, rq->input1_multiplier, 0);
    fbb_add_i32(b, MCN_REQUANT_INPUT1_SHIFT, rq->input1_shift, 0);
    fbb_add_i32(b, MCN_REQUANT_INPUT2_MULTIPLIER, rq->input2_multiplier, 0);
    fbb_add_i32(b, MCN_REQUANT_INPUT2_SHIFT, rq->input2_shift, 0);
    fbb_add_i32(b, MCN_REQUANT_DIFF_MIN, rq->diff_min, 0);
    return fbb_end_table(b);
}

/* A packed model (arena planned) drops what only the host tools read. */
static fbb_ref write_node(fbb *b, const graph_node *n, bool packed)
{
    int type = mcn_options_for(n->op);
    fbb_ref in = i32_vector(b, n->n_in, n->in);
    fbb_ref out = i32_vector(b, n->n_out, n->out);
    fbb_ref opt = write_options(b, n, type, packed);
    fbb_ref rq = n->has_requant ? write_requant(b, &n->rq) : 0;
    fbb_ref name = n->name ? fbb_create_string(b, n->name) : 0;
    fbb_ref new_shape = n->op == MCN_OP_RESHAPE && n->n_ints && !packed
                            ? i32_vector(b, n->n_ints, n->ints) : 0;
    fbb_start_table(b);
    fbb_add_u16(b, MCN_OPERATOR_OPCODE, (uint16_t)n->op, 0);
    fbb_add_offset(b, MCN_OPERATOR_INPUTS, in);
    fbb_add_offset(b, MCN_OPERATOR_OUTPUTS, out);
    fbb_add_u8(b, MCN_OPERATOR_OPTIONS_TYPE, (uint8_t)type, 0);
    fbb_add_offset(b, MCN_OPERATOR_OPTIONS, opt);
    fbb_add_u8(b, MCN_OPERATOR_ACTIVATION, (uint8_t)n->act, 0);
    fbb_add_f32(b, MCN_OPERATOR_ACT_MIN, n->act_min, 0.0f);
    fbb_add_f32(b, MCN_OPERATOR_ACT_MAX, n->act_max, 0.0f);
    fbb_add_offset(b, MCN_OPERATOR_REQUANT, rq);
    fbb_add_offset(b, MCN_OPERATOR_NAME, name);
    fbb_add_i32(b, MCN_OPERATOR_SCRATCH_OFFSET, n->scratch_offset, -1);
    fbb_add_u32(b, MCN_OPERATOR_SCRATCH_BYTES, n->scratch_bytes, 0);
    fbb_add_u8(b, MCN_OPERATOR_KERNEL, n->kernel, 0);
    fbb_add_offset(b, MCN_OPERATOR_NEW_SHAPE, new_shape);
    return fbb_end_table(b);
}

/* Tensors, each constant with its own buffer (buffers[0] stays empty). */
static void write_tensors(fbb *b, const graph *g, fbb_ref *tensors,
                          fbb_ref *buffers, size_t *n_buffers)
{
    fbb_start_table(b);
    buffers[0] = fbb_end_table(b);
    *n_buffers = 1;
    for (int i = 0; i < g->n_tensors; i++) {
        const graph_tensor *t = &g->tensors[i];
        uint32_t buf = 0;
        if (t->data) {
            fbb_ref data = fbb_create_vector(b, 1, t->nbytes, t->data,
                                             MCN_BUFFER_ALIGN);
            fbb_start_table(b);
            fbb_add_offset(b, MCN_BUFFER_DATA, data);
            buf = (uint32_t)*n_buffers;
            buffers[(*n_buffers)++] = fbb_end_table(b);
        }
        tensors[i] = write_tensor(b, t, buf);
    }
}

/* "where index: what", the verifier's reason as one phrase. */
static int fail_report(mcn_err *e, const char *prefix,
                       const mcn_verify_report *r)
{
    if (r->index >= 0)
        return mcn_fail(e, "%s (%s %d: %s)", prefix, r->where, (int)r->index,
                        r->what);
    return mcn_fail(e, "%s (%s: %s)", prefix, r->where, r->what);
}

/* Turn a verifier verdict into one line; the size and identifier checks
   are worded for what a user most likely fed the tool. */
static int verdict(const uint8_t *buf, size_t len, mcn_err *e)
{
    mcn_verify_report r = {"", "model", -1};
    mcn_status s = mcn_verify_ex(buf, len, &r);
    if (s == MCN_OK)
        return 0;
    if (len < 8)
        return mcn_fail(e, "truncated (%zu bytes, shorter than any model)",
                        len);
    if (memcmp(buf + 4, MCN_FILE_IDENTIFIER, 4) != 0)
        return mcn_fail(e, "not an mcn model (bad file identifier)");
    if (s == MCN_ERR_VERSION) {
        uint32_t m = fb_u32(buf);
        return mcn_fail(e, "format version %u, this build reads version %u",
                        (unsigned)fb_get_u32(buf, m, MCN_MODEL_VERSION, 0),
                        MCN_FORMAT_VERSION);
    }
    return fail_report(e, "truncated or corrupt", &r);
}

int graph_to_mcn(const graph *g, uint8_t **buf, size_t *len, mcn_err *e)
{
    *buf = NULL;
    *len = 0;
    if (graph_check_limits(g, e))
        return -1;
    size_t nt = (size_t)g->n_tensors, nn = (size_t)g->n_nodes, nb = 0;
    fbb_ref *tensors = calloc(nt + 1, sizeof *tensors);
    fbb_ref *nodes = calloc(nn + 1, sizeof *nodes);
    fbb_ref *buffers = calloc(nt + 1, sizeof *buffers);
    fbb b;
    fbb_init(&b);
    int rc = -1;
    if (!tensors || !nodes || !buffers) {
        mcn_fail_status(e, MCN_EX_OSERR,
                        "out of memory writing the model");
        goto out;
    }
    write_tensors(&b, g, tensors, buffers, &nb);
    for (size_t i = 0; i < nn; i++)
        nodes[i] = write_node(&b, &g->nodes[i], g->arena_bytes != 0);
    fbb_ref tv = fbb_create_vector_offsets(&b, nt, tensors);
    fbb_ref nv = fbb_create_vector_offsets(&b, nn, nodes);
    fbb_ref bv = fbb_create_vector_offsets(&b, nb, buffers);
    fbb_ref iv = i32_vector(&b, g->n_inputs, g->inputs);
    fbb_ref ov = i32_vector(&b, g->n_outputs, g->outputs);
    fbb_ref desc = g->description ? fbb_create_string(&b, g->description) : 0;
    fbb_start_table(&b);
    fbb_add_u32(&b, MCN_MODEL_VERSION, MCN_FORMAT_VERSION, 0);
    fbb_add_offset(&b, MCN_MODEL_DESCRIPTION, desc);
    fbb_add_offset(&b, MCN_MODEL_TENSORS, tv);
    fbb_add_offset(&b, MCN_MODEL_OPERATORS, nv);
    fbb_add_offset(&b, MCN_MODEL_INPUTS, iv);
    fbb_add_offset(&b, MCN_MODEL_OUTPUTS, ov);
    fbb_add_offset(&b, MCN_MODEL_BUFFERS, bv);
    fbb_add_u32(&b, MCN_MODEL_ARENA_BYTES, g->arena_bytes, 0);
    fbb_ref model = fbb_end_table(&b);
    if (fbb_finish(&b, model, MCN_FILE_IDENTIFIER, buf, len, e))
        goto out;
    mcn_verify_report r = {"", "model", -1};
    if (mcn_verify_ex(*buf, *len, &r) != MCN_OK) {
        /* The graph is inconsistent, not the file corrupt. */
        fail_report(e, "cannot write an invalid graph", &r);
        free(*buf);
        *buf = NULL;
        *len = 0;
        goto out;
    }
    rc = 0;
out:
    fbb_free(&b);
    free(tensors);
    free(nodes);
    free(buffers);
    return rc;
}

/* ---- reading (after mcn_verify: every access below is in bounds) ---- */

/* A malloc'd copy of a verified vector of 4-byte scalars (NULL when n=0). */
static int32_t *read_i32s(const uint8_t *b, uint32_t data, uint32_t n)
{
    int32_t *v = malloc((size_t)n * sizeof *v + 1);
    for (uint32_t i = 0; v && i < n; i++)
        v[i] = fb_i32(b + data + 4u * i);
    return v;
}

static int read_tensor(graph *g, const uint8_t *b, uint32_t buffers,
                       uint32_t t)
{
    uint32_t rank, n_scale, n_zp;
    uint32_t sd = fb_get_vector(b, t, MCN_TENSOR_SHAPE, &rank);
    int32_t shape[MCN_MAX_DIMS];
    for (uint32_t d = 0; d < rank; d++)
        shape[d] = fb_i32(b + sd + 4u * d);
    int i = graph_add_tensor(g, fb_get_string(b, t, MCN_TENSOR_NAME),
                             (mcn_dtype)fb_get_u8(b, t, MCN_TENSOR_DTYPE, 0),
                             (int)rank, shape);
    if (i < 0)
        return -1;
    graph_tensor *gt = &g->tensors[i];
    gt->layout = (mcn_layout)fb_get_u8(b, t, MCN_TENSOR_LAYOUT, 0);
    gt->arena_offset = fb_get_i32(b, t, MCN_TENSOR_ARENA_OFFSET, -1);
    uint32_t q = fb_get_ref(b, t, MCN_TENSOR_QUANT);
    if (q) {
        uint32_t s = fb_get_vector(b, q, MCN_QUANT_SCALE, &n_scale);
        uint32_t z = fb_get_vector(b, q, MCN_QUANT_ZERO_POINT, &n_zp);
        float *scale = malloc((size_t)n_scale * sizeof *scale + 1);
        int32_t *zp = read_i32s(b, z, n_zp);
        for (uint32_t k = 0; scale && k < n_scale; k++)
            scale[k] = fb_f32(b + s + 4u * k);
        int rc = !scale || !zp ||
                 graph_set_quant(g, i, (int)n_scale, scale, zp,
                                 fb_get_i32(b, q, MCN_QUANT_AXIS, 0));
        free(scale);
        free(zp);
        if (rc)
            return -1;
    }
    uint32_t buf = fb_get_u32(b, t, MCN_TENSOR_BUFFER, 0);
    if (buf) {
        uint32_t len, bt = fb_vector_table(b, buffers, buf);
        uint32_t data = fb_get_vector(b, bt, MCN_BUFFER_DATA, &len);
        if (graph_set_data(g, i, b + data, len))
            return -1;
    }
    return 0;
}

/* The verifier bounded the vector's length by graph_node.ints. */
static void read_ints(graph_node *n, const uint8_t *b, uint32_t o, int id)
{
    uint32_t len, v = fb_get_vector(b, o, id, &len);
    n->n_ints = (int)len;
    for (uint32_t k = 0; k < len; k++)
        n->ints[k] = fb_i32(b + v + 4u * k);
}

/* An unknown padding rule (a newer writer's) keeps the stored pads. */
static mcn_padding read_padding(const uint8_t *b, uint32_t o, int id)
{
    int p = fb_get_u8(b, o, id, 0);
    return p <= MCN_PADDING_VALID ? (mcn_padding)p : MCN_PADDING_EXPLICIT;
}

static void read_options(graph_node *n, const uint8_t *b, uint32_t o,
                         int type)
{
    if (type == MCN_OPTIONS_CONV2D) {
        n->stride_h = fb_get_i32(b, o, MCN_CONV_STRIDE_H, 1);
        n->stride_w = fb_get_i32(b, o, MCN_CONV_STRIDE_W, 1);
        n->dilation_h = fb_get_i32(b, o, MCN_CONV_DILATION_H, 1);
        n->dilation_w = fb_get_i32(b, o, MCN_CONV_DILATION_W, 1);
        n->pad_top = fb_get_i32(b, o, MCN_CONV_PAD_TOP, 0);
        n->pad_left = fb_get_i32(b, o, MCN_CONV_PAD_LEFT, 0);
        n->pad_bottom = fb_get_i32(b, o, MCN_CONV_PAD_BOTTOM, 0);
        n->pad_right = fb_get_i32(b, o, MCN_CONV_PAD_RIGHT, 0);
        n->groups = fb_get_i32(b, o, MCN_CONV_GROUPS, 1);
        n->depth_multiplier = fb_get_i32(b, o, MCN_CONV_DEPTH_MULTIPLIER, 1);
        n->padding = read_padding(b, o, MCN_CONV_PADDING);
    } else if (type == MCN_OPTIONS_POOL2D) {
        n->filter_h = fb_get_i32(b, o, MCN_POOL_FILTER_H, 0);
        n->filter_w = fb_get_i32(b, o, MCN_POOL_FILTER_W, 0);
        n->stride_h = fb_get_i32(b, o, MCN_POOL_STRIDE_H, 1);
        n->stride_w = fb_get_i32(b, o, MCN_POOL_STRIDE_W, 1);
        n->pad_top = fb_get_i32(b, o, MCN_POOL_PAD_TOP, 0);
        n->pad_left = fb_get_i32(b, o, MCN_POOL_PAD_LEFT, 0);
        n->pad_bottom = fb_get_i32(b, o, MCN_POOL_PAD_BOTTOM, 0);
        n->pad_right = fb_get_i32(b, o, MCN_POOL_PAD_RIGHT, 0);
        n->count_include_pad =
            fb_get_u8(b, o, MCN_POOL_COUNT_INCLUDE_PAD, 0) != 0;
        n->dilation_h = fb_get_i32(b, o, MCN_POOL_DILATION_H, 1);
        n->dilation_w = fb_get_i32(b, o, MCN_POOL_DILATION_W, 1);
        n->padding = read_padding(b, o, MCN_POOL_PADDING);
        n->ceil_mode = fb_get_u8(b, o, MCN_POOL_CEIL_MODE, 0) != 0;
    } else if (type == MCN_OPTIONS_SOFTMAX) {
        n->beta = fb_get_f32(b, o, MCN_SOFTMAX_BETA, 1.0f);
    } else if (type == MCN_OPTIONS_AXIS) {
        n->axis = fb_get_i32(b, o, MCN_AXIS_AXIS, 0);
    } else if (type == MCN_OPTIONS_PAD) {
        read_ints(n, b, o, MCN_PAD_PADDINGS);
        n->pad_mode = (mcn_pad_mode)fb_get_u8(b, o, MCN_PAD_MODE, 0);
        n->pad_value = fb_get_f32(b, o, MCN_PAD_VALUE, 0.0f);
    } else if (type == MCN_OPTIONS_REDUCE) {
        read_ints(n, b, o, MCN_REDUCE_AXES);
        n->keep_dims = fb_get_u8(b, o, MCN_REDUCE_KEEP_DIMS, 0) != 0;
    } else if (type == MCN_OPTIONS_TRANSPOSE) {
        read_ints(n, b, o, MCN_TRANSPOSE_PERM);
    } else if (type == MCN_OPTIONS_SLICE) {
        read_ints(n, b, o, MCN_SLICE_BOUNDS);
    } else if (type == MCN_OPTIONS_ACTIVATION) {
        n->alpha = fb_get_f32(b, o, MCN_ACTIVATION_ALPHA, 0.0f);
        n->beta = fb_get_f32(b, o, MCN_ACTIVATION_BETA, 0.0f);
    } else if (type == MCN_OPTIONS_RESIZE) {
        n->resize_mode = (mcn_resize_mode)fb_get_u8(b, o, MCN_RESIZE_MODE, 0);
        n->coord_mode = (mcn_coord_mode)fb_get_u8(b, o, MCN_RESIZE_COORD, 0);
        n->nearest_mode =
            (mcn_nearest_mode)fb_get_u8(b, o, MCN_RESIZE_NEAREST_MODE, 0);
        n->resize_scale_h = fb_get_f32(b, o, MCN_RESIZE_SCALE_H, 0.0f);
        n->resize_scale_w = fb_get_f32(b, o, MCN_RESIZE_SCALE_W, 0.0f);
        n->resize_tflite =
            fb_get_u8(b, o, MCN_RESIZE_TFLITE_INDICES, 0) != 0;
    }
}

static int read_requant(graph_node *n, const uint8_t *b, uint32_t r)
{
    uint32_t count, n_shift;
    uint32_t m = fb_get_vector(b, r, MCN_REQUANT_MULTIPLIER, &count);
    uint32_t s = fb_get_vector(b, r, MCN_REQUANT_SHIFT, &n_shift);
    /* graph_set_requant allocates; with no channels there is nothing to. */
    if (count > 0 && graph_set_requant(n, (int)count))
        return -1;
    for (uint32_t k = 0; k < count; k++) {
        n->rq.multiplier[k] = fb_i32(b + m + 4u * k);
        n->rq.shift[k] = fb_i32(b + s + 4u * k);
    }
    n->has_requant = true;
    n->rq.n = (int)count;
    n->rq.act_min = fb_get_i32(b, r, MCN_REQUANT_ACT_MIN, -128);
    n->rq.act_max = fb_get_i32(b, r, MCN_REQUANT_ACT_MAX, 127);
    n->rq.left_shift = fb_get_i32(b, r, MCN_REQUANT_LEFT_SHIFT, 0);
    n->rq.input1_multiplier =
        fb_get_i32(b, r, MCN_REQUANT_INPUT1_MULTIPLIER, 0);
    n->rq.input1_shift = fb_get_i32(b, r, MCN_REQUANT_INPUT1_SHIFT, 0);
    n->rq.input2_multiplier =
        fb_get_i32(b, r, MCN_REQUANT_INPUT2_MULTIPLIER, 0);
    n->rq.input2_shift = fb_get_i32(b, r, MCN_REQUANT_INPUT2_SHIFT, 0);
    n->rq.diff_min = fb_get_i32(b, r, MCN_REQUANT_DIFF_MIN, 0);
    return 0;
}

/* Copy an index vector into a fixed graph array of GRAPH_MAX_IO. */
static int read_indices(const uint8_t *b, uint32_t t, int id, int *dst,
                        int *n, const char *what, int index, mcn_err *e)
{
    uint32_t len, d = fb_get_vector(b, t, id, &len);
    if (len > GRAPH_MAX_IO) {
        if (index >= 0)
            return mcn_fail(e, "operator %d: %u %s, at most %d supported",
                            index, (unsigned)len, what, GRAPH_MAX_IO);
        return mcn_fail(e, "%u model %s, at most %d supported",
                        (unsigned)len, what, GRAPH_MAX_IO);
    }
    for (uint32_t k = 0; k < len; k++)
        dst[k] = fb_i32(b + d + 4u * k);
    *n = (int)len;
    return 0;
}

/* The engine's verifier does not look at new_shape (the engine never
   reads it): checked here. */
static int read_new_shape(graph_node *n, const uint8_t *b, uint32_t size,
                          uint32_t o, int index, mcn_err *e)
{
    uint32_t v, len;
    if (!fb_check_vector(b, size, o, MCN_OPERATOR_NEW_SHAPE, 4, &v, &len) ||
        len > MCN_MAX_DIMS || (len && n->op != MCN_OP_RESHAPE))
        return mcn_fail(e, "operator %d: malformed new_shape", index);
    if (len) {
        n->n_ints = (int)len;
        for (uint32_t k = 0; k < len; k++)
            n->ints[k] = fb_i32(b + v + 4u * k);
    }
    return 0;
}

static int read_node(graph *g, const uint8_t *b, uint32_t size, uint32_t o,
                     int index, mcn_err *e)
{
    mcn_opcode op = (mcn_opcode)fb_get_u16(b, o, MCN_OPERATOR_OPCODE, 0);
    int i = graph_add_node(g, op, fb_get_string(b, o, MCN_OPERATOR_NAME));
    if (i < 0)
        return mcn_fail_status(e, MCN_EX_OSERR,
                               "out of memory reading the model");
    graph_node *n = &g->nodes[i];
    if (read_indices(b, o, MCN_OPERATOR_INPUTS, n->in, &n->n_in, "inputs",
                     index, e) ||
        read_indices(b, o, MCN_OPERATOR_OUTPUTS, n->out, &n->n_out,
                     "outputs", index, e))
        return -1;
    read_options(n, b, fb_get_ref(b, o, MCN_OPERATOR_OPTIONS),
                 fb_get_u8(b, o, MCN_OPERATOR_OPTIONS_TYPE, 0));
    n->act = (mcn_activation)fb_get_u8(b, o, MCN_OPERATOR_ACTIVATION, 0);
    n->act_min = fb_get_f32(b, o, MCN_OPERATOR_ACT_MIN, 0.0f);
    n->act_max = fb_get_f32(b, o, MCN_OPERATOR_ACT_MAX, 0.0f);
    n->scratch_offset = fb_get_i32(b, o, MCN_OPERATOR_SCRATCH_OFFSET, -1);
    n->scratch_bytes = fb_get_u32(b, o, MCN_OPERATOR_SCRATCH_BYTES, 0);
    n->kernel = fb_get_u8(b, o, MCN_OPERATOR_KERNEL, 0);
    if (read_new_shape(n, b, size, o, index, e))
        return -1;
    uint32_t r = fb_get_ref(b, o, MCN_OPERATOR_REQUANT);
    if (r && read_requant(n, b, r))
        return mcn_fail_status(e, MCN_EX_OSERR,
                               "out of memory reading the model");
    return 0;
}

int graph_from_mcn(graph *g, const uint8_t *buf, size_t len, mcn_err *e)
{
    graph_init(g);
    if (verdict(buf, len, e))
        return -1;
    uint32_t m = fb_u32(buf), nt, nn, buffers, nb;
    uint32_t tensors = fb_get_vector(buf, m, MCN_MODEL_TENSORS, &nt);
    uint32_t ops = fb_get_vector(buf, m, MCN_MODEL_OPERATORS, &nn);
    buffers = fb_get_vector(buf, m, MCN_MODEL_BUFFERS, &nb);
    /* Counted before anything is allocated by them: a 4-byte reference
       per entry, one table for all, declares a million in 4 MB. */
    if (nn > GRAPH_MAX_NODES)
        return mcn_fail(e, "the model has %u operators; at most %d are "
                        "supported", (unsigned)nn, GRAPH_MAX_NODES);
    if (nt > GRAPH_MAX_TENSORS)
        return mcn_fail(e, "the model has %u tensors; at most %d are "
                        "supported", (unsigned)nt, GRAPH_MAX_TENSORS);
    if (graph_set_name(&g->description,
                       fb_get_string(buf, m, MCN_MODEL_DESCRIPTION)))
        goto oom;
    g->arena_bytes = fb_get_u32(buf, m, MCN_MODEL_ARENA_BYTES, 0);
    for (uint32_t i = 0; i < nt; i++)
        if (read_tensor(g, buf, buffers, fb_vector_table(buf, tensors, i)))
            goto oom;
    for (uint32_t i = 0; i < nn; i++)
        if (read_node(g, buf, (uint32_t)len, fb_vector_table(buf, ops, i),
                      (int)i, e))
            goto fail;
    if (read_indices(buf, m, MCN_MODEL_INPUTS, g->inputs, &g->n_inputs,
                     "inputs", -1, e) ||
        read_indices(buf, m, MCN_MODEL_OUTPUTS, g->outputs, &g->n_outputs,
                     "outputs", -1, e) ||
        graph_check_limits(g, e))
        goto fail;
    return 0;
oom:
    mcn_fail_status(e, MCN_EX_OSERR, "out of memory reading the model");
fail:
    graph_free(g);
    return -1;
}

int graph_load_file(graph *g, const char *path, mcn_err *e)
{
    uint8_t *buf;
    size_t len;
    graph_init(g);
    if (file_read_all(path, &buf, &len, e))
        return -1;
    int rc = graph_from_mcn(g, buf, len, e);
    free(buf);
    return rc;
}

int graph_save_file(const graph *g, const char *path, mcn_err *e)
{
    uint8_t *buf;
    size_t len;
    if (graph_to_mcn(g, &buf, &len, e))
        return -1;
    int rc = file_write_atomic(path, buf, len, e);
    free(buf);
    return rc;
}
