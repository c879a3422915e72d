/* tflite_ops_tconv.c: TRANSPOSE_CONV. TFLite's inputs are the output
   shape (a constant), the weights [O,KH,KW,I] (already the graph's
   layout), the input and an optional bias; the graph node reads input,
   weights, bias. The padding follows TFLM's transpose_conv.cc: SAME or
   VALID is applied to the *output* size as if it were a convolution's
   input (ComputePaddingHeightWidth with dilation 1), and only the leading
   half, total / 2, is used: the kernel drops every tap that lands before
   it or past the output's end. The graph says the same with pad_top /
   pad_left, a bottom / right pad for the rows the output cuts off, and
   the output's size for the rows past the taps' reach (fexec_tconv.c). */
#include "tflite_internal.h"

/* One axis: the output size `out` of an input of `in` through a filter of
   k at stride s, into the node's two pads. */
static int axis(tfl_ctx *c, const char *dim, uint8_t padding, int32_t in,
                int32_t k, int32_t s, int32_t out, int *pad0, int *pad1)
{
    /* ComputeOutSize and ComputePaddingWithOffset, on the output. */
    int64_t o = padding == TFL_PAD_SAME ? ((int64_t)out + s - 1) / s
                                        : ((int64_t)out + s - k) / s;
    int64_t total = (o - 1) * s + k - out;
    int64_t p0 = total > 0 ? total / 2 : 0;
    /* Rows the input's taps reach, from p0 rows above the output on. */
    int64_t reach = (int64_t)(in - 1) * s + k - p0;
    int64_t p1 = reach > out ? reach - out : 0;
    if (reach < 1 || out - reach >= s || p0 > 65535 || p1 > 65535)
        return tfl_fail(c, "output %s %d does not fit input %s %d through "
                        "a filter of %d at stride %d (%s padding puts %lld "
                        "rows before the output)", dim, (int)out, dim,
                        (int)in, (int)k, (int)s,
                        padding == TFL_PAD_SAME ? "SAME" : "VALID",
                        (long long)p0);
    *pad0 = (int)p0;
    *pad1 = (int)p1;
    return 0;
}

/* The output shape input agrees with the output tensor. */
static int check_output_shape(tfl_ctx *c, const graph_tensor *ty)
{
    int64_t os[4];
    uint32_t n;
    const tfl_tensor *t;
    char s[96];
    if (tfl_const_ints(c, 0, "output shape", os, 4, &n, &t))
        return -1;
    bool same = n == 4 && ty->rank == 4;
    for (uint32_t d = 0; same && d < 4; d++)
        same = os[d] == ty->shape[d];
    if (!same) {
        tfl_shape_str(ty, s, sizeof s);
        return tfl_fail(c, "the output shape '%s' does not match the output "
                        "%s", t->name, s);
    }
    return 0;
}

int tfl_op_transpose_conv(tfl_ctx *c)
{
    uint8_t padding, act;
    int32_t sw, sh;
    bool have;
    int x, w, b, y;
    char s1[96], s2[96], s3[96];
    if (tfl_options(c, TFL_OPT_TRANSPOSE_CONV, true, &have) ||
        tfl_opt_u8(c, TFL_TCONV_PADDING, TFL_PAD_SAME, &padding) ||
        tfl_opt_i32(c, TFL_TCONV_STRIDE_W, 0, &sw) ||
        tfl_opt_i32(c, TFL_TCONV_STRIDE_H, 0, &sh) ||
        tfl_opt_u8(c, TFL_TCONV_ACTIVATION, 0, &act) ||
        tfl_input(c, 1, TFL_IN_CONST, &w) ||
        tfl_input(c, 2, TFL_IN_ACT, &x) ||
        tfl_input(c, 3, TFL_IN_OPTIONAL | TFL_IN_CONST | TFL_IN_BIAS, &b) ||
        tfl_output(c, 0, &y) || check_output_shape(c, &c->g->tensors[y]))
        return -1;
    if (padding != TFL_PAD_SAME && padding != TFL_PAD_VALID)
        return tfl_fail(c, "unknown padding %u", padding);
    if (sh < 1 || sw < 1 || sh > 65535 || sw > 65535)
        return tfl_fail(c, "stride %dx%d must be positive", (int)sh,
                        (int)sw);
    const graph_tensor *tx = &c->g->tensors[x], *tw = &c->g->tensors[w];
    const graph_tensor *ty = &c->g->tensors[y];
    if (tx->rank != 4 || tw->rank != 4 || tw->shape[3] != tx->shape[3] ||
        ty->shape[0] != tx->shape[0] || ty->shape[3] != tw->shape[0]) {
        tfl_shape_str(tx, s1, sizeof s1);
        tfl_shape_str(tw, s2, sizeof s2);
        tfl_shape_str(ty, s3, sizeof s3);
        return tfl_fail(c, "input %s, weights %s and output %s do not fit "
                        "(NHWC, [O,KH,KW,I], [N,OH,OW,O])", s1, s2, s3);
    }
    if (b >= 0 && (c->g->tensors[b].rank != 1 ||
                   c->g->tensors[b].shape[0] != tw->shape[0]))
        return tfl_fail(c, "bias must have shape [%d]", (int)tw->shape[0]);
    int pads[4];
    if (axis(c, "height", padding, tx->shape[1], tw->shape[1], sh,
             ty->shape[1], &pads[0], &pads[2]) ||
        axis(c, "width", padding, tx->shape[2], tw->shape[2], sw,
             ty->shape[2], &pads[1], &pads[3]))
        return -1;
    int ins[3] = {x, w, b};
    int n = tfl_node(c, MCN_OP_TRANSPOSE_CONV, ins, b < 0 ? 2 : 3, y);
    if (n < 0)
        return -1;
    graph_node *nd = &c->g->nodes[n];
    nd->stride_h = sh;
    nd->stride_w = sw;
    nd->dilation_h = nd->dilation_w = 1;
    nd->pad_top = pads[0];
    nd->pad_left = pads[1];
    nd->pad_bottom = pads[2];
    nd->pad_right = pads[3];
    nd->groups = 1;
    return tfl_fused_act(c, act, nd);
}
