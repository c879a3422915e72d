/* onnx_ops_conv.c: Conv (2-D, and 1-D as 2-D of height 1 on the input's
   channels-last twin) -> CONV_2D (groups too) or DEPTHWISE_CONV_2D (group
   == channels, with a channel multiplier). A constant-zero Pad of H and W
   before a Conv becomes the Conv's own padding. */
#include <stdlib.h>
#include <string.h>

#include "onnx_internal.h"

/* OIHW -> OHWI (CONV_2D), or -> [1,H,W,O] (depthwise, I == 1 per group:
   ONNX's output channel o = i*mult + m is already the graph's order).
   A 1-D kernel [O,I,K] is read as [O,I,1,K]. */
static float *reorder_weights(const onnx_const *w, bool depthwise)
{
    const int64_t *d = w->shape.d;
    int64_t O = d[0], I = d[1], H = w->shape.rank == 4 ? d[2] : 1,
            W = d[w->shape.rank - 1];
    float *dst = malloc((size_t)(w->n ? w->n : 1) * sizeof *dst);
    if (!dst)
        return NULL;
    for (int64_t o = 0; o < O; o++)
        for (int64_t i = 0; i < I; i++)
            for (int64_t h = 0; h < H; h++)
                for (int64_t x = 0; x < W; x++) {
                    float v = w->f[((o * I + i) * H + h) * W + x];
                    if (depthwise)
                        dst[(h * W + x) * O + o] = v;
                    else
                        dst[((o * H + h) * W + x) * I + i] = v;
                }
    return dst;
}

int onnx_conv_bias(onnx_ctx *c, const onnx_value *b, int64_t m)
{
    char name[256];
    int32_t shape[1] = {(int32_t)m};
    if (b) {
        if (b->c.is_int || b->c.n != m || b->c.shape.rank != 1)
            return onnx_fail(c, "bias '%s' must be float32 of shape [%lld]",
                             b->name, (long long)m);
        return onnx_add_weights(c, b->name, 1, shape, b->c.f);
    }
    /* Always a bias: the quantizer and packer never special-case it. */
    float *zero = calloc((size_t)m, sizeof *zero);
    if (!zero)
        return onnx_fail(c, "out of memory");
    snprintf(name, sizeof name, "%s_bias", onnx_node_name(c->node));
    int t = onnx_add_weights(c, name, 1, shape, zero);
    free(zero);
    return t;
}

int onnx_conv_with(onnx_ctx *c, onnx_value *x, const onnx_value *w,
                   const onnx_value *b)
{
    char s1[96], s2[96];
    int r = x->shape.rank;
    const onnx_shape *ws = &w->c.shape;
    if (r != 3 && r != 4)
        return onnx_fail(c, "only 1-D and 2-D convolution is supported "
                         "(input %s)", onnx_shape_str(&x->shape, s1, sizeof s1));
    if (w->c.is_int || ws->rank != r)
        return onnx_fail(c, "weights '%s' %s must be float32 and %d-D", w->name,
                         onnx_shape_str(ws, s1, sizeof s1), r);
    int nd = r - 2;
    int64_t cin = x->shape.d[1], m = ws->d[0], group;
    const int64_t *k = ws->d + 2;
    if (onnx_attr_int(c, "group", 1, &group))
        return -1;
    if (group < 1 || cin % group || ws->d[1] * group != cin || m % group)
        return onnx_fail(c, "group %lld does not fit input %s and weights %s",
                         (long long)group,
                         onnx_shape_str(&x->shape, s1, sizeof s1),
                         onnx_shape_str(ws, s2, sizeof s2));
    onnx_spatial sp;
    if (onnx_kernel_shape(c, nd, k, "the weights'") ||
        onnx_read_spatial(c, nd, x->shape.d + 2, k, true, &sp))
        return -1;
    /* The window is resolved over the padded input; a Pad absorbed then
       moves its amounts into the window's pads. */
    if (onnx_resolve_spatial(c, &sp, false))
        return -1;
    int in = r == 4 ? onnx_absorb_pad(c, x, &sp) : x->tensor;
    onnx_shape ys = {r, {x->shape.d[0], m, sp.w[0].out, sp.w[1].out}};
    if (r == 3)
        ys.d[2] = sp.w[1].out;

    bool dw = group > 1 && group == cin;
    float *wd = reorder_weights(&w->c, dw);
    if (!wd)
        return onnx_fail(c, "out of memory");
    int32_t kh = (int32_t)sp.w[0].k, kw = (int32_t)sp.w[1].k;
    int32_t gws[4] = {(int32_t)m, kh, kw, (int32_t)ws->d[1]};
    if (dw) {
        int32_t d[4] = {1, kh, kw, (int32_t)m};
        memcpy(gws, d, sizeof d);
    }
    int wt = onnx_add_weights(c, w->name, 4, gws, wd);
    free(wd);
    if (wt < 0 || onnx_weights_quant(c, wt, &w->c, dw ? 3 : 0))
        return -1;
    int bt = onnx_conv_bias(c, b, m);
    if (bt < 0)
        return -1;
    onnx_value view = *x;
    if (r == 3 && onnx_twin(c, x) < 0)
        return -1;
    view.twin = x->twin;
    onnx_like l;
    if (onnx_like_begin(c, &view, &ys, &l))
        return -1;
    if (r == 3)
        in = l.in;
    int n = onnx_add_node(c, dw ? MCN_OP_DEPTHWISE_CONV_2D : MCN_OP_CONV_2D,
                          NULL);
    if (n < 0 || onnx_link(c, n, in, wt, bt, l.out))
        return -1;
    graph_node *gn = &c->g->nodes[n];
    onnx_set_window(gn, &sp);
    onnx_set_padding(gn, &sp);
    if (dw)
        gn->depth_multiplier = (int)(m / cin);
    else
        gn->groups = (int)group;
    return onnx_like_end(c, &l, NULL);
}

int onnx_op_conv(onnx_ctx *c)
{
    onnx_value *x, *w, *b;
    if (onnx_input_act(c, 0, 0, &x) || onnx_input_const(c, 1, 0, 0, &w) ||
        onnx_input_const(c, 2, ONNX_IN_OPTIONAL, 0, &b))
        return -1;
    return onnx_conv_with(c, x, w, b);
}
