/* tflite_import.c: TFLite model -> graph. The model's edge first (which
   QUANTIZE and DEQUANTIZE fold into it), its inputs, then the operators
   in their (execution) order, then the outputs; a float model then goes
   through the generic graph passes. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fb_read.h"
#include "graph_passes.h"
#include "graph_shapes.h"
#include "tflite_internal.h"

int tfl_fail(tfl_ctx *c, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return mcn_fail(c->e, "operator %d (%s): %s", c->op, c->opname, msg);
}

static int32_t in_index(const tfl_ctx *c, uint32_t i)
{
    return i < c->o->n_in ? tfl_i32_at(c->m, c->o->in, i) : -1;
}

const tfl_tensor *tfl_in_tensor(const tfl_ctx *c, uint32_t i)
{
    int32_t idx = in_index(c, i);
    return idx < 0 ? NULL : &c->m->tensors[idx];
}

/* Element k of a constant INT32 or INT64 vector (little-endian). */
static int64_t const_int_at(const tfl_tensor *t, uint32_t k)
{
    if (t->type == TFL_INT32)
        return fb_i32(t->data + 4u * k);
    const uint8_t *p = t->data + 8u * k;
    uint64_t u = (uint64_t)fb_u32(p) | ((uint64_t)fb_u32(p + 4) << 32);
    return u <= INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

int tfl_const_ints(tfl_ctx *c, uint32_t i, const char *what, int64_t *v,
                   uint32_t cap, uint32_t *n, const tfl_tensor **tp)
{
    const tfl_tensor *t = tfl_in_tensor(c, i);
    *n = 0;
    *tp = t;
    if (!t)
        return tfl_fail(c, "the %s (input %u) is missing", what, i);
    if (t->type != TFL_INT32 && t->type != TFL_INT64)
        return tfl_fail(c, "the %s '%s' has type %s (INT32 or INT64 is "
                        "expected)", what, t->name, tfl_type_name(t->type));
    /* The product stops growing past cap, so it cannot overflow. */
    uint64_t elems = 1;
    bool empty = false;
    for (uint32_t d = 0; d < t->rank; d++) {
        int32_t dim = tfl_i32_at(c->m, t->shape, d);
        if (dim < 0)
            return tfl_fail(c, "the %s '%s' has dimension %u of size %d",
                            what, t->name, d, (int)dim);
        empty |= dim == 0;
        if (elems <= cap)
            elems *= (uint64_t)dim;
    }
    if (empty)
        elems = 0;
    if (elems > cap)
        return tfl_fail(c, "the %s '%s' has more than %u values", what,
                        t->name, cap);
    if (elems > 0 && !t->data)
        return tfl_fail(c, "the %s '%s' must be a constant", what, t->name);
    if (t->external || t->sparse)
        return tfl_fail(c, "the %s '%s' is stored in a way that is not "
                        "supported", what, t->name);
    size_t size = t->type == TFL_INT32 ? 4 : 8;
    if (t->nbytes != elems * size)
        return tfl_fail(c, "the %s '%s' holds %u bytes for %u values", what,
                        t->name, t->nbytes, (unsigned)elems);
    for (uint32_t k = 0; k < elems; k++)
        v[k] = const_int_at(t, k);
    *n = (uint32_t)elems;
    return 0;
}

int tfl_input(tfl_ctx *c, uint32_t i, int flags, int *t)
{
    char why[200];
    int32_t idx = in_index(c, i);
    *t = -1;
    if (idx < 0) {
        if (flags & TFL_IN_OPTIONAL)
            return 0;
        return tfl_fail(c, "input %u is missing", i);
    }
    const tfl_tensor *tt = &c->m->tensors[idx];
    bool is_const = tt->data != NULL;
    if ((flags & TFL_IN_CONST) && !is_const)
        return tfl_fail(c, "input %u '%s' must be a constant", i, tt->name);
    if ((flags & TFL_IN_ACT) && is_const)
        return tfl_fail(c, "input %u '%s' is a constant; only an activation "
                        "is supported here", i, tt->name);
    if (!is_const && !c->written[idx])
        return tfl_fail(c, "input %u '%s' is read before any operator "
                        "writes it", i, tt->name);
    if ((*t = tfl_graph_tensor_as(c, (uint32_t)idx, flags & TFL_IN_BIAS,
                                  why, sizeof why)) < 0)
        return tfl_fail(c, "input %u '%s' %s", i, tt->name, why);
    return 0;
}

int tfl_output(tfl_ctx *c, uint32_t i, int *t)
{
    char why[200];
    *t = -1;
    if (i >= c->o->n_out)
        return tfl_fail(c, "output %u is missing", i);
    int32_t idx = tfl_i32_at(c->m, c->o->out, i);
    const tfl_tensor *tt = &c->m->tensors[idx];
    if (tt->data)
        return tfl_fail(c, "output '%s' is a constant", tt->name);
    if (c->written[idx])
        return tfl_fail(c, "output '%s' was already written", tt->name);
    if ((*t = tfl_graph_tensor(c, (uint32_t)idx, why, sizeof why)) < 0)
        return tfl_fail(c, "output '%s' %s", tt->name, why);
    c->written[idx] = true;
    return 0;
}

int tfl_node(tfl_ctx *c, mcn_opcode op, const int *ins, int n_in, int out)
{
    int n = graph_add_node(c->g, op, c->g->tensors[out].name);
    if (n < 0)
        return tfl_fail(c, "out of memory");
    for (int i = 0; i < n_in; i++)
        if (graph_node_add_input(c->g, n, ins[i]))
            return tfl_fail(c, "too many inputs");
    graph_node_add_output(c->g, n, out);
    return n;
}

int tfl_options(tfl_ctx *c, uint8_t type, bool required, bool *present)
{
    *present = c->o->opt_type != 0 && c->o->opt != 0;
    if (!*present)
        return required ? tfl_fail(c, "has no builtin options") : 0;
    if (c->o->opt_type != type)
        return tfl_fail(c, "has builtin options of union type %u, not %u",
                        c->o->opt_type, type);
    return 0;
}

/* Field `id` of the options table, `width` bytes, checked; 0 if absent. */
static int opt_field(tfl_ctx *c, int id, uint32_t width, uint32_t *pos)
{
    *pos = 0;
    if (!c->o->opt)
        return 0;
    if (!fb_check_scalar(c->m->b, c->o->opt, id, width))
        return mcn_fail(c->e, "not a TFLite model (operator %d's options "
                        "are malformed)", c->op);
    *pos = fb_field(c->m->b, c->o->opt, id);
    return 0;
}

int tfl_opt_u8(tfl_ctx *c, int id, uint8_t dflt, uint8_t *v)
{
    uint32_t p;
    if (opt_field(c, id, 1, &p))
        return -1;
    *v = p ? c->m->b[p] : dflt;
    return 0;
}

int tfl_opt_i32(tfl_ctx *c, int id, int32_t dflt, int32_t *v)
{
    uint32_t p;
    if (opt_field(c, id, 4, &p))
        return -1;
    *v = p ? fb_i32(c->m->b + p) : dflt;
    return 0;
}

int tfl_opt_f32(tfl_ctx *c, int id, float dflt, float *v)
{
    uint32_t p;
    if (opt_field(c, id, 4, &p))
        return -1;
    *v = p ? fb_f32(c->m->b + p) : dflt;
    return 0;
}

int tfl_fused_act(tfl_ctx *c, uint8_t code, graph_node *n)
{
    switch (code) {
    case 0: n->act = MCN_ACT_NONE; return 0;
    case 1: n->act = MCN_ACT_RELU; return 0;
    case 2:  /* RELU_N1_TO_1 */
        n->act = MCN_ACT_CLIP;
        n->act_min = -1.0f;
        n->act_max = 1.0f;
        return 0;
    case 3: n->act = MCN_ACT_RELU6; return 0;
    case 4: return tfl_fail(c, "fused activation TANH is not supported");
    case 5: return tfl_fail(c, "fused activation SIGN_BIT is not supported");
    default: return tfl_fail(c, "unknown fused activation %u", code);
    }
}

static int translate(tfl_ctx *c, uint32_t i)
{
    c->op = (int)i;
    c->o = &c->m->ops[i];
    const tfl_opcode *oc = &c->m->codes[c->o->opcode];
    const char *name = tflite_builtin_name(oc->code);
    if (oc->code == TFL_OP_CUSTOM && oc->custom && oc->custom[0])
        snprintf(c->opname, sizeof c->opname, "%.80s", oc->custom);
    else if (name)
        snprintf(c->opname, sizeof c->opname, "%s", name);
    else
        snprintf(c->opname, sizeof c->opname, "builtin %d", (int)oc->code);
    if (c->folded[i])
        return 0;   /* the model's edge does its job (tflite_edge.c) */
    if (tfl_check_subgraph_call(c))
        return -1;
    tfl_op_fn fn = oc->code == TFL_OP_CUSTOM ? NULL : tfl_op_lookup(oc->code);
    if (!fn)
        return tfl_fail(c, "unsupported operator");
    if (c->o->n_out != 1)
        return tfl_fail(c, "has %u outputs, 1 is expected", c->o->n_out);
    return fn(c);
}

/* The model's inputs (io = 0) or outputs (io = 1). */
static int add_io(tfl_ctx *c, int io)
{
    const char *what = io ? "output" : "input";
    uint32_t n = io ? c->m->n_outputs : c->m->n_inputs;
    uint32_t vec = io ? c->m->outputs : c->m->inputs;
    char why[200];
    if (n < 1 || n > GRAPH_MAX_IO)
        return mcn_fail(c->e, "the model has %u %ss (1 to %d are supported)",
                        n, what, GRAPH_MAX_IO);
    for (uint32_t k = 0; k < n; k++) {
        int32_t own = tfl_i32_at(c->m, vec, k);
        int32_t idx = tfl_edge_tensor(c, own);
        const tfl_tensor *t = &c->m->tensors[idx];
        if (t->data)
            return mcn_fail(c->e, "model %s '%s' is a constant", what,
                            t->name);
        if (io && !c->written[idx])
            return mcn_fail(c->e, "model output '%s' is never written",
                            t->name);
        int gt = tfl_graph_tensor(c, (uint32_t)idx, why, sizeof why);
        if (gt < 0)
            return mcn_fail(c->e, "model %s '%s' %s", what, t->name, why);
        c->written[idx] = true;
        /* A folded edge keeps the name the model's interface has. */
        if (idx != own &&
            graph_set_name(&c->g->tensors[gt].name, c->m->tensors[own].name))
            return mcn_fail(c->e, "out of memory");
        if (io)
            c->g->outputs[c->g->n_outputs++] = gt;
        else
            c->g->inputs[c->g->n_inputs++] = gt;
    }
    return 0;
}

static int describe(tfl_ctx *c)
{
    char d[256];
    const char *src = c->m->description;
    if (src && src[0])
        snprintf(d, sizeof d, "imported from TFLite (%.200s)", src);
    else
        snprintf(d, sizeof d, "imported from TFLite");
    return graph_set_name(&c->g->description, d)
               ? mcn_fail(c->e, "out of memory") : 0;
}

static int run(tfl_ctx *c, const tflite_import_opts *o)
{
    const tfl_model *m = c->m;
    tfl_fold_edges(c);
    if (m->n_inputs > 0)
        c->float_model = m->tensors[tfl_edge_tensor(
                             c, tfl_i32_at(m, m->inputs, 0))].type ==
                         TFL_FLOAT32;
    if (add_io(c, 0))
        return -1;
    for (uint32_t i = 0; i < m->n_ops; i++)
        if (translate(c, i))
            return -1;
    if (add_io(c, 1))
        return -1;
    /* TFLite fuses what it can already; a standalone RELU the converter
       left is folded into its producer in float. The int8 graph stays as
       TFLM runs it: fusing there would change where it rounds. */
    if (c->float_model) {
        gpass_log log = {o ? o->verbose : NULL, NULL, NULL};
        if (gpass_fuse_activations(c->g, &log, c->e) ||
            gpass_collapse_views(c->g, &log, c->e))
            return -1;
    }
    graph_prune(c->g);
    graph_note_reshapes(c->g);
    return describe(c);
}

int tflite_import(const uint8_t *buf, size_t len, const tflite_import_opts *o,
                  graph *g, mcn_err *e)
{
    mcn_err scratch;
    if (!e)
        e = &scratch;
    graph_init(g);
    tfl_model m;
    if (tfl_model_read(&m, buf, len, e))
        return -1;
    tfl_ctx c;
    memset(&c, 0, sizeof c);
    c.m = &m;
    c.g = g;
    c.e = e;
    c.op = -1;
    c.gt = malloc((m.n_tensors ? m.n_tensors : 1) * sizeof *c.gt);
    c.edge = malloc((m.n_tensors ? m.n_tensors : 1) * sizeof *c.edge);
    c.written = calloc(m.n_tensors ? m.n_tensors : 1, sizeof *c.written);
    c.folded = calloc(m.n_ops ? m.n_ops : 1, sizeof *c.folded);
    int rc = -1;
    if (!c.gt || !c.edge || !c.written || !c.folded) {
        mcn_fail(e, "out of memory");
    } else {
        for (uint32_t i = 0; i < m.n_tensors; i++)
            c.gt[i] = c.edge[i] = -1;
        rc = run(&c, o);
    }
    free(c.gt);
    free(c.edge);
    free(c.written);
    free(c.folded);
    tfl_model_free(&m);
    if (rc) {
        graph_free(g);
        return -1;
    }
    return 0;
}
