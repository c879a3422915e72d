/* onnx_window.c: the sliding window of Conv, ConvTranspose and the pools:
   kernel_shape, strides, dilations, pads and auto_pad read from the
   attributes and resolved to the explicit pads the graph stores. A 1-D
   window (rank-3 input [N,C,L]) is stored as a 2-D one of height 1. */
#include <string.h>

#include "onnx_internal.h"

static const char *const axis_name[2] = {"height", "width"};

/* An attribute of nd positive values (def when absent) into v[2], H
   first; a 1-D window's value lands on W and H gets def. */
static int spatial_attr(onnx_ctx *c, const char *name, int nd, int64_t def,
                        int64_t *v)
{
    int64_t a[2];
    int n;
    if (onnx_attr_ints(c, name, a, 2, &n))
        return -1;
    if (n < 0)
        a[0] = a[1] = def;
    else if (n != nd)
        return onnx_fail(c, "%s must have %d value%s for a %d-D window",
                         name, nd, nd > 1 ? "s" : "", nd);
    for (int i = 0; i < nd; i++)
        if (a[i] < 1 || a[i] > INT32_MAX)
            return onnx_fail(c, "%s value %lld must be positive", name,
                             (long long)a[i]);
    v[0] = nd == 2 ? a[0] : 1;
    v[1] = nd == 2 ? a[1] : a[0];
    return 0;
}

int onnx_kernel_shape(onnx_ctx *c, int nd, const int64_t *k,
                      const char *what)
{
    int64_t ks[2];
    int n;
    if (onnx_attr_ints(c, "kernel_shape", ks, 2, &n))
        return -1;
    if (n < 0)
        return 0;
    bool ok = n == nd;
    for (int i = 0; ok && i < nd; i++)
        ok = ks[i] == k[i];
    if (!ok) {
        onnx_shape a = {n, {ks[0], ks[1]}}, b = {nd, {k[0], nd > 1 ? k[1] : 0}};
        char s1[64], s2[64];
        return onnx_fail(c, "kernel_shape %s does not match %s %s",
                         onnx_shape_str(&a, s1, sizeof s1), what,
                         onnx_shape_str(&b, s2, sizeof s2));
    }
    return 0;
}

int onnx_read_spatial(onnx_ctx *c, int nd, const int64_t *in,
                      const int64_t *k, bool dilations_ok, onnx_spatial *sp)
{
    int64_t st[2], dil[2], pads[4], p[4] = {0, 0, 0, 0};
    int n;
    sp->nd = nd;
    if (onnx_auto_pad_parse(c, &sp->ap) ||
        spatial_attr(c, "strides", nd, 1, st) ||
        spatial_attr(c, "dilations", nd, 1, dil) ||
        onnx_attr_ints(c, "pads", pads, 4, &n))
        return -1;
    if (!dilations_ok && (dil[0] != 1 || dil[1] != 1))
        return onnx_fail(c, "dilations [%lld,%lld] are not supported",
                         (long long)dil[0], (long long)dil[1]);
    if (n >= 0 && n != 2 * nd)
        return onnx_fail(c, "pads must have %d values for a %d-D window",
                         2 * nd, nd);
    for (int i = 0; i < n; i++)
        if (pads[i] < 0 || pads[i] > INT32_MAX)
            return onnx_fail(c, "pads value %lld is out of range",
                             (long long)pads[i]);
    /* ONNX lists pads as [x1_begin, x2_begin, ..., x1_end, x2_end, ...]. */
    if (n > 0 && nd == 2)
        memcpy(p, pads, sizeof p);
    else if (n > 0)
        p[1] = pads[0], p[3] = pads[1];
    for (int i = 0; i < 2; i++) {
        int64_t size = nd == 2 ? in[i] : i ? in[0] : 1;
        int64_t kk = nd == 2 ? k[i] : i ? k[0] : 1;
        onnx_window w = {size, kk, st[i], dil[i], p[i], p[2 + i], 0};
        sp->w[i] = w;
    }
    return 0;
}

int onnx_resolve_spatial(onnx_ctx *c, onnx_spatial *sp, bool ceil_mode)
{
    for (int i = 0; i < 2; i++) {
        const onnx_window *w = &sp->w[i];
        if (onnx_window_resolve(&sp->w[i], sp->ap, ceil_mode))
            return onnx_fail(c, "the %lld-wide window (dilation %lld, pads "
                             "%lld+%lld) does not fit in the input's %s of "
                             "%lld", (long long)w->k, (long long)w->dil,
                             (long long)w->pad0, (long long)w->pad1,
                             sp->nd == 1 ? "length" : axis_name[i],
                             (long long)w->in);
        /* The engine's bound on a pad and a stride; also keeps every
           int below exact. */
        if (w->pad0 > 65535 || w->pad1 > 65535 || w->stride > 65535 ||
            w->dil > 65535 || w->k > 65535)
            return onnx_fail(c, "the %s window (kernel %lld, stride %lld, "
                             "dilation %lld, pads %lld+%lld) is too large",
                             axis_name[i], (long long)w->k,
                             (long long)w->stride, (long long)w->dil,
                             (long long)w->pad0, (long long)w->pad1);
    }
    return 0;
}

void onnx_set_window(graph_node *n, const onnx_spatial *sp)
{
    n->stride_h = (int)sp->w[0].stride;
    n->stride_w = (int)sp->w[1].stride;
    n->dilation_h = (int)sp->w[0].dil;
    n->dilation_w = (int)sp->w[1].dil;
    n->pad_top = (int)sp->w[0].pad0;
    n->pad_bottom = (int)sp->w[0].pad1;
    n->pad_left = (int)sp->w[1].pad0;
    n->pad_right = (int)sp->w[1].pad1;
}

void onnx_set_padding(graph_node *n, const onnx_spatial *sp)
{
    static const mcn_padding rule[] = {
        [ONNX_PAD_NOTSET] = MCN_PADDING_EXPLICIT,
        [ONNX_PAD_VALID] = MCN_PADDING_VALID,
        [ONNX_PAD_SAME_UPPER] = MCN_PADDING_SAME_UPPER,
        [ONNX_PAD_SAME_LOWER] = MCN_PADDING_SAME_LOWER,
    };
    n->padding = rule[sp->ap];
}

int onnx_absorb_pad(onnx_ctx *c, const onnx_value *x, onnx_spatial *sp)
{
    if (x->pad_src < 0)
        return x->tensor;
    /* The Pad's amounts are fixed; SAME's would not be. */
    sp->ap = ONNX_PAD_NOTSET;
    for (int i = 0; i < 2; i++) {
        sp->w[i].pad0 += x->pad4[i];
        sp->w[i].pad1 += x->pad4[2 + i];
    }
    onnx_log(c, "folded Pad '%s' into %s '%s'",
             onnx_node_name(c->gp->node[x->origin]), c->node->op_type,
             onnx_node_name(c->node));
    return x->pad_src;
}
