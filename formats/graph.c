/* graph.c: building, copying and pruning the host graph. */
#include "graph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void graph_init(graph *g)
{
    memset(g, 0, sizeof *g);
}

int graph_find_tensor(const graph *g, const char *name)
{
    for (int t = 0; name && t < g->n_tensors; t++)
        if (g->tensors[t].name && strcmp(g->tensors[t].name, name) == 0)
            return t;
    return -1;
}

static void free_tensor(graph_tensor *t)
{
    free(t->name);
    free(t->scale);
    free(t->zero_point);
    free(t->data);
}

static void free_node(graph_node *n)
{
    free(n->name);
    free(n->rq.multiplier);
    free(n->rq.shift);
}

void graph_free(graph *g)
{
    for (int i = 0; i < g->n_tensors; i++)
        free_tensor(&g->tensors[i]);
    for (int i = 0; i < g->n_nodes; i++)
        free_node(&g->nodes[i]);
    free(g->tensors);
    free(g->nodes);
    free(g->description);
    graph_init(g);
}

static void *dup_bytes(const void *p, size_t n)
{
    if (!p || n == 0)
        return NULL;
    void *q = malloc(n);
    if (q)
        memcpy(q, p, n);
    return q;
}

int graph_set_name(char **slot, const char *name)
{
    char *copy = name ? dup_bytes(name, strlen(name) + 1) : NULL;
    if (name && !copy)
        return -1;
    free(*slot);
    *slot = copy;
    return 0;
}

static int grow(void **arr, int *cap, int need, size_t elem)
{
    if (need <= *cap)
        return 0;
    int n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *p = realloc(*arr, (size_t)n * elem);
    if (!p)
        return -1;
    memset((char *)p + (size_t)*cap * elem, 0, (size_t)(n - *cap) * elem);
    *arr = p;
    *cap = n;
    return 0;
}

int graph_add_tensor(graph *g, const char *name, mcn_dtype dtype, int rank,
                     const int32_t *shape)
{
    if (rank < 0 || rank > MCN_MAX_DIMS)
        return -1;
    if (grow((void **)&g->tensors, &g->cap_tensors, g->n_tensors + 1,
             sizeof *g->tensors))
        return -1;
    graph_tensor *t = &g->tensors[g->n_tensors];
    memset(t, 0, sizeof *t);
    if (graph_set_name(&t->name, name))
        return -1;
    t->dtype = dtype;
    t->rank = rank;
    if (rank)
        memcpy(t->shape, shape, (size_t)rank * sizeof *shape);
    t->arena_offset = -1;
    return g->n_tensors++;
}

int graph_add_node(graph *g, mcn_opcode op, const char *name)
{
    if (grow((void **)&g->nodes, &g->cap_nodes, g->n_nodes + 1,
             sizeof *g->nodes))
        return -1;
    graph_node *n = &g->nodes[g->n_nodes];
    memset(n, 0, sizeof *n);
    if (graph_set_name(&n->name, name))
        return -1;
    n->op = op;
    n->stride_h = n->stride_w = 1;
    n->dilation_h = n->dilation_w = 1;
    n->window_lo = 1;   /* no overlap window until the packer notes one */
    n->groups = n->depth_multiplier = 1;
    n->beta = 1.0f;
    n->scratch_offset = -1;
    return g->n_nodes++;
}

int graph_node_add_input(graph *g, int node, int tensor)
{
    graph_node *n = &g->nodes[node];
    if (n->n_in >= GRAPH_MAX_IO)
        return -1;
    n->in[n->n_in++] = tensor;
    return 0;
}

int graph_node_add_output(graph *g, int node, int tensor)
{
    graph_node *n = &g->nodes[node];
    if (n->n_out >= GRAPH_MAX_IO)
        return -1;
    n->out[n->n_out++] = tensor;
    return 0;
}

int graph_set_data(graph *g, int tensor, const void *data, size_t nbytes)
{
    graph_tensor *t = &g->tensors[tensor];
    void *copy = NULL;
    if (nbytes) {
        copy = malloc(nbytes);
        if (!copy)
            return -1;
        if (data)
            memcpy(copy, data, nbytes);
        else
            memset(copy, 0, nbytes);
    }
    free(t->data);
    t->data = copy;
    t->nbytes = nbytes;
    return 0;
}

int graph_set_quant(graph *g, int tensor, int n, const float *scale,
                    const int32_t *zero_point, int axis)
{
    graph_tensor *t = &g->tensors[tensor];
    float *s = NULL;
    int32_t *z = NULL;
    if (n > 0) {
        s = dup_bytes(scale, (size_t)n * sizeof *s);
        z = zero_point ? dup_bytes(zero_point, (size_t)n * sizeof *z)
                       : calloc((size_t)n, sizeof *z);
        if (!s || !z) {
            free(s);
            free(z);
            return -1;
        }
    }
    free(t->scale);
    free(t->zero_point);
    t->scale = s;
    t->zero_point = z;
    t->nscale = n > 0 ? n : 0;
    t->quant_axis = axis;
    return 0;
}

int graph_set_requant(graph_node *n, int count)
{
    int32_t *m = calloc((size_t)count, sizeof *m);
    int32_t *s = calloc((size_t)count, sizeof *s);
    if (!m || !s) {
        free(m);
        free(s);
        return -1;
    }
    free(n->rq.multiplier);
    free(n->rq.shift);
    memset(&n->rq, 0, sizeof n->rq);
    n->rq.multiplier = m;
    n->rq.shift = s;
    n->rq.n = count;
    n->rq.act_min = -128;
    n->rq.act_max = 127;
    n->has_requant = true;
    return 0;
}

int64_t graph_tensor_elems(const graph_tensor *t)
{
    int64_t n = 1;
    for (int i = 0; i < t->rank; i++)
        n *= t->shape[i];
    return n;
}

size_t graph_tensor_bytes(const graph_tensor *t)
{
    return (size_t)graph_tensor_elems(t) * mcn_dtype_size(t->dtype);
}

int graph_check_limits(const graph *g, mcn_err *e)
{
    if (g->n_nodes > GRAPH_MAX_NODES)
        return mcn_fail(e, "the model has %d operators; at most %d are "
                        "supported", g->n_nodes, GRAPH_MAX_NODES);
    if (g->n_tensors > GRAPH_MAX_TENSORS)
        return mcn_fail(e, "the model has %d tensors; at most %d are "
                        "supported", g->n_tensors, GRAPH_MAX_TENSORS);
    const int64_t most = (int64_t)GRAPH_MAX_ACTIVATION_MIB << 20;
    for (int i = 0; i < g->n_tensors; i++) {
        const graph_tensor *t = &g->tensors[i];
        if (t->data)
            continue;
        /* Dims below 1 are the verifier's to refuse; the product stops
           once it passes the limit, before it can overflow. */
        int64_t bytes = mcn_dtype_size(t->dtype);
        for (int d = 0; d < t->rank && bytes <= most; d++)
            if (t->shape[d] > 0)
                bytes *= t->shape[d];
        if (bytes <= most)
            continue;
        char s[128];
        int k = 0;
        for (int d = 0; d < t->rank && k < (int)sizeof s - 16; d++)
            k += snprintf(s + k, sizeof s - (size_t)k, "%s%d", d ? "," : "",
                          (int)t->shape[d]);
        s[k] = 0;
        return mcn_fail(e, "tensor %d '%s' [%s] %s takes more than the "
                        "%d MiB an activation may", i,
                        t->name ? t->name : "", s,
                        graph_dtype_name(t->dtype), GRAPH_MAX_ACTIVATION_MIB);
    }
    return 0;
}

bool graph_is_const(const graph *g, int tensor)
{
    return tensor >= 0 && g->tensors[tensor].data != NULL;
}

int graph_producer(const graph *g, int tensor)
{
    for (int i = 0; i < g->n_nodes; i++)
        for (int j = 0; j < g->nodes[i].n_out; j++)
            if (g->nodes[i].out[j] == tensor)
                return i;
    return -1;
}

int graph_use_count(const graph *g, int tensor)
{
    int uses = 0;
    for (int i = 0; i < g->n_nodes; i++)
        for (int j = 0; j < g->nodes[i].n_in; j++)
            uses += g->nodes[i].in[j] == tensor;
    for (int i = 0; i < g->n_outputs; i++)
        uses += g->outputs[i] == tensor;
    return uses;
}

int graph_clone(graph *dst, const graph *src, mcn_err *e)
{
    graph_init(dst);
    *dst = *src;
    dst->tensors = calloc((size_t)(src->cap_tensors ? src->cap_tensors : 1),
                          sizeof *dst->tensors);
    dst->nodes = calloc((size_t)(src->cap_nodes ? src->cap_nodes : 1),
                        sizeof *dst->nodes);
    dst->n_tensors = dst->n_nodes = 0;
    dst->description = NULL;
    if (!dst->tensors || !dst->nodes)
        goto oom;
    if (graph_set_name(&dst->description, src->description))
        goto oom;
    for (int i = 0; i < src->n_tensors; i++) {
        const graph_tensor *s = &src->tensors[i];
        graph_tensor *t = &dst->tensors[i];
        *t = *s;
        t->name = NULL;
        t->scale = NULL;
        t->zero_point = NULL;
        t->data = NULL;
        dst->n_tensors = i + 1;
        if (graph_set_name(&t->name, s->name) ||
            graph_set_data(dst, i, s->data, s->data ? s->nbytes : 0) ||
            graph_set_quant(dst, i, s->nscale, s->scale, s->zero_point,
                            s->quant_axis))
            goto oom;
    }
    for (int i = 0; i < src->n_nodes; i++) {
        const graph_node *s = &src->nodes[i];
        graph_node *n = &dst->nodes[i];
        *n = *s;
        n->name = NULL;
        n->rq.multiplier = n->rq.shift = NULL;
        dst->n_nodes = i + 1;
        if (graph_set_name(&n->name, s->name))
            goto oom;
        if (s->rq.n) {
            if (graph_set_requant(n, s->rq.n))
                goto oom;
            int32_t *m = n->rq.multiplier, *sh = n->rq.shift;
            n->rq = s->rq;
            n->rq.multiplier = m;
            n->rq.shift = sh;
            memcpy(m, s->rq.multiplier, (size_t)s->rq.n * sizeof *m);
            memcpy(sh, s->rq.shift, (size_t)s->rq.n * sizeof *sh);
            n->has_requant = s->has_requant;
        }
    }
    return 0;
oom:
    graph_free(dst);
    return mcn_fail(e, "out of memory copying the graph");
}

void graph_prune(graph *g)
{
    /* Mark live nodes backwards from the outputs. */
    bool *live_t = calloc((size_t)g->n_tensors + 1, sizeof *live_t);
    bool *live_n = calloc((size_t)g->n_nodes + 1, sizeof *live_n);
    int *remap = malloc(((size_t)g->n_tensors + 1) * sizeof *remap);
    if (!live_t || !live_n || !remap)
        goto out;  /* pruning is an optimisation; skipping it is safe */
    for (int i = 0; i < g->n_outputs; i++)
        live_t[g->outputs[i]] = true;
    for (int i = 0; i < g->n_inputs; i++)
        live_t[g->inputs[i]] = true;
    for (int i = g->n_nodes - 1; i >= 0; i--) {
        graph_node *n = &g->nodes[i];
        for (int j = 0; j < n->n_out; j++)
            live_n[i] |= live_t[n->out[j]];
        if (!live_n[i])
            continue;
        for (int j = 0; j < n->n_in; j++)
            if (n->in[j] >= 0)
                live_t[n->in[j]] = true;
        for (int j = 0; j < n->n_out; j++)
            live_t[n->out[j]] = true;
    }
    int k = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        if (live_n[i])
            g->nodes[k++] = g->nodes[i];
        else
            free_node(&g->nodes[i]);
    }
    g->n_nodes = k;
    k = 0;
    for (int i = 0; i < g->n_tensors; i++) {
        remap[i] = live_t[i] ? k : -1;
        if (live_t[i])
            g->tensors[k++] = g->tensors[i];
        else
            free_tensor(&g->tensors[i]);
    }
    g->n_tensors = k;
    for (int i = 0; i < g->n_nodes; i++) {
        graph_node *n = &g->nodes[i];
        for (int j = 0; j < n->n_in; j++)
            if (n->in[j] >= 0)
                n->in[j] = remap[n->in[j]];
        for (int j = 0; j < n->n_out; j++)
            n->out[j] = remap[n->out[j]];
    }
    for (int i = 0; i < g->n_inputs; i++)
        g->inputs[i] = remap[g->inputs[i]];
    for (int i = 0; i < g->n_outputs; i++)
        g->outputs[i] = remap[g->outputs[i]];
out:
    free(live_t);
    free(live_n);
    free(remap);
}

int graph_toposort(graph *g, mcn_err *e)
{
    int n = g->n_nodes;
    bool *ready = calloc((size_t)g->n_tensors + 1, sizeof *ready);
    bool *done = calloc((size_t)n + 1, sizeof *done);
    graph_node *order = malloc(((size_t)n + 1) * sizeof *order);
    int rc = 0, k = 0;
    if (!ready || !done || !order) {
        rc = mcn_fail(e, "out of memory sorting the graph");
        goto out;
    }
    for (int t = 0; t < g->n_tensors; t++)
        ready[t] = graph_producer(g, t) < 0;
    while (k < n) {
        int progressed = 0;
        for (int i = 0; i < n; i++) {
            if (done[i])
                continue;
            const graph_node *nd = &g->nodes[i];
            int ok = 1;
            for (int j = 0; j < nd->n_in && ok; j++)
                ok = nd->in[j] < 0 || ready[nd->in[j]];
            if (!ok)
                continue;
            for (int j = 0; j < nd->n_out; j++)
                ready[nd->out[j]] = true;
            order[k++] = *nd;
            done[i] = true;
            progressed = 1;
        }
        if (!progressed) {
            rc = mcn_fail(e, "the graph has a cycle");
            goto out;
        }
    }
    if (n)  /* an empty graph may have no node array at all */
        memcpy(g->nodes, order, (size_t)n * sizeof *order);
out:
    free(ready);
    free(done);
    free(order);
    return rc;
}

const char *graph_op_name(mcn_opcode op)
{
    static const char *const names[MCN_OP_COUNT] = {
        "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD",
        "MAX_POOL_2D", "AVERAGE_POOL_2D", "GLOBAL_AVERAGE_POOL", "SOFTMAX",
        "RESHAPE", "CLIP", "QUANTIZE", "DEQUANTIZE", "MUL", "SUB", "DIV",
        "CONCATENATION", "PAD", "MEAN", "LOGISTIC", "HARD_SWISH", "TANH",
        "LEAKY_RELU", "PRELU", "ELU", "HARD_SIGMOID", "TRANSPOSE", "RESIZE",
        "TRANSPOSE_CONV", "GLOBAL_MAX_POOL", "LOG_SOFTMAX", "SLICE",
    };
    return (unsigned)op < MCN_OP_COUNT ? names[op] : "?";
}

const char *graph_dtype_name(mcn_dtype dt)
{
    static const char *const names[MCN_DT_COUNT] = {
        "float32", "int8", "int32", "uint8", "int16", "int64",
    };
    return (unsigned)dt < MCN_DT_COUNT ? names[dt] : "?";
}
