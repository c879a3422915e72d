/*
** mcn_ops_pool.c: MAX_POOL_2D, AVERAGE_POOL_2D, GLOBAL_AVERAGE_POOL and
** GLOBAL_MAX_POOL: kernel parameters, their checks, and the call. The
** checks accept exactly the geometry the float path does
** (quantizer/fexec_pool.c): dilated windows, the floor output size or
** ceil_mode's one more window, every window seeing the image.
*/
#include "fb_read.h"
#include "mcn_internal.h"

/* Largest window: its sum of int8 values, give or take half the count
   for rounding, stays inside int32 (128 * 2^23 + 2^22 < 2^31). */
#define POOL_AREA_MAX (1 << 23)

static mcn_status pool_params(const mcn_opview *v, int global,
                              mcn_k_pool_params *p)
{
    const uint8_t *b = v->model;
    uint32_t o = v->options;
    MCN_TRY(mcn_dims4(&v->in[0], &p->input));
    MCN_TRY(mcn_dims4(&v->out, &p->output));
    if (global) {
        p->filter_h = p->input.h;
        p->filter_w = p->input.w;
        p->stride_h = p->stride_w = 1;
        p->dilation_h = p->dilation_w = 1;
        p->pad_top = p->pad_left = p->pad_bottom = p->pad_right = 0;
        p->count_include_pad = 0;
    } else {
        if (!o || v->options_type != MCN_OPTIONS_POOL2D)
            return MCN_ERR_MODEL;
        p->filter_h = fb_get_i32(b, o, MCN_POOL_FILTER_H, 0);
        p->filter_w = fb_get_i32(b, o, MCN_POOL_FILTER_W, 0);
        p->stride_h = fb_get_i32(b, o, MCN_POOL_STRIDE_H, 1);
        p->stride_w = fb_get_i32(b, o, MCN_POOL_STRIDE_W, 1);
        p->dilation_h = fb_get_i32(b, o, MCN_POOL_DILATION_H, 1);
        p->dilation_w = fb_get_i32(b, o, MCN_POOL_DILATION_W, 1);
        p->pad_top = fb_get_i32(b, o, MCN_POOL_PAD_TOP, 0);
        p->pad_left = fb_get_i32(b, o, MCN_POOL_PAD_LEFT, 0);
        p->pad_bottom = fb_get_i32(b, o, MCN_POOL_PAD_BOTTOM, 0);
        p->pad_right = fb_get_i32(b, o, MCN_POOL_PAD_RIGHT, 0);
        p->count_include_pad =
            fb_get_u8(b, o, MCN_POOL_COUNT_INCLUDE_PAD, 0) != 0;
    }
    p->zero_point = v->in[0].zero_point;
    /* Pools may omit Requant: then nothing is clamped. */
    p->act_min = v->has_requant ? v->act_min : -128;
    p->act_max = v->has_requant ? v->act_max : 127;
    p->input_data = (const int8_t *)v->in[0].data;
    p->output_data = (int8_t *)v->out.wdata;
    return MCN_OK;
}

/* One axis: `out` windows of k taps dil apart, stride apart from -pad0.
   out is the floor size, or ceil_mode's one more when the floor windows
   leave part of the padded input unread; and every window has a tap
   inside the image (TFLM fails on an empty one; the float path refuses
   it). mcn_out_size_ok bounds the terms, so the loop's int64 sums are
   exact and the kernel's int32 ones cannot overflow. */
static int axis_ok(int32_t in, int32_t k, int32_t dil, int32_t stride,
                   int32_t pad0, int32_t pad1, int32_t out)
{
    if (!mcn_out_size_ok(in, k, dil, stride, pad0, pad1, out)) {
        int64_t span = (int64_t)in + pad0 + pad1 - ((int64_t)(k - 1) * dil + 1);
        if (out < 2 ||
            !mcn_out_size_ok(in, k, dil, stride, pad0, pad1, out - 1) ||
            span % stride == 0)
            return 0;
    }
    for (int64_t o = 0; o < out; o++) {
        int64_t start = o * stride - pad0;
        int64_t first = start < 0 ? (dil - 1 - start) / dil : 0;
        if (first >= k || start + first * dil >= in)
            return 0;
    }
    return 1;
}

static mcn_status check_pool(const mcn_opview *v, int global,
                             mcn_k_pool_params *p)
{
    if (v->n_in != 1 || v->n_out != 1)
        return MCN_ERR_MODEL;
    MCN_TRY(mcn_chk_int8(&v->in[0], 0));
    MCN_TRY(mcn_chk_int8(&v->out, 1));
    MCN_TRY(pool_params(v, global, p));
    if (v->has_requant)
        MCN_TRY(mcn_chk_act_range(v));
    /* No rescaling happens, so the quantization must not change. */
    if (v->in[0].zero_point != v->out.zero_point ||
        v->in[0].scale_bits != v->out.scale_bits)
        return MCN_ERR_UNSUPPORTED;
    if (p->output.n != p->input.n || p->output.c != p->input.c)
        return MCN_ERR_MODEL;
    if (p->filter_h < 1 || p->filter_w < 1 ||
        (int64_t)p->filter_h * p->filter_w > POOL_AREA_MAX)
        return MCN_ERR_UNSUPPORTED;
    if (!axis_ok(p->input.h, p->filter_h, p->dilation_h, p->stride_h,
                 p->pad_top, p->pad_bottom, p->output.h) ||
        !axis_ok(p->input.w, p->filter_w, p->dilation_w, p->stride_w,
                 p->pad_left, p->pad_right, p->output.w))
        return MCN_ERR_MODEL;
    return mcn_chk_alias(&v->out, &v->in[0], 0);
}

/* Check (call NULL) or fill the call of one pool; max or average,
   windowed or global. */
static mcn_status pool(const mcn_opview *v, mcn_call *call, int global,
                       int max)
{
    mcn_k_pool_params p;
    if (!call)
        return check_pool(v, global, &p);
    pool_params(v, global, &p);
    if (max)
        MCN_CALL_SET(call, MCN_CALL_MAXPOOL, pool, p);
    else
        MCN_CALL_SET(call, MCN_CALL_AVGPOOL, pool, p);
    return MCN_OK;
}

mcn_status mcn_op_maxpool(const mcn_opview *v, mcn_call *call)
{
    return pool(v, call, 0, 1);
}

mcn_status mcn_op_avgpool(const mcn_opview *v, mcn_call *call)
{
    return pool(v, call, 0, 0);
}

mcn_status mcn_op_global_avgpool(const mcn_opview *v, mcn_call *call)
{
    return pool(v, call, 1, 0);
}

mcn_status mcn_op_global_maxpool(const mcn_opview *v, mcn_call *call)
{
    return pool(v, call, 1, 1);
}
