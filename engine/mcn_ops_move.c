/*
** mcn_ops_move.c: TRANSPOSE and SLICE, the ops that move int8 values to
** new places without looking at them: kernel parameters from the options
** table, their checks, and the call (both run mcn_k_transpose_s8).
** Axes are the stored layout's; input and output share quantization.
*/
#include "fb_read.h"
#include "mcn_internal.h"

/* The checks both ops share: one int8 input and output of one rank, the
   same scale and zero point, in separate bytes. A later input (TFLite's
   perm, ONNX's starts) says what the options say and is not read. */
static mcn_status check_move(const mcn_opview *v)
{
    const mcn_tview *x = &v->in[0], *y = &v->out;
    if (v->n_in < 1 || v->n_out != 1)
        return MCN_ERR_MODEL;
    MCN_TRY(mcn_chk_int8(x, 0));
    MCN_TRY(mcn_chk_int8(y, 1));
    if (x->rank < 1 || x->rank > 6 || y->rank != x->rank)
        return MCN_ERR_MODEL;
    if (x->zero_point != y->zero_point || x->scale_bits != y->scale_bits)
        return MCN_ERR_UNSUPPORTED;
    return mcn_chk_alias(y, x, 0);
}

/* The options' int vector `id` into v[0..n) when it has exactly n
   entries and the options are of `type`; MCN_ERR_MODEL otherwise. */
static mcn_status option_ints(const mcn_opview *op, int type, int id,
                              int32_t *v, uint32_t n)
{
    uint32_t len;
    if (!op->options || op->options_type != type)
        return MCN_ERR_MODEL;
    uint32_t at = fb_get_vector(op->model, op->options, id, &len);
    if (len != n)
        return MCN_ERR_MODEL;
    for (uint32_t i = 0; i < n; i++)
        v[i] = fb_i32(op->model + at + 4u * i);
    return MCN_OK;
}

/* Row-major strides of t, in elements. */
static void strides_of(const mcn_tview *t, int32_t *s)
{
    s[t->rank - 1] = 1;
    for (int d = t->rank - 2; d >= 0; d--)
        s[d] = s[d + 1] * t->dims[d + 1];
}

static void view_base(const mcn_opview *v, mcn_k_transpose_params *p)
{
    p->rank = v->out.rank;
    for (int d = 0; d < p->rank; d++)
        p->dims[d] = v->out.dims[d];
    p->start = 0;
    p->input_data = (const int8_t *)v->in[0].data;
    p->output_data = (int8_t *)v->out.wdata;
}

/* Check (call NULL) or fill the call of one op, its view of the input
   from `params`. */
typedef mcn_status (*view_fn)(const mcn_opview *v,
                              mcn_k_transpose_params *p);

static mcn_status move(const mcn_opview *v, mcn_call *call, view_fn params)
{
    mcn_k_transpose_params p;
    if (!call) {
        MCN_TRY(check_move(v));
        return params(v, &p);
    }
    params(v, &p);
    MCN_CALL_SET(call, MCN_CALL_TRANSPOSE, transpose, p);
    return MCN_OK;
}

/* ---- TRANSPOSE: output axis d is input axis perm[d] ---- */

static mcn_status transpose_params(const mcn_opview *v,
                                   mcn_k_transpose_params *p)
{
    const mcn_tview *x = &v->in[0];
    int32_t perm[6], stride[6];
    int seen[6] = {0};
    MCN_TRY(option_ints(v, MCN_OPTIONS_TRANSPOSE, MCN_TRANSPOSE_PERM, perm,
                        (uint32_t)x->rank));
    view_base(v, p);
    strides_of(x, stride);
    for (int d = 0; d < x->rank; d++) {
        if (perm[d] < 0 || perm[d] >= x->rank || seen[perm[d]]++ ||
            v->out.dims[d] != x->dims[perm[d]])
            return MCN_ERR_MODEL;
        p->steps[d] = stride[perm[d]];
    }
    return MCN_OK;
}

mcn_status mcn_op_transpose(const mcn_opview *v, mcn_call *call)
{
    return move(v, call, transpose_params);
}

/* ---- SLICE: out[i] = in[first + i * step] on every axis ---- */

/* bounds: the first index of every axis, then its step. Every index the
   output takes must lie inside the input: the first and the last, the
   ones between lie between them. */
static mcn_status slice_params(const mcn_opview *v, mcn_k_transpose_params *p)
{
    const mcn_tview *x = &v->in[0];
    int32_t bounds[12], stride[6];
    int rank = x->rank;
    MCN_TRY(option_ints(v, MCN_OPTIONS_SLICE, MCN_SLICE_BOUNDS, bounds,
                        2u * (uint32_t)rank));
    view_base(v, p);
    strides_of(x, stride);
    for (int d = 0; d < rank; d++) {
        int64_t first = bounds[d], step = bounds[rank + d];
        int64_t last = first + (int64_t)(v->out.dims[d] - 1) * step;
        if (step == 0 || v->out.dims[d] < 1 || first < 0 ||
            first >= x->dims[d] || last < 0 || last >= x->dims[d])
            return MCN_ERR_MODEL;
        p->start += (uint32_t)first * (uint32_t)stride[d];
        /* One element along d: no step is taken (and |step| may be
           anything); more: |step| < dims[d], so the product fits. */
        p->steps[d] = v->out.dims[d] > 1 ? (int32_t)step * stride[d] : 0;
    }
    return MCN_OK;
}

mcn_status mcn_op_slice(const mcn_opview *v, mcn_call *call)
{
    return move(v, call, slice_params);
}
