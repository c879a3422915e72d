/*
** mcn_ops_shape.c: the ops that move or gather int8 values along axes
** (CONCATENATION, PAD, MEAN): kernel parameters from the options table,
** their checks, and the call. None runs in place.
*/
#include "fb_read.h"
#include "mcn_internal.h"

/* A pad or crop far beyond any real model's, small enough that no index
   sum in the PAD kernel can overflow int32 (cf. mcn_check.c). */
#define AXIS_MAX 65535
/* MEAN sums up to this many int8 values less their zero point (each
   within +-255) in int32. */
#define MEAN_COUNT_MAX (INT32_MAX / 255)

/* An axis in [-rank, rank) as a position in [0, rank), or -1. */
static int resolve_axis(int32_t axis, int rank)
{
    if (axis < 0)
        axis += rank;
    return axis >= 0 && axis < rank ? (int)axis : -1;
}

/* The options table, if it is of `type` (the verifier allows none). */
static mcn_status options_of(const mcn_opview *v, int type, uint32_t *o)
{
    *o = v->options;
    if (*o && v->options_type != type)
        return MCN_ERR_MODEL;
    return MCN_OK;
}

/* Where an int vector field of the options starts, its length in *n
   (0 when the options or the field are absent). */
static uint32_t int_vector(const mcn_opview *v, uint32_t o, int id,
                           uint32_t *n)
{
    *n = 0;
    return o ? fb_get_vector(v->model, o, id, n) : 0;
}

/* ---- CONCATENATION ---- */

static mcn_status concat_params(const mcn_opview *v, mcn_k_concat_params *p,
                                int *axis_out)
{
    uint32_t o;
    MCN_TRY(options_of(v, MCN_OPTIONS_AXIS, &o));
    const mcn_tview *y = &v->out;
    int axis = resolve_axis(o ? fb_get_i32(v->model, o, MCN_AXIS_AXIS, 0) : 0,
                            y->rank);
    *axis_out = axis;
    if (axis < 0 || v->n_in < 1 || v->n_in > MCN_K_CONCAT_MAX_IN)
        return MCN_ERR_MODEL;
    p->outer = p->inner = 1;
    for (int d = 0; d < axis; d++)
        p->outer *= (uint32_t)y->dims[d];
    for (int d = axis + 1; d < y->rank; d++)
        p->inner *= (uint32_t)y->dims[d];
    p->n_inputs = v->n_in;
    p->output_offset = y->zero_point;
    for (uint32_t k = 0; k < v->n_in; k++) {
        const mcn_tview *x = &v->in[k];
        p->in[k].axis_len = x->rank == y->rank ? (uint32_t)x->dims[axis] : 0;
        p->in[k].input_offset = -x->zero_point;
        p->in[k].multiplier = k < v->n_rq ? v->multiplier[k] : 0;
        p->in[k].shift = k < v->n_rq ? v->shift[k] : 0;
        p->in[k].data = (const int8_t *)x->data;
    }
    p->output_data = (int8_t *)y->wdata;
    return MCN_OK;
}

mcn_status mcn_op_concat(const mcn_opview *v, mcn_call *call)
{
    mcn_k_concat_params p;
    int axis;
    if (call) {
        concat_params(v, &p, &axis);
        MCN_CALL_SET(call, MCN_CALL_CONCAT, concat, p);
        return MCN_OK;
    }
    if (v->n_out != 1)
        return MCN_ERR_MODEL;
    MCN_TRY(mcn_chk_int8(&v->out, 1));
    MCN_TRY(concat_params(v, &p, &axis));
    /* Every input matches the output off the axis; the axis adds up. */
    const mcn_tview *y = &v->out;
    int64_t axis_sum = 0;
    for (uint32_t k = 0; k < v->n_in; k++) {
        const mcn_tview *x = &v->in[k];
        MCN_TRY(mcn_chk_int8(x, 0));
        if (x->rank != y->rank || x->dims[axis] < 1)
            return MCN_ERR_MODEL;
        for (int d = 0; d < y->rank; d++)
            if (d != axis && x->dims[d] != y->dims[d])
                return MCN_ERR_MODEL;
        axis_sum += x->dims[axis];
        MCN_TRY(mcn_chk_alias(y, x, 0));
    }
    if (axis_sum != y->dims[axis])
        return MCN_ERR_MODEL;
    if (!v->has_requant || v->n_rq != v->n_in)
        return MCN_ERR_MODEL;
    for (uint32_t k = 0; k < v->n_rq; k++)
        MCN_TRY(mcn_chk_shift(v->shift[k]));
    return MCN_OK;
}

/* ---- PAD ---- */

/* Paddings (begin of every axis, then end) and mode from PadOptions; the
   int8 constant from requant. Later inputs (ONNX's pads and value,
   TFLite's paddings) say the same and are not read. */
static mcn_status pad_params(const mcn_opview *v, mcn_k_pad_params *p)
{
    uint32_t o, n;
    MCN_TRY(options_of(v, MCN_OPTIONS_PAD, &o));
    const mcn_tview *x = &v->in[0], *y = &v->out;
    uint32_t vec = int_vector(v, o, MCN_PAD_PADDINGS, &n);
    if (x->rank < 1 || x->rank > 6 || y->rank != x->rank ||
        n != 2u * (uint32_t)x->rank)
        return MCN_ERR_MODEL;
    p->rank = x->rank;
    for (int d = 0; d < x->rank; d++) {
        p->input_dims[d] = x->dims[d];
        p->output_dims[d] = y->dims[d];
        p->pad_before[d] = fb_i32(v->model + vec + 4u * (uint32_t)d);
        p->pad_after[d] =
            fb_i32(v->model + vec + 4u * (uint32_t)(x->rank + d));
    }
    p->mode = o ? fb_get_u8(v->model, o, MCN_PAD_MODE, 0) : MCN_PAD_CONSTANT;
    p->pad_value = v->n_rq ? v->multiplier[0] : 0;
    p->input_data = (const int8_t *)x->data;
    p->output_data = (int8_t *)y->wdata;
    return MCN_OK;
}

/* What the kernel's index arithmetic relies on, axis by axis. */
static mcn_status check_pad_axes(const mcn_k_pad_params *p)
{
    for (int d = 0; d < p->rank; d++) {
        int32_t in = p->input_dims[d], b = p->pad_before[d],
                e = p->pad_after[d];
        if (in < 1 || in > (1 << 29) || b < -AXIS_MAX || b > AXIS_MAX ||
            e < -AXIS_MAX || e > AXIS_MAX)
            return MCN_ERR_MODEL;
        int32_t kept = in - (b < 0 ? -b : 0) - (e < 0 ? -e : 0);
        if (kept < 0 || (kept == 0 && p->mode != MCN_PAD_CONSTANT))
            return MCN_ERR_MODEL;
        if (p->output_dims[d] < 1 || p->output_dims[d] != in + b + e)
            return MCN_ERR_MODEL;
    }
    return MCN_OK;
}

mcn_status mcn_op_pad(const mcn_opview *v, mcn_call *call)
{
    mcn_k_pad_params p;
    if (call) {
        pad_params(v, &p);
        MCN_CALL_SET(call, MCN_CALL_PAD, pad, p);
        return MCN_OK;
    }
    if (v->n_in < 1 || v->n_out != 1)
        return MCN_ERR_MODEL;
    MCN_TRY(mcn_chk_int8(&v->in[0], 0));
    MCN_TRY(mcn_chk_int8(&v->out, 1));
    MCN_TRY(pad_params(v, &p));
    if (p.mode < MCN_PAD_CONSTANT || p.mode > MCN_PAD_REFLECT)
        return MCN_ERR_MODEL;
    MCN_TRY(check_pad_axes(&p));
    /* Bytes move unchanged, so the quantization must not change. */
    if (v->in[0].zero_point != v->out.zero_point ||
        v->in[0].scale_bits != v->out.scale_bits)
        return MCN_ERR_UNSUPPORTED;
    if (!v->has_requant || v->n_rq != 1 || p.pad_value < -128 ||
        p.pad_value > 127)
        return MCN_ERR_MODEL;
    return mcn_chk_alias(&v->out, &v->in[0], 0);
}

/* ---- MEAN ---- */

/* Axes from ReduceOptions (none: every axis, as ONNX's ReduceMean), split
   into kept and reduced ones with their input strides; reduced[d] says
   which. MCN_ERR_MODEL on an axis outside the input or named twice. */
static mcn_status mean_params(const mcn_opview *v, mcn_k_mean_params *p,
                              int *reduced, int *keep_dims)
{
    uint32_t o, n;
    MCN_TRY(options_of(v, MCN_OPTIONS_REDUCE, &o));
    const mcn_tview *x = &v->in[0], *y = &v->out;
    uint32_t vec = int_vector(v, o, MCN_REDUCE_AXES, &n);
    *keep_dims = o ? fb_get_u8(v->model, o, MCN_REDUCE_KEEP_DIMS, 0) != 0 : 0;
    if (x->rank < 1 || x->rank > 6 || n > (uint32_t)x->rank)
        return MCN_ERR_MODEL;
    for (int d = 0; d < x->rank; d++)
        reduced[d] = n == 0;
    for (uint32_t i = 0; i < n; i++) {
        int a = resolve_axis(fb_i32(v->model + vec + 4u * i), x->rank);
        if (a < 0 || reduced[a])
            return MCN_ERR_MODEL;
        reduced[a] = 1;
    }
    int32_t stride[6];
    stride[x->rank - 1] = 1;
    for (int d = x->rank - 2; d >= 0; d--)
        stride[d] = stride[d + 1] * x->dims[d + 1];
    p->n_kept = p->n_reduced = 0;
    int64_t count = 1;
    for (int d = 0; d < x->rank; d++) {
        if (reduced[d]) {
            p->reduced_dims[p->n_reduced] = x->dims[d];
            p->reduced_steps[p->n_reduced++] = stride[d];
            count *= x->dims[d];
        } else {
            p->kept_dims[p->n_kept] = x->dims[d];
            p->kept_steps[p->n_kept++] = stride[d];
        }
    }
    /* 0 marks a count the kernel's int32 sum could not hold. */
    p->count = count <= MEAN_COUNT_MAX ? (int32_t)count : 0;
    p->input_zero_point = x->zero_point;
    p->output_offset = y->zero_point;
    p->multiplier = v->n_rq ? v->multiplier[0] : 0;
    p->shift = v->n_rq ? v->shift[0] : 0;
    p->input_data = (const int8_t *)x->data;
    p->output_data = (int8_t *)y->wdata;
    return MCN_OK;
}

/* The output shape is the input's with the reduced axes dropped, or left
   as 1s with keep_dims. */
static int mean_shape_ok(const mcn_tview *x, const mcn_tview *y,
                         const int *reduced, int keep_dims)
{
    int r = 0;
    for (int d = 0; d < x->rank; d++) {
        if (reduced[d] && !keep_dims)
            continue;
        if (r >= y->rank || y->dims[r] != (reduced[d] ? 1 : x->dims[d]))
            return 0;
        r++;
    }
    return r == y->rank;
}

mcn_status mcn_op_mean(const mcn_opview *v, mcn_call *call)
{
    mcn_k_mean_params p;
    int reduced[6], keep_dims;
    if (call) {
        mean_params(v, &p, reduced, &keep_dims);
        MCN_CALL_SET(call, MCN_CALL_MEAN, mean, p);
        return MCN_OK;
    }
    /* A second input (ONNX's or TFLite's axes) repeats the options. */
    if (v->n_in < 1 || v->n_in > 2 || v->n_out != 1)
        return MCN_ERR_MODEL;
    MCN_TRY(mcn_chk_int8(&v->in[0], 0));
    MCN_TRY(mcn_chk_int8(&v->out, 1));
    MCN_TRY(mean_params(v, &p, reduced, &keep_dims));
    if (!mean_shape_ok(&v->in[0], &v->out, reduced, keep_dims))
        return MCN_ERR_MODEL;
    if (p.count < 1)
        return MCN_ERR_UNSUPPORTED;
    MCN_TRY(mcn_chk_requant(v, 1));
    return mcn_chk_alias(&v->out, &v->in[0], 0);
}
