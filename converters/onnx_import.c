/* onnx_import.c: ONNX ModelProto -> float graph. Values and constants
   first, then the nodes in order (folded or translated), then the graph
   outputs, then the generic graph passes. */
#include <stdlib.h>
#include <string.h>

#include "graph_passes.h"
#include "graph_shapes.h"
#include "onnx_internal.h"
#include "onnx_nesting.h"

static int find_opset(const Onnx__ModelProto *m, mcn_err *e)
{
    int64_t v = -1;
    for (size_t i = 0; i < m->n_opset_import; i++) {
        const char *d = m->opset_import[i]->domain;
        if (!d || !d[0] || !strcmp(d, "ai.onnx"))
            v = m->opset_import[i]->version;
    }
    if (v < 0)
        return mcn_fail(e, "the model imports no ai.onnx opset");
    if (v < ONNX_MIN_OPSET || v > ONNX_MAX_OPSET)
        return mcn_fail(e, "opset %lld is not supported (only %d to %d are)",
                        (long long)v, ONNX_MIN_OPSET, ONNX_MAX_OPSET);
    return (int)v;
}

static int add_initializers(onnx_ctx *c)
{
    char why[160];
    for (size_t i = 0; i < c->gp->n_initializer; i++) {
        const Onnx__TensorProto *t = c->gp->initializer[i];
        const char *name = t->name ? t->name : "";
        bool dup;
        onnx_value *v = onnx_values_add(&c->vals, name, &dup);
        if (!v)
            return mcn_fail(c->e, dup ? "initializer '%s' is defined twice"
                                      : "out of memory at initializer '%s'",
                            name);
        if (onnx_tensor_decode(t, &v->c, why, sizeof why))
            return mcn_fail(c->e, "initializer '%s': %s", name, why);
        v->kind = ONNX_VAL_CONST;
        v->shape = v->c.shape;
    }
    return 0;
}

/* Declared dims; symbolic ones are -1. */
static int declared_shape(const Onnx__ValueInfoProto *vi, onnx_shape *s,
                          mcn_err *e)
{
    const Onnx__TypeProto *tp = vi->type;
    const char *name = vi->name ? vi->name : "";
    if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
        !tp->tensor_type->shape)
        return mcn_fail(e, "'%s' is not a tensor of known rank", name);
    const Onnx__TensorShapeProto *sp = tp->tensor_type->shape;
    if (sp->n_dim < 1 || sp->n_dim > MCN_MAX_DIMS)
        return mcn_fail(e, "'%s' has rank %zu (1 to %d are supported)", name,
                        sp->n_dim, MCN_MAX_DIMS);
    s->rank = (int)sp->n_dim;
    for (int i = 0; i < s->rank; i++) {
        const Onnx__TensorShapeProto__Dimension *d = sp->dim[i];
        bool known = d->value_case ==
                     ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        if (known && (d->dim_value < 1 || d->dim_value > INT32_MAX))
            return mcn_fail(e, "'%s' has dimension %d of size %lld", name, i,
                            (long long)d->dim_value);
        s->d[i] = known ? d->dim_value : -1;
    }
    return 0;
}

static int add_inputs(onnx_ctx *c)
{
    graph *g = c->g;
    for (size_t i = 0; i < c->gp->n_input; i++) {
        const Onnx__ValueInfoProto *vi = c->gp->input[i];
        const char *name = vi->name ? vi->name : "";
        if (onnx_values_get(&c->vals, name))
            continue;  /* an initializer listed as an input (IR < 4) */
        const Onnx__TypeProto *tp = vi->type;
        int et = tp && tp->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE
                     ? tp->tensor_type->elem_type
                     : ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
        /* uint8/int8 inputs are quantized; a DequantizeLinear or QLinear
           op reading them gives their scale. */
        if (et != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT &&
            et != ONNX__TENSOR_PROTO__DATA_TYPE__UINT8 &&
            et != ONNX__TENSOR_PROTO__DATA_TYPE__INT8)
            return mcn_fail(c->e, "input '%s' has data type %s; only "
                            "float32, uint8 and int8 inputs are supported",
                            name, onnx_dtype_name(et));
        onnx_shape s;
        mcn_err why;
        if (declared_shape(vi, &s, &why))
            return mcn_fail_status(c->e, why.status, "input %s", why.msg);
        for (int d = 0; d < s.rank; d++) {
            if (s.d[d] >= 0)
                continue;
            if (d > 0)
                return mcn_fail(c->e, "input '%s': dimension %d is symbolic; "
                                "only the batch dimension may be", name, d);
            s.d[0] = 1;  /* a dynamic batch runs one sample at a time */
        }
        char dims[96];
        if (onnx_shape_elems(&s) < 0)
            return mcn_fail(c->e, "input '%s' %s has more than %lld "
                            "elements", name,
                            onnx_shape_str(&s, dims, sizeof dims),
                            (long long)ONNX_MAX_ELEMS);
        if (g->n_inputs == GRAPH_MAX_IO)
            return mcn_fail(c->e, "more than %d graph inputs", GRAPH_MAX_IO);
        bool dup;
        int32_t gs[MCN_MAX_DIMS];
        onnx_value *v = onnx_values_add(&c->vals, name, &dup);
        if (!v || onnx_graph_shape(&s, gs))
            return mcn_fail(c->e, "input '%s' cannot be added", name);
        v->kind = ONNX_VAL_ACT;
        v->shape = s;
        v->q_type = et == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT ? 0 : et;
        v->tensor = graph_add_tensor(g, name, MCN_DT_FLOAT32, s.rank, gs);
        if (v->tensor < 0)
            return mcn_fail(c->e, "out of memory");
        g->tensors[v->tensor].layout = MCN_LAYOUT_NCHW;
        g->inputs[g->n_inputs++] = v->tensor;
    }
    return 0;
}

static int translate_node(onnx_ctx *c)
{
    const Onnx__NodeProto *n = c->node;
    bool done;
    if (!n->op_type || !n->op_type[0])
        return mcn_fail(c->e, "node %d has no op_type", c->node_index);
    if (n->domain && n->domain[0] && strcmp(n->domain, "ai.onnx"))
        return onnx_fail(c, "unsupported operator (domain '%s')", n->domain);
    done = false;
    if (c->opset < ONNX_LEGACY_OPSET && onnx_legacy_node(c, &done))
        return -1;
    if (!done && onnx_fold(c, &done))
        return -1;
    if (!done) {
        onnx_op_fn fn = onnx_op_lookup(n->op_type);
        if (!fn)
            return onnx_fail(c, "unsupported operator");
        if (fn(c))
            return -1;
    }
    /* Outputs the translation did not provide fail only when read. */
    for (size_t j = 0; j < n->n_output; j++)
        if (onnx_output_unusable(c, (int)j))
            return -1;
    return 0;
}

static int check_declared(onnx_ctx *c, const Onnx__ValueInfoProto *vi,
                          const onnx_value *v)
{
    onnx_shape s;
    char a[96], b[96];
    mcn_err ignore;
    if (declared_shape(vi, &s, &ignore))
        return 0;  /* undeclared or odd: nothing to compare with */
    bool same = s.rank == v->shape.rank;
    for (int i = 0; same && i < s.rank; i++)
        same = s.d[i] < 0 || s.d[i] == v->shape.d[i];
    if (!same)
        return mcn_fail(c->e, "output '%s' has shape %s but the model "
                        "declares %s", v->name,
                        onnx_shape_str(&v->shape, a, sizeof a),
                        onnx_shape_str(&s, b, sizeof b));
    return 0;
}

static bool is_graph_input(const graph *g, int t)
{
    for (int i = 0; i < g->n_inputs; i++)
        if (g->inputs[i] == t)
            return true;
    return false;
}

static int add_outputs(onnx_ctx *c)
{
    graph *g = c->g;
    c->node = NULL;
    for (size_t i = 0; i < c->gp->n_output; i++) {
        const char *name = c->gp->output[i]->name ? c->gp->output[i]->name : "";
        onnx_value *v = onnx_values_get(&c->vals, name);
        if (!v)
            return mcn_fail(c->e, "output '%s' is not produced by any node",
                            name);
        if (v->kind == ONNX_VAL_UNUSABLE)
            return onnx_fail_value(c, v);
        if (v->chw_flat) {
            /* Layout nodes for the output, named after its maker. */
            c->node = c->gp->node[v->origin];
            c->node_index = v->origin;
            int rc = onnx_unflatten(c, v);
            c->node = NULL;
            if (rc)
                return -1;
        }
        if (v->kind == ONNX_VAL_CONST)
            return mcn_fail(c->e, "output '%s' is a constant; there is "
                            "nothing to compute", name);
        if (check_declared(c, c->gp->output[i], v))
            return -1;
        if (g->n_outputs == GRAPH_MAX_IO)
            return mcn_fail(c->e, "more than %d graph outputs", GRAPH_MAX_IO);
        graph_tensor *t = &g->tensors[v->tensor];
        t->layout = MCN_LAYOUT_NCHW;
        /* An Identity before the output left the tensor its input's name. */
        if (!is_graph_input(g, v->tensor) &&
            graph_set_name(&t->name, name))
            return mcn_fail(c->e, "out of memory");
        g->outputs[g->n_outputs++] = v->tensor;
    }
    if (!g->n_outputs)
        return mcn_fail(c->e, "the model has no outputs");
    return 0;
}

/* uint8/int8 graph inputs must have been given a scale. */
static int quantized_inputs(onnx_ctx *c)
{
    for (size_t i = 0; i < c->gp->n_input; i++) {
        const char *name = c->gp->input[i]->name;
        const onnx_value *v = onnx_values_get(&c->vals, name ? name : "");
        if (v && v->kind == ONNX_VAL_ACT && v->origin < 0 && v->q_type &&
            !c->g->tensors[v->tensor].nscale)
            return mcn_fail(c->e, "input '%s' is quantized but nothing "
                            "dequantizes it, so its scale is unknown",
                            v->name);
    }
    return 0;
}

static const char *label(const graph *g, int node, void *ctx)
{
    const onnx_ctx *c = ctx;
    const char *name = g->nodes[node].name;
    for (int i = 0; name && i < c->n_labels; i++)
        if (!strcmp(c->labels[i].node, name))
            return c->labels[i].op_type;
    return NULL;
}

static int describe(graph *g, const Onnx__ModelProto *m, int opset)
{
    char d[256];
    const char *p = m->producer_name, *v = m->producer_version;
    if (p && p[0])
        snprintf(d, sizeof d, "imported from ONNX (opset %d, %s%s%s)", opset,
                 p, v && v[0] ? " " : "", v ? v : "");
    else
        snprintf(d, sizeof d, "imported from ONNX (opset %d)", opset);
    return graph_set_name(&g->description, d);
}

static int run(onnx_ctx *c, const Onnx__ModelProto *m)
{
    if (onnx_values_init(&c->vals, c->gp->n_initializer + c->gp->n_input +
                                       2 * c->gp->n_node))
        return mcn_fail(c->e, "out of memory");
    if (add_initializers(c) || add_inputs(c))
        return -1;
    for (size_t i = 0; i < c->gp->n_node; i++) {
        c->node = c->gp->node[i];
        c->node_index = (int)i;
        if (translate_node(c))
            return -1;
    }
    if (add_outputs(c) || quantized_inputs(c))
        return -1;
    /* Layout nodes nobody reads would stop the folds (which want a
       producer's output to have one reader). */
    graph_prune(c->g);
    gpass_log log = {c->verbose, label, c};
    if (gpass_fold_affine(c->g, &log, c->e) ||
        gpass_fuse_activations(c->g, &log, c->e))
        return -1;
    graph_prune(c->g);
    if (onnx_qdq_finish(c) || onnx_edge_transposes(c))
        return -1;
    /* Last: the edge's transposes go first (removed outright, not merged
       into a chain), and a QDQ model's moves are int8 by now, each chain
       one quantization or none (a Q/DQ pair between moves breaks it). */
    if (gpass_collapse_views(c->g, &log, c->e))
        return -1;
    graph_prune(c->g);
    graph_note_reshapes(c->g);
    if (describe(c->g, m, c->opset))
        return mcn_fail(c->e, "out of memory");
    return 0;
}

int onnx_import(const uint8_t *buf, size_t len, const onnx_import_opts *o,
                graph *g, mcn_err *e)
{
    mcn_err scratch;
    if (!e)
        e = &scratch;
    graph_init(g);
    /* protobuf reads no bytes as an empty model, without a graph. */
    if (len == 0)
        return mcn_fail(e, "not an ONNX model (the file is empty)");
    uint64_t nodes;
    switch (onnx_check_wire(buf, len, ONNX_MAX_NESTING, &nodes)) {
    case ONNX_NESTING_TOO_DEEP:
        return mcn_fail(e, "subgraphs or types nest more than %d deep",
                        ONNX_MAX_NESTING);
    case ONNX_NESTING_MALFORMED:
        return mcn_fail(e, "not an ONNX model (protobuf parse failed)");
    default:
        break;
    }
    if (nodes > ONNX_MAX_NODES)
        return mcn_fail(e, "the model has %llu nodes; at most %d are "
                        "supported", (unsigned long long)nodes,
                        ONNX_MAX_NODES);
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, buf);
    if (!m)
        return mcn_fail(e, "not an ONNX model (protobuf parse failed)");
    if (!m->graph) {
        onnx__model_proto__free_unpacked(m, NULL);
        return mcn_fail(e, "not an ONNX model (no graph)");
    }
    onnx_ctx c;
    memset(&c, 0, sizeof c);
    c.g = g;
    c.e = e;
    c.verbose = o ? o->verbose : NULL;
    c.gp = m->graph;
    c.node_index = -1;
    int rc = c.opset = find_opset(m, e);
    if (rc >= 0)
        rc = run(&c, m);
    for (int i = 0; i < c.n_labels; i++)
        free(c.labels[i].node);
    free(c.labels);
    onnx_values_free(&c.vals);
    onnx__model_proto__free_unpacked(m, NULL);
    if (rc < 0) {
        graph_free(g);
        return -1;
    }
    return 0;
}
