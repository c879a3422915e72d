/*
** mcn_check.c: the checks mcn_init's prepare pass applies to operators,
** shared by the op files. The verifier has already proved every offset
** and length of the FlatBuffer sound; these prove the *meaning* is one a
** kernel can run without leaving its buffers or hitting undefined
** arithmetic.
*/
#include "fb_read.h"
#include "mcn_internal.h"

/* Bounds on geometry, far beyond any real model, that keep every index a
   kernel computes inside int32. */
#define GEOM_MAX 65535
#define EXTENT_MAX (INT32_MAX / 2)

mcn_status mcn_chk_int8(const mcn_tview *t, int out)
{
    if (!t->present)
        return MCN_ERR_MODEL;
    if (t->dtype != MCN_DT_INT8)
        return MCN_ERR_UNSUPPORTED;
    if (!t->data || (out && !t->wdata))
        return MCN_ERR_MODEL;
    if (t->zero_point < -128 || t->zero_point > 127)
        return MCN_ERR_MODEL;
    if (t->bytes > (uint32_t)INT32_MAX)
        return MCN_ERR_UNSUPPORTED;
    return MCN_OK;
}

mcn_status mcn_chk_act_range(const mcn_opview *v)
{
    if (v->act_min < -128 || v->act_max > 127 || v->act_min > v->act_max)
        return MCN_ERR_MODEL;
    return MCN_OK;
}

mcn_status mcn_chk_shift(int32_t shift)
{
    return shift >= -31 && shift <= 31 ? MCN_OK : MCN_ERR_MODEL;
}

mcn_status mcn_chk_requant(const mcn_opview *v, int32_t channels)
{
    if (!v->has_requant || v->n_rq == 0)
        return MCN_ERR_MODEL;
    if (v->n_rq != 1 && v->n_rq != (uint32_t)channels)
        return MCN_ERR_MODEL;
    for (uint32_t i = 0; i < v->n_rq; i++)
        if (mcn_chk_shift(v->shift[i]) != MCN_OK)
            return MCN_ERR_MODEL;
    return mcn_chk_act_range(v);
}

mcn_status mcn_chk_weights(const mcn_opview *v, const mcn_tview *w, int rank)
{
    if (!w->present || !w->data)
        return MCN_ERR_MODEL;
    if (w->dtype != MCN_DT_INT8)
        return MCN_ERR_UNSUPPORTED;
    if (w->rank != rank || w->bytes > (uint32_t)INT32_MAX)
        return MCN_ERR_MODEL;
    /* TFLM's int8 kernels assume symmetric weights. */
    for (uint32_t i = 0; i < w->n_zps; i++)
        if (fb_i32(v->model + w->zps + 4u * i) != 0)
            return MCN_ERR_UNSUPPORTED;
    return MCN_OK;
}

mcn_status mcn_chk_alias(const mcn_tview *out, const mcn_tview *in,
                         int same_ok)
{
    if (!in->present || in->is_const || !in->data)
        return MCN_OK;
    const uint8_t *a = out->data, *b = in->data;
    if (a == b && out->bytes == in->bytes)
        return same_ok ? MCN_OK : MCN_ERR_MODEL;
    /* Compare as offsets: both live in the same arena. */
    if (a + out->bytes <= b || b + in->bytes <= a)
        return MCN_OK;
    return MCN_ERR_MODEL;
}

int mcn_overlapping(const mcn_tview *out, const mcn_tview *in)
{
    if (!in->present || in->is_const || !in->data || !out->data)
        return 0;
    const uint8_t *a = out->data, *b = in->data;
    return !(a + out->bytes <= b || b + in->bytes <= a);
}

mcn_status mcn_chk_window(const mcn_tview *out, const mcn_tview *in,
                          mcn_k_window w)
{
    if (!mcn_overlapping(out, in))
        return MCN_OK;
    /* Both in the arena, so the difference is defined. */
    int64_t d = (int64_t)(out->data - in->data);
    return d >= w.lo && d <= w.hi ? MCN_OK : MCN_ERR_MODEL;
}

int mcn_same_shape(const mcn_tview *a, const mcn_tview *b)
{
    if (a->rank != b->rank)
        return 0;
    for (int i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i])
            return 0;
    return 1;
}

mcn_status mcn_dims4(const mcn_tview *t, mcn_k_dims *d)
{
    if (t->rank != 4)
        return MCN_ERR_MODEL;
    d->n = t->dims[0];
    d->h = t->dims[1];
    d->w = t->dims[2];
    d->c = t->dims[3];
    return MCN_OK;
}

/* Every size positive, and dilation, stride and pads within GEOM_MAX. */
static int window_args_ok(int32_t in, int32_t k, int32_t dil, int32_t stride,
                          int32_t pad0, int32_t pad1, int32_t out)
{
    return k >= 1 && dil >= 1 && dil <= GEOM_MAX && stride >= 1 &&
           stride <= GEOM_MAX && pad0 >= 0 && pad0 <= GEOM_MAX &&
           pad1 >= 0 && pad1 <= GEOM_MAX && in >= 1 && out >= 1;
}

int mcn_out_size_ok(int32_t in, int32_t k, int32_t dil, int32_t stride,
                    int32_t pad0, int32_t pad1, int32_t out)
{
    if (!window_args_ok(in, k, dil, stride, pad0, pad1, out))
        return 0;
    int64_t padded = (int64_t)in + pad0 + pad1;
    int64_t extent = (int64_t)(k - 1) * dil + 1;
    if (padded > EXTENT_MAX || extent > padded)
        return 0;
    return (int64_t)out == (padded - extent) / stride + 1;
}

int mcn_tconv_size_ok(int32_t in, int32_t k, int32_t dil, int32_t stride,
                      int32_t pad0, int32_t pad1, int32_t out)
{
    if (!window_args_ok(in, k, dil, stride, pad0, pad1, out))
        return 0;
    int64_t full = (int64_t)(in - 1) * stride + (int64_t)(k - 1) * dil + 1;
    int64_t base = full - pad0 - pad1;
    int64_t extra = stride > dil ? stride : dil;
    if (full > EXTENT_MAX || base < 1)
        return 0;
    return out >= base && out < base + extra;
}
