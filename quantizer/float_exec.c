/* float_exec.c: the executor. fexec_create checks the whole graph once
   (every tensor a node touches, every op's shapes) and binds each node to
   its buffers, so fexec_run is a copy of the inputs and a loop of kernels.
   The graph comes from a file, so nothing in it is trusted. */
#include "float_exec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fexec_ops.h"

struct float_exec {
    const graph *g;
    float **buf;        /* per tensor; owned unless the tensor is constant */
    fexec_call *calls;  /* per node, bound to buf */
    fexec_observer observe;
    void *observe_user;
};

const fexec_op *fexec_op_for(mcn_opcode op)
{
    switch (op) {
    case MCN_OP_CONV_2D: return &fexec_op_conv;
    case MCN_OP_DEPTHWISE_CONV_2D: return &fexec_op_depthwise;
    case MCN_OP_FULLY_CONNECTED: return &fexec_op_fc;
    case MCN_OP_ADD: return &fexec_op_add;
    case MCN_OP_MAX_POOL_2D: return &fexec_op_max_pool;
    case MCN_OP_AVERAGE_POOL_2D: return &fexec_op_avg_pool;
    case MCN_OP_GLOBAL_AVERAGE_POOL: return &fexec_op_gap;
    case MCN_OP_SOFTMAX: return &fexec_op_softmax;
    case MCN_OP_RESHAPE: return &fexec_op_reshape;
    case MCN_OP_CLIP: return &fexec_op_clip;
    case MCN_OP_MUL: return &fexec_op_mul;
    case MCN_OP_SUB: return &fexec_op_sub;
    case MCN_OP_DIV: return &fexec_op_div;
    case MCN_OP_CONCATENATION: return &fexec_op_concat;
    case MCN_OP_PAD: return &fexec_op_pad;
    case MCN_OP_MEAN: return &fexec_op_mean;
    case MCN_OP_LOGISTIC: return &fexec_op_logistic;
    case MCN_OP_HARD_SWISH: return &fexec_op_hard_swish;
    case MCN_OP_TANH: return &fexec_op_tanh;
    case MCN_OP_LEAKY_RELU: return &fexec_op_leaky_relu;
    case MCN_OP_PRELU: return &fexec_op_prelu;
    case MCN_OP_ELU: return &fexec_op_elu;
    case MCN_OP_HARD_SIGMOID: return &fexec_op_hard_sigmoid;
    case MCN_OP_TRANSPOSE: return &fexec_op_transpose;
    case MCN_OP_SLICE: return &fexec_op_slice;
    case MCN_OP_RESIZE: return &fexec_op_resize;
    case MCN_OP_TRANSPOSE_CONV: return &fexec_op_transpose_conv;
    case MCN_OP_GLOBAL_MAX_POOL: return &fexec_op_global_max_pool;
    case MCN_OP_LOG_SOFTMAX: return &fexec_op_log_softmax;
    default: return NULL;
    }
}

int fexec_fail(const fexec_call *c, mcn_err *e, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->n->name)
        return mcn_fail(e, "node '%s' (%s): %s", c->n->name,
                        graph_op_name(c->n->op), msg);
    return mcn_fail(e, "node %d (%s): %s", c->index, graph_op_name(c->n->op),
                    msg);
}

int fexec_need_inputs(const fexec_call *c, int lo, int hi, mcn_err *e)
{
    if (c->n->n_in < lo || c->n->n_in > hi)
        return fexec_fail(c, e, "takes %d to %d inputs, has %d", lo, hi,
                          c->n->n_in);
    for (int i = 0; i < lo; i++)
        if (!c->in[i])
            return fexec_fail(c, e, "input %d is missing", i);
    return 0;
}

int fexec_need_rank(const fexec_call *c, const graph_tensor *t, int rank,
                    const char *what, mcn_err *e)
{
    if (t->rank != rank)
        return fexec_fail(c, e, "%s must be %d-D, is %d-D", what, rank,
                          t->rank);
    return 0;
}

void fexec_shape_str(char *buf, size_t n, int rank, const int32_t *s)
{
    size_t k = (size_t)snprintf(buf, n, "[");
    for (int i = 0; i < rank && k < n; i++)
        k += (size_t)snprintf(buf + k, n - k, "%s%d", i ? "," : "", s[i]);
    if (k < n)
        snprintf(buf + k, n - k, "]");
}

int fexec_need_out_shape(const fexec_call *c, int rank, const int32_t *shape,
                         mcn_err *e)
{
    const graph_tensor *t = c->out;
    if (t->rank == rank &&
        !memcmp(t->shape, shape, (size_t)rank * sizeof *shape))
        return 0;
    char want[96], got[96];
    fexec_shape_str(want, sizeof want, rank, shape);
    fexec_shape_str(got, sizeof got, t->rank, t->shape);
    return fexec_fail(c, e, "output shape %s, expected %s", got, want);
}

int fexec_axis(int axis, int rank)
{
    if (axis < -rank || axis >= rank)
        return -1;
    return axis < 0 ? axis + rank : axis;
}

void fexec_strides(const graph_tensor *t, int64_t *stride)
{
    int64_t s = 1;
    for (int d = t->rank - 1; d >= 0; d--) {
        stride[d] = s;
        s *= t->shape[d];
    }
}

static void tensor_label(const graph *g, int t, char *buf, size_t n)
{
    if (g->tensors[t].name)
        snprintf(buf, n, "'%s'", g->tensors[t].name);
    else
        snprintf(buf, n, "#%d", t);
}

/* Dtype, dimensions and (for constants) data size of a tensor that a
   kernel will read or write. `c` is NULL for graph inputs. */
static int check_tensor(const graph *g, const fexec_call *c, int t,
                        mcn_err *e)
{
    char who[160], label[96];
    tensor_label(g, t, label, sizeof label);
    if (c)
        snprintf(who, sizeof who, "tensor %s", label);
    else
        snprintf(who, sizeof who, "graph input %s", label);
    const graph_tensor *tt = &g->tensors[t];
    const char *err = NULL;
    char msg[400];
    if (tt->dtype != MCN_DT_FLOAT32) {
        snprintf(msg, sizeof msg, "%s is %s; float execution needs float32",
                 who, graph_dtype_name(tt->dtype));
        err = msg;
    } else if (tt->rank < 0 || tt->rank > MCN_MAX_DIMS) {
        snprintf(msg, sizeof msg, "%s has rank %d", who, tt->rank);
        err = msg;
    }
    int64_t elems = 1;
    for (int i = 0; !err && i < tt->rank; i++) {
        if (tt->shape[i] < 1) {
            snprintf(msg, sizeof msg, "%s has dimension %d", who,
                     tt->shape[i]);
            err = msg;
        } else if ((elems *= tt->shape[i]) > FEXEC_MAX_ELEMS) {
            snprintf(msg, sizeof msg, "%s is too large", who);
            err = msg;
        }
    }
    if (!err && tt->data && tt->nbytes != (size_t)elems * sizeof(float)) {
        snprintf(msg, sizeof msg, "%s holds %zu bytes, its shape needs %lld",
                 who, tt->nbytes, (long long)elems * 4);
        err = msg;
    }
    if (!err)
        return 0;
    return c ? fexec_fail(c, e, "%s", err) : mcn_fail(e, "%s", err);
}

static float *alloc_buffer(const graph_tensor *t)
{
    return calloc((size_t)graph_tensor_elems(t), sizeof(float));
}

/* Inputs must exist before the node runs; the output must be new. */
static int bind_node(float_exec *fx, int i, mcn_err *e)
{
    const graph *g = fx->g;
    const graph_node *n = &g->nodes[i];
    fexec_call *c = &fx->calls[i];
    c->n = n;
    c->index = i;
    const fexec_op *op = fexec_op_for(n->op);
    if (!op)
        return fexec_fail(c, e, "no float kernel for this op");
    if (n->n_in < 0 || n->n_in > GRAPH_MAX_IO || n->n_out != 1)
        return fexec_fail(c, e, "has %d inputs and %d outputs", n->n_in,
                          n->n_out);
    if ((unsigned)n->act > MCN_ACT_CLIP)
        return fexec_fail(c, e, "unknown fused activation %d", (int)n->act);
    if (n->act == MCN_ACT_CLIP && !(n->act_min <= n->act_max))
        return fexec_fail(c, e, "activation bounds [%g, %g] are empty",
                          (double)n->act_min, (double)n->act_max);
    char label[96];
    for (int j = 0; j < n->n_in && j < op->reads; j++) {
        int t = n->in[j];
        if (t == -1)
            continue;
        if (t < 0 || t >= g->n_tensors)
            return fexec_fail(c, e, "input %d is tensor %d of %d", j, t,
                              g->n_tensors);
        if (check_tensor(g, c, t, e))
            return -1;
        tensor_label(g, t, label, sizeof label);
        if (!fx->buf[t])
            return fexec_fail(c, e, "reads tensor %s before anything "
                              "writes it", label);
        c->in[j] = &g->tensors[t];
        c->x[j] = fx->buf[t];
    }
    int t = n->out[0];
    if (t < 0 || t >= g->n_tensors)
        return fexec_fail(c, e, "output is tensor %d of %d", t, g->n_tensors);
    if (check_tensor(g, c, t, e))
        return -1;
    tensor_label(g, t, label, sizeof label);
    if (fx->buf[t])
        return fexec_fail(c, e, "writes tensor %s, which is a constant, a "
                          "graph input or already written", label);
    c->out = &g->tensors[t];
    if (op->check(c, e))
        return -1;
    if (!(fx->buf[t] = alloc_buffer(c->out)))
        return fexec_fail(c, e, "out of memory");
    c->y = fx->buf[t];
    if (op->scratch &&
        !(c->tmp = calloc((size_t)op->scratch(c), sizeof(float))))
        return fexec_fail(c, e, "out of memory");
    return 0;
}

static int bind_graph(float_exec *fx, mcn_err *e)
{
    const graph *g = fx->g;
    char label[96];
    for (int t = 0; t < g->n_tensors; t++)
        if (g->tensors[t].data && g->tensors[t].dtype == MCN_DT_FLOAT32)
            fx->buf[t] = g->tensors[t].data;
    if (g->n_inputs < 0 || g->n_inputs > GRAPH_MAX_IO ||
        g->n_outputs < 0 || g->n_outputs > GRAPH_MAX_IO)
        return mcn_fail(e, "the graph has %d inputs and %d outputs",
                        g->n_inputs, g->n_outputs);
    for (int i = 0; i < g->n_inputs; i++) {
        int t = g->inputs[i];
        if (t < 0 || t >= g->n_tensors)
            return mcn_fail(e, "graph input %d is tensor %d of %d", i, t,
                            g->n_tensors);
        if (check_tensor(g, NULL, t, e))
            return -1;
        tensor_label(g, t, label, sizeof label);
        if (fx->buf[t])
            return mcn_fail(e, "graph input %s is a constant or listed "
                            "twice", label);
        if (!(fx->buf[t] = alloc_buffer(&g->tensors[t])))
            return mcn_fail(e, "out of memory");
    }
    for (int i = 0; i < g->n_nodes; i++)
        if (bind_node(fx, i, e))
            return -1;
    for (int i = 0; i < g->n_outputs; i++) {
        int t = g->outputs[i];
        if (t < 0 || t >= g->n_tensors)
            return mcn_fail(e, "graph output %d is tensor %d of %d", i, t,
                            g->n_tensors);
        tensor_label(g, t, label, sizeof label);
        if (!fx->buf[t])
            return mcn_fail(e, "graph output %s is never written", label);
    }
    return 0;
}

int fexec_create(float_exec **out, const graph *g, mcn_err *e)
{
    *out = NULL;
    float_exec *fx = calloc(1, sizeof *fx);
    if (!fx)
        return mcn_fail(e, "out of memory");
    fx->g = g;
    fx->buf = calloc((size_t)g->n_tensors + 1, sizeof *fx->buf);
    fx->calls = calloc((size_t)g->n_nodes + 1, sizeof *fx->calls);
    if (!fx->buf || !fx->calls) {
        fexec_free(fx);
        return mcn_fail(e, "out of memory");
    }
    if (bind_graph(fx, e)) {
        fexec_free(fx);
        return -1;
    }
    *out = fx;
    return 0;
}

int fexec_run(float_exec *fx, const float *const *inputs, mcn_err *e)
{
    const graph *g = fx->g;
    for (int i = 0; i < g->n_inputs; i++) {
        if (!inputs || !inputs[i])
            return mcn_fail(e, "graph input %d was not given", i);
        int t = g->inputs[i];
        memcpy(fx->buf[t], inputs[i],
               (size_t)graph_tensor_elems(&g->tensors[t]) * sizeof(float));
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const fexec_call *c = &fx->calls[i];
        fexec_op_for(c->n->op)->run(c);
        if (fx->observe)
            fx->observe(fx->observe_user, i, c->y, graph_tensor_elems(c->out));
        fexec_activate(c->n->act, c->n->act_min, c->n->act_max, c->y,
                       graph_tensor_elems(c->out));
    }
    return 0;
}

void fexec_observe(float_exec *fx, fexec_observer fn, void *user)
{
    fx->observe = fn;
    fx->observe_user = user;
}

const float *fexec_tensor(const float_exec *fx, int tensor)
{
    if (tensor < 0 || tensor >= fx->g->n_tensors ||
        fx->g->tensors[tensor].dtype != MCN_DT_FLOAT32)
        return NULL;
    return fx->buf[tensor];
}

void fexec_free(float_exec *fx)
{
    if (!fx)
        return;
    if (fx->buf)
        for (int t = 0; t < fx->g->n_tensors; t++)
            if (fx->buf[t] && fx->buf[t] != fx->g->tensors[t].data)
                free(fx->buf[t]);
    for (int i = 0; fx->calls && i < fx->g->n_nodes; i++)
        free(fx->calls[i].tmp);
    free(fx->buf);
    free(fx->calls);
    free(fx);
}
