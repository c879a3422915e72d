/*
** onnx_export_ops.c: one ONNX writer per graph op, for onnx_export.c.
** Each reads its inputs in ONNX order (4-D as NCHW) and writes its output
** there, taking the stored order only where the op's meaning follows the
** memory (a reshape, a matmul over the last stored axis). Weights go back
** to ONNX's layouts: Conv [O,I/groups,KH,KW], Gemm [O,K] with transB.
*/
#include <stdlib.h>
#include <string.h>

#include "onnx_export_internal.h"

#define NODE1(op, x, y) ox_node(c, op, (const char *const[]){x}, 1, y)

static int hw_attrs(ox_ctx *c, Onnx__NodeProto *o, const graph_node *n,
                    int kh, int kw, bool dilations)
{
    int64_t k[2] = {kh, kw}, s[2] = {n->stride_h, n->stride_w};
    int64_t d[2] = {n->dilation_h > 0 ? n->dilation_h : 1,
                    n->dilation_w > 0 ? n->dilation_w : 1};
    int64_t p[4] = {n->pad_top, n->pad_left, n->pad_bottom, n->pad_right};
    for (int i = 0; i < 2; i++)
        s[i] = s[i] > 0 ? s[i] : 1;
    if (ox_attr_ints(c, o, "kernel_shape", k, 2) ||
        ox_attr_ints(c, o, "strides", s, 2) ||
        ox_attr_ints(c, o, "pads", p, 4))
        return -1;
    if (dilations)
        return ox_attr_ints(c, o, "dilations", d, 2);
    if (d[0] != 1 || d[1] != 1)
        return ox_fail(c, "dilated average pooling has no opset 13 form");
    return 0;
}

static int conv(ox_ctx *c, const graph_node *n)
{
    const graph *g = c->g;
    const graph_tensor *x = &g->tensors[n->in[0]];
    const graph_tensor *w = n->n_in > 1 && n->in[1] >= 0
                                ? &g->tensors[n->in[1]] : NULL;
    if (x->rank != 4 || !w || w->rank != 4 || !w->data)
        return ox_fail(c, "needs a 4-D input and constant 4-D weights");
    /* CONV_2D [O,KH,KW,I/g] and DEPTHWISE [1,KH,KW,C*m] to [O,I/g,KH,KW]. */
    static const int ohwi[4] = {0, 3, 1, 2}, ihwo[4] = {3, 0, 1, 2};
    bool dw = n->op == MCN_OP_DEPTHWISE_CONV_2D;
    int64_t s[4] = {w->shape[0], w->shape[1], w->shape[2], w->shape[3]};
    const char *out = c->name[n->out[0]], *y = ox_act_target(c, n, out);
    const char *in[3] = {ox_in(c, n->in[0]),
                         ox_const(c, n->in[1], s, dw ? ihwo : ohwi, 4),
                         n->n_in > 2 ? ox_in(c, n->in[2]) : NULL};
    if (!y || !in[1] || (n->n_in > 2 && n->in[2] >= 0 && !in[2]))
        return -1;
    Onnx__NodeProto *o = ox_node(c, "Conv", in, in[2] ? 3 : 2, y);
    int64_t group = dw ? x->shape[3] : n->groups > 0 ? n->groups : 1;
    if (!o || hw_attrs(c, o, n, (int)s[1], (int)s[2], true) ||
        ox_attr_int(c, o, "group", group))
        return -1;
    return ox_act_emit(c, n, y, out);
}

/* [.., K] x W[O,K]: Gemm on a 2-D result (a whole flattening first when
   the input is not 2-D), else MatMul over the last stored axis. */
static int fully_connected(ox_ctx *c, const graph_node *n)
{
    static const int same[4] = {0, 1, 2, 3}, transposed[4] = {0, 1, 3, 2};
    const graph *g = c->g;
    int xi = n->in[0], yi = n->out[0];
    const graph_tensor *x = &g->tensors[xi], *yt = &g->tensors[yi];
    const graph_tensor *w = n->in[1] >= 0 ? &g->tensors[n->in[1]] : NULL;
    if (!w || w->rank != 2 || !w->data)
        return ox_fail(c, "needs constant 2-D weights");
    int64_t O = w->shape[0], K = w->shape[1];
    const char *b = n->n_in > 2 ? ox_in(c, n->in[2]) : NULL;
    if (n->n_in > 2 && n->in[2] >= 0 && !b)
        return -1;
    if (yt->rank == 2) {
        const char *a = ox_flat(c, xi);
        if (a && x->rank != 2) {
            int64_t d[2] = {graph_tensor_elems(x) / K, K};
            char *f = ox_temp(c, xi, "flat");
            a = f ? ox_reshape(c, xi, a, 2, d, f) : NULL;
        }
        int64_t s[4] = {1, 1, O, K};
        const char *out = c->name[yi], *y = ox_act_target(c, n, out);
        const char *in[3] = {a, ox_const(c, n->in[1], s, same, 2), b};
        Onnx__NodeProto *o = a && y && in[1]
                                 ? ox_node(c, "Gemm", in, b ? 3 : 2, y)
                                 : NULL;
        if (!o || ox_attr_int(c, o, "transB", 1))
            return -1;
        return ox_act_emit(c, n, y, out);
    }
    if (yt->rank != x->rank)
        return ox_fail(c, "a %d-D input to a %d-D output is not exported",
                       x->rank, yt->rank);
    int64_t ws[4] = {1, 1, O, K};
    const char *s = ox_stored_out(c, yi), *y = ox_act_target(c, n, s);
    const char *m = b && y ? ox_temp(c, yi, "matmul") : y;
    const char *in[2] = {ox_stored(c, xi),
                         ox_const(c, n->in[1], ws, transposed, 2)};
    if (!m || !in[0] || !in[1] || !ox_node(c, "MatMul", in, 2, m))
        return -1;
    const char *add[2] = {m, b};
    if (b && !ox_node(c, "Add", add, 2, y))
        return -1;
    return ox_act_emit(c, n, y, s) || ox_stored_done(c, yi, s);
}

static int pool(ox_ctx *c, const graph_node *n)
{
    bool max = n->op == MCN_OP_MAX_POOL_2D;
    const char *out = c->name[n->out[0]], *y = ox_act_target(c, n, out);
    const char *x = ox_in(c, n->in[0]);
    Onnx__NodeProto *o = x && y ? NODE1(max ? "MaxPool" : "AveragePool",
                                        x, y)
                                : NULL;
    if (!o || hw_attrs(c, o, n, n->filter_h, n->filter_w, max) ||
        (n->ceil_mode && ox_attr_int(c, o, "ceil_mode", 1)) ||
        (!max && n->count_include_pad &&
         ox_attr_int(c, o, "count_include_pad", 1)))
        return -1;
    return ox_act_emit(c, n, y, out);
}

/* A 2-D result ([N,C]) is the pool's [N,C,1,1] flattened. */
static int global_pool(ox_ctx *c, const graph_node *n)
{
    int yi = n->out[0];
    bool flat = c->g->tensors[yi].rank == 2;
    const char *out = c->name[yi], *y = ox_act_target(c, n, out);
    const char *p = flat && y ? ox_temp(c, yi, "pool") : y;
    const char *x = ox_in(c, n->in[0]);
    const char *op = n->op == MCN_OP_GLOBAL_MAX_POOL ? "GlobalMaxPool"
                                                     : "GlobalAveragePool";
    if (!x || !p || !NODE1(op, x, p))
        return -1;
    Onnx__NodeProto *o = flat ? NODE1("Flatten", p, y) : NULL;
    if (flat && (!o || ox_attr_int(c, o, "axis", 1)))
        return -1;
    return ox_act_emit(c, n, y, out);
}

/* ADD, SUB, MUL, DIV, PRELU: an operand of lower rank than a 4-D result
   broadcasts against the stored (channels-last) shape, so it is widened
   to 4-D NCHW first. */
static int elementwise(ox_ctx *c, const graph_node *n, const char *op)
{
    int r = c->g->tensors[n->out[0]].rank;
    const char *in[2];
    for (int i = 0; i < 2; i++) {
        int t = n->in[i];
        if (r > 4 && c->g->tensors[t].rank == 4)
            return ox_fail(c, "a 4-D operand of a %d-D result is not "
                           "exported", r);
        in[i] = r == 4 ? ox_wide(c, t) : ox_in(c, t);
        if (!in[i])
            return -1;
    }
    const char *out = c->name[n->out[0]], *y = ox_act_target(c, n, out);
    if (!y || !ox_node(c, op, in, 2, y))
        return -1;
    return ox_act_emit(c, n, y, out);
}

static int concatenation(ox_ctx *c, const graph_node *n)
{
    const char *in[GRAPH_MAX_IO];
    for (int i = 0; i < n->n_in; i++)
        if (!(in[i] = ox_in(c, n->in[i])))
            return -1;
    int r = c->g->tensors[n->out[0]].rank;
    const char *out = c->name[n->out[0]], *y = ox_act_target(c, n, out);
    Onnx__NodeProto *o = y ? ox_node(c, "Concat", in, n->n_in, y) : NULL;
    if (!o || ox_attr_int(c, o, "axis", ox_onnx_axis(r, n->axis)))
        return -1;
    return ox_act_emit(c, n, y, out);
}

/* The elements in stored order, regrouped: a 4-D result whose NCHW value
   orders them differently is reshaped to its stored shape and transposed. */
static int reshape(ox_ctx *c, const graph_node *n)
{
    int yi = n->out[0];
    const graph_tensor *yt = &c->g->tensors[yi];
    const char *x = ox_flat(c, n->in[0]);
    if (!x)
        return -1;
    bool direct = ox_same_order(yt);
    int64_t d[MCN_MAX_DIMS];
    for (int i = 0; i < yt->rank; i++)
        d[i] = yt->shape[i];
    if (direct)
        ox_dims(yt, d);
    const char *s = direct ? c->name[yi] : ox_stored_out(c, yi);
    const char *y = ox_act_target(c, n, s);
    if (!y || !ox_reshape(c, yi, x, yt->rank, d, y) ||
        ox_act_emit(c, n, y, s))
        return -1;
    return direct ? 0 : ox_stored_done(c, yi, s);
}

/* Reducing a 4-D value to fewer axes keeps the others in NCHW order;
   when that differs from the stored order the mean reads the NHWC copy. */
static int mean(ox_ctx *c, const graph_node *n)
{
    int xi = n->in[0], yi = n->out[0];
    int r = c->g->tensors[xi].rank, ry = c->g->tensors[yi].rank;
    bool reduce[MCN_MAX_DIMS] = {false};
    for (int k = 0; k < n->n_ints; k++) {
        if (n->ints[k] < 0 || n->ints[k] >= r)
            return ox_fail(c, "axis %d is out of range", (int)n->ints[k]);
        reduce[n->ints[k]] = true;
    }
    bool stored = ry == 4 && r != 4;
    if (r == 4 && !n->keep_dims) {
        /* The kept axes, in ONNX order, must run as in stored order. */
        int last = -1;
        for (int a = 0; a < 4; a++) {
            int s = ox_stored_axis(4, a);
            if (reduce[s])
                continue;
            stored = stored || s < last;
            last = s;
        }
    }
    int64_t axes[MCN_MAX_DIMS];
    for (int k = 0; k < n->n_ints; k++)
        axes[k] = stored ? n->ints[k] : ox_onnx_axis(r, n->ints[k]);
    const char *x = stored ? ox_stored(c, xi) : ox_in(c, xi);
    const char *out = ry == 4 && stored ? ox_stored_out(c, yi) : c->name[yi];
    const char *y = ox_act_target(c, n, out);
    Onnx__NodeProto *o = x && y ? NODE1("ReduceMean", x, y) : NULL;
    if (!o || ox_attr_ints(c, o, "axes", axes, n->n_ints) ||
        ox_attr_int(c, o, "keepdims", n->keep_dims) ||
        ox_act_emit(c, n, y, out))
        return -1;
    return ry == 4 && stored ? ox_stored_done(c, yi, out) : 0;
}

/* Over the last stored axis: channels for a 4-D value. beta scales the
   logits first. */
static int softmax(ox_ctx *c, const graph_node *n)
{
    int yi = n->out[0], r = c->g->tensors[yi].rank;
    const char *x = ox_in(c, n->in[0]);
    if (x && n->beta != 1.0f) {
        char *z = ox_temp(c, yi, "scaled");
        const char *in[2] = {x, ox_scalar(c, yi, "beta", n->beta)};
        x = z && in[1] && ox_node(c, "Mul", in, 2, z) ? z : NULL;
    }
    const char *out = c->name[yi], *y = ox_act_target(c, n, out);
    const char *op = n->op == MCN_OP_LOG_SOFTMAX ? "LogSoftmax" : "Softmax";
    Onnx__NodeProto *o = x && y ? NODE1(op, x, y) : NULL;
    if (!o || ox_attr_int(c, o, "axis", r == 4 ? 1 : r - 1))
        return -1;
    return ox_act_emit(c, n, y, out);
}

static int pad(ox_ctx *c, const graph_node *n)
{
    static const char *const modes[] = {"constant", "edge", "reflect"};
    int yi = n->out[0], r = c->g->tensors[n->in[0]].rank;
    if (n->n_ints != 2 * r || (unsigned)n->pad_mode > MCN_PAD_REFLECT)
        return ox_fail(c, "its paddings do not fit its input");
    int64_t p[2 * MCN_MAX_DIMS];
    for (int a = 0; a < r; a++) {
        p[a] = n->ints[ox_stored_axis(r, a)];
        p[r + a] = n->ints[r + ox_stored_axis(r, a)];
    }
    char *pn = ox_temp(c, yi, "pads");
    const char *in[3] = {ox_in(c, n->in[0]),
                         pn ? ox_init_ints(c, pn, 2 * r, p) : NULL,
                         n->pad_mode == MCN_PAD_CONSTANT
                             ? ox_scalar(c, yi, "value", n->pad_value)
                             : NULL};
    const char *out = c->name[yi], *y = ox_act_target(c, n, out);
    if (!in[0] || !in[1] || (n->pad_mode == MCN_PAD_CONSTANT && !in[2]) ||
        !y)
        return -1;
    Onnx__NodeProto *o = ox_node(c, "Pad", in, in[2] ? 3 : 2, y);
    if (!o || ox_attr_string(c, o, "mode", modes[n->pad_mode]))
        return -1;
    return ox_act_emit(c, n, y, out);
}

/* Stored out axis i is stored in axis perm[i]; in ONNX axes that is
   out axis j <- in axis onnx(perm[stored(j)]). */
static int transpose_op(ox_ctx *c, const graph_node *n)
{
    int r = c->g->tensors[n->in[0]].rank;
    if (n->n_ints != r)
        return ox_fail(c, "its permutation does not fit its input");
    int64_t q[MCN_MAX_DIMS];
    for (int j = 0; j < r; j++)
        q[j] = ox_onnx_axis(r, n->ints[ox_stored_axis(r, j)]);
    const char *out = c->name[n->out[0]], *y = ox_act_target(c, n, out);
    const char *x = ox_in(c, n->in[0]);
    Onnx__NodeProto *o = x && y ? NODE1("Transpose", x, y) : NULL;
    if (!o || ox_attr_ints(c, o, "perm", q, r))
        return -1;
    return ox_act_emit(c, n, y, out);
}

/* ints: each axis's first index, then its step; the output's shape gives
   the count. A negative step that runs to the start ends below -dim,
   which ONNX clamps to "before index 0". */
static int slice(ox_ctx *c, const graph_node *n)
{
    const graph_tensor *x = &c->g->tensors[n->in[0]];
    const graph_tensor *yt = &c->g->tensors[n->out[0]];
    int r = x->rank, yi = n->out[0];
    if (n->n_ints != 2 * r || yt->rank != r)
        return ox_fail(c, "its bounds do not fit its input");
    int64_t v[4][MCN_MAX_DIMS];  /* starts, ends, axes, steps */
    for (int a = 0; a < r; a++) {
        int s = ox_stored_axis(r, a);
        int64_t first = n->ints[s], step = n->ints[r + s];
        int64_t end = first + (int64_t)yt->shape[s] * step;
        v[0][a] = first;
        v[1][a] = end < 0 ? -(int64_t)x->shape[s] - 1 : end;
        v[2][a] = a;
        v[3][a] = step;
    }
    static const char *const roles[4] = {"starts", "ends", "axes", "steps"};
    const char *in[5] = {ox_in(c, n->in[0])};
    for (int k = 0; k < 4; k++) {
        char *name = ox_temp(c, yi, roles[k]);
        if (!name || !(in[k + 1] = ox_init_ints(c, name, r, v[k])))
            return -1;
    }
    const char *out = c->name[yi], *y = ox_act_target(c, n, out);
    if (!in[0] || !y || !ox_node(c, "Slice", in, 5, y))
        return -1;
    return ox_act_emit(c, n, y, out);
}

/* The activations that are ops of their own. Opset 13 has no HardSwish:
   x * HardSigmoid(x) with alpha 1/6, beta 1/2 is its definition. */
static int activation(ox_ctx *c, const graph_node *n)
{
    int yi = n->out[0];
    const char *x = ox_in(c, n->in[0]);
    const char *out = c->name[yi], *y = ox_act_target(c, n, out);
    if (!x || !y)
        return -1;
    Onnx__NodeProto *o = NULL;
    switch (n->op) {
    case MCN_OP_LOGISTIC:
        o = NODE1("Sigmoid", x, y);
        break;
    case MCN_OP_TANH:
        o = NODE1("Tanh", x, y);
        break;
    case MCN_OP_LEAKY_RELU:
        o = NODE1("LeakyRelu", x, y);
        if (o && ox_attr_float(c, o, "alpha", n->alpha))
            return -1;
        break;
    case MCN_OP_ELU:
        o = NODE1("Elu", x, y);
        if (o && ox_attr_float(c, o, "alpha", n->alpha))
            return -1;
        break;
    case MCN_OP_HARD_SIGMOID:
    case MCN_OP_HARD_SWISH: {
        bool swish = n->op == MCN_OP_HARD_SWISH;
        const char *h = swish ? ox_temp(c, yi, "hard_sigmoid") : y;
        o = h ? NODE1("HardSigmoid", x, h) : NULL;
        if (!o || ox_attr_float(c, o, "alpha", swish ? 1.0f / 6 : n->alpha) ||
            ox_attr_float(c, o, "beta", swish ? 0.5f : n->beta))
            return -1;
        const char *in[2] = {x, h};
        if (swish)
            o = ox_node(c, "Mul", in, 2, y);
        break;
    }
    default: { /* CLIP: its bounds, or a copy its fused activation clamps */
        const char *in[3] = {x, NULL, NULL};
        if (n->act == MCN_ACT_NONE) {
            in[1] = ox_scalar(c, yi, "min", n->act_min);
            in[2] = ox_scalar(c, yi, "max", n->act_max);
            if (!in[1] || !in[2])
                return -1;
        }
        o = ox_node(c, n->act == MCN_ACT_NONE ? "Clip" : "Identity", in,
                    n->act == MCN_ACT_NONE ? 3 : 1, y);
        break;
    }
    }
    if (!o)
        return -1;
    return ox_act_emit(c, n, y, out);
}

int ox_write_node(ox_ctx *c, const graph_node *n)
{
    if (n->n_in < 1 || n->in[0] < 0 || n->n_out != 1)
        return ox_fail(c, "expects one input and one output");
    switch (n->op) {
    case MCN_OP_CONV_2D: case MCN_OP_DEPTHWISE_CONV_2D:
        return conv(c, n);
    case MCN_OP_FULLY_CONNECTED:
        return fully_connected(c, n);
    case MCN_OP_MAX_POOL_2D: case MCN_OP_AVERAGE_POOL_2D:
        return pool(c, n);
    case MCN_OP_GLOBAL_AVERAGE_POOL: case MCN_OP_GLOBAL_MAX_POOL:
        return global_pool(c, n);
    case MCN_OP_ADD:
        return elementwise(c, n, "Add");
    case MCN_OP_SUB:
        return elementwise(c, n, "Sub");
    case MCN_OP_MUL:
        return elementwise(c, n, "Mul");
    case MCN_OP_DIV:
        return elementwise(c, n, "Div");
    case MCN_OP_PRELU:
        return elementwise(c, n, "PRelu");
    case MCN_OP_CONCATENATION:
        return concatenation(c, n);
    case MCN_OP_RESHAPE:
        return reshape(c, n);
    case MCN_OP_MEAN:
        return mean(c, n);
    case MCN_OP_SOFTMAX: case MCN_OP_LOG_SOFTMAX:
        return softmax(c, n);
    case MCN_OP_PAD:
        return pad(c, n);
    case MCN_OP_TRANSPOSE:
        return transpose_op(c, n);
    case MCN_OP_SLICE:
        return slice(c, n);
    case MCN_OP_LOGISTIC: case MCN_OP_TANH: case MCN_OP_LEAKY_RELU:
    case MCN_OP_ELU: case MCN_OP_HARD_SIGMOID: case MCN_OP_HARD_SWISH:
    case MCN_OP_CLIP:
        return activation(c, n);
    default:
        return ox_fail(c, "mcn-export has no ONNX form for this op yet");
    }
}
