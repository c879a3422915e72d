/*
** onnx_export.c: a host graph written as an ONNX ModelProto
** (onnx_export.h): value names, initializers (a quantized constant's
** through its DequantizeLinear), the NHWC to NCHW bookkeeping, the model's
** inputs and outputs in their source layout, and the packing. The ops
** themselves are in onnx_export_ops.c, an int8 graph's Q/DQ in
** onnx_export_qdq.c.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_export.h"
#include "onnx_export_internal.h"

#define OPSET 13
#define IR_VERSION 8

static const int to_nchw[4] = {0, 3, 1, 2}, to_nhwc[4] = {0, 2, 3, 1};

int ox_fail(ox_ctx *c, const char *fmt, ...)
{
    char msg[400], where[100] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->node >= 0) {
        const graph_node *n = &c->g->nodes[c->node];
        snprintf(where, sizeof where, "node %d%s%.40s%s (%s): ", c->node,
                 n->name ? " '" : "", n->name ? n->name : "",
                 n->name ? "'" : "", graph_op_name(n->op));
    }
    return mcn_fail(c->e, "%s%s", where, msg);
}

void *ox_alloc(ox_ctx *c, size_t n)
{
    if (c->n_own == c->cap_own) {
        size_t cap = c->cap_own ? 2 * c->cap_own : 256;
        void **p = realloc(c->own, cap * sizeof *p);
        if (!p) {
            ox_fail(c, "out of memory");
            return NULL;
        }
        c->own = p;
        c->cap_own = cap;
    }
    void *p = calloc(1, n ? n : 1);
    if (!p) {
        ox_fail(c, "out of memory");
        return NULL;
    }
    c->own[c->n_own++] = p;
    return p;
}

char *ox_str(ox_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n < 0 ? NULL : ox_alloc(c, (size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* The counter keeps temporaries unique whatever the graph's names are. */
char *ox_temp(ox_ctx *c, int t, const char *role)
{
    return ox_str(c, "%s/%s_%d", c->name[t], role, c->n_temps++);
}

/* Append p to a growing array of pointers (owned by the context). */
static int push(ox_ctx *c, void ***arr, size_t *n, size_t *cap, void *p)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        void **q = ox_alloc(c, nc * sizeof *q);
        if (!q)
            return -1;
        if (*n)
            memcpy(q, *arr, *n * sizeof *q);
        *arr = q;
        *cap = nc;
    }
    (*arr)[(*n)++] = p;
    return 0;
}

#define ATTRS_MAX 8

Onnx__NodeProto *ox_node(ox_ctx *c, const char *op, const char *const *in,
                         int n_in, const char *out)
{
    static const Onnx__NodeProto init = ONNX__NODE_PROTO__INIT;
    Onnx__NodeProto *n = ox_alloc(c, sizeof *n);
    char **ins = ox_alloc(c, (size_t)(n_in ? n_in : 1) * sizeof *ins);
    char **outs = ox_alloc(c, sizeof *outs);
    Onnx__AttributeProto **at = ox_alloc(c, ATTRS_MAX * sizeof *at);
    if (!n || !ins || !outs || !at)
        return NULL;
    *n = init;
    for (int i = 0; i < n_in; i++)
        ins[i] = (char *)(in[i] ? in[i] : "");
    outs[0] = (char *)out;
    n->n_input = (size_t)n_in;
    n->input = ins;
    n->n_output = 1;
    n->output = outs;
    n->op_type = (char *)op;
    n->attribute = at;
    const graph_node *gn = c->node >= 0 ? &c->g->nodes[c->node] : NULL;
    if (gn && gn->name)
        n->name = ox_str(c, "%s/%d", gn->name, (int)c->n_nodes);
    else
        n->name = ox_str(c, "n%d", (int)c->n_nodes);
    if (!n->name ||
        push(c, (void ***)&c->nodes, &c->n_nodes, &c->cap_nodes, n))
        return NULL;
    return n;
}

static Onnx__AttributeProto *attr(ox_ctx *c, Onnx__NodeProto *n,
                                  const char *name,
                                  Onnx__AttributeProto__AttributeType type)
{
    static const Onnx__AttributeProto init = ONNX__ATTRIBUTE_PROTO__INIT;
    if (n->n_attribute == ATTRS_MAX) {
        ox_fail(c, "too many attributes");
        return NULL;
    }
    Onnx__AttributeProto *a = ox_alloc(c, sizeof *a);
    if (!a)
        return NULL;
    *a = init;
    a->name = (char *)name;
    a->has_type = 1;
    a->type = type;
    n->attribute[n->n_attribute++] = a;
    return a;
}

#define AT(x) ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__##x

int ox_attr_int(ox_ctx *c, Onnx__NodeProto *n, const char *name, int64_t v)
{
    Onnx__AttributeProto *a = attr(c, n, name, AT(INT));
    if (!a)
        return -1;
    a->has_i = 1;
    a->i = v;
    return 0;
}

int ox_attr_ints(ox_ctx *c, Onnx__NodeProto *n, const char *name,
                 const int64_t *v, int count)
{
    Onnx__AttributeProto *a = attr(c, n, name, AT(INTS));
    int64_t *p = a ? ox_alloc(c, (size_t)count * sizeof *p) : NULL;
    if (!p)
        return -1;
    memcpy(p, v, (size_t)count * sizeof *p);
    a->n_ints = (size_t)count;
    a->ints = p;
    return 0;
}

int ox_attr_float(ox_ctx *c, Onnx__NodeProto *n, const char *name, float v)
{
    Onnx__AttributeProto *a = attr(c, n, name, AT(FLOAT));
    if (!a)
        return -1;
    a->has_f = 1;
    a->f = v;
    return 0;
}

int ox_attr_string(ox_ctx *c, Onnx__NodeProto *n, const char *name,
                   const char *v)
{
    Onnx__AttributeProto *a = attr(c, n, name, AT(STRING));
    if (!a)
        return -1;
    a->has_s = 1;
    a->s.data = (uint8_t *)v;
    a->s.len = strlen(v);
    return 0;
}

/* raw_data is little-endian whatever the host. */
static void put_le(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

#define DT(x) ONNX__TENSOR_PROTO__DATA_TYPE__##x

const char *ox_init_typed(ox_ctx *c, const char *name, int dtype, int rank,
                          const int64_t *dims, const void *data)
{
    static const Onnx__TensorProto init = ONNX__TENSOR_PROTO__INIT;
    int elem = dtype == DT(INT8) ? 1 : dtype == DT(INT64) ? 8 : 4;
    int64_t count = 1;
    for (int i = 0; i < rank; i++)
        count *= dims[i];
    Onnx__TensorProto *t = ox_alloc(c, sizeof *t);
    int64_t *d = ox_alloc(c, (size_t)(rank ? rank : 1) * sizeof *d);
    uint8_t *raw = ox_alloc(c, (size_t)count * (size_t)elem);
    if (!t || !d || !raw)
        return NULL;
    *t = init;
    if (rank)
        memcpy(d, dims, (size_t)rank * sizeof *d);
    for (int64_t i = 0; i < count; i++) {
        uint64_t v;
        uint32_t u;
        switch (dtype) {
        case DT(FLOAT):
            memcpy(&u, (const float *)data + i, 4);
            v = u;
            break;
        case DT(INT8):
            v = (uint64_t)(int64_t)((const int8_t *)data)[i];
            break;
        case DT(INT32):
            v = (uint64_t)(int64_t)((const int32_t *)data)[i];
            break;
        default:
            v = (uint64_t)((const int64_t *)data)[i];
            break;
        }
        put_le(raw + i * elem, v, elem);
    }
    t->name = (char *)name;
    t->n_dims = (size_t)rank;
    t->dims = d;
    t->has_data_type = 1;
    t->data_type = dtype;
    t->has_raw_data = 1;
    t->raw_data.data = raw;
    t->raw_data.len = (size_t)count * (size_t)elem;
    if (push(c, (void ***)&c->inits, &c->n_inits, &c->cap_inits, t))
        return NULL;
    return name;
}

const char *ox_init_float(ox_ctx *c, const char *name, int rank,
                          const int64_t *dims, const float *data)
{
    return ox_init_typed(c, name, DT(FLOAT), rank, dims, data);
}

const char *ox_init_ints(ox_ctx *c, const char *name, int count,
                         const int64_t *v)
{
    int64_t d = count;
    return ox_init_typed(c, name, DT(INT64), 1, &d, v);
}

const char *ox_scalar(ox_ctx *c, int t, const char *role, float v)
{
    char *name = ox_temp(c, t, role);
    return name ? ox_init_float(c, name, 0, NULL, &v) : NULL;
}

void ox_permute4(const void *src, size_t elem, const int64_t s[4],
                 const int perm[4], void *dst)
{
    int64_t st[4] = {s[1] * s[2] * s[3], s[2] * s[3], s[3], 1}, d[4], i[4];
    for (int j = 0; j < 4; j++)
        d[j] = s[perm[j]];
    const uint8_t *from = src;
    uint8_t *to = dst;
    for (i[0] = 0; i[0] < d[0]; i[0]++)
        for (i[1] = 0; i[1] < d[1]; i[1]++)
            for (i[2] = 0; i[2] < d[2]; i[2]++)
                for (i[3] = 0; i[3] < d[3]; i[3]++) {
                    int64_t off = 0;
                    for (int j = 0; j < 4; j++)
                        off += i[j] * st[perm[j]];
                    memcpy(to, from + (size_t)off * elem, elem);
                    to += elem;
                }
}

void ox_dims(const graph_tensor *t, int64_t *d)
{
    for (int i = 0; i < t->rank; i++)
        d[i] = t->shape[t->rank == 4 ? to_nchw[i] : i];
}

int ox_onnx_axis(int rank, int s)
{
    return rank == 4 ? to_nhwc[s] : s;
}

int ox_stored_axis(int rank, int a)
{
    return rank == 4 ? to_nchw[a] : a;
}

/* NCHW and NHWC hold the same element order when C or H*W is 1. */
bool ox_same_order(const graph_tensor *t)
{
    return t->rank != 4 || t->shape[3] == 1 ||
           (int64_t)t->shape[1] * t->shape[2] == 1;
}

/* Tensor t's data permuted into an initializer called `name`; the value
   to read, which for a quantized constant is its DequantizeLinear's. */
static const char *const_value(ox_ctx *c, int t, const char *name,
                               const int64_t s[4], const int perm[4],
                               int rank)
{
    const graph_tensor *gt = &c->g->tensors[t];
    size_t elem = mcn_dtype_size(gt->dtype);
    int64_t d[4];
    for (int j = 0; j < 4; j++)
        d[j] = s[perm[j]];
    void *p = ox_alloc(c, (size_t)graph_tensor_elems(gt) * elem);
    if (!p)
        return NULL;
    ox_permute4(gt->data, elem, s, perm, p);
    const char *v = ox_init_typed(c, name, ox_onnx_dtype(gt->dtype), rank,
                                  d + 4 - rank, p);
    if (!v || !gt->nscale)
        return v;
    /* The scales' axis where the permutation puts it (a rank-1 tensor's
       is its only one, whatever a TFLite bias's quantized_dimension
       said). */
    int q = (gt->rank == 1 ? 0 : gt->quant_axis) + 4 - gt->rank, axis = -1;
    for (int j = 4 - rank; j < 4; j++)
        if (perm[j] == q)
            axis = j - (4 - rank);
    if (gt->nscale > 1 && axis < 0) {
        ox_fail(c, "constant '%s' has its scales along axis %d of %d",
                c->name[t], gt->quant_axis, gt->rank);
        return NULL;
    }
    char *dq = ox_temp(c, t, "dq");
    return dq ? ox_dq(c, t, v, axis, dq) : NULL;
}

/* The stored shape with ones in front. */
static void shape4(const graph_tensor *gt, int64_t s[4])
{
    for (int i = 0; i < 4; i++)
        s[i] = i < 4 - gt->rank ? 1 : gt->shape[i - (4 - gt->rank)];
}

const char *ox_const(ox_ctx *c, int t, const int64_t s[4], const int perm[4],
                     int rank)
{
    if (!c->made[t]) {
        const char *v = const_value(c, t, c->name[t], s, perm, rank);
        if (!v)
            return NULL;
        c->made[t] = true;
        c->name[t] = (char *)v;
    }
    return c->name[t];
}

/* A constant in ONNX order. */
static const char *const_in(ox_ctx *c, int t)
{
    static const int same[4] = {0, 1, 2, 3};
    const graph_tensor *gt = &c->g->tensors[t];
    int64_t s[4];
    shape4(gt, s);
    return ox_const(c, t, s, gt->rank == 4 ? to_nchw : same, gt->rank);
}

const char *ox_in(ox_ctx *c, int t)
{
    if (t < 0)
        return NULL;
    return c->g->tensors[t].data ? const_in(c, t) : c->name[t];
}

static const char *transpose(ox_ctx *c, const char *in, const int perm[4],
                             const char *out)
{
    const char *ins[1] = {in};
    int64_t p[4] = {perm[0], perm[1], perm[2], perm[3]};
    Onnx__NodeProto *n = ox_node(c, "Transpose", ins, 1, out);
    return n && !ox_attr_ints(c, n, "perm", p, 4) ? out : NULL;
}

const char *ox_stored(ox_ctx *c, int t)
{
    const char *x = ox_in(c, t);
    if (!x || c->g->tensors[t].rank != 4)
        return x;
    if (!c->nhwc[t]) {
        char *s = ox_temp(c, t, "nhwc");
        if (!s || !transpose(c, x, to_nhwc, s))
            return NULL;
        c->nhwc[t] = s;
    }
    return c->nhwc[t];
}

const char *ox_flat(ox_ctx *c, int t)
{
    return ox_same_order(&c->g->tensors[t]) ? ox_in(c, t) : ox_stored(c, t);
}

const char *ox_reshape(ox_ctx *c, int t, const char *in, int rank,
                       const int64_t *dims, const char *out)
{
    char *sn = ox_temp(c, t, "shape");
    const char *shape = sn ? ox_init_ints(c, sn, rank, dims) : NULL;
    const char *ins[2] = {in, shape};
    return shape && ox_node(c, "Reshape", ins, 2, out) ? out : NULL;
}

const char *ox_wide(ox_ctx *c, int t)
{
    const graph_tensor *gt = &c->g->tensors[t];
    if (gt->rank == 4)
        return ox_in(c, t);
    if (c->wide[t])
        return c->wide[t];
    int64_t s[4], d[4];
    shape4(gt, s);
    for (int i = 0; i < 4; i++)
        d[i] = s[to_nchw[i]];
    char *name = ox_temp(c, t, "nchw");
    if (!name)
        return NULL;
    if (gt->data) {
        if (!(name = (char *)const_value(c, t, name, s, to_nchw, 4)))
            return NULL;
    } else {
        /* Ones in front keep the element order, so a reshape does it. */
        if (!ox_reshape(c, t, ox_in(c, t), 4, d, name))
            return NULL;
    }
    c->wide[t] = name;
    return name;
}

const char *ox_stored_out(ox_ctx *c, int t)
{
    return c->g->tensors[t].rank == 4 ? ox_temp(c, t, "nhwc")
                                      : c->name[t];
}

int ox_stored_done(ox_ctx *c, int t, const char *s)
{
    if (c->g->tensors[t].rank != 4)
        return 0;
    c->nhwc[t] = (char *)s;
    return transpose(c, s, to_nchw, c->name[t]) ? 0 : -1;
}

const char *ox_act_target(ox_ctx *c, const graph_node *n, const char *out)
{
    return n->act == MCN_ACT_NONE || !out ? out
                                          : ox_temp(c, n->out[0], "pre_act");
}

int ox_act_emit(ox_ctx *c, const graph_node *n, const char *y,
                const char *out)
{
    int t = n->out[0];
    if (n->act == MCN_ACT_NONE)
        return 0;
    if (!y)
        return -1;
    if (n->act == MCN_ACT_RELU) {
        const char *ins[1] = {y};
        return ox_node(c, "Relu", ins, 1, out) ? 0 : -1;
    }
    float lo = n->act == MCN_ACT_RELU6 ? 0.0f : n->act_min;
    float hi = n->act == MCN_ACT_RELU6 ? 6.0f : n->act_max;
    const char *ins[3] = {y, ox_scalar(c, t, "min", lo),
                          ox_scalar(c, t, "max", hi)};
    return ins[1] && ins[2] && ox_node(c, "Clip", ins, 3, out) ? 0 : -1;
}

/* ---- the model ---- */

/* A tensor's own name when it has a unique one, else "tN". */
static int make_names(ox_ctx *c)
{
    const graph *g = c->g;
    for (int t = 0; t < g->n_tensors; t++) {
        const char *s = g->tensors[t].name;
        bool ok = s && *s;
        for (int u = 0; ok && u < t; u++)
            ok = !g->tensors[u].name || strcmp(g->tensors[u].name, s);
        c->name[t] = ok ? ox_str(c, "%s", s) : ox_str(c, "t%d", t);
        if (!c->name[t])
            return -1;
    }
    return 0;
}

static Onnx__ValueInfoProto *value_info(ox_ctx *c, const char *name, int t)
{
    static const Onnx__ValueInfoProto vi0 = ONNX__VALUE_INFO_PROTO__INIT;
    static const Onnx__TypeProto tp0 = ONNX__TYPE_PROTO__INIT;
    static const Onnx__TypeProto__Tensor tt0 = ONNX__TYPE_PROTO__TENSOR__INIT;
    static const Onnx__TensorShapeProto sh0 = ONNX__TENSOR_SHAPE_PROTO__INIT;
    static const Onnx__TensorShapeProto__Dimension dim0 =
        ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT;
    const graph_tensor *gt = &c->g->tensors[t];
    Onnx__ValueInfoProto *vi = ox_alloc(c, sizeof *vi);
    Onnx__TypeProto *tp = ox_alloc(c, sizeof *tp);
    Onnx__TypeProto__Tensor *tt = ox_alloc(c, sizeof *tt);
    Onnx__TensorShapeProto *sh = ox_alloc(c, sizeof *sh);
    Onnx__TensorShapeProto__Dimension **dims =
        ox_alloc(c, (size_t)(gt->rank ? gt->rank : 1) * sizeof *dims);
    if (!vi || !tp || !tt || !sh || !dims)
        return NULL;
    /* In the source layout: NCHW for ONNX's, NHWC for TFLite's. */
    int64_t d[MCN_MAX_DIMS];
    ox_dims(gt, d);
    bool nhwc = gt->rank == 4 && gt->layout == MCN_LAYOUT_NHWC;
    for (int i = 0; i < gt->rank; i++) {
        dims[i] = ox_alloc(c, sizeof **dims);
        if (!dims[i])
            return NULL;
        *dims[i] = dim0;
        dims[i]->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        dims[i]->dim_value = nhwc ? gt->shape[i] : d[i];
    }
    *sh = sh0;
    sh->n_dim = (size_t)gt->rank;
    sh->dim = dims;
    *tt = tt0;
    tt->has_elem_type = 1;
    tt->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    tt->shape = sh;
    *tp = tp0;
    tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    tp->tensor_type = tt;
    *vi = vi0;
    vi->name = (char *)name;
    vi->type = tp;
    return vi;
}

static bool is_input(const graph *g, int t)
{
    for (int i = 0; i < g->n_inputs; i++)
        if (g->inputs[i] == t)
            return true;
    return false;
}

static bool nhwc_edge(const graph_tensor *t)
{
    return t->rank == 4 && t->layout == MCN_LAYOUT_NHWC;
}

/* The graph's inputs and outputs under their own names, float: a 4-D
   one with an NHWC source transposed to and from the NCHW value inside,
   an int8 one quantized after the input and dequantized before the
   output. */
static int edges(ox_ctx *c, Onnx__GraphProto *gp, char **out_names)
{
    const graph *g = c->g;
    gp->n_input = (size_t)g->n_inputs;
    gp->n_output = (size_t)g->n_outputs;
    gp->input = ox_alloc(c, GRAPH_MAX_IO * sizeof *gp->input);
    gp->output = ox_alloc(c, GRAPH_MAX_IO * sizeof *gp->output);
    if (!gp->input || !gp->output)
        return -1;
    for (int i = 0; i < g->n_inputs; i++) {
        int t = g->inputs[i];
        char *pub = c->name[t], *x = pub;
        if (!(gp->input[i] = value_info(c, pub, t)))
            return -1;
        if (nhwc_edge(&g->tensors[t])) {
            x = ox_temp(c, t, "nchw");
            if (!x || !transpose(c, pub, to_nchw, x))
                return -1;
            c->nhwc[t] = pub;
        }
        /* QuantizeLinear last, so that its DequantizeLinear follows it. */
        if (ox_q8(g, t)) {
            char *q = ox_temp(c, t, "quantized");
            if (!ox_q(c, t, x, q))
                return -1;
            x = q;
            c->nhwc[t] = NULL;
        }
        c->name[t] = x;
    }
    for (int i = 0; i < g->n_outputs; i++) {
        int t = g->outputs[i];
        if (g->tensors[t].data || is_input(g, t))
            return mcn_fail(c->e, "output '%s' is a constant or an input; "
                            "mcn-export writes outputs that ops compute",
                            c->name[t]);
        out_names[i] = c->name[t];
        if (!(gp->output[i] = value_info(c, c->name[t], t)))
            return -1;
        bool q8 = ox_q8(g, t);
        if ((q8 || nhwc_edge(&g->tensors[t])) &&
            !(c->name[t] = ox_temp(c, t, q8 ? "quantized" : "nchw")))
            return -1;
    }
    return 0;
}

/* After the nodes: the outputs from the values the nodes wrote. */
static int output_edges(ox_ctx *c, char **out_names)
{
    for (int i = 0; i < c->g->n_outputs; i++) {
        int t = c->g->outputs[i];
        bool nhwc = nhwc_edge(&c->g->tensors[t]);
        const char *x = c->name[t];
        if (x == out_names[i])
            continue;
        if (ox_q8(c->g, t) &&
            !(x = ox_dq(c, t, x, -1,
                        nhwc ? ox_temp(c, t, "float") : out_names[i])))
            return -1;
        if (nhwc && !transpose(c, x, to_nhwc, out_names[i]))
            return -1;
    }
    return 0;
}

static int build(ox_ctx *c, Onnx__ModelProto *m)
{
    static const Onnx__GraphProto gp0 = ONNX__GRAPH_PROTO__INIT;
    static const Onnx__OperatorSetIdProto os0 =
        ONNX__OPERATOR_SET_ID_PROTO__INIT;
    const graph *g = c->g;
    size_t nt = (size_t)(g->n_tensors ? g->n_tensors : 1);
    Onnx__GraphProto *gp = ox_alloc(c, sizeof *gp);
    Onnx__OperatorSetIdProto *os = ox_alloc(c, sizeof *os);
    Onnx__OperatorSetIdProto **osv = ox_alloc(c, sizeof *osv);
    char *out_names[GRAPH_MAX_IO];
    c->name = ox_alloc(c, nt * sizeof *c->name);
    c->nhwc = ox_alloc(c, nt * sizeof *c->nhwc);
    c->wide = ox_alloc(c, nt * sizeof *c->wide);
    c->dq = ox_alloc(c, nt * sizeof *c->dq);
    c->made = ox_alloc(c, nt * sizeof *c->made);
    if (!gp || !os || !osv || !c->name || !c->nhwc || !c->wide || !c->dq ||
        !c->made || make_names(c))
        return -1;
    *gp = gp0;
    if (edges(c, gp, out_names))
        return -1;
    for (int i = 0; i < g->n_nodes; i++) {
        c->node = i;
        if (ox_qdq_node(c, &g->nodes[i]))
            return -1;
    }
    c->node = -1;
    if (output_edges(c, out_names))
        return -1;
    gp->name = "mcn";
    gp->n_node = c->n_nodes;
    gp->node = c->nodes;
    gp->n_initializer = c->n_inits;
    gp->initializer = c->inits;
    *os = os0;
    os->domain = "";
    os->has_version = 1;
    os->version = OPSET;
    osv[0] = os;
    m->has_ir_version = 1;
    m->ir_version = IR_VERSION;
    m->n_opset_import = 1;
    m->opset_import = osv;
    m->producer_name = "mcn-export";
    m->doc_string = g->description;
    m->graph = gp;
    return 0;
}

int onnx_export(const graph *g, uint8_t **buf, size_t *len, mcn_err *e)
{
    static const Onnx__ModelProto m0 = ONNX__MODEL_PROTO__INIT;
    ox_ctx c;
    memset(&c, 0, sizeof c);
    c.g = g;
    c.e = e;
    c.node = -1;
    *buf = NULL;
    *len = 0;
    if (ox_check_model(g, e))
        return -1;
    Onnx__ModelProto m = m0;
    int rc = build(&c, &m);
    if (!rc) {
        size_t n = onnx__model_proto__get_packed_size(&m);
        *buf = malloc(n ? n : 1);
        if (*buf) {
            *len = onnx__model_proto__pack(&m, *buf);
        } else {
            rc = mcn_fail(e, "out of memory");
        }
    }
    for (size_t i = 0; i < c.n_own; i++)
        free(c.own[i]);
    free(c.own);
    return rc;
}
