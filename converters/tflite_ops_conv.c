/* tflite_ops_conv.c: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and the
   pools. TFLite's weight layouts are already the graph's, so weights pass
   through untouched; what needs care is the window: SAME and VALID become
   the explicit pads TFLite's kernels use. */
#include <stdio.h>

#include "tflite_internal.h"

typedef struct {
    uint8_t padding;
    int32_t stride[2], dil[2];   /* H, W */
} window_opts;

/* One spatial axis as TFLite computes it (ComputeOutSize and
   ComputePaddingHeightWidth): the output size from the padding mode, then
   total = max((out - 1) * stride + effective_filter - in, 0), with
   total / 2 before and the rest after. */
static int axis(tfl_ctx *c, const window_opts *w, int a, int32_t in,
                int32_t k, int32_t *out, int *pad0, int *pad1)
{
    static const char *const dim[2] = {"height", "width"};
    int64_t s = w->stride[a], eff = (int64_t)(k - 1) * w->dil[a] + 1;
    int64_t o = w->padding == TFL_PAD_SAME ? (in + s - 1) / s
                                           : (in + s - eff) / s;
    if (o < 1)
        return tfl_fail(c, "the %s %d window (dilation %d) does not fit in "
                        "the input's %s of %d", dim[a], (int)k,
                        (int)w->dil[a], dim[a], (int)in);
    int64_t total = (o - 1) * s + eff - in;
    if (total < 0)
        total = 0;
    /* The engine's bound on a pad; also keeps the ints below exact. */
    if (total > 2 * 65535)
        return tfl_fail(c, "the %s %d window (dilation %d) needs %lld "
                        "padding", dim[a], (int)k, (int)w->dil[a],
                        (long long)total);
    *out = (int32_t)o;
    *pad0 = (int)(total / 2);
    *pad1 = (int)(total - total / 2);
    return 0;
}

/* Output [N, out_h, out_w, channels] of a window over x, checked against
   the file's output tensor; the pads and strides go into node n. */
static int window(tfl_ctx *c, const window_opts *w, int x, int32_t kh,
                  int32_t kw, int32_t channels, int y, graph_node *n)
{
    const graph_tensor *tx = &c->g->tensors[x], *ty = &c->g->tensors[y];
    char s1[96], s2[96];
    if (w->padding != TFL_PAD_SAME && w->padding != TFL_PAD_VALID)
        return tfl_fail(c, "unknown padding %u", w->padding);
    for (int a = 0; a < 2; a++)
        if (w->stride[a] < 1 || w->dil[a] < 1 || w->stride[a] > 65535 ||
            w->dil[a] > 65535)
            return tfl_fail(c, "stride %dx%d and dilation %dx%d must be "
                            "positive", (int)w->stride[0], (int)w->stride[1],
                            (int)w->dil[0], (int)w->dil[1]);
    int32_t oh, ow;
    if (axis(c, w, 0, tx->shape[1], kh, &oh, &n->pad_top, &n->pad_bottom) ||
        axis(c, w, 1, tx->shape[2], kw, &ow, &n->pad_left, &n->pad_right))
        return -1;
    if (ty->rank != 4 || ty->shape[0] != tx->shape[0] || ty->shape[1] != oh ||
        ty->shape[2] != ow || ty->shape[3] != channels) {
        tfl_shape_str(tx, s1, sizeof s1);
        tfl_shape_str(ty, s2, sizeof s2);
        return tfl_fail(c, "output %s does not follow from input %s (expected "
                        "[%d,%d,%d,%d])", s2, s1, (int)tx->shape[0], (int)oh,
                        (int)ow, (int)channels);
    }
    n->stride_h = w->stride[0];
    n->stride_w = w->stride[1];
    n->dilation_h = w->dil[0];
    n->dilation_w = w->dil[1];
    /* TFLite's SAME puts the odd pixel after: ONNX's SAME_UPPER. */
    n->padding = w->padding == TFL_PAD_SAME ? MCN_PADDING_SAME_UPPER
                                            : MCN_PADDING_VALID;
    return 0;
}

/* Input, weights of rank wrank, optional bias of `channels` (read from
   weights dimension ch_dim), output. */
static int weighted_io(tfl_ctx *c, int wrank, int ch_dim, int *ins, int *n_in,
                       int32_t *channels, int *y)
{
    char s[96];
    if (tfl_input(c, 0, TFL_IN_ACT, &ins[0]) ||
        tfl_input(c, 1, TFL_IN_CONST, &ins[1]) ||
        tfl_input(c, 2, TFL_IN_OPTIONAL | TFL_IN_CONST | TFL_IN_BIAS,
                  &ins[2]) ||
        tfl_output(c, 0, y))
        return -1;
    const graph_tensor *w = &c->g->tensors[ins[1]];
    if (w->rank != wrank) {
        tfl_shape_str(w, s, sizeof s);
        return tfl_fail(c, "weights '%s' have shape %s; rank %d is expected",
                        w->name ? w->name : "", s, wrank);
    }
    *channels = w->shape[ch_dim];
    *n_in = ins[2] < 0 ? 2 : 3;
    if (ins[2] >= 0 && (c->g->tensors[ins[2]].rank != 1 ||
                        c->g->tensors[ins[2]].shape[0] != *channels))
        return tfl_fail(c, "bias must have shape [%d]", (int)*channels);
    return 0;
}

static int conv_like(tfl_ctx *c, bool depthwise)
{
    window_opts w;
    uint8_t act;
    int32_t mult_opt = 0;
    bool have;
    if (tfl_options(c, depthwise ? TFL_OPT_DEPTHWISE_CONV2D : TFL_OPT_CONV2D,
                    true, &have) ||
        /* Padding and strides sit in the same slots in both tables. */
        tfl_opt_u8(c, TFL_CONV_PADDING, TFL_PAD_SAME, &w.padding) ||
        tfl_opt_i32(c, TFL_CONV_STRIDE_W, 0, &w.stride[1]) ||
        tfl_opt_i32(c, TFL_CONV_STRIDE_H, 0, &w.stride[0]) ||
        tfl_opt_u8(c, depthwise ? TFL_DW_ACTIVATION : TFL_CONV_ACTIVATION, 0,
                   &act) ||
        tfl_opt_i32(c, depthwise ? TFL_DW_DILATION_W : TFL_CONV_DILATION_W, 1,
                    &w.dil[1]) ||
        tfl_opt_i32(c, depthwise ? TFL_DW_DILATION_H : TFL_CONV_DILATION_H, 1,
                    &w.dil[0]) ||
        (depthwise &&
         tfl_opt_i32(c, TFL_DW_DEPTH_MULTIPLIER, 0, &mult_opt)))
        return -1;
    int ins[3], n_in, y;
    int32_t ch;
    if (weighted_io(c, 4, depthwise ? 3 : 0, ins, &n_in, &ch, &y))
        return -1;
    const graph_tensor *x = &c->g->tensors[ins[0]];
    const graph_tensor *wt = &c->g->tensors[ins[1]];
    if (x->rank != 4)
        return tfl_fail(c, "input must be 4-D (NHWC), not rank %d", x->rank);
    int32_t cin = x->shape[3], kh = wt->shape[1], kw = wt->shape[2];
    int32_t groups = 1, mult = 1;
    if (depthwise) {
        /* [1,KH,KW,C*mult]; TFLite's depth_multiplier option is
           redundant, but TFLM's kernel uses it, so it must agree. */
        if (wt->shape[0] != 1 || ch % cin)
            return tfl_fail(c, "weights [%d,%d,%d,%d] do not fit %d input "
                            "channels", (int)wt->shape[0], (int)kh, (int)kw,
                            (int)ch, (int)cin);
        mult = ch / cin;
        if (mult_opt != 0 && mult_opt != mult)
            return tfl_fail(c, "depth_multiplier %d does not match weights "
                            "with %d channels for %d inputs", (int)mult_opt,
                            (int)ch, (int)cin);
    } else {
        /* [O,KH,KW,I]: I < C is a grouped convolution (groups = C / I). */
        int32_t wi = wt->shape[3];
        if (cin % wi || ch % (cin / wi))
            return tfl_fail(c, "weights [%d,%d,%d,%d] do not fit %d input "
                            "channels", (int)ch, (int)kh, (int)kw, (int)wi,
                            (int)cin);
        groups = cin / wi;
    }
    int n = tfl_node(c, depthwise ? MCN_OP_DEPTHWISE_CONV_2D : MCN_OP_CONV_2D,
                     ins, n_in, y);
    if (n < 0)
        return -1;
    graph_node *nd = &c->g->nodes[n];
    nd->groups = groups;
    nd->depth_multiplier = mult;
    return window(c, &w, ins[0], kh, kw, ch, y, nd) ||
                   tfl_fused_act(c, act, nd) ? -1 : 0;
}

int tfl_op_conv(tfl_ctx *c)
{
    return conv_like(c, false);
}

int tfl_op_depthwise(tfl_ctx *c)
{
    return conv_like(c, true);
}

int tfl_op_fc(tfl_ctx *c)
{
    uint8_t act, format;
    bool have;
    if (tfl_options(c, TFL_OPT_FULLY_CONNECTED, false, &have) ||
        tfl_opt_u8(c, TFL_FC_ACTIVATION, 0, &act) ||
        tfl_opt_u8(c, TFL_FC_WEIGHTS_FORMAT, 0, &format))
        return -1;
    if (format != 0)
        return tfl_fail(c, "shuffled weights (format %u) are not supported",
                        format);
    int ins[3], n_in, y;
    int32_t out_ch;
    if (weighted_io(c, 2, 0, ins, &n_in, &out_ch, &y))
        return -1;
    /* The input is read as rows of K whatever its rank (TFLite's rule);
       keep_num_dims only changes the output shape, which the file gives. */
    const graph_tensor *x = &c->g->tensors[ins[0]], *ty = &c->g->tensors[y];
    int64_t k = c->g->tensors[ins[1]].shape[1], xe = graph_tensor_elems(x);
    if (xe % k || ty->rank < 1 || ty->shape[ty->rank - 1] != out_ch ||
        graph_tensor_elems(ty) != xe / k * out_ch) {
        char s1[96], s2[96];
        tfl_shape_str(x, s1, sizeof s1);
        tfl_shape_str(ty, s2, sizeof s2);
        return tfl_fail(c, "input %s and output %s do not fit weights "
                        "[%d,%lld]", s1, s2, (int)out_ch, (long long)k);
    }
    int n = tfl_node(c, MCN_OP_FULLY_CONNECTED, ins, n_in, y);
    return n < 0 ? -1 : tfl_fused_act(c, act, &c->g->nodes[n]);
}

static int pool(tfl_ctx *c, mcn_opcode op)
{
    window_opts w = {.dil = {1, 1}};
    int32_t fh, fw;
    uint8_t act;
    bool have;
    int x, y;
    if (tfl_options(c, TFL_OPT_POOL2D, true, &have) ||
        tfl_opt_u8(c, TFL_POOL_PADDING, TFL_PAD_SAME, &w.padding) ||
        tfl_opt_i32(c, TFL_POOL_STRIDE_W, 0, &w.stride[1]) ||
        tfl_opt_i32(c, TFL_POOL_STRIDE_H, 0, &w.stride[0]) ||
        tfl_opt_i32(c, TFL_POOL_FILTER_W, 0, &fw) ||
        tfl_opt_i32(c, TFL_POOL_FILTER_H, 0, &fh) ||
        tfl_opt_u8(c, TFL_POOL_ACTIVATION, 0, &act) ||
        tfl_input(c, 0, TFL_IN_ACT, &x) || tfl_output(c, 0, &y))
        return -1;
    const graph_tensor *tx = &c->g->tensors[x];
    if (tx->rank != 4)
        return tfl_fail(c, "input must be 4-D (NHWC), not rank %d", tx->rank);
    if (fh < 1 || fw < 1 || fh > 65535 || fw > 65535)
        return tfl_fail(c, "filter %dx%d must be positive", (int)fh, (int)fw);
    int32_t ch = tx->shape[3];
    int n = tfl_node(c, op, &x, 1, y);
    if (n < 0)
        return -1;
    graph_node *nd = &c->g->nodes[n];
    nd->filter_h = fh;
    nd->filter_w = fw;
    /* TFLite divides by the taps inside the image. */
    nd->count_include_pad = false;
    return window(c, &w, x, fh, fw, ch, y, nd) || tfl_fused_act(c, act, nd)
               ? -1 : 0;
}

int tfl_op_avgpool(tfl_ctx *c)
{
    return pool(c, MCN_OP_AVERAGE_POOL_2D);
}

int tfl_op_maxpool(tfl_ctx *c)
{
    return pool(c, MCN_OP_MAX_POOL_2D);
}
