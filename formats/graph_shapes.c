/* graph_shapes.c: see graph_shapes.h. */
#include "graph_shapes.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The element count mcn-import accepts for one tensor. */
#define MAX_ELEMS ((int64_t)1 << 31)

typedef struct {
    int rank;
    int32_t d[MCN_MAX_DIMS];
} shape;

typedef struct {
    graph *g;
    const shape *old;  /* every tensor's shape before inference */
    int node;
    mcn_err *e;
} sctx;

static int fail(sctx *c, const char *fmt, ...)
{
    char why[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    const graph_node *n = &c->g->nodes[c->node];
    if (n->name)
        return mcn_fail(c->e, "%s '%s': %s", graph_op_name(n->op), n->name,
                        why);
    return mcn_fail(c->e, "%s (node %d): %s", graph_op_name(n->op), c->node,
                    why);
}

static const char *str(const shape *s, char *buf, size_t size)
{
    size_t k = (size_t)snprintf(buf, size, "[");
    for (int i = 0; i < s->rank && k < size; i++)
        k += (size_t)snprintf(buf + k, size - k, "%s%d", i ? "," : "",
                              (int)s->d[i]);
    if (k < size)
        snprintf(buf + k, size - k, "]");
    return buf;
}

static shape of(const graph_tensor *t)
{
    shape s = {t->rank, {0}};
    memcpy(s.d, t->shape, sizeof t->shape);
    return s;
}

static int64_t elems(const shape *s)
{
    int64_t n = 1;
    for (int i = 0; i < s->rank; i++)
        n *= s->d[i];
    return n;
}

/* Input `slot`'s current shape; fails if absent. */
static int input(sctx *c, int slot, int rank, shape *s)
{
    const graph_node *n = &c->g->nodes[c->node];
    if (slot >= n->n_in || n->in[slot] < 0)
        return fail(c, "input %d is absent", slot);
    *s = of(&c->g->tensors[n->in[slot]]);
    if (rank && s->rank != rank) {
        char b[96];
        return fail(c, "input %d %s is not %d-D", slot, str(s, b, sizeof b),
                    rank);
    }
    return 0;
}

static const shape *old_in(sctx *c, int slot)
{
    return &c->old[c->g->nodes[c->node].in[slot]];
}

static const shape *old_out(sctx *c)
{
    return &c->old[c->g->nodes[c->node].out[0]];
}

static int set_output(sctx *c, const int64_t *d, int rank)
{
    const graph_node *n = &c->g->nodes[c->node];
    int64_t total = 1;
    for (int i = 0; i < rank; i++) {
        if (d[i] < 1 || d[i] > INT32_MAX)
            return fail(c, "output dimension %d would be %lld", i,
                        (long long)d[i]);
        total *= d[i];
        if (total > MAX_ELEMS)
            return fail(c, "the output would have more than %lld elements",
                        (long long)MAX_ELEMS);
    }
    graph_tensor *t = &c->g->tensors[n->out[0]];
    t->rank = rank;
    memset(t->shape, 0, sizeof t->shape);
    for (int i = 0; i < rank; i++)
        t->shape[i] = (int32_t)d[i];
    return 0;
}

static int set_shape(sctx *c, const shape *s)
{
    int64_t d[MCN_MAX_DIMS];
    for (int i = 0; i < s->rank; i++)
        d[i] = s->d[i];
    return set_output(c, d, s->rank);
}

/* One spatial axis of a window: its output size, and its pads when the
   node's padding rule recomputes them. */
static int window_axis(sctx *c, int axis, int64_t in, int64_t k,
                       int64_t *out)
{
    static const char *const name[2] = {"height", "width"};
    graph_node *n = &c->g->nodes[c->node];
    int64_t stride = axis ? n->stride_w : n->stride_h;
    int64_t dil = axis ? n->dilation_w : n->dilation_h;
    int *p0 = axis ? &n->pad_left : &n->pad_top;
    int *p1 = axis ? &n->pad_right : &n->pad_bottom;
    if (stride < 1 || dil < 1 || k < 1)
        return fail(c, "stride %lld, dilation %lld, kernel %lld must be "
                    "positive", (long long)stride, (long long)dil,
                    (long long)k);
    int64_t eff = (k - 1) * dil + 1;
    if (n->padding == MCN_PADDING_SAME_UPPER ||
        n->padding == MCN_PADDING_SAME_LOWER) {
        *out = (in + stride - 1) / stride;
        int64_t total = (*out - 1) * stride + eff - in;
        if (total < 0)
            total = 0;
        int64_t before = n->padding == MCN_PADDING_SAME_UPPER
                             ? total / 2 : total - total / 2;
        *p0 = (int)before;
        *p1 = (int)(total - before);
        return 0;
    }
    if (n->padding == MCN_PADDING_VALID)
        *p0 = *p1 = 0;
    int64_t span = in + *p0 + *p1 - eff;
    if (span < 0)
        return fail(c, "the %s window of %lld (dilation %lld, pads %d+%d) "
                    "does not fit in the input's %s of %lld", name[axis],
                    (long long)k, (long long)dil, *p0, *p1, name[axis],
                    (long long)in);
    *out = span / stride + 1;
    if (n->ceil_mode) {
        *out = (span + stride - 1) / stride + 1;
        /* A window may not start in the end padding. */
        if ((*out - 1) * stride >= in + *p0)
            (*out)--;
    }
    return 0;
}

static int conv(sctx *c)
{
    const graph_node *n = &c->g->nodes[c->node];
    shape x, w;
    char b1[96], b2[96];
    if (input(c, 0, 4, &x) || input(c, 1, 4, &w))
        return -1;
    int64_t cout = w.d[0];
    bool dw = n->op == MCN_OP_DEPTHWISE_CONV_2D;
    if (dw ? (int64_t)x.d[3] * n->depth_multiplier != w.d[3]
           : (int64_t)w.d[3] * n->groups != x.d[3])
        return fail(c, "input %s does not fit weights %s", str(&x, b1, 96),
                    str(&w, b2, 96));
    if (dw)
        cout = w.d[3];
    int64_t d[4] = {x.d[0], 0, 0, cout};
    if (window_axis(c, 0, x.d[1], w.d[1], &d[1]) ||
        window_axis(c, 1, x.d[2], w.d[2], &d[2]))
        return -1;
    return set_output(c, d, 4);
}

/* The output padding (ONNX's output_padding) is what the old output had
   beyond the size the window gives: kept. */
static int transpose_conv(sctx *c)
{
    const graph_node *n = &c->g->nodes[c->node];
    shape x, w;
    if (input(c, 0, 4, &x) || input(c, 1, 4, &w))
        return -1;
    const shape *ox = old_in(c, 0), *oy = old_out(c);
    int64_t d[4] = {x.d[0], 0, 0, w.d[0]};
    for (int a = 0; a < 2; a++) {
        int64_t s = a ? n->stride_w : n->stride_h;
        int64_t dil = a ? n->dilation_w : n->dilation_h;
        int64_t pads = a ? n->pad_left + n->pad_right
                         : n->pad_top + n->pad_bottom;
        int64_t eff = (w.d[1 + a] - 1) * dil + 1;
        int64_t extra = oy->d[1 + a] - ((ox->d[1 + a] - 1) * s + eff - pads);
        d[1 + a] = (x.d[1 + a] - 1) * s + eff - pads + extra;
    }
    return set_output(c, d, 4);
}

/* A window that covered its whole input is a global pool as Keras and
   PyTorch write one (AveragePooling2D over the last map): it stays
   global at any size. */
static int pool(sctx *c)
{
    graph_node *n = &c->g->nodes[c->node];
    shape x;
    if (input(c, 0, 4, &x))
        return -1;
    const shape *ox = old_in(c, 0);
    if (n->filter_h == ox->d[1] && n->filter_w == ox->d[2] &&
        n->pad_top + n->pad_bottom + n->pad_left + n->pad_right == 0 &&
        !n->ceil_mode) {
        n->filter_h = n->stride_h = x.d[1];
        n->filter_w = n->stride_w = x.d[2];
    }
    int64_t d[4] = {x.d[0], 0, 0, x.d[3]};
    if (window_axis(c, 0, x.d[1], n->filter_h, &d[1]) ||
        window_axis(c, 1, x.d[2], n->filter_w, &d[2]))
        return -1;
    return set_output(c, d, 4);
}

static int global_pool(sctx *c)
{
    shape x;
    if (input(c, 0, 4, &x))
        return -1;
    if (old_out(c)->rank == 2) {
        int64_t d[2] = {x.d[0], x.d[3]};
        return set_output(c, d, 2);
    }
    int64_t d[4] = {x.d[0], 1, 1, x.d[3]};
    return set_output(c, d, 4);
}

static int fully_connected(sctx *c)
{
    shape x, w;
    char b1[96];
    if (input(c, 0, 0, &x) || input(c, 1, 2, &w))
        return -1;
    /* [batch, K], or any rank ending in K (TFLite's), or [batch, ...]
       flattened whole: a new resolution must not turn features into
       batch. */
    int64_t k = w.d[1], n = elems(&x);
    bool fits = x.rank == 2 ? x.d[1] == k
                            : x.d[x.rank - 1] == k || (int64_t)x.d[0] * k == n;
    if (!fits)
        return fail(c, "its input %s cannot feed weights that take %lld "
                    "features (a flatten over fixed spatial dims cannot "
                    "take a new resolution)", str(&x, b1, 96), (long long)k);
    int64_t d[MCN_MAX_DIMS] = {n / k, w.d[0]};
    int rank = old_out(c)->rank;
    if (rank == 2)
        return set_output(c, d, 2);
    if (rank != x.rank || x.d[x.rank - 1] != k)
        return fail(c, "its input %s does not end in the %lld features its "
                    "weights take", str(&x, b1, 96), (long long)k);
    for (int i = 0; i < rank; i++)
        d[i] = x.d[i];
    d[rank - 1] = w.d[0];
    return set_output(c, d, rank);
}

static int broadcast(sctx *c)
{
    shape a, b;
    char b1[96], b2[96];
    if (input(c, 0, 0, &a) || input(c, 1, 0, &b))
        return -1;
    int r = a.rank > b.rank ? a.rank : b.rank;
    int64_t d[MCN_MAX_DIMS];
    for (int i = 0; i < r; i++) {
        int ia = i - (r - a.rank), ib = i - (r - b.rank);
        int64_t da = ia >= 0 ? a.d[ia] : 1, db = ib >= 0 ? b.d[ib] : 1;
        if (da != db && da != 1 && db != 1)
            return fail(c, "shapes %s and %s do not broadcast",
                        str(&a, b1, 96), str(&b, b2, 96));
        d[i] = da == 1 ? db : da;
    }
    return set_output(c, d, r);
}

static int concatenation(sctx *c)
{
    const graph_node *n = &c->g->nodes[c->node];
    shape x, y;
    char b1[96], b2[96];
    if (input(c, 0, 0, &y))
        return -1;
    if (n->axis < 0 || n->axis >= y.rank)
        return fail(c, "axis %d is out of range for rank %d", n->axis,
                    y.rank);
    for (int k = 1; k < n->n_in; k++) {
        if (input(c, k, y.rank, &x))
            return -1;
        for (int i = 0; i < y.rank; i++)
            if (i != n->axis && x.d[i] != y.d[i])
                return fail(c, "input %d %s does not match input 0 %s off "
                            "axis %d", k, str(&x, b1, 96), str(&y, b2, 96),
                            n->axis);
        if ((int64_t)y.d[n->axis] + x.d[n->axis] > INT32_MAX)
            return fail(c, "the concatenated axis is too long");
        y.d[n->axis] += x.d[n->axis];
    }
    return set_shape(c, &y);
}

static int pad(sctx *c)
{
    const graph_node *n = &c->g->nodes[c->node];
    shape x;
    if (input(c, 0, 0, &x))
        return -1;
    if (n->n_ints != 2 * x.rank)
        return fail(c, "%d paddings for rank %d", n->n_ints, x.rank);
    int64_t d[MCN_MAX_DIMS];
    for (int i = 0; i < x.rank; i++)
        d[i] = (int64_t)x.d[i] + n->ints[i] + n->ints[x.rank + i];
    return set_output(c, d, x.rank);
}

static int mean(sctx *c)
{
    const graph_node *n = &c->g->nodes[c->node];
    shape x;
    if (input(c, 0, 0, &x))
        return -1;
    bool reduce[MCN_MAX_DIMS] = {false};
    for (int k = 0; k < n->n_ints; k++) {
        if (n->ints[k] < 0 || n->ints[k] >= x.rank)
            return fail(c, "axis %d is out of range for rank %d",
                        (int)n->ints[k], x.rank);
        reduce[n->ints[k]] = true;
    }
    int64_t d[MCN_MAX_DIMS];
    int r = 0;
    for (int i = 0; i < x.rank; i++)
        if (!reduce[i])
            d[r++] = x.d[i];
        else if (n->keep_dims)
            d[r++] = 1;
    if (r == 0)
        d[r++] = 1;
    return set_output(c, d, r);
}

static int transpose(sctx *c)
{
    const graph_node *n = &c->g->nodes[c->node];
    shape x;
    if (input(c, 0, 0, &x))
        return -1;
    if (n->n_ints != x.rank)
        return fail(c, "a permutation of %d axes for rank %d", n->n_ints,
                    x.rank);
    int64_t d[MCN_MAX_DIMS];
    for (int i = 0; i < x.rank; i++) {
        if (n->ints[i] < 0 || n->ints[i] >= x.rank)
            return fail(c, "permutation entry %d is out of range",
                        (int)n->ints[i]);
        d[i] = x.d[n->ints[i]];
    }
    return set_output(c, d, x.rank);
}

/* A RESHAPE's target: the node's, or for a graph written before nodes
   kept it, its output's with a flatten's axis free. */
static int reshape_spec(const graph_node *n, const shape *x, const shape *y,
                        int32_t *spec)
{
    if (n->n_ints) {
        memcpy(spec, n->ints, (size_t)n->n_ints * sizeof *spec);
        return n->n_ints;
    }
    memcpy(spec, y->d, sizeof y->d);
    if (y->rank == 2 && x->rank > 2 && y->d[0] == x->d[0])
        spec[1] = -1;
    return y->rank;
}

void graph_note_reshapes(graph *g)
{
    for (int i = 0; i < g->n_nodes; i++) {
        graph_node *n = &g->nodes[i];
        if (n->op != MCN_OP_RESHAPE || n->n_ints || n->n_in < 1 ||
            n->n_out < 1)
            continue;
        shape x = of(&g->tensors[n->in[0]]), y = of(&g->tensors[n->out[0]]);
        n->n_ints = reshape_spec(n, &x, &y, n->ints);
    }
}

static int reshape(sctx *c)
{
    const graph_node *n = &c->g->nodes[c->node];
    shape x, t = {0, {0}};
    char b1[96], b2[96];
    if (input(c, 0, 0, &x))
        return -1;
    t.rank = reshape_spec(n, old_in(c, 0), old_out(c), t.d);
    int64_t known = 1, d[MCN_MAX_DIMS];
    int free_axis = -1;
    for (int i = 0; i < t.rank; i++) {
        if (t.d[i] == -1 && free_axis < 0)
            free_axis = i;
        else if (t.d[i] < 1)
            return fail(c, "its target %s is malformed", str(&t, b2, 96));
        else
            known *= t.d[i];
        d[i] = t.d[i];
    }
    int64_t have = elems(&x);
    if (free_axis >= 0 && have % known == 0)
        d[free_axis] = have / known;
    else if (free_axis >= 0 || have != known)
        return fail(c, "cannot follow its input %s: its target %s is fixed",
                    str(&x, b1, 96), str(&t, b2, 96));
    return set_output(c, d, t.rank);
}

/* ints: the first index of every axis, then its step. */
static int slice(sctx *c)
{
    const graph_node *n = &c->g->nodes[c->node];
    shape x;
    char b1[96];
    if (input(c, 0, 0, &x))
        return -1;
    const shape *ox = old_in(c, 0), *oy = old_out(c);
    if (n->n_ints != 2 * x.rank || oy->rank != x.rank)
        return fail(c, "its bounds do not fit input %s", str(&x, b1, 96));
    int64_t d[MCN_MAX_DIMS];
    for (int i = 0; i < x.rank; i++) {
        int64_t first = n->ints[i], step = n->ints[x.rank + i];
        bool whole = first == 0 && step == 1 && oy->d[i] == ox->d[i];
        d[i] = whole ? x.d[i] : oy->d[i];
        int64_t last = first + (d[i] - 1) * step;
        if (step == 0 || first < 0 || first >= x.d[i] || last < 0 ||
            last >= x.d[i])
            return fail(c, "its axis %d slice (from %lld, step %lld, %lld "
                        "values) does not fit input %s", i, (long long)first,
                        (long long)step, (long long)d[i], str(&x, b1, 96));
    }
    return set_output(c, d, x.rank);
}

static int resize_axis(sctx *c, int a, float scale, int64_t in, int64_t *out)
{
    int64_t oi = old_in(c, 0)->d[a], oo = old_out(c)->d[a];
    if (scale > 0)
        *out = (int64_t)floor((double)in * scale);
    else if (in == oi)
        *out = oo;
    else if (oo % oi == 0)
        *out = in * (oo / oi);
    else if (oi % oo == 0 && in % (oi / oo) == 0)
        *out = in / (oi / oo);
    else
        return fail(c, "its output size %lld is fixed and not a whole "
                    "multiple or fraction of the input's %lld",
                    (long long)oo, (long long)oi);
    return 0;
}

static int resize(sctx *c)
{
    const graph_node *n = &c->g->nodes[c->node];
    shape x;
    if (input(c, 0, 4, &x))
        return -1;
    int64_t d[4] = {x.d[0], 0, 0, x.d[3]};
    if (resize_axis(c, 1, n->resize_scale_h, x.d[1], &d[1]) ||
        resize_axis(c, 2, n->resize_scale_w, x.d[2], &d[2]))
        return -1;
    return set_output(c, d, 4);
}

static int same_as_input(sctx *c)
{
    shape x;
    return input(c, 0, 0, &x) || set_shape(c, &x);
}

static int infer_node(sctx *c)
{
    const graph_node *n = &c->g->nodes[c->node];
    if (n->n_out != 1)
        return fail(c, "%d outputs (one is supported)", n->n_out);
    switch (n->op) {
    case MCN_OP_CONV_2D: case MCN_OP_DEPTHWISE_CONV_2D:
        return conv(c);
    case MCN_OP_TRANSPOSE_CONV:
        return transpose_conv(c);
    case MCN_OP_MAX_POOL_2D: case MCN_OP_AVERAGE_POOL_2D:
        return pool(c);
    case MCN_OP_GLOBAL_AVERAGE_POOL: case MCN_OP_GLOBAL_MAX_POOL:
        return global_pool(c);
    case MCN_OP_FULLY_CONNECTED:
        return fully_connected(c);
    case MCN_OP_ADD: case MCN_OP_MUL: case MCN_OP_SUB: case MCN_OP_DIV:
        return broadcast(c);
    case MCN_OP_CONCATENATION:
        return concatenation(c);
    case MCN_OP_PAD:
        return pad(c);
    case MCN_OP_MEAN:
        return mean(c);
    case MCN_OP_TRANSPOSE:
        return transpose(c);
    case MCN_OP_RESHAPE:
        return reshape(c);
    case MCN_OP_SLICE:
        return slice(c);
    case MCN_OP_RESIZE:
        return resize(c);
    case MCN_OP_SOFTMAX: case MCN_OP_LOG_SOFTMAX: case MCN_OP_CLIP:
    case MCN_OP_QUANTIZE: case MCN_OP_DEQUANTIZE: case MCN_OP_LOGISTIC:
    case MCN_OP_HARD_SWISH: case MCN_OP_TANH: case MCN_OP_LEAKY_RELU:
    case MCN_OP_PRELU: case MCN_OP_ELU: case MCN_OP_HARD_SIGMOID:
        return same_as_input(c);
    default:
        return fail(c, "no shape rule for this op");
    }
}

int graph_infer_shapes(graph *g, mcn_err *e)
{
    shape *old = malloc((size_t)(g->n_tensors ? g->n_tensors : 1) *
                        sizeof *old);
    if (!old)
        return mcn_fail(e, "out of memory inferring shapes");
    for (int i = 0; i < g->n_tensors; i++)
        old[i] = of(&g->tensors[i]);
    sctx c = {g, old, 0, e};
    int rc = 0;
    for (c.node = 0; c.node < g->n_nodes && rc == 0; c.node++)
        rc = infer_node(&c);
    free(old);
    return rc;
}

int graph_set_resolution(graph *g, int input, int h, int w, mcn_err *e)
{
    if (input < 0 || input >= g->n_inputs)
        return mcn_fail(e, "the graph has no input %d", input);
    graph_tensor *t = &g->tensors[g->inputs[input]];
    if (t->rank != 4)
        return mcn_fail(e, "input '%s' is %d-D: a resolution needs an "
                        "image (4-D) input", t->name ? t->name : "?",
                        t->rank);
    if (h < 1 || w < 1 || h > 65535 || w > 65535 ||
        (int64_t)t->shape[0] * h * w * t->shape[3] > MAX_ELEMS)
        return mcn_fail(e, "resolution %dx%d is out of range", h, w);
    t->shape[1] = h;
    t->shape[2] = w;
    return graph_infer_shapes(g, e);
}
