/*
** mcn_ops_resize.c: RESIZE (NEAREST, BILINEAR): kernel parameters from
** the operator's inputs [x, row table, column table] and its
** ResizeOptions, their checks, and the call. The tables are the packer's
** (packer/requant_resize.c); the checks prove every index they hold is
** inside the input, so the kernels read nothing else.
*/
#include "fb_read.h"
#include "mcn_internal.h"

/* Fractions in 1/1024ths the bilinear kernel's int32 sum has room for
   (kernels/resize_s8.c); TFLM's own lie in [-512, 1023]. */
#define FRACTION_MAX 1023

/* Entries per output index of each table: 1 for NEAREST, 3 (lower,
   upper, fraction) for BILINEAR; 0 for a mode the engine does not know. */
static uint32_t entries_per_index(const mcn_opview *v)
{
    int mode = v->options ? fb_get_u8(v->model, v->options, MCN_RESIZE_MODE,
                                      MCN_RESIZE_NEAREST)
                          : MCN_RESIZE_NEAREST;
    return mode == MCN_RESIZE_NEAREST ? 1u
         : mode == MCN_RESIZE_BILINEAR ? 3u : 0u;
}

static void resize_params(const mcn_opview *v, mcn_k_resize_params *p)
{
    p->bilinear = entries_per_index(v) == 3;
    mcn_dims4(&v->in[0], &p->input);
    mcn_dims4(&v->out, &p->output);
    p->input_data = (const int8_t *)v->in[0].data;
    p->output_data = (int8_t *)v->out.wdata;
    p->rows = (const int32_t *)(const void *)v->in[1].data;
    p->cols = (const int32_t *)(const void *)v->in[2].data;
}

/* A table: constant int32, 4-byte aligned, k entries per output index. */
static mcn_status check_table(const mcn_tview *t, uint32_t k, int32_t out)
{
    if (!t->present || !t->is_const || !t->data || t->dtype != MCN_DT_INT32 ||
        t->rank != 1 || ((uintptr_t)t->data & 3u) != 0)
        return MCN_ERR_MODEL;
    return t->elems == k * (uint32_t)out ? MCN_OK : MCN_ERR_MODEL;
}

/* Every index in [0, in); bilinear fractions in range, and negative only
   where both indices agree. */
static mcn_status check_entries(const int32_t *t, uint32_t k, int32_t out,
                                int32_t in)
{
    for (int32_t o = 0; o < out; o++, t += k) {
        if (t[0] < 0 || t[0] >= in)
            return MCN_ERR_MODEL;
        if (k == 1)
            continue;
        if (t[1] < 0 || t[1] >= in || t[2] < -FRACTION_MAX ||
            t[2] > FRACTION_MAX || (t[2] < 0 && t[0] != t[1]))
            return MCN_ERR_MODEL;
    }
    return MCN_OK;
}

static mcn_status check_resize(const mcn_opview *v, mcn_k_resize_params *p)
{
    if (v->n_in != 3 || v->n_out != 1)
        return MCN_ERR_MODEL;
    if (v->options && v->options_type != MCN_OPTIONS_RESIZE)
        return MCN_ERR_MODEL;
    const mcn_tview *x = &v->in[0], *y = &v->out;
    MCN_TRY(mcn_chk_int8(x, 0));
    MCN_TRY(mcn_chk_int8(y, 1));
    uint32_t k = entries_per_index(v);
    if (k == 0)
        return MCN_ERR_UNSUPPORTED;
    if (x->rank != 4 || y->rank != 4)
        return MCN_ERR_MODEL;
    resize_params(v, p);
    if (p->input.n != p->output.n || p->input.c != p->output.c ||
        p->input.h < 1 || p->input.w < 1 || p->output.h < 1 ||
        p->output.w < 1 || p->input.c < 1 || p->input.n < 1)
        return MCN_ERR_MODEL;
    /* Bytes are copied or interpolated without rescaling. */
    if (x->zero_point != y->zero_point || x->scale_bits != y->scale_bits)
        return MCN_ERR_UNSUPPORTED;
    MCN_TRY(check_table(&v->in[1], k, p->output.h));
    MCN_TRY(check_table(&v->in[2], k, p->output.w));
    MCN_TRY(check_entries(p->rows, k, p->output.h, p->input.h));
    MCN_TRY(check_entries(p->cols, k, p->output.w, p->input.w));
    return mcn_chk_alias(y, x, 0);
}

mcn_status mcn_op_resize(const mcn_opview *v, mcn_call *call)
{
    mcn_k_resize_params p;
    if (!call)
        return check_resize(v, &p);
    resize_params(v, &p);
    MCN_CALL_SET(call, MCN_CALL_RESIZE, resize, p);
    return MCN_OK;
}
